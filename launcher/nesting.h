/* SPDX-License-Identifier: MIT */
#ifndef OCAP_NESTING_H
#define OCAP_NESTING_H

/*
 * Which capability lies on the host beneath a directory that gives more:
 * Landlock adds up the rights of every rule above a file, so such a
 * capability is not enforced as narrower.  One check for ocapsh's grants
 * (compile.c) and for ocap_enter()'s namespace (linux/enter.c), by
 * walking up with ".." and comparing device and inode: no /proc.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hidden.h"

struct ocap_nest {
	int dirfd;            /* a descriptor and "" (ocap_enter), or */
	const char *path;     /* AT_FDCWD and the host path (ocapsh) */
	uint64_t gives;       /* as the outer one: what lies beneath gets */
	uint64_t holds;       /* as the inner one: its own rights */
	uint64_t file_rights; /* of gives, what a file can gain */
	bool inner;           /* checked as the inner one */
};

/* inner lies beneath outer, which gives it more; or, with err < 0 and
 * outer (size_t)-1, where inner lies cannot be told.  Non-zero stops
 * the check, which returns it. */
typedef int ocap_nest_found(void *ctx, size_t outer, size_t inner,
			    uint64_t more, int err);

/* The host path of a descriptor of a file, which has no "..": the
 * backend's means (Linux: /proc/self/fd), or NULL. */
typedef int ocap_nest_fd_path(int fd, char *buf, size_t size);

/* Each inner entry against every outer directory that gives it a right
 * it lacks (the others cost no system call).  A name that does not
 * exist is one to be created in its parent.  0 when found never
 * stopped it. */
hidden int ocap__nest_check(const struct ocap_nest *v, size_t n,
			    ocap_nest_fd_path *fd_path,
			    ocap_nest_found *found, void *ctx);

#endif
