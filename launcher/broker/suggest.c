/* SPDX-License-Identifier: MIT */
/*
 * --suggest: which grant a refusal calls for.  In compat mode
 * Landlock refuses a path in the kernel and the broker never hears of
 * it, so with "@suggest" the supervised program hands the calls that
 * open, execute, make or remove a path to the broker first.  The broker
 * reads the path once, names it as the supervisor's resolver names it
 * (supervise.c), and when no grant holds what the call needs, notes the
 * option that would, with the program's name.  Then the call continues.
 *
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE is what the supervisor otherwise never
 * answers (SECURITY.md), and here it is safe: the broker decides nothing
 * and performs nothing.  The kernel runs the call as the row the
 * notification replaced would have allowed it (same conditions, prefix
 * first) and Landlock judges it exactly as without --suggest; a path
 * swapped after the broker read it changes only what is noted.
 *
 * The broker's own refusals (connect, bind, metadata, --hide-metadata
 * lookups) are noted too.  At the end the notes are folded (more than
 * FOLD files read in one directory: the directory, unless it is broad or
 * holds secrets) and handed to the caller as lines (launch.c).  A secret
 * the runtime leaves out on purpose is never offered as a plain grant.
 *
 * A program stops at its first refusal, so one run shows one file where
 * the job needs its folder: a program run from a directory of programs
 * runs others (tar runs sh, then gzip), a file rewritten is mostly
 * rewritten through a new one beside it (sqlite's journal), and a
 * program that reads one file of the project it runs in reads its
 * neighbours (cmake its sources, git its repository).  An executable
 * refused, a file refused a write, or a file beneath the program's
 * working directory refused a read, is said with its folder's grant
 * beside it, "its folder: --rx /usr/bin", for the user to choose; what
 * is noted and learned stays the file's grant.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/seccomp.h>
#include <sys/ioctl.h>

#include "open_rights.h"
#include "supervise.h"

#define MAX_NOTES 512 /* distinct notes kept; the rest are counted */
#define MAX_LINES 100 /* lines handed back (the outcome pipe holds them) */
#define FOLD 3        /* more files than this in a directory: the directory */

struct note {
	char *opt;      /* "--ro" */
	char *arg;      /* "/etc/foo/a.conf", "example.com:443" */
	const char *what; /* "read", "write", "connect to" */
	char *folder;   /* the file's directory, said beside it, or NULL */
	char comm[16];
	bool secret;
	bool tree;      /* a directory for what lies beneath: folded, or made in */
	bool gone;      /* folded into another */
};

struct suggest {
	struct note *v;
	size_t n, dropped;
	const char *home;
};

int ocap__suggest_start(struct broker *b)
{
	const char *home = getenv("HOME");

	if (!b->plan->suggest)
		return 0;
	if (!(b->sug = calloc(1, sizeof *b->sug)) ||
	    !(b->sug->v = calloc(MAX_NOTES, sizeof *b->sug->v)))
		return -ENOMEM;
	b->sug->home = home && home[0] == '/' && home[1] ? home : NULL;
	return 0;
}

/* ---- what is secret ------------------------------------------------------ */

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

/* What the runtime leaves out on purpose (runtime.c): the password and
 * key files, /root and other users' homes, credentials in one's own,
 * and /proc (other processes' entries come with it). */
static bool secret(const struct suggest *s, const char *path)
{
	static const char *const sys[] = {
		"/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-",
		"/etc/sudoers", "/etc/sudoers.d", "/etc/ssl/private", "/root",
		"/proc",
	};
	static const char *const creds[] = {
		".ssh", ".gnupg", ".netrc", ".git-credentials", ".aws",
		".docker", ".kube", ".pgpass", ".password-store", ".config/gh",
	};
	char buf[PATH_MAX];

	/* one's own home (root's is /root) but for its credentials */
	if (s->home && under(path, s->home)) {
		for (size_t i = 0; i < sizeof creds / sizeof *creds; i++) {
			snprintf(buf, sizeof buf, "%s/%s", s->home, creds[i]);
			if (under(path, buf))
				return true;
		}
		return false;
	}
	for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
		if (under(path, sys[i]))
			return true;
	if (under(path, "/etc/ssh") && strstr(path, "key"))
		return true;
	return under(path, "/home");
}

/* A directory too broad to fold files into: the root, a top-level
 * directory, a home, or one that holds a secret. */
