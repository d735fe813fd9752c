/* SPDX-License-Identifier: MIT */
/*
 * libocap-resolve.so: name resolution for supervised compat programs.
 *
 * ocapsh preloads it (LD_PRELOAD) into dynamically linked programs that
 * hold network grants.  Such a program may not send DNS questions of its
 * own (no UDP socket without a --udp grant), so getaddrinfo() asks the
 * broker instead, over the root descriptor, which answers for the names
 * granted (the addresses it resolved at launch, those it compares every
 * connect with) and for nothing else.  Numeric hosts, and names the
 * broker does not know (localhost and the rest of /etc/hosts), go to
 * libc's own getaddrinfo, which finds them in files or fails.
 *
 * Every list this getaddrinfo returns is one allocation of its own
 * making, so freeaddrinfo() is free(); libc's lists are copied and
 * freed at once.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ocap/ocap.h>

#define SHIM_API __attribute__((visibility("default")))
#define MAXADDRS 32

typedef int gai_fn(const char *, const char *, const struct addrinfo *,
		   struct addrinfo **);
typedef void freeai_fn(struct addrinfo *);

/* One entry: the addrinfo and the address it points to. */
struct entry {
	struct addrinfo ai;
	struct sockaddr_storage ss;
};

static socklen_t sa_len(int family)
{
	return family == AF_INET ? sizeof(struct sockaddr_in)
				 : sizeof(struct sockaddr_in6);
}

/* n entries and the canonical name in one block; ai_next chains them. */
static struct addrinfo *block(size_t n, const char *canon)
{
	size_t clen = canon ? strlen(canon) + 1 : 0;
	struct entry *e = calloc(1, n * sizeof *e + clen);
	char *name;

	if (!e)
		return NULL;
	name = (char *)(e + n);
	for (size_t i = 0; i < n; i++) {
		e[i].ai.ai_addr = (struct sockaddr *)&e[i].ss;
		e[i].ai.ai_next = i + 1 < n ? &e[i + 1].ai : NULL;
	}
	if (canon) {
		memcpy(name, canon, clen);
		e[0].ai.ai_canonname = name;
	}
	return &e[0].ai;
}

/* libc's list, copied into a block and freed. */
static struct addrinfo *copy(struct addrinfo *src, freeai_fn *libc_free)
{
	struct addrinfo *out, *o, *s;
	size_t n = 0;

	for (s = src; s; s = s->ai_next)
		n++;
	out = block(n ? n : 1, src ? src->ai_canonname : NULL);
	for (o = out, s = src; out && s; s = s->ai_next, o = o->ai_next) {
		o->ai_flags = s->ai_flags;
		o->ai_family = s->ai_family;
		o->ai_socktype = s->ai_socktype;
		o->ai_protocol = s->ai_protocol;
		o->ai_addrlen = s->ai_addrlen <= sizeof(struct sockaddr_storage)
					? s->ai_addrlen : 0;
		memcpy(o->ai_addr, s->ai_addr, o->ai_addrlen);
	}
	libc_free(src);
	return out;
}

/* The port a service names for the hints' socket type, or -1. */
static int port_of(const char *serv, const struct addrinfo *h)
{
	const char *proto = h && h->ai_socktype == SOCK_DGRAM ? "udp" : "tcp";
	struct servent se, *r = NULL;
	char buf[1024], *end;
	long v;

	if (!serv)
		return 0;
	v = strtol(serv, &end, 10);
	if (*serv && !*end)
		return v >= 0 && v <= 65535 ? (int)v : -1;
	if (h && (h->ai_flags & AI_NUMERICSERV))
		return -1;
	if (getservbyname_r(serv, proto, &se, buf, sizeof buf, &r) || !r)
		return -1;
	return ntohs((uint16_t)r->s_port);
}

static bool family_ok(int want, int have)
{
	return want == AF_UNSPEC || want == have;
}

