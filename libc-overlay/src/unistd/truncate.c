/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <unistd.h>

#include "ov.h"

#undef truncate64

/* Inside a sandbox: opened for writing beneath its capability, which must
 * hold write and truncate, and cut there (ftruncate is allowed). */
static int ns_truncate(ocap_ns *ns, const char *path, off_t len)
{
	const ocap_cap *cap;
	int fd = ocap__ov_at_open(ns, AT_FDCWD, path,
				  O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
				  true, &cap);
	int r;

	if (fd < 0)
		return fd;
	r = cap && (ocap_cap_rights(cap) &
		    (OCAP_RIGHT_WRITE | OCAP_RIGHT_TRUNCATE)) !=
			   (OCAP_RIGHT_WRITE | OCAP_RIGHT_TRUNCATE)
		    ? -EACCES
		    : (int)ov_sys(SYS_ftruncate, fd, len);
	ov_sys(SYS_close, fd);
	return r;
}

OV_API int truncate(const char *path, off_t len)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path)
		return (int)ocap__ov_ret(ns_truncate(ns, path, len));
	return (int)ocap__ov_ret(ov_sys(SYS_truncate, path, len));
}

OV_API __attribute__((weak, alias("truncate"))) int truncate64(const char *,
								off_t);
