/* SPDX-License-Identifier: MIT */
/*
 * The POSIX calls libocap serves the musl overlay (libcap/posix.c),
 * against the real kernel in a temp tree mounted in a namespace: each
 * resolves its path through the namespace, checks the rights its call
 * needs on the capability it lands in, then makes the call.  The test
 * runs unsandboxed, so every refusal seen is libocap's own, and each
 * check looks at the tree afterwards.
 *
 *   /rw  read-write    /ro  read-only    /rx  read and exec
 *   /f   one file, read-only
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "support.h"

static int chmod_in(const char *base, const char *rel, mode_t mode)
{
	char path[PATH_MAX];

	return tree_join(path, sizeof path, base, rel) < 0 ||
			       chmod(path, mode) < 0
		       ? -1
		       : 0;
}

static int setup(void **state)
{
	struct ns_fixture *f;
	const char *b;

	if (ns_fixture_setup(state) < 0)
		return -1;
	f = *state;
	b = f->td.path;
	if (tree_write(b, "rw/a", "aaaa") < 0 || tree_write(b, "ro/x", "x") < 0 ||
	    tree_write(b, "ro/run", "#!/bin/sh\n") < 0 ||
	    tree_write(b, "rx/run", "#!/bin/sh\n") < 0 ||
	    tree_write(b, "f", "f") < 0 || tree_mkdir(b, "real") < 0 ||
	    tree_symlink(b, "rw/ln", "a") < 0)
		return -1;
	if (chmod_in(b, "ro/run", 0755) < 0 || chmod_in(b, "rx/run", 0755) < 0)
		return -1;
	/* fd: the /rw capability's own descriptor (the namespace's) */
	if ((f->fd = ns_mount_host(f->ns, b, "rw", OCAP_RIGHTS_RW, "/rw")) < 0 ||
	    (f->fd = fcntl(f->fd, F_DUPFD_CLOEXEC, 0)) < 0 ||
	    ns_mount_host(f->ns, b, "ro", OCAP_RIGHTS_RO, "/ro") < 0 ||
	    ns_mount_host(f->ns, b, "rx", OCAP_RIGHTS_RX, "/rx") < 0 ||
	    ns_mount_host(f->ns, b, "f", OCAP_RIGHTS_RO, "/f") < 0)
		return -1;
	return 0;
}

/* What the tree holds at rel: its stat, or -errno. */
static int host_stat(struct ns_fixture *f, const char *rel, struct stat *st)
{
	char path[PATH_MAX];

	if (tree_join(path, sizeof path, f->td.path, rel) < 0)
		return -ENAMETOOLONG;
	return lstat(path, st) < 0 ? -errno : 0;
}

static bool host_has(struct ns_fixture *f, const char *rel)
{
	struct stat st;

	return host_stat(f, rel, &st) == 0;
}

/* ---- access ------------------------------------------------------------------ */

static void test_access(void **state)
{
	struct ns_fixture *f = *state;
	ocap_ns *ns = f->ns;

	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/rw/a", R_OK | W_OK, 0), 0);
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/ro/x", R_OK, 0), 0);
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/ro/x", W_OK, 0), -EACCES);
	/* the rights first: mode 0755 is not the exec right */
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/ro/run", X_OK, 0), -EACCES);
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/rx/run", X_OK, 0), 0);
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/f", R_OK, 0), 0);
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/f", W_OK, 0), -EACCES);
	/* a directory: list to read it, create to write in it, search free */
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/ro", R_OK | X_OK, 0), 0);
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/ro", W_OK, 0), -EACCES);
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/rw", W_OK, 0), 0);
	/* above the mount points: searched, never read or written */
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/", X_OK, 0), 0);
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/", R_OK, 0), -EACCES);
	/* the link, or what it names */
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/rw/ln", F_OK,
				   AT_SYMLINK_NOFOLLOW), 0);
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/missing", F_OK, 0), -ENOENT);
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/rw/missing", F_OK, 0),
		   -ENOENT);
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/rw/a", 8, 0), -EINVAL);
	assert_ret(ocap__ns_access(ns, AT_FDCWD, "/rw/a", F_OK, 0x1), -EINVAL);
	/* relative to a real descriptor: the kernel's, beneath it */
	assert_ret(ocap__ns_access(ns, f->fd, "a", R_OK, 0), 0);
	assert_ret(ocap__ns_access(ns, f->fd, "", F_OK, AT_EMPTY_PATH), 0);
	assert_ret(ocap__ns_access(ns, f->fd, "../ro/x", F_OK, 0), -EXDEV);
}

/* ---- new names ------------------------------------------------------------- */

