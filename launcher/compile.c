/* SPDX-License-Identifier: MIT */
/*
 * One compile step from grants to what a launch runs and --explain shows:
 * the mode, the runtime set, the checks that refuse what cannot be
 * enforced, the environment and the backend's part.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compile.h"
#include "runtime.h"
#include "tmpdir.h"

/* A grant nested in another that grants more would get those rights too:
 * Landlock's rights add up down a tree.  Refuse rather than widen. */
#define FILE_RIGHTS                                                        \
	(OCAP_RIGHT_READ | OCAP_RIGHT_WRITE | OCAP_RIGHT_EXEC |             \
	 OCAP_RIGHT_TRUNCATE)

/* The rights a grant beneath a would gain from it. */
static ocap_rights_t gained(const struct ocap_path_grant *a,
			    const struct ocap_path_grant *b)
{
	struct stat st;
	ocap_rights_t more = a->rights & ~b->rights;

	if (stat(b->name, &st) == 0 && !S_ISDIR(st.st_mode))
		more &= FILE_RIGHTS; /* list, create, delete mean nothing */
	return more;
}

static bool beneath(const char *a, const char *b)
{
	size_t len = strlen(a);

	return strlen(b) > len &&
	       (len == 1 || (!strncmp(a, b, len) && b[len] == '/'));
}

/* Where a grant really is: symlinks resolved (the parent's, for a file
 * that is to be created), so that an alias cannot hide a nesting. */
static char *real_name(const char *name)
{
	char *r = realpath(name, NULL), *slash, *dir;

	if (r || !(slash = strrchr(name, '/')))
		return r ? r : strdup(name);
	dir = strndup(name, (size_t)(slash - name));
	r = dir ? realpath(*dir ? dir : "/", NULL) : NULL;
	free(dir);
	if (r) {
		char *full;
		int n = asprintf(&full, "%s%s", strcmp(r, "/") ? r : "", slash);
		free(r);
		return n < 0 ? NULL : full;
	}
	return strdup(name);
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static int check_nesting(ocap_plan *p)
{
	char more[128], **real = calloc(p->npaths + 1, sizeof *real);

	if (!real)
		return -ENOMEM;
	for (size_t i = 0; i < p->npaths; i++)
		if (!(real[i] = real_name(p->paths[i].name))) {
			free_names(real, p->npaths);
			return -ENOMEM;
		}
	for (size_t i = 0; i < p->npaths; i++) {
		const struct ocap_path_grant *a = &p->paths[i];
		for (size_t j = 0; j < p->npaths; j++) {
			const struct ocap_path_grant *b = &p->paths[j];
			ocap_rights_t m;
			/* Nested as written (a link planted in a wider grant
			 * must not be named to reach out of it) or in the real
			 * tree (an alias must not hide a nesting). */
			if (i == j || b->runtime ||
			    !(beneath(a->name, b->name) ||
			      beneath(real[i], real[j])) ||
			    !(m = gained(a, b)))
				continue;
			free_names(real, p->npaths);
			ocap_rights_format(m, more, sizeof more);
			return ocap__plan_fail(
				p, -EINVAL,
				"%s: %s: inside %s (%s), which also grants %s; "
				"rights add up down a tree, so it would get "
				"them too", b->where, b->name, a->name,
				a->where, more);
		}
	}
	free_names(real, p->npaths);
	return 0;
}

static int prepare(ocap_plan *p, struct ocap_exe *x)
{
	int r;

	if (p->checked)
		return ocap__exe_inspect(p->prog, x) < 0 ? -ENOEXEC : 0;
	if (!p->prog)
		return ocap__plan_fail(p, -EINVAL, "no program to run");
	if ((r = ocap__exe_inspect(p->prog, x)) < 0) {
		if (r == -ENOEXEC || r == -EISDIR)
			p->exit_hint = OCAP_EXIT_CANNOT_EXEC;
		return ocap__plan_fail(p, r == -EISDIR ? -ENOEXEC : r, "%s: %s",
				       p->prog,
				       r == -ENOEXEC || r == -EISDIR
					       ? "not an executable for this "
						 "machine"
					       : strerror(-r));
	}
	p->mode_eff = p->mode != OCAP_MODE_AUTO ? p->mode
			: x->ocap_note         ? OCAP_MODE_NATIVE
					       : OCAP_MODE_COMPAT;
	if (p->mode_eff == OCAP_MODE_COMPAT && !p->no_runtime &&
	    (r = ocap__runtime_add(p)) < 0)
		return r;
	if ((r = ocap__runtime_exe(p, x)) < 0 ||
	    (r = ocap__runtime_shim(p)) < 0 || (r = ocap__tmpdir_plan(p)) < 0)
		return r;
	return check_nesting(p);
}

int ocap__compile(ocap_plan *p, struct ocap_compiled *c)
{
	int r;

	memset(c, 0, sizeof *c);
	c->plan = p;
	if ((r = prepare(p, &c->exe)) < 0)
		return r;
	c->mode = p->mode_eff;
	if ((r = ocap__be_compile(c, &c->enforce)) < 0)
		return r;
	if ((r = ocap__build_env(p, &c->envp)) < 0) {
		ocap__compiled_free(c);
		return ocap__plan_fail(p, r, "environment: %s", strerror(-r));
	}
	p->checked = true;
	return 0;
}

void ocap__compiled_free(struct ocap_compiled *c)
{
	ocap__be_free(c->enforce);
	ocap__free_env(c->envp);
	c->enforce = NULL;
	c->envp = NULL;
}

int ocap_plan_check(ocap_plan *p)
{
	struct ocap_compiled c;
	int r;

	if (!p)
		return -EINVAL;
	if ((r = ocap__compile(p, &c)) == 0)
		ocap__compiled_free(&c);
	return r;
}

const char *ocap_plan_warning(const ocap_plan *p, size_t i)
{
	return p && i < p->nwarnings ? p->warnings[i] : NULL;
}
