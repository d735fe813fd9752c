/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"
#include "support.h"

/*
 * Parsed lists are compared as text: "[word]" with "/mask" after it when
 * some byte is quoted (q quoted, . not), "=>" before a writable word,
 * redirections as "N<[t]", "N>[t]", "N>>[t]", "N>&M", and " | ", " ; ",
 * " && ", " || " between commands and pipelines.
 */

static void dump_word(FILE *f, const struct sh_word *w)
{
	bool any = false;

	fprintf(f, "%s[%.*s", w->writable ? "=>" : "", (int)w->len, w->text);
	for (size_t i = 0; i < w->len; i++)
		any |= w->quoted[i];
	if (any) {
		fputc('/', f);
		for (size_t i = 0; i < w->len; i++)
			fputc(w->quoted[i] ? 'q' : '.', f);
	}
	fputc(']', f);
}

static void dump_redir(FILE *f, const struct sh_redir *r)
{
	static const char *const op[] = {
		[SH_REDIR_IN] = "<",
		[SH_REDIR_OUT] = ">",
		[SH_REDIR_APPEND] = ">>",
		[SH_REDIR_DUP] = ">&",
	};

	fprintf(f, "%d%s", r->fd, op[r->kind]);
	if (r->kind == SH_REDIR_DUP)
		fprintf(f, "%d", r->dup_fd);
	else
		dump_word(f, &r->target);
}

static void dump_cmd(FILE *f, const struct sh_cmd *c)
{
	const char *sep = "";

	for (size_t i = 0; i < c->nwords; i++, sep = " ") {
		fputs(sep, f);
		dump_word(f, &c->words[i]);
	}
	for (size_t i = 0; i < c->nredirs; i++, sep = " ") {
		fputs(sep, f);
		dump_redir(f, &c->redirs[i]);
	}
}

/* Words first, then redirections, per command. */
static char *dump(const struct sh_list *l)
{
	static const char *const conn[] = {
		[SH_SEQ] = " ; ",
		[SH_AND] = " && ",
		[SH_OR] = " || ",
	};
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	assert_non_null(f);
	for (size_t i = 0; i < l->npipes; i++) {
		if (i > 0)
			fputs(conn[l->conn[i - 1]], f);
		for (size_t j = 0; j < l->pipes[i].ncmds; j++) {
			if (j > 0)
				fputs(" | ", f);
			dump_cmd(f, &l->pipes[i].cmds[j]);
		}
	}
	fclose(f);
	return s;
}

struct ok_case {
	const char *src;
	const char *want;
};

static void check_ok(const struct ok_case *c, size_t n)
{
	struct sh_error err;
	struct sh_list *l;
	char *got;
	int rc;

	for (size_t i = 0; i < n; i++) {
		rc = sh_parse(c[i].src, &l, &err);
		if (rc != 0)
			fail_msg("sh_parse(\"%s\") = %d: %u:%u: %s", c[i].src,
				 rc, err.pos.line, err.pos.col, err.msg);
		got = dump(l);
		if (strcmp(got, c[i].want) != 0)
			fail_msg("sh_parse(\"%s\"):\n got  %s\n want %s",
				 c[i].src, got, c[i].want);
		free(got);
		sh_list_free(l);
	}
}
#define CHECK_OK(cases) check_ok(cases, sizeof(cases) / sizeof((cases)[0]))

struct err_case {
	const char *src;
	unsigned line, col;
	const char *msg;
};

static void check_err(const struct err_case *c, size_t n)
{
	struct sh_error err;
	struct sh_list *l;
	int rc;

	for (size_t i = 0; i < n; i++) {
		memset(&err, 0, sizeof(err));
		l = (struct sh_list *)&err; /* must become NULL */
		rc = sh_parse(c[i].src, &l, &err);
		if (rc != -EINVAL || l != NULL || err.pos.line != c[i].line ||
		    err.pos.col != c[i].col || strcmp(err.msg, c[i].msg) != 0)
			fail_msg("sh_parse(\"%s\") = %d %u:%u: %s, expected "
				 "-EINVAL %u:%u: %s", c[i].src, rc,
				 err.pos.line, err.pos.col, err.msg,
				 c[i].line, c[i].col, c[i].msg);
	}
}
#define CHECK_ERR(cases) check_err(cases, sizeof(cases) / sizeof((cases)[0]))

/* ---- words ----------------------------------------------------------- */

