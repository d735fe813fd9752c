/* SPDX-License-Identifier: MIT */
/*
 * forked.c: what a forked child does before it runs on its own
 * (ocap_isolate()'s child, the network helper).  ocap__close_except()
 * leaves exactly the listed descriptors open, whatever their order,
 * repeats and negative entries, and sorts the list; ocap__write_int()
 * writes its value whole, retries a write a signal interrupted, and
 * says -EPIPE for every write that did not go through.  Each case runs
 * in a forked child, since closing descriptors is for good.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "casper.h"
#include "child.h"
#include "support.h"

/* Descriptors looked at: every one the cases open is below this. */
#define SPAN 256

/* What a child saw, sent back over a pipe. */
struct seen {
	int r;
	int keep[8];      /* the list after the call */
	char open_[SPAN]; /* 1 for each descriptor still open */
};

static void look(struct seen *s)
{
	for (int fd = 0; fd < SPAN; fd++)
		s->open_[fd] = (char)(fcntl(fd, F_GETFD) >= 0);
}

/* Descriptors at both sides of each kept one, and far from them. */
static const int held[] = { 3, 8, 9, 10, 39, 40, 41, 76, 78, 200, 255 };

struct keep_case {
	int keep[8];
	size_t n;
	int out; /* the pipe's write end, listed in keep */
};

static int keep_child(void *arg)
{
	const struct keep_case *c = arg;
	struct seen s = { 0 };
	int null = open("/dev/null", O_RDONLY); /* not close-on-exec */
	int keep[8];

	if (null < 0)
		return 101;
	for (size_t i = 0; i < sizeof held / sizeof *held; i++)
		if (held[i] != c->out && dup2(null, held[i]) < 0)
			return 102;
	memcpy(keep, c->keep, sizeof keep);
	s.r = ocap__close_except(keep, c->n);
	memcpy(s.keep, keep, sizeof keep);
	look(&s);
	return write(c->out, &s, sizeof s) == (ssize_t)sizeof s ? 0 : 103;
}

