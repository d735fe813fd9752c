/* SPDX-License-Identifier: MIT */
/*
 * Network grants kept through ocap_enter().  They travel in the namespace
 * as endpoint and listener capabilities named as the broker's table names
 * them ("tcp:example.com:443"), so that a namespace fetched from ocapsh's
 * broker and one made with ocap_enter_grant() say the same.  Before
 * entering they become a plan again, through ocapsh's own option parser,
 * and their hosts are resolved, as ocapsh resolves them at launch.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "casper.h"
#include "netgrant.h"
#include "report.h"

/* How a table name spells each option: "unix:PATH" is --connect's value
 * whole, the others drop their prefix. */
static const struct spelling {
	const char *prefix;
	const char *opt;
	bool whole;
	int kind;
	ocap_rights_t right;
} spellings[] = {
	{ "tcp:", "--connect", false, OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT },
	{ "udp:", "--udp", false, OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT },
	{ "unix:", "--connect", true, OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT },
	{ "listen:", "--listen", false, OCAP_KIND_LISTENER, OCAP_RIGHT_LISTEN },
};

static const struct spelling *spelling_of(const char *name)
{
	for (size_t i = 0; i < sizeof spellings / sizeof *spellings; i++)
		if (!strncmp(name, spellings[i].prefix,
			     strlen(spellings[i].prefix)))
			return &spellings[i];
	return NULL;
}

static bool is_net(const ocap_cap *c)
{
	int kind = ocap_cap_kind(c);

	return kind == OCAP_KIND_ENDPOINT || kind == OCAP_KIND_LISTENER;
}

int ocap_enter_grant(ocap_ns *ns, const char *opt, const char *value)
{
	char name[OCAP_NAME_MAX + 1];
	const struct spelling *sp;
	const ocap_cap *old;
	ocap_plan *p;
	ocap_cap *c;
	int r;

	if (!ns || !opt || !value ||
	    (strcmp(opt, "--connect") && strcmp(opt, "--listen") &&
	     strcmp(opt, "--udp")))
		return -EINVAL;
	if ((r = ocap_plan_new(&p)) < 0)
		return r;
	if ((r = ocap_plan_option(p, opt, value, NULL, NULL)) == 0)
		r = ocap__net_name(&p->nets[0], name, sizeof name);
	ocap_plan_free(p);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	sp = spelling_of(name);
	if ((old = ocap_ns_find(ns, name)))
		return ocap_cap_kind(old) == sp->kind ? 0 : -EEXIST;
	if ((r = ocap_cap_from_fd(-1, sp->kind, sp->right, name, &c)) < 0)
		return r;
	if ((r = ocap_ns_mount(ns, c)) < 0)
		ocap_cap_close(c);
	return r;
}

/* One endpoint or listener capability as the grant its name spells; one
 * whose right was dropped grants nothing. */
static int add_net(ocap_plan *p, const ocap_cap *c,
		   struct ocap_enter_report *r)
{
	const char *name = ocap_cap_name(c);
	const struct spelling *sp = spelling_of(name);
	int err;

	if (!sp || sp->kind != ocap_cap_kind(c)) {
		ocap__report_add(r, "network", 0, "%s capability %s: not a "
				 "grant of its kind (tcp:, udp:, unix: or "
				 "listen:)", ocap_kind_name(ocap_cap_kind(c)),
				 name);
		return -EINVAL;
	}
	if (!(ocap_cap_rights(c) & sp->right))
		return 0;
	err = ocap_plan_option(p, sp->opt,
			       sp->whole ? name : name + strlen(sp->prefix),
			       name, "/");
	if (err < 0)
		ocap__report_add(r, "network", 0, "%s", ocap_plan_error(p));
	return err;
}

/* A directory or file, for the helper's table and its Landlock rules,
 * held through a descriptor of the plan's own. */
static int add_path(ocap_plan *p, const ocap_cap *c)
{
	size_t n = p->npaths;
	struct ocap_path_grant *g;
	int err;

	err = ocap__plan_add_path(p, ocap_cap_name(c), ocap_cap_rights(c),
				  "namespace", false);
	if (err < 0 || p->npaths == n)
		return err; /* the same name twice: rights added up */
	g = &p->paths[n];
	g->kind = ocap_cap_kind(c);
	g->fd = fcntl(ocap_cap_fd(c), F_DUPFD_CLOEXEC, 3);
	return g->fd < 0 ? -errno : 0;
}

static int build(ocap_plan *p, const ocap_ns *ns, struct ocap_enter_report *r)
{
	int err = 0;

	for (size_t i = 0; err == 0 && i < ocap_ns_count(ns); i++) {
		const ocap_cap *c = ocap_ns_entry(ns, i);
		int kind = ocap_cap_kind(c);

		if (is_net(c))
			err = add_net(p, c, r);
		else if (kind == OCAP_KIND_DIR || kind == OCAP_KIND_FILE)
			err = add_path(p, c);
	}
	if (err == 0 && (err = ocap__net_resolve(p)) < 0)
		ocap__report_add(r, "network", 0, "%s", ocap_plan_error(p));
	return err;
}

void ocap__enter_net_names(const ocap_plan *p, char *buf, size_t size)
{
	char name[OCAP_NAME_MAX + 1];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->nnets && len < size; i++) {
		if (ocap__net_name(&p->nets[i], name, sizeof name) < 0)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					len ? ", " : "", name);
	}
}

int ocap__enter_net_plan(const ocap_ns *ns, unsigned flags,
			 struct ocap_enter_report *r, ocap_plan **out)
{
	char names[200];
	ocap_plan *p;
	size_t n = 0;
	int err;

	*out = NULL;
	for (size_t i = 0; i < ocap_ns_count(ns); i++)
		n += is_net(ocap_ns_entry(ns, i));
	if (n == 0)
		return 0;
	if (flags & OCAP_ENTER_NO_NET) {
		ocap__report_add(r, "network", 0, "%zu network grants and "
				 "OCAP_ENTER_NO_NET: choose one", n);
		return -EINVAL;
	}
	/* Its answers would be another broker's, and ocap_root() may have
	 * fetched that broker's table already. */
	if (getenv(OCAP_ROOT_ENV)) {
		ocap__report_add(r, "network", 0, "$%s is set: the process has "
				 "a broker already", OCAP_ROOT_ENV);
		return -EEXIST;
	}
	if ((err = ocap_plan_new(&p)) < 0)
		return err;
	if ((err = build(p, ns, r)) < 0) {
		ocap_plan_free(p);
		return err;
	}
	if (p->nnets == 0) { /* every right dropped */
		ocap_plan_free(p);
		return 0;
	}
	ocap__enter_net_names(p, names, sizeof names);
	ocap__report_add(r, "network", 1, "kept through a helper forked "
			 "before entering, which confines itself: %s", names);
	*out = p;
	return 0;
}
