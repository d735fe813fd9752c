/* SPDX-License-Identifier: MIT */
/*
 * bind(2).  Inside a sandbox the socket goes to the broker, which binds
 * it only to a --listen address.  The broker binds TCP sockets only: a
 * Unix socket's bind (a new name in the filesystem) and a UDP socket's
 * are refused with EACCES.
 */
#include "net.h" /* first: it sets the feature macros */

OV_API int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (!ocap__ov_ns())
		return (int)ocap__ov_ret(ov_sys(SYS_bind, fd, addr, len));
	return (int)ocap__ov_ret(ocap_bind(fd, addr, len));
}
