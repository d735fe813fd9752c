/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "exe.h"
#include "runtime.h"

#define GRANTS_DEPTH_MAX 8
#define GRANTS_LINE_MAX 8192

struct opt {
	const char *name;
	int (*add)(ocap_plan *p, const struct opt *o, const char *v,
		   const char *where, const char *base);
	ocap_rights_t rights; /* path grants; net kind for network grants */
	bool value;
};

#define WHERE(w) (w) ? (w) : "", (w) ? ": " : ""

static int fail_opt(ocap_plan *p, int err, const char *where,
		    const struct opt *o, const char *v, const char *why)
{
	return ocap__plan_fail(p, err, "%s%s%s%s%s: %s", WHERE(where), o->name,
			       v ? " " : "", v ? v : "", why);
}

/* ---- paths ----------------------------------------------------------- */

int ocap__grants_add(struct ocap_path_grant **v, size_t *n, const char *path,
		     ocap_rights_t r, const char *where, const char *base,
		     bool runtime)
{
	char cwd[PATH_MAX], name[OCAP_NAME_MAX + 1];
	struct ocap_path_grant *g;
	int len;

	if (path[0] != '/' && !base) {
		if (!getcwd(cwd, sizeof cwd))
			return -errno;
		base = cwd;
	}
	len = ocap_path_normalize(base, path, name, sizeof name);
	if (len < 0)
		return len;
	if (len > 1 && name[len - 1] == '/')
		name[len - 1] = '\0';
	for (size_t i = 0; i < *n; i++) {
		if (!strcmp((*v)[i].name, name)) {
			/* The same path twice: what the user wrote adds up. */
			(*v)[i].rights |= r;
			(*v)[i].runtime &= runtime;
			return 0;
		}
	}
	g = realloc(*v, (*n + 1) * sizeof *g);
	if (!g)
		return -ENOMEM;
	*v = g;
	g = &g[*n];
	*g = (struct ocap_path_grant){ .rights = r, .runtime = runtime,
				       .fd = -1 };
	g->name = strdup(name);
	g->where = strdup(where ? where : "");
	if (!g->name || !g->where) {
		free(g->name);
		free(g->where);
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

void ocap__grants_free(struct ocap_path_grant *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].where);
		if (v[i].fd >= 0)
			close(v[i].fd);
	}
	free(v);
}

int ocap__plan_add_path(ocap_plan *p, const char *path, ocap_rights_t r,
			const char *where, bool runtime)
{
	return ocap__grants_add(&p->paths, &p->npaths, path, r, where, NULL,
				runtime);
}

static int path_ok(ocap_plan *p, const struct opt *o, const char *v,
		   const char *where)
{
	if (!*v)
		return fail_opt(p, -EINVAL, where, o, NULL, "empty path");
	if (strlen(v) > OCAP_NAME_MAX)
		return fail_opt(p, -EINVAL, where, o, v, "path too long");
	return 0;
}

static int add_path(ocap_plan *p, const struct opt *o, const char *v,
		    const char *where, const char *base)
{
	int r = path_ok(p, o, v, where);

	if (r < 0)
		return r;
	r = ocap__grants_add(&p->paths, &p->npaths, v, o->rights, where, base,
			     false);
	return r < 0 ? fail_opt(p, r, where, o, v, strerror(-r)) : 0;
}

/* --grant PATH=RIGHTS; the last '=' splits, rights never hold one. */
static int add_grant(ocap_plan *p, const struct opt *o, const char *v,
		     const char *where, const char *base)
{
	const char *eq = strrchr(v, '='), *end = NULL;
	char path[OCAP_NAME_MAX + 1], why[96];
	ocap_rights_t rights;
	int r;

	if (!eq)
		return fail_opt(p, -EINVAL, where, o, v,
				"expected PATH=RIGHTS");
	if ((size_t)(eq - v) > OCAP_NAME_MAX)
		return fail_opt(p, -EINVAL, where, o, v, "path too long");
	memcpy(path, v, (size_t)(eq - v));
	path[eq - v] = '\0';
	if ((r = path_ok(p, o, path, where)) < 0)
		return r;
	if (ocap_rights_parse(eq + 1, &rights, &end) < 0) {
		snprintf(why, sizeof why, "unknown right '%.*s' at column %zu",
			 (int)strcspn(end, ","), end,
			 (size_t)(end - v) + 1);
		return fail_opt(p, -EINVAL, where, o, v, why);
	}
	if (rights & (OCAP_RIGHT_CONNECT | OCAP_RIGHT_LISTEN))
		return fail_opt(p, -EINVAL, where, o, v,
				"connect and listen are granted with "
				"--connect and --listen");
	r = ocap__grants_add(&p->paths, &p->npaths, path, rights, where, base,
			     false);
	return r < 0 ? fail_opt(p, r, where, o, v, strerror(-r)) : 0;
}

