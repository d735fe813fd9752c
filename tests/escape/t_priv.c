/* SPDX-License-Identifier: MIT */
/*
 * Privilege.  ocapsh drops a root caller's capabilities for good (empty
 * bounding set, locked securebits, no ambient set), sets no_new_privs and
 * a hard core limit of 0; the allowlist leaves out setrlimit, unshare
 * (but the no-op CLONE_THREAD), pivot_root and a seccomp listener.  capset, landlock_*, seccomp(2)
 * (to confine further: ocapsh inside ocapsh), prctl and prlimit64 on the
 * program itself reach the kernel, so there the kernel's answer is what
 * is checked: no capability comes back, and a stacked layer can only
 * restrict more.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
#define CLONE_NEWNET_ 0x40000000
#define CLONE_NEWUSER_ 0x10000000
#define CLONE_THREAD_ 0x00010000
#define CAP_NET_BIND_SERVICE_ 10
#define LINUX_CAPABILITY_VERSION_3 0x20080522
#define PR_CAP_AMBIENT_ 47
#define PR_CAP_AMBIENT_RAISE_ 2
#define PR_SET_SECCOMP_ 22
#define SECCOMP_MODE_FILTER_ 2
#define SECCOMP_SET_MODE_FILTER_ 1
#define SECCOMP_RET_ALLOW_ 0x7fff0000u
#define RLIMIT_CORE_ 4
/* SECBIT_NOROOT, _NO_SETUID_FIXUP, _NO_CAP_AMBIENT_RAISE and their locks,
 * and SECBIT_KEEP_CAPS locked off. */
#define SECBITS_LOCKED 0xefu

/* Whether a capability is in effect: see euid.c. */
static bool holds_setpcap(void)
{
	return !(prctl(PR_CAPBSET_DROP, 63UL, 0UL, 0UL, 0UL) < 0 &&
		 errno == EPERM);
}

/* Without CAP_SYS_ADMIN the kernel says EPERM too (or EINVAL: granted
 * is no mount point). */
int t_pivot_root(const struct ctx *c)
{
	return EXPECT("pivot_root(granted, granted)",
		      syscall(SYS_pivot_root, c->granted, c->granted), EPERM);
}

/* A network namespace of its own would hold a loopback no grant names;
 * with user namespaces refused, the kernel wants CAP_SYS_ADMIN. */
int t_unshare_net(const struct ctx *c)
{
	return EXPECT("unshare(CLONE_NEWNET)",
		      syscall(SYS_unshare, CLONE_NEWNET_), EPERM);
}

/* unshare(CLONE_THREAD) alone is allowed, as a no-op: with a namespace
 * flag beside it, the call is refused. */
int t_unshare_thread_user(const struct ctx *c)
{
	return EXPECT("unshare(CLONE_THREAD | CLONE_NEWUSER)",
		      syscall(SYS_unshare, CLONE_THREAD_ | CLONE_NEWUSER_),
		      EPERM);
}

int t_capset_raise(const struct ctx *c)
{
	struct { uint32_t version; int pid; } h = {
		LINUX_CAPABILITY_VERSION_3, 0 };
	uint32_t d[6] = { ~0u, ~0u, ~0u, ~0u, ~0u, ~0u };
	long r = syscall(SYS_capset, &h, d);
	int e = errno;

	if (r == 0 || holds_setpcap())
		return say(ESCAPED, "capset(all): %s; CAP_SETPCAP %sin effect",
			   r == 0 ? "succeeded" : ename(e),
			   holds_setpcap() ? "" : "not ");
	return expect_err("capset(all)", r, e, (const int[]){ EPERM, 0 });
}

/* The set*id calls reach the kernel (GNU make needs setresuid): with no
 * CAP_SETUID or CAP_SETGID, no other id can be taken, whoever runs it. */
