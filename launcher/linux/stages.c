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

#include "stages.h"

const char *ocap__stage_name(int stage)
{
	static const char *const names[] = {
		[OCAP_STAGE_FDS] = "descriptor layout",
		[OCAP_STAGE_ENV] = "environment",
		[OCAP_STAGE_RLIMITS] = "resource limits",
		[OCAP_STAGE_PRIVS] = "privileges",
		[OCAP_STAGE_LANDLOCK] = "Landlock",
		[OCAP_STAGE_SECCOMP] = "seccomp",
		[OCAP_STAGE_EXEC] = "exec",
	};
	return stage > 0 && stage <= OCAP_STAGE_EXEC ? names[stage] : "?";
}

/* ---- environment (built in the parent) ----------------------------------- */

static const char *const kept_env[] = { "PATH", "HOME", "LANG", "TERM", "TZ" };

static bool kept_by_default(const char *var)
{
	size_t len = strcspn(var, "=");

	if (!strncmp(var, "LC_", 3))
		return true;
	for (size_t i = 0; i < sizeof kept_env / sizeof kept_env[0]; i++)
		if (strlen(kept_env[i]) == len && !strncmp(var, kept_env[i], len))
			return true;
	return false;
}

static int env_set(char ***env, size_t *n, const char *var)
{
	size_t len = strcspn(var, "=");
	char *s = strdup(var), **e;

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		if (!strncmp((*env)[i], var, len) && (*env)[i][len] == '=') {
			free((*env)[i]);
			(*env)[i] = s;
			return 0;
		}
	}
	if (!(e = realloc(*env, (*n + 2) * sizeof *e))) {
		free(s);
		return -ENOMEM;
	}
	e[(*n)++] = s;
	e[*n] = NULL;
	*env = e;
	return 0;
}

/* The program's environment: the default set (or everything with
 * --inherit-env), then each --env, then OCAP_ROOT. */
int ocap__build_env(const ocap_plan *p, char ***envp)
{
	char **env = calloc(1, sizeof *env), root[32];
	size_t n = 0;
	int r = 0;

	if (!env)
		return -ENOMEM;
	for (char **e = environ; e && *e && r == 0; e++)
		if (strchr(*e, '=') && strncmp(*e, "OCAP_ROOT=", 10) &&
		    (p->inherit_env || kept_by_default(*e)))
			r = env_set(&env, &n, *e);
	for (size_t i = 0; i < p->nenv && r == 0; i++) {
		if (strchr(p->env[i], '='))
			r = env_set(&env, &n, p->env[i]);
		else {
			const char *v = getenv(p->env[i]);
			char *kv;
			if (!v)
				continue;
			if (asprintf(&kv, "%s=%s", p->env[i], v) < 0)
				r = -ENOMEM;
			else {
				r = env_set(&env, &n, kv);
				free(kv);
			}
		}
	}
	snprintf(root, sizeof root, "%s=%d", OCAP_ROOT_ENV, OCAP_ROOT_FD);
	if (r == 0)
		r = env_set(&env, &n, root);
	if (r < 0) {
		ocap__free_env(env);
		return r;
	}
	*envp = env;
	return 0;
}

void ocap__free_env(char **envp)
{
	if (!envp)
		return;
	for (char **e = envp; *e; e++)
		free(*e);
	free(envp);
}

/* ---- the child's stages, in order ------------------------------------------- */

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
static int stage_seccomp(const struct ocap_child *c)
{
	if (c->nsc_extra)
		return ocap__seccomp_load_extra(c->sc_mode, c->sc_extra,
					       c->nsc_extra);
	return ocap__seccomp_load(c->sc_mode);
}

struct ocap_child_err ocap__child_run(const struct ocap_child *c)
{
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

	STAGE(OCAP_STAGE_FDS, stage_fds(c));
	STAGE(OCAP_STAGE_RLIMITS, stage_rlimits(c->plan));
	STAGE(OCAP_STAGE_PRIVS, stage_privs(c));
	STAGE(OCAP_STAGE_LANDLOCK, ocap__ll_apply(&c->ll, e.why, sizeof e.why));
	STAGE(OCAP_STAGE_SECCOMP, stage_seccomp(c));
	/* Native mode refuses execve by path; exec what was opened.  Compat
	 * keeps the path so that "#!" scripts find their interpreter. */
	if (c->sc_mode == OCAP_SC_NATIVE)
		syscall(SYS_execveat, c->progfd, "", c->plan->argv, c->envp,
			AT_EMPTY_PATH);
	else
		execve(c->plan->prog, c->plan->argv, c->envp);
	e.stage = OCAP_STAGE_EXEC;
	e.err = errno;
	return e;
#undef STAGE
}
