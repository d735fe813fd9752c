/* SPDX-License-Identifier: MIT */
/*
 * Loading a seccomp program: the one compiled at build time for a mode,
 * or, when the plan needs more, one libseccomp compiles at launch.  Kept
 * apart from seccomp.c, which gen-seccomp links to write the prebuilt
 * programs it cannot yet have.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "sandbox.h"

static int load_prog(const struct sock_filter *f, size_t len)
{
	struct sock_fprog prog = { .len = (unsigned short)len,
				   .filter = (struct sock_filter *)f };

	if (len == 0 || len > BPF_MAXINSNS)
		return -E2BIG;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		return -errno;
	return 0;
}

int ocap__seccomp_load(int mode)
{
	const struct sock_filter *f;
	size_t len;
	int err = ocap__seccomp_prebuilt(mode, &f, &len);

	return err ? err : load_prog(f, len);
}

int ocap__seccomp_load_extra(int mode, const char *const *extra, size_t n)
{
	struct sock_filter *f;
	size_t len;
	int err = ocap__seccomp_compile(mode, extra, n, &f, &len);

	if (err)
		return err;
	err = load_prog(f, len);
	free(f);
	return err;
}
