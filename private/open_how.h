/* SPDX-License-Identifier: MIT */
#ifndef OCAP_OPEN_HOW_H
#define OCAP_OPEN_HOW_H

/* openat2(2)'s argument and call, shared by libocap, the musl overlay
 * (opens beneath a real descriptor) and the broker (granted Unix sockets,
 * the supervisor's walks).
 * Spelt out: musl-gcc sees no kernel headers.  Inline, as open_rights.h
 * is: the three live in different libraries. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ocap_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};

#define OCAP_RESOLVE_NO_MAGICLINKS 0x02
#define OCAP_RESOLVE_NO_SYMLINKS   0x04
#define OCAP_RESOLVE_BENEATH       0x08
#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* *how for opening beneath a directory with flags and mode: the mode's
 * permission bits only when the open creates (openat2 refuses others),
 * and -EPERM for a new set-user-ID or set-group-ID file, as ocapsh's
 * seccomp program answers the calls whose mode it can see. */
static inline int ocap_open_how_beneath(struct ocap_open_how *how, int flags,
					mode_t mode)
{
	int creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;

	if (creates && (mode & (S_ISUID | S_ISGID)))
		return -EPERM;
	how->flags = (uint64_t)(unsigned)flags;
	how->mode = creates ? (mode & 07777) : 0;
	how->resolve = OCAP_RESOLVE_BENEATH | OCAP_RESOLVE_NO_MAGICLINKS;
	return 0;
}

/* openat2(2): the descriptor or -errno, errno left as it was.  Beneath
 * a directory, a walk through ".." fails with EAGAIN when a rename or a
 * mount anywhere on the system raced it, and may be tried again: it is,
 * up to OCAP_OPENAT2_TRIES times in a row, so that a busy machine makes
 * no open fail; past that (a storm of renames), -EAGAIN. */
#define OCAP_OPENAT2_TRIES 64

static inline long ocap_openat2(int dirfd, const char *path,
				const struct ocap_open_how *how)
{
	int saved = errno, tries = 0;
	long fd;

	do {
		fd = syscall(SYS_openat2, dirfd, path, how, sizeof *how);
		if (fd < 0)
			fd = -errno;
	} while (fd == -EINTR ||
		 (fd == -EAGAIN && ++tries < OCAP_OPENAT2_TRIES));
	errno = saved;
	return fd;
}

#endif
