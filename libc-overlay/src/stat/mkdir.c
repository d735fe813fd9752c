/* SPDX-License-Identifier: MIT */
#include "ov.h"

OV_API int mkdir(const char *path, mode_t mode)
{
	ocap_ns *ns = ov_ns();

	if (ns && path)
		return (int)ov_ret(ocap_ns_mkdir(ns, path, mode));
	return (int)ov_ret(ov_sys(SYS_mkdir, path, mode));
}
