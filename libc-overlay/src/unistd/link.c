/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

OV_API int link(const char *old, const char *new)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && old && new)
		return (int)ocap__ov_ret(ocap__ns_linkat(ns, AT_FDCWD, old,
							 AT_FDCWD, new, 0));
	return (int)ocap__ov_ret(ov_sys(SYS_link, old, new));
}
