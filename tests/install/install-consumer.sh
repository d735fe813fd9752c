#!/bin/sh
# SPDX-License-Identifier: MIT
# install-consumer.sh BUILD_DIR CONSUMER_DIR SANITIZE CMAKE CC VERSION
# Installs the build into a scratch prefix, checks what was installed, and
# builds CONSUMER_DIR/main.c against it twice: with pkg-config and with
# find_package(ocap).  Both programs must run and print the expected line.
# Then libocap-launch's consumers, built both ways: launch.c runs cat(1)
# sandboxed, enter.c enters capability mode and reads a file capability
# (exit 77 when the kernel cannot enforce it, after every other check).
set -eu

if [ $# -ne 6 ]; then
	echo "usage: install-consumer.sh BUILD_DIR CONSUMER_DIR SANITIZE CMAKE CC VERSION" >&2
	exit 2
fi
build=$1 consumer=$2 sanitize=$3 cmake=$4 cc=$5 version=$6
expected="ocap consumer: /tmp read,list"

fail() {
	echo "install_consumer: $*" >&2
	exit 1
}

case $sanitize in
1 | ON | on | TRUE | true | YES | yes)
	echo "install_consumer: skipped: a sanitizer build (OCAP_SANITIZE=ON);" \
		"its libocap needs the sanitizer runtime in every consumer"
	exit 77
	;;
esac
command -v pkg-config >/dev/null || fail "pkg-config not found"

