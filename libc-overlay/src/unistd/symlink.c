/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

/* The target is text, stored as given: it is resolved when followed. */
OV_API int symlink(const char *target, const char *path)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && target && path)
		return (int)ocap__ov_ret(ocap__ns_symlinkat(ns, target,
							    AT_FDCWD, path));
	return (int)ocap__ov_ret(ov_sys(SYS_symlink, target, path));
}
