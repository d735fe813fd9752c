/* SPDX-License-Identifier: MIT */
/* The seccomp modes' names, for gen-seccomp, --explain and the builds
 * without libseccomp alike. */
#include "sandbox.h"

const char *ocap__seccomp_mode_name(int mode)
{
	static const char *const names[OCAP_SC_NMODES] = {
		[OCAP_SC_COMPAT] = "compat",
		[OCAP_SC_NATIVE] = "native",
		[OCAP_SC_SUPER] = "supervised",
		[OCAP_SC_NSUPER] = "supervised_native",
	};

	return mode >= 0 && mode < OCAP_SC_NMODES ? names[mode] : "?";
}
