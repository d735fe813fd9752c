/* SPDX-License-Identifier: MIT */
#ifndef OCAP_HANDOVER_H
#define OCAP_HANDOVER_H

#include <stdbool.h>

#include <ocap/launch.h>

/* The musl build of ocapsh (handover.c); the glibc build, ocapsh-full,
 * does all itself. */
#ifdef OCAPSH_FULL_INSTALL
#define OCAPSH_HANDS_OVER 1
/* Whether argv asks for the shell or names a system call to allow, read
 * from argv alone. */
bool ocapsh_needs_full(int argc, char **argv);
/* Exec ocapsh-full with argv, or exit 125 saying why not. */
_Noreturn void ocapsh_hand_over(char **argv);
#else
#define OCAPSH_HANDS_OVER 0
#endif

#endif
