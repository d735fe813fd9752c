/* SPDX-License-Identifier: MIT */
/*
 * client: TCP connections to 127.0.0.1:PORT, each socket(), connect,
 * close.  direct: connect(2).  broker: ocap_connect, through the broker.
 * relay: through a minimal broker of our own, a forked process that gets
 * the socket and the address in one SCM_RIGHTS message on a SEQPACKET
 * pair, connects it and replies with the status: the least "one extra
 * Unix-socket round trip" (DESIGN.md) can cost.
 *
 *	client direct|broker|relay PORT
 *
 * A worker driven over stdin and stdout, so that bench/run can interleave
 * several of them chunk by chunk (stdio is all ocapsh passes on): makes a
 * few untimed connections (the broker session is opened by the first),
 * prints "ready", then for each line N it reads makes N connections, each
 * timed, and prints the median in nanoseconds (a connection that was
 * preempted is an outlier, not a trend).  Exits at end of input.
 *
 * Each socket is closed with SO_LINGER 0 (a reset, no TIME_WAIT), so that
 * thousands of connections a second do not run out of local ports; every
 * variant does the same.  Prints "ENOSYS" and exits 3 when ocap_connect is
 * not implemented.
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

#include <ocap/ocap.h>

#include "bench.h"

#define WARMUP 20
#define CHUNK_MAX 100000

enum { DIRECT, BROKER, RELAY };

static int relay = -1;

static void relay_serve(int s)
{
	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct sockaddr_in a;
		struct iovec iov = { &a, sizeof a };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf,
				     .msg_controllen = sizeof cbuf };
		struct cmsghdr *c;
		int fd, r;

		if (recvmsg(s, &mh, MSG_CMSG_CLOEXEC) <= 0)
			_exit(0);
		if (!(c = CMSG_FIRSTHDR(&mh)) || c->cmsg_type != SCM_RIGHTS)
			_exit(1);
		memcpy(&fd, CMSG_DATA(c), sizeof fd);
		r = connect(fd, (struct sockaddr *)&a, sizeof a) < 0 ? -errno : 0;
		close(fd);
		if (write(s, &r, sizeof r) != sizeof r)
			_exit(1);
	}
}

static int relay_start(void)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if ((pid = fork()) < 0)
		return -errno;
	if (pid == 0) {
		close(sv[0]);
		relay_serve(sv[1]);
	}
	close(sv[1]);
	relay = sv[0];
	return 0;
}

static int relay_connect(int sock, const struct sockaddr_in *a)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)a, sizeof *a };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof u.buf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	int r;

	memset(u.buf, 0, sizeof u.buf);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &sock, sizeof sock);
	if (sendmsg(relay, &mh, 0) < 0)
		return -errno;
	if (read(relay, &r, sizeof r) != sizeof r)
		return -EPIPE;
	return r;
}

static int one(const struct sockaddr_in *a, int how)
{
	struct linger lg = { 1, 0 };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	if (s < 0)
		return -errno;
	if (how == BROKER)
		r = ocap_connect(s, (const struct sockaddr *)a, sizeof *a);
	else if (how == RELAY)
		r = relay_connect(s, a);
	else
		r = connect(s, (const struct sockaddr *)a, sizeof *a) < 0
			    ? -errno : 0;
	if (r == 0 && setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) < 0)
		r = -errno;
	close(s);
	return r;
}

struct job {
	struct sockaddr_in a;
	int how;
	char **argv;
};

static double timed(void *arg)
{
	const struct job *j = arg;
	int r = one(&j->a, j->how);

	if (r < 0)
		errx(1, "%s connect to 127.0.0.1:%s: %s", j->argv[1],
		     j->argv[2], strerror(-r));
	return 1;
}

int main(int argc, char **argv)
{
	static double t[CHUNK_MAX];
	struct job j = { .a = { .sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK) },
			 .argv = argv };
	int how, r;

	if (argc != 3)
		errx(2, "usage: client direct|broker|relay PORT");
	how = !strcmp(argv[1], "broker") ? BROKER
	      : !strcmp(argv[1], "relay") ? RELAY
	      : !strcmp(argv[1], "direct") ? DIRECT : -1;
	if (how < 0)
		errx(2, "usage: client direct|broker|relay PORT");
	if (how == RELAY && (r = relay_start()) < 0)
		errx(1, "relay: %s", strerror(-r));
	j.how = how;
	j.a.sin_port = htons((uint16_t)atoi(argv[2]));
	for (int i = 0; i < WARMUP; i++) {
		if ((r = one(&j.a, how)) == -ENOSYS) {
			puts("ENOSYS");
			return 3;
		}
		if (r < 0)
			errx(1, "%s connect to 127.0.0.1:%s: %s", argv[1],
			     argv[2], strerror(-r));
	}
	worker_serve(timed, &j, t, CHUNK_MAX);
	return 0;
}
