/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "fs_tree.h"
#include "support.h"

/* ---- expectations ------------------------------------------------------- */

/* fd came back from libocap: it must be allowed, hold want (a file's
 * content, or NULL for a directory) and is closed here. */
static void check_fd(struct fs_tree *t, int fd, const char *what,
		     const char *want, int line)
{
	char buf[256];

	if (!fs_tree_fd_allowed(t, fd))
		fail_msg("line %d: %s: descriptor outside A and B", line,
			 what);
	if (want) {
		fd_read_all(fd, buf, sizeof(buf));
		if (strcmp(buf, want) != 0)
			fail_msg("line %d: %s: read \"%s\", expected \"%s\"",
				 line, what, buf, want);
	}
	close(fd);
}

static void expect_fd(struct fs_tree *t, int rc, const char *what,
		      const char *want, int werr, int line)
{
	if (werr) {
		if (rc != werr)
			fail_msg("line %d: %s = %d (%s), expected %s", line,
				 what, rc, ret_name(rc), ret_name(werr));
		if (rc >= 0)
			close(rc);
		return;
	}
	if (rc < 0)
		fail_msg("line %d: %s = %d (%s), expected a descriptor", line,
			 what, rc, ret_name(rc));
	check_fd(t, rc, what, want, line);
}

/* Open a namespace path; want is the content, werr the error (0: none). */
#define NS_OPEN(path, flags, want, werr)                                    \
	expect_fd(t, ocap_ns_open(t->ns, path, flags, 0644), path, want,     \
		  werr, __LINE__)
#define AT_OPEN(cap, rel, flags, want, werr)                                \
	expect_fd(t, ocap_openat(cap, rel, flags, 0644), rel, want, werr,    \
		  __LINE__)
#define RC(expr, want) assert_ret(expr, want)

static struct fs_tree *T(void **state)
{
	return *state;
}

static void host_path(struct fs_tree *t, const char *rel, char *out)
{
	assert_ret(tree_join(out, PATH_MAX, t->td.path, rel), 0);
}

static bool host_exists(struct fs_tree *t, const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	host_path(t, rel, p);
	return lstat(p, &st) == 0;
}

/* ---- open: symlinks ----------------------------------------------------- */