/* The socket types an answer lists: the hints', or stream and datagram. */
static size_t types(const struct addrinfo *h, int *t, int *p)
{
	if (h && h->ai_socktype) {
		t[0] = h->ai_socktype;
		p[0] = h->ai_protocol;
		return 1;
	}
	t[0] = SOCK_STREAM, p[0] = IPPROTO_TCP;
	t[1] = SOCK_DGRAM, p[1] = IPPROTO_UDP;
	return 2;
}

/* IPv4 as v4-mapped IPv6, for AF_INET6 hints with AI_V4MAPPED. */
static void map_v6(struct sockaddr_storage *ss)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };

	memcpy(&s4, ss, sizeof s4);
	s6.sin6_port = s4.sin_port;
	s6.sin6_addr.s6_addr[10] = s6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&s6.sin6_addr.s6_addr[12], &s4.sin_addr, 4);
	memset(ss, 0, sizeof *ss);
	memcpy(ss, &s6, sizeof s6);
}

/* The broker's addresses for host as a list the hints ask for. */
static int from_broker(const char *host, int port,
		       const struct addrinfo *h, struct addrinfo **res)
{
	struct sockaddr_storage ss[MAXADDRS];
	int want = h ? h->ai_family : AF_UNSPEC, t[2], p[2], n;
	bool v4map = want == AF_INET6 && h && (h->ai_flags & AI_V4MAPPED);
	size_t k = 0, nt = types(h, t, p);
	struct addrinfo *out, *o;

	n = ocap_resolve(host, (uint16_t)port, ss, MAXADDRS);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		if (v4map && ss[i].ss_family == AF_INET)
			map_v6(&ss[i]);
		if (family_ok(want, ss[i].ss_family))
			ss[k++] = ss[i];
	}
	if (!k)
		return -ENOENT;
	out = block(k * nt, h && (h->ai_flags & AI_CANONNAME) ? host : NULL);
	if (!out)
		return -ENOMEM;
	o = out;
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < nt; j++, o = o->ai_next) {
			o->ai_family = ss[i].ss_family;
			o->ai_socktype = t[j];
			o->ai_protocol = p[j] ? p[j]
				       : t[j] == SOCK_STREAM ? IPPROTO_TCP
				       : t[j] == SOCK_DGRAM  ? IPPROTO_UDP
							     : 0;
			o->ai_addrlen = sa_len(ss[i].ss_family);
			memcpy(o->ai_addr, &ss[i], o->ai_addrlen);
		}
	*res = out;
	return 0;
}

static bool numeric(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	       inet_pton(AF_INET6, host, buf) == 1 || strchr(host, '%');
}

/* The parameters keep glibc's names, the declaration this replaces. */
SHIM_API int getaddrinfo(const char *__name, const char *__service,
			 const struct addrinfo *__req, struct addrinfo **__pai)
{
	const char *host = __name, *serv = __service;
	const struct addrinfo *hints = __req;
	struct addrinfo **res = __pai;
	gai_fn *libc_gai = (gai_fn *)dlsym(RTLD_NEXT, "getaddrinfo");
	freeai_fn *libc_free = (freeai_fn *)dlsym(RTLD_NEXT, "freeaddrinfo");
	struct addrinfo *got = NULL;
	bool denied = false;
	int port, r;

	if (!libc_gai || !libc_free)
		return EAI_SYSTEM;
	if (host && *host && !numeric(host) &&
	    !(hints && (hints->ai_flags & AI_NUMERICHOST))) {
		if ((port = port_of(serv, hints)) < 0)
			return EAI_SERVICE;
		r = from_broker(host, port, hints, res);
		if (r == 0)
			return 0;
		if (r == -ENOMEM)
			return EAI_MEMORY;
		/* Not granted, or no broker: libc finds it in files, or
		 * fails (it may send no question of its own), and then the
		 * name is unknown here, not a temporary failure to retry. */
		denied = r == -EACCES || r == -ENOENT;
	}
	if ((r = libc_gai(host, serv, hints, &got)) != 0)
		return denied && r != EAI_SERVICE ? EAI_NONAME : r;
	if (!(*res = copy(got, libc_free)))
		return EAI_MEMORY;
	return 0;
}

SHIM_API void freeaddrinfo(struct addrinfo *__ai)
{
	free(__ai);
}
