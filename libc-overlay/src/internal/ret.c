/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "ov.h"

/* The one place the overlay writes errno, as musl's __syscall_ret. */
long ocap__ov_ret(long r)
{
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

void *ocap__ov_retp(void *p, long err)
{
	if (err < 0) {
		ocap__ov_ret(err);
		return NULL;
	}
	return p;
}
