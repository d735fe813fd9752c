/* SPDX-License-Identifier: MIT */
/*
 * listen(2).  Inside a sandbox the broker listens on the socket only when
 * it is bound to a --listen address: on an unbound socket listen() would
 * pick a port of its own, so that is EACCES.
 */
#include "net.h" /* first: it sets the feature macros */

OV_API int listen(int fd, int backlog)
{
	if (!ocap__ov_ns())
		return (int)ocap__ov_ret(ov_sys(SYS_listen, fd, backlog));
	return (int)ocap__ov_ret(ocap_listen(fd, backlog));
}
