/* SPDX-License-Identifier: MIT */
/*
 * The broker: the launcher's parent half.  It serves the root descriptor
 * and every private session opened through it (chan.c, with the
 * network services in net.c), forwards terminating signals to the
 * program and reaps it and every descendant (it is a child subreaper).
 * The session ends with the program: the descendants it leaves behind,
 * daemons included, are killed, and the broker returns once none remains.
 *
 * The caller keeps rootfd (its flags untouched) and runs the
 * broker's loop on a single thread: signals are taken as events in it
 * (the backend's signal source), so they are blocked here for the
 * duration.  Nothing the program does may stop the broker or make it
 * wait: what could block (a connect, a name lookup) runs on a thread of
 * its own (net.c), opens are non-blocking (open.c), and the terminal
 * cannot stop it (below).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "broker.h"

static const int caught[] = { SIGCHLD, SIGTERM, SIGHUP, SIGINT, SIGQUIT };

int ocap__broker_slot_new(struct broker *b, int type, int fd)
{
	for (int i = 0; i < BROKER_NSLOTS; i++) {
		struct slot *s = &b->slots[i];
		uint32_t gen = s->gen;

		if (s->type != SLOT_FREE)
			continue;
		memset(s, 0, sizeof *s);
		s->type = type;
		s->fd = fd;
		s->gen = gen;
		s->id = b->next_id++;
		s->job = s->owner = -1;
		return i;
	}
	return -EMFILE;
}

void ocap__broker_slot_free(struct broker *b, int i)
{
	ocap__broker_loop_disarm(b, i);
	b->slots[i].type = SLOT_FREE;
	b->slots[i].fd = -1;
	b->slots[i].want = 0;
}

void ocap__broker_slot_want(struct broker *b, int i, short events)
{
	if (b->slots[i].want == events)
		return;
	ocap__broker_loop_disarm(b, i);
	b->slots[i].want = events;
}

/* Collect every child that has exited; the program's status is kept. */
static void reap(struct broker *b)
{
	for (;;) {
		int st;
		pid_t pid = ocap__be_wait_child(&st, false);

		if (pid > 0) {
			if (pid == b->child) {
				b->status = st;
				b->child_done = true;
			}
			continue;
		}
		if (pid == -EINTR)
			continue;
		b->no_children = pid == -ECHILD;
		return;
	}
}

/* A signal the kernel sent (a terminal's interrupt or quit key, or its
 * hangup) went to the whole foreground process group, the program
 * included: passing it on would deliver it twice.  One a process sent
 * (kill(2), sigqueue(3)) was meant for the program. */
static void forward(struct broker *b, const struct ocap_sigev *ev)
{
	if (ev->kernel)
		return;
	reap(b); /* a program that has exited is not signalled */
	if (!b->child_done)
		(void)ocap__be_signal_pid(b->child, ev->signo);
}

static void signal_event(struct broker *b, int i)
{
	struct ocap_sigev ev;

	while (ocap__be_sigsrc_read(b->slots[i].fd, &ev) == 1)
		if (ev.signo != SIGCHLD)
			forward(b, &ev);
	reap(b);
}

/* The broker confines itself (confine.c) before it reads the program's
 * first word, and not before: the program that asks nothing, as most
 * runs of most programs, never waits for it, nor shares the machine's
 * two CPUs with it.  Signals and the ends of children are not the
 * program's words.  No thread runs before: each takes the filter and
 * the capabilities of the one that makes it. */
static int confine(struct broker *b)
{
	ocap_plan *p = b->plan;
	int r;

	if (b->confined)
		return 0;
	if (p->confine_broker && (r = ocap__be_confine_broker(b->c)) < 0)
		return ocap__plan_fail(p, r, "broker: cannot confine itself: "
				       "%s", strerror(-r));
	/* What the supervisor sets aside: the capabilities left, once. */
	if ((r = ocap__super_recap(b)) < 0)
		return ocap__plan_fail(p, r, "supervisor: capget: %s",
				       strerror(-r));
	b->confined = true;
	return 0;
}

