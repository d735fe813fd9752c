/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <unistd.h>

#include "ov.h"

#undef truncate64

OV_API int truncate(const char *path, off_t len)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path)
		return (int)ocap__ov_ret(ocap__ns_truncate(ns, path, len));
	return (int)ocap__ov_ret(ov_sys(SYS_truncate, path, len));
}

OV_API __attribute__((weak, alias("truncate"))) int truncate64(const char *,
								off_t);
