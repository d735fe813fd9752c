/* SPDX-License-Identifier: MIT */
/*
 * The core path functions through the namespace.  The driver builds this
 * tree in T and grants --ro T/ro --rw T/rw (T/secret is not granted; T
 * itself is a directory above mount points):
 *   ro/file "data"   ro/dir/inner   ro/link-in -> file
 *   ro/link-out -> ../secret/s      ro/link-rw -> ../rw
 *   ro/link-abs -> T/secret/s       rw/ (empty)   secret/s "s"
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ovtest.h"

static int rofd, rwfd;

static const char *read4(int fd)
{
	static char buf[8];
	ssize_t n = fd < 0 ? -1 : read(fd, buf, 4);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return buf;
}

static void t_open(void)
{
	CHECKS(read4(open(P("ro/file"), O_RDONLY)), "data");
	CHECK(EACCES, open(P("ro/file"), O_WRONLY));
	CHECK(EACCES, open(P("ro/file"), O_RDWR));
	CHECK(EACCES, open(P("ro/new"), O_WRONLY | O_CREAT, 0644));
	CHECK(ENOENT, open(P("secret/s"), O_RDONLY));
	CHECK(ENOENT, open(P("secret/new"), O_WRONLY | O_CREAT, 0644));
	CHECK(ENOENT, open(P("nothing/x"), O_RDONLY));
	CHECK(ENOENT, open(P("ro/link-out"), O_RDONLY));
	CHECK(ENOENT, open(P("ro/link-abs"), O_RDONLY));
	CHECKS(read4(open(P("ro/link-in"), O_RDONLY)), "data");
	CHECK(ELOOP, open(P("ro/link-in"), O_RDONLY | O_NOFOLLOW));
	CHECK(0, open(P("ro/link-rw/x"), O_WRONLY | O_CREAT, 0644));
	CHECK(0, open(P("ro/dir"), O_RDONLY | O_DIRECTORY));
	CHECK(ENOTDIR, open(P("ro/file"), O_RDONLY | O_DIRECTORY));
	CHECK(0, open(P("rw/f"), O_WRONLY | O_CREAT | O_TRUNC, 0600));
	CHECK(EEXIST, open(P("rw/f"), O_WRONLY | O_CREAT | O_EXCL, 0600));
	/* A mode with stray bits, as from st_mode: open(2) ignores them. */
	CHECK(0, open(P("rw/m"), O_WRONLY | O_CREAT, 0100644));
	int fd = open(P("ro/file"), O_RDONLY | O_CLOEXEC);
	CHECKN(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);
	fd = open(P("ro/file"), O_RDONLY);
	CHECKN(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	close(fd);
	CHECK(0, creat(P("rw/c"), 0644));
	CHECK(EACCES, creat(P("ro/c"), 0644));
	CHECK(ENOENT, creat(P("secret/c"), 0644));
}

static void t_openat(void)
{
	CHECK(0, rofd = open(P("ro"), O_RDONLY | O_DIRECTORY));
	CHECK(0, rwfd = open(P("rw"), O_RDONLY | O_DIRECTORY));
	CHECKS(read4(openat(rofd, "file", O_RDONLY)), "data");
	CHECKS(read4(openat(rofd, "link-in", O_RDONLY)), "data");
	CHECKS(read4(openat(AT_FDCWD, P("ro/file"), O_RDONLY)), "data");
	CHECK(ENOENT, openat(AT_FDCWD, P("secret/s"), O_RDONLY));
	/* An absolute path ignores the descriptor. */
	CHECK(ENOENT, openat(rwfd, P("secret/s"), O_RDONLY));
	CHECKS(read4(openat(rwfd, P("ro/file"), O_RDONLY)), "data");
	/* Relative to a real descriptor: beneath it (documented limit). */
	CHECK(EXDEV, openat(rofd, "../secret/s", O_RDONLY));
	CHECK(EXDEV, openat(rofd, "link-out", O_RDONLY));
	/* ... and Landlock confines it. */
	CHECK(EACCES, openat(rofd, "new", O_WRONLY | O_CREAT, 0644));
	CHECK(0, openat(rwfd, "new", O_WRONLY | O_CREAT, 0644));
}

