#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh OCAPSH LISTENER PROBE EUID [STATIC_PROBE]
#
# The escape suite under the real ocapsh.  Every technique escape-probe
# --list names runs in each mode (compat: PROBE, glibc, dynamic; native:
# STATIC_PROBE, musl -static, --mode native; entered: PROBE without
# ocapsh, confined by ocap_enter(3) to the same grants, or STATIC_PROBE,
# "entered-static", where PROBE cannot enter) and as each user (root and
# 65534 when run as root), with one grant: --rw GRANTED.  Outside it sit
# a canary file and directory holding a secret, canary listeners (TCP on
# 127.0.0.1 and ::1, UDP, pathname and abstract Unix sockets) and a
# process canary (escape-probe --hold, run as the user under test, which
# blocks every signal).  Techniques flagged "ro-grant" also get --ro
# RODIR, whose file must not change either; "unix-grant" ones --connect
# unix: for GRANTED/sock and GRANTED/sub/sock, sockets the program itself
# may replace; "suid-grant" ones --rx SUID, holding a set-user-ID-root
# copy of EUID; "tcp-grant" ones --connect *:GPORT, the port next to the
# canary's; "listen-grant" ones --listen on a privileged port;
# "notrunc-grant" ones RODIR with write but not truncate, where RODIR/big
# (8 KiB) must keep its size; "notrunc-file" ones RODIR/big alone so;
# "peer-grant" ones --connect unix: to a server that reports the
# capabilities of the peer it sees.
# After every run the secret must not appear in the output, the canary
# files must be as they were, the grant must hold no copy, the listeners
# must have heard nothing, the process canary must be alive with no
# signal pending, and ocapsh must have passed the probe's own status
# through.  The entered mode skips, saying why, the techniques flagged
# "broker", "supervisor" or "own-fds" (techniques.def): ocapsh's alone;
# as 65534 those flagged "bpf" too, for time.
# First a self-check runs a few techniques without ocapsh, where they
# must escape and be caught.
#
# Prints "PASS|FAIL|SKIP name (mode, user)[: detail]" per run, then
# "N passed, N failed, N skipped".  Exits 1 on any FAIL, 77 when all
# were skipped.  ESCAPE_ONLY=ERE runs the matching techniques only;
# ESCAPE_MODES="compat native entered" (the default; entered-static too)
# the modes; ESCAPE_USERS=root runs the techniques as root alone;
# ESCAPE_VERBOSE=1 adds the probe's line to PASS too.
# Needs bash, coreutils, findutils; setpriv (util-linux) for the 65534
# runs, script (util-linux) for the tty techniques (SKIP without).
set -u

