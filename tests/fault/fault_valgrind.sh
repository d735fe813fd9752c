#!/bin/bash
# SPDX-License-Identifier: MIT
# fault_valgrind: the broker under valgrind's memcheck while a native
# program makes broker requests (resolve, a granted and a denied connect,
# a table lookup and an open through the table, 20 rounds), on poll(2)
# with OCAP_BROKER_POLL=1 (io_uring: see below).  Any memory
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

# The broker connects on threads of its own, and valgrind (3.19) runs no
# other thread while one waits in io_uring_enter(2), which it does not
# mark as blocking: on io_uring the first connect would wait for ever.
# MEMCHECK_URING=1 runs the case anyway (a valgrind that lets it by).
if [ "${MEMCHECK_URING:-0}" = 1 ]; then
	says "memcheck-uring: the broker on io_uring, 20 rounds of requests"
	t memcheck-uring 0 -o '=ok 20 rounds' -e "~127.0.0.1:$DENIED" \
		-e '!==' : env OCAP_BROKER_POLL=0 "${VG[@]}" "${RUN[@]}"
else
	echo "note: memcheck-uring not run: valgrind holds its lock across" \
		"io_uring_enter, and the broker's connect threads need it"
fi

says "memcheck-poll: the broker on poll(2), 20 rounds of requests"
t memcheck-poll 0 -o '=ok 20 rounds' -e "~127.0.0.1:$DENIED" -e '!==' \
	: env OCAP_BROKER_POLL=1 "${VG[@]}" "${RUN[@]}"

post "nothing is left" no_leftovers
finish