static void t_stdio(void)
{
	char line[16] = "";
	FILE *f = fopen(P("ro/file"), "r");

	CHECKP(0, f);
	if (f) {
		CHECKS(fgets(line, sizeof line, f), "data");
		fclose(f);
	}
	CHECKP(EACCES, fopen(P("ro/file"), "w"));
	CHECKP(EACCES, fopen(P("ro/file"), "r+"));
	CHECKP(ENOENT, fopen(P("secret/s"), "r"));
	CHECKP(ENOENT, fopen(P("ro/link-out"), "r"));
	CHECKP(EINVAL, fopen(P("ro/file"), "q"));
	CHECKP(0, f = fopen(P("rw/g"), "w"));
	CHECKP(EEXIST, fopen(P("rw/g"), "wx"));
	if (!f)
		return;
	fputs("gg", f);
	CHECKP(0, f = freopen(P("rw/g"), "a", f));
	if (!f)
		return;
	CHECKP(0, f = freopen(P("ro/file"), "r", f));
	if (!f)
		return;
	CHECKS(fgets(line, sizeof line, f), "data");
	CHECKP(ENOENT, freopen(P("secret/s"), "r", f)); /* closes f */
}

static void t_dir(void)
{
	DIR *d = opendir(P("ro/dir"));
	struct dirent *e;
	const char *seen = "";

	CHECKP(0, d);
	while (d && (e = readdir(d)))
		if (!strcmp(e->d_name, "inner"))
			seen = "inner";
	if (d)
		closedir(d);
	CHECKS(seen, "inner");
	CHECKP(0, d = opendir(P("rw")));
	if (d)
		closedir(d);
	CHECKP(ENOENT, opendir(P("secret")));
	CHECKP(ENOENT, opendir(P("ro/link-out")));
	CHECKP(ENOTDIR, opendir(P("ro/file")));
}

static void t_stat(void)
{
	struct stat st;
	int fd;

	CHECK(0, stat(P("ro/file"), &st));
	CHECKN(st.st_size, 4);
	CHECK(0, lstat(P("ro/link-in"), &st));
	CHECKN(S_ISLNK(st.st_mode), 1);
	CHECK(0, stat(P("ro/link-in"), &st));
	CHECKN(S_ISREG(st.st_mode), 1);
	CHECK(ENOENT, stat(P("secret/s"), &st));
	CHECK(ENOENT, stat(P("ro/link-out"), &st));
	CHECK(0, lstat(P("ro/link-out"), &st));
	CHECK(ENOENT, stat(P("nothing"), &st));
	CHECK(ENOTDIR, stat(P("ro/file/"), &st));
	CHECK(0, fstatat(AT_FDCWD, P("ro/dir"), &st, 0));
	CHECKN(S_ISDIR(st.st_mode), 1);
	CHECK(0, fstatat(rofd, "file", &st, 0));
	CHECKN(st.st_size, 4);
	CHECK(0, fstatat(rofd, "link-in", &st, AT_SYMLINK_NOFOLLOW));
	CHECKN(S_ISLNK(st.st_mode), 1);
	CHECK(0, fstatat(rofd, "", &st, AT_EMPTY_PATH));
	CHECKN(S_ISDIR(st.st_mode), 1);
	CHECK(ENOENT, fstatat(rofd, "", &st, 0));
	fd = open(P("ro/file"), O_RDONLY);
	CHECK(0, fstat(fd, &st));
	CHECKN(st.st_size, 4);
	close(fd);
	/* Directories above mount points are directories. */
	CHECK(0, stat(ovt_root, &st));
	CHECKN(S_ISDIR(st.st_mode), 1);
	CHECK(0, stat("/", &st));
	CHECKN(S_ISDIR(st.st_mode), 1);
}

