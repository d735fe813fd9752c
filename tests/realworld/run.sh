#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh [--refused|--learned] OCAPSH USER JOB...: the realworld jobs (jobs.sh) under
# ocapsh, as USER (root, or nobody: uid 65534), each with its grants file
# and nothing more.  Exit 0 when every job did its job, 77 (CTest's skip)
# when none ran or a job is a known failure, 1 when a job failed, or a
# known failure passed (take it off the list).  The known failures are in
# xfail beside this file, with their reasons, printed on every run.
#
# With --refused, each job runs instead without the one grant the file
# refused names for it, under ocapsh --suggest: it must not do its job
# silently (its check passing while every ocapsh exits 0), nor hang; a
# suggested grant must match what refused expects; and with the grants
# that match added back, the job must pass.  Its known failures are in
# refused.xfail.
#
# With --learned, each job of refused runs without that grant under
# ocapsh --learn, at most LEARN_RUNS times, each run given what the runs
# before learned; then, given what was learned and without --learn, the
# job must pass.  What is learned is taken as a reviewer would: the
# shared temporary directories (/tmp, /var/tmp, which a program tries for
# its scratch files) left out, and nothing broader accepted.
set -u
ARGS=("$@")
REFUSED='' LEARNED=''
[ "${1:-}" = --refused ] && { REFUSED=1; shift; }
[ "${1:-}" = --learned ] && { LEARNED=1; shift; }
O=$1 RUN_AS=$2
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=jobs.sh
. "$HERE/jobs.sh"
# shellcheck disable=SC2046
[ -n "${RW_CLEAN:-}" ] || exec env -i $(rw_env) "$0" "${ARGS[@]}"

