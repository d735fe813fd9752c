/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "internal.h"

/* Append the components of s to the absolute path in buf[0..*n). */
static int append(char *buf, size_t *n, const char *s)
{
	while (*s) {
		size_t len = strcspn(s, "/");

		if (len == 0 || (len == 1 && s[0] == '.')) {
			/* empty or ".": nothing */
		} else if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (*n > 0 && buf[*n - 1] != '/')
				(*n)--;
			if (*n > 0)
				(*n)--;
		} else {
			if (*n + 1 + len > 2 * (size_t)OCAP_PATH_BUF)
				return -ENAMETOOLONG;
			buf[(*n)++] = '/';
			memcpy(buf + *n, s, len);
			*n += len;
		}
		s += len;
		if (*s == '/')
			s++;
	}
	return 0;
}

/* Whether path names a directory by its form: "x/", "x/.", "..". */
static bool names_dir(const char *path, size_t len)
{
	const char *last = memrchr(path, '/', len);
	const char *tail = last ? last + 1 : path;

	return !*tail || !strcmp(tail, ".") || !strcmp(tail, "..");
}

/* Whether s[0..len) is already normal after a slash: no empty, "." or
 * ".." component and no slash at the end. */
static bool normal_tail(const char *s, size_t len)
{
	size_t c = 0; /* the length of the component so far */

	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '/') {
			c++;
			continue;
		}
		if (c == 0 || (c <= 2 && s[i - 1] == '.' &&
			       (c == 1 || s[i - 2] == '.')))
			return false;
		c = 0;
	}
	return true;
}

/* The common case, a path already normal (and so is cwd), copied whole
 * rather than component by component: its length, or -1 to go the long
 * way. */
static int normal_copy(const char *cwd, const char *path, size_t len,
		       char *out, size_t size)
{
	size_t clen = 0, n;

	if (path[0] == '/') {
		if (len < 2 || !normal_tail(path + 1, len - 1))
			return -1;
	} else {
		if (!cwd || cwd[0] != '/' || !normal_tail(path, len))
			return -1;
		clen = strlen(cwd);
		if (clen == 1)
			clen = 0; /* "/": the path's own slash will do */
		else if (!normal_tail(cwd + 1, clen - 1))
			return -1;
	}
	n = clen + (path[0] != '/') + len;
	if (n > OCAP_NAME_MAX || n + 1 > size)
		return -ENAMETOOLONG;
	if (path[0] != '/') {
		memcpy(out, cwd, clen);
		out[clen++] = '/';
	}
	memcpy(out + clen, path, len + 1);
	return (int)n;
}

int ocap_path_normalize(const char *cwd, const char *path, char *out,
			size_t size)
{
	char buf[2 * OCAP_PATH_BUF + 2];
	size_t n = 0, len;
	int r;

	if (!path || !out)
		return -EINVAL;
	len = strnlen(path, PATH_MAX);
	if (len == 0)
		return -ENOENT;
	if (len == PATH_MAX)
		return -ENAMETOOLONG;
	if ((r = normal_copy(cwd, path, len, out, size)) != -1)
		return r;
	if (path[0] != '/') {
		if (!cwd || cwd[0] != '/')
			return -EINVAL;
		if ((r = append(buf, &n, cwd)) < 0)
			return r;
	}
	if ((r = append(buf, &n, path)) < 0)
		return r;
	if (n == 0 || names_dir(path, len))
		buf[n++] = '/';
	if (n > OCAP_NAME_MAX || n + 1 > size)
		return -ENAMETOOLONG;
	memcpy(out, buf, n);
	out[n] = '\0';
	return (int)n;
}

/* A capability name: absolute, normalised, no trailing slash. */
bool ocap__name_ok(const char *name)
{
	char buf[OCAP_PATH_BUF];

	size_t len;

	if (!name || name[0] != '/')
		return false;
	len = strlen(name);
	if (len > 1 && name[len - 1] == '/')
		return false;
	return ocap_path_normalize(NULL, name, buf, sizeof buf) >= 0 &&
	       !strcmp(buf, name);
}

/* Whether the name of length len is abs or an ancestor of it over whole
 * components ("/data" is not a prefix of "/database"). */
bool ocap__prefix_of(const char *name, size_t len, const char *abs)
{
	if (len == 1)
		return true; /* "/" */
	return !strncmp(name, abs, len) && (abs[len] == '\0' || abs[len] == '/');
}
