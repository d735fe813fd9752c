/* SPDX-License-Identifier: MIT */
/*
 * The broker's network services.  The program passes its own socket; the
 * broker checks the address against the grants and acts on that very
 * socket, so its options, its flags and its descriptor number are the
 * program's, and data never passes through here.
 *
 * The connect itself, and a lookup under a "*" grant, run on a task's
 * thread (below), so the loop goes on serving meanwhile.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "broker.h"
#include "netgrant.h"
#include "open_how.h" /* private/ */

#define SA(m) ((const struct sockaddr *)&(m)->addr)

static int sockopt(int fd, int opt)
{
	int v;
	socklen_t len = sizeof v;

	return getsockopt(fd, SOL_SOCKET, opt, &v, &len) < 0 ? -1 : v;
}

/* The kind of grant a program's socket is checked against: TCP for
 * stream sockets, UDP for datagram ones, unix: for AF_UNIX. */
int ocap__broker_sock_kind(int fd)
{
	struct stat st;
	int dom, type, proto;

	if (fstat(fd, &st) < 0)
		return -EBADF;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	dom = sockopt(fd, SO_DOMAIN);
	type = sockopt(fd, SO_TYPE);
	proto = sockopt(fd, SO_PROTOCOL);
	if (dom == AF_UNIX)
		return OCAP_NET_UNIX;
	if (dom != AF_INET && dom != AF_INET6)
		return -EACCES;
	if (type == SOCK_STREAM && proto == IPPROTO_TCP)
		return OCAP_NET_CONNECT;
	if (type == SOCK_DGRAM && proto == IPPROTO_UDP)
		return OCAP_NET_UDP;
	return -EACCES; /* MPTCP, SCTP, raw: no grant covers them */
}

static void format_addr(const struct sockaddr *a, socklen_t len, char *buf,
			size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;

	if (a->sa_family == AF_INET && len >= sizeof s4) {
		memcpy(&s4, a, sizeof s4);
		inet_ntop(AF_INET, &s4.sin_addr, host, sizeof host);
		snprintf(buf, size, "%s:%u", host, ntohs(s4.sin_port));
	} else if (a->sa_family == AF_INET6 && len >= sizeof s6) {
		memcpy(&s6, a, sizeof s6);
		inet_ntop(AF_INET6, &s6.sin6_addr, host, sizeof host);
		snprintf(buf, size, "[%s]:%u", host, ntohs(s6.sin6_port));
	} else if (a->sa_family == AF_UNIX &&
		   len > offsetof(struct sockaddr_un, sun_path)) {
		const char *path = ((const struct sockaddr_un *)a)->sun_path;
		int n = (int)(len - offsetof(struct sockaddr_un, sun_path));
		snprintf(buf, size, "unix:%.*s", *path ? n : 0, path);
	} else {
		snprintf(buf, size, "an address of family %d", a->sa_family);
	}
}

/* The one line the broker prints, and only when asked to: what it
 * refused, and the option that would grant it (none for a symlink). */
int ocap__broker_deny(struct broker *b, const char *what,
		      const struct sockaddr *a, socklen_t len)
{
	static const struct { const char *what, *option; } grant[] = {
		{ "connect to", "--connect" }, { "bind to", "--listen" },
		{ "listen on", "--listen" }, { "send to", "--udp" },
		{ "connect a datagram socket to", "--udp" },
	};
	const char *option = NULL;
	char where[160];

	if (!b->plan->verbose && !b->plan->log_fn && !b->sug)
		return -EACCES; /* nobody to tell */
	format_addr(a, len, where, sizeof where);
	for (size_t i = 0; i < sizeof grant / sizeof grant[0]; i++)
		if (!strcmp(what, grant[i].what))
			option = grant[i].option;
	if (option && strchr(where, ':'))
		(void)ocap__suggest_note(b, option, where, what, 0);
	if (option && strchr(where, ':'))
		ocap__broker_log(b, "ocapsh: denied %s %s (%s %s grants it)\n",
				 what, where, option, where);
	else
		ocap__broker_log(b, "ocapsh: denied %s %s\n", what, where);
	return -EACCES;
}

/* ---- tasks: what may block, on a thread of its own ----------------------- */

