/* SPDX-License-Identifier: MIT */
/*
 * ocapsh-vg: ocapsh for valgrind, which (3.19) knows neither the
 * landlock_* system calls nor seccomp(2), so the child would fail its
 * last two stages before exec, and the broker could not confine itself.
 * Those are the kernel's half of the sandbox, not the broker's logic:
 * this build links them as no-ops
 * (-Wl,--wrap=...) and takes the Landlock ABI as the test found it
 * ($FAULT_LL_ABI).  Everything else is ocapsh's own code.
 */
#include <stdlib.h>

#include "sandbox.h"

int __wrap_ocap__ll_abi(void);
int __wrap_ocap__ll_apply(const struct ocap_ll_plan *p, char *why,
			 size_t whylen);
int __wrap_ocap__seccomp_load(int mode);
int __wrap_ocap__seccomp_load_extra(int mode, const char *const *allow,
				   size_t n);
int __wrap_ocap__seccomp_load_broker(void);

int __wrap_ocap__ll_abi(void)
{
	const char *abi = getenv("FAULT_LL_ABI");

	return abi ? atoi(abi) : 0;
}

int __wrap_ocap__ll_apply(const struct ocap_ll_plan *p, char *why,
			 size_t whylen)
{
	return 0;
}

int __wrap_ocap__seccomp_load(int mode)
{
	return 0;
}

int __wrap_ocap__seccomp_load_extra(int mode, const char *const *allow,
				   size_t n)
{
	return 0;
}

int __wrap_ocap__seccomp_load_broker(void)
{
	return 0;
}
