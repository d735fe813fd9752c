#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_badinput: every malformed option and grants-file line makes ocapsh
# exit 125 with one line on stderr naming the input and its position
# ("argument N:" for argv, "FILE:LINE:" for a grants file; a "Hint:" line
# may follow) and nothing on stdout, and runs nothing: the program of each
# row would create a marker file in a directory it is granted.  Also
# --explain, --explain=json, --help, --version and a missing program.
#
# usage: cli_badinput.sh OCAPSH
set -u
. "$(dirname "$0")/lib.sh"

OCAPSH=${1:?usage: cli_badinput.sh OCAPSH}
require_sandbox "$OCAPSH"

setup_tmp
cd "$T" || exit 1
O=$OCAPSH
M=$T/m
G=$T/g
mkdir -p "$M" "$G" "$T/D/sub" "$T/ro"
echo data >"$T/ro/a.txt"

# b NAME WHERE NAMING : COMMAND...
# A bad-input row: 125, nothing on stdout, one stderr line that begins
# with "ocapsh: WHERE: " and names NAMING, and no marker.
b() {
	local name=$1 where=$2 naming=$3
	shift 3
	t "$name" 125 -e "@ocapsh: $where: " -e "%$naming" "$@"
	post "nothing ran (no marker)" absent "$M/marker"
	rm -f "$M/marker"
}
RUN=(-- touch "$M/marker")

# Control: the same command line without the bad option does run, so an
# absent marker below means that nothing ran.
t control-runs 0 : "$O" --rw "$M" "${RUN[@]}"
post "the program made the marker" test -f "$M/marker"
rm -f "$M/marker"

# ---- options on the command line: --rw M is arguments 1-2 ------------------
b unknown-option 'argument 3' "'--frobnicate'" \
	: "$O" --rw "$M" --frobnicate "${RUN[@]}"
b unknown-option-with-value 'argument 3' "'--frobnicate'" \
	: "$O" --rw "$M" --frobnicate=1 "${RUN[@]}"
b unknown-short-option 'argument 3' "'-x'" \
	: "$O" --rw "$M" -x "${RUN[@]}"
b missing-value 'argument 3' '--ro' \
	: "$O" --rw "$M" --ro
b empty-value 'argument 3' '--ro' \
	: "$O" --rw "$M" --ro= "${RUN[@]}"
b flag-with-value 'argument 3' '--inherit-env' \
	: "$O" --rw "$M" --inherit-env=yes "${RUN[@]}"
b grant-without-equals 'argument 3' '--grant x' \
	: "$O" --rw "$M" --grant x "${RUN[@]}"
b grant-unknown-right 'argument 3' 'frobnicate' \
	: "$O" --rw "$M" --grant x=frobnicate "${RUN[@]}"
b grant-connect-right 'argument 3' 'x=read,connect' \
	: "$O" --rw "$M" --grant x=read,connect "${RUN[@]}"
b connect-no-port 'argument 3' '--connect host' \
	: "$O" --rw "$M" --connect host "${RUN[@]}"
b connect-port-0 'argument 3' 'host:0' \
	: "$O" --rw "$M" --connect host:0 "${RUN[@]}"
b connect-port-70000 'argument 3' 'host:70000' \
	: "$O" --rw "$M" --connect host:70000 "${RUN[@]}"
b connect-port-junk 'argument 3' 'host:80x' \
	: "$O" --rw "$M" --connect host:80x "${RUN[@]}"
b connect-two-colons 'argument 3' 'a:b:1' \
	: "$O" --rw "$M" --connect a:b:1 "${RUN[@]}"
b connect-open-bracket 'argument 3' '[::1' \
	: "$O" --rw "$M" --connect '[::1' "${RUN[@]}"
b connect-no-host 'argument 3' ':80' \
	: "$O" --rw "$M" --connect :80 "${RUN[@]}"
b env-leading-digit 'argument 3' '1BAD' \
	: "$O" --rw "$M" --env 1BAD "${RUN[@]}"
