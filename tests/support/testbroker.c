/* SPDX-License-Identifier: MIT */
#include "testbroker.h"
#include "support.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum tb_op { TB_MSG, TB_RAW, TB_SHUTDOWN };

struct tb_step {
	enum tb_op op;
	bool exact; /* keep the sequence number */
	struct ocap_msg *msg;
	unsigned char *raw;
	size_t len;
	int fds[64];
	unsigned nfds;
};

int tb_init(struct testbroker *tb)
{
	memset(tb, 0, sizeof(*tb));
	tb->sock[0] = tb->sock[1] = tb->chan = -1;
	return seqpacket_pair(tb->sock);
}

static struct tb_step *tb_push(struct testbroker *tb, enum tb_op op)
{
	struct tb_step *s;

	if (tb->nsteps == tb->cap) {
		size_t n = tb->cap ? 2 * tb->cap : 16;

		s = realloc(tb->steps, n * sizeof(*s));
		if (!s)
			return NULL;
		tb->steps = s;
		tb->cap = n;
	}
	s = &tb->steps[tb->nsteps++];
	memset(s, 0, sizeof(*s));
	s->op = op;
	return s;
}

int tb_add_msg(struct testbroker *tb, const struct ocap_msg *m)
{
	struct tb_step *s = tb_push(tb, TB_MSG);

	if (!s)
		return -ENOMEM;
	s->msg = malloc(sizeof(*m));
	if (!s->msg) {
		tb->nsteps--;
		return -ENOMEM;
	}
	*s->msg = *m;
	return 0;
}

int tb_add_msg_exact(struct testbroker *tb, const struct ocap_msg *m)
{
	int rc = tb_add_msg(tb, m);

	if (rc == 0)
		tb->steps[tb->nsteps - 1].exact = true;
	return rc;
}

int tb_add_entry(struct testbroker *tb, int kind, ocap_rights_t rights,
		 const char *name, int fd)
{
	struct ocap_msg m;
	size_t len = strlen(name);

	if (len > OCAP_NAME_MAX)
		return -ENAMETOOLONG;
	memset(&m, 0, sizeof(m));
	m.type = OCAP_MSG_TABLE_ENTRY;
	m.fields = OCAP_F_KIND | OCAP_F_RIGHTS | OCAP_F_NAME;
	m.kind = (uint32_t)kind;
	m.rights = rights;
	m.name_len = (uint16_t)len;
	memcpy(m.name, name, len + 1);
	if (fd >= 0) {
		m.nfds = 1;
		m.fds[0] = fd;
	}
	return tb_add_msg(tb, &m);
}

int tb_add_end(struct testbroker *tb, uint32_t count)
{
	struct ocap_msg m;

	memset(&m, 0, sizeof(m));
	m.type = OCAP_MSG_TABLE_END;
	m.fields = OCAP_F_COUNT;
	m.count = count;
	return tb_add_msg(tb, &m);
}

int tb_add_reply(struct testbroker *tb, int32_t status)
{
	struct ocap_msg m;

	memset(&m, 0, sizeof(m));
	m.type = OCAP_MSG_REPLY;
	m.fields = OCAP_F_STATUS;
	m.status = status;
	return tb_add_msg(tb, &m);
}

int tb_add_table(struct testbroker *tb, const struct tb_entry *e, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = tb_add_entry(tb, e[i].kind, e[i].rights, e[i].name,
				  e[i].fd);
		if (rc < 0)
			return rc;
	}
	return tb_add_end(tb, (uint32_t)n);
}

int tb_add_raw(struct testbroker *tb, const void *buf, size_t len,
	       const int *fds, unsigned nfds)
{
	struct tb_step *s;

	if (nfds > 64)
		return -EINVAL;
	s = tb_push(tb, TB_RAW);
	if (!s)
		return -ENOMEM;
	s->raw = malloc(len ? len : 1);
	if (!s->raw) {
		tb->nsteps--;
		return -ENOMEM;
	}
	memcpy(s->raw, buf, len);
	s->len = len;
	if (nfds)
		memcpy(s->fds, fds, nfds * sizeof(int));
	s->nfds = nfds;
	return 0;
}

int tb_add_raw_exact(struct testbroker *tb, const void *buf, size_t len,
		     const int *fds, unsigned nfds)
{
	int rc = tb_add_raw(tb, buf, len, fds, nfds);

	if (rc == 0)
		tb->steps[tb->nsteps - 1].exact = true;
	return rc;
}

