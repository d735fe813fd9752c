/* SPDX-License-Identifier: MIT */
/*
 * ocap_launch(): compile the plan, open the grants, fork the child through
 * the backend's stages, and become its broker.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "compile.h"
#include "tmpdir.h"
#include "netgrant.h"
#include "prepare.h"

int ocap__above_root(int fd)
{
	int nfd;

	if (fd < 0 || fd > OCAP_ROOT_FD)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, OCAP_ROOT_FD + 1);
	close(fd);
	return nfd;
}

/* A grant to read a file or list a directory that the caller cannot
 * read itself (its mode, or a sandbox around ocapsh: ocapsh inside
 * ocapsh) would only give the program EACCES: refused here, with the
 * name.  Only files and directories are tried (opening a device may do
 * something). */
static int readable_here(ocap_plan *p, const struct ocap_path_grant *g,
			 const struct stat *st)
{
	ocap_rights_t need = S_ISDIR(st->st_mode) ? OCAP_RIGHT_LIST
			     : S_ISREG(st->st_mode) ? OCAP_RIGHT_READ : 0;
	int fd;

	if (g->runtime || !need || !(g->rights & need))
		return 0;
	fd = open(g->name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != EACCES)
		return 0;
	return ocap__plan_fail(p, -EACCES, "%s: %s: %s: this process cannot "
			       "read it, so neither could the program",
			       g->where, g->name, strerror(EACCES));
}

/* Each grant opened, above the root descriptor's slot: a descriptor
 * that lands at or below it is moved up and its slot kept filled (in
 * low[]) until every grant is open, so that the others land above
 * without moving. */
struct low_slots {
	int fd[OCAP_ROOT_FD + 1];
	int n;
};

/* openat(), not open(): musl's open() follows O_CLOEXEC with an fcntl
 * for kernels older than 2.6.23, a call per grant at every launch. */
static int open_grant(ocap_plan *p, struct ocap_path_grant *g,
		      struct low_slots *low)
{
	struct stat st;
	int fd;

	if (g->fd >= 0)
		return 0; /* a runtime entry, opened as it was planned */
	fd = openat(AT_FDCWD, g->name, O_PATH | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && (g->rights & OCAP_RIGHT_CREATE)) {
		/* A file granted with create that is not there yet. */
		int c = open(g->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					      O_CLOEXEC, 0666);
		if (c >= 0) {
			close(c);
			fd = openat(AT_FDCWD, g->name, O_PATH | O_CLOEXEC);
		}
	}
	if (fd >= 0 && fd <= OCAP_ROOT_FD) {
		/* A slot not filled before: it cannot overflow low[]. */
		low->fd[low->n++] = fd;
		fd = fcntl(fd, F_DUPFD_CLOEXEC, OCAP_ROOT_FD + 1);
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return ocap__plan_fail(p, -e, "%s: %s: %s", g->where, g->name,
				       strerror(e));
	}
	g->fd = fd;
	g->kind = S_ISDIR(st.st_mode) ? OCAP_KIND_DIR : OCAP_KIND_FILE;
	return readable_here(p, g, &st);
}

int ocap__child_failed(ocap_plan *p, struct ocap_child_err *e)
{
	e->why[sizeof e->why - 1] = '\0';
	if (e->stage == OCAP_STAGE_EXEC)
		return ocap__plan_fail(p, -e->err, "%s: %s", p->argv[0],
				       strerror(e->err));
	return ocap__plan_fail(p, -e->err, "%s: %s",
			       ocap__be_stage_name(e->stage),
			       e->why[0] ? e->why : strerror(e->err));
}

/* The child: run the stages and exec, or say why not and exit as env(1). */
static _Noreturn void child(const struct ocap_child *c)
{
	struct ocap_child_err e = ocap__be_child_run(c);
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
	return ocap__child_failed(p, &e);
}

/* The broker process: fork the program, see it exec, serve it. */
static int start(ocap_plan *p, struct ocap_child *c, int sv[2], int ep[2],
		 int su[2], int *status)
{
	pid_t pid;
	int r, lfd;

	if ((r = ocap__be_become_reaper()) < 0)
		return ocap__plan_fail(p, r, "subreaper: %s", strerror(-r));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return ocap__plan_fail(p, -errno, "root descriptor: %s",
				       strerror(errno));
	if (pipe2(ep, O_CLOEXEC) < 0)
		return ocap__plan_fail(p, -errno, "pipe: %s", strerror(errno));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, su) < 0 ||
	    (su[1] = ocap__above_root(su[1])) < 0)
		return ocap__plan_fail(p, -errno, "supervisor channel: %s",
				       strerror(errno));
	c->superfd = su[1];
	c->rootfd = sv[1];
	c->progfd = ocap__above_root(openat(AT_FDCWD, p->prog,
					    O_PATH | O_CLOEXEC));
	if (c->progfd < 0)
		return ocap__plan_fail(p, -errno, "%s: %s", p->prog,
				       strerror(errno));
	if ((ep[1] = ocap__above_root(ep[1])) < 0)
		return ocap__plan_fail(p, -errno, "pipe: %s", strerror(errno));
	c->errfd = ep[1];
	c->broker = getpid();
	p->confine_broker = true;
	pid = fork();
	if (pid < 0) {
		r = ocap__plan_fail(p, -errno, "fork: %s", strerror(errno));
	} else if (pid == 0) {
		close(sv[0]);
		close(ep[0]);
		close(su[0]);
		child(c);
	} else {
		close(sv[1]);
		close(ep[1]);
		close(su[1]);
		sv[1] = ep[1] = su[1] = -1;
		if ((r = ocap__be_take_listener(pid, su[0], &lfd)) < 0) {
			kill(pid, SIGKILL);
			r = ocap__plan_fail(p, r, "supervisor: cannot take the "
						  "listener: %s", strerror(-r));
		}
		if (r == 0 && lfd >= 0 && p->suggest)
			ocap__be_pass_exec(ep[0], lfd);
		if (r == 0)
			r = await_exec(p, ep[0], pid, status);
		else
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
		if (r == 0)
			r = ocap__broker_run(c->c, sv[0], lfd, pid, status);
		else if (lfd >= 0)
			close(lfd);
	}
	return r;
}

