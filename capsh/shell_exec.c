/* SPDX-License-Identifier: MIT */
/*
 * Running a parsed list.  Each command gets a fresh plan (the shell-wide
 * grants, then what its own words designate) and runs in a forked child
 * that sets up its pipe ends and redirections, calls ocap_launch() and
 * exits with the program's status, so that nothing a command does can
 * take the shell down.  Builtins run in the shell itself unless they are
 * part of a pipeline.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shell_exec.h"

#define ST_SYNTAX   2   /* a syntax or expansion error, as sh(1) */

/* One run of a source: errors are prefixed by where ("-c", a script). */
struct run {
	struct sh_state *st;
	const char *where;
	bool interrupted; /* a command was killed by SIGINT */
};

/* A command ready to run: its fields and its redirection targets. */
struct ready {
	const struct sh_cmd *cmd;
	struct sh_argv a;
	char **targets; /* one per redirection; NULL for SH_REDIR_DUP */
};

void sh_report(const char *where, struct sh_pos pos, const char *fmt,
	       ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "ocapsh: %s%s%u:%u: ", where ? where : "",
		where ? ":" : "", pos.line, pos.col);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int sh_wait_status(int wstatus)
{
	return ocap_exit_status(NULL, 0, wstatus);
}

/* ---- expansion ------------------------------------------------------- */

