/* SPDX-License-Identifier: MIT */
/*
 * The musl build of ocapsh (capsh/CMakeLists.txt) is the launcher alone:
 * it starts in a fraction of the time a glibc binary takes where cpuid
 * is costly, as under a hypervisor (bench/README.md, "ocapsh built with
 * musl").  What only the glibc build can do it hands over, its command
 * line unchanged, to ocapsh-full: the shell (libedit) and a system call
 * named at launch (libseccomp).  Which, it decides from argv alone,
 * before any grants file is read: a file read twice, a pipe, would be
 * empty the second time, and its restrictions gone.
 */
#include <err.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "handover.h"
#include "runtime.h"

bool ocapsh_needs_full(int argc, char **argv)
{
	int i;

	/* As ocapsh_args_parse() walks it, up to the program. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *opt = argv[i];
		size_t n = strcspn(opt, "=");
		char name[32];

		if (!strcmp(opt, "--") || !strcmp(opt, "-h") ||
		    !strcmp(opt, "--help") || !strcmp(opt, "--version"))
			return false;
		if (!strcmp(opt, "-c") || !strcmp(opt, "-f"))
			return true;
		if (n >= sizeof name)
			return false; /* no such option: the parse says so */
		memcpy(name, opt, n);
		name[n] = '\0';
		if (!strcmp(name, "--allow-syscall"))
			return true;
		/* the value a separate word: --learn's, or a grant's */
		if (!opt[n] && (!strcmp(name, "--learn") ||
				ocap_plan_option_arity(name) == 1))
			i++;
	}
	return i >= argc; /* no program: the interactive shell */
}

void ocapsh_hand_over(char **argv)
{
	char buf[PATH_MAX];
	const char *full = ocap__installed("/lib/ocap/ocapsh-full",
					   OCAPSH_FULL_BUILD,
					   OCAPSH_FULL_INSTALL, buf,
					   sizeof buf);

	if (!full)
		errx(OCAP_EXIT_LAUNCHER, "the shell and --allow-syscall are "
		     "ocapsh-full's, which is not installed");
	execv(full, argv);
	err(OCAP_EXIT_LAUNCHER, "%s", full);
}
