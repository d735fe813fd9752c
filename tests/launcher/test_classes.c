/* SPDX-License-Identifier: MIT */
/*
 * The classes of calls ocap_enter() can drop (launcher/linux/classes.c)
 * on their own: the filters gen-seccomp compiled, one per class, are
 * loaded by ocap__enter_classes_load() in a child, with nothing else
 * around them, and the kernel's answers say
 * what it refuses (EPERM) and what it leaves (threads, AF_UNIX, opening
 * what exists, removing).  How they are loaded, and the report of each,
 * are launcher/test_classes_load.c's; tests/enter/test_enter.c has the
 * classes as ocap_enter() applies them, with Landlock and the native
 * program.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <ocap/enter.h>

#include "classes.h"
#include "support.h"

#ifndef __O_TMPFILE
#define __O_TMPFILE 020000000
#endif

static struct tmpdir td;

/* ---- probes: 0 when the kernel did it, or -errno -------------------------- */

static long done(long r)
{
	return r < 0 ? -errno : 0;
}

static long p_execveat(void)
{
	char *const argv[] = { "/bin/true", NULL };

	return done(syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, NULL,
			    0));
}

static long p_fork(void)
{
	long pid = syscall(SYS_fork);

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -errno;
	waitpid((pid_t)pid, NULL, 0);
	return 0;
}

static long sock(long family, int type)
{
	return try_closed(syscall(SYS_socket, family, type, 0));
}

static long p_inet(void) { return sock(AF_INET, SOCK_STREAM); }
static long p_inet6(void) { return sock(AF_INET6, SOCK_DGRAM); }
static long p_unix(void) { return sock(AF_UNIX, SOCK_STREAM); }
/* The family's high word set: the kernel reads an int, and so must the
 * filter. */
static long p_inet_high(void)
{
	return sock((1L << 32) | AF_INET, SOCK_STREAM);
}

static char *in_td(const char *rel)
{
	static char buf[PATH_MAX];

	tree_join(buf, sizeof buf, td.path, rel);
	return buf;
}

static long p_open(void) { return try_closed(open(in_td("f"), O_RDONLY)); }
static long p_creat_open(void)
{
	return try_closed(open(in_td("new"), O_WRONLY | O_CREAT, 0600));
}
static long p_creat_openat(void)
{
	return try_closed(openat(AT_FDCWD, in_td("new2"),
				   O_WRONLY | O_CREAT, 0600));
}
static long p_tmpfile(void)
{
	return try_closed(open(td.path, O_WRONLY | O_TMPFILE, 0600));
}
static long p_creat(void) { return try_closed(creat(in_td("new3"), 0600)); }
static long p_mkdir(void) { return done(mkdir(in_td("d"), 0700)); }
static long p_mknod(void)
{
	return done(mknod(in_td("fifo"), S_IFIFO | 0600, 0));
}
static long p_symlink(void) { return done(symlink("f", in_td("l"))); }
static long p_link(void) { return done(link(in_td("f"), in_td("h"))); }
static long p_rename(void) { return done(rename(in_td("g"), in_td("g2"))); }
static long p_unlink(void) { return done(unlink(in_td("u"))); }

static const struct cl_case {
	const char *name;
	long (*probe)(void);
	unsigned flag; /* the class that refuses it; 0: none does */
} cases[] = {
	{ "execve", try_exec, OCAP_ENTER_NO_EXEC },
	{ "execveat", p_execveat, OCAP_ENTER_NO_EXEC },
	{ "fork", p_fork, OCAP_ENTER_NO_FORK },
	{ "clone without CLONE_THREAD", try_process, OCAP_ENTER_NO_FORK },
	{ "a thread", try_thread, 0 },
	{ "socket(AF_INET)", p_inet, OCAP_ENTER_NO_NET },
	{ "socket(AF_INET6)", p_inet6, OCAP_ENTER_NO_NET },
	{ "socket(AF_INET), high word set", p_inet_high, OCAP_ENTER_NO_NET },
	{ "socket(AF_UNIX)", p_unix, 0 },
	{ "open, existing", p_open, 0 },
	{ "open(O_CREAT)", p_creat_open, OCAP_ENTER_NO_CREATE },
	{ "openat(O_CREAT)", p_creat_openat, OCAP_ENTER_NO_CREATE },
	{ "open(O_TMPFILE)", p_tmpfile, OCAP_ENTER_NO_CREATE },
	{ "creat", p_creat, OCAP_ENTER_NO_CREATE },
	{ "mkdir", p_mkdir, OCAP_ENTER_NO_CREATE },
	{ "mknod", p_mknod, OCAP_ENTER_NO_CREATE },
	{ "symlink", p_symlink, OCAP_ENTER_NO_CREATE },
	{ "link", p_link, OCAP_ENTER_NO_CREATE },
	{ "rename", p_rename, OCAP_ENTER_NO_CREATE },
	{ "unlink", p_unlink, 0 },
};

#define NCASES (sizeof cases / sizeof *cases)

/* In a child: the filters of flags' classes, then the probe; exit 0 when
 * the kernel answered as flags say. */
struct run {
	unsigned flags;
	const struct cl_case *c;
};

static int probe_child(void *arg)
{
	const struct run *r = arg;
	long got;

	child_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	child_check(ocap__enter_classes_load(r->flags), 0);
	got = r->c->probe();
	if ((r->flags & r->c->flag) ? got != -EPERM : got == -EPERM) {
		fprintf(stderr, "%s under 0x%x: %s\n", r->c->name, r->flags,
			ret_name(got));
		return 1;
	}
	return 0;
}

static int fresh_tree(void)
{
	static const char *const names[] = { "new", "new2", "new3", "d",
					     "fifo", "l", "h", "g2" };

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char *p = in_td(names[i]);

		if (unlink(p) < 0 && errno != ENOENT && rmdir(p) < 0)
			return -errno;
	}
	if (tree_write(td.path, "g", "g") < 0 || tree_write(td.path, "u", "u") < 0)
		return -1;
	return 0;
}

/* Each probe under no class (the filter then allows everything), its own
 * class alone, and every class but its own. */
static void test_each(void **state)
{
	const unsigned all = OCAP_ENTER_NO_EXEC | OCAP_ENTER_NO_FORK |
			     OCAP_ENTER_NO_NET | OCAP_ENTER_NO_CREATE;
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		unsigned sets[3] = { 0, cases[i].flag, all & ~cases[i].flag };

		for (size_t k = 0; k < 3; k++) {
			struct run r = { sets[k], &cases[i] };

			if (k == 1 && !cases[i].flag)
				continue;
			assert_ret(fresh_tree(), 0);
			failures += run_in_child(probe_child, &r) != 0;
		}
	}
	assert_int_equal(failures, 0);
}

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(&td) || tree_write(td.path, "f", "f") ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(td.path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
