/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

/*
 * A hand-written lexer and a loop-driven parser (no recursion, so deep input
 * costs heap, not stack):
 *
 *	list     := sep* pipeline (sep pipeline)* sep*
 *	sep      := ";" | newline | "&&" newline* | "||" newline*
 *	pipeline := command ("|" newline* command)*
 *	command  := (word | redirection | "=>" word)+
 *
 * Words keep their quoting per byte.  Every "$" expansion the expander is
 * to do is left unquoted and written as "${NAME}" or "$?", whatever its
 * quoting: "$A"B and $A''B then still mean ${A}B, which a bare "$AB"
 * could not say with one flag per byte.  A "$" that starts no expansion
 * ($1, $$, a lone $) and a "~" that does not start the word are marked
 * quoted: they are literal.
 *
 * Columns count characters (UTF-8 sequences), not bytes.
 */

#define END (-1)

enum tok {
	T_EOF,
	T_WORD,
	T_NEWLINE,
	T_SEMI,
	T_AND,
	T_OR,
	T_PIPE,
	T_REDIR,
	T_MARK,
};

struct token {
	enum tok kind;
	struct sh_pos pos;
	struct sh_word word;   /* T_WORD, owned until moved out */
	struct sh_redir redir; /* T_REDIR: all but the target */
};

struct lexer {
	const char *s;
	size_t len, i;
	struct sh_pos pos; /* of s[i] */
	struct sh_error *err;
	bool open_quote;   /* the input ended inside a quote */
	bool dangling;     /* the input ended with a "\\" continuation */
};

struct wbuf {
	char *text;
	bool *quoted;
	size_t len, cap;
};

