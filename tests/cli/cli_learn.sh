#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_learn: --learn FILE writes the grants a refused job needed, and the
# file it writes makes the job pass.  A new FILE is made; an existing one
# is never overwritten (FILE.new holds it with what it lacked); learning
# writes nothing the grants do not allow; a FILE that cannot be written
# stops everything before the program runs.
#
# usage: cli_learn.sh OCAPSH [--as-nobody]
set -u
. "$(dirname "$0")/lib.sh"

cli_start cli_learn.sh "$@"
O=$OCAPSH
L='ocapsh: learn: '

mkdir -m 0755 x w
mkdir -m 0777 y
echo hush >x/secret
chmod 0644 x/secret
[ "$AS" = --as-nobody ] && chown 65534:65534 w
G=$T/w/job.grants

has() { grep -qxF -- "$2" "$1"; }
sum_is() { [ "$(sum_of "$1")" = "$2" ]; }

# ---- a new file, then the job with it ---------------------------------------
# The read outside the grants is let through while learning, and learned.
t learn-new 0 -o '=hush' -e "~${L}1 grant written to $G" \
	: "$O" --learn "$G" -- cat "$T/x/secret"
post 'the grant is in the file' has "$G" "--ro $T/x/secret"
post 'with who needed it' has "$G" "# read by cat; its folder: --ro $T/x"
t learn-used 0 -o '=hush' : "$O" --grants "$G" -- cat "$T/x/secret"
t learn-nothing-new 0 -o '=hush' -e "=${L}nothing new for $G" \
	: "$O" --grants "$G" --learn "$G" -- cat "$T/x/secret"
post 'no FILE.new when nothing is new' absent "$G.new"

# ---- an existing file: FILE.new, FILE untouched -------------------------------
before=$(sum_of "$G")
t learn-existing 2 -e "~${L}1 new grant: compare with diff -u $G $G.new" \
	: "$O" --grants "$G" --learn "$G" -- sh -c "echo made >$T/y/out"
post 'learning wrote nothing outside the grants' absent "$T/y/out"
post 'FILE is untouched' sum_is "$G" "$before"
post 'FILE.new keeps the old grant' has "$G.new" "--ro $T/x/secret"
post 'FILE.new adds the new one' has "$G.new" "--rw $T/y"
t learn-new-used 0 : "$O" --grants "$G.new" -- sh -c "echo made >$T/y/out"
post 'the job made its file' grep -qx made "$T/y/out"

# ---- a read, then the write it leads to: one run --------------------------------
printf 'one\ntwo\n' >y/t
chmod 0666 y/t
t learn-read-write 4 -e "~sed: couldn't open temporary file $T/y/sed" \
	: "$O" --learn "$T/w/rw.grants" -- sed -i s/one/three/ "$T/y/t"
post 'the file is unchanged' grep -qx one "$T/y/t"
post 'the folder is learned for the write' has "$T/w/rw.grants" "--rw $T/y"
t learn-read-write-used 0 \
	: "$O" --grants "$T/w/rw.grants" -- sed -i s/one/three/ "$T/y/t"
post 'the edit is made' eval "[ \"\$(cat '$T/y/t')\" = \"\$(printf 'three\\ntwo')\" ]"

# ---- a directory read outside the grants is listed --------------------------------
t learn-list 0 -o '=secret' -e "~${L}1 grant written" : "$O" --learn "$T/w/ls.grants" -- ls "$T/x"
post 'the directory is learned' has "$T/w/ls.grants" "--ro $T/x"

# ---- what learning never lets through -------------------------------------------
# a link opened without following it is not followed for the program
ln -s "$T/x/secret" y/nf
t learn-nofollow 1 -e "~Too many levels of symbolic links" \
	: "$O" --learn "$T/w/nf.grants" -- /usr/bin/python3 -c \
	"import os; os.open('$T/y/nf', os.O_RDONLY | os.O_NOFOLLOW)"

cp /bin/true x/prog
t learn-no-exec 126 -e "~Permission denied" \
	: "$O" --learn "$T/w/x.grants" -- sh -c "$T/x/prog"
post 'the execution is learned' has "$T/w/x.grants" "--rx $T/x/prog"
t learn-secret 1 -e "~cat: /etc/shadow: Permission denied" -o '=' \
	: "$O" --learn "$T/w/s.grants" -- cat /etc/shadow
post 'the secret is commented out' has "$T/w/s.grants" "# --ro /etc/shadow"
post 'and not granted' eval "! grep -qx -- '--ro /etc/shadow' '$T/w/s.grants'"
ln -s /etc/shadow y/link
t learn-secret-link 1 -e "~Permission denied" -o '=' \
	: "$O" --learn "$T/w/s2.grants" -- cat "$T/y/link"
t learn-secret-dir 2 -e "~Permission denied" -o '=' \
	: "$O" --learn "$T/w/s3.grants" -- ls /home

# A link flipped, from outside, between a plain file and a credential
# while the program reads through it: what the broker hands over is what
# it looked at, so the credential never comes through.
mkdir -m 0755 h h/.ssh
echo KEY-MATERIAL >h/.ssh/id
echo plain >x/plain
chmod 0644 h/.ssh/id x/plain
ln -s "$T/x/plain" y/flip
(
	while :; do
		ln -sfn "$T/h/.ssh/id" y/flip.new && mv -Tf y/flip.new y/flip
		ln -sfn "$T/x/plain" y/flip.new && mv -Tf y/flip.new y/flip
	done
) &
flipper=$!
t learn-secret-race 0 -o '~plain' -e '~Permission denied' \
	: env HOME="$T/h" "$O" --rx /usr/bin --learn "$T/w/race.grants" -- sh -c \
	"i=0; while [ \$i -lt 300 ]; do cat '$T/y/flip'; i=\$((i + 1)); done; true"
kill "$flipper"
wait "$flipper" 2>/dev/null
post 'the credential never came through' \
	eval "! grep -q KEY-MATERIAL '$OUT'"

# ---- bad input: nothing runs ----------------------------------------------------
t learn-no-dir 125 -e "@ocapsh: --learn: /nonexistent/d: No such file or directory" \
	: "$O" --learn /nonexistent/d/g -- touch "$T/y/ran"
t learn-a-dir 125 -e "@ocapsh: --learn: $T/x: not a regular file" \
	: "$O" --learn "$T/x" -- touch "$T/y/ran"
t learn-no-value 125 -e "@ocapsh: argument 1: --learn: missing value" \
	: "$O" --learn
echo --learn >w/in.grants
t learn-in-grants 125 \
	-e "@ocapsh: $T/w/in.grants:1: --learn is for the command line: a grants file cannot let a program read outside its grants" \
	: "$O" --grants "$T/w/in.grants" -- touch "$T/y/ran"
post 'the program never ran' absent "$T/y/ran"

finish
