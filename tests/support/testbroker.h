/* SPDX-License-Identifier: MIT */
#ifndef OCAP_TEST_BROKER_H
#define OCAP_TEST_BROKER_H

/*
 * An in-process broker for tests: a socketpair and a thread that waits for
 * one request, then plays a script of datagrams and shuts its end down.
 * Steps are either messages sent with ocap_msg_send() or raw datagrams
 * (any bytes, any descriptors) sent with sendmsg(), so that malformed
 * broker replies can be scripted.
 *
 * Descriptors named in steps stay owned by the caller, who must keep them
 * open until tb_finish().
 *
 * Replies carry the request's sequence number: scripted messages and raw
 * datagrams (of at least a header) get it patched in unless added with
 * tb_add_raw_exact().
 *
 * In session mode (tb_start_session) the broker first takes a SESSION
 * message on its end and serves the request and the script on the
 * channel that came with it, as the launcher's broker does for
 * ocap_root().
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <ocap/ocap.h>

struct tb_entry {
	int kind;
	ocap_rights_t rights;
	const char *name;
	int fd; /* -1: no descriptor */
};

struct tb_step;

struct testbroker {
	int sock[2]; /* [0] the client's end, [1] the broker's */
	pthread_t thread;
	bool started;
	struct tb_step *steps;
	size_t nsteps, cap;
	bool session;          /* session mode */
	int chan;              /* the channel served, sock[1] or a session */
	int session_rc;        /* 0, or what was wrong with the SESSION */
	int req_rc;            /* ocap_msg_recv() of the request */
	uint16_t req_type;     /* its type */
	uint32_t req_seq;      /* its sequence number */
	uint32_t req_fields;   /* its fields */
	unsigned req_nfds;     /* descriptors that came with it */
	int send_rc;           /* first failed send, or 0 */
	size_t sent;           /* steps sent */
};

int tb_init(struct testbroker *tb);
/* Queue a message (copied); sent with ocap_msg_send(). */
int tb_add_msg(struct testbroker *tb, const struct ocap_msg *m);
int tb_add_entry(struct testbroker *tb, int kind, ocap_rights_t rights,
		 const char *name, int fd);
int tb_add_end(struct testbroker *tb, uint32_t count);
int tb_add_reply(struct testbroker *tb, int32_t status);
/* Entries followed by TABLE_END with their count. */
int tb_add_table(struct testbroker *tb, const struct tb_entry *e, size_t n);
/* Queue a raw datagram (copied) with descriptors (not copied). */
int tb_add_raw(struct testbroker *tb, const void *buf, size_t len,
	       const int *fds, unsigned nfds);
/* The same, sent byte for byte (no sequence number patched in). */
int tb_add_raw_exact(struct testbroker *tb, const void *buf, size_t len,
		     const int *fds, unsigned nfds);
/* Queue a message sent as is, with its own sequence number. */
int tb_add_msg_exact(struct testbroker *tb, const struct ocap_msg *m);
/* Shut the broker's end down here; later steps are not sent. */
int tb_add_shutdown(struct testbroker *tb);

/* Start the thread.  It ignores SIGPIPE for the process. */
int tb_start(struct testbroker *tb);
/* Start in session mode. */
int tb_start_session(struct testbroker *tb);
static inline int tb_client(const struct testbroker *tb)
{
	return tb->sock[0];
}
/* Shut the client end down, join the thread, close both ends, free the
 * script.  Returns 0 when the broker got one valid TABLE_REQ without
 * descriptors (after one valid SESSION in session mode), else a negative
 * errno. */
int tb_finish(struct testbroker *tb);
/* Like tb_finish() but leaves the client end open (for a client that
 * closes it itself, or for ocap_root(), which keeps it). */
int tb_finish_keep_client(struct testbroker *tb);

#endif
