/* SPDX-License-Identifier: MIT */
/*
 * Whatever the layout of the hand-written prefix, each prebuilt program
 * decides what its parts say.  For every mode and mask of flags, a small
 * interpreter runs the program on every syscall number 0..600, its x32
 * form and a few edge numbers, as x86_64 and as i386, with arguments that
 * match each refusal of the prefix and that just miss it.  Its answer must
 * be the reference's: on x86_64, ENOSYS above libseccomp's table (x32
 * numbers aside), EPERM where an argument is refused, and otherwise (i386
 * too) what libseccomp's own program answers when run alone.  That
 * program is captured as seccomp.c exports it (seccomp_export_bpf,
 * wrapped); the refusals are written here from the kernel's headers, not
 * taken from seccomp.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/fs.h>
#include <linux/fsverity.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "sandbox.h"
#include "support.h"

#ifndef SO_PASSPIDFD /* <asm-generic/socket.h>, both Linux 6.5 */
#define SO_PASSPIDFD 76
#define SO_PEERPIDFD 77
#endif

#define NFLAGS 5
#define X32 0x40000000u
#define LO32 0xffffffffu
#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | (uint32_t)(e))

/* libseccomp's program of the last compile. */
static struct {
	struct sock_filter *f;
	size_t len;
} body;

int __real_seccomp_export_bpf(scmp_filter_ctx ctx, int fd);
int __wrap_seccomp_export_bpf(scmp_filter_ctx ctx, int fd);

int __wrap_seccomp_export_bpf(scmp_filter_ctx ctx, int fd)
{
	int r = __real_seccomp_export_bpf(ctx, fd);
	struct stat st;

	assert_int_equal(r, 0);
	assert_int_equal(fstat(fd, &st), 0);
	free(body.f);
	body.len = (size_t)st.st_size / sizeof *body.f;
	body.f = malloc((size_t)st.st_size);
	assert_non_null(body.f);
	assert_int_equal(pread(fd, body.f, (size_t)st.st_size, 0),
			 st.st_size);
	return r;
}

/* What the prefix refuses although the rules allow the call: argument a
 * masked with m equal to va, and where b is set argument b equal to vb. */
struct refusal {
	const char *name;
	unsigned a, b;
	uint32_t m, va, vb;
};

#define IOCTL(cmd) { "ioctl", 1, 0, LO32, (uint32_t)(cmd), 0 }
#define FCNTL(cmd) { "fcntl", 1, 0, LO32, (cmd), 0 }
#define SOCKOPT(call, level, opt) { call, 1, 2, LO32, (level), (opt) }

static const struct refusal refusals[] = {
	IOCTL(TIOCSTI), IOCTL(TIOCLINUX), IOCTL(TIOCSETD), IOCTL(TIOCSWINSZ),
	IOCTL(TIOCSPGRP), IOCTL(TIOCEXCL), IOCTL(TIOCNXCL), IOCTL(TIOCSCTTY),
	IOCTL(TIOCNOTTY), IOCTL(TIOCCONS), IOCTL(TIOCVHANGUP), IOCTL(TIOCSIG),
	IOCTL(FS_IOC_SETFLAGS), IOCTL(FS_IOC32_SETFLAGS),
	IOCTL(FS_IOC_SETVERSION), IOCTL(FS_IOC32_SETVERSION),
	IOCTL(FS_IOC_FSSETXATTR), IOCTL(FS_IOC_ENABLE_VERITY),
	IOCTL(FS_IOC_SET_ENCRYPTION_POLICY),
	/* access mode 3 */
	{ "open", 1, 0, O_ACCMODE, O_ACCMODE, 0 },
	{ "openat", 2, 0, O_ACCMODE, O_ACCMODE, 0 },
	FCNTL(F_SETLEASE), FCNTL(F_NOTIFY),
	SOCKOPT("setsockopt", IPPROTO_TCP, TCP_FASTOPEN_CONNECT),
	SOCKOPT("setsockopt", IPPROTO_TCP, TCP_ULP),
	SOCKOPT("setsockopt", SOL_SOCKET, SO_PASSPIDFD),
	SOCKOPT("getsockopt", SOL_SOCKET, SO_PEERPIDFD),
};

#define NREFUSALS (sizeof refusals / sizeof *refusals)

