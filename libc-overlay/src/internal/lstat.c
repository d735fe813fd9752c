/* SPDX-License-Identifier: MIT */
#include "ov.h"

int ov_lstat(const char *path, struct stat *st)
{
	ocap_ns *ns = ov_ns();

	if (ns)
		return ov_ns_fstatat(ns, path, st, AT_SYMLINK_NOFOLLOW);
	return ov_sys_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
