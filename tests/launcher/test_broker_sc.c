/* SPDX-License-Identifier: MIT */
/*
 * The broker's own seccomp allowlist (launcher/linux/broker_sc.c) on its
 * own, against the real kernel: the program built at build time is the
 * one the table compiles to now, and loaded in a child (no Landlock, no
 * capability dropped: the filter alone) it lets through what the broker
 * does and refuses the rest with EPERM, arguments included.  The cases
 * are a table: a probe, and what the kernel must answer.  test_confine.c
 * has the whole confinement this is one part of.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "sandbox.h"
#include "support.h"

static long sock(int family, int type, int proto)
{
	return try_closed(socket(family, type | SOCK_CLOEXEC, proto));
}

static long p_getpid(void) { return ret_errno(getpid() > 0 ? 0 : -1); }
static long p_inet(void) { return sock(AF_INET, SOCK_STREAM, 0); }
static long p_inet6(void) { return sock(AF_INET6, SOCK_DGRAM, 0); }
static long p_unix(void) { return sock(AF_UNIX, SOCK_SEQPACKET, 0); }
static long p_packet(void) { return sock(AF_PACKET, SOCK_RAW, 0); }
static long p_route(void) { return sock(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE); }
static long p_audit(void) { return sock(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT); }

static long p_socketpair(void)
{
	int sv[2];
	long r = ret_errno(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				      sv));

	if (r == 0) {
		close(sv[0]);
		close(sv[1]);
	}
	return r;
}

static long p_clone3(void)
{
	return ret_errno(syscall(SYS_clone3, NULL, 0));
}

/* Signals go to one process (pidfds, tgkill); kill(2), which can name a
 * group or every process, never to those. */
static long p_tgkill(void)
{
	return ret_errno(syscall(SYS_tgkill, getpid(), gettid(), 0));
}

static long p_pidfd(void)
{
	long fd = syscall(SYS_pidfd_open, getpid(), 0), r;

	if (fd < 0)
		return -errno;
	r = ret_errno(syscall(SYS_pidfd_send_signal, (int)fd, 0, NULL, 0));
	close((int)fd);
	return r;
}

static long p_kill_group(void) { return ret_errno(kill(0, 0)); }
static long p_kill_all(void) { return ret_errno(kill(-1, 0)); }
static long p_kill_pgrp(void) { return ret_errno(kill(-getpgrp(), 0)); }

static long p_getrlimit(void)
{
	struct rlimit rl;

	return ret_errno(getrlimit(RLIMIT_NOFILE, &rl));
}

static long p_setrlimit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	return ret_errno(setrlimit(RLIMIT_NOFILE, &rl));
}

static long p_prlimit_other(void)
{
	struct rlimit rl;

	return ret_errno(prlimit(getppid(), RLIMIT_NOFILE, NULL, &rl));
}

/* ioctl on a pipe: never a terminal to type into, should the filter
 * fail; the filter looks at the request alone. */
static long pipe_ioctl(unsigned long request, void *arg)
{
	int p[2];
	long r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	r = ret_errno(ioctl(p[0], request, arg));
	close(p[0]);
	close(p[1]);
	return r;
}

static long p_fionread(void) { return pipe_ioctl(FIONREAD, &(int){ 0 }); }
static long p_tiocsti(void) { return pipe_ioctl(TIOCSTI, "x"); }

static long p_set_name(void)
{
	return ret_errno(prctl(PR_SET_NAME, "broker-sc", 0, 0, 0));
}

