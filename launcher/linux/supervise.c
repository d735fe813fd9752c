/* SPDX-License-Identifier: MIT */
/*
 * The supervisor: the broker's end of seccomp user notification.  The
 * supervised compat program (linux/seccomp.c) hands the calls Landlock
 * cannot judge to a listener, which the child sent here before exec;
 * each notification is read, decided, performed by the broker and
 * answered (meta.c has the calls).
 *
 * What it keeps to (SECURITY.md):
 * - no call continues in the program on a decision made from its memory,
 *   which another of its threads may change once read: arguments are read
 *   once, and the broker performs the call itself, on objects it resolved
 *   itself beneath a grant's descriptor;
 * - after reading, ID_VALID confirms that the task is still the one that
 *   made the call, so that its thread id names it and no other;
 * - the work is done with none of the broker's capabilities: its uid and
 *   groups are the program's, so the kernel judges it as the program's;
 * - every failure fails the call.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "broker.h"
#include "open_how.h"
#include "open_rights.h"
#include "supervise.h"

/* Linux 6.6: the woken task runs on the supervisor's CPU. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#define PAGE 4096u

struct super {
	int slot;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size, resp_size;
	const struct ocap_compiled *c;
	struct sgrant *grants; /* NULL until a call needs them; then
				  ended by one whose path is NULL */
	size_t ngrants;
	bool caps; /* the broker holds capabilities to set aside */
	struct __user_cap_data_struct held[2];
};

/* ---- the grants, as the kernel names them ------------------------------- */

static void grants_free(struct super *s)
{
	for (size_t i = 0; i < s->ngrants; i++)
		free(s->grants[i].path);
	free(s->grants);
	s->grants = NULL;
	s->ngrants = 0;
}

/* Read back at the first call that needs them, not at start: a program
 * that makes no such call (most of them) does not wait for the broker to
 * read every grant's name.  The names are the kernel's, as are those of
 * the program's paths they are matched against, so that a granted name
 * through a symbolic link, or "/", compares as the kernel spells it.
 * NULL when they cannot be read (no memory): no grant matches, and the
 * call fails. */
static const struct sgrant *grants(struct super *s)
{
	const struct ocap_compiled *c = s->c;

	if (s->grants)
		return s->grants;
	if (!(s->grants = calloc(c->npaths + 1, sizeof *s->grants)))
		return NULL;
	for (size_t i = 0; i < c->npaths; i++) {
		const struct ocap_path_grant *pg = &c->paths[i];
		struct sgrant *g = &s->grants[s->ngrants];
		char proc[32], buf[PATH_MAX];
		ssize_t n;

		if (pg->fd < 0)
			continue;
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", pg->fd);
		n = readlink(proc, buf, sizeof buf - 1);
		if (n <= 0 || buf[0] != '/')
			continue; /* not reachable by name: never matched */
		buf[n] = '\0';
		if (!(g->path = strdup(buf))) {
			grants_free(s);
			return NULL;
		}
		g->len = (size_t)n;
		g->fd = pg->fd;
		g->rights = pg->rights;
		g->dir = pg->kind == OCAP_KIND_DIR;
		s->ngrants++;
	}
	return s->grants;
}

/* Whether path lies at or beneath g. */
static bool beneath(const struct sgrant *g, const char *path)
{
	if (strncmp(path, g->path, g->len))
		return false;
	if (!g->dir)
		return path[g->len] == '\0';
	return path[g->len] == '\0' || path[g->len] == '/' ||
	       (g->len == 1); /* "/" */
}

const struct sgrant *ocap__super_grant(const struct broker *b,
				       const char *path, ocap_rights_t need)
{
	const struct sgrant *best = NULL;

	for (const struct sgrant *g = grants(b->sup); g && g->path; g++) {
		if ((g->rights & need) == need && beneath(g, path) &&
		    (!best || g->len > best->len))
			best = g;
	}
	return best;
}

bool ocap__super_above(const struct broker *b, const char *path)
{
	size_t n = strlen(path);

	for (const struct sgrant *g = grants(b->sup); g && g->path; g++) {
		if (g->len > n && !strncmp(g->path, path, n) &&
		    (g->path[n] == '/' || n == 1))
			return true;
	}
	return false;
}

