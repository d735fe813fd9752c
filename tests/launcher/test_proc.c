/* SPDX-License-Identifier: MIT */
/*
 * The broker's process control (launcher/linux/proc.c) against the real
 * kernel: real children are forked, signalled, killed and reaped, and
 * real signals (kill(2) from this process and another, a child's exit, a
 * pseudo-terminal's ^C and hangup) are read through the signal source.
 * Whatever changes this process's mask, children or subreaper flag runs
 * in a forked child, so that cmocka's process stays as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "support.h"

static int skipped;

/* A child that waits to be signalled. */
static pid_t idle_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/* The status of pid, whose end is waited for. */
static int status_of(pid_t pid)
{
	int st;

	return waitpid(pid, &st, 0) == pid ? st : -1;
}

/* Whether pid is running yet (not ended, or ended but not reaped). */
static bool running(pid_t pid)
{
	int st;

	return waitpid(pid, &st, WNOHANG) == 0;
}

/* ---- ocap__be_signal_pid ------------------------------------------------- */

/* The signal reaches the one process named, and no other. */
static void test_signal_one(void **state)
{
	pid_t a = idle_child(), b = idle_child();

	(void)state;
	assert_true(a > 0 && b > 0);
	assert_ret(ocap__be_signal_pid(a, SIGTERM), 0);
	assert_int_equal(status_of(a), SIGTERM); /* WTERMSIG, no core */
	assert_true(running(b));
	assert_ret(ocap__be_signal_pid(b, SIGKILL), 0);
	assert_int_equal(status_of(b), SIGKILL);
}

/* pid 0, -1 and -pgid name groups for kill(2): refused, nothing sent;
 * a pid that is gone: ESRCH. */
