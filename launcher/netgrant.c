/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/un.h>
#include <unistd.h>

#include "netgrant.h"

/* A host and port as the broker compares them: IPv4 as v4-mapped IPv6. */
struct ep {
	uint8_t a[16];
	uint16_t port;
	uint32_t scope;
};

static const char *const prefixes[] = {
	[OCAP_NET_CONNECT] = "tcp",
	[OCAP_NET_LISTEN] = "listen",
	[OCAP_NET_UDP] = "udp",
	[OCAP_NET_UNIX] = "unix",
};

static const char *const options[] = {
	[OCAP_NET_CONNECT] = "--connect",
	[OCAP_NET_LISTEN] = "--listen",
	[OCAP_NET_UDP] = "--udp",
	[OCAP_NET_UNIX] = "--connect",
};

static bool kind_ok(int kind)
{
	return kind >= OCAP_NET_CONNECT && kind <= OCAP_NET_UNIX;
}

/* "HOST:PORT", "[V6]:PORT" or "unix:PATH", as the grant was written. */
static int hostport(const struct ocap_net_grant *g, const char *prefix,
		    char *buf, size_t size)
{
	int n;

	if (g->kind == OCAP_NET_UNIX)
		n = snprintf(buf, size, "unix:%s", g->host);
	else if (strchr(g->host, ':'))
		n = snprintf(buf, size, "%s[%s]:%u", prefix, g->host, g->port);
	else
		n = snprintf(buf, size, "%s%s:%u", prefix, g->host, g->port);
	if (n < 0)
		return -EINVAL;
	return (size_t)n < size ? n : -ENOSPC;
}

int ocap__net_name(const struct ocap_net_grant *g, char *buf, size_t size)
{
	char prefix[16];

	if (!g || !g->host || !buf || !kind_ok(g->kind))
		return -EINVAL;
	snprintf(prefix, sizeof prefix, "%s:", prefixes[g->kind]);
	return hostport(g, prefix, buf, size);
}

static int gai_errno(int r)
{
	switch (r) {
	case EAI_MEMORY:
		return -ENOMEM;
	case EAI_AGAIN:
		return -EAGAIN;
	case EAI_SYSTEM:
		return errno ? -errno : -EIO;
	}
	return -ENOENT;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static bool have(const struct ocap_net_grant *g,
		 const struct sockaddr_storage *ss)
{
	for (size_t i = 0; i < g->naddrs; i++)
		if (!memcmp(&g->addrs[i], ss, sizeof *ss))
			return true;
	return false;
}

/* g->addrs: every distinct IPv4 and IPv6 address of g->host. */
static int resolve_one(struct ocap_net_grant *g)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC }, *res, *ai;
	size_t n = 0;
	int r;

	hints.ai_socktype = g->kind == OCAP_NET_UDP ? SOCK_DGRAM : SOCK_STREAM;
	if ((r = getaddrinfo(g->host, NULL, &hints, &res)) != 0)
		return gai_errno(r);
	for (ai = res; ai; ai = ai->ai_next)
		n++;
	g->addrs = calloc(n ? n : 1, sizeof *g->addrs);
	if (!g->addrs) {
		freeaddrinfo(res);
		return -ENOMEM;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		struct sockaddr_storage ss = { 0 };
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof ss)
			continue;
		memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
		set_port(&ss, g->port);
		if (!have(g, &ss))
			g->addrs[g->naddrs++] = ss;
	}
	freeaddrinfo(res);
	return g->naddrs ? 0 : -ENOENT;
}

/* g->dirfd and g->base for a unix: grant.  The directory is opened now,
 * as the file system stands at launch; later the broker looks up only the
 * last name in that very directory, and follows no symlink there, so a
 * program that can write in it cannot point the broker's connect at a
 * socket outside its grants. */
static int open_unix(struct ocap_net_grant *g)
{
	char dir[PATH_MAX];
	const char *path = g->host, *slash;

	slash = strrchr(path, '/');
	if (!slash) {
		snprintf(dir, sizeof dir, ".");
	} else if ((size_t)(slash - path) >= sizeof dir) {
		return -ENAMETOOLONG;
	} else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		if (!dir[0])
			snprintf(dir, sizeof dir, "/");
	}
	path = slash ? slash + 1 : path;
	if (!*path || !strcmp(path, ".") || !strcmp(path, ".."))
		return -EINVAL;
	if (g->dirfd >= 0)
		close(g->dirfd);
	free(g->base);
	g->base = strdup(path);
	if (!g->base)
		return -ENOMEM;
	g->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return g->dirfd < 0 ? -errno : 0;
}

