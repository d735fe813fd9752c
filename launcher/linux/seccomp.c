/* SPDX-License-Identifier: MIT */
/*
 * seccomp stage: one default-deny allowlist, in two modes.
 *
 * Everything not in the table below fails with EPERM; clone3 fails with
 * ENOSYS so that libc falls back to clone, whose flags we can see.  Other
 * ABIs on the same machine (i386 through int 0x80, x32 numbers) kill the
 * process.  compat keeps what unmodified glibc programs need and relies on
 * Landlock to confine paths; native (capability mode) also refuses paths on
 * AT_FDCWD, the non-*at path calls (execve too: exec a descriptor with
 * execveat), connect/bind/listen, which the broker does, and datagram
 * sockets, whose sendmsg can name any address.
 *
 * Landlock does not check metadata changes.  The supervised programs
 * hand chmod, chown, the utime calls and setxattr to the broker, which
 * performs them inside write grants (native mode: the descriptor and *at
 * forms); the plain programs refuse them all, even "touch now" on a
 * descriptor, which the kernel allows whatever the descriptor's access;
 * new files may not be set-ID.
 *
 * Argument checks look at the low 32 bits where the kernel reads an int,
 * so a high word cannot hide a value.  libseccomp has no masked "not
 * equal" and drops conditional rules next to an unconditional one, so the
 * few "allow, except these values" checks (TIOCSTI...) are a short
 * hand-written prefix run before libseccomp's program.
 *
 * The default programs are compiled at build time by gen-seccomp (using
 * ocap__seccomp_compile) and loaded without libseccomp; libseccomp is used at
 * launch only for --allow-syscall.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h> /* RENAME_* */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/seccomp.h>
#include <seccomp.h>

#include "sandbox.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif
#ifndef TCP_ULP
#define TCP_ULP 31
#endif

/* Each mode comes in two programs: supervised (S, NS), whose metadata
 * calls go to the broker as user notifications, and plain (P, NP),
 * where they are refused, for when no supervisor can listen. */
#define P (1u << OCAP_SC_COMPAT)
#define S (1u << OCAP_SC_SUPER)
#define NP (1u << OCAP_SC_NATIVE)
#define NS (1u << OCAP_SC_NSUPER)
#define C (P | S)
#define N (NP | NS)
#define B (C | N)

#define LO32 0xffffffffu
/* Every CLONE_NEW* flag clone(2) takes (CLONE_NEWTIME is clone3-only). */
#define CLONE_NS_FLAGS                                                     \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |      \
	 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

/* An int argument equal to v in its low 32 bits. */
#define ARG_IS(i, v) SCMP_CMP((i), SCMP_CMP_MASKED_EQ, LO32, (uint32_t)(v))
/* An int argument with none of the bits in m set. */
#define ARG_CLEAR(i, m) SCMP_CMP((i), SCMP_CMP_MASKED_EQ, (uint32_t)(m), 0)

typedef int rule_fn(scmp_filter_ctx ctx, int nr, int mode, unsigned dirfds);

struct rule {
	const char *name;
	unsigned char modes;  /* C, N or B */
	unsigned char dirfds; /* bit i: argument i is a dirfd */
	rule_fn *add;         /* NULL: allowed (native: not on AT_FDCWD) */
	const char *note;     /* what add restricts */
	unsigned char modearg; /* 1 + the index of a file mode argument */
	unsigned char flagsarg; /* 1 + the index of open(2) flags, if any */
};

static rule_fn add_enosys, add_notify, add_clone, add_personality, add_prlimit,
	add_socket_compat, add_socket_native, add_socketpair,
	add_socketpair_native, add_sendto,
	add_sendto_native, add_sendmsg, add_sendmmsg,
	add_fallocate, add_renameat2, add_seccomp, add_unshare;

/* Table rows: allowed in both modes, compat only, with dirfd arguments
 * (bit i: argument i), or with a rule function and its note.  CREATES
 * marks a call that makes a file with a mode: argument i may not hold
 * S_ISUID or S_ISGID.  The kernel keeps both bits on a new file whoever
 * makes it, so a program could otherwise leave a set-user-ID copy of
 * itself in a writable grant for someone outside to run. */
#define BOTH(n) { n, B, 0, NULL, NULL, 0, 0 }
#define COMPAT(n) { n, C, 0, NULL, NULL, 0, 0 }
#define AT(n, dirfds) { n, B, dirfds, NULL, NULL, 0, 0 }
#define RULE(n, modes, fn, note) { n, modes, 0, fn, note, 0, 0 }
/* The mode is read only when the flags (if the call has any: fl >= 0)
 * create: O_CREAT or O_TMPFILE. */
#define CREATES(n, modes, dirfds, fl, i)                                   \
	{ n, modes, dirfds, NULL, NULL, (i) + 1, (fl) + 1 }
/* The broker decides and performs the call (linux/supervise.c): the
 * path forms in compat, the descriptor and *at forms (dirfd bits, not
 * AT_FDCWD in native mode) in both. */
#define SUPER(n, note) { n, S, 0, add_notify, note, 0, 0 }
#define SUPER_AT(n, dirfds, note) { n, S | NS, dirfds, add_notify, note, 0, 0 }
#define SETID_NOTE "mode without S_ISUID, S_ISGID"
#define META_NOTE                                                          \
	"supervised: inside a write grant, or on a file open for writing; "  \
	"no new set-ID bit"
#define XATTR_NOTE                                                         \
	"supervised: as chmod; user.* and POSIX ACLs only (never "           \
	"security.*, trusted.*)"
#define RENAME_NOTE "flags NOREPLACE, EXCHANGE only (no RENAME_WHITEOUT)"
#define MEMLOCK_NOTE "bounded by RLIMIT_MEMLOCK (no CAP_IPC_LOCK)"
#define PKEY_NOTE "own pages only, as mprotect"
#define LANDLOCK_NOTE                                                      \
	"a domain nested in the program's: only takes access away"

