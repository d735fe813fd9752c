/* SPDX-License-Identifier: MIT */
/*
 * Classes of calls an entered process may drop, in the spirit of
 * pledge(2)'s promises: each a list of system calls, some only with
 * certain arguments, refused with EPERM.  Everything else is left to the
 * native program loaded after these filters.  A class takes away the
 * means to make something new; descriptors already held stay usable.
 *
 * Build time only: gen-seccomp compiles one filter per class with
 * libseccomp, and ocap_enter() loads the prebuilt ones (classes_load.c),
 * so that entering needs no libseccomp, in a musl program too.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <seccomp.h>

#include <ocap/enter.h>

#include "classes.h"
#include "sandbox.h"

/* O_TMPFILE without the O_DIRECTORY it includes. */
#ifndef __O_TMPFILE
#define __O_TMPFILE 020000000
#endif

#define LO32 0xffffffffu

enum cond {
	ANY,        /* every call */
	CREAT,      /* open flags (argument a) with O_CREAT or O_TMPFILE */
	NOT_THREAD, /* clone flags without CLONE_THREAD */
	INET,       /* socket family AF_INET or AF_INET6 */
};

struct denial {
	unsigned flag;
	const char *name;
	enum cond cond;
	unsigned a; /* the argument cond looks at */
};

static const struct denial denials[] = {
	{ OCAP_ENTER_NO_EXEC, "execve", ANY, 0 },
	{ OCAP_ENTER_NO_EXEC, "execveat", ANY, 0 },
	{ OCAP_ENTER_NO_FORK, "fork", ANY, 0 },
	{ OCAP_ENTER_NO_FORK, "vfork", ANY, 0 },
	/* clone3 is ENOSYS in the native program: libc falls back here. */
	{ OCAP_ENTER_NO_FORK, "clone", NOT_THREAD, 0 },
	/* The native program allows no family but these and AF_UNIX. */
	{ OCAP_ENTER_NO_NET, "socket", INET, 0 },
	{ OCAP_ENTER_NO_CREATE, "open", CREAT, 1 },
	{ OCAP_ENTER_NO_CREATE, "openat", CREAT, 2 },
	{ OCAP_ENTER_NO_CREATE, "creat", ANY, 0 },
	{ OCAP_ENTER_NO_CREATE, "mkdir", ANY, 0 },
	{ OCAP_ENTER_NO_CREATE, "mkdirat", ANY, 0 },
	{ OCAP_ENTER_NO_CREATE, "mknod", ANY, 0 },
	{ OCAP_ENTER_NO_CREATE, "mknodat", ANY, 0 },
	{ OCAP_ENTER_NO_CREATE, "symlink", ANY, 0 },
	{ OCAP_ENTER_NO_CREATE, "symlinkat", ANY, 0 },
	{ OCAP_ENTER_NO_CREATE, "link", ANY, 0 },
	{ OCAP_ENTER_NO_CREATE, "linkat", ANY, 0 },
	{ OCAP_ENTER_NO_CREATE, "rename", ANY, 0 },
	{ OCAP_ENTER_NO_CREATE, "renameat", ANY, 0 },
	{ OCAP_ENTER_NO_CREATE, "renameat2", ANY, 0 },
};

#define NDENIALS (sizeof denials / sizeof *denials)

static int deny(scmp_filter_ctx ctx, const struct denial *d)
{
	const uint32_t act = SCMP_ACT_ERRNO(EPERM);
	int nr = seccomp_syscall_resolve_name(d->name);
	int r = 0;

	if (nr == __NR_SCMP_ERROR)
		return 0; /* not on this architecture */
	switch (d->cond) {
	case ANY:
		return seccomp_rule_add(ctx, act, nr, 0);
	case CREAT:
		r = seccomp_rule_add(ctx, act, nr, 1,
				     SCMP_CMP(d->a, SCMP_CMP_MASKED_EQ,
					      O_CREAT, O_CREAT));
		if (r == 0)
			r = seccomp_rule_add(ctx, act, nr, 1,
					     SCMP_CMP(d->a, SCMP_CMP_MASKED_EQ,
						      __O_TMPFILE,
						      __O_TMPFILE));
		return r;
	case NOT_THREAD:
		return seccomp_rule_add(ctx, act, nr, 1,
					SCMP_CMP(d->a, SCMP_CMP_MASKED_EQ,
						 CLONE_THREAD, 0));
	case INET:
		r = seccomp_rule_add(ctx, act, nr, 1,
				     SCMP_CMP(d->a, SCMP_CMP_MASKED_EQ, LO32,
					      AF_INET));
		if (r == 0)
			r = seccomp_rule_add(ctx, act, nr, 1,
					     SCMP_CMP(d->a, SCMP_CMP_MASKED_EQ,
						      LO32, AF_INET6));
		return r;
	}
	return -EINVAL;
}

int ocap__enter_classes_compile(unsigned flags, struct sock_filter **prog,
				size_t *len)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r = 0;

	if (!ctx)
		return -ENOMEM;
	/* The caller sets no_new_privs; the program is loaded raw. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (size_t i = 0; r == 0 && i < NDENIALS; i++)
		if (flags & denials[i].flag)
			r = deny(ctx, &denials[i]);
	if (r == 0)
		r = ocap__seccomp_export(ctx, 0, prog, len);
	seccomp_release(ctx);
	return r;
}
