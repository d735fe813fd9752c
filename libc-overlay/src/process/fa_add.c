/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "fa.h"

void ov_fa_add(posix_spawn_file_actions_t *fa, struct ov_fa *op)
{
	struct ov_fa **p = (struct ov_fa **)&fa->__actions;

	while (*p)
		p = &(*p)->next;
	op->next = NULL;
	*p = op;
}
