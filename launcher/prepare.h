/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_PREPARE_H
#define OCAP_LAUNCH_PREPARE_H

/*
 * What ocap_launch() (launch.c) and ocap_exec() (exec.c) share: the
 * preparation of a compiled plan and the child stages' report.
 */

#include "backend.h"
#include "compile.h"

/* Make the private temporary directory, open every grant, resolve the
 * granted hosts and hand the descriptors to the backend: 0, or the plan
 * fails with the reason. */
hidden int ocap__launch_open(struct ocap_compiled *cp);

/* The plan's error for a stage that failed (or the exec). */
hidden int ocap__child_failed(ocap_plan *p, struct ocap_child_err *e);

/* exec.c: what a plan run in place cannot have, in one line naming the
 * option: the options' part when c is NULL, the compiled mode's
 * otherwise.  0 when it has none, or when it is not run in place. */
hidden int ocap__in_place_check(ocap_plan *p, const struct ocap_compiled *c);

#endif
