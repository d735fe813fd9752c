/* SPDX-License-Identifier: MIT */
/*
 * explain.c: --explain prints the compiled plan, as text (checked line by
 * line) or as one JSON object (read back with Python's json module).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "compile.h"
#include "plans.h"
#include "support.h"
#include "tmpdir.h"

#define PYTHON "/usr/bin/python3"

/* The next line of *text, without its newline, in line; false at the
 * end. */
static bool next_line(const char **text, char *line, size_t size)
{
	const char *nl = strchr(*text, '\n');
	size_t n;

	if (!nl)
		return false;
	n = (size_t)(nl - *text);
	assert_true(n < size);
	memcpy(line, *text, n);
	line[n] = '\0';
	*text = nl + 1;
	return true;
}

/* The row --explain prints for a capability. */
static void row(char *buf, size_t size, const char *kind, const char *name,
		ocap_rights_t r, const char *rights, const char *where)
{
	char rs[128];

	if (!rights)
		ocap_rights_format(r, rs, sizeof rs);
	snprintf(buf, size, "  %-9s %-40s %-30s %s", kind, name,
		 rights ? rights : rs, where);
}

/* Native mode: every line in its order, the rows exact. */
static void test_text(void **state)
{
	struct tmpdir *td = *state;
	char dir[PATH_MAX], file[PATH_MAX], want[PATH_MAX + 512];
	char line[PATH_MAX + 512];
	const char *opts[] = { "--mode", "native", "--ro", dir, "--ro", file,
			       "--connect", "127.0.0.1:8080", "--listen",
			       "127.0.0.1:9090", "--no-tmpdir", NULL,
			       "--env", "OCAP_X=1", NULL };
	char *const argv[] = { "/bin/true", "a", "b c", NULL };
	ocap_plan *p;
	char *out;
	const char *t;

	assert_int_equal(tree_mkdir(td->path, "d"), 0);
	assert_int_equal(tree_write(td->path, "f", "x"), 0);
	tree_join(dir, sizeof dir, td->path, "d");
	tree_join(file, sizeof file, td->path, "f");
	p = plan_of(opts, argv);
	t = out = explain_of(p, 0, 0);

	assert_true(next_line(&t, line, sizeof line));
	assert_string_equal(line, "program:      /bin/true");
	assert_true(next_line(&t, line, sizeof line));
	assert_string_equal(line, "arguments:    /bin/true a b c");
	assert_true(next_line(&t, line, sizeof line));
	assert_string_equal(line, "mode:         native");
	/* the two grants, the program and its loader, two endpoints */
	assert_true(next_line(&t, line, sizeof line));
	assert_int_equal(p->npaths, 2); /* the user's, as written */
	assert_int_equal(p->compiled->npaths, 4);
	assert_string_equal(line, "capabilities: 6");
	assert_true(next_line(&t, line, sizeof line));
	row(want, sizeof want, "dir", dir, OCAP_RIGHTS_RO, NULL, "test");
	assert_string_equal(line, want);
	assert_true(next_line(&t, line, sizeof line));
	row(want, sizeof want, "file", file, OCAP_RIGHTS_RO, NULL, "test");
	assert_string_equal(line, want);
	assert_true(next_line(&t, line, sizeof line));
	row(want, sizeof want, "file", "/bin/true",
	    OCAP_RIGHT_READ | OCAP_RIGHT_EXEC, NULL, "runtime");
	assert_string_equal(line, want);
	assert_true(next_line(&t, line, sizeof line));
	assert_non_null(strstr(line, "ld-linux"));
	assert_true(next_line(&t, line, sizeof line));
	row(want, sizeof want, "endpoint", "tcp:127.0.0.1:8080", 0, "connect",
	    "test");
	assert_string_equal(line, want);
	assert_true(next_line(&t, line, sizeof line));
	row(want, sizeof want, "listener", "listen:127.0.0.1:9090", 0,
	    "listen", "test");
	assert_string_equal(line, want);
	/* the backend's lines (test_compile checks what they say) */
	assert_true(next_line(&t, line, sizeof line));
	assert_int_equal(strncmp(line, "landlock:     ABI ", 18), 0);
	assert_true(next_line(&t, line, sizeof line));
	assert_int_equal(strncmp(line, "seccomp:      default-deny ", 27), 0);
	assert_true(next_line(&t, line, sizeof line));
	assert_int_equal(strncmp(line, "supervisor:   ", 14), 0);
	assert_true(next_line(&t, line, sizeof line));
	assert_int_equal(strncmp(line, "broker:       a process of its own, "
				       "confined: ", 46), 0);
	assert_non_null(strstr(line, "capabilities: none;"));
	/* no names line: a native program resolves through libocap */
	assert_true(next_line(&t, line, sizeof line));
	assert_string_equal(line, "environment:");
	while (next_line(&t, line, sizeof line) && !strncmp(line, "  ", 2))
		assert_non_null(strchr(line, '='));
	assert_string_equal(line, "not enforced: nothing");
	assert_false(next_line(&t, line, sizeof line));
	assert_non_null(strstr(out, "\n  OCAP_X=1\n"));
	assert_non_null(strstr(out, "\n  OCAP_ROOT=3\nnot enforced:"));
	free(out);
	ocap_plan_free(p);
}

/* Compat mode with a granted host name: the private temporary directory,
 * the names line, and what is not enforced, one line each. */
