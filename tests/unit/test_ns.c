/* SPDX-License-Identifier: MIT */
/* ns.c: namespaces of capabilities, and paths resolved in them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* A namespace over real directories of a temp tree. */
struct fixture {
	struct tmpdir td;
	ocap_ns *ns;
};

static const struct {
	const char *host;
	const char *name;
} mounts[] = {
	{ "data", "/data" },	     { "database", "/database" },
	{ "a", "/a" },		     { "ab", "/a/b" },
	{ "home_u", "/home/u" },
};
#define NMOUNTS (sizeof(mounts) / sizeof(mounts[0]))

static int mount_host(struct fixture *f, ocap_ns *ns, const char *host,
		      const char *name)
{
	char path[PATH_MAX];
	ocap_cap *cap;

	if (tree_join(path, sizeof(path), f->td.path, host) < 0)
		return -1;
	cap = cap_dir(path, OCAP_RIGHTS_RW, name);
	if (!cap)
		return -1;
	if (ocap_ns_mount(ns, cap) < 0) {
		ocap_cap_close(cap);
		return -1;
	}
	return 0;
}

static int build_tree(struct fixture *f)
{
	size_t i;

	for (i = 0; i < NMOUNTS; i++)
		if (tree_mkdir(f->td.path, mounts[i].host) < 0)
			return -1;
	if (tree_mkdir(f->td.path, "data/sub/deeper") < 0 ||
	    tree_write(f->td.path, "data/file", "x") < 0 ||
	    tree_mkdir(f->td.path, "root") < 0)
		return -1;
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	size_t i;

	if (!f || tmpdir_make(&f->td) < 0 || build_tree(f) < 0)
		return -1;
	if (ocap_ns_new(&f->ns) < 0)
		return -1;
	for (i = 0; i < NMOUNTS; i++)
		if (mount_host(f, f->ns, mounts[i].host, mounts[i].name) < 0)
			return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	ocap_ns_free(f->ns);
	tmpdir_remove(f->td.path);
	free(f);
	return 0;
}

/* Resolve path and check the capability's name and rel. */
static void check_resolve(ocap_ns *ns, const char *path, const char *cap,
			  const char *rel)
{
	const ocap_cap *c = NULL;
	char out[OCAP_NAME_MAX + 1];
	int rc;

	memset(out, 'X', sizeof(out));
	out[sizeof(out) - 1] = '\0';
	rc = ocap_ns_resolve(ns, path, &c, out, sizeof(out));
	if (rc < 0)
		fail_msg("resolve(\"%s\") = %d (%s), expected %s + \"%s\"",
			 path, rc, ret_name(rc), cap, rel);
	assert_non_null(c);
	if (strcmp(ocap_cap_name(c), cap) != 0 || strcmp(out, rel) != 0)
		fail_msg("resolve(\"%s\") = %s + \"%s\", expected %s + \"%s\"",
			 path, ocap_cap_name(c), out, cap, rel);
}

static void check_enoent(ocap_ns *ns, const char *path)
{
	const ocap_cap *c = NULL;
	char out[OCAP_NAME_MAX + 1];
	int rc = ocap_ns_resolve(ns, path, &c, out, sizeof(out));

	if (rc != -ENOENT)
		fail_msg("resolve(\"%s\") = %d (%s), expected -ENOENT", path,
			 rc, ret_name(rc));
}

static void test_exact_and_below(void **state)
{
	struct fixture *f = *state;

	check_resolve(f->ns, "/data", "/data", ".");
	check_resolve(f->ns, "/data/file", "/data", "file");
	check_resolve(f->ns, "/data/sub/deeper/x", "/data", "sub/deeper/x");
	check_resolve(f->ns, "/home/u", "/home/u", ".");
	check_resolve(f->ns, "/home/u/.profile", "/home/u", ".profile");
}

