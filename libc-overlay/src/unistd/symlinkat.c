/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

OV_API int symlinkat(const char *target, int fd, const char *path)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && target && path && ov_global(fd, path))
		return (int)ocap__ov_ret(ocap__ov_ns_make(ns, fd, path,
							  SYS_symlinkat, 0,
							  0, target));
	return (int)ocap__ov_ret(ov_sys(SYS_symlinkat, target, fd, path));
}