/* Whether the event may carry the program's words: all but signals, a
 * listener no task is left to call, and a channel hung up whose next
 * message is empty (an end of file, or an empty message that may carry
 * descriptors: the channel is dropped unread, ocap__broker_event). */
static bool words(const struct broker *b, int i, short revents)
{
	const struct slot *s = &b->slots[i];
	char c;

	switch (s->type) {
	case SLOT_SIGNAL:
		return false;
	case SLOT_NOTIF:
		return revents & POLLIN;
	case SLOT_CHAN:
		return !(revents & POLLHUP) || (s->want & POLLOUT) ||
		       recv(s->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) != 0;
	default:
		return true;
	}
}

void ocap__broker_event(struct broker *b, int i, short revents)
{
	if (b->fault)
		return; /* the session ends (serve()); confine() is not retried */
	if (!b->confined && words(b, i, revents)) {
		if ((b->fault = confine(b)) < 0)
			return;
	} else if (!b->confined && b->slots[i].type == SLOT_CHAN) {
		ocap__broker_chan_drop(b, i); /* its queue unread, freed */
		return;
	}
	switch (b->slots[i].type) {
	case SLOT_SIGNAL:
		signal_event(b, i);
		break;
	case SLOT_CHAN:
		ocap__broker_chan_event(b, i, revents);
		break;
	case SLOT_JOB:
		ocap__broker_job_event(b, i, revents);
		break;
	case SLOT_NOTIF:
		ocap__super_event(b, i, revents);
		break;
	case SLOT_END:
		b->ended = true;
		break;
	}
}

static void actions_restore(const struct broker *b)
{
	sigaction(SIGCHLD, &b->oldchld, NULL);
	sigaction(SIGTTOU, &b->oldttou, NULL);
	sigaction(SIGTTIN, &b->oldttin, NULL);
}

/* The program may take the terminal's foreground and set TOSTOP: a line
 * the broker writes, or any write by a process left in the broker's
 * process group, would then stop the broker with SIGTTOU.  Ignored, the
 * write goes through and nothing stops it.  The job control keys still
 * stop it with the program (SIGTSTP) while they share the foreground. */
static int signals_start(struct broker *b)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigset_t set;
	int fd, i;

	sigemptyset(&set);
	for (size_t k = 0; k < sizeof caught / sizeof caught[0]; k++)
		sigaddset(&set, caught[k]);
	/* An ignored SIGCHLD would reap for us and lose the status. */
	if (sigaction(SIGCHLD, &dfl, &b->oldchld) < 0)
		return -errno;
	sigaction(SIGTTOU, &ign, &b->oldttou);
	sigaction(SIGTTIN, &ign, &b->oldttin);
	if ((fd = ocap__be_sigsrc_open(&set, &b->oldmask)) < 0) {
		actions_restore(b);
		return fd;
	}
	if ((i = ocap__broker_slot_new(b, SLOT_SIGNAL, fd)) < 0) {
		ocap__be_sigsrc_close(fd, &b->oldmask);
		actions_restore(b);
		return i;
	}
	ocap__broker_slot_want(b, i, POLLIN);
	return 0;
}

/* The caller gets its mask and actions back; signals still pending are
 * dropped. */
static void signals_stop(struct broker *b, int i)
{
	if (i < 0)
		return;
	ocap__be_sigsrc_close(b->slots[i].fd, &b->oldmask);
	ocap__broker_slot_free(b, i);
	actions_restore(b);
}

/* Where -v lines go, written without blocking: the program shares fd 2's
 * open file description and may clear its O_NONBLOCK, or stop a terminal
 * (tcflow) or fill a pipe, so a terminal or pipe is written through a
 * description of the broker's own, reopened non-blocking; a socket takes
 * MSG_DONTWAIT, and a regular file does not block.  When stderr cannot be
 * reopened (a terminal or pipe of another user's), nothing is logged. */
static int log_fd(const ocap_plan *p, bool *sock)
{
	struct stat st;

	*sock = false;
	if (!p->verbose || p->log_fn || fstat(STDERR_FILENO, &st) < 0)
		return -1;
	if (S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode)) {
		*sock = S_ISSOCK(st.st_mode);
		return STDERR_FILENO;
	}
	return open("/proc/self/fd/2",
		    O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}

