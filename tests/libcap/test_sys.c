/* SPDX-License-Identifier: MIT */
/*
 * libocap's system calls (libcap/sys.c) against the real kernel in a temp
 * tree: each is the kernel's call by number, returns -errno and leaves
 * errno as it was (the overlay sets it once, at the POSIX boundary);
 * openat2 stays beneath its directory and says OCAP__ESCAPE when the
 * walk would leave; the working directory is -ENOENT when the root
 * cannot reach it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "support.h"

#define MARK 4242 /* errno before a call: still there after it */

/* f->fd: the tree's directory, O_PATH. */
static int setup(void **state)
{
	struct ns_fixture *f;

	if (ns_fixture_setup(state) < 0)
		return -1;
	f = *state;
	if (tree_write(f->td.path, "a/file", "hello") < 0 ||
	    tree_symlink(f->td.path, "up", "..") < 0 ||
	    tree_symlink(f->td.path, "abs", "/etc") < 0 ||
	    tree_symlink(f->td.path, "in", "a/file") < 0 ||
	    (f->fd = open_dir_path(f->td.path)) < 0)
		return -1;
	return 0;
}

/* A failing call returns -errno and leaves errno alone. */
#define FAILS(call, err)                                                     \
	do {                                                                 \
		errno = MARK;                                                \
		assert_ret((call), -(err));                                  \
		assert_int_equal(errno, MARK);                               \
	} while (0)

static void test_openat2(void **state)
{
	struct ns_fixture *f = *state;
	char buf[8] = "";
	struct stat st;
	mode_t mask;
	int fd;

	fd = ocap__openat2(f->fd, "a/file", O_RDONLY | O_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof buf), 5);
	close(fd);
	fd = ocap__openat2(f->fd, "in", O_RDONLY | O_CLOEXEC, 0);
	assert_true(fd >= 0); /* a link that stays beneath */
	close(fd);
	/* leaving the directory: by "..", an absolute name, a link */
	FAILS(ocap__openat2(f->fd, "../x", O_RDONLY, 0), -OCAP__ESCAPE);
	FAILS(ocap__openat2(f->fd, "/etc/passwd", O_RDONLY, 0),
	      -OCAP__ESCAPE);
	FAILS(ocap__openat2(f->fd, "up/x", O_RDONLY, 0), -OCAP__ESCAPE);
	FAILS(ocap__openat2(f->fd, "abs", O_RDONLY, 0), -OCAP__ESCAPE);
	FAILS(ocap__open_beneath(f->fd, "abs", O_RDONLY, 0), EXDEV);
	FAILS(ocap__openat2(f->fd, "missing", O_RDONLY, 0), ENOENT);
	/* a magic link is not followed */
	fd = open_dir_path("/proc/self");
	assert_true(fd >= 0);
	FAILS(ocap__openat2(fd, "exe", O_RDONLY, 0), ELOOP);
	close(fd);
	/* no new set-ID file; the mode's permission bits otherwise */
	FAILS(ocap__openat2(f->fd, "suid", O_WRONLY | O_CREAT, 04755), EPERM);
	assert_int_equal(fstatat(f->fd, "suid", &st, 0), -1);
	fd = ocap__openat2(f->fd, "made", O_WRONLY | O_CREAT | O_CLOEXEC,
			   0640);
	assert_true(fd >= 0);
	assert_ret(ocap__sys_fstat(fd, &st), 0);
	mask = umask(0);
	umask(mask);
	assert_int_equal(st.st_mode & 07777, 0640 & ~mask);
	close(fd);
}

static void test_open_reopen(void **state)
{
	struct ns_fixture *f = *state;
	char path[PATH_MAX], buf[8] = "";
	int fd, again;

	assert_ret(tree_join(path, sizeof path, f->td.path, "a/file"), 0);
	FAILS(ocap__sys_open("/nonexistent/ocap", O_RDONLY), ENOENT);
	fd = ocap__sys_open(path, O_PATH | O_CLOEXEC);
	assert_true(fd >= 0);
	/* a new open file description for what an O_PATH one names; the
	 * flags that only mean something to a create are dropped */
	again = ocap__reopen(fd, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC);
	assert_true(again >= 0);
	assert_int_equal(read(again, buf, sizeof buf), 5);
	assert_int_equal(fcntl(again, F_GETFL) & O_PATH, 0);
	close(again);
	FAILS(ocap__reopen(900, O_RDONLY), ENOENT);
	close(fd);
}

