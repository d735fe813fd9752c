/* SPDX-License-Identifier: MIT */
#include "ov.h"

OV_API int unlink(const char *path)
{
	ocap_ns *ns = ov_ns();

	if (ns && path)
		return (int)ov_ret(ocap_ns_unlink(ns, path, 0));
	return (int)ov_ret(ov_sys(SYS_unlink, path));
}