static void test_link(void **state)
{
	struct ns_fixture *f = *state;
	ocap_ns *ns = f->ns;
	struct stat a, b;

	assert_ret(ocap__ns_linkat(ns, AT_FDCWD, "/rw/a", AT_FDCWD, "/rw/b", 0),
		   0);
	assert_ret(host_stat(f, "rw/a", &a), 0);
	assert_ret(host_stat(f, "rw/b", &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	/* a read-only file gets no writable name (Landlock's REFER) */
	assert_ret(ocap__ns_linkat(ns, AT_FDCWD, "/ro/x", AT_FDCWD, "/rw/x", 0),
		   -EXDEV);
	assert_false(host_has(f, "rw/x"));
	/* no new name where create is not held */
	assert_ret(ocap__ns_linkat(ns, AT_FDCWD, "/rw/a", AT_FDCWD, "/ro/a", 0),
		   -EACCES);
	assert_false(host_has(f, "ro/a"));
	/* a capability itself: no name of its own, none to replace */
	assert_ret(ocap__ns_linkat(ns, AT_FDCWD, "/f", AT_FDCWD, "/rw/f", 0),
		   -EXDEV);
	assert_ret(ocap__ns_linkat(ns, AT_FDCWD, "/rw/a", AT_FDCWD, "/rw", 0),
		   -EEXIST);
	/* following the last link through the namespace */
	assert_ret(ocap__ns_linkat(ns, AT_FDCWD, "/rw/ln", AT_FDCWD, "/rw/c",
				   AT_SYMLINK_FOLLOW), 0);
	assert_ret(host_stat(f, "rw/c", &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_ret(ocap__ns_linkat(ns, AT_FDCWD, "/rw/a", AT_FDCWD, "/rw/d",
				   0x8000), -EINVAL);
}

static void test_rename(void **state)
{
	struct ns_fixture *f = *state;
	ocap_ns *ns = f->ns;
	char real[PATH_MAX];
	int dir;

	assert_ret(tree_join(real, sizeof real, f->td.path, "real"), 0);
	dir = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dir >= 0);
	/* from the namespace to a real descriptor, and back */
	assert_ret(ocap__ns_renameat(ns, AT_FDCWD, "/rw/a", dir, "a"), 0);
	assert_true(host_has(f, "real/a"));
	assert_ret(ocap__ns_renameat(ns, dir, "a", AT_FDCWD, "/rw/a"), 0);
	assert_true(host_has(f, "rw/a"));
	/* delete where it goes away, create where it appears */
	assert_ret(ocap__ns_renameat(ns, AT_FDCWD, "/ro/x", dir, "x"), -EACCES);
	assert_ret(ocap__ns_renameat(ns, dir, "../rw/a", AT_FDCWD, "/ro/a"),
		   -EACCES);
	assert_true(host_has(f, "ro/x"));
	assert_true(host_has(f, "rw/a"));
	assert_ret(ocap__ns_renameat(ns, AT_FDCWD, "/rw", dir, "rw"), -EBUSY);
	/* both global: the namespace's rename */
	assert_ret(ocap__ns_renameat(ns, AT_FDCWD, "/rw/a", AT_FDCWD, "/rw/z"),
		   0);
	assert_true(host_has(f, "rw/z"));
	close(dir);
}

static void test_make(void **state)
{
	struct ns_fixture *f = *state;
	ocap_ns *ns = f->ns;
	struct stat st;
	char buf[8];

	assert_ret(ocap__ns_symlinkat(ns, "a", AT_FDCWD, "/rw/s"), 0);
	assert_ret(ocap__sys_readlinkat(f->fd, "s", buf, sizeof buf), 1);
	assert_ret(ocap__ns_symlinkat(ns, "a", AT_FDCWD, "/ro/s"), -EACCES);
	assert_false(host_has(f, "ro/s"));
	assert_ret(ocap__ns_symlinkat(ns, "a", AT_FDCWD, "/rw"), -EEXIST);
	assert_ret(ocap__ns_mknodat(ns, AT_FDCWD, "/rw/fifo", S_IFIFO | 0600, 0),
		   0);
	assert_ret(host_stat(f, "rw/fifo", &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_ret(ocap__ns_mknodat(ns, AT_FDCWD, "/ro/fifo", S_IFIFO | 0600,
				    0), -EACCES);
	assert_false(host_has(f, "ro/fifo"));
	assert_ret(ocap__ns_symlinkat(ns, "a", AT_FDCWD, "/nowhere/s"), -ENOENT);
}

/* ---- changes to what is there ------------------------------------------------- */

static void test_meta(void **state)
{
	struct ns_fixture *f = *state;
	ocap_ns *ns = f->ns;
	struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
	struct timespec later[2] = { { 1000, 0 }, { 3000, 0 } };
	struct ocap_meta times = { .what = OCAP_META_TIMES, .times = ts };
	struct ocap_meta owner = { .what = OCAP_META_OWNER,
				   .uid = geteuid(), .gid = getegid() };
	struct stat st;

	assert_ret(ocap__ns_meta(ns, AT_FDCWD, "/rw/a", true, &times), 0);
	assert_ret(host_stat(f, "rw/a", &st), 0);
	assert_int_equal(st.st_mtime, 2000);
	/* through the link, or on the link itself */
	times.times = later;
	assert_ret(ocap__ns_meta(ns, AT_FDCWD, "/rw/ln", true, &times), 0);
	assert_ret(host_stat(f, "rw/a", &st), 0);
	assert_int_equal(st.st_mtime, 3000);
	assert_ret(ocap__ns_meta(ns, AT_FDCWD, "/rw/ln", false, &owner), 0);
	/* resolved all the same: outside the namespace is not there */
	assert_ret(ocap__ns_meta(ns, AT_FDCWD, "/nowhere", true, &owner),
		   -ENOENT);
	assert_ret(ocap__ns_meta(ns, AT_FDCWD, "/rw/a/x", true, &owner),
		   -ENOTDIR);
}

static void test_truncate(void **state)
{
	struct ns_fixture *f = *state;
	ocap_ns *ns = f->ns;
	struct stat st;

	assert_ret(ocap__ns_truncate(ns, "/rw/a", 2), 0);
	assert_ret(host_stat(f, "rw/a", &st), 0);
	assert_int_equal(st.st_size, 2);
	assert_ret(ocap__ns_truncate(ns, "/rw/ln", 1), 0);
	assert_ret(host_stat(f, "rw/a", &st), 0);
	assert_int_equal(st.st_size, 1);
	assert_ret(ocap__ns_truncate(ns, "/ro/x", 0), -EACCES);
	assert_ret(host_stat(f, "ro/x", &st), 0);
	assert_int_equal(st.st_size, 1);
	assert_ret(ocap__ns_truncate(ns, "/f", 0), -EACCES);
	assert_ret(ocap__ns_truncate(ns, "/rw/missing", 0), -ENOENT);
}

static void test_touch(void **state)
{
	struct ns_fixture *f = *state;
	ocap_ns *ns = f->ns;
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	struct ocap_meta set = { .what = OCAP_META_TIMES, .times = old };
	struct stat st;

	assert_ret(ocap__ns_meta(ns, AT_FDCWD, "/rw/a", true, &set), 0);
	assert_ret(ocap__ns_touch(ns, AT_FDCWD, "/rw/a", true), 0);
	assert_ret(host_stat(f, "rw/a", &st), 0);
	assert_true(st.st_mtime >= time(NULL) - 60);
	/* write is what it takes */
	assert_ret(ocap__ns_meta(ns, AT_FDCWD, "/ro/x", true, &set), 0);
	assert_ret(ocap__ns_touch(ns, AT_FDCWD, "/ro/x", true), -EACCES);
	assert_ret(host_stat(f, "ro/x", &st), 0);
	assert_int_equal(st.st_mtime, 1000);
	/* a link's own time is not set through a descriptor */
	assert_ret(ocap__ns_touch(ns, AT_FDCWD, "/rw/ln", false), -EPERM);
	assert_ret(ocap__ns_touch(ns, f->fd, "a", true), 0);
}

static void test_exec_open(void **state)
{
	struct ns_fixture *f = *state;
	ocap_ns *ns = f->ns;
	int fd = ocap__ns_exec_open(ns, "/rx/run");
	char path[PATH_MAX];

	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_PATH, O_PATH);
	assert_ret(tree_join(path, sizeof path, f->td.path, "rx/run"), 0);
	assert_true(fd_same_file(fd, path));
	close(fd);
	assert_ret(ocap__ns_exec_open(ns, "/ro/run"), -EACCES);
	assert_ret(ocap__ns_exec_open(ns, "/rx"), -EACCES);
	assert_ret(ocap__ns_exec_open(ns, "/rx/missing"), -ENOENT);
	assert_ret(ocap__ns_exec_open(ns, "/nowhere"), -ENOENT);
}

/* Each case on a tree of its own. */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, ns_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_access),
		T(test_link),
		T(test_rename),
		T(test_make),
		T(test_meta),
		T(test_truncate),
		T(test_touch),
		T(test_exec_open),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
