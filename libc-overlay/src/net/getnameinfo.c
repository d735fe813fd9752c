/* SPDX-License-Identifier: MIT */
/*
 * getnameinfo(3).  A host is named by the first /etc/hosts line with its
 * address; failing that, inside a sandbox (where the broker has no
 * reverse lookup) by a granted host name that the broker resolves to it
 * (reverse_grants.c), outside by a PTR query.  A port is named by
 * /etc/services.  In a sandbox both files are read through the
 * capability table: without a grant for them a host gets no name from
 * them and a port stays a number.  gethostbyaddr_r() and
 * getservbyport_r() in musl's libc.a call this.
 */
#include "net.h" /* first: it sets the feature macros */

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <net/if.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLANK " \t\n\v\f\r"

static const unsigned char v4mapped[12] = { [10] = 0xff, [11] = 0xff };

/* An address of either family as 16 bytes: IPv4 as v4-mapped IPv6. */
static void as_v6(unsigned char out[16], const void *addr, int family)
{
	if (family == AF_INET) {
		memcpy(out, v4mapped, 12);
		memcpy(out + 12, addr, 4);
	} else {
		memcpy(out, addr, 16);
	}
}

static bool mapped_v4(const unsigned char a[16])
{
	return !memcmp(a, v4mapped, 12);
}

/* The name /etc/hosts gives (a, scope), into name (256 bytes). */
static void from_hosts(char *name, const unsigned char a[16], unsigned scope)
{
	char line[512], *save, *addr, *host;
	unsigned char b[16];
	struct address lit;
	FILE *f = fopen("/etc/hosts", "re");

	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "#")] = '\0';
		if (!(addr = strtok_r(line, BLANK, &save)) ||
		    !(host = strtok_r(NULL, BLANK, &save)) ||
		    strlen(host) > 255)
			continue;
		memset(&lit, 0, sizeof lit);
		if (__lookup_ipliteral(&lit, addr, AF_UNSPEC) <= 0)
			continue;
		as_v6(b, lit.addr, lit.family);
		if (!memcmp(a, b, 16) && lit.scopeid == scope) {
			strcpy(name, host);
			break;
		}
	}
	fclose(f);
}

/* The name /etc/services gives port over TCP or UDP, into name (32
 * bytes, NI_MAXSERV). */
static void from_services(char *name, unsigned port, bool udp)
{
	char line[128], *save, *svc, *num, *end;
	FILE *f = fopen("/etc/services", "re");

	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "#")] = '\0';
		if (!(svc = strtok_r(line, BLANK, &save)) ||
		    !(num = strtok_r(NULL, BLANK, &save)) ||
		    strtoul(num, &end, 10) != port || end == num ||
		    strcmp(end, udp ? "/udp" : "/tcp") || strlen(svc) >= 32)
			continue;
		strcpy(name, svc);
		break;
	}
	fclose(f);
}

/* The reverse DNS name of a, into name (256 bytes): the first PTR
 * record of the answer. */
static void from_dns(char *name, const unsigned char a[16])
{
	unsigned char answer[512];
	char q[80], *p = q;
	ns_msg msg;
	ns_rr rr;
	int len;

	if (mapped_v4(a)) {
		snprintf(q, sizeof q, "%u.%u.%u.%u.in-addr.arpa", a[15], a[14],
			 a[13], a[12]);
	} else {
		for (int i = 15; i >= 0; i--)
			p += sprintf(p, "%x.%x.", a[i] & 15, a[i] >> 4);
		strcpy(p, "ip6.arpa");
	}
	len = res_query(q, ns_c_in, ns_t_ptr, answer, sizeof answer);
	if (len <= 0 || ns_initparse(answer, len, &msg) < 0)
		return;
	for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
			break;
		if (ns_rr_type(rr) != ns_t_ptr)
			continue;
		if (dn_expand(ns_msg_base(msg), ns_msg_end(msg),
			      ns_rr_rdata(rr), name, 256) > 0)
			return;
	}
	*name = '\0';
}

/* The numeric form, with "%scope" for an IPv6 scope: the interface's
 * name for a link-local address, else the number. */
static void numeric(char *buf, size_t size, int family,
		    const unsigned char a[16], unsigned scope, int flags)
{
	char ifname[IF_NAMESIZE];
	size_t n;

	inet_ntop(family, family == AF_INET ? a + 12 : a, buf,
		  (socklen_t)size);
	if (!scope)
		return;
	n = strlen(buf);
	if (!(flags & NI_NUMERICSCOPE) &&
	    (IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MC_LINKLOCAL(a)) &&
	    if_indextoname(scope, ifname))
		snprintf(buf + n, size - n, "%%%s", ifname);
	else
		snprintf(buf + n, size - n, "%%%u", scope);
}

static int put(char *out, socklen_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		return EAI_OVERFLOW;
	memcpy(out, s, n + 1);
	return 0;
}

/* A name for (a, scope) from /etc/hosts, else the broker's grants or
 * the DNS, into name (256 bytes); empty when none. */
static void reverse(char *name, const unsigned char a[16], unsigned scope)
{
	ocap_ns *ns = ocap__ov_ns();

	from_hosts(name, a, scope);
	if (*name)
		return;
	if (ns)
		ocap__ov_reverse_grants(ns, name, a, AF_INET6);
	else
		from_dns(name, a);
}

static int host_name(char *node, socklen_t size, int family,
		     const unsigned char a[16], unsigned scope, int flags)
{
	char name[256] = "";

	if (!(flags & NI_NUMERICHOST))
		reverse(name, a, scope);
	if (!*name) {
		if (flags & NI_NAMEREQD)
			return EAI_NONAME;
		numeric(name, sizeof name, family, a, scope, flags);
	}
	return put(node, size, name);
}

static int serv_name(char *serv, socklen_t size, unsigned port, int flags)
{
	char name[32] = "";

	if (!(flags & NI_NUMERICSERV))
		from_services(name, port, flags & NI_DGRAM);
	if (!*name)
		snprintf(name, sizeof name, "%u", port);
	return put(serv, size, name);
}

OV_API int getnameinfo(const struct sockaddr *restrict sa, socklen_t sl,
		       char *restrict node, socklen_t nodelen,
		       char *restrict serv, socklen_t servlen, int flags)
{
	const struct sockaddr_in *s4 = (const void *)sa;
	const struct sockaddr_in6 *s6 = (const void *)sa;
	unsigned char a[16];
	unsigned scope = 0, port;
	int r;

	if (sa->sa_family == AF_INET && sl >= sizeof *s4) {
		as_v6(a, &s4->sin_addr, AF_INET);
		port = ntohs(s4->sin_port);
	} else if (sa->sa_family == AF_INET6 && sl >= sizeof *s6) {
		as_v6(a, &s6->sin6_addr, AF_INET6);
		scope = s6->sin6_scope_id;
		port = ntohs(s6->sin6_port);
	} else {
		return EAI_FAMILY;
	}
	if (node && nodelen &&
	    (r = host_name(node, nodelen, sa->sa_family, a, scope, flags)))
		return r;
	if (serv && servlen && (r = serv_name(serv, servlen, port, flags)))
		return r;
	return 0;
}
