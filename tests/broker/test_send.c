/* SPDX-License-Identifier: MIT */
/*
 * Sends that name an address (launcher/broker/send.c), live: the client
 * runs under the supervised compat seccomp program with UDP and unix
 * sockets allowed, so sendto with an address, sendmsg and sendmmsg reach
 * the broker, which judges the address as a connect's and sends on the
 * client's own socket.  Each check reads what arrived, or that nothing
 * did.  world.c sets up the broker process and its client.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "world.h"

#define CALL(x) ret_errno((long)(x))
#define FLAGS (W_SUPER | W_NET) /* UDP and unix sockets allowed */

/* The next datagram on fd, waited for at most a second; "" when none. */
static const char *next_dgram(int fd)
{
	static char buf[16];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	memset(buf, 0, sizeof buf);
	if (poll(&p, 1, 1000) != 1)
		return "";
	n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static bool nothing_waits(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

static struct msghdr to(struct sockaddr_storage *ss, socklen_t len,
			struct iovec *iov, size_t n)
{
	return (struct msghdr){ .msg_name = ss, .msg_namelen = len,
				.msg_iov = iov, .msg_iovlen = n };
}

/* One SOL_SOCKET control message of type carrying len bytes of data, in
 * buf (size bytes, aligned), attached to m. */
static void *control(struct msghdr *m, void *buf, size_t size, int type,
		     size_t len)
{
	struct cmsghdr *h;

	memset(buf, 0, size);
	m->msg_control = buf;
	m->msg_controllen = size;
	h = CMSG_FIRSTHDR(m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = type;
	h->cmsg_len = CMSG_LEN(len);
	return CMSG_DATA(h);
}

/* ---- UDP: sendto, sendmsg, sendmmsg --------------------------------------- */

static int sc_udp(struct world *w)
{
	struct sockaddr_storage ok, no;
	socklen_t okl = sa_ip(&ok, "127.0.0.1", w->udp_port);
	socklen_t nol = sa_ip(&no, "127.0.0.1", w->closed_port);
	struct iovec iov[2] = { { "ab", 2 }, { "cd", 2 } };
	struct msghdr m = to(&ok, okl, iov, 2);
	struct mmsghdr mm[2];
	char line[128];
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	child_check(CALL(sendto(u, "x", 1, 0, SA(&ok), okl)), 1);
	child_check(strcmp(next_dgram(w->udp), "x"), 0);
	child_check(CALL(sendto(u, "y", 1, 0, SA(&no), nol)), -EACCES);
	snprintf(line, sizeof line, "ocapsh: denied send to 127.0.0.1:%u",
		 w->closed_port);
	child_check(logged(w, line), 1);
	child_check(CALL(sendmsg(u, &m, 0)), 4);
	child_check(strcmp(next_dgram(w->udp), "abcd"), 0);
	m.msg_name = &no;
	m.msg_namelen = nol;
	child_check(CALL(sendmsg(u, &m, 0)), -EACCES);
	/* sendmmsg: what goes, up to the first refused */
	mm[0] = (struct mmsghdr){ to(&ok, okl, &iov[0], 1), 0 };
	mm[1] = (struct mmsghdr){ to(&ok, okl, &iov[1], 1), 0 };
	child_check(CALL(sendmmsg(u, mm, 2, 0)), 2);
	child_check(mm[0].msg_len, 2);
	child_check(mm[1].msg_len, 2);
	child_check(strcmp(next_dgram(w->udp), "ab"), 0);
	child_check(strcmp(next_dgram(w->udp), "cd"), 0);
	mm[1].msg_hdr = to(&no, nol, &iov[1], 1);
	child_check(CALL(sendmmsg(u, mm, 2, 0)), 1);
	child_check(strcmp(next_dgram(w->udp), "ab"), 0);
	mm[0].msg_hdr = to(&no, nol, &iov[0], 1);
	child_check(CALL(sendmmsg(u, mm, 2, 0)), -EACCES);
	child_check(nothing_waits(w->udp), 1);
	close(u);
	return 0;
}

/* What a message carries beside its data. */
static int sc_control(struct world *w)
{
	struct sockaddr_storage ok;
	socklen_t okl = sa_ip(&ok, "127.0.0.1", w->udp_port);
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} c;
	struct iovec iov = { "x", 1 };
	struct msghdr m = to(&ok, okl, &iov, 1);
	struct ucred cred;
	size_t big = (size_t)300 * 1024;
	char *data = calloc(1, big);
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	/* credentials would be the broker's: refused */
	cred = (struct ucred){ getpid(), getuid(), getgid() };
	memcpy(control(&m, c.buf, sizeof c.buf, SCM_CREDENTIALS, sizeof cred),
	       &cred, sizeof cred);
	child_check(CALL(sendmsg(u, &m, 0)), -EPERM);
	child_check(nothing_waits(w->udp), 1);
	/* a datagram larger than any */
	child_check(data != NULL, 1);
	child_check(CALL(sendto(u, data, big, 0, SA(&ok), okl)), -EMSGSIZE);
	child_check(nothing_waits(w->udp), 1);
	free(data);
	close(u);
	return 0;
}

/* ---- unix: sockets, descriptors passed along -------------------------------- */

/* One byte and the descriptor that came with it into *fd (-1: none). */
static ssize_t recv_fd(int s, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} c;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = c.buf,
			    .msg_controllen = sizeof c.buf };
	struct cmsghdr *h;
	ssize_t n = recvmsg(s, &m, MSG_CMSG_CLOEXEC);

	*fd = -1;
	h = n > 0 ? CMSG_FIRSTHDR(&m) : NULL;
	if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(h), sizeof(int));
	return n;
}

