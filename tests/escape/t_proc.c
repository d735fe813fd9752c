/* SPDX-License-Identifier: MIT */
/*
 * Descriptors, other processes and the broker.  The broker is the
 * program's parent (getppid()); it keeps its capabilities, so reaching it
 * would undo the sandbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <ocap/ocap.h>

#include "probe.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#define PTRACE_ATTACH 16
#define PTRACE_DETACH 17
/* <asm-generic/socket.h>, Linux 6.5 */
#define SO_PASSPIDFD_ 76
#define SO_PEERPIDFD_ 77
#define SCM_PIDFD_ 0x04

/* Everything but 0-2 and the root descriptor is closed at exec.  The
 * driver holds the canary on 7 and its directory on 8 when it starts
 * ocapsh, so a leak shows up as the secret in our output. */
int t_fd_leak(const struct ctx *c)
{
	char list[512] = "";
	struct stat st;
	int n = 0;

	for (int fd = 4; fd < 65536; fd++) {
		char buf[128];
		ssize_t r;

		if (fcntl(fd, F_GETFD) < 0)
			continue;
		r = pread(fd, buf, sizeof buf, 0);
		snprintf(list + strlen(list), sizeof list - strlen(list),
			 " %d%s%.*s", fd, r > 0 ? ":" : "", r > 0 ? (int)r : 0,
			 buf);
		n++;
	}
	if (n)
		return say(ESCAPED, "%d descriptor(s) beyond 0-3 inherited:%s",
			   n, list);
	if (fcntl(3, F_GETFD) < 0 || fstat(3, &st) < 0 || !S_ISSOCK(st.st_mode))
		return say(UNEXPECTED, "fd 3 is not the root descriptor (a "
			   "socket)");
	return say(BLOCKED, "only 0-3 open");
}

int t_ptrace_broker(const struct ctx *c)
{
	pid_t b = getppid();
	long r = syscall(SYS_ptrace, PTRACE_ATTACH, b, 0, 0);

	if (r == 0)
		syscall(SYS_ptrace, PTRACE_DETACH, b, 0, 0);
	return EXPECT("ptrace(PTRACE_ATTACH, broker)", r, EPERM);
}

/* If the signal got through, the broker is dead and PDEATHSIG kills us:
 * ocapsh's status (137, not ours) tells the driver. */
static int signal_broker(long r, int err, pid_t b, const char *what)
{
	if (r == 0)
		return say(ESCAPED, "%s: delivered", what);
	if (getppid() != b)
		return say(ESCAPED, "%s: %s, but the broker is gone", what,
			   ename(err));
	return expect_err(what, r, err, (const int[]){ EPERM, 0 });
}

int t_kill_broker(const struct ctx *c)
{
	pid_t b = getppid();
	long r = kill(b, SIGKILL);

	return signal_broker(r, errno, b, "kill(broker, SIGKILL)");
}

int t_tgkill_broker(const struct ctx *c)
{
	pid_t b = getppid();
	long r = syscall(SYS_tgkill, b, b, SIGKILL);

	return signal_broker(r, errno, b, "tgkill(broker, SIGKILL)");
}

/* An address that is not mapped: if the call reached the kernel it would
 * fail with EFAULT, not EPERM, and write nothing. */
#define NOWHERE ((void *)(uintptr_t)0x10000)

int t_vm_readv(const struct ctx *c)
{
	char buf[16];
	struct iovec l = { buf, sizeof buf }, r = { NOWHERE, sizeof buf };

	return EXPECT("process_vm_readv(broker)",
		      syscall(SYS_process_vm_readv, getppid(), &l, 1, &r, 1, 0),
		      EPERM);
}

int t_vm_writev(const struct ctx *c)
{
	char buf[16] = "ESCAPED";
	struct iovec l = { buf, sizeof buf }, r = { NOWHERE, sizeof buf };

	return EXPECT("process_vm_writev(broker)",
		      syscall(SYS_process_vm_writev, getppid(), &l, 1, &r, 1,
			      0),
		      EPERM);
}

