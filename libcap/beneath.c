/* SPDX-License-Identifier: MIT */
/*
 * openat2(2)'s RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS built from
 * openat(2), for when openat2 says ENOSYS: kernels before 5.6, and
 * ocapsh's compat seccomp program, which must see the mode of every
 * creating open (no new set-ID file) and cannot read open_how in memory.
 *
 * One name at a time, each opened O_NOFOLLOW relative to a descriptor
 * held; ".." goes back to the descriptor held for the parent, never to
 * the kernel, so a directory renamed away meanwhile cannot lead the walk
 * out.  A symlink is read and its target walked under the same rules.
 * The last name is opened with the caller's flags and mode, which the
 * seccomp program checks.  An escape is OCAP__ESCAPE, as openat2's EXDEV.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Directories held at once: as many as a name of OCAP_PATH_BUF has. */
#define DEPTH (OCAP_PATH_BUF / 2)

struct beneath {
	int fd[DEPTH]; /* fd[0] is the caller's */
	int depth;
	int links;
	char path[2 * OCAP_PATH_BUF]; /* what is left to walk */
};

/* Replace the link just met by its target, followed by rest (a suffix
 * of b->path).  A magic link (procfs's /proc/PID/fd/N, exe, ns/...) reads
 * as a path or as "type:[id]": refused as RESOLVE_NO_MAGICLINKS does. */
static int splice_in(struct beneath *b, int dirfd, const char *name,
		     const char *rest)
{
	char target[OCAP_PATH_BUF];
	size_t rlen = strlen(rest);
	ssize_t n = ocap__sys_readlinkat(dirfd, name, target, sizeof target);

	if (n < 0)
		return (int)n;
	if ((size_t)n == sizeof target)
		return -ENAMETOOLONG;
	target[n] = '\0';
	if ((target[0] == '/' || strchr(target, ':')) && ocap__is_procfs(dirfd))
		return -ELOOP;
	if (++b->links > OCAP_MAXSYMLINKS)
		return -ELOOP;
	if (n == 0)
		return -ENOENT;
	if (target[0] == '/')
		return OCAP__ESCAPE;
	if ((size_t)n + rlen + 1 > sizeof b->path)
		return -ENAMETOOLONG;
	memmove(b->path + n, rest, rlen + 1);
	memcpy(b->path, target, (size_t)n);
	return 0;
}

/* Into directory name, beneath the top of the stack: 0 when held, 1
 * when it was a link spliced in its place (rest follows its target). */
static int step(struct beneath *b, const char *name, const char *rest)
{
	int top = b->fd[b->depth], fd, r;

	if (!strcmp(name, "."))
		return 0;
	if (!strcmp(name, "..")) {
		if (b->depth == 0)
			return OCAP__ESCAPE;
		close(b->fd[b->depth--]);
		return 0;
	}
	if (b->depth + 1 == DEPTH)
		return -ENAMETOOLONG;
	fd = ocap__sys_openat(top, name,
			      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
	if (fd >= 0) {
		b->fd[++b->depth] = fd;
		return 0;
	}
	/* O_DIRECTORY | O_NOFOLLOW on a link says ENOTDIR. */
	if (fd != -ENOTDIR)
		return fd;
	r = splice_in(b, top, name, rest);
	return r == -EINVAL ? fd : r < 0 ? r : 1;
}

/* The last name: 0 and its descriptor in *out, 1 when it was a link
 * spliced in (walk on), or -errno.  O_NOFOLLOW always, so that the kernel follows
 * nothing; a link met is followed here unless the caller said
 * O_NOFOLLOW.  With O_CREAT that creates a dangling link's target, and
 * with O_EXCL it is EEXIST, as openat2 does. */
static int last(struct beneath *b, const char *name, int flags, mode_t mode,
		int *out)
{
	struct stat st;
	int fd, r;

	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		if ((r = step(b, name, "")) < 0)
			return r;
		name = ".";
	}
	*out = fd = ocap__sys_openat(b->fd[b->depth], name, flags | O_NOFOLLOW,
				     mode);
	if (flags & O_NOFOLLOW)
		return fd < 0 ? fd : 0;
	if (fd >= 0) {
		/* O_PATH | O_NOFOLLOW opens a link itself. */
		if (!(flags & O_PATH) || ocap__sys_fstat(fd, &st) < 0 ||
		    !S_ISLNK(st.st_mode))
			return 0;
		r = splice_in(b, fd, "", "");
		close(fd);
		return r < 0 ? r : 1;
	}
	if (fd != -ELOOP && fd != -ENOTDIR)
		return fd;
	r = splice_in(b, b->fd[b->depth], name, "");
	return r == -EINVAL ? fd : r < 0 ? r : 1;
}

static int walk(struct beneath *b, int flags, mode_t mode)
{
	char name[NAME_MAX + 1];
	const char *c = b->path, *e;
	int r, fd = -1;

	if (*c == '/')
		return OCAP__ESCAPE;
	for (;;) {
		size_t len;
		bool dir;

		c += strspn(c, "/");
		len = strcspn(c, "/");
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		/* Nothing left after a trailing slash: the directory. */
		memcpy(name, len ? c : ".", len ? len : 1);
		name[len ? len : 1] = '\0';
		e = c + len;
		dir = *e == '/';
		/* A trailing slash makes the last name a directory to
		 * walk into, where O_CREAT has nothing to make. */
		if (dir && !e[strspn(e, "/")] && (flags & O_CREAT))
			return -EISDIR;
		r = dir ? step(b, name, e) : last(b, name, flags, mode, &fd);
		if (r < 0)
			return r;
		if (!dir && r == 0)
			return fd;
		c = r == 1 ? b->path : e;
	}
}

int ocap__beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
	struct beneath b;
	size_t len = strlen(rel);
	int r;

	if (len >= OCAP_PATH_BUF)
		return -ENAMETOOLONG;
	if (len == 0)
		return -ENOENT;
	memcpy(b.path, rel, len + 1);
	b.fd[0] = dirfd;
	b.depth = 0;
	b.links = 0;
	r = walk(&b, flags, mode);
	while (b.depth > 0)
		close(b.fd[b.depth--]);
	return r;
}
