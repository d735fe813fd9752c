/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

/*
 * A word becomes fields in two steps.  First "~", "$NAME", "${NAME}" and
 * "$?" are replaced, giving one string in which every byte remembers
 * whether it is literal: quoted in the word, or produced by an expansion.
 * Then, only if the word has an unquoted "*", "?" or "[" of its own, the
 * string is a glob(3) pattern with the literal bytes escaped.
 *
 * Unlike sh, a variable's value is never split at blanks nor globbed: it
 * stays within its one field, and an empty value gives an empty field.
 * Which file a command names is then exactly what was written, however
 * the variable was set.
 */

/* The expanded word: bytes, and per byte whether it is literal. */
struct xbuf {
	char *s;
	bool *lit;
	size_t len, cap;
	bool glob; /* an unquoted "*", "?" or "[" was written */
};

static int xb_put(struct xbuf *b, const char *s, size_t n, bool lit)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *t;
		bool *l;

		while (cap < b->len + n + 1)
			cap *= 2;
		t = realloc(b->s, cap);
		if (!t)
			return -ENOMEM;
		b->s = t;
		l = realloc(b->lit, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		b->lit = l;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	memset(b->lit + b->len, lit, n * sizeof(*b->lit));
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static void xb_free(struct xbuf *b)
{
	free(b->s);
	free(b->lit);
}

static bool is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* The unquoted byte at i, or -1 when it is quoted or past the end. */
static int at(const struct sh_word *w, size_t i)
{
	if (i >= w->len || w->quoted[i])
		return -1;
	return (unsigned char)w->text[i];
}

/* Where byte i of the word was written: the word's position plus the
 * characters before it (exact unless quotes or escapes precede it). */
static int fail_at(struct sh_error *err, const struct sh_word *w, size_t i,
		   const char *msg)
{
	err->pos = w->pos;
	for (size_t k = 0; k < i; k++)
		if ((w->text[k] & 0xc0) != 0x80)
			err->pos.col++;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -EINVAL;
}

/* ---- "~" --------------------------------------------------------------- */

static const char *home_of(const char *user)
{
	const struct passwd *pw;
	const char *home;

	if (user[0] == '\0') {
		home = getenv("HOME");
		if (home)
			return home;
		pw = getpwuid(getuid());
	} else {
		pw = getpwnam(user);
	}
	return pw ? pw->pw_dir : NULL;
}

/* A leading unquoted "~" or "~user" up to the first "/", all unquoted; an
 * unknown user leaves the word as written.  Sets *i past what it replaced. */
static int expand_tilde(const struct sh_word *w, struct xbuf *b, size_t *i)
{
	char user[256];
	const char *home;
	size_t j = 1;

	if (at(w, 0) != '~')
		return 0;
	for (; j < w->len && at(w, j) != '/'; j++)
		if (w->quoted[j])
			return 0;
	if (j - 1 >= sizeof(user))
		return 0;
	memcpy(user, w->text + 1, j - 1);
	user[j - 1] = '\0';
	home = home_of(user);
	if (!home)
		return 0;
	*i = j;
	return xb_put(b, home, strlen(home), true);
}

/* ---- "$" --------------------------------------------------------------- */

static int put_var(const struct sh_state *st, const struct sh_word *w,
		   size_t start, size_t end, struct xbuf *b)
{
	char status[16];
	const char *v;
	char *name;

	if (end - start == 1 && w->text[start] == '?') {
		snprintf(status, sizeof(status), "%d", st->status);
		return xb_put(b, status, strlen(status), true);
	}
	name = strndup(w->text + start, end - start);
	if (!name)
		return -ENOMEM;
	v = getenv(name); /* unset is empty, as in sh */
	free(name);
	return v ? xb_put(b, v, strlen(v), true) : 0;
}

/* "${NAME}" or "${?}" at i; sets *i past it. */
static int expand_brace(const struct sh_state *st, const struct sh_word *w,
			size_t *i, struct xbuf *b, struct sh_error *err)
{
	size_t start = *i + 2, k = start;
	int rc;

	if (at(w, k) == '?')
		k++;
	else if (is_name_start(at(w, k)))
		while (is_name_char(at(w, k)))
			k++;
	if (at(w, k) == '}' && k == start)
		return fail_at(err, w, *i, "empty ${}");
	if (at(w, k) == '}') {
		rc = put_var(st, w, start, k, b);
		*i = k + 1;
		return rc;
	}
	if (k >= w->len)
		return fail_at(err, w, *i, "unterminated ${");
	return fail_at(err, w, k, "bad variable name");
}

/* An unquoted "$" at i; one that starts no expansion stays a "$". */
static int expand_dollar(const struct sh_state *st, const struct sh_word *w,
			 size_t *i, struct xbuf *b, struct sh_error *err)
{
	size_t k = *i + 1;
	int c = at(w, k);

	if (c == '{')
		return expand_brace(st, w, i, b, err);
	if (c == '?' || is_name_start(c)) {
		*i = k + 1;
		while (c != '?' && is_name_char(at(w, *i)))
			(*i)++;
		return put_var(st, w, k, *i, b);
	}
	*i = k;
	return xb_put(b, "$", 1, true);
}

static int expand_text(const struct sh_state *st, const struct sh_word *w,
		       struct xbuf *b, struct sh_error *err)
{
	size_t i = 0;
	int rc = expand_tilde(w, b, &i);
	char c;

	while (rc == 0 && i < w->len) {
		c = w->text[i];
		if (at(w, i) == '$') {
			rc = expand_dollar(st, w, &i, b, err);
			continue;
		}
		if (!w->quoted[i] && strchr("*?[", c))
			b->glob = true;
		rc = xb_put(b, &c, 1, w->quoted[i]);
		i++;
	}
	/* An empty word still has its string. */
	return rc ? rc : xb_put(b, "", 0, true);
}

/* ---- globbing ---------------------------------------------------------- */

/* Append s to the pattern p, escaping glob's special bytes where lit says
 * (all of s when lit is NULL); a backslash is never glob's. */
static int put_pattern(struct xbuf *p, const char *s, size_t n,
		       const bool *lit)
{
	int rc = 0;

	for (size_t k = 0; rc == 0 && k < n; k++) {
		if (s[k] == '\\' || ((!lit || lit[k]) && strchr("*?[]", s[k])))
			rc = xb_put(p, "\\", 1, true);
		if (rc == 0)
			rc = xb_put(p, s + k, 1, true);
	}
	return rc;
}

/* A relative pattern is relative to the shell's cwd: prefix it when that
 * is not the process's.  *strip is the length of that prefix in results. */
static int make_pattern(const struct sh_state *st, const struct xbuf *b,
			struct xbuf *p, size_t *strip)
{
	char cwd[sizeof(st->cwd)];
	size_t n = strlen(st->cwd);
	int rc = 0;

	*strip = 0;
	if (b->s[0] != '/' && st->cwd[0] &&
	    !(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, st->cwd) == 0)) {
		*strip = n + (st->cwd[n - 1] != '/');
		rc = put_pattern(p, st->cwd, n, NULL);
		if (rc == 0 && st->cwd[n - 1] != '/')
			rc = xb_put(p, "/", 1, true);
	}
	return rc ? rc : put_pattern(p, b->s, b->len, b->lit);
}

