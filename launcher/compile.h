/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_COMPILE_H
#define OCAP_LAUNCH_COMPILE_H

/*
 * The compiled plan: what a launch runs and --explain prints, made in one
 * step from the grants.  Unit tests inspect it without forking.
 *
 * Compiling never changes what the user granted: the plan's own list
 * stays as written, and the compiled plan holds its own copy, followed
 * by what the runtime adds.  A plan is compiled once: ocap_plan_check(),
 * --explain and ocap_launch() share the result, which the plan keeps and
 * frees, so a warning is said once however often it is asked for.
 */

#include "backend.h"
#include "exe.h"
#include "plan.h"

struct ocap_compiled {
	ocap_plan *plan;
	int mode;                /* OCAP_MODE_NATIVE or OCAP_MODE_COMPAT */
	/* What is enforced: the user's grants, then the runtime set's, the
	 * executable's, the resolver shim's and the private temporary
	 * directory's (marked runtime).  A launch opens each (fd, kind). */
	struct ocap_path_grant *paths;
	size_t npaths;
	size_t tmpdir_grant;     /* the temporary directory's index + 1 */
	char *shim;              /* the resolver preloaded into compat
				    programs, or NULL */
	struct ocap_exe exe;     /* the program as the kernel will see it */
	char **envp;             /* the program's environment */
	struct ocap__enforce *enforce; /* the backend's part */
};

/* Check p (mode, runtime set, nesting, what the kernel can enforce) and
 * compile it, once: *out is the plan's compiled plan, which the plan
 * frees.  On failure the plan says why, in one line, and nothing is
 * kept: the next call tries again. */
hidden int ocap__compile(ocap_plan *p, struct ocap_compiled **out);
/* Free c and all it holds (the descriptors of the grants opened). */
hidden void ocap__compiled_free(struct ocap_compiled *c);

/* env.c: the program's environment (the default set or the caller's
 * whole one, then each --env, then OCAP_ROOT). */
hidden int ocap__build_env(const struct ocap_compiled *c, char ***envp);
/* launch.c: fd, or a copy of it above the root descriptor's slot, which
 * the child's descriptor layout overwrites (fd consumed); -1 and errno. */
hidden int ocap__above_root(int fd);
hidden void ocap__free_env(char **envp);
/* The value the program's environment will give name, or NULL. */
hidden const char *ocap__env_value(const ocap_plan *p, const char *name);

#endif