static int setres_other(long nr, const char *what, unsigned cur)
{
	unsigned other = cur == 0 ? 1 : 0;
	long r = syscall(nr, other, other, other);
	int e = errno;

	if (r == 0)
		return say(ESCAPED, "%s(%u) succeeded", what, other);
	return expect_err(what, r, e, (const int[]){ EPERM, 0 });
}

int t_setresuid_other(const struct ctx *c)
{
	return setres_other(SYS_setresuid, "setresuid", (unsigned)getuid());
}

int t_setresgid_other(const struct ctx *c)
{
	return setres_other(SYS_setresgid, "setresgid", (unsigned)getgid());
}

/* prctl reaches the kernel: SECBIT_NO_CAP_AMBIENT_RAISE (root) or an
 * empty permitted set (anyone) must refuse. */
int t_cap_ambient_raise(const struct ctx *c)
{
	return EXPECT("prctl(PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE)",
		      prctl(PR_CAP_AMBIENT_, PR_CAP_AMBIENT_RAISE_,
			    (unsigned long)CAP_NET_BIND_SERVICE_, 0UL, 0UL),
		      EPERM);
}

/* A root caller's bounding set is emptied and its securebits locked, so
 * that no exec gives a capability back.  Another user's bounding set is
 * the caller's (it holds nothing to drop); no_new_privs keeps exec from
 * using it, and no capability may be in effect. */
int t_capbset_empty(const struct ctx *c)
{
	char held[256] = "";
	unsigned n = 0;
	long bits;

	for (unsigned long cap = 0; cap < 64; cap++) {
		int r = prctl(PR_CAPBSET_READ, cap, 0UL, 0UL, 0UL);

		if (r < 0)
			break; /* EINVAL: past the kernel's last */
		if (r == 1 && n++ < 20)
			snprintf(held + strlen(held), sizeof held - strlen(held),
				 " %lu", cap);
	}
	if (holds_setpcap())
		return say(ESCAPED, "CAP_SETPCAP is in effect");
	if (getuid() != 0)
		return say(BLOCKED, "uid %d: no capability in effect; bounding "
			   "set of %u, the caller's", (int)getuid(), n);
	if (n)
		return say(ESCAPED, "root's bounding set holds %u "
			   "capabilities:%s", n, held);
	bits = prctl(PR_GET_SECUREBITS, 0UL, 0UL, 0UL, 0UL);
	if (bits < 0 || (bits & SECBITS_LOCKED) != SECBITS_LOCKED)
		return say(UNEXPECTED, "bounding set empty, but securebits "
			   "%#lx (want %#x)", bits, SECBITS_LOCKED);
	return say(BLOCKED, "bounding set empty, securebits %#lx locked",
		   bits);
}

struct rlim64 {
	uint64_t cur, max;
};

/* The hard core limit is 0 so that no dump writes the program's memory
 * outside its grants; raising it takes CAP_SYS_RESOURCE.  prlimit64 on
 * ourselves reaches the kernel, which must refuse. */
int t_rlimit_raise(const struct ctx *c)
{
	struct rlim64 old, want = { 1, 1 };

	if (syscall(SYS_prlimit64, 0, RLIMIT_CORE_, NULL, &old) < 0)
		return say(SETUP, "prlimit64(0, RLIMIT_CORE): %s",
			   ename(errno));
	if (old.max != 0)
		return say(UNEXPECTED, "the hard core limit is %llu, not 0",
			   (unsigned long long)old.max);
	return EXPECT("prlimit64(0, RLIMIT_CORE, hard 0 -> 1)",
		      syscall(SYS_prlimit64, 0, RLIMIT_CORE_, &want, NULL),
		      EPERM);
}

/* The old setrlimit system call, which libc no longer uses: allowed on
 * the process itself (ALLOWLIST.md), and the kernel refuses the raise
 * (EPERM) with no CAP_SYS_RESOURCE left. */
