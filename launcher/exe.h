/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_EXE_H
#define OCAP_LAUNCH_EXE_H

#include <limits.h>
#include <stdbool.h>

#include "plan.h"
#include "sandbox.h"

struct ocap_exe {
	bool elf;              /* an ELF executable for this machine */
	bool ocap_note;        /* built by ocap-cc */
	char interp[PATH_MAX]; /* PT_INTERP, or "" for a static binary */
	char shebang[PATH_MAX];/* "#!" interpreter, or "" */
};

/* What the kernel will need to run path; -ENOEXEC when it is neither an
 * ELF binary for this machine nor a "#!" script. */
hidden int ocap__exe_inspect(const char *path, struct ocap_exe *x);

/* runtime.c: the runtime set (compat mode), and the executable with the
 * interpreters the kernel opens for it (every mode). */
hidden int ocap__runtime_add(ocap_plan *p);
hidden int ocap__runtime_exe(ocap_plan *p, const struct ocap_exe *x);

/* launch.c: what --explain and a launch share: the mode, the runtime,
 * and the checks that refuse what cannot be enforced. */
hidden int ocap__plan_prepare(ocap_plan *p, struct ocap_exe *x);
/* The Landlock plan for p (descriptors as opened, -1 before). */
hidden int ocap__ll_plan(const ocap_plan *p, struct ocap_ll_plan *ll);
hidden void ocap__ll_plan_free(struct ocap_ll_plan *ll);

#endif