static void test_text_compat(void **state)
{
	const char *opts[] = { "--connect", "localhost:80", "--udp",
			       "localhost:53", NULL };
	char *const argv[] = { "/bin/true", NULL };
	ocap_plan *p = plan_of(opts, argv);
	char tmpl[PATH_MAX], want[PATH_MAX + 512], *out;

	assert_int_equal(ocap__tmpdir_template(tmpl, sizeof tmpl), 0);
	assert_int_equal(ocap__plan_warn(p, "a gap\nof two lines"), 0);
	out = explain_of(p, 0, 0);
	assert_non_null(strstr(out, "\nmode:         compat (auto)\n"));
	row(want, sizeof want, "dir", tmpl, OCAP_RIGHTS_RW, NULL, "tmpdir");
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof want,
		 "\nnames:        resolved by the broker, to the addresses it "
		 "checks connects against (%s); the program sends no DNS "
		 "question of its own but through --udp\nenvironment:\n",
		 p->compiled->shim);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "\nnot enforced:\n  a gap\\nof two lines\n"));
	free(out);
	ocap_plan_free(p);
}

/* out parsed by Python's json module and read back as lines: every key,
 * then the capabilities one a line. */
static char *json_read(const char *out)
{
	static const char script[] =
		"import json, sys\n"
		"j = json.load(sys.stdin)\n"
		"print(sorted(j))\n"
		"print(j['program']); print(json.dumps(j['argv']))\n"
		"print(j['mode']); print(j['names'])\n"
		"for c in j['capabilities']:\n"
		"    print('%(kind)s|%(name)s|%(rights)s|%(source)s' % c)\n"
		"print(sorted(j['landlock'])); print(sorted(j['seccomp']))\n"
		"print(type(j['landlock']['abi']).__name__)\n"
		"print(json.dumps(j['seccomp']['also_allowed']))\n"
		"print(json.dumps(j['not_enforced']))\n"
		"print('OCAP_ROOT=3' in j['environment'])\n";
	char in[] = "/tmp/ocap-explain-XXXXXX", cmd[256], *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *f, *py;
	int fd = mkstemp(in);

	assert_true(fd >= 0);
	assert_int_equal(access(PYTHON, X_OK), 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(out, f);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof cmd, PYTHON " -c \"$OCAP_PY\" < %s", in);
	setenv("OCAP_PY", script, 1);
	py = popen(cmd, "r");
	assert_non_null(py);
	f = open_memstream(&buf, &len);
	while ((n = fread(chunk, 1, sizeof chunk, py)) > 0)
		fwrite(chunk, 1, n, f);
	fclose(f);
	assert_int_equal(pclose(py), 0);
	unlink(in);
	return buf;
}

static void test_json(void **state)
{
	struct tmpdir *td = *state;
	char dir[PATH_MAX], want[PATH_MAX + 1024];
	const char *opts[] = { "--mode", "native", "--rw", dir, "--connect",
			       "[::1]:443", "--allow-syscall", "chmod",
			       "--no-tmpdir", NULL, NULL };
	char *const argv[] = { "/bin/true", "q\"uote", "back\\slash",
			       "new\nline", "\x01", NULL };
	ocap_plan *p;
	char rw[128], *out, *got;

	assert_int_equal(tree_mkdir(td->path, "d"), 0);
	tree_join(dir, sizeof dir, td->path, "d");
	p = plan_of(opts, argv);
	assert_int_equal(ocap__plan_warn(p, "a \"gap\""), 0);
	out = explain_of(p, 1, 0);
	/* one object on one line */
	assert_int_equal(out[0], '{');
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
	got = json_read(out);
	ocap_rights_format(OCAP_RIGHTS_RW, rw, sizeof rw);
	snprintf(want, sizeof want,
		 "['argv', 'broker', 'capabilities', 'environment', "
		 "'landlock', 'mode', 'names', 'not_enforced', 'program', "
		 "'seccomp']\n"
		 "/bin/true\n"
		 "[\"/bin/true\", \"q\\\"uote\", \"back\\\\slash\", "
		 "\"new\\nline\", \"\\u0001\"]\n"
		 "native\nlibc\n"
		 "dir|%s|%s|test\n"
		 "file|/bin/true|read,exec|runtime\n",
		 dir, rw);
	assert_int_equal(strncmp(got, want, strlen(want)), 0);
	assert_non_null(strstr(got, "|runtime\nendpoint|tcp:[::1]:443|connect|"
				    "test\n['abi', 'bind_ports', "
				    "'connect_ports', 'path_rules', "
				    "'scoped']\n['also_allowed', 'program', "
				    "'reachable', 'supervised']\nint\n"
				    "[\"chmod\", \"fchmod\", \"fchmodat\"]\n"
				    "[\"a \\\"gap\\\"\"]\nTrue\n"));
	free(got);
	free(out);
	ocap_plan_free(p);
}

/* A plan that does not compile prints nothing; the same plan explained
 * twice prints the same. */
static void test_errors(void **state)
{
	char *const argv[] = { "/etc/passwd", NULL };
	char *const ok[] = { "/bin/true", NULL };
	ocap_plan *p;
	char *a, *b;

	assert_int_equal(ocap_plan_explain(NULL, stdout, 0), -EINVAL);
	p = plan_of(NULL, NULL);
	assert_int_equal(ocap_plan_explain(p, NULL, 0), -EINVAL);
	a = explain_of(p, 0, -EINVAL);
	assert_string_equal(a, "");
	assert_string_equal(ocap_plan_error(p), "no program to run");
	free(a);
	ocap_plan_free(p);

	assert_int_equal(ocap_plan_new(&p), 0);
	assert_int_equal(ocap_plan_program(p, argv), -EACCES);
	ocap_plan_free(p);

	p = plan_of(NULL, ok);
	a = explain_of(p, 1, 0);
	b = explain_of(p, 1, 0);
	assert_string_equal(a, b);
	free(a);
	free(b);
	ocap_plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test(test_text_compat),
		cmocka_unit_test_setup_teardown(test_json, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
