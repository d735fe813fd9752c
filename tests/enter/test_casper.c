/* SPDX-License-Identifier: MIT */
/*
 * The network helper (launcher/linux/casper.c) through its own interface
 * (launcher/casper.h), without entering.  Started for a plan that
 * ocap__enter_net_plan() made, it confines itself; serves the plan's
 * grants and table over the root descriptor that $OCAP_ROOT names; holds
 * none of the process's descriptors, its stdio being /dev/null; takes no
 * signal but SIGKILL; is no child that wait(2) sees; and leaves when
 * nobody holds the root descriptor (test_enter_net.c checks that it
 * leaves with the process too).  Undone, it is gone with its descriptor
 * and $OCAP_ROOT; when it cannot start, nothing has changed.  Each case
 * runs in a forked child, which the helper belongs to.  Run as root and,
 * by a second CTest entry through setpriv(1), as uid 65534.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "casper.h"
#include "enter_test.h"

#define TIMEOUT_MS 5000

/* A TCP listener on 127.0.0.1, any free port, or -errno. */
static int listener(void)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_ip(&ss, "127.0.0.1", 0);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -errno;
	if (bind(s, (struct sockaddr *)&ss, len) < 0 || listen(s, 4) < 0) {
		int e = -errno;
		close(s);
		return e;
	}
	return s;
}

/* Whether fd becomes readable (or hung up) within ms. */
static bool ready_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* The wait status of pid, a child of any kind, once it has exited
 * (its pidfd says when), within TIMEOUT_MS; -1 when it has not. */
static int exited(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), st = -1;

	if (fd < 0)
		return -1;
	if (ready_within(fd, TIMEOUT_MS) &&
	    waitpid(pid, &st, WNOHANG | __WALL) != pid)
		st = -1;
	close(fd);
	return st;
}

/* A field of /proc/PID/status as written ("Seccomp:\t2" gives "2"),
 * in buf; NULL when absent. */
static const char *proc_field(pid_t pid, const char *name, char *buf,
			      size_t size)
{
	char path[64], line[256];
	size_t n = strlen(name);
	const char *v = NULL;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return NULL;
	while (!v && fgets(line, sizeof line, f))
		if (!strncmp(line, name, n) && line[n] == ':') {
			snprintf(buf, size, "%s", line + n + 1 +
				 strspn(line + n + 1, " \t"));
			buf[strcspn(buf, "\n")] = '\0';
			v = buf;
		}
	fclose(f);
	return v;
}

/* A report as ocap_enter() starts one, and the plan for ns in *p. */
static void net_plan(const ocap_ns *ns, struct ocap_enter_report *r,
		     ocap_plan **p)
{
	memset(r, 0, sizeof *r);
	r->root_fd = -1;
	child_check(ocap__enter_net_plan(ns, 0, r, p), 0);
	child_check(*p != NULL, 1);
}

static const struct ocap_enter_item *network_item(
	const struct ocap_enter_report *r)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (!strcmp(r->items[i].what, "network"))
			return &r->items[i];
	return NULL;
}

static int nothing_child(void *arg)
{
	struct ocap_enter_report r = { .root_fd = -1 };
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), st;

	(void)arg;
	child_check(ocap__casper_start(NULL, &r), 0);
	child_check(r.helper, 0);
	child_check(r.root_fd, -1);
	child_check(r.nitems, 0);
	child_check(getenv(OCAP_ROOT_ENV) == NULL, 1);
	child_check(sys_ret(waitpid(-1, &st, WNOHANG | __WALL)), -ECHILD);
	/* No helper: undoing closes nothing. */
	r.root_fd = fd;
	ocap__casper_undo(&r);
	child_check(fd_is_open(fd), 1);
	child_check(r.root_fd, fd);
	return 0;
}

static void test_nothing(void **state)
{
	(void)state;
	expect_status(nothing_child, NULL, 0);
}

