/* SPDX-License-Identifier: MIT */
/*
 * The broker, live.  Each test forks a broker process, a child subreaper
 * as ocapsh is, that builds a plan by hand over real sockets, starts a
 * client with its end of the root descriptor in $OCAP_ROOT and serves it
 * with ocap__broker_run().  The client runs a scenario with child_check()
 * and its exit status comes back through the broker's.  Every test runs
 * under io_uring and under poll(2) (OCAP_BROKER_POLL=1).
 *
 * The client is the broker's child, so it counts the broker's descriptors
 * in /proc/PPID/fd to see that nothing leaked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker.h"
#include "world.h"

static int mode_uring = LOOP_URING, mode_poll = LOOP_POLL;

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
	/* The loop the broker runs is the one the test asked for. */
	child_check(broker_has_uring(w),
		    w->mode == LOOP_URING && uring_enabled());
	return 0;
}

/* ---- connect ---------------------------------------------------------- */

static void connect_tcp(struct world *w)
{
	struct sockaddr_in peer = { 0 };
	socklen_t len = sizeof peer;
	int s = tcp_socket(AF_INET, 0), a;

	child_check(connect_to(s, "127.0.0.1", w->port), 0);
	/* Made blocking again, and connected on the program's own fd. */
	child_check(fcntl(s, F_GETFL) & O_NONBLOCK, 0);
	child_check(getpeername(s, SA(&peer), &len), 0);
	child_check(ntohs(peer.sin_port), w->port);
	child_check((a = accept4(w->lis, NULL, NULL, SOCK_CLOEXEC)) >= 0, 1);
	exchange(s, a);
	close(a);
	close(s);
	/* An IPv6 socket to the granted IPv4 host, v4-mapped. */
	s = tcp_socket(AF_INET6, 0);
	child_check(connect_to(s, "::ffff:127.0.0.1", w->port), 0);
	child_check((a = accept4(w->lis, NULL, NULL, SOCK_CLOEXEC)) >= 0, 1);
	exchange(s, a);
	close(a);
	close(s);
	if (w->lis6 < 0)
		return;
	s = tcp_socket(AF_INET6, 0);
	child_check(connect_to(s, "::1", w->port6), 0);
	child_check((a = accept4(w->lis6, NULL, NULL, SOCK_CLOEXEC)) >= 0, 1);
	close(a);
	close(s);
}

static void connect_denied(struct world *w)
{
	int s = tcp_socket(AF_INET, 0);

	child_check(connect_to(s, "127.0.0.1", w->other_port), -EACCES);
	child_check(connect_to(s, "127.0.0.2", w->port), -EACCES);
	child_check(connect_to(s, "127.0.0.1", w->udp_port), -EACCES);
	if (w->lis6 >= 0)
		child_check(connect_to(s, "127.0.0.1", w->port6), -EACCES);
	/* The kernel's own answer comes back when the grant allows. */
	child_check(connect_to(s, "127.0.0.1", w->closed_port), -ECONNREFUSED);
	close(s);
}

static void connect_udp_unix(struct world *w)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), s, a;
	char c;

	child_check(connect_to(u, "127.0.0.1", w->udp_port), 0);
	child_check(send(u, "x", 1, 0), 1);
	child_check(recv(w->udp, &c, 1, 0), 1);
	child_check(connect_to(u, "127.0.0.1", w->port), -EACCES);
	close(u);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", w->unix_path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	child_check(ocap_connect(s, SA(&sun), sizeof sun), 0);
	child_check((a = accept4(w->unix_lis, NULL, NULL, SOCK_CLOEXEC)) >= 0,
		    1);
	exchange(s, a);
	close(a);
	close(s);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sun.sun_path[strlen(sun.sun_path) - 1] = 'x';
	child_check(ocap_connect(s, SA(&sun), sizeof sun), -EACCES);
	close(s);
	/* A TCP socket to a unix: address. */
	s = tcp_socket(AF_INET, 0);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", w->unix_path);
	child_check(ocap_connect(s, SA(&sun), sizeof sun), -EACCES);
	close(s);
}

