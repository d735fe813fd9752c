/* SPDX-License-Identifier: MIT */
/*
 * The Linux backend: a plan's grants as one Landlock ruleset and one of
 * the two seccomp programs (plus the allowances grants need).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "compile.h"
#include "enforce.h"
#include "json.h"
#include "netgrant.h"

/* Whether Yama lets the broker read the program's memory and take its
 * descriptors (ptrace access): scope 1 allows an ancestor, which the
 * broker is; 2 only a holder of CAP_SYS_PTRACE, which the broker drops
 * (confine.c) whoever the caller is; 3 nobody. */
static bool yama_allows(void)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	char line[16] = "";
	long scope = 0;

	if (f) {
		scope = fgets(line, sizeof line, f) ? strtol(line, NULL, 10) : 3;
		fclose(f);
	}
	return scope < 2;
}

/* Whether this process's filters, if any, let it install one with a
 * listener: not when one of them has a listener already (EBUSY), as
 * under another supervisor, nor inside ocapsh, whose filter refuses a
 * listener (EPERM) so that the program cannot answer for the broker.
 * Tried in a child, which keeps what it installs. */
static bool can_supervise(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };
	pid_t pid;
	int st;

	if (!yama_allows())
		return false;
	/* 0: no filter; refused by a filter, as filtered. */
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0)
		return true;
	if ((pid = fork()) < 0)
		return false;
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog) < 0)
			_exit(1);
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Without a supervisor, metadata changes in write grants are refused:
 * chmod +x, cp -p and tar x would leave wrong modes without failing. */
static int check_unsupervised(ocap_plan *p)
{
	static const char why[] =
		"no supervisor can work here (ocapsh runs inside another "
		"sandbox, ocapsh or not, whose seccomp filter keeps the one "
		"listener there may be, or Yama's ptrace_scope forbids it): "
		"chmod, chown and utime calls would be refused";
	static const char why_exec[] =
		"--exec: no supervisor runs in place: chmod, chown and utime "
		"calls would be refused";

	for (size_t i = 0; i < p->npaths; i++) {
		const struct ocap_path_grant *g = &p->paths[i];

		if (g->runtime || !(g->rights & OCAP_RIGHT_WRITE))
			continue;
		if (!p->best_effort)
			return ocap__plan_fail(p, -EOPNOTSUPP, "%s: %s: %s",
					       g->where, g->name,
					       p->in_place ? why_exec : why);
		return ocap__plan_warn(p, "%s", p->in_place ? why_exec : why);
	}
	return 0;
}

/* Native programs may not make datagram sockets (sendmsg could name any
 * address) and the broker relays no datagrams yet. */
static int check_native_net(ocap_plan *p)
{
	for (size_t i = 0; i < p->nnets; i++) {
		const struct ocap_net_grant *g = &p->nets[i];
		char name[300];

		if (g->kind != OCAP_NET_UDP)
			continue;
		ocap__net_name(g, name, sizeof name);
		if (!p->best_effort)
			return ocap__plan_fail(p, -EOPNOTSUPP,
					       "%s: %s: native mode has no UDP "
					       "yet", g->where, name);
		ocap__plan_warn(p, "%s: native mode has no UDP yet: not "
				   "granted", name);
	}
	return 0;
}

/* What compat mode cannot limit: Landlock judges TCP by port alone.
 * Supervised, the broker judges connect, bind, listen and the sends that
 * name an address by host and port, and unix: paths as native mode
 * does. */
