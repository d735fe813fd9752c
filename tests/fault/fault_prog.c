/* SPDX-License-Identifier: MIT */
/*
 * The program the fault tests run under ocapsh: built with ocap-cc, so
 * that ocapsh runs it in native mode and it reaches the network through
 * the broker.  One scenario per run; each prints what happened, one line
 * at a time, and exits 0 unless it did not get as far as it should (1)
 * or refuses to run unbounded (2).  Outside a sandbox only "serve" makes
 * sense.
 *
 *	fault_prog ask HOST PORT N [DIR]  N rounds of broker requests
 *	fault_prog orphan HOST PORT      a child requests until the broker goes
 *	fault_prog tree                  a child, and both wait to be killed
 *	fault_prog daemon                a double-forked daemon sleeps an hour
 *	fault_prog forkbomb              fork until fork fails (RLIMIT_NPROC)
 *	fault_prog fds HOST PORT         use up RLIMIT_NOFILE, then ask
 *	fault_prog fill FILE             write FILE until a write fails
 *	fault_prog balloon               allocate until malloc fails
 *	fault_prog spin                  spin until RLIMIT_CPU stops it
 *	fault_prog serve PORTFILE        accept on 127.0.0.1 (outside)
 *	fault_prog full PORTFILE         listen, accept queue full (outside)
 *	fault_prog stall wait|exit KIND ARG...  a request that once stalled
 *	                                 the broker (fifo PATH, lease PATH,
 *	                                 flip IP PORT, tostop IP PORT,
 *	                                 session)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <ocap/ocap.h>

#include "errname.h"
#include "sockaddr.h"

#define KiB 1024
#define MiB (1024L * 1024)

/* One line, in one write: parent and child share standard output. */
static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	if (write(STDOUT_FILENO, line, (size_t)n) < 0)
		_exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sockaddr_in addr_of(const char *ip, const char *port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in a;

	if (sa_ip(&ss, ip, (uint16_t)atoi(port)) != sizeof a) {
		fprintf(stderr, "fault_prog: %s: not an IPv4 address\n", ip);
		exit(2);
	}
	memcpy(&a, &ss, sizeof a);
	return a;
}

/* A request the broker answers: resolve a granted host.  0 or -errno. */
static int resolve(const char *host, const char *port)
{
	struct sockaddr_storage a[4];
	int r = ocap_resolve(host, (uint16_t)atoi(port), a, 4);

	return r > 0 ? 0 : r < 0 ? r : -ENOENT;
}

/* connect(2), which the overlay sends to the broker.  0 or -errno. */
static int connect_to(const char *ip, const char *port)
{
	struct sockaddr_in a = addr_of(ip, port);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r = 0;

	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
		r = -errno;
	close(s);
	return r;
}

/* Each round: resolve, a granted connect and one to the next port, which
 * is not granted; with DIR, a table lookup and a file opened beneath. */
static int ask(char **argv)
{
	const char *ip = argv[2], *port = argv[3], *dir = argv[5];
	char denied[12], path[4096];
	int n = atoi(argv[4]), r, fd;

	snprintf(denied, sizeof denied, "%d", atoi(port) % 65535 + 1);
	for (int i = 0; i < n; i++) {
		const ocap_cap *cap;

		if ((r = resolve(ip, port)) < 0)
			return say("round %d: resolve: %s", i, errname(-r)), 1;
		if ((r = connect_to(ip, port)) < 0)
			return say("round %d: connect: %s", i, errname(-r)), 1;
		if ((r = connect_to(ip, denied)) != -EACCES)
			return say("round %d: denied connect: %s", i,
				   r ? errname(-r) : "allowed"), 1;
		if (!dir)
			continue;
		if ((r = ocap_lookup(dir, &cap)) < 0)
			return say("round %d: lookup: %s", i, errname(-r)), 1;
		snprintf(path, sizeof path, "%s/f", dir);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return say("round %d: open: %s", i, errname(errno)), 1;
		close(fd);
	}
	say("ok %d rounds", n);
	return 0;
}

/* sigsuspend(2), not pause(2), which the sandbox does not allow. */
static _Noreturn void wait_killed(void)
{
	sigset_t none;

	sigemptyset(&none);
	alarm(120); /* a stray, should the test fail */
	for (;;)
		sigsuspend(&none);
}

/* The child is no child of ocapsh, so not killed with it: it sees the
 * broker go on its next request. */
