/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_RUNTIME_H
#define OCAP_LAUNCH_RUNTIME_H

#include "compile.h"

/* The runtime set (compat mode), and the executable with the interpreters
 * the kernel opens for it (every mode): grants marked runtime. */
hidden int ocap__runtime_add(struct ocap_compiled *c);
hidden int ocap__runtime_exe(struct ocap_compiled *c);
/* Compat programs that hold a network grant get libocap-resolve.so
 * preloaded (c->shim, granted read and exec): their names are resolved
 * by the broker. */
hidden int ocap__runtime_shim(struct ocap_compiled *c);
/* A file or folder ocap installs: rel under the running executable's
 * prefix, the folder above its own (an install's bin/.., or a build tree
 * whose ocapsh is in capsh/), else build for the build tree's other
 * programs (tests), else install; NULL when none is readable.  An
 * installed program never reads a build tree's files.  In grants.c,
 * which finds the presets with it. */
hidden const char *ocap__installed(const char *rel, const char *build,
				   const char *install, char *buf,
				   size_t size);

#endif
