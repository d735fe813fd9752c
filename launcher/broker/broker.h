/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_BROKER_IMPL_H
#define OCAP_LAUNCH_BROKER_IMPL_H

/*
 * The broker's insides, shared by broker*.c.
 *
 * Everything the broker waits for is a slot: the signal source (the
 * backend's descriptor, ocap__be_sigsrc_open()), each channel (the root
 * descriptor and every private session opened through it) and each job:
 * a connect or a name lookup on a thread of its own (net.c), waited for
 * through a pipe.  A slot says which poll events it wants now; the loop
 * (poll(2), loop.c) reports them, and the handler changes what the slot
 * wants next.  One request is served at a time per session: while its reply is
 * being written or its job is in progress the session is not read,
 * so a client that floods only fills its own socket buffer.
 */

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "compile.h"

#define BROKER_MAX_CHANNELS 256 /* the root descriptor included */
#define BROKER_MAX_JOBS     256 /* threads alive in the process */
#define BROKER_MAX_ADDRS    64  /* ADDR messages for one RESOLVE */
#define BROKER_NSLOTS       (2 + BROKER_MAX_CHANNELS + BROKER_MAX_JOBS)

/* SLOT_END: readable once what is served has gone (serve.c: the entered
 * process's pidfd); the broker then ends. */
enum slot_type { SLOT_FREE, SLOT_SIGNAL, SLOT_CHAN, SLOT_JOB, SLOT_NOTIF,
		 SLOT_END };

/* What a channel is writing: one reply, the table, resolved addresses
 * followed by their REPLY, or a file the broker opened. */
enum out_kind { OUT_NONE, OUT_REPLY, OUT_TABLE, OUT_ADDRS, OUT_OPENED };

struct out {
	int kind;
	uint32_t seq;
	int32_t status;
	size_t pos; /* next table item or address */
	struct sockaddr_storage *addrs; /* OUT_ADDRS, owned */
	size_t naddrs;
	int fd; /* OUT_OPENED, owned */
};

struct slot {
	int type;
	int fd;
	uint32_t id;    /* incarnation, for jobs to find their channel */
	uint32_t gen;   /* bumped whenever a poll on it is given up */
	short want;     /* poll events wanted now; 0: not watched */
	/* SLOT_CHAN */
	bool root;      /* the shared root descriptor: not ours to close */
	int job;        /* the session's job in progress, or -1 */
	struct out out;
	/* SLOT_JOB */
	struct task *task; /* held with its thread (net.c) */
	int owner;      /* channel slot and its id, or the listener's */
	uint32_t owner_id;
	uint32_t seq;
	uint64_t notif; /* the notification a listener's job answers */
};

/* A capability table row, made once from the plan. */
struct item {
	int kind;
	ocap_rights_t rights;
	char *name;
	int fd;
};

struct broker_loop;
struct task;
struct super;
struct suggest;
struct opener;

struct broker {
	ocap_plan *plan;
	const struct ocap_compiled *c; /* what is served: c->plan is plan */
	struct slot slots[BROKER_NSLOTS];
	uint32_t next_id;
	int nchans;
	struct item *items;
	size_t nitems;
	struct ocap_msg in, out; /* scratch */
	struct broker_loop *loop;
	struct super *sup;  /* supervise.c, when the program is supervised */
	struct suggest *sug; /* suggest.c, with --suggest */
	struct opener *opener; /* open.c, from the first OPEN */
	pid_t child;
	int status;
	bool child_done, no_children;
	bool ended;     /* SLOT_END was readable */
	bool confined;  /* confine(): before the program's first word */
	int fault;      /* -errno: confine() failed, the session ends */
	sigset_t oldmask;
	struct sigaction oldchld, oldttou, oldttin;
	int logfd;      /* stderr, or the broker's own description of it */
	bool logsock;   /* stderr is a socket: sent with MSG_DONTWAIT */
};

/* loop.c: wait for the events slots want and call ocap__broker_event()
 * for each; timeout_ms < 0 waits for ever. */
hidden int ocap__broker_loop_new(struct broker *b);
hidden void ocap__broker_loop_free(struct broker *b);
hidden int ocap__broker_loop_wait(struct broker *b, int timeout_ms);
/* Give up the poll in progress on slot i, before its fd goes or it wants
 * other events: what that poll reports for it is dropped. */
hidden void ocap__broker_loop_disarm(struct broker *b, int i);

