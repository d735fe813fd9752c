/* SPDX-License-Identifier: MIT */
/* env.c: the program's environment. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "compile.h"
#include "plans.h"

/* The default set, then TMPDIR, then --env in order, then OCAP_ROOT. */
static void test_env_order(void **state)
{
	const char *opts[] = { "--env", "A=1", "--env", "A=2", "--env",
			       "OCAP_TEST_PASS", "--env", "TMP=mine", NULL };
	ocap_plan *p;
	char **envp;

	setenv("OCAP_TEST_PASS", "passed", 1);
	setenv("OCAP_TEST_SECRET", "x", 1);
	setenv("HOME", "/home/test", 1);
	p = plan_of(opts, NULL);
	assert_int_equal(ocap__build_env(compiled_bare(p, OCAP_MODE_COMPAT), &envp),
			 0);
	assert_string_equal(env_get(envp, "A"), "2");
	assert_string_equal(env_get(envp, "OCAP_TEST_PASS"), "passed");
	assert_null(env_get(envp, "OCAP_TEST_SECRET"));
	assert_string_equal(env_get(envp, "HOME"), "/home/test");
	assert_string_equal(env_get(envp, "OCAP_ROOT"), "3");
	/* not made yet: the template's name; an --env wins over it */
	assert_non_null(strstr(env_get(envp, "TMPDIR"), "/ocap.XXXXXX"));
	assert_string_equal(env_get(envp, "TEMP"), env_get(envp, "TMPDIR"));
	assert_string_equal(env_get(envp, "TMP"), "mine");
	assert_string_equal(ocap__env_value(p, "A"), "2");
	assert_string_equal(ocap__env_value(p, "HOME"), "/home/test");
	assert_null(ocap__env_value(p, "OCAP_TEST_SECRET"));
	ocap__free_env(envp);
	ocap_plan_free(p);
}

static void test_env_no_tmpdir(void **state)
{
	const char *opts[] = { "--no-tmpdir", NULL, "--inherit-env", NULL,
			       NULL };
	ocap_plan *p = plan_of(opts, NULL);
	char **envp;

	setenv("OCAP_TEST_SECRET", "x", 1);
	unsetenv("TMPDIR");
	assert_int_equal(ocap__build_env(compiled_bare(p, OCAP_MODE_COMPAT), &envp),
			 0);
	assert_null(env_get(envp, "TMPDIR"));
	assert_null(env_get(envp, "TEMP"));
	assert_string_equal(env_get(envp, "OCAP_TEST_SECRET"), "x");
	ocap__free_env(envp);
	ocap_plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_order),
		cmocka_unit_test(test_env_no_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
