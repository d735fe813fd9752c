/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_JSON_H
#define OCAP_LAUNCH_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "plan.h"

/* s as a JSON string, quoted and escaped. */
hidden void ocap__json_str(FILE *f, const char *s);
/* The n strings of v as a JSON array. */
hidden void ocap__json_strv(FILE *f, const char *const *v, size_t n);

#endif
