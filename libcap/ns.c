/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int ocap_ns_new(ocap_ns **out)
{
	ocap_ns *ns;

	if (!out)
		return -EINVAL;
	ns = calloc(1, sizeof *ns);
	if (!ns)
		return -ENOMEM;
	pthread_mutex_init(&ns->lock, NULL);
	strcpy(ns->cwd, "/");
	*out = ns;
	return 0;
}

void ocap_ns_free(ocap_ns *ns)
{
	if (!ns)
		return;
	for (size_t i = 0; i < ns->n; i++)
		ocap_cap_close(ns->caps[i]);
	free(ns->caps);
	pthread_mutex_destroy(&ns->lock);
	free(ns);
}

int ocap_ns_mount(ocap_ns *ns, ocap_cap *cap)
{
	size_t i;
	int cmp = 1;

	if (!ns || !cap)
		return -EINVAL;
	if (cap->ns)
		return -EBUSY;
	for (i = 0; i < ns->n; i++)
		if ((cmp = strcmp(ns->caps[i]->name, cap->name)) >= 0)
			break;
	if (i < ns->n && cmp == 0)
		return -EEXIST;
	if (ns->n == OCAP_TABLE_MAX)
		return -EMSGSIZE;
	if (ns->n == ns->alloc) {
		size_t alloc = ns->alloc ? 2 * ns->alloc : 8;
		ocap_cap **caps = realloc(ns->caps, alloc * sizeof(ocap_cap *));
		if (!caps)
			return -ENOMEM;
		ns->caps = caps;
		ns->alloc = alloc;
	}
	memmove(ns->caps + i + 1, ns->caps + i,
		(ns->n - i) * sizeof(ocap_cap *));
	ns->caps[i] = cap;
	ns->n++;
	cap->ns = ns;
	return 0;
}

size_t ocap_ns_count(const ocap_ns *ns) { return ns ? ns->n : 0; }

const ocap_cap *ocap_ns_entry(const ocap_ns *ns, size_t i)
{
	return ns && i < ns->n ? ns->caps[i] : NULL;
}

const ocap_cap *ocap_ns_find(const ocap_ns *ns, const char *name)
{
	if (!ns || !name)
		return NULL;
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->caps[i]->name, name))
			return ns->caps[i];
	return NULL;
}

static const char *rest_of(const ocap_cap *c, const char *abs)
{
	const char *rel = abs + (c->name_len == 1 ? 0 : c->name_len);

	while (*rel == '/')
		rel++;
	return *rel ? rel : ".";
}

int ocap__lookup(const struct ocap_view *v, const char *abs,
		 const ocap_cap **cap, const char **rel)
{
	const ocap_cap *best = NULL;

	if (v->only) {
		if (ocap__prefix_of(v->only->name, v->only->name_len, abs))
			best = v->only;
	} else {
		for (size_t i = 0; i < v->ns->n; i++) {
			const ocap_cap *c = v->ns->caps[i];
			if (ocap__is_fs_kind(c->kind) &&
			    (!best || c->name_len > best->name_len) &&
			    ocap__prefix_of(c->name, c->name_len, abs))
				best = c;
		}
	}
	if (!best)
		return -ENOENT;
	*cap = best;
	*rel = rest_of(best, abs);
	return 0;
}

/* path made absolute against the namespace's working directory. */
int ocap__ns_abs(ocap_ns *ns, const char *path, char *abs)
{
	int r;

	if (!ns)
		return -EINVAL;
	if (path && path[0] == '/')
		return ocap_path_normalize(NULL, path, abs, OCAP_PATH_BUF);
	pthread_mutex_lock(&ns->lock);
	r = ocap_path_normalize(ns->cwd, path, abs, OCAP_PATH_BUF);
	pthread_mutex_unlock(&ns->lock);
	return r;
}

