#!/bin/bash
# SPDX-License-Identifier: MIT
# fault_confine: the broker confines itself before it reads the program's
# first word, so a broker that cannot (ocapsh-noconfine, whose broker's
# seccomp load fails) must end the session at that word, serving nothing:
#  - a program that says nothing runs to its end as usual (exit 0);
#  - a program whose chmod goes to the supervisor, with a child of its
#    own in the background: ocapsh exits 125 within seconds saying the
#    broker cannot confine itself, the chmod was not made, and neither
#    the program nor its child is left.
#
# usage: fault_confine.sh OCAPSH-NOCONFINE FAULT_PROG
set -u
. "$(dirname "$0")/lib.sh"
fault_setup "$@"

says "silent: a program that never speaks to the broker runs as usual"
t silent 0 -o '=quiet' \
	: "$O" --env FAULT_TAG --rx /usr/bin -- /bin/sh -c 'echo quiet'

begin first-word "the program's first word to a broker that cannot \
confine itself ends the session"
: >"$T/f"
chmod 0644 "$T/f"
start=$SECONDS
timeout -s KILL 20 "$O" --env FAULT_TAG --rx /usr/bin --rw "$T" -- /bin/sh -c \
	"sleep 3600 & echo child \$!; chmod 0600 '$T/f'; echo chmod \$?; \
sleep 3600" </dev/null >"$OUT" 2>"$ERR"
st=$?
check "ocapsh's status is 125 (it was $st)" [ "$st" = 125 ]
check "within 10 s (it took $((SECONDS - start)) s)" \
	[ $((SECONDS - start)) -lt 10 ]
check "it says why" grep -q 'broker: cannot confine itself' "$ERR"
check "the chmod was not made (mode $(stat -c %a "$T/f"))" \
	[ "$(stat -c %a "$T/f")" = 644 ]
child=$(sed -n 's/^child \([0-9][0-9]*\)$/\1/p' "$OUT")
check "the program's child (${child:-none}) is gone" \
	within 5 gone "${child:-0}"
check "nothing is left" no_leftovers
verdict

finish
