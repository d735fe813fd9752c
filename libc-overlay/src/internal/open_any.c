/* SPDX-License-Identifier: MIT */
#include "ov.h"

int ocap__ov_open(const char *path, int flags, mode_t mode)
{
	ocap_ns *ns = ocap__ov_ns();
	long fd;

	if (ns)
		return ocap__ns_openat(ns, AT_FDCWD, path, flags, mode);
	fd = ov_sys_cp(SYS_open, path, flags | O_LARGEFILE, mode);
	if (fd >= 0 && (flags & O_CLOEXEC)) /* kernels that ignored it */
		ov_sys(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);
	return (int)fd;
}
