/* SPDX-License-Identifier: MIT */
/*
 * ocapsh as a shell: -c STRING, -f SCRIPT, a script on standard input,
 * or an interactive session with libedit.  A string or a script is
 * parsed whole before anything runs, so a syntax error runs nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "shell_exec.h"

#define ST_SYNTAX   2
#define HISTORY_SIZE 1000
#define HISTORY_FILE "/.ocapsh_history"
#define SCRIPT_MAX (16u << 20)

/* ---- scripts --------------------------------------------------------- */

/* The whole of fd as a string, at most SCRIPT_MAX bytes; a NUL byte in
 * it is an error. */
static int slurp(int fd, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap - 1 && cap == SCRIPT_MAX + 1) {
			/* full: the end must come now */
			char more;
			do
				n = read(fd, &more, 1);
			while (n < 0 && errno == EINTR);
			if (n == 0)
				break;
			free(buf);
			return n < 0 ? -errno : -EFBIG;
		}
		if (len == cap - 1) {
			/* room for the NUL: SCRIPT_MAX bytes fit */
			size_t ncap = cap <= SCRIPT_MAX / 2 ? cap * 2
							    : SCRIPT_MAX + 1;
			if (!(nb = realloc(buf, ncap))) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (n < 0 || memchr(buf, '\0', len)) {
		int e = n < 0 ? errno : EINVAL;
		free(buf);
		return -e;
	}
	*out = buf;
	return 0;
}

/* A script that cannot be read is reported as sh(1) and ocapsh report a
 * program: 127 not found, 126 otherwise. */
static int run_script(struct sh_state *st, const char *path)
{
	const char *where = path ? path : "stdin";
	char *src = NULL;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	int rc;

	if (fd < 0) {
		fprintf(stderr, "ocapsh: %s: %s\n", where, strerror(errno));
		return errno == ENOENT ? 127 : 126;
	}
	rc = slurp(fd, &src);
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc < 0) {
		fprintf(stderr, "ocapsh: %s: %s\n", where,
			rc == -EINVAL ? "a NUL byte: not a script"
				      : strerror(-rc));
		return 126;
	}
	rc = sh_run_string(st, src, where);
	free(src);
	return rc;
}

/* ---- interactive ------------------------------------------------------ */

struct session {
	struct sh_state *st;
	EditLine *el;
	History *hist;
	char *histfile; /* NULL: history in memory only */
	bool more;      /* reading a continuation line */
	char prompt[64];
};

static char *prompt(EditLine *el)
{
	struct session *s = NULL;

	el_get(el, EL_CLIENTDATA, &s);
	if (s->more)
		snprintf(s->prompt, sizeof s->prompt, "> ");
	else
		snprintf(s->prompt, sizeof s->prompt, "ocapsh[%zu]$ ",
			 s->st->ngrants);
	return s->prompt;
}

/* Set by ^C at the prompt; read_byte() takes it. */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* One byte of the terminal, or -1 with EINTR once ^C came.  SIGINT gets
 * in only while ppoll() waits, so one that comes between two keys (while
 * a key is echoed) is seen before the next wait, never lost in it. */
static ssize_t read_byte(char *c)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	sigset_t intr, old, wait;
	int r;

	sigemptyset(&intr);
	sigaddset(&intr, SIGINT);
	sigprocmask(SIG_BLOCK, &intr, &old);
	wait = old;
	sigdelset(&wait, SIGINT);
	r = interrupted ? -1 : ppoll(&p, 1, NULL, &wait);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (interrupted) {
		interrupted = 0;
		errno = EINTR;
		return -1;
	}
	return r < 0 ? -1 : read(STDIN_FILENO, c, 1);
}

/* libedit's own reader retries a read that SIGINT interrupted; this one
 * returns, so that ^C at the prompt abandons the line. */
static int read_key(EditLine *el, wchar_t *wc)
{
	char buf[MB_LEN_MAX];
	size_t n = 0;

	(void)el;
	for (;;) {
		mbstate_t mbs;
		size_t k;
		ssize_t r = read_byte(buf + n);
		if (r <= 0) {
			*wc = L'\0';
			return r < 0 ? -1 : 0;
		}
		n++;
		memset(&mbs, 0, sizeof mbs);
		k = mbrtowc(wc, buf, n, &mbs);
		if (k == (size_t)-2 && n < sizeof buf)
			continue;
		if (k == (size_t)-1 || k == (size_t)-2) {
			/* Not in this locale's charset: take the byte. */
			*wc = (wchar_t)(unsigned char)buf[n - 1];
		}
		return 1;
	}
}

static void prompt_signals(void)
{
	struct sigaction sa = { .sa_handler = on_sigint };
	struct sigaction ign = { .sa_handler = SIG_IGN };

	sigemptyset(&sa.sa_mask);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &sa, NULL); /* the flag read_byte() takes */
	sigaction(SIGQUIT, &ign, NULL);
}

static char *history_path(void)
{
	const char *home = getenv("HOME");
	char *p;

	if (!home || !*home)
		return NULL;
	if (!(p = malloc(strlen(home) + sizeof HISTORY_FILE)))
		return NULL;
	strcpy(p, home);
	strcat(p, HISTORY_FILE);
	return p;
}

