/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>

#include "ov.h"

/* Spelt out: musl-gcc sees no kernel headers. */
struct ov_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define OV_RESOLVE_NO_MAGICLINKS 0x02
#define OV_RESOLVE_BENEATH 0x08

/* Beneath dirfd; no new set-user-ID or set-group-ID file (EPERM), as
 * ocapsh's seccomp program answers the calls it can see. */
int ov_openat_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
	struct ov_open_how how = {
		.flags = (uint64_t)(unsigned)flags,
		/* openat2 refuses a mode it would not use, or stray bits. */
		.mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE
				? (mode & 07777)
				: 0,
		.resolve = OV_RESOLVE_BENEATH | OV_RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (how.mode & (S_ISUID | S_ISGID))
		return -EPERM;
	do
		fd = ov_sys(SYS_openat2, dirfd, rel, &how, sizeof how);
	while (fd == -EINTR);
	if (fd == -ENOSYS) /* before Linux 5.6: Landlock still confines */
		fd = ov_sys(SYS_openat, dirfd, rel, flags, how.mode);
	return (int)fd;
}
