/* SPDX-License-Identifier: MIT */
#ifndef OCAP_HANDOVER_H
#define OCAP_HANDOVER_H

#include <ocap/launch.h>

/* The musl build of ocapsh (handover.c); the glibc build, ocapsh-full,
 * does all itself. */
#ifdef OCAPSH_FULL_INSTALL
#define OCAPSH_HANDS_OVER 1
/* argv's strings, copied before the parse splits them; NULL when out of
 * memory.  (The glibc build hands nothing over: argv itself.) */
char **ocapsh_argv_copy(int argc, char **argv);
/* Exec ocapsh-full with argv; return when it is not installed, exit
 * 125 when it cannot be run. */
void ocapsh_hand_over(char **argv);
#else
#define OCAPSH_HANDS_OVER 0
static inline char **ocapsh_argv_copy(int argc, char **argv)
{
	(void)argc;
	return argv;
}
static inline void ocapsh_hand_over(char **argv)
{
	(void)argv;
}
#endif

#endif
