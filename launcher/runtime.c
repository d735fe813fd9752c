/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compile.h"
#include "runtime.h"


/* What unmodified programs need to start and to behave as they do
 * outside: the loader's libraries and cache, locale and time zone data,
 * the harmless devices, and the system configuration that is public on
 * every Debian machine (world-readable, the same for every user, holding
 * no credential).  Secrets are never named here, nor any directory that
 * holds one: /etc/shadow and /etc/gshadow, /etc/ssh (host keys),
 * /etc/ssl/private, /root and every home, credentials such as ~/.netrc.
 * That is why /etc/ssl/certs and /etc/ssl/openssl.cnf are listed and
 * /etc/ssl is not.  Entries missing on this host are left out. */
static const struct {
	const char *path;
	ocap_rights_t rights;
} runtime_set[] = {
	{ "/usr/lib", OCAP_RIGHTS_RO },
	{ "/usr/lib64", OCAP_RIGHTS_RO },
	{ "/lib", OCAP_RIGHTS_RO },
	{ "/lib64", OCAP_RIGHTS_RO },
	/* architecture-independent data: terminfo, locales, zoneinfo, CA
	 * certificates, vim's runtime, python-wheels, magic, mime */
	{ "/usr/share", OCAP_RIGHTS_RO },
	{ "/etc/ld.so.cache", OCAP_RIGHT_READ },
	{ "/etc/localtime", OCAP_RIGHT_READ },
	{ "/etc/timezone", OCAP_RIGHT_READ },
	{ "/etc/locale.alias", OCAP_RIGHT_READ },
	{ "/etc/default/locale", OCAP_RIGHT_READ },
	/* names of users, groups, hosts, services: no password is here */
	{ "/etc/passwd", OCAP_RIGHT_READ },
	{ "/etc/group", OCAP_RIGHT_READ },
	{ "/etc/nsswitch.conf", OCAP_RIGHT_READ },
	{ "/etc/hosts", OCAP_RIGHT_READ },
	{ "/etc/host.conf", OCAP_RIGHT_READ },
	{ "/etc/resolv.conf", OCAP_RIGHT_READ },
	{ "/etc/gai.conf", OCAP_RIGHT_READ },
	{ "/etc/services", OCAP_RIGHT_READ },
	{ "/etc/protocols", OCAP_RIGHT_READ },
	{ "/etc/networks", OCAP_RIGHT_READ },
	/* the system and its programs' system-wide settings */
	{ "/etc/debian_version", OCAP_RIGHT_READ },
	{ "/etc/os-release", OCAP_RIGHT_READ },
	{ "/etc/ssl/certs", OCAP_RIGHTS_RO },
	{ "/etc/ssl/openssl.cnf", OCAP_RIGHT_READ },
	{ "/etc/mime.types", OCAP_RIGHT_READ },
	{ "/etc/magic", OCAP_RIGHT_READ },
	{ "/etc/papersize", OCAP_RIGHT_READ },
	{ "/etc/inputrc", OCAP_RIGHT_READ },
	{ "/etc/terminfo", OCAP_RIGHTS_RO },
	{ "/etc/vim", OCAP_RIGHTS_RO },
	{ "/etc/gitconfig", OCAP_RIGHT_READ },
	{ "/etc/wgetrc", OCAP_RIGHT_READ },
	{ "/etc/python3", OCAP_RIGHTS_RO },
	{ "/etc/python3.11", OCAP_RIGHTS_RO },
	{ "/etc/perl", OCAP_RIGHTS_RO },
	/* C headers, for compilers */
	{ "/usr/include", OCAP_RIGHTS_RO },
	/* toolchain helpers (cc1, collect2, git's subcommands): a program
	 * could map them executable through the loader anyway */
	{ "/usr/lib/gcc", OCAP_RIGHTS_RX },
	{ "/usr/libexec/gcc", OCAP_RIGHTS_RX },
	{ "/usr/lib/git-core", OCAP_RIGHTS_RX },
	{ "/dev/null", OCAP_RIGHT_READ | OCAP_RIGHT_WRITE },
	{ "/dev/full", OCAP_RIGHT_READ | OCAP_RIGHT_WRITE },
	{ "/dev/zero", OCAP_RIGHT_READ },
	{ "/dev/urandom", OCAP_RIGHT_READ },
	{ "/dev/random", OCAP_RIGHT_READ },
};

/* Present or not is learnt by opening it, once: the launch uses that
 * descriptor (launch.c, open_grant), a name walked and a call the fewer
 * for each of some fifty entries.  It lands above the root descriptor's
 * slot; an entry some grant names already is opened with that grant. */
