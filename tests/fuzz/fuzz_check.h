/* SPDX-License-Identifier: MIT */
#ifndef OCAP_FUZZ_CHECK_H
#define OCAP_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

/* A broken invariant: say which and where, and crash for libFuzzer. */
#define check(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: check failed: %s\n",       \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#endif
