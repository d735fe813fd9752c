/* SPDX-License-Identifier: MIT */
#include "ov.h"

#if defined(__x86_64__)
/* The kernel's struct stat is musl's on x86_64. */
_Static_assert(sizeof(struct stat) == 144, "struct stat is the kernel's");
#endif

int ocap__ov_sys_fstatat(int dirfd, const char *path, struct stat *st, int flag)
{
	return (int)ov_sys(SYS_newfstatat, dirfd, path, st, flag);
}