static void connect_bad_args(struct world *w)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_ip(&ss, "127.0.0.1", w->port);
	int s = tcp_socket(AF_INET, 0), p[2];

	child_check(ocap_connect(-1, SA(&ss), len), -EBADF);
	child_check(ocap_connect(s, NULL, len), -EINVAL);
	child_check(ocap_connect(s, SA(&ss), 4), -EINVAL);
	ss.ss_family = AF_APPLETALK;
	child_check(ocap_connect(s, SA(&ss), len), -EAFNOSUPPORT);
	len = sa_ip(&ss, "127.0.0.1", w->port);
	child_check(pipe2(p, O_CLOEXEC), 0);
	child_check(ocap_connect(p[0], SA(&ss), len), -ENOTSOCK);
	close(p[0]);
	close(p[1]);
	/* A descriptor number that is not open: the session survives. */
	child_check(ocap_connect(900, SA(&ss), len), -EBADF);
	probe();
	close(s);
}

static int sc_connect(struct world *w)
{
	char line[160];
	int base;

	probe();
	base = broker_fds(w);
	connect_tcp(w);
	connect_denied(w);
	connect_udp_unix(w);
	connect_bad_args(w);
	child_check(broker_fds_settle(w, base), 1);
	/* each refusal names the option that would grant it */
	snprintf(line, sizeof line, "ocapsh: denied connect to 127.0.0.1:%u "
		 "(--connect 127.0.0.1:%u grants it)\n", w->other_port,
		 w->other_port);
	child_check(logged(w, line), 1);
	snprintf(line, sizeof line, "ocapsh: denied connect to unix:%.100s",
		 w->unix_path);
	strcpy(line + strlen(line) - 1, "x (--connect unix:"); /* as
							       connect_udp_unix() */
	child_check(logged(w, line), 1);
	return 0;
}

/* ---- non-blocking, and blocking connects that must wait ----------------- */

