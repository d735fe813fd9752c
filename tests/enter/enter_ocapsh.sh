#!/bin/bash
# SPDX-License-Identifier: MIT
# enter_ocapsh: a program enters capability mode in strict mode with two
# path capabilities inside ocapsh: built with ocap-cc in native mode
# (test_enter_ov), with glibc in compat mode (test_enter).  The nesting
# check needs no /proc, which ocapsh does not grant (and native mode
# refuses paths on AT_FDCWD); a nested pair is still refused.  Each
# program's "nest DIR" mode does the checking.  Then a glibc program's
# ocap_ns_open() in compat mode, whose seccomp program answers openat2
# with ENOSYS (libocap walks with openat: libcap/beneath.c); it is
# tests/libcap's test_beneath.
#
# usage: enter_ocapsh.sh OCAPSH TEST_ENTER_OV TEST_ENTER TEST_BENEATH [--as-nobody]
set -u
. "$(dirname "$0")/../cli/lib.sh"

usage="usage: enter_ocapsh.sh OCAPSH TEST_ENTER_OV TEST_ENTER TEST_BENEATH [--as-nobody]"
OV=${2:?$usage} GLIBC=${3:?$usage} BENEATH=${4:?$usage}
cli_start "$0" "$1" "${5:-root}"

D=$T/d
mkdir -p "$D/a" "$D/b/in" "$T/bin"
echo -n "a data" >"$D/a/f"
install -m 0755 "$OV" "$T/bin/ov"
install -m 0755 "$GLIBC" "$T/bin/glibc"
chmod -R a+rwX "$D"

t "strict, two capabilities, native (ocap-cc)" 0 -o '!not ok' -o '~1..' : \
	"$OCAPSH" --mode native --rw "$D" -- "$T/bin/ov" nest "$D"
rm -f "$D/b/new"
# test_enter is instrumented in a sanitizer build, whose runtime reads
# /proc at exit, which ocapsh does not grant (test_enter_ov is musl's).
if [ "${OCAP_SANITIZED:-0}" = 1 ]; then
	skip "strict, two capabilities, compat (glibc)" \
		"a sanitizer build's test_enter needs /proc inside the sandbox"
else
	t "strict, two capabilities, compat (glibc)" 0 -o '=entered: nest ok' : \
		"$OCAPSH" --mode compat --rw "$D" -- "$T/bin/glibc" nest "$D"
fi
if [ "${OCAP_SANITIZED:-0}" = 1 ]; then
	skip "ocap_ns_open without openat2, compat (glibc)" \
		"a sanitizer build's test_beneath needs /proc inside the sandbox"
else
	install -m 0755 "$BENEATH" "$T/bin/beneath"
	t "ocap_ns_open without openat2, compat (glibc)" 0 -o '=ns_open ok' : \
		"$OCAPSH" --mode compat --rw "$D" -- "$T/bin/beneath" ns "$D"
	rm -f "$D/b/made"
fi
finish