/* ---- the program's memory and descriptors ------------------------------ */

/* len bytes between buf and addr in the calling task, either way. */
static int vm(const struct call *c, uint64_t addr, void *buf, size_t len,
	      bool write)
{
	struct iovec l = { buf, len }, r = { NULL, len };
	uintptr_t at = (uintptr_t)addr;
	ssize_t n;

	if (!addr)
		return -EFAULT;
	/* an address in another process: never dereferenced here */
	memcpy(&r.iov_base, &at, sizeof r.iov_base);
	n = write ? process_vm_writev(c->tid, &l, 1, &r, 1, 0)
		  : process_vm_readv(c->tid, &l, 1, &r, 1, 0);
	if (n < 0)
		return errno == ESRCH || errno == EPERM ? -errno : -EFAULT;
	return (size_t)n == len ? 0 : -EFAULT;
}

int ocap__super_read(const struct call *c, uint64_t addr, void *buf,
		     size_t len)
{
	return vm(c, addr, buf, len, false);
}

int ocap__super_write(const struct call *c, uint64_t addr, const void *buf,
		      size_t len)
{
	return vm(c, addr, (void *)buf, len, true);
}

/* A string ends anywhere, perhaps just before a page that is not
 * mapped: read a page at a time up to its NUL. */
int ocap__super_path(const struct call *c, uint64_t addr, char *buf)
{
	size_t got = 0;

	while (got < PATH_MAX) {
		size_t chunk = PAGE - (size_t)((addr + got) % PAGE);
		int r;

		if (chunk > PATH_MAX - got)
			chunk = PATH_MAX - got;
		if ((r = ocap__super_read(c, addr + got, buf + got, chunk)) < 0)
			return r;
		if (memchr(buf + got, '\0', chunk))
			return 0;
		got += chunk;
	}
	return -ENAMETOOLONG;
}

