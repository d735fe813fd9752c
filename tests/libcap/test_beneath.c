/* SPDX-License-Identifier: MIT */
/*
 * libocap's walk beneath a directory without openat2 (libcap/beneath.c)
 * against the real kernel: the same cases run in a child whose seccomp
 * filter answers openat2 with ENOSYS, as ocapsh's compat program does,
 * and in a child without it, and both must give the table's outcome.  A
 * thread renaming a directory out of the tree never leads a walk out.
 *
 * "test_beneath ns DIR" is a program for enter/enter_ocapsh.sh: a
 * namespace over DIR opens and creates through ocap_ns_open() inside
 * ocapsh --mode compat.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "open_how.h"
#include "support.h"

struct beneath_case {
	const char *rel;
	int flags;
	mode_t mode;
	const char *want; /* outcome(): "ENOENT", "escape", "R:data"... */
};

#define RD (O_RDONLY | O_CLOEXEC)
#define PATH (O_PATH | O_CLOEXEC)
#define MADE (O_RDWR | O_CREAT | O_CLOEXEC)

/* Beneath t/ of the tree setup_tree() builds: td/secret is outside. */
static const struct beneath_case tree_cases[] = {
	{ "f", RD, 0, "R:plain" },
	{ "a/b/g", RD, 0, "R:nested" },
	{ "a//b/./g", RD, 0, "R:nested" },
	{ "a/b/../../f", RD, 0, "R:plain" },
	{ "a/b/..", RD | O_DIRECTORY, 0, "D" },
	{ ".", PATH, 0, "D" },
	{ "", RD, 0, "ENOENT" },
	{ "..", PATH, 0, "escape" },
	{ "../secret", RD, 0, "escape" },
	{ "a/../../secret", RD, 0, "escape" },
	{ "missing/../../secret", RD, 0, "ENOENT" },
	{ "/etc/passwd", RD, 0, "escape" },
	{ "in", RD, 0, "R:nested" },
	{ "a/back", RD, 0, "R:plain" },
	{ "ad/b/g", RD, 0, "R:nested" },
	{ "ad/", PATH, 0, "D" },
	{ "up", RD, 0, "escape" },
	{ "abs", RD, 0, "escape" },
	{ "abs", PATH | O_NOFOLLOW, 0, "L" },
	{ "loop", RD, 0, "ELOOP" },
	{ "l1", RD, 0, "R:plain" }, /* 40 links */
	{ "l0", RD, 0, "ELOOP" },   /* 41 */
	{ "in", RD | O_NOFOLLOW, 0, "ELOOP" },
	{ "in", PATH | O_NOFOLLOW, 0, "L" },
	{ "in", PATH, 0, "R" },
	{ "ad", RD | O_DIRECTORY, 0, "D" },
	{ "ad", RD | O_DIRECTORY | O_NOFOLLOW, 0, "ENOTDIR" },
	{ "f", RD | O_DIRECTORY, 0, "ENOTDIR" },
	{ "f/", RD, 0, "ENOTDIR" },
	{ "f/x", RD, 0, "ENOTDIR" },
	{ "missing/f", RD, 0, "ENOENT" },
	{ "new", MADE, 0640, "R0640:" },
	{ "a/new", MADE | O_EXCL, 0604, "R0604:" },
	{ "f", MADE | O_EXCL, 0600, "EEXIST" },
	{ "in", MADE | O_EXCL, 0600, "EEXIST" },
	{ "dangling", MADE, 0600, "R0600:" }, /* makes a/made */
	{ "a/made", RD, 0, "R:" },
	{ "out", MADE, 0600, "escape" }, /* dangling, outside */
	{ "in", MADE, 0600, "R0644:nested" },
	{ "ad/", MADE, 0600, "EISDIR" },
	{ "newdir/", MADE, 0600, "EISDIR" },
	{ ".", MADE, 0600, "EISDIR" },
	{ "suid", MADE, 04755, "EPERM" },
	{ "suid", RD, 0, "ENOENT" },
};

/* Beneath /proc: its own links are followed, magic links refused. */
static const struct beneath_case proc_cases[] = {
	{ "self/fd", PATH | O_DIRECTORY, 0, "D" },
	{ "mounts", PATH, 0, "R" },
	{ "self/exe", RD, 0, "ELOOP" },
	{ "self/exe", PATH | O_NOFOLLOW, 0, "L" },
	{ "self/root/etc/passwd", RD, 0, "ELOOP" },
	{ "self/cwd", PATH, 0, "ELOOP" },
	{ "self/ns/net", RD, 0, "ELOOP" },
	{ "thread-self/exe", RD, 0, "ELOOP" },
};

