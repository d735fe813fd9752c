/* SPDX-License-Identifier: MIT */
/*
 * The broker's event loop: one-shot io_uring poll requests, one per slot
 * that wants events, or poll(2).  poll(2) serves ocap_launch()'s broker,
 * a process of its own for one program's handful of channels, where a
 * ring's setup and teardown cost more than it saves (bench/README.md);
 * and any broker when io_uring cannot be had (the io_uring_disabled
 * sysctl, a seccomp filter around the launcher).  OCAP_BROKER_POLL=1
 * asks for poll(2), OCAP_BROKER_POLL=0 for io_uring.  Both report the
 * same (slot, events) pairs to ocap__broker_event(); a report made for a
 * slot whose poll has since been given up (its gen moved on) is dropped.
 */
#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "broker.h"

#define RING_ENTRIES 256
#define CQE_BATCH    512
#define UD_IGNORE    UINT64_MAX /* poll removals: nothing to report */

struct broker_loop {
	bool uring;
	struct io_uring ring;
	struct pollfd pfd[BROKER_NSLOTS];
	int pslot[BROKER_NSLOTS];
	uint32_t pgen[BROKER_NSLOTS];
};

static uint64_t user_data(int i, uint32_t gen)
{
	return (uint64_t)gen << 32 | (uint32_t)i;
}

static bool use_poll(const struct broker *b)
{
	const char *e = getenv("OCAP_BROKER_POLL");

	if (e && *e)
		return strcmp(e, "0") != 0;
	return b->plan->confine_broker;
}

/* A ring that takes poll requests and nothing else: io_uring's
 * operations do not pass through the broker's seccomp filter. */
static int ring_new(struct io_uring *ring)
{
	struct io_uring_restriction res[2] = {
		{ .opcode = IORING_RESTRICTION_SQE_OP,
		  .sqe_op = IORING_OP_POLL_ADD },
		{ .opcode = IORING_RESTRICTION_SQE_OP,
		  .sqe_op = IORING_OP_POLL_REMOVE },
	};
	int r = io_uring_queue_init(RING_ENTRIES, ring, IORING_SETUP_R_DISABLED);

	if (r < 0)
		return r;
	/* The raw call: Debian's shared liburing 2.3 does not export the
	 * helpers for these two. */
	if (syscall(__NR_io_uring_register, ring->ring_fd,
		    IORING_REGISTER_RESTRICTIONS, res, 2) < 0 ||
	    syscall(__NR_io_uring_register, ring->ring_fd,
		    IORING_REGISTER_ENABLE_RINGS, NULL, 0) < 0) {
		r = -errno;
		io_uring_queue_exit(ring);
	}
	return r;
}

int ocap__broker_loop_new(struct broker *b)
{
	struct broker_loop *l = calloc(1, sizeof *l);

	if (!l)
		return -ENOMEM;
	b->loop = l;
	if (!use_poll(b) && ring_new(&l->ring) == 0)
		l->uring = true;
	return 0;
}

void ocap__broker_loop_free(struct broker *b)
{
	if (!b->loop)
		return;
	if (b->loop->uring)
		io_uring_queue_exit(&b->loop->ring);
	free(b->loop);
	b->loop = NULL;
}

/* A free submission entry, submitting what is queued when the ring is
 * full. */
static struct io_uring_sqe *sqe_get(struct broker_loop *l)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&l->ring);

	if (!sqe && io_uring_submit(&l->ring) >= 0)
		sqe = io_uring_get_sqe(&l->ring);
	return sqe;
}

void ocap__broker_loop_disarm(struct broker *b, int i)
{
	struct slot *s = &b->slots[i];
	struct io_uring_sqe *sqe;

	if (b->loop && b->loop->uring && s->armed &&
	    (sqe = sqe_get(b->loop))) {
		io_uring_prep_poll_remove(sqe, user_data(i, s->gen));
		io_uring_sqe_set_data64(sqe, UD_IGNORE);
	}
	s->armed = 0;
	s->gen++;
}

/* Arm a poll for every slot that wants events and has none in flight. */
static void uring_arm(struct broker *b)
{
	struct broker_loop *l = b->loop;

	for (int i = 0; i < BROKER_NSLOTS; i++) {
		struct slot *s = &b->slots[i];
		struct io_uring_sqe *sqe;

		if (s->type == SLOT_FREE || !s->want || s->armed)
			continue;
		if (!(sqe = sqe_get(l)))
			return;
		io_uring_prep_poll_add(sqe, s->fd, (unsigned)s->want);
		io_uring_sqe_set_data64(sqe, user_data(i, s->gen));
		s->armed = s->want;
	}
}

static void uring_report(struct broker *b, uint64_t ud, int res)
{
	int i = (int)(uint32_t)ud;
	struct slot *s;

	if (ud == UD_IGNORE || i >= BROKER_NSLOTS)
		return;
	s = &b->slots[i];
	if (s->type == SLOT_FREE || !s->armed || s->gen != (uint32_t)(ud >> 32))
		return;
	s->armed = 0;
	ocap__broker_event(b, i, (short)(res < 0 ? POLLERR : res));
}

static int uring_wait(struct broker *b, int timeout_ms)
{
	struct broker_loop *l = b->loop;
	struct __kernel_timespec ts = { timeout_ms / 1000,
					(timeout_ms % 1000) * 1000000L };
	struct { uint64_t ud; int res; } ev[CQE_BATCH];
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;
	int r;

	uring_arm(b);
	r = io_uring_submit_and_wait_timeout(&l->ring, &cqe, 1,
					     timeout_ms < 0 ? NULL : &ts, NULL);
	if (r == -ETIME || r == -EINTR)
		return 0;
	if (r < 0)
		return r;
	io_uring_for_each_cqe(&l->ring, head, cqe) {
		if (n == CQE_BATCH)
			break;
		ev[n].ud = io_uring_cqe_get_data64(cqe);
		ev[n++].res = cqe->res;
	}
	io_uring_cq_advance(&l->ring, n);
	for (unsigned k = 0; k < n; k++)
		uring_report(b, ev[k].ud, ev[k].res);
	return 0;
}

static int poll_wait(struct broker *b, int timeout_ms)
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

/* io_uring failed after it was set up (a seccomp filter that allows
 * io_uring_setup but not io_uring_enter, say): carry on with poll(2). */
static void uring_give_up(struct broker *b)
{
	for (int i = 0; i < BROKER_NSLOTS; i++) {
		b->slots[i].armed = 0;
		b->slots[i].gen++;
	}
	io_uring_queue_exit(&b->loop->ring);
	b->loop->uring = false;
}

int ocap__broker_loop_wait(struct broker *b, int timeout_ms)
{
	if (b->loop->uring) {
		if (uring_wait(b, timeout_ms) == 0)
			return 0;
		uring_give_up(b);
	}
	return poll_wait(b, timeout_ms);
}
