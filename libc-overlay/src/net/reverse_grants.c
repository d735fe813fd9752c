/* SPDX-License-Identifier: MIT */
/*
 * Reverse lookup in a sandbox, which has no reverse DNS: the name of a
 * --connect or --udp grant ("tcp:HOST:PORT", "udp:HOST:PORT" in the
 * capability table) whose host the broker resolves to the address.  The
 * answer is one the program could have got forward; a "*" grant or an
 * address literal names nothing.
 */
#include "net.h" /* first: it sets the feature macros */

#include <arpa/inet.h>
#include <string.h>

#define GRANT_ADDRS 16

/* The host of an endpoint's name, into host (256 bytes); 0 when none. */
static int grant_host(const char *name, char *host)
{
	const char *h, *colon;
	size_t n;

	if (!strncmp(name, "tcp:", 4) || !strncmp(name, "udp:", 4))
		h = name + 4;
	else
		return 0;
	if (*h == '[' || !(colon = strrchr(h, ':')))
		return 0; /* [v6]:port: a literal */
	n = (size_t)(colon - h);
	if (n == 0 || n > 255)
		return 0;
	memcpy(host, h, n);
	host[n] = 0;
	if (!strcmp(host, "*"))
		return 0;
	return 1;
}

static int same(const struct sockaddr_storage *ss, const unsigned char *a,
		int family)
{
	const struct sockaddr_in *s4 = (const void *)ss;
	const struct sockaddr_in6 *s6 = (const void *)ss;

	if (ss->ss_family == AF_INET && family == AF_INET)
		return !memcmp(&s4->sin_addr, a, 4);
	if (ss->ss_family == AF_INET6 && family == AF_INET6)
		return !memcmp(&s6->sin6_addr, a, 16);
	return 0;
}

static int resolves_to(const char *host, const unsigned char *a, int family)
{
	struct sockaddr_storage ss[GRANT_ADDRS];
	struct in6_addr lit;
	int n;

	if (inet_pton(AF_INET, host, &lit) == 1)
		return 0;
	if ((n = ocap_resolve(host, 0, ss, GRANT_ADDRS)) < 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (same(&ss[i], a, family))
			return 1;
	return 0;
}

void ocap__ov_reverse_grants(ocap_ns *ns, char *buf, const unsigned char *a,
			     int family)
{
	char host[256], last[256] = "";

	/* A v4-mapped v6 address is the v4 host. */
	if (family == AF_INET6 &&
	    !memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
		a += 12;
		family = AF_INET;
	}
	for (size_t i = 0; i < ocap_ns_count(ns); i++) {
		const ocap_cap *c = ocap_ns_entry(ns, i);

		if (ocap_cap_kind(c) != OCAP_KIND_ENDPOINT ||
		    !grant_host(ocap_cap_name(c), host))
			continue;
		/* Entries are sorted: one host's grants of a kind are
		 * neighbours. */
		if (!strcmp(host, last))
			continue;
		strcpy(last, host);
		if (resolves_to(host, a, family)) {
			strcpy(buf, host);
			return;
		}
	}
}
