/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

/* The namespace's working directory moves; the kernel's follows when the
 * new one is a real directory (not one above mount points), so that a
 * program exec'd from here starts in the same place. */
OV_API int chdir(const char *path)
{
	ocap_ns *ns = ocap__ov_ns();
	int r;

	if (!ns || !path)
		return (int)ocap__ov_ret(ov_sys(SYS_chdir, path));
	if ((r = ocap_ns_chdir(ns, path)) < 0)
		return (int)ocap__ov_ret(r);
	ocap__ov_sync_cwd(ns);
	return 0;
}