int ocap_ns_resolve(ocap_ns *ns, const char *path, const ocap_cap **cap,
		    char *rel, size_t size)
{
	char abs[OCAP_PATH_BUF];
	struct ocap_view v = { ns, NULL };
	const char *r;
	int e;

	if (!cap || !rel)
		return -EINVAL;
	if ((e = ocap__ns_abs(ns, path, abs)) < 0)
		return e;
	if ((e = ocap__lookup(&v, abs, cap, &r)) < 0)
		return e;
	if (strlen(r) >= size)
		return -ENAMETOOLONG;
	strcpy(rel, r);
	return 0;
}

/* Whether abs is a directory above some mount point. */
bool ocap__virtual_dir(const ocap_ns *ns, const char *abs)
{
	size_t len = strlen(abs);

	if (len > 1 && abs[len - 1] == '/')
		len--;
	for (size_t i = 0; i < ns->n; i++) {
		const ocap_cap *c = ns->caps[i];
		if (ocap__is_fs_kind(c->kind) && c->name_len > len &&
		    (len == 1 || (!strncmp(c->name, abs, len) &&
				  c->name[len] == '/')))
			return true;
	}
	return false;
}

bool ocap__ns_virtual(ocap_ns *ns, const char *path)
{
	char abs[OCAP_PATH_BUF];

	return ocap__ns_abs(ns, path, abs) >= 0 && ocap__virtual_dir(ns, abs);
}

/* A directory above mount points has no inode of its own: an empty
 * directory nobody may change, numbered by its name so that tree walkers
 * see distinct directories. */
static void virtual_stat(const char *abs, struct stat *st)
{
	unsigned long h = 5381;

	for (const char *p = abs; *p; p++)
		h = h * 33 + (unsigned char)*p;
	memset(st, 0, sizeof *st);
	st->st_mode = S_IFDIR | 0555;
	st->st_nlink = 2;
	st->st_ino = h | 1;
	st->st_blksize = 4096;
}

int ocap__ns_stat_any(ocap_ns *ns, const char *path, struct stat *st,
		      int flags)
{
	char abs[OCAP_PATH_BUF];
	int r = ocap_ns_stat(ns, path, st, flags);

	if (r != -ENOENT || ocap__ns_abs(ns, path, abs) < 0 ||
	    !ocap__virtual_dir(ns, abs))
		return r;
	virtual_stat(abs, st);
	return 0;
}

static int probe_dir(const ocap_cap *cap, const char *rel, void *arg)
{
	int fd;

	(void)arg;
	if (cap->kind != OCAP_KIND_DIR)
		return -ENOTDIR;
	fd = ocap__openat2(cap->fd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int ocap_ns_chdir(ocap_ns *ns, const char *path)
{
	char abs[OCAP_PATH_BUF];
	struct ocap_view v = { ns, NULL };
	int r, len;

	if ((len = ocap__ns_abs(ns, path, abs)) < 0)
		return len;
	r = ocap__with_path(&v, abs, true, probe_dir, NULL);
	if (r == -ENOENT && ocap__virtual_dir(ns, abs))
		r = 0;
	if (r < 0)
		return r;
	/* ocap__with_path may have rewritten abs; keep the logical path. */
	if ((len = ocap__ns_abs(ns, path, abs)) < 0)
		return len;
	if (len > 1 && abs[len - 1] == '/')
		abs[len - 1] = '\0';
	pthread_mutex_lock(&ns->lock);
	strcpy(ns->cwd, abs);
	pthread_mutex_unlock(&ns->lock);
	return 0;
}

int ocap_ns_getcwd(ocap_ns *ns, char *buf, size_t size)
{
	int r = 0;

	if (!ns || !buf)
		return -EINVAL;
	pthread_mutex_lock(&ns->lock);
	if (strlen(ns->cwd) >= size)
		r = -ERANGE;
	else
		strcpy(buf, ns->cwd);
	pthread_mutex_unlock(&ns->lock);
	return r;
}