static int refused_child(void *arg)
{
	static const pid_t bad[] = { 0, -1, INT_MIN };
	sigset_t set, pending;
	pid_t gone;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	child_check(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	child_check(setpgid(0, 0), 0);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		child_check(ocap__be_signal_pid(bad[i], SIGUSR1), -EINVAL);
	child_check(ocap__be_signal_pid(-getpid(), SIGUSR1), -EINVAL);
	child_check(sigpending(&pending), 0);
	child_check(sigismember(&pending, SIGUSR1), 0);
	if ((gone = fork()) == 0)
		_exit(0);
	child_check(WIFEXITED(status_of(gone)), 1);
	child_check(ocap__be_signal_pid(gone, SIGUSR1), -ESRCH);
	/* the process itself, by its pid: only it */
	child_check(ocap__be_signal_pid(getpid(), SIGUSR1), 0);
	child_check(sigpending(&pending), 0);
	child_check(sigismember(&pending, SIGUSR1), 1);
	return 0;
}

static void test_signal_refused(void **state)
{
	(void)state;
	assert_int_equal(run_in_child(refused_child, NULL), 0);
}

/* A broker nested in a sandbox that refuses pidfd_open: with EPERM or
 * ENOSYS it signals the process all the same (tgkill); another error is
 * returned and nothing is sent. */
struct fallback {
	int err;  /* pidfd_open's answer */
	int want; /* signal_pid's */
};

static int fallback_child(void *arg)
{
	const struct fallback *f = arg;
	pid_t pid = idle_child();

	child_check(pid > 0, 1);
	child_check(refuse_call(SYS_pidfd_open, f->err), 0);
	child_check(ocap__be_signal_pid(pid, SIGTERM), f->want);
	if (f->want == 0) {
		child_check(status_of(pid), SIGTERM);
		return 0;
	}
	child_check(running(pid), 1);
	kill(pid, SIGKILL);
	child_check(status_of(pid), SIGKILL);
	return 0;
}

static void test_signal_fallback(void **state)
{
	static const struct fallback cases[] = {
		{ EPERM, 0 }, { ENOSYS, 0 }, { EACCES, -EACCES },
		{ EMFILE, -EMFILE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_int_equal(run_in_child(fallback_child,
					      (void *)&cases[i]), 0);
}

/* ---- ocap__be_kill_children, ocap__be_wait_child --------------------------- */

/* A grandchild left to this process, a subreaper, by its parent's exit:
 * its pid. */
static pid_t orphan(void)
{
	int p[2];
	pid_t mid, pid = -1;

	if (pipe(p) < 0)
		return -1;
	if ((mid = fork()) == 0) {
		pid = idle_child();
		_exit(write(p[1], &pid, sizeof pid) == sizeof pid ? 0 : 1);
	}
	close(p[1]);
	if (mid < 0 || read(p[0], &pid, sizeof pid) != sizeof pid)
		pid = -1;
	close(p[0]);
	/* reaped: the orphan is reparented before its parent can be */
	return mid > 0 && status_of(mid) == 0 ? pid : -1;
}

/* A child made with no exit signal (clone without SIGCHLD), as the
 * network helper of an entered program is: only __WALL waits for it. */
static pid_t quiet_child(void)
{
	long pid = syscall(SYS_clone, 0L, 0L, 0L, 0L, 0L);

	if (pid == 0) {
		for (;;)
			pause();
	}
	return (pid_t)pid;
}

/* Whether pid is among pids' n, each taken once: it is cleared. */
static bool take(pid_t *pids, int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == pid && pid > 0)
			return (pids[i] = 0), true;
	return false;
}

static int kill_child(void *arg)
{
	pid_t pids[5];
	int st;

	(void)arg;
	child_check(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	/* none: nothing to kill or wait for */
	ocap__be_kill_children();
	child_check(ocap__be_wait_child(&st, true), -ECHILD);
	pids[0] = idle_child();
	pids[1] = idle_child();
	pids[2] = orphan();
	pids[3] = orphan();
	pids[4] = quiet_child();
	for (int i = 0; i < 5; i++)
		child_check(pids[i] > 0, 1);
	child_check(ocap__be_wait_child(&st, false), 0);
	ocap__be_kill_children();
	for (int n = 0; n < 5; n++) {
		child_check(take(pids, 5, ocap__be_wait_child(&st, true)), 1);
		child_check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, 1);
	}
	child_check(ocap__be_wait_child(&st, true), -ECHILD);
	child_check(ocap__be_wait_child(&st, false), -ECHILD);
	return 0;
}

/* More children than one read of the list holds (900 pids of 4 digits
 * or more, a space each: over 4,096 bytes): one call kills every one.
 * It once read the list with a single read, so some lived on, and a pid
 * the read cut in two was taken for a shorter one (another process). */
#define MANY 900

static int kill_many(void *arg)
{
	int st;

	(void)arg;
	alarm(10); /* a child left alive would block the waits below */
	child_check(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	for (int i = 0; i < MANY; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			/* gone with this process, should the test fail */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		child_check(pid > 0, 1);
	}
	ocap__be_kill_children();
	for (int i = 0; i < MANY; i++) {
		child_check(ocap__be_wait_child(&st, true) > 0, 1);
		child_check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, 1);
	}
	child_check(ocap__be_wait_child(&st, false), -ECHILD);
	return 0;
}

static void test_kill_children(void **state)
{
	(void)state;
	assert_int_equal(run_in_child(kill_child, NULL), 0);
	assert_int_equal(run_in_child(kill_many, NULL), 0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* Each child's own status; 0 while one runs; -EINTR when a handled
 * signal interrupts a blocking wait; -ECHILD once none is left. */
static int wait_child(void *arg)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	struct itimerval soon = { .it_value.tv_usec = 20000 };
	pid_t three, killed, idle;
	int st;

	(void)arg;
	if ((three = fork()) == 0)
		_exit(3);
	child_check(three > 0, 1);
	child_check(ocap__be_wait_child(&st, true), three);
	child_check(WIFEXITED(st) && WEXITSTATUS(st) == 3, 1);
	idle = idle_child();
	killed = idle_child();
	child_check(idle > 0 && killed > 0, 1);
	child_check(ocap__be_wait_child(&st, false), 0);
	kill(killed, SIGTERM);
	child_check(ocap__be_wait_child(&st, true), killed);
	child_check(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, 1);
	child_check(ocap__be_wait_child(&st, false), 0);
	child_check(sigaction(SIGALRM, &sa, NULL), 0);
	child_check(setitimer(ITIMER_REAL, &soon, NULL), 0);
	child_check(ocap__be_wait_child(&st, true), -EINTR);
	kill(idle, SIGKILL);
	child_check(ocap__be_wait_child(&st, true), idle);
	child_check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, 1);
	child_check(ocap__be_wait_child(&st, false), -ECHILD);
	child_check(ocap__be_wait_child(&st, true), -ECHILD);
	return 0;
}

static void test_wait_child(void **state)
{
	(void)state;
	assert_int_equal(run_in_child(wait_child, NULL), 0);
}

/* ---- the signal source ----------------------------------------------------- */

static sigset_t set_of(int a, int b, int c)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, a);
	sigaddset(&s, b);
	sigaddset(&s, c);
	return s;
}

