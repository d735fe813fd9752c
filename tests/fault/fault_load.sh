#!/bin/bash
# SPDX-License-Identifier: MIT
# fault_load: 1,000 sandboxed programs launched in a row and 100 at once,
# each of the 100 making broker requests.  Every launch exits 0, and
# afterwards this shell holds the descriptors it held before, no process
# of the run is left (no zombie either), and the private TMPDIR given to
# ocapsh and its programs holds what it held before: nothing.
#
# usage: fault_load.sh OCAPSH FAULT_PROG
set -u
. "$(dirname "$0")/lib.sh"
fault_setup "$@"
export TMPDIR=$T/tmp
mkdir "$TMPDIR"
OT=("$O" --env FAULT_TAG --env TMPDIR)

fds() { ls /proc/$$/fd | wc -l; }
tmp_entries() { ls -A "$TMPDIR" | wc -l; }
fds0=$(fds) tmp0=$(tmp_entries)

begin in-a-row "1000 launches of /bin/true, one after the other, exit 0"
failed=0
for ((i = 0; i < 1000; i++)); do
	"${OT[@]}" -- /bin/true </dev/null >>"$OUT" 2>>"$ERR" ||
		failed=$((failed + 1))
done
check "every launch exited 0 ($failed did not)" [ "$failed" = 0 ]
check "none wrote anything" test ! -s "$OUT" -a ! -s "$ERR"
verdict

begin at-once "100 launches at once, each with 3 rounds of broker requests"
pids=()
for ((i = 0; i < 100; i++)); do
	"${OT[@]}" "${NET[@]}" -- "$P" ask 127.0.0.1 "$PORT" 3 \
		</dev/null >"$T/.io/at-once.$i" 2>&1 &
	pids+=($!)
done
failed=0
for ((i = 0; i < 100; i++)); do
	wait "${pids[i]}" && [ "$(cat "$T/.io/at-once.$i")" = "ok 3 rounds" ] ||
		{ failed=$((failed + 1)); cat "$T/.io/at-once.$i" >>"$OUT"; }
done
check "every launch exited 0 with its requests answered ($failed did not)" \
	[ "$failed" = 0 ]
verdict

begin clean "what the load leaves: descriptors, processes, temporary files"
fds1=$(fds) tmp1=$(tmp_entries)
check "this shell holds $fds0 descriptors as before (it holds $fds1)" \
	[ "$fds1" = "$fds0" ]
check "TMPDIR holds $tmp0 entries as before (it holds $tmp1)" \
	[ "$tmp1" = "$tmp0" ]
check "no process and no zombie of the run is left" no_leftovers
verdict

finish
