#!/bin/sh
# SPDX-License-Identifier: MIT
# check-coverage.sh alias-dir header... -- page...
# Every function declared OCAP_API in the headers must have a page or an
# alias in section 3, and its SYNOPSIS prototype must match the header's.
set -eu

aliasdir=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nh=0
: >"$tmp/headers.h"
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	cat "$1" >>"$tmp/headers.h"
	nh=$((nh + 1))
	shift
done
if [ $# -eq 0 ] || [ "$nh" -eq 0 ]; then
	echo "usage: check-coverage.sh alias-dir header... -- page..." >&2
	exit 2
fi
shift

# name<TAB>prototype, whitespace normalised, from the header.
awk '
/^[ \t]*#/ { next }
/^OCAP_API / { decl = ""; on = 1 }
on { decl = decl " " $0 }
on && /;/ {
	on = 0
	sub(/^ *OCAP_API /, "", decl)
	gsub(/[ \t]+/, " ", decl); gsub(/\* /, "*", decl)
	gsub(/\( /, "(", decl); gsub(/ \)/, ")", decl)
	sub(/^ /, "", decl); sub(/;.*/, "", decl)
	name = decl; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
	print name "\t" decl
}' "$tmp/headers.h" | sort >"$tmp/header"

# The same from the SYNOPSIS sections of the pages (.Ft, .Fn, .Fo/.Fa/.Fc).
awk '
function args(s,    out, i, c, q, w, n) {
	n = 0; w = ""; q = 0; out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\"") { q = !q; continue }
		if (c == " " && !q) {
			if (w != "") { A[++n] = w; w = "" }
			continue
		}
		w = w c
	}
	if (w != "") A[++n] = w
	return n
}
function emit(name, list) {
	p = type " " name "(" list ")"
	gsub(/\* /, "*", p)
	print name "\t" p
}
/^\.Sh / { syn = ($0 == ".Sh SYNOPSIS"); next }
!syn { next }
/^\.Ft / { type = substr($0, 5); next }
/^\.Fn / {
	n = args(substr($0, 5)); list = ""
	for (i = 2; i <= n; i++) list = list (i > 2 ? ", " : "") A[i]
	emit(A[1], list); next
}
/^\.Fo / { fo = substr($0, 5); list = ""; next }
/^\.Fa / { args(substr($0, 5)); list = list (list != "" ? ", " : "") A[1]; next }
/^\.Fc/ { emit(fo, list); next }
' "$@" | sort >"$tmp/man"

status=0
while IFS='	' read -r name proto; do
	if [ ! -f "$name.3" ] && [ ! -f "$aliasdir/$name.3" ]; then
		echo "$name: no page and no alias" >&2
		status=1
	fi
	if ! grep -qxF "$name	$proto" "$tmp/man"; then
		echo "$name: SYNOPSIS does not match the header: $proto" >&2
		status=1
	fi
done <"$tmp/header"
while IFS='	' read -r name proto; do
	if ! grep -q "^$name	" "$tmp/header"; then
		echo "$name: in a SYNOPSIS but not declared OCAP_API" >&2
		status=1
	fi
done <"$tmp/man"
for f in "$aliasdir"/*; do
	[ -f "$f" ] || continue
	target=$(sed -n 's|^\.so man[0-9]/||p' "$f")
	if [ ! -f "$target" ]; then
		echo "$f: alias to missing page $target" >&2
		status=1
	fi
done
n=$(wc -l <"$tmp/header")
[ "$status" -eq 0 ] && echo "coverage: $n functions in $nh headers, all documented"
exit "$status"
