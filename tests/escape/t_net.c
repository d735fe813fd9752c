/* SPDX-License-Identifier: MIT */
/*
 * Sockets.  No network is granted: the canary listeners (TCP, UDP,
 * pathname and abstract Unix sockets) must hear nothing, which the
 * driver checks after every run as well.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "probe.h"

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif
#define TCP_FASTOPEN_CONNECT 30
#define TCP_ULP 31
#define IPPROTO_MPTCP_ 262
#define IPPROTO_SCTP_ 132
#define AF_ALG_ 38
#define AF_VSOCK_ 40
#define ETH_P_ALL_BE 0x0300 /* htons(ETH_P_ALL) */
#define HIGH ((unsigned long)1 << 32)

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A TCP socket, which both modes allow; *code says why not. */
static int tcp_socket(int domain, int *code)
{
	int s = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		*code = say(errno == EAFNOSUPPORT ? MISSING : SETUP,
			    "socket(%s, SOCK_STREAM): %s",
			    domain == AF_INET ? "AF_INET" : "AF_INET6",
			    ename(errno));
	return s;
}

/* A connect that went through: say so with a byte the listener logs. */
static int connected(int s, const char *what)
{
	ssize_t n = write(s, "ESCAPED\n", 8);

	return say(ESCAPED, "%s: connected (wrote %zd bytes)", what, n);
}

int t_tcp_connect(const struct ctx *c)
{
	struct sockaddr_in a = loopback(c->port);
	int code, s = tcp_socket(AF_INET, &code);

	if (s < 0)
		return code;
	if (connect(s, (struct sockaddr *)&a, sizeof a) == 0)
		return connected(s, "connect(127.0.0.1:canary)");
	return EXPECT("connect(127.0.0.1:canary)", -1, mode_err(c));
}

int t_tcp_connect_v6mapped(const struct ctx *c)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	int code, s = tcp_socket(AF_INET6, &code);

	if (s < 0)
		return code;
	a.sin6_port = htons((uint16_t)c->port);
	a.sin6_addr.s6_addr[10] = a.sin6_addr.s6_addr[11] = 0xff;
	a.sin6_addr.s6_addr[12] = 127;
	a.sin6_addr.s6_addr[15] = 1;
	if (connect(s, (struct sockaddr *)&a, sizeof a) == 0)
		return connected(s, "connect([::ffff:127.0.0.1]:canary)");
	return EXPECT("connect([::ffff:127.0.0.1]:canary)", -1, mode_err(c));
}

int t_tcp_bind(const struct ctx *c)
{
	struct sockaddr_in a = loopback(0);
	int code, s = tcp_socket(AF_INET, &code);

	if (s < 0)
		return code;
	/* bind needs a --listen or --udp grant in compat mode too */
	return EXPECT("bind(127.0.0.1:0)",
		      bind(s, (struct sockaddr *)&a, sizeof a), EPERM);
}

/* listen() binds an unbound socket to an ephemeral port without the bind
 * hook Landlock checks (ABI 7); seccomp (EPERM) or a Landlock that sees
 * it (EACCES) must refuse. */
int t_tcp_listen_autobind(const struct ctx *c)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof a;
	int code, s = tcp_socket(AF_INET, &code);

	if (s < 0)
		return code;
	if (listen(s, 1) == 0) {
		getsockname(s, (struct sockaddr *)&a, &len);
		return say(ESCAPED, "listen() on an unbound socket: listening "
			   "on port %d, which no grant allows",
			   ntohs(a.sin_port));
	}
	return EXPECT("listen() on an unbound socket", -1, EPERM, EACCES);
}

/* TCP Fast Open connects from sendto/sendmsg, where Landlock's connect
 * hook does not run: only seccomp's MSG_FASTOPEN check stands. */
int t_tfo_sendto(const struct ctx *c)
{
	struct sockaddr_in a = loopback(c->port);
	int code, s = tcp_socket(AF_INET, &code);

	if (s < 0)
		return code;
	return EXPECT("sendto(127.0.0.1:canary, MSG_FASTOPEN)",
		      sendto(s, "ESCAPED\n", 8, MSG_FASTOPEN,
			     (struct sockaddr *)&a, sizeof a),
		      EPERM);
}

/* The kernel reads flags as an unsigned int: the high word is dropped. */
int t_tfo_sendto_highword(const struct ctx *c)
{
	struct sockaddr_in a = loopback(c->port);
	int code, s = tcp_socket(AF_INET, &code);

	if (s < 0)
		return code;
	return EXPECT("sendto(canary, MSG_FASTOPEN | 1<<32)",
		      syscall(SYS_sendto, s, "ESCAPED\n", 8,
			      HIGH | MSG_FASTOPEN, &a, sizeof a),
		      EPERM);
}

