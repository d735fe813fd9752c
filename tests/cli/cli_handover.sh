#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_handover: ocapsh built with musl runs what it can itself and hands
# the rest to ocapsh-full (../lib/ocap beside it), its arguments
# unchanged: the shell, --allow-syscall, a command line it cannot parse
# (whose error is then ocapsh-full's, word for word).  Without
# ocapsh-full it says so for the shell, and still refuses bad input
# itself; a launch never needs it.  Skipped for a glibc ocapsh, which
# hands nothing over.
#
# usage: cli_handover.sh OCAPSH
set -u
. "$(dirname "$0")/lib.sh"

cli_start cli_handover.sh "$@"
O=$OCAPSH
full=$(dirname "$O")/../lib/ocap/ocapsh-full
if [ ! -x "$full" ]; then
	echo "SKIP: no ocapsh-full beside $O: a glibc ocapsh hands nothing over"
	exit "$SKIP_CODE"
fi

# ---- with ocapsh-full --------------------------------------------------------
t shell 0 -o '=hi' : "$O" -c 'echo hi'
mkdir -m 0755 d
echo x >d/f
t allow-syscall 0 : "$O" --allow-syscall chmod --rw d -- chmod 0600 d/f
post 'the mode is 600' eval '[ "$(stat -c %a d/f)" = 600 ]'
t bad-option 125 -e "@ocapsh: argument 1: unknown option '--bogus'" \
	: "$O" --bogus -- /bin/true
# what the two builds say alike (ocapsh-full named as ocapsh hands over)
t bad-alike 125 -e "@$( (exec -a ocapsh "$full" --ro) 2>&1 | head -n 1)" \
	: "$O" --ro
t launch 0 -o '=x' : "$O" --ro d -- cat d/f

# ---- ocapsh alone --------------------------------------------------------------
mkdir -m 0755 alone alone/bin
cp "$O" alone/bin/ocapsh
A=$T/alone/bin/ocapsh
t alone-launch 0 -o '=x' : "$A" --ro d -- cat d/f
t alone-shell 125 \
	-e "@ocapsh: the shell is ocapsh-full's, which is not installed" \
	: "$A" -c 'echo hi'
t alone-bad 125 -e "@ocapsh: argument 1: unknown option '--bogus'" \
	: "$A" --bogus -- /bin/true

finish