static void test_words(void **state)
{
	static const struct ok_case cases[] = {
		{ "echo hello world", "[echo] [hello] [world]" },
		{ "  echo\t a  \t", "[echo] [a]" },
		{ "a=b c,d e.f/g", "[a=b] [c,d] [e.f/g]" },
		{ "(a) {b} `c`", "[(a)] [{b}] [`c`]" },
		{ "caf\xc3\xa9", "[caf\xc3\xa9]" },
	};

	CHECK_OK(cases);
}

static void test_quotes(void **state)
{
	static const struct ok_case cases[] = {
		{ "'a b'", "[a b/qqq]" },
		{ "'a\"b\\c'", "[a\"b\\c/qqqqq]" },
		{ "'a\\\nb'", "[a\\\nb/qqqq]" },
		{ "\"a 'b'\"", "[a 'b'/qqqqq]" },
		{ "\"\\\"\\\\\\$\\`\"", "[\"\\$`/qqqq]" },
		{ "\"a\\nb\"", "[a\\nb/qqqq]" },
		{ "\"a\\\nb\"", "[ab/qq]" },
		{ "\"a\nb\"", "[a\nb/qqq]" },
		{ "a\"b\"c'd'", "[abcd/.q.q]" },
		{ "''", "[]" },
		{ "\"\" x ''", "[] [x] []" },
		{ "'' ''x", "[] [x]" },
		{ "'a'\"b\"", "[ab/qq]" },
		{ "\"'\" '\"'", "['/q] [\"/q]" },
		{ "'|;&<>#'", "[|;&<>#/qqqqqq]" },
		{ "\"a|b\"c", "[a|bc/qqq.]" },
	};

	CHECK_OK(cases);
}

static void test_escapes(void **state)
{
	static const struct ok_case cases[] = {
		{ "a\\ b", "[a b/.q.]" },
		{ "\\'x", "['x/q.]" },
		{ "\\\"x\\\"", "[\"x\"/q.q]" },
		{ "\\\\", "[\\/q]" },
		{ "a\\;b", "[a;b/.q.]" },
		{ "\\|\\&\\<\\>", "[|&<>/qqqq]" },
		{ "\\#x", "[#x/q.]" },
		{ "\\n", "[n/q]" },
		{ "a\\", "[a\\/.q]" },
		{ "a\\\\\nb", "[a\\/.q] ; [b]" },
	};

	CHECK_OK(cases);
}

static void test_dollar(void **state)
{
	static const struct ok_case cases[] = {
		{ "$HOME", "[${HOME}]" },
		{ "${HOME}", "[${HOME}]" },
		{ "\"$HOME\"", "[${HOME}]" },
		{ "\"x$A\"", "[x${A}/q....]" },
		{ "\"$A\"B", "[${A}B]" },
		{ "$A''B", "[${A}B]" },
		{ "$A_1.b", "[${A_1}.b]" },
		{ "${A}x", "[${A}x]" },
		{ "\"${A}x\"", "[${A}x/....q]" },
		{ "$? \"$?\" ${?} $?x", "[$?] [$?] [${?}] [$?x]" },
		{ "$1 $ a$ $$", "[$1/q.] [$/q] [a$/.q] [$$/qq]" },
		{ "\"$\" \"a $\"", "[$/q] [a $/qqq]" },
		{ "\\$A '$A' \"\\$A\"", "[$A/q.] [$A/qq] [$A/qq]" },
		{ "$'A' $\"A\"", "[$A/qq] [$A/qq]" },
		{ "$\\\nA", "[${A}]" },
	};

	CHECK_OK(cases);
}

static void test_tilde_and_globs(void **state)
{
	static const struct ok_case cases[] = {
		{ "~ ~/x ~user/y", "[~] [~/x] [~user/y]" },
		{ "a~ \"~\" \\~ '~'", "[a~/.q] [~/q] [~/q] [~/q]" },
		{ "~~", "[~~/.q]" },
		{ "*.c \"*.c\"", "[*.c] [*.c/qqq]" },
		{ "'*'.c \\*.c", "[*.c/q..] [*.c/q..]" },
		{ "[ab]? \"[\"a]", "[[ab]?] [[a]/q..]" },
	};

	CHECK_OK(cases);
}

