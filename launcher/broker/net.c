/* SPDX-License-Identifier: MIT */
/*
 * The broker's network services.  The program passes its own socket; the
 * broker checks the address against the grants and acts on that very
 * socket, so its options, its flags and its descriptor number are the
 * program's, and data never passes through here.
 *
 * A blocking socket's connect must not stall the broker: it is made
 * non-blocking for the connect, which is then waited for as a job, and
 * made blocking again before the reply.  A non-blocking socket gets the
 * connect's own answer, -EINPROGRESS most often, at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "broker.h"
#include "netgrant.h"
#include "open_how.h" /* libcap/ */

#define SA(m) ((const struct sockaddr *)&(m)->addr)

static int sockopt(int fd, int opt)
{
	int v;
	socklen_t len = sizeof v;

	return getsockopt(fd, SOL_SOCKET, opt, &v, &len) < 0 ? -1 : v;
}

/* The kind of grant a program's socket is checked against: TCP for
 * stream sockets, UDP for datagram ones, unix: for AF_UNIX. */
static int sock_kind(int fd)
{
	struct stat st;
	int dom, type, proto;

	if (fstat(fd, &st) < 0)
		return -EBADF;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	dom = sockopt(fd, SO_DOMAIN);
	type = sockopt(fd, SO_TYPE);
	proto = sockopt(fd, SO_PROTOCOL);
	if (dom == AF_UNIX)
		return OCAP_NET_UNIX;
	if (dom != AF_INET && dom != AF_INET6)
		return -EACCES;
	if (type == SOCK_STREAM && proto == IPPROTO_TCP)
		return OCAP_NET_CONNECT;
	if (type == SOCK_DGRAM && proto == IPPROTO_UDP)
		return OCAP_NET_UDP;
	return -EACCES; /* MPTCP, SCTP, raw: no grant covers them */
}

static void format_addr(const struct sockaddr *a, socklen_t len, char *buf,
			size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;

	if (a->sa_family == AF_INET && len >= sizeof s4) {
		memcpy(&s4, a, sizeof s4);
		inet_ntop(AF_INET, &s4.sin_addr, host, sizeof host);
		snprintf(buf, size, "%s:%u", host, ntohs(s4.sin_port));
	} else if (a->sa_family == AF_INET6 && len >= sizeof s6) {
		memcpy(&s6, a, sizeof s6);
		inet_ntop(AF_INET6, &s6.sin6_addr, host, sizeof host);
		snprintf(buf, size, "[%s]:%u", host, ntohs(s6.sin6_port));
	} else if (a->sa_family == AF_UNIX &&
		   len > offsetof(struct sockaddr_un, sun_path)) {
		const char *path = ((const struct sockaddr_un *)a)->sun_path;
		int n = (int)(len - offsetof(struct sockaddr_un, sun_path));
		snprintf(buf, size, "unix:%.*s", *path ? n : 0, path);
	} else {
		snprintf(buf, size, "an address of family %d", a->sa_family);
	}
}

/* The one line the broker prints, and only when asked to. */
static int deny(struct broker *b, const char *what, const struct sockaddr *a,
		socklen_t len)
{
	char where[160];

	if (b->plan->verbose) {
		format_addr(a, len, where, sizeof where);
		fprintf(stderr, "ocapsh: denied %s %s\n", what, where);
	}
	return -EACCES;
}

static int restore_blocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ? -errno : 0;
}

static void job_start(struct broker *b, int i, struct ocap_msg *m)
{
	int j = ocap__broker_slot_new(b, SLOT_JOB, m->fds[0]);
	struct slot *js = &b->slots[j];

	m->fds[0] = -1;
	b->njobs++;
	js->owner = i;
	js->owner_id = b->slots[i].id;
	js->seq = m->seq;
	ocap__broker_slot_want(b, j, POLLOUT);
	if (!b->slots[i].root) {
		b->slots[i].job = j;
		ocap__broker_chan_idle(b, i);
	}
}

static void job_end(struct broker *b, int j)
{
	restore_blocking(b->slots[j].fd);
	close(b->slots[j].fd);
	b->njobs--;
	ocap__broker_slot_free(b, j);
}

void ocap__broker_job_cancel(struct broker *b, int j)
{
	int o = b->slots[j].owner;

	if (b->slots[o].type == SLOT_CHAN && b->slots[o].job == j)
		b->slots[o].job = -1;
	job_end(b, j);
}

/* How the connect ended: SO_ERROR, or not connected at all. */
static int connect_result(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int err = sockopt(fd, SO_ERROR);

	if (err < 0)
		return -errno;
	if (err > 0)
		return -err;
	return getpeername(fd, (struct sockaddr *)&ss, &len) < 0 ? -errno : 0;
}

