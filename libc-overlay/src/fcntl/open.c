/* SPDX-License-Identifier: MIT */
#include <stdarg.h>

#include "ov.h"

#undef open64

/* creat() and opendir() in musl's libc.a call this. */
OV_API int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return (int)ocap__ov_ret(ocap__ov_open(path, flags, mode));
}

OV_API __attribute__((weak, alias("open"))) int open64(const char *, int,
							...);
