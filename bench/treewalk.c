/* SPDX-License-Identifier: MIT */
/*
 * treewalk: a path-heavy program, plain POSIX.  The same source is built
 * twice by run-files: with musl-gcc (every call is the system call) and
 * with ocap-cc (every call takes a global path the overlay resolves
 * through the capability table).
 *
 *	treewalk [-o all|stat|open|readdir] DIR
 *
 * One pass of "all" (the default) walks DIR recursively with opendir and
 * readdir, stat()s every entry by its full path ("DIR/d03/f0042") and
 * open()s, read()s to the end and close()s every regular file.  The other
 * passes do one of those operations alone, over the entries a first walk
 * (untimed) found: "stat" every entry, "open" every regular file (open,
 * read to the end, close), "readdir" every directory (opendir, readdir to
 * the end, closedir).
 *
 * A worker driven over stdin and stdout, like connect-loop.c: one untimed
 * pass (which also warms the caches), "ready", then for each line N it
 * reads, N timed passes and their median in nanoseconds.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define PASSES_MAX 1000

enum op { OP_ALL, OP_STAT, OP_OPEN, OP_READDIR };

/* The entries the first walk found, as full paths. */
struct list {
	char **path;
	size_t n, cap;
};

static struct list entries, files, dirs;
static char buf[65536];

static void add(struct list *l, const char *path)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->path = realloc(l->path, l->cap * sizeof *l->path);
		if (!l->path)
			err(1, "realloc");
	}
	if (!(l->path[l->n++] = strdup(path)))
		err(1, "strdup");
}

static void read_file(const char *path)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		err(1, "open %s", path);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		;
	if (n < 0)
		err(1, "read %s", path);
	close(fd);
}

static void list_dir(const char *path)
{
	DIR *d = opendir(path);

	if (!d)
		err(1, "opendir %s", path);
	errno = 0;
	while (readdir(d))
		;
	if (errno)
		err(1, "readdir %s", path);
	closedir(d);
}

/* One recursive pass of "all"; the first one (record) fills the lists. */
static void walk(const char *dir, bool record)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		err(1, "opendir %s", dir);
	if (record)
		add(&dirs, dir);
	while ((errno = 0, e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
		    (int)sizeof path)
			errx(1, "%s/%s: path too long", dir, e->d_name);
		if (stat(path, &st) < 0)
			err(1, "stat %s", path);
		if (record)
			add(&entries, path);
		if (S_ISDIR(st.st_mode)) {
			walk(path, record);
		} else if (S_ISREG(st.st_mode)) {
			if (record)
				add(&files, path);
			read_file(path);
		}
	}
	if (errno)
		err(1, "readdir %s", dir);
	closedir(d);
}

static void pass(enum op op, const char *top)
{
	struct stat st;

	switch (op) {
	case OP_ALL:
		walk(top, false);
		break;
	case OP_STAT:
		for (size_t i = 0; i < entries.n; i++)
			if (stat(entries.path[i], &st) < 0)
				err(1, "stat %s", entries.path[i]);
		break;
	case OP_OPEN:
		for (size_t i = 0; i < files.n; i++)
			read_file(files.path[i]);
		break;
	case OP_READDIR:
		for (size_t i = 0; i < dirs.n; i++)
			list_dir(dirs.path[i]);
		break;
	}
}

struct job {
	enum op op;
	const char *dir;
};

static double timed(void *arg)
{
	const struct job *j = arg;

	pass(j->op, j->dir);
	return 1;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "all", "stat", "open",
					     "readdir" };
	static double t[PASSES_MAX];
	enum op op = OP_ALL;
	int c;

	while ((c = getopt(argc, argv, "o:")) != -1) {
		size_t i = 0;

		if (c != 'o')
			goto usage;
		while (i < 4 && strcmp(optarg, names[i]))
			i++;
		if (i == 4)
			goto usage;
		op = (enum op)i;
	}
	if (argc - optind != 1)
		goto usage;
	walk(argv[optind], true);
	if (!files.n)
		errx(1, "%s: no regular file beneath", argv[optind]);
	worker_serve(timed, &(struct job){ op, argv[optind] }, t, PASSES_MAX);
	return 0;
usage:
	errx(2, "usage: treewalk [-o all|stat|open|readdir] DIR");
}