/* A connect or a name lookup, done on a worker thread so that the
 * loop never waits for a peer, DNS, or a program that clears O_NONBLOCK
 * on its socket (the flag lives on the open file description it shares
 * with the broker): the thread's connect behaves exactly as the
 * program's own would at that moment.  The thread writes a byte to a
 * pipe whose read end is the job's slot when it is done; the task is held
 * by both, and the last to let go frees it.  All signals are blocked on
 * the thread.
 *
 * A cancelled task's worker is busy until its call ends (a TCP connect
 * by the kernel's SYN timeout, a Unix one when the server accepts, a
 * lookup by the resolver's timeouts): the tasks under way, those of every
 * broker in the process, are capped at BROKER_MAX_JOBS. */
static atomic_int live_tasks;

struct task {
	atomic_int refs;
	int wfd;
	bool lookup;
	struct sendbuf *send; /* a supervised send (send.c), owned */
	int sock, target;   /* connect: the program's socket, a unix target */
	struct sockaddr_storage addr;
	socklen_t len;
	char name[OCAP_NAME_MAX + 1]; /* lookup */
	uint16_t port;
	int result;
	struct out out;     /* lookup: the addresses */
	struct task *next;  /* waiting for a worker */
};

static int lookup(const char *name, uint16_t port, struct out *o);

static void task_put(struct task *t)
{
	if (atomic_fetch_sub(&t->refs, 1) > 1)
		return;
	if (t->sock >= 0)
		close(t->sock);
	if (t->target >= 0)
		close(t->target);
	if (t->wfd >= 0)
		close(t->wfd);
	ocap__super_send_free(t->send);
	free(t->out.addrs);
	free(t);
}

static void task_run(struct task *t)
{
	ssize_t n;

	if (t->lookup)
		t->result = lookup(t->name, t->port, &t->out);
	else if (t->send)
		t->result = ocap__super_send_run(t->sock, t->send);
	else
		t->result = connect(t->sock, (struct sockaddr *)&t->addr,
				    t->len) < 0 ? -errno : 0;
	n = write(t->wfd, "", 1); /* EPIPE once cancelled: nobody waits */
	(void)n;
	atomic_fetch_sub(&live_tasks, 1);
	task_put(t);
}

/* Workers: a thread costs more to make than a connect on loopback, so
 * one that is done waits a while for the next task, and a task makes a
 * new worker only when none is waiting. */
#define WORKER_IDLE_S 10

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;
static struct task *pool_head, **pool_tail = &pool_head;
static int pool_idle, pool_queued;

static struct task *pool_take(void)
{
	struct task *t = pool_head;

	if (t) {
		pool_head = t->next;
		if (!pool_head)
			pool_tail = &pool_head;
		pool_queued--;
	}
	return t;
}

static void *worker(void *arg)
{
	struct task *t = arg;
	struct timespec until;
	int e;

	while (t) {
		task_run(t);
		pthread_mutex_lock(&pool_lock);
		pool_idle++;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += WORKER_IDLE_S;
		e = 0;
		while (!pool_head && e != ETIMEDOUT)
			e = pthread_cond_timedwait(&pool_cond, &pool_lock,
						   &until);
		pool_idle--;
		t = pool_take();
		pthread_mutex_unlock(&pool_lock);
	}
	return NULL;
}

static struct task *task_new(void)
{
	struct task *t = calloc(1, sizeof *t);

	if (t) {
		atomic_init(&t->refs, 1);
		t->sock = t->target = t->wfd = -1;
	}
	return t;
}

static int thread_start(struct task *t)
{
	pthread_attr_t attr;
	pthread_t th;
	sigset_t all, old;
	int e;

	pthread_mutex_lock(&pool_lock);
	if (pool_idle > pool_queued) {
		t->next = NULL;
		*pool_tail = t;
		pool_tail = &t->next;
		pool_queued++;
		pthread_cond_signal(&pool_cond);
		pthread_mutex_unlock(&pool_lock);
		return 0;
	}
	pthread_mutex_unlock(&pool_lock);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if ((e = pthread_attr_init(&attr)) == 0) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		e = pthread_create(&th, &attr, worker, t);
		pthread_attr_destroy(&attr);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -e;
}

/* Start t for request seq of channel i (or notification seq of listener
 * i): 0, with t now held by the job and the thread, or -errno with t
 * still the caller's. */
