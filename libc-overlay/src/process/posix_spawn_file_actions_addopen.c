/* SPDX-License-Identifier: MIT */
#include "ov.h"
#include "fa.h"

OV_API int posix_spawn_file_actions_addopen(
	posix_spawn_file_actions_t *restrict fa, int fd,
	const char *restrict path, int flags, mode_t mode)
{
	return ocap__ov_fa_push(fa, OV_FA_OPEN, fd, -1, path, flags, mode);
}
