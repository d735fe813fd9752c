/* SPDX-License-Identifier: MIT */
/*
 * The client side of the broker's services: the network, and reopening a
 * file granted on its own.  Requests go over a private session
 * (ocap_session() on $OCAP_ROOT) that each process opens on first use: a
 * forked child opens its own, so that no reply reaches the wrong process.  One request is on the session at a time, under a mutex,
 * and every reply must carry its request's sequence number.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <unistd.h>

#include "internal.h"

/* More ADDR messages than this in one answer is a broken broker. */
#define RESOLVE_MAX 256

/* One request, before it becomes a message. */
struct call {
	uint16_t type;
	int sock;
	const struct sockaddr *addr;
	socklen_t len;
	uint32_t count;
	const char *name;
	uint16_t port;
	struct sockaddr_storage *addrs; /* RESOLVE: where answers go */
	size_t n;
};

static struct {
	pthread_mutex_t lock;
	pthread_once_t once;
	pid_t pid;
	int fd;
	dev_t dev;
	ino_t ino;
	uint32_t seq;
	struct ocap_msg m;
} sess = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_ONCE_INIT, 0, -1, 0, 0, 0, {0} };

/* In the child, the only thread: the parent's session is not ours. */
static void after_fork(void)
{
	pthread_mutex_init(&sess.lock, NULL);
	if (sess.fd >= 0)
		close(sess.fd);
	sess.fd = -1;
}

static void net_init(void)
{
	pthread_atfork(NULL, NULL, after_fork);
}

/* Whether sess.fd is still the socket this process opened: a program
 * may close it, or fork without the atfork handler (a raw clone). */
static bool session_ours(void)
{
	struct stat st;

	if (sess.fd < 0 || sess.pid != getpid())
		return false;
	return ocap__sys_fstat(sess.fd, &st) == 0 && st.st_dev == sess.dev &&
	       st.st_ino == sess.ino;
}

static int session_get(void)
{
	struct stat st;
	int root, s, r;

	if (session_ours())
		return sess.fd;
	sess.fd = -1; /* not ours to close any more */
	if ((root = ocap__root_fd()) < 0)
		return root;
	if ((s = ocap_session(root)) < 0)
		return s == -EBADF || s == -ENOTSOCK || s == -ENOMEM ||
				       s == -EMFILE || s == -ENFILE
			       ? s
			       : -ENOENT;
	if ((r = ocap__sys_fstat(s, &st)) < 0) {
		close(s);
		return r;
	}
	sess.fd = s;
	sess.pid = getpid();
	sess.dev = st.st_dev;
	sess.ino = st.st_ino;
	return s;
}

/* The session broke: -ENOENT when the broker is gone (the root descriptor
 * hung up), -EAGAIN when it only dropped this session (too many). */
static int session_fail(int err)
{
	struct pollfd p = { .fd = ocap__root_fd(), .events = 0 };

	close(sess.fd);
	sess.fd = -1;
	if (err != -ECONNRESET && err != -EPIPE && err != -ENOTCONN)
		return err;
	if (p.fd < 0 || (poll(&p, 1, 0) == 1 && (p.revents & POLLHUP)))
		return -ENOENT;
	return -EAGAIN;
}

static void build(const struct call *c, struct ocap_msg *m)
{
	m->type = c->type;
	m->seq = ++sess.seq;
	m->fields = 0;
	m->nfds = 0;
	if (c->sock >= 0) {
		m->nfds = 1;
		m->fds[0] = c->sock;
	}
	if (c->addr) {
		m->fields |= OCAP_F_ADDR;
		memset(&m->addr, 0, sizeof m->addr);
		memcpy(&m->addr, c->addr, c->len);
		m->addr_len = c->len;
	}
	if (c->type == OCAP_MSG_LISTEN || c->type == OCAP_MSG_OPEN) {
		m->fields |= OCAP_F_COUNT;
		m->count = c->count;
	}
	if (c->name) {
		m->fields |= OCAP_F_NAME;
		m->name_len = (uint16_t)strlen(c->name);
		memcpy(m->name, c->name, m->name_len + 1u);
	}
	if (c->type == OCAP_MSG_RESOLVE) {
		m->fields |= OCAP_F_PORT;
		m->port = c->port;
	}
}

/* Whether m may answer c, as one of got ADDR messages so far. */
static bool answers(const struct ocap_msg *m, const struct call *c,
		    size_t got)
{
	bool resolve = c->type == OCAP_MSG_RESOLVE;
	bool open = c->type == OCAP_MSG_OPEN;

	switch (m->type) {
	case OCAP_MSG_REPLY:
		return !open || m->status < 0;
	case OCAP_MSG_ADDR:
		return resolve && got < RESOLVE_MAX;
	case OCAP_MSG_OPENED:
		return open;
	}
	return false;
}

