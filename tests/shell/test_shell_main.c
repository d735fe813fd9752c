/* SPDX-License-Identifier: MIT */
/*
 * The shell's front end (capsh/shell_main.c): sh_main() for -c STRING,
 * -f SCRIPT, a script on standard input and an interactive session in a
 * real pseudo-terminal.  Each call runs in a forked child (the shell
 * changes directory, signal handlers, the locale) whose status is what
 * sh_main() returned; what it printed is read back, and so are the files
 * its builtins wrote.  The commands are builtins, so that nothing here
 * needs a kernel feature; the executor's own tests launch programs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shell_exec.h"
#include "support.h"

#define TIMEOUT_MS 5000

struct call {
	char mode;
	const char *arg;
	const char *const *opt, *const *val; /* NULL-terminated opt */
	const char *in; /* standard input's path; NULL: /dev/null */
	const char *cwd;
	bool remove_cwd; /* the child removes cwd once in it */
	char err[4096]; /* what it wrote to stderr */
};

static size_t nopts(const struct call *c)
{
	size_t n = 0;

	while (c->opt && c->opt[n])
		n++;
	return n;
}

/* sh_main()'s return value, or -1 when the child did not exit. */
static int call_main(struct call *c)
{
	int p[2], st, in;
	size_t got = 0;
	ssize_t k;
	pid_t pid;

	assert_ret(pipe2(p, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		in = open(c->in ? c->in : "/dev/null", O_RDONLY | O_CLOEXEC);
		if (in < 0 || dup2(in, STDIN_FILENO) < 0 ||
		    dup2(p[1], STDERR_FILENO) < 0 ||
		    (c->cwd && chdir(c->cwd) < 0) ||
		    (c->remove_cwd && c->cwd && rmdir(c->cwd) < 0))
			_exit(200);
		_exit(sh_main(c->mode, c->arg, (char **)c->opt,
			      (char **)c->val, nopts(c)));
	}
	close(p[1]);
	while (got + 1 < sizeof c->err &&
	       (k = read(p[0], c->err + got, sizeof c->err - got - 1)) > 0)
		got += (size_t)k;
	c->err[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void expect_err(const struct call *c, const char *want)
{
	if (strcmp(c->err, want))
		fail_msg("stderr \"%s\", expected \"%s\"", c->err, want);
}

static char *file_of(const struct tmpdir *td, const char *rel)
{
	static char buf[4096];
	char path[PATH_MAX];
	int fd;

	tree_join(path, sizeof path, td->path, rel);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	assert_true(fd_read_all(fd, buf, sizeof buf) >= 0);
	close(fd);
	return buf;
}

static void test_string(void **state)
{
	struct tmpdir *td = *state;
	struct call c = { .mode = 'c', .cwd = td->path };

	c.arg = "exit 7";
	assert_int_equal(call_main(&c), 7);
	expect_err(&c, "");
	/* The status of the last command; exit ends the string. */
	c.arg = "cd nowhere";
	assert_int_equal(call_main(&c), 1);
	c.arg = "cd nowhere; exit 4; caps > after.txt";
	assert_int_equal(call_main(&c), 4);
	assert_null(file_of(td, "after.txt"));
	/* The shell-wide grants it is given are its grants. */
	c.arg = "caps > caps.txt";
	c.opt = (const char *const[]){ "--ro", "--best-effort", NULL };
	c.val = (const char *const[]){ "/usr", NULL };
	assert_int_equal(call_main(&c), 0);
	assert_string_equal(file_of(td, "caps.txt"),
			    "1\t--ro /usr\n2\t--best-effort\n");
	/* Parsed whole before anything runs: a syntax error runs
	 * nothing, status 2, named "-c". */
	c.opt = c.val = NULL;
	c.arg = "caps > ran.txt\necho \"open";
	assert_int_equal(call_main(&c), 2);
	assert_null(file_of(td, "ran.txt"));
	assert_int_equal(strncmp(c.err, "ocapsh: -c:2:", 13), 0);
}

/* A grant it cannot take, or no current directory: 125, nothing run. */
static void test_cannot_start(void **state)
{
	struct tmpdir *td = *state;
	struct call c = { .mode = 'c', .cwd = td->path,
			  .arg = "caps > ran.txt" };
	char gone[PATH_MAX];

	c.opt = (const char *const[]){ "--ro", "--bogus", NULL };
	c.val = (const char *const[]){ "/usr", NULL, NULL };
	assert_int_equal(call_main(&c), OCAP_EXIT_LAUNCHER);
	expect_err(&c, "ocapsh: --bogus: Invalid argument\n");
	assert_null(file_of(td, "ran.txt"));

	/* No current directory: the child removes it once in it. */
	c.opt = c.val = NULL;
	assert_ret(tree_mkdir(td->path, "gone"), 0);
	tree_join(gone, sizeof gone, td->path, "gone");
	c.cwd = gone;
	c.remove_cwd = true;
	assert_int_equal(call_main(&c), OCAP_EXIT_LAUNCHER);
	expect_err(&c, "ocapsh: the current directory: No such file or "
		       "directory\n");
}

static void test_script(void **state)
{
	struct tmpdir *td = *state;
	struct call c = { .mode = 'f', .cwd = td->path };
	char path[PATH_MAX], want[PATH_MAX + 128];
	int fd;

	assert_ret(tree_write(td->path, "s.ocap", "# a script\n> a.txt\n"
						  "exit 3\n> b.txt\n"), 0);
	tree_join(path, sizeof path, td->path, "s.ocap");
	c.arg = path;
	assert_int_equal(call_main(&c), 3);
	expect_err(&c, "");
	assert_string_equal(file_of(td, "a.txt"), "");
	assert_null(file_of(td, "b.txt"));

	/* A syntax error anywhere runs nothing; named by the script. */
	assert_ret(tree_write(td->path, "bad.ocap", "caps > ran.txt\n"
						    "echo 'open\n"), 0);
	tree_join(path, sizeof path, td->path, "bad.ocap");
	assert_int_equal(call_main(&c), 2);
	assert_null(file_of(td, "ran.txt"));
	snprintf(want, sizeof want, "ocapsh: %s:2:", path);
	assert_int_equal(strncmp(c.err, want, strlen(want)), 0);

	/* Not there: 127, as for a program. */
	tree_join(path, sizeof path, td->path, "missing.ocap");
	assert_int_equal(call_main(&c), 127);
	snprintf(want, sizeof want, "ocapsh: %s: %s\n", path, strerror(ENOENT));
	expect_err(&c, want);
	/* There but no script: 126. */
	c.arg = td->path;
	assert_int_equal(call_main(&c), 126);
	snprintf(want, sizeof want, "ocapsh: %s: %s\n", td->path,
		 strerror(EISDIR));
	expect_err(&c, want);
	tree_join(path, sizeof path, td->path, "nul.ocap");
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "exit 0\n\0exit 1\n", 15), 15);
	close(fd);
	c.arg = path;
	assert_int_equal(call_main(&c), 126);
	snprintf(want, sizeof want, "ocapsh: %s: a NUL byte: not a script\n",
		 path);
	expect_err(&c, want);
	/* Endless: refused at 16 MiB, not read to the end. */
	c.arg = "/dev/zero";
	assert_int_equal(call_main(&c), 126);
	snprintf(want, sizeof want, "ocapsh: /dev/zero: %s\n",
		 strerror(EFBIG));
	expect_err(&c, want);
	/* 16 MiB is read whole; one byte more is refused. */
	tree_join(path, sizeof path, td->path, "big.ocap");
	for (size_t size = 16u << 20; size <= (16u << 20) + 1; size++) {
		char *text = malloc(size);
		assert_non_null(text);
		memset(text, '#', size - 1);
		text[size - 1] = '\n';
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, text, size), (ssize_t)size);
		close(fd);
		free(text);
		c.arg = path;
		assert_int_equal(call_main(&c), size == 16u << 20 ? 0 : 126);
	}
	snprintf(want, sizeof want, "ocapsh: %s: %s\n", path, strerror(EFBIG));
	expect_err(&c, want);
}

