/* SPDX-License-Identifier: MIT */
#ifndef OCAP_TESTS_LAUNCHER_CHILD_H
#define OCAP_TESTS_LAUNCHER_CHILD_H

/*
 * Live tests run each sandboxed operation in a forked child, which reports
 * what the kernel said in its exit status: 0, an errno value, or death by
 * a signal.
 */

#include <stdbool.h>
#include <sys/types.h>

#define NOBODY 65534

/* fn's return value is the child's exit status. */
typedef int child_fn(void *arg);

/* Fork, run fn(arg) in the child and return its wait status. */
int run_child(child_fn *fn, void *arg);

/* What a wait status says, for messages: "exit 13 (EACCES)", "signal 31". */
const char *status_str(int status, char *buf, size_t size);

/* Drop to uid and gid 65534 without supplementary groups: -errno. */
int drop_to_nobody(void);

/* Set no_new_privs: -errno. */
int set_nnp(void);

/* Returns -1 with errno set, or r: as an exit status, errno or 0. */
int errno_of(long r);

/* Skipping: the binary exits 77 (CTest's skip) when a case was skipped
 * and none failed, so a missing kernel feature never passes silently. */
extern int skipped;
int finish(int failures);

#endif
