/* SPDX-License-Identifier: MIT */
/*
 * The capability shell's parser and expander on arbitrary text: the
 * input is a script, as ocapsh -f reads it (NUL bytes included).
 *
 * A parse error is one line and its position lies in the input.  A parsed
 * list keeps the shapes shell.h promises (every command has a word or a
 * redirection, descriptors are single digits, an unquoted "$" is always
 * "${NAME}" or "$?", positions increase, each on a byte that can start
 * its token); written back as shell text, it parses to the same list,
 * each word at the position it was written at.
 * Every word the parser makes expands without error, to what a reference
 * expander written from shell.h and shell_expand.c's comment gives; a word
 * with an unquoted "*", "?" or "[" reaches glob(3) as exactly the pattern
 * that names it.  glob() and getpwnam() are wrapped (-Wl,--wrap=...): the
 * file system and the user database are never read.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_check.h"
#include "shell.h"

#define STATUS 42
#define HOME "/home/h"
/* Not the process's directory, and full of glob's special bytes. */
#define CWD "/fuzz [cwd]*?\\"

int __wrap_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *g);
void __wrap_globfree(glob_t *g);
struct passwd *__wrap_getpwnam(const char *name);

/* ---- the outside world ---------------------------------------------------- */

static char *last_pattern;
static bool globbed;

/* An unescaped pattern, or NULL. */
static char *unescape(const char *p)
{
	char *s = malloc(strlen(p) + 1), *o = s;

	check(s != NULL);
	for (; *p; p++) {
		if (*p == '\\') {
			check(p[1] != '\0');
			p++;
		}
		*o++ = *p;
	}
	*o = '\0';
	return s;
}

/* A pattern of odd length matches nothing, of even length the one file
 * it names. */
int __wrap_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *g)
{
	check(flags == 0 && errfunc == NULL && !globbed);
	globbed = true;
	free(last_pattern);
	last_pattern = strdup(pattern);
	check(last_pattern != NULL);
	memset(g, 0, sizeof *g);
	if (strlen(pattern) % 2)
		return GLOB_NOMATCH;
	g->gl_pathc = 1;
	g->gl_pathv = calloc(2, sizeof *g->gl_pathv);
	check(g->gl_pathv != NULL);
	g->gl_pathv[0] = unescape(pattern);
	return 0;
}

void __wrap_globfree(glob_t *g)
{
	for (size_t i = 0; i < g->gl_pathc; i++)
		free(g->gl_pathv[i]);
	free(g->gl_pathv);
	g->gl_pathv = NULL;
	g->gl_pathc = 0;
}

struct passwd *__wrap_getpwnam(const char *name)
{
	static struct passwd u = { .pw_name = "u", .pw_dir = "/home/u" };

	return !strcmp(name, "u") ? &u : NULL;
}

/* ---- text with positions -------------------------------------------------- */

struct buf {
	char *s;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = 2 * (b->len + n + 1);
		b->s = realloc(b->s, b->cap);
		check(b->s != NULL);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Text and where each of its bytes is: lines counted from 1, columns
 * too, one for each byte that starts a UTF-8 sequence or continues none
 * (so at[] never decreases).  at[len] is just past the end. */
struct text {
	const char *s;
	size_t len;
	struct sh_pos *at;
};

static bool starts_col(const char *s, size_t i)
{
	return ((unsigned char)s[i] & 0xc0) != 0x80 || i == 0 ||
	       (unsigned char)s[i - 1] < 0x80;
}

static void text_init(struct text *t, const char *s, size_t len)
{
	struct sh_pos p = { 1, 1 };

	t->s = s;
	t->len = len;
	t->at = malloc((len + 1) * sizeof *t->at);
	check(t->at != NULL);
	for (size_t i = 0; i < len; i++) {
		t->at[i] = p;
		if (s[i] == '\n') {
			p.line++;
			p.col = 1;
		} else if (starts_col(s, i)) {
			p.col++;
		}
	}
	t->at[len] = p;
}

static bool before(struct sh_pos a, struct sh_pos b)
{
	return a.line < b.line || (a.line == b.line && a.col < b.col);
}

static bool same_pos(struct sh_pos a, struct sh_pos b)
{
	return a.line == b.line && a.col == b.col;
}

/* The byte a position names: the first that starts a column there. */
static size_t text_find(const struct text *t, struct sh_pos p)
{
	size_t lo = 0, hi = t->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (before(t->at[mid], p))
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo < t->len && !starts_col(t->s, lo))
		lo++;
	return lo;
}

