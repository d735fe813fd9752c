/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <unistd.h>

#include "ov.h"

/* A descriptor: execveat on it, in a sandbox too.  Kernels before 3.19
 * exec /proc/self/fd/N, as musl does. */
OV_API int fexecve(int fd, char *const argv[], char *const envp[])
{
	char buf[15 + 3 * sizeof(int)];
	long r = ov_sys(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);

	if (r != -ENOSYS)
		return (int)ocap__ov_ret(r);
	__procfdname(buf, (unsigned)fd);
	r = ocap__ov_execve(buf, argv, envp);
	return (int)ocap__ov_ret(r == -ENOENT ? -EBADF : r);
}
