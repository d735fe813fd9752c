/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_PLAN_H
#define OCAP_LAUNCH_PLAN_H

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "ocap/launch.h"

#include "hidden.h"

/* A directory or file grant. */
struct ocap_path_grant {
	char *name;   /* absolute, normalised: where it is mounted */
	char *where;  /* where the grant was written: "argv", "g.txt:3" */
	ocap_rights_t rights;
	bool runtime; /* from the runtime set, not the user */
	bool optional;/* runtime entries that may be missing on this host */
	int fd;       /* opened at launch; -1 before */
	int kind;     /* OCAP_KIND_DIR or OCAP_KIND_FILE once opened */
};

enum ocap_net_kind {
	OCAP_NET_CONNECT = 1, /* --connect HOST:PORT (TCP) */
	OCAP_NET_LISTEN,      /* --listen ADDR:PORT (TCP bind + listen) */
	OCAP_NET_UDP,         /* --udp HOST:PORT */
	OCAP_NET_UNIX,        /* --connect unix:PATH */
};

struct ocap_net_grant {
	int kind;
	char *host;   /* name, address literal, "*"; the path for UNIX */
	uint16_t port;/* 0 only for UNIX */
	char *where;
	struct sockaddr_storage *addrs; /* host resolved at launch, and
					   again by the broker (net.c) */
	size_t naddrs;
	long resolved;  /* when, in CLOCK_MONOTONIC seconds */
	/* UNIX: the socket's directory, opened at launch, and its name
	 * there; the broker connects through these, never the path. */
	int dirfd;
	char *base;
};

/* Resource limits set in the child; the defaults are documented in
 * ocapsh(1) and each may be overridden with --rlimit NAME=VALUE. */
struct ocap_rlimit {
	int resource;
	const char *name;
	struct rlimit lim;
	bool set;
};
#define OCAP_NRLIMITS 6

struct ocap_plan {
	struct ocap_path_grant *paths;
	size_t npaths;
	struct ocap_net_grant *nets;
	size_t nnets;
	char **env; /* "NAME" (the caller's value) or "NAME=VALUE" */
	size_t nenv;
	char **allow_syscalls;
	size_t nallow;
	bool inherit_env, no_runtime, best_effort;
	bool no_tmpdir, keep_tmpdir;
	bool hide_metadata; /* ENOENT for metadata outside the grants */
	bool suggest;       /* --suggest: the grants refusals call for */
	bool learn;         /* --learn: and reads outside them let through */
	const char *tmpdir;  /* the private temporary directory's name once
				made (the compiled grant's) */
	int verbose;
	int mode;        /* as asked; the compiled plan's is resolved */
	char *prog;      /* the executable, searched in $PATH */
	char **argv;
	struct ocap_rlimit rlimits[OCAP_NRLIMITS];
	char **warnings; /* best-effort gaps, one line each */
	size_t nwarnings;
	char **suggestions; /* --suggest: one grant a line, from the broker */
	size_t nsuggestions;
	bool launched;
	bool confine_broker; /* the broker is a process of its own */
	bool in_place;       /* ocap_exec(): no broker, no supervisor */
	ocap_log_fn *log_fn; /* where the broker's lines go, or NULL */
	void *log_ctx;
	bool log_open;       /* logfd opened for the broker's -v lines */
	bool logsock;
	int logfd;
	struct ocap_compiled *compiled; /* compile.h: made once, then kept */
	/* Frees it: the grants parser (plan.c, grants.c) does not depend on
	 * the pipeline that compiles. */
	void (*compiled_free)(struct ocap_compiled *c);
	int depth;       /* grants files being read */
	int exit_hint;   /* 126 or 127 when the program was what failed */
	char err[768];
};

/* plan.c */
hidden int ocap__plan_fail(ocap_plan *p, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
hidden int ocap__plan_warn(ocap_plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Keep one suggestion line (a copy). */
hidden int ocap__plan_suggest(ocap_plan *p, const char *line);
/* grants.c: add a path grant to the list (*v, *n), relative to base or,
 * when base is NULL, to the working directory; rights add up when the
 * path repeats. */
hidden int ocap__grants_add(struct ocap_path_grant **v, size_t *n,
			    const char *path, ocap_rights_t r,
			    const char *where, const char *base, bool runtime);
/* Add one to the plan's own list, as the user's grants are. */
hidden int ocap__plan_add_path(ocap_plan *p, const char *path,
			       ocap_rights_t r, const char *where,
			       bool runtime);
hidden void ocap__grants_free(struct ocap_path_grant *v, size_t n);
/* Format a table name for a net grant ("tcp:example.com:443"). */
hidden int ocap__net_name(const struct ocap_net_grant *g, char *buf,
			  size_t size);

/* broker.c: serve c's grants on rootfd (the broker's end of the root
 * descriptor), and supervise through listener (a seccomp listener, or
 * -1; the broker closes it), until child and every descendant are gone;
 * *status is child's wait status. */
struct ocap_compiled;
hidden int ocap__broker_run(const struct ocap_compiled *c, int rootfd,
			    int listener, pid_t child, int *status);
/* Kill and reap every child the caller has left: what a broker that
 * died left behind, reparented to the caller (a subreaper). */
hidden void ocap__broker_orphans(void);
/* Open where the broker's -v lines go, for a broker about to confine
 * itself. */
hidden void ocap__broker_log_open(ocap_plan *p);

#endif
