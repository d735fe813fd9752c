#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_supervise: the metadata calls a compat program makes (chmod, chown,
# the utime calls, setxattr and removexattr), which the broker performs
# for it through seccomp user notification.  Inside a write grant they
# must leave exactly what the same command leaves when run without any
# sandbox on a copy of the fixtures (the reference directory); on a
# read-only grant, outside every grant, on a device or through a link
# that leads out they must fail and change nothing.  Each case is judged
# by what is on disk afterwards: modes, times, owners, contents, a built
# program that runs.
#
# usage: cli_supervise.sh OCAPSH [--as-nobody]
# --as-nobody runs every case as uid/gid 65534, with the files it works on
# owned by that user, so that every refusal seen is the sandbox's and not
# the file's.
set -u
. "$(dirname "$0")/lib.sh"

cli_start cli_supervise.sh "$@"
if [ "$AS" = --as-nobody ]; then
	ME=65534:65534
else
	ME=$(id -u):$(id -g)
fi
O=$OCAPSH
PY=/usr/bin/python3

# W: the write grant.  R: its twin, where the reference commands run with
# no sandbox.  RO: a read-only grant.  The canary lies outside them all.
W=$T/w R=$T/ref RO=$T/r
GRANTS=(--rx /usr/bin --rw "$W" --ro "$RO" --env TZ=UTC)
D2001=981158400 # 2001-02-03 00:00:00 UTC

# ---- what the cases look at ------------------------------------------------
# Everything a metadata call can change, the change time included: a call
# that was performed, even one that set what was already there, moves it.
sig() { stat -c '%F %a %u:%g %s %y %z' -- "$1"; }
mode_is() { [ "$(stat -c %a -- "$1")" = "$2" ]; }
mtime_is() { [ "$(stat -c %Y -- "$1")" = "$2" ]; }
owner_is() { [ "$(stat -c %u:%g -- "$1")" = "$2" ]; }
type_is() { [ "$(stat -c %F -- "$1")" = "$2" ]; }
# same_stat FMT A B: A and B agree on what FMT shows.
same_stat() { [ "$(stat -c "$1" -- "$2")" = "$(stat -c "$1" -- "$3")" ]; }
# like_ref REL FMT: W/REL as the unsandboxed run left R/REL, content too.
like_ref() {
	same_stat "$2" "$W/$1" "$R/$1" || return 1
	[ ! -f "$W/$1" ] || cmp -s "$W/$1" "$R/$1"
}
# A tree: every name beneath, its type, mode and modification time.
tree_sig() { (cd "$1" && find . -mindepth 1 -printf '%p %y %m %T@\n' | sort); }
same_tree() { [ "$(tree_sig "$W/$1")" = "$(tree_sig "$R/$1")" ]; }
tree_is() { [ "$(tree_sig "$1")" = "$2" ]; }
# unchanged FILE: its signature is what was recorded in BEFORE[FILE].
declare -A BEFORE
keep() { local f; for f; do BEFORE[$f]=$(sig "$f"); done; }
unchanged() { [ "$(sig "$1")" = "${BEFORE[$1]}" ]; }
xattr_of() { # FILE NAME: its value, or nothing
	"$PY" -c 'import os, sys
try:
    sys.stdout.write(os.getxattr(sys.argv[1], sys.argv[2],
                                 follow_symlinks=False).decode())
except OSError:
    pass' "$1" "$2"
}
xattr_is() { [ "$(xattr_of "$1" "$2")" = "$3" ]; }
no_xattr() { [ -z "$(xattr_of "$1" "$2")" ]; }

