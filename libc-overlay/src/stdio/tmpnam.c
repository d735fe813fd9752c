/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ov.h"

#define MAXTRIES 100

/* As musl: a name in /tmp that is free (in the namespace, inside). */
OV_API char *tmpnam(char *buf)
{
	static char internal[L_tmpnam];
	char s[] = "/tmp/tmpnam_XXXXXX";
	struct stat st;

	for (int try = 0; try < MAXTRIES; try++) {
		__randname(s + 12);
		if (ocap__ov_lstat(s, &st) == -ENOENT)
			return strcpy(buf ? buf : internal, s);
	}
	return NULL;
}
