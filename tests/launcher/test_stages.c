/* SPDX-License-Identifier: MIT */
/*
 * The child's stages one by one, each in a forked child against the real
 * kernel: what a stage leaves behind is what the next one and the program
 * rely on.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include <cmocka.h>

#include "child.h"
#include "compile.h"
#include "sandbox.h"

enum { FDS = 1, RLIMITS, PRIVS, LANDLOCK, SECCOMP };

struct fx {
	ocap_plan *p;
	struct ocap_compiled *c;
	struct ocap_child child;
	char dir[32];
	char file[64];
};

static struct fx fx;

/* A compiled plan for /bin/true granting fx.dir, bound as a launch binds
 * it (every grant opened O_PATH). */
static void compile_plan(const char *const *opts)
{
	char *argv[] = { "/bin/true", NULL };

	assert_int_equal(ocap_plan_new(&fx.p), 0);
	assert_int_equal(ocap_plan_option(fx.p, "--ro", fx.dir, "t", NULL), 0);
	assert_int_equal(ocap_plan_option(fx.p, "--no-tmpdir", NULL, "t",
					  NULL), 0);
	for (size_t i = 0; opts && opts[i]; i += 2)
		assert_int_equal(ocap_plan_option(fx.p, opts[i], opts[i + 1],
						  "t", NULL), 0);
	assert_int_equal(ocap_plan_program(fx.p, argv), 0);
	assert_int_equal(ocap__compile(fx.p, &fx.c), 0);
	/* above the root descriptor's slot, as a launch keeps them */
	for (size_t i = 0; i < fx.c->npaths; i++) {
		int fd = open(fx.c->paths[i].name, O_PATH | O_CLOEXEC);

		fx.c->paths[i].fd = fcntl(fd, F_DUPFD_CLOEXEC, OCAP_ROOT_FD + 1);
		close(fd);
	}
	assert_int_equal(ocap__be_bind(fx.c->enforce, fx.c), 0);
	fx.child = (struct ocap_child){ .c = fx.c, .rootfd = -1,
					.errfd = -1, .progfd = -1,
					.superfd = -1, .broker = getpid() };
}

static void free_plan(void)
{
	ocap_plan_free(fx.p); /* and its compiled plan */
	fx.p = NULL;
}

/* Stages 1..last in order, as the launch runs them: 0 or the errno of
 * the first that failed, +100 for its number. */
static int stages_to(int last)
{
	char why[256];
	int r;

	if (fx.child.rootfd < 0) /* any descriptor will do for the layout */
		fx.child.rootfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	for (int i = 1; i <= last; i++)
		if ((r = ocap__be_child_stage(&fx.child, i, why,
					      sizeof why)) < 0)
			return 100 * i - r;
	return 0;
}

static int c_fds(void *arg)
{
	int sv[2], extra, st;
	struct stat a, b;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		return 90;
	extra = dup(sv[0]); /* no close-on-exec */
	fx.child.rootfd = sv[1];
	if ((st = stages_to(FDS)))
		return st;
	if (fcntl(OCAP_ROOT_FD, F_GETFD) != 0 || fstat(OCAP_ROOT_FD, &a) ||
	    fstat(sv[1], &b) || a.st_ino != b.st_ino)
		return 91; /* the root descriptor, kept across exec */
	if (!(fcntl(extra, F_GETFD) & FD_CLOEXEC))
		return 92; /* everything else closes at exec */
	return 0;
}

static void test_fds(void **state)
{
	compile_plan(NULL);
	assert_int_equal(WEXITSTATUS(run_child(c_fds, NULL)), 0);
	free_plan();
}

static int c_rlimits(void *arg)
{
	struct rlimit rl;
	int st = stages_to(RLIMITS);

	if (st)
		return st;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur != 64 ||
	    rl.rlim_max != 64)
		return 91;
	return 0;
}

static void test_rlimits(void **state)
{
	const char *opts[] = { "--rlimit", "nofile=64", NULL };

	compile_plan(opts);
	assert_int_equal(WEXITSTATUS(run_child(c_rlimits, NULL)), 0);
	free_plan();
}