static int serves_child(void *arg)
{
	const struct tmpdir *td = arg;
	struct ocap_enter_report r;
	const struct ocap_enter_item *it;
	int la = listener(), lb = listener(), q[2], out[2], st, c, a, fd;
	uint16_t pa = sa_port_of(la), pb = sa_port_of(lb);
	char want[256], name[64], buf[64], got[PATH_MAX];
	struct sockaddr_storage sa;
	const ocap_cap *cap;
	ocap_ns *ns, *table;
	socklen_t len;
	ocap_plan *p;
	pid_t helper;

	child_check(la >= 0 && lb >= 0, 1);
	child_check(ocap_ns_new(&ns), 0);
	snprintf(want, sizeof want, "127.0.0.1:%u", pa);
	child_check(ocap_enter_grant(ns, "--connect", want), 0);
	child_check(ns_mount_host(ns, td->path, ".", OCAP_RIGHTS_RO, "/data")
			    >= 0, 1);
	net_plan(ns, &r, &p);
	/* Held by the process, close-on-exec or not: the helper must not
	 * keep them, stdout among them. */
	child_check(pipe(q), 0);
	child_check(pipe(out), 0);
	child_check(dup2(out[1], STDOUT_FILENO), STDOUT_FILENO);
	close(out[1]);

	child_check(ocap__casper_start(p, &r), 0);
	ocap_plan_free(p);
	helper = r.helper;
	child_check(helper > 0, 1);
	child_check(r.root_fd >= 0, 1);
	/* $OCAP_ROOT names the root descriptor, kept across exec. */
	snprintf(buf, sizeof buf, "%d", r.root_fd);
	child_check(getenv(OCAP_ROOT_ENV) != NULL, 1);
	child_check(strcmp(getenv(OCAP_ROOT_ENV), buf), 0);
	child_check(fd_cloexec(r.root_fd), 0);
	snprintf(want, sizeof want, "helper %d, confined, serves $%s=%d: "
		 "tcp:127.0.0.1:%u", (int)helper, OCAP_ROOT_ENV, r.root_fd, pa);
	it = network_item(&r);
	child_check(it != NULL, 1);
	child_check(it->enforced, 1);
	if (strcmp(it->how, want))
		fprintf(stderr, "how: \"%s\"\nwant: \"%s\"\n", it->how, want);
	child_check(strcmp(it->how, want), 0);
	/* No exit signal: wait(2) for any child does not see it. */
	child_check(sys_ret(waitpid(-1, &st, WNOHANG)), -ECHILD);

	/* Confined: no_new_privs, a seccomp filter, no capability. */
	child_check(proc_field(helper, "NoNewPrivs", buf, sizeof buf) != NULL,
		    1);
	child_check(strcmp(buf, "1"), 0);
	child_check(proc_field(helper, "Seccomp", buf, sizeof buf) != NULL, 1);
	child_check(strcmp(buf, "2"), 0);
	child_check(proc_field(helper, "CapEff", buf, sizeof buf) != NULL, 1);
	child_check(strtoull(buf, NULL, 16), 0);
	/* Its stdio is /dev/null; the process's pipes end when the process
	 * closes its own ends. */
	snprintf(name, sizeof name, "/proc/%d/fd/1", (int)helper);
	child_check(readlink(name, got, sizeof got - 1), strlen("/dev/null"));
	child_check(strncmp(got, "/dev/null", 9), 0);
	close(q[1]);
	child_check(dup2(q[0], STDOUT_FILENO), STDOUT_FILENO);
	child_check(ready_within(q[0], TIMEOUT_MS), 1);
	child_check(read(q[0], buf, 1), 0);
	child_check(ready_within(out[0], TIMEOUT_MS), 1);
	child_check(read(out[0], buf, 1), 0);
	/* Signals but SIGKILL are blocked. */
	child_check(kill(helper, SIGTERM), 0);
	child_check(kill(helper, SIGINT), 0);
	child_check(kill(helper, SIGHUP), 0);
	usleep(100000);
	child_check(waitpid(helper, &st, WNOHANG | __WALL), 0);

	/* It serves the grant, and nothing else. */
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	child_check(c >= 0, 1);
	len = sa_ip(&sa, "127.0.0.1", pa);
	child_check(ocap_connect(c, (struct sockaddr *)&sa, len), 0);
	child_check(ready_within(la, TIMEOUT_MS), 1);
	a = accept4(la, NULL, NULL, SOCK_CLOEXEC);
	child_check(a >= 0, 1);
	child_check(write(c, "ping", 4), 4);
	child_check(ready_within(a, TIMEOUT_MS), 1);
	child_check(read(a, buf, sizeof buf), 4);
	child_check(memcmp(buf, "ping", 4), 0);
	close(a);
	close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	child_check(c >= 0, 1);
	len = sa_ip(&sa, "127.0.0.1", pb);
	child_check(ocap_connect(c, (struct sockaddr *)&sa, len), -EACCES);
	close(c);
	child_check(ready_within(lb, 0), 0);
	/* And the table: the endpoint, and the directory through the
	 * helper's own descriptor. */
	child_check(ocap_root(&table), 0);
	snprintf(name, sizeof name, "tcp:127.0.0.1:%u", pa);
	cap = ocap_ns_find(table, name);
	child_check(cap != NULL, 1);
	child_check(ocap_cap_kind(cap), OCAP_KIND_ENDPOINT);
	cap = ocap_ns_find(table, "/data");
	child_check(cap != NULL, 1);
	child_check(ocap_cap_kind(cap), OCAP_KIND_DIR);
	child_check(ocap_cap_rights(cap), OCAP_RIGHTS_RO);
	fd = ocap_openat(cap, "f", O_RDONLY, 0);
	child_check(fd >= 0, 1);
	child_check(fd_read_all(fd, buf, sizeof buf), 6);
	child_check(strcmp(buf, "hello\n"), 0);
	close(fd);

	/* Undone: gone, with its descriptor and $OCAP_ROOT. */
	fd = r.root_fd;
	ocap__casper_undo(&r);
	child_check(r.helper, 0);
	child_check(r.root_fd, -1);
	child_check(getenv(OCAP_ROOT_ENV) == NULL, 1);
	child_check(fd_is_open(fd), 0);
	child_check(sys_ret(waitpid(helper, &st, WNOHANG | __WALL)), -ECHILD);
	child_check(sys_ret(kill(helper, 0)), -ESRCH);
	/* Twice: nothing more. */
	ocap__casper_undo(&r);
	child_check(r.root_fd, -1);
	return 0;
}

