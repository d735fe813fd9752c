/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocapsh_args.h"

/* Control characters but tab: where a quoted script is cut short. */
static const char ctrl[] = "\001\002\003\004\005\006\007\010\012\013\014\015"
			   "\016\017\020\021\022\023\024\025\026\027\030"
			   "\031\032\033\034\035\036\037\177";

static int fail(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* -c STRING or -f SCRIPT ends the command line: 1 when argv[i] is one,
 * 0 when not, -EINVAL when it is misplaced. */
static int shell_option(int argc, char **argv, int i, struct ocapsh_args *a,
			char *msg, size_t size)
{
	size_t n;

	if (strcmp(argv[i], "-c") && strcmp(argv[i], "-f"))
		return 0;
	if (i + 1 >= argc)
		return fail(msg, size, "argument %d: %s: missing value", i,
			    argv[i]);
	/* One line: a script is quoted up to its first line break. */
	n = strcspn(argv[i + 1], ctrl);
	if (i + 2 < argc)
		return fail(msg, size, "argument %d: nothing may follow %s "
			    "%.*s%s", i + 2, argv[i], (int)n, argv[i + 1],
			    argv[i + 1][n] ? "..." : "");
	a->shell = argv[i][1];
	a->text = argv[i + 1];
	return 1;
}

int ocapsh_args_parse(ocap_plan *p, int argc, char **argv,
		      struct ocapsh_args *a, char *msg, size_t size)
{
	bool dashdash = false;
	int i, r;

	memset(a, 0, sizeof *a);
	if (!(a->opt = calloc((size_t)argc, sizeof *a->opt)) ||
	    !(a->val = calloc((size_t)argc, sizeof *a->val))) {
		snprintf(msg, size, "out of memory");
		return -ENOMEM;
	}
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		char *opt = argv[i], *eq, *val = NULL, where[32];
		int arity;

		if (!strcmp(opt, "--")) {
			dashdash = true;
			i++;
			break;
		}
		if ((r = shell_option(argc, argv, i, a, msg, size)) != 0)
			return r < 0 ? r : OCAPSH_ARGS_OK;
		if (!strcmp(opt, "-h") || !strcmp(opt, "--help"))
			return OCAPSH_ARGS_HELP;
		if (!strcmp(opt, "--version"))
			return OCAPSH_ARGS_VERSION;
		if (!strcmp(opt, "--exec")) {
			a->exec = true;
			continue;
		}
		if (!strcmp(opt, "--explain")) {
			a->explain = 1;
			continue;
		}
		if (!strcmp(opt, "--explain=json")) {
			a->explain = 2;
			continue;
		}
		if (!strncmp(opt, "--explain=", 10)) {
			snprintf(msg, size, "argument %d: --explain: the one "
				 "format it takes is json", i);
			return -EINVAL;
		}
		if (!strcmp(opt, "--learn") || !strncmp(opt, "--learn=", 8)) {
			a->learn = opt[7] == '=' ? opt + 8
				   : i + 1 < argc ? argv[++i] : NULL;
			if (!a->learn) {
				snprintf(msg, size, "argument %d: --learn: "
					 "missing value", i);
				return -EINVAL;
			}
			/* What it learns from: --suggest's lines, with
			 * reads outside the grants let through. */
			if ((r = ocap_plan_option(p, "--learn", NULL,
						  "--learn", NULL)) < 0) {
				snprintf(msg, size, "%s", ocap_plan_error(p));
				return r;
			}
			a->opt[a->n] = "--learn";
			a->val[a->n++] = NULL;
			continue;
		}
		if (!strncmp(opt, "--", 2) && (eq = strchr(opt, '='))) {
			*eq = '\0';
			val = eq + 1;
		}
		snprintf(where, sizeof where, "argument %d", i);
		arity = ocap_plan_option_arity(opt);
		if (arity == 1 && !val && i + 1 < argc)
			val = argv[++i];
		/* The plan also says "unknown option" and "missing value". */
		if ((r = ocap_plan_option(p, opt, val, where, NULL)) < 0) {
			snprintf(msg, size, "%s%s", ocap_plan_error(p),
				 arity < 0 ? "\nHint: ocapsh --help lists the "
					     "options" : "");
			return r;
		}
		a->opt[a->n] = opt;
		a->val[a->n++] = val;
	}
	if (i >= argc && !dashdash) {
		a->shell = 'i';
		return OCAPSH_ARGS_OK;
	}
	if (i >= argc)
		return OCAPSH_ARGS_NO_PROGRAM;
	a->prog = argv + i;
	return OCAPSH_ARGS_OK;
}

void ocapsh_args_free(struct ocapsh_args *a)
{
	free(a->opt);
	free(a->val);
	a->opt = a->val = NULL;
}
