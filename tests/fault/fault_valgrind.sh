#!/bin/bash
# SPDX-License-Identifier: MIT
# fault_valgrind: the broker under valgrind's memcheck while a native
# program makes broker requests (resolve, a granted and a denied connect,
# a table lookup and an open through the table, 20 rounds).  Any memory
# error, or a leak valgrind calls definite, fails.  The program itself is
# not checked (--trace-children=no).
#
# OCAPSH_VG is ocapsh with the Landlock and seccomp stages linked as
# no-ops, which valgrind cannot run (ocapsh_vg.c); the Landlock ABI it
# plans for is the running kernel's.
#
# usage: fault_valgrind.sh OCAPSH_VG FAULT_PROG VALGRIND
set -u
. "$(dirname "$0")/lib.sh"
VALGRIND=${3:-}
[ -x "$VALGRIND" ] ||
	{ echo "SKIP: valgrind is not installed"; exit $SKIP_CODE; }
fault_setup "$1" "$2"
export FAULT_LL_ABI=$ABI
CASE_TIMEOUT=100
mkdir "$T/dir"
echo granted >"$T/dir/f"
VG=("$VALGRIND" -q --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite
    --trace-children=no)
RUN=("$O" --env FAULT_TAG -v "${NET[@]}" --ro "$T/dir"
     -- "$P" ask 127.0.0.1 "$PORT" 20 "$T/dir")
DENIED=$((PORT % 65535 + 1))

says "memcheck: the broker, 20 rounds of requests"
t memcheck 0 -o '=ok 20 rounds' -e "~127.0.0.1:$DENIED" -e '!==' \
	: "${VG[@]}" "${RUN[@]}"

post "nothing is left" no_leftovers
finish
