/* SPDX-License-Identifier: MIT */
/*
 * Programs run through the namespace: the exec family, fexecve,
 * posix_spawn (and its file actions), posix_spawnp, system, popen.  The
 * tree is ov_paths.c's plus bin/tool (a copy of this program) and
 * bin/script ("#!T/bin/tool child-script"), made by prepare; the driver
 * grants --ro T/ro --rw T/rw --rx T/bin.  Run as "tool child ...", this
 * program is the one being run.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ovtest.h"

/* The program being run: "child N" exits N; "child-script" is an
 * interpreter given (script path, "a"); "echo" and "pwd" print;
 * "child-sig" exits with 1 for SIGUSR1 blocked + 2 for SIGUSR2 ignored
 * + 4 for a process group of its own; "child-fd N" exits 0 when
 * descriptor N is open. */
static int child(int argc, char **argv)
{
	char buf[PATH_MAX];
	size_t n;

	if (!strcmp(argv[1], "child"))
		return argc > 2 ? atoi(argv[2]) : 0;
	if (!strcmp(argv[1], "child-script")) {
		n = argc > 2 ? strlen(argv[2]) : 0;
		return argc == 4 && n > 11 &&
				       !strcmp(argv[2] + n - 11, "/bin/script") &&
				       !strcmp(argv[3], "a")
			       ? 42
			       : 1;
	}
	if (!strcmp(argv[1], "child-sig")) {
		sigset_t set;
		struct sigaction sa;
		sigprocmask(SIG_BLOCK, NULL, &set);
		sigaction(SIGUSR2, NULL, &sa);
		return sigismember(&set, SIGUSR1) +
		       2 * (sa.sa_handler == SIG_IGN) +
		       4 * (getpgrp() == getpid());
	}
	if (!strcmp(argv[1], "child-fd"))
		return argc > 2 && fcntl(atoi(argv[2]), F_GETFD) >= 0 ? 0 : 1;
	if (!strcmp(argv[1], "echo"))
		return puts("spawned") < 0;
	if (!strcmp(argv[1], "pwd"))
		return puts(getcwd(buf, sizeof buf) ? buf : "?") < 0;
	return -1;
}

static void copy(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT, mode);
	ssize_t n;

	if (in < 0 || out < 0)
		exit(1);
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			exit(1);
	close(in);
	close(out);
}

static void prepare(void)
{
	FILE *f;

	if (mkdir(P("bin"), 0755) < 0)
		exit(1);
	copy("/proc/self/exe", P("bin/tool"), 0755);
	if (!(f = fopen(P("bin/script"), "w")) ||
	    fprintf(f, "#!%s child-script\n", P("bin/tool")) < 0 || fclose(f))
		exit(1);
	chmod(P("bin/script"), 0755);
}

/* The exit status of a child that ran fn, or 200 + errno when the exec
 * failed. */
static int wait_for(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define FORKED(call)                                                       \
	({                                                                 \
		pid_t pid_ = fork();                                       \
		if (pid_ == 0) {                                           \
			call;                                              \
			_exit(200 + errno);                                \
		}                                                          \
		wait_for(pid_);                                            \
	})

static int spawn(const char *path, posix_spawn_file_actions_t *fa,
		 char *const argv[])
{
	pid_t pid;
	int e = posix_spawn(&pid, path, fa, NULL, argv, environ);

	return e ? 200 + e : wait_for(pid);
}

static const char *contents(const char *path)
{
	static char buf[PATH_MAX];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return buf;
}

static void t_exec(void)
{
	CHECKN(FORKED(execv(P("bin/tool"),
			    (char *[]){ "tool", "child", "7", NULL })), 7);
	CHECKN(FORKED(execl(P("bin/tool"), "tool", "child", "11", (char *)0)),
	       11);
	CHECKN(FORKED(execle(P("bin/tool"), "tool", "child", "12", (char *)0,
			     environ)), 12);
	INSIDE CHECKN(FORKED(execv(P("secret/s"), (char *[]){ "s", NULL })),
		      200 + ENOENT);
	CHECKN(FORKED(execv(P("nothing"), (char *[]){ "x", NULL })),
	       200 + ENOENT);
	CHECKN(FORKED(execv(P("ro/file"), (char *[]){ "f", NULL })),
	       200 + EACCES);
	CHECKN(FORKED(execv(P("ro/dir"), (char *[]){ "d", NULL })),
	       200 + EACCES);
	/* A script: its interpreter is run through the namespace too. */
	CHECKN(FORKED(execv(P("bin/script"), (char *[]){ "script", "a", NULL })),
	       42);
	/* PATH search. */
	setenv("PATH", P("bin"), 1);
	CHECKN(FORKED(execvp("tool", (char *[]){ "tool", "child", "3", NULL })),
	       3);
	CHECKN(FORKED(execlp("tool", "tool", "child", "4", (char *)0)), 4);
	CHECKN(FORKED(execvp("nothing", (char *[]){ "x", NULL })),
	       200 + ENOENT);
	/* A descriptor. */
	CHECKN(FORKED(fexecve(open(P("bin/tool"), O_PATH | O_CLOEXEC),
			      (char *[]){ "tool", "child", "9", NULL },
			      environ)), 9);
}

static void t_spawn(void)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;

	CHECKN(spawn(P("bin/tool"), NULL,
		     (char *[]){ "tool", "child", "5", NULL }), 5);
	CHECKN(spawn(P("nothing"), NULL, (char *[]){ "x", NULL }),
	       200 + ENOENT);
	INSIDE CHECKN(spawn(P("secret/s"), NULL, (char *[]){ "x", NULL }),
		      200 + ENOENT);
	CHECKN(spawn(P("bin/script"), NULL, (char *[]){ "script", "a", NULL }),
	       42);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, P("rw/out"),
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECKN(spawn(P("bin/tool"), &fa, (char *[]){ "tool", "echo", NULL }),
	       0);
	posix_spawn_file_actions_destroy(&fa);
	CHECKS(contents(P("rw/out")), "spawned\n");

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, P("rw"));
	posix_spawn_file_actions_addopen(&fa, 1, "out2",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECKN(spawn(P("bin/tool"), &fa, (char *[]){ "tool", "pwd", NULL }),
	       0);
	posix_spawn_file_actions_destroy(&fa);
	char want[PATH_MAX];
	snprintf(want, sizeof want, "%s\n", P("rw"));
	CHECKS(contents(P("rw/out2")), want);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, P("nothing/out"), O_RDONLY, 0);
	CHECKN(spawn(P("bin/tool"), &fa, (char *[]){ "tool", "echo", NULL }),
	       200 + ENOENT);
	posix_spawn_file_actions_destroy(&fa);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addclose(&fa, 1);
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	CHECKN(spawn(P("bin/tool"), &fa, (char *[]){ "tool", "child", "6", NULL }),
	       6);
	posix_spawn_file_actions_destroy(&fa);

	setenv("PATH", P("bin"), 1);
	CHECKN(posix_spawnp(&pid, "tool", NULL, NULL,
			    (char *[]){ "tool", "child", "8", NULL }, environ),
	       0);
	CHECKN(wait_for(pid), 8);
	CHECKN(posix_spawnp(&pid, "nothing", NULL, NULL,
			    (char *[]){ "x", NULL }, environ), ENOENT);

	/* system() and popen() run /bin/sh, which is not granted here. */
	INSIDE CHECK(ENOENT, system("exit 3"));
	INSIDE CHECKP(ENOENT, popen("true", "r"));
}

