# SPDX-License-Identifier: MIT
# Helpers for the fault tests (sourced by bash scripts), on top of the
# ocapsh test helpers in tests/cli/lib.sh.
#
# Every process a fault test starts carries FAULT_TAG=<this run> in its
# environment (ocapsh passes it on: --env FAULT_TAG), so that whatever a
# session leaves behind can be found in /proc, and is killed at exit.
#
# A case that drives processes by hand (rather than one t row) is
#   begin NAME WHAT; ...; check CONDITION-TEXT COMMAND...; ...; verdict
# and every failed check is one reason the case failed.

. "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"

# fault_setup OCAPSH FAULT_PROG: check both, make $T and go there, tag
# the run, and start a listener that the grant in NET names.
fault_setup() {
	O=${1:?usage: $0 OCAPSH FAULT_PROG}
	P=${2:?usage: $0 OCAPSH FAULT_PROG}
	require_sandbox "$O"
	[ -x "$P" ] || { echo "no fault_prog at '$P'"; exit 1; }
	setup_tmp
	cd "$T" || exit 1
	export FAULT_TAG="fault-$$-$RANDOM$RANDOM"
	cleanup_hooks+=(kill_leftovers)
	start_listener
	NET=(--connect "127.0.0.1:$PORT")
}

# start_listener: fault_prog serve on 127.0.0.1, untagged; sets PORT.
start_listener() {
	local i
	env -u FAULT_TAG "$P" serve "$T/.io/port" </dev/null &
	LISTENER=$!
	cleanup_hooks+=("kill $LISTENER 2>/dev/null")
	for ((i = 0; i < 250; i++)); do
		[ -s "$T/.io/port" ] && break
		sleep 0.02
	done
	PORT=$(cat "$T/.io/port" 2>/dev/null)
	[ -n "$PORT" ] || { echo "the listener did not start"; exit 1; }
}

# within SECONDS COMMAND...: whether COMMAND succeeds within SECONDS,
# tried every 20 ms.
within() {
	local n=$(($1 * 50))
	shift
	until "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.02
	done
}

# gone PID: no such process, or a zombie (dead, not yet reaped).
gone() {
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 0
	stat=${stat##*) }
	case ${stat%% *} in Z | X) return 0 ;; esac
	return 1
}

# What the run left: tagged processes, and zombies whose parent is
# tagged, other than this shell and the subshells asking; "PID STATE
# NAME" each.
leftovers() {
	env -u FAULT_TAG /usr/bin/python3 -c '
import os, sys
tag = ("FAULT_TAG=" + sys.argv[1]).encode()
procs = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        stat = open("/proc/%s/stat" % pid).read()
        env = open("/proc/%s/environ" % pid, "rb").read().split(b"\0")
    except OSError:
        continue
    name, rest = stat.split(" (", 1)[1].rsplit(") ", 1)
    state, ppid = rest.split()[:2]
    procs[pid] = (state, ppid, name, tag in env)
asking, pid = set(), str(os.getpid())
while pid in procs:
    asking.add(pid)
    pid = procs[pid][1]
tagged = {p for p, v in procs.items() if v[3]}
for pid, (state, ppid, name, t) in sorted(procs.items(), key=lambda i: int(i[0])):
    if pid not in asking and (t or (state == "Z" and ppid in tagged)):
        print(pid, state, name)
' "$FAULT_TAG"
}

# stop PID: kill a child of this shell and reap it.
stop() {
	kill -KILL "$1"
	wait "$1" 2>/dev/null
}

kill_leftovers() {
	local pid rest
	while read -r pid rest; do
		kill -KILL "$pid" 2>/dev/null
	done < <(leftovers)
}

# Whether nothing is left; what is, is listed and killed, so that the
# next case is judged on its own.
no_leftovers() {
	local l
	l=$(leftovers)
	[ -z "$l" ] && return 0
	printf '%s\n' "$l" | sed 's/^/    left: /'
	kill_leftovers
	return 1
}

bad=()
begin() { # NAME WHAT
	ncases=$((ncases + 1))
	last_case=$1
	bad=()
	echo "check: $1: $2"
	: >"$OUT"
	: >"$ERR"
}

check() { # WHAT COMMAND...: WHAT must hold
	local what=$1
	shift
	"$@" || bad+=("$what: does not hold")
}

verdict() {
	if [ ${#bad[@]} -gt 0 ]; then
		fail_case "$last_case" "${bad[@]}"
		show stdout "$OUT"
		show stderr "$ERR"
	else
		echo "ok: $last_case"
	fi
}

# A t case's description, printed before it.
says() { echo "check: $*"; }
