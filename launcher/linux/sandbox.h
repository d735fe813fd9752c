/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCHER_SANDBOX_H
#define OCAP_LAUNCHER_SANDBOX_H

/*
 * The launcher's two enforcement stages, applied in the child after
 * no_new_privs and before execve: Landlock (what paths, ports, sockets and
 * signals the program reaches), then seccomp (what kernel code it reaches).
 * Internal to libocap-launch.  Every function returns 0 (or a count) on
 * success and a negative errno value on failure; none prints or exits.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/filter.h>

#include <ocap/ocap.h>

/* ---- Landlock ----------------------------------------------------------- */

/* The running kernel's Landlock ABI version; 0 when Landlock is not built
 * in or not enabled at boot (ENOSYS, EOPNOTSUPP). */
int ocap__ll_abi(void);

/* The Landlock filesystem access that rights give beneath a directory
 * (dir true) or on one file, restricted to what abi knows.  Rights:
 *   read   READ_FILE (+ IOCTL_DEV, ABI 5)
 *   list   READ_DIR                           (directories only)
 *   write  WRITE_FILE (+ IOCTL_DEV, ABI 5); not TRUNCATE, see truncate
 *   truncate  TRUNCATE (ABI 3)
 *   create MAKE_REG, MAKE_DIR, MAKE_SYM, MAKE_FIFO, MAKE_SOCK, REFER (ABI 2)
 *          (directories only; never MAKE_CHAR or MAKE_BLOCK)
 *   delete REMOVE_FILE, REMOVE_DIR             (directories only)
 *   exec   EXECUTE
 * connect and listen have no filesystem meaning. */
uint64_t ocap__ll_fs_access(ocap_rights_t rights, bool dir, int abi);

/* One path rule: a descriptor (O_PATH is enough) for a directory or a file
 * and the rights granted beneath it. */
struct ocap_ll_path {
	int fd;
	ocap_rights_t rights;
	int kind; /* OCAP_KIND_DIR or OCAP_KIND_FILE; 0: fstat asks */
};

/* Plan flags.  A zeroed plan is the strictest: no path, no TCP port, no
 * abstract Unix socket or signal out of the sandbox. */
/* Leave TCP bind and connect unrestricted. */
#define OCAP_LL_ANY_TCP (1u << 0)
/* Let abstract Unix sockets and signals reach out of the sandbox. */
#define OCAP_LL_UNSCOPED (1u << 1)
/* Audit-log the exec'd program's denials (ABI 7). */
#define OCAP_LL_LOG (1u << 2)
/* Enforce what the kernel can and report the rest through gap. */
#define OCAP_LL_BEST_EFFORT (1u << 3)

/* Called once per thing the running kernel cannot enforce or provide, with
 * a one-line reason (no trailing newline). */
typedef void ocap__ll_gap_fn(void *ctx, const char *reason);

struct ocap_ll_plan {
	const struct ocap_ll_path *paths;
	size_t npaths;
	const uint16_t *connect_ports; /* TCP ports the program may connect to */
	size_t nconnect;
	const uint16_t *bind_ports; /* TCP ports it may bind (0: ephemeral) */
	size_t nbind;
	unsigned flags; /* OCAP_LL_* */
	ocap__ll_gap_fn *gap; /* may be NULL */
	void *gap_ctx;
};

/* Report, through p->gap, everything in p that Landlock ABI abi cannot
 * enforce (or cannot grant: cross-directory rename on ABI 1).  Returns the
 * number of gaps; the first is also written to why.  Makes no system call,
 * so --explain can use it for any ABI. */
int ocap__ll_check(const struct ocap_ll_plan *p, int abi, char *why,
		  size_t whylen);

/* Build one ruleset from p and restrict the calling thread with it.  The
 * caller has set no_new_privs and has no other threads.  The handled set
 * is everything the running ABI knows, so what p does not grant is denied.
 * Without OCAP_LL_BEST_EFFORT any gap is -EOPNOTSUPP and nothing is
 * restricted; with it each gap goes to p->gap and the rest is enforced.
 * Returns the number of gaps tolerated (0 when everything is enforced) or
 * a negative errno, with a one-line reason in why (if whylen > 0). */
int ocap__ll_apply(const struct ocap_ll_plan *p, char *why, size_t whylen);

/* ---- seccomp ------------------------------------------------------------ */

/* The two ways to run a program (DESIGN.md), each in two programs: one
 * whose metadata calls go to a supervisor (the broker) as user
 * notifications, and one that refuses them, for when no supervisor can
 * listen (a filter around ocapsh has a listener already). */
enum ocap_sc_mode {
	OCAP_SC_COMPAT = 0, /* unmodified binary: Landlock confines paths */
	OCAP_SC_NATIVE = 1, /* capability mode: no AT_FDCWD, no own connect */
	OCAP_SC_SUPER = 2,  /* compat, supervised */
	OCAP_SC_NSUPER = 3, /* native, supervised */
	OCAP_SC_NMODES
};

static inline bool ocap__sc_native(int mode)
{
	return mode == OCAP_SC_NATIVE || mode == OCAP_SC_NSUPER;
}

static inline bool ocap__sc_supervised(int mode)
{
	return mode == OCAP_SC_SUPER || mode == OCAP_SC_NSUPER;
}

/* "compat", "native", "supervised", "supervised_native"; "?" for a bad
 * mode. */
const char *ocap__seccomp_mode_name(int mode);

/* Load mode's default program, compiled to BPF at build time.  The caller
 * has set no_new_privs (or holds CAP_SYS_ADMIN).  Returns 0, or for a
 * supervised mode the listener descriptor (close-on-exec) through which
 * the supervisor receives the notifications: -EBUSY when a filter
 * already installed has a listener.  -EINVAL for a bad mode. */