int ocap__net_resolve(ocap_plan *p)
{
	char what[300];
	int r;

	for (size_t i = 0; i < p->nnets; i++) {
		struct ocap_net_grant *g = &p->nets[i];

		free(g->addrs);
		g->addrs = NULL;
		g->naddrs = 0;
		if (g->kind == OCAP_NET_UNIX && (r = open_unix(g)) < 0)
			return ocap__plan_fail(p, r, "%s: --connect unix:%s: "
					       "its directory: %s", g->where,
					       g->host, strerror(-r));
		if (g->kind == OCAP_NET_UNIX || !strcmp(g->host, "*"))
			continue;
		if ((r = resolve_one(g)) == 0) {
			g->resolved = ocap__net_now();
			continue;
		}
		if (r == -ENOMEM)
			return ocap__plan_fail(p, r, "%s: out of memory",
					       g->where);
		hostport(g, "", what, sizeof what);
		return ocap__plan_fail(p, -ENOENT, "%s: %s %s: cannot resolve",
				       g->where, options[g->kind], what);
	}
	return 0;
}

long ocap__net_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

int ocap__net_merge(struct ocap_net_grant *g,
		    const struct sockaddr_storage *addrs, size_t n, size_t max)
{
	struct sockaddr_storage *v;

	if (!(v = realloc(g->addrs, max * sizeof *v)))
		return -ENOMEM;
	g->addrs = v;
	for (size_t i = 0; i < n && g->naddrs < max; i++) {
		struct sockaddr_storage ss = addrs[i];

		if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
			continue;
		set_port(&ss, g->port);
		if (!have(g, &ss))
			g->addrs[g->naddrs++] = ss;
	}
	g->resolved = ocap__net_now();
	return 0;
}

static bool ep_from(const struct sockaddr *sa, socklen_t len, struct ep *e)
{
	memset(e, 0, sizeof *e);
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in s;
		memcpy(&s, sa, sizeof s);
		e->a[10] = e->a[11] = 0xff;
		memcpy(e->a + 12, &s.sin_addr, 4);
		e->port = ntohs(s.sin_port);
		return true;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 s;
		memcpy(&s, sa, sizeof s);
		memcpy(e->a, &s.sin6_addr, 16);
		e->port = ntohs(s.sin6_port);
		if (IN6_IS_ADDR_LINKLOCAL(&s.sin6_addr))
			e->scope = s.sin6_scope_id;
		return true;
	}
	return false;
}

/* A grant's link-local address names its interface; any other matches
 * whatever scope the program gives. */
static bool grant_has(const struct ocap_net_grant *g, const struct ep *want)
{
	struct ep e;

	if (!strcmp(g->host, "*"))
		return true;
	for (size_t i = 0; i < g->naddrs; i++) {
		if (!ep_from((const struct sockaddr *)&g->addrs[i],
			     sizeof g->addrs[i], &e))
			continue;
		if (!memcmp(e.a, want->a, 16) &&
		    (!e.scope || e.scope == want->scope))
			return true;
	}
	return false;
}

/* Pathname sockets only, spelt exactly as granted. */
const struct ocap_net_grant *ocap__net_unix(const ocap_plan *p,
					    const struct sockaddr *a,
					    socklen_t len)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	struct sockaddr_un s;
	size_t n;

	if (!p || !a || a->sa_family != AF_UNIX || len <= off || len > sizeof s)
		return NULL;
	memcpy(&s, a, len);
	n = strnlen(s.sun_path, len - off);
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < p->nnets; i++) {
		const struct ocap_net_grant *g = &p->nets[i];
		if (g->kind == OCAP_NET_UNIX && strlen(g->host) == n &&
		    !memcmp(g->host, s.sun_path, n))
			return g;
	}
	return NULL;
}

bool ocap__net_allows(const ocap_plan *p, int kind, const struct sockaddr *a,
		      socklen_t len)
{
	struct ep want;

	if (!p || !a || !kind_ok(kind))
		return false;
	if (kind == OCAP_NET_UNIX)
		return ocap__net_unix(p, a, len) != NULL;
	if (!ep_from(a, len, &want) || want.port == 0)
		return false;
	for (size_t i = 0; i < p->nnets; i++) {
		const struct ocap_net_grant *g = &p->nets[i];
		if (g->kind == kind && g->port == want.port &&
		    grant_has(g, &want))
			return true;
	}
	return false;
}
