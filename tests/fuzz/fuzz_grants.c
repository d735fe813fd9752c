/* SPDX-License-Identifier: MIT */
/*
 * Grants files (ocap-grants(5)) through ocap_plan_grants_file().  The
 * input is the file /fuzz/a; a line "%%" starts the next file, /fuzz/b,
 * then /fuzz/c and /fuzz/d, which "--grants b" and the like read.  The
 * files are served from memory (plan_check.h): nothing on disk is read.
 *
 * Besides the checks every plan and error pass (plan_check.c), the result
 * must be what a reader written from the manual page gives: the same
 * plan, the same positions, the same error.  That reader hands each
 * option to ocap_plan_option(), so the two differ only in how they read
 * files: lines, white space, comments, names and values, line numbers,
 * nesting and its limit.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "fuzz_check.h"
#include "plan_check.h"

#define DEPTH_MAX 8
#define LINE_MAX_BYTES 8192
#define NFILES 4

/* Splits the input at "%%" lines into /fuzz/a .. /fuzz/d. */
static void serve(const char *data, size_t size)
{
	static const char names[NFILES] = { 'a', 'b', 'c', 'd' };
	char path[32];
	size_t start = 0, n = 0;

	vfs_clear();
	while (n < NFILES - 1) {
		const char *sep = memmem(data + start, size - start, "\n%%\n", 4);

		if (!sep)
			break;
		snprintf(path, sizeof path, VFS_DIR "/%c", names[n++]);
		vfs_add(path, data + start, (size_t)(sep - data) + 1 - start);
		start = (size_t)(sep - data) + 4;
	}
	snprintf(path, sizeof path, VFS_DIR "/%c", names[n]);
	vfs_add(path, data + start, size - start);
}

static int ref_read(ocap_plan *p, const char *name, const char *where,
		    const char *base, int depth);

/* One line, without its newline, as the manual page says to read it. */
static int ref_line(ocap_plan *p, char *s, const char *at, const char *dir,
		    int depth)
{
	char *e = s + strlen(s), *value = NULL;
	size_t name;

	while (isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	if (!*s || *s == '#')
		return 0;
	if (*s != '-')
		return ocap__plan_fail(p, -EINVAL, "%s: expected an option, "
				       "not '%.40s'", at, s);
	name = strcspn(s, "= \t");
	if (s[name]) {
		s[name] = '\0';
		value = s + name + 1;
		while (isspace((unsigned char)*value))
			value++;
	}
	if (!strcmp(s, "--learn"))
		return ocap__plan_fail(p, -EINVAL, "%s: --learn is for the "
				       "command line: a grants file cannot let "
				       "a program read outside its grants", at);
	if (!strcmp(s, "--grants") && value)
		return ref_read(p, value, at, dir, depth + 1);
	return ocap_plan_option(p, s, value, at, dir);
}

static int ref_read(ocap_plan *p, const char *name, const char *where,
		    const char *base, int depth)
{
	char full[OCAP_NAME_MAX + 1], dir[OCAP_NAME_MAX + 1];
	char at[OCAP_NAME_MAX + 32];
	const char *pre = where ? where : "", *sep = where ? ": " : "";
	const struct vfs_file *f;
	unsigned lineno = 0;
	size_t i = 0;
	int r = 0;

	if (depth >= DEPTH_MAX)
		return ocap__plan_fail(p, -ELOOP, "%s%s--grants %s: nested "
				       "more than %d deep", pre, sep, name,
				       DEPTH_MAX);
	if ((r = ocap_path_normalize(base, name, full, sizeof full)) < 0)
		return ocap__plan_fail(p, r, "%s%s--grants %s: %s", pre, sep,
				       name, strerror(-r));
	r = 0;
	if (!(f = vfs_find(full)))
		return ocap__plan_fail(p, -ENOENT, "%s%s--grants %s: %s", pre,
				       sep, name, strerror(ENOENT));
	strcpy(dir, full);
	*strrchr(dir, '/') = '\0';
	if (!dir[0])
		strcpy(dir, "/");
	while (r == 0 && i < f->len) {
		const char *nl = memchr(f->data + i, '\n', f->len - i);
		size_t len = nl ? (size_t)(nl - f->data) + 1 - i : f->len - i;
		char *line;

		snprintf(at, sizeof at, "%s:%u", name, ++lineno);
		if (len > LINE_MAX_BYTES)
			r = ocap__plan_fail(p, -EINVAL, "%s: line longer than "
					    "%d bytes", at, LINE_MAX_BYTES);
		else if (memchr(f->data + i, '\0', len))
			r = ocap__plan_fail(p, -EINVAL, "%s: NUL byte", at);
		if (r)
			break;
		line = strndup(f->data + i, nl ? len - 1 : len);
		check(line != NULL);
		r = ref_line(p, line, at, dir, depth);
		free(line);
		i += len;
	}
	return r;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	ocap_plan *p, *ref;
	char *copy;
	int fd, r, rr;

	/* An exact-size block, so ASan sees any read past the end. */
	copy = malloc(size ? size : 1);
	check(copy != NULL);
	memcpy(copy, data, size);
	serve(copy, size);

	check(ocap_plan_new(&p) == 0 && ocap_plan_new(&ref) == 0);
	fd = lowest_free_fd();
	vfs_begin();
	r = ocap_plan_grants_file(p, VFS_DIR "/a");
	vfs_end();
	check(lowest_free_fd() == fd);

	vfs_begin();
	rr = ref_read(ref, VFS_DIR "/a", NULL, "/", 0);
	vfs_end();

	if (r < 0) {
		check(r == -EINVAL || r == -ELOOP || r == -ENOENT ||
		      r == -ENAMETOOLONG);
		check_error(ocap_plan_error(p), 0, false);
	}
	if (r != rr || (r < 0 && strcmp(ocap_plan_error(p),
					 ocap_plan_error(ref)))) {
		fprintf(stderr, "ocap_plan_grants_file: %d \"%s\"\n"
				"the manual's reader: %d \"%s\"\n",
			r, r < 0 ? ocap_plan_error(p) : "",
			rr, rr < 0 ? ocap_plan_error(ref) : "");
		abort();
	}
	check_plan(p, 0);
	check_same_plan(p, ref, true);
	ocap_plan_free(p);
	ocap_plan_free(ref);
	free(copy);
	return 0;
}
