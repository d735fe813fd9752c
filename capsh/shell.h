/* SPDX-License-Identifier: MIT */
#ifndef OCAP_SHELL_H
#define OCAP_SHELL_H

/*
 * The capability shell: ocapsh with no program, -c STRING or -f SCRIPT.
 * Every command runs under ocap_launch() with the shell-wide grants plus
 * what its own command line designates:
 *
 *	cat notes.txt            notes.txt exists: read access to it alone
 *	cp notes.txt => copy.txt  "=>" marks the next word writable
 *	sort < in > out          redirections are opened by the shell
 *
 * Parsing (shell_parse.c) makes a tree of words that still carry their
 * quoting; expansion (shell_expand.c) turns a word into fields at run time
 * ($VAR, $?, ~, globbing of unquoted words); execution (shell_exec.c) and
 * builtins (shell_builtin.c) run it; shell_main.c reads lines (libedit when
 * interactive).
 */

#include <stdbool.h>
#include <stddef.h>

#include <ocap/launch.h>

/* Where something is in the source: both 1-based. */
struct sh_pos {
	unsigned line, col;
};

/* A word as written: text with quotes removed, and per byte whether it
 * was quoted (quoted bytes are not expanded or globbed).  A word may
 * still hold "$NAME", "${NAME}", "$?" and a leading "~" to expand. */
struct sh_word {
	char *text;
	bool *quoted; /* one per byte of text */
	size_t len;
	bool writable; /* preceded by "=>" */
	struct sh_pos pos;
};

enum sh_redir_kind {
	SH_REDIR_IN,     /* [n]<  path   (n defaults to 0) */
	SH_REDIR_OUT,    /* [n]>  path   (n defaults to 1) */
	SH_REDIR_APPEND, /* [n]>> path */
	SH_REDIR_DUP,    /* n>&m: fd n becomes a copy of fd m (2>&1) */
};

struct sh_redir {
	enum sh_redir_kind kind;
	int fd;            /* the descriptor redirected */
	int dup_fd;        /* SH_REDIR_DUP: the source descriptor */
	struct sh_word target; /* the path (not for SH_REDIR_DUP) */
	struct sh_pos pos;
};

struct sh_cmd {
	struct sh_word *words; /* words[0] is the command name */
	size_t nwords;
	struct sh_redir *redirs;
	size_t nredirs;
	struct sh_pos pos;
};

struct sh_pipeline {
	struct sh_cmd *cmds; /* cmd0 | cmd1 | ... */
	size_t ncmds;
};

enum sh_connector {
	SH_SEQ, /* ";" or a newline: run the next one regardless */
	SH_AND, /* "&&": run the next one if this one succeeded */
	SH_OR,  /* "||": run the next one if this one failed */
};

/* A list: pipelines joined by connectors; conn[i] joins i and i + 1. */
struct sh_list {
	struct sh_pipeline *pipes;
	enum sh_connector *conn;
	size_t npipes;
};

/* A parse error: what and where, e.g. "1:7: unterminated quote". */
struct sh_error {
	struct sh_pos pos;
	char msg[160];
};

/* shell_parse.c.  Parse src (one or more lines) into *out.  Returns 0, or
 * -EINVAL with err filled; -ENOMEM.  Quoting: '...' literal, "..." with
 * \" \\ \$ and $ expansion inside, backslash escapes outside quotes,
 * "#" comments at the start of a word, line continuation with "\\\n".
 * An empty src gives an empty list. */
int sh_parse(const char *src, struct sh_list **out, struct sh_error *err);
/* The same for len bytes, which may hold a NUL: an error with its
 * position ("NUL byte in input"); a script read from a file uses this. */
int sh_parse_len(const char *src, size_t len, struct sh_list **out,
		 struct sh_error *err);
/* Whether src ends inside a quote or after "\\", "|", "&&" or "||": an
 * interactive shell then reads another line before parsing. */
bool sh_incomplete(const char *src);
void sh_list_free(struct sh_list *l);

/* shell_expand.c.  The shell's state that expansion reads. */
struct sh_state {
	int status;        /* $? */
	char cwd[4096];    /* the shell's working directory (real) */
	/* Shell-wide grants as ocapsh options, e.g. ("--ro", "/usr"), or
	 * (flag, NULL); each command's plan starts from them. */
	char **grant_opt, **grant_val;
	size_t ngrants;
	bool interactive;
	bool exit_requested;
	int exit_status;
};

/* Expand one word into fields (globbing may give several, or none when
 * nothing matches: then the word itself, as POSIX sh).  Fields are
 * malloc'ed; *fields is NULL-terminated.  Errors: -EINVAL with err
 * (e.g. "${" unterminated, an unset variable is empty, not an error). */
int sh_expand(const struct sh_state *st, const struct sh_word *w,
	      char ***fields, size_t *nfields, struct sh_error *err);
void sh_fields_free(char **fields);

/* shell_exec.c.  Run a parsed list; returns the status of the last
 * pipeline (also left in st->status). */
int sh_run_list(struct sh_state *st, const struct sh_list *l);
/* Parse and run src; errors print "ocapsh: WHERE:LINE:COL: msg" and give
 * status 2 as sh(1) does for syntax errors. */
int sh_run_string(struct sh_state *st, const char *src, const char *where);

/* shell_builtin.c.  A builtin runs in the shell itself.  Returns -1 when
 * argv[0] is not a builtin, else its exit status. */
int sh_builtin(struct sh_state *st, char **argv, size_t argc);

/* shell_main.c.  ocapsh's entry when it is a shell: mode is 'c' (-c
 * STRING), 'f' (-f SCRIPT) or 'i' (interactive, or a script on stdin
 * when stdin is not a terminal).  opt/val are the n options given before
 * (shell-wide grants), already checked by ocap_plan_option().  Returns
 * the exit status. */
int sh_main(char mode, const char *arg, char **opt, char **val, size_t n);

#endif
