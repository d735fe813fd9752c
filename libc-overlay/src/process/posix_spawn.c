/* SPDX-License-Identifier: MIT */
/*
 * posix_spawn(3) with the child's paths through the overlay: file
 * actions open and change directory in the namespace, and the program
 * runs through the overlay's execve (execveat beneath its capability).
 * posix_spawnp(), system() and popen() in musl's libc.a call this;
 * posix_spawnp passes its PATH search as the attributes' __fn.
 *
 * The child shares the parent's memory and the parent sleeps until it
 * has exec'd or exited (CLONE_VM | CLONE_VFORK), on a stack of its own
 * large enough for the namespace's path buffers.  It therefore touches
 * no libc state (raw system calls and the overlay's own functions), and
 * runs with every signal blocked until just before exec, its caught
 * signals reset first: no handler of the parent's may run in it.
 * A failure before exec comes back as an errno value through a
 * close-on-exec pipe.
 *
 * Descriptors of the child's own (the pipe, a directory a file action
 * moved to) live above every descriptor the actions name, where no
 * action can reach them.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>

#include "ov.h"
#include "fa.h"

#define STACK_SIZE ((size_t)256 * 1024)

typedef int exec_fn(const char *, char *const *, char *const *);

struct spawn {
	const char *path;
	char *const *argv, *const *envp;
	const posix_spawnattr_t *attr;
	const struct ov_fa *actions;
	ocap_ns *ns;
	unsigned long mask; /* the parent's signal mask */
	int pipe[2];
};

/* The kernel's struct sigaction (x86_64). */
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

/* A descriptor moved to floor or above, close-on-exec. */
static int lift(int fd, int floor)
{
	long r;

	if (fd >= floor)
		return fd;
	r = ov_sys(SYS_fcntl, fd, F_DUPFD_CLOEXEC, floor);
	ov_sys(SYS_close, fd);
	return (int)r;
}

/* One more than the highest descriptor the actions name. */
static int floor_of(const struct ov_fa *op)
{
	int top = 2;

	for (; op; op = op->next) {
		if (op->fd > top)
			top = op->fd;
		if (op->kind == OV_FA_DUP2 && op->from > top)
			top = op->from;
	}
	return top + 1;
}

/* Caught signals, and those SETSIGDEF names, to their default action. */
static void default_signals(const posix_spawnattr_t *attr)
{
	const struct ksigaction dfl = { .handler = SIG_DFL };
	bool setdef = attr->__flags & POSIX_SPAWN_SETSIGDEF;

	for (int sig = 1; sig < _NSIG; sig++) {
		struct ksigaction cur;

		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (!(setdef && sigismember(&attr->__def, sig)) &&
		    (ov_sys(SYS_rt_sigaction, sig, NULL, &cur, 8) < 0 ||
		     cur.handler == SIG_DFL || cur.handler == SIG_IGN))
			continue;
		ov_sys(SYS_rt_sigaction, sig, &dfl, NULL, 8);
	}
}

static int attributes(const posix_spawnattr_t *attr)
{
	int f = attr->__flags;
	long r = 0;

	if (f & POSIX_SPAWN_SETSID)
		r = ov_sys(SYS_setsid);
	if (r >= 0 && (f & POSIX_SPAWN_SETPGROUP))
		r = ov_sys(SYS_setpgid, 0, attr->__pgrp);
	/* The group first: it cannot change once the user is dropped. */
	if (r >= 0 && (f & POSIX_SPAWN_RESETIDS))
		r = ov_sys(SYS_setgid, ov_sys(SYS_getgid));
	if (r >= 0 && (f & POSIX_SPAWN_RESETIDS))
		r = ov_sys(SYS_setuid, ov_sys(SYS_getuid));
	return r < 0 ? (int)r : 0;
}

/* A directory action.  Outside a sandbox the kernel's working directory
 * is the one relative paths start from.  Inside, the namespace's is the
 * parent's: the kernel's moves (where an ocap-cc program starts its
 * namespace's) and *dir holds the directory for the relative opens and
 * changes after it. */
static int change_dir(const struct spawn *s, const struct ov_fa *op,
		      int *dir, int floor)
{
	int fd;
	long r;

	if (!s->ns && op->kind == OV_FA_CHDIR)
		return (int)ov_sys(SYS_chdir, op->path);
	if (!s->ns)
		return (int)ov_sys(SYS_fchdir, op->fd);
	if (op->kind == OV_FA_CHDIR)
		fd = lift(ocap__ns_reach(s->ns,
					 op->path[0] == '/' ? AT_FDCWD : *dir,
					 op->path,
					 O_PATH | O_DIRECTORY | O_CLOEXEC,
					 true, NULL),
			  floor);
	else
		fd = (int)ov_sys(SYS_fcntl, op->fd, F_DUPFD_CLOEXEC, floor);
	if (fd < 0)
		return fd;
	if ((r = ov_sys(SYS_fchdir, fd)) < 0) {
		ov_sys(SYS_close, fd);
		return (int)r;
	}
	if (*dir != AT_FDCWD)
		ov_sys(SYS_close, *dir);
	*dir = fd;
	return 0;
}