static const struct rule rules[] = {
	/* memory */
	BOTH("brk"), BOTH("mmap"), BOTH("munmap"), BOTH("mprotect"),
	BOTH("mremap"), BOTH("madvise"), BOTH("msync"),
	/* mincore reports only the process's own mappings, and of a file
	 * mapping the real residency only where it could write the file
	 * (Linux 5.0): gnulib's stack-overflow handler (grep) falls back on
	 * it when /proc is not granted, and fincore(1) counts with it. */
	RULE("mincore", B, NULL, "own mappings; page cache only of files "
	     "it could write"),
	/* Locked pages count against RLIMIT_MEMLOCK, which no process here
	 * can raise past its hard limit: CAP_IPC_LOCK and CAP_SYS_RESOURCE
	 * are dropped.  gpg locks the memory that holds its keys. */
	RULE("mlock", B, NULL, MEMLOCK_NOTE),
	RULE("mlock2", B, NULL, MEMLOCK_NOTE),
	RULE("munlock", B, NULL, MEMLOCK_NOTE),
	RULE("mlockall", B, NULL, MEMLOCK_NOTE),
	RULE("munlockall", B, NULL, MEMLOCK_NOTE),
	/* Protection keys only take access away from the process's own
	 * pages, as mprotect does: V8 (node) guards its JIT code with them. */
	RULE("pkey_alloc", B, NULL, PKEY_NOTE),
	RULE("pkey_mprotect", B, NULL, PKEY_NOTE),
	RULE("pkey_free", B, NULL, PKEY_NOTE),
	/* descriptors */
	BOTH("read"), BOTH("write"), BOTH("readv"), BOTH("writev"),
	BOTH("pread64"), BOTH("pwrite64"), BOTH("lseek"), BOTH("close"),
	BOTH("close_range"), BOTH("dup"), BOTH("dup2"), BOTH("dup3"),
	/* A lease makes writers outside wait or fail; F_NOTIFY is inotify's
	 * older form, refused like it. */
	RULE("fcntl", B, NULL, "cmd not F_SETLEASE, F_NOTIFY"),
	BOTH("flock"), BOTH("fsync"), BOTH("fdatasync"), BOTH("ftruncate"),
	RULE("ioctl", B, NULL,
	     "cmd not TIOCSTI, TIOCLINUX, TIOCSETD, FS_IOC_SET*, nor terminal "
	     "ioctls that signal or lock outside (TIOCSWINSZ, TIOCSPGRP, "
	     "TIOCEXCL, TIOCSCTTY, TIOCNOTTY, TIOCCONS, TIOCVHANGUP, TIOCSIG)"),
	BOTH("fstat"), BOTH("fstatfs"), BOTH("getdents64"),
	/* COLLAPSE_RANGE shrinks a file and INSERT_RANGE shifts its data,
	 * on a descriptor Landlock let write but not truncate.  The other
	 * modes allocate, or write zeros within what write access allows. */
	RULE("fallocate", B, add_fallocate,
	     "no COLLAPSE_RANGE, INSERT_RANGE (they shrink or shift; "
	     "PUNCH_HOLE, ZERO_RANGE only write zeros, as write may)"),
	/* Landlock checks no metadata change, by path or on a descriptor,
	 * and the kernel lets a file's owner make them whatever the
	 * descriptor's access: a read-only file would gain a set-ID bit or
	 * file capabilities.  Supervised, the broker judges each call by
	 * the grants; elsewhere they are refused (setxattr everywhere).
	 * --allow-syscall brings one back unchecked. */
	SUPER("chmod", META_NOTE), SUPER_AT("fchmod", 1, META_NOTE),
	SUPER_AT("fchmodat", 1, META_NOTE), SUPER("chown", META_NOTE),
	SUPER_AT("fchown", 1, META_NOTE), SUPER("lchown", META_NOTE),
	SUPER_AT("fchownat", 1, META_NOTE),
	SUPER_AT("utimensat", 1, META_NOTE), SUPER("utime", META_NOTE),
	SUPER("utimes", META_NOTE), SUPER_AT("futimesat", 1, META_NOTE),
	SUPER("setxattr", XATTR_NOTE), SUPER("lsetxattr", XATTR_NOTE),
	SUPER_AT("fsetxattr", 1, XATTR_NOTE),
	SUPER("removexattr", XATTR_NOTE), SUPER("lremovexattr", XATTR_NOTE),
	SUPER_AT("fremovexattr", 1, XATTR_NOTE),
	BOTH("fadvise64"),
	BOTH("fgetxattr"), BOTH("flistxattr"),
	BOTH("sendfile"), BOTH("copy_file_range"),
	/* paths beneath a directory descriptor */
	CREATES("openat", B, 1, 2, 3), CREATES("mknodat", B, 1, -1, 2),
	/* openat2's mode is in memory seccomp cannot read: compat programs
	 * fall back to openat; libocap needs it for RESOLVE_BENEATH. */
	RULE("openat2", C, add_enosys, "ENOSYS: libc falls back to openat"),
	{ "openat2", N, 1, NULL, NULL, 0, 0 },
	AT("newfstatat", 1), AT("statx", 1), AT("mkdirat", 1),
	AT("unlinkat", 1), AT("renameat", 5),
	/* RENAME_WHITEOUT leaves a 0:0 character device where the source
	 * was, which Landlock's MAKE_CHAR never sees.  RENAME_EXCHANGE is
	 * checked both ways (each side leaves one directory and is made in
	 * the other, with REFER across), and RENAME_NOREPLACE only fails
	 * where a plain rename would replace. */
	{ "renameat2", C, 5, add_renameat2, RENAME_NOTE },
	{ "renameat2", N, 5, add_renameat2, "dirfd not AT_FDCWD, " RENAME_NOTE },
	AT("linkat", 5), AT("symlinkat", 2), AT("readlinkat", 1),
	AT("faccessat", 1), AT("faccessat2", 1),
	AT("execveat", 1), BOTH("fchdir"), BOTH("getcwd"),
	/* global paths: compat only, confined by Landlock */
	CREATES("open", C, 0, 1, 2), CREATES("creat", C, 0, -1, 1),
	COMPAT("access"), COMPAT("mkdir"),
	COMPAT("rmdir"), COMPAT("unlink"), COMPAT("rename"), COMPAT("link"),
	COMPAT("symlink"), COMPAT("readlink"), COMPAT("truncate"),
	COMPAT("chdir"), COMPAT("statfs"), COMPAT("execve"),
	COMPAT("stat"), COMPAT("lstat"),
	COMPAT("getxattr"), COMPAT("lgetxattr"), COMPAT("listxattr"),
	COMPAT("llistxattr"),
	/* process */
	BOTH("getpid"), BOTH("getppid"), BOTH("gettid"), BOTH("getuid"),
	BOTH("geteuid"), BOTH("getgid"), BOTH("getegid"), BOTH("getgroups"),
	BOTH("getpgrp"), BOTH("getpgid"), BOTH("setpgid"), BOTH("setsid"),
	BOTH("getresuid"), BOTH("getresgid"),
	/* The child stage drops every capability for good (bounding set
	 * and securebits too), so these can only trade among the ids the
	 * process already holds; GNU make's children call setresuid and
	 * setresgid before each recipe.  setgroups stays out: without
	 * CAP_SETGID it can only fail. */
	BOTH("setuid"), BOTH("setgid"), BOTH("setreuid"), BOTH("setregid"),
	BOTH("setresuid"), BOTH("setresgid"), BOTH("setfsuid"),
	BOTH("setfsgid"),
	BOTH("umask"), BOTH("uname"), BOTH("sysinfo"), BOTH("prctl"),
	BOTH("arch_prctl"), BOTH("set_tid_address"), BOTH("set_robust_list"),
	BOTH("rseq"),
	RULE("personality", B, add_personality, "query or PER_LINUX only"),
	/* Confining further, for ocapsh inside ocapsh and ocap_enter(3):
	 * each only takes authority away.  A Landlock domain nests in the
	 * one the program has; a filter adds to those it runs under, the
	 * strictest answer winning; capset can only lower what the child
	 * stage left (nothing: the capabilities are gone and no_new_privs
	 * keeps exec from giving any).  capget stays out: it would read any
	 * process's sets (ALLOWLIST.md).  A listener stays out: answered by
	 * the program itself, it would let through a call an outer filter
	 * hands to the broker (the kernel refuses a second listener in any
	 * case, and a nested ocapsh runs without a supervisor). */
	RULE("capset", B, NULL, "lowers only: no capability is left to raise"),
	RULE("landlock_create_ruleset", B, NULL, LANDLOCK_NOTE),
	RULE("landlock_add_rule", B, NULL, LANDLOCK_NOTE),
	RULE("landlock_restrict_self", B, NULL, LANDLOCK_NOTE),
	RULE("seccomp", B, add_seccomp,
	     "a filter added to this one, the strictest answer winning; "
	     "no NEW_LISTENER, SPEC_ALLOW"),
	/* unshare(CLONE_THREAD) changes nothing: it fails with EINVAL when
	 * the process has other threads, which is how ocap_enter(3) tells
	 * that it has one without reading /proc. */
	RULE("unshare", B, add_unshare, "CLONE_THREAD alone: changes nothing, "
	     "fails when other threads run"),
	/* The process's own signals, read from a descriptor (a nested
	 * broker waits for them so). */
	RULE("signalfd4", B, NULL, "the process's own signals"),
	RULE("signalfd", B, NULL, "the process's own signals"),
	RULE("prlimit64", B, add_prlimit, "own process (pid 0)"),
	/* The older forms of prlimit64(0, ...), which the Go runtime calls
	 * to raise its descriptor limit to the hard one: the process's own
	 * limits, and a hard limit only ever lowered (no CAP_SYS_RESOURCE). */
	RULE("getrlimit", B, NULL, "own process, as prlimit64 pid 0"),
	RULE("setrlimit", B, NULL, "own process; hard limit only lowered"),
	BOTH("getrusage"), BOTH("sched_yield"), BOTH("sched_getaffinity"),
	RULE("clone", B, add_clone, "no CLONE_NEW* flags"),
	RULE("clone3", B, add_enosys, "ENOSYS: libc falls back to clone"),
	/* Calls newer than most programs, each with an older way to do the
	 * same that the allowlist judges: answered "not on this kernel". */
	RULE("fchmodat2", B, add_enosys, "ENOSYS: libc falls back to fchmodat"),
	RULE("cachestat", B, add_enosys, "ENOSYS: fincore falls back to mincore"),
	RULE("map_shadow_stack", B, add_enosys,
	     "ENOSYS: libc runs without a shadow stack"),
	RULE("futex_wake", B, add_enosys, "ENOSYS: futex does the same"),
	RULE("futex_wait", B, add_enosys, "ENOSYS: futex does the same"),
	RULE("futex_requeue", B, add_enosys, "ENOSYS: futex does the same"),
	BOTH("fork"), BOTH("vfork"), BOTH("exit"), BOTH("exit_group"),
	BOTH("wait4"),
	/* Like wait4, only the caller's own children (or a pidfd it holds):
	 * Go's exec.Cmd.Wait and Python's os.waitid wait with it. */
	RULE("waitid", B, NULL, "own children only, as wait4"),
	/* signals (Landlock scopes kill and tgkill to the sandbox) */
	BOTH("rt_sigaction"), BOTH("rt_sigprocmask"), BOTH("rt_sigreturn"),
	BOTH("rt_sigsuspend"), BOTH("sigaltstack"), BOTH("kill"),
	BOTH("tgkill"), BOTH("alarm"), BOTH("setitimer"),
	/* sigwait(3), sigtimedwait(3): the process's own pending signals */
	BOTH("rt_sigtimedwait"), BOTH("rt_sigpending"),
	BOTH("restart_syscall"),
	/* time */
	BOTH("clock_gettime"), BOTH("clock_nanosleep"), BOTH("nanosleep"),
	BOTH("gettimeofday"), BOTH("timer_create"),
	/* A clock's resolution, nothing else: the JVM checks the per-thread
	 * CPU clocks with it and reads /proc when it fails. */
	RULE("clock_getres", B, NULL, "a clock's resolution; no state"),
	BOTH("timer_settime"), BOTH("timer_delete"),
	/* waiting */
	/* glibc's select() is pselect6 */
	BOTH("futex"), BOTH("poll"), BOTH("ppoll"), BOTH("select"),
	BOTH("pselect6"),
	BOTH("epoll_create1"), BOTH("epoll_ctl"), BOTH("epoll_wait"),
	BOTH("epoll_pwait"), BOTH("eventfd2"), BOTH("pipe2"),
	/* musl's pipe() and pause() are the old calls */
	BOTH("pipe"), BOTH("pause"),
	/* sockets */
	RULE("socket", C, add_socket_compat,
	     "AF_INET, AF_INET6 with TCP (+ AF_UNIX, UDP when granted)"),
	RULE("socket", N, add_socket_native,
	     "AF_UNIX stream, seqpacket; AF_INET, AF_INET6 with TCP"),
	RULE("socketpair", C, add_socketpair_native,
	     "AF_UNIX stream, seqpacket (+ datagram when granted)"),
	RULE("socketpair", N, add_socketpair_native,
	     "AF_UNIX stream, seqpacket"),
	/* supervised: the broker checks the host and port (or the unix:
	 * path) and connects the program's own socket */
	{ "connect", P, 0, NULL, NULL, 0, 0 },
	SUPER("connect", "supervised: a granted host and port, or unix: path"),
	/* listen() on an unbound socket takes a port Landlock never checked,
	 * and bind() on a Unix socket (a socketpair end will do) takes a name
	 * in the host's abstract namespace, which no Landlock ABI scopes:
	 * both only with a --listen grant ("@listen"), bind with --udp. */
	BOTH("accept"), BOTH("accept4"), BOTH("getsockname"),
	BOTH("getpeername"),
	/* SO_PEERPIDFD on the root descriptor, or SO_PASSPIDFD on any
	 * socket the broker writes to, would hand over a pidfd for the
	 * broker although pidfd_open is refused.  SO_PEERCRED stays: a pid
	 * number gives no hold on the process. */
	RULE("setsockopt", B, NULL,
	     "not TCP_FASTOPEN_CONNECT, TCP_ULP, SO_PASSPIDFD"),
	RULE("getsockopt", B, NULL, "not SO_PEERPIDFD"),
	RULE("sendto", C, add_sendto, "no MSG_FASTOPEN"),
	RULE("sendto", N, add_sendto_native, "no MSG_FASTOPEN, no address"),
	RULE("sendmsg", B, add_sendmsg, "no MSG_FASTOPEN"),
	RULE("sendmmsg", B, add_sendmmsg, "no MSG_FASTOPEN"),
	BOTH("recvfrom"), BOTH("recvmsg"), BOTH("shutdown"),
	/* misc */
	BOTH("getrandom"), BOTH("memfd_create"),
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* Refused although the rule above allows the syscall: arg a (and b) equal
 * va (and vb) in their low 32 bits, arg a masked with ma when ma is set.
 * Keep a syscall's entries together: the prefix tests the number once
 * per run of them, and loads an argument once for the entries after it
 * that compare the same one. */
struct argdeny {
	const char *name;
	unsigned char a, b; /* b == 0: one comparison */
	uint32_t va, vb;
	uint32_t ma;
};

/* <linux/fs.h> and <linux/fsverity.h>: a file's owner may change its
 * inode flags (immutable, append-only, nodump...), project, generation
 * or verity on any descriptor, even one opened for neither reading nor
 * writing; Landlock checks none of it. */
#define FS_IOC_SETFLAGS_ 0x40086602u
#define FS_IOC32_SETFLAGS_ 0x40046602u
#define FS_IOC_SETVERSION_ 0x40087602u
#define FS_IOC32_SETVERSION_ 0x40047602u
#define FS_IOC_FSSETXATTR_ 0x401c5820u
#define FS_IOC_ENABLE_VERITY_ 0x40806685u
#define FS_IOC_SET_ENCRYPTION_POLICY_ 0x800c6613u
#ifndef TIOCSETD
#define TIOCSETD 0x5423
#endif
/* <asm-generic/socket.h>, Linux 6.5 */
#define SO_PASSPIDFD_ 76
#define SO_PEERPIDFD_ 77

static const struct argdeny argdenies[] = {
	{ "ioctl", 1, 0, TIOCSTI, 0, 0 },
	{ "ioctl", 1, 0, TIOCLINUX, 0, 0 },
	/* a line discipline: kernel code (and modules) of its own */
	{ "ioctl", 1, 0, TIOCSETD, 0, 0 },
	/* The terminal is shared with the broker and the user's shell.
	 * TIOCSWINSZ has the kernel send SIGWINCH to its foreground group,
	 * where the broker is; TIOCSPGRP (tcsetpgrp) would put the broker
	 * and the shell in the background, so that the kernel stops them
	 * with SIGTTOU/SIGTTIN, and lets a background program take the
	 * keyboard: shells inside run without job control.  TIOCEXCL locks
	 * everyone else out of the terminal after the program ends; the
	 * others change whose terminal it is or hang it up. */
	{ "ioctl", 1, 0, TIOCSWINSZ, 0, 0 },
	{ "ioctl", 1, 0, TIOCSPGRP, 0, 0 },
	{ "ioctl", 1, 0, TIOCEXCL, 0, 0 },
	{ "ioctl", 1, 0, TIOCNXCL, 0, 0 },
	{ "ioctl", 1, 0, TIOCSCTTY, 0, 0 },
	{ "ioctl", 1, 0, TIOCNOTTY, 0, 0 },
	{ "ioctl", 1, 0, TIOCCONS, 0, 0 },
	{ "ioctl", 1, 0, TIOCVHANGUP, 0, 0 },
	{ "ioctl", 1, 0, TIOCSIG, 0, 0 },
	{ "ioctl", 1, 0, FS_IOC_SETFLAGS_, 0, 0 },
	{ "ioctl", 1, 0, FS_IOC32_SETFLAGS_, 0, 0 },
	{ "ioctl", 1, 0, FS_IOC_SETVERSION_, 0, 0 },
	{ "ioctl", 1, 0, FS_IOC32_SETVERSION_, 0, 0 },
	{ "ioctl", 1, 0, FS_IOC_FSSETXATTR_, 0, 0 },
	{ "ioctl", 1, 0, FS_IOC_ENABLE_VERITY_, 0, 0 },
	{ "ioctl", 1, 0, FS_IOC_SET_ENCRYPTION_POLICY_, 0, 0 },
	/* Access mode 3 opens for ioctl alone, and Landlock checks such an
	 * open no more than O_PATH (openat2: see the table). */
	{ "open", 1, 0, O_ACCMODE, 0, O_ACCMODE },
	{ "openat", 2, 0, O_ACCMODE, 0, O_ACCMODE },
	{ "fcntl", 1, 0, F_SETLEASE, 0, 0 },
	{ "fcntl", 1, 0, F_NOTIFY, 0, 0 },
	{ "setsockopt", 1, 2, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 0 },
	{ "setsockopt", 1, 2, IPPROTO_TCP, TCP_ULP, 0 },
	{ "setsockopt", 1, 2, SOL_SOCKET, SO_PASSPIDFD_, 0 },
	{ "getsockopt", 1, 2, SOL_SOCKET, SO_PEERPIDFD_, 0 },
};

#define NARGDENIES (sizeof(argdenies) / sizeof(argdenies[0]))

/* ---- the table, without libseccomp ------------------------------------ */

static bool in_mode(const struct rule *r, int mode)
{
	return mode >= 0 && mode < OCAP_SC_NMODES && (r->modes & (1u << mode));
}

/* Reaches the kernel's implementation (clone3 does not). */
static bool reachable(const struct rule *r, int mode)
{
	return in_mode(r, mode) && r->add != add_enosys;
}

int ocap__seccomp_count(int mode)
{
	int n = 0;

	if (mode < 0 || mode >= OCAP_SC_NMODES)
		return -EINVAL;
	for (size_t i = 0; i < NRULES; i++)
		n += reachable(&rules[i], mode);
	return n;
}

const char *ocap__seccomp_name(int mode, size_t i, const char **note)
{
	for (size_t k = 0; k < NRULES; k++) {
		const struct rule *r = &rules[k];

		if (!reachable(r, mode) || i-- > 0)
			continue;
		if (note && r->note)
			*note = r->note;
		else if (note && r->modearg)
			*note = (ocap__sc_native(mode) && r->dirfds)
					? "dirfd not AT_FDCWD, " SETID_NOTE
					: SETID_NOTE;
		else if (note)
			*note = (ocap__sc_native(mode) && r->dirfds)
					? "dirfd not AT_FDCWD" : "";
		return r->name;
	}
	return NULL;
}

/* ---- rules, with libseccomp -------------------------------------------- */

static int allow(scmp_filter_ctx ctx, int nr, unsigned n,
		 const struct scmp_arg_cmp *c)
{
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, c);
}

