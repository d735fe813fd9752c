/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "open_how.h"

/* Open rel beneath dirfd; EXDEV (the walk would leave dirfd) becomes
 * OCAP__ESCAPE so callers can tell it from a cross-device rename.  No new
 * set-ID file (ocap_open_how_beneath). */
int ocap__openat2(int dirfd, const char *rel, int flags, mode_t mode)
{
	struct ocap_open_how how;
	long fd = ocap_open_how_beneath(&how, flags, mode);

	if (fd < 0)
		return (int)fd;
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
