/* SPDX-License-Identifier: MIT */
/*
 * The musl build of ocapsh (capsh/CMakeLists.txt) is the launcher alone:
 * it starts in a tenth of the time a glibc binary takes where cpuid is
 * costly, as under a hypervisor (bench/README.md, "Launch cost").  What
 * only the glibc build can do it hands over, its command line unchanged,
 * to ocapsh-full: the shell (libedit), a system call named at launch
 * (libseccomp), and so any command line it cannot take, which ocapsh-full
 * refuses in the same words or runs.
 */
#include <err.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handover.h"
#include "runtime.h"

char **ocapsh_argv_copy(int argc, char **argv)
{
	char **v = calloc((size_t)argc + 1, sizeof *v);

	for (int i = 0; v && i < argc; i++) {
		if (!(v[i] = strdup(argv[i]))) {
			while (i > 0)
				free(v[--i]);
			free(v);
			return NULL;
		}
	}
	return v;
}

void ocapsh_hand_over(char **argv)
{
	char buf[PATH_MAX];
	const char *full = ocap__installed("/lib/ocap/ocapsh-full",
					   OCAPSH_FULL_BUILD,
					   OCAPSH_FULL_INSTALL, buf,
					   sizeof buf);

	if (!full)
		return;
	execv(full, argv);
	err(OCAP_EXIT_LAUNCHER, "%s", full);
}
