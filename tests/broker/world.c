/* SPDX-License-Identifier: MIT */
/*
 * The broker tests' world: a broker process (a child subreaper, as ocapsh
 * is) that sets up real sockets, builds a plan by hand and serves a forked
 * client with ocap__broker_run(), and the client's helpers.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compile.h"
#include "netgrant.h"
#include "sandbox.h"
#include "world.h"

/* ---- the broker process -------------------------------------------------- */

/* A socket bound to ip on an ephemeral port, listening with backlog
 * (or not, when backlog < 0). */
int bound(const char *ip, int type, int backlog, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_ip(&ss, ip, 0);
	int fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, SA(&ss), len) < 0 ||
	    (backlog >= 0 && listen(fd, backlog) < 0)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = sa_port_of(fd);
	return fd;
}

uint16_t free_port(void)
{
	uint16_t port = 0;
	int fd = bound("127.0.0.1", SOCK_STREAM, -1, &port);

	if (fd >= 0)
		close(fd);
	return port;
}

/* A listener whose accept queue is full: a connect to it waits. */
static int full_listener(struct world *w)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if ((w->full = bound("127.0.0.1", SOCK_STREAM, 0, &w->full_port)) < 0)
		return -1;
	len = sa_ip(&ss, "127.0.0.1", w->full_port);
	w->filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	return w->filler < 0 || connect(w->filler, SA(&ss), len) < 0 ? -1 : 0;
}

static int unix_listener(struct world *w)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (tree_join(w->unix_path, sizeof w->unix_path, w->td.path,
		      "s.sock") < 0)
		return -1;
	memcpy(sun.sun_path, w->unix_path, sizeof sun.sun_path);
	w->unix_lis = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	return w->unix_lis < 0 ||
			       bind(w->unix_lis, SA(&sun), sizeof sun) < 0 ||
			       listen(w->unix_lis, 8) < 0
		       ? -1
		       : 0;
}

static int world_sockets(struct world *w)
{
	if ((w->lis = bound("127.0.0.1", SOCK_STREAM, 128, &w->port)) < 0 ||
	    (w->other = bound("127.0.0.1", SOCK_STREAM, 8, &w->other_port)) < 0 ||
	    (w->udp = bound("127.0.0.1", SOCK_DGRAM, -1, &w->udp_port)) < 0 ||
	    full_listener(w) < 0 || unix_listener(w) < 0)
		return -1;
	w->lis6 = bound("::1", SOCK_STREAM, 8, &w->port6); /* may be absent */
	w->closed_port = free_port();
	w->listen_port = free_port();
	return w->closed_port && w->listen_port ? 0 : -1;
}

static int add_path(ocap_plan *p, const char *name, ocap_rights_t rights,
		    int fd, int kind)
{
	struct ocap_path_grant *g =
		realloc(p->paths, (p->npaths + 1) * sizeof *g);

	if (!g)
		return -1;
	p->paths = g;
	g = &p->paths[p->npaths++];
	*g = (struct ocap_path_grant){ .rights = rights, .fd = fd,
				       .kind = kind };
	g->name = strdup(name);
	g->where = strdup("test");
	return g->name && g->where ? 0 : -1;
}

static int add_net(ocap_plan *p, int kind, const char *host, uint16_t port)
{
	struct ocap_net_grant *g = realloc(p->nets, (p->nnets + 1) * sizeof *g);

	if (!g)
		return -1;
	p->nets = g;
	g = &p->nets[p->nnets++];
	*g = (struct ocap_net_grant){ .kind = kind, .port = port };
	g->host = strdup(host);
	g->where = strdup("test");
	return g->host && g->where ? 0 : -1;
}

static int plan_nets(ocap_plan *p, struct world *w)
{
	int r = add_net(p, OCAP_NET_CONNECT, "127.0.0.1", w->port) |
		add_net(p, OCAP_NET_CONNECT, "localhost", w->port) |
		add_net(p, OCAP_NET_CONNECT, "127.0.0.1", w->full_port) |
		add_net(p, OCAP_NET_CONNECT, "127.0.0.1", w->closed_port) |
		add_net(p, OCAP_NET_LISTEN, "127.0.0.1", w->listen_port) |
		add_net(p, OCAP_NET_UDP, "127.0.0.1", w->udp_port) |
		add_net(p, OCAP_NET_UNIX, w->unix_path, 0);

	if (w->lis6 >= 0)
		r |= add_net(p, OCAP_NET_CONNECT, "::1", w->port6);
	if (w->flags & W_STAR)
		r |= add_net(p, OCAP_NET_CONNECT, "*", w->other_port);
	return r;
}

