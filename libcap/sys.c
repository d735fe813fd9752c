/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "internal.h"
#include "open_how.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif

/* One system call by number: in a program built with ocap-cc, libc's
 * open, fstatat, readlinkat... are the overlay's, which call libocap. */
static long sys(long nr, long a, long b, long c, long d, long e)
{
	int saved = errno;
	long r = syscall(nr, a, b, c, d, e);

	if (r < 0) {
		r = -errno;
		errno = saved;
	}
	return r;
}

#define SYS_(nr, a, b, c, d, e, ...)                                       \
	sys((long)(nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e))
#define SYS(...) SYS_(__VA_ARGS__, 0, 0, 0, 0, 0, 0)

/* Set once openat2 said ENOSYS: the kernel lacks it, or a seccomp
 * program refuses it (ocapsh's compat mode). */
static bool no_openat2;

/* Open rel beneath dirfd; EXDEV (the walk would leave dirfd) becomes
 * OCAP__ESCAPE so callers can tell it from a cross-device rename.  No new
 * set-ID file (ocap_open_how_beneath).  Without openat2, the same walk
 * from openat (beneath.c). */
int ocap__openat2(int dirfd, const char *rel, int flags, mode_t mode)
{
	struct ocap_open_how how;
	long fd = ocap_open_how_beneath(&how, flags, mode);

	if (fd < 0)
		return (int)fd;
	if (!__atomic_load_n(&no_openat2, __ATOMIC_RELAXED)) {
		fd = ocap_openat2(dirfd, rel, &how);
		if (fd == -EXDEV)
			return OCAP__ESCAPE;
		/* ENOSYS: never again; EAGAIN: renames raced every try */
		if (fd != -ENOSYS && fd != -EAGAIN)
			return (int)fd;
		if (fd == -ENOSYS)
			__atomic_store_n(&no_openat2, true, __ATOMIC_RELAXED);
	}
	return ocap__beneath(dirfd, rel, (int)how.flags, (mode_t)how.mode);
}

int ocap__sys_openat(int dirfd, const char *name, int flags, mode_t mode)
{
	long fd;

	do
		fd = SYS(SYS_openat, dirfd, name, flags, mode);
	while (fd == -EINTR);
	return (int)fd;
}

int ocap__open_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
	int fd = ocap__openat2(dirfd, rel, flags, mode);

	return fd == OCAP__ESCAPE ? -EXDEV : fd;
}

int ocap__sys_open(const char *path, int flags)
{
	long fd;

	do
		fd = SYS(SYS_openat, AT_FDCWD, path, flags, 0);
	while (fd == -EINTR);
	return (int)fd;
}

#if defined(__x86_64__)
_Static_assert(sizeof(struct stat) == 144, "struct stat is the kernel's");
#endif

int ocap__sys_fstatat(int dirfd, const char *name, struct stat *st, int flags)
{
#if defined(SYS_newfstatat) && (defined(__x86_64__) || defined(__aarch64__))
	/* The kernel's struct stat is libc's on these. */
	return (int)SYS(SYS_newfstatat, dirfd, name, st, flags);
#else
	/* Elsewhere libc's: the overlay is built for x86_64 only. */
	return fstatat(dirfd, name, st, flags) < 0 ? -errno : 0;
#endif
}

int ocap__sys_fstat(int fd, struct stat *st)
{
	return ocap__sys_fstatat(fd, "", st, AT_EMPTY_PATH);
}

ssize_t ocap__sys_readlinkat(int dirfd, const char *name, char *buf,
			     size_t size)
{
	return SYS(SYS_readlinkat, dirfd, name, buf, size);
}

int ocap__sys_mkdirat(int dirfd, const char *name, mode_t mode)
{
	return (int)SYS(SYS_mkdirat, dirfd, name, mode);
}

int ocap__sys_unlinkat(int dirfd, const char *name, int flags)
{
	return (int)SYS(SYS_unlinkat, dirfd, name, flags);
}

int ocap__sys_renameat(int ofd, const char *old, int nfd, const char *new)
{
#ifdef SYS_renameat
	return (int)SYS(SYS_renameat, ofd, old, nfd, new);
#else
	return (int)SYS(SYS_renameat2, ofd, old, nfd, new, 0);
#endif
}

