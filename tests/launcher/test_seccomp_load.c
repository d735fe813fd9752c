/* SPDX-License-Identifier: MIT */
/*
 * Loading seccomp programs (launcher/linux/seccomp_load.c) against the
 * real kernel, each load in a child of its own: a plain mode loads with
 * no listener, a supervised one hands back a listener through which its
 * calls really arrive, and once the supervisor has a call a signal no
 * longer takes it back; under another listener the kernel's EBUSY comes
 * back; without
 * no_new_privs or CAP_SYS_ADMIN the kernel refuses the load and says so.
 * test_seccomp.c has what each program allows.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "sandbox.h"
#include "support.h"

/* "Seccomp_filters:" of /proc/self/status: how many are loaded. */
static int filters(void)
{
	char line[128];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "Seccomp_filters: %d", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

static int plain(void *arg)
{
	(void)arg;
	child_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	child_check(ocap__seccomp_load(OCAP_SC_COMPAT), 0);
	child_check(filters(), 1);
	child_check(ocap__seccomp_load(OCAP_SC_NMODES), -EINVAL);
	child_check(filters(), 1);
	return 0;
}

static void test_plain(void **state)
{
	(void)state;
	assert_ret(run_in_child(plain, NULL), 0);
}

/* One listener per filter stack: under a filter that has one (another
 * supervisor's), the kernel refuses a second. */
static int busy(void *arg)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };

	(void)arg;
	child_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	child_check(ret_errno(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				      SECCOMP_FILTER_FLAG_NEW_LISTENER,
				      &prog)) >= 0, 1);
	child_check(ocap__seccomp_load(OCAP_SC_SUPER), -EBUSY);
	child_check(ocap__seccomp_load_extra(OCAP_SC_NSUPER, NULL, 0), -EBUSY);
	child_check(filters(), 1);
	/* a plain program goes on top all the same */
	child_check(ocap__seccomp_load(OCAP_SC_COMPAT), 0);
	child_check(filters(), 2);
	return 0;
}

static void test_busy(void **state)
{
	(void)state;
	assert_ret(run_in_child(busy, NULL), 0);
}

/* ---- a supervised program's listener ---------------------------------------- */

static void sigusr1(int sig)
{
	(void)sig;
}

/* The supervised side: the program loaded, its listener's number told
 * to the test, then one call the test answers: its errno is the exit
 * status (0: it worked). */
static _Noreturn void supervised(int sock, const char *path)
{
	struct sigaction sa = { .sa_handler = sigusr1 };
	char ack;
	int lfd;

	child_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	lfd = ocap__seccomp_load(OCAP_SC_SUPER);
	child_check(lfd >= 0, 1);
	child_check(fcntl(lfd, F_GETFD), FD_CLOEXEC);
	child_check(filters(), 1);
	child_check(write(sock, &lfd, sizeof lfd), sizeof lfd);
	child_check(read(sock, &ack, 1), 1);
	/* no SA_RESTART: a signal that took the call back would show as
	 * EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	_exit(chmod(path, 0600) < 0 ? errno : 0);
}

/* The listener, taken from the child as the launcher takes it. */
static int take(pid_t pid, int sock)
{
	int theirs = -1, pidfd, fd;

	assert_int_equal(read(sock, &theirs, sizeof theirs), sizeof theirs);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	assert_true(pidfd >= 0);
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, theirs, 0);
	assert_true(fd >= 0);
	close(pidfd);
	assert_int_equal(write(sock, "k", 1), 1);
	return fd;
}

static void test_supervised(void **state)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	uint64_t bogus = 12345;
	struct stat sb;
	struct tmpdir td;
	char path[PATH_MAX];
	int sv[2], lfd, st;
	pid_t pid;

	(void)state;
	assert_ret(tmpdir_make(&td), 0);
	assert_ret(tree_write(td.path, "f", "f"), 0);
	assert_ret(tree_join(path, sizeof path, td.path, "f"), 0);
	assert_ret(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		supervised(sv[1], path);
	}
	close(sv[1]);
	lfd = take(pid, sv[0]);
	assert_ret(ret_errno(ioctl(lfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &bogus)),
		   -ENOENT);
	memset(&req, 0, sizeof req);
	assert_ret(ret_errno(ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req)), 0);
	assert_int_equal(req.pid, pid);
	assert_true(req.data.nr == SYS_chmod || req.data.nr == SYS_fchmodat);
	/* received: from now on only a fatal signal interrupts the call
	 * (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, Linux 5.19) */
	assert_int_equal(kill(pid, SIGUSR1), 0);
	usleep(50000);
	resp = (struct seccomp_notif_resp){ .id = req.id, .error = -EROFS };
	assert_ret(ret_errno(ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp)), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_ret(-WEXITSTATUS(st), -EROFS);
	/* the answer was the test's: the file is as it was */
	assert_int_equal(stat(path, &sb), 0);
	assert_int_not_equal(sb.st_mode & 0777, 0600);
	close(lfd);
	close(sv[0]);
	assert_ret(tmpdir_remove(td.path), 0);
}

/* The extra calls a plan needs make a program of their own, and an
 * unknown one none. */
static int extra(void *arg)
{
	static const char *const chroot_[] = { "chroot" };
	static const char *const bogus[] = { "ocap_no_such_syscall" };
	int lfd;

	(void)arg;
	child_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	child_check(ocap__seccomp_load_extra(OCAP_SC_COMPAT, bogus, 1),
		    -EINVAL);
	child_check(filters(), 0);
	lfd = ocap__seccomp_load_extra(OCAP_SC_SUPER, chroot_, 1);
	child_check(lfd >= 0, 1);
	child_check(filters(), 1);
	close(lfd);
	return 0;
}

static void test_extra(void **state)
{
	(void)state;
	assert_ret(run_in_child(extra, NULL), 0);
}

/* The broker's allowlist: no listener, whatever the mode around it. */
static int broker(void *arg)
{
	(void)arg;
	child_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	child_check(ocap__seccomp_load_broker(), 0);
	child_check(filters(), 1);
	child_check(ret_errno(syscall(SYS_personality, 0xffffffff)), -EPERM);
	return 0;
}

static void test_broker(void **state)
{
	(void)state;
	assert_ret(run_in_child(broker, NULL), 0);
}

/* Without no_new_privs, and without CAP_SYS_ADMIN: the kernel's EACCES,
 * passed on, nothing loaded. */
static int no_nnp(void *arg)
{
	(void)arg;
	if (geteuid() == 0)
		child_check(setresuid(65534, 65534, 65534), 0);
	child_check(ocap__seccomp_load(OCAP_SC_COMPAT), -EACCES);
	child_check(ocap__seccomp_load(OCAP_SC_SUPER), -EACCES);
	child_check(ocap__seccomp_load_broker(), -EACCES);
	child_check(filters(), 0);
	return 0;
}

static void test_no_nnp(void **state)
{
	(void)state;
	assert_ret(run_in_child(no_nnp, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_busy),
		cmocka_unit_test(test_supervised),
		cmocka_unit_test(test_extra),
		cmocka_unit_test(test_broker),
		cmocka_unit_test(test_no_nnp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
