/* SPDX-License-Identifier: MIT */
/*
 * The plan a command runs with: the shell-wide grants, then what its
 * own words designate (designation is authorization, as in Plash), then
 * the program.  Nothing is opened or created here; ocap_launch() does
 * that.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shell_exec.h"


static bool beneath_or_at(const char *dir, const char *path)
{
	size_t len = strlen(dir);

	if (!strcmp(dir, path))
		return true;
	if (len == 1)
		return path[0] == '/';
	return !strncmp(dir, path, len) && path[len] == '/';
}

/* A path made absolute and lexically clean, without a trailing slash. */
static int abs_path(const char *cwd, const char *path, char *out, size_t size)
{
	int n = ocap_path_normalize(cwd, path, out, size);

	if (n < 0)
		return n;
	if (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	return n;
}

/* Where abs really is: symbolic links resolved, for a path that does
 * not exist yet in its directory.  Landlock's rules apply along the
 * real tree, so that is where one grant encloses another. */
static void real_path(const char *abs, char *out)
{
	char dir[OCAP_NAME_MAX + 1], *slash;

	if (realpath(abs, out))
		return;
	snprintf(dir, sizeof dir, "%s", abs);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (realpath(dir, out) &&
		    strlen(out) + strlen(slash + 1) + 2 <= PATH_MAX) {
			strcat(out, "/");
			strcat(out, slash + 1);
			return;
		}
	}
	snprintf(out, PATH_MAX, "%s", abs);
}

/* The path and rights of a shell-wide path grant, or -1. */
static int grant_rights(const char *opt, const char *val, char *path,
			size_t size, ocap_rights_t *rights)
{
	char tmp[OCAP_NAME_MAX + 1];
	size_t start, len;

	if (!val || ocap_option_path(opt, val, &start, &len, rights) <= 0 ||
	    !*rights || len >= sizeof tmp)
		return -1;
	memcpy(tmp, val + start, len);
	tmp[len] = '\0';
	return abs_path("/", tmp, path, size) < 0 ? -1 : 0;
}

/* What an argument designates: the path (and where it really is), and
 * read (it exists) or write (it is marked: read too if it exists, else a
 * new file).  No path: it designates nothing. */
struct desig {
	char *path, *real;
	ocap_rights_t rights;
};

static int designate(const struct sh_state *st, const char *arg,
		     bool writable, struct desig *d)
{
	char path[OCAP_NAME_MAX + 1];
	struct stat sb;

	if (!arg[0] || abs_path(st->cwd, arg, path, sizeof path) < 0)
		return 0;
	if (stat(path, &sb) == 0)
		d->rights = writable ? OCAP_RIGHTS_RW : OCAP_RIGHTS_RO;
	else if (writable && errno == ENOENT)
		d->rights = OCAP_RIGHT_CREATE | OCAP_RIGHT_WRITE |
			    OCAP_RIGHT_TRUNCATE;
	else
		return 0;
	if (!(d->real = malloc(PATH_MAX)) || !(d->path = strdup(path)))
		return -ENOMEM;
	real_path(path, d->real);
	return 0;
}

/* A grant beneath another that holds more is refused by the launcher
 * (Landlock would widen it silently).  What really encloses a designated
 * path applies there anyway, so it joins the path's own rights: the
 * plan is accepted and nothing is widened.  A symbolic link that leads
 * out of a grant gets nothing from it (and the launcher refuses it
 * inside a wider grant: it fails closed). */
static ocap_rights_t enclosing(const struct sh_state *st,
			       const struct desig *ds, size_t n,
			       const char *real)
{
	char gpath[OCAP_NAME_MAX + 1], greal[PATH_MAX];
	ocap_rights_t more = 0, r;

	for (size_t i = 0; i < st->ngrants; i++) {
		if (grant_rights(st->grant_opt[i], st->grant_val[i], gpath,
				 sizeof gpath, &r) < 0)
			continue;
		real_path(gpath, greal);
		if (beneath_or_at(greal, real))
			more |= r;
	}
	for (size_t i = 0; i < n; i++)
		if (ds[i].path && beneath_or_at(ds[i].real, real))
			more |= ds[i].rights;
	return more;
}

/* Argument i's grant: its own rights and those of what encloses it,
 * with where its word was written as the source. */
