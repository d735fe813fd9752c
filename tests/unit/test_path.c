/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

struct norm_case {
	const char *cwd;
	const char *path;
	const char *want;
};

static void check_cases(const struct norm_case *c, size_t n)
{
	char out[OCAP_NAME_MAX + 1];
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		memset(out, 'X', sizeof(out));
		rc = ocap_path_normalize(c[i].cwd, c[i].path, out,
					 sizeof(out));
		if (rc != (int)strlen(c[i].want) ||
		    strcmp(out, c[i].want) != 0)
			fail_msg("normalize(\"%s\", \"%s\") = %d \"%.*s\", "
				 "expected \"%s\"", c[i].cwd ? c[i].cwd : "NULL",
				 c[i].path, rc, rc > 0 ? rc : 0, out,
				 c[i].want);
	}
}
#define CHECK(cases) check_cases(cases, sizeof(cases) / sizeof((cases)[0]))

static void test_absolute(void **state)
{
	static const struct norm_case cases[] = {
		{ NULL, "/", "/" },
		{ NULL, "/a", "/a" },
		{ NULL, "/a/b/c", "/a/b/c" },
		{ "/x", "/a", "/a" },
		{ "relative", "/a", "/a" }, /* cwd ignored */
		{ "", "/a/b", "/a/b" },
	};

	CHECK(cases);
}

static void test_dots(void **state)
{
	static const struct norm_case cases[] = {
		{ NULL, "/a/./b", "/a/b" },
		{ NULL, "/./a", "/a" },
		{ NULL, "/.", "/" },
		{ NULL, "/a/b/../c", "/a/c" },
		{ NULL, "/a/b/c/../../d", "/a/d" },
		{ NULL, "/a/b/..", "/a/" },
		{ NULL, "/a/b/.", "/a/b/" },
		{ NULL, "/a/b/./", "/a/b/" },
		{ NULL, "/a/b/../", "/a/" },
		{ NULL, "/a/..", "/" },
		{ NULL, "/a/../b", "/b" },
		{ NULL, "/a/.hidden", "/a/.hidden" },
		{ NULL, "/a/..b", "/a/..b" },
		{ NULL, "/a/b..", "/a/b.." },
		{ NULL, "/...", "/..." },
		{ NULL, "/a/.../b", "/a/.../b" },
		{ NULL, "/a/.b/.", "/a/.b/" },
	};

	CHECK(cases);
}

static void test_dotdot_above_root(void **state)
{
	static const struct norm_case cases[] = {
		{ NULL, "/..", "/" },
		{ NULL, "/../..", "/" },
		{ NULL, "/../a", "/a" },
		{ NULL, "/../../a/b", "/a/b" },
		{ NULL, "/a/../../b", "/b" },
		{ NULL, "/a/b/../../../..", "/" },
		{ NULL, "/a/../../../a/..", "/" },
		{ "/", "..", "/" },
		{ "/", "../../x", "/x" },
		{ "/x", "../..", "/" },
		{ "/x/y", "../../../z/", "/z/" },
	};

	CHECK(cases);
}

static void test_slashes(void **state)
{
	static const struct norm_case cases[] = {
		{ NULL, "//", "/" },
		{ NULL, "///", "/" },
		{ NULL, "//a", "/a" },
		{ NULL, "/a//b", "/a/b" },
		{ NULL, "/a///b////c", "/a/b/c" },
		{ NULL, "/a/", "/a/" },
		{ NULL, "/a//", "/a/" },
		{ NULL, "/a/b///", "/a/b/" },
		{ NULL, "//a//..//", "/" },
		{ NULL, "/a/.//", "/a/" },
	};

	CHECK(cases);
}

static void test_relative(void **state)
{
	static const struct norm_case cases[] = {
		{ "/", "a", "/a" },
		{ "/", "a/b", "/a/b" },
		{ "/x", "a", "/x/a" },
		{ "/x/y", "a/b", "/x/y/a/b" },
		{ "/x/y", "../a", "/x/a" },
		{ "/x/y", "..", "/x/" },
		{ "/x/y", ".", "/x/y/" },
		{ "/x/y", "./", "/x/y/" },
		{ "/x/y", "a/", "/x/y/a/" },
		{ "/x/y", "a/..", "/x/y/" },
		{ "/x", "..", "/" },
		{ "/", ".", "/" },
		{ "/x/", "a", "/x/a" },
		{ "/x//y/", "a", "/x/y/a" },
		{ "/x/./y", "a", "/x/y/a" },
		{ "/x/../y", "a", "/y/a" },
		{ "/x", "a//b/./c/..", "/x/a/b/" },
		{ "/x", ".a", "/x/.a" },
	};

	CHECK(cases);
}

static void test_errors(void **state)
{
	char out[64];

	assert_ret(ocap_path_normalize("/", "", out, sizeof(out)), -ENOENT);
	assert_ret(ocap_path_normalize("/x", "", out, sizeof(out)), -ENOENT);
	assert_ret(ocap_path_normalize("/", NULL, out, sizeof(out)), -EINVAL);
	assert_ret(ocap_path_normalize(NULL, "a", out, sizeof(out)), -EINVAL);
	assert_ret(ocap_path_normalize("x", "a", out, sizeof(out)), -EINVAL);
	assert_ret(ocap_path_normalize("", "a", out, sizeof(out)), -EINVAL);
	assert_ret(ocap_path_normalize("x/y", ".", out, sizeof(out)),
		   -EINVAL);
}