static void test_stdin(void **state)
{
	struct tmpdir *td = *state;
	struct call c = { .mode = 'i', .cwd = td->path };
	char path[PATH_MAX];

	assert_ret(tree_write(td->path, "in.ocap", "> in.txt\nexit 9\n"),
		   0);
	tree_join(path, sizeof path, td->path, "in.ocap");
	c.in = path;
	assert_int_equal(call_main(&c), 9);
	expect_err(&c, "");
	assert_string_equal(file_of(td, "in.txt"), "");
	/* Named "stdin". */
	assert_ret(tree_write(td->path, "bad.ocap", "exit 0 |\n"), 0);
	tree_join(path, sizeof path, td->path, "bad.ocap");
	assert_int_equal(call_main(&c), 2);
	assert_int_equal(strncmp(c.err, "ocapsh: stdin:", 14), 0);
	/* Nothing at all: nothing runs, status 0. */
	c.in = NULL;
	assert_int_equal(call_main(&c), 0);
	expect_err(&c, "");
}

struct term {
	int fd;
	pid_t pid;
	char screen[16384];
	size_t len, mark;
};

static void term_open(struct term *t, const char *home, int *opts)
{
	static const char *const opt[] = { "--ro", NULL };
	static const char *const val[] = { "/usr", NULL };

	memset(t, 0, sizeof *t);
	fflush(NULL);
	t->pid = forkpty(&t->fd, NULL, NULL, NULL);
	assert_true(t->pid >= 0);
	if (t->pid == 0) {
		setenv("HOME", home, 1);
		setenv("TERM", "xterm", 1);
		if (chdir(home) < 0)
			_exit(200);
		_exit(sh_main('i', NULL, (char **)opt, (char **)val,
			      (size_t)*opts));
	}
}

