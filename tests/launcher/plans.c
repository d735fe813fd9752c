/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plans.h"

ocap_plan *plan_of(const char *const *opts, char *const *argv)
{
	ocap_plan *p;

	assert_int_equal(ocap_plan_new(&p), 0);
	for (size_t i = 0; opts && opts[i]; i += 2)
		assert_int_equal(ocap_plan_option(p, opts[i], opts[i + 1],
						  "test", NULL), 0);
	if (argv)
		assert_int_equal(ocap_plan_program(p, argv), 0);
	return p;
}

const char *env_get(char **envp, const char *name)
{
	size_t len = strlen(name);

	for (; *envp; envp++)
		if (!strncmp(*envp, name, len) && (*envp)[len] == '=')
			return *envp + len + 1;
	return NULL;
}

struct ocap_compiled *compiled_bare(ocap_plan *p, int mode)
{
	struct ocap_compiled *c = calloc(1, sizeof *c);

	assert_non_null(c);
	assert_null(p->compiled);
	c->plan = p;
	c->mode = mode;
	for (size_t i = 0; i < p->npaths; i++)
		assert_int_equal(ocap__grants_add(&c->paths, &c->npaths,
						  p->paths[i].name,
						  p->paths[i].rights,
						  p->paths[i].where, NULL,
						  p->paths[i].runtime), 0);
	p->compiled = c;
	p->compiled_free = ocap__compiled_free;
	return c;
}

bool runtime_granted(const struct ocap_compiled *c, const char *name,
		     ocap_rights_t r)
{
	for (size_t i = 0; i < c->npaths; i++)
		if (!strcmp(c->paths[i].name, name))
			return c->paths[i].runtime &&
			       (c->paths[i].rights & r) == r;
	return false;
}

char *explain_of(ocap_plan *p, int json, int want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ocap_plan_explain(p, f, json), want);
	assert_int_equal(fclose(f), 0);
	return buf;
}