# twin NAME STATUS [-o SPEC] [-e SPEC] : COMMAND...: the case, with @D in
# COMMAND naming W, under ocapsh with GRANTS; then the reference: the same
# command with @D naming R, run without the sandbox as the same user, which
# must exit with STATUS too.
twin() {
	local name=$1 want=$2 a rst
	local -a specs=() inw=() inr=()
	shift 2
	while [ "$1" != : ]; do specs+=("$1"); shift; done
	shift
	for a; do
		inw+=("${a//@D/$W}")
		inr+=("${a//@D/$R}")
	done
	t "$name" "$want" "${specs[@]}" : "$O" "${GRANTS[@]}" -- "${inw[@]}"
	timeout -k 5 "$CASE_TIMEOUT" "${RUNAS[@]}" env TZ=UTC "${inr[@]}" \
		</dev/null >"$T/.io/ref" 2>&1
	rst=$?
	if [ "$rst" != "$want" ]; then
		fail_case "$name" "the reference run exited $rst, expected $want" \
			"command: ${RUNAS[*]} ${inr[*]}"
		show output "$T/.io/ref"
	fi
}

# Optional programs and file system features: a case that cannot run is
# named and left out; the others still decide the result.
notes=()
leave_out() {
	notes+=("$1: $2")
	echo "not run: $1: $2"
}

# ---- fixtures -------------------------------------------------------------------
umask 022
mkdir -p "$W" "$RO" "$T/canary" "$T/out" "$T/stage"
canary "$T/canary/secret.txt" "CANARY-$RANDOM$RANDOM-must-stay-unread"
CANARY=$CANARY_FILE
touch -d @1300000000 "$CANARY"

cd "$W" || exit 1
printf '#!/bin/sh\necho x-ran\n' >x.sh
printf 'six-forty\n' >m640
mkdir -p tree/d/e
printf 'a\n' >tree/a
printf 'b\n' >tree/d/b
printf 'c\n' >tree/d/e/c
chmod 0664 tree/d/b
printf '#!/bin/sh\necho installed-ran\n' >inst.src
printf 'kept by cp -p\n' >cpsrc
chmod 0640 cpsrc
touch -m -d @1000000000.123456789 cpsrc
printf 'hello world\nsecond line\n' >sed.txt
printf 'touch me\n' >td
printf 'touch me too\n' >tref
printf 'int main(void) { return 0; }\n' >noop.c
printf '#include <stdio.h>\nint main(void) { puts("built-and-ran"); return 0; }\n' \
	>hello.c
printf 'xattr\n' >xa
printf 'copy2 source\n' >c2src
chmod 0750 c2src
touch -d @1200000000.25 c2src
printf 'relative\n' >rel.txt
printf 'read-only descriptor\n' >fdro
printf 'plain\n' >plain
chmod 0755 plain
printf 'already set-user-ID\n' >suid
chmod 0755 suid
printf 'own\n' >own
printf 'absolute link target\n' >abstgt
printf 'relative link target\n' >reltgt
mkdir tarx
cd "$T" || exit 1

# The read-only grant, and an archive made outside the sandbox.
printf 'read-only\n' >"$RO/f"
touch -d @1100000000 "$RO/f"
touch -m -d @1234567890.5 "$RO/stamp"
touch -a -d @1234500000.25 "$RO/stamp"
mkdir "$T/stage/pkg"
printf '#!/bin/sh\necho from-tar\n' >"$T/stage/pkg/run.sh"
printf 'tar data\n' >"$T/stage/pkg/data"
chmod 0755 "$T/stage/pkg/run.sh"
chmod 0640 "$T/stage/pkg/data"
chmod 0751 "$T/stage/pkg"
touch -d @1000000100 "$T/stage/pkg/run.sh"
touch -d @1000000200 "$T/stage/pkg/data"
touch -d @1000000300 "$T/stage/pkg"
tar -C "$T/stage" --numeric-owner --owner="${ME%:*}" --group="${ME#*:}" \
	-cf "$RO/pkg.tar" pkg
# The same tree, readable in the grant, for rsync -a.
cp -a "$T/stage/pkg" "$RO/pkg"
TAR_TREE="./pkg d 751 1000000300.0000000000
./pkg/data f 640 1000000200.0000000000
./pkg/run.sh f 755 1000000100.0000000000"

