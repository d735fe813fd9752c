/* SPDX-License-Identifier: MIT */
#ifndef OCAP_INTERNAL_H
#define OCAP_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>

#include "ocap/ocap.h"

#include "hidden.h"

#include "resolve.h"
/* Returned by a resolution step when the kernel refused to leave the
 * capability (openat2 said EXDEV); never seen by callers. */
#define OCAP__ESCAPE (-0x10000)

struct ocap_cap {
	int fd;
	int kind;
	ocap_rights_t rights;
	char *name;
	size_t name_len;
	struct ocap_ns *ns; /* where it is mounted, or NULL */
	bool brokered; /* from ocap_root(): the broker reopens a file */
};

struct ocap_ns {
	ocap_cap **caps; /* sorted by name */
	size_t n, alloc;
	pthread_mutex_t lock; /* guards cwd */
	char cwd[OCAP_PATH_BUF];
};

/* What a path is resolved through: a namespace, or one capability alone. */
struct ocap_view {
	const struct ocap_ns *ns;
	const ocap_cap *only;
};

static inline struct ocap_view ocap__view_of(const ocap_cap *cap)
{
	struct ocap_view v = { cap->ns, cap->ns ? NULL : cap };
	return v;
}

static inline bool ocap__is_fs_kind(int kind)
{
	return kind == OCAP_KIND_DIR || kind == OCAP_KIND_FILE;
}

/* path.c */
hidden bool ocap__name_ok(const char *name);
hidden bool ocap__prefix_of(const char *name, size_t len, const char *abs);

/* ns.c: the capability abs falls in and the rest of abs ("." for the
 * capability itself).  No system call. */
hidden int ocap__lookup(const struct ocap_view *v, const char *abs,
			const ocap_cap **cap, const char **rel);
hidden bool ocap__virtual_dir(const ocap_ns *ns, const char *abs);

/* sys.c: the kernel's calls, never libc's path functions (which the
 * overlay replaces with calls back into libocap).  -errno, and errno is
 * left as it was. */
hidden int ocap__openat2(int dirfd, const char *rel, int flags, mode_t mode);
hidden int ocap__sys_openat(int dirfd, const char *name, int flags,
			   mode_t mode);
/* Whether fd is on procfs. */
hidden bool ocap__is_procfs(int fd);
/* A new open file description for what fd refers to, through
 * /proc/thread-self/fd; relative to procfs's root once it is kept. */
hidden int ocap__reopen(int fd, int flags);
/* procfs's root, opened and kept (at 3 or above) when it is not, or no
 * longer (the program closed it); -errno when /proc cannot be opened.
 * ocap_enter() calls it before confining. */
hidden int ocap__proc_root(void);
hidden int ocap__sys_open(const char *path, int flags);
hidden int ocap__sys_fstat(int fd, struct stat *st);
hidden ssize_t ocap__sys_readlinkat(int dirfd, const char *name, char *buf,
				    size_t size);
hidden int ocap__sys_mkdirat(int dirfd, const char *name, mode_t mode);
hidden int ocap__sys_unlinkat(int dirfd, const char *name, int flags);
hidden int ocap__sys_renameat(int ofd, const char *old, int nfd,
			      const char *new);
/* The kernel's working directory; -ENOENT when unreachable from the
 * root.  Returns the length. */
hidden int ocap__sys_getcwd(char *buf, size_t size);
hidden int ocap__sys_faccessat2(int dirfd, const char *name, int amode,
				int flags);
hidden int ocap__sys_linkat(int ofd, const char *old, int nfd,
			    const char *new, int flags);
hidden int ocap__sys_symlinkat(const char *target, int dirfd,
			       const char *name);
hidden int ocap__sys_mknodat(int dirfd, const char *name, mode_t mode,
			     dev_t dev);
hidden int ocap__sys_ftruncate(int fd, off_t len);
hidden int ocap__sys_fchmod(int fd, mode_t mode);
hidden int ocap__sys_fchownat(int dirfd, const char *name, uid_t uid,
			      gid_t gid, int flags);
hidden int ocap__sys_utimensat(int dirfd, const char *name,
			       const struct timespec *times, int flags);

/* beneath.c: ocap__openat2's walk where openat2 is ENOSYS, from openat
 * alone: OCAP__ESCAPE when rel would leave dirfd, -ELOOP at a magic
 * link.  flags and mode as openat2 takes them. */
hidden int ocap__beneath(int dirfd, const char *rel, int flags, mode_t mode);

/* walk.c: rewrite abs with every symlink resolved through the view (the
 * last component only when follow); *links counts what was followed. */
hidden int ocap__walk(const struct ocap_view *v, char *abs, bool follow,
		      int *links);

/* fs.c */
typedef int (*ocap__op)(const ocap_cap *cap, const char *rel, void *arg);
hidden int ocap__with_path(const struct ocap_view *v, char *abs, bool follow,
			   ocap__op op, void *arg);
hidden int ocap__open_in(const ocap_cap *cap, const char *rel, int flags,
			 mode_t mode);

/* root.c: the descriptor $OCAP_ROOT names; -ENOENT when unset, -EBADF
 * when it names no open descriptor. */
hidden int ocap__root_fd(void);

/* net.c: a new open file description for the file capability the
 * broker granted at name, the rights checked by the broker. */
hidden int ocap__broker_open(const char *name, int flags);

/* cap.c */
hidden int ocap__cap_new(int fd, int kind, ocap_rights_t rights,
			 const char *name, ocap_cap **out);
hidden int ocap__cap_from_opath(int fd, ocap_rights_t rights,
				const char *name, ocap_cap **out);

#endif