static int fail(struct sh_error *err, struct sh_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct sh_error *err, struct sh_pos pos, const char *fmt, ...)
{
	va_list ap;

	err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(int c)
{
	return is_name_start(c) || is_digit(c);
}

/* What ends a word outside quotes. */
static bool is_delim(int c)
{
	return c == END || strchr(" \t\n;&|<>", c) != NULL;
}

/* ---- reading bytes --------------------------------------------------- */

static void lexer_init(struct lexer *lx, const char *s, size_t len,
		       struct sh_error *err)
{
	memset(lx, 0, sizeof(*lx));
	lx->s = s;
	lx->len = len;
	lx->pos.line = 1;
	lx->pos.col = 1;
	lx->err = err;
}

/* Step over one byte as written; a UTF-8 sequence is one column, and so
 * is a stray continuation byte (one that follows an ASCII byte). */
static void step_raw(struct lexer *lx)
{
	unsigned char c = (unsigned char)lx->s[lx->i++];

	if (c == '\n') {
		lx->pos.line++;
		lx->pos.col = 1;
	} else if ((c & 0xc0) != 0x80 || lx->i < 2 ||
		   (unsigned char)lx->s[lx->i - 2] < 0x80) {
		lx->pos.col++;
	}
}

static bool cont_at(const struct lexer *lx, size_t i)
{
	return i + 1 < lx->len && lx->s[i] == '\\' && lx->s[i + 1] == '\n';
}

/* Drop "\\\n" continuations before the current byte. */
static void skip_cont(struct lexer *lx)
{
	bool skipped = false;

	while (cont_at(lx, lx->i)) {
		step_raw(lx);
		step_raw(lx);
		skipped = true;
	}
	if (skipped && lx->i == lx->len)
		lx->dangling = true;
}

/* The k-th byte ahead once continuations are dropped, or END. */
static int peek(const struct lexer *lx, unsigned k)
{
	size_t i = lx->i;

	for (;;) {
		while (cont_at(lx, i))
			i += 2;
		if (i >= lx->len)
			return END;
		if (k-- == 0)
			return (unsigned char)lx->s[i];
		i++;
	}
}

/* Consume and return the next byte once continuations are dropped. */
static int next(struct lexer *lx)
{
	int c;

	skip_cont(lx);
	if (lx->i >= lx->len)
		return END;
	c = (unsigned char)lx->s[lx->i];
	step_raw(lx);
	return c;
}

static struct sh_pos here(struct lexer *lx)
{
	skip_cont(lx);
	return lx->pos;
}

/* ---- building a word ------------------------------------------------- */

/* Room for one more byte and the terminating NUL. */
static int wb_grow(struct wbuf *b)
{
	size_t cap = b->cap ? 2 * b->cap : 16;
	char *t;
	bool *q;

	if (b->len + 1 < b->cap)
		return 0;
	t = realloc(b->text, cap);
	if (!t)
		return -ENOMEM;
	b->text = t;
	q = realloc(b->quoted, cap * sizeof(*q));
	if (!q)
		return -ENOMEM;
	b->quoted = q;
	b->cap = cap;
	return 0;
}

static int wb_put(struct wbuf *b, int c, bool quoted)
{
	int rc = wb_grow(b);

	if (rc)
		return rc;
	b->text[b->len] = (char)c;
	b->quoted[b->len++] = quoted;
	b->text[b->len] = '\0';
	return 0;
}

static int wb_puts(struct wbuf *b, const char *s, bool quoted)
{
	int rc = 0;

	while (rc == 0 && *s)
		rc = wb_put(b, (unsigned char)*s++, quoted);
	return rc;
}

static void wb_free(struct wbuf *b)
{
	free(b->text);
	free(b->quoted);
	memset(b, 0, sizeof(*b));
}

/* ---- words ----------------------------------------------------------- */

/* '...': every byte literal, continuations included. */
static int lex_single(struct lexer *lx, struct wbuf *b)
{
	struct sh_pos open = here(lx);
	int rc;
	char c;

	next(lx);
	for (;;) {
		if (lx->i >= lx->len) {
			lx->open_quote = true;
			return fail(lx->err, open, "unterminated quote");
		}
		c = lx->s[lx->i];
		step_raw(lx);
		if (c == '\'')
			return 0;
		rc = wb_put(b, (unsigned char)c, true);
		if (rc)
			return rc;
	}
}

/* "${" NAME "}" or "${?}"; the "$" is current. */
static int lex_brace(struct lexer *lx, struct wbuf *b, const struct sh_pos *dq)
{
	struct sh_pos dollar = here(lx);
	size_t start;
	int c, rc;

	next(lx);
	next(lx);
	rc = wb_puts(b, "${", false);
	start = b->len;
	c = peek(lx, 0);
	if (c == '?') {
		rc = rc ? rc : wb_put(b, next(lx), false);
	} else if (is_name_start(c)) {
		while (rc == 0 && is_name_char(peek(lx, 0)))
			rc = wb_put(b, next(lx), false);
	}
	if (rc)
		return rc;
	c = peek(lx, 0);
	if (c == '}' && b->len > start)
		return wb_put(b, next(lx), false);
	if (c == '}')
		return fail(lx->err, dollar, "empty ${}");
	if (c == END && dq) {
		lx->open_quote = true;
		return fail(lx->err, *dq, "unterminated quote");
	}
	if (c == END || c == '\n' || (dq && c == '"'))
		return fail(lx->err, dollar, "unterminated ${");
	return fail(lx->err, here(lx), "bad variable name");
}

/* "$..." outside single quotes; dq is where an enclosing '"' opened. */
static int lex_dollar(struct lexer *lx, struct wbuf *b, const struct sh_pos *dq)
{
	int c = peek(lx, 1);
	int rc;

	if (c == '{')
		return lex_brace(lx, b, dq);
	if (c == '?') {
		next(lx);
		next(lx);
		return wb_puts(b, "$?", false);
	}
	if (!is_name_start(c)) {
		next(lx);
		return wb_put(b, '$', true);
	}
	next(lx);
	rc = wb_puts(b, "${", false);
	while (rc == 0 && is_name_char(peek(lx, 0)))
		rc = wb_put(b, next(lx), false);
	return rc ? rc : wb_put(b, '}', false);
}

/* After "\\" inside double quotes: only \" \\ \$ \` are escapes. */
static int lex_dq_escape(struct lexer *lx, struct wbuf *b)
{
	char c;

	next(lx);
	/* Read as written: in "\\\\\n" the second "\\" is no continuation. */
	if (lx->i >= lx->len)
		return wb_put(b, '\\', true);
	c = lx->s[lx->i];
	if (!strchr("\"\\$`", c))
		return wb_put(b, '\\', true);
	step_raw(lx);
	return wb_put(b, (unsigned char)c, true);
}

static int lex_double(struct lexer *lx, struct wbuf *b)
{
	struct sh_pos open = here(lx);
	int c, rc = 0;

	next(lx);
	while (rc == 0) {
		c = peek(lx, 0);
		if (c == END) {
			lx->open_quote = true;
			return fail(lx->err, open, "unterminated quote");
		}
		if (c == '"') {
			next(lx);
			return 0;
		}
		if (c == '\\')
			rc = lex_dq_escape(lx, b);
		else if (c == '$')
			rc = lex_dollar(lx, b, &open);
		else
			rc = wb_put(b, next(lx), true);
	}
	return rc;
}

/* "\\" outside quotes quotes the next byte as written. */
static int lex_escape(struct lexer *lx, struct wbuf *b)
{
	char c;

	next(lx);
	if (lx->i >= lx->len) {
		lx->dangling = true;
		return wb_put(b, '\\', true);
	}
	c = lx->s[lx->i];
	step_raw(lx);
	return wb_put(b, (unsigned char)c, true);
}

static int lex_word_part(struct lexer *lx, struct wbuf *b, int c, bool first)
{
	switch (c) {
	case '\'':
		return lex_single(lx, b);
	case '"':
		return lex_double(lx, b);
	case '\\':
		return lex_escape(lx, b);
	case '$':
		return lex_dollar(lx, b, NULL);
	case '~':
		/* Only a leading "~" is expanded. */
		return wb_put(b, next(lx), !first);
	default:
		return wb_put(b, next(lx), false);
	}
}

static int lex_word(struct lexer *lx, struct token *t)
{
	struct wbuf b = { 0 };
	bool first = true;
	int c, rc;

	t->kind = T_WORD;
	rc = wb_grow(&b); /* an empty word ('' or "") has text too */
	while (rc == 0 && !is_delim(c = peek(lx, 0))) {
		rc = lex_word_part(lx, &b, c, first);
		first = false;
	}
	if (rc) {
		wb_free(&b);
		return rc;
	}
	b.text[b.len] = '\0';
	t->word.text = b.text;
	t->word.quoted = b.quoted;
	t->word.len = b.len;
	t->word.pos = t->pos;
	return 0;
}

/* ---- operators ------------------------------------------------------- */

/* After "n>&": exactly one digit. */
static int lex_dup(struct lexer *lx, struct token *t)
{
	int c = peek(lx, 0);

	if (!is_digit(c))
		return fail(lx->err, here(lx), ">& not followed by a digit");
	t->redir.kind = SH_REDIR_DUP;
	t->redir.dup_fd = next(lx) - '0';
	if (!is_delim(peek(lx, 0)))
		return fail(lx->err, here(lx), "expected one digit after >&");
	return 0;
}

/* "<", ">", ">>" or ">&m", after an optional digit already read (fd). */
static int lex_redir(struct lexer *lx, struct token *t, int fd)
{
	int c = next(lx);

	t->kind = T_REDIR;
	t->redir.pos = t->pos;
	t->redir.fd = fd >= 0 ? fd : c == '<' ? 0 : 1;
	if (c == '<') {
		t->redir.kind = SH_REDIR_IN;
		if (peek(lx, 0) == '&')
			return fail(lx->err, here(lx), "<& is not supported");
		return 0;
	}
	t->redir.kind = SH_REDIR_OUT;
	c = peek(lx, 0);
	if (c == '>') {
		next(lx);
		t->redir.kind = SH_REDIR_APPEND;
	} else if (c == '&') {
		next(lx);
		return lex_dup(lx, t);
	}
	return 0;
}

/* Blanks, and a "#" comment up to the newline. */
static void skip_blanks(struct lexer *lx)
{
	for (;;) {
		int c = peek(lx, 0);

		if (c == ' ' || c == '\t') {
			next(lx);
		} else if (c == '#') {
			skip_cont(lx);
			while (lx->i < lx->len && lx->s[lx->i] != '\n')
				step_raw(lx);
		} else {
			return;
		}
	}
}

/* An operator of n bytes. */
static enum tok take_op(struct lexer *lx, unsigned n, enum tok k)
{
	while (n-- > 0)
		next(lx);
	return k;
}

static int lex_token(struct lexer *lx, struct token *t)
{
	int c, c1;

	memset(t, 0, sizeof(*t));
	skip_blanks(lx);
	t->pos = here(lx);
	c = peek(lx, 0);
	c1 = peek(lx, 1);
	if (c == END || c == '\n' || c == ';') {
		next(lx);
		t->kind = c == END ? T_EOF : c == ';' ? T_SEMI : T_NEWLINE;
	} else if (c == '&') {
		if (c1 != '&')
			return fail(lx->err, t->pos,
				    "background & is not supported");
		t->kind = take_op(lx, 2, T_AND);
	} else if (c == '|') {
		t->kind = c1 == '|' ? take_op(lx, 2, T_OR)
				    : take_op(lx, 1, T_PIPE);
	} else if (c == '<' || c == '>') {
		return lex_redir(lx, t, -1);
	} else if (is_digit(c) && (c1 == '<' || c1 == '>')) {
		next(lx);
		return lex_redir(lx, t, c - '0');
	} else if (c == '=' && c1 == '>') {
		t->kind = take_op(lx, 2, T_MARK);
	} else {
		return lex_word(lx, t);
	}
	return 0;
}

static void token_free(struct token *t)
{
	if (t->kind == T_WORD) {
		free(t->word.text);
		free(t->word.quoted);
	}
	memset(t, 0, sizeof(*t));
}

static const char *tok_name(enum tok k)
{
	switch (k) {
	case T_SEMI:
		return ";";
	case T_AND:
		return "&&";
	case T_OR:
		return "||";
	case T_PIPE:
		return "|";
	default:
		return "newline";
	}
}

/* ---- the tree -------------------------------------------------------- */

/* arr with room for element n, or NULL.  Arrays grow by doubling, so n
 * implies the capacity and the structs of shell.h need no field for it. */
static void *grow(void *arr, size_t n, size_t size)
{
	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return arr;
	return reallocarray(arr, n ? 2 * n : 4, size);
}

static void word_free(struct sh_word *w)
{
	free(w->text);
	free(w->quoted);
}

static void cmd_free(struct sh_cmd *c)
{
	for (size_t i = 0; i < c->nwords; i++)
		word_free(&c->words[i]);
	for (size_t i = 0; i < c->nredirs; i++)
		word_free(&c->redirs[i].target);
	free(c->words);
	free(c->redirs);
}

void sh_list_free(struct sh_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->npipes; i++) {
		for (size_t j = 0; j < l->pipes[i].ncmds; j++)
			cmd_free(&l->pipes[i].cmds[j]);
		free(l->pipes[i].cmds);
	}
	free(l->pipes);
	free(l->conn);
	free(l);
}

