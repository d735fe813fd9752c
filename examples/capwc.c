/* SPDX-License-Identifier: MIT */
/*
 * capwc: count the lines, words and bytes of files, in capability mode.
 *
 *	capwc [-v] OUT IN...
 *
 * The adoption path's last step, as Capsicum programs take it: open every
 * input and the output first, then enter with an empty namespace and no
 * exec, fork, network or file creation.  What reads the (untrusted)
 * input can then reach nothing but the descriptors it holds.  -v prints
 * what the kernel enforces.  Exit status: 0, 1 when an input could not
 * be read, 125 for usage and setup errors.
 */
#include <ctype.h>
#include <errno.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ocap/enter.h>

#define EXIT_SETUP 125

struct counts {
	unsigned long lines, words, bytes;
};

static void usage(void)
{
	fprintf(stderr, "usage: capwc [-v] OUT IN...\n");
	exit(EXIT_SETUP);
}

static int count(int fd, struct counts *c)
{
	char buf[8192];
	ssize_t n;
	int inword = 0;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		c->bytes += (unsigned long)n;
		for (ssize_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)buf[i];

			c->lines += ch == '\n';
			if (isspace(ch))
				inword = 0;
			else if (!inword++)
				c->words++;
		}
	}
	return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct ocap_enter_report report;
	int verbose = 0, c, r, status = 0, nin;
	int *in;
	FILE *out;

	while ((c = getopt(argc, argv, "v")) != -1) {
		if (c != 'v')
			usage();
		verbose = 1;
	}
	if (argc - optind < 2)
		usage();
	/* Everything the program will reach, opened while it still can. */
	if (!(out = fopen(argv[optind], "we")))
		err(EXIT_SETUP, "%s", argv[optind]);
	nin = argc - optind - 1;
	if (!(in = calloc((size_t)nin, sizeof *in)))
		err(EXIT_SETUP, "calloc");
	for (int i = 0; i < nin; i++)
		if ((in[i] = open(argv[optind + 1 + i], O_RDONLY | O_CLOEXEC)) < 0)
			err(EXIT_SETUP, "%s", argv[optind + 1 + i]);

	r = ocap_enter(NULL, OCAP_ENTER_STRICT | OCAP_ENTER_NO_EXEC |
		       OCAP_ENTER_NO_FORK | OCAP_ENTER_NO_NET |
		       OCAP_ENTER_NO_CREATE, &report);
	if (verbose || r < 0)
		ocap_enter_report_print(&report, stderr);
	if (r < 0)
		errx(EXIT_SETUP, "cannot enter capability mode: %s%s",
		     strerror(-r), r == -EOPNOTSUPP ? "\nHint: the lines marked "
		     "NOT enforced above say what this kernel lacks" : "");

	/* From here on, only in[] and out. */
	for (int i = 0; i < nin; i++) {
		struct counts k = { 0, 0, 0 };

		if (count(in[i], &k) < 0) {
			warn("%s", argv[optind + 1 + i]);
			status = 1;
			continue;
		}
		fprintf(out, "%7lu %7lu %7lu %s\n", k.lines, k.words, k.bytes,
			argv[optind + 1 + i]);
	}
	if (fclose(out) == EOF)
		err(1, "%s", argv[optind]);
	free(in);
	return status;
}
