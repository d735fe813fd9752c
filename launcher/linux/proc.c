/* SPDX-License-Identifier: MIT */
/*
 * The broker's processes (backend.h): a signal to one process, the
 * children it reaps as a subreaper, and its signals as events through a
 * signalfd.  The broker decides when to signal, kill and forward; this
 * file only knows how, on Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"

int ocap__be_become_reaper(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 ? -errno : 0;
}

int ocap__be_die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return -errno;
	return getppid() == parent ? 0 : -ESRCH;
}

static bool await_end(pid_t pid, int *st)
{
	while (waitpid(pid, st, 0) < 0 && errno == EINTR)
		;
	return true;
}

/* Refused a signalfd or a poll (a filter around us): wait for the end,
 * never spin. */
bool ocap__be_await(int fd, pid_t pid, const sigset_t *set, int *st)
{
	int sfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	struct pollfd f[2] = { { fd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
	struct signalfd_siginfo si;
	bool ended = false;

	if (sfd < 0)
		return await_end(pid, st);
	while (!ended && !f[0].revents) {
		if (poll(f, 2, -1) < 0 && errno != EINTR) {
			ended = await_end(pid, st);
			break;
		}
		while ((f[1].revents & POLLIN) &&
		       read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
			if (si.ssi_signo == SIGCHLD)
				ended |= waitpid(pid, st, WNOHANG) == pid;
			else if (si.ssi_code != SI_KERNEL)
				kill(pid, (int)si.ssi_signo);
		}
	}
	close(sfd);
	return ended;
}

/* Through a pidfd: the confined broker has no kill(2), whose pid can name
 * a group or every process.  A broker nested in another sandbox, whose
 * filter refuses pidfd_open, sends it to the process's main thread
 * (tgkill names one thread, never a group): a fatal signal ends the
 * process all the same, another runs the process's handler on that
 * thread. */
int ocap__be_signal_pid(pid_t pid, int sig)
{
	long fd;
	int r = 0;

	if (pid <= 0)
		return -EINVAL;
	if ((fd = syscall(SYS_pidfd_open, pid, 0)) < 0) {
		if (errno != EPERM && errno != ENOSYS)
			return -errno;
		return syscall(SYS_tgkill, pid, pid, sig) < 0 ? -errno : 0;
	}
	if (syscall(SYS_pidfd_send_signal, (int)fd, sig, NULL, 0) < 0)
		r = -errno;
	close((int)fd);
	return r;
}

/* The main thread's children: the descendants a dead process leaves are
 * reparented to the subreaper's first thread while it lives, and the
 * broker's loop runs on it.  The list is read to its end (a broker with
 * hundreds of children has more than one read's worth), and a read may
 * end inside a number: a pid counts only once the space after it, or
 * the end of the list, has come, so that a cut "23456" never kills 234. */
void ocap__be_kill_children(void)
{
	char path[64], buf[512];
	long pid = -1; /* -1: no digit yet; over INT_MAX: not a pid */
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/self/task/%d/children",
		 (int)getpid());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				pid = (pid < 0 ? 0 : pid) * 10 + (buf[i] - '0');
				if (pid > INT_MAX)
					pid = (long)INT_MAX + 1;
				continue;
			}
			if (pid > 0 && pid <= INT_MAX)
				(void)ocap__be_signal_pid((pid_t)pid, SIGKILL);
			pid = -1;
		}
	}
	if (n == 0 && pid > 0 && pid <= INT_MAX)
		(void)ocap__be_signal_pid((pid_t)pid, SIGKILL);
	close(fd);
}

/* __WALL: a child made with no exit signal (the network helper of a
 * program that called ocap_enter(3), reparented here) is waited for
 * too. */
pid_t ocap__be_wait_child(int *status, bool block)
{
	pid_t pid = waitpid(-1, status, (block ? 0 : WNOHANG) | __WALL);

	return pid < 0 ? -errno : pid;
}

int ocap__be_sigsrc_open(const sigset_t *set, sigset_t *old)
{
	int fd, r;

	if (sigprocmask(SIG_BLOCK, set, old) < 0)
		return -errno;
	if ((fd = signalfd(-1, set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		r = -errno;
		sigprocmask(SIG_SETMASK, old, NULL);
		return r;
	}
	return fd;
}

int ocap__be_sigsrc_read(int fd, struct ocap_sigev *ev)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof si) != (ssize_t)sizeof si)
		return 0;
	ev->signo = (int)si.ssi_signo;
	ev->kernel = si.ssi_code == SI_KERNEL;
	return 1;
}

void ocap__be_sigsrc_close(int fd, const sigset_t *old)
{
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof si) > 0)
		;
	close(fd);
	sigprocmask(SIG_SETMASK, old, NULL);
}