/* ---- parsing --------------------------------------------------------- */

struct parser {
	struct lexer lx;
	struct token cur;
	struct sh_list *list;
};

static int advance(struct parser *p)
{
	token_free(&p->cur);
	return lex_token(&p->lx, &p->cur);
}

static int skip_newlines(struct parser *p)
{
	int rc = 0;

	while (rc == 0 && p->cur.kind == T_NEWLINE)
		rc = advance(p);
	return rc;
}

static bool cmd_start(const struct parser *p)
{
	return p->cur.kind == T_WORD || p->cur.kind == T_REDIR ||
	       p->cur.kind == T_MARK;
}

/* Move the current word into c. */
static int take_word(struct parser *p, struct sh_cmd *c)
{
	struct sh_word *a = grow(c->words, c->nwords, sizeof(*a));

	if (!a)
		return -ENOMEM;
	c->words = a;
	c->words[c->nwords++] = p->cur.word;
	p->cur.kind = T_EOF;
	return advance(p);
}

static int parse_redir(struct parser *p, struct sh_cmd *c)
{
	struct sh_redir r = p->cur.redir;
	struct sh_redir *a = grow(c->redirs, c->nredirs, sizeof(*a));
	int rc;

	if (!a)
		return -ENOMEM;
	c->redirs = a;
	rc = advance(p);
	if (rc || r.kind == SH_REDIR_DUP) {
		if (rc == 0)
			c->redirs[c->nredirs++] = r;
		return rc;
	}
	if (p->cur.kind != T_WORD)
		return fail(p->lx.err, r.pos, "redirection without a target");
	r.target = p->cur.word;
	c->redirs[c->nredirs++] = r;
	p->cur.kind = T_EOF;
	return advance(p);
}