int t_setrlimit_raise(const struct ctx *c)
{
#ifdef SYS_setrlimit
	struct { unsigned long cur, max; } want = { 1, 1 };

	return EXPECT("setrlimit(RLIMIT_CORE, hard 0 -> 1)",
		      syscall(SYS_setrlimit, RLIMIT_CORE_, &want), EPERM);
#else
	return say(MISSING, "no setrlimit system call on this architecture");
#endif
}

/* Compat programs bind() themselves, Landlock checking the port: with the
 * privileged port lport granted (--listen), the kernel's own check, which
 * wants CAP_NET_BIND_SERVICE, must still refuse (EACCES).  Native ones
 * bind through the broker only (EPERM). */
int t_bind_low_port(const struct ctx *c)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int s;

	if (!c->lport)
		return say(MISSING, "no privileged port: "
			   "net.ipv4.ip_unprivileged_port_start is 0 or 1");
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return say(SETUP, "socket(AF_INET): %s", ename(errno));
	a.sin_port = htons((uint16_t)c->lport);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof a) == 0)
		return say(ESCAPED, "bound 127.0.0.1:%d without "
			   "CAP_NET_BIND_SERVICE", c->lport);
	return EXPECT("bind(127.0.0.1:privileged port, granted)", -1,
		      c->native ? EPERM : EACCES);
}

/* ---- a looser layer on top -------------------------------------------- */

/* Landlock layers only restrict (the calls are allowed, for nesting): a
 * full-access layer must leave the canary shut. */
int t_landlock_stack(const struct ctx *c)
{
	struct { uint64_t fs, net, scoped; } attr = { (1ULL << 13) - 1, 0, 0 };
	struct { uint64_t access; int32_t fd; } __attribute__((packed)) pb;
	int g = granted_dir(c), rs, fd;

	if (g < 0)
		return SETUP;
	rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (rs < 0)
		return EXPECT("landlock_create_ruleset(full access)", rs, EPERM);
	pb.access = attr.fs;
	pb.fd = openat(g, c->reldir, O_PATH | O_CLOEXEC);
	if (syscall(SYS_landlock_add_rule, rs, 1, &pb, 0) < 0 ||
	    syscall(SYS_landlock_restrict_self, rs, 0) < 0)
		return say(SETUP, "stacking a full-access Landlock layer: %s",
			   ename(errno));
	fd = openat(g, c->rel, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return leak(fd, "a full-access Landlock layer, then "
			    "openat(granted, ../canary)");
	return EXPECT("a full-access Landlock layer stacked; "
		      "openat(granted, ../canary)", fd, EACCES);
}

struct bpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

struct bpf_prog {
	unsigned short len;
	const struct bpf_insn *insns;
};

static const struct bpf_insn allow_all = { 0x06 /* BPF_RET | BPF_K */, 0,
					   0, SECCOMP_RET_ALLOW_ };
static const struct bpf_prog allow_prog = { 1, &allow_all };

/* Filters stack and the strictest answer wins: after an allow-all one,
 * what ocap's filter refuses stays refused. */
static int after_stack(const char *how)
{
	char what[96];
	long r = syscall(SYS_unshare, CLONE_NEWUSER_);

	snprintf(what, sizeof what, "%s stacked an allow-all filter; "
		 "unshare(CLONE_NEWUSER)", how);
	return EXPECT(what, r, EPERM);
}

int t_seccomp_stack(const struct ctx *c)
{
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER_, 0, &allow_prog);

	if (r < 0)
		return EXPECT("seccomp(SET_MODE_FILTER, allow all)", r, EPERM);
	return after_stack("seccomp(2)");
}

/* <linux/seccomp.h> */
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW_ (1UL << 2)
#define SECCOMP_FILTER_FLAG_NEW_LISTENER_ (1UL << 3)

/* A listener the program answers itself would let through, with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE, a call that ocap's filter hands to
 * the broker (the kernel lets the newest filter's listener take it). */
