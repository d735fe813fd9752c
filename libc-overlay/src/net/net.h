/* SPDX-License-Identifier: MIT */
#ifndef OCAP_OVERLAY_NET_H
#define OCAP_OVERLAY_NET_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* gethostbyname2_r, NI_*, strnlen */
#endif

/*
 * The network side of the overlay, private to src/net/.
 *
 * Outside a sandbox (ocap__ov_ns() is NULL) names and services are
 * looked up by musl's resolver, called through its hidden functions.
 * Inside, connect/bind/listen go to the broker through libocap and host
 * names are resolved by the broker; numeric hosts and services never
 * leave the process.
 */

#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../internal/ov.h"

/* The records musl's hidden resolver functions below fill: their layout
 * is that interface's (musl 1.2.3, x86_64). */
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

/* Hidden in musl's libc.a; a static link reaches them. */
hidden int __lookup_serv(struct service buf[static MAXSERVS],
			 const char *name, int proto, int socktype, int flags);
hidden int __lookup_name(struct address buf[static MAXADDRS],
			 char canon[static 256], const char *name, int family,
			 int flags);
hidden int __lookup_ipliteral(struct address buf[static 1], const char *name,
			      int family);

/* Outside a sandbox musl's __lookup_name; inside, the same for a null or
 * numeric host, and the broker for a name.  Returns the count or an EAI_*
 * code; for EAI_SYSTEM and EAI_MEMORY, *err holds the errno value. */
hidden int ocap__ov_lookup_name(struct address buf[static MAXADDRS],
				char canon[static 256], const char *name,
				int family, int flags, int *err);

/* Inside a sandbox: the granted host name (a --connect or --udp grant in
 * ns) whose addresses, as the broker resolves them, include a, or
 * nothing.  buf holds 256 bytes. */
hidden void ocap__ov_reverse_grants(ocap_ns *ns, char *buf,
				    const unsigned char *a, int family);

#endif
