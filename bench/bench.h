/* SPDX-License-Identifier: MIT */
#ifndef OCAP_BENCH_H
#define OCAP_BENCH_H

/* What every bench program needs: a monotonic clock in nanoseconds and a
 * comparison for sorting samples (medians). */
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

#endif
