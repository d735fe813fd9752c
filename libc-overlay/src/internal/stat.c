/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "ov.h"

int ocap__ov_ns_fstatat(ocap_ns *ns, const char *path, struct stat *st,
			int flag)
{
	if (flag & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return -EINVAL;
	if (!*path && (flag & AT_EMPTY_PATH))
		path = "."; /* the working directory itself */
	return ocap__ns_stat_any(ns, path, st, flag & AT_SYMLINK_NOFOLLOW);
}