/* What an open gave, as the tables spell it: the errno's name, "escape",
 * or the file's type (R, D, L), its mode when made, and its data. */
static void outcome(int fd, const struct beneath_case *c, char *out,
		    size_t size)
{
	char data[32] = "";
	struct stat st;
	char type;

	if (fd == OCAP__ESCAPE) {
		snprintf(out, size, "escape");
		return;
	}
	if (fd < 0) {
		snprintf(out, size, "%s", ret_name(fd));
		return;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(out, size, "fstat %s", ret_name(-errno));
		close(fd);
		return;
	}
	type = S_ISDIR(st.st_mode) ? 'D' : S_ISLNK(st.st_mode) ? 'L' : 'R';
	if (type != 'R' || (c->flags & O_PATH)) {
		snprintf(out, size, "%c", type);
	} else {
		if (fd_read_all(fd, data, sizeof data) < 0)
			snprintf(data, sizeof data, "unreadable");
		if (c->flags & O_CREAT)
			snprintf(out, size, "R%04o:%s",
				 (unsigned)(st.st_mode & 07777), data);
		else
			snprintf(out, size, "R:%s", data);
	}
	close(fd);
}

/* Every case's outcome against its want; prints each difference and
 * returns how many there were. */
static int run_cases(int dirfd, const struct beneath_case *cases, size_t n,
		     const char *how)
{
	char got[64];
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		const struct beneath_case *c = &cases[i];

		outcome(ocap__openat2(dirfd, c->rel, c->flags, c->mode), c, got,
			sizeof got);
		if (strcmp(got, c->want)) {
			fprintf(stderr, "%s: \"%s\" 0%o: got %s, want %s\n",
				how, c->rel, (unsigned)c->flags, got, c->want);
			bad++;
		}
	}
	return bad;
}

/* tree/t: the directory walked; tree/secret and tree/out outside it. */
static int setup_tree(const char *tree)
{
	char rel[16];

	if (tree_write(tree, "secret", "outside") < 0 ||
	    tree_write(tree, "t/f", "plain") < 0 ||
	    tree_write(tree, "t/a/b/g", "nested") < 0 ||
	    tree_symlink(tree, "t/in", "a/b/g") < 0 ||
	    tree_symlink(tree, "t/a/back", "../f") < 0 ||
	    tree_symlink(tree, "t/ad", "a") < 0 ||
	    tree_symlink(tree, "t/up", "../secret") < 0 ||
	    tree_symlink(tree, "t/abs", "/etc/passwd") < 0 ||
	    tree_symlink(tree, "t/loop", "loop") < 0 ||
	    tree_symlink(tree, "t/dangling", "a/made") < 0 ||
	    tree_symlink(tree, "t/out", "../made") < 0 ||
	    tree_symlink(tree, "t/l40", "f") < 0)
		return -1;
	for (int i = 0; i < 40; i++) {
		char target[16];

		snprintf(rel, sizeof rel, "t/l%d", i);
		snprintf(target, sizeof target, "l%d", i + 1);
		if (tree_symlink(tree, rel, target) < 0)
			return -1;
	}
	return 0;
}

struct run {
	const char *base;
	bool no_openat2;
};

static int cases_child(void *arg)
{
	const struct run *r = arg;
	struct ocap_open_how how = {O_PATH, 0, 0};
	char tree[PATH_MAX], t_path[PATH_MAX];
	int t, proc, bad;
	const char *how_name = r->no_openat2 ? "openat" : "openat2";

	umask(022);
	if (r->no_openat2) {
		child_check(refuse_call(SYS_openat2, ENOSYS), 0);
		child_check(ret_errno(syscall(SYS_openat2, AT_FDCWD, ".", &how,
					      sizeof how)),
			    -ENOSYS);
	}
	child_check(tree_join(tree, sizeof tree, r->base, how_name), 0);
	child_check(setup_tree(tree), 0);
	child_check(tree_join(t_path, sizeof t_path, tree, "t"), 0);
	t = open_dir_path(t_path);
	proc = open_dir_path("/proc");
	child_check(t >= 0 && proc >= 0, 1);
	bad = run_cases(t, tree_cases, sizeof tree_cases / sizeof *tree_cases,
			how_name) +
	      run_cases(proc, proc_cases,
			sizeof proc_cases / sizeof *proc_cases, how_name);
	child_check(bad, 0);
	/* The escape a caller sees. */
	child_check(ocap__open_beneath(t, "up", RD, 0), -EXDEV);
	return 0;
}