static char *repeat(const char *head, const char *unit, size_t n,
		    const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * n + tl + 1);
	size_t i;

	assert_non_null(s);
	memcpy(s, head, hl);
	for (i = 0; i < n; i++)
		memcpy(s + hl + i * ul, unit, ul);
	memcpy(s + hl + n * ul, tail, tl + 1);
	return s;
}

/* "/" followed by a name: a path of exactly len bytes. */
static char *path_of_len(size_t len)
{
	char *s = repeat("/", "a", len - 1, "");

	return s;
}

static void test_name_max_boundary(void **state)
{
	static char out[2 * OCAP_NAME_MAX];
	char *p;

	p = path_of_len(OCAP_NAME_MAX);
	assert_ret(ocap_path_normalize(NULL, p, out, sizeof(out)),
		   OCAP_NAME_MAX);
	assert_string_equal(out, p);
	assert_ret(ocap_path_normalize(NULL, p, out, OCAP_NAME_MAX + 1),
		   OCAP_NAME_MAX);
	assert_ret(ocap_path_normalize(NULL, p, out, OCAP_NAME_MAX),
		   -ENAMETOOLONG);
	free(p);

	p = path_of_len(OCAP_NAME_MAX + 1);
	assert_ret(ocap_path_normalize(NULL, p, out, sizeof(out)),
		   -ENAMETOOLONG);
	free(p);

	/* A trailing slash counts. */
	p = repeat("/", "a", OCAP_NAME_MAX - 2, "/");
	assert_ret(ocap_path_normalize(NULL, p, out, sizeof(out)),
		   OCAP_NAME_MAX);
	free(p);
	p = repeat("/", "a", OCAP_NAME_MAX - 1, "/");
	assert_ret(ocap_path_normalize(NULL, p, out, sizeof(out)),
		   -ENAMETOOLONG);
	free(p);
}

/* Normalise a malloc'd path, free it, then compare. */
static void check_owned(const char *cwd, char *p, const char *want,
			int line)
{
	static char out[2 * OCAP_NAME_MAX];
	int rc = ocap_path_normalize(cwd, p, out, sizeof(out));

	free(p);
	if (rc != (int)strlen(want) || strcmp(out, want) != 0)
		fail_msg("line %d: normalize = %d (%s), expected %zu", line,
			 rc, ret_name(rc), strlen(want));
}

/* As for the kernel, a path string of PATH_MAX bytes or more is too long,
 * however short it normalises. */
static void test_long_input_short_result(void **state)
{
	static char out[2 * OCAP_NAME_MAX];
	char *p = repeat("", "/b/..", 3000, "/a");

	assert_true(strlen(p) >= PATH_MAX);
	assert_ret(ocap_path_normalize(NULL, p, out, sizeof(out)),
		   -ENAMETOOLONG);
	free(p);
	check_owned(NULL, repeat("/", "/", 4000, "x"), "/x", __LINE__);
	check_owned("/", repeat("", "./", 2000, "y"), "/y", __LINE__);
}

/* Only the result's length counts: cwd and path together may pass the
 * limit on the way when ".." takes it back. */
static void test_long_intermediate(void **state)
{
	static char cwd[4004], want[4004];
	char *a = repeat("/", "a", 4000, ""); /* "/aaa..." */
	char *p = repeat("", "b", 200, "/../c");

	snprintf(cwd, sizeof(cwd), "%s", a);
	snprintf(want, sizeof(want), "%s/c", a);
	free(a);
	check_owned(cwd, p, want, __LINE__);
	check_owned(NULL, repeat("/", "x", OCAP_NAME_MAX - 4, "/.."), "/",
		    __LINE__);
}

/* The cwd's length counts for relative paths. */
static void test_long_cwd(void **state)
{
	static char out[2 * OCAP_NAME_MAX];
	char *cwd = path_of_len(OCAP_NAME_MAX - 2);

	assert_ret(ocap_path_normalize(cwd, "b", out, sizeof(out)),
		   OCAP_NAME_MAX);
	assert_ret(ocap_path_normalize(cwd, "bc", out, sizeof(out)),
		   -ENAMETOOLONG);
	assert_ret(ocap_path_normalize(cwd, "../bc", out, sizeof(out)), 3);
	assert_string_equal(out, "/bc");
	free(cwd);
}

static void test_small_buffer(void **state)
{
	char out[8];

	assert_ret(ocap_path_normalize(NULL, "/abc", out, 5), 4);
	assert_string_equal(out, "/abc");
	assert_ret(ocap_path_normalize(NULL, "/abc", out, 4), -ENAMETOOLONG);
	assert_ret(ocap_path_normalize(NULL, "/", out, 2), 1);
	assert_string_equal(out, "/");
	assert_ret(ocap_path_normalize(NULL, "/", out, 1), -ENAMETOOLONG);
	assert_ret(ocap_path_normalize("/x", "..", out, 2), 1);
	assert_ret(ocap_path_normalize("/x", ".", out, 4), 3);
	assert_string_equal(out, "/x/");
	assert_ret(ocap_path_normalize("/x", ".", out, 3), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_dots),
		cmocka_unit_test(test_dotdot_above_root),
		cmocka_unit_test(test_slashes),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_name_max_boundary),
		cmocka_unit_test(test_long_input_short_result),
		cmocka_unit_test(test_long_intermediate),
		cmocka_unit_test(test_long_cwd),
		cmocka_unit_test(test_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
