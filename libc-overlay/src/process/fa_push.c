/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fa.h"

int ocap__ov_fa_push(posix_spawn_file_actions_t *fa, enum ov_fa_kind kind,
		     int fd, int from, const char *path, int flags, mode_t mode)
{
	size_t len = path ? strlen(path) + 1 : 0;
	struct ov_fa *op, **end;

	if ((kind != OV_FA_CHDIR && fd < 0) || (kind == OV_FA_DUP2 && from < 0))
		return EBADF;
	if (!(op = calloc(1, sizeof *op + len)))
		return ENOMEM;
	op->kind = kind;
	op->fd = fd;
	op->from = from;
	op->flags = flags;
	op->mode = mode;
	if (len)
		memcpy(op->path, path, len);
	for (end = (struct ov_fa **)&fa->__actions; *end; end = &(*end)->next)
		;
	*end = op;
	return 0;
}
