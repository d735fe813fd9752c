/* SPDX-License-Identifier: MIT */
#ifndef OCAP_ENTER_TEST_H
#define OCAP_ENTER_TEST_H

/* What the tests of ocap_enter() share: entering is for good, so each
 * case enters in a forked child that reports through its exit status. */

#include <stdbool.h>
#include <stddef.h>

#include <ocap/enter.h>

#include "support.h"

/* Run fn(arg) in a child with the fatal signals at their defaults (so
 * that a crash is not taken for cmocka's) and fail unless it exits want
 * (a failing child_check exits with its line). */
int expect_status(int (*fn)(void *), void *arg, int want);

/* A case that only enters in a child and checks there. */
struct entering_case {
	const char *name;
	int (*fn)(void *);
};

/* Each case in turn, named as it runs; each child must exit 0. */
void run_entering(const struct entering_case *cases, size_t n);

/* Without Landlock nothing can be entered: say so and return the skip
 * code (77); 0 when it is there. */
int landlock_missing(void);

/* -errno of a raw call's result. */
long sys_ret(long r);

/* Whether the report has an item what that is enforced or not. */
bool report_has(const struct ocap_enter_report *r, const char *what,
		int enforced);

/* A field of /proc/self/status ("Seccomp_filters"), -1 when absent. */
long status_field(const char *name);

/* Whether the process holds a capability in its permitted set. */
bool holds_caps(void);

/* In a child: nothing of capability mode is in force, and the process
 * holds capabilities exactly when caps says. */
void child_check_untouched(bool caps);

#endif