static bool broad(const struct suggest *s, const char *dir)
{
	static const char *const holds[] = { "/etc", "/etc/ssh", "/etc/ssl",
					      "/home" };
	const char *second = strchr(dir + 1, '/');

	if (!second || (under(dir, "/home") && !strchr(second + 1, '/')))
		return true;
	if (s->home && !strcmp(dir, s->home))
		return true;
	for (size_t i = 0; i < sizeof holds / sizeof *holds; i++)
		if (!strcmp(dir, holds[i]))
			return true;
	return secret(s, dir);
}

/* The directory of a file refused, when it may be offered: NULL for a
 * broad one. */
static char *folder_of(const struct suggest *s, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (!slash || slash == path ||
	    !(dir = strndup(path, (size_t)(slash - path))))
		return NULL;
	if (broad(s, dir)) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* Whether path lies beneath the directory tid works in: a file of the
 * project the program was run in. */
static bool in_cwd(pid_t tid, const char *path)
{
	char proc[64], cwd[PATH_MAX];
	ssize_t n;

	snprintf(proc, sizeof proc, "/proc/%d/cwd", (int)tid);
	if (tid <= 0 || (n = readlink(proc, cwd, sizeof cwd - 1)) <= 1)
		return false;
	cwd[n] = '\0';
	return under(path, cwd) && strcmp(path, cwd);
}

/* ---- notes ---------------------------------------------------------------- */

static void comm_of(pid_t tid, char *comm)
{
	char proc[64];
	ssize_t n;
	int fd;

	comm[0] = '\0';
	if (tid <= 0)
		return;
	snprintf(proc, sizeof proc, "/proc/%d/comm", (int)tid);
	if ((fd = open(proc, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, comm, 15);
	close(fd);
	comm[n > 0 ? n : 0] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

bool ocap__suggest_note(struct broker *b, const char *opt, const char *arg,
			const char *what, pid_t tid)
{
	struct suggest *s = b->sug;
	struct note *n;

	if (!s)
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].opt, opt) && !strcmp(s->v[i].arg, arg))
			return false;
	if (s->n == MAX_NOTES) {
		s->dropped++;
		return false;
	}
	n = &s->v[s->n];
	if (!(n->opt = strdup(opt)) || !(n->arg = strdup(arg))) {
		free(n->opt);
		n->opt = NULL;
		return false;
	}
	n->what = what;
	n->secret = arg[0] == '/' && secret(s, arg);
	n->tree = !strcmp(opt, "--rw") && arg[0] == '/';
	comm_of(tid, n->comm);
	s->n++;
	return true;
}

/* The grant path calls for, for need, noted; said with -v as done
 * (denied, or let through by --learn).  /proc is granted whole or not at
 * all: a pid names the broker here. */
static void note_path(struct broker *b, pid_t tid, const char *path,
		      ocap_rights_t need, const char *what, const char *done)
{
	char dir[PATH_MAX], line[PATH_MAX + 64];
	const char *opt, *arg = path;
	const struct note *n;

	if (!b->sug || !need || path[0] != '/' ||
	    ocap__super_grant(b, path, need))
		return;
	if (need & (OCAP_RIGHT_CREATE | OCAP_RIGHT_DELETE)) {
		/* made or removed in its directory */
		const char *slash = strrchr(path, '/');
		size_t k = slash == path ? 1 : (size_t)(slash - path);

		memcpy(dir, path, k);
		dir[k] = '\0';
		opt = "--rw", arg = dir;
	} else if (need & OCAP_RIGHT_EXEC) {
		opt = "--rx";
	} else if (need & (OCAP_RIGHT_WRITE | OCAP_RIGHT_TRUNCATE)) {
		opt = "--rw";
	} else {
		opt = "--ro";
	}
	if (under(arg, "/proc"))
		arg = "/proc";
	if (!ocap__suggest_note(b, opt, arg, what, tid))
		return;
	if (arg == path && (strcmp(opt, "--ro") || in_cwd(tid, path)))
		b->sug->v[b->sug->n - 1].folder = folder_of(b->sug, path);
	n = &b->sug->v[b->sug->n - 1];
	snprintf(line, sizeof line, "%s %s", opt, arg);
	ocap__broker_log(b, "ocapsh: %s %s of %s%s%s (%s grants it%s)\n",
			 done, what, path, n->comm[0] ? " by " : "", n->comm,
			 line, n->secret ? "; secret: think twice" : "");
}

void ocap__suggest_path(struct broker *b, pid_t tid, const char *path,
			ocap_rights_t need, const char *what)
{
	note_path(b, tid, path, need, what, "denied");
}

/* ---- the supervised calls ---------------------------------------------- */

bool ocap__super_suggest_call(const struct broker *b, int nr)
{
	static const int nrs[] = {
		SYS_open, SYS_openat, SYS_creat, SYS_execve, SYS_execveat,
		SYS_mkdir, SYS_mkdirat, SYS_mknodat, SYS_unlink, SYS_unlinkat,
		SYS_rmdir, SYS_rename, SYS_renameat, SYS_link, SYS_linkat,
		SYS_symlink, SYS_symlinkat, SYS_truncate,
	};

	if (!b->plan->suggest)
		return false;
	for (size_t i = 0; i < sizeof nrs / sizeof nrs[0]; i++)
		if (nrs[i] == nr)
			return true;
	return false;
}

/* One name a call takes, and what it needs there. */
struct pathway {
	int dirfd;
	uint64_t addr;
	bool follow;
	ocap_rights_t need; /* of what is there; CREATE: when it is not */
	int flags;          /* open(2)'s, or -1 */
	const char *what;
};

/* The names the call takes (rename and link take two). */
static size_t decode(const struct call *c, struct pathway *w)
{
	const uint64_t *a = c->args;
	const int cwd = AT_FDCWD;

	switch (c->nr) {
	case SYS_open:
		w[0] = (struct pathway){ cwd, a[0], !((int)a[1] & O_NOFOLLOW),
					 0, (int)a[1], NULL };
		return 1;
	case SYS_openat:
		w[0] = (struct pathway){ (int)a[0], a[1],
					 !((int)a[2] & O_NOFOLLOW), 0,
					 (int)a[2], NULL };
		return 1;
	case SYS_creat:
		w[0] = (struct pathway){ cwd, a[0], true, 0,
					 O_CREAT | O_WRONLY | O_TRUNC, NULL };
		return 1;
	case SYS_execve:
		w[0] = (struct pathway){ cwd, a[0], true, OCAP_RIGHT_EXEC, -1,
					 "execution" };
		return 1;
	case SYS_execveat:
		w[0] = (struct pathway){ (int)a[0], a[1],
					 !((int)a[4] & AT_SYMLINK_NOFOLLOW),
					 OCAP_RIGHT_EXEC, -1, "execution" };
		return 1;
	case SYS_mkdir:
		w[0] = (struct pathway){ cwd, a[0], false, OCAP_RIGHT_CREATE,
					 -1, "creation" };
		return 1;
	case SYS_mkdirat:
	case SYS_mknodat:
		w[0] = (struct pathway){ (int)a[0], a[1], false,
					 OCAP_RIGHT_CREATE, -1, "creation" };
		return 1;
	case SYS_unlink:
	case SYS_rmdir:
		w[0] = (struct pathway){ cwd, a[0], false, OCAP_RIGHT_DELETE,
					 -1, "removal" };
		return 1;
	case SYS_unlinkat:
		w[0] = (struct pathway){ (int)a[0], a[1], false,
					 OCAP_RIGHT_DELETE, -1, "removal" };
		return 1;
	case SYS_rename:
	case SYS_link:
		w[0] = (struct pathway){ cwd, a[0], false,
					 c->nr == SYS_rename ? OCAP_RIGHT_DELETE
							     : 0, -1, "removal" };
		w[1] = (struct pathway){ cwd, a[1], false, OCAP_RIGHT_CREATE,
					 -1, "creation" };
		return 2;
	case SYS_renameat:
	case SYS_linkat:
		w[0] = (struct pathway){ (int)a[0], a[1], false,
					 c->nr == SYS_renameat ? OCAP_RIGHT_DELETE
							       : 0, -1, "removal" };
		w[1] = (struct pathway){ (int)a[2], a[3], false,
					 OCAP_RIGHT_CREATE, -1, "creation" };
		return 2;
	case SYS_symlink:
		w[0] = (struct pathway){ cwd, a[1], false, OCAP_RIGHT_CREATE,
					 -1, "creation" };
		return 1;
	case SYS_symlinkat:
		w[0] = (struct pathway){ (int)a[1], a[2], false,
					 OCAP_RIGHT_CREATE, -1, "creation" };
		return 1;
	case SYS_truncate:
		w[0] = (struct pathway){ cwd, a[0], true, OCAP_RIGHT_TRUNCATE,
					 -1, "truncation" };
		return 1;
	}
	return 0;
}

/* What an open needs of what is there, or of its directory when it
 * creates; 0 when Landlock checks nothing (O_PATH) or the kernel fails
 * it first (a missing file without O_CREAT). */
static ocap_rights_t open_need(int flags, bool there, const char **what)
{
	ocap_rights_t need = 0;
	int f = flags;

	if (ocap_open_rights(OCAP_RIGHTS_RW, &f, &need) < 0)
		return 0;
	if ((f & O_TMPFILE) == O_TMPFILE)
		need = OCAP_RIGHT_CREATE; /* in the directory named */
	else if (!there && !(f & O_CREAT))
		return 0;
	else if (there)
		need &= ~OCAP_RIGHT_CREATE;
	else
		need = OCAP_RIGHT_CREATE;
	*what = need & OCAP_RIGHT_CREATE ? "creation"
		: need & (OCAP_RIGHT_WRITE | OCAP_RIGHT_TRUNCATE) ? "write"
								  : "read";
	return need;
}

/* Let the call go on to the kernel, as the row it replaced allows. */
static void go_on(struct broker *b, int i, uint64_t id)
{
	struct seccomp_notif_resp resp = { .id = id,
		.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };

	/* ENOENT: the task is gone, or a signal took it back first */
	(void)ioctl(b->slots[i].fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

/* --learn: a read no grant holds, of a regular file or a directory that
 * is no secret, opened by the broker from what it looked at (keep) and
 * put in the program as the call's answer, so that the job goes on to
 * what it does next where the refusal would have stopped it.  Writes,
 * executions and secrets are refused as without --learn.  Whether the
 * call is answered. */
static bool learn_read(struct broker *b, int i, const struct call *c,
		       const char *name, int flags, const struct stat *st,
		       int keep, ocap_rights_t need)
{
	struct seccomp_notif_addfd add = {
		.id = c->id,
		.flags = SECCOMP_ADDFD_FLAG_SEND,
		.newfd_flags = (uint32_t)(flags & O_CLOEXEC),
	};
	const int kept = O_NONBLOCK | O_DIRECTORY | O_DIRECT | O_LARGEFILE;
	char proc[32];
	int fd;

	if (!b->plan->learn || keep < 0 || !need || (need & ~OCAP_RIGHTS_RO) ||
	    (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) ||
	    secret(b->sug, name) || ocap__super_grant(b, name, need))
		return false;
	/* opened again from what was looked at: no name is walked twice */
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", keep);
	fd = open(proc, (flags & kept) | O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false;
	/* noted while the task waits: its name and working directory */
	note_path(b, c->tid, name, need, "read", "let through");
	add.srcfd = (uint32_t)fd;
	/* ENOENT: the task is gone, or a signal took the call back */
	if (ioctl(b->slots[i].fd, SECCOMP_IOCTL_NOTIF_ADDFD, &add) < 0) {
		close(fd);
		return false;
	}
	close(fd);
	return true;
}

void ocap__super_suggest(struct broker *b, int i, const struct call *c)
{
	struct pathway w[2];
	size_t k = decode(c, w);

	/* Read once, looked at, and the call let go: nothing the program
	 * does to its memory meanwhile can make the broker act. */
	for (size_t j = 0; j < k; j++) {
		char path[PATH_MAX], name[PATH_MAX];
		const char *what = w[j].what;
		ocap_rights_t need = w[j].need;
		struct stat st;
		bool there;
		int keep = -1;

		if (!need && w[j].flags < 0)
			continue;
		if (ocap__super_path(c, w[j].addr, path) < 0 ||
		    ocap__super_name(c, w[j].dirfd, path, w[j].follow, name,
				     &st, b->plan->learn && w[j].flags >= 0
						  ? &keep : NULL) < 0)
			continue;
		there = st.st_mode != 0;
		if (w[j].flags >= 0) {
			need = open_need(w[j].flags, there, &what);
			/* O_TRUNC truncates only a regular file (Landlock
			 * checks nothing else: sh's >/dev/null) */
			if (there && !S_ISREG(st.st_mode))
				need &= ~OCAP_RIGHT_TRUNCATE;
			/* O_NOFOLLOW on a link: ELOOP, whatever is granted */
			if (there && S_ISLNK(st.st_mode))
				need = 0;
			/* O_TMPFILE makes its file in name, not beside it */
			if ((w[j].flags & O_TMPFILE) == O_TMPFILE &&
			    strlen(name) + 2 < sizeof name)
				strcat(name, "/.");
			if (learn_read(b, i, c, name, w[j].flags, &st, keep,
				       need)) {
				close(keep);
				return;
			}
			if (keep >= 0)
				close(keep);
		} else if ((need & OCAP_RIGHT_CREATE) ? there : !there) {
			continue; /* EEXIST, ENOENT: the kernel says so first */
		}
		ocap__suggest_path(b, c->tid, name, need, what);
	}
	go_on(b, i, c->id);
}

/* ---- the end: folded, into the plan --------------------------------------- */

static bool file_opt(const struct note *n)
{
	return !strcmp(n->opt, "--ro") || !strcmp(n->opt, "--rx");
}

/* Whether a covers b: b's path, or a directory above it noted for what
 * lies beneath (a directory listed covers nothing, nor does a broad one:
 * a file made in /tmp is no reason to offer /tmp for the project below
 * it), with b's rights or more (notes are unique, so the same path comes
 * with other rights). */
static bool covers(const struct suggest *s, const struct note *a,
		   const struct note *b)
{
	bool wider = !strcmp(a->opt, b->opt) ||
		     (!strcmp(b->opt, "--ro") &&
		      (!strcmp(a->opt, "--rw") || !strcmp(a->opt, "--rx")));

	return a != b && !a->gone && wider && a->arg[0] == '/' &&
	       (a->tree && !broad(s, a->arg) ? under(b->arg, a->arg)
					      : !strcmp(a->arg, b->arg));
}

/* More than FOLD files read (or executed) in one directory: the
 * directory, marked as a fold. */
static void fold(struct suggest *s)
{
	for (size_t i = 0; i < s->n && s->n < MAX_NOTES; i++) {
		struct note *n = &s->v[i], *d;
		char dir[PATH_MAX];
		const char *slash;
		size_t same = 0;

		if (n->gone || !file_opt(n) || n->secret ||
		    !(slash = strrchr(n->arg, '/')) || slash == n->arg)
			continue;
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - n->arg), n->arg);
		if (broad(s, dir))
			continue;
		for (size_t j = 0; j < s->n; j++) {
			const char *t = s->v[j].arg;
			size_t k = strlen(dir);
			/* a file right in dir (dir itself is not one) */
			same += !s->v[j].gone && !strcmp(s->v[j].opt, n->opt) &&
				!strncmp(t, dir, k) && t[k] == '/' &&
				!strchr(t + k + 1, '/');
		}
		for (size_t j = 0; j < s->n && same > FOLD; j++)
			if (!strcmp(s->v[j].opt, n->opt) &&
			    !strcmp(s->v[j].arg, dir))
				same = 0; /* folded already */
		if (same <= FOLD)
			continue;
		d = &s->v[s->n];
		if (!(d->opt = strdup(n->opt)) || !(d->arg = strdup(dir))) {
			free(d->opt);
			d->opt = NULL;
			return;
		}
		d->what = n->what;
		d->tree = true;
		memcpy(d->comm, n->comm, sizeof d->comm);
		s->n++;
	}
}

static void free_notes(struct suggest *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].opt);
		free(s->v[i].arg);
		free(s->v[i].folder);
	}
	free(s->v);
	free(s);
}