static int session_open(struct session *s, struct sh_state *st)
{
	HistEvent ev;

	*s = (struct session){ .st = st };
	setlocale(LC_CTYPE, "");
	if (!(s->hist = history_init()) ||
	    !(s->el = el_init("ocapsh", stdin, stdout, stderr)))
		return -ENOMEM;
	history(s->hist, &ev, H_SETSIZE, HISTORY_SIZE);
	history(s->hist, &ev, H_SETUNIQUE, 1);
	if ((s->histfile = history_path()))
		history(s->hist, &ev, H_LOAD, s->histfile);
	el_set(s->el, EL_CLIENTDATA, s);
	el_set(s->el, EL_EDITOR, "emacs");
	el_set(s->el, EL_HIST, history, s->hist);
	el_set(s->el, EL_PROMPT, prompt);
	el_set(s->el, EL_GETCFN, read_key);
	el_source(s->el, NULL);
	return 0;
}

static void session_close(struct session *s)
{
	HistEvent ev;

	if (s->hist && s->histfile)
		history(s->hist, &ev, H_SAVE, s->histfile);
	if (s->el)
		el_end(s->el);
	if (s->hist)
		history_end(s->hist);
	free(s->histfile);
}

static int append(char **buf, size_t *len, const char *line)
{
	size_t n = strlen(line);
	char *nb = realloc(*buf, *len + n + 1);

	if (!nb)
		return -ENOMEM;
	memcpy(nb + *len, line, n + 1);
	*buf = nb;
	*len += n;
	return 0;
}

/* One command, over as many lines as it takes.  Returns 1 with *cmd
 * set, 0 at end of input, -EINTR when ^C abandoned it. */
static int read_command(struct session *s, char **cmd)
{
	char *buf = NULL;
	size_t len = 0;
	int n;

	s->more = false;
	interrupted = 0; /* a ^C that ended the last command is spent */
	for (;;) {
		/* The terminal goes into editing mode before the prompt is
		 * drawn: keys typed at once after it must not meet the
		 * cooked terminal (which would echo them and turn ^D into
		 * an end-of-file marker that raw mode then loses). */
		el_set(s->el, EL_PREP_TERM, 1);
		const char *line = el_gets(s->el, &n);
		el_set(s->el, EL_PREP_TERM, 0);
		if (!line) {
			int e = n < 0 ? errno : 0;
			free(buf);
			if (e == EINTR)
				return -EINTR;
			return 0;
		}
		if (append(&buf, &len, line) < 0) {
			free(buf);
			return -ENOMEM;
		}
		if (!sh_incomplete(buf))
			break;
		s->more = true;
	}
	*cmd = buf;
	return 1;
}

static void remember(struct session *s, const char *cmd)
{
	HistEvent ev;
	size_t n = strlen(cmd);
	char *line;

	if (strspn(cmd, " \t\n") == n || !(line = strdup(cmd)))
		return;
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	history(s->hist, &ev, H_ENTER, line);
	free(line);
}

static int interactive(struct sh_state *st)
{
	struct session s;
	char *cmd;
	int rc;

	st->interactive = true;
	if (session_open(&s, st) < 0) {
		session_close(&s);
		fprintf(stderr, "ocapsh: cannot start line editing\n");
		return OCAP_EXIT_LAUNCHER;
	}
	while (!st->exit_requested) {
		prompt_signals();
		rc = read_command(&s, &cmd);
		if (rc == -EINTR) {
			fputc('\n', stdout);
			continue;
		}
		if (rc <= 0) {
			fputc('\n', stdout);
			break;
		}
		remember(&s, cmd);
		sh_run_string(st, cmd, NULL);
		free(cmd);
	}
	session_close(&s);
	return st->exit_requested ? st->exit_status : st->status;
}

/* ---- entry ------------------------------------------------------------- */

static int state_init(struct sh_state *st, char **opt, char **val, size_t n)
{
	*st = (struct sh_state){ 0 };
	if (!getcwd(st->cwd, sizeof st->cwd)) {
		fprintf(stderr, "ocapsh: the current directory: %s\n",
			strerror(errno));
		return -errno;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = sh_grant_add(st, opt[i], val[i]);
		if (rc < 0) {
			fprintf(stderr, "ocapsh: %s: %s\n", opt[i],
				strerror(-rc));
			return rc;
		}
	}
	return 0;
}

int sh_main(char mode, const char *arg, char **opt, char **val, size_t n)
{
	struct sh_state st;
	int status;

	if (state_init(&st, opt, val, n) < 0) {
		sh_grants_free(&st);
		return OCAP_EXIT_LAUNCHER;
	}
	switch (mode) {
	case 'c':
		status = sh_run_string(&st, arg, "-c");
		break;
	case 'f':
		status = run_script(&st, arg);
		break;
	default:
		status = isatty(STDIN_FILENO) ? interactive(&st)
					      : run_script(&st, NULL);
		break;
	}
	if (st.exit_requested)
		status = st.exit_status;
	sh_grants_free(&st);
	fflush(stdout);
	return status;
}
