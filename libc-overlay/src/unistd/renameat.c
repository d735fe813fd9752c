/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>

#include "ov.h"

/* One side global, the other relative to a real descriptor: the global
 * side is checked as rename(2) would be (delete where a name goes away,
 * create where it appears), the other is left to the kernel. */
static int mixed(ocap_ns *ns, int oldfd, const char *old, int newfd,
		 const char *new)
{
	struct ov_at o, n;
	int r;

	if ((r = ocap__ov_at_resolve(ns, oldfd, old, &o)) < 0)
		return r;
	if ((r = ocap__ov_at_resolve(ns, newfd, new, &n)) < 0) {
		ocap__ov_at_close(&o);
		return r;
	}
	if (o.mount || n.mount)
		r = -EBUSY;
	else if ((r = ocap__ov_at_need(&o, OCAP_RIGHT_DELETE)) == 0 &&
		 (r = ocap__ov_at_need(&n, OCAP_RIGHT_CREATE)) == 0)
		r = (int)ov_sys(SYS_renameat, o.dirfd, o.base, n.dirfd, n.base);
	ocap__ov_at_close(&n);
	ocap__ov_at_close(&o);
	return r;
}

OV_API int renameat(int oldfd, const char *old, int newfd, const char *new)
{
	ocap_ns *ns = ocap__ov_ns();

	if (!ns || !old || !new || (!ov_global(oldfd, old) &&
				    !ov_global(newfd, new)))
		return (int)ocap__ov_ret(ov_sys(SYS_renameat, oldfd, old, newfd,
						new));
	if (ov_global(oldfd, old) && ov_global(newfd, new))
		return (int)ocap__ov_ret(ocap_ns_rename(ns, old, new));
	return (int)ocap__ov_ret(mixed(ns, oldfd, old, newfd, new));
}
