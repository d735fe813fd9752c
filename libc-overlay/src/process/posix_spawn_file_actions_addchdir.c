/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ov.h"
#include "fa.h"

OV_API int posix_spawn_file_actions_addchdir_np(
	posix_spawn_file_actions_t *restrict fa, const char *restrict path)
{
	struct ov_fa *op;

	if (!(op = malloc(sizeof *op + strlen(path) + 1)))
		return ENOMEM;
	op->cmd = OV_FA_CHDIR;
	op->fd = -1;
	strcpy(op->path, path);
	ov_fa_add(fa, op);
	return 0;
}
