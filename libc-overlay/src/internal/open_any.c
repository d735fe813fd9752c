/* SPDX-License-Identifier: MIT */
#include "ov.h"

int ov_open(const char *path, int flags, mode_t mode)
{
	ocap_ns *ns = ov_ns();
	long fd;

	if (ns)
		return ov_ns_openat(ns, AT_FDCWD, path, flags, mode);
	fd = ov_sys_cp(SYS_open, path, flags | O_LARGEFILE, mode);
	if (fd >= 0 && (flags & O_CLOEXEC)) /* kernels that ignored it */
		ov_sys(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);
	return (int)fd;
}