/* fn in a child with openat2, then in one where it is ENOSYS. */
static void both(void **state, int (*fn)(void *))
{
	const struct tmpdir *td = *state;
	struct run with = {td->path, false}, without = {td->path, true};

	assert_int_equal(run_in_child(fn, &with), 0);
	assert_int_equal(run_in_child(fn, &without), 0);
}

static void test_cases(void **state)
{
	both(state, cases_child);
}

/* ---- a directory renamed out of the tree during the walk --------------- */

struct racer {
	char in[PATH_MAX], out[PATH_MAX];
	int stop;
};

static void *rename_loop(void *arg)
{
	struct racer *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		rename(r->in, r->out);
		rename(r->out, r->in);
	}
	return NULL;
}

/* race/r/a/b/c/.../k walked down and up again to r/f while a thread
 * moves b to race/out/b and back: the kernel's ".." from b would then
 * reach race/f, outside.  Every open that succeeds must be r/f. */
#define DEEP "a/b/c/d/e/f/g/h/i/j/k"
#define RACE_PATH DEEP "/../../../../../../../../../../../f"
static int race_child(void *arg)
{
	const struct run *run = arg;
	struct racer *r = calloc(1, sizeof *r);
	char race[PATH_MAX], r_path[PATH_MAX], buf[16];
	pthread_t th;
	int dirfd, inside = 0;

	child_check(r != NULL, 1);
	if (run->no_openat2)
		child_check(refuse_call(SYS_openat2, ENOSYS), 0);
	child_check(tree_join(race, sizeof race, run->base,
			      run->no_openat2 ? "race-openat" : "race-openat2"),
		    0);
	child_check(tree_write(race, "f", "outside"), 0);
	child_check(tree_write(race, "r/f", "inside"), 0);
	child_check(tree_mkdir(race, "r/" DEEP), 0);
	child_check(tree_mkdir(race, "out"), 0);
	child_check(tree_join(r->in, sizeof r->in, race, "r/a/b"), 0);
	child_check(tree_join(r->out, sizeof r->out, race, "out/b"), 0);
	child_check(tree_join(r_path, sizeof r_path, race, "r"), 0);
	child_check((dirfd = open_dir_path(r_path)) >= 0, 1);
	child_check(pthread_create(&th, NULL, rename_loop, r), 0);
	for (int i = 0; i < 1000; i++) {
		int fd = ocap__openat2(dirfd, RACE_PATH, RD, 0);

		if (fd < 0)
			continue;
		child_check(fd_read_all(fd, buf, sizeof buf), 6);
		child_check(strcmp(buf, "inside"), 0);
		inside++;
		close(fd);
	}
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	printf("%s: %d of 1000 opened r/f, none outside\n",
	       run->no_openat2 ? "openat" : "openat2", inside);
	fflush(stdout);
	free(r);
	return 0;
}

static void test_race(void **state)
{
	both(state, race_child);
}

/* "ns DIR" under ocapsh --mode compat (enter_ocapsh.sh), whose seccomp
 * program answers openat2 with ENOSYS: DIR/a/f reads "a data", DIR/b
 * takes a new file with its mode, not a set-user-ID one. */
static int ns_main(const char *dir)
{
	ocap_ns *ns;
	struct stat st;
	char buf[16];
	int fd;

	child_check(ocap_ns_new(&ns), 0);
	child_check(ns_mount_host(ns, dir, ".", OCAP_RIGHTS_RW, "/d") >= 0, 1);
	fd = ocap_ns_open(ns, "/d/a/f", O_RDONLY | O_CLOEXEC, 0);
	child_check(fd < 0 ? fd : 0, 0); /* -ENOSYS before beneath.c */
	child_check(fd_read_all(fd, buf, sizeof buf), 6);
	child_check(strcmp(buf, "a data"), 0);
	close(fd);
	umask(022);
	fd =
	    ocap_ns_open(ns, "/d/b/made", O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
	child_check(fd >= 0, 1);
	child_check(fstat(fd, &st), 0);
	child_check(st.st_mode & 07777, 0640);
	close(fd);
	child_check(ocap_ns_open(ns, "/d/b/suid", O_WRONLY | O_CREAT, 04755),
		    -EPERM);
	ocap_ns_free(ns);
	printf("ns_open ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cases, tmpdir_setup,
					    tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_race, tmpdir_setup,
					    tmpdir_teardown),
	};

	if (argc == 3 && !strcmp(argv[1], "ns"))
		return ns_main(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
