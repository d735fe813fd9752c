/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ov.h"

static long cwd(ocap_ns *ns, char *buf, size_t size)
{
	long r;

	if (ns)
		return ocap_ns_getcwd(ns, buf, size);
	if ((r = ov_sys(SYS_getcwd, buf, size)) < 0)
		return r;
	/* Unreachable from the root (a chroot, a lazy unmount). */
	return r == 0 || buf[0] != '/' ? -ENOENT : 0;
}

OV_API char *getcwd(char *buf, size_t size)
{
	char tmp[PATH_MAX], *dup;
	long r;

	if (buf && !size)
		return ocap__ov_retp(NULL, -EINVAL);
	if (buf) {
		r = cwd(ocap__ov_ns(), buf, size);
		return ocap__ov_retp(buf, r);
	}
	if ((r = cwd(ocap__ov_ns(), tmp, sizeof tmp)) < 0)
		return ocap__ov_retp(NULL, r);
	if (!(dup = strdup(tmp)))
		return ocap__ov_retp(NULL, -ENOMEM);
	return dup;
}