static void test_comments(void **state)
{
	static const struct ok_case cases[] = {
		{ "", "" },
		{ "# only a comment", "" },
		{ "\n\n  \n\t\n", "" },
		{ "# one\n   # two\n", "" },
		{ "echo a # c ; echo b", "[echo] [a]" },
		{ "echo a # c\necho b", "[echo] [a] ; [echo] [b]" },
		{ "echo a;#c", "[echo] [a]" },
		{ "echo a|#c\nb", "[echo] [a] | [b]" },
		{ "a#b c#", "[a#b] [c#]" },
		{ "a '#b' \"#\"", "[a] [#b/qq] [#/q]" },
		{ "# comment \\\necho x", "[echo] [x]" },
		{ "echo x #'unclosed", "[echo] [x]" },
	};

	CHECK_OK(cases);
}

static void test_continuation(void **state)
{
	static const struct ok_case cases[] = {
		{ "ec\\\nho a", "[echo] [a]" },
		{ "echo a \\\n b", "[echo] [a] [b]" },
		{ "a &\\\n& b", "[a] && [b]" },
		{ "a |\\\n| b", "[a] || [b]" },
		{ "a 2\\\n>&\\\n1", "[a] 2>&1" },
		{ "cp a =\\\n> b", "[cp] [a] =>[b]" },
		{ "a \\\n\\\n\\\n", "[a]" },
		{ "\\\n", "" },
		{ "$\\\n{A\\\n}", "[${A}]" },
		{ "a\\\n'b'", "[ab/.q]" },
	};

	CHECK_OK(cases);
}

/* ---- redirections, connectors, "=>" ------------------------------------ */

static void test_redirections(void **state)
{
	static const struct ok_case cases[] = {
		{ "a < in", "[a] 0<[in]" },
		{ "a <in >out >>app", "[a] 0<[in] 1>[out] 1>>[app]" },
		{ "a 2>err 0<in 3>>log", "[a] 2>[err] 0<[in] 3>>[log]" },
		{ "a 2>&1", "[a] 2>&1" },
		{ "a >&2", "[a] 1>&2" },
		{ "a 2>&1 >out", "[a] 2>&1 1>[out]" },
		{ "a 9<x 0>y", "[a] 9<[x] 0>[y]" },
		{ "a>b", "[a] 1>[b]" },
		{ "a 2>b", "[a] 2>[b]" },
		{ "a2>b", "[a2] 1>[b]" },
		{ "a 12>x", "[a] [12] 1>[x]" },
		{ "a \"2\">x", "[a] [2/q] 1>[x]" },
		{ "a 2 >x", "[a] [2] 1>[x]" },
		{ "a > \"x y\"", "[a] 1>[x y/qqq]" },
		{ "a >'' ", "[a] 1>[]" },
		{ ">out a", "[a] 1>[out]" },
		{ "> out", "1>[out]" },
		{ "2>&1", "2>&1" },
		{ "a 2>&1;b", "[a] 2>&1 ; [b]" },
		{ "a 2>&1|b", "[a] 2>&1 | [b]" },
		{ "a >~/x", "[a] 1>[~/x]" },
		{ "a >>$F", "[a] 1>>[${F}]" },
		{ "a=>b", "[a=] 1>[b]" },
		{ "a \\=> b", "[a] [=/q] 1>[b]" },
	};

	CHECK_OK(cases);
}

static void test_connectors(void **state)
{
	static const struct ok_case cases[] = {
		{ "a;b", "[a] ; [b]" },
		{ "a ; b ;", "[a] ; [b]" },
		{ "a\nb", "[a] ; [b]" },
		{ "a\n\n\nb\n", "[a] ; [b]" },
		{ "a && b || c", "[a] && [b] || [c]" },
		{ "a&&b||c", "[a] && [b] || [c]" },
		{ "a | b | c", "[a] | [b] | [c]" },
		{ "a|b&&c|d;e||f", "[a] | [b] && [c] | [d] ; [e] || [f]" },
		{ "a &&\n\n b", "[a] && [b]" },
		{ "a ||\n# c\n b", "[a] || [b]" },
		{ "a |\n b", "[a] | [b]" },
		{ "a ;\n b", "[a] ; [b]" },
		{ "a >x | b <y && c", "[a] 1>[x] | [b] 0<[y] && [c]" },
	};

	CHECK_OK(cases);
}

