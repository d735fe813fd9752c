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
#include "hidden.h"

/* libocap's resolver: ocap__ns_at, ocap__ns_reach, ocap__ns_realpath...
 * (private/resolve.h, hidden in libocap-musl.a). */
#include "resolve.h"

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

/* ---- shared by several entry points ------------------------------------ */

/* fstatat inside a sandbox, for a global path; a virtual directory stats
 * as an empty, read-only directory. */
hidden int ocap__ov_ns_fstatat(ocap_ns *ns, const char *path, struct stat *st,
			       int flag);
/* open(2) flags for an fopen(3) mode. */
hidden int ocap__ov_fmodeflags(const char *mode);
/* open() as the overlay does it, without touching errno: the namespace
 * inside a sandbox, SYS_open (a cancellation point) outside. */
hidden int ocap__ov_open(const char *path, int flags, mode_t mode);
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

#endif
