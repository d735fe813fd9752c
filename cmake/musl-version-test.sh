#!/bin/sh
# SPDX-License-Identifier: MIT
# musl-version-test.sh CMAKE SOURCE_DIR CC
# Configures SOURCE_DIR with a fake musl-gcc whose libc.a says it is musl
# 1.2.4, then one whose libc.a has no version: both must fail with the
# versions found and supported; with -DOCAP_OVERLAY=OFF the configure must
# pass and skip the overlay.
set -eu

if [ $# -ne 3 ]; then
	echo "usage: musl-version-test.sh CMAKE SOURCE_DIR CC" >&2
	exit 2
fi
cmake=$1 src=$2 cc=$3

fail() {
	echo "musl_version_check: $*" >&2
	exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ocap-muslver.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# fake VERSION: a musl-gcc whose "static binaries" print VERSION; an
# empty VERSION fails to link, as a libc.a without __libc_version would.
fake() {
	cat >"$tmp/musl-gcc" <<EOF
#!/bin/sh
[ -n "$1" ] || exit 1
while [ \$# -gt 0 ]; do
	[ "\$1" = -o ] && out=\$2
	shift
done
printf '#!/bin/sh\\necho %s\\n' "$1" >"\$out" && chmod +x "\$out"
EOF
	chmod +x "$tmp/musl-gcc"
}

# configure NAME ARGS...: configure into a fresh build dir, output in
# $tmp/NAME.log; returns cmake's status.
configure() {
	name=$1
	shift
	rm -rf "$tmp/build"
	"$cmake" -S "$src" -B "$tmp/build" -DCMAKE_C_COMPILER="$cc" \
		-DOCAP_TESTS=OFF -DMUSL_GCC="$tmp/musl-gcc" "$@" \
		>"$tmp/$name.log" 2>&1
}

for v in 1.2.4 ""; do
	fake "$v"
	if configure "bad${v}"; then
		fail "musl '${v:-unknown}' accepted: $(cat "$tmp/bad${v}.log")"
	fi
	grep -q "musl ${v:-unknown} found, but the overlay supports musl 1\.2\.3 only" \
		"$tmp/bad${v}.log" ||
		fail "no version message for musl ${v:-unknown}: $(cat "$tmp/bad${v}.log")"
done
echo "musl_version_check: musl 1.2.4 and unknown refused"

fake 1.2.4
configure off -DOCAP_OVERLAY=OFF ||
	fail "-DOCAP_OVERLAY=OFF does not configure: $(cat "$tmp/off.log")"
grep -q "OCAP_OVERLAY is OFF: no libocap-overlay.a" "$tmp/off.log" ||
	fail "-DOCAP_OVERLAY=OFF does not skip the overlay: $(cat "$tmp/off.log")"
grep -q '^OCAP_CC:INTERNAL=$' "$tmp/build/CMakeCache.txt" ||
	fail "-DOCAP_OVERLAY=OFF still sets OCAP_CC"
echo "musl_version_check: -DOCAP_OVERLAY=OFF skips the overlay"
