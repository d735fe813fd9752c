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
#define MAX_ROOTS 128 /* secret roots and the directories above them */
#define MAX_ARG 640   /* a longer name would be cut short in its line */

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

/* A secret root, or a directory above one, as the kernel knows it (its
 * device and inode), so that another name for it, a link above it or a
 * bind mount, is no way round it. */
enum {
	ROOT_SECRET = 1, /* all beneath it is secret */
	ROOT_HOME = 2,   /* HOME: beneath it, only its credentials are */
	ROOT_KEYS = 4,   /* /etc/ssh: beneath it, a name holding "key" is */
	ROOT_ABOVE = 8,  /* holds one of these */
};

struct root {
	dev_t dev;
	ino_t ino;
	unsigned kind;
};

struct suggest {
	struct note *v;
	size_t n, dropped;
	const char *home;   /* HOME as given */
	char *realhome;     /* and as the kernel names it, or NULL */
	char cwd[PATH_MAX]; /* where the program was started, or "": broad */
	struct root roots[MAX_ROOTS];
	size_t nroots;
};

/* ---- what is secret ------------------------------------------------------ */

/* What the runtime leaves out on purpose (runtime.c): the password and
 * key files, /root and other users' homes, credentials in one's own,
 * and /proc (other processes' entries come with it). */
static const char *const sys[] = {
	"/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-",
	"/etc/sudoers", "/etc/sudoers.d", "/etc/ssl/private", "/root",
	"/proc", "/home",
};
static const char *const creds[] = {
	".ssh", ".gnupg", ".netrc", ".git-credentials", ".aws",
	".docker", ".kube", ".pgpass", ".password-store", ".config/gh",
};

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

/* By name, home being HOME as given or as the kernel names it: one's
 * own home (root's is /root) but for its credentials. */
static bool secret_name(const char *home, const char *path)
{
	char buf[PATH_MAX];

	if (home && under(path, home)) {
		for (size_t i = 0; i < sizeof creds / sizeof *creds; i++) {
			snprintf(buf, sizeof buf, "%s/%s", home, creds[i]);
			if (under(path, buf))
				return true;
		}
		return false;
	}
	for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
		if (under(path, sys[i]))
			return true;
	return under(path, "/etc/ssh") && strstr(path, "key");
}

/* Whether dir is or holds a secret root, by name. */
static bool holds_name(const char *home, const char *dir)
{
	char buf[PATH_MAX];

	for (size_t i = 0; home && i < sizeof creds / sizeof *creds; i++) {
		snprintf(buf, sizeof buf, "%s/%s", home, creds[i]);
		if (under(buf, dir))
			return true;
	}
	for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
		if (under(sys[i], dir))
			return true;
	return under("/etc/ssh", dir);
}

/* The index of what st is among the roots; nroots when it is none. */
static size_t root_of(const struct suggest *s, const struct stat *st)
{
	size_t i = 0;

	while (i < s->nroots && (s->roots[i].dev != st->st_dev ||
				 s->roots[i].ino != st->st_ino))
		i++;
	return i;
}

static unsigned kind_of(const struct suggest *s, const struct stat *st)
{
	size_t i = root_of(s, st);

	return i < s->nroots ? s->roots[i].kind : 0;
}

static void mark(struct suggest *s, const struct stat *st, unsigned kind)
{
	size_t i = root_of(s, st);

	if (i < s->nroots)
		s->roots[i].kind |= kind;
	else if (i < MAX_ROOTS)
		s->roots[s->nroots++] = (struct root){ st->st_dev, st->st_ino,
						       kind };
}

/* path, followed, and each directory above where it leads.  One not
 * there now is known by its name only. */
static void add_root(struct suggest *s, const char *path, unsigned kind)
{
	char proc[32], name[PATH_MAX], *slash;
	struct stat st;
	ssize_t n;
	int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0)
		return;
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	n = readlink(proc, name, sizeof name - 1);
	if (fstat(fd, &st) == 0)
		mark(s, &st, kind);
	close(fd);
	if (n <= 0 || name[0] != '/')
		return;
	name[n] = '\0';
	while ((slash = strrchr(name, '/'))) {
		slash[slash == name] = '\0';
		if (stat(name, &st) == 0)
			mark(s, &st, ROOT_ABOVE);
		if (slash == name)
			break;
	}
}

/* The directory an O_PATH descriptor of a file was named in by the
 * kernel (name), if it still holds that file there; or -1. */
