/* SPDX-License-Identifier: MIT */
#include "ov.h"

#undef fstatat64

/* stat(), lstat() and fstat() in musl's libc.a call this. */
OV_API int fstatat(int fd, const char *restrict path, struct stat *restrict st,
		   int flag)
{
	ocap_ns *ns;

	/* fstat() first: it is no path, and libocap's table fetch calls it. */
	if (path && !*path && fd != AT_FDCWD && (flag & AT_EMPTY_PATH))
		return (int)ocap__ov_ret(ocap__sys_fstatat(fd, path, st,
							   flag));
	if (path && ocap__global(fd, path) && (ns = ocap__ov_ns()))
		return (int)ocap__ov_ret(ocap__ov_ns_fstatat(ns, path, st,
							     flag));
	return (int)ocap__ov_ret(ocap__sys_fstatat(fd, path, st, flag));
}

OV_API __attribute__((weak, alias("fstatat"))) int
fstatat64(int, const char *restrict, struct stat *restrict, int);
