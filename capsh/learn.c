/* SPDX-License-Identifier: MIT */
/*
 * --learn FILE: the grants one run was refused for want of (--suggest's
 * lines), written as a grants file.  A new FILE is created; an existing
 * one is never overwritten: what it lacks goes to FILE.new, its copy with
 * the new lines added, for the user to compare and take.  A secret the
 * runtime leaves out on purpose is written commented out, and so is a
 * line whose grant cannot be told from its note for sure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "learn.h"

#define SECRET "secret: think twice"

/* "--ro /etc/x  (read by cat)" -> grant "--ro /etc/x", why "read by cat" */
static void split(const char *line, char *grant, size_t gsize, char *why,
		  size_t wsize)
{
	const char *note = strstr(line, "  (");
	size_t n = note ? (size_t)(note - line) : strlen(line);

	snprintf(grant, gsize, "%.*s", (int)n, line);
	why[0] = '\0';
	if (note) {
		snprintf(why, wsize, "%s", note + 3);
		if (*why && why[strlen(why) - 1] == ')')
			why[strlen(why) - 1] = '\0';
	}
}

/* Whether FILE (its text, or NULL) already has line as a whole line. */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *t = text; t && *t;) {
		const char *nl = strchr(t, '\n');
		size_t len = nl ? (size_t)(nl - t) : strlen(t);
		if (len == n && !strncmp(t, line, n))
			return 1;
		t = nl ? nl + 1 : t + len;
	}
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t size = 0;

	if (!f)
		return NULL;
	if (getdelim(&text, &size, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	return text;
}

/* The learned lines not already in old (NULL: none), as grants-file text;
 * *n counts the grants. */
static char *learned(const ocap_plan *p, const char *old, size_t *n)
{
	char *out = NULL, grant[1024], why[512], row[1600];
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	const char *line;

	*n = 0;
	if (!f)
		return NULL;
	for (size_t i = 0; (line = ocap_plan_suggestion(p, i)); i++) {
		const char *note = strstr(line, "  (");
		/* the broker notes no name holding "  (" (suggest.c); a
		 * line with two may cut a name short: a wider grant */
		int unsure = note && strstr(note + 3, "  (") != NULL;
		int off = unsure || strstr(line, SECRET) != NULL;

		split(line, grant, sizeof grant, why, sizeof why);
		snprintf(row, sizeof row, "%s%s", off ? "# " : "", grant);
		if (has_line(old, row))
			continue;
		fprintf(f, "# %s%s\n%s\n", why,
			unsure ? "; not learnable: its name is unclear" : "", row);
		*n += !off;
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static int write_all(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t w = write(fd, s, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Create path (never over an existing file) from the NULL-ended parts. */
static int create(const char *path, const char *const *parts)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int r = 0;

	if (fd < 0)
		return -errno;
	for (; *parts && !r; parts++)
		if (write_all(fd, *parts) < 0)
			r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (r)
		unlink(path);
	return r;
}

int ocapsh_learn_check(const char *file, char *msg, size_t size)
{
	char dir[4096], *slash;
	struct stat st;

	if (!*file) {
		snprintf(msg, size, "--learn: an empty file name");
		return -EINVAL;
	}
	if (stat(file, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(msg, size, "--learn: %s: not a regular file", file);
		return -EINVAL;
	}
	snprintf(dir, sizeof dir, "%s", file);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (access(slash ? dir : ".", W_OK) < 0) {
		snprintf(msg, size, "--learn: %s: %s", slash ? dir : ".",
			 strerror(errno));
		return -errno;
	}
	return 0;
}

int ocapsh_learn(const ocap_plan *p, const char *file, char *const *prog,
		 char *msg, size_t size)
{
	char *old = slurp(file), *body, head[1024], next[4096];
	size_t n;
	int r = 0;

	if (!(body = learned(p, old, &n))) {
		free(old);
		snprintf(msg, size, "learn: out of memory");
		return -ENOMEM;
	}
	if (!*body) {
		snprintf(msg, size, "learn: nothing new for %s", file);
	} else if (!old) {
		snprintf(head, sizeof head,
			 "# Grants learned by ocapsh --learn from a run of %s.\n"
			 "# Review each before use; a grant commented out is "
			 "a secret.\n", prog[0]);
		r = create(file, (const char *const[]){ head, body, NULL });
		if (r)
			snprintf(msg, size, "learn: %s: %s", file, strerror(-r));
		else
			snprintf(msg, size, "learn: %zu grant%s written to %s",
				 n, n == 1 ? "" : "s", file);
	} else {
		snprintf(next, sizeof next, "%s.new", file);
		snprintf(head, sizeof head, "%s# Learned from a run of %s:\n",
			 *old && old[strlen(old) - 1] != '\n' ? "\n" : "",
			 prog[0]);
		unlink(next);
		r = create(next, (const char *const[]){ old, head, body, NULL });
		if (r)
			snprintf(msg, size, "learn: %s: %s", next, strerror(-r));
		else
			snprintf(msg, size, "learn: %zu new grant%s: compare "
				 "with diff -u %s %s, then mv %s %s", n,
				 n == 1 ? "" : "s", file, next, next, file);
	}
	free(old);
	free(body);
	return r;
}