bool ocap__super_valid(const struct call *c)
{
	uint64_t id = c->id;

	return ioctl(c->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* The program's descriptor fd (AT_FDCWD: its working directory), as an
 * O_PATH descriptor of the broker's. */
int ocap__super_fd(const struct call *c, int fd)
{
	char proc[64];
	int t;

	if (fd == AT_FDCWD)
		snprintf(proc, sizeof proc, "/proc/%d/cwd", (int)c->tid);
	else if (fd >= 0)
		snprintf(proc, sizeof proc, "/proc/%d/fd/%d", (int)c->tid, fd);
	else
		return -EBADF;
	t = open(proc, O_PATH | O_CLOEXEC);
	if (t < 0)
		return errno == ENOENT ? -EBADF : -errno;
	return t;
}

/* Capabilities are per thread: the broker's thread sets its effective
 * set aside while it works for the program, and takes it back after. */
int ocap__super_bare(const struct broker *b, bool bare)
{
	const struct super *s = b->sup;
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (!s->caps)
		return 0;
	memcpy(d, s->held, sizeof d);
	if (bare)
		d[0].effective = d[1].effective = 0;
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

int ocap__super_recap(struct broker *b)
{
	struct super *s = b->sup;
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	if (!s)
		return 0;
	if (syscall(SYS_capget, &h, s->held) < 0)
		return -errno;
	s->caps = s->held[0].effective || s->held[1].effective;
	return 0;
}

/* ---- the resolver ------------------------------------------------------- */

static int split(const char *path, char *dir, char *last, bool *slash)
{
	size_t len = strlen(path), cut;

	if (len == 0)
		return -ENOENT;
	*slash = false;
	while (len > 1 && path[len - 1] == '/') {
		len--;
		*slash = true;
	}
	for (cut = len; cut > 0 && path[cut - 1] != '/'; cut--)
		;
	memcpy(last, path + cut, len - cut);
	last[len - cut] = '\0';
	if (cut == 0)
		strcpy(dir, ".");
	else if (cut == 1)
		strcpy(dir, "/");
	else {
		memcpy(dir, path, cut - 1);
		dir[cut - 1] = '\0';
	}
	/* "/", ".", "..": the directory itself */
	if (!*last || !strcmp(last, ".") || !strcmp(last, "..")) {
		memcpy(dir, path, len);
		dir[len] = '\0';
		*last = '\0';
	}
	return 0;
}

static int name_of(int fd, char *buf)
{
	char proc[32];
	ssize_t n;

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, PATH_MAX - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	/* unlinked since, or outside this process's root */
	if (buf[0] != '/' || (n > 10 && !strcmp(buf + n - 10, " (deleted)")))
		return -ENOENT;
	return 0;
}

static long open2(int dirfd, const char *path, int flags, unsigned resolve)
{
	struct ocap_open_how how = {
		.flags = (unsigned)flags | O_PATH | O_CLOEXEC,
		.resolve = resolve };

	return ocap_openat2(dirfd, path, &how);
}

static bool same_file(int a, int b)
{
	struct stat x, y;

	return fstat(a, &x) == 0 && fstat(b, &y) == 0 &&
	       x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* Open what full names beneath g, and nothing that is not beneath it:
 * the kernel keeps the walk beneath, symbolic links included. */
static int open_beneath(const struct sgrant *g, const char *full, bool follow,
			bool dir)
{
	const char *rel = full + g->len;
	int flags = (follow ? 0 : O_NOFOLLOW) | (dir ? O_DIRECTORY : 0);

	if (!g->dir)
		return -EACCES; /* a file grant's is compared, not opened */
	while (*rel == '/')
		rel++;
	return (int)open2(g->fd, *rel ? rel : ".", flags,
			  RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
}

/* A file granted on its own: what the name opens must be that file. */
static int open_file_grant(const struct sgrant *g, int parent,
			   const char *last)
{
	int t = (int)open2(parent, last, O_NOFOLLOW, RESOLVE_NO_MAGICLINKS);

	if (t >= 0 && !same_file(t, g->fd)) {
		close(t);
		return -EACCES;
	}
	return t;
}

int ocap__super_resolve_fd(const struct call *c, int fd, ocap_rights_t need,
			   struct target *t)
{
	const struct sgrant *g;
	struct stat st;
	int u, fl;

	t->fd = -1;
	t->g = NULL;
	if (fd < 0)
		return -EBADF;
	/* The open file description itself, looked up once: its name, its
	 * access mode and what is changed are all of this one (another
	 * thread may put another in its place meanwhile). */
	if ((t->fd = ocap__super_getfd(c, fd)) < 0)
		return t->fd;
	if (name_of(t->fd, t->path) == 0 &&
	    (g = ocap__super_grant(c->b, t->path, need))) {
		u = g->dir ? open_beneath(g, t->path, false, false)
			   : fcntl(g->fd, F_DUPFD_CLOEXEC, 0);
		if (u >= 0 && same_file(u, t->fd)) {
			close(u);
			t->g = g;
			return 0;
		}
		if (u >= 0)
			close(u);
	}
	/* Not found beneath a grant by its name: a regular file the program
	 * opened for writing (an output inherited, one since unlinked). */
	fl = fcntl(t->fd, F_GETFL);
	if (fl >= 0 && !(fl & O_PATH) &&
	    ((fl & OCAP_ACCMODE) == O_WRONLY ||
	     (fl & OCAP_ACCMODE) == O_RDWR) &&
	    fstat(t->fd, &st) == 0 && S_ISREG(st.st_mode))
		return 0;
	return -EACCES;
}

/* "/proc/self/fd/N" names the program's descriptor N, not the broker's:
 * glibc reaches a descriptor's file that way (fchmodat's
 * AT_SYMLINK_NOFOLLOW, fexecve). */
static int proc_self_fd(const char *path)
{
	static const char *const pre[] = { "/proc/self/fd/",
					   "/proc/thread-self/fd/" };

	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(pre[i]);
		char *end;
		long fd;

		if (strncmp(path, pre[i], n) || path[n] < '0' || path[n] > '9')
			continue;
		fd = strtol(path + n, &end, 10);
		if (*end == '\0' && fd >= 0 && fd < INT_MAX)
			return (int)fd;
	}
	return -1;
}

/* A followed last link that leaves its grant, absolute or climbing out
 * (openat2 says EXDEV): where it points, as a path from the root, into
 * next, to be resolved anew.  -EXDEV when next is set. */
static int link_next(const struct sgrant *g, const char *full, char *next)
{
	char target[PATH_MAX];
	const char *slash = strrchr(full, '/');
	int lnk = open_beneath(g, full, false, false);
	ssize_t n;

	if (lnk < 0)
		return lnk;
	n = readlinkat(lnk, "", target, sizeof target - 1);
	close(lnk);
	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	target[n] = '\0';
	if (target[0] == '/')
		n = snprintf(next, PATH_MAX, "%s", target);
	else
		n = snprintf(next, PATH_MAX, "%.*s/%s",
			     (int)(slash - full), full, target);
	return n >= PATH_MAX ? -ENAMETOOLONG : -EXDEV;
}

/* Where path from base lies: its directory opened (*parent), its last
 * name (empty for the directory itself) and the kernel's name for it
 * followed by that last name, into name (PATH_MAX). */
static int locate(int base, const char *path, char *last, bool *slash,
		  int *parent, char *name)
{
	char dir[PATH_MAX];
	size_t len;
	int r;

	*parent = -1;
	if (strlen(path) > sizeof dir - 1 ||
	    strlen(strrchr(path, '/') ? strrchr(path, '/') + 1 : path) > NAME_MAX)
		return -ENAMETOOLONG;
	if ((r = split(path, dir, last, slash)) < 0)
		return r;
	*parent = (int)open2(base, dir, O_DIRECTORY, RESOLVE_NO_MAGICLINKS);
	if (*parent < 0)
		return *parent;
	if ((r = name_of(*parent, name)) < 0)
		return r;
	len = strlen(name);
	if (*last && len + 1 + strlen(last) >= PATH_MAX)
		return -ENAMETOOLONG;
	if (*last)
		snprintf(name + len, PATH_MAX - len, "%s%s", len > 1 ? "/" : "",
			 last);
	return 0;
}

/* One round of ocap__super_resolve: path from base. */
static int resolve_step(const struct call *c, int base, const char *path,
			bool follow, ocap_rights_t need, struct target *t,
			char *next)
{
	char last[NAME_MAX + 1];
	const struct sgrant *g;
	bool slash;
	int parent, r;

	if ((r = locate(base, path, last, &slash, &parent, t->path)) < 0)
		goto out;
	if (!(g = ocap__super_grant(c->b, t->path, need))) {
		r = -EACCES;
		goto out;
	}
	r = g->dir ? open_beneath(g, t->path, follow || !*last, slash)
		   : open_file_grant(g, parent, last);
	if (r == -EXDEV && follow && *last && g->dir)
		r = link_next(g, t->path, next);
	if (r >= 0) {
		t->fd = r;
		t->g = g;
		r = 0;
	}
out:
	if (parent >= 0)
		close(parent);
	return r;
}

int ocap__super_name(const struct call *c, int dirfd, const char *path,
		     bool follow, char *name, struct stat *st, int *keep)
{
	char last[NAME_MAX + 1];
	int base = AT_FDCWD, parent = -1, r, pfd, t;
	bool slash;

	st->st_mode = 0;
	if (keep)
		*keep = -1;
	if ((pfd = proc_self_fd(path)) >= 0 ||
	    (!*path && dirfd != AT_FDCWD)) {
		if ((t = ocap__super_getfd(c, pfd >= 0 ? pfd : dirfd)) < 0)
			return t;
		r = name_of(t, name);
		if (r == 0 && fstat(t, st) < 0)
			r = -errno;
		close(t);
		return r;
	}
	if (path[0] != '/' && (base = ocap__super_fd(c, dirfd)) < 0)
		return base;
	r = locate(base, path, last, &slash, &parent, name);
	t = r < 0 ? -1
	    : *last ? (int)open2(parent, last, follow ? 0 : O_NOFOLLOW,
				 RESOLVE_NO_MAGICLINKS)
		    : parent;
	/* what a followed link names is what the kernel judges */
	if (t >= 0 && fstat(t, st) == 0 && follow && t != parent)
		(void)name_of(t, name);
	if (keep && t >= 0 && st->st_mode) {
		*keep = t;
		if (t == parent)
			parent = -1;
	} else if (t >= 0 && t != parent) {
		close(t);
	}
	if (parent >= 0)
		close(parent);
	if (base >= 0)
		close(base);
	return r;
}

/* A followed link is judged where it leads: resolved anew from the
 * root, at most 40 times (the kernel's own bound on links). */
int ocap__super_resolve(const struct call *c, int dirfd, const char *path,
			bool follow, ocap_rights_t need, struct target *t)
{
	char next[PATH_MAX], cur[PATH_MAX];
	int base = AT_FDCWD, r, pfd;

	t->fd = -1;
	t->g = NULL;
	if ((pfd = proc_self_fd(path)) >= 0)
		return ocap__super_resolve_fd(c, pfd, need, t);
	if (path[0] != '/' && (base = ocap__super_fd(c, dirfd)) < 0)
		return base;
	for (int hops = 0;; hops++) {
		*next = '\0';
		r = resolve_step(c, base, path, follow, need, t, next);
		if (r != -EXDEV || !*next)
			break;
		if (hops == 40) {
			r = -ELOOP;
			break;
		}
		strcpy(cur, next);
		path = cur;
		if (base >= 0)
			close(base);
		base = AT_FDCWD; /* next is absolute */
	}
	if (base >= 0)
		close(base);
	/* a link out of every write grant */
	return r == -EXDEV ? -EACCES : r;
}

/* ---- notifications ------------------------------------------------------ */

void ocap__super_answer(struct broker *b, int i, uint64_t id, int64_t r)
{
	struct super *s = b->sup;
	struct seccomp_notif_resp *resp = s->resp;

	memset(resp, 0, s->resp_size);
	resp->id = id;
	if (r < 0)
		resp->error = (int32_t)r;
	else
		resp->val = r;
	/* ENOENT: the task is gone, or a signal took it back first */
	(void)ioctl(b->slots[i].fd, SECCOMP_IOCTL_NOTIF_SEND, resp);
}

pid_t ocap__super_tgid(const struct call *c)
{
	char proc[64], buf[512], *t;
	ssize_t n;
	int f;

	snprintf(proc, sizeof proc, "/proc/%d/status", (int)c->tid);
	if ((f = open(proc, O_RDONLY | O_CLOEXEC)) < 0)
		return -ESRCH;
	n = read(f, buf, sizeof buf - 1);
	close(f);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	if (!(t = strstr(buf, "\nTgid:")))
		return -ESRCH;
	return (pid_t)strtol(t + 6, NULL, 10);
}

/* The task's process, as a pidfd: a thread's id names it only through
 * its thread group's leader (pidfd_open refuses other threads: EINVAL
 * before Linux 6.9, ENOENT since, without PIDFD_THREAD). */
static int task_pidfd(const struct call *c)
{
	long fd = syscall(SYS_pidfd_open, c->tid, 0);
	pid_t tgid;

	if (fd >= 0 || (errno != EINVAL && errno != ENOENT))
		return fd < 0 ? -errno : (int)fd;
	if ((tgid = ocap__super_tgid(c)) < 0)
		return tgid;
	fd = syscall(SYS_pidfd_open, tgid, 0);
	return fd < 0 ? -errno : (int)fd;
}

int ocap__super_getfd(const struct call *c, int fd)
{
	int pidfd = task_pidfd(c);
	long r;

	if (pidfd < 0)
		return pidfd;
	r = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	if (r < 0)
		return errno == EBADF ? -EBADF : -errno;
	return (int)r;
}

/* connect, bind and listen: the address read once, the program's own
 * socket taken, and both handed to the network services.  A connect may
 * be answered later, by a job; bind runs bare, so that a root program
 * without CAP_NET_BIND_SERVICE binds no low port. */
static void serve_socket(struct broker *b, int i, const struct call *c)
{
	struct sockaddr_storage ss = { 0 };
	const struct sockaddr *sa = (const struct sockaddr *)&ss;
	int len = (int)(uint32_t)c->args[2], sock = -1, r = 0;

	if (c->nr != SYS_listen && (len < 0 || (size_t)len > sizeof ss))
		r = -EINVAL;
	else if (c->nr != SYS_listen)
		r = ocap__super_read(c, c->args[1], &ss, (size_t)len);
	if (r == 0)
		r = sock = ocap__super_getfd(c, (int)c->args[0]);
	if (r >= 0 && !ocap__super_valid(c))
		r = -ESRCH;
	if (r >= 0 && c->nr == SYS_connect) {
		ocap__super_connect(b, i, c->id, sock, sa, (socklen_t)len);
		return;
	}
	if (r >= 0 && c->nr == SYS_bind && (r = ocap__super_bare(b, true)) == 0) {
		r = ocap__super_bind(b, sock, sa, (socklen_t)len);
		if (ocap__super_bare(b, false) < 0 && r == 0)
			r = -EPERM;
	} else if (r >= 0 && c->nr == SYS_listen) {
		r = ocap__super_listen(b, sock, (int)c->args[1]);
	}
	if (sock >= 0)
		close(sock);
	ocap__super_answer(b, i, c->id, r);
}

static void stop_listening(struct broker *b)
{
	struct super *s = b->sup;

	if (s->slot < 0)
		return;
	close(b->slots[s->slot].fd);
	ocap__broker_slot_free(b, s->slot);
	s->slot = -1;
}

void ocap__super_event(struct broker *b, int i, short revents)
{
	struct super *s = b->sup;
	struct call c = { .b = b, .listener = b->slots[i].fd };

	if (!(revents & POLLIN)) {
		if (revents & (POLLHUP | POLLERR | POLLNVAL))
			stop_listening(b); /* no task is left to call */
		return;
	}
	memset(s->req, 0, s->req_size);
	if (ioctl(c.listener, SECCOMP_IOCTL_NOTIF_RECV, s->req) < 0) {
		if (errno != EINTR && errno != ENOENT)
			stop_listening(b);
		return;
	}
	c.id = s->req->id;
	c.tid = (pid_t)s->req->pid;
	c.nr = s->req->data.nr;
	memcpy(c.args, s->req->data.args, sizeof c.args);
	if (c.nr == SYS_connect || c.nr == SYS_bind || c.nr == SYS_listen)
		serve_socket(b, i, &c);
	else if (c.nr == SYS_sendto || c.nr == SYS_sendmsg ||
		 c.nr == SYS_sendmmsg)
		ocap__super_send(b, i, &c);
	else if (ocap__super_suggest_call(b, c.nr))
		ocap__super_suggest(b, i, &c);
	else if (ocap__super_hidden_call(c.nr))
		ocap__super_answer(b, i, c.id, ocap__super_hide(&c));
	else
		ocap__super_answer(b, i, c.id, ocap__super_meta(&c));
}

int ocap__super_start(struct broker *b, int listener)
{
	struct seccomp_notif_sizes sz;
	struct super *s;
	uint64_t fl = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	int r;

	if (listener < 0)
		return 0;
	if (!(s = calloc(1, sizeof *s))) {
		close(listener);
		return -ENOMEM;
	}
	b->sup = s;
	s->slot = -1;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0) {
		close(listener);
		return -errno;
	}
	s->req_size = sz.seccomp_notif > sizeof *s->req ? sz.seccomp_notif
							 : sizeof *s->req;
	s->resp_size = sz.seccomp_notif_resp > sizeof *s->resp
			       ? sz.seccomp_notif_resp
			       : sizeof *s->resp;
	s->req = calloc(1, s->req_size);
	s->resp = calloc(1, s->resp_size);
	s->c = b->c;
	if (!s->req || !s->resp) {
		close(listener);
		return -ENOMEM;
	}
	(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, fl);
	if ((r = ocap__broker_slot_new(b, SLOT_NOTIF, listener)) < 0) {
		close(listener);
		return r;
	}
	s->slot = r;
	ocap__broker_slot_want(b, r, POLLIN);
	return 0;
}

void ocap__super_stop(struct broker *b)
{
	struct super *s = b->sup;

	if (!s)
		return;
	stop_listening(b);
	grants_free(s);
	free(s->req);
	free(s->resp);
	free(s);
	b->sup = NULL;
}
