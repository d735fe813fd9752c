#!/bin/sh
# SPDX-License-Identifier: MIT
# man-lint.sh mandoc alias-dir header... -- page...
# Run from the man/ source directory.  Fails on any mandoc warning, on a
# page missing from the list in CMakeLists.txt, and on any function of the
# headers the pages do not cover (check-coverage.sh).
set -u

mandoc=$1 aliasdir=$2
shift 2
status=0

sh ./check-coverage.sh "$aliasdir" "$@" || status=1

# The pages are what follows "--".
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	shift
done
if [ $# -eq 0 ]; then
	echo "usage: man-lint.sh mandoc alias-dir header... -- page..." >&2
	exit 2
fi
shift

for f in *.[1-9]; do
	case " $* " in
	*" $f "*) ;;
	*) echo "$f: not listed in OCAP_MAN_PAGES" >&2; status=1 ;;
	esac
done

if ! command -v "$mandoc" >/dev/null 2>&1; then
	echo "SKIP: $mandoc not found; install mandoc to lint the pages" >&2
	[ "$status" -eq 0 ] && exit 77
	exit "$status"
fi
for f in "$@"; do
	out=$("$mandoc" -Tlint -Wwarning "$f" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
		printf '%s\n' "$out" >&2
		echo "$f: mandoc -Tlint -Wwarning failed ($rc)" >&2
		status=1
	fi
done
[ "$status" -eq 0 ] && echo "lint: $# pages clean"
exit "$status"