static int parent_of(const struct stat *st, const char *name)
{
	const char *slash = strrchr(name, '/');
	char dir[PATH_MAX];
	struct stat at;
	int fd;

	if (!slash || slash - name >= PATH_MAX)
		return -1;
	snprintf(dir, sizeof dir, "%.*s",
		 slash == name ? 1 : (int)(slash - name), name);
	if ((fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (fstatat(fd, slash + 1, &at, AT_SYMLINK_NOFOLLOW) < 0 ||
	    at.st_dev != st->st_dev || at.st_ino != st->st_ino) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether what fd is (*st, which the kernel names name) lies in a secret
 * root, the directories above it taken through "..": the first root met
 * decides, one's home being none but for its credentials.  A step not
 * taken makes it a secret. */
static bool secret_at(const struct suggest *s, int fd, const struct stat *st,
		      const char *name)
{
	struct stat at, up;
	bool r = true;
	int dir, next;

	if (!S_ISDIR(st->st_mode) && (kind_of(s, st) & ROOT_SECRET))
		return true;
	dir = S_ISDIR(st->st_mode) ? fcntl(fd, F_DUPFD_CLOEXEC, 0)
				   : parent_of(st, name);
	for (int depth = 0; dir >= 0 && depth < 256; depth++) {
		unsigned kind;

		if (fstat(dir, &at) < 0)
			break;
		kind = kind_of(s, &at);
		if (kind & ROOT_HOME) {
			r = false;
			break;
		}
		if ((kind & ROOT_SECRET) ||
		    ((kind & ROOT_KEYS) && strstr(name, "key")))
			break;
		next = openat(dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(dir);
		dir = next;
		if (dir >= 0 && fstat(dir, &up) == 0 &&
		    up.st_dev == at.st_dev && up.st_ino == at.st_ino) {
			r = false; /* the root */
			break;
		}
	}
	if (dir >= 0)
		close(dir);
	return r;
}

/* Secret by name, as given or as the kernel names HOME, or as the
 * kernel knows what fd (-1: none) is. */
static bool secret_fd(const struct suggest *s, int fd, const struct stat *st,
		      const char *path)
{
	return secret_name(s->home, path) ||
	       (s->realhome && secret_name(s->realhome, path)) ||
	       (fd >= 0 && secret_at(s, fd, st, path));
}

static bool secret(const struct suggest *s, const char *path)
{
	struct stat st;
	bool r;
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, &st) < 0) {
		close(fd);
		return true;
	}
	r = secret_fd(s, fd, &st, path);
	if (fd >= 0)
		close(fd);
	return r;
}

/* A directory too broad to fold files into, to offer, or to read
 * beneath while learning: the root, a top-level directory, a home, a
 * secret, or one that holds a secret. */
static bool broad(const struct suggest *s, const char *dir)
{
	const char *second = strchr(dir + 1, '/');
	struct stat st;

	if (!second || (under(dir, "/home") && !strchr(second + 1, '/')))
		return true;
	if (holds_name(s->home, dir) ||
	    (s->realhome && holds_name(s->realhome, dir)))
		return true;
	if (stat(dir, &st) == 0 && kind_of(s, &st))
		return true;
	return secret(s, dir);
}

int ocap__suggest_start(struct broker *b)
{
	const char *home = getenv("HOME");
	struct suggest *s;
	char buf[PATH_MAX];
	ssize_t n;

	if (!b->plan->suggest)
		return 0;
	if (!(s = b->sug = calloc(1, sizeof *b->sug)) ||
	    !(s->v = calloc(MAX_NOTES, sizeof *s->v)))
		return -ENOMEM;
	s->home = home && home[0] == '/' && home[1] ? home : NULL;
	if (s->home && (s->realhome = realpath(s->home, NULL)) &&
	    !strcmp(s->realhome, s->home)) {
		free(s->realhome);
		s->realhome = NULL;
	}
	for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
		add_root(s, sys[i], ROOT_SECRET);
	add_root(s, "/etc/ssh", ROOT_KEYS);
	if (s->home) {
		add_root(s, s->home, ROOT_HOME);
		for (size_t i = 0; i < sizeof creds / sizeof *creds; i++) {
			snprintf(buf, sizeof buf, "%s/%s", s->home, creds[i]);
			add_root(s, buf, ROOT_SECRET);
		}
	}
	/* the broker works where the program started; the program may go
	 * anywhere later, as chdir needs no grant */
	n = readlink("/proc/self/cwd", s->cwd, sizeof s->cwd - 1);
	s->cwd[n > 0 ? n : 0] = '\0';
	if (s->cwd[0] != '/' || broad(s, s->cwd))
		s->cwd[0] = '\0';
	return 0;
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

/* Whether a grants line "OPT ARG" can hold arg, and ocapsh --learn tell
 * it from the note after it, "  (": no control character, no "  (", no
 * space at its end (a grants line is trimmed), and not so long that the
 * line is cut short. */
static bool learnable(const char *arg)
{
	size_t n = strlen(arg);

	if (n > MAX_ARG || strstr(arg, "  (") || (n && arg[n - 1] == ' '))
		return false;
	for (; *arg; arg++)
		if ((unsigned char)*arg < 0x20 || *arg == 0x7f)
			return false;
	return true;
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
	const char *eq = strcmp(opt, "--grant") ? NULL : strrchr(arg, '=');
	char path[PATH_MAX];
	struct note *n;

	if (!s)
		return false;
	if (!learnable(arg)) {
		snprintf(path, sizeof path, "%s", arg);
		for (char *c = path; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		ocap__broker_log(b, "ocapsh: not learnable: %s of '%.300s' (no "
				    "grants line can hold the name)\n", what,
				 path);
		return false;
	}
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
	/* --grant PATH=write: the path */
	snprintf(path, sizeof path, "%.*s",
		 eq ? (int)(eq - arg) : (int)strlen(arg), arg);
	n->secret = arg[0] == '/' && secret(s, path);
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

/* Whether an open follows a last link: not with O_NOFOLLOW, nor with
 * O_CREAT | O_EXCL (open(2)). */
static bool follows(int flags)
{
	return !(flags & O_NOFOLLOW) &&
	       (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
}

/* The names the call takes (rename and link take two). */
static size_t decode(const struct call *c, struct pathway *w)
{
	const uint64_t *a = c->args;
	const int cwd = AT_FDCWD;

	switch (c->nr) {
	case SYS_open:
		w[0] = (struct pathway){ cwd, a[0], follows((int)a[1]), 0,
					 (int)a[1], NULL };
		return 1;
	case SYS_openat:
		w[0] = (struct pathway){ (int)a[0], a[1], follows((int)a[2]),
					 0, (int)a[2], NULL };
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
 * it first (a missing file without O_CREAT, EEXIST for O_CREAT |
 * O_EXCL). */
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
	else if (there && (f & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
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

/* Where --learn lets a read through: beneath the directory the program
 * was started in, unless that is broad (the root, a top-level directory,
 * a home, one that holds a secret), or what every user may read beneath
 * the system's public trees. */
static bool may_learn(const struct suggest *s, const char *name,
		      const struct stat *st)
{
	static const char *const public[] = { "/usr", "/etc", "/opt", "/lib",
					      "/lib64", "/bin", "/sbin" };

	if (s->cwd[0] && under(name, s->cwd))
		return true;
	for (size_t i = 0; i < sizeof public / sizeof *public; i++)
		if (under(name, public[i]))
			return (st->st_mode & S_IROTH) != 0;
	return false;
}

/* --learn: a read no grant holds, of a regular file or a directory where
 * may_learn() allows, no secret, opened by the broker from what it looked
 * at (keep) and put in the program as the call's answer, so that the job
 * goes on to what it does next where the refusal would have stopped it.
 * Writes, executions, opens that may create, names no grants line can
 * hold, and secrets are refused as without --learn.  Whether the call is
 * answered. */
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

	/* O_CREAT: the kernel judges it otherwise (O_EXCL: EEXIST) */
	if (!b->plan->learn || keep < 0 || !need || (need & ~OCAP_RIGHTS_RO) ||
	    (flags & O_CREAT) ||
	    (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) ||
	    ocap__super_grant(b, name, need) || !learnable(name) ||
	    !may_learn(b->sug, name, st) || secret_fd(b->sug, keep, st, name))
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
 * with other rights).  A secret is never covered: its line stays,
 * marked. */
static bool covers(const struct suggest *s, const struct note *a,
		   const struct note *b)
{
	bool wider = !strcmp(a->opt, b->opt) ||
		     (!strcmp(b->opt, "--ro") &&
		      (!strcmp(a->opt, "--rw") || !strcmp(a->opt, "--rx")));

	return a != b && !a->gone && !b->secret && wider && a->arg[0] == '/' &&
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
	free(s->realhome);
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
