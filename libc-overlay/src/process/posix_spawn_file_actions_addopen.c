/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ov.h"
#include "fa.h"

OV_API int posix_spawn_file_actions_addopen(
	posix_spawn_file_actions_t *restrict fa, int fd,
	const char *restrict path, int flags, mode_t mode)
{
	struct ov_fa *op;

	if (fd < 0)
		return EBADF;
	if (!(op = malloc(sizeof *op + strlen(path) + 1)))
		return ENOMEM;
	op->cmd = OV_FA_OPEN;
	op->fd = fd;
	op->oflag = flags;
	op->mode = mode;
	strcpy(op->path, path);
	ov_fa_add(fa, op);
	return 0;
}
