#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh OCAPSH USER JOB...: the realworld jobs (jobs.sh) under ocapsh, as
# USER (root, or nobody: uid 65534), each with its grants file and
# nothing more.  Exit 0 when every job did its job, 77 (CTest's skip) when
# none ran or a job is a known failure, 1 when a job failed, or a known
# failure passed (take it off the list).  The known failures are in
# xfail beside this file, with their reasons, printed on every run.
set -u
O=$1 RUN_AS=$2
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=jobs.sh
. "$HERE/jobs.sh"
# shellcheck disable=SC2046
[ -n "${RW_CLEAN:-}" ] || exec env -i $(rw_env) "$0" "$O" "$RUN_AS" "$@"

if [ "$RUN_AS" = nobody ] && [ "$(id -u)" != 65534 ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: switching to uid 65534 needs root"; exit 77; }
	exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$0" "$O" "$RUN_AS" "$@"
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
		$1 = $2 = ""; sub(/^ +/, ""); print; exit }' "$HERE/xfail"
}

status=0 ran=0
for j in "$@"; do
	if ! declare -F "job_$j" >/dev/null || [ ! -f "$HERE/grants/$j.grants" ]; then
		echo "FAIL $j: no job_$j in jobs.sh or no grants/$j.grants"
		status=1
		continue
	fi
	fixture "$j"
	start=$(date +%s%N)
	"job_$j" >"$P/out.log" 2>>"$P/err"
	r=$?
	cleanup
	ms=$((($(date +%s%N) - start) / 1000000))
	why=$(xfail_reason "$j")
	if [ "$r" = 77 ]; then
		echo "SKIP $j as $RUN_AS: $(cat "$P/skip")"
		continue
	fi
	ran=$((ran + 1))
	if [ "$r" = 0 ] && [ -z "$why" ]; then
		echo "PASS $j as $RUN_AS (${ms} ms)"
	elif [ "$r" = 0 ]; then
		echo "FAIL $j as $RUN_AS: listed in xfail ($why) but passes;" \
			"take it off the list"
		status=1
	elif [ -n "$why" ]; then
		echo "KNOWN FAILURE $j as $RUN_AS: $why"
		[ "$status" = 0 ] && status=77
	else
		echo "FAIL $j as $RUN_AS (${ms} ms); grants:"
		sed 's/^/    /' "$P/job.grants"
		echo "  its standard error:"
		tail -n 20 "$P/err" | sed 's/^/    /'
		status=1
	fi
done
[ "$ran" = 0 ] && [ "$status" = 0 ] && exit 77
exit "$status"