static void t_access(void)
{
	CHECK(0, access(P("ro/file"), R_OK));
	CHECK(0, access(P("ro/file"), F_OK));
	CHECK(EACCES, access(P("ro/file"), X_OK));
	CHECK(ENOENT, access(P("secret/s"), F_OK));
	CHECK(ENOENT, access(P("ro/link-out"), R_OK));
	CHECK(0, access(P("rw"), W_OK));
	CHECK(0, access(P("ro/dir"), R_OK | X_OK));
	CHECK(0, access(ovt_root, X_OK));
	CHECK(0, faccessat(AT_FDCWD, P("ro/link-in"), R_OK, 0));
	CHECK(0, faccessat(rofd, "file", R_OK, 0));
	CHECK(0, faccessat(AT_FDCWD, P("ro/file"), R_OK, AT_EACCESS));
	CHECK(ENOENT, faccessat(AT_FDCWD, P("ro/link-out"), F_OK, 0));
	CHECK(0, faccessat(AT_FDCWD, P("ro/link-out"), F_OK,
			   AT_SYMLINK_NOFOLLOW));
	CHECK(EINVAL, faccessat(AT_FDCWD, P("ro/file"), R_OK, 0x10000));
	/* Root may write anything the kernel alone guards, not here. */
	INSIDE CHECK(EACCES, access(P("ro/file"), W_OK));
	INSIDE CHECK(EACCES, access(P("ro"), W_OK));
}

static void t_mkdir(void)
{
	CHECK(0, mkdir(P("rw/d"), 0755));
	CHECK(EEXIST, mkdir(P("rw/d"), 0755));
	CHECK(EACCES, mkdir(P("ro/d"), 0755));
	CHECK(ENOENT, mkdir(P("secret/d"), 0755));
	CHECK(ENOENT, mkdir(P("rw/no/d"), 0755));
	CHECK(EEXIST, mkdir(P("ro"), 0755));
	CHECK(0, mkdirat(AT_FDCWD, P("rw/d2"), 0755));
	CHECK(0, mkdirat(rwfd, "d3", 0755));
	CHECK(EACCES, mkdirat(rofd, "d4", 0755));
	CHECK(0, mkdir(P("rw/d5/"), 0755));
}

static void t_remove(void)
{
	CHECK(0, rmdir(P("rw/d2")));
	CHECK(EACCES, rmdir(P("ro/dir")));
	CHECK(ENOENT, rmdir(P("secret")));
	CHECK(ENOTDIR, rmdir(P("rw/c")));
	CHECK(0, unlink(P("rw/c")));
	CHECK(EACCES, unlink(P("ro/file")));
	CHECK(ENOENT, unlink(P("secret/s")));
	CHECK(ENOENT, unlink(P("rw/c")));
	CHECK(EISDIR, unlink(P("rw/d")));
	CHECK(0, unlinkat(AT_FDCWD, P("rw/d3"), AT_REMOVEDIR));
	CHECK(0, unlinkat(rwfd, "m", 0));
	CHECK(EACCES, unlinkat(rofd, "file", 0));
	CHECK(0, remove(P("rw/d")));
	CHECK(0, remove(P("rw/x")));
	CHECK(0, remove(P("rw/d5/")));
	CHECK(EACCES, remove(P("ro/file")));
	CHECK(ENOENT, remove(P("secret/s")));
	/* The capability itself cannot go away. */
	INSIDE CHECK(EBUSY, rmdir(P("rw")));
}

static void t_rename(void)
{
	CHECK(0, rename(P("rw/f"), P("rw/f2")));
	CHECK(ENOENT, rename(P("rw/f"), P("rw/f2")));
	CHECK(EACCES, rename(P("ro/file"), P("rw/file")));
	CHECK(EACCES, rename(P("rw/f2"), P("ro/f2")));
	CHECK(ENOENT, rename(P("rw/f2"), P("secret/f2")));
	CHECK(ENOENT, rename(P("secret/s"), P("rw/s")));
	CHECK(0, renameat(rwfd, "f2", AT_FDCWD, P("rw/f3")));
	CHECK(0, renameat(AT_FDCWD, P("rw/f3"), rwfd, "f4"));
	CHECK(0, renameat(rwfd, "f4", rwfd, "f5"));
	CHECK(EACCES, renameat(rofd, "file", AT_FDCWD, P("rw/file")));
	CHECK(ENOENT, renameat(AT_FDCWD, P("secret/s"), rwfd, "s"));
	CHECK(0, renameat(AT_FDCWD, P("rw/f5"), AT_FDCWD, P("rw/f6")));
}