b env-bad-name 'argument 3' 'A-B=1' \
	: "$O" --rw "$M" --env A-B=1 "${RUN[@]}"
b env-ocap-root 'argument 3' 'OCAP_ROOT' \
	: "$O" --rw "$M" --env OCAP_ROOT=5 "${RUN[@]}"
b mode-bogus 'argument 3' 'bogus' \
	: "$O" --rw "$M" --mode bogus "${RUN[@]}"
b allow-syscall-unknown 'argument 3' 'not_a_syscall' \
	: "$O" --rw "$M" --allow-syscall not_a_syscall "${RUN[@]}"
b rlimit-no-value 'argument 3' 'core' \
	: "$O" --rw "$M" --rlimit core "${RUN[@]}"
b rlimit-unknown 'argument 3' 'bogus=1' \
	: "$O" --rw "$M" --rlimit bogus=1 "${RUN[@]}"
b rlimit-not-a-number 'argument 3' 'nofile=lots' \
	: "$O" --rw "$M" --rlimit nofile=lots "${RUN[@]}"
b grants-missing-file 'argument 3' 'missing-file' \
	: "$O" --rw "$M" --grants missing-file "${RUN[@]}"
# Checked when the plan is prepared or the grants are opened, still
# before anything runs.
b ro-nonexistent 'argument 3' '/nonexistent' \
	: "$O" --rw "$M" --ro /nonexistent "${RUN[@]}"
b nested-fewer-rights 'argument 5' "$T/D/sub" \
	: "$O" --rw "$M" --rw "$T/D" --ro "$T/D/sub" "${RUN[@]}"
b nested-fewer-rights-first 'argument 3' "$T/D/sub" \
	: "$O" --rw "$M" --ro "$T/D/sub" --rw "$T/D" "${RUN[@]}"
# The same nesting through a symlink: /alias/sub is /D/sub.
ln -s "$T/D" "$T/alias"
b nested-through-symlink 'argument 5' "$T/alias/sub" \
	: "$O" --rw "$M" --rw "$T/D" --ro "$T/alias/sub" "${RUN[@]}"

# ---- grants files: FILE:LINE, FILE as written -------------------------------------
printf -- '--ro /usr\nthis is not an option\n' >"$G/nonoption.grants"
b grants-non-option "$G/nonoption.grants:2" "'this is not an option'" \
	: "$O" --rw "$M" --grants "$G/nonoption.grants" "${RUN[@]}"
printf -- '--ro /usr\n--ro /tm\0p\n' >"$G/nul.grants"
b grants-nul-byte "$G/nul.grants:2" 'NUL' \
	: "$O" --rw "$M" --grants "$G/nul.grants" "${RUN[@]}"
printf -- '--ro /usr\n--ro /%s\n' "$(head -c 9000 /dev/zero | tr '\0' a)" \
	>"$G/long.grants"
b grants-long-line "$G/long.grants:2" 'longer than' \
	: "$O" --rw "$M" --grants "$G/long.grants" "${RUN[@]}"
# An endless line: refused after the limit, not read into memory.
b grants-endless-line "/dev/zero:1" 'longer than' \
	: "$O" --rw "$M" --grants /dev/zero "${RUN[@]}"
printf -- '--inherit-env yes\n' >"$G/flagvalue.grants"
b grants-flag-with-value "$G/flagvalue.grants:1" '--inherit-env' \
	: "$O" --rw "$M" --grants "$G/flagvalue.grants" "${RUN[@]}"
printf -- '# a comment\n\n--frobnicate\n' >"$G/unknown.grants"
b grants-unknown-option "$G/unknown.grants:3" "'--frobnicate'" \
	: "$O" --rw "$M" --grants "$G/unknown.grants" "${RUN[@]}"
printf -- '--ro\n' >"$G/novalue.grants"
b grants-missing-value "$G/novalue.grants:1" '--ro' \
	: "$O" --rw "$M" --grants "$G/novalue.grants" "${RUN[@]}"
