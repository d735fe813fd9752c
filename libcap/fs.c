/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "open_rights.h"

/* Run op on the capability abs falls in.  When the kernel refuses to let
 * a symlink leave that capability, resolve the links through the view and
 * try again where the path really leads.  abs is rewritten. */
int ocap__with_path(const struct ocap_view *v, char *abs, bool follow,
		    ocap__op op, void *arg)
{
	int links = 0, r;

	for (int tries = 0; tries <= OCAP_MAXSYMLINKS; tries++) {
		const ocap_cap *cap;
		const char *rel;

		if ((r = ocap__lookup(v, abs, &cap, &rel)) < 0)
			return r;
		r = op(cap, rel, arg);
		if (r != OCAP__ESCAPE)
			return r;
		if ((r = ocap__walk(v, abs, follow, &links)) < 0)
			return r;
	}
	return -ELOOP;
}

/* Whether the last component is followed by the open. */
static bool open_follows(int flags)
{
	return !(flags & O_NOFOLLOW) &&
	       (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
}

/* A right is missing on cap: unless the path leads out of cap (then it is
 * resolved where it lands, with that capability's rights), -EACCES. */
static int denied(const ocap_cap *cap, const char *rel, bool follow)
{
	int fd;

	if (cap->kind != OCAP_KIND_DIR)
		return -EACCES;
	fd = ocap__openat2(cap->fd, rel,
			   O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW), 0);
	if (fd >= 0)
		close(fd);
	return fd == OCAP__ESCAPE ? OCAP__ESCAPE : -EACCES;
}

int ocap__open_in(const ocap_cap *cap, const char *rel, int flags,
		  mode_t mode)
{
	ocap_rights_t need;
	int f = flags, fd;

	if ((fd = ocap_open_rights(cap->rights, &f, &need)) == -EINVAL)
		return fd;
	if (fd < 0)
		return denied(cap, rel, false);
	if (need & ~cap->rights)
		return denied(cap, rel, open_follows(flags));
	if (cap->kind == OCAP_KIND_FILE) {
		if (strcmp(rel, "."))
			return -ENOTDIR;
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			return -EEXIST;
		if (f & O_DIRECTORY)
			return -ENOTDIR;
		fd = cap->brokered ? ocap__broker_open(cap->name, f)
				   : ocap__reopen(cap->fd, f);
	} else {
		fd = ocap__openat2(cap->fd, rel, f, mode);
	}
	if (fd == -ENOENT && (flags & O_CREAT) && !(f & O_CREAT))
		return -EACCES;
	/* List without read opened it as a directory: a file is refused. */
	if (fd == -ENOTDIR && (f & O_DIRECTORY) && !(flags & O_DIRECTORY))
		return -EACCES;
	/* Read without list must not open a directory. */
	if (fd >= 0 && !(f & (O_PATH | O_DIRECTORY)) &&
	    !(cap->rights & OCAP_RIGHT_LIST)) {
		struct stat st;
		if (ocap__sys_fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
			close(fd);
			return -EACCES;
		}
	}
	return fd;
}

struct open_arg {
	int flags;
	mode_t mode;
};

static int op_open(const ocap_cap *cap, const char *rel, void *arg)
{
	struct open_arg *a = arg;
	return ocap__open_in(cap, rel, a->flags, a->mode);
}

static int do_open(const struct ocap_view *v, char *abs, int flags,
		   mode_t mode)
{
	struct open_arg a = { flags, mode };
	return ocap__with_path(v, abs, open_follows(flags), op_open, &a);
}

struct stat_arg {
	struct stat *st;
	int flags;
};

