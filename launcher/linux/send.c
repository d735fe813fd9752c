/* SPDX-License-Identifier: MIT */
/*
 * Sends with an address, for supervised programs granted UDP or unix:
 * sockets: sendto with one, sendmsg and sendmmsg (whose msghdr is in
 * memory the program may change at any time, so the broker never lets
 * one continue in the kernel).  The broker reads the message once, judges
 * its address as a connect's, and sends it itself on the program's own
 * socket:
 *
 * - a datagram goes only to a granted host and port, or through a unix:
 *   grant to its socket; with no address, to the peer the socket was
 *   connected to (itself a checked connect);
 * - descriptors passed along (SCM_RIGHTS) are the program's, taken one by
 *   one; credentials (SCM_CREDENTIALS) are refused, since the broker's
 *   own would be sent, and a root broker's could claim anyone;
 * - the send never blocks the loop: it is tried without waiting, and a
 *   program that waits (a blocking socket, no MSG_DONTWAIT) waits on a
 *   job's thread; sendmmsg sends what goes without waiting;
 * - a broken connection answers EPIPE without SIGPIPE (the broker's
 *   thread would take the signal).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "netgrant.h"
#include "supervise.h"

#define SEND_MAX    ((size_t)256 * 1024) /* bytes of one message */
#define CONTROL_MAX ((size_t)4096)
#define IOV_MAX_    ((size_t)1024)       /* UIO_MAXIOV */

struct sendbuf {
	struct msghdr msg;
	struct iovec iov;
	struct sockaddr_storage name;
	char *data;
	char *control;
	int fds[CONTROL_MAX / sizeof(int)];
	size_t nfds;
	int target; /* a unix: grant's socket, O_PATH, or -1 */
	int flags;
};

/* A message as the program gave it: addresses in its memory. */
struct rmsg {
	uint64_t name;
	socklen_t namelen;
	uint64_t iov;     /* an iovec array, or with one set: its data */
	size_t iovlen;
	uint64_t control;
	size_t controllen;
	bool one;         /* sendto: iov is the data, iovlen its length */
};

static struct rmsg rmsg_of(const struct msghdr *m)
{
	return (struct rmsg){ (uintptr_t)m->msg_name, m->msg_namelen,
			      (uintptr_t)m->msg_iov, m->msg_iovlen,
			      (uintptr_t)m->msg_control, m->msg_controllen,
			      false };
}

void ocap__super_send_free(struct sendbuf *sb)
{
	if (!sb)
		return;
	for (size_t i = 0; i < sb->nfds; i++)
		close(sb->fds[i]);
	if (sb->target >= 0)
		close(sb->target);
	free(sb->data);
	free(sb->control);
	free(sb);
}

int ocap__super_send_run(int sock, struct sendbuf *sb)
{
	ssize_t n = sendmsg(sock, &sb->msg, sb->flags | MSG_NOSIGNAL);

	return n < 0 ? -errno : (int)n;
}

/* The address: judged as a connect's; a unix: grant's socket is reached
 * through the broker's own descriptor for it. */
static int take_name(const struct call *c, int kind, const struct rmsg *pm,
		     struct sendbuf *sb)
{
	socklen_t len = pm->namelen;
	struct sockaddr_un sun;
	int r;

	if (!pm->name || !len)
		return 0;
	if (len > sizeof sb->name)
		return -EINVAL;
	if ((r = ocap__super_read(c, pm->name, &sb->name, len)) < 0)
		return r;
	if (kind == OCAP_NET_CONNECT)
		return 0; /* a stream socket has its peer: no address */
	if (kind == OCAP_NET_UNIX) {
		r = ocap__broker_unix_target(c->b, (struct sockaddr *)&sb->name,
					     len, &sun);
		if (r < 0)
			return r;
		sb->target = r;
		memcpy(&sb->name, &sun, sizeof sun);
		len = sizeof sun;
	} else if (!ocap__net_allows(c->b->plan, OCAP_NET_UDP,
				     (struct sockaddr *)&sb->name, len)) {
		return ocap__broker_deny(c->b, "send to",
					 (struct sockaddr *)&sb->name, len);
	}
	sb->msg.msg_name = &sb->name;
	sb->msg.msg_namelen = len;
	return 0;
}