int t_seccomp_listener(const struct ctx *c)
{
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER_,
			 SECCOMP_FILTER_FLAG_NEW_LISTENER_, &allow_prog);

	if (r >= 0)
		return say(ESCAPED, "seccomp(NEW_LISTENER): listener %ld, "
			   "answered by the program itself", r);
	return EXPECT("seccomp(SET_MODE_FILTER, NEW_LISTENER)", r, EPERM);
}

/* SPEC_ALLOW turns off the speculative store bypass mitigation that a
 * filter otherwise forces on. */
int t_seccomp_spec_allow(const struct ctx *c)
{
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER_,
			 SECCOMP_FILTER_FLAG_SPEC_ALLOW_, &allow_prog);

	if (r >= 0)
		return say(ESCAPED, "seccomp(SPEC_ALLOW) stacked a filter "
			   "that turns the mitigation off");
	return EXPECT("seccomp(SET_MODE_FILTER, SPEC_ALLOW)", r, EPERM);
}

/* prctl is allowed outright: this one reaches the kernel and works. */
int t_seccomp_stack_prctl(const struct ctx *c)
{
	long r = prctl(PR_SET_SECCOMP_, SECCOMP_MODE_FILTER_, &allow_prog, 0UL,
		       0UL);

	if (r < 0)
		return EXPECT("prctl(PR_SET_SECCOMP, allow all)", r, EPERM,
			      EACCES, EINVAL);
	return after_stack("prctl(PR_SET_SECCOMP)");
}

/* ---- no_new_privs ------------------------------------------------------- */

struct exec_arg {
	int dir, out;
};

static int exec_euid(void *p)
{
	const struct exec_arg *a = p;
	char *argv[] = { "escape-euid", NULL };

	if (dup2(a->out, 1) < 0)
		return 126;
	syscall(SYS_execveat, a->dir, "escape-euid", argv, environ, 0);
	return 127;
}

/* The driver (as root) put a set-user-ID-root copy of escape-euid (euid.c)
 * in the --rx directory suid.  Run by another user it must not
 * get euid 0, nor, run by root, any capability: no_new_privs. */
int t_nnp_setuid_exec(const struct ctx *c)
{
	struct exec_arg a;
	struct statvfs vfs;
	struct stat st;
	char buf[128] = "";
	int p[2], ws, euid = -1;
	ssize_t n;

	if ((a.dir = grant_dir(c, c->suid)) < 0)
		return SETUP;
	if (fstatat(a.dir, "escape-euid", &st, 0) < 0)
		return say(SETUP, "suid/escape-euid: %s", ename(errno));
	if (st.st_uid != 0 || !(st.st_mode & S_ISUID))
		return say(MISSING, "escape-euid is not set-user-ID root (the "
			   "driver makes it so only when run as root)");
	if (fstatvfs(a.dir, &vfs) == 0 && (vfs.f_flag & ST_NOSUID))
		return say(MISSING, "the set-user-ID helper is on a nosuid "
			   "mount: the bit has no effect to test");
	if (pipe2(p, O_CLOEXEC) < 0)
		return say(SETUP, "pipe2: %s", ename(errno));
	a.out = p[1];
	ws = in_child(exec_euid, &a);
	close(p[1]);
	n = read(p[0], buf, sizeof buf - 1);
	if (ws == -1 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0 || n <= 0)
		return say(SETUP, "running suid/escape-euid: status %#x, "
			   "output \"%.*s\"", ws, (int)(n > 0 ? n - 1 : 0), buf);
	buf[strcspn(buf, "\n")] = '\0';
	sscanf(buf, "euid=%d", &euid);
	if (euid != (int)getuid() || !strstr(buf, "caps=none"))
		return say(ESCAPED, "set-user-ID-root escape-euid run by uid "
			   "%d: %s", (int)getuid(), buf);
	return say(BLOCKED, "set-user-ID-root escape-euid run by uid %d: %s "
		   "(no_new_privs)", (int)getuid(), buf);
}
