/* SPDX-License-Identifier: MIT */
#include "ov.h"

/* mkfifoat() is musl's own: it calls this. */
OV_API int mknodat(int fd, const char *path, mode_t mode, dev_t dev)
{
	ocap_ns *ns = ov_ns();

	if (ns && path && ov_global(fd, path))
		return (int)ov_ret(ov_ns_make(ns, fd, path, SYS_mknodat,
					      (long)mode, (long)dev, NULL));
	return (int)ov_ret(ov_sys(SYS_mknodat, fd, path, mode, dev));
}
