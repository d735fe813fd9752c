#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh BUILD_DIR CMAKE WORK_DIR SANITIZE
#
# Issue 13, adoption shown on real programs: two C programs from their
# Debian (bookworm) source packages, ported to enter capability mode with
# ocap_enter(3) by the small patches beside this script, built with gcc
# against the static libocap-launch.a and libocap.a installed from
# BUILD_DIR, and run through their own test suites:
#
#   bzip2  (bzip2)      enters when it works as a filter; its Makefile's
#                       "test" target runs it as one, six times
#   xz     (xz-utils)   xz's own sandbox hook (Capsicum, pledge), filled
#                       with ocap_enter; "make check"
#
# probe.c is linked into both with -Wl,--wrap=ocap_enter.  During the
# suites it only counts the entries, so that a suite that never reached
# the port fails.  Then, in the confinement check, it tries from inside
# the entered program to reach a canary the user may read and write, to
# fork, exec and open an AF_INET socket: every try must be refused, and
# the canary and its directory must be as they were.  Suites and checks
# run as this user and, when root, again as uid 65534 (setpriv).
#
# ocap-cc is not used: libocap-launch, which holds ocap_enter, is built
# for glibc only (it needs libseccomp), and ocap-cc links musl.
#
# The sources are cached in WORK_DIR/cache as tests/debian/run.sh caches
# them; xz's configured and built tree is cached there too (nothing in it
# depends on ocap but xz itself, which is recompiled and relinked every
# run); the first run spends about a minute building it.  Missing tools
# are installed with apt-get when root.  No archive reachable: exit 77.
set -u
build=$1 cmake=$2 bdir=$3 sanitize=$4
name=ports
here=$(cd "$(dirname "$0")" && pwd)
start=$(date +%s)

fail() { echo "$name: FAIL: $*" >&2; exit 1; }
skip() { echo "$name: SKIP: $*" >&2; exit 77; }
ok() { echo "$name: $*: ok"; }

case $sanitize in
1 | ON | on | TRUE | true | YES | yes)
	skip "a sanitizer build: its libocap-launch.a needs the sanitizer" \
		"runtime in every program it is linked into (the gcc build" \
		"runs this test)" ;;
esac
[ -d "$build" ] || fail "no build tree at $build"
cache=$bdir/cache
mkdir -p "$cache" || fail "cannot create $cache"
root=no
[ "$(id -u)" = 0 ] && root=yes

# apt_update: apt-get update, again while another apt holds its lock
# (tests/debian may be updating at the same time).
apt_update() {
	for _ in 1 2 3 4 5 6; do
		timeout 300 apt-get update -qq >"$cache/update.log" 2>&1 && return 0
		grep -q 'Could not get lock' "$cache/update.log" || return 1
		sleep 10
	done
	return 1
}

# --- tools ----------------------------------------------------------------

# command:package pairs; what is missing is installed when root.
need=""
for t in gcc:gcc make:make nm:binutils dpkg-source:dpkg-dev patch:patch \
	cmp:diffutils xz:xz-utils bzip2:bzip2 setpriv:util-linux \
	sha256sum:coreutils; do
	command -v "${t%%:*}" >/dev/null 2>&1 || need="$need ${t#*:}"
done
if [ -n "$need" ]; then
	[ "$(id -u)" = 0 ] || skip "not installed:$need (and not root to install)"
	command -v apt-get >/dev/null 2>&1 || skip "not installed:$need (no apt-get)"
	apt_install() {
		# shellcheck disable=SC2086 # the packages are words
		DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
			-o DPkg::Lock::Timeout=120 --no-install-recommends $need \
			</dev/null >"$cache/install.log" 2>&1
	}
	apt_install || { apt_update && apt_install; } ||
		skip "apt-get install$need failed: $(grep -E '^(E|Err):' "$cache/install.log" | tail -2)"
	ok "installed$need"
fi

# --- the sources (as tests/debian/run.sh) -----------------------------------

pkgs="bzip2 xz-utils"

. "$(dirname "$0")/../debian/debsrc.sh"

fetch_sources "$cache" $pkgs

# --- libocap, installed ---------------------------------------------------

work=$bdir/work
rm -rf "$work" && mkdir -p "$work" || fail "cannot create $work"
tmp=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

