/* SPDX-License-Identifier: MIT */
#ifndef OCAP_OCAPSH_LEARN_H
#define OCAP_OCAPSH_LEARN_H

/*
 * ocapsh --learn FILE: what one run was refused for want of, written as
 * a grants file (a new FILE), or beside an existing one as FILE.new.
 */

#include <stddef.h>

#include <ocap/launch.h>

/* Before the run: FILE can be written (its directory is, and it is not
 * something other than a regular file); -errno and one line in msg. */
int ocapsh_learn_check(const char *file, char *msg, size_t size);
/* After the run of prog under p: write what p's suggestions add; msg
 * gets one line to print (what was written, or why not). */
int ocapsh_learn(const ocap_plan *p, const char *file, char *const *prog,
		 char *msg, size_t size);

#endif
