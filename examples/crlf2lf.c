/* SPDX-License-Identifier: MIT */
/*
 * crlf2lf: copy the text files of one folder into another, turning each
 * CRLF line end into LF; written against plain POSIX.  Built with
 * ocap-cc it needs only the two folders, one read-only:
 *
 *	ocapsh --ro in --rw out -- crlf2lf in out
 *
 *	crlf2lf IN OUT [NAME...]
 *
 * Each regular file of IN (or each NAME, a path relative to IN) is
 * written to OUT under the same name; subdirectories and other special
 * files are skipped, a CR not followed by LF is kept, and the file mode
 * is not copied.  OUT is made when it does not exist.  One line per file
 * on standard output, "NAME: N line ends".  Exit status 0, 1 when a file
 * could not be converted (the others still are), 2 for usage.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, sorted, so that the output is the same everywhere. */
static char **list(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t cap = 0;

	if (!d)
		err(1, "%s", dir);
	*n = 0;
	while ((errno = 0, e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			char **nv = realloc(v, (cap = cap * 2 + 16) * sizeof *v);
			if (!nv)
				err(1, NULL);
			v = nv;
		}
		if (!(v[(*n)++] = strdup(e->d_name)))
			err(1, NULL);
	}
	if (errno)
		err(1, "%s", dir);
	closedir(d);
	qsort(v, *n, sizeof *v, cmp);
	return v;
}

/* Copy in to out, CRLF to LF; the number of line ends changed, or -1. */
static long convert(FILE *in, FILE *out)
{
	long n = 0;
	int c, next;

	while ((c = getc(in)) != EOF) {
		if (c == '\r') {
			if ((next = getc(in)) == '\n') {
				c = '\n';
				n++;
			} else if (next != EOF) {
				ungetc(next, in);
			}
		}
		if (putc(c, out) == EOF)
			return -1;
	}
	return ferror(in) ? -1 : n;
}

/* 0 when name was converted or skipped, -1 after a message. */
static int convert_one(const char *indir, const char *outdir,
		       const char *name)
{
	char src[PATH_MAX], dst[PATH_MAX];
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	struct stat st;
	FILE *in, *out;
	long n;

	if ((size_t)snprintf(src, sizeof src, "%s/%s", indir, name) >=
		    sizeof src ||
	    (size_t)snprintf(dst, sizeof dst, "%s/%s", outdir, base) >=
		    sizeof dst) {
		warnx("%s: name too long", name);
		return -1;
	}
	if (stat(src, &st)) {
		warn("%s", src);
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	if (!(in = fopen(src, "r"))) {
		warn("%s", src);
		return -1;
	}
	if (!(out = fopen(dst, "w"))) {
		warn("%s", dst);
		fclose(in);
		return -1;
	}
	n = convert(in, out);
	if (n < 0)
		warn("%s", ferror(in) ? src : dst);
	fclose(in);
	if (fclose(out) && n >= 0) {
		warn("%s", dst);
		n = -1;
	}
	if (n < 0)
		return -1;
	printf("%s: %ld line ends\n", name, n);
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	char **names;
	size_t n, i;
	int status = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: crlf2lf IN OUT [NAME...]\n");
		return 2;
	}
	/* Not mkdir() first: where OUT may not be created, an existing OUT
	 * could be EACCES rather than EEXIST. */
	if (stat(argv[2], &st) && (errno != ENOENT || mkdir(argv[2], 0777)))
		err(1, "%s", argv[2]);
	if (argc > 3) {
		names = argv + 3;
		n = (size_t)argc - 3;
	} else {
		names = list(argv[1], &n);
	}
	for (i = 0; i < n; i++)
		if (convert_one(argv[1], argv[2], names[i]))
			status = 1;
	return status;
}
