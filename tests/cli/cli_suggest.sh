#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_suggest: --suggest names the grant each refusal calls for, and the
# grant it names makes the job pass.  Each refused job runs twice: with
# --suggest alone, judged by its status and the "ocapsh: suggest:" lines,
# then with exactly the suggested options, judged by its result.  And
# --suggest changes nothing the program sees: the same status and output
# with it as without, allowed or refused, and a path swapped during the
# call cannot make the broker open what it names.
#
# usage: cli_suggest.sh OCAPSH [--as-nobody]
set -u
. "$(dirname "$0")/lib.sh"

cli_start cli_suggest.sh "$@"
O=$OCAPSH
PY=/usr/bin/python3
S='ocapsh: suggest: '

mkdir -m 0755 x conf bin home repo sec
mkdir -m 0777 race
mkdir -m 0777 y
echo hush >x/secret
for i in 1 2 3 4 5; do echo "v$i" >"conf/c$i"; done
cp /usr/bin/true bin/tool
chmod -R a+rX x conf bin
printf '[core]\n\tpager = cat\n' >home/.gitconfig
chmod 0644 home/.gitconfig
git init -q repo && (cd repo && echo a >a && git add a &&
	git -c user.email=t@t -c user.name=t commit -qm m) || exit 1
chmod -R a+rwX repo
# git refuses a repository of another user's
[ "$AS" = --as-nobody ] && chown -R 65534:65534 repo
canary "$T/sec/canary" 'canary-b3f1-not-for-the-program'
echo fine >race/ok
chmod 0644 race/ok

# ---- a read: --ro FILE -----------------------------------------------------
t read-refused 1 -e "~cat: $T/x/secret: Permission denied" \
	-e "=cat: $T/x/secret: Permission denied
${S}--ro $T/x/secret  (read by cat; its folder: --ro $T/x)" \
	: "$O" --suggest -- cat "$T/x/secret"
t read-applied 0 -o '=hush' : "$O" --ro "$T/x/secret" -- cat "$T/x/secret"
t read-granted-quiet 0 -o '=hush' : "$O" --suggest --ro "$T/x" -- cat "$T/x/secret"

# ---- a new file: --rw DIR ----------------------------------------------------
t create-refused 2 -e "~${S}--rw $T/y  (creation by sh)" -e "!--ro" \
	: "$O" --suggest -- sh -c "echo made >$T/y/out"
post 'nothing made' absent "$T/y/out"
t create-applied 0 : "$O" --rw "$T/y" -- sh -c "echo made >$T/y/out"
post 'the file made' file_is "$T/y/out" made

# ---- an executable: --rx FILE ------------------------------------------------
# (and its folder beside it: a program that runs one of a directory's
# programs may run the others)
t exec-refused 126 -e "~${S}--rx $T/bin/tool  (execution by sh; its folder: --rx $T/bin)" \
	: "$O" --suggest -- sh -c "$T/bin/tool"
t exec-applied 0 : "$O" --rx "$T/bin/tool" -- sh -c "$T/bin/tool"
t exec-folder-applied 0 : "$O" --rx "$T/bin" -- sh -c "$T/bin/tool"

# ---- O_TRUNC of a device truncates nothing: no --rw /dev/null ---------------------
t devnull-quiet 2 -e "~${S}--ro $T/x/secret" -e '!/dev/null' \
	: "$O" --suggest -- sh -c "echo >/dev/null; : <$T/x/secret"

# ---- a file outside the working directory: no folder ----------------------------
t read-elsewhere 1 -e "~${S}--ro $T/x/secret  (read by cat)" \
	: sh -c "cd '$T/y' && exec '$O' --suggest -- cat '$T/x/secret'"

# ---- many files of one directory: the directory --------------------------------
# (python3 lists /usr/local/lib/python3.11/dist-packages on the way, and
# is refused that too: its line comes along)
READ5="import sys
bad = 0
for i in range(1, 6):
    try:
        print(open(sys.argv[1] + '/c%d' % i).read().strip())
    except OSError as e:
        print(e.strerror)
        bad = 1
sys.exit(bad)"
t fold-refused 1 -o '/^Permission denied$' -o '!v1' \
	-e "~${S}--ro $T/conf  (read by python3)" -e "!$T/conf/c" \
	: "$O" --suggest -- "$PY" -c "$READ5" "$T/conf"
t fold-applied 0 -o '/^v1$' -o '/^v5$' : "$O" --ro "$T/conf" -- "$PY" -c "$READ5" "$T/conf"

