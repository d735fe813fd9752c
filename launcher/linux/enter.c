/* SPDX-License-Identifier: MIT */
/*
 * Entering capability mode on Linux: the launcher's own enforcement
 * (ocap__ll_apply, the prebuilt native seccomp program) applied to the
 * calling process, with a namespace in place of a plan.  prepare makes
 * no change, so that a refusal leaves the process as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backend.h"
#include "classes.h"
#include "landlock-abi.h"
#include "nesting.h"
#include "report.h"
#include "sandbox.h"

/* libocap's (libcap/sys.c): the procfs root it reopens file
 * capabilities through.  Weak: a shared libocap keeps it to itself, and
 * opens it when a capability is made. */
hidden int ocap__proc_root(void);
#pragma weak ocap__proc_root

struct ocap__entry {
	unsigned flags;
	int abi;
	bool seccomp;  /* filters can be loaded */
	struct ocap_ll_path *paths;
	struct ocap_ll_plan ll;
};

/* Threads of this process, from /proc/self/stat (field 20). */
static int count_threads(void)
{
	char buf[1024], *p;
	ssize_t n;
	long threads;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the name may hold spaces and parens */
	for (int field = 2; p && field < 20; field++)
		p = strchr(p + 1, ' ');
	if (!p || (threads = strtol(p + 1, NULL, 10)) < 1)
		return -EIO;
	return (int)threads;
}

/* One thread, or how many: unshare(CLONE_THREAD) changes nothing and
 * fails with EINVAL when other threads run, and needs no /proc (inside
 * ocapsh /proc is not granted); a filter refusing it leaves /proc. */
static int thread_count(void)
{
	int n;

	if (syscall(SYS_unshare, CLONE_THREAD) == 0)
		return 1;
	if (errno != EINVAL)
		return count_threads();
	n = count_threads();
	return n > 1 ? n : 2; /* at least two, /proc or not */
}

static int probe_threads(struct ocap_enter_report *r)
{
	int n = thread_count();

	if (n < 0) {
		ocap__report_add(r, "threads", 0, "cannot count this process's "
				 "threads (/proc/self/stat: %s)", strerror(-n));
		return n;
	}
	if (n > 1) {
		/* Landlock's TSYNC (ABI 8) would cover them; seccomp's alone
		 * would leave every other thread outside Landlock. */
		ocap__report_add(r, "threads", 0, "%d threads run: Landlock "
				 "before ABI 8 restricts the calling thread "
				 "only; enter before starting threads", n);
		return -EBUSY;
	}
	ocap__report_add(r, "threads", 1, "one thread: each restriction "
			 "covers the whole process and what it starts");
	return 0;
}

/* The ABI, telling a kernel without Landlock from a filter refusing it. */
static int probe_landlock(struct ocap_enter_report *r)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);

	if (abi > 0)
		return (int)abi;
	if (errno == EPERM)
		ocap__report_add(r, "landlock", 0, "landlock_create_ruleset is "
				 "refused by a seccomp filter in force (nested "
				 "sandboxes are not supported yet)");
	return 0; /* the gap itself comes from ocap__ll_check */
}

static bool probe_seccomp(struct ocap_enter_report *r)
{
	uint32_t action = SECCOMP_RET_ERRNO;

	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0) {
		ocap__report_add(r, "seccomp", 1, "the native program: %d "
				 "system calls, none with a path on AT_FDCWD; "
				 "no connect, bind or listen of its own",
				 ocap__seccomp_prebuilt_count(OCAP_SC_NATIVE));
		return true;
	}
	ocap__report_add(r, "seccomp", 0, "seccomp filters cannot be loaded "
			 "(%s): every path on AT_FDCWD and the network stay "
			 "reachable", strerror(errno));
	return false;
}

static void gap_to_report(void *ctx, const char *reason)
{
	ocap__report_add(ctx, "landlock", 0, "%s", reason);
}

/* A file capability's host path, which only /proc tells. */
static int host_path(int fd, char *buf, size_t size)
{
	char link[32];
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

struct nest_report {
	const char **names; /* each path rule's capability's */
	struct ocap_enter_report *r;
};

static int nested_found(void *ctx, size_t outer, size_t inner,
			uint64_t more, int err)
{
	const struct nest_report *n = ctx;
	struct ocap_enter_report *r = n->r;
	const char *in = n->names[inner];

	(void)more;
	if (err < 0)
		ocap__report_add(r, "landlock", 0, "cannot tell where %s lies "
				 "on the host (%s)", in, strerror(-err));
	else
		ocap__report_add(r, "landlock", 0, "%s lies beneath %s on the "
				 "host: Landlock gives it the wider rights too",
				 in, n->names[outer]);
	return 0;
}

/* Landlock widens a rule with the rights of every rule above it: a
 * capability nested on the host in a wider one is not enforced as
 * narrower. */
static int check_nesting(const struct ocap__entry *e, const char **names,
			 struct ocap_enter_report *r)
{
	struct ocap_nest *v = calloc(e->ll.npaths, sizeof *v);
	struct nest_report ctx = { names, r };
	int err;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < e->ll.npaths; i++) {
		uint64_t a = ocap__ll_fs_access(e->paths[i].rights, true,
						e->abi);

		v[i] = (struct ocap_nest){
			.dirfd = e->paths[i].fd, .path = "", .gives = a,
			.holds = a, .inner = true,
			.file_rights = ocap__ll_fs_access(OCAP_RIGHTS_ALL,
							  false, e->abi) };
	}
	err = ocap__nest_check(v, e->ll.npaths, host_path, nested_found, &ctx);
	free(v);
	return err;
}

