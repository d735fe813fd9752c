/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

OV_API int unlinkat(int fd, const char *path, int flag)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path && ocap__global(fd, path))
		return (int)ocap__ov_ret(ocap_ns_unlink(ns, path, flag));
	return (int)ocap__ov_ret(ov_sys(SYS_unlinkat, fd, path, flag));
}
