/* SPDX-License-Identifier: MIT */
#include "ov.h"

int ocap__ov_abs(ocap_ns *ns, const char *path, char *abs)
{
	char cwd[OV_PATH];
	int r;

	if (path[0] == '/')
		return ocap_path_normalize(NULL, path, abs, OV_PATH);
	if ((r = ocap_ns_getcwd(ns, cwd, sizeof cwd)) < 0)
		return r;
	return ocap_path_normalize(cwd, path, abs, OV_PATH);
}