/* The data, gathered into one buffer.  A stream takes a part (a short
 * send, as a stream may make); a datagram too large is refused. */
/* An iovec of the program's: its base is an address over there. */
struct riov {
	uint64_t base;
	size_t len;
};

static int take_data(const struct call *c, int kind, const struct rmsg *pm,
		     struct sendbuf *sb)
{
	struct riov *iov, single = { pm->iov, pm->iovlen };
	size_t total = 0, got = 0, n = pm->one ? 1 : pm->iovlen;
	int r = 0;

	_Static_assert(sizeof(struct riov) == sizeof(struct iovec),
		       "struct iovec: two words");
	if (n > IOV_MAX_)
		return -EMSGSIZE;
	if (!n)
		return 0;
	if (pm->one)
		iov = &single;
	else if (!(iov = calloc(n, sizeof *iov)))
		return -ENOMEM;
	else
		r = ocap__super_read(c, pm->iov, iov, n * sizeof *iov);
	for (size_t i = 0; r == 0 && i < n; i++)
		total += iov[i].len < SEND_MAX ? iov[i].len : SEND_MAX;
	if (r == 0 && total > SEND_MAX && kind != OCAP_NET_CONNECT)
		r = -EMSGSIZE;
	if (total > SEND_MAX)
		total = SEND_MAX;
	if (r == 0 && total && !(sb->data = malloc(total)))
		r = -ENOMEM;
	for (size_t i = 0; r == 0 && i < n && got < total; i++) {
		size_t k = iov[i].len < total - got ? iov[i].len : total - got;

		if (k)
			r = ocap__super_read(c, iov[i].base, sb->data + got, k);
		got += k;
	}
	if (!pm->one)
		free(iov);
	sb->iov = (struct iovec){ sb->data, got };
	sb->msg.msg_iov = &sb->iov;
	sb->msg.msg_iovlen = 1;
	return r;
}

/* Control messages: descriptors become the program's own, taken here;
 * other socket-level ones (credentials) are refused; the rest (IP
 * options, UDP segmentation) go as they are. */
static int take_control(const struct call *c, const struct rmsg *pm,
			struct sendbuf *sb)
{
	struct cmsghdr *h;

	if (!pm->control || !pm->controllen)
		return 0;
	if (pm->controllen > CONTROL_MAX)
		return -ENOBUFS;
	if (!(sb->control = calloc(1, pm->controllen)))
		return -ENOMEM;
	sb->msg.msg_control = sb->control;
	sb->msg.msg_controllen = pm->controllen;
	if (ocap__super_read(c, pm->control, sb->control, pm->controllen) < 0)
		return -EFAULT;
	for (h = CMSG_FIRSTHDR(&sb->msg); h; h = CMSG_NXTHDR(&sb->msg, h)) {
		size_t n;
		int *fd;

		if (h->cmsg_level != SOL_SOCKET)
			continue;
		if (h->cmsg_type != SCM_RIGHTS || h->cmsg_len < CMSG_LEN(0))
			return -EPERM;
		n = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		fd = (int *)CMSG_DATA(h);
		for (size_t i = 0; i < n; i++) {
			int mine = ocap__super_getfd(c, fd[i]);

			if (mine < 0)
				return mine;
			sb->fds[sb->nfds++] = mine;
			fd[i] = mine;
		}
	}
	return 0;
}

/* One message of the program's (its header at hdr, or made here for
 * sendto), read and judged, ready to send. */
