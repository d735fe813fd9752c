/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "ov.h"
#include "fa.h"

OV_API int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
	memset(fa, 0, sizeof *fa);
	return 0;
}
