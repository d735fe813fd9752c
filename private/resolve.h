/* SPDX-License-Identifier: MIT */
#ifndef OCAP_RESOLVE_H
#define OCAP_RESOLVE_H

/*
 * The resolver's interface to the musl overlay: hidden functions of
 * libocap that a static link (libocap-musl.a beside libocap-overlay.a)
 * reaches by name.  libocap resolves every path; the overlay converts
 * arguments and sets errno.  All return -errno.
 *
 * A path is global when it is absolute or relative to AT_FDCWD: it is
 * resolved through the namespace.  A path relative to a real descriptor
 * goes to the kernel beneath that descriptor.
 */

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "ocap/ocap.h"

#include "hidden.h"

/* Room for a namespace path and its NUL. */
#define OCAP_PATH_BUF (OCAP_NAME_MAX + 1)
/* POSIX's limit on symlinks followed in one resolution, as Linux's. */
#define OCAP_MAXSYMLINKS 40

static inline bool ocap__global(int dirfd, const char *path)
{
	return path[0] == '/' || dirfd == AT_FDCWD;
}

/* Where an operation on a name happens: the capability, an open parent
 * directory beneath it and the last component. */
struct ocap__at {
	const ocap_cap *cap; /* NULL: the caller's real dirfd, kernel rules */
	int dirfd;           /* the parent directory */
	const char *base;    /* last component as written, "." for a mount */
	size_t len;          /* of base without a trailing slash */
	bool own;            /* dirfd was opened here */
	bool mount;          /* the path names the capability itself */
	bool must_dir;       /* written with a trailing slash */
	char name[NAME_MAX + 2];
};

/* Resolve (dirfd, path): symlinks in the parent directories followed
 * through the namespace, the last component left as is.  ENOENT outside
 * every capability.  Close with ocap__at_close(). */
hidden int ocap__ns_at(ocap_ns *ns, int dirfd, const char *path,
		       struct ocap__at *at);
hidden void ocap__at_close(struct ocap__at *at);
/* -EACCES unless at's capability holds every right in need. */
hidden int ocap__at_need(const struct ocap__at *at, ocap_rights_t need);

/* Open the file (dirfd, path) itself beneath the capability it lands in,
 * following a last symlink when follow; *cap (when not NULL) is that
 * capability, NULL for a real dirfd.  With O_PATH no right is needed; a
 * file capability's own descriptor is duplicated.  Otherwise only a file
 * capability's rights are checked (it is reopened): the caller checks
 * what its operation needs. */
hidden int ocap__ns_reach(ocap_ns *ns, int dirfd, const char *path, int flags,
			  bool follow, const ocap_cap **cap);

/* fstatat(2), the system call (the overlay's for descriptors and outside
 * a sandbox). */
hidden int ocap__sys_fstatat(int dirfd, const char *name, struct stat *st,
			     int flags);
/* open(2) and openat(2): the namespace for a global path (ocap_ns_open,
 * or ocap__ns_reach for O_PATH), the kernel beneath a real dirfd. */
hidden int ocap__ns_openat(ocap_ns *ns, int dirfd, const char *path,
			   int flags, mode_t mode);
/* openat2(dirfd, rel) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
 * -EXDEV when rel leaves dirfd. */
hidden int ocap__open_beneath(int dirfd, const char *rel, int flags,
			      mode_t mode);

/* path made absolute against the namespace's working directory, into abs
 * (OCAP_PATH_BUF bytes).  Returns the length. */
hidden int ocap__ns_abs(ocap_ns *ns, const char *path, char *abs);
/* Whether path is a directory above some mount point ("/", "/home" when
 * /home/u is mounted). */
hidden bool ocap__ns_virtual(ocap_ns *ns, const char *path);
/* stat through the namespace; a directory above mount points reads as an
 * empty directory nobody may change. */
hidden int ocap__ns_stat_any(ocap_ns *ns, const char *path, struct stat *st,
			     int flags);
/* Every symlink in path resolved through the namespace, as realpath(3):
 * ".." lexical, the result an existing file or a directory above mount
 * points, into out (OCAP_PATH_BUF bytes).  Returns the length. */
hidden int ocap__ns_realpath(ocap_ns *ns, const char *path, char *out);

/* posix.c: the calls libocap has no public operation for, each the path
 * resolved, the rights the call needs checked, then the system call. */

/* faccessat(2): the capability's rights, then the kernel's permission
 * bits on the file reached beneath it; a directory above mount points
 * may be searched only. */
hidden int ocap__ns_access(ocap_ns *ns, int dirfd, const char *path,
			   int amode, int flag);
/* linkat(2): create where the name goes, and no file right there that
 * the file's capability lacks (EXDEV, as Landlock's REFER rule). */
hidden int ocap__ns_linkat(ocap_ns *ns, int oldfd, const char *old,
			   int newfd, const char *new, int flag);
/* renameat(2) with either side global: delete where a name goes away,
 * create where it appears. */
hidden int ocap__ns_renameat(ocap_ns *ns, int oldfd, const char *old,
			     int newfd, const char *new);
/* symlinkat(2), mknodat(2): create. */
hidden int ocap__ns_symlinkat(ocap_ns *ns, const char *target, int dirfd,
			      const char *path);
hidden int ocap__ns_mknodat(ocap_ns *ns, int dirfd, const char *path,
			    mode_t mode, dev_t dev);
/* chmod, chown, times of one's choosing on (dirfd, path): made on the
 * file's O_PATH descriptor, opened beneath its capability (ENOENT or
 * ENOTDIR as the path says).  The seccomp program hands the call to the
 * broker's supervisor, which judges it by the grants and performs it, or
 * refuses it (EPERM) where no supervisor listens.  times NULL: now. */
struct ocap_meta {
	enum { OCAP_META_MODE, OCAP_META_OWNER, OCAP_META_TIMES } what;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	const struct timespec *times;
};
hidden int ocap__ns_meta(ocap_ns *ns, int dirfd, const char *path,
			 bool follow, const struct ocap_meta *m);
/* truncate(2): write and truncate. */
hidden int ocap__ns_truncate(ocap_ns *ns, const char *path, off_t len);
/* utimensat(2) to the current time: write. */
hidden int ocap__ns_touch(ocap_ns *ns, int dirfd, const char *path,
			  bool follow);
/* An O_PATH descriptor of the regular file path, to run: exec. */
hidden int ocap__ns_exec_open(ocap_ns *ns, const char *path);

#endif
