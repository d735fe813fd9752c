/* SPDX-License-Identifier: MIT */
/*
 * The overlay's network calls, one per run, as a program sees them: built
 * with ocap-cc and run under ocapsh (native mode through the ELF note),
 * or outside any sandbox next to the same source built with plain musl.
 * Prints one line saying what happened (an errno or EAI_* name on
 * failure) and exits 0; test_net.sh compares the line.
 *
 *	test_net_probe connect HOST PORT      blocking, then one echo
 *	test_net_probe nbconnect HOST PORT    non-blocking, then one echo
 *	test_net_probe serve HOST PORT        bind, listen, one echo served
 *	test_net_probe bind HOST PORT
 *	test_net_probe listen-unbound
 *	test_net_probe unix PATH              connect a Unix socket, one echo
 *	test_net_probe gai NAME PORT [numeric|passive|v4mapped|addrconfig]
 *	test_net_probe gai-connect NAME PORT  each address in turn, one echo
 *	test_net_probe ghbn NAME              gethostbyname
 *	test_net_probe ghbn2 NAME inet|inet6  gethostbyname2
 *	test_net_probe gni ADDR PORT [numeric|namereqd]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "errname.h"
#include "sockaddr.h"

#define TIMEOUT_MS 10000

static const char *eainame(int r)
{
	static char buf[32];

	switch (r) {
	case EAI_NONAME: return "EAI_NONAME";
	case EAI_AGAIN: return "EAI_AGAIN";
	case EAI_FAIL: return "EAI_FAIL";
	case EAI_FAMILY: return "EAI_FAMILY";
	case EAI_SERVICE: return "EAI_SERVICE";
	case EAI_MEMORY: return "EAI_MEMORY";
	case EAI_SYSTEM: return "EAI_SYSTEM";
	case EAI_BADFLAGS: return "EAI_BADFLAGS";
	}
	snprintf(buf, sizeof buf, "EAI %d", r);
	return buf;
}

static int fail(const char *what, int e)
{
	printf("%s: %s\n", what, errname(e));
	return 0;
}

/* host literal and port into a, as the test passes them. */
static socklen_t addr(const char *host, const char *port,
		      struct sockaddr_storage *a)
{
	socklen_t len = sa_ip(a, host, (uint16_t)atoi(port));

	if (!len) {
		fprintf(stderr, "test_net_probe: %s: not an address\n", host);
		exit(2);
	}
	return len;
}

static int wait_for(int fd, short ev)
{
	struct pollfd p = { .fd = fd, .events = ev };

	return poll(&p, 1, TIMEOUT_MS) == 1 ? 0 : ETIMEDOUT;
}

/* Send "ping\n" on s and read the echo; 0 or an errno value. */
static int echo(int s, char *got, size_t size)
{
	size_t n = 0;
	ssize_t r;

	if (wait_for(s, POLLOUT))
		return ETIMEDOUT;
	if (write(s, "ping\n", 5) != 5)
		return errno;
	while (n + 1 < size) {
		if (wait_for(s, POLLIN))
			return ETIMEDOUT;
		if ((r = read(s, got + n, size - 1 - n)) < 0)
			return errno;
		if (r == 0)
			break;
		n += (size_t)r;
		if (got[n - 1] == '\n')
			break;
	}
	got[n] = 0;
	got[strcspn(got, "\n")] = 0;
	return 0;
}

/* The socket's own view after connect: the peer is the address asked
 * for, on the same descriptor, with the flags the program set. */
static int report(int s, const struct sockaddr_storage *want, int nonblock)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof peer;
	char got[64];
	int e, fl = fcntl(s, F_GETFL);

	if (getpeername(s, (struct sockaddr *)&peer, &len) < 0)
		return fail("getpeername", errno);
	if (memcmp(&peer, want, len))
		return fail("peer", EINVAL);
	if (!!(fl & O_NONBLOCK) != nonblock) {
		printf("flags changed: O_NONBLOCK %s\n",
		       fl & O_NONBLOCK ? "set" : "clear");
		return 0;
	}
	if ((e = echo(s, got, sizeof got)))
		return fail("echo", e);
	printf("connected %s echo=%s\n", nonblock ? "nonblock" : "blocking",
	       got);
	return 0;
}

