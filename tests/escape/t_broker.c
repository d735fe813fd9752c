/* SPDX-License-Identifier: MIT */
/*
 * The broker acting for the program: what it opens for it, and whether
 * the program can make it stop serving.  Spoken on fd 3 with libocap's
 * message functions, so the same requests go out in both modes.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <ocap/ocap.h>

#include "probe.h"

/* Send m on a new session and read the answer into m within ms: 0, or
 * -errno (-ETIMEDOUT: no answer). */
static int ask(struct ocap_msg *m, int ms)
{
	struct pollfd p;
	int s = ocap_session(3), r;

	if (s < 0)
		return s;
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	if ((r = ocap_msg_send(s, m)) == 0 && (r = poll(&p, 1, ms)) == 0)
		r = -ETIMEDOUT;
	else if (r > 0)
		r = ocap_msg_recv(s, m);
	close(s);
	return r < 0 ? r : 0;
}

/* The name of a file granted alone (in the table: the runtime's files in
 * compat mode, the executable in native mode), into name. */
static int file_grant(char *name, size_t size)
{
	struct ocap_msg *m = calloc(1, sizeof *m);
	int s = ocap_session(3), r = -ENOENT;

	if (!m || s < 0) {
		free(m);
		return s < 0 ? s : -ENOMEM;
	}
	m->type = OCAP_MSG_TABLE_REQ;
	m->seq = 1;
	if (ocap_msg_send(s, m) < 0)
		r = -EIO;
	while (r == -ENOENT && ocap_msg_recv(s, m) == 0 &&
	       m->type == OCAP_MSG_TABLE_ENTRY) {
		if (m->kind == OCAP_KIND_FILE && m->name_len < size) {
			memcpy(name, m->name, m->name_len + 1u);
			r = 0;
		}
		ocap_msg_close_fds(m);
	}
	close(s);
	free(m);
	return r;
}

/* OPEN of a file granted alone in access mode 3, which opens for ioctl
 * alone and needs no right: seccomp refuses it to the program's own open,
 * so the broker must not do it for it. */
int t_broker_open_accmode3(const struct ctx *c)
{
	struct ocap_msg *m = calloc(1, sizeof *m);
	char name[OCAP_NAME_MAX + 1];
	int r;

	(void)c;
	if (!m)
		return say(SETUP, "calloc: ENOMEM");
	if ((r = file_grant(name, sizeof name)) < 0) {
		free(m);
		return say(SETUP, "no file granted alone: %s", ename(-r));
	}
	m->type = OCAP_MSG_OPEN;
	m->seq = 1;
	m->fields = OCAP_F_NAME | OCAP_F_COUNT;
	m->name_len = (uint16_t)strlen(name);
	memcpy(m->name, name, m->name_len + 1u);
	m->count = 3; /* glibc's O_ACCMODE; musl's adds O_PATH */
	if ((r = ask(m, 2000)) < 0) {
		free(m);
		return say(SETUP, "OPEN %s: %s", name, ename(-r));
	}
	if (m->type == OCAP_MSG_OPENED) {
		int fl = m->nfds ? fcntl(m->fds[0], F_GETFL) : -1;
		ocap_msg_close_fds(m);
		free(m);
		return say(ESCAPED, "OPEN %s, access mode 3: the broker sent "
			   "a descriptor in access mode %d", name, fl & 3);
	}
	r = m->status;
	free(m);
	if (r >= 0)
		return say(UNEXPECTED, "OPEN %s, access mode 3: a REPLY with "
			   "status %d", name, r);
	errno = -r;
	return EXPECT("OPEN of a file granted alone, access mode 3", -1,
		      EINVAL);
}

/* OPEN(O_WRONLY) of RODIR/big, granted alone with read and write but not
 * truncate: the broker reopens it for the program, and the description
 * it sends must be as the program's own open would make it, with no
 * truncate right for Landlock to find (issue 11: the reopen ran outside
 * any Landlock domain, and ftruncate shrank the file). */
int t_broker_reopen_truncate(const struct ctx *c)
{
	struct ocap_msg *m = calloc(1, sizeof *m);
	char name[OCAP_NAME_MAX + 1];
	struct stat st;
	int r, fd;

	if (!m)
		return say(SETUP, "calloc: ENOMEM");
	snprintf(name, sizeof name, "%s/big", c->rodir);
	m->type = OCAP_MSG_OPEN;
	m->seq = 1;
	m->fields = OCAP_F_NAME | OCAP_F_COUNT;
	m->name_len = (uint16_t)strlen(name);
	memcpy(m->name, name, m->name_len + 1u);
	m->count = O_WRONLY;
	if ((r = ask(m, 2000)) < 0 || m->type != OCAP_MSG_OPENED ||
	    !m->nfds) {
		int st_ = r < 0 ? r : m->status;
		ocap_msg_close_fds(m);
		free(m);
		return say(SETUP, "OPEN %s, O_WRONLY: %s", name,
			   st_ < 0 ? ename(-st_) : "no descriptor");
	}
	fd = m->fds[0];
	m->nfds = 0;
	free(m);
	r = ftruncate(fd, 0);
	if (r == 0 && fstat(fd, &st) == 0)
		return say(ESCAPED, "ftruncate(big reopened by the broker, 0): "
			   "big is now %lld bytes", (long long)st.st_size);
	return EXPECT("ftruncate(big reopened by the broker, 0)", r, EACCES);
}

