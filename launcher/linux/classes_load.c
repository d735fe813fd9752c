/* SPDX-License-Identifier: MIT */
/*
 * The classes of calls at run time: what the report says of each, and
 * loading the filters gen-seccomp compiled (classes.c), one per class,
 * with the raw seccomp(2) call.  No libseccomp: a musl program built
 * with ocap-cc enters with the same filters as a glibc one.
 */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include <ocap/enter.h>

#include "classes.h"
#include "report.h"

static const struct {
	unsigned flag;
	const char *what;
	const char *how;
} classes[] = {
	{ OCAP_ENTER_NO_EXEC, "no-exec", "execve, execveat: EPERM" },
	{ OCAP_ENTER_NO_FORK, "no-fork",
	  "fork, vfork, clone without CLONE_THREAD: EPERM; threads stay" },
	{ OCAP_ENTER_NO_NET, "no-net",
	  "socket of AF_INET, AF_INET6: EPERM (AF_UNIX stays); sockets "
	  "held stay usable" },
	{ OCAP_ENTER_NO_CREATE, "no-create",
	  "open, openat with O_CREAT or O_TMPFILE, creat, mkdir, mknod, "
	  "symlink, link, rename and their *at forms: EPERM; openat2, "
	  "whose flags seccomp cannot read, by Landlock (no MAKE_* right)" },
};

#define NCLASSES (sizeof classes / sizeof *classes)

int ocap__enter_classes_load(unsigned flags)
{
	for (size_t i = 0; i < NCLASSES; i++) {
		const struct sock_filter *f;
		struct sock_fprog prog;
		size_t len;
		int err;

		if (!(flags & classes[i].flag))
			continue;
		if ((err = ocap__enter_class_prebuilt(classes[i].flag, &f,
						      &len)) < 0)
			return err;
		prog = (struct sock_fprog){ .len = (unsigned short)len,
					    .filter = (struct sock_filter *)f };
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
			return -errno;
	}
	return 0;
}

void ocap__enter_classes_report(unsigned flags, bool seccomp, int abi,
				struct ocap_enter_report *r)
{
	for (size_t i = 0; i < NCLASSES; i++) {
		if (!(flags & classes[i].flag))
			continue;
		if (!seccomp)
			ocap__report_add(r, classes[i].what, 0, "seccomp "
					 "filters cannot be loaded");
		else if (classes[i].flag == OCAP_ENTER_NO_CREATE && abi == 0)
			ocap__report_add(r, classes[i].what, 0, "openat2 may "
					 "still create files: seccomp cannot "
					 "read its flags and Landlock is off");
		else
			ocap__report_add(r, classes[i].what, 1, "%s",
					 classes[i].how);
	}
}
