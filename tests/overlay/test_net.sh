#!/bin/bash
# SPDX-License-Identifier: MIT
# The overlay's network calls, live: test_net_probe (built with ocap-cc,
# so ocapsh runs it in native mode through the ELF note) against real
# listeners on 127.0.0.1 and ::1 that test_net_peer starts here, outside
# the sandbox.
#
#	test_net.sh OCAPSH PROBE PLAIN_PROBE PEER CASE [TCP_SERVER TCP_CLIENT]
#
# PLAIN_PROBE is the same source built with plain musl-gcc, for the
# "outside" case: both binaries, run without a sandbox, must print the
# same lines; the "examples" case runs examples/tcp-server.c and
# tcp-client.c, each with its one grant.  Exit 0 pass, 1 fail, 77 skip
# (with the reason).
set -u

OCAPSH=$1 PROBE=$2 PLAIN=$3 PEER=$4 CASE=$5 SERVER=${6-} CLIENT=${7-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/test_net.XXXXXX")
PIDS=()
FAILS=0

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

skip() {
	echo "SKIP: $*"
	exit 77
}

# start_peer NAME ARGS...: a peer in the background; its first line of
# output (the port or path) in $REPLY.
start_peer() {
	local name=$1 out="$TMP/$1.out" i
	shift
	"$PEER" "$@" >"$out" 2>"$TMP/$name.err" &
	PIDS+=($!)
	for i in $(seq 100); do
		[ -s "$out" ] && break
		if ! kill -0 "${PIDS[-1]}" 2>/dev/null; then
			wait "${PIDS[-1]}"
			local rc=$?
			[ $rc = 77 ] && skip "$(cat "$TMP/$name.err")"
			echo "FAIL: peer $*: $(cat "$TMP/$name.err")"
			exit 1
		fi
		sleep 0.05
	done
	REPLY=$(head -n1 "$out")
}

# expect WANT CMD...: CMD's first line of standard output is WANT.
expect() {
	local want=$1 got
	shift
	got=$("$@" 2>"$TMP/stderr" | head -n1)
	if [ "$got" = "$want" ]; then
		echo "ok:   $* -> $got"
	else
		echo "FAIL: $*"
		echo "      want: $want"
		echo "      got:  $got"
		sed 's/^/      stderr: /' "$TMP/stderr"
		FAILS=$((FAILS + 1))
	fi
}

# expect_match REGEX CMD...: the same with a regular expression.
expect_match() {
	local re=$1 got
	shift
	got=$("$@" 2>"$TMP/stderr" | head -n1)
	if [[ $got =~ $re ]]; then
		echo "ok:   $* -> $got"
	else
		echo "FAIL: $*"
		echo "      want: /$re/"
		echo "      got:  $got"
		sed 's/^/      stderr: /' "$TMP/stderr"
		FAILS=$((FAILS + 1))
	fi
}

# expect_err REGEX CMD...: CMD fails with status 1 and its standard error
# matches REGEX.
expect_err() {
	local re=$1 rc
	shift
	"$@" >/dev/null 2>"$TMP/stderr"
	rc=$?
	if [ $rc = 1 ] && grep -Eq -- "$re" "$TMP/stderr"; then
		echo "ok:   $* -> exit 1, $(head -n1 "$TMP/stderr")"
	else
		echo "FAIL: $*"
		echo "      want: exit 1 and /$re/"
		echo "      got:  exit $rc"
		sed 's/^/      stderr: /' "$TMP/stderr"
		FAILS=$((FAILS + 1))
	fi
}

sandbox() { "$OCAPSH" "$@"; }

native_check() {
	local mode
	mode=$("$OCAPSH" --explain -- "$PROBE" | sed -n 's/^mode: *//p')
	case $mode in
	native*) ;;
	*) echo "FAIL: $PROBE runs in mode '$mode', not native: no ocap note?"
	   exit 1 ;;
	esac
}

echo4() { start_peer echo4 echo 127.0.0.1; P=$REPLY; }

case $CASE in
connect)
	native_check
	echo4
	# Data flows on the program's own socket; it stays blocking.
	expect "connected blocking echo=ping" \
		sandbox --connect "127.0.0.1:$P" -- \
		"$PROBE" connect 127.0.0.1 "$P"
	expect "connected blocking echo=ping" \
		sandbox --connect "*:$P" -- "$PROBE" connect 127.0.0.1 "$P"
	;;
connect-denied)
	native_check
	echo4
	expect "connect: EACCES" sandbox -- "$PROBE" connect 127.0.0.1 "$P"
	expect "connect: EACCES" \
		sandbox --connect "127.0.0.2:$P" -- \
		"$PROBE" connect 127.0.0.1 "$P"
	expect "connect: EACCES" \
		sandbox --connect "127.0.0.1:$((P == 65535 ? 1 : P + 1))" -- \
		"$PROBE" connect 127.0.0.1 "$P"
	expect "connect: EACCES" \
		sandbox --listen "127.0.0.1:$P" -- \
		"$PROBE" connect 127.0.0.1 "$P"
	# Without the overlay the kernel refuses connect(2) outright.
	expect "connect: EPERM" \
		sandbox --mode native --connect "127.0.0.1:$P" -- \
		"$PLAIN" connect 127.0.0.1 "$P"
	;;
