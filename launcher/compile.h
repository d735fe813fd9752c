/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_COMPILE_H
#define OCAP_LAUNCH_COMPILE_H

/*
 * The compiled plan: what a launch runs and --explain prints, made in one
 * step from the grants.  Unit tests inspect it without forking.
 */

#include "backend.h"
#include "exe.h"
#include "plan.h"

struct ocap_compiled {
	ocap_plan *plan;
	int mode;                /* OCAP_MODE_NATIVE or OCAP_MODE_COMPAT */
	struct ocap_exe exe;     /* the program as the kernel will see it */
	char **envp;             /* the program's environment */
	struct ocap__enforce *enforce; /* the backend's part */
};

/* Check p (mode, runtime set, nesting, what the kernel can enforce) and
 * compile it into *c; on failure the plan says why, in one line, and *c
 * holds nothing to free. */
hidden int ocap__compile(ocap_plan *p, struct ocap_compiled *c);
hidden void ocap__compiled_free(struct ocap_compiled *c);

/* env.c: the program's environment (the default set or the caller's
 * whole one, then each --env, then OCAP_ROOT). */
hidden int ocap__build_env(const ocap_plan *p, char ***envp);
hidden void ocap__free_env(char **envp);
/* The value the program's environment will give name, or NULL. */
hidden const char *ocap__env_value(const ocap_plan *p, const char *name);

#endif
