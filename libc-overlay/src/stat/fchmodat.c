/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "ov.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* AT_SYMLINK_NOFOLLOW: fchmodat2 (Linux 6.6).  Before it, the file is
 * opened without following and changed through /proc; a symbolic link,
 * which has no mode of its own, is EOPNOTSUPP either way. */
static int nofollow(int fd, const char *path, mode_t mode)
{
	char proc[15 + 3 * sizeof(int)];
	struct stat st;
	long r, pfd;

	r = ov_sys(SYS_fchmodat2, fd, path, mode, AT_SYMLINK_NOFOLLOW);
	if (r != -ENOSYS)
		return (int)r;
	pfd = ov_sys(SYS_openat, fd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		return (int)pfd;
	r = ocap__sys_fstatat((int)pfd, "", &st, AT_EMPTY_PATH);
	if (r == 0 && S_ISLNK(st.st_mode))
		r = -EOPNOTSUPP;
	if (r == 0) {
		__procfdname(proc, (unsigned)pfd);
		r = ov_sys(SYS_fchmodat, AT_FDCWD, proc, mode);
	}
	ov_sys(SYS_close, pfd);
	return (int)r;
}

/* lchmod() in musl's libc.a calls this. */
OV_API int fchmodat(int fd, const char *path, mode_t mode, int flag)
{
	ocap_ns *ns = ocap__ov_ns();

	if (flag & ~AT_SYMLINK_NOFOLLOW)
		return (int)ocap__ov_ret(-EINVAL);
	if (ns && path) {
		struct ocap_meta m = { .what = OCAP_META_MODE, .mode = mode };
		return (int)ocap__ov_ret(ocap__ns_meta(
			ns, fd, path, !(flag & AT_SYMLINK_NOFOLLOW), &m));
	}
	if (!flag)
		return (int)ocap__ov_ret(ov_sys(SYS_fchmodat, fd, path, mode));
	return (int)ocap__ov_ret(nofollow(fd, path, mode));
}
