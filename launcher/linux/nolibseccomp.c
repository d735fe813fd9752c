/* SPDX-License-Identifier: MIT */
/*
 * What libseccomp does at run time, in the musl build of the launcher
 * (musl.cmake), which has no libseccomp: the prebuilt programs are all
 * it loads, each mode's default and the compat modes' with the flags
 * grants ask for (--udp, --connect unix:, --listen, --hide-metadata,
 * --suggest), which seccomp_load.c finds before it would get here.
 * Entering and the network helper never get here; the rest of the
 * launcher, linked in beside them, says plainly what it cannot do: no
 * program compiled at launch (--allow-syscall), no syscall known by
 * name, no list of a program's calls (--explain).
 */
#include <errno.h>

#include "backend.h"
#include "sandbox.h"

int ocap__seccomp_compile(int mode, const char *const *extra, size_t n,
			  struct sock_filter **prog, size_t *len)
{
	*prog = NULL;
	*len = 0;
	return -EOPNOTSUPP;
}

int ocap__seccomp_resolve(const char *name)
{
	return -EINVAL;
}

int ocap__seccomp_count(int mode)
{
	return ocap__seccomp_prebuilt_count(mode);
}

const char *ocap__seccomp_name(int mode, size_t i, const char **note)
{
	return NULL;
}

size_t ocap__be_syscall_family(const char *name, const char **out,
			       size_t max)
{
	return 0;
}

bool ocap__be_syscall_known(const char *name)
{
	return false;
}
