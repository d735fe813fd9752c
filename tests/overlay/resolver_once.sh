#!/bin/sh
# SPDX-License-Identifier: MIT
#
# resolver_once.sh LIBOCAP_MUSL OVERLAY
#
# libocap is the only path resolver and the overlay a shim over it: no
# symbol libocap-musl.a leaves undefined may be one the overlay defines,
# or an ocap-cc program's libocap would call back into the overlay (open,
# fstatat, readlinkat... resolved by the overlay's definitions).
set -eu
lib=$1 overlay=$2
command -v nm >/dev/null || { echo "SKIP: nm not found"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -u "$lib" | awk '{ print $NF }' | sort -u > "$tmp/undef"
nm -g --defined-only "$overlay" | awk 'NF == 3 { print $3 }' | sort -u \
	> "$tmp/def"
[ -s "$tmp/def" ] || { echo "FAIL: no symbols defined in $overlay"; exit 1; }
comm -12 "$tmp/undef" "$tmp/def" > "$tmp/both"
if [ -s "$tmp/both" ]; then
	echo "FAIL: libocap calls what the overlay defines:"
	sed 's/^/  /' "$tmp/both"
	exit 1
fi
echo "ok: none of the $(wc -l < "$tmp/undef") symbols libocap needs is the overlay's"