static int orphan(char **argv)
{
	const char *ip = argv[2], *port = argv[3];
	double end;
	int r;

	if (fork() != 0) {
		say("program %d", (int)getpid());
		wait_killed(); /* as the broker's death does */
	}
	say("child %d", (int)getpid());
	if ((r = resolve(ip, port)) < 0 || (r = connect_to(ip, port)) < 0)
		return say("before: %s", errname(-r)), 1;
	say("before: ok");
	for (end = now() + 30; now() < end; usleep(20000))
		if ((r = resolve(ip, port)) < 0)
			break;
	if (r == 0)
		return say("after: resolve: still answered"), 1;
	say("after: resolve: %s", errname(-r));
	r = connect_to(ip, port);
	say("after: connect: %s", r ? errname(-r) : "ok");
	return 0;
}

static int tree(void)
{
	pid_t c = fork();

	if (c == 0)
		wait_killed();
	say("child %d", (int)c);
	say("program %d", (int)getpid());
	wait_killed();
}

/* fork, setsid, fork: the grandchild sleeps in a session of its own,
 * deaf to SIGHUP and SIGTERM, its standard descriptors closed. */
static int daemon_(void)
{
	int p[2], st;
	char c;
	pid_t m;

	/* pipe2(2): musl's pipe() makes the pipe system call, which the
	 * sandbox does not allow. */
	if (pipe2(p, O_CLOEXEC) < 0 || (m = fork()) < 0)
		return 1;
	if (m == 0) {
		setsid();
		signal(SIGHUP, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		if (fork() == 0) {
			say("daemon %d", (int)getpid());
			for (int fd = 0; fd < 3; fd++)
				close(fd);
			if (write(p[1], "d", 1) != 1)
				_exit(1);
			sleep(3600);
			_exit(0);
		}
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1 || waitpid(m, &st, 0) != m)
		return 1;
	say("program done");
	return 0;
}

/* Each process forks until fork fails, then waits; the first says why
 * fork failed and exits, leaving the rest to ocapsh.  Only under a small
 * RLIMIT_NPROC, which holds for a user other than root. */
static int forkbomb(void)
{
	struct rlimit rl;
	pid_t top = getpid();

	if (getrlimit(RLIMIT_NPROC, &rl) < 0 || rl.rlim_cur > 256 ||
	    getuid() == 0)
		return say("forkbomb: no small RLIMIT_NPROC for this user"), 2;
	for (;;) {
		if (fork() >= 0)
			continue;
		if (getpid() == top)
			return say("fork: %s", errname(errno)), 0;
		wait_killed();
	}
}

/* Every descriptor taken: requests fail cleanly, and work once some are
 * given back. */
static int fds(char **argv)
{
	const char *ip = argv[2], *port = argv[3];
	int held[1024], n = 0, r;

	while (n < 1024 && (held[n] = dup(STDERR_FILENO)) >= 0)
		n++;
	if (n == 1024)
		return say("dup: no small RLIMIT_NOFILE"), 2;
	say("dup: %s", errname(errno));
	r = resolve(ip, port);
	say("resolve with none free: %s", r ? errname(-r) : "ok");
	r = connect_to(ip, port);
	say("connect with none free: %s", r ? errname(-r) : "ok");
	for (int i = 0; i < 4 && n > 0; i++)
		close(held[--n]);
	r = resolve(ip, port);
	say("resolve after: %s", r ? errname(-r) : "ok");
	r = connect_to(ip, port);
	say("connect after: %s", r ? errname(-r) : "ok");
	return 0;
}

static int fill(const char *file)
{
	static char block[64 * KiB];
	long long total = 0;
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return say("open: %s", errname(errno)), 1;
	memset(block, 'x', sizeof block);
	while (total < 64LL * MiB) {
		if ((n = write(fd, block, sizeof block)) < 0)
			break;
		total += n;
	}
	if (total >= 64LL * MiB)
		return say("write: no error after %lld KiB", total / KiB), 1;
	say("write: %s", errname(errno));
	return close(fd) == 0 ? 0 : 1;
}

static int balloon(void)
{
	char *held[256]; /* each in use until malloc fails */
	int n, r = 0;

	for (n = 0; n < 256 && (held[n] = malloc(MiB)); n++)
		memset(held[n], n, MiB);
	if (n == 256)
		r = 1, say("malloc: no error after %d MiB", n);
	else
		say("malloc: ENOMEM");
	while (n > 0)
		free(held[--n]);
	return r;
}

static int spin(void)
{
	struct rlimit rl;
	volatile unsigned long x = 0;
	double end = now() + 30;

	if (getrlimit(RLIMIT_CPU, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return say("spin: no RLIMIT_CPU"), 2;
	while (now() < end)
		x++;
	return say("spin: still running after 30 s"), 1;
}

static int serve(const char *portfile)
{
	struct sockaddr_in a = addr_of("127.0.0.1", "0");
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), c;
	FILE *f;

	alarm(600); /* a stray, should the test not stop it */
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(s, 512) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0)
		return perror("fault_prog: serve"), 1;
	if (!(f = fopen(portfile, "we")) ||
	    fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f))
		return perror(portfile), 1;
	for (;;)
		if ((c = accept(s, NULL, NULL)) >= 0)
			close(c);
}

