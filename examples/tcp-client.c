/* SPDX-License-Identifier: MIT */
/*
 * tcp-client: connect to HOST:PORT, send standard input, print what comes
 * back; written against plain POSIX sockets.  Built with ocap-cc it needs
 * only a --connect capability for that one host:
 *
 *	echo hello | ocapsh --connect localhost:7000 -- \
 *	    tcp-client localhost 7000
 *
 *	tcp-client HOST PORT
 *
 * HOST is resolved with getaddrinfo() (by the broker, under ocapsh) and
 * each address is tried in turn.  At the end of standard input the
 * client shuts down its sending side and prints the rest of the reply.
 * Exit status 0, or 1 when it cannot connect.
 */
#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: tcp-client HOST PORT\n");
	exit(2);
}

static int dial(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int r, s = -1, e = 0;

	if ((r = getaddrinfo(host, port, &hints, &res)))
		errx(1, "%s: %s", host, gai_strerror(r));
	for (ai = res; ai; ai = ai->ai_next) {
		s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			   ai->ai_protocol);
		if (s >= 0 && connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		if (s >= 0)
			close(s);
		s = -1;
	}
	freeaddrinfo(res);
	if (s < 0) {
		warnx("%s:%s: %s", host, port, strerror(e));
		if (e == EACCES)
			fprintf(stderr, "Hint: under ocapsh, grant it with "
					"--connect %s:%s\n", host, port);
		exit(1);
	}
	return s;
}

/* Copy up to one buffer from fd to out; 0 at end of input. */
static ssize_t pump(int fd, int out)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);

	for (ssize_t off = 0, w; off < n; off += w)
		if ((w = write(out, buf + off, (size_t)(n - off))) < 0)
			return -1;
	return n;
}

int main(int argc, char **argv)
{
	struct pollfd p[2] = { { .fd = 0, .events = POLLIN },
			       { .events = POLLIN } };

	if (argc != 3)
		usage();
	p[1].fd = dial(argv[1], argv[2]);
	while (p[1].fd >= 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (p[0].revents && pump(0, p[1].fd) <= 0) {
			shutdown(p[1].fd, SHUT_WR);
			p[0].fd = -1; /* poll ignores it from now on */
		}
		if (p[1].revents) {
			ssize_t n = pump(p[1].fd, 1);
			if (n < 0)
				err(1, "%s:%s", argv[1], argv[2]);
			if (n == 0)
				break;
		}
	}
	return 0;
}