void ocap__broker_job_event(struct broker *b, int j, short revents)
{
	struct slot *js = &b->slots[j];
	int o = js->owner, r = connect_result(js->fd);
	uint32_t id = js->owner_id, seq = js->seq;

	ocap__broker_job_cancel(b, j);
	if (b->slots[o].type == SLOT_CHAN && b->slots[o].id == id)
		ocap__broker_chan_reply(b, o, seq, r);
}

/* Over loopback the handshake is often over by the time connect()
 * returns: no need to wait for it then. */
static bool done_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	return poll(&p, 1, 0) == 1;
}

static int connect_now(int fd, const struct sockaddr *to, socklen_t len)
{
	return connect(fd, to, len) < 0 ? -errno : 0;
}

/* For a unix: grant, the address to connect to instead of the program's:
 * the granted socket, looked up by its last name in the directory opened
 * at launch with no symlink followed (a program that can write there
 * could have put one in its place), through the broker's descriptor for
 * it, which is returned, to be closed after the connect. */
static int unix_target(struct broker *b, const struct ocap_msg *m,
		       struct sockaddr_un *sun)
{
	const struct ocap_net_grant *g =
		ocap__net_unix(b->plan, SA(m), m->addr_len);
	struct ocap_open_how how = {
		O_PATH | O_CLOEXEC, 0,
		OCAP_RESOLVE_BENEATH | OCAP_RESOLVE_NO_SYMLINKS |
			OCAP_RESOLVE_NO_MAGICLINKS };
	struct stat st;
	int sock, e;

	if (!g)
		return deny(b, "connect to", SA(m), m->addr_len);
	sock = (int)syscall(SYS_openat2, g->dirfd, g->base, &how, sizeof how);
	if (sock < 0)
		return errno == ELOOP ? deny(b, "connect through a symlink to",
					     SA(m), m->addr_len)
				      : -errno;
	/* ECONNREFUSED: connect(2)'s answer for a file that is no socket */
	e = fstat(sock, &st) < 0 ? errno : S_ISSOCK(st.st_mode) ? 0
								: ECONNREFUSED;
	if (e) {
		close(sock);
		return -e;
	}
	*sun = (struct sockaddr_un){ .sun_family = AF_UNIX };
	snprintf(sun->sun_path, sizeof sun->sun_path, "/proc/self/fd/%d", sock);
	return sock;
}

/* 0 or -errno for the reply, or 1 when a job now waits for the end. */
static int connect_to(struct broker *b, int i, struct ocap_msg *m,
		      const struct sockaddr *to, socklen_t len)
{
	int fd = m->fds[0], fl, r;

	if ((fl = fcntl(fd, F_GETFL)) < 0)
		return -errno;
	if (fl & O_NONBLOCK)
		return connect_now(fd, to, len);
	if (b->njobs >= BROKER_MAX_JOBS)
		return -EAGAIN;
	if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	if ((r = connect_now(fd, to, len)) == -EINPROGRESS && done_now(fd))
		r = connect_result(fd);
	if (r != -EINPROGRESS) {
		restore_blocking(fd);
		return r;
	}
	job_start(b, i, m);
	return 1;
}

static int do_connect(struct broker *b, int i, struct ocap_msg *m)
{
	struct sockaddr_un sun;
	int kind = sock_kind(m->fds[0]), sock, r;

	if (kind < 0)
		return kind;
	if (kind != OCAP_NET_UNIX) {
		if (!ocap__net_allows(b->plan, kind, SA(m), m->addr_len))
			return deny(b, "connect to", SA(m), m->addr_len);
		return connect_to(b, i, m, SA(m), m->addr_len);
	}
	/* A Unix connect finishes at once (a full backlog: EAGAIN). */
	if ((sock = unix_target(b, m, &sun)) < 0)
		return sock;
	r = connect_to(b, i, m, (struct sockaddr *)&sun, sizeof sun);
	close(sock);
	return r;
}

void ocap__broker_connect(struct broker *b, int i, struct ocap_msg *m)
{
	int r = do_connect(b, i, m);

	if (r <= 0)
		ocap__broker_chan_reply(b, i, m->seq, r);
}

/* Only TCP sockets are bound and listened on, at a --listen address. */
static int tcp_sock(int fd)
{
	int kind = sock_kind(fd);

	return kind < 0 ? kind : kind == OCAP_NET_CONNECT ? 0 : -EACCES;
}

