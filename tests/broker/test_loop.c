/* SPDX-License-Identifier: MIT */
/*
 * The broker's event loop (launcher/broker/loop.c), live: io_uring unless
 * OCAP_BROKER_POLL=1 asks for poll(2) or the kernel has io_uring off, and
 * poll(2) when a seccomp filter refuses io_uring, at setup or on its first
 * wait.  world.c sets up the broker process and its client.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "world.h"

/* The loop the broker runs is the one the test asked for. */
static int sc_loop(struct world *w)
{
	probe();
	child_check(broker_has_uring(w),
		    w->mode == LOOP_URING && uring_enabled());
	return 0;
}

/* The broker serves as well on poll(2), and holds no ring any more. */
static int sc_fallback(struct world *w)
{
	ocap_ns *ns;
	int s = tcp_socket(AF_INET, 0), a;

	child_check(ocap_root(&ns), 0);
	child_check(ocap_ns_count(ns), 3 + w->nnets);
	child_check(connect_to(s, "127.0.0.1", w->port), 0);
	child_check((a = accept4(w->lis, NULL, NULL, SOCK_CLOEXEC)) >= 0, 1);
	exchange(s, a);
	close(a);
	close(s);
	probe();
	child_check(broker_has_uring(w), 0);
	return 0;
}

static void test_uring_refused(void **state)
{
	run_expect(state, W_NO_URING, sc_fallback, 0);
	run_expect(state, W_NO_URING_WAIT, sc_fallback, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE("test_loop", sc_loop, 0, 0),
		{ "test_uring_refused", test_uring_refused, NULL, NULL,
		  &world_modes[LOOP_URING] },
	};

	return world_main("loop", tests, sizeof tests / sizeof *tests);
}
