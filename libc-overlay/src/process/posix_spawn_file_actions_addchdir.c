/* SPDX-License-Identifier: MIT */
#include "ov.h"
#include "fa.h"

OV_API int posix_spawn_file_actions_addchdir_np(
	posix_spawn_file_actions_t *restrict fa, const char *restrict path)
{
	return ocap__ov_fa_push(fa, OV_FA_CHDIR, -1, -1, path, 0, 0);
}
