/* SPDX-License-Identifier: MIT */
/*
 * ocapsh's command line through ocapsh_args_parse().  The input is the
 * arguments after "ocapsh", each ended by a NUL byte, like
 * /proc/PID/cmdline.  "--grants /fuzz/a" (or b, loop) reads one of the
 * grants files below, from memory.
 *
 * Besides the checks every plan and error pass (plan_check.c): the
 * options ocapsh hands on to the shell rebuild the same plan; what it
 * reports (a program, -c, -f, the interactive shell) is where the command
 * line says; and the options, written one per line as a grants file,
 * give the same plan or the same error on the matching line, as
 * ocap-grants(5) promises.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_check.h"
#include "ocapsh_args.h"
#include "plan_check.h"

#define ARGS_MAX 64
#define AS_FILE "args.grants"
#define VALUE_MAX 4096

static const char file_a[] = "# shared\n--ro /usr\n--rw data\n"
			     "--connect example.org:443\n--env LANG=C\n";
static const char file_b[] = "--grants a\n--rlimit nofile=64\n--bogus\n";
static const char file_loop[] = "--env X\n--grants loop\n";

/* The options as a grants file, when each fits on a line. */
struct as_file {
	char *text;
	size_t len;
	int arg[ARGS_MAX]; /* line k + 1 starts at argument arg[k] */
	int nlines;
	int shell_at;      /* -c or -f: where ocapsh stops (0: none) */
	bool ok;
};

/* A value a grants file keeps as it stands. */
static bool fits_line(const char *v)
{
	size_t len = strlen(v);

	return !strchr(v, '\n') && len < VALUE_MAX &&
	       (len == 0 || (!isspace((unsigned char)v[0]) &&
			     !isspace((unsigned char)v[len - 1])));
}

/* A name that reads the same on a line: in a file, "=", space or tab
 * end any name, and white space at the end of a line goes. */
static bool fits_name(const char *opt, size_t len, bool eq)
{
	if (len >= 64 || (!eq && strchr(opt, '=')))
		return false;
	for (size_t i = 0; i < len; i++)
		if (isspace((unsigned char)opt[i]) || opt[i] == '=')
			return false;
	return true;
}

static void add_line(struct as_file *f, int arg, const char *opt,
		     size_t optlen, const char *val)
{
	size_t need = optlen + (val ? strlen(val) + 1 : 0) + 1;
	char *t = realloc(f->text, f->len + need + 1);

	check(t != NULL);
	f->text = t;
	f->len += (size_t)sprintf(t + f->len, "%.*s%s%s\n", (int)optlen, opt,
				  val ? "=" : "", val ? val : "");
	f->arg[f->nlines++] = arg;
}

/* ocapsh's rules for options, read from ocapsh(1): "--name=value" or
 * "--name value", a flag alone, up to "--" or the first argument that
 * does not start with "-". */
static void to_file(int argc, char **argv, struct as_file *f)
{
	memset(f, 0, sizeof *f);
	f->ok = true;
	for (int i = 1; f->ok && i < argc && argv[i][0] == '-'; i++) {
		const char *opt = argv[i], *eq = NULL, *val = NULL;
		size_t optlen = strlen(opt);
		char name[64];
		int arity;

		if (!strcmp(opt, "--explain") || !strcmp(opt, "--explain=json") ||
		    !strcmp(opt, "--exec"))
			continue; /* ocapsh's own, not the plan's */
		if (!strncmp(opt, "--explain=", 10)) {
			f->ok = false; /* ocapsh's own: a format it lacks */
			break;
		}
		if (!strcmp(opt, "-c") || !strcmp(opt, "-f"))
			f->shell_at = i;
		if (f->shell_at || !strcmp(opt, "--") || !strcmp(opt, "-h") ||
		    !strcmp(opt, "--help") || !strcmp(opt, "--version"))
			break;
		if (!strncmp(opt, "--", 2) && (eq = strchr(opt, '='))) {
			optlen = (size_t)(eq - opt);
			val = eq + 1;
		}
		if (!fits_name(opt, optlen, eq)) {
			f->ok = false;
			break;
		}
		memcpy(name, opt, optlen);
		name[optlen] = '\0';
		arity = ocap_plan_option_arity(name);
		if (!strcmp(name, "--grants"))
			f->ok = false; /* one level deeper in a file */
		if (!strcmp(name, "--learn"))
			f->ok = false; /* ocapsh's own, with no file form */
		if (arity == 1 && !val && i + 1 < argc)
			val = argv[i + 1];
		if (val && !fits_line(val))
			f->ok = false;
		add_line(f, i, opt, optlen, val);
		if (arity == 1 && !eq)
			i++;
	}
}

