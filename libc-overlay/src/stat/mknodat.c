/* SPDX-License-Identifier: MIT */
#include "ov.h"

/* mkfifoat() in musl's libc.a calls this. */
OV_API int mknodat(int fd, const char *path, mode_t mode, dev_t dev)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path && ov_global(fd, path))
		return (int)ocap__ov_ret(ocap__ov_ns_make(
			ns, fd, path, SYS_mknodat, (long)mode, (long)dev,
			NULL));
	return (int)ocap__ov_ret(ov_sys(SYS_mknodat, fd, path, mode, dev));
}
