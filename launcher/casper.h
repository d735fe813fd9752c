/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_CASPER_H
#define OCAP_LAUNCH_CASPER_H

/*
 * Network grants kept through ocap_enter(), after Capsicum's casper
 * services: the plan the namespace's endpoint and listener capabilities
 * make (enter_net.c), the helper process that serves it (linux/casper.c)
 * and the broker loop the helper runs (broker/serve.c).
 */

#include <stddef.h>

#include <ocap/enter.h>

#include "plan.h"

/* The plan of what ns keeps through entering: its network grants,
 * parsed as ocapsh parses them and resolved, and its directories and
 * files (duplicated descriptors) for the table.  *out is NULL when ns
 * grants no network.  -EINVAL for a capability whose name is no grant of
 * its kind, or network grants with OCAP_ENTER_NO_NET; -EEXIST when
 * $OCAP_ROOT is set already; -ENOENT when a granted name does not
 * resolve.  Each says why in r. */
hidden int ocap__enter_net_plan(const ocap_ns *ns, unsigned flags,
				struct ocap_enter_report *r, ocap_plan **out);

/* "tcp:example.com:443, listen:..." for the report, cut to size. */
hidden void ocap__enter_net_names(const ocap_plan *p, char *buf,
				  size_t size);

/* Fork the helper that serves p (NULL: nothing to do), see it confine
 * itself, and name its root descriptor in $OCAP_ROOT.  On failure the
 * helper is gone and nothing has changed. */
hidden int ocap__casper_start(const ocap_plan *p,
			      struct ocap_enter_report *r);

/* Undo a started helper when entering fails after it: the root
 * descriptor closed (the helper leaves once nobody holds it), $OCAP_ROOT
 * unset, the helper reaped.  Nothing when none was started. */
hidden void ocap__casper_undo(struct ocap_enter_report *r);

/* The helper's broker: serve rootfd and its sessions until no channel is
 * left.  Before serving it confines itself as ocapsh's broker does and
 * writes 0, or the -errno it failed with, to readyfd. */
hidden int ocap__broker_serve(ocap_plan *p, int rootfd, int readyfd,
			      int endfd);

/* forked.c: close every descriptor but keep[n] (sorted in place); write
 * v whole to fd (-EPIPE otherwise). */
hidden int ocap__close_except(int *keep, size_t n);
hidden int ocap__write_int(int fd, int v);

#endif
