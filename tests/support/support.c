/* SPDX-License-Identifier: MIT */
#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

long ret_errno(long r)
{
	return r < 0 ? -errno : r;
}

const char *ret_name(long ret)
{
	return ret >= 0 ? "ok" : errname((int)-ret);
}

/* ---- temp directories ------------------------------------------------ */

int tmpdir_make(struct tmpdir *td)
{
	char tmpl[] = "/tmp/ocap-test-XXXXXX";

	if (!mkdtemp(tmpl))
		return -errno;
	if (!realpath(tmpl, td->path)) {
		int e = errno;

		rmdir(tmpl);
		return -e;
	}
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 ? -1 : 0;
	return unlink(path) < 0 ? -1 : 0;
}

int tmpdir_remove(const char *path)
{
	if (!path || path[0] != '/' || strncmp(path, "/tmp/", 5) != 0)
		return -EINVAL;
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return -errno;
	return 0;
}

int tmpdir_setup(void **state)
{
	struct tmpdir *td = calloc(1, sizeof(*td));

	if (!td || tmpdir_make(td) < 0) {
		free(td);
		return -1;
	}
	*state = td;
	return 0;
}

int tmpdir_teardown(void **state)
{
	struct tmpdir *td = *state;
	int rc = 0;

	if (td) {
		rc = tmpdir_remove(td->path);
		free(td);
	}
	*state = NULL;
	return rc < 0 ? -1 : 0;
}

/* ---- building trees --------------------------------------------------- */

int tree_join(char *out, size_t size, const char *base, const char *rel)
{
	int n;

	if (!rel || !*rel)
		n = snprintf(out, size, "%s", base);
	else
		n = snprintf(out, size, "%s/%s", base, rel);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

static int mkdir_p(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int mkdir_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	return mkdir_p(dir);
}

int tree_mkdir(const char *base, const char *rel)
{
	char path[PATH_MAX];
	int rc = tree_join(path, sizeof(path), base, rel);

	return rc < 0 ? rc : mkdir_p(path);
}

int tree_write(const char *base, const char *rel, const char *data)
{
	char path[PATH_MAX];
	size_t len = strlen(data);
	int fd, rc = tree_join(path, sizeof(path), base, rel);

	if (rc == 0)
		rc = mkdir_parent(path);
	if (rc < 0)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		rc = -EIO;
	close(fd);
	return rc;
}

int tree_symlink(const char *base, const char *rel, const char *target)
{
	char path[PATH_MAX];
	int rc = tree_join(path, sizeof(path), base, rel);

	if (rc == 0)
		rc = mkdir_parent(path);
	if (rc < 0)
		return rc;
	return symlink(target, path) < 0 ? -errno : 0;
}

/* ---- descriptors ------------------------------------------------------ */

int count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory stream's own descriptor */
}

int fd_path(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n == size - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return (int)n;
}

static bool path_beneath(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

static bool same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Walk up from directory descriptor cur (consumed) by ".." until want or
 * the root; ".." cannot be fooled by symlinks. */
static bool walk_up_finds(int cur, const struct stat *want)
{
	struct stat st, up;
	int next;

	for (;;) {
		if (fstat(cur, &st) < 0)
			break;
		if (same_stat(&st, want)) {
			close(cur);
			return true;
		}
		next = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (next < 0 || fstat(next, &up) < 0 || same_stat(&up, &st)) {
			if (next >= 0)
				close(next);
			break;
		}
		close(cur);
		cur = next;
	}
	close(cur);
	return false;
}

static int start_dir(int fd, const char *path)
{
	struct stat st;
	char dir[PATH_MAX];
	char *slash;

	if (fstat(fd, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode))
		return openat(fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	slash[slash == dir ? 1 : 0] = '\0';
	return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

bool fd_is_beneath(int fd, const char *dir)
{
	char want[PATH_MAX], got[PATH_MAX];
	struct stat wst;
	int cur;

	if (!realpath(dir, want) || stat(want, &wst) < 0)
		return false;
	if (fd_path(fd, got, sizeof(got)) < 0 || got[0] != '/')
		return false;
	if (!path_beneath(got, want) || !fd_same_file(fd, got))
		return false;
	cur = start_dir(fd, got);
	if (cur < 0)
		return false;
	return walk_up_finds(cur, &wst);
}

bool fd_same_file(int fd, const char *path)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0 || stat(path, &b) < 0)
		return false;
	return same_stat(&a, &b);
}

bool fd_same_inode(int a, int b)
{
	struct stat sa, sb;

	if (fstat(a, &sa) < 0 || fstat(b, &sb) < 0)
		return false;
	return same_stat(&sa, &sb);
}

int fd_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl < 0)
		return -1;
	return (fl & FD_CLOEXEC) ? 1 : 0;
}

bool fd_is_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