/* What the broker process tells its caller at the end. */
struct outcome {
	int r;
	int status;
	int exit_hint;
	unsigned more; /* the bytes of --suggest's lines that follow */
	char err[sizeof ((ocap_plan *)0)->err];
};

/* After the outcome, o.more bytes of --suggest's lines, each ending in a
 * newline: the broker hands back at most 100 lines of a few hundred
 * bytes, and stops short of OUT_MAX. */
#define OUT_MAX 60000

static unsigned suggestions(const ocap_plan *p, char *buf)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nsuggestions; i++) {
		size_t len = strlen(p->suggestions[i]);

		if (n + len + 1 > OUT_MAX)
			break;
		memcpy(buf + n, p->suggestions[i], len);
		buf[n + len] = '\n';
		n += len + 1;
	}
	return (unsigned)n;
}

static void write_all(int fd, const void *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n > 0)
			done += (size_t)n;
		else if (n < 0 && errno != EINTR)
			return;
	}
}

static _Noreturn void broker_main(ocap_plan *p, pid_t caller, int out,
				  struct ocap_child *c, int sv[2], int ep[2],
				  int su[2])
{
	struct outcome o = { 0 };
	char *lines;

	if (ocap__be_die_with_parent(caller) < 0)
		_exit(125);
	ocap__broker_log_open(p);
	if ((o.r = ocap__be_confine_broker_fs(c->c)) < 0)
		o.r = ocap__plan_fail(p, o.r, "broker: cannot confine itself: "
				      "%s", strerror(-o.r));
	else
		o.r = start(p, c, sv, ep, su, &o.status);
	o.exit_hint = p->exit_hint;
	memcpy(o.err, p->err, sizeof o.err);
	/* The caller reads as it comes: a one-page pipe (a user over
	 * pipe-user-pages-soft) waits for it, no more. */
	lines = malloc(OUT_MAX);
	o.more = lines ? suggestions(p, lines) : 0;
	write_all(out, &o, sizeof o);
	write_all(out, lines, o.more);
	_exit(0);
}

static void reap(pid_t b, int *st)
{
	while (waitpid(b, st, 0) < 0 && errno == EINTR)
		;
}

/* Once nothing of the program's is left to use it. */
static void tmpdir_done(ocap_plan *p)
{
	int e = ocap__tmpdir_remove(p);

	if (e < 0)
		ocap__plan_warn(p, "tmpdir: %s: not removed: %s", p->tmpdir,
				strerror(-e));
}

/* What the broker says, len bytes read from in (non-blocking) as they
 * come; fewer when the pipe ends or the broker has ended (then reaped,
 * *broker -1) with nothing more in it.  No end of file is awaited: a
 * process the caller's other threads forked may hold the pipe too. */
static size_t hear(int in, void *buf, size_t len, pid_t *broker,
		   const sigset_t *set, int *st)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(in, (char *)buf + got, len - got);

		if (n > 0)
			got += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			break;
		else if (errno == EAGAIN && *broker < 0)
			break;
		else if (errno == EAGAIN && ocap__be_await(in, *broker, set, st))
			*broker = -1;
	}
	return got;
}

/* The lines suggestions() wrote, n bytes of buf (which has room for one
 * more), kept in the caller's plan. */
static void take_suggestions(ocap_plan *p, char *buf, size_t n)
{
	char *line, *nl;

	buf[n] = '\0';
	for (line = buf; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		if (ocap__plan_suggest(p, line) < 0)
			break;
	}
}

/* The caller waits for the broker's word, passing on the signals it is
 * sent.  It wakes when the word comes: the broker's end goes on while the
 * caller removes the temporary directory, and is reaped after (*broker
 * left set), but for a broker that died. */
