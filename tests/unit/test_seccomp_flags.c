/* SPDX-License-Identifier: MIT */
/*
 * The compat modes' programs for the flags grants ask for ("@udp" ...),
 * compiled at build time: for every mode and mask of flags, the prebuilt
 * program is instruction for instruction what libseccomp compiles now
 * for the same list, in the order backend.c lists the flags and in the
 * reverse order; the modes without flags have none.  The mask of a list
 * is the same in any order, and -1 once a syscall is in it.  Loading a
 * list of flags alone hands the kernel the prebuilt program with the
 * flags of any other load and compiles nothing; a list with a syscall is
 * compiled as before.  syscall() and ocap__seccomp_compile are wrapped
 * (-Wl,--wrap): nothing is loaded here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <linux/seccomp.h>

#include "sandbox.h"
#include "support.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define NFLAGS 5
#define FAKE_LISTENER 42

/* What the last seccomp(SECCOMP_SET_MODE_FILTER) was given, and how many
 * programs were compiled since the count was reset. */
static struct {
	unsigned long flags;
	const struct sock_filter *filter;
	struct sock_filter *copy;
	size_t len;
	int loads, compiles;
} seen;

long __wrap_syscall(long nr, ...);
int __real_ocap__seccomp_compile(int mode, const char *const *extra,
				 size_t n, struct sock_filter **prog,
				 size_t *len);
int __wrap_ocap__seccomp_compile(int mode, const char *const *extra,
				 size_t n, struct sock_filter **prog,
				 size_t *len);

/* A filter load, as load_prog() makes it, is noted, not made: a
 * supervised one gets a made-up listener.  Nothing else here calls
 * syscall(). */
long __wrap_syscall(long nr, ...)
{
	const struct sock_fprog *p;
	va_list ap;
	int op;

	if (nr != SYS_seccomp)
		fail_msg("syscall(%ld): not expected here", nr);
	va_start(ap, nr);
	op = va_arg(ap, int);
	seen.flags = va_arg(ap, unsigned long);
	p = va_arg(ap, const struct sock_fprog *);
	va_end(ap);
	assert_int_equal(op, SECCOMP_SET_MODE_FILTER);
	free(seen.copy);
	seen.filter = p->filter;
	seen.len = p->len;
	seen.copy = malloc(seen.len * sizeof *seen.copy);
	assert_non_null(seen.copy);
	memcpy(seen.copy, p->filter, seen.len * sizeof *seen.copy);
	seen.loads++;
	return (seen.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) ? FAKE_LISTENER
								: 0;
}

int __wrap_ocap__seccomp_compile(int mode, const char *const *extra,
				 size_t n, struct sock_filter **prog,
				 size_t *len)
{
	seen.compiles++;
	return __real_ocap__seccomp_compile(mode, extra, n, prog, len);
}

/* mask's flags in bit order (backend.c's), or reversed: how many. */
static size_t flags_of(unsigned mask, bool reversed, const char **out)
{
	size_t n = 0;

	for (unsigned b = 1; b <= OCAP_SC_FLAGS_ALL; b <<= 1)
		if (mask & b)
			out[n++] = ocap__seccomp_flag(b);
	for (size_t i = 0; reversed && i < n / 2; i++) {
		const char *t = out[i];

		out[i] = out[n - 1 - i];
		out[n - 1 - i] = t;
	}
	return n;
}

static void expect_same(const char *what, int mode, unsigned mask,
			const struct sock_filter *a, size_t na,
			const struct sock_filter *b, size_t nb)
{
	if (na != nb)
		fail_msg("%s, mode %d mask %#x: %zu instructions against %zu",
			 what, mode, mask, na, nb);
	for (size_t i = 0; i < na; i++)
		if (memcmp(&a[i], &b[i], sizeof a[i]))
			fail_msg("%s, mode %d mask %#x: instruction %zu "
				 "differs", what, mode, mask, i);
}

static bool flagged_mode(int mode)
{
	return mode == OCAP_SC_COMPAT || mode == OCAP_SC_SUPER;
}

/* Every mode and mask: the prebuilt program against libseccomp's now. */
static void test_prebuilt(void **state)
{
	const struct sock_filter *pre;
	size_t npre;
	int programs = 0;

	(void)state;
	for (int m = 0; m < OCAP_SC_NMODES; m++) {
		assert_ret(ocap__seccomp_prebuilt_flags(m, 0, &pre, &npre),
			   -EINVAL);
		for (unsigned mask = 1; mask <= OCAP_SC_FLAGS_ALL; mask++) {
			int r = ocap__seccomp_prebuilt_flags(m, mask, &pre,
							     &npre);

			if (!flagged_mode(m)) {
				assert_ret(r, -EINVAL);
				continue;
			}
			assert_ret(r, 0);
			for (int rev = 0; rev < 2; rev++) {
				const char *extra[NFLAGS];
				size_t n = flags_of(mask, rev, extra), nnow;
				struct sock_filter *now;

				assert_ret(ocap__seccomp_compile(m, extra, n,
								 &now, &nnow),
					   0);
				expect_same(rev ? "reversed" : "in order", m,
					    mask, pre, npre, now, nnow);
				free(now);
			}
			programs++;
		}
	}
	assert_int_equal(programs, 2 * OCAP_SC_FLAGS_ALL);
	assert_ret(ocap__seccomp_prebuilt_flags(-1, 1, &pre, &npre), -EINVAL);
	assert_ret(ocap__seccomp_prebuilt_flags(OCAP_SC_NMODES, 1, &pre,
						&npre), -EINVAL);
	assert_ret(ocap__seccomp_prebuilt_flags(OCAP_SC_COMPAT,
						OCAP_SC_FLAGS_ALL + 1, &pre,
						&npre), -EINVAL);
}