# Extended attributes: whether this file system keeps user.* at all.
XATTR=yes
printf 'probe\n' >"$T/.io/probe"
"$PY" -c 'import os, sys; os.setxattr(sys.argv[1], "user.ocap", b"1")' \
	"$T/.io/probe" 2>/dev/null || XATTR=no
[ "$XATTR" = yes ] &&
	"$PY" -c 'import os, sys; os.setxattr(sys.argv[1], "user.tag", b"t-1")' \
		"$W/c2src"

# The reference copy, then the links (absolute ones name their own side).
cp -a "$W" "$R"
for d in "$W" "$R"; do
	ln -s "$d/abstgt" "$d/abslink"
	ln -s reltgt "$d/rellink"
done
# Reading a file moves its access time: cp -p's source gets its own after
# the copy above.
touch -a -d @999999999.5 "$W/cpsrc" "$R/cpsrc"
# Links inside the grant that lead out of it (to the canary), and one
# outside every grant that leads into it.
ln -s "$CANARY" "$W/tocanary"
ln -s ../canary/secret.txt "$W/reltocanary"
ln -s "$T/canary" "$W/canarydir"
ln -s "$W" "$T/wlink"
printf 'through a link to the grant\n' >"$W/viadir"
# A second write grant, whose own directory a case changes.
mkdir "$T/g2"
# An output and an input handed to the program, outside every grant.
printf 'log\n' >"$T/out/log"
printf 'input\n' >"$T/out/input"
if [ "$AS" = --as-nobody ]; then
	# What the cases change is that user's; so are the read-only file and
	# the canary: only the sandbox stands between it and them.
	chown -R 65534:65534 "$W" "$R" "$RO" "$T/out" "$T/g2" "$CANARY"
fi
chmod 4755 "$W/suid" "$R/suid" # after chown, which clears the bit
keep "$RO/f" "$CANARY"
CANARY_META=${BEFORE[$CANARY]}

# After every case, the canary's metadata as well as its content.
eval "lib_$(declare -f t)"
t() {
	local now
	lib_t "$@"
	now=$(sig "$CANARY")
	if [ "$now" != "$CANARY_META" ]; then
		fail_case "$last_case" "the canary's metadata changed" \
			"was: $CANARY_META" "now: $now"
		CANARY_META=$now
	fi
}

# ---- chmod ---------------------------------------------------------------------
twin chmod-plus-x 0 : chmod +x @D/x.sh
post "x.sh is 755, as unsandboxed" mode_is "$W/x.sh" 755
post "x.sh matches the reference" like_ref x.sh '%a %s %Y'
post "x.sh runs" eval '[ "$("$W/x.sh")" = x-ran ]'
twin chmod-640 0 : chmod 640 @D/m640
post "m640 is 640" mode_is "$W/m640" 640
post "m640 matches the reference" like_ref m640 '%a %s %Y'
twin chmod-R 0 : chmod -R go-rwx @D/tree
post "the tree is 700/600 throughout" tree_is "$W/tree" "$(tree_sig "$R/tree")"
post "tree/d is 700" mode_is "$W/tree/d" 700
post "tree/d/b (was 664) is 600" mode_is "$W/tree/d/b" 600
post "tree/d/e/c is 600" mode_is "$W/tree/d/e/c" 600
twin chmod-relative 0 : sh -c 'cd "$1" && chmod 600 rel.txt' sh @D
post "rel.txt is 600" mode_is "$W/rel.txt" 600
t chmod-grant-itself 0 : "$O" "${GRANTS[@]}" --rw "$T/g2" -- chmod 700 "$T/g2"
post "g2 is 700" mode_is "$T/g2" 700
twin chmod-suid-kept 0 : chmod 4750 @D/suid
post "suid, set-user-ID already, is 4750" mode_is "$W/suid" 4750

