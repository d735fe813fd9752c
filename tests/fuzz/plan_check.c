/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_check.h"
#include "plan_check.h"

/* ---- grants files in memory -------------------------------------------- */

/* Files open at once: one per level of nesting, and a few to spare. */
#define OPEN_MAX 16

static struct vfs_file files[VFS_MAX];
static size_t nfiles;
static bool serving;
static FILE *opened[OPEN_MAX];
static size_t nopened;

void vfs_clear(void)
{
	nfiles = 0;
}

void vfs_add(const char *path, const char *data, size_t len)
{
	check(nfiles < VFS_MAX && strlen(path) < sizeof files[0].path);
	strcpy(files[nfiles].path, path);
	files[nfiles].data = data;
	files[nfiles++].len = len;
}

const struct vfs_file *vfs_find(const char *path)
{
	for (size_t i = 0; i < nfiles; i++)
		if (!strcmp(files[i].path, path))
			return &files[i];
	return NULL;
}

void vfs_begin(void)
{
	serving = true;
}

void vfs_end(void)
{
	serving = false;
	check(nopened == 0);
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
	const struct vfs_file *f;
	FILE *s;

	if (!serving)
		return __real_fopen(path, mode);
	check(mode[0] == 'r' && !strchr(mode, '+'));
	if (!(f = vfs_find(path))) {
		errno = ENOENT;
		return NULL;
	}
	check(nopened < OPEN_MAX);
	/* Read-only: fmemopen() never writes the buffer. */
	s = fmemopen((void *)f->data, f->len, "r");
	check(s != NULL);
	opened[nopened++] = s;
	return s;
}

int __wrap_fclose(FILE *s)
{
	for (size_t i = 0; i < nopened; i++) {
		if (opened[i] == s) {
			opened[i] = opened[--nopened];
			break;
		}
	}
	return __real_fclose(s);
}

/* ---- checks ----------------------------------------------------------------- */

int lowest_free_fd(void)
{
	int fd = fcntl(0, F_DUPFD_CLOEXEC, 0);

	if (fd < 0) /* no stdin: any descriptor will do */
		fd = open("/", O_PATH | O_CLOEXEC);
	check(fd >= 0);
	close(fd);
	return fd;
}

size_t count_lines(const char *data, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += data[i] == '\n';
	return n + (len > 0 && data[len - 1] != '\n');
}

/* A decimal number without sign or leading zero, or 0. */
static unsigned long number(const char *s, size_t len)
{
	unsigned long n = 0;

	if (len == 0 || len > 9 || s[0] == '0')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		n = n * 10 + (unsigned long)(s[i] - '0');
	}
	return n;
}

static bool file_line_ok(const char *name, size_t len, unsigned long line)
{
	char cwd[PATH_MAX], path[OCAP_NAME_MAX + 1], full[OCAP_NAME_MAX + 1];
	const char *bases[2] = { VFS_DIR, cwd };
	const struct vfs_file *f;

	if (len > OCAP_NAME_MAX || line == 0)
		return false;
	memcpy(path, name, len);
	path[len] = '\0';
	check(getcwd(cwd, sizeof cwd) != NULL);
	for (int i = 0; i < 2; i++) {
		if (ocap_path_normalize(bases[i], path, full, sizeof full) < 0)
			continue;
		f = vfs_find(full);
		if (f && count_lines(f->data, f->len) >= line)
			return true;
	}
	return false;
}

bool where_ok(const char *w, int argc)
{
	const char *colon;
	unsigned long n;

	if (!strncmp(w, "argument ", 9)) {
		n = number(w + 9, strlen(w + 9));
		return n >= 1 && n < (unsigned long)argc;
	}
	colon = strrchr(w, ':');
	if (!colon)
		return false;
	n = number(colon + 1, strlen(colon + 1));
	return file_line_ok(w, (size_t)(colon - w), n);
}