static void test_conn_values(void **state)
{
	struct sh_error err;
	struct sh_list *l;

	assert_ret(sh_parse("a && b | c || d; e\n", &l, &err), 0);
	assert_int_equal(l->npipes, 4);
	assert_int_equal(l->conn[0], SH_AND);
	assert_int_equal(l->conn[1], SH_OR);
	assert_int_equal(l->conn[2], SH_SEQ);
	assert_int_equal(l->conn[3], SH_SEQ);
	assert_int_equal(l->pipes[1].ncmds, 2);
	assert_string_equal(l->pipes[1].cmds[1].words[0].text, "c");
	sh_list_free(l);

	assert_ret(sh_parse("# nothing\n", &l, &err), 0);
	assert_non_null(l);
	assert_int_equal(l->npipes, 0);
	sh_list_free(l);
	sh_list_free(NULL);
}

static void test_write_marker(void **state)
{
	static const struct ok_case cases[] = {
		{ "cp a => b", "[cp] [a] =>[b]" },
		{ "cp a =>b", "[cp] [a] =>[b]" },
		{ "cp a => \"b c\"", "[cp] [a] =>[b c/qqq]" },
		{ "=> x", "=>[x]" },
		{ "cp a => b > c", "[cp] [a] =>[b] 1>[c]" },
		{ "cp => a => b", "[cp] =>[a] =>[b]" },
		{ "cp a =>\\\n b", "[cp] [a] =>[b]" },
		{ "a '=>' b", "[a] [=>/qq] [b]" },
		{ "a \"=\"> b", "[a] [=/q] 1>[b]" },
		{ "a x=> b", "[a] [x=] 1>[b]" },
		{ "a == b", "[a] [==] [b]" },
		{ "a => $HOME/x", "[a] =>[${HOME}/x]" },
		{ "a => b | c => d", "[a] =>[b] | [c] =>[d]" },
	};

	CHECK_OK(cases);
}

/* ---- positions --------------------------------------------------------- */

static void assert_pos(struct sh_pos p, unsigned line, unsigned col)
{
	if (p.line != line || p.col != col)
		fail_msg("position %u:%u, expected %u:%u", p.line, p.col, line,
			 col);
}

static void test_positions(void **state)
{
	const char *src = "echo  hi\n  cat <in 2>&1 => out\n"
			  "x \\\n  y \"q\" caf\xc3\xa9 z";
	const struct sh_cmd *c;
	struct sh_error err;
	struct sh_list *l;

	assert_ret(sh_parse(src, &l, &err), 0);
	assert_int_equal(l->npipes, 3);
	c = &l->pipes[0].cmds[0];
	assert_pos(c->pos, 1, 1);
	assert_pos(c->words[0].pos, 1, 1);
	assert_pos(c->words[1].pos, 1, 7);
	c = &l->pipes[1].cmds[0];
	assert_pos(c->pos, 2, 3);
	assert_pos(c->redirs[0].pos, 2, 7);
	assert_pos(c->redirs[1].pos, 2, 11);
	assert_pos(c->words[1].pos, 2, 19);
	assert_true(c->words[1].writable);
	assert_false(c->words[0].writable);
	c = &l->pipes[2].cmds[0];
	assert_pos(c->words[1].pos, 4, 3);
	assert_pos(c->words[2].pos, 4, 5);
	assert_pos(c->words[4].pos, 4, 14);
	sh_list_free(l);
}

