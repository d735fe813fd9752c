/* SPDX-License-Identifier: MIT */
/*
 * sessions: what the broker's loop costs with many channels open.  The
 * program opens SESSIONS private sessions on its root descriptor
 * (ocap_session()), so that the broker watches SESSIONS + 1 channels, and
 * asks on them for 127.0.0.1:PORT, which the grant --connect
 * 127.0.0.1:PORT answers at once (one ADDR, one REPLY; no thread).
 *
 *	sessions one|all SESSIONS PORT
 *
 * A worker driven over stdin and stdout, like client.c: a few untimed
 * requests on every session, "ready", then for each line N it reads:
 *   one: N requests, each on the next session in turn and waited for
 *        while the others sit idle: prints the median per request;
 *   all: N bursts, each one request on every session, all sent before any
 *        answer is read: prints the median burst divided by SESSIONS.
 * Exits at end of input.
 */
#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ocap/ocap.h>

#include "bench.h"

#define MAX_SESSIONS 255 /* the broker's 256 channels, the root included */
#define CHUNK_MAX    100000

struct run {
	int sess[MAX_SESSIONS];
	long n, next;
	uint32_t seq;
	uint16_t port;
};

static void ask(struct run *r, int s)
{
	struct ocap_msg m = { .type = OCAP_MSG_RESOLVE, .seq = ++r->seq,
			      .fields = OCAP_F_NAME | OCAP_F_PORT,
			      .port = r->port, .name = "127.0.0.1",
			      .name_len = 9 };
	int e = ocap_msg_send(s, &m);

	if (e < 0)
		errx(1, "send: %s", strerror(-e));
}

/* The ADDR and the REPLY that answer a request. */
static void answer(const struct run *r, int s)
{
	struct ocap_msg m;
	int e;

	do {
		if ((e = ocap_msg_recv(s, &m)) < 0)
			errx(1, "recv: %s", strerror(-e));
		ocap_msg_close_fds(&m);
	} while (m.type == OCAP_MSG_ADDR);
	if (m.type != OCAP_MSG_REPLY || m.status < 0)
		errx(1, "resolve 127.0.0.1:%u: message %u, status %d",
		     (unsigned)r->port, (unsigned)m.type, (int)m.status);
}

static double one(void *arg)
{
	struct run *r = arg;
	int s = r->sess[r->next];

	ask(r, s);
	answer(r, s);
	r->next = (r->next + 1) % r->n;
	return 1;
}

static double all(void *arg)
{
	struct run *r = arg;

	for (long j = 0; j < r->n; j++)
		ask(r, r->sess[j]);
	for (long j = 0; j < r->n; j++)
		answer(r, r->sess[j]);
	return (double)r->n;
}

int main(int argc, char **argv)
{
	static double t[CHUNK_MAX];
	static struct run r;
	const char *e = getenv(OCAP_ROOT_ENV);
	int root;

	if (argc != 4 || (strcmp(argv[1], "one") && strcmp(argv[1], "all")))
		errx(2, "usage: sessions one|all SESSIONS PORT");
	r.n = strtol(argv[2], NULL, 10);
	r.port = (uint16_t)atoi(argv[3]);
	if (r.n < 1 || r.n > MAX_SESSIONS)
		errx(2, "sessions: 1 to %d", MAX_SESSIONS);
	if (!e || (root = atoi(e)) < 0)
		errx(1, "no %s: not started by a broker", OCAP_ROOT_ENV);
	for (long i = 0; i < r.n; i++) {
		if ((r.sess[i] = ocap_session(root)) < 0)
			errx(1, "session %ld: %s", i, strerror(-r.sess[i]));
		for (int w = 0; w < 3; w++) {
			ask(&r, r.sess[i]);
			answer(&r, r.sess[i]);
		}
	}
	worker_serve(strcmp(argv[1], "all") ? one : all, &r, t, CHUNK_MAX);
	return 0;
}