/* Wait for s on the screen after the mark; move the mark past it. */
static void term_expect(struct term *t, const char *s)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = { .fd = t->fd, .events = POLLIN };
		char *at;
		ssize_t k;
		long ms;

		t->screen[t->len] = '\0';
		if ((at = strstr(t->screen + t->mark, s))) {
			t->mark = (size_t)(at - t->screen) + strlen(s);
			return;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - start.tv_sec) * 1000 +
		     (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms > TIMEOUT_MS || poll(&p, 1, 100) < 0 ||
		    t->len + 1 >= sizeof t->screen)
			fail_msg("did not see \"%s\"; the screen ends with "
				 "\"%s\"", s, t->screen + t->mark);
		if (p.revents && (k = read(t->fd, t->screen + t->len,
					   sizeof t->screen - t->len - 1)) > 0)
			t->len += (size_t)k;
	}
}

static void term_type(struct term *t, const char *keys)
{
	assert_int_equal(write(t->fd, keys, strlen(keys)),
			 (ssize_t)strlen(keys));
}

/* sh_main()'s return value once the session ends. */
static int term_close(struct term *t)
{
	char buf[256];
	int st = -1;

	assert_ret(fcntl(t->fd, F_SETFL, O_NONBLOCK), 0);
	for (int i = 0; i < TIMEOUT_MS / 10; i++) {
		while (read(t->fd, buf, sizeof buf) > 0)
			; /* keep the terminal drained */
		if (waitpid(t->pid, &st, WNOHANG) == t->pid)
			break;
		st = -1;
		usleep(10000);
	}
	if (st == -1) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, &st, 0);
		fail_msg("the session did not end; the screen ends with "
			 "\"%s\"", t->screen + t->mark);
	}
	close(t->fd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The prompt counts the shell-wide grants; a half-typed line that ^C
 * abandons runs nothing; a continuation line has its own prompt; exit's
 * status is the session's; what was typed is in the history file. */
static void test_interactive(void **state)
{
	struct tmpdir *td = *state;
	const char *hist;
	struct term t;
	int one = 1;

	term_open(&t, td->path, &one);
	term_expect(&t, "ocapsh[1]$ ");
	term_type(&t, "grant --rx /usr/bin\n");
	term_expect(&t, "ocapsh[2]$ ");
	term_type(&t, "   \n"); /* blank: not remembered */
	term_expect(&t, "ocapsh[2]$ ");
	/* ^C at once after the echo, while the shell is between two
	 * reads, abandons the line all the same. */
	for (int i = 0; i < 20; i++) {
		term_type(&t, "exit 3");
		term_expect(&t, "exit 3");
		term_type(&t, "\003");
		term_expect(&t, "ocapsh[2]$ ");
	}
	term_type(&t, "caps > caps.txt\n");
	term_expect(&t, "ocapsh[2]$ ");
	term_type(&t, "exit \\\n");
	term_expect(&t, "> ");
	term_type(&t, "6\n");
	assert_int_equal(term_close(&t), 6);
	assert_string_equal(file_of(td, "caps.txt"),
			    "1\t--ro /usr\n2\t--rx /usr/bin\n");
	/* libedit's file, each line strvis(3)-encoded: the continued
	 * command is one entry, the abandoned line none. */
	hist = file_of(td, ".ocapsh_history");
	assert_non_null(hist);
	assert_string_equal(hist, "_HiStOrY_V2_\n"
				  "grant\\040--rx\\040/usr/bin\n"
				  "caps\\040>\\040caps.txt\n"
				  "exit\\040\\134\\0126\n");
}

/* ^D at the prompt ends the session with the last command's status. */
static void test_end_of_input(void **state)
{
	struct tmpdir *td = *state;
	struct term t;
	int none = 0;

	term_open(&t, td->path, &none);
	term_expect(&t, "ocapsh[0]$ ");
	term_type(&t, "cd nowhere\n");
	term_expect(&t, "ocapsh[0]$ ");
	term_type(&t, "\004");
	assert_int_equal(term_close(&t), 1);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, tmpdir_setup, tmpdir_teardown)
	const struct CMUnitTest tests[] = {
		T(test_string),
		T(test_cannot_start),
		T(test_script),
		T(test_stdin),
		T(test_interactive),
		T(test_end_of_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