/* A position that names a byte of the text, or its end; byte k's
 * unless k is -1. */
static void check_pos(const struct text *t, struct sh_pos got, size_t k)
{
	size_t i = text_find(t, got);

	if (!same_pos(t->at[i], got) ||
	    (k != (size_t)-1 && !same_pos(got, t->at[k]))) {
		fprintf(stderr, "position %u:%u, expected %u:%u\n", got.line,
			got.col, t->at[k != (size_t)-1 ? k : i].line,
			t->at[k != (size_t)-1 ? k : i].col);
		abort();
	}
}

/* A token starts at p: the byte there can start it, and (for a word)
 * the one before it ends what came before. */
static void check_token_at(const struct text *t, struct sh_pos p, bool word)
{
	size_t k = text_find(t, p);

	check(k < t->len);
	if (!word) {
		check(strchr("0123456789<>", t->s[k]));
		return;
	}
	check(!strchr(" \t\n;&|<>#", t->s[k]));
	check(k == 0 || strchr(" \t\n;&|<>", t->s[k - 1]));
}

/* ---- shapes ------------------------------------------------------------------ */

static bool name_char(int c)
{
	return isalnum(c) || c == '_';
}

/* An unquoted "$" at i starts "$?", "${?}" or "${NAME}", all unquoted;
 * returns its length. */
static size_t dollar_len(const struct sh_word *w, size_t i)
{
	size_t k = i + 2;

	check(i + 1 < w->len && !w->quoted[i + 1]);
	if (w->text[i + 1] == '?')
		return 2;
	check(w->text[i + 1] == '{' && k < w->len && !w->quoted[k]);
	if (w->text[k] == '?') {
		k++;
	} else {
		check(isalpha((unsigned char)w->text[k]) || w->text[k] == '_');
		while (k < w->len && !w->quoted[k] &&
		       name_char((unsigned char)w->text[k]))
			k++;
	}
	check(k < w->len && !w->quoted[k] && w->text[k] == '}');
	return k + 1 - i;
}

static void check_word(const struct sh_word *w, const struct text *t)
{
	check(w->text != NULL && w->quoted != NULL);
	check(strlen(w->text) == w->len);
	check_pos(t, w->pos, (size_t)-1);
	check_token_at(t, w->pos, true);
	for (size_t i = 0; i < w->len; i++) {
		if (w->quoted[i])
			continue;
		check(!strchr(" \t\n;&|<>'\"\\", w->text[i]));
		check(w->text[i] != '~' || i == 0);
		if (w->text[i] == '$')
			i += dollar_len(w, i) - 1;
	}
}

static void check_cmd(const struct sh_cmd *c, const struct text *t)
{
	check(c->nwords + c->nredirs >= 1);
	check_pos(t, c->pos, (size_t)-1);
	for (size_t i = 0; i < c->nwords; i++) {
		check_word(&c->words[i], t);
		check(!before(c->words[i].pos, c->pos));
		check(i == 0 || before(c->words[i - 1].pos, c->words[i].pos));
	}
	for (size_t i = 0; i < c->nredirs; i++) {
		const struct sh_redir *r = &c->redirs[i];

		check(r->fd >= 0 && r->fd <= 9);
		check_pos(t, r->pos, (size_t)-1);
		check_token_at(t, r->pos, false);
		check(!before(r->pos, c->pos));
		check(i == 0 || before(c->redirs[i - 1].pos, r->pos));
		if (r->kind == SH_REDIR_DUP) {
			check(r->dup_fd >= 0 && r->dup_fd <= 9);
			check(r->target.text == NULL);
			continue;
		}
		check(r->kind == SH_REDIR_IN || r->kind == SH_REDIR_OUT ||
		      r->kind == SH_REDIR_APPEND);
		check(!r->target.writable);
		check_word(&r->target, t);
		check(before(r->pos, r->target.pos));
	}
}