static int grant_aside(ocap_plan *p, const char *path, ocap_rights_t rights,
		       int kind)
{
	int fd = open(path, O_PATH | O_CLOEXEC);

	return fd < 0 ? -1 : add_path(p, path, rights, fd, kind);
}

/* W_SUPER: aside/ro read-only, aside/rw and the file aside/rwf
 * read-write; aside/out stays out. */
static int plan_aside(ocap_plan *p, struct world *w)
{
	if (!(w->flags & W_SUPER))
		return 0;
	return grant_aside(p, w->ro, OCAP_RIGHTS_RO, OCAP_KIND_DIR) |
	       grant_aside(p, w->rw, OCAP_RIGHTS_RW, OCAP_KIND_DIR) |
	       grant_aside(p, w->rwf, OCAP_RIGHTS_RW, OCAP_KIND_FILE);
}

static ocap_plan *plan_build(struct world *w)
{
	int dir = open(w->td.path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int file = open(w->file, O_PATH | O_CLOEXEC);
	int rwfile = open(w->rwfile, O_PATH | O_CLOEXEC);
	ocap_plan *p;

	if (dir < 0 || file < 0 || rwfile < 0 || ocap_plan_new(&p) < 0)
		return NULL;
	p->verbose = 1;
	if (add_path(p, w->td.path, OCAP_RIGHTS_RW, dir, OCAP_KIND_DIR) < 0 ||
	    add_path(p, w->file, OCAP_RIGHTS_RO, file, OCAP_KIND_FILE) < 0 ||
	    add_path(p, w->rwfile, OCAP_RIGHTS_RW, rwfile, OCAP_KIND_FILE) < 0 ||
	    add_path(p, "/not-opened", OCAP_RIGHTS_RO, -1, 0) < 0 ||
	    plan_aside(p, w) < 0 || plan_nets(p, w) < 0 ||
	    ocap__net_resolve(p) < 0)
		return NULL;
	p->hide_metadata = w->flags & W_HIDE;
	p->suggest = w->flags & W_SUGGEST;
	for (size_t i = 0; (w->flags & W_STALE) && i < p->nnets; i++)
		if (p->nets[i].resolved)
			p->nets[i].resolved = 1;
	w->nnets = p->nnets;
	return p;
}

/* W_SUPER: the supervised compat program, as the launcher's seccomp
 * stage loads it, with the allowances the flags ask for; its listener's
 * number goes to the broker, which takes it (as launch.c does). */
static int supervised(struct world *w)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };
	const char *extra[5];
	size_t n = 0;
	int lfd;
	char ack;

	if (w->flags & W_NET) {
		extra[n++] = OCAP_SC_ALLOW_UDP;
		extra[n++] = OCAP_SC_ALLOW_UNIX;
		extra[n++] = OCAP_SC_ALLOW_LISTEN;
	}
	if (w->flags & W_HIDE)
		extra[n++] = OCAP_SC_HIDE;
	if (w->flags & W_SUGGEST)
		extra[n++] = OCAP_SC_SUGGEST;
	close(w->super[0]);
	/* as the launcher's child: no capability left (the supervisor,
	 * bare of its own, reaches only such a program's /proc entries),
	 * no_new_privs, then the program */
	lfd = syscall(SYS_capset, &h, d) < 0 ||
			      prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
		      ? -errno
		      : ocap__seccomp_load_extra(OCAP_SC_SUPER, extra, n);
	if (write(w->super[1], &lfd, sizeof lfd) != (ssize_t)sizeof lfd ||
	    lfd < 0 || read(w->super[1], &ack, 1) != 1) {
		fprintf(stderr, "supervised program: %s\n",
			strerror(lfd < 0 ? -lfd : EPIPE));
		return -1;
	}
	close(lfd);
	close(w->super[1]);
	return 0;
}

static _Noreturn void client(scenario fn, struct world *w, int rootfd)
{
	char s[16];

	prctl(PR_SET_PDEATHSIG, SIGKILL); /* no strays when a test fails */
	snprintf(s, sizeof s, "%d", rootfd);
	setenv(OCAP_ROOT_ENV, s, 1);
	w->broker = getppid();
	if ((w->flags & W_SUPER) && supervised(w) < 0)
		_exit(B_SUPER);
	_exit(fn(w));
}

/* The client's listener, taken from it; -1 without W_SUPER or when the
 * client could not load its program. */