static void nonblocking(struct world *w)
{
	struct pollfd p = { .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = -1, a;

	p.fd = tcp_socket(AF_INET, SOCK_NONBLOCK);
	child_check(connect_to(p.fd, "127.0.0.1", w->port), -EINPROGRESS);
	child_check(poll(&p, 1, 5000), 1);
	child_check(getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	child_check(err, 0);
	child_check(!!(fcntl(p.fd, F_GETFL) & O_NONBLOCK), 1);
	child_check((a = accept4(w->lis, NULL, NULL, SOCK_CLOEXEC)) >= 0, 1);
	child_check(fcntl(p.fd, F_SETFL, 0), 0);
	exchange(p.fd, a);
	close(a);
	close(p.fd);
	/* Refused later, as the kernel says. */
	p.fd = tcp_socket(AF_INET, SOCK_NONBLOCK);
	child_check(connect_to(p.fd, "127.0.0.1", w->closed_port),
		    -EINPROGRESS);
	child_check(poll(&p, 1, 5000), 1);
	child_check(getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	child_check(err, ECONNREFUSED);
	close(p.fd);
}

static int sc_nonblock(struct world *w)
{
	double t;
	pid_t g;
	int st, a;

	nonblocking(w);
	/* A blocking connect to a full accept queue waits in the broker;
	 * meanwhile the broker answers everyone else at once. */
	if ((g = fork()) == 0) {
		int s = tcp_socket(AF_INET, 0);
		_exit(connect_to(s, "127.0.0.1", w->full_port) == 0 &&
				      !(fcntl(s, F_GETFL) & O_NONBLOCK)
			      ? 0
			      : 1);
	}
	usleep(200000);
	t = now();
	probe();
	child_check(now() - t < 0.5, 1);
	child_check(waitpid(g, &st, WNOHANG), 0); /* still connecting */
	/* Make room: the SYN sent again goes through. */
	child_check((a = accept4(w->full, NULL, NULL, SOCK_CLOEXEC)) >= 0, 1);
	child_check(waitpid(g, &st, 0), g);
	child_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	close(a);
	return 0;
}

/* ---- clients that die, stop reading or flood ---------------------------- */

static void killed_while_connecting(struct world *w, int base)
{
	pid_t g;
	int st, a;

	if ((g = fork()) == 0) {
		int s = tcp_socket(AF_INET, 0);
		connect_to(s, "127.0.0.1", w->full_port);
		_exit(0);
	}
	/* Its session and the job's pipe end are held, its socket and the
	 * other end by the job's thread, while the connect waits. */
	child_check(broker_fds_settle(w, base + 4), 1);
	kill(g, SIGKILL);
	child_check(waitpid(g, &st, 0), g);
	/* The thread goes on until its connect ends. */
	child_check(broker_fds_settle(w, base + 2), 1);
	probe();
	/* Make room: the SYN sent again goes through, and the thread ends. */
	child_check((a = accept4(w->full, NULL, NULL, SOCK_CLOEXEC)) >= 0, 1);
	child_check(broker_fds_settle(w, base) || broker_fds_settle(w, base),
		    1);
	close(a);
}

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
	killed_while_connecting(w, base);
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

/* ---- bind and listen --------------------------------------------------- */

static int bind_to(int s, const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_ip(&ss, ip, port);

	return ocap_bind(s, SA(&ss), len);
}

static void bind_granted(struct world *w)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_ip(&ss, "127.0.0.1", w->listen_port);
	int s = tcp_socket(AF_INET, 0), c, a;

	child_check(bind_to(s, "127.0.0.1", w->listen_port), 0);
	child_check(sa_port_of(s), w->listen_port);
	child_check(ocap_listen(s, 16), 0);
	c = tcp_socket(AF_INET, 0);
	child_check(connect(c, SA(&ss), len), 0);
	child_check((a = accept4(s, NULL, NULL, SOCK_CLOEXEC)) >= 0, 1);
	exchange(c, a);
	child_check(ocap_listen(s, -1), 0); /* again, the most allowed */
	close(a);
	close(c);
	close(s);
}

static void bind_denied(struct world *w)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s = tcp_socket(AF_INET, 0), u, p[2];

	child_check(bind_to(s, "127.0.0.1", free_port()), -EACCES);
	child_check(bind_to(s, "127.0.0.1", 0), -EACCES);
	child_check(bind_to(s, "0.0.0.0", w->listen_port), -EACCES);
	/* listen() on an unbound socket would bind a port of its choice. */
	child_check(ocap_listen(s, 1), -EACCES);
	close(s);
	child_check((s = bound("127.0.0.1", SOCK_STREAM, -1,
			       &(uint16_t){ 0 })) >= 0, 1);
	child_check(ocap_listen(s, 1), -EACCES);
	close(s);
	u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	child_check(bind_to(u, "127.0.0.1", w->listen_port), -EACCES);
	close(u);
	u = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%.100s.b", w->unix_path);
	child_check(ocap_bind(u, SA(&sun), sizeof sun), -EACCES);
	close(u);
	child_check(pipe2(p, O_CLOEXEC), 0);
	child_check(bind_to(p[0], "127.0.0.1", w->listen_port), -ENOTSOCK);
	child_check(ocap_listen(p[0], 1), -ENOTSOCK);
	close(p[0]);
	close(p[1]);
}

static int sc_bind(struct world *w)
{
	int base;

	probe();
	base = broker_fds(w);
	bind_granted(w);
	bind_denied(w);
	child_check(broker_fds_settle(w, base), 1);
	return 0;
}

/* ---- resolve ------------------------------------------------------------ */

static bool is_loopback(const struct sockaddr_storage *ss, uint16_t port)
{
	const struct sockaddr_in *s4 = (const void *)ss;
	const struct sockaddr_in6 *s6 = (const void *)ss;

	if (ss->ss_family == AF_INET)
		return ntohl(s4->sin_addr.s_addr) == INADDR_LOOPBACK &&
		       ntohs(s4->sin_port) == port;
	return ss->ss_family == AF_INET6 &&
	       IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) &&
	       ntohs(s6->sin6_port) == port;
}

/* Without $OCAP_ROOT, or with the broker gone: -ENOENT. */
static int no_broker(void *arg)
{
	struct sockaddr_storage a;
	char fd[16];
	int sv[2];

	unsetenv(OCAP_ROOT_ENV);
	child_check(ocap_resolve("127.0.0.1", 1, &a, 1), -ENOENT);
	child_check(connect_to(tcp_socket(AF_INET, 0), "127.0.0.1", 1),
		    -ENOENT);
	child_check(seqpacket_pair(sv), 0);
	close(sv[1]);
	snprintf(fd, sizeof fd, "%d", sv[0]);
	setenv(OCAP_ROOT_ENV, fd, 1);
	child_check(ocap_resolve("127.0.0.1", 1, &a, 1), -ENOENT);
	setenv(OCAP_ROOT_ENV, "x", 1);
	child_check(ocap_resolve("127.0.0.1", 1, &a, 1), -EBADF);
	return 0;
}

