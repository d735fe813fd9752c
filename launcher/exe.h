/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_EXE_H
#define OCAP_LAUNCH_EXE_H

#include <limits.h>
#include <stdbool.h>

#include "plan.h"

struct ocap_exe {
	bool elf;              /* an ELF executable for this machine */
	bool ocap_note;        /* built by ocap-cc */
	char interp[PATH_MAX]; /* PT_INTERP, or "" for a static binary */
	char shebang[PATH_MAX];/* "#!" interpreter, or "" */
	char shebang_arg[NAME_MAX + 1]; /* its first argument, or "" */
};

/* What the kernel will need to run path; -ENOEXEC when it is neither an
 * ELF binary for this machine nor a "#!" script. */
hidden int ocap__exe_inspect(const char *path, struct ocap_exe *x);

/* name searched in path (a PATH value; NULL or empty: the default) as
 * execvp(3) does: the first executable found goes to out.  -ENOENT, or
 * -EACCES when only files that may not be executed were found. */
hidden int ocap__exe_find(const char *path, const char *name, char *out,
			  size_t size);

#endif