# ---- programs that set modes and times on what they write ----------------------------
twin install-m-755 0 : install -m 755 @D/inst.src @D/inst.out
post "inst.out is 755" mode_is "$W/inst.out" 755
post "inst.out holds the source" cmp -s "$W/inst.out" "$W/inst.src"
post "inst.out runs" eval '[ "$("$W/inst.out")" = installed-ran ]'
twin cp-p 0 : cp -p @D/cpsrc @D/cpdst
post "cpdst is 640" mode_is "$W/cpdst" 640
post "cpdst has cpsrc's mtime to the nanosecond" \
	same_stat '%y' "$W/cpsrc" "$W/cpdst"
post "cpdst's mtime is 1000000000" mtime_is "$W/cpdst" 1000000000
post "cpdst's atime is cpsrc's before the copy" \
	eval '[ "$(stat -c %X "$W/cpdst")" = 999999999 ]'
post "cpdst is owned as the reference" like_ref cpdst '%a %u:%g %x %y'
twin sed-i 0 : sed -i s/hello/goodbye/ @D/sed.txt
post "sed.txt stays 644" mode_is "$W/sed.txt" 644
post "sed.txt was edited" file_is "$W/sed.txt" $'goodbye world\nsecond line'
post "sed.txt matches the reference" like_ref sed.txt '%F %a %u:%g %s'
twin touch-d 0 : touch -d 2001-02-03 @D/td
post "td's mtime is 2001-02-03 00:00 UTC" mtime_is "$W/td" "$D2001"
post "td matches the reference" like_ref td '%a %x %y'
START=$(date +%s)
twin touch-now 0 : touch @D/sed.txt
post "sed.txt's mtime is now" eval '[ "$(stat -c %Y "$W/sed.txt")" -ge "$START" ]'
post "sed.txt's atime is now" eval '[ "$(stat -c %X "$W/sed.txt")" -ge "$START" ]'
twin touch-r 0 : touch -r "$RO/stamp" @D/tref
post "tref has the stamp's times to the nanosecond" \
	same_stat '%x %y' "$RO/stamp" "$W/tref"
post "tref's mtime is 1234567890" mtime_is "$W/tref" 1234567890
twin tar-xpf 0 : tar -C @D/tarx -xpf "$RO/pkg.tar"
post "modes and mtimes as archived" tree_is "$W/tarx" "$TAR_TREE"
post "the tree matches the reference" same_tree tarx
post "the script runs" eval '[ "$("$W/tarx/pkg/run.sh")" = from-tar ]'
post "the data is intact" file_is "$W/tarx/pkg/data" "tar data"
if [ -x /usr/bin/rsync ]; then
	twin rsync-a 0 : rsync -a "$RO/pkg/" @D/rsynced/
	post "modes and mtimes as the source" \
		eval '[ "$(tree_sig "$W/rsynced")" = "$(tree_sig "$RO/pkg")" ]'
	post "the tree matches the reference" same_tree rsynced
else
	leave_out rsync-a "/usr/bin/rsync is not installed"
fi
twin mkfifo-m-600 0 : mkfifo -m 600 @D/fifo600
post "fifo600 is a fifo" type_is "$W/fifo600" fifo
post "fifo600 is 600" mode_is "$W/fifo600" 600
# 666 is more than the umask (022) lets mkfifo(2) create: mkfifo(1)
# changes the mode after, through /proc/self/fd (glibc's lchmod).
twin mkfifo-m-666 0 : mkfifo -m 666 @D/fifo666
post "fifo666 is 666" mode_is "$W/fifo666" 666
post "fifo666 matches the reference" like_ref fifo666 '%F %a'
twin gcc-o 0 : gcc -o @D/hello @D/hello.c
post "hello is 755, as unsandboxed" mode_is "$W/hello" 755
post "hello has the reference's mode" same_stat '%F %a' "$W/hello" "$R/hello"
post "hello runs (outside the sandbox)" \
	eval '[ "$("${RUNAS[@]}" "$W/hello")" = built-and-ran ]'
