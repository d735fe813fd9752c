/* SPDX-License-Identifier: MIT */
/*
 * OPEN: a new open file description for a file granted on its own.  The
 * program holds the file O_PATH and would reopen it through /proc, which
 * a native program's seccomp filter refuses; the broker does it instead,
 * with the rights checked as libocap checks them.
 *
 * The broker opens for the program but must never wait for it: the open
 * is non-blocking, so a FIFO does not wait for its other end and a file
 * under a lease is not waited for (EWOULDBLOCK, as open(2) with
 * O_NONBLOCK answers); the program's blocking mode is then set on the new
 * description, which nobody else holds yet.  A granted FIFO thus opens
 * read-only at once (reads see end-of-file until a writer comes) and
 * write-only fails with ENXIO while no reader has it open.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "broker.h"
#include "open_rights.h" /* private/: the same check libocap makes */

#ifndef __O_TMPFILE
#define __O_TMPFILE 020000000
#endif

/* What open(2) takes from the program; openat2(2), which libocap uses
 * beneath a directory, refuses any other bit with EINVAL. */
#define OPEN_FLAGS                                                           \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |      \
	 O_NONBLOCK | O_DSYNC | O_SYNC | O_ASYNC | O_DIRECT | O_LARGEFILE |  \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH |         \
	 __O_TMPFILE)

/* The file capability granted at exactly name. */
static const struct item *find_file(const struct broker *b, const char *name)
{
	for (size_t k = 0; k < b->nitems; k++) {
		const struct item *it = &b->items[k];
		if (it->kind == OCAP_KIND_FILE && it->fd >= 0 &&
		    !strcmp(it->name, name))
			return it;
	}
	return NULL;
}

static int deny(struct broker *b, const char *name, int err)
{
	ocap__broker_log(b, "ocapsh: denied open of %s\n", name);
	return err;
}

/* Flags the program's own open would be refused: unknown bits, EINVAL
 * (access mode 3 is ocap_open_rights()'s).  O_NOATIME needs the file's
 * owner (EPERM). */
static int bad_flags(const struct item *it, int flags)
{
	struct stat st;

	if (flags & ~OPEN_FLAGS)
		return -EINVAL;
	if ((flags & O_NOATIME) &&
	    (fstat(it->fd, &st) < 0 || st.st_uid != geteuid()))
		return -EPERM;
	return 0;
}

/* The program's blocking mode, on a description only the broker holds. */
static int set_blocking(int fd, int flags)
{
	int fl = fcntl(fd, F_GETFL);

	if (flags & (O_NONBLOCK | O_PATH))
		return fd;
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/*
 * The opener: one thread of the broker's, made on the first OPEN, that
 * sets its effective capabilities aside and confines itself with the
 * plan's own Landlock path rules, the program's, before it opens anything
 * (Landlock and capabilities are per thread; the loop's thread keeps its
 * own).  A reopen is thus checked as the program's own open would be: a
 * file granted write without truncate comes back without the right to
 * truncate it, and a root broker's CAP_DAC_OVERRIDE opens nothing the
 * program's open would be refused.  The loop waits for each open, which
 * is non-blocking.
 */
struct opener {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool ready, busy, done, stop;
	int err;          /* the confinement's, for every request */
	const char *path;
	int flags;
	int fd;           /* or -errno */
	const struct ocap_compiled *c;
	pthread_t thread;
};

static void *opener_main(void *arg)
{
	struct opener *o = arg;
	int err = ocap__be_confine_opener(o->c);

	pthread_mutex_lock(&o->lock);
	o->err = err;
	o->ready = true;
	pthread_cond_broadcast(&o->cond);
	for (;;) {
		while (!o->busy && !o->stop)
			pthread_cond_wait(&o->cond, &o->lock);
		if (o->stop)
			break;
		pthread_mutex_unlock(&o->lock);
		int fd = -EACCES;
		if (!err) {
			do
				fd = open(o->path, o->flags);
			while (fd < 0 && errno == EINTR);
			if (fd < 0)
				fd = -errno;
		}
		pthread_mutex_lock(&o->lock);
		o->fd = err ? err : fd;
		o->busy = false;
		o->done = true;
		pthread_cond_broadcast(&o->cond);
	}
	pthread_mutex_unlock(&o->lock);
	return NULL;
}

static int opener_start(struct broker *b)
{
	struct opener *o = calloc(1, sizeof *o);
	sigset_t all, old;
	pthread_t th;
	int e;

	if (!o)
		return -ENOMEM;
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->cond, NULL);
	o->c = b->c;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&th, NULL, opener_main, o);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e) {
		free(o);
		return -e;
	}
	o->thread = th;
	b->opener = o;
	return 0;
}

/* open(2) by the opener: as the program's own open would be judged. */
static int open_confined(struct broker *b, const char *path, int flags)
{
	struct opener *o;
	int r;

	if (!b->opener && (r = opener_start(b)) < 0)
		return r;
	if (!(o = b->opener))
		return -ENOMEM;
	pthread_mutex_lock(&o->lock);
	o->path = path;
	o->flags = flags;
	o->done = false;
	o->busy = true;
	pthread_cond_broadcast(&o->cond);
	while (!o->done)
		pthread_cond_wait(&o->cond, &o->lock);
	r = o->fd;
	pthread_mutex_unlock(&o->lock);
	return r;
}

void ocap__broker_opener_stop(struct broker *b)
{
	struct opener *o = b->opener;

	if (!o)
		return;
	pthread_mutex_lock(&o->lock);
	o->stop = true;
	pthread_cond_broadcast(&o->cond);
	pthread_mutex_unlock(&o->lock);
	pthread_join(o->thread, NULL);
	pthread_mutex_destroy(&o->lock);
	pthread_cond_destroy(&o->cond);
	free(o);
	b->opener = NULL;
}

/* The descriptor to send, or -errno. */
static int open_file(struct broker *b, const char *name, int flags)
{
	const struct item *it = find_file(b, name);
	ocap_rights_t need;
	char proc[32];
	int f = flags, fd;

	if (!it)
		return deny(b, name, -ENOENT);
	if ((fd = bad_flags(it, flags)) < 0)
		return deny(b, name, fd);
	if ((fd = ocap_open_rights(it->rights, &f, &need)) < 0)
		return deny(b, name, fd);
	if (need & ~it->rights)
		return deny(b, name, -EACCES);
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (f & O_DIRECTORY)
		return -ENOTDIR;
	/* O_NOCTTY: a terminal granted alone is no controlling terminal of
	 * the broker's. */
	f &= ~(O_CREAT | O_EXCL | O_NOFOLLOW);
	f |= O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", it->fd);
	fd = open_confined(b, proc, f);
	return fd < 0 ? fd : set_blocking(fd, flags);
}

void ocap__broker_serve_open(struct broker *b, int i, struct ocap_msg *m)
{
	struct out *o = &b->slots[i].out;
	int fd = open_file(b, m->name, (int)m->count);

	if (fd < 0) {
		ocap__broker_chan_reply(b, i, m->seq, fd);
		return;
	}
	ocap__broker_chan_out_clear(o);
	o->kind = OUT_OPENED;
	o->seq = m->seq;
	o->fd = fd;
	ocap__broker_chan_flush(b, i);
}
