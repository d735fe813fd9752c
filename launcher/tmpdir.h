/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_TMPDIR_H
#define OCAP_LAUNCH_TMPDIR_H

#include <stddef.h>

#include "compile.h"

/* The directory the private temporary directories go in. */
hidden const char *ocap__tmpdir_base(void);
/* Its name before it is made: "BASE/ocap.XXXXXX". */
hidden int ocap__tmpdir_template(char *buf, size_t size);
/* Grant c a private temporary directory, read-write, under the
 * template's name (unless --no-tmpdir). */
hidden int ocap__tmpdir_plan(struct ocap_compiled *c);
/* Make it: the grant takes the directory's name, and the plan's
 * ocap_plan_tmpdir() gives it.  Fails the plan with the reason. */
hidden int ocap__tmpdir_make(struct ocap_compiled *c);
/* Remove it and everything in it, following no link (unless
 * --keep-tmpdir): 0, or the first error met. */
hidden int ocap__tmpdir_remove(ocap_plan *p);

#endif
