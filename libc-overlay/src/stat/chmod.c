/* SPDX-License-Identifier: MIT */
#include "ov.h"

OV_API int chmod(const char *path, mode_t mode)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path)
		return (int)ocap__ov_ret(ocap__ns_refused(ns, AT_FDCWD, path,
							  true));
	return (int)ocap__ov_ret(ov_sys(SYS_chmod, path, mode));
}
