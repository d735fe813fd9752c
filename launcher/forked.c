/* SPDX-License-Identifier: MIT */
/* What a forked child does before it runs on its own (isolate.c,
 * linux/casper.c): shed descriptors, say how it went. */
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "casper.h"

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int ocap__close_except(int *keep, size_t n)
{
	unsigned lo = 0;

	qsort(keep, n, sizeof *keep, cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0)
			continue;
		if ((unsigned)keep[i] > lo &&
		    syscall(SYS_close_range, lo, keep[i] - 1, 0) < 0)
			return -errno;
		lo = (unsigned)keep[i] + 1;
	}
	return syscall(SYS_close_range, lo, ~0U, 0) < 0 ? -errno : 0;
}

int ocap__write_int(int fd, int v)
{
	ssize_t n;

	do
		n = write(fd, &v, sizeof v);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof v ? 0 : -EPIPE;
}
