/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

OV_API int link(const char *old, const char *new)
{
	ocap_ns *ns = ov_ns();

	if (ns && old && new)
		return (int)ov_ret(ov_ns_linkat(ns, AT_FDCWD, old, AT_FDCWD,
						new, 0));
	return (int)ov_ret(ov_sys(SYS_link, old, new));
}
