/* SPDX-License-Identifier: MIT */
/*
 * launch.c: ocap_launch() runs real programs under the real kernel: the
 * grants opened, the private temporary directory made and removed, a
 * failure before or at exec reported as one line with its exit status.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "child.h"
#include "plans.h"
#include "support.h"

/* Launch p and expect want; the program's exit status (0 when none ran).
 * A kernel that cannot enforce the plan skips the case. */
static int launch(ocap_plan *p, int want)
{
	int st = 0, r = ocap_launch(p, &st);

	if (r == -EOPNOTSUPP) {
		fprintf(stderr, "skip: %s\n", ocap_plan_error(p));
		skipped++;
		skip();
	}
	if (r != want)
		fail_msg("ocap_launch = %d (%s), expected %d: %s", r,
			 ret_name(r), want, ocap_plan_error(p));
	if (!WIFEXITED(st))
		fail_msg("the program did not exit: wait status %#x", st);
	return WEXITSTATUS(st);
}

static void test_bad_args(void **state)
{
	ocap_plan *p = plan_of(NULL, NULL);
	int st;

	assert_int_equal(ocap_launch(NULL, &st), -EINVAL);
	assert_int_equal(ocap_launch(p, NULL), -EINVAL);
	/* no program: the compile step says so */
	assert_int_equal(ocap_launch(p, &st), -EINVAL);
	assert_string_equal(ocap_plan_error(p), "no program to run");
	ocap_plan_free(p);
}

/* The program's own status comes back; a plan runs once. */
static void test_status(void **state)
{
	char *const argv[] = { "/bin/sh", "-c", "exit 7", NULL };
	ocap_plan *p = plan_of(NULL, argv);
	int st;

	assert_int_equal(launch(p, 0), 7);
	assert_int_equal(ocap_launch(p, &st), -EBUSY);
	assert_string_equal(ocap_plan_error(p), "the plan has run");
	ocap_plan_free(p);
}

/* The broker's lines go to the plan's log function, in the broker's
 * process: through a pipe back here.  A connect nobody granted is
 * refused and named, with the grant that would allow it. */
static void to_pipe(void *ctx, const char *line)
{
	int fd = *(const int *)ctx;

	if (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0)
		return;
}

static void test_log(void **state)
{
	char *const argv[] = {
		"/usr/bin/python3", "-c",
		"import socket\n"
		"try:\n"
		"    socket.create_connection(('127.0.0.1', 9))\n"
		"except PermissionError:\n"
		"    raise SystemExit(3)\n",
		NULL
	};
	ocap_plan *p;
	char got[1024] = "";
	int fd[2];
	ssize_t n;

	if (access(argv[0], X_OK) < 0)
		skip();
	assert_int_equal(pipe(fd), 0);
	p = plan_of(NULL, argv);
	ocap_plan_log(p, to_pipe, &fd[1]);
	/* refused by the supervisor (compat): EACCES, PermissionError */
	assert_int_equal(launch(p, 0), 3);
	close(fd[1]);
	n = read(fd[0], got, sizeof got - 1);
	close(fd[0]);
	assert_true(n > 0);
	assert_non_null(strstr(got, "denied connect to 127.0.0.1:9"));
	assert_non_null(strstr(got, "--connect"));
	assert_ptr_equal(strchr(got, '\n'), got + n - 1); /* one line */
	ocap_plan_free(p);
}

/* What is not granted stays out of reach; what is, is reachable. */
static void test_confined(void **state)
{
	struct tmpdir *td = *state;
	char dir[PATH_MAX], cmd[2 * PATH_MAX + 128];
	const char *opts[] = { "--ro", dir, NULL };
	char *const argv[] = { "/bin/sh", "-c", cmd, NULL };
	ocap_plan *p;

	assert_int_equal(tree_write(td->path, "in/f", "granted\n"), 0);
	assert_int_equal(tree_write(td->path, "out/f", "not granted\n"), 0);
	tree_join(dir, sizeof dir, td->path, "in");
	snprintf(cmd, sizeof cmd,
		 "read x < %s/in/f && test \"$x\" = granted || exit 1; "
		 "read x < %s/out/f && exit 2; exit 0", td->path, td->path);
	p = plan_of(opts, argv);
	assert_int_equal(launch(p, 0), 0);
	ocap_plan_free(p);
}

/* The private temporary directory: named by TMPDIR, TMP and TEMP,
 * writable, removed after the program; with --keep-tmpdir, left, 0700.
 * The shell's builtins only: nothing else is granted. */