int ocap__seccomp_load(int mode);

/* Compat-mode allowances a grant needs, given in extra: socket(AF_UNIX)
 * for --connect unix:, UDP sockets for --udp, listen() for --listen.  The
 * default compat program has none of them.  Each has a bit in a mask;
 * the bits go up in the order backend.c lists the flags. */
#define OCAP_SC_ALLOW_UDP    "@udp"
#define OCAP_SC_BIT_UDP      (1u << 0)
#define OCAP_SC_ALLOW_UNIX   "@unix"
#define OCAP_SC_BIT_UNIX     (1u << 1)
#define OCAP_SC_ALLOW_LISTEN "@listen"
#define OCAP_SC_BIT_LISTEN   (1u << 2)
/* Supervised compat: stat, access, readlink, getxattr, statfs go to the
 * broker too (--hide-metadata). */
#define OCAP_SC_HIDE         "@hide"
#define OCAP_SC_BIT_HIDE     (1u << 3)
/* Supervised compat: the calls that open, execute, make or remove a path
 * go to the broker, which notes the grant a path outside them would need
 * and lets the call continue to Landlock (--suggest). */
#define OCAP_SC_SUGGEST      "@suggest"
#define OCAP_SC_BIT_SUGGEST  (1u << 4)
#define OCAP_SC_FLAGS_ALL    0x1fu

/* The flag whose bit is bit, or NULL. */
static inline const char *ocap__seccomp_flag(unsigned bit)
{
	switch (bit) {
	case OCAP_SC_BIT_UDP:
		return OCAP_SC_ALLOW_UDP;
	case OCAP_SC_BIT_UNIX:
		return OCAP_SC_ALLOW_UNIX;
	case OCAP_SC_BIT_LISTEN:
		return OCAP_SC_ALLOW_LISTEN;
	case OCAP_SC_BIT_HIDE:
		return OCAP_SC_HIDE;
	case OCAP_SC_BIT_SUGGEST:
		return OCAP_SC_SUGGEST;
	default:
		return NULL;
	}
}

/* Whether mode's program with extra sends the program's sendmsg to the
 * listener (seccomp.c, add_sends): supervised compat with datagram
 * sockets about, whose sends may name an address. */
static inline bool ocap__seccomp_sends_supervised(int mode,
						  const char *const *extra,
						  size_t n)
{
	for (size_t i = 0; mode == OCAP_SC_SUPER && i < n; i++)
		if (!strcmp(extra[i], OCAP_SC_ALLOW_UDP) ||
		    !strcmp(extra[i], OCAP_SC_ALLOW_UNIX))
			return true;
	return false;
}

/* The mask of the flags in extra, in any order; -1 when extra holds
 * anything else (a syscall). */
int ocap__seccomp_flags_mask(const char *const *extra, size_t n);

/* Load mode's program with the n syscalls in extra (names, or decimal
 * numbers) allowed unconditionally, and the flags in it, returning as
 * ocap__seccomp_load does: compiled at build time when extra holds flags
 * alone, else by libseccomp now.  -EINVAL when a name is unknown (check
 * names first with ocap__seccomp_resolve). */
int ocap__seccomp_load_extra(int mode, const char *const *extra, size_t n);

/* The syscall number of name on this architecture, or -EINVAL. */
int ocap__seccomp_resolve(const char *name);

/* How many syscalls mode's default program lets reach the kernel, counting
 * those allowed only with some arguments (clone3, answered ENOSYS without
 * reaching the kernel, is not counted). */
int ocap__seccomp_count(int mode);

/* The i-th of those syscalls in table order, or NULL past the end.  When
 * note is not NULL it gets the argument restriction ("" for none). */
const char *ocap__seccomp_name(int mode, size_t i, const char **note);

/* Compile mode's program (plus extra, as for ocap__seccomp_load_extra)
 * with libseccomp into a malloc'ed BPF program of *len instructions.  Used
 * by gen-seccomp at build time and by ocap__seccomp_load_extra. */
int ocap__seccomp_compile(int mode, const char *const *extra, size_t n,
			 struct sock_filter **prog, size_t *len);

/* The broker's own allowlist (broker_sc.c), compiled at build time by
 * gen-seccomp, loaded on the calling thread and those it makes
 * afterwards.  The caller has set no_new_privs. */
int ocap__seccomp_load_broker(void);
/* Compile the broker's allowlist with libseccomp (gen-seccomp). */
int ocap__seccomp_broker_compile(struct sock_filter **prog, size_t *len);
/* The broker's prebuilt program. */
void ocap__seccomp_broker_prebuilt(const struct sock_filter **prog,
				   size_t *len);
/* Export libseccomp's ctx as BPF into a malloc'ed program with room
 * instructions free before it: *len counts the exported ones. */
int ocap__seccomp_export(void *ctx, size_t room, struct sock_filter **prog,
			 size_t *len);

/* mode's prebuilt program, from the source gen-seccomp writes at build
 * time; -EINVAL for a bad mode. */
int ocap__seccomp_prebuilt(int mode, const struct sock_filter **prog,
			  size_t *len);
/* mode's program with the flags in mask, compiled at build time with
 * them in bit order; -EINVAL when there is none (a mode other than compat
 * and supervised, an empty or bad mask). */
int ocap__seccomp_prebuilt_flags(int mode, unsigned mask,
				 const struct sock_filter **prog, size_t *len);
/* How many syscalls mode's prebuilt program lets reach the kernel
 * (ocap__seccomp_count when it was built), without libseccomp's table;
 * -EINVAL for a bad mode. */
int ocap__seccomp_prebuilt_count(int mode);

#endif
