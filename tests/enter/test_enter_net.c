/* SPDX-License-Identifier: MIT */
/*
 * Network after entering (ocap_enter(3)), judged by what happens on real
 * sockets on 127.0.0.1: a process enters with network grants in its
 * namespace and, through the helper forked before it confined itself,
 * reaches the granted listener and nothing else.  Each case enters in a
 * forked child and reports through its exit status.  Run as root and, by
 * a second CTest entry through setpriv(1), as uid 65534.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ocap/enter.h>

#include "enter_test.h"


#define TIMEOUT_MS 10000

/* ---- sockets ------------------------------------------------------------ */

/* s bound to a and listening, or -errno with s closed. */
static int listening(int s, const struct sockaddr *a, socklen_t len)
{
	int e;

	if (s < 0)
		return -errno;
	if (bind(s, a, len) == 0 && listen(s, 8) == 0)
		return s;
	e = -errno;
	close(s);
	return e;
}

/* A TCP listener on ip:port (0: any free port), or -errno. */
static int listener_on(const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_ip(&ss, ip, port);

	return listening(socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0),
			 (struct sockaddr *)&ss, len);
}

/* A port nothing listens on (nothing connected to it either). */
static uint16_t free_port(void)
{
	int s = listener_on("127.0.0.1", 0);
	uint16_t port = s >= 0 ? sa_port_of(s) : 0;

	if (s >= 0)
		close(s);
	return port;
}

/* A socket connected to ip:port by the helper (ocap_connect), or -errno. */
static int brokered_connect(const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_ip(&ss, ip, port);
	int s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	if (s < 0)
		return -errno;
	if ((r = ocap_connect(s, (struct sockaddr *)&ss, len)) < 0) {
		close(s);
		return r;
	}
	return s;
}

static int wait_for(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, TIMEOUT_MS) == 1 ? 0 : -ETIMEDOUT;
}

/* Read exactly n bytes: 0, or -errno (-EPIPE at end of file). */
static int read_n(int fd, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		if (wait_for(fd, POLLIN) < 0)
			return -ETIMEDOUT;
		if ((k = read(fd, buf + got, n - got)) <= 0)
			return k < 0 ? -errno : -EPIPE;
		got += (size_t)k;
	}
	return 0;
}

/* "ping" from client c to whom listener l accepts, "pong" back on the
 * same connection: 0, or -errno. */