# run_enter PROGRAM HOW: the enter consumer, built HOW, reads the file
# capability $tmp/granted.txt once entered.  libocap-launch's consumers
# link libocap.a: with libocap.so, whose internals are hidden, ocap_enter()
# cannot keep procfs's root open and the file cannot be reopened.
enter_skipped=
run_enter() {
	rc=0
	out=$(LD_LIBRARY_PATH="$libdir" "$1" "$tmp/granted.txt") || rc=$?
	if [ "$rc" -eq 77 ]; then
		enter_skipped="$enter_skipped${enter_skipped:+, }$2"
		return 0
	fi
	[ "$rc" -eq 0 ] || fail "$2 enter consumer failed (status $rc): $out"
	[ "$out" = "granted line" ] ||
		fail "$2 enter consumer printed '$out', expected 'granted line'"
	LD_LIBRARY_PATH="$libdir" ldd "$1" | grep -q libocap.so &&
		fail "$2 enter consumer loads libocap.so, not libocap.a"
	echo "install_consumer: $2 enter consumer ok"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ocap-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || {
	cat "$tmp/install.log" >&2
	fail "cmake --install $build failed"
}

# What must be there.
[ -f "$prefix/include/ocap/ocap.h" ] || fail "include/ocap/ocap.h not installed"
# The version macros are generated from project(), as ocap.pc's Version.
hv=$(sed -n 's/^#define OCAP_VERSION_[A-Z]* \([0-9]*\)$/\1/p' \
	"$prefix/include/ocap/version.h" 2>/dev/null | paste -sd. -)
[ "$hv" = "$version" ] ||
	fail "include/ocap/version.h says version '$hv', expected $version"
pc=$(find "$prefix" -path '*/pkgconfig/ocap.pc' | head -n 1)
[ -n "$pc" ] || fail "no pkgconfig/ocap.pc under $prefix"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
echo "install_consumer: libdir $libdir"
for f in libocap.a libocap.so libocap.so.0; do
	[ -e "$libdir/$f" ] || fail "$f not installed in $libdir"
done
[ -f "$libdir/cmake/ocap/ocapConfig.cmake" ] ||
	fail "cmake/ocap/ocapConfig.cmake not installed in $libdir"

soname=$(readelf -d "$libdir/libocap.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libocap.so.0 ] || fail "SONAME is '$soname', expected libocap.so.0"

# Only the API is exported: everything else is hidden.
nm -D --defined-only "$libdir/libocap.so" | awk '{ print $NF }' |
	grep -v '^ocap_' >"$tmp/extra-symbols" || true
if [ -s "$tmp/extra-symbols" ]; then
	cat "$tmp/extra-symbols" >&2
	fail "libocap.so exports symbols outside ocap_* (listed above)"
fi
nm -D --defined-only "$libdir/libocap.so" | grep -q ' T ocap_cap_open$' ||
	fail "libocap.so does not export ocap_cap_open"

# 1. pkg-config, shared library, LD_LIBRARY_PATH.
export PKG_CONFIG_PATH="$pcdir"
pcprefix=$(pkg-config --variable=prefix ocap)
[ "$(cd "$pcprefix" 2>/dev/null && pwd -P)" = "$(cd "$prefix" && pwd -P)" ] ||
	fail "ocap.pc says prefix=$pcprefix, but it is installed in $prefix" \
		"(the .pc file is not relocatable with cmake --install --prefix)"
pcversion=$(pkg-config --modversion ocap)
[ "$pcversion" = "$version" ] ||
	fail "ocap.pc says version $pcversion, expected $version"
# shellcheck disable=SC2046 # word splitting of the flags is intended
"$cc" $(pkg-config --cflags ocap) -o "$tmp/consumer-pc" "$consumer/main.c" \
	$(pkg-config --libs ocap) || fail "pkg-config consumer does not build"
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/consumer-pc") ||
	fail "pkg-config consumer failed: $out"
[ "$out" = "$expected" ] ||
	fail "pkg-config consumer printed '$out', expected '$expected'"
LD_LIBRARY_PATH="$libdir" ldd "$tmp/consumer-pc" |
	grep -q "libocap.so.0 => $libdir/libocap.so.0" ||
	fail "pkg-config consumer does not load $libdir/libocap.so.0"
echo "install_consumer: pkg-config consumer ok"

# 2. find_package(ocap 0.1 REQUIRED) and ocap::ocap.
unset PKG_CONFIG_PATH
"$cmake" -S "$consumer" -B "$tmp/cmake-build" -DCMAKE_C_COMPILER="$cc" \
	-DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
	>"$tmp/cmake.log" 2>&1 || {
	cat "$tmp/cmake.log" >&2
	fail "find_package(ocap 0.1) consumer does not configure"
}
"$cmake" --build "$tmp/cmake-build" >"$tmp/build.log" 2>&1 || {
	cat "$tmp/build.log" >&2
	fail "find_package(ocap 0.1) consumer does not build"
}
echo "granted line" >"$tmp/granted.txt"
out=$("$tmp/cmake-build/consumer") || fail "CMake consumer failed: $out"
[ "$out" = "$expected" ] ||
	fail "CMake consumer printed '$out', expected '$expected'"
ldd "$tmp/cmake-build/consumer" |
	grep -q "libocap.so.0 => $libdir/libocap.so.0" ||
	fail "CMake consumer does not load $libdir/libocap.so.0"
echo "install_consumer: CMake consumer ok"
run_enter "$tmp/cmake-build/enter" "CMake ocap::ocap_launch"

# 3. libocap-launch through pkg-config: a real sandboxed launch.
export PKG_CONFIG_PATH="$pcdir"
[ -f "$prefix/include/ocap/launch.h" ] || fail "launch.h is not installed"
# shellcheck disable=SC2046 # word splitting of the flags is intended
"$cc" $(pkg-config --cflags ocap-launch) -o "$tmp/consumer-launch" \
	"$consumer/launch.c" $(pkg-config --libs ocap-launch) ||
	fail "ocap-launch consumer does not build"
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/consumer-launch" "$tmp/granted.txt") ||
	fail "ocap-launch consumer failed: $out"
[ "$out" = "granted line" ] ||
	fail "ocap-launch consumer printed '$out', expected 'granted line'"
echo "install_consumer: ocap-launch consumer ok"
# shellcheck disable=SC2046 # word splitting of the flags is intended
"$cc" $(pkg-config --cflags ocap-launch) -o "$tmp/consumer-enter" \
	"$consumer/enter.c" $(pkg-config --libs ocap-launch) ||
	fail "ocap-launch enter consumer does not build"
run_enter "$tmp/consumer-enter" "pkg-config ocap-launch"
# --static adds libseccomp's own dependencies, if any.
pkg-config --static --libs ocap-launch >/dev/null ||
	fail "pkg-config --static --libs ocap-launch fails"

if [ -n "$enter_skipped" ]; then
	echo "install_consumer: skipped: the enter consumers ($enter_skipped)" \
		"could not enter: capability mode is not enforced here (the" \
		"report above says what is missing); every other check passed"
	exit 77
fi
