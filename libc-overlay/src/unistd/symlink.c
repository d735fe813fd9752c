/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

/* The target is text, stored as given: it is resolved when followed. */
OV_API int symlink(const char *target, const char *path)
{
	ocap_ns *ns = ov_ns();

	if (ns && target && path)
		return (int)ov_ret(ov_ns_make(ns, AT_FDCWD, path,
					      SYS_symlinkat, 0, 0, target));
	return (int)ov_ret(ov_sys(SYS_symlink, target, path));
}
