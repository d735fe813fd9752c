/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ov.h"

#define MAXTRIES 100

/* As musl: DIR/PFX_XXXXXX, free (in the namespace, inside). */
OV_API char *tempnam(const char *dir, const char *pfx)
{
	char s[PATH_MAX];
	size_t l, dl, pl;
	struct stat st;

	if (!dir)
		dir = P_tmpdir;
	if (!pfx)
		pfx = "temp";
	dl = strlen(dir);
	pl = strlen(pfx);
	l = dl + 1 + pl + 1 + 6;
	if (l >= PATH_MAX)
		return ocap__ov_retp(NULL, -ENAMETOOLONG);
	memcpy(s, dir, dl);
	s[dl] = '/';
	memcpy(s + dl + 1, pfx, pl);
	s[dl + 1 + pl] = '_';
	s[l] = '\0';
	for (int try = 0; try < MAXTRIES; try++) {
		__randname(s + l - 6);
		if (ocap__ov_lstat(s, &st) == -ENOENT)
			return strdup(s);
	}
	return NULL;
}
