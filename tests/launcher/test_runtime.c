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
	struct ocap_compiled *c;
	struct ocap_exe sh;
	ocap_plan *p;

	argv[0] = script(*state, "run.sh", "#!/bin/sh\ntrue\n");
	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap_plan_program(p, argv), 0);
	c = compiled_bare(p, OCAP_MODE_COMPAT);
	assert_int_equal(ocap__exe_inspect(p->prog, &c->exe), 0);
	assert_int_equal(ocap__exe_inspect("/bin/sh", &sh), 0);
	assert_int_equal(ocap__runtime_exe(c), 0);
	assert_true(runtime_granted(c, p->prog,
				    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	assert_true(runtime_granted(c, "/bin/sh",
				    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	assert_true(runtime_granted(c, sh.interp,
				    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	assert_false(runtime_granted(c, "/etc/ld.so.cache",
				     OCAP_RIGHT_READ));
	assert_int_equal(p->npaths, 0); /* the plan's own list is untouched */
	ocap_plan_free(p);
}

/* The runtime set: what is present on this host, read-only, never the
 * caller's own files. */
static void test_runtime_set(void **state)
{
	struct ocap_compiled *c;
	ocap_plan *p;

	assert_int_equal(ocap_plan_new(&p), 0);
	c = compiled_bare(p, OCAP_MODE_COMPAT);
	assert_int_equal(ocap__runtime_add(c), 0);
	assert_true(runtime_granted(c, "/usr/lib",
				    OCAP_RIGHT_READ | OCAP_RIGHT_LIST));
	assert_true(runtime_granted(c, "/dev/null", OCAP_RIGHT_WRITE));
	assert_false(runtime_granted(c, "/usr/lib", OCAP_RIGHT_WRITE));
	assert_true(runtime_granted(c, "/etc/passwd", OCAP_RIGHT_READ));
	assert_true(runtime_granted(c, "/usr/lib/gcc", OCAP_RIGHT_EXEC) ||
		    access("/usr/lib/gcc", F_OK) < 0);
	/* never a secret, nor a directory that holds one */
	assert_false(runtime_granted(c, "/etc", OCAP_RIGHT_READ));
	assert_false(runtime_granted(c, "/etc/shadow", OCAP_RIGHT_READ));
	assert_false(runtime_granted(c, "/etc/ssl", OCAP_RIGHT_READ));
	assert_false(runtime_granted(c, "/etc/ssh", OCAP_RIGHT_READ));
	assert_false(runtime_granted(c, "/root", OCAP_RIGHT_READ));
	assert_false(runtime_granted(c, "/tmp", OCAP_RIGHT_READ));
	for (size_t i = 0; i < c->npaths; i++)
		assert_int_equal(access(c->paths[i].name, F_OK), 0);
	ocap_plan_free(p);
}

/* "#!/usr/bin/env NAME": NAME as env(1) would find it in the program's
 * PATH is granted too; an option to env, or a name not found, is not. */
static void test_runtime_env(void **state)
{
	const char *path[] = { "--env", "PATH=/nonexistent:/bin", NULL };
	char *argv[] = { NULL, NULL };
	struct ocap_compiled *c;
	ocap_plan *p;

	argv[0] = script(*state, "env.sh", "#!/usr/bin/env sh\ntrue\n");
	p = plan_of(path, argv);
	c = compiled_bare(p, OCAP_MODE_COMPAT);
	assert_int_equal(ocap__exe_inspect(p->prog, &c->exe), 0);
	assert_string_equal(c->exe.shebang, "/usr/bin/env");
	assert_string_equal(c->exe.shebang_arg, "sh");
	assert_int_equal(ocap__runtime_exe(c), 0);
	assert_true(runtime_granted(c, "/usr/bin/env",
				    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	assert_true(runtime_granted(c, "/bin/sh",
				    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	ocap_plan_free(p);

	argv[0] = script(*state, "opt.sh", "#!/usr/bin/env -S sh -e\n");
	p = plan_of(path, argv);
	c = compiled_bare(p, OCAP_MODE_COMPAT);
	assert_int_equal(ocap__exe_inspect(p->prog, &c->exe), 0);
	assert_int_equal(ocap__runtime_exe(c), 0);
	assert_true(runtime_granted(c, "/usr/bin/env", OCAP_RIGHT_EXEC));
	assert_false(runtime_granted(c, "/bin/sh", OCAP_RIGHT_EXEC));
	ocap_plan_free(p);

	argv[0] = script(*state, "none.sh",
			 "#!/usr/bin/env ocap-no-such-program\n");
	p = plan_of(path, argv);
	c = compiled_bare(p, OCAP_MODE_COMPAT);
	assert_int_equal(ocap__exe_inspect(p->prog, &c->exe), 0);
	assert_int_equal(ocap__runtime_exe(c), 0);
	assert_true(runtime_granted(c, "/usr/bin/env", OCAP_RIGHT_EXEC));
	ocap_plan_free(p);
}

/* Whether opts' plan for /bin/true, compiled in mode, preloads the
 * resolver shim; it adds no other grant. */
static bool shim_for(const char *const *opts, int mode)
{
	char *const argv[] = { "/bin/true", NULL };
	ocap_plan *p = plan_of(opts, argv);
	struct ocap_compiled *c = compiled_bare(p, mode);
	bool shim;

	assert_int_equal(ocap__runtime_shim(c), 0);
	shim = c->shim != NULL;
	assert_int_equal(c->npaths, shim ? 1 : 0);
	ocap_plan_free(p);
	return shim;
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
	const char *suggest[] = { "--suggest", NULL, NULL };
	char *const argv[] = { "/bin/true", NULL };
	ocap_plan *p = plan_of(named, argv);
	struct ocap_compiled *c = compiled_bare(p, OCAP_MODE_COMPAT);
	size_t n;

	assert_int_equal(ocap__runtime_shim(c), 0);
	assert_non_null(c->shim);
	assert_non_null(strstr(c->shim, "/libocap-resolve.so"));
	assert_int_equal(access(c->shim, R_OK), 0);
	assert_true(runtime_granted(c, c->shim,
				    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	n = c->npaths;
	assert_int_equal(ocap__runtime_shim(c), 0);
	assert_int_equal(c->npaths, n);
	assert_int_equal(p->npaths, 0);
	assert_null(ocap_plan_warning(p, 0));
	ocap_plan_free(p);

	/* an address literal; native mode; --suggest, where every name
	 * comes to the broker, which names the --connect it lacks */
	assert_false(shim_for(literal, OCAP_MODE_COMPAT));
	assert_false(shim_for(native, OCAP_MODE_NATIVE));
	assert_true(shim_for(suggest, OCAP_MODE_COMPAT));
	assert_false(shim_for(suggest, OCAP_MODE_NATIVE));
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
