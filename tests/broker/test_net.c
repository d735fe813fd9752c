/* SPDX-License-Identifier: MIT */
/*
 * The broker's network services (launcher/broker/net.c) and their client
 * side in libocap (libcap/net.c), live: connect, bind, listen and resolve
 * asked over the root descriptor, judged against the plan's grants and
 * done by the broker on the program's own socket; connects that wait on a
 * job's thread; many clients at once; and a supervised program's own
 * connect, bind and listen, which reach the same judgment through the
 * seccomp listener.  world.c sets up the broker process
 * and its client.
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
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "world.h"

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

/* ---- a client killed while its connect waits ----------------------------- */

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

static int sc_job_cancel(struct world *w)
{
	int base;

	probe();
	base = broker_fds(w);
	killed_while_connecting(w, base);
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

/* ---- a supervised program's own calls ------------------------------------ */

/* Plain connect, bind and listen, which the supervised program hands to
 * the broker (supervise.c): judged as the same requests over the root
 * descriptor are. */
static int sc_supervised(struct world *w)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_ip(&ss, "127.0.0.1", w->port);
	struct pollfd p = { .events = POLLOUT };
	socklen_t olen = sizeof(int);
	int s = tcp_socket(AF_INET, 0), a, on = 0;

	child_check(ret_errno(connect(s, SA(&ss), len)), 0);
	child_check((a = accept4(w->lis, NULL, NULL, SOCK_CLOEXEC)) >= 0, 1);
	exchange(s, a);
	close(a);
	close(s);
	s = tcp_socket(AF_INET, 0);
	len = sa_ip(&ss, "127.0.0.1", w->other_port);
	child_check(ret_errno(connect(s, SA(&ss), len)), -EACCES);
	len = sa_ip(&ss, "127.0.0.1", w->closed_port);
	child_check(ret_errno(connect(s, SA(&ss), len)), -ECONNREFUSED);
	child_check(ret_errno(connect(900, SA(&ss), len)), -EBADF);
	close(s);
	p.fd = tcp_socket(AF_INET, SOCK_NONBLOCK);
	len = sa_ip(&ss, "127.0.0.1", w->port);
	child_check(ret_errno(connect(p.fd, SA(&ss), len)), -EINPROGRESS);
	child_check(poll(&p, 1, 5000), 1);
	child_check(getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &on, &olen), 0);
	child_check(on, 0);
	close(p.fd);
	child_check((a = accept4(w->lis, NULL, NULL, SOCK_CLOEXEC)) >= 0, 1);
	close(a);
	/* bind and listen: the granted port, nothing else */
	s = tcp_socket(AF_INET, 0);
	len = sa_ip(&ss, "127.0.0.1", w->listen_port);
	child_check(ret_errno(bind(s, SA(&ss), len)), 0);
	child_check(sa_port_of(s), w->listen_port);
	child_check(ret_errno(listen(s, 8)), 0);
	olen = sizeof on;
	child_check(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &on, &olen), 0);
	child_check(on, 1);
	close(s);
	s = tcp_socket(AF_INET, 0);
	len = sa_ip(&ss, "0.0.0.0", w->listen_port);
	child_check(ret_errno(bind(s, SA(&ss), len)), -EACCES);
	len = sa_ip(&ss, "127.0.0.1", free_port());
	child_check(ret_errno(bind(s, SA(&ss), len)), -EACCES);
	child_check(ret_errno(listen(s, 8)), -EACCES);
	close(s);
	return 0;
}

/* ---- the tests ------------------------------------------------------------ */

static void test_resolve(void **state)
{
	(void)state;
	run_expect(0, sc_resolve, 0);
	/* a granted name resolved long ago is looked up again: the same
	 * answers, the grant's addresses kept */
	run_expect(W_STALE, sc_resolve, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE("test_connect", sc_connect, 0, 0),
		CASE("test_nonblock", sc_nonblock, 0, 0),
		CASE("test_job_cancel", sc_job_cancel, 0, 0),
		CASE("test_bind", sc_bind, 0, 0),
		cmocka_unit_test(test_resolve),
		CASE("test_star", sc_star, W_STAR, 0),
		CASE("test_concurrent", sc_concurrent, 0, 0),
		CASE("test_supervised", sc_supervised, W_SUPER | W_NET, 0),
	};

	return world_main("net", tests, sizeof tests / sizeof *tests);
}
