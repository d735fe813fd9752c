/* SPDX-License-Identifier: MIT */
/*
 * Truncation without write: RODIR is granted --ro (read and list, no
 * truncate), and RODIR/rofile, owned by the user under test so that file
 * permissions would allow it, must keep its content (the driver checks
 * its size and checksum after each run).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

#define FALLOC_FL_KEEP_SIZE_ 0x01
#define FALLOC_FL_PUNCH_HOLE_ 0x02

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
