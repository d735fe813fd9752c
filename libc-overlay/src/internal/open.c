/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "ov.h"

int ocap__ov_ns_openat(ocap_ns *ns, int dirfd, const char *path, int flags,
		       mode_t mode)
{
	if (!path)
		return -EFAULT;
	if (!ov_global(dirfd, path)) /* the kernel, beneath dirfd */
		return ocap__ov_openat_beneath(dirfd, path, flags, mode);
	/* O_PATH needs no right; a file capability's own descriptor serves
	 * it (libocap would reopen it through /proc). */
	if (flags & O_PATH)
		return ocap__ov_at_open(ns, AT_FDCWD, path, flags,
					!(flags & O_NOFOLLOW), NULL);
	return ocap_ns_open(ns, path, flags, mode & 07777);
}