/* ---- network ------------------------------------------------------------ */

static bool host_ok(const char *h)
{
	struct in6_addr a6;

	if (!strcmp(h, "*"))
		return true;
	if (strchr(h, ':'))
		return inet_pton(AF_INET6, h, &a6) == 1;
	if (!*h || strlen(h) > 253)
		return false;
	for (const char *c = h; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-' &&
		    *c != '_')
			return false;
	return true;
}

/* HOST:PORT, [V6]:PORT or *:PORT. */
static const char *parse_hostport(const char *v, char *host, size_t size,
				  uint16_t *port)
{
	const char *colon, *h = v;
	size_t hlen;
	char *end;
	long n;

	if (v[0] == '[') {
		const char *rb = strchr(v, ']');
		if (!rb || rb[1] != ':')
			return "expected [ADDRESS]:PORT";
		h = v + 1;
		hlen = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = strrchr(v, ':');
		if (!colon)
			return "expected HOST:PORT";
		hlen = (size_t)(colon - v);
		if (memchr(v, ':', hlen))
			return "an IPv6 address goes in brackets: [ADDRESS]:PORT";
	}
	if (hlen == 0 || hlen >= size)
		return "missing host";
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (!host_ok(host) || (v[0] == '[' && !strchr(host, ':')))
		return "not a host name or address";
	if (!isdigit((unsigned char)colon[1]))
		return "expected a port number after ':'";
	errno = 0;
	n = strtol(colon + 1, &end, 10);
	if (*end || errno || n < 1 || n > 65535)
		return "port must be a number from 1 to 65535";
	*port = (uint16_t)n;
	return NULL;
}

static int push_net(ocap_plan *p, int kind, const char *host, uint16_t port,
		    const char *where)
{
	struct ocap_net_grant *g;

	for (size_t i = 0; i < p->nnets; i++)
		if (p->nets[i].kind == kind && p->nets[i].port == port &&
		    !strcmp(p->nets[i].host, host))
			return 0;
	g = realloc(p->nets, (p->nnets + 1) * sizeof *g);
	if (!g)
		return -ENOMEM;
	p->nets = g;
	g = &p->nets[p->nnets];
	*g = (struct ocap_net_grant){ .kind = kind, .port = port,
				      .dirfd = -1 };
	g->host = strdup(host);
	g->where = strdup(where ? where : "");
	if (!g->host || !g->where) {
		free(g->host);
		free(g->where);
		return -ENOMEM;
	}
	p->nnets++;
	return 0;
}

static int add_net(ocap_plan *p, const struct opt *o, const char *v,
		   const char *where, const char *base)
{
	char host[256], cwd[PATH_MAX], path[OCAP_NAME_MAX + 1];
	const char *why;
	uint16_t port = 0;
	int kind = (int)o->rights, r;

	if (kind == OCAP_NET_CONNECT && !strncmp(v, "unix:", 5)) {
		if (!v[5])
			return fail_opt(p, -EINVAL, where, o, v,
					"expected unix:PATH");
		if (v[5] != '/' && !base) {
			if (!getcwd(cwd, sizeof cwd))
				return -errno;
			base = cwd;
		}
		r = ocap_path_normalize(base, v + 5, path, sizeof path);
		if (r < 0 || strlen(path) >= 108)
			return fail_opt(p, -EINVAL, where, o, v,
					"socket path too long");
		/* Named as a program names the socket: "x/." is "x". */
		if (r > 1 && path[r - 1] == '/')
			path[r - 1] = '\0';
		r = push_net(p, OCAP_NET_UNIX, path, 0, where);
	} else {
		if ((why = parse_hostport(v, host, sizeof host, &port)))
			return fail_opt(p, -EINVAL, where, o, v, why);
		r = push_net(p, kind, host, port, where);
	}
	return r < 0 ? fail_opt(p, r, where, o, v, strerror(-r)) : 0;
}

/* ---- environment, mode and the rest -------------------------------------- */