static int exchange(int c, int l)
{
	char buf[4];
	int a, r;

	if (write(c, "ping", 4) != 4)
		return -EIO;
	if (wait_for(l, POLLIN) < 0)
		return -ETIMEDOUT;
	if ((a = accept4(l, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return -errno;
	r = read_n(a, buf, 4);
	if (r == 0 && memcmp(buf, "ping", 4))
		r = -EBADMSG;
	if (r == 0 && write(a, "pong", 4) != 4)
		r = -EIO;
	close(a);
	if (r == 0 && (r = read_n(c, buf, 4)) == 0 && memcmp(buf, "pong", 4))
		r = -EBADMSG;
	return r;
}

/* Whether a connection waits at listener l, now. */
static bool pending(int l)
{
	struct pollfd p = { .fd = l, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static int grant(ocap_ns *ns, const char *opt, const char *host,
		 uint16_t port)
{
	char v[300];

	snprintf(v, sizeof v, "%s:%u", host, port);
	return ocap_enter_grant(ns, opt, v);
}

static int sock_at(const char *ip, uint16_t port, struct sockaddr_storage *ss,
		   socklen_t *len)
{
	*len = sa_ip(ss, ip, port);
	return socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* ---- ocap_enter_grant ------------------------------------------------------- */

static void test_grant(void **state)
{
	static const struct {
		const char *opt, *value, *name;
		int kind;
		ocap_rights_t rights;
	} ok[] = {
		{ "--connect", "127.0.0.1:80", "tcp:127.0.0.1:80",
		  OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT },
		{ "--connect", "[::1]:443", "tcp:[::1]:443",
		  OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT },
		{ "--connect", "*:53", "tcp:*:53", OCAP_KIND_ENDPOINT,
		  OCAP_RIGHT_CONNECT },
		{ "--udp", "localhost:53", "udp:localhost:53",
		  OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT },
		{ "--connect", "unix:/run/x/../app.sock", "unix:/run/app.sock",
		  OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT },
		{ "--listen", "127.0.0.1:8080", "listen:127.0.0.1:8080",
		  OCAP_KIND_LISTENER, OCAP_RIGHT_LISTEN },
	};
	static const struct {
		const char *opt, *value;
	} bad[] = {
		{ "--ro", "/usr" },          { "--connect", "127.0.0.1" },
		{ "--connect", "host:0" },   { "--connect", "host:65536" },
		{ "--listen", "::1:80" },    { "--connect", "a b:80" },
		{ "--connect", "unix:" },    { "connect", "127.0.0.1:80" },
	};
	ocap_ns *ns;

	(void)state;
	assert_ret(ocap_ns_new(&ns), 0);
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		const ocap_cap *c;

		assert_ret(ocap_enter_grant(ns, ok[i].opt, ok[i].value), 0);
		c = ocap_ns_find(ns, ok[i].name);
		if (!c)
			fail_msg("%s %s: no capability %s", ok[i].opt,
				 ok[i].value, ok[i].name);
		assert_int_equal(ocap_cap_kind(c), ok[i].kind);
		assert_int_equal(ocap_cap_rights(c), ok[i].rights);
		assert_int_equal(ocap_cap_fd(c), -1);
		/* Granted twice, held once. */
		assert_ret(ocap_enter_grant(ns, ok[i].opt, ok[i].value), 0);
	}
	assert_int_equal(ocap_ns_count(ns), sizeof ok / sizeof *ok);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (ocap_enter_grant(ns, bad[i].opt, bad[i].value) != -EINVAL)
			fail_msg("%s %s: accepted", bad[i].opt, bad[i].value);
	assert_ret(ocap_enter_grant(NULL, "--connect", "h:1"), -EINVAL);
	assert_ret(ocap_enter_grant(ns, "--connect", NULL), -EINVAL);
	assert_int_equal(ocap_ns_count(ns), sizeof ok / sizeof *ok);
	ocap_ns_free(ns);
}

/* ---- connect -------------------------------------------------------------- */

static int connect_child(void *arg)
{
	struct ocap_enter_report r;
	struct sockaddr_storage bsa;
	socklen_t blen;
	int la = listener_on("127.0.0.1", 0), lb = listener_on("127.0.0.1", 0);
	uint16_t pa = sa_port_of(la), pb = sa_port_of(lb);
	const char *env;
	ocap_ns *ns;
	int c, s, st;

	(void)arg;
	child_check(la >= 0 && lb >= 0, 1);
	child_check(ocap_ns_new(&ns), 0);
	child_check(grant(ns, "--connect", "127.0.0.1", pa), 0);
	child_check(ocap_enter(ns, OCAP_ENTER_STRICT, &r), 0);
	child_check(r.entered, 1);
	child_check(r.nunenforced, 0);
	child_check(report_has(&r, "network", 1), 1);
	child_check(r.helper > 0, 1);
	/* $OCAP_ROOT names the helper's root descriptor, kept across exec. */
	env = getenv(OCAP_ROOT_ENV);
	child_check(env && r.root_fd >= 0 && atoi(env) == r.root_fd, 1);
	child_check(fd_cloexec(r.root_fd), 0);
	/* The granted listener: connected by the helper, and the bytes flow
	 * on the process's own socket. */
	c = brokered_connect("127.0.0.1", pa);
	child_check(c >= 0, 1);
	child_check(exchange(c, la), 0);
	close(c);
	/* Another port of the same host, where a listener waits too: the
	 * helper refuses with EACCES, no grant naming it (as ocapsh's broker
	 * refuses); the process's own connect(2) is refused by the native
	 * seccomp program with EPERM before any address is looked at. */
	child_check(brokered_connect("127.0.0.1", pb), -EACCES);
	s = sock_at("127.0.0.1", pb, &bsa, &blen);
	child_check(s >= 0, 1);
	child_check(sys_ret(connect(s, (struct sockaddr *)&bsa, blen)), -EPERM);
	/* The granted port on another host: the grant names 127.0.0.1. */
	child_check(brokered_connect("127.0.0.2", pa), -EACCES);
	child_check(pending(lb), 0);
	child_check(pending(la), 0);
	/* Neither binding nor listening was granted. */
	child_check(ocap_bind(s, (struct sockaddr *)&bsa, blen), -EACCES);
	child_check(ocap_listen(s, 1), -EACCES);
	close(s);
	/* The helper is no child that wait(2) for any child sees. */
	child_check(sys_ret(waitpid(-1, &st, WNOHANG)), -ECHILD);
	return 0;
}

/* ---- resolve ---------------------------------------------------------------- */

static int resolve_child(void *arg)
{
	struct sockaddr_storage addrs[8], want;
	int l = listener_on("127.0.0.1", 0), n, c = -1;
	uint16_t p = sa_port_of(l);
	ocap_ns *ns;

	(void)arg;
	child_check(l >= 0, 1);
	child_check(ocap_ns_new(&ns), 0);
	child_check(grant(ns, "--connect", "localhost", p), 0);
	child_check(ocap_enter(ns, OCAP_ENTER_STRICT, NULL), 0);
	/* The granted name, as the helper resolved it when entering. */
	n = ocap_resolve("localhost", p, addrs, 8);
	child_check(n >= 1, 1);
	sa_ip(&want, "127.0.0.1", p);
	for (int i = 0; i < n && c < 0; i++)
		if (!memcmp(&addrs[i], &want, sizeof(struct sockaddr_in)))
			c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	child_check(c >= 0, 1);
	child_check(ocap_connect(c, (struct sockaddr *)&want,
				 sizeof(struct sockaddr_in)), 0);
	child_check(exchange(c, l), 0);
	/* A name no grant holds is not even looked up. */
	child_check(ocap_resolve("example.invalid", p, addrs, 8), -EACCES);
	child_check(ocap_resolve("localhost.localdomain", p, addrs, 8),
		    -EACCES);
	return 0;
}

/* ---- listen --------------------------------------------------------------- */

static int listen_child(void *arg)
{
	struct sockaddr_storage sa, other;
	socklen_t len, olen;
	uint16_t pc = free_port(), pd = free_port();
	ocap_ns *ns;
	int l, l2, c;

	(void)arg;
	child_check(pc && pd && pc != pd, 1);
	child_check(ocap_ns_new(&ns), 0);
	child_check(grant(ns, "--listen", "127.0.0.1", pc), 0);
	child_check(grant(ns, "--connect", "127.0.0.1", pc), 0);
	child_check(ocap_enter(ns, OCAP_ENTER_STRICT, NULL), 0);
	l = sock_at("127.0.0.1", pc, &sa, &len);
	child_check(l >= 0, 1);
	child_check(sys_ret(bind(l, (struct sockaddr *)&sa, len)), -EPERM);
	child_check(ocap_bind(l, (struct sockaddr *)&sa, len), 0);
	child_check(ocap_listen(l, 4), 0);
	c = brokered_connect("127.0.0.1", pc);
	child_check(c >= 0, 1);
	child_check(exchange(c, l), 0);
	/* Another port; and listen(2) on an unbound socket, which would
	 * pick a port of its own. */
	l2 = sock_at("127.0.0.1", pd, &other, &olen);
	child_check(ocap_bind(l2, (struct sockaddr *)&other, olen), -EACCES);
	child_check(ocap_listen(l2, 4), -EACCES);
	return 0;
}

/* A port below 1024: the helper keeps CAP_NET_BIND_SERVICE to bind it
 * for the process, which holds no capability once entered; as uid 65534
 * the helper has none to keep and the kernel refuses it. */
static int low_port_child(void *arg)
{
	const uint16_t *port = arg;
	struct sockaddr_storage sa;
	socklen_t len;
	bool root = geteuid() == 0 && holds_caps();
	ocap_ns *ns;
	int l, c;

	child_check(ocap_ns_new(&ns), 0);
	child_check(grant(ns, "--listen", "127.0.0.1", *port), 0);
	child_check(grant(ns, "--connect", "127.0.0.1", *port), 0);
	child_check(ocap_enter(ns, OCAP_ENTER_STRICT, NULL), 0);
	child_check(holds_caps(), 0);
	l = sock_at("127.0.0.1", *port, &sa, &len);
	child_check(l >= 0, 1);
	if (!root) {
		child_check(ocap_bind(l, (struct sockaddr *)&sa, len), -EACCES);
		return 0;
	}
	child_check(ocap_bind(l, (struct sockaddr *)&sa, len), 0);
	child_check(ocap_listen(l, 4), 0);
	c = brokered_connect("127.0.0.1", *port);
	child_check(c >= 0, 1);
	child_check(exchange(c, l), 0);
	return 0;
}

static long unprivileged_port_start(void)
{
	char buf[32] = "";
	int fd = open("/proc/sys/net/ipv4/ip_unprivileged_port_start",
		      O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1024;
	if (read(fd, buf, sizeof buf - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return buf[0] ? strtol(buf, NULL, 10) : 1024;
}

static void test_low_port(void **state)
{
	uint16_t port = 0;

	(void)state;
	if (unprivileged_port_start() < 1024) {
		print_message("skipped: ports below %ld need no privilege "
			      "here\n", unprivileged_port_start());
		return;
	}
	if (geteuid() == 0) { /* a free one, as only root can find out */
		for (uint16_t p = 1023; p > 600 && !port; p--) {
			int l = listener_on("127.0.0.1", p);
			if (l >= 0) {
				close(l);
				port = p;
			}
		}
	} else {
		port = 1023; /* refused before the port is looked at */
	}
	assert_true(port > 0);
	expect_status(low_port_child, &port, 0);
}

/* ---- unix: ----------------------------------------------------------------- */

/* A Unix stream listener at path, or -errno. */
static int unix_listener(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = sa_unix(&sun, path);

	return listening(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
			 (struct sockaddr *)&sun, len);
}

/* A granted socket and one beside it, in the test's directory. */
static int unix_child(void *arg)
{
	const struct tmpdir *td = arg;
	char app[PATH_MAX], other[PATH_MAX], grant_[PATH_MAX + 8];
	struct sockaddr_un sun;
	ocap_ns *ns;
	int l, lo, c;

	tree_join(app, sizeof app, td->path, "app.sock");
	tree_join(other, sizeof other, td->path, "other.sock");
	l = unix_listener(app);
	lo = unix_listener(other);
	child_check(l >= 0 && lo >= 0, 1);
	snprintf(grant_, sizeof grant_, "unix:%s", app);
	child_check(ocap_ns_new(&ns), 0);
	child_check(ocap_enter_grant(ns, "--connect", grant_), 0);
	child_check(ocap_enter(ns, OCAP_ENTER_STRICT, NULL), 0);
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	child_check(ocap_connect(c, (struct sockaddr *)&sun,
				 sa_unix(&sun, app)), 0);
	child_check(exchange(c, l), 0);
	close(c);
	/* Beside it: the helper's EACCES, the kernel's EPERM for the
	 * process's own connect(2). */
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	child_check(ocap_connect(c, (struct sockaddr *)&sun,
				 sa_unix(&sun, other)), -EACCES);
	child_check(sys_ret(connect(c, (struct sockaddr *)&sun,
				    sa_unix(&sun, other))), -EPERM);
	child_check(pending(lo), 0);
	return 0;
}

static void test_unix(void **state)
{
	struct tmpdir td;

	(void)state;
	assert_ret(tmpdir_make(&td), 0);
	expect_status(unix_child, &td, 0);
	tmpdir_remove(td.path);
}

/* ---- the helper's life ---------------------------------------------------- */

struct orphan {
	int out;  /* where the child writes its helper's pid */
	int hold[2]; /* what the grandchild waits on */
};

/* Enter, leave a grandchild that holds the root descriptor, and exit:
 * the helper must go with the process all the same. */
static int orphan_child(void *arg)
{
	const struct orphan *o = arg;
	struct ocap_enter_report r;
	ocap_ns *ns;
	char c;

	child_check(ocap_ns_new(&ns), 0);
	child_check(grant(ns, "--connect", "127.0.0.1", 9), 0);
	child_check(ocap_enter(ns, OCAP_ENTER_STRICT, &r), 0);
	if (fork() == 0) {
		close(o->hold[1]);
		_exit(read(o->hold[0], &c, 1) == 0 && fd_is_open(r.root_fd)
			      ? 0 : 1);
	}
	child_check(write(o->out, &r.helper, sizeof r.helper),
		    sizeof r.helper);
	return 0;
}

/* Wait for pid (a child of any kind) up to TIMEOUT_MS: its status, or
 * -1. */
static int reap_within(pid_t pid)
{
	int st;

	for (int i = 0; i < TIMEOUT_MS / 10; i++) {
		pid_t got = waitpid(pid, &st, WNOHANG | __WALL);

		if (got == pid)
			return st;
		if (got < 0 && errno != EINTR)
			return -1;
		usleep(10000);
	}
	return -1;
}

/* The process exits: its helper goes, although a descendant still holds
 * the root descriptor (PR_SET_PDEATHSIG would not do: the process's
 * Landlock domain refuses the kernel that signal).  This test, a
 * subreaper, reaps both. */
static void test_dies_with_process(void **state)
{
	struct orphan o;
	pid_t helper = 0;
	int out[2], hold[2], st, rest;

	(void)state;
	assert_ret(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	assert_ret(pipe2(out, O_CLOEXEC), 0);
	assert_ret(pipe2(hold, O_CLOEXEC), 0);
	o = (struct orphan){ out[1], { hold[0], hold[1] } };
	expect_status(orphan_child, &o, 0);
	assert_int_equal(read(out[0], &helper, sizeof helper), sizeof helper);
	assert_true(helper > 0);
	st = reap_within(helper);
	close(hold[1]); /* the grandchild's turn */
	rest = reap_within(-1);
	assert_ret(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
	close(out[0]);
	close(out[1]);
	close(hold[0]);
	if (st == -1)
		fail_msg("helper %d outlived its process", (int)helper);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("helper: wait status %#x", st);
	assert_true(rest != -1 && WIFEXITED(rest) && WEXITSTATUS(rest) == 0);
}

/* Nobody holds the root descriptor any more: the helper leaves. */
static int hang_up_child(void *arg)
{
	struct ocap_enter_report r;
	ocap_ns *ns;
	int st;

	(void)arg;
	child_check(ocap_ns_new(&ns), 0);
	child_check(grant(ns, "--connect", "127.0.0.1", 9), 0);
	child_check(ocap_enter(ns, OCAP_ENTER_STRICT, &r), 0);
	child_check(close(r.root_fd), 0);
	st = reap_within(r.helper);
	child_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	return 0;
}

/* ---- refusals: nothing changes -------------------------------------------- */

static int mount_net(ocap_ns *ns, int kind, ocap_rights_t rights,
		     const char *name)
{
	ocap_cap *c;
	int r = ocap_cap_from_fd(-1, kind, rights, name, &c);

	if (r == 0 && (r = ocap_ns_mount(ns, c)) < 0)
		ocap_cap_close(c);
	return r;
}

static void check_refused(ocap_ns *ns, unsigned flags, int want, bool caps)
{
	struct ocap_enter_report r;
	int st;

	child_check(ocap_enter(ns, OCAP_ENTER_STRICT | flags, &r), want);
	child_check(r.entered, 0);
	child_check(r.helper, 0);
	child_check(r.root_fd, -1);
	child_check(report_has(&r, "network", 0), 1);
	child_check(sys_ret(waitpid(-1, &st, WNOHANG | __WALL)), -ECHILD);
	child_check_untouched(caps);
}

static int refusals_child(void *arg)
{
	bool caps = holds_caps();
	ocap_ns *ns, *unknown, *bad, *wrong;

	(void)arg;
	child_check(ocap_ns_new(&ns), 0);
	child_check(grant(ns, "--connect", "127.0.0.1", 9), 0);
	check_refused(ns, OCAP_ENTER_NO_NET, -EINVAL, caps);
	/* A name that does not resolve, as ocapsh refuses to launch. */
	child_check(ocap_ns_new(&unknown), 0);
	child_check(grant(unknown, "--connect", "no-such-host.invalid", 80),
		    0);
	check_refused(unknown, 0, -ENOENT, caps);
	/* Capabilities whose names are no grant of their kind. */
	child_check(ocap_ns_new(&bad), 0);
	child_check(mount_net(bad, OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT,
			      "tcp:127.0.0.1"), 0);
	check_refused(bad, 0, -EINVAL, caps);
	child_check(ocap_ns_new(&wrong), 0);
	child_check(mount_net(wrong, OCAP_KIND_LISTENER, OCAP_RIGHT_LISTEN,
			      "tcp:127.0.0.1:80"), 0);
	check_refused(wrong, 0, -EINVAL, caps);
	/* A broker already: its table and this helper's would disagree. */
	child_check(setenv(OCAP_ROOT_ENV, "3", 1), 0);
	check_refused(ns, 0, -EEXIST, caps);
	child_check(unsetenv(OCAP_ROOT_ENV), 0);
	child_check(getenv(OCAP_ROOT_ENV) == NULL, 1);
	return 0;
}

/* An endpoint whose connect right was dropped grants nothing: no helper. */
static int dropped_child(void *arg)
{
	struct ocap_enter_report r;
	ocap_ns *ns;

	(void)arg;
	child_check(ocap_ns_new(&ns), 0);
	child_check(mount_net(ns, OCAP_KIND_ENDPOINT, 0, "tcp:127.0.0.1:9"),
		    0);
	child_check(ocap_enter(ns, OCAP_ENTER_STRICT, &r), 0);
	child_check(r.helper, 0);
	child_check(getenv(OCAP_ROOT_ENV) == NULL, 1);
	child_check(brokered_connect("127.0.0.1", 9), -ENOENT);
	return 0;
}

/* ---- ocap_isolate ---------------------------------------------------------- */

struct iso_net {
	int l;
	uint16_t port;
};

static int isolated_connect(void *arg)
{
	const struct iso_net *a = arg;
	int c = brokered_connect("127.0.0.1", a->port);

	return c >= 0 && exchange(c, a->l) == 0 ? 42 : 1;
}

static void test_isolate(void **state)
{
	struct iso_net a;
	ocap_ns *ns;
	int status = -1;

	(void)state;
	a.l = listener_on("127.0.0.1", 0);
	assert_true(a.l >= 0);
	a.port = sa_port_of(a.l);
	assert_ret(ocap_ns_new(&ns), 0);
	assert_ret(grant(ns, "--connect", "127.0.0.1", a.port), 0);
	assert_ret(ocap_isolate(isolated_connect, &a, ns, &a.l, 1,
				OCAP_ENTER_STRICT | OCAP_ENTER_NO_EXEC |
					OCAP_ENTER_NO_FORK,
				&status),
		   0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 42);
	/* The caller is as it was. */
	assert_null(getenv(OCAP_ROOT_ENV));
	assert_int_equal(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
	ocap_ns_free(ns);
	close(a.l);
}

/* ---- an ocap-cc program the entered process runs ----------------------------- */

#ifdef OCAP_NET_PROBE
/* Run the probe (tests/overlay/test_net_probe) from fd with args, as
 * the entered process's child; with l >= 0, echo one line to whoever
 * connects there meanwhile.  Its line of output in out. */
static int run_probe(int fd, const char *what, const char *host,
		     uint16_t port, int l, char *out, size_t size)
{
	char ps[8];
	char *argv[] = { "test_net_probe", (char *)what, (char *)host, ps,
			 NULL };
	size_t got = 0;
	int p[2], st;
	ssize_t k;
	pid_t pid;

	snprintf(ps, sizeof ps, "%u", port);
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if ((pid = fork()) == 0) {
		dup2(p[1], STDOUT_FILENO);
		syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
		_exit(127);
	}
	close(p[1]);
	if (l >= 0 && wait_for(l, POLLIN) == 0) {
		char line[5];
		int a = accept4(l, NULL, NULL, SOCK_CLOEXEC);

		if (a >= 0 && read_n(a, line, 5) == 0)
			(void)!write(a, line, 5);
		if (a >= 0)
			close(a);
	}
	while (got + 1 < size && wait_for(p[0], POLLIN) == 0 &&
	       (k = read(p[0], out + got, size - 1 - got)) > 0)
		got += (size_t)k;
	out[got] = '\0';
	out[strcspn(out, "\n")] = '\0';
	close(p[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int overlay_child(void *arg)
{
	char dir[] = OCAP_NET_PROBE, out[256], want[64];
	int l = listener_on("127.0.0.1", 0), lb = listener_on("127.0.0.1", 0);
	uint16_t p = sa_port_of(l), pb = sa_port_of(lb);
	int fd = open(OCAP_NET_PROBE, O_PATH | O_CLOEXEC);
	ocap_ns *ns;
	ocap_cap *c;

	(void)arg;
	child_check(l >= 0 && lb >= 0 && fd >= 0, 1);
	child_check(ocap_ns_new(&ns), 0);
	c = cap_dir(dirname(dir), OCAP_RIGHTS_RX, "/probe");
	child_check(c != NULL && ocap_ns_mount(ns, c) == 0, 1);
	child_check(grant(ns, "--connect", "127.0.0.1", p), 0);
	child_check(grant(ns, "--connect", "localhost", p), 0);
	child_check(ocap_enter(ns, OCAP_ENTER_STRICT, NULL), 0);
	/* Its connect(2) and getaddrinfo(3) go to the same helper, through
	 * the root descriptor it inherited with $OCAP_ROOT. */
	child_check(run_probe(fd, "connect", "127.0.0.1", p, l, out,
			      sizeof out), 0);
	if (strcmp(out, "connected blocking echo=ping"))
		child_fail(__LINE__, out, 0, 0);
	child_check(run_probe(fd, "gai", "localhost", p, -1, out, sizeof out),
		    0);
	snprintf(want, sizeof want, " inet 127.0.0.1 %u", p);
	if (strncmp(out, "getaddrinfo:", 12) || !strstr(out, want))
		child_fail(__LINE__, out, 0, 0);
	child_check(run_probe(fd, "connect", "127.0.0.1", pb, -1, out,
			      sizeof out), 0);
	if (strcmp(out, "connect: EACCES"))
		child_fail(__LINE__, out, 0, 0);
	child_check(pending(lb), 0);
	return 0;
}
#endif

static void test_overlay(void **state)
{
	(void)state;
#ifdef OCAP_NET_PROBE
	if (access(OCAP_NET_PROBE, X_OK) == 0) {
		expect_status(overlay_child, NULL, 0);
		return;
	}
#endif
	print_message("skipped: no test_net_probe (ocap-cc) to run\n");
}

/* The cases that only enter in a child and check there. */
static const struct entering_case entering[] = {
	{ "connect", connect_child },
	{ "resolve", resolve_child },
	{ "listen", listen_child },
	{ "refusals", refusals_child },
	{ "a dropped right", dropped_child },
	{ "closing the root descriptor", hang_up_child },
};

static void test_entering(void **state)
{
	(void)state;
	run_entering(entering, sizeof entering / sizeof *entering);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grant),
		cmocka_unit_test(test_entering),
		cmocka_unit_test(test_low_port),
		cmocka_unit_test(test_unix),
		cmocka_unit_test(test_dies_with_process),
		cmocka_unit_test(test_isolate),
		cmocka_unit_test(test_overlay),
	};

	if (landlock_missing())
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
