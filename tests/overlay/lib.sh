# SPDX-License-Identifier: MIT
# Shared by the overlay's test drivers: a scratch directory, failure, the
# skip when the kernel cannot sandbox.

fail() {
	echo "$name: $*" >&2
	exit 1
}

skip() {
	echo "$name: skipped: $*"
	exit 77
}

scratch() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ocap-ov.XXXXXX") || exit 1
	trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
}

# ocapsh must be able to sandbox at all (Landlock, seccomp).
need_sandbox() {
	out=$("$ocapsh" --ro / -- /bin/true 2>&1) ||
		skip "ocapsh cannot sandbox here: $out"
}

# The tree ov_paths.c describes, in $1.
make_tree() {
	mkdir -p "$1/ro/dir" "$1/rw" "$1/secret" &&
	printf data >"$1/ro/file" &&
	printf x >"$1/ro/dir/inner" &&
	printf s >"$1/secret/s" &&
	ln -s file "$1/ro/link-in" &&
	ln -s ../secret/s "$1/ro/link-out" &&
	ln -s ../rw "$1/ro/link-rw" &&
	ln -s "$1/secret/s" "$1/ro/link-abs" ||
		fail "cannot make the test tree in $1"
}
