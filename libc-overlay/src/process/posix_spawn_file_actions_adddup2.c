/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "ov.h"
#include "fa.h"

OV_API int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa,
					    int srcfd, int fd)
{
	struct ov_fa *op;

	if (srcfd < 0 || fd < 0)
		return EBADF;
	if (!(op = malloc(sizeof *op)))
		return ENOMEM;
	op->cmd = OV_FA_DUP2;
	op->srcfd = srcfd;
	op->fd = fd;
	ov_fa_add(fa, op);
	return 0;
}
