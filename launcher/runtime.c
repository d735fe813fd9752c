/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"


/* What an unmodified dynamically linked program needs to start: the
 * loader's libraries and cache, locale and time zone data, and the
 * harmless devices.  Entries missing on this host are left out. */
static const struct {
	const char *path;
	ocap_rights_t rights;
} runtime_set[] = {
	{ "/usr/lib", OCAP_RIGHTS_RO },
	{ "/usr/lib64", OCAP_RIGHTS_RO },
	{ "/lib", OCAP_RIGHTS_RO },
	{ "/lib64", OCAP_RIGHTS_RO },
	{ "/etc/ld.so.cache", OCAP_RIGHT_READ },
	{ "/etc/localtime", OCAP_RIGHT_READ },
	{ "/usr/share/locale", OCAP_RIGHTS_RO },
	{ "/usr/share/zoneinfo", OCAP_RIGHTS_RO },
	{ "/dev/null", OCAP_RIGHT_READ | OCAP_RIGHT_WRITE },
	{ "/dev/zero", OCAP_RIGHT_READ },
	{ "/dev/urandom", OCAP_RIGHT_READ },
	{ "/dev/random", OCAP_RIGHT_READ },
};

static int add_if_present(ocap_plan *p, const char *path, ocap_rights_t r)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;
	return ocap__plan_add_path(p, path, r, "runtime", true);
}

/* The executable itself and the interpreters the kernel opens for it. */
static int add_exe(ocap_plan *p, const struct ocap_exe *x, const char *prog)
{
	struct ocap_exe ix;
	int r;

	if ((r = add_if_present(p, prog, OCAP_RIGHT_READ | OCAP_RIGHT_EXEC)))
		return r;
	if (x->interp[0] &&
	    (r = add_if_present(p, x->interp,
				OCAP_RIGHT_READ | OCAP_RIGHT_EXEC)))
		return r;
	if (x->shebang[0] && ocap__exe_inspect(x->shebang, &ix) == 0 &&
	    ix.elf)
		return add_exe(p, &ix, x->shebang);
	return 0;
}

int ocap__runtime_exe(ocap_plan *p, const struct ocap_exe *x)
{
	return add_exe(p, x, p->prog);
}

int ocap__runtime_add(ocap_plan *p)
{
	int r;

	for (size_t i = 0; i < sizeof runtime_set / sizeof runtime_set[0]; i++)
		if ((r = add_if_present(p, runtime_set[i].path,
					runtime_set[i].rights)) < 0)
			return r;
	if (isatty(STDIN_FILENO) &&
	    (r = add_if_present(p, "/dev/tty",
				OCAP_RIGHT_READ | OCAP_RIGHT_WRITE)) < 0)
		return r;
	return 0;
}
