/* SPDX-License-Identifier: MIT */
/*
 * The helper that keeps an entered process's network grants, after
 * Capsicum's casper services: forked before the process confines
 * itself, it holds what the process gives up (connecting, binding,
 * resolving), confines itself as ocapsh's broker does, and serves the
 * grants with the broker's own code over a root descriptor that
 * $OCAP_ROOT names, so that libocap and the overlay find it as they find
 * ocapsh's broker.
 *
 * Its life is the process's: its loop polls a pidfd of the process
 * with its channels and ends the helper when the process has exited,
 * and it leaves by itself once nobody holds the other end of the root
 * descriptor.  Not a thread of its own waiting on the pidfd: a thread
 * started before the helper confines itself stays unconfined (Landlock,
 * seccomp, no_new_privs and capabilities are per thread), holding
 * root's capabilities beside the confined loop (tests/escape,
 * broker-peer-caps entered).  Not PR_SET_PDEATHSIG: the kernel sends that signal as the
 * dying parent, whose Landlock domain scopes signals (ABI 6) and so
 * refuses it, and sends it when the thread that forked exits, which
 * would take the network from a process whose first thread calls
 * pthread_exit(3).  It is made with no exit signal, as pdfork(2) makes
 * casper's, so that the process's wait(2) for any child neither reaps it
 * nor waits for it.  A pipe says whether it confined itself and serves
 * before the process goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "casper.h"
#include "report.h"

/* fork(2) with no exit signal: a "clone" child, which wait(2) and
 * waitpid(-1) without __WALL pass over, and no SIGCHLD. */
static pid_t fork_quiet(void)
{
	return (pid_t)syscall(SYS_clone, 0UL, NULL, NULL, NULL, 0UL);
}

/* The process's handlers are not the helper's, and the terminal's
 * signals and kill(2) of the process group are not for it: all blocked,
 * SIGKILL alone ends it. */
static void quiet_signals(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t all;

	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &dfl, NULL); /* EINVAL: not catchable */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/* Keep the root descriptor, the pipe, the pidfd and the plan's
 * descriptors; stdio becomes /dev/null, so that the helper holds none of
 * the process's pipes or terminals open. */
static int keep_only(const ocap_plan *p, int root, int ready, int watch)
{
	size_t n = 0;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), *keep, r;

	if (null < 0)
		return -errno;
	if (!(keep = malloc((p->npaths + p->nnets + 6) * sizeof *keep))) {
		close(null);
		return -ENOMEM;
	}
	keep[n++] = root;
	keep[n++] = ready;
	keep[n++] = watch;
	for (size_t i = 0; i < p->npaths; i++)
		keep[n++] = p->paths[i].fd;
	for (size_t i = 0; i < p->nnets; i++)
		keep[n++] = p->nets[i].dirfd;
	for (int fd = 0; fd <= 2; fd++) {
		bool kept = false;
		for (size_t i = 0; i < n; i++)
			kept |= keep[i] == fd;
		if (!kept && fd != null && dup2(null, fd) < 0) {
			free(keep);
			return -errno;
		}
		keep[n++] = fd;
	}
	r = ocap__close_except(keep, n);
	free(keep);
	return r;
}

/* A pidfd of the process: readable once it has exited, execs or not. */
static int watch_parent(pid_t parent)
{
	int fd = (int)syscall(SYS_pidfd_open, parent, 0);

	return fd < 0 ? -errno : fd;
}

static _Noreturn void helper(const ocap_plan *plan, int root, int ready,
			     pid_t parent)
{
	ocap_plan *p = (ocap_plan *)plan; /* this process's copy */
	int r, watch;

	quiet_signals();
	watch = watch_parent(parent);
	if (getppid() != parent)
		_exit(0); /* the process has gone already */
	if ((r = watch) < 0 || (r = keep_only(p, root, ready, watch)) < 0) {
		(void)ocap__write_int(ready, r);
		_exit(1);
	}
	r = ocap__broker_serve(p, root, ready, watch);
	_exit(r < 0 ? 1 : 0);
}

/* The report's network line, now with the helper in it. */
static void report_helper(const ocap_plan *p, struct ocap_enter_report *r,
			  pid_t pid, int root)
{
	char names[160];

	ocap__enter_net_names(p, names, sizeof names);
	for (size_t i = r->nitems; i-- > 0;) {
		struct ocap_enter_item *it = &r->items[i];

		if (strcmp(it->what, "network") || !it->enforced)
			continue;
		snprintf(it->how, sizeof it->how, "helper %d, confined, serves "
			 "$%s=%d: %s", (int)pid, OCAP_ROOT_ENV, root, names);
		break;
	}
	r->helper = pid;
	r->root_fd = root;
}

static void stop(pid_t pid)
{
	int st;

	(void)kill(pid, SIGKILL);
	while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
		;
}

/* Keep the root descriptor across exec, named: a program the process
 * runs (one built with ocap-cc, say) reaches the same helper, as a
 * program ocapsh starts passes fd 3 on to its own. */
static int name_root(int fd)
{
	char v[16];

	snprintf(v, sizeof v, "%d", fd);
	if (fcntl(fd, F_SETFD, 0) < 0 || setenv(OCAP_ROOT_ENV, v, 1) < 0)
		return -errno;
	return 0;
}

void ocap__casper_undo(struct ocap_enter_report *r)
{
	if (r->helper <= 0)
		return;
	close(r->root_fd);
	(void)unsetenv(OCAP_ROOT_ENV);
	stop(r->helper); /* a Landlock scope may refuse the kill: EOF ends it */
	r->helper = 0;
	r->root_fd = -1;
}

int ocap__casper_start(const ocap_plan *p, struct ocap_enter_report *r)
{
	int sv[2], pp[2], got = -EIO, err;
	pid_t parent = getpid(), pid;
	ssize_t n;

	if (!p)
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (pipe2(pp, O_CLOEXEC) < 0) {
		err = -errno;
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	pid = fork_quiet();
	if (pid == 0)
		helper(p, sv[1], pp[1], parent);
	err = pid < 0 ? -errno : 0;
	close(sv[1]);
	close(pp[1]);
	if (pid > 0) {
		do
			n = read(pp[0], &got, sizeof got);
		while (n < 0 && errno == EINTR);
		err = n == (ssize_t)sizeof got ? got : -EIO; /* it died */
	}
	close(pp[0]);
	if (err == 0)
		err = name_root(sv[0]);
	if (err == 0) {
		report_helper(p, r, pid, sv[0]);
		return 0;
	}
	if (pid > 0)
		stop(pid);
	close(sv[0]);
	ocap__report_add(r, "network", 0, "the helper could not start: %s",
			 strerror(-err));
	return err;
}