prefix=$work/prefix
"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 ||
	fail "cmake --install $build: $(tail -3 "$work/install.log")"
launch_a=$(find "$prefix" -name libocap-launch.a | head -1)
libocap_a=$(find "$prefix" -name libocap.a | head -1)
[ -f "$prefix/include/ocap/enter.h" ] && [ -n "$launch_a" ] && [ -n "$libocap_a" ] ||
	fail "the install in $prefix lacks ocap/enter.h, libocap-launch.a or libocap.a"

# The probe: linked into both programs, idle unless asked (probe.c).
cflags=(-std=gnu11 -O2 -Wall -Wextra -Wno-unused-parameter -Werror)
gcc "${cflags[@]}" -I"$prefix/include" -I"$here/../support" -c "$here/probe.c" \
	-o "$work/probe.o" >"$work/probe.log" 2>&1 &&
	gcc "${cflags[@]}" -c "$here/../support/errname.c" -o "$work/errname.o" \
		>>"$work/probe.log" 2>&1 ||
	fail "compiling probe.c: $(tail -5 "$work/probe.log")"

# What a port adds to a program's build: the header, and the archives
# (libseccomp from the system, as ocap-launch.pc says).
ocap_cppflags="-DHAVE_OCAP_ENTER -I$prefix/include"
ocap_libs="$work/probe.o $work/errname.o -Wl,--wrap=ocap_enter $launch_a $libocap_a -lseccomp -lpthread"

# --- helpers --------------------------------------------------------------

# extract SRC DIR: the Debian source tree of SRC, its patches applied, in DIR.
extract() {
	dpkg-source --no-check -x "$(ls "$cache/$1"/*.dsc)" "$2" >"$2.extract.log" 2>&1 ||
		fail "dpkg-source -x $1: $(tail -3 "$2.extract.log")"
}

# port SRC DIR: apply tests/ports/SRC.patch to DIR.
port() {
	patch -d "$2" -p1 -s <"$here/$1.patch" >"$2.patch.log" 2>&1 ||
		fail "$1.patch does not apply: $(cat "$2.patch.log")"
}