/* Before the broker confines itself, which leaves it no way to reopen
 * a terminal. */
void ocap__broker_log_open(ocap_plan *p)
{
	p->logfd = log_fd(p, &p->logsock);
	p->log_open = true;
}

static void log_open(struct broker *b)
{
	ocap_plan *p = b->plan;

	if (p->log_open) {
		b->logfd = p->logfd;
		b->logsock = p->logsock;
		p->log_open = false;
		return;
	}
	b->logfd = log_fd(p, &b->logsock);
}

void ocap__broker_log(struct broker *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	ssize_t n;
	int len;

	if (b->logfd < 0 && !b->plan->log_fn)
		return;
	va_start(ap, fmt);
	len = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof line) {
		len = (int)sizeof line - 1;
		line[len - 1] = '\n';
	}
	if (b->plan->log_fn) {
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		b->plan->log_fn(b->plan->log_ctx, line);
		return;
	}
	if (b->logsock)
		n = send(b->logfd, line, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL);
	else
		n = write(b->logfd, line, (size_t)len);
	(void)n; /* a line that cannot be written now is dropped */
}

static int start(struct broker *b, int rootfd, int listener)
{
	int r;

	log_open(b);
	if ((r = ocap__suggest_start(b)) < 0) {
		if (listener >= 0)
			close(listener);
		return r;
	}
	if ((r = ocap__super_start(b, listener)) < 0 ||
	    (r = ocap__broker_items_new(b)) < 0 || (r = signals_start(b)) < 0 ||
	    (r = ocap__broker_loop_new(b)) < 0)
		return r;
	return ocap__broker_chan_add(b, rootfd, true) < 0 ? -EMFILE : 0;
}

static void stop(struct broker *b)
{
	int sig = -1;

	for (int i = 0; i < BROKER_NSLOTS; i++) {
		if (b->slots[i].type == SLOT_CHAN)
			ocap__broker_chan_drop(b, i);
		else if (b->slots[i].type == SLOT_JOB)
			ocap__broker_job_cancel(b, i);
		else if (b->slots[i].type == SLOT_SIGNAL)
			sig = i;
	}
	signals_stop(b, sig);
	ocap__broker_opener_stop(b);
	ocap__super_stop(b);
	ocap__suggest_stop(b);
	ocap__broker_loop_free(b);
	if (b->logfd > STDERR_FILENO)
		close(b->logfd);
	ocap__broker_items_free(b);
}

/* What a killed child leaves is reparented here before its death can
 * be waited for, so each round finds the next generation. */
static void end_session(struct broker *b)
{
	int st;

	while (!b->no_children) {
		ocap__be_kill_children();
		while (ocap__be_wait_child(&st, true) == -EINTR)
			;
		reap(b);
	}
}

void ocap__broker_orphans(void)
{
	struct broker b = { .child = -1 };

	reap(&b);
	end_session(&b);
}

static int serve(struct broker *b)
{
	int r;

	reap(b);
	while (!b->child_done && !b->fault) {
		if (b->no_children)
			return -ECHILD; /* child was not ours */
		if ((r = ocap__broker_loop_wait(b, -1)) < 0)
			return r;
	}
	end_session(b);
	return b->fault;
}

int ocap__broker_run(const struct ocap_compiled *c, int rootfd, int listener,
		     pid_t child, int *status)
{
	ocap_plan *p = c ? c->plan : NULL;
	struct broker *b;
	int r;

	if (!p || rootfd < 0 || child <= 0 || !status) {
		if (listener >= 0)
			close(listener);
		return -EINVAL;
	}
	if (!(b = calloc(1, sizeof *b))) {
		close(listener);
		return -ENOMEM;
	}
	b->plan = p;
	b->c = c;
	b->child = child;
	b->next_id = 1;
	b->logfd = -1;
	for (int i = 0; i < BROKER_NSLOTS; i++)
		b->slots[i].fd = -1;
	if ((r = start(b, rootfd, listener)) == 0)
		r = serve(b);
	stop(b);
	if (r == 0)
		*status = b->status;
	free(b);
	return r;
}
