/* SPDX-License-Identifier: MIT */
#include <stdarg.h>

#include "ov.h"

#undef openat64

OV_API int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	ocap_ns *ns;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if ((ns = ocap__ov_ns()))
		return (int)ocap__ov_ret(ocap__ns_openat(ns, dirfd, path,
							 flags, mode));
	return (int)ocap__ov_ret(ov_sys_cp(SYS_openat, dirfd, path,
					   flags | O_LARGEFILE, mode));
}

OV_API __attribute__((weak, alias("openat"))) int openat64(int, const char *,
							    int, ...);
