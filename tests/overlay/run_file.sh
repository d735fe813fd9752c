#!/bin/sh
# SPDX-License-Identifier: MIT
# run_file.sh NAME OCAPSH OV_CAT
# A native program reads and writes a file granted on its own: the
# broker reopens it (OCAP_MSG_OPEN), and refuses what the grant lacks.
set -u
name=$1 ocapsh=$2 cat=$3
. "$(dirname "$0")/lib.sh"
scratch
need_sandbox

printf 'ro content\n' >"$tmp/ro" && printf 'rw content\n' >"$tmp/rw" ||
	fail "cannot write in $tmp"
out=$("$ocapsh" --ro "$tmp/ro" -- "$cat" "$tmp/ro" 2>&1) ||
	fail "reading a file granted --ro failed: $out"
[ "$out" = "ro content" ] || fail "--ro file read as '$out'"
echo "$name: a file granted --ro reads: ok"

out=$("$ocapsh" --rw "$tmp/rw" -- "$cat" "$tmp/rw" 'more
' 2>&1) || fail "appending to a file granted --rw failed: $out"
[ "$out" = "rw content
more" ] || fail "--rw file read as '$out'"
echo "$name: a file granted --rw is written: ok"

out=$("$ocapsh" --ro "$tmp/ro" -- "$cat" "$tmp/ro" x 2>&1) &&
	fail "writing a file granted --ro worked: $out"
case $out in
*"Permission denied"*) ;;
*) fail "writing a file granted --ro: '$out', not EACCES" ;;
esac
[ "$(cat "$tmp/ro")" = "ro content" ] || fail "the --ro file changed"
echo "$name: a file granted --ro is not written: ok"