/* Run the case; the child's report in *s. */
static void run_keep(struct keep_case *c, struct seen *s)
{
	int p[2];

	assert_ret(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(dup3(p[1], c->out, O_CLOEXEC), c->out);
	close(p[1]);
	assert_int_equal(run_child(keep_child, c), 0);
	close(c->out);
	assert_int_equal(read(p[0], s, sizeof *s), sizeof *s);
	close(p[0]);
}

/* Listed out of order, one twice, negative entries among them: those
 * alone stay open, close-on-exec or not, neighbours closed; the list
 * comes back sorted. */
static void test_keeps_listed(void **state)
{
	struct keep_case c = { { 40, -1, 77, 9, 9, 0, -5 }, 7, 77 };
	static const int sorted[] = { -5, -1, 0, 9, 9, 40, 77 };
	struct seen s;

	(void)state;
	run_keep(&c, &s);
	assert_ret(s.r, 0);
	assert_memory_equal(s.keep, sorted, sizeof sorted);
	for (int fd = 0; fd < SPAN; fd++) {
		bool want = fd == 0 || fd == 9 || fd == 40 || fd == 77;

		if (s.open_[fd] != want)
			fail_msg("fd %d: %s, expected %s", fd,
				 s.open_[fd] ? "open" : "closed",
				 want ? "open" : "closed");
	}
}

/* Only the pipe, the highest of all: everything below it goes, stdio
 * too, and everything above. */
static void test_keeps_one(void **state)
{
	struct keep_case c = { { 254 }, 1, 254 };
	struct seen s;

	(void)state;
	run_keep(&c, &s);
	assert_ret(s.r, 0);
	for (int fd = 0; fd < SPAN; fd++)
		if (s.open_[fd] != (fd == 254))
			fail_msg("fd %d: %s", fd,
				 s.open_[fd] ? "open" : "closed");
}

/* Nothing kept: nothing is left open, and the child says so by its
 * status (it has no descriptor left to write to). */
static int none_child(void *arg)
{
	int keep[1] = { -1 }, r, open_ = 0;

	for (size_t i = 0; i < sizeof held / sizeof *held; i++)
		if (dup2(STDERR_FILENO, held[i]) < 0)
			return 101;
	r = ocap__close_except(keep, *(const size_t *)arg);
	if (r < 0)
		return 102;
	for (int fd = 0; fd < SPAN; fd++)
		open_ += fcntl(fd, F_GETFD) >= 0;
	return open_;
}

static void test_keeps_none(void **state)
{
	size_t n;

	(void)state;
	n = 0;
	assert_int_equal(run_child(none_child, &n), 0);
	n = 1; /* one entry, negative */
	assert_int_equal(run_child(none_child, &n), 0);
}

static void test_write_whole(void **state)
{
	int p[2], got[2];

	(void)state;
	assert_ret(pipe2(p, O_CLOEXEC), 0);
	assert_ret(ocap__write_int(p[1], -EACCES), 0);
	assert_ret(ocap__write_int(p[1], 0x7fffffff), 0);
	close(p[1]);
	assert_int_equal(read(p[0], got, sizeof got), sizeof got);
	assert_int_equal(got[0], -EACCES);
	assert_int_equal(got[1], 0x7fffffff);
	assert_int_equal(read(p[0], got, sizeof got), 0);
	close(p[0]);
}

/* A pipe filled up, not blocking: its capacity is what was written. */
static size_t fill(int fd)
{
	static const char block[4096];
	size_t total = 0;
	ssize_t k;

	assert_ret(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	while ((k = write(fd, block, sizeof block)) > 0)
		total += (size_t)k;
	while ((k = write(fd, block, 1)) > 0)
		total += (size_t)k;
	assert_int_equal(errno, EAGAIN);
	return total;
}

/* Whatever stops the write is -EPIPE: nobody reading (SIGPIPE
 * ignored), no such descriptor, a full pipe that does not block; a
 * full pipe takes no part of the value. */
static void test_write_fails(void **state)
{
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	int p[2], n;
	size_t cap;

	(void)state;
	assert_ret(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	assert_ret(ocap__write_int(p[1], 1), -EPIPE);
	close(p[1]);
	assert_ret(ocap__write_int(p[1], 1), -EPIPE);
	assert_ret(ocap__write_int(-1, 1), -EPIPE);
	signal(SIGPIPE, old);

	assert_ret(pipe2(p, O_CLOEXEC), 0);
	cap = fill(p[1]);
	assert_ret(ocap__write_int(p[1], 1), -EPIPE);
	assert_ret(ioctl(p[0], FIONREAD, &n), 0);
	assert_int_equal((size_t)n, cap);
	close(p[0]);
	close(p[1]);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

struct full {
	int p[2];
	size_t cap; /* what filled it */
};

/* Takes what filled the pipe, and no more, once the writer has been
 * interrupted. */
static void *drain(void *arg)
{
	const struct full *f = arg;
	char buf[4096];
	size_t left = f->cap;
	ssize_t k;

	for (int i = 0; i < 500 && !alarms; i++)
		usleep(2000);
	usleep(20000); /* the writer is blocked again */
	while (left > 0 &&
	       (k = read(f->p[0], buf, left < sizeof buf ? left : sizeof buf)) > 0)
		left -= (size_t)k;
	return NULL;
}

static int interrupted_child(void *arg)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	struct itimerval it = { .it_value = { 0, 30000 } };
	sigset_t alrm, old;
	struct full f = { .cap = 0 };
	pthread_t t;
	int v = 0, r;
	char buf[4096] = "";
	ssize_t k;

	(void)arg;
	if (pipe2(f.p, O_CLOEXEC) < 0 || fcntl(f.p[1], F_SETFL, O_NONBLOCK) < 0)
		return 101;
	while ((k = write(f.p[1], buf, sizeof buf)) > 0)
		f.cap += (size_t)k;
	while ((k = write(f.p[1], buf, 1)) > 0)
		f.cap += (size_t)k;
	if (fcntl(f.p[1], F_SETFL, 0) < 0 || sigaction(SIGALRM, &sa, NULL) < 0)
		return 102;
	/* The drainer does not take the signal: the writer does. */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, &old);
	if (pthread_create(&t, NULL, drain, &f))
		return 103;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		return 104;
	r = ocap__write_int(f.p[1], 4242);
	pthread_join(t, NULL);
	if (r != 0)
		return 105;
	if (alarms != 1)
		return 106;
	close(f.p[1]);
	/* The value came whole, after what filled the pipe. */
	if (read(f.p[0], &v, sizeof v) != (ssize_t)sizeof v || v != 4242)
		return 107;
	return read(f.p[0], buf, 1) == 0 ? 0 : 108;
}

static void test_write_interrupted(void **state)
{
	char why[64];
	int st;

	(void)state;
	st = run_child(interrupted_child, NULL);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("child: %s", status_str(st, why, sizeof why));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_listed),
		cmocka_unit_test(test_keeps_one),
		cmocka_unit_test(test_keeps_none),
		cmocka_unit_test(test_write_whole),
		cmocka_unit_test(test_write_fails),
		cmocka_unit_test(test_write_interrupted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
