/* SPDX-License-Identifier: MIT */
/*
 * sysloop: a syscall-heavy loop, optionally under one of the launcher's
 * default seccomp programs, loaded exactly as the launcher's seccomp stage
 * does (no_new_privs, then ocap__seccomp_load), or under a one-instruction
 * allow-everything program: what any seccomp filter costs the kernel's
 * syscall entry, whatever it says.
 *
 *	sysloop [-l] [-s compat|native|allow|super] getppid|rw|open
 *	sysloop [-s super] chmod|utime FILE
 *
 * -l: first restrict the process with Landlock as the launcher's Landlock
 * stage does (ocap__ll_apply), with one rule: read and list beneath /usr.
 * -s super: the supervised compat program (ocapsh's for compat programs),
 * whose notifications a forked process answers with CONTINUE, the least
 * a supervisor can do: one round trip to it, then the kernel makes the
 * call as if bare.
 *
 * getppid: one getppid() per iteration, the cheapest syscall there is, so
 * the filter's share is as large as it gets.  rw: read 1 byte from
 * /dev/zero and write it to /dev/null.  open: open /usr/bin/true
 * (relative to an O_PATH descriptor of /usr, so that native mode allows
 * it) and close it: a path walk, which Landlock checks under ocapsh.
 * chmod: fchmodat(AT_FDCWD, FILE), 0600 and 0644 in turn; utime:
 * utimensat(AT_FDCWD, FILE), two times in turn; so that every call
 * changes the file.  Under ocapsh (compat) the broker performs both.
 *
 * A worker driven over stdin and stdout, so that bench/run can interleave
 * several of them chunk by chunk (stdio is all ocapsh passes on): prints
 * "ready" once set up, then for each line N it reads runs N iterations and
 * prints their mean time in nanoseconds.  Exits at end of input.
 */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "bench.h"

#include "sandbox.h"

#define MODE_ALLOW 100

/* Linux 6.6 added both, newer than Debian 12's headers: the woken task
 * runs on the supervisor's CPU, as the broker asks (linux/supervise.c). */
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static int load_allow(void)
{
	struct sock_filter f = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &f };

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* Load mode's program; its listener when supervised, else -1. */
static int load(int mode)
{
	int r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		err(1, "no_new_privs");
	if (mode == MODE_ALLOW) {
		if (load_allow() < 0)
			err(1, "seccomp");
		return -1;
	}
	if ((r = ocap__seccomp_load(mode)) < 0)
		errx(1, "ocap__seccomp_load(%d): %s", mode, strerror(-r));
	return ocap__sc_supervised(mode) ? r : -1;
}

/* The least supervisor: every notification answered CONTINUE.  Until the
 * loop's process, the filter's only user, is gone. */
static _Noreturn void answer(int listener)
{
	struct seccomp_notif_sizes sz;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	uint64_t fl = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	struct pollfd p = { .fd = listener, .events = POLLIN };

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		err(1, "SECCOMP_GET_NOTIF_SIZES");
	req = calloc(1, sz.seccomp_notif > sizeof *req ? sz.seccomp_notif
						       : sizeof *req);
	resp = calloc(1, sz.seccomp_notif_resp > sizeof *resp
				 ? sz.seccomp_notif_resp : sizeof *resp);
	if (!req || !resp)
		err(1, "calloc");
	(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, fl);
	while (poll(&p, 1, -1) > 0 && !(p.revents & (POLLHUP | POLLERR))) {
		memset(req, 0, sz.seccomp_notif);
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
			continue; /* the call was interrupted */
		memset(resp, 0, sz.seccomp_notif_resp);
		resp->id = req->id;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
	}
	_exit(0);
}

/* A process of its own, as the broker is, forked before the program is
 * loaded (so that it runs unfiltered) and handed the listener after. */
