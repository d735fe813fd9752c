/* SPDX-License-Identifier: MIT */
/*
 * The plan a shell command runs with (capsh/shell_plan.c), read back
 * from the plan itself: the shell-wide grants, then each word that
 * designates a path (read when it exists; marked "=>", write too, or a
 * new file), with the rights of what really encloses it (a shell-wide
 * grant, another word) added, symbolic links followed to where they
 * lead; where each grant was written; and each failure reported at the
 * input it names, on stderr, with the status the command gets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan.h"
#include "shell_exec.h"
#include "support.h"

struct fx {
	struct tmpdir td;
	struct sh_state st;
	char *opt[4], *val[4]; /* the shell-wide grants */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	/* The shell's working directory is the process's (cd changes
	 * both). */
	if (!f || tmpdir_make(&f->td) < 0 || chdir(f->td.path) < 0)
		return -1;
	snprintf(f->st.cwd, sizeof f->st.cwd, "%s", f->td.path);
	f->st.grant_opt = f->opt;
	f->st.grant_val = f->val;
	if (tree_write(f->td.path, "notes.txt", "notes\n") < 0 ||
	    tree_write(f->td.path, "dir/inner.txt", "inner\n") < 0 ||
	    tree_write(f->td.path, "dirt/f", "f\n") < 0 ||
	    tree_symlink(f->td.path, "in", "dir/inner.txt") < 0 ||
	    tree_symlink(f->td.path, "dir/out", "../notes.txt") < 0 ||
	    tree_symlink(f->td.path, "ldir", "dir") < 0)
		return -1;
	*state = f;
	return 0;
}

/* No shell-wide grant. */
static void ungrant(struct fx *f)
{
	for (size_t i = 0; i < f->st.ngrants; i++)
		free(f->val[i]);
	f->st.ngrants = 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ungrant(f);
	if (chdir("/") < 0)
		return -1;
	tmpdir_remove(f->td.path);
	free(f);
	return 0;
}

/* A shell-wide grant; a value "@x" is x beneath the temp tree. */
static void grant(struct fx *f, const char *opt, const char *val)
{
	char v[PATH_MAX + 64];

	if (val && val[0] == '@')
		snprintf(v, sizeof v, "%s/%s", f->td.path, val + 1);
	else
		snprintf(v, sizeof v, "%s", val ? val : "");
	f->opt[f->st.ngrants] = (char *)opt;
	f->val[f->st.ngrants++] = val ? strdup(v) : NULL;
}

static int saved = -1;
static FILE *cap;

static void capture(void)
{
	fflush(stderr);
	cap = tmpfile();
	assert_non_null(cap);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fileno(cap), STDERR_FILENO), STDERR_FILENO);
}

/* What was written to stderr since capture(). */
static const char *captured(void)
{
	static char buf[2048];
	size_t n;

	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	rewind(cap);
	n = fread(buf, 1, sizeof buf - 1, cap);
	buf[n] = '\0';
	fclose(cap);
	return buf;
}

/* The plan for words ("=" before a word marks it writable), each at
 * line 1, column 10 * i + 1 (line 0 with at_line false): the status,
 * and the plan in *out when 0. */
static int build(struct fx *f, bool at_line, const char *const words[],
		 ocap_plan **out)
{
	char *argv[16];
	bool w[16];
	struct sh_pos pos[16];
	struct sh_argv a = { argv, w, pos, 0 };

	for (; words[a.argc]; a.argc++) {
		assert_true(a.argc < 15);
		w[a.argc] = words[a.argc][0] == '=';
		argv[a.argc] = (char *)words[a.argc] + w[a.argc];
		a.pos[a.argc] = (struct sh_pos){
			at_line ? 1 : 0, (unsigned)a.argc * 10 + 1 };
	}
	argv[a.argc] = NULL;
	return sh_plan_build(&f->st, &a, "test", out);
}

#define BUILD(f, out, ...) \
	build(f, true, (const char *const[]){ __VA_ARGS__, NULL }, out)

/* The grant of td/rel (of rel itself when absolute), or NULL. */
static const struct ocap_path_grant *grant_of(const struct fx *f,
					      const ocap_plan *p,
					      const char *rel)
{
	char name[PATH_MAX + 64];

	if (rel[0] == '/')
		snprintf(name, sizeof name, "%s", rel);
	else
		snprintf(name, sizeof name, "%s/%s", f->td.path, rel);
	for (size_t i = 0; i < p->npaths; i++)
		if (!strcmp(p->paths[i].name, name))
			return &p->paths[i];
	return NULL;
}