static int push_str(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof *nv);

	if (!nv)
		return -ENOMEM;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int add_env(ocap_plan *p, const struct opt *o, const char *v,
		   const char *where, const char *base)
{
	size_t len = strcspn(v, "=");

	if (len == 0 || isdigit((unsigned char)v[0]))
		return fail_opt(p, -EINVAL, where, o, v,
				"expected NAME or NAME=VALUE");
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '_')
			return fail_opt(p, -EINVAL, where, o, v,
					"not a variable name");
	if (len == strlen(OCAP_ROOT_ENV) && !strncmp(v, OCAP_ROOT_ENV, len))
		return fail_opt(p, -EINVAL, where, o, v,
				"OCAP_ROOT is set by the launcher");
	return push_str(&p->env, &p->nenv, v);
}

static int add_flag(ocap_plan *p, const struct opt *o, const char *v,
		    const char *where, const char *base)
{
	if (!strcmp(o->name, "--inherit-env"))
		p->inherit_env = true;
	else if (!strcmp(o->name, "--no-runtime"))
		p->no_runtime = true;
	else if (!strcmp(o->name, "--no-tmpdir"))
		p->no_tmpdir = true;
	else if (!strcmp(o->name, "--keep-tmpdir"))
		p->keep_tmpdir = true;
	else if (!strcmp(o->name, "--best-effort"))
		p->best_effort = true;
	else if (!strcmp(o->name, "--hide-metadata"))
		p->hide_metadata = true;
	else if (!strcmp(o->name, "--suggest"))
		p->suggest = true;
	else if (!strcmp(o->name, "--learn"))
		p->suggest = p->learn = true;
	else
		p->verbose++;
	return 0;
}

static int add_mode(ocap_plan *p, const struct opt *o, const char *v,
		    const char *where, const char *base)
{
	static const char *const modes[] = { "auto", "native", "compat" };

	for (int i = 0; i < 3; i++) {
		if (!strcmp(v, modes[i])) {
			p->mode = i;
			return 0;
		}
	}
	return fail_opt(p, -EINVAL, where, o, v,
			"expected auto, native or compat");
}

static int add_syscall(ocap_plan *p, const struct opt *o, const char *v,
		       const char *where, const char *base)
{
	/* The musl ocapsh knows no names: ocapsh-full takes the option on
	 * the command line (capsh/handover.c), not from a file. */
	if (!ocap__be_syscall_known(v) && !ocap__be_syscall_known("read"))
		return fail_opt(p, -EOPNOTSUPP, where, o, v,
				"this ocapsh names no system call (built "
				"without libseccomp): give --allow-syscall "
				"on ocapsh's command line");
	if (!ocap__be_syscall_known(v))
		return fail_opt(p, -EINVAL, where, o, v,
				"no such system call on this architecture");
	for (size_t i = 0; i < p->nallow; i++)
		if (!strcmp(p->allow_syscalls[i], v))
			return 0;
	return push_str(&p->allow_syscalls, &p->nallow, v);
}

static int add_rlimit(ocap_plan *p, const struct opt *o, const char *v,
		      const char *where, const char *base)
{
	size_t len = strcspn(v, "=");
	const char *val = v + len + 1;
	char *end;
	unsigned long long n;

	if (!v[len])
		return fail_opt(p, -EINVAL, where, o, v,
				"expected NAME=VALUE");
	for (int i = 0; i < OCAP_NRLIMITS; i++) {
		struct ocap_rlimit *l = &p->rlimits[i];
		if (strlen(l->name) != len || strncmp(l->name, v, len))
			continue;
		if (!strcmp(val, "unlimited")) {
			n = RLIM_INFINITY;
		} else {
			errno = 0;
			n = strtoull(val, &end, 10);
			if (!isdigit((unsigned char)*val) || *end || errno)
				return fail_opt(p, -EINVAL, where, o, v,
						"expected a number or "
						"'unlimited'");
		}
		l->lim.rlim_cur = l->lim.rlim_max = (rlim_t)n;
		l->set = true;
		return 0;
	}
	return fail_opt(p, -EINVAL, where, o, v,
			"limits are core, nofile, nproc, as, cpu, fsize");
}

static int add_grants(ocap_plan *p, const struct opt *o, const char *v,
		      const char *where, const char *base);
static int add_preset(ocap_plan *p, const struct opt *o, const char *v,
		      const char *where, const char *base);

