/* SPDX-License-Identifier: MIT */
#ifndef OCAP_OVERLAY_NET_H
#define OCAP_OVERLAY_NET_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* gethostbyname2_r, NI_*, strnlen */
#endif

/*
 * The network side of the overlay, private to src/net/.
 *
 * Outside a sandbox (ov_ns() is NULL) each function does what musl 1.2.3
 * does, with musl's own hidden helpers.  Inside, connect/bind/listen go to
 * the broker through libocap and host names are resolved by the broker;
 * numeric hosts and services never leave the process.
 */

#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../internal/ov.h"

/* musl 1.2.3 src/network/lookup.h, which musl's freeaddrinfo() and our
 * getaddrinfo() must agree on. */
struct aibuf {
	struct addrinfo ai;
	union sa {
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} sa;
	volatile int lock[1];
	short slot, ref;
};

struct address {
	int family;
	unsigned scopeid;
	uint8_t addr[16];
	int sortkey;
};

struct service {
	uint16_t port;
	unsigned char proto, socktype;
};

#define MAXADDRS 48
#define MAXSERVS 2

/* musl's own, hidden in libc.a: a static link reaches them. */
hidden int __lookup_serv(struct service buf[static MAXSERVS],
			 const char *name, int proto, int socktype, int flags);
hidden int __lookup_name(struct address buf[static MAXADDRS],
			 char canon[static 256], const char *name, int family,
			 int flags);
hidden int __lookup_ipliteral(struct address buf[static 1], const char *name,
			      int family);
hidden int __res_mkquery(int op, const char *dname, int class, int type,
			 const unsigned char *data, int datalen,
			 const unsigned char *newrr, unsigned char *buf,
			 int buflen);
hidden int __res_send(const unsigned char *msg, int msglen,
		      unsigned char *answer, int anslen);
hidden int __dns_parse(const unsigned char *r, int rlen,
		       int (*cb)(void *, int, const void *, int, const void *),
		       void *ctx);
hidden int __dn_expand(const unsigned char *base, const unsigned char *end,
		       const unsigned char *src, char *dest, int space);

/* musl's __lookup_name outside a sandbox; inside, the same for a null or
 * numeric host, and the broker for a name.  Returns the count or an EAI_*
 * code; for EAI_SYSTEM and EAI_MEMORY, *err holds the errno value. */
hidden int ov_lookup_name(struct address buf[static MAXADDRS],
			  char canon[static 256], const char *name, int family,
			  int flags, int *err);

/* Inside a sandbox: the granted host name (a --connect or --udp grant in
 * ns) whose addresses, as the broker resolves them, include a, or
 * nothing.  buf holds 256 bytes. */
hidden void ov_reverse_grants(ocap_ns *ns, char *buf, const unsigned char *a,
			      int family);

#endif