static int take_listener(struct world *w, pid_t pid)
{
	int theirs = -1, fd = -1;
	long pidfd;

	if (!(w->flags & W_SUPER))
		return -1;
	close(w->super[1]);
	if (read(w->super[0], &theirs, sizeof theirs) != (ssize_t)sizeof theirs ||
	    theirs < 0)
		return -1;
	if ((pidfd = syscall(SYS_pidfd_open, pid, 0)) >= 0) {
		fd = (int)syscall(SYS_pidfd_getfd, (int)pidfd, theirs, 0);
		close((int)pidfd);
	}
	if (fd >= 0 && write(w->super[0], "k", 1) != 1) {
		close(fd);
		fd = -1;
	}
	close(w->super[0]);
	return fd;
}

static void log_to(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
}

static _Noreturn void broker_proc(scenario fn, struct world *w)
{
	struct ocap_compiled c;
	ocap_plan *p;
	int sv[2], st, r, lfd, null = open("/dev/null", O_RDONLY);
	pid_t pid;

	alarm(60);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* No terminal: SIGINT and SIGQUIT are the broker's to forward. */
	dup2(null, STDIN_FILENO);
	close(null);
	close(w->ready[0]);
	if (world_sockets(w) < 0 || !(p = plan_build(w)) || seqpacket_pair(sv) ||
	    ((w->flags & W_SUPER) &&
	     socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, w->super)))
		_exit(B_SETUP);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		client(fn, w, sv[1]);
	}
	close(sv[1]);
	close(w->ready[1]);
	log_to(w->log);
	lfd = take_listener(w, pid);
	/* The plan's grants, opened by hand, are what is served. */
	c = (struct ocap_compiled){ .plan = p, .mode = OCAP_MODE_COMPAT,
				    .paths = p->paths, .npaths = p->npaths };
	r = ocap__broker_run(&c, sv[0], lfd, pid, &st);
	if (r < 0) {
		fprintf(stderr, "ocap__broker_run: %s\n", strerror(-r));
		_exit(B_RUN);
	}
	close(sv[0]);
	for (size_t i = 0; ocap_plan_suggestion(p, i); i++)
		fprintf(stderr, "suggest: %s\n", ocap_plan_suggestion(p, i));
	ocap_plan_free(p);
	/* exit(), not _exit(): a leak checker gets to look at the broker. */
	exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

/* ---- the test's side ---------------------------------------------------- */

static void aside_make(struct world *w)
{
	struct tmpdir *a = &w->aside;
	char dev[PATH_MAX];

	assert_ret(tmpdir_make(a), 0);
	assert_ret(tree_write(a->path, "ro/f", "ro\n"), 0);
	assert_ret(tree_write(a->path, "rw/f", "rw\n"), 0);
	assert_ret(tree_write(a->path, "rwf", "rwf\n"), 0);
	assert_ret(tree_write(a->path, "out/f", "out\n"), 0);
	for (int i = 1; i <= 4; i++) {
		char name[16];

		snprintf(name, sizeof name, "many/%d", i);
		assert_ret(tree_write(a->path, name, "m\n"), 0);
	}
	assert_ret(tree_join(w->ro, sizeof w->ro, a->path, "ro"), 0);
	assert_ret(tree_join(w->rw, sizeof w->rw, a->path, "rw"), 0);
	assert_ret(tree_join(w->rwf, sizeof w->rwf, a->path, "rwf"), 0);
	assert_ret(tree_join(w->out, sizeof w->out, a->path, "out"), 0);
	/* root makes a device where the program may write */
	assert_ret(tree_join(dev, sizeof dev, w->rw, "null"), 0);
	w->dev = mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0;
}

void run_start(struct run *r, int flags, scenario fn)
{
	struct world *w = &r->w;

	memset(r, 0, sizeof *r);
	w->flags = flags;
	assert_ret(tmpdir_make(&w->td), 0);
	assert_ret(tree_write(w->td.path, "hello", "hello, world\n"), 0);
	assert_ret(tree_write(w->td.path, "ro-file", "read only\n"), 0);
	assert_ret(tree_join(w->file, sizeof w->file, w->td.path, "ro-file"), 0);
	assert_ret(tree_write(w->td.path, "rw-file", "read write\n"), 0);
	assert_ret(tree_join(w->rwfile, sizeof w->rwfile, w->td.path, "rw-file"), 0);
	assert_ret(tree_join(w->log, sizeof w->log, w->td.path, "broker.log"), 0);
	assert_ret(tree_join(w->marker, sizeof w->marker, w->td.path, "marker"), 0);
	if (flags & W_SUPER)
		aside_make(w);
	assert_ret(pipe2(w->ready, O_CLOEXEC), 0);
	fflush(NULL);
	w->broker = fork();
	assert_true(w->broker >= 0);
	if (w->broker == 0)
		broker_proc(fn, w);
	close(w->ready[1]);
}

