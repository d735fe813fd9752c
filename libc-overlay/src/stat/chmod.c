/* SPDX-License-Identifier: MIT */
#include "ov.h"

OV_API int chmod(const char *path, mode_t mode)
{
	ocap_ns *ns = ov_ns();

	if (ns && path)
		return (int)ov_ret(ov_ns_refused(ns, AT_FDCWD, path, true));
	return (int)ov_ret(ov_sys(SYS_chmod, path, mode));
}
