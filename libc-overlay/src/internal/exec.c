/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ov.h"

/* The kernel's limits: the first line it reads, the nesting of "#!". */
#define LINE_MAX_ 256
#define DEPTH_MAX 4

/* "#!interp [arg]" in the first bytes of fd: interp and arg (or NULL),
 * cut in line.  Returns 1 for a script, 0 otherwise. */
static int shebang(int fd, char *line, char **interp, char **arg)
{
	long n = ov_sys(SYS_pread64, fd, line, LINE_MAX_ - 1, 0);
	char *p, *e;

	if (n < 2 || line[0] != '#' || line[1] != '!')
		return 0;
	line[n] = '\0';
	if ((e = strchr(line, '\n')))
		*e = '\0';
	for (p = line + 2; *p == ' ' || *p == '\t'; p++)
		;
	if (!*p)
		return 0;
	*interp = p;
	p += strcspn(p, " \t");
	*arg = NULL;
	if (*p) {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		for (e = p + strlen(p); e > p && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = '\0';
		if (*p)
			*arg = p;
	}
	return 1;
}

static int run(ocap_ns *ns, const char *path, char *const argv[],
	       char *const envp[], int depth);

/* A script: its interpreter, run through the namespace in turn, is given
 * the script's path, as the kernel would give it, so that it opens the
 * script there too (the kernel would give /dev/fd/N for a descriptor). */
static int script(ocap_ns *ns, const char *path, char *interp, char *arg,
		  char *const argv[], char *const envp[], int depth)
{
	size_t argc = 0, k = 0;
	char **nargv;
	int r;

	while (argv && argv[argc])
		argc++;
	/* interp, arg, path, argv[1] on, NULL; argv may be empty */
	if (!(nargv = malloc((argc + 4) * sizeof *nargv)))
		return -ENOMEM;
	nargv[k++] = interp;
	if (arg)
		nargv[k++] = arg;
	nargv[k++] = (char *)path;
	for (size_t i = 1; i < argc; i++)
		nargv[k++] = argv[i];
	nargv[k] = NULL;
	r = run(ns, interp, nargv, envp, depth + 1);
	free(nargv);
	return r;
}

static int run(ocap_ns *ns, const char *path, char *const argv[],
	       char *const envp[], int depth)
{
	char line[LINE_MAX_], *interp, *arg;
	int fd, rfd, r;

	if (depth > DEPTH_MAX)
		return -ELOOP;
	if ((fd = ocap__ns_exec_open(ns, path)) < 0)
		return fd;
	/* Read the first line where the file can be read; a program that
	 * may only be run is no script. */
	rfd = ocap__ns_reach(ns, AT_FDCWD, path,
			     O_RDONLY | O_NONBLOCK | O_CLOEXEC, true, NULL);
	if (rfd >= 0) {
		int s = shebang(rfd, line, &interp, &arg);
		ov_sys(SYS_close, rfd);
		if (s) {
			ov_sys(SYS_close, fd);
			return script(ns, path, interp, arg, argv, envp, depth);
		}
	}
	r = (int)ov_sys(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	ov_sys(SYS_close, fd);
	return r;
}

int ocap__ov_execve(const char *path, char *const argv[], char *const envp[])
{
	ocap_ns *ns = ocap__ov_ns();

	if (!ns || !path)
		return (int)ov_sys(SYS_execve, path, argv, envp);
	return run(ns, path, argv, envp, 0);
}
