/* SPDX-License-Identifier: MIT */
/*
 * Reaching out of the sandbox by signals, the terminal, and sockets the
 * other files leave out.  pid= is the process canary: a process the
 * driver started outside ocapsh, as the user under test, in its own
 * process group, blocking every signal; after each run the driver checks
 * that nothing is pending there (so a signal that got through is seen
 * even where the probe cannot tell).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <ocap/ocap.h>

#include "probe.h"

#define F_SETSIG_ 10
#define F_SETOWN_EX_ 15
#define F_OWNER_PGRP_ 2
#define TIOCSCTTY_ 0x540E
#define TIOCSETD_ 0x5423
#define TIOCGETD_ 0x5424
#define AF_RXRPC_ 33
#define IPPROTO_ICMPV6_ 58

static int need_pid(const struct ctx *c)
{
	return c->pid > 0 ? 0 : say(SETUP, "no pid= (the process canary)");
}

/* ---- signals ------------------------------------------------------------ */

/* Landlock's signal scope (ABI 6); as 65534 the canary is ours, so the
 * kernel's own permission check would let the signal by. */
int t_kill_outside(const struct ctx *c)
{
	long r;

	if (need_pid(c))
		return SETUP;
	r = kill(c->pid, SIGUSR1);
	if (r == 0)
		return say(ESCAPED, "kill(process canary, SIGUSR1): delivered");
	return EXPECT("kill(process canary, SIGUSR1)", r, EPERM);
}

/* Out of the allowlist (EPERM), and in Landlock's scope besides. */
int t_sigqueue_outside(const struct ctx *c)
{
	siginfo_t si;

	if (need_pid(c))
		return SETUP;
	memset(&si, 0, sizeof si);
	si.si_signo = SIGUSR1;
	si.si_code = -1; /* SI_QUEUE */
	si.si_pid = getpid();
	si.si_uid = getuid();
	return EXPECT("rt_sigqueueinfo(process canary, SIGUSR1)",
		      syscall(SYS_rt_sigqueueinfo, c->pid, SIGUSR1, &si),
		      EPERM);
}

static volatile sig_atomic_t got;

static void on_sig(int sig)
{
	got = sig;
}

/* fd signals its owner when I/O is possible: O_ASYNC, with F_SETSIG's
 * signal.  Set up, then made to fire by a byte written to peer. */
static int sigio_arm(int fd, int sig)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETSIG_, sig) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_ASYNC) < 0)
		return say(SETUP, "fcntl(F_SETSIG, O_ASYNC): %s", ename(errno));
	return 0;
}

/* That the mechanism works here at all: a pipe owned by ourselves
 * delivers SIGUSR2 to us. */
static int sigio_works(void)
{
	struct sigaction sa = { .sa_handler = on_sig };
	int p[2];

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR2, &sa, NULL) < 0 || pipe2(p, O_CLOEXEC) < 0)
		return say(SETUP, "sigaction, pipe2: %s", ename(errno));
	if (fcntl(p[0], F_SETOWN, getpid()) < 0)
		return say(SETUP, "fcntl(F_SETOWN, self): %s", ename(errno));
	if (sigio_arm(p[0], SIGUSR2))
		return SETUP;
	if (write(p[1], "x", 1) != 1)
		return say(SETUP, "write(pipe): %s", ename(errno));
	if (got != SIGUSR2)
		return say(SETUP, "O_ASYNC on a pipe owned by ourselves sent "
			   "no signal");
	close(p[0]);
	close(p[1]);
	return 0;
}

/* F_SETOWN itself is allowed (the owner is recorded with our Landlock
 * domain); the signal the kernel then sends must not leave the sandbox. */
static int sigio_fired(const char *what, int fd, int peer)
{
	if (sigio_arm(fd, SIGUSR1))
		return SETUP;
	if (write(peer, "x", 1) != 1)
		return say(SETUP, "%s: write: %s", what, ename(errno));
	return say(BLOCKED, "%s: armed and fired; the process canary must "
		   "have nothing pending (the driver checks)", what);
}

int t_sigio_owner(const struct ctx *c)
{
	int p[2];

	if (need_pid(c) || sigio_works())
		return SETUP;
	if (pipe2(p, O_CLOEXEC) < 0)
		return say(SETUP, "pipe2: %s", ename(errno));
	if (fcntl(p[0], F_SETOWN, c->pid) < 0)
		return EXPECT("fcntl(pipe, F_SETOWN, process canary)", -1,
			      EPERM);
	return sigio_fired("pipe owned by the process canary, O_ASYNC", p[0],
			   p[1]);
}