static void check_list(const struct sh_list *l, const struct text *t)
{
	const struct sh_cmd *prev = NULL;

	check(l->npipes == 0 || l->conn[l->npipes - 1] == SH_SEQ);
	for (size_t i = 0; i < l->npipes; i++) {
		check(l->conn[i] == SH_SEQ || l->conn[i] == SH_AND ||
		      l->conn[i] == SH_OR);
		check(l->pipes[i].ncmds >= 1);
		for (size_t j = 0; j < l->pipes[i].ncmds; j++) {
			const struct sh_cmd *c = &l->pipes[i].cmds[j];

			check_cmd(c, t);
			check(!prev || before(prev->pos, c->pos));
			prev = c;
		}
	}
}

/* ---- written back ------------------------------------------------------------- */

/* Offsets of the words and redirections written, in tree order. */
struct marks {
	size_t *at;
	size_t n;
};

static void mark(struct marks *m, size_t off)
{
	m->at = realloc(m->at, (m->n + 1) * sizeof *m->at);
	check(m->at != NULL);
	m->at[m->n++] = off;
}

/* Quoted bytes in single quotes ("'" itself as \'), the rest as it is;
 * "''" first for an empty word and one whose unquoted "#" would start a
 * comment. */
static void fmt_word(struct buf *b, const struct sh_word *w, struct marks *m)
{
	bool open = false;

	mark(m, b->len);
	if (w->writable) {
		puts_(b, "=> ");
		m->at[m->n - 1] = b->len;
	}
	if (w->len == 0 || (!w->quoted[0] && w->text[0] == '#'))
		puts_(b, "''");
	for (size_t i = 0; i < w->len; i++) {
		bool q = w->quoted[i] && w->text[i] != '\'';

		if (open != q)
			puts_(b, "'");
		open = q;
		if (w->quoted[i] && w->text[i] == '\'')
			puts_(b, "\\'");
		else
			put(b, &w->text[i], 1);
	}
	if (open)
		puts_(b, "'");
}

static void fmt_redir(struct buf *b, const struct sh_redir *r,
		      struct marks *m)
{
	static const char *const op[] = {
		[SH_REDIR_IN] = "<",
		[SH_REDIR_OUT] = ">",
		[SH_REDIR_APPEND] = ">>",
		[SH_REDIR_DUP] = ">&",
	};
	char s[16];

	mark(m, b->len);
	snprintf(s, sizeof s, "%d%s", r->fd, op[r->kind]);
	puts_(b, s);
	if (r->kind == SH_REDIR_DUP) {
		snprintf(s, sizeof s, "%d", r->dup_fd);
		puts_(b, s);
		return;
	}
	puts_(b, " ");
	fmt_word(b, &r->target, m);
}

static void fmt_list(struct buf *b, const struct sh_list *l, struct marks *m)
{
	for (size_t i = 0; i < l->npipes; i++) {
		for (size_t j = 0; j < l->pipes[i].ncmds; j++) {
			const struct sh_cmd *c = &l->pipes[i].cmds[j];
			const char *sep = "";

			if (j > 0)
				puts_(b, " | ");
			for (size_t k = 0; k < c->nwords; k++, sep = " ") {
				puts_(b, sep);
				fmt_word(b, &c->words[k], m);
			}
			for (size_t k = 0; k < c->nredirs; k++, sep = " ") {
				puts_(b, sep);
				fmt_redir(b, &c->redirs[k], m);
			}
		}
		/* Both ways of ending a pipeline, turn about. */
		if (l->conn[i] == SH_AND)
			puts_(b, " && ");
		else if (l->conn[i] == SH_OR)
			puts_(b, " ||\n");
		else
			puts_(b, i % 2 ? ";" : "\n");
	}
}

static void same_word(const struct sh_word *a, const struct sh_word *b)
{
	check(a->len == b->len && a->writable == b->writable);
	check(!memcmp(a->text, b->text, a->len));
	check(!memcmp(a->quoted, b->quoted, a->len * sizeof *a->quoted));
}

