/* SPDX-License-Identifier: MIT */
/*
 * linux/syscalls.c: the names --allow-syscall takes, a family's name
 * standing for every call that does its job.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>
#include <seccomp.h>

#include "backend.h"

#define MAXCALLS 8

/* The family of name, as one string: "chmod fchmod fchmodat". */
static size_t family(const char *name, char *buf, size_t size, size_t max)
{
	const char *out[MAXCALLS];
	size_t n = ocap__be_syscall_family(name, out, max);

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		/* each a system call of this architecture */
		assert_int_not_equal(seccomp_syscall_resolve_name(out[i]),
				     __NR_SCMP_ERROR);
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
			 i ? " " : "", out[i]);
	}
	return n;
}

/* The names users guess stand for the calls programs make (x86-64 has
 * every one of them). */
static void test_families(void **state)
{
	static const struct {
		const char *name, *want;
	} cases[] = {
		{ "chmod", "chmod fchmod fchmodat" },
		{ "chown", "chown fchown fchownat lchown" },
		{ "utime", "utime utimes futimesat utimensat" },
		{ "utimes", "utime utimes futimesat utimensat" },
		{ "select", "select pselect6" },
		{ "setxattr", "setxattr lsetxattr fsetxattr" },
		{ "removexattr", "removexattr lremovexattr fremovexattr" },
		{ "inotify", "inotify_init inotify_init1 inotify_add_watch "
			     "inotify_rm_watch" },
		/* a call alone */
		{ "fchmodat", "fchmodat" },
		{ "getpid", "getpid" },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		family(cases[i].name, buf, sizeof buf, MAXCALLS);
		assert_string_equal(buf, cases[i].want);
		assert_true(ocap__be_syscall_known(cases[i].name));
	}
	assert_int_equal(seccomp_syscall_resolve_name("fchmodat"),
			 SYS_fchmodat);
}

/* Unknown names, and a family cut at max. */
static void test_unknown(void **state)
{
	static const char *const bad[] = { "", "no_such_call", "CHMOD",
					   "chmod ", "inotify_init2" };
	char buf[256];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(family(bad[i], buf, sizeof buf, MAXCALLS), 0);
		assert_false(ocap__be_syscall_known(bad[i]));
	}
	assert_int_equal(family("chown", buf, sizeof buf, 2), 2);
	assert_string_equal(buf, "chown fchown");
	assert_int_equal(family("getpid", buf, sizeof buf, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
