/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <unistd.h>

#include "internal.h"

#define HDR_LEN 16
#define TLV_LEN 4
#define FD_BY_KIND (-1)

enum { TAG_STATUS = 1, TAG_KIND, TAG_RIGHTS, TAG_NAME, TAG_PORT, TAG_ADDR,
       TAG_COUNT, TAG_MAX = TAG_COUNT };

/* Which fields each type requires and allows, and how many descriptors
 * ride with it. */
static const struct spec {
	uint32_t req, opt;
	int nfds;
} specs[OCAP_MSG_TYPE_MAX + 1] = {
	[OCAP_MSG_TABLE_REQ] = { 0, 0, 0 },
	[OCAP_MSG_TABLE_ENTRY] = { OCAP_F_KIND | OCAP_F_RIGHTS | OCAP_F_NAME, 0,
				   FD_BY_KIND },
	[OCAP_MSG_TABLE_END] = { OCAP_F_COUNT, 0, 0 },
	[OCAP_MSG_REPLY] = { OCAP_F_STATUS, OCAP_F_COUNT, 0 },
	[OCAP_MSG_CONNECT] = { OCAP_F_ADDR, OCAP_F_NAME, 1 },
	[OCAP_MSG_BIND] = { OCAP_F_ADDR, 0, 1 },
	[OCAP_MSG_LISTEN] = { OCAP_F_COUNT, 0, 1 },
	[OCAP_MSG_RESOLVE] = { OCAP_F_NAME, OCAP_F_PORT, 0 },
	[OCAP_MSG_ADDR] = { OCAP_F_ADDR, 0, 0 },
	[OCAP_MSG_SESSION] = { 0, 0, 1 },
	[OCAP_MSG_OPEN] = { OCAP_F_NAME | OCAP_F_COUNT, 0, 0 },
	[OCAP_MSG_OPENED] = { 0, 0, 1 },
};

static bool addr_ok(const struct sockaddr_storage *a, uint32_t len)
{
	if (len < sizeof(sa_family_t) || len > sizeof *a)
		return false;
	switch (a->ss_family) {
	case AF_INET:
		return len == sizeof(struct sockaddr_in);
	case AF_INET6:
		return len == sizeof(struct sockaddr_in6);
	case AF_UNIX:
		return len > offsetof(struct sockaddr_un, sun_path) &&
		       len <= sizeof(struct sockaddr_un);
	}
	return false;
}

/* The rules both sides keep: a message that breaks one is never sent and
 * never accepted. */
static int check(const struct ocap_msg *m)
{
	const struct spec *s;
	int nfds;

	if (m->type == 0 || m->type > OCAP_MSG_TYPE_MAX)
		return -EBADMSG;
	s = &specs[m->type];
	if ((m->fields & s->req) != s->req || (m->fields & ~(s->req | s->opt)))
		return -EBADMSG;
	if ((m->fields & OCAP_F_KIND) && !ocap_kind_name((int)m->kind))
		return -EBADMSG;
	if ((m->fields & OCAP_F_RIGHTS) && (m->rights & ~OCAP_RIGHTS_ALL))
		return -EBADMSG;
	if ((m->fields & OCAP_F_STATUS) && (m->status > 0 || m->status < -4095))
		return -EBADMSG;
	if ((m->fields & OCAP_F_NAME) &&
	    (m->name_len == 0 || m->name_len > OCAP_NAME_MAX ||
	     memchr(m->name, '\0', m->name_len) || m->name[m->name_len]))
		return -EBADMSG;
	if ((m->fields & OCAP_F_ADDR) && !addr_ok(&m->addr, m->addr_len))
		return -EBADMSG;
	nfds = s->nfds == FD_BY_KIND ? ocap__is_fs_kind((int)m->kind) : s->nfds;
	if (m->nfds != (unsigned)nfds)
		return -EBADMSG;
	return 0;
}

