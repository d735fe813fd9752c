/* SPDX-License-Identifier: MIT */
/*
 * What the musl build of the launcher does without libseccomp
 * (launcher/linux/nolibseccomp.c), in a program built with ocap-cc,
 * which links libocap-launch-musl.a, the only archive that holds it.
 * What libseccomp alone can do is refused plainly: no program compiled
 * at launch, no call known by name (so no --allow-syscall), no list of
 * a program's calls; the count --explain shows is the prebuilt
 * program's.  The prebuilt programs still load, and the kernel then
 * refuses what they refuse; a refused run-time program loads nothing.
 * TAP lines; the exit status counts failures.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ocap/launch.h>

#include "backend.h"
#include "sandbox.h"

#include "ovtest.h"

/* A call that returns -errno, for CHECK. */
static long neg(long r)
{
	if (r >= 0)
		return r;
	errno = (int)-r;
	return -1;
}

static void test_refused(void)
{
	static const char *const extra[] = { "chroot" };
	struct sock_filter *prog = (struct sock_filter *)&prog;
	const char *calls[4], *note = "unset";
	size_t len = 1;

	for (int m = 0; m < OCAP_SC_NMODES; m++) {
		CHECK(EOPNOTSUPP, neg(ocap__seccomp_compile(m, extra, 1, &prog,
							     &len)));
		CHECKN(prog == NULL && len == 0, 1);
		CHECK(EOPNOTSUPP, neg(ocap__seccomp_compile(m, NULL, 0, &prog,
							     &len)));
		CHECKN(ocap__seccomp_name(m, 0, &note) == NULL, 1);
		/* the count is the one gen-seccomp wrote down */
		CHECKN(ocap__seccomp_count(m), ocap__seccomp_prebuilt_count(m));
		CHECKN(ocap__seccomp_count(m) > 0, 1);
	}
	CHECK(EINVAL, neg(ocap__seccomp_count(-1)));
	CHECK(EINVAL, neg(ocap__seccomp_count(OCAP_SC_NMODES)));
	CHECK(EINVAL, neg(ocap__seccomp_resolve("getpid")));
	CHECK(EINVAL, neg(ocap__seccomp_resolve("chroot")));
	CHECKN(ocap__be_syscall_family("chroot", calls, 4), 0);
	CHECKN(ocap__be_syscall_family("read", calls, 4), 0);
	CHECKN(ocap__be_syscall_known("read"), 0);
	CHECKN(ocap__be_syscall_known("nonexistent"), 0);
}

/* --allow-syscall, refused: this build names no call (the musl ocapsh
 * hands a command line that gives it to ocapsh-full). */
static void test_allow_syscall(void)
{
	ocap_plan *p;

	CHECK(0, neg(ocap_plan_new(&p)));
	CHECK(EOPNOTSUPP, neg(ocap_plan_option(p, "--allow-syscall", "chroot",
					       "argv", NULL)));
	CHECKN(ocap_plan_error(p) &&
	       strstr(ocap_plan_error(p), "names no system call") != NULL, 1);
	ocap_plan_free(p);
}

/* Seccomp's mode in /proc/self/status: 0 none, 2 a filter. */
static int seccomp_mode(void)
{
	char buf[4096], *s;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (s = strstr(buf, "\nSeccomp:")) ? atoi(s + 9) : -1;
}

/* In a child: the run-time program refused, nothing loaded; the
 * prebuilt one loaded, and chroot refused by it. */
static int load_child(void)
{
	static const char *const extra[] = { "chroot" };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 100;
	CHECK(EOPNOTSUPP,
	      neg(ocap__seccomp_load_extra(OCAP_SC_COMPAT, extra, 1)));
	CHECKN(seccomp_mode(), 0);
	CHECK(0, neg(ocap__seccomp_load(OCAP_SC_COMPAT)));
	CHECKN(seccomp_mode(), 2);
	CHECK(EPERM, chroot("/"));
	return ovt_failed;
}

static void test_load(void)
{
	int st;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(load_child());
	CHECKN(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) ?
		       WEXITSTATUS(st) : -1,
	       0);
}

int main(int argc, char **argv)
{
	(void)argc;
	ovt_start(3, (char *[]){ argv[0], "inside", "/", NULL }, NULL);
	test_refused();
	test_allow_syscall();
	test_load();
	return ovt_end();
}
