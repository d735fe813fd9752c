/* SPDX-License-Identifier: MIT */
#include "ov.h"
#include "fa.h"

OV_API int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa,
					    int srcfd, int fd)
{
	return ocap__ov_fa_push(fa, OV_FA_DUP2, fd, srcfd, NULL, 0, 0);
}
