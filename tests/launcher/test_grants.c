/* SPDX-License-Identifier: MIT */
/*
 * grants.c: options into a plan, and what part of an option's value is a
 * path (the capability shell keeps options and makes those absolute);
 * presets, read from this build tree.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"

struct path_case {
	const char *opt, *value;
	int ret;
	const char *path; /* the part named, when ret is 1 */
	ocap_rights_t rights;
};

static const struct path_case path_cases[] = {
	{ "--ro", "a/b", 1, "a/b", OCAP_RIGHTS_RO },
	{ "--rw", "/x", 1, "/x", OCAP_RIGHTS_RW },
	{ "--rx", "/usr/bin", 1, "/usr/bin", OCAP_RIGHTS_RX },
	/* the last '=' splits: rights never hold one */
	{ "--grant", "./a=b=read,write", 1, "./a=b",
	  OCAP_RIGHT_READ | OCAP_RIGHT_WRITE },
	{ "--grant", "./a=read,fly", -EINVAL, NULL, 0 },
	{ "--grant", "./a", -EINVAL, NULL, 0 },
	{ "--connect", "unix:./s", 1, "./s", 0 },
	{ "--connect", "example.org:443", 0, NULL, 0 },
	{ "--grants", "g.txt", 1, "g.txt", 0 },
	{ "--env", "A=b", 0, NULL, 0 },
	{ "--no-such-option", "x", -EINVAL, NULL, 0 },
};

static void test_option_path(void **state)
{
	for (size_t i = 0; i < sizeof path_cases / sizeof *path_cases; i++) {
		const struct path_case *c = &path_cases[i];
		size_t start = 99, len = 99;
		ocap_rights_t rights = 0;
		int r = ocap_option_path(c->opt, c->value, &start, &len,
					 &rights);

		print_message("%s %s\n", c->opt, c->value);
		assert_int_equal(r, c->ret);
		if (r != 1)
			continue;
		assert_int_equal(len, strlen(c->path));
		assert_memory_equal(c->value + start, c->path, len);
		assert_int_equal(rights, c->rights);
	}
	assert_int_equal(ocap_option_path("--ro", NULL, &(size_t){ 0 },
					  &(size_t){ 0 },
					  &(ocap_rights_t){ 0 }),
			 -EINVAL);
}

/* A path granted twice adds up, and where it was said stays. */
static void test_rights_add_up(void **state)
{
	ocap_plan *p;

	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap_plan_option(p, "--ro", "/tmp", "a", NULL), 0);
	assert_int_equal(ocap_plan_option(p, "--grant", "/tmp/=write", "b",
					  NULL), 0);
	assert_int_equal(p->npaths, 1);
	assert_string_equal(p->paths[0].name, "/tmp");
	assert_int_equal(p->paths[0].rights,
			 OCAP_RIGHTS_RO | OCAP_RIGHT_WRITE);
	assert_int_equal(ocap_plan_option(p, "--grant", "/tmp=fly", "c:3",
					  NULL), -EINVAL);
	assert_non_null(strstr(ocap_plan_error(p), "c:3: --grant"));
	ocap_plan_free(p);
}

static const struct ocap_path_grant *find_path(ocap_plan *p, const char *n)
{
	for (size_t i = 0; i < p->npaths; i++)
		if (!strcmp(p->paths[i].name, n))
			return &p->paths[i];
	return NULL;
}

/* --preset cc reads the build tree's presets/cc.grants: each grant's
 * source is that file and line; presets and flags add up. */
static void test_preset(void **state)
{
	const struct ocap_path_grant *g;
	ocap_plan *p;

	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap_plan_option(p, "--preset", "cc", "argument 1",
					  NULL), 0);
	assert_int_equal(ocap_plan_option(p, "--preset", "python",
					  "argument 3", NULL), 0);
	assert_int_equal(ocap_plan_option(p, "--ro", "/usr/bin", "argument 5",
					  NULL), 0);
	assert_non_null(g = find_path(p, "/usr/bin"));
	assert_int_equal(g->rights, OCAP_RIGHTS_RX);
	assert_non_null(strstr(g->where, "/share/ocap/presets/cc.grants:"));
	assert_non_null(g = find_path(p, "/usr/bin/python3"));
	assert_non_null(strstr(g->where, "presets/python.grants:"));
	ocap_plan_free(p);
}

/* A preset may read another one; a grants file may read a preset. */
static void test_preset_nested(void **state)
{
	ocap_plan *p;
	bool net = false;

	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap_plan_option(p, "--preset", "node", "g:1", NULL),
			 0);
	assert_non_null(find_path(p, "/usr/bin/node"));
	for (size_t i = 0; i < p->nenv; i++)
		net |= !strcmp(p->env[i], "SSL_CERT_FILE");
	assert_true(net);
	ocap_plan_free(p);
}

static void test_preset_unknown(void **state)
{
	static const char *const bad[] = { "../cc", "cc.grants", "", "c c",
					   "/etc/passwd" };
	ocap_plan *p;

	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap_plan_option(p, "--preset", "nosuch", "g.txt:2",
					  NULL), -ENOENT);
	assert_string_equal(ocap_plan_error(p),
			    "g.txt:2: --preset nosuch: unknown preset; known: "
			    "cc, git, net, node, python");
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		print_message("%s\n", bad[i]);
		assert_int_equal(ocap_plan_option(p, "--preset", bad[i], "a",
						  NULL), -EINVAL);
	}
	assert_int_equal(ocap_plan_option(p, "--preset", NULL, "a", NULL),
			 -EINVAL);
	assert_int_equal(p->npaths, 0);
	ocap_plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_option_path),
		cmocka_unit_test(test_rights_add_up),
		cmocka_unit_test(test_preset),
		cmocka_unit_test(test_preset_nested),
		cmocka_unit_test(test_preset_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
