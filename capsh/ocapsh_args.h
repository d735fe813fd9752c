/* SPDX-License-Identifier: MIT */
#ifndef OCAP_OCAPSH_ARGS_H
#define OCAP_OCAPSH_ARGS_H

/*
 * ocapsh's command line up to the program.  Each grant option goes to the
 * plan as it comes; -c, -f, --exec, --explain, --learn, --help and --version are
 * ocapsh's own.  Nothing here prints or exits, so the fuzzer can drive it.
 */

#include <stdbool.h>
#include <stddef.h>

#include <ocap/launch.h>

struct ocapsh_args {
	int explain;       /* 0 no, 1 text, 2 json */
	bool exec;         /* --exec: run in place (ocap_exec()) */
	const char *learn; /* --learn FILE, or NULL */
	char **prog;       /* into argv: the program and its arguments */
	char shell;        /* 0 (a program), 'c', 'f' or 'i': see shell.h */
	const char *text;  /* -c STRING, -f SCRIPT */
	char **opt, **val; /* the options, for the shell's grants */
	size_t n;
};

enum ocapsh_args_result {
	OCAPSH_ARGS_OK,         /* a program, or a shell (a->shell) */
	OCAPSH_ARGS_HELP,       /* -h, --help */
	OCAPSH_ARGS_VERSION,    /* --version */
	OCAPSH_ARGS_NO_PROGRAM, /* "--" and nothing after it */
};

/* Parse argv into p and *a (argv's "--opt=value" strings are split in
 * place).  Returns an enum ocapsh_args_result, or -EINVAL with msg set
 * to one line naming the argument ("argument 3: ..."), perhaps followed
 * by a "Hint:" line; -ENOMEM.  Free a with ocapsh_args_free(). */
int ocapsh_args_parse(ocap_plan *p, int argc, char **argv,
		      struct ocapsh_args *a, char *msg, size_t size);
void ocapsh_args_free(struct ocapsh_args *a);

#endif
