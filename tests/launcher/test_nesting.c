/* SPDX-License-Identifier: MIT */
/*
 * nesting.c: which capability lies on the host beneath a directory that
 * gives more, judged on real directories in a temporary tree.  The rights
 * are bits of the test's own: the check only masks and compares them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "nesting.h"
#include "support.h"

enum { LIST = 1, CREATE = 2, DELETE = 4, READ = 8, WRITE = 16 };

#define DIR_RIGHTS (LIST | CREATE | DELETE)
#define FILE_RIGHTS (READ | WRITE)

/* What found() was told, in order (the first 8 of n); stop is what it
 * answers. */
struct hits {
	struct hit {
		size_t outer, inner;
		uint64_t more;
		int err;
	} h[8];
	size_t n;
	int stop;
};

static int record(void *ctx, size_t outer, size_t inner, uint64_t more,
		  int err)
{
	struct hits *s = ctx;

	if (s->n < sizeof s->h / sizeof s->h[0])
		s->h[s->n] = (struct hit){ outer, inner, more, err };
	s->n++;
	return s->stop;
}

/* ocap__nest_check() over v answers want, having told found() nhits
 * things, recorded in s (emptied first). */
static void check(const struct ocap_nest *v, size_t n, ocap_nest_fd_path *fp,
		  struct hits *s, int want, size_t nhits)
{
	s->n = 0;
	assert_ret(ocap__nest_check(v, n, fp, record, s), want);
	assert_int_equal(s->n, nhits);
}

/* A capability over a host path, as ocapsh's grants are given. */
static struct ocap_nest by_path(const char *path, uint64_t rights)
{
	return (struct ocap_nest){ .dirfd = AT_FDCWD, .path = path,
				   .gives = rights, .holds = rights,
				   .file_rights = FILE_RIGHTS, .inner = true };
}

/* A capability over a descriptor, as ocap_enter()'s are given. */
static struct ocap_nest by_fd(int fd, uint64_t rights)
{
	struct ocap_nest e = by_path("", rights);

	e.dirfd = fd;
	return e;
}

static void assert_hit(const struct hits *s, size_t i, size_t outer,
		       size_t inner, uint64_t more, int err)
{
	assert_true(i < s->n && i < sizeof s->h / sizeof s->h[0]);
	assert_int_equal(s->h[i].outer, outer);
	assert_int_equal(s->h[i].inner, inner);
	assert_int_equal(s->h[i].more, more);
	assert_ret(s->h[i].err, err);
}

/* td->path/rel in buf, which is returned. */
static const char *at(const struct tmpdir *td, const char *rel, char *buf)
{
	assert_int_equal(tree_join(buf, PATH_MAX, td->path, rel), 0);
	return buf;
}

