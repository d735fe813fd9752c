/* SPDX-License-Identifier: MIT */
/*
 * ocap_exec(): the program in place of the caller, confined by the
 * stages a launched program goes through, with no broker and no
 * supervisor.  What needs either is refused before anything is opened.
 */
#include <errno.h>
#include <string.h>

#include "netgrant.h"
#include "prepare.h"

/* The one network grant Landlock enforces alone: TCP connect to any
 * host on a port.  The others need the broker to judge the host or the
 * socket (ocap__be_compile() says so for a supervised launch too). */
static int in_place_net(ocap_plan *p, const struct ocap_net_grant *g)
{
	static const char *const opt[] = {
		[OCAP_NET_CONNECT] = "--connect",
		[OCAP_NET_LISTEN] = "--listen",
		[OCAP_NET_UDP] = "--udp",
		[OCAP_NET_UNIX] = "--connect",
	};
	char name[300];

	if (g->kind == OCAP_NET_CONNECT && !strcmp(g->host, "*"))
		return 0;
	ocap__net_name(g, name, sizeof name);
	return ocap__plan_fail(p, -EINVAL, "%s: --exec: %s (%s) needs the "
			       "broker%s", g->where, opt[g->kind], name,
			       g->kind == OCAP_NET_CONNECT
				       ? ": Landlock limits TCP by port only, "
					 "which --connect *:PORT grants"
				       : "");
}

int ocap__in_place_check(ocap_plan *p, const struct ocap_compiled *c)
{
	const char *needs = NULL;

	if (!p->in_place)
		return 0;
	/* Asked for, or chosen from the program's note once compiled. */
	if ((c ? c->mode : p->mode) == OCAP_MODE_NATIVE)
		return ocap__plan_fail(p, -EINVAL, "--exec: %s runs in native "
				       "mode, which reaches files only through "
				       "the broker's root descriptor; --mode "
				       "compat runs it unmodified",
				       p->prog ? p->prog : "the program");
	if (c)
		return 0;
	if (p->keep_tmpdir)
		needs = "--keep-tmpdir: no private temporary directory is "
			"made in place";
	else if (p->suggest)
		needs = "--suggest and --learn need the supervisor";
	else if (p->hide_metadata)
		needs = "--hide-metadata needs the supervisor";
	else if (p->verbose || p->log_fn)
		needs = "-v needs the broker, which logs the denials";
	if (needs)
		return ocap__plan_fail(p, -EINVAL, "--exec: %s", needs);
	for (size_t i = 0; i < p->nnets; i++)
		if (in_place_net(p, &p->nets[i]) < 0)
			return -EINVAL;
	return 0;
}

int ocap_plan_in_place(ocap_plan *p)
{
	if (!p)
		return -EINVAL;
	if (!p->in_place && (p->compiled || p->launched))
		return ocap__plan_fail(p, -EBUSY, "--exec: the plan was "
				       "checked for ocap_launch() already");
	p->in_place = true;
	p->no_tmpdir = true; /* nobody would be left to remove it */
	return ocap__in_place_check(p, NULL);
}

int ocap_exec(ocap_plan *p)
{
	struct ocap_compiled *cp;
	struct ocap_child c = { .errfd = -1, .progfd = -1, .superfd = -1,
				.rootfd = -1, .broker = 0 };
	struct ocap_child_err e;
	int r;

	if (!p)
		return -EINVAL;
	if (p->launched)
		return ocap__plan_fail(p, -EBUSY, "the plan has run");
	if ((r = ocap_plan_in_place(p)) < 0)
		return r;
	p->launched = true;
	if ((r = ocap__compile(p, &cp)) < 0 || (r = ocap__launch_open(cp)) < 0)
		return r;
	/* No root descriptor (descriptor 3 is closed at exec with the
	 * rest), and no broker whose death would end the program. */
	c.c = cp;
	e = ocap__be_child_run(&c);
	if (e.stage == OCAP_STAGE_EXEC)
		p->exit_hint = e.err == ENOENT ? OCAP_EXIT_NOT_FOUND
					       : OCAP_EXIT_CANNOT_EXEC;
	return ocap__child_failed(p, &e);
}