static void test_serves(void **state)
{
	struct tmpdir *td = *state;

	assert_ret(tree_write(td->path, "f", "hello\n"), 0);
	expect_status(serves_child, td, 0);
}

/* Nobody holds the root descriptor: it leaves by itself, exit 0, and no
 * SIGCHLD says so. */
static int hang_up_child(void *arg)
{
	struct ocap_enter_report r;
	sigset_t chld, pending;
	ocap_plan *p;
	ocap_ns *ns;
	int st;

	(void)arg;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	child_check(sigprocmask(SIG_BLOCK, &chld, NULL), 0);
	child_check(ocap_ns_new(&ns), 0);
	child_check(ocap_enter_grant(ns, "--connect", "127.0.0.1:9"), 0);
	net_plan(ns, &r, &p);
	child_check(ocap__casper_start(p, &r), 0);
	ocap_plan_free(p);
	child_check(close(r.root_fd), 0);
	st = exited(r.helper);
	child_check(st != -1, 1);
	child_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	child_check(sigpending(&pending), 0);
	child_check(sigismember(&pending, SIGCHLD), 0);
	return 0;
}

static void test_hang_up(void **state)
{
	(void)state;
	expect_status(hang_up_child, NULL, 0);
}

/* The highest descriptor open. */
static int highest_fd(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int hi = -1;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) > hi)
			hi = atoi(e->d_name);
	closedir(d);
	return hi; /* the directory's own, closed now, counts: no harm */
}

/* Room for the socket pair and the pipe, and for nothing the helper
 * opens (its pidfd, /dev/null): it says EMFILE and goes. */
static int fails_child(void *arg)
{
	struct ocap_enter_report r;
	const struct ocap_enter_item *it;
	struct rlimit old, lim;
	int null = open("/dev/null", O_RDONLY), top, st, err;
	char want[128];
	ocap_plan *p;
	ocap_ns *ns;

	(void)arg;
	child_check(null >= 0, 1);
	child_check(ocap_ns_new(&ns), 0);
	child_check(ocap_enter_grant(ns, "--connect", "127.0.0.1:9"), 0);
	net_plan(ns, &r, &p);
	top = highest_fd() + 1;
	for (int fd = 0; fd < top; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			child_check(dup2(null, fd), fd);
	child_check(getrlimit(RLIMIT_NOFILE, &old), 0);
	lim = (struct rlimit){ (rlim_t)top + 4, old.rlim_max };
	child_check(setrlimit(RLIMIT_NOFILE, &lim), 0);
	err = ocap__casper_start(p, &r);
	child_check(setrlimit(RLIMIT_NOFILE, &old), 0);
	child_check(err, -EMFILE);
	/* Nothing has changed, and the report says why. */
	child_check(r.helper, 0);
	child_check(r.root_fd, -1);
	child_check(getenv(OCAP_ROOT_ENV) == NULL, 1);
	for (int fd = top; fd < top + 4; fd++)
		child_check(fd_is_open(fd), 0);
	child_check(sys_ret(waitpid(-1, &st, WNOHANG | __WALL)), -ECHILD);
	child_check(report_has(&r, "network", 0), 1);
	child_check(r.nunenforced, 1);
	it = &r.items[r.nitems - 1];
	snprintf(want, sizeof want, "the helper could not start: %s",
		 strerror(EMFILE));
	child_check(strcmp(it->what, "network"), 0);
	child_check(strcmp(it->how, want), 0);
	ocap_plan_free(p);
	return 0;
}

static void test_cannot_start(void **state)
{
	(void)state;
	expect_status(fails_child, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing),
		cmocka_unit_test_setup_teardown(test_serves, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test(test_hang_up),
		cmocka_unit_test(test_cannot_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