/* Wait until the client writes to the ready pipe. */
void run_await(struct run *r)
{
	struct pollfd p = { .fd = r->w.ready[0], .events = POLLIN };
	char c;

	assert_int_equal(poll(&p, 1, 20000), 1);
	assert_int_equal(read(r->w.ready[0], &c, 1), 1);
}

/* The broker process's exit status (1000 + signal when killed); the
 * broker's stderr is kept in r->log. */
int run_finish(struct run *r)
{
	int st, fd;
	ssize_t n;

	assert_int_equal(waitpid(r->w.broker, &st, 0), r->w.broker);
	close(r->w.ready[0]);
	if ((fd = open(r->w.log, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, r->log, sizeof r->log - 1);
		r->log[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	r->marker = access(r->w.marker, F_OK) == 0;
	tmpdir_remove(r->w.td.path);
	if (r->w.flags & W_SUPER)
		tmpdir_remove(r->w.aside.path);
	return WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : WEXITSTATUS(st);
}

void run_log(int flags, scenario fn, int want, struct run *r)
{
	int st;

	run_start(r, flags, fn);
	if ((st = run_finish(r)) != want)
		fprintf(stderr, "broker's stderr:\n%s", r->log);
	assert_ret(st, want);
}

void run_expect(int flags, scenario fn, int want)
{
	struct run r;

	run_log(flags, fn, want, &r);
}

void world_case(void **state)
{
	const struct world_case *c = *state;
	struct run r;

	run_log(c->flags, c->fn, c->want, &r);
}

int world_main(const char *name, const struct CMUnitTest *tests, size_t n)
{
	signal(SIGPIPE, SIG_IGN);
	if (getenv("BROKER_TEST")) /* e.g. BROKER_TEST='test_cap*' */
		cmocka_set_test_filter(getenv("BROKER_TEST"));
	return _cmocka_run_group_tests(name, tests, n, NULL, NULL);
}

/* ---- the client's helpers -------------------------------------------------- */

int root_fd(void)
{
	return atoi(getenv(OCAP_ROOT_ENV));
}

int broker_fds(const struct world *w)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)w->broker);
	if (!(d = opendir(path)))
		return -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* The broker closes what a client leaves behind soon, not at once. */
bool broker_fds_settle(const struct world *w, int want)
{
	for (int i = 0; i < 500; i++) {
		if (broker_fds(w) == want)
			return true;
		usleep(10000);
	}
	fprintf(stderr, "broker has %d descriptors, expected %d\n",
		broker_fds(w), want);
	return false;
}

/* The broker still answers: a granted name resolves. */
void probe(void)
{
	struct sockaddr_storage a[4];

	child_check(ocap_resolve("127.0.0.1", 1, a, 4), 1);
}

/* Whether the broker has sig blocked: it takes it through its signalfd
 * then, and a signal sent earlier would kill it instead. */
static bool broker_blocks(const struct world *w, int sig)
{
	char path[64], line[128];
	unsigned long long mask = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)w->broker);
	if (!(f = fopen(path, "re")))
		return false;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "SigBlk: %llx", &mask) == 1)
			break;
	fclose(f);
	return mask & (1ull << (sig - 1));
}

/* Tell the test to go on, once the broker is serving. */
void ready(struct world *w)
{
	for (int i = 0; i < 1000 && !broker_blocks(w, SIGTERM); i++)
		usleep(10000);
	child_check(write(w->ready[1], "r", 1), 1);
}

int tcp_socket(int family, int flags)
{
	return socket(family, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
}

int connect_to(int s, const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_ip(&ss, ip, port);

	return ocap_connect(s, SA(&ss), len);
}

/* Bytes flow both ways between a and b. */
void exchange(int a, int b)
{
	char buf[8] = "";

	child_check(write(a, "ping", 4), 4);
	child_check(read(b, buf, sizeof buf), 4);
	child_check(memcmp(buf, "ping", 4), 0);
	child_check(write(b, "pong", 4), 4);
	child_check(read(a, buf, sizeof buf), 4);
	child_check(memcmp(buf, "pong", 4), 0);
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What the broker wrote on its stderr: one line per denial. */
bool logged(const struct world *w, const char *line)
{
	char buf[16384];
	int fd = open(w->log, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, line) != NULL;
}

/* fd reads as want from its start. */
void reads(int fd, const char *want)
{
	char buf[64] = "";

	child_check(fd >= 0, 1);
	child_check(pread(fd, buf, sizeof buf - 1, 0), (long)strlen(want));
	child_check(strcmp(buf, want), 0);
	close(fd);
}

int mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? -errno : (int)(st.st_mode & 07777);
}

char *join(char *out, const char *dir, const char *rel)
{
	child_check(tree_join(out, PATH_MAX, dir, rel), 0);
	return out;
}
