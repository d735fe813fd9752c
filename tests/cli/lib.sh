# SPDX-License-Identifier: MIT
# Helpers for the ocapsh integration tests (sourced by bash scripts).
#
# A case is one row:
#   t NAME STATUS [-o SPEC]... [-e SPEC]... : COMMAND [ARG]...
# COMMAND runs (behind $RUNAS, with stdin from /dev/null and a timeout);
# its exit status must be STATUS, and its stdout (-o) and stderr (-e) must
# meet every SPEC given.  A stream with no SPEC must be empty.  SPECs:
#   -       empty
#   *       anything
#   =TEXT   exactly TEXT (trailing newlines ignored)
#   ~TEXT   contains TEXT
#   !TEXT   does not contain TEXT
#   /ERE    matches the extended regular expression ERE
#   @TEXT   one line beginning with TEXT, or two when the second is a
#           "Hint: " line (ocapsh's one-line error)
#   %TEXT   the first line contains TEXT
# After every case the canary (when set) must be absent from both streams
# and its checksum unchanged.
# post DESC COMMAND... checks something on the host after the last case.

SKIP_CODE=77
RUNAS=()
CASE_TIMEOUT=10
CANARY_FILE= CANARY_TEXT= CANARY_SUM=
ncases=0 nfailed=0 nskipped=0 last_case= failed_names=' '
skipped_why=()

# Fixed, predictable environment for the programs under test.
export LC_ALL=C PATH=/usr/bin:/bin
unset OCAP_ROOT

setup_tmp() {
	T=$(mktemp -d /tmp/ocap-cli.XXXXXX) || exit 1
	chmod 0755 "$T"
	mkdir "$T/.io"
	OUT=$T/.io/out ERR=$T/.io/err
	trap cleanup EXIT
}

cleanup_hooks=()
cleanup() {
	local h
	for h in "${cleanup_hooks[@]}"; do
		eval "$h"
	done
	[ -n "${T:-}" ] && rm -rf "$T"
}

# The running kernel's Landlock ABI (0 when Landlock is off).
landlock_abi() {
	/usr/bin/python3 -c '
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
r = libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
print(r if r > 0 else 0)'
}

# What every ocapsh test needs: the binary, /usr/bin/python3 and Landlock.
# Sets ABI to the running kernel's Landlock ABI; skips (77) without it.
require_sandbox() {
	[ -x "$1" ] || { echo "no ocapsh at '$1'"; exit 1; }
	[ -x /usr/bin/python3 ] ||
		{ echo "SKIP: /usr/bin/python3 is needed"; exit $SKIP_CODE; }
	ABI=$(landlock_abi)
	[ "$ABI" -ge 1 ] 2>/dev/null ||
		{ echo "SKIP: Landlock is not enabled in this kernel"; exit $SKIP_CODE; }
}

# Run as uid 65534: ocapsh, the libraries of ours it links and the
# resolver shim it preloads (../lib/ocap beside it), copied where that
# user reads them.  Sets OCAPSH and RUNAS; skips without root or setpriv.
as_nobody_setup() {
	local shim full
	[ "$(id -u)" = 0 ] ||
		{ echo "SKIP: changing to uid 65534 needs root"; exit $SKIP_CODE; }
	command -v setpriv >/dev/null ||
		{ echo "SKIP: setpriv(1) is needed"; exit $SKIP_CODE; }
	mkdir -m 0755 "$T/ocap" "$T/ocap/bin" "$T/ocap/lib" "$T/ocap/lib/ocap"
	install -m 0755 "$OCAPSH" "$T/ocap/bin/ocapsh"
	shim=$(dirname "$OCAPSH")/../lib/ocap/libocap-resolve.so
	[ -f "$shim" ] && install -m 0644 "$shim" "$T/ocap/lib/ocap/"
	# the glibc ocapsh, which a musl one hands the shell to
	full=$(dirname "$OCAPSH")/../lib/ocap/ocapsh-full
	[ -f "$full" ] && install -m 0755 "$full" "$T/ocap/lib/ocap/"
	ldd "$OCAPSH" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' |
		grep -Ev '^/(usr/)?lib(64|32|x32)?/' |
		while read -r lib; do install -m 0644 "$lib" "$T/ocap/lib/"; done
	OCAPSH=$T/ocap/bin/ocapsh
	RUNAS=(setpriv --reuid 65534 --regid 65534 --clear-groups
	       env LD_LIBRARY_PATH="$T/ocap/lib")
}

# The start of a script run as SCRIPT OCAPSH [--as-nobody]: OCAPSH, AS
# (root or --as-nobody), the temporary directory T (the working directory
# now) and, as nobody, RUNAS.
cli_start() {
	local usage="usage: $1 OCAPSH [--as-nobody]"
	OCAPSH=${2:?$usage}
	AS=${3:-root}
	case $AS in
	root | --as-nobody) ;;
	*) echo "$usage"; exit 1 ;;
	esac
	require_sandbox "$OCAPSH"
	setup_tmp
	cd "$T" || exit 1
	if [ "$AS" = --as-nobody ]; then
		as_nobody_setup
	fi
}

