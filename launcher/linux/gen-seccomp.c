/* SPDX-License-Identifier: MIT */
/*
 * gen-seccomp: compile each mode's default seccomp program, the compat
 * modes' programs for each set of flags grants ask for, the broker's own
 * and ocap_enter()'s classes of calls, with libseccomp at build time and
 * write them as C, so that a launch loads ready BPF and entering needs no
 * libseccomp (a musl program compiles the same source).
 *
 *	gen-seccomp OUTPUT.c
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ocap/enter.h>

#include "classes.h"
#include "sandbox.h"

static void write_insns(FILE *out, const char *name,
			const struct sock_filter *f, size_t len)
{
	fprintf(out, "static const struct sock_filter prog_%s[%zu] = {\n",
		name, len);
	for (size_t i = 0; i < len; i++)
		fprintf(out, "\t{ 0x%04x, %3u, %3u, 0x%08x },\n", f[i].code,
			f[i].jt, f[i].jf, f[i].k);
	fprintf(out, "};\n");
}

/* A function returning one of the programs by key, as a switch. */
static void write_lookup(FILE *out, const char *decl, const char *key,
			 const unsigned *keys, const char *const *names,
			 size_t n)
{
	fprintf(out, "\n%s\n{\n\tswitch (%s) {\n", decl, key);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "\tcase %u:\n\t\t*prog = prog_%s;\n"
			     "\t\t*len = sizeof(prog_%s) / sizeof(prog_%s[0]);"
			     "\n\t\treturn 0;\n", keys[i], names[i], names[i],
			names[i]);
	fprintf(out, "\tdefault:\n\t\treturn -EINVAL;\n\t}\n}\n");
}

static void write_prog(FILE *out, int mode)
{
	const char *name = ocap__seccomp_mode_name(mode);
	struct sock_filter *f;
	size_t len;
	int err = ocap__seccomp_compile(mode, NULL, 0, &f, &len);

	if (err)
		errx(1, "%s program: %s", name, strerror(-err));
	fprintf(out, "\n/* %s: %d syscalls reach the kernel. */\n", name,
		ocap__seccomp_count(mode));
	write_insns(out, name, f, len);
	free(f);
}

#define NFLAGS 5
#define NMASKS (1u << NFLAGS)
#define NAME_LEN 64
_Static_assert(NMASKS == OCAP_SC_FLAGS_ALL + 1, "a bit per flag");

/* mode's program for each mask of flags, its name in names; mask 0 is
 * the default program, written already.  Masks whose programs come out
 * the same share the first one's (unsupervised, @hide and @suggest
 * change nothing). */
static void write_flag_progs(FILE *out, int mode, char names[][NAME_LEN])
{
	struct sock_filter *f[NMASKS];
	size_t len[NMASKS];

	for (unsigned m = 0; m < NMASKS; m++) {
		const char *extra[NFLAGS];
		char flags[NAME_LEN] = "";
		size_t n = 0, o;
		int err;

		/* in bit order, which is backend.c's */
		(void)snprintf(names[m], NAME_LEN, "%s",
			       ocap__seccomp_mode_name(mode));
		for (unsigned b = 1; b <= m; b <<= 1) {
			if (!(m & b))
				continue;
			extra[n] = ocap__seccomp_flag(b);
			(void)snprintf(names[m] + strlen(names[m]),
				       NAME_LEN - strlen(names[m]), "_%s",
				       extra[n] + 1);
			(void)snprintf(flags + strlen(flags),
				       NAME_LEN - strlen(flags), " %s",
				       extra[n]);
			n++;
		}
		err = ocap__seccomp_compile(mode, extra, n, &f[m], &len[m]);
		if (err)
			errx(1, "%s program with%s: %s",
			     ocap__seccomp_mode_name(mode), flags,
			     strerror(-err));
		for (o = 0; o < m; o++)
			if (len[o] == len[m] &&
			    !memcmp(f[o], f[m], len[m] * sizeof *f[m]))
				break;
		if (o < m)
			memcpy(names[m], names[o], NAME_LEN);
		else if (m) {
			fprintf(out, "\n/* %s with%s. */\n",
				ocap__seccomp_mode_name(mode), flags);
			write_insns(out, names[m], f[m], len[m]);
		}
	}
	for (unsigned m = 0; m < NMASKS; m++)
		free(f[m]);
}

