/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

OV_API ssize_t readlinkat(int fd, const char *restrict path,
			  char *restrict buf, size_t size)
{
	ocap_ns *ns = ocap__ov_ns();
	char dummy[1];
	ssize_t r;

	if (!size) {
		buf = dummy;
		size = 1;
	}
	if (ns && path && ocap__global(fd, path))
		r = ocap_ns_readlink(ns, path, buf, size);
	else
		r = ov_sys(SYS_readlinkat, fd, path, buf, size);
	if (buf == dummy && r > 0)
		r = 0;
	return ocap__ov_ret(r);
}