void ocap__broker_bind(struct broker *b, int i, struct ocap_msg *m)
{
	int fd = m->fds[0], r = tcp_sock(fd);

	if (r == 0 && !ocap__net_allows(b->plan, OCAP_NET_LISTEN, SA(m),
					m->addr_len))
		r = deny(b, "bind to", SA(m), m->addr_len);
	if (r == 0 && bind(fd, SA(m), m->addr_len) < 0)
		r = -errno;
	ocap__broker_chan_reply(b, i, m->seq, r);
}

/* The socket must already be bound to a granted address: listen() on an
 * unbound socket would pick a port of its own. */
void ocap__broker_listen(struct broker *b, int i, struct ocap_msg *m)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = sizeof ss;
	int fd = m->fds[0], r = tcp_sock(fd);
	int backlog = m->count > INT_MAX ? INT_MAX : (int)m->count;

	if (r == 0 && getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		r = -errno;
	if (r == 0 && !ocap__net_allows(b->plan, OCAP_NET_LISTEN,
					(struct sockaddr *)&ss, len))
		r = deny(b, "listen on", (struct sockaddr *)&ss, len);
	if (r == 0 && listen(fd, backlog) < 0)
		r = -errno;
	ocap__broker_chan_reply(b, i, m->seq, r);
}

/* ---- resolve ---------------------------------------------------------- */

static bool is_peer_grant(const struct ocap_net_grant *g)
{
	return g->kind == OCAP_NET_CONNECT || g->kind == OCAP_NET_UDP;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static void push_addr(struct out *o, const struct sockaddr_storage *ss,
		      uint16_t port)
{
	struct sockaddr_storage a = *ss;

	if (o->naddrs == BROKER_MAX_ADDRS ||
	    (a.ss_family != AF_INET && a.ss_family != AF_INET6))
		return;
	set_port(&a, port);
	for (size_t k = 0; k < o->naddrs; k++)
		if (!memcmp(&o->addrs[k], &a, sizeof a))
			return;
	o->addrs[o->naddrs++] = a;
}

/* A granted name answers with the addresses it had at launch, the very
 * ones a connect is checked against. */
static bool from_grants(const ocap_plan *p, const char *name, uint16_t port,
			struct out *o)
{
	bool found = false;

	for (size_t k = 0; k < p->nnets; k++) {
		const struct ocap_net_grant *g = &p->nets[k];
		if (!is_peer_grant(g) || strcasecmp(g->host, name))
			continue;
		found = true;
		for (size_t a = 0; a < g->naddrs; a++)
			push_addr(o, &g->addrs[a], port);
	}
	return found;
}

static bool any_host(const ocap_plan *p)
{
	for (size_t k = 0; k < p->nnets; k++)
		if (is_peer_grant(&p->nets[k]) && !strcmp(p->nets[k].host, "*"))
			return true;
	return false;
}

/* Under a "*" grant any name is looked up, here and now.  getaddrinfo()
 * blocks the broker for as long as the lookup takes; that is accepted for
 * now rather than run a resolver thread. */
static int lookup(const char *name, uint16_t port, struct out *o)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	int r = getaddrinfo(name, NULL, &hints, &res);

	if (r == EAI_MEMORY)
		return -ENOMEM;
	if (r == EAI_AGAIN)
		return -EAGAIN;
	if (r != 0)
		return -ENOENT;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		struct sockaddr_storage ss = { 0 };
		if (ai->ai_addrlen > sizeof ss)
			continue;
		memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
		push_addr(o, &ss, port);
	}
	freeaddrinfo(res);
	return 0;
}

static int resolve(struct broker *b, const struct ocap_msg *m, struct out *o)
{
	uint16_t port = (m->fields & OCAP_F_PORT) ? m->port : 0;

	if (!(o->addrs = calloc(BROKER_MAX_ADDRS, sizeof *o->addrs)))
		return -ENOMEM;
	if (from_grants(b->plan, m->name, port, o))
		return 0;
	if (any_host(b->plan))
		return lookup(m->name, port, o);
	if (b->plan->verbose)
		fprintf(stderr, "ocapsh: denied resolve of %s\n", m->name);
	return -EACCES;
}

void ocap__broker_resolve(struct broker *b, int i, struct ocap_msg *m)
{
	struct out *o = &b->slots[i].out;
	int r;

	memset(o, 0, sizeof *o);
	o->kind = OUT_ADDRS;
	o->seq = m->seq;
	if ((r = resolve(b, m, o)) < 0) {
		ocap__broker_chan_reply(b, i, m->seq, r);
		return;
	}
	ocap__broker_chan_flush(b, i);
}
