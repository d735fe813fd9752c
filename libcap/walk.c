/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Replace abs[0..at) + link + rest by target (from the root when
 * absolute, else from the link's directory abs[0..dir)) + rest. */
static int splice_link(char *abs, size_t dir, const char *target,
		  const char *rest)
{
	char joined[2 * OCAP_PATH_BUF + 2];
	size_t n = 0, tlen = strlen(target), rlen = strlen(rest);

	if (target[0] != '/') {
		memcpy(joined, abs, dir);
		n = dir;
		joined[n++] = '/';
	}
	if (n + tlen + rlen + 1 > sizeof joined)
		return -ENAMETOOLONG;
	memcpy(joined + n, target, tlen);
	n += tlen;
	memcpy(joined + n, rest, rlen + 1);
	if (!joined[0])
		return -ENOENT; /* an empty link target */
	return ocap_path_normalize(NULL, joined, abs, OCAP_PATH_BUF);
}

static int magic_link(int dirfd, const char *comp)
{
	int fd = ocap__openat2(dirfd, comp, O_PATH | O_CLOEXEC, 0);

	if (fd >= 0)
		close(fd);
	return fd == -ELOOP ? -ELOOP : 0;
}

/* One pass over abs's components beneath the capability it falls in.
 * Returns 1 when a symlink was spliced in (walk again), 0 when done. */
static int walk_once(const struct ocap_view *v, char *abs, bool follow,
		     int *links)
{
	const ocap_cap *cap;
	const char *rel, *c;
	char comp[NAME_MAX + 1], target[OCAP_PATH_BUF];
	int dirfd, r;

	if ((r = ocap__lookup(v, abs, &cap, &rel)) < 0)
		return r;
	if (cap->kind != OCAP_KIND_DIR || !strcmp(rel, "."))
		return 0;
	dirfd = cap->fd;
	for (c = rel; *c; ) {
		size_t len = strcspn(c, "/");
		const char *e = c + len;
		bool last = !*e || !e[1];
		ssize_t n;

		if (len > NAME_MAX) {
			r = -ENAMETOOLONG;
			break;
		}
		/* A trailing slash makes the last component followed. */
		if (last && !follow && !*e) {
			r = 0;
			break;
		}
		memcpy(comp, c, len);
		comp[len] = '\0';
		n = ocap__sys_readlinkat(dirfd, comp, target, sizeof target);
		if (n >= 0) {
			if ((size_t)n == sizeof target) {
				r = -ENAMETOOLONG;
				break;
			}
			target[n] = '\0';
			/* A magic link (/proc/self/fd/N) reads as a path but
			 * is not one: refuse it as openat2 would. */
			if ((r = magic_link(dirfd, comp)) < 0)
				break;
			if (++*links > OCAP_MAXSYMLINKS) {
				r = -ELOOP;
				break;
			}
			r = splice_link(abs, (size_t)(c - abs) - 1, target, e);
			if (r >= 0)
				r = 1;
			break;
		}
		if (n != -EINVAL || last) {
			/* The end, or not there: the operation will say so. */
			r = n == -EINVAL || n == -ENOENT ? 0 : (int)n;
			break;
		}
		int fd = ocap__openat2(dirfd, comp,
				       O_PATH | O_DIRECTORY | O_NOFOLLOW |
					       O_CLOEXEC, 0);
		if (fd < 0) {
			/* Replaced by a link meanwhile: walk again. */
			r = fd == -ELOOP || fd == OCAP__ESCAPE ? 1 : fd;
			if (r == 1 && ++*links > OCAP_MAXSYMLINKS)
				r = -ELOOP;
			break;
		}
		if (dirfd != cap->fd)
			close(dirfd);
		dirfd = fd;
		c = *e ? e + 1 : e;
	}
	if (dirfd != cap->fd)
		close(dirfd);
	return r;
}

int ocap__walk(const struct ocap_view *v, char *abs, bool follow, int *links)
{
	int r;

	while ((r = walk_once(v, abs, follow, links)) == 1)
		;
	return r;
}

int ocap__ns_realpath(ocap_ns *ns, const char *path, char *out)
{
	struct ocap_view v = { ns, NULL };
	struct stat st;
	int links = 0, len, r;

	if ((len = ocap__ns_abs(ns, path, out)) < 0)
		return len;
	if ((r = ocap__walk(&v, out, true, &links)) == 0)
		r = ocap_ns_stat(ns, out, &st, 0);
	/* A directory above mount points: no file, but a directory. */
	if (r == -ENOENT && ocap__virtual_dir(ns, out))
		r = 0;
	if (r < 0)
		return r;
	len = (int)strlen(out);
	if (len > 1 && out[len - 1] == '/')
		out[--len] = '\0';
	return len;
}
