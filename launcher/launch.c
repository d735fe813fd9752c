/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exe.h"
#include "netgrant.h"
#include "stages.h"

/* A grant nested in another that grants more would get those rights too:
 * Landlock's rights add up down a tree.  Refuse rather than widen. */
#define FILE_RIGHTS                                                        \
	(OCAP_RIGHT_READ | OCAP_RIGHT_WRITE | OCAP_RIGHT_EXEC |             \
	 OCAP_RIGHT_TRUNCATE)

/* The rights a grant beneath a would gain from it. */
static ocap_rights_t gained(const struct ocap_path_grant *a,
			    const struct ocap_path_grant *b)
{
	struct stat st;
	ocap_rights_t more = a->rights & ~b->rights;

	if (stat(b->name, &st) == 0 && !S_ISDIR(st.st_mode))
		more &= FILE_RIGHTS; /* list, create, delete mean nothing */
	return more;
}

static bool beneath(const char *a, const char *b)
{
	size_t len = strlen(a);

	return strlen(b) > len &&
	       (len == 1 || (!strncmp(a, b, len) && b[len] == '/'));
}

/* Where a grant really is: symlinks resolved (the parent's, for a file
 * that is to be created), so that an alias cannot hide a nesting. */
static char *real_name(const char *name)
{
	char *r = realpath(name, NULL), *slash, *dir;

	if (r || !(slash = strrchr(name, '/')))
		return r ? r : strdup(name);
	dir = strndup(name, (size_t)(slash - name));
	r = dir ? realpath(*dir ? dir : "/", NULL) : NULL;
	free(dir);
	if (r) {
		char *full;
		int n = asprintf(&full, "%s%s", strcmp(r, "/") ? r : "", slash);
		free(r);
		return n < 0 ? NULL : full;
	}
	return strdup(name);
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static int check_nesting(ocap_plan *p)
{
	char more[128], **real = calloc(p->npaths + 1, sizeof *real);

	if (!real)
		return -ENOMEM;
	for (size_t i = 0; i < p->npaths; i++)
		if (!(real[i] = real_name(p->paths[i].name))) {
			free_names(real, p->npaths);
			return -ENOMEM;
		}
	for (size_t i = 0; i < p->npaths; i++) {
		const struct ocap_path_grant *a = &p->paths[i];
		for (size_t j = 0; j < p->npaths; j++) {
			const struct ocap_path_grant *b = &p->paths[j];
			ocap_rights_t m;
			/* Nested as written (a link planted in a wider grant
			 * must not be named to reach out of it) or in the real
			 * tree (an alias must not hide a nesting). */
			if (i == j || b->runtime ||
			    !(beneath(a->name, b->name) ||
			      beneath(real[i], real[j])) ||
			    !(m = gained(a, b)))
				continue;
			free_names(real, p->npaths);
			ocap_rights_format(m, more, sizeof more);
			return ocap__plan_fail(
				p, -EINVAL,
				"%s: %s: inside %s (%s), which also grants %s; "
				"rights add up down a tree, so it would get "
				"them too", b->where, b->name, a->name,
				a->where, more);
		}
	}
	free_names(real, p->npaths);
	return 0;
}

/* Native programs may not make datagram sockets (sendmsg could name any
 * address) and the broker relays no datagrams yet. */
static int check_native_net(ocap_plan *p)
{
	for (size_t i = 0; i < p->nnets; i++) {
		const struct ocap_net_grant *g = &p->nets[i];
		char name[300];

		if (g->kind != OCAP_NET_UDP)
			continue;
		ocap__net_name(g, name, sizeof name);
		if (!p->best_effort)
			return ocap__plan_fail(p, -EOPNOTSUPP,
					       "%s: %s: native mode has no UDP "
					       "yet", g->where, name);
		ocap__plan_warn(p, "%s: native mode has no UDP yet: not "
				   "granted", name);
	}
	return 0;
}

/* What compat mode cannot limit: the broker is not asked there. */
static int check_compat_net(ocap_plan *p)
{
	for (size_t i = 0; i < p->nnets; i++) {
		const struct ocap_net_grant *g = &p->nets[i];
		const char *why = NULL;
		char name[300];

		if (g->kind == OCAP_NET_CONNECT && strcmp(g->host, "*"))
			why = "compat mode limits TCP by port only: any host "
			      "on this port is reachable";
		else if (g->kind == OCAP_NET_LISTEN)
			why = "compat mode limits bind by port only, and "
			      "listen() on an unbound socket takes an "
			      "unchecked ephemeral port";
		else if (g->kind == OCAP_NET_UDP)
			why = "compat mode cannot limit UDP by host or port";
		else if (g->kind == OCAP_NET_UNIX)
			why = "compat mode cannot limit which Unix socket is "
			      "connected to";
		if (!why)
			continue;
		ocap__net_name(g, name, sizeof name);
		if (!p->best_effort)
			return ocap__plan_fail(p, -EOPNOTSUPP, "%s: %s: %s",
					       g->where, name, why);
		ocap__plan_warn(p, "%s: %s", name, why);
	}
	return 0;
}

/* What the seccomp program allows beyond its default: --allow-syscall
 * names, and in compat mode the allowances network grants need. */
int ocap__sc_extras(const ocap_plan *p, const char ***out, size_t *n)
{
	const char **v = calloc(p->nallow + 4, sizeof *v);
	bool udp = false, unix_ = false, listen_ = false;

	if (!v)
		return -ENOMEM;
	*n = 0;
	for (size_t i = 0; i < p->nallow; i++)
		v[(*n)++] = p->allow_syscalls[i];
	for (size_t i = 0; p->mode_eff == OCAP_MODE_COMPAT && i < p->nnets; i++) {
		udp |= p->nets[i].kind == OCAP_NET_UDP;
		unix_ |= p->nets[i].kind == OCAP_NET_UNIX;
		listen_ |= p->nets[i].kind == OCAP_NET_LISTEN;
	}
	if (udp)
		v[(*n)++] = OCAP_SC_ALLOW_UDP;
	if (unix_)
		v[(*n)++] = OCAP_SC_ALLOW_UNIX;
	if (listen_)
		v[(*n)++] = OCAP_SC_ALLOW_LISTEN;
	*out = v;
	return 0;
}

static void ll_gap(void *ctx, const char *reason)
{
	ocap__plan_warn(ctx, "%s", reason);
}

int ocap__ll_plan(const ocap_plan *p, struct ocap_ll_plan *ll)
{
	struct ocap_ll_path *paths = calloc(p->npaths + 1, sizeof *paths);
	uint16_t *conn = calloc(p->nnets + 1, sizeof *conn);
	uint16_t *bind = calloc(p->nnets + 1, sizeof *bind);

	memset(ll, 0, sizeof *ll);
	if (!paths || !conn || !bind) {
		free(paths);
		free(conn);
		free(bind);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->npaths; i++)
		paths[ll->npaths++] = (struct ocap_ll_path){
			p->paths[i].fd, p->paths[i].rights };
	/* Native programs make no TCP connection or bind of their own: the
	 * broker does both, so no port is open to them. */
	for (size_t i = 0; p->mode_eff == OCAP_MODE_COMPAT && i < p->nnets; i++) {
		if (p->nets[i].kind == OCAP_NET_CONNECT)
			conn[ll->nconnect++] = p->nets[i].port;
		else if (p->nets[i].kind == OCAP_NET_LISTEN)
			bind[ll->nbind++] = p->nets[i].port;
	}
	ll->paths = paths;
	ll->connect_ports = conn;
	ll->bind_ports = bind;
	ll->flags = p->best_effort ? OCAP_LL_BEST_EFFORT : 0;
	ll->gap = ll_gap;
	ll->gap_ctx = (void *)p;
	return 0;
}

void ocap__ll_plan_free(struct ocap_ll_plan *ll)
{
	free((void *)ll->paths);
	free((void *)ll->connect_ports);
	free((void *)ll->bind_ports);
}

static int check_landlock(ocap_plan *p)
{
	struct ocap_ll_plan ll;
	char why[256] = "";
	int abi = ocap__ll_abi(), r;

	if ((r = ocap__ll_plan(p, &ll)) < 0)
		return r;
	ll.gap = p->best_effort ? ll_gap : NULL;
	r = ocap__ll_check(&ll, abi, why, sizeof why);
	ocap__ll_plan_free(&ll);
	if (r > 0 && !p->best_effort)
		return ocap__plan_fail(p, -EOPNOTSUPP, "%s", why);
	return 0;
}

int ocap_plan_check(ocap_plan *p)
{
	struct ocap_exe x;

	if (!p)
		return -EINVAL;
	return ocap__plan_prepare(p, &x);
}

const char *ocap_plan_warning(const ocap_plan *p, size_t i)
{
	return p && i < p->nwarnings ? p->warnings[i] : NULL;
}

int ocap__plan_prepare(ocap_plan *p, struct ocap_exe *x)
{
	int r;

	if (p->checked)
		return ocap__exe_inspect(p->prog, x) < 0 ? -ENOEXEC : 0;
	if (!p->prog)
		return ocap__plan_fail(p, -EINVAL, "no program to run");
	if ((r = ocap__exe_inspect(p->prog, x)) < 0)
		return ocap__plan_fail(p, r == -EISDIR ? -ENOEXEC : r, "%s: %s",
				       p->prog,
				       r == -ENOEXEC || r == -EISDIR
					       ? "not an executable for this "
						 "machine"
					       : strerror(-r));
	p->mode_eff = p->mode != OCAP_MODE_AUTO ? p->mode
			: x->ocap_note         ? OCAP_MODE_NATIVE
					       : OCAP_MODE_COMPAT;
	if (p->mode_eff == OCAP_MODE_COMPAT && !p->no_runtime &&
	    (r = ocap__runtime_add(p)) < 0)
		return r;
	if ((r = ocap__runtime_exe(p, x)) < 0)
		return r;
	if ((r = check_nesting(p)) < 0)
		return r;
	if (p->mode_eff == OCAP_MODE_COMPAT && (r = check_compat_net(p)) < 0)
		return r;
	if (p->mode_eff == OCAP_MODE_NATIVE && (r = check_native_net(p)) < 0)
		return r;
	if ((r = check_landlock(p)) < 0)
		return r;
	p->checked = true;
	return 0;
}

/* ---- launch ----------------------------------------------------------------- */

/* Descriptors the child keeps until exec must sit above the root
 * descriptor's slot, which the fd layout overwrites.  Consumes fd. */
static int above_root(int fd)
{
	int nfd;

	if (fd < 0 || fd > OCAP_ROOT_FD)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, OCAP_ROOT_FD + 1);
	close(fd);
	return nfd;
}

