/* SPDX-License-Identifier: MIT */
/*
 * The seccomp modes' names (launcher/linux/seccomp_mode.c), as the three
 * that use them show them: gen-seccomp names each mode's program after
 * them in the source it writes (read back here), --explain names the
 * program a plan runs under, and the kernel, asked to load the program
 * of each name, gives a supervisor's listener exactly to the
 * "supervised" ones.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "plans.h"
#include "sandbox.h"
#include "support.h"

static int skipped;

static bool is_identifier(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* Every mode has a name of its own, one that says what the mode is; any
 * other number is "?". */
static void test_names(void **state)
{
	static const int bad[] = { -1, OCAP_SC_NMODES, OCAP_SC_NMODES + 1,
				   INT_MAX, INT_MIN };

	(void)state;
	assert_string_equal(ocap__seccomp_mode_name(OCAP_SC_COMPAT), "compat");
	assert_string_equal(ocap__seccomp_mode_name(OCAP_SC_NATIVE), "native");
	assert_string_equal(ocap__seccomp_mode_name(OCAP_SC_SUPER),
			    "supervised");
	assert_string_equal(ocap__seccomp_mode_name(OCAP_SC_NSUPER),
			    "supervised_native");
	for (int m = 0; m < OCAP_SC_NMODES; m++) {
		const char *name = ocap__seccomp_mode_name(m);

		/* gen-seccomp writes prog_<name> */
		assert_true(is_identifier(name));
		assert_int_equal(!!strstr(name, "native"), ocap__sc_native(m));
		assert_int_equal(!strncmp(name, "supervised", 10),
				 ocap__sc_supervised(m));
		for (int k = 0; k < m; k++)
			assert_string_not_equal(name,
						ocap__seccomp_mode_name(k));
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_string_equal(ocap__seccomp_mode_name(bad[i]), "?");
}

/* The source gen-seccomp wrote for this build: mode m's program is
 * prog_<name>, and its comment counts what that mode's program lets
 * through. */
static char *slurp(const char *path)
{
	char *buf = malloc(1 << 20);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (!buf || fd < 0 || fd_read_all(fd, buf, 1 << 20) < 0) {
		free(buf);
		buf = NULL;
	}
	if (fd >= 0)
		close(fd);
	return buf;
}

static void test_generated(void **state)
{
	char *src = slurp(OCAP_SECCOMP_BPF), want[128];

	(void)state;
	assert_non_null(src);
	for (int m = 0; m < OCAP_SC_NMODES; m++) {
		const char *name = ocap__seccomp_mode_name(m);

		snprintf(want, sizeof want, "\tcase %d:\n\t\t*prog = prog_%s;\n",
			 m, name);
		assert_non_null(strstr(src, want));
		snprintf(want, sizeof want,
			 "\n/* %s: %d syscalls reach the kernel. */\n", name,
			 ocap__seccomp_prebuilt_count(m));
		assert_non_null(strstr(src, want));
	}
	free(src);
}

/* The mode --explain names is the mode of the program it counts, and is
 * supervised when it says so. */
static void explained(const char *mode)
{
	const char *opts[] = { "--mode", mode, "--no-tmpdir", NULL, NULL };
	char *const argv[] = { "/bin/true", NULL };
	ocap_plan *p = plan_of(opts, argv);
	char *out = explain_of(p, 1, 0), want[160];
	int found = 0;

	for (int m = 0; m < OCAP_SC_NMODES; m++) {
		snprintf(want, sizeof want,
			 "\"seccomp\":{\"program\":\"%s\",\"reachable\":%d,"
			 "\"supervised\":%s,", ocap__seccomp_mode_name(m),
			 ocap__seccomp_count(m),
			 ocap__sc_supervised(m) ? "true" : "false");
		if (strstr(out, want)) {
			assert_int_equal(ocap__sc_native(m),
					 !strcmp(mode, "native"));
			found++;
		}
	}
	if (found != 1)
		fail_msg("--mode %s: no one mode named in %s", mode, out);
	free(out);
	ocap_plan_free(p);
}

static void test_explain(void **state)
{
	(void)state;
	explained("compat");
	explained("native");
}

/* Loaded in a child: the kernel gives a listener (a descriptor above
 * stderr) for a supervised program, nothing for the others; 77 when a
 * filter around the test has a listener already. */
static int load_child(void *arg)
{
	int m = *(const int *)arg, r;

	child_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	if ((r = ocap__seccomp_load(m)) == -EBUSY) {
		printf("SKIP: %s: a filter around the test has a listener\n",
		       ocap__seccomp_mode_name(m));
		return 77;
	}
	child_check(r > STDERR_FILENO,
		    !strncmp(ocap__seccomp_mode_name(m), "supervised", 10));
	return 0;
}

static void test_loaded(void **state)
{
	(void)state;
	for (int m = 0; m < OCAP_SC_NMODES; m++) {
		int r = run_in_child(load_child, &m);

		skipped += r == 77;
		assert_int_equal(r == 77 ? 0 : r, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_loaded),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	return failed ? failed : skipped ? 77 : 0;
}
