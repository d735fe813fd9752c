/* SPDX-License-Identifier: MIT */
/*
 * Nesting on the host, found by walking up from the inner capability
 * with ".." (the kernel's own walk: symlinks resolved, mounts crossed,
 * the process's root its own parent) and comparing each directory's
 * device and inode with the outer ones'.  Only the pairs whose outer
 * directory gives a right the inner capability lacks are looked at:
 * realpath() of every grant cost a launch two system calls a component.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nesting.h"

#define MAXLINKS 40

/* An outer entry, looked at once: only a directory holds anything. */
struct outer {
	bool looked, dir;
	dev_t dev;
	ino_t ino;
};

/* One inner entry's walk. */
struct walk {
	const struct ocap_nest *v;
	size_t n, inner;
	struct outer *o;
	uint64_t mask; /* what the inner one can gain */
	int dirfd;
	char up[PATH_MAX]; /* the directory looked at, relative to dirfd */
	int err;           /* a system call failed */
};

static int stat_at(int dirfd, const char *path, struct stat *st)
{
	return fstatat(dirfd, path, st, *path ? 0 : AT_EMPTY_PATH) < 0 ? -errno
									  : 0;
}

static uint64_t gains(const struct ocap_nest *v, size_t outer, size_t inner,
		      uint64_t mask)
{
	return outer == inner ? 0 : v[outer].gives & ~v[inner].holds & mask;
}

static const struct outer *outer_at(struct walk *w, size_t i)
{
	struct outer *o = &w->o[i];
	struct stat st;

	if (!o->looked) {
		o->looked = true;
		o->dir = stat_at(w->v[i].dirfd, w->v[i].path, &st) == 0 &&
			 S_ISDIR(st.st_mode);
		o->dev = o->dir ? st.st_dev : 0;
		o->ino = o->dir ? st.st_ino : 0;
	}
	return o;
}

static int set_up(struct walk *w, const char *s)
{
	if (strlen(s) >= sizeof w->up)
		return -ENAMETOOLONG;
	strcpy(w->up, s);
	return 0;
}

/* w->up, a file's host path, becomes the directory it really is in: a
 * final symlink followed (the kernel's walk follows the others). */
static int real_parent(struct walk *w)
{
	char link[PATH_MAX], *slash;
	ssize_t len;

	for (int i = 0; i < MAXLINKS; i++) {
		len = readlinkat(w->dirfd, w->up, link, sizeof link - 1);
		if (len < 0)
			break; /* EINVAL: not a link */
		link[len] = '\0';
		slash = strrchr(w->up, '/');
		if (link[0] != '/' && slash)
			slash[1] = '\0';
		else
			w->up[0] = '\0';
		if (strlen(w->up) + (size_t)len >= sizeof w->up)
			return -ENAMETOOLONG;
		strcat(w->up, link);
	}
	if (!(slash = strrchr(w->up, '/')))
		return set_up(w, ".");
	slash[slash == w->up] = '\0'; /* "/f": "/" */
	return 0;
}

/* Where the walk starts: the inner entry's parent, or with *first_up the
 * entry itself, whose first step is "..". */
static int start(struct walk *w, ocap_nest_fd_path *fd_path, bool *first_up)
{
	const struct ocap_nest *e = &w->v[w->inner];
	struct stat st;
	int r = stat_at(e->dirfd, e->path, &st);

	w->dirfd = e->dirfd;
	*first_up = r == 0 && S_ISDIR(st.st_mode);
	if (r == -ENOENT && *e->path) {
		/* To be created in its parent: as old as it may be, no mask. */
		r = set_up(w, e->path);
		return r < 0 ? r : real_parent(w);
	}
	if (r < 0 || *first_up)
		return r < 0 ? r : set_up(w, e->path);
	w->mask = e->file_rights;
	if (!*e->path) {
		/* A file's descriptor has no "..": its host path. */
		if (!fd_path)
			return -ENOTDIR;
		if ((r = fd_path(e->dirfd, w->up, sizeof w->up)) < 0)
			return r;
		w->dirfd = AT_FDCWD;
	} else if ((r = set_up(w, e->path)) < 0) {
		return r;
	}
	return real_parent(w);
}

/* The directories above the inner entry, up to the process's root, each
 * against the outer ones that would give it more. */
static int walk_up(struct walk *w, bool first_up, ocap_nest_found *found,
		   void *ctx)
{
	size_t len = strlen(w->up);
	struct stat st, prev = { 0 };
	bool top = true;
	int r;

	for (;;) {
		if (first_up) {
			const char *dots = len ? "/.." : "..";

			if (len + strlen(dots) >= sizeof w->up)
				return w->err = -ENAMETOOLONG;
			strcpy(w->up + len, dots);
			len += strlen(dots);
		}
		first_up = true;
		if ((r = stat_at(w->dirfd, w->up, &st)) < 0)
			return w->err = r;
		if (!top && st.st_dev == prev.st_dev && st.st_ino == prev.st_ino)
			return 0; /* ".." of the root is the root */
		top = false;
		prev = st;
		for (size_t i = 0; i < w->n; i++) {
			uint64_t more = gains(w->v, i, w->inner, w->mask);
			const struct outer *o;

			if (!more || !(o = outer_at(w, i))->dir ||
			    o->dev != st.st_dev || o->ino != st.st_ino)
				continue;
			if ((r = found(ctx, i, w->inner, more, 0)) != 0)
				return r;
		}
	}
}

static bool may_gain(const struct ocap_nest *v, size_t n, size_t inner)
{
	for (size_t i = 0; i < n; i++)
		if (gains(v, i, inner, ~(uint64_t)0))
			return true;
	return false;
}

int ocap__nest_check(const struct ocap_nest *v, size_t n,
		     ocap_nest_fd_path *fd_path, ocap_nest_found *found,
		     void *ctx)
{
	struct walk *w;
	int r = 0;

	if (!(w = calloc(1, sizeof *w)) ||
	    !(w->o = calloc(n ? n : 1, sizeof *w->o))) {
		free(w);
		return -ENOMEM;
	}
	w->v = v;
	w->n = n;
	for (size_t j = 0; r == 0 && j < n; j++) {
		bool first_up;

		if (!v[j].inner || !may_gain(v, n, j))
			continue;
		w->inner = j;
		w->mask = ~(uint64_t)0;
		w->err = start(w, fd_path, &first_up);
		if (w->err == 0)
			r = walk_up(w, first_up, found, ctx);
		if (w->err < 0)
			r = found(ctx, (size_t)-1, j, 0, w->err);
	}
	free(w->o);
	free(w);
	return r;
}
