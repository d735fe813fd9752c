/* SPDX-License-Identifier: MIT */
/* Network grants: table names, resolution at launch, and the address
 * checks the broker makes. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "netgrant.h"
#include "plan.h"
#include "support.h"

static int add_net(ocap_plan *p, int kind, const char *host, uint16_t port)
{
	struct ocap_net_grant *g = realloc(p->nets, (p->nnets + 1) * sizeof *g);

	if (!g)
		return -ENOMEM;
	p->nets = g;
	g = &p->nets[p->nnets++];
	*g = (struct ocap_net_grant){ .kind = kind, .port = port };
	g->host = strdup(host);
	g->where = strdup("argv");
	return g->host && g->where ? 0 : -ENOMEM;
}

static ocap_plan *plan_with(const struct ocap_net_grant *gs, size_t n)
{
	ocap_plan *p;

	if (ocap_plan_new(&p) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (add_net(p, gs[i].kind, gs[i].host, gs[i].port) < 0) {
			ocap_plan_free(p);
			return NULL;
		}
	return p;
}

static void test_name(void **state)
{
	static const struct {
		int kind;
		const char *host;
		uint16_t port;
		const char *want;
	} cases[] = {
		{ OCAP_NET_CONNECT, "example.com", 443, "tcp:example.com:443" },
		{ OCAP_NET_CONNECT, "*", 80, "tcp:*:80" },
		{ OCAP_NET_LISTEN, "127.0.0.1", 8080, "listen:127.0.0.1:8080" },
		{ OCAP_NET_LISTEN, "::", 8080, "listen:[::]:8080" },
		{ OCAP_NET_UDP, "::1", 53, "udp:[::1]:53" },
		{ OCAP_NET_UNIX, "/run/x.sock", 0, "unix:/run/x.sock" },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ocap_net_grant g = { .kind = cases[i].kind,
					    .host = (char *)cases[i].host,
					    .port = cases[i].port };
		assert_ret(ocap__net_name(&g, buf, sizeof buf),
			   strlen(cases[i].want));
		assert_string_equal(buf, cases[i].want);
	}
}

static void test_name_errors(void **state)
{
	struct ocap_net_grant g = { .kind = OCAP_NET_CONNECT,
				    .host = "example.com", .port = 443 };
	char buf[8];

	(void)state;
	assert_ret(ocap__net_name(&g, buf, sizeof buf), -ENOSPC);
	assert_int_equal(strlen(buf), sizeof buf - 1); /* truncated, ended */
	g.kind = 99;
	assert_ret(ocap__net_name(&g, buf, sizeof buf), -EINVAL);
	assert_ret(ocap__net_name(NULL, buf, sizeof buf), -EINVAL);
}

static void test_resolve(void **state)
{
	static const struct ocap_net_grant gs[] = {
		{ .kind = OCAP_NET_CONNECT, .host = "127.0.0.1", .port = 80 },
		{ .kind = OCAP_NET_CONNECT, .host = "localhost", .port = 81 },
		{ .kind = OCAP_NET_LISTEN, .host = "*", .port = 82 },
		{ .kind = OCAP_NET_UNIX, .host = "/run/x.sock" },
		{ .kind = OCAP_NET_UDP, .host = "::1", .port = 53 },
	};
	ocap_plan *p = plan_with(gs, 5);
	struct sockaddr_in sin;

	(void)state;
	assert_non_null(p);
	assert_ret(ocap__net_resolve(p), 0);
	assert_int_equal(p->nets[0].naddrs, 1);
	memcpy(&sin, &p->nets[0].addrs[0], sizeof sin);
	assert_int_equal(sin.sin_family, AF_INET);
	assert_int_equal(ntohs(sin.sin_port), 80);
	assert_int_equal(ntohl(sin.sin_addr.s_addr), INADDR_LOOPBACK);
	assert_true(p->nets[1].naddrs >= 1);
	assert_int_equal(p->nets[2].naddrs, 0); /* "*": any address */
	assert_int_equal(p->nets[3].naddrs, 0);
	assert_int_equal(p->nets[4].naddrs, 1);
	assert_int_equal(p->nets[4].addrs[0].ss_family, AF_INET6);
	/* Twice is harmless: the first answers are replaced. */
	assert_ret(ocap__net_resolve(p), 0);
	assert_int_equal(p->nets[0].naddrs, 1);
	ocap_plan_free(p);
}

/* A fresh lookup adds its addresses, with the grant's port, once each,
 * up to the bound, and notes when; the address known stays allowed. */