static void test_open_plain(void **state)
{
	struct fs_tree *t = T(state);
	int before = count_open_fds();

	NS_OPEN("/a/file", O_RDONLY, "hello", 0);
	NS_OPEN("/a/sub/inner", O_RDONLY, "inner", 0);
	NS_OPEN("/b/bfile", O_RDONLY, "bfile", 0);
	NS_OPEN("/a/sub", O_RDONLY | O_DIRECTORY, NULL, 0);
	NS_OPEN("/a", O_RDONLY | O_DIRECTORY, NULL, 0);
	NS_OPEN("/a/", O_RDONLY, NULL, 0);
	NS_OPEN("/a/sub/", O_RDONLY, NULL, 0);
	NS_OPEN("/a/missing", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/a/file/x", O_RDONLY, NULL, -ENOTDIR);
	NS_OPEN("/a/file/", O_RDONLY, NULL, -ENOTDIR);
	NS_OPEN("/a/file", O_RDONLY | O_DIRECTORY, NULL, -ENOTDIR);
	NS_OPEN("/c/file", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/ab/file", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("", O_RDONLY, NULL, -ENOENT);
	assert_int_equal(count_open_fds(), before);
}

static void test_open_links_inside(void **state)
{
	struct fs_tree *t = T(state);

	NS_OPEN("/a/link_in", O_RDONLY, "hello", 0);
	NS_OPEN("/a/sub/link_up", O_RDONLY, "hello", 0);
	NS_OPEN("/a/link_in_abs", O_RDONLY, "hello", 0);
	NS_OPEN("/a/link_sub/inner", O_RDONLY, "inner", 0);
	NS_OPEN("/a/link_sub/link_up", O_RDONLY, "hello", 0);
	NS_OPEN("/a/link_in", O_RDONLY | O_NOFOLLOW, NULL, -ELOOP);
}

static void test_open_links_across(void **state)
{
	struct fs_tree *t = T(state);

	NS_OPEN("/a/link_b", O_RDONLY, "bfile", 0);
	NS_OPEN("/a/link_b_rel", O_RDONLY, "bfile", 0);
	NS_OPEN("/a/dirlink_b/bin", O_RDONLY, "bin", 0);
	NS_OPEN("/a/dirlink_b", O_RDONLY | O_DIRECTORY, NULL, 0);
	NS_OPEN("/b/link_a", O_RDONLY, "hello", 0);
	NS_OPEN("/a/link_b", O_RDONLY | O_NOFOLLOW, NULL, -ELOOP);
	/* Host paths are not namespace paths. */
	NS_OPEN("/a/link_host_b", O_RDONLY, NULL, -ENOENT);
}

static void test_open_links_outside(void **state)
{
	struct fs_tree *t = T(state);
	int before = count_open_fds();

	NS_OPEN("/a/link_out_abs", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/a/link_out_rel", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/a/link_out_deep", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/a/link_out_dir/secret", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/a/link_out_dir", O_RDONLY | O_DIRECTORY, NULL, -ENOENT);
	NS_OPEN("/a/link_out_host_dir/secret", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/a/link_root", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/b/link_out", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/a/link_out_abs", O_PATH, NULL, -ENOENT);
	NS_OPEN("/a/link_out_dir", O_PATH, NULL, -ENOENT);
	NS_OPEN("/a/../canary", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/a/../../canary", O_RDONLY, NULL, -ENOENT);
	assert_int_equal(count_open_fds(), before);
}

/* ".." is lexical: it undoes the name, not the link's target. */
static void test_open_dotdot_lexical(void **state)
{
	struct fs_tree *t = T(state);

	NS_OPEN("/a/dirlink_b/../file", O_RDONLY, "hello", 0);
	NS_OPEN("/a/link_out_dir/../file", O_RDONLY, "hello", 0);
	NS_OPEN("/a/loop/../file", O_RDONLY, "hello", 0);
	NS_OPEN("/a/../b/bfile", O_RDONLY, "bfile", 0);
	NS_OPEN("/b/../a/file", O_RDONLY, "hello", 0);
	NS_OPEN("/a/sub/../../b/file", O_RDONLY, "B's file", 0);
	AT_OPEN(t->cap_a, "../b/bfile", O_RDONLY, "bfile", 0);
	AT_OPEN(t->cap_a, "dirlink_b/../file", O_RDONLY, "hello", 0);
	AT_OPEN(t->cap_b, "../a/file", O_RDONLY, "hello", 0);
	AT_OPEN(t->cap_a, "../canary", O_RDONLY, NULL, -ENOENT);
}

/* Relative paths start at the virtual cwd, which keeps its logical name. */
static void test_relative_cwd(void **state)
{
	struct fs_tree *t = T(state);
	char buf[64];

	RC(ocap_ns_chdir(t->ns, "/a/sub"), 0);
	NS_OPEN("inner", O_RDONLY, "inner", 0);
	NS_OPEN("./link_up", O_RDONLY, "hello", 0);
	NS_OPEN("../link_b", O_RDONLY, "bfile", 0);
	NS_OPEN("../../b/bfile", O_RDONLY, "bfile", 0);
	NS_OPEN("../../canary", O_RDONLY, NULL, -ENOENT);
	RC(ocap_ns_chdir(t->ns, "/a/dirlink_b"), 0);
	RC(ocap_ns_getcwd(t->ns, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/a/dirlink_b");
	NS_OPEN("bin", O_RDONLY, "bin", 0);
	NS_OPEN("../file", O_RDONLY, "hello", 0);
	RC(ocap_ns_chdir(t->ns, "/a/link_out_dir"), -ENOENT);
	RC(ocap_ns_chdir(t->ns, "/a/link_in"), -ENOTDIR);
	RC(ocap_ns_chdir(t->ns, "/a/file"), -ENOTDIR);
	RC(ocap_ns_getcwd(t->ns, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/a/dirlink_b");
	RC(ocap_ns_chdir(t->ns, "/"), 0);
	NS_OPEN("a/file", O_RDONLY, "hello", 0);
	NS_OPEN("file", O_RDONLY, NULL, -ENOENT);
}

static void test_open_loops(void **state)
{
	struct fs_tree *t = T(state);

	NS_OPEN("/a/loop", O_RDONLY, NULL, -ELOOP);
	NS_OPEN("/a/loop1", O_RDONLY, NULL, -ELOOP);
	NS_OPEN("/a/loop2/x", O_RDONLY, NULL, -ELOOP);
	NS_OPEN("/a/xloop", O_RDONLY, NULL, -ELOOP);
	NS_OPEN("/b/xloop", O_RDONLY, NULL, -ELOOP);
	NS_OPEN("/a/xloop/x", O_RDONLY, NULL, -ELOOP);
}

/* 40 links are followed, the 41st is -ELOOP, whoever follows them. */
static void test_open_chains(void **state)
{
	struct fs_tree *t = T(state);

	NS_OPEN("/a/c1", O_RDONLY, "hello", 0);
	NS_OPEN("/a/c0", O_RDONLY, NULL, -ELOOP);
	NS_OPEN("/b/x1", O_RDONLY, "hello", 0);
	NS_OPEN("/a/x0", O_RDONLY, NULL, -ELOOP);
	NS_OPEN("/a/x2", O_RDONLY, "hello", 0);
	AT_OPEN(t->cap_b, "x1", O_RDONLY, "hello", 0);
	AT_OPEN(t->cap_a, "x0", O_RDONLY, NULL, -ELOOP);
	/* One more link in front of a 40-link chain. */
	assert_ret(tree_symlink(t->td.path, "A/one_more", "/b/x1"), 0);
	NS_OPEN("/a/one_more", O_RDONLY, NULL, -ELOOP);
	assert_ret(tree_symlink(t->td.path, "A/one_more_in", "c1"), 0);
	NS_OPEN("/a/one_more_in", O_RDONLY, NULL, -ELOOP);
}

/* Without /proc in the namespace, magic links are just outside. */
static void test_open_proc_unmounted(void **state)
{
	struct fs_tree *t = T(state);
	char p[64];

	NS_OPEN("/a/proc_fd", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/a/proc_root", O_RDONLY, NULL, -ENOENT);
	NS_OPEN("/a/proc_cwd", O_RDONLY, NULL, -ENOENT);
	snprintf(p, sizeof(p), "/proc/self/fd/%d", t->canary_fd);
	NS_OPEN(p, O_RDONLY, NULL, -ENOENT);
}

static int mount_host(ocap_ns *ns, const char *host, const char *name)
{
	ocap_cap *cap = cap_dir(host, OCAP_RIGHTS_RO, name);

	if (!cap)
		return -EIO;
	if (ocap_ns_mount(ns, cap) < 0) {
		ocap_cap_close(cap);
		return -EEXIST;
	}
	return 0;
}

/* With /proc (or /) in the namespace, magic links are -ELOOP. */
static void test_open_proc_magic(void **state)
{
	struct fs_tree *t = T(state);
	char p[2 * PATH_MAX];
	struct stat st;
	DIR *d;
	int fd;

	assert_ret(mount_host(t->ns, "/proc", "/proc"), 0);
	snprintf(p, sizeof(p), "/proc/self/fd/%d", t->canary_fd);
	NS_OPEN(p, O_RDONLY, NULL, -ELOOP);
	RC(ocap_ns_stat(t->ns, p, &st, 0), -ELOOP);
	snprintf(p, sizeof(p), "/proc/self/root%s", t->canary);
	NS_OPEN(p, O_RDONLY, NULL, -ELOOP);
	NS_OPEN("/proc/self/cwd", O_RDONLY | O_DIRECTORY, NULL, -ELOOP);
	RC(ocap_ns_opendir(t->ns, "/proc/self/root", &d), -ELOOP);
	NS_OPEN("/a/proc_fd", O_RDONLY, NULL, -ELOOP);
	NS_OPEN("/a/proc_root", O_RDONLY, NULL, -ELOOP);
	NS_OPEN("/a/proc_cwd", O_RDONLY, NULL, -ELOOP);
	/* Plain files of /proc stay reachable. */
	fd = ocap_ns_open(t->ns, "/proc/self/status", O_RDONLY, 0);
	assert_ret(fd >= 0 ? 0 : fd, 0);
	assert_true(fd_is_beneath(fd, "/proc"));
	close(fd);
}

static void test_open_root_magic(void **state)
{
	struct fs_tree *t = T(state);
	char p[2 * PATH_MAX];
	int fd;

	assert_ret(mount_host(t->ns, "/", "/"), 0);
	snprintf(p, sizeof(p), "/proc/self/fd/%d", t->canary_fd);
	NS_OPEN(p, O_RDONLY, NULL, -ELOOP);
	snprintf(p, sizeof(p), "/proc/self/root%s", t->canary);
	NS_OPEN(p, O_RDONLY, NULL, -ELOOP);
	NS_OPEN("/proc/self/root/etc", O_RDONLY | O_DIRECTORY, NULL, -ELOOP);
	NS_OPEN("/a/proc_fd", O_RDONLY, NULL, -ELOOP);
	/* With / mounted, links that leave A land in /, which is allowed. */
	fd = ocap_ns_open(t->ns, "/a/link_out_abs", O_RDONLY | O_CLOEXEC, 0);
	assert_ret(fd >= 0 ? 0 : fd, 0);
	assert_true(fd_same_file(fd, t->canary));
	close(fd);
}

static void test_open_flags_honoured(void **state)
{
	struct fs_tree *t = T(state);
	int fd;

	fd = ocap_ns_open(t->ns, "/a/file", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(fd_cloexec(fd), 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	close(fd);
	fd = ocap_ns_open(t->ns, "/a/file", O_RDWR | O_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(fd_cloexec(fd), 1);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	close(fd);
	/* Through the library's own symlink walk too. */
	fd = ocap_ns_open(t->ns, "/a/link_b", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(fd_cloexec(fd), 0);
	close(fd);
	fd = ocap_ns_open(t->ns, "/a/link_b", O_RDONLY | O_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(fd_cloexec(fd), 1);
	close(fd);
	fd = ocap_ns_open(t->ns, "/b/link_a", O_WRONLY | O_APPEND, 0);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFL) & O_APPEND);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
	close(fd);
	/* Access mode 3 opens for ioctl alone: refused as the broker and
	 * seccomp refuse it, whatever the rights. */
	assert_ret(ocap_ns_open(t->ns, "/a/file", 3, 0), -EINVAL);
	assert_ret(ocap_ns_open(t->ns, "/a/file", 3 | O_PATH, 0), -EINVAL);
	assert_ret(ocap_ns_open(t->ns, "/a", 3 | O_DIRECTORY, 0), -EINVAL);
}

/* ---- rights after resolution ------------------------------------------ */

static void test_rights_follow_target(void **state)
{
	struct fs_tree *t = T(state);

	/* B is read-only, whoever points into it. */
	NS_OPEN("/a/link_b", O_WRONLY, NULL, -EACCES);
	NS_OPEN("/a/link_b", O_RDWR, NULL, -EACCES);
	NS_OPEN("/b/bfile", O_WRONLY, NULL, -EACCES);
	NS_OPEN("/a/dangle_b", O_WRONLY | O_CREAT, NULL, -EACCES);
	assert_false(host_exists(t, "B/made_b"));
	RC(ocap_ns_mkdir(t->ns, "/a/dirlink_b/new", 0755), -EACCES);
	RC(ocap_ns_unlink(t->ns, "/a/dirlink_b/bin", 0), -EACCES);
	assert_true(host_exists(t, "B/bsub/bin"));
	/* A is writable, also from B. */
	NS_OPEN("/b/link_a", O_WRONLY, NULL, 0);
	NS_OPEN("/a/link_in", O_WRONLY, NULL, 0);
}

static void test_create_through_links(void **state)
{
	struct fs_tree *t = T(state);

	NS_OPEN("/a/dangle_in", O_WRONLY | O_CREAT, NULL, 0);
	assert_true(host_exists(t, "A/made_in"));
	NS_OPEN("/a/dangle_out", O_WRONLY | O_CREAT, NULL, -ENOENT);
	NS_OPEN("/a/dangle_out_abs", O_WRONLY | O_CREAT, NULL, -ENOENT);
	assert_false(host_exists(t, "outside/made_out"));
	assert_false(host_exists(t, "outside/made_out_abs"));
	RC(ocap_ns_mkdir(t->ns, "/a/link_out_dir/new", 0755), -ENOENT);
	assert_false(host_exists(t, "outside/new"));
}

/* A cap over T/R with the given rights, in no namespace. */
static ocap_cap *rcap(struct fs_tree *t, ocap_rights_t rights)
{
	char p[PATH_MAX];
	ocap_cap *c;

	assert_ret(tree_write(t->td.path, "R/f", "data"), 0);
	assert_ret(tree_write(t->td.path, "R/d/x", "x"), 0);
	assert_ret(tree_mkdir(t->td.path, "R/e"), 0);
	host_path(t, "R/link", p);
	unlink(p);
	assert_ret(tree_symlink(t->td.path, "R/link", "f"), 0);
	host_path(t, "R", p);
	c = cap_dir(p, rights, "/r");
	assert_non_null(c);
	assert_true(fs_tree_own_cap(t, c));
	return c;
}

/* Open on a cap over R: *want is the content or NULL. */
static void r_open(struct fs_tree *t, ocap_cap *c, const char *rel,
		   int flags, int werr, int line)
{
	int rc = ocap_openat(c, rel, flags, 0644);
	char p[PATH_MAX];

	if (werr ? rc != werr : rc < 0)
		fail_msg("line %d: openat(\"%s\", %#o) = %d (%s), expected %s",
			 line, rel, flags, rc, ret_name(rc), ret_name(werr));
	if (rc >= 0) {
		host_path(t, "R", p);
		if (!fd_is_beneath(rc, p))
			fail_msg("line %d: descriptor outside R", line);
		close(rc);
	}
}
#define R_OPEN(c, rel, flags, werr) r_open(t, c, rel, flags, werr, __LINE__)

static void test_rights_read_only(void **state)
{
	struct fs_tree *t = T(state);
	ocap_cap *c = rcap(t, OCAP_RIGHT_READ);
	DIR *d;

	R_OPEN(c, "f", O_RDONLY, 0);
	R_OPEN(c, "link", O_RDONLY, 0);
	R_OPEN(c, "missing", O_RDONLY, -ENOENT);
	R_OPEN(c, "d", O_RDONLY, -EACCES);
	R_OPEN(c, "d", O_RDONLY | O_DIRECTORY, -EACCES);
	R_OPEN(c, ".", O_RDONLY, -EACCES);
	R_OPEN(c, "f", O_WRONLY, -EACCES);
	R_OPEN(c, "f", O_RDWR, -EACCES);
	R_OPEN(c, "f", O_PATH, 0);
	RC(ocap_opendirat(c, "d", &d), -EACCES);
	RC(ocap_opendirat(c, ".", &d), -EACCES);
}

static void test_rights_list_only(void **state)
{
	struct fs_tree *t = T(state);
	ocap_cap *c = rcap(t, OCAP_RIGHT_LIST);
	DIR *d;

	R_OPEN(c, "d", O_RDONLY, 0);
	R_OPEN(c, "d", O_RDONLY | O_DIRECTORY, 0);
	R_OPEN(c, ".", O_RDONLY | O_DIRECTORY, 0);
	R_OPEN(c, "f", O_RDONLY, -EACCES);
	R_OPEN(c, "link", O_RDONLY, -EACCES);
	R_OPEN(c, "f", O_PATH, 0);
	RC(ocap_opendirat(c, "d", &d), 0);
	closedir(d);
	RC(ocap_opendirat(c, ".", &d), 0);
	closedir(d);
}

/* Metadata and O_PATH need no right; everything else does, whether or
 * not the file exists. */
static void test_rights_none(void **state)
{
	struct fs_tree *t = T(state);
	ocap_cap *c = rcap(t, 0);
	struct stat st;
	char buf[16];
	DIR *d;

	R_OPEN(c, "f", O_PATH, 0);
	R_OPEN(c, "d", O_PATH | O_DIRECTORY, 0);
	RC(ocap_statat(c, "f", &st, 0), 0);
	assert_true(S_ISREG(st.st_mode));
	RC(ocap_statat(c, "link", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISLNK(st.st_mode));
	RC(ocap_statat(c, "missing", &st, 0), -ENOENT);
	RC(ocap_readlinkat(c, "link", buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'f');
	R_OPEN(c, "f", O_RDONLY, -EACCES);
	R_OPEN(c, "missing", O_RDONLY, -EACCES);
	R_OPEN(c, "missing", O_WRONLY | O_CREAT, -EACCES);
	RC(ocap_opendirat(c, "d", &d), -EACCES);
	RC(ocap_mkdirat(c, "new", 0755), -EACCES);
	RC(ocap_mkdirat(c, "d", 0755), -EACCES);
	RC(ocap_unlinkat(c, "f", 0), -EACCES);
	RC(ocap_unlinkat(c, "missing", 0), -EACCES);
	RC(ocap_unlinkat(c, "e", AT_REMOVEDIR), -EACCES);
	assert_true(host_exists(t, "R/f"));
	assert_true(host_exists(t, "R/e"));
}

static void test_rights_write(void **state)
{
	struct fs_tree *t = T(state);
	ocap_cap *rw = rcap(t, OCAP_RIGHT_READ | OCAP_RIGHT_WRITE);
	ocap_cap *w = rcap(t, OCAP_RIGHT_WRITE);

	R_OPEN(rw, "f", O_RDWR, 0);
	R_OPEN(rw, "f", O_WRONLY, 0);
	R_OPEN(w, "f", O_WRONLY, 0);
	R_OPEN(w, "f", O_WRONLY | O_APPEND, 0);
	R_OPEN(w, "f", O_RDONLY, -EACCES);
	R_OPEN(w, "f", O_RDWR, -EACCES);
	R_OPEN(w, "missing", O_RDONLY, -EACCES);
}

static off_t host_size(struct fs_tree *t, const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	host_path(t, rel, p);
	assert_int_equal(stat(p, &st), 0);
	return st.st_size;
}

static void test_rights_truncate(void **state)
{
	struct fs_tree *t = T(state);
	ocap_cap *rw = rcap(t, OCAP_RIGHT_READ | OCAP_RIGHT_WRITE);
	ocap_cap *rt = rcap(t, OCAP_RIGHT_READ | OCAP_RIGHT_TRUNCATE);
	ocap_cap *tr = rcap(t, OCAP_RIGHT_TRUNCATE);
	ocap_cap *wt = rcap(t, OCAP_RIGHT_WRITE | OCAP_RIGHT_TRUNCATE);

	R_OPEN(rw, "f", O_WRONLY | O_TRUNC, -EACCES);
	R_OPEN(rw, "f", O_RDWR | O_TRUNC, -EACCES);
	R_OPEN(rt, "f", O_RDONLY | O_TRUNC, -EACCES);
	R_OPEN(tr, "f", O_WRONLY | O_TRUNC, -EACCES);
	R_OPEN(wt, "f", O_RDWR | O_TRUNC, -EACCES);
	assert_int_equal(host_size(t, "R/f"), 4);
	R_OPEN(wt, "f", O_WRONLY | O_TRUNC, 0);
	assert_int_equal(host_size(t, "R/f"), 0);
}

/* No capability makes a set-user-ID or set-group-ID file: EPERM, and
 * nothing is made. */
static void test_create_setid(void **state)
{
	struct fs_tree *t = T(state);
	ocap_cap *c = rcap(t, OCAP_RIGHTS_RW);
	static const mode_t modes[] = { 04755, 02755, 06644 };
	char p[PATH_MAX];
	struct stat st;
	int fd;

	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		fd = ocap_openat(c, "setid", O_WRONLY | O_CREAT | O_EXCL,
				 modes[i]);
		assert_int_equal(fd, -EPERM);
		fd = ocap_openat(c, ".", O_WRONLY | O_TMPFILE, modes[i]);
		assert_int_equal(fd, -EPERM);
	}
	host_path(t, "R/setid", p);
	assert_int_equal(lstat(p, &st), -1);
	fd = ocap_openat(c, "setid", O_WRONLY | O_CREAT | O_EXCL, 01755);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 07000, 01000);
	unlink(p);
}

static void test_rights_creat_without_create(void **state)
{
	struct fs_tree *t = T(state);
	ocap_cap *c = rcap(t, OCAP_RIGHTS_RW & ~OCAP_RIGHT_CREATE);

	/* Plain O_CREAT opens what exists... */
	R_OPEN(c, "f", O_WRONLY | O_CREAT, 0);
	R_OPEN(c, "f", O_RDWR | O_CREAT, 0);
	/* ...and is refused for what does not. */
	R_OPEN(c, "new", O_WRONLY | O_CREAT, -EACCES);
	assert_false(host_exists(t, "R/new"));
	/* O_EXCL would create: refused either way. */
	R_OPEN(c, "f", O_WRONLY | O_CREAT | O_EXCL, -EACCES);
	R_OPEN(c, "new", O_WRONLY | O_CREAT | O_EXCL, -EACCES);
	RC(ocap_mkdirat(c, "newdir", 0755), -EACCES);
	RC(ocap_mkdirat(c, "d", 0755), -EACCES);
	assert_false(host_exists(t, "R/newdir"));
}

static void test_rights_create(void **state)
{
	struct fs_tree *t = T(state);
	ocap_cap *wc = rcap(t, OCAP_RIGHT_WRITE | OCAP_RIGHT_CREATE);
	ocap_cap *c = rcap(t, OCAP_RIGHT_CREATE);

	R_OPEN(wc, "new", O_WRONLY | O_CREAT, 0);
	assert_true(host_exists(t, "R/new"));
	R_OPEN(wc, "f", O_WRONLY | O_CREAT | O_EXCL, -EEXIST);
	R_OPEN(wc, "new2", O_WRONLY | O_CREAT | O_EXCL, 0);
	R_OPEN(wc, "new3", O_RDWR | O_CREAT, -EACCES);
	assert_false(host_exists(t, "R/new3"));
	/* Creating a file needs write as well. */
	R_OPEN(c, "new4", O_WRONLY | O_CREAT, -EACCES);
	assert_false(host_exists(t, "R/new4"));
	RC(ocap_mkdirat(c, "nd", 0755), 0);
	assert_true(host_exists(t, "R/nd"));
	RC(ocap_mkdirat(c, "nd", 0755), -EEXIST);
	RC(ocap_mkdirat(c, "nd/sub/", 0755), 0);
	RC(ocap_mkdirat(c, "missing/sub", 0755), -ENOENT);
	RC(ocap_mkdirat(c, "f/sub", 0755), -ENOTDIR);
	RC(ocap_mkdirat(c, ".", 0755), -EEXIST);
}

static void test_rights_delete(void **state)
{
	struct fs_tree *t = T(state);
	ocap_cap *d = rcap(t, OCAP_RIGHT_DELETE);
	ocap_cap *nd = rcap(t, OCAP_RIGHTS_RW & ~OCAP_RIGHT_DELETE);

	RC(ocap_unlinkat(nd, "f", 0), -EACCES);
	RC(ocap_unlinkat(nd, "missing", 0), -EACCES);
	RC(ocap_unlinkat(nd, "e", AT_REMOVEDIR), -EACCES);
	RC(ocap_unlinkat(d, "missing", 0), -ENOENT);
	RC(ocap_unlinkat(d, "d", 0), -EISDIR);
	RC(ocap_unlinkat(d, "d", AT_REMOVEDIR), -ENOTEMPTY);
	RC(ocap_unlinkat(d, "f", AT_REMOVEDIR), -ENOTDIR);
	RC(ocap_unlinkat(d, "link", 0), 0);
	assert_false(host_exists(t, "R/link"));
	assert_true(host_exists(t, "R/f"));
	RC(ocap_unlinkat(d, "f", 0), 0);
	assert_false(host_exists(t, "R/f"));
	RC(ocap_unlinkat(d, "e", AT_REMOVEDIR), 0);
	assert_false(host_exists(t, "R/e"));
	RC(ocap_unlinkat(d, ".", AT_REMOVEDIR), -EBUSY);
	RC(ocap_unlinkat(d, ".", 0), -EBUSY);
}

/* ---- rename --------------------------------------------------------- */

/* /s may only delete, /u only create, /x both. */
static void rename_ns(struct fs_tree *t, ocap_ns **ns)
{
	char p[PATH_MAX];
	static const struct {
		const char *host, *name;
		ocap_rights_t rights;
	} m[] = {
		{ "S", "/s", OCAP_RIGHT_DELETE },
		{ "U", "/u", OCAP_RIGHT_CREATE },
		{ "X", "/x", OCAP_RIGHT_CREATE | OCAP_RIGHT_DELETE },
	};
	ocap_cap *c;
	size_t i;

	assert_ret(ocap_ns_new(ns), 0);
	t->extra_ns = *ns;
	for (i = 0; i < 3; i++) {
		assert_ret(tree_mkdir(t->td.path, m[i].host), 0);
		host_path(t, m[i].host, p);
		c = cap_dir(p, m[i].rights, m[i].name);
		assert_non_null(c);
		assert_ret(ocap_ns_mount(*ns, c), 0);
	}
	assert_ret(tree_write(t->td.path, "S/f", "f"), 0);
	assert_ret(tree_write(t->td.path, "U/g", "g"), 0);
	assert_ret(tree_write(t->td.path, "X/h", "h"), 0);
	assert_ret(tree_symlink(t->td.path, "X/out", "../outside"), 0);
}

static void test_rename_rights(void **state)
{
	struct fs_tree *t = T(state);
	ocap_ns *ns;

	rename_ns(t, &ns);
	RC(ocap_ns_rename(ns, "/u/g", "/s/g"), -EACCES);
	RC(ocap_ns_rename(ns, "/s/f", "/s/f2"), -EACCES);
	RC(ocap_ns_rename(ns, "/u/g", "/u/g2"), -EACCES);
	RC(ocap_ns_rename(ns, "/u/nothing", "/s/x"), -EACCES);
	assert_true(host_exists(t, "S/f") && host_exists(t, "U/g"));
	RC(ocap_ns_rename(ns, "/s/missing", "/u/z"), -ENOENT);
	RC(ocap_ns_rename(ns, "/s/f", "/u/f"), 0);
	assert_false(host_exists(t, "S/f"));
	assert_true(host_exists(t, "U/f"));
	RC(ocap_ns_rename(ns, "/x/h", "/x/h2"), 0);
	assert_true(host_exists(t, "X/h2"));
}

static void test_rename_mount_points(void **state)
{
	struct fs_tree *t = T(state);
	ocap_ns *ns;

	rename_ns(t, &ns);
	RC(ocap_ns_rename(ns, "/s", "/x/s"), -EBUSY);
	RC(ocap_ns_rename(ns, "/x/h", "/u"), -EBUSY);
	RC(ocap_ns_rename(ns, "/x", "/x/y"), -EBUSY);
	assert_true(host_exists(t, "X/h"));
	RC(ocap_ns_unlink(t->ns, "/a", 0), -EBUSY);
	RC(ocap_ns_unlink(t->ns, "/a", AT_REMOVEDIR), -EBUSY);
	RC(ocap_ns_unlink(t->ns, "/a/", AT_REMOVEDIR), -EBUSY);
	RC(ocap_ns_unlink(t->ns, "/a/sub/..", AT_REMOVEDIR), -EBUSY);
	RC(ocap_ns_mkdir(t->ns, "/a", 0755), -EEXIST);
	RC(ocap_ns_mkdir(t->ns, "/a/", 0755), -EEXIST);
	RC(ocap_mkdirat(t->cap_a, ".", 0755), -EEXIST);
	RC(ocap_unlinkat(t->cap_a, ".", AT_REMOVEDIR), -EBUSY);
	RC(ocap_renameat(t->cap_a, ".", t->cap_a, "moved"), -EBUSY);
	assert_true(host_exists(t, "A/file"));
}

static void test_rename_escapes(void **state)
{
	struct fs_tree *t = T(state);
	ocap_ns *ns;

	rename_ns(t, &ns);
	RC(ocap_ns_rename(ns, "/x/out/secret", "/x/stolen"), -ENOENT);
	RC(ocap_ns_rename(ns, "/x/h", "/x/out/planted"), -ENOENT);
	assert_true(host_exists(t, "outside/secret"));
	assert_false(host_exists(t, "outside/planted"));
	assert_true(host_exists(t, "X/h"));
	/* In the fixture namespace: out of A, into B (read-only). */
	RC(ocap_ns_rename(t->ns, "/a/link_out_dir/secret", "/a/s"), -ENOENT);
	RC(ocap_ns_rename(t->ns, "/a/file", "/a/link_out_dir/f"), -ENOENT);
	RC(ocap_ns_rename(t->ns, "/a/file", "/a/dirlink_b/f"), -EACCES);
	RC(ocap_ns_rename(t->ns, "/b/bfile", "/a/bfile"), -EACCES);
	/* The last component is not followed: the link itself moves. */
	RC(ocap_ns_rename(t->ns, "/a/link_out_dir", "/a/moved_link"), 0);
	assert_true(host_exists(t, "outside/secret"));
	assert_true(host_exists(t, "A/moved_link"));
	RC(ocap_renameat(t->cap_a, "file", t->cap_a, "file2"), 0);
	assert_true(host_exists(t, "A/file2"));
}

/* ---- stat, readlink, mkdir, unlink, opendir through links --------------- */

static void test_stat(void **state)
{
	struct fs_tree *t = T(state);
	struct stat st, want;
	char p[PATH_MAX];

	host_path(t, "B/bfile", p);
	assert_int_equal(stat(p, &want), 0);
	RC(ocap_ns_stat(t->ns, "/a/link_b", &st, 0), 0);
	assert_true(st.st_ino == want.st_ino && st.st_dev == want.st_dev);
	RC(ocap_ns_stat(t->ns, "/a/link_b", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISLNK(st.st_mode));
	RC(ocap_ns_stat(t->ns, "/a/link_out_abs", &st, 0), -ENOENT);
	RC(ocap_ns_stat(t->ns, "/a/link_out_abs", &st, AT_SYMLINK_NOFOLLOW),
	   0);
	assert_true(S_ISLNK(st.st_mode));
	RC(ocap_ns_stat(t->ns, "/a/link_out_dir/secret", &st, 0), -ENOENT);
	RC(ocap_ns_stat(t->ns, "/a/loop1", &st, 0), -ELOOP);
	RC(ocap_ns_stat(t->ns, "/a/x0", &st, 0), -ELOOP);
	RC(ocap_ns_stat(t->ns, "/b/x1", &st, 0), 0);
	RC(ocap_ns_stat(t->ns, "/a/dirlink_b", &st, 0), 0);
	assert_true(S_ISDIR(st.st_mode));
	RC(ocap_ns_stat(t->ns, "/a", &st, 0), 0);
	assert_true(S_ISDIR(st.st_mode));
	RC(ocap_ns_stat(t->ns, "/", &st, 0), -ENOENT);
	RC(ocap_ns_stat(t->ns, "/a/file/", &st, 0), -ENOTDIR);
	RC(ocap_statat(t->cap_a, "link_b", &st, 0), 0);
	assert_true(st.st_ino == want.st_ino);
	RC(ocap_statat(t->cap_a, "../b/bfile", &st, 0), 0);
	assert_true(st.st_ino == want.st_ino);
}

static void check_readlink(ocap_ns *ns, const char *path, const char *want)
{
	char buf[PATH_MAX];
	ssize_t n = ocap_ns_readlink(ns, path, buf, sizeof(buf));

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, strlen(want)))
		fail_msg("readlink(\"%s\") = %zd \"%.*s\", expected \"%s\"",
			 path, n, n > 0 ? (int)n : 0, buf, want);
}

static void test_readlink(void **state)
{
	struct fs_tree *t = T(state);
	char buf[4];

	check_readlink(t->ns, "/a/link_b", "/b/bfile");
	check_readlink(t->ns, "/a/loop1", "loop2");
	check_readlink(t->ns, "/a/link_out_rel", "../canary");
	check_readlink(t->ns, "/b/xloop", "/a/xloop");
	check_readlink(t->ns, "/a/link_sub/link_up", "../file");
	check_readlink(t->ns, "/a/dirlink_b/../link_in", "file");
	RC(ocap_ns_readlink(t->ns, "/a/file", buf, sizeof(buf)), -EINVAL);
	RC(ocap_ns_readlink(t->ns, "/a/missing", buf, sizeof(buf)), -ENOENT);
	RC(ocap_ns_readlink(t->ns, "/a/link_out_dir/x", buf, sizeof(buf)),
	   -ENOENT);
	RC(ocap_ns_readlink(t->ns, "/a/loop/x", buf, sizeof(buf)), -ELOOP);
	RC(ocap_ns_readlink(t->ns, "/c/x", buf, sizeof(buf)), -ENOENT);
	/* Truncated like readlink(2): size bytes, no NUL. */
	RC(ocap_ns_readlink(t->ns, "/a/link_b", buf, 3), 3);
	assert_memory_equal(buf, "/b/", 3);
	RC(ocap_readlinkat(t->cap_a, "link_in", buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "file", 4);
}

static void test_mkdir_unlink(void **state)
{
	struct fs_tree *t = T(state);

	RC(ocap_ns_mkdir(t->ns, "/a/newdir", 0755), 0);
	assert_true(host_exists(t, "A/newdir"));
	RC(ocap_ns_mkdir(t->ns, "/a/newdir", 0755), -EEXIST);
	RC(ocap_ns_mkdir(t->ns, "/a/link_sub/n2", 0755), 0);
	assert_true(host_exists(t, "A/sub/n2"));
	RC(ocap_ns_mkdir(t->ns, "/b/new", 0755), -EACCES);
	RC(ocap_ns_mkdir(t->ns, "/a/loop1/x", 0755), -ELOOP);
	RC(ocap_ns_mkdir(t->ns, "/c", 0755), -ENOENT);
	RC(ocap_ns_mkdir(t->ns, "/a/missing/x", 0755), -ENOENT);
	RC(ocap_ns_unlink(t->ns, "/a/newdir", AT_REMOVEDIR), 0);
	RC(ocap_ns_unlink(t->ns, "/a/sub", 0), -EISDIR);
	RC(ocap_ns_unlink(t->ns, "/a/sub", AT_REMOVEDIR), -ENOTEMPTY);
	RC(ocap_ns_unlink(t->ns, "/b/bfile", 0), -EACCES);
	RC(ocap_ns_unlink(t->ns, "/a/link_out_dir/secret", 0), -ENOENT);
	assert_true(host_exists(t, "outside/secret"));
	/* The last component is not followed. */
	RC(ocap_ns_unlink(t->ns, "/a/link_b", 0), 0);
	assert_false(host_exists(t, "A/link_b"));
	assert_true(host_exists(t, "B/bfile"));
	RC(ocap_ns_unlink(t->ns, "/a/link_out_abs", 0), 0);
	assert_true(host_exists(t, "canary"));
	RC(ocap_unlinkat(t->cap_a, "dirlink_b/bin", 0), -EACCES);
	RC(ocap_unlinkat(t->cap_a, "sub/inner", 0), 0);
	RC(ocap_unlinkat(t->cap_a, "sub/link_up", 0), 0);
	RC(ocap_unlinkat(t->cap_a, "sub/n2", AT_REMOVEDIR), 0);
	RC(ocap_unlinkat(t->cap_a, "sub", AT_REMOVEDIR), 0);
	assert_false(host_exists(t, "A/sub"));
}

static int dir_has(DIR *d, const char *name)
{
	struct dirent *e;

	while ((e = readdir(d)))
		if (strcmp(e->d_name, name) == 0)
			return 1;
	return 0;
}

static void test_opendir(void **state)
{
	struct fs_tree *t = T(state);
	char p[PATH_MAX];
	DIR *d;

	RC(ocap_ns_opendir(t->ns, "/a/dirlink_b", &d), 0);
	host_path(t, "B/bsub", p);
	assert_true(fd_is_beneath(dirfd(d), p));
	assert_int_equal(dir_has(d, "bin"), 1);
	closedir(d);
	RC(ocap_ns_opendir(t->ns, "/a", &d), 0);
	assert_true(fd_same_file(dirfd(d), t->a));
	assert_int_equal(dir_has(d, "link_b"), 1);
	closedir(d);
	RC(ocap_ns_opendir(t->ns, "/b/", &d), 0);
	assert_true(fd_same_file(dirfd(d), t->b));
	closedir(d);
	RC(ocap_ns_opendir(t->ns, "/a/link_out_dir", &d), -ENOENT);
	RC(ocap_ns_opendir(t->ns, "/a/link_out_host_dir", &d), -ENOENT);
	RC(ocap_ns_opendir(t->ns, "/a/file", &d), -ENOTDIR);
	RC(ocap_ns_opendir(t->ns, "/a/loop1", &d), -ELOOP);
	RC(ocap_ns_opendir(t->ns, "/a/missing", &d), -ENOENT);
	RC(ocap_ns_opendir(t->ns, "/", &d), -ENOENT);
	RC(ocap_opendirat(t->cap_a, "link_sub", &d), 0);
	assert_int_equal(dir_has(d, "inner"), 1);
	closedir(d);
	RC(ocap_opendirat(t->cap_a, "..", &d), -ENOENT);
	RC(ocap_opendirat(t->cap_a, "../b", &d), 0);
	assert_true(fd_same_file(dirfd(d), t->b));
	closedir(d);
}

/* ---- capabilities ------------------------------------------------------- */

static void test_cap_open_dir(void **state)
{
	struct fs_tree *t = T(state);
	char p[2 * PATH_MAX], cwd[PATH_MAX];
	ocap_cap *c;
	int fl;

	snprintf(p, sizeof(p), "%s//sub/./../../A", t->a);
	RC(ocap_cap_open(p, OCAP_RIGHTS_RO, &c), 0);
	assert_string_equal(ocap_cap_name(c), t->a);
	assert_int_equal(ocap_cap_kind(c), OCAP_KIND_DIR);
	assert_int_equal(ocap_cap_rights(c), OCAP_RIGHTS_RO);
	fl = fcntl(ocap_cap_fd(c), F_GETFL);
	assert_true(fl & O_PATH);
	assert_true(fd_same_file(ocap_cap_fd(c), t->a));
	assert_int_equal(fd_cloexec(ocap_cap_fd(c)), 1);
	ocap_cap_close(c);

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(t->td.path), 0);
	RC(ocap_cap_open("A", OCAP_RIGHTS_RO, &c), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(ocap_cap_name(c), t->a);
	ocap_cap_close(c);

	snprintf(p, sizeof(p), "%s/missing", t->a);
	RC(ocap_cap_open(p, OCAP_RIGHTS_RO, &c), -ENOENT);
	RC(ocap_cap_open(t->a, OCAP_RIGHTS_ALL + 1, &c), -EINVAL);
	RC(ocap_cap_open(t->a, 1u << 31, &c), -EINVAL);
}

static void check_file_cap(const char *path, ocap_rights_t rights,
			   int accmode)
{
	ocap_cap *c;
	int fl;

	RC(ocap_cap_open(path, rights, &c), 0);
	assert_int_equal(ocap_cap_kind(c), OCAP_KIND_FILE);
	assert_string_equal(ocap_cap_name(c), path);
	fl = fcntl(ocap_cap_fd(c), F_GETFL);
	if (accmode == O_PATH)
		assert_true(fl & O_PATH);
	else {
		assert_false(fl & O_PATH);
		assert_int_equal(fl & O_ACCMODE, accmode);
	}
	assert_true(fd_same_file(ocap_cap_fd(c), path));
	ocap_cap_close(c);
}

static void test_cap_open_file(void **state)
{
	struct fs_tree *t = T(state);
	char p[PATH_MAX];

	host_path(t, "A/file", p);
	check_file_cap(p, OCAP_RIGHT_READ, O_RDONLY);
	check_file_cap(p, OCAP_RIGHT_WRITE, O_WRONLY);
	check_file_cap(p, OCAP_RIGHT_READ | OCAP_RIGHT_WRITE, O_RDWR);
	check_file_cap(p, OCAP_RIGHTS_RW, O_RDWR);
	check_file_cap(p, 0, O_PATH);
	check_file_cap(p, OCAP_RIGHT_LIST | OCAP_RIGHT_EXEC, O_PATH);
}

static void test_file_cap_ops(void **state)
{
	struct fs_tree *t = T(state);
	char p[PATH_MAX], buf[16];
	struct stat st;
	ocap_cap *c;
	int fd;

	host_path(t, "A/file", p);
	RC(ocap_cap_open(p, OCAP_RIGHT_READ, &c), 0);
	/* "." reopens: a new open file description. */
	assert_int_equal(lseek(ocap_cap_fd(c), 3, SEEK_SET), 3);
	fd = ocap_openat(c, ".", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_not_equal(fd, ocap_cap_fd(c));
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 0);
	assert_int_equal(read(fd, buf, 5), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(lseek(ocap_cap_fd(c), 0, SEEK_CUR), 3);
	assert_int_equal(fd_cloexec(fd), 0);
	close(fd);
	RC(ocap_openat(c, ".", O_WRONLY, 0), -EACCES);
	RC(ocap_openat(c, "x", O_RDONLY, 0), -ENOTDIR);
	RC(ocap_openat(c, "x/y", O_RDONLY, 0), -ENOTDIR);
	RC(ocap_statat(c, ".", &st, 0), 0);
	assert_true(fd_same_file(ocap_cap_fd(c), p));
	RC(ocap_statat(c, "x", &st, 0), -ENOTDIR);
	RC(ocap_mkdirat(c, "x", 0755), -ENOTDIR);
	RC(ocap_unlinkat(c, "x", 0), -ENOTDIR);
	ocap_cap_close(c);
}

static void test_file_cap_in_ns(void **state)
{
	struct fs_tree *t = T(state);
	char p[PATH_MAX];
	ocap_cap *c;
	int fd;

	host_path(t, "A/file", p);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	RC(ocap_cap_from_fd(fd, OCAP_KIND_FILE, OCAP_RIGHT_READ, "/etc/conf",
			    &c), 0);
	RC(ocap_ns_mount(t->ns, c), 0);
	NS_OPEN("/etc/conf", O_RDONLY, "hello", 0);
	NS_OPEN("/etc/conf", O_WRONLY, NULL, -EACCES);
	NS_OPEN("/etc/conf/x", O_RDONLY, NULL, -ENOTDIR);
	NS_OPEN("/etc/con", O_RDONLY, NULL, -ENOENT);
}

static void test_cap_from_fd(void **state)
{
	struct fs_tree *t = T(state);
	static const char *bad[] = { "a", "", "/a/../b", "/a/./b", "//a",
				     "/a//b", "a/b" };
	ocap_cap *c;
	size_t i;
	int fd = open_dir_path(t->a);

	assert_true(fd >= 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ocap_cap_from_fd(fd, OCAP_KIND_DIR, 0, bad[i], &c) !=
		    -EINVAL)
			fail_msg("from_fd name \"%s\" accepted", bad[i]);
		assert_true(fd_is_open(fd));
	}
	RC(ocap_cap_from_fd(fd, OCAP_KIND_DIR, 0, NULL, &c), -EINVAL);
	assert_true(fd_is_open(fd));
	RC(ocap_cap_from_fd(fd, OCAP_KIND_DIR, OCAP_RIGHTS_RO, "/x/y", &c), 0);
	assert_int_equal(ocap_cap_fd(c), fd);
	assert_string_equal(ocap_cap_name(c), "/x/y");
	assert_int_equal(ocap_cap_kind(c), OCAP_KIND_DIR);
	assert_int_equal(ocap_cap_rights(c), OCAP_RIGHTS_RO);
	ocap_cap_close(c);
	assert_false(fd_is_open(fd));
}

static void test_derive(void **state)
{
	struct fs_tree *t = T(state);
	char p[PATH_MAX];
	ocap_cap *d;

	RC(ocap_cap_derive(t->cap_a, "sub", OCAP_RIGHTS_RO, &d), 0);
	assert_string_equal(ocap_cap_name(d), "/a/sub");
	assert_int_equal(ocap_cap_kind(d), OCAP_KIND_DIR);
	assert_int_equal(ocap_cap_rights(d), OCAP_RIGHTS_RO);
	host_path(t, "A/sub", p);
	assert_true(fd_same_file(ocap_cap_fd(d), p));
	ocap_cap_close(d);

	RC(ocap_cap_derive(t->cap_a, "sub//./", OCAP_RIGHT_LIST, &d), 0);
	ocap_cap_close(d);
	RC(ocap_cap_derive(t->cap_a, "file", OCAP_RIGHT_READ, &d), 0);
	assert_string_equal(ocap_cap_name(d), "/a/file");
	assert_int_equal(ocap_cap_kind(d), OCAP_KIND_FILE);
	assert_int_equal(fcntl(ocap_cap_fd(d), F_GETFL) & O_ACCMODE, O_RDONLY);
	ocap_cap_close(d);
	RC(ocap_cap_derive(t->cap_a, "link_sub", OCAP_RIGHTS_RO, &d), 0);
	assert_true(fd_same_file(ocap_cap_fd(d), p));
	ocap_cap_close(d);
}

static void test_derive_errors(void **state)
{
	struct fs_tree *t = T(state);
	ocap_cap *d = NULL;

	RC(ocap_cap_derive(t->cap_a, "sub", OCAP_RIGHTS_ALL, &d), -EACCES);
	RC(ocap_cap_derive(t->cap_a, "sub", OCAP_RIGHT_EXEC, &d), -EACCES);
	RC(ocap_cap_derive(t->cap_b, "bsub", OCAP_RIGHTS_RW, &d), -EACCES);
	RC(ocap_cap_derive(t->cap_b, "bsub", OCAP_RIGHT_WRITE, &d), -EACCES);
	RC(ocap_cap_derive(t->cap_a, "missing", OCAP_RIGHTS_RO, &d), -ENOENT);
	RC(ocap_cap_derive(t->cap_a, "link_out_dir", OCAP_RIGHTS_RO, &d),
	   -ENOENT);
	RC(ocap_cap_derive(t->cap_a, "link_out_rel", OCAP_RIGHT_READ, &d),
	   -ENOENT);
	RC(ocap_cap_derive(t->cap_a, "../canary", OCAP_RIGHT_READ, &d),
	   -ENOENT);
	RC(ocap_cap_derive(t->cap_a, "loop1", OCAP_RIGHT_READ, &d), -ELOOP);
	RC(ocap_cap_derive(t->cap_a, "file/x", OCAP_RIGHT_READ, &d),
	   -ENOTDIR);
}

/* A derived capability is mounted nowhere: a namespace of one. */
static void test_derived_is_alone(void **state)
{
	struct fs_tree *t = T(state);
	ocap_cap *d, *dd;

	RC(ocap_cap_derive(t->cap_a, "sub", OCAP_RIGHTS_RO, &d), 0);
	AT_OPEN(d, "inner", O_RDONLY, "inner", 0);
	AT_OPEN(d, "inner", O_WRONLY, NULL, -EACCES);
	AT_OPEN(d, "../file", O_RDONLY, NULL, -ENOENT);
	AT_OPEN(d, "link_up", O_RDONLY, NULL, -ENOENT);
	AT_OPEN(d, "../../b/bfile", O_RDONLY, NULL, -ENOENT);
	RC(ocap_cap_derive(d, "..", OCAP_RIGHTS_RO, &dd), -ENOENT);
	RC(ocap_cap_derive(d, "link_up", OCAP_RIGHT_READ, &dd), -ENOENT);
	ocap_cap_close(d);
}

static void test_limit(void **state)
{
	struct fs_tree *t = T(state);
	ocap_cap *d, *dd;

	RC(ocap_cap_derive(t->cap_a, "sub", OCAP_RIGHTS_RO, &d), 0);
	RC(ocap_cap_limit(d, OCAP_RIGHTS_RW), -EACCES);
	assert_int_equal(ocap_cap_rights(d), OCAP_RIGHTS_RO);
	RC(ocap_cap_limit(d, OCAP_RIGHT_READ), 0);
	assert_int_equal(ocap_cap_rights(d), OCAP_RIGHT_READ);
	RC(ocap_cap_limit(d, OCAP_RIGHTS_RO), -EACCES);
	assert_int_equal(ocap_cap_rights(d), OCAP_RIGHT_READ);
	RC(ocap_cap_derive(d, ".", OCAP_RIGHTS_RO, &dd), -EACCES);
	RC(ocap_cap_limit(d, 0), 0);
	assert_int_equal(ocap_cap_rights(d), 0);
	AT_OPEN(d, "inner", O_RDONLY, NULL, -EACCES);
	ocap_cap_close(d);

	/* Limiting a mounted capability takes effect in its namespace. */
	RC(ocap_cap_limit(t->cap_a, OCAP_RIGHTS_RO), 0);
	NS_OPEN("/a/file", O_WRONLY, NULL, -EACCES);
	NS_OPEN("/b/link_a", O_WRONLY, NULL, -EACCES);
	RC(ocap_ns_mkdir(t->ns, "/a/x", 0755), -EACCES);
	NS_OPEN("/a/file", O_RDONLY, "hello", 0);
	RC(ocap_cap_limit(t->cap_a, OCAP_RIGHTS_RW), -EACCES);
}

#define F(fn)                                                               \
	cmocka_unit_test_setup_teardown(fn, fs_tree_setup, fs_tree_teardown)

static int have_openat2(void)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH };
	long fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof(how));

	if (fd < 0)
		return errno != ENOSYS;
	close((int)fd);
	return 1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		F(test_open_plain),
		F(test_open_links_inside),
		F(test_open_links_across),
		F(test_open_links_outside),
		F(test_open_dotdot_lexical),
		F(test_relative_cwd),
		F(test_open_loops),
		F(test_open_chains),
		F(test_open_proc_unmounted),
		F(test_open_proc_magic),
		F(test_open_root_magic),
		F(test_open_flags_honoured),
		F(test_rights_follow_target),
		F(test_create_through_links),
		F(test_rights_read_only),
		F(test_rights_list_only),
		F(test_rights_none),
		F(test_rights_write),
		F(test_rights_truncate),
		F(test_create_setid),
		F(test_rights_creat_without_create),
		F(test_rights_create),
		F(test_rights_delete),
		F(test_rename_rights),
		F(test_rename_mount_points),
		F(test_rename_escapes),
		F(test_stat),
		F(test_readlink),
		F(test_mkdir_unlink),
		F(test_opendir),
		F(test_cap_open_dir),
		F(test_cap_open_file),
		F(test_file_cap_ops),
		F(test_file_cap_in_ns),
		F(test_cap_from_fd),
		F(test_derive),
		F(test_derive_errors),
		F(test_derived_is_alone),
		F(test_limit),
	};

	if (!have_openat2()) {
		fprintf(stderr, "skip: openat2(2) is not available\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