static int open_grant(ocap_plan *p, struct ocap_path_grant *g)
{
	struct stat st;
	int fd = open(g->name, O_PATH | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && (g->rights & OCAP_RIGHT_CREATE)) {
		/* A file granted with create that is not there yet. */
		int c = open(g->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					      O_CLOEXEC, 0666);
		if (c >= 0) {
			close(c);
			fd = open(g->name, O_PATH | O_CLOEXEC);
		}
	}
	fd = above_root(fd);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return ocap__plan_fail(p, -e, "%s: %s: %s", g->where, g->name,
				       strerror(e));
	}
	g->fd = fd;
	g->kind = S_ISDIR(st.st_mode) ? OCAP_KIND_DIR : OCAP_KIND_FILE;
	return 0;
}

/* The child: run the stages and exec, or say why not and exit as env(1). */
static _Noreturn void child(const struct ocap_child *c)
{
	struct ocap_child_err e = ocap__child_run(c);
	ssize_t n;

	do
		n = write(c->errfd, &e, sizeof e);
	while (n < 0 && errno == EINTR);
	if (e.stage != OCAP_STAGE_EXEC)
		_exit(125);
	_exit(e.err == ENOENT ? 127 : 126);
}

/* Wait for the child's exec; a failure comes back through the pipe. */
static int await_exec(ocap_plan *p, int errfd, pid_t pid, int *status)
{
	struct ocap_child_err e;
	ssize_t n;

	do
		n = read(errfd, &e, sizeof e);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof e)
		return ocap__plan_fail(p, -EPIPE, "the child died before exec");
	e.why[sizeof e.why - 1] = '\0';
	if (e.stage == OCAP_STAGE_EXEC)
		return ocap__plan_fail(p, -e.err, "%s: %s", p->argv[0],
				       strerror(e.err));
	return ocap__plan_fail(p, -e.err, "%s: %s", ocap__stage_name(e.stage),
			       e.why[0] ? e.why : strerror(e.err));
}

