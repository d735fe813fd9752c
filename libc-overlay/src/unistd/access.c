/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

OV_API int access(const char *path, int amode)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path)
		return (int)ocap__ov_ret(ocap__ns_access(ns, AT_FDCWD,
							 path, amode, 0));
	return (int)ocap__ov_ret(ov_sys(SYS_access, path, amode));
}
