/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_BACKEND_H
#define OCAP_LAUNCH_BACKEND_H

/*
 * The enforcement backend: the one seam between the plan pipeline, which
 * speaks of grants and rights, and the host kernel's mechanisms.  Linux
 * (Landlock, seccomp, capabilities) lives in linux/; a port implements
 * these calls in a folder of its own (see linux/PORTING.md).
 *
 * The pipeline calls, in order: ocap__be_compile() once the mode and the
 * grants are known (it checks what this kernel cannot enforce and says so
 * through the plan), ocap__be_bind() once the grants are opened,
 * ocap__be_child_run() in the forked child, ocap__be_free() at the end.
 * --explain calls ocap__be_describe() instead of launching.
 */

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "plan.h"

struct ocap_compiled;

/* What the backend made of a plan: opaque to the pipeline. */
struct ocap__enforce;

/* Whether name is a system call, or a family of them, that
 * --allow-syscall may name here. */
hidden bool ocap__be_syscall_known(const char *name);
/* The system calls name brings back (at most max, in out): its family's
 * ("chmod": chmod, fchmod, fchmodat), or name alone; 0 when unknown. */
hidden size_t ocap__be_syscall_family(const char *name, const char **out,
				      size_t max);

/* Compile what c's plan grants into *out: fails the plan (-EOPNOTSUPP,
 * with the reason) for what this kernel cannot enforce unless the plan
 * asked for best effort, in which case each gap becomes a warning. */
hidden int ocap__be_compile(const struct ocap_compiled *c,
			    struct ocap__enforce **out);

/* The grants' descriptors are open now (c's paths' fd): take them. */
hidden int ocap__be_bind(struct ocap__enforce *e,
			 const struct ocap_compiled *c);

/* What --explain shows of the enforcement: text lines, or the JSON
 * members (each followed by a comma) of the plan's object. */
hidden void ocap__be_describe(const struct ocap__enforce *e, FILE *f,
			      bool json);

hidden void ocap__be_free(struct ocap__enforce *e);

/* The broker, a process of its own serving p's program, confines itself
 * in two steps, each irreversible and inherited by the threads made
 * afterwards.  Before it forks the program: its Landlock domain, the file
 * system beneath the grants and what serving them reads, the granted TCP
 * ports; the program's domain is then nested in it, which lets the broker
 * read the program's memory and take its descriptors.  Once it serves:
 * no capability it does not use, and a seccomp allowlist of the system
 * calls it makes (after the fork, so that the program does not inherit
 * it). */
hidden int ocap__be_confine_broker_fs(const struct ocap_compiled *c);
hidden int ocap__be_confine_broker(const struct ocap_compiled *c);
/* The broker's opener thread (broker/open.c), which reopens files for
 * the program, confines itself as the program is: the program's own
 * path rules, no capability in effect.  For the calling thread only. */
hidden int ocap__be_confine_opener(const struct ocap_compiled *c);

/* What the forked child needs, all prepared before fork so that a stage
 * allocates nothing and reports a failure as (stage, errno). */
struct ocap_child {
	const struct ocap_compiled *c;
	int rootfd;    /* the child's end of the root descriptor */
	int errfd;     /* close-on-exec pipe to the parent */
	int progfd;    /* the program, O_PATH */
	int superfd;   /* where the child sends the supervisor's handle on
			  it (a seccomp listener), or -1 */
	pid_t broker;
};

/* What the child writes to errfd when a stage fails. */
struct ocap_child_err {
	int stage; /* the backend's stage number; OCAP_STAGE_EXEC for exec */
	int err;
	char why[256];
};

#define OCAP_STAGE_EXEC 100

/* Lay out the descriptors, confine the process and exec the program;
 * returns only on failure. */
hidden struct ocap_child_err ocap__be_child_run(const struct ocap_child *c);