static int sc_resolve(struct world *w)
{
	struct sockaddr_storage a[8];
	char long_name[OCAP_NAME_MAX + 2];
	int n;

	child_check((n = ocap_resolve("localhost", 7, a, 8)) >= 1, 1);
	for (int i = 0; i < n; i++)
		child_check(is_loopback(&a[i], 7), 1);
	child_check(ocap_resolve("LocalHost", 0, a, 8), n);
	child_check(ocap_resolve("localhost", 7, a, 0), 0);
	child_check(ocap_resolve("localhost", 7, NULL, 0), 0);
	child_check(ocap_resolve("127.0.0.1", 9, a, 8), 1);
	child_check(is_loopback(&a[0], 9), 1);
	child_check(ocap_resolve("127.0.0.2", 9, a, 8),
		    (w->flags & W_STAR) ? 1 : -EACCES);
	child_check(ocap_resolve("example.invalid", 9, a, 8),
		    (w->flags & W_STAR) ? -ENOENT : -EACCES);
	child_check(ocap_resolve("", 9, a, 8), -EINVAL);
	child_check(ocap_resolve(NULL, 9, a, 8), -EINVAL);
	child_check(ocap_resolve("localhost", 9, NULL, 8), -EINVAL);
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	child_check(ocap_resolve(long_name, 9, a, 8), -ENAMETOOLONG);
	child_check(run_in_child(no_broker, NULL), 0);
	return 0;
}

static int sc_star(struct world *w)
{
	int s = tcp_socket(AF_INET, 0), a;

	child_check(connect_to(s, "127.0.0.1", w->other_port), 0);
	child_check((a = accept4(w->other, NULL, NULL, SOCK_CLOEXEC)) >= 0, 1);
	close(a);
	close(s);
	return sc_resolve(w);
}

/* ---- many clients at once ------------------------------------------------- */

#define ROUNDS 30

static int worker(struct world *w)
{
	struct sockaddr_storage a[4];

	for (int i = 0; i < ROUNDS; i++) {
		int s = tcp_socket(AF_INET, 0);
		child_check(ocap_resolve("127.0.0.1", (uint16_t)i, a, 4), 1);
		child_check(is_loopback(&a[0], (uint16_t)i), 1);
		child_check(connect_to(s, "127.0.0.1", w->port), 0);
		child_check(connect_to(s, "127.0.0.1", w->other_port), -EACCES);
		close(s);
	}
	return 0;
}

static void *thread_main(void *arg)
{
	struct world *w = arg;

	for (int i = 0; i < ROUNDS; i++) {
		int s = tcp_socket(AF_INET, 0);
		child_check(connect_to(s, "127.0.0.1", w->closed_port),
			    -ECONNREFUSED);
		close(s);
		child_check(ocap_resolve("example.invalid", 1, NULL, 0),
			    -EACCES);
	}
	return NULL;
}

static int sc_concurrent(struct world *w)
{
	pthread_t t[4];
	pid_t pids[4];
	int st;

	probe(); /* this process's session: its children open their own */
	for (int i = 0; i < 4; i++)
		if ((pids[i] = fork()) == 0)
			_exit(worker(w));
	for (int i = 0; i < 4; i++)
		child_check(pthread_create(&t[i], NULL, thread_main, w), 0);
	for (int i = 0; i < 4; i++)
		child_check(pthread_join(t[i], NULL), 0);
	for (int i = 0; i < 4; i++) {
		child_check(waitpid(pids[i], &st, 0), pids[i]);
		child_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	}
	/* Everyone's connects reached the listener. */
	child_check(fcntl(w->lis, F_SETFL, O_NONBLOCK), 0);
	for (int i = 0; i < 4 * ROUNDS; i++) {
		int a = accept4(w->lis, NULL, NULL, SOCK_CLOEXEC);
		child_check(a >= 0, 1);
		close(a);
	}
	probe();
	return 0;
}

/* ---- reaping and signals ---------------------------------------------- */

/* Left behind by the program: say so on fd (if any), then wait to be
 * killed, as the broker does when the program exits. */
static _Noreturn void linger(int fd)
{
	close(root_fd());
	alarm(90); /* a stray, should the broker not kill it */
	if (fd >= 0)
		child_check(write(fd, "l", 1), 1);
	for (;;)
		pause();
}

