/* SPDX-License-Identifier: MIT */
#ifndef OCAP_TEST_FS_TREE_H
#define OCAP_TEST_FS_TREE_H

/*
 * The tree test_fs and test_noescape share, in a temp directory T:
 *
 *   T/A/      mounted at /a, OCAP_RIGHTS_RW
 *   T/B/      mounted at /b, OCAP_RIGHTS_RO
 *   T/canary, T/outside/secret   in no capability
 *
 * Symlinks in A and B point inside, across, outside (absolute host paths,
 * relative with ".."), in loops, in chains of 40 and 41 links, and at
 * /proc/self/fd/N (N = a descriptor of the canary) and /proc/self/root.
 */

#include <stdbool.h>

#include "support.h"

#define CHAIN_LEN 41 /* links c0 .. c40; c0 is one too many */

struct fs_tree {
	struct tmpdir td;
	char a[PATH_MAX], b[PATH_MAX], canary[PATH_MAX], outside[PATH_MAX];
	int canary_fd; /* O_RDONLY on T/canary, for /proc/self/fd/N */
	ocap_ns *ns;
	ocap_cap *cap_a, *cap_b; /* owned by ns */
	ocap_ns *extra_ns;       /* a test's own namespace, freed with t */
	ocap_cap *owned[8];      /* a test's own capabilities, closed with t */
	unsigned nowned;
};

int fs_tree_build(struct fs_tree *t);
/* Mount A at /a and B at /b in t->ns. */
int fs_tree_mount(struct fs_tree *t);
void fs_tree_free(struct fs_tree *t);
/* Close c with the tree (so a failed assertion leaks nothing). */
bool fs_tree_own_cap(struct fs_tree *t, ocap_cap *c);

int fs_tree_setup(void **state);
int fs_tree_teardown(void **state);

/* Whether fd is one libocap may hand out: beneath A or B and not the
 * canary or anything outside. */
bool fs_tree_fd_allowed(const struct fs_tree *t, int fd);

#endif
