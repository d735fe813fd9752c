/* SPDX-License-Identifier: MIT */
/*
 * Builtins: they run in the shell itself (in a forked child when part of
 * a pipeline), with the shell's own authority, and change its state:
 * the working directory and the shell-wide grants.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell_exec.h"

#define ST_USAGE 2

static const char help_text[] =
	"Each command runs under ocap with the shell-wide grants (caps) and\n"
	"what its own command line designates:\n"
	"  cat notes.txt            an argument naming an existing file or\n"
	"                           folder grants read access to that path\n"
	"  cp notes.txt => copy     \"=>\" marks the next word writable: it\n"
	"                           is granted write, created if missing\n"
	"  sort < in > out          redirections are opened by the shell\n"
	"Other arguments are plain strings.  The language: pipelines (|),\n"
	"lists (; && ||), '...' and \"...\" quotes, \\ escapes, $VAR, $?, ~,\n"
	"globbing, < > >> 2> 2>&1 redirections, # comments.\n"
	"Builtins:\n"
	"  cd [DIR]                 change the shell's directory\n"
	"  grant OPTION [VALUE]...  add shell-wide grants, spelt as ocapsh's\n"
	"                           options: grant --ro /usr/share\n"
	"  revoke N... | OPTION [VALUE] | all\n"
	"                           remove shell-wide grants\n"
	"  caps                     list the shell-wide grants\n"
	"  explain COMMAND          show what COMMAND would receive\n"
	"  exit [N]                 leave the shell\n"
	"  help                     this text\n";

static int err_usage(const char *msg)
{
	fprintf(stderr, "ocapsh: %s\n", msg);
	return ST_USAGE;
}

/* ---- the grant list ---------------------------------------------------- */

/* val with its path made absolute against cwd, so that a later cd does
 * not move the grant. */
static char *absolute_value(const char *cwd, const char *opt, const char *val)
{
	char path[OCAP_NAME_MAX + 1], abs[OCAP_NAME_MAX + 1], *out;
	ocap_rights_t rights;
	size_t start, len;
	int n;

	if (!val)
		return NULL;
	if (ocap_option_path(opt, val, &start, &len, &rights) <= 0 || !len ||
	    len >= sizeof path)
		return strdup(val);
	memcpy(path, val + start, len);
	path[len] = '\0';
	if ((n = ocap_path_normalize(cwd, path, abs, sizeof abs)) < 0)
		return strdup(val);
	if (n > 1 && abs[n - 1] == '/')
		abs[n - 1] = '\0';
	out = malloc(start + strlen(abs) + strlen(val + start + len) + 1);
	if (!out)
		return NULL;
	sprintf(out, "%.*s%s%s", (int)start, val, abs, val + start + len);
	return out;
}

int sh_grant_add(struct sh_state *st, const char *opt, const char *val)
{
	char **o, **v, *opt_copy, *val_copy = NULL;
	int arity = ocap_plan_option_arity(opt);

	if (arity < 0 || (arity == 1) != (val != NULL))
		return -EINVAL;
	o = realloc(st->grant_opt, (st->ngrants + 1) * sizeof *o);
	if (!o)
		return -ENOMEM;
	st->grant_opt = o;
	v = realloc(st->grant_val, (st->ngrants + 1) * sizeof *v);
	if (!v)
		return -ENOMEM;
	st->grant_val = v;
	opt_copy = strdup(opt);
	if (val)
		val_copy = absolute_value(st->cwd, opt, val);
	if (!opt_copy || (val && !val_copy)) {
		free(opt_copy);
		free(val_copy);
		return -ENOMEM;
	}
	o[st->ngrants] = opt_copy;
	v[st->ngrants++] = val_copy;
	return 0;
}

static void grant_remove(struct sh_state *st, size_t i)
{
	free(st->grant_opt[i]);
	free(st->grant_val[i]);
	memmove(st->grant_opt + i, st->grant_opt + i + 1,
		(st->ngrants - i - 1) * sizeof *st->grant_opt);
	memmove(st->grant_val + i, st->grant_val + i + 1,
		(st->ngrants - i - 1) * sizeof *st->grant_val);
	st->ngrants--;
}

void sh_grants_free(struct sh_state *st)
{
	while (st->ngrants)
		grant_remove(st, st->ngrants - 1);
	free(st->grant_opt);
	free(st->grant_val);
	st->grant_opt = st->grant_val = NULL;
}

/* ---- grant, revoke, caps ----------------------------------------------- */

/* One option from argv at *i, as ocapsh spells it: "--ro PATH",
 * "--ro=PATH" or a flag.  opt is a copy the caller frees. */
