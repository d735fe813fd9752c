/* SPDX-License-Identifier: MIT */
/*
 * getaddrinfo(3).  Hosts are looked up by
 * ocap__ov_lookup_name() (the broker inside a sandbox), services by
 * musl's __lookup_serv: numeric ports, or names from /etc/services,
 * which in a sandbox is read through the capability table; without a
 * grant for it only numeric ports resolve (EAI_SERVICE).  The list is
 * every address with every service, addresses outermost.
 *
 * Each entry is one allocation (see freeaddrinfo.c).
 */
#include "net.h" /* first: it sets the feature macros */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define AI_KNOWN                                                           \
	(AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | \
	 AI_ADDRCONFIG | AI_NUMERICSERV)

struct entry {
	struct addrinfo ai; /* first: freeaddrinfo() frees it */
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa;
	char canon[];
};

/* For AI_ADDRCONFIG: 1 when the system has family configured, 0 when
 * not, else -errno.  Outside a sandbox a UDP socket of the family must
 * have a route to the family's loopback address (connecting one sends
 * nothing); inside, where that connect is the broker's to refuse, a
 * socket of the family must be possible at all. */
static int configured(int family, bool inside)
{
	struct sockaddr_in lo4 = { .sin_family = AF_INET,
				   .sin_port = htons(9),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 lo6 = { .sin6_family = AF_INET6,
				    .sin6_port = htons(9),
				    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	long s, r = 0;

	s = ov_sys(SYS_socket, family,
		   (inside ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	if (s < 0)
		return s == -EAFNOSUPPORT ? 0 : (int)s;
	if (!inside && family == AF_INET)
		r = ov_sys(SYS_connect, s, &lo4, sizeof lo4);
	else if (!inside)
		r = ov_sys(SYS_connect, s, &lo6, sizeof lo6);
	ov_sys(SYS_close, s);
	switch (r) {
	case 0:
		return 1;
	case -EADDRNOTAVAIL:
	case -EAFNOSUPPORT:
	case -EHOSTUNREACH:
	case -ENETDOWN:
	case -ENETUNREACH:
		return 0;
	}
	return (int)r;
}

/* Narrow *family to the configured families: 0, or an EAI_* code (with
 * *err for EAI_SYSTEM). */
static int addrconfig(int *family, int *err)
{
	bool inside = ocap__ov_ns() != NULL;
	bool v4 = *family != AF_INET6, v6 = *family != AF_INET;
	int r;

	if (v4 && (r = configured(AF_INET, inside)) <= 0) {
		if (r < 0)
			goto fail;
		v4 = false;
	}
	if (v6 && (r = configured(AF_INET6, inside)) <= 0) {
		if (r < 0)
			goto fail;
		v6 = false;
	}
	if (!v4 && !v6)
		return EAI_NONAME;
	*family = v4 && v6 ? AF_UNSPEC : v4 ? AF_INET : AF_INET6;
	return 0;
fail:
	*err = -r;
	return EAI_SYSTEM;
}

static struct addrinfo *entry(const struct address *a,
			      const struct service *s, const char *canon)
{
	size_t clen = *canon ? strlen(canon) + 1 : 0;
	struct entry *e = calloc(1, sizeof *e + clen);

	if (!e)
		return NULL;
	e->ai.ai_family = a->family;
	e->ai.ai_socktype = s->socktype;
	e->ai.ai_protocol = s->proto;
	e->ai.ai_addr = (struct sockaddr *)&e->sa;
	if (a->family == AF_INET) {
		e->sa.v4.sin_family = AF_INET;
		e->sa.v4.sin_port = htons(s->port);
		memcpy(&e->sa.v4.sin_addr, a->addr, 4);
		e->ai.ai_addrlen = sizeof e->sa.v4;
	} else {
		e->sa.v6.sin6_family = AF_INET6;
		e->sa.v6.sin6_port = htons(s->port);
		e->sa.v6.sin6_scope_id = a->scopeid;
		memcpy(&e->sa.v6.sin6_addr, a->addr, 16);
		e->ai.ai_addrlen = sizeof e->sa.v6;
	}
	if (clen) {
		memcpy(e->canon, canon, clen);
		e->ai.ai_canonname = e->canon;
	}
	return &e->ai;
}

OV_API int getaddrinfo(const char *restrict host, const char *restrict serv,
		       const struct addrinfo *restrict hint,
		       struct addrinfo **restrict res)
{
	struct service svc[MAXSERVS];
	struct address addr[MAXADDRS];
	char canon[256];
	struct addrinfo *head = NULL, **tail = &head;
	int family = AF_UNSPEC, flags = 0, nsvc, naddr, err = 0, r;

	if (!host && !serv)
		return EAI_NONAME;
	if (hint) {
		family = hint->ai_family;
		flags = hint->ai_flags;
		if (flags & ~AI_KNOWN)
			return EAI_BADFLAGS;
		if (family != AF_UNSPEC && family != AF_INET &&
		    family != AF_INET6)
			return EAI_FAMILY;
	}
	if ((flags & AI_ADDRCONFIG) && (r = addrconfig(&family, &err)) != 0)
		goto fail;
	nsvc = __lookup_serv(svc, serv, hint ? hint->ai_protocol : 0,
			     hint ? hint->ai_socktype : 0, flags);
	if (nsvc < 0)
		return nsvc;
	naddr = ocap__ov_lookup_name(addr, canon, host, family, flags, &err);
	if ((r = naddr) < 0)
		goto fail;
	for (int i = 0; i < naddr; i++) {
		for (int j = 0; j < nsvc; j++) {
			if (!(*tail = entry(&addr[i], &svc[j], canon))) {
				freeaddrinfo(head);
				return EAI_MEMORY;
			}
			tail = &(*tail)->ai_next;
		}
	}
	*res = head;
	return 0;
fail:
	if (r == EAI_SYSTEM)
		errno = err;
	return r;
}
