/* SPDX-License-Identifier: MIT */
/*
 * escape-listener: the canary endpoints no sandboxed program may reach.
 *
 *   escape-listener CDIR CTL   listen on TCP and UDP 127.0.0.1, on TCP
 *                              ::1 (the same port, when it can), on the
 *                              pathname sockets CDIR/sock (stream) and
 *                              CDIR/dgram, and on two abstract sockets;
 *                              print "port=N uport=N abstract=NAME
 *                              adgram=NAME v6port=N" (0: no ::1) and
 *                              serve CTL
 *   escape-listener --sync CTL print every hit since the last sync, one a
 *                              line (nothing when none), after taking in
 *                              everything already queued
 *
 * It runs until killed, or until its parent (the driver) dies.
 */
#include <err.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

enum { TCP, UDP, USTREAM, UDGRAM, ASTREAM, ADGRAM, TCP6, CTL, NFDS };

static const char *const what[NFDS] = {
	"TCP connection to 127.0.0.1", "UDP datagram to 127.0.0.1",
	"connection to the pathname socket", "datagram to the pathname socket",
	"connection to the abstract socket", "datagram to the abstract socket",
	"TCP connection to ::1", "control",
};

static char hits[65536];

static socklen_t unix_addr(struct sockaddr_un *a, const char *name,
			   int abstract)
{
	size_t n = strlen(name);

	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	if (n > sizeof a->sun_path - 2)
		errx(2, "%s: name too long", name);
	memcpy(a->sun_path + !!abstract, name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			   !!abstract + n + !abstract);
}

static int unix_sock(int type, const char *name, int abstract)
{
	struct sockaddr_un a;
	socklen_t len = unix_addr(&a, name, abstract);
	int s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (!abstract)
		unlink(name);
	if (s < 0 || bind(s, (struct sockaddr *)&a, len) < 0)
		err(2, "bind %s%s", abstract ? "@" : "", name);
	if (type == SOCK_STREAM && listen(s, 64) < 0)
		err(2, "listen %s", name);
	/* Writable by all: only the sandbox may stop a 65534 run. */
	if (!abstract && chmod(name, 0777) < 0)
		err(2, "chmod %s", name);
	return s;
}

static int inet_sock(int type, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int s = socket(AF_INET, type | SOCK_CLOEXEC, 0), one = 1, q = 16;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	if (s < 0)
		err(2, "socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
		close(s);
		return -1;
	}
	/* Accept Fast Open data, so that a TFO escape completes. */
	if (type == SOCK_STREAM &&
	    (setsockopt(s, IPPROTO_TCP, TCP_FASTOPEN, &q, sizeof q),
	     listen(s, 64) < 0))
		err(2, "listen");
	return s;
}

/* TCP on [::1]:port, or -1 (no IPv6, or the port taken there). */
static int inet6_sock(int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	int s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	a.sin6_addr = in6addr_loopback;
	a.sin6_port = htons((uint16_t)port);
	if (s < 0)
		return -1;
	if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0 ||
	    bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 64) < 0) {
		close(s);
		return -1;
	}
	return s;
}

static int port_of(int s)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof a;

	if (getsockname(s, (struct sockaddr *)&a, &len) < 0)
		err(2, "getsockname");
	return ntohs(a.sin_port);
}

static void hit(int i, const char *data, ssize_t n)
{
	size_t used = strlen(hits);

	snprintf(hits + used, sizeof hits - used, "%s%s%.*s\n", what[i],
		 n > 0 ? ": " : "", n > 0 ? (int)strcspn(data, "\n") : 0,
		 data);
}

/* Take in whatever is ready on the canary sockets. */
static void drain(struct pollfd *p)
{
	char buf[256];

	while (poll(p, CTL, 0) > 0) {
		for (int i = 0; i < CTL; i++) {
			ssize_t n;
			int s;

			if (!(p[i].revents & POLLIN))
				continue;
			if (i == UDP || i == UDGRAM || i == ADGRAM) {
				n = recv(p[i].fd, buf, sizeof buf - 1,
					 MSG_DONTWAIT);
				buf[n > 0 ? n : 0] = '\0';
				hit(i, buf, n);
				continue;
			}
			s = accept4(p[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (s < 0)
				continue;
			n = recv(s, buf, sizeof buf - 1, MSG_DONTWAIT);
			buf[n > 0 ? n : 0] = '\0';
			hit(i, buf, n);
			close(s);
		}
	}
}

static int sync_client(const char *ctl)
{
	struct sockaddr_un a;
	socklen_t len = unix_addr(&a, ctl, 0);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char buf[4096];
	ssize_t n;

	if (s < 0 || connect(s, (struct sockaddr *)&a, len) < 0)
		err(2, "connect %s", ctl);
	while ((n = read(s, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	return n < 0 ? 2 : 0;
}

int main(int argc, char **argv)
{
	struct pollfd p[NFDS];
	char abs_s[64], abs_d[64];
	int tport;

	if (argc == 3 && !strcmp(argv[1], "--sync"))
		return sync_client(argv[2]);
	if (argc != 3)
		errx(2, "usage: escape-listener CDIR CTL | --sync CTL");
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() == 1)
		exit(2);
	signal(SIGPIPE, SIG_IGN);
	if (chdir(argv[1]) < 0)
		err(2, "%s", argv[1]);
	snprintf(abs_s, sizeof abs_s, "ocap-escape-%d", (int)getpid());
	snprintf(abs_d, sizeof abs_d, "ocap-escape-%d-dgram", (int)getpid());
	p[TCP].fd = inet_sock(SOCK_STREAM, 0);
	if (p[TCP].fd < 0)
		err(2, "bind 127.0.0.1:0");
	tport = port_of(p[TCP].fd);
	p[UDP].fd = inet_sock(SOCK_DGRAM, tport);
	if (p[UDP].fd < 0 && (p[UDP].fd = inet_sock(SOCK_DGRAM, 0)) < 0)
		err(2, "bind udp 127.0.0.1:0");
	p[USTREAM].fd = unix_sock(SOCK_STREAM, "sock", 0);
	p[UDGRAM].fd = unix_sock(SOCK_DGRAM, "dgram", 0);
	p[ASTREAM].fd = unix_sock(SOCK_STREAM, abs_s, 1);
	p[ADGRAM].fd = unix_sock(SOCK_DGRAM, abs_d, 1);
	p[TCP6].fd = inet6_sock(tport);
	p[CTL].fd = unix_sock(SOCK_STREAM, argv[2], 0);
	for (int i = 0; i < NFDS; i++)
		p[i].events = POLLIN;
	printf("port=%d uport=%d abstract=%s adgram=%s v6port=%d\n", tport,
	       port_of(p[UDP].fd), abs_s, abs_d, p[TCP6].fd < 0 ? 0 : tport);
	if (fclose(stdout) != 0)
		err(2, "stdout");
	for (;;) {
		int s;

		if (poll(p, NFDS, -1) < 0) {
			if (errno == EINTR)
				continue;
			err(2, "poll");
		}
		drain(p);
		if (!(p[CTL].revents & POLLIN))
			continue;
		s = accept4(p[CTL].fd, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0)
			continue;
		drain(p);
		if (write(s, hits, strlen(hits)) < 0)
			warn("control");
		hits[0] = '\0';
		close(s);
	}
}
