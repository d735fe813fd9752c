/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define FETCH_SEQ 1

/* Check one table entry and turn it into a capability; consumes its
 * descriptor. */
static int entry_cap(struct ocap_msg *m, ocap_cap **out)
{
	struct stat st;
	int fd = m->nfds ? m->fds[0] : -1, r = -EBADMSG;

	m->nfds = 0;
	if (ocap__is_fs_kind((int)m->kind)) {
		if (!ocap__name_ok(m->name) || ocap__sys_fstat(fd, &st) < 0)
			goto fail;
		if (S_ISDIR(st.st_mode) != (m->kind == OCAP_KIND_DIR))
			goto fail;
	}
	if ((r = ocap__cap_new(fd, (int)m->kind, m->rights, m->name, out)) < 0)
		goto fail;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return r;
}

static int fetch(int sock, ocap_ns *ns, struct ocap_msg *m)
{
	uint32_t n = 0;
	int r;

	memset(m, 0, sizeof *m);
	m->type = OCAP_MSG_TABLE_REQ;
	m->seq = FETCH_SEQ;
	if ((r = ocap_msg_send(sock, m)) < 0)
		return r;
	for (;;) {
		ocap_cap *cap;

		if ((r = ocap_msg_recv(sock, m)) < 0)
			return r;
		if (m->seq != FETCH_SEQ) {
			ocap_msg_close_fds(m);
			return -EBADMSG;
		}
		switch (m->type) {
		case OCAP_MSG_TABLE_ENTRY:
			if (n == OCAP_TABLE_MAX) {
				ocap_msg_close_fds(m);
				return -EMSGSIZE;
			}
			if ((r = entry_cap(m, &cap)) < 0)
				return r;
			if ((r = ocap_ns_mount(ns, cap)) < 0) {
				ocap_cap_close(cap);
				return r == -EEXIST ? -EBADMSG : r;
			}
			n++;
			break;
		case OCAP_MSG_TABLE_END:
			return m->count == n ? 0 : -EBADMSG;
		case OCAP_MSG_REPLY:
			return m->status < 0 ? m->status : -EBADMSG;
		default:
			ocap_msg_close_fds(m);
			return -EBADMSG;
		}
	}
}

int ocap_ns_fetch(int sock, ocap_ns **out)
{
	struct ocap_msg *m;
	ocap_ns *ns;
	int r;

	if (!out)
		return -EINVAL;
	m = malloc(sizeof *m);
	if (!m)
		return -ENOMEM;
	if ((r = ocap_ns_new(&ns)) < 0) {
		free(m);
		return r;
	}
	r = fetch(sock, ns, m);
	free(m);
	if (r < 0) {
		ocap_ns_free(ns);
		return r;
	}
	*out = ns;
	return 0;
}

static struct {
	pthread_once_t once;
	int err;
	ocap_ns *ns;
} root = { PTHREAD_ONCE_INIT, 0, NULL };

/* The descriptor $OCAP_ROOT names. */
int ocap__root_fd(void)
{
	const char *s = getenv(OCAP_ROOT_ENV);
	char *end;
	long fd;

	if (!s)
		return -ENOENT;
	if (!isdigit((unsigned char)s[0]))
		return -EBADF;
	errno = 0;
	fd = strtol(s, &end, 10);
	if (!*s || *end || errno || fd < 0 || fd > INT_MAX)
		return -EBADF;
	if (fcntl((int)fd, F_GETFD) < 0)
		return -EBADF;
	return (int)fd;
}

int ocap_session(int rootfd)
{
	struct ocap_msg *m;
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	m = calloc(1, sizeof *m);
	if (!m) {
		r = -ENOMEM;
		goto fail;
	}
	m->type = OCAP_MSG_SESSION;
	m->nfds = 1;
	m->fds[0] = sv[1];
	r = ocap_msg_send(rootfd, m);
	free(m);
	if (r < 0)
		goto fail;
	close(sv[1]);
	return sv[0];
fail:
	close(sv[0]);
	close(sv[1]);
	return r;
}

static void root_init(void)
{
	int fd = ocap__root_fd(), s;

	if (fd < 0) {
		root.err = fd;
		return;
	}
	if ((s = ocap_session(fd)) < 0) {
		root.err = s;
		return;
	}
	root.err = ocap_ns_fetch(s, &root.ns);
	close(s);
	/* The broker holds these files too, and can reopen them where this
	 * process may not (a native program cannot open /proc). */
	for (size_t k = 0; root.err == 0 && k < root.ns->n; k++)
		root.ns->caps[k]->brokered = true;
}

int ocap_root(ocap_ns **out)
{
	if (!out)
		return -EINVAL;
	pthread_once(&root.once, root_init);
	if (root.err < 0)
		return root.err;
	*out = root.ns;
	return 0;
}

int ocap_lookup(const char *name, const ocap_cap **out)
{
	ocap_ns *ns;
	const ocap_cap *c;
	int r;

	if (!name || !out)
		return -EINVAL;
	if ((r = ocap_root(&ns)) < 0)
		return r;
	if (!(c = ocap_ns_find(ns, name)))
		return -ENOENT;
	*out = c;
	return 0;
}
