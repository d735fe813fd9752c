/* SPDX-License-Identifier: MIT */
/*
 * runtime.c: the grants a program needs to start, marked runtime: the
 * runtime set of compat mode, the executable with the interpreters the
 * kernel opens for it, and the resolver shim.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "exe.h"
#include "plans.h"
#include "runtime.h"
#include "support.h"

/* An executable text file in the fixture's directory; its path. */
static char *script(struct tmpdir *td, const char *name, const char *text)
{
	static char path[PATH_MAX];

	assert_int_equal(tree_write(td->path, name, text), 0);
	assert_int_equal(tree_join(path, sizeof path, td->path, name), 0);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

/* The program, its loader, and for a script its interpreter and that
 * one's loader: read and exec, marked as runtime grants. */
static void test_runtime_exe(void **state)
{
	char *argv[] = { NULL, NULL };
	struct ocap_exe x, sh;
	ocap_plan *p;

	argv[0] = script(*state, "run.sh", "#!/bin/sh\ntrue\n");
	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap_plan_program(p, argv), 0);
	assert_int_equal(ocap__exe_inspect(p->prog, &x), 0);
	assert_int_equal(ocap__exe_inspect("/bin/sh", &sh), 0);
	assert_int_equal(ocap__runtime_exe(p, &x), 0);
	assert_true(runtime_granted(p, p->prog,
				    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	assert_true(runtime_granted(p, "/bin/sh",
				    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	assert_true(runtime_granted(p, sh.interp,
				    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	assert_false(runtime_granted(p, "/etc/ld.so.cache",
				     OCAP_RIGHT_READ));
	ocap_plan_free(p);
}

/* The runtime set: what is present on this host, read-only, never the
 * caller's own files. */
static void test_runtime_set(void **state)
{
	ocap_plan *p;

	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap__runtime_add(p), 0);
	assert_true(runtime_granted(p, "/usr/lib",
				    OCAP_RIGHT_READ | OCAP_RIGHT_LIST));
	assert_true(runtime_granted(p, "/dev/null", OCAP_RIGHT_WRITE));
	assert_false(runtime_granted(p, "/usr/lib", OCAP_RIGHT_WRITE));
	assert_true(runtime_granted(p, "/etc/passwd", OCAP_RIGHT_READ));
	assert_true(runtime_granted(p, "/usr/lib/gcc", OCAP_RIGHT_EXEC) ||
		    access("/usr/lib/gcc", F_OK) < 0);
	/* never a secret, nor a directory that holds one */
	assert_false(runtime_granted(p, "/etc", OCAP_RIGHT_READ));
	assert_false(runtime_granted(p, "/etc/shadow", OCAP_RIGHT_READ));
	assert_false(runtime_granted(p, "/etc/ssl", OCAP_RIGHT_READ));
	assert_false(runtime_granted(p, "/etc/ssh", OCAP_RIGHT_READ));
	assert_false(runtime_granted(p, "/root", OCAP_RIGHT_READ));
	assert_false(runtime_granted(p, "/tmp", OCAP_RIGHT_READ));
	for (size_t i = 0; i < p->npaths; i++)
		assert_int_equal(access(p->paths[i].name, F_OK), 0);
	ocap_plan_free(p);
}

/* "#!/usr/bin/env NAME": NAME as env(1) would find it in the program's
 * PATH is granted too; an option to env, or a name not found, is not. */
static void test_runtime_env(void **state)
{
	const char *path[] = { "--env", "PATH=/nonexistent:/bin", NULL };
	char *argv[] = { NULL, NULL };
	struct ocap_exe x;
	ocap_plan *p;

	argv[0] = script(*state, "env.sh", "#!/usr/bin/env sh\ntrue\n");
	p = plan_of(path, argv);
	assert_int_equal(ocap__exe_inspect(p->prog, &x), 0);
	assert_string_equal(x.shebang, "/usr/bin/env");
	assert_string_equal(x.shebang_arg, "sh");
	assert_int_equal(ocap__runtime_exe(p, &x), 0);
	assert_true(runtime_granted(p, "/usr/bin/env",
				    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	assert_true(runtime_granted(p, "/bin/sh",
				    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	ocap_plan_free(p);

	argv[0] = script(*state, "opt.sh", "#!/usr/bin/env -S sh -e\n");
	p = plan_of(path, argv);
	assert_int_equal(ocap__exe_inspect(p->prog, &x), 0);
	assert_int_equal(ocap__runtime_exe(p, &x), 0);
	assert_true(runtime_granted(p, "/usr/bin/env", OCAP_RIGHT_EXEC));
	assert_false(runtime_granted(p, "/bin/sh", OCAP_RIGHT_EXEC));
	ocap_plan_free(p);

	argv[0] = script(*state, "none.sh",
			 "#!/usr/bin/env ocap-no-such-program\n");
	p = plan_of(path, argv);
	assert_int_equal(ocap__exe_inspect(p->prog, &x), 0);
	assert_int_equal(ocap__runtime_exe(p, &x), 0);
	assert_true(runtime_granted(p, "/usr/bin/env", OCAP_RIGHT_EXEC));
	ocap_plan_free(p);
}

/* The resolver shim: for a compat program granted a host name, from this
 * build tree, read and exec; not for an address literal, nor in native
 * mode; once. */
static void test_runtime_shim(void **state)
{
	const char *named[] = { "--connect", "localhost:80", NULL };
	const char *literal[] = { "--connect", "127.0.0.1:80", "--udp",
				  "[::1]:53", NULL };
	const char *native[] = { "--mode", "native", "--udp",
				 "localhost:53", NULL };
	char *const argv[] = { "/bin/true", NULL };
	ocap_plan *p = plan_of(named, argv);
	size_t n;

	p->mode_eff = OCAP_MODE_COMPAT;
	assert_int_equal(ocap__runtime_shim(p), 0);
	assert_non_null(p->shim);
	assert_non_null(strstr(p->shim, "/libocap-resolve.so"));
	assert_int_equal(access(p->shim, R_OK), 0);
	assert_true(runtime_granted(p, p->shim,
				    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	n = p->npaths;
	assert_int_equal(ocap__runtime_shim(p), 0);
	assert_int_equal(p->npaths, n);
	assert_null(ocap_plan_warning(p, 0));
	ocap_plan_free(p);

	p = plan_of(literal, argv);
	p->mode_eff = OCAP_MODE_COMPAT;
	assert_int_equal(ocap__runtime_shim(p), 0);
	assert_null(p->shim);
	ocap_plan_free(p);

	p = plan_of(native, argv);
	p->mode_eff = OCAP_MODE_NATIVE;
	assert_int_equal(ocap__runtime_shim(p), 0);
	assert_null(p->shim);
	assert_int_equal(p->npaths, 0);
	ocap_plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_runtime_exe, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test(test_runtime_set),
		cmocka_unit_test_setup_teardown(test_runtime_env, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test(test_runtime_shim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