static int task_start(struct broker *b, int i, uint64_t seq, struct task *t)
{
	int p[2] = { -1, -1 }, j = -1, r;

	if (atomic_fetch_add(&live_tasks, 1) >= BROKER_MAX_JOBS)
		r = -EAGAIN;
	else if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		r = -errno;
	else if ((r = j = ocap__broker_slot_new(b, SLOT_JOB, p[0])) >= 0) {
		t->wfd = p[1];
		atomic_store(&t->refs, 2);
		r = thread_start(t);
	}
	if (r < 0) {
		atomic_fetch_sub(&live_tasks, 1);
		atomic_store(&t->refs, 1);
		t->wfd = -1;
		if (j >= 0)
			ocap__broker_slot_free(b, j);
		if (p[0] >= 0) {
			close(p[0]);
			close(p[1]);
		}
		return r;
	}
	b->slots[j].task = t;
	b->slots[j].owner = i;
	b->slots[j].owner_id = b->slots[i].id;
	b->slots[j].seq = (uint32_t)seq;
	b->slots[j].notif = seq;
	ocap__broker_slot_want(b, j, POLLIN);
	if (b->slots[i].type == SLOT_CHAN && !b->slots[i].root) {
		b->slots[i].job = j;
		ocap__broker_chan_idle(b, i);
	}
	return 0;
}

/* Free job j's slot; its hold on the task becomes the caller's. */
static struct task *job_end(struct broker *b, int j)
{
	struct task *t = b->slots[j].task;
	int o = b->slots[j].owner;

	if (b->slots[o].type == SLOT_CHAN && b->slots[o].job == j)
		b->slots[o].job = -1;
	close(b->slots[j].fd);
	ocap__broker_slot_free(b, j);
	return t;
}

/* The thread goes on alone: a connect on in the kernel, a lookup whose
 * answer nobody reads. */
void ocap__broker_job_cancel(struct broker *b, int j)
{
	task_put(job_end(b, j));
}

static bool from_grants(const ocap_plan *p, const char *name, uint16_t port,
			struct out *o);
static bool is_peer_grant(const struct ocap_net_grant *g);

/* A lookup of a granted name: what it found is added to the grants of that
 * name, and the answer is theirs (so what the program is told is what its
 * connects are checked against).  Failed, the addresses known stand. */
static void refresh(struct broker *b, struct task *t)
{
	bool named = false;

	for (size_t k = 0; k < b->plan->nnets; k++) {
		struct ocap_net_grant *g = &b->plan->nets[k];

		if (!is_peer_grant(g) || strcasecmp(g->host, t->name))
			continue;
		named = true;
		if (t->result == 0)
			ocap__net_merge(g, t->out.addrs, t->out.naddrs,
					BROKER_MAX_ADDRS);
		else
			g->resolved = ocap__net_now(); /* not again at once */
	}
	if (!named || !t->out.addrs)
		return;
	t->out.naddrs = 0;
	if (from_grants(b->plan, t->name, t->port, &t->out))
		t->result = 0;
}

static void task_done(struct broker *b, int o, uint32_t seq, struct task *t)
{
	struct out *out = &b->slots[o].out;

	if (t->lookup)
		refresh(b, t);
	if (!t->lookup || t->result < 0) {
		ocap__broker_chan_reply(b, o, seq, t->result);
		return;
	}
	ocap__broker_chan_out_clear(out);
	*out = t->out;
	out->kind = OUT_ADDRS;
	out->seq = seq;
	t->out.addrs = NULL;
	ocap__broker_chan_flush(b, o);
}

void ocap__broker_job_event(struct broker *b, int j, short revents)
{
	const struct slot *js = &b->slots[j];
	int o = js->owner;
	uint32_t id = js->owner_id, seq = js->seq;
	uint64_t notif = js->notif;
	struct task *t;
	char c;

	(void)revents;
	if (read(js->fd, &c, 1) < 0 && (errno == EAGAIN || errno == EINTR))
		return; /* still armed: the slot wants POLLIN */
	t = job_end(b, j);
	if (b->slots[o].type == SLOT_CHAN && b->slots[o].id == id)
		task_done(b, o, seq, t);
	else if (b->slots[o].type == SLOT_NOTIF && b->slots[o].id == id)
		ocap__super_answer(b, o, notif, t->result);
	task_put(t);
}

