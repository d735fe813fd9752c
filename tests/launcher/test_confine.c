/* SPDX-License-Identifier: MIT */
/*
 * The broker's confinement (launcher/linux/confine.c, broker_sc.c), applied
 * in a forked child against the real kernel: what the grants give stays
 * reachable, the rest does not, and the child holds no capability and
 * makes no process, exec or stray signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/capability.h>

#include "compile.h"
#include "sandbox.h"

#define SKIP 77

struct world {
	char dir[64];      /* granted read-write */
	char outside[64];  /* not granted */
	int granted_port;  /* --connect 127.0.0.1:PORT, nobody listening */
	int other_port;    /* a port nobody granted */
	ocap_plan *p;
};

static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
	close(s);
	return ntohs(a.sin_port);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	char value[64];
	int fd;

	if (ocap__ll_abi() < 4) {
		fprintf(stderr, "SKIP: Landlock ABI 4 (TCP rules) is needed\n");
		exit(SKIP);
	}
	assert_non_null(w);
	strcpy(w->dir, "/tmp/ocap-confine.XXXXXX");
	strcpy(w->outside, "/tmp/ocap-outside.XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	assert_non_null(mkdtemp(w->outside));
	w->granted_port = free_port();
	do
		w->other_port = free_port();
	while (w->other_port == w->granted_port);
	assert_int_equal(ocap_plan_new(&w->p), 0);
	assert_int_equal(ocap_plan_option(w->p, "--rw", w->dir, "test", NULL),
			 0);
	snprintf(value, sizeof value, "127.0.0.1:%d", w->granted_port);
	assert_int_equal(ocap_plan_option(w->p, "--connect", value, "test",
					  NULL), 0);
	/* ocap_launch() opens the grants; here, by hand. */
	assert_int_equal(w->p->npaths, 1);
	w->p->paths[0].fd = open(w->dir, O_PATH | O_CLOEXEC);
	assert_true(w->p->paths[0].fd >= 0);
	fd = open(w->dir, O_DIRECTORY);
	assert_int_equal(mkdirat(fd, "sub", 0755), 0);
	close(fd);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	char cmd[256];

	snprintf(cmd, sizeof cmd, "rm -rf %s %s", w->dir, w->outside);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", cmd);
	ocap_plan_free(w->p);
	free(w);
	return 0;
}

/* Run fn in a child confined as the broker confines itself; its exit
 * status is the number of the first check that failed, 0 if none. */
static void confined(struct world *w, int (*fn)(struct world *))
{
	int st;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		/* the plan's grants, opened by hand, as the broker's */
		struct ocap_compiled c = { .plan = w->p,
					   .paths = w->p->paths,
					   .npaths = w->p->npaths };
		if (ocap__be_confine_broker_fs(&c) < 0)
			_exit(100);
		if (ocap__be_confine_broker(&c) < 0)
			_exit(101);
		_exit(fn(w));
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st))
		fail_msg("the confined child died of signal %d", WTERMSIG(st));
	if (WEXITSTATUS(st))
		fail_msg("check %d failed in the confined child",
			 WEXITSTATUS(st));
}

static int err_of(long r)
{
	return r < 0 ? errno : 0;
}

/* Whether a call that makes a descriptor failed with err (one that
 * worked is closed). */
static bool refused(int fd, int err)
{
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == err;
}

static int tcp_to(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), e;

	if (s < 0)
		return errno;
	e = err_of(connect(s, (struct sockaddr *)&a, sizeof a));
	close(s);
	return e;
}

static int files(struct world *w)
{
	char path[128];
	int fd;

	snprintf(path, sizeof path, "%s/made", w->dir);
	if ((fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) < 0)
		return 1;
	close(fd);
	if (chmod(path, 0600) < 0) /* the supervisor's metadata calls */
		return 2;
	snprintf(path, sizeof path, "%s/made", w->outside);
	if (!refused(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644), EACCES))
		return 3;
	if (!refused(open("/etc/hostname", O_RDONLY | O_CLOEXEC), EACCES))
		return 4;
	if ((fd = open("/etc/hosts", O_RDONLY | O_CLOEXEC)) < 0)
		return 5; /* what a name lookup reads */
	close(fd);
	if ((fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)) < 0)
		return 6;
	close(fd);
	if (!refused(open("/etc/hosts", O_WRONLY | O_CLOEXEC), EACCES))
		return 7;
	return 0;
}

static void test_files(void **state)
{
	confined(*state, files);
}

static int network(struct world *w)
{
	/* Landlock lets the granted port through (nobody listens there)
	 * and refuses any other. */
	if (tcp_to(w->granted_port) != ECONNREFUSED)
		return 1;
	if (tcp_to(w->other_port) != EACCES)
		return 2;
	if (!refused(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0), EPERM))
		return 3;
	return 0;
}

static void test_network(void **state)
{
	confined(*state, network);
}

static void *thread_main(void *arg)
{
	return arg;
}

/* The bounding set as a mask, up to the last capability this kernel
 * knows (its first EINVAL): the broker must empty it to that one. */
static uint64_t bounding(void)
{
	uint64_t set = 0;
	int r;

	for (int cap = 0;
	     cap < 64 && (r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0)) >= 0; cap++)
		if (r > 0)
			set |= 1ull << cap;
	return set;
}

static int calls(struct world *w)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	char *const argv[] = { "/bin/true", NULL };
	char c = 'x';
	pthread_t th;
	void *ret;

	(void)w;
	if (pthread_create(&th, NULL, thread_main, &c) != 0 ||
	    pthread_join(th, &ret) != 0 || ret != &c)
		return 1; /* threads work */
	if (syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0) >= 0 || errno != EPERM)
		return 2; /* a process does not */
	if (execve("/bin/true", argv, NULL) >= 0 || errno != EPERM)
		return 3;
	if (kill(-1, 0) >= 0 || errno != EPERM)
		return 4; /* kill(2) at all: signals go through pidfds */
	if (ioctl(STDERR_FILENO, TIOCSTI, &c) >= 0 || errno != EPERM)
		return 5;
	if (syscall(SYS_capget, &h, d) < 0 || d[0].effective ||
	    d[0].permitted || d[1].effective || d[1].permitted)
		return 6;
	if (geteuid() == 0 && bounding() != 0)
		return 7; /* root had every capability in its bounding set */
	if (!prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0))
		return 8;
	if (syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0) >= 0 ||
	    errno != EPERM)
		return 9;
	if (unshare(CLONE_NEWUSER) >= 0 || errno != EPERM)
		return 10;
	return 0;
}

static void test_calls(void **state)
{
	confined(*state, calls);
}

/* A --listen grant below 1024 keeps CAP_NET_BIND_SERVICE, and only it. */
static int bind_cap(struct world *w)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	(void)w;
	if (syscall(SYS_capget, &h, d) < 0)
		return 1;
	if (d[0].effective != (1u << CAP_NET_BIND_SERVICE) || d[1].effective)
		return 2;
	if (bounding() != 1ull << CAP_NET_BIND_SERVICE)
		return 3;
	return 0;
}

static void test_low_listen(void **state)
{
	struct world *w = *state;
	ocap_plan *p = w->p;

	if (geteuid() != 0) {
		print_message("not root: nothing to keep\n");
		return;
	}
	assert_int_equal(ocap_plan_option(p, "--listen", "127.0.0.1:80",
					  "test", NULL), 0);
	confined(w, bind_cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_low_listen),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