/* Only reads the broker's limit: the same rule would let a write by. */
int t_prlimit_broker(const struct ctx *c)
{
	uint64_t old[2];

	return EXPECT("prlimit64(broker, RLIMIT_NOFILE)",
		      syscall(SYS_prlimit64, getppid(), 7 /* NOFILE */, NULL,
			      old),
		      EPERM);
}

int t_pidfd_getfd(const struct ctx *c)
{
	long p = syscall(SYS_pidfd_open, getppid(), 0);

	if (p >= 0) {
		long fd = syscall(SYS_pidfd_getfd, p, 0, 0);
		return say(ESCAPED, "pidfd_open(broker) = %ld; pidfd_getfd(0) "
			   "= %ld (%s)", p, fd, fd < 0 ? ename(errno) : "ok");
	}
	return EXPECT("pidfd_open(broker)", p, EPERM);
}

/* The root descriptor's peer is the broker: SO_PEERPIDFD would give a
 * pidfd for it, which pidfd_open is refused to keep out of reach. */
int t_broker_peerpidfd(const struct ctx *c)
{
	int pfd = -1;
	socklen_t len = sizeof pfd;

	if (getsockopt(3, SOL_SOCKET, SO_PEERPIDFD_, &pfd, &len) == 0)
		return say(ESCAPED, "getsockopt(fd 3, SO_PEERPIDFD): pidfd %d "
			   "for the broker", pfd);
	if (errno == ENOPROTOOPT)
		return say(MISSING, "SO_PEERPIDFD: ENOPROTOOPT (Linux 6.5)");
	return EXPECT("getsockopt(fd 3, SO_PEERPIDFD)", -1, EPERM);
}

/* The first SCM_PIDFD descriptor in m's control data, or -1; the
 * descriptors passed with it are closed. */
static int scm_pidfd(struct msghdr *m)
{
	int pidfd = -1;

	for (struct cmsghdr *h = CMSG_FIRSTHDR(m); h; h = CMSG_NXTHDR(m, h)) {
		int fds[8];
		size_t n = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (h->cmsg_level != SOL_SOCKET || n > 8)
			continue;
		memcpy(fds, CMSG_DATA(h), n * sizeof(int));
		if (h->cmsg_type == SCM_PIDFD_ && n == 1)
			pidfd = fds[0];
		else if (h->cmsg_type == SCM_RIGHTS)
			for (size_t i = 0; i < n; i++)
				close(fds[i]);
	}
	return pidfd;
}

/* A TABLE_REQ on s: 0 or -errno. */
static int send_table_req(int s)
{
	struct ocap_msg *m = calloc(1, sizeof *m);
	int r;

	if (!m)
		return -ENOMEM;
	m->type = OCAP_MSG_TABLE_REQ;
	m->seq = 1;
	r = ocap_msg_send(s, m);
	free(m);
	return r;
}

/* With SO_PASSPIDFD every message the broker writes to a session comes
 * with a pidfd for it. */
int t_broker_passpidfd(const struct ctx *c)
{
	static char buf[OCAP_MSG_MAX];
	union {
		char b[CMSG_SPACE(8 * sizeof(int)) + CMSG_SPACE(sizeof(int))];
		struct cmsghdr h;
	} u;
	struct iovec iov = { buf, sizeof buf };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.b, .msg_controllen = sizeof u.b };
	struct pollfd p;
	int one = 1, s = ocap_session(3), pidfd;

	if (s < 0)
		return say(SETUP, "ocap_session(3): %s", ename(-s));
	if (setsockopt(s, SOL_SOCKET, SO_PASSPIDFD_, &one, sizeof one) < 0) {
		if (errno == ENOPROTOOPT)
			return say(MISSING, "SO_PASSPIDFD: ENOPROTOOPT (Linux "
				   "6.5)");
		return EXPECT("setsockopt(session, SO_PASSPIDFD)", -1, EPERM);
	}
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	if (send_table_req(s) < 0 || poll(&p, 1, 2000) != 1 ||
	    recvmsg(s, &m, 0) < 0)
		return say(ESCAPED, "setsockopt(session, SO_PASSPIDFD) worked "
			   "(the broker's answer did not come)");
	pidfd = scm_pidfd(&m);
	return say(ESCAPED, "setsockopt(session, SO_PASSPIDFD): the broker's "
		   "answer came with %s %d", pidfd >= 0 ? "pidfd" : "no pidfd",
		   pidfd);
}