/* The answer of f for d, as the kernel computes it; the test fails on an
 * instruction these programs never hold, a load out of seccomp_data or a
 * jump past the end. */
static uint32_t run(const struct sock_filter *f, size_t len,
		    const struct seccomp_data *d)
{
	uint32_t a = 0;

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		uint32_t off;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k % 4 || i->k >= sizeof *d)
				fail_msg("%zu: load at %u", pc, i->k);
			memcpy(&a, (const char *)d + i->k, sizeof a);
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			continue;
		case BPF_RET | BPF_K:
			return i->k;
		case BPF_JMP | BPF_JA:
			off = i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			off = a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			off = a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			off = a > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			off = (a & i->k) ? i->jt : i->jf;
			break;
		default:
			fail_msg("%zu: instruction %#x", pc, i->code);
			return 0;
		}
		if (off >= len - pc - 1)
			fail_msg("%zu: jump of %u past the end", pc, off);
		pc += off;
	}
	fail_msg("ran off the end");
	return 0;
}

/* The first number above libseccomp's table, as seccomp.c counts it:
 * from a call every kernel here has, up to the first it cannot name. */
static uint32_t first_new(void)
{
	int nr = SCMP_SYS(set_mempolicy_home_node);
	char *name = NULL;

	do
		free(name);
	while ((name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
							 ++nr)));
	return (uint32_t)nr;
}

/* Whether mode's table has a row for name (reachable or not). */
static bool in_table(int mode, const char *name)
{
	const char *s;

	for (size_t i = 0; (s = ocap__seccomp_name(mode, i, NULL)); i++)
		if (!strcmp(s, name))
			return true;
	return false;
}

/* nrs: each refusal's syscall, or -1 where mode's table has no row. */
static void refusal_nrs(int mode, int *nrs)
{
	for (size_t i = 0; i < NREFUSALS; i++)
		nrs[i] = in_table(mode, refusals[i].name)
				 ? seccomp_syscall_resolve_name(refusals[i].name)
				 : -1;
}

static bool refused(const int *nrs, const struct seccomp_data *d)
{
	for (size_t i = 0; i < NREFUSALS; i++) {
		const struct refusal *r = &refusals[i];

		if (d->nr == nrs[i] &&
		    ((uint32_t)d->args[r->a] & r->m) == r->va &&
		    (!r->b || (uint32_t)d->args[r->b] == r->vb))
			return true;
	}
	return false;
}

static uint32_t reference(const int *nrs, uint32_t newest,
			  const struct seccomp_data *d)
{
	uint32_t nr = (uint32_t)d->nr;

	if (d->arch == AUDIT_ARCH_X86_64 && nr >= newest && nr < X32)
		return RET_ERRNO(ENOSYS);
	if (d->arch == AUDIT_ARCH_X86_64 && refused(nrs, d))
		return RET_ERRNO(EPERM);
	return run(body.f, body.len, d);
}

/* Argument vectors: none set, all set, and for each refusal its values
 * (with and without a high word, with the bits its mask ignores), values
 * one bit away from them, and a pair's values swapped. */
#define NVARIANTS 7
#define NARGS (2 + NVARIANTS * NREFUSALS)

static void make_args(uint64_t args[NARGS][6])
{
	size_t n = 0;

	memset(args, 0, NARGS * sizeof *args);
	memset(args[++n], 0xff, sizeof *args);
	for (size_t i = 0; i < NREFUSALS; i++) {
		const struct refusal *r = &refusals[i];

		for (unsigned v = 0; v < NVARIANTS; v++) {
			uint64_t *a = args[++n];

			a[r->a] = r->va;
			if (r->b)
				a[r->b] = r->vb;
			if (v == 1) /* the kernel's int is the low word */
				a[r->a] |= 0xdeadbeefull << 32;
			if (v == 2)
				a[r->a] |= ~r->m;
			if (v == 3)
				a[r->a] ^= 1;
			if (v == 4)
				a[r->a] ^= 0x80000000u;
			if (v == 5 && r->b)
				a[r->b] ^= 1;
			if (v == 6 && r->b)
				a[r->a] = r->vb, a[r->b] = r->va;
		}
	}
	assert_int_equal(n + 1, NARGS);
}