static int next_option(char **argv, size_t argc, size_t *i, char **opt,
		       const char **val)
{
	char *eq;
	int arity;

	if (!(*opt = strdup(argv[*i])))
		return -ENOMEM;
	*val = NULL;
	if (!strncmp(*opt, "--", 2) && (eq = strchr(*opt, '='))) {
		*eq = '\0';
		*val = argv[*i] + (eq - *opt) + 1;
	}
	arity = ocap_plan_option_arity(*opt);
	if (arity < 0) {
		fprintf(stderr, "ocapsh: %s: unknown option '%s'\n"
				"Hint: help lists the grants; ocapsh --help "
				"the options\n",
			argv[0], *opt);
		return -EINVAL;
	}
	if (arity == 1 && !*val) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "ocapsh: %s: %s: missing value\n",
				argv[0], *opt);
			return -EINVAL;
		}
		*val = argv[++*i];
	}
	(*i)++;
	return 0;
}

/* A grant the launcher would refuse is refused now, not at every
 * command; so is a path for --ro or --rx that does not exist (--rw and
 * --grant with create make a missing file, as in a one-shot launch). */
static int grant_check(struct sh_state *st, const char *opt, const char *val)
{
	ocap_plan *p;
	struct stat sb;
	int rc;

	/* What one run was refused, written down: ocapsh's own. */
	if (!strcmp(opt, "--learn")) {
		fprintf(stderr, "ocapsh: grant: --learn is for ocapsh's "
				"command line, with a program\n");
		return -EINVAL;
	}
	if (ocap_plan_new(&p) < 0)
		return -ENOMEM;
	rc = ocap_plan_option(p, opt, val, "grant", st->cwd);
	if (rc < 0)
		fprintf(stderr, "ocapsh: %s\n", ocap_plan_error(p));
	ocap_plan_free(p);
	if (rc == 0 && val &&
	    (!strcmp(opt, "--ro") || !strcmp(opt, "--rx")) &&
	    stat(val, &sb) < 0) {
		rc = -errno;
		fprintf(stderr, "ocapsh: grant: %s %s: %s\n", opt, val,
			strerror(-rc));
	}
	return rc;
}

static int b_grant(struct sh_state *st, char **argv, size_t argc)
{
	size_t i = 1, first = st->ngrants;

	if (argc < 2)
		return err_usage("usage: grant OPTION [VALUE] ...");
	while (i < argc) {
		char *opt;
		const char *val;
		int rc = next_option(argv, argc, &i, &opt, &val);
		if (rc == 0 && (rc = grant_check(st, opt, val)) == 0)
			rc = sh_grant_add(st, opt, val);
		free(opt);
		if (rc < 0) {
			/* All or nothing. */
			while (st->ngrants > first)
				grant_remove(st, st->ngrants - 1);
			return 1;
		}
	}
	return 0;
}

static bool all_numbers(char **argv, size_t argc)
{
	for (size_t i = 1; i < argc; i++)
		if (strspn(argv[i], "0123456789") != strlen(argv[i]) ||
		    !argv[i][0])
			return false;
	return true;
}

static int revoke_numbers(struct sh_state *st, char **argv, size_t argc)
{
	bool *drop = calloc(st->ngrants + 1, sizeof *drop);

	if (!drop)
		return 1;
	for (size_t i = 1; i < argc; i++) {
		unsigned long n = strtoul(argv[i], NULL, 10);
		if (n < 1 || n > st->ngrants) {
			fprintf(stderr, "ocapsh: revoke: %s: no such grant "
					"(caps lists them)\n", argv[i]);
			free(drop);
			return 1;
		}
		drop[n - 1] = true;
	}
	for (size_t i = st->ngrants; i-- > 0;)
		if (drop[i])
			grant_remove(st, i);
	free(drop);
	return 0;
}

/* revoke OPTION [VALUE]: every grant spelt so (the path made absolute
 * as when it was granted). */
static int revoke_spelling(struct sh_state *st, char **argv, size_t argc)
{
	size_t i = 1, found = 0;
	char *opt, *abs;
	const char *val;

	if (next_option(argv, argc, &i, &opt, &val) < 0) {
		free(opt);
		return 1;
	}
	if (i != argc) {
		free(opt);
		return err_usage("usage: revoke N... | OPTION [VALUE] | all");
	}
	abs = absolute_value(st->cwd, opt, val);
	for (size_t k = st->ngrants; k-- > 0;) {
		const char *v = st->grant_val[k];
		if (!strcmp(st->grant_opt[k], opt) &&
		    (!v == !abs) && (!v || !strcmp(v, abs))) {
			grant_remove(st, k);
			found++;
		}
	}
	if (!found)
		fprintf(stderr, "ocapsh: revoke: %s%s%s: not granted\n", opt,
			abs ? " " : "", abs ? abs : "");
	free(opt);
	free(abs);
	return found ? 0 : 1;
}