static void expect_grant(const struct fx *f, const ocap_plan *p,
			 const char *rel, ocap_rights_t rights,
			 const char *where)
{
	const struct ocap_path_grant *g = grant_of(f, p, rel);
	char got[128], want[128];

	if (!g) {
		fail_msg("no grant of %s", rel);
		NOT_REACHED
	}
	ocap_rights_format(g->rights, got, sizeof got);
	ocap_rights_format(rights, want, sizeof want);
	if (g->rights != rights)
		fail_msg("%s: %s, expected %s", rel, got, want);
	if (where)
		assert_string_equal(g->where, where);
}

static void test_designations(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX];
	ocap_plan *p;

	assert_int_equal(BUILD(f, &p, "cat", "notes.txt", "=new.txt",
			       "=dir/inner.txt", "missing", "", "-r",
			       "=notes.txt/x", "./dir/../dirt/"),
			 0);
	/* Existing: read; marked: read and write; marked and new: a new
	 * file.  Where each was written is its source. */
	expect_grant(f, p, "notes.txt", OCAP_RIGHTS_RO, "1:11");
	expect_grant(f, p, "new.txt",
		     OCAP_RIGHT_CREATE | OCAP_RIGHT_WRITE | OCAP_RIGHT_TRUNCATE,
		     "1:21");
	expect_grant(f, p, "dir/inner.txt", OCAP_RIGHTS_RW, "1:31");
	/* Made absolute and clean, without its trailing slash. */
	expect_grant(f, p, "dirt", OCAP_RIGHTS_RO, "1:81");
	/* Nothing else: not what is missing, nor a word that names no
	 * path, nor the program's own name. */
	assert_int_equal(p->npaths, 4);
	assert_null(grant_of(f, p, "missing"));
	assert_null(grant_of(f, p, "-r"));
	assert_null(grant_of(f, p, "notes.txt/x"));
	assert_string_equal(p->argv[0], "cat");
	assert_string_equal(p->argv[2], "new.txt");
	/* Nothing is created while planning. */
	assert_int_equal(grant_of(f, p, "new.txt")->fd, -1);
	assert_ret(tree_join(path, sizeof path, f->td.path, "new.txt"), 0);
	assert_int_equal(access(path, F_OK), -1);
	ocap_plan_free(p);

	/* A word with no place in a source is named by its argument. */
	assert_int_equal(build(f, false,
			       (const char *const[]){ "cat", "dirt/f", NULL },
			       &p),
			 0);
	expect_grant(f, p, "dirt/f", OCAP_RIGHTS_RO, "argument 2");
	ocap_plan_free(p);
}

/* What encloses a word adds its rights: a shell-wide grant that holds
 * more (so that the launcher's nesting rule accepts the plan), with its
 * exact rights for --grant, "/" enclosing all; another word.  It is
 * judged where links lead, the grant's and the word's.  Each case: the
 * shell-wide grants, the words, and the plan's every path grant. */
static void test_enclosing(void **state)
{
	static const ocap_rights_t new_file =
		OCAP_RIGHT_CREATE | OCAP_RIGHT_WRITE | OCAP_RIGHT_TRUNCATE;
	static const struct {
		const char *grants[2][2];
		const char *words[5];
		struct {
			const char *rel, *where;
			ocap_rights_t rights;
		} want[4];
	} cases[] = {
		/* Beside dir, "dirt" is no part of it; --env names no path. */
		{ { { "--rw", "@dir" }, { "--env", "LANG=C" } },
		  { "cat", "dir/inner.txt", "dirt/f", "=dir/new" },
		  { { "dir", "grant 1", OCAP_RIGHTS_RW },
		    { "dir/inner.txt", "1:11", OCAP_RIGHTS_RW },
		    { "dirt/f", "1:21", OCAP_RIGHTS_RO },
		    { "dir/new", "1:31", OCAP_RIGHTS_RW } } },
		{ { { "--grant", "@dir=read,write" }, { "--ro", "/" } },
		  { "cat", "dir/inner.txt", "=new.txt" },
		  { { "dir", "grant 1", OCAP_RIGHT_READ | OCAP_RIGHT_WRITE },
		    { "/", "grant 2", OCAP_RIGHTS_RO },
		    { "dir/inner.txt", "1:11",
		      OCAP_RIGHTS_RO | OCAP_RIGHT_WRITE },
		    { "new.txt", "1:21", OCAP_RIGHTS_RO | new_file } } },
		/* One word inside another. */
		{ { { NULL } },
		  { "cp", "dir/inner.txt", "=dir" },
		  { { "dir", "1:21", OCAP_RIGHTS_RW },
		    { "dir/inner.txt", "1:11", OCAP_RIGHTS_RW } } },
		/* "in" leads into dir; "dir/out" leads out, and gets
		 * nothing from dir (the plan takes it as it is, a read-only
		 * file beneath a wider grant). */
		{ { { "--rw", "@dir" } },
		  { "cat", "in", "dir/out" },
		  { { "dir", "grant 1", OCAP_RIGHTS_RW },
		    { "in", "1:11", OCAP_RIGHTS_RW },
		    { "dir/out", "1:21", OCAP_RIGHTS_RO } } },
		/* A grant through a link ("ldir", to dir). */
		{ { { "--rw", "@ldir" } },
		  { "cat", "dir/inner.txt", "dirt/f" },
		  { { "ldir", "grant 1", OCAP_RIGHTS_RW },
		    { "dir/inner.txt", "1:11", OCAP_RIGHTS_RW },
		    { "dirt/f", "1:21", OCAP_RIGHTS_RO } } },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		size_t n = 0;
		ocap_plan *p;

		print_message("%s %s\n", cases[i].words[0],
			      cases[i].words[1]);
		ungrant(f);
		for (size_t g = 0; g < 2 && cases[i].grants[g][0]; g++)
			grant(f, cases[i].grants[g][0], cases[i].grants[g][1]);
		assert_int_equal(build(f, true, cases[i].words, &p), 0);
		for (; n < 4 && cases[i].want[n].rel; n++)
			expect_grant(f, p, cases[i].want[n].rel,
				     cases[i].want[n].rights,
				     cases[i].want[n].where);
		assert_int_equal(p->npaths, n);
		ocap_plan_free(p);
	}
}

