/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ov.h"
#include "fa.h"

/*
 * posix_spawn as musl does it (a child sharing memory, the parent waiting
 * for its exec, an error coming back through a close-on-exec pipe), with
 * the child's paths through the overlay: file actions open and change
 * directory in the namespace, and the program runs through the overlay's
 * execve (execveat beneath its capability).  system(), popen() and
 * posix_spawnp() are musl's own: they call this.
 *
 * The child runs on a stack of its own, large enough for the namespace's
 * path buffers.  Inside a sandbox, a directory change in the file actions
 * moves the child's kernel working directory (where an ocap-cc program
 * starts its namespace's); a relative path opened after it is resolved
 * beneath that directory.
 */

#define STACK_SIZE ((size_t)256 * 1024)

/* musl's own, hidden in libc.a: abort() holds it while it resets
 * SIGABRT; held here, the pipe cannot leak to a fork without exec. */
extern volatile int __abort_lock[1];
void __lock(volatile int *);
void __unlock(volatile int *);

/* The kernel's struct sigaction. */
struct ksa {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned mask[2];
};

struct args {
	int p[2];
	sigset_t oldmask;
	const char *path;
	const posix_spawn_file_actions_t *fa;
	const posix_spawnattr_t *attr;
	char *const *argv, *const *envp;
	ocap_ns *ns;
};

/* Signal dispositions: what has a handler (shared memory: it must not
 * run in the child) or was asked for goes to default; musl's internal
 * signals (32 to 34) are ignored. */
static void reset_signals(const posix_spawnattr_t *attr)
{
	for (int i = 1; i < _NSIG; i++) {
		struct ksa old, sa = { 0 };

		if (i == SIGKILL || i == SIGSTOP)
			continue;
		if ((attr->__flags & POSIX_SPAWN_SETSIGDEF) &&
		    sigismember(&attr->__def, i)) {
			sa.handler = SIG_DFL;
		} else {
			if (ov_sys(SYS_rt_sigaction, i, 0, &old, _NSIG / 8) < 0 ||
			    old.handler == SIG_DFL || old.handler == SIG_IGN)
				continue;
			sa.handler = (unsigned)(i - 32) < 3 ? SIG_IGN : SIG_DFL;
		}
		ov_sys(SYS_rt_sigaction, i, &sa, 0, _NSIG / 8);
	}
}

static int dup2_(int old, int new)
{
	return (int)ov_sys(SYS_dup3, old, new, 0);
}

/* A file action's open: relative paths start from a directory a
 * previous action moved to (cwdfd), else from the working directory. */
static int open_(struct args *a, int cwdfd, const char *path, int flags,
		 mode_t mode)
{
	if (!a->ns)
		return (int)ov_sys(SYS_open, path, flags | O_LARGEFILE, mode);
	if (path[0] != '/' && cwdfd >= 0)
		return ov_ns_openat(a->ns, cwdfd, path, flags, mode);
	return ov_ns_openat(a->ns, AT_FDCWD, path, flags, mode);
}

static int chdir_(struct args *a, int *cwdfd, const char *path)
{
	int fd, r;

	if (!a->ns)
		return (int)ov_sys(SYS_chdir, path);
	fd = ov_at_open(a->ns, path[0] != '/' && *cwdfd >= 0 ? *cwdfd
							      : AT_FDCWD,
			path, O_PATH | O_DIRECTORY | O_CLOEXEC, true, NULL);
	if (fd < 0)
		return fd;
	if ((r = (int)ov_sys(SYS_fchdir, fd)) < 0) {
		ov_sys(SYS_close, fd);
		return r;
	}
	*cwdfd = fd;
	return 0;
}

static int actions(struct args *a, int *p)
{
	const struct ov_fa *op = a->fa ? a->fa->__actions : NULL;
	int cwdfd = -1, fd, r;

	for (; op; op = op->next) {
		/* Keep the error pipe out of the way of the action. */
		if (op->fd == *p) {
			if ((r = (int)ov_sys(SYS_dup, *p)) < 0)
				return r;
			ov_sys(SYS_close, *p);
			*p = r;
		}
		switch (op->cmd) {
		case OV_FA_CLOSE:
			ov_sys(SYS_close, op->fd);
			break;
		case OV_FA_DUP2:
			if (op->srcfd == *p)
				return -EBADF;
			if (op->srcfd != op->fd) {
				if ((r = dup2_(op->srcfd, op->fd)) < 0)
					return r;
			} else {
				r = (int)ov_sys(SYS_fcntl, op->fd, F_GETFD);
				r = (int)ov_sys(SYS_fcntl, op->fd, F_SETFD,
						r & ~FD_CLOEXEC);
				if (r < 0)
					return r;
			}
			break;
		case OV_FA_OPEN:
			fd = open_(a, cwdfd, op->path, op->oflag, op->mode);
			if (fd < 0)
				return fd;
			if (fd != op->fd) {
				if ((r = dup2_(fd, op->fd)) < 0)
					return r;
				ov_sys(SYS_close, fd);
			}
			break;
		case OV_FA_CHDIR:
			if ((r = chdir_(a, &cwdfd, op->path)) < 0)
				return r;
			break;
		case OV_FA_FCHDIR:
			if ((r = (int)ov_sys(SYS_fchdir, op->fd)) < 0)
				return r;
			cwdfd = op->fd;
			break;
		}
	}
	return 0;
}

