/* SPDX-License-Identifier: MIT */
/*
 * Loading a seccomp program: one compiled at build time for a mode and
 * the flags grants ask for, or, when the plan names syscalls, one
 * libseccomp compiles at launch.  Kept apart from seccomp.c, which
 * gen-seccomp links to write the prebuilt programs it cannot yet have.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "sandbox.h"

/* Linux 5.19: once the supervisor has received a notification, only a
 * fatal signal interrupts the call it stands for, so that a signal
 * never makes a call fail that the broker has performed. */
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static int load_prog(const struct sock_filter *f, size_t len, int mode)
{
	struct sock_fprog prog = { .len = (unsigned short)len,
				   .filter = (struct sock_filter *)f };
	unsigned long fl = SECCOMP_FILTER_FLAG_NEW_LISTENER |
			   SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	long r;

	if (len == 0 || len > BPF_MAXINSNS)
		return -E2BIG;
	if (!ocap__sc_supervised(mode))
		fl = 0;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, fl, &prog);
	if (r < 0 && errno == EINVAL && fl) {
		fl &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, fl, &prog);
	}
	if (r < 0)
		return -errno;
	return fl ? (int)r : 0; /* the listener is close-on-exec */
}

int ocap__seccomp_load(int mode)
{
	const struct sock_filter *f;
	size_t len;
	int err = ocap__seccomp_prebuilt(mode, &f, &len);

	return err ? err : load_prog(f, len, mode);
}

int ocap__seccomp_flags_mask(const char *const *extra, size_t n)
{
	unsigned mask = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned b = 1;
		const char *flag;

		while ((flag = ocap__seccomp_flag(b)) && strcmp(extra[i], flag))
			b <<= 1;
		if (!flag)
			return -1;
		mask |= b;
	}
	return (int)mask;
}

int ocap__seccomp_load_extra(int mode, const char *const *extra, size_t n)
{
	const struct sock_filter *pre;
	struct sock_filter *f;
	size_t len;
	int mask = ocap__seccomp_flags_mask(extra, n), err;

	/* flags alone: the program libseccomp would compile now, compiled
	 * at build time */
	if (mask > 0 &&
	    ocap__seccomp_prebuilt_flags(mode, (unsigned)mask, &pre, &len) == 0)
		return load_prog(pre, len, mode);
	err = ocap__seccomp_compile(mode, extra, n, &f, &len);
	if (err)
		return err;
	err = load_prog(f, len, mode);
	free(f);
	return err;
}

int ocap__seccomp_load_broker(void)
{
	struct sock_fprog prog;
	const struct sock_filter *f;
	size_t len;

	ocap__seccomp_broker_prebuilt(&f, &len);
	prog = (struct sock_fprog){ .len = (unsigned short)len,
				    .filter = (struct sock_filter *)f };
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0
		       ? -errno
		       : 0;
}
