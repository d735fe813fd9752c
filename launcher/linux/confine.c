/* SPDX-License-Identifier: MIT */
/*
 * The broker confines itself before it reads the program's first word
 * (broker/broker.c, confine()): a process of its own
 * (launch.c forks it), it keeps no capability it does not use, reaches the
 * file system only beneath the grants plus what serving them takes, makes
 * TCP connections and binds only to the granted ports, and reaches only the
 * system calls below.  A broker confused by the program can then do no
 * more than the grants say; a peer it connects for the program sees a
 * process with no more authority than the program's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compile.h"
#include "enforce.h"
#include "sandbox.h"

/* What serving the grants reads beyond them: the program's /proc entries
 * (descendants to kill, the supervisor's view of its tasks) and what
 * resolving a granted name reads (NSS and its modules). */
static const char *const readable[] = {
	"/dev/null", /* read and written, for the program's closed stdio */
	"/proc",
	"/etc/hosts",
	"/etc/resolv.conf",
	"/etc/nsswitch.conf",
	"/etc/host.conf",
	"/etc/gai.conf",
	"/etc/services",
	"/etc/protocols",
	"/etc/ld.so.cache",
	"/usr/lib",
	"/lib",
};
#define NREADABLE (sizeof readable / sizeof readable[0])

/* DNS answers too long for UDP come over TCP. */
#define DNS_PORT 53

/* The port below which binding takes CAP_NET_BIND_SERVICE. */
#define LOW_PORTS 1024

bool ocap__broker_binds_low(const ocap_plan *p)
{
	for (size_t i = 0; i < p->nnets; i++)
		if (p->nets[i].kind == OCAP_NET_LISTEN &&
		    p->nets[i].port > 0 && p->nets[i].port < LOW_PORTS)
			return true;
	return false;
}

static int landlock(const struct ocap_compiled *c)
{
	const ocap_plan *p = c->plan;
	struct ocap_ll_path *paths = calloc(c->npaths + NREADABLE + 1,
					    sizeof *paths);
	uint16_t *conn = calloc(p->nnets + 1, sizeof *conn);
	uint16_t *bind = calloc(p->nnets + 1, sizeof *bind);
	struct ocap_ll_plan ll = { .paths = paths,
				   .connect_ports = conn,
				   .bind_ports = bind,
				   .flags = OCAP_LL_UNSCOPED };
	size_t first = 0, learn = c->enforce && c->enforce->learn;
	int r = -ENOMEM;

	if (!paths || !conn || !bind)
		goto out;
	for (size_t i = 0; i < c->npaths; i++)
		if (c->paths[i].fd >= 0)
			paths[ll.npaths++] = (struct ocap_ll_path){
				.fd = c->paths[i].fd,
				.rights = c->paths[i].rights,
				.kind = c->paths[i].kind };
	first = ll.npaths;
	for (size_t i = 0; i < NREADABLE + learn; i++) {
		/* --learn in compat mode: the reads it lets through are
		 * its own, each checked first (broker/suggest.c) */
		int fd = openat(AT_FDCWD, i < NREADABLE ? readable[i] : "/",
				O_PATH | O_CLOEXEC);
		if (fd >= 0)
			paths[ll.npaths++] = (struct ocap_ll_path){
				.fd = fd,
				.rights = OCAP_RIGHT_READ | OCAP_RIGHT_LIST |
					  (i == 0 ? OCAP_RIGHT_WRITE : 0) };
	}
	conn[ll.nconnect++] = DNS_PORT;
	for (size_t i = 0; i < p->nnets; i++) {
		if (p->nets[i].kind == OCAP_NET_CONNECT)
			conn[ll.nconnect++] = p->nets[i].port;
		else if (p->nets[i].kind == OCAP_NET_LISTEN)
			bind[ll.nbind++] = p->nets[i].port;
	}
	/* A second wall behind the broker's checks: what this kernel
	 * cannot enforce of it is left out, not refused. */
	ll.flags |= OCAP_LL_BEST_EFFORT;
	r = ocap__ll_apply(&ll, NULL, 0);
out:
	for (size_t i = first; paths && i < ll.npaths; i++)
		close(paths[i].fd);
	free(paths);
	free(conn);
	free(bind);
	return r < 0 ? r : 0;
}

/* Every capability goes, from every set, but CAP_NET_BIND_SERVICE when
 * a --listen grant names a port below 1024: the broker binds it.  The
 * bounding set is emptied one capability at a time up to the kernel's
 * last (the first EINVAL), which takes CAP_SETPCAP: without it every
 * drop would fail (EPERM), so none is tried. */
static int drop_caps(const ocap_plan *p)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	bool keep = ocap__broker_binds_low(p);
	bool got = syscall(SYS_capget, &h, d) == 0;
	bool setpcap = !got || (d[0].effective & CAP_TO_MASK(CAP_SETPCAP));

	for (int cap = 0; setpcap && cap < 64; cap++)
		if (!(keep && cap == CAP_NET_BIND_SERVICE) &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
			break; /* past the last one */
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (keep && got) {
		uint32_t bit = CAP_TO_MASK(CAP_NET_BIND_SERVICE);
		bool has = d[0].permitted & bit;
		d[0] = (struct __user_cap_data_struct){ has ? bit : 0,
							has ? bit : 0, 0 };
		d[1] = (struct __user_cap_data_struct){ 0, 0, 0 };
	} else {
		memset(d, 0, sizeof d);
	}
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/* Effective capabilities set aside (the permitted stay, for the loop's
 * thread), no_new_privs, and the program's own Landlock rules. */
int ocap__be_confine_opener(const struct ocap_compiled *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	struct ocap_ll_path *paths = calloc(c->npaths + 1, sizeof *paths);
	struct ocap_ll_plan ll = { .paths = paths,
				   .flags = OCAP_LL_ANY_TCP | OCAP_LL_UNSCOPED };
	int r;

	if (!paths)
		return -ENOMEM;
	for (size_t i = 0; i < c->npaths; i++)
		if (c->paths[i].fd >= 0) /* a grant not opened grants nothing */
			paths[ll.npaths++] = (struct ocap_ll_path){
				.fd = c->paths[i].fd,
				.rights = c->paths[i].rights,
				.kind = c->paths[i].kind };
	if (c->plan->best_effort)
		ll.flags |= OCAP_LL_BEST_EFFORT;
	r = syscall(SYS_capget, &h, d) < 0 ? -errno : 0;
	d[0].effective = d[1].effective = 0;
	if (r == 0 && syscall(SYS_capset, &h, d) < 0)
		r = -errno;
	if (r == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = -errno;
	if (r == 0)
		r = ocap__ll_apply(&ll, NULL, 0);
	free(paths);
	return r < 0 ? r : 0;
}

int ocap__be_confine_broker_fs(const struct ocap_compiled *c)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return landlock(c);
}

int ocap__be_confine_broker(const struct ocap_compiled *c)
{
	int r = drop_caps(c->plan);

	return r < 0 ? r : ocap__seccomp_load_broker();
}
