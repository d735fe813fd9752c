/* SPDX-License-Identifier: MIT */
/*
 * gethostbyname2_r(3), with the lookup of lookup_name.c: inside a
 * sandbox a name is resolved by the broker, a numeric host locally.
 * gethostbyname(), gethostbyname2() and gethostbyname_r() in musl's
 * libc.a call this one, growing the buffer while it answers ERANGE.
 *
 * buf holds, pointer-aligned: the address list, the alias list (the
 * name asked for, when the canonical name differs), the addresses, then
 * the two names.
 */
#include "net.h" /* first: it sets the feature macros */

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* An EAI_* code as the _r interface reports it: h_errno into *herr, an
 * errno value returned. */
static int failure(int eai, int err, int *herr)
{
	switch (eai) {
	case EAI_NONAME:
		*herr = HOST_NOT_FOUND;
		return ENOENT;
	case EAI_NODATA:
		*herr = NO_DATA;
		return ENOENT;
	case EAI_AGAIN:
		*herr = TRY_AGAIN;
		return EAGAIN;
	case EAI_MEMORY:
	case EAI_SYSTEM:
		*herr = NO_RECOVERY;
		return err ? err : ENOMEM;
	}
	*herr = NO_RECOVERY;
	return EBADMSG;
}

OV_API int gethostbyname2_r(const char *name, int af, struct hostent *h,
			    char *buf, size_t len, struct hostent **res,
			    int *herr)
{
	struct address addr[MAXADDRS];
	char canon[256], **list, **alias, *p;
	size_t alen, nlen, clen, pad, need;
	int n, err;

	*res = NULL;
	if (!name)
		return failure(EAI_NONAME, 0, herr);
	if (af != AF_INET && af != AF_INET6) {
		*herr = NO_RECOVERY;
		return EAFNOSUPPORT;
	}
	n = ocap__ov_lookup_name(addr, canon, name, af, AI_CANONNAME, &err);
	if (n < 0)
		return failure(n, err, herr);
	alen = af == AF_INET ? 4 : 16;
	nlen = strcmp(name, canon) ? strlen(name) + 1 : 0;
	clen = strlen(canon) + 1;
	pad = -(uintptr_t)buf & (sizeof(char *) - 1);
	need = pad + ((size_t)n + 1 + 2) * sizeof(char *) + (size_t)n * alen +
	       clen + nlen;
	if (need > len)
		return ERANGE;

	list = (char **)(void *)(buf + pad);
	alias = list + n + 1;
	p = (char *)(alias + 2);
	for (int i = 0; i < n; i++, p += alen) {
		memcpy(p, addr[i].addr, alen);
		list[i] = p;
	}
	list[n] = NULL;
	h->h_name = memcpy(p, canon, clen);
	p += clen;
	alias[0] = nlen ? memcpy(p, name, nlen) : NULL;
	alias[1] = NULL;

	h->h_aliases = alias;
	h->h_addrtype = af;
	h->h_length = (int)alen;
	h->h_addr_list = list;
	*res = h;
	return 0;
}