/* Same plan from the file, or the same error on the option's line. */
static void check_as_file(const ocap_plan *p, int r, const char *msg,
			  int argc, char **argv)
{
	char cwd[PATH_MAX], path[PATH_MAX + 16], at[64];
	const char *rest, *qrest;
	struct as_file f;
	ocap_plan *q;
	size_t len;
	int rq, n = 0;

	to_file(argc, argv, &f);
	if (f.ok && r < 0) {
		check(!strncmp(msg, "argument ", 9));
		n = atoi(msg + 9);
	}
	/* An error at -c or -f itself is no option's. */
	if (!f.ok || (r < 0 && f.shell_at && n >= f.shell_at)) {
		free(f.text);
		return;
	}
	check(getcwd(cwd, sizeof cwd) != NULL);
	snprintf(path, sizeof path, "%s/" AS_FILE, cwd);
	vfs_add(path, f.text ? f.text : "", f.len);
	check(ocap_plan_new(&q) == 0);
	vfs_begin();
	rq = ocap_plan_grants_file(q, AS_FILE);
	vfs_end();
	if (r >= 0) {
		if (rq < 0)
			fprintf(stderr, "%s\n", ocap_plan_error(q));
		check(rq == 0);
		check_same_plan(p, q, false);
	} else {
		/* "argument N: rest" and "args.grants:K: rest", the same
		 * rest but for a hint, up to where either was cut short. */
		if (rq != r)
			fprintf(stderr, "%s\n%s\n", msg, ocap_plan_error(q));
		check(rq == r);
		rest = strstr(msg, ": ") + 2;
		for (int k = 0; k < f.nlines; k++) {
			if (f.arg[k] != n)
				continue;
			snprintf(at, sizeof at, AS_FILE ":%d: ", k + 1);
			check(!strncmp(ocap_plan_error(q), at, strlen(at)));
			qrest = ocap_plan_error(q) + strlen(at);
			len = strcspn(rest, "\n");
			if (strlen(qrest) < len)
				len = strlen(qrest);
			check(!strncmp(qrest, rest, len));
			n = -1;
		}
		check(n == -1);
	}
	ocap_plan_free(q);
	free(f.text);
}

/* What the parse reports is where the command line says. */
static void check_result(int r, const struct ocapsh_args *a, int argc,
			 char **argv)
{
	check(a->n < (size_t)argc);
	for (size_t i = 0; i < a->n; i++)
		check(ocap_plan_option_arity(a->opt[i]) == (a->val[i] != NULL));
	if (r != OCAPSH_ARGS_OK) {
		check(r == OCAPSH_ARGS_HELP || r == OCAPSH_ARGS_VERSION ||
		      r == OCAPSH_ARGS_NO_PROGRAM);
		return;
	}
	switch (a->shell) {
	case 'c':
	case 'f':
		check(argc >= 3 && a->text == argv[argc - 1] && !a->prog);
		check(argv[argc - 2][0] == '-' && argv[argc - 2][1] == a->shell);
		break;
	case 'i':
		check(!a->prog && !a->text);
		break;
	default:
		check(a->shell == 0 && a->prog && !a->text);
		check(a->prog > argv && a->prog < argv + argc);
		check(a->prog[0][0] != '-' || !strcmp(a->prog[-1], "--"));
	}
}

/* The options handed on to the shell make the same plan again. */
static void check_replay(const ocap_plan *p, const struct ocapsh_args *a)
{
	ocap_plan *q;

	check(ocap_plan_new(&q) == 0);
	vfs_begin();
	for (size_t i = 0; i < a->n; i++)
		check(ocap_plan_option(q, a->opt[i], a->val[i], "argument 1",
				       NULL) == 0);
	vfs_end();
	check_same_plan(p, q, false);
	ocap_plan_free(q);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *argv[ARGS_MAX + 1], *orig[ARGS_MAX + 1], *copy, msg[1024];
	struct ocapsh_args a;
	ocap_plan *p;
	int argc = 1, fd, r;
	size_t start = 0;

	vfs_clear();
	vfs_add(VFS_DIR "/a", file_a, sizeof file_a - 1);
	vfs_add(VFS_DIR "/b", file_b, sizeof file_b - 1);
	vfs_add(VFS_DIR "/loop", file_loop, sizeof file_loop - 1);

	/* The arguments as C strings; a last one without its NUL too. */
	copy = malloc(size + 1);
	check(copy != NULL);
	memcpy(copy, data, size);
	copy[size] = '\0';
	orig[0] = "ocapsh";
	for (size_t i = 0; i < size && argc < ARGS_MAX; i++) {
		if (copy[i] == '\0' || i + 1 == size) {
			orig[argc++] = copy + start;
			start = i + 1;
		}
	}
	orig[argc] = NULL;
	/* The parser splits "--name=value" in place: each its own copy. */
	for (int i = 0; i <= argc; i++) {
		argv[i] = orig[i] ? strdup(orig[i]) : NULL;
		check(argv[i] || !orig[i]);
	}

	check(ocap_plan_new(&p) == 0);
	fd = lowest_free_fd();
	vfs_begin();
	r = ocapsh_args_parse(p, argc, argv, &a, msg, sizeof msg);
	vfs_end();
	check(lowest_free_fd() == fd);

	if (r < 0) {
		check(r == -EINVAL || r == -ELOOP || r == -ENOENT ||
		      r == -ENAMETOOLONG);
		check_error(msg, argc, true);
	} else {
		check_result(r, &a, argc, argv);
		check_replay(p, &a);
	}
	check_plan(p, argc);
	if (r < 0 || r == OCAPSH_ARGS_OK)
		check_as_file(p, r, msg, argc, orig);

	ocapsh_args_free(&a);
	ocap_plan_free(p);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(copy);
	return 0;
}
