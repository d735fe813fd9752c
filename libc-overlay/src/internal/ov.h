/* SPDX-License-Identifier: MIT */
#ifndef OV_H
#define OV_H

/*
 * The overlay's private machinery.  Public entry points (open, stat...)
 * live one per file under src/<group>/, named after musl's files;
 * each defines every global symbol of the musl object it replaces, so
 * that libc.a's member is never pulled in beside it.
 *
 * Internals return -errno and never set errno; the entry point sets it
 * once, through ocap__ov_ret() or ocap__ov_retp().  Outside a sandbox (no
 * $OCAP_ROOT) every entry point makes the system call musl itself makes.
 */

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <ocap/ocap.h>

#include "syscall.h"

#define OV_API __attribute__((visibility("default")))
#define hidden __attribute__((visibility("hidden")))

/* Room for a namespace path and its NUL. */
#define OV_PATH (OCAP_NAME_MAX + 1)
/* Symlinks followed in one resolution, as the kernel and libocap. */
#define OV_MAXSYMLINKS 40

/* ---- the boundary ------------------------------------------------------ */

/* r < 0 (and > -4096): errno = -r, return -1; else r. */
hidden long ocap__ov_ret(long r);
/* err < 0: errno = -err, return NULL; else p. */
hidden void *ocap__ov_retp(void *p, long err);

/* ---- the namespace ----------------------------------------------------- */

/* The program's namespace, fetched once from $OCAP_ROOT; NULL when the
 * program was not started by a broker.  A root descriptor that cannot be
 * read gives an empty namespace: every global path is ENOENT. */
hidden ocap_ns *ocap__ov_ns(void);

/* Whether path is global: absolute, or relative to the working
 * directory.  Paths relative to a real descriptor go to the kernel. */
static inline bool ov_global(int dirfd, const char *path)
{
	return path[0] == '/' || dirfd == AT_FDCWD;
}

/* path made absolute and normalised against the namespace's working
 * directory, into abs (OV_PATH bytes).  Returns the length. */
hidden int ocap__ov_abs(ocap_ns *ns, const char *path, char *abs);

/* Whether abs (normalised) is a directory above some mount point, like
 * "/" or "/home" when /home/u is mounted. */
hidden bool ocap__ov_virtual_dir(ocap_ns *ns, const char *abs);

/* Every symlink in path resolved through the namespace (the last one
 * only when follow), as realpath(3) does; the result names an existing
 * file, or a virtual directory.  out has OV_PATH bytes.  Returns the
 * length. */
hidden int ocap__ov_ns_realpath(ocap_ns *ns, const char *path, bool follow,
				char *out);

/* ---- a name in a directory ----------------------------------------------
 *
 * Operations libocap has no call for (link, symlink, mknod, utimensat...)
 * resolve the path to the capability it lands in, an open descriptor of
 * the parent directory beneath it, and the last component, then call the
 * *at system call on them.
 */
struct ov_at {
	const ocap_cap *cap; /* NULL: a caller's real dirfd, kernel rules */
	int dirfd;           /* the parent directory */
	const char *base;    /* last component (a trailing slash kept) */
	bool own;            /* dirfd was opened here */
	bool mount;          /* the path names the capability itself */
	char name[NAME_MAX + 2];
};

/* Resolve (dirfd, path).  Symlinks in the parent directories are
 * followed through the namespace; the last component is left as is.
 * ENOENT outside every capability. */
hidden int ocap__ov_at_resolve(ocap_ns *ns, int dirfd, const char *path,
			       struct ov_at *at);
hidden void ocap__ov_at_close(struct ov_at *at);
/* -EACCES unless at's capability holds every right in need. */
hidden int ocap__ov_at_need(const struct ov_at *at, ocap_rights_t need);
/* Open the file (dirfd, path) itself beneath the capability it lands in,
 * following a last symlink when follow; *cap (when not NULL) is that
 * capability, NULL for a caller's real dirfd.  No right is checked:
 * flags is O_PATH for callers that only look. */
hidden int ocap__ov_at_open(ocap_ns *ns, int dirfd, const char *path, int flags,
			    bool follow, const ocap_cap **cap);

/* openat2(dirfd, rel, flags, mode) with RESOLVE_BENEATH and
 * RESOLVE_NO_MAGICLINKS; plain openat where the kernel has no openat2. */
hidden int ocap__ov_openat_beneath(int dirfd, const char *rel, int flags,
				   mode_t mode);

/* ---- shared by several entry points ------------------------------------ */

/* open/openat inside a sandbox. */
hidden int ocap__ov_ns_openat(ocap_ns *ns, int dirfd, const char *path,
			      int flags, mode_t mode);
/* fstatat inside a sandbox, for a global path; a virtual directory stats
 * as an empty, read-only directory. */
hidden int ocap__ov_ns_fstatat(ocap_ns *ns, const char *path, struct stat *st,
			       int flag);
/* faccessat inside a sandbox: the capability's rights, then the kernel's
 * permission bits on the file reached beneath it. */
hidden int ocap__ov_ns_faccessat(ocap_ns *ns, int dirfd, const char *path,
				 int amode, int flag);
/* open(2) flags for an fopen(3) mode. */
hidden int ocap__ov_fmodeflags(const char *mode);
/* open() as the overlay does it, without touching errno: the namespace
 * inside a sandbox, SYS_open (a cancellation point) outside. */
hidden int ocap__ov_open(const char *path, int flags, mode_t mode);
/* linkat inside a sandbox: create where the name goes, and no file right
 * there that the file's capability lacks (EXDEV, as Landlock's REFER). */
hidden int ocap__ov_ns_linkat(ocap_ns *ns, int oldfd, const char *old,
			      int newfd, const char *new, int flag);
/* A new name, needing create: the system call nr (SYS_symlinkat with
 * target, or SYS_mknodat with mode a and device b) on (dirfd, path). */
hidden int ocap__ov_ns_make(ocap_ns *ns, int dirfd, const char *path, long nr,
			    long a, long b, const char *target);
/* A metadata change the seccomp program refuses (chmod, chown, times of
 * one's choosing): ENOENT or ENOTDIR as the path says, else EPERM. */
hidden int ocap__ov_ns_refused(ocap_ns *ns, int dirfd, const char *path,
			       bool follow);
/* execve: inside a sandbox the file is reached through the namespace,
 * needs exec on its capability, and runs with execveat on a descriptor
 * opened beneath it; a "#!" script runs its interpreter the same way. */
hidden int ocap__ov_execve(const char *path, char *const argv[],
			   char *const envp[]);
/* The working directory follows the namespace: set the kernel's to the
 * namespace's when that is a real directory. */
hidden void ocap__ov_sync_cwd(ocap_ns *ns);

/* ---- plain musl -------------------------------------------------------- */

/* Hidden in musl's libc.a: six random name characters over the
 * XXXXXX at template. */
char *__randname(char *template);
/* lstat() as the overlay does it, for a name that must be free. */
hidden int ocap__ov_lstat(const char *path, struct stat *st);

/* In musl's libc.a: "/proc/self/fd/N" into buf (15 + 3 * sizeof(int) bytes). */
void __procfdname(char *buf, unsigned fd);

/* realpath(3) outside a sandbox, into out (PATH_MAX bytes). */
hidden int ocap__ov_sys_realpath(const char *path, char *out);

/* fstatat as musl does it, for descriptors and outside a sandbox. */
hidden int ocap__ov_sys_fstatat(int dirfd, const char *path, struct stat *st,
				int flag);

#endif