t gcc-output-runs-in-rx 0 -o "=built-and-ran" : "$O" --rx "$W" -- "$W/hello"

# ---- descriptors ----------------------------------------------------------------------
# A descriptor the program opened read-only, on a file inside the write
# grant: the grant decides, not the descriptor.
PY_FDRO='import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.fchmod(fd, 0o600)
os.utime(fd, ns=(5000000000, 1500000000123456789))'
twin fchmod-fd-in-grant 0 : "$PY" -c "$PY_FDRO" @D/fdro
post "fdro is 600" mode_is "$W/fdro" 600
post "fdro's mtime is 1500000000.123456789" \
	eval '[ "$(stat -c %y "$W/fdro")" = "$(stat -c %y "$R/fdro")" ]'
post "fdro's mtime is 1500000000" mtime_is "$W/fdro" 1500000000
# An output the program was handed, outside every grant: a regular file
# open for writing, which it may change.
PY_FDOUT='import os
os.fchmod(1, 0o600)
os.utime(1, (1400000000, 1400000000))'
t fchmod-inherited-output 0 \
	: sh -c 'f=$1; shift; exec "$@" >>"$f"' sh "$T/out/log" \
	"$O" "${GRANTS[@]}" -- "$PY" -c "$PY_FDOUT"
post "out/log is 600" mode_is "$T/out/log" 600
post "out/log's mtime is 1400000000" mtime_is "$T/out/log" 1400000000
# An input it was handed, outside every grant: read-only, so no.
keep "$T/out/input"
t fchmod-inherited-input 1 -e "~PermissionError: [Errno 13] Permission denied" \
	: sh -c 'f=$1; shift; exec "$@" <"$f"' sh "$T/out/input" \
	"$O" "${GRANTS[@]}" -- "$PY" -c 'import os; os.fchmod(0, 0o600)'
post "out/input is unchanged" unchanged "$T/out/input"
t futimens-inherited-input 1 -e "~PermissionError: [Errno 13] Permission denied" \
	: sh -c 'f=$1; shift; exec "$@" <"$f"' sh "$T/out/input" \
	"$O" "${GRANTS[@]}" -- "$PY" -c 'import os; os.utime(0, (7, 7))'
post "out/input is unchanged" unchanged "$T/out/input"

# ---- extended attributes, and shutil.copy2 (which copies them) ----------------
PY_SETX='import os, sys; os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode())'
PY_RMX='import os, sys; os.removexattr(sys.argv[1], sys.argv[2])'
PY_COPY2='import shutil, sys; shutil.copy2(sys.argv[1], sys.argv[2])'
if [ "$XATTR" = yes ]; then
	twin setxattr-user 0 : "$PY" -c "$PY_SETX" @D/xa user.x value-1
	post "user.x is value-1" xattr_is "$W/xa" user.x value-1
	post "the reference agrees" xattr_is "$R/xa" user.x value-1
	twin removexattr-user 0 : "$PY" -c "$PY_RMX" @D/xa user.x
	post "user.x is gone" no_xattr "$W/xa" user.x
	if [ -x /usr/bin/setfattr ]; then
		twin setfattr-user 0 : setfattr -n user.y -v value-2 @D/xa
		post "user.y is value-2" xattr_is "$W/xa" user.y value-2
	else
		leave_out setfattr-user "/usr/bin/setfattr is not installed (python covers setxattr)"
	fi
else
	leave_out setxattr-user "the file system of $T keeps no user.* attributes"
	leave_out removexattr-user "the file system of $T keeps no user.* attributes"
fi
twin python-copy2 0 : "$PY" -c "$PY_COPY2" @D/c2src @D/c2dst
post "c2dst is 750" mode_is "$W/c2dst" 750
post "c2dst has c2src's mtime to the nanosecond" \
	same_stat '%y' "$W/c2src" "$W/c2dst"
