/* SPDX-License-Identifier: MIT */
/*
 * count: for each default seccomp program, how many syscalls it lets reach
 * the kernel (ocap__seccomp_count), its length in BPF instructions, and the
 * median time ocap__seccomp_load takes in a fresh child (the kernel checks,
 * converts and JIT-compiles the program and fills its per-syscall cache at
 * every launch).  "allow" is a one-instruction program, for reference.
 *
 *	count [N]
 *
 * Prints "MODE COUNT INSNS LOAD_NS", one line per program; N loads each
 * (default 200).
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
		const struct sock_filter *f;
		size_t len = 1;

		if (m != ALLOW && ocap__seccomp_prebuilt(m, &f, &len) < 0)
			len = 0;
		printf("%s %d %zu %.0f\n",
		       m == ALLOW ? "allow" : ocap__seccomp_mode_name(m),
		       m == ALLOW ? -1 : ocap__seccomp_count(m), len,
		       load_ns(m, n));
	}
	return 0;
}
