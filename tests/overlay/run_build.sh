#!/bin/sh
# SPDX-License-Identifier: MIT
# run_build.sh NAME OCAPSH OCAP_CC HELLO HELLO_C
# What ocap-cc makes: a static binary without interpreter or shared
# libraries, with the "ocap" note in a PT_NOTE segment (kept by
# --gc-sections and strip), which ocapsh --explain runs in native mode.
set -u
name=$1 ocapsh=$2 cc=$3 hello=$4 src=$5
. "$(dirname "$0")/lib.sh"
scratch

# has_note BIN: the note, owner "ocap", type OCAP_ELF_NOTE_TYPE, in a
# loadable PT_NOTE segment.
has_note() {
	readelf -n "$1" | grep -Eq '^ +ocap +0x0+4[[:space:]].*0x6f636170' ||
		fail "$1: no ocap note: $(readelf -n "$1")"
	readelf -lW "$1" | grep -q '^ *NOTE ' ||
		fail "$1: no PT_NOTE segment"
	readelf -lW "$1" | grep -Eq '^ +[0-9]+ +.*\.note\.ocap' ||
		fail "$1: .note.ocap is in no segment"
}

static_only() {
	file "$1" | grep -q 'statically linked' ||
		fail "$1: not static: $(file "$1")"
	readelf -lW "$1" | grep -q INTERP && fail "$1: has an interpreter"
	readelf -dW "$1" 2>/dev/null | grep -q NEEDED &&
		fail "$1: needs shared libraries"
	return 0
}

static_only "$hello"
has_note "$hello"
out=$("$hello") || fail "$hello failed outside a sandbox"
[ "$out" = "hello, ocap" ] || fail "$hello printed '$out'"
echo "$name: static, with the note, runs outside: ok"

explain=$("$ocapsh" --explain -- "$hello") || fail "ocapsh --explain failed"
echo "$explain" | grep -Eq '^mode: +native \(auto\)' ||
	fail "ocapsh --explain does not say native: $explain"
echo "$name: ocapsh --explain: native (auto): ok"

"$ocapsh" --ro / -- /bin/true >/dev/null 2>&1 ||
	skip "ocapsh cannot sandbox here (the rest of the checks passed)"
out=$("$ocapsh" -- "$hello") || fail "$hello failed under ocapsh"
[ "$out" = "hello, ocap" ] || fail "$hello printed '$out' under ocapsh"
echo "$name: runs under ocapsh: ok"

# Separate compile and link; the note comes with the link.
(cd "$tmp" && "$cc" -c "$src" -o hello.o) || fail "ocap-cc -c failed"
file "$tmp/hello.o" | grep -q relocatable || fail "ocap-cc -c made no object"
readelf -n "$tmp/hello.o" | grep -q ocap && fail "the note is in the object"
"$cc" "$tmp/hello.o" -o "$tmp/two-step" || fail "ocap-cc cannot link hello.o"
has_note "$tmp/two-step"

# From standard input with -x c: the archives are still archives.
printf 'int main(void) { return 0; }\n' |
	"$cc" -x c - -o "$tmp/stdin" || fail "ocap-cc -x c - failed"
has_note "$tmp/stdin"

# The note survives section garbage collection and strip.
"$cc" -Os -ffunction-sections -Wl,--gc-sections "$src" -o "$tmp/gc" ||
	fail "ocap-cc -Wl,--gc-sections failed"
has_note "$tmp/gc"
strip "$tmp/gc" || fail "strip failed"
has_note "$tmp/gc"
echo "$name: two-step build, --gc-sections, strip: note kept: ok"

# Asking the compiler about itself links nothing.
(cd "$tmp" && "$cc" -v >/dev/null 2>&1 && "$cc" --version >/dev/null) ||
	fail "ocap-cc -v or --version failed"
[ -e "$tmp/a.out" ] && fail "ocap-cc -v made an a.out"
echo "$name: ocap-cc -v, --version: ok"