static int do_connect(const char *host, const char *port, int nonblock)
{
	struct sockaddr_storage a;
	socklen_t len = addr(host, port, &a), elen = sizeof(int);
	int type = SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0);
	int s = socket(a.ss_family, type, 0);
	int e;

	if (s < 0)
		return fail("socket", errno);
	if (connect(s, (struct sockaddr *)&a, len) < 0) {
		if (!nonblock || errno != EINPROGRESS)
			return fail("connect", errno);
		fprintf(stderr, "connect: EINPROGRESS\n");
		if ((e = wait_for(s, POLLOUT)))
			return fail("poll", e);
		if (getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &elen) < 0)
			return fail("getsockopt", errno);
		if (e)
			return fail("SO_ERROR", e);
	}
	return report(s, &a, nonblock);
}

static int do_serve(const char *host, const char *port, int serve)
{
	struct sockaddr_storage a;
	socklen_t len = addr(host, port, &a);
	int s = socket(a.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), c, one = 1;
	char buf[64];
	ssize_t n;

	if (s < 0)
		return fail("socket", errno);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&a, len) < 0)
		return fail("bind", errno);
	if (!serve) {
		puts("bound");
		return 0;
	}
	if (listen(s, 8) < 0)
		return fail("listen", errno);
	puts("listening");
	fflush(stdout);
	if (wait_for(s, POLLIN))
		return fail("accept", ETIMEDOUT);
	if ((c = accept4(s, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return fail("accept", errno);
	if (wait_for(c, POLLIN))
		return fail("read", ETIMEDOUT);
	if ((n = read(c, buf, sizeof buf - 1)) <= 0)
		return fail("read", n < 0 ? errno : EIO);
	if (write(c, buf, (size_t)n) != n)
		return fail("write", errno);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	printf("served echo=%s\n", buf);
	return 0;
}

static int do_listen_unbound(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return fail("socket", errno);
	if (listen(s, 8) < 0)
		return fail("listen", errno);
	puts("listening");
	return 0;
}

static int do_unix(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), e;
	char got[64];

	if (s < 0)
		return fail("socket", errno);
	if (strlen(path) >= sizeof a.sun_path)
		return fail("path", ENAMETOOLONG);
	strcpy(a.sun_path, path);
	if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
		return fail("connect", errno);
	if ((e = echo(s, got, sizeof got)))
		return fail("echo", e);
	printf("connected unix echo=%s\n", got);
	return 0;
}

static void print_sa(const struct sockaddr *sa)
{
	char host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)sa;
		inet_ntop(AF_INET, &s->sin_addr, host, sizeof host);
		printf(" inet %s %u", host, ntohs(s->sin_port));
	} else {
		const struct sockaddr_in6 *s = (const void *)sa;
		inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof host);
		printf(" inet6 %s %u", host, ntohs(s->sin6_port));
	}
}

static int gai_flags(const char *opt)
{
	if (!opt)
		return 0;
	if (!strcmp(opt, "numeric"))
		return AI_NUMERICHOST;
	if (!strcmp(opt, "passive"))
		return AI_PASSIVE;
	if (!strcmp(opt, "v4mapped"))
		return AI_V4MAPPED;
	if (!strcmp(opt, "addrconfig"))
		return AI_ADDRCONFIG;
	fprintf(stderr, "test_net_probe: %s: unknown flag\n", opt);
	exit(2);
}