/* In native mode each dirfd argument must be a descriptor: its low 32 bits
 * non-negative, which refuses AT_FDCWD (-100) with any high word. */
static unsigned dirfd_conds(int mode, unsigned dirfds, struct scmp_arg_cmp *c)
{
	unsigned n = 0;

	if (!ocap__sc_native(mode))
		return 0;
	for (unsigned i = 0; i < 6; i++)
		if (dirfds & (1u << i))
			c[n++] = ARG_CLEAR(i, 0x80000000u);
	return n;
}

#ifndef __O_TMPFILE
#define __O_TMPFILE 020000000
#endif

/* A row without a rule function: its dirfd conditions, and for a call
 * that creates, either flags that do not create or a mode without the
 * set-ID bits (two rules: libseccomp allows when either matches). */
static int add_plain_as(scmp_filter_ctx ctx, int nr, int mode,
			const struct rule *r, uint32_t act)
{
	struct scmp_arg_cmp c[7];
	unsigned n = dirfd_conds(mode, r->dirfds, c);
	int err;

	if (!r->modearg)
		return seccomp_rule_add_array(ctx, act, nr, n, c);
	c[n] = ARG_CLEAR(r->modearg - 1u, S_ISUID | S_ISGID);
	err = seccomp_rule_add_array(ctx, act, nr, n + 1, c);
	if (err || !r->flagsarg)
		return err;
	c[n] = ARG_CLEAR(r->flagsarg - 1u, O_CREAT | __O_TMPFILE);
	return seccomp_rule_add_array(ctx, act, nr, n + 1, c);
}

