#!/bin/sh
# SPDX-License-Identifier: MIT
# musl-static.sh INCLUDE_DIRS MAIN_C [LIBOCAP_MUSL_A]
# Links MAIN_C statically with musl-gcc against the build's libocap-musl.a,
# checks the result has no dynamic dependencies, and runs it.  INCLUDE_DIRS
# is a list separated by colons, as in CPATH: the build tree's headers are
# in two directories (ocap/version.h is generated).
set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: musl-static.sh INCLUDE_DIRS MAIN_C [LIBOCAP_MUSL_A]" >&2
	exit 2
fi
include=$1 main=$2 lib=${3:-}
expected="ocap consumer: /tmp read,list"

fail() {
	echo "musl_static: $*" >&2
	exit 1
}

if ! command -v musl-gcc >/dev/null; then
	echo "musl_static: skipped: musl-gcc not found (apt-get install musl-tools)"
	exit 77
fi
[ -n "$lib" ] ||
	fail "musl-gcc is installed but the build made no libocap-musl.a" \
		"(OCAP_MUSL_LIB is empty; reconfigure)"
[ -f "$lib" ] || fail "$lib not built (target ocap_musl)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ocap-musl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/consumer-musl

CPATH=$include musl-gcc -static -O2 -o "$bin" "$main" "$lib" ||
	fail "musl-gcc -static does not link $main against $lib"

file "$bin" | grep -q 'statically linked' ||
	fail "not statically linked: $(file "$bin")"
readelf -l "$bin" | grep -q 'INTERP' && fail "$bin has a program interpreter"
readelf -d "$bin" | grep -q '(NEEDED)' && fail "$bin needs shared libraries"

out=$("$bin") || fail "static consumer failed: $out"
[ "$out" = "$expected" ] ||
	fail "static consumer printed '$out', expected '$expected'"
echo "musl_static: $(file -b "$bin" | cut -d, -f1-2): ok"
