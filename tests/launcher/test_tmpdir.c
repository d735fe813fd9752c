/* SPDX-License-Identifier: MIT */
/*
 * tmpdir.c: the private temporary directory's life (planned under a
 * template, made 0700, named in TMPDIR, TMP and TEMP, removed without
 * following a link the program left, kept with --keep-tmpdir).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "tmpdir.h"

static char base[] = "/tmp/ocap-tmpdir-XXXXXX";

/* Made in the caller's TMPDIR, 0700, granted read-write; removed with
 * what the program left, links included but not what they name. */
static void test_tmpdir_life(void **state)
{
	char outside[sizeof base + 16], path[PATH_MAX], link[PATH_MAX];
	ocap_plan *p = plan_of(NULL, NULL);
	struct ocap_compiled *c = compiled_bare(p, OCAP_MODE_COMPAT);
	struct stat st;
	const char *dir;
	int fd;

	setenv("TMPDIR", base, 1);
	snprintf(outside, sizeof outside, "%s/keep", base);
	assert_int_equal(mkdir(outside, 0700), 0);
	assert_int_equal(ocap__tmpdir_plan(c), 0);
	assert_int_equal(c->tmpdir_grant, c->npaths);
	assert_int_equal(p->npaths, 0); /* the plan's own list is untouched */
	assert_int_equal(c->paths[c->npaths - 1].rights, OCAP_RIGHTS_RW);
	assert_int_equal(ocap__tmpdir_make(c), 0);
	dir = p->tmpdir;
	assert_non_null(dir);
	assert_int_equal(strncmp(dir, base, strlen(base)), 0);
	assert_string_equal(c->paths[c->npaths - 1].name, dir);
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
	ocap_plan *p = plan_of(opts, NULL);
	struct ocap_compiled *c = compiled_bare(p, OCAP_MODE_COMPAT);
	char dir[PATH_MAX];

	setenv("TMPDIR", base, 1);
	assert_int_equal(ocap__tmpdir_plan(c), 0);
	assert_int_equal(ocap__tmpdir_make(c), 0);
	assert_int_equal(ocap__tmpdir_remove(p), 0);
	assert_non_null(ocap_plan_tmpdir(p));
	snprintf(dir, sizeof dir, "%s", ocap_plan_tmpdir(p));
	assert_int_equal(rmdir(dir), 0);
	ocap_plan_free(p);
}

/* The caller's TMPDIR when it is an absolute directory, else /tmp; the
 * template goes beneath it, with one slash. */
static void test_tmpdir_base(void **state)
{
	char want[PATH_MAX], got[PATH_MAX], slash[PATH_MAX], small[8];

	unsetenv("TMPDIR");
	assert_string_equal(ocap__tmpdir_base(), "/tmp");
	setenv("TMPDIR", "relative/dir", 1);
	assert_string_equal(ocap__tmpdir_base(), "/tmp");
	setenv("TMPDIR", "/nonexistent/ocap-tmpdir", 1);
	assert_string_equal(ocap__tmpdir_base(), "/tmp");
	setenv("TMPDIR", "/etc/passwd", 1); /* not a directory */
	assert_string_equal(ocap__tmpdir_base(), "/tmp");
	assert_int_equal(ocap__tmpdir_template(got, sizeof got), 0);
	assert_string_equal(got, "/tmp/ocap.XXXXXX");

	setenv("TMPDIR", base, 1);
	assert_string_equal(ocap__tmpdir_base(), base);
	snprintf(want, sizeof want, "%s/ocap.XXXXXX", base);
	assert_int_equal(ocap__tmpdir_template(got, sizeof got), 0);
	assert_string_equal(got, want);
	snprintf(slash, sizeof slash, "%s/", base);
	setenv("TMPDIR", slash, 1);
	assert_int_equal(ocap__tmpdir_template(got, sizeof got), 0);
	assert_string_equal(got, want);
	assert_int_equal(ocap__tmpdir_template(small, sizeof small),
			 -ENAMETOOLONG);
}

/* Until it is made, the grant and the environment hold the template;
 * once made, the directory's own name, in all three variables. */