/* Every number 0..600, then its x32 form, then a few edges. */
static const uint32_t edges[] = { 0xffff, X32 - 1, 0x7fffffffu,
				  0x80000000u, 0xfffffffeu, 0xffffffffu };

#define NLOW ((size_t)601)
#define NNUMBERS (2 * NLOW + sizeof edges / sizeof *edges)

static uint32_t number(size_t k)
{
	if (k < NLOW)
		return (uint32_t)k;
	if (k < 2 * NLOW)
		return (uint32_t)(k - NLOW) | X32;
	return edges[k - 2 * NLOW];
}

/* f against the reference on every number, arch and argument vector. */
static void expect_paths(const char *what, int mode, unsigned mask,
			 const struct sock_filter *f, size_t len)
{
	static const uint32_t arches[] = { AUDIT_ARCH_X86_64,
					   AUDIT_ARCH_I386 };
	static uint64_t args[NARGS][6];
	uint32_t newest = first_new();
	int nrs[NREFUSALS];

	refusal_nrs(mode, nrs);
	make_args(args);
	for (size_t arch = 0; arch < 2; arch++)
		for (size_t k = 0; k < NNUMBERS; k++)
			for (size_t v = 0; v < NARGS; v++) {
				struct seccomp_data d = {
					.arch = arches[arch],
					.nr = (int)number(k),
				};
				uint32_t got, want;

				memcpy(d.args, args[v], sizeof d.args);
				got = run(f, len, &d);
				want = reference(nrs, newest, &d);
				if (got != want)
					fail_msg("%s, mode %d mask %#x, arch "
						 "%#x nr %#x args %zu: %#x, "
						 "expected %#x", what, mode,
						 mask, d.arch, (uint32_t)d.nr,
						 v, got, want);
			}
}

/* Compile mode with mask's flags, to capture libseccomp's program. */
static void capture_body(int mode, unsigned mask)
{
	const char *extra[NFLAGS];
	struct sock_filter *f;
	size_t n = 0, len;

	for (unsigned b = 1; b <= OCAP_SC_FLAGS_ALL; b <<= 1)
		if (mask & b)
			extra[n++] = ocap__seccomp_flag(b);
	assert_ret(ocap__seccomp_compile(mode, extra, n, &f, &len), 0);
	free(f);
}

static void test_prebuilt(void **state)
{
	const struct sock_filter *f;
	size_t len;

	(void)state;
	for (int m = 0; m < OCAP_SC_NMODES; m++) {
		assert_ret(ocap__seccomp_prebuilt(m, &f, &len), 0);
		capture_body(m, 0);
		expect_paths("default", m, 0, f, len);
	}
}

static void test_flagged(void **state)
{
	const struct sock_filter *f;
	size_t len;
	int programs = 0;

	(void)state;
	for (int m = 0; m < OCAP_SC_NMODES; m++)
		for (unsigned mask = 1; mask <= OCAP_SC_FLAGS_ALL; mask++) {
			if (ocap__seccomp_prebuilt_flags(m, mask, &f, &len))
				continue;
			capture_body(m, mask);
			expect_paths("flagged", m, mask, f, len);
			programs++;
		}
	assert_int_equal(programs, 2 * OCAP_SC_FLAGS_ALL);
}

/* The refusals stand where they should: each call's matching vector is
 * refused in a mode whose table has the call. */
static void test_refusals(void **state)
{
	const struct sock_filter *f;
	size_t len;

	(void)state;
	assert_ret(ocap__seccomp_prebuilt(OCAP_SC_COMPAT, &f, &len), 0);
	for (size_t i = 0; i < NREFUSALS; i++) {
		const struct refusal *r = &refusals[i];
		struct seccomp_data d = { .arch = AUDIT_ARCH_X86_64 };

		d.nr = seccomp_syscall_resolve_name(r->name);
		d.args[r->a] = r->va;
		if (r->b)
			d.args[r->b] = r->vb;
		assert_true(in_table(OCAP_SC_COMPAT, r->name));
		if (run(f, len, &d) != RET_ERRNO(EPERM))
			fail_msg("%s with %#x not refused", r->name, r->va);
	}
}

static int teardown(void **state)
{
	(void)state;
	free(body.f);
	body.f = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_prebuilt),
		cmocka_unit_test(test_flagged),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
