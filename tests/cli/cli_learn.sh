#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_learn: --learn FILE writes the grants a refused job needed, and the
# file it writes makes the job pass.  A new FILE is made; an existing one
# is never overwritten (FILE.new holds it with what it lacked); learning
# writes nothing the grants do not allow, and reads outside them only
# beneath the directory it was started in and the public system trees,
# never a secret; a FILE that cannot be written stops everything before
# the program runs.  The credentials read are fake ones, in homes made
# here.
#
# usage: cli_learn.sh OCAPSH [--as-nobody]
set -u
. "$(dirname "$0")/lib.sh"

cli_start cli_learn.sh "$@"
O=$OCAPSH
L='ocapsh: learn: '

mkdir -m 0755 x w p
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

# ---- where learning reads: the project, the public system trees ------------------
t learn-public 0 -o '~ /usr/bin/true' -e "~${L}1 grant written" \
	: "$O" --learn "$T/w/pub.grants" -- wc -c /usr/bin/true
post 'the file is learned' has "$T/w/pub.grants" "--ro /usr/bin/true"
# elsewhere a read is learned but refused: a home's dot files, which no
# secret list names, from a project beside it
mkdir -m 0755 h3
echo FAKE-NPM-TOKEN >h3/.npmrc
chmod 0644 h3/.npmrc
t learn-elsewhere 1 -e "~cat: $T/h3/.npmrc: Permission denied" -e "~${L}1 grant written" \
	: sh -c "cd '$T/p' && HOME='$T/h3' exec '$O' --learn '$T/w/else.grants' -- cat '$T/h3/.npmrc'"
post 'it is learned, for the user to judge' has "$T/w/else.grants" "--ro $T/h3/.npmrc"
# not beneath / (nor any broad directory) when started there
t learn-cwd-broad 1 -e "~cat: $T/x/secret: Permission denied" -e "~${L}1 grant written" \
	: sh -c "cd / && exec '$O' --learn '$T/w/root.grants' -- cat '$T/x/secret'"
post 'it is learned' has "$T/w/root.grants" "--ro $T/x/secret"
# the directory the program was started in, not one it goes to: a chdir
# needs no grant
t learn-chdir 1 -e "~cat: secret: Permission denied" -e "~${L}1 grant written" \
	: sh -c "cd '$T/p' && exec '$O' --rx /usr/bin --learn '$T/w/cd.grants' -- sh -c 'cd $T/x && cat secret'"

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

# A link flipped, from outside, between a file of the project and a
# credential while the program reads through it: what the broker hands
# over is what it looked at, so the credential never comes through.
mkdir -m 0755 h h/.ssh
echo KEY-MATERIAL >h/.ssh/id
echo plain >p/plain
chmod 0644 h/.ssh/id p/plain
ln -s "$T/p/plain" y/flip
(
	while :; do
		ln -sfn "$T/h/.ssh/id" y/flip.new && mv -Tf y/flip.new y/flip
		ln -sfn "$T/p/plain" y/flip.new && mv -Tf y/flip.new y/flip
	done
) &
flipper=$!
t learn-secret-race 0 -o '~plain' -e '~Permission denied' \
	: sh -c "cd '$T/p' && HOME='$T/h' exec '$O' --rx /usr/bin --learn '$T/w/race.grants' -- sh -c \
	'i=0; while [ \$i -lt 300 ]; do cat $T/y/flip; i=\$((i + 1)); done; true'"
kill "$flipper"
wait "$flipper" 2>/dev/null
post 'the credential never came through' \
	eval "! grep -q KEY-MATERIAL '$OUT'"

# A secret is known by what it is, not by the name HOME gives it: a home
# reached through a link, a credential directory that is a link, and (as
# root, who may mount) a credential directory bind-mounted into the
# project, where by name it is the project's.
mkdir -m 0755 realhome realhome/.ssh h4 keys
echo FAKE-KEY-1 >realhome/.ssh/id_ed25519
echo FAKE-KEY-2 >keys/id
chmod 0644 realhome/.ssh/id_ed25519 keys/id
ln -s realhome homelink
ln -s "$T/keys" h4/.ssh
t learn-home-link 1 -e "~Permission denied" \
	: env HOME="$T/homelink" "$O" --learn "$T/w/hl.grants" -- cat "$T/homelink/.ssh/id_ed25519"
