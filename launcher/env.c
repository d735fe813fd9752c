/* SPDX-License-Identifier: MIT */
/* The program's environment, built in the parent before fork. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "tmpdir.h"

static const char *const kept_env[] = { "PATH", "HOME", "LANG", "TERM", "TZ" };

static bool kept_by_default(const char *var)
{
	size_t len = strcspn(var, "=");

	if (!strncmp(var, "LC_", 3))
		return true;
	for (size_t i = 0; i < sizeof kept_env / sizeof kept_env[0]; i++)
		if (strlen(kept_env[i]) == len && !strncmp(var, kept_env[i], len))
			return true;
	return false;
}

static int env_set(char ***env, size_t *n, const char *var)
{
	size_t len = strcspn(var, "=");
	char *s = strdup(var), **e;

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		if (!strncmp((*env)[i], var, len) && (*env)[i][len] == '=') {
			free((*env)[i]);
			(*env)[i] = s;
			return 0;
		}
	}
	if (!(e = realloc(*env, (*n + 2) * sizeof *e))) {
		free(s);
		return -ENOMEM;
	}
	e[(*n)++] = s;
	e[*n] = NULL;
	*env = e;
	return 0;
}

/* TMPDIR, TMP and TEMP name the private temporary directory (before it
 * is made, for --explain, its name's template). */
static int tmpdir_vars(const ocap_plan *p, char ***env, size_t *n)
{
	static const char *const vars[] = { "TMPDIR", "TMP", "TEMP" };
	char dir[300], kv[320];
	int r = 0;

	if (p->no_tmpdir)
		return 0;
	if (p->tmpdir)
		snprintf(dir, sizeof dir, "%s", p->tmpdir);
	else if ((r = ocap__tmpdir_template(dir, sizeof dir)) < 0)
		return r;
	for (size_t i = 0; i < 3 && r == 0; i++) {
		snprintf(kv, sizeof kv, "%s=%s", vars[i], dir);
		r = env_set(env, n, kv);
	}
	return r;
}

/* The resolver shim first in LD_PRELOAD, before what the program asked
 * for. */
static int preload(const char *shim, char ***env, size_t *n)
{
	const char *old = NULL;
	char *kv;
	int r;

	for (size_t i = 0; i < *n; i++)
		if (!strncmp((*env)[i], "LD_PRELOAD=", 11))
			old = (*env)[i] + 11;
	if (asprintf(&kv, "LD_PRELOAD=%s%s%s", shim, old && *old ? ":" : "",
		     old ? old : "") < 0)
		return -ENOMEM;
	r = env_set(env, n, kv);
	free(kv);
	return r;
}

/* The program's environment: the default set (or everything with
 * --inherit-env), then the private TMPDIR, then each --env, then the
 * resolver shim and OCAP_ROOT. */
int ocap__build_env(const struct ocap_compiled *c, char ***envp)
{
	const ocap_plan *p = c->plan;
	char **env = calloc(1, sizeof *env), root[32];
	size_t n = 0;
	int r = 0;

	if (!env)
		return -ENOMEM;
	for (char **e = environ; e && *e && r == 0; e++)
		if (strchr(*e, '=') && strncmp(*e, "OCAP_ROOT=", 10) &&
		    (p->inherit_env || kept_by_default(*e)))
			r = env_set(&env, &n, *e);
	if (r == 0)
		r = tmpdir_vars(p, &env, &n);
	for (size_t i = 0; i < p->nenv && r == 0; i++) {
		if (strchr(p->env[i], '='))
			r = env_set(&env, &n, p->env[i]);
		else {
			const char *v = getenv(p->env[i]);
			char *kv;
			if (!v)
				continue;
			if (asprintf(&kv, "%s=%s", p->env[i], v) < 0)
				r = -ENOMEM;
			else {
				r = env_set(&env, &n, kv);
				free(kv);
			}
		}
	}
	if (r == 0 && c->shim)
		r = preload(c->shim, &env, &n);
	snprintf(root, sizeof root, "%s=%d", OCAP_ROOT_ENV, OCAP_ROOT_FD);
	if (r == 0 && !p->in_place) /* in place: no root descriptor */
		r = env_set(&env, &n, root);
	if (r < 0) {
		ocap__free_env(env);
		return r;
	}
	*envp = env;
	return 0;
}

void ocap__free_env(char **envp)
{
	if (!envp)
		return;
	for (char **e = envp; *e; e++)
		free(*e);
	free(envp);
}

const char *ocap__env_value(const ocap_plan *p, const char *name)
{
	size_t len = strlen(name);
	const char *v = p->inherit_env || kept_by_default(name) ? getenv(name)
								: NULL;

	for (size_t i = 0; i < p->nenv; i++) {
		const char *e = p->env[i];

		if (strncmp(e, name, len))
			continue;
		if (e[len] == '=')
			v = e + len + 1;
		else if (e[len] == '\0' && getenv(name))
			v = getenv(name);
	}
	return v;
}
