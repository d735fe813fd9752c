/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ov.h"

/* Inside a sandbox the path is resolved through the namespace: links
 * read there, ".." lexical, directories above mount points real. */
static char *ns_realpath(ocap_ns *ns, const char *path, char *resolved)
{
	char out[OCAP_PATH_BUF];
	int n;

	if (!path)
		return ocap__ov_retp(NULL, -EINVAL);
	if (!*path)
		return ocap__ov_retp(NULL, -ENOENT);
	if ((n = ocap__ns_realpath(ns, path, out)) < 0)
		return ocap__ov_retp(NULL, n);
	if (n >= PATH_MAX)
		return ocap__ov_retp(NULL, -ENAMETOOLONG);
	if (resolved)
		return memcpy(resolved, out, (size_t)n + 1);
	if (!(resolved = strdup(out)))
		return ocap__ov_retp(NULL, -ENOMEM);
	return resolved;
}

static char *sys_realpath(const char *path, char *resolved)
{
	char out[PATH_MAX];
	int n;

	if (!path)
		return ocap__ov_retp(NULL, -EINVAL);
	if ((n = ocap__ov_sys_realpath(path, out)) < 0)
		return ocap__ov_retp(NULL, n);
	if (resolved)
		return memcpy(resolved, out, (size_t)n + 1);
	if (!(resolved = strdup(out)))
		return ocap__ov_retp(NULL, -ENOMEM);
	return resolved;
}

OV_API char *realpath(const char *restrict path, char *restrict resolved)
{
	ocap_ns *ns = ocap__ov_ns();

	return ns ? ns_realpath(ns, path, resolved)
		  : sys_realpath(path, resolved);
}
