/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

const char *ocap_kind_name(int kind)
{
	switch (kind) {
	case OCAP_KIND_DIR: return "dir";
	case OCAP_KIND_FILE: return "file";
	case OCAP_KIND_ENDPOINT: return "endpoint";
	case OCAP_KIND_LISTENER: return "listener";
	case OCAP_KIND_BROKER: return "broker";
	}
	return NULL;
}

int ocap__cap_new(int fd, int kind, ocap_rights_t rights, const char *name,
		  ocap_cap **out)
{
	ocap_cap *c;

	c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	c->name = strdup(name);
	if (!c->name) {
		free(c);
		return -ENOMEM;
	}
	c->name_len = strlen(name);
	c->fd = fd;
	c->kind = kind;
	c->rights = rights;
	*out = c;
	return 0;
}

int ocap_cap_from_fd(int fd, int kind, ocap_rights_t rights,
		     const char *name, ocap_cap **out)
{
	if (!out || !name || !ocap_kind_name(kind) ||
	    (rights & ~OCAP_RIGHTS_ALL))
		return -EINVAL;
	if (ocap__is_fs_kind(kind) ? (fd < 0 || !ocap__name_ok(name))
				   : (!*name || strlen(name) > OCAP_NAME_MAX))
		return -EINVAL;
	return ocap__cap_new(fd, kind, rights, name, out);
}

/* The access mode a file capability is held with. */
static int file_access(ocap_rights_t rights)
{
	bool r = rights & OCAP_RIGHT_READ;
	bool w = rights & OCAP_RIGHT_WRITE;

	if (r && w)
		return O_RDWR;
	if (w)
		return O_WRONLY;
	if (r)
		return O_RDONLY;
	return O_PATH;
}

/* Turn an O_PATH descriptor into a capability: directories stay O_PATH,
 * files are reopened with the access their rights need.  Consumes fd. */
int ocap__cap_from_opath(int fd, ocap_rights_t rights, const char *name,
			 ocap_cap **out)
{
	struct stat st;
	int kind = OCAP_KIND_DIR, r;

	if ((r = ocap__sys_fstat(fd, &st)) < 0)
		goto fail;
	if (!S_ISDIR(st.st_mode)) {
		kind = OCAP_KIND_FILE;
		int acc = file_access(rights);
		if (acc != O_PATH) {
			int nfd = ocap__reopen(fd, acc | O_CLOEXEC);
			if (nfd < 0) {
				r = nfd;
				goto fail;
			}
			close(fd);
			fd = nfd;
		}
	}
	if ((r = ocap__cap_new(fd, kind, rights, name, out)) < 0)
		goto fail;
	return 0;
fail:
	close(fd);
	return r;
}

int ocap_cap_open(const char *path, ocap_rights_t rights, ocap_cap **out)
{
	char cwd[OCAP_PATH_BUF], name[OCAP_PATH_BUF];
	int fd, r;

	if (!path || !out || (rights & ~OCAP_RIGHTS_ALL))
		return -EINVAL;
	if (path[0] != '/' && (r = ocap__sys_getcwd(cwd, sizeof cwd)) < 0)
		return r;
	r = ocap_path_normalize(cwd, path, name, sizeof name);
	if (r < 0)
		return r;
	if (r > 1 && name[r - 1] == '/')
		name[r - 1] = '\0';
	if ((fd = ocap__sys_open(path, O_PATH | O_CLOEXEC)) < 0)
		return fd;
	return ocap__cap_from_opath(fd, rights, name, out);
}

int ocap_cap_limit(ocap_cap *cap, ocap_rights_t rights)
{
	if (!cap)
		return -EINVAL;
	if (rights & ~cap->rights)
		return -EACCES;
	cap->rights = rights;
	return 0;
}

void ocap_cap_close(ocap_cap *cap)
{
	if (!cap)
		return;
	if (cap->fd >= 0)
		close(cap->fd);
	free(cap->name);
	free(cap);
}

int ocap_cap_fd(const ocap_cap *cap) { return cap ? cap->fd : -EINVAL; }
int ocap_cap_kind(const ocap_cap *cap) { return cap ? cap->kind : -EINVAL; }
ocap_rights_t ocap_cap_rights(const ocap_cap *cap)
{
	return cap ? cap->rights : 0;
}
const char *ocap_cap_name(const ocap_cap *cap)
{
	return cap ? cap->name : NULL;
}
