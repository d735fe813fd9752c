/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "enter_test.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#define LL_VERSION 1 /* LANDLOCK_CREATE_RULESET_VERSION */

struct call {
	int (*fn)(void *);
	void *arg;
};

/* cmocka's handlers would carry on with the tests in a crashed child. */
static int call_plain(void *arg)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS,
				     SIGABRT };
	const struct call *c = arg;

	for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++)
		signal(fatal[i], SIG_DFL);
	return c->fn(c->arg);
}

int expect_status(int (*fn)(void *), void *arg, int want)
{
	struct call c = { fn, arg };
	int st = run_in_child(call_plain, &c);

	if (st != want)
		fail_msg("child exited %d, expected %d (a failing child "
			 "exits with its line)", st, want);
	return 0;
}

void run_entering(const struct entering_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		print_message("%s\n", cases[i].name);
		expect_status(cases[i].fn, NULL, 0);
	}
}

int landlock_missing(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
			   LL_VERSION);

	if (abi >= 1)
		return 0;
	printf("SKIP: Landlock is not enabled in this kernel (%s): "
	       "entering cannot be tested\n", strerror(errno));
	return 77;
}

long sys_ret(long r)
{
	return r < 0 ? -errno : r;
}

bool report_has(const struct ocap_enter_report *r, const char *what,
		int enforced)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (strcmp(r->items[i].what, what) == 0 &&
		    r->items[i].enforced == enforced)
			return true;
	return false;
}

long status_field(const char *name)
{
	char line[256];
	size_t n = strlen(name);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

bool holds_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	return syscall(SYS_capget, &h, d) == 0 &&
	       (d[0].permitted || d[1].permitted);
}

void child_check_untouched(bool caps)
{
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);

	child_check(fd >= 0, 1);
	close(fd);
	child_check(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
	child_check(status_field("Seccomp_filters"), 0);
	child_check(holds_caps(), caps);
}
