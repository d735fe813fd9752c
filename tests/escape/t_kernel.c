/* SPDX-License-Identifier: MIT */
/*
 * Kernel attack surface the allowlist keeps out of reach.  Reaching the
 * syscall at all is the escape: each is refused by seccomp with EPERM
 * (clone3: ENOSYS; other ABIs: SIGSYS).  Where the kernel would refuse
 * with EPERM too (no capability), the comment says so; the call is still
 * made in a form an unprivileged process could otherwise complete where
 * one exists.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define CLONE_NEWNS_ 0x00020000
#define CLONE_NEWUSER_ 0x10000000
#define UFFD_USER_MODE_ONLY 1
#define KEYCTL_GET_KEYRING_ID 0
#define KEY_SPEC_SESSION_KEYRING (-3)
#define KEY_SPEC_PROCESS_KEYRING (-2)
#define READ_IMPLIES_EXEC 0x0400000
#define TIOCSTI_ 0x5412
#define TIOCLINUX_ 0x541C
#define X32_SYSCALL_BIT 0x40000000
#define HIGH ((unsigned long)1 << 32)

int t_io_uring(const struct ctx *c)
{
	unsigned char params[120] = { 0 }; /* struct io_uring_params */

	return EXPECT("io_uring_setup(1)",
		      syscall(SYS_io_uring_setup, 1, params), EPERM);
}

/* unprivileged_bpf_disabled makes the kernel say EPERM too. */
int t_bpf(const struct ctx *c)
{
	uint32_t attr[32] = { 2 /* ARRAY */, 4, 4, 1 };

	return EXPECT("bpf(BPF_MAP_CREATE)",
		      syscall(SYS_bpf, 0 /* MAP_CREATE */, attr, sizeof attr),
		      EPERM);
}

/* Counting our own task clock in user mode passes perf_event_paranoid
 * 2: the kernel would allow it. */
int t_perf_event_open(const struct ctx *c)
{
	uint64_t attr[16] = { 0 };

	attr[0] = 1u /* PERF_TYPE_SOFTWARE */ | (uint64_t)sizeof attr << 32;
	attr[1] = 1; /* PERF_COUNT_SW_TASK_CLOCK */
	attr[5] = 1u | 1u << 5 | 1u << 6; /* disabled, exclude_kernel, _hv */
	return EXPECT("perf_event_open(task clock)",
		      syscall(SYS_perf_event_open, attr, 0, -1, -1, 0), EPERM);
}

/* User-mode-only faults are open to unprivileged callers. */
int t_userfaultfd(const struct ctx *c)
{
	return EXPECT("userfaultfd(UFFD_USER_MODE_ONLY)",
		      syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY),
		      EPERM);
}

int t_keyctl(const struct ctx *c)
{
	return EXPECT("keyctl(KEYCTL_GET_KEYRING_ID, session)",
		      syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
			      KEY_SPEC_SESSION_KEYRING, 0),
		      EPERM);
}

int t_add_key(const struct ctx *c)
{
	return EXPECT("add_key(user, process keyring)",
		      syscall(SYS_add_key, "user", "ocap-escape", "x", 1,
			      KEY_SPEC_PROCESS_KEYRING),
		      EPERM);
}

/* Unprivileged user namespaces are enabled on this kind of host. */
int t_unshare_user(const struct ctx *c)
{
	return EXPECT("unshare(CLONE_NEWUSER)",
		      syscall(SYS_unshare, CLONE_NEWUSER_), EPERM);
}

/* Without CAP_SYS_ADMIN the kernel says EPERM too. */
int t_unshare_mount(const struct ctx *c)
{
	return EXPECT("unshare(CLONE_NEWNS)",
		      syscall(SYS_unshare, CLONE_NEWNS_), EPERM);
}

/* A raw clone without a new stack returns twice, like fork. */
static int clone_flags(unsigned long flags, const char *what)
{
	long r;

	fflush(stdout);
	r = syscall(SYS_clone, flags, 0, 0, 0, 0);
	if (r == 0)
		syscall(SYS_exit_group, 0);
	if (r > 0) {
		waitpid((pid_t)r, NULL, 0);
		return say(ESCAPED, "%s: child %ld created", what, r);
	}
	return EXPECT(what, r, EPERM);
}

int t_clone_newuser(const struct ctx *c)
{
	return clone_flags(CLONE_NEWUSER_ | SIGCHLD, "clone(CLONE_NEWUSER)");
}

/* The kernel reads clone's flags through lower_32_bits(). */
int t_clone_newuser_highword(const struct ctx *c)
{
	return clone_flags(HIGH | CLONE_NEWUSER_ | SIGCHLD,
			   "clone(CLONE_NEWUSER | 1<<32)");
}

/* ENOSYS, so that libc falls back to clone, whose flags seccomp sees. */
int t_clone3(const struct ctx *c)
{
	uint64_t args[8] = { CLONE_NEWUSER_, 0, 0, 0, SIGCHLD };
	long r;

	fflush(stdout);
	r = syscall(SYS_clone3, args, sizeof args);
	if (r == 0)
		syscall(SYS_exit_group, 0);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return EXPECT("clone3(CLONE_NEWUSER)", r, ENOSYS);
}

int t_mount(const struct ctx *c)
{
	return EXPECT("mount(tmpfs on granted)",
		      syscall(SYS_mount, "none", c->granted, "tmpfs", 0, NULL),
		      EPERM);
}