static int child(void *arg)
{
	struct args *a = arg;
	const posix_spawnattr_t *attr = a->attr;
	int p = a->p[1], ret = 0;

	ov_sys(SYS_close, a->p[0]);
	reset_signals(attr);
	if ((attr->__flags & POSIX_SPAWN_SETSID) &&
	    (ret = (int)ov_sys(SYS_setsid)) < 0)
		goto fail;
	if ((attr->__flags & POSIX_SPAWN_SETPGROUP) &&
	    (ret = (int)ov_sys(SYS_setpgid, 0, attr->__pgrp)))
		goto fail;
	/* The system calls themselves: the library's would change the ids
	 * of every thread of the parent, whose memory this is. */
	if ((attr->__flags & POSIX_SPAWN_RESETIDS) &&
	    ((ret = (int)ov_sys(SYS_setgid, ov_sys(SYS_getgid))) ||
	     (ret = (int)ov_sys(SYS_setuid, ov_sys(SYS_getuid)))))
		goto fail;
	if ((ret = actions(a, &p)) < 0)
		goto fail;
	/* Close-on-exec may have been lost moving the pipe. */
	ov_sys(SYS_fcntl, p, F_SETFD, FD_CLOEXEC);
	ov_sys(SYS_rt_sigprocmask, SIG_SETMASK,
	       (attr->__flags & POSIX_SPAWN_SETSIGMASK) ? &attr->__mask
							 : &a->oldmask,
	       0, _NSIG / 8);
	if (attr->__fn) { /* posix_spawnp: musl's __execvpe, then execve */
		((int (*)(const char *, char *const *, char *const *))
			 attr->__fn)(a->path, a->argv, a->envp);
		ret = -errno;
	} else {
		ret = ov_execve(a->path, a->argv, a->envp);
	}
fail:
	ret = -ret;
	if (ret)
		while (ov_sys(SYS_write, p, &ret, sizeof ret) < 0)
			;
	ov_sys(SYS_exit, 127);
	return 0;
}

OV_API int posix_spawn(pid_t *restrict res, const char *restrict path,
		       const posix_spawn_file_actions_t *fa,
		       const posix_spawnattr_t *restrict attr,
		       char *const argv[restrict], char *const envp[restrict])
{
	static const posix_spawnattr_t none;
	struct args a = { .path = path, .fa = fa, .attr = attr ? attr : &none,
			  .argv = argv, .envp = envp };
	sigset_t all;
	void *stack;
	int ec = 0, cs;
	long pid;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cs);
	a.ns = ov_ns(); /* fetched here, not in the child */
	stack = mmap(0, STACK_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		ec = ENOMEM;
		goto out;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &a.oldmask);
	__lock(__abort_lock);
	if ((ec = -(int)ov_sys(SYS_pipe2, a.p, O_CLOEXEC)) > 0) {
		__unlock(__abort_lock);
		goto restore;
	}
	pid = clone(child, (char *)stack + STACK_SIZE,
		    CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
	if (pid < 0)
		ec = errno;
	ov_sys(SYS_close, a.p[1]);
	__unlock(__abort_lock);
	if (pid > 0) {
		if (ov_sys(SYS_read, a.p[0], &ec, sizeof ec) != sizeof ec)
			ec = 0;
		else
			ov_sys(SYS_wait4, pid, &(int){ 0 }, 0, 0);
	}
	ov_sys(SYS_close, a.p[0]);
	if (!ec && res)
		*res = (pid_t)pid;
restore:
	pthread_sigmask(SIG_SETMASK, &a.oldmask, 0);
	munmap(stack, STACK_SIZE);
out:
	pthread_setcancelstate(cs, 0);
	return ec;
}