# patch_size SRC: "N lines added, M removed, in F files (names)".
patch_size() {
	awk '/^@@/ {h = 1; next}
	     /^\+\+\+ / {f++; sub(/^\+\+\+ b\//, ""); files = files sep $1; sep = ", "; next}
	     /^--- / {next}
	     h && /^\+/ {a++}
	     h && /^-/ {d++}
	     END {printf "%d lines added, %d removed, in %d files (%s)", a, d, f, files}' \
		"$here/$1.patch"
}

# Who runs the suites and checks: this user, and uid 65534 too when root
# (setpriv); each has its copy of the trees, $tmp/USER.
me="uid $(id -u)"
users=me
if [ $root = yes ]; then
	me=root users="me nobody"
else
	echo "$name: not root: the runs as uid 65534 are left out"
fi
as() {
	local who=$1
	shift
	if [ "$who" = nobody ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	else
		"$@"
	fi
}
said() { [ "$1" = nobody ] && echo "uid 65534" || echo "$me"; }
# tree_for WHO DIR NAME: a copy of DIR for WHO in $tmp/WHO/NAME, in $copy.
tree_for() {
	copy=$tmp/$1/$3
	mkdir -p "$tmp/$1" && cp -a "$2" "$copy" || fail "cannot copy $2"
	[ "$1" = nobody ] && { chown -R 65534:65534 "$copy" || fail "chown $copy"; }
	return 0
}

# A place for the probe's canary that every user may read and write, so
# that only ocap stands between the program and it.
outside=$tmp/outside
mkdir -p "$outside" && chmod 777 "$outside" &&
	printf 'canary\n' >"$outside/canary" && chmod 666 "$outside/canary" ||
	fail "cannot create the canary"

# probe WHO LOG COMMAND...: run COMMAND (a ported program, entering)
# with the probe on; judge by its lines and by the canary.  $rc is
# COMMAND's status, stderr in $tmp/LOG.err.
probe() {
	local who=$1 log=$2
	shift 2
	as "$who" env OCAP_PORT_PROBE="$outside" "$@" 2>"$tmp/$log.err"
	rc=$?
	# Best effort: what this kernel does not enforce cannot be checked.
	gap=$(sed -n 's/^ocap-probe: .*not enforced: //p' "$tmp/$log.err")
	[ -n "$gap" ] && [ "$gap" != none ] &&
		skip "$log: this kernel does not enforce: $gap ($(grep '^ocap-probe: ESCAPED' "$tmp/$log.err" | tr '\n' ' '))"
	grep -q '^ocap-probe: ESCAPED' "$tmp/$log.err" &&
		fail "$log: the program reached what it should not: $(grep ESCAPED "$tmp/$log.err")"
	grep -Eq '^ocap-probe: ([0-9]+) tries, \1 refused, 0 escaped' "$tmp/$log.err" ||
		fail "$log: no probe summary (did it enter?): $(cat "$tmp/$log.err")"
	[ "$(cat "$outside/canary")" = canary ] || fail "$log: the canary changed"
	[ "$(ls -A "$outside")" = canary ] ||
		fail "$log: files appeared beside the canary: $(ls -A "$outside")"
	return 0
}

# suite WHO LOG COMMAND...: a test suite, every entry counted on
# descriptor 9 (probe.c); $rc is its status, $entered the count.
suite() {
	local who=$1 log=$2
	shift 2
	: >"$tmp/$log.entered"
	OCAP_PORT_LOG_FD=9 as "$who" "$@" >"$tmp/$log.out" 2>&1 9>>"$tmp/$log.entered"
	rc=$?
	entered=$(wc -l <"$tmp/$log.entered")
}

# The probes' input: a text, readable by all.
mkdir -p "$tmp/in" && chmod 755 "$tmp/in"
for i in $(seq 300); do echo "line $i of a text to compress"; done >"$tmp/in/text"
chmod 644 "$tmp/in/text"

# --- bzip2 ----------------------------------------------------------------

bzsrc=$work/bzip2
extract bzip2 "$bzsrc"
port bzip2 "$bzsrc"
echo "$name: bzip2: patch: $(patch_size bzip2)"
# Its Makefile links the program against ./libbz2.so, as Debian's does.
bzvars=(CPPFLAGS="$ocap_cppflags" LIBS="$ocap_libs")
make -C "$bzsrc" "${bzvars[@]}" -j2 bzip2 >"$work/bzip2.build.log" 2>&1 ||
	fail "building bzip2: $(tail -5 "$work/bzip2.build.log")"
nm "$bzsrc/bzip2" | grep -q ' T ocap_enter$' || fail "bzip2 does not link ocap_enter"
ok "bzip2 built with gcc against libocap-launch.a"

for who in $users; do
	tree_for "$who" "$bzsrc" bzip2
	# Its own suite: make test compresses and decompresses three samples
	# through standard input and output, and compares.
	suite "$who" "bz_suite_$who" make -C "$copy" "${bzvars[@]}" test
	[ "$rc" = 0 ] || fail "bzip2's make test as $(said "$who"): $rc: $(tail -15 "$tmp/bz_suite_$who.out")"
	[ "$entered" -ge 6 ] ||
		fail "bzip2's make test as $(said "$who"): bzip2 entered $entered times, not 6"
	ok "bzip2's own test suite (make test) as $(said "$who"): bzip2 entered $entered times"

	bz=(env LD_LIBRARY_PATH="$copy" "$copy/bzip2")
	probe "$who" "bz_probe_$who" "${bz[@]}" -9 <"$tmp/in/text" >"$tmp/text.$who.bz2"
	[ "$rc" = 0 ] || fail "bzip2 -9 with the probe as $(said "$who"): $rc: $(cat "$tmp/bz_probe_$who.err")"
	"${bz[@]}" -d <"$tmp/text.$who.bz2" | cmp -s - "$tmp/in/text" ||
		fail "bzip2 -9 with the probe as $(said "$who"): the output does not decompress to the input"
	ok "bzip2 as $(said "$who"), entered: canary, fork, exec, AF_INET refused; output right"
done

# --- xz -------------------------------------------------------------------

xzconf="--disable-shared --disable-nls --disable-doc --disable-xzdec
	--disable-lzmadec --disable-lzmainfo --disable-lzma-links
	--disable-dependency-tracking"
# The sandbox hook, and its library slot in xz_LDADD.
xzvars=(CPPFLAGS="-DENABLE_SANDBOX $ocap_cppflags" CAPSICUM_LIB="$ocap_libs")
tree=$cache/xz-utils.tree
key=$({ cat "$cache/xz-utils"/*.dsc "$here/xz-utils.patch"
	echo "$xzconf $prefix"; gcc -dumpfullversion; echo recipe 2; } |
	sha256sum | cut -d' ' -f1)
echo "$name: xz: patch: $(patch_size xz-utils)"
if [ "$(cat "$tree/.ocap-key" 2>/dev/null)" != "$key" ]; then
	echo "$name: xz: configuring and building xz-utils (cached for later runs)"
	rm -rf "$tree" "$tree.part"
	extract xz-utils "$tree.part"
	port xz-utils "$tree.part"
	# shellcheck disable=SC2086 # the options are words
	(cd "$tree.part" && ./configure -q $xzconf) >"$work/xz.configure.log" 2>&1 ||
		fail "configuring xz: $(tail -5 "$work/xz.configure.log")"
	# The suite's programs too (make check with no TESTS builds them).
	{ make -C "$tree.part" "${xzvars[@]}" -j2 &&
		make -C "$tree.part/tests" "${xzvars[@]}" -j2 check TESTS=; } \
		>"$work/xz.build.log" 2>&1 ||
		fail "building xz: $(tail -5 "$work/xz.build.log")"
	echo "$key" >"$tree.part/.ocap-key" && mv "$tree.part" "$tree" ||
		fail "cannot move xz's tree into the cache"
else
	# Only xz itself sees ocap: recompile the file that enters, relink.
	rm -f "$tree/src/xz/xz" "$tree/src/xz/xz-file_io.o"
	make -C "$tree" "${xzvars[@]}" -j2 >"$work/xz.build.log" 2>&1 ||
		fail "building xz: $(tail -5 "$work/xz.build.log")"
fi
nm "$tree/src/xz/xz" | grep -q ' T ocap_enter$' || fail "xz does not link ocap_enter"
ok "xz built with gcc against libocap-launch.a"

# summary LOG: automake's "# PASS: n" lines, on one line.
summary() {
	grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$tmp/$1.out" |
		tr -s ' ' | sed 's/^# //' | paste -sd, - | sed 's/,/, /g'
}

for who in $users; do
	tree_for "$who" "$tree" xz
	# Its own suite: liblzma's unit tests, then xz on the test files,
	# compressing and decompressing, and xzgrep and xzdiff.
	suite "$who" "xz_suite_$who" make -C "$copy" "${xzvars[@]}" check
	[ "$rc" = 0 ] || fail "xz's make check as $(said "$who"): $rc: $(grep -E '^(FAIL|ERROR)' "$tmp/xz_suite_$who.out")"
	[ "$entered" -gt 0 ] || fail "xz's make check as $(said "$who"): xz never entered"
	ok "xz's own test suite (make check) as $(said "$who"): $(summary "xz_suite_$who"); xz entered $entered times"

	xz=$copy/src/xz/xz
	[ -f "$tmp/in/text.xz" ] || { "$xz" -k "$tmp/in/text" && chmod 644 "$tmp/in/text.xz"; } ||
		fail "xz -k failed"
	probe "$who" "xz_probe_$who" "$xz" -dc "$tmp/in/text.xz" >"$tmp/text.$who"
	[ "$rc" = 0 ] || fail "xz -dc with the probe as $(said "$who"): $rc: $(cat "$tmp/xz_probe_$who.err")"
	cmp -s "$tmp/text.$who" "$tmp/in/text" || fail "xz -dc as $(said "$who"): not the original"
	ok "xz -dc FILE as $(said "$who"), entered: canary, fork, exec, AF_INET refused; output right"
done

# xz's hook stays out of the way where xz creates and removes files.
cp "$tmp/in/text" "$tmp/scope" &&
	OCAP_PORT_PROBE=$outside "$xz" "$tmp/scope" 2>"$tmp/xz_scope.err" ||
	fail "xz FILE: $(cat "$tmp/xz_scope.err")"
[ -f "$tmp/scope.xz" ] && [ ! -e "$tmp/scope" ] || fail "xz FILE did not replace FILE by FILE.xz"
grep -q ocap-probe "$tmp/xz_scope.err" && fail "xz FILE entered capability mode"
ok "xz FILE (creates FILE.xz, removes FILE): not entered, as xz's hook decides"

echo "$name: all passed in $(($(date +%s) - start)) s"
