/* SPDX-License-Identifier: MIT */
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include "ov.h"

#undef statfs64
#undef fstatfs64
#undef statvfs64
#undef fstatvfs64

/* Inside a sandbox: the file opened O_PATH beneath its capability, then
 * fstatfs (statfs by path is refused in native mode).  No right needed:
 * metadata, as stat. */
static long sys_statfs(const char *path, struct statfs *buf)
{
	ocap_ns *ns = ocap__ov_ns();
	long fd, r;

	memset(buf, 0, sizeof *buf);
	if (!ns || !path)
		return ov_sys(SYS_statfs, path, buf);
	if ((fd = ocap__ns_reach(ns, AT_FDCWD, path, O_PATH | O_CLOEXEC, true,
				 NULL)) < 0)
		return fd;
	r = ov_sys(SYS_fstatfs, fd, buf);
	ov_sys(SYS_close, fd);
	return r;
}

static long sys_fstatfs(int fd, struct statfs *buf)
{
	memset(buf, 0, sizeof *buf);
	return ov_sys(SYS_fstatfs, fd, buf);
}

static void to_statvfs(struct statvfs *out, const struct statfs *in)
{
	memset(out, 0, sizeof *out);
	out->f_bsize = in->f_bsize;
	out->f_frsize = in->f_frsize ? in->f_frsize : in->f_bsize;
	out->f_blocks = in->f_blocks;
	out->f_bfree = in->f_bfree;
	out->f_bavail = in->f_bavail;
	out->f_files = in->f_files;
	out->f_ffree = in->f_ffree;
	out->f_favail = in->f_ffree;
	out->f_fsid = (unsigned long)in->f_fsid.__val[0];
	out->f_flag = in->f_flags;
	out->f_namemax = in->f_namelen;
}

OV_API int statfs(const char *path, struct statfs *buf)
{
	return (int)ocap__ov_ret(sys_statfs(path, buf));
}

OV_API int fstatfs(int fd, struct statfs *buf)
{
	return (int)ocap__ov_ret(sys_fstatfs(fd, buf));
}

OV_API int statvfs(const char *restrict path, struct statvfs *restrict buf)
{
	struct statfs k;
	long r = sys_statfs(path, &k);

	if (r == 0)
		to_statvfs(buf, &k);
	return (int)ocap__ov_ret(r);
}

OV_API int fstatvfs(int fd, struct statvfs *buf)
{
	struct statfs k;
	long r = sys_fstatfs(fd, &k);

	if (r == 0)
		to_statvfs(buf, &k);
	return (int)ocap__ov_ret(r);
}

OV_API __attribute__((weak, alias("statfs"))) int statfs64(const char *,
							    struct statfs *);
OV_API __attribute__((weak, alias("fstatfs"))) int fstatfs64(int,
							      struct statfs *);
OV_API __attribute__((weak, alias("statvfs"))) int
statvfs64(const char *restrict, struct statvfs *restrict);
OV_API __attribute__((weak, alias("fstatvfs"))) int
fstatvfs64(int, struct statvfs *);