static bool same_mask(const sigset_t *a, const sigset_t *b)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(a, sig) != sigismember(b, sig))
			return false;
	return true;
}

static bool blocked(int sig)
{
	sigset_t now;

	return sigprocmask(SIG_SETMASK, NULL, &now) == 0 &&
	       sigismember(&now, sig) == 1;
}

/* The next event, waited for up to a second: its signal, with 1000
 * added when the kernel sent it; 0 when none came. */
static int next_event(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct ocap_sigev ev;

	if (poll(&p, 1, 1000) != 1 || ocap__be_sigsrc_read(fd, &ev) != 1)
		return 0;
	return ev.signo + (ev.kernel ? 1000 : 0);
}

/* Sent by a process (this one, another, with a value), and a child's
 * exit: none of them is the kernel's in the sense of backend.h. */
static int sent_child(void *arg)
{
	sigset_t set = set_of(SIGUSR1, SIGUSR2, SIGCHLD), before, old, pipe_;
	struct ocap_sigev ev;
	pid_t pid;
	int fd;

	(void)arg;
	pipe_ = set_of(SIGPIPE, SIGPIPE, SIGPIPE);
	child_check(sigprocmask(SIG_BLOCK, &pipe_, &before), 0);
	child_check(sigprocmask(SIG_SETMASK, NULL, &before), 0);
	child_check((fd = ocap__be_sigsrc_open(&set, &old)) >= 0, 1);
	child_check(same_mask(&old, &before), 1);
	child_check(blocked(SIGUSR1) && blocked(SIGUSR2) && blocked(SIGCHLD),
		    1);
	child_check(fcntl(fd, F_GETFD), FD_CLOEXEC);
	child_check(ocap__be_sigsrc_read(fd, &ev), 0);
	child_check(kill(getpid(), SIGUSR1), 0);
	child_check(next_event(fd), SIGUSR1);
	child_check(ocap__be_sigsrc_read(fd, &ev), 0);
	child_check(sigqueue(getpid(), SIGUSR2, (union sigval){ 7 }), 0);
	child_check(next_event(fd), SIGUSR2);
	if ((pid = fork()) == 0)
		_exit(kill(getppid(), SIGUSR1) < 0 ? 1 : 0);
	child_check(status_of(pid), 0);
	/* pending together, read lowest first */
	child_check(next_event(fd), SIGUSR1);
	child_check(next_event(fd), SIGCHLD);
	child_check(ocap__be_sigsrc_read(fd, &ev), 0);
	/* one outside the set stays out of it */
	child_check(kill(getpid(), SIGPIPE), 0);
	child_check(ocap__be_sigsrc_read(fd, &ev), 0);
	ocap__be_sigsrc_close(fd, &old);
	return 0;
}

static void test_sigsrc_sent(void **state)
{
	(void)state;
	assert_int_equal(run_in_child(sent_child, NULL), 0);
}

/* A terminal's ^C and its hangup: the kernel sends them to the whole
 * foreground group, and says so.  The child leads a session whose
 * controlling terminal is a new pseudo-terminal; 77 when there is none. */