static void test_stat_readlink(void **state)
{
	struct ns_fixture *f = *state;
	struct stat st, want;
	char buf[16];

	assert_int_equal(fstatat(f->fd, "a/file", &want, 0), 0);
	assert_ret(ocap__sys_fstatat(f->fd, "a/file", &st, 0), 0);
	assert_int_equal(st.st_ino, want.st_ino);
	assert_int_equal(st.st_size, 5);
	assert_ret(ocap__sys_fstatat(f->fd, "in", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISLNK(st.st_mode));
	FAILS(ocap__sys_fstatat(f->fd, "missing", &st, 0), ENOENT);
	FAILS(ocap__sys_fstat(900, &st), EBADF);
	assert_ret(ocap__sys_readlinkat(f->fd, "in", buf, sizeof buf), 6);
	assert_memory_equal(buf, "a/file", 6);
	FAILS(ocap__sys_readlinkat(f->fd, "a/file", buf, sizeof buf), EINVAL);
	assert_ret(ocap__sys_faccessat2(f->fd, "a/file", R_OK, 0), 0);
	FAILS(ocap__sys_faccessat2(f->fd, "missing", F_OK, 0), ENOENT);
}

/* The calls that make, name and remove. */
static void test_names(void **state)
{
	struct ns_fixture *f = *state;
	struct stat st;

	assert_ret(ocap__sys_mkdirat(f->fd, "d", 0700), 0);
	FAILS(ocap__sys_mkdirat(f->fd, "d", 0700), EEXIST);
	assert_ret(ocap__sys_symlinkat("a/file", f->fd, "s"), 0);
	FAILS(ocap__sys_symlinkat("x", f->fd, "s"), EEXIST);
	assert_ret(ocap__sys_linkat(f->fd, "a/file", f->fd, "d/hard", 0), 0);
	assert_int_equal(fstatat(f->fd, "a/file", &st, 0), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_ret(ocap__sys_mknodat(f->fd, "fifo", S_IFIFO | 0600, 0), 0);
	assert_int_equal(fstatat(f->fd, "fifo", &st, 0), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_ret(ocap__sys_renameat(f->fd, "fifo", f->fd, "d/fifo"), 0);
	FAILS(ocap__sys_renameat(f->fd, "fifo", f->fd, "x"), ENOENT);
	assert_ret(ocap__sys_unlinkat(f->fd, "d/fifo", 0), 0);
	assert_ret(ocap__sys_unlinkat(f->fd, "d/hard", 0), 0);
	FAILS(ocap__sys_unlinkat(f->fd, "d", 0), EISDIR);
	assert_ret(ocap__sys_unlinkat(f->fd, "d", AT_REMOVEDIR), 0);
	assert_ret(ocap__sys_unlinkat(f->fd, "s", 0), 0);
}

/* The calls that change a file's data or metadata. */
static void test_changes(void **state)
{
	struct ns_fixture *f = *state;
	struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
	struct stat st;
	int fd = openat(f->fd, "a/file", O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_ret(ocap__sys_ftruncate(fd, 2), 0);
	assert_ret(ocap__sys_fchmod(fd, 0600), 0);
	assert_ret(ocap__sys_utimensat(fd, NULL, ts, 0), 0);
	assert_ret(ocap__sys_fchownat(fd, "", geteuid(), getegid(),
				      AT_EMPTY_PATH), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 2);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_mtime, 2000);
	assert_ret(ocap__sys_utimensat(f->fd, "a/file", NULL, 0), 0);
	FAILS(ocap__sys_ftruncate(fd, -1), EINVAL);
	FAILS(ocap__sys_fchmod(900, 0600), EBADF);
	FAILS(ocap__sys_fchownat(f->fd, "missing", 0, 0, 0), ENOENT);
	FAILS(ocap__sys_utimensat(f->fd, "missing", NULL, 0), ENOENT);
	close(fd);
}

static int unreachable(void *arg)
{
	const struct ns_fixture *f = arg;
	char inner[PATH_MAX], buf[PATH_MAX];

	child_check(tree_join(inner, sizeof inner, f->td.path, "a"), 0);
	child_check(chdir(f->td.path), 0);
	child_check(chroot(inner), 0); /* the working directory above it */
	child_check(ocap__sys_getcwd(buf, sizeof buf), -ENOENT);
	return 0;
}

static void test_getcwd(void **state)
{
	struct ns_fixture *f = *state;
	char buf[PATH_MAX], old[PATH_MAX];

	assert_non_null(getcwd(old, sizeof old));
	assert_int_equal(chdir(f->td.path), 0);
	assert_ret(ocap__sys_getcwd(buf, sizeof buf), strlen(f->td.path));
	assert_string_equal(buf, f->td.path);
	FAILS(ocap__sys_getcwd(buf, 4), ERANGE);
	assert_int_equal(chdir(old), 0);
	if (geteuid() == 0)
		assert_ret(run_in_child(unreachable, f), 0);
}

/* A walk through ".." beneath a directory while another process renames
 * something elsewhere, as a busy machine does all the time: the kernel
 * says EAGAIN for a walk a rename raced, and every open must succeed all
 * the same (tried again, or walked without openat2). */
static void test_openat2_renames(void **state)
{
	struct ns_fixture *f = *state;
	char a[PATH_MAX], b[PATH_MAX];
	int failed = 0, fd;
	pid_t pid;

	assert_int_equal(tree_write(f->td.path, "spin/x", ""), 0);
	tree_join(a, sizeof a, f->td.path, "spin/x");
	tree_join(b, sizeof b, f->td.path, "spin/y");
	if ((pid = fork()) == 0) {
		for (;;)
			if (rename(a, b) < 0 || rename(b, a) < 0)
				_exit(1);
	}
	assert_true(pid > 0);
	for (int i = 0; i < 20000; i++) {
		fd = ocap__openat2(f->fd, "a/../a/../a/file",
				   O_RDONLY | O_CLOEXEC, 0);
		if (fd < 0)
			failed++;
		else
			close(fd);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_int_equal(failed, 0);
}

/* Each case on a tree of its own. */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, ns_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_openat2),
		T(test_openat2_renames),
		T(test_open_reopen),
		T(test_stat_readlink),
		T(test_names),
		T(test_changes),
		T(test_getcwd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