int ocap__sys_getcwd(char *buf, size_t size)
{
	long n = SYS(SYS_getcwd, buf, size);

	if (n < 0)
		return (int)n;
	/* Unreachable from the root (a chroot, a lazy unmount). */
	if (n == 0 || buf[0] != '/')
		return -ENOENT;
	return (int)n - 1;
}

int ocap__sys_faccessat2(int dirfd, const char *name, int amode, int flags)
{
	return (int)SYS(SYS_faccessat2, dirfd, name, amode, flags);
}

int ocap__sys_linkat(int ofd, const char *old, int nfd, const char *new,
		     int flags)
{
	return (int)SYS(SYS_linkat, ofd, old, nfd, new, flags);
}

int ocap__sys_symlinkat(const char *target, int dirfd, const char *name)
{
	return (int)SYS(SYS_symlinkat, target, dirfd, name);
}

int ocap__sys_mknodat(int dirfd, const char *name, mode_t mode, dev_t dev)
{
	return (int)SYS(SYS_mknodat, dirfd, name, mode, dev);
}

int ocap__sys_ftruncate(int fd, off_t len)
{
	return (int)SYS(SYS_ftruncate, fd, len);
}

int ocap__sys_utimensat(int dirfd, const char *name,
			const struct timespec *times, int flags)
{
	return (int)SYS(SYS_utimensat, dirfd, name, times, flags);
}

int ocap__sys_fchmod(int fd, mode_t mode)
{
	return (int)SYS(SYS_fchmod, fd, mode);
}

int ocap__sys_fchownat(int dirfd, const char *name, uid_t uid, gid_t gid,
		       int flags)
{
	return (int)SYS(SYS_fchownat, dirfd, (long)name, uid, gid, flags);
}

/* procfs's root, kept once ocap_enter() asked for it: a descriptor is
 * then reopened relative to it, which the native seccomp program lets
 * pass (it refuses every path on AT_FDCWD).  The root and not
 * /proc/self, which would stay the opener's: "thread-self" names, at
 * each call, the calling thread (a forked child's own descriptors). */
static int proc_fd = -1;

/* Whether fd is still a procfs directory: the program may have closed
 * it and reused its number.  Only procfs's root has "thread-self". */
bool ocap__is_procfs(int fd)
{
	struct statfs sfs;

	return fd >= 0 && SYS(SYS_fstatfs, fd, &sfs) == 0 &&
	       sfs.f_type == PROC_SUPER_MAGIC;
}

int ocap__proc_root(void)
{
	int fd = __atomic_load_n(&proc_fd, __ATOMIC_ACQUIRE), mine;

	if (ocap__is_procfs(fd))
		return fd;
	mine = ocap__sys_open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (mine >= 0 && mine < 3) {
		/* Not where the program looks for stdin, stdout, stderr. */
		int high = (int)SYS(SYS_fcntl, mine, F_DUPFD_CLOEXEC, 3);

		close(mine);
		mine = high;
	}
	if (mine < 0)
		return mine;
	if (!ocap__is_procfs(mine)) {
		close(mine);
		return -ENOENT;
	}
	/* A stale number is not ours to close; a thread that got there
	 * first keeps its own. */
	if (__atomic_compare_exchange_n(&proc_fd, &fd, mine, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return mine;
	if (ocap__is_procfs(fd)) {
		close(mine);
		return fd;
	}
	__atomic_store_n(&proc_fd, mine, __ATOMIC_RELEASE);
	return mine;
}

/* A new open file description for what fd refers to.  Landlock checks
 * the file the magic link leads to against the process's domain, as any
 * open: reopening never gains an access the domain does not give. */
int ocap__reopen(int fd, int flags)
{
	char self[48];
	int proc = __atomic_load_n(&proc_fd, __ATOMIC_ACQUIRE);
	long r;

	flags &= ~(O_CREAT | O_EXCL | O_NOFOLLOW);
	if (!ocap__is_procfs(proc)) {
		snprintf(self, sizeof self, "/proc/thread-self/fd/%d", fd);
		return ocap__sys_open(self, flags);
	}
	snprintf(self, sizeof self, "thread-self/fd/%d", fd);
	do
		r = SYS(SYS_openat, proc, self, flags, 0);
	while (r == -EINTR);
	return (int)r;
}
