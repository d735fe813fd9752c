/* SPDX-License-Identifier: MIT */
/*
 * Path escapes.  Most start from the granted directory's descriptor and
 * use the *at calls, which native mode allows too, so that Landlock is
 * what refuses them in both modes; those on AT_FDCWD or a global path get
 * mode_err(): Landlock's EACCES in compat, seccomp's EPERM in native.
 * Metadata calls (chmod, utime, xattrs), which Landlock does not check,
 * get meta_err(): the supervisor's EACCES, or native seccomp's EPERM for
 * those on AT_FDCWD or by path alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
#define RENAME_WHITEOUT_ (1 << 2)
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif

/* The canary, held O_PATH from the granted directory.  Landlock does not
 * check O_PATH opens (they give no access to the content), so this works
 * in both modes and is the start of the descriptor-based techniques. */
static int canary_opath(const struct ctx *c, int g)
{
	int fd = openat(g, c->rel, O_PATH | O_CLOEXEC);

	if (fd < 0)
		say(SETUP, "openat(granted, %s, O_PATH): %s", c->rel,
		    ename(errno));
	return fd;
}

/* A file of our own in the grant. */
static int make_mine(int g)
{
	int fd = openat(g, "mine", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return say(SETUP, "openat(granted, mine, O_CREAT): %s",
			   ename(errno));
	close(fd);
	return 0;
}

int t_dotdot_read(const struct ctx *c)
{
	int g = granted_dir(c), fd;

	if (g < 0)
		return SETUP;
	fd = openat(g, c->rel, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return leak(fd, "openat(granted, ../canary, O_RDONLY)");
	return EXPECT("openat(granted, ../canary, O_RDONLY)", fd, EACCES);
}

int t_dotdot_write(const struct ctx *c)
{
	int g = granted_dir(c), fd;

	if (g < 0)
		return SETUP;
	fd = openat(g, c->rel, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = write(fd, "ESCAPED\n", 8);
		return say(ESCAPED, "openat(granted, ../canary, O_WRONLY): "
			   "opened, wrote %zd bytes", n);
	}
	return EXPECT("openat(granted, ../canary, O_WRONLY)", fd, EACCES);
}

int t_dotdot_create(const struct ctx *c)
{
	char rel[600];
	int g = granted_dir(c);

	if (g < 0)
		return SETUP;
	snprintf(rel, sizeof rel, "%s/created", c->reldir);
	return EXPECT("openat(granted, ../cdir/created, O_CREAT)",
		      openat(g, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			     0644),
		      EACCES);
}

int t_dotdot_list(const struct ctx *c)
{
	char buf[4096];
	int g = granted_dir(c), fd;
	long n;

	if (g < 0)
		return SETUP;
	fd = openat(g, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return EXPECT("openat(granted, .., O_DIRECTORY)", fd, EACCES);
	n = syscall(SYS_getdents64, fd, buf, sizeof buf);
	return say(ESCAPED, "openat(granted, .., O_DIRECTORY) opened; "
		   "getdents64: %ld bytes", n);
}

int t_dotdot_opath(const struct ctx *c)
{
	char rel[600];
	int g = granted_dir(c), up, fd;

	if (g < 0)
		return SETUP;
	up = openat(g, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (up < 0)
		return say(SETUP, "openat(granted, .., O_PATH): %s (Landlock "
			   "does not check O_PATH; why refused?)",
			   ename(errno));
	/* c->rel without its leading "../". */
	snprintf(rel, sizeof rel, "%s", c->rel + 3);
	fd = openat(up, rel, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return leak(fd, "openat(O_PATH of .., cdir/canary)");
	return EXPECT("openat(O_PATH of .., cdir/canary)", fd, EACCES);
}

int t_abs_read(const struct ctx *c)
{
	int fd = open(c->canary, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		return leak(fd, "open(canary)");
	return EXPECT("open(canary)", fd, mode_err(c));
}

int t_cwd_read(const struct ctx *c)
{
	const char *name = strrchr(c->canary, '/') + 1;
	char cwd[4096];
	int fd;

	if (!getcwd(cwd, sizeof cwd) || strcmp(cwd, c->cdir))
		return say(SETUP, "cwd is not the canary directory %s",
			   c->cdir);
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return leak(fd, "open(canary name) from the inherited cwd");
	return EXPECT("open(canary name) from the inherited cwd", fd,
		      mode_err(c));
}

int t_fchdir_dotdot(const struct ctx *c)
{
	int g = granted_dir(c), fd;

	if (g < 0)
		return SETUP;
	if (fchdir(g) < 0)
		return say(SETUP, "fchdir(granted): %s", ename(errno));
	fd = open(c->rel, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return leak(fd, "fchdir(granted); open(../canary)");
	return EXPECT("fchdir(granted); open(../canary)", fd, mode_err(c));
}

int t_symlink_read(const struct ctx *c)
{
	int g = granted_dir(c), fd;

	if (g < 0)
		return SETUP;
	if (symlinkat(c->canary, g, "ln") < 0)
		return say(SETUP, "symlinkat(canary, granted/ln): %s",
			   ename(errno));
	fd = openat(g, "ln", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return leak(fd, "openat(granted, ln -> canary)");
	return EXPECT("openat(granted, ln -> canary)", fd, EACCES);
}

int t_symlink_dir(const struct ctx *c)
{
	char rel[600];
	int g = granted_dir(c), fd;

	if (g < 0)
		return SETUP;
	if (symlinkat(c->cdir, g, "dln") < 0)
		return say(SETUP, "symlinkat(cdir, granted/dln): %s",
			   ename(errno));
	snprintf(rel, sizeof rel, "dln/%s", strrchr(c->canary, '/') + 1);
	fd = openat(g, rel, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return leak(fd, "openat(granted, dln/canary), dln -> cdir");
	return EXPECT("openat(granted, dln/canary), dln -> cdir", fd, EACCES);
}

int t_symlink_create(const struct ctx *c)
{
	char target[600];
	int g = granted_dir(c);

	if (g < 0)
		return SETUP;
	snprintf(target, sizeof target, "%s/created", c->cdir);
	if (symlinkat(target, g, "dl") < 0)
		return say(SETUP, "symlinkat(cdir/created, granted/dl): %s",
			   ename(errno));
	return EXPECT("openat(granted, dl -> cdir/created, O_CREAT)",
		      openat(g, "dl", O_WRONLY | O_CREAT | O_CLOEXEC, 0644),
		      EACCES);
}

/* Landlock refuses a link whose source lies where REFER is not granted
 * with EXDEV; it answers EACCES instead when another access is missing
 * as well, which kernels have weighed differently. */
int t_hardlink(const struct ctx *c)
{
	int g = granted_dir(c);

	if (g < 0)
		return SETUP;
	return EXPECT("linkat(granted, ../canary, granted, hl)",
		      linkat(g, c->rel, g, "hl", 0), EXDEV, EACCES);
}

/* Before 6.10 linkat(AT_EMPTY_PATH) needed CAP_DAC_READ_SEARCH (ENOENT
 * without it); since, the opener of the descriptor may, and Landlock's
 * link hook is what refuses. */
int t_hardlink_opath(const struct ctx *c)
{
	int g = granted_dir(c), o;

	if (g < 0 || (o = canary_opath(c, g)) < 0)
		return SETUP;
	return EXPECT("linkat(O_PATH canary, \"\", granted, hl, AT_EMPTY_PATH)",
		      linkat(o, "", g, "hl", AT_EMPTY_PATH), EXDEV, EACCES,
		      ENOENT);
}

int t_hardlink_procfd(const struct ctx *c)
{
	char path[64];
	int g = granted_dir(c), o;

	if (g < 0 || (o = canary_opath(c, g)) < 0)
		return SETUP;
	snprintf(path, sizeof path, "/proc/self/fd/%d", o);
	if (c->native)
		return EXPECT("linkat(AT_FDCWD, /proc/self/fd/N, granted, hl)",
			      linkat(AT_FDCWD, path, g, "hl",
				     AT_SYMLINK_FOLLOW),
			      EPERM);
	return EXPECT("linkat(AT_FDCWD, /proc/self/fd/N, granted, hl)",
		      linkat(AT_FDCWD, path, g, "hl", AT_SYMLINK_FOLLOW),
		      EXDEV, EACCES);
}

/* Moving out of the canary directory needs REMOVE_FILE there: EACCES,
 * which Landlock puts before EXDEV. */
int t_rename_in(const struct ctx *c)
{
	int g = granted_dir(c);

	if (g < 0)
		return SETUP;
	return EXPECT("renameat(granted, ../canary, granted, stolen)",
		      renameat(g, c->rel, g, "stolen"), EACCES);
}

int t_rename_dir_in(const struct ctx *c)
{
	int g = granted_dir(c);

	if (g < 0)
		return SETUP;
	return EXPECT("renameat(granted, ../cdir/csub, granted, stolen)",
		      renameat(g, c->relsub, g, "stolen"), EACCES);
}

int t_rename_exchange(const struct ctx *c)
{
	int g = granted_dir(c);

	if (g < 0)
		return SETUP;
	if (make_mine(g))
		return SETUP;
	return EXPECT("renameat2(granted, mine, granted, ../canary, "
		      "RENAME_EXCHANGE)",
		      syscall(SYS_renameat2, g, "mine", g, c->rel,
			      RENAME_EXCHANGE),
		      EACCES);
}

/* RENAME_WHITEOUT leaves a character device 0:0 where the source was,
 * with no CAP_MKNOD needed (Linux 5.8) and no MAKE_CHAR check by Landlock:
 * a device node in a grant that may not make one (and, to an overlayfs
 * that uses the grant as its upper layer, a deleted lower file). */
int t_rename_whiteout(const struct ctx *c)
{
	struct stat st;
	int g = granted_dir(c);
	long r;

	if (g < 0 || make_mine(g))
		return SETUP;
	r = syscall(SYS_renameat2, g, "mine", g, "moved", RENAME_WHITEOUT_);
	if (r == 0 && fstatat(g, "mine", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return say(ESCAPED, "renameat2(granted, mine, moved, "
			   "RENAME_WHITEOUT): mine is now %s %u:%u",
			   S_ISCHR(st.st_mode) ? "a character device" :
						 "another file",
			   major(st.st_rdev), minor(st.st_rdev));
	if (r < 0 && (errno == EINVAL || errno == EOPNOTSUPP))
		return say(MISSING, "renameat2(RENAME_WHITEOUT): %s (file "
			   "system without whiteouts)", ename(errno));
	return EXPECT("renameat2(granted, mine, moved, RENAME_WHITEOUT)", r,
		      EPERM);
}

int t_rename_out(const struct ctx *c)
{
	char rel[600];
	int g = granted_dir(c);

	if (g < 0)
		return SETUP;
	if (make_mine(g))
		return SETUP;
	snprintf(rel, sizeof rel, "%s/planted", c->reldir);
	return EXPECT("renameat(granted, mine, granted, ../cdir/planted)",
		      renameat(g, "mine", g, rel), EACCES);
}

int t_opath_reopen(const struct ctx *c)
{
	char path[64];
	int g = granted_dir(c), o, fd;

	if (g < 0 || (o = canary_opath(c, g)) < 0)
		return SETUP;
	snprintf(path, sizeof path, "/proc/self/fd/%d", o);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return leak(fd, "open(/proc/self/fd/N of O_PATH canary)");
	return EXPECT("open(/proc/self/fd/N of O_PATH canary)", fd,
		      mode_err(c));
}

/* The driver hands the canary in read-only on stdin: a capability to
 * read it, which must not become one to write. */
int t_procfd_upgrade(const struct ctx *c)
{
	struct stat st;
	int fd;

	if (fstat(0, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (fcntl(0, F_GETFL) & O_ACCMODE) != O_RDONLY)
		return say(SETUP, "stdin is not a file open read-only");
	fd = open("/proc/self/fd/0", O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = write(fd, "ESCAPED\n", 8);
		return say(ESCAPED, "open(/proc/self/fd/0, O_WRONLY) of a "
			   "read-only stdin: opened, wrote %zd bytes", n);
	}
	return EXPECT("open(/proc/self/fd/0, O_WRONLY)", fd, mode_err(c));
}

int t_truncate_abs(const struct ctx *c)
{
	return EXPECT("truncate(canary, 0)", truncate(c->canary, 0),
		      mode_err(c));
}

int t_chmod_dotdot(const struct ctx *c)
{
	int g = granted_dir(c);

	if (g < 0)
		return SETUP;
	return EXPECT("fchmodat(granted, ../canary, 0600)",
		      syscall(SYS_fchmodat, g, c->rel, 0600), meta_err(c, g));
}

int t_utime_dotdot(const struct ctx *c)
{
	struct timespec ts[2] = { { 0, 0 }, { 0, 0 } };
	int g = granted_dir(c);

	if (g < 0)
		return SETUP;
	return EXPECT("utimensat(granted, ../canary, epoch)",
		      syscall(SYS_utimensat, g, c->rel, ts, 0), meta_err(c, g));
}

int t_xattr_set(const struct ctx *c)
{
	return EXPECT("setxattr(canary, user.ocap)",
		      syscall(SYS_setxattr, c->canary, "user.ocap", "x", 1, 0),
		      meta_err(c, AT_FDCWD));
}

/* The read-only grant's file, opened for reading as the grant allows. */
int ro_file(const struct ctx *c)
{
	int d = grant_dir(c, c->rodir), fd;

	if (d < 0)
		return -1;
	fd = openat(d, "rofile", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		say(SETUP, "openat(rodir, rofile, O_RDONLY): %s", ename(errno));
	return fd;
}

/* Landlock has no hook for metadata changes through a descriptor, and the
 * kernel lets the owner make them whatever the descriptor's access mode:
 * a file granted read-only (here owned by the user, as a user's own files
 * are; root's when root runs ocapsh) must not change mode, and above all
 * not gain a set-user-ID bit.  The calls name a descriptor, so the
 * supervisor judges them in both modes and finds no write grant (EACCES,
 * meta_err()). */
int t_ro_fchmod(const struct ctx *c)
{
	int fd = ro_file(c);

	if (fd < 0)
		return SETUP;
	return EXPECT("fchmod(read-only rofile, 04777)", fchmod(fd, 04777),
		      meta_err(c, fd));
}

int t_ro_fsetxattr(const struct ctx *c)
{
	int fd = ro_file(c);

	if (fd < 0)
		return SETUP;
	return EXPECT("fsetxattr(read-only rofile, user.ocap)",
		      syscall(SYS_fsetxattr, fd, "user.ocap", "ESCAPED", 7, 0),
		      meta_err(c, fd));
}

int t_ro_futimens(const struct ctx *c)
{
	struct timespec ts[2] = { { 0, 0 }, { 0, 0 } };
	int fd = ro_file(c);

	if (fd < 0)
		return SETUP;
	return EXPECT("futimens(read-only rofile, epoch)",
		      syscall(SYS_utimensat, fd, NULL, ts, 0), meta_err(c, fd));
}

/* A link in the writable grant would be writable through its new path:
 * Landlock refuses links and renames that widen access (REFER). */
int t_ro_hardlink(const struct ctx *c)
{
	int g = granted_dir(c), d, fd;

	if (g < 0 || (d = grant_dir(c, c->rodir)) < 0)
		return SETUP;
	if (linkat(d, "rofile", g, "w", 0) < 0)
		return EXPECT("linkat(rodir, rofile, granted, w)", -1, EXDEV,
			      EACCES);
	fd = openat(g, "w", O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0 && write(fd, "ESCAPED\n", 8) == 8)
		return say(ESCAPED, "linked rofile into the grant and wrote "
			   "it there");
	return say(ESCAPED, "linkat(rodir, rofile, granted, w) succeeded "
		   "(open for writing: %s)", fd < 0 ? ename(errno) : "ok");
}

/* Landlock's mknod hook runs before the kernel's CAP_MKNOD check, so
 * EACCES says Landlock refused (EPERM would be the missing capability). */
int t_mknod_chardev(const struct ctx *c)
{
	int g = granted_dir(c);

	if (g < 0)
		return SETUP;
	return EXPECT("mknodat(granted, null2, S_IFCHR, 1:3)",
		      syscall(SYS_mknodat, g, "null2", S_IFCHR | 0666,
			      (1u << 8) | 3u),
		      EACCES);
}

/* ---- set-user-ID and set-group-ID bits on new files --------------------
 * The kernel keeps S_ISUID and S_ISGID on a file whoever creates it, so a
 * program could leave a set-user-ID copy of itself (root's, when run as
 * root) in a writable grant for someone outside to run.  Canary: the
 * grant itself, which must gain no such file. */

/* A creation call returned r (errno err) for name in g, its descriptor
 * closed: a file made with either bit is the escape. */
static int setid_verdict(const char *what, int g, const char *name, long r,
			 int err, int want)
{
	struct stat st;

	if (fstatat(g, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		unlinkat(g, name, 0);
		if (st.st_mode & (S_ISUID | S_ISGID))
			return say(ESCAPED, "%s made %s with mode %04o", what,
				   name, (unsigned)st.st_mode & 07777);
		return say(UNEXPECTED, "%s made %s, without the bits (%04o)",
			   what, name, (unsigned)st.st_mode & 07777);
	}
	return expect_err(what, r, err, (const int[]){ want, 0 });
}

/* openat(granted, name, O_CREAT | O_EXCL, mode), mode passed whole in
 * the 64-bit register. */
static int create_setid(const struct ctx *c, const char *name,
			unsigned long mode)
{
	int g = granted_dir(c);
	char what[96];
	long r;
	int e;

	if (g < 0)
		return SETUP;
	r = syscall(SYS_openat, g, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	e = errno;
	if (r >= 0)
		close((int)r);
	snprintf(what, sizeof(what), "openat(granted, %s, O_CREAT, %s%04lo)",
		 name, mode >> 32 ? "hi|" : "", mode & 07777);
	return setid_verdict(what, g, name, r, e, EPERM);
}

int t_setuid_create(const struct ctx *c)
{
	return create_setid(c, "suid", 04755);
}

int t_setgid_create(const struct ctx *c)
{
	return create_setid(c, "sgid", 02755);
}

/* A high word over the mode: seccomp must look at the low 32 bits the
 * kernel reads, and not be fooled by a clean upper half. */
int t_setuid_create_highword(const struct ctx *c)
{
	return create_setid(c, "suidh", 0xffffffff00000000ul | 04755);
}

int t_setuid_mknod(const struct ctx *c)
{
	int g = granted_dir(c);
	long r;

	if (g < 0)
		return SETUP;
	r = syscall(SYS_mknodat, g, "suidn", S_IFREG | 04755, 0);
	return setid_verdict("mknodat(granted, suidn, S_IFREG|04755)", g,
			     "suidn", r, errno, EPERM);
}

/* An unnamed file with the bit, to be linked in later. */
int t_setuid_tmpfile(const struct ctx *c)
{
	int g = granted_dir(c), fd;

	if (g < 0)
		return SETUP;
	fd = openat(g, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 04755);
	if (fd >= 0) {
		struct stat st;
		int bits = fstat(fd, &st) == 0 &&
			   (st.st_mode & (S_ISUID | S_ISGID));

		close(fd);
		if (bits)
			return say(ESCAPED, "O_TMPFILE made a set-user-ID file");
		return say(UNEXPECTED, "O_TMPFILE worked, without the bit");
	}
	return EXPECT("openat(granted, ., O_TMPFILE, 04755)", fd, EPERM);
}

/* openat2 carries the mode in memory, out of seccomp's sight.  Compat
 * programs do not get openat2 (ENOSYS; libc falls back to openat); native
 * ones need it for RESOLVE_BENEATH, and there the bit can only be made
 * harmless by a nosuid mount. */
int t_setuid_openat2(const struct ctx *c)
{
	struct { unsigned long long flags, mode, resolve; } how = {
		O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 04755, 0x08 };
	int g = granted_dir(c);
	struct statvfs vfs;
	long r;

	if (g < 0)
		return SETUP;
	r = syscall(SYS_openat2, g, "suid2", &how, sizeof(how));
	if (r >= 0)
		close((int)r);
	if (!c->native || r < 0)
		return setid_verdict("openat2(granted, suid2, O_CREAT, 04755)",
				     g, "suid2", r, errno, ENOSYS);
	unlinkat(g, "suid2", 0);
	if (fstatvfs(g, &vfs) == 0 && (vfs.f_flag & ST_NOSUID))
		return say(BLOCKED, "openat2 made suid2 set-user-ID, on a "
			   "nosuid mount where the bit has no effect");
	return say(MISSING, "native mode cannot see openat2's mode: keep "
		   "writable grants on a nosuid mount (see SECURITY.md)");
}

int t_exec_ungranted(const struct ctx *c)
{
	char *argv[] = { "sh", "-c",
			 "echo 'ESCAPED: /bin/sh ran, though not granted'; "
			 "exit 1", NULL };

	fflush(stdout);
	return EXPECT("execve(/bin/sh)", execve("/bin/sh", argv, environ),
		      mode_err(c));
}

static int open_proc(const struct ctx *c, const char *path, int flags,
		     const char *what)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd >= 0)
		return leak(fd, what);
	return EXPECT(what, fd, mode_err(c));
}

int t_proc_self_root(const struct ctx *c)
{
	char path[600];

	snprintf(path, sizeof path, "/proc/self/root%s", c->canary);
	return open_proc(c, path, O_RDONLY, "open(/proc/self/root/canary)");
}

/* As 65534 the kernel's ptrace check on /proc/1/root says EACCES too;
 * as root (without capabilities) only Landlock does. */
int t_proc_1_root(const struct ctx *c)
{
	char path[600];

	snprintf(path, sizeof path, "/proc/1/root%s", c->canary);
	return open_proc(c, path, O_RDONLY, "open(/proc/1/root/canary)");
}

int t_proc_self_cwd(const struct ctx *c)
{
	char path[600];

	snprintf(path, sizeof path, "/proc/self/cwd/%s",
		 strrchr(c->canary, '/') + 1);
	return open_proc(c, path, O_RDONLY,
			 "open(/proc/self/cwd/canary name)");
}

int t_proc_broker_mem(const struct ctx *c)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
	return open_proc(c, path, O_RDWR, "open(/proc/<broker>/mem, O_RDWR)");
}
