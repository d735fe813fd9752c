/* SPDX-License-Identifier: MIT */
/*
 * ocap_enter() and ocap_isolate() against the real kernel.  Entering is
 * for good, so each case enters in a forked child and reports through its
 * exit status (child_check: the failing line).  Run as root and, by a
 * second CTest entry through setpriv(1), as uid 65534.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
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

#include <ocap/enter.h>

#include "enter_test.h"


/* What the tiny program exits with when exec is allowed. */
#define TINY_STATUS 7

/* The tree: ro/f (mounted /ro read-only), rw/ (/rw read-write), bin/tiny
 * (/bin, read and exec) and out/secret, in no capability. */
struct fixture {
	struct tmpdir td;
	ocap_ns *ns;
	int rofd, rwfd, tinyfd, topfd;
	char secret[PATH_MAX];
};

static struct fixture *F;

/* An x86-64 ELF that calls exit_group(TINY_STATUS): no loader, no libc,
 * so it runs under the native seccomp program. */
static int write_tiny(const char *path)
{
	static const unsigned char code[] = {
		0xbf, TINY_STATUS, 0, 0, 0, /* mov edi, TINY_STATUS */
		0xb8, 231, 0, 0, 0,         /* mov eax, exit_group */
		0x0f, 0x05,                 /* syscall */
	};
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;
		unsigned char code[sizeof code];
	} __attribute__((packed)) elf = { 0 };
	const Elf64_Addr base = 0x400000;
	int fd, r = 0;

	memcpy(elf.eh.e_ident, ELFMAG, SELFMAG);
	elf.eh.e_ident[EI_CLASS] = ELFCLASS64;
	elf.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	elf.eh.e_ident[EI_VERSION] = EV_CURRENT;
	elf.eh.e_type = ET_EXEC;
	elf.eh.e_machine = EM_X86_64;
	elf.eh.e_version = EV_CURRENT;
	elf.eh.e_entry = base + offsetof(__typeof__(elf), code);
	elf.eh.e_phoff = sizeof elf.eh;
	elf.eh.e_ehsize = sizeof elf.eh;
	elf.eh.e_phentsize = sizeof elf.ph;
	elf.eh.e_phnum = 1;
	elf.ph.p_type = PT_LOAD;
	elf.ph.p_flags = PF_R | PF_X;
	elf.ph.p_vaddr = elf.ph.p_paddr = base;
	elf.ph.p_filesz = elf.ph.p_memsz = sizeof elf;
	elf.ph.p_align = 0x1000;
	memcpy(elf.code, code, sizeof code);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0)
		return -errno;
	if (write(fd, &elf, sizeof elf) != (ssize_t)sizeof elf)
		r = -EIO;
	close(fd);
	return r;
}

