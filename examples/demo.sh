#!/bin/sh
# SPDX-License-Identifier: MIT
# The demo: capcat holds one directory capability and can read what is in
# it, and nothing else, whichever path it is given.
set -eu
build=${1:-build/gcc}
capcat=$build/examples/capcat
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/project/docs"
echo "meeting moved to 10:00" >"$tmp/project/docs/notes.txt"
echo "the password is hunter2" >"$tmp/secret.txt"
ln -s ../../secret.txt "$tmp/project/docs/shortcut"
ln -s notes.txt "$tmp/project/docs/readme"

show() {
	printf '\n$ capcat %s %s\n' "project" "$1"
	"$capcat" "$tmp/project" "$1" 2>&1 | tee -a "$tmp/out" || true
}
echo "capcat holds one capability: $tmp/project (read, list)."
echo "Next to it, outside the capability: $tmp/secret.txt"
show docs/notes.txt
show docs/readme
show ../secret.txt
show docs/shortcut
show "$tmp/secret.txt"
show /etc/passwd
show /proc/self/root/etc/passwd
echo
if grep -q hunter2 "$tmp/out"; then
	echo "FAIL: the secret was read through the capability" >&2
	exit 1
fi
echo "Only the files inside the capability were read; the secret stayed out."
