#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh OCAPSH OCAP_CC BUILD_DIR
#
# Four C programs not written for ocap, from their Debian (bookworm)
# source packages, built unmodified with ocap-cc and run under ocapsh in
# native mode with minimal grants:
#
#   dos2unix            (dos2unix)            a file converter, --rw DIR
#   tree                (tree)                a directory lister, --ro DIR
#   nc                  (netcat-traditional)  TCP client and server,
#                                             --connect / --listen
#   bzip2               (bzip2)               a compressor that keeps its
#                                             input's mode and times, --rw
#
# Each must do its job on what is granted (output checked exactly) and
# fail cleanly outside: non-zero, a message, the canary untouched.
#
# The sources are cached in BUILD_DIR/cache (apt-get source
# --download-only); only a missing cache touches apt.  A deb-src entry is
# added (as root) when there is none, with the mirror of the deb entry;
# apt-get update runs only when apt knows no source package.  No archive
# reachable: exit 77.
set -u
ocapsh=$1 cc=$2 bdir=$3
name=debian_packages
start=$(date +%s)

fail() { echo "$name: FAIL: $*" >&2; exit 1; }
skip() { echo "$name: SKIP: $*" >&2; exit 77; }
ok() { echo "$name: $*: ok"; }

for t in make tar readelf python3 timeout cmp; do
	command -v "$t" >/dev/null 2>&1 || skip "$t is not installed"
done
[ -x "$ocapsh" ] || fail "no ocapsh at $ocapsh"
[ -x "$cc" ] || fail "no ocap-cc at $cc"

# Cache directories; netcat is the source package netcat-traditional.
pkgs="dos2unix tree netcat bzip2"

cache=$bdir/cache
mkdir -p "$cache" || fail "cannot create $cache"

# --- the sources ---------------------------------------------------------

. "$(dirname "$0")/debsrc.sh"

fetch_sources "$cache" dos2unix tree netcat=netcat-traditional bzip2

# --- extract and build ---------------------------------------------------

