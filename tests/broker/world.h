/* SPDX-License-Identifier: MIT */
#ifndef OCAP_TEST_BROKER_WORLD_H
#define OCAP_TEST_BROKER_WORLD_H

/*
 * A broker process for one test: it sets up the sockets below, builds a
 * plan that grants them, starts the client with its end of the root
 * descriptor in $OCAP_ROOT and runs ocap__broker_run().  The client runs a
 * scenario with child_check(); the broker process exits with the client's
 * status (128 + N for a signal), B_SETUP or B_RUN.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "plan.h"
#include "support.h"

enum { LOOP_URING, LOOP_POLL };

#define W_STAR          (1 << 0) /* add "--connect *:OTHER_PORT" */
#define W_NO_URING      (1 << 1) /* seccomp: io_uring_setup fails */
#define W_NO_URING_WAIT (1 << 2) /* seccomp: io_uring_enter fails */
#define W_STALE         (1 << 3) /* names looked up long ago: the broker
				    looks them up again */

/* Exit codes of the broker process for its own failures. */
enum { B_SETUP = 201, B_RUN = 202 };

/* What the broker process sets up; the client inherits all of it. */
struct world {
	int mode, flags;
	struct tmpdir td;      /* granted read-write as a directory */
	char file[PATH_MAX];   /* granted read-only */
	char rwfile[PATH_MAX]; /* granted read-write */
	char log[PATH_MAX];    /* the broker's stderr */
	char marker[PATH_MAX]; /* written by lingering descendants */
	int ready[2];          /* the client tells the test it is ready */
	int lis;               /* granted: 127.0.0.1:port, and localhost */
	int lis6;              /* granted: [::1]:port6; -1 without IPv6 */
	int other;             /* listening, not granted (but W_STAR) */
	int full, filler;      /* granted; its accept queue is full */
	int udp;               /* granted: udp 127.0.0.1:udp_port */
	int unix_lis;          /* granted: unix:unix_path */
	uint16_t port, port6, other_port, full_port, udp_port;
	uint16_t closed_port;  /* granted, nothing listens */
	uint16_t listen_port;  /* granted for --listen 127.0.0.1 */
	char unix_path[108];
	size_t nnets;
	pid_t broker;
};

typedef int (*scenario)(struct world *w);

struct run {
	struct world w;
	char log[4096];
	bool marker; /* a lingering descendant wrote it */
};

/* ---- the test's side ---------------------------------------------------- */

void run_start(struct run *r, int mode, int flags, scenario fn);
/* Wait until the client calls ready(). */
void run_await(struct run *r);
/* The broker process's exit status (1000 + N when killed by signal N);
 * its stderr is kept in r->log. */
int run_finish(struct run *r);
/* Run fn under the loop *state names and expect the status want. */
void run_expect(void **state, int flags, scenario fn, int want);

/* ---- addresses and sockets ---------------------------------------------- */

#define SA(ss) ((struct sockaddr *)(ss))

/* A socket bound to ip on an ephemeral port, listening with backlog
 * unless backlog < 0. */
int bound(const char *ip, int type, int backlog, uint16_t *port);
uint16_t free_port(void);
int tcp_socket(int family, int flags);
/* ocap_connect() to ip:port. */
int connect_to(int s, const char *ip, uint16_t port);
/* Bytes flow both ways between connected sockets a and b. */
void exchange(int a, int b);
double now(void);

/* ---- the client's side ------------------------------------------------ */

int root_fd(void);
int broker_fds(const struct world *w);
/* Wait (5 s at most) until the broker holds want descriptors. */
bool broker_fds_settle(const struct world *w, int want);
bool broker_has_uring(const struct world *w);
bool uring_enabled(void);
/* The broker still answers: a granted name resolves. */
void probe(void);
/* Tell the test to go on, once the broker takes its signals. */
void ready(struct world *w);
/* The broker wrote line on its stderr. */
bool logged(const struct world *w, const char *line);

#endif
