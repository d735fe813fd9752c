/* SPDX-License-Identifier: MIT */
/*
 * exe.c and runtime.c: what the kernel needs to run a program, and the
 * grants that follow from it.
 */
#include <errno.h>
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
#include "runtime.h"

static char dir[] = "/tmp/ocap-exe-XXXXXX";

static const char *file_of(const char *name, const char *text, mode_t mode)
{
	static char path[sizeof dir + 64];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static bool granted(const ocap_plan *p, const char *name, ocap_rights_t r)
{
	for (size_t i = 0; i < p->npaths; i++)
		if (!strcmp(p->paths[i].name, name))
			return p->paths[i].runtime &&
			       (p->paths[i].rights & r) == r;
	return false;
}

/* A dynamic ELF binary names its loader. */
static void test_elf(void **state)
{
	struct ocap_exe x;

	assert_int_equal(ocap__exe_inspect("/bin/true", &x), 0);
	assert_true(x.elf);
	assert_false(x.ocap_note);
	assert_non_null(strstr(x.interp, "ld-linux"));
	assert_string_equal(x.shebang, "");
}

static void test_script(void **state)
{
	struct ocap_exe x;

	assert_int_equal(ocap__exe_inspect(file_of("s", "#! /bin/sh -e\necho\n",
						   0755), &x), 0);
	assert_false(x.elf);
	assert_string_equal(x.shebang, "/bin/sh");
	/* a relative interpreter the kernel would not run */
	assert_int_equal(ocap__exe_inspect(file_of("r", "#!sh\n", 0755), &x),
			 -ENOEXEC);
	assert_int_equal(ocap__exe_inspect(file_of("j", "\x7f" "ELX junk\n",
						   0755), &x), -ENOEXEC);
	assert_int_equal(ocap__exe_inspect(file_of("e", "", 0755), &x),
			 -ENOEXEC);
	assert_int_equal(ocap__exe_inspect(dir, &x), -ENOEXEC);
	assert_int_equal(ocap__exe_inspect("/nonexistent/ocap", &x), -ENOENT);
}

/* The program, its loader, and for a script its interpreter and that
 * one's loader: read and exec, marked as runtime grants. */
static void test_runtime_exe(void **state)
{
	char *argv[] = { NULL, NULL };
	struct ocap_exe x, sh;
	ocap_plan *p;

	argv[0] = (char *)file_of("run.sh", "#!/bin/sh\ntrue\n", 0755);
	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap_plan_program(p, argv), 0);
	assert_int_equal(ocap__exe_inspect(p->prog, &x), 0);
	assert_int_equal(ocap__exe_inspect("/bin/sh", &sh), 0);
	assert_int_equal(ocap__runtime_exe(p, &x), 0);
	assert_true(granted(p, p->prog, OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	assert_true(granted(p, "/bin/sh", OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	assert_true(granted(p, sh.interp, OCAP_RIGHT_READ | OCAP_RIGHT_EXEC));
	assert_false(granted(p, "/etc/ld.so.cache", OCAP_RIGHT_READ));
	ocap_plan_free(p);
}

/* The runtime set: what is present on this host, read-only, never the
 * caller's own files. */
static void test_runtime_set(void **state)
{
	ocap_plan *p;

	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap__runtime_add(p), 0);
	assert_true(granted(p, "/usr/lib", OCAP_RIGHT_READ | OCAP_RIGHT_LIST));
	assert_true(granted(p, "/dev/null", OCAP_RIGHT_WRITE));
	assert_false(granted(p, "/usr/lib", OCAP_RIGHT_WRITE));
	assert_true(granted(p, "/etc/passwd", OCAP_RIGHT_READ));
	assert_true(granted(p, "/usr/lib/gcc", OCAP_RIGHT_EXEC) ||
		    access("/usr/lib/gcc", F_OK) < 0);
	/* never a secret, nor a directory that holds one */
	assert_false(granted(p, "/etc", OCAP_RIGHT_READ));
	assert_false(granted(p, "/etc/shadow", OCAP_RIGHT_READ));
	assert_false(granted(p, "/etc/ssl", OCAP_RIGHT_READ));
	assert_false(granted(p, "/etc/ssh", OCAP_RIGHT_READ));
	assert_false(granted(p, "/root", OCAP_RIGHT_READ));
	assert_false(granted(p, "/tmp", OCAP_RIGHT_READ));
	for (size_t i = 0; i < p->npaths; i++)
		assert_int_equal(access(p->paths[i].name, F_OK), 0);
	ocap_plan_free(p);
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	static const char *const names[] = { "s", "r", "j", "e", "run.sh" };
	char path[sizeof dir + 16];

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf),
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_runtime_exe),
		cmocka_unit_test(test_runtime_set),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