static int one_field(const char *s, char ***fields, size_t *nfields)
{
	char **f = calloc(2, sizeof(*f));

	if (!f || !(f[0] = strdup(s))) {
		free(f);
		return -ENOMEM;
	}
	*fields = f;
	*nfields = 1;
	return 0;
}

static int glob_results(const glob_t *g, size_t strip, char ***fields,
			size_t *nfields)
{
	char **f = calloc(g->gl_pathc + 1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	for (size_t k = 0; k < g->gl_pathc; k++) {
		f[k] = strdup(g->gl_pathv[k] + strip);
		if (!f[k]) {
			sh_fields_free(f);
			return -ENOMEM;
		}
	}
	*fields = f;
	*nfields = g->gl_pathc;
	return 0;
}

/* No match leaves the word as it is (GLOB_NOCHECK), minus its quotes. */
static int glob_fields(const struct sh_state *st, const struct xbuf *b,
		       char ***fields, size_t *nfields)
{
	struct xbuf p = { 0 };
	size_t strip;
	glob_t g;
	int rc = make_pattern(st, b, &p, &strip);

	if (rc) {
		xb_free(&p);
		return rc;
	}
	rc = glob(p.s, 0, NULL, &g);
	xb_free(&p);
	if (rc == GLOB_NOSPACE)
		return -ENOMEM;
	if (rc != 0)
		return one_field(b->s, fields, nfields);
	rc = glob_results(&g, strip, fields, nfields);
	globfree(&g);
	return rc;
}

int sh_expand(const struct sh_state *st, const struct sh_word *w,
	      char ***fields, size_t *nfields, struct sh_error *err)
{
	struct sh_error dummy;
	struct xbuf b = { 0 };
	int rc;

	*fields = NULL;
	*nfields = 0;
	rc = expand_text(st, w, &b, err ? err : &dummy);
	if (rc == 0 && b.glob)
		rc = glob_fields(st, &b, fields, nfields);
	else if (rc == 0)
		rc = one_field(b.s, fields, nfields);
	xb_free(&b);
	return rc;
}

void sh_fields_free(char **fields)
{
	if (!fields)
		return;
	for (char **f = fields; *f; f++)
		free(*f);
	free(fields);
}
