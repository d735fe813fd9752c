/* SPDX-License-Identifier: MIT */
/*
 * ocap_enter(): the portable half.  The backend probes and prepares
 * without changing anything, and network grants become a resolved plan,
 * so that a strict caller is refused with the process as it was; only
 * then is the network helper forked, and the process confined.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ocap/enter.h>

#include "backend.h"
#include "casper.h"
#include "report.h"

void ocap__report_add(struct ocap_enter_report *r, const char *what,
		      int enforced, const char *fmt, ...)
{
	struct ocap_enter_item *it;
	va_list ap;

	if (!enforced)
		r->nunenforced++; /* counted even when the list is full */
	if (r->nitems == OCAP_ENTER_ITEMS_MAX)
		return;
	it = &r->items[r->nitems++];
	snprintf(it->what, sizeof it->what, "%s", what);
	it->enforced = enforced;
	va_start(ap, fmt);
	vsnprintf(it->how, sizeof it->how, fmt, ap);
	va_end(ap);
}

static int check_flags(unsigned flags)
{
	unsigned mode = flags & (OCAP_ENTER_STRICT | OCAP_ENTER_BEST_EFFORT);

	if (flags & ~OCAP_ENTER_FLAGS)
		return -EINVAL;
	/* Exactly one: neither is a choice the caller has not made. */
	if (mode != OCAP_ENTER_STRICT && mode != OCAP_ENTER_BEST_EFFORT)
		return -EINVAL;
	return 0;
}

int ocap_enter(const ocap_ns *ns, unsigned flags,
	       struct ocap_enter_report *report)
{
	struct ocap_enter_report local = { 0 };
	struct ocap_enter_report *r = report ? report : &local;
	struct ocap__entry *e = NULL;
	ocap_plan *net = NULL;
	int err;

	memset(r, 0, sizeof *r);
	r->flags = flags;
	r->root_fd = -1;
	if ((err = check_flags(flags)) < 0)
		return err;
	err = ocap__be_enter_prepare(ns, flags, r, &e);
	if (!err)
		err = ocap__enter_net_plan(ns, flags, r, &net);
	if (!err && r->nunenforced > 0 && (flags & OCAP_ENTER_STRICT))
		err = -EOPNOTSUPP;
	/* Forked before anything is confined: the helper confines itself
	 * to its own needs, and must not inherit the process's domain. */
	if (!err)
		err = ocap__casper_start(net, r);
	if (!err && (err = ocap__be_enter_apply(e, r)) < 0)
		ocap__casper_undo(r);
	ocap__be_enter_free(e);
	ocap_plan_free(net);
	return err;
}

int ocap_enter_report_print(const struct ocap_enter_report *r, FILE *out)
{
	if (!r || !out)
		return -EINVAL;
	for (size_t i = 0; i < r->nitems; i++) {
		const struct ocap_enter_item *it = &r->items[i];

		if (fprintf(out, "%-12s  %-12s  %s\n",
			    it->enforced ? "enforced" : "NOT enforced",
			    it->what, it->how) < 0)
			return -EIO;
	}
	return 0;
}
