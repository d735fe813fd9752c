/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* Defined here: musl-gcc sees no kernel headers. */
struct ocap_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define OCAP_RESOLVE_NO_MAGICLINKS 0x02
#define OCAP_RESOLVE_BENEATH       0x08
#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* Open rel beneath dirfd; EXDEV (the walk would leave dirfd) becomes
 * OCAP__ESCAPE so callers can tell it from a cross-device rename.  A new
 * file may not be set-user-ID or set-group-ID: EPERM, as the launcher's
 * seccomp program answers the other calls that create one. */
int ocap__openat2(int dirfd, const char *rel, int flags, mode_t mode)
{
	bool creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
	struct ocap_open_how how = {
		.flags = (uint64_t)(unsigned)flags,
		.mode = creates ? mode : 0,
		.resolve = OCAP_RESOLVE_BENEATH | OCAP_RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (creates && (mode & (S_ISUID | S_ISGID)))
		return -EPERM;
	do
		fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
	while (fd < 0 && errno == EINTR);
	if (fd >= 0)
		return (int)fd;
	return errno == EXDEV ? OCAP__ESCAPE : -errno;
}

int ocap__lstatat(int dirfd, const char *name, struct stat *st)
{
#if defined(SYS_newfstatat) && (defined(__x86_64__) || defined(__aarch64__))
	/* The kernel's struct stat is libc's on these. */
	return syscall(SYS_newfstatat, dirfd, name, st, AT_SYMLINK_NOFOLLOW) < 0
		       ? -errno
		       : 0;
#else
	return -ENOSYS;
#endif
}

/* A new open file description for what fd refers to. */
int ocap__reopen(int fd, int flags)
{
	char proc[32];
	int nfd;

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	flags &= ~(O_CREAT | O_EXCL | O_NOFOLLOW);
	do
		nfd = open(proc, flags);
	while (nfd < 0 && errno == EINTR);
	return nfd < 0 ? -errno : nfd;
}
