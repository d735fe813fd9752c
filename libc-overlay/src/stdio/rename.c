/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "ov.h"

OV_API int rename(const char *old, const char *new)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && old && new)
		return (int)ocap__ov_ret(ocap_ns_rename(ns, old, new));
	return (int)ocap__ov_ret(ov_sys(SYS_rename, old, new));
}
