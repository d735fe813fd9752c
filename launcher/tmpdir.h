/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_TMPDIR_H
#define OCAP_LAUNCH_TMPDIR_H

#include <stddef.h>

#include "plan.h"

/* The directory the private temporary directories go in. */
hidden const char *ocap__tmpdir_base(void);
/* Its name before it is made: "BASE/ocap.XXXXXX". */
hidden int ocap__tmpdir_template(char *buf, size_t size);
/* Grant p a private temporary directory, read-write, under the
 * template's name (unless --no-tmpdir). */
hidden int ocap__tmpdir_plan(ocap_plan *p);
/* Make it: the grant takes the directory's name.  Fails the plan with
 * the reason. */
hidden int ocap__tmpdir_make(ocap_plan *p);
/* Remove it and everything in it, following no link (unless
 * --keep-tmpdir): 0, or the first error met. */
hidden int ocap__tmpdir_remove(ocap_plan *p);

#endif
