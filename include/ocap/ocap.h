/* SPDX-License-Identifier: MIT */
#ifndef OCAP_OCAP_H
#define OCAP_OCAP_H

/*
 * libocap: capabilities as values.
 *
 * Every function returns 0 (or a non-negative count or descriptor) on
 * success and a negative errno value on failure; none prints, exits or
 * aborts.  See ocap(7) for the model and ocap_*(3) for each function.
 */

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

/* OCAP_VERSION_MAJOR, _MINOR and _PATCH, from CMake's project() line. */
#include <ocap/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(OCAP_BUILDING) && defined(__GNUC__)
#define OCAP_API __attribute__((visibility("default")))
#else
#define OCAP_API
#endif

/* ---- rights ---------------------------------------------------------- */

typedef uint32_t ocap_rights_t;

#define OCAP_RIGHT_READ     (1u << 0)
#define OCAP_RIGHT_WRITE    (1u << 1)
#define OCAP_RIGHT_CREATE   (1u << 2)
#define OCAP_RIGHT_DELETE   (1u << 3)
#define OCAP_RIGHT_LIST     (1u << 4)
#define OCAP_RIGHT_EXEC     (1u << 5)
#define OCAP_RIGHT_TRUNCATE (1u << 6)
#define OCAP_RIGHT_CONNECT  (1u << 7)
#define OCAP_RIGHT_LISTEN   (1u << 8)
#define OCAP_RIGHTS_ALL     0x1ffu

/* The rights behind the launcher's --ro, --rw and --rx. */
#define OCAP_RIGHTS_RO (OCAP_RIGHT_READ | OCAP_RIGHT_LIST)
#define OCAP_RIGHTS_RW                                                     \
	(OCAP_RIGHTS_RO | OCAP_RIGHT_WRITE | OCAP_RIGHT_CREATE |            \
	 OCAP_RIGHT_DELETE | OCAP_RIGHT_TRUNCATE)
#define OCAP_RIGHTS_RX (OCAP_RIGHTS_RO | OCAP_RIGHT_EXEC)

/* Parse "read,list" into *rights.  On -EINVAL, *end (if not NULL) points
 * at the first byte of the word that is not a right. */
OCAP_API int ocap_rights_parse(const char *s, ocap_rights_t *rights,
			       const char **end);
/* Format as "read,list" ("none" for 0).  Returns the length written, or
 * -ENOSPC when size is too small, -EINVAL for unknown bits. */
OCAP_API int ocap_rights_format(ocap_rights_t rights, char *buf, size_t size);
/* The name of one right ("read"), or NULL when rights is not one bit. */
OCAP_API const char *ocap_right_name(ocap_rights_t right);

/* ---- capabilities ------------------------------------------------------ */

enum ocap_kind {
	OCAP_KIND_DIR = 1,      /* a directory descriptor (O_PATH) */
	OCAP_KIND_FILE = 2,     /* one file */
	OCAP_KIND_ENDPOINT = 3, /* a host:port the broker may connect to */
	OCAP_KIND_LISTENER = 4, /* an address the broker may bind */
	OCAP_KIND_BROKER = 5,   /* the root descriptor itself */
};

typedef struct ocap_cap ocap_cap;
typedef struct ocap_ns ocap_ns;

/* Longest name a capability or a namespace path may have, NUL excluded. */
#define OCAP_NAME_MAX 4095

OCAP_API const char *ocap_kind_name(int kind);

/* Open host path as a capability named by its absolute, lexically
 * normalised path.  Directories are held O_PATH; a file is opened with the
 * access its rights need.  *out is freed with ocap_cap_close(). */
OCAP_API int ocap_cap_open(const char *path, ocap_rights_t rights,
			   ocap_cap **out);
/* Wrap a descriptor the caller owns; on success the capability owns it. */
OCAP_API int ocap_cap_from_fd(int fd, int kind, ocap_rights_t rights,
			      const char *name, ocap_cap **out);
/* A new capability for the directory or file rel beneath dir, holding
 * rights, which must be a subset of dir's (-EACCES otherwise). */
OCAP_API int ocap_cap_derive(const ocap_cap *dir, const char *rel,
			     ocap_rights_t rights, ocap_cap **out);
/* Drop rights in place; asking for a right not held is -EACCES. */
OCAP_API int ocap_cap_limit(ocap_cap *cap, ocap_rights_t rights);
OCAP_API void ocap_cap_close(ocap_cap *cap);

OCAP_API int ocap_cap_fd(const ocap_cap *cap);
OCAP_API int ocap_cap_kind(const ocap_cap *cap);
OCAP_API ocap_rights_t ocap_cap_rights(const ocap_cap *cap);
OCAP_API const char *ocap_cap_name(const ocap_cap *cap);

