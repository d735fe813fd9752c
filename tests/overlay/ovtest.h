/* SPDX-License-Identifier: MIT */
#ifndef OVTEST_H
#define OVTEST_H

/*
 * A tiny harness for the overlay's test programs.  They are built with
 * ocap-cc (static musl), so cmocka, built for glibc, cannot be linked in.
 *
 * Each program runs one list of steps in two modes (and may first fill
 * its tree outside the sandbox: "prepare T"):
 *   inside  T   under ocapsh: each step's result is checked against what
 *               the namespace must say; the exit status counts failures;
 *   outside T   a transcript of every result, paths shown relative to T,
 *               which the driver diffs against the same program built
 *               with plain musl-gcc: outside a sandbox the two must agree.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errname.h"

/* Not every program uses every helper. */
#define OVT_MAYBE_UNUSED __attribute__((unused))

static int ovt_inside, ovt_failed, ovt_n;
static const char *ovt_root;
static size_t ovt_rootlen;

/* T/rel, in one of a few rotating buffers. */
OVT_MAYBE_UNUSED static const char *P(const char *rel)
{
	static char buf[8][4096];
	static int i;
	char *b = buf[i++ % 8];

	snprintf(b, sizeof buf[0], "%s/%s", ovt_root, rel);
	return b;
}

/* A path shown relative to T in transcripts. */
OVT_MAYBE_UNUSED static const char *shown(const char *s)
{
	if (s && !strncmp(s, ovt_root, ovt_rootlen) &&
	    (s[ovt_rootlen] == '/' || !s[ovt_rootlen]))
		return s[ovt_rootlen] ? s + ovt_rootlen : "/";
	return s ? s : "(null)";
}

/* A call returned r (negative: failed with errno e).  Inside, want is 0
 * for success or the errno expected. */
static void ovt_check(int line, const char *what, long r, int e, int want)
{
	int got = r < 0 ? e : 0;

	ovt_n++;
	if (!ovt_inside) {
		printf("%d %s = %s\n", line, what, errname(got));
		return;
	}
	if (got == want) {
		printf("ok %d - %s\n", ovt_n, what);
		return;
	}
	printf("not ok %d - line %d: %s: %s, want %s\n", ovt_n, line, what,
	       errname(got), errname(want));
	ovt_failed++;
}

OVT_MAYBE_UNUSED static void ovt_str(int line, const char *what, const char *got,
		    const char *want)
{
	ovt_n++;
	if (!ovt_inside) {
		printf("%d %s = \"%s\"\n", line, what, shown(got));
		return;
	}
	if (got && want && !strcmp(got, want)) {
		printf("ok %d - %s\n", ovt_n, what);
		return;
	}
	printf("not ok %d - line %d: %s: \"%s\", want \"%s\"\n", ovt_n, line,
	       what, got ? got : "(null)", want ? want : "(null)");
	ovt_failed++;
}

OVT_MAYBE_UNUSED static void ovt_num(int line, const char *what, long got, long want)
{
	ovt_n++;
	if (!ovt_inside) {
		printf("%d %s = %ld\n", line, what, got);
		return;
	}
	if (got == want) {
		printf("ok %d - %s\n", ovt_n, what);
		return;
	}
	printf("not ok %d - line %d: %s: %ld, want %ld\n", ovt_n, line, what,
	       got, want);
	ovt_failed++;
}

/* CHECK(want, call): an int or ssize_t call, -1 on failure. */
#define CHECK(want, call)                                                  \
	do {                                                               \
		errno = 0;                                                 \
		long r_ = (long)(call);                                    \
		ovt_check(__LINE__, #call, r_, errno, (want));             \
	} while (0)
/* CHECKP(want, call): a call returning a pointer, NULL on failure. */
#define CHECKP(want, call)                                                 \
	do {                                                               \
		errno = 0;                                                 \
		long r_ = (call) ? 0 : -1;                                 \
		ovt_check(__LINE__, #call, r_, errno, (want));             \
	} while (0)
#define CHECKS(got, want) ovt_str(__LINE__, #got, (got), (want))
#define CHECKN(got, want) ovt_num(__LINE__, #got, (long)(got), (long)(want))
/* Only inside: a fact about the namespace the kernel cannot share. */
#define INSIDE if (ovt_inside)

/* Reads the mode; "prepare" runs prepare (when not NULL) and exits. */
static void ovt_start(int argc, char **argv, void (*prepare)(void))
{
	if (argc != 3 || (strcmp(argv[1], "inside") &&
			  strcmp(argv[1], "outside") &&
			  strcmp(argv[1], "prepare"))) {
		fprintf(stderr, "usage: %s inside|outside|prepare DIR\n",
			argv[0]);
		exit(2);
	}
	ovt_inside = !strcmp(argv[1], "inside");
	ovt_root = argv[2];
	ovt_rootlen = strlen(ovt_root);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "prepare")) {
		if (prepare)
			prepare();
		exit(0);
	}
}

static int ovt_end(void)
{
	if (ovt_inside)
		printf("1..%d\n", ovt_n);
	return ovt_failed ? 1 : 0;
}

#endif