static void await_linger(int p[2])
{
	char c;

	close(p[1]);
	child_check(read(p[0], &c, 1), 1);
	close(p[0]);
}

static int sc_linger(struct world *w)
{
	int p[2];

	child_check(pipe(p), 0);
	if (fork() == 0) {
		/* A daemon: a session of its own, deaf to SIGTERM and SIGHUP. */
		setsid();
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		if (fork() == 0) {
			close(open(w->marker, O_WRONLY | O_CREAT | O_CLOEXEC,
				   0600));
			linger(p[1]);
		}
		_exit(0);
	}
	await_linger(p);
	return 0;
}

static void on_signal(int sig)
{
	_exit(sig == SIGTERM ? 42 : 43);
}

static int sc_wait_signal(struct world *w)
{
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	ready(w);
	while (pause() < 0 && errno == EINTR)
		;
	return 99; /* not reached: the handler exits */
}

static int sc_linger_tree(struct world *w)
{
	int p[2];
	pid_t c;

	child_check(pipe(p), 0);
	if (fork() == 0) {
		/* A subreaper: the orphan below reaches the broker only once
		 * this is killed. */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		if ((c = fork()) == 0) {
			if (fork() == 0)
				linger(p[1]);
			_exit(0);
		}
		waitpid(c, NULL, 0);
		linger(-1);
	}
	await_linger(p);
	return 7;
}

/* ---- io_uring refused ------------------------------------------------ */

/* The broker serves as well on poll(2), and holds no ring any more. */
static int sc_fallback(struct world *w)
{
	ocap_ns *ns;
	int s = tcp_socket(AF_INET, 0), a;

	child_check(ocap_root(&ns), 0);
	child_check(ocap_ns_count(ns), 3 + w->nnets);
	child_check(connect_to(s, "127.0.0.1", w->port), 0);
	child_check((a = accept4(w->lis, NULL, NULL, SOCK_CLOEXEC)) >= 0, 1);
	exchange(s, a);
	close(a);
	close(s);
	probe();
	child_check(broker_has_uring(w), 0);
	return 0;
}

/* ---- reopening a file granted alone -------------------------------------- */

/* Ask for name with flags over s: the descriptor, or the REPLY's status. */
static int open_req(int s, const char *name, int flags)
{
	static struct ocap_msg m;
	int r;

	memset(&m, 0, sizeof m);
	m.type = OCAP_MSG_OPEN;
	m.seq = 31;
	m.fields = OCAP_F_NAME | OCAP_F_COUNT;
	m.name_len = (uint16_t)strlen(name);
	memcpy(m.name, name, m.name_len + 1u);
	m.count = (uint32_t)flags;
	if ((r = ocap_msg_send(s, &m)) < 0 || (r = ocap_msg_recv(s, &m)) < 0)
		return r;
	child_check(m.seq, 31);
	if (m.type == OCAP_MSG_OPENED)
		return m.fds[0];
	child_check(m.type, OCAP_MSG_REPLY);
	return m.status;
}

/* fd reads as want from its start. */
static void reads(int fd, const char *want)
{
	char buf[64] = "";

	child_check(fd >= 0, 1);
	child_check(pread(fd, buf, sizeof buf - 1, 0), (long)strlen(want));
	child_check(strcmp(buf, want), 0);
	close(fd);
}

