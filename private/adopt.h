/* SPDX-License-Identifier: MIT */
#ifndef OCAP_PRIVATE_ADOPT_H
#define OCAP_PRIVATE_ADOPT_H

/*
 * The musl overlay's side of ocap_enter(3).  Once a program built with
 * ocap-cc has entered, its global calls (open, stat, fopen, opendir...)
 * resolve through the namespace it entered with: ocap_enter() hands the
 * overlay a copy of it (the caller's stays the caller's).  Defined in
 * libocap-overlay.a; the launcher refers to it weakly, so that a program
 * without the overlay (every glibc one) has none.
 */

#include <ocap/ocap.h>

#include "hidden.h"

/* Take ns as the program's namespace, for good.  Called once entered,
 * while the process has one thread.  When ns is still at "/", its
 * working directory becomes the program's: the namespace's the overlay
 * used until then, else the kernel's, when ns holds it. */
hidden void ocap__ov_adopt(ocap_ns *ns);

#endif