# serve_py DIR SCRIPT [ARG]...: run the Python SCRIPT, with DIR and the
# ARGs as its arguments, in the background and outside any sandbox, as
# the script's user (not behind $RUNAS); it is killed at cleanup.  Waits
# (5 s at most) for it to create DIR/ready, which it does once it serves;
# fails (1) when it does not.  SERVER_PID is its pid.
serve_py() {
	local dir=$1 script=$2
	shift 2
	mkdir -p "$dir" || return 1
	/usr/bin/python3 -c "$script" "$dir" "$@" </dev/null &
	SERVER_PID=$!
	cleanup_hooks+=("kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null")
	for _ in $(seq 100); do
		[ -e "$dir/ready" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "FAIL: the test server in $dir did not start"
	return 1
}

sum_of() { sha256sum <"$1" | cut -d' ' -f1; }

canary() { # FILE TEXT
	CANARY_FILE=$1 CANARY_TEXT=$2
	printf '%s\n' "$CANARY_TEXT" >"$CANARY_FILE"
	chmod 0644 "$CANARY_FILE"
	CANARY_SUM=$(sum_of "$CANARY_FILE")
}

why=
check_spec() { # FILE SPEC
	local f=$1 spec=$2 body=${2:1} text first n
	text=$(cat "$f")
	first=$(head -n1 "$f")
	n=$(wc -l <"$f")
	case $spec in
	-) [ ! -s "$f" ] && return 0
	   why="expected nothing" ;;
	'*') return 0 ;;
	=*) [ "$text" = "$body" ] && return 0
	    why="expected exactly: $body" ;;
	'~'*) grep -qF -- "$body" "$f" && return 0
	      why="expected to contain: $body" ;;
	!*) grep -qF -- "$body" "$f" || return 0
	    why="expected not to contain: $body" ;;
	/*) grep -qE -- "$body" "$f" && return 0
	    why="expected to match: $body" ;;
	@*) if [ "${first#"$body"}" != "$first" ] &&
	       { [ "$n" -eq 1 ] ||
	         { [ "$n" -eq 2 ] && sed -n 2p "$f" | grep -q '^Hint: '; }; }
	    then
		return 0
	    fi
	    why="expected one line beginning with: $body (plus at most a Hint: line)" ;;
	%*) case $first in *"$body"*) return 0 ;; esac
	    why="expected the first line to contain: $body" ;;
	*) why="bad spec '$spec' in the test"; ;;
	esac
	return 1
}

show() { # LABEL FILE
	if [ -s "$2" ]; then
		echo "    $1:"
		head -c 2000 "$2" | sed 's/^/      | /'
	else
		echo "    $1: (empty)"
	fi
}

# fail_case NAME REASON...: report; count each failed case once.
fail_case() {
	local name=$1
	shift
	case $failed_names in
	*" $name "*) ;;
	*) failed_names="$failed_names$name "
	   nfailed=$((nfailed + 1)) ;;
	esac
	echo "FAIL: $name"
	printf '    %s\n' "$@"
}

run() {
	timeout -k 5 "$CASE_TIMEOUT" "${RUNAS[@]}" "$@" </dev/null >"$OUT" 2>"$ERR"
	st=$?
}

t() {
	local name=$1 want=$2 s
	local -a ospecs=() especs=() bad=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != : ]; do
		case $1 in
		-o) ospecs+=("$2"); shift 2 ;;
		-e) especs+=("$2"); shift 2 ;;
		*) echo "test bug: case $name: '$1'" >&2; exit 2 ;;
		esac
	done
	shift
	[ ${#ospecs[@]} -eq 0 ] && ospecs=(-)
	[ ${#especs[@]} -eq 0 ] && especs=(-)
	ncases=$((ncases + 1))
	last_case=$name
	run "$@"
	[ "$st" = "$want" ] || bad+=("exit status $st, expected $want")
	for s in "${ospecs[@]}"; do
		check_spec "$OUT" "$s" || bad+=("stdout: $why")
	done
	for s in "${especs[@]}"; do
		check_spec "$ERR" "$s" || bad+=("stderr: $why")
	done
	if [ -n "$CANARY_FILE" ]; then
		if grep -qF -- "$CANARY_TEXT" "$OUT" "$ERR"; then
			bad+=("the canary's content appeared in the output")
		fi
		if [ "$(sum_of "$CANARY_FILE" 2>/dev/null)" != "$CANARY_SUM" ]; then
			bad+=("the canary changed")
			# Put it back so that later cases are judged on their own.
			rm -rf "$CANARY_FILE"
			printf '%s\n' "$CANARY_TEXT" >"$CANARY_FILE"
			chmod 0644 "$CANARY_FILE"
		fi
	fi
	if [ ${#bad[@]} -gt 0 ]; then
		fail_case "$name" "${bad[@]}" "command: ${RUNAS[*]} $*"
		show stdout "$OUT"
		show stderr "$ERR"
	else
		echo "ok: $name"
	fi
}

# post DESC COMMAND...: a host-side check belonging to the last case.
post() {
	local desc=$1
	shift
	if ! "$@"; then
		fail_case "$last_case" "after the case: $desc"
	fi
}

file_is() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }

# skip NAME REASON: a case the kernel or host cannot run.
skip() {
	nskipped=$((nskipped + 1))
	skipped_why+=("$1: $2")
	echo "skip: $1: $2"
}

finish() {
	echo "$ncases cases, $nfailed failed, $nskipped skipped"
	if [ "$nfailed" -gt 0 ]; then
		echo "failed:$failed_names"
		exit 1
	fi
	if [ "$nskipped" -gt 0 ]; then
		printf 'SKIPPED: %s\n' "${skipped_why[@]}"
		exit $SKIP_CODE
	fi
	exit 0
}