post "c2dst's mtime is 1200000000" mtime_is "$W/c2dst" 1200000000
post "c2dst holds c2src" cmp -s "$W/c2src" "$W/c2dst"
post "c2dst matches the reference" like_ref c2dst '%a %y'
[ "$XATTR" = yes ] && post "c2dst has user.tag" xattr_is "$W/c2dst" user.tag t-1

# security.* and trusted.* are never set, even inside the write grant.
t setxattr-security-refused 1 \
	-e "~PermissionError: [Errno 1] Operation not permitted" \
	: "$O" "${GRANTS[@]}" -- "$PY" -c "$PY_SETX" "$W/xa" security.capability x
post "no security.capability" no_xattr "$W/xa" security.capability
t setxattr-trusted-refused 1 \
	-e "~PermissionError: [Errno 1] Operation not permitted" \
	: "$O" "${GRANTS[@]}" -- "$PY" -c "$PY_SETX" "$W/xa" trusted.x x
post "no trusted.x" no_xattr "$W/xa" trusted.x
keep "$RO/f"
t setxattr-ro-refused 1 -e "~PermissionError: [Errno 13] Permission denied" \
	: "$O" "${GRANTS[@]}" -- "$PY" -c "$PY_SETX" "$RO/f" user.x x
post "ro/f is unchanged" unchanged "$RO/f"
post "ro/f has no user.x" no_xattr "$RO/f" user.x

# ---- set-user-ID and set-group-ID: never added ----------------------------------
keep "$W/plain"
t chmod-u+s-refused 1 \
	-e "@chmod: changing permissions of '$W/plain': Operation not permitted" \
	: "$O" "${GRANTS[@]}" -- chmod u+s "$W/plain"
post "plain is still 755" mode_is "$W/plain" 755
post "plain is unchanged" unchanged "$W/plain"
t chmod-g+s-refused 1 \
	-e "@chmod: changing permissions of '$W/plain': Operation not permitted" \
	: "$O" "${GRANTS[@]}" -- chmod g+s "$W/plain"
post "plain is unchanged" unchanged "$W/plain"
t chmod-4755-refused 1 \
	-e "@chmod: changing permissions of '$W/plain': Operation not permitted" \
	: "$O" "${GRANTS[@]}" -- chmod 4755 "$W/plain"
post "plain is unchanged" unchanged "$W/plain"

# ---- chown: one's own ids only, no CAP_CHOWN even as root ---------------------------
t chown-own-ids 0 : "$O" "${GRANTS[@]}" -- chown "$ME" "$W/own"
post "own is owned by $ME" owner_is "$W/own" "$ME"
t chgrp-own-group 0 : "$O" "${GRANTS[@]}" -- chgrp "${ME#*:}" "$W/own"
post "own is owned by $ME" owner_is "$W/own" "$ME"
keep "$W/own"
t chown-other-refused 1 \
	-e "@chown: changing ownership of '$W/own': Operation not permitted" \
	: "$O" "${GRANTS[@]}" -- chown 1:1 "$W/own"
post "own is unchanged" unchanged "$W/own"
t chgrp-other-refused 1 \
	-e "@chgrp: changing group of '$W/own': Operation not permitted" \
	: "$O" "${GRANTS[@]}" -- chgrp 1 "$W/own"
post "own is unchanged" unchanged "$W/own"

# ---- the read-only grant: Permission denied, nothing changed -------------------------
t chmod-ro-refused 1 \
	-e "@chmod: changing permissions of '$RO/f': Permission denied" \
	: "$O" "${GRANTS[@]}" -- chmod 600 "$RO/f"
post "ro/f is unchanged" unchanged "$RO/f"
t touch-d-ro-refused 1 -e "@touch: cannot touch '$RO/f': Permission denied" \
	: "$O" "${GRANTS[@]}" -- touch -d 2001-02-03 "$RO/f"
