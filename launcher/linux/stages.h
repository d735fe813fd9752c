/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_STAGES_H
#define OCAP_LAUNCH_STAGES_H

#include "plan.h"
#include "sandbox.h"

/* What the child needs, all prepared by the parent before fork so that a
 * stage does no allocation and reports a failure as (stage, errno). */
struct ocap_child {
	const ocap_plan *plan;
	int rootfd;      /* the child's end of the root descriptor */
	int errfd;       /* close-on-exec pipe to the parent */
	int progfd;      /* the program, O_PATH: native mode execs it */
	pid_t broker;
	char **envp;
	struct ocap_ll_plan ll;
	int sc_mode;
	const char **sc_extra; /* ocap__sc_extras: compiled at launch */
	size_t nsc_extra;
};

enum ocap_stage {
	OCAP_STAGE_FDS = 1,
	OCAP_STAGE_ENV,
	OCAP_STAGE_RLIMITS,
	OCAP_STAGE_PRIVS,
	OCAP_STAGE_LANDLOCK,
	OCAP_STAGE_SECCOMP,
	OCAP_STAGE_EXEC,
};

/* What the child writes to errfd when a stage fails. */
struct ocap_child_err {
	int stage;
	int err;
	char why[256];
};

hidden const char *ocap__stage_name(int stage);
hidden int ocap__sc_extras(const ocap_plan *p, const char ***out, size_t *n);
hidden int ocap__build_env(const ocap_plan *p, char ***envp);
hidden void ocap__free_env(char **envp);
/* Run every stage and exec; returns only on failure. */
hidden struct ocap_child_err ocap__child_run(const struct ocap_child *c);

#endif
