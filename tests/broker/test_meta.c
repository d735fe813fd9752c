/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's metadata calls (launcher/broker/meta.c), live: the
 * client runs under the supervised compat seccomp program, so its chmod,
 * chown, utime and xattr calls reach the broker as user notifications,
 * and the broker performs them inside write grants, bare of its
 * capabilities, or refuses.  Each check looks at the file afterwards:
 * what was refused left it as it was.  world.c sets up the broker
 * process, its client and the aside tree (ro/ read-only, rw/ read-write,
 * out/ not granted).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "world.h"

#define CALL(x) ret_errno((long)(x))

static void mtime_is(const char *path, time_t want)
{
	struct stat st;

	child_check(stat(path, &st), 0);
	child_check(st.st_mtime, want);
}

/* ---- chmod -------------------------------------------------------------- */

static int sc_chmod(struct world *w)
{
	char hello[PATH_MAX], ro[PATH_MAX], out[PATH_MAX];
	char line[2 * PATH_MAX + 128];
	int fd, dfd, was;

	join(hello, w->td.path, "hello");
	join(ro, w->ro, "f");
	join(out, w->out, "f");
	child_check(CALL(chmod(hello, 0600)), 0);
	child_check(mode_of(hello), 0600);
	fd = open(hello, O_RDONLY | O_CLOEXEC);
	child_check(CALL(fchmod(fd, 0640)), 0);
	child_check(mode_of(hello), 0640);
	dfd = open(w->td.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	child_check(CALL(fchmodat(dfd, "hello", 0604, 0)), 0);
	child_check(mode_of(hello), 0604);
	/* a read-only grant, and none: refused, the file as it was */
	was = mode_of(ro);
	child_check(CALL(chmod(ro, 0600)), -EACCES);
	child_check(mode_of(ro), was);
	was = mode_of(out);
	child_check(CALL(chmod(out, 0600)), -EACCES);
	child_check(mode_of(out), was);
	snprintf(line, sizeof line, "ocapsh: denied chmod of %s: not in a "
		 "write grant (--grant %s=write grants it)\n", out, out);
	child_check(logged(w, line), 1);
	/* no set-ID bit the file does not have already */
	child_check(CALL(chmod(hello, 04755)), -EPERM);
	child_check(CALL(chmod(hello, 02755)), -EPERM);
	child_check(mode_of(hello), 0604);
	/* nor through a NULL path, which only the descriptor calls take */
	child_check(CALL(syscall(SYS_chmod, NULL, 0600)), -EFAULT);
	child_check(CALL(syscall(SYS_fchmodat, dfd, NULL, 0600)), -EFAULT);
	child_check(mode_of(hello), 0604);
	close(fd);
	close(dfd);
	return 0;
}

/* Devices are never changed, even in a write grant. */
static int sc_device(struct world *w)
{
	char dev[PATH_MAX];
	int was;

	child_check(w->dev, 1);
	join(dev, w->rw, "null");
	was = mode_of(dev);
	child_check(CALL(chmod(dev, 0600)), -EACCES);
	child_check(CALL(chown(dev, 0, 0)), -EACCES);
	child_check(mode_of(dev), was);
	return 0;
}

/* ---- chown -------------------------------------------------------------- */

static int sc_chown(struct world *w)
{
	char hello[PATH_MAX], link[PATH_MAX], out[PATH_MAX];
	struct stat st;
	uid_t me = geteuid();
	gid_t grp = getegid();

	join(hello, w->td.path, "hello");
	join(link, w->td.path, "out-link");
	join(out, w->out, "f");
	child_check(symlink(out, link), 0);
	child_check(CALL(chown(hello, me, grp)), 0);
	child_check(CALL(chown(hello, (uid_t)-1, (gid_t)-1)), 0);
	/* the broker works bare of its capabilities: another owner is
	 * refused to root as to anyone without CAP_CHOWN */
	if (me != 65534) {
		child_check(CALL(chown(hello, 65534, 65534)), -EPERM);
		child_check(stat(hello, &st), 0);
		child_check(st.st_uid, me);
	}
	/* the link itself lies in the grant; what it names does not */
	child_check(CALL(lchown(link, me, grp)), 0);
	child_check(CALL(chown(link, me, grp)), -EACCES);
	child_check(CALL(fchownat(AT_FDCWD, link, me, grp,
				  AT_SYMLINK_NOFOLLOW)), 0);
	child_check(CALL(fchownat(AT_FDCWD, link, me, grp, 0)), -EACCES);
	child_check(CALL(fchownat(AT_FDCWD, hello, me, grp, 0x8000)), -EINVAL);
	child_check(CALL(syscall(SYS_fchownat, AT_FDCWD, NULL, me, grp, 0)),
		    -EFAULT);
	child_check(logged(w, "ocapsh: denied chown of "), 1);
	return 0;
}

/* ---- the utime calls --------------------------------------------------- */

static int sc_times(struct world *w)
{
	struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
	struct timeval tv[2] = { { 3000, 0 }, { 4000, 0 } };
	struct utimbuf ub = { 5000, 6000 };
	char hello[PATH_MAX], out[PATH_MAX];
	struct stat st;
	int fd, dfd;

	join(hello, w->td.path, "hello");
	join(out, w->out, "f");
	child_check(CALL(utimensat(AT_FDCWD, hello, ts, 0)), 0);
	child_check(stat(hello, &st), 0);
	child_check(st.st_atime, 1000);
	child_check(st.st_mtime, 2000);
	child_check(CALL(syscall(SYS_utimes, hello, tv)), 0);
	mtime_is(hello, 4000);
	child_check(CALL(syscall(SYS_utime, hello, &ub)), 0);
	mtime_is(hello, 6000);
	dfd = open(w->td.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	child_check(CALL(syscall(SYS_futimesat, dfd, "hello", tv)), 0);
	mtime_is(hello, 4000);
	/* on the descriptor itself: a NULL path */
	fd = open(hello, O_RDONLY | O_CLOEXEC);
	child_check(CALL(syscall(SYS_utimensat, fd, NULL, ts, 0)), 0);
	mtime_is(hello, 2000);
	/* no times: now */
	child_check(CALL(syscall(SYS_utime, hello, NULL)), 0);
	child_check(stat(hello, &st), 0);
	child_check(st.st_mtime >= time(NULL) - 60, 1);
	/* what the kernel would refuse, refused first */
	tv[1].tv_usec = 1000000;
	child_check(CALL(syscall(SYS_utimes, hello, tv)), -EINVAL);
	child_check(CALL(utimensat(AT_FDCWD, hello, ts, 0x8000)), -EINVAL);
	child_check(CALL(syscall(SYS_utimes, NULL, NULL)), -EFAULT);
	/* outside the write grants */
	child_check(CALL(utimensat(AT_FDCWD, out, ts, 0)), -EACCES);
	child_check(stat(out, &st), 0);
	child_check(st.st_mtime != 2000, 1);
	child_check(logged(w, "ocapsh: denied utime of "), 1);
	close(fd);
	close(dfd);
	return 0;
}

/* ---- extended attributes ------------------------------------------------ */

static int sc_xattr(struct world *w)
{
	char hello[PATH_MAX], out[PATH_MAX], buf[8] = "";
	int fd;

	join(hello, w->td.path, "hello");
	join(out, w->out, "f");
	child_check(CALL(setxattr(hello, "user.k", "v", 1, 0)), 0);
	child_check(getxattr(hello, "user.k", buf, sizeof buf), 1);
	child_check(buf[0], 'v');
	fd = open(hello, O_RDONLY | O_CLOEXEC);
	child_check(CALL(fsetxattr(fd, "user.j", "", 0, 0)), 0);
	child_check(getxattr(hello, "user.j", buf, sizeof buf), 0);
	child_check(CALL(setxattr(hello, "user.k", "w", 1, XATTR_CREATE)),
		    -EEXIST);
	/* never security.* nor trusted.*; nothing but user.* and ACLs */
	child_check(CALL(setxattr(hello, "security.capability", "x", 1, 0)),
		    -EPERM);
	child_check(CALL(setxattr(hello, "trusted.k", "x", 1, 0)), -EPERM);
	child_check(CALL(setxattr(hello, "other.k", "x", 1, 0)), -EOPNOTSUPP);
	child_check(CALL(setxattr(hello, "", "x", 1, 0)), -ERANGE);
	/* outside the write grants */
	child_check(CALL(setxattr(out, "user.k", "v", 1, 0)), -EACCES);
	child_check(CALL(getxattr(out, "user.k", buf, sizeof buf)), -ENODATA);
	child_check(CALL(removexattr(hello, "user.k")), 0);
	child_check(CALL(fremovexattr(fd, "user.j")), 0);
	child_check(CALL(getxattr(hello, "user.k", buf, sizeof buf)),
		    -ENODATA);
	child_check(CALL(removexattr(hello, "security.selinux")), -EPERM);
	close(fd);
	return 0;
}

/* ---- the tests ------------------------------------------------------------ */

static void test_device(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		print_message("skip: only root makes a device node\n");
		skip();
	}
	run_expect(W_SUPER, sc_device, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE("test_chmod", sc_chmod, W_SUPER, 0),
		cmocka_unit_test(test_device),
		CASE("test_chown", sc_chown, W_SUPER, 0),
		CASE("test_times", sc_times, W_SUPER, 0),
		CASE("test_xattr", sc_xattr, W_SUPER, 0),
	};

	return world_main("meta", tests, sizeof tests / sizeof *tests);
}