static int add_plain(scmp_filter_ctx ctx, int nr, int mode,
		     const struct rule *r)
{
	return add_plain_as(ctx, nr, mode, r, SCMP_ACT_ALLOW);
}

static int add_notify(scmp_filter_ctx ctx, int nr, int mode, unsigned dirfds)
{
	struct scmp_arg_cmp c[6];
	unsigned n = dirfd_conds(mode, dirfds, c);

	return seccomp_rule_add_array(ctx, SCMP_ACT_NOTIFY, nr, n, c);
}

static int add_enosys(scmp_filter_ctx ctx, int nr, int mode, unsigned dirfds)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
}

static int add_clone(scmp_filter_ctx ctx, int nr, int mode, unsigned dirfds)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				ARG_CLEAR(0, CLONE_NS_FLAGS));
}

static int add_personality(scmp_filter_ctx ctx, int nr, int mode,
			   unsigned dirfds)
{
	int err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				   ARG_IS(0, 0xffffffffu));

	return err ? err : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					    ARG_IS(0, 0 /* PER_LINUX */));
}

/* <linux/seccomp.h>, Linux 4.17 and 5.0 */
#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

/* seccomp(op, flags, args): a filter without a listener of its own and
 * without turning off the speculation mitigations; strict mode and the
 * queries (whose flags the kernel wants 0) as they are. */
