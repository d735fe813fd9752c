/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <unistd.h>

#include "ov.h"

OV_API int fchownat(int fd, const char *path, uid_t uid, gid_t gid, int flag)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path && !((flag & AT_EMPTY_PATH) && !*path)) {
		struct ocap_meta m = { .what = OCAP_META_OWNER, .uid = uid,
				       .gid = gid };
		bool follow = !(flag & AT_SYMLINK_NOFOLLOW);
		return (int)ocap__ov_ret(
			(flag & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
				? -EINVAL
				: ocap__ns_meta(ns, fd, path, follow, &m));
	}
	return (int)ocap__ov_ret(ov_sys(SYS_fchownat, fd, path, uid, gid,
					flag));
}
