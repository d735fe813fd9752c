#!/bin/sh
# SPDX-License-Identifier: MIT
# run-fuzz.sh FUZZER CORPUS ARTIFACTS RUNS MAX_SECONDS
# Runs FUZZER for RUNS inputs on a scratch copy of CORPUS (libFuzzer adds
# what it finds to its first corpus directory; the tree must stay clean).
# A crashing input is kept in ARTIFACTS.
set -eu

if [ $# -ne 5 ]; then
	echo "usage: run-fuzz.sh FUZZER CORPUS ARTIFACTS RUNS MAX_SECONDS" >&2
	exit 2
fi
fuzzer=$1 corpus=$2 artifacts=$3 runs=$4 secs=$5

scratch=$(mktemp -d "${TMPDIR:-/tmp}/ocap-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cp -R "$corpus/." "$scratch/"
mkdir -p "$artifacts"

# libFuzzer reports a crash with exit status 77 unless told otherwise,
# and 77 is CTest's skip code here: a crash must fail the test.
"$fuzzer" -runs="$runs" -max_total_time="$secs" -print_final_stats=1 \
	-error_exitcode=1 -artifact_prefix="$artifacts/" "$scratch"
