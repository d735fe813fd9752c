/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compile.h"
#include "enforce.h"

/* An inherited descriptor 0-2 that is closed would be reused by the
 * program's first open; give it /dev/null instead. */
static int stdio_kept(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		int null = open("/dev/null", O_RDWR);
		if (null < 0)
			return -errno;
		if (null != fd) {
			dup2(null, fd);
			close(null);
		}
	}
	return 0;
}

/* stdio stays; the root descriptor goes to fd 3; the rest is closed at
 * exec (the Landlock stage still needs the grant descriptors).  With no
 * root descriptor (ocap_exec: no broker), fd 3 is closed at exec too. */
static int stage_fds(const struct ocap_child *c, char *why, size_t n)
{
	unsigned first = OCAP_ROOT_FD;

	if (c->rootfd == OCAP_ROOT_FD) {
		if (fcntl(OCAP_ROOT_FD, F_SETFD, 0) < 0)
			return -errno;
	} else if (c->rootfd >= 0 && dup2(c->rootfd, OCAP_ROOT_FD) < 0) {
		return -errno;
	}
	if (c->rootfd >= 0)
		first = OCAP_ROOT_FD + 1;
	if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return -errno;
	return stdio_kept();
}

static int stage_rlimits(const struct ocap_child *c, char *why, size_t n)
{
	const ocap_plan *p = c->c->plan;

	for (int i = 0; i < OCAP_NRLIMITS; i++)
		if (p->rlimits[i].set &&
		    setrlimit(p->rlimits[i].resource, &p->rlimits[i].lim) < 0)
			return -errno;
	return 0;
}

#define SECBITS                                                            \
	(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |     \
	 SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |          \
	 SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED)

/* Whether an earlier drop holds: these securebits locked, and an empty
 * bounding set. */
static bool dropped_before(void)
{
	if ((prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) & SECBITS) != SECBITS)
		return false;
	for (unsigned long cap = 0; cap <= 63; cap++) {
		int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (r < 0)
			return cap > 0; /* EINVAL: past the last one */
		if (r > 0)
			return false;
	}
	return true;
}

static bool root_ids(void)
{
	uid_t r, e, s;

	return getresuid(&r, &e, &s) < 0 || r == 0 || e == 0 || s == 0;
}

/* Drop every capability a root caller holds, for good: no ambient, an
 * empty bounding set and securebits that keep exec from giving any back.
 * Where a filter around refuses capget (ocapsh inside ocapsh: it would
 * read any process's sets), the sets are emptied blind, which needs no
 * privilege; a root id also needs an earlier drop to hold. */
static int drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0) {
		if (errno != EPERM)
			return -errno;
		if (root_ids() && !dropped_before())
			return -EPERM;
		memset(d, 0, sizeof d);
		return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
	}
	if (!d[0].permitted && !d[1].permitted)
		return 0;
	if (prctl(PR_SET_SECUREBITS, SECBITS, 0, 0, 0) < 0)
		return -errno;
	/* EINVAL: past the last capability this kernel knows. */
	for (unsigned long cap = 0; cap <= 63; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL && cap > 0)
			break;
		return -errno;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -errno;
	memset(d, 0, sizeof d);
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

static int stage_privs(const struct ocap_child *c, char *why, size_t n)
{
	sigset_t none;
	int r;

	/* The broker's death ends the program; in place (ocap_exec) there
	 * is no broker, and the program lives as the caller would have. */
	if (c->broker > 0 && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return -errno;
	if (c->broker > 0 && getppid() != c->broker)
		return -ESRCH; /* the broker died before the line above */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((r = drop_caps()) < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

/* The prebuilt program, unless the plan needs more (then libseccomp
 * compiles it now). */
static int stage_landlock(const struct ocap_child *c, char *why, size_t n)
{
	return ocap__ll_apply(&c->c->enforce->ll, why, n);
}

/* The listener, attached to a message whose number is -1. */
static int send_listener(int sock, int fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	int none = -1;
	struct iovec iov = { &none, sizeof none };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b,
			     .msg_controllen = sizeof ctl.b };
	struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
	ssize_t n;

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof fd);
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof none ? 0 : -1;
}

/* The listener goes to the broker, which supervises from then on; the
 * child keeps no copy past exec in any case (it is close-on-exec).  The
 * filter is in force already: when it lets sendmsg through, the listener
 * goes along with a message and the child goes on at once.  Otherwise
 * the broker takes the descriptor itself (pidfd_getfd) once told its
 * number, and says when: two wake-ups more. */
static int hand_listener(int sock, int fd, bool sends)
{
	char ack;
	ssize_t n;
	int r = 0;

	if (sock >= 0 && sends && send_listener(sock, fd) == 0)
		sock = -1;
	if (sock >= 0) {
		do
			n = write(sock, &fd, sizeof fd);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof fd)
			r = n < 0 ? -errno : -EPIPE;
		do
			n = read(sock, &ack, 1);
		while (r == 0 && n < 0 && errno == EINTR);
		if (r == 0 && n != 1)
			r = n < 0 ? -errno : -EPIPE;
	}
	close(fd);
	return r;
}