int t_fsopen(const struct ctx *c)
{
	return EXPECT("fsopen(tmpfs)", syscall(SYS_fsopen, "tmpfs", 0), EPERM);
}

/* Without OPEN_TREE_CLONE the kernel would give anyone an O_PATH
 * descriptor; the mount API stays out of reach all the same. */
int t_open_tree(const struct ctx *c)
{
	int g = granted_dir(c);

	if (g < 0)
		return SETUP;
	return EXPECT("open_tree(granted, ../canary)",
		      syscall(SYS_open_tree, g, c->rel, O_CLOEXEC), EPERM);
}

int t_chroot(const struct ctx *c)
{
	return EXPECT("chroot(granted)", syscall(SYS_chroot, c->granted),
		      EPERM);
}

/* The driver computes the canary's handle outside the sandbox. */
int t_open_by_handle(const struct ctx *c)
{
	struct {
		unsigned int bytes;
		int type;
		unsigned char h[128];
	} fh = { 0 };
	const char *hex;
	int g, fd;

	if (!c->handle || !(hex = strchr(c->handle, ':')))
		return say(MISSING, "no file handle for the canary (the file "
			   "system does not export them)");
	fh.type = atoi(c->handle);
	for (hex++; hex[0] && hex[1] && fh.bytes < sizeof fh.h; hex += 2) {
		char b[3] = { hex[0], hex[1], 0 };
		fh.h[fh.bytes++] = (unsigned char)strtoul(b, NULL, 16);
	}
	if ((g = granted_dir(c)) < 0)
		return SETUP;
	fd = (int)syscall(SYS_open_by_handle_at, g, &fh, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return leak(fd, "open_by_handle_at(granted, canary's handle)");
	return EXPECT("open_by_handle_at(granted, canary's handle)", fd,
		      EPERM);
}

/* Stdin is no namespace: the kernel would say EINVAL. */
int t_setns(const struct ctx *c)
{
	return EXPECT("setns(0, 0)", syscall(SYS_setns, 0, 0), EPERM);
}

int t_personality(const struct ctx *c)
{
	long r = syscall(SYS_personality, READ_IMPLIES_EXEC);

	if (r >= 0)
		syscall(SYS_personality, r);
	return EXPECT("personality(READ_IMPLIES_EXEC)", r, EPERM);
}

int t_modify_ldt(const struct ctx *c)
{
#ifdef SYS_modify_ldt
	char buf[16];

	return EXPECT("modify_ldt(0)",
		      syscall(SYS_modify_ldt, 0, buf, sizeof buf), EPERM);
#else
	return say(MISSING, "no modify_ldt on this architecture");
#endif
}

/* Without CAP_SYS_MODULE the kernel says EPERM too. */
int t_init_module(const struct ctx *c)
{
	return EXPECT("finit_module(0)",
		      syscall(SYS_finit_module, 0, "", 0), EPERM);
}

/* ---- other ABIs: the filter kills the process (SIGSYS) ------------------ */

#ifdef __x86_64__
static int x32_getpid(void *arg)
{
	syscall(X32_SYSCALL_BIT | SYS_getpid);
	return 0;
}

static int int80_getpid(void *arg)
{
	long r = 20; /* i386 getpid */

	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	return 0;
}
#endif

int t_x32_syscall(const struct ctx *c)
{
#ifdef __x86_64__
	return expect_signal("x32 getpid", in_child(x32_getpid, NULL), SIGSYS);
#else
	return say(MISSING, "not x86_64");
#endif
}

/* With IA32 emulation off (ia32_emulation=0) int 0x80 is a general
 * protection fault before any filter runs: SIGSEGV, nothing to test. */
int t_int80(const struct ctx *c)
{
#ifdef __x86_64__
	int st = in_child(int80_getpid, NULL);

	if (st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV)
		return say(MISSING, "int 0x80 faults: IA32 emulation is off");
	return expect_signal("int 0x80 getpid", st, SIGSYS);
#else
	return say(MISSING, "not x86_64");
#endif
}

/* ---- the terminal ------------------------------------------------------- */

int tty_fd(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd))
			return fd;
	return -1;
}

/* The pty run.sh gives is our controlling terminal, so the kernel (with
 * legacy_tiocsti) would push the byte into its input. */
int t_tiocsti(const struct ctx *c)
{
	char ch = ' ';
	int fd = tty_fd();

	if (fd < 0)
		return say(MISSING, "no terminal on 0-2");
	return EXPECT("ioctl(tty, TIOCSTI)", ioctl(fd, TIOCSTI_, &ch), EPERM);
}

/* The kernel reads the command as an unsigned int. */
int t_tiocsti_highword(const struct ctx *c)
{
	char ch = ' ';
	int fd = tty_fd();

	if (fd < 0)
		return say(MISSING, "no terminal on 0-2");
	return EXPECT("ioctl(tty, TIOCSTI | 1<<32)",
		      syscall(SYS_ioctl, fd, HIGH | TIOCSTI_, &ch), EPERM);
}

int t_tioclinux(const struct ctx *c)
{
	char sub = 6; /* TIOCL_GETSHIFTSTATE */
	int fd = tty_fd();

	if (fd < 0)
		return say(MISSING, "no terminal on 0-2");
	return EXPECT("ioctl(tty, TIOCLINUX)", ioctl(fd, TIOCLINUX_, &sub),
		      EPERM);
}
