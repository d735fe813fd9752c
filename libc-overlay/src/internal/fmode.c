/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "ov.h"

/* open(2) flags for an fopen(3) mode, as musl reads them. */
int ocap__ov_fmodeflags(const char *mode)
{
	int flags = strchr(mode, '+') ? O_RDWR
		    : *mode == 'r'   ? O_RDONLY
				     : O_WRONLY;

	if (strchr(mode, 'x'))
		flags |= O_EXCL;
	if (strchr(mode, 'e'))
		flags |= O_CLOEXEC;
	if (*mode != 'r')
		flags |= O_CREAT;
	if (*mode == 'w')
		flags |= O_TRUNC;
	if (*mode == 'a')
		flags |= O_APPEND;
	return flags;
}