void check_error(const char *msg, int argc, bool hint)
{
	const char *nl = strchr(msg, '\n'), *c;
	size_t first = nl ? (size_t)(nl - msg) : strlen(msg);
	char *prefix;
	bool found = false;

	if (nl) {
		check(hint);
		check(!strncmp(nl + 1, "Hint: ", 6));
		check(!strchr(nl + 1, '\n'));
	}
	/* Some ": " ends a position and a message follows. */
	for (c = msg; !found && (c = strstr(c, ": ")) && c < msg + first;
	     c++) {
		prefix = strndup(msg, (size_t)(c - msg));
		check(prefix != NULL);
		found = where_ok(prefix, argc) && c + 2 < msg + first;
		free(prefix);
	}
	if (!found) {
		fprintf(stderr, "error without a position: \"%s\"\n", msg);
		abort();
	}
}

static bool normal(const char *name)
{
	char again[OCAP_NAME_MAX + 1];
	int n = ocap_path_normalize(NULL, name, again, sizeof again);

	return n > 0 && (size_t)n == strlen(name) && !strcmp(again, name) &&
	       (n == 1 || name[n - 1] != '/');
}

static bool host_ok(const struct ocap_net_grant *g)
{
	struct in6_addr a6;
	size_t len = strlen(g->host);

	if (g->kind == OCAP_NET_UNIX)
		return g->host[0] == '/' && len < 108 && normal(g->host);
	if (!strcmp(g->host, "*"))
		return true;
	if (strchr(g->host, ':'))
		return inet_pton(AF_INET6, g->host, &a6) == 1;
	return len >= 1 && len <= 253 &&
	       strspn(g->host, "abcdefghijklmnopqrstuvwxyz"
			       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == len;
}

static const char *const net_opts[] = {
	[OCAP_NET_CONNECT] = "--connect",
	[OCAP_NET_LISTEN] = "--listen",
	[OCAP_NET_UDP] = "--udp",
	[OCAP_NET_UNIX] = "--connect",
};

/* The grants again, each from its formatted form (as --explain and the
 * capability table show it): the same plan must come back. */
static void check_formatted(const ocap_plan *p)
{
	char name[OCAP_NAME_MAX + 1], val[OCAP_NAME_MAX + 64];
	const char *v;
	ocap_plan *q;

	check(ocap_plan_new(&q) == 0);
	for (size_t i = 0; i < p->npaths; i++) {
		int n = snprintf(val, sizeof val, "%s=", p->paths[i].name);

		check(ocap_rights_format(p->paths[i].rights, val + n,
					 sizeof val - (size_t)n) > 0);
		check(ocap_plan_option(q, "--grant", val, "x", "/") == 0);
	}
	for (size_t i = 0; i < p->nnets; i++) {
		const struct ocap_net_grant *g = &p->nets[i];

		check(ocap__net_name(g, name, sizeof name) > 0);
		/* "tcp:HOST:PORT" and the like, but "unix:PATH" whole. */
		v = g->kind == OCAP_NET_UNIX ? name : strchr(name, ':') + 1;
		if (ocap_plan_option(q, net_opts[g->kind], v, "x", "/") < 0) {
			fprintf(stderr, "%s %s: %s\n", net_opts[g->kind], v,
				ocap_plan_error(q));
			abort();
		}
	}
	check(q->npaths == p->npaths && q->nnets == p->nnets);
	for (size_t i = 0; i < p->npaths; i++) {
		check(!strcmp(q->paths[i].name, p->paths[i].name));
		check(q->paths[i].rights == p->paths[i].rights);
	}
	for (size_t i = 0; i < p->nnets; i++) {
		check(q->nets[i].kind == p->nets[i].kind);
		check(q->nets[i].port == p->nets[i].port);
		check(!strcmp(q->nets[i].host, p->nets[i].host));
	}
	ocap_plan_free(q);
}

static void check_paths(const ocap_plan *p, int argc)
{
	for (size_t i = 0; i < p->npaths; i++) {
		const struct ocap_path_grant *g = &p->paths[i];

		check(normal(g->name));
		check((g->rights & ~OCAP_RIGHTS_ALL) == 0);
		check(!(g->rights & (OCAP_RIGHT_CONNECT | OCAP_RIGHT_LISTEN)));
		check(!g->runtime && !g->optional && g->fd == -1);
		check(where_ok(g->where, argc));
		for (size_t j = 0; j < i; j++)
			check(strcmp(p->paths[j].name, g->name) != 0);
	}
}

static void check_nets(const ocap_plan *p, int argc)
{
	for (size_t i = 0; i < p->nnets; i++) {
		const struct ocap_net_grant *g = &p->nets[i];

		check(g->kind >= OCAP_NET_CONNECT && g->kind <= OCAP_NET_UNIX);
		check((g->kind == OCAP_NET_UNIX) == (g->port == 0));
		check(host_ok(g));
		check(g->addrs == NULL && g->naddrs == 0);
		check(where_ok(g->where, argc));
		for (size_t j = 0; j < i; j++)
			check(p->nets[j].kind != g->kind ||
			      p->nets[j].port != g->port ||
			      strcmp(p->nets[j].host, g->host) != 0);
	}
}

void check_plan(const ocap_plan *p, int argc)
{
	check_paths(p, argc);
	check_nets(p, argc);
	for (size_t i = 0; i < p->nenv; i++) {
		const char *e = p->env[i];
		size_t len = strcspn(e, "=");

		check(len >= 1 && !(e[0] >= '0' && e[0] <= '9'));
		check(strspn(e, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
		      len);
		check(strncmp(e, OCAP_ROOT_ENV, len) != 0 ||
		      len != strlen(OCAP_ROOT_ENV));
	}
	for (size_t i = 0; i < p->nallow; i++)
		for (size_t j = 0; j < i; j++)
			check(strcmp(p->allow_syscalls[i],
				     p->allow_syscalls[j]) != 0);
	check(p->mode >= OCAP_MODE_AUTO && p->mode <= OCAP_MODE_COMPAT);
	check(p->verbose >= 0 && p->depth == 0);
	check(!p->launched && !p->compiled && !p->prog && !p->argv);
	check(p->nwarnings == 0);
	check(p->rlimits[0].set); /* core: 0 unless overridden */
	check_formatted(p);
}

void check_same_plan(const ocap_plan *a, const ocap_plan *b, bool where)
{
	check(a->npaths == b->npaths && a->nnets == b->nnets);
	check(a->nenv == b->nenv && a->nallow == b->nallow);
	for (size_t i = 0; i < a->npaths; i++) {
		check(!strcmp(a->paths[i].name, b->paths[i].name));
		check(a->paths[i].rights == b->paths[i].rights);
		check(!where || !strcmp(a->paths[i].where, b->paths[i].where));
	}
	for (size_t i = 0; i < a->nnets; i++) {
		check(a->nets[i].kind == b->nets[i].kind);
		check(a->nets[i].port == b->nets[i].port);
		check(!strcmp(a->nets[i].host, b->nets[i].host));
		check(!where || !strcmp(a->nets[i].where, b->nets[i].where));
	}
	for (size_t i = 0; i < a->nenv; i++)
		check(!strcmp(a->env[i], b->env[i]));
	for (size_t i = 0; i < a->nallow; i++)
		check(!strcmp(a->allow_syscalls[i], b->allow_syscalls[i]));
	check(a->inherit_env == b->inherit_env);
	check(a->no_runtime == b->no_runtime);
	check(a->best_effort == b->best_effort);
	check(a->verbose == b->verbose && a->mode == b->mode);
	for (int i = 0; i < OCAP_NRLIMITS; i++) {
		check(a->rlimits[i].set == b->rlimits[i].set);
		check(a->rlimits[i].lim.rlim_cur == b->rlimits[i].lim.rlim_cur);
		check(a->rlimits[i].lim.rlim_max == b->rlimits[i].lim.rlim_max);
	}
}
