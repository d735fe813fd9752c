/* SPDX-License-Identifier: MIT */
#include "ov.h"

/* mkfifo() is musl's own: it calls this. */
OV_API int mknod(const char *path, mode_t mode, dev_t dev)
{
	ocap_ns *ns = ov_ns();

	if (ns && path)
		return (int)ov_ret(ov_ns_make(ns, AT_FDCWD, path, SYS_mknodat,
					      (long)mode, (long)dev, NULL));
	return (int)ov_ret(ov_sys(SYS_mknod, path, mode, dev));
}
