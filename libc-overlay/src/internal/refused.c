/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "ov.h"

/* Landlock checks no metadata change and the kernel lets a file's owner
 * make any, whatever the capability's rights: the seccomp program refuses
 * them by design.  The path is still resolved, so that what is outside
 * the namespace stays ENOENT. */
int ocap__ov_ns_refused(ocap_ns *ns, int dirfd, const char *path, bool follow)
{
	int fd = ocap__ov_at_open(ns, dirfd, path, O_PATH | O_CLOEXEC, follow,
				  NULL);

	if (fd < 0)
		return fd;
	ov_sys(SYS_close, fd);
	return -EPERM;
}
