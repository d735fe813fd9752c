/* SPDX-License-Identifier: MIT */
/*
 * The confinement check of the ported programs, linked into them with
 * -Wl,--wrap=ocap_enter: it runs inside the real program, right where the
 * port enters, and is not part of the port.
 *
 * With neither variable below set it only passes the call on.
 *
 * OCAP_PORT_PROBE=DIR, a directory holding a file "canary" that the
 * user may read and write: before entering, check that it can (or the
 * check proves nothing) and hold a descriptor of DIR, as a careless port
 * might; after entering, try to reach the canary and what the class
 * flags take away, one line on stderr a try, then a summary:
 *
 *	ocap-probe: refused: open the canary for reading (EPERM)
 *	ocap-probe: 9 tries, 9 refused, 0 escaped; not enforced: none
 *
 * The program then goes on as it would have.
 *
 * OCAP_PORT_LOG_FD=N: once entered, write "NAME entered" to descriptor
 * N, so that a test suite's run can count how often the port entered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ocap/enter.h>

#include "errname.h"

#define TAG "ocap-probe: "

struct ctx {
	char canary[4096];
	char beside[4096]; /* a new file next to the canary */
	const char *dir;
	int held;          /* DIR, opened before entering */
};

int __real_ocap_enter(const ocap_ns *ns, unsigned flags,
		      struct ocap_enter_report *report);
int __wrap_ocap_enter(const ocap_ns *ns, unsigned flags,
		      struct ocap_enter_report *report);

/* Each try returns 0 when the operation succeeded, else -errno. */
static int ret_fd(int fd)
{
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int read_canary(const struct ctx *c)
{
	return ret_fd(open(c->canary, O_RDONLY | O_CLOEXEC));
}

static int truncate_canary(const struct ctx *c)
{
	return ret_fd(open(c->canary, O_WRONLY | O_TRUNC | O_CLOEXEC));
}

static int open_dir(const struct ctx *c)
{
	return ret_fd(open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

static int create_beside(const struct ctx *c)
{
	return ret_fd(open(c->beside, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			   0600));
}

static int held_dir(const struct ctx *c)
{
	return ret_fd(openat(c->held, "canary", O_RDONLY | O_CLOEXEC));
}

static int do_fork(const struct ctx *c)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return 0;
}

static int do_exec(const struct ctx *c)
{
	char *argv[] = { "true", NULL };

	/* Succeeding replaces the program: its summary line never comes. */
	execve("/bin/true", argv, environ);
	return -errno;
}

static int inet_socket(const struct ctx *c)
{
	return ret_fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
}

static int hold_caps(const struct ctx *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	return d[0].effective || d[1].effective || d[0].permitted ||
	       d[1].permitted ? 0 : -EPERM;
}

static const struct {
	const char *what;
	int (*fn)(const struct ctx *);
} tries[] = {
	{ "open the canary for reading", read_canary },
	{ "open the canary for writing, truncating it", truncate_canary },
	{ "open the canary's directory", open_dir },
	{ "create a file beside the canary", create_beside },
	{ "openat the canary beneath a directory descriptor held from "
	  "before", held_dir },
	{ "hold a Linux capability", hold_caps },
	{ "fork", do_fork },
	{ "execve /bin/true", do_exec },
	{ "open an AF_INET socket", inet_socket },
};

/* Before entering: the canary must be within the user's reach, or its
 * refusal afterwards would prove nothing. */
static int prepare(struct ctx *c, const char *dir)
{
	c->dir = dir;
	snprintf(c->canary, sizeof c->canary, "%s/canary", dir);
	snprintf(c->beside, sizeof c->beside, "%s/probe-created", dir);
	if (access(c->canary, R_OK | W_OK) < 0) {
		fprintf(stderr, TAG "inconclusive: %s: not readable and "
			"writable before entering (%s)\n", c->canary,
			errname(errno));
		return -1;
	}
	if (access(dir, W_OK | X_OK) < 0) {
		fprintf(stderr, TAG "inconclusive: %s: no file can be created "
			"there before entering (%s)\n", dir, errname(errno));
		return -1;
	}
	c->held = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->held < 0) {
		fprintf(stderr, TAG "inconclusive: %s: %s\n", dir,
			errname(errno));
		return -1;
	}
	return 0;
}

static void probe(const struct ctx *c, const struct ocap_enter_report *r)
{
	size_t n = sizeof tries / sizeof *tries, refused = 0;
	const char *sep = "";

	for (size_t i = 0; i < n; i++) {
		int e = tries[i].fn(c);

		refused += e < 0;
		fprintf(stderr, TAG "%s: %s (%s)\n",
			e < 0 ? "refused" : "ESCAPED", tries[i].what,
			e < 0 ? errname(-e) : "it succeeded");
	}
	fprintf(stderr, TAG "%zu tries, %zu refused, %zu escaped; not "
		"enforced:", n, refused, n - refused);
	for (size_t i = 0; i < r->nitems; i++)
		if (!r->items[i].enforced) {
			fprintf(stderr, "%s %s", sep, r->items[i].what);
			sep = ",";
		}
	fprintf(stderr, "%s\n", *sep ? "" : " none");
}

int __wrap_ocap_enter(const ocap_ns *ns, unsigned flags,
		      struct ocap_enter_report *report)
{
	const char *dir = getenv("OCAP_PORT_PROBE");
	const char *log = getenv("OCAP_PORT_LOG_FD");
	struct ocap_enter_report local = { 0 };
	struct ocap_enter_report *r = report ? report : &local;
	struct ctx c;
	int err;

	if (dir && prepare(&c, dir) < 0)
		exit(99);
	err = __real_ocap_enter(ns, flags, r);
	if (err < 0) {
		if (dir)
			fprintf(stderr, TAG "ocap_enter: %s\n", errname(-err));
		return err;
	}
	if (log)
		dprintf(atoi(log), "%s entered\n",
			program_invocation_short_name);
	if (dir) {
		probe(&c, r);
		close(c.held);
	}
	return err;
}
