/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_LINUX_CLASSES_H
#define OCAP_LAUNCH_LINUX_CLASSES_H

/*
 * The classes of calls ocap_enter() can drop (OCAP_ENTER_NO_*): one
 * seccomp filter per class, compiled with libseccomp at build time by
 * gen-seccomp (classes.c), loaded raw before the native program (which
 * refuses seccomp(2)).  Filters stack: every one runs on every call and
 * the stricter answer wins.
 */

#include <stdbool.h>
#include <stddef.h>

#include <linux/filter.h>

#include "hidden.h"

struct ocap_enter_report;

/* Build time: compile the filter refusing flags' classes into a
 * malloc'ed program (classes.c, libseccomp). */
hidden int ocap__enter_classes_compile(unsigned flags,
				       struct sock_filter **prog, size_t *len);

/* The prebuilt filter of one class (the source gen-seccomp writes);
 * -EINVAL for anything but one OCAP_ENTER_NO_* bit. */
hidden int ocap__enter_class_prebuilt(unsigned flag,
				      const struct sock_filter **prog,
				      size_t *len);

/* Load the prebuilt filter of each class flags drops, on the calling
 * thread; the caller has set no_new_privs.  0 or -errno. */
hidden int ocap__enter_classes_load(unsigned flags);

/* One report item per class flags drops: what is refused, or why it
 * cannot be (no seccomp; openat2 without Landlock). */
hidden void ocap__enter_classes_report(unsigned flags, bool seccomp, int abi,
				       struct ocap_enter_report *r);

#endif