/* The canary leads its own process group: F_SETOWN_EX aims at the group. */
int t_sigio_pgrp(const struct ctx *c)
{
	struct { int type; int pid; } owner = { F_OWNER_PGRP_, c->pid };
	int sv[2];

	if (need_pid(c) || sigio_works())
		return SETUP;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return say(SETUP, "socketpair: %s", ename(errno));
	if (fcntl(sv[0], F_SETOWN_EX_, &owner) < 0)
		return EXPECT("fcntl(socket, F_SETOWN_EX, canary's group)", -1,
			      EPERM);
	return sigio_fired("socket owned by the canary's process group, "
			   "O_ASYNC", sv[0], sv[1]);
}

/* ---- the terminal -------------------------------------------------------- */

/* The pty run.sh gives is the controlling terminal of the session ocapsh
 * runs in, shared with the broker (in the foreground group with us) as a
 * user's terminal is with the shell.  What vim and less do with it must
 * keep working: 0 and the terminal in *fd, or the verdict. */
static int usable_tty(int *fd)
{
	struct winsize ws;
	struct termios t;

	if ((*fd = tty_fd()) < 0)
		return say(MISSING, "no terminal on 0-2");
	if (ioctl(*fd, TIOCGWINSZ, &ws) < 0 || tcgetattr(*fd, &t) < 0 ||
	    tcsetattr(*fd, TCSANOW, &t) < 0 || tcgetpgrp(*fd) < 0)
		return say(UNEXPECTED, "TIOCGWINSZ, tcgetattr, tcsetattr or "
			   "tcgetpgrp: %s (ordinary programs need them)",
			   ename(errno));
	return 0;
}

/* fn(&terminal) in a child, whose verdict is ours. */
static int tty_child(int (*fn)(void *))
{
	int fd, st, v = usable_tty(&fd);

	if (v)
		return v;
	st = in_child(fn, &fd);
	if (st == -1 || !WIFEXITED(st))
		return say(SETUP, "child: status %#x", st);
	return WEXITSTATUS(st);
}

/* A new session may take the terminal only by force, which needs
 * CAP_SYS_ADMIN: EPERM, from seccomp first. */
static int steal_tty(void *p)
{
	int fd = *(int *)p;

	if (setsid() < 0)
		return say(SETUP, "setsid: %s", ename(errno));
	if (ioctl(fd, TIOCSCTTY_, 1) == 0)
		return say(ESCAPED, "ioctl(tty, TIOCSCTTY, force) took the "
			   "terminal from the session outside");
	return EXPECT("ioctl(tty, TIOCSCTTY, force) from a new session", -1,
		      EPERM);
}

int t_tiocsctty(const struct ctx *c)
{
	return tty_child(steal_tty);
}

/* A group of our own made the terminal's foreground one puts the broker's
 * group in the background: the kernel stops it (SIGTTOU, SIGTTIN) when it
 * next touches the terminal, and a program started in the background
 * could take the keyboard from the shell.  SIGTTOU blocked, as a shell
 * does, lets a background caller through. */
static int take_foreground(void *p)
{
	int fd = *(int *)p;
	pid_t fg = tcgetpgrp(fd);
	sigset_t ttou;

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	if (sigprocmask(SIG_BLOCK, &ttou, NULL) < 0 || setpgid(0, 0) < 0)
		return say(SETUP, "setpgid(0, 0): %s", ename(errno));
	if (tcsetpgrp(fd, getpgrp()) == 0) {
		tcsetpgrp(fd, fg);
		return say(ESCAPED, "tcsetpgrp(tty, a new group): group %d, "
			   "the broker's, was put in the background", (int)fg);
	}
	return EXPECT("tcsetpgrp(tty, a new group)", -1, EPERM);
}

int t_tiocspgrp(const struct ctx *c)
{
	return tty_child(take_foreground);
}

/* The kernel sends SIGWINCH to the terminal's foreground group, the
 * broker's, and the size stays for the shell after us. */
int t_tiocswinsz(const struct ctx *c)
{
	struct winsize ws, other;
	int fd, v = usable_tty(&fd);

	if (v)
		return v;
	ioctl(fd, TIOCGWINSZ, &ws);
	other = ws;
	other.ws_row++;
	other.ws_col++;
	if (ioctl(fd, TIOCSWINSZ, &other) == 0) {
		ioctl(fd, TIOCSWINSZ, &ws);
		return say(ESCAPED, "ioctl(tty, TIOCSWINSZ, %ux%u): resized, "
			   "SIGWINCH sent to the broker's group", other.ws_col,
			   other.ws_row);
	}
	return EXPECT("ioctl(tty, TIOCSWINSZ)", -1, EPERM);
}

/* Exclusive mode lasts past the program: nobody but root could open the
 * terminal again. */
int t_tiocexcl(const struct ctx *c)
{
	int fd, v = usable_tty(&fd);

	if (v)
		return v;
	if (ioctl(fd, TIOCEXCL) == 0) {
		ioctl(fd, TIOCNXCL);
		return say(ESCAPED, "ioctl(tty, TIOCEXCL): the terminal was "
			   "locked against every other open");
	}
	return EXPECT("ioctl(tty, TIOCEXCL)", -1, EPERM);
}

