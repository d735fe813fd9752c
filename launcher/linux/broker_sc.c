/* SPDX-License-Identifier: MIT */
/*
 * The broker's own seccomp allowlist (confine.c applies it once the
 * broker serves), compiled at build time by gen-seccomp: the calls it
 * makes, and libc makes for it, and nothing else.  What is denied gets EPERM: a broker call refused fails the one
 * request it was for.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>

#include "sandbox.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef NETLINK_ROUTE
#define NETLINK_ROUTE 0
#endif

/* The calls the broker makes, and libc makes for it (threads, name
 * lookups), and nothing else: no exec, no process but threads, no
 * namespace, mount, module, key, BPF or ptrace. */
static const char *const calls[] = {
	/* descriptors and files, bounded by Landlock */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "lseek",
	"close", "close_range", "openat", "openat2", "fstat", "newfstatat",
	"statx", "fstatfs", "statfs", "getdents64", "readlinkat", "faccessat",
	"faccessat2", "fcntl", "dup", "dup2", "dup3", "pipe2", "eventfd2",
	"mkdirat", "mknodat", "unlinkat", "renameat2", "linkat", "symlinkat",
	"ftruncate", "fsync", "fdatasync",
	/* the same, as glibc spells some of them on x86_64 */
	"open", "stat", "lstat", "access", "readlink", "mkdir", "rmdir",
	"unlink", "rename", "link", "symlink", "chmod", "chown", "lchown",
	"utimes", "pipe",
	/* metadata the supervisor performs (meta.c) */
	"fchmod", "fchmodat", "fchown", "fchownat", "utimensat", "fsetxattr",
	"setxattr", "lsetxattr", "fremovexattr", "removexattr",
	"lremovexattr", "fgetxattr", "getxattr", "lgetxattr", "flistxattr",
	"listxattr", "llistxattr",
	/* sockets (the families are checked below) */
	"connect", "bind", "listen", "accept4", "getsockname", "getpeername",
	"setsockopt", "getsockopt", "sendto", "recvfrom", "sendmsg",
	"recvmsg", "sendmmsg", "recvmmsg", "shutdown",
	/* waiting */
	"poll", "ppoll", "epoll_create1", "epoll_ctl", "epoll_wait",
	"epoll_pwait", "futex", "nanosleep", "clock_nanosleep",
	"sched_yield",
	/* memory and threads */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
	"set_robust_list", "rseq", "exit", "exit_group",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	"restart_syscall",
	/* the program and its descendants */
	/* (signals through pidfds, or tgkill when a filter around the
	 * broker refuses pidfd_open: kill(2) could name a group or all) */
	"wait4", "waitid", "tgkill", "tkill", "pidfd_open", "pidfd_getfd",
	"pidfd_send_signal", "process_vm_readv", "process_vm_writev",
	/* identity, time, randomness */
	"getpid", "gettid", "getppid", "getuid", "geteuid", "getgid",
	"getegid", "getgroups", "getresuid", "getresgid", "uname",
	"clock_gettime", "clock_getres", "gettimeofday", "getrandom",
	"sched_getaffinity", "getrusage",
	/* the opener thread confines itself further (open.c) */
	"capget", "capset", "landlock_create_ruleset", "landlock_add_rule",
	"landlock_restrict_self",
};

/* ioctl: the supervisor's requests and what libc asks of a descriptor;
 * never TIOCSTI and the other terminal controls. */
static const unsigned long ioctls[] = {
	SECCOMP_IOCTL_NOTIF_RECV, SECCOMP_IOCTL_NOTIF_SEND,
	SECCOMP_IOCTL_NOTIF_ID_VALID, SECCOMP_IOCTL_NOTIF_ADDFD,
	SECCOMP_IOCTL_NOTIF_SET_FLAGS, FIONREAD, FIONBIO, FIOCLEX, FIONCLEX,
	TCGETS, TIOCGWINSZ,
};

static const int prctls[] = {
	PR_SET_NAME, PR_GET_NAME, PR_CAPBSET_READ, PR_SET_NO_NEW_PRIVS,
	PR_GET_NO_NEW_PRIVS, PR_GET_DUMPABLE,
};

static int allow_arg(scmp_filter_ctx ctx, const char *name,
		     struct scmp_arg_cmp cmp)
{
	int nr = seccomp_syscall_resolve_name(name);

	return nr < 0 ? 0 : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, cmp);
}

static int add_checked(scmp_filter_ctx ctx)
{
	static const int families[] = { AF_UNIX, AF_INET, AF_INET6 };
	int r = 0;

	for (size_t i = 0; r == 0 && i < sizeof ioctls / sizeof ioctls[0]; i++)
		r = allow_arg(ctx, "ioctl",
			      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
				      ioctls[i]));
	for (size_t i = 0; r == 0 && i < sizeof prctls / sizeof prctls[0]; i++)
		r = allow_arg(ctx, "prctl", SCMP_A0(SCMP_CMP_EQ,
						    (unsigned)prctls[i]));
	for (size_t i = 0; r == 0 && i < 3; i++)
		r = allow_arg(ctx, "socket", SCMP_A0(SCMP_CMP_EQ,
						     (unsigned)families[i]));
	if (r == 0) /* getaddrinfo asks the kernel for the host's addresses */
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
				     SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
				     SCMP_A2(SCMP_CMP_EQ, NETLINK_ROUTE));
	if (r == 0)
		r = allow_arg(ctx, "socketpair", SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	/* Threads only: a clone without CLONE_THREAD would be a process. */
	if (r == 0)
		r = allow_arg(ctx, "clone", SCMP_A0(SCMP_CMP_MASKED_EQ,
						    CLONE_THREAD, CLONE_THREAD));
	/* glibc tries clone3 first and falls back on ENOSYS. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				     SCMP_SYS(clone3), 0);
	/* Reading limits, never setting them. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2,
				     SCMP_A0(SCMP_CMP_EQ, 0),
				     SCMP_A2(SCMP_CMP_EQ, 0));
	return r;
}

int ocap__seccomp_broker_compile(struct sock_filter **prog, size_t *len)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int r = ctx ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < sizeof calls / sizeof calls[0]; i++) {
		int nr = seccomp_syscall_resolve_name(calls[i]);
		if (nr >= 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	if (r == 0)
		r = add_checked(ctx);
	if (r == 0)
		r = ocap__seccomp_export(ctx, 0, prog, len);
	seccomp_release(ctx);
	return r;
}