/* broker.c */
/* One line on stderr, with -v only, dropped rather than waited for. */
hidden void ocap__broker_log(struct broker *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
hidden void ocap__broker_event(struct broker *b, int i, short revents);
hidden int ocap__broker_slot_new(struct broker *b, int type, int fd);
hidden void ocap__broker_slot_free(struct broker *b, int i);
/* Change what slot i waits for; a poll in flight for the old events is
 * given up, so a stale report never reaches the new state. */
hidden void ocap__broker_slot_want(struct broker *b, int i, short events);

/* chan.c: channels and what they write. */
hidden int ocap__broker_chan_add(struct broker *b, int fd, bool root);
hidden void ocap__broker_chan_drop(struct broker *b, int i);
hidden void ocap__broker_chan_event(struct broker *b, int i, short revents);
hidden void ocap__broker_chan_reply(struct broker *b, int i, uint32_t seq,
			      int32_t status);
hidden void ocap__broker_chan_flush(struct broker *b, int i);
/* Forget what o was to write, closing what it owns. */
hidden void ocap__broker_chan_out_clear(struct out *o);
/* What an idle channel waits for. */
hidden void ocap__broker_chan_idle(struct broker *b, int i);
hidden int ocap__broker_items_new(struct broker *b);
hidden void ocap__broker_items_free(struct broker *b);

/* net.c: CONNECT, BIND, LISTEN, RESOLVE.  Each answers through
 * ocap__broker_chan_reply() or starts a job; m's descriptors are theirs. */
hidden void ocap__broker_connect(struct broker *b, int i, struct ocap_msg *m);
hidden void ocap__broker_bind(struct broker *b, int i, struct ocap_msg *m);
hidden void ocap__broker_listen(struct broker *b, int i, struct ocap_msg *m);
hidden void ocap__broker_resolve(struct broker *b, int i, struct ocap_msg *m);
hidden void ocap__broker_job_event(struct broker *b, int i, short revents);
/* End a job whose channel is gone: its thread finishes alone. */
hidden void ocap__broker_job_cancel(struct broker *b, int i);

/* supervise.c: serve the seccomp listener (closed here; -1: none). */
hidden int ocap__super_start(struct broker *b, int listener);
hidden void ocap__super_event(struct broker *b, int i, short revents);
hidden void ocap__super_stop(struct broker *b);
/* Take note of the capabilities the broker holds, once it has dropped
 * what it does not use. */
hidden int ocap__super_recap(struct broker *b);
/* Answer notification id of listener slot i: r is the value or -errno. */
hidden void ocap__super_answer(struct broker *b, int i, uint64_t id,
			       int64_t r);
/* net.c: the supervised program's connect of sock (consumed) to a, for
 * notification id of listener slot i: answered now, or by a job. */
hidden void ocap__super_connect(struct broker *b, int i, uint64_t id,
				int sock, const struct sockaddr *a,
				socklen_t len);
/* A blocking send handed to a job: sock and sb are the job's once it
 * starts (0), the caller's still on -errno. */
struct sendbuf;
hidden int ocap__super_send_task(struct broker *b, int i, uint64_t id,
				 int sock, struct sendbuf *sb);
/* send.c: run a prepared send on sock (a job's thread), free one. */
hidden int ocap__super_send_run(int sock, struct sendbuf *sb);
hidden void ocap__super_send_free(struct sendbuf *sb);
/* net.c, for send.c: the grant kind a socket is checked against
 * (enum ocap_net_kind) or -errno; a unix: grant's target, opened. */
hidden int ocap__broker_sock_kind(int fd);
/* -EACCES, and with -v the line "ocapsh: denied WHAT ADDRESS". */
hidden int ocap__broker_deny(struct broker *b, const char *what,
			     const struct sockaddr *a, socklen_t len);
struct sockaddr_un;
hidden int ocap__broker_unix_target(struct broker *b,
				    const struct sockaddr *a, socklen_t len,
				    struct sockaddr_un *sun);
/* Its bind and listen, on its own socket: 0 or -errno. */
hidden int ocap__super_bind(struct broker *b, int sock,
			    const struct sockaddr *a, socklen_t len);
hidden int ocap__super_listen(struct broker *b, int sock, int backlog);

/* suggest.c: with --suggest, take note of the grants refusals call
 * for; at the end, put them in the plan (--suggest) as lines. */
hidden int ocap__suggest_start(struct broker *b);
hidden void ocap__suggest_stop(struct broker *b);
/* Note that option opt with arg (a path, or HOST:PORT) would have
 * allowed what, for task tid (0: unknown); true when it is new. */
hidden bool ocap__suggest_note(struct broker *b, const char *opt,
			       const char *arg, const char *what, pid_t tid);
/* The grant the path needs for need (CREATE, DELETE: in its directory),
 * noted and, the first time, said with -v, unless a grant holds it. */
hidden void ocap__suggest_path(struct broker *b, pid_t tid, const char *path,
			       ocap_rights_t need, const char *what);

/* open.c: OPEN, answered with OPENED or a REPLY; the opener's end. */
hidden void ocap__broker_serve_open(struct broker *b, int i, struct ocap_msg *m);
hidden void ocap__broker_opener_stop(struct broker *b);

#endif
