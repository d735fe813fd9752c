/* SPDX-License-Identifier: MIT */
/*
 * The rest of the path functions: glob, nftw, scandir, links, special
 * files, metadata, truncate, statvfs, temporary files.  The tree is
 * ov_paths.c's with rw/f "hello" (prepare); the driver grants --ro T/ro
 * --rw T/rw.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#include "ovtest.h"

static int rofd, rwfd;

static void prepare(void)
{
	int fd = open(P("rw/f"), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, "hello", 5) != 5 || close(fd) < 0)
		exit(1);
}

static const char *readlink_(const char *path)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof buf - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void t_links(void)
{
	CHECK(0, link(P("rw/f"), P("rw/l")));
	CHECK(EEXIST, link(P("rw/f"), P("rw/l")));
	CHECK(EACCES, link(P("rw/f"), P("ro/l")));
	CHECK(ENOENT, link(P("secret/s"), P("rw/l2")));
	CHECK(ENOENT, link(P("rw/f"), P("secret/l")));
	CHECK(0, linkat(rwfd, "f", AT_FDCWD, P("rw/l3"), 0));
	CHECK(0, linkat(AT_FDCWD, P("ro/link-rw/f"), rwfd, "l4", 0));
	CHECK(0, linkat(AT_FDCWD, P("ro/link-rw/f"), AT_FDCWD, P("rw/l5"),
			AT_SYMLINK_FOLLOW));
	CHECK(0, linkat(rwfd, "f", rwfd, "l6", 0));
	/* A hard link must not make a read-only file writable. */
	INSIDE CHECK(EXDEV, link(P("ro/file"), P("rw/l7")));

	CHECK(0, symlink("target", P("rw/sl")));
	CHECKS(readlink_(P("rw/sl")), "target");
	CHECK(EEXIST, symlink("target", P("rw/sl")));
	CHECK(EACCES, symlink("x", P("ro/sl")));
	CHECK(ENOENT, symlink("x", P("secret/sl")));
	CHECK(0, symlinkat("y", rwfd, "sl2"));
	CHECK(0, symlinkat("y", AT_FDCWD, P("rw/sl3")));
	CHECKS(readlink_(P("rw/sl3")), "y");
	CHECK(EEXIST, symlink("x", P("rw")));
}

static void t_special(void)
{
	struct stat st;

	CHECK(0, mkfifo(P("rw/fifo"), 0600));
	CHECK(0, lstat(P("rw/fifo"), &st));
	CHECKN(S_ISFIFO(st.st_mode), 1);
	CHECK(EACCES, mkfifo(P("ro/fifo"), 0600));
	CHECK(ENOENT, mkfifo(P("secret/fifo"), 0600));
	CHECK(0, mkfifoat(rwfd, "fifo2", 0600));
	CHECK(0, mkfifoat(AT_FDCWD, P("rw/fifo3"), 0600));
	CHECK(0, mknod(P("rw/node"), S_IFIFO | 0600, 0));
	CHECK(0, mknodat(AT_FDCWD, P("rw/node2"), S_IFIFO | 0600, 0));
	CHECK(EEXIST, mknod(P("rw/node"), S_IFIFO | 0600, 0));
	CHECK(EACCES, mknod(P("ro/node"), S_IFIFO | 0600, 0));
}