static const struct opt opts[] = {
	{ "--ro", add_path, OCAP_RIGHTS_RO, true },
	{ "--rw", add_path, OCAP_RIGHTS_RW, true },
	{ "--rx", add_path, OCAP_RIGHTS_RX, true },
	{ "--grant", add_grant, 0, true },
	{ "--connect", add_net, OCAP_NET_CONNECT, true },
	{ "--listen", add_net, OCAP_NET_LISTEN, true },
	{ "--udp", add_net, OCAP_NET_UDP, true },
	{ "--env", add_env, 0, true },
	{ "--inherit-env", add_flag, 0, false },
	{ "--no-runtime", add_flag, 0, false },
	{ "--no-tmpdir", add_flag, 0, false },
	{ "--keep-tmpdir", add_flag, 0, false },
	{ "--hide-metadata", add_flag, 0, false },
	{ "--suggest", add_flag, 0, false },
	{ "--learn", add_flag, 0, false },
	{ "--best-effort", add_flag, 0, false },
	{ "--verbose", add_flag, 0, false },
	{ "-v", add_flag, 0, false },
	{ "--mode", add_mode, 0, true },
	{ "--allow-syscall", add_syscall, 0, true },
	{ "--rlimit", add_rlimit, 0, true },
	{ "--grants", add_grants, 0, true },
	{ "--preset", add_preset, 0, true },
};

static const struct opt *find_opt(const char *name)
{
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		if (!strcmp(opts[i].name, name))
			return &opts[i];
	return NULL;
}

int ocap_plan_option_arity(const char *opt)
{
	const struct opt *o = opt ? find_opt(opt) : NULL;

	return o ? o->value : -EINVAL;
}

int ocap_option_path(const char *opt, const char *value, size_t *start,
		     size_t *len, ocap_rights_t *rights)
{
	const struct opt *o = opt ? find_opt(opt) : NULL;
	const char *eq;

	if (!o || !value)
		return -EINVAL;
	*start = 0;
	*len = strlen(value);
	*rights = 0;
	if (o->add == add_path) {
		*rights = o->rights;
	} else if (o->add == add_grant) {
		if (!(eq = strrchr(value, '=')) ||
		    ocap_rights_parse(eq + 1, rights, NULL) < 0)
			return -EINVAL;
		*len = (size_t)(eq - value);
	} else if (o->add == add_net && o->rights == OCAP_NET_CONNECT &&
		   !strncmp(value, "unix:", 5)) {
		*start = 5;
		*len -= 5;
	} else if (o->add != add_grants) {
		return 0;
	}
	return 1;
}

int ocap_plan_option(ocap_plan *p, const char *opt, const char *value,
		     const char *where, const char *base)
{
	const struct opt *o;

	if (!p || !opt)
		return -EINVAL;
	if (!(o = find_opt(opt)))
		return ocap__plan_fail(p, -EINVAL, "%s%sunknown option '%s'",
				       WHERE(where), opt);
	if (o->value && !value)
		return ocap__plan_fail(p, -EINVAL, "%s%s%s: missing value",
				       WHERE(where), opt);
	if (!o->value && value)
		return ocap__plan_fail(p, -EINVAL, "%s%s%s takes no value",
				       WHERE(where), opt);
	if (p->launched || p->compiled)
		return ocap__plan_fail(p, -EBUSY, "the plan has been checked");
	return o->add(p, o, value, where, base);
}

/* ---- grants files ---------------------------------------------------------- */

static int grants_line(ocap_plan *p, char *line, const char *where,
		       const char *base)
{
	char *s = line, *e, *value = NULL;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	if (!*s || *s == '#')
		return 0;
	if (s[0] != '-')
		return ocap__plan_fail(p, -EINVAL,
				       "%s: expected an option, not '%.40s'",
				       where, s);
	e = s + strcspn(s, "= \t");
	if (*e) {
		*e = '\0';
		value = e + 1;
		while (isspace((unsigned char)*value))
			value++;
	}
	if (!strcmp(s, "--learn"))
		return ocap__plan_fail(p, -EINVAL,
				       "%s: --learn is for the command line: "
				       "a grants file cannot let a program "
				       "read outside its grants", where);
	return ocap_plan_option(p, s, value, where, base);
}

/* One line of f into line (its newline kept, NUL-terminated): its length,
 * -1 at the end of the file, or GRANTS_LINE_MAX + 1 for a longer line,
 * of which no more is read (a grants file may be /dev/zero). */
static ssize_t read_line(FILE *f, char *line)
{
	ssize_t n = 0;
	int c;

	while ((c = getc(f)) != EOF) {
		if (n == GRANTS_LINE_MAX)
			return GRANTS_LINE_MAX + 1;
		line[n++] = (char)c;
		if (c == '\n')
			break;
	}
	line[n] = '\0';
	return n ? n : -1;
}

