/* SPDX-License-Identifier: MIT */
/*
 * Truncation without write: RODIR is granted --ro (read and list, no
 * truncate), and RODIR/rofile, owned by the user under test so that file
 * permissions would allow it, must keep its content (the driver checks
 * its size and checksum after each run).  Also inode flags, which the
 * owner may change on a descriptor opened for reading or for ioctl alone.
 * "notrunc-grant" techniques get RODIR with write but not truncate, and
 * RODIR/big (8 KiB), which must keep its size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#define FALLOC_FL_KEEP_SIZE_ 0x01
#define FALLOC_FL_PUNCH_HOLE_ 0x02
#define FALLOC_FL_COLLAPSE_RANGE_ 0x08
#define FALLOC_FL_INSERT_RANGE_ 0x20
#define F_SETLEASE_ 1024

/* By path: Landlock's TRUNCATE (ABI 3) in compat; native mode has no
 * truncate(2) at all. */
int t_ro_truncate_path(const struct ctx *c)
{
	char path[512];

	if (!c->rodir)
		return say(SETUP, "no rodir= (ro-grant)");
	snprintf(path, sizeof path, "%s/rofile", c->rodir);
	return EXPECT("truncate(rodir/rofile, 0)", truncate(path, 0),
		      mode_err(c));
}

/* A descriptor opened for reading does not truncate (EINVAL): the kernel's
 * check, which Landlock's TRUNCATE right on the open file backs up. */
int t_ro_ftruncate(const struct ctx *c)
{
	int fd = ro_file(c);

	if (fd < 0)
		return SETUP;
	return EXPECT("ftruncate(read-only rofile, 0)", ftruncate(fd, 0),
		      EINVAL, EBADF, EACCES);
}

/* Linux truncates on O_RDONLY | O_TRUNC when the file may be written:
 * Landlock's TRUNCATE must refuse the open. */
int t_ro_open_trunc(const struct ctx *c)
{
	int d = grant_dir(c, c->rodir), fd;

	if (d < 0)
		return SETUP;
	fd = openat(d, "rofile", O_RDONLY | O_TRUNC | O_CLOEXEC);
	if (fd >= 0)
		return say(ESCAPED, "openat(rodir, rofile, O_RDONLY | O_TRUNC) "
			   "opened it");
	return EXPECT("openat(rodir, rofile, O_RDONLY | O_TRUNC)", fd, EACCES);
}

/* Punching a hole zeroes content without truncating. */
int t_ro_punch_hole(const struct ctx *c)
{
	int fd = ro_file(c);

	if (fd < 0)
		return SETUP;
	return EXPECT("fallocate(read-only rofile, PUNCH_HOLE)",
		      syscall(SYS_fallocate, fd,
			      FALLOC_FL_PUNCH_HOLE_ | FALLOC_FL_KEEP_SIZE_, 0L,
			      4096L),
		      EBADF);
}

/* ---- write without truncate ----------------------------------------------
 * Landlock's TRUNCATE covers truncate(2), ftruncate(2) and O_TRUNC;
 * fallocate's COLLAPSE_RANGE shrinks a file too, and INSERT_RANGE moves
 * its data, on any descriptor open for writing. */

/* RODIR/big open for writing, after checking that the grant indeed
 * lacks truncate (ftruncate to its own size: a no-op should it work). */
static int notrunc_file(const struct ctx *c)
{
	int d = grant_dir(c, c->rodir), fd, err;
	struct stat st;

	if (d < 0)
		return -1;
	fd = openat(d, "big", O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		say(SETUP, "openat(rodir, big, O_RDWR): %s", ename(errno));
		return -1;
	}
	err = ftruncate(fd, st.st_size) == 0 ? 0 : errno;
	if (err != EACCES) {
		say(SETUP, "ftruncate(big, its size): %s, not EACCES: the grant "
		    "is not write without truncate", err ? ename(err) : "done");
		return -1;
	}
	return fd;
}

static int falloc(const struct ctx *c, int mode, const char *what)
{
	int fd = notrunc_file(c);
	struct stat st;
	long r;

	if (fd < 0)
		return SETUP;
	r = syscall(SYS_fallocate, fd, mode, 0L, 4096L);
	if (r == 0 && fstat(fd, &st) == 0)
		return say(ESCAPED, "%s: big is now %lld bytes, was 8192",
			   what, (long long)st.st_size);
	if (r < 0 && errno == EOPNOTSUPP)
		return say(MISSING, "%s: EOPNOTSUPP (a file system without "
			   "that mode)", what);
	return EXPECT(what, r, EPERM);
}

