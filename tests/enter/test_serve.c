/* SPDX-License-Identifier: MIT */
/*
 * broker/serve.c: the broker with no program of its own, which the
 * network helper runs.  Started in a forked child on one end of a root
 * descriptor, it confines itself before it says it is ready, serves the
 * table of the plan's grants (a directory opened by hand, as
 * ocap__enter_net_plan() leaves them), and returns once nobody holds the
 * other end.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <ocap/ocap.h>

#include "casper.h"
#include "support.h"

/* The value of field NAME: in /proc/PID/status, or -1. */
static long status_field(pid_t pid, const char *name)
{
	char path[64], line[256];
	size_t len = strlen(name);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, name, len) && line[len] == ':')
			v = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return v;
}

static void test_serve(void **state)
{
	struct tmpdir *td = *state;
	int sv[2], ready[2], r = -1, st;
	ocap_plan *p;
	ocap_ns *table;
	const ocap_cap *cap;
	char fd[16];
	pid_t pid;

	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap__plan_add_path(p, td->path, OCAP_RIGHTS_RO,
					     "test", false), 0);
	p->paths[0].fd = open(td->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	p->paths[0].kind = OCAP_KIND_DIR;
	assert_true(p->paths[0].fd >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv), 0);
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		close(ready[0]);
		_exit(ocap__broker_serve(p, sv[1], ready[1], -1) == 0 ? 0 : 1);
	}
	close(sv[1]);
	close(ready[1]);
	/* ready once confined: no_new_privs and its seccomp filter */
	assert_int_equal(read(ready[0], &r, sizeof r), (ssize_t)sizeof r);
	assert_int_equal(r, 0);
	close(ready[0]);
	assert_int_equal(status_field(pid, "NoNewPrivs"), 1);
	assert_int_equal(status_field(pid, "Seccomp"), 2);
	/* the table: the directory, read-only, and nothing else */
	snprintf(fd, sizeof fd, "%d", sv[0]);
	assert_int_equal(setenv(OCAP_ROOT_ENV, fd, 1), 0);
	assert_int_equal(ocap_root(&table), 0);
	unsetenv(OCAP_ROOT_ENV);
	assert_int_equal(ocap_ns_count(table), 1);
	cap = ocap_ns_find(table, td->path);
	assert_non_null(cap);
	assert_int_equal(ocap_cap_kind(cap), OCAP_KIND_DIR);
	assert_int_equal(ocap_cap_rights(cap), OCAP_RIGHTS_RO);
	ocap_ns_free(table);
	/* nobody holds the other end: it returns, and its process ends */
	close(sv[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ocap_plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_serve, tmpdir_setup,
						tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