static void test_tmpdir(void **state)
{
	static char cmd[] =
		"test -d \"$TMPDIR\" && test \"$TMP\" = \"$TMPDIR\" && "
		"test \"$TEMP\" = \"$TMPDIR\" && echo x > \"$TMPDIR/f\"";
	const char *keep[] = { "--keep-tmpdir", NULL, NULL };
	char *const argv[] = { "/bin/sh", "-c", cmd, NULL };
	char made[PATH_MAX];
	ocap_plan *p = plan_of(NULL, argv);
	struct stat st;

	assert_int_equal(launch(p, 0), 0);
	assert_null(ocap_plan_tmpdir(p));
	assert_null(ocap_plan_warning(p, 0));
	ocap_plan_free(p);

	p = plan_of(keep, argv);
	assert_int_equal(launch(p, 0), 0);
	assert_non_null(ocap_plan_tmpdir(p));
	assert_int_equal(stat(ocap_plan_tmpdir(p), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(made, sizeof made, "%s/f", ocap_plan_tmpdir(p));
	assert_int_equal(stat(made, &st), 0);
	assert_int_equal(tmpdir_remove(ocap_plan_tmpdir(p)), 0);
	ocap_plan_free(p);
}

/* A grant gone between the plan and the launch fails the launch, before
 * any program runs, naming it. */
static void test_grant_gone(void **state)
{
	struct tmpdir *td = *state;
	char dir[PATH_MAX], want[PATH_MAX + 64];
	const char *opts[] = { "--ro", dir, NULL };
	char *const argv[] = { "/bin/true", NULL };
	ocap_plan *p;

	assert_int_equal(tree_mkdir(td->path, "gone"), 0);
	tree_join(dir, sizeof dir, td->path, "gone");
	p = plan_of(opts, argv);
	assert_int_equal(ocap_plan_check(p), 0);
	assert_int_equal(rmdir(dir), 0);
	launch(p, -ENOENT);
	snprintf(want, sizeof want, "test: %s: No such file or directory", dir);
	assert_string_equal(ocap_plan_error(p), want);
	assert_int_equal(ocap_exit_status(p, -ENOENT, 0), OCAP_EXIT_LAUNCHER);
	ocap_plan_free(p);
}

/* A program the child cannot exec: the kernel's errno, in one line, and
 * the status env(1) would give. */
static void test_exec_fails(void **state)
{
	struct tmpdir *td = *state;
	char prog[PATH_MAX], want[PATH_MAX + 64];
	char *argv[] = { prog, NULL };
	ocap_plan *p;
	int st;

	assert_int_equal(tree_write(td->path, "run.sh", "#!/bin/sh\n"), 0);
	tree_join(prog, sizeof prog, td->path, "run.sh");
	assert_int_equal(chmod(prog, 0755), 0);
	p = plan_of(NULL, argv);
	assert_int_equal(ocap_plan_check(p), 0);
	assert_int_equal(chmod(prog, 0644), 0);
	st = launch(p, -EACCES);
	assert_int_equal(st, OCAP_EXIT_CANNOT_EXEC);
	snprintf(want, sizeof want, "%s: Permission denied", prog);
	assert_string_equal(ocap_plan_error(p), want);
	assert_int_equal(ocap_exit_status(p, -EACCES, st << 8),
			 OCAP_EXIT_CANNOT_EXEC);
	ocap_plan_free(p);
}

/* A thread of the caller forks processes that keep what was open then
 * and never exec, as a multithreaded library user may: one forked while
 * a launch holds its pipe to the broker keeps that pipe too.  Each launch
 * must come back all the same: when it is done, every such process is
 * still asleep (one a launch had waited for would have ended). */
#define STRAYS 256

static pid_t strays[STRAYS];
static atomic_int nstrays, stop_forking;

static void *forker(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop_forking) && atomic_load(&nstrays) < STRAYS) {
		pid_t pid = fork();

		if (pid == 0) {
			/* not the test's output: a failed case ends at once */
			close(STDOUT_FILENO);
			close(STDERR_FILENO);
			sleep(60);
			_exit(0);
		}
		if (pid > 0)
			strays[atomic_fetch_add(&nstrays, 1)] = pid;
		usleep(200);
	}
	return NULL;
}

static void test_stray_holders(void **state)
{
	char *const argv[] = { "/bin/true", NULL };
	pthread_t th;
	int alive = 0, n;

	assert_int_equal(pthread_create(&th, NULL, forker, NULL), 0);
	for (int i = 0; i < 30; i++) {
		ocap_plan *p = plan_of(NULL, argv);

		assert_int_equal(launch(p, 0), 0);
		ocap_plan_free(p);
	}
	atomic_store(&stop_forking, 1);
	pthread_join(th, NULL);
	n = atomic_load(&nstrays);
	for (int i = 0; i < n; i++) {
		alive += waitpid(strays[i], NULL, WNOHANG) == 0;
		kill(strays[i], SIGKILL);
		waitpid(strays[i], NULL, 0);
	}
	if (alive != n)
		fail_msg("%d of %d processes the caller forked ended before the "
			 "launches did: a launch waited for them", n - alive, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_log),
		cmocka_unit_test_setup_teardown(test_confined, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test(test_tmpdir),
		cmocka_unit_test_setup_teardown(test_grant_gone, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_exec_fails, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test(test_stray_holders),
	};

	return finish(cmocka_run_group_tests(tests, NULL, NULL));
}
