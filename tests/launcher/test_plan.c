/* SPDX-License-Identifier: MIT */
/*
 * plan.c: a plan's life (defaults, freeing what it holds), its one-line
 * error and warnings, and the exit-status policy.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "plans.h"

/* Core dumps off by default, every other limit the caller's. */
static void test_new(void **state)
{
	ocap_plan *p;

	assert_int_equal(ocap_plan_new(NULL), -EINVAL);
	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(p->rlimits[0].resource, RLIMIT_CORE);
	assert_string_equal(p->rlimits[0].name, "core");
	assert_true(p->rlimits[0].set);
	assert_int_equal(p->rlimits[0].lim.rlim_cur, 0);
	assert_int_equal(p->rlimits[0].lim.rlim_max, 0);
	for (size_t i = 1; i < OCAP_NRLIMITS; i++)
		assert_false(p->rlimits[i].set);
	assert_int_equal(p->npaths, 0);
	assert_null(p->prog);
	assert_int_equal(p->mode, OCAP_MODE_AUTO);
	assert_string_equal(ocap_plan_error(p), "unknown error");
	assert_string_equal(ocap_plan_error(NULL), "unknown error");
	assert_null(ocap_plan_warning(p, 0));
	assert_null(ocap_plan_warning(NULL, 0));
	ocap_plan_free(p);
	ocap_plan_free(NULL);
}

/* Freeing a plan closes the descriptors it opened. */
static void test_free_closes(void **state)
{
	const char *opts[] = { "--ro", "/tmp", "--connect", "unix:/tmp/x",
			       NULL };
	ocap_plan *p = plan_of(opts, NULL);
	int a = open("/tmp", O_PATH | O_CLOEXEC);
	int b = open("/tmp", O_PATH | O_CLOEXEC);

	assert_true(a >= 0 && b >= 0);
	assert_int_equal(p->npaths, 1);
	assert_int_equal(p->nnets, 1);
	p->paths[0].fd = a;
	p->nets[0].dirfd = b;
	ocap_plan_free(p);
	assert_int_equal(fcntl(a, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(fcntl(b, F_GETFD), -1);
}

/* An error is one line, whatever the input it quotes: newlines and other
 * control characters escaped, tabs kept; and it returns the code. */
static void test_fail(void **state)
{
	ocap_plan *p = plan_of(NULL, NULL);
	char long_name[2000];

	assert_int_equal(ocap__plan_fail(p, -ENOENT, "%s: %s", "a\nb\rc\td",
					 "\x1b[31m\x7f"),
			 -ENOENT);
	assert_string_equal(ocap_plan_error(p),
			    "a\\nb\\rc\td: \\x1b[31m\\x7f");
	memset(long_name, 'n', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_int_equal(ocap__plan_fail(p, -EINVAL, "%s", long_name),
			 -EINVAL);
	assert_true(strlen(ocap_plan_error(p)) < sizeof p->err);
	assert_int_equal(ocap_plan_error(p)[0], 'n');
	ocap_plan_free(p);
}

/* Warnings add up in order, one line each. */
static void test_warn(void **state)
{
	ocap_plan *p = plan_of(NULL, NULL);

	assert_int_equal(ocap__plan_warn(p, "first %d", 1), 0);
	assert_int_equal(ocap__plan_warn(p, "second\n%s", "line"), 0);
	assert_string_equal(ocap_plan_warning(p, 0), "first 1");
	assert_string_equal(ocap_plan_warning(p, 1), "second\\nline");
	assert_null(ocap_plan_warning(p, 2));
	assert_int_equal(p->nwarnings, 2);
	ocap_plan_free(p);
}

/* One exit-status policy, as env(1): the program's own once it ran. */
static void test_exit_status(void **state)
{
	char *const missing[] = { "ocap-no-such-program", NULL };
	char *const noexec[] = { "/etc/passwd", NULL };
	ocap_plan *p;

	assert_int_equal(ocap_exit_status(NULL, 0, 3 << 8), 3);
	assert_int_equal(ocap_exit_status(NULL, 0, SIGTERM), 128 + SIGTERM);
	/* an exec that failed in the child */
	assert_int_equal(ocap_exit_status(NULL, -ENOENT, 127 << 8), 127);
	assert_int_equal(ocap_exit_status(NULL, -ENOMEM, 0),
			 OCAP_EXIT_LAUNCHER);
	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap_plan_program(p, missing), -ENOENT);
	assert_int_equal(ocap_exit_status(p, -ENOENT, 0), OCAP_EXIT_NOT_FOUND);
	ocap_plan_free(p);
	/* no execute bit at all: EACCES even for root */
	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap_plan_program(p, noexec), -EACCES);
	assert_int_equal(ocap_exit_status(p, -EACCES, 0),
			 OCAP_EXIT_CANNOT_EXEC);
	ocap_plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_free_closes),
		cmocka_unit_test(test_fail),
		cmocka_unit_test(test_warn),
		cmocka_unit_test(test_exit_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