nbconnect)
	native_check
	echo4
	# -1/EINPROGRESS (or at once), then writable, SO_ERROR 0, and the
	# socket still non-blocking.
	expect "connected nonblock echo=ping" \
		sandbox --connect "127.0.0.1:$P" -- \
		"$PROBE" nbconnect 127.0.0.1 "$P"
	expect "connect: EACCES" \
		sandbox -- "$PROBE" nbconnect 127.0.0.1 "$P"
	# A refused connection is reported the way connect(2) reports it.
	start_peer free freeport 127.0.0.1
	expect "connect: ECONNREFUSED" \
		sandbox --connect "127.0.0.1:$REPLY" -- \
		"$PROBE" connect 127.0.0.1 "$REPLY"
	expect_match "^(connect|SO_ERROR): ECONNREFUSED$" \
		sandbox --connect "127.0.0.1:$REPLY" -- \
		"$PROBE" nbconnect 127.0.0.1 "$REPLY"
	;;
ipv6)
	native_check
	start_peer echo6 echo ::1
	P=$REPLY
	expect "connected blocking echo=ping" \
		sandbox --connect "[::1]:$P" -- "$PROBE" connect ::1 "$P"
	expect "connected nonblock echo=ping" \
		sandbox --connect "[::1]:$P" -- "$PROBE" nbconnect ::1 "$P"
	expect "connect: EACCES" \
		sandbox --connect "127.0.0.1:$P" -- "$PROBE" connect ::1 "$P"
	;;
listen)
	native_check
	start_peer free freeport 127.0.0.1
	P=$REPLY
	sandbox --listen "127.0.0.1:$P" -- "$PROBE" serve 127.0.0.1 "$P" \
		>"$TMP/serve.out" 2>"$TMP/serve.err" &
	SERVER=$!
	PIDS+=($SERVER)
	for i in $(seq 100); do
		grep -q . "$TMP/serve.out" && break
		sleep 0.05
	done
	expect "listening" head -n1 "$TMP/serve.out"
	expect "hello" "$PEER" client 127.0.0.1 "$P"
	wait "$SERVER"
	expect "served echo=hello" sed -n 2p "$TMP/serve.out"
	;;
bind-denied)
	native_check
	start_peer free freeport 127.0.0.1
	P=$REPLY
	Q=$((P == 65535 ? 1 : P + 1))
	expect "bound" sandbox --listen "127.0.0.1:$P" -- \
		"$PROBE" bind 127.0.0.1 "$P"
	expect "bind: EACCES" sandbox --listen "127.0.0.1:$P" -- \
		"$PROBE" bind 127.0.0.1 "$Q"
	expect "bind: EACCES" sandbox --connect "127.0.0.1:$Q" -- \
		"$PROBE" bind 127.0.0.1 "$Q"
	# listen() on an unbound socket would pick a port of its own.
	expect "listen: EACCES" sandbox --listen "127.0.0.1:$P" -- \
		"$PROBE" listen-unbound
	;;
resolve)
	native_check
	echo4
	G=(--connect "localhost:$P")
	# localhost's addresses, 127.0.0.1 among them (::1 too, on some hosts).
	LH="^getaddrinfo:( inet6? [0-9a-f:.]+ $P)* inet 127\.0\.0\.1 $P"
	expect_match "$LH" \
		sandbox "${G[@]}" -- "$PROBE" gai localhost "$P"
	expect "connected echo=ping" \
		sandbox "${G[@]}" -- "$PROBE" gai-connect localhost "$P"
	expect_match "^getaddrinfo:.* inet6 ::ffff:127\.0\.0\.1 $P" \
		sandbox "${G[@]}" -- "$PROBE" gai localhost "$P" v4mapped
	# AI_ADDRCONFIG: a family counts when a TCP socket of it can be made.
	expect_match "$LH" \
		sandbox "${G[@]}" -- "$PROBE" gai localhost "$P" addrconfig
	expect_match "^gethostbyname: localhost( [0-9.]+)* 127\.0\.0\.1" \
		sandbox "${G[@]}" -- "$PROBE" ghbn localhost
	# A name with no grant: EAI_NONAME, as musl says for a name that
	# does not exist; gethostbyname: HOST_NOT_FOUND.
	expect "getaddrinfo: EAI_NONAME" \
		sandbox "${G[@]}" -- "$PROBE" gai ocap-no-grant.example "$P"
	expect "gethostbyname: h_errno HOST_NOT_FOUND" \
		sandbox "${G[@]}" -- "$PROBE" ghbn ocap-no-grant.example
	expect "getaddrinfo: EAI_NONAME" \
		sandbox -- "$PROBE" gai localhost "$P"
	# Numeric hosts need no broker and no grant.
	expect "getaddrinfo: inet 127.0.0.1 $P" \
		sandbox -- "$PROBE" gai 127.0.0.1 "$P"
	expect "getaddrinfo: inet6 ::ffff:127.0.0.1 80" \
		sandbox -- "$PROBE" gai 127.0.0.1 80 v4mapped
	expect "getaddrinfo: EAI_NONAME" \
		sandbox "${G[@]}" -- "$PROBE" gai localhost "$P" numeric
	expect "gethostbyname: 127.0.0.1 127.0.0.1" \
		sandbox -- "$PROBE" ghbn 127.0.0.1
	# A service name needs /etc/services: without a grant for it only
	# numeric ports resolve.
	expect "getaddrinfo: EAI_SERVICE" \
		sandbox -- "$PROBE" gai 127.0.0.1 http
	# The file granted alone: the broker opens it (OPEN).
	if [ -r /etc/services ]; then
		expect "getaddrinfo: inet 127.0.0.1 80" \
			sandbox --ro /etc/services -- "$PROBE" gai 127.0.0.1 http
		expect "getnameinfo: localhost http" \
			sandbox --ro /etc/services "${G[@]}" -- "$PROBE" gni \
			127.0.0.1 80
	else
		echo "note: no /etc/services here; service names not tested"
	fi
	# Reverse: a granted name that resolves to the address, else numeric.
	expect "getnameinfo: localhost 80" \
		sandbox "${G[@]}" -- "$PROBE" gni 127.0.0.1 80
	expect "getnameinfo: 127.0.0.1 80" \
		sandbox -- "$PROBE" gni 127.0.0.1 80
	expect "getnameinfo: EAI_NONAME" \
		sandbox -- "$PROBE" gni 127.0.0.1 80 namereqd
	;;
