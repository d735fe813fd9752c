/* SPDX-License-Identifier: MIT */
/*
 * connect(2).  Inside a sandbox the socket itself goes to the broker,
 * which checks addr against the grants and connects that very socket: a
 * non-blocking socket gets -1/EINPROGRESS as from the kernel.  A pathname
 * Unix socket is checked against the unix: grants, its path first made
 * absolute against the namespace's working directory (the broker has its
 * own) and normalised, as grants are.  An abstract or unnamed Unix
 * address, or another family, is the broker's to refuse.
 *
 * The brokered connect is not a cancellation point, and a signal does
 * not interrupt it (libocap retries on EINTR).
 */
#include "net.h" /* first: it sets the feature macros */

#include <errno.h>
#include <string.h>
#include <sys/un.h>

static int unix_abs(ocap_ns *ns, const struct sockaddr *in, socklen_t len,
		    struct sockaddr_un *out, socklen_t *outlen)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	char path[sizeof out->sun_path + 1], abs[OCAP_PATH_BUF];
	size_t n = strnlen((const char *)in + off, len - off);
	int r;

	memcpy(path, (const char *)in + off, n);
	path[n] = 0;
	if ((r = ocap__ns_abs(ns, path, abs)) < 0)
		return r;
	if ((size_t)r >= sizeof out->sun_path)
		return -ENAMETOOLONG;
	memset(out, 0, sizeof *out);
	out->sun_family = AF_UNIX;
	memcpy(out->sun_path, abs, (size_t)r + 1);
	*outlen = (socklen_t)(off + (size_t)r + 1);
	return 0;
}

static int broker_connect(ocap_ns *ns, int fd, const struct sockaddr *addr,
			  socklen_t len)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	struct sockaddr_un un;
	int r;

	if (addr && addr->sa_family == AF_UNIX && len > off &&
	    len <= sizeof un && ((const char *)addr)[off] != 0) {
		if ((r = unix_abs(ns, addr, len, &un, &len)) < 0)
			return r;
		addr = (const struct sockaddr *)&un;
	}
	return ocap_connect(fd, addr, len);
}

OV_API int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	ocap_ns *ns = ocap__ov_ns();

	if (!ns)
		return (int)ocap__ov_ret(ov_sys_cp(SYS_connect, fd, addr, len));
	return (int)ocap__ov_ret(broker_connect(ns, fd, addr, len));
}