static void test_mask(void **state)
{
	static const struct {
		const char *extra[6];
		int mask;
	} cases[] = {
		{ { NULL }, 0 },
		{ { "@udp" }, OCAP_SC_BIT_UDP },
		{ { "@unix" }, OCAP_SC_BIT_UNIX },
		{ { "@listen" }, OCAP_SC_BIT_LISTEN },
		{ { "@hide" }, OCAP_SC_BIT_HIDE },
		{ { "@suggest" }, OCAP_SC_BIT_SUGGEST },
		{ { "@udp", "@unix", "@listen", "@hide", "@suggest" }, 0x1f },
		{ { "@suggest", "@hide", "@listen", "@unix", "@udp" }, 0x1f },
		{ { "@listen", "@suggest", "@udp", "@hide", "@unix" }, 0x1f },
		{ { "@udp", "@listen" }, 0x05 },
		{ { "@listen", "@udp" }, 0x05 },
		{ { "@suggest", "@unix", "@suggest" }, 0x12 },
		/* a syscall, anywhere in the list */
		{ { "chroot" }, -1 },
		{ { "chroot", "@udp" }, -1 },
		{ { "@udp", "@listen", "chroot" }, -1 },
		{ { "161" }, -1 },
		/* not a flag, nearly */
		{ { "udp" }, -1 },
		{ { "@" }, -1 },
		{ { "@udpx" }, -1 },
		{ { "@UDP" }, -1 },
		{ { "" }, -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		size_t n = 0;

		while (n < 6 && cases[i].extra[n])
			n++;
		if (ocap__seccomp_flags_mask(cases[i].extra, n) !=
		    cases[i].mask)
			fail_msg("case %zu (%s...): mask %d, expected %d", i,
				 n ? cases[i].extra[0] : "",
				 ocap__seccomp_flags_mask(cases[i].extra, n),
				 cases[i].mask);
	}
	/* Each bit names its flag, and its flag gives that bit back. */
	for (unsigned b = 1; b <= OCAP_SC_FLAGS_ALL; b <<= 1) {
		const char *f = ocap__seccomp_flag(b);

		assert_non_null(f);
		assert_int_equal(ocap__seccomp_flags_mask(&f, 1), (int)b);
	}
	assert_null(ocap__seccomp_flag(0));
	assert_null(ocap__seccomp_flag(OCAP_SC_FLAGS_ALL + 1));
	assert_null(ocap__seccomp_flag(0x3));
}

/* One load through ocap__seccomp_load_extra: its value. */
static int load(int mode, const char *const *extra, size_t n)
{
	seen.loads = seen.compiles = 0;
	seen.filter = NULL;
	return ocap__seccomp_load_extra(mode, extra, n);
}

/* Loading extra (flags alone) hands the kernel the prebuilt program for
 * mask itself, with flags, and compiles nothing; the load returns want. */
static void expect_prebuilt(int mode, const char *const *extra, size_t n,
			    unsigned mask, long want, unsigned long flags)
{
	const struct sock_filter *pre;
	size_t npre;

	assert_ret(load(mode, extra, n), want);
	assert_ret(ocap__seccomp_prebuilt_flags(mode, mask, &pre, &npre), 0);
	assert_int_equal(seen.loads, 1);
	assert_int_equal(seen.compiles, 0);
	assert_ptr_equal(seen.filter, pre);
	assert_int_equal(seen.len, npre);
	assert_int_equal(seen.flags, flags);
}

static void test_load(void **state)
{
	static const char *const compat[] = { "@listen", "@udp" };
	static const char *const super[] = { "@suggest", "@unix", "@hide" };
	static const char *const mixed[] = { "@udp", "chroot" };
	const unsigned long listen = SECCOMP_FILTER_FLAG_NEW_LISTENER |
				     SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	const struct sock_filter *pre;
	struct sock_filter *now;
	size_t npre, nnow;

	(void)state;
	expect_prebuilt(OCAP_SC_COMPAT, compat, 2, 0x05, 0, 0);
	/* Supervised: the listener comes back as before. */
	expect_prebuilt(OCAP_SC_SUPER, super, 3, 0x1a, FAKE_LISTENER, listen);

	/* A syscall among them: compiled now, as before. */
	assert_ret(load(OCAP_SC_COMPAT, mixed, 2), 0);
	assert_int_equal(seen.loads, 1);
	assert_int_equal(seen.compiles, 1);
	assert_ret(ocap__seccomp_compile(OCAP_SC_COMPAT, mixed, 2, &now,
					 &nnow), 0);
	assert_non_null(seen.copy);
	expect_same("with chroot", OCAP_SC_COMPAT, 0, seen.copy, seen.len,
		    now, nnow);
	free(now);

	/* A mode without flagged programs (backend.c gives it no flags):
	 * compiled now. */
	assert_ret(load(OCAP_SC_NSUPER, compat, 2), FAKE_LISTENER);
	assert_int_equal(seen.compiles, 1);
	assert_int_equal(seen.flags, listen);

	/* Nothing extra: compiled now, the default program. */
	assert_ret(load(OCAP_SC_COMPAT, NULL, 0), 0);
	assert_int_equal(seen.compiles, 1);
	assert_ret(ocap__seccomp_prebuilt(OCAP_SC_COMPAT, &pre, &npre), 0);
	expect_same("empty", OCAP_SC_COMPAT, 0, seen.copy, seen.len, pre,
		    npre);
	free(seen.copy);
	seen.copy = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prebuilt),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