/* "=>" marks the word after it writable. */
static int parse_mark(struct parser *p, struct sh_cmd *c)
{
	struct sh_pos pos = p->cur.pos;
	int rc = advance(p);

	if (rc)
		return rc;
	if (p->cur.kind == T_REDIR)
		return fail(p->lx.err, pos, "=> before a redirection");
	if (p->cur.kind != T_WORD)
		return fail(p->lx.err, pos, "=> not followed by a word");
	p->cur.word.writable = true;
	return take_word(p, c);
}

static int parse_cmd(struct parser *p, struct sh_pipeline *pl)
{
	struct sh_cmd *c = grow(pl->cmds, pl->ncmds, sizeof(*c));
	int rc = 0;

	if (!c)
		return -ENOMEM;
	pl->cmds = c;
	c = &pl->cmds[pl->ncmds++];
	memset(c, 0, sizeof(*c));
	c->pos = p->cur.pos;
	while (rc == 0 && cmd_start(p)) {
		if (p->cur.kind == T_WORD)
			rc = take_word(p, c);
		else if (p->cur.kind == T_REDIR)
			rc = parse_redir(p, c);
		else
			rc = parse_mark(p, c);
	}
	return rc;
}

/* After an operator: newlines, then a command must follow. */
static int need_cmd(struct parser *p, struct sh_pos op, enum tok k)
{
	int rc = advance(p);

	if (rc == 0)
		rc = skip_newlines(p);
	if (rc == 0 && !cmd_start(p))
		return fail(p->lx.err, op, "%s with no command after it",
			    tok_name(k));
	return rc;
}

