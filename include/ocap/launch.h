/* SPDX-License-Identifier: MIT */
#ifndef OCAP_LAUNCH_H
#define OCAP_LAUNCH_H

/*
 * libocap-launch: start a program with exactly the granted capabilities.
 *
 * A plan collects grants (the same options ocapsh takes, one call each or
 * from a grants file), the program and its arguments.  ocap_launch() opens
 * the grants, forks a broker that confines itself, starts the program in
 * its sandbox and serves it, and waits until the program and its
 * descendants are gone.  Every function returns 0 or a
 * negative errno; ocap_plan_error() then says what and where, in one line.
 */

#include <stdio.h>
#include <sys/types.h>

#include <ocap/ocap.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ocap_plan ocap_plan;

enum ocap_mode {
	OCAP_MODE_AUTO = 0,   /* native when the binary carries ocap's note */
	OCAP_MODE_NATIVE = 1, /* strict capability mode */
	OCAP_MODE_COMPAT = 2, /* unmodified binaries */
};

/* ELF note an ocap-cc binary carries: owner "ocap", this type. */
#define OCAP_ELF_NOTE_NAME "ocap"
#define OCAP_ELF_NOTE_TYPE 0x6f636170u

OCAP_API int ocap_plan_new(ocap_plan **out);
OCAP_API void ocap_plan_free(ocap_plan *p);
/* The last error, one line naming the input and where it came from. */
OCAP_API const char *ocap_plan_error(const ocap_plan *p);

/* Add one option, spelt as on ocapsh's command line without its value
 * ("--ro") and its value ("/usr"), or NULL for a flag.  where names the
 * source in errors ("argv", "grants.txt:3"); relative paths resolve
 * against base (NULL: the current directory).  -EINVAL for bad input. */
OCAP_API int ocap_plan_option(ocap_plan *p, const char *opt,
			      const char *value, const char *where,
			      const char *base);
/* Whether opt takes a value (1), is a flag (0) or is unknown (-EINVAL). */
OCAP_API int ocap_plan_option_arity(const char *opt);
/* Whether the value of option opt names a path ("--ro PATH", "--grant
 * PATH=RIGHTS", "--connect unix:PATH", "--grants FILE"): 1 with the
 * path's start and length in value and the rights a path grant gives (0
 * for the others), 0 when it names none, -EINVAL for an unknown option or
 * a --grant whose rights do not parse. */
OCAP_API int ocap_option_path(const char *opt, const char *value,
			      size_t *start, size_t *len,
			      ocap_rights_t *rights);
/* Read a grants file: one option per line, # comments. */
OCAP_API int ocap_plan_grants_file(ocap_plan *p, const char *path);
/* The program: argv[0] is searched in $PATH like execvp(3).  -ENOENT and
 * -EACCES are reported as ocapsh's 127 and 126. */
OCAP_API int ocap_plan_program(ocap_plan *p, char *const argv[]);

/* Check the plan against the program and the running kernel: choose the
 * mode, add the runtime set, refuse what cannot be enforced (-EOPNOTSUPP)
 * unless best effort was asked for.  ocap_launch() and
 * ocap_plan_explain() call it when the caller has not. */
OCAP_API int ocap_plan_check(ocap_plan *p);
/* The i-th thing a best-effort plan does not enforce, or NULL. */
OCAP_API const char *ocap_plan_warning(const ocap_plan *p, size_t i);

/* After ocap_launch() with "--suggest": the i-th grant the program was
 * refused for want of, or NULL.  One line each, the option first
 * ("--ro /etc/gitconfig  (read by git)"); a secret the runtime leaves
 * out on purpose ends with "(secret: think twice)". */
OCAP_API const char *ocap_plan_suggestion(const ocap_plan *p, size_t i);

/* Where the broker's lines go (what it refuses, with the grant that
 * would allow it: "ocapsh: denied connect to 10.0.0.1:80 ..."): without
 * a function, with "-v", to standard error, never waiting for it.  With
 * one, fn(ctx, line) gets each line, without its newline, whether or not
 * "-v" was given.  fn runs in the broker, a process of its own that has
 * confined itself: it may write to a descriptor it holds (a pipe the
 * caller reads), and must not block. */
typedef void ocap_log_fn(void *ctx, const char *line);
OCAP_API void ocap_plan_log(ocap_plan *p, ocap_log_fn *fn, void *ctx);

/* Print the plan (json: machine-readable) without running anything. */
OCAP_API int ocap_plan_explain(ocap_plan *p, FILE *out, int json);

/* The private temporary directory ocap_launch() made and kept
 * ("--keep-tmpdir", or when it could not be removed), or NULL. */
OCAP_API const char *ocap_plan_tmpdir(const ocap_plan *p);

/* Run the plan: fork, sandbox, exec, broker.  On success *status is the
 * program's wait status (waitpid(2) form).  Must be called once. */
OCAP_API int ocap_launch(ocap_plan *p, int *status);

/* Run the plan in place instead (ocapsh --exec): the calling process
 * confines itself with the same stages and becomes the program, with no
 * broker and no fork.  What needs the broker or its supervisor is
 * refused (-EINVAL): native mode, network grants but "--connect *:PORT",
 * --suggest, --hide-metadata, -v and a log function, --keep-tmpdir; no
 * private temporary directory is made.  Given up: descendants outlive
 * the program, nobody forwards signals, the root descriptor answers
 * nothing.  ocap_plan_in_place() marks the plan, before
 * ocap_plan_check() or ocap_plan_explain() (-EBUSY after), and checks
 * the options given so far; ocap_exec() calls it when the caller has
 * not.  ocap_exec() returns only on failure, and when a stage has run
 * the caller is confined in part: it should only report and exit.
 * Flush stdio first: what is buffered is lost with the exec. */
OCAP_API int ocap_plan_in_place(ocap_plan *p);
OCAP_API int ocap_exec(ocap_plan *p);

/* Exit statuses, as env(1) and timeout(1) report them. */
#define OCAP_EXIT_LAUNCHER 125 /* the launcher's own failure, bad input too */
#define OCAP_EXIT_CANNOT_EXEC 126
#define OCAP_EXIT_NOT_FOUND 127

/* The status a launcher exits with: r is what the last plan call
 * returned (ocap_plan_program(), ocap_plan_check(), ocap_plan_explain(),
 * ocap_launch()) and status the wait status ocap_launch() set, 0 if none.
 * The program's own status when it ran (128+N for signal N); 127 when it
 * was not found, 126 when it could not be executed; 125 otherwise. */
OCAP_API int ocap_exit_status(const ocap_plan *p, int r, int status);

#ifdef __cplusplus
}
#endif

#endif