/* The parent's side of the child's last stage: take the supervisor's
 * handle from child pid, which says over sock which of its descriptors
 * it is, and let the child go on: 0 with *fd the handle, or -1 when the
 * child says nothing (a mode without a supervisor, a stage that
 * failed); -errno when it cannot be taken, and the child is not let go
 * on. */
hidden int ocap__be_take_listener(pid_t pid, int sock, int *fd);
/* With --suggest, the child's own exec of the program comes to the
 * supervisor's handle before the broker serves it: let it go on (as the
 * rule it replaced allows), refuse anything else; returns when errfd has
 * something to say (the exec happened or a stage failed). */
hidden void ocap__be_pass_exec(int errfd, int lfd);

/* The name of the child's stage, for the one-line error. */
hidden const char *ocap__be_stage_name(int stage);

/* The child's stages, 1 to ocap__be_nstages(), each on its own (for
 * tests): 0 or -errno, with a reason in why when there is more to say. */
hidden int ocap__be_nstages(void);
hidden int ocap__be_child_stage(const struct ocap_child *c, int stage,
				char *why, size_t n);

/* Entering capability mode (ocap_enter(3)), in two steps: prepare probes
 * the kernel, fills the report with what would be enforced and builds
 * everything needed, changing nothing; apply confines the calling
 * process for good, in the launcher's order (capabilities, no_new_privs,
 * Landlock, the classes' seccomp filter, the native program last). */
struct ocap_enter_report;
struct ocap__entry;
hidden int ocap__be_enter_prepare(const ocap_ns *ns, unsigned flags,
				  struct ocap_enter_report *r,
				  struct ocap__entry **out);
hidden int ocap__be_enter_apply(struct ocap__entry *e,
				struct ocap_enter_report *r);
hidden void ocap__be_enter_free(struct ocap__entry *e);

/* The broker's processes.  It reaps the program and every descendant the
 * program leaves behind (its caller made it their reaper), kills those at
 * the session's end and takes its signals as events in its loop; it
 * decides when and which, these calls are the means. */

/* Make the calling process the reaper of every descendant it leaves
 * orphaned (they are reparented to it, not to init): 0 or -errno. */
hidden int ocap__be_become_reaper(void);
/* Be sent SIGKILL when the parent dies; fails (-ESRCH) when the parent
 * is no longer parent, having died already. */
hidden int ocap__be_die_with_parent(pid_t parent);

/* Wait until fd has something to read (or is at its end), or process
 * pid has ended: then it is reaped, *st its wait status, and true is
 * returned.  Meanwhile the signals of set (blocked) that a process sent
 * are passed on to pid, not those the kernel sent (a terminal's keys, its
 * hangup: the whole foreground group had them). */
hidden bool ocap__be_await(int fd, pid_t pid, const sigset_t *set, int *st);

/* Send sig to process pid alone, never to a group: 0 or -errno. */
hidden int ocap__be_signal_pid(pid_t pid, int sig);
/* SIGKILL every child of the calling process, the descendants reparented
 * to it included; each is still to be waited for. */
hidden void ocap__be_kill_children(void);
/* A child that has ended, of any kind: its pid and wait status; 0 when
 * none has yet (only when !block), -ECHILD when none is left, -EINTR. */
hidden pid_t ocap__be_wait_child(int *status, bool block);

/* A signal taken as an event. */
struct ocap_sigev {
	int signo;
	bool kernel; /* sent by the kernel (a terminal's keys, its hangup),
			not by a process */
};

/* The signals in set as events, for a loop on one thread: they are
 * blocked (the mask before kept in *old) and the descriptor returned
 * polls readable while one is pending; -errno with the mask unchanged. */
hidden int ocap__be_sigsrc_open(const sigset_t *set, sigset_t *old);
/* The next pending signal into *ev: 1, or 0 when none is left. */
hidden int ocap__be_sigsrc_read(int fd, struct ocap_sigev *ev);
/* Drop what is pending (signals that came in too late to matter are not
 * delivered when the mask goes back), close fd and restore old. */
hidden void ocap__be_sigsrc_close(int fd, const sigset_t *old);

#endif
