/* SPDX-License-Identifier: MIT */
/*
 * Channels: the root descriptor and the private sessions opened through
 * it.  Each is read and written with MSG_DONTWAIT, never by its O_NONBLOCK:
 * that flag lives on an open file description the program may share (a
 * session it passed and kept, its own root descriptor passed as a session)
 * and clear.  A channel reads one request, answers it, and reads the next only
 * when the answer is written; a session whose client stops reading waits
 * for POLLOUT and reads nothing meanwhile.  The root descriptor is shared
 * by every process of the program and must never stall, so what it cannot
 * write at once is dropped: a client that wants its answers opens a
 * session (ocap_session()).
 *
 * Malformed requests get a REPLY with the decoding error; messages only a
 * broker sends, and transport errors, end a session.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "broker.h"
#include "netgrant.h"

void ocap__broker_chan_out_clear(struct out *o)
{
	if (o->kind == OUT_OPENED)
		close(o->fd);
	free(o->addrs);
	memset(o, 0, sizeof *o);
}

int ocap__broker_chan_add(struct broker *b, int fd, bool root)
{
	int i;

	if (b->nchans >= BROKER_MAX_CHANNELS)
		return -EMFILE;
	if ((i = ocap__broker_slot_new(b, SLOT_CHAN, fd)) < 0)
		return i;
	b->slots[i].root = root;
	b->nchans++;
	ocap__broker_slot_want(b, i, POLLIN);
	return i;
}

void ocap__broker_chan_drop(struct broker *b, int i)
{
	struct slot *s = &b->slots[i];

	for (int j = 0; j < BROKER_NSLOTS; j++)
		if (b->slots[j].type == SLOT_JOB && b->slots[j].owner == i &&
		    b->slots[j].owner_id == s->id)
			ocap__broker_job_cancel(b, j);
	ocap__broker_chan_out_clear(&s->out);
	if (!s->root)
		close(s->fd);
	b->nchans--;
	ocap__broker_slot_free(b, i);
}

/* A session waits for its next request, or, while its job is in
 * progress, only for its client to hang up. */
void ocap__broker_chan_idle(struct broker *b, int i)
{
	const struct slot *s = &b->slots[i];

	ocap__broker_slot_want(b, i, s->job >= 0 ? POLLRDHUP : POLLIN);
}

static void item_msg(const struct item *it, struct ocap_msg *m)
{
	size_t len = strlen(it->name);

	m->type = OCAP_MSG_TABLE_ENTRY;
	m->fields = OCAP_F_KIND | OCAP_F_RIGHTS | OCAP_F_NAME;
	m->kind = (uint32_t)it->kind;
	m->rights = it->rights;
	memcpy(m->name, it->name, len + 1);
	m->name_len = (uint16_t)len;
	if (it->fd >= 0) {
		m->nfds = 1;
		m->fds[0] = it->fd;
	}
}

static void addr_msg(const struct sockaddr_storage *ss, struct ocap_msg *m)
{
	m->type = OCAP_MSG_ADDR;
	m->fields = OCAP_F_ADDR;
	m->addr = *ss;
	m->addr_len = ss->ss_family == AF_INET ? sizeof(struct sockaddr_in)
					       : sizeof(struct sockaddr_in6);
}

/* The message at o's position; true when it is the last. */
static bool out_fill(const struct broker *b, const struct out *o,
		     struct ocap_msg *m)
{
	m->seq = o->seq;
	m->fields = 0;
	m->nfds = 0;
	if (o->kind == OUT_TABLE && o->pos < b->nitems) {
		item_msg(&b->items[o->pos], m);
		return false;
	}
	if (o->kind == OUT_ADDRS && o->pos < o->naddrs) {
		addr_msg(&o->addrs[o->pos], m);
		return false;
	}
	if (o->kind == OUT_OPENED) {
		m->type = OCAP_MSG_OPENED;
		m->nfds = 1;
		m->fds[0] = o->fd;
		return true;
	}
	m->type = o->kind == OUT_TABLE ? OCAP_MSG_TABLE_END : OCAP_MSG_REPLY;
	m->fields = o->kind == OUT_TABLE ? OCAP_F_COUNT : OCAP_F_STATUS;
	m->status = o->status;
	if (o->kind == OUT_TABLE)
		m->count = (uint32_t)b->nitems;
	if (o->kind == OUT_ADDRS) {
		m->fields |= OCAP_F_COUNT;
		m->count = (uint32_t)o->naddrs;
	}
	return true;
}

void ocap__broker_chan_flush(struct broker *b, int i)
{
	struct slot *s = &b->slots[i];

	while (s->out.kind != OUT_NONE) {
		bool last = out_fill(b, &s->out, &b->out);
		int r = ocap_msg_send_flags(s->fd, &b->out, MSG_DONTWAIT);

		if (r == -EAGAIN && !s->root) {
			ocap__broker_slot_want(b, i, POLLOUT);
			return;
		}
		if (r < 0 && !s->root) {
			ocap__broker_chan_drop(b, i);
			return;
		}
		if (r < 0 || last)
			ocap__broker_chan_out_clear(&s->out);
		else
			s->out.pos++;
	}
	ocap__broker_chan_idle(b, i);
}

void ocap__broker_chan_reply(struct broker *b, int i, uint32_t seq, int32_t status)
{
	struct out *o = &b->slots[i].out;

	ocap__broker_chan_out_clear(o);
	o->kind = OUT_REPLY;
	o->seq = seq;
	o->status = status;
	ocap__broker_chan_flush(b, i);
}

