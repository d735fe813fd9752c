/* SPDX-License-Identifier: MIT */
/* exe.c: what the kernel needs to run a program, and where it is. */
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

/* As execvp(3) searches: the first executable in PATH order, -EACCES when
 * only files that may not be run were found. */
static void test_find(void **state)
{
	char bin[sizeof dir + 8], path[sizeof dir + 32], out[PATH_MAX];

	assert_int_equal(ocap__exe_find("/nonexistent:/bin", "true", out,
					sizeof out), 0);
	assert_string_equal(out, "/bin/true");
	assert_int_equal(ocap__exe_find("/nonexistent", "true", out,
					sizeof out), -ENOENT);
	assert_int_equal(ocap__exe_find("/bin", "ocap-no-such-program", out,
					sizeof out), -ENOENT);
	snprintf(bin, sizeof bin, "%s/bin", dir);
	assert_int_equal(mkdir(bin, 0755), 0);
	file_of("bin/n", "#!/bin/sh\n", 0644);
	snprintf(path, sizeof path, "%s:/bin", bin);
	assert_int_equal(ocap__exe_find(bin, "n", out, sizeof out), -EACCES);
	file_of("bin/x", "#!/bin/sh\n", 0755);
	assert_int_equal(ocap__exe_find(path, "x", out, sizeof out), 0);
	snprintf(path, sizeof path, "%s/bin/x", dir);
	assert_string_equal(out, path);
	/* the default PATH finds what is in /usr/bin */
	assert_int_equal(ocap__exe_find(NULL, "env", out, sizeof out), 0);
	assert_int_equal(access(out, X_OK), 0);
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	static const char *const names[] = { "s", "r", "j", "e", "bin/x",
					     "bin/n" };
	char path[sizeof dir + 16];

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/bin", dir);
	rmdir(path);
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf),
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