static int supervisor(void)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		err(1, "socketpair");
	if ((pid = fork()) < 0)
		err(1, "fork");
	if (pid == 0) {
		char c;
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(int))];
		} u;
		struct iovec iov = { &c, 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = u.buf,
				    .msg_controllen = sizeof u.buf };
		int listener;

		close(sv[0]);
		if (recvmsg(sv[1], &m, MSG_CMSG_CLOEXEC) != 1 ||
		    !CMSG_FIRSTHDR(&m) ||
		    CMSG_FIRSTHDR(&m)->cmsg_type != SCM_RIGHTS)
			_exit(0); /* nothing to supervise */
		memcpy(&listener, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof listener);
		answer(listener);
	}
	close(sv[1]);
	return sv[0];
}

static void hand_over(int sock, int listener)
{
	char c = 0;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u = { 0 };
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof u.buf };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &listener, sizeof listener);
	if (sendmsg(sock, &m, 0) != 1)
		err(1, "handing the listener over");
	close(listener);
	close(sock);
}

enum { GETPPID, RW, OPEN, CHMOD, UTIME };

struct loop {
	int work, zero, null, usr;
	const char *file;
	unsigned turn; /* which of the two modes or times is next */
};

static void iteration(struct loop *l)
{
	struct timespec ts[2];
	char c;
	int fd;

	switch (l->work) {
	case GETPPID:
		syscall(SYS_getppid); /* syscall(): no libc wrapper to cache */
		break;
	case RW:
		if (read(l->zero, &c, 1) != 1 || write(l->null, &c, 1) != 1)
			err(1, "read/write");
		break;
	case OPEN:
		if ((fd = openat(l->usr, "bin/true", O_RDONLY | O_CLOEXEC)) < 0)
			err(1, "/usr/bin/true");
		close(fd);
		break;
	case CHMOD:
		if (fchmodat(AT_FDCWD, l->file, l->turn++ & 1 ? 0644 : 0600,
			     0) < 0)
			err(1, "chmod %s", l->file);
		break;
	case UTIME:
		ts[0] = ts[1] = (struct timespec){ 1000000000 + (l->turn++ & 1),
						   0 };
		if (utimensat(AT_FDCWD, l->file, ts, 0) < 0)
			err(1, "utimensat %s", l->file);
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

static int work_of(const char *name)
{
	static const char *const names[] = { "getppid", "rw", "open", "chmod",
					     "utime" };

	for (int i = 0; i < (int)(sizeof names / sizeof *names); i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	struct loop l = { .work = -1, .zero = -1, .null = -1, .usr = -1 };
	int mode = -1, ll = 0, sock = -1, listener, o;
	char line[64];

	while ((o = getopt(argc, argv, "ls:")) != -1) {
		if (o == 'l')
			ll = 1;
		else if (o == 's')
			mode = !strcmp(optarg, "compat")   ? OCAP_SC_COMPAT
			       : !strcmp(optarg, "native") ? OCAP_SC_NATIVE
			       : !strcmp(optarg, "allow")  ? MODE_ALLOW
			       : !strcmp(optarg, "super")  ? OCAP_SC_SUPER
							   : -2;
		else
			mode = -2;
	}
	if (argc - optind >= 1)
		l.work = work_of(argv[optind]);
	if (l.work >= 0 && argc - optind != (l.work >= CHMOD ? 2 : 1))
		l.work = -1;
	if (l.work < 0 || mode == -2)
		errx(2, "usage: sysloop [-l] [-s compat|native|allow|super] "
			"getppid|rw|open|chmod FILE|utime FILE");
	l.file = argv[optind + 1];
	if (l.work == RW &&
	    ((l.zero = open("/dev/zero", O_RDONLY | O_CLOEXEC)) < 0 ||
	     (l.null = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0))
		err(1, "/dev/zero, /dev/null");
	if (l.work == OPEN && (l.usr = open("/usr", O_PATH | O_CLOEXEC)) < 0)
		err(1, "/usr");
	if (ll)
		landlock_usr();
	if (mode == OCAP_SC_SUPER)
		sock = supervisor();
	if (mode >= 0 && (listener = load(mode)) >= 0)
		hand_over(sock, listener);
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof line, stdin)) {
		long n = strtol(line, NULL, 10);
		double t0 = now_ns();

		for (long i = 0; i < n; i++)
			iteration(&l);
		printf("%.2f\n", n > 0 ? (now_ns() - t0) / n : 0.0);
		fflush(stdout);
	}
	return 0;
}
