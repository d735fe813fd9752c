/* SPDX-License-Identifier: MIT */
/*
 * Metadata changes for supervised programs: chmod, chown and the utime
 * calls, which Landlock never checks.  Each is performed by the broker,
 * bare of its capabilities, on what the program names inside a grant
 * that holds write, or on a regular file it holds open for writing:
 *
 * - the object is resolved beneath the grant's descriptor (supervise.c),
 *   so a symbolic link or a rename cannot take the change outside;
 * - devices are never changed (the runtime set grants /dev/null
 *   writable, and a root program owns it);
 * - no set-user-ID or set-group-ID bit is set that the file does not
 *   have already;
 * - extended attributes are user.* and POSIX ACLs only: never
 *   security.* (file capabilities, LSM labels) nor trusted.*;
 * - elsewhere the call fails with EACCES, as Landlock fails an open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/limits.h>
#include <sys/xattr.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#include "supervise.h"

enum op { OP_CHMOD, OP_CHOWN, OP_TIMES, OP_SETXATTR, OP_RMXATTR };

/* One call, its arguments gathered: a path (or NULL: the descriptor
 * fd), whether a last symbolic link is followed, and what to set. */
struct meta {
	enum op op;
	const char *name; /* for the log */
	int fd;
	uint64_t path; /* its address in the task; 0: the descriptor */
	bool follow;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec ts[2];
	bool now; /* times NULL: both to the current time */
	char xname[XATTR_NAME_MAX + 1];
	void *xvalue; /* read into the broker's memory, owned */
	size_t xsize;
	int xflags;
};

