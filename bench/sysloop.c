/* SPDX-License-Identifier: MIT */
/*
 * sysloop: a syscall-heavy loop, optionally under one of the launcher's
 * default seccomp programs, loaded exactly as the launcher's seccomp stage
 * does (no_new_privs, then ocap__seccomp_load), or under a one-instruction
 * allow-everything program: what any seccomp filter costs the kernel's
 * syscall entry, whatever it says.
 *
 *	sysloop [-l] [-s compat|native|allow] getppid|rw|open
 *
 * -l: first restrict the process with Landlock as the launcher's Landlock
 * stage does (ocap__ll_apply), with one rule: read and list beneath /usr.
 *
 * getppid: one getppid() per iteration, the cheapest syscall there is, so
 * the filter's share is as large as it gets.  rw: read 1 byte from
 * /dev/zero and write it to /dev/null.  open: open /usr/bin/true
 * (relative to an O_PATH descriptor of /usr, so that native mode allows
 * it) and close it: a path walk, which Landlock checks under ocapsh.
 *
 * A worker driven over stdin and stdout, so that bench/run can interleave
 * several of them chunk by chunk (stdio is all ocapsh passes on): prints
 * "ready" once set up, then for each line N it reads runs N iterations and
 * prints their mean time in nanoseconds.  Exits at end of input.
 */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "bench.h"

#include "sandbox.h"

#define MODE_ALLOW 100

static int load_allow(void)
{
	struct sock_filter f = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &f };

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static void load(int mode)
{
	int r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		err(1, "no_new_privs");
	if (mode == MODE_ALLOW) {
		if (load_allow() < 0)
			err(1, "seccomp");
	} else if ((r = ocap__seccomp_load(mode)) < 0) {
		errx(1, "ocap__seccomp_load(%d): %s", mode, strerror(-r));
	}
}

enum { GETPPID, RW, OPEN };

static void iteration(int work, int zero, int null, int usr)
{
	char c;
	int fd;

	switch (work) {
	case GETPPID:
		syscall(SYS_getppid); /* syscall(): no libc wrapper to cache */
		break;
	case RW:
		if (read(zero, &c, 1) != 1 || write(null, &c, 1) != 1)
			err(1, "read/write");
		break;
	case OPEN:
		if ((fd = openat(usr, "bin/true", O_RDONLY | O_CLOEXEC)) < 0)
			err(1, "/usr/bin/true");
		close(fd);
		break;
	}
}

/* Landlock with one rule, read and list beneath /usr. */
static void landlock_usr(void)
{
	struct ocap_ll_path usr = { .fd = open("/usr", O_PATH | O_CLOEXEC),
				    .rights = OCAP_RIGHTS_RO };
	struct ocap_ll_plan p = { .paths = &usr, .npaths = 1 };
	char why[256] = "";
	int r;

	if (usr.fd < 0)
		err(1, "/usr");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		err(1, "no_new_privs");
	if ((r = ocap__ll_apply(&p, why, sizeof why)) != 0)
		errx(1, "Landlock: %s", r < 0 ? why : "not fully enforced");
	close(usr.fd);
}

int main(int argc, char **argv)
{
	int mode = -1, work, zero = -1, null = -1, usr = -1, ll = 0, o;
	char line[64];

	while ((o = getopt(argc, argv, "ls:")) != -1) {
		if (o == 'l')
			ll = 1;
		else if (o == 's')
			mode = !strcmp(optarg, "compat")   ? OCAP_SC_COMPAT
			       : !strcmp(optarg, "native") ? OCAP_SC_NATIVE
			       : !strcmp(optarg, "allow")  ? MODE_ALLOW
							   : -2;
		else
			mode = -2;
	}
	work = argc - optind != 1                  ? -1
	       : !strcmp(argv[optind], "getppid") ? GETPPID
	       : !strcmp(argv[optind], "rw")      ? RW
	       : !strcmp(argv[optind], "open")    ? OPEN : -1;
	if (work < 0 || mode == -2)
		errx(2, "usage: sysloop [-l] [-s compat|native|allow] "
			"getppid|rw|open");
	if (work == RW &&
	    ((zero = open("/dev/zero", O_RDONLY | O_CLOEXEC)) < 0 ||
	     (null = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0))
		err(1, "/dev/zero, /dev/null");
	if (work == OPEN && (usr = open("/usr", O_PATH | O_CLOEXEC)) < 0)
		err(1, "/usr");
	if (ll)
		landlock_usr();
	if (mode >= 0)
		load(mode);
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof line, stdin)) {
		long n = strtol(line, NULL, 10);
		double t0 = now_ns();

		for (long i = 0; i < n; i++)
			iteration(work, zero, null, usr);
		printf("%.2f\n", n > 0 ? (now_ns() - t0) / n : 0.0);
		fflush(stdout);
	}
	return 0;
}
