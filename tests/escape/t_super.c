/* SPDX-License-Identifier: MIT */
/*
 * Attacks on the supervisor (launcher/broker/supervise.c and meta.c).  The
 * broker performs chmod, chown, the utime calls and the xattr calls for
 * the program, inside write grants only, or on a regular file the program
 * holds open for writing.  These try to make it act on something else:
 * paths and descriptors that change while it decides, /proc's names for
 * descriptors, new set-ID bits, privileged attributes, devices, callers
 * that die or are interrupted mid-call.  In compat mode it sees every
 * such call; in native mode only those on a descriptor or a real dirfd
 * (fchmod, fchmodat, fchown, fchownat, utimensat, futimesat, fsetxattr,
 * fremovexattr), judged the same, while seccomp refuses those on
 * AT_FDCWD and the calls by path alone (EPERM): meta_err() in probe.h.
 *
 * A refusal is not the verdict: each technique compares the status of
 * the files it aims at before and after, ctime included, which every
 * chmod, chown, utime and xattr change moves, even one that sets what
 * was there already.  So an escape shows even when the call that caused
 * it "failed", or when another call in a race took the blame.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

/* Newer calls that change metadata; the numbers are the same on every
 * architecture. */
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat 466
#endif
#ifndef SYS_file_setattr
#define SYS_file_setattr 469
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

/* Times no file here has: a change to them cannot go unseen. */
static const struct timespec epoch[2] = { { 0, 0 }, { 0, 0 } };

/* How long a race runs (per technique; the suite runs each four times),
 * and how many calls it makes at most.  It ends early once a watched file
 * changed. */
#define RACE_MS 300
#define RACE_CALLS 50000

/* ---- files watched for change ------------------------------------------- */

/* A file and its status at the start. */
struct watch {
	const char *name;
	int fd; /* O_PATH or any: only fstat is used */
	struct stat st;
};

static int watch_fd(struct watch *w, const char *name, int fd)
{
	w->name = name;
	w->fd = fd;
	if (fstat(fd, &w->st) == 0)
		return 0;
	say(SETUP, "fstat(%s): %s", name, ename(errno));
	return SETUP;
}

/* The canary, held O_PATH from the granted directory g (Landlock does
 * not check O_PATH, and native mode opens beneath a descriptor). */
static int watch_canary(const struct ctx *c, int g, struct watch *w)
{
	int fd = openat(g, c->rel, O_PATH | O_CLOEXEC);

	w->fd = -1;
	if (fd >= 0)
		return watch_fd(w, "the canary", fd);
	say(SETUP, "openat(granted, %s, O_PATH): %s", c->rel, ename(errno));
	return SETUP;
}

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* What changed in w's file since the start, or NULL. */
static const char *watch_diff(const struct watch *w)
{
	static char buf[256];
	const struct stat *a = &w->st;
	struct stat b;

	if (fstat(w->fd, &b) < 0) {
		snprintf(buf, sizeof buf, "%s: fstat: %s", w->name,
			 ename(errno));
		return buf;
	}
	if (a->st_mode != b.st_mode)
		snprintf(buf, sizeof buf, "%s's mode went from %04o to %04o",
			 w->name, (unsigned)a->st_mode & 07777,
			 (unsigned)b.st_mode & 07777);
	else if (a->st_uid != b.st_uid || a->st_gid != b.st_gid)
		snprintf(buf, sizeof buf, "%s's owner went from %u:%u to %u:%u",
			 w->name, (unsigned)a->st_uid, (unsigned)a->st_gid,
			 (unsigned)b.st_uid, (unsigned)b.st_gid);
	else if (!same_time(&a->st_mtim, &b.st_mtim))
		snprintf(buf, sizeof buf, "%s's mtime went from %lld.%09ld "
			 "to %lld.%09ld", w->name, (long long)a->st_mtim.tv_sec,
			 a->st_mtim.tv_nsec, (long long)b.st_mtim.tv_sec,
			 b.st_mtim.tv_nsec);
	else if (!same_time(&a->st_ctim, &b.st_ctim))
		snprintf(buf, sizeof buf, "%s's ctime moved: its metadata "
			 "was changed (to what it was, or an xattr)", w->name);
	else
		return NULL;
	return buf;
}

/* The first of n watches that changed, or NULL. */
static const char *watches_diff(const struct watch *w, int n)
{
	const char *d = NULL;

	for (int i = 0; i < n && !d; i++)
		d = watch_diff(&w[i]);
	return d;
}

/* ---- a sequence of calls, one verdict ----------------------------------- */

/* Calls that must each fail with one of a few errnos; the first that
 * does not decides, silently until the end. */
struct seq {
	int code;
	unsigned n;
	char line[512];
};

static void seq_try(struct seq *s, const char *what, long r, int err,
		    const int *ok)
{
	char want[96] = "";

	s->n++;
	if (s->code != BLOCKED)
		return;
	if (r >= 0) {
		s->code = ESCAPED;
		snprintf(s->line, sizeof s->line, "%s succeeded (returned "
			 "%ld)", what, r);
		return;
	}
	for (const int *e = ok; *e; e++) {
		if (*e == err) {
			snprintf(s->line, sizeof s->line, "%s: %s", what,
				 ename(err));
			return;
		}
		snprintf(want + strlen(want), sizeof want - strlen(want),
			 "%s%s", e == ok ? "" : " or ", ename(*e));
	}
	s->code = UNEXPECTED;
	snprintf(s->line, sizeof s->line, "%s: %s, expected %s", what,
		 ename(err), want);
}

#define TRY(s, what, call, ...)                                            \
	({                                                                 \
		long r_ = (long)(call);                                    \
		int e_ = errno;                                            \
		seq_try((s), (what), r_, e_, (const int[]){ __VA_ARGS__, 0 }); \
	})

/* The verdict: a watched file that changed is an escape whatever the
 * calls returned. */
static int seq_end(const struct seq *s, const struct watch *w, int nw)
{
	const char *d = watches_diff(w, nw);

	if (d)
		return say(ESCAPED, "%s (after %u calls; last: %s)", d, s->n,
			   s->line);
	if (s->code != BLOCKED)
		return say(s->code, "%s", s->line);
	return say(BLOCKED, "%u calls refused, files unchanged (last: %s)",
		   s->n, s->line);
}

/* ---- races -------------------------------------------------------------- */

