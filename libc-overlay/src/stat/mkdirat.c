/* SPDX-License-Identifier: MIT */
#include "ov.h"

OV_API int mkdirat(int fd, const char *path, mode_t mode)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path && ocap__global(fd, path))
		return (int)ocap__ov_ret(ocap_ns_mkdir(ns, path, mode));
	return (int)ocap__ov_ret(ov_sys(SYS_mkdirat, fd, path, mode));
}