static int start(ocap_plan *p, struct ocap_child *c, int sv[2], int ep[2],
		 int *status)
{
	pid_t pid;
	int r;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return ocap__plan_fail(p, -errno, "subreaper: %s",
				       strerror(errno));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return ocap__plan_fail(p, -errno, "root descriptor: %s",
				       strerror(errno));
	if (pipe2(ep, O_CLOEXEC) < 0)
		return ocap__plan_fail(p, -errno, "pipe: %s", strerror(errno));
	c->rootfd = sv[1];
	c->progfd = above_root(open(p->prog, O_PATH | O_CLOEXEC));
	if (c->progfd < 0)
		return ocap__plan_fail(p, -errno, "%s: %s", p->prog,
				       strerror(errno));
	if ((ep[1] = above_root(ep[1])) < 0)
		return ocap__plan_fail(p, -errno, "pipe: %s", strerror(errno));
	c->errfd = ep[1];
	c->broker = getpid();
	/* From fork until the broker's signalfd, a SIGTERM would kill us
	 * and orphan the child: hold the signals the broker takes.  The
	 * child clears its mask before exec. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	if (pid < 0) {
		r = ocap__plan_fail(p, -errno, "fork: %s", strerror(errno));
	} else if (pid == 0) {
		close(sv[0]);
		close(ep[0]);
		child(c);
	} else {
		close(sv[1]);
		close(ep[1]);
		sv[1] = ep[1] = -1;
		r = await_exec(p, ep[0], pid, status);
		if (r == 0)
			r = ocap__broker_run(p, sv[0], pid, status);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

int ocap_launch(ocap_plan *p, int *status)
{
	struct ocap_child c = { .plan = p, .progfd = -1 };
	struct ocap_exe x;
	int sv[2] = { -1, -1 }, ep[2] = { -1, -1 }, r;

	if (!p || !status)
		return -EINVAL;
	if (p->launched)
		return ocap__plan_fail(p, -EBUSY, "the plan has run");
	p->launched = true;
	if ((r = ocap__plan_prepare(p, &x)) < 0)
		return r;
	for (size_t i = 0; i < p->npaths; i++)
		if ((r = open_grant(p, &p->paths[i])) < 0)
			return r;
	if ((r = ocap__net_resolve(p)) < 0)
		return r;
	if ((r = ocap__build_env(p, &c.envp)) < 0)
		return ocap__plan_fail(p, r, "environment: %s", strerror(-r));
	if ((r = ocap__ll_plan(p, &c.ll)) == 0) {
		c.ll.gap = NULL; /* reported once, by ocap__plan_prepare */
		c.sc_mode = p->mode_eff == OCAP_MODE_NATIVE ? OCAP_SC_NATIVE
							    : OCAP_SC_COMPAT;
		if ((r = ocap__sc_extras(p, &c.sc_extra, &c.nsc_extra)) == 0)
			r = start(p, &c, sv, ep, status);
		free(c.sc_extra);
		ocap__ll_plan_free(&c.ll);
	}
	ocap__free_env(c.envp);
	if (c.progfd >= 0)
		close(c.progfd);
	for (int i = 0; i < 2; i++) {
		if (sv[i] >= 0)
			close(sv[i]);
		if (ep[i] >= 0)
			close(ep[i]);
	}
	return r;
}