/* Same list, and the words and redirections where they were written. */
static void same_list(const struct sh_list *a, const struct sh_list *b,
		      const struct text *t, const struct marks *m)
{
	size_t n = 0;

	check(a->npipes == b->npipes);
	for (size_t i = 0; i < a->npipes; i++) {
		check(a->conn[i] == b->conn[i]);
		check(a->pipes[i].ncmds == b->pipes[i].ncmds);
		for (size_t j = 0; j < a->pipes[i].ncmds; j++) {
			const struct sh_cmd *x = &a->pipes[i].cmds[j];
			const struct sh_cmd *y = &b->pipes[i].cmds[j];

			check(x->nwords == y->nwords);
			check(x->nredirs == y->nredirs);
			for (size_t k = 0; k < x->nwords; k++) {
				same_word(&x->words[k], &y->words[k]);
				check_pos(t, y->words[k].pos, m->at[n++]);
			}
			for (size_t k = 0; k < x->nredirs; k++) {
				const struct sh_redir *r = &x->redirs[k];
				const struct sh_redir *s = &y->redirs[k];

				check(r->kind == s->kind && r->fd == s->fd);
				check_pos(t, s->pos, m->at[n++]);
				if (r->kind == SH_REDIR_DUP) {
					check(r->dup_fd == s->dup_fd);
					continue;
				}
				same_word(&r->target, &s->target);
				check_pos(t, s->target.pos, m->at[n++]);
			}
		}
	}
	check(n == m->n);
}

static void round_trip(const struct sh_list *l)
{
	struct buf b = { 0 };
	struct marks m = { 0 };
	struct sh_list *again;
	struct sh_error err;
	struct text t;
	int rc;

	put(&b, "", 0);
	fmt_list(&b, l, &m);
	rc = sh_parse_len(b.s, b.len, &again, &err);
	if (rc) {
		fprintf(stderr, "written back as:\n%s\n%u:%u: %s\n", b.s,
			err.pos.line, err.pos.col, err.msg);
		abort();
	}
	text_init(&t, b.s, b.len);
	same_list(l, again, &t, &m);
	sh_list_free(again);
	free(t.at);
	free(m.at);
	free(b.s);
}

/* ---- expansion ------------------------------------------------------------------ */

struct xref {
	struct buf s;
	struct buf lit; /* '1' literal, '0' not */
	bool glob;
};

static void xput(struct xref *x, const char *s, size_t n, bool lit)
{
	put(&x->s, s, n);
	for (size_t i = 0; i < n; i++)
		put(&x->lit, lit ? "1" : "0", 1);
}

/* A leading unquoted "~" or "~user", up to an unquoted "/" with nothing
 * quoted before it; returns how much of the word it took. */
static size_t ref_tilde(const struct sh_word *w, struct xref *x)
{
	char user[256];
	const char *home;
	size_t j = 1;

	if (w->len == 0 || w->quoted[0] || w->text[0] != '~')
		return 0;
	while (j < w->len && (w->quoted[j] || w->text[j] != '/')) {
		if (w->quoted[j])
			return 0;
		j++;
	}
	if (j - 1 >= sizeof user)
		return 0;
	memcpy(user, w->text + 1, j - 1);
	user[j - 1] = '\0';
	home = !user[0] ? HOME : !strcmp(user, "u") ? "/home/u" : NULL;
	if (!home)
		return 0;
	xput(x, home, strlen(home), true);
	return j;
}

static void ref_expand(const struct sh_word *w, struct xref *x)
{
	char status[16], *name;
	const char *v;
	size_t i = ref_tilde(w, x), n;

	put(&x->s, "", 0);
	put(&x->lit, "", 0);
	x->glob = false;
	while (i < w->len) {
		if (w->quoted[i] || w->text[i] != '$') {
			x->glob |= !w->quoted[i] && strchr("*?[", w->text[i]);
			xput(x, &w->text[i], 1, w->quoted[i]);
			i++;
			continue;
		}
		n = dollar_len(w, i);
		if (n == 2 || w->text[i + 2] == '?') {
			snprintf(status, sizeof status, "%d", STATUS);
			xput(x, status, strlen(status), true);
		} else {
			name = strndup(w->text + i + 2, n - 3);
			check(name != NULL);
			v = getenv(name);
			free(name);
			if (v)
				xput(x, v, strlen(v), true);
		}
		i += n;
	}
}

/* glob's pattern for what was written: CWD before a relative one, and
 * "\\" before each byte glob would take as special but should not. */
static void ref_pattern(const struct xref *x, struct buf *p)
{
	static const char cwd[] = CWD "/";

	put(p, "", 0);
	for (size_t i = 0; x->s.s[0] != '/' && i < sizeof cwd - 1; i++) {
		if (strchr("\\*?[]", cwd[i]))
			puts_(p, "\\");
		put(p, &cwd[i], 1);
	}
	for (size_t i = 0; i < x->s.len; i++) {
		if (x->s.s[i] == '\\' ||
		    (x->lit.s[i] == '1' && strchr("*?[]", x->s.s[i])))
			puts_(p, "\\");
		put(p, &x->s.s[i], 1);
	}
}

