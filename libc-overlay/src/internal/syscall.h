/* SPDX-License-Identifier: MIT */
#ifndef OV_SYSCALL_H
#define OV_SYSCALL_H

/*
 * Raw system calls that return -errno and never touch errno, as musl's
 * internal __syscall() does (musl keeps its own in arch/, out of reach).
 * ov_sys_cp() is a cancellation point: it goes through musl's
 * __syscall_cp, hidden in libc.a but global within the static link.
 */

#include <sys/syscall.h>

#if defined(__clang_analyzer__)
/* The analyzer cannot see the kernel write through a pointer the asm
 * below passes: it is shown a call it does not know instead. */
long ov_sys6(long n, long a, long b, long c, long d, long e, long f);
#elif defined(__x86_64__)
static inline long ov_sys6(long n, long a, long b, long c, long d, long e,
			   long f)
{
	unsigned long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10),
			       "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return (long)ret;
}
#else
/* Outside a sandbox the overlay makes musl's x86_64 system calls (open,
 * stat, rename...); another architecture needs musl's fallbacks too. */
#error "ocap overlay: x86_64 only for now"
#endif

long __syscall_cp(long, long, long, long, long, long, long);

#define OV_SYS_(n, a, b, c, d, e, f, ...)                                   \
	ov_sys6((long)(n), (long)(a), (long)(b), (long)(c), (long)(d),      \
		(long)(e), (long)(f))
#define OV_SYS_CP_(n, a, b, c, d, e, f, ...)                                \
	__syscall_cp((long)(n), (long)(a), (long)(b), (long)(c), (long)(d), \
		     (long)(e), (long)(f))
/* ov_sys(SYS_x, args...): up to six arguments. */
#define ov_sys(...) OV_SYS_(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)
#define ov_sys_cp(...) OV_SYS_CP_(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif
#ifndef SYS_execveat
#define SYS_execveat 322
#endif

#endif