/* Directory and file capabilities become path rules; a dropped class
 * takes its rights away from Landlock too. */
static int build_landlock(struct ocap__entry *e, const ocap_ns *ns,
			  struct ocap_enter_report *r)
{
	size_t n = ocap_ns_count(ns);
	ocap_rights_t drop = 0;

	if (e->flags & OCAP_ENTER_NO_CREATE)
		drop |= OCAP_RIGHT_CREATE;
	if (e->flags & OCAP_ENTER_NO_EXEC)
		drop |= OCAP_RIGHT_EXEC;
	const char **names = calloc(n ? n : 1, sizeof *names);
	int err = 0;

	e->paths = calloc(n ? n : 1, sizeof *e->paths);
	if (!e->paths || !names) {
		free(names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const ocap_cap *c = ocap_ns_entry(ns, i);
		int kind = ocap_cap_kind(c);

		if (kind == OCAP_KIND_DIR || kind == OCAP_KIND_FILE) {
			names[e->ll.npaths] = ocap_cap_name(c);
			e->paths[e->ll.npaths++] = (struct ocap_ll_path){
				.fd = ocap_cap_fd(c),
				.rights = ocap_cap_rights(c) & ~drop };
		}
	}
	e->ll.paths = e->paths;
	/* Before ABI 4 the native seccomp program alone keeps TCP out. */
	e->ll.flags = OCAP_LL_BEST_EFFORT | (e->abi < 4 ? OCAP_LL_ANY_TCP : 0);
	e->ll.gap = gap_to_report;
	e->ll.gap_ctx = r;
	if (ocap__ll_check(&e->ll, e->abi, NULL, 0) == 0)
		ocap__report_add(r, "landlock", 1, "ABI %d: %zu path rules from "
				 "the namespace, no other path%s%s", e->abi,
				 e->ll.npaths,
				 e->abi >= 4 ? ", no TCP port" : "",
				 e->abi >= 6 ? ", abstract Unix sockets and "
					       "signals scoped" : "");
	if (e->abi > 0 && e->ll.npaths > 1)
		err = check_nesting(e, names, r);
	free(names);
	e->ll.gap = NULL; /* apply reports nothing twice */
	return err;
}

static bool holds_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	return syscall(SYS_capget, &h, d) < 0 || d[0].permitted ||
	       d[1].permitted || d[0].effective || d[1].effective;
}

int ocap__be_enter_prepare(const ocap_ns *ns, unsigned flags,
			   struct ocap_enter_report *r,
			   struct ocap__entry **out)
{
	struct ocap__entry *e;
	int err;

	*out = NULL;
	if ((err = probe_threads(r)) < 0)
		return err;
	if (!(e = calloc(1, sizeof *e)))
		return -ENOMEM;
	*out = e;
	e->flags = flags;
	e->abi = probe_landlock(r);
	r->landlock_abi = e->abi;
	if ((err = build_landlock(e, ns, r)) < 0)
		return err;
	e->seccomp = probe_seccomp(r);
	ocap__report_add(r, "no_new_privs", 1, "no exec gains a privilege "
			 "(set-ID bits, file capabilities)");
	ocap__report_add(r, "capabilities", 1, holds_caps()
			 ? "every set emptied; bounding set and securebits "
			   "locked where CAP_SETPCAP allows"
			 : "none held, none to gain");
	ocap__enter_classes_report(flags, e->seccomp, e->abi, r);
	return 0;
}

/* Empty every capability set; with CAP_SETPCAP also the bounding set,
 * and lock the securebits so that nothing brings one back. */
static int drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

	if (!holds_caps())
		return 0;
	(void)prctl(PR_SET_SECUREBITS,
		    SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			    SECBIT_NO_SETUID_FIXUP |
			    SECBIT_NO_SETUID_FIXUP_LOCKED |
			    SECBIT_KEEP_CAPS_LOCKED |
			    SECBIT_NO_CAP_AMBIENT_RAISE |
			    SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0, 0);
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		(void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0); /* EPERM: no
			   CAP_SETPCAP; no_new_privs keeps exec from using it */
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

static int failed(struct ocap_enter_report *r, const char *step, int err,
		  const char *why)
{
	ocap__report_add(r, "enter", 0, "%s failed (%s%s%s): the steps "
			 "before it are in force", step, strerror(-err),
			 why && *why ? ": " : "", why ? why : "");
	return err;
}

int ocap__be_enter_apply(struct ocap__entry *e, struct ocap_enter_report *r)
{
	char why[256] = "";
	int err;

	/* Open now, while /proc is reachable on AT_FDCWD. */
	if (ocap__proc_root)
		(void)ocap__proc_root();
	if ((err = drop_caps()) < 0)
		return failed(r, "dropping capabilities", err, NULL);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return failed(r, "no_new_privs", -errno, NULL);
	if (e->abi > 0 && (err = ocap__ll_apply(&e->ll, why, sizeof why)) < 0)
		return failed(r, "Landlock", err, why);
	/* The native program refuses seccomp(2): it goes last. */
	if (e->seccomp && (err = ocap__enter_classes_load(e->flags)) < 0)
		return failed(r, "the classes' seccomp filters", err, NULL);
	if (e->seccomp && (err = ocap__seccomp_load(OCAP_SC_NATIVE)) < 0)
		return failed(r, "the native seccomp program", err, NULL);
	r->entered = 1;
	return 0;
}

void ocap__be_enter_free(struct ocap__entry *e)
{
	if (!e)
		return;
	free(e->paths);
	free(e);
}