static int add_seccomp(scmp_filter_ctx ctx, int nr, int mode, unsigned dirfds)
{
	static const unsigned ops[] = { SECCOMP_SET_MODE_STRICT,
					SECCOMP_GET_ACTION_AVAIL,
					SECCOMP_GET_NOTIF_SIZES };
	int err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2,
				   ARG_IS(0, SECCOMP_SET_MODE_FILTER),
				   ARG_CLEAR(1, SECCOMP_FILTER_FLAG_NEW_LISTENER |
						     SECCOMP_FILTER_FLAG_SPEC_ALLOW));

	for (size_t i = 0; !err && i < sizeof ops / sizeof ops[0]; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				       ARG_IS(0, ops[i]));
	return err;
}

static int add_unshare(scmp_filter_ctx ctx, int nr, int mode, unsigned dirfds)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				ARG_IS(0, CLONE_THREAD));
}

static int add_prlimit(scmp_filter_ctx ctx, int nr, int mode, unsigned dirfds)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, ARG_IS(0, 0));
}

/* socket(domain, type, protocol) with type's low 4 bits (SOCK_TYPE_MASK:
 * the rest is SOCK_NONBLOCK, SOCK_CLOEXEC) equal to type. */
static int add_sock(scmp_filter_ctx ctx, int nr, int domain, int type,
		    int proto)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 3, ARG_IS(0, domain),
				SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, type),
				ARG_IS(2, proto));
}

/* TCP and UDP only: MPTCP and SCTP escape Landlock's TCP rules, and
 * SOCK_SEQPACKET with protocol 0 would pick SCTP. */
static int add_inet(scmp_filter_ctx ctx, int nr, int domain, bool udp)
{
	int err = add_sock(ctx, nr, domain, SOCK_STREAM, 0);

	if (!err)
		err = add_sock(ctx, nr, domain, SOCK_STREAM, IPPROTO_TCP);
	if (!err && udp)
		err = add_sock(ctx, nr, domain, SOCK_DGRAM, 0);
	if (!err && udp)
		err = add_sock(ctx, nr, domain, SOCK_DGRAM, IPPROTO_UDP);
	return err;
}

/* Compat programs get TCP only: Landlock cannot limit which pathname Unix
 * socket is connected to (before ABI 9) nor where UDP goes.  A grant that
 * needs them (--connect unix:, --udp) asks for "@unix" or "@udp". */
static int socket_compat(scmp_filter_ctx ctx, int nr, bool udp, bool unix_)
{
	int err = 0;

	if (unix_)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				       ARG_IS(0, AF_UNIX));
	if (!err)
		err = add_inet(ctx, nr, AF_INET, udp);
	return err ? err : add_inet(ctx, nr, AF_INET6, udp);
}

static int add_socket_compat(scmp_filter_ctx ctx, int nr, int mode,
			     unsigned dirfds)
{
	return socket_compat(ctx, nr, false, false);
}

/* Native programs connect and bind through the broker; a datagram socket
 * would let them send anywhere without connect (sendmsg's msg_name is out
 * of seccomp's sight), and Landlock has no UDP rules. */
static int add_socket_native(scmp_filter_ctx ctx, int nr, int mode,
			     unsigned dirfds)
{
	int err = add_sock(ctx, nr, AF_UNIX, SOCK_STREAM, 0);

	if (!err)
		err = add_sock(ctx, nr, AF_UNIX, SOCK_SEQPACKET, 0);
	if (!err)
		err = add_inet(ctx, nr, AF_INET, false);
	return err ? err : add_inet(ctx, nr, AF_INET6, false);
}

static int add_socketpair(scmp_filter_ctx ctx, int nr, int mode,
			  unsigned dirfds)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, ARG_IS(0, AF_UNIX));
}

/* A datagram socket of a pair still sends to any address in msg_name. */
static int add_socketpair_native(scmp_filter_ctx ctx, int nr, int mode,
				 unsigned dirfds)
{
	int err = add_sock(ctx, nr, AF_UNIX, SOCK_STREAM, 0);

	return err ? err : add_sock(ctx, nr, AF_UNIX, SOCK_SEQPACKET, 0);
}

/* TCP Fast Open connects without the connect hook Landlock checks. */
static int add_sendto(scmp_filter_ctx ctx, int nr, int mode, unsigned dirfds)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				ARG_CLEAR(3, MSG_FASTOPEN));
}

static int add_sendto_native(scmp_filter_ctx ctx, int nr, int mode,
			     unsigned dirfds)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2,
				ARG_CLEAR(3, MSG_FASTOPEN),
				SCMP_A4(SCMP_CMP_EQ, 0));
}

static int add_sendmsg(scmp_filter_ctx ctx, int nr, int mode, unsigned dirfds)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				ARG_CLEAR(2, MSG_FASTOPEN));
}

static int add_sendmmsg(scmp_filter_ctx ctx, int nr, int mode,
			unsigned dirfds)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				ARG_CLEAR(3, MSG_FASTOPEN));
}

/* <linux/falloc.h>; WRITE_ZEROES is Linux 6.17. */
#define FALLOC_FL_KEEP_SIZE_ 0x01u
#define FALLOC_FL_PUNCH_HOLE_ 0x02u
#define FALLOC_FL_ZERO_RANGE_ 0x10u
#define FALLOC_FL_UNSHARE_RANGE_ 0x40u
#define FALLOC_FL_WRITE_ZEROES_ 0x80u
#define FALLOC_OK                                                          \
	(FALLOC_FL_KEEP_SIZE_ | FALLOC_FL_PUNCH_HOLE_ |                     \
	 FALLOC_FL_ZERO_RANGE_ | FALLOC_FL_UNSHARE_RANGE_ |                 \
	 FALLOC_FL_WRITE_ZEROES_)

