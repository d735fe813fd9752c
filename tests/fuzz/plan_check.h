/* SPDX-License-Identifier: MIT */
#ifndef OCAP_FUZZ_PLAN_CHECK_H
#define OCAP_FUZZ_PLAN_CHECK_H

/*
 * What fuzz_grants and fuzz_args share: grants files served from memory,
 * and the checks a plan and an error message must pass.
 */

#include <stdbool.h>
#include <stdio.h>

#include "plan.h"

/* ---- grants files in memory -------------------------------------------- */

/* The fuzz targets link with -Wl,--wrap=fopen,--wrap=fclose.  While a
 * parse runs (vfs_begin .. vfs_end), fopen() serves only the files added
 * here, by absolute normalised path, and fails with ENOENT for any other:
 * the parser never reaches the real file system. */
#define VFS_DIR "/fuzz"
#define VFS_MAX 8

struct vfs_file {
	char path[OCAP_NAME_MAX + 1];
	const char *data;
	size_t len;
};

void vfs_clear(void);
void vfs_add(const char *path, const char *data, size_t len);
const struct vfs_file *vfs_find(const char *path);
void vfs_begin(void);
/* Checks that every file the parse opened was closed. */
void vfs_end(void);

FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);
int __real_fclose(FILE *f);
int __wrap_fclose(FILE *s);

/* ---- checks ----------------------------------------------------------------- */

/* The lowest free descriptor: it moves if a parse leaked one. */
int lowest_free_fd(void);

/* Lines getline() reads from a file of len bytes. */
size_t count_lines(const char *data, size_t len);

/* Whether w names a position: "argument N" with 1 <= N < argc, or
 * "FILE:LINE" where FILE (against the current directory or VFS_DIR) is a
 * file served with at least LINE lines. */
bool where_ok(const char *w, int argc);

/* An error from the parser: one line that starts with a position as
 * where_ok() takes it and ": ", then a message; hint allows a second line
 * that starts with "Hint: ". */
void check_error(const char *msg, int argc, bool hint);

/* What any plan the parser built must satisfy, complete or not: names in
 * normal form and unique, rights and ports in range, net grants whose
 * formatted name parses back to the same grant, and so on. */
void check_plan(const ocap_plan *p, int argc);

/* Whether two plans hold the same grants and settings (and, with where,
 * the same positions). */
void check_same_plan(const ocap_plan *a, const ocap_plan *b, bool where);

#endif