static int do_chmod(int t, mode_t mode)
{
	struct stat st;
	char proc[32];

	if (fstat(t, &st) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -EOPNOTSUPP; /* as fchmodat2(AT_SYMLINK_NOFOLLOW) */
	if (mode & (S_ISUID | S_ISGID) & ~st.st_mode)
		return -EPERM;
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", t);
	return chmod(proc, mode) < 0 ? -errno : 0;
}

static int do_xattr(const struct meta *m, int t)
{
	char proc[32];
	int r;

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", t);
	r = m->op == OP_SETXATTR
		    ? setxattr(proc, m->xname, m->xvalue, m->xsize, m->xflags)
		    : removexattr(proc, m->xname);
	return r < 0 ? -errno : 0;
}

static int perform(const struct meta *m, int t)
{
	struct stat st;

	if (fstat(t, &st) < 0)
		return -errno;
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return -EACCES;
	switch (m->op) {
	case OP_CHMOD:
		return do_chmod(t, m->mode);
	case OP_CHOWN:
		return fchownat(t, "", m->uid, m->gid, AT_EMPTY_PATH) < 0
			       ? -errno : 0;
	case OP_TIMES:
		return syscall(SYS_utimensat, t, "", m->now ? NULL : m->ts,
			       AT_EMPTY_PATH) < 0 ? -errno : 0;
	case OP_SETXATTR:
	case OP_RMXATTR:
		return do_xattr(m, t);
	}
	return -ENOSYS;
}

static int64_t serve(const struct call *c, const struct meta *m)
{
	struct target t = { .fd = -1 };
	char path[PATH_MAX];
	int r;

	if (m->path && (r = ocap__super_path(c, m->path, path)) < 0)
		return r;
	if ((r = ocap__super_bare(c->b, true)) < 0)
		return r;
	r = m->path ? ocap__super_resolve(c, m->fd, path, m->follow,
					  OCAP_RIGHT_WRITE, &t)
		    : ocap__super_resolve_fd(c, m->fd, OCAP_RIGHT_WRITE, &t);
	if (r == 0 && !ocap__super_valid(c))
		r = -ESRCH; /* nobody to answer */
	if (r == 0)
		r = perform(m, t.fd);
	if (t.fd >= 0)
		close(t.fd);
	if (ocap__super_bare(c->b, false) < 0 && r == 0)
		r = -EPERM; /* cannot happen: the set was ours a moment ago */
	if (r == -EACCES && t.path[0] == '/' &&
	    strlen(t.path) + 7 < sizeof t.path) {
		char arg[PATH_MAX + 8];

		snprintf(arg, sizeof arg, "%s=write", t.path);
		(void)ocap__suggest_note(c->b, "--grant", arg, m->name, c->tid);
	}
	if (r == -EACCES && t.path[0] == '/')
		ocap__broker_log(c->b, "ocapsh: denied %s of %s: not in a "
				       "write grant (--grant %s=write grants "
				       "it)\n", m->name, t.path, t.path);
	else if (r == -EACCES)
		ocap__broker_log(c->b, "ocapsh: denied %s of %s: not in a "
				       "write grant\n", m->name,
				 m->path ? path : "a descriptor");
	return r;
}

/* times[2] of utimensat, or of utimes and futimesat (timevals). */
static int read_times(const struct call *c, uint64_t addr, bool timeval,
		      struct meta *m)
{
	struct timeval tv[2];
	int r;

	if (!addr) {
		m->now = true;
		return 0;
	}
	if (!timeval)
		return ocap__super_read(c, addr, m->ts, sizeof m->ts);
	if ((r = ocap__super_read(c, addr, tv, sizeof tv)) < 0)
		return r;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		m->ts[i].tv_sec = tv[i].tv_sec;
		m->ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return 0;
}

static int read_utimbuf(const struct call *c, uint64_t addr, struct meta *m)
{
	struct utimbuf u;
	int r;

	if (!addr) {
		m->now = true;
		return 0;
	}
	if ((r = ocap__super_read(c, addr, &u, sizeof u)) < 0)
		return r;
	m->ts[0] = (struct timespec){ u.actime, 0 };
	m->ts[1] = (struct timespec){ u.modtime, 0 };
	return 0;
}

/* The attribute's name, which decides; its value, read once. */
static int read_xattr(const struct call *c, uint64_t name, uint64_t value,
		      uint64_t size, struct meta *m)
{
	char buf[PATH_MAX];
	int r;

	if ((r = ocap__super_path(c, name, buf)) < 0)
		return r == -ENAMETOOLONG ? -ERANGE : r;
	if (!*buf || strlen(buf) > XATTR_NAME_MAX)
		return -ERANGE;
	strcpy(m->xname, buf);
	if (!strncmp(buf, "security.", 9) || !strncmp(buf, "trusted.", 8))
		return -EPERM;
	if (strncmp(buf, "user.", 5) && strcmp(buf, "system.posix_acl_access") &&
	    strcmp(buf, "system.posix_acl_default"))
		return -EOPNOTSUPP;
	if (m->op != OP_SETXATTR)
		return 0;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	m->xsize = (size_t)size;
	if (!size)
		return 0;
	if (!(m->xvalue = malloc(m->xsize)))
		return -ENOMEM;
	return ocap__super_read(c, value, m->xvalue, m->xsize);
}

#define ARG_INT(i) ((int)(uint32_t)c->args[i])

/* A path argument: "" with AT_EMPTY_PATH (or NULL, for the utime calls)
 * means the descriptor itself. */
static bool on_fd(const struct call *c, int i, int flags, char *first)
{
	if (!c->args[i])
		return true;
	if (!(flags & AT_EMPTY_PATH))
		return false;
	return ocap__super_read(c, c->args[i], first, 1) == 0 && !*first;
}

int64_t ocap__super_meta(const struct call *c)
{
	struct meta m = { .fd = AT_FDCWD, .follow = true };
	int flags = 0, r = 0;
	char first;

	switch (c->nr) {
	case SYS_chmod:
	case SYS_fchmodat:
	case SYS_fchmod:
		m.op = OP_CHMOD;
		m.name = "chmod";
		break;
	case SYS_chown:
	case SYS_lchown:
	case SYS_fchown:
	case SYS_fchownat:
		m.op = OP_CHOWN;
		m.name = "chown";
		break;
	case SYS_setxattr:
	case SYS_lsetxattr:
	case SYS_fsetxattr:
		m.op = OP_SETXATTR;
		m.name = "setxattr";
		break;
	case SYS_removexattr:
	case SYS_lremovexattr:
	case SYS_fremovexattr:
		m.op = OP_RMXATTR;
		m.name = "removexattr";
		break;
	default:
		m.op = OP_TIMES;
		m.name = "utime";
	}
	switch (c->nr) {
	case SYS_chmod:
		m.path = c->args[0];
		m.mode = (mode_t)c->args[1];
		break;
	case SYS_fchmodat:
		m.fd = ARG_INT(0);
		m.path = c->args[1];
		m.mode = (mode_t)c->args[2];
		break;
	case SYS_fchmod:
		m.fd = ARG_INT(0);
		m.mode = (mode_t)c->args[1];
		break;
	case SYS_lchown:
		m.follow = false;
		/* fall through */
	case SYS_chown:
		m.path = c->args[0];
		m.uid = (uid_t)c->args[1];
		m.gid = (gid_t)c->args[2];
		break;
	case SYS_fchown:
		m.fd = ARG_INT(0);
		m.uid = (uid_t)c->args[1];
		m.gid = (gid_t)c->args[2];
		break;
	case SYS_fchownat:
		flags = ARG_INT(4);
		if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
			return -EINVAL;
		if (!c->args[1])
			return -EFAULT;
		m.fd = ARG_INT(0);
		m.path = on_fd(c, 1, flags, &first) ? 0 : c->args[1];
		m.follow = !(flags & AT_SYMLINK_NOFOLLOW);
		m.uid = (uid_t)c->args[2];
		m.gid = (gid_t)c->args[3];
		break;
	case SYS_utimensat:
		flags = ARG_INT(3);
		if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
			return -EINVAL;
		m.fd = ARG_INT(0);
		m.path = on_fd(c, 1, flags, &first) ? 0 : c->args[1];
		m.follow = !(flags & AT_SYMLINK_NOFOLLOW);
		r = read_times(c, c->args[2], false, &m);
		break;
	case SYS_utimes:
		m.path = c->args[0];
		r = read_times(c, c->args[1], true, &m);
		break;
	case SYS_futimesat:
		m.fd = ARG_INT(0);
		m.path = c->args[1];
		r = read_times(c, c->args[2], true, &m);
		break;
	case SYS_utime:
		m.path = c->args[0];
		r = read_utimbuf(c, c->args[1], &m);
		break;
	case SYS_lsetxattr:
	case SYS_lremovexattr:
		m.follow = false;
		/* fall through */
	case SYS_setxattr:
	case SYS_removexattr:
		m.path = c->args[0];
		r = read_xattr(c, c->args[1], c->args[2], c->args[3], &m);
		m.xflags = ARG_INT(4);
		break;
	case SYS_fsetxattr:
	case SYS_fremovexattr:
		m.fd = ARG_INT(0);
		r = read_xattr(c, c->args[1], c->args[2], c->args[3], &m);
		m.xflags = ARG_INT(4);
		break;
	default:
		return -ENOSYS;
	}
	/* Only the calls on a descriptor reach a file through NULL. */
	if (r == 0 && m.path == 0 &&
	    (c->nr == SYS_chmod || c->nr == SYS_fchmodat ||
	     c->nr == SYS_chown || c->nr == SYS_lchown || c->nr == SYS_utimes ||
	     c->nr == SYS_utime || c->nr == SYS_setxattr ||
	     c->nr == SYS_lsetxattr || c->nr == SYS_removexattr ||
	     c->nr == SYS_lremovexattr))
		r = -EFAULT;
	if (r == 0)
		r = (int)serve(c, &m);
	free(m.xvalue);
	return r;
}