int tb_add_shutdown(struct testbroker *tb)
{
	return tb_push(tb, TB_SHUTDOWN) ? 0 : -ENOMEM;
}

/* Take the SESSION message and the channel that came with it. */
static void tb_read_session(struct testbroker *tb)
{
	struct ocap_msg m;

	memset(&m, 0, sizeof(m));
	tb->session_rc = ocap_msg_recv(tb->sock[1], &m);
	if (tb->session_rc < 0)
		return;
	if (m.type != OCAP_MSG_SESSION || m.fields || m.nfds != 1) {
		tb->session_rc = -EBADMSG;
		ocap_msg_close_fds(&m);
		return;
	}
	tb->chan = m.fds[0];
}

static void tb_read_request(struct testbroker *tb)
{
	struct ocap_msg req;

	memset(&req, 0, sizeof(req));
	tb->req_rc = ocap_msg_recv(tb->chan, &req);
	if (tb->req_rc < 0)
		return;
	tb->req_type = req.type;
	tb->req_seq = req.seq;
	tb->req_fields = req.fields;
	tb->req_nfds = req.nfds;
	ocap_msg_close_fds(&req);
}

static int tb_send(struct testbroker *tb, const struct tb_step *s)
{
	unsigned char *raw = s->raw;
	int rc;

	if (s->op == TB_MSG) {
		if (!s->exact)
			s->msg->seq = tb->req_seq;
		return ocap_msg_send(tb->chan, s->msg);
	}
	if (!s->exact && s->len >= RAW_HDR_LEN)
		memcpy(raw + 8, &tb->req_seq, 4);
	rc = send_dgram(tb->chan, raw, s->len, s->fds, s->nfds);
	return rc;
}

static void *tb_main(void *arg)
{
	struct testbroker *tb = arg;
	size_t i;
	int rc;

	tb->chan = tb->sock[1];
	if (tb->session) {
		tb->chan = -1;
		tb_read_session(tb);
		if (tb->session_rc < 0) {
			shutdown(tb->sock[1], SHUT_RDWR);
			return NULL;
		}
	}
	tb_read_request(tb);
	for (i = 0; i < tb->nsteps && tb->req_rc >= 0; i++) {
		if (tb->steps[i].op == TB_SHUTDOWN)
			break;
		rc = tb_send(tb, &tb->steps[i]);
		if (rc < 0) {
			tb->send_rc = rc;
			break;
		}
		tb->sent++;
	}
	shutdown(tb->chan, SHUT_RDWR);
	return NULL;
}

int tb_start(struct testbroker *tb)
{
	int rc;

	signal(SIGPIPE, SIG_IGN);
	rc = pthread_create(&tb->thread, NULL, tb_main, tb);
	if (rc)
		return -rc;
	tb->started = true;
	return 0;
}

int tb_start_session(struct testbroker *tb)
{
	tb->session = true;
	return tb_start(tb);
}

static void tb_free_steps(struct testbroker *tb)
{
	size_t i;

	for (i = 0; i < tb->nsteps; i++) {
		free(tb->steps[i].msg);
		free(tb->steps[i].raw);
	}
	free(tb->steps);
	tb->steps = NULL;
	tb->nsteps = tb->cap = 0;
}

static int tb_join(struct testbroker *tb)
{
	int rc = 0;

	if (tb->started)
		pthread_join(tb->thread, NULL);
	tb->started = false;
	if (tb->session && tb->chan >= 0)
		close(tb->chan);
	tb->chan = -1;
	if (tb->sock[1] >= 0)
		close(tb->sock[1]);
	tb->sock[1] = -1;
	tb_free_steps(tb);
	if (tb->session && tb->session_rc < 0)
		rc = tb->session_rc;
	else if (tb->req_rc < 0)
		rc = tb->req_rc;
	else if (tb->req_type != OCAP_MSG_TABLE_REQ || tb->req_fields ||
		 tb->req_nfds)
		rc = -EBADMSG;
	return rc;
}

int tb_finish(struct testbroker *tb)
{
	int rc;

	if (tb->sock[0] >= 0)
		shutdown(tb->sock[0], SHUT_RDWR);
	rc = tb_join(tb);
	if (tb->sock[0] >= 0)
		close(tb->sock[0]);
	tb->sock[0] = -1;
	return rc;
}

int tb_finish_keep_client(struct testbroker *tb)
{
	if (tb->sock[0] >= 0)
		shutdown(tb->sock[0], SHUT_RDWR);
	return tb_join(tb);
}
