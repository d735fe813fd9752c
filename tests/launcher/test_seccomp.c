/* SPDX-License-Identifier: MIT */
/*
 * seccomp stage, live: a forked child loads a mode's default program and
 * makes one call; the parent checks the errno or the signal.  Each case
 * runs as root and as uid 65534, and once as root without a filter, where
 * the kernel must answer differently (so the filter is what refused).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "child.h"
#include "sandbox.h"

#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif
#ifndef TCP_ULP
#define TCP_ULP 31
#endif
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
#ifndef RENAME_WHITEOUT
#define RENAME_WHITEOUT (1 << 2)
#endif
#define FALLOC_FL_KEEP_SIZE_ 0x01
#define FALLOC_FL_PUNCH_HOLE_ 0x02
#define FALLOC_FL_COLLAPSE_RANGE_ 0x08
#define FALLOC_FL_ZERO_RANGE_ 0x10
#define FALLOC_FL_INSERT_RANGE_ 0x20

#define FAILED_LOAD 200
#define SIG(s) (1000 + (s)) /* an expected death by signal s */
#define HI (1UL << 32)      /* a high word the kernel ignores */

static struct {
	char dir[64];
	char file[96];
	int dirfd, filefd, pipe[2], listener;
	struct sockaddr_in lo; /* the listener's address */
} fx;

/* ---- the calls ---------------------------------------------------------- */