static int await_broker(ocap_plan *p, pid_t *broker, int in,
			const sigset_t *set, int *status)
{
	struct outcome o;
	char *lines;
	int st = 0;

	(void)fcntl(in, F_SETFL, O_NONBLOCK);
	if (hear(in, &o, sizeof o, broker, set, &st) != sizeof o) {
		if (*broker > 0)
			reap(*broker, &st);
		*broker = -1;
		ocap__broker_orphans(); /* the program's descendants */
		return ocap__plan_fail(p, -EPIPE, "the broker died (%s %d)",
				       WIFSIGNALED(st) ? "signal" : "status",
				       WIFSIGNALED(st) ? WTERMSIG(st)
						       : WEXITSTATUS(st));
	}
	*status = o.status;
	if (o.more > OUT_MAX)
		o.more = 0;
	if (o.more && (lines = malloc(o.more + 1))) {
		take_suggestions(p, lines, hear(in, lines, o.more, broker, set,
						&st));
		free(lines);
	}
	p->exit_hint = o.exit_hint;
	memcpy(p->err, o.err, sizeof p->err);
	p->err[sizeof p->err - 1] = '\0';
	return o.r;
}

/* The broker runs as a process of its own, so that it can confine
 * itself without confining the caller. */
static int run(ocap_plan *p, struct ocap_child *c, int sv[2], int ep[2],
	       int su[2], int *status)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, oldchld;
	struct sigaction ign = { .sa_handler = SIG_IGN }, oldttou, oldttin;
	int out[2], r, st;
	sigset_t set, old;
	pid_t b, caller = getpid();

	if ((r = ocap__be_become_reaper()) < 0)
		return ocap__plan_fail(p, r, "subreaper: %s", strerror(-r));
	if (pipe2(out, O_CLOEXEC) < 0)
		return ocap__plan_fail(p, -errno, "pipe: %s", strerror(errno));
	/* From fork until the broker's signalfd, a SIGTERM would kill it
	 * and orphan the program: hold the signals the broker takes.  The
	 * program's stage clears its mask before exec. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, &old);
	/* An ignored SIGCHLD would reap the broker and lose its word. */
	sigaction(SIGCHLD, &dfl, &oldchld);
	if ((b = fork()) == 0) {
		close(out[0]);
		broker_main(p, caller, out[1], c, sv, ep, su);
	}
	/* The program may take the terminal's foreground and set TOSTOP: a
	 * write by a process left in our process group would then stop us
	 * (and the broker, which ignores them too) with SIGTTOU.  Set after
	 * the fork, so that the program does not inherit it. */
	sigaction(SIGTTOU, &ign, &oldttou);
	sigaction(SIGTTIN, &ign, &oldttin);
	close(out[1]);
	if (b < 0)
		r = ocap__plan_fail(p, -errno, "fork: %s", strerror(errno));
	else
		r = await_broker(p, &b, out[0], &set, status);
	close(out[0]);
	tmpdir_done(p);
	if (b > 0)
		reap(b, &st);
	sigaction(SIGCHLD, &oldchld, NULL);
	sigaction(SIGTTOU, &oldttou, NULL);
	sigaction(SIGTTIN, &oldttin, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

int ocap__launch_open(struct ocap_compiled *cp)
{
	ocap_plan *p = cp->plan;
	struct low_slots low = { .n = 0 };
	int r;

	/* The environment names the temporary directory once it is made. */
	if ((r = ocap__tmpdir_make(cp)) == 0 && p->tmpdir) {
		ocap__free_env(cp->envp);
		cp->envp = NULL;
		if ((r = ocap__build_env(cp, &cp->envp)) < 0)
			r = ocap__plan_fail(p, r, "environment: %s",
					    strerror(-r));
	}
	for (size_t i = 0; i < cp->npaths && r == 0; i++)
		r = open_grant(p, &cp->paths[i], &low);
	while (low.n > 0)
		close(low.fd[--low.n]);
	if (r == 0)
		r = ocap__net_resolve(p);
	if (r == 0)
		r = ocap__be_bind(cp->enforce, cp);
	return r;
}

int ocap_launch(ocap_plan *p, int *status)
{
	struct ocap_compiled *cp;
	struct ocap_child c = { .progfd = -1, .superfd = -1 };
	int sv[2] = { -1, -1 }, ep[2] = { -1, -1 }, su[2] = { -1, -1 }, r;

	if (!p || !status)
		return -EINVAL;
	if (p->launched)
		return ocap__plan_fail(p, -EBUSY, "the plan has run");
	if (p->in_place)
		return ocap__plan_fail(p, -EINVAL, "the plan is to run in "
				       "place, with ocap_exec()");
	p->launched = true;
	if ((r = ocap__compile(p, &cp)) < 0)
		return r;
	c.c = cp;
	if ((r = ocap__launch_open(cp)) == 0)
		r = run(p, &c, sv, ep, su, status);
	tmpdir_done(p); /* when there was no launch */
	if (c.progfd >= 0)
		close(c.progfd);
	for (int i = 0; i < 2; i++) {
		if (sv[i] >= 0)
			close(sv[i]);
		if (ep[i] >= 0)
			close(ep[i]);
		if (su[i] >= 0)
			close(su[i]);
	}
	return r;
}
