/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "ov.h"
#include "fa.h"

OV_API int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa,
					     int fd)
{
	struct ov_fa *op;

	if (fd < 0)
		return EBADF;
	if (!(op = malloc(sizeof *op)))
		return ENOMEM;
	op->cmd = OV_FA_CLOSE;
	op->fd = fd;
	ov_fa_add(fa, op);
	return 0;
}
