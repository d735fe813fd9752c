/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"
#include "support.h"

/* Fields are compared joined with "|"; "" is one empty field. */
static char *join(char **fields, size_t n)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? "|" : "", fields[i]);
	fclose(f);
	assert_null(fields[n]);
	return s;
}

/* Expand word idx of the first command of src. */
static char *expand_src(const struct sh_state *st, const char *src,
			size_t idx)
{
	struct sh_error err;
	struct sh_list *l;
	char **fields, *s;
	size_t n;
	int rc;

	rc = sh_parse(src, &l, &err);
	if (rc)
		fail_msg("sh_parse(\"%s\") = %d: %s", src, rc, err.msg);
	assert_true(idx < l->pipes[0].cmds[0].nwords);
	rc = sh_expand(st, &l->pipes[0].cmds[0].words[idx], &fields, &n,
		       &err);
	if (rc)
		fail_msg("sh_expand(\"%s\") = %d: %u:%u: %s", src, rc,
			 err.pos.line, err.pos.col, err.msg);
	assert_true(n >= 1);
	s = join(fields, n);
	sh_fields_free(fields);
	sh_list_free(l);
	return s;
}

struct case_ {
	const char *src; /* one word */
	const char *want;
};

static void check(const struct sh_state *st, const struct case_ *c, size_t n)
{
	char *got;

	for (size_t i = 0; i < n; i++) {
		got = expand_src(st, c[i].src, 0);
		if (strcmp(got, c[i].want) != 0)
			fail_msg("expand(%s) = \"%s\", expected \"%s\"",
				 c[i].src, got, c[i].want);
		free(got);
	}
}
#define CHECK(st, cases) check(st, cases, sizeof(cases) / sizeof((cases)[0]))

static void state_init(struct sh_state *st)
{
	memset(st, 0, sizeof(*st));
	st->status = 42;
	assert_non_null(getcwd(st->cwd, sizeof(st->cwd)));
}

static int env_setup(void **state)
{
	setenv("OCAP_T_A", "alpha", 1);
	setenv("OCAP_T_SP", "a b  c", 1);
	setenv("OCAP_T_GLOB", "*", 1);
	setenv("OCAP_T_EMPTY", "", 1);
	unsetenv("OCAP_T_UNSET");
	unsetenv("OCAP_T_Ax");
	setenv("HOME", "/home/tester", 1);
	return 0;
}

/* ---- variables ---------------------------------------------------------- */

static void test_vars(void **state)
{
	static const struct case_ cases[] = {
		{ "$OCAP_T_A", "alpha" },
		{ "${OCAP_T_A}", "alpha" },
		{ "\"$OCAP_T_A\"", "alpha" },
		{ "x${OCAP_T_A}y", "xalphay" },
		{ "\"$OCAP_T_A\"x", "alphax" },
		{ "$OCAP_T_A''x", "alphax" },
		{ "$OCAP_T_A\\x", "alphax" },
		{ "$OCAP_T_A/x", "alpha/x" },
		{ "$OCAP_T_Ax", "" },
		{ "\"<$OCAP_T_A>\"", "<alpha>" },
		{ "$OCAP_T_A$OCAP_T_A", "alphaalpha" },
		{ "'$OCAP_T_A'", "$OCAP_T_A" },
		{ "\\$OCAP_T_A", "$OCAP_T_A" },
		{ "\"\\$OCAP_T_A\"", "$OCAP_T_A" },
		{ "'${OCAP_T_A}'", "${OCAP_T_A}" },
		{ "$OCAP_T_SP", "a b  c" },
		{ "$OCAP_T_UNSET", "" },
		{ "\"$OCAP_T_UNSET\"", "" },
		{ "$OCAP_T_EMPTY", "" },
		{ "a$OCAP_T_UNSET-b", "a-b" },
		{ "$", "$" },
		{ "a$", "a$" },
		{ "$1", "$1" },
		{ "$$", "$$" },
		{ "$-x", "$-x" },
		{ "\"$\"", "$" },
	};
	struct sh_state st;

	state_init(&st);
	CHECK(&st, cases);
}

