/* SPDX-License-Identifier: MIT */
#include "ov.h"

OV_API int rmdir(const char *path)
{
	ocap_ns *ns = ov_ns();

	if (ns && path)
		return (int)ov_ret(ocap_ns_unlink(ns, path, AT_REMOVEDIR));
	return (int)ov_ret(ov_sys(SYS_rmdir, path));
}
