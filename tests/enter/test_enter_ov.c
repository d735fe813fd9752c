/* SPDX-License-Identifier: MIT */
/*
 * ocap_enter() in a program built with ocap-cc (static musl, the overlay,
 * libocap-launch-musl.a), against the real kernel.  test_enter.c tests
 * the glibc build; here what only an ocap-cc program has is tested too:
 * once entered, the overlay's plain POSIX calls (open, stat, opendir,
 * fopen, mkdir, chdir...) resolve through the namespace, as libocap's
 * do.  Entering is for good, so each case enters in a forked child,
 * which prints a TAP line per check and exits 1 when one failed.
 *
 * The tree, in a directory of its own: ro/f "ro data" (mounted /ro,
 * read-only), rw/ (/rw, read-write), out/secret (in no capability); the
 * directory of this program is mounted /bin with exec, and the program
 * run as "test_enter_ov exit7" exits 7 at once, which shows that exec
 * worked.  Exit 77 when Landlock is off.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ocap/enter.h>

#include "ovtest.h"

#define EXEC_STATUS 7

static char top[PATH_MAX], self[PATH_MAX], exe[PATH_MAX];
static ocap_ns *ns;
static int rwfd;
#define secret P("out/secret")

/* libocap's -errno as a call's -1 and errno, for CHECK. */
static long lib(long r)
{
	if (r >= 0)
		return r;
	errno = (int)-r;
	return -1;
}

/* A raw system call, around the overlay. */
#define RAW(...) syscall(__VA_ARGS__)

