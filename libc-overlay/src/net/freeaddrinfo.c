/* SPDX-License-Identifier: MIT */
/*
 * freeaddrinfo(3) for getaddrinfo.c's lists, whose entries are one
 * allocation each, starting with the addrinfo: freeing any tail of a
 * list (as POSIX allows) frees exactly that tail.  musl's
 * freeaddrinfo() expects its own layout: it is replaced too.
 */
#include "net.h" /* first: it sets the feature macros */

#include <stdlib.h>

OV_API void freeaddrinfo(struct addrinfo *ai)
{
	struct addrinfo *next;

	for (; ai; ai = next) {
		next = ai->ai_next;
		free(ai);
	}
}
