/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "adopt.h"
#include "ov.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static ocap_ns *root;

/* The namespace starts where the kernel's working directory is, when
 * that is inside a capability (ocapsh leaves the program where it was
 * started, and capabilities are named by their host paths); elsewhere
 * at "/".  chdir() keeps the two in step, so an exec'd child starts in
 * the same place. */
static void start_cwd(ocap_ns *ns)
{
	char cwd[OCAP_PATH_BUF];
	long n = ov_sys(SYS_getcwd, cwd, sizeof cwd);

	if (n > 1 && cwd[0] == '/')
		ocap_ns_chdir(ns, cwd);
}

static void init(void)
{
	ocap_ns *ns;
	int r;

	r = ocap_root(&ns);
	if (r < 0 && r != -ENOENT && ocap_ns_new(&ns) < 0)
		r = -ENOENT; /* cannot even say "nothing": fail open to the
			      * kernel, which refuses global paths in native
			      * mode */
	if (r == 0)
		start_cwd(ns);
	if (r != -ENOENT) /* -ENOENT: not in a sandbox, plain musl */
		root = ns;
}

ocap_ns *ocap__ov_ns(void)
{
	pthread_once(&once, init);
	return root;
}

/* An ocap_root() namespace stays libocap's: the one replaced is not
 * freed. */
void ocap__ov_adopt(ocap_ns *ns)
{
	char cwd[OCAP_PATH_BUF];
	ocap_ns *old = ocap__ov_ns();

	if (ocap_ns_getcwd(ns, cwd, sizeof cwd) == 0 && !strcmp(cwd, "/")) {
		if (old && ocap_ns_getcwd(old, cwd, sizeof cwd) == 0)
			ocap_ns_chdir(ns, cwd);
		else if (!old)
			start_cwd(ns);
	}
	root = ns;
}

/* Fetched before main: a program may close or reuse descriptor 3 (the
 * root descriptor) before its first path. */
__attribute__((constructor)) static void fetch_early(void)
{
	ocap__ov_ns();
}
