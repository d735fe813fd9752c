/* SPDX-License-Identifier: MIT */
#include "ov.h"

void ocap__ov_sync_cwd(ocap_ns *ns)
{
	int fd = ocap_ns_open(ns, ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);

	if (fd < 0)
		return; /* a virtual directory: the kernel's stays */
	ov_sys(SYS_fchdir, fd);
	ov_sys(SYS_close, fd);
}
