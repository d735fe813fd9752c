/* SPDX-License-Identifier: MIT */
/*
 * Loading ocap_enter()'s class filters and reporting them
 * (launcher/linux/classes_load.c), against the real kernel: each class's
 * prebuilt filter is loaded in a forked child, alone and with the
 * others, and one call of every class is tried there; the kernel's
 * status file counts the filters.  Loading is per thread, needs
 * no_new_privs (or CAP_SYS_ADMIN), and stops at the first filter the
 * kernel refuses.  What each class refuses call by call is
 * launcher/test_classes.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include <ocap/enter.h>

#include "classes.h"
#include "support.h"

#define ALL_CLASSES                                                         \
	(OCAP_ENTER_NO_EXEC | OCAP_ENTER_NO_FORK | OCAP_ENTER_NO_NET |      \
	 OCAP_ENTER_NO_CREATE)

static const struct tmpdir *td; /* the group's, for the calls */

/* ---- one call of each class, and calls of none: 0 or -errno --------------- */

static long p_net(void)
{
	return try_closed(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
}

static long p_create(void)
{
	char path[PATH_MAX];
	long r;

	tree_join(path, sizeof path, td->path, "made");
	r = try_closed(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	unlink(path);
	return r;
}

static long p_local(void)
{
	return try_closed(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
}

static long p_existing(void)
{
	return try_closed(open(td->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

/* Exec last: when it is allowed, /bin/true ends the child with 0. */
static const struct {
	unsigned flag; /* 0: no class refuses it */
	long (*probe)(void);
} calls[] = {
	{ OCAP_ENTER_NO_FORK, try_process }, { OCAP_ENTER_NO_NET, p_net },
	{ OCAP_ENTER_NO_CREATE, p_create },  { 0, try_thread },
	{ 0, p_local },			     { 0, p_existing },
	{ OCAP_ENTER_NO_EXEC, try_exec },
};

#define NCALLS (sizeof calls / sizeof *calls)

/* "Seccomp_filters" of /proc/self/status (Linux 5.9), or with no such
 * line 1 when a filter is on ("Seccomp: 2"), 0 when none. */
static int filters_loaded(void)
{
	char buf[4096], *p;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fd_read_all(fd, buf, sizeof buf) < 0)
		return -1;
	close(fd);
	if ((p = strstr(buf, "Seccomp_filters:")))
		return atoi(p + 16);
	return (p = strstr(buf, "Seccomp:")) && atoi(p + 8) == 2;
}

static bool has_filter_count(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	bool found = fd >= 0 && fd_read_all(fd, buf, sizeof buf) >= 0 &&
		   strstr(buf, "Seccomp_filters:");

	if (fd >= 0)
		close(fd);
	return found;
}

/* The filters of flags' classes, one each, then every call: refused
 * (EPERM) exactly when its class is among flags. */
static int load_child(void *arg)
{
	unsigned flags = *(const unsigned *)arg;
	int n = __builtin_popcount(flags & ALL_CLASSES);

	child_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	child_check(ocap__enter_classes_load(flags), 0);
	child_check(filters_loaded(), has_filter_count() ? n : n > 0);
	for (size_t i = 0; i < NCALLS; i++) {
		long got = calls[i].probe();

		if ((flags & calls[i].flag) ? got != -EPERM : got != 0) {
			fprintf(stderr, "call %zu under 0x%x: %s\n", i, flags,
				ret_name(got));
			return 1;
		}
	}
	return 0;
}

static void test_each_class(void **state)
{
	static const unsigned sets[] = {
		OCAP_ENTER_NO_EXEC, OCAP_ENTER_NO_FORK, OCAP_ENTER_NO_NET,
		OCAP_ENTER_NO_CREATE, OCAP_ENTER_NO_EXEC | OCAP_ENTER_NO_NET,
		ALL_CLASSES, ALL_CLASSES | OCAP_ENTER_STRICT,
		/* no class: nothing loaded, nothing refused */
		0, OCAP_ENTER_STRICT, OCAP_ENTER_BEST_EFFORT,
		~(unsigned)OCAP_ENTER_FLAGS,
	};

	td = *state;
	for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
		unsigned flags = sets[i];

		if (run_in_child(load_child, &flags) != 0)
			fail_msg("flags 0x%x", flags);
	}
}

/* Only the calling thread is filtered: a thread that was there before
 * keeps the call, one started after inherits the filter. */
static void *net_after(void *arg)
{
	int *go = arg;
	char c;

	if (read(go[0], &c, 1) != 1)
		return (void *)-1L;
	return (void *)p_net();
}

static void *net_now(void *arg)
{
	(void)arg;
	return (void *)p_net();
}

static int thread_child(void *arg)
{
	pthread_t before, after;
	int go[2];
	void *r;

	(void)arg;
	child_check(pipe(go), 0);
	child_check(pthread_create(&before, NULL, net_after, go), 0);
	child_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	child_check(ocap__enter_classes_load(OCAP_ENTER_NO_NET), 0);
	child_check(p_net(), -EPERM);
	child_check(write(go[1], "", 1), 1);
	child_check(pthread_join(before, &r), 0);
	child_check((long)r, 0);
	child_check(pthread_create(&after, NULL, net_now, NULL), 0);
	child_check(pthread_join(after, &r), 0);
	child_check((long)r, -EPERM);
	return 0;
}

static void test_thread(void **state)
{
	(void)state;
	assert_int_equal(run_in_child(thread_child, NULL), 0);
}

/* Without no_new_privs or CAP_SYS_ADMIN the kernel loads nothing. */
static int nnp_child(void *arg)
{
	(void)arg;
	if (geteuid() == 0) {
		child_check(setresgid(65534, 65534, 65534), 0);
		child_check(setresuid(65534, 65534, 65534), 0);
	}
	child_check(ocap__enter_classes_load(OCAP_ENTER_NO_NET), -EACCES);
	child_check(filters_loaded(), 0);
	child_check(p_net(), 0);
	return 0;
}

static void test_no_new_privs(void **state)
{
	(void)state;
	assert_int_equal(run_in_child(nnp_child, NULL), 0);
}

/* The kernel refuses a filter once a thread's filters hold 32768
 * instructions (as it translated them, each filter 4 more).  Filled
 * until the exec class's filter is the last that fits, a load of the
 * exec and fork classes loads the first, is refused the second, and
 * stops there with ENOMEM. */
static int allow_filter(unsigned n)
{
	static struct sock_filter f[BPF_MAXINSNS];
	struct sock_fprog prog = { (unsigned short)n, f + BPF_MAXINSNS - n };

	for (size_t i = 0; i < BPF_MAXINSNS - 1; i++)
		f[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						    0);
	f[BPF_MAXINSNS - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
							   SECCOMP_RET_ALLOW);
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0
		       ? -errno
		       : 0;
}

/* Whether a filter of n more would leave room for the exec class's,
 * tried in a grandchild. */
static bool room_after(unsigned n)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(allow_filter(n) == 0 &&
			      ocap__enter_classes_load(OCAP_ENTER_NO_EXEC) == 0
		      ? 0
		      : 1);
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

static int full_child(void *arg)
{
	(void)arg;
	child_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	for (unsigned n = BPF_MAXINSNS; n >= 1; n /= 2)
		while (room_after(n))
			child_check(allow_filter(n), 0);
	child_check(ocap__enter_classes_load(OCAP_ENTER_NO_EXEC |
					     OCAP_ENTER_NO_FORK),
		    -ENOMEM);
	child_check(try_process(), 0);
	child_check(try_exec(), -EPERM);
	return 0;
}

static void test_full(void **state)
{
	(void)state;
	assert_int_equal(run_in_child(full_child, NULL), 0);
}

/* ---- the report ------------------------------------------------------------ */

static bool has(const struct ocap_enter_report *r, const char *what,
		int enforced, const char *how)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (!strcmp(r->items[i].what, what) &&
		    r->items[i].enforced == enforced &&
		    strstr(r->items[i].how, how))
			return true;
	return false;
}

static void test_report(void **state)
{
	struct ocap_enter_report r;

	(void)state;
	memset(&r, 0, sizeof r);
	ocap__enter_classes_report(OCAP_ENTER_NO_EXEC | OCAP_ENTER_NO_NET, true,
				   1, &r);
	assert_int_equal(r.nitems, 2);
	assert_int_equal(r.nunenforced, 0);
	assert_true(has(&r, "no-exec", 1, "execve, execveat: EPERM"));
	assert_true(has(&r, "no-net", 1, "AF_UNIX stays"));
	/* no seccomp: nothing a class drops is enforced */
	memset(&r, 0, sizeof r);
	ocap__enter_classes_report(OCAP_ENTER_NO_FORK | OCAP_ENTER_NO_CREATE,
				   false, 3, &r);
	assert_int_equal(r.nitems, 2);
	assert_int_equal(r.nunenforced, 2);
	assert_true(has(&r, "no-fork", 0, "seccomp filters cannot be loaded"));
	assert_true(has(&r, "no-create", 0, "seccomp filters cannot be loaded"));
	/* openat2's flags are Landlock's to refuse */
	memset(&r, 0, sizeof r);
	ocap__enter_classes_report(OCAP_ENTER_NO_CREATE, true, 0, &r);
	assert_int_equal(r.nunenforced, 1);
	assert_true(has(&r, "no-create", 0, "openat2 may still create"));
	memset(&r, 0, sizeof r);
	ocap__enter_classes_report(OCAP_ENTER_NO_CREATE, true, 1, &r);
	assert_int_equal(r.nunenforced, 0);
	assert_true(has(&r, "no-create", 1, "by Landlock"));
	/* no class, or none but unknown bits: no item */
	memset(&r, 0, sizeof r);
	ocap__enter_classes_report(OCAP_ENTER_STRICT, true, 1, &r);
	ocap__enter_classes_report(~(unsigned)OCAP_ENTER_FLAGS, true, 1, &r);
	assert_int_equal(r.nitems, 0);
}

/* One item a class, in the classes' order, after what the report held;
 * without Landlock only no-create loses something. */
static void test_report_all(void **state)
{
	static const char *const order[] = { "no-exec", "no-fork", "no-net",
					      "no-create" };
	struct ocap_enter_report r;

	(void)state;
	memset(&r, 0, sizeof r);
	ocap__enter_classes_report(OCAP_ENTER_NO_NET, true, 1, &r);
	ocap__enter_classes_report(ALL_CLASSES | OCAP_ENTER_BEST_EFFORT, true,
				   0, &r);
	assert_int_equal(r.nitems, 5);
	assert_int_equal(r.nunenforced, 1);
	assert_string_equal(r.items[0].what, "no-net");
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(r.items[i + 1].what, order[i]);
		assert_int_equal(r.items[i + 1].enforced, i != 3);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_class),
		cmocka_unit_test(test_thread),
		cmocka_unit_test(test_no_new_privs),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_report_all),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
