/* SPDX-License-Identifier: MIT */
/*
 * One compile step from grants to what a launch runs and --explain shows:
 * the mode, the runtime set, the checks that refuse what cannot be
 * enforced, the environment and the backend's part.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compile.h"
#include "nesting.h"
#include "prepare.h"
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

struct nest_ctx {
	const struct ocap_compiled *c;
	int r;
};

static int nested(const struct ocap_compiled *c, size_t i, size_t j,
		  ocap_rights_t m)
{
	const struct ocap_path_grant *a = &c->paths[i], *b = &c->paths[j];
	char more[128];

	ocap_rights_format(m, more, sizeof more);
	return ocap__plan_fail(c->plan, -EINVAL,
			       "%s: %s: inside %s (%s), which also grants %s; "
			       "rights add up down a tree, so it would get "
			       "them too", b->where, b->name, a->name, a->where,
			       more);
}

/* Nested in the real tree: an alias must not hide a nesting.  A grant
 * that cannot be looked at is the launch's to refuse, when it opens it. */
static int nested_found(void *ctx, size_t outer, size_t inner,
			uint64_t more, int err)
{
	struct nest_ctx *n = ctx;

	if (err < 0)
		return 0;
	n->r = nested(n->c, outer, inner, (ocap_rights_t)more);
	return 1;
}

static int check_nesting(const struct ocap_compiled *c)
{
	struct ocap_nest *v = calloc(c->npaths + 1, sizeof *v);
	struct nest_ctx ctx = { c, 0 };
	int r;

	if (!v)
		return -ENOMEM;
	/* Nested as written: a link planted in a wider grant must not be
	 * named to reach out of it. */
	for (size_t i = 0; i < c->npaths; i++)
		for (size_t j = 0; j < c->npaths; j++) {
			const struct ocap_path_grant *b = &c->paths[j];
			ocap_rights_t m;

			if (i != j && !b->runtime &&
			    beneath(c->paths[i].name, b->name) &&
			    (m = gained(&c->paths[i], b))) {
				free(v);
				return nested(c, i, j, m);
			}
		}
	for (size_t i = 0; i < c->npaths; i++)
		v[i] = (struct ocap_nest){ .dirfd = AT_FDCWD,
					   .path = c->paths[i].name,
					   .gives = c->paths[i].rights,
					   .holds = c->paths[i].rights,
					   .file_rights = FILE_RIGHTS,
					   .inner = !c->paths[i].runtime };
	r = ocap__nest_check(v, c->npaths, NULL, nested_found, &ctx);
	free(v);
	return r < 0 ? r : ctx.r;
}

/* The user's grants, copied: the compiled plan's list, which the
 * runtime then extends, never the plan's own. */
static int copy_grants(struct ocap_compiled *c)
{
	const ocap_plan *p = c->plan;

	if (!(c->paths = calloc(p->npaths + 1, sizeof *c->paths)))
		return -ENOMEM;
	for (; c->npaths < p->npaths; c->npaths++) {
		const struct ocap_path_grant *g = &p->paths[c->npaths];
		struct ocap_path_grant *d = &c->paths[c->npaths];

		*d = (struct ocap_path_grant){ .rights = g->rights,
					       .runtime = g->runtime,
					       .optional = g->optional,
					       .fd = -1 };
		d->name = strdup(g->name);
		d->where = strdup(g->where);
		if (!d->name || !d->where) {
			free(d->name);
			free(d->where);
			return -ENOMEM;
		}
	}
	return 0;
}

static int prepare(struct ocap_compiled *c)
{
	ocap_plan *p = c->plan;
	int r;

	if (!p->prog)
		return ocap__plan_fail(p, -EINVAL, "no program to run");
	if ((r = ocap__exe_inspect(p->prog, &c->exe)) < 0) {
		if (r == -ENOEXEC || r == -EISDIR)
			p->exit_hint = OCAP_EXIT_CANNOT_EXEC;
		return ocap__plan_fail(p, r == -EISDIR ? -ENOEXEC : r, "%s: %s",
				       p->prog,
				       r == -ENOEXEC || r == -EISDIR
					       ? "not an executable for this "
						 "machine"
					       : strerror(-r));
	}
	c->mode = p->mode != OCAP_MODE_AUTO ? p->mode
		  : c->exe.ocap_note        ? OCAP_MODE_NATIVE
					    : OCAP_MODE_COMPAT;
	if ((r = copy_grants(c)) < 0)
		return r;
	if (c->mode == OCAP_MODE_COMPAT && !p->no_runtime &&
	    (r = ocap__runtime_add(c)) < 0)
		return r;
	if ((r = ocap__runtime_exe(c)) < 0 || (r = ocap__runtime_shim(c)) < 0 ||
	    (r = ocap__tmpdir_plan(c)) < 0)
		return r;
	return check_nesting(c);
}

int ocap__compile(ocap_plan *p, struct ocap_compiled **out)
{
	struct ocap_compiled *c;
	int r;

	if (p->compiled) {
		*out = p->compiled;
		return 0;
	}
	if (!(c = calloc(1, sizeof *c)))
		return -ENOMEM;
	c->plan = p;
	if ((r = ocap__in_place_check(p, NULL)) == 0 &&
	    (r = prepare(c)) == 0 &&
	    (r = ocap__in_place_check(p, c)) == 0 &&
	    (r = ocap__be_compile(c, &c->enforce)) == 0 &&
	    (r = ocap__build_env(c, &c->envp)) < 0)
		r = ocap__plan_fail(p, r, "environment: %s", strerror(-r));
	if (r < 0) {
		ocap__compiled_free(c);
		return r;
	}
	p->compiled_free = ocap__compiled_free;
	*out = p->compiled = c;
	return 0;
}

void ocap__compiled_free(struct ocap_compiled *c)
{
	ocap__be_free(c->enforce);
	ocap__free_env(c->envp);
	ocap__grants_free(c->paths, c->npaths);
	free(c->shim);
	free(c);
}

int ocap_plan_check(ocap_plan *p)
{
	struct ocap_compiled *c;

	if (!p)
		return -EINVAL;
	return ocap__compile(p, &c);
}

const char *ocap_plan_warning(const ocap_plan *p, size_t i)
{
	return p && i < p->nwarnings ? p->warnings[i] : NULL;
}