static int prepare(const struct call *c, int kind, uint64_t hdr,
		   const struct rmsg *made, int flags, struct sendbuf **out)
{
	struct sendbuf *sb = calloc(1, sizeof *sb);
	struct msghdr m;
	struct rmsg pm;
	int r = 0;

	if (!sb)
		return -ENOMEM;
	sb->target = -1;
	sb->flags = flags & ~MSG_DONTWAIT;
	if (made)
		pm = *made;
	else if ((r = ocap__super_read(c, hdr, &m, sizeof m)) == 0)
		pm = rmsg_of(&m);
	if (r == 0)
		r = take_name(c, kind, &pm, sb);
	if (r == 0)
		r = take_data(c, kind, &pm, sb);
	if (r == 0)
		r = take_control(c, &pm, sb);
	if (r < 0) {
		ocap__super_send_free(sb);
		return r;
	}
	*out = sb;
	return 0;
}

static int send_now(int sock, struct sendbuf *sb)
{
	ssize_t n = sendmsg(sock, &sb->msg,
			    sb->flags | MSG_DONTWAIT | MSG_NOSIGNAL);

	return n < 0 ? -errno : (int)n;
}

/* Whether the program would wait for room: a blocking socket, and no
 * MSG_DONTWAIT. */
static bool waits(int sock, int flags)
{
	int fl = fcntl(sock, F_GETFL);

	return !(flags & MSG_DONTWAIT) && fl >= 0 && !(fl & O_NONBLOCK);
}

/* sendto and sendmsg: answered now, or by a job when the program waits
 * for room.  sock is consumed. */
static void one(struct broker *b, int i, const struct call *c, int sock,
		int kind, uint64_t hdr, int flags, const struct rmsg *made)
{
	struct sendbuf *sb = NULL;
	int r = prepare(c, kind, hdr, made, flags, &sb);

	if (r == 0 && !ocap__super_valid(c))
		r = -ESRCH;
	if (r == 0 && (r = send_now(sock, sb)) == -EAGAIN &&
	    waits(sock, flags) &&
	    ocap__super_send_task(b, i, c->id, sock, sb) == 0)
		return; /* the job has sock and sb now */
	ocap__super_send_free(sb);
	close(sock);
	ocap__super_answer(b, i, c->id, r);
}

/* sendmmsg: each message as sendmsg, without waiting, stopping at the
 * first that fails; msg_len is written back for those sent. */
static int many(const struct call *c, int sock, int kind)
{
	uint64_t vec = c->args[1];
	unsigned vlen = (unsigned)c->args[2], sent = 0;
	int flags = (int)c->args[3], r = 0;

	if (vlen > IOV_MAX_)
		vlen = IOV_MAX_;
	for (; sent < vlen; sent++) {
		uint64_t at = vec + (uint64_t)sent * sizeof(struct mmsghdr);
		struct sendbuf *sb;
		unsigned len;

		if ((r = prepare(c, kind, at, NULL, flags, &sb)) < 0)
			break;
		if (!ocap__super_valid(c))
			r = -ESRCH;
		else
			r = send_now(sock, sb);
		ocap__super_send_free(sb);
		if (r < 0)
			break;
		len = (unsigned)r;
		ocap__super_write(c, at + offsetof(struct mmsghdr, msg_len),
				  &len, sizeof len);
	}
	return sent ? (int)sent : r;
}

void ocap__super_send(struct broker *b, int i, const struct call *c)
{
	int sock = ocap__super_getfd(c, (int)c->args[0]), kind;
	/* sendto(fd, buf, len, flags, addr, addrlen) as a message */
	struct rmsg made = { .name = c->args[4],
			     .namelen = (socklen_t)c->args[5],
			     .iov = c->args[1], .iovlen = (size_t)c->args[2],
			     .one = true };

	if (sock < 0) {
		ocap__super_answer(b, i, c->id, sock);
		return;
	}
	if ((kind = ocap__broker_sock_kind(sock)) < 0) {
		close(sock);
		ocap__super_answer(b, i, c->id, kind);
		return;
	}
	if (c->nr == SYS_sendmmsg) {
		int r = many(c, sock, kind);

		close(sock);
		ocap__super_answer(b, i, c->id, r);
		return;
	}
	if (c->nr == SYS_sendmsg) {
		one(b, i, c, sock, kind, c->args[1], (int)c->args[2], NULL);
		return;
	}
	one(b, i, c, sock, kind, 0, (int)c->args[3], &made);
}
