/* SPDX-License-Identifier: MIT */
/*
 * --hide-metadata: what Landlock does not check, the metadata of paths
 * outside the grants (stat, access, readlink, getxattr, statfs), answered
 * as native mode and unveil(2) answer it: ENOENT.  Supervised, the broker
 * looks the path up itself, as the program would (its credentials, none
 * of its own capabilities), and answers from what it found:
 *
 * - what lies in a grant, whatever its rights, and the directories above
 *   a grant (so that getcwd and realpath work) answer as they are;
 * - the program's own /proc/self and /proc/thread-self answer too,
 *   rewritten to its pid (the broker's own would answer otherwise);
 * - everything else, and a path the program may not search, is ENOENT;
 * - a call on a descriptor (an empty path with AT_EMPTY_PATH) answers for
 *   the program's own descriptor, taken once.
 *
 * The answer is written into the program's memory.  Every stat goes
 * through the broker, so this costs a round trip per call: off by
 * default (bench/run-files has the figures).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/limits.h>
#include <linux/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "supervise.h"

#ifndef AT_EACCESS
#define AT_EACCESS 0x200
#endif
#define XATTR_MAX_ ((size_t)64 * 1024)

enum what { H_STAT, H_STATX, H_ACCESS, H_READLINK, H_GETXATTR, H_LISTXATTR,
	    H_STATFS };

struct hcall {
	enum what what;
	int dirfd;
	uint64_t path;
	int flags;         /* AT_* */
	bool follow;
	uint64_t out;      /* where the answer goes */
	size_t size;       /* its room (readlink, xattrs) */
	unsigned mask;     /* statx */
	int mode;          /* access */
	uint64_t name;     /* getxattr */
};

/* The calls, their arguments put in one shape. */
static int decode(const struct call *c, struct hcall *h)
{
	const uint64_t *a = c->args;

	*h = (struct hcall){ .dirfd = AT_FDCWD, .follow = true };
	switch (c->nr) {
	case SYS_lstat:
		h->follow = false;
		/* fall through */
	case SYS_stat:
		h->what = H_STAT, h->path = a[0], h->out = a[1];
		return 0;
	case SYS_newfstatat:
		h->what = H_STAT, h->dirfd = (int)a[0], h->path = a[1];
		h->out = a[2], h->flags = (int)a[3];
		break;
	case SYS_statx:
		h->what = H_STATX, h->dirfd = (int)a[0], h->path = a[1];
		h->flags = (int)a[2], h->mask = (unsigned)a[3], h->out = a[4];
		break;
	case SYS_access:
		h->what = H_ACCESS, h->path = a[0], h->mode = (int)a[1];
		return 0;
	case SYS_faccessat:
	case SYS_faccessat2:
		h->what = H_ACCESS, h->dirfd = (int)a[0], h->path = a[1];
		h->mode = (int)a[2];
		h->flags = c->nr == SYS_faccessat2 ? (int)a[3] : 0;
		break;
	case SYS_readlink:
		h->what = H_READLINK, h->path = a[0], h->out = a[1];
		h->size = (size_t)a[2], h->follow = false;
		return 0;
	case SYS_readlinkat:
		h->what = H_READLINK, h->dirfd = (int)a[0], h->path = a[1];
		h->out = a[2], h->size = (size_t)a[3], h->follow = false;
		return 0;
	case SYS_lgetxattr:
		h->follow = false;
		/* fall through */
	case SYS_getxattr:
		h->what = H_GETXATTR, h->path = a[0], h->name = a[1];
		h->out = a[2], h->size = (size_t)a[3];
		return 0;
	case SYS_llistxattr:
		h->follow = false;
		/* fall through */
	case SYS_listxattr:
		h->what = H_LISTXATTR, h->path = a[0], h->out = a[1];
		h->size = (size_t)a[2];
		return 0;
	case SYS_statfs:
		h->what = H_STATFS, h->path = a[0], h->out = a[1];
		return 0;
	default:
		return -ENOSYS;
	}
	h->follow = !(h->flags & AT_SYMLINK_NOFOLLOW);
	return 0;
}

static bool in_proc(const char *path)
{
	return !strncmp(path, "/proc/", 6);
}

/* Whether the kernel's name for what was found may be seen: in a grant,
 * above one, or in the program's own /proc entry. */
static bool visible(const struct call *c, const char *name)
{
	const struct broker *b = c->b;
	pid_t tgid;
	char own[32];
	size_t k;

	if (ocap__super_grant(b, name, 0) || ocap__super_above(b, name))
		return true;
	if (!in_proc(name) || (tgid = ocap__super_tgid(c)) < 0)
		return false;
	k = (size_t)snprintf(own, sizeof own, "/proc/%d", (int)tgid);
	return !strncmp(name, own, k) && (name[k] == '/' || !name[k]);
}

/* "/proc/self" and "/proc/thread-self" name the caller: the program's,
 * not the broker's. */