static bool is_seqpacket(int fd)
{
	int dom, type;
	socklen_t l1 = sizeof dom, l2 = sizeof type;

	return !getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l1) &&
	       !getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l2) &&
	       dom == AF_UNIX && type == SOCK_SEQPACKET;
}

/* A new private channel; past the cap, or not a SOCK_SEQPACKET socket,
 * it is closed and its client reads end-of-file.  Its O_NONBLOCK is left
 * alone: the client may hold the description too and set it as it likes. */
static void session(struct broker *b, struct ocap_msg *m)
{
	int fd = m->fds[0];

	m->fds[0] = -1;
	if (!is_seqpacket(fd) || ocap__broker_chan_add(b, fd, false) < 0)
		close(fd);
}

static void table(struct broker *b, int i, uint32_t seq)
{
	struct out *o = &b->slots[i].out;

	ocap__broker_chan_out_clear(o);
	o->kind = OUT_TABLE;
	o->seq = seq;
	ocap__broker_chan_flush(b, i);
}

static void dispatch(struct broker *b, int i, struct ocap_msg *m)
{
	switch (m->type) {
	case OCAP_MSG_SESSION:
		session(b, m);
		break;
	case OCAP_MSG_TABLE_REQ:
		table(b, i, m->seq);
		break;
	case OCAP_MSG_CONNECT:
		ocap__broker_connect(b, i, m);
		break;
	case OCAP_MSG_BIND:
		ocap__broker_bind(b, i, m);
		break;
	case OCAP_MSG_LISTEN:
		ocap__broker_listen(b, i, m);
		break;
	case OCAP_MSG_RESOLVE:
		ocap__broker_resolve(b, i, m);
		break;
	case OCAP_MSG_OPEN:
		ocap__broker_serve_open(b, i, m);
		break;
	default:
		/* A broker's message: the peer is a broker, or this is a
		 * session looped back on itself.  Answering could echo for
		 * ever. */
		if (!b->slots[i].root)
			ocap__broker_chan_drop(b, i);
	}
}

/* On a SOCK_SEQPACKET socket recvmsg() says 0 both for an empty message
 * and at hang-up; only the latter ends the channel. */
static bool hung_up(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) != 0 &&
	       (p.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL));
}

static void chan_read(struct broker *b, int i)
{
	struct ocap_msg *m = &b->in;
	int r;

	m->type = 0;
	m->seq = 0;
	m->nfds = 0;
	r = ocap_msg_recv_flags(b->slots[i].fd, m, MSG_DONTWAIT);
	if (r == -EAGAIN)
		return;
	if (r == -ECONNRESET && !hung_up(b->slots[i].fd))
		r = -EBADMSG;
	if (r == -EBADMSG || r == -EPROTONOSUPPORT || r == -EMSGSIZE) {
		ocap__broker_chan_reply(b, i, m->seq, r);
		return;
	}
	if (r < 0) {
		ocap__broker_chan_drop(b, i); /* the root too: nobody holds it */
		return;
	}
	dispatch(b, i, m);
	ocap_msg_close_fds(m);
}

void ocap__broker_chan_event(struct broker *b, int i, short revents)
{
	const struct slot *s = &b->slots[i];

	if (s->want & POLLOUT)
		ocap__broker_chan_flush(b, i);
	else if (s->want & POLLIN)
		chan_read(b, i);
	else
		ocap__broker_chan_drop(b, i); /* hung up during its job */
}

/* ---- the table ------------------------------------------------------------ */

static bool item_add(struct broker *b, int kind, ocap_rights_t rights,
		     const char *name, int fd)
{
	size_t len = strlen(name);
	char *copy;

	if (len == 0 || len > OCAP_NAME_MAX)
		return true;
	for (size_t k = 0; k < b->nitems; k++)
		if (!strcmp(b->items[k].name, name))
			return true; /* the client would refuse a duplicate */
	if (!(copy = strdup(name)))
		return false;
	b->items[b->nitems++] = (struct item){ kind, rights, copy, fd };
	return true;
}

static bool add_net(struct broker *b, const struct ocap_net_grant *g)
{
	char name[OCAP_NAME_MAX + 1];
	bool listen = g->kind == OCAP_NET_LISTEN;

	if (ocap__net_name(g, name, sizeof name) < 0)
		return true;
	return item_add(b, listen ? OCAP_KIND_LISTENER : OCAP_KIND_ENDPOINT,
			listen ? OCAP_RIGHT_LISTEN : OCAP_RIGHT_CONNECT, name,
			-1);
}

/* The rows of TABLE_REQ's answer, made once.  Path grants are sent with
 * their own descriptor: SCM_RIGHTS gives the program a new one, and the
 * plan keeps its. */
int ocap__broker_items_new(struct broker *b)
{
	const ocap_plan *p = b->plan;
	size_t max = b->c->npaths + p->nnets;

	if (!(b->items = calloc(max ? max : 1, sizeof *b->items)))
		return -ENOMEM;
	b->nitems = 0;
	for (size_t k = 0; k < b->c->npaths; k++) {
		const struct ocap_path_grant *g = &b->c->paths[k];
		if (g->fd < 0 || !g->name ||
		    (g->kind != OCAP_KIND_DIR && g->kind != OCAP_KIND_FILE))
			continue;
		if (!item_add(b, g->kind, g->rights, g->name, g->fd))
			return -ENOMEM;
	}
	for (size_t k = 0; k < p->nnets; k++)
		if (!add_net(b, &p->nets[k]))
			return -ENOMEM;
	return 0;
}

void ocap__broker_items_free(struct broker *b)
{
	for (size_t k = 0; k < b->nitems; k++)
		free(b->items[k].name);
	free(b->items);
	b->items = NULL;
	b->nitems = 0;
}