/* ---- the broker's protocol ----------------------------------------------- */

static void put_hdr(unsigned char *b, uint32_t magic, uint16_t type,
		    uint32_t len)
{
	uint16_t version = OCAP_PROTO_VERSION;
	uint32_t seq = 1;

	memcpy(b, &magic, 4);
	memcpy(b + 4, &version, 2);
	memcpy(b + 6, &type, 2);
	memcpy(b + 8, &seq, 4);
	memcpy(b + 12, &len, 4);
}

static void send_fds(int sock, const void *buf, size_t len, const int *fds,
		     unsigned n)
{
	union {
		char b[CMSG_SPACE(8 * sizeof(int))];
		struct cmsghdr h;
	} u;
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	memset(&u, 0, sizeof u);
	if (n) {
		mh.msg_control = u.b;
		mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
		struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(h), fds, n * sizeof(int));
	}
	sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Whether the broker still serves the root descriptor: a new session
 * must get an answer to TABLE_REQ within 2 s.  0, or -errno with what
 * went wrong in why. */
static int broker_answers(char *why, size_t n)
{
	struct ocap_msg *m = calloc(1, sizeof *m);
	struct pollfd p;
	int s, r;

	if (!m)
		return -ENOMEM;
	if ((s = ocap_session(3)) < 0) {
		snprintf(why, n, "no new session on fd 3 (%s)", ename(-s));
		free(m);
		return s;
	}
	r = send_table_req(s);
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	if (r == 0 && (r = poll(&p, 1, 2000)) == 0)
		r = -ETIMEDOUT;
	else if (r > 0)
		r = ocap_msg_recv(s, m);
	if (r < 0)
		snprintf(why, n, "a new session got no answer (%s)",
			 ename(r == -1 ? errno : -r));
	if (r >= 0)
		ocap_msg_close_fds(m);
	close(s);
	free(m);
	return r < 0 ? r : 0;
}

/* After bad input the broker must live on (to pass our status through)
 * and keep serving: the root descriptor is shared by every process of
 * the program, so one that stops it would cut off the others. */
static int broker_after(pid_t broker, const char *what)
{
	struct timespec ts = { 0, 100L * 1000 * 1000 };
	char why[128];

	nanosleep(&ts, NULL);
	if (getppid() != broker)
		return say(ESCAPED, "%s: the broker died", what);
	if (broker_answers(why, sizeof why) < 0)
		return say(UNEXPECTED, "%s: the broker lives but stopped "
			   "serving the root descriptor: %s", what, why);
	return say(BLOCKED, "%s: the broker lives and still answers", what);
}

/* Malformed messages on the shared root descriptor. */
int t_broker_junk(const struct ctx *c)
{
	static unsigned char big[OCAP_MSG_MAX + 1024];
	unsigned char b[64];
	pid_t broker = getppid();
	int fds[8];

	for (unsigned i = 0; i < 8; i++)
		fds[i] = 0;
	send_fds(3, "x", 1, NULL, 0);
	memset(b, 0xa5, sizeof b);
	send_fds(3, b, 16, NULL, 0);                    /* wrong magic */
	put_hdr(b, OCAP_PROTO_MAGIC, 0xffff, 0xffffffffu);
	send_fds(3, b, 16, NULL, 0);                    /* bad type, length */
	put_hdr(b, OCAP_PROTO_MAGIC, OCAP_MSG_TABLE_REQ, 100);
	send_fds(3, b, 16, NULL, 0);                    /* length past the end */
	put_hdr(b, OCAP_PROTO_MAGIC, OCAP_MSG_SESSION, 0);
	send_fds(3, b, 16, NULL, 0);                    /* session, no fd */
	put_hdr(b, OCAP_PROTO_MAGIC, OCAP_MSG_TABLE_REQ, 0);
	send_fds(3, b, 16, fds, 8);                     /* too many fds */
	memset(big, 0xff, sizeof big);
	put_hdr(big, OCAP_PROTO_MAGIC, OCAP_MSG_CONNECT,
		(uint32_t)(sizeof big - 16));
	send_fds(3, big, sizeof big, NULL, 0);          /* too long */
	put_hdr(b, OCAP_PROTO_MAGIC, OCAP_MSG_CONNECT, 8);
	memcpy(b + 16, "\x06\x00\xff\xff\x00\x00\x00\x00", 8);
	send_fds(3, b, 24, NULL, 0);                    /* TLV past the end */
	return broker_after(broker, "malformed messages on fd 3");
}