static void t_readlink(void)
{
	char buf[PATH_MAX];
	ssize_t n;

	n = readlink(P("ro/link-in"), buf, sizeof buf - 1);
	CHECKN(n, 4);
	buf[n > 0 ? n : 0] = '\0';
	CHECKS(buf, "file");
	n = readlink(P("ro/link-out"), buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECKS(buf, "../secret/s");
	CHECK(EINVAL, readlink(P("ro/file"), buf, sizeof buf));
	CHECK(ENOENT, readlink(P("secret/s"), buf, sizeof buf));
	CHECK(ENOENT, readlink(P("nothing"), buf, sizeof buf));
	CHECKN(readlink(P("ro/link-in"), buf, 0), 0);
	CHECKN(readlinkat(rofd, "link-in", buf, sizeof buf), 4);
	CHECKN(readlinkat(AT_FDCWD, P("ro/link-in"), buf, sizeof buf), 4);
	CHECK(EINVAL, readlinkat(rofd, "file", buf, sizeof buf));
}

static void t_cwd(void)
{
	char buf[PATH_MAX], *r;

	CHECK(0, chdir(P("ro")));
	CHECKS(getcwd(buf, sizeof buf), P("ro"));
	CHECKS(read4(open("file", O_RDONLY)), "data");
	CHECK(0, access("dir", X_OK));
	CHECK(ENOENT, open("../secret/s", O_RDONLY));
	CHECK(ENOENT, open("link-out", O_RDONLY));
	CHECK(0, chdir("dir"));
	CHECKS(getcwd(buf, sizeof buf), P("ro/dir"));
	CHECK(0, chdir(".."));
	CHECKS(getcwd(buf, sizeof buf), P("ro"));
	CHECK(0, chdir(".."));
	CHECKS(getcwd(buf, sizeof buf), ovt_root);
	CHECK(ENOENT, chdir(P("secret")));
	CHECK(ENOTDIR, chdir(P("ro/file")));
	CHECKS(getcwd(buf, sizeof buf), ovt_root);
	CHECK(0, chdir("/"));
	CHECKS(getcwd(buf, sizeof buf), "/");
	CHECK(0, chdir(".."));
	CHECKS(getcwd(buf, sizeof buf), "/");
	CHECK(0, fchdir(rwfd));
	CHECKS(getcwd(buf, sizeof buf), P("rw"));
	CHECK(0, open("rel", O_WRONLY | O_CREAT, 0644));
	CHECK(0, access(P("rw/rel"), F_OK));
	CHECK(0, unlink("rel"));
	CHECK(0, mkdir("reldir", 0755));
	CHECK(0, rmdir("reldir"));
	CHECK(0, fchdir(rofd));
	CHECKS(getcwd(buf, sizeof buf), P("ro"));
	CHECKS(r = getcwd(NULL, 0), P("ro"));
	free(r);
	CHECKP(ERANGE, getcwd(buf, 2));
	CHECKP(EINVAL, getcwd(buf, 0));

	CHECKS(r = realpath(P("ro/link-in"), NULL), P("ro/file"));
	free(r);
	CHECKS(realpath(P("ro/link-rw"), buf), P("rw"));
	CHECKS(realpath(P("ro/link-rw/f6"), buf), P("rw/f6"));
	CHECKS(realpath(P("ro/dir/../file"), buf), P("ro/file"));
	CHECKS(realpath("link-in", buf), P("ro/file"));
	CHECKS(realpath("dir/inner", buf), P("ro/dir/inner"));
	CHECKS(realpath("/", buf), "/");
	CHECKS(realpath(ovt_root, buf), ovt_root);
	CHECKP(ENOENT, realpath(P("nothing"), buf));
	CHECKP(ENOENT, realpath("", buf));
	CHECKP(ENOTDIR, realpath(P("ro/file/"), buf));
	/* A link up to a directory above the mount points, and on down. */
	CHECK(0, symlink("..", P("rw/up")));
	CHECKS(realpath(P("rw/up"), buf), ovt_root);
	CHECKS(realpath(P("rw/up/ro/link-in"), buf), P("ro/file"));
	CHECK(0, unlink(P("rw/up")));
	INSIDE CHECKP(ENOENT, realpath(P("ro/link-out"), buf));
	INSIDE CHECKP(ENOENT, realpath(P("secret"), buf));
}

int main(int argc, char **argv)
{
	ovt_start(argc, argv, NULL);
	t_open();
	t_openat();
	t_stdio();
	t_dir();
	t_stat();
	t_access();
	t_mkdir();
	t_remove();
	t_rename();
	t_readlink();
	t_cwd();
	return ovt_end();
}