static void open_raw(struct world *w, int s)
{
	char missing[PATH_MAX + 8];
	int fd;

	reads(open_req(s, w->file, O_RDONLY), "read only\n");
	fd = open_req(s, w->rwfile, O_RDWR);
	child_check(pwrite(fd, "W", 1, 0), 1);
	reads(fd, "Wead write\n");
	fd = open_req(s, w->rwfile, O_WRONLY | O_CREAT | O_TRUNC);
	child_check(write(fd, "read write\n", 11), 11);
	close(fd);
	reads(open_req(s, w->file, O_RDONLY | O_CREAT), "read only\n");
	child_check(open_req(s, w->file, O_WRONLY), -EACCES);
	child_check(logged(w, "ocapsh: denied open of "), 1);
	child_check(open_req(s, w->file, O_RDWR), -EACCES);
	child_check(open_req(s, w->file, O_RDONLY | O_TRUNC), -EACCES);
	child_check(open_req(s, w->file, O_RDONLY | O_CREAT | O_EXCL), -EACCES);
	child_check(open_req(s, w->rwfile, O_WRONLY | O_CREAT | O_EXCL),
		    -EEXIST);
	child_check(open_req(s, w->rwfile, O_RDONLY | O_DIRECTORY), -ENOTDIR);
	child_check(open_req(s, w->td.path, O_RDONLY), -ENOENT);
	snprintf(missing, sizeof missing, "%s/nope", w->td.path);
	child_check(open_req(s, missing, O_RDONLY), -ENOENT);
	child_check(open_req(s, "/not-opened", O_RDONLY), -ENOENT);
	fd = open_req(s, w->file, O_PATH);
	child_check(fd >= 0, 1);
	child_check(fcntl(fd, F_GETFL) & O_PATH, O_PATH);
	close(fd);
	/* What the program's own open would be refused; the broker opens
	 * non-blocking and gives the program its own blocking mode. */
	child_check(open_req(s, w->rwfile, O_ACCMODE), -EINVAL);
	child_check(open_req(s, w->file, O_ACCMODE | O_PATH), -EINVAL);
	child_check(open_req(s, w->file, O_RDONLY | 0x40000000), -EINVAL);
	child_check(open_req(s, w->rwfile, O_RDWR | O_TMPFILE), -ENOTDIR);
	child_check(open_req(s, w->file, O_RDWR | O_TMPFILE), -EACCES);
	fd = open_req(s, w->file, O_RDONLY);
	child_check(fd >= 0 && !(fcntl(fd, F_GETFL) & O_NONBLOCK), 1);
	close(fd);
	fd = open_req(s, w->file, O_RDONLY | O_NONBLOCK);
	child_check(fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK), 1);
	close(fd);
	/* Opened with the program's credentials, not a root broker's
	 * capabilities: mode 0000 keeps out all but CAP_DAC_OVERRIDE. */
	child_check(chmod(w->file, 0), 0);
	child_check(open_req(s, w->file, O_RDONLY), -EACCES);
	child_check(chmod(w->file, 0644), 0);
	reads(open_req(s, w->file, O_RDONLY), "read only\n");
}

/* Through libocap: a file from ocap_root() is reopened by the broker. */
static void open_lib(struct world *w)
{
	const ocap_cap *c;
	ocap_cap *d;
	ocap_ns *ns;
	int fd;

	child_check(ocap_root(&ns), 0);
	fd = ocap_ns_open(ns, w->file, O_RDONLY, 0);
	child_check(fcntl(fd, F_GETFD), 0);
	reads(fd, "read only\n");
	fd = ocap_ns_open(ns, w->file, O_RDONLY | O_CLOEXEC, 0);
	child_check(fcntl(fd, F_GETFD), FD_CLOEXEC);
	reads(fd, "read only\n");
	fd = ocap_ns_open(ns, w->rwfile, O_WRONLY | O_APPEND | O_CLOEXEC, 0);
	child_check(write(fd, "more\n", 5), 5);
	close(fd);
	reads(ocap_ns_open(ns, w->rwfile, O_RDONLY | O_CLOEXEC, 0),
	      "read write\nmore\n");
	child_check(ocap_ns_open(ns, w->file, O_WRONLY | O_CLOEXEC, 0),
		    -EACCES);
	child_check(ocap_ns_open(ns, w->rwfile, O_RDWR | O_CREAT | O_EXCL, 0),
		    -EEXIST);
	child_check(ocap_lookup(w->rwfile, &c), 0);
	child_check(ocap_cap_derive(c, ".", OCAP_RIGHTS_RO, &d), 0);
	reads(ocap_openat(d, ".", O_RDONLY | O_CLOEXEC, 0),
	      "read write\nmore\n");
	child_check(ocap_openat(d, ".", O_WRONLY | O_CLOEXEC, 0), -EACCES);
	ocap_cap_close(d);
}

static int sc_open(struct world *w)
{
	int base, s;

	probe();
	base = broker_fds(w);
	s = ocap_session(root_fd());
	child_check(s >= 0, 1);
	open_raw(w, s);
	child_check(broker_fds_settle(w, base + 1), 1);
	close(s);
	open_lib(w);
	/* The library's session (opened by probe()) is the only one. */
	child_check(broker_fds_settle(w, base), 1);
	return 0;
}

