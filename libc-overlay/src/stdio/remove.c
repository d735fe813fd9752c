/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>

#include "ov.h"

OV_API int remove(const char *path)
{
	ocap_ns *ns = ocap__ov_ns();
	long r;

	if (ns && path) {
		r = ocap_ns_unlink(ns, path, 0);
		if (r == -EISDIR)
			r = ocap_ns_unlink(ns, path, AT_REMOVEDIR);
		return (int)ocap__ov_ret(r);
	}
	r = ov_sys(SYS_unlink, path);
	if (r == -EISDIR)
		r = ov_sys(SYS_rmdir, path);
	return (int)ocap__ov_ret(r);
}