/* For a unix: grant, the address to connect to instead of the program's:
 * the granted socket, looked up by its last name in the directory opened
 * at launch with no symlink followed (a program that can write there
 * could have put one in its place), through the broker's descriptor for
 * it, which is returned, to be closed after the connect. */
int ocap__broker_unix_target(struct broker *b, const struct sockaddr *a,
			     socklen_t len, struct sockaddr_un *sun)
{
	const struct ocap_net_grant *g = ocap__net_unix(b->plan, a, len);
	struct ocap_open_how how = {
		O_PATH | O_CLOEXEC, 0,
		OCAP_RESOLVE_BENEATH | OCAP_RESOLVE_NO_SYMLINKS |
			OCAP_RESOLVE_NO_MAGICLINKS };
	struct stat st;
	int sock, e;

	if (!g)
		return ocap__broker_deny(b, "connect to", a, len);
	sock = (int)ocap_openat2(g->dirfd, g->base, &how);
	if (sock < 0)
		return sock == -ELOOP ? ocap__broker_deny(b, "connect through a symlink to",
					     a, len)
				      : sock;
	/* ECONNREFUSED: connect(2)'s answer for a file that is no socket */
	e = fstat(sock, &st) < 0 ? errno : S_ISSOCK(st.st_mode) ? 0
								: ECONNREFUSED;
	if (e) {
		close(sock);
		return -e;
	}
	*sun = (struct sockaddr_un){ .sun_family = AF_UNIX };
	snprintf(sun->sun_path, sizeof sun->sun_path, "/proc/self/fd/%d", sock);
	return sock;
}

/* Hand the connect of the program's socket *sock (the task's once
 * started: *sock becomes -1) to a thread: 0, or -errno for the reply. */
static int connect_task(struct broker *b, int i, uint64_t seq, int *sock,
			const struct sockaddr *to, socklen_t len, int target)
{
	struct task *t = task_new();
	int r;

	if (!t) {
		if (target >= 0)
			close(target);
		return -ENOMEM;
	}
	memcpy(&t->addr, to, len);
	t->len = len;
	t->sock = *sock;
	t->target = target;
	if ((r = task_start(b, i, seq, t)) < 0) {
		t->sock = -1; /* still the caller's */
		task_put(t);
		return r;
	}
	*sock = -1;
	return 0;
}

/* Check a connect of the program's socket *sock to a against the grants
 * and start it: -errno for the reply, or 0 when a task now connects. */
static int do_connect(struct broker *b, int i, uint64_t seq, int *sock,
		      const struct sockaddr *a, socklen_t len)
{
	struct sockaddr_un sun;
	int kind = ocap__broker_sock_kind(*sock), target;

	if (kind < 0)
		return kind;
	if (kind != OCAP_NET_UNIX) {
		if (!ocap__net_allows(b->plan, kind, a, len))
			return ocap__broker_deny(b, kind == OCAP_NET_UDP
					? "connect a datagram socket to"
					: "connect to", a, len);
		return connect_task(b, i, seq, sock, a, len, -1);
	}
	/* A full backlog makes even a Unix connect wait. */
	if ((target = ocap__broker_unix_target(b, a, len, &sun)) < 0)
		return target;
	return connect_task(b, i, seq, sock, (struct sockaddr *)&sun,
			    sizeof sun, target);
}

void ocap__broker_connect(struct broker *b, int i, struct ocap_msg *m)
{
	int r = do_connect(b, i, m->seq, &m->fds[0], SA(m), m->addr_len);

	if (r < 0)
		ocap__broker_chan_reply(b, i, m->seq, r);
}

int ocap__super_send_task(struct broker *b, int i, uint64_t id, int sock,
			  struct sendbuf *sb)
{
	struct task *t = task_new();
	int r;

	if (!t)
		return -ENOMEM;
	t->sock = sock;
	t->send = sb;
	if ((r = task_start(b, i, id, t)) < 0) {
		t->sock = -1; /* still the caller's, with sb */
		t->send = NULL;
		task_put(t);
	}
	return r;
}

/* A supervised program's connect.  AF_UNSPEC dissolves an association
 * and reaches nobody: done at once. */