work=$bdir/work
rm -rf "$work" && mkdir -p "$work" || fail "cannot create $work"
tmp=$(mktemp -d) || fail "mktemp"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# extract SRC: the patched source tree in $work/SRC.  dpkg-source when
# there is one; otherwise the orig tarball with the quilt series applied.
extract() {
	local p=$1 dsc dir
	dsc=$(ls "$cache/$p"/*.dsc)
	if command -v dpkg-source >/dev/null 2>&1; then
		dpkg-source --no-check -x "$dsc" "$work/$p" >"$work/$p.extract.log" 2>&1 ||
			fail "dpkg-source -x $dsc: $(tail -3 "$work/$p.extract.log")"
		return
	fi
	mkdir -p "$work/$p.x" && tar -C "$work/$p.x" -xf "$cache/$p"/*.orig.tar.* ||
		fail "cannot unpack the orig tarball of $p"
	dir=$(ls -d "$work/$p.x"/*/ | head -1)
	mv "$dir" "$work/$p" && rm -rf "$work/$p.x"
	tar -C "$work/$p" -xf "$cache/$p"/*.debian.tar.* ||
		fail "cannot unpack the debian tarball of $p"
	[ -f "$work/$p/debian/patches/series" ] || return 0
	command -v patch >/dev/null 2>&1 || skip "neither dpkg-source nor patch"
	grep -Ev '^[[:space:]]*(#|$)' "$work/$p/debian/patches/series" |
		while read -r patchname _; do
			patch -d "$work/$p" -p1 -s <"$work/$p/debian/patches/$patchname" ||
				exit 1
		done || fail "cannot apply the Debian patches of $p"
}

# build SRC LOG COMMAND...: run COMMAND in the source tree.
build() {
	local p=$1
	shift
	(cd "$work/$p" && "$@") >"$work/$p.build.log" 2>&1 ||
		fail "building $p: $(tail -5 "$work/$p.build.log")"
}

for p in $pkgs; do extract "$p"; done

# dos2unix: its plain Makefile, no gettext, as is.  It chmods and chowns
# its temporary file to the original's mode and owner, which the broker's
# supervisor performs inside a write grant.
build dos2unix make CC="$cc" ENABLE_NLS= dos2unix
# tree: its plain Makefile, as is.
build tree make CC="$cc" tree
# bzip2: its plain Makefile, as is; it gives each output its input's
# mode, owner and times.
build bzip2 make CC="$cc" libbz2.a bzip2
# netcat-traditional: Debian's rules, without -e (GAPING_SECURITY_HOLE).
ncver=$(sed -n 's/^Version: //p' "$cache/netcat"/*.dsc | head -1)
build netcat make linux CC="$cc -O2" STATIC= \
	DFLAGS="-DLINUX -DTELNET -DIP_TOS -DDEBIAN_VERSION=\\\"$ncver\\\""

d2u=$work/dos2unix/dos2unix
tree=$work/tree/tree
nc=$work/netcat/nc
bz=$work/bzip2/bzip2
for b in "$d2u" "$tree" "$nc" "$bz"; do
	[ -x "$b" ] || fail "$b was not built"
	readelf -n "$b" | grep -Eq '^ +ocap +0x0+4[[:space:]]' ||
		fail "$b: no ocap note"
	"$ocapsh" --explain -- "$b" | grep -Eq '^mode: +native \(auto\)' ||
		fail "$b: ocapsh --explain does not say native"
done
ok "built with ocap-cc, ocap note, native"

"$ocapsh" --ro / -- /bin/true >/dev/null 2>&1 ||
	skip "ocapsh cannot sandbox here (the builds passed)"

# run LOG ocapsh-args...: ocapsh with a time limit; stdout in $tmp/LOG.out,
# stderr in $tmp/LOG.err; the status in $rc.
run() {
	local log=$1
	shift
	timeout 30 "$ocapsh" "$@" >"$tmp/$log.out" 2>"$tmp/$log.err"
	rc=$?
	[ "$rc" = 124 ] && fail "$log: timed out"
	[ "$rc" = 125 ] && fail "$log: ocapsh refused: $(cat "$tmp/$log.err")"
	return 0
}
# expect_file FILE CONTENT (printf format)
expect_file() {
	printf "$2" >"$tmp/expected" && cmp -s "$tmp/expected" "$1" ||
		fail "$1: got '$(od -c "$1" | head -5)' want '$2'"
}
# failed_cleanly LOG PATTERN: non-zero, PATTERN on stderr.
failed_cleanly() {
	[ "$rc" != 0 ] || fail "$1: succeeded outside its grants"
	grep -Eq "$2" "$tmp/$1.err" ||
		fail "$1: no '$2' message: $(cat "$tmp/$1.err")"
}

mkdir -p "$tmp/rw" "$tmp/ro/docs" "$tmp/ro/src" "$tmp/outside" ||
	fail "cannot create the test tree"
printf 'canary\r\nline\r\n' >"$tmp/outside/canary.txt"
cp "$tmp/outside/canary.txt" "$tmp/canary.orig"

# --- dos2unix: --rw DIR --------------------------------------------------

printf 'first line\r\nsecond line\r\nno newline' >"$tmp/rw/dos.txt"
chmod 0644 "$tmp/rw/dos.txt"
run d2u_inplace --rw "$tmp/rw" -- "$d2u" "$tmp/rw/dos.txt"
[ "$rc" = 0 ] || fail "dos2unix in place: $rc: $(cat "$tmp/d2u_inplace.err")"
expect_file "$tmp/rw/dos.txt" 'first line\nsecond line\nno newline'
# the converted file is a new one, given the original's mode
[ "$(stat -c %a "$tmp/rw/dos.txt")" = 644 ] ||
	fail "dos2unix in place: mode $(stat -c %a "$tmp/rw/dos.txt"), not 644"
grep -q "converting file $tmp/rw/dos.txt to Unix format" "$tmp/d2u_inplace.err" ||
	fail "dos2unix said: $(cat "$tmp/d2u_inplace.err")"
[ -z "$(ls "$tmp/rw" | grep -v '^dos.txt$')" ] ||
	fail "dos2unix left files behind: $(ls "$tmp/rw")"
ok "dos2unix converts a file in a --rw dir"

printf 'a\r\nb\r\n' >"$tmp/rw/in.txt"
run d2u_new --rw "$tmp/rw" -- "$d2u" -n "$tmp/rw/in.txt" "$tmp/rw/out.txt"
[ "$rc" = 0 ] || fail "dos2unix -n: $rc: $(cat "$tmp/d2u_new.err")"
expect_file "$tmp/rw/out.txt" 'a\nb\n'
expect_file "$tmp/rw/in.txt" 'a\r\nb\r\n'
ok "dos2unix -n writes a new file in a --rw dir"

run d2u_outside --rw "$tmp/rw" -- "$d2u" "$tmp/outside/canary.txt"
failed_cleanly d2u_outside "$tmp/outside/canary.txt: No such file or directory"
cmp -s "$tmp/canary.orig" "$tmp/outside/canary.txt" ||
	fail "dos2unix changed the canary"
run d2u_writeout --rw "$tmp/rw" -- "$d2u" -n "$tmp/rw/in.txt" "$tmp/outside/new.txt"
failed_cleanly d2u_writeout "problems converting file"
[ ! -e "$tmp/outside/new.txt" ] || fail "dos2unix wrote outside its grant"
[ "$(ls "$tmp/outside")" = canary.txt ] || fail "files appeared outside: $(ls "$tmp/outside")"
ok "dos2unix outside the grant: ENOENT, canary unchanged, nothing written"

# --- bzip2: --rw DIR, the output keeps the input's mode and times ----------

printf 'compress me\n%.0s' $(seq 200) >"$tmp/rw/bz.txt"
chmod 0640 "$tmp/rw/bz.txt"
touch -d '2001-02-03 04:05:06' "$tmp/rw/bz.txt"
cp -p "$tmp/rw/bz.txt" "$tmp/bz.orig"
run bz_compress --rw "$tmp/rw" -- "$bz" -k "$tmp/rw/bz.txt"
[ "$rc" = 0 ] || fail "bzip2 -k: $rc: $(cat "$tmp/bz_compress.err")"
[ "$(stat -c '%a %Y' "$tmp/rw/bz.txt.bz2")" = "$(stat -c '%a %Y' "$tmp/bz.orig")" ] ||
	fail "bzip2 -k: bz.txt.bz2 is $(stat -c '%a %Y' "$tmp/rw/bz.txt.bz2"), not $(stat -c '%a %Y' "$tmp/bz.orig")"
rm "$tmp/rw/bz.txt"
run bz_decompress --rw "$tmp/rw" -- "$bz" -d "$tmp/rw/bz.txt.bz2"
[ "$rc" = 0 ] || fail "bzip2 -d: $rc: $(cat "$tmp/bz_decompress.err")"
cmp -s "$tmp/rw/bz.txt" "$tmp/bz.orig" || fail "bzip2 -d: not the original"
[ "$(stat -c '%a %Y' "$tmp/rw/bz.txt")" = "$(stat -c '%a %Y' "$tmp/bz.orig")" ] ||
	fail "bzip2 -d: bz.txt is $(stat -c '%a %Y' "$tmp/rw/bz.txt"), not as it was"
rm "$tmp/rw/bz.txt"
run bz_outside --rw "$tmp/rw" -- "$bz" -k "$tmp/outside/canary.txt"
[ "$rc" != 0 ] || fail "bzip2 compressed outside its grant"
[ "$(ls "$tmp/outside")" = canary.txt ] || fail "files appeared outside: $(ls "$tmp/outside")"
ok "bzip2 compresses and restores in a --rw dir, keeping mode and times"

# --- tree: --ro DIR ------------------------------------------------------

echo readme >"$tmp/ro/docs/README"
echo 'int main(void) { return 0; }' >"$tmp/ro/src/main.c"
echo 'all:' >"$tmp/ro/src/Makefile"
echo top >"$tmp/ro/top.txt"
run tree_ro --ro "$tmp/ro" -- "$tree" -n --charset=ascii "$tmp/ro"
[ "$rc" = 0 ] || fail "tree: $rc: $(cat "$tmp/tree_ro.err")"
expect_file "$tmp/tree_ro.out" "$tmp/ro
|-- docs
|   \`-- README
|-- src
|   |-- Makefile
|   \`-- main.c
\`-- top.txt

3 directories, 4 files
"
ok "tree lists a --ro dir"

run tree_outside --ro "$tmp/ro" -- "$tree" -n --charset=ascii "$tmp/outside"
[ "$rc" != 0 ] || fail "tree_outside: succeeded outside its grants"
grep -q '\[error opening dir\]' "$tmp/tree_outside.out" ||
	fail "tree_outside: no error: $(cat "$tmp/tree_outside.out")"
grep -q canary "$tmp/tree_outside.out" && fail "tree listed the canary"
run tree_write --ro "$tmp/ro" -- "$tree" -n -o "$tmp/ro/listing" "$tmp/ro"
failed_cleanly tree_write "invalid filename"
[ ! -e "$tmp/ro/listing" ] || fail "tree wrote into a --ro dir"
ok "tree outside the grant: an error, no canary; no write in --ro"

# --- netcat: --connect and --listen ----------------------------------------

# server.py MODE PORTFILE [LOG]: a loopback TCP server on a free port
# (written to PORTFILE).  echo: accept one client, read to EOF, answer
# "got:" + the data.  canary: for 3 s, log whether anyone connected.
cat >"$tmp/server.py" <<'EOF'
import socket, sys
mode, portfile = sys.argv[1], sys.argv[2]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(portfile + ".tmp", portfile)
s.settimeout(3 if mode == "canary" else 30)
try:
    c, _ = s.accept()
except socket.timeout:
    if mode == "canary":
        open(sys.argv[3], "w").write("none\n")
    sys.exit(0)
if mode == "canary":
    open(sys.argv[3], "w").write("CONNECTED\n")
    sys.exit(0)
data = b""
while True:
    b = c.recv(4096)
    if not b:
        break
    data += b
c.sendall(b"got:" + data)
c.close()
EOF
# serve MODE NAME [LOG]: start server.py; its port in $port.
serve() {
	python3 "$tmp/server.py" "$1" "$tmp/$2.port" ${3:+"$3"} &
	pids="$pids $!"
	for _ in $(seq 100); do
		[ -s "$tmp/$2.port" ] && break
		sleep 0.05
	done
	port=$(cat "$tmp/$2.port" 2>/dev/null) || fail "server $2 did not start"
}
# free_port: a loopback port nobody listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

serve echo echo
eport=$port
serve canary canary "$tmp/canary.log"
cport=$port
run nc_connect --connect "127.0.0.1:$eport" -- "$nc" -q 2 127.0.0.1 "$eport" \
	< <(printf 'hello from nc\n')
[ "$rc" = 0 ] || fail "nc client: $rc: $(cat "$tmp/nc_connect.err")"
expect_file "$tmp/nc_connect.out" 'got:hello from nc\n'
ok "nc connects to its --connect endpoint"

run nc_connect_out --connect "127.0.0.1:$eport" -- "$nc" -w 2 127.0.0.1 "$cport" \
	< <(printf 'leak\n')
failed_cleanly nc_connect_out "Permission denied"
wait_for() { for _ in $(seq 100); do [ -s "$1" ] && return; sleep 0.05; done; }
wait_for "$tmp/canary.log"
[ "$(cat "$tmp/canary.log" 2>/dev/null)" = none ] ||
	fail "the canary server: $(cat "$tmp/canary.log" 2>/dev/null)"
ok "nc to an ungranted port: EACCES, the canary server saw no one"

lport=$(free_port)
timeout 30 "$ocapsh" --listen "127.0.0.1:$lport" -- \
	"$nc" -l -s 127.0.0.1 -p "$lport" >"$tmp/nc_listen.out" 2>"$tmp/nc_listen.err" </dev/null &
lpid=$!
pids="$pids $lpid"
answer=""
for _ in $(seq 100); do
	answer=$(python3 - "$lport" <<'EOF' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"ping over tcp\n")
s.shutdown(socket.SHUT_WR)
d = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    d += b
print("answered:" + d.decode())
EOF
) && break
	sleep 0.1
done
wait "$lpid"
rc=$?
[ "$rc" = 0 ] || fail "nc -l: $rc: $(cat "$tmp/nc_listen.err")"
[ "$answer" = "answered:" ] || fail "the client got '$answer'"
expect_file "$tmp/nc_listen.out" 'ping over tcp\n'
ok "nc listens on its --listen address"

run nc_listen_out --listen "127.0.0.1:$lport" -- "$nc" -l -s 127.0.0.1 -p "$(free_port)"
failed_cleanly nc_listen_out "bind.*Permission denied"
ok "nc listening on an ungranted port: EACCES"

echo "$name: all passed in $(($(date +%s) - start)) s"