static void t_meta(void)
{
	struct utimbuf ub = { 1000000000, 1000000000 };
	struct timeval tv[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct stat st;
	int fd;

	/* Made on the file's descriptor, opened beneath its capability;
	 * inside, the broker's supervisor performs them in a write grant
	 * and refuses them elsewhere. */
	CHECK(0, chmod(P("rw/f"), 0640));
	CHECK(0, stat(P("rw/f"), &st));
	CHECKN(st.st_mode & 07777, 0640);
	CHECK(0, fchmodat(AT_FDCWD, P("rw/f"), 0600, 0));
	CHECK(0, fchmodat(rwfd, "f", 0604, AT_SYMLINK_NOFOLLOW));
	CHECK(0, stat(P("rw/f"), &st));
	CHECKN(st.st_mode & 07777, 0604);
	CHECK(EOPNOTSUPP, lchmod(P("rw/sl"), 0600));
	CHECK(0, chown(P("rw/f"), (uid_t)-1, (gid_t)-1));
	CHECK(0, lchown(P("rw/sl"), (uid_t)-1, (gid_t)-1));
	CHECK(0, fchownat(rwfd, "f", (uid_t)-1, (gid_t)-1, 0));
	CHECK(0, utime(P("rw/f"), &ub));
	CHECK(0, stat(P("rw/f"), &st));
	CHECKN(st.st_mtime, 1000000000);
	CHECK(0, utimes(P("rw/f"), tv));
	INSIDE CHECK(EPERM, chmod(P("rw/f"), 04755));
	INSIDE CHECK(EACCES, chmod(P("ro/file"), 0600));
	INSIDE CHECK(EACCES, utime(P("ro/file"), &ub));
	INSIDE CHECK(EACCES, chown(P("ro/file"), (uid_t)-1, (gid_t)-1));
	INSIDE CHECK(EPERM, lutimes(P("rw/sl"), NULL));
	CHECK(ENOENT, chmod(P("secret/s"), 0600));
	CHECK(ENOENT, chmod(P("nothing"), 0600));
	CHECK(ENOENT, chown(P("nothing"), (uid_t)-1, (gid_t)-1));
	CHECK(ENOENT, lchown(P("nothing"), (uid_t)-1, (gid_t)-1));
	CHECK(EINVAL, fchmodat(AT_FDCWD, P("rw/f"), 0600, 0x1234));
	/* The current time is allowed, with write on the capability. */
	CHECK(0, utime(P("rw/f"), NULL));
	CHECK(0, utimes(P("rw/f"), NULL));
	CHECK(0, utimensat(AT_FDCWD, P("rw/f"), NULL, 0));
	CHECK(0, utimensat(rwfd, "f", NULL, 0));
	CHECK(0, utimensat(AT_FDCWD, P("rw/f"),
			   (struct timespec[2]){ { 0, UTIME_NOW },
						 { 0, UTIME_NOW } }, 0));
	CHECK(0, stat(P("rw/f"), &st));
	CHECKN(st.st_mtime > 1000000000, 1);
	INSIDE CHECK(EACCES, utime(P("ro/file"), NULL));
	CHECK(ENOENT, utime(P("nothing"), NULL));
	fd = open(P("rw/f"), O_RDONLY);
	CHECK(0, futimens(fd, NULL));
	close(fd);
}

static void t_truncate(void)
{
	struct stat st;

	CHECK(0, truncate(P("rw/f"), 2));
	CHECK(0, stat(P("rw/f"), &st));
	CHECKN(st.st_size, 2);
	CHECK(EISDIR, truncate(P("rw"), 0));
	CHECK(ENOENT, truncate(P("nothing"), 0));
	INSIDE CHECK(EACCES, truncate(P("ro/file"), 1));
	INSIDE CHECK(ENOENT, truncate(P("secret/s"), 1));
}

static void t_statvfs(void)
{
	struct statvfs sv;
	struct statfs sf;
	int fd;

	CHECK(0, statvfs(P("ro/file"), &sv));
	CHECKN(sv.f_bsize > 0, 1);
	CHECK(0, statfs(P("rw"), &sf));
	CHECKN(sf.f_bsize > 0, 1);
	CHECK(ENOENT, statvfs(P("nothing"), &sv));
	INSIDE CHECK(ENOENT, statvfs(P("secret/s"), &sv));
	fd = open(P("ro/file"), O_RDONLY);
	CHECK(0, fstatvfs(fd, &sv));
	CHECK(0, fstatfs(fd, &sf));
	close(fd);
	CHECKN(pathconf(P("ro/file"), _PC_NAME_MAX), 255);
}

static void t_temp(void)
{
	char t1[64], t2[64], t3[64], *s;
	struct stat st;
	int fd;

	snprintf(t1, sizeof t1, "%s", P("rw/tmpXXXXXX"));
	CHECK(0, fd = mkstemp(t1));
	close(fd);
	CHECK(0, stat(t1, &st));
	snprintf(t2, sizeof t2, "%s", P("ro/tmpXXXXXX"));
	INSIDE CHECK(EACCES, mkstemp(t2));
	snprintf(t2, sizeof t2, "%s", P("rw/tmpXXXXXX.c"));
	CHECK(0, fd = mkostemps(t2, 2, O_CLOEXEC));
	close(fd);
	snprintf(t3, sizeof t3, "%s", P("rw/dirXXXXXX"));
	CHECKP(0, mkdtemp(t3));
	CHECK(0, stat(t3, &st));
	CHECKN(S_ISDIR(st.st_mode), 1);
	s = tempnam(P("rw"), "pfx");
	CHECKN(s && !strncmp(s, P("rw/pfx_"), strlen(P("rw/pfx_"))), 1);
	free(s);
	CHECKP(0, tmpnam(NULL));
	/* tmpfile() is in /tmp, which is not granted here. */
	INSIDE CHECKP(ENOENT, tmpfile());
}

static int nentries, nsln;

static int count(const char *path, const struct stat *st, int type,
		 struct FTW *ftw)
{
	(void)path, (void)st, (void)ftw;
	nentries++;
	nsln += type == FTW_SLN;
	return 0;
}

static void t_walk(void)
{
	struct dirent **list;
	glob_t g;
	int n;

	CHECK(0, glob(P("ro/*"), 0, NULL, &g));
	CHECKN(g.gl_pathc, 6);
	globfree(&g);
	CHECK(0, glob(P("ro/d*/*"), GLOB_MARK, NULL, &g));
	CHECKN(g.gl_pathc, 1);
	globfree(&g);
	INSIDE CHECKN(glob(P("secret/*"), 0, NULL, &g), GLOB_NOMATCH);

	nentries = nsln = 0;
	CHECK(0, nftw(P("ro"), count, 8, FTW_PHYS));
	CHECKN(nentries, 8);
	/* Followed, link-rw leads into the other capability (rw/f), and
	 * link-out and link-abs lead nowhere. */
	nentries = nsln = 0;
	CHECK(0, nftw(P("ro"), count, 8, 0));
	CHECKN(nentries, 9);
	INSIDE CHECKN(nsln, 2);
	INSIDE CHECK(ENOENT, nftw(P("secret"), count, 8, 0));

	n = scandir(P("ro"), &list, NULL, alphasort);
	CHECKN(n, 8);
	while (n-- > 0)
		free(list[n]);
	if (n >= -1)
		free(list);
	CHECK(ENOENT, scandir(P("nothing"), &list, NULL, alphasort));

	CHECK(0, chdir(P("ro")));
	CHECK(0, glob("*", 0, NULL, &g));
	CHECKN(g.gl_pathc, 6);
	globfree(&g);
	CHECK(0, chdir("/"));
}

int main(int argc, char **argv)
{
	ovt_start(argc, argv, prepare);
	CHECK(0, rofd = open(P("ro"), O_RDONLY | O_DIRECTORY));
	CHECK(0, rwfd = open(P("rw"), O_RDONLY | O_DIRECTORY));
	t_walk();
	t_links();
	t_special();
	t_meta();
	t_truncate();
	t_statvfs();
	t_temp();
	return ovt_end();
}