/* A thread that keeps changing what the main thread's calls name. */
struct race {
	pthread_t thread;
	int stop;
	unsigned long flips; /* that worked */
	int flip_err;        /* why one did not, the first time */
	bool (*flip)(struct race *r);
	int g;              /* the granted directory */
	const char *a, *b;  /* path races: the two names buf takes */
	char buf[4096];     /* what the calls are given */
	const char *file;   /* name races: the file the calls change */
	int n, fa, fb;      /* fd races: descriptor n is fa, then fb */
	const char *ta, *tb; /* symlink swaps: the link's two targets */
};

/* The main thread's calls: call i, its name in what and the descriptor
 * it names in dirfd (AT_FDCWD for the calls by path alone), which says
 * who refuses it (meta_err()). */
typedef long race_call(struct race *r, unsigned i, const char **what,
		       int *dirfd);

static void *race_main(void *p)
{
	struct race *r = p;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		if (r->flip(r))
			r->flips++;
		else if (!r->flip_err)
			r->flip_err = errno;
	}
	return NULL;
}

static int race_start(struct race *r)
{
	int e = pthread_create(&r->thread, NULL, race_main, r);

	if (e)
		return say(SETUP, "pthread_create: %s", ename(e));
	return 0;
}

static void race_stop(struct race *r)
{
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELAXED);
	pthread_join(r->thread, NULL);
}

