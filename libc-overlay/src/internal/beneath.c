/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "ov.h"
#include "open_how.h" /* libcap/ */

/* Beneath dirfd; no new set-ID file (ocap_open_how_beneath). */
int ocap__ov_openat_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
	struct ocap_open_how how;
	long fd = ocap_open_how_beneath(&how, flags, mode);

	if (fd < 0)
		return (int)fd;
	do
		fd = ov_sys(SYS_openat2, dirfd, rel, &how, sizeof how);
	while (fd == -EINTR);
	if (fd == -ENOSYS) /* before Linux 5.6: Landlock still confines */
		fd = ov_sys(SYS_openat, dirfd, rel, flags, how.mode);
	return (int)fd;
}