if [ $# -lt 4 ] || [ $# -gt 5 ]; then
	echo "usage: run.sh OCAPSH LISTENER PROBE EUID [STATIC_PROBE]" >&2
	exit 2
fi
ocapsh=$1 listener=$2 probe=$3 euid=$4 static=${5:-}
only=${ESCAPE_ONLY:-}
verbose=${ESCAPE_VERBOSE:-0}
modes=${ESCAPE_MODES:-compat native entered}
limit=10 # seconds per run: a hang is a FAIL either way
npass=0 nfail=0 nskip=0

for f in "$ocapsh" "$listener" "$probe" "$euid"; do
	[ -x "$f" ] || { echo "escape: $f: not built" >&2; exit 2; }
done
# Runs start in the canary directory: absolute paths only.
ocapsh=$(realpath "$ocapsh") listener=$(realpath "$listener")
probe=$(realpath "$probe")
[ -n "$static" ] && static=$(realpath "$static")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ocap-escape.XXXXXX") || exit 2
lpid= spid= ppid_= huser=
cleanup() {
	[ -n "$lpid" ] && kill "$lpid" 2>/dev/null
	[ -n "$spid" ] && kill -KILL "$spid" 2>/dev/null
	[ -n "$ppid_" ] && kill "$ppid_" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM
chmod 755 "$tmp"

# The layout escape-probe assumes: granted and cdir are siblings.
granted=$tmp/granted cdir=$tmp/outside csub=$tmp/outside/subdir
canary=$cdir/secret ctl=$tmp/ctl/ctl out=$tmp/run/out
rodir=$tmp/rodir # granted read-only to "ro-grant" techniques
suid=$tmp/suid   # granted --rx to "suid-grant" techniques
mkdir -p "$tmp/bin" "$tmp/ctl" "$tmp/run" "$cdir" "$csub" "$granted" "$rodir" "$suid"
# "learn" techniques: ocapsh --learn, its file in a folder every user may
# write, and HOME a home whose .ssh is a link to the canary's folder.
mkdir -m 1777 "$tmp/learn"
mkdir -m 0755 "$tmp/lhome"
ln -s "$cdir" "$tmp/lhome/.ssh"
chmod 755 "$tmp/bin" "$tmp/run" "$cdir" "$csub" "$suid"
chmod 700 "$tmp/ctl"
secret="OCAP-CANARY-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

# Copies 65534 can run, whatever the build directory's permissions.
cp "$probe" "$tmp/bin/escape-probe"
[ -n "$static" ] && [ -x "$static" ] && cp "$static" "$tmp/bin/escape-probe-static"
chmod 755 "$tmp"/bin/*
# Set-user-ID root when run as root (nnp-setuid-exec skips otherwise).
# It only prints its euid, so it is harmless to leave reachable.
cp "$euid" "$suid/escape-euid" && chmod 4755 "$suid/escape-euid"

"$listener" "$cdir" "$ctl" >"$tmp/listener.info" &
lpid=$!
for _ in $(seq 100); do
	grep -q '^port=' "$tmp/listener.info" 2>/dev/null && break
	sleep 0.05
done
read -r l_port l_uport l_abs l_adgram l_v6 <"$tmp/listener.info" || {
	echo "escape: the canary listener did not start" >&2
	exit 2
}
port=${l_port#port=} uport=${l_uport#uport=}
abstract=${l_abs#abstract=} adgram=${l_adgram#adgram=} v6port=${l_v6#v6port=}
# "tcp-grant": the port next to the canary's.  "listen-grant": one the
# kernel keeps for CAP_NET_BIND_SERVICE, if any.
gport=$((port < 65535 ? port + 1 : port - 1))
lport=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null) || lport=1024
lport=$((lport > 1 ? lport - 1 : 0))

# "peer-grant": a server that reports the capabilities of its peer.
peer=$tmp/peer/sock
mkdir -p "$tmp/peer" && chmod 755 "$tmp/peer"
"$tmp/bin/escape-probe" --peer "$peer" >"$tmp/peer.info" 2>&1 &
ppid_=$!
for _ in $(seq 100); do
	[ -s "$tmp/peer.info" ] && break
	sleep 0.05
done
grep -q '^ready' "$tmp/peer.info" || {
	echo "escape: the peer server did not start: $(cat "$tmp/peer.info")" >&2
	exit 2
}

sync_hits() { "$listener" --sync "$ctl"; }

# The process canary, as user $1 (root or nobody), in spid; a new one
# each time, since pending signals cannot be taken back from outside.
start_hold() {
	local as=() _
	[ -n "$spid" ] && kill -KILL "$spid" 2>/dev/null
	[ "$1" = nobody ] &&
		as=(setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all)
	: >"$tmp/hold"
	"${as[@]}" "$tmp/bin/escape-probe" --hold </dev/null >"$tmp/hold" 2>&1 &
	spid=$! huser=$1
	disown "$spid" # killed on purpose: no "Killed" notice
	for _ in $(seq 100); do
		[ -s "$tmp/hold" ] && return 0
		sleep 0.05
	done
	echo "escape: the process canary did not start: $(cat "$tmp/hold")" >&2
	exit 2
}

# Sets sigwhy to what reached the process canary (empty when nothing
# did), and starts a new one if anything did.
check_hold() {
	local k v state= pnd= shd=
	while read -r k v; do
		case $k in
		State:) state=$v ;;
		SigPnd:) pnd=$v ;;
		ShdPnd:) shd=$v ;;
		esac
	done 2>/dev/null <"/proc/$spid/status"
	case $state in
	"" | Z*) sigwhy="the process canary was killed" ;;
	T* | t*) sigwhy="the process canary was stopped" ;;
	*) sigwhy= ;;
	esac
	[ -z "$sigwhy" ] && [[ $pnd$shd == *[1-9a-f]* ]] &&
		sigwhy="the process canary got a signal (SigPnd $pnd, ShdPnd $shd)"
	[ -z "$sigwhy" ] || start_hold "$huser"
}

# The canary files, owned by the user under test so that only the
# sandbox (not file permissions) stands between the probe and them.
self=$(id -u):$(id -g)
owner=$self
reset_canary() {
	find "$cdir" -mindepth 1 ! -name sock ! -name dgram ! -path "$csub" \
		-exec rm -rf {} + 2>/dev/null
	mkdir -p "$csub"
	printf '%s\n' "$secret" >"$canary"
	printf '%s\n' "$secret" >"$csub/inner"
	chmod 644 "$canary" "$csub/inner"
	chmod 755 "$cdir" "$csub"
	chown -R "$owner" "$cdir"
	rm -rf "$rodir"
	mkdir "$rodir"
	printf 'read-only\n' >"$rodir/rofile"
	printf '%8192s' '' >"$rodir/big"
	chmod 644 "$rodir/rofile" "$rodir/big"
	chmod 755 "$rodir"
	chown -R "$owner" "$rodir"
	handle=$("$tmp/bin/escape-probe" --handle "$canary" 2>/dev/null) || handle=
	baseline=$(snapshot)
}
# In find's order, which is the same for an unchanged tree.
snapshot() {
	(cd "$tmp" && exec find outside rodir -printf '%p %y %i %m %s %n %U %G %T@\n')
}
# Whether both files hold what reset_canary wrote (bash only: this runs
# after every technique).
content_ok() {
	local a= b=
	IFS= read -r -d '' a 2>/dev/null <"$canary"
	IFS= read -r -d '' b 2>/dev/null <"$rodir/rofile"
	[ "$a" = "$secret"$'\n' ] && [ "$b" = $'read-only\n' ]
}

# Sets changed to what changed (empty when nothing did) and restores
# the canary for the next run.
check_canary() {
	local now
	now=$(snapshot)
	changed=
	if [ "$now" != "$baseline" ] || ! content_ok; then
		changed="canary files changed (path type inode mode size links uid gid mtime): $(diff \
			<(sort <<<"$baseline") <(sort <<<"$now") | grep '^[<>]' | tr '\n' ' ')"
		content_ok || changed+="content changed "
		reset_canary
	fi
}

# run_cmd FLAGS USER CMD...: run CMD as USER from the canary directory,
# holding the canary on 7 and its directory on 8 (which ocapsh must not
# pass on); stdin /dev/null, the canary ("stdin-canary") or a pty
# ("tty", through script(1)).  Output in $out; returns the status.
run_cmd() {
	local flags=,$1, user=$2 in=/dev/null
	shift 2
	local as=()
	[ "$user" = nobody ] &&
		as=(setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all)
	[[ $flags == *,stdin-canary,* ]] && in=$canary
	if [[ $flags == *,tty,* ]] && command -v script >/dev/null; then
		local line
		line=$(printf '%q ' "${as[@]}" "$@")
		(cd "$cdir" && SHELL=/bin/bash exec timeout -k 5 "$limit" \
			script -qefc "$line" /dev/null) </dev/null >"$out" 2>&1 7<"$canary" 8<"$cdir"
	else
		(cd "$cdir" && exec timeout -k 5 "$limit" "${as[@]}" "$@") \
			<"$in" >"$out" 2>&1 7<"$canary" 8<"$cdir"
	fi
}

result() { # verdict name mode user detail
	local v=$1 name=$2 mode=$3 user=$4 detail=${5//"$secret"/<canary secret>}
	case $v in
	PASS) npass=$((npass + 1)) ;;
	FAIL) nfail=$((nfail + 1)) ;;
	SKIP) nskip=$((nskip + 1)) ;;
	esac
	if [ "$v" = PASS ] && [ "$verbose" != 1 ]; then
		echo "PASS $name ($mode, $user)"
	else
		echo "$v $name ($mode, $user)${detail:+: $detail}"
	fi
}

# What every technique is told (probe.h), for mode $1.
probe_args() {
	pargs=(mode="$1" granted="$granted" canary="$canary" cdir="$cdir"
	       csub="$csub" unix="$cdir/sock" dgram="$cdir/dgram"
	       abstract="$abstract" adgram="$adgram" port="$port"
	       uport="$uport" handle="$handle" rodir="$rodir" suid="$suid"
	       pid="$spid" gport="$gport" lport="$lport" v6port="$v6port"
	       peer="$peer")
}

# The probe's verdict line in $out (the last), in line.
verdict() {
	local l
	line=
	while IFS= read -r l; do
		l=${l%$'\r'}
		case $l in
		blocked:\ * | ESCAPED:\ * | setup:\ * | unexpected:\ * | missing:\ *)
			line=$l ;;
		esac
	done <"$out"
}

# run_one NAME FLAGS MODE USER BINARY
run_one() {
	local name=$1 flags=,$2, mode=$3 user=$4 bin=$5 st line v detail why=()
	local grants=(--rw "$granted") pargs pre=()
	[[ $flags == *,ro-grant,* ]] && grants+=(--ro "$rodir")
	[[ $flags == *,notrunc-grant,* ]] &&
		grants+=(--grant "$rodir=read,write,list")
	[[ $flags == *,notrunc-file,* ]] &&
		grants+=(--grant "$rodir/big=read,write")
	[[ $flags == *,suid-grant,* ]] && grants+=(--rx "$suid")
	[[ $flags == *,tcp-grant,* ]] && grants+=(--connect "*:$gport")
	[[ $flags == *,peer-grant,* ]] && grants+=(--connect "unix:$peer")
	if [[ $flags == *,listen-grant,* ]] && [ "$lport" != 0 ]; then
		# Compat mode cannot limit the address: --best-effort.
		grants+=(--listen "127.0.0.1:$lport")
		[ "$mode" = compat ] && grants+=(--best-effort)
	fi
	if [[ $flags == *,learn,* ]]; then
		grants+=(--learn "$tmp/learn/$name-$mode-$user.grants")
		pre=(env HOME="$tmp/lhome")
	fi
	rm -rf "$granted"
	mkdir -m 755 "$granted"
	[ "$owner" = "$self" ] || chown "$owner" "$granted"
	if [[ $flags == *,unix-grant,* ]]; then
		# Granted sockets inside the writable grant; compat mode
		# cannot limit Unix sockets, so it needs --best-effort.
		mkdir "$granted/sub"
		[ "$owner" = "$self" ] || chown "$owner" "$granted/sub"
		grants+=(--connect "unix:$granted/sock"
			 --connect "unix:$granted/sub/sock")
		[ "$mode" = compat ] && grants+=(--best-effort)
	fi
	probe_args "${mode%-static}"
	if [[ $mode == entered* ]]; then
		run_cmd "$flags" "$user" "$bin" --enter "${grants[@]}" -- \
			"$name" "${pargs[@]}"
	else
		run_cmd "$flags" "$user" "${pre[@]}" "$ocapsh" --mode "$mode" \
			"${grants[@]}" -- "$bin" "$name" "${pargs[@]}"
	fi
	st=$?
	verdict
	case $st in
	0) v=PASS detail=$line ;;
	1) v=FAIL detail=$line ;;
	2) v=FAIL detail="probe setup failed: $line" ;;
	3) v=FAIL detail="not refused where expected: $line" ;;
	77) v=SKIP detail=${line#missing: } ;;
	124) v=FAIL detail="timed out after $limit s (hung: probe or broker)" ;;
	125 | 126 | 127)
		v=FAIL detail="${mode/entered*/the probe} exited $st: $(grep -v '^$' "$out" | head -n 2 | tr '\n' ' ')" ;;
	*)
		if [ "$st" -gt 128 ]; then
			v=FAIL detail="ocapsh exited $st (signal $((st - 128))): the probe or the broker was killed; probe said: ${line:-nothing}"
		else
			v=FAIL detail="exit status $st: $(tail -n 2 "$out" | tr '\n' ' ')"
		fi ;;
	esac
	# The checks outside the probe overrule it.
	grep -qF "$secret" "$out" && why+=("the canary's secret is in the output")
	grep -rqF "$secret" "$granted" 2>/dev/null && why+=("the canary's content is in the grant")
	local hits
	check_canary
	[ -n "$changed" ] && why+=("$changed")
	hits=$(sync_hits)
	[ -n "$hits" ] && why+=("the canary listeners heard: ${hits//$'\n'/;}")
	check_hold
	[ -n "$sigwhy" ] && why+=("$sigwhy")
	if [ ${#why[@]} -gt 0 ]; then
		local w
		detail=
		for w in "${why[@]}"; do detail+="$w; "; done
		detail+="probe (exit $st): ${line:-nothing}"
		v=FAIL
	fi
	result "$v" "$name" "$mode" "$user" "$detail"
}

# The harness must see an escape when there is one: run a few techniques
# without ocapsh, where they must succeed and be caught (sigio-owner
# cannot tell it escaped: only the driver sees the signal).
self_check() {
	local name user want caught st pargs
	for name in dotdot-read fd-leak tcp-connect unix-connect tcp6-connect \
		kill-outside sigio-owner nnp-setuid-exec; do
		user=root want=1
		case $name in
		tcp6-connect) [ "$v6port" != 0 ] || continue ;;
		sigio-owner) want=0 ;;
		nnp-setuid-exec) # as 65534, who gains root's euid
			[ "$self" = 0:0 ] && [ -z "$nobody_ok" ] || continue
			user=nobody ;;
		esac
		probe_args compat
		run_cmd - "$user" "$tmp/bin/escape-probe" "$name" "${pargs[@]}"
		st=$? caught=
		case $name in
		dotdot-read | fd-leak) # fd-leak reads the canary the driver holds on 7
			grep -qF "$secret" "$out" || caught="secret not seen" ;;
		kill-outside | sigio-owner)
			check_hold
			[ -n "$sigwhy" ] || caught="the process canary got nothing" ;;
		nnp-setuid-exec)
			grep -q '^ESCAPED: .*euid=0 ' "$out" || caught="euid 0 not seen" ;;
		*) [ -n "$(sync_hits)" ] || caught="listener heard nothing" ;;
		esac
		if [ "$st" != "$want" ] || [ -n "$caught" ]; then
			result FAIL "harness-self-check/$name" unsandboxed "$user" \
				"exit $st, ${caught:-caught}: the harness would miss this escape"
		else
			echo "# self-check: $name escapes without ocapsh and is caught"
		fi
	done
	reset_canary
}