int fd_read_all(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

int open_dir_path(const char *path)
{
	return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

ocap_cap *cap_dir(const char *host, ocap_rights_t rights, const char *name)
{
	ocap_cap *cap = NULL;
	int fd = open_dir_path(host);

	if (fd < 0)
		return NULL;
	if (ocap_cap_from_fd(fd, OCAP_KIND_DIR, rights, name, &cap) < 0) {
		close(fd);
		return NULL;
	}
	return cap;
}

int ns_mount_host(ocap_ns *ns, const char *base, const char *rel,
		  ocap_rights_t rights, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	ocap_cap *cap;
	int fd, r;

	if ((r = tree_join(path, sizeof path, base, rel)) < 0)
		return r;
	if ((fd = open(path, O_PATH | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	r = ocap_cap_from_fd(fd, S_ISDIR(st.st_mode) ? OCAP_KIND_DIR
						     : OCAP_KIND_FILE,
			     rights, name, &cap);
	if (r < 0) {
		close(fd);
		return r;
	}
	fd = ocap_cap_fd(cap);
	if ((r = ocap_ns_mount(ns, cap)) < 0) {
		ocap_cap_close(cap);
		return r;
	}
	return fd;
}

int ns_fixture_setup(void **state)
{
	struct ns_fixture *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	f->fd = -1;
	if (tmpdir_make(&f->td) < 0 || ocap_ns_new(&f->ns) < 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

int ns_fixture_teardown(void **state)
{
	struct ns_fixture *f = *state;

	if (f->fd >= 0)
		close(f->fd);
	ocap_ns_free(f->ns);
	tmpdir_remove(f->td.path);
	free(f);
	return 0;
}

/* ---- one thing tried ------------------------------------------------- */

long try_closed(long fd)
{
	if (fd < 0)
		return -errno;
	close((int)fd);
	return 0;
}

static void *try_nothing(void *arg)
{
	return arg;
}

long try_thread(void)
{
	pthread_t t;
	int r = pthread_create(&t, NULL, try_nothing, NULL);

	return r ? -r : -pthread_join(t, NULL);
}

long try_process(void)
{
	long r = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);

	if (r == 0)
		_exit(0);
	if (r < 0)
		return -errno;
	waitpid((pid_t)r, NULL, 0);
	return 0;
}

long try_exec(void)
{
	char *const argv[] = { "/bin/true", NULL };

	execve(argv[0], argv, NULL);
	return -errno;
}

/* ---- a kernel that refuses one call ------------------------------------ */

int refuse_call(int nr, int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K,
			 SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof f / sizeof *f, f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0
		       ? -errno
		       : 0;
}

/* ---- raw protocol datagrams ------------------------------------------- */

static void put(struct raw_msg *r, size_t off, const void *p, size_t n)
{
	if (off + n <= sizeof(r->buf))
		memcpy(r->buf + off, p, n);
}

void raw_header(struct raw_msg *r, uint32_t magic, uint16_t version,
		uint16_t type, uint32_t seq)
{
	uint32_t zero = 0;

	memset(r, 0, sizeof(*r));
	put(r, 0, &magic, 4);
	put(r, 4, &version, 2);
	put(r, 6, &type, 2);
	put(r, 8, &seq, 4);
	put(r, 12, &zero, 4);
	r->len = RAW_HDR_LEN;
}

void raw_begin(struct raw_msg *r, uint16_t type)
{
	raw_header(r, OCAP_PROTO_MAGIC, OCAP_PROTO_VERSION, type, 0);
}

void raw_bytes(struct raw_msg *r, const void *p, size_t n)
{
	if (r->len + n > sizeof(r->buf))
		return;
	put(r, r->len, p, n);
	r->len += n;
}

void raw_field(struct raw_msg *r, uint16_t tag, const void *val,
	       uint16_t len)
{
	raw_bytes(r, &tag, 2);
	raw_bytes(r, &len, 2);
	raw_bytes(r, val, len);
}

void raw_u32(struct raw_msg *r, uint16_t tag, uint32_t v)
{
	raw_field(r, tag, &v, 4);
}

void raw_u16(struct raw_msg *r, uint16_t tag, uint16_t v)
{
	raw_field(r, tag, &v, 2);
}

void raw_str(struct raw_msg *r, uint16_t tag, const char *s)
{
	raw_field(r, tag, s, (uint16_t)strlen(s));
}

void raw_set_len(struct raw_msg *r, uint32_t len)
{
	put(r, 12, &len, 4);
}

size_t raw_end(struct raw_msg *r)
{
	raw_set_len(r, (uint32_t)(r->len - RAW_HDR_LEN));
	return r->len;
}

int send_dgram(int sock, const void *buf, size_t len, const int *fds,
	       unsigned nfds)
{
	union {
		char buf[CMSG_SPACE(64 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (nfds > 64)
		return -EINVAL;
	if (nfds) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

int seqpacket_pair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	return 0;
}

/* ---- forked checks ---------------------------------------------------- */

_Noreturn void child_fail(int line, const char *expr, long got, long want)
{
	fprintf(stderr, "child check failed at line %d: %s = %ld (%s), "
		"expected %ld (%s)\n", line, expr, got, ret_name(got), want,
		ret_name(want));
	fflush(stderr);
	_exit(line > 0 && line < 256 ? line : 255);
}

int run_in_child(int (*fn)(void *), void *arg)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFSIGNALED(status))
		return 1000 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
