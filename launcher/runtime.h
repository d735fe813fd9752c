/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_RUNTIME_H
#define OCAP_LAUNCH_RUNTIME_H

#include "exe.h"
#include "plan.h"

/* The runtime set (compat mode), and the executable with the interpreters
 * the kernel opens for it (every mode): grants marked runtime. */
hidden int ocap__runtime_add(ocap_plan *p);
hidden int ocap__runtime_exe(ocap_plan *p, const struct ocap_exe *x);
/* Compat programs that hold a network grant get libocap-resolve.so
 * preloaded (p->shim, granted read and exec): their names are resolved
 * by the broker. */
hidden int ocap__runtime_shim(ocap_plan *p);

#endif
