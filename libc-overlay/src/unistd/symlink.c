/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

/* The target is text, stored as given: it is resolved when followed. */
OV_API int symlink(const char *target, const char *path)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && target && path)
		return (int)ocap__ov_ret(ocap__ov_ns_make(
			ns, AT_FDCWD, path, SYS_symlinkat, 0, 0, target));
	return (int)ocap__ov_ret(ov_sys(SYS_symlink, target, path));
}
