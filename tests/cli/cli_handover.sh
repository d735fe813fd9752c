#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_handover: ocapsh built with musl runs what it can itself and hands
# the rest to ocapsh-full (../lib/ocap beside it), its arguments
# unchanged: the shell and --allow-syscall, decided from the command line
# alone, before any grants file is read (a pipe read twice is empty, and
# its restrictions would be lost).  Bad input it refuses itself.  Without
# ocapsh-full it says so; a launch never needs it; an ocapsh-full that
# somebody else could have put beside a copy is never run.  Skipped for a
# glibc ocapsh, which hands nothing over.
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
# what the two builds say alike
t bad-alike 125 -e "@$( (exec -a ocapsh "$full" --ro) 2>&1 | head -n 1)" \
	: "$O" --ro
t launch 0 -o '=x' : "$O" --ro d -- cat d/f

# ---- a grants file read once, whoever reads it -----------------------------
printf -- '--rlimit nofile=64\n--hide-metadata\n' >s.grants
t pipe-kept 1 -o '=64' : bash -c "exec \"\$0\" --grants <(cat s.grants) \
	--allow-syscall kcmp -- sh -c 'ulimit -n; [ -e /etc/shadow ]'" "$O"
t pipe-bad-refused 125 -e "~unknown option '--bogus'" \
	: bash -c "exec \"\$0\" --grants <(echo --bogus) -- /bin/true" "$O"
printf -- '--allow-syscall kcmp\n' >a.grants
t syscall-in-file 125 -e "~give --allow-syscall on ocapsh's command line" \
	: "$O" --grants a.grants -- /bin/true
t shell-pipe-refused 125 -e "~the shell reads it again for each command" \
	: bash -c "exec \"\$0\" --grants <(cat s.grants) -c 'echo hi'" "$O"

# ---- ocapsh alone --------------------------------------------------------------
mkdir -m 0755 alone alone/bin
cp "$O" alone/bin/ocapsh
A=$T/alone/bin/ocapsh
t alone-launch 0 -o '=x' : "$A" --ro d -- cat d/f
t alone-shell 125 \
	-e "@ocapsh: the shell and --allow-syscall are ocapsh-full's, which is not installed" \
	: "$A" -c 'echo hi'
t alone-bad 125 -e "@ocapsh: argument 1: unknown option '--bogus'" \
	: "$A" --bogus -- /bin/true

# ---- an ocapsh-full somebody else put there ---------------------------------------
# alone/bin/ocapsh looks in alone/lib/ocap: made by uid 65534, or
# writable by all, it is not run.
mkdir -p alone/lib/ocap
printf '#!/bin/sh\ntouch %s/planted-ran\n' "$T" >alone/lib/ocap/ocapsh-full
chmod 0755 alone/lib/ocap/ocapsh-full
chown 65534:65534 alone/lib/ocap/ocapsh-full
t planted-theirs 125 -e "~which is not installed" : "$A" -c 'echo hi'
post 'the planted file did not run' absent "$T/planted-ran"
chown 0:0 alone/lib/ocap/ocapsh-full
chmod 0777 alone/lib/ocap
t planted-open-folder 125 -e "~which is not installed" : "$A" -c 'echo hi'
post 'the planted file did not run' absent "$T/planted-ran"
chmod 0755 alone/lib/ocap
t planted-ours 0 : "$A" -c 'echo hi'
post 'ours is run' test -e "$T/planted-ran"

finish