static long p_dumpable(void)
{
	return ret_errno(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
}

static long p_unshare(void) { return ret_errno(unshare(CLONE_NEWNS)); }
static long p_chroot(void) { return ret_errno(chroot("/")); }
/* Harmless without the filter too: pid 1 is not being traced here. */
static long p_ptrace(void)
{
	return ret_errno(syscall(SYS_ptrace, 2 /* PTRACE_PEEKDATA */, 1, 0, 0));
}

static long p_bpf(void) { return ret_errno(syscall(SYS_bpf, 0, NULL, 0)); }

static long p_mount(void)
{
	return ret_errno(mount("none", "/nonexistent-ocap", "ocapfs", 0, NULL));
}

static long p_open(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* What the kernel answers each probe under the allowlist.  ALLOWED
 * probes may still fail for reasons of their own (no permission): only
 * EPERM from the filter counts, so they must not say EPERM. */
#define ALLOWED 1

static const struct sc_case {
	const char *name;
	long (*probe)(void);
	long want; /* -errno, or ALLOWED */
} cases[] = {
	{ "getpid", p_getpid, ALLOWED },
	{ "openat", p_open, ALLOWED },
	{ "socket(AF_INET)", p_inet, ALLOWED },
	{ "socket(AF_INET6)", p_inet6, ALLOWED },
	{ "socket(AF_UNIX)", p_unix, ALLOWED },
	{ "socket(AF_NETLINK, NETLINK_ROUTE)", p_route, ALLOWED },
	{ "socket(AF_NETLINK, NETLINK_AUDIT)", p_audit, -EPERM },
	{ "socket(AF_PACKET)", p_packet, -EPERM },
	{ "socketpair(AF_UNIX)", p_socketpair, ALLOWED },
	{ "a thread", try_thread, ALLOWED },
	{ "clone without CLONE_THREAD", try_process, -EPERM },
	{ "clone3", p_clone3, -ENOSYS },
	{ "execve", try_exec, -EPERM },
	{ "tgkill(self)", p_tgkill, ALLOWED },
	{ "pidfd_send_signal(self)", p_pidfd, ALLOWED },
	{ "kill(0)", p_kill_group, -EPERM },
	{ "kill(-1)", p_kill_all, -EPERM },
	{ "kill(-pgrp)", p_kill_pgrp, -EPERM },
	{ "getrlimit", p_getrlimit, ALLOWED },
	{ "setrlimit", p_setrlimit, -EPERM },
	{ "prlimit of another", p_prlimit_other, -EPERM },
	{ "ioctl(FIONREAD)", p_fionread, ALLOWED },
	{ "ioctl(TIOCSTI)", p_tiocsti, -EPERM },
	{ "prctl(PR_SET_NAME)", p_set_name, ALLOWED },
	{ "prctl(PR_SET_DUMPABLE)", p_dumpable, -EPERM },
	{ "unshare", p_unshare, -EPERM },
	{ "chroot", p_chroot, -EPERM },
	{ "ptrace", p_ptrace, -EPERM },
	{ "bpf", p_bpf, -EPERM },
	{ "mount", p_mount, -EPERM },
};

#define NCASES (sizeof cases / sizeof *cases)

/* In a child: no_new_privs, the broker's program, then every probe.
 * The exit status is the number of the first case that failed, plus
 * one; 0 when none did. */
static int confined(void *arg)
{
	(void)arg;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    ocap__seccomp_load_broker() < 0)
		return 255;
	for (size_t i = 0; i < NCASES; i++) {
		long got = cases[i].probe();
		bool ok = cases[i].want == ALLOWED ? got != -EPERM
						  : got == cases[i].want;

		if (!ok) {
			fprintf(stderr, "%s: %ld (%s), expected %s\n",
				cases[i].name, got, ret_name(got),
				cases[i].want == ALLOWED
					? "no EPERM"
					: ret_name(cases[i].want));
			return (int)i + 1;
		}
	}
	return 0;
}

/* Without the filter the denied probes get other answers: the filter is
 * what refused them. */
static int control(void *arg)
{
	(void)arg;
	for (size_t i = 0; i < NCASES; i++) {
		if (cases[i].want != -EPERM || cases[i].probe == try_exec)
			continue; /* an exec would leave */
		if (cases[i].probe() == -EPERM && geteuid() == 0) {
			fprintf(stderr, "%s: EPERM without the filter\n",
				cases[i].name);
			return (int)i + 1;
		}
	}
	return 0;
}

static void test_allowlist(void **state)
{
	(void)state;
	assert_ret(run_in_child(confined, NULL), 0);
}

static void test_control(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip(); /* as another user the kernel says EPERM itself */
	assert_ret(run_in_child(control, NULL), 0);
}

/* The program built at build time is the one the table compiles to now. */
static void test_prebuilt(void **state)
{
	const struct sock_filter *pre;
	struct sock_filter *now;
	size_t npre, nnow;

	(void)state;
	ocap__seccomp_broker_prebuilt(&pre, &npre);
	assert_ret(ocap__seccomp_broker_compile(&now, &nnow), 0);
	assert_int_equal(npre, nnow);
	assert_memory_equal(pre, now, npre * sizeof *pre);
	free(now);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prebuilt),
		cmocka_unit_test(test_allowlist),
		cmocka_unit_test(test_control),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
