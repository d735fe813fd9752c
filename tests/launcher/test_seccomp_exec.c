/* SPDX-License-Identifier: MIT */
/*
 * The allowlist is usable: ordinary programs (glibc, dynamic, a shell,
 * coreutils, Python) run to completion after the compat program is loaded,
 * alone and after a Landlock ruleset, as root and as uid 65534.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "child.h"
#include "sandbox.h"

struct prog {
	const char *argv[4];
	const char *out; /* expected standard output */
	bool contains;   /* out need only appear in it */
};

static char hostname[256];

static const struct prog progs[] = {
	{ { "/bin/true" }, "", false },
	{ { "/bin/sh", "-c", "echo hi" }, "hi\n", false },
	{ { "/bin/ls", "/" }, "usr\n", true },
	{ { "/bin/cat", "/etc/hostname" }, hostname, false },
	{ { "/usr/bin/python3", "-c", "print(1)" }, "1\n", false },
};

#define NPROGS (sizeof(progs) / sizeof(progs[0]))

struct run {
	const struct prog *p;
	bool nobody, landlock;
	int mode;
	int out; /* the pipe's write end */
};

static int apply_landlock(void)
{
	struct ocap_ll_path root = { .fd = open("/", O_PATH | O_CLOEXEC),
				     .rights = OCAP_RIGHTS_RX };
	struct ocap_ll_plan plan = { .paths = &root, .npaths = 1,
				     .flags = OCAP_LL_BEST_EFFORT };
	char why[256];

	if (root.fd < 0 || ocap__ll_apply(&plan, why, sizeof(why)) < 0)
		return -1;
	close(root.fd);
	return 0;
}

static int exec_child(void *arg)
{
	static char *const env[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
	const struct run *r = arg;
	/* capability mode has no execve: exec a descriptor opened before */
	int fd = open(r->p->argv[0], O_PATH | O_CLOEXEC);
	int err;

	if (fd < 0 || dup2(r->out, STDOUT_FILENO) < 0 ||
	    (r->nobody && drop_to_nobody() < 0) || set_nnp() < 0 ||
	    (r->landlock && apply_landlock() < 0))
		return 200;
	err = ocap__seccomp_load(r->mode);
	if (err < 0)
		return 201;
	if (r->mode == OCAP_SC_NATIVE)
		syscall(__NR_execveat, fd, "", (char *const *)r->p->argv, env,
			AT_EMPTY_PATH);
	else
		execve(r->p->argv[0], (char *const *)r->p->argv, env);
	fprintf(stderr, "exec %s: %s\n", r->p->argv[0], strerror(errno));
	return 202;
}

/* Run r and collect its standard output into buf. */
static int run_prog(struct run *r, char *buf, size_t size)
{
	int fds[2], status;
	size_t len = 0;
	ssize_t n;

	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	r->out = fds[1];
	if (fork() == 0) {
		close(fds[0]);
		_exit(exec_child(r));
	}
	close(fds[1]);
	while (len + 1 < size &&
	       (n = read(fds[0], buf + len, size - len - 1)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fds[0]);
	assert_true(wait(&status) > 0);
	return status;
}

static void run_all(bool nobody, bool landlock)
{
	int failures = 0;

	if (nobody && geteuid() != 0) {
		print_message("skip: dropping to uid %d needs root\n", NOBODY);
		skipped++;
		return;
	}
	for (size_t i = 0; i < NPROGS; i++) {
		struct run r = { &progs[i], nobody, landlock,
				 OCAP_SC_COMPAT, -1 };
		char out[4096], got[64];
		int status = run_prog(&r, out, sizeof(out));
		bool ok = progs[i].contains ? strstr(out, progs[i].out) != NULL
					    : strcmp(out, progs[i].out) == 0;

		if (status == 0 && ok)
			continue;
		print_error("%s as %s%s: %s, output \"%s\"\n", progs[i].argv[0],
			    nobody ? "nobody" : "root",
			    landlock ? " under Landlock" : "",
			    status_str(status, got, sizeof(got)), out);
		failures++;
	}
	assert_int_equal(failures, 0);
}

static void test_root(void **state) { run_all(false, false); }
static void test_nobody(void **state) { run_all(true, false); }

static void test_landlock_root(void **state)
{
	if (ocap__ll_abi() < 1) {
		print_message("skip: Landlock is not available\n");
		skipped++;
		return;
	}
	run_all(false, true);
}

static void test_landlock_nobody(void **state)
{
	if (ocap__ll_abi() < 1) {
		print_message("skip: Landlock is not available\n");
		skipped++;
		return;
	}
	run_all(true, true);
}

/* Native mode execs a descriptor; a dynamic program then cannot load its
 * libraries by global path (ld.so exits 127): native programs are built
 * static with ocap-cc. */
static void test_native_dynamic(void **state)
{
	struct run r = { &progs[0], false, false, OCAP_SC_NATIVE, -1 };
	char out[256];
	int status = run_prog(&r, out, sizeof(out));

	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 127);
}

static int setup(void **state)
{
	FILE *f = fopen("/etc/hostname", "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(hostname, 1, sizeof(hostname) - 1, f);
	hostname[n] = '\0';
	fclose(f);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_nobody),
		cmocka_unit_test(test_landlock_root),
		cmocka_unit_test(test_landlock_nobody),
		cmocka_unit_test(test_native_dynamic),
	};

	return finish(cmocka_run_group_tests(tests, setup, NULL));
}
