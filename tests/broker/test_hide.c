/* SPDX-License-Identifier: MIT */
/*
 * --hide-metadata (launcher/broker/hide.c), live: the client runs under
 * the supervised compat seccomp program with "@hide", so its stat,
 * access, readlink, getxattr and statfs calls reach the broker, which
 * answers for what lies in a grant or above one and for the client's own
 * /proc entries, and says ENOENT for everything else.  world.c sets up
 * the broker process, its client and the aside tree (ro/ read-only, rw/
 * read-write, out/ not granted).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "world.h"

#define CALL(x) ret_errno((long)(x))

static long stat_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? -errno : (long)st.st_size;
}

/* What lies in a grant, whatever its rights, answers as it is; what lies
 * outside every grant is not there. */
static int sc_paths(struct world *w)
{
	char p[PATH_MAX], out[PATH_MAX], buf[PATH_MAX];
	struct statx sx;
	struct statfs sf;
	struct stat st;

	join(out, w->out, "f");
	child_check(stat_size(join(p, w->td.path, "hello")), 13);
	child_check(stat_size(join(p, w->ro, "f")), 3);
	child_check(stat_size(out), -ENOENT);
	child_check(stat_size(w->out), -ENOENT);
	child_check(stat_size("/etc/passwd"), -ENOENT);
	/* the directories above a grant: getcwd and realpath work */
	child_check(stat_size(w->aside.path) >= 0, 1);
	child_check(stat_size("/tmp") >= 0, 1);
	child_check(stat_size("/") >= 0, 1);
	child_check(CALL(access(out, F_OK)), -ENOENT);
	child_check(CALL(access(join(p, w->td.path, "hello"), R_OK)), 0);
	child_check(CALL(faccessat(AT_FDCWD, out, R_OK, AT_EACCESS)), -ENOENT);
	child_check(CALL(statx(AT_FDCWD, out, 0, STATX_SIZE, &sx)), -ENOENT);
	child_check(CALL(statx(AT_FDCWD, join(p, w->rw, "f"), 0, STATX_SIZE,
			       &sx)), 0);
	child_check(sx.stx_size, 3);
	child_check(CALL(statfs(w->out, &sf)), -ENOENT);
	child_check(CALL(statfs(w->td.path, &sf)), 0);
	child_check(CALL(getxattr(out, "user.k", buf, sizeof buf)), -ENOENT);
	child_check(CALL(listxattr(out, buf, sizeof buf)), -ENOENT);
	child_check(CALL(listxattr(w->td.path, buf, sizeof buf)) >= 0, 1);
	/* relative to a descriptor, and on the descriptor itself */
	child_check(CALL(fstatat(open(w->out, O_PATH | O_CLOEXEC), "f", &st,
				 0)), -ENOENT);
	child_check(CALL(fstatat(open(out, O_RDONLY | O_CLOEXEC), "", &st,
				 AT_EMPTY_PATH)), 0);
	child_check(st.st_size, 4);
	child_check(CALL(fstatat(900, "f", &st, 0)), -EBADF);
	return 0;
}

/* A link in a grant is there; where it leads is judged for itself. */
static int sc_links(struct world *w)
{
	char p[PATH_MAX], t[PATH_MAX], buf[PATH_MAX] = "";
	struct stat st;

	join(t, w->out, "f");
	child_check(symlink(t, join(p, w->td.path, "to-out")), 0);
	child_check(CALL(lstat(p, &st)), 0);
	child_check(S_ISLNK(st.st_mode), 1);
	child_check(CALL(stat(p, &st)), -ENOENT);
	child_check(CALL(readlink(p, buf, sizeof buf)), (long)strlen(t));
	child_check(strncmp(buf, t, strlen(t)), 0);
	child_check(symlink(join(t, w->ro, "f"), join(p, w->td.path, "to-ro")),
		    0);
	child_check(stat_size(p), 3);
	/* readlink of a link outside: not there either */
	child_check(symlink(t, join(p, w->out, "l")), 0);
	child_check(CALL(readlink(p, buf, sizeof buf)), -ENOENT);
	return 0;
}

/* /proc/self is the client's own, not the broker's; others' are not
 * there. */
static int sc_proc(struct world *w)
{
	char p[PATH_MAX], buf[PATH_MAX] = "", other[64];
	int fd = open(join(p, w->td.path, "hello"), O_RDONLY | O_CLOEXEC);

	/* a descriptor number the broker has no such file at */
	child_check(dup2(fd, 77), 77);
	child_check(CALL(readlink("/proc/self/fd/77", buf, sizeof buf)),
		    (long)strlen(p));
	child_check(strcmp(buf, p), 0);
	memset(buf, 0, sizeof buf);
	child_check(CALL(readlink("/proc/thread-self/fd/77", buf,
				  sizeof buf)), (long)strlen(p));
	child_check(strcmp(buf, p), 0);
	child_check(stat_size("/proc/self/status") >= 0, 1);
	snprintf(other, sizeof other, "/proc/%d/status", (int)w->broker);
	child_check(stat_size(other), -ENOENT);
	child_check(stat_size("/proc/1/status"), -ENOENT);
	close(fd);
	close(77);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE("test_paths", sc_paths, W_SUPER | W_HIDE, 0),
		CASE("test_links", sc_links, W_SUPER | W_HIDE, 0),
		CASE("test_proc", sc_proc, W_SUPER | W_HIDE, 0),
	};

	return world_main("hide", tests, sizeof tests / sizeof *tests);
}
