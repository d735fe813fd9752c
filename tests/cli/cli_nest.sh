#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_nest: ocapsh inside ocapsh.  Each level hands the next a subset of
# what it holds, and the innermost program reaches only what every level
# granted: Landlock domains nest, filters stack, and a level asked for
# more than it holds is refused before anything runs.  A nested ocapsh
# has no supervisor (the outer filter keeps the one listener), so a write
# grant needs --best-effort there, and chmod and the like are refused.
#
# usage: cli_nest.sh OCAPSH [--as-nobody]
set -u
. "$(dirname "$0")/lib.sh"

# A sanitizer build's ocapsh cannot run inside a sandbox: LeakSanitizer
# reads /proc at exit, which no level grants.
if [ "${OCAP_SANITIZED:-0}" = 1 ]; then
	echo "SKIP: a sanitizer build's ocapsh needs /proc inside the sandbox"
	exit 77
fi
cli_start cli_nest.sh "$@"
O=$OCAPSH
# What every level needs to run the next: programs, and ocapsh with its
# libraries and resolver shim (the tree it was built or installed in).
OD=$(cd "$(dirname "$O")/.." && pwd)
I=(--rx /usr --rx "$OD")
[ "$AS" = --as-nobody ] && I+=(--env LD_LIBRARY_PATH)

mkdir -p top/a/b
echo one >top/f
echo two >top/a/g
echo three >top/a/b/h
chmod -R a+rwX top
canary "$T/canary" "nest-canary-$$"

# ---- three levels, each with less ---------------------------------------
t nest-three 0 -o '=three' \
	: "$O" "${I[@]}" --rw top -- "$O" "${I[@]}" --ro top/a -- \
	"$O" "${I[@]}" --ro top/a/b -- cat top/a/b/h
t nest-three-level2 1 -e '~top/a/g: Permission denied' \
	: "$O" "${I[@]}" --rw top -- "$O" "${I[@]}" --ro top/a -- \
	"$O" "${I[@]}" --ro top/a/b -- cat top/a/g
t nest-three-level1 1 -e '~top/f: Permission denied' \
	: "$O" "${I[@]}" --rw top -- "$O" "${I[@]}" --ro top/a -- \
	"$O" "${I[@]}" --ro top/a/b -- cat top/f
t nest-three-canary 1 -e '~canary: Permission denied' \
	: "$O" "${I[@]}" --rw top -- "$O" "${I[@]}" --ro top/a -- \
	"$O" "${I[@]}" --ro top/a/b -- cat "$T/canary"
# The middle level was given top read-write and handed on read-only.
t nest-ro-below-rw 2 -e '~Permission denied' \
	: "$O" "${I[@]}" --rw top -- "$O" "${I[@]}" --ro top/a -- \
	sh -c 'echo x >top/a/new'
post 'nothing was written' absent top/a/new

# ---- asking for more than is held: refused before the program runs ------
t nest-widen 125 \
	-e "@ocapsh: argument $((${#I[@]} + 1)): $T/top: Permission denied: this process cannot read it" \
	: "$O" "${I[@]}" --ro top/a -- "$O" "${I[@]}" --ro top -- \
	sh -c 'echo ran >&2'
t nest-widen-canary 125 -e "%$T/canary: Permission denied" \
	: "$O" "${I[@]}" --ro top -- "$O" "${I[@]}" --ro "$T/canary" -- \
	sh -c 'echo ran >&2'

# ---- write grants inside: no supervisor ---------------------------------
t nest-rw-refused 125 -e '%no supervisor can work here (ocapsh runs inside another sandbox' \
	: "$O" "${I[@]}" --rw top -- "$O" "${I[@]}" --rw top/a -- \
	touch top/a/made
post 'nothing ran' absent top/a/made
t nest-rw-best-effort 1 -o '=written' \
	-e '~ocapsh: not enforced: no supervisor can work here' \
	-e "~chmod: changing permissions of 'top/a/w': Operation not permitted" \
	: "$O" "${I[@]}" --rw top -- "$O" "${I[@]}" --best-effort --rw top/a -- \
	sh -c 'echo written >top/a/w && cat top/a/w && chmod 0700 top/a/w'
post 'the file was written' file_is top/a/w written
post 'its mode was not changed' eval '[ "$(stat -c %a top/a/w)" != 700 ]'

# ---- signals reach the innermost program --------------------------------
ncases=$((ncases + 1))
"${RUNAS[@]}" "$O" "${I[@]}" --rw top -- "$O" "${I[@]}" --ro top -- \
	sh -c 'trap "echo got-term; exit 3" TERM; echo ready
	       while :; do sleep 0.05; done' </dev/null >"$OUT" 2>"$ERR" &
opid=$!
for _ in $(seq 200); do
	grep -q ready "$OUT" && break
	sleep 0.05
done
kill -TERM "$opid"
st=0
for _ in $(seq 100); do
	kill -0 "$opid" 2>/dev/null || break
	sleep 0.05
done
if kill -0 "$opid" 2>/dev/null; then
	kill -KILL "$opid"
	fail_case nest-signal "ocapsh did not end 5 s after SIGTERM"
else
	wait "$opid"
	st=$?
	if [ "$st" = 3 ] && grep -qx got-term "$OUT"; then
		echo "ok: nest-signal"
	else
		fail_case nest-signal "status $st (want 3), or no got-term"
		show stdout "$OUT"
		show stderr "$ERR"
	fi
fi

# ---- a program that confines itself (ocap_enter) inside ocapsh ----------
# OCAP_CAPWC: examples/capwc, which enters with its inputs and output.
capwc=
if [ -x "${OCAP_CAPWC:-}" ]; then
	capwc=$OD/bin/capwc
	[ "$AS" = --as-nobody ] || capwc=$T/capwc
	install -m 0755 "$OCAP_CAPWC" "$capwc"
fi
if [ -n "$capwc" ]; then
	mkdir -m 0777 out
	t nest-enter 0 -e '~enforced' \
		: "$O" "${I[@]}" --rx "$capwc" --ro top --rw out -- "$capwc" -v out/count \
		top/f top/a/g
	post 'capwc counted both files' file_is out/count \
		"$(printf '%7d %7d %7d %s\n%7d %7d %7d %s' \
			1 1 4 top/f 1 1 4 top/a/g)"
else
	skip nest-enter "OCAP_CAPWC does not name examples/capwc"
fi

finish
