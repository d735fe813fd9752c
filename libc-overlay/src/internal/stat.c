/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "ov.h"

/* A directory above mount points has no inode of its own: it reads as an
 * empty directory nobody may change, numbered by its name so that tree
 * walkers see distinct directories. */
static void virtual_stat(const char *abs, struct stat *st)
{
	unsigned long h = 5381;

	for (const char *p = abs; *p; p++)
		h = h * 33 + (unsigned char)*p;
	memset(st, 0, sizeof *st);
	st->st_mode = S_IFDIR | 0555;
	st->st_nlink = 2;
	st->st_ino = h | 1;
	st->st_blksize = 4096;
}

int ocap__ov_ns_fstatat(ocap_ns *ns, const char *path, struct stat *st,
			int flag)
{
	char abs[OV_PATH];
	int r;

	if (flag & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return -EINVAL;
	if (!*path && (flag & AT_EMPTY_PATH))
		path = "."; /* the working directory itself */
	r = ocap_ns_stat(ns, path, st, flag & AT_SYMLINK_NOFOLLOW);
	if (r != -ENOENT || ocap__ov_abs(ns, path, abs) < 0 ||
	    !ocap__ov_virtual_dir(ns, abs))
		return r;
	virtual_stat(abs, st);
	return 0;
}