/* ---- operations relative to a capability -------------------------------
 *
 * rel is resolved beneath cap.  A symlink or ".." that leaves cap resolves
 * through the namespace cap is mounted in (or, for a capability in no
 * namespace, through cap alone): ENOENT outside every capability, EACCES
 * inside one without the right.
 */

OCAP_API int ocap_openat(const ocap_cap *cap, const char *rel, int flags,
			 mode_t mode);
OCAP_API int ocap_statat(const ocap_cap *cap, const char *rel,
			 struct stat *st, int flags);
OCAP_API int ocap_mkdirat(const ocap_cap *cap, const char *rel, mode_t mode);
OCAP_API int ocap_unlinkat(const ocap_cap *cap, const char *rel, int flags);
OCAP_API int ocap_renameat(const ocap_cap *oldcap, const char *oldrel,
			   const ocap_cap *newcap, const char *newrel);
OCAP_API ssize_t ocap_readlinkat(const ocap_cap *cap, const char *rel,
				 char *buf, size_t size);
OCAP_API int ocap_opendirat(const ocap_cap *cap, const char *rel,
			    DIR **dirp);

/* ---- namespaces ---------------------------------------------------------
 *
 * A namespace maps absolute names to capabilities; a path maps to the
 * capability with the longest name that is a prefix of it over whole
 * components.  "." and ".." are lexical.  It has a virtual working
 * directory that relative paths start from.
 */

OCAP_API int ocap_ns_new(ocap_ns **out);
/* Mount cap at its name; the namespace takes ownership.  -EEXIST when the
 * name is taken, -EBUSY when cap is mounted elsewhere.  Mount before the
 * namespace is shared between threads. */
OCAP_API int ocap_ns_mount(ocap_ns *ns, ocap_cap *cap);
OCAP_API void ocap_ns_free(ocap_ns *ns);
OCAP_API size_t ocap_ns_count(const ocap_ns *ns);
/* Entries in order of name; NULL past the end. */
OCAP_API const ocap_cap *ocap_ns_entry(const ocap_ns *ns, size_t i);
/* The capability mounted at exactly name, or NULL. */
OCAP_API const ocap_cap *ocap_ns_find(const ocap_ns *ns, const char *name);

/* Lexical resolution: the capability path falls in and the path relative
 * to it ("." for the capability itself) in rel.  No system call. */
OCAP_API int ocap_ns_resolve(ocap_ns *ns, const char *path,
			     const ocap_cap **cap, char *rel, size_t size);

OCAP_API int ocap_ns_open(ocap_ns *ns, const char *path, int flags,
			  mode_t mode);
OCAP_API int ocap_ns_stat(ocap_ns *ns, const char *path, struct stat *st,
			  int flags);
OCAP_API int ocap_ns_mkdir(ocap_ns *ns, const char *path, mode_t mode);
OCAP_API int ocap_ns_unlink(ocap_ns *ns, const char *path, int flags);
OCAP_API int ocap_ns_rename(ocap_ns *ns, const char *oldpath,
			    const char *newpath);
OCAP_API ssize_t ocap_ns_readlink(ocap_ns *ns, const char *path, char *buf,
				  size_t size);
OCAP_API int ocap_ns_opendir(ocap_ns *ns, const char *path, DIR **dirp);
/* The virtual working directory: a directory in a capability, or a
 * directory above mount points ("/" when /home/u is mounted). */
OCAP_API int ocap_ns_chdir(ocap_ns *ns, const char *path);
OCAP_API int ocap_ns_getcwd(ocap_ns *ns, char *buf, size_t size);

/* Lexically normalise path against the absolute directory cwd: an absolute
 * path without ".", ".." or repeated slashes.  A trailing slash is kept
 * ("/a/b/" stays a directory reference).  Returns the length. */
OCAP_API int ocap_path_normalize(const char *cwd, const char *path,
				 char *out, size_t size);

/* ---- the root capability descriptor ------------------------------------ */

/* Environment variable that names the root descriptor (fd 3 by default). */
#define OCAP_ROOT_ENV "OCAP_ROOT"
#define OCAP_ROOT_FD  3

/* Fetch the capability table over the broker socket sock. */
OCAP_API int ocap_ns_fetch(int sock, ocap_ns **out);
/* Open a private channel to the broker behind the shared root descriptor
 * root: the reply to a request on it can reach no other process.  Returns
 * the channel (O_CLOEXEC) or a negative errno. */
OCAP_API int ocap_session(int root);
/* The program's own namespace, fetched once from the root descriptor
 * ($OCAP_ROOT) over a private channel; -ENOENT when the program was not
 * started by a broker.  Safe to call from any thread; the table is then
 * read-only. */
OCAP_API int ocap_root(ocap_ns **out);
/* The capability mounted at name in the root namespace. */
OCAP_API int ocap_lookup(const char *name, const ocap_cap **out);

