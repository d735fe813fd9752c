/* SPDX-License-Identifier: MIT */
/*
 * ocapsh: run a program with exactly the granted capabilities, or, with
 * no program, -c or -f, be a shell that runs each command so (shell.h).
 * Exit status as env(1): 125 for ocapsh's own failures, 126 cannot
 * execute, 127 not found, else the program's (128+N for signal N).
 */
#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ocap/launch.h>

#include "handover.h"
#include "learn.h"
#include "ocapsh_args.h"
#include "shell.h"


static const char usage_text[] =
	"usage: ocapsh [options] [--] program [argument ...]\n"
	"       ocapsh [options] [-c string | -f script]\n"
	"\n"
	"Grants:\n"
	"  --ro PATH               read and list PATH\n"
	"  --rw PATH               read, write, create, delete, list, truncate\n"
	"  --rx PATH               read, list and execute\n"
	"  --grant PATH=RIGHTS     exactly RIGHTS, e.g. ./out=create,write\n"
	"  --connect HOST:PORT     TCP connect; HOST a name, IPv4, [IPv6] or *\n"
	"  --connect unix:PATH     connect to a Unix socket\n"
	"  --listen ADDR:PORT      TCP bind and listen\n"
	"  --udp HOST:PORT         UDP to HOST:PORT\n"
	"  --env NAME[=VALUE]      pass NAME (the caller's value) or set it\n"
	"  --inherit-env           keep the whole environment\n"
	"  --grants FILE           read options from FILE, one per line\n"
	"  --preset NAME           read the preset NAME: cc, python, node, git, net\n"
	"Sandbox:\n"
	"  --mode auto|native|compat  how to run the program (default auto)\n"
	"  --no-runtime            no runtime files for dynamic programs\n"
	"  --no-tmpdir             no private temporary directory\n"
	"  --keep-tmpdir           keep the private temporary directory\n"
	"  --hide-metadata         stat and the like: ENOENT outside the grants\n"
	"  --suggest               at exit, the grants refused paths and ports need\n"
	"  --learn FILE            write those grants to FILE (or FILE.new)\n"
	"  --allow-syscall NAME    allow a system call (chmod: all that chmod)\n"
	"  --rlimit NAME=VALUE     core, nofile, nproc, as, cpu, fsize\n"
	"  --best-effort           run even when a grant cannot be enforced\n"
	"  --exec                  exec in place: no broker (see ocapsh(1))\n"
	"  -v, --verbose           log each denial and the grant it needs\n"
	"Shell (no program: interactive, or a script on standard input):\n"
	"  -c STRING               run the commands in STRING\n"
	"  -f SCRIPT               run the commands in the file SCRIPT\n"
	"Other:\n"
	"  --explain[=json]        print the plan and exit\n"
	"  -h, --help              print this help and exit\n"
	"  --version               print the version and exit\n";

static _Noreturn void usage(int status)
{
	fputs(usage_text, status ? stderr : stdout);
	exit(status);
}

static _Noreturn void fail(ocap_plan *p, int r)
{
	warnx("%s", ocap_plan_error(p));
	if (r == -EOPNOTSUPP)
		fprintf(stderr, "Hint: --best-effort runs it anyway and "
				"reports what is not enforced\n");
	exit(ocap_exit_status(p, r, 0));
}

#if !OCAPSH_HANDS_OVER
/* The shell applies its options again for each command, reading each
 * grants file anew: a pipe would be empty from the second read on, and
 * the restrictions it holds (--rlimit, --mode, --hide-metadata) gone. */
static void shell_grants_check(const struct ocapsh_args *a)
{
	struct stat st;

	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->opt[i], "--grants") && a->val[i] &&
		    (stat(a->val[i], &st) < 0 || !S_ISREG(st.st_mode)))
			errx(OCAP_EXIT_LAUNCHER, "--grants %s: the shell reads "
			     "it again for each command: a regular file, not "
			     "a pipe", a->val[i]);
}
#endif

/* --exec: ocapsh becomes the program, or says why not (confined in part
 * perhaps: it only reports and exits). */
static int run_in_place(ocap_plan *p)
{
	int r = ocap_exec(p);

	warnx("%s", ocap_plan_error(p));
	return ocap_exit_status(p, r, 0);
}