/* A line discipline is kernel code the program would pick, with its
 * module loaded on demand (dev.tty.ldisc_autoload): the ioctl must not
 * reach the tty layer.  The request is the discipline the terminal has
 * already, a no-op should it get through. */
int t_tiocsetd(const struct ctx *c)
{
	int fd = tty_fd(), ld;

	if (fd < 0)
		return say(MISSING, "no terminal on 0-2");
	if (ioctl(fd, TIOCGETD_, &ld) < 0)
		return say(SETUP, "ioctl(tty, TIOCGETD): %s", ename(errno));
	if (ioctl(fd, TIOCSETD_, &ld) == 0)
		return say(ESCAPED, "ioctl(tty, TIOCSETD, %d) reached the tty "
			   "layer: any line discipline can be attached", ld);
	return EXPECT("ioctl(tty, TIOCSETD)", -1, EPERM);
}

/* ---- sockets ------------------------------------------------------------- */

int t_af_rxrpc(const struct ctx *c)
{
	return EXPECT("socket(AF_RXRPC)",
		      socket(AF_RXRPC_, SOCK_DGRAM | SOCK_CLOEXEC, AF_INET),
		      EPERM);
}

/* net.ipv4.ping_group_range may let anyone have one: EPERM is seccomp's. */
int t_ping6_socket(const struct ctx *c)
{
	return EXPECT("socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6)",
		      socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC,
			     IPPROTO_ICMPV6_),
		      EPERM);
}

/* The canary's TCP port, on ::1 (Landlock's TCP rules are by port, for
 * both families). */
int t_tcp6_connect(const struct ctx *c)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	int s;

	if (!c->v6port)
		return say(MISSING, "no TCP canary on ::1 (no IPv6 loopback)");
	if ((s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return say(SETUP, "socket(AF_INET6): %s", ename(errno));
	a.sin6_port = htons((uint16_t)c->v6port);
	a.sin6_addr.s6_addr[15] = 1;
	if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
		ssize_t n = write(s, "ESCAPED\n", 8);

		return say(ESCAPED, "connect([::1]:canary): connected (wrote "
			   "%zd bytes)", n);
	}
	return EXPECT("connect([::1]:canary)", -1, mode_err(c));
}

/* An abstract name belongs to the host's network namespace, outside every
 * grant: a program that binds one can stand in for a service that other
 * programs look for there.  Compat has no socket(AF_UNIX) without a unix:
 * grant, but a socketpair end has no name yet and would take one. */
int t_abstract_bind(const struct ctx *c)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), sv[2], n;
	const char *how = "socket(AF_UNIX)";

	if (s < 0 && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0)
		s = sv[0], how = "socketpair end";
	if (s < 0)
		return EXPECT("socket(AF_UNIX) and socketpair", -1, EPERM);
	n = snprintf(a.sun_path + 1, sizeof a.sun_path - 1,
		     "ocap-escape-squat-%d", (int)getpid());
	if (bind(s, (struct sockaddr *)&a,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) == 0)
		return say(ESCAPED, "bind(%s, @%s): the name is taken in the "
			   "host's abstract namespace", how, a.sun_path + 1);
	return EXPECT("bind(@name)", -1, EPERM, EACCES);
}

/* gport, next to the canary's port, is granted (--connect *:gport): it
 * is reachable (ECONNREFUSED: nothing listens), the canary's port is not. */
int t_tcp_adjacent_port(const struct ctx *c)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int s, r;

	if (!c->gport)
		return say(SETUP, "no gport= (tcp-grant)");
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)c->gport);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return say(SETUP, "socket(AF_INET): %s", ename(errno));
	r = c->native ? ocap_connect(s, (struct sockaddr *)&a, sizeof a)
		      : (connect(s, (struct sockaddr *)&a, sizeof a) < 0 ?
				 -errno : 0);
	if (r < 0 && r != -ECONNREFUSED)
		return say(SETUP, "the granted port %d: %s (the grant is not "
			   "in effect)", c->gport, ename(-r));
	close(s);
	a.sin_port = htons((uint16_t)c->port);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return say(SETUP, "socket(AF_INET): %s", ename(errno));
	if (c->native) {
		r = ocap_connect(s, (struct sockaddr *)&a, sizeof a);
		if (r == 0 && write(s, "ESCAPED\n", 8) >= 0)
			return say(ESCAPED, "ocap_connect(127.0.0.1:canary), "
				   "next to the granted port: connected");
		if (r != -EACCES)
			return expect_err("ocap_connect(127.0.0.1:canary)", r,
					  -r, (const int[]){ EACCES, 0 });
	}
	if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
		ssize_t n = write(s, "ESCAPED\n", 8);

		return say(ESCAPED, "connect(127.0.0.1:canary), next to the "
			   "granted port: connected (wrote %zd bytes)", n);
	}
	return EXPECT("connect(127.0.0.1:canary), next to the granted port",
		      -1, mode_err(c));
}
