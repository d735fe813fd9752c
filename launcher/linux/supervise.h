/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_BROKER_SUPERVISE_H
#define OCAP_LAUNCH_BROKER_SUPERVISE_H

/* The supervisor's insides, shared by supervise.c and the calls it
 * serves (meta.c). */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "broker.h"

/* A path grant as the kernel names its descriptor now. */
struct sgrant {
	int fd;        /* the plan's O_PATH descriptor */
	char *path;
	size_t len;
	ocap_rights_t rights;
	bool dir;
};

/* One notification being served. */
struct call {
	struct broker *b;
	int listener;
	uint64_t id;
	pid_t tid;     /* the calling thread, in the broker's pid namespace */
	int nr;
	uint64_t args[6];
};

/* What a call names, opened by the broker (O_PATH), with the grant it
 * lies in (NULL when a descriptor open for writing was enough). */
struct target {
	int fd;
	const struct sgrant *g;
	char path[PATH_MAX]; /* its name, for the log */
};

/* The deepest grant holding need at or above path, or NULL. */
hidden const struct sgrant *ocap__super_grant(const struct broker *b,
					      const char *path,
					      ocap_rights_t need);
/* Whether some directory grant lies beneath path. */
hidden bool ocap__super_above(const struct broker *b, const char *path);
/* The calling task's process id (its thread group's), or -errno. */
hidden pid_t ocap__super_tgid(const struct call *c);
/* Read len bytes, or a NUL-terminated path of at most PATH_MAX bytes,
 * from the calling task's memory at addr. */
hidden int ocap__super_read(const struct call *c, uint64_t addr, void *buf,
			    size_t len);
hidden int ocap__super_path(const struct call *c, uint64_t addr, char *buf);
/* Write len bytes into the calling task's memory at addr. */
hidden int ocap__super_write(const struct call *c, uint64_t addr,
			     const void *buf, size_t len);
/* Whether the call is still pending: its task neither gone nor its id
 * reused.  Asked after reading, before acting. */
hidden bool ocap__super_valid(const struct call *c);
/* The task's descriptor fd (AT_FDCWD: its working directory) as an
 * O_PATH descriptor of the broker's; its access mode. */
hidden int ocap__super_fd(const struct call *c, int fd);
/* The task's descriptor fd itself, through pidfd_getfd: the same open
 * file description, its flags and options the program's. */
hidden int ocap__super_getfd(const struct call *c, int fd);
hidden int ocap__super_fd_mode(const struct call *c, int fd);
/* Set the broker's effective capabilities aside (bare) or take them
 * back. */
hidden int ocap__super_bare(const struct broker *b, bool bare);
/* Open what the task names with (dirfd, path), following a last symbolic
 * link when follow, beneath a grant holding need: -EACCES when none
 * does.  The _fd form takes the task's descriptor fd, which is enough
 * when it is a regular file open for writing. */
hidden int ocap__super_resolve(const struct call *c, int dirfd,
			       const char *path, bool follow,
			       ocap_rights_t need, struct target *t);
hidden int ocap__super_resolve_fd(const struct call *c, int fd,
				  ocap_rights_t need, struct target *t);

/* The kernel's name for what (dirfd, path) names, whether it is there
 * or not: its directory's name and its last name, or where a followed
 * last link leads; *st is what it is (st_mode 0: nothing there yet).
 * Only looks; with keep, *keep is an O_PATH descriptor of what is there
 * (-1 when nothing is, or the name is a descriptor's). */
struct stat;
hidden int ocap__super_name(const struct call *c, int dirfd,
			    const char *path, bool follow, char *name,
			    struct stat *st, int *keep);

/* meta.c: chmod, chown and the utime calls; the value or -errno. */
hidden int64_t ocap__super_meta(const struct call *c);
/* hide.c: the metadata lookups --hide-metadata hands over; the value or
 * -errno. */
hidden bool ocap__super_hidden_call(int nr);
hidden int64_t ocap__super_hide(const struct call *c);
/* suggest.c: the calls --suggest hands over (when the broker takes
 * note of them); each is noted and continues to Landlock, but for a
 * read --learn lets through. */
hidden bool ocap__super_suggest_call(const struct broker *b, int nr);
hidden void ocap__super_suggest(struct broker *b, int i, const struct call *c);

/* send.c: sendto with an address, sendmsg, sendmmsg; answered there
 * (now, or by a job). */
hidden void ocap__super_send(struct broker *b, int i, const struct call *c);

#endif
