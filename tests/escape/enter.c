/* SPDX-License-Identifier: MIT */
/*
 * The entered mode: escape-probe --enter GRANT... -- NAME KEY=VALUE...
 * confines itself with ocap_enter(3) instead of running under ocapsh.
 * The grants are spelt as ocapsh's (run.sh passes the very ones it gives
 * ocapsh in the other modes): --rw, --ro, --rx and --grant PATH=RIGHTS
 * become directory and file capabilities named by their host path, as
 * ocapsh's table names them; --connect, --listen and --udp become the
 * namespace's network grants, which a helper keeps.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

#ifdef ESCAPE_NO_ENTER

int probe_can_enter(void)
{
	return say(MISSING, "this escape-probe has no ocap_enter (a "
		   "sanitizer build: libocap-launch is instrumented and the "
		   "probe runs without a sanitizer)");
}

int probe_enter(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return probe_can_enter();
}

int entered_dir(const char *path)
{
	(void)path;
	return -1;
}

#else

#include <ocap/enter.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* The namespace entered, which grant_dir() looks in. */
static ocap_ns *entered;

int probe_can_enter(void)
{
	return 0;
}

/* Mount host path with rights, named by its path. */
static int mount_path(ocap_ns *ns, const char *path, ocap_rights_t rights)
{
	ocap_cap *cap;
	int r = ocap_cap_open(path, rights, &cap);

	if (r < 0)
		return r;
	if ((r = ocap_ns_mount(ns, cap)) < 0)
		ocap_cap_close(cap);
	return r;
}

/* --grant PATH=RIGHTS (the last '=': a path may hold one). */
static int mount_grant(ocap_ns *ns, char *arg)
{
	char *eq = strrchr(arg, '=');
	ocap_rights_t rights;
	int r;

	if (!eq)
		return -EINVAL;
	*eq = '\0';
	r = ocap_rights_parse(eq + 1, &rights, NULL);
	return r < 0 ? r : mount_path(ns, arg, rights);
}

static int add_grant(ocap_ns *ns, const char *opt, char *value)
{
	if (!strcmp(opt, "--rw"))
		return mount_path(ns, value, OCAP_RIGHTS_RW);
	if (!strcmp(opt, "--ro"))
		return mount_path(ns, value, OCAP_RIGHTS_RO);
	if (!strcmp(opt, "--rx"))
		return mount_path(ns, value, OCAP_RIGHTS_RX);
	if (!strcmp(opt, "--grant"))
		return mount_grant(ns, value);
	return ocap_enter_grant(ns, opt, value);
}

/* What the kernel would not enforce, for the SKIP line. */
static int unenforced(const struct ocap_enter_report *r, int err)
{
	char why[512] = "";

	for (size_t i = 0; i < r->nitems; i++)
		if (!r->items[i].enforced)
			snprintf(why + strlen(why), sizeof why - strlen(why),
				 "%s%s: %s", *why ? "; " : "",
				 r->items[i].what, r->items[i].how);
	if (err == -EOPNOTSUPP)
		return say(MISSING, "ocap_enter(STRICT) refuses: %s", why);
	return say(SETUP, "ocap_enter(STRICT): %s (%s)", ename(-err), why);
}

int probe_enter(int argc, char **argv)
{
	struct ocap_enter_report rep;
	ocap_ns *ns;
	int i, r;

	/* What the driver holds open for ocapsh to close (the canary on 7,
	 * its directory on 8) is this program's to drop: ocap_enter keeps
	 * every descriptor the process holds, as cap_enter(2) does. */
	if (syscall(SYS_close_range, 3, ~0u, 0) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	/* No core dump, as ocapsh starts its programs, so that rlimit-raise
	 * tests that no capability is left to raise it again. */
	if (setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 }) < 0)
		return say(SETUP, "setrlimit(RLIMIT_CORE, 0): %s",
			   ename(errno));
	if ((r = ocap_ns_new(&ns)) < 0)
		return say(SETUP, "ocap_ns_new: %s", ename(-r));
	for (i = 0; i + 1 < argc; i += 2)
		if ((r = add_grant(ns, argv[i], argv[i + 1])) < 0)
			return say(SETUP, "grant %s %s: %s", argv[i],
				   argv[i + 1], ename(-r));
	if (i != argc)
		return say(SETUP, "grant %s without a value", argv[i]);
	if ((r = ocap_enter(ns, OCAP_ENTER_STRICT, &rep)) < 0)
		return unenforced(&rep, r);
	entered = ns;
	return 0;
}

int entered_dir(const char *path)
{
	const ocap_cap *cap = entered ? ocap_ns_find(entered, path) : NULL;

	return cap ? ocap_cap_fd(cap) : -1;
}

#endif
