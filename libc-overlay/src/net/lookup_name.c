/* SPDX-License-Identifier: MIT */
/*
 * Name to addresses for getaddrinfo() and gethostbyname2_r(): musl's
 * __lookup_name outside a sandbox.  Inside, a null or numeric host is
 * still left to it (no broker needed) and a name goes to the broker, which
 * answers for a granted name only: with the addresses the grant had at
 * launch, or under a "*" grant with a lookup of its own.  /etc/hosts and
 * DNS are not read in the sandbox.  A name the broker refuses or cannot
 * find is EAI_NONAME, as musl says for a name that does not exist.  The
 * addresses keep the broker's order (musl sorts by RFC 6724 with probing
 * UDP sockets, which native mode does not have).
 */
#include "net.h" /* first: it sets the feature macros */

#include <errno.h>
#include <string.h>

static const unsigned char v4mapped[12] = { [10] = 0xff, [11] = 0xff };

static int eai(int r, int *err)
{
	switch (r) {
	case -EACCES:
	case -ENOENT:
		return EAI_NONAME;
	case -EAGAIN:
		return EAI_AGAIN;
	}
	*err = -r;
	return r == -ENOMEM ? EAI_MEMORY : EAI_SYSTEM;
}

/* One of the broker's answers, if of a family asked for. */
static int keep(struct address *a, const struct sockaddr_storage *ss,
		int family)
{
	const struct sockaddr_in *s4 = (const void *)ss;
	const struct sockaddr_in6 *s6 = (const void *)ss;

	if (family != AF_UNSPEC && ss->ss_family != family)
		return 0;
	memset(a, 0, sizeof *a);
	a->family = ss->ss_family;
	if (ss->ss_family == AF_INET) {
		memcpy(a->addr, &s4->sin_addr, 4);
		return 1;
	}
	if (ss->ss_family == AF_INET6) {
		memcpy(a->addr, &s6->sin6_addr, 16);
		a->scopeid = s6->sin6_scope_id;
		return 1;
	}
	return 0;
}

static int from_broker(struct address buf[static MAXADDRS], const char *name,
		       int family, int flags, int *err)
{
	struct sockaddr_storage ss[MAXADDRS];
	int n, cnt = 0, i, j;

	/* AI_V4MAPPED with AF_INET6: ask for both, then map or drop the v4
	 * answers below. */
	if (flags & AI_V4MAPPED) {
		if (family == AF_INET6)
			family = AF_UNSPEC;
		else
			flags &= ~AI_V4MAPPED;
	}
	if ((n = ocap_resolve(name, 0, ss, MAXADDRS)) < 0)
		return eai(n, err);
	for (i = 0; i < n; i++)
		cnt += keep(&buf[cnt], &ss[i], family);
	if (!cnt)
		return EAI_NONAME;
	if (!(flags & AI_V4MAPPED))
		return cnt;
	/* If any v6 results exist, drop the v4 ones unless AI_ALL. */
	if (!(flags & AI_ALL)) {
		for (i = 0; i < cnt && buf[i].family != AF_INET6; i++)
			;
		if (i < cnt) {
			for (j = 0; i < cnt; i++)
				if (buf[i].family == AF_INET6)
					buf[j++] = buf[i];
			cnt = j;
		}
	}
	for (i = 0; i < cnt; i++) {
		if (buf[i].family != AF_INET)
			continue;
		memcpy(buf[i].addr + 12, buf[i].addr, 4);
		memcpy(buf[i].addr, v4mapped, 12);
		buf[i].family = AF_INET6;
	}
	return cnt;
}

int ocap__ov_lookup_name(struct address buf[static MAXADDRS],
			 char canon[static 256], const char *name, int family,
			 int flags, int *err)
{
	struct address lit;
	size_t l;
	int r;

	*err = 0;
	if (!ocap__ov_ns()) {
		r = __lookup_name(buf, canon, name, family, flags);
		if (r == EAI_SYSTEM || r == EAI_MEMORY)
			*err = errno;
		return r;
	}
	/* A null host, AI_NUMERICHOST or an address literal (of any family:
	 * a literal of the wrong one is EAI_NONAME, not a name to look up)
	 * is musl's numeric lookup, which opens nothing. */
	if (!name || (flags & AI_NUMERICHOST) ||
	    __lookup_ipliteral(&lit, name, AF_UNSPEC) != 0)
		return __lookup_name(buf, canon, name, family,
				     flags | AI_NUMERICHOST);
	/* The checks __lookup_name makes: not empty, fits in a DNS name. */
	*canon = 0;
	l = strnlen(name, 255);
	if (l - 1 >= 254)
		return EAI_NONAME;
	memcpy(canon, name, l + 1);
	return from_broker(buf, name, family, flags, err);
}
