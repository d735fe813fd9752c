/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_LINUX_CLASSES_H
#define OCAP_LAUNCH_LINUX_CLASSES_H

/*
 * The classes of calls ocap_enter() can drop (OCAP_ENTER_NO_*): one
 * seccomp filter, compiled with libseccomp, loaded before the native
 * program (which refuses seccomp(2)).  Both run on every call; the
 * stricter answer wins.
 */

#include <stdbool.h>
#include <stddef.h>

#include <linux/filter.h>

#include "hidden.h"

struct ocap_enter_report;

/* Compile the filter for flags' classes into a malloc'ed program. */
hidden int ocap__enter_classes(unsigned flags, struct sock_filter **prog,
			       size_t *len);

/* One report item per class flags drops: what is refused, or why it
 * cannot be (no seccomp; openat2 without Landlock). */
hidden void ocap__enter_classes_report(unsigned flags, bool seccomp, int abi,
				       struct ocap_enter_report *r);

#endif