static int add_designation(ocap_plan *p, const struct sh_state *st,
			   const struct sh_argv *a, const struct desig *ds,
			   size_t i)
{
	char val[OCAP_NAME_MAX + 128], where[48];
	ocap_rights_t r = ds[i].rights | enclosing(st, ds, a->argc, ds[i].real);
	int n = snprintf(val, sizeof val, "%s=", ds[i].path);

	if (ocap_rights_format(r, val + n, sizeof val - (size_t)n) < 0)
		return -EINVAL;
	if (a->pos[i].line)
		snprintf(where, sizeof where, "%u:%u", a->pos[i].line,
			 a->pos[i].col);
	else
		snprintf(where, sizeof where, "argument %zu", i + 1);
	return ocap_plan_option(p, "--grant", val, where, "/");
}

static int add_designations(const struct sh_state *st,
			    const struct sh_argv *a, ocap_plan *p)
{
	struct desig *ds = calloc(a->argc ? a->argc : 1, sizeof *ds);
	int rc = 0;

	if (!ds)
		return -ENOMEM;
	for (size_t i = 1; i < a->argc && rc == 0; i++)
		rc = designate(st, a->argv[i], a->writable[i], &ds[i]);
	for (size_t i = 1; i < a->argc && rc == 0; i++)
		if (ds[i].path)
			rc = add_designation(p, st, a, ds, i);
	for (size_t i = 0; i < a->argc; i++) {
		free(ds[i].path);
		free(ds[i].real);
	}
	free(ds);
	return rc;
}

static int add_shell_grants(const struct sh_state *st, ocap_plan *p)
{
	char where[32];

	for (size_t i = 0; i < st->ngrants; i++) {
		int rc;
		snprintf(where, sizeof where, "grant %zu", i + 1);
		rc = ocap_plan_option(p, st->grant_opt[i], st->grant_val[i],
				      where, st->cwd);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* "LINE:COL: " at the start of msg: the place in the source, and the
 * rest of the message; NULL when msg names no place. */
static const char *source_pos(const char *msg, struct sh_pos *pos)
{
	unsigned long n[2];
	char *end;

	for (int i = 0; i < 2; i++) {
		if (*msg < '0' || *msg > '9')
			return NULL;
		n[i] = strtoul(msg, &end, 10);
		if (*end != ':' || n[i] > UINT_MAX)
			return NULL;
		msg = end + 1;
	}
	*pos = (struct sh_pos){ (unsigned)n[0], (unsigned)n[1] };
	return msg + strspn(msg, " ");
}

/* The plan's error names its input when it can: a word ("1:17: ...")
 * of the source, or a shell-wide grant ("grant 2: ..."), which belongs
 * to no source.  Otherwise ("landlock: ...") it is the command's. */
void sh_plan_report(const char *where, const ocap_plan *p,
		    struct sh_pos cmd)
{
	const char *msg = ocap_plan_error(p), *rest;
	struct sh_pos pos;

	if (!strncmp(msg, "grant ", 6)) {
		fflush(stdout);
		fprintf(stderr, "ocapsh: %s\n", msg);
	} else if ((rest = source_pos(msg, &pos))) {
		sh_report(where, pos, "%s", rest);
	} else {
		sh_report(where, cmd, "%s", msg);
	}
}

/* Say why the plan failed, drop it, and return the exit status. */
static int plan_fail(ocap_plan *p, int rc, const char *where,
		     struct sh_pos cmd)
{
	int st = ocap_exit_status(p, rc, 0);

	if (rc == -ENOMEM) {
		fflush(stdout);
		fprintf(stderr, "ocapsh: out of memory\n");
	} else {
		sh_plan_report(where, p, cmd);
	}
	ocap_plan_free(p);
	return st;
}

int sh_plan_build(const struct sh_state *st, const struct sh_argv *a,
		  const char *where, ocap_plan **out)
{
	ocap_plan *p;
	int rc;

	*out = NULL;
	if (ocap_plan_new(&p) < 0) {
		fprintf(stderr, "ocapsh: out of memory\n");
		return OCAP_EXIT_LAUNCHER;
	}
	if ((rc = add_shell_grants(st, p)) < 0 ||
	    (rc = add_designations(st, a, p)) < 0 ||
	    (rc = ocap_plan_program(p, a->argv)) < 0)
		return plan_fail(p, rc, where, a->pos[0]);
	*out = p;
	return 0;
}
