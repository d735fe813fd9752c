/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

OV_API ssize_t readlink(const char *restrict path, char *restrict buf,
			size_t size)
{
	ocap_ns *ns = ocap__ov_ns();
	char dummy[1];
	ssize_t r;

	/* As musl: a zero-sized buffer reads nothing rather than failing. */
	if (!size) {
		buf = dummy;
		size = 1;
	}
	if (ns && path)
		r = ocap_ns_readlink(ns, path, buf, size);
	else
		r = ov_sys(SYS_readlink, path, buf, size);
	if (buf == dummy && r > 0)
		r = 0;
	return ocap__ov_ret(r);
}
