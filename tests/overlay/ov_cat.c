/* SPDX-License-Identifier: MIT */
/*
 * ov_cat FILE [TEXT]: append TEXT to FILE, then print FILE.  Run under
 * ocapsh with FILE granted on its own: the broker reopens it, since a
 * native program cannot open /proc/self/fd.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;
	int fd;

	if (argc < 2 || argc > 3)
		errx(2, "usage: ov_cat FILE [TEXT]");
	if (argc == 3) {
		size_t len = strlen(argv[2]);
		if ((fd = open(argv[1], O_WRONLY | O_APPEND | O_CLOEXEC)) < 0 ||
		    write(fd, argv[2], len) != (ssize_t)len || close(fd) < 0)
			err(1, "%s", argv[1]);
	}
	if ((fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0)
		err(1, "%s", argv[1]);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(1, buf, (size_t)n) != n)
			err(1, "stdout");
	if (n < 0)
		err(1, "%s", argv[1]);
	return 0;
}