static int sc_unix(struct world *w)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} c;
	struct iovec iov = { "f", 1 };
	struct msghdr m = to(NULL, 0, &iov, 1);
	void *fd;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), a, p[2], q;
	char byte;

	memcpy(sun.sun_path, w->unix_path, sizeof sun.sun_path);
	child_check(CALL(connect(s, SA(&sun), sizeof sun)), 0);
	child_check((a = accept4(w->unix_lis, NULL, NULL, SOCK_CLOEXEC)) >= 0,
		    1);
	/* the program's own pipe goes along, taken by the broker */
	child_check(pipe2(p, O_CLOEXEC), 0);
	fd = control(&m, c.buf, sizeof c.buf, SCM_RIGHTS, sizeof(int));
	memcpy(fd, &p[1], sizeof(int));
	child_check(CALL(sendmsg(s, &m, 0)), 1);
	child_check(recv_fd(a, &q), 1);
	child_check(write(q, "z", 1), 1);
	child_check(read(p[0], &byte, 1), 1);
	child_check(byte, 'z');
	close(q);
	/* one the program does not hold */
	memcpy(fd, &(int){ 900 }, sizeof(int));
	child_check(CALL(sendmsg(s, &m, 0)), -EBADF);
	/* a datagram to a unix: path not granted */
	q = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	sun.sun_path[strlen(sun.sun_path) - 1] = 'x';
	child_check(CALL(sendto(q, "d", 1, 0, SA(&sun), sizeof sun)), -EACCES);
	close(q);
	close(p[0]);
	close(p[1]);
	close(a);
	close(s);
	return 0;
}

/* A broken connection: EPIPE, and no SIGPIPE for anyone. */
static int sc_broken(struct world *w)
{
	struct iovec iov = { "x", 1 };
	struct msghdr m = to(NULL, 0, &iov, 1);
	int sp[2];

	child_check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	close(sp[1]);
	signal(SIGPIPE, SIG_DFL);
	child_check(CALL(sendmsg(sp[0], &m, MSG_NOSIGNAL)), -EPIPE);
	close(sp[0]);
	probe();
	return 0;
}

/* ---- a send that waits ------------------------------------------------------ */

/* A blocking socket with no room: the send waits on a job's thread,
 * and meanwhile the broker answers everyone else at once. */
static int sc_wait(struct world *w)
{
	struct iovec iov = { "n", 1 };
	struct msghdr m = to(NULL, 0, &iov, 1);
	char buf[4096];
	int sp[2], st;
	double start;
	pid_t g;

	child_check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	child_check(fcntl(sp[0], F_SETFL, O_NONBLOCK), 0);
	while (write(sp[0], buf, sizeof buf) > 0)
		;
	child_check(errno, EAGAIN);
	child_check(CALL(sendmsg(sp[0], &m, 0)), -EAGAIN);
	child_check(fcntl(sp[0], F_SETFL, 0), 0);
	child_check(CALL(sendmsg(sp[0], &m, MSG_DONTWAIT)), -EAGAIN);
	if ((g = fork()) == 0)
		_exit(sendmsg(sp[0], &m, 0) == 1 ? 0 : 1);
	usleep(100000);
	start = now();
	probe();
	child_check(now() - start < 0.5, 1);
	child_check(waitpid(g, &st, WNOHANG), 0); /* still waiting */
	child_check(fcntl(sp[1], F_SETFL, O_NONBLOCK), 0);
	while (read(sp[1], buf, sizeof buf) > 0)
		;
	child_check(waitpid(g, &st, 0), g);
	child_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	close(sp[0]);
	close(sp[1]);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE("test_udp", sc_udp, FLAGS, 0),
		CASE("test_control", sc_control, FLAGS, 0),
		CASE("test_unix", sc_unix, FLAGS, 0),
		CASE("test_broken", sc_broken, FLAGS, 0),
		CASE("test_wait", sc_wait, FLAGS, 0),
	};

	return world_main("send", tests, sizeof tests / sizeof *tests);
}
