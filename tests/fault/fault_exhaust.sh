#!/bin/bash
# SPDX-License-Identifier: MIT
# fault_exhaust: a sandboxed program that exhausts a resource, each under
# an ocapsh --rlimit (or a tmpfs) small enough for a shared machine: a
# fork bomb, every descriptor, a full writable grant, a file past its
# size limit, a memory balloon and a CPU spin.  ocapsh exits with the
# program's status (128+N for a signal), nothing is left running and the
# caller can still fork and write files.
#
# The fork bomb runs as a user of its own: RLIMIT_NPROC does not hold
# for root, and it counts every process of the user.
#
# usage: fault_exhaust.sh OCAPSH FAULT_PROG
set -u
. "$(dirname "$0")/lib.sh"
fault_setup "$@"
OT=("$O" --env FAULT_TAG)

usable() { # the caller can still fork, create, write and read a file
	echo usable >"$T/.io/usable" && [ "$(cat "$T/.io/usable")" = usable ]
}

# ---- processes --------------------------------------------------------------
# A uid with no process and no account: the bomb's only.
bomb_uid=
for ((u = 64200; u < 64300; u++)); do
	if ! getent passwd "$u" >/dev/null &&
	   [ -z "$(ps -o pid= -u "$u" 2>/dev/null)" ]; then
		bomb_uid=$u
		break
	fi
done
AS_BOMB=(setpriv --reuid "$bomb_uid" --regid "$bomb_uid" --clear-groups)
no_bomb_left() { [ -z "$(ps -o pid= -u "$bomb_uid")" ]; }
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	skip forkbomb "changing to a user of its own needs root and setpriv(1)"
elif [ -z "$bomb_uid" ]; then
	skip forkbomb "no free uid in 64200-64299"
elif ! "${AS_BOMB[@]}" test -x "$O" -a -x "$P"; then
	skip forkbomb "uid $bomb_uid cannot run $O and $P"
else
	says "forkbomb: every process forks until fork fails under" \
		"--rlimit nproc=32; the first exits 0, ocapsh kills the rest"
	t forkbomb 0 -o '=fork: EAGAIN' \
		: "${AS_BOMB[@]}" "${OT[@]}" --rlimit nproc=32 --rlimit cpu=10 \
		-- "$P" forkbomb
	post "no process of uid $bomb_uid is left" no_bomb_left
	post "the caller can still fork and write" usable
fi

# ---- descriptors ------------------------------------------------------------
says "fd-exhaustion: with every descriptor taken under --rlimit nofile=32," \
	"broker requests fail with EMFILE, and work once some are closed"
t fd-exhaustion 0 -o '=dup: EMFILE
resolve with none free: EMFILE
connect with none free: EMFILE
resolve after: ok
connect after: ok' \
	: "${OT[@]}" --rlimit nofile=32 "${NET[@]}" \
	-- "$P" fds 127.0.0.1 "$PORT"

# ---- a full grant -------------------------------------------------------------
# A 1 MiB tmpfs, mounted in a mount namespace of the case's own, so that
# it goes with the case.
mkdir "$T/small" "$T/big"
if ! unshare -m --propagation private \
	mount -t tmpfs -o size=1m fault "$T/small" 2>/dev/null; then
	skip fill-tmpfs "cannot mount a tmpfs in a mount namespace of its own"
else
	says "fill-tmpfs: writing into a --rw grant on a 1 MiB tmpfs stops" \
		"with ENOSPC and exits 0"
	t fill-tmpfs 0 -o '=write: ENOSPC' \
		: unshare -m --propagation private sh -c \
		'mount -t tmpfs -o size=1m fault "$1" && shift && exec "$@"' \
		sh "$T/small" "${OT[@]}" --rw "$T/small" \
		-- "$P" fill "$T/small/file"
	post "the tmpfs stayed in its namespace" \
		[ "$(stat -f -c %T "$T/small")" != tmpfs ]
	post "the caller can still write" usable
fi

says "fill-fsize: writing past --rlimit fsize=1048576 is SIGXFSZ: 128+25"
t fill-fsize $((128 + 25)) : "${OT[@]}" --rw "$T/big" --rlimit fsize=1048576 \
	-- "$P" fill "$T/big/file"
post "the file stopped at the limit" [ "$(stat -c %s "$T/big/file")" = 1048576 ]

# ---- memory and CPU -----------------------------------------------------------
says "balloon: allocating under --rlimit as=64 MiB ends in ENOMEM"
t balloon 0 -o '=malloc: ENOMEM' \
	: "${OT[@]}" --rlimit as=67108864 -- "$P" balloon

# The soft and the hard limit are both 1 s: the kernel's SIGKILL comes
# with the SIGXCPU.
says "spin: a busy loop under --rlimit cpu=1 is killed: 128+9"
t spin 137 : "${OT[@]}" --rlimit cpu=1 -- "$P" spin

post "nothing is left" no_leftovers
post "the caller can still fork and write" usable

finish