static int read_grants(ocap_plan *p, const char *path, const char *where,
		       const char *base)
{
	char full[OCAP_NAME_MAX + 1], dir[OCAP_NAME_MAX + 1], cwd[PATH_MAX];
	char at[OCAP_NAME_MAX + 32], *line;
	unsigned lineno = 0;
	ssize_t len;
	FILE *f;
	int r = 0;

	if (p->depth >= GRANTS_DEPTH_MAX)
		return ocap__plan_fail(p, -ELOOP, "%s%s--grants %s: nested "
				       "more than %d deep", WHERE(where), path,
				       GRANTS_DEPTH_MAX);
	if (!base) {
		if (!getcwd(cwd, sizeof cwd))
			return -errno;
		base = cwd;
	}
	if ((r = ocap_path_normalize(base, path, full, sizeof full)) < 0)
		return ocap__plan_fail(p, r, "%s%s--grants %s: %s",
				       WHERE(where), path, strerror(-r));
	f = fopen(full, "re");
	if (!f)
		return ocap__plan_fail(p, -errno, "%s%s--grants %s: %s",
				       WHERE(where), path, strerror(errno));
	if (!(line = calloc(1, GRANTS_LINE_MAX + 1))) {
		fclose(f);
		return ocap__plan_fail(p, -ENOMEM, "%s: out of memory", path);
	}
	r = 0;
	strcpy(dir, full);
	*strrchr(dir, '/') = '\0';
	if (!dir[0])
		strcpy(dir, "/");
	p->depth++;
	while (r == 0 && (len = read_line(f, line)) >= 0) {
		snprintf(at, sizeof at, "%s:%u", path, ++lineno);
		if (len > GRANTS_LINE_MAX)
			r = ocap__plan_fail(p, -EINVAL, "%s: line longer than "
					    "%d bytes", at, GRANTS_LINE_MAX);
		else if (memchr(line, '\0', (size_t)len))
			r = ocap__plan_fail(p, -EINVAL, "%s: NUL byte", at);
		else
			r = grants_line(p, line, at, dir);
	}
	p->depth--;
	if (r == 0 && ferror(f))
		r = ocap__plan_fail(p, -EIO, "%s: read error", path);
	free(line);
	fclose(f);
	return r;
}

static int add_grants(ocap_plan *p, const struct opt *o, const char *v,
		      const char *where, const char *base)
{
	return read_grants(p, v, where, base);
}

/* ---- presets --------------------------------------------------------------- */

/* Whether path is readable and nobody but root and us could have put it
 * there: it and every folder above it (as named: a link counts as its
 * owner's) owned by root or by us, and none writable by others (nor by a
 * group not ours), but for a sticky folder such as /tmp, where nobody
 * can move what is ours.  A copy of ocapsh in
 * /tmp/x would otherwise take /tmp/lib/ocap/ocapsh-full, which anybody
 * may make, for its own. */
static bool safe_path(const char *path)
{
	char p[PATH_MAX], *slash;
	struct stat st;

	if (access(path, R_OK) < 0 ||
	    snprintf(p, sizeof p, "%s", path) >= (int)sizeof p || p[0] != '/')
		return false;
	for (;;) {
		bool others;

		/* a link, as the folders, must be ours (its mode says
		 * nothing) */
		if (lstat(p, &st) < 0 ||
		    (st.st_uid != 0 && st.st_uid != geteuid()))
			return false;
		others = (st.st_mode & S_IWOTH) ||
			 ((st.st_mode & S_IWGRP) && st.st_gid != getegid());
		if (others && !S_ISLNK(st.st_mode) &&
		    !(S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX)))
			return false;
		if (!strcmp(p, "/"))
			return true;
		slash = strrchr(p, '/');
		slash[slash == p] = '\0'; /* "/usr" -> "/" */
	}
}

const char *ocap__installed(const char *rel, const char *build,
			    const char *install, char *buf, size_t size)
{
	static const char tree[] = OCAP_BUILD_DIR "/";
	char exe[PATH_MAX], *slash = NULL;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	bool in_tree;

	if (n > 0) {
		exe[n] = '\0';
		in_tree = !strncmp(exe, tree, sizeof tree - 1);
		/* The prefix: the folder above the executable's. */
		for (int up = 0; up < 2 && (slash = strrchr(exe, '/')); up++)
			*slash = '\0';
		if (slash &&
		    snprintf(buf, size, "%s%s", exe, rel) < (int)size &&
		    safe_path(buf))
			return buf;
		if (in_tree && safe_path(build))
			return build;
	}
	if (safe_path(install))
		return install;
	return NULL;
}