static void test_errors(void **state)
{
	static const struct err_case cases[] = {
		{ "echo 'abc", 1, 6, "unterminated quote" },
		{ "echo \"abc", 1, 6, "unterminated quote" },
		{ "echo a'b", 1, 7, "unterminated quote" },
		{ "echo ok\necho \"x\ny", 2, 6, "unterminated quote" },
		{ "echo \"a\\\"", 1, 6, "unterminated quote" },
		{ "echo \\\n  'x", 2, 3, "unterminated quote" },
		{ "echo \xc3\xa9 'x", 1, 8, "unterminated quote" },
		{ "\techo 'x", 1, 7, "unterminated quote" },
		{ "a |", 1, 3, "| with no command after it" },
		{ "a | ", 1, 3, "| with no command after it" },
		{ "a |\n\n", 1, 3, "| with no command after it" },
		{ "| a", 1, 1, "| with no command before it" },
		{ "a | | b", 1, 3, "| with no command after it" },
		{ "a | ; b", 1, 3, "| with no command after it" },
		{ "a && && b", 1, 3, "&& with no command after it" },
		{ "a &&", 1, 3, "&& with no command after it" },
		{ "&& a", 1, 1, "&& with no command before it" },
		{ "a;\n  && b", 2, 3, "&& with no command before it" },
		{ "a ||", 1, 3, "|| with no command after it" },
		{ "|| a", 1, 1, "|| with no command before it" },
		{ "a; ; b", 1, 4, "; with no command before it" },
		{ "; a", 1, 1, "; with no command before it" },
		{ "a;\n\n;b", 3, 1, "; with no command before it" },
		{ "a;;", 1, 3, "; with no command before it" },
		{ "a >", 1, 3, "redirection without a target" },
		{ "a 2>", 1, 3, "redirection without a target" },
		{ "a >> ; b", 1, 3, "redirection without a target" },
		{ "a > | b", 1, 3, "redirection without a target" },
		{ "a < && b", 1, 3, "redirection without a target" },
		{ "a >\nb", 1, 3, "redirection without a target" },
		{ "a > > b", 1, 3, "redirection without a target" },
		{ "a > => b", 1, 3, "redirection without a target" },
		{ "cp a =>", 1, 6, "=> not followed by a word" },
		{ "cp a => ; b", 1, 6, "=> not followed by a word" },
		{ "cp a =>\nb", 1, 6, "=> not followed by a word" },
		{ "cp => => b", 1, 4, "=> not followed by a word" },
		{ "cp a => | b", 1, 6, "=> not followed by a word" },
		{ "cp a => > f", 1, 6, "=> before a redirection" },
		{ "cp a => 2>f", 1, 6, "=> before a redirection" },
		{ "cp a =>>f", 1, 6, "=> before a redirection" },
		{ "cp a => 2>&1", 1, 6, "=> before a redirection" },
		{ "a 2>&x", 1, 6, ">& not followed by a digit" },
		{ "a 2>&", 1, 6, ">& not followed by a digit" },
		{ "a >& 1", 1, 5, ">& not followed by a digit" },
		{ "a 2>&-", 1, 6, ">& not followed by a digit" },
		{ "a 2>&12", 1, 7, "expected one digit after >&" },
		{ "a 2>&1x", 1, 7, "expected one digit after >&" },
		{ "a <&0", 1, 4, "<& is not supported" },
		{ "a & b", 1, 3, "background & is not supported" },
		{ "a &", 1, 3, "background & is not supported" },
		{ "echo ${", 1, 6, "unterminated ${" },
		{ "echo ${A", 1, 6, "unterminated ${" },
		{ "echo ${A\nB}", 1, 6, "unterminated ${" },
		{ "echo \"${A\"", 1, 7, "unterminated ${" },
		{ "echo \"${A", 1, 6, "unterminated quote" },
		{ "echo ${}", 1, 6, "empty ${}" },
		{ "echo \"a\" \"${}\"", 1, 11, "empty ${}" },
		{ "echo ${A B}", 1, 9, "bad variable name" },
		{ "echo ${1}", 1, 8, "bad variable name" },
		{ "echo ${A-x}", 1, 9, "bad variable name" },
		{ "echo ${?x}", 1, 9, "bad variable name" },
		{ "echo ${A'}'", 1, 9, "bad variable name" },
		{ "a\nb\n  c | |", 3, 5, "| with no command after it" },
	};

	CHECK_ERR(cases);
}

static void test_nul(void **state)
{
	static const struct {
		const char *src;
		size_t len;
		unsigned line, col;
	} cases[] = {
		{ "echo a\0b", 8, 1, 7 },
		{ "a\nb\0", 4, 2, 2 },
		{ "'\0'", 3, 1, 2 },
		{ "# x\0", 4, 1, 4 },
		{ "\0", 1, 1, 1 },
	};
	struct sh_error err;
	struct sh_list *l;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		l = (struct sh_list *)&err;
		assert_ret(sh_parse_len(cases[i].src, cases[i].len, &l, &err),
			   -EINVAL);
		assert_null(l);
		assert_pos(err.pos, cases[i].line, cases[i].col);
		assert_string_equal(err.msg, "NUL byte in input");
	}
	assert_ret(sh_parse_len("a b", 3, &l, &err), 0);
	assert_int_equal(l->pipes[0].cmds[0].nwords, 2);
	sh_list_free(l);
	/* A length shorter than the string ends the input there. */
	assert_ret(sh_parse_len("a b", 1, &l, &err), 0);
	assert_int_equal(l->pipes[0].cmds[0].nwords, 1);
	sh_list_free(l);
	/* err may be NULL. */
	assert_ret(sh_parse("a '", &l, NULL), -EINVAL);
	assert_null(l);
}

