/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

OV_API int lchown(const char *path, uid_t uid, gid_t gid)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path) {
		struct ocap_meta m = { .what = OCAP_META_OWNER, .uid = uid,
				       .gid = gid };
		return (int)ocap__ov_ret(ocap__ns_meta(ns, AT_FDCWD, path, false,
						       &m));
	}
	return (int)ocap__ov_ret(ov_sys(SYS_lchown, path, uid, gid));
}
