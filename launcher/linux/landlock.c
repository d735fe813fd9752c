/* SPDX-License-Identifier: MIT */
/*
 * Landlock stage: one ruleset per launch (domains stack only 16 deep),
 * handling everything the running ABI knows, so that what the plan does
 * not grant is denied.  Debian's headers predate the kernel, so the newer
 * constants are defined here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>


#include "landlock-abi.h"
#include "sandbox.h"

/* enum landlock_rule_type gained LANDLOCK_RULE_NET_PORT in ABI 4. */
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2

/* The ABI 6 layout; older kernels accept it while the new fields are 0. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

/* ABI 1 knows the first 13 filesystem rights. */
#define LL_FS_V1 ((1ULL << 13) - 1)

#define LL_MAKE                                                            \
	(LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR |        \
	 LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_MAKE_FIFO |       \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK)

/* What Landlock lets a rule on a non-directory hold. */
#define LL_FILE_ONLY                                                       \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |       \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |       \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV)

int ocap__ll_abi(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : (int)abi;
}

static uint64_t ll_handled_fs(int abi)
{
	uint64_t fs = LL_FS_V1;

	if (abi >= 2)
		fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return fs;
}

uint64_t ocap__ll_fs_access(ocap_rights_t r, bool dir, int abi)
{
	uint64_t a = 0;

	if (r & OCAP_RIGHT_READ)
		a |= LANDLOCK_ACCESS_FS_READ_FILE;
	if (r & OCAP_RIGHT_WRITE)
		a |= LANDLOCK_ACCESS_FS_WRITE_FILE;
	/* A device opened for reading or writing is driven with ioctl. */
	if (r & (OCAP_RIGHT_READ | OCAP_RIGHT_WRITE))
		a |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	if (r & OCAP_RIGHT_TRUNCATE)
		a |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (r & OCAP_RIGHT_EXEC)
		a |= LANDLOCK_ACCESS_FS_EXECUTE;
	if (dir && (r & OCAP_RIGHT_LIST))
		a |= LANDLOCK_ACCESS_FS_READ_DIR;
	/* Never MAKE_CHAR or MAKE_BLOCK.  REFER only lets a rename keep the
	 * rights it had: Landlock refuses one that would widen access. */
	if (dir && (r & OCAP_RIGHT_CREATE))
		a |= LL_MAKE | LANDLOCK_ACCESS_FS_REFER;
	if (dir && (r & OCAP_RIGHT_DELETE))
		a |= LANDLOCK_ACCESS_FS_REMOVE_FILE |
		     LANDLOCK_ACCESS_FS_REMOVE_DIR;
	if (!dir)
		a &= LL_FILE_ONLY;
	return abi > 0 ? a & ll_handled_fs(abi) : 0;
}

/* ---- gaps ------------------------------------------------------------ */

struct gaps {
	const struct ocap_ll_plan *p;
	bool report; /* pass each gap to p->gap */
	int n;
	char *why;
	size_t whylen;
};

__attribute__((format(printf, 2, 3)))
static void gap(struct gaps *g, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (g->n++ == 0 && g->whylen > 0)
		snprintf(g->why, g->whylen, "%s", msg);
	if (g->report && g->p->gap)
		g->p->gap(g->p->gap_ctx, msg);
}

static bool plan_grants(const struct ocap_ll_plan *p, ocap_rights_t right)
{
	for (size_t i = 0; i < p->npaths; i++)
		if (p->paths[i].rights & right)
			return true;
	return false;
}

/* Whether a seccomp filter around this process refuses Landlock (an
 * older ocapsh, another sandbox) rather than the kernel lacking it. */
static bool ll_refused(void)
{
	return syscall(__NR_landlock_create_ruleset, NULL, 0,
		       LANDLOCK_CREATE_RULESET_VERSION) < 0 && errno == EPERM;
}

static int check(const struct ocap_ll_plan *p, int abi, struct gaps *g)
{
	if (abi <= 0 && ll_refused()) {
		gap(g, "Landlock is refused by a seccomp filter around ocapsh "
		       "(another sandbox): no path, port or scope rule is "
		       "enforced");
		return g->n;
	}
	if (abi <= 0) {
		gap(g, "Landlock is not available (kernel without it, or not "
		       "in lsm= at boot): no path, port or scope rule is "
		       "enforced");
		return g->n;
	}
	if (abi < 2 && plan_grants(p, OCAP_RIGHT_CREATE))
		gap(g, "Landlock ABI %d cannot grant REFER (ABI 2): renaming "
		       "or linking across directories fails with EXDEV", abi);
	if (abi < 3)
		gap(g, "Landlock ABI %d does not restrict truncate(2) "
		       "(TRUNCATE needs ABI 3): any file may be truncated", abi);
	if (abi < 4 && !(p->flags & OCAP_LL_ANY_TCP))
		gap(g, "Landlock ABI %d does not restrict TCP (needs ABI 4): "
		       "bind and connect to any port are allowed", abi);
	if (abi < 5)
		gap(g, "Landlock ABI %d does not restrict ioctl on devices "
		       "(IOCTL_DEV needs ABI 5): a device node the file "
		       "permissions allow may be opened for ioctl alone and "
		       "driven", abi);
	if (abi < 6 && !(p->flags & OCAP_LL_UNSCOPED))
		gap(g, "Landlock ABI %d does not scope abstract Unix sockets "
		       "and signals (needs ABI 6): the program may reach "
		       "both outside the sandbox", abi);
	if (abi < 7 && (p->flags & OCAP_LL_LOG))
		gap(g, "Landlock ABI %d cannot log denials (needs ABI 7)", abi);
	return g->n;
}

