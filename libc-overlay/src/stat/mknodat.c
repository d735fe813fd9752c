/* SPDX-License-Identifier: MIT */
#include "ov.h"

/* mkfifoat() in musl's libc.a calls this. */
OV_API int mknodat(int fd, const char *path, mode_t mode, dev_t dev)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path && ocap__global(fd, path))
		return (int)ocap__ov_ret(ocap__ns_mknodat(ns, fd, path, mode,
							  dev));
	return (int)ocap__ov_ret(ov_sys(SYS_mknodat, fd, path, mode, dev));
}
