/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan.h"

/* Limits set in every child unless overridden: no core dumps, which would
 * write the program's memory outside its grants. */
static const struct ocap_rlimit default_rlimits[OCAP_NRLIMITS] = {
	{ RLIMIT_CORE, "core", { 0, 0 }, true },
	{ RLIMIT_NOFILE, "nofile", { 0, 0 }, false },
	{ RLIMIT_NPROC, "nproc", { 0, 0 }, false },
	{ RLIMIT_AS, "as", { 0, 0 }, false },
	{ RLIMIT_CPU, "cpu", { 0, 0 }, false },
	{ RLIMIT_FSIZE, "fsize", { 0, 0 }, false },
};

int ocap_plan_new(ocap_plan **out)
{
	ocap_plan *p;

	if (!out)
		return -EINVAL;
	p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	memcpy(p->rlimits, default_rlimits, sizeof p->rlimits);
	*out = p;
	return 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void ocap_plan_free(ocap_plan *p)
{
	if (!p)
		return;
	if (p->compiled)
		p->compiled_free(p->compiled);
	ocap__grants_free(p->paths, p->npaths);
	for (size_t i = 0; i < p->nnets; i++) {
		free(p->nets[i].host);
		free(p->nets[i].where);
		free(p->nets[i].addrs);
		free(p->nets[i].base);
		if (p->nets[i].dirfd >= 0)
			close(p->nets[i].dirfd);
	}
	free(p->nets);
	free_strv(p->env, p->nenv);
	free_strv(p->allow_syscalls, p->nallow);
	free_strv(p->warnings, p->nwarnings);
	free_strv(p->suggestions, p->nsuggestions);
	if (p->argv)
		for (char **a = p->argv; *a; a++)
			free(*a);
	free(p->argv);
	free(p->prog);
	free(p);
}

const char *ocap_plan_error(const ocap_plan *p)
{
	return p && p->err[0] ? p->err : "unknown error";
}

/* An error is one line, whatever the input it quotes holds: control
 * characters but tab are written \n, \r or \xNN. */
static void one_line(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 0x20 && c != 0x7f) || c == '\t')
			out[n++] = (char)c;
		else if (c == '\n' || c == '\r')
			n += (size_t)snprintf(out + n, size - n, "\\%c",
					      c == '\n' ? 'n' : 'r');
		else
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
	}
	out[n] = '\0';
}

int ocap__plan_fail(ocap_plan *p, int err, const char *fmt, ...)
{
	char raw[sizeof p->err];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	one_line(p->err, sizeof p->err, raw);
	return err;
}

/* raw as one line of at most size bytes, appended to (*v, *n). */
static int push_line(char ***v, size_t *n, size_t size, const char *raw)
{
	char *line, **w;

	if (!(line = malloc(size)))
		return -ENOMEM;
	one_line(line, size, raw);
	w = realloc(*v, (*n + 1) * sizeof *w);
	if (!w) {
		free(line);
		return -ENOMEM;
	}
	*v = w;
	w[(*n)++] = line;
	return 0;
}

/* A warning is one line too. */
int ocap__plan_warn(ocap_plan *p, const char *fmt, ...)
{
	char raw[sizeof p->err];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	return push_line(&p->warnings, &p->nwarnings, sizeof p->err, raw);
}

int ocap__plan_suggest(ocap_plan *p, const char *line)
{
	return push_line(&p->suggestions, &p->nsuggestions, sizeof p->err,
			 line);
}

const char *ocap_plan_suggestion(const ocap_plan *p, size_t i)
{
	return p && i < p->nsuggestions ? p->suggestions[i] : NULL;
}

int ocap_exit_status(const ocap_plan *p, int r, int status)
{
	/* An exec that failed in the child comes back as 126 or 127. */
	if (r == 0 || (WIFEXITED(status) && WEXITSTATUS(status) >= 126)) {
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
	}
	if (r < 0 && p && p->exit_hint)
		return p->exit_hint;
	return OCAP_EXIT_LAUNCHER;
}

void ocap_plan_log(ocap_plan *p, ocap_log_fn *fn, void *ctx)
{
	if (!p)
		return;
	p->log_fn = fn;
	p->log_ctx = ctx;
}
