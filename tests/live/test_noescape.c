/* SPDX-License-Identifier: MIT */
/*
 * Property test: whatever path a program passes, every descriptor libocap
 * hands back is beneath a capability's real directory and never the
 * canary.  Paths are generated from a fixed seed so a failure replays.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_tree.h"
#include "support.h"

#define NPATHS 4000

struct gen {
	uint64_t s;
	char comps[32][PATH_MAX];
	size_t ncomps;
};

static uint64_t next(struct gen *g)
{
	/* xorshift64* */
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return g->s * 2685821657736338717ull;
}

static void add_comp(struct gen *g, const char *c)
{
	snprintf(g->comps[g->ncomps++], PATH_MAX, "%s", c);
}

static void gen_init(struct gen *g, const struct fs_tree *t, uint64_t seed)
{
	static const char *fixed[] = {
		"..", ".", "", "a", "b", "sub", "file", "bfile", "bsub",
		"link_out_rel", "link_out_abs", "link_out_dir", "link_in",
		"link_b", "link_b_rel", "dirlink_b", "link_sub", "link_root",
		"loop", "xloop", "canary", "outside", "secret", "x1",
		"proc_fd", "proc_root", "/proc/self/root", "/proc/self/cwd",
		"tmp",
	};
	char buf[64];
	size_t i;

	memset(g, 0, sizeof(*g));
	g->s = seed;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		add_comp(g, fixed[i]);
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", t->canary_fd);
	add_comp(g, buf);
	/* The temp directory's host path, without its leading slash. */
	add_comp(g, t->td.path + 1);
}

/* Half the time a name that leads somewhere, so that many paths open. */
static const char *pick(struct gen *g)
{
	static const char *walkable[] = {
		"sub", "link_sub", "dirlink_b", "link_in", "link_b", "file",
		"bfile", "bsub", "..", ".", "inner", "bin", "link_a",
	};

	if (next(g) % 2)
		return walkable[next(g) % (sizeof(walkable) /
					   sizeof(walkable[0]))];
	return g->comps[next(g) % g->ncomps];
}

/* A path of 1..6 components joined by "/" or "//", absolute or not,
 * sometimes with a trailing slash. */