/* The attributes, and actions on descriptors the child uses itself
 * (its error pipe, a directory it moved to). */
static void t_spawn_more(void)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t set;
	char want[PATH_MAX], fdname[16];
	pid_t pid;
	int dir, fd;

	signal(SIGUSR2, SIG_IGN);
	posix_spawnattr_init(&at);
	CHECKN(posix_spawn(&pid, P("bin/tool"), NULL, &at,
			   (char *[]){ "tool", "child-sig", NULL }, environ), 0);
	CHECKN(wait_for(pid), 2);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	posix_spawnattr_setsigmask(&at, &set);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	posix_spawnattr_setsigdefault(&at, &set);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF |
					      POSIX_SPAWN_SETPGROUP);
	CHECKN(posix_spawn(&pid, P("bin/tool"), NULL, &at,
			   (char *[]){ "tool", "child-sig", NULL }, environ), 0);
	CHECKN(wait_for(pid), 1 + 4);
	posix_spawnattr_destroy(&at);
	signal(SIGUSR2, SIG_DFL);

	/* fchdir, then the descriptor closed: a relative open still lands
	 * in that directory. */
	dir = open(P("rw"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addfchdir_np(&fa, dir);
	posix_spawn_file_actions_addclose(&fa, dir);
	posix_spawn_file_actions_addopen(&fa, 1, "out3",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECKN(spawn(P("bin/tool"), &fa, (char *[]){ "tool", "pwd", NULL }),
	       0);
	posix_spawn_file_actions_destroy(&fa);
	close(dir);
	snprintf(want, sizeof want, "%s\n", P("rw"));
	CHECKS(contents(P("rw/out3")), want);

	/* Actions on the two lowest free descriptors, where posix_spawn's
	 * error pipe starts: the exec's error still comes back. */
	fd = dup(0);
	dir = dup(0);
	close(fd);
	close(dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, fd, P("rw/out3"), O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, dir, P("rw/out3"), O_RDONLY, 0);
	CHECKN(spawn(P("nothing"), &fa, (char *[]){ "x", NULL }),
	       200 + ENOENT);
	posix_spawn_file_actions_destroy(&fa);

	/* dup2 onto itself keeps a close-on-exec descriptor open. */
	fd = open(P("ro/file"), O_RDONLY | O_CLOEXEC);
	snprintf(fdname, sizeof fdname, "%d", fd);
	CHECKN(spawn(P("bin/tool"), NULL,
		     (char *[]){ "tool", "child-fd", fdname, NULL }), 1);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, fd);
	CHECKN(spawn(P("bin/tool"), &fa,
		     (char *[]){ "tool", "child-fd", fdname, NULL }), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(fd);
	CHECKN(posix_spawn_file_actions_init(&fa), 0);
	CHECKN(posix_spawn_file_actions_adddup2(&fa, -1, 1), EBADF);
	CHECKN(posix_spawn_file_actions_addclose(&fa, -1), EBADF);
	posix_spawn_file_actions_destroy(&fa);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strncmp(argv[1], "child", 5) == 0)
		return child(argc, argv);
	if (argc > 1 && (!strcmp(argv[1], "echo") || !strcmp(argv[1], "pwd")))
		return child(argc, argv);
	ovt_start(argc, argv, prepare);
	t_exec();
	t_spawn();
	t_spawn_more();
	return ovt_end();
}