/* On a SOCK_SEQPACKET socket recvmsg() returns 0 both for an empty
 * message and at hang-up; only the latter ends the channel. */
int t_broker_empty_msg(const struct ctx *c)
{
	pid_t broker = getppid();

	send_fds(3, "", 0, NULL, 0);
	return broker_after(broker, "an empty message on fd 3");
}

static struct sockaddr_in canary_tcp(const struct ctx *c)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_port = htons((uint16_t)c->port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* r is 0 or -errno from libocap: the broker's answer. */
static int expect_broker(const char *what, int r)
{
	return expect_err(what, r, -r, (const int[]){ EACCES, 0 });
}

int t_broker_connect(const struct ctx *c)
{
	struct sockaddr_in a = canary_tcp(c);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return say(SETUP, "socket(AF_INET): %s", ename(errno));
	return expect_broker("ocap_connect(127.0.0.1:canary)",
			     ocap_connect(s, (struct sockaddr *)&a, sizeof a));
}

int t_broker_connect_unix(const struct ctx *c)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), sv[2];

	/* Where socket(AF_UNIX) is refused, a socketpair end will do: the
	 * broker must check the grants before it looks at the socket. */
	if (s < 0 && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0)
		s = sv[0];
	if (s < 0)
		return say(SETUP, "socket(AF_UNIX): %s", ename(errno));
	snprintf(a.sun_path, sizeof a.sun_path, "%s", c->unix_path);
	return expect_broker("ocap_connect(cdir/sock)",
			     ocap_connect(s, (struct sockaddr *)&a, sizeof a));
}

/* A granted socket path inside the writable grant: the program puts a
 * symlink to the canary socket where the socket (or its directory) would
 * be, and asks the broker, which may reach the canary, to connect. */
static int unix_planted(const struct ctx *c, const char *name,
			const char *target, const char *sock, int remove)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int g = granted_dir(c), s, r;
	char what[160];

	if (g < 0)
		return SETUP;
	unlinkat(g, name, remove);
	if (symlinkat(target, g, name) < 0)
		return say(SETUP, "symlinkat(%s, granted/%s): %s", target,
			   name, ename(errno));
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return say(SETUP, "socket(AF_UNIX): %s", ename(errno));
	snprintf(a.sun_path, sizeof a.sun_path, "%s/%s", c->granted, sock);
	snprintf(what, sizeof what, "ocap_connect(granted/%s, %s -> %s)", sock,
		 name, target);
	r = ocap_connect(s, (struct sockaddr *)&a, sizeof a);
	if (r == 0 && write(s, "ESCAPED\n", 8) >= 0)
		return say(ESCAPED, "%s: connected to the canary", what);
	return expect_err(what, r, -r, (const int[]){ EACCES, ENOENT, 0 });
}

int t_broker_unix_symlink(const struct ctx *c)
{
	return unix_planted(c, "sock", c->unix_path, "sock", 0);
}

int t_broker_unix_dir_symlink(const struct ctx *c)
{
	return unix_planted(c, "sub", c->cdir, "sub/sock", AT_REMOVEDIR);
}

int t_broker_bind(const struct ctx *c)
{
	struct sockaddr_in a = canary_tcp(c);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return say(SETUP, "socket(AF_INET): %s", ename(errno));
	a.sin_port = 0;
	return expect_broker("ocap_bind(127.0.0.1:0)",
			     ocap_bind(s, (struct sockaddr *)&a, sizeof a));
}