static int own_proc(const struct call *c, char *path)
{
	static const char self[] = "/proc/self", thread[] = "/proc/thread-self";
	char rest[PATH_MAX];
	size_t k = 0;
	pid_t tgid;
	int n;

	if (!strncmp(path, thread, sizeof thread - 1))
		k = sizeof thread - 1;
	else if (!strncmp(path, self, sizeof self - 1))
		k = sizeof self - 1;
	if (!k || (path[k] != '/' && path[k]))
		return 0;
	if ((tgid = ocap__super_tgid(c)) < 0)
		return tgid;
	strcpy(rest, path + k);
	if (k == sizeof thread - 1)
		n = snprintf(path, PATH_MAX, "/proc/%d/task/%d", (int)tgid,
			     (int)c->tid);
	else
		n = snprintf(path, PATH_MAX, "/proc/%d", (int)tgid);
	if (strlen(rest) >= PATH_MAX - (size_t)n)
		return -ENAMETOOLONG;
	strcpy(path + n, rest);
	return 0;
}

/* What (dirfd, path) names, opened O_PATH as the program would reach it;
 * -ENOENT when it may not be seen. */
static int target(const struct call *c, const struct hcall *h, char *path)
{
	char name[PATH_MAX], proc[32];
	int base = AT_FDCWD, fd, r;
	ssize_t n;

	if (!*path && (h->flags & AT_EMPTY_PATH))
		return ocap__super_getfd(c, h->dirfd);
	if ((r = own_proc(c, path)) < 0)
		return r;
	if (path[0] != '/' && (base = ocap__super_fd(c, h->dirfd)) < 0)
		return base == -EBADF ? -EBADF : -ENOENT;
	fd = openat(base, path, O_PATH | O_CLOEXEC | (h->follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		fd = -errno;
	if (base >= 0)
		close(base);
	if (fd < 0)
		return fd == -EACCES ? -ENOENT : fd;
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	n = readlink(proc, name, sizeof name - 1);
	if (n <= 0 || name[0] != '/') {
		close(fd);
		return -ENOENT; /* a pipe, a socket: nothing a path names */
	}
	name[n] = '\0';
	if (!visible(c, name)) {
		close(fd);
		ocap__suggest_path(c->b, c->tid, name, OCAP_RIGHT_READ,
				   "lookup");
		return -ENOENT;
	}
	return fd;
}

static int put(const struct call *c, uint64_t out, const void *v, size_t n)
{
	return ocap__super_write(c, out, v, n) < 0 ? -EFAULT : 0;
}

/* The call itself, on what was found: its value or -errno. */
static int64_t answer(const struct call *c, const struct hcall *h, int fd)
{
	char proc[32], *buf;
	struct statx sx;
	struct statfs sf;
	struct stat st;
	char xname[XATTR_NAME_MAX + 1];
	ssize_t n;

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	switch (h->what) {
	case H_STAT:
		if (fstatat(fd, "", &st, AT_EMPTY_PATH) < 0)
			return -errno;
		return put(c, h->out, &st, sizeof st);
	case H_STATX:
		if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH |
			    (h->flags & AT_STATX_SYNC_TYPE), h->mask, &sx) < 0)
			return -errno;
		return put(c, h->out, &sx, sizeof sx);
	case H_ACCESS:
		return syscall(SYS_faccessat2, fd, "", h->mode,
			       AT_EMPTY_PATH | (h->flags & AT_EACCESS)) < 0
			       ? -errno : 0;
	case H_STATFS:
		if (fstatfs(fd, &sf) < 0)
			return -errno;
		return put(c, h->out, &sf, sizeof sf);
	default:
		break;
	}
	if (h->size > XATTR_MAX_ || !(buf = malloc(h->size ? h->size : 1)))
		return h->size > XATTR_MAX_ ? -E2BIG : -ENOMEM;
	if (h->what == H_READLINK)
		n = readlinkat(fd, "", buf, h->size);
	else if (h->what == H_LISTXATTR)
		n = listxattr(proc, buf, h->size);
	else if (ocap__super_path(c, h->name, xname) < 0)
		n = -1, errno = EFAULT;
	else
		n = getxattr(proc, xname, buf, h->size);
	if (n < 0)
		n = -errno;
	else if (n > 0 && h->size && put(c, h->out, buf, (size_t)n) < 0)
		n = -EFAULT;
	free(buf);
	return n;
}

bool ocap__super_hidden_call(int nr)
{
	static const int nrs[] = { SYS_stat, SYS_lstat, SYS_newfstatat,
				   SYS_statx, SYS_access, SYS_faccessat,
				   SYS_faccessat2, SYS_readlink, SYS_readlinkat,
				   SYS_getxattr, SYS_lgetxattr, SYS_listxattr,
				   SYS_llistxattr, SYS_statfs };

	for (size_t i = 0; i < sizeof nrs / sizeof nrs[0]; i++)
		if (nrs[i] == nr)
			return true;
	return false;
}

int64_t ocap__super_hide(const struct call *c)
{
	char path[PATH_MAX];
	struct hcall h;
	int64_t r;
	int fd;

	if ((r = decode(c, &h)) < 0 ||
	    (r = ocap__super_path(c, h.path, path)) < 0)
		return r;
	if ((r = ocap__super_bare(c->b, true)) < 0)
		return r;
	fd = target(c, &h, path);
	if (fd >= 0 && !ocap__super_valid(c))
		r = -ESRCH;
	else
		r = fd < 0 ? fd : answer(c, &h, fd);
	if (fd >= 0)
		close(fd);
	if (ocap__super_bare(c->b, false) < 0 && r >= 0)
		r = -EPERM;
	return r;
}