static int raw_child(void)
{
	return (int)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

/* Whether a TABLE_REQ on a new session is answered within 1 s. */
static bool answers(void)
{
	struct ocap_msg *m = calloc(1, sizeof *m);
	bool ok;

	if (!m)
		return false;
	m->type = OCAP_MSG_TABLE_REQ;
	m->seq = 1;
	ok = ask(m, 1000) == 0;
	ocap_msg_close_fds(m);
	free(m);
	return ok;
}

/* The terminal's foreground taken into a group of our own, with TOSTOP:
 * a write from the broker's group (a child left in it) sends SIGTTOU to
 * that whole group, the broker included, which must neither stop nor
 * stop answering. */
int t_broker_ttou(const struct ctx *c)
{
	struct termios orig, t;
	struct timespec ts = { 0, 200L * 1000 * 1000 };
	int fd = tty_fd(), go[2], st;
	pid_t fg, kid;
	sigset_t ttou;
	bool ok;

	(void)c;
	if (fd < 0)
		return say(MISSING, "no terminal on 0-2");
	if (tcgetattr(fd, &orig) < 0 || (fg = tcgetpgrp(fd)) < 0 ||
	    pipe(go) < 0)
		return say(SETUP, "tcgetattr, tcgetpgrp: %s", ename(errno));
	if ((kid = raw_child()) == 0) {
		char x;
		if (read(go[0], &x, 1) == 1 && write(fd, "\r\n", 2) < 0)
			_exit(1);
		_exit(0);
	}
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, NULL);
	if (kid < 0 || setpgid(0, 0) < 0)
		return say(SETUP, "clone, setpgid: %s", ename(errno));
	if (tcsetpgrp(fd, getpgrp()) < 0) {
		kill(kid, SIGKILL);
		waitpid(kid, &st, 0);
		return EXPECT("tcsetpgrp(tty, a new group)", -1, EPERM);
	}
	t = orig;
	t.c_lflag |= TOSTOP;
	tcsetattr(fd, TCSANOW, &t);
	if (write(go[1], "g", 1) < 0)
		return say(SETUP, "write: %s", ename(errno));
	nanosleep(&ts, NULL);
	ok = answers();
	tcsetattr(fd, TCSANOW, &orig);
	tcsetpgrp(fd, fg);
	kill(kid, SIGKILL);
	waitpid(kid, &st, 0);
	if (!ok)
		return say(ESCAPED, "a write to the terminal from the broker's "
			   "group under TOSTOP stopped the broker (SIGTTOU)");
	return say(BLOCKED, "foreground taken, TOSTOP, a write from the "
		   "broker's group: the broker still answers");
}

/* Whoever connects a granted Unix socket for the program (the broker in
 * native mode, the supervisor in compat) is the peer the server sees
 * (SO_PEERCRED): it must hold no capability the program lacks, which is
 * every one. */
int t_broker_peer_caps(const struct ctx *c)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	unsigned long long caps;
	char line[128] = "";
	unsigned uid;
	ssize_t n;
	int s, r;

	if (!c->peer)
		return say(SETUP, "peer= is needed");
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return say(SETUP, "socket(AF_UNIX): %s", ename(errno));
	snprintf(a.sun_path, sizeof a.sun_path, "%s", c->peer);
	r = connect(s, (struct sockaddr *)&a, sizeof a) < 0 ? -errno : 0;
	if (r == -EPERM) /* native: no connect of its own */
		r = ocap_connect(s, (struct sockaddr *)&a, sizeof a);
	if (r < 0)
		return say(SETUP, "connect(granted peer socket): %s",
			   ename(-r));
	do
		n = read(s, line, sizeof line - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0 || sscanf(line, "uid=%u caps=%llx", &uid, &caps) != 2)
		return say(SETUP, "the peer server said '%s'", line);
	if (caps)
		return say(ESCAPED, "the server's peer (uid %u) holds "
			   "capabilities %llx that the program lacks", uid,
			   caps);
	return say(BLOCKED, "the server's peer (uid %u) holds no capability",
		   uid);
}