static int check_compat_net(ocap_plan *p, bool supervised)
{
	for (size_t i = 0; i < p->nnets; i++) {
		const struct ocap_net_grant *g = &p->nets[i];
		const char *why = NULL;
		char name[300];

		if (supervised)
			continue;
		if (g->kind == OCAP_NET_CONNECT && strcmp(g->host, "*"))
			why = "compat mode limits TCP by port only: any host "
			      "on this port is reachable";
		else if (g->kind == OCAP_NET_LISTEN)
			why = "compat mode limits bind by port only, and "
			      "listen() on an unbound socket takes an "
			      "unchecked ephemeral port";
		else if (g->kind == OCAP_NET_UDP)
			why = "compat mode cannot limit UDP by host or port";
		else if (g->kind == OCAP_NET_UNIX)
			why = "compat mode cannot limit which Unix socket is "
			      "connected to";
		if (!why)
			continue;
		ocap__net_name(g, name, sizeof name);
		if (!p->best_effort)
			return ocap__plan_fail(p, -EOPNOTSUPP, "%s: %s: %s",
					       g->where, name, why);
		ocap__plan_warn(p, "%s: %s", name, why);
	}
	return 0;
}

#define FAMILY_MAX 8

static bool listed(const char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

/* What the seccomp program allows beyond its default: the calls each
 * --allow-syscall name brings back, and in compat mode the allowances
 * network grants need. */
static int sc_extras(const ocap_plan *p, bool compat, struct ocap__enforce *e)
{
	const char **v = calloc(p->nallow * FAMILY_MAX + 6, sizeof *v);
	bool udp = false, unix_ = false, listen_ = false;
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < p->nallow; i++) {
		const char *calls[FAMILY_MAX];
		size_t k = ocap__be_syscall_family(p->allow_syscalls[i], calls,
						   FAMILY_MAX);

		for (size_t j = 0; j < k; j++)
			if (!listed(v, n, calls[j]))
				v[n++] = calls[j];
	}
	for (size_t i = 0; compat && i < p->nnets; i++) {
		udp |= p->nets[i].kind == OCAP_NET_UDP;
		unix_ |= p->nets[i].kind == OCAP_NET_UNIX;
		listen_ |= p->nets[i].kind == OCAP_NET_LISTEN;
	}
	if (udp)
		v[n++] = OCAP_SC_ALLOW_UDP;
	if (unix_)
		v[n++] = OCAP_SC_ALLOW_UNIX;
	if (listen_)
		v[n++] = OCAP_SC_ALLOW_LISTEN;
	if (compat && p->hide_metadata)
		v[n++] = OCAP_SC_HIDE;
	if (compat && p->suggest)
		v[n++] = OCAP_SC_SUGGEST;
	e->sc_extra = v;
	e->nsc_extra = n;
	return 0;
}

static void ll_gap(void *ctx, const char *reason)
{
	ocap__plan_warn(ctx, "%s", reason);
}

/* The Landlock plan: one rule per path grant (descriptors come with
 * ocap__be_bind) and, in compat mode, the TCP ports.  Native programs
 * make no TCP connection or bind of their own: the broker does both. */
static int ll_plan(const struct ocap_compiled *c, bool compat,
		   struct ocap__enforce *e)
{
	const ocap_plan *p = c->plan;
	struct ocap_ll_plan *ll = &e->ll;
	uint16_t *conn = calloc(p->nnets + 1, sizeof *conn);
	uint16_t *bind = calloc(p->nnets + 1, sizeof *bind);

	e->paths = calloc(c->npaths + 1, sizeof *e->paths);
	ll->connect_ports = conn;
	ll->bind_ports = bind;
	if (!e->paths || !conn || !bind)
		return -ENOMEM;
	for (size_t i = 0; i < c->npaths; i++)
		e->paths[i] = (struct ocap_ll_path){
			.fd = c->paths[i].fd, .rights = c->paths[i].rights };
	ll->paths = e->paths;
	ll->npaths = c->npaths;
	for (size_t i = 0; compat && i < p->nnets; i++) {
		if (p->nets[i].kind == OCAP_NET_CONNECT)
			conn[ll->nconnect++] = p->nets[i].port;
		else if (p->nets[i].kind == OCAP_NET_LISTEN)
			bind[ll->nbind++] = p->nets[i].port;
	}
	ll->flags = p->best_effort ? OCAP_LL_BEST_EFFORT : 0;
	return 0;
}