static int op_stat(const ocap_cap *cap, const char *rel, void *arg)
{
	struct stat *st = ((struct stat_arg *)arg)->st;
	int flags = ((struct stat_arg *)arg)->flags;
	int fd, r = 0;

	if (cap->kind == OCAP_KIND_FILE || !strcmp(rel, ".")) {
		if (strcmp(rel, "."))
			return -ENOTDIR;
		return ocap__sys_fstat(cap->fd, st);
	}
	/* One name (rel is normal: never ".."): the kernel cannot leave
	 * cap->fd if it does not follow that name, and the one call is all
	 * unless the name is a link to follow.  The kernel has no stat that
	 * resolves beneath a directory, so deeper paths take three. */
	if (!strchr(rel, '/')) {
		r = ocap__sys_fstatat(cap->fd, rel, st, AT_SYMLINK_NOFOLLOW);
		if (r < 0 || !S_ISLNK(st->st_mode) ||
		    (flags & AT_SYMLINK_NOFOLLOW))
			return r;
	}
	fd = ocap__openat2(cap->fd, rel,
			   O_PATH | O_CLOEXEC |
				   ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0),
			   0);
	if (fd < 0)
		return fd;
	r = ocap__sys_fstat(fd, st);
	close(fd);
	return r;
}

static int do_stat(const struct ocap_view *v, char *abs, struct stat *st,
		   int flags)
{
	struct stat_arg a = { st, flags };

	if (!st || (flags & ~AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	return ocap__with_path(v, abs, !(flags & AT_SYMLINK_NOFOLLOW),
			       op_stat, &a);
}

static int op_opendir(const ocap_cap *cap, const char *rel, void *arg)
{
	DIR **dirp = arg;
	int fd;

	if (cap->kind != OCAP_KIND_DIR)
		return -ENOTDIR;
	if (!(cap->rights & OCAP_RIGHT_LIST))
		return denied(cap, rel, true);
	fd = ocap__openat2(cap->fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	*dirp = fdopendir(fd);
	if (!*dirp) {
		int e = errno;
		close(fd);
		return -e;
	}
	return 0;
}

static int do_opendir(const struct ocap_view *v, char *abs, DIR **dirp)
{
	if (!dirp)
		return -EINVAL;
	return ocap__with_path(v, abs, true, op_opendir, dirp);
}

/* ---- operations on a name in a directory ---------------------------- */

void ocap__at_close(struct ocap__at *at)
{
	if (at->own)
		close(at->dirfd);
	at->own = false;
}

int ocap__at_need(const struct ocap__at *at, ocap_rights_t need)
{
	if (at->cap && (at->cap->rights & need) != need)
		return -EACCES;
	return 0;
}

/* Split rel into its parent, opened beneath cap, and its last
 * component. */
static int op_parent(const ocap_cap *cap, const char *rel, void *arg)
{
	struct ocap__at *at = arg;
	char dir[OCAP_PATH_BUF];
	const char *slash;
	size_t len = strlen(rel), start;
	int fd;

	memset(at, 0, sizeof *at);
	at->cap = cap;
	at->dirfd = cap->fd;
	if (!strcmp(rel, ".")) {
		at->mount = true;
		at->base = ".";
		at->len = 1;
		return 0;
	}
	if (cap->kind != OCAP_KIND_DIR)
		return -ENOTDIR;
	at->must_dir = rel[len - 1] == '/';
	at->len = len - at->must_dir;
	slash = memrchr(rel, '/', at->len);
	start = slash ? (size_t)(slash + 1 - rel) : 0;
	at->len -= start;
	if (at->len > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(at->name, rel + start, len - start + 1);
	at->base = at->name;
	if (!slash)
		return 0;
	memcpy(dir, rel, (size_t)(slash - rel));
	dir[slash - rel] = '\0';
	fd = ocap__openat2(cap->fd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	at->dirfd = fd;
	at->own = true;
	return 0;
}

static int resolve_at(const struct ocap_view *v, char *abs,
		      struct ocap__at *at)
{
	memset(at, 0, sizeof *at);
	return ocap__with_path(v, abs, false, op_parent, at);
}

int ocap__ns_at(ocap_ns *ns, int dirfd, const char *path, struct ocap__at *at)
{
	char abs[OCAP_PATH_BUF];
	struct ocap_view v = { ns, NULL };
	int r;

	if (!ocap__global(dirfd, path)) {
		memset(at, 0, sizeof *at);
		at->dirfd = dirfd;
		at->base = path;
		return 0;
	}
	if ((r = ocap__ns_abs(ns, path, abs)) < 0)
		return r;
	return resolve_at(&v, abs, at);
}

struct reach_arg {
	int flags;
	const ocap_cap **cap;
};

static int op_reach(const ocap_cap *cap, const char *rel, void *arg)
{
	struct reach_arg *a = arg;

	if (a->cap)
		*a->cap = cap;
	if (cap->kind == OCAP_KIND_DIR)
		return ocap__openat2(cap->fd, rel, a->flags, 0);
	if (strcmp(rel, "."))
		return -ENOTDIR;
	if (!(a->flags & O_PATH)) /* a new open file description */
		return ocap__open_in(cap, rel, a->flags, 0);
	int fd = fcntl(cap->fd, F_DUPFD_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

int ocap__ns_reach(ocap_ns *ns, int dirfd, const char *path, int flags,
		   bool follow, const ocap_cap **cap)
{
	char abs[OCAP_PATH_BUF];
	struct ocap_view v = { ns, NULL };
	struct reach_arg a = { flags | (follow ? 0 : O_NOFOLLOW), cap };
	int r;

	if (cap)
		*cap = NULL;
	if (!ocap__global(dirfd, path))
		return ocap__open_beneath(dirfd, path, a.flags, 0);
	if ((r = ocap__ns_abs(ns, path, abs)) < 0)
		return r;
	return ocap__with_path(&v, abs, follow, op_reach, &a);
}

int ocap__ns_openat(ocap_ns *ns, int dirfd, const char *path, int flags,
		    mode_t mode)
{
	if (!path)
		return -EFAULT;
	if (!ocap__global(dirfd, path))
		return ocap__open_beneath(dirfd, path, flags, mode);
	/* No right for O_PATH: a file capability's own descriptor serves. */
	if (flags & O_PATH)
		return ocap__ns_reach(ns, AT_FDCWD, path, flags,
				      !(flags & O_NOFOLLOW), NULL);
	return ocap_ns_open(ns, path, flags, mode);
}

/* The last component without its trailing slash. */
static const char *bare(struct ocap__at *at)
{
	at->name[at->len] = '\0';
	return at->name;
}

/* A name written with a trailing slash must be a directory. */
static int check_dir(struct ocap__at *at)
{
	struct stat st;
	int r;

	if (!at->must_dir)
		return 0;
	if ((r = ocap__sys_fstatat(at->dirfd, bare(at), &st,
				   AT_SYMLINK_NOFOLLOW)) < 0)
		return r;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int do_mkdir(const struct ocap_view *v, char *abs, mode_t mode)
{
	struct ocap__at at;
	int r;

	if ((r = resolve_at(v, abs, &at)) < 0)
		return r;
	if (at.mount)
		return -EEXIST;
	if (!(at.cap->rights & OCAP_RIGHT_CREATE))
		r = -EACCES;
	else
		r = ocap__sys_mkdirat(at.dirfd, bare(&at), mode);
	ocap__at_close(&at);
	return r;
}

static int do_unlink(const struct ocap_view *v, char *abs, int flags)
{
	struct ocap__at at;
	int r;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	if ((r = resolve_at(v, abs, &at)) < 0)
		return r;
	if (at.mount)
		return -EBUSY;
	if (!(at.cap->rights & OCAP_RIGHT_DELETE))
		r = -EACCES;
	else if (!(flags & AT_REMOVEDIR) && at.must_dir)
		r = check_dir(&at) < 0 ? -ENOTDIR : -EISDIR;
	else
		r = ocap__sys_unlinkat(at.dirfd, bare(&at), flags);
	ocap__at_close(&at);
	return r;
}

static ssize_t do_readlink(const struct ocap_view *v, char *abs, char *buf,
			   size_t size)
{
	struct ocap__at at;
	ssize_t n;
	int r;

	if (!buf || size == 0)
		return -EINVAL;
	if ((r = resolve_at(v, abs, &at)) < 0)
		return r;
	if (at.mount)
		return -EINVAL;
	n = ocap__sys_readlinkat(at.dirfd, bare(&at), buf, size);
	ocap__at_close(&at);
	return n;
}

static int do_rename(const struct ocap_view *ov, char *oabs,
		     const struct ocap_view *nv, char *nabs)
{
	struct ocap__at o, n;
	int r;

	if ((r = resolve_at(ov, oabs, &o)) < 0)
		return r;
	if ((r = resolve_at(nv, nabs, &n)) < 0) {
		ocap__at_close(&o);
		return r;
	}
	if (o.mount || n.mount)
		r = -EBUSY;
	else if (!(o.cap->rights & OCAP_RIGHT_DELETE) ||
		 !(n.cap->rights & OCAP_RIGHT_CREATE))
		r = -EACCES;
	else if (o.must_dir || n.must_dir) {
		o.must_dir = true;
		r = check_dir(&o);
	}
	if (r == 0)
		r = ocap__sys_renameat(o.dirfd, bare(&o), n.dirfd, bare(&n));
	ocap__at_close(&n);
	ocap__at_close(&o);
	return r;
}

/* ---- the public entry points ----------------------------------------- */

/* rel made absolute against cap's name. */
static int cap_abs(const ocap_cap *cap, const char *rel, char *abs)
{
	if (!cap || !ocap__is_fs_kind(cap->kind))
		return -EINVAL;
	return ocap_path_normalize(cap->name, rel, abs, OCAP_PATH_BUF);
}

#define CAP_ENTRY(cap, rel, abs, v)                                        \
	char abs[OCAP_PATH_BUF];                                           \
	int abs##_r = cap_abs(cap, rel, abs);                              \
	if (abs##_r < 0)                                                   \
		return abs##_r;                                            \
	struct ocap_view v = ocap__view_of(cap)

#define NS_ENTRY(ns, path, abs, v)                                         \
	char abs[OCAP_PATH_BUF];                                           \
	int abs##_r = ocap__ns_abs(ns, path, abs);                         \
	if (abs##_r < 0)                                                   \
		return abs##_r;                                            \
	struct ocap_view v = { ns, NULL }

int ocap_openat(const ocap_cap *cap, const char *rel, int flags, mode_t mode)
{
	CAP_ENTRY(cap, rel, abs, v);
	return do_open(&v, abs, flags, mode);
}

int ocap_statat(const ocap_cap *cap, const char *rel, struct stat *st,
		int flags)
{
	CAP_ENTRY(cap, rel, abs, v);
	return do_stat(&v, abs, st, flags);
}

int ocap_mkdirat(const ocap_cap *cap, const char *rel, mode_t mode)
{
	CAP_ENTRY(cap, rel, abs, v);
	return do_mkdir(&v, abs, mode);
}

int ocap_unlinkat(const ocap_cap *cap, const char *rel, int flags)
{
	CAP_ENTRY(cap, rel, abs, v);
	return do_unlink(&v, abs, flags);
}

ssize_t ocap_readlinkat(const ocap_cap *cap, const char *rel, char *buf,
			size_t size)
{
	CAP_ENTRY(cap, rel, abs, v);
	return do_readlink(&v, abs, buf, size);
}

int ocap_opendirat(const ocap_cap *cap, const char *rel, DIR **dirp)
{
	CAP_ENTRY(cap, rel, abs, v);
	return do_opendir(&v, abs, dirp);
}

int ocap_renameat(const ocap_cap *oldcap, const char *oldrel,
		  const ocap_cap *newcap, const char *newrel)
{
	CAP_ENTRY(oldcap, oldrel, oabs, ov);
	CAP_ENTRY(newcap, newrel, nabs, nv);
	return do_rename(&ov, oabs, &nv, nabs);
}

int ocap_ns_open(ocap_ns *ns, const char *path, int flags, mode_t mode)
{
	NS_ENTRY(ns, path, abs, v);
	return do_open(&v, abs, flags, mode);
}

int ocap_ns_stat(ocap_ns *ns, const char *path, struct stat *st, int flags)
{
	NS_ENTRY(ns, path, abs, v);
	return do_stat(&v, abs, st, flags);
}

int ocap_ns_mkdir(ocap_ns *ns, const char *path, mode_t mode)
{
	NS_ENTRY(ns, path, abs, v);
	return do_mkdir(&v, abs, mode);
}

int ocap_ns_unlink(ocap_ns *ns, const char *path, int flags)
{
	NS_ENTRY(ns, path, abs, v);
	return do_unlink(&v, abs, flags);
}

ssize_t ocap_ns_readlink(ocap_ns *ns, const char *path, char *buf,
			 size_t size)
{
	NS_ENTRY(ns, path, abs, v);
	return do_readlink(&v, abs, buf, size);
}

int ocap_ns_opendir(ocap_ns *ns, const char *path, DIR **dirp)
{
	NS_ENTRY(ns, path, abs, v);
	return do_opendir(&v, abs, dirp);
}

int ocap_ns_rename(ocap_ns *ns, const char *oldpath, const char *newpath)
{
	NS_ENTRY(ns, oldpath, oabs, ov);
	NS_ENTRY(ns, newpath, nabs, nv);
	return do_rename(&ov, oabs, &nv, nabs);
}

/* ---- derived capabilities ---------------------------------------------- */

struct derive_arg {
	ocap_rights_t rights;
	ocap_cap **out;
	char *abs;
};

/* A file from the broker stays one the broker reopens: the copy shares
 * the O_PATH descriptor's description, which holds no state. */
static int derive_brokered(const ocap_cap *cap, struct derive_arg *a)
{
	int fd = fcntl(cap->fd, F_DUPFD_CLOEXEC, 0), r;

	if (fd < 0)
		return -errno;
	if ((r = ocap__cap_new(fd, OCAP_KIND_FILE, a->rights, cap->name,
			       a->out)) < 0) {
		close(fd);
		return r;
	}
	(*a->out)->brokered = true;
	return 0;
}

static int op_derive(const ocap_cap *cap, const char *rel, void *arg)
{
	struct derive_arg *a = arg;
	char name[OCAP_PATH_BUF];
	int fd, len;

	if (a->rights & ~cap->rights)
		return denied(cap, rel, true);
	if (cap->kind == OCAP_KIND_FILE && strcmp(rel, "."))
		return -ENOTDIR;
	if (cap->kind == OCAP_KIND_FILE && cap->brokered)
		return derive_brokered(cap, a);
	fd = cap->kind == OCAP_KIND_FILE
		     ? ocap__reopen(cap->fd, O_PATH | O_CLOEXEC)
		     : ocap__openat2(cap->fd, rel, O_PATH | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	len = (int)strlen(a->abs);
	memcpy(name, a->abs, (size_t)len + 1);
	if (len > 1 && name[len - 1] == '/')
		name[len - 1] = '\0';
	return ocap__cap_from_opath(fd, a->rights, name, a->out);
}

int ocap_cap_derive(const ocap_cap *dir, const char *rel,
		    ocap_rights_t rights, ocap_cap **out)
{
	if (!out || (rights & ~OCAP_RIGHTS_ALL))
		return -EINVAL;
	CAP_ENTRY(dir, rel, abs, v);
	struct derive_arg a = { rights, out, abs };
	if (rights & ~dir->rights)
		return -EACCES;
	return ocap__with_path(&v, abs, true, op_derive, &a);
}