/* ---- stalls: what once stopped the broker ------------------------------ */

/* A FIFO granted on its own, opened for reading: no writer ever comes. */
static void stall_fifo(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	say("fifo: %s", fd < 0 ? errname(errno) : "opened");
}

/* Opened while the program holds a write lease on it and ignores the
 * break (SIGIO): the kernel waits lease-break-time for it. */
static void stall_lease(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	say("lease: %s", fd < 0 ? errname(errno) : "opened");
}

static int take_lease(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	signal(SIGIO, SIG_IGN);
	if (fd < 0 || fcntl(fd, F_SETLEASE, F_WRLCK) < 0)
		return say("take lease: %s", errname(errno)), -1;
	return fd;
}

/* Connects of one socket to a peer that never answers (its accept queue
 * is full), while a child flips O_NONBLOCK on the socket's shared open
 * file description: a broker that checks the flag, then connects, is
 * caught blocking.  A byte goes to the program (beat) before each. */
static void stall_flip(const char *ip, const char *port, int beat)
{
	struct sockaddr_in a = addr_of(ip, port);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	pid_t f;

	if (s < 0 || (f = fork()) < 0)
		return say("flip: %s", errname(errno));
	if (f == 0)
		for (;;) {
			fcntl(s, F_SETFL, O_NONBLOCK);
			fcntl(s, F_SETFL, 0);
		}
	for (int i = 0; i < 100000; i++) {
		if (write(beat, "b", 1) < 0)
			_exit(1);
		(void)connect(s, (struct sockaddr *)&a, sizeof a);
	}
	say("flip: no connect blocked");
}

/* Until no beat has come for 200 ms: a connect is held up. */
static void await_flip(int beat)
{
	struct pollfd p = { .fd = beat, .events = POLLIN };
	char buf[512];
	double end = now() + 8;

	while (now() < end && poll(&p, 1, 200) == 1)
		if (read(beat, buf, sizeof buf) <= 0)
			break;
}

/* A private session whose broker end the program keeps a copy of, with
 * O_NONBLOCK cleared on that shared description once the broker holds it;
 * then requests until the broker stops reading them, and no reply read: a
 * broker that writes by the description's flag blocks on its full end. */
static void stall_session(int done)
{
	struct ocap_msg m = { .type = OCAP_MSG_SESSION, .nfds = 1 };
	int sv[2], r = 0, again = 0, sent = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return say("session: %s", errname(errno));
	m.fds[0] = sv[1];
	if ((r = ocap_msg_send(3, &m)) < 0)
		return say("session: %s", errname(-r));
	memset(&m, 0, sizeof m);
	m.type = OCAP_MSG_OPEN;
	m.fields = OCAP_F_NAME | OCAP_F_COUNT;
	m.name_len = 5;
	memcpy(m.name, "/nope", 6);
	/* Answered: the broker holds the session and has set its flags. */
	if ((r = ocap_msg_send(sv[0], &m)) < 0 ||
	    (r = ocap_msg_recv(sv[0], &m)) < 0)
		return say("session: %s", errname(-r));
	if (fcntl(sv[1], F_SETFL, 0) < 0)
		return say("session: F_SETFL: %s", errname(errno));
	m.type = OCAP_MSG_OPEN;
	m.fields = OCAP_F_NAME | OCAP_F_COUNT;
	m.name_len = 5;
	memcpy(m.name, "/nope", 6);
	m.count = 0;
	m.nfds = 0;
	while (again < 100 && sent < 1000000) {
		m.seq = (uint32_t)sent;
		if ((r = ocap_msg_send_flags(sv[0], &m, MSG_DONTWAIT)) == 0)
			sent++, again = 0;
		else if (r == -EAGAIN)
			again++, usleep(2000);
		else
			return say("session: send: %s", errname(-r));
	}
	say("session: %d requests sent, none read", sent);
	if (write(done, "d", 1) < 0)
		_exit(1);
}

/* Take the terminal's foreground into a group of the program's own, with
 * TOSTOP: a write to the terminal from the broker's group (here, a child
 * left in it) stops that whole group with SIGTTOU, and so would the
 * broker's -v line for the denied connect. */
