/* SPDX-License-Identifier: MIT */
#include "ov.h"

OV_API int unlinkat(int fd, const char *path, int flag)
{
	ocap_ns *ns = ov_ns();

	if (ns && path && ov_global(fd, path))
		return (int)ov_ret(ocap_ns_unlink(ns, path, flag));
	return (int)ov_ret(ov_sys(SYS_unlinkat, fd, path, flag));
}
