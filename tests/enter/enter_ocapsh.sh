#!/bin/bash
# SPDX-License-Identifier: MIT
# enter_ocapsh: a program enters capability mode in strict mode with two
# path capabilities inside ocapsh: built with ocap-cc in native mode
# (test_enter_ov), with glibc in compat mode (test_enter).  The nesting
# check needs no /proc, which ocapsh does not grant (and native mode
# refuses paths on AT_FDCWD); a nested pair is still refused.  Each
# program's "nest DIR" mode does the checking.
#
# usage: enter_ocapsh.sh OCAPSH TEST_ENTER_OV TEST_ENTER [--as-nobody]
set -u
. "$(dirname "$0")/../cli/lib.sh"

usage="usage: enter_ocapsh.sh OCAPSH TEST_ENTER_OV TEST_ENTER [--as-nobody]"
OV=${2:?$usage} GLIBC=${3:?$usage}
cli_start "$0" "$1" "${4:-root}"

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
finish