static int add_if_present(struct ocap_compiled *c, const char *path,
			  ocap_rights_t r)
{
	struct stat st;
	size_t n = c->npaths;
	int fd = ocap__above_root(openat(AT_FDCWD, path, O_PATH | O_CLOEXEC));
	int e;

	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	e = ocap__grants_add(&c->paths, &c->npaths, path, r, "runtime", NULL,
			     true);
	if (e == 0 && c->npaths > n) {
		c->paths[n].fd = fd;
		c->paths[n].kind = S_ISDIR(st.st_mode) ? OCAP_KIND_DIR
						       : OCAP_KIND_FILE;
		return 0;
	}
	close(fd);
	return e;
}

static int add_exe(struct ocap_compiled *c, const struct ocap_exe *x,
		   const char *prog);

/* "#!/usr/bin/env NAME": NAME as env(1) finds it in the program's PATH.
 * Options to env (-S and the like) are left to the user's grants. */
static int env_interp(struct ocap_compiled *c, const struct ocap_exe *x)
{
	const char *base = strrchr(x->shebang, '/') + 1, *name = x->shebang_arg;
	char found[PATH_MAX];
	struct ocap_exe nx;

	if (strcmp(base, "env") || !name[0] || name[0] == '-' ||
	    strchr(name, ' ') || strchr(name, '/') ||
	    ocap__exe_find(ocap__env_value(c->plan, "PATH"), name, found,
			   sizeof found) < 0 ||
	    ocap__exe_inspect(found, &nx) < 0)
		return 0;
	return add_exe(c, &nx, found);
}

/* The executable itself and the interpreters the kernel opens for it. */
static int add_exe(struct ocap_compiled *c, const struct ocap_exe *x,
		   const char *prog)
{
	struct ocap_exe ix;
	int r;

	if ((r = add_if_present(c, prog, OCAP_RIGHT_READ | OCAP_RIGHT_EXEC)))
		return r;
	if (x->interp[0] &&
	    (r = add_if_present(c, x->interp,
				OCAP_RIGHT_READ | OCAP_RIGHT_EXEC)))
		return r;
	if (!x->shebang[0] || ocap__exe_inspect(x->shebang, &ix) < 0 ||
	    !ix.elf)
		return 0;
	if ((r = add_exe(c, &ix, x->shebang)) < 0)
		return r;
	return env_interp(c, x);
}

int ocap__runtime_exe(struct ocap_compiled *c)
{
	return add_exe(c, &c->exe, c->plan->prog);
}

/* A name only the broker can resolve: not an address literal. */
static bool named(const struct ocap_net_grant *g)
{
	unsigned char a[sizeof(struct in6_addr)];

	if (g->kind != OCAP_NET_CONNECT && g->kind != OCAP_NET_UDP)
		return false;
	return inet_pton(AF_INET, g->host, a) != 1 &&
	       inet_pton(AF_INET6, g->host, a) != 1;
}

int ocap__runtime_shim(struct ocap_compiled *c)
{
	ocap_plan *p = c->plan;
	char buf[PATH_MAX];
	const char *path;
	bool names = false;
	int r;

	for (size_t i = 0; i < p->nnets; i++)
		names |= named(&p->nets[i]);
	/* With --suggest, a name no grant holds comes to the broker too,
	 * which refuses it and names the --connect that would grant it. */
	/* In place no broker answers the shim: *:PORT needs no name. */
	if (!(names || p->suggest) || c->mode != OCAP_MODE_COMPAT || c->shim ||
	    p->in_place)
		return 0;
	if (!(path = ocap__installed("/lib/ocap/libocap-resolve.so",
				     OCAP_SHIM_BUILD, OCAP_SHIM_INSTALL, buf,
				     sizeof buf)))
		return names ? ocap__plan_warn(p, "libocap-resolve.so is not "
					       "installed: granted host names "
					       "do not resolve")
			     : 0;
	if (!(c->shim = strdup(path)))
		return -ENOMEM;
	if ((r = ocap__grants_add(&c->paths, &c->npaths, c->shim,
				  OCAP_RIGHT_READ | OCAP_RIGHT_EXEC, "runtime",
				  NULL, true)) < 0)
		return r;
	return 0;
}

int ocap__runtime_add(struct ocap_compiled *c)
{
	int r;

	for (size_t i = 0; i < sizeof runtime_set / sizeof runtime_set[0]; i++)
		if ((r = add_if_present(c, runtime_set[i].path,
					runtime_set[i].rights)) < 0)
			return r;
	if (isatty(STDIN_FILENO) &&
	    (r = add_if_present(c, "/dev/tty",
				OCAP_RIGHT_READ | OCAP_RIGHT_WRITE)) < 0)
		return r;
	return 0;
}
