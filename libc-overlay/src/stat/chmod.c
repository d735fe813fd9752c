/* SPDX-License-Identifier: MIT */
#include "ov.h"

OV_API int chmod(const char *path, mode_t mode)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path) {
		struct ocap_meta m = { .what = OCAP_META_MODE, .mode = mode };
		return (int)ocap__ov_ret(ocap__ns_meta(ns, AT_FDCWD, path, true,
						       &m));
	}
	return (int)ocap__ov_ret(ov_sys(SYS_chmod, path, mode));
}
