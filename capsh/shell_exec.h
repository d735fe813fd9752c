/* SPDX-License-Identifier: MIT */
#ifndef OCAP_SHELL_EXEC_H
#define OCAP_SHELL_EXEC_H

/*
 * Private to the shell's executor, plans, builtins and front end: what a
 * command is given after expansion, the plan built from it, and the
 * shell-wide grant list.
 */

#include "shell.h"

/* A command's fields: argv[0] is the program; writable and pos come
 * from the word each field was expanded from. */
struct sh_argv {
	char **argv; /* NULL-terminated */
	bool *writable;
	struct sh_pos *pos;
	size_t argc;
};

/* shell_exec.c.  "ocapsh: WHERE:LINE:COL: message" on stderr (no
 * "WHERE:" when where is NULL). */
void sh_report(const char *where, struct sh_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A wait status as a shell status: the exit code, or 128 + signal. */
int sh_wait_status(int wstatus);

/* shell_plan.c.  The plan a command runs with: the shell-wide grants,
 * then each argument that names an existing path (read) or is marked
 * writable, then the program.  Returns 0 or the status the command
 * gets (125, 126, 127), having printed why, prefixed by where. */
int sh_plan_build(const struct sh_state *st, const struct sh_argv *a,
		  const char *where, ocap_plan **out);
/* Report the plan's last error at the input it names, else at cmd. */
void sh_plan_report(const char *where, const ocap_plan *p,
		    struct sh_pos cmd);

/* shell_builtin.c. */
bool sh_is_builtin(const char *name);
/* explain with the marks of the words (the exec path). */
int sh_explain(struct sh_state *st, const struct sh_argv *a,
	       const char *where);
/* Append a shell-wide grant, its path made absolute against st->cwd.
 * Returns 0, -EINVAL for an unknown option or a missing or extra
 * value, or -ENOMEM. */
int sh_grant_add(struct sh_state *st, const char *opt, const char *val);
void sh_grants_free(struct sh_state *st);

#endif