if [ "$RUN_AS" = nobody ] && [ "$(id -u)" != 65534 ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: switching to uid 65534 needs root"; exit 77; }
	exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$0" "${ARGS[@]}"
fi
[ "$RUN_AS" = root ] && [ "$(id -u)" != 0 ] &&
	{ echo "SKIP: the root jobs need root"; exit 77; }

T=$(mktemp -d /tmp/ocap-realworld.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
umask 022
# A home, never granted: what a program reads there it must do without.
export HOME=$T/home
mkdir -p "$HOME"
export MODE=ocapsh

# xfail lines: JOB USER|any REASON (the refused call or what is missing).
xfail_reason() {
	awk -v j="$1" -v u="$RUN_AS" '$1 == j && ($2 == u || $2 == "any") {
		$1 = $2 = ""; sub(/^ +/, ""); print; exit }' "$HERE/$2"
}

# refused lines: JOB OPTION VALUE EXPECTED.  OPTION VALUE is the grants
# line dropped; EXPECTED an extended regular expression a suggestion
# ("--ro /abs/path", without its note) must match whole, @P@ standing for
# the project folder and @PORT@ for the port of the job's server.
refused_line() { awk -v j="$1" '$1 == j { print; exit }' "$HERE/refused"; }

# The suggestions in $P/err, as OPTION VALUE lines: each grant, and the
# folder's grant said beside it ("; its folder: --rx /usr/bin)").
suggested() {
	sed -n -e h -e 's/^ocapsh: suggest: \(.*\)  (.*)$/\1/p' -e g \
		-e 's/^ocapsh: suggest: .*  (.*; its folder: \(.*\))$/\1/p' "$P/err"
}

# attempt JOB: job_JOB in a fresh fixture, its local servers stopped
# after; its status.  Sets begun: when the job began, after its fixture.
attempt() {
	local r
	fixture "$1"
	begun=$(date +%s%N)
	"job_$1" >"$P/out.log" 2>>"$P/err"
	r=$?
	cleanup
	return "$r"
}

# refuse JOB: job_JOB without its key grant, judged as the header says.
# Sets why (empty when it passed) and said (what it did, for the report).
refuse() {
	local j=$1 opt arg want drop real got add r
	why='' said=''
	read -r _ opt arg want <<<"$(refused_line "$j")"
	drop="$opt $arg"
	if [ -z "$want" ]; then
		why="no line for $j in refused"; return 1
	elif ! grep -qxF -- "$drop" "$HERE/grants/$j.grants"; then
		why="refused drops '$drop', which is not a line of grants/$j.grants"
		return 1
	fi
	local RW_DROP=$drop RW_ADD='' RW_FLAGS=--suggest JOB_TIMEOUT=$REFUSED_TIMEOUT
	attempt "$j"
	r=$?
	RW_FLAGS='' JOB_TIMEOUT=$LIMIT
	[ "$r" = 77 ] && return 77
	# The suggestions as refused writes them: @P@, @PORT@.
	real=$(cd "$P" && pwd -P)
	got=$(suggested)
	got=${got//"$real"/@P@}
	[ -n "$PORT" ] && got=${got//":$PORT"/:@PORT@}
	said="without '$drop', ocapsh exited $(paste -sd, "$P/status" 2>/dev/null)"
	[ -s "$P/status" ] || said="without '$drop', ocapsh (in the background)"
	said="$said and suggested: $(paste -sd';' <<<"$got")"
	if grep -qxE '124|137' "$P/status" 2>/dev/null; then
		why="it hung until the time limit ($REFUSED_TIMEOUT s)"
	elif [ "$r" = 0 ] && ! grep -qvx 0 "$P/status" 2>/dev/null; then
		why="it did its job without '$drop' and ocapsh exited 0: not a key grant, or the job's check misses what went wrong"
	fi
	[ -n "$why" ] && return 1
	add=$(grep -xE -- "$want" <<<"$got")
	if [ -z "$add" ]; then
		why="no suggestion matches /$want/"; return 1
	fi
	# The grants named, added back, must be enough (the same project
	# folder; grants fills in the new server's port).
	RW_ADD=${add//@P@/"$real"}
	attempt "$j" ||
		why="with '$(paste -sd';' <<<"$add")' added back it still fails"
	[ -z "$why" ]
}

# learned JOB: job_JOB without its key grant, learned, as the header
# says.  Sets why (empty when it passed) and said.
LEARN_RUNS=4
learned() {
	local j=$1 opt arg want k r got add=''
	why='' said=''
	read -r _ opt arg want <<<"$(refused_line "$j")"
	if [ -z "$want" ]; then
		why="no line for $j in refused"; return 1
	fi
	local RW_DROP="$opt $arg" RW_ADD='' RW_FLAGS='--learn @LEARN@' \
		JOB_TIMEOUT=$REFUSED_TIMEOUT
	for k in $(seq "$LEARN_RUNS"); do
		attempt "$j"
		r=$?
		[ "$r" = 77 ] && return 77
		# hung: said, and what it learned still tried
		grep -qxE '124|137' "$P/status" 2>/dev/null &&
			why="learning run $k hung until the time limit"
		# what every ocapsh of the job learned, its server's port
		# written as grants wants it
		got=$(cat "$P"/learned.*.grants 2>/dev/null | grep -v '^#' |
			grep -vxE -- '--rw (/tmp|/var/tmp)' |
			sed "s/:${PORT:-@PORT@}\$/:@PORT@/")
		if grep -qxE -- '--r[owx] (/|/usr|/etc|/home|'"$HOME"')' <<<"$got"; then
			why="learned too broad a grant: $(paste -sd';' <<<"$got")"
			return 1
		fi
		add=$(printf '%s\n%s\n' "$RW_ADD" "$got" | sed '/^$/d' | sort -u)
		[ "$add" = "$RW_ADD" ] && { k=$((k - 1)); break; }
		RW_ADD=$add
		[ -n "$why" ] && break
	done
	RW_FLAGS='' JOB_TIMEOUT=$LIMIT
	said="without '$RW_DROP', learned in $k run(s): $(paste -sd';' <<<"$RW_ADD")"
	said=${said//"$(cd "$P" && pwd -P)"/@P@}
	if ! attempt "$j"; then
		why="${why:+$why; }with what was learned added it still fails"
	else
		said="$said, which passes"
	fi
	[ -z "$why" ]
}

LIMIT=$JOB_TIMEOUT
# A job refused a grant fails in a moment, or hangs: ocapsh --suggest
# reports at exit, so it gets less time than a job that works.
REFUSED_TIMEOUT=${REFUSED_TIMEOUT:-5}
status=0 ran=0
for j in "$@"; do
	if ! declare -F "job_$j" >/dev/null || [ ! -f "$HERE/grants/$j.grants" ]; then
		echo "FAIL $j: no job_$j in jobs.sh or no grants/$j.grants"
		status=1
		continue
	fi
	said='' why=''
	if [ -n "$REFUSED" ]; then
		start=$(date +%s%N)
		refuse "$j"
		r=$?
		[ "$r" = 1 ] && [ -z "$said" ] && { echo "FAIL $j: $why"; status=1; continue; }
		xf=refused.xfail what="refused $j"
	elif [ -n "$LEARNED" ]; then
		start=$(date +%s%N)
		learned "$j"
		r=$?
		xf=learned.xfail what="learned $j"
	else
		attempt "$j"
		r=$? start=$begun
		xf=xfail what=$j
	fi
	ms=$((($(date +%s%N) - start) / 1000000))
	known=$(xfail_reason "$j" "$xf")
	if [ "$r" = 77 ]; then
		echo "SKIP $what as $RUN_AS: $(cat "$P/skip")"
		continue
	fi
	ran=$((ran + 1))
	if [ "$r" = 0 ] && [ -z "$known" ]; then
		echo "PASS $what as $RUN_AS (${ms} ms)${said:+: $said}"
	elif [ "$r" = 0 ]; then
		echo "FAIL $what as $RUN_AS: listed in $xf ($known) but passes;" \
			"take it off the list"
		status=1
	elif [ -n "$known" ]; then
		echo "KNOWN FAILURE $what as $RUN_AS: $known${said:+ (this run: $why; $said)}"
		[ "$status" = 0 ] && status=77
	else
		echo "FAIL $what as $RUN_AS (${ms} ms)${why:+: $why; $said}; grants:"
		sed 's/^/    /' "$P/job.grants"
		echo "  its standard error:"
		tail -n 20 "$P/err" | sed 's/^/    /'
		status=1
	fi
done
[ "$ran" = 0 ] && [ "$status" = 0 ] && exit 77
exit "$status"