static void test_prefix_boundaries(void **state)
{
	struct fixture *f = *state;

	check_resolve(f->ns, "/database", "/database", ".");
	check_resolve(f->ns, "/database/x", "/database", "x");
	check_resolve(f->ns, "/data/base", "/data", "base");
	check_enoent(f->ns, "/dat");
	check_enoent(f->ns, "/datab");
	check_enoent(f->ns, "/data2");
	check_enoent(f->ns, "/databases");
	check_enoent(f->ns, "/home");
	check_enoent(f->ns, "/home/");
	check_enoent(f->ns, "/home/uu");
	check_enoent(f->ns, "/home/x/u");
	check_enoent(f->ns, "/");
	check_enoent(f->ns, "/b");
	check_resolve(f->ns, "/a/bc", "/a", "bc");
	check_resolve(f->ns, "/a/b.", "/a", "b.");
}

static void test_nested_mounts(void **state)
{
	struct fixture *f = *state;

	check_resolve(f->ns, "/a", "/a", ".");
	check_resolve(f->ns, "/a/x", "/a", "x");
	check_resolve(f->ns, "/a/b", "/a/b", ".");
	check_resolve(f->ns, "/a/b/c", "/a/b", "c");
	check_resolve(f->ns, "/a/b/c/d", "/a/b", "c/d");
	check_resolve(f->ns, "/a/x/../b/c", "/a/b", "c");
	check_resolve(f->ns, "/a/./b/./c", "/a/b", "c");
}

static void test_dotdot_across_mounts(void **state)
{
	struct fixture *f = *state;

	check_resolve(f->ns, "/a/b/../x", "/a", "x");
	check_resolve(f->ns, "/a/b/../b/y", "/a/b", "y");
	check_resolve(f->ns, "/data/../database/y", "/database", "y");
	check_resolve(f->ns, "/data/../../../data/z", "/data", "z");
	check_resolve(f->ns, "/database/../data", "/data", ".");
	check_resolve(f->ns, "/home/u/../../a/q", "/a", "q");
	check_enoent(f->ns, "/data/..");
	check_enoent(f->ns, "/data/../x");
	check_enoent(f->ns, "/home/u/..");
	check_enoent(f->ns, "/home/u/../v");
}

static void test_trailing_slash(void **state)
{
	struct fixture *f = *state;

	check_resolve(f->ns, "/data/x/", "/data", "x/");
	check_resolve(f->ns, "/data/sub//", "/data", "sub/");
	check_resolve(f->ns, "/data/sub/deeper/.", "/data", "sub/deeper/");
	check_resolve(f->ns, "/data/sub/deeper/..", "/data", "sub/");
	check_resolve(f->ns, "/a/b/c/", "/a/b", "c/");
	check_resolve(f->ns, "//data///x", "/data", "x");
}

static void test_empty_and_null(void **state)
{
	struct fixture *f = *state;
	const ocap_cap *c;
	char out[64];

	check_enoent(f->ns, "");
	assert_ret(ocap_ns_resolve(f->ns, NULL, &c, out, sizeof(out)),
		   -EINVAL);
}

/* The path is a C string: an embedded NUL ends it. */
static void test_embedded_nul(void **state)
{
	struct fixture *f = *state;
	static const char p1[] = "/data/x\0/../../database/y";
	static const char p2[] = "/dat\0a/x";
	static const char p3[] = "\0/data";

	check_resolve(f->ns, p1, "/data", "x");
	check_enoent(f->ns, p2);
	check_enoent(f->ns, p3);
}

static void test_root_mount(void **state)
{
	struct fixture *f = *state;
	ocap_ns *ns;

	assert_ret(ocap_ns_new(&ns), 0);
	assert_ret(mount_host(f, ns, "root", "/"), 0);
	assert_ret(mount_host(f, ns, "data", "/data"), 0);
	check_resolve(ns, "/", "/", ".");
	check_resolve(ns, "//", "/", ".");
	check_resolve(ns, "/..", "/", ".");
	check_resolve(ns, "/etc/passwd", "/", "etc/passwd");
	check_resolve(ns, "/database", "/", "database");
	check_resolve(ns, "/dat", "/", "dat");
	check_resolve(ns, "/data", "/data", ".");
	check_resolve(ns, "/data/x", "/data", "x");
	check_resolve(ns, "/data/../etc", "/", "etc");
	check_resolve(ns, "x/y", "/", "x/y");
	check_resolve(ns, "/etc/", "/", "etc/");
	ocap_ns_free(ns);
}