/* The compat modes' programs by mask, and their lookup. */
static void write_flagged(FILE *out)
{
	static const int modes[] = { OCAP_SC_COMPAT, OCAP_SC_SUPER };
	char names[sizeof modes / sizeof *modes][NMASKS][NAME_LEN];

	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
		write_flag_progs(out, modes[i], names[i]);
	fprintf(out, "\n/* The programs above by mode and mask of flags; "
		     "len 0: none. */\n"
		     "static const struct {\n"
		     "\tconst struct sock_filter *prog;\n\tsize_t len;\n"
		     "} flagged[OCAP_SC_NMODES][%u] = {\n", NMASKS);
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
		fprintf(out, "\t[%d] = {\n", modes[i]);
		for (unsigned m = 1; m < NMASKS; m++)
			fprintf(out, "\t\t[0x%02x] = { prog_%s,\n\t\t\t"
				     "sizeof(prog_%s) / sizeof(prog_%s[0]) },"
				     "\n", m, names[i][m], names[i][m],
				names[i][m]);
		fprintf(out, "\t},\n");
	}
	fprintf(out, "};\n\nint ocap__seccomp_prebuilt_flags("
		     "int mode, unsigned mask,\n\t\t\t\t "
		     "const struct sock_filter **prog, size_t *len)\n{\n"
		     "\tif (mode < 0 || mode >= OCAP_SC_NMODES || "
		     "mask >= %u ||\n\t    !flagged[mode][mask].len)\n"
		     "\t\treturn -EINVAL;\n"
		     "\t*prog = flagged[mode][mask].prog;\n"
		     "\t*len = flagged[mode][mask].len;\n\treturn 0;\n}\n",
		NMASKS);
}

static void write_broker(FILE *out)
{
	struct sock_filter *f;
	size_t len;
	int err = ocap__seccomp_broker_compile(&f, &len);

	if (err)
		errx(1, "broker program: %s", strerror(-err));
	fprintf(out, "\n/* The broker's own allowlist. */\n");
	write_insns(out, "broker", f, len);
	fprintf(out, "\nvoid ocap__seccomp_broker_prebuilt("
		     "const struct sock_filter **prog,\n\t\t\t\t   "
		     "size_t *len)\n{\n\t*prog = prog_broker;\n"
		     "\t*len = sizeof(prog_broker) / sizeof(prog_broker[0]);"
		     "\n}\n");
	free(f);
}

/* One filter per class of calls, which ocap_enter() stacks. */
static void write_classes(FILE *out)
{
	static const char *const names[] = { "class_exec", "class_fork",
					     "class_net", "class_create" };
	static const unsigned flags[] = { OCAP_ENTER_NO_EXEC,
					  OCAP_ENTER_NO_FORK,
					  OCAP_ENTER_NO_NET,
					  OCAP_ENTER_NO_CREATE };

	for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
		struct sock_filter *f;
		size_t len;
		int err = ocap__enter_classes_compile(flags[i], &f, &len);

		if (err)
			errx(1, "%s filter: %s", names[i], strerror(-err));
		fprintf(out, "\n/* ocap_enter()'s class 0x%x. */\n", flags[i]);
		write_insns(out, names[i], f, len);
		free(f);
	}
	write_lookup(out, "int ocap__enter_class_prebuilt(unsigned flag,\n"
			  "\t\t\t       const struct sock_filter **prog,\n"
			  "\t\t\t       size_t *len)", "flag", flags, names,
		     sizeof flags / sizeof *flags);
}

static void write_source(FILE *out)
{
	unsigned modes[OCAP_SC_NMODES];
	const char *names[OCAP_SC_NMODES];

	fprintf(out, "/* SPDX-License-Identifier: MIT */\n"
		     "/* Generated by gen-seccomp: do not edit. */\n"
		     "#include <errno.h>\n\n#include \"classes.h\"\n"
		     "#include \"sandbox.h\"\n");
	for (int m = 0; m < OCAP_SC_NMODES; m++) {
		write_prog(out, m);
		modes[m] = (unsigned)m;
		names[m] = ocap__seccomp_mode_name(m);
	}
	write_lookup(out, "int ocap__seccomp_prebuilt(int mode, "
			  "const struct sock_filter **prog,\n\t\t\t  "
			  "size_t *len)", "mode", modes, names, OCAP_SC_NMODES);
	fprintf(out, "\nint ocap__seccomp_prebuilt_count(int mode)\n{\n"
		     "\tswitch (mode) {\n");
	for (int m = 0; m < OCAP_SC_NMODES; m++)
		fprintf(out, "\tcase %d:\n\t\treturn %d;\n", m,
			ocap__seccomp_count(m));
	fprintf(out, "\tdefault:\n\t\treturn -EINVAL;\n\t}\n}\n");
	write_flagged(out);
	write_broker(out);
	write_classes(out);
}

/* The file being written, removed at exit unless it became the output:
 * a failure (err() included) leaves nothing behind. */
static char tmp[4096];
static bool written;

static void remove_tmp(void)
{
	if (!written && tmp[0])
		(void)unlink(tmp);
}

int main(int argc, char **argv)
{
	FILE *out;

	if (argc != 2)
		errx(2, "usage: gen-seccomp OUTPUT.c");
	/* a name of its own: two runs at once never share one */
	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", argv[1], (int)getpid()) >=
	    (int)sizeof(tmp))
		errx(2, "%s: name too long", argv[1]);
	atexit(remove_tmp);
	out = fopen(tmp, "w");
	if (!out)
		err(1, "%s", tmp);
	write_source(out);
	if (fclose(out) != 0)
		err(1, "%s", tmp);
	if (rename(tmp, argv[1]) != 0)
		err(1, "%s", argv[1]);
	written = true;
	return 0;
}
