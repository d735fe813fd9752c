#!/bin/bash
# SPDX-License-Identifier: MIT
# fault_session: a session whose broker or program dies, and one whose
# program leaves a daemon behind, under the real ocapsh.
#  - SIGKILL to ocapsh (the broker) while the program runs: the program
#    dies with it (its parent-death signal), and the child it forked,
#    which outlives both, gets an error from its next broker request and
#    exits rather than hang;
#  - SIGKILL to the program: ocapsh exits 128+9 and leaves nothing behind;
#  - a daemon (fork, setsid, fork) the program leaves is killed when the
#    program exits, and ocapsh returns rather than wait for it.
#
# usage: fault_session.sh OCAPSH FAULT_PROG
set -u
. "$(dirname "$0")/lib.sh"
fault_setup "$@"

pid_of() { sed -n "s/^$1 \\([0-9][0-9]*\\)\$/\\1/p" "$OUT"; }
has_line() { grep -Eq -- "$1" "$OUT"; }

# ---- the broker killed ------------------------------------------------------
begin broker-killed "SIGKILL to ocapsh: the program dies, and its child's \
next broker request fails"
"$O" --env FAULT_TAG "${NET[@]}" -- "$P" orphan 127.0.0.1 "$PORT" \
	</dev/null >"$OUT" 2>"$ERR" &
broker=$!
started() { has_line '^program [0-9]+$' && has_line '^before: ok$'; }
if within 10 started; then
	prog=$(pid_of program) child=$(pid_of child)
	stop "$broker"
	st=$?
	check "ocapsh's status is 128+9 (it was $st)" [ "$st" = 137 ]
	check "the program ($prog) died with ocapsh" within 10 gone "$prog"
	check "the child ($child) saw an error within 10 s" \
		within 10 has_line '^after: connect: '
	check "its broker request failed" has_line '^after: resolve: E[A-Z]+$'
	check "connect(2) failed with ENOENT, as with no broker" \
		has_line '^after: connect: ENOENT$'
	check "the child exited" within 10 gone "$child"
else
	bad+=("the program did not start")
	stop "$broker"
fi
check "nothing is left" no_leftovers
verdict

# ---- the program killed -----------------------------------------------------
begin program-killed "SIGKILL to the program: ocapsh exits 128+9, and the \
program's child is gone too"
"$O" --env FAULT_TAG -- "$P" tree </dev/null >"$OUT" 2>"$ERR" &
broker=$!
if within 10 has_line '^program [0-9]+$'; then
	prog=$(pid_of program) child=$(pid_of child)
	kill -KILL "$prog"
	if within 10 gone "$broker"; then
		wait "$broker" 2>/dev/null
		st=$?
		check "ocapsh's status is 128+9 (it was $st)" [ "$st" = 137 ]
	else
		bad+=("ocapsh was still running 10 s after the program died")
		stop "$broker"
	fi
	check "the program's child ($child) is gone" gone "$child"
else
	bad+=("the program did not start")
	stop "$broker"
fi
check "nothing is left" no_leftovers
verdict

# ---- daemons ----------------------------------------------------------------
says "daemon: a double-forked daemon (setsid, sleeps an hour) is killed" \
	"when the program exits, and ocapsh exits with the program's status"
t daemon 0 -o '/^daemon [0-9]+$' -o '~program done' \
	: "$O" --env FAULT_TAG -- "$P" daemon
daemon=$(pid_of daemon)
post "the daemon ($daemon) is gone" gone "${daemon:-0}"
post "nothing is left" no_leftovers

says "daemon-compat: the same from sh(1) with setsid(1) and sleep(1)"
t daemon-compat 0 -o '=started' \
	: "$O" --env FAULT_TAG --rx /usr/bin \
	-- /bin/sh -c '(setsid sleep 3600 &); echo started'
post "nothing is left" no_leftovers

finish
