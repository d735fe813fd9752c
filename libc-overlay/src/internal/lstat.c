/* SPDX-License-Identifier: MIT */
#include "ov.h"

int ocap__ov_lstat(const char *path, struct stat *st)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns)
		return ocap__ov_ns_fstatat(ns, path, st, AT_SYMLINK_NOFOLLOW);
	return ocap__sys_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
