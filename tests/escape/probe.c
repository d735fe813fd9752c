/* SPDX-License-Identifier: MIT */
/*
 * escape-probe: one escape attempt per run, from inside ocapsh.
 *
 *   escape-probe NAME KEY=VALUE...   try technique NAME (see probe.h)
 *   escape-probe --enter GRANT... -- NAME KEY=VALUE...
 *                                    the same after ocap_enter(3)
 *   escape-probe --list              name, flags and what "blocked" means
 *   escape-probe --handle PATH       PATH's file handle, for open-by-handle
 *   escape-probe --hold              the process canary: block every signal
 *                                    and wait to be killed
 *   escape-probe --can-enter         0 if built with ocap_enter, else 77
 *
 * Every run prints one verdict line; the exit status is in probe.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ocap/ocap.h>

#include "errname.h"
#include "probe.h"

static const struct technique {
	const char *name;
	technique_fn *fn;
	const char *flags;
	const char *doc;
} techniques[] = {
#define T(name, fn, flags, doc) { name, fn, flags, doc },
#include "techniques.def"
#undef T
};

#define NTECH (sizeof techniques / sizeof techniques[0])

const char *ename(int e)
{
	return errname(e);
}

int say(int code, const char *fmt, ...)
{
	static const char *const tags[] = {
		[BLOCKED] = "blocked", [ESCAPED] = "ESCAPED",
		[SETUP] = "setup", [UNEXPECTED] = "unexpected",
	};
	va_list ap;

	printf("%s: ", code == MISSING ? "missing" : tags[code]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return code;
}

int expect_err(const char *what, long r, int err, const int *ok)
{
	char want[128] = "";

	if (r >= 0)
		return say(ESCAPED, "%s succeeded (returned %ld)", what, r);
	for (const int *e = ok; *e; e++) {
		if (*e == err)
			return say(BLOCKED, "%s: %s", what, ename(err));
		snprintf(want + strlen(want), sizeof want - strlen(want),
			 "%s%s", e == ok ? "" : " or ", ename(*e));
	}
	return say(UNEXPECTED, "%s: %s, expected %s", what, ename(err), want);
}

int mode_err(const struct ctx *c)
{
	return c->native ? EPERM : EACCES;
}

int meta_err(const struct ctx *c, int dirfd)
{
	return c->entered || (c->native && dirfd == AT_FDCWD) ? EPERM : EACCES;
}

int leak(int fd, const char *what)
{
	char buf[256];
	ssize_t n = read(fd, buf, sizeof buf);

	if (n < 0)
		return say(ESCAPED, "%s: opened (fd %d; read: %s)", what, fd,
			   ename(errno));
	return say(ESCAPED, "%s: opened, read %zd bytes: %.*s", what, n,
		   (int)n, buf);
}

int grant_dir(const struct ctx *c, const char *path)
{
	const ocap_cap *cap;
	int fd, r;

	if (!path) {
		say(SETUP, "no such grant given (rodir=?)");
		return -1;
	}
	if (c->entered) {
		fd = entered_dir(path);
		if (fd < 0)
			say(SETUP, "%s: not in the namespace entered", path);
		return fd;
	}
	if (!c->native) {
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			say(SETUP, "open(%s): %s", path, ename(errno));
		return fd;
	}
	/* Capability mode: the directory comes from the broker's table. */
	r = ocap_lookup(path, &cap);
	if (r < 0) {
		say(SETUP, "ocap_lookup(%s) through the broker: %s", path,
		    ename(-r));
		return -1;
	}
	return ocap_cap_fd(cap);
}

/* A raw clone(SIGCHLD) rather than fork(): musl's fork() is the fork
 * system call, which the allowlist does not have; this keeps the
 * techniques that need a child independent of that. */