void ocap__super_connect(struct broker *b, int i, uint64_t id, int sock,
			 const struct sockaddr *a, socklen_t len)
{
	int r;

	if (len >= sizeof(sa_family_t) && a->sa_family == AF_UNSPEC) {
		r = connect(sock, a, len) < 0 ? -errno : 0;
		close(sock);
		ocap__super_answer(b, i, id, r);
		return;
	}
	r = do_connect(b, i, id, &sock, a, len);
	if (sock >= 0)
		close(sock);
	if (r < 0)
		ocap__super_answer(b, i, id, r);
}

/* Only TCP sockets are bound and listened on, at a --listen address. */
static int tcp_sock(int fd)
{
	int kind = ocap__broker_sock_kind(fd);

	return kind < 0 ? kind : kind == OCAP_NET_CONNECT ? 0 : -EACCES;
}

/* A TCP socket is bound to a --listen address; a supervised program's
 * UDP socket to an ephemeral port (which a send would pick anyway), its
 * peers being checked at each connect and send. */
static int do_bind(struct broker *b, int fd, const struct sockaddr *a,
		   socklen_t len, bool udp_ok)
{
	int kind = ocap__broker_sock_kind(fd);
	struct sockaddr_in6 any;

	if (kind == OCAP_NET_UDP && udp_ok && len >= sizeof(struct sockaddr_in) &&
	    (a->sa_family == AF_INET || a->sa_family == AF_INET6)) {
		memcpy(&any, a, len < sizeof any ? len : sizeof any);
		if (any.sin6_port == 0)
			return bind(fd, a, len) < 0 ? -errno : 0;
	}
	if (kind < 0)
		return kind;
	if (kind != OCAP_NET_CONNECT)
		return ocap__broker_deny(b, "bind to", a, len);
	if (!ocap__net_allows(b->plan, OCAP_NET_LISTEN, a, len))
		return ocap__broker_deny(b, "bind to", a, len);
	return bind(fd, a, len) < 0 ? -errno : 0;
}

/* The socket must already be bound to a granted address: listen() on an
 * unbound socket would pick a port of its own. */
static int do_listen(struct broker *b, int fd, int backlog)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = sizeof ss;
	int r = tcp_sock(fd);

	if (r == 0 && getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		r = -errno;
	if (r == 0 && !ocap__net_allows(b->plan, OCAP_NET_LISTEN,
					(struct sockaddr *)&ss, len))
		r = ocap__broker_deny(b, "listen on", (struct sockaddr *)&ss, len);
	if (r == 0 && listen(fd, backlog) < 0)
		r = -errno;
	return r;
}

void ocap__broker_bind(struct broker *b, int i, struct ocap_msg *m)
{
	ocap__broker_chan_reply(b, i, m->seq,
				do_bind(b, m->fds[0], SA(m), m->addr_len,
					false));
}

void ocap__broker_listen(struct broker *b, int i, struct ocap_msg *m)
{
	int backlog = m->count > INT_MAX ? INT_MAX : (int)m->count;

	ocap__broker_chan_reply(b, i, m->seq, do_listen(b, m->fds[0], backlog));
}

int ocap__super_bind(struct broker *b, int sock, const struct sockaddr *a,
		     socklen_t len)
{
	return do_bind(b, sock, a, len, true);
}

int ocap__super_listen(struct broker *b, int sock, int backlog)
{
	return do_listen(b, sock, backlog);
}

/* ---- resolve ---------------------------------------------------------- */

/* A granted name the program resolves again this long after the last
 * lookup is looked up anew (DNS answers change; most live a minute or
 * more). */
#define REFRESH_S 60