/* A command that cannot run: its status, nothing planned; what it said
 * on stderr is returned. */
static const char *refused(struct fx *f, int want, const char *const words[])
{
	ocap_plan *p = (ocap_plan *)1;
	const char *err;
	int st;

	capture();
	st = build(f, true, words, &p);
	err = captured();
	assert_int_equal(st, want);
	assert_null(p);
	return err;
}

#define REFUSED(f, want, ...) \
	refused(f, want, (const char *const[]){ __VA_ARGS__, NULL })

/* No such program, 127, or a file that is no program, 126: one line,
 * at the command. */
static void test_not_found(void **state)
{
	struct fx *f = *state;
	const char *err;

	err = REFUSED(f, 127, "no-such-program-here", "notes.txt");
	assert_int_equal(strncmp(err, "ocapsh: test:1:1: ", 18), 0);
	assert_non_null(strstr(err, "no-such-program-here"));
	assert_int_equal(strchr(err, '\n') - err + 1, (long)strlen(err));
	err = REFUSED(f, 126, "./notes.txt");
	assert_int_equal(strncmp(err, "ocapsh: test:1:1: ", 18), 0);
}

/* A shell-wide grant the plan refuses is named as the shell's grant,
 * not at any place in the command. */
static void test_bad_shell_grant(void **state)
{
	struct fx *f = *state;
	const char *err;

	grant(f, "--ro", "/usr");
	grant(f, "--rlimit", "bogus=1");
	err = REFUSED(f, OCAP_EXIT_LAUNCHER, "cat", "notes.txt");
	assert_int_equal(strncmp(err, "ocapsh: grant 2: --rlimit", 25), 0);
}

/* sh_plan_report(): a "LINE:COL: " error at that place, a "grant N: "
 * one as it is, any other at the command. */
static void test_report(void **state)
{
	static const struct {
		const char *where;     /* the plan option's */
		const char *shell_at;  /* sh_plan_report's */
		const char *out;
	} cases[] = {
		{ "3:7", "test", "ocapsh: test:3:7: unknown option '--bogus'\n" },
		{ "3:7", NULL, "ocapsh: 3:7: unknown option '--bogus'\n" },
		{ "grant 2", "test", "ocapsh: grant 2: unknown option "
				     "'--bogus'\n" },
		{ NULL, "test", "ocapsh: test:1:5: unknown option '--bogus'\n" },
		{ "argument 4", "test", "ocapsh: test:1:5: argument 4: "
					"unknown option '--bogus'\n" },
		/* Not a place: too big a line, a single number. */
		{ "4294967296:1", "test", "ocapsh: test:1:5: 4294967296:1: "
					  "unknown option '--bogus'\n" },
		{ "12", "test", "ocapsh: test:1:5: 12: unknown option "
				"'--bogus'\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ocap_plan *p;
		const char *err;

		assert_ret(ocap_plan_new(&p), 0);
		assert_ret(ocap_plan_option(p, "--bogus", NULL, cases[i].where,
					    NULL),
			   -EINVAL);
		capture();
		sh_plan_report(cases[i].shell_at, p, (struct sh_pos){ 1, 5 });
		err = captured();
		ocap_plan_free(p);
		if (strcmp(err, cases[i].out))
			fail_msg("\"%s\", expected \"%s\"", err, cases[i].out);
	}
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_designations),
		T(test_enclosing),
		T(test_not_found),
		T(test_bad_shell_grant),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