static void test_merge(void **state)
{
	static const struct ocap_net_grant gs[] = {
		{ .kind = OCAP_NET_CONNECT, .host = "127.0.0.1", .port = 80 },
	};
	ocap_plan *p = plan_with(gs, 1);
	struct sockaddr_storage fresh[3] = { 0 };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9) };

	(void)state;
	assert_non_null(p);
	assert_ret(ocap__net_resolve(p), 0);
	assert_true(p->nets[0].resolved > 0);
	p->nets[0].resolved = 1;
	inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
	memcpy(&fresh[0], &a, sizeof a);
	memcpy(&fresh[1], &a, sizeof a); /* twice: once */
	fresh[2].ss_family = AF_UNIX;    /* not an address to add */
	assert_ret(ocap__net_merge(&p->nets[0], fresh, 3, 8), 0);
	assert_int_equal(p->nets[0].naddrs, 2);
	assert_true(p->nets[0].resolved > 1);
	a.sin_port = htons(80);
	assert_true(ocap__net_allows(p, OCAP_NET_CONNECT,
				     (struct sockaddr *)&a, sizeof a));
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_true(ocap__net_allows(p, OCAP_NET_CONNECT,
				     (struct sockaddr *)&a, sizeof a));
	assert_ret(ocap__net_merge(&p->nets[0], fresh, 1, 2), 0);
	assert_int_equal(p->nets[0].naddrs, 2);
	ocap_plan_free(p);
}

static void test_resolve_fails(void **state)
{
	static const struct ocap_net_grant gs[] = {
		{ .kind = OCAP_NET_CONNECT, .host = "127.0.0.1", .port = 80 },
		{ .kind = OCAP_NET_UDP, .host = "no-such-host.invalid",
		  .port = 53 },
	};
	ocap_plan *p = plan_with(gs, 2);

	(void)state;
	assert_non_null(p);
	assert_ret(ocap__net_resolve(p), -ENOENT);
	assert_string_equal(ocap_plan_error(p),
			    "argv: --udp no-such-host.invalid:53: cannot "
			    "resolve");
	ocap_plan_free(p);
}

/* ---- ocap__net_allows ------------------------------------------------- */

/* ip and port, and scope for an IPv6 address. */
static socklen_t sa_in(struct sockaddr_storage *ss, const char *ip,
		       uint16_t port, uint32_t scope)
{
	socklen_t len = sa_ip(ss, ip, port);

	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_scope_id = scope;
	return len;
}

static const struct ocap_net_grant allow_grants[] = {
	{ .kind = OCAP_NET_CONNECT, .host = "127.0.0.1", .port = 80 },
	{ .kind = OCAP_NET_CONNECT, .host = "::1", .port = 443 },
	{ .kind = OCAP_NET_CONNECT, .host = "localhost", .port = 5000 },
	{ .kind = OCAP_NET_CONNECT, .host = "fe80::1%lo", .port = 22 },
	{ .kind = OCAP_NET_CONNECT, .host = "*", .port = 8443 },
	{ .kind = OCAP_NET_LISTEN, .host = "*", .port = 8080 },
	{ .kind = OCAP_NET_LISTEN, .host = "127.0.0.1", .port = 9090 },
	{ .kind = OCAP_NET_UDP, .host = "10.0.0.1", .port = 53 },
	{ .kind = OCAP_NET_UNIX, .host = "/run/x.sock" },
};

static const struct {
	int kind;
	const char *ip;
	uint16_t port;
	int scope; /* -1: the loopback's index */
	bool want;
} allow_cases[] = {
	{ OCAP_NET_CONNECT, "127.0.0.1", 80, 0, true },
	{ OCAP_NET_CONNECT, "127.0.0.1", 81, 0, false },
	{ OCAP_NET_CONNECT, "127.0.0.2", 80, 0, false },
	{ OCAP_NET_CONNECT, "::ffff:127.0.0.1", 80, 0, true },
	{ OCAP_NET_CONNECT, "::ffff:127.0.0.2", 80, 0, false },
	{ OCAP_NET_CONNECT, "::1", 80, 0, false },
	{ OCAP_NET_CONNECT, "::1", 443, 0, true },
	{ OCAP_NET_CONNECT, "127.0.0.1", 443, 0, false },
	{ OCAP_NET_CONNECT, "127.0.0.1", 5000, 0, true },
	{ OCAP_NET_CONNECT, "fe80::1", 22, -1, true },
	{ OCAP_NET_CONNECT, "fe80::1", 22, 9999, false },
	{ OCAP_NET_CONNECT, "192.0.2.7", 8443, 0, true },
	{ OCAP_NET_CONNECT, "2001:db8::7", 8443, 0, true },
	{ OCAP_NET_CONNECT, "192.0.2.7", 8444, 0, false },
	{ OCAP_NET_CONNECT, "10.0.0.1", 53, 0, false }, /* a UDP grant */
	{ OCAP_NET_UDP, "10.0.0.1", 53, 0, true },
	{ OCAP_NET_UDP, "::ffff:10.0.0.1", 53, 0, true },
	{ OCAP_NET_UDP, "127.0.0.1", 80, 0, false }, /* a TCP grant */
	{ OCAP_NET_LISTEN, "0.0.0.0", 8080, 0, true },
	{ OCAP_NET_LISTEN, "::", 8080, 0, true },
	{ OCAP_NET_LISTEN, "0.0.0.0", 0, 0, false },
	{ OCAP_NET_LISTEN, "127.0.0.1", 9090, 0, true },
	{ OCAP_NET_LISTEN, "0.0.0.0", 9090, 0, false },
	{ OCAP_NET_LISTEN, "127.0.0.1", 80, 0, false }, /* a connect grant */
};