post 'the key is written commented out' has "$T/w/hl.grants" "# --ro $T/realhome/.ssh/id_ed25519"
t learn-cred-link 1 -e "~Permission denied" \
	: env HOME="$T/h4" "$O" --learn "$T/w/cl.grants" -- cat "$T/h4/.ssh/id"
post 'the key is written commented out' has "$T/w/cl.grants" "# --ro $T/keys/id"
if [ "$AS" = root ]; then
	mkdir -m 0755 p/bound
	t learn-cred-bind 1 -e "~Permission denied" \
		: unshare -m --propagation private sh -c "mount --bind '$T/keys' '$T/p/bound' &&
		cd '$T/p' && HOME='$T/h4' exec '$O' --learn '$T/w/cb.grants' -- cat '$T/p/bound/id'"
	post 'the key is written commented out' has "$T/w/cb.grants" "# --ro $T/p/bound/id"
fi

# A directory that holds a secret is never learned for the files read in
# it: four files of ~/.config and ~/.config/gh/hosts.yml learn the four
# and the secret commented out, not ~/.config.
mkdir -m 0755 h2 h2/.config h2/.config/gh
for f in a b c d; do echo "$f" >"h2/.config/$f.conf"; done
echo FAKE-GH-TOKEN >h2/.config/gh/hosts.yml
chmod 0644 h2/.config/*.conf h2/.config/gh/hosts.yml
C=$T/h2/.config
t learn-fold-secret 1 -e "~Permission denied" \
	: env HOME="$T/h2" "$O" --rx /usr/bin --learn "$T/w/fold.grants" -- sh -c \
	"cat $C/a.conf $C/b.conf $C/c.conf $C/d.conf; cat $C/gh/hosts.yml"
post 'not the directory' eval "! grep -qxF -- '--ro $C' '$T/w/fold.grants'"
post 'its files' has "$T/w/fold.grants" "--ro $C/d.conf"
post 'the secret commented out' has "$T/w/fold.grants" "# --ro $C/gh/hosts.yml"
t learn-fold-secret-used 1 -o '=' -e "~cat: $C/gh/hosts.yml: Permission denied" \
	: env HOME="$T/h2" "$O" --grants "$T/w/fold.grants" -- cat "$C/gh/hosts.yml"

# A name a grants line cannot hold is not read, nor learned: "  (" would
# end the grant early, here at a directory; a newline would be escaped.
mkdir -m 0755 x/victim "x/victim  (x"
echo odd >"x/victim  (x/f"
printf 'nl\n' >"x/nl
f"
chmod 0644 "x/victim  (x/f" "x/nl
f"
t learn-odd-name 1 -e "~not learnable" -e "~Permission denied" \
	-e "~${L}nothing new for $T/w/odd.grants" \
	: "$O" -v --learn "$T/w/odd.grants" -- cat "$T/x/victim  (x/f"
post 'no grant of the directory' absent "$T/w/odd.grants"
t learn-newline-name 1 -e "~Permission denied" -e "~${L}nothing new for $T/w/nl.grants" \
	: "$O" --learn "$T/w/nl.grants" -- cat "$T/x/nl
f"
post 'no grant written' absent "$T/w/nl.grants"

# An open that may create is judged by the kernel (O_EXCL: EEXIST).
CREAT="import os, sys
for f in (os.O_CREAT, os.O_CREAT | os.O_EXCL):
    try:
        os.open(sys.argv[1], os.O_RDONLY | f, 0o644)
        print('opened')
    except OSError as e:
        print(e.strerror)"
t learn-creat 0 -o "=Permission denied
File exists" -e '*' \
	: "$O" --learn "$T/w/cr.grants" -- /usr/bin/python3 -c "$CREAT" "$T/x/secret"

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