int t_tfo_sendmsg(const struct ctx *c)
{
	struct sockaddr_in a = loopback(c->port);
	struct iovec iov = { "ESCAPED\n", 8 };
	struct msghdr m = { .msg_name = &a, .msg_namelen = sizeof a,
			    .msg_iov = &iov, .msg_iovlen = 1 };
	int code, s = tcp_socket(AF_INET, &code);

	if (s < 0)
		return code;
	return EXPECT("sendmsg(name canary, MSG_FASTOPEN)",
		      sendmsg(s, &m, MSG_FASTOPEN), EPERM);
}

/* With TCP_FASTOPEN_CONNECT, connect() returns at once and the first
 * write sends the SYN.  If the option gets through, try the rest: an
 * escape if it connects, a filter hole if Landlock still stops connect. */
int t_tfo_connect_opt(const struct ctx *c)
{
	struct sockaddr_in a = loopback(c->port);
	int one = 1, code, s = tcp_socket(AF_INET, &code);
	long r;

	if (s < 0)
		return code;
	r = setsockopt(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one, sizeof one);
	if (r < 0)
		return EXPECT("setsockopt(TCP_FASTOPEN_CONNECT)", r, EPERM);
	if (connect(s, (struct sockaddr *)&a, sizeof a) == 0 &&
	    write(s, "ESCAPED\n", 8) > 0)
		return say(ESCAPED, "TCP_FASTOPEN_CONNECT: connected to the "
			   "canary port");
	return say(UNEXPECTED, "setsockopt(TCP_FASTOPEN_CONNECT) reached "
		   "the kernel; connect then: %s", ename(errno));
}

int t_tfo_connect_opt_highword(const struct ctx *c)
{
	int one = 1, code, s = tcp_socket(AF_INET, &code);

	if (s < 0)
		return code;
	return EXPECT("setsockopt(IPPROTO_TCP | 1<<32, "
		      "TCP_FASTOPEN_CONNECT | 1<<32)",
		      syscall(SYS_setsockopt, s, HIGH | IPPROTO_TCP,
			      HIGH | TCP_FASTOPEN_CONNECT, &one, sizeof one),
		      EPERM);
}

/* Unconnected, the kernel would say ENOTCONN: EPERM is seccomp's. */
int t_tcp_ulp(const struct ctx *c)
{
	int code, s = tcp_socket(AF_INET, &code);

	if (s < 0)
		return code;
	return EXPECT("setsockopt(TCP_ULP, tls)",
		      setsockopt(s, IPPROTO_TCP, TCP_ULP, "tls", 3), EPERM);
}

/* A socket that should not exist: its creation is the escape. */
static int no_socket(const char *what, int domain, int type, int proto)
{
	return EXPECT(what, socket(domain, type | SOCK_CLOEXEC, proto), EPERM);
}

/* Landlock's TCP rules do not cover MPTCP: a socket means a connect
 * nobody checks. */
int t_mptcp(const struct ctx *c)
{
	struct sockaddr_in a = loopback(c->port);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP_);

	if (s < 0)
		return EXPECT("socket(IPPROTO_MPTCP)", s, EPERM);
	if (connect(s, (struct sockaddr *)&a, sizeof a) == 0)
		return connected(s, "MPTCP connect(127.0.0.1:canary)");
	return say(ESCAPED, "socket(IPPROTO_MPTCP) created (connect: %s)",
		   ename(errno));
}

int t_sctp(const struct ctx *c)
{
	return no_socket("socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP)", AF_INET,
			 SOCK_STREAM, IPPROTO_SCTP_);
}

int t_inet_seqpacket(const struct ctx *c)
{
	return no_socket("socket(AF_INET, SOCK_SEQPACKET, 0)", AF_INET,
			 SOCK_SEQPACKET, 0);
}

/* Without CAP_NET_RAW (the launcher drops it) the kernel says EPERM as
 * well: ping-socket is the family/protocol check the kernel would pass. */
int t_raw_socket(const struct ctx *c)
{
	return no_socket("socket(AF_INET, SOCK_RAW, IPPROTO_RAW)", AF_INET,
			 SOCK_RAW, IPPROTO_RAW);
}

int t_ping_socket(const struct ctx *c)
{
	return no_socket("socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)", AF_INET,
			 SOCK_DGRAM, IPPROTO_ICMP);
}

int t_af_alg(const struct ctx *c)
{
	return no_socket("socket(AF_ALG)", AF_ALG_, SOCK_SEQPACKET, 0);
}

int t_af_packet(const struct ctx *c)
{
	return no_socket("socket(AF_PACKET)", AF_PACKET, SOCK_RAW,
			 ETH_P_ALL_BE);
}

/* NETLINK_ROUTE is open to anyone: EPERM can only be seccomp's. */
int t_af_netlink(const struct ctx *c)
{
	return no_socket("socket(AF_NETLINK, NETLINK_ROUTE)", AF_NETLINK,
			 SOCK_RAW, 0);
}

int t_af_vsock(const struct ctx *c)
{
	return no_socket("socket(AF_VSOCK)", AF_VSOCK_, SOCK_STREAM, 0);
}

