/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_REPORT_H
#define OCAP_LAUNCH_REPORT_H

/* Filling an ocap_enter_report (enter.c), for the backend's probes. */

#include <ocap/enter.h>

#include "hidden.h"

/* Add one item: what, whether enforced, and a printf-style line. */
__attribute__((format(printf, 4, 5)))
hidden void ocap__report_add(struct ocap_enter_report *r, const char *what,
			     int enforced, const char *fmt, ...);

#endif