/* The modes that keep a file's data where it was; any other bit, known
 * now or added later, is refused. */
static int add_fallocate(scmp_filter_ctx ctx, int nr, int mode,
			 unsigned dirfds)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				ARG_CLEAR(1, ~FALLOC_OK));
}

static int add_renameat2(scmp_filter_ctx ctx, int nr, int mode,
			 unsigned dirfds)
{
	struct scmp_arg_cmp c[7];
	unsigned n = dirfd_conds(mode, dirfds, c);

	c[n++] = ARG_CLEAR(4, ~(uint32_t)(RENAME_NOREPLACE | RENAME_EXCHANGE));
	return allow(ctx, nr, n, c);
}

/* ---- compiling ---------------------------------------------------------- */

int ocap__seccomp_resolve(const char *name)
{
	char *end;
	long nr;
	int r;

	if (!name || !*name)
		return -EINVAL;
	r = seccomp_syscall_resolve_name(name);
	if (r >= 0)
		return r;
	errno = 0;
	nr = strtol(name, &end, 10);
	if (errno || *end || nr < 0 || nr > 0xffff)
		return -EINVAL;
	return (int)nr;
}

/* Whether the caller allows syscall nr outright (by name or number). */
static bool listed(int nr, const char *const *extra, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ocap__seccomp_resolve(extra[i]) == nr)
			return true;
	return false;
}

/* Whether extra asks for a compat allowance ("@udp"). */
static bool wants(const char *const *extra, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(extra[i], what))
			return true;
	return false;
}

/* The lookups --hide-metadata hands to the broker (linux/hide.c). */
static const char *const hidden_calls[] = {
	"stat", "lstat", "newfstatat", "statx", "access", "faccessat",
	"faccessat2", "readlink", "readlinkat", "getxattr", "lgetxattr",
	"listxattr", "llistxattr", "statfs",
};

static bool hidden_row(const struct rule *r)
{
	for (size_t i = 0; i < sizeof hidden_calls / sizeof *hidden_calls; i++)
		if (!strcmp(r->name, hidden_calls[i]))
			return true;
	return false;
}

/* The calls --suggest hands to the broker (broker/suggest.c): those
 * Landlock judges by path.  Only plain rows: each keeps its conditions
 * with NOTIFY for ALLOW, so that what the broker lets continue is what
 * the row allows, and the prefix still refuses what it refuses. */
static const char *const suggest_calls[] = {
	"open", "openat", "creat", "execve", "execveat", "mkdir", "mkdirat",
	"mknodat", "unlink", "unlinkat", "rmdir", "rename", "renameat",
	"link", "linkat", "symlink", "symlinkat", "truncate",
};

static bool suggest_row(const struct rule *r)
{
	if (r->add)
		return false;
	for (size_t i = 0; i < sizeof suggest_calls / sizeof *suggest_calls;
	     i++)
		if (!strcmp(r->name, suggest_calls[i]))
			return true;
	return false;
}

/* Whether a compat allowance replaces rule r. */
static bool widened(const struct rule *r, int mode, const char *const *extra,
		    size_t n)
{
	bool unix_ = wants(extra, n, OCAP_SC_ALLOW_UNIX);
	bool dgram = unix_ || wants(extra, n, OCAP_SC_ALLOW_UDP);

	if (r->add == add_socket_compat)
		return dgram;
	if (mode == OCAP_SC_SUPER && dgram &&
	    (r->add == add_sendto || r->add == add_sendmsg ||
	     r->add == add_sendmmsg))
		return true;
	if (mode == OCAP_SC_SUPER && wants(extra, n, OCAP_SC_HIDE) &&
	    hidden_row(r))
		return true;
	if (mode == OCAP_SC_SUPER && wants(extra, n, OCAP_SC_SUGGEST) &&
	    suggest_row(r))
		return true;
	return !strcmp(r->name, "socketpair") && unix_;
}

/* Supervised, with datagram sockets about: a send that names an address
 * (sendto's is a register; sendmsg's and sendmmsg's are in memory) goes
 * to the broker, which judges the address and sends (linux/send.c). */
static int add_sends(scmp_filter_ctx ctx)
{
	int to = seccomp_syscall_resolve_name("sendto");
	int err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, to, 2,
				   ARG_CLEAR(3, MSG_FASTOPEN),
				   SCMP_A4(SCMP_CMP_EQ, 0));

	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, to, 2,
				       ARG_CLEAR(3, MSG_FASTOPEN),
				       SCMP_A4(SCMP_CMP_NE, 0));
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY,
				       seccomp_syscall_resolve_name("sendmsg"),
				       1, ARG_CLEAR(2, MSG_FASTOPEN));
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY,
				       seccomp_syscall_resolve_name("sendmmsg"),
				       1, ARG_CLEAR(3, MSG_FASTOPEN));
	return err;
}

/* The compat allowances grants ask for. */
static int add_allowances(scmp_filter_ctx ctx, int mode,
			  const char *const *extra, size_t n)
{
	int nr = seccomp_syscall_resolve_name("socket"), err = 0;
	bool udp = wants(extra, n, OCAP_SC_ALLOW_UDP);
	bool unix_ = wants(extra, n, OCAP_SC_ALLOW_UNIX);
	uint32_t act;

	if (ocap__sc_native(mode))
		return 0;
	if ((udp || unix_) && !listed(nr, extra, n))
		err = socket_compat(ctx, nr, udp, unix_);
	nr = seccomp_syscall_resolve_name("socketpair");
	if (!err && unix_ && !listed(nr, extra, n))
		err = add_socketpair(ctx, nr, mode, 0);
	/* supervised, the broker checks the address and binds, or checks
	 * what the socket is bound to and listens; with --suggest and no
	 * grant to bind, it refuses each bind and names the --listen that
	 * would grant it */
	act = ocap__sc_supervised(mode) ? SCMP_ACT_NOTIFY : SCMP_ACT_ALLOW;
	if (!err && (udp || wants(extra, n, OCAP_SC_ALLOW_LISTEN) ||
		     (mode == OCAP_SC_SUPER &&
		      wants(extra, n, OCAP_SC_SUGGEST))))
		err = seccomp_rule_add(ctx, act,
				       seccomp_syscall_resolve_name("bind"), 0);
	if (!err && wants(extra, n, OCAP_SC_ALLOW_LISTEN))
		err = seccomp_rule_add(ctx, act,
				       seccomp_syscall_resolve_name("listen"),
				       0);
	if (!err && ocap__seccomp_sends_supervised(mode, extra, n))
		err = add_sends(ctx);
	for (size_t i = 0; !err && mode == OCAP_SC_SUPER &&
			   wants(extra, n, OCAP_SC_HIDE) &&
			   i < sizeof hidden_calls / sizeof *hidden_calls;
	     i++) {
		int h = seccomp_syscall_resolve_name(hidden_calls[i]);
		if (h >= 0 && !listed(h, extra, n))
			err = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, h, 0);
	}
	for (size_t i = 0; !err && mode == OCAP_SC_SUPER &&
			   wants(extra, n, OCAP_SC_SUGGEST) && i < NRULES;
	     i++) {
		int h = seccomp_syscall_resolve_name(rules[i].name);
		if (h >= 0 && in_mode(&rules[i], mode) &&
		    suggest_row(&rules[i]) && !listed(h, extra, n))
			err = add_plain_as(ctx, h, mode, &rules[i],
					   SCMP_ACT_NOTIFY);
	}
	return err;
}

