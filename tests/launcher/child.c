/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"

int skipped;

int run_child(child_fn *fn, void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* cmocka's handlers would carry on with the tests in here. */
		static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE,
					     SIGSYS, SIGABRT };

		for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++)
			signal(fatal[i], SIG_DFL);
		fflush(NULL);
		_exit(fn(arg));
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

const char *status_str(int status, char *buf, size_t size)
{
	if (status == -1)
		snprintf(buf, size, "fork/wait failed");
	else if (WIFEXITED(status))
		snprintf(buf, size, "exit %d (%s)", WEXITSTATUS(status),
			 strerrorname_np(WEXITSTATUS(status)) ?
			 strerrorname_np(WEXITSTATUS(status)) : "?");
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "signal %d (%s)", WTERMSIG(status),
			 sigabbrev_np(WTERMSIG(status)) ?
			 sigabbrev_np(WTERMSIG(status)) : "?");
	else
		snprintf(buf, size, "status 0x%x", status);
	return buf;
}

int drop_to_nobody(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return -errno;
	return 0;
}

int set_nnp(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
}

int errno_of(long r)
{
	return r < 0 ? errno : 0;
}

int finish(int failures)
{
	if (failures == 0 && skipped > 0) {
		fprintf(stderr, "%d case(s) skipped: see the messages above\n",
			skipped);
		return 77;
	}
	return failures ? 1 : 0;
}
