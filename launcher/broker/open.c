/* SPDX-License-Identifier: MIT */
/*
 * OPEN: a new open file description for a file granted on its own.  The
 * program holds the file O_PATH and would reopen it through /proc, which
 * a native program's seccomp filter refuses; the broker does it instead,
 * with the rights checked as libocap checks them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "broker.h"
#include "open_rights.h" /* libcap/: the same check libocap makes */

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

static int deny(const struct broker *b, const char *name, int err)
{
	if (b->plan->verbose)
		fprintf(stderr, "ocapsh: denied open of %s\n", name);
	return err;
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
	if (ocap_open_rights(it->rights, &f, &need) < 0 || (need & ~it->rights))
		return deny(b, name, -EACCES);
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (f & O_DIRECTORY)
		return -ENOTDIR;
	f &= ~(O_CREAT | O_EXCL | O_NOFOLLOW);
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", it->fd);
	do
		fd = open(proc, f | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : fd;
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
