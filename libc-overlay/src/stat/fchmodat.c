/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "ov.h"

/* AT_SYMLINK_NOFOLLOW as musl does it, the kernel's fchmodat having no
 * flags: refuse a link, else change the file through /proc. */
static int nofollow(int fd, const char *path, mode_t mode)
{
	char proc[15 + 3 * sizeof(int)];
	struct stat st;
	long fd2, r;

	if ((r = ov_sys_fstatat(fd, path, &st, AT_SYMLINK_NOFOLLOW)) < 0)
		return (int)r;
	if (S_ISLNK(st.st_mode))
		return -EOPNOTSUPP;
	fd2 = ov_sys(SYS_openat, fd, path,
		     O_RDONLY | O_PATH | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd2 < 0)
		return fd2 == -ELOOP ? -EOPNOTSUPP : (int)fd2;
	__procfdname(proc, (unsigned)fd2);
	r = ov_sys_fstatat(AT_FDCWD, proc, &st, 0);
	if (r == 0)
		r = S_ISLNK(st.st_mode)
			    ? -EOPNOTSUPP
			    : ov_sys(SYS_fchmodat, AT_FDCWD, proc, mode);
	ov_sys(SYS_close, fd2);
	return (int)r;
}

/* lchmod() is musl's own: it calls this. */
OV_API int fchmodat(int fd, const char *path, mode_t mode, int flag)
{
	ocap_ns *ns = ov_ns();

	if (flag & ~AT_SYMLINK_NOFOLLOW)
		return (int)ov_ret(-EINVAL);
	if (ns && path)
		return (int)ov_ret(ov_ns_refused(ns, fd, path,
						 !(flag & AT_SYMLINK_NOFOLLOW)));
	if (!flag)
		return (int)ov_ret(ov_sys(SYS_fchmodat, fd, path, mode));
	return (int)ov_ret(nofollow(fd, path, mode));
}