static socklen_t unix_addr(struct sockaddr_un *a, const char *name,
			   bool abstract)
{
	size_t n = strlen(name);

	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	if (!abstract) {
		snprintf(a->sun_path, sizeof a->sun_path, "%s", name);
		return (socklen_t)sizeof *a;
	}
	if (n > sizeof a->sun_path - 1)
		n = sizeof a->sun_path - 1;
	memcpy(a->sun_path + 1, name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/* A socket a technique needs.  seccomp refusing it (EPERM) blocks the
 * technique there and then: native mode has no AF_UNIX datagram or UDP
 * sockets at all. */
static int need_socket(int domain, int type, const char *what, int *code)
{
	int s = socket(domain, type | SOCK_CLOEXEC, 0);

	if (s < 0)
		*code = EXPECT(what, -1, EPERM);
	return s;
}

/* Native programs may not connect (the broker does): EPERM from seccomp.
 * In compat, abstract sockets are Landlock's scope (EPERM). */
int t_abstract_connect(const struct ctx *c)
{
	struct sockaddr_un a;
	socklen_t len = unix_addr(&a, c->abstract, true);
	int code, s = need_socket(AF_UNIX, SOCK_STREAM, "socket(AF_UNIX)",
				  &code);

	if (s < 0)
		return code;
	if (connect(s, (struct sockaddr *)&a, len) == 0)
		return connected(s, "connect(@canary)");
	return EXPECT("connect(@canary)", -1, EPERM);
}

int t_abstract_dgram(const struct ctx *c)
{
	struct sockaddr_un a;
	socklen_t len = unix_addr(&a, c->adgram, true);
	int code, s = need_socket(AF_UNIX, SOCK_DGRAM,
				  "socket(AF_UNIX, SOCK_DGRAM)", &code);

	if (s < 0)
		return code;
	return EXPECT("sendto(@canary-dgram)",
		      sendto(s, "ESCAPED\n", 8, 0, (struct sockaddr *)&a, len),
		      EPERM);
}

/* Landlock before ABI 9 does not restrict connecting to a pathname
 * socket, so compat has no AF_UNIX socket without a unix: grant (EPERM
 * at socket()); a Landlock that covers them would say EACCES.  Native
 * programs may not connect at all (EPERM). */
int t_unix_connect(const struct ctx *c)
{
	struct sockaddr_un a;
	socklen_t len = unix_addr(&a, c->unix_path, false);
	int code, s = need_socket(AF_UNIX, SOCK_STREAM, "socket(AF_UNIX)",
				  &code);

	if (s < 0)
		return code;
	if (connect(s, (struct sockaddr *)&a, len) == 0)
		return connected(s, "connect(cdir/sock)");
	if (c->native)
		return EXPECT("connect(cdir/sock)", -1, EPERM);
	return EXPECT("connect(cdir/sock)", -1, EPERM, EACCES);
}

int t_unix_dgram(const struct ctx *c)
{
	struct sockaddr_un a;
	socklen_t len = unix_addr(&a, c->dgram_path, false);
	int code, s = need_socket(AF_UNIX, SOCK_DGRAM,
				  "socket(AF_UNIX, SOCK_DGRAM)", &code);

	if (s < 0)
		return code;
	return EXPECT("sendto(cdir/dgram)",
		      sendto(s, "ESCAPED\n", 8, 0, (struct sockaddr *)&a, len),
		      EPERM, EACCES);
}

/* A datagram end of a socket pair is connected to its peer, yet sendto()
 * with an address sends there instead: a way to a pathname socket that
 * needs no socket(AF_UNIX).  Refused at socketpair() (EPERM) or at the
 * send (EPERM, or EACCES from a Landlock that covers pathname sockets). */
int t_socketpair_dgram(const struct ctx *c)
{
	struct sockaddr_un a;
	socklen_t len = unix_addr(&a, c->dgram_path, false);
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		return EXPECT("socketpair(AF_UNIX, SOCK_DGRAM)", -1, EPERM);
	return EXPECT("sendto(socketpair end, cdir/dgram)",
		      sendto(sv[0], "ESCAPED\n", 8, 0, (struct sockaddr *)&a,
			     len),
		      EPERM, EACCES);
}

/* Landlock has no UDP rules: without a --udp grant neither mode has a
 * UDP socket (EPERM at socket()); failing that, the send must fail. */
int t_udp_sendto(const struct ctx *c)
{
	struct sockaddr_in a = loopback(c->uport);
	int code, s = need_socket(AF_INET, SOCK_DGRAM,
				  "socket(AF_INET, SOCK_DGRAM)", &code);

	if (s < 0)
		return code;
	return EXPECT("sendto(127.0.0.1:canary UDP)",
		      sendto(s, "ESCAPED\n", 8, 0, (struct sockaddr *)&a,
			     sizeof a),
		      EPERM, EACCES);
}