# Why the entered mode skips a technique with these flags (see
# techniques.def), or nothing.
entered_skip() {
	case ,$1, in
	*,broker,*)
		echo "attacks ocapsh's broker: an entered process has none (a network helper only with network grants, which this technique is not given)" ;;
	*,supervisor,*)
		echo "attacks ocapsh's supervisor: an entered process has none (the plain native program refuses every metadata call)" ;;
	*,bpf,*)
		[ "$2" = nobody ] &&
			echo "refused by the native seccomp program alone, as in native mode, whatever the uid: entered, run as root only (time)" ;;
	*,own-fds,*)
		echo "the descriptors ocapsh closes: ocap_enter keeps every one the process holds, by design; the probe closes the driver's itself" ;;
	esac
}

techniques=$("$tmp/bin/escape-probe" --list) || exit 2
[ -n "$only" ] && techniques=$(grep -E "^($only)	" <<<"$techniques")

users=(root)
[ "$(id -u)" = 0 ] || users=("$(id -un)")
nobody_ok=
if [ "$(id -u)" = 0 ]; then
	[ "${ESCAPE_USERS:-root nobody}" = root ] || users+=(nobody)
	if ! command -v setpriv >/dev/null; then
		nobody_ok="setpriv not found"
	elif ! setpriv --reuid 65534 --regid 65534 --clear-groups \
		--inh-caps=-all "$ocapsh" --version >/dev/null 2>&1; then
		nobody_ok="uid 65534 cannot run $ocapsh (build directory permissions?)"
	fi