printf -- '--connect host:70000\n' >"$G/port.grants"
b grants-bad-port "$G/port.grants:1" 'host:70000' \
	: "$O" --rw "$M" --grants "$G/port.grants" "${RUN[@]}"
printf -- '--grants %s\n' "$G/loop.grants" >"$G/loop.grants"
b grants-include-loop "$G/loop.grants:1" 'nested' \
	: "$O" --rw "$M" --grants "$G/loop.grants" "${RUN[@]}"
# A nested file is named as written in its parent and found beside it
# (the current directory is $T, not $G).
printf -- '--ro /usr\n--grants inner.grants\n' >"$G/outer.grants"
printf -- '# inner\n\n--env 1BAD\n' >"$G/inner.grants"
b grants-nested-bad-line "inner.grants:3" '1BAD' \
	: "$O" --rw "$M" --grants "$G/outer.grants" "${RUN[@]}"
printf -- '--ro /nonexistent\n' >"$G/nonexistent.grants"
b grants-ro-nonexistent "$G/nonexistent.grants:1" '/nonexistent' \
	: "$O" --rw "$M" --grants "$G/nonexistent.grants" "${RUN[@]}"
# Paths in a grants file are relative to the file.
printf -- '--rw ../D\n--ro ../D/sub\n' >"$G/nest.grants"
b grants-nested-fewer-rights "$G/nest.grants:2" "$T/D/sub" \
	: "$O" --rw "$M" --grants "$G/nest.grants" "${RUN[@]}"
# A well-formed grants file is accepted (control for the rows above).
printf -- '# data\n--ro ../ro\n\n--rw ../m\n' >"$G/good.grants"
t grants-file-good 0 : "$O" --grants "$G/good.grants" "${RUN[@]}"
post "the program made the marker" test -f "$M/marker"
rm -f "$M/marker"

# ---- --explain: prints the plan, runs nothing ----------------------------------------
t explain-text 0 -o "/^capabilities: +[0-9]+$" \
	-o "/^ +dir +$T/ro +read,list +argument 1$" \
	-o "/^ +dir +$M +read,write,create,delete,list,truncate +argument 3$" \
	: "$O" --ro "$T/ro" --rw "$M" --explain "${RUN[@]}"
post "nothing ran (no marker)" absent "$M/marker"
t explain-json 0 -o '~"capabilities"' \
	: "$O" --ro "$T/ro" --rw "$M" --explain=json "${RUN[@]}"
post "nothing ran (no marker)" absent "$M/marker"
post "the output is valid JSON" /usr/bin/python3 -m json.tool "$OUT" /dev/null
json_has_grant() { # PATH RIGHTS...
	/usr/bin/python3 - "$OUT" "$@" <<-'EOF'
	import json, sys
	plan = json.load(open(sys.argv[1]))
	want = set(sys.argv[3:])
	for c in plan["capabilities"]:
	    if c.get("name") == sys.argv[2]:
	        r = c.get("rights")
	        got = set(r.split(",") if isinstance(r, str) else r)
	        sys.exit(0 if got == want else 1)
	sys.exit(1)
	EOF
}
post "JSON lists $T/ro with read,list" json_has_grant "$T/ro" read list
post "JSON lists $M with its rw rights" \
	json_has_grant "$M" read write create delete list truncate

# ---- help, version, no program ---------------------------------------------------------
USAGE='usage: ocapsh [options] [--] program [argument ...]'
t help 0 -o "%$USAGE" : "$O" --help
t help-short 0 -o "%$USAGE" : "$O" -h
t version 0 -o "/^ocapsh [0-9]+\.[0-9]+\.[0-9]+$" : "$O" --version
# No program: the capability shell, here reading an empty script from
# /dev/null, so it exits 0 having run nothing.  "--" promises a program.
t no-program-is-shell 0 : "$O" --rw "$M"
t no-program-after-dashdash 125 -e "%ocapsh: no program given" : "$O" --rw "$M" --
t no-arguments-is-shell 0 : "$O"

finish
