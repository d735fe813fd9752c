/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ov.h"

#undef fopen64

/* freopen() in musl's libc.a calls this. */
OV_API FILE *fopen(const char *restrict path, const char *restrict mode)
{
	int flags, fd;
	FILE *f;

	/* Check for valid initial mode character */
	if (!strchr("rwa", *mode))
		return ocap__ov_retp(NULL, -EINVAL);
	flags = ocap__ov_fmodeflags(mode);
	if ((fd = ocap__ov_open(path, flags, 0666)) < 0)
		return ocap__ov_retp(NULL, fd);
	/* musl's fdopen() sets errno itself when it fails. */
	if (!(f = fdopen(fd, mode)))
		ov_sys(SYS_close, fd);
	return f;
}

OV_API __attribute__((weak, alias("fopen"))) FILE *
fopen64(const char *restrict, const char *restrict);
