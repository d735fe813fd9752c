/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "ov.h"

OV_API int rename(const char *old, const char *new)
{
	ocap_ns *ns = ov_ns();

	if (ns && old && new)
		return (int)ov_ret(ocap_ns_rename(ns, old, new));
	return (int)ov_ret(ov_sys(SYS_rename, old, new));
}
