#!/bin/sh
# SPDX-License-Identifier: MIT
# run_steps.sh NAME OCAPSH OCAP_BIN MUSL_BIN [GRANT...]
# Makes a tree (lib.sh's make_tree, then "OCAP_BIN prepare"), runs an
# ovtest program built with ocap-cc inside ocapsh with the GRANTs
# (native mode, through the note), where each step is checked; then
# outside any sandbox beside the same program built with plain musl-gcc,
# each in a fresh tree: the two transcripts must be the same.  In a
# GRANT, @T stands for the tree.
set -u
name=$1 ocapsh=$2 bin=$3 musl=$4
shift 4
. "$(dirname "$0")/lib.sh"

need_sandbox
scratch
for t in in out1 out2; do
	make_tree "$tmp/$t"
	"$bin" prepare "$tmp/$t" || fail "$bin prepare $tmp/$t failed"
done

T=$tmp/in
n=$#
while [ "$n" -gt 0 ]; do
	a=$1
	shift
	case $a in *@T*) a=${a%%@T*}$T${a#*@T} ;; esac
	set -- "$@" "$a"
	n=$((n - 1))
done

echo "# inside: ocapsh $* -- $bin inside $T"
"$ocapsh" "$@" -- "$bin" inside "$T"
status=$?
[ $status -eq 0 ] || fail "inside: $status step(s) failed (exit $status)"

echo "# outside: the ocap-cc build and the musl-gcc build"
(cd "$tmp/out1" && "$bin" outside "$tmp/out1") >"$tmp/ocap.out" 2>&1
s1=$?
(cd "$tmp/out2" && "$musl" outside "$tmp/out2") >"$tmp/musl.out" 2>&1
s2=$?
if ! diff -u "$tmp/musl.out" "$tmp/ocap.out"; then
	fail "outside, the ocap-cc build differs from plain musl (above)"
fi
[ $s1 -eq $s2 ] || fail "outside: exit $s1, plain musl $s2"
echo "# outside: $(wc -l <"$tmp/ocap.out") results as plain musl"
