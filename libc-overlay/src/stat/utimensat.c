/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/time.h>

#include "ov.h"

#define NS_SPECIAL(ns) ((ns) == UTIME_NOW || (ns) == UTIME_OMIT)

/* Kernels before 2.6.22 have futimesat and utimes only, as in musl. */
static long old_kernel(int fd, const char *path, const struct timespec *times)
{
	long *tv = 0, tmp[4], r;

	if (times) {
		tv = tmp;
		for (size_t i = 0; i < 2; i++) {
			if ((unsigned long)times[i].tv_nsec >= 1000000000UL)
				return NS_SPECIAL(times[i].tv_nsec) ? -ENOSYS
								    : -EINVAL;
			tmp[2 * i] = times[i].tv_sec;
			tmp[2 * i + 1] = times[i].tv_nsec / 1000;
		}
	}
	r = ov_sys(SYS_futimesat, fd, path, tv);
	if (r != -ENOSYS || fd != AT_FDCWD)
		return r;
	return ov_sys(SYS_utimes, path, tv);
}

/*
 * Inside a sandbox the file is opened beneath its capability and its
 * times set on that descriptor: the current time where the capability
 * holds write, as touch(1) sets it; times of one's own choosing through
 * the broker's supervisor, which performs them inside a write grant
 * (where none listens, the seccomp program refuses them: EPERM).
 */
static int ns_utimensat(ocap_ns *ns, int fd, const char *path,
			const struct timespec *times, int flags)
{
	struct ocap_meta m = { .what = OCAP_META_TIMES, .times = times };

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	if (times)
		return ocap__ns_meta(ns, fd, path,
				     !(flags & AT_SYMLINK_NOFOLLOW), &m);
	return ocap__ns_touch(ns, fd, path, !(flags & AT_SYMLINK_NOFOLLOW));
}

/* utime(), utimes(), lutimes(), futimesat(), futimens() and futimes()
 * in musl's libc.a call this. */
OV_API int utimensat(int fd, const char *path, const struct timespec times[2],
		     int flags)
{
	ocap_ns *ns;
	long r;

	if (times && times[0].tv_nsec == UTIME_NOW &&
	    times[1].tv_nsec == UTIME_NOW)
		times = 0;
	if (path && (ns = ocap__ov_ns()))
		return (int)ocap__ov_ret(ns_utimensat(ns, fd, path, times,
						      flags));
	r = ov_sys(SYS_utimensat, fd, path, times, flags);
	if (r == -ENOSYS && !flags)
		r = old_kernel(fd, path, times);
	return (int)ocap__ov_ret(r);
}
