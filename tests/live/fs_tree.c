/* SPDX-License-Identifier: MIT */
#include "fs_tree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *rel;
	const char *data;
} files[] = {
	{ "A/file", "hello" },
	{ "A/sub/inner", "inner" },
	{ "B/bfile", "bfile" },
	{ "B/file", "B's file" },
	{ "B/bsub/bin", "bin" },
	{ "canary", "canary" },
	{ "outside/secret", "secret" },
};

/* %T is the temp directory, %F the canary descriptor. */
static const struct {
	const char *rel;
	const char *target;
} links[] = {
	{ "A/link_in", "file" },
	{ "A/sub/link_up", "../file" },
	{ "A/link_in_abs", "/a/file" },
	{ "A/link_sub", "sub" },
	{ "A/link_b", "/b/bfile" },
	{ "A/link_b_rel", "../b/bfile" },
	{ "A/dirlink_b", "/b/bsub" },
	{ "A/link_out_abs", "%T/canary" },
	{ "A/link_out_rel", "../canary" },
	{ "A/link_out_deep", "../../../../../../../../canary" },
	{ "A/link_host_b", "%T/B/bfile" },
	{ "A/link_out_dir", "../outside" },
	{ "A/link_out_host_dir", "%T/outside" },
	{ "A/link_root", "/" },
	{ "A/loop", "loop" },
	{ "A/loop1", "loop2" },
	{ "A/loop2", "loop1" },
	{ "A/xloop", "/b/xloop" },
	{ "B/xloop", "/a/xloop" },
	{ "A/proc_fd", "/proc/self/fd/%F" },
	{ "A/proc_root", "/proc/self/root%T/canary" },
	{ "A/proc_cwd", "/proc/self/cwd" },
	{ "A/dangle_in", "made_in" },
	{ "A/dangle_b", "/b/made_b" },
	{ "A/dangle_out", "../outside/made_out" },
	{ "A/dangle_out_abs", "%T/outside/made_out_abs" },
	{ "B/link_a", "/a/file" },
	{ "B/link_out", "../canary" },
};

static int expand(const struct fs_tree *t, const char *in, char *out,
		  size_t size)
{
	size_t n = 0;
	int w;

	for (; *in; in++) {
		if (in[0] == '%' && in[1] == 'T')
			w = snprintf(out + n, size - n, "%s", t->td.path);
		else if (in[0] == '%' && in[1] == 'F')
			w = snprintf(out + n, size - n, "%d", t->canary_fd);
		else
			w = snprintf(out + n, size - n, "%c", *in);
		if (w < 0 || (size_t)w >= size - n)
			return -ENAMETOOLONG;
		n += (size_t)w;
		if (in[0] == '%')
			in++;
	}
	return 0;
}

/* c0 -> c1 -> ... -> c40 -> file, all in A: 41 links from c0.
 * x0 (A) -> /b/x1 (B) -> /a/x2 ... -> x40 (A) -> /a/file, alternating
 * between the capabilities so the library follows each link itself. */
static int make_chains(const struct fs_tree *t)
{
	char rel[64], target[64];
	int i, rc = 0;

	for (i = 0; i < CHAIN_LEN && rc == 0; i++) {
		snprintf(rel, sizeof(rel), "A/c%d", i);
		if (i == CHAIN_LEN - 1)
			snprintf(target, sizeof(target), "file");
		else
			snprintf(target, sizeof(target), "c%d", i + 1);
		rc = tree_symlink(t->td.path, rel, target);
	}
	for (i = 0; i < CHAIN_LEN && rc == 0; i++) {
		snprintf(rel, sizeof(rel), "%c/x%d", i % 2 ? 'B' : 'A', i);
		if (i == CHAIN_LEN - 1)
			snprintf(target, sizeof(target), "/a/file");
		else
			snprintf(target, sizeof(target), "/%c/x%d",
				 (i + 1) % 2 ? 'b' : 'a', i + 1);
		rc = tree_symlink(t->td.path, rel, target);
	}
	return rc;
}

int fs_tree_build(struct fs_tree *t)
{
	char target[PATH_MAX];
	size_t i;
	int rc;

	memset(t, 0, sizeof(*t));
	t->canary_fd = -1;
	if ((rc = tmpdir_make(&t->td)) < 0)
		return rc;
	tree_join(t->a, sizeof(t->a), t->td.path, "A");
	tree_join(t->b, sizeof(t->b), t->td.path, "B");
	tree_join(t->canary, sizeof(t->canary), t->td.path, "canary");
	tree_join(t->outside, sizeof(t->outside), t->td.path, "outside");
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if ((rc = tree_write(t->td.path, files[i].rel,
				     files[i].data)) < 0)
			return rc;
	if ((rc = tree_mkdir(t->td.path, "A/empty")) < 0)
		return rc;
	t->canary_fd = open(t->canary, O_RDONLY | O_CLOEXEC);
	if (t->canary_fd < 0)
		return -errno;
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		if ((rc = expand(t, links[i].target, target,
				 sizeof(target))) < 0 ||
		    (rc = tree_symlink(t->td.path, links[i].rel, target)) < 0)
			return rc;
	}
	return make_chains(t);
}

int fs_tree_mount(struct fs_tree *t)
{
	int rc;

	if ((rc = ocap_ns_new(&t->ns)) < 0)
		return rc;
	t->cap_a = cap_dir(t->a, OCAP_RIGHTS_RW, "/a");
	if (!t->cap_a)
		return -EIO;
	if ((rc = ocap_ns_mount(t->ns, t->cap_a)) < 0)
		return rc;
	t->cap_b = cap_dir(t->b, OCAP_RIGHTS_RO, "/b");
	if (!t->cap_b)
		return -EIO;
	return ocap_ns_mount(t->ns, t->cap_b);
}

bool fs_tree_own_cap(struct fs_tree *t, ocap_cap *c)
{
	if (t->nowned == sizeof(t->owned) / sizeof(t->owned[0]))
		return false;
	t->owned[t->nowned++] = c;
	return true;
}

void fs_tree_free(struct fs_tree *t)
{
	while (t->nowned)
		ocap_cap_close(t->owned[--t->nowned]);
	if (t->extra_ns)
		ocap_ns_free(t->extra_ns);
	t->extra_ns = NULL;
	if (t->ns)
		ocap_ns_free(t->ns);
	t->ns = NULL;
	if (t->canary_fd >= 0)
		close(t->canary_fd);
	t->canary_fd = -1;
	if (t->td.path[0])
		tmpdir_remove(t->td.path);
	t->td.path[0] = '\0';
}

int fs_tree_setup(void **state)
{
	struct fs_tree *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	*state = t;
	if (fs_tree_build(t) < 0 || fs_tree_mount(t) < 0) {
		fprintf(stderr, "fs_tree_setup failed\n");
		return -1;
	}
	return 0;
}

int fs_tree_teardown(void **state)
{
	struct fs_tree *t = *state;

	if (t) {
		fs_tree_free(t);
		free(t);
	}
	*state = NULL;
	return 0;
}

bool fs_tree_fd_allowed(const struct fs_tree *t, int fd)
{
	struct stat st, canary;

	if (fstat(fd, &st) < 0 || stat(t->canary, &canary) < 0)
		return false;
	if (st.st_dev == canary.st_dev && st.st_ino == canary.st_ino)
		return false;
	return fd_is_beneath(fd, t->a) || fd_is_beneath(fd, t->b);
}
