/* SPDX-License-Identifier: MIT */
#include "ov.h"

/* mkfifo() in musl's libc.a calls this. */
OV_API int mknod(const char *path, mode_t mode, dev_t dev)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path)
		return (int)ocap__ov_ret(ocap__ns_mknodat(ns, AT_FDCWD, path,
							  mode, dev));
	return (int)ocap__ov_ret(ov_sys(SYS_mknod, path, mode, dev));
}
