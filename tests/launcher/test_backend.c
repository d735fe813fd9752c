/* SPDX-License-Identifier: MIT */
/*
 * The Linux backend (launcher/linux/backend.c) on its own: what
 * ocap__be_compile() makes of a plan (the seccomp program and what it
 * also allows, the Landlock ports, whether a supervisor can work), what
 * it refuses or only warns of, ocap__be_bind() and ocap__be_describe().
 * Whether a supervisor can work is the kernel's answer: here, and in a
 * child under a filter that holds a listener already (as under another
 * supervisor), where it cannot.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "compile.h"
#include "enforce.h"
#include "plans.h"
#include "support.h"

static char *const true_argv[] = { "/bin/true", NULL };

/* The backend's part of opts' plan, or the error: *e is NULL then. */
static int compiled(const char *const *opts, int mode, ocap_plan **p,
		    struct ocap__enforce **e)
{
	*p = plan_of(opts, true_argv);
	*e = NULL;
	return ocap__be_compile(compiled_bare(*p, mode), e);
}

static bool also_allows(const struct ocap__enforce *e, const char *name)
{
	for (size_t i = 0; i < e->nsc_extra; i++)
		if (!strcmp(e->sc_extra[i], name))
			return true;
	return false;
}

static char *described(const struct ocap__enforce *e, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	ocap__be_describe(e, f, json);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* Whether this process may load a filter with a listener: the backend's
 * supervised programs need it. */
static bool supervisor_possible(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			      SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog) < 0 ? 1 : 0);
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

static int setup(void **state)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	int scope = 0;

	(void)state;
	if (f) {
		if (fscanf(f, "%d", &scope) != 1)
			scope = 3;
		fclose(f);
	}
	if (ocap__ll_abi() < 4) {
		printf("SKIP: Landlock ABI 4 (TCP ports) is needed; this "
		       "kernel has %d\n", ocap__ll_abi());
		exit(77);
	}
	if (scope >= 2 || !supervisor_possible()) {
		printf("SKIP: no supervisor can work here (Yama ptrace_scope "
		       "%d, or a filter with a listener around the test)\n",
		       scope);
		exit(77);
	}
	return 0;
}

/* ---- supervised ------------------------------------------------------------ */

static void test_modes(void **state)
{
	const char *rw[] = { "--rw", "/tmp", NULL };
	struct ocap__enforce *e;
	ocap_plan *p;

	assert_ret(compiled(rw, OCAP_MODE_COMPAT, &p, &e), 0);
	assert_int_equal(e->sc_mode, OCAP_SC_SUPER);
	assert_int_equal(e->abi, ocap__ll_abi());
	assert_int_equal(e->ll.npaths, p->npaths);
	assert_null(ocap_plan_warning(p, 0));
	ocap__be_free(e);
	ocap_plan_free(p);
	assert_ret(compiled(rw, OCAP_MODE_NATIVE, &p, &e), 0);
	assert_int_equal(e->sc_mode, OCAP_SC_NSUPER);
	ocap__be_free(e);
	ocap_plan_free(p);
	ocap__be_free(NULL);
}

/* What the seccomp program also allows: each --allow-syscall's family
 * once, and in compat mode the allowances the grants need. */
static void test_extras(void **state)
{
	const char *opts[] = { "--allow-syscall", "chmod", "--allow-syscall",
			       "fchmod", "--udp", "127.0.0.1:53",
			       "--connect", "unix:/tmp/ocap-be.sock",
			       "--listen", "127.0.0.1:9090",
			       "--hide-metadata", NULL, "--suggest", NULL,
			       NULL };
	const char *names[] = { "chmod", "fchmod", "fchmodat",
				OCAP_SC_ALLOW_UDP, OCAP_SC_ALLOW_UNIX,
				OCAP_SC_ALLOW_LISTEN, OCAP_SC_HIDE,
				OCAP_SC_SUGGEST };
	struct ocap__enforce *e;
	ocap_plan *p;

	assert_ret(compiled(opts, OCAP_MODE_COMPAT, &p, &e), 0);
	assert_int_equal(e->nsc_extra, sizeof names / sizeof *names);
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		assert_true(also_allows(e, names[i]));
	ocap__be_free(e);
	ocap_plan_free(p);
	/* native mode: the broker does the networking; nothing to hide
	 * or note through the program's own calls */
	assert_ret(compiled(opts + 4, OCAP_MODE_NATIVE, &p, &e), -EOPNOTSUPP);
	assert_non_null(strstr(ocap_plan_error(p), "native mode has no UDP"));
	assert_null(e);
	ocap_plan_free(p);
	assert_ret(compiled(opts + 6, OCAP_MODE_NATIVE, &p, &e), 0);
	assert_int_equal(e->nsc_extra, 0);
	ocap__be_free(e);
	ocap_plan_free(p);
}