/* ---- large input ------------------------------------------------------- */

/* "prefix0 SEP prefix1 SEP ..." with n items. */
static char *repeat(const char *sep, size_t n)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%sw%zu", i ? sep : "", i);
	fclose(f);
	return s;
}

static void test_many_words(void **state)
{
	char *src = repeat(" ", 10000);
	struct sh_error err;
	struct sh_list *l;
	const struct sh_cmd *c;

	assert_ret(sh_parse(src, &l, &err), 0);
	c = &l->pipes[0].cmds[0];
	assert_int_equal(c->nwords, 10000);
	assert_string_equal(c->words[9999].text, "w9999");
	assert_int_equal(c->words[9999].pos.col, strlen(src) - 4);
	sh_list_free(l);
	free(src);
}

static void test_many_pipelines(void **state)
{
	static const char *const seps[] = { " && ", " | ", "\n", " || " };
	struct sh_error err;
	struct sh_list *l;
	char *src;

	for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
		src = repeat(seps[i], 10000);
		assert_ret(sh_parse(src, &l, &err), 0);
		if (i == 1) {
			assert_int_equal(l->npipes, 1);
			assert_int_equal(l->pipes[0].ncmds, 10000);
		} else {
			assert_int_equal(l->npipes, 10000);
			assert_int_equal(l->conn[9998],
					 i == 0 ? SH_AND : i == 2 ? SH_SEQ
								  : SH_OR);
		}
		sh_list_free(l);
		free(src);
	}
}

static void test_long_word_and_lines(void **state)
{
	size_t n = 100000;
	char *src = malloc(n + 64);
	struct sh_error err;
	struct sh_list *l;

	assert_non_null(src);
	/* One word of 100k quoted bytes. */
	src[0] = '\'';
	memset(src + 1, 'x', n);
	strcpy(src + 1 + n, "'");
	assert_ret(sh_parse(src, &l, &err), 0);
	assert_int_equal(l->pipes[0].cmds[0].words[0].len, n);
	assert_true(l->pipes[0].cmds[0].words[0].quoted[n - 1]);
	sh_list_free(l);
	/* 10k empty lines, then an error on the last one. */
	memset(src, '\n', 10000);
	strcpy(src + 10000, "  a | | b");
	assert_ret(sh_parse(src, &l, &err), -EINVAL);
	assert_pos(err.pos, 10001, 5);
	free(src);
}

/* ---- sh_incomplete ------------------------------------------------------ */

static void test_incomplete(void **state)
{
	static const struct {
		const char *src;
		bool want;
	} cases[] = {
		{ "", false },
		{ "echo a", false },
		{ "echo a\n", false },
		{ "echo 'a", true },
		{ "echo 'a\n", true },
		{ "echo \"a", true },
		{ "echo \"a\\\"", true },
		{ "echo \"${A", true },
		{ "echo 'a\\'", false },
		{ "echo 'a'", false },
		{ "echo a\\", true },
		{ "echo a\\\n", true },
		{ "echo a\\\\", false },
		{ "echo a\\\\\n", false },
		{ "echo a |", true },
		{ "echo a |\n", true },
		{ "echo a | # more", true },
		{ "a &&", true },
		{ "a &&\n\n", true },
		{ "a ||", true },
		{ "a | b", false },
		{ "a && b\n", false },
		{ "a ;", false },
		{ "# x \\", false },
		{ "# x '", false },
		{ "echo ${A", false },
		{ "a & b", false },
		{ "| a", false },
		{ "a =>", false },
		{ "a >", false },
		{ "'a\nb'\necho \"", true },
		{ "a & 'b", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (sh_incomplete(cases[i].src) != cases[i].want)
			fail_msg("sh_incomplete(\"%s\") = %d", cases[i].src,
				 !cases[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_dollar),
		cmocka_unit_test(test_tilde_and_globs),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_redirections),
		cmocka_unit_test(test_connectors),
		cmocka_unit_test(test_conn_values),
		cmocka_unit_test(test_write_marker),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_many_words),
		cmocka_unit_test(test_many_pipelines),
		cmocka_unit_test(test_long_word_and_lines),
		cmocka_unit_test(test_incomplete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