int t_nt_collapse(const struct ctx *c)
{
	return falloc(c, FALLOC_FL_COLLAPSE_RANGE_,
		      "fallocate(big, COLLAPSE_RANGE, 0, 4096)");
}

int t_nt_insert(const struct ctx *c)
{
	return falloc(c, FALLOC_FL_INSERT_RANGE_,
		      "fallocate(big, INSERT_RANGE, 0, 4096)");
}

/* A read lease is the owner's for a descriptor open for reading; it makes
 * every writer outside wait lease-break-time (45 s) or fail with
 * EWOULDBLOCK, without the program giving it up. */
int t_ro_setlease(const struct ctx *c)
{
	int fd = ro_file(c);

	if (fd < 0)
		return SETUP;
	if (fcntl(fd, F_SETLEASE_, F_RDLCK) == 0) {
		fcntl(fd, F_SETLEASE_, F_UNLCK);
		return say(ESCAPED, "fcntl(rofile, F_SETLEASE, F_RDLCK): writers "
			   "outside would now block or fail");
	}
	return EXPECT("fcntl(rofile, F_SETLEASE, F_RDLCK)", -1, EPERM);
}

/* ---- access mode 3 and inode flags ---------------------------------------
 * O_ACCMODE (3) opens for ioctl alone, which Landlock checks no more than
 * O_PATH; through such a descriptor a file's owner could change its inode
 * flags (FS_IOC_SETFLAGS: immutable, append-only, nodump...) whatever the
 * grants.  The flags asked for are the ones the file has: a no-op, should
 * it get through. */
#define FS_IOC_GETFLAGS_ 0x80086601u
/* Access mode 3 itself: musl's O_ACCMODE holds O_PATH too, which would
 * make the static probe's open an O_PATH one. */
#define ACCMODE3 3
#define FS_IOC_SETFLAGS_ 0x40086602u

/* fd's flags set again: ESCAPED if the ioctl reached the file system. */
static int setflags(int fd, const char *what)
{
	int flags = 0;

	if (ioctl(fd, FS_IOC_GETFLAGS_, &flags) < 0 && errno != EPERM)
		return say(MISSING, "FS_IOC_GETFLAGS: %s (file system without "
			   "inode flags)", ename(errno));
	if (ioctl(fd, FS_IOC_SETFLAGS_, &flags) == 0)
		return say(ESCAPED, "%s: FS_IOC_SETFLAGS reached the file",
			   what);
	return EXPECT(what, -1, EPERM);
}

int t_accmode3_open(const struct ctx *c)
{
	int g = granted_dir(c), fd;

	if (g < 0)
		return SETUP;
	fd = openat(g, c->rel, ACCMODE3 | O_CLOEXEC);
	if (fd >= 0)
		return setflags(fd, "openat(granted, ../canary, O_ACCMODE)");
	return EXPECT("openat(granted, ../canary, O_ACCMODE)", fd, EPERM);
}

/* openat2's flags are out of seccomp's sight: compat gets ENOSYS, and
 * the kernel's openat2 refuses mode 3 itself (EINVAL); should it ever
 * open, the ioctl must still be refused. */
int t_accmode3_openat2(const struct ctx *c)
{
	struct { unsigned long long flags, mode, resolve; } how = {
		ACCMODE3 | O_CLOEXEC, 0, 0 };
	int g = granted_dir(c);
	long fd;

	if (g < 0)
		return SETUP;
	fd = syscall(SYS_openat2, g, c->rel, &how, sizeof(how));
	if (fd >= 0)
		return setflags((int)fd, "openat2(granted, ../canary, "
					 "O_ACCMODE)");
	return EXPECT("openat2(granted, ../canary, O_ACCMODE)", fd,
		      c->native ? EINVAL : ENOSYS);
}

int t_ro_setflags(const struct ctx *c)
{
	int fd = ro_file(c);

	if (fd < 0)
		return SETUP;
	return setflags(fd, "rofile opened read-only");
}
