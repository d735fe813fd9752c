/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/securebits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compile.h"
#include "enforce.h"

enum stage {
	STAGE_FDS = 1,
	STAGE_RLIMITS,
	STAGE_PRIVS,
	STAGE_LANDLOCK,
	STAGE_SECCOMP,
};

const char *ocap__be_stage_name(int stage)
{
	static const char *const names[] = {
		[STAGE_FDS] = "descriptor layout",
		[STAGE_RLIMITS] = "resource limits",
		[STAGE_PRIVS] = "privileges",
		[STAGE_LANDLOCK] = "Landlock",
		[STAGE_SECCOMP] = "seccomp",
	};
	if (stage == OCAP_STAGE_EXEC)
		return "exec";
	return stage > 0 && stage <= STAGE_SECCOMP ? names[stage] : "?";
}

/* stdio stays; the root descriptor goes to fd 3; the rest is closed at
 * exec (the Landlock stage still needs the grant descriptors). */
static int stage_fds(const struct ocap_child *c)
{
	if (c->rootfd == OCAP_ROOT_FD) {
		if (fcntl(OCAP_ROOT_FD, F_SETFD, 0) < 0)
			return -errno;
	} else if (dup2(c->rootfd, OCAP_ROOT_FD) < 0) {
		return -errno;
	}
	if (syscall(SYS_close_range, OCAP_ROOT_FD + 1, ~0U,
		    CLOSE_RANGE_CLOEXEC) < 0)
		return -errno;
	/* An inherited descriptor 0-2 that is closed would be reused by the
	 * program's first open; give it /dev/null instead. */
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		int n = open("/dev/null", O_RDWR);
		if (n < 0)
			return -errno;
		if (n != fd) {
			dup2(n, fd);
			close(n);
		}
	}
	return 0;
}

static int stage_rlimits(const ocap_plan *p)
{
	for (int i = 0; i < OCAP_NRLIMITS; i++)
		if (p->rlimits[i].set &&
		    setrlimit(p->rlimits[i].resource, &p->rlimits[i].lim) < 0)
			return -errno;
	return 0;
}

/* Drop every capability a root caller holds, for good: no ambient, an
 * empty bounding set and securebits that keep exec from giving any back. */
static int drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	if (!d[0].permitted && !d[1].permitted)
		return 0;
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			  SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
			  SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
			  SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0, 0) < 0)
		return -errno;
	/* EINVAL: past the last capability this kernel knows. */
	for (unsigned long cap = 0; cap <= 63; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL && cap > 0)
			break;
		return -errno;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -errno;
	memset(d, 0, sizeof d);
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

static int stage_privs(const struct ocap_child *c)
{
	sigset_t none;
	int r;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return -errno;
	if (getppid() != c->broker)
		return -ESRCH; /* the broker died before the line above */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((r = drop_caps()) < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

/* The prebuilt program, unless the plan needs more (then libseccomp
 * compiles it now). */
static int stage_seccomp(const struct ocap__enforce *e)
{
	if (e->nsc_extra)
		return ocap__seccomp_load_extra(e->sc_mode, e->sc_extra,
					       e->nsc_extra);
	return ocap__seccomp_load(e->sc_mode);
}

struct ocap_child_err ocap__be_child_run(const struct ocap_child *c)
{
	const struct ocap__enforce *en = c->c->enforce;
	const ocap_plan *p = c->c->plan;
	struct ocap_child_err e = { 0, 0, "" };
	int r;

#define STAGE(s, call)                        \
	do {                                  \
		if ((r = (call)) < 0) {       \
			e.stage = (s);        \
			e.err = -r;           \
			return e;             \
		}                             \
	} while (0)

	STAGE(STAGE_FDS, stage_fds(c));
	STAGE(STAGE_RLIMITS, stage_rlimits(p));
	STAGE(STAGE_PRIVS, stage_privs(c));
	STAGE(STAGE_LANDLOCK, ocap__ll_apply(&en->ll, e.why, sizeof e.why));
	STAGE(STAGE_SECCOMP, stage_seccomp(en));
	/* Native mode refuses execve by path; exec what was opened.  Compat
	 * keeps the path so that "#!" scripts find their interpreter. */
	if (en->sc_mode == OCAP_SC_NATIVE)
		syscall(SYS_execveat, c->progfd, "", p->argv, c->c->envp,
			AT_EMPTY_PATH);
	else
		execve(p->prog, p->argv, c->c->envp);
	e.stage = OCAP_STAGE_EXEC;
	e.err = errno;
	return e;
#undef STAGE
}
