/* SPDX-License-Identifier: MIT */
/*
 * count: for each default seccomp program, how many syscalls it lets reach
 * the kernel (ocap__seccomp_count), its length in BPF instructions, and the
 * median time ocap__seccomp_load takes in a fresh child (the kernel checks,
 * converts and JIT-compiles the program and fills its per-syscall cache at
 * every launch), and how many instructions that cache fill emulates per
 * syscall number, x86_64 and i386: the mean and the longest.  "allow" is a
 * one-instruction program, for reference.
 *
 *	count [N]
 *
 * Prints "MODE COUNT INSNS LOAD_NS PATH64 PATH32", one line per program,
 * each PATH as MEAN/MAX; N loads each (default 200).
 */
#include <err.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/seccomp.h>

#include "bench.h"

#include "sandbox.h"

#define ALLOW OCAP_SC_NMODES

static int load(int mode)
{
	struct sock_filter f = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &f };

	if (mode != ALLOW)
		return ocap__seccomp_load(mode);
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) ? -1 : 0;
}

/* Syscall numbers 0 to NR_SYSCALLS - 1 have a bit in the kernel's cache,
 * for x86_64 and for i386 (NR_syscalls, IA32_NR_syscalls: 470 both in
 * Linux 6.18). */
#define NR_SYSCALLS 470

/* How many instructions the kernel's seccomp_is_const_allow() steps
 * through for nr on arch: it follows the program until a return, or
 * gives up at the first load of anything but the number or the arch. */
static unsigned const_path(const struct sock_filter *f, size_t len,
			   uint32_t arch, uint32_t nr)
{
	uint32_t a = 0;
	unsigned n = 0;

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];

		n++;
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k == offsetof(struct seccomp_data, nr))
				a = nr;
			else if (i->k == offsetof(struct seccomp_data, arch))
				a = arch;
			else
				return n;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & i->k) ? i->jt : i->jf;
			break;
		default: /* a return, or what the kernel does not emulate */
			return n;
		}
	}
	return n;
}

/* "MEAN/MAX" of const_path over arch's numbers. */
static void print_path(const struct sock_filter *f, size_t len,
		       uint32_t arch)
{
	unsigned sum = 0, max = 0;

	for (uint32_t nr = 0; nr < NR_SYSCALLS; nr++) {
		unsigned n = const_path(f, len, arch, nr);

		sum += n;
		max = n > max ? n : max;
	}
	printf(" %.1f/%u", (double)sum / NR_SYSCALLS, max);
}

/* The median time of n loads of mode's program, each in a new child that
 * has set no_new_privs; -1 when a load fails. */
static double load_ns(int mode, int n)
{
	double *t = calloc(n, sizeof *t), med;
	int p[2];

	if (!t || pipe(p) < 0)
		err(1, "load_ns");
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			err(1, "fork");
		if (pid == 0) {
			double t0, dt;

			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			t0 = now_ns();
			dt = load(mode) < 0 ? -1 : now_ns() - t0;
			_exit(write(p[1], &dt, sizeof dt) == sizeof dt ? 0 : 1);
		}
		if (waitpid(pid, &status, 0) < 0 || status != 0 ||
		    read(p[0], &t[i], sizeof t[i]) != sizeof t[i])
			errx(1, "load in a child failed");
		if (t[i] < 0)
			return -1;
	}
	qsort(t, n, sizeof *t, cmp_double);
	med = t[n / 2];
	free(t);
	close(p[0]);
	close(p[1]);
	return med;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;

	if (n <= 0)
		errx(2, "usage: count [N]");
	for (int m = 0; m <= ALLOW; m++) {
		static const struct sock_filter allow =
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		const struct sock_filter *f = &allow;
		size_t len = 1;

		if (m != ALLOW && ocap__seccomp_prebuilt(m, &f, &len) < 0)
			len = 0;
		printf("%s %d %zu %.0f",
		       m == ALLOW ? "allow" : ocap__seccomp_mode_name(m),
		       m == ALLOW ? -1 : ocap__seccomp_count(m), len,
		       load_ns(m, n));
		print_path(f, len, AUDIT_ARCH_X86_64);
		print_path(f, len, AUDIT_ARCH_I386);
		printf("\n");
	}
	return 0;
}
