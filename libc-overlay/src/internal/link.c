/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "ov.h"

/* The rights a file carries to wherever a name of it goes. */
#define FILE_RIGHTS                                                        \
	(OCAP_RIGHT_READ | OCAP_RIGHT_WRITE | OCAP_RIGHT_TRUNCATE |         \
	 OCAP_RIGHT_EXEC)

/*
 * A new name for an existing file: create on the capability the name goes
 * in, and, as Landlock's REFER rule, no file right there that the file's
 * own capability lacks (a hard link must not make a read-only file
 * writable): EXDEV otherwise, as Landlock says.  With AT_SYMLINK_FOLLOW
 * the old path's last link is resolved through the namespace first.
 */
int ocap__ov_ns_linkat(ocap_ns *ns, int oldfd, const char *old, int newfd,
		       const char *new, int flag)
{
	char real[OV_PATH];
	struct ov_at o, n;
	int r;

	if (flag & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((flag & AT_EMPTY_PATH) && !*old) /* a descriptor: the kernel */
		return (int)ov_sys(SYS_linkat, oldfd, old, newfd, new, flag);
	if ((flag & AT_SYMLINK_FOLLOW) && ov_global(oldfd, old)) {
		if ((r = ocap__ov_ns_realpath(ns, old, true, real)) < 0)
			return r;
		old = real;
		flag &= ~AT_SYMLINK_FOLLOW;
	}
	if ((r = ocap__ov_at_resolve(ns, oldfd, old, &o)) < 0)
		return r;
	if ((r = ocap__ov_at_resolve(ns, newfd, new, &n)) < 0) {
		ocap__ov_at_close(&o);
		return r;
	}
	if (n.mount)
		r = -EEXIST;
	else if (o.mount)
		r = -EXDEV; /* a capability's own descriptor has no name */
	else if ((r = ocap__ov_at_need(&n, OCAP_RIGHT_CREATE)) == 0 && o.cap &&
		 n.cap && (ocap_cap_rights(n.cap) & FILE_RIGHTS &
			   ~ocap_cap_rights(o.cap)))
		r = -EXDEV;
	if (r == 0)
		r = (int)ov_sys(SYS_linkat, o.dirfd, o.base, n.dirfd, n.base,
				flag);
	ocap__ov_at_close(&n);
	ocap__ov_at_close(&o);
	return r;
}

/* A new name that is a symlink, mknod's node, or a directory: create. */
int ocap__ov_ns_make(ocap_ns *ns, int dirfd, const char *path, long nr, long a,
		     long b, const char *target)
{
	struct ov_at at;
	int r;

	if ((r = ocap__ov_at_resolve(ns, dirfd, path, &at)) < 0)
		return r;
	if (at.mount)
		r = -EEXIST;
	else if ((r = ocap__ov_at_need(&at, OCAP_RIGHT_CREATE)) == 0)
		r = nr == SYS_symlinkat
			    ? (int)ov_sys(nr, target, at.dirfd, at.base)
			    : (int)ov_sys(nr, at.dirfd, at.base, a, b);
	ocap__ov_at_close(&at);
	return r;
}
