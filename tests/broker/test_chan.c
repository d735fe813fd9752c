/* SPDX-License-Identifier: MIT */
/*
 * The broker's channels (launcher/broker/chan.c), live: the capability
 * table it sends, the root descriptor and the private sessions opened
 * through it, what hostile or dying clients send or leave behind, and the
 * cap on channels.  world.c sets up the broker process and its client.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker.h"
#include "world.h"

/* ---- the table --------------------------------------------------------- */

static void check_cap(ocap_ns *ns, const char *name, int kind,
		      ocap_rights_t rights, bool has_fd)
{
	const ocap_cap *c = ocap_ns_find(ns, name);

	if (!c)
		fprintf(stderr, "no capability %s\n", name);
	child_check(c != NULL, 1);
	child_check(ocap_cap_kind(c), kind);
	child_check(ocap_cap_rights(c), rights);
	child_check(ocap_cap_fd(c) >= 0, has_fd);
}

static int sc_table(struct world *w)
{
	char name[PATH_MAX + 32], buf[64] = "";
	ocap_ns *ns;
	int fd;

	child_check(ocap_root(&ns), 0);
	child_check(ocap_ns_count(ns), 3 + w->nnets);
	check_cap(ns, w->td.path, OCAP_KIND_DIR, OCAP_RIGHTS_RW, true);
	check_cap(ns, w->file, OCAP_KIND_FILE, OCAP_RIGHTS_RO, true);
	check_cap(ns, w->rwfile, OCAP_KIND_FILE, OCAP_RIGHTS_RW, true);
	child_check(ocap_ns_find(ns, "/not-opened") == NULL, 1);
	snprintf(name, sizeof name, "tcp:127.0.0.1:%u", w->port);
	check_cap(ns, name, OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT, false);
	snprintf(name, sizeof name, "tcp:localhost:%u", w->port);
	check_cap(ns, name, OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT, false);
	snprintf(name, sizeof name, "listen:127.0.0.1:%u", w->listen_port);
	check_cap(ns, name, OCAP_KIND_LISTENER, OCAP_RIGHT_LISTEN, false);
	snprintf(name, sizeof name, "udp:127.0.0.1:%u", w->udp_port);
	check_cap(ns, name, OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT, false);
	snprintf(name, sizeof name, "unix:%s", w->unix_path);
	check_cap(ns, name, OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT, false);
	if (w->lis6 >= 0) {
		snprintf(name, sizeof name, "tcp:[::1]:%u", w->port6);
		check_cap(ns, name, OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT,
			  false);
	}
	/* The directory's descriptor is the real thing. */
	snprintf(name, sizeof name, "%s/hello", w->td.path);
	child_check((fd = ocap_ns_open(ns, name, O_RDONLY | O_CLOEXEC, 0)) >= 0,
		    1);
	child_check(read(fd, buf, sizeof buf), 13);
	close(fd);
	/* A second fetch over a new session gets the same table. */
	fd = ocap_session(root_fd());
	ocap_ns *again;
	child_check(ocap_ns_fetch(fd, &again), 0);
	child_check(ocap_ns_count(again), ocap_ns_count(ns));
	ocap_ns_free(again);
	close(fd);
	return 0;
}

/* ---- clients that die, stop reading or flood ---------------------------- */

static void killed_before_reading(struct world *w, int base)
{
	struct raw_msg r;
	pid_t g;
	int st;

	if ((g = fork()) == 0) {
		int s = ocap_session(root_fd());
		raw_begin(&r, OCAP_MSG_TABLE_REQ);
		send_dgram(s, r.buf, raw_end(&r), NULL, 0);
		raise(SIGKILL);
	}
	child_check(waitpid(g, &st, 0), g);
	child_check(broker_fds_settle(w, base), 1);
	probe();
}

/* Requests sent without reading the answers: the broker stops reading
 * that session when it cannot write, and serves the others. */
static void flood(struct world *w, int base)
{
	struct raw_msg r;
	int s = ocap_session(root_fd()), n = 0;
	double t;

	child_check(s >= 0, 1);
	child_check(fcntl(s, F_SETFL, O_NONBLOCK), 0);
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_end(&r);
	while (n < 1000000 && send_dgram(s, r.buf, r.len, NULL, 0) == 0)
		n++;
	child_check(n < 1000000, 1);
	t = now();
	probe();
	child_check(now() - t < 0.5, 1);
	close(s);
	child_check(broker_fds_settle(w, base), 1);
}

