/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "ov.h"

/*
 * realpath(3) outside a sandbox: each component looked up with readlink
 * from left to right, ".." applied to what the links resolved to (the
 * physical rule), a leading "//" kept as musl keeps it.
 */

/* Whether out (a path without links) is a directory. */
static int is_dir(const char *out)
{
	struct stat st;
	int r = ocap__sys_fstatat(AT_FDCWD, out, &st, 0);

	if (r < 0)
		return r;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* out = cwd, or the root ("/", or "//" for a path that starts so). */
static size_t start(const char *p, char *out, int *err)
{
	long r;

	if (p[0] == '/') {
		out[0] = '/';
		out[1] = p[1] == '/' && p[2] != '/' ? '/' : '\0';
		out[2] = '\0';
		return strlen(out);
	}
	if ((r = ov_sys(SYS_getcwd, out, PATH_MAX)) < 0) {
		*err = (int)r;
		return 0;
	}
	if (r == 0 || out[0] != '/') {
		*err = -ENOENT;
		return 0;
	}
	return strlen(out);
}

int ocap__ov_sys_realpath(const char *path, char *out)
{
	char todo[PATH_MAX + 1], target[PATH_MAX];
	size_t p, q, len = strnlen(path, sizeof todo);
	int links = 0, err = 0;
	bool checked = true; /* out's last component is known to be a dir */

	if (!len)
		return -ENOENT;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(todo, path, len + 1);
	q = start(todo, out, &err);
	if (err)
		return err;
	for (p = 0;;) {
		while (todo[p] == '/')
			p++;
		if (!todo[p])
			break;
		size_t l = strcspn(todo + p, "/");
		if ((l == 1 || l == 2) && !memcmp(todo + p, "..", l)) {
			if (!checked && (err = is_dir(out)) < 0)
				return err;
			checked = true;
			if (l == 2) {
				while (q > 1 && out[q - 1] != '/')
					q--;
				if (q > 1 && !(q == 2 && out[0] == '/' &&
					       out[1] == '/'))
					q--;
				out[q] = '\0';
			}
			p += l;
			continue;
		}
		size_t sep = q && out[q - 1] != '/';
		if (q + sep + l >= PATH_MAX)
			return -ENAMETOOLONG;
		if (sep)
			out[q] = '/';
		memcpy(out + q + sep, todo + p, l);
		out[q + sep + l] = '\0';
		long n = ov_sys(SYS_readlink, out, target, sizeof target);
		if (n == -EINVAL) { /* no link: keep it */
			q += sep + l;
			p += l;
			checked = false;
			continue;
		}
		out[q] = '\0';
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -ENOENT;
		if ((size_t)n == sizeof target)
			return -ENAMETOOLONG;
		if (++links > OCAP_MAXSYMLINKS)
			return -ELOOP;
		/* target, then what was left after the link */
		size_t rest = strlen(todo + p + l);
		if ((size_t)n + rest >= sizeof todo)
			return -ENAMETOOLONG;
		memmove(todo + n, todo + p + l, rest + 1);
		memcpy(todo, target, (size_t)n);
		p = 0;
		checked = true; /* the link was read in out */
		if (todo[0] == '/')
			q = start(todo, out, &err);
	}
	if (len && path[len - 1] == '/' && !checked && (err = is_dir(out)) < 0)
		return err;
	return (int)q;
}
