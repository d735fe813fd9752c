/* SPDX-License-Identifier: MIT */
#ifndef OCAP_ENTER_H
#define OCAP_ENTER_H

/*
 * Capability mode from inside a program (part of libocap-launch).
 *
 * A program opens what it needs into a namespace, then enters: from then
 * on, for good, the process reaches only the namespace's capabilities
 * with their rights, and through them only.  ocap_isolate() does the same
 * in a forked child that runs one function, for the parts of a program
 * (a parser of untrusted input) that should hold less than the whole.
 * Network grants in the namespace are kept, served by a helper process
 * forked before entering.  Every function returns 0 or a negative errno;
 * see ocap_enter(3).
 */

#include <stddef.h>
#include <stdio.h>

#include <ocap/ocap.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exactly one of these two: refuse to enter, changing nothing, when
 * anything would be unenforced; or enter and report what is not. */
#define OCAP_ENTER_STRICT      (1u << 0)
#define OCAP_ENTER_BEST_EFFORT (1u << 1)
/* Classes of calls dropped as well, as with pledge(2)'s promises. */
#define OCAP_ENTER_NO_EXEC     (1u << 2) /* execve, execveat */
#define OCAP_ENTER_NO_FORK     (1u << 3) /* new processes; threads stay */
#define OCAP_ENTER_NO_NET      (1u << 4) /* sockets but AF_UNIX */
#define OCAP_ENTER_NO_CREATE   (1u << 5) /* new files, links, names */
#define OCAP_ENTER_FLAGS       0x3fu

/* One line of the report: a part of capability mode and whether the
 * running kernel enforces it. */
struct ocap_enter_item {
	char what[24];  /* "landlock", "seccomp", "no-exec"... */
	int enforced;   /* 1: in force once entered; 0: not enforced */
	char how[232];  /* how it is enforced, or why it is not */
};

#define OCAP_ENTER_ITEMS_MAX 24

struct ocap_enter_report {
	int landlock_abi;  /* the running kernel's; 0 without Landlock */
	unsigned flags;    /* as passed */
	int entered;       /* 1 once the process is confined */
	pid_t helper;      /* the network helper; 0 when none runs */
	int root_fd;       /* its root descriptor ($OCAP_ROOT), or -1 */
	size_t nitems;
	size_t nunenforced; /* items with enforced == 0 */
	struct ocap_enter_item items[OCAP_ENTER_ITEMS_MAX];
};

/* Add a network grant to ns, spelt as ocapsh's option and its value:
 * ("--connect", "example.com:443"), ("--listen", "127.0.0.1:8080"),
 * ("--udp", "10.0.0.1:53") or ("--connect", "unix:/run/app.sock").  It
 * is mounted as an endpoint or listener capability named as the
 * broker's table names it ("tcp:example.com:443").  -EINVAL for another
 * option or a value ocapsh would refuse. */
OCAP_API int ocap_enter_grant(ocap_ns *ns, const char *opt,
			      const char *value);

/* Confine the calling process, for good, to ns (NULL: no file at all):
 * Landlock rules from its directory and file capabilities and their
 * rights, the native seccomp program (no path on AT_FDCWD, no connect,
 * bind or listen of its own), no_new_privs, every capability dropped,
 * and the classes flags name.  When ns holds endpoint or listener
 * capabilities, a helper forked first serves them (and the table)
 * through a root descriptor named by $OCAP_ROOT, as ocapsh's broker
 * does: ocap_connect(3) reaches the granted hosts and no other.  report
 * (may be NULL) says what the kernel enforces.  -EBUSY while other
 * threads run, -EOPNOTSUPP when strict and anything would be
 * unenforced: then nothing has changed. */
OCAP_API int ocap_enter(const ocap_ns *ns, unsigned flags,
			struct ocap_enter_report *report);

/* Print the report, one line an item ("enforced  landlock  ..."). */
OCAP_API int ocap_enter_report_print(const struct ocap_enter_report *r,
				     FILE *out);

typedef int ocap_isolate_fn(void *arg);

/* Run fn(arg) in a forked child that keeps only the descriptors of ns and
 * the nfds in fds (stdio too only when listed), enters with ns and flags,
 * and exits with fn's return value.  On success *status is the child's
 * wait status (waitpid(2) form); if the child could not enter, fn does
 * not run and its error is returned. */
OCAP_API int ocap_isolate(ocap_isolate_fn *fn, void *arg, const ocap_ns *ns,
			  const int *fds, size_t nfds, unsigned flags,
			  int *status);

#ifdef __cplusplus
}
#endif

#endif
