#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_broker: the broker's own confinement, seen from outside while it
# serves.  ocapsh forks the broker, which forks the program; once the
# program has said its first word to the broker (a chmod, which the
# supervisor answers) and while it sleeps, every thread of the broker
# must hold no capability in any set, have no_new_privs and a seccomp
# filter, and ocapsh itself must be as it was started.  With a --listen
# grant below port 1024, a root broker keeps CAP_NET_BIND_SERVICE and
# nothing else.  Before that word the broker has its Landlock domain
# only (launcher/broker/broker.c, confine()).
#
# usage: cli_broker.sh OCAPSH [--as-nobody]
set -u
. "$(dirname "$0")/lib.sh"

cli_start cli_broker.sh "$@"
O=$OCAPSH

# status_of PID FIELD: FIELD's value for every thread of PID, one a line.
status_of() {
	local t
	for t in /proc/"$1"/task/*; do
		awk -v f="$2:" '$1 == f { print $2 }' "$t/status"
	done
}

# watch NAME [GRANT]...: run the program under ocapsh in the background and
# set OPID (ocapsh) and BPID (its broker, the program's parent).  The
# program's chmod goes to the broker (refused or not, as nobody), then it
# becomes sleep.
watch() {
	local name=$1 spid
	shift
	: >"$T/first"
	"${RUNAS[@]}" "$O" --rx /usr --rw "$T" "$@" -- /bin/sh -c \
		"chmod 0600 '$T/first' 2>/dev/null; exec /usr/bin/sleep 5" \
		</dev/null >"$OUT" 2>"$ERR" &
	OPID=$! BPID=
	# RUNAS may be setpriv, which execs ocapsh in place.
	for _ in $(seq 200); do
		BPID=$(pgrep -P "$OPID" | head -n1)
		[ -n "$BPID" ] && spid=$(pgrep -P "$BPID" -x sleep) && break
		sleep 0.05
	done
	[ -n "${spid:-}" ] || {
		fail_case "$name" "no sleep under a broker under ocapsh ($OPID)"
		show stderr "$ERR"
		return 1
	}
}

done_watch() {
	kill -TERM "$OPID" 2>/dev/null
	wait "$OPID" 2>/dev/null
}

# expect NAME WHAT WANT VALUES: every line of VALUES is WANT.
expect() {
	local name=$1 what=$2 want=$3 values=$4 v
	ncases=$((ncases + 1))
	while read -r v; do
		if [ "$v" != "$want" ]; then
			fail_case "$name" "$what: a thread has $v, expected $want" \
				"all: $(echo "$values" | tr '\n' ' ')"
			return
		fi
	done <<<"$values"
	echo "ok: $name"
}

confined() {
	watch confined || return
	local f
	for f in CapEff CapPrm CapInh CapAmb; do
		expect "broker-$f" "$f" 0000000000000000 "$(status_of "$BPID" "$f")"
	done
	# Emptying the bounding set takes CAP_SETPCAP, which only root has;
	# it only matters at execve(2), which the broker's filter refuses.
	[ "$AS" = root ] &&
		expect broker-CapBnd CapBnd 0000000000000000 "$(status_of "$BPID" CapBnd)"
	expect broker-NoNewPrivs NoNewPrivs 1 "$(status_of "$BPID" NoNewPrivs)"
	expect broker-Seccomp Seccomp 2 "$(status_of "$BPID" Seccomp)"
	# The caller is left as it was: no filter, no_new_privs unset.
	expect caller-Seccomp Seccomp 0 "$(status_of "$OPID" Seccomp)"
	expect caller-NoNewPrivs NoNewPrivs 0 "$(status_of "$OPID" NoNewPrivs)"
	if [ "$AS" = root ]; then
		ncases=$((ncases + 1))
		if [ "$(status_of "$OPID" CapEff | head -n1)" = 0000000000000000 ]; then
			fail_case caller-caps "ocapsh itself lost its capabilities"
		else
			echo "ok: caller-caps"
		fi
	fi
	done_watch
}
confined

# CAP_NET_BIND_SERVICE is bit 10.
low_listen() {
	watch low-listen --listen 127.0.0.1:1023 || return
	expect broker-low-listen-CapEff CapEff 0000000000000400 \
		"$(status_of "$BPID" CapEff)"
	expect broker-low-listen-CapBnd CapBnd 0000000000000400 \
		"$(status_of "$BPID" CapBnd)"
	done_watch
}
if [ "$AS" = root ]; then
	low_listen
else
	echo "not run: low-listen: only a root caller has CAP_NET_BIND_SERVICE to keep"
fi

finish
