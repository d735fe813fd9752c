/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

OV_API int unlink(const char *path)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path)
		return (int)ocap__ov_ret(ocap_ns_unlink(ns, path, 0));
	return (int)ocap__ov_ret(ov_sys(SYS_unlink, path));
}
