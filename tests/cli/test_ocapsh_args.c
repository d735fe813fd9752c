/* SPDX-License-Identifier: MIT */
/*
 * ocapsh's command line (capsh/ocapsh_args.c) in process: what each
 * command line makes of the plan (read back from the plan itself), what
 * it hands on to the shell, where the program starts, ocapsh's own
 * options, and each refusal as the one line ocapsh prints, naming the
 * argument at fault.  Out of memory through -Wl,--wrap=calloc.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ocapsh_args.h"
#include "plan.h"
#include "support.h"

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);

/* The call (1: the next) that fails; 0: none. */
static int calloc_fails_at;

void *__wrap_calloc(size_t n, size_t size)
{
	if (calloc_fails_at > 0 && --calloc_fails_at == 0)
		return NULL;
	return __real_calloc(n, size);
}

#define MAX_ARGS 16

/* One parse of a command line, with copies of its words (the parser
 * splits "--opt=value" in place). */
struct parse {
	char *argv[MAX_ARGS + 1];
	int argc;
	ocap_plan *p;
	struct ocapsh_args a;
	char msg[1024];
	int r;
};

/* Parse "ocapsh" followed by words (NULL-terminated). */
static struct parse *parse(const char *const words[])
{
	struct parse *t = calloc(1, sizeof *t);

	assert_non_null(t);
	t->argv[t->argc++] = strdup("ocapsh");
	for (size_t i = 0; words[i]; i++) {
		assert_true(t->argc < MAX_ARGS);
		t->argv[t->argc++] = strdup(words[i]);
	}
	assert_ret(ocap_plan_new(&t->p), 0);
	t->r = ocapsh_args_parse(t->p, t->argc, t->argv, &t->a, t->msg,
				 sizeof t->msg);
	return t;
}

static void done(struct parse *t)
{
	ocapsh_args_free(&t->a);
	ocap_plan_free(t->p);
	for (int i = 0; i < t->argc; i++)
		free(t->argv[i]);
	free(t);
}

#define PARSE(...) parse((const char *const[]){ __VA_ARGS__, NULL })

static void expect_opt(const struct parse *t, size_t i, const char *opt,
		       const char *val)
{
	assert_true(i < t->a.n);
	assert_string_equal(t->a.opt[i], opt);
	if (!val)
		assert_null(t->a.val[i]);
	else
		assert_string_equal(t->a.val[i], val);
}

/* The plan's path grant named name. */
static const struct ocap_path_grant *path_of(const ocap_plan *p,
					     const char *name)
{
	for (size_t i = 0; i < p->npaths; i++)
		if (!strcmp(p->paths[i].name, name))
			return &p->paths[i];
	fail_msg("no grant of %s in the plan", name);
	NOT_REACHED
	return NULL;
}

/* Each grant goes to the plan as it comes, "--name=value" or "--name
 * value", named by its argument; the program starts at the first word
 * that is no option, and what follows it is its own. */
static void test_program(void **state)
{
	struct parse *t = PARSE("--ro", "/usr", "--rw=/tmp", "--best-effort",
				"-v", "--env", "LANG=C", "prog", "-x", "--ro");
	const struct ocap_path_grant *g;

	(void)state;
	assert_ret(t->r, OCAPSH_ARGS_OK);
	assert_int_equal(t->a.shell, 0);
	assert_ptr_equal(t->a.prog, t->argv + 8);
	assert_string_equal(t->a.prog[1], "-x");
	assert_string_equal(t->a.prog[2], "--ro");
	assert_null(t->a.text);
	assert_null(t->a.learn);
	assert_int_equal(t->a.explain, 0);
	assert_int_equal(t->a.n, 5);
	expect_opt(t, 0, "--ro", "/usr");
	expect_opt(t, 1, "--rw", "/tmp");
	expect_opt(t, 2, "--best-effort", NULL);
	expect_opt(t, 3, "-v", NULL);
	expect_opt(t, 4, "--env", "LANG=C");
	/* Split in place: the value is the rest of the same word. */
	assert_string_equal(t->argv[3], "--rw");
	assert_ptr_equal(t->a.val[1], t->argv[3] + 5);
	assert_ptr_equal(t->a.val[0], t->argv[2]);

	assert_int_equal(t->p->npaths, 2);
	g = path_of(t->p, "/usr");
	assert_int_equal(g->rights, OCAP_RIGHTS_RO);
	assert_string_equal(g->where, "argument 1");
	g = path_of(t->p, "/tmp");
	assert_int_equal(g->rights, OCAP_RIGHTS_RW);
	assert_string_equal(g->where, "argument 3");
	assert_true(t->p->best_effort);
	assert_int_equal(t->p->verbose, 1);
	assert_int_equal(t->p->nenv, 1);
	assert_string_equal(t->p->env[0], "LANG=C");
	done(t);
}

/* Where each command line ends its options and what it asks for: the
 * program's first word (an index into argv), the shell's text, the
 * options handed on to the shell (the first of them). */
