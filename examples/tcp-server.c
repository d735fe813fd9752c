/* SPDX-License-Identifier: MIT */
/*
 * tcp-server: a line echo server, written against plain POSIX sockets.
 * Built with ocap-cc it needs only a --listen capability:
 *
 *	ocapsh --listen 127.0.0.1:7000 -- tcp-server 127.0.0.1 7000
 *
 *	tcp-server [-1] HOST PORT
 *
 * HOST is an address, or "*" for every local address; it is resolved with
 * getaddrinfo(AI_PASSIVE), and the server binds the first address the
 * grants allow.  Each connection gets every line it sends back, one
 * connection at a time; -1 serves one connection and exits.  Exit status
 * 0, or 1 when the server cannot listen.
 */
#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: tcp-server [-1] HOST PORT\n");
	exit(2);
}

/* The first of HOST's addresses that can be bound and listened on. */
static int listener(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE }, *res, *ai;
	int r, s = -1, e = 0, one = 1;

	if (!strcmp(host, "*"))
		host = NULL;
	if ((r = getaddrinfo(host, port, &hints, &res)))
		errx(1, "%s:%s: %s", host ? host : "*", port, gai_strerror(r));
	for (ai = res; ai; ai = ai->ai_next) {
		s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			   ai->ai_protocol);
		if (s < 0) {
			e = errno;
			continue;
		}
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(s, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(s, 16) == 0)
			break;
		e = errno;
		close(s);
		s = -1;
	}
	freeaddrinfo(res);
	if (s < 0) {
		warnx("%s:%s: %s", host ? host : "*", port, strerror(e));
		if (e == EACCES)
			fprintf(stderr, "Hint: under ocapsh, grant the "
					"address with --listen %s:%s\n",
				host ? host : "*", port);
		exit(1);
	}
	return s;
}

static void serve(int c)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(c, buf, sizeof buf)) > 0)
		for (ssize_t off = 0, w; off < n; off += w)
			if ((w = write(c, buf + off, (size_t)(n - off))) < 0)
				return;
}

int main(int argc, char **argv)
{
	int once = 0, s, c;

	if (argc > 1 && !strcmp(argv[1], "-1")) {
		once = 1;
		argc--;
		argv++;
	}
	if (argc != 3)
		usage();
	s = listener(argv[1], argv[2]);
	fprintf(stderr, "tcp-server: listening on %s:%s\n", argv[1], argv[2]);
	do {
		if ((c = accept4(s, NULL, NULL, SOCK_CLOEXEC)) < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			err(1, "accept");
		}
		serve(c);
		close(c);
	} while (!once);
	return 0;
}
