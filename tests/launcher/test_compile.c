/* SPDX-License-Identifier: MIT */
/*
 * The compiled plan, inspected without forking: what ocap_launch() would
 * run and --explain prints come from this one value.
 */
#include <errno.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "compile.h"
#include "enforce.h"
#include "plans.h"

static bool env_has(char **envp, const char *kv)
{
	for (; *envp; envp++)
		if (!strcmp(*envp, kv))
			return true;
	return false;
}

static char *const true_argv[] = { "/bin/true", NULL };

/* An unmodified binary: compat, the runtime set granted, one Landlock rule
 * per path grant, the compat program with nothing extra. */
static void test_compat(void **state)
{
	const char *opts[] = { "--ro", "/tmp", "--env", "OCAP_TEST=1", NULL };
	ocap_plan *p = plan_of(opts, true_argv);
	struct ocap_compiled *c;
	bool runtime = false;

	assert_int_equal(ocap__compile(p, &c), 0);
	assert_int_equal(c->mode, OCAP_MODE_COMPAT);
	assert_true(c->exe.elf);
	assert_false(c->exe.ocap_note);
	for (size_t i = 0; i < c->npaths; i++)
		runtime |= c->paths[i].runtime;
	assert_true(runtime);
	assert_int_equal(c->enforce->ll.npaths, c->npaths);
	/* supervised, unless ocapsh runs under another supervisor */
	assert_int_equal(c->enforce->sc_mode, OCAP_SC_SUPER);
	assert_int_equal(c->enforce->nsc_extra, 0);
	assert_int_equal(c->enforce->ll.nconnect, 0);
	assert_true(env_has(c->envp, "OCAP_ROOT=3"));
	assert_true(env_has(c->envp, "OCAP_TEST=1"));
	/* Not bound yet: the grants are opened at launch. */
	assert_int_equal(c->enforce->paths[0].fd, -1);
	ocap_plan_free(p);
}

/* Native mode: no runtime set, no TCP port for the program itself. */
static void test_native(void **state)
{
	const char *opts[] = { "--mode", "native", "--connect", "*:443",
			       NULL };
	ocap_plan *p = plan_of(opts, true_argv);
	struct ocap_compiled *c;

	assert_int_equal(ocap__compile(p, &c), 0);
	assert_int_equal(c->mode, OCAP_MODE_NATIVE);
	assert_int_equal(c->enforce->sc_mode, OCAP_SC_NSUPER);
	assert_int_equal(c->enforce->ll.nconnect, 0);
	for (size_t i = 0; i < c->npaths; i++)
		assert_string_not_equal(c->paths[i].name, "/etc/ld.so.cache");
	ocap_plan_free(p);
}

/* Compat network grants: the port goes to Landlock, the allowances to
 * seccomp; a host compat mode cannot limit is refused, or with best
 * effort said once, however often the plan is compiled. */
static void test_compat_net(void **state)
{
	const char *star[] = { "--connect", "*:8080", "--udp", "*:53",
			       "--best-effort", NULL, NULL };
	const char *host[] = { "--connect", "127.0.0.1:80", NULL };
	const char *udp[] = { "--udp", "127.0.0.1:53", NULL };
	ocap_plan *p = plan_of(star, true_argv);
	struct ocap_compiled *c;

	/* supervised, every network grant is judged by the broker: no gap,
	 * no warning */
	assert_int_equal(ocap__compile(p, &c), 0);
	assert_int_equal(c->enforce->ll.nconnect, 1);
	assert_int_equal(c->enforce->ll.connect_ports[0], 8080);
	assert_int_equal(c->enforce->nsc_extra, 1);
	assert_string_equal(c->enforce->sc_extra[0], OCAP_SC_ALLOW_UDP);
	assert_null(ocap_plan_warning(p, 0));
	ocap_plan_free(p);

	/* a warning is one line, whatever the input it quotes holds */
	p = plan_of(host, true_argv);
	assert_int_equal(ocap__plan_warn(p, "%s: not granted", "/tmp/a\nb"), 0);
	assert_non_null(ocap_plan_warning(p, 0));
	assert_null(strchr(ocap_plan_warning(p, 0), '\n'));
	assert_non_null(strstr(ocap_plan_warning(p, 0), "/tmp/a\\nb"));
	ocap_plan_free(p);

	/* supervised, a host is judged by the broker: no gap */
	p = plan_of(host, true_argv);
	assert_int_equal(ocap__compile(p, &c), 0);
	assert_null(ocap_plan_warning(p, 0));
	ocap_plan_free(p);

	p = plan_of(udp, true_argv);
	assert_int_equal(ocap__compile(p, &c), 0);
	assert_null(ocap_plan_warning(p, 0));
	ocap_plan_free(p);
}

/* Compiling leaves the user's grants as written: the runtime set, the
 * executable and the temporary directory go to the compiled plan's own
 * list, which begins with a copy of the user's.  The plan is compiled
 * once: check, --explain and launch share it, and a best-effort gap is
 * said once. */