static void test_allows(void **state)
{
	ocap_plan *p = plan_with(allow_grants,
				 sizeof allow_grants / sizeof allow_grants[0]);
	struct sockaddr_storage ss;

	(void)state;
	assert_non_null(p);
	assert_ret(ocap__net_resolve(p), 0);
	for (size_t i = 0; i < sizeof allow_cases / sizeof allow_cases[0]; i++) {
		int scope = allow_cases[i].scope;
		socklen_t len = sa_in(&ss, allow_cases[i].ip,
				      allow_cases[i].port,
				      scope < 0 ? if_nametoindex("lo")
						: (uint32_t)scope);
		bool got = ocap__net_allows(p, allow_cases[i].kind,
					    (struct sockaddr *)&ss, len);
		if (got != allow_cases[i].want)
			fail_msg("case %zu: %s port %u: got %d", i,
				 allow_cases[i].ip, allow_cases[i].port, got);
		/* A short address is never allowed. */
		assert_false(ocap__net_allows(p, allow_cases[i].kind,
					      (struct sockaddr *)&ss, len - 1));
	}
	ocap_plan_free(p);
}

static socklen_t sa_un(struct sockaddr_un *s, const char *path, size_t n)
{
	memset(s, 0, sizeof *s);
	s->sun_family = AF_UNIX;
	memcpy(s->sun_path, path, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

static void test_allows_unix(void **state)
{
	ocap_plan *p = plan_with(allow_grants,
				 sizeof allow_grants / sizeof allow_grants[0]);
	struct sockaddr_un s;
	struct sockaddr_storage ss;
	const struct sockaddr *a = (const struct sockaddr *)&s;

	(void)state;
	assert_non_null(p);
	assert_ret(ocap__net_resolve(p), 0);
	assert_true(ocap__net_allows(p, OCAP_NET_UNIX, a,
				     sa_un(&s, "/run/x.sock", 11)));
	/* With its NUL counted in the length, as many programs pass it. */
	assert_true(ocap__net_allows(p, OCAP_NET_UNIX, a,
				     sa_un(&s, "/run/x.sock", 12)));
	assert_false(ocap__net_allows(p, OCAP_NET_UNIX, a,
				      sa_un(&s, "/run/x.soc", 10)));
	assert_false(ocap__net_allows(p, OCAP_NET_UNIX, a,
				      sa_un(&s, "/run/x.sock2", 12)));
	assert_false(ocap__net_allows(p, OCAP_NET_UNIX, a,
				      sa_un(&s, "/run/../run/x.sock", 18)));
	/* The abstract namespace is never granted. */
	assert_false(ocap__net_allows(p, OCAP_NET_UNIX, a,
				      sa_un(&s, "\0/run/x.sock", 12)));
	assert_false(ocap__net_allows(p, OCAP_NET_UNIX, a,
				      sa_un(&s, "", 0)));
	/* An IP address for a unix: check, and the other way round. */
	assert_false(ocap__net_allows(p, OCAP_NET_UNIX,
				      (struct sockaddr *)&ss,
				      sa_in(&ss, "127.0.0.1", 80, 0)));
	assert_false(ocap__net_allows(p, OCAP_NET_CONNECT, a,
				      sa_un(&s, "/run/x.sock", 11)));
	assert_false(ocap__net_allows(p, 0, a, sa_un(&s, "/run/x.sock", 11)));
	ocap_plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_name_errors),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_resolve_fails),
		cmocka_unit_test(test_allows),
		cmocka_unit_test(test_allows_unix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