static int do_gai(const char *name, const char *port, const char *opt)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = gai_flags(opt) }, *res, *ai;
	const char *host = strcmp(name, "-") ? name : NULL;
	int r;

	if (opt && !strcmp(opt, "v4mapped"))
		hints.ai_family = AF_INET6;
	if ((r = getaddrinfo(host, port, &hints, &res))) {
		printf("getaddrinfo: %s\n", eainame(r));
		return 0;
	}
	printf("getaddrinfo:");
	for (ai = res; ai; ai = ai->ai_next)
		print_sa(ai->ai_addr);
	printf("\n");
	/* POSIX lets a program free any tail of the list on its own: the
	 * entries after the second, then the rest. */
	for (ai = res; ai; ai = ai->ai_next) {
		if (ai != res) {
			freeaddrinfo(ai->ai_next);
			ai->ai_next = NULL;
		}
	}
	freeaddrinfo(res);
	return 0;
}

static int do_gai_connect(const char *name, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int r, s = -1, e = 0;
	char got[64];

	if ((r = getaddrinfo(name, port, &hints, &res))) {
		printf("getaddrinfo: %s\n", eainame(r));
		return 0;
	}
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
	if (s < 0)
		return fail("connect", e);
	if ((e = echo(s, got, sizeof got)))
		return fail("echo", e);
	printf("connected echo=%s\n", got);
	return 0;
}

static int do_ghbn(const char *name, const char *fam)
{
	char buf[INET6_ADDRSTRLEN];
	struct hostent *h;

	h = fam ? gethostbyname2(name, strcmp(fam, "inet6") ? AF_INET
							     : AF_INET6)
		: gethostbyname(name);
	if (!h) {
		printf("gethostbyname: h_errno %s\n",
		       h_errno == HOST_NOT_FOUND ? "HOST_NOT_FOUND"
		       : h_errno == TRY_AGAIN   ? "TRY_AGAIN"
		       : h_errno == NO_RECOVERY ? "NO_RECOVERY"
						: "other");
		return 0;
	}
	printf("gethostbyname: %s", h->h_name);
	for (char **a = h->h_addr_list; *a; a++)
		printf(" %s", inet_ntop(h->h_addrtype, *a, buf, sizeof buf));
	printf("\n");
	return 0;
}

static int do_gni(const char *host, const char *port, const char *opt)
{
	struct sockaddr_storage a;
	socklen_t len = addr(host, port, &a);
	char node[NI_MAXHOST], serv[NI_MAXSERV];
	int flags = 0, r;

	if (opt && !strcmp(opt, "numeric"))
		flags = NI_NUMERICHOST | NI_NUMERICSERV;
	else if (opt && !strcmp(opt, "namereqd"))
		flags = NI_NAMEREQD;
	r = getnameinfo((struct sockaddr *)&a, len, node, sizeof node, serv,
			sizeof serv, flags);
	if (r)
		printf("getnameinfo: %s\n", eainame(r));
	else
		printf("getnameinfo: %s %s\n", node, serv);
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	alarm(30);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(c, "connect") && argc == 4)
		return do_connect(argv[2], argv[3], 0);
	if (!strcmp(c, "nbconnect") && argc == 4)
		return do_connect(argv[2], argv[3], 1);
	if (!strcmp(c, "serve") && argc == 4)
		return do_serve(argv[2], argv[3], 1);
	if (!strcmp(c, "bind") && argc == 4)
		return do_serve(argv[2], argv[3], 0);
	if (!strcmp(c, "listen-unbound") && argc == 2)
		return do_listen_unbound();
	if (!strcmp(c, "unix") && argc == 3)
		return do_unix(argv[2]);
	if (!strcmp(c, "gai") && (argc == 4 || argc == 5))
		return do_gai(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if (!strcmp(c, "gai-connect") && argc == 4)
		return do_gai_connect(argv[2], argv[3]);
	if (!strcmp(c, "ghbn") && argc == 3)
		return do_ghbn(argv[2], NULL);
	if (!strcmp(c, "ghbn2") && argc == 4)
		return do_ghbn(argv[2], argv[3]);
	if (!strcmp(c, "gni") && (argc == 4 || argc == 5))
		return do_gni(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	fprintf(stderr, "usage: test_net_probe CASE ARGS (see the source)\n");
	return 2;
}
