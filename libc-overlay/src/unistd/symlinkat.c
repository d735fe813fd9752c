/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

OV_API int symlinkat(const char *target, int fd, const char *path)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && target && path && ocap__global(fd, path))
		return (int)ocap__ov_ret(ocap__ns_symlinkat(ns, target, fd,
							    path));
	return (int)ocap__ov_ret(ov_sys(SYS_symlinkat, target, fd, path));
}
