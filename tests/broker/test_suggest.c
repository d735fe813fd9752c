/* SPDX-License-Identifier: MIT */
/*
 * --suggest (launcher/broker/suggest.c), live: the client runs under the
 * supervised compat seccomp program with "@suggest", so the calls that
 * open, make or remove a path reach the broker first, which notes the
 * grant each would need and lets the call go on (no Landlock here: the
 * kernel performs it).  The broker's own refusals are noted too.  At the
 * end the notes are folded and handed to the plan, which world.c prints
 * on the broker's stderr as "suggest: LINE"; each case reads them there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "world.h"

#define CALL(x) ret_errno((long)(x))
#define COMM "test_suggest" /* the client's name, as the broker reads it */

static struct run run_;

static int opened(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -errno : 0;
}

/* Whether the broker's stderr has the line "suggest: LINE" (a whole
 * line: LINE ends it). */
static bool suggested(const char *fmt, const char *path)
{
	char line[2 * PATH_MAX];
	const char *log = run_.log, *at = log;
	size_t n;

	snprintf(line, sizeof line, "suggest: ");
	n = strlen(line);
	snprintf(line + n, sizeof line - n, fmt, path);
	n = strlen(line);
	while ((at = strstr(at, line)))
		if (at[n] == '\n' && (at == log || at[-1] == '\n'))
			return true;
		else
			at += n;
	return false;
}

/* ---- paths ------------------------------------------------------------------ */

static int sc_paths(struct world *w)
{
	char p[PATH_MAX], line[2 * PATH_MAX + 64];

	/* in a grant that holds it: nothing to note */
	child_check(opened(join(p, w->td.path, "hello"), O_RDWR), 0);
	child_check(opened(join(p, w->ro, "f"), O_RDONLY), 0);
	/* read outside the grants: said once with -v, noted */
	child_check(opened(join(p, w->out, "f"), O_RDONLY), 0);
	snprintf(line, sizeof line, "ocapsh: denied read of %s by " COMM
		 " (--ro %s grants it)\n", p, p);
	child_check(logged(w, line), 1);
	child_check(opened(p, O_RDONLY), 0);
	/* write where only read is granted */
	child_check(opened(join(p, w->ro, "f"), O_WRONLY), 0);
	/* made and removed: in their directory */
	child_check(opened(join(p, w->out, "new"), O_WRONLY | O_CREAT), 0);
	child_check(CALL(mkdir(join(p, w->out, "d"), 0755)), 0);
	child_check(CALL(truncate(join(p, w->out, "f"), 0)), 0);
	child_check(CALL(unlink(join(p, w->aside.path, "many/4"))), 0);
	/* what the kernel refuses first is not noted */
	child_check(opened(join(p, w->ro, "missing"), O_RDONLY), -ENOENT);
	child_check(CALL(mkdir(w->out, 0755)), -EEXIST);
	return 0;
}

static void test_paths(void **state)
{
	char ro[PATH_MAX], out[PATH_MAX], many[PATH_MAX];
	char line[PATH_MAX + 64];
	const char *at;

	(void)state;
	run_log(W_SUPER | W_SUGGEST, sc_paths, 0, &run_);
	strcpy(ro, run_.w.ro);
	strcpy(out, run_.w.out);
	assert_ret(tree_join(many, sizeof many, run_.w.aside.path, "many"), 0);
	assert_true(suggested("--rw %s  (creation by " COMM ")", out));
	/* what the directory covers is not said again */
	assert_false(suggested("--ro %s/f  (read by " COMM ")", out));
	assert_false(suggested("--rw %s/f  (truncation by " COMM ")", out));
	/* a file rewritten: its folder said beside it */
	snprintf(line, sizeof line, "--rw %s/f  (write by " COMM
		 "; its folder: --rw %s)", ro, ro);
	assert_true(suggested("%s", line));
	assert_true(suggested("--rw %s  (removal by " COMM ")", many));
	assert_false(suggested("--ro %s/missing  (read by " COMM ")", ro));
	assert_null(strstr(run_.log, "hello"));
	/* said once with -v, however often it is read */
	snprintf(line, sizeof line, "ocapsh: denied read of %s/f ", out);
	at = strstr(run_.log, line);
	assert_non_null(at);
	assert_null(strstr(at + 1, line));
}

