/* SPDX-License-Identifier: MIT */
/*
 * The broker with no program of its own: what the helper of an entered
 * process runs (linux/casper.c).  It serves the root descriptor and the
 * sessions opened through it with the broker's channels and network
 * services, and supervises nothing, forwards no signal and reaps nobody.
 * It confines itself as ocapsh's broker does and returns once no channel
 * is left (nobody holds the other end of the root descriptor any more),
 * or once endfd, polled with the channels, is readable: the process it
 * serves has gone.  No thread waits for that: one started before the
 * broker confines itself would keep every power the broker gives up
 * (Landlock, seccomp and capabilities are a thread's own).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "backend.h"
#include "broker.h"
#include "casper.h"

static int start(struct broker *b, int rootfd, int endfd)
{
	int r;

	if ((r = ocap__broker_items_new(b)) < 0 ||
	    (r = ocap__broker_loop_new(b)) < 0)
		return r;
	if (ocap__broker_chan_add(b, rootfd, true) < 0)
		return -EMFILE;
	if (endfd >= 0) {
		if ((r = ocap__broker_slot_new(b, SLOT_END, endfd)) < 0)
			return r;
		ocap__broker_slot_want(b, r, POLLIN);
	}
	if ((r = ocap__be_confine_broker_fs(b->c)) < 0)
		return r;
	return ocap__be_confine_broker(b->c);
}

int ocap__broker_serve(ocap_plan *p, int rootfd, int readyfd, int endfd)
{
	/* The namespace's grants, as the user's: no runtime is added. */
	struct ocap_compiled c = { .plan = p, .mode = OCAP_MODE_NATIVE,
				   .paths = p->paths, .npaths = p->npaths };
	struct broker *b = calloc(1, sizeof *b);
	int r = b ? 0 : -ENOMEM;

	if (b) {
		b->plan = p;
		b->c = &c;
		b->child = -1;
		b->next_id = 1;
		b->logfd = -1;
		for (int i = 0; i < BROKER_NSLOTS; i++)
			b->slots[i].fd = -1;
		r = start(b, rootfd, endfd);
		b->confined = r == 0; /* start() confined it */
	}
	(void)ocap__write_int(readyfd, r);
	close(readyfd);
	while (r == 0 && b->nchans > 0 && !b->ended)
		r = ocap__broker_loop_wait(b, -1);
	return r;
}