fi

reset_canary
start_hold root
self_check
echo "# ocapsh $("$ocapsh" --version 2>&1 | tail -n 1); canary port $port, udp $uport; kernel $(uname -r)"

for user in "${users[@]}"; do
	case $user in
	nobody) owner=65534:65534 ;;
	*) owner=$self ;;
	esac
	reset_canary
	[ "$user" = "$huser" ] || start_hold "$user"
	for mode in $modes; do
		bin=$tmp/bin/escape-probe skip= start=$SECONDS
		if [ "$mode" = native ] || [ "$mode" = entered-static ]; then
			bin=$tmp/bin/escape-probe-static
			[ -x "$bin" ] || skip="no static probe (musl-gcc not found)"
		fi
		# A sanitizer build's glibc probe cannot enter: the static
		# one can.
		if [ "$mode" = entered ] && ! "$bin" --can-enter >/dev/null &&
			[ -x "$tmp/bin/escape-probe-static" ]; then
			mode=entered-static bin=$tmp/bin/escape-probe-static
		fi
		if [ -z "$skip" ] && [[ $mode == entered* ]]; then
			skip=$("$bin" --can-enter) && skip=
			skip=${skip#missing: }
		fi
		[ "$user" = nobody ] && [ -n "$nobody_ok" ] && skip=$nobody_ok
		while IFS=$'\t' read -r name flags _; do
			[ -n "$name" ] || continue
			why=$skip
			[[ $mode == entered* ]] && [ -z "$why" ] &&
				why=$(entered_skip "$flags" "$user")
			if [ -n "$why" ]; then
				result SKIP "$name" "$mode" "$user" "$why"
				continue
			fi
			run_one "$name" "$flags" "$mode" "$user" "$bin"
		done <<<"$techniques"
		echo "# $mode, $user: $((SECONDS - start)) s"
	done
done

echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -gt 0 ] && exit 1
[ "$npass" -eq 0 ] && exit 77
exit 0
