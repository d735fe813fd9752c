/* SPDX-License-Identifier: MIT */
/*
 * The system calls --allow-syscall may name on this architecture.  A name
 * users guess for what a program does stands for every call that does it:
 * coreutils' chmod(1) calls fchmodat, glibc's select() is pselect6,
 * touch -d is utimensat.
 */
#include <string.h>

#include <seccomp.h>

#include "backend.h"

static const struct {
	const char *name;
	const char *calls[5];
} families[] = {
	{ "chmod", { "chmod", "fchmod", "fchmodat" } },
	{ "chown", { "chown", "fchown", "fchownat", "lchown" } },
	{ "utime", { "utime", "utimes", "futimesat", "utimensat" } },
	{ "utimes", { "utime", "utimes", "futimesat", "utimensat" } },
	{ "select", { "select", "pselect6" } },
	{ "setxattr", { "setxattr", "lsetxattr", "fsetxattr" } },
	{ "removexattr", { "removexattr", "lremovexattr", "fremovexattr" } },
	{ "inotify", { "inotify_init", "inotify_init1", "inotify_add_watch",
		       "inotify_rm_watch" } },
};

static bool resolves(const char *name)
{
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

size_t ocap__be_syscall_family(const char *name, const char **out,
			       size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
		if (strcmp(families[i].name, name))
			continue;
		for (size_t k = 0; k < 5 && families[i].calls[k]; k++)
			if (resolves(families[i].calls[k]) && n < max)
				out[n++] = families[i].calls[k];
		return n;
	}
	if (!resolves(name) || max == 0)
		return 0;
	out[0] = name;
	return 1;
}

bool ocap__be_syscall_known(const char *name)
{
	const char *one;

	return ocap__be_syscall_family(name, &one, 1) > 0;
}
