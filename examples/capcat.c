/* SPDX-License-Identifier: MIT */
/*
 * capcat: print files reached through one directory capability.
 *
 *	capcat [-w] DIR PATH...
 *
 * DIR becomes a read-only capability (read, list; -w adds write and
 * create); each PATH, relative to DIR or absolute, is opened through it
 * and copied to standard output.  Whatever lies outside DIR is ENOENT.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ocap/ocap.h>

static void usage(void)
{
	fprintf(stderr, "usage: capcat [-w] DIR PATH...\n");
	exit(125);
}

static int cat(const ocap_cap *dir, const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = ocap_openat(dir, path, O_RDONLY | O_CLOEXEC, 0);

	if (fd < 0) {
		warnx("%s: %s", path, strerror(-fd));
		return 1;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n < 0;
}

int main(int argc, char **argv)
{
	ocap_rights_t rights = OCAP_RIGHTS_RO;
	ocap_cap *dir;
	int c, r, status = 0;

	while ((c = getopt(argc, argv, "w")) != -1) {
		if (c != 'w')
			usage();
		rights |= OCAP_RIGHT_WRITE | OCAP_RIGHT_CREATE;
	}
	if (argc - optind < 2)
		usage();
	if ((r = ocap_cap_open(argv[optind], rights, &dir)) < 0)
		errx(125, "%s: %s", argv[optind], strerror(-r));
	for (int i = optind + 1; i < argc; i++)
		status |= cat(dir, argv[i]);
	ocap_cap_close(dir);
	return status;
}
