/* SPDX-License-Identifier: MIT */
/*
 * The supervisor (launcher/broker/supervise.c), live: the client runs
 * under the supervised compat seccomp program and its metadata calls come
 * to the broker, which reads their arguments from the client's memory,
 * resolves what they name beneath a grant's descriptor and takes the
 * client's descriptors with pidfd_getfd.  chmod is the probe throughout
 * (test_meta.c has the calls themselves): what the resolver lets through
 * is changed, what it refuses keeps its mode.  world.c sets up the broker
 * process, its client and the aside tree (ro/ read-only, rw/ and the file
 * rwf read-write, out/ not granted).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "world.h"

#define CALL(x) ret_errno((long)(x))

/* chmod path to mode: its answer, and the mode it leaves (or had). */
static void chmod_is(const char *path, int mode, int want)
{
	int was = mode_of(path);

	child_check(CALL(chmod(path, (mode_t)mode)), want);
	child_check(mode_of(path), want == 0 ? mode : was);
}

/* "../ASIDE/rel": rel in the aside tree, from td (both are in /tmp). */
static char *up(char *out, const struct world *w, const char *rel)
{
	char name[PATH_MAX];

	child_check(tree_join(name, sizeof name,
			      strrchr(w->aside.path, '/') + 1, rel), 0);
	return join(out, "..", name);
}

/* ---- names: symbolic links, "..", trailing slashes ------------------------ */

static int sc_links(struct world *w)
{
	char p[PATH_MAX], t[PATH_MAX], rel[PATH_MAX];

	/* a link inside its grant, to a file inside it */
	child_check(symlink(join(t, w->td.path, "hello"),
			    join(p, w->td.path, "in")), 0);
	chmod_is(p, 0600, 0);
	child_check(mode_of(t), 0600);
	/* out of every write grant: to a read-only grant, to none */
	child_check(symlink(join(t, w->ro, "f"), join(p, w->td.path, "to-ro")),
		    0);
	chmod_is(p, 0600, -EACCES);
	child_check(symlink(join(t, w->out, "f"),
			    join(p, w->td.path, "to-out")), 0);
	chmod_is(p, 0600, -EACCES);
	/* out of its grant into another write grant: judged where it
	 * leads, a directory's or a file granted alone */
	child_check(symlink(join(t, w->rw, "f"), join(p, w->td.path, "hop")),
		    0);
	chmod_is(p, 0600, 0);
	child_check(mode_of(t), 0600);
	child_check(symlink(w->rwf, join(p, w->td.path, "to-rwf")), 0);
	chmod_is(p, 0640, 0);
	child_check(mode_of(w->rwf), 0640);
	/* relative, climbing out of the grant */
	child_check(symlink(up(rel, w, "out/f"), join(p, w->td.path, "up-out")),
		    0);
	chmod_is(p, 0600, -EACCES);
	child_check(symlink(up(rel, w, "rw/f"), join(p, w->td.path, "up-rw")),
		    0);
	chmod_is(p, 0606, 0);
	/* links that never end: in one grant, and from grant to grant */
	child_check(symlink(join(t, w->td.path, "loop"),
			    join(p, w->td.path, "loop")), 0);
	child_check(CALL(chmod(p, 0600)), -ELOOP);
	child_check(symlink(join(t, w->rw, "pong"), join(p, w->td.path, "ping")),
		    0);
	child_check(symlink(join(t, w->td.path, "ping"), join(p, w->rw, "pong")),
		    0);
	child_check(CALL(chmod(p, 0600)), -ELOOP);
	return 0;
}

static int sc_names(struct world *w)
{
	char p[PATH_MAX], hello[PATH_MAX], rel[PATH_MAX];

	join(hello, w->td.path, "hello");
	/* ".." out of a grant lands where it lands */
	up(rel, w, "out/f");
	chmod_is(join(p, w->td.path, rel), 0600, -EACCES);
	up(rel, w, "rw/f");
	chmod_is(join(p, w->td.path, rel), 0600, 0);
	/* a file granted alone: that file, not its neighbour */
	chmod_is(w->rwf, 0600, 0);
	child_check(close(open(join(p, w->aside.path, "sib"),
			       O_WRONLY | O_CREAT | O_CLOEXEC, 0644)), 0);
	chmod_is(p, 0600, -EACCES);
	/* the directory itself, and what is not there */
	chmod_is(w->td.path, 0750, 0);
	chmod_is(w->out, 0750, -EACCES);
	child_check(CALL(chmod(join(p, w->td.path, "missing"), 0600)), -ENOENT);
	child_check(CALL(chmod(join(p, w->td.path, "hello/"), 0600)),
		    -ENOTDIR);
	child_check(CALL(chmod(join(p, w->out, "missing"), 0600)), -EACCES);
	/* relative to the working directory, and to a descriptor */
	child_check(chdir(w->td.path), 0);
	child_check(CALL(chmod("hello", 0604)), 0);
	child_check(mode_of(hello), 0604);
	child_check(chdir(w->out), 0);
	child_check(CALL(chmod("f", 0600)), -EACCES);
	child_check(CALL(fchmodat(open(w->rw, O_RDONLY | O_CLOEXEC), "f",
				  0604, 0)), 0);
	child_check(mode_of(join(p, w->rw, "f")), 0604);
	child_check(CALL(fchmodat(open(w->out, O_RDONLY | O_CLOEXEC), "f",
				  0604, 0)), -EACCES);
	child_check(CALL(fchmodat(900, "f", 0604, 0)), -EBADF);
	return 0;
}