static int open_at(const struct tmpdir *td, const char *rel, int flags)
{
	char p[PATH_MAX];
	int fd = open(at(td, rel, p), flags | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* A tree of directories, files and symlinks (a target starting with '/'
 * is the case's own directory's), capabilities over paths in it, and what
 * found() must be told. */
struct tree_case {
	const char *what;
	const char *dirs[3], *files[2], *links[3][2];
	struct {
		const char *rel;
		uint64_t rights;
	} e[4];
	size_t n, nhits;
	struct hit want[3];
};

static const struct tree_case tree_cases[] = {
	{ "a directory two levels down in one that gives more: only the "
	  "right it lacks; the outer one, narrower, is not found",
	  .dirs = { "a/b/c" },
	  .e = { { "a", READ | WRITE | LIST }, { "a/b/c", READ | LIST } },
	  .n = 2, .nhits = 1, .want = { { 0, 1, WRITE, 0 } } },
	{ "beneath one that gives the same rights",
	  .dirs = { "a/b/c" },
	  .e = { { "a", READ | LIST }, { "a/b/c", READ | LIST } },
	  .n = 2 },
	{ "beneath one that gives fewer",
	  .dirs = { "a/b/c" },
	  .e = { { "a", READ | LIST }, { "a/b/c", READ | WRITE | LIST } },
	  .n = 2 },
	{ "siblings, one whose name starts with the outer one's",
	  .dirs = { "a", "b", "ab/c" },
	  .e = { { "a", READ | WRITE | LIST }, { "b", READ }, { "ab/c", READ } },
	  .n = 3 },
	{ "symlinks into the outer tree: a directory's (\"..\" resolves it), "
	  "a file's by a relative and an absolute target (followed by hand)",
	  .dirs = { "a/b/c" }, .files = { "a/b/f" },
	  .links = { { "l", "a/b/c" }, { "x/rel", "../a/b/f" },
		     { "x/abs", "/a/b/f" } },
	  .e = { { "a", READ | WRITE | LIST }, { "l", READ | LIST },
		 { "x/rel", READ }, { "x/abs", READ } },
	  .n = 4, .nhits = 3,
	  .want = { { 0, 1, WRITE, 0 }, { 0, 2, WRITE, 0 },
		    { 0, 3, WRITE, 0 } } },
	{ "a file gains only file rights: the one it lacks",
	  .files = { "a/b/f" },
	  .e = { { "a", READ | WRITE | DIR_RIGHTS }, { "a/b/f", READ } },
	  .n = 2, .nhits = 1, .want = { { 0, 1, WRITE, 0 } } },
	{ "a file beneath a directory that gives only directory rights",
	  .files = { "a/b/f" },
	  .e = { { "a", DIR_RIGHTS }, { "a/b/f", READ } },
	  .n = 2 },
	{ "a name not there yet, judged by its parent (with every right: it "
	  "may become a directory); beneath a sibling, not found",
	  .dirs = { "a/b", "c" },
	  .e = { { "a", READ | WRITE | LIST }, { "a/b/new", READ },
		 { "c/new", READ } },
	  .n = 3, .nhits = 1, .want = { { 0, 1, WRITE | LIST, 0 } } },
};

/* Case k in td/k: whether found() was told what it should be. */
static bool tree_case_run(const struct tmpdir *td, size_t k)
{
	const struct tree_case *t = &tree_cases[k];
	char base[PATH_MAX], rel[PATH_MAX], target[PATH_MAX];
	char paths[4][PATH_MAX];
	struct ocap_nest v[4];
	struct hits s = { 0 };

	snprintf(rel, sizeof rel, "%zu", k);
	assert_int_equal(tree_mkdir(td->path, rel), 0);
	at(td, rel, base);
	for (size_t i = 0; i < 3 && t->dirs[i]; i++)
		assert_int_equal(tree_mkdir(base, t->dirs[i]), 0);
	for (size_t i = 0; i < 2 && t->files[i]; i++)
		assert_int_equal(tree_write(base, t->files[i], "x"), 0);
	for (size_t i = 0; i < 3 && t->links[i][0]; i++) {
		const char *to = t->links[i][1];

		if (*to == '/')
			assert_int_equal(tree_join(target, sizeof target, base,
						   to + 1), 0);
		assert_int_equal(tree_symlink(base, t->links[i][0],
					      *to == '/' ? target : to), 0);
	}
	for (size_t i = 0; i < t->n; i++) {
		assert_int_equal(tree_join(paths[i], PATH_MAX, base,
					   t->e[i].rel), 0);
		v[i] = by_path(paths[i], t->e[i].rights);
	}
	assert_ret(ocap__nest_check(v, t->n, NULL, record, &s), 0);
	if (s.n != t->nhits) {
		print_error("%s: found() was told %zu things, expected %zu\n",
			    t->what, s.n, t->nhits);
		return false;
	}
	for (size_t i = 0; i < s.n; i++) {
		const struct hit *got = &s.h[i], *want = &t->want[i];

		if (got->outer != want->outer || got->inner != want->inner ||
		    got->more != want->more || got->err != want->err) {
			print_error("%s: found() was told (%zu, %zu, %#llx, "
				    "%d), expected (%zu, %zu, %#llx, %d)\n",
				    t->what, got->outer, got->inner,
				    (unsigned long long)got->more, got->err,
				    want->outer, want->inner,
				    (unsigned long long)want->more, want->err);
			return false;
		}
	}
	return true;
}

/* Capabilities over host paths, as ocapsh's grants are given. */
static void test_paths(void **state)
{
	size_t failed = 0;

	for (size_t k = 0; k < sizeof tree_cases / sizeof tree_cases[0]; k++)
		failed += !tree_case_run(*state, k);
	assert_int_equal(failed, 0);
}

/* A directory beneath one that gives more, each given by descriptor and
 * "": the walk starts at ".." of the descriptor. */
static void test_dir_by_fd(void **state)
{
	const struct tmpdir *td = *state;
	struct hits s = { 0 };
	struct ocap_nest v[2];
	int fa, fc;

	assert_int_equal(tree_mkdir(td->path, "a/b/c"), 0);
	fa = open_at(td, "a", O_PATH | O_DIRECTORY);
	fc = open_at(td, "a/b/c", O_PATH | O_DIRECTORY);
	v[0] = by_fd(fc, READ | LIST);
	v[1] = by_fd(fa, READ | WRITE | CREATE | LIST);
	check(v, 2, NULL, &s, 0, 1);
	assert_hit(&s, 0, 1, 0, WRITE | CREATE, 0);
	close(fa);
	close(fc);
}

/* Two mount points whose roots share an inode number (procfs's and
 * devtmpfs's are often both 1): a directory is its device and inode. */
static bool same_ino(char *a, char *b, size_t size)
{
	static const char *const roots[] = { "/proc", "/sys", "/dev",
					     "/dev/shm", "/dev/pts", "/run",
					     "/sys/fs/cgroup", "/tmp" };
	const size_t n = sizeof roots / sizeof roots[0];
	struct stat s[sizeof roots / sizeof roots[0]];
	bool ok[sizeof roots / sizeof roots[0]];

	for (size_t i = 0; i < n; i++)
		ok[i] = stat(roots[i], &s[i]) == 0 && S_ISDIR(s[i].st_mode);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (ok[i] && ok[j] && s[i].st_ino == s[j].st_ino &&
			    s[i].st_dev != s[j].st_dev) {
				snprintf(a, size, "%s", roots[i]);
				snprintf(b, size, "%s/ocap-test-nesting-none",
					 roots[j]);
				return true;
			}
	return false;
}

/* The same inode number on another device is another directory: nothing
 * lies beneath it. */
static void test_other_device(void **state)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct hits s = { 0 };
	struct ocap_nest v[2];

	(void)state;
	if (!same_ino(a, b, sizeof a)) {
		print_message("no two mount points here share an inode "
			      "number\n");
		skip();
	}
	v[0] = by_path(a, READ | WRITE | LIST);
	v[1] = by_path(b, READ);
	check(v, 2, NULL, &s, 0, 0);
}

static int fd_path_fails(int fd, char *buf, size_t size)
{
	(void)fd;
	(void)buf;
	(void)size;
	return -EACCES;
}

/* A file's descriptor has no "..": its host path comes from the
 * callback.  Found when it answers; "cannot tell", with its error, when
 * it fails or there is none. */
static void test_file_fd(void **state)
{
	const struct tmpdir *td = *state;
	char a[PATH_MAX];
	struct hits s = { 0 };
	struct ocap_nest v[2];
	int ff;

	assert_int_equal(tree_write(td->path, "a/b/f", "x"), 0);
	ff = open_at(td, "a/b/f", O_RDONLY);
	v[0] = by_path(at(td, "a", a), READ | WRITE | LIST);
	v[1] = by_fd(ff, READ);
	check(v, 2, fd_path, &s, 0, 1);
	assert_hit(&s, 0, 0, 1, WRITE, 0);

	check(v, 2, fd_path_fails, &s, 0, 1);
	assert_hit(&s, 0, (size_t)-1, 1, 0, -EACCES);

	check(v, 2, NULL, &s, 0, 1);
	assert_hit(&s, 0, (size_t)-1, 1, 0, -ENOTDIR);
	close(ff);
}

/* found() answering non-zero stops the check, which returns its answer:
 * the second inner entry, nested too, is not looked at; the same for a
 * "cannot tell". */
static void test_stop(void **state)
{
	const struct tmpdir *td = *state;
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX];
	struct hits s = { .stop = 7 };
	struct ocap_nest v[3];
	int fb, fc;

	assert_int_equal(tree_mkdir(td->path, "a/b"), 0);
	assert_int_equal(tree_mkdir(td->path, "a/c"), 0);
	v[0] = by_path(at(td, "a", a), READ | WRITE | LIST);
	v[1] = by_path(at(td, "a/b", b), READ);
	v[2] = by_path(at(td, "a/c", c), READ);
	check(v, 3, NULL, &s, 7, 1);
	assert_hit(&s, 0, 0, 1, WRITE | LIST, 0);

	assert_int_equal(tree_write(td->path, "a/b/f", "x"), 0);
	assert_int_equal(tree_write(td->path, "a/c/f", "x"), 0);
	fb = open_at(td, "a/b/f", O_RDONLY);
	fc = open_at(td, "a/c/f", O_RDONLY);
	v[1] = by_fd(fb, READ);
	v[2] = by_fd(fc, READ);
	s = (struct hits){ .stop = -EIO };
	check(v, 3, fd_path_fails, &s, -EIO, 1);
	assert_hit(&s, 0, (size_t)-1, 1, 0, -EACCES);
	close(fb);
	close(fc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_paths, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_dir_by_fd, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test(test_other_device),
		cmocka_unit_test_setup_teardown(test_file_fd, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_stop, tmpdir_setup,
						tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