static int stage_seccomp(const struct ocap_child *c, char *why, size_t n)
{
	const struct ocap__enforce *e = c->c->enforce;
	int r;

	if (e->nsc_extra)
		r = ocap__seccomp_load_extra(e->sc_mode, e->sc_extra,
					    e->nsc_extra);
	else
		r = ocap__seccomp_load(e->sc_mode);
	if (r == -EBUSY && ocap__sc_supervised(e->sc_mode))
		snprintf(why, n, "the supervisor cannot listen: a filter "
				 "around ocapsh has a listener already");
	if (r <= 0 || !ocap__sc_supervised(e->sc_mode))
		return r;
	return hand_listener(c->superfd, r,
			     !ocap__seccomp_sends_supervised(e->sc_mode,
							     e->sc_extra,
							     e->nsc_extra));
}

/* The parent's side (backend.h).  The child, its filter loaded, sends
 * the listener, or says which of its descriptors it is; then it is taken
 * with pidfd_getfd and the child told to go on: 0 with *fd the listener,
 * or -1 when the child says nothing (a mode without a supervisor, a stage
 * that failed); -errno when it cannot be taken, and the child is not let
 * go on. */
int ocap__be_take_listener(pid_t pid, int sock, int *fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	int theirs, r = 0;
	struct iovec iov = { &theirs, sizeof theirs };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b,
			     .msg_controllen = sizeof ctl.b };
	struct cmsghdr *h;
	long pidfd;
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	h = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
	    h->cmsg_len == CMSG_LEN(sizeof(int))) {
		memcpy(fd, CMSG_DATA(h), sizeof *fd);
		/* only the child writes here, and only its listener */
		return n == (ssize_t)sizeof theirs && theirs == -1 ? 0 : -EPROTO;
	}
	if (n != (ssize_t)sizeof theirs)
		return 0;
	if ((pidfd = syscall(SYS_pidfd_open, pid, 0)) < 0 ||
	    (*fd = (int)syscall(SYS_pidfd_getfd, (int)pidfd, theirs, 0)) < 0)
		r = -errno;
	if (pidfd >= 0)
		close((int)pidfd);
	if (r == 0 && write(sock, "k", 1) != 1)
		r = -errno;
	return r;
}

/* With --suggest the child's own execve of the program comes to
 * the listener before the broker serves it: the launch's exec, let go on
 * as the seccomp row it replaced allows (broker/suggest.c).  Returns
 * when errfd has something to say. */
void ocap__be_pass_exec(int errfd, int lfd)
{
	struct pollfd f[2] = { { errfd, POLLIN, 0 }, { lfd, POLLIN, 0 } };
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	while (lfd >= 0) {
		if (poll(f, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (f[0].revents)
			return;
		if (!(f[1].revents & POLLIN))
			return; /* the listener is gone: the read says why */
		memset(&req, 0, sizeof req);
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			continue;
		resp = (struct seccomp_notif_resp){ .id = req.id };
		if (req.data.nr == SYS_execve || req.data.nr == SYS_execveat)
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		else
			resp.error = -EPERM; /* nothing else is the launch's */
		(void)ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

/* In this order: seccomp last, once nothing else needs a system call. */
static const struct {
	const char *name;
	int (*run)(const struct ocap_child *c, char *why, size_t n);
} stages[] = {
	{ "descriptor layout", stage_fds },
	{ "resource limits", stage_rlimits },
	{ "privileges", stage_privs },
	{ "Landlock", stage_landlock },
	{ "seccomp", stage_seccomp },
};

#define NSTAGES ((int)(sizeof stages / sizeof *stages))

int ocap__be_nstages(void)
{
	return NSTAGES;
}

const char *ocap__be_stage_name(int stage)
{
	if (stage == OCAP_STAGE_EXEC)
		return "exec";
	return stage > 0 && stage <= NSTAGES ? stages[stage - 1].name : "?";
}

int ocap__be_child_stage(const struct ocap_child *c, int stage, char *why,
			 size_t n)
{
	if (stage < 1 || stage > NSTAGES)
		return -EINVAL;
	return stages[stage - 1].run(c, why, n);
}

struct ocap_child_err ocap__be_child_run(const struct ocap_child *c)
{
	const struct ocap__enforce *en = c->c->enforce;
	const ocap_plan *p = c->c->plan;
	struct ocap_child_err e = { 0, 0, "" };
	int r;

	for (int i = 1; i <= NSTAGES; i++) {
		if ((r = ocap__be_child_stage(c, i, e.why, sizeof e.why)) < 0) {
			e.stage = i;
			e.err = -r;
			return e;
		}
	}
	/* Native mode refuses execve by path; exec what was opened.  Compat
	 * keeps the path so that "#!" scripts find their interpreter. */
	if (ocap__sc_native(en->sc_mode))
		syscall(SYS_execveat, c->progfd, "", p->argv, c->c->envp,
			AT_EMPTY_PATH);
	else
		execve(p->prog, p->argv, c->c->envp);
	e.stage = OCAP_STAGE_EXEC;
	e.err = errno;
	return e;
}
