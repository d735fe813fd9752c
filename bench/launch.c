/* SPDX-License-Identifier: MIT */
/*
 * launch: run several programs many times each with fork and execve,
 * interleaved launch by launch in a new random order each time, so that
 * drift on a noisy machine hits every variant alike.  Each launch is timed
 * from fork to the end of waitpid.  The programs' stdout and stderr go to
 * /dev/null, so a chatty sandbox pays no terminal time.
 *
 *	launch [-c] N1 [NAME=VALUE ...] PROGRAM [ARG ...] [';' N2 ...]
 *
 * NAME=VALUE words before a PROGRAM are set in its environment alone, as
 * env(1) would, without env's own exec.
 *
 * A variant launched Ni times is spread evenly over the run.  Prints one
 * line per variant, in the order given: how many launches exited non-zero,
 * then the time of each launch in nanoseconds.  With -c, each such line
 * is followed by one with the CPU time (user + system, nanoseconds) each
 * launch used, the launched program's and that of every descendant it
 * waited for: less noisy than the time taken on a loaded machine, though
 * blind to work done in parallel.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAXV 16

struct variant {
	long n;
	char **argv;
	long failed;
	long done;
	double *ns;
	double *cpu;
};

static double ru_ns(const struct rusage *ru)
{
	return (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e9 +
	       (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1e3;
}

static void launch(struct variant *v, int null)
{
	double t0 = now_ns();
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		err(2, "fork");
	if (pid == 0) {
		char **a = v->argv;

		dup2(null, 1);
		dup2(null, 2);
		for (; a[1] && a[0][0] != '/' && strchr(a[0], '='); a++)
			putenv(a[0]);
		execve(a[0], a, environ);
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			err(2, "wait4");
	v->cpu[v->done] = ru_ns(&ru);
	v->ns[v->done++] = now_ns() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		v->failed++;
}

static _Noreturn void usage(void)
{
	errx(2, "usage: launch [-c] N [NAME=VALUE ...] PROGRAM [ARG ...] "
		"[';' N ...]");
}

static int parse(int argc, char **argv, int first, struct variant *vs)
{
	int nv = 0;

	for (int i = first; i < argc; i++) {
		struct variant *v = &vs[nv];

		if (nv == MAXV || i + 1 >= argc ||
		    (v->n = strtol(argv[i], NULL, 10)) <= 0)
			usage();
		v->argv = argv + i + 1;
		while (i < argc && strcmp(argv[i], ";"))
			i++;
		argv[i] = NULL; /* ends this variant's argv (or is argv[argc]) */
		if (!v->argv[0])
			usage(); /* N without a PROGRAM */
		if (!(v->ns = calloc(v->n, sizeof *v->ns)) ||
		    !(v->cpu = calloc(v->n, sizeof *v->cpu)))
			err(2, "calloc");
		nv++;
	}
	return nv;
}

int main(int argc, char **argv)
{
	struct variant vs[MAXV] = { { 0 } };
	int cpu = argc > 1 && !strcmp(argv[1], "-c");
	int order[MAXV], nv = parse(argc, argv, 1 + cpu, vs), null;
	long max = 0;
	unsigned seed = (unsigned)getpid();

	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0)
		err(2, "/dev/null");
	for (int k = 0; k < nv; k++)
		max = vs[k].n > max ? vs[k].n : max;
	for (long i = 0; i < max; i++) {
		for (int k = 0; k < nv; k++)
			order[k] = k;
		for (int k = nv - 1; k > 0; k--) {
			int j = rand_r(&seed) % (k + 1), t = order[k];
			order[k] = order[j];
			order[j] = t;
		}
		for (int k = 0; k < nv; k++) {
			struct variant *v = &vs[order[k]];
			/* Launch v this time when its share of i + 1 steps
			 * reaches a new whole launch. */
			if ((i + 1) * v->n / max > i * v->n / max)
				launch(v, null);
		}
	}
	for (int k = 0; k < nv; k++) {
		printf("%ld", vs[k].failed);
		for (long i = 0; i < vs[k].done; i++)
			printf(" %.0f", vs[k].ns[i]);
		putchar('\n');
		if (cpu) {
			printf("cpu");
			for (long i = 0; i < vs[k].done; i++)
				printf(" %.0f", vs[k].cpu[i]);
			putchar('\n');
		}
		free(vs[k].ns);
		free(vs[k].cpu);
	}
	return 0;
}
