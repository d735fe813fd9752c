/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

OV_API int rmdir(const char *path)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path)
		return (int)ocap__ov_ret(ocap_ns_unlink(ns, path,
							AT_REMOVEDIR));
	return (int)ocap__ov_ret(ov_sys(SYS_rmdir, path));
}
