/* SPDX-License-Identifier: MIT */
#ifndef OCAP_TESTS_LAUNCHER_PLANS_H
#define OCAP_TESTS_LAUNCHER_PLANS_H

/*
 * Plans for the pipeline's unit tests: built from option pairs as ocapsh
 * would pass them, and read back.
 */

#include <stdbool.h>

#include "compile.h"

/* A plan from opts, pairs of option and value (NULL for a flag) ending
 * at a NULL option, with argv its program unless NULL.  Fails the test
 * when an option is refused. */
ocap_plan *plan_of(const char *const *opts, char *const *argv);

/* NAME's value in envp, or NULL. */
const char *env_get(char **envp, const char *name);

/* A compiled plan made by hand for a test of one compile step: p's
 * grants copied, mode as given, nothing else yet.  p keeps and frees
 * it. */
struct ocap_compiled *compiled_bare(ocap_plan *p, int mode);

/* Whether name is a runtime grant of c with at least the rights r. */
bool runtime_granted(const struct ocap_compiled *c, const char *name,
		     ocap_rights_t r);

/* What ocap_plan_explain() printed (text, or JSON when json), to free;
 * fails the test unless it returned want. */
char *explain_of(ocap_plan *p, int json, int want);

#endif