static bool is_peer_grant(const struct ocap_net_grant *g)
{
	return g->kind == OCAP_NET_CONNECT || g->kind == OCAP_NET_UDP;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static void push_addr(struct out *o, const struct sockaddr_storage *ss,
		      uint16_t port)
{
	struct sockaddr_storage a = *ss;

	if (o->naddrs == BROKER_MAX_ADDRS ||
	    (a.ss_family != AF_INET && a.ss_family != AF_INET6))
		return;
	set_port(&a, port);
	for (size_t k = 0; k < o->naddrs; k++)
		if (!memcmp(&o->addrs[k], &a, sizeof a))
			return;
	o->addrs[o->naddrs++] = a;
}

/* A granted name answers with the addresses it had at launch, the very
 * ones a connect is checked against. */
static bool from_grants(const ocap_plan *p, const char *name, uint16_t port,
			struct out *o)
{
	bool found = false;

	for (size_t k = 0; k < p->nnets; k++) {
		const struct ocap_net_grant *g = &p->nets[k];
		if (!is_peer_grant(g) || strcasecmp(g->host, name))
			continue;
		found = true;
		for (size_t a = 0; a < g->naddrs; a++)
			push_addr(o, &g->addrs[a], port);
	}
	return found;
}

static bool any_host(const ocap_plan *p)
{
	for (size_t k = 0; k < p->nnets; k++)
		if (is_peer_grant(&p->nets[k]) && !strcmp(p->nets[k].host, "*"))
			return true;
	return false;
}

/* Under a "*" grant any name is looked up, on a task's thread. */
static int lookup(const char *name, uint16_t port, struct out *o)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	int r;

	if (!(o->addrs = calloc(BROKER_MAX_ADDRS, sizeof *o->addrs)))
		return -ENOMEM;
	r = getaddrinfo(name, NULL, &hints, &res);
	if (r == EAI_MEMORY)
		return -ENOMEM;
	if (r == EAI_AGAIN)
		return -EAGAIN;
	if (r != 0)
		return -ENOENT;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		struct sockaddr_storage ss = { 0 };
		if (ai->ai_addrlen > sizeof ss)
			continue;
		memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
		push_addr(o, &ss, port);
	}
	freeaddrinfo(res);
	return 0;
}

static int lookup_task(struct broker *b, int i, const struct ocap_msg *m,
		       uint16_t port)
{
	struct task *t = task_new();
	int r;

	if (!t)
		return -ENOMEM;
	t->lookup = true;
	memcpy(t->name, m->name, sizeof t->name);
	t->port = port;
	if ((r = task_start(b, i, m->seq, t)) < 0)
		task_put(t);
	return r;
}

/* 0 when o holds the answer, 1 when a task looks the name up, or -errno. */
/* Whether a granted name was last looked up long enough ago that the
 * program asking for it again should get a fresh answer. */
static bool stale(const ocap_plan *p, const char *name)
{
	for (size_t k = 0; k < p->nnets; k++) {
		const struct ocap_net_grant *g = &p->nets[k];

		if (is_peer_grant(g) && !strcasecmp(g->host, name) &&
		    strcmp(g->host, "*") && g->resolved &&
		    ocap__net_now() - g->resolved >= REFRESH_S)
			return true;
	}
	return false;
}

static int resolve(struct broker *b, int i, const struct ocap_msg *m,
		   struct out *o)
{
	uint16_t port = (m->fields & OCAP_F_PORT) ? m->port : 0;

	if (!(o->addrs = calloc(BROKER_MAX_ADDRS, sizeof *o->addrs)))
		return -ENOMEM;
	if (stale(b->plan, m->name)) {
		int r = lookup_task(b, i, m, port);
		if (r == 0)
			return 1;
	}
	if (from_grants(b->plan, m->name, port, o))
		return 0;
	if (any_host(b->plan)) {
		int r = lookup_task(b, i, m, port);
		return r < 0 ? r : 1;
	}
	if (port) {
		char where[OCAP_NAME_MAX + 8];
		snprintf(where, sizeof where, "%s:%u", m->name, port);
		(void)ocap__suggest_note(b, "--connect", where, "resolve of",
					 0);
		ocap__broker_log(b, "ocapsh: denied resolve of %s (--connect "
				    "%s grants it)\n", m->name, where);
	} else {
		ocap__broker_log(b, "ocapsh: denied resolve of %s (--connect "
				    "%s:PORT grants it)\n", m->name, m->name);
	}
	return -EACCES;
}

void ocap__broker_resolve(struct broker *b, int i, struct ocap_msg *m)
{
	struct out *o = &b->slots[i].out;
	int r;

	ocap__broker_chan_out_clear(o);
	o->kind = OUT_ADDRS;
	o->seq = m->seq;
	if ((r = resolve(b, i, m, o)) == 0) {
		ocap__broker_chan_flush(b, i);
		return;
	}
	ocap__broker_chan_out_clear(o);
	if (r < 0)
		ocap__broker_chan_reply(b, i, m->seq, r);
}
