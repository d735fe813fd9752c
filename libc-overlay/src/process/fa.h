/* SPDX-License-Identifier: MIT */
#ifndef OV_FA_H
#define OV_FA_H

/*
 * posix_spawn file actions, the overlay's own: musl's list is private to
 * its posix_spawn, which the overlay replaces (its child opens with a raw
 * SYS_open and changes directory with SYS_chdir), so every
 * posix_spawn_file_actions_* function is replaced with it.  The list
 * hangs from the public __actions field, in the order added.
 */

#include <spawn.h>
#include <sys/types.h>

enum { OV_FA_CLOSE = 1, OV_FA_DUP2, OV_FA_OPEN, OV_FA_CHDIR, OV_FA_FCHDIR };

struct ov_fa {
	struct ov_fa *next;
	int cmd, fd, srcfd, oflag;
	mode_t mode;
	char path[];
};

/* Append op (malloc'd) to fa. */
__attribute__((visibility("hidden"))) void
ov_fa_add(posix_spawn_file_actions_t *fa, struct ov_fa *op);

#endif