static int mount_dir(ocap_ns *ns, const char *base, const char *rel,
		     ocap_rights_t rights, const char *name)
{
	char host[PATH_MAX];
	ocap_cap *c;

	tree_join(host, sizeof host, base, rel);
	if (!(c = cap_dir(host, rights, name)))
		return -ENOENT;
	if (ocap_ns_mount(ns, c) < 0) {
		ocap_cap_close(c);
		return -EEXIST;
	}
	return ocap_cap_fd(c);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char tiny[PATH_MAX];
	const char *b;

	if (!f || tmpdir_make(&f->td) < 0)
		return -1;
	b = f->td.path;
	if (tree_write(b, "ro/f", "ro data") < 0 || tree_mkdir(b, "rw") < 0 ||
	    tree_mkdir(b, "bin") < 0 ||
	    tree_write(b, "out/secret", "secret") < 0)
		return -1;
	tree_join(tiny, sizeof tiny, b, "bin/tiny");
	tree_join(f->secret, sizeof f->secret, b, "out/secret");
	if (write_tiny(tiny) < 0 || ocap_ns_new(&f->ns) < 0)
		return -1;
	f->rofd = mount_dir(f->ns, b, "ro", OCAP_RIGHTS_RO, "/ro");
	f->rwfd = mount_dir(f->ns, b, "rw", OCAP_RIGHTS_RW, "/rw");
	if (f->rofd < 0 || f->rwfd < 0 ||
	    mount_dir(f->ns, b, "bin", OCAP_RIGHTS_RX, "/bin") < 0)
		return -1;
	/* Held from before entering, outside every capability. */
	f->tinyfd = open(tiny, O_PATH | O_CLOEXEC);
	f->topfd = open(b, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (f->tinyfd < 0 || f->topfd < 0)
		return -1;
	F = f;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ocap_ns_free(f->ns);
	close(f->tinyfd);
	close(f->topfd);
	tmpdir_remove(f->td.path);
	free(f);
	return 0;
}

/* ---- paths -------------------------------------------------------------- */

static int paths_child(void *arg)
{
	struct ocap_enter_report r;
	char buf[64];
	int fd;

	(void)arg;
	child_check(ocap_enter(F->ns, OCAP_ENTER_STRICT, &r), 0);
	child_check(r.entered, 1);
	child_check(r.nunenforced, 0);
	child_check(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
	child_check(holds_caps(), 0);
	/* Inside, with the right: through libocap and the kernel. */
	fd = ocap_ns_open(F->ns, "/ro/f", O_RDONLY | O_CLOEXEC, 0);
	child_check(fd >= 0, 1);
	child_check(fd_read_all(fd, buf, sizeof buf), 7);
	close(fd);
	child_check(sys_ret(openat(F->rofd, "f", O_RDONLY | O_CLOEXEC)) >= 0, 1);
	fd = ocap_ns_open(F->ns, "/rw/new", O_WRONLY | O_CREAT | O_CLOEXEC,
			  0600);
	child_check(fd >= 0, 1);
	child_check(write(fd, "x", 1), 1);
	close(fd);
	child_check(ocap_ns_mkdir(F->ns, "/rw/d", 0700), 0);
	child_check(ocap_ns_rename(F->ns, "/rw/new", "/rw/d/new"), 0);
	child_check(ocap_ns_unlink(F->ns, "/rw/d/new", 0), 0);
	/* Inside, without the right. */
	child_check(ocap_ns_open(F->ns, "/ro/f", O_WRONLY, 0), -EACCES);
	child_check(sys_ret(openat(F->rofd, "f", O_WRONLY | O_CLOEXEC)),
		    -EACCES);
	child_check(sys_ret(mkdirat(F->rofd, "d", 0700)), -EACCES);
	/* Outside: ENOENT from libocap, the kernel refuses the rest. */
	child_check(ocap_ns_open(F->ns, F->secret, O_RDONLY, 0), -ENOENT);
	child_check(ocap_ns_open(F->ns, "/etc/passwd", O_RDONLY, 0), -ENOENT);
	child_check(sys_ret(openat(F->rofd, "../out/secret", O_RDONLY)),
		    -EACCES);
	child_check(sys_ret(openat(F->topfd, "out/secret", O_RDONLY)),
		    -EACCES);
	child_check(sys_ret(open("/etc/passwd", O_RDONLY)), -EPERM);
	child_check(sys_ret(openat(AT_FDCWD, "/etc/passwd", O_RDONLY)),
		    -EPERM);
	child_check(sys_ret(open(F->secret, O_RDONLY)), -EPERM);
	return 0;
}

/* ---- network ------------------------------------------------------------ */

static int connect_child(void *arg)
{
	struct sockaddr_in *sin = arg;
	int s;

	child_check(ocap_enter(F->ns, OCAP_ENTER_STRICT, NULL), 0);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	child_check(s >= 0, 1);
	child_check(sys_ret(connect(s, (struct sockaddr *)sin, sizeof *sin)),
		    -EPERM);
	child_check(sys_ret(bind(s, (struct sockaddr *)sin, sizeof *sin)),
		    -EPERM);
	child_check(sys_ret(listen(s, 1)), -EPERM);
	return 0;
}

static void test_connect(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof sin;
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	(void)state;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(l >= 0);
	assert_ret(bind(l, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_ret(listen(l, 1), 0);
	assert_ret(getsockname(l, (struct sockaddr *)&sin, &len), 0);
	expect_status(connect_child, &sin, 0);
	close(l);
}

/* ---- classes of calls ----------------------------------------------------
 * Each probe returns 0 or -errno for the class's call; exec, when it
 * works, becomes the tiny program and exits TINY_STATUS instead. */

static int probe_exec(void)
{
	char *argv[] = { "tiny", NULL }, *envp[] = { NULL };

	return (int)sys_ret(syscall(SYS_execveat, F->tinyfd, "", argv, envp,
				    AT_EMPTY_PATH));
}

static int probe_fork(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -errno;
	return waitpid(pid, &st, 0) == pid && st == 0 ? 0 : -ECHILD;
}

static int probe_net(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int u = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (u < 0) {
		if (s >= 0)
			close(s);
		return -ENOTSOCK; /* AF_UNIX must stay in every case */
	}
	close(u);
	if (s < 0)
		return -errno;
	close(s);
	return 0;
}

/* Every way to make a name: openat2 (libocap) meets Landlock, the rest
 * the classes' filter; all must agree. */
static int probe_create(void)
{
	int fd = ocap_ns_open(F->ns, "/rw/c", O_WRONLY | O_CREAT | O_CLOEXEC,
			      0600);
	int raw = (int)sys_ret(openat(F->rwfd, "c2", O_WRONLY | O_CREAT |
				      O_CLOEXEC, 0600));
	int dir = (int)sys_ret(mkdirat(F->rwfd, "cd", 0700));
	int sym = (int)sys_ret(symlinkat("c", F->rwfd, "cs"));

	if (fd >= 0 && raw >= 0 && dir == 0 && sym == 0) {
		close(fd);
		close(raw);
		return 0;
	}
	if (fd == -EACCES && raw == -EPERM && dir == -EPERM && sym == -EPERM)
		return -EPERM;
	fprintf(stderr, "create: openat2 %s, openat %s, mkdirat %s, "
		"symlinkat %s\n", ret_name(fd), ret_name(raw), ret_name(dir),
		ret_name(sym));
	return -EIO;
}

static const struct class_case {
	const char *name;
	unsigned flag;
	int (*probe)(void);
	int allowed; /* the child's status when the class is kept */
} classes[] = {
	{ "exec", OCAP_ENTER_NO_EXEC, probe_exec, TINY_STATUS },
	{ "fork", OCAP_ENTER_NO_FORK, probe_fork, 0 },
	{ "net", OCAP_ENTER_NO_NET, probe_net, 0 },
	{ "create", OCAP_ENTER_NO_CREATE, probe_create, 0 },
};

struct class_run {
	const struct class_case *c;
	unsigned flags;
};

static int class_child(void *arg)
{
	const struct class_run *run = arg;
	struct ocap_enter_report r;
	int got;

	child_check(ocap_enter(F->ns, OCAP_ENTER_STRICT | run->flags, &r), 0);
	child_check(report_has(&r, "no-exec",
			       1) == !!(run->flags & OCAP_ENTER_NO_EXEC), 1);
	got = run->c->probe();
	if (run->flags & run->c->flag)
		child_check(got, -EPERM);
	else
		child_check(got, 0);
	return 0;
}

static void test_classes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
		struct class_run dropped = { &classes[i], classes[i].flag };
		struct class_run kept = { &classes[i], 0 };

		/* Dropping every other class leaves this one working. */
		kept.flags = (OCAP_ENTER_NO_EXEC | OCAP_ENTER_NO_FORK |
			      OCAP_ENTER_NO_NET | OCAP_ENTER_NO_CREATE) &
			     ~classes[i].flag;
		print_message("class %s: dropped, then kept\n",
			      classes[i].name);
		expect_status(class_child, &dropped, 0);
		expect_status(class_child, &kept, classes[i].allowed);
	}
}

/* ---- strict and best effort ----------------------------------------------
 * A kernel without Landlock, as a filter that answers ENOSYS to it. */

static int hide_landlock(void)
{
	return refuse_call(__NR_landlock_create_ruleset, ENOSYS);
}

static int no_landlock_child(void *arg)
{
	struct ocap_enter_report r;
	bool caps = holds_caps();
	unsigned classes_ = OCAP_ENTER_NO_CREATE;
	int fd;

	(void)arg;
	child_check(hide_landlock(), 0);
	child_check(ocap_enter(F->ns, OCAP_ENTER_STRICT | classes_, &r),
		    -EOPNOTSUPP);
	child_check(r.entered, 0);
	child_check(r.landlock_abi, 0);
	child_check(report_has(&r, "landlock", 0), 1);
	child_check(report_has(&r, "no-create", 0), 1);
	child_check(report_has(&r, "seccomp", 1), 1);
	/* Refused: nothing changed but the test's own filter. */
	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	child_check(fd >= 0, 1);
	close(fd);
	child_check(status_field("Seccomp_filters"), 1);
	child_check(holds_caps(), caps);
	/* Best effort enters and says what it could not enforce. */
	child_check(ocap_enter(F->ns, OCAP_ENTER_BEST_EFFORT | classes_, &r),
		    0);
	child_check(r.entered, 1);
	child_check(r.nunenforced >= 2, 1);
	child_check(report_has(&r, "landlock", 0), 1);
	child_check(sys_ret(open("/etc/passwd", O_RDONLY)), -EPERM);
	child_check(holds_caps(), 0);
	return 0;
}

/* A read-only capability beneath a read-write one: Landlock would give
 * it write as well, so strict refuses. */
static int nested_child(void *arg)
{
	struct ocap_enter_report r;
	ocap_ns *ns;
	int inner;

	(void)arg;
	child_check(tree_write(F->td.path, "rw/in/f", "x"), 0);
	child_check(ocap_ns_new(&ns), 0);
	child_check(mount_dir(ns, F->td.path, "rw", OCAP_RIGHTS_RW, "/rw") >= 0,
		    1);
	inner = mount_dir(ns, F->td.path, "rw/in", OCAP_RIGHTS_RO, "/in");
	child_check(inner >= 0, 1);
	child_check(ocap_enter(ns, OCAP_ENTER_STRICT, &r), -EOPNOTSUPP);
	child_check(report_has(&r, "landlock", 0), 1);
	child_check_untouched(holds_caps());
	child_check(ocap_enter(ns, OCAP_ENTER_BEST_EFFORT, &r), 0);
	child_check(r.nunenforced, 1);
	/* What the report warned of: the kernel lets it write. */
	child_check(sys_ret(openat(inner, "f", O_WRONLY | O_CLOEXEC)) >= 0, 1);
	return 0;
}

/* A file capability is reopened once entered: through procfs's root,
 * relative to a descriptor, so the native program lets it pass, and
 * Landlock still judges the file it leads to. */
static int reopen_child(void *arg)
{
	char f[PATH_MAX], self[32], buf[16];
	const ocap_cap *rw;
	ocap_cap *file, *got;
	ocap_ns *ns;
	int proc, held, fd, st;
	pid_t pid;

	(void)arg;
	tree_join(f, sizeof f, F->td.path, "ro/f");
	child_check(ocap_ns_new(&ns), 0);
	fd = open(f, O_PATH | O_CLOEXEC);
	child_check(ocap_cap_from_fd(fd, OCAP_KIND_FILE, OCAP_RIGHT_READ, "/f",
				     &file), 0);
	child_check(ocap_ns_mount(ns, file), 0);
	child_check(mount_dir(ns, F->td.path, "rw", OCAP_RIGHTS_RW, "/rw") >= 0,
		    1);
	child_check(tree_write(F->td.path, "rw/g", "rw data"), 0);
	/* What the test reopens through itself: procfs's root, and a
	 * descriptor outside every capability, held read-only. */
	proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	held = open(F->secret, O_RDONLY | O_CLOEXEC);
	child_check(proc >= 0 && held >= 0, 1);
	child_check(ocap_enter(ns, OCAP_ENTER_STRICT, NULL), 0);
	child_check(sys_ret(open("/proc/self/fd/0", O_RDONLY)), -EPERM);
	/* The file capability: opened, derived, its rights kept. */
	fd = ocap_ns_open(ns, "/f", O_RDONLY | O_CLOEXEC, 0);
	child_check(fd_read_all(fd, buf, sizeof buf), 7);
	child_check(memcmp(buf, "ro data", 7), 0);
	close(fd);
	child_check(ocap_ns_open(ns, "/f", O_WRONLY, 0), -EACCES);
	child_check(ocap_ns_open(ns, "/f", O_RDWR, 0), -EACCES);
	child_check(ocap_cap_derive(file, ".", OCAP_RIGHT_READ, &got), 0);
	child_check(fd_read_all(ocap_openat(got, ".", O_RDONLY | O_CLOEXEC, 0),
				buf, sizeof buf), 7);
	ocap_cap_close(got);
	child_check(ocap_cap_derive(file, ".", OCAP_RIGHT_WRITE, &got),
		    -EACCES);
	/* A file derived from a directory is reopened for its access. */
	child_check((rw = ocap_ns_find(ns, "/rw")) != NULL, 1);
	child_check(ocap_cap_derive(rw, "g", OCAP_RIGHT_READ, &got), 0);
	child_check(fd_read_all(ocap_cap_fd(got), buf, sizeof buf), 7);
	child_check(memcmp(buf, "rw data", 7), 0);
	ocap_cap_close(got);
	/* Never wider: a file outside the domain, held for reading, is
	 * reopened neither for writing nor for reading; another process's
	 * files are not reached either. */
	snprintf(self, sizeof self, "self/fd/%d", held);
	child_check(sys_ret(openat(proc, self, O_RDWR | O_CLOEXEC)), -EACCES);
	child_check(sys_ret(openat(proc, self, O_RDONLY | O_CLOEXEC)),
		    -EACCES);
	child_check(sys_ret(openat(proc, "1/environ", O_RDONLY)), -EACCES);
	child_check(sys_ret(openat(proc, "self/environ", O_RDONLY)), -EACCES);
	/* "self" is whoever calls: a forked child reopens its own fd N. */
	pid = fork();
	if (pid == 0) {
		int g = ocap_ns_open(ns, "/rw/g", O_RDONLY | O_CLOEXEC, 0);

		/* The capability's number now names rw/g, in the child
		 * only. */
		if (g < 0 || dup3(g, ocap_cap_fd(file), O_CLOEXEC) < 0)
			_exit(2);
		fd = ocap_ns_open(ns, "/f", O_RDONLY | O_CLOEXEC, 0);
		_exit(fd_read_all(fd, buf, sizeof buf) == 7 &&
		      !memcmp(buf, "rw data", 7) ? 0 : 3);
	}
	child_check(pid > 0, 1);
	child_check(waitpid(pid, &st, 0), pid);
	child_check(st, 0);
	fd = ocap_ns_open(ns, "/f", O_RDONLY | O_CLOEXEC, 0);
	child_check(fd_read_all(fd, buf, sizeof buf), 7);
	child_check(memcmp(buf, "ro data", 7), 0); /* the parent's own */
	close(fd);
	return 0;
}

static int flags_child(void *arg)
{
	struct ocap_enter_report r;

	(void)arg;
	child_check(ocap_enter(F->ns, 0, &r), -EINVAL);
	child_check(ocap_enter(F->ns, OCAP_ENTER_STRICT |
			       OCAP_ENTER_BEST_EFFORT, &r), -EINVAL);
	child_check(ocap_enter(F->ns, OCAP_ENTER_STRICT | (1u << 30), &r),
		    -EINVAL);
	child_check(r.entered, 0);
	child_check_untouched(holds_caps());
	/* No namespace: no file at all. */
	child_check(ocap_enter(NULL, OCAP_ENTER_STRICT, &r), 0);
	child_check(sys_ret(openat(F->rofd, "f", O_RDONLY)), -EACCES);
	return 0;
}

static void test_report_print(void **state)
{
	struct ocap_enter_report r = { .nitems = 1 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	snprintf(r.items[0].what, sizeof r.items[0].what, "landlock");
	snprintf(r.items[0].how, sizeof r.items[0].how, "ABI 7");
	assert_non_null(f);
	assert_ret(ocap_enter_report_print(&r, f), 0);
	fclose(f);
	assert_string_equal(buf, "NOT enforced  landlock      ABI 7\n");
	free(buf);
	assert_ret(ocap_enter_report_print(NULL, stdout), -EINVAL);
}

/* ---- threads ------------------------------------------------------------ */

static void *blocked(void *arg)
{
	char c;

	return (void *)(long)read(*(int *)arg, &c, 1);
}

static int threads_child(void *arg)
{
	struct ocap_enter_report r;
	bool caps = holds_caps();
	pthread_t t;
	int p[2], err;

	(void)arg;
	child_check(pipe2(p, O_CLOEXEC), 0);
	child_check(pthread_create(&t, NULL, blocked, &p[0]), 0);
	child_check(ocap_enter(F->ns, OCAP_ENTER_BEST_EFFORT, &r), -EBUSY);
	child_check(r.entered, 0);
	child_check(report_has(&r, "threads", 0), 1);
	child_check_untouched(caps);
	child_check(write(p[1], "x", 1), 1);
	child_check(pthread_join(t, NULL), 0);
	/* The kernel counts a joined thread until it has released it. */
	for (int i = 0; i < 200; i++) {
		if ((err = ocap_enter(F->ns, OCAP_ENTER_STRICT, &r)) != -EBUSY)
			break;
		usleep(5000);
	}
	child_check(err, 0);
	child_check(report_has(&r, "threads", 1), 1);
	child_check(sys_ret(open("/etc/passwd", O_RDONLY)), -EPERM);
	return 0;
}

/* ---- ocap_isolate ------------------------------------------------------- */

struct iso {
	int out; /* the pipe the child reports on */
	int held; /* a descriptor the parent holds and does not pass */
};

static int isolated(void *arg)
{
	const struct iso *a = arg;
	int res[4];

	res[0] = (int)sys_ret(open(F->secret, O_RDONLY));
	res[1] = ocap_ns_open(F->ns, F->secret, O_RDONLY, 0);
	res[2] = (int)sys_ret(fcntl(a->held, F_GETFD));
	res[3] = ocap_ns_open(F->ns, "/ro/f", O_RDONLY, 0) >= 0;
	if (write(a->out, res, sizeof res) != (ssize_t)sizeof res)
		return 1;
	return 42;
}

static void test_isolate(void **state)
{
	struct iso a;
	int p[2], res[4], status = -1, fd;

	(void)state;
	fd = open(F->secret, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0); /* the parent can */
	assert_ret(pipe2(p, O_CLOEXEC), 0);
	a = (struct iso){ p[1], fd };
	assert_ret(ocap_isolate(isolated, &a, F->ns, &p[1], 1,
				OCAP_ENTER_STRICT | OCAP_ENTER_NO_EXEC,
				&status),
		   0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 42);
	assert_int_equal(read(p[0], res, sizeof res), sizeof res);
	assert_ret(res[0], -EPERM);  /* no path on AT_FDCWD */
	assert_ret(res[1], -ENOENT); /* not in its namespace */
	assert_ret(res[2], -EBADF);  /* not passed */
	assert_int_equal(res[3], 1);
	/* The parent is as it was. */
	assert_int_equal(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
	assert_int_equal(status_field("Seccomp_filters"), 0);
	close(fd);
	close(p[0]);
	close(p[1]);
}

static int nothing(void *arg)
{
	(void)arg;
	return 0;
}

static void test_isolate_errors(void **state)
{
	int status = -1, bad = 1000;

	(void)state;
	/* The child's refusal comes back as the error; nothing ran. */
	assert_ret(ocap_isolate(nothing, NULL, F->ns, NULL, 0, 0, &status),
		   -EINVAL);
	assert_int_equal(status, -1);
	assert_ret(ocap_isolate(nothing, NULL, F->ns, &bad, 1,
				OCAP_ENTER_STRICT, &status),
		   -EBADF);
	assert_ret(ocap_isolate(NULL, NULL, F->ns, NULL, 0, OCAP_ENTER_STRICT,
				&status),
		   -EINVAL);
	/* Nothing at all but the function: stdio closed. */
	assert_ret(ocap_isolate(nothing, NULL, NULL, NULL, 0,
				OCAP_ENTER_STRICT | OCAP_ENTER_NO_FORK,
				&status),
		   0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The cases that only enter in a child and check there. */
static const struct entering_case entering[] = {
	{ "paths", paths_child },
	{ "strict and best effort without Landlock", no_landlock_child },
	{ "nested capabilities", nested_child },
	{ "file capabilities reopened", reopen_child },
	{ "flags", flags_child },
	{ "threads", threads_child },
};

static void test_entering(void **state)
{
	(void)state;
	run_entering(entering, sizeof entering / sizeof *entering);
}

/* "nest DIR", run under ocapsh with DIR granted (enter_ocapsh.sh, compat
 * mode): strict entering with two path capabilities, judged without
 * /proc, which ocapsh does not grant; a nested pair is still refused.
 * Exits 0, or the failing line. */
static int nest_main(const char *dir)
{
	struct ocap_enter_report r;
	ocap_ns *wide, *two;
	char buf[16];
	int fd, afd, bfd;

	child_check(ocap_ns_new(&wide), 0);
	child_check(ocap_ns_new(&two), 0);
	child_check(mount_dir(wide, dir, "b", OCAP_RIGHTS_RW, "/b") >= 0, 1);
	child_check(mount_dir(wide, dir, "b/in", OCAP_RIGHTS_RO, "/in") >= 0,
		    1);
	child_check(ocap_enter(wide, OCAP_ENTER_STRICT, &r), -EOPNOTSUPP);
	child_check(r.nunenforced, 1);
	child_check(report_has(&r, "landlock", 0), 1);
	for (size_t i = 0; i < r.nitems; i++)
		child_check(r.items[i].enforced ||
				    strstr(r.items[i].how, "/in lies beneath /b"),
			    1);
	afd = mount_dir(two, dir, "a", OCAP_RIGHTS_RO, "/a");
	bfd = mount_dir(two, dir, "b", OCAP_RIGHTS_RW, "/b");
	child_check(afd >= 0 && bfd >= 0, 1);
	if (ocap_enter(two, OCAP_ENTER_STRICT, &r) < 0)
		ocap_enter_report_print(&r, stderr);
	child_check(r.entered, 1);
	/* Through the kernel: ocapsh's compat filter answers ENOSYS to
	 * openat2, which libocap resolves with. */
	fd = (int)sys_ret(openat(afd, "f", O_RDONLY | O_CLOEXEC));
	child_check(fd_read_all(fd, buf, sizeof buf), 6);
	child_check(memcmp(buf, "a data", 6), 0);
	fd = (int)sys_ret(openat(bfd, "new", O_WRONLY | O_CREAT | O_CLOEXEC,
				 0600));
	child_check(write(fd, "b", 1), 1);
	child_check(sys_ret(openat(afd, "f", O_WRONLY | O_CLOEXEC)), -EACCES);
	child_check(sys_ret(open("/etc/passwd", O_RDONLY)), -EPERM);
	printf("entered: nest ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entering),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_report_print),
		cmocka_unit_test(test_isolate),
		cmocka_unit_test(test_isolate_errors),
	};

	if (argc == 3 && !strcmp(argv[1], "nest"))
		return nest_main(argv[2]);
	if (landlock_missing())
		return 77;
	return cmocka_run_group_tests(tests, setup, teardown);
}