int main(int argc, char **argv)
{
	struct ocapsh_args a;
	ocap_plan *p;
	char msg[1024];
	size_t nwarn = 0;
	int r, status = 0;

#if OCAPSH_HANDS_OVER
	if (ocapsh_needs_full(argc, argv))
		ocapsh_hand_over(argv);
#endif
	if (ocap_plan_new(&p) < 0)
		errx(OCAP_EXIT_LAUNCHER, "out of memory");
	r = ocapsh_args_parse(p, argc, argv, &a, msg, sizeof msg);
	if (r < 0)
		errx(OCAP_EXIT_LAUNCHER, "%s", msg);
	if (r == OCAPSH_ARGS_HELP)
		usage(0);
	if (r == OCAPSH_ARGS_VERSION) {
		printf("ocapsh %d.%d.%d\n", OCAP_VERSION_MAJOR,
		       OCAP_VERSION_MINOR, OCAP_VERSION_PATCH);
		exit(0);
	}
	if (r == OCAPSH_ARGS_NO_PROGRAM) {
		warnx("no program given");
		usage(OCAP_EXIT_LAUNCHER);
	}
	if (a.shell) {
		if (a.exec)
			errx(OCAP_EXIT_LAUNCHER, "--exec needs a program");
		if (a.learn)
			errx(OCAP_EXIT_LAUNCHER, "--learn needs a program");
		if (a.explain)
			errx(OCAP_EXIT_LAUNCHER, "--explain needs a program\n"
			     "Hint: the shell's explain builtin shows what a "
			     "command would receive");
		ocap_plan_free(p);
#if OCAPSH_HANDS_OVER
		/* ocapsh_needs_full() said not: the two disagree */
		errx(OCAP_EXIT_LAUNCHER, "the shell is ocapsh-full's");
#else
		shell_grants_check(&a);
		status = sh_main(a.shell, a.text, a.opt, a.val, a.n);
		ocapsh_args_free(&a);
		return status;
#endif
	}
	ocapsh_args_free(&a);
	if ((r = ocap_plan_program(p, a.prog)) < 0)
		errx(ocap_exit_status(p, r, 0), "%s", ocap_plan_error(p));
	if (a.exec && a.learn)
		errx(OCAP_EXIT_LAUNCHER, "--exec: --learn needs the supervisor");
	if (a.exec && (r = ocap_plan_in_place(p)) < 0)
		fail(p, r);
	if (a.explain) {
		if ((r = ocap_plan_explain(p, stdout, a.explain == 2)) < 0)
			fail(p, r);
		ocap_plan_free(p);
		return fflush(stdout) == 0 ? 0 : OCAP_EXIT_LAUNCHER;
	}
	if (a.learn && ocapsh_learn_check(a.learn, msg, sizeof msg) < 0)
		errx(OCAP_EXIT_LAUNCHER, "%s", msg);
	if ((r = ocap_plan_check(p)) < 0)
		fail(p, r);
	for (; ocap_plan_warning(p, nwarn); nwarn++)
		warnx("not enforced: %s", ocap_plan_warning(p, nwarn));
	fflush(stdout);
	if (a.exec)
		return run_in_place(p);
	r = ocap_launch(p, &status);
	if (r < 0)
		warnx("%s", ocap_plan_error(p));
	for (size_t i = nwarn; ocap_plan_warning(p, i); i++)
		warnx("%s", ocap_plan_warning(p, i));
	if (r == 0 && ocap_plan_tmpdir(p))
		warnx("kept %s", ocap_plan_tmpdir(p));
	for (size_t i = 0; ocap_plan_suggestion(p, i); i++)
		warnx("suggest: %s", ocap_plan_suggestion(p, i));
	if (r == 0 && a.learn) {
		ocapsh_learn(p, a.learn, a.prog, msg, sizeof msg);
		warnx("%s", msg);
	}
	status = ocap_exit_status(p, r, status);
#if !OCAPSH_HANDS_OVER
	ocap_plan_free(p);
#endif
	/* else: the exit closes the grants' descriptors, faster than a
	 * close(2) each; only the sanitized glibc build checks for leaks. */
	return status;
}
