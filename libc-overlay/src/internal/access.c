/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <unistd.h>

#include "ov.h"

/* The rights amode asks of a capability: read (list for a directory),
 * write (create for a directory), exec for a file; searching a directory
 * needs none, as Landlock lets a walk through any granted tree. */
static ocap_rights_t rights_for(int amode, bool dir)
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

int ocap__ov_ns_faccessat(ocap_ns *ns, int dirfd, const char *path, int amode,
			  int flag)
{
	const ocap_cap *cap;
	struct stat st;
	char abs[OV_PATH];
	int fd, r;

	if (flag & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (amode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (!*path && (flag & AT_EMPTY_PATH))
		path = ".";
	fd = ocap__ov_at_open(ns, dirfd, path, O_PATH | O_CLOEXEC,
			      !(flag & AT_SYMLINK_NOFOLLOW), &cap);
	if (fd == -ENOENT && ov_global(dirfd, path) &&
	    ocap__ov_abs(ns, path, abs) >= 0 && ocap__ov_virtual_dir(ns, abs))
		return (amode & (R_OK | W_OK)) ? -EACCES : 0;
	if (fd < 0)
		return fd;
	r = ocap__ov_sys_fstatat(fd, "", &st, AT_EMPTY_PATH);
	if (r == 0 && cap &&
	    (ocap_cap_rights(cap) & rights_for(amode, S_ISDIR(st.st_mode))) !=
		    rights_for(amode, S_ISDIR(st.st_mode)))
		r = -EACCES;
	if (r == 0)
		r = (int)ov_sys(SYS_faccessat2, fd, "", amode,
				AT_EMPTY_PATH | (flag & AT_EACCESS));
	if (r == -ENOSYS) /* before Linux 5.8: the rights are all we know */
		r = 0;
	ov_sys(SYS_close, fd);
	return r;
}