static void gen_path(struct gen *g, char *out, size_t size)
{
	size_t n = 1 + next(g) % 6, i, len = 0;
	int w;

	out[0] = '\0';
	if (next(g) % 2)
		len = (size_t)snprintf(out, size, "%s",
				       next(g) % 2 ? "/a/" : "/b/");
	for (i = 0; i < n && len < size; i++) {
		w = snprintf(out + len, size - len, "%s%s",
			     i == 0 ? "" : (next(g) % 4 ? "/" : "//"),
			     pick(g));
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (len < size - 1 && next(g) % 8 == 0)
		strcat(out, "/");
}

struct run {
	struct fs_tree *t;
	char sub[PATH_MAX]; /* T/A/sub */
	const char *extra;  /* another allowed directory, or NULL */
	long calls, fds;
};

static bool allowed(struct run *r, int fd, bool in_sub)
{
	struct stat st, canary;

	if (in_sub)
		return fs_tree_fd_allowed(r->t, fd) &&
		       fd_is_beneath(fd, r->sub);
	if (fs_tree_fd_allowed(r->t, fd))
		return true;
	if (!r->extra || fstat(fd, &st) < 0 || stat(r->t->canary, &canary))
		return false;
	if (st.st_dev == canary.st_dev && st.st_ino == canary.st_ino)
		return false;
	return fd_is_beneath(fd, r->extra);
}

static void check(struct run *r, int fd, const char *op, const char *path,
		  bool in_sub)
{
	char where[PATH_MAX];

	r->calls++;
	if (fd < 0)
		return;
	r->fds++;
	if (!allowed(r, fd, in_sub)) {
		if (fd_path(fd, where, sizeof(where)) < 0)
			strcpy(where, "?");
		close(fd);
		fail_msg("%s(\"%s\") handed out %s", op, path, where);
	}
	close(fd);
}

static void try_dir(struct run *r, ocap_ns *ns, const char *path)
{
	DIR *d = NULL;
	int rc = ocap_ns_opendir(ns, path, &d);

	if (rc < 0) {
		check(r, rc, "ocap_ns_opendir", path, false);
		return;
	}
	check(r, dup(dirfd(d)), "ocap_ns_opendir", path, false);
	closedir(d);
}

static void try_derive(struct run *r, const ocap_cap *c, const char *path,
		       bool in_sub)
{
	ocap_cap *d = NULL;
	int rc = ocap_cap_derive(c, path, OCAP_RIGHT_READ, &d);

	if (rc < 0) {
		check(r, rc, "ocap_cap_derive", path, in_sub);
		return;
	}
	check(r, dup(ocap_cap_fd(d)), "ocap_cap_derive", path, in_sub);
	ocap_cap_close(d);
}

/* Every entry point on one path. */
static void try_path(struct run *r, ocap_cap *sub, const char *path)
{
	struct fs_tree *t = r->t;

	check(r, ocap_ns_open(t->ns, path, O_RDONLY | O_CLOEXEC, 0),
	      "ocap_ns_open", path, false);
	check(r, ocap_ns_open(t->ns, path, O_PATH | O_CLOEXEC, 0),
	      "ocap_ns_open(O_PATH)", path, false);
	check(r, ocap_ns_open(t->ns, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
			      0), "ocap_ns_open(O_DIRECTORY)", path, false);
	try_dir(r, t->ns, path);
	if (path[0] == '/')
		return;
	check(r, ocap_openat(t->cap_a, path, O_RDONLY | O_CLOEXEC, 0),
	      "ocap_openat(A)", path, false);
	check(r, ocap_openat(t->cap_b, path, O_PATH | O_CLOEXEC, 0),
	      "ocap_openat(B)", path, false);
	check(r, ocap_openat(sub, path, O_RDONLY | O_CLOEXEC, 0),
	      "ocap_openat(sub)", path, true);
	try_derive(r, t->cap_a, path, false);
	try_derive(r, sub, path, true);
}

static void run_paths(struct run *r, uint64_t seed, const char *cwd)
{
	struct gen *g = malloc(sizeof(*g));
	char path[2 * PATH_MAX];
	ocap_cap *sub;
	int i;

	assert_non_null(g);
	gen_init(g, r->t, seed);
	assert_ret(ocap_ns_chdir(r->t->ns, cwd), 0);
	assert_ret(ocap_cap_derive(r->t->cap_a, "sub", OCAP_RIGHTS_RO, &sub),
		   0);
	for (i = 0; i < NPATHS; i++) {
		gen_path(g, path, sizeof(path));
		try_path(r, sub, path);
	}
	ocap_cap_close(sub);
	free(g);
}

/* The generator does reach files: the property is not vacuous. */
static void check_not_vacuous(const struct run *r)
{
	fprintf(stderr, "# %ld calls, %ld descriptors checked\n", r->calls,
		r->fds);
	assert_true(r->fds > r->calls / 40);
}

static void run_all(struct fs_tree *t)
{
	static const char *cwds[] = { "/", "/a", "/a/sub", "/b", "/b/bsub" };
	struct run r = { .t = t };
	int before = count_open_fds();
	size_t i;

	tree_join(r.sub, sizeof(r.sub), t->a, "sub");
	for (i = 0; i < sizeof(cwds) / sizeof(cwds[0]); i++)
		run_paths(&r, 0x9e3779b97f4a7c15ull + i, cwds[i]);
	assert_int_equal(count_open_fds(), before);
	check_not_vacuous(&r);
}

/* The checker itself rejects what it must. */
static void test_checker(void **state)
{
	struct fs_tree *t = *state;
	int fd;

	assert_false(fs_tree_fd_allowed(t, t->canary_fd));
	fd = open(t->outside, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_false(fs_tree_fd_allowed(t, fd));
	close(fd);
	fd = open(t->td.path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_false(fs_tree_fd_allowed(t, fd));
	close(fd);
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_false(fs_tree_fd_allowed(t, fd));
	close(fd);
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	assert_false(fs_tree_fd_allowed(t, fd));
	close(fd);
	/* A hard link to the canary inside A is still the canary. */
	fd = open(t->a, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(linkat(AT_FDCWD, t->canary, fd, "hard", 0), 0);
	close(fd);
	fd = ocap_ns_open(t->ns, "/a/hard", O_RDONLY | O_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_false(fs_tree_fd_allowed(t, fd));
	close(fd);
	fd = open(t->a, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fs_tree_fd_allowed(t, fd));
	close(fd);
	fd = open(t->b, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fs_tree_fd_allowed(t, fd));
	close(fd);
}

static void test_noescape(void **state)
{
	run_all(*state);
}

/* With /proc mounted (read-only) magic links are reachable by name. */
static void test_noescape_proc(void **state)
{
	struct fs_tree *t = *state;
	ocap_cap *proc = cap_dir("/proc", OCAP_RIGHTS_RO, "/proc");
	struct run r = { .t = t, .extra = "/proc" };
	int before, fd;

	assert_non_null(proc);
	assert_ret(ocap_ns_mount(t->ns, proc), 0);
	tree_join(r.sub, sizeof(r.sub), t->a, "sub");
	fd = ocap_ns_open(t->ns, "/proc/self/status", O_RDONLY | O_CLOEXEC, 0);
	assert_true(fd >= 0);
	close(fd);
	/* /proc itself is allowed; what a magic link points at is not. */
	before = count_open_fds();
	run_paths(&r, 0x51ed27ull, "/");
	run_paths(&r, 0x51ed28ull, "/proc/self");
	assert_int_equal(count_open_fds(), before);
	check_not_vacuous(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_checker, fs_tree_setup,
						fs_tree_teardown),
		cmocka_unit_test_setup_teardown(test_noescape, fs_tree_setup,
						fs_tree_teardown),
		cmocka_unit_test_setup_teardown(test_noescape_proc,
						fs_tree_setup,
						fs_tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