static int add_rules(scmp_filter_ctx ctx, int mode, const char *const *extra,
		     size_t n)
{
	for (size_t i = 0; i < NRULES; i++) {
		const struct rule *r = &rules[i];
		int nr, err;

		if (!in_mode(r, mode))
			continue;
		nr = seccomp_syscall_resolve_name(r->name);
		if (nr < 0 || listed(nr, extra, n))
			continue; /* not on this architecture, or allowed */
		if (!ocap__sc_native(mode) && widened(r, mode, extra, n))
			continue; /* add_allowances adds it, wider */
		err = r->add ? r->add(ctx, nr, mode, r->dirfds)
			     : add_plain(ctx, nr, mode, r);
		if (err)
			return err;
	}
	for (size_t i = 0; i < n; i++) {
		int nr, err;

		if (extra[i][0] == '@')
			continue;
		nr = ocap__seccomp_resolve(extra[i]);
		if ((err = nr < 0 ? nr : allow(ctx, nr, 0, NULL)))
			return err;
	}
	return add_allowances(ctx, mode, extra, n);
}

static int build(int mode, const char *const *extra, size_t n,
		 scmp_filter_ctx *out)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int err;

	if (!ctx)
		return -ENOMEM;
	/* i386 (int 0x80) and x32 are other architectures: kill. */
	err = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			       SCMP_ACT_KILL_PROCESS);
	if (!err) /* the caller sets no_new_privs */
		err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (!err) /* a binary tree: ~150 syscalls */
		err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (!err)
		err = add_rules(ctx, mode, extra, n);
	if (err) {
		seccomp_release(ctx);
		return err;
	}
	*out = ctx;
	return 0;
}

/* Load the low 32 bits of argument i (or the syscall number). */
static struct sock_filter ld_arg(int i)
{
	unsigned off = (unsigned)offsetof(struct seccomp_data, args) +
		       8u * (unsigned)i;

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	off += 4;
#endif
	return (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off);
}

static struct sock_filter ld_nr(void)
{
	return (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, nr));
}

/* A jump-if-equal, its offsets filled in later. */
static struct sock_filter jeq(uint32_t v)
{
	return (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, v, 0, 0);
}

#define X32_BIT 0x40000000u /* __X32_SYSCALL_BIT */

/* libseccomp's program starts by checking again what the prefix has
 * checked: the arch, and x32 numbers (nr at or above X32_BIT but -1),
 * which it kills.  When it starts exactly so, the prefix jumps past that
 * head, to its kill or to its reload of nr before the tree.  The kernel
 * fills its per-syscall cache at every load by running the program for
 * each number, so each instruction on a common path costs ~900 steps. */
#define HEAD_KILL 5 /* ret KILL_PROCESS */
#define HEAD_NR 6   /* ld nr, then the tree */
#define HEAD_LEN 7

static bool head_known(const struct sock_filter *body, size_t len)
{
	const struct sock_filter head[HEAD_LEN] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, seccomp_arch_native(), 0,
			 3),
		ld_nr(),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_BIT, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffu, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		ld_nr(),
	};

	return len > HEAD_LEN && !memcmp(body, head, sizeof head);
}

/* The longest prefix: arch check, ld nr, the new-call and x32 checks, a
 * tree over the runs' numbers (a leaf per run, a node between two), each
 * entry in a run of its own (ld a, and, jeq va, ld b, jeq vb), then ret.
 * Every jump in it is forward, within it or into the body's head, so
 * 8-bit offsets reach. */
#define PREFIX_MAX (3 + 4 + (2 * NARGDENIES - 1) + 5 * NARGDENIES + 1)
_Static_assert(PREFIX_MAX + HEAD_LEN <= 256,
	       "argdenies: too long for BPF jumps");

/* Where a prefix jump goes, resolved once the prefix is whole: the next
 * instruction, the last (ret EPERM), the prefix's instruction i (AT + i)
 * or the body's instruction i (BODY + i). */
enum { NEXT, LAST, AT = 0x100, BODY = 0x800 };

struct prefix {
	struct sock_filter f[PREFIX_MAX];
	unsigned jt[PREFIX_MAX], jf[PREFIX_MAX];
	size_t k, leaf[NARGDENIES]; /* each run's jeq in the tree */
	uint32_t nr[NARGDENIES];    /* each run's syscall */
};

static void put(struct prefix *p, struct sock_filter insn, unsigned jt,
		unsigned jf)
{
	p->jt[p->k] = jt, p->jf[p->k] = jf;
	p->f[p->k++] = insn;
}

static unsigned char offset(const struct prefix *p, size_t i, unsigned to)
{
	size_t at = to >= BODY	? p->k + (to - BODY)
		    : to >= AT	? to - AT
		    : to == LAST ? p->k - 1
				 : i + 1;

	return (unsigned char)(at - i - 1);
}

static struct sock_filter jge(uint32_t v)
{
	return (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, v, 0, 0);
}

/* Whether the mode's table has a row for the syscall: the prefix need
 * not refuse what the program after it refuses anyway. */
static bool in_table(int mode, const char *name)
{
	for (size_t i = 0; i < NRULES; i++)
		if (in_mode(&rules[i], mode) && !strcmp(rules[i].name, name))
			return true;
	return false;
}

/* d's syscall, or -1 when the prefix leaves d out. */
static int deny_nr(const struct argdeny *d, int mode,
		   const char *const *extra, size_t n)
{
	int nr = seccomp_syscall_resolve_name(d->name);

	return nr < 0 || listed(nr, extra, n) || !in_table(mode, d->name)
		       ? -1
		       : nr;
}

/* The newest system call libseccomp knows here: its table, from a call
 * every kernel we run on has, upward. */
static int newest_known(void)
{
	int nr = SCMP_SYS(set_mempolicy_home_node);
	char *name;

	while ((name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
							 nr + 1))) {
		free(name);
		nr++;
	}
	return nr;
}

static bool extra_from(const char *const *extra, size_t n, int first)
{
	for (size_t i = 0; i < n; i++)
		if (ocap__seccomp_resolve(extra[i]) >= first)
			return true;
	return false;
}

/* A tree over runs order[lo..hi) (sorted by number) for the numbers
 * from..to-1, A holding nr.  Each node halves the numbers, not the runs:
 * most numbers have no run and leave for miss after a comparison or two. */
