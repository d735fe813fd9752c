/* SPDX-License-Identifier: MIT */
#include "ov.h"
#include "fa.h"

OV_API int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa,
					     int fd)
{
	return ocap__ov_fa_push(fa, OV_FA_CLOSE, fd, -1, NULL, 0, 0);
}
