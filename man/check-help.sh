#!/bin/sh
# SPDX-License-Identifier: MIT
# check-help.sh ocapsh page [mandoc]
# Every option `ocapsh --help` prints must be in the page's OPTIONS list
# and its SYNOPSIS, and every option these name must be in --help.  With
# mandoc, the SYNOPSIS must also end as the usage line does.
set -u

ocapsh=$1 page=$2 mandoc=${3:-mandoc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

if ! "$ocapsh" --help >"$tmp/help"; then
	echo "$ocapsh --help failed" >&2
	exit 1
fi

# Help: the leading -x/--xx words of each indented line, without a
# "[=...]" or "=..." tail ("  -h, --help   print ...", "  --ro PATH ...").
awk '/^[ \t]+-/ {
	for (i = 1; i <= NF; i++) {
		w = $i
		sub(/,$/, "", w)
		if (w !~ /^-/)
			break
		sub(/[[=].*/, "", w)
		print w
	}
}' "$tmp/help" | sort -u >"$tmp/help.opts"

# Page: the flags in the SYNOPSIS, and in the .It lines of the first list
# in OPTIONS.  Fl makes a flag of each word up to the next macro: in
# "Fl h | \-help", h is -h and \-help is --help.
awk -v out="$tmp" '
/^\.Sh / { sec = substr($0, 5); depth = 0; next }
sec == "OPTIONS" && /^\.Bl/ { depth++ }
sec == "OPTIONS" && /^\.El/ { depth--; next }
sec == "SYNOPSIS" || (sec == "OPTIONS" && depth == 1 && /^\.It /) {
	file = out "/" (sec == "SYNOPSIS" ? "syn" : "opt")
	n = split($0, w, /[ \t]+/)
	fl = 0
	for (i = 1; i <= n; i++) {
		if (w[i] ~ /^\.?[A-Z][a-z][a-z]?$/) { # a macro
			fl = (w[i] == "Fl" || w[i] == ".Fl")
			continue
		}
		if (!fl || w[i] ~ /^[|,.:;()[\]]$/)
			continue
		f = w[i]
		gsub(/\\-/, "-", f)
		f = "-" f
		if (f != "--") # the end of the options
			print f >file
	}
}' "$page"
for s in syn opt; do
	touch "$tmp/$s"
	sort -u "$tmp/$s" >"$tmp/$s.opts"
done

compare() { # which-file label
	comm -23 "$tmp/help.opts" "$tmp/$1.opts" | while read -r o; do
		echo "$o: in ocapsh --help but not in the $2 of $page" >&2
	done
	comm -13 "$tmp/help.opts" "$tmp/$1.opts" | while read -r o; do
		echo "$o: in the $2 of $page but not in ocapsh --help" >&2
	done
	cmp -s "$tmp/help.opts" "$tmp/$1.opts"
}
compare opt OPTIONS || status=1
compare syn SYNOPSIS || status=1

# "usage: ocapsh [options] [--] program [argument ...]": the SYNOPSIS
# as mandoc renders it must end with what follows "[options]".
tail=$(sed -n '1s/^usage: [^ ]* \[options\] //p' "$tmp/help")
if [ -z "$tail" ]; then
	echo "ocapsh --help: no 'usage: ocapsh [options] ...' line" >&2
	status=1
elif command -v "$mandoc" >/dev/null 2>&1; then
	bs=$(printf '\b')
	# Unwrapped, without overstriking; the first line is the usage.
	"$mandoc" -Tascii -Owidth=1000 "$page" | sed "s/.$bs//g" |
	awk '/^SYNOPSIS/ { getline; print; exit }' >"$tmp/synopsis"
	if ! awk -v t="$tail" '{
		sub(/[ \t]+$/, "")
		n = length($0) - length(t)
		exit !(n >= 0 && substr($0, n + 1) == t)
	}' "$tmp/synopsis"; then
		echo "$page: SYNOPSIS does not end with '$tail':" >&2
		cat "$tmp/synopsis" >&2
		status=1
	fi
else
	echo "note: $mandoc not found; usage line not compared" >&2
fi

n=$(wc -l <"$tmp/help.opts")
[ "$status" -eq 0 ] && echo "help: $n options, the same in --help and $page"
exit "$status"
