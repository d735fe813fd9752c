/* SPDX-License-Identifier: MIT */
/*
 * ocap_isolate() (launcher/isolate.c) against the real kernel: which
 * descriptors the child keeps (the namespace's and those listed, at any
 * numbers, in any order; nothing else, stdio included), the status it
 * passes back (fn's value, a signal), what it refuses before forking,
 * and a caller whose wait a signal interrupts.  Entering is best effort,
 * so that no kernel feature is needed; tests/enter/test_enter.c has what
 * an isolated function may and may not reach.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <ocap/enter.h>

#include "support.h"

#define FLAGS OCAP_ENTER_BEST_EFFORT

/* The descriptor numbers the child looks at, and where it says. */
struct probe {
	int out;
	int fds[8];
	size_t n;
};

/* Writes one byte per descriptor: 1 open, 0 closed. */
static int look(void *arg)
{
	const struct probe *p = arg;
	char open_[8];

	for (size_t i = 0; i < p->n; i++)
		open_[i] = (char)(fcntl(p->fds[i], F_GETFD) >= 0 ? 1 : 0);
	return write(p->out, open_, p->n) == (ssize_t)p->n ? 0 : 1;
}

/* fd duplicated at number at. */
static int at(int fd, int at_)
{
	assert_int_equal(dup3(fd, at_, O_CLOEXEC), at_);
	return at_;
}

static void test_kept(void **state)
{
	struct tmpdir *td = *state;
	struct probe p;
	ocap_ns *ns;
	ocap_cap *cap;
	char got[8];
	int pipe_[2], st = -1, null;
	int listed[4];

	assert_ret(pipe2(pipe_, O_CLOEXEC), 0);
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(null >= 0);
	/* listed out of order, with gaps between them */
	listed[0] = at(pipe_[1], 61);
	listed[1] = at(null, 17);
	listed[2] = at(null, 43);
	listed[3] = STDOUT_FILENO;
	at(null, 30); /* held, not listed */
	at(null, 62);
	assert_ret(ocap_ns_new(&ns), 0);
	cap = cap_dir(td->path, OCAP_RIGHTS_RO, "/d");
	assert_non_null(cap);
	assert_ret(ocap_ns_mount(ns, cap), 0);
	p = (struct probe){ 61, { 61, 17, 43, STDOUT_FILENO, 30, 62,
				  STDIN_FILENO, ocap_cap_fd(cap) }, 8 };
	assert_ret(ocap_isolate(look, &p, ns, listed, 4, FLAGS, &st), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(read(pipe_[0], got, sizeof got), 8);
	assert_memory_equal(got, "\1\1\1\1\0\0\0\1", 8);
	/* the caller's are its own still */
	assert_int_equal(fcntl(30, F_GETFD), FD_CLOEXEC);
	for (size_t i = 0; i < 6; i++)
		close(p.fds[i] == STDOUT_FILENO ? -1 : p.fds[i]);
	close(pipe_[0]);
	close(pipe_[1]);
	close(null);
	ocap_ns_free(ns);
}

static int value(void *arg)
{
	return *(int *)arg;
}

static int die(void *arg)
{
	raise(*(int *)arg);
	return 0;
}

/* fn's value as the exit status, as exit(3) would pass it; a signal as
 * a signal. */
static void test_status(void **state)
{
	int v = 300, sig = SIGTERM, st = -1;

	(void)state;
	assert_ret(ocap_isolate(value, &v, NULL, NULL, 0, FLAGS, &st), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 300 & 0xff);
	v = 0;
	assert_ret(ocap_isolate(value, &v, NULL, NULL, 0, FLAGS, &st), 0);
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_ret(ocap_isolate(die, &sig, NULL, NULL, 0, FLAGS, &st), 0);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
}

/* Refused before anything runs: *status is left alone, no child is
 * left behind. */
static void test_refused(void **state)
{
	int v = 0, st = -1, closed_, p[2];

	(void)state;
	assert_ret(ocap_isolate(value, &v, NULL, NULL, 0, FLAGS, NULL),
		   -EINVAL);
	assert_ret(ocap_isolate(value, &v, NULL, NULL, 2, FLAGS, &st), -EINVAL);
	/* one just closed, at a number the call's own pipe does not take */
	assert_ret(pipe2(p, O_CLOEXEC), 0);
	closed_ = at(p[1], 700);
	close(closed_);
	assert_ret(ocap_isolate(value, &v, NULL, &closed_, 1, FLAGS, &st),
		   -EBADF);
	close(p[1]);
	assert_ret(ocap_isolate(value, &v, NULL, (int[]){ -1 }, 1, FLAGS, &st),
		   -EBADF);
	/* the child's own refusal: neither way of entering chosen */
	assert_ret(ocap_isolate(value, &v, NULL, NULL, 0, 0, &st), -EINVAL);
	assert_int_equal(st, -1);
	assert_ret(ret_errno(waitpid(-1, NULL, WNOHANG)), -ECHILD);
	close(p[0]);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int slow(void *arg)
{
	(void)arg;
	usleep(200000);
	return 5;
}

/* A signal while the caller waits: the wait goes on. */
static void test_interrupted(void **state)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval t = { { 0, 20000 }, { 0, 20000 } };
	int st = -1;

	(void)state;
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0); /* no SA_RESTART */
	assert_int_equal(setitimer(ITIMER_REAL, &t, NULL), 0);
	assert_ret(ocap_isolate(slow, NULL, NULL, NULL, 0, FLAGS, &st), 0);
	memset(&t, 0, sizeof t);
	setitimer(ITIMER_REAL, &t, NULL);
	sigaction(SIGALRM, &old, NULL);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kept, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_interrupted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
