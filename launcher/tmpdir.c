/* SPDX-License-Identifier: MIT */
/*
 * The private temporary directory: made for one launch, granted read and
 * write, named by TMPDIR, TMP and TEMP, and removed once the program and
 * its descendants are gone (unless --keep-tmpdir).  Removal never follows
 * a link the program left: every name is opened beneath the directory
 * with O_NOFOLLOW, and deep trees are bounded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmpdir.h"

#define TMPDIR_NAME "ocap.XXXXXX"
#define TMPDIR_DEPTH_MAX 64

/* Where the directory goes: the caller's TMPDIR when it is an absolute
 * directory, else /tmp. */
const char *ocap__tmpdir_base(void)
{
	const char *t = getenv("TMPDIR");
	struct stat st;

	if (t && t[0] == '/' && strlen(t) < 256 && stat(t, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return t;
	return "/tmp";
}

int ocap__tmpdir_template(char *buf, size_t size)
{
	const char *base = ocap__tmpdir_base();
	int n = snprintf(buf, size, "%s%s" TMPDIR_NAME, base,
			 base[strlen(base) - 1] == '/' ? "" : "/");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* The grant is planned under the template's name, so that --explain and
 * the launch compile the same plan; the launch gives it its real one. */
int ocap__tmpdir_plan(struct ocap_compiled *c)
{
	char path[300];
	int r;

	if (c->plan->no_tmpdir)
		return 0;
	if ((r = ocap__tmpdir_template(path, sizeof path)) < 0 ||
	    (r = ocap__grants_add(&c->paths, &c->npaths, path, OCAP_RIGHTS_RW,
				  "tmpdir", NULL, true)) < 0)
		return ocap__plan_fail(c->plan, r, "tmpdir: %s", strerror(-r));
	c->tmpdir_grant = c->npaths; /* its index + 1 */
	return 0;
}

int ocap__tmpdir_make(struct ocap_compiled *c)
{
	ocap_plan *p = c->plan;
	struct ocap_path_grant *g;
	char *path;

	if (!c->tmpdir_grant || p->tmpdir)
		return 0;
	g = &c->paths[c->tmpdir_grant - 1];
	if (!(path = strdup(g->name)))
		return -ENOMEM;
	if (!mkdtemp(path)) { /* mode 0700 */
		int e = errno;
		free(path);
		return ocap__plan_fail(p, -e, "tmpdir: %s: %s",
				       ocap__tmpdir_base(), strerror(e));
	}
	free(g->name);
	g->name = path;
	p->tmpdir = path;
	return 0;
}

/* Empty the directory open at fd; 0 or the first error. */
static int empty(int fd, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	int r = 0;

	if (!d) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d))) {
		int sub, s;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(fd, e->d_name, 0) == 0)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			r = r ? r : -errno;
			continue;
		}
		sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY |
						    O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || depth >= TMPDIR_DEPTH_MAX) {
			r = r ? r : sub < 0 ? -errno : -ELOOP;
			if (sub >= 0)
				close(sub);
			continue;
		}
		s = empty(sub, depth + 1);
		if (s == 0 && unlinkat(fd, e->d_name, AT_REMOVEDIR) < 0)
			s = -errno;
		r = r ? r : s;
	}
	closedir(d);
	return r;
}

int ocap__tmpdir_remove(ocap_plan *p)
{
	int fd, r;

	if (!p->tmpdir || p->keep_tmpdir)
		return 0;
	/* Most programs leave it empty; rmdir follows no link. */
	if (rmdir(p->tmpdir) == 0) {
		p->tmpdir = NULL;
		return 0;
	}
	fd = open(p->tmpdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		p->tmpdir = NULL;
	if (fd < 0)
		return p->tmpdir ? -errno : 0;
	r = empty(fd, 0);
	if (r == 0 && rmdir(p->tmpdir) < 0)
		r = -errno;
	if (r == 0)
		p->tmpdir = NULL;
	return r;
}

const char *ocap_plan_tmpdir(const ocap_plan *p)
{
	return p ? p->tmpdir : NULL;
}