# ---- ... but never a directory that holds a secret -----------------------------
# (conf/ as a fake home's .config, with a fake gh/hosts.yml: four files
# and the secret, not ~/.config)
mkdir -m 0755 h2
cp -a conf h2/.config
mkdir -m 0755 h2/.config/gh
echo FAKE-GH-TOKEN >h2/.config/gh/hosts.yml
chmod 0644 h2/.config/gh/hosts.yml
C=$T/h2/.config
t fold-holds-secret 1 -e "~${S}--ro $C/c4  (read by cat)" \
	-e "~${S}--ro $C/gh/hosts.yml  (read by cat; secret: think twice)" \
	-e "!${S}--ro $C  (" \
	: env HOME="$T/h2" "$O" --suggest --rx /usr/bin -- sh -c \
	"cat $C/c1 $C/c2 $C/c3 $C/c4; cat $C/gh/hosts.yml"

# ---- git in a repository granted alone: only its configuration --------------------
# /etc/gitconfig is in the runtime set, so it is never named.
t git-refused 128 -e "~${S}--ro $T/home/.gitconfig  (read by git)" \
	-e '!/etc/gitconfig' -e "!--rw $T/repo" -e "!--ro $T/repo" \
	: env HOME="$T/home" "$O" --suggest --rw "$T/repo" -- git -C "$T/repo" status --short
t git-applied 0 -o '-' \
	: env HOME="$T/home" "$O" --rw "$T/repo" --ro "$T/home/.gitconfig" \
	  -- git -C "$T/repo" status --short

# ---- a secret the runtime leaves out: named, with a warning ------------------------
t secret-marked 1 -e "~${S}--ro /etc/shadow  (read by cat; secret: think twice)" \
	: "$O" --suggest -- cat /etc/shadow

# ---- a connect: --connect HOST:PORT -------------------------------------------------
ACCEPT='import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1] + "/port", "w").write(str(s.getsockname()[1]))
open(sys.argv[1] + "/ready", "w").close()
while True:
    c, _ = s.accept()
    c.sendall(b"hello\n")
    c.close()'
CONNECT='import socket, sys
try:
    c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    print(c.recv(64).decode().strip())
except OSError as e:
    print(type(e).__name__)
    sys.exit(1)'
if [ "$ABI" -ge 4 ] && serve_py "$T/srv" "$ACCEPT"; then
	port=$(cat "$T/srv/port")
	t connect-refused 1 -o '=PermissionError' \
		-e "~${S}--connect 127.0.0.1:$port  (connect to)" \
		: "$O" --suggest -- "$PY" -c "$CONNECT" "$port"
	t connect-applied 0 -o '=hello' \
		: "$O" --connect "127.0.0.1:$port" -- "$PY" -c "$CONNECT" "$port"
else
	skip connect "Landlock ABI $ABI has no TCP rules, or no test server"
fi

# ---- --suggest and -v change no outcome ----------------------------------------------
for job in "cat $T/x/secret" "sh -c 'cat $T/conf/c1; cat $T/conf/c2'" \
	   "sh -c 'echo x >$T/y/new'"; do
	for g in "" "--ro $T/x --ro $T/conf --rw $T/y --rx /usr/bin"; do
		# shellcheck disable=SC2086
		run "$O" $g -- sh -c "$job"
		want_st=$st want_out=$(cat "$OUT")
		for opt in --suggest -v; do
			# shellcheck disable=SC2086
			t "same-outcome $opt [$g] $job" "$want_st" -o "=$want_out" -e '*' \
				: "$O" $opt $g -- sh -c "$job"
		done
	done
done
rm -f "$T/y/new"

# ---- a link swapped during the call: the broker only looks --------------------------
# One thread points race/l at the granted race/ok and then at a secret,
# as fast as it can; the other opens race/l.  Whatever the broker read,
# the kernel decides: the secret is never read, and the suggestion names
# at most the secret's own path.
RACE='import os, sys, threading
d = sys.argv[1]
stop = False
def flip():
    while not stop:
        for t in ("ok", sys.argv[2]):
            try:
                os.symlink(t, d + "/l.new")
                os.replace(d + "/l.new", d + "/l")
            except OSError:
                pass
th = threading.Thread(target=flip)
th.start()
seen = set()
for _ in range(3000):
    try:
        seen.add(open(d + "/l").read().strip())
    except OSError as e:
        seen.add(e.strerror)
stop = True
th.join()
print(" ".join(sorted(seen)))'
t symlink-race 0 -o '/^(fine|No such file or directory|Permission denied)( (fine|No such file or directory|Permission denied))*$' \
	-e "!--ro $T/race/l" \
	: "$O" --suggest --rw "$T/race" -- "$PY" -c "$RACE" "$T/race" "$T/sec/canary"

finish
