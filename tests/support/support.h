/* SPDX-License-Identifier: MIT */
#ifndef OCAP_TEST_SUPPORT_H
#define OCAP_TEST_SUPPORT_H

/*
 * Shared helpers for the cmocka tests: a temp-directory fixture, tree
 * builders, descriptor accounting, a "beneath this directory" check, a raw
 * protocol datagram builder and an assertion that prints errno names.
 */

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ocap/ocap.h>

#include <stdlib.h>

#include "errname.h"
#include "sockaddr.h"

/* fail_msg() does not return; clang's analyser cannot tell (cppcheck
 * can, and would call code after it unreachable). */
#ifdef __clang_analyzer__
#define NOT_REACHED abort();
#else
#define NOT_REACHED
#endif

/* Compare two return values as signed longs and name the errno on failure
 * (cmocka 1.1 prints integers in hex, which hides -ENOENT). */
#define assert_ret(got, want)                                               \
	do {                                                                \
		long got_ = (long)(got), want_ = (long)(want);              \
		if (got_ != want_) {                                        \
			fail_msg("%s = %ld (%s), expected %ld (%s)", #got,  \
				 got_, ret_name(got_), want_,               \
				 ret_name(want_));                          \
			NOT_REACHED                                         \
		}                                                           \
	} while (0)

/* "ENOENT" for -ENOENT, "ok" for values >= 0. */
const char *ret_name(long ret);
/* A system call's value as libocap returns it: r, or -errno when r < 0. */
long ret_errno(long r);

/* ---- temp directories ------------------------------------------------ */

struct tmpdir {
	char path[PATH_MAX]; /* real path, no symlinks */
};

/* mkdtemp under /tmp; fills td->path with its real path. */
int tmpdir_make(struct tmpdir *td);
/* Remove the tree with nftw (no symlink is followed). */
int tmpdir_remove(const char *path);
/* cmocka fixtures: *state becomes a struct tmpdir *. */
int tmpdir_setup(void **state);
int tmpdir_teardown(void **state);

/* ---- building trees (relative to base; parents created) ----------------- */

int tree_join(char *out, size_t size, const char *base, const char *rel);
int tree_mkdir(const char *base, const char *rel);
int tree_write(const char *base, const char *rel, const char *data);
int tree_symlink(const char *base, const char *rel, const char *target);

/* ---- descriptors ----------------------------------------------------- */

/* Number of open descriptors of this process, from /proc/self/fd. */
int count_open_fds(void);
/* The path the kernel reports for fd (readlink of /proc/self/fd/N). */
int fd_path(int fd, char *buf, size_t size);
/* Whether fd refers to dir or something beneath it.  Both the path the
 * kernel reports and a walk up the real tree by st_dev/st_ino must agree. */
bool fd_is_beneath(int fd, const char *dir);
/* Whether fd and path (followed) are the same inode. */
bool fd_same_file(int fd, const char *path);
bool fd_same_inode(int a, int b);
/* Whether fd has FD_CLOEXEC; -1 when fd is not open. */
int fd_cloexec(int fd);
/* Whether fd is open. */
bool fd_is_open(int fd);
/* Read up to size - 1 bytes from offset 0 and NUL-terminate. */
int fd_read_all(int fd, char *buf, size_t size);
/* open(path, O_PATH | O_DIRECTORY | O_CLOEXEC). */
int open_dir_path(const char *path);

/* A directory capability over host path, named name (NULL on failure). */
ocap_cap *cap_dir(const char *host, ocap_rights_t rights, const char *name);
/* Mount base/rel (a directory, or a file) in ns as name with rights: the
 * capability's descriptor, or -errno. */
int ns_mount_host(ocap_ns *ns, const char *base, const char *rel,
		  ocap_rights_t rights, const char *name);

/* A temp tree, an empty namespace and a descriptor for the test's use
 * (closed at teardown when >= 0): *state becomes a struct ns_fixture *. */
struct ns_fixture {
	struct tmpdir td;
	ocap_ns *ns;
	int fd;
};
int ns_fixture_setup(void **state);
int ns_fixture_teardown(void **state);

/* ---- one thing tried: 0 when the kernel did it, or -errno ------------- */

/* A descriptor just made (fd, or -1 with errno set), closed again. */
long try_closed(long fd);
/* A thread made and joined. */
long try_thread(void);
/* A process made (clone without CLONE_THREAD), which exits at once. */
long try_process(void);
/* execve of /bin/true: returns only when refused. */
long try_exec(void);

/* ---- a kernel that refuses one call ------------------------------------ */

/* Set no_new_privs and load a filter that answers err to system call nr
 * (a kernel without the call, or a sandbox around the test): 0 or
 * -errno. */
int refuse_call(int nr, int err);

/* ---- raw protocol datagrams ------------------------------------------ */

enum {
	TAG_STATUS = 1,
	TAG_KIND = 2,
	TAG_RIGHTS = 3,
	TAG_NAME = 4,
	TAG_PORT = 5,
	TAG_ADDR = 6,
	TAG_COUNT = 7,
};

#define RAW_HDR_LEN 16

struct raw_msg {
	unsigned char buf[2 * OCAP_MSG_MAX];
	size_t len;
};

/* Header with the given values; raw_end() fills in the payload length. */
void raw_header(struct raw_msg *r, uint32_t magic, uint16_t version,
		uint16_t type, uint32_t seq);
/* Header with the right magic and version, seq 0. */
void raw_begin(struct raw_msg *r, uint16_t type);
/* One TLV whose length field says len and whose value is len bytes. */
void raw_field(struct raw_msg *r, uint16_t tag, const void *val,
	       uint16_t len);
void raw_u32(struct raw_msg *r, uint16_t tag, uint32_t v);
void raw_u16(struct raw_msg *r, uint16_t tag, uint16_t v);
void raw_str(struct raw_msg *r, uint16_t tag, const char *s);
/* Append arbitrary bytes. */
void raw_bytes(struct raw_msg *r, const void *p, size_t n);
/* Set the header's payload length to the bytes present; returns r->len. */
size_t raw_end(struct raw_msg *r);
/* Overwrite the header's payload length. */
void raw_set_len(struct raw_msg *r, uint32_t len);

/* sendmsg one datagram with nfds descriptors (MSG_NOSIGNAL). */
int send_dgram(int sock, const void *buf, size_t len, const int *fds,
	       unsigned nfds);

/* socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC). */
int seqpacket_pair(int sv[2]);

/* ---- forked checks --------------------------------------------------- */

/* Run fn(arg) in a child; returns its exit status (0 = pass), or 1000 +
 * signal when it was killed.  The child uses child_check(). */
int run_in_child(int (*fn)(void *), void *arg);

/* In a child: on failure print the line and the values, exit with line. */
#define child_check(got, want)                                              \
	do {                                                                \
		long got_ = (long)(got), want_ = (long)(want);              \
		if (got_ != want_)                                          \
			child_fail(__LINE__, #got, got_, want_);            \
	} while (0)
_Noreturn void child_fail(int line, const char *expr, long got, long want);

#endif
