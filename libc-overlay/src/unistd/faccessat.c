/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ov.h"

/* AT_EACCESS for a set-id program on a kernel without faccessat2: ask a
 * child whose real ids are the effective ones. */
static int checked_by_child(int fd, const char *path, int amode)
{
	int p[2], status, ret = -EBUSY;
	sigset_t all, old;
	long pid;

	if (ov_sys(SYS_pipe2, p, O_CLOEXEC) < 0)
		return -EBUSY;
	sigfillset(&all);
	ov_sys(SYS_rt_sigprocmask, SIG_BLOCK, &all, &old, _NSIG / 8);
	pid = ov_sys(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		long r = ov_sys(SYS_setregid, ov_sys(SYS_getegid), -1);
		if (!r)
			r = ov_sys(SYS_setreuid, ov_sys(SYS_geteuid), -1);
		if (!r)
			r = ov_sys(SYS_faccessat, fd, path, amode);
		ret = (int)r;
		ov_sys(SYS_write, p[1], &ret, sizeof ret);
		ov_sys(SYS_exit, 1);
	}
	ov_sys(SYS_close, p[1]);
	if (pid < 0 || ov_sys(SYS_read, p[0], &ret, sizeof ret) != sizeof ret)
		ret = -EBUSY;
	ov_sys(SYS_close, p[0]);
	if (pid > 0)
		ov_sys(SYS_wait4, pid, &status, 0, 0);
	ov_sys(SYS_rt_sigprocmask, SIG_SETMASK, &old, 0, _NSIG / 8);
	return ret;
}

static int sys_faccessat(int fd, const char *path, int amode, int flag)
{
	long r;

	if (flag) {
		r = ov_sys(SYS_faccessat2, fd, path, amode, flag);
		if (r != -ENOSYS)
			return (int)r;
	}
	if (flag & ~AT_EACCESS)
		return -EINVAL;
	if (!flag || (ov_sys(SYS_getuid) == ov_sys(SYS_geteuid) &&
		      ov_sys(SYS_getgid) == ov_sys(SYS_getegid)))
		return (int)ov_sys(SYS_faccessat, fd, path, amode);
	return checked_by_child(fd, path, amode);
}

OV_API int faccessat(int fd, const char *path, int amode, int flag)
{
	ocap_ns *ns = ocap__ov_ns();

	if (ns && path)
		return (int)ocap__ov_ret(ocap__ns_access(ns, fd, path,
							 amode, flag));
	return (int)ocap__ov_ret(sys_faccessat(fd, path, amode, flag));
}