void ocap__suggest_stop(struct broker *b)
{
	struct suggest *s = b->sug;
	size_t lines = 0;

	if (!s)
		return;
	b->sug = NULL;
	fold(s);
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < s->n && !s->v[i].gone; j++)
			s->v[i].gone = covers(s, &s->v[j], &s->v[i]);
	for (size_t i = 0; i < s->n; i++) {
		const struct note *n = &s->v[i];
		char line[2 * PATH_MAX + 128];

		if (n->gone)
			continue;
		if (lines == MAX_LINES) {
			s->dropped++;
			continue;
		}
		snprintf(line, sizeof line, "%s %s  (%s%s%s%s%s%s%s%s)", n->opt,
			 n->arg, n->what, n->comm[0] ? " by " : "", n->comm,
			 n->secret ? "; secret: think twice" : "",
			 n->folder ? "; its folder: " : "",
			 n->folder ? n->opt : "", n->folder ? " " : "",
			 n->folder ? n->folder : "");
		if (ocap__plan_suggest(b->plan, line) == 0)
			lines++;
	}
	if (s->dropped) {
		char line[64];

		snprintf(line, sizeof line, "(%zu more not listed)", s->dropped);
		(void)ocap__plan_suggest(b->plan, line);
	}
	free_notes(s);
}