/* ---- the broker's network services --------------------------------------
 *
 * Each request goes over this process's private session with the broker
 * behind $OCAP_ROOT.  The program's own socket is passed along and the
 * broker acts on that very socket, so options, non-blocking mode and the
 * descriptor number are kept and data never passes through the broker.
 * -EACCES when the grants do not allow it; -ENOENT with no broker.
 */

/* Connect sock to addr; -EINPROGRESS for a non-blocking socket whose
 * connect goes on (as connect(2)). */
OCAP_API int ocap_connect(int sock, const struct sockaddr *addr,
			  socklen_t len);
OCAP_API int ocap_bind(int sock, const struct sockaddr *addr, socklen_t len);
OCAP_API int ocap_listen(int sock, int backlog);
/* Resolve a granted host name: at most n addresses (port set) into addrs;
 * returns how many. */
OCAP_API int ocap_resolve(const char *host, uint16_t port,
			  struct sockaddr_storage *addrs, size_t n);

/* ---- the protocol -------------------------------------------------------
 *
 * Messages on the root descriptor (an AF_UNIX SOCK_SEQPACKET socket): a
 * 16-byte header (magic, version, type, sequence, payload length) and a
 * payload of tag-length-value fields, each at most once; descriptors ride
 * along with SCM_RIGHTS.  See ocap_msg(3).
 */

#define OCAP_PROTO_MAGIC   0x5041434fu /* "OCAP" */
#define OCAP_PROTO_VERSION 1
#define OCAP_MSG_MAX       8192
#define OCAP_MSG_FDS_MAX   4
#define OCAP_TABLE_MAX     1024

enum ocap_msg_type {
	OCAP_MSG_TABLE_REQ = 1,   /* client: send me the table */
	OCAP_MSG_TABLE_ENTRY = 2, /* broker: kind, rights, name (+ fd) */
	OCAP_MSG_TABLE_END = 3,   /* broker: count */
	OCAP_MSG_REPLY = 4,       /* broker: status (0 or -errno) */
	OCAP_MSG_CONNECT = 5,     /* client: addr, + the socket */
	OCAP_MSG_BIND = 6,        /* client: addr, + the socket */
	OCAP_MSG_LISTEN = 7,      /* client: count (backlog), + the socket */
	OCAP_MSG_RESOLVE = 8,     /* client: name (host), port */
	OCAP_MSG_ADDR = 9,        /* broker: one resolved addr */
	OCAP_MSG_SESSION = 10,    /* client: + one end of a private channel */
	OCAP_MSG_OPEN = 11,       /* client: name (a file), count (flags) */
	OCAP_MSG_OPENED = 12,     /* broker: + the file, newly opened */
	OCAP_MSG_TYPE_MAX = 12,
};

/* Fields, as bits of ocap_msg.fields. */
#define OCAP_F_STATUS (1u << 0)
#define OCAP_F_KIND   (1u << 1)
#define OCAP_F_RIGHTS (1u << 2)
#define OCAP_F_NAME   (1u << 3)
#define OCAP_F_PORT   (1u << 4)
#define OCAP_F_ADDR   (1u << 5)
#define OCAP_F_COUNT  (1u << 6)

struct ocap_msg {
	uint16_t type;
	uint32_t seq;
	uint32_t fields; /* which of the following are present */
	int32_t status;
	uint32_t kind;
	ocap_rights_t rights;
	uint32_t count;
	uint16_t port;
	uint16_t name_len;
	char name[OCAP_NAME_MAX + 1]; /* NUL-terminated, no NUL inside */
	uint32_t addr_len;
	struct sockaddr_storage addr;
	unsigned nfds;
	int fds[OCAP_MSG_FDS_MAX];
};

/* Encode m into buf; returns the length or a negative errno. */
OCAP_API int ocap_msg_encode(const struct ocap_msg *m, void *buf,
			     size_t size);
/* Decode len bytes that arrived with nfds descriptors (already in m->fds).
 * On any error the descriptors are closed and m->nfds is 0. */
OCAP_API int ocap_msg_decode(struct ocap_msg *m, const void *buf, size_t len,
			     unsigned nfds);
OCAP_API int ocap_msg_send(int sock, const struct ocap_msg *m);
/* Receive one message; -ECONNRESET when the peer has gone. */
OCAP_API int ocap_msg_recv(int sock, struct ocap_msg *m);
/* The same with flags 0 or MSG_DONTWAIT (-EINVAL otherwise): -EAGAIN
 * rather than wait, whatever O_NONBLOCK says on sock's description. */
OCAP_API int ocap_msg_send_flags(int sock, const struct ocap_msg *m,
				 int flags);
OCAP_API int ocap_msg_recv_flags(int sock, struct ocap_msg *m, int flags);
OCAP_API void ocap_msg_close_fds(struct ocap_msg *m);

#ifdef __cplusplus
}
#endif

#endif