static void test_plan_kept(void **state)
{
	const char *opts[] = { "--ro", "/usr", "--rw", "/tmp", "--best-effort",
			       NULL, "--connect", "127.0.0.1:1", NULL };
	const char *native_udp[] = { "--mode", "native", "--udp",
				     "127.0.0.1:53", "--best-effort", NULL,
				     NULL };
	ocap_plan *p = plan_of(opts, true_argv);
	struct ocap_compiled *c, *again;
	size_t nwarn = 0;
	char *out;

	assert_int_equal(p->npaths, 2);
	assert_int_equal(ocap__compile(p, &c), 0);
	assert_int_equal(p->npaths, 2);
	assert_string_equal(p->paths[0].name, "/usr");
	assert_int_equal(p->paths[0].rights, OCAP_RIGHTS_RO);
	assert_int_equal(p->paths[0].fd, -1);
	assert_true(c->npaths > 2 + 1);
	assert_string_equal(c->paths[0].name, "/usr");
	assert_ptr_not_equal(c->paths[0].name, p->paths[0].name);
	assert_string_equal(c->paths[1].name, "/tmp");
	assert_false(c->paths[0].runtime || c->paths[1].runtime);
	assert_true(c->tmpdir_grant > 2);
	assert_string_equal(c->paths[c->tmpdir_grant - 1].where, "tmpdir");
	assert_true(runtime_granted(c, "/bin/true", OCAP_RIGHT_EXEC) ||
		    runtime_granted(c, "/usr/bin/true", OCAP_RIGHT_EXEC) ||
		    runtime_granted(c, "/usr/lib", OCAP_RIGHT_READ));
	while (ocap_plan_warning(p, nwarn))
		nwarn++;
	assert_int_equal(ocap_plan_check(p), 0);
	assert_int_equal(ocap__compile(p, &again), 0);
	assert_ptr_equal(again, c);
	out = explain_of(p, 0, 0);
	free(out);
	assert_null(ocap_plan_warning(p, nwarn));
	assert_int_equal(p->npaths, 2);
	/* a checked plan takes no more options */
	assert_int_equal(ocap_plan_option(p, "--ro", "/etc", "test", NULL),
			 -EBUSY);
	ocap_plan_free(p);

	/* a gap allowed by --best-effort: one warning, however often */
	p = plan_of(native_udp, true_argv);
	assert_int_equal(ocap_plan_check(p), 0);
	assert_non_null(strstr(ocap_plan_warning(p, 0), "no UDP"));
	assert_null(ocap_plan_warning(p, 1));
	assert_int_equal(ocap_plan_check(p), 0);
	free(explain_of(p, 1, 0));
	assert_null(ocap_plan_warning(p, 1));
	ocap_plan_free(p);
}

/* --explain prints the compiled plan. */
static void test_explain(void **state)
{
	const char *opts[] = { "--ro", "/tmp", "--allow-syscall", "chmod",
			       NULL };
	ocap_plan *p = plan_of(opts, true_argv);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ocap_plan_explain(p, f, 0), 0);
	fclose(f);
	assert_non_null(strstr(buf, "mode:         compat (auto)\n"));
	assert_non_null(strstr(buf, "landlock:     ABI "));
	assert_non_null(strstr(buf, "seccomp:      default-deny supervised "
				    "program"));
	assert_non_null(strstr(buf, "supervisor:   the broker performs chmod"));
	/* a name stands for the calls that do its job */
	assert_non_null(strstr(buf, "; also allowed: chmod fchmod fchmodat\n"));
	assert_non_null(strstr(buf, "  OCAP_ROOT=3\n"));
	free(buf);
	ocap_plan_free(p);
}

/* A program the kernel cannot run is one error, and nothing is
 * compiled. */
static void test_bad_program(void **state)
{
	char junk[] = "/tmp/ocap-compile-XXXXXX";
	char *const argv[] = { junk, NULL };
	int fd = mkstemp(junk);
	ocap_plan *p;
	struct ocap_compiled *c;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x7fNOT an executable\n", 20), 20);
	assert_int_equal(fchmod(fd, 0755), 0);
	close(fd);
	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap_plan_program(p, argv), 0);
	assert_int_equal(ocap__compile(p, &c), -ENOEXEC);
	assert_non_null(strstr(ocap_plan_error(p), "not an executable"));
	assert_int_equal(ocap_exit_status(p, -ENOEXEC, 0),
			 OCAP_EXIT_CANNOT_EXEC);
	assert_null(p->compiled); /* nothing kept: the next call tries again */
	assert_int_equal(ocap__compile(p, &c), -ENOEXEC);
	ocap_plan_free(p);
	unlink(junk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compat),
		cmocka_unit_test(test_native),
		cmocka_unit_test(test_compat_net),
		cmocka_unit_test(test_plan_kept),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_bad_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