/* Landlock's TCP ports: compat mode's own connects and binds; native
 * programs make neither. */
static void test_ports(void **state)
{
	const char *opts[] = { "--connect", "127.0.0.1:8080", "--listen",
			       "127.0.0.1:80", "--connect", "*:443", NULL };
	struct ocap__enforce *e;
	ocap_plan *p;
	char *text;

	assert_ret(compiled(opts, OCAP_MODE_COMPAT, &p, &e), 0);
	assert_int_equal(e->ll.nconnect, 2);
	assert_int_equal(e->ll.connect_ports[0], 8080);
	assert_int_equal(e->ll.connect_ports[1], 443);
	assert_int_equal(e->ll.nbind, 1);
	assert_int_equal(e->ll.bind_ports[0], 80);
	/* a port below 1024: the broker keeps what binding it takes */
	assert_true(e->broker_binds_low);
	text = described(e, false);
	assert_non_null(strstr(text, "tcp connect ports: 8080 443; tcp bind "
				     "ports: 80;"));
	assert_non_null(strstr(text, "capabilities: CAP_NET_BIND_SERVICE at "
				     "most"));
	free(text);
	text = described(e, true);
	assert_non_null(strstr(text, "\"connect_ports\":[8080,443],"
				     "\"bind_ports\":[80]"));
	assert_non_null(strstr(text, "\"capabilities\":"
				     "[\"CAP_NET_BIND_SERVICE\"]"));
	free(text);
	ocap__be_free(e);
	ocap_plan_free(p);
	assert_ret(compiled(opts, OCAP_MODE_NATIVE, &p, &e), 0);
	assert_int_equal(e->ll.nconnect, 0);
	assert_int_equal(e->ll.nbind, 0);
	text = described(e, false);
	assert_non_null(strstr(text, "tcp connect ports: none; tcp bind "
				     "ports: none;"));
	free(text);
	ocap__be_free(e);
	ocap_plan_free(p);
}

static void test_describe_hidden(void **state)
{
	const char *hide[] = { "--hide-metadata", NULL, NULL };
	struct ocap__enforce *e;
	ocap_plan *p;
	char *text;

	assert_ret(compiled(hide, OCAP_MODE_COMPAT, &p, &e), 0);
	text = described(e, false);
	assert_non_null(strstr(text, "\nhidden:       stat, access"));
	assert_non_null(strstr(text, "\nsupervisor:   the broker performs "
				     "chmod"));
	assert_non_null(strstr(text, "capabilities: none;"));
	free(text);
	text = described(e, true);
	assert_non_null(strstr(text, "\"program\":\"supervised\""));
	assert_non_null(strstr(text, "\"supervised\":true"));
	assert_non_null(strstr(text, "\"also_allowed\":[\"@hide\"]"));
	free(text);
	ocap__be_free(e);
	ocap_plan_free(p);
}

/* The grants' descriptors come later, one per path rule. */
static void test_bind(void **state)
{
	const char *one[] = { "--no-runtime", NULL, "--rw", "/tmp", NULL };
	const char *two[] = { "--no-runtime", NULL, "--rw", "/tmp", "--ro",
			      "/etc", NULL };
	struct ocap__enforce *e;
	ocap_plan *p, *q;

	assert_ret(compiled(one, OCAP_MODE_COMPAT, &p, &e), 0);
	assert_int_equal(e->ll.npaths, 1);
	assert_int_equal(e->paths[0].fd, -1);
	p->compiled->paths[0].fd = 42;
	assert_ret(ocap__be_bind(e, p->compiled), 0);
	assert_int_equal(e->paths[0].fd, 42);
	assert_ptr_equal(e->ll.paths, e->paths);
	p->compiled->paths[0].fd = -1;
	q = plan_of(two, true_argv);
	assert_ret(ocap__be_bind(e, compiled_bare(q, OCAP_MODE_COMPAT)),
		   -EINVAL);
	ocap_plan_free(q);
	ocap__be_free(e);
	ocap_plan_free(p);
}

