/* SPDX-License-Identifier: MIT */
/*
 * ocap_path_normalize and ocap_ns_resolve on arbitrary (cwd, path) pairs.
 * The input is "cwd\npath": everything before the first newline is the
 * working directory, the rest the path.  Results are checked against the
 * contract's invariants and against a small reference normaliser.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ocap/ocap.h>

#include "fuzz_check.h"

#define BIG (OCAP_NAME_MAX + 1)

static const char *const mounts[] = {
	"/", "/data", "/data/sub", "/database", "/home/u",
};
#define NMOUNTS (sizeof(mounts) / sizeof(mounts[0]))

/* ns[0]: everything mounted, cwd "/"; ns[1]: the same, cwd "/data/sub";
 * ns[2]: no "/" mount, so some paths fall outside every capability. */
static ocap_ns *ns[3];
static const char *const ns_cwd[3] = { "/", "/data/sub", "/" };

static ocap_ns *make_ns(bool with_root, int tmp)
{
	ocap_ns *n;
	ocap_cap *cap;

	check(ocap_ns_new(&n) == 0);
	for (size_t i = 0; i < NMOUNTS; i++) {
		if (!with_root && strcmp(mounts[i], "/") == 0)
			continue;
		int fd = fcntl(tmp, F_DUPFD_CLOEXEC, 0);

		check(fd >= 0);
		check(ocap_cap_from_fd(fd, OCAP_KIND_DIR, OCAP_RIGHTS_RW,
				       mounts[i], &cap) == 0);
		check(ocap_ns_mount(n, cap) == 0);
	}
	return n;
}

static void setup(void)
{
	int tmp = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);

	check(tmp >= 0);
	ns[0] = make_ns(true, tmp);
	ns[1] = make_ns(true, tmp);
	ns[2] = make_ns(false, tmp);
	close(tmp);
	/* Every mount is /tmp, so this is a real directory. */
	check(ocap_ns_chdir(ns[1], "/data/sub") == 0);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* The reference: a stack of components, written the obvious way.  Returns
 * the length, or -1 when the result would exceed OCAP_NAME_MAX. */
