/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

OV_API int linkat(int oldfd, const char *old, int newfd, const char *new,
		  int flag)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && old && new &&
	    (ocap__global(oldfd, old) || ocap__global(newfd, new)))
		return (int)ocap__ov_ret(ocap__ns_linkat(ns, oldfd, old,
							 newfd, new, flag));
	return (int)ocap__ov_ret(ov_sys(SYS_linkat, oldfd, old, newfd, new,
					flag));
}