static int is_preset(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 7 && d->d_name[0] != '.' &&
	       !strcmp(d->d_name + n - 7, ".grants");
}

/* "cc, git, net": the presets in dir, for the error that names none. */
static void preset_names(const char *dir, char *buf, size_t size)
{
	struct dirent **d;
	size_t len = 0;
	int n = scandir(dir, &d, is_preset, alphasort);

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%.*s",
						i ? ", " : "",
						(int)strlen(d[i]->d_name) - 7,
						d[i]->d_name);
		free(d[i]);
	}
	if (n > 0)
		free(d);
}

/* --preset NAME: NAME.grants in the presets folder ocap installs, read as
 * any grants file, so that its lines are the source of what it grants. */
static int add_preset(ocap_plan *p, const struct opt *o, const char *v,
		      const char *where, const char *base)
{
	char buf[PATH_MAX], file[PATH_MAX], names[512], why[600];
	const char *dir;

	if (!*v || strspn(v, "abcdefghijklmnopqrstuvwxyz"
			     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
			   strlen(v))
		return fail_opt(p, -EINVAL, where, o, v,
				"a preset is named with letters, digits, "
				"'-' and '_'");
	if (!(dir = ocap__installed("/share/ocap/presets",
				    OCAP_PRESETS_BUILD, OCAP_PRESETS_INSTALL,
				    buf, sizeof buf)))
		return fail_opt(p, -ENOENT, where, o, v,
				"no presets installed in " OCAP_PRESETS_INSTALL);
	if (snprintf(file, sizeof file, "%s/%s.grants", dir, v) >=
	    (int)sizeof file)
		return fail_opt(p, -ENAMETOOLONG, where, o, v,
				strerror(ENAMETOOLONG));
	if (access(file, R_OK) < 0) {
		preset_names(dir, names, sizeof names);
		snprintf(why, sizeof why, "unknown preset; known: %s",
			 names[0] ? names : "none");
		return fail_opt(p, -ENOENT, where, o, v, why);
	}
	return read_grants(p, file, where, NULL);
}

int ocap_plan_grants_file(ocap_plan *p, const char *path)
{
	if (!p || !path)
		return -EINVAL;
	return read_grants(p, path, NULL, NULL);
}

/* ---- the program -------------------------------------------------------------- */

static int set_program(ocap_plan *p, char *const argv[])
{
	char found[PATH_MAX], cwd[PATH_MAX], abs[OCAP_NAME_MAX + 1];
	size_t n = 0;
	int r;

	if (!argv || !argv[0] || !argv[0][0])
		return ocap__plan_fail(p, -ENOENT, "'': command not found");
	if (p->prog)
		return ocap__plan_fail(p, -EBUSY, "the program is set");
	if (strchr(argv[0], '/')) {
		if (strlen(argv[0]) >= sizeof found)
			return ocap__plan_fail(p, -ENAMETOOLONG, "%s: %s",
					       argv[0], strerror(ENAMETOOLONG));
		strcpy(found, argv[0]);
		if (access(found, X_OK) < 0)
			return ocap__plan_fail(p, -errno, "%s: %s", argv[0],
					       strerror(errno));
	} else if ((r = ocap__exe_find(getenv("PATH"), argv[0], found,
				       sizeof found)) < 0) {
		return ocap__plan_fail(p, r, "%s: %s", argv[0],
				       r == -ENOENT ? "command not found"
						    : strerror(-r));
	}
	if (!getcwd(cwd, sizeof cwd))
		return -errno;
	if ((r = ocap_path_normalize(cwd, found, abs, sizeof abs)) < 0)
		return ocap__plan_fail(p, r, "%s: %s", argv[0], strerror(-r));
	while (argv[n])
		n++;
	if (!(p->prog = strdup(abs)))
		return -ENOMEM;
	if (!(p->argv = calloc(n + 1, sizeof *p->argv)))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(p->argv[i] = strdup(argv[i])))
			return -ENOMEM;
	return 0;
}

int ocap_plan_program(ocap_plan *p, char *const argv[])
{
	int r = p ? set_program(p, argv) : -EINVAL;

	if (r == -ENOENT)
		p->exit_hint = OCAP_EXIT_NOT_FOUND;
	else if (r == -EACCES)
		p->exit_hint = OCAP_EXIT_CANNOT_EXEC;
	return r;
}
