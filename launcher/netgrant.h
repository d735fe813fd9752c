/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_NETGRANT_H
#define OCAP_LAUNCH_NETGRANT_H

/*
 * Network grants at launch and in the broker.  A grant's host is resolved
 * once, at launch; the broker then compares every address a program asks
 * for with those addresses, never with a fresh lookup.  "*" stands for any
 * address (on the grant's port).  ocap__net_name() is declared in plan.h.
 */

#include <stdbool.h>
#include <sys/socket.h>

#include "plan.h"

/* Resolve each grant's host into g->addrs (port set; "*" and unix: grants
 * get none).  A name that does not resolve fails the plan with -ENOENT. */
hidden int ocap__net_resolve(ocap_plan *p);

/* Whether a grant of kind (enum ocap_net_kind) allows address a.  IPv4,
 * IPv6 and v4-mapped IPv6 addresses compare as the same host; the port is
 * exact and never 0.  A unix: grant matches its pathname exactly. */
hidden bool ocap__net_allows(const ocap_plan *p, int kind,
			     const struct sockaddr *a, socklen_t len);

/* The unix: grant whose pathname a names exactly, or NULL. */
hidden const struct ocap_net_grant *ocap__net_unix(const ocap_plan *p,
						   const struct sockaddr *a,
						   socklen_t len);

#endif