static uint8_t *put(uint8_t *p, uint16_t tag, const void *v, uint16_t len)
{
	memcpy(p, &tag, 2);
	memcpy(p + 2, &len, 2);
	memcpy(p + TLV_LEN, v, len);
	return p + TLV_LEN + len;
}

int ocap_msg_encode(const struct ocap_msg *m, void *buf, size_t size)
{
	uint8_t tmp[OCAP_MSG_MAX + OCAP_NAME_MAX], *p = tmp + HDR_LEN;
	uint32_t magic = OCAP_PROTO_MAGIC, len;
	uint16_t version = OCAP_PROTO_VERSION;

	if (!m || !buf || check(m) < 0)
		return -EINVAL;
	if (m->fields & OCAP_F_STATUS)
		p = put(p, TAG_STATUS, &m->status, 4);
	if (m->fields & OCAP_F_KIND)
		p = put(p, TAG_KIND, &m->kind, 4);
	if (m->fields & OCAP_F_RIGHTS)
		p = put(p, TAG_RIGHTS, &m->rights, 4);
	if (m->fields & OCAP_F_NAME)
		p = put(p, TAG_NAME, m->name, m->name_len);
	if (m->fields & OCAP_F_PORT)
		p = put(p, TAG_PORT, &m->port, 2);
	if (m->fields & OCAP_F_ADDR)
		p = put(p, TAG_ADDR, &m->addr, (uint16_t)m->addr_len);
	if (m->fields & OCAP_F_COUNT)
		p = put(p, TAG_COUNT, &m->count, 4);
	len = (uint32_t)(p - tmp);
	if (len > OCAP_MSG_MAX)
		return -EMSGSIZE;
	if (len > size)
		return -ENOSPC;
	len -= HDR_LEN;
	memcpy(tmp, &magic, 4);
	memcpy(tmp + 4, &version, 2);
	memcpy(tmp + 6, &m->type, 2);
	memcpy(tmp + 8, &m->seq, 4);
	memcpy(tmp + 12, &len, 4);
	memcpy(buf, tmp, HDR_LEN + len);
	return (int)(HDR_LEN + len);
}

static int get_u32(const uint8_t *v, uint16_t len, void *out)
{
	if (len != 4)
		return -EBADMSG;
	memcpy(out, v, 4);
	return 0;
}

static int get_field(struct ocap_msg *m, uint16_t tag, const uint8_t *v,
		     uint16_t len)
{
	switch (tag) {
	case TAG_STATUS: return get_u32(v, len, &m->status);
	case TAG_KIND: return get_u32(v, len, &m->kind);
	case TAG_RIGHTS: return get_u32(v, len, &m->rights);
	case TAG_COUNT: return get_u32(v, len, &m->count);
	case TAG_PORT:
		if (len != 2)
			return -EBADMSG;
		memcpy(&m->port, v, 2);
		return 0;
	case TAG_NAME:
		if (len == 0 || len > OCAP_NAME_MAX)
			return -EBADMSG;
		memcpy(m->name, v, len);
		m->name[len] = '\0';
		m->name_len = len;
		return 0;
	case TAG_ADDR:
		if (len > sizeof m->addr)
			return -EBADMSG;
		memset(&m->addr, 0, sizeof m->addr);
		memcpy(&m->addr, v, len);
		m->addr_len = len;
		return 0;
	}
	return -EBADMSG;
}

static int decode(struct ocap_msg *m, const uint8_t *b, size_t len)
{
	uint32_t magic, plen;
	uint16_t version;
	size_t off = HDR_LEN;

	if (len < HDR_LEN)
		return -EBADMSG;
	memcpy(&magic, b, 4);
	memcpy(&version, b + 4, 2);
	memcpy(&m->type, b + 6, 2);
	memcpy(&m->seq, b + 8, 4);
	memcpy(&plen, b + 12, 4);
	if (magic != OCAP_PROTO_MAGIC)
		return -EBADMSG;
	if (version != OCAP_PROTO_VERSION)
		return -EPROTONOSUPPORT;
	if (plen != len - HDR_LEN || len > OCAP_MSG_MAX)
		return -EBADMSG;
	m->fields = 0;
	while (off < len) {
		uint16_t tag, flen;
		int r;

		if (len - off < TLV_LEN)
			return -EBADMSG;
		memcpy(&tag, b + off, 2);
		memcpy(&flen, b + off + 2, 2);
		off += TLV_LEN;
		if (tag == 0 || tag > TAG_MAX || flen > len - off ||
		    (m->fields & 1u << (tag - 1)))
			return -EBADMSG;
		if ((r = get_field(m, tag, b + off, flen)) < 0)
			return r;
		m->fields |= 1u << (tag - 1);
		off += flen;
	}
	return check(m);
}