/* ---- folding, secrets ------------------------------------------------------ */

static int sc_fold(struct world *w)
{
	static const char *const etc[] = { "/etc/hostname", "/etc/hosts",
					   "/etc/passwd", "/etc/group" };
	char p[PATH_MAX], name[8];

	for (int i = 1; i <= 4; i++) {
		snprintf(name, sizeof name, "many/%d", i);
		child_check(opened(join(p, w->aside.path, name), O_RDONLY), 0);
	}
	/* more than three in a directory too broad to grant whole */
	for (size_t i = 0; i < sizeof etc / sizeof *etc; i++)
		opened(etc[i], O_RDONLY);
	/* what the runtime leaves out on purpose */
	opened("/etc/shadow", O_RDONLY);
	child_check(opened("/proc/self/status", O_RDONLY), 0);
	child_check(opened("/proc/self/stat", O_RDONLY), 0);
	return 0;
}

static void test_fold(void **state)
{
	char many[PATH_MAX];

	(void)state;
	run_log(W_SUPER | W_SUGGEST, sc_fold, 0, &run_);
	assert_ret(tree_join(many, sizeof many, run_.w.aside.path, "many"), 0);
	assert_true(suggested("--ro %s  (read by " COMM ")", many));
	assert_false(suggested("--ro %s/1  (read by " COMM ")", many));
	/* /etc is never folded: each file stays a line of its own */
	assert_true(suggested("--ro %s  (read by " COMM ")", "/etc/hosts"));
	assert_false(suggested("--ro %s  (read by " COMM ")", "/etc"));
	assert_true(suggested("--ro %s  (read by " COMM
			      "; secret: think twice)", "/etc/shadow"));
	/* /proc whole or not at all: a pid names the broker there */
	assert_true(suggested("--ro %s  (read by " COMM
			      "; secret: think twice)", "/proc"));
	assert_null(strstr(run_.log, "suggest: --ro /proc/"));
}

/* ---- the broker's own refusals -------------------------------------------- */

static int sc_refusals(struct world *w)
{
	char p[PATH_MAX];
	struct stat st;
	int s = tcp_socket(AF_INET, 0);

	child_check(CALL(chmod(join(p, w->out, "f"), 0600)), -EACCES);
	child_check(connect_to(s, "127.0.0.1", w->other_port), -EACCES);
	close(s);
	/* a lookup --hide-metadata answers ENOENT */
	child_check(CALL(stat(join(p, w->out, "f"), &st)), -ENOENT);
	return 0;
}

static void test_refusals(void **state)
{
	char out[PATH_MAX], port[32];
	const char *at;
	unsigned short n;

	(void)state;
	run_log(W_SUPER | W_SUGGEST | W_HIDE, sc_refusals, 0, &run_);
	assert_ret(tree_join(out, sizeof out, run_.w.out, "f"), 0);
	assert_true(suggested("--grant %s=write  (chmod by " COMM ")", out));
	assert_true(suggested("--ro %s  (lookup by " COMM ")", out));
	/* the port was chosen in the broker process: the -v line says it */
	at = strstr(run_.log, "ocapsh: denied connect to 127.0.0.1:");
	assert_non_null(at);
	assert_int_equal(sscanf(at, "ocapsh: denied connect to 127.0.0.1:%hu",
				&n), 1);
	snprintf(port, sizeof port, "127.0.0.1:%u", n);
	assert_true(suggested("--connect %s  (connect to)", port));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_refusals),
	};

	return world_main("suggest", tests, sizeof tests / sizeof *tests);
}