static int tty_child(void *arg)
{
	sigset_t set = set_of(SIGINT, SIGHUP, SIGCONT), old;
	int master, slave, fd;

	(void)arg;
	child_check(setsid() > 0, 1);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
		printf("SKIP: no pseudo-terminal (%s): a terminal's signals "
		       "are not tested\n", strerror(errno));
		return 77;
	}
	child_check((slave = open(ptsname(master), O_RDWR)) >= 0, 1);
	child_check(tcgetpgrp(slave), getpid());
	child_check((fd = ocap__be_sigsrc_open(&set, &old)) >= 0, 1);
	child_check(write(master, "\003", 1), 1);
	child_check(next_event(fd), 1000 + SIGINT);
	close(master); /* the master's last descriptor: a hangup */
	child_check(next_event(fd), 1000 + SIGHUP);
	child_check(next_event(fd), 1000 + SIGCONT);
	ocap__be_sigsrc_close(fd, &old);
	close(slave);
	return 0;
}

static void test_sigsrc_terminal(void **state)
{
	int r = run_in_child(tty_child, NULL);

	(void)state;
	skipped += r == 77;
	assert_int_equal(r == 77 ? 0 : r, 0);
}

/* Closing drops what is pending in its set (no handler runs when the
 * mask goes back), leaves what is not, and restores the mask. */
static volatile sig_atomic_t handled;

static void count(int sig)
{
	(void)sig;
	handled++;
}

static int close_child(void *arg)
{
	sigset_t set = set_of(SIGUSR1, SIGUSR1, SIGUSR1), usr2, old, now,
		 pending;
	int fd;

	(void)arg;
	usr2 = set_of(SIGUSR2, SIGUSR2, SIGUSR2);
	child_check(sigprocmask(SIG_BLOCK, &usr2, NULL), 0);
	signal(SIGUSR1, count);
	child_check((fd = ocap__be_sigsrc_open(&set, &old)) >= 0, 1);
	child_check(kill(getpid(), SIGUSR1), 0);
	child_check(kill(getpid(), SIGUSR2), 0);
	ocap__be_sigsrc_close(fd, &old);
	child_check(handled, 0);
	child_check(fcntl(fd, F_GETFD), -1);
	child_check(sigprocmask(SIG_SETMASK, NULL, &now), 0);
	child_check(same_mask(&now, &old), 1);
	child_check(sigpending(&pending), 0);
	child_check(sigismember(&pending, SIGUSR1), 0);
	child_check(sigismember(&pending, SIGUSR2), 1);
	/* delivered again as before */
	child_check(kill(getpid(), SIGUSR1), 0);
	child_check(handled, 1);
	return 0;
}

static void test_sigsrc_close(void **state)
{
	(void)state;
	assert_int_equal(run_in_child(close_child, NULL), 0);
}

/* No descriptor left for the signalfd: the error, the mask as it was. */
static int nofd_child(void *arg)
{
	struct rlimit none = { 0, 0 };
	sigset_t set = set_of(SIGUSR1, SIGUSR2, SIGUSR2), old, before, now;

	(void)arg;
	child_check(sigprocmask(SIG_SETMASK, NULL, &before), 0);
	child_check(getrlimit(RLIMIT_NOFILE, &none), 0);
	none.rlim_cur = 0;
	child_check(setrlimit(RLIMIT_NOFILE, &none), 0);
	child_check(ocap__be_sigsrc_open(&set, &old), -EMFILE);
	child_check(sigprocmask(SIG_SETMASK, NULL, &now), 0);
	child_check(same_mask(&now, &before), 1);
	return 0;
}

static void test_sigsrc_nofd(void **state)
{
	(void)state;
	assert_int_equal(run_in_child(nofd_child, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signal_one),
		cmocka_unit_test(test_signal_refused),
		cmocka_unit_test(test_signal_fallback),
		cmocka_unit_test(test_kill_children),
		cmocka_unit_test(test_wait_child),
		cmocka_unit_test(test_sigsrc_sent),
		cmocka_unit_test(test_sigsrc_terminal),
		cmocka_unit_test(test_sigsrc_close),
		cmocka_unit_test(test_sigsrc_nofd),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	return failed ? failed : skipped ? 77 : 0;
}
