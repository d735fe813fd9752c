/* SPDX-License-Identifier: MIT */
#ifndef OCAP_OPEN_RIGHTS_H
#define OCAP_OPEN_RIGHTS_H

/* The rights an open(2) with these flags needs, shared by libocap (before
 * it opens beneath a capability) and the broker (before it reopens a file
 * granted alone).  Inline: the two live in different libraries, and a
 * hidden symbol in both would clash in a static link. */
#include <errno.h>
#include <fcntl.h>

#include "ocap/ocap.h"

/* The access mode as the kernel reads it, the two low bits: musl's
 * O_ACCMODE holds O_PATH too (as O_SEARCH), so that access mode 3 masked
 * with it is never O_ACCMODE. */
#define OCAP_ACCMODE 3

/* *flags may gain O_DIRECTORY (list without read) or lose O_CREAT (no
 * create right: an existing file may be opened, none made); -EACCES for
 * O_CREAT|O_EXCL without create, -EINVAL for access mode 3 (with O_PATH
 * too): it opens for ioctl alone, which Landlock checks no more than
 * O_PATH, so seccomp refuses it to the program's own open and no right
 * makes it valid. */
static inline int ocap_open_rights(ocap_rights_t have, int *flags, ocap_rights_t *need)
{
	int f = *flags, acc = f & OCAP_ACCMODE;
	ocap_rights_t n = 0;

	if (acc == OCAP_ACCMODE)
		return -EINVAL;
	if (f & O_PATH) {
		*need = 0;
		return 0;
	}
	if ((f & O_TMPFILE) == O_TMPFILE)
		n |= OCAP_RIGHT_CREATE | OCAP_RIGHT_WRITE;
	else if (acc == O_RDONLY && (f & O_DIRECTORY))
		n |= OCAP_RIGHT_LIST;
	else if (acc == O_RDONLY && !(have & OCAP_RIGHT_READ) &&
		 (have & OCAP_RIGHT_LIST))
		f |= O_DIRECTORY, n |= OCAP_RIGHT_LIST;
	else if (acc == O_RDONLY)
		n |= OCAP_RIGHT_READ;
	if (acc == O_WRONLY || acc == O_RDWR)
		n |= OCAP_RIGHT_WRITE;
	if (acc == O_RDWR)
		n |= OCAP_RIGHT_READ;
	if (f & O_TRUNC)
		n |= OCAP_RIGHT_TRUNCATE | OCAP_RIGHT_WRITE;
	if ((f & O_CREAT) && !(have & OCAP_RIGHT_CREATE)) {
		if (f & O_EXCL)
			return -EACCES;
		f &= ~O_CREAT; /* may open an existing file, never make one */
	}
	*flags = f;
	*need = n;
	return 0;
}

#endif
