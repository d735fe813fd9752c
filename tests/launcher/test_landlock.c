/* SPDX-License-Identifier: MIT */
/*
 * Landlock stage, live: a forked child applies a ruleset and tries each
 * operation; the parent checks what the kernel said.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>


#include "child.h"
#include "landlock-abi.h"
#include "sandbox.h"


#define FAILED_APPLY 200 /* the child's status when ocap__ll_apply failed */

static struct {
	char root[64];
	int abi;
	struct ocap_ll_path paths[5];
} fx;

static const char *path(const char *rel)
{
	static char buf[2][PATH_MAX];
	static int i;

	if (rel[0] == '/')
		return rel;
	i = !i;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", fx.root, rel);
	return buf[i];
}

static bool need_abi(int abi, const char *what)
{
	if (fx.abi >= abi)
		return true;
	print_message("skip: %s needs Landlock ABI %d, kernel has %d\n", what,
		      abi, fx.abi);
	skipped++;
	return false;
}

/* ---- fixture -------------------------------------------------------- */

static void make_file(const char *rel, const char *text, mode_t mode)
{
	int fd = open(path(rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void copy_true(const char *rel)
{
	char buf[65536];
	int in = open("/usr/bin/true", O_RDONLY | O_CLOEXEC);
	int out = open(path(rel), O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	ssize_t n;

	assert_true(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(fchmod(out, 0755), 0);
	close(in);
	close(out);
}

static void make_dir(const char *rel)
{
	assert_int_equal(mkdir(path(rel), 0777), 0);
	assert_int_equal(chmod(path(rel), 0777), 0);
}

static int opath(const char *rel)
{
	int fd = open(path(rel), O_PATH | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

static int setup(void **state)
{
	static const char *const dirs[] = { "ro", "rw", "wo", "out",
					    "ro/rmd" };

	fx.abi = ocap__ll_abi();
	if (fx.abi < 1) {
		print_message("skip: Landlock is not available on this kernel "
			      "(ocap__ll_abi() == 0)\n");
		exit(77);
	}
	strcpy(fx.root, "/tmp/ocap-ll-XXXXXX");
	assert_non_null(mkdtemp(fx.root));
	assert_int_equal(chmod(fx.root, 0755), 0);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		make_dir(dirs[i]);
	make_file("ro/f", "hello", 0666);
	make_file("rw/g", "hello", 0666);
	make_file("wo/w", "hello", 0666);
	make_file("out/h", "hello", 0666);
	make_file("out/single", "hello", 0666);
	copy_true("ro/true");
	copy_true("rw/true");
	copy_true("out/true");
	fx.paths[0] = (struct ocap_ll_path){ .fd = opath("ro"),
					     .rights = OCAP_RIGHTS_RO };
	fx.paths[1] = (struct ocap_ll_path){ .fd = opath("rw"),
					     .rights = OCAP_RIGHTS_RW };
	fx.paths[2] = (struct ocap_ll_path){
		.fd = opath("wo"),
		.rights = OCAP_RIGHT_READ | OCAP_RIGHT_WRITE | OCAP_RIGHT_LIST };
	/* A file rule: the directory-only rights in RW must be dropped,
	 * whether its kind is known (as a launch knows it) or asked. */
	fx.paths[3] = (struct ocap_ll_path){ .fd = opath("out/single"),
					     .rights = OCAP_RIGHTS_RW,
					     .kind = OCAP_KIND_FILE };
	fx.paths[4] = (struct ocap_ll_path){ .fd = opath("/usr"),
					     .rights = OCAP_RIGHTS_RX,
					     .kind = OCAP_KIND_DIR };
	return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(p) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	for (size_t i = 0; i < 5; i++)
		close(fx.paths[i].fd);
	return nftw(fx.root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- the sandboxed child ---------------------------------------------- */

struct sandbox {
	struct ocap_ll_plan plan;
	bool nobody;
};

static int enter(const struct sandbox *sb)
{
	char why[256];
	int err;

	if (sb->nobody && drop_to_nobody() < 0)
		return FAILED_APPLY;
	if (set_nnp() < 0)
		return FAILED_APPLY;
	err = ocap__ll_apply(&sb->plan, why, sizeof(why));
	if (err < 0) {
		fprintf(stderr, "ocap__ll_apply: %s\n", why);
		return FAILED_APPLY;
	}
	return 0;
}

static struct sandbox fs_sandbox(bool nobody)
{
	return (struct sandbox){
		.plan = { .paths = fx.paths, .npaths = 5,
			  .flags = OCAP_LL_BEST_EFFORT },
		.nobody = nobody,
	};
}

/* ---- filesystem --------------------------------------------------------- */

enum op { READ, WRITE, TRUNC, CREATE, DELETE, MKDIR, RMDIR, LIST, EXEC,
	  MKNOD, FIFO, RENAME };

struct fs_case {
	enum op op;
	const char *rel;
	int expect; /* errno, 0 for success */
	int abi;    /* the case needs this ABI */
};

#define CASE(op, rel, expect) { op, rel, expect, 0 }
#define NEEDS(op, rel, expect, abi) { op, rel, expect, abi }

static const struct fs_case fs_cases[] = {
	/* read-only directory */
	CASE(READ, "ro/f", 0), CASE(LIST, "ro", 0),
	CASE(WRITE, "ro/f", EACCES), NEEDS(TRUNC, "ro/f", EACCES, 3),
	CASE(CREATE, "ro/new", EACCES), CASE(DELETE, "ro/del", EACCES),
	CASE(MKDIR, "ro/newd", EACCES), CASE(RMDIR, "ro/rmd", EACCES),
	CASE(FIFO, "ro/fifo", EACCES), CASE(EXEC, "ro/true", EACCES),
	/* read-write directory */
	CASE(READ, "rw/g", 0), CASE(LIST, "rw", 0), CASE(WRITE, "rw/g", 0),
	CASE(TRUNC, "rw/g", 0), CASE(CREATE, "rw/new", 0),
	CASE(DELETE, "rw/del", 0), CASE(MKDIR, "rw/newd", 0),
	CASE(RMDIR, "rw/rmd", 0), CASE(FIFO, "rw/fifo", 0),
	CASE(RENAME, "rw/ren", 0), CASE(EXEC, "rw/true", EACCES),
	/* create never includes character or block devices */
	CASE(MKNOD, "rw/null", EACCES),
	/* write without truncate */
	CASE(WRITE, "wo/w", 0), NEEDS(TRUNC, "wo/w", EACCES, 3),
	CASE(CREATE, "wo/new", EACCES),
	/* outside every grant */
	CASE(READ, "out/h", EACCES), CASE(LIST, "out", EACCES),
	CASE(WRITE, "out/h", EACCES), CASE(CREATE, "out/new", EACCES),
	CASE(DELETE, "out/del", EACCES), CASE(EXEC, "out/true", EACCES),
	CASE(READ, "/etc/hostname", EACCES),
	/* a rule on one file */
	CASE(READ, "out/single", 0), CASE(WRITE, "out/single", 0),
	NEEDS(TRUNC, "out/single", 0, 3),
	/* exec from /usr (rx) */
	CASE(EXEC, "/usr/bin/true", 0),
};

static const char *const op_names[] = { "read", "write", "truncate",
	"create", "delete", "mkdir", "rmdir", "list", "exec", "mknod", "mkfifo",
	"rename" };

static int do_list(const char *p)
{
	char buf[4096];
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	return errno_of(getdents64(fd, buf, sizeof(buf)));
}

static int do_open(const char *p, int flags)
{
	int fd = open(p, flags | O_CLOEXEC, 0644), e = 0;

	if (fd < 0)
		return errno;
	if ((flags & O_ACCMODE) == O_WRONLY && write(fd, "x", 1) != 1)
		e = errno;
	close(fd);
	return e;
}

static int do_op(enum op op, const char *p)
{
	char to[PATH_MAX];

	switch (op) {
	case READ: return do_open(p, O_RDONLY);
	case WRITE: return do_open(p, O_WRONLY);
	case TRUNC: return errno_of(truncate(p, 0));
	case CREATE: return do_open(p, O_WRONLY | O_CREAT | O_EXCL);
	case DELETE: return errno_of(unlink(p));
	case MKDIR: return errno_of(mkdir(p, 0755));
	case RMDIR: return errno_of(rmdir(p));
	case LIST: return do_list(p);
	case EXEC:
		execl(p, p, (char *)NULL);
		return errno;
	case MKNOD: return errno_of(mknod(p, S_IFCHR | 0666, makedev(1, 3)));
	case FIFO: return errno_of(mkfifo(p, 0644));
	case RENAME:
		snprintf(to, sizeof(to), "%s.renamed", p);
		return errno_of(rename(p, to));
	}
	return EINVAL;
}

struct fs_run {
	const struct fs_case *c;
	struct sandbox sb;
};

static int fs_child(void *arg)
{
	const struct fs_run *r = arg;
	int err = enter(&r->sb);

	return err ? err : do_op(r->c->op, path(r->c->rel));
}

/* What the case needs in place before, and leaves behind after. */
static void fs_prepare(const struct fs_case *c)
{
	if (c->op == DELETE || c->op == RENAME)
		make_file(c->rel, "", 0666);
	if (c->op == RMDIR && access(path(c->rel), F_OK) != 0)
		make_dir(c->rel);
}

static void fs_cleanup(const struct fs_case *c)
{
	char to[PATH_MAX];

	if (c->op == CREATE || c->op == DELETE || c->op == MKDIR ||
	    c->op == RMDIR || c->op == MKNOD || c->op == FIFO ||
	    c->op == RENAME)
		remove(path(c->rel));
	snprintf(to, sizeof(to), "%s.renamed", path(c->rel));
	remove(to);
}

static void run_fs_cases(bool nobody)
{
	int failures = 0;

	for (size_t i = 0; i < sizeof(fs_cases) / sizeof(fs_cases[0]); i++) {
		const struct fs_case *c = &fs_cases[i];
		struct fs_run r = { c, fs_sandbox(nobody) };
		char got[64];
		int status;

		if (c->abi && !need_abi(c->abi, op_names[c->op]))
			continue;
		fs_prepare(c);
		status = run_child(fs_child, &r);
		fs_cleanup(c);
		if (WIFEXITED(status) && WEXITSTATUS(status) == c->expect)
			continue;
		print_error("%s %s as %s: want %s, got %s\n", op_names[c->op],
			    c->rel, nobody ? "nobody" : "root",
			    c->expect ? strerrorname_np(c->expect) : "success",
			    status_str(status, got, sizeof(got)));
		failures++;
	}
	assert_int_equal(failures, 0);
}

static void test_fs_root(void **state)
{
	run_fs_cases(false);
}

static void test_fs_nobody(void **state)
{
	if (geteuid() != 0) {
		print_message("skip: dropping to uid %d needs root\n", NOBODY);
		skipped++;
		return;
	}
	run_fs_cases(true);
}

/* ---- TCP ---------------------------------------------------------------- */

static int tcp_socket(uint16_t port, bool listening)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	if (listening)
		assert_int_equal(listen(s, 8), 0);
	return s;
}

static uint16_t port_of(int s)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof(a);

	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

/* A port nobody listens on now. */
static uint16_t free_port(void)
{
	int s = tcp_socket(0, false);
	uint16_t port = port_of(s);

	close(s);
	return port;
}

struct tcp_run {
	struct sandbox sb;
	bool bind; /* else connect */
	uint16_t port;
};

static int tcp_child(void *arg)
{
	const struct tcp_run *r = arg;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(r->port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int err = enter(&r->sb), s;

	if (err)
		return err;
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	if (r->bind)
		return errno_of(bind(s, (struct sockaddr *)&a, sizeof(a)));
	return errno_of(connect(s, (struct sockaddr *)&a, sizeof(a)));
}

static void test_tcp(void **state)
{
	int granted = tcp_socket(0, true), other = tcp_socket(0, true);
	uint16_t connect_ok = port_of(granted), bind_ok = free_port();
	struct tcp_run r = {
		.sb.plan = { .connect_ports = &connect_ok, .nconnect = 1,
			     .bind_ports = &bind_ok, .nbind = 1,
			     .flags = OCAP_LL_UNSCOPED },
	};
	struct { bool bind; uint16_t port; int expect; } cases[] = {
		{ false, connect_ok, 0 },
		{ false, port_of(other), EACCES },
		{ true, bind_ok, 0 },
		{ true, free_port(), EACCES },
	};

	if (!need_abi(4, "TCP rules"))
		goto out;
	for (size_t i = 0; i < 4; i++) {
		char got[64];
		int status;

		r.bind = cases[i].bind;
		r.port = cases[i].port;
		status = run_child(tcp_child, &r);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != cases[i].expect)
			fail_msg("%s port %u: want %d, got %s",
				 r.bind ? "bind" : "connect", r.port,
				 cases[i].expect,
				 status_str(status, got, sizeof(got)));
	}
out:
	close(granted);
	close(other);
}

/* ---- scoping ------------------------------------------------------------ */

static struct sockaddr_un abstract_addr(socklen_t *len)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int n = snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1,
			 "ocap-test-landlock-%d", (int)getpid());

	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	return a;
}

enum scope_op { ABSTRACT_CONNECT, KILL_PARENT, KILL_SELF };

struct scope_run {
	struct sandbox sb;
	enum scope_op op;
	struct sockaddr_un addr;
	socklen_t len;
};

static int scope_child(void *arg)
{
	const struct scope_run *r = arg;
	int err = enter(&r->sb), s;

	if (err)
		return err;
	switch (r->op) {
	case KILL_PARENT: return errno_of(kill(getppid(), 0));
	case KILL_SELF: return errno_of(kill(getpid(), 0));
	case ABSTRACT_CONNECT: break;
	}
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	return errno_of(connect(s, (struct sockaddr *)&r->addr, r->len));
}

static void test_scope(void **state)
{
	struct scope_run r = { .sb.plan.flags = OCAP_LL_ANY_TCP };
	int l;
	struct { enum scope_op op; unsigned flags; int expect; } cases[] = {
		{ ABSTRACT_CONNECT, 0, EPERM },
		{ ABSTRACT_CONNECT, OCAP_LL_UNSCOPED, 0 },
		{ KILL_PARENT, 0, EPERM },
		{ KILL_PARENT, OCAP_LL_UNSCOPED, 0 },
		{ KILL_SELF, 0, 0 },
	};

	if (!need_abi(6, "scoping abstract Unix sockets and signals"))
		return;
	r.addr = abstract_addr(&r.len);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&r.addr, r.len), 0);
	assert_int_equal(listen(l, 8), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[64];
		int status;

		r.op = cases[i].op;
		r.sb.plan.flags = OCAP_LL_ANY_TCP | cases[i].flags;
		status = run_child(scope_child, &r);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != cases[i].expect)
			fail_msg("scope case %zu: want %d, got %s", i,
				 cases[i].expect,
				 status_str(status, got, sizeof(got)));
	}
	close(l);
}

static int log_child(void *arg)
{
	struct sandbox sb = { .plan.flags = OCAP_LL_LOG };

	return enter(&sb);
}

/* ABI 7: the exec'd program's denials can be audit-logged. */
static void test_log(void **state)
{
	int status;

	if (!need_abi(7, "logging denials"))
		return;
	status = run_child(log_child, NULL);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- errors and gaps, without the kernel -------------------------------- */

static int bad_fd_child(void *arg)
{
	struct ocap_ll_path bad = { .fd = 1000, .rights = OCAP_RIGHTS_RO };
	struct ocap_ll_plan p = { .paths = &bad, .npaths = 1,
				  .flags = OCAP_LL_BEST_EFFORT };
	char why[256] = "";
	int err;

	if (set_nnp() < 0)
		return FAILED_APPLY;
	err = ocap__ll_apply(&p, why, sizeof(why));
	return err == -EBADF && strstr(why, "fd 1000") ? 0 : FAILED_APPLY;
}

static void test_bad_fd(void **state)
{
	int status = run_child(bad_fd_child, NULL);

	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void count_gap(void *ctx, const char *reason)
{
	(*(int *)ctx)++;
	assert_non_null(strstr(reason, "Landlock"));
}

static void test_gaps(void **state)
{
	struct ocap_ll_path dir = { .fd = 3, .rights = OCAP_RIGHTS_RW };
	int seen = 0;
	struct ocap_ll_plan p = { .paths = &dir, .npaths = 1,
				  .gap = count_gap, .gap_ctx = &seen };
	char why[256];

	assert_int_equal(ocap__ll_check(&p, 0, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "not available"));
	/* ABI 1: refer (create is granted), truncate, TCP, device ioctl,
	 * scope */
	assert_int_equal(ocap__ll_check(&p, 1, why, sizeof(why)), 5);
	assert_non_null(strstr(why, "EXDEV"));
	assert_int_equal(ocap__ll_check(&p, 3, why, sizeof(why)), 3);
	assert_non_null(strstr(why, "TCP"));
	assert_int_equal(ocap__ll_check(&p, 4, why, sizeof(why)), 2);
	assert_non_null(strstr(why, "ioctl"));
	assert_int_equal(ocap__ll_check(&p, 5, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "scope"));
	assert_int_equal(ocap__ll_check(&p, 6, why, sizeof(why)), 0);
	p.flags = OCAP_LL_ANY_TCP | OCAP_LL_UNSCOPED;
	assert_int_equal(ocap__ll_check(&p, 3, why, sizeof(why)), 1);
	assert_int_equal(ocap__ll_check(&p, 5, why, sizeof(why)), 0);
	p.flags = OCAP_LL_LOG;
	assert_int_equal(ocap__ll_check(&p, 6, why, sizeof(why)), 1);
	assert_int_equal(ocap__ll_check(&p, 7, why, sizeof(why)), 0);
	assert_int_equal(seen, 1 + 5 + 3 + 2 + 1 + 1 + 1);
}

static void test_access_map(void **state)
{
	const uint64_t make_dev = LANDLOCK_ACCESS_FS_MAKE_CHAR |
				  LANDLOCK_ACCESS_FS_MAKE_BLOCK;
	uint64_t dir = ocap__ll_fs_access(OCAP_RIGHTS_ALL, true, 7);
	uint64_t file = ocap__ll_fs_access(OCAP_RIGHTS_ALL, false, 7);

	assert_int_equal(dir & make_dev, 0);
	assert_true(dir & LANDLOCK_ACCESS_FS_REFER);
	assert_int_equal(file & ~(LANDLOCK_ACCESS_FS_EXECUTE |
				  LANDLOCK_ACCESS_FS_WRITE_FILE |
				  LANDLOCK_ACCESS_FS_READ_FILE |
				  LANDLOCK_ACCESS_FS_TRUNCATE |
				  LANDLOCK_ACCESS_FS_IOCTL_DEV), 0);
	/* write alone does not truncate; truncate is its own right */
	assert_int_equal(ocap__ll_fs_access(OCAP_RIGHT_WRITE, false, 7) &
			 LANDLOCK_ACCESS_FS_TRUNCATE, 0);
	assert_true(ocap__ll_fs_access(OCAP_RIGHT_TRUNCATE, false, 7) &
		    LANDLOCK_ACCESS_FS_TRUNCATE);
	/* older ABIs get only what they know */
	assert_int_equal(ocap__ll_fs_access(OCAP_RIGHTS_ALL, true, 1) &
			 ~((1ULL << 13) - 1), 0);
	assert_int_equal(ocap__ll_fs_access(OCAP_RIGHTS_ALL, true, 4) &
			 LANDLOCK_ACCESS_FS_IOCTL_DEV, 0);
	assert_int_equal(ocap__ll_fs_access(OCAP_RIGHTS_ALL, true, 0), 0);
	assert_int_equal(ocap__ll_fs_access(OCAP_RIGHT_CONNECT |
					   OCAP_RIGHT_LISTEN, true, 7), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access_map),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_bad_fd),
		cmocka_unit_test(test_fs_root),
		cmocka_unit_test(test_fs_nobody),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_log),
	};

	return finish(cmocka_run_group_tests(tests, setup, teardown));
}
