/* SPDX-License-Identifier: MIT */
/*
 * The broker's event loop (launcher/broker/loop.c), live, at its
 * capacity: every channel the broker takes (the root descriptor and 255
 * sessions) open at once, each with requests in flight together, and
 * every one answered on its own session.  world.c sets up the broker
 * process and its client.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "broker.h"
#include "world.h"

#define NSESS (BROKER_MAX_CHANNELS - 2) /* the root and probe()'s are two */

static void ask(int s, uint32_t seq)
{
	struct ocap_msg m = { .type = OCAP_MSG_RESOLVE, .seq = seq,
			      .fields = OCAP_F_NAME | OCAP_F_PORT, .port = 1,
			      .name = "127.0.0.1", .name_len = 9 };

	child_check(ocap_msg_send(s, &m), 0);
}

/* The answer to request seq: one address, then the REPLY. */
static void answer(int s, uint32_t seq)
{
	struct ocap_msg m;

	child_check(ocap_msg_recv(s, &m), 0);
	child_check(m.type, OCAP_MSG_ADDR);
	child_check(m.seq, seq);
	child_check(ocap_msg_recv(s, &m), 0);
	child_check(m.type, OCAP_MSG_REPLY);
	child_check(m.seq, seq);
	child_check(m.status, 0);
}

static int sc_full(struct world *w)
{
	static int ss[NSESS];
	int base;

	probe();
	base = broker_fds(w);
	for (int i = 0; i < NSESS; i++)
		child_check((ss[i] = ocap_session(root_fd())) >= 0, 1);
	/* Each round: a request on every session before any answer is
	 * read, the last session's first. */
	for (uint32_t round = 1; round <= 3; round++) {
		for (int i = NSESS - 1; i >= 0; i--)
			ask(ss[i], round * 1000 + (uint32_t)i);
		for (int i = 0; i < NSESS; i++)
			answer(ss[i], round * 1000 + (uint32_t)i);
	}
	child_check(broker_fds(w), base + NSESS);
	for (int i = 0; i < NSESS; i++)
		close(ss[i]);
	child_check(broker_fds_settle(w, base), 1);
	probe();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE("test_full", sc_full, 0, 0),
	};

	return world_main("loop", tests, sizeof tests / sizeof *tests);
}