static int sc_clients_die(struct world *w)
{
	int base;

	probe();
	base = broker_fds(w);
	killed_before_reading(w, base);
	flood(w, base);
	return 0;
}

/* ---- hostile messages ------------------------------------------------- */

static struct ocap_msg reply;

/* Send a raw datagram with descriptors and read the REPLY status. */
static int raw_status(int s, struct raw_msg *r, const int *fds, unsigned n)
{
	int rc;

	if ((rc = send_dgram(s, r->buf, r->len, fds, n)) < 0)
		return rc;
	if ((rc = ocap_msg_recv(s, &reply)) < 0)
		return rc;
	return reply.type == OCAP_MSG_REPLY ? reply.status : -EPROTO;
}

static void raw_connect(struct raw_msg *r, struct world *w)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_ip(&ss, "127.0.0.1", w->port);

	raw_begin(r, OCAP_MSG_CONNECT);
	raw_field(r, TAG_ADDR, &ss, (uint16_t)len);
	raw_end(r);
}

static void hostile_bytes(int s)
{
	struct raw_msg r;

	memset(&r, 0, sizeof r);
	memcpy(r.buf, "hello, broker", 13);
	r.len = 13;
	child_check(raw_status(s, &r, NULL, 0), -EBADMSG);
	r.len = 8;
	child_check(raw_status(s, &r, NULL, 0), -EBADMSG);
	raw_header(&r, OCAP_PROTO_MAGIC, 2, OCAP_MSG_TABLE_REQ, 77);
	raw_end(&r);
	child_check(raw_status(s, &r, NULL, 0), -EPROTONOSUPPORT);
	child_check(reply.seq, 77);
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_u32(&r, TAG_COUNT, 1); /* a field it may not have */
	raw_end(&r);
	child_check(raw_status(s, &r, NULL, 0), -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_bytes(&r, "x", 1);
	r.len = 10000; /* longer than any message */
	raw_set_len(&r, (uint32_t)(r.len - RAW_HDR_LEN));
	child_check(raw_status(s, &r, NULL, 0), -EMSGSIZE);
	raw_begin(&r, 99);
	raw_end(&r);
	child_check(raw_status(s, &r, NULL, 0), -EBADMSG);
}

static void hostile_fds(int s, struct world *w)
{
	struct raw_msg r;
	int p[2], fds[8];

	child_check(pipe2(p, O_CLOEXEC), 0);
	raw_connect(&r, w);
	child_check(raw_status(s, &r, p, 1), -ENOTSOCK);
	child_check(raw_status(s, &r, NULL, 0), -EBADMSG);
	child_check(raw_status(s, &r, p, 2), -EBADMSG);
	for (int i = 0; i < 8; i++)
		fds[i] = p[i % 2];
	child_check(raw_status(s, &r, fds, 8), -EBADMSG);
	/* A listener is a TCP socket too: the kernel refuses to connect
	 * it, and says so through the broker. */
	child_check(raw_status(s, &r, &w->other, 1), -EISCONN);
	child_check(fcntl(w->other, F_GETFL) & O_NONBLOCK, 0);
	raw_begin(&r, OCAP_MSG_SESSION);
	raw_end(&r);
	child_check(send_dgram(s, r.buf, r.len, p, 1), 0); /* not a socket */
	close(p[0]);
	close(p[1]);
	child_check(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, p), 0);
	child_check(send_dgram(s, r.buf, r.len, p, 1), 0); /* not SEQPACKET */
	close(p[0]);
	close(p[1]);
}

/* Both ends of one pair as sessions: what one answers the other reads as
 * a broker's message, which ends it, and nothing echoes for ever. */
static void looped_sessions(int base, struct world *w)
{
	struct raw_msg r;
	int x[2];

	child_check(seqpacket_pair(x), 0);
	raw_begin(&r, OCAP_MSG_SESSION);
	raw_end(&r);
	child_check(send_dgram(root_fd(), r.buf, r.len, &x[0], 1), 0);
	child_check(send_dgram(root_fd(), r.buf, r.len, &x[1], 1), 0);
	child_check(send_dgram(x[0], "garbage", 7, NULL, 0), 0);
	usleep(50000);
	close(x[0]);
	close(x[1]);
	child_check(broker_fds_settle(w, base), 1);
}