void ocap_msg_close_fds(struct ocap_msg *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->nfds && i < OCAP_MSG_FDS_MAX; i++)
		if (m->fds[i] >= 0)
			close(m->fds[i]);
	m->nfds = 0;
}

int ocap_msg_decode(struct ocap_msg *m, const void *buf, size_t len,
		    unsigned nfds)
{
	int r;

	if (!m)
		return -EINVAL;
	m->nfds = nfds > OCAP_MSG_FDS_MAX ? OCAP_MSG_FDS_MAX : nfds;
	r = buf && nfds <= OCAP_MSG_FDS_MAX ? decode(m, buf, len) : -EBADMSG;
	if (r < 0)
		ocap_msg_close_fds(m);
	return r;
}

int ocap_msg_send_flags(int sock, const struct ocap_msg *m, int flags)
{
	uint8_t buf[OCAP_MSG_MAX];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(OCAP_MSG_FDS_MAX * sizeof(int))];
	} ctl;
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int len = ocap_msg_encode(m, buf, sizeof buf);
	ssize_t n;

	if (flags & ~MSG_DONTWAIT)
		return -EINVAL;
	if (len < 0)
		return len;
	iov.iov_base = buf;
	iov.iov_len = (size_t)len;
	if (m->nfds) {
		memset(&ctl, 0, sizeof ctl);
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(m->nfds * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(m->nfds * sizeof(int));
		memcpy(CMSG_DATA(c), m->fds, m->nfds * sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == len ? 0 : -EMSGSIZE;
}

int ocap_msg_send(int sock, const struct ocap_msg *m)
{
	return ocap_msg_send_flags(sock, m, 0);
}

/* Collect the descriptors of every SCM_RIGHTS header; false when there
 * are more than fit (they are all closed then). */
static bool take_fds(struct msghdr *mh, struct ocap_msg *m)
{
	bool ok = true;

	m->nfds = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			if (m->nfds < OCAP_MSG_FDS_MAX)
				m->fds[m->nfds++] = fd;
			else {
				close(fd);
				ok = false;
			}
		}
	}
	return ok;
}

int ocap_msg_recv_flags(int sock, struct ocap_msg *m, int flags)
{
	uint8_t buf[OCAP_MSG_MAX];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE((OCAP_MSG_FDS_MAX + 1) * sizeof(int))];
	} ctl;
	struct iovec iov = { buf, sizeof buf };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b,
			     .msg_controllen = sizeof ctl.b };
	ssize_t n;

	/* Only MSG_DONTWAIT: MSG_PEEK would install the descriptors twice. */
	if (!m || (flags & ~MSG_DONTWAIT))
		return -EINVAL;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	bool ok = take_fds(&mh, m);
	if (!ok || (mh.msg_flags & (MSG_CTRUNC | MSG_TRUNC))) {
		int r = (mh.msg_flags & MSG_TRUNC) ? -EMSGSIZE : -EBADMSG;
		ocap_msg_close_fds(m);
		return r;
	}
	if (n == 0 && m->nfds == 0)
		return -ECONNRESET;
	return ocap_msg_decode(m, buf, (size_t)n, m->nfds);
}

int ocap_msg_recv(int sock, struct ocap_msg *m)
{
	return ocap_msg_recv_flags(sock, m, 0);
}
