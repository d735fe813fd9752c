/* SPDX-License-Identifier: MIT */
/*
 * connect-loop: TCP connections to 127.0.0.1:PORT with plain connect(2),
 * each socket(), connect, close.  The same source is built twice by
 * run-connect-loop: with musl-gcc (connect is the system call) and with
 * ocap-cc (connect is the overlay's: under ocapsh it goes to the broker).
 *
 *	connect-loop PORT
 *
 * A worker driven over stdin and stdout, like client.c: a few untimed
 * connections (the first one under ocapsh fetches the table and opens
 * the broker session), "ready", then for each line N it reads, N timed
 * connections and their median in nanoseconds.  Each socket is closed
 * with SO_LINGER 0 so that no port is left in TIME_WAIT.
 */
#include <err.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define WARMUP 20
#define CHUNK_MAX 100000

static int one(const struct sockaddr_in *a)
{
	struct linger lg = { 1, 0 };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r = 0;

	if (s < 0)
		return -errno;
	if (connect(s, (const struct sockaddr *)a, sizeof *a) < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) < 0)
		r = -errno;
	close(s);
	return r;
}

static const char *port;

static double timed(void *arg)
{
	int r = one(arg);

	if (r < 0)
		errx(1, "connect to 127.0.0.1:%s: %s", port, strerror(-r));
	return 1;
}

int main(int argc, char **argv)
{
	static double t[CHUNK_MAX];
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int r;

	if (argc != 2)
		errx(2, "usage: connect-loop PORT");
	a.sin_port = htons((uint16_t)atoi(argv[1]));
	for (int i = 0; i < WARMUP; i++)
		if ((r = one(&a)) < 0)
			errx(1, "connect to 127.0.0.1:%s: %s", argv[1],
			     strerror(-r));
	port = argv[1];
	worker_serve(timed, &a, t, CHUNK_MAX);
	return 0;
}