/* An open action: the file opened, then moved to its descriptor. */
static int open_at(const struct spawn *s, const struct ov_fa *op, int dir)
{
	int fd;
	long r;

	if (!s->ns)
		fd = (int)ov_sys(SYS_open, op->path, op->flags | O_LARGEFILE,
				 op->mode);
	else
		fd = ocap__ns_openat(s->ns,
				     op->path[0] == '/' ? AT_FDCWD : dir,
				     op->path, op->flags, op->mode);
	if (fd < 0)
		return fd;
	if (fd == op->fd)
		return 0;
	r = ov_sys(SYS_dup2, fd, op->fd);
	ov_sys(SYS_close, fd);
	return r < 0 ? (int)r : 0;
}

/* The file actions, in order. */
static int actions(const struct spawn *s, int floor)
{
	int dir = AT_FDCWD, r = 0;

	for (const struct ov_fa *op = s->actions; op && r >= 0;
	     op = op->next) {
		switch (op->kind) {
		case OV_FA_CLOSE:
			ov_sys(SYS_close, op->fd);
			break;
		case OV_FA_DUP2:
			/* The same descriptor: POSIX says keep it open
			 * across exec. */
			if (op->from == op->fd)
				r = (int)ov_sys(SYS_fcntl, op->fd, F_SETFD, 0);
			else
				r = (int)ov_sys(SYS_dup2, op->from, op->fd);
			break;
		case OV_FA_OPEN:
			r = open_at(s, op, dir);
			break;
		case OV_FA_CHDIR:
		case OV_FA_FCHDIR:
			r = change_dir(s, op, &dir, floor);
			break;
		}
	}
	return r < 0 ? r : 0;
}

static int child(void *arg)
{
	const struct spawn *s = arg;
	const posix_spawnattr_t *attr = s->attr;
	const void *mask = (attr->__flags & POSIX_SPAWN_SETSIGMASK)
				   ? (const void *)&attr->__mask
				   : &s->mask;
	int floor = floor_of(s->actions), out, err;

	ov_sys(SYS_close, s->pipe[0]);
	default_signals(attr);
	if ((err = out = lift(s->pipe[1], floor)) >= 0 &&
	    (err = attributes(attr)) == 0 && (err = actions(s, floor)) == 0) {
		ov_sys(SYS_rt_sigprocmask, SIG_SETMASK, mask, NULL, 8);
		if (attr->__fn) {
			((exec_fn *)attr->__fn)(s->path, s->argv, s->envp);
			err = -errno;
		} else {
			err = ocap__ov_execve(s->path, s->argv, s->envp);
		}
	}
	err = -err;
	if (out >= 0 && err > 0)
		ov_sys(SYS_write, out, &err, sizeof err);
	ov_sys(SYS_exit, 127);
	return 0;
}

OV_API int posix_spawn(pid_t *restrict res, const char *restrict path,
		       const posix_spawn_file_actions_t *fa,
		       const posix_spawnattr_t *restrict attr,
		       char *const argv[restrict], char *const envp[restrict])
{
	static const posix_spawnattr_t none;
	const unsigned long all = ~0UL;
	struct spawn s = { .path = path, .argv = argv, .envp = envp,
			   .attr = attr ? attr : &none,
			   .actions = fa ? fa->__actions : NULL,
			   .ns = ocap__ov_ns() };
	int err = 0;
	long pid, r;
	void *stack;

	stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return ENOMEM;
	if ((r = ov_sys(SYS_pipe2, s.pipe, O_CLOEXEC)) < 0) {
		munmap(stack, STACK_SIZE);
		return (int)-r;
	}
	ov_sys(SYS_rt_sigprocmask, SIG_SETMASK, &all, &s.mask, 8);
	pid = clone(child, (char *)stack + STACK_SIZE,
		    CLONE_VM | CLONE_VFORK | SIGCHLD, &s);
	ov_sys(SYS_rt_sigprocmask, SIG_SETMASK, &s.mask, NULL, 8);
	ov_sys(SYS_close, s.pipe[1]);
	if (pid < 0)
		err = errno;
	else if (ov_sys(SYS_read, s.pipe[0], &err, sizeof err) != sizeof err)
		err = 0;
	else
		ov_sys(SYS_wait4, pid, NULL, 0, NULL);
	ov_sys(SYS_close, s.pipe[0]);
	munmap(stack, STACK_SIZE);
	if (!err && res)
		*res = (pid_t)pid;
	return err;
}