static int b_revoke(struct sh_state *st, char **argv, size_t argc)
{
	if (argc < 2)
		return err_usage("usage: revoke N... | OPTION [VALUE] | all");
	if (argc == 2 && !strcmp(argv[1], "all")) {
		while (st->ngrants)
			grant_remove(st, st->ngrants - 1);
		return 0;
	}
	if (all_numbers(argv, argc))
		return revoke_numbers(st, argv, argc);
	return revoke_spelling(st, argv, argc);
}

static int b_caps(struct sh_state *st, char **argv, size_t argc)
{
	if (argc > 1)
		return err_usage("usage: caps");
	if (st->ngrants == 0)
		printf("no shell-wide grants: each command gets what its "
		       "command line designates\n");
	for (size_t i = 0; i < st->ngrants; i++)
		printf("%zu\t%s%s%s\n", i + 1, st->grant_opt[i],
		       st->grant_val[i] ? " " : "",
		       st->grant_val[i] ? st->grant_val[i] : "");
	return 0;
}

/* ---- explain ----------------------------------------------------------- */

int sh_explain(struct sh_state *st, const struct sh_argv *a,
	       const char *where)
{
	ocap_plan *p;
	int rc;

	if (a->argc == 0)
		return err_usage("usage: explain COMMAND [ARGUMENT ...]");
	if (sh_is_builtin(a->argv[0])) {
		printf("%s: a builtin: it runs in the shell, with the shell's "
		       "own authority\n", a->argv[0]);
		return 0;
	}
	if ((rc = sh_plan_build(st, a, where, &p)) != 0)
		return rc;
	rc = ocap_plan_explain(p, stdout, 0);
	if (rc < 0) {
		sh_plan_report(where, p, a->pos[0]);
		rc = ocap_exit_status(p, rc, 0);
	}
	ocap_plan_free(p);
	return rc;
}

/* Without the words' marks: what the command would get unmarked. */
static int b_explain(struct sh_state *st, char **argv, size_t argc)
{
	struct sh_argv a = { argv + 1, NULL, NULL, argc - 1 };
	bool *w = calloc(argc, sizeof *w);
	struct sh_pos *pos = calloc(argc, sizeof *pos);
	int rc = 125;

	if (w && pos) {
		a.writable = w;
		a.pos = pos;
		rc = sh_explain(st, &a, NULL);
	}
	free(w);
	free(pos);
	return rc;
}

/* ---- cd, exit, help ---------------------------------------------------- */

static int b_cd(struct sh_state *st, char **argv, size_t argc)
{
	const char *dir = argc > 1 ? argv[1] : getenv("HOME");

	if (argc > 2)
		return err_usage("usage: cd [DIR]");
	if (!dir || !*dir) {
		fprintf(stderr, "ocapsh: cd: HOME is not set\n");
		return 1;
	}
	if (chdir(dir) < 0) {
		fprintf(stderr, "ocapsh: cd: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (!getcwd(st->cwd, sizeof st->cwd)) {
		fprintf(stderr, "ocapsh: cd: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	setenv("PWD", st->cwd, 1);
	return 0;
}

static int b_exit(struct sh_state *st, char **argv, size_t argc)
{
	char *end;
	long n = st->status;

	if (argc > 2)
		return err_usage("usage: exit [N]");
	if (argc == 2) {
		errno = 0;
		n = strtol(argv[1], &end, 10);
		if (!argv[1][0] || *end || errno || n < 0 || n > 255) {
			fprintf(stderr, "ocapsh: exit: %s: expected a number "
					"from 0 to 255\n", argv[1]);
			return ST_USAGE;
		}
	}
	st->exit_requested = true;
	st->exit_status = (int)n;
	return (int)n;
}

static int b_help(struct sh_state *st, char **argv, size_t argc)
{
	fputs(help_text, stdout);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct sh_state *st, char **argv, size_t argc);
} builtins[] = {
	{ "cd", b_cd },       { "grant", b_grant }, { "revoke", b_revoke },
	{ "caps", b_caps },   { "explain", b_explain }, { "exit", b_exit },
	{ "help", b_help },
};

bool sh_is_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (!strcmp(builtins[i].name, name))
			return true;
	return false;
}

int sh_builtin(struct sh_state *st, char **argv, size_t argc)
{
	int status;

	if (argc == 0)
		return -1;
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
		if (strcmp(builtins[i].name, argv[0]))
			continue;
		status = builtins[i].run(st, argv, argc);
		fflush(stdout);
		return status;
	}
	return -1;
}