static int sc_killed(struct world *w)
{
	raise(SIGUSR1);
	return 0;
}

/* ---- the tests ------------------------------------------------------------ */

static void test_table(void **state)
{
	run_expect(state, 0, sc_table, 0);
}

static void test_connect(void **state)
{
	run_expect(state, 0, sc_connect, 0);
}

static void test_nonblock(void **state)
{
	run_expect(state, 0, sc_nonblock, 0);
}

static void test_clients_die(void **state)
{
	run_expect(state, 0, sc_clients_die, 0);
}

static void test_hostile(void **state)
{
	run_expect(state, 0, sc_hostile, 0);
}

static void test_cap(void **state)
{
	run_expect(state, 0, sc_cap, 0);
}

static void test_open(void **state)
{
	run_expect(state, 0, sc_open, 0);
}

static void test_bind(void **state)
{
	run_expect(state, 0, sc_bind, 0);
}

static void test_resolve(void **state)
{
	run_expect(state, 0, sc_resolve, 0);
	/* a granted name resolved long ago is looked up again: the same
	 * answers, the grant's addresses kept */
	run_expect(state, W_STALE, sc_resolve, 0);
}

static void test_star(void **state)
{
	run_expect(state, W_STAR, sc_star, 0);
}

static void test_concurrent(void **state)
{
	run_expect(state, 0, sc_concurrent, 0);
}

static void test_linger(void **state)
{
	struct run r;

	run_start(&r, *(int *)*state, 0, sc_linger);
	/* The daemon ran (it wrote the marker) and the broker returned all
	 * the same: it killed it rather than wait for it. */
	assert_ret(run_finish(&r), 0);
	assert_true(r.marker);
}

static void test_signals(void **state)
{
	/* SIGHUP is not handled: the program dies of it, 128 + 1. */
	static const struct { int sig, want; } cases[] = {
		{ SIGTERM, 42 }, { SIGINT, 43 }, { SIGHUP, 128 + SIGHUP },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct run r;

		run_start(&r, *(int *)*state, 0, sc_wait_signal);
		run_await(&r);
		kill(r.w.broker, cases[i].sig);
		assert_ret(run_finish(&r), cases[i].want);
	}
}

/* Killing goes on, generation after generation, until none is left. */
static void test_linger_tree(void **state)
{
	run_expect(state, 0, sc_linger_tree, 7);
}

static void test_uring_refused(void **state)
{
	run_expect(state, W_NO_URING, sc_fallback, 0);
	run_expect(state, W_NO_URING_WAIT, sc_fallback, 0);
}

static void test_status(void **state)
{
	run_expect(state, 0, sc_killed, 128 + SIGUSR1);
}

static void test_bad_args(void **state)
{
	ocap_plan *p;
	int st;

	(void)state;
	assert_ret(ocap_plan_new(&p), 0);
	assert_ret(ocap__broker_run(NULL, 0, -1, 1, &st), -EINVAL);
	assert_ret(ocap__broker_run(p, -1, -1, 1, &st), -EINVAL);
	assert_ret(ocap__broker_run(p, 0, -1, 0, &st), -EINVAL);
	assert_ret(ocap__broker_run(p, 0, -1, 1, NULL), -EINVAL);
	ocap_plan_free(p);
}

#define BOTH(f)                                                              \
	{ #f "/uring", f, NULL, NULL, &mode_uring },                         \
		{ #f "/poll", f, NULL, NULL, &mode_poll }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_args),
		BOTH(test_table),
		BOTH(test_connect),
		BOTH(test_nonblock),
		BOTH(test_clients_die),
		BOTH(test_hostile),
		BOTH(test_cap),
		BOTH(test_open),
		BOTH(test_bind),
		BOTH(test_resolve),
		BOTH(test_star),
		BOTH(test_concurrent),
		BOTH(test_linger),
		BOTH(test_signals),
		BOTH(test_linger_tree),
		BOTH(test_status),
		{ "test_uring_refused", test_uring_refused, NULL, NULL,
		  &mode_uring },
	};

	signal(SIGPIPE, SIG_IGN);
	if (getenv("BROKER_TEST")) /* e.g. BROKER_TEST='test_cap*' */
		cmocka_set_test_filter(getenv("BROKER_TEST"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
