/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_LINUX_ENFORCE_H
#define OCAP_LAUNCH_LINUX_ENFORCE_H

/* What the Linux backend compiles a plan into (backend.h's opaque type). */

#include "backend.h"
#include "sandbox.h"

struct ocap__enforce {
	struct ocap_ll_plan ll;      /* paths point into paths below */
	struct ocap_ll_path *paths;  /* one per path grant, fd bound later */
	int abi;                     /* the running kernel's Landlock ABI */
	int sc_mode;                 /* enum ocap_sc_mode */
	const char **sc_extra;       /* compiled at launch when not empty */
	size_t nsc_extra;
	bool broker_binds_low;       /* the broker keeps CAP_NET_BIND_SERVICE */
	bool in_place;               /* ocap_exec(): no broker at all */
	bool learn;                  /* --learn lets reads through (compat) */
};

/* confine.c: whether a --listen grant names a port below 1024, which
 * the broker binds for the program and keeps the capability for. */
hidden bool ocap__broker_binds_low(const ocap_plan *p);

#endif