int ocap__ll_check(const struct ocap_ll_plan *p, int abi, char *why,
		  size_t whylen)
{
	struct gaps g = { p, true, 0, why, whylen };

	return check(p, abi, &g);
}

/* ---- the ruleset ----------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static int fail(int err, char *why, size_t whylen, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (whylen > 0)
		snprintf(why, whylen, "%s: %s", msg, strerror(-err));
	return err;
}

static int ruleset_create(const struct ocap_ll_plan *p, int abi)
{
	struct ll_ruleset_attr attr = { .handled_access_fs = ll_handled_fs(abi) };
	long fd;

	if (abi >= 4 && !(p->flags & OCAP_LL_ANY_TCP))
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP |
					  LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (abi >= 6 && !(p->flags & OCAP_LL_UNSCOPED))
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
			      LANDLOCK_SCOPE_SIGNAL;
	fd = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	return fd < 0 ? -errno : (int)fd;
}

static int add_path(int rs, const struct ocap_ll_path *path, int abi)
{
	struct landlock_path_beneath_attr pb = { .parent_fd = path->fd };
	uint64_t dir = ocap__ll_fs_access(path->rights, true, abi);
	struct stat st;

	/* Only rights a directory alone takes (list, create, delete) make
	 * the rule depend on what the descriptor is. */
	pb.allowed_access = ocap__ll_fs_access(path->rights, false, abi);
	if (dir != pb.allowed_access && path->kind == OCAP_KIND_DIR)
		pb.allowed_access = dir;
	else if (dir != pb.allowed_access && !path->kind) {
		if (fstat(path->fd, &st) < 0)
			return -errno;
		if (S_ISDIR(st.st_mode))
			pb.allowed_access = dir;
	}
	if (pb.allowed_access == 0)
		return 0; /* nothing Landlock grants: an empty rule is ENOMSG */
	if (syscall(__NR_landlock_add_rule, rs, LL_RULE_PATH_BENEATH, &pb, 0))
		return -errno;
	return 0;
}

static int add_port(int rs, uint16_t port, uint64_t access)
{
	struct ll_net_port_attr np = { .allowed_access = access, .port = port };

	if (syscall(__NR_landlock_add_rule, rs, LL_RULE_NET_PORT, &np, 0))
		return -errno;
	return 0;
}

static int add_ports(int rs, const struct ocap_ll_plan *p, char *why,
		     size_t whylen)
{
	int err;

	for (size_t i = 0; i < p->nconnect; i++) {
		err = add_port(rs, p->connect_ports[i],
			       LANDLOCK_ACCESS_NET_CONNECT_TCP);
		if (err)
			return fail(err, why, whylen, "Landlock rule for "
				    "connect port %u", p->connect_ports[i]);
	}
	for (size_t i = 0; i < p->nbind; i++) {
		err = add_port(rs, p->bind_ports[i],
			       LANDLOCK_ACCESS_NET_BIND_TCP);
		if (err)
			return fail(err, why, whylen, "Landlock rule for "
				    "bind port %u", p->bind_ports[i]);
	}
	return 0;
}

static int add_rules(int rs, const struct ocap_ll_plan *p, int abi,
		     char *why, size_t whylen)
{
	int err;

	for (size_t i = 0; i < p->npaths; i++) {
		err = add_path(rs, &p->paths[i], abi);
		if (err)
			return fail(err, why, whylen, "Landlock rule for fd %d",
				    p->paths[i].fd);
	}
	if (abi >= 4 && !(p->flags & OCAP_LL_ANY_TCP))
		return add_ports(rs, p, why, whylen);
	return 0;
}

static int restrict_self(int rs, const struct ocap_ll_plan *p, int abi,
			 char *why, size_t whylen)
{
	unsigned flags = 0;

	if (abi >= 7 && (p->flags & OCAP_LL_LOG))
		flags |= LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON;
	if (syscall(__NR_landlock_restrict_self, rs, flags) == 0)
		return 0;
	if (errno == EPERM)
		return fail(-EPERM, why, whylen, "landlock_restrict_self "
			    "(no_new_privs is not set)");
	return fail(-errno, why, whylen, "landlock_restrict_self");
}

int ocap__ll_apply(const struct ocap_ll_plan *p, char *why, size_t whylen)
{
	bool best = p->flags & OCAP_LL_BEST_EFFORT;
	struct gaps g = { p, best, 0, why, whylen };
	int abi = ocap__ll_abi();
	int rs, err;

	if (check(p, abi, &g) > 0 && !best)
		return -EOPNOTSUPP;
	if (abi == 0)
		return g.n;
	rs = ruleset_create(p, abi);
	if (rs < 0)
		return fail(rs, why, whylen, "landlock_create_ruleset");
	err = add_rules(rs, p, abi, why, whylen);
	if (!err)
		err = restrict_self(rs, p, abi, why, whylen);
	close(rs);
	return err ? err : g.n;
}
