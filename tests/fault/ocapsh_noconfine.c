/* SPDX-License-Identifier: MIT */
/*
 * ocapsh-noconfine: ocapsh whose broker cannot load its own seccomp
 * program (-Wl,--wrap), for fault_confine: the broker confines itself
 * only before it reads the program's first word (broker/broker.c,
 * confine()), and a failure then must end the session, not serve.
 * Everything else is ocapsh's own code.
 */
#include <errno.h>

int __wrap_ocap__seccomp_load_broker(void);

int __wrap_ocap__seccomp_load_broker(void)
{
	return -EPERM;
}
