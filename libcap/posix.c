/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/*
 * The POSIX calls libocap has no public operation for, as the musl
 * overlay needs them: the path resolved through the namespace (or beneath
 * a real dirfd), the rights the call needs checked on the capability it
 * lands in, then the system call on what was resolved.
 */

/* The rights a file carries to wherever a name of it goes. */
#define FILE_RIGHTS                                                        \
	(OCAP_RIGHT_READ | OCAP_RIGHT_WRITE | OCAP_RIGHT_TRUNCATE |         \
	 OCAP_RIGHT_EXEC)

/* The rights amode asks of a capability: read (list for a directory),
 * write (create for a directory), exec for a file; searching a directory
 * needs none, as Landlock lets a walk through any granted tree. */
static ocap_rights_t access_rights(int amode, bool dir)
{
	ocap_rights_t need = 0;

	if (amode & R_OK)
		need |= dir ? OCAP_RIGHT_LIST : OCAP_RIGHT_READ;
	if (amode & W_OK)
		need |= dir ? OCAP_RIGHT_CREATE : OCAP_RIGHT_WRITE;
	if ((amode & X_OK) && !dir)
		need |= OCAP_RIGHT_EXEC;
	return need;
}

int ocap__ns_access(ocap_ns *ns, int dirfd, const char *path, int amode,
		    int flag)
{
	const ocap_cap *cap;
	struct stat st;
	int fd, r;

	if (flag & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (amode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (!*path && (flag & AT_EMPTY_PATH))
		path = ".";
	fd = ocap__ns_reach(ns, dirfd, path, O_PATH | O_CLOEXEC,
			    !(flag & AT_SYMLINK_NOFOLLOW), &cap);
	if (fd == -ENOENT && ocap__global(dirfd, path) &&
	    ocap__ns_virtual(ns, path))
		return (amode & (R_OK | W_OK)) ? -EACCES : 0;
	if (fd < 0)
		return fd;
	r = ocap__sys_fstat(fd, &st);
	if (r == 0 && cap) {
		ocap_rights_t need = access_rights(amode, S_ISDIR(st.st_mode));
		if ((cap->rights & need) != need)
			r = -EACCES;
	}
	if (r == 0)
		r = ocap__sys_faccessat2(fd, "", amode,
					 AT_EMPTY_PATH | (flag & AT_EACCESS));
	if (r == -ENOSYS) /* before Linux 5.8: the rights are all we know */
		r = 0;
	close(fd);
	return r;
}

/*
 * A new name for an existing file: create on the capability the name goes
 * in, and, as Landlock's REFER rule, no file right there that the file's
 * own capability lacks (a hard link must not make a read-only file
 * writable): EXDEV otherwise, as Landlock says.  With AT_SYMLINK_FOLLOW
 * the old path's last link is resolved through the namespace first.
 */
int ocap__ns_linkat(ocap_ns *ns, int oldfd, const char *old, int newfd,
		    const char *new, int flag)
{
	char real[OCAP_PATH_BUF];
	struct ocap__at o, n;
	int r;

	if (flag & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((flag & AT_EMPTY_PATH) && !*old) /* a descriptor: the kernel */
		return ocap__sys_linkat(oldfd, old, newfd, new, flag);
	if ((flag & AT_SYMLINK_FOLLOW) && ocap__global(oldfd, old)) {
		if ((r = ocap__ns_realpath(ns, old, real)) < 0)
			return r;
		old = real;
		flag &= ~AT_SYMLINK_FOLLOW;
	}
	if ((r = ocap__ns_at(ns, oldfd, old, &o)) < 0)
		return r;
	if ((r = ocap__ns_at(ns, newfd, new, &n)) < 0) {
		ocap__at_close(&o);
		return r;
	}
	if (n.mount)
		r = -EEXIST;
	else if (o.mount)
		r = -EXDEV; /* a capability's own descriptor has no name */
	else if ((r = ocap__at_need(&n, OCAP_RIGHT_CREATE)) == 0 && o.cap &&
		 n.cap && (n.cap->rights & FILE_RIGHTS & ~o.cap->rights))
		r = -EXDEV;
	if (r == 0)
		r = ocap__sys_linkat(o.dirfd, o.base, n.dirfd, n.base, flag);
	ocap__at_close(&n);
	ocap__at_close(&o);
	return r;
}

/* rename(2) with one side global and the other relative to a real
 * descriptor (ocap_ns_rename when both are global): delete where a name
 * goes away, create where it appears; the real side is the kernel's. */
int ocap__ns_renameat(ocap_ns *ns, int oldfd, const char *old, int newfd,
		      const char *new)
{
	struct ocap__at o, n;
	int r;

	if (ocap__global(oldfd, old) && ocap__global(newfd, new))
		return ocap_ns_rename(ns, old, new);
	if ((r = ocap__ns_at(ns, oldfd, old, &o)) < 0)
		return r;
	if ((r = ocap__ns_at(ns, newfd, new, &n)) < 0) {
		ocap__at_close(&o);
		return r;
	}
	if (o.mount || n.mount)
		r = -EBUSY;
	else if ((r = ocap__at_need(&o, OCAP_RIGHT_DELETE)) == 0 &&
		 (r = ocap__at_need(&n, OCAP_RIGHT_CREATE)) == 0)
		r = ocap__sys_renameat(o.dirfd, o.base, n.dirfd, n.base);
	ocap__at_close(&n);
	ocap__at_close(&o);
	return r;
}

/* A new name that is a symlink or mknod's node: create. */
static int make(ocap_ns *ns, int dirfd, const char *path, const char *target,
		mode_t mode, dev_t dev)
{
	struct ocap__at at;
	int r;

	if ((r = ocap__ns_at(ns, dirfd, path, &at)) < 0)
		return r;
	if (at.mount)
		r = -EEXIST;
	else if ((r = ocap__at_need(&at, OCAP_RIGHT_CREATE)) == 0)
		r = target ? ocap__sys_symlinkat(target, at.dirfd, at.base)
			   : ocap__sys_mknodat(at.dirfd, at.base, mode, dev);
	ocap__at_close(&at);
	return r;
}

int ocap__ns_symlinkat(ocap_ns *ns, const char *target, int dirfd,
		       const char *path)
{
	return make(ns, dirfd, path, target, 0, 0);
}

int ocap__ns_mknodat(ocap_ns *ns, int dirfd, const char *path, mode_t mode,
		     dev_t dev)
{
	return make(ns, dirfd, path, NULL, mode, dev);
}

/* Landlock checks no metadata change and the kernel lets a file's owner
 * make any, whatever the capability's rights: the seccomp program refuses
 * them by design.  The path is still resolved, so that what is outside
 * the namespace stays ENOENT. */
int ocap__ns_meta(ocap_ns *ns, int dirfd, const char *path, bool follow,
		  const struct ocap_meta *m)
{
	int fd = ocap__ns_reach(ns, dirfd, path, O_PATH | O_CLOEXEC, follow,
				NULL), r;

	if (fd < 0)
		return fd;
	switch (m->what) {
	case OCAP_META_MODE: /* the supervisor takes an O_PATH one too */
		r = ocap__sys_fchmod(fd, m->mode);
		break;
	case OCAP_META_OWNER:
		r = ocap__sys_fchownat(fd, "", m->uid, m->gid, AT_EMPTY_PATH);
		break;
	default:
		r = ocap__sys_utimensat(fd, "", m->times, AT_EMPTY_PATH);
	}
	close(fd);
	return r;
}

/* Opened for writing beneath its capability, which must hold write and
 * truncate, and cut there (ftruncate is allowed). */
int ocap__ns_truncate(ocap_ns *ns, const char *path, off_t len)
{
	const ocap_rights_t need = OCAP_RIGHT_WRITE | OCAP_RIGHT_TRUNCATE;
	const ocap_cap *cap;
	int fd = ocap__ns_reach(ns, AT_FDCWD, path,
				O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
				true, &cap);
	int r;

	if (fd < 0)
		return fd;
	r = cap && (cap->rights & need) != need ? -EACCES
						: ocap__sys_ftruncate(fd, len);
	close(fd);
	return r;
}

/* The current time on (dirfd, path), as touch(1) sets it: the file opened
 * beneath its capability, which must hold write, and its time set there
 * (the seccomp program allows that on a descriptor). */
int ocap__ns_touch(ocap_ns *ns, int dirfd, const char *path, bool follow)
{
	const ocap_cap *cap;
	int f, r;

	f = ocap__ns_reach(ns, dirfd, path,
			   O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, follow,
			   &cap);
	if (f == -EACCES) /* write without read */
		f = ocap__ns_reach(ns, dirfd, path,
				   O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
				   follow, &cap);
	if (f == -ELOOP && !follow)
		return -EPERM; /* a link's own time: not through a descriptor */
	if (f < 0)
		return f;
	r = cap && !(cap->rights & OCAP_RIGHT_WRITE)
		    ? -EACCES
		    : ocap__sys_utimensat(f, NULL, NULL, 0);
	close(f);
	return r;
}

/* A regular file to run: O_PATH beneath a capability with exec. */
int ocap__ns_exec_open(ocap_ns *ns, const char *path)
{
	const ocap_cap *cap;
	struct stat st;
	int fd = ocap__ns_reach(ns, AT_FDCWD, path, O_PATH | O_CLOEXEC, true,
				&cap);
	int r;

	if (fd < 0)
		return fd;
	r = ocap__sys_fstat(fd, &st);
	if (r == 0 && !S_ISREG(st.st_mode))
		r = -EACCES;
	if (r == 0 && cap && !(cap->rights & OCAP_RIGHT_EXEC))
		r = -EACCES;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}
