/* SPDX-License-Identifier: MIT */
/* The system call names of this architecture, for --allow-syscall. */
#include <seccomp.h>

#include "backend.h"

bool ocap__be_syscall_known(const char *name)
{
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}