static int reference(const char *cwd, const char *path, char *out)
{
	/* ".." only shortens, so the result fits in the input's length. */
	size_t cap = strlen(cwd) + strlen(path) + 3;
	char *in = malloc(cap), *res = malloc(cap), *tok, *save;
	size_t len = 0;
	bool dir;

	check(in != NULL && res != NULL);
	if (path[0] == '/')
		snprintf(in, cap, "%s", path);
	else
		snprintf(in, cap, "%s/%s", cwd, path);
	dir = ends_with(path, "/") || ends_with(path, "/.") ||
	      ends_with(path, "/..") || strcmp(path, ".") == 0 ||
	      strcmp(path, "..") == 0;
	res[0] = '\0';
	for (tok = strtok_r(in, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			while (len > 0 && res[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			res[len] = '\0';
			continue;
		}
		res[len++] = '/';
		memcpy(res + len, tok, strlen(tok));
		len += strlen(tok);
		res[len] = '\0';
	}
	if (len == 0 || dir)
		res[len++] = '/';
	res[len] = '\0';
	free(in);
	if (len > OCAP_NAME_MAX) {
		free(res);
		return -1;
	}
	memcpy(out, res, len + 1);
	free(res);
	return (int)len;
}

static void check_normal_form(const char *p, int len)
{
	check(len >= 1 && (size_t)len == strlen(p) && len <= OCAP_NAME_MAX);
	check(p[0] == '/');
	check(strstr(p, "//") == NULL);
	check(strstr(p, "/./") == NULL);
	check(strstr(p, "/../") == NULL);
	check(!ends_with(p, "/."));
	check(!ends_with(p, "/.."));
}

/* Returns the normalise result against cwd, with the result in out. */
static int normalize_checked(const char *cwd, const char *path, char *out)
{
	char again[BIG], ref[BIG];
	char *exact;
	int rc, rc2, want;

	rc = ocap_path_normalize(cwd, path, out, BIG);
	if (path[0] == '\0') {
		check(rc == -ENOENT);
		return rc;
	}
	if (path[0] != '/' && cwd[0] != '/') {
		/* Which of two faults is reported first is not specified. */
		check(rc == -EINVAL ||
		      (rc == -ENAMETOOLONG && strlen(path) > OCAP_NAME_MAX));
		return rc;
	}
	want = reference(cwd, path, ref);
	if (rc < 0) {
		/* Too long in the end, or (for a long input) on the way. */
		check(rc == -ENAMETOOLONG);
		check(want < 0 || strlen(cwd) + strlen(path) + 1 > OCAP_NAME_MAX);
		return rc;
	}
	check_normal_form(out, rc);
	if (want < 0 || rc != want || strcmp(out, ref) != 0) {
		fprintf(stderr, "fuzz_path: cwd \"%s\" path \"%s\": got \"%s\", "
				"reference \"%s\"\n", cwd, path, out,
			want < 0 ? "(too long)" : ref);
		abort();
	}

	/* Normal form is a fixed point, whatever the cwd. */
	rc2 = ocap_path_normalize(NULL, out, again, sizeof(again));
	check(rc2 == rc && strcmp(again, out) == 0);

	/* Exactly enough room works; one byte less is refused, unwritten
	 * past the end (ASan watches the heap block). */
	exact = malloc((size_t)rc + 1);
	check(exact != NULL);
	check(ocap_path_normalize(cwd, path, exact, (size_t)rc + 1) == rc);
	check(strcmp(exact, out) == 0);
	free(exact);
	exact = malloc((size_t)rc);
	check(exact != NULL);
	check(ocap_path_normalize(cwd, path, exact, (size_t)rc) ==
	      -ENAMETOOLONG);
	free(exact);
	return rc;
}

/* Does mount name cover normalised path p over whole components? */
static bool covers(const char *name, const char *p)
{
	size_t n = strlen(name);

	if (strcmp(name, "/") == 0)
		return true;
	return strncmp(name, p, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

static void check_resolve(int i, const char *path)
{
	char norm[BIG], rel[BIG], want_rel[BIG];
	const ocap_cap *cap = NULL;
	const char *name, *best = NULL, *rest;
	int nrc, rc;

	nrc = ocap_path_normalize(ns_cwd[i], path, norm, sizeof(norm));
	rc = ocap_ns_resolve(ns[i], path, &cap, rel, sizeof(rel));
	if (nrc < 0) {
		check(rc == nrc);
		return;
	}
	for (size_t k = 0; k < NMOUNTS; k++) {
		if (i == 2 && strcmp(mounts[k], "/") == 0)
			continue;
		if (covers(mounts[k], norm) &&
		    (!best || strlen(mounts[k]) > strlen(best)))
			best = mounts[k];
	}
	if (!best) {
		check(rc == -ENOENT);
		return;
	}
	check(rc >= 0 && cap != NULL);
	name = ocap_cap_name(cap);
	check(name != NULL);
	check(covers(name, norm));
	if (strcmp(name, best) != 0) {
		fprintf(stderr, "fuzz_path: \"%s\" (\"%s\") resolved to \"%s\", "
				"longest mount is \"%s\"\n", path, norm, name,
			best);
		abort();
	}
	check(cap == ocap_ns_find(ns[i], best));

	/* rel: the rest without its leading slash, "." for the mount. */
	rest = norm + (strcmp(best, "/") == 0 ? 0 : strlen(best));
	while (*rest == '/')
		rest++;
	if (*rest == '\0') {
		check(strcmp(rel, ".") == 0 || strcmp(rel, "./") == 0);
	} else {
		snprintf(want_rel, sizeof(want_rel), "%s", rest);
		check(strcmp(rel, want_rel) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *cwd, *path, *nl;
	char out[BIG];

	if (!ns[0])
		setup();

	/* A C string: stop at the first NUL. */
	buf = malloc(size + 1);
	check(buf != NULL);
	memcpy(buf, data, size);
	buf[size] = '\0';
	nl = strchr(buf, '\n');
	if (nl) {
		*nl = '\0';
		cwd = buf;
		path = nl + 1;
	} else {
		cwd = "/";
		path = buf;
	}

	normalize_checked(cwd, path, out);
	if (path[0] == '/')
		check(ocap_path_normalize(NULL, path, out, sizeof(out)) ==
		      ocap_path_normalize(cwd, path, out, sizeof(out)));
	for (int i = 0; i < 3; i++)
		check_resolve(i, path);
	free(buf);
	return 0;
}
