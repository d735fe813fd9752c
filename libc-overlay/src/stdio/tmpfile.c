/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "ov.h"

#undef tmpfile64

#define MAXTRIES 100

/* As musl: a new name in /tmp, opened and removed at once.  Inside a
 * sandbox that needs /tmp granted with create and delete. */
OV_API FILE *tmpfile(void)
{
	ocap_ns *ns = ocap__ov_ns();
	char s[] = "/tmp/tmpfile_XXXXXX";
	int fd = -1;
	FILE *f;

	for (int try = 0; try < MAXTRIES; try++) {
		__randname(s + 13);
		fd = ns ? ocap_ns_open(ns, s, O_RDWR | O_CREAT | O_EXCL, 0600)
			: (int)ov_sys(SYS_open, s,
				      O_RDWR | O_CREAT | O_EXCL | O_LARGEFILE,
				      0600);
		if (fd >= 0)
			break;
	}
	if (fd < 0)
		return ocap__ov_retp(NULL, fd);
	if (ns)
		ocap_ns_unlink(ns, s, 0);
	else
		ov_sys(SYS_unlink, s);
	if (!(f = fdopen(fd, "w+")))
		ov_sys(SYS_close, fd);
	return f;
}

OV_API __attribute__((weak, alias("tmpfile"))) FILE *tmpfile64(void);
