/* SPDX-License-Identifier: MIT */
/*
 * ocap_enter(): the portable half.  The backend probes and prepares
 * without changing anything, and network grants become a resolved plan,
 * so that a strict caller is refused with the process as it was; only
 * then is the network helper forked, and the process confined.  In a
 * program built with ocap-cc, the overlay then takes a copy of the
 * namespace as its own, so that open(2), stat(2), fopen(3) and the rest
 * keep working through it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ocap/enter.h>

#include "adopt.h"
#include "backend.h"
#include "casper.h"
#include "report.h"

/* Only in a program linked with the overlay (ocap-cc). */
#pragma weak ocap__ov_adopt

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

/* ns's capabilities on descriptors of the copy's own, at ns's working
 * directory (NULL: an empty namespace, every path ENOENT). */
static int ns_copy(const ocap_ns *ns, ocap_ns **out)
{
	char cwd[OCAP_NAME_MAX + 1];
	ocap_ns *c = NULL;
	int err = ocap_ns_new(&c);

	for (size_t i = 0; err == 0 && ns && i < ocap_ns_count(ns); i++) {
		const ocap_cap *e = ocap_ns_entry(ns, i);
		int fd = ocap_cap_fd(e);
		ocap_cap *cap;

		/* Endpoints and listeners hold none. */
		if (fd >= 0 && (fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0) {
			err = -errno;
			break;
		}
		err = ocap_cap_from_fd(fd, ocap_cap_kind(e), ocap_cap_rights(e),
				       ocap_cap_name(e), &cap);
		if (err < 0 && fd >= 0)
			close(fd);
		if (err == 0 && (err = ocap_ns_mount(c, cap)) < 0)
			ocap_cap_close(cap);
	}
	/* getcwd only reads: the lock it takes is not the caller's state. */
	if (err == 0 && ns &&
	    ocap_ns_getcwd((ocap_ns *)ns, cwd, sizeof cwd) == 0)
		(void)ocap_ns_chdir(c, cwd);
	if (err < 0) {
		if (c)
			ocap_ns_free(c);
		return err;
	}
	*out = c;
	return 0;
}

int ocap_enter(const ocap_ns *ns, unsigned flags,
	       struct ocap_enter_report *report)
{
	struct ocap_enter_report local = { 0 };
	struct ocap_enter_report *r = report ? report : &local;
	struct ocap__entry *e = NULL;
	ocap_ns *overlay = NULL;
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
	if (!err && ocap__ov_adopt)
		err = ns_copy(ns, &overlay);
	/* Forked before anything is confined: the helper confines itself
	 * to its own needs, and must not inherit the process's domain. */
	if (!err)
		err = ocap__casper_start(net, r);
	if (!err && (err = ocap__be_enter_apply(e, r)) < 0)
		ocap__casper_undo(r);
	if (!err && overlay) {
		ocap__ov_adopt(overlay);
		overlay = NULL;
	}
	if (overlay)
		ocap_ns_free(overlay);
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