int in_child(int (*fn)(void *), void *arg)
{
	int status;
	long pid;

	fflush(stdout);
	pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	while (waitpid((pid_t)pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

int expect_signal(const char *what, int st, int sig)
{
	if (st == -1)
		return say(SETUP, "%s: fork: %s", what, ename(errno));
	if (WIFSIGNALED(st) && WTERMSIG(st) == sig)
		return say(BLOCKED, "%s: child killed by signal %d", what, sig);
	if (WIFSIGNALED(st))
		return say(UNEXPECTED, "%s: child killed by signal %d, "
			   "expected %d", what, WTERMSIG(st), sig);
	return say(ESCAPED, "%s: reached the kernel, child exited %d", what,
		   WEXITSTATUS(st));
}

/* ---- arguments -------------------------------------------------------- */

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int parse(struct ctx *c, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *v = strchr(argv[i], '=');
		const char *k = argv[i];

		if (!v)
			return say(SETUP, "argument '%s' is not KEY=VALUE", k);
		*v++ = '\0';
#define KEY(name, field) else if (!strcmp(k, name)) c->field = v
#define NUM(name, field) else if (!strcmp(k, name)) c->field = atoi(v)
		if (!strcmp(k, "mode")) {
			c->entered = !strcmp(v, "entered");
			c->native = c->entered || !strcmp(v, "native");
		}
		NUM("port", port);
		NUM("uport", uport);
		NUM("pid", pid);
		NUM("gport", gport);
		NUM("lport", lport);
		NUM("v6port", v6port);
		KEY("granted", granted);
		KEY("canary", canary);
		KEY("cdir", cdir);
		KEY("csub", csub);
		KEY("unix", unix_path);
		KEY("dgram", dgram_path);
		KEY("abstract", abstract);
		KEY("adgram", adgram);
		KEY("handle", handle);
		KEY("rodir", rodir);
		KEY("suid", suid);
		KEY("peer", peer);
		else
			return say(SETUP, "unknown key '%s'", k);
#undef KEY
#undef NUM
	}
	if (!c->granted || !c->canary || !c->cdir || !c->csub)
		return say(SETUP, "granted=, canary=, cdir= and csub= are "
			   "needed");
	/* granted and cdir are siblings (run.sh lays the tree out so). */
	snprintf(c->reldir, sizeof c->reldir, "../%s", base(c->cdir));
	snprintf(c->rel, sizeof c->rel, "%s/%s", c->reldir, base(c->canary));
	snprintf(c->relsub, sizeof c->relsub, "%s/%s", c->reldir,
		 base(c->csub));
	return 0;
}

/* Outside the sandbox: the handle open-by-handle replays inside. */
static int print_handle(const char *path)
{
	struct {
		unsigned int bytes;
		int type;
		unsigned char h[128];
	} fh = { .bytes = sizeof fh.h };
	int mnt;

	if (syscall(SYS_name_to_handle_at, AT_FDCWD, path, &fh, &mnt, 0) < 0) {
		fprintf(stderr, "name_to_handle_at(%s): %s\n", path,
			ename(errno));
		return errno == EOPNOTSUPP ? MISSING : SETUP;
	}
	printf("%d:", fh.type);
	for (unsigned i = 0; i < fh.bytes; i++)
		printf("%02x", fh.h[i]);
	putchar('\n');
	return 0;
}

/* The process canary: signals sent to it stay pending (the driver reads
 * SigPnd and ShdPnd), and only SIGKILL or SIGSTOP, which the driver sees
 * too, can end or stop it.  Its own process group, so that a group can be
 * aimed at it alone. */
static int hold(void)
{
	sigset_t all;

	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, NULL) < 0 || setpgid(0, 0) < 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1)
		return SETUP;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}

/* The union of the effective capabilities of pid's threads, or -1. */
static long long caps_of(int pid)
{
	char path[320], line[256];
	long long all = 0;
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof path, "/proc/%d/task", pid);
	if (!(dir = opendir(path)))
		return -1;
	while ((d = readdir(dir))) {
		FILE *f;
		unsigned long long v;
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%s/status", pid,
			 d->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "CapEff: %llx", &v) == 1)
				all |= (long long)v;
		fclose(f);
	}
	closedir(dir);
	return all;
}

/* The peer server ("peer-grant"): outside the sandbox, it tells each
 * client what authority the process it sees as its peer (SO_PEERCRED)
 * holds, as "uid=U caps=HEX", HEX the union over the peer's threads. */
static int peer_server(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), c;

	snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 ||
	    chmod(path, 0666) < 0 || listen(s, 16) < 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1)
		return SETUP;
	printf("ready\n");
	fflush(stdout);
	while ((c = accept4(s, NULL, NULL, SOCK_CLOEXEC)) >= 0 ||
	       errno == EINTR) {
		struct ucred cr;
		socklen_t len = sizeof cr;
		char line[64];
		int n;
		if (c < 0)
			continue;
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0) {
			n = snprintf(line, sizeof line, "uid=%u caps=%llx\n",
				     (unsigned)cr.uid,
				     (unsigned long long)caps_of(cr.pid));
			if (write(c, line, (size_t)n) < 0)
				(void)0;
		}
		close(c);
	}
	return SETUP;
}

int main(int argc, char **argv)
{
	struct ctx c = { 0 };
	int r, ngrants = 0;
	bool enter = argc > 1 && !strcmp(argv[1], "--enter");

	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < NTECH; i++)
			printf("%s\t%s\t%s\n", techniques[i].name,
			       techniques[i].flags, techniques[i].doc);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--handle"))
		return print_handle(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "--hold"))
		return hold();
	if (argc == 3 && !strcmp(argv[1], "--peer"))
		return peer_server(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "--can-enter"))
		return probe_can_enter();
	if (enter) {
		while (2 + ngrants < argc && strcmp(argv[2 + ngrants], "--"))
			ngrants++;
		if (2 + ngrants == argc)
			return say(SETUP, "--enter GRANT... without --");
		argc -= ngrants + 2;
		argv += ngrants + 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: escape-probe NAME KEY=VALUE...\n"
				"       escape-probe --enter GRANT... -- NAME "
				"KEY=VALUE...\n"
				"       escape-probe --list\n"
				"       escape-probe --handle PATH\n"
				"       escape-probe --hold\n"
				"       escape-probe --peer PATH\n"
				"       escape-probe --can-enter\n");
		return SETUP;
	}
	if ((r = parse(&c, argc - 2, argv + 2)) != 0)
		return r;
	if (enter != c.entered)
		return say(SETUP, "--enter and mode=entered go together");
	if (enter && (r = probe_enter(ngrants, argv - ngrants)) != 0)
		return r;
	/* A peer that hangs up must not turn an escape into a SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < NTECH; i++)
		if (!strcmp(argv[1], techniques[i].name))
			return techniques[i].fn(&c);
	return say(SETUP, "no technique '%s' (escape-probe --list)", argv[1]);
}
