/* SPDX-License-Identifier: MIT */
#ifndef OV_FA_H
#define OV_FA_H

/*
 * posix_spawn file actions, the overlay's: the child of its posix_spawn
 * opens and changes directory through the namespace, so every
 * posix_spawn_file_actions_* function is replaced with it, and the list
 * is this one.  It hangs from the public __actions field, oldest first.
 */

#include <spawn.h>
#include <sys/types.h>

enum ov_fa_kind { OV_FA_CLOSE = 1, OV_FA_DUP2, OV_FA_OPEN, OV_FA_CHDIR,
		  OV_FA_FCHDIR };

struct ov_fa {
	struct ov_fa *next;
	enum ov_fa_kind kind;
	int fd;    /* the descriptor acted on (-1 for a path chdir) */
	int from;  /* OV_FA_DUP2: the descriptor copied */
	int flags; /* OV_FA_OPEN */
	mode_t mode;
	char path[]; /* OV_FA_OPEN, OV_FA_CHDIR */
};

/* Append an action to fa; path may be NULL.  0, EBADF for a negative
 * descriptor, or ENOMEM. */
__attribute__((visibility("hidden"))) int
ocap__ov_fa_push(posix_spawn_file_actions_t *fa, enum ov_fa_kind kind, int fd,
		 int from, const char *path, int flags, mode_t mode);

#endif
