/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "ov.h"
#include "fa.h"

OV_API int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
	struct ov_fa *op = fa->__actions, *next;

	for (; op; op = next) {
		next = op->next;
		free(op);
	}
	fa->__actions = NULL;
	return 0;
}