static const char *read_all(int fd)
{
	static char buf[64];
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return buf;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int mount_dir(ocap_ns *n, const char *host, ocap_rights_t rights,
		     const char *name)
{
	ocap_cap *c;
	int fd = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	if ((r = ocap_cap_from_fd(fd, OCAP_KIND_DIR, rights, name, &c)) < 0) {
		close(fd);
		return r;
	}
	if ((r = ocap_ns_mount(n, c)) < 0) {
		ocap_cap_close(c);
		return r;
	}
	return fd;
}

/* The tree in T, the namespace, and ovtest.h's "inside T" mode. */
static int setup(char *argv0)
{
	char dir[PATH_MAX];

	snprintf(top, sizeof top, "/tmp/ocap-enter-ov.XXXXXX");
	if (!mkdtemp(top) || !realpath(argv0, self))
		return -1;
	ovt_start(3, (char *[]){ argv0, "inside", top, NULL }, NULL);
	if (mkdir(P("ro"), 0700) < 0 || write_file(P("ro/f"), "ro data") < 0 ||
	    mkdir(P("rw"), 0700) < 0 || mkdir(P("out"), 0700) < 0 ||
	    write_file(secret, "secret") < 0 || ocap_ns_new(&ns) < 0)
		return -1;
	snprintf(dir, sizeof dir, "%s", self);
	snprintf(exe, sizeof exe, "/bin/%s", strrchr(self, '/') + 1);
	if (mount_dir(ns, P("ro"), OCAP_RIGHTS_RO, "/ro") < 0 ||
	    (rwfd = mount_dir(ns, P("rw"), OCAP_RIGHTS_RW, "/rw")) < 0)
		return -1;
	return mount_dir(ns, dirname(dir), OCAP_RIGHTS_RX, "/bin") < 0 ? -1 : 0;
}

static int rm_one(const char *path, const struct stat *st, int type,
		  struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* Run fn in a child; 0 when it exited want. */
static int run(const char *name, int (*fn)(void *), void *arg, int want)
{
	int st;
	pid_t pid;

	printf("# %s\n", name);
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(fn(arg));
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == want)
		return 0;
	printf("not ok - %s: wait status %#x, expected exit %d\n", name, st,
	       want);
	return 1;
}

/* ---- paths -------------------------------------------------------------- */

static int paths_child(void *arg)
{
	struct ocap_enter_report r;
	char cwd[64];
	struct stat st;
	struct dirent *d;
	FILE *f;
	DIR *dir;
	int found = 0;

	(void)arg;
	CHECK(0, lib(ocap_enter(ns, OCAP_ENTER_STRICT, &r)));
	CHECKN(r.entered, 1);
	CHECKN(r.nunenforced, 0);
	/* The namespace is the overlay's own copy now. */
	ocap_ns_free(ns);
	ns = NULL;

	/* Inside, with the right. */
	CHECKS(read_all(open("/ro/f", O_RDONLY | O_CLOEXEC)), "ro data");
	CHECK(0, stat("/ro/f", &st));
	CHECKN(st.st_size, 7);
	CHECK(0, access("/ro/f", R_OK));
	CHECKP(0, dir = opendir("/ro"));
	while (dir && (d = readdir(dir)))
		found |= !strcmp(d->d_name, "f");
	if (dir)
		closedir(dir);
	CHECKN(found, 1);
	CHECKP(0, f = fopen("/ro/f", "r"));
	if (f)
		fclose(f);
	CHECKP(0, f = fopen("/rw/new", "w"));
	if (f) {
		fputs("x", f);
		fclose(f);
	}
	CHECK(0, mkdir("/rw/d", 0700));
	CHECK(0, rename("/rw/new", "/rw/d/new"));
	CHECK(0, unlink("/rw/d/new"));
	CHECK(0, rmdir("/rw/d"));
	CHECK(0, chdir("/rw"));
	CHECKS(getcwd(cwd, sizeof cwd), "/rw");
	CHECK(0, open("rel", O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	CHECK(0, stat("/rw/rel", &st));

	/* Inside, without the right. */
	CHECK(EACCES, open("/ro/f", O_WRONLY));
	CHECKP(EACCES, fopen("/ro/f", "w"));
	CHECK(EACCES, mkdir("/ro/d", 0700));
	CHECK(EACCES, unlink("/ro/f"));
	CHECK(EACCES, access("/ro/f", W_OK));

	/* Outside every capability. */
	CHECK(ENOENT, open("/etc/passwd", O_RDONLY));
	CHECK(ENOENT, open(secret, O_RDONLY));
	CHECK(ENOENT, stat(secret, &st));
	CHECK(ENOENT, stat("/etc", &st));
	CHECKP(ENOENT, opendir("/etc"));
	CHECKP(ENOENT, fopen("/etc/passwd", "r"));
	CHECK(ENOENT, open("/ro/../out/secret", O_RDONLY));
	CHECK(ENOENT, chdir("/etc"));
	/* The kernel's answer to a path on AT_FDCWD: the native program. */
	CHECK(EPERM, RAW(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY));
	CHECK(EPERM, RAW(SYS_open, secret, O_RDONLY));
	return ovt_end();
}

/* The same through libocap, and through a capability alone. */
static int libocap_child(void *arg)
{
	const ocap_cap *ro;

	(void)arg;
	CHECK(0, lib(ocap_enter(ns, OCAP_ENTER_STRICT, NULL)));
	CHECKS(read_all((int)lib(ocap_ns_open(ns, "/ro/f", O_RDONLY, 0))),
	       "ro data");
	CHECKP(0, ro = ocap_ns_find(ns, "/ro"));
	CHECKS(read_all(ro ? (int)lib(ocap_openat(ro, "f", O_RDONLY, 0)) : -1),
	       "ro data");
	CHECK(0, lib(ocap_ns_mkdir(ns, "/rw/d", 0700)));
	CHECK(0, lib(ocap_ns_unlink(ns, "/rw/d", AT_REMOVEDIR)));
	CHECK(EACCES, lib(ocap_ns_open(ns, "/ro/f", O_WRONLY, 0)));
	CHECK(EACCES, lib(ocap_ns_mkdir(ns, "/ro/d", 0700)));
	CHECK(ENOENT, lib(ocap_ns_open(ns, secret, O_RDONLY, 0)));
	CHECK(ENOENT, lib(ocap_ns_open(ns, "/etc/passwd", O_RDONLY, 0)));
	/* A held descriptor reaches beneath it only. */
	CHECK(EACCES, RAW(SYS_openat, rwfd, "../out/secret", O_RDONLY));
	return ovt_end();
}

/* A file capability, opened and derived once entered: libocap reopens it
 * through procfs's root, relative to a descriptor. */
static int filecap_child(void *arg)
{
	const ocap_cap *rw;
	ocap_cap *file, *got;
	ocap_ns *fns;
	int fd = open(P("ro/f"), O_PATH | O_CLOEXEC);

	(void)arg;
	CHECK(0, write_file(P("rw/g"), "rw data"));
	CHECK(0, lib(ocap_ns_new(&fns)));
	CHECK(0, lib(ocap_cap_from_fd(fd, OCAP_KIND_FILE, OCAP_RIGHT_READ,
				      "/f", &file)));
	CHECK(0, lib(ocap_ns_mount(fns, file)));
	CHECK(0, lib(mount_dir(fns, P("rw"), OCAP_RIGHTS_RW, "/rw")));
	CHECK(0, lib(ocap_enter(fns, OCAP_ENTER_STRICT, NULL)));
	CHECKS(read_all((int)lib(ocap_ns_open(fns, "/f", O_RDONLY, 0))),
	       "ro data");
	CHECKS(read_all(open("/f", O_RDONLY | O_CLOEXEC)), "ro data");
	CHECK(EACCES, lib(ocap_ns_open(fns, "/f", O_WRONLY, 0)));
	CHECK(EACCES, open("/f", O_RDWR | O_CLOEXEC));
	CHECK(0, lib(ocap_cap_derive(file, ".", OCAP_RIGHT_READ, &got)));
	CHECKS(read_all((int)lib(ocap_openat(got, ".", O_RDONLY, 0))),
	       "ro data");
	CHECK(EACCES, lib(ocap_cap_derive(file, ".", OCAP_RIGHT_WRITE, &got)));
	CHECKP(0, rw = ocap_ns_find(fns, "/rw"));
	CHECK(0, lib(ocap_cap_derive(rw, "g", OCAP_RIGHT_READ, &got)));
	CHECKS(read_all(dup(ocap_cap_fd(got))), "rw data");
	return ovt_end();
}

/* Where relative paths start: the namespace's working directory when the
 * caller set one, else the kernel's when a capability holds it. */
static int cwd_child(void *arg)
{
	char cwd[PATH_MAX], host[PATH_MAX];
	ocap_ns *byhost;

	(void)arg;
	snprintf(host, sizeof host, "%s", P("rw"));
	CHECK(0, lib(ocap_ns_new(&byhost)));
	CHECK(0, lib(mount_dir(byhost, host, OCAP_RIGHTS_RW, host)));
	CHECK(0, chdir(host));
	CHECK(0, lib(ocap_enter(byhost, OCAP_ENTER_STRICT, NULL)));
	CHECKS(getcwd(cwd, sizeof cwd), host);
	CHECK(0, open("here", O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	CHECK(ENOENT, access("/rw", F_OK)); /* not in this namespace */
	return ovt_end();
}

static int chdir_child(void *arg)
{
	char cwd[64];

	(void)arg;
	CHECK(0, lib(ocap_ns_chdir(ns, "/ro")));
	CHECK(0, lib(ocap_enter(ns, OCAP_ENTER_STRICT, NULL)));
	CHECKS(getcwd(cwd, sizeof cwd), "/ro");
	CHECKS(read_all(open("f", O_RDONLY | O_CLOEXEC)), "ro data");
	return ovt_end();
}

/* ---- classes of calls ----------------------------------------------------
 * Each probe is a check, made once entered; exec, when allowed, becomes
 * this program, which exits EXEC_STATUS. */

static void probe_exec(bool dropped)
{
	char *argv[] = { "test_enter_ov", "exit7", NULL };

	CHECK(dropped ? EPERM : 0, execv(exe, argv));
}

/* A child that exits at once, reaped: its pid, or -1 with errno. */
static pid_t fork_reaped(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, &st, 0);
	return pid;
}

static void probe_fork(bool dropped)
{
	CHECK(dropped ? EPERM : 0, fork_reaped());
}

static void probe_net(bool dropped)
{
	CHECK(dropped ? EPERM : 0,
	      socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
	CHECK(0, socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
}

/* The overlay's open goes through openat2, which Landlock refuses; the
 * raw calls meet the class's filter. */
static void probe_create(bool dropped)
{
	CHECK(dropped ? EACCES : 0, open("/rw/c", O_WRONLY | O_CREAT, 0600));
	CHECKP(dropped ? EACCES : 0, fopen("/rw/c2", "w"));
	CHECK(dropped ? EPERM : 0, mkdir("/rw/cd", 0700));
	CHECK(dropped ? EPERM : 0,
	      RAW(SYS_openat, rwfd, "c3", O_WRONLY | O_CREAT, 0600));
}

/* One class's probe, when it is dropped or kept. */
static void probe(unsigned flag, bool dropped)
{
	switch (flag) {
	case OCAP_ENTER_NO_EXEC:
		probe_exec(dropped);
		break;
	case OCAP_ENTER_NO_FORK:
		probe_fork(dropped);
		break;
	case OCAP_ENTER_NO_NET:
		probe_net(dropped);
		break;
	case OCAP_ENTER_NO_CREATE:
		probe_create(dropped);
		break;
	}
}

struct class_run {
	unsigned flag;  /* the class probed */
	unsigned flags; /* the classes dropped */
};

static bool report_has(const struct ocap_enter_report *r, const char *what,
		       int enforced)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (!strcmp(r->items[i].what, what) &&
		    r->items[i].enforced == enforced)
			return true;
	return false;
}

static int class_child(void *arg)
{
	const struct class_run *cr = arg;
	struct ocap_enter_report r;

	CHECK(0, lib(ocap_enter(ns, OCAP_ENTER_STRICT | cr->flags, &r)));
	CHECKN(report_has(&r, "no-exec", 1),
	       !!(cr->flags & OCAP_ENTER_NO_EXEC));
	probe(cr->flag, cr->flags & cr->flag);
	return ovt_end();
}

/* Each class dropped alone, then kept with every other dropped. */
static int test_classes(void)
{
	static const char *const names[] = { "exec", "fork", "net", "create" };
	const unsigned all = OCAP_ENTER_NO_EXEC | OCAP_ENTER_NO_FORK |
			     OCAP_ENTER_NO_NET | OCAP_ENTER_NO_CREATE;
	char name[64];
	int failed = 0;

	for (unsigned i = 0; i < 4; i++) {
		/* Consecutive bits: exec, fork, net, create. */
		unsigned flag = OCAP_ENTER_NO_EXEC << i;
		struct class_run dropped = { flag, flag };
		struct class_run kept = { flag, all & ~flag };

		snprintf(name, sizeof name, "class %s dropped", names[i]);
		failed += run(name, class_child, &dropped, 0);
		snprintf(name, sizeof name, "class %s kept", names[i]);
		failed += run(name, class_child, &kept,
			      flag == OCAP_ENTER_NO_EXEC ? EXEC_STATUS : 0);
	}
	return failed;
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
	pthread_t t;
	int p[2], err = 0;

	(void)arg;
	CHECK(0, pipe2(p, O_CLOEXEC));
	CHECKN(pthread_create(&t, NULL, blocked, &p[0]), 0);
	CHECK(EBUSY, lib(ocap_enter(ns, OCAP_ENTER_BEST_EFFORT, &r)));
	CHECKN(r.entered, 0);
	CHECKN(report_has(&r, "threads", 0), 1);
	/* Nothing changed: plain musl, the kernel's paths. */
	CHECK(0, access(secret, R_OK));
	CHECK(0, write(p[1], "x", 1));
	CHECKN(pthread_join(t, NULL), 0);
	/* The kernel counts a joined thread until it has released it. */
	for (int i = 0; i < 200; i++) {
		if ((err = ocap_enter(ns, OCAP_ENTER_STRICT, &r)) != -EBUSY)
			break;
		usleep(5000);
	}
	CHECK(0, lib(err));
	CHECK(ENOENT, access(secret, R_OK));
	/* Threads started now inherit everything. */
	CHECKN(pthread_create(&t, NULL, blocked, &p[0]), 0);
	CHECK(0, close(p[1]));
	CHECKN(pthread_join(t, NULL), 0);
	return ovt_end();
}

/* ---- network: a grant kept through the helper --------------------------- */

static int listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(s, 4) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return s;
}

static int dial(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0)
		return -1;
	r = connect(s, (struct sockaddr *)&a, sizeof a);
	close(s);
	return r;
}

static int net_child(void *arg)
{
	const int *ports = arg;
	struct ocap_enter_report r;
	struct addrinfo *ai = NULL, hints = { .ai_socktype = SOCK_STREAM };
	char grant[32], port[8];

	snprintf(port, sizeof port, "%d", ports[0]);
	snprintf(grant, sizeof grant, "127.0.0.1:%s", port);
	CHECK(0, lib(ocap_enter_grant(ns, "--connect", grant)));
	CHECK(0, lib(ocap_enter(ns, OCAP_ENTER_STRICT, &r)));
	CHECKN(report_has(&r, "network", 1), 1);
	CHECKN(r.helper > 0, 1);
	/* connect(2) through the overlay: the helper's answer. */
	CHECK(0, dial(ports[0]));
	CHECK(EACCES, dial(ports[1]));
	CHECKN(getaddrinfo("127.0.0.1", port, &hints, &ai), 0);
	if (ai)
		freeaddrinfo(ai);
	return ovt_end();
}

/* ---- ocap_isolate ------------------------------------------------------- */

static int isolated(void *arg)
{
	struct stat st;
	int fd = open("/ro/f", O_RDONLY | O_CLOEXEC);

	(void)arg;
	if (fd < 0)
		return 1;
	close(fd);
	if (stat(secret, &st) == 0 || errno != ENOENT)
		return 2;
	return 42;
}

static int isolate_child(void *arg)
{
	struct stat st;
	int status = -1;

	(void)arg;
	CHECK(0, lib(ocap_isolate(isolated, NULL, ns, NULL, 0,
				  OCAP_ENTER_STRICT | OCAP_ENTER_NO_EXEC,
				  &status)));
	CHECKN(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 42);
	/* The caller is as it was. */
	CHECK(0, stat(secret, &st));
	return ovt_end();
}

/* "nest DIR", run under ocapsh with DIR granted: strict entering with
 * two path capabilities, which the nesting check must judge without /proc
 * (ocapsh grants none, and native mode refuses paths on AT_FDCWD).  A
 * capability beneath a wider one is still refused, and says so. */
static int nest_main(const char *dir)
{
	char a[PATH_MAX], b[PATH_MAX], in[PATH_MAX];
	struct ocap_enter_report r;
	ocap_ns *wide, *two;

	ovt_inside = 1;
	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	snprintf(in, sizeof in, "%s/b/in", dir);
	CHECK(0, lib(ocap_ns_new(&wide)));
	CHECK(0, lib(ocap_ns_new(&two)));
	CHECK(0, lib(mount_dir(wide, b, OCAP_RIGHTS_RW, "/b")));
	CHECK(0, lib(mount_dir(wide, in, OCAP_RIGHTS_RO, "/in")));
	CHECK(EOPNOTSUPP, lib(ocap_enter(wide, OCAP_ENTER_STRICT, &r)));
	CHECKN(r.nunenforced, 1);
	CHECKN(r.entered, 0);
	for (size_t i = 0; i < r.nitems; i++)
		if (!r.items[i].enforced)
			CHECKS(r.items[i].how, "/in lies beneath /b on the host: "
					       "Landlock gives it the wider "
					       "rights too");
	CHECK(0, lib(mount_dir(two, a, OCAP_RIGHTS_RO, "/a")));
	CHECK(0, lib(mount_dir(two, b, OCAP_RIGHTS_RW, "/b")));
	CHECK(0, lib(ocap_enter(two, OCAP_ENTER_STRICT, &r)));
	if (r.nunenforced)
		ocap_enter_report_print(&r, stdout);
	CHECKS(read_all((int)lib(ocap_ns_open(two, "/a/f", O_RDONLY, 0))),
	       "a data");
	CHECK(0, write_file("/b/new", "b data"));
	CHECKS(read_all(open("/b/new", O_RDONLY | O_CLOEXEC)), "b data");
	CHECK(EACCES, open("/a/f", O_WRONLY | O_CLOEXEC));
	return ovt_end();
}

static bool landlock_on(void)
{
	long abi = RAW(SYS_landlock_create_ruleset, NULL, 0, 1UL);

	if (abi >= 1)
		return true;
	printf("SKIP: Landlock is not enabled in this kernel (%s): entering "
	       "cannot be tested\n", strerror(errno));
	return false;
}

int main(int argc, char **argv)
{
	int ports[2], failed = 0;

	if (argc == 2 && !strcmp(argv[1], "exit7"))
		return EXEC_STATUS;
	if (argc == 3 && !strcmp(argv[1], "nest"))
		return nest_main(argv[2]);
	if (!landlock_on())
		return 77;
	if (setup(argv[0]) < 0) {
		printf("not ok - setup: %s\n", strerror(errno));
		return 1;
	}
	if (listener(&ports[0]) < 0 || listener(&ports[1]) < 0) {
		printf("not ok - listeners on 127.0.0.1: %s\n", strerror(errno));
		return 1;
	}
	failed += run("paths, through the overlay", paths_child, NULL, 0);
	failed += run("paths, through libocap", libocap_child, NULL, 0);
	failed += run("file capabilities reopened", filecap_child, NULL, 0);
	failed += run("working directory, the kernel's", cwd_child, NULL, 0);
	failed += run("working directory, the namespace's", chdir_child,
		      NULL, 0);
	failed += test_classes();
	failed += run("threads", threads_child, NULL, 0);
	failed += run("network grant through the helper", net_child, ports, 0);
	failed += run("ocap_isolate", isolate_child, NULL, 0);
	nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	printf("%s\n", failed ? "FAILED" : "PASSED");
	return failed ? 1 : 0;
}
