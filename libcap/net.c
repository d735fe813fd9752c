/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "internal.h"

int ocap_connect(int sock, const struct sockaddr *addr, socklen_t len)
{
	return -ENOSYS;
}

int ocap_bind(int sock, const struct sockaddr *addr, socklen_t len)
{
	return -ENOSYS;
}

int ocap_listen(int sock, int backlog)
{
	return -ENOSYS;
}

int ocap_resolve(const char *host, uint16_t port,
		 struct sockaddr_storage *addrs, size_t n)
{
	return -ENOSYS;
}