static void dispatch(struct prefix *p, const unsigned *order, size_t lo,
		     size_t hi, uint32_t from, uint32_t to, unsigned miss)
{
	size_t mid = lo + 1, node = p->k;

	if (hi - lo == 1) { /* to the run: set once it is written */
		p->leaf[order[lo]] = p->k;
		put(p, jeq(p->nr[order[lo]]), 0, miss);
		return;
	}
	while (mid < hi - 1 && p->nr[order[mid]] < from + (to - from) / 2)
		mid++;
	put(p, jge(p->nr[order[mid]]), NEXT, 0);
	dispatch(p, order, mid, hi, p->nr[order[mid]], to, miss);
	p->jf[node] = AT + (unsigned)p->k;
	dispatch(p, order, lo, mid, from, p->nr[order[mid]], miss);
}

/* The argdeny prefix.  A tree on nr finds the run of entries on one
 * syscall, which is per entry [ld a, (and ma,)] unless A holds that
 * already, and jeq va to EPERM (with b: to [ld b, jeq vb to EPERM]); the
 * run's last miss goes to the body.  One ret EPERM at the end serves
 * every match.  With skip (head_known), the prefix does the body's head's
 * work and each way out goes past it; else to the body's start. */
static size_t emit_prefix(struct sock_filter *f, int mode,
			  const char *const *extra, size_t n, bool skip)
{
	struct prefix p = { .k = 0 };
	unsigned kill = BODY + (skip ? HEAD_KILL : 0);
	unsigned ld = BODY + (skip ? HEAD_NR : 0);
	unsigned tree = BODY + (skip ? HEAD_LEN : 0);
	unsigned order[NARGDENIES] = { 0 }, runs = 0, rest;
	int first_new = newest_known() + 1, run = -1, held = -1;
	uint32_t held_mask = 0;
	bool enosys = !extra_from(extra, n, first_new);

	for (size_t i = 0; i < NARGDENIES; i++) {
		int nr = deny_nr(&argdenies[i], mode, extra, n);
		unsigned j = runs;

		if (nr < 0 || nr == run)
			continue;
		for (; j > 0 && p.nr[order[j - 1]] >= (uint32_t)nr; j--)
			if (p.nr[order[j - 1]] == (uint32_t)nr)
				return 0; /* the table splits its entries */
			else
				order[j] = order[j - 1];
		order[j] = runs;
		p.nr[runs++] = (uint32_t)nr;
		run = nr;
	}
	put(&p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, arch)), 0, 0);
	/* Other architectures skip it all (the body kills them). */
	put(&p, jeq(seccomp_arch_native()), NEXT, kill);
	put(&p, ld_nr(), 0, 0);
	/* A call newer than the table gets ENOSYS, which libc and runtimes
	 * take for "not on this kernel" and fall back from (glibc's fchmodat
	 * from fchmodat2); one the table leaves out keeps the default EPERM.
	 * Then x32 numbers are killed and -1 goes to the body's tree, as the
	 * body's head has it.  No ENOSYS when --allow-syscall names such a
	 * call by its number. */
	rest = runs ? AT + (unsigned)p.k + 2 + 2 * enosys : tree;
	if (enosys)
		put(&p, jge((uint32_t)first_new), NEXT, rest);
	put(&p, jge(X32_BIT), NEXT, enosys ? AT + (unsigned)p.k + 2 : rest);
	put(&p, jeq(0xffffffffu), ld, kill);
	if (enosys)
		put(&p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
				SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
		    0, 0);
	if (runs)
		dispatch(&p, order, 0, runs, 0, (uint32_t)first_new, tree);

	run = -1, runs = 0;
	for (size_t i = 0; i < NARGDENIES; i++) {
		const struct argdeny *d = &argdenies[i];
		int nr = deny_nr(d, mode, extra, n);
		bool last = i + 1 == NARGDENIES || strcmp(d[1].name, d->name);

		if (nr < 0)
			continue;
		if (nr != run) {
			p.jt[p.leaf[runs++]] = AT + (unsigned)p.k;
			run = nr, held = -1;
		}
		if (held != d->a || held_mask != d->ma) {
			put(&p, ld_arg(d->a), 0, 0);
			if (d->ma)
				put(&p, (struct sock_filter)BPF_STMT(
					BPF_ALU | BPF_AND | BPF_K, d->ma), 0, 0);
			held = d->a, held_mask = d->ma;
		}
		if (d->b) { /* a miss on a goes past [ld b, jeq vb] */
			put(&p, jeq(d->va), NEXT,
			    last ? ld : AT + (unsigned)p.k + 3);
			put(&p, ld_arg(d->b), 0, 0);
			held = -1; /* a or b, by the path taken */
		}
		put(&p, jeq(d->b ? d->vb : d->va), LAST, last ? ld : NEXT);
	}
	if (runs)
		put(&p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
				SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
		    0, 0);
	for (size_t i = 0; i < p.k; i++)
		if (BPF_CLASS(p.f[i].code) == BPF_JMP) {
			p.f[i].jt = offset(&p, i, p.jt[i]);
			p.f[i].jf = offset(&p, i, p.jf[i]);
		}
	memcpy(f, p.f, p.k * sizeof *f);
	return p.k;
}

static int read_all(int fd, void *buf, size_t len)
{
	ssize_t r = pread(fd, buf, len, 0);

	if (r < 0)
		return -errno;
	return (size_t)r == len ? 0 : -EIO;
}

/* libseccomp 2.5 exports only to a descriptor. */
int ocap__seccomp_export(void *ctx, size_t room, struct sock_filter **prog,
			 size_t *len)
{
	int fd = memfd_create("ocap-seccomp", MFD_CLOEXEC);
	struct sock_filter *f;
	struct stat st;
	int err;

	if (fd < 0)
		return -errno;
	err = seccomp_export_bpf(ctx, fd);
	if (!err && fstat(fd, &st) < 0)
		err = -errno;
	if (!err && (st.st_size == 0 || st.st_size % sizeof(*f)))
		err = -EIO;
	f = err ? NULL : malloc(room * sizeof(*f) + (size_t)st.st_size);
	if (!err && !f)
		err = -ENOMEM;
	if (!err)
		err = read_all(fd, f + room, (size_t)st.st_size);
	close(fd);
	if (err) {
		free(f);
		return err;
	}
	*prog = f;
	*len = (size_t)st.st_size / sizeof(*f);
	return 0;
}

int ocap__seccomp_compile(int mode, const char *const *extra, size_t n,
			 struct sock_filter **prog, size_t *len)
{
	struct sock_filter pre[PREFIX_MAX], *f = NULL;
	scmp_filter_ctx ctx;
	size_t body = 0, k;
	int err;

	if (mode < 0 || mode >= OCAP_SC_NMODES)
		return -EINVAL;
	err = build(mode, extra, n, &ctx);
	if (err)
		return err;
	err = ocap__seccomp_export(ctx, PREFIX_MAX, &f, &body);
	seccomp_release(ctx);
	if (err)
		return err;
	/* The body was read in after room for the longest prefix. */
	k = emit_prefix(pre, mode, extra, n,
			head_known(f + PREFIX_MAX, body));
	if (!k) {
		free(f);
		return -EINVAL;
	}
	memmove(f + k, f + PREFIX_MAX, body * sizeof(*f));
	memcpy(f, pre, k * sizeof(*f));
	*prog = f;
	*len = k + body;
	return 0;
}
