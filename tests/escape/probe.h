/* SPDX-License-Identifier: MIT */
#ifndef OCAP_TESTS_ESCAPE_PROBE_H
#define OCAP_TESTS_ESCAPE_PROBE_H

/*
 * escape-probe NAME KEY=VALUE...: try one escape technique from inside
 * ocapsh and say, in one line and the exit status, what happened.
 * escape-probe --enter GRANT... -- NAME KEY=VALUE... confines itself
 * with ocap_enter(3) first, started without ocapsh (enter.c).
 *
 * The probe is built twice from the same sources: with glibc (dynamic,
 * run in compat mode) and with musl-gcc -static (run with --mode native),
 * so it uses no <linux/...> header (musl-gcc has none) and defines the
 * kernel constants it needs.
 */

#include <stdbool.h>

/* Exit statuses: the driver (run.sh) turns them into PASS, FAIL, SKIP. */
enum {
	BLOCKED = 0,    /* refused, in the expected way */
	ESCAPED = 1,    /* the attempt worked: a real escape */
	SETUP = 2,      /* the probe could not set the attempt up */
	UNEXPECTED = 3, /* refused, but not by the layer meant to refuse it:
			 * a filter hole that something else happened to
			 * cover, or a launcher misbehaving */
	MISSING = 77,   /* the kernel lacks the feature (or no tty) */
};

/* What the driver tells every technique (KEY=VALUE arguments). */
struct ctx {
	bool native;            /* mode=native or entered: capability mode
				 * seccomp */
	bool entered;           /* mode=entered: ocap_enter(3), no ocapsh:
				 * no supervisor, no broker but the network
				 * helper, the parent is the driver's */
	const char *granted;    /* granted=: the --rw directory */
	const char *canary;     /* canary=: the canary file */
	const char *cdir;       /* cdir=: its directory, a sibling of granted */
	const char *csub;       /* csub=: a directory inside cdir */
	const char *unix_path;  /* unix=: stream listener in cdir */
	const char *dgram_path; /* dgram=: datagram listener in cdir */
	const char *abstract;   /* abstract=: abstract stream name */
	const char *adgram;     /* adgram=: abstract datagram name */
	int port;               /* port=: TCP listener on 127.0.0.1 */
	int uport;              /* uport=: UDP listener on 127.0.0.1 */
	const char *handle;     /* handle=: the canary's file handle, hex */
	const char *rodir;      /* rodir=: a --ro directory ("ro-grant") */
	const char *suid;       /* suid=: a --rx directory ("suid-grant")
				 * holding escape-euid, set-user-ID root */
	int pid;                /* pid=: the process canary, outside */
	int gport;              /* gport=: TCP port granted ("tcp-grant"),
				 * next to port */
	int lport;              /* lport=: a privileged TCP port granted
				 * with --listen ("listen-grant"); 0: none */
	int v6port;             /* v6port=: TCP listener on ::1; 0: none */
	const char *peer;       /* peer=: the peer server's socket, granted
				 * with --connect unix: ("peer-grant") */
	/* Derived: the canary, its directory and csub relative to granted. */
	char reldir[256], rel[768], relsub[768];
};

typedef int technique_fn(const struct ctx *c);

#define T(name, fn, flags, doc) technique_fn fn;
#include "techniques.def"
#undef T

/* ---- helpers (probe.c) ------------------------------------------------- */

/* The errno's name ("EACCES"), or its number. */
const char *ename(int e);

/* Print the verdict line (one per run) and return code. */
int say(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* r is the result of what, err the errno it left.  BLOCKED when r < 0
 * with err in the 0-terminated list ok, ESCAPED when r >= 0, UNEXPECTED
 * otherwise. */
int expect_err(const char *what, long r, int err, const int *ok);
#define EXPECT(what, call, ...)                                            \
	({                                                                 \
		long r_ = (long)(call);                                    \
		int e_ = errno;                                            \
		expect_err((what), r_, e_, (const int[]){ __VA_ARGS__, 0 }); \
	})

/* What an AT_FDCWD path, a non-*at path call or connect(2) gets: Landlock's
 * EACCES in compat, seccomp's EPERM in native (capability mode).  Metadata
 * calls, which Landlock does not check: meta_err(). */
int mode_err(const struct ctx *c);

/* What a metadata call (chmod, chown, the utime calls, the xattr calls)
 * outside every write grant gets, by the descriptor it names: dirfd is
 * its fd or dirfd argument, AT_FDCWD for the calls by path alone (chmod,
 * chown, lchown, utime, utimes, setxattr, lsetxattr, removexattr,
 * lremovexattr).  The supervisor sees every one in compat, and in native
 * mode those on a real descriptor (an absolute path given to an *at call
 * too): its EACCES, no write grant.  Native mode's seccomp refuses the
 * rest before any supervisor sees them: EPERM.  (A new set-ID bit, a
 * security.* or trusted.* attribute: EPERM either way.)  An entered
 * probe has no supervisor: the plain native program refuses them all,
 * EPERM. */
int meta_err(const struct ctx *c, int dirfd);

/* The entered mode (enter.c): build a namespace from the ocapsh-style
 * grants in argv (option and value pairs) and enter it, strict; 0, or the
 * probe's status after its verdict line (MISSING when the kernel would
 * leave part of it unenforced). */
int probe_enter(int argc, char **argv);

/* 0 when this probe can enter, else MISSING after saying why. */
int probe_can_enter(void);

/* The directory capability mounted at path in the namespace entered, or
 * -1. */
int entered_dir(const char *path);

/* An escape that opened fd: read what it holds, print it (so that the
 * driver sees the canary's secret leak) and return ESCAPED. */
int leak(int fd, const char *what);

/* A descriptor for the granted directory path: open(2) in compat, the
 * broker's table in native (where open on AT_FDCWD is refused).  -1 after
 * printing why (the caller returns SETUP). */
int grant_dir(const struct ctx *c, const char *path);
#define granted_dir(c) grant_dir((c), (c)->granted)

/* The read-only grant's file (rodir/rofile), opened O_RDONLY; -1 after
 * printing why (the caller returns SETUP). */
int ro_file(const struct ctx *c);

/* The first of 0-2 that is a terminal, or -1. */
int tty_fd(void);

/* Run fn in a forked child and return its wait status (-1: fork failed). */
int in_child(int (*fn)(void *), void *arg);

/* A child that was meant to die of signal sig: BLOCKED if it did. */
int expect_signal(const char *what, int st, int sig);

#endif