static int c_privs(void *arg)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int st;

	fx.child.broker = getppid();
	if ((st = stages_to(PRIVS)))
		return st;
	if (syscall(SYS_capget, &h, d) < 0 || d[0].permitted ||
	    d[1].permitted || d[0].effective || d[0].inheritable)
		return 91;
	if (geteuid() == 0 && prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0))
		return 92; /* a root caller's bounding set is emptied */
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 93;
	if (prctl(PR_GET_PDEATHSIG, &st, 0, 0, 0) < 0 || st != SIGKILL)
		return 94;
	return 0;
}

/* A child whose broker is not its parent refuses to go on. */
static int c_privs_orphan(void *arg)
{
	fx.child.broker = 1;
	return stages_to(PRIVS) == 100 * PRIVS + ESRCH ? 0 : 91;
}

static void test_privs(void **state)
{
	compile_plan(NULL);
	assert_int_equal(WEXITSTATUS(run_child(c_privs, NULL)), 0);
	assert_int_equal(WEXITSTATUS(run_child(c_privs_orphan, NULL)), 0);
	free_plan();
}

/* What open(2) said: 0 or its errno. */
static int open_errno(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int c_landlock(void *arg)
{
	int st;

	fx.child.broker = getppid();
	if ((st = stages_to(LANDLOCK)))
		return st;
	if (open_errno(fx.file, O_RDONLY) != 0)
		return 91; /* granted */
	if (open_errno(fx.file, O_WRONLY) != EACCES)
		return 92; /* read-only */
	if (open_errno("/etc/hostname", O_RDONLY) != EACCES)
		return 93; /* not granted */
	return 0;
}

/* The stages up to Landlock and past it need the kernel to have it. */
static void run_confined(child_fn *fn)
{
	if (ocap__ll_abi() < 1) {
		print_message("skip: Landlock is not enabled\n");
		skipped++;
		return;
	}
	compile_plan(NULL);
	assert_int_equal(WEXITSTATUS(run_child(fn, NULL)), 0);
	free_plan();
}

static void test_landlock(void **state)
{
	run_confined(c_landlock);
}

static int c_seccomp(void *arg)
{
	int st;

	fx.child.broker = getppid();
	if ((st = stages_to(SECCOMP)))
		return st;
	if (getpid() <= 0)
		return 91;
	if (syscall(SYS_bpf, 0, NULL, 0) >= 0 || errno != EPERM)
		return 92;
	/* supervised, with nobody listening (superfd -1): the call fails */
	if (fx.c->mode == OCAP_MODE_COMPAT &&
	    (chmod(fx.file, 0600) == 0 || errno != ENOSYS))
		return 93;
	return 0;
}

static void test_seccomp(void **state)
{
	run_confined(c_seccomp);
}

static void test_names(void **state)
{
	assert_int_equal(ocap__be_nstages(), SECCOMP);
	for (int i = 1; i <= ocap__be_nstages(); i++)
		assert_string_not_equal(ocap__be_stage_name(i), "?");
	assert_string_equal(ocap__be_stage_name(SECCOMP), "seccomp");
	assert_string_equal(ocap__be_stage_name(OCAP_STAGE_EXEC), "exec");
	assert_string_equal(ocap__be_stage_name(0), "?");
	assert_int_equal(ocap__be_child_stage(NULL, 0, NULL, 0), -EINVAL);
}

static int setup(void **state)
{
	FILE *f;

	strcpy(fx.dir, "/tmp/ocap-stages-XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	snprintf(fx.file, sizeof fx.file, "%s/f", fx.dir);
	if (!(f = fopen(fx.file, "w")))
		return -1;
	fputs("granted\n", f);
	return fclose(f);
}

static int teardown(void **state)
{
	unlink(fx.file);
	return rmdir(fx.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_fds),
		cmocka_unit_test(test_rlimits),
		cmocka_unit_test(test_privs),
		cmocka_unit_test(test_landlock),
		cmocka_unit_test(test_seccomp),
	};

	return finish(cmocka_run_group_tests(tests, setup, teardown));
}