static void check_cwd(ocap_ns *ns, const char *want)
{
	char buf[OCAP_NAME_MAX + 1];

	assert_ret(ocap_ns_getcwd(ns, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void test_fresh_cwd(void **state)
{
	struct fixture *f = *state;
	ocap_ns *ns;

	check_cwd(f->ns, "/");
	assert_ret(ocap_ns_new(&ns), 0);
	check_cwd(ns, "/");
	ocap_ns_free(ns);
}

static void test_chdir_in_cap(void **state)
{
	struct fixture *f = *state;

	assert_ret(ocap_ns_chdir(f->ns, "/data/sub"), 0);
	check_cwd(f->ns, "/data/sub");
	check_resolve(f->ns, "x", "/data", "sub/x");
	check_resolve(f->ns, "./deeper/y", "/data", "sub/deeper/y");
	check_resolve(f->ns, "../file", "/data", "file");
	check_resolve(f->ns, "../../database/q", "/database", "q");
	check_resolve(f->ns, "/a/x", "/a", "x");
	check_resolve(f->ns, ".", "/data", "sub/");
	check_enoent(f->ns, "../../dat");

	assert_ret(ocap_ns_chdir(f->ns, "deeper"), 0);
	check_cwd(f->ns, "/data/sub/deeper");
	assert_ret(ocap_ns_chdir(f->ns, "../.."), 0);
	check_cwd(f->ns, "/data");
	check_resolve(f->ns, "file", "/data", "file");
	assert_ret(ocap_ns_chdir(f->ns, "/a/b"), 0);
	check_cwd(f->ns, "/a/b");
	check_resolve(f->ns, "../z", "/a", "z");
	check_resolve(f->ns, "z", "/a/b", "z");
}

static void test_chdir_virtual(void **state)
{
	struct fixture *f = *state;

	assert_ret(ocap_ns_chdir(f->ns, "/home"), 0);
	check_cwd(f->ns, "/home");
	check_resolve(f->ns, "u/f", "/home/u", "f");
	check_enoent(f->ns, "v/f");
	check_resolve(f->ns, "../data", "/data", ".");
	assert_ret(ocap_ns_chdir(f->ns, "u"), 0);
	check_cwd(f->ns, "/home/u");
	assert_ret(ocap_ns_chdir(f->ns, ".."), 0);
	check_cwd(f->ns, "/home");
	assert_ret(ocap_ns_chdir(f->ns, "/"), 0);
	check_cwd(f->ns, "/");
	check_resolve(f->ns, "data/x", "/data", "x");
	check_resolve(f->ns, "home/u", "/home/u", ".");
	check_enoent(f->ns, "home");
}

static void test_chdir_errors(void **state)
{
	struct fixture *f = *state;

	assert_ret(ocap_ns_chdir(f->ns, "/data/sub"), 0);
	assert_ret(ocap_ns_chdir(f->ns, "/nonexistent"), -ENOENT);
	assert_ret(ocap_ns_chdir(f->ns, "/ho"), -ENOENT);
	assert_ret(ocap_ns_chdir(f->ns, "/home/v"), -ENOENT);
	assert_ret(ocap_ns_chdir(f->ns, "/data/missing"), -ENOENT);
	assert_ret(ocap_ns_chdir(f->ns, "/data/file"), -ENOTDIR);
	assert_ret(ocap_ns_chdir(f->ns, "../file"), -ENOTDIR);
	assert_ret(ocap_ns_chdir(f->ns, ""), -ENOENT);
	/* Failures leave the cwd alone. */
	check_cwd(f->ns, "/data/sub");
}

static void test_getcwd_size(void **state)
{
	struct fixture *f = *state;
	char buf[32];

	assert_ret(ocap_ns_chdir(f->ns, "/data/sub"), 0);
	/* "/data/sub" is 9 bytes plus its NUL. */
	assert_ret(ocap_ns_getcwd(f->ns, buf, 10), 0);
	assert_string_equal(buf, "/data/sub");
	assert_ret(ocap_ns_getcwd(f->ns, buf, 9), -ERANGE);
	assert_ret(ocap_ns_getcwd(f->ns, buf, 1), -ERANGE);
	assert_ret(ocap_ns_getcwd(f->ns, buf, 0), -ERANGE);
	assert_ret(ocap_ns_chdir(f->ns, "/"), 0);
	assert_ret(ocap_ns_getcwd(f->ns, buf, 2), 0);
	assert_string_equal(buf, "/");
	assert_ret(ocap_ns_getcwd(f->ns, buf, 1), -ERANGE);
}

static void test_entries_and_find(void **state)
{
	struct fixture *f = *state;
	static const char *sorted[] = { "/a", "/a/b", "/data", "/database",
					"/home/u" };
	size_t i;

	assert_int_equal(ocap_ns_count(f->ns), NMOUNTS);
	for (i = 0; i < NMOUNTS; i++) {
		assert_non_null(ocap_ns_entry(f->ns, i));
		assert_string_equal(ocap_cap_name(ocap_ns_entry(f->ns, i)),
				    sorted[i]);
	}
	assert_null(ocap_ns_entry(f->ns, NMOUNTS));
	assert_null(ocap_ns_entry(f->ns, (size_t)-1));
	assert_ptr_equal(ocap_ns_find(f->ns, "/data"), ocap_ns_entry(f->ns, 2));
	assert_null(ocap_ns_find(f->ns, "/dat"));
	assert_null(ocap_ns_find(f->ns, "/data/x"));
	assert_null(ocap_ns_find(f->ns, "/home"));
	assert_null(ocap_ns_find(f->ns, "/"));
}

static void test_mount_errors(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX];
	ocap_cap *dup, *taken;
	ocap_ns *other;

	assert_ret(tree_join(path, sizeof(path), f->td.path, "root"), 0);
	dup = cap_dir(path, OCAP_RIGHTS_RO, "/data");
	assert_non_null(dup);
	assert_ret(ocap_ns_mount(f->ns, dup), -EEXIST);
	ocap_cap_close(dup);
	assert_int_equal(ocap_ns_count(f->ns), NMOUNTS);

	/* A capability mounted in one namespace cannot join another. */
	taken = (ocap_cap *)ocap_ns_find(f->ns, "/database");
	assert_ret(ocap_ns_new(&other), 0);
	assert_ret(ocap_ns_mount(other, taken), -EBUSY);
	assert_int_equal(ocap_ns_count(other), 0);
	ocap_ns_free(other);
	check_resolve(f->ns, "/database/x", "/database", "x");
}

static void test_empty_ns(void **state)
{
	ocap_ns *ns;

	assert_ret(ocap_ns_new(&ns), 0);
	assert_int_equal(ocap_ns_count(ns), 0);
	assert_null(ocap_ns_entry(ns, 0));
	check_enoent(ns, "/");
	check_enoent(ns, "/x");
	check_enoent(ns, "x");
	ocap_ns_free(ns);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_exact_and_below),
		T(test_prefix_boundaries),
		T(test_nested_mounts),
		T(test_dotdot_across_mounts),
		T(test_trailing_slash),
		T(test_empty_and_null),
		T(test_embedded_nul),
		T(test_root_mount),
		T(test_fresh_cwd),
		T(test_chdir_in_cap),
		T(test_chdir_virtual),
		T(test_chdir_errors),
		T(test_getcwd_size),
		T(test_entries_and_find),
		T(test_mount_errors),
		cmocka_unit_test(test_empty_ns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
