/* SPDX-License-Identifier: MIT */
/*
 * getnameinfo(3), musl 1.2.3's own (src/network/getnameinfo.c, MIT) but
 * for the reverse DNS query inside a sandbox, where the broker has no
 * reverse lookup: there an address is named by a granted host name that
 * the broker resolves to it (reverse_grants.c), else it stays numeric.
 * /etc/hosts and /etc/services are read as musl reads them, through the
 * capability table in a sandbox: without a grant for them a host gets no
 * name from them and a port stays a number.
 */
#include "net.h" /* first: it sets the feature macros */

#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PTR_MAX (64 + sizeof ".in-addr.arpa")
#define RR_PTR 12

static char *itoa(char *p, unsigned x)
{
	p += 3 * sizeof(int);
	*--p = 0;
	do {
		*--p = (char)('0' + x % 10);
		x /= 10;
	} while (x);
	return p;
}

static void mkptr4(char *s, const unsigned char *ip)
{
	sprintf(s, "%d.%d.%d.%d.in-addr.arpa", ip[3], ip[2], ip[1], ip[0]);
}

static void mkptr6(char *s, const unsigned char *ip)
{
	static const char xdigits[] = "0123456789abcdef";
	int i;

	for (i = 15; i >= 0; i--) {
		*s++ = xdigits[ip[i] & 15];
		*s++ = '.';
		*s++ = xdigits[ip[i] >> 4];
		*s++ = '.';
	}
	strcpy(s, "ip6.arpa");
}

/* musl opens these files with its internal __fopen_rb_ca(); fopen() gives
 * the same reads with a buffer of its own. */
static void reverse_hosts(char *buf, const unsigned char *a, unsigned scopeid,
			  int family)
{
	char line[512], *p, *z;
	unsigned char atmp[16];
	struct address iplit;
	FILE *f = fopen("/etc/hosts", "rbe");

	if (!f)
		return;
	if (family == AF_INET) {
		memcpy(atmp + 12, a, 4);
		memcpy(atmp, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
		a = atmp;
	}
	while (fgets(line, sizeof line, f)) {
		if ((p = strchr(line, '#')))
			*p++ = '\n', *p = 0;

		for (p = line; *p && !isspace(*p); p++)
			;
		*p++ = 0;
		if (__lookup_ipliteral(&iplit, line, AF_UNSPEC) <= 0)
			continue;

		if (iplit.family == AF_INET) {
			memcpy(iplit.addr + 12, iplit.addr, 4);
			memcpy(iplit.addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
			iplit.scopeid = 0;
		}

		if (memcmp(a, iplit.addr, 16) || iplit.scopeid != scopeid)
			continue;

		for (; *p && isspace(*p); p++)
			;
		for (z = p; *z && !isspace(*z); z++)
			;
		*z = 0;
		if (z - p < 256) {
			memcpy(buf, p, z - p + 1);
			break;
		}
	}
	fclose(f);
}

static void reverse_services(char *buf, int port, int dgram)
{
	unsigned long svport;
	char line[128], *p, *z;
	FILE *f = fopen("/etc/services", "rbe");

	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		if ((p = strchr(line, '#')))
			*p++ = '\n', *p = 0;

		for (p = line; *p && !isspace(*p); p++)
			;
		if (!*p)
			continue;
		*p++ = 0;
		svport = strtoul(p, &z, 10);

		if (svport != (unsigned long)port || z == p)
			continue;
		if (dgram && strncmp(z, "/udp", 4))
			continue;
		if (!dgram && strncmp(z, "/tcp", 4))
			continue;
		if (p - line > 32)
			continue;

		memcpy(buf, line, p - line);
		break;
	}
	fclose(f);
}

static int dns_parse_callback(void *c, int rr, const void *data, int len,
			      const void *packet)
{
	(void)len;
	if (rr != RR_PTR)
		return 0;
	if (__dn_expand(packet, (const unsigned char *)packet + 512, data, c,
			256) <= 0)
		*(char *)c = 0;
	return 0;
}

static void reverse_dns(char *buf, const char *ptr)
{
	unsigned char query[18 + PTR_MAX], reply[512];
	int qlen = __res_mkquery(0, ptr, 1, RR_PTR, 0, 0, 0, query,
				 sizeof query);
	int rlen;

	query[3] = 0; /* don't need AD flag */
	rlen = __res_send(query, qlen, reply, sizeof reply);
	buf[0] = 0;
	if (rlen > 0)
		__dns_parse(reply, rlen, dns_parse_callback, buf);
}

OV_API int getnameinfo(const struct sockaddr *restrict sa, socklen_t sl,
		       char *restrict node, socklen_t nodelen,
		       char *restrict serv, socklen_t servlen, int flags)
{
	char ptr[PTR_MAX];
	char buf[256], num[3 * sizeof(int) + 1];
	int af = sa->sa_family;
	unsigned char *a;
	unsigned scopeid;

	switch (af) {
	case AF_INET:
		a = (void *)&((struct sockaddr_in *)sa)->sin_addr;
		if (sl < sizeof(struct sockaddr_in))
			return EAI_FAMILY;
		mkptr4(ptr, a);
		scopeid = 0;
		break;
	case AF_INET6:
		a = (void *)&((struct sockaddr_in6 *)sa)->sin6_addr;
		if (sl < sizeof(struct sockaddr_in6))
			return EAI_FAMILY;
		if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12))
			mkptr6(ptr, a);
		else
			mkptr4(ptr, a + 12);
		scopeid = ((struct sockaddr_in6 *)sa)->sin6_scope_id;
		break;
	default:
		return EAI_FAMILY;
	}

	if (node && nodelen) {
		buf[0] = 0;
		if (!(flags & NI_NUMERICHOST))
			reverse_hosts(buf, a, scopeid, af);
		if (!*buf && !(flags & NI_NUMERICHOST)) {
			ocap_ns *ns = ov_ns();
			if (ns)
				ov_reverse_grants(ns, buf, a, af);
			else
				reverse_dns(buf, ptr);
		}
		if (!*buf) {
			if (flags & NI_NAMEREQD)
				return EAI_NONAME;
			inet_ntop(af, a, buf, sizeof buf);
			if (scopeid) {
				char *p = 0, tmp[IF_NAMESIZE + 1];
				if (!(flags & NI_NUMERICSCOPE) &&
				    (IN6_IS_ADDR_LINKLOCAL(a) ||
				     IN6_IS_ADDR_MC_LINKLOCAL(a)))
					p = if_indextoname(scopeid, tmp + 1);
				if (!p)
					p = itoa(num, scopeid);
				*--p = '%';
				strcat(buf, p);
			}
		}
		if (strlen(buf) >= nodelen)
			return EAI_OVERFLOW;
		strcpy(node, buf);
	}

	if (serv && servlen) {
		char *p = buf;
		int port = ntohs(((struct sockaddr_in *)sa)->sin_port);
		buf[0] = 0;
		if (!(flags & NI_NUMERICSERV))
			reverse_services(buf, port, flags & NI_DGRAM);
		if (!*p)
			p = itoa(num, port);
		if (strlen(p) >= servlen)
			return EAI_OVERFLOW;
		strcpy(serv, p);
	}

	return 0;
}
