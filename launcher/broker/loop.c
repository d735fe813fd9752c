/* SPDX-License-Identifier: MIT */
/*
 * The broker's event loop: poll(2) over the slots that want events, each
 * reported to ocap__broker_event() as (slot, events).  A handler may free
 * a slot, or change what it wants, while the reports of the same poll are
 * being made: a report for a slot whose gen has moved on since is
 * dropped.  poll(2) is POSIX, so the loop is the same on every kernel;
 * one loop serves the broker's 256 channels (bench/README.md, "The
 * broker's event loop").
 */
#include <errno.h>
#include <stdlib.h>

#include "broker.h"

struct broker_loop {
	struct pollfd pfd[BROKER_NSLOTS];
	int pslot[BROKER_NSLOTS];
	uint32_t pgen[BROKER_NSLOTS];
};

int ocap__broker_loop_new(struct broker *b)
{
	if (!(b->loop = calloc(1, sizeof *b->loop)))
		return -ENOMEM;
	return 0;
}

void ocap__broker_loop_free(struct broker *b)
{
	free(b->loop);
	b->loop = NULL;
}

void ocap__broker_loop_disarm(struct broker *b, int i)
{
	b->slots[i].gen++;
}

int ocap__broker_loop_wait(struct broker *b, int timeout_ms)
{
	struct broker_loop *l = b->loop;
	nfds_t n = 0;

	for (int i = 0; i < BROKER_NSLOTS; i++) {
		const struct slot *s = &b->slots[i];

		if (s->type == SLOT_FREE || !s->want)
			continue;
		l->pfd[n] = (struct pollfd){ .fd = s->fd, .events = s->want };
		l->pslot[n] = i;
		l->pgen[n++] = s->gen;
	}
	if (poll(l->pfd, n, timeout_ms) < 0)
		return errno == EINTR ? 0 : -errno;
	for (nfds_t k = 0; k < n; k++) {
		const struct slot *s = &b->slots[l->pslot[k]];

		if (!l->pfd[k].revents || s->type == SLOT_FREE ||
		    s->gen != l->pgen[k])
			continue;
		ocap__broker_event(b, l->pslot[k], l->pfd[k].revents);
	}
	return 0;
}
