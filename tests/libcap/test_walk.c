/* SPDX-License-Identifier: MIT */
/*
 * The symbolic link walk (libcap/walk.c) against real links in a temp
 * tree: ocap__walk() rewrites a namespace path with every link resolved
 * through the namespace, relative and absolute targets alike, from one
 * capability into another; it stops at what is not there, refuses a
 * magic link, a loop and a name too long; ocap__ns_realpath() is
 * realpath(3) over it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "support.h"

/* /d and /e: directories of the tree; /f: one file of it; /fds: the
 * test's own /proc/self/fd, whose entries are magic links. */
static int setup(void **state)
{
	struct ns_fixture *f;
	const char *b;

	if (ns_fixture_setup(state) < 0)
		return -1;
	f = *state;
	b = f->td.path;
	if (tree_write(b, "d/a/b/file", "x") < 0 ||
	    tree_write(b, "e/g", "g") < 0 || tree_write(b, "f", "f") < 0 ||
	    tree_symlink(b, "d/rel", "a/b") < 0 ||
	    tree_symlink(b, "d/abs", "/d/a") < 0 ||
	    tree_symlink(b, "d/other", "/e/g") < 0 ||
	    tree_symlink(b, "d/up", "../../e") < 0 ||
	    tree_symlink(b, "d/loop", "loop") < 0 ||
	    tree_symlink(b, "d/chain", "rel/../rel") < 0 ||
	    tree_symlink(b, "d/nowhere", "/nowhere/x") < 0 ||
	    ns_mount_host(f->ns, b, "d", OCAP_RIGHTS_RO, "/d") < 0 ||
	    ns_mount_host(f->ns, b, "e", OCAP_RIGHTS_RO, "/e") < 0 ||
	    ns_mount_host(f->ns, b, "f", OCAP_RIGHTS_RO, "/f") < 0 ||
	    ns_mount_host(f->ns, "/proc/self", "fd", OCAP_RIGHTS_RO, "/fds") < 0)
		return -1;
	return 0;
}

/* path walked (following a last link when follow): the result, and the
 * links followed, or the error. */
static int walk(struct ns_fixture *f, const char *path, bool follow, char *out,
		int *links)
{
	struct ocap_view v = { f->ns, NULL };

	snprintf(out, OCAP_PATH_BUF, "%s", path);
	*links = 0;
	return ocap__walk(&v, out, follow, links);
}

static void walks_to(struct ns_fixture *f, const char *path, bool follow,
		     const char *want, int nlinks)
{
	char out[OCAP_PATH_BUF];
	int links;

	assert_ret(walk(f, path, follow, out, &links), 0);
	assert_string_equal(out, want);
	assert_int_equal(links, nlinks);
}

static void test_links(void **state)
{
	struct ns_fixture *f = *state;

	walks_to(f, "/d/a/b/file", true, "/d/a/b/file", 0);
	walks_to(f, "/d/rel/file", true, "/d/a/b/file", 1);
	walks_to(f, "/d/abs/b/file", false, "/d/a/b/file", 1);
	/* the last link is followed only when asked, or before a slash */
	walks_to(f, "/d/rel", false, "/d/rel", 0);
	walks_to(f, "/d/rel", true, "/d/a/b", 1);
	walks_to(f, "/d/rel/", false, "/d/a/b/", 1);
	/* into another capability, by an absolute name or by climbing */
	walks_to(f, "/d/other", true, "/e/g", 1);
	walks_to(f, "/d/up/g", true, "/e/g", 1);
	walks_to(f, "/d/chain/file", true, "/d/a/b/file", 2); /* ".." lexical */
	/* a capability itself, a file capability: nothing to walk */
	walks_to(f, "/d", true, "/d", 0);
	walks_to(f, "/f", true, "/f", 0);
	/* what is not there: the operation will say so */
	walks_to(f, "/d/missing/x", true, "/d/missing/x", 0);
	walks_to(f, "/d/nowhere", false, "/d/nowhere", 0);
}

static void test_refused(void **state)
{
	struct ns_fixture *f = *state;
	char out[OCAP_PATH_BUF], name[NAME_MAX + 16];
	int links;

	assert_ret(walk(f, "/d/loop", true, out, &links), -ELOOP);
	assert_ret(walk(f, "/d/loop/x", false, out, &links), -ELOOP);
	/* outside every capability */
	assert_ret(walk(f, "/x/y", true, out, &links), -ENOENT);
	/* a link's target outside every capability */
	assert_ret(walk(f, "/d/nowhere", true, out, &links), -ENOENT);
	/* a file where a directory must be */
	assert_ret(walk(f, "/d/a/b/file/x", true, out, &links), -ENOTDIR);
	/* a name longer than any */
	snprintf(name, sizeof name, "/d/%0*d/x", NAME_MAX + 1, 0);
	assert_ret(walk(f, name, true, out, &links), -ENAMETOOLONG);
	/* a magic link reads as a path but is not one */
	assert_ret(walk(f, "/fds/0/x", true, out, &links), -ELOOP);
}

static void test_realpath(void **state)
{
	struct ns_fixture *f = *state;
	char out[OCAP_PATH_BUF];

	assert_ret(ocap__ns_realpath(f->ns, "/d/rel/file", out),
		   strlen("/d/a/b/file"));
	assert_string_equal(out, "/d/a/b/file");
	assert_ret(ocap__ns_realpath(f->ns, "/d/rel/", out), strlen("/d/a/b"));
	assert_string_equal(out, "/d/a/b");
	assert_ret(ocap__ns_realpath(f->ns, "/d/a/../other", out), 4);
	assert_string_equal(out, "/e/g");
	/* above the mount points: a directory all the same */
	assert_ret(ocap__ns_realpath(f->ns, "/", out), 1);
	assert_string_equal(out, "/");
	/* relative to the namespace's working directory */
	assert_ret(ocap_ns_chdir(f->ns, "/d/a"), 0);
	assert_ret(ocap__ns_realpath(f->ns, "b/file", out),
		   strlen("/d/a/b/file"));
	assert_ret(ocap__ns_realpath(f->ns, "missing", out), -ENOENT);
	assert_ret(ocap__ns_realpath(f->ns, "/d/loop", out), -ELOOP);
	assert_ret(ocap__ns_realpath(f->ns, "/d/nowhere", out), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_realpath),
	};

	return cmocka_run_group_tests(tests, setup, ns_fixture_teardown);
}