static void stall_tostop(const char *ip, const char *port)
{
	struct termios tio;
	char denied[12];
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return say("tostop: %s", errname(errno));
	if (fork() == 0) {
		char x;
		if (read(p[0], &x, 1) != 1 ||
		    write(STDIN_FILENO, "child\r\n", 7) < 0)
			say("tostop: child: %s", errname(errno));
		wait_killed();
	}
	/* As a shell does: tcsetpgrp from a background group would stop
	 * the program itself. */
	signal(SIGTTOU, SIG_IGN);
	if (setpgid(0, 0) < 0 || tcsetpgrp(STDIN_FILENO, getpid()) < 0 ||
	    tcgetattr(STDIN_FILENO, &tio) < 0)
		return say("tostop: %s", errname(errno));
	tio.c_lflag |= TOSTOP;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &tio) < 0)
		return say("tostop: %s", errname(errno));
	if (write(p[1], "g", 1) < 0)
		return say("tostop: %s", errname(errno));
	snprintf(denied, sizeof denied, "%d", atoi(port) % 65535 + 1);
	say("tostop: denied connect: %s", errname(-connect_to(ip, denied)));
}

/* stall wait|exit KIND ARG...: a child makes the request that once
 * stalled the broker, another sleeps; the program prints "pids BROKER
 * PROGRAM CHILD SLEEPER" and "ready", then waits for a signal (wait) or
 * exits a second later (exit). */
static int stall(int argc, char **argv)
{
	const char *kind = argv[3];
	int pipe_[2];
	pid_t a, b;

	/* A shell's background job starts with SIGINT ignored. */
	signal(SIGINT, SIG_DFL);
	if (pipe2(pipe_, O_CLOEXEC) < 0)
		return say("pipe: %s", errname(errno)), 1;
	/* The lease's descriptor stays open until the program exits. */
	if (!strcmp(kind, "lease") && (argc != 5 || take_lease(argv[4]) < 0))
		return 1;
	if ((b = fork()) == 0)
		wait_killed();
	if ((a = fork()) == 0) {
		if (!strcmp(kind, "fifo") && argc == 5)
			stall_fifo(argv[4]);
		else if (!strcmp(kind, "lease") && argc == 5)
			stall_lease(argv[4]);
		else if (!strcmp(kind, "session"))
			stall_session(pipe_[1]);
		else if (!strcmp(kind, "flip") && argc == 6)
			stall_flip(argv[4], argv[5], pipe_[1]);
		wait_killed();
	}
	if (!strcmp(kind, "tostop") && argc == 6)
		stall_tostop(argv[4], argv[5]);
	if (!strcmp(kind, "flip"))
		await_flip(pipe_[0]);
	if (!strcmp(kind, "session")) {
		struct pollfd p = { .fd = pipe_[0], .events = POLLIN };
		if (poll(&p, 1, 10000) != 1)
			say("session: the flood did not end");
	}
	usleep(200000); /* the request is in the broker's hands */
	say("pids %d %d %d %d", (int)getppid(), (int)getpid(), (int)a, (int)b);
	say("ready");
	if (!strcmp(argv[2], "exit")) {
		sleep(1);
		return 0;
	}
	wait_killed();
}

/* A listener on 127.0.0.1 that never accepts, its queue filled by
 * connects of its own: a SYN to it goes unanswered. */
static int full(const char *portfile)
{
	struct sockaddr_in a = addr_of("127.0.0.1", "0");
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	FILE *f;

	alarm(600);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(s, 0) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0)
		return perror("fault_prog: full"), 1;
	for (int i = 0; i < 64; i++) {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC |
					 SOCK_NONBLOCK, 0);
		struct pollfd p = { .fd = c, .events = POLLOUT };

		(void)connect(c, (struct sockaddr *)&a, sizeof a);
		if (poll(&p, 1, 200) == 0)
			break; /* this one is not answered: full */
	}
	if (!(f = fopen(portfile, "we")) ||
	    fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f))
		return perror(portfile), 1;
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	if (!strcmp(m, "ask") && (argc == 5 || argc == 6))
		return ask(argv);
	if (!strcmp(m, "orphan") && argc == 4)
		return orphan(argv);
	if (!strcmp(m, "tree") && argc == 2)
		return tree();
	if (!strcmp(m, "daemon") && argc == 2)
		return daemon_();
	if (!strcmp(m, "forkbomb") && argc == 2)
		return forkbomb();
	if (!strcmp(m, "fds") && argc == 4)
		return fds(argv);
	if (!strcmp(m, "fill") && argc == 3)
		return fill(argv[2]);
	if (!strcmp(m, "balloon") && argc == 2)
		return balloon();
	if (!strcmp(m, "spin") && argc == 2)
		return spin();
	if (!strcmp(m, "serve") && argc == 3)
		return serve(argv[2]);
	if (!strcmp(m, "full") && argc == 3)
		return full(argv[2]);
	if (!strcmp(m, "stall") && argc >= 4 && argc <= 6)
		return stall(argc, argv);
	fprintf(stderr, "usage: fault_prog ask|orphan|tree|daemon|forkbomb|"
			"fds|fill|balloon|spin|serve|full|stall ...\n");
	return 2;
}