/* Each gap of this kernel fails the plan, or with best effort is a
 * warning, reported here once (not again by the child). */
static int check_landlock(ocap_plan *p, struct ocap__enforce *e)
{
	char why[256] = "";
	int r;

	e->ll.gap = p->best_effort ? ll_gap : NULL;
	e->ll.gap_ctx = p;
	r = ocap__ll_check(&e->ll, e->abi, why, sizeof why);
	e->ll.gap = NULL;
	e->ll.gap_ctx = NULL;
	if (r > 0 && !p->best_effort)
		return ocap__plan_fail(p, -EOPNOTSUPP, "%s", why);
	return 0;
}

int ocap__be_compile(const struct ocap_compiled *c, struct ocap__enforce **out)
{
	ocap_plan *p = c->plan;
	bool compat = c->mode == OCAP_MODE_COMPAT;
	struct ocap__enforce *e = calloc(1, sizeof *e);
	int r;

	if (!e)
		return -ENOMEM;
	/* In place (ocap_exec()) nobody would listen: the program without
	 * user notifications, whose checks below then apply. */
	e->in_place = p->in_place;
	if (!p->in_place && can_supervise())
		e->sc_mode = compat ? OCAP_SC_SUPER : OCAP_SC_NSUPER;
	else
		e->sc_mode = compat ? OCAP_SC_COMPAT : OCAP_SC_NATIVE;
	e->abi = ocap__ll_abi();
	r = compat ? check_compat_net(p, ocap__sc_supervised(e->sc_mode))
		   : check_native_net(p);
	if (r == 0 && !ocap__sc_supervised(e->sc_mode))
		r = check_unsupervised(p);
	if (r == 0 && compat && p->hide_metadata &&
	    !ocap__sc_supervised(e->sc_mode)) {
		if (!p->best_effort)
			r = ocap__plan_fail(p, -EOPNOTSUPP, "--hide-metadata: no "
					    "supervisor can work here");
		else
			r = ocap__plan_warn(p, "--hide-metadata: no supervisor "
					       "can work here: metadata outside "
					       "the grants stays visible");
	}
	e->broker_binds_low = ocap__broker_binds_low(p);
	e->learn = p->learn && e->sc_mode == OCAP_SC_SUPER;
	if (r == 0 && (r = ll_plan(c, compat, e)) == 0 &&
	    (r = sc_extras(p, compat, e)) == 0)
		r = check_landlock(p, e);
	if (r < 0) {
		ocap__be_free(e);
		return r;
	}
	*out = e;
	return 0;
}

int ocap__be_bind(struct ocap__enforce *e, const struct ocap_compiled *c)
{
	if (c->npaths != e->ll.npaths)
		return -EINVAL;
	for (size_t i = 0; i < c->npaths; i++) {
		e->paths[i].fd = c->paths[i].fd;
		e->paths[i].kind = c->paths[i].kind; /* what open recorded */
	}
	return 0;
}

