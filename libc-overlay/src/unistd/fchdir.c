/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <unistd.h>

#include "ov.h"

/* Inside a sandbox the kernel says where fd is (capabilities are named
 * by their host paths), and the namespace moves there. */
static int ns_fchdir(ocap_ns *ns, int fd)
{
	char cwd[OCAP_PATH_BUF];
	long r = ov_sys(SYS_fchdir, fd);

	if (r < 0)
		return (int)r;
	if ((r = ov_sys(SYS_getcwd, cwd, sizeof cwd)) < 0)
		return (int)r;
	if (r <= 1 || cwd[0] != '/')
		return -ENOENT; /* unreachable from the sandbox's root */
	return ocap_ns_chdir(ns, cwd);
}

OV_API int fchdir(int fd)
{
	ocap_ns *ns = ocap__ov_ns();
	char buf[15 + 3 * sizeof(int)];
	long r;

	if (ns)
		return (int)ocap__ov_ret(ns_fchdir(ns, fd));
	r = ov_sys(SYS_fchdir, fd);
	if (r != -EBADF || ov_sys(SYS_fcntl, fd, F_GETFD) < 0)
		return (int)ocap__ov_ret(r);
	/* An O_PATH descriptor on kernels before 3.5, as musl does. */
	__procfdname(buf, (unsigned)fd);
	return (int)ocap__ov_ret(ov_sys(SYS_chdir, buf));
}
