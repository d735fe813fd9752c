/* SPDX-License-Identifier: MIT */
/*
 * wrap: fork, execve the program, wait for it and pass its status on.
 * Built static, it is the least a launcher that stays as the parent (as
 * ocapsh's broker does) can cost: the floor under ocapsh in bench/run.
 *
 *	wrap PROGRAM [ARG ...]
 */
#include <err.h>
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status;
	pid_t pid;

	if (argc < 2)
		errx(125, "usage: wrap PROGRAM [ARG ...]");
	if ((pid = fork()) < 0)
		err(125, "fork");
	if (pid == 0) {
		execve(argv[1], argv + 1, environ);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			err(125, "waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status)
				 : 128 + WTERMSIG(status);
}