/* ---- no supervisor --------------------------------------------------------- */

/* Under a filter that holds a listener, as under another supervisor:
 * no second one can be loaded, and the backend knows it. */
static int under_listener(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return (int)ret_errno(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				      SECCOMP_FILTER_FLAG_NEW_LISTENER,
				      &prog));
}

/* opts compiled in mode: want, and with --best-effort 0 and a warning
 * holding what. */
static void refused(const char *const *opts, int mode, const char *what)
{
	const char *best[16] = { "--best-effort", NULL };
	struct ocap__enforce *e;
	ocap_plan *p;
	size_t n = 2;

	child_check(compiled(opts, mode, &p, &e), -EOPNOTSUPP);
	child_check(strstr(ocap_plan_error(p), what) != NULL, 1);
	ocap_plan_free(p);
	for (size_t i = 0; opts[i] && n < 14; i += 2) {
		best[n++] = opts[i];
		best[n++] = opts[i + 1];
	}
	child_check(compiled(best, mode, &p, &e), 0);
	child_check(strstr(ocap_plan_warning(p, 0), what) != NULL, 1);
	child_check(ocap_plan_warning(p, 1) == NULL, 1);
	child_check(e->sc_mode, mode == OCAP_MODE_COMPAT ? OCAP_SC_COMPAT
							 : OCAP_SC_NATIVE);
	ocap__be_free(e);
	ocap_plan_free(p);
}

static int unsupervised(void *arg)
{
	const char *host[] = { "--no-runtime", NULL, "--connect",
			       "127.0.0.1:80", NULL };
	const char *listen_[] = { "--no-runtime", NULL, "--listen",
				  "127.0.0.1:8080", NULL };
	const char *udp[] = { "--no-runtime", NULL, "--udp", "*:53", NULL };
	const char *unix_[] = { "--no-runtime", NULL, "--connect",
				"unix:/tmp/ocap-be.sock", NULL };
	const char *rw[] = { "--no-runtime", NULL, "--rw", "/tmp", NULL };
	const char *hide[] = { "--no-runtime", NULL, "--hide-metadata", NULL,
			       NULL };
	const char *star[] = { "--no-runtime", NULL, "--connect", "*:443",
			       "--ro", "/etc", NULL };
	struct ocap__enforce *e;
	ocap_plan *p;

	(void)arg;
	child_check(under_listener() >= 0, 1);
	refused(host, OCAP_MODE_COMPAT, "compat mode limits TCP by port only");
	refused(listen_, OCAP_MODE_COMPAT, "compat mode limits bind by port");
	refused(udp, OCAP_MODE_COMPAT, "compat mode cannot limit UDP");
	refused(unix_, OCAP_MODE_COMPAT, "cannot limit which Unix socket");
	refused(rw, OCAP_MODE_COMPAT, "no supervisor can work here");
	refused(rw, OCAP_MODE_NATIVE, "no supervisor can work here");
	refused(hide, OCAP_MODE_COMPAT, "--hide-metadata: no supervisor");
	/* what compat mode can limit without one: any host, read grants */
	child_check(compiled(star, OCAP_MODE_COMPAT, &p, &e), 0);
	child_check(e->sc_mode, OCAP_SC_COMPAT);
	child_check(ocap_plan_warning(p, 0) == NULL, 1);
	ocap__be_free(e);
	ocap_plan_free(p);
	return 0;
}

static void test_unsupervised(void **state)
{
	assert_ret(run_in_child(unsupervised, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_extras),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_describe_hidden),
		cmocka_unit_test(test_bind),
		cmocka_unit_test(test_unsupervised),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