static int parse_pipeline(struct parser *p)
{
	struct sh_list *l = p->list;
	struct sh_pipeline *pl;
	enum sh_connector *conn;
	int rc;

	if (!cmd_start(p))
		return fail(p->lx.err, p->cur.pos,
			    "%s with no command before it",
			    tok_name(p->cur.kind));
	pl = grow(l->pipes, l->npipes, sizeof(*pl));
	if (!pl)
		return -ENOMEM;
	l->pipes = pl;
	conn = grow(l->conn, l->npipes, sizeof(*conn));
	if (!conn)
		return -ENOMEM;
	l->conn = conn;
	pl = &l->pipes[l->npipes];
	l->conn[l->npipes++] = SH_SEQ;
	memset(pl, 0, sizeof(*pl));
	rc = parse_cmd(p, pl);
	while (rc == 0 && p->cur.kind == T_PIPE) {
		rc = need_cmd(p, p->cur.pos, T_PIPE);
		if (rc == 0)
			rc = parse_cmd(p, pl);
	}
	return rc;
}

/* What follows a pipeline: the end, ";", a newline, "&&" or "||". */
static int parse_sep(struct parser *p)
{
	enum sh_connector *conn = &p->list->conn[p->list->npipes - 1];
	enum tok k = p->cur.kind;
	int rc;

	if (k == T_EOF)
		return 0;
	if (k == T_SEMI || k == T_NEWLINE) {
		rc = advance(p);
		return rc ? rc : skip_newlines(p);
	}
	*conn = k == T_AND ? SH_AND : SH_OR;
	return need_cmd(p, p->cur.pos, k);
}

static int parse_list(struct parser *p)
{
	int rc = advance(p);

	if (rc == 0)
		rc = skip_newlines(p);
	while (rc == 0 && p->cur.kind != T_EOF) {
		rc = parse_pipeline(p);
		if (rc == 0)
			rc = parse_sep(p);
	}
	return rc;
}

static int check_nul(const char *src, size_t len, struct sh_error *err)
{
	const char *nul = memchr(src, '\0', len);
	struct lexer lx;

	if (!nul)
		return 0;
	lexer_init(&lx, src, len, err);
	while (lx.i < (size_t)(nul - src))
		step_raw(&lx);
	return fail(err, lx.pos, "NUL byte in input");
}

int sh_parse_len(const char *src, size_t len, struct sh_list **out,
		 struct sh_error *err)
{
	struct sh_error dummy;
	struct parser p;
	int rc;

	*out = NULL;
	if (!err)
		err = &dummy;
	rc = check_nul(src, len, err);
	if (rc)
		return rc;
	memset(&p, 0, sizeof(p));
	lexer_init(&p.lx, src, len, err);
	p.list = calloc(1, sizeof(*p.list));
	if (!p.list)
		return -ENOMEM;
	rc = parse_list(&p);
	token_free(&p.cur);
	if (rc) {
		sh_list_free(p.list);
		return rc;
	}
	*out = p.list;
	return 0;
}

int sh_parse(const char *src, struct sh_list **out, struct sh_error *err)
{
	return sh_parse_len(src, strlen(src), out, err);
}

bool sh_incomplete(const char *src)
{
	enum tok last = T_EOF;
	struct sh_error err;
	struct token t;
	struct lexer lx;

	lexer_init(&lx, src, strlen(src), &err);
	for (;;) {
		/* Other errors are for sh_parse() to report, now. */
		if (lex_token(&lx, &t) != 0)
			return lx.open_quote;
		if (t.kind == T_EOF)
			break;
		if (t.kind != T_NEWLINE)
			last = t.kind;
		token_free(&t);
	}
	return lx.dangling || last == T_PIPE || last == T_AND ||
	       last == T_OR;
}
