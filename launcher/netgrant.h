/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_NETGRANT_H
#define OCAP_LAUNCH_NETGRANT_H

/*
 * Network grants at launch and in the broker.  A grant's host is resolved
 * at launch; the broker then compares every address a program asks for
 * with those addresses, never with a lookup of the program's making, and
 * adds what a lookup of its own gives when the program resolves the name
 * again after a while (net.c).  "*" stands for any address (on the
 * grant's port).  ocap__net_name() is declared in plan.h.
 */

#include <stdbool.h>
#include <sys/socket.h>

#include "plan.h"

/* Resolve each grant's host into g->addrs (port set; "*" and unix: grants
 * get none).  A name that does not resolve fails the plan with -ENOENT. */
hidden int ocap__net_resolve(ocap_plan *p);

/* CLOCK_MONOTONIC seconds, for g->resolved. */
hidden long ocap__net_now(void);

/* Add the n addresses a fresh lookup of g->host gave to g->addrs (with
 * g's port; at most max in all), and note when. */
hidden int ocap__net_merge(struct ocap_net_grant *g,
			   const struct sockaddr_storage *addrs, size_t n,
			   size_t max);

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