static void test_tmpdir_named(void **state)
{
	ocap_plan *p = plan_of(NULL, NULL);
	struct ocap_compiled *c = compiled_bare(p, OCAP_MODE_COMPAT);
	char tmpl[PATH_MAX], **envp;

	setenv("TMPDIR", base, 1);
	assert_int_equal(ocap__tmpdir_template(tmpl, sizeof tmpl), 0);
	assert_int_equal(ocap__tmpdir_plan(c), 0);
	assert_string_equal(c->paths[c->tmpdir_grant - 1].name, tmpl);
	assert_string_equal(c->paths[c->tmpdir_grant - 1].where, "tmpdir");
	assert_true(c->paths[c->tmpdir_grant - 1].runtime);
	assert_null(ocap_plan_tmpdir(p));
	assert_int_equal(ocap__build_env(c, &envp), 0);
	assert_string_equal(env_get(envp, "TMPDIR"), tmpl);
	ocap__free_env(envp);

	assert_int_equal(ocap__tmpdir_make(c), 0);
	assert_string_not_equal(p->tmpdir, tmpl);
	assert_int_equal(strlen(p->tmpdir), strlen(tmpl));
	assert_int_equal(strncmp(p->tmpdir, tmpl, strlen(tmpl) - 6), 0);
	/* made once per launch */
	assert_int_equal(ocap__tmpdir_make(c), 0);
	assert_string_equal(c->paths[c->tmpdir_grant - 1].name, p->tmpdir);
	assert_int_equal(ocap__build_env(c, &envp), 0);
	assert_string_equal(env_get(envp, "TMPDIR"), p->tmpdir);
	assert_string_equal(env_get(envp, "TMP"), p->tmpdir);
	assert_string_equal(env_get(envp, "TEMP"), p->tmpdir);
	ocap__free_env(envp);
	assert_int_equal(ocap__tmpdir_remove(p), 0);
	ocap_plan_free(p);
}

/* --no-tmpdir: nothing planned, made or removed. */
static void test_tmpdir_none(void **state)
{
	const char *opts[] = { "--no-tmpdir", NULL, NULL };
	ocap_plan *p = plan_of(opts, NULL);
	struct ocap_compiled *c = compiled_bare(p, OCAP_MODE_COMPAT);

	assert_int_equal(ocap__tmpdir_plan(c), 0);
	assert_int_equal(c->npaths, 0);
	assert_int_equal(c->tmpdir_grant, 0);
	assert_int_equal(ocap__tmpdir_make(c), 0);
	assert_null(ocap_plan_tmpdir(p));
	assert_int_equal(ocap__tmpdir_remove(p), 0);
	ocap_plan_free(p);
}

/* A directory that cannot be made fails the plan with the reason; one
 * already gone by removal time is not an error. */
static void test_tmpdir_errors(void **state)
{
	char gone[sizeof base + 8];
	ocap_plan *p = plan_of(NULL, NULL);
	struct ocap_compiled *c = compiled_bare(p, OCAP_MODE_COMPAT);

	snprintf(gone, sizeof gone, "%s/gone", base);
	assert_int_equal(mkdir(gone, 0700), 0);
	setenv("TMPDIR", gone, 1);
	assert_int_equal(ocap__tmpdir_plan(c), 0);
	assert_int_equal(rmdir(gone), 0);
	assert_int_equal(ocap__tmpdir_make(c), -ENOENT);
	assert_int_equal(strncmp(ocap_plan_error(p), "tmpdir: ", 8), 0);
	assert_non_null(strstr(ocap_plan_error(p), "No such file or directory"));
	assert_null(ocap_plan_tmpdir(p));
	ocap_plan_free(p);

	p = plan_of(NULL, NULL);
	c = compiled_bare(p, OCAP_MODE_COMPAT);
	setenv("TMPDIR", base, 1);
	assert_int_equal(ocap__tmpdir_plan(c), 0);
	assert_int_equal(ocap__tmpdir_make(c), 0);
	assert_int_equal(rmdir(p->tmpdir), 0);
	assert_int_equal(ocap__tmpdir_remove(p), 0);
	assert_null(ocap_plan_tmpdir(p));
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
		cmocka_unit_test(test_tmpdir_life),
		cmocka_unit_test(test_tmpdir_keep),
		cmocka_unit_test(test_tmpdir_base),
		cmocka_unit_test(test_tmpdir_named),
		cmocka_unit_test(test_tmpdir_none),
		cmocka_unit_test(test_tmpdir_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
