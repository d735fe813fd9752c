/* SPDX-License-Identifier: MIT */
/*
 * env.c and tmpdir.c: the program's environment, and the private
 * temporary directory's life (made, named, removed without following a
 * link the program left).
 */
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
#include "tmpdir.h"

static const char *get(char **envp, const char *name)
{
	size_t len = strlen(name);

	for (; *envp; envp++)
		if (!strncmp(*envp, name, len) && (*envp)[len] == '=')
			return *envp + len + 1;
	return NULL;
}

static ocap_plan *plan_of(const char *const *opts)
{
	ocap_plan *p;

	assert_int_equal(ocap_plan_new(&p), 0);
	for (size_t i = 0; opts && opts[i]; i += 2)
		assert_int_equal(ocap_plan_option(p, opts[i], opts[i + 1], "t",
						  NULL), 0);
	return p;
}

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
	p = plan_of(opts);
	assert_int_equal(ocap__build_env(p, &envp), 0);
	assert_string_equal(get(envp, "A"), "2");
	assert_string_equal(get(envp, "OCAP_TEST_PASS"), "passed");
	assert_null(get(envp, "OCAP_TEST_SECRET"));
	assert_string_equal(get(envp, "HOME"), "/home/test");
	assert_string_equal(get(envp, "OCAP_ROOT"), "3");
	/* not made yet: the template's name; an --env wins over it */
	assert_non_null(strstr(get(envp, "TMPDIR"), "/ocap.XXXXXX"));
	assert_string_equal(get(envp, "TEMP"), get(envp, "TMPDIR"));
	assert_string_equal(get(envp, "TMP"), "mine");
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
	ocap_plan *p = plan_of(opts);
	char **envp;

	setenv("OCAP_TEST_SECRET", "x", 1);
	unsetenv("TMPDIR");
	assert_int_equal(ocap__build_env(p, &envp), 0);
	assert_null(get(envp, "TMPDIR"));
	assert_null(get(envp, "TEMP"));
	assert_string_equal(get(envp, "OCAP_TEST_SECRET"), "x");
	ocap__free_env(envp);
	ocap_plan_free(p);
}

static char base[] = "/tmp/ocap-env-XXXXXX";

/* Made in the caller's TMPDIR, 0700, granted read-write; removed with
 * what the program left, links included but not what they name. */
static void test_tmpdir_life(void **state)
{
	char outside[sizeof base + 16], path[PATH_MAX], link[PATH_MAX];
	ocap_plan *p = plan_of(NULL);
	struct stat st;
	const char *dir;
	int fd;

	setenv("TMPDIR", base, 1);
	snprintf(outside, sizeof outside, "%s/keep", base);
	assert_int_equal(mkdir(outside, 0700), 0);
	assert_int_equal(ocap__tmpdir_plan(p), 0);
	assert_int_equal(p->tmpdir_grant, p->npaths);
	assert_int_equal(p->paths[p->npaths - 1].rights, OCAP_RIGHTS_RW);
	assert_int_equal(ocap__tmpdir_make(p), 0);
	dir = p->tmpdir;
	assert_non_null(dir);
	assert_int_equal(strncmp(dir, base, strlen(base)), 0);
	assert_string_equal(p->paths[p->npaths - 1].name, dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* what a program might leave */
	snprintf(path, sizeof path, "%s/a", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/a/b", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/a/b/f", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	snprintf(link, sizeof link, "%s/a/out", dir);
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(ocap__tmpdir_remove(p), 0);
	assert_null(p->tmpdir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(stat(outside, &st), 0); /* not followed */
	assert_int_equal(rmdir(outside), 0);
	ocap_plan_free(p);
}

/* --keep-tmpdir: left, and named. */
static void test_tmpdir_keep(void **state)
{
	const char *opts[] = { "--keep-tmpdir", NULL, NULL };
	ocap_plan *p = plan_of(opts);
	char dir[PATH_MAX];

	setenv("TMPDIR", base, 1);
	assert_int_equal(ocap__tmpdir_plan(p), 0);
	assert_int_equal(ocap__tmpdir_make(p), 0);
	assert_int_equal(ocap__tmpdir_remove(p), 0);
	assert_non_null(ocap_plan_tmpdir(p));
	snprintf(dir, sizeof dir, "%s", ocap_plan_tmpdir(p));
	assert_int_equal(rmdir(dir), 0);
	ocap_plan_free(p);
}

static int setup(void **state)
{
	return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
	return rmdir(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_order),
		cmocka_unit_test(test_env_no_tmpdir),
		cmocka_unit_test(test_tmpdir_life),
		cmocka_unit_test(test_tmpdir_keep),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
