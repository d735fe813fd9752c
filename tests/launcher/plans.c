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

bool runtime_granted(const ocap_plan *p, const char *name, ocap_rights_t r)
{
	for (size_t i = 0; i < p->npaths; i++)
		if (!strcmp(p->paths[i].name, name))
			return p->paths[i].runtime &&
			       (p->paths[i].rights & r) == r;
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