static void check_expand(const struct sh_state *st, const struct sh_word *w)
{
	struct sh_error err;
	struct xref x = { 0 };
	struct buf pat = { 0 };
	char **fields;
	size_t n;
	int rc;

	globbed = false;
	rc = sh_expand(st, w, &fields, &n, &err);
	if (rc) {
		fprintf(stderr, "word \"%s\": %u:%u: %s\n", w->text,
			err.pos.line, err.pos.col, err.msg);
		abort();
	}
	ref_expand(w, &x);
	check(n == 1 && fields[1] == NULL);
	if (strcmp(fields[0], x.s.s)) {
		fprintf(stderr, "word \"%s\" gave \"%s\", reference \"%s\"\n",
			w->text, fields[0], x.s.s);
		abort();
	}
	check(globbed == x.glob);
	if (x.glob) {
		ref_pattern(&x, &pat);
		if (strcmp(last_pattern, pat.s)) {
			fprintf(stderr, "word \"%s\": pattern \"%s\", "
					"reference \"%s\"\n",
				w->text, last_pattern, pat.s);
			abort();
		}
	}
	sh_fields_free(fields);
	free(x.s.s);
	free(x.lit.s);
	free(pat.s);
}

static void expand_all(const struct sh_list *l)
{
	static struct sh_state st = { .status = STATUS, .cwd = CWD };

	for (size_t i = 0; i < l->npipes; i++) {
		for (size_t j = 0; j < l->pipes[i].ncmds; j++) {
			const struct sh_cmd *c = &l->pipes[i].cmds[j];

			for (size_t k = 0; k < c->nwords; k++)
				check_expand(&st, &c->words[k]);
			for (size_t k = 0; k < c->nredirs; k++)
				if (c->redirs[k].kind != SH_REDIR_DUP)
					check_expand(&st,
						     &c->redirs[k].target);
		}
	}
}

/* ---- the target ----------------------------------------------------------------- */

static void setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	check(setenv("HOME", HOME, 1) == 0);
	check(setenv("A", "a", 1) == 0);
	check(setenv("G", "*?[x]\\", 1) == 0);
	check(setenv("S", "two words", 1) == 0);
	check(setenv("E", "", 1) == 0);
}

/* sh_incomplete() on text that parsed, or failed as err says. */
static void check_incomplete(const char *src, size_t len, int rc,
			     const struct sh_error *err)
{
	bool more = sh_incomplete(src);

	if (rc && !strcmp(err->msg, "unterminated quote"))
		check(more);
	/* What parses needs no more, unless it ends in "\\". */
	if (!rc && more)
		check((len >= 1 && src[len - 1] == '\\') ||
		      (len >= 2 && src[len - 2] == '\\' &&
		       src[len - 1] == '\n'));
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct sh_list *l, *l2;
	struct sh_error err, err2;
	struct text t;
	const char *nul;
	char *src;
	int rc, rc2;

	setup();
	src = malloc(size + 1);
	check(src != NULL);
	memcpy(src, data, size);
	src[size] = '\0';

	text_init(&t, src, size);
	rc = sh_parse_len(src, size, &l, &err);
	nul = memchr(src, '\0', size);
	if (rc) {
		check(rc == -EINVAL && l == NULL);
		check(err.msg[0] && !strchr(err.msg, '\n'));
		check_pos(&t, err.pos, nul ? (size_t)(nul - src) : (size_t)-1);
		check(!nul || !strcmp(err.msg, "NUL byte in input"));
	} else {
		check(!nul && l != NULL);
		check_list(l, &t);
		round_trip(l);
		expand_all(l);
	}
	if (!nul) {
		/* The C-string entry point agrees, position for position. */
		rc2 = sh_parse(src, &l2, &err2);
		check(rc2 == rc);
		if (rc)
			check(!strcmp(err.msg, err2.msg) &&
			      same_pos(err.pos, err2.pos));
		sh_list_free(l2);
		check_incomplete(src, size, rc, &err);
	}
	sh_list_free(l);
	free(t.at);
	free(src);
	return 0;
}
