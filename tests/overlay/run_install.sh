#!/bin/sh
# SPDX-License-Identifier: MIT
# run_install.sh NAME BUILD_DIR CMAKE SRCDIR OCAPSH
# cmake --install puts ocap-cc, the two archives and the toolchain file in
# a prefix; moved elsewhere, the installed ocap-cc still finds its
# archives and builds noted binaries: a program using <ocap/ocap.h>, a
# CMake project through the toolchain file, and CC=ocap-cc ./configure &&
# make.
set -u
name=$1 build=$2 cmake=$3 src=$4 ocapsh=$5
. "$(dirname "$0")/lib.sh"
scratch

noted() {
	readelf -n "$1" | grep -q 0x6f636170 || fail "$1: no ocap note"
}

"$cmake" --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 ||
	fail "cmake --install failed: $(cat "$tmp/install.log")"
mv "$tmp/prefix" "$tmp/moved" || fail "cannot move the prefix"
p=$tmp/moved
cc=$p/bin/ocap-cc
[ -x "$cc" ] || fail "no bin/ocap-cc in the prefix"
for f in libocap-overlay.a libocap-musl.a; do
	[ -n "$(find "$p" -name "$f")" ] || fail "no $f in the prefix"
done
tc=$p/share/ocap/ocap-cc-toolchain.cmake
[ -f "$tc" ] || fail "no share/ocap/ocap-cc-toolchain.cmake"
echo "$name: installed: ocap-cc, archives, toolchain file"

cat >"$tmp/rights.c" <<'C'
#include <stdio.h>
#include <ocap/ocap.h>
int main(void)
{
	char buf[64];
	ocap_rights_format(OCAP_RIGHTS_RO, buf, sizeof buf);
	puts(buf);
	return 0;
}
C
(cd "$tmp" && "$cc" -O2 -Wall -Werror rights.c -o rights) ||
	fail "the installed ocap-cc cannot build a libocap program"
noted "$tmp/rights"
[ "$("$tmp/rights")" = "read,list" ] || fail "rights printed $("$tmp/rights")"
echo "$name: the moved prefix's ocap-cc builds with <ocap/ocap.h>: ok"

mkdir "$tmp/cm" &&
	"$cmake" -S "$src/project-cmake" -B "$tmp/cm" \
		-DCMAKE_TOOLCHAIN_FILE="$tc" >"$tmp/cm.log" 2>&1 &&
	"$cmake" --build "$tmp/cm" >>"$tmp/cm.log" 2>&1 ||
	fail "CMake project with the toolchain file: $(tail -30 "$tmp/cm.log")"
noted "$tmp/cm/ovproject"
[ "$("$tmp/cm/ovproject")" = "project: ok" ] || fail "ovproject did not run"
echo "$name: CMake project through the toolchain file: ok"

mkdir "$tmp/ac" &&
	(cd "$tmp/ac" && CC=$cc "$src/project-configure/configure" &&
		make) >"$tmp/ac.log" 2>&1 ||
	fail "CC=ocap-cc ./configure && make: $(cat "$tmp/ac.log")"
noted "$tmp/ac/project"
[ "$("$tmp/ac/project")" = "project: ok" ] || fail "project did not run"
echo "$name: CC=ocap-cc ./configure && make: ok"

if "$ocapsh" --ro / -- /bin/true >/dev/null 2>&1; then
	out=$("$ocapsh" -- "$tmp/ac/project") ||
		fail "the configured program fails under ocapsh"
	echo "$name: under ocapsh (native): $out"
fi
