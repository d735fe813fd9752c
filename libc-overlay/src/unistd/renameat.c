/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>

#include "ov.h"

OV_API int renameat(int oldfd, const char *old, int newfd, const char *new)
{
	ocap_ns *ns = ocap__ov_ns();

	if (!ns || !old || !new || (!ocap__global(oldfd, old) &&
				    !ocap__global(newfd, new)))
		return (int)ocap__ov_ret(ov_sys(SYS_renameat, oldfd, old, newfd,
						new));
	return (int)ocap__ov_ret(ocap__ns_renameat(ns, oldfd, old, newfd, new));
}