/* Read the answer to request seq: ADDR messages (kept in c->addrs) and
 * the REPLY, or OPENED.  Returns its status, for RESOLVE how many were
 * kept, for OPEN the descriptor. */
static int answer(int fd, uint32_t seq, struct call *c)
{
	struct ocap_msg *m = &sess.m;
	size_t got = 0;
	int r;

	for (;;) {
		if ((r = ocap_msg_recv(fd, m)) < 0)
			return session_fail(r);
		if (m->seq != seq || !answers(m, c, got)) {
			ocap_msg_close_fds(m);
			return session_fail(-EBADMSG);
		}
		if (m->type == OCAP_MSG_OPENED) {
			m->nfds = 0;
			return m->fds[0];
		}
		if (m->type == OCAP_MSG_ADDR) {
			if (got < c->n)
				c->addrs[got] = m->addr;
			got++;
			continue;
		}
		if (m->status < 0 || c->type != OCAP_MSG_RESOLVE)
			return m->status;
		if (!(m->fields & OCAP_F_COUNT) || m->count != got)
			return session_fail(-EBADMSG);
		return (int)(got < c->n ? got : c->n);
	}
}

static int call(struct call *c)
{
	int fd, r;

	pthread_once(&sess.once, net_init);
	pthread_mutex_lock(&sess.lock);
	if ((r = fd = session_get()) >= 0) {
		build(c, &sess.m);
		r = ocap_msg_send(fd, &sess.m);
		if (r == 0)
			r = answer(fd, sess.m.seq, c);
		else if (r != -EBADF) /* EBADF: the caller's socket */
			r = session_fail(r);
	}
	pthread_mutex_unlock(&sess.lock);
	return r;
}

/* The length the protocol carries for addr, or -errno as connect(2). */
static int addr_len(const struct sockaddr *a, socklen_t len)
{
	if (!a || len < sizeof(sa_family_t))
		return -EINVAL;
	switch (a->sa_family) {
	case AF_INET:
		return len >= sizeof(struct sockaddr_in)
			       ? (int)sizeof(struct sockaddr_in) : -EINVAL;
	case AF_INET6:
		return len >= sizeof(struct sockaddr_in6)
			       ? (int)sizeof(struct sockaddr_in6) : -EINVAL;
	case AF_UNIX:
		return len > offsetof(struct sockaddr_un, sun_path) &&
				       len <= sizeof(struct sockaddr_un)
			       ? (int)len : -EINVAL;
	}
	return -EAFNOSUPPORT;
}

static int addr_call(uint16_t type, int sock, const struct sockaddr *addr,
		     socklen_t len)
{
	struct call c = { .type = type, .sock = sock, .addr = addr };
	int n = addr_len(addr, len);

	if (sock < 0)
		return -EBADF;
	if (n < 0)
		return n;
	c.len = (socklen_t)n;
	return call(&c);
}

int ocap_connect(int sock, const struct sockaddr *addr, socklen_t len)
{
	return addr_call(OCAP_MSG_CONNECT, sock, addr, len);
}

int ocap_bind(int sock, const struct sockaddr *addr, socklen_t len)
{
	return addr_call(OCAP_MSG_BIND, sock, addr, len);
}

int ocap_listen(int sock, int backlog)
{
	/* A negative backlog means the most the kernel allows, as listen(2)
	 * treats it. */
	struct call c = { .type = OCAP_MSG_LISTEN, .sock = sock,
			  .count = backlog < 0 ? UINT32_MAX : (uint32_t)backlog };

	if (sock < 0)
		return -EBADF;
	return call(&c);
}

int ocap_resolve(const char *host, uint16_t port,
		 struct sockaddr_storage *addrs, size_t n)
{
	struct call c = { .type = OCAP_MSG_RESOLVE, .sock = -1, .name = host,
			  .port = port, .addrs = addrs, .n = n };

	if (!host || !*host || (!addrs && n))
		return -EINVAL;
	if (strlen(host) > OCAP_NAME_MAX)
		return -ENAMETOOLONG;
	return call(&c);
}

int ocap__broker_open(const char *name, int flags)
{
	struct call c = { .type = OCAP_MSG_OPEN, .sock = -1, .name = name,
			  .count = (uint32_t)(flags & ~O_CLOEXEC) };
	int fd = call(&c);

	/* Received close-on-exec; kept so only when asked for. */
	if (fd >= 0 && !(flags & O_CLOEXEC) && fcntl(fd, F_SETFD, 0) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}