static void argv_free(struct sh_argv *a)
{
	for (size_t i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
	free(a->writable);
	free(a->pos);
	*a = (struct sh_argv){ 0 };
}

static int argv_push(struct sh_argv *a, const char *s, bool writable,
		     struct sh_pos pos)
{
	char **v = realloc(a->argv, (a->argc + 2) * sizeof *v);
	bool *w;
	struct sh_pos *p;

	if (!v)
		return -ENOMEM;
	a->argv = v;
	if (!(w = realloc(a->writable, (a->argc + 1) * sizeof *w)))
		return -ENOMEM;
	a->writable = w;
	if (!(p = realloc(a->pos, (a->argc + 1) * sizeof *p)))
		return -ENOMEM;
	a->pos = p;
	if (!(v[a->argc] = strdup(s)))
		return -ENOMEM;
	w[a->argc] = writable;
	p[a->argc] = pos;
	v[++a->argc] = NULL;
	return 0;
}

static int expand_word(struct run *r, const struct sh_word *w,
		       struct sh_argv *a)
{
	struct sh_error e = { { 0, 0 }, "" };
	char **fields = NULL;
	size_t n = 0;
	int rc = sh_expand(r->st, w, &fields, &n, &e);

	if (rc < 0) {
		sh_report(r->where, rc == -EINVAL ? e.pos : w->pos, "%s",
			  rc == -EINVAL ? e.msg : strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = argv_push(a, fields[i], w->writable, w->pos);
	sh_fields_free(fields);
	if (rc < 0)
		sh_report(r->where, w->pos, "%s", strerror(-rc));
	return rc;
}

/* A redirection names one file: a pattern that matches several is an
 * error, as in bash. */
static int expand_target(struct run *r, const struct sh_redir *rd,
			 char **out)
{
	struct sh_argv a = { 0 };
	int rc = expand_word(r, &rd->target, &a);

	if (rc < 0)
		return rc;
	if (a.argc != 1 || !a.argv[0][0]) {
		sh_report(r->where, rd->pos, "ambiguous redirection");
		argv_free(&a);
		return -EINVAL;
	}
	*out = a.argv[0];
	a.argv[0] = NULL;
	a.argc = 0;
	argv_free(&a);
	return 0;
}

static void ready_free(struct ready *c)
{
	if (c->targets)
		for (size_t i = 0; i < c->cmd->nredirs; i++)
			free(c->targets[i]);
	free(c->targets);
	argv_free(&c->a);
}

static int ready_cmd(struct run *r, const struct sh_cmd *cmd, struct ready *c)
{
	int rc = 0;

	*c = (struct ready){ .cmd = cmd };
	for (size_t i = 0; i < cmd->nwords && rc == 0; i++)
		rc = expand_word(r, &cmd->words[i], &c->a);
	if (rc == 0 && cmd->nredirs &&
	    !(c->targets = calloc(cmd->nredirs, sizeof *c->targets)))
		rc = -ENOMEM;
	for (size_t i = 0; i < cmd->nredirs && rc == 0; i++)
		if (cmd->redirs[i].kind != SH_REDIR_DUP)
			rc = expand_target(r, &cmd->redirs[i], &c->targets[i]);
	return rc;
}

/* ---- redirections ---------------------------------------------------- */

/* Put fd at target, which the command then inherits. */
static int move_fd(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0) < 0 ? -errno : 0;
	if (dup2(fd, target) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	close(fd);
	return 0;
}

static int open_flags(enum sh_redir_kind kind)
{
	switch (kind) {
	case SH_REDIR_IN:
		return O_RDONLY;
	case SH_REDIR_OUT:
		return O_WRONLY | O_CREAT | O_TRUNC;
	default:
		return O_WRONLY | O_CREAT | O_APPEND;
	}
}

/* The launcher passes on only standard input, output and error. */
static bool std_fd(int fd)
{
	return fd >= 0 && fd <= 2;
}

static int redirect_one(const struct run *r, const struct sh_redir *rd,
			const char *target)
{
	int fd;

	if (!std_fd(rd->fd) ||
	    (rd->kind == SH_REDIR_DUP && !std_fd(rd->dup_fd))) {
		sh_report(r->where, rd->pos,
			  "only descriptors 0, 1 and 2 can be redirected");
		return -EBADF;
	}
	if (rd->kind == SH_REDIR_DUP) {
		if (rd->dup_fd == rd->fd)
			return 0;
		if (dup2(rd->dup_fd, rd->fd) < 0) {
			int e = errno;
			sh_report(r->where, rd->pos, "%d: %s", rd->dup_fd,
				  strerror(e));
			return -e;
		}
		return 0;
	}
	fd = open(target, open_flags(rd->kind) | O_CLOEXEC | O_NOCTTY, 0666);
	if (fd < 0 || (fd = move_fd(fd, rd->fd)) < 0) {
		int e = fd < 0 ? errno : -fd;
		sh_report(r->where, rd->pos, "%s: %s", target, strerror(e));
		return -e;
	}
	return 0;
}

static int redirect(const struct run *r, const struct ready *c)
{
	/* ready_cmd() made the targets when there are redirections. */
	for (size_t i = 0; c->targets && i < c->cmd->nredirs; i++) {
		int rc = redirect_one(r, &c->cmd->redirs[i], c->targets[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A builtin in the shell: its redirections last as long as it does. */
struct saved_std {
	int fd[3];
};

static int save_std(struct saved_std *s)
{
	int e;

	for (int i = 0; i < 3; i++)
		s->fd[i] = -1;
	for (int i = 0; i < 3; i++) {
		s->fd[i] = fcntl(i, F_DUPFD_CLOEXEC, 10);
		if (s->fd[i] < 0 && errno != EBADF)
			goto fail;
	}
	return 0;
fail:
	e = errno;
	for (int i = 0; i < 3; i++)
		if (s->fd[i] >= 0)
			close(s->fd[i]);
	return -e;
}

static void restore_std(struct saved_std *s)
{
	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < 3; i++) {
		if (s->fd[i] >= 0) {
			dup2(s->fd[i], i);
			close(s->fd[i]);
		} else {
			close(i);
		}
	}
}

/* ---- launching ------------------------------------------------------- */

/* What ocapsh does for one program, as in ocapsh.c.  *intr: the
 * program was killed by SIGINT. */
static int launch(const struct run *r, const struct sh_argv *a, bool *intr)
{
	ocap_plan *p;
	int rc, status = 0;

	if ((rc = sh_plan_build(r->st, a, r->where, &p)) != 0)
		return rc;
	if ((rc = ocap_plan_check(p)) == 0) {
		for (size_t i = 0; ocap_plan_warning(p, i); i++)
			fprintf(stderr, "ocapsh: not enforced: %s\n",
				ocap_plan_warning(p, i));
		rc = ocap_launch(p, &status);
	}
	if (rc < 0)
		sh_plan_report(r->where, p, a->pos[0]);
	if (rc == -EOPNOTSUPP)
		fprintf(stderr, "Hint: grant --best-effort runs it anyway and "
				"reports what is not enforced\n");
	*intr = rc == 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGINT;
	rc = ocap_exit_status(p, rc, status);
	ocap_plan_free(p);
	return rc;
}

static void default_signals(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	sigemptyset(&dfl.sa_mask);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGQUIT, &dfl, NULL);
}

/* A program killed by SIGINT kills its child too, so that the shell
 * can tell an interrupt from a program that exited 130. */
static _Noreturn void child_exit(int status, bool intr)
{
	fflush(NULL);
	if (intr) {
		default_signals();
		raise(SIGINT);
	}
	_exit(status);
}

static int run_builtin(struct run *r, const struct ready *c)
{
	if (!strcmp(c->a.argv[0], "explain")) {
		struct sh_argv rest = {
			c->a.argv + 1, c->a.writable + 1, c->a.pos + 1,
			c->a.argc - 1,
		};
		return sh_explain(r->st, &rest, r->where);
	}
	return sh_builtin(r->st, c->a.argv, c->a.argc);
}

/* In the child: pipe ends, redirections, then the command. */
static _Noreturn void child(struct run *r, const struct ready *c, int in,
			    int out, int spare)
{
	bool intr = false;
	int rc = 0;

	default_signals();
	if (spare >= 0)
		close(spare);
	if ((in >= 0 && (rc = move_fd(in, STDIN_FILENO)) < 0) ||
	    (out >= 0 && (rc = move_fd(out, STDOUT_FILENO)) < 0)) {
		sh_report(r->where, c->cmd->pos, "pipe: %s", strerror(-rc));
		_exit(OCAP_EXIT_LAUNCHER);
	}
	if (redirect(r, c) < 0)
		_exit(1);
	if (c->a.argc == 0)
		_exit(0);
	if (sh_is_builtin(c->a.argv[0]))
		child_exit(run_builtin(r, c), false);
	rc = launch(r, &c->a, &intr);
	child_exit(rc, intr);
}

/* While commands run, ^C and ^\ are for them: the shell ignores both. */
struct sigsave {
	struct sigaction intr, quit;
};

static void ignore_signals(struct sigsave *s)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };

	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &s->intr);
	sigaction(SIGQUIT, &ign, &s->quit);
}

static void restore_signals(const struct sigsave *s)
{
	sigaction(SIGINT, &s->intr, NULL);
	sigaction(SIGQUIT, &s->quit, NULL);
}

static int wait_for(pid_t pid, bool *interrupted)
{
	int ws;

	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return OCAP_EXIT_LAUNCHER;
	if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGINT)
		*interrupted = true;
	return sh_wait_status(ws);
}

/* Start c reading from *in; unless it is the last, its output goes to
 * a new pipe whose read end becomes *in.  Returns its pid or -errno. */
static pid_t spawn(struct run *r, const struct ready *c, int *in, bool last)
{
	int pfd[2] = { -1, -1 };
	pid_t pid;

	if (!last && pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	if ((pid = fork()) < 0) {
		int e = errno;
		if (!last) {
			close(pfd[0]);
			close(pfd[1]);
		}
		return -e;
	}
	if (pid == 0)
		child(r, c, *in, pfd[1], pfd[0]);
	if (*in >= 0)
		close(*in);
	if (!last)
		close(pfd[1]);
	*in = pfd[0];
	return pid;
}

/* One child per command, each reading the pipe from the one before.
 * The status is the last command's. */
static int run_forked(struct run *r, const struct ready *cs, size_t n)
{
	pid_t *pids = calloc(n ? n : 1, sizeof *pids);
	struct sigsave saved;
	int in = -1, status = OCAP_EXIT_LAUNCHER;
	size_t started = 0;

	if (!pids)
		return OCAP_EXIT_LAUNCHER;
	fflush(NULL);
	ignore_signals(&saved);
	for (; started < n; started++) {
		pid_t pid = spawn(r, &cs[started], &in, started + 1 == n);
		if (pid < 0) {
			sh_report(r->where, cs[started].cmd->pos, "%s",
				  strerror((int)-pid));
			break;
		}
		pids[started] = pid;
	}
	if (in >= 0)
		close(in);
	for (size_t i = 0; i < started; i++)
		status = wait_for(pids[i], &r->interrupted);
	if (started < n)
		status = OCAP_EXIT_LAUNCHER;
	restore_signals(&saved);
	free(pids);
	return status;
}

/* A lone builtin, or a command with no words (only redirections), runs
 * in the shell; its redirections are undone afterwards. */
static int run_here(struct run *r, const struct ready *c)
{
	struct saved_std saved;
	int status;

	if (c->cmd->nredirs == 0)
		return c->a.argc ? run_builtin(r, c) : 0;
	fflush(NULL);
	if ((status = save_std(&saved)) < 0) {
		sh_report(r->where, c->cmd->pos, "%s", strerror(-status));
		return OCAP_EXIT_LAUNCHER;
	}
	if (redirect(r, c) < 0)
		status = 1;
	else
		status = c->a.argc ? run_builtin(r, c) : 0;
	restore_std(&saved);
	return status;
}

static int run_pipeline(struct run *r, const struct sh_pipeline *pl)
{
	struct ready *cs = calloc(pl->ncmds ? pl->ncmds : 1, sizeof *cs);
	size_t n = 0;
	int status = ST_SYNTAX;

	if (!cs)
		return OCAP_EXIT_LAUNCHER;
	for (; n < pl->ncmds; n++)
		if (ready_cmd(r, &pl->cmds[n], &cs[n]) < 0) {
			n++;
			goto out;
		}
	if (n == 1 && (cs[0].a.argc == 0 || sh_is_builtin(cs[0].a.argv[0])))
		status = run_here(r, &cs[0]);
	else
		status = run_forked(r, cs, n);
out:
	for (size_t i = 0; i < n; i++)
		ready_free(&cs[i]);
	free(cs);
	return status;
}

static bool skipped(enum sh_connector conn, int status)
{
	return (conn == SH_AND && status != 0) ||
	       (conn == SH_OR && status == 0);
}

static int run_list(struct run *r, const struct sh_list *l)
{
	struct sh_state *st = r->st;

	for (size_t i = 0; i < l->npipes; i++) {
		if (i > 0 && skipped(l->conn[i - 1], st->status))
			continue;
		st->status = run_pipeline(r, &l->pipes[i]);
		if (r->interrupted && !st->interactive) {
			/* An interrupted script stops, as sh(1) does. */
			st->exit_requested = true;
			st->exit_status = st->status;
		}
		if (st->exit_requested || r->interrupted)
			break;
	}
	return st->status;
}

int sh_run_list(struct sh_state *st, const struct sh_list *l)
{
	struct run r = { st, NULL, false };

	return run_list(&r, l);
}

int sh_run_string(struct sh_state *st, const char *src, const char *where)
{
	struct sh_list *l = NULL;
	struct sh_error e = { { 0, 0 }, "" };
	struct run r = { st, where, false };
	int rc = sh_parse(src, &l, &e);

	if (rc < 0) {
		if (rc == -EINVAL)
			sh_report(where, e.pos, "%s", e.msg);
		else
			fprintf(stderr, "ocapsh: %s\n", strerror(-rc));
		return st->status = ST_SYNTAX;
	}
	rc = run_list(&r, l);
	sh_list_free(l);
	if (r.interrupted && st->interactive)
		fputc('\n', stderr);
	return rc;
}