unix)
	native_check
	start_peer unix unix "$TMP/echo.sock"
	S=$REPLY
	expect "connected unix echo=ping" \
		sandbox --connect "unix:$S" -- "$PROBE" unix "$S"
	expect "connected unix echo=ping" \
		sandbox --connect "unix:$S" -- "$PROBE" unix "$TMP//./echo.sock"
	expect "connect: EACCES" sandbox -- "$PROBE" unix "$S"
	# A relative path is relative to the program's working directory,
	# which starts where ocapsh was started when that is granted.
	cd "$TMP" || exit 1
	expect "connected unix echo=ping" \
		sandbox --ro "$TMP" --connect "unix:$S" -- \
		"$PROBE" unix echo.sock
	expect "connect: EACCES" \
		sandbox --ro "$TMP" --connect "unix:$S" -- \
		"$PROBE" unix other.sock
	cd / || exit 1
	;;
examples)
	native_check
	start_peer free freeport 127.0.0.1
	P=$REPLY
	[ "$P" -lt 65535 ] || P=$((P - 1))
	sandbox --listen "127.0.0.1:$P" -- "$SERVER" -1 127.0.0.1 "$P" \
		2>"$TMP/server.err" &
	SERVER_PID=$!
	PIDS+=($SERVER_PID)
	for i in $(seq 100); do
		grep -q listening "$TMP/server.err" && break
		sleep 0.05
	done
	echo "hello server" >"$TMP/in"
	expect "hello server" \
		sandbox --connect "localhost:$P" -- "$CLIENT" localhost "$P" \
		<"$TMP/in"
	wait "$SERVER_PID"
	expect "0" echo $?
	# One grant each, nothing more.
	expect_err "127\.0\.0\.2:$P: Permission denied" \
		sandbox --connect "localhost:$P" -- "$CLIENT" 127.0.0.2 "$P" \
		<"$TMP/in"
	expect_err "127\.0\.0\.1:$((P + 1)): Permission denied" \
		sandbox --listen "127.0.0.1:$P" -- \
		"$SERVER" -1 127.0.0.1 "$((P + 1))"
	;;
outside)
	# No sandbox: the ocap-cc binary behaves as the plain musl one.
	echo4
	start_peer free freeport 127.0.0.1
	F=$REPLY
	while read -r args; do
		want=$("$PLAIN" $args 2>/dev/null | head -n1)
		expect "$want" "$PROBE" $args
	done <<-CASES
	connect 127.0.0.1 $P
	nbconnect 127.0.0.1 $P
	connect 127.0.0.1 $F
	bind 127.0.0.1 $F
	listen-unbound
	gai localhost $P
	gai-connect localhost $P
	gai 127.0.0.1 $P
	gai - $P passive
	gai - $P
	gai 127.0.0.1 80 v4mapped
	gai localhost $P addrconfig
	gai localhost $P numeric
	gai 127.0.0.1 http
	ghbn localhost
	ghbn2 localhost inet6
	gni 127.0.0.1 80
	gni 127.0.0.1 80 numeric
	gni 192.0.2.1 80 numeric
	CASES
	;;
*)
	echo "test_net.sh: unknown case $CASE" >&2
	exit 2
	;;
esac

[ "$FAILS" = 0 ] || { echo "$FAILS failed"; exit 1; }
exit 0