static void ports(FILE *f, const uint16_t *v, size_t n, bool json)
{
	if (!json && n == 0)
		fputs("none", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%u", i ? (json ? "," : " ") : "", v[i]);
}

static bool hides(const struct ocap__enforce *e)
{
	return listed(e->sc_extra, e->nsc_extra, OCAP_SC_HIDE);
}

void ocap__be_describe(const struct ocap__enforce *e, FILE *f, bool json)
{
	const struct ocap_ll_plan *ll = &e->ll;
	bool scoped = e->abi >= 6;

	if (json) {
		fprintf(f, "\"landlock\":{\"abi\":%d,\"path_rules\":%zu,"
			   "\"connect_ports\":[", e->abi, ll->npaths);
		ports(f, ll->connect_ports, ll->nconnect, true);
		fputs("],\"bind_ports\":[", f);
		ports(f, ll->bind_ports, ll->nbind, true);
		fprintf(f, "],\"scoped\":%s},\"seccomp\":{\"program\":\"%s\","
			   "\"reachable\":%d,\"supervised\":%s,\"also_allowed\":",
			scoped ? "true" : "false", ocap__seccomp_mode_name(e->sc_mode),
			ocap__seccomp_count(e->sc_mode),
			ocap__sc_supervised(e->sc_mode) ? "true" : "false");
		ocap__json_strv(f, e->sc_extra, e->nsc_extra);
		if (e->in_place) {
			fputs("},\"broker\":null,", f);
			return;
		}
		fprintf(f, "},\"broker\":{\"process\":\"own\","
			   "\"landlock\":%s,\"capabilities\":[%s],"
			   "\"seccomp\":\"allowlist\"},",
			e->abi > 0 ? "true" : "false",
			e->broker_binds_low ? "\"CAP_NET_BIND_SERVICE\"" : "");
		return;
	}
	fprintf(f, "landlock:     ABI %d; %zu path rules; tcp connect ports: ",
		e->abi, ll->npaths);
	ports(f, ll->connect_ports, ll->nconnect, false);
	fprintf(f, "; tcp bind ports: ");
	ports(f, ll->bind_ports, ll->nbind, false);
	fprintf(f, "; abstract unix sockets and signals %s\n",
		scoped ? "scoped" : "not scoped");
	fprintf(f, "seccomp:      default-deny %s program, %d system calls "
		   "reachable", ocap__seccomp_mode_name(e->sc_mode),
		ocap__seccomp_count(e->sc_mode));
	for (size_t i = 0; i < e->nsc_extra; i++)
		fprintf(f, "%s%s", i ? " " : "; also allowed: ", e->sc_extra[i]);
	fputc('\n', f);
	if (e->sc_mode == OCAP_SC_SUPER && hides(e))
		fputs("hidden:       stat, access, readlink, getxattr and statfs "
		      "of paths outside the grants answer ENOENT "
		      "(--hide-metadata)\n", f);
	if (e->learn)
		fputs("learning:     a read-only open outside the grants, of a "
		      "regular file or directory beneath the folder ocapsh "
		      "started in (unless broad) or, readable by all, beneath "
		      "/usr /etc /opt /lib /lib64 /bin /sbin, not a secret, is "
		      "opened by the broker, handed over and learned (--learn); "
		      "the rest, writes, executions and secrets are refused\n",
		      f);
	if (e->sc_mode == OCAP_SC_SUPER)
		fputs("supervisor:   the broker performs chmod, chown, utime and "
		      "setxattr calls inside write grants (or on a file open "
		      "for writing), with the program's credentials, no new "
		      "set-ID bit; connect, bind and listen by host and port; "
		      "names resolve through the broker\n", f);
	else if (e->sc_mode == OCAP_SC_NSUPER)
		fputs("supervisor:   the broker performs chmod, chown, utime and "
		      "setxattr calls on descriptors inside write grants (or "
		      "open for writing), with the program's credentials, no "
		      "new set-ID bit\n", f);
	if (e->in_place)
		return; /* the launch's own lines say what there is instead */
	fprintf(f, "broker:       a process of its own, confined: %s; "
		   "capabilities: %s; a seccomp allowlist of its own (no "
		   "exec, no new process, no kill)\n",
		e->abi <= 0 ? "no Landlock on this kernel"
		: e->learn  ? "Landlock to the grants, reading everywhere "
			      "(--learn), the granted TCP ports"
			    : "Landlock to the grants and what serving them "
			      "reads, the granted TCP ports",
		e->broker_binds_low ? "CAP_NET_BIND_SERVICE at most" : "none");
}

void ocap__be_free(struct ocap__enforce *e)
{
	if (!e)
		return;
	free(e->paths);
	free((void *)e->ll.connect_ports);
	free((void *)e->ll.bind_ports);
	free(e->sc_extra);
	free(e);
}