/* Outcomes of the main thread's calls. */
struct tally {
	unsigned long calls, ok, refused;
	unsigned long unsupervised_ok; /* successes seccomp should refuse */
	char unsupervised[160];        /* the first of them */
	int code; /* UNEXPECTED once a refusal was not in the list */
	char odd[256];
};

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* The broker refuses with EACCES (no write grant), and a name caught
 * half-changed or beneath the grant by a link that leads out fails on the
 * way (openat2's RESOLVE_BENEATH: EXDEV); a symbolic link's own mode
 * cannot change (EOPNOTSUPP).  Native mode's seccomp refuses the calls on
 * AT_FDCWD and by path alone before the broker sees them: EPERM only, and
 * none may succeed. */
static const int race_super[] = { EACCES, ENOENT, ENOTDIR, EXDEV, ELOOP,
				  EOPNOTSUPP, 0 };
static const int race_seccomp[] = { EPERM, 0 };

/* Whether seccomp refuses a metadata call naming dirfd (native mode, on
 * AT_FDCWD or by path), rather than the supervisor judging it. */
static bool by_seccomp(const struct ctx *c, int dirfd)
{
	return meta_err(c, dirfd) == EPERM;
}

static void tally(struct tally *t, const char *what, long r, int err,
		  const int *ok)
{
	t->calls++;
	if (r >= 0) {
		t->ok++;
		return;
	}
	t->refused++;
	for (const int *e = ok; *e; e++)
		if (*e == err)
			return;
	if (t->code == BLOCKED) {
		t->code = UNEXPECTED;
		snprintf(t->odd, sizeof t->odd, "%s: %s", what, ename(err));
	}
}

/* tally() for a metadata call naming dirfd: the supervisor's answers
 * (super), or seccomp's EPERM where native mode refuses the call before
 * any supervisor sees it, and there a success is counted apart. */
static void tally_meta(const struct ctx *c, struct tally *t, const char *what,
		       long r, int err, int dirfd, const int *super)
{
	bool sc = by_seccomp(c, dirfd);

	tally(t, what, r, err, sc ? race_seccomp : super);
	if (sc && r >= 0 && !t->unsupervised_ok++)
		snprintf(t->unsupervised, sizeof t->unsupervised, "%s", what);
}

/* Run calls for ms while r's thread flips, or until one of the nw
 * files in w changed. */
static int hammer(const struct ctx *c, struct race *r, race_call *call,
		  long ms, struct tally *t, const struct watch *w, int nw)
{
	long end = now_ms() + ms;

	if (race_start(r))
		return SETUP;
	for (unsigned i = 0; i < RACE_CALLS; i++) {
		const char *what = "?";
		int dirfd = AT_FDCWD;
		long v = call(r, i, &what, &dirfd);
		int e = errno;

		tally_meta(c, t, what, v, e, dirfd, race_super);
		if (i % 32 == 31 && (now_ms() >= end || watches_diff(w, nw)))
			break;
	}
	race_stop(r);
	return 0;
}

/* The verdict on a race: the watched files first, then the calls.  A
 * call inside the grant may succeed, except in native mode one on
 * AT_FDCWD or by path alone, which seccomp refuses. */
static int race_end(const char *what, const struct race *r,
		    const struct tally *t, const struct watch *w, int nw)
{
	const char *d = watches_diff(w, nw);

	if (d)
		return say(ESCAPED, "%s: %s (%lu calls, %lu succeeded, %lu "
			   "flips)", what, d, t->calls, t->ok, r->flips);
	if (t->unsupervised_ok)
		return say(ESCAPED, "%s: %lu of %lu calls succeeded in native "
			   "mode that seccomp refuses (first: %s)", what,
			   t->unsupervised_ok, t->calls, t->unsupervised);
	if (!r->flips)
		return say(SETUP, "%s: the thread never flipped (%s)", what,
			   ename(r->flip_err));
	if (t->code != BLOCKED)
		return say(t->code, "%s: %s", what, t->odd);
	return say(BLOCKED, "%s: %lu calls over %lu flips, %lu succeeded "
		   "(inside the grant), %lu refused; files unchanged", what,
		   t->calls, r->flips, t->ok, t->refused);
}

/* Store s in d through a volatile pointer, so that the compiler keeps
 * every copy (no other code of ours reads d: the broker does). */
static void put(char *d, const char *s)
{
	volatile char *v = d;

	do
		*v++ = *s;
	while (*s++);
}

static bool flip_path(struct race *r)
{
	put(r->buf, r->a);
	put(r->buf, r->b);
	return true;
}

/* A file of our own in the granted directory. */
static int make_file(int g, const char *name)
{
	int fd = openat(g, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return say(SETUP, "openat(granted, %s, O_CREAT): %s", name,
			   ename(errno));
	close(fd);
	return 0;
}

/* ---- path-race ---------------------------------------------------------- */

/* The broker reads a path once and acts on what it resolved itself:
 * a name that changes under it may be refused or may act on the file
 * inside, never on the canary.  Beneath the granted directory's
 * descriptor: supervised in both modes. */
static long relative_call(struct race *r, unsigned i, const char **what,
			  int *dirfd)
{
	*dirfd = r->g;
	switch (i % 3) {
	case 0:
		*what = "fchmodat(granted, flipping, 0640)";
		return syscall(SYS_fchmodat, r->g, r->buf, 0640);
	case 1:
		*what = "utimensat(granted, flipping, epoch)";
		return syscall(SYS_utimensat, r->g, r->buf, epoch, 0);
	default:
		*what = "fchownat(granted, flipping, -1, -1)";
		return syscall(SYS_fchownat, r->g, r->buf, -1, -1, 0);
	}
}

/* Absolute names, on AT_FDCWD and by path alone (native mode: seccomp's
 * EPERM), and given to *at calls with the granted directory as dirfd,
 * which the kernel ignores for them: the broker resolves them itself,
 * in native mode too. */
static long absolute_call(struct race *r, unsigned i, const char **what,
			  int *dirfd)
{
	*dirfd = AT_FDCWD;
	switch (i % 6) {
	case 0:
		*what = "fchmodat(AT_FDCWD, flipping, 0640)";
		return syscall(SYS_fchmodat, AT_FDCWD, r->buf, 0640);
	case 1:
		*what = "utimensat(AT_FDCWD, flipping, epoch)";
		return syscall(SYS_utimensat, AT_FDCWD, r->buf, epoch, 0);
	case 2:
		*what = "setxattr(flipping, user.ocap)";
		return syscall(SYS_setxattr, r->buf, "user.ocap", "x", 1, 0);
	case 3:
#ifdef SYS_chmod
		*what = "chmod(flipping, 0640)";
		return syscall(SYS_chmod, r->buf, 0640);
#else
		*what = "fchownat(AT_FDCWD, flipping, -1, -1)";
		return syscall(SYS_fchownat, AT_FDCWD, r->buf, -1, -1, 0);
#endif
	case 4:
		*dirfd = r->g;
		*what = "fchmodat(granted, flipping, 0640)";
		return syscall(SYS_fchmodat, r->g, r->buf, 0640);
	default:
		*dirfd = r->g;
		*what = "utimensat(granted, flipping, epoch)";
		return syscall(SYS_utimensat, r->g, r->buf, epoch, 0);
	}
}

int t_super_path_race(const struct ctx *c)
{
	static struct race r1, r2;
	struct tally t1 = { 0 }, t2 = { 0 };
	char inside[600];
	struct watch w;
	int g = granted_dir(c);

	if (g < 0 || make_file(g, "in") || watch_canary(c, g, &w))
		return SETUP;
	snprintf(inside, sizeof inside, "%s/in", c->granted);
	r1 = (struct race){ .flip = flip_path, .g = g, .a = "in", .b = c->rel };
	if (hammer(c, &r1, relative_call, RACE_MS / 2, &t1, &w, 1))
		return SETUP;
	r2 = (struct race){ .flip = flip_path, .g = g, .a = inside,
			    .b = c->canary };
	if (hammer(c, &r2, absolute_call, RACE_MS / 2, &t2, &w, 1))
		return SETUP;
	if (t1.code != BLOCKED || t1.unsupervised_ok || watch_diff(&w))
		return race_end("granted/in <-> ../canary", &r1, &t1, &w, 1);
	return race_end("GRANTED/in <-> /canary (after the relative "
			"race)", &r2, &t2, &w, 1);
}

/* ---- symlink-swap ------------------------------------------------------- */

/* granted/x becomes a symbolic link to the canary (absolute and
 * relative, in turn) and a regular file again, each renamed over it. */
static bool flip_symlink(struct race *r)
{
	int fd;

	if (symlinkat(r->flips & 1 ? r->ta : r->tb, r->g, "x.l") < 0 ||
	    renameat(r->g, "x.l", r->g, "x") < 0)
		return false;
	fd = openat(r->g, "x.f", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return false;
	close(fd);
	return renameat(r->g, "x.f", r->g, "x") == 0;
}

/* Following the link, and not (the link itself: no harm), by name and
 * through glibc's way of reaching a link, O_PATH | O_NOFOLLOW and
 * /proc/self/fd (on AT_FDCWD: native mode's seccomp refuses it). */
static long swap_call(struct race *r, unsigned i, const char **what,
		      int *dirfd)
{
	char proc[40];
	long v;
	int fd, e;

	*dirfd = r->g;
	switch (i % 6) {
	case 0:
		*what = "fchmodat(granted, x, 0640)";
		return syscall(SYS_fchmodat, r->g, "x", 0640);
	case 1:
		*what = "utimensat(granted, x, epoch)";
		return syscall(SYS_utimensat, r->g, "x", epoch, 0);
	case 2:
		*what = "utimensat(granted, x, epoch, AT_SYMLINK_NOFOLLOW)";
		return syscall(SYS_utimensat, r->g, "x", epoch,
			       AT_SYMLINK_NOFOLLOW);
	case 3:
		*what = "fchownat(granted, x, -1, -1, AT_SYMLINK_NOFOLLOW)";
		return syscall(SYS_fchownat, r->g, "x", -1, -1,
			       AT_SYMLINK_NOFOLLOW);
	case 4:
		*what = "fchownat(granted, x, -1, -1)";
		return syscall(SYS_fchownat, r->g, "x", -1, -1, 0);
	default:
		*what = "fchmodat(/proc/self/fd/N of O_PATH|O_NOFOLLOW x)";
		*dirfd = AT_FDCWD;
		fd = openat(r->g, "x", O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -1;
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		v = syscall(SYS_fchmodat, AT_FDCWD, proc, 0640);
		e = errno;
		close(fd);
		errno = e;
		return v;
	}
}

int t_super_symlink_swap(const struct ctx *c)
{
	static struct race r;
	struct tally t = { 0 };
	struct watch w;
	int g = granted_dir(c);

	if (g < 0 || make_file(g, "x") || watch_canary(c, g, &w))
		return SETUP;
	r = (struct race){ .flip = flip_symlink, .g = g, .ta = c->canary,
			   .tb = c->rel };
	if (hammer(c, &r, swap_call, RACE_MS, &t, &w, 1))
		return SETUP;
	return race_end("granted/x: file <-> symlink to the canary", &r,
			&t, &w, 1);
}

/* ---- dir-swap ----------------------------------------------------------- */

/* granted/d, a directory holding a file of the canary's name, trades
 * places with a symbolic link to the canary's directory. */
static bool flip_dir(struct race *r)
{
	return syscall(SYS_renameat2, r->g, "d", r->g, "d.l",
		       RENAME_EXCHANGE) == 0;
}

/* Relative to the granted directory, and absolute: on AT_FDCWD, by path
 * alone (native mode: seccomp's EPERM) and with the granted directory as
 * an unused dirfd (the broker resolves the name in both modes). */
static long dir_call(struct race *r, unsigned i, const char **what,
		     int *dirfd)
{
	*dirfd = r->g;
	switch (i % 5) {
	case 0:
		*what = "fchmodat(granted, d/canary, 0640)";
		return syscall(SYS_fchmodat, r->g, r->a, 0640);
	case 1:
		*what = "utimensat(granted, d/canary, epoch)";
		return syscall(SYS_utimensat, r->g, r->a, epoch, 0);
	case 2:
		*what = "fchmodat(granted, GRANTED/d/canary, 0640)";
		return syscall(SYS_fchmodat, r->g, r->b, 0640);
	case 3:
		*dirfd = AT_FDCWD;
		*what = "fchmodat(AT_FDCWD, GRANTED/d/canary, 0640)";
		return syscall(SYS_fchmodat, AT_FDCWD, r->b, 0640);
	default:
		*dirfd = AT_FDCWD;
		*what = "setxattr(GRANTED/d/canary, user.ocap)";
		return syscall(SYS_setxattr, r->b, "user.ocap", "x", 1, 0);
	}
}

int t_super_dir_swap(const struct ctx *c)
{
	static struct race r;
	const char *name = strrchr(c->canary, '/') + 1;
	char rel[300], abs[900];
	struct tally t = { 0 };
	struct watch w;
	int g = granted_dir(c);

	if (g < 0 || watch_canary(c, g, &w))
		return SETUP;
	snprintf(rel, sizeof rel, "d/%s", name);
	snprintf(abs, sizeof abs, "%s/d/%s", c->granted, name);
	if (mkdirat(g, "d", 0755) < 0 || symlinkat(c->cdir, g, "d.l") < 0)
		return say(SETUP, "granted/d, granted/d.l -> cdir: %s",
			   ename(errno));
	if (make_file(g, rel))
		return SETUP;
	r = (struct race){ .flip = flip_dir, .g = g, .a = rel, .b = abs };
	if (hammer(c, &r, dir_call, RACE_MS, &t, &w, 1))
		return SETUP;
	return race_end("granted/d: directory <-> symlink to cdir", &r,
			&t, &w, 1);
}

/* ---- fd-swap-race ------------------------------------------------------- */

/* Descriptor n is, in turn, the canary (O_PATH) and a file of the grant
 * open for writing: the broker must judge and act on one and the same
 * file, not look up the descriptor twice.  The calls on n are supervised
 * in both modes; /proc/self/fd/N on AT_FDCWD in compat only (native
 * mode's seccomp refuses it). */
static bool flip_fd(struct race *r)
{
	return dup2(r->fa, r->n) >= 0 && dup2(r->fb, r->n) >= 0;
}

static long fd_call(struct race *r, unsigned i, const char **what,
		    int *dirfd)
{
	char proc[40];

	*dirfd = r->n;
	switch (i % 5) {
	case 0:
		*what = "fchmod(N, 0640)";
		return syscall(SYS_fchmod, r->n, 0640);
	case 1:
		*what = "futimens(N, epoch)";
		return syscall(SYS_utimensat, r->n, NULL, epoch, 0);
	case 2:
		*what = "fchown(N, -1, -1)";
		return syscall(SYS_fchown, r->n, -1, -1);
	case 3:
		*what = "fsetxattr(N, user.ocap)";
		return syscall(SYS_fsetxattr, r->n, "user.ocap", "x", 1, 0);
	default:
		*what = "fchmodat(AT_FDCWD, /proc/self/fd/N, 0640)";
		*dirfd = AT_FDCWD;
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", r->n);
		return syscall(SYS_fchmodat, AT_FDCWD, proc, 0640);
	}
}

int t_super_fd_swap(const struct ctx *c)
{
	static struct race r;
	struct tally t = { 0 };
	struct watch w;
	int g = granted_dir(c), wfd, n;

	if (g < 0 || watch_canary(c, g, &w))
		return SETUP;
	wfd = openat(g, "w", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	n = dup(w.fd);
	if (wfd < 0 || n < 0)
		return say(SETUP, "openat(granted, w, O_WRONLY), dup: %s",
			   ename(errno));
	r = (struct race){ .flip = flip_fd, .g = g, .n = n, .fa = w.fd,
			   .fb = wfd };
	if (hammer(c, &r, fd_call, RACE_MS, &t, &w, 1))
		return SETUP;
	return race_end("fd N: O_PATH canary <-> granted file O_WRONLY",
			&r, &t, &w, 1);
}

/* ---- /proc's names for descriptors -------------------------------------- */

/* The calls by path on each name; the broker reads "/proc/self/fd/N" as
 * the program's descriptor N and resolves any other itself, as its own
 * (so "/proc//self" is the broker's, which no grant holds).  On AT_FDCWD
 * and by path alone (native mode: seccomp's EPERM), then with the granted
 * directory as dirfd, which the kernel ignores for an absolute name: the
 * broker judges these in both modes. */
static void procfd_names(const struct ctx *c, struct seq *s, int g, int fd)
{
	char path[5][64], what[384];
	int pid = (int)getpid(), tid = (int)syscall(SYS_gettid);
	int cwd = meta_err(c, AT_FDCWD), at = meta_err(c, g);

	snprintf(path[0], sizeof path[0], "/proc/self/fd/%d", fd);
	snprintf(path[1], sizeof path[1], "/proc/thread-self/fd/%d", fd);
	snprintf(path[2], sizeof path[2], "/proc/%d/fd/%d", pid, fd);
	snprintf(path[3], sizeof path[3], "/proc/%d/task/%d/fd/%d", pid,
		 tid, fd);
	snprintf(path[4], sizeof path[4], "/proc//self/./fd/%d", fd);
	for (int i = 0; i < 5; i++) {
		snprintf(what, sizeof what, "chmod(%s, 0777)", path[i]);
		TRY(s, what, syscall(SYS_fchmodat, AT_FDCWD, path[i], 0777),
		    cwd);
		snprintf(what, sizeof what, "utimensat(%s, epoch)", path[i]);
		TRY(s, what, syscall(SYS_utimensat, AT_FDCWD, path[i], epoch,
				     0), cwd);
		snprintf(what, sizeof what, "chown(%s, -1, -1)", path[i]);
		TRY(s, what, syscall(SYS_fchownat, AT_FDCWD, path[i], -1, -1,
				     0), cwd);
		snprintf(what, sizeof what, "setxattr(%s, user.ocap)",
			 path[i]);
		TRY(s, what, syscall(SYS_setxattr, path[i], "user.ocap", "x",
				     1, 0), cwd);
		snprintf(what, sizeof what, "fchmodat(granted, %s, 0777)",
			 path[i]);
		TRY(s, what, syscall(SYS_fchmodat, g, path[i], 0777), at);
		snprintf(what, sizeof what, "utimensat(granted, %s, epoch)",
			 path[i]);
		TRY(s, what, syscall(SYS_utimensat, g, path[i], epoch, 0), at);
		snprintf(what, sizeof what, "fchownat(granted, %s, -1, -1)",
			 path[i]);
		TRY(s, what, syscall(SYS_fchownat, g, path[i], -1, -1, 0), at);
	}
}

/* The descriptor itself, with an empty path: supervised in both modes. */
static void procfd_empty(const struct ctx *c, struct seq *s, int fd)
{
	TRY(s, "utimensat(fd, \"\", epoch, AT_EMPTY_PATH)",
	    syscall(SYS_utimensat, fd, "", epoch, AT_EMPTY_PATH),
	    meta_err(c, fd));
	TRY(s, "fchownat(fd, \"\", -1, -1, AT_EMPTY_PATH)",
	    syscall(SYS_fchownat, fd, "", -1, -1, AT_EMPTY_PATH),
	    meta_err(c, fd));
}

/* The directory /proc/self/fd, held O_PATH, and N beneath it (compat
 * only: native mode opens nothing on AT_FDCWD). */
static void procfd_dir(const struct ctx *c, struct seq *s, int fd)
{
	char name[16];
	int d = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (d < 0)
		return;
	snprintf(name, sizeof name, "%d", fd);
	TRY(s, "fchmodat(O_PATH /proc/self/fd, N, 0777)",
	    syscall(SYS_fchmodat, d, name, 0777), meta_err(c, d));
	close(d);
}

/* What a chmod through one of /proc's magic links gets: the broker
 * follows none (RESOLVE_NO_MAGICLINKS: ELOOP), which would be its own;
 * native mode's seccomp refuses it first on AT_FDCWD (EPERM). */
static int magic_err(const struct ctx *c, int dirfd)
{
	return by_seccomp(c, dirfd) ? EPERM : ELOOP;
}

/* The canary by name from the working directory (its directory), and
 * through /proc's links for it and for the root, on AT_FDCWD and with
 * the granted directory as (unused) dirfd. */
static void procfd_cwd(const struct ctx *c, struct seq *s, int g)
{
	const char *name = strrchr(c->canary, '/') + 1;
	char path[2][600], what[sizeof path + 32];

	snprintf(path[0], sizeof path[0], "/proc/self/cwd/%s", name);
	snprintf(path[1], sizeof path[1], "/proc/thread-self/root%s",
		 c->canary);
	TRY(s, "chmod(canary name, 0777) from the inherited cwd",
	    syscall(SYS_fchmodat, AT_FDCWD, name, 0777),
	    meta_err(c, AT_FDCWD));
	for (int i = 0; i < 2; i++) {
		snprintf(what, sizeof what, "chmod(%s, 0777)", path[i]);
		TRY(s, what, syscall(SYS_fchmodat, AT_FDCWD, path[i], 0777),
		    magic_err(c, AT_FDCWD));
		snprintf(what, sizeof what, "fchmodat(granted, %s, 0777)",
			 path[i]);
		TRY(s, what, syscall(SYS_fchmodat, g, path[i], 0777),
		    magic_err(c, g));
	}
}

int t_super_procfd(const struct ctx *c)
{
	struct seq s = { BLOCKED, 0, "" };
	struct watch w[2];
	int g = granted_dir(c), ro;

	if (g < 0 || watch_canary(c, g, &w[0]) || (ro = ro_file(c)) < 0 ||
	    watch_fd(&w[1], "rodir/rofile", ro))
		return SETUP;
	for (int i = 0; i < 2; i++) {
		procfd_names(c, &s, g, w[i].fd);
		procfd_empty(c, &s, w[i].fd);
		procfd_dir(c, &s, w[i].fd);
	}
	procfd_cwd(c, &s, g);
	/* An O_PATH descriptor takes no fchmod in the kernel (EBADF): the
	 * broker must not be laxer (it finds no write grant: EACCES). */
	TRY(&s, "fchmod(O_PATH canary, 0777)",
	    syscall(SYS_fchmod, w[0].fd, 0777), meta_err(c, w[0].fd), EBADF);
	return seq_end(&s, w, 2);
}

/* ---- set-ID bits, privileged attributes, devices ------------------------ */

static bool setid(int g, const char *name)
{
	struct stat st;

	return fstatat(g, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       (st.st_mode & (S_ISUID | S_ISGID));
}

/* A file and a directory of the grant may change mode, but gain no
 * set-ID bit: the broker refuses (EPERM), in native mode too for the
 * calls on a descriptor or a real dirfd; native mode's seccomp refuses
 * the rest (EPERM as well). */
int t_super_setid(const struct ctx *c)
{
	struct seq s = { BLOCKED, 0, "" };
	char path[600], proc[40];
	int g = granted_dir(c), fd;

	if (g < 0 || make_file(g, "sx"))
		return SETUP;
	fd = openat(g, "sx", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || mkdirat(g, "sd", 0755) < 0)
		return say(SETUP, "granted/sx O_WRONLY, mkdirat(granted/sd): "
			   "%s", ename(errno));
	snprintf(path, sizeof path, "%s/sx", c->granted);
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	TRY(&s, "fchmodat(granted, sx, 04755)",
	    syscall(SYS_fchmodat, g, "sx", 04755), EPERM);
	TRY(&s, "fchmodat(granted, sx, 02755)",
	    syscall(SYS_fchmodat, g, "sx", 02755), EPERM);
	TRY(&s, "chmod(GRANTED/sx, 06755)",
	    syscall(SYS_fchmodat, AT_FDCWD, path, 06755), EPERM);
	TRY(&s, "fchmodat(granted, GRANTED/sx, 06755) (absolute)",
	    syscall(SYS_fchmodat, g, path, 06755), EPERM);
	TRY(&s, "fchmod(sx open for writing, 04755)",
	    syscall(SYS_fchmod, fd, 04755), EPERM);
	TRY(&s, "chmod(/proc/self/fd/N of sx, 02755)",
	    syscall(SYS_fchmodat, AT_FDCWD, proc, 02755), EPERM);
	TRY(&s, "fchmodat(granted, sd, 02755) (a directory)",
	    syscall(SYS_fchmodat, g, "sd", 02755), EPERM);
	if (setid(g, "sx") || setid(g, "sd"))
		return say(ESCAPED, "a set-ID bit was set in the grant (last "
			   "call: %s)", s.line);
	return seq_end(&s, NULL, 0);
}

/* A file capability granting everything, effective (vfs_cap_data,
 * revision 2). */
static const unsigned int cap_blob[5] = { 0x02000001u, ~0u, ~0u, ~0u, ~0u };

static bool has_xattr(int fd, const char *name)
{
	char v[64];

	return syscall(SYS_fgetxattr, fd, name, v, sizeof v) >= 0;
}

/* The attribute's name flips between user.ocap and security.capability
 * while setxattr and fsetxattr run: the broker reads it once.  setxattr
 * by path is supervised in compat only (native mode's seccomp refuses
 * it), fsetxattr on xf's descriptor (r->n) in both modes. */
static long xname_call(struct race *r, unsigned i, const char **what,
		       int *dirfd)
{
	if (i & 1) {
		*dirfd = r->n;
		*what = "fsetxattr(xf, flipping name, capability)";
		return syscall(SYS_fsetxattr, r->n, r->buf, cap_blob,
			       sizeof cap_blob, 0);
	}
	*dirfd = AT_FDCWD;
	*what = "setxattr(GRANTED/xf, flipping name, capability)";
	return syscall(SYS_setxattr, r->file, r->buf, cap_blob,
		       sizeof cap_blob, 0);
}

static int xattr_race(const struct ctx *c, const char *path, int fd)
{
	static struct race r;
	struct tally t = { 0 };
	static const int super[] = { EPERM, EOPNOTSUPP, ERANGE, 0 };
	long end = now_ms() + RACE_MS / 3;

	r = (struct race){ .flip = flip_path, .a = "user.ocap",
			   .b = "security.capability", .file = path, .n = fd };
	if (race_start(&r))
		return SETUP;
	for (unsigned i = 0; i < RACE_CALLS / 4 && now_ms() < end; i++) {
		const char *what;
		int dirfd;
		long v = xname_call(&r, i, &what, &dirfd);
		int e = errno;

		tally_meta(c, &t, what, v, e, dirfd, super);
	}
	race_stop(&r);
	if (t.unsupervised_ok)
		return say(ESCAPED, "%lu calls succeeded in native mode that "
			   "seccomp refuses (first: %s)", t.unsupervised_ok,
			   t.unsupervised);
	return t.code == BLOCKED ? 0 : say(t.code, "%s", t.odd);
}

/* security.* (file capabilities, LSM labels) and trusted.* are never
 * set nor removed for the program: the broker refuses (EPERM), and
 * native mode's seccomp the calls by path (EPERM as well). */
int t_super_xattr_priv(const struct ctx *c)
{
	struct seq s = { BLOCKED, 0, "" };
	char path[600];
	int g = granted_dir(c), fd, r;

	if (g < 0 || make_file(g, "xf"))
		return SETUP;
	fd = openat(g, "xf", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return say(SETUP, "openat(granted, xf, O_RDWR): %s",
			   ename(errno));
	snprintf(path, sizeof path, "%s/xf", c->granted);
	TRY(&s, "setxattr(GRANTED/xf, security.capability)",
	    syscall(SYS_setxattr, path, "security.capability", cap_blob,
		    sizeof cap_blob, 0), EPERM);
	TRY(&s, "lsetxattr(GRANTED/xf, security.capability)",
	    syscall(SYS_lsetxattr, path, "security.capability", cap_blob,
		    sizeof cap_blob, 0), EPERM);
	TRY(&s, "fsetxattr(xf open for writing, security.capability)",
	    syscall(SYS_fsetxattr, fd, "security.capability", cap_blob,
		    sizeof cap_blob, 0), EPERM);
	TRY(&s, "setxattr(GRANTED/xf, trusted.x)",
	    syscall(SYS_setxattr, path, "trusted.x", "x", 1, 0), EPERM);
	TRY(&s, "fsetxattr(xf, security.ocap)",
	    syscall(SYS_fsetxattr, fd, "security.ocap", "x", 1, 0), EPERM);
	TRY(&s, "removexattr(GRANTED/xf, security.selinux)",
	    syscall(SYS_removexattr, path, "security.selinux"), EPERM);
	TRY(&s, "fremovexattr(xf, trusted.x)",
	    syscall(SYS_fremovexattr, fd, "trusted.x"), EPERM);
	if (s.code == BLOCKED && (r = xattr_race(c, path, fd)))
		return r;
	if (has_xattr(fd, "security.capability") ||
	    has_xattr(fd, "security.ocap"))
		return say(ESCAPED, "xf has a security.* attribute (last "
			   "call: %s)", s.line);
	return seq_end(&s, NULL, 0);
}

/* Devices are never changed: the runtime grants /dev/null and /dev/full
 * writable, and a root program owns them.  The broker refuses (EACCES);
 * native mode's seccomp the calls on AT_FDCWD (EPERM). */
static int null_fd(const struct ctx *c)
{
	struct stat st;
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	/* Native mode opens nothing on AT_FDCWD: stdin is /dev/null. */
	if (fd < 0 && c->native && fstat(0, &st) == 0 &&
	    S_ISCHR(st.st_mode))
		fd = dup(0);
	if (fd < 0)
		say(SETUP, "open(/dev/null, O_WRONLY): %s", ename(errno));
	return fd;
}

int t_super_devnull(const struct ctx *c)
{
	struct seq s = { BLOCKED, 0, "" };
	struct watch w;
	char proc[40];
	int fd = null_fd(c), code;

	if (fd < 0 || watch_fd(&w, "/dev/null", fd))
		return SETUP;
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	TRY(&s, "chmod(/dev/null, 0600)",
	    syscall(SYS_fchmodat, AT_FDCWD, "/dev/null", 0600),
	    meta_err(c, AT_FDCWD));
	TRY(&s, "chmod(/dev/full, 0600)",
	    syscall(SYS_fchmodat, AT_FDCWD, "/dev/full", 0600),
	    meta_err(c, AT_FDCWD));
	TRY(&s, "fchmodat(/dev/null's fd, /dev/full, 0600) (absolute)",
	    syscall(SYS_fchmodat, fd, "/dev/full", 0600), meta_err(c, fd));
	TRY(&s, "fchmod(/dev/null open for writing, 0600)",
	    syscall(SYS_fchmod, fd, 0600), meta_err(c, fd));
	TRY(&s, "chmod(/proc/self/fd/N of /dev/null, 0600)",
	    syscall(SYS_fchmodat, AT_FDCWD, proc, 0600),
	    meta_err(c, AT_FDCWD));
	TRY(&s, "fchown(/dev/null, -1, -1)", syscall(SYS_fchown, fd, -1, -1),
	    meta_err(c, fd));
	TRY(&s, "futimens(/dev/null, epoch)",
	    syscall(SYS_utimensat, fd, NULL, epoch, 0), meta_err(c, fd));
	code = seq_end(&s, &w, 1);
	/* Leave the machine's /dev/null as it was, if it changed. */
	if (code == ESCAPED)
		(void)syscall(SYS_fchmod, fd, 0666);
	return code;
}

/* ---- callers that die or are interrupted -------------------------------- */

/* Supervised calls until killed, in both modes (a real dirfd): inside
 * the grant, and at the canary. */
static void chmod_forever(int g, const char *rel)
{
	for (unsigned i = 0;; i++)
		syscall(SYS_fchmodat, g, i & 1 ? rel : "k",
			i & 2 ? 0600 : 0640);
}

struct final {
	int g;
	mode_t mode;
};

/* In a child, under alarm(3): a broker that no longer answers leaves
 * the call waiting (killably, once received), and SIGALRM ends it. */
static int final_chmod(void *p)
{
	const struct final *f = p;
	struct stat st;

	alarm(3);
	if (syscall(SYS_fchmodat, f->g, "k", f->mode) < 0)
		return errno;
	if (fstatat(f->g, "k", &st, 0) < 0 || (st.st_mode & 07777) != f->mode)
		return 200;
	return 0;
}

static int final_verdict(int st, const struct watch *w)
{
	const char *d = watch_diff(w);

	if (d)
		return say(ESCAPED, "%s", d);
	if (st == -1)
		return say(SETUP, "clone: %s", ename(errno));
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		return say(UNEXPECTED, "after the killed callers, a chmod "
			   "inside the grant had no answer in 3 s: the "
			   "broker is wedged");
	if (!WIFEXITED(st))
		return say(UNEXPECTED, "the last caller died (status %d)", st);
	st = WEXITSTATUS(st);
	if (st == 200)
		return say(UNEXPECTED, "the last chmod succeeded without "
			   "effect");
	if (st)
		return say(UNEXPECTED, "after the killed callers, chmod inside "
			   "the grant failed: %s", ename(st));
	return say(BLOCKED, "callers killed mid-call; the broker still "
		   "answers and acts inside the grant, the canary unchanged");
}

int t_super_killed(const struct ctx *c)
{
	struct final f = { .mode = 0604 };
	struct watch w;
	int g = granted_dir(c), status;

	if (g < 0 || make_file(g, "k") || watch_canary(c, g, &w))
		return SETUP;
	/* a moment of the kill in 0-400 us, spread by a small generator of
	 * its own (the moments need no quality, only variety) */
	uint32_t x = (uint32_t)getpid() ^ (uint32_t)now_ms() ^ 0x9e3779b9u;

	fflush(stdout);
	for (int round = 0; round < 40; round++) {
		struct timespec ts;

		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		ts = (struct timespec){ 0, (long)(x % 400) * 1000L };
		long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);

		if (pid < 0)
			return say(SETUP, "clone: %s", ename(errno));
		if (pid == 0)
			chmod_forever(g, c->rel);
		nanosleep(&ts, NULL);
		kill((pid_t)pid, SIGKILL);
		while (waitpid((pid_t)pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	f.g = g;
	return final_verdict(in_child(final_chmod, &f), &w);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* Whether the launcher can ask that a received call be waited for
 * killably (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, Linux 5.19): only
 * then does EINTR promise that the broker did nothing. */
static bool killable_recv(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	return major > 5 || (major == 5 && minor >= 19);
}

struct sigrun {
	int g;
	unsigned calls, eintr, canary, retries_out;
	mode_t last;  /* the mode asked last, */
	bool last_ok; /* and whether that chmod succeeded */
	char bad[200];
};

static mode_t mode_of(int g, const char *name)
{
	struct stat st;

	return fstatat(g, name, &st, 0) == 0 ? st.st_mode & 07777 : 0;
}

/* chmod(granted/s, want), again while EINTR: a success must have acted,
 * an EINTR (when killable_recv) must not have.  Whether it succeeded. */
static bool chmod_checked(struct sigrun *s, mode_t want, bool strict)
{
	for (int tries = 0; tries < 200 && !*s->bad; tries++) {
		mode_t before = mode_of(s->g, "s");
		long r = syscall(SYS_fchmodat, s->g, "s", want);
		int e = errno;
		mode_t after = mode_of(s->g, "s");

		s->calls++;
		if (r == 0) {
			if (after == want)
				return true;
			snprintf(s->bad, sizeof s->bad, "chmod(s, %04o) "
				 "succeeded, mode %04o", (unsigned)want,
				 (unsigned)after);
		} else if (e != EINTR) {
			snprintf(s->bad, sizeof s->bad, "chmod(s, %04o): %s",
				 (unsigned)want, ename(e));
		} else {
			s->eintr++;
			if (strict && after != before)
				snprintf(s->bad, sizeof s->bad, "chmod(s, "
					 "%04o) failed with EINTR, yet acted",
					 (unsigned)want);
		}
	}
	s->retries_out++;
	return false;
}

/* Supervised in both modes (a real dirfd): chmods inside the grant, each
 * followed by one at the canary, which the broker refuses. */
static void sig_run(const struct ctx *c, struct sigrun *s)
{
	static const mode_t modes[] = { 0600, 0640, 0604, 0644 };
	bool strict = killable_recv();
	long end = now_ms() + RACE_MS;
	int err = meta_err(c, s->g);

	for (unsigned i = 0; i < RACE_CALLS / 4 && now_ms() < end && !*s->bad;
	     i++) {
		long r;

		s->last = modes[i % 4];
		s->last_ok = chmod_checked(s, s->last, strict);
		r = syscall(SYS_fchmodat, s->g, c->rel, 0600);
		s->canary++;
		if (r == 0 || (errno != err && errno != EINTR))
			snprintf(s->bad, sizeof s->bad, "fchmodat(granted, "
				 "../canary): %s", r ? ename(errno) : "ok");
	}
}

/* SIGALRM every 100 us, its handler installed without SA_RESTART, while
 * supervised calls run, in both modes. */
int t_super_signal(const struct ctx *c)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { { 0, 100 }, { 0, 100 } }, off = { 0 };
	struct sigrun s = { 0 };
	struct watch w;
	const char *d;

	s.g = granted_dir(c);
	if (s.g < 0 || make_file(s.g, "s") || watch_canary(c, s.g, &w))
		return SETUP;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0 ||
	    setitimer(ITIMER_REAL, &it, NULL) < 0)
		return say(SETUP, "sigaction, setitimer: %s", ename(errno));
	sig_run(c, &s);
	setitimer(ITIMER_REAL, &off, NULL);
	if ((d = watch_diff(&w)))
		return say(ESCAPED, "%s (%u calls, %d signals)", d, s.calls,
			   (int)alarms);
	if (*s.bad)
		return say(UNEXPECTED, "%s (%u calls, %d signals)", s.bad,
			   s.calls, (int)alarms);
	if (s.last_ok && mode_of(s.g, "s") != s.last)
		return say(UNEXPECTED, "granted/s ends with mode %04o, %04o "
			   "asked last", (unsigned)mode_of(s.g, "s"),
			   (unsigned)s.last);
	return say(BLOCKED, "%u calls under %d signals (%u EINTR, %u given "
		   "up): each success acted, the canary unchanged", s.calls,
		   (int)alarms, s.eintr, s.retries_out);
}

/* ---- descriptors of files granted read-only, or outside ----------------- */

/* What ro-fchmod, ro-fsetxattr and ro-futimens leave out: the owner's
 * other calls on a descriptor opened for reading, supervised in both
 * modes: no write grant holds it (EACCES). */
int t_super_ro_fd(const struct ctx *c)
{
	struct seq s = { BLOCKED, 0, "" };
	struct watch w;
	int fd = ro_file(c);

	if (fd < 0 || watch_fd(&w, "rodir/rofile", fd))
		return SETUP;
	TRY(&s, "fchown(read-only rofile, -1, -1)",
	    syscall(SYS_fchown, fd, -1, -1), meta_err(c, fd));
	TRY(&s, "fchownat(read-only rofile, \"\", -1, -1, AT_EMPTY_PATH)",
	    syscall(SYS_fchownat, fd, "", -1, -1, AT_EMPTY_PATH),
	    meta_err(c, fd));
	TRY(&s, "utimensat(read-only rofile, \"\", epoch, AT_EMPTY_PATH)",
	    syscall(SYS_utimensat, fd, "", epoch, AT_EMPTY_PATH),
	    meta_err(c, fd));
#ifdef SYS_futimesat
	TRY(&s, "futimesat(read-only rofile, NULL, epoch)",
	    syscall(SYS_futimesat, fd, NULL,
		    (const struct timeval[2]){ { 0, 0 }, { 0, 0 } }),
	    meta_err(c, fd));
#endif
	TRY(&s, "fremovexattr(read-only rofile, user.ocap)",
	    syscall(SYS_fremovexattr, fd, "user.ocap"), meta_err(c, fd));
	TRY(&s, "fsetxattr(read-only rofile, system.posix_acl_access)",
	    syscall(SYS_fsetxattr, fd, "system.posix_acl_access", "", 0, 0),
	    meta_err(c, fd));
	return seq_end(&s, &w, 1);
}

/* futimens(fd, NULL), "now": the kernel lets the owner do it on any
 * descriptor, read-only ones too.  Supervised in both modes, and judged
 * like any other time: no write grant holds fd (EACCES). */
static int touch_now(const struct ctx *c, int fd, const char *name)
{
	struct seq s = { BLOCKED, 0, "" };
	char what[96];
	struct watch w;

	if (watch_fd(&w, name, fd))
		return SETUP;
	/* A moment, so that "now" differs from the file's times. */
	nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
	snprintf(what, sizeof what, "futimens(%s, NULL)", name);
	TRY(&s, what, syscall(SYS_utimensat, fd, NULL, NULL, 0),
	    meta_err(c, fd));
	return seq_end(&s, &w, 1);
}

int t_super_ro_touch(const struct ctx *c)
{
	int fd = ro_file(c);

	return fd < 0 ? SETUP : touch_now(c, fd, "read-only rofile");
}

/* The driver hands the canary in on stdin, read-only. */
int t_super_stdin_touch(const struct ctx *c)
{
	struct stat st;

	if (fstat(0, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (fcntl(0, F_GETFL) & O_ACCMODE) != O_RDONLY)
		return say(SETUP, "stdin is not a file open read-only");
	return touch_now(c, 0, "the canary on stdin");
}

/* ---- calls the supervisor does not know --------------------------------- */

/* Newer system calls that change the same metadata: outside the
 * allowlist, answered ENOSYS before the kernel in both modes (so that libc
 * falls back to the calls the supervisor sees); were one let through
 * unsupervised, Landlock would not stop it. */
int t_super_new_calls(const struct ctx *c)
{
	struct { unsigned long long value; unsigned int size, flags; } xa = {
		(unsigned long)"x", 1, 0 };
	struct {
		unsigned long long xflags;
		unsigned int extsize, nextents, projid, cowext;
	} fa = { 0, 0, 0, 1, 0 };
	struct seq s = { BLOCKED, 0, "" };
	struct watch w;
	int g = granted_dir(c);

	if (g < 0 || watch_canary(c, g, &w) || make_file(g, "n"))
		return SETUP;
	TRY(&s, "fchmodat2(granted, ../canary, 0600, 0)",
	    syscall(SYS_fchmodat2, g, c->rel, 0600, 0), ENOSYS);
	TRY(&s, "fchmodat2(granted, n, 04755, 0)",
	    syscall(SYS_fchmodat2, g, "n", 04755, 0), ENOSYS);
	TRY(&s, "setxattrat(granted, ../canary, user.ocap)",
	    syscall(SYS_setxattrat, g, c->rel, 0, "user.ocap", &xa, sizeof xa),
	    ENOSYS);
	TRY(&s, "setxattrat(granted, n, security.capability)",
	    syscall(SYS_setxattrat, g, "n", 0, "security.capability", &xa,
		    sizeof xa), ENOSYS);
	TRY(&s, "removexattrat(granted, ../canary, user.ocap)",
	    syscall(SYS_removexattrat, g, c->rel, 0, "user.ocap"), ENOSYS);
	TRY(&s, "file_setattr(granted, ../canary, project 1)",
	    syscall(SYS_file_setattr, g, c->rel, &fa, sizeof fa, 0), ENOSYS);
	return seq_end(&s, &w, 1);
}