static void test_status(void **state)
{
	static const struct case_ cases[] = {
		{ "$?", "42" },
		{ "\"$?\"", "42" },
		{ "${?}", "42" },
		{ "$?x", "42x" },
		{ "$?$?", "4242" },
		{ "'$?'", "$?" },
		{ "\\$?", "$?" },
	};
	struct sh_state st;

	state_init(&st);
	CHECK(&st, cases);
	st.status = -1;
	check(&st, (const struct case_[]){ { "$?", "-1" } }, 1);
	st.status = 255;
	check(&st, (const struct case_[]){ { "x$?", "x255" } }, 1);
}

/* A value is one field whatever it holds: no splitting, no globbing. */
static void test_one_field(void **state)
{
	struct sh_state st;
	struct sh_error err;
	struct sh_list *l;
	char **fields;
	size_t n;

	state_init(&st);
	assert_ret(sh_parse("$OCAP_T_SP $OCAP_T_UNSET", &l, &err), 0);
	assert_ret(sh_expand(&st, &l->pipes[0].cmds[0].words[0], &fields, &n,
			     &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(fields[0], "a b  c");
	assert_null(fields[1]);
	sh_fields_free(fields);
	assert_ret(sh_expand(&st, &l->pipes[0].cmds[0].words[1], &fields, &n,
			     &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(fields[0], "");
	sh_fields_free(fields);
	sh_fields_free(NULL);
	sh_list_free(l);
}

/* ---- "~" --------------------------------------------------------------- */

static void test_tilde(void **state)
{
	static const struct case_ cases[] = {
		{ "~", "/home/tester" },
		{ "~/x", "/home/tester/x" },
		{ "~/", "/home/tester/" },
		{ "~/$OCAP_T_A", "/home/tester/alpha" },
		{ "\"~\"", "~" },
		{ "\\~", "~" },
		{ "'~'/x", "~/x" },
		{ "\"~/x\"", "~/x" },
		{ "x~", "x~" },
		{ "x/~", "x/~" },
		{ "~~", "~~" },
		{ "~nosuchuser.ocap", "~nosuchuser.ocap" },
		{ "~nosuchuser.ocap/x", "~nosuchuser.ocap/x" },
		{ "~\"root\"", "~root" },
		{ "~\"/x\"", "~/x" },
		{ "~/\"x\"", "/home/tester/x" },
		{ "\"\"~", "~" },
		{ "$OCAP_T_UNSET~", "~" },
	};
	const struct passwd *pw = getpwnam("root");
	struct sh_state st;
	char want[PATH_MAX + 8];
	char *got;

	state_init(&st);
	CHECK(&st, cases);
	if (pw) {
		got = expand_src(&st, "~root/x", 0);
		snprintf(want, sizeof(want), "%s/x", pw->pw_dir);
		assert_string_equal(got, want);
		free(got);
	}
	/* HOME unset: the user's home from the password database. */
	unsetenv("HOME");
	pw = getpwuid(getuid());
	got = expand_src(&st, "~", 0);
	assert_string_equal(got, pw ? pw->pw_dir : "~");
	free(got);
	setenv("HOME", "", 1);
	got = expand_src(&st, "~/x", 0);
	assert_string_equal(got, "/x");
	free(got);
	setenv("HOME", "/home/tester", 1);
}

/* ---- errors ------------------------------------------------------------ */

/* A word as the parser would not make it: mask has 'q' for quoted bytes. */
static struct sh_word mkword(const char *text, const char *mask)
{
	struct sh_word w = { 0 };

	w.len = strlen(text);
	w.text = strdup(text);
	w.quoted = calloc(w.len + 1, sizeof(*w.quoted));
	assert_non_null(w.text);
	assert_non_null(w.quoted);
	for (size_t i = 0; mask && i < w.len && mask[i]; i++)
		w.quoted[i] = mask[i] == 'q';
	w.pos.line = 3;
	w.pos.col = 10;
	return w;
}

static void test_errors(void **state)
{
	static const struct {
		const char *text, *mask;
		unsigned col;
		const char *msg;
	} cases[] = {
		{ "${", NULL, 10, "unterminated ${" },
		{ "ab${A", NULL, 12, "unterminated ${" },
		{ "${A", "..q", 12, "bad variable name" },
		{ "${}", NULL, 10, "empty ${}" },
		{ "x${}y", NULL, 11, "empty ${}" },
		{ "x${A B}", NULL, 14, "bad variable name" },
		{ "${1}", NULL, 12, "bad variable name" },
		{ "${A-b}", NULL, 13, "bad variable name" },
		{ "${?A}", NULL, 13, "bad variable name" },
		{ "${A}", "...q", 13, "bad variable name" },
		{ "\xc3\xa9${", NULL, 11, "unterminated ${" },
	};
	struct sh_state st;
	struct sh_error err;
	struct sh_word w;
	char **fields;
	size_t n;

	state_init(&st);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		w = mkword(cases[i].text, cases[i].mask);
		memset(&err, 0, sizeof(err));
		fields = (char **)&err;
		n = 7;
		assert_ret(sh_expand(&st, &w, &fields, &n, &err), -EINVAL);
		assert_null(fields);
		assert_int_equal(n, 0);
		if (err.pos.line != 3 || err.pos.col != cases[i].col ||
		    strcmp(err.msg, cases[i].msg) != 0)
			fail_msg("sh_expand(\"%s\"): %u:%u: %s, expected "
				 "3:%u: %s", cases[i].text, err.pos.line,
				 err.pos.col, err.msg, cases[i].col,
				 cases[i].msg);
		free(w.text);
		free(w.quoted);
	}
}

/* Words the parser does not make still expand sensibly. */
static void test_raw_words(void **state)
{
	static const struct {
		const char *text, *mask, *want;
	} cases[] = {
		{ "$A_UNSET_OCAP", NULL, "" },
		{ "$OCAP_T_A", NULL, "alpha" },
		{ "$OCAP_T_A", ".q", "$OCAP_T_A" },
		{ "${OCAP_T_A}", NULL, "alpha" },
		{ "~", "q", "~" },
		{ "*\\", NULL, "*\\" },
		{ "", NULL, "" },
	};
	struct sh_state st;
	struct sh_error err;
	struct sh_word w;
	char **fields;
	size_t n;

	state_init(&st);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		w = mkword(cases[i].text, cases[i].mask);
		assert_ret(sh_expand(&st, &w, &fields, &n, &err), 0);
		assert_int_equal(n, 1);
		assert_string_equal(fields[0], cases[i].want);
		sh_fields_free(fields);
		free(w.text);
		free(w.quoted);
	}
}

/* ---- globbing ---------------------------------------------------------- */

static const char *const files[] = {
	"a.txt", "b.txt", "c.log", ".h.txt", "sub/d.txt", "sp ace.txt",
	"q*.txt", "w[1]*/x.c", "w[1]*/y.c",
};

static int glob_setup(void **state)
{
	struct tmpdir *td;
	int rc = tmpdir_setup(state);

	if (rc)
		return rc;
	td = *state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (tree_write(td->path, files[i], "x") < 0)
			return -1;
	return env_setup(state);
}

static void test_glob(void **state)
{
	static const struct case_ cases[] = {
		{ "*.txt", "a.txt|b.txt|q*.txt|sp ace.txt" },
		{ "*.log", "c.log" },
		{ "?.txt", "a.txt|b.txt" },
		{ "[ab].txt", "a.txt|b.txt" },
		{ "[!a].txt", "b.txt" },
		{ "*/d.txt", "sub/d.txt" },
		{ "s*", "sp ace.txt|sub" },
		{ ".h*", ".h.txt" },
		{ "*", "a.txt|b.txt|c.log|q*.txt|sp ace.txt|sub|w[1]*" },
		{ "w*/*.c", "w[1]*/x.c|w[1]*/y.c" },
		{ "w\"[1]*\"/*.c", "w[1]*/x.c|w[1]*/y.c" },
		{ "z*", "z*" },
		{ "\"z\"*\"*\"", "z**" },
		{ "[", "[" },
		{ "[ab", "[ab" },
		{ "\"*\".txt", "*.txt" },
		{ "'*.txt'", "*.txt" },
		{ "\\*.txt", "*.txt" },
		{ "q\"*\".txt", "q*.txt" },
		{ "q\"*\"*", "q*.txt" },
		{ "\"?\".txt", "?.txt" },
		{ "'[ab]'.txt", "[ab].txt" },
		{ "$OCAP_T_GLOB", "*" },
		{ "\"$OCAP_T_GLOB\"*", "**" },
		{ "$OCAP_T_GLOB.txt", "*.txt" },
		{ "$?*", "42*" },
		{ "${?}*", "42*" },
	};
	struct tmpdir *td = *state;
	struct sh_state st;
	char cwd[PATH_MAX];

	state_init(&st);
	/* The test's cwd is not the shell's: globs are relative to st.cwd. */
	snprintf(st.cwd, sizeof(st.cwd), "%s", td->path);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_not_equal(cwd, st.cwd);
	CHECK(&st, cases);
}

static void test_glob_cwd(void **state)
{
	static const struct case_ cases[] = {
		{ "*.c", "x.c|y.c" },
		{ "../*.log", "../c.log" },
		{ "\"x\"*", "x.c" },
	};
	struct tmpdir *td = *state;
	struct sh_state st;
	char *old = getcwd(NULL, 0), *got;

	assert_non_null(old);
	state_init(&st);
	/* A cwd with glob's own special characters in it. */
	assert_ret(tree_join(st.cwd, sizeof(st.cwd), td->path, "w[1]*"), 0);
	CHECK(&st, cases);
	/* The same, from the process's cwd. */
	assert_ret(chdir(st.cwd), 0);
	CHECK(&st, cases);
	/* No shell cwd: the process's. */
	st.cwd[0] = '\0';
	CHECK(&st, cases);
	assert_ret(chdir(old), 0);
	/* cwd "/" */
	snprintf(st.cwd, sizeof(st.cwd), "/");
	got = expand_src(&st, "tm[p]", 0);
	assert_string_equal(got, "tmp");
	free(got);
	free(old);
}

static void test_glob_absolute(void **state)
{
	struct tmpdir *td = *state;
	struct sh_state st;
	char src[PATH_MAX + 32], want[2 * PATH_MAX + 64], *got;

	state_init(&st);
	snprintf(st.cwd, sizeof(st.cwd), "/");
	/* The temp dir's name is literal: quoted. */
	snprintf(src, sizeof(src), "'%s'/*.log", td->path);
	snprintf(want, sizeof(want), "%s/c.log", td->path);
	got = expand_src(&st, src, 0);
	assert_string_equal(got, want);
	free(got);
	/* A home with glob characters, then a glob. */
	snprintf(want, sizeof(want), "%s/w[1]*", td->path);
	setenv("HOME", want, 1);
	got = expand_src(&st, "~/*.c", 0);
	snprintf(want, sizeof(want), "%s/w[1]*/x.c|%s/w[1]*/y.c", td->path,
		 td->path);
	assert_string_equal(got, want);
	free(got);
	got = expand_src(&st, "~/*.none", 0);
	snprintf(want, sizeof(want), "%s/w[1]*/*.none", td->path);
	assert_string_equal(got, want);
	free(got);
	setenv("HOME", "/home/tester", 1);
}

/* A glob gives fields of its own; other words of the command stay one. */
static void test_glob_fields(void **state)
{
	struct tmpdir *td = *state;
	struct sh_state st;
	struct sh_error err;
	struct sh_list *l;
	char **fields;
	size_t n;

	state_init(&st);
	snprintf(st.cwd, sizeof(st.cwd), "%s", td->path);
	assert_ret(sh_parse("cat => *.txt", &l, &err), 0);
	assert_true(l->pipes[0].cmds[0].words[1].writable);
	assert_ret(sh_expand(&st, &l->pipes[0].cmds[0].words[1], &fields, &n,
			     &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(fields[2], "q*.txt");
	assert_null(fields[4]);
	sh_fields_free(fields);
	sh_list_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vars, env_setup),
		cmocka_unit_test_setup(test_status, env_setup),
		cmocka_unit_test_setup(test_one_field, env_setup),
		cmocka_unit_test_setup(test_tilde, env_setup),
		cmocka_unit_test_setup(test_errors, env_setup),
		cmocka_unit_test_setup(test_raw_words, env_setup),
		cmocka_unit_test_setup_teardown(test_glob, glob_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_glob_cwd, glob_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_glob_absolute, glob_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_glob_fields, glob_setup,
						tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