post "ro/f is unchanged" unchanged "$RO/f"
t touch-c-ro-refused 1 \
	-e "@touch: setting times of '$RO/f': Permission denied" \
	: "$O" "${GRANTS[@]}" -- touch -c -d 2001-02-03 "$RO/f"
post "ro/f is unchanged" unchanged "$RO/f"
t chown-ro-refused 1 \
	-e "@chown: changing ownership of '$RO/f': Permission denied" \
	: "$O" "${GRANTS[@]}" -- chown "$ME" "$RO/f"
post "ro/f is unchanged" unchanged "$RO/f"

# ---- outside every grant (the canary): Permission denied, nothing changed ---------------
t chmod-outside-refused 1 \
	-e "@chmod: changing permissions of '$CANARY': Permission denied" \
	: "$O" "${GRANTS[@]}" -- chmod 600 "$CANARY"
post "the canary's mode is 644" mode_is "$CANARY" 644
t touch-d-outside-refused 1 \
	-e "@touch: cannot touch '$CANARY': Permission denied" \
	: "$O" "${GRANTS[@]}" -- touch -d 2001-02-03 "$CANARY"
post "the canary's mtime is 1300000000" mtime_is "$CANARY" 1300000000
t chown-outside-refused 1 \
	-e "@chown: changing ownership of '$CANARY': Permission denied" \
	: "$O" "${GRANTS[@]}" -- chown "$ME" "$CANARY"
t python-utime-outside-refused 1 \
	-e "~PermissionError: [Errno 13] Permission denied" \
	: "$O" "${GRANTS[@]}" -- "$PY" -c 'import os, sys; os.utime(sys.argv[1], (1, 1))' \
	"$CANARY"

# ---- devices: /dev/null is granted read-write, and still never changed ----------------
DEVNULL=$(stat -c '%F %a %u:%g' /dev/null)
devnull_same() { [ "$(stat -c '%F %a %u:%g' /dev/null)" = "$DEVNULL" ]; }
t chmod-devnull-refused 1 \
	-e "@chmod: changing permissions of '/dev/null': Permission denied" \
	: "$O" "${GRANTS[@]}" -- chmod 600 /dev/null
post "/dev/null is still $DEVNULL" devnull_same
t chown-devnull-refused 1 \
	-e "@chown: changing ownership of '/dev/null': Permission denied" \
	: "$O" "${GRANTS[@]}" -- chown "$ME" /dev/null
post "/dev/null is still $DEVNULL" devnull_same

# ---- symbolic links ---------------------------------------------------------------------
# One inside the grant, naming the canary outside: following it leads
# out, so Permission denied (as an open through it is refused).
t chmod-link-out-refused 1 \
	-e "@chmod: changing permissions of '$W/tocanary': Permission denied" \
	: "$O" "${GRANTS[@]}" -- chmod 600 "$W/tocanary"
post "the canary's mode is 644" mode_is "$CANARY" 644
t chmod-rellink-out-refused 1 \
	-e "@chmod: changing permissions of '$W/reltocanary': Permission denied" \
	: "$O" "${GRANTS[@]}" -- chmod 600 "$W/reltocanary"
post "the canary's mode is 644" mode_is "$CANARY" 644
t touch-link-out-refused 1 -e "%touch: " -e "~Permission denied" \
	: "$O" "${GRANTS[@]}" -- touch -c -d 2001-02-03 "$W/tocanary"
post "the canary's mtime is 1300000000" mtime_is "$CANARY" 1300000000
# A directory link inside the grant that leads out: the same.
t chmod-dirlink-out-refused 1 \
	-e "@chmod: changing permissions of '$W/canarydir/secret.txt': Permission denied" \
	: "$O" "${GRANTS[@]}" -- chmod 600 "$W/canarydir/secret.txt"
