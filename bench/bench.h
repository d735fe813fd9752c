/* SPDX-License-Identifier: MIT */
#ifndef OCAP_BENCH_H
#define OCAP_BENCH_H

/* What every bench program needs: a monotonic clock in nanoseconds, a
 * comparison for sorting samples (medians), and the workers' loop. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A worker's side of bench/run's Worker: "ready", then for each line N
 * read on stdin, N calls of one(arg), each timed and divided by what it
 * returns (how many operations it made), and the median of those in
 * nanoseconds on a line of its own: a call that was preempted is an
 * outlier, not a trend.  t holds max figures.  Returns at end of input. */
static inline void worker_serve(double (*one)(void *arg), void *arg,
				double *t, long max)
{
	char line[64];

	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof line, stdin)) {
		long n = strtol(line, NULL, 10);

		if (n <= 0 || n > max)
			errx(2, "chunk of %ld: 1 to %ld", n, max);
		for (long i = 0; i < n; i++) {
			double t0 = now_ns(), ops;

			ops = one(arg);
			t[i] = (now_ns() - t0) / ops;
		}
		qsort(t, (size_t)n, sizeof *t, cmp_double);
		printf("%.0f\n", t[n / 2]);
		fflush(stdout);
	}
}

#endif
