/* SPDX-License-Identifier: MIT */
/*
 * gen-seccomp (launcher/linux/gen-seccomp.c), the build-time tool that
 * writes the prebuilt BPF programs, run here as the build runs it.  Its
 * command line and failures (exit 2 for usage, 1 for a file it cannot
 * write); an output replaced whole, never rewritten in place; and what
 * it writes, read back from the C text: each mode's program and the
 * broker's are, instruction for instruction, what the tables compile to
 * now and what the library was built with, each comment counts the
 * syscalls its table lets through, and the dispatch names each mode's
 * own program; so are ocap_enter()'s classes, one program each.  Loaded
 * in a forked child, each program read back lets through the calls its
 * table holds and refuses the others with EPERM.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <ocap/enter.h>

#include "child.h"
#include "classes.h"
#include "sandbox.h"
#include "support.h"

#ifndef OCAP_GEN_SECCOMP
#error "OCAP_GEN_SECCOMP names the gen-seccomp executable"
#endif

/* Run gen-seccomp with args (NULL-terminated, after argv[0]): its wait
 * status, and what it wrote to stderr in err. */
static int gen(const char *const args[], char *err, size_t size)
{
	char *argv[8] = { "gen-seccomp" };
	int p[2], st;
	size_t got = 0;
	ssize_t k;
	pid_t pid;

	for (size_t i = 0; args[i]; i++)
		argv[i + 1] = (char *)args[i];
	assert_ret(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], STDERR_FILENO);
		execv(OCAP_GEN_SECCOMP, argv);
		_exit(127);
	}
	close(p[1]);
	while (got + 1 < size && (k = read(p[0], err + got, size - got - 1)) > 0)
		got += (size_t)k;
	err[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void expect_exit(int st, int code, const char *err, const char *says)
{
	if (!WIFEXITED(st) || WEXITSTATUS(st) != code)
		fail_msg("wait status %#x, expected exit %d; stderr: %s", st,
			 code, err);
	if (says && !strstr(err, says))
		fail_msg("stderr \"%s\" does not say \"%s\"", err, says);
}

static void test_usage(void **state)
{
	char err[8192], name[4100];

	(void)state;
	expect_exit(gen((const char *const[]){ NULL }, err, sizeof err), 2,
		    err, "usage: gen-seccomp OUTPUT.c");
	expect_exit(gen((const char *const[]){ "a.c", "b.c", NULL }, err,
			sizeof err),
		    2, err, "usage: gen-seccomp OUTPUT.c");
	/* NAME.PID.tmp would not fit in a path. */
	memset(name, 'a', 4092);
	name[4092] = '\0';
	expect_exit(gen((const char *const[]){ name, NULL }, err, sizeof err),
		    2, err, "name too long");
}

/* The names in dir but . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* A file it cannot write: exit 1, naming it; nothing left behind. */
static void test_cannot_write(void **state)
{
	struct tmpdir *td = *state;
	char out[PATH_MAX], tmp[PATH_MAX + 8], err[PATH_MAX + 256];

	tree_join(out, sizeof out, td->path, "missing/out.c");
	snprintf(tmp, sizeof tmp, "%s.", out); /* OUT.PID.tmp */
	expect_exit(gen((const char *const[]){ out, NULL }, err, sizeof err),
		    1, err, tmp);
	assert_non_null(strstr(err, ".tmp: "));
	assert_non_null(strstr(err, strerror(ENOENT)));
	/* The name is a directory: the output cannot take its place, and
	 * the file written first is removed. */
	assert_ret(tree_mkdir(td->path, "dir.c"), 0);
	tree_join(out, sizeof out, td->path, "dir.c");
	expect_exit(gen((const char *const[]){ out, NULL }, err, sizeof err),
		    1, err, out);
	assert_non_null(strstr(err, strerror(EISDIR)));
	assert_int_equal(entries(td->path), 1); /* dir.c alone */
}

static char *read_text(const char *path)
{
	struct stat st;
	char *text;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_ret(fstat(fd, &st), 0);
	text = malloc((size_t)st.st_size + 1);
	assert_non_null(text);
	assert_int_equal(read(fd, text, (size_t)st.st_size), st.st_size);
	text[st.st_size] = '\0';
	close(fd);
	return text;
}

struct prog {
	struct sock_filter *f;
	size_t len;
	int count; /* from the comment before it; -1 when none */
};

/* The array prog_NAME in text, each instruction as written. */
static void parse_prog(const char *text, const char *name, struct prog *p)
{
	char head[96], comment[96];
	const char *s, *c;
	size_t declared;

	snprintf(head, sizeof head, "static const struct sock_filter prog_%s[",
		 name);
	s = strstr(text, head);
	if (!s) {
		fail_msg("no array prog_%s", name);
		NOT_REACHED
	}
	s += strlen(head);
	if (sscanf(s, "%zu] = {\n", &declared) != 1 || declared == 0) {
		fail_msg("prog_%s: no length", name);
		NOT_REACHED
	}
	p->f = calloc(declared, sizeof *p->f);
	assert_non_null(p->f);
	s = strchr(s, '\n') + 1;
	for (p->len = 0; strncmp(s, "};", 2); p->len++) {
		unsigned code, jt, jf, k;
		int used = 0;

		assert_true(p->len < declared);
		if (sscanf(s, "\t{ 0x%x, %u, %u, 0x%x },%n", &code, &jt, &jf,
			   &k, &used) != 4 || !used || s[used] != '\n')
			fail_msg("prog_%s[%zu]: \"%.40s\"", name, p->len, s);
		assert_true(code <= 0xffff && jt <= 0xff && jf <= 0xff);
		p->f[p->len] = (struct sock_filter){ (__u16)code, (__u8)jt,
						     (__u8)jf, k };
		s += used + 1;
	}
	assert_int_equal(p->len, declared);
	/* The comment just before the array. */
	snprintf(comment, sizeof comment, "/* %s: ", name);
	p->count = -1;
	c = strstr(text, comment);
	if (c && c < s && sscanf(c + strlen(comment),
				 "%d syscalls reach the kernel. */",
				 &p->count) != 1)
		p->count = -1;
}

static void expect_same(const char *name, const struct prog *p,
			const struct sock_filter *f, size_t len,
			const char *what)
{
	if (p->len != len)
		fail_msg("prog_%s: %zu instructions, %s %zu", name, p->len,
			 what, len);
	for (size_t i = 0; i < len; i++)
		if (memcmp(&p->f[i], &f[i], sizeof f[i]))
			fail_msg("prog_%s[%zu] differs from %s", name, i, what);
}

/* Run it into td/out.c, over an older out.c: the text. */
static char *generate(const struct tmpdir *td)
{
	char out[PATH_MAX], err[512], old[8];
	char *text;
	int fd;

	assert_ret(tree_write(td->path, "out.c", "old\n"), 0);
	tree_join(out, sizeof out, td->path, "out.c");
	fd = open(out, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	expect_exit(gen((const char *const[]){ out, NULL }, err, sizeof err),
		    0, err, NULL);
	assert_string_equal(err, "");
	/* Replaced, not rewritten: the old file is whole, and nothing but
	 * the output is left in the directory. */
	assert_int_equal(pread(fd, old, sizeof old, 0), 4);
	assert_memory_equal(old, "old\n", 4);
	assert_false(fd_same_file(fd, out));
	close(fd);
	tree_join(out, sizeof out, td->path, "out.c.tmp");
	assert_int_equal(access(out, F_OK), -1);
	tree_join(out, sizeof out, td->path, "out.c");
	text = read_text(out);
	assert_non_null(strstr(text, "/* Generated by gen-seccomp: do not "
				     "edit. */"));
	assert_non_null(strstr(text, "#include \"sandbox.h\""));
	return text;
}

static void test_programs(void **state)
{
	char *text = generate(*state), sw[128];
	struct sock_filter *now;
	const struct sock_filter *pre;
	size_t nnow, npre;
	struct prog p;

	for (int m = 0; m < OCAP_SC_NMODES; m++) {
		const char *name = ocap__seccomp_mode_name(m);

		parse_prog(text, name, &p);
		assert_ret(ocap__seccomp_compile(m, NULL, 0, &now, &nnow), 0);
		expect_same(name, &p, now, nnow, "the table compiled now");
		assert_ret(ocap__seccomp_prebuilt(m, &pre, &npre), 0);
		expect_same(name, &p, pre, npre, "the library's prebuilt one");
		assert_int_equal(p.count, ocap__seccomp_count(m));
		/* The dispatch gives mode m its own program. */
		snprintf(sw, sizeof sw, "\tcase %d:\n\t\t*prog = prog_%s;\n",
			 m, name);
		assert_non_null(strstr(text, sw));
		free(now);
		free(p.f);
	}
	assert_non_null(strstr(text, "\tdefault:\n\t\treturn -EINVAL;\n"));
	assert_null(strstr(text, "prog_?"));

	parse_prog(text, "broker", &p);
	assert_ret(ocap__seccomp_broker_compile(&now, &nnow), 0);
	expect_same("broker", &p, now, nnow, "the table compiled now");
	ocap__seccomp_broker_prebuilt(&pre, &npre);
	expect_same("broker", &p, pre, npre, "the library's prebuilt one");
	assert_non_null(strstr(text, "*prog = prog_broker;"));
	free(now);
	free(p.f);
	free(text);
}

/* ocap_enter()'s classes, one program each, and the counts entering
 * reports without libseccomp's table. */
static void test_classes(void **state)
{
	static const struct {
		unsigned flag;
		const char *name;
	} classes[] = {
		{ OCAP_ENTER_NO_EXEC, "class_exec" },
		{ OCAP_ENTER_NO_FORK, "class_fork" },
		{ OCAP_ENTER_NO_NET, "class_net" },
		{ OCAP_ENTER_NO_CREATE, "class_create" },
	};
	char *text = generate(*state), sw[128];
	struct sock_filter *now;
	const struct sock_filter *pre;
	size_t nnow, npre;
	struct prog p;

	for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
		parse_prog(text, classes[i].name, &p);
		assert_ret(ocap__enter_classes_compile(classes[i].flag, &now,
						       &nnow), 0);
		expect_same(classes[i].name, &p, now, nnow,
			    "the class compiled now");
		assert_ret(ocap__enter_class_prebuilt(classes[i].flag, &pre,
						      &npre), 0);
		expect_same(classes[i].name, &p, pre, npre,
			    "the library's prebuilt one");
		snprintf(sw, sizeof sw, "\tcase %u:\n\t\t*prog = prog_%s;\n",
			 classes[i].flag, classes[i].name);
		assert_non_null(strstr(text, sw));
		free(now);
		free(p.f);
	}
	assert_ret(ocap__enter_class_prebuilt(OCAP_ENTER_NO_EXEC |
					      OCAP_ENTER_NO_FORK, &pre, &npre),
		   -EINVAL);
	assert_ret(ocap__enter_class_prebuilt(OCAP_ENTER_STRICT, &pre, &npre),
		   -EINVAL);
	for (int m = 0; m < OCAP_SC_NMODES; m++)
		assert_int_equal(ocap__seccomp_prebuilt_count(m),
				 ocap__seccomp_count(m));
	assert_ret(ocap__seccomp_prebuilt_count(OCAP_SC_NMODES), -EINVAL);
	free(text);
}

/* Calls whose arguments make them harmless, and which the kernel never
 * answers EPERM with these arguments: an EPERM is the program's. */
static const struct probe {
	const char *name;
	long a[6];
} probes[] = {
	{ "getpid", { 0 } },
	{ "getppid", { 0 } },
	{ "gettid", { 0 } },
	{ "getuid", { 0 } },
	{ "getegid", { 0 } },
	{ "sched_yield", { 0 } },
	{ "uname", { 0 } },                  /* EFAULT */
	{ "sysinfo", { 0 } },                /* EFAULT */
	{ "times", { 0 } },
	{ "getrusage", { 0, 0 } },           /* EFAULT */
	{ "personality", { 0xffffffffL } },  /* asks, changes nothing */
	{ "membarrier", { 0, 0, 0 } },       /* MEMBARRIER_CMD_QUERY */
	{ "getcpu", { 0, 0, 0 } },
	{ "getpriority", { 99, 0 } },        /* EINVAL */
	{ "ioprio_get", { 99, 0 } },         /* EINVAL */
	{ "fsync", { -1 } },                 /* EBADF */
	{ "dup", { -1 } },                   /* EBADF */
	{ "lseek", { -1, 0, 0 } },           /* EBADF */
	{ "flock", { -1, 0 } },              /* EBADF */
	{ "setns", { -1, 0 } },              /* EBADF */
	{ "timerfd_gettime", { -1, 0 } },    /* EBADF */
	{ "close_range", { 2, 1, 0 } },      /* EINVAL */
	{ "epoll_create1", { -1 } },         /* EINVAL */
	{ "inotify_init1", { -1 } },         /* EINVAL */
	{ "pidfd_open", { 0, -1 } },         /* EINVAL */
	{ "unshare", { -1 } },               /* EINVAL */
	{ "umount2", { 0, -1 } },            /* EINVAL */
	{ "open_tree", { -1, 0, -1 } },      /* EINVAL */
	{ "pkey_alloc", { -1, 0 } },         /* EINVAL */
	{ "keyctl", { 0x7fffffff } },        /* EOPNOTSUPP */
	{ "chroot", { 0 } },                 /* EFAULT */
	{ "memfd_create", { 0, 0 } },        /* EFAULT */
	{ "capget", { 0, 0 } },              /* EFAULT */
	{ "kcmp", { 0, 0, 99, 0, 0 } },      /* ESRCH */
	{ "ptrace", { 0x7fffffff, 0 } },     /* ESRCH */
	{ "kill", { 0x7ffffffe, 0 } },       /* ESRCH */
	{ "getsid", { 0x7ffffffe } },        /* ESRCH */
};

#define NPROBES (sizeof probes / sizeof *probes)

struct loaded {
	const struct prog *p;
	int out;
};

/* Load the program, try each probe, write each answer (0 or -errno;
 * 1 for a probe this architecture lacks). */
static int load_child(void *arg)
{
	const struct loaded *l = arg;
	struct sock_fprog fp = { (unsigned short)l->p->len, l->p->f };
	long got[NPROBES];

	for (size_t i = 0; i < NPROBES; i++) /* before: libseccomp's calls */
		got[i] = ocap__seccomp_resolve(probes[i].name);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
		return errno;
	for (size_t i = 0; i < NPROBES; i++) {
		const long *a = probes[i].a;
		long nr = got[i];

		got[i] = nr < 0 ? 1
			 : ret_errno(syscall(nr, a[0], a[1], a[2], a[3], a[4],
					     a[5]));
		if (got[i] > 0)
			got[i] = 0;
	}
	return write(l->out, got, sizeof got) == (ssize_t)sizeof got ? 0 : 1;
}

static void load(const struct prog *p, long got[NPROBES])
{
	struct loaded l = { p, -1 };
	char why[64];
	int fds[2], st;

	assert_ret(pipe2(fds, O_CLOEXEC), 0);
	l.out = fds[1];
	st = run_child(load_child, &l);
	close(fds[1]);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the child: %s", status_str(st, why, sizeof why));
	assert_int_equal(read(fds[0], got, NPROBES * sizeof *got),
			 NPROBES * sizeof *got);
	close(fds[0]);
}

static size_t probe_index(const char *name)
{
	for (size_t i = 0; i < NPROBES; i++)
		if (!strcmp(probes[i].name, name))
			return i;
	fail_msg("no probe %s", name);
	NOT_REACHED
	return 0;
}

/* Whether name is in mode's table: 1 unconditionally, 0 not at all,
 * -1 with a restriction on its arguments. */
static int in_table(int mode, const char *name)
{
	const char *n, *note;

	for (size_t i = 0; (n = ocap__seccomp_name(mode, i, &note)); i++)
		if (!strcmp(n, name))
			return *note ? -1 : 1;
	return 0;
}

static void test_loaded(void **state)
{
	char *text = generate(*state);
	long got[NPROBES];
	struct prog p;

	for (int m = 0; m < OCAP_SC_NMODES; m++) {
		const char *name = ocap__seccomp_mode_name(m);
		int allowed = 0, refused = 0;

		parse_prog(text, name, &p);
		load(&p, got);
		for (size_t i = 0; i < NPROBES; i++) {
			int t = in_table(m, probes[i].name);

			if (got[i] == 1 || t < 0)
				continue;
			if (t && (got[i] == -EPERM || got[i] == -ENOSYS))
				fail_msg("%s: %s is in the table, refused "
					 "with %s", name, probes[i].name,
					 errname((int)-got[i]));
			if (!t && got[i] != -EPERM)
				fail_msg("%s: %s is not in the table, "
					 "answered %s", name, probes[i].name,
					 ret_name(got[i]));
			allowed += t;
			refused += !t;
		}
		print_message("%s: %d probes let through, %d refused\n", name,
			      allowed, refused);
		/* Both answers were seen, or the probes prove nothing. */
		assert_true(allowed >= 3);
		assert_true(refused >= 3);
		free(p.f);
	}
	free(text);
}

/* The broker's, against its table in broker_sc.c: identity, uname and
 * getrusage are the broker's; namespaces, keys, ptrace, kcmp are not. */
static void test_loaded_broker(void **state)
{
	static const struct {
		const char *name;
		bool allowed;
	} want[] = {
		{ "getpid", true },    { "gettid", true },
		{ "uname", true },     { "getrusage", true },
		{ "fsync", true },     { "dup", true },
		{ "unshare", false },  { "setns", false },
		{ "keyctl", false },   { "ptrace", false },
		{ "kcmp", false },     { "chroot", false },
		{ "memfd_create", false },
	};
	char *text = generate(*state);
	long got[NPROBES];
	struct prog p;

	parse_prog(text, "broker", &p);
	load(&p, got);
	for (size_t w = 0; w < sizeof want / sizeof *want; w++) {
		size_t i = probe_index(want[w].name);

		if (got[i] == 1)
			continue;
		if (want[w].allowed ? got[i] == -EPERM : got[i] != -EPERM)
			fail_msg("broker: %s answered %s", want[w].name,
				 ret_name(got[i]));
	}
	free(p.f);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage),
		cmocka_unit_test_setup_teardown(test_cannot_write,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_programs, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_classes, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_loaded, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_loaded_broker,
						tmpdir_setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
