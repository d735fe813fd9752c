/* SPDX-License-Identifier: MIT */
/*
 * The other end for test_net.sh, run outside any sandbox and built with
 * the host compiler.
 *
 *	test_net_peer echo ADDR        listen on ADDR:0, print the port, echo
 *	                               one line per connection until killed
 *	test_net_peer unix PATH        the same on a Unix socket at PATH
 *	test_net_peer freeport ADDR    print a port nobody listens on
 *	test_net_peer client ADDR PORT send "hello", print the echo
 *
 * Exits 77 (CTest's skip) when ADDR cannot be bound because the machine
 * lacks that family (no IPv6, ::1 not configured).
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sockaddr.h"

#define SKIP 77

static socklen_t addr(const char *host, int port, struct sockaddr_storage *a)
{
	socklen_t len = sa_ip(a, host, (uint16_t)port);

	if (!len)
		errx(2, "%s: not an address", host);
	return len;
}

static int port_of(int s)
{
	uint16_t port = sa_port_of(s);

	if (!port)
		err(1, "getsockname");
	return port;
}

static int bound(const char *host)
{
	struct sockaddr_storage a;
	socklen_t len = addr(host, 0, &a);
	int s = socket(a.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 && errno == EAFNOSUPPORT) {
		warnx("skip: no %s sockets on this machine", host);
		exit(SKIP);
	}
	if (s < 0)
		err(1, "socket");
	if (bind(s, (struct sockaddr *)&a, len) < 0) {
		if (errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT) {
			warnx("skip: %s is not configured here", host);
			exit(SKIP);
		}
		err(1, "bind %s", host);
	}
	return s;
}

/* One line in, the same line out, then close; a silent peer is dropped
 * after a few seconds so the next one is served. */
static void serve(int s)
{
	if (listen(s, 16) < 0)
		err(1, "listen");
	for (;;) {
		struct pollfd p = { .events = POLLIN };
		char buf[256];
		ssize_t n;

		if ((p.fd = accept4(s, NULL, NULL, SOCK_CLOEXEC)) < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			err(1, "accept");
		}
		if (poll(&p, 1, 5000) == 1 &&
		    (n = read(p.fd, buf, sizeof buf)) > 0 &&
		    write(p.fd, buf, (size_t)n) != n)
			warn("write");
		close(p.fd);
	}
}

static void unix_echo(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		err(1, "socket");
	if (strlen(path) >= sizeof a.sun_path)
		errx(1, "%s: too long", path);
	strcpy(a.sun_path, path);
	unlink(path);
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0)
		err(1, "bind %s", path);
	printf("%s\n", path);
	fflush(stdout);
	serve(s);
}

static int client(const char *host, int port)
{
	struct sockaddr_storage a;
	socklen_t len = addr(host, port, &a);
	struct pollfd p = { .events = POLLIN };
	char buf[256];
	ssize_t n;

	if ((p.fd = socket(a.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		err(1, "socket");
	if (connect(p.fd, (struct sockaddr *)&a, len) < 0)
		err(1, "connect %s:%d", host, port);
	if (write(p.fd, "hello\n", 6) != 6)
		err(1, "write");
	if (poll(&p, 1, 10000) != 1 ||
	    (n = read(p.fd, buf, sizeof buf - 1)) <= 0)
		errx(1, "no echo from %s:%d", host, port);
	buf[n] = 0;
	printf("%s", buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	alarm(120);
	if (!strcmp(c, "echo") && argc == 3) {
		int s = bound(argv[2]);
		printf("%d\n", port_of(s));
		fflush(stdout);
		serve(s);
	}
	if (!strcmp(c, "unix") && argc == 3)
		unix_echo(argv[2]);
	if (!strcmp(c, "freeport") && argc == 3) {
		int s = bound(argv[2]);
		printf("%d\n", port_of(s));
		return 0;
	}
	if (!strcmp(c, "client") && argc == 4)
		return client(argv[2], atoi(argv[3]));
	errx(2, "usage: test_net_peer echo|unix|freeport|client ...");
}