post "the canary's mode is 644" mode_is "$CANARY" 644
# A link outside every grant, to the grant: what it names is inside.
t chmod-via-link-to-grant 0 : "$O" "${GRANTS[@]}" -- chmod 600 "$T/wlink/viadir"
post "viadir is 600" mode_is "$W/viadir" 600
# The link itself lies inside the grant: -h changes it, not the canary.
t chown-h-link 0 : "$O" "${GRANTS[@]}" -- chown -h "$ME" "$W/tocanary"
post "tocanary is still a link" eval '[ -L "$W/tocanary" ]'
post "tocanary is owned by $ME" owner_is "$W/tocanary" "$ME"
t touch-h-link 0 : "$O" "${GRANTS[@]}" -- touch -h -d 2001-02-03 "$W/tocanary"
post "the link's own mtime is 2001-02-03" mtime_is "$W/tocanary" "$D2001"
post "the canary's mtime is 1300000000" mtime_is "$CANARY" 1300000000
# Links inside the grant to files inside it: followed like any name.
twin chmod-rellink-in 0 : chmod 600 @D/rellink
post "reltgt is 600" mode_is "$W/reltgt" 600
post "the link is still a link" eval '[ -L "$W/rellink" ]'
twin chmod-abslink-in 0 : chmod 600 @D/abslink
post "abstgt is 600" mode_is "$W/abstgt" 600
post "abstgt matches the reference" like_ref abstgt '%a'

# ---- a build: the linker marks its output executable ---------------------------------------
mkdir -p "$W/mk"
printf 'noop: noop.c\n\tcc -o noop noop.c\n' >"$W/mk/Makefile"
cp "$W/noop.c" "$W/mk/"
[ "$AS" = --as-nobody ] && chown -R 65534:65534 "$W/mk"
t make-link 0 -o "=cc -o noop noop.c" \
	: "$O" "${GRANTS[@]}" -- make -C "$W/mk" --no-print-directory
post "mk/noop is 755" mode_is "$W/mk/noop" 755
post "mk/noop runs" "${RUNAS[@]}" "$W/mk/noop"

# ---- --hide-metadata: lookups outside the grants answer ENOENT -------------------------
t stat-outside-visible 0 -o "=$CANARY" \
	: "$O" "${GRANTS[@]}" -- stat -c %n "$CANARY"
t hide-stat-outside 1 -e "~No such file or directory" \
	: "$O" --hide-metadata "${GRANTS[@]}" -- stat -c %n "$CANARY"
t hide-test-e-outside 1 \
	: "$O" --hide-metadata "${GRANTS[@]}" -- test -e "$CANARY"
t hide-stat-inside 0 -o "=$(stat -c '%a %s %Y' "$W/noop.c")" \
	: "$O" --hide-metadata "${GRANTS[@]}" -- stat -c '%a %s %Y' "$W/noop.c"
t hide-above-a-grant 0 -o "=directory" \
	: "$O" --hide-metadata "${GRANTS[@]}" -- stat -c %F "$T"
t hide-realpath 0 -o "=$W" \
	: "$O" --hide-metadata "${GRANTS[@]}" -- sh -c "cd '$W' && realpath ."
t hide-link-out 1 -e "~No such file or directory" \
	: "$O" --hide-metadata "${GRANTS[@]}" -- stat -L -c %n "$W/tocanary"
t hide-link-itself 0 -o "=symbolic link" \
	: "$O" --hide-metadata "${GRANTS[@]}" -- stat -c %F "$W/tocanary"
t hide-proc-self 0 -o "=/usr/bin/readlink" \
	: "$O" --hide-metadata "${GRANTS[@]}" -- readlink /proc/self/exe
t hide-shadow 1 -e "~No such file or directory" \
	: "$O" --hide-metadata "${GRANTS[@]}" -- stat -c %n /etc/shadow

post "the canary is intact" file_is "$CANARY" "$CANARY_TEXT"
if [ ${#notes[@]} -gt 0 ]; then
	printf 'NOT RUN (the others decide): %s\n' "${notes[@]}"
fi
finish