/* ---- descriptors ------------------------------------------------------------ */

static int sc_fds(struct world *w)
{
	char out[PATH_MAX], p[PATH_MAX], proc[64];
	int wr, rd, gone;

	join(out, w->out, "f");
	/* outside the grants: a file open for writing is enough */
	wr = open(out, O_WRONLY | O_CLOEXEC);
	child_check(CALL(fchmod(wr, 0600)), 0);
	child_check(mode_of(out), 0600);
	rd = open(out, O_RDONLY | O_CLOEXEC);
	child_check(CALL(fchmod(rd, 0644)), -EACCES);
	child_check(mode_of(out), 0600);
	/* /proc/self/fd/N names the program's descriptor N */
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", wr);
	child_check(CALL(chmod(proc, 0640)), 0);
	child_check(mode_of(out), 0640);
	snprintf(proc, sizeof proc, "/proc/thread-self/fd/%d", rd);
	child_check(CALL(chmod(proc, 0600)), -EACCES);
	/* one open for writing and unlinked since */
	gone = open(join(p, w->out, "gone"), O_WRONLY | O_CREAT | O_CLOEXEC,
		    0644);
	child_check(unlink(p), 0);
	child_check(CALL(fchmod(gone, 0600)), 0);
	child_check(CALL(fchmod(900, 0600)), -EBADF);
	close(wr);
	close(rd);
	close(gone);
	return 0;
}

/* ---- the program's memory ------------------------------------------------ */

static int sc_memory(struct world *w)
{
	char hello[PATH_MAX];
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *end;
	size_t n;

	child_check(m != MAP_FAILED, 1);
	child_check(CALL(chmod((const char *)8, 0600)), -EFAULT);
	/* a name that ends just before a page that is not mapped */
	join(hello, w->td.path, "hello");
	n = strlen(hello) + 1;
	child_check(munmap(m + page, page), 0);
	end = m + page - n;
	memcpy(end, hello, n);
	child_check(CALL(chmod(end, 0600)), 0);
	child_check(mode_of(hello), 0600);
	/* and one that runs into it with no end */
	memset(m, 'a', page);
	child_check(CALL(chmod(m + 100, 0600)), -EFAULT);
	/* longer than any path */
	child_check(munmap(m, page), 0);
	m = mmap(NULL, (size_t)2 * PATH_MAX, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	child_check(m != MAP_FAILED, 1);
	memset(m, 'a', (size_t)2 * PATH_MAX);
	child_check(CALL(chmod(m, 0600)), -ENAMETOOLONG);
	munmap(m, (size_t)2 * PATH_MAX);
	return 0;
}

/* ---- threads ------------------------------------------------------------------ */

struct thread_arg {
	const char *path;
	int fd;
	long r[2];
};

static void *thread_main(void *arg)
{
	struct thread_arg *a = arg;

	a->r[0] = CALL(chmod(a->path, 0600));
	a->r[1] = CALL(fchmod(a->fd, 0640));
	return NULL;
}

/* A thread's call names the thread: its memory, its process's
 * descriptors. */
static int sc_thread(struct world *w)
{
	char hello[PATH_MAX];
	struct thread_arg a = { hello, -1, { 1, 1 } };
	pthread_t t;

	join(hello, w->td.path, "hello");
	a.fd = open(hello, O_RDONLY | O_CLOEXEC);
	child_check(pthread_create(&t, NULL, thread_main, &a), 0);
	child_check(pthread_join(t, NULL), 0);
	child_check(a.r[0], 0);
	child_check(a.r[1], 0);
	child_check(mode_of(hello), 0640);
	close(a.fd);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE("test_links", sc_links, W_SUPER, 0),
		CASE("test_names", sc_names, W_SUPER, 0),
		CASE("test_fds", sc_fds, W_SUPER, 0),
		CASE("test_memory", sc_memory, W_SUPER, 0),
		CASE("test_thread", sc_thread, W_SUPER, 0),
	};

	return world_main("supervise", tests, sizeof tests / sizeof *tests);
}
