/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ov.h"

/* Split the capability-relative path rel into its parent, opened beneath
 * cap, and its last component.  -EXDEV when the parent leaves cap. */
static int split(const ocap_cap *cap, const char *rel, struct ov_at *at)
{
	char dir[OV_PATH];
	size_t len = strlen(rel), end = len;
	const char *slash;
	int fd;

	at->cap = cap;
	at->dirfd = ocap_cap_fd(cap);
	if (!strcmp(rel, ".")) {
		at->mount = true;
		at->base = ".";
		return 0;
	}
	if (ocap_cap_kind(cap) != OCAP_KIND_DIR)
		return -ENOTDIR;
	if (rel[end - 1] == '/')
		end--;
	slash = memrchr(rel, '/', end);
	size_t start = slash ? (size_t)(slash + 1 - rel) : 0;
	if (end - start > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(at->name, rel + start, len - start + 1);
	at->base = at->name;
	if (!slash)
		return 0;
	memcpy(dir, rel, (size_t)(slash - rel));
	dir[slash - rel] = '\0';
	fd = ocap__ov_openat_beneath(at->dirfd, dir,
				     O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	at->dirfd = fd;
	at->own = true;
	return 0;
}

/* abs with its parent directory resolved through the namespace. */
static int resolve_parent(ocap_ns *ns, char *abs)
{
	char dir[OV_PATH], base[NAME_MAX + 2];
	size_t len = strlen(abs), end = len;
	const char *slash;
	int n;

	if (len > 1 && abs[end - 1] == '/')
		end--;
	slash = memrchr(abs, '/', end);
	if (!slash || len - (size_t)(slash + 1 - abs) >= sizeof base)
		return -ENAMETOOLONG;
	memcpy(base, slash + 1, len - (size_t)(slash + 1 - abs) + 1);
	memcpy(dir, abs, (size_t)(slash - abs) + 1);
	dir[slash - abs + 1] = '\0';
	if ((n = ocap__ov_ns_realpath(ns, dir, true, abs)) < 0)
		return n;
	if ((size_t)n + 1 + strlen(base) >= OV_PATH)
		return -ENAMETOOLONG;
	if (n > 1)
		abs[n++] = '/';
	strcpy(abs + n, base);
	return 0;
}

int ocap__ov_at_resolve(ocap_ns *ns, int dirfd, const char *path,
			struct ov_at *at)
{
	char abs[OV_PATH], rel[OV_PATH];
	int r;

	memset(at, 0, sizeof *at);
	if (!ov_global(dirfd, path)) {
		at->dirfd = dirfd;
		at->base = path;
		return 0;
	}
	if ((r = ocap__ov_abs(ns, path, abs)) < 0)
		return r;
	for (int tries = 0; tries <= OV_MAXSYMLINKS; tries++) {
		const ocap_cap *cap;

		if ((r = ocap_ns_resolve(ns, abs, &cap, rel, sizeof rel)) < 0)
			return r;
		if ((r = split(cap, rel, at)) != -EXDEV)
			return r;
		if ((r = resolve_parent(ns, abs)) < 0)
			return r;
	}
	return -ELOOP;
}

void ocap__ov_at_close(struct ov_at *at)
{
	if (at->own)
		ov_sys(SYS_close, at->dirfd);
	at->own = false;
}

int ocap__ov_at_need(const struct ov_at *at, ocap_rights_t need)
{
	if (at->cap && (ocap_cap_rights(at->cap) & need) != need)
		return -EACCES;
	return 0;
}

int ocap__ov_at_open(ocap_ns *ns, int dirfd, const char *path, int flags,
		     bool follow, const ocap_cap **capp)
{
	char abs[OV_PATH], rel[OV_PATH];
	int r;

	if (!follow)
		flags |= O_NOFOLLOW;
	if (capp)
		*capp = NULL;
	if (!ov_global(dirfd, path))
		return ocap__ov_openat_beneath(dirfd, path, flags, 0);
	if ((r = ocap__ov_abs(ns, path, abs)) < 0)
		return r;
	for (int tries = 0; tries <= OV_MAXSYMLINKS; tries++) {
		const ocap_cap *cap;

		if ((r = ocap_ns_resolve(ns, abs, &cap, rel, sizeof rel)) < 0)
			return r;
		if (capp)
			*capp = cap;
		if (ocap_cap_kind(cap) == OCAP_KIND_FILE) {
			if (strcmp(rel, "."))
				return -ENOTDIR;
			if (!(flags & O_PATH)) /* a new open file description */
				return ocap_ns_open(ns, abs, flags, 0);
			return (int)ov_sys(SYS_fcntl, ocap_cap_fd(cap),
					   F_DUPFD_CLOEXEC, 0);
		}
		r = ocap__ov_openat_beneath(ocap_cap_fd(cap), rel, flags, 0);
		if (r != -EXDEV)
			return r;
		if ((r = ocap__ov_ns_realpath(ns, abs, follow, rel)) < 0)
			return r;
		memcpy(abs, rel, (size_t)r + 1);
	}
	return -ELOOP;
}