static int tcp(void)
{
	return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static int c_io_uring(void)
{
	char params[256] = { 0 };

	return errno_of(syscall(__NR_io_uring_setup, 1, params));
}

static int c_bpf(void)
{
	char attr[128] = { 0 };

	return errno_of(syscall(__NR_bpf, 0 /* MAP_CREATE */, attr, 128));
}

static int c_perf(void)
{
	char attr[128] = { 0 };

	return errno_of(syscall(__NR_perf_event_open, attr, 0, -1, -1, 0));
}

static int c_userfaultfd(void)
{
	return errno_of(syscall(__NR_userfaultfd, O_CLOEXEC));
}

static int c_keyctl(void)
{
	return errno_of(syscall(__NR_keyctl, 0 /* GET_KEYRING_ID */,
				-3 /* session */, 0));
}

static int c_add_key(void)
{
	return errno_of(syscall(__NR_add_key, "ocap-no-such-type", "d", "x",
				1, -3));
}

static int c_request_key(void)
{
	return errno_of(syscall(__NR_request_key, "ocap-no-such-type", "d",
				NULL, 0));
}

static int c_unshare_user(void)
{
	return errno_of(unshare(CLONE_NEWUSER));
}

static int c_unshare_files(void)
{
	return errno_of(unshare(CLONE_FILES));
}

static int raw_clone(unsigned long flags)
{
	long r = syscall(__NR_clone, flags, 0, 0, 0, 0);

	if (r == 0)
		_exit(0);
	if (r < 0)
		return errno;
	waitpid((pid_t)r, NULL, 0);
	return 0;
}

static int c_clone_newuser(void)
{
	return raw_clone(CLONE_NEWUSER | SIGCHLD);
}

static int c_clone_newnet_hi(void)
{
	return raw_clone(HI | CLONE_NEWNET | SIGCHLD);
}

static int c_clone(void)
{
	return raw_clone(SIGCHLD);
}

static int c_clone3(void)
{
	uint64_t args[8] = { 0 };
	long r;

	args[4] = SIGCHLD; /* exit_signal */
	r = syscall(__NR_clone3, args, sizeof(args));
	if (r == 0)
		_exit(0);
	return r < 0 ? errno : 0;
}

/* Calls newer than the allowlist: "not on this kernel", so that libc
 * falls back (fchmodat2 -> fchmodat), whether libseccomp knows the name
 * (452) or not (469, file_setattr). */
static int c_fchmodat2(void)
{
	return syscall(452, AT_FDCWD, "/nonexistent-ocap", 0600, 0) < 0 ? errno
									: 0;
}

static int c_newest(void)
{
	return syscall(469, AT_FDCWD, "/nonexistent-ocap", NULL, 0, 0) < 0
		       ? errno
		       : 0;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static int c_pthread(void)
{
	pthread_t t;
	int err = pthread_create(&t, NULL, thread_fn, NULL);

	return err ? err : pthread_join(t, NULL);
}

static int c_ptrace(void)
{
	return errno_of(ptrace(PTRACE_TRACEME, 0, NULL, NULL));
}

static int c_vm_readv(void)
{
	char a[8] = "ocap", b[8] = "";
	struct iovec l = { b, 8 }, r = { a, 8 };

	return errno_of(process_vm_readv(getpid(), &l, 1, &r, 1, 0));
}

static int c_vm_writev(void)
{
	char a[8] = "ocap", b[8] = "";
	struct iovec l = { a, 8 }, r = { b, 8 };

	return errno_of(process_vm_writev(getpid(), &l, 1, &r, 1, 0));
}

static int c_pidfd_getfd(void)
{
	return errno_of(syscall(__NR_pidfd_getfd, -1, 0, 0));
}

static int c_pidfd_open(void)
{
	return errno_of(syscall(__NR_pidfd_open, getpid(), 0));
}

static int c_socket(long domain, long type, long proto)
{
	return errno_of(syscall(__NR_socket, domain, type, proto));
}

static int c_alg(void)
{
	return c_socket(AF_ALG, SOCK_SEQPACKET, 0);
}

static int c_alg_hi(void)
{
	return c_socket(HI | AF_ALG, SOCK_SEQPACKET, 0);
}

static int c_packet(void)
{
	return c_socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
}

static int c_netlink(void)
{
	return c_socket(AF_NETLINK, SOCK_RAW, 0);
}

static int c_mptcp(void)
{
	return c_socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
}

static int c_mptcp6(void)
{
	return c_socket(AF_INET6, SOCK_STREAM, IPPROTO_MPTCP);
}

static int c_sctp(void)
{
	return c_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
}

static int c_seqpacket_inet(void)
{
	return c_socket(AF_INET, SOCK_SEQPACKET, 0);
}

static int c_ping(void)
{
	return c_socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
}

static int c_tcp(void)
{
	return c_socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static int c_tcp6(void)
{
	return c_socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
}

static int c_udp(void)
{
	return c_socket(AF_INET, SOCK_DGRAM, 0);
}

static int c_unix_stream(void)
{
	return c_socket(AF_UNIX, SOCK_STREAM, 0);
}

static int c_unix_dgram(void)
{
	return c_socket(AF_UNIX, SOCK_DGRAM, 0);
}

static int c_socketpair_inet(void)
{
	int sv[2];

	return errno_of(socketpair(AF_INET, SOCK_STREAM, 0, sv));
}

static int c_socketpair_dgram(void)
{
	int sv[2];

	return errno_of(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
}

static int c_socketpair(void)
{
	int sv[2];

	return errno_of(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
}

static int raw_ioctl(unsigned long cmd)
{
	char c = 'x';

	return errno_of(syscall(__NR_ioctl, fx.pipe[0], cmd, &c));
}

static int c_tiocsti(void)
{
	return raw_ioctl(TIOCSTI);
}

static int c_tiocsti_hi(void)
{
	return raw_ioctl(HI | TIOCSTI);
}

static int c_tiocsti_ones(void)
{
	return raw_ioctl(0xffffffff00000000UL | TIOCSTI);
}

static int c_tioclinux(void)
{
	return raw_ioctl(TIOCLINUX);
}

/* The terminal ioctls that reach outside: on a pipe the kernel says
 * ENOTTY, the filter EPERM. */
static int c_tiocswinsz(void)
{
	return raw_ioctl(TIOCSWINSZ);
}

static int c_tiocswinsz_hi(void)
{
	return raw_ioctl(HI | TIOCSWINSZ);
}

static int c_tiocspgrp(void)
{
	return raw_ioctl(TIOCSPGRP);
}

static int c_tiocexcl(void)
{
	return raw_ioctl(TIOCEXCL);
}

static int c_tiocnxcl(void)
{
	return raw_ioctl(TIOCNXCL);
}

static int c_tiocsctty(void)
{
	return raw_ioctl(TIOCSCTTY);
}

static int c_tiocnotty(void)
{
	return raw_ioctl(TIOCNOTTY);
}

static int c_tioccons(void)
{
	return raw_ioctl(TIOCCONS);
}

static int c_tiocvhangup(void)
{
	return raw_ioctl(TIOCVHANGUP);
}

static int c_tiocsig(void)
{
	return raw_ioctl(TIOCSIG);
}

/* What vim and less do: the kernel's ENOTTY, not the filter's EPERM. */
static int c_tiocgwinsz(void)
{
	return raw_ioctl(TIOCGWINSZ);
}

static int c_tcsets(void)
{
	return raw_ioctl(TCSETS);
}

static int c_tiocgpgrp(void)
{
	return raw_ioctl(TIOCGPGRP);
}

static int c_fionread(void)
{
	int n;

	return errno_of(ioctl(fx.pipe[0], FIONREAD, &n));
}

static int raw_setsockopt(unsigned long level, unsigned long opt)
{
	int one = 1, s = tcp();

	if (s < 0)
		return errno;
	return errno_of(syscall(__NR_setsockopt, s, level, opt, &one,
				sizeof(one)));
}

static int c_tfo_connect(void)
{
	return raw_setsockopt(IPPROTO_TCP, TCP_FASTOPEN_CONNECT);
}

static int c_tfo_connect_hi(void)
{
	return raw_setsockopt(IPPROTO_TCP, HI | TCP_FASTOPEN_CONNECT);
}

static int c_tfo_level_hi(void)
{
	return raw_setsockopt(HI | IPPROTO_TCP, TCP_FASTOPEN_CONNECT);
}

static int c_tcp_ulp(void)
{
	return raw_setsockopt(IPPROTO_TCP, TCP_ULP);
}

static int c_nodelay(void)
{
	return raw_setsockopt(IPPROTO_TCP, TCP_NODELAY);
}

static int pair_sockopt(bool set, unsigned long level, unsigned long opt)
{
	int v[8] = { 1 }, sv[2];
	socklen_t len = sizeof(v);

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return errno;
	if (set)
		return errno_of(syscall(__NR_setsockopt, sv[0], level, opt, v,
					sizeof(int)));
	return errno_of(syscall(__NR_getsockopt, sv[0], level, opt, v, &len));
}

/* A pidfd for the peer: the broker, through the root descriptor. */
static int c_peerpidfd(void)
{
	return pair_sockopt(false, SOL_SOCKET, SO_PEERPIDFD);
}

static int c_peerpidfd_hi(void)
{
	return pair_sockopt(false, HI | SOL_SOCKET, HI | SO_PEERPIDFD);
}

static int c_passpidfd(void)
{
	return pair_sockopt(true, SOL_SOCKET, SO_PASSPIDFD);
}

static int c_peercred(void)
{
	return pair_sockopt(false, SOL_SOCKET, SO_PEERCRED);
}

static int c_passcred(void)
{
	return pair_sockopt(true, SOL_SOCKET, SO_PASSCRED);
}

static int c_sendto_fastopen(void)
{
	int s = tcp();

	if (s < 0)
		return errno;
	return errno_of(sendto(s, "x", 1, MSG_FASTOPEN,
			       (struct sockaddr *)&fx.lo, sizeof(fx.lo)));
}

static int c_sendto_fastopen_hi(void)
{
	int s = tcp();

	if (s < 0)
		return errno;
	return errno_of(syscall(__NR_sendto, s, "x", 1, HI | MSG_FASTOPEN,
				&fx.lo, sizeof(fx.lo)));
}

static int c_sendmsg_fastopen(void)
{
	struct iovec v = { "x", 1 };
	struct msghdr m = { .msg_name = &fx.lo, .msg_namelen = sizeof(fx.lo),
			    .msg_iov = &v, .msg_iovlen = 1 };
	int s = tcp();

	if (s < 0)
		return errno;
	return errno_of(sendmsg(s, &m, MSG_FASTOPEN));
}

static int c_sendmmsg_fastopen(void)
{
	struct iovec v = { "x", 1 };
	struct mmsghdr m = { .msg_hdr = { .msg_name = &fx.lo,
					  .msg_namelen = sizeof(fx.lo),
					  .msg_iov = &v, .msg_iovlen = 1 } };
	int s = tcp();

	if (s < 0)
		return errno;
	return errno_of(sendmmsg(s, &m, 1, MSG_FASTOPEN));
}

static int c_x32(void)
{
	return errno_of(syscall(__NR_getpid | 0x40000000));
}

static int c_int80(void)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L /* getpid */)
			 : "memory");
	return r < 0 ? (int)-r : 0;
}

static int c_mount(void)
{
	return errno_of(syscall(__NR_mount, NULL, "/nonexistent-ocap", NULL, 0, NULL));
}

static int c_umount(void)
{
	return errno_of(syscall(__NR_umount2, "/nonexistent-ocap", 0));
}

static int c_pivot_root(void)
{
	return errno_of(syscall(__NR_pivot_root, "/nonexistent-ocap",
				"/nonexistent-ocap"));
}

static int c_open_tree(void)
{
	return errno_of(syscall(__NR_open_tree, -1, "", 0));
}

static int c_move_mount(void)
{
	return errno_of(syscall(__NR_move_mount, -1, "", -1, "", 0));
}

static int c_fsopen(void)
{
	return errno_of(syscall(__NR_fsopen, "ocap-no-such-fs", 0));
}

static int c_fsconfig(void)
{
	return errno_of(syscall(__NR_fsconfig, -1, 0, NULL, NULL, 0));
}

static int c_fsmount(void)
{
	return errno_of(syscall(__NR_fsmount, -1, 0, 0));
}

static int c_fspick(void)
{
	return errno_of(syscall(__NR_fspick, -1, "", 0));
}

static int c_mount_setattr(void)
{
	return errno_of(syscall(__NR_mount_setattr, -1, "", 0, NULL, 0));
}

static int c_init_module(void)
{
	return errno_of(syscall(__NR_init_module, NULL, 0, ""));
}

static int c_finit_module(void)
{
	return errno_of(syscall(__NR_finit_module, -1, "", 0));
}

static int c_delete_module(void)
{
	return errno_of(syscall(__NR_delete_module, "ocap_no_such_module",
				O_NONBLOCK));
}

static int c_open_by_handle(void)
{
	return errno_of(syscall(__NR_open_by_handle_at, -1, NULL, 0));
}

static int c_name_to_handle(void)
{
	return errno_of(syscall(__NR_name_to_handle_at, -1, "", NULL, NULL, 0));
}

static int c_kexec(void)
{
	return errno_of(syscall(__NR_kexec_load, 0, 0, NULL, 0xffffffffUL));
}

static int c_reboot(void)
{
	return errno_of(syscall(__NR_reboot, 0, 0, 0, NULL));
}

static int c_swapon(void)
{
	return errno_of(syscall(__NR_swapon, "/nonexistent-ocap", 0));
}

static int c_personality_set(void)
{
	return errno_of(personality(ADDR_NO_RANDOMIZE));
}

static int c_personality_get(void)
{
	return errno_of(personality(0xffffffff));
}

static int c_modify_ldt(void)
{
	char b[16];

	return errno_of(syscall(__NR_modify_ldt, 0, b, sizeof(b)));
}

static int c_chroot(void)
{
	return errno_of(chroot("/"));
}

static int c_setns(void)
{
	return errno_of(setns(-1, 0));
}

static int c_setuid(void)
{
	return errno_of(setuid(getuid()));
}

/* GNU make's children do this before each recipe. */
static int c_setresuid(void)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return errno;
	return errno_of(setresgid(rg, eg, sg) < 0 ? -1
						  : setresuid(r, e, s));
}

/* glibc's select() */
static int c_pselect6(void)
{
	struct timespec ts = { 0, 1000 };

	return errno_of(syscall(__NR_pselect6, 0, NULL, NULL, NULL, &ts,
				NULL));
}

static int c_shmget(void)
{
	return errno_of(shmget(IPC_PRIVATE, 0, 0600));
}

static int c_inotify(void)
{
	return errno_of(syscall(__NR_inotify_init1, 0));
}

static int c_syslog(void)
{
	return errno_of(syscall(__NR_syslog, 10, NULL, 0));
}

/* metadata: by descriptor yes, by path no (Landlock does not check it) */
static int c_chmod(void)
{
	return errno_of(chmod(fx.file, 0666));
}

static int c_fchmodat(void)
{
	return errno_of(fchmodat(fx.dirfd, "f", 0666, 0));
}

static int c_utimensat(void)
{
	return errno_of(utimensat(AT_FDCWD, fx.file, NULL, 0));
}

static int c_futimens(void)
{
	return errno_of(futimens(fx.filefd, NULL));
}

/* Times of the caller's choosing, on a descriptor. */
static int c_futimens_epoch(void)
{
	struct timespec ts[2] = { { 0, 0 }, { 0, 0 } };

	return errno_of(futimens(fx.filefd, ts));
}

static int c_fsetxattr(void)
{
	return errno_of(fsetxattr(fx.filefd, "user.ocap", "x", 1, 0));
}

static int c_fchown(void)
{
	return errno_of(fchown(fx.filefd, getuid(), getgid()));
}

/* Far past the end of the file: the kernel refuses (EINVAL) whatever
 * the mode, so an unfiltered control changes nothing. */
static int raw_fallocate(unsigned long mode)
{
	return errno_of(syscall(__NR_fallocate, fx.filefd, mode, 1L << 30,
				4096L));
}

static int c_fallocate_collapse(void)
{
	return raw_fallocate(FALLOC_FL_COLLAPSE_RANGE_);
}

static int c_fallocate_insert(void)
{
	return raw_fallocate(FALLOC_FL_INSERT_RANGE_);
}

static int c_fallocate_collapse_hi(void)
{
	return raw_fallocate(HI | FALLOC_FL_COLLAPSE_RANGE_);
}

/* The modes that stay within what write allows: EOPNOTSUPP from a file
 * system without them still shows the call got through. */
static int fallocate_ok(unsigned long mode)
{
	int err = errno_of(syscall(__NR_fallocate, fx.filefd, mode, 0L,
				   4096L));

	return err == EOPNOTSUPP ? 0 : err;
}

static int c_fallocate_keep(void)
{
	return fallocate_ok(FALLOC_FL_KEEP_SIZE_);
}

static int c_fallocate_punch(void)
{
	return fallocate_ok(FALLOC_FL_PUNCH_HOLE_ | FALLOC_FL_KEEP_SIZE_);
}

static int c_fallocate_zero(void)
{
	return fallocate_ok(FALLOC_FL_ZERO_RANGE_ | FALLOC_FL_KEEP_SIZE_);
}

/* A lease on a file makes writers outside wait or fail. */
static int c_setlease(void)
{
	return errno_of(fcntl(fx.filefd, F_SETLEASE, F_RDLCK));
}

static int c_setlease_hi(void)
{
	return errno_of(syscall(__NR_fcntl, fx.filefd, HI | F_SETLEASE,
				F_RDLCK));
}

static int c_notify(void)
{
	return errno_of(fcntl(fx.dirfd, F_NOTIFY, DN_CREATE));
}

static int c_getlease(void)
{
	return errno_of(fcntl(fx.filefd, F_GETLEASE));
}

/* renameat2(a -> b) in the fixture directory with flags; for EXCHANGE
 * b exists too.  Whatever it leaves (a whiteout at a) is removed. */
static int rename2(unsigned long flags)
{
	char a[32], b[32];
	int fd, err;

	snprintf(a, sizeof(a), "ra.%d", (int)getpid());
	snprintf(b, sizeof(b), "rb.%d", (int)getpid());
	fd = openat(fx.dirfd, a, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	close(fd);
	if ((flags & RENAME_EXCHANGE) &&
	    (fd = openat(fx.dirfd, b, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0)
		close(fd);
	err = errno_of(syscall(__NR_renameat2, fx.dirfd, a, fx.dirfd, b,
			       flags));
	unlinkat(fx.dirfd, a, 0);
	unlinkat(fx.dirfd, b, 0);
	return err;
}

static int c_rename_whiteout(void)
{
	return rename2(RENAME_WHITEOUT);
}

static int c_rename_whiteout_hi(void)
{
	return rename2(HI | RENAME_WHITEOUT);
}

static int c_rename_exchange(void)
{
	return rename2(RENAME_EXCHANGE);
}

static int c_rename_noreplace(void)
{
	return rename2(RENAME_NOREPLACE);
}

static int c_fork(void)
{
	long pid = syscall(SYS_fork);

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return errno;
	waitpid((pid_t)pid, NULL, 0);
	return 0;
}

static int c_setxattr(void)
{
	return errno_of(setxattr(fx.file, "user.ocap", "x", 1, 0));
}

static int c_prlimit_parent(void)
{
	struct rlimit r;

	return errno_of(prlimit(getppid(), RLIMIT_NOFILE, NULL, &r));
}

static int c_getrlimit(void)
{
	struct rlimit r;

	return errno_of(getrlimit(RLIMIT_NOFILE, &r));
}

/* the calls the corpus in launcher/linux/ALLOWLIST.md needed */
static int c_getrlimit_old(void)
{
	struct rlimit r;

	return errno_of(syscall(__NR_getrlimit, RLIMIT_NOFILE, &r));
}

/* the soft limit set to what it is: changes nothing */
static int c_setrlimit_old(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return errno;
	return errno_of(syscall(__NR_setrlimit, RLIMIT_NOFILE, &r));
}

static int c_waitid(void)
{
	siginfo_t si;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(0);
	return errno_of(waitid(P_PID, (id_t)pid, &si, WEXITED));
}

static int c_clock_getres(void)
{
	struct timespec ts;

	return errno_of(syscall(__NR_clock_getres, CLOCK_THREAD_CPUTIME_ID,
				&ts));
}

static int c_mlock(void)
{
	static char page[4096] __attribute__((aligned(4096)));

	if (syscall(__NR_mlock, page, sizeof(page)) < 0)
		return errno;
	return errno_of(syscall(__NR_munlock, page, sizeof(page)));
}

static int c_mincore(void)
{
	static char page[4096] __attribute__((aligned(4096)));
	unsigned char vec;

	page[0] = 1;
	return errno_of(syscall(__NR_mincore, page, sizeof(page), &vec));
}

/* Without protection keys in the CPU the kernel says EINVAL or ENOSPC;
 * either way it, not the filter, answered. */
static int c_pkey_alloc(void)
{
	long k = syscall(__NR_pkey_alloc, 0, 0);

	if (k >= 0)
		return errno_of(syscall(__NR_pkey_free, k));
	return errno == EINVAL || errno == ENOSPC ? 0 : errno;
}

static int c_fchmod(void)
{
	char name[32];
	int fd, err;

	snprintf(name, sizeof(name), "m%d", (int)getpid());
	fd = openat(fx.dirfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	err = errno_of(fchmod(fd, 0644));
	close(fd);
	unlinkat(fx.dirfd, name, 0);
	return err;
}

/* ordinary calls */
static int c_getpid(void)
{
	return errno_of(getpid());
}

static int c_pipe_rw(void)
{
	char c;

	if (write(fx.pipe[1], "x", 1) != 1)
		return errno;
	return errno_of(read(fx.pipe[0], &c, 1));
}

/* pipe(2) itself, which musl's pipe() makes, not glibc's pipe2 */
static int c_pipe_old(void)
{
	int p[2];

	if (syscall(__NR_pipe, p) < 0)
		return errno;
	close(p[0]);
	close(p[1]);
	return 0;
}

static int ok_fd(int fd)
{
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int c_open(void)
{
	return ok_fd(open(fx.file, O_RDONLY));
}

static int c_stat(void)
{
	struct stat st;

	return errno_of(stat(fx.file, &st));
}

static int c_openat_cwd(void)
{
	return ok_fd(openat(AT_FDCWD, fx.file, O_RDONLY));
}

/* AT_FDCWD without sign extension: the kernel reads an int */
static int c_openat_cwd32(void)
{
	return ok_fd((int)syscall(__NR_openat, 0xffffff9cUL, fx.file, O_RDONLY));
}

static int c_openat_dir(void)
{
	return ok_fd(openat(fx.dirfd, "f", O_RDONLY));
}

/* A new file with a set-user-ID mode: refused in both modes. */
static int c_openat_setuid(void)
{
	char name[32];
	int fd;

	snprintf(name, sizeof(name), "suid.%d", (int)getpid());
	fd = openat(fx.dirfd, name, O_WRONLY | O_CREAT | O_EXCL, 04755);
	if (fd >= 0)
		unlinkat(fx.dirfd, name, 0);
	return ok_fd(fd);
}

/* The mode is not read without O_CREAT: a stray set-ID bit is harmless. */
static int c_openat_setuid_nocreat(void)
{
	return ok_fd((int)syscall(__NR_openat, fx.dirfd, "f", O_RDONLY,
				  06755));
}

/* openat2's mode is out of sight: compat gets ENOSYS, native (which needs
 * it) a plain open beneath a descriptor. */
static int c_openat2(void)
{
	struct { uint64_t flags, mode, resolve; } how = { O_RDONLY, 0, 0x08 };

	return ok_fd((int)syscall(__NR_openat2, fx.dirfd, "f", &how,
				  sizeof(how)));
}

static int c_fstat(void)
{
	struct stat st;

	return errno_of(fstat(fx.filefd, &st));
}

static int c_access(void)
{
	return errno_of(access(fx.file, R_OK));
}

static int c_mkdirat(void)
{
	char name[32];

	snprintf(name, sizeof(name), "d%d", (int)getpid());
	if (mkdirat(fx.dirfd, name, 0755) < 0)
		return errno;
	return errno_of(unlinkat(fx.dirfd, name, AT_REMOVEDIR));
}

static int c_renameat_cwd(void)
{
	return errno_of(renameat(fx.dirfd, "nonexistent", AT_FDCWD, "x"));
}

static int c_execve(void)
{
	char *argv[] = { "x", NULL };

	return errno_of(execve("/nonexistent-ocap", argv, argv + 1));
}

static int c_execveat_cwd(void)
{
	char *argv[] = { "x", NULL };

	return errno_of(syscall(__NR_execveat, AT_FDCWD, "/nonexistent-ocap",
				argv, argv + 1, 0));
}

static int c_listen(void)
{
	int s = tcp();

	return s < 0 ? errno : errno_of(listen(s, 1));
}

static int c_connect(void)
{
	int s = tcp();

	if (s < 0)
		return errno;
	return errno_of(connect(s, (struct sockaddr *)&fx.lo, sizeof(fx.lo)));
}

static int c_bind(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = tcp();

	if (s < 0)
		return errno;
	return errno_of(bind(s, (struct sockaddr *)&a, sizeof(a)));
}

static int c_send_pair(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return errno;
	return errno_of(sendto(sv[0], "x", 1, 0, NULL, 0));
}

static int c_mmap(void)
{
	void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return errno;
	return errno_of(munmap(p, 1 << 20));
}

/* ---- the table ---------------------------------------------------------- */

struct sc_case {
	const char *name;
	int (*fn)(void);
	int compat, native; /* errno, 0 or SIG(n) */
	bool control;       /* without a filter, root gets something else */
};

#define DENY(fn) { #fn, fn, EPERM, EPERM, true }
#define ALLOW(fn) { #fn, fn, 0, 0, false }
#define CASE(fn, c, n, ctl) { #fn, fn, c, n, ctl }

static const struct sc_case cases[] = {
	DENY(c_io_uring), DENY(c_bpf), DENY(c_perf), DENY(c_userfaultfd),
	DENY(c_keyctl), DENY(c_add_key), DENY(c_request_key),
	DENY(c_unshare_user), DENY(c_unshare_files), DENY(c_clone_newuser),
	DENY(c_clone_newnet_hi), CASE(c_clone3, ENOSYS, ENOSYS, true),
	CASE(c_fchmodat2, ENOSYS, ENOSYS, true),
	CASE(c_newest, ENOSYS, ENOSYS, true),
	DENY(c_ptrace), DENY(c_vm_readv), DENY(c_vm_writev),
	DENY(c_pidfd_getfd), DENY(c_pidfd_open),
	DENY(c_alg), DENY(c_alg_hi), DENY(c_packet), DENY(c_netlink),
	DENY(c_mptcp), DENY(c_mptcp6), DENY(c_sctp), DENY(c_seqpacket_inet),
	DENY(c_ping), DENY(c_socketpair_inet),
	DENY(c_tiocsti), DENY(c_tiocsti_hi), DENY(c_tiocsti_ones),
	DENY(c_tioclinux), DENY(c_tiocswinsz), DENY(c_tiocswinsz_hi),
	DENY(c_tiocspgrp), DENY(c_tiocexcl), DENY(c_tiocnxcl),
	DENY(c_tiocsctty), DENY(c_tiocnotty), DENY(c_tioccons),
	DENY(c_tiocvhangup), DENY(c_tiocsig),
	CASE(c_tiocgwinsz, ENOTTY, ENOTTY, false),
	CASE(c_tcsets, ENOTTY, ENOTTY, false),
	CASE(c_tiocgpgrp, ENOTTY, ENOTTY, false),
	DENY(c_peerpidfd), DENY(c_peerpidfd_hi), DENY(c_passpidfd),
	ALLOW(c_peercred), ALLOW(c_passcred),
	DENY(c_fallocate_collapse), DENY(c_fallocate_insert),
	DENY(c_fallocate_collapse_hi), ALLOW(c_fallocate_keep),
	ALLOW(c_fallocate_punch), ALLOW(c_fallocate_zero),
	DENY(c_setlease), DENY(c_setlease_hi), DENY(c_notify),
	ALLOW(c_getlease),
	DENY(c_rename_whiteout), DENY(c_rename_whiteout_hi),
	ALLOW(c_rename_exchange), ALLOW(c_rename_noreplace),
	DENY(c_tfo_connect), DENY(c_tfo_connect_hi), DENY(c_tfo_level_hi),
	DENY(c_tcp_ulp),
	DENY(c_sendto_fastopen), DENY(c_sendto_fastopen_hi),
	DENY(c_sendmsg_fastopen), DENY(c_sendmmsg_fastopen),
	CASE(c_x32, SIG(SIGSYS), SIG(SIGSYS), true),
	CASE(c_int80, SIG(SIGSYS), SIG(SIGSYS), true),
	DENY(c_mount), DENY(c_umount), DENY(c_pivot_root), DENY(c_open_tree),
	DENY(c_move_mount), DENY(c_fsopen), DENY(c_fsconfig), DENY(c_fsmount),
	DENY(c_fspick), DENY(c_mount_setattr),
	DENY(c_init_module), DENY(c_finit_module), DENY(c_delete_module),
	DENY(c_open_by_handle), DENY(c_name_to_handle), DENY(c_kexec),
	DENY(c_reboot), DENY(c_swapon), DENY(c_personality_set),
	DENY(c_modify_ldt), DENY(c_chroot), DENY(c_setns),
	DENY(c_shmget), DENY(c_inotify), DENY(c_syslog),
	DENY(c_chmod), DENY(c_fchmodat), DENY(c_utimensat), DENY(c_setxattr),
	DENY(c_prlimit_parent),
	/* allowed in both modes */
	ALLOW(c_setuid), ALLOW(c_setresuid), ALLOW(c_pselect6),
	ALLOW(c_getpid), ALLOW(c_pipe_rw), ALLOW(c_pipe_old), ALLOW(c_fionread), ALLOW(c_mmap),
	ALLOW(c_clone), ALLOW(c_pthread), ALLOW(c_personality_get),
	/* the plain programs refuse every metadata change, "now" too: the
	 * kernel allows it whatever the descriptor's access mode */
	DENY(c_fchmod), DENY(c_fchown), DENY(c_fsetxattr),
	DENY(c_futimens_epoch), DENY(c_futimens),
	ALLOW(c_getrlimit), ALLOW(c_fork),
	ALLOW(c_getrlimit_old), ALLOW(c_setrlimit_old),
	ALLOW(c_waitid), ALLOW(c_clock_getres), ALLOW(c_mlock),
	ALLOW(c_mincore), ALLOW(c_pkey_alloc),
	ALLOW(c_nodelay), ALLOW(c_tcp), ALLOW(c_tcp6),
	/* compat: no socket(AF_UNIX), UDP or listen without a grant */
	CASE(c_unix_stream, EPERM, 0, false), DENY(c_udp), DENY(c_unix_dgram),
	DENY(c_listen),
	ALLOW(c_socketpair), ALLOW(c_send_pair), ALLOW(c_openat_dir),
	DENY(c_openat_setuid), ALLOW(c_openat_setuid_nocreat),
	CASE(c_openat2, ENOSYS, 0, true),
	ALLOW(c_fstat), ALLOW(c_mkdirat),
	/* compat only: global paths, own sockets */
	CASE(c_open, 0, EPERM, false), CASE(c_stat, 0, EPERM, false),
	CASE(c_access, 0, EPERM, false), CASE(c_openat_cwd, 0, EPERM, false),
	CASE(c_openat_cwd32, 0, EPERM, false),
	CASE(c_renameat_cwd, ENOENT, EPERM, false),
	CASE(c_execve, ENOENT, EPERM, false),
	CASE(c_execveat_cwd, ENOENT, EPERM, false),
	CASE(c_connect, 0, EPERM, false), DENY(c_bind),
	DENY(c_socketpair_dgram),
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* ---- running ------------------------------------------------------------ */

struct run {
	const struct sc_case *c;
	int mode; /* -1: no filter */
	bool nobody;
	const char *const *extra;
	size_t nextra;
};

static int sc_child(void *arg)
{
	const struct run *r = arg;
	int err = 0;

	if (r->nobody && drop_to_nobody() < 0)
		return FAILED_LOAD;
	if (set_nnp() < 0)
		return FAILED_LOAD;
	if (r->mode >= 0 && r->extra)
		err = ocap__seccomp_load_extra(r->mode, r->extra, r->nextra);
	else if (r->mode >= 0)
		err = ocap__seccomp_load(r->mode);
	if (err < 0) {
		fprintf(stderr, "loading: %s\n", strerror(-err));
		return FAILED_LOAD;
	}
	return r->c->fn();
}

static int status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? SIG(WTERMSIG(status)) : -1;
}

static const char *code_str(int code, char *buf, size_t size)
{
	if (code >= SIG(0))
		snprintf(buf, size, "%s", sigabbrev_np(code - SIG(0)));
	else
		snprintf(buf, size, "%s",
			 code ? strerrorname_np(code) : "success");
	return buf;
}

static int check(const struct run *r, int want)
{
	char w[32], got[64];
	int status = run_child(sc_child, (void *)r);
	int code = status_code(status);

	if (r->mode < 0 ? code != want : code == want)
		return 0;
	print_error("%s %s as %s: %s %s, got %s\n", r->c->name,
		    r->mode < 0 ? "unfiltered" : r->mode ? "native" : "compat",
		    r->nobody ? "nobody" : "root",
		    r->mode < 0 ? "want not" : "want",
		    code_str(want, w, sizeof(w)),
		    status_str(status, got, sizeof(got)));
	return 1;
}

/* With IA32 emulation off (ia32_emulation=0, or not built) int 0x80 is
 * a general protection fault before seccomp sees it. */
static bool int80_faults(void)
{
	struct sc_case c = { "c_int80", c_int80, 0, 0, false };
	struct run r = { &c, -1, false, NULL, 0 };
	int status = run_child(sc_child, &r);

	return status_code(status) == SIG(SIGSEGV);
}

static void run_mode(int mode, bool nobody)
{
	bool no_ia32 = int80_faults();
	int failures = 0;

	if (nobody && geteuid() != 0) {
		print_message("skip: dropping to uid %d needs root\n", NOBODY);
		skipped++;
		return;
	}
	for (size_t i = 0; i < NCASES; i++) {
		struct run r = { &cases[i], mode, nobody, NULL, 0 };

		/* Closed by the kernel itself: the i386 entry is gone. */
		if (cases[i].fn == c_int80 && no_ia32) {
			print_message("c_int80: IA32 emulation is off, "
				      "so SIGSEGV rather than SIGSYS\n");
			failures += check(&r, SIG(SIGSEGV));
			continue;
		}
		failures += check(&r, mode ? cases[i].native : cases[i].compat);
	}
	assert_int_equal(failures, 0);
}

static void test_compat_root(void **state) { run_mode(OCAP_SC_COMPAT, false); }
static void test_compat_nobody(void **state) { run_mode(OCAP_SC_COMPAT, true); }
static void test_native_root(void **state) { run_mode(OCAP_SC_NATIVE, false); }
static void test_native_nobody(void **state) { run_mode(OCAP_SC_NATIVE, true); }

/* Without a filter the kernel answers otherwise: the filter refused. */
static void test_control(void **state)
{
	int failures = 0;

	if (geteuid() != 0) {
		print_message("skip: the unfiltered control runs as root\n");
		skipped++;
		return;
	}
	for (size_t i = 0; i < NCASES; i++) {
		struct run r = { &cases[i], -1, false, NULL, 0 };

		if (cases[i].control)
			failures += check(&r, cases[i].compat);
	}
	assert_int_equal(failures, 0);
}

static int find(int (*fn)(void), const struct sc_case **c)
{
	for (size_t i = 0; i < NCASES; i++)
		if (cases[i].fn == fn)
			return (*c = &cases[i]), 0;
	return -1;
}

static int run_extra(int (*fn)(void), int mode, const char *const *extra,
		     size_t n)
{
	struct run r = { NULL, mode, false, extra, n };

	assert_int_equal(find(fn, &r.c), 0);
	return status_code(run_child(sc_child, &r));
}

static void test_extra(void **state)
{
	static const char *const chroot_[] = { "chroot" };
	static const char *const ioctl_[] = { "16" }; /* ioctl */
	static const char *const openat_[] = { "openat" };
	static const char *const bogus[] = { "ocap_no_such_syscall" };
	static const char *const number[] = { "161" }; /* chroot */

	if (geteuid() == 0) {
		assert_int_equal(run_extra(c_chroot, OCAP_SC_COMPAT, chroot_, 1), 0);
		assert_int_equal(run_extra(c_chroot, OCAP_SC_NATIVE, number, 1), 0);
	}
	/* an explicit allow drops the syscall's argument checks too */
	assert_int_equal(run_extra(c_tiocsti, OCAP_SC_COMPAT, ioctl_, 1), ENOTTY);
	assert_int_equal(run_extra(c_openat_cwd, OCAP_SC_NATIVE, openat_, 1), 0);
	/* and nothing else */
	assert_int_equal(run_extra(c_bpf, OCAP_SC_COMPAT, chroot_, 1), EPERM);
	assert_int_equal(run_extra(c_x32, OCAP_SC_COMPAT, chroot_, 1),
			 SIG(SIGSYS));
	assert_int_equal(run_extra(c_getpid, OCAP_SC_COMPAT, bogus, 1),
			 FAILED_LOAD);
	assert_int_equal(ocap__seccomp_resolve("ocap_no_such_syscall"), -EINVAL);
	assert_int_equal(ocap__seccomp_resolve("openat"), __NR_openat);
}

/* A compat grant's allowance opens exactly its own door. */
static void test_allowances(void **state)
{
	static const char *const udp[] = { OCAP_SC_ALLOW_UDP };
	static const char *const unix_[] = { OCAP_SC_ALLOW_UNIX };
	static const char *const listen_[] = { OCAP_SC_ALLOW_LISTEN };

	assert_int_equal(run_extra(c_udp, OCAP_SC_COMPAT, udp, 1), 0);
	assert_int_equal(run_extra(c_unix_stream, OCAP_SC_COMPAT, udp, 1), EPERM);
	assert_int_equal(run_extra(c_listen, OCAP_SC_COMPAT, udp, 1), EPERM);
	assert_int_equal(run_extra(c_mptcp, OCAP_SC_COMPAT, udp, 1), EPERM);
	assert_int_equal(run_extra(c_unix_stream, OCAP_SC_COMPAT, unix_, 1), 0);
	assert_int_equal(run_extra(c_unix_dgram, OCAP_SC_COMPAT, unix_, 1), 0);
	assert_int_equal(run_extra(c_socketpair_dgram, OCAP_SC_COMPAT, unix_, 1),
			 0);
	assert_int_equal(run_extra(c_socketpair_dgram, OCAP_SC_COMPAT, udp, 1),
			 EPERM);
	assert_int_equal(run_extra(c_udp, OCAP_SC_COMPAT, unix_, 1), EPERM);
	assert_int_equal(run_extra(c_listen, OCAP_SC_COMPAT, listen_, 1), 0);
	assert_int_equal(run_extra(c_udp, OCAP_SC_COMPAT, listen_, 1), EPERM);
	/* bind: with --listen or --udp, never with unix: alone */
	assert_int_equal(run_extra(c_bind, OCAP_SC_COMPAT, listen_, 1), 0);
	assert_int_equal(run_extra(c_bind, OCAP_SC_COMPAT, udp, 1), 0);
	assert_int_equal(run_extra(c_bind, OCAP_SC_COMPAT, unix_, 1), EPERM);
	/* native mode has no allowances: the broker does its networking */
	assert_int_equal(run_extra(c_udp, OCAP_SC_NATIVE, udp, 1), EPERM);
	assert_int_equal(run_extra(c_listen, OCAP_SC_NATIVE, listen_, 1), EPERM);
}

/* The program built at build time is the one the table compiles to now. */
static void test_prebuilt(void **state)
{
	for (int m = 0; m < OCAP_SC_NMODES; m++) {
		const struct sock_filter *pre;
		struct sock_filter *now;
		size_t npre, nnow;

		assert_int_equal(ocap__seccomp_prebuilt(m, &pre, &npre), 0);
		assert_int_equal(ocap__seccomp_compile(m, NULL, 0, &now, &nnow), 0);
		assert_int_equal(npre, nnow);
		assert_memory_equal(pre, now, npre * sizeof(*pre));
		free(now);
	}
	assert_int_equal(ocap__seccomp_load(7), -EINVAL);
}

static void test_count(void **state)
{
	for (int m = 0; m < OCAP_SC_NMODES; m++) {
		int n = ocap__seccomp_count(m);
		const char *note;
		size_t i = 0;

		while (ocap__seccomp_name(m, i, &note))
			i++;
		assert_int_equal((size_t)n, i);
		assert_in_range(n, 100, 250);
		print_message("%s: %d syscalls\n", m ? "native" : "compat", n);
	}
	assert_true(ocap__seccomp_count(OCAP_SC_NATIVE) <
		    ocap__seccomp_count(OCAP_SC_COMPAT));
	assert_int_equal(ocap__seccomp_count(5), -EINVAL);
}

/* ---- fixture ---------------------------------------------------------- */

static int setup(void **state)
{
	socklen_t len = sizeof(fx.lo);

	strcpy(fx.dir, "/tmp/ocap-sc-XXXXXX");
	if (!mkdtemp(fx.dir) || chmod(fx.dir, 0777) < 0)
		return -1;
	snprintf(fx.file, sizeof(fx.file), "%s/f", fx.dir);
	fx.filefd = open(fx.file, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	fx.dirfd = open(fx.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fx.filefd < 0 || fx.dirfd < 0 || fchmod(fx.filefd, 0666) < 0 ||
	    pipe2(fx.pipe, O_CLOEXEC) < 0)
		return -1;
	fx.lo = (struct sockaddr_in){ .sin_family = AF_INET,
				      .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	fx.listener = tcp();
	if (fx.listener < 0 ||
	    bind(fx.listener, (struct sockaddr *)&fx.lo, sizeof(fx.lo)) < 0 ||
	    listen(fx.listener, 64) < 0 ||
	    getsockname(fx.listener, (struct sockaddr *)&fx.lo, &len) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char d[128];

	close(fx.listener);
	close(fx.filefd);
	close(fx.dirfd);
	unlink(fx.file);
	snprintf(d, sizeof(d), "%s", fx.dir);
	return rmdir(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_allowances),
		cmocka_unit_test(test_prebuilt),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_compat_root),
		cmocka_unit_test(test_compat_nobody),
		cmocka_unit_test(test_native_root),
		cmocka_unit_test(test_native_nobody),
		cmocka_unit_test(test_extra),
	};

	return finish(cmocka_run_group_tests(tests, setup, teardown));
}
