/* SPDX-License-Identifier: MIT */
/*
 * The broker process (launcher/broker/broker.c), live: its arguments, the
 * program's status passed on, the signals it forwards and the descendants
 * it kills once the program is gone, generation after generation.  Each
 * test forks a broker process, a child subreaper as ocapsh is, that builds
 * a plan by hand over real sockets, starts a client with its end of the
 * root descriptor in $OCAP_ROOT and serves it with ocap__broker_run()
 * (world.c).  The client runs a scenario with child_check() and its exit
 * status comes back through the broker's.
 *
 * The other broker units have test files of their own: test_chan.c,
 * test_loop.c, test_net.c, test_open.c, and, with the client under the
 * supervised seccomp program, test_supervise.c, test_meta.c, test_hide.c,
 * test_send.c and test_suggest.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compile.h"
#include "world.h"

/* ---- reaping and signals ---------------------------------------------- */

/* Left behind by the program: say so on fd (if any), then wait to be
 * killed, as the broker does when the program exits. */
static _Noreturn void linger(int fd)
{
	close(root_fd());
	alarm(90); /* a stray, should the broker not kill it */
	if (fd >= 0)
		child_check(write(fd, "l", 1), 1);
	for (;;)
		pause();
}

static void await_linger(int p[2])
{
	char c;

	close(p[1]);
	child_check(read(p[0], &c, 1), 1);
	close(p[0]);
}

static int sc_linger(struct world *w)
{
	int p[2];

	child_check(pipe(p), 0);
	if (fork() == 0) {
		/* A daemon: a session of its own, deaf to SIGTERM and SIGHUP. */
		setsid();
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		if (fork() == 0) {
			close(open(w->marker, O_WRONLY | O_CREAT | O_CLOEXEC,
				   0600));
			linger(p[1]);
		}
		_exit(0);
	}
	await_linger(p);
	return 0;
}

static void on_signal(int sig)
{
	_exit(sig == SIGTERM ? 42 : 43);
}

static int sc_wait_signal(struct world *w)
{
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	ready(w);
	while (pause() < 0 && errno == EINTR)
		;
	return 99; /* not reached: the handler exits */
}

static int sc_linger_tree(struct world *w)
{
	int p[2];
	pid_t c;

	child_check(pipe(p), 0);
	if (fork() == 0) {
		/* A subreaper: the orphan below reaches the broker only once
		 * this is killed. */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		if ((c = fork()) == 0) {
			if (fork() == 0)
				linger(p[1]);
			_exit(0);
		}
		waitpid(c, NULL, 0);
		linger(-1);
	}
	await_linger(p);
	return 7;
}

static int sc_killed(struct world *w)
{
	raise(SIGUSR1);
	return 0;
}

/* ---- the tests ------------------------------------------------------------ */

static void test_linger(void **state)
{
	struct run r;

	(void)state;
	run_start(&r, 0, sc_linger);
	/* The daemon ran (it wrote the marker) and the broker returned all
	 * the same: it killed it rather than wait for it. */
	assert_ret(run_finish(&r), 0);
	assert_true(r.marker);
}

static void test_signals(void **state)
{
	/* SIGHUP is not handled: the program dies of it, 128 + 1. */
	static const struct { int sig, want; } cases[] = {
		{ SIGTERM, 42 }, { SIGINT, 43 }, { SIGHUP, 128 + SIGHUP },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct run r;

		run_start(&r, 0, sc_wait_signal);
		run_await(&r);
		kill(r.w.broker, cases[i].sig);
		assert_ret(run_finish(&r), cases[i].want);
	}
}

static void test_bad_args(void **state)
{
	struct ocap_compiled c = { 0 };
	int st;

	(void)state;
	assert_ret(ocap_plan_new(&c.plan), 0);
	assert_ret(ocap__broker_run(NULL, 0, -1, 1, &st), -EINVAL);
	assert_ret(ocap__broker_run(&c, -1, -1, 1, &st), -EINVAL);
	assert_ret(ocap__broker_run(&c, 0, -1, 0, &st), -EINVAL);
	assert_ret(ocap__broker_run(&c, 0, -1, 1, NULL), -EINVAL);
	ocap_plan_free(c.plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_linger),
		cmocka_unit_test(test_signals),
		/* killing goes on, generation after generation, until
		 * none is left */
		CASE("test_linger_tree", sc_linger_tree, 0, 7),
		CASE("test_status", sc_killed, 0, 128 + SIGUSR1),
	};

	return world_main("broker", tests, sizeof tests / sizeof *tests);
}