static int sc_hostile(struct world *w)
{
	struct raw_msg r;
	ocap_ns *ns;
	int base, s;

	probe();
	base = broker_fds(w);
	s = ocap_session(root_fd());
	child_check(s >= 0, 1);
	hostile_bytes(s);
	hostile_fds(s, w);
	child_check(broker_fds_settle(w, base + 1), 1);
	/* A broker's message from a client ends its session. */
	raw_begin(&r, OCAP_MSG_REPLY);
	raw_u32(&r, TAG_STATUS, 0);
	raw_end(&r);
	child_check(raw_status(s, &r, NULL, 0), -ECONNRESET);
	close(s);
	child_check(broker_fds_settle(w, base), 1);
	/* An empty datagram reads as end-of-file, but is not one. */
	s = ocap_session(root_fd());
	r.len = 0;
	child_check(raw_status(s, &r, NULL, 0), -EBADMSG);
	child_check(raw_status(root_fd(), &r, NULL, 0), -EBADMSG);
	close(s);
	looped_sessions(base, w);
	/* On the shared root descriptor: an answer, and the root stays. */
	memcpy(r.buf, "garbage", 7);
	r.len = 7;
	child_check(raw_status(root_fd(), &r, NULL, 0), -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_END);
	raw_u32(&r, TAG_COUNT, 0);
	raw_end(&r);
	child_check(send_dgram(root_fd(), r.buf, r.len, NULL, 0), 0);
	s = ocap_session(root_fd());
	child_check(ocap_ns_fetch(s, &ns), 0);
	ocap_ns_free(ns);
	close(s);
	child_check(broker_fds_settle(w, base), 1);
	probe();
	return 0;
}

/* ---- the cap on channels ---------------------------------------------- */

/* Ask on the root descriptor and wait for the answer: everything sent to
 * the root before has then been handled. */
static void root_barrier(void)
{
	struct raw_msg r;
	int fd = root_fd();

	raw_header(&r, OCAP_PROTO_MAGIC, OCAP_PROTO_VERSION,
		   OCAP_MSG_TABLE_REQ, 4242);
	child_check(send_dgram(fd, r.buf, raw_end(&r), NULL, 0), 0);
	do {
		child_check(ocap_msg_recv(fd, &reply), 0);
		ocap_msg_close_fds(&reply);
	} while (reply.type != OCAP_MSG_TABLE_END || reply.seq != 4242);
}

#define NSESSIONS 1000

static int try_again(void *arg)
{
	struct sockaddr_storage a;

	child_check(ocap_resolve("127.0.0.1", 1, &a, 1), -EAGAIN);
	return 0;
}

static int sc_cap(struct world *w)
{
	struct rlimit rl = { 4096, 4096 };
	static int ss[NSESSIONS];
	int base, refused = 0;
	ocap_ns *ns;

	child_check(setrlimit(RLIMIT_NOFILE, &rl), 0);
	probe(); /* the root and this session are two channels */
	base = broker_fds(w);
	for (int i = 0; i < NSESSIONS; i++)
		child_check((ss[i] = ocap_session(root_fd())) >= 0, 1);
	root_barrier();
	for (int i = 0; i < NSESSIONS; i++) {
		struct pollfd p = { .fd = ss[i] };
		refused += poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
	}
	child_check(NSESSIONS - refused, BROKER_MAX_CHANNELS - 2);
	child_check(broker_fds(w), base + BROKER_MAX_CHANNELS - 2);
	child_check(ocap_ns_fetch(ss[0], &ns), 0);
	ocap_ns_free(ns);
	child_check(ocap_ns_fetch(ss[NSESSIONS - 1], &ns) < 0, 1);
	/* A new process's session is refused too: try again later. */
	child_check(run_in_child(try_again, NULL), 0);
	for (int i = 0; i < NSESSIONS; i++)
		close(ss[i]);
	child_check(broker_fds_settle(w, base), 1);
	probe();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE("test_table", sc_table, 0, 0),
		CASE("test_clients_die", sc_clients_die, 0, 0),
		CASE("test_hostile", sc_hostile, 0, 0),
		CASE("test_cap", sc_cap, 0, 0),
	};

	return world_main("chan", tests, sizeof tests / sizeof *tests);
}
