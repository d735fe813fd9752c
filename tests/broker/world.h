/* SPDX-License-Identifier: MIT */
#ifndef OCAP_TEST_BROKER_WORLD_H
#define OCAP_TEST_BROKER_WORLD_H

/*
 * A broker process for one test: it sets up the sockets below, builds a
 * plan that grants them, starts the client with its end of the root
 * descriptor in $OCAP_ROOT and runs ocap__broker_run().  The client runs a
 * scenario with child_check(); the broker process exits with the client's
 * status (128 + N for a signal), B_SETUP or B_RUN; a client that could
 * not load its seccomp program (W_SUPER) exits B_SUPER.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "plan.h"
#include "support.h"

#define W_STAR          (1 << 0) /* add "--connect *:OTHER_PORT" */
#define W_STALE         (1 << 3) /* names looked up long ago: the broker
				    looks them up again */
/* The client runs under the supervised compat seccomp program (as a
 * compat program does) and the broker serves its listener; the grants
 * add the aside tree below. */
#define W_SUPER         (1 << 4)
#define W_HIDE          (1 << 5) /* and --hide-metadata */
#define W_SUGGEST       (1 << 6) /* and --suggest: the broker's notes end
				    its stderr as "suggest: LINE" */
#define W_NET           (1 << 7) /* and UDP, unix sockets and listen
				    (@udp, @unix, @listen): bind, listen
				    and sends naming an address go to the
				    broker too */

/* Exit codes of the broker process for its own failures, and of a
 * client that could not load its seccomp program. */
enum { B_SETUP = 201, B_RUN = 202, B_SUPER = 203 };

/* What the broker process sets up; the client inherits all of it. */
struct world {
	int flags;
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
	/* W_SUPER: a second tree, aside, granted in part; aside/many (not
	 * granted) holds the files 1 to 4. */
	struct tmpdir aside;
	char ro[PATH_MAX];     /* aside/ro: granted read-only, holds f */
	char rw[PATH_MAX];     /* aside/rw: granted read-write, holds f */
	char rwf[PATH_MAX];    /* aside/rwf: a file granted read-write */
	char out[PATH_MAX];    /* aside/out: not granted, holds f */
	bool dev;              /* aside/rw/null is a character device */
	int super[2];          /* the client hands its listener over */
};

typedef int (*scenario)(struct world *w);

struct run {
	struct world w;
	char log[16384];
	bool marker; /* a lingering descendant wrote it */
};

/* ---- the test's side ---------------------------------------------------- */

void run_start(struct run *r, int flags, scenario fn);
/* Wait until the client calls ready(). */
void run_await(struct run *r);
/* The broker process's exit status (1000 + N when killed by signal N);
 * its stderr is kept in r->log. */
int run_finish(struct run *r);
/* Run fn under flags and expect the status want. */
void run_expect(int flags, scenario fn, int want);
/* Like run_expect, and the run kept in *r: its world's names, the
 * broker's stderr. */
void run_log(int flags, scenario fn, int want, struct run *r);

/* CASE("test_x", sc_x, flags, want) is a cmocka case running sc_x under
 * flags and expecting the status want. */
struct world_case {
	int flags;
	scenario fn;
	int want;
};
void world_case(void **state);
#define CASE(name, fn, flags, want)                                          \
	{ name, world_case, NULL, NULL,                                      \
	  &(struct world_case){ flags, fn, want } }
/* Run the cases (BROKER_TEST='test_x*' picks some). */
int world_main(const char *name, const struct CMUnitTest *tests, size_t n);

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
/* The broker still answers: a granted name resolves. */
void probe(void);
/* Tell the test to go on, once the broker takes its signals. */
void ready(struct world *w);
/* The broker wrote line on its stderr. */
bool logged(const struct world *w, const char *line);
/* fd reads as want from its start; fd is closed. */
void reads(int fd, const char *want);
/* The mode bits (07777) of what path names, or -errno. */
int mode_of(const char *path);
/* dir/rel into out (PATH_MAX bytes). */
char *join(char *out, const char *dir, const char *rel);

#endif
