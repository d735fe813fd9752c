/* SPDX-License-Identifier: MIT */
/*
 * getaddrinfo(3), musl 1.2.3's own (src/network/getaddrinfo.c, MIT) but
 * for two steps inside a sandbox: names go to the broker (lookup_name.c),
 * and AI_ADDRCONFIG counts a family as configured when a TCP socket of it
 * can be made (musl connects a UDP socket to the loopback address, which
 * native mode refuses).  Services are musl's: numeric ports, or names
 * from /etc/services, which in a sandbox is read through the capability
 * table; without a grant for it only numeric ports resolve (EAI_SERVICE).
 */
#include "net.h" /* first: it sets the feature macros */

#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* musl's check.  0 when family tf is usable, 1 when not, else EAI_*. */
static int probe_musl(int tf, const void *ta, socklen_t tl)
{
	int s = socket(tf, SOCK_CLOEXEC | SOCK_DGRAM, IPPROTO_UDP);

	if (s >= 0) {
		int cs, r;
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cs);
		r = connect(s, ta, tl);
		pthread_setcancelstate(cs, 0);
		close(s);
		if (!r)
			return 0;
	}
	switch (errno) {
	case EADDRNOTAVAIL:
	case EAFNOSUPPORT:
	case EHOSTUNREACH:
	case ENETDOWN:
	case ENETUNREACH:
		return 1;
	}
	return EAI_SYSTEM;
}

static int probe_sandbox(int tf)
{
	int s = socket(tf, SOCK_CLOEXEC | SOCK_STREAM, 0);

	if (s >= 0) {
		close(s);
		return 0;
	}
	return errno == EAFNOSUPPORT ? 1 : EAI_SYSTEM;
}

static int addrconfig(int *family)
{
	static const struct sockaddr_in lo4 = {
		.sin_family = AF_INET, .sin_port = 65535,
		.sin_addr.s_addr = __BYTE_ORDER == __BIG_ENDIAN
			? 0x7f000001 : 0x0100007f
	};
	static const struct sockaddr_in6 lo6 = {
		.sin6_family = AF_INET6, .sin6_port = 65535,
		.sin6_addr = IN6ADDR_LOOPBACK_INIT
	};
	const int tf[2] = { AF_INET, AF_INET6 };
	const void *ta[2] = { &lo4, &lo6 };
	const socklen_t tl[2] = { sizeof lo4, sizeof lo6 };
	bool inside = ov_ns() != NULL;

	for (int i = 0; i < 2; i++) {
		int r;
		if (*family == tf[1 - i])
			continue;
		r = inside ? probe_sandbox(tf[i])
			   : probe_musl(tf[i], ta[i], tl[i]);
		if (r == 0)
			continue;
		if (r != 1)
			return r;
		if (*family == tf[i])
			return EAI_NONAME;
		*family = tf[1 - i];
	}
	return 0;
}

OV_API int getaddrinfo(const char *restrict host,
		       const char *restrict serv,
		       const struct addrinfo *restrict hint,
		       struct addrinfo **restrict res)
{
	struct service ports[MAXSERVS];
	struct address addrs[MAXADDRS];
	char canon[256], *outcanon;
	int nservs, naddrs, nais, canon_len, i, j, k, err;
	int family = AF_UNSPEC, flags = 0, proto = 0, socktype = 0;
	struct aibuf *out;

	if (!host && !serv)
		return EAI_NONAME;

	if (hint) {
		const int mask = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST |
				 AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG |
				 AI_NUMERICSERV;

		family = hint->ai_family;
		flags = hint->ai_flags;
		proto = hint->ai_protocol;
		socktype = hint->ai_socktype;
		if ((flags & mask) != flags)
			return EAI_BADFLAGS;
		switch (family) {
		case AF_INET:
		case AF_INET6:
		case AF_UNSPEC:
			break;
		default:
			return EAI_FAMILY;
		}
	}

	if ((flags & AI_ADDRCONFIG) && (i = addrconfig(&family)) != 0)
		return i;

	nservs = __lookup_serv(ports, serv, proto, socktype, flags);
	if (nservs < 0)
		return nservs;

	naddrs = ov_lookup_name(addrs, canon, host, family, flags, &err);
	if (naddrs < 0) {
		if (naddrs == EAI_SYSTEM)
			errno = err;
		return naddrs;
	}

	nais = nservs * naddrs;
	canon_len = (int)strlen(canon);
	out = calloc(1, nais * sizeof(*out) + canon_len + 1);
	if (!out)
		return EAI_MEMORY;

	if (canon_len) {
		outcanon = (void *)&out[nais];
		memcpy(outcanon, canon, canon_len + 1);
	} else {
		outcanon = 0;
	}

	for (k = i = 0; i < naddrs; i++) {
		for (j = 0; j < nservs; j++, k++) {
			out[k].slot = (short)k;
			out[k].ai = (struct addrinfo){
				.ai_family = addrs[i].family,
				.ai_socktype = ports[j].socktype,
				.ai_protocol = ports[j].proto,
				.ai_addrlen = addrs[i].family == AF_INET
					? sizeof(struct sockaddr_in)
					: sizeof(struct sockaddr_in6),
				.ai_addr = (void *)&out[k].sa,
				.ai_canonname = outcanon };
			if (k)
				out[k - 1].ai.ai_next = &out[k].ai;
			switch (addrs[i].family) {
			case AF_INET:
				out[k].sa.sin.sin_family = AF_INET;
				out[k].sa.sin.sin_port = htons(ports[j].port);
				memcpy(&out[k].sa.sin.sin_addr,
				       &addrs[i].addr, 4);
				break;
			case AF_INET6:
				out[k].sa.sin6.sin6_family = AF_INET6;
				out[k].sa.sin6.sin6_port =
					htons(ports[j].port);
				out[k].sa.sin6.sin6_scope_id =
					addrs[i].scopeid;
				memcpy(&out[k].sa.sin6.sin6_addr,
				       &addrs[i].addr, 16);
				break;
			}
		}
	}
	out[0].ref = (short)nais;
	*res = &out->ai;
	return 0;
}