static void test_ends(void **state)
{
	static const struct {
		const char *words[6];
		int r;
		char shell;
		int prog, text; /* indices into argv; 0: none */
		size_t n;
		const char *opt0, *val0;
	} cases[] = {
		/* "--" ends the options: what follows is the program, even
		 * "-x" or "-c"; with nothing after it there is none. */
		{ { "--ro", "/usr", "--", "-x", "y" }, OCAPSH_ARGS_OK, 0, 4, 0,
		  1, "--ro", "/usr" },
		{ { "--", "-c", "x" }, OCAPSH_ARGS_OK, 0, 2, 0, 0, NULL, NULL },
		{ { "--ro", "/usr", "--" }, OCAPSH_ARGS_NO_PROGRAM, 0, 0, 0, 1,
		  "--ro", "/usr" },
		/* An option's value may look like one: it is the value. */
		{ { "--rw", "-c", "prog" }, OCAPSH_ARGS_OK, 0, 3, 0, 1, "--rw",
		  "-c" },
		/* After the program, -c and --help are the program's. */
		{ { "prog", "-c", "x" }, OCAPSH_ARGS_OK, 0, 1, 0, 0, NULL, NULL },
		{ { "prog", "--help" }, OCAPSH_ARGS_OK, 0, 1, 0, 0, NULL, NULL },
		/* Nothing at all, or options alone: the interactive shell. */
		{ { NULL }, OCAPSH_ARGS_OK, 'i', 0, 0, 0, NULL, NULL },
		{ { "--ro", "/usr" }, OCAPSH_ARGS_OK, 'i', 0, 0, 1, "--ro",
		  "/usr" },
		{ { "--rw", "/tmp", "-c", "cat x; ls" }, OCAPSH_ARGS_OK, 'c', 0,
		  4, 1, "--rw", "/tmp" },
		{ { "-f", "script.ocap" }, OCAPSH_ARGS_OK, 'f', 0, 2, 0, NULL,
		  NULL },
		/* ocapsh's own: what comes first is what counts. */
		{ { "-h" }, OCAPSH_ARGS_HELP, 0, 0, 0, 0, NULL, NULL },
		{ { "--ro", "/usr", "--help", "--bogus" }, OCAPSH_ARGS_HELP, 0,
		  0, 0, 1, "--ro", "/usr" },
		{ { "--version", "prog" }, OCAPSH_ARGS_VERSION, 0, 0, 0, 0, NULL,
		  NULL },
		{ { "--bogus", "--help" }, -EINVAL, 0, 0, 0, 0, NULL, NULL },
		{ { "--explain", "prog" }, OCAPSH_ARGS_OK, 0, 2, 0, 0, NULL,
		  NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct parse *t = parse(cases[i].words);

		print_message("ocapsh%s%s ...\n", t->argc > 1 ? " " : "",
			      t->argc > 1 ? cases[i].words[0] : "");
		assert_ret(t->r, cases[i].r);
		if (t->r < 0 || t->r == OCAPSH_ARGS_HELP ||
		    t->r == OCAPSH_ARGS_VERSION) {
			done(t);
			continue;
		}
		assert_int_equal(t->a.shell, cases[i].shell);
		if (cases[i].prog)
			assert_ptr_equal(t->a.prog, t->argv + cases[i].prog);
		else
			assert_null(t->a.prog);
		if (cases[i].text)
			assert_ptr_equal(t->a.text, t->argv[cases[i].text]);
		else
			assert_null(t->a.text);
		assert_int_equal(t->a.n, cases[i].n);
		if (cases[i].opt0)
			expect_opt(t, 0, cases[i].opt0, cases[i].val0);
		done(t);
	}
}

static void test_explain_learn(void **state)
{
	struct parse *t;

	(void)state;
	t = PARSE("--explain", "prog");
	assert_ret(t->r, OCAPSH_ARGS_OK);
	assert_int_equal(t->a.explain, 1);
	assert_int_equal(t->a.n, 0); /* not the shell's */
	done(t);
	t = PARSE("--explain=json", "prog");
	assert_ret(t->r, OCAPSH_ARGS_OK);
	assert_int_equal(t->a.explain, 2);
	done(t);
	t = PARSE("--explain=text", "prog");
	assert_ret(t->r, -EINVAL);
	assert_string_equal(t->msg, "argument 1: --explain: the one format "
				    "it takes is json");
	done(t);

	/* --exec is ocapsh's own: nothing for the plan or the shell. */
	t = PARSE("--exec", "--ro", "/usr", "prog");
	assert_ret(t->r, OCAPSH_ARGS_OK);
	assert_true(t->a.exec);
	assert_int_equal(t->a.n, 1);
	expect_opt(t, 0, "--ro", "/usr");
	assert_string_equal(t->a.prog[0], "prog");
	done(t);
	t = PARSE("--ro", "/usr", "prog");
	assert_ret(t->r, OCAPSH_ARGS_OK);
	assert_false(t->a.exec);
	done(t);

	/* --learn FILE asks the plan for --learn (--suggest, and reads let
	 * through), and hands that on. */
	t = PARSE("--learn", "out.grants", "prog");
	assert_ret(t->r, OCAPSH_ARGS_OK);
	assert_string_equal(t->a.learn, "out.grants");
	assert_true(t->p->suggest);
	assert_true(t->p->learn);
	assert_int_equal(t->a.n, 1);
	expect_opt(t, 0, "--learn", NULL);
	assert_string_equal(t->a.prog[0], "prog");
	done(t);
	t = PARSE("--learn=out.grants", "prog");
	assert_ret(t->r, OCAPSH_ARGS_OK);
	assert_string_equal(t->a.learn, "out.grants");
	assert_true(t->p->suggest);
	assert_true(t->p->learn);
	done(t);
	t = PARSE("--suggest", "prog");
	assert_ret(t->r, OCAPSH_ARGS_OK);
	assert_true(t->p->suggest);
	assert_false(t->p->learn);
	done(t);
	t = PARSE("--ro", "/usr", "--learn");
	assert_ret(t->r, -EINVAL);
	assert_string_equal(t->msg, "argument 3: --learn: missing value");
	done(t);
}

static void test_refusals(void **state)
{
	static const struct {
		const char *words[6];
		const char *msg;
	} cases[] = {
		{ { "--bogus" },
		  "argument 1: unknown option '--bogus'\n"
		  "Hint: ocapsh --help lists the options" },
		{ { "--ro", "/usr", "--bogus=1", "prog" },
		  "argument 3: unknown option '--bogus'\n"
		  "Hint: ocapsh --help lists the options" },
		{ { "-" },
		  "argument 1: unknown option '-'\n"
		  "Hint: ocapsh --help lists the options" },
		{ { "--ro" }, "argument 1: --ro: missing value" },
		{ { "--best-effort=yes" },
		  "argument 1: --best-effort takes no value" },
		{ { "-c" }, "argument 1: -c: missing value" },
		{ { "--ro", "/usr", "-f" }, "argument 3: -f: missing value" },
		{ { "--ro", "/usr", "-c", "echo hi", "extra" },
		  "argument 5: nothing may follow -c echo hi" },
		/* A script is quoted up to its first line break. */
		{ { "-c", "cat a\nrm -rf b", "x" },
		  "argument 3: nothing may follow -c cat a..." },
		{ { "-f", "\033[2Jx", "x" },
		  "argument 3: nothing may follow -f ..." },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *const *w = cases[i].words;
		struct parse *t = parse(w);

		if (t->r != -EINVAL || strcmp(t->msg, cases[i].msg))
			fail_msg("%s%s%s: %s, \"%s\"; expected \"%s\"", w[0],
				 w[1] ? " " : "", w[1] ? w[1] : "",
				 ret_name(t->r), t->msg, cases[i].msg);
		done(t);
	}
}

/* A message cut to the buffer, never past it. */
static void test_msg_size(void **state)
{
	static const char *const lines[][4] = {
		{ "ocapsh", "--bogus", NULL },
		{ "ocapsh", "-c", "x", "y" },
	};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char *argv[5], buf[32];
		struct ocapsh_args a;
		ocap_plan *p;
		int argc = 0;

		for (; argc < 4 && lines[i][argc]; argc++)
			argv[argc] = strdup(lines[i][argc]);
		argv[argc] = NULL;
		memset(buf, 'Z', sizeof buf);
		assert_ret(ocap_plan_new(&p), 0);
		assert_ret(ocapsh_args_parse(p, argc, argv, &a, buf, 12),
			   -EINVAL);
		assert_int_equal(strlen(buf), 11);
		assert_memory_equal(buf, "argument ", 9);
		for (size_t k = 12; k < sizeof buf; k++)
			assert_int_equal(buf[k], 'Z');
		ocapsh_args_free(&a);
		ocap_plan_free(p);
		for (int k = 0; k < argc; k++)
			free(argv[k]);
	}
}

/* Out of memory for either list: -ENOMEM and "out of memory", and what
 * was had is freed (LeakSanitizer, in the sanitizer build). */
static void test_nomem(void **state)
{
	char *argv[] = { "ocapsh", "prog", NULL };
	struct ocapsh_args a;
	char msg[64];
	ocap_plan *p;

	(void)state;
	assert_ret(ocap_plan_new(&p), 0);
	for (int at = 1; at <= 2; at++) {
		calloc_fails_at = at;
		assert_ret(ocapsh_args_parse(p, 2, argv, &a, msg, sizeof msg),
			   -ENOMEM);
		calloc_fails_at = 0;
		assert_string_equal(msg, "out of memory");
		ocapsh_args_free(&a);
		assert_null(a.opt);
		assert_null(a.val);
		ocapsh_args_free(&a); /* twice: nothing left to free */
	}
	assert_ret(ocapsh_args_parse(p, 2, argv, &a, msg, sizeof msg),
		   OCAPSH_ARGS_OK);
	ocapsh_args_free(&a);
	ocap_plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_program),
		cmocka_unit_test(test_ends),
		cmocka_unit_test(test_explain_learn),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_msg_size),
		cmocka_unit_test(test_nomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
