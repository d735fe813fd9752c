/* SPDX-License-Identifier: MIT */
/* An installed libocap-launch consumer: enter capability mode holding one
 * file capability, then open that file through the namespace and print
 * it.  Reopening a file capability once entered goes through procfs's
 * root, which libocap opens when ocap_enter() asks it to: only a
 * consumer linked with libocap.a reaches that.  Exit 77 when the kernel
 * cannot enforce capability mode. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ocap/enter.h>

int main(int argc, char **argv)
{
	struct ocap_enter_report rep;
	ocap_cap *file;
	ocap_ns *ns;
	char buf[256];
	ssize_t n;
	int fd, r;

	if (argc != 2)
		errx(2, "usage: enter FILE");
	if ((r = ocap_ns_new(&ns)) < 0 ||
	    (r = ocap_cap_open(argv[1], OCAP_RIGHT_READ, &file)) < 0 ||
	    (r = ocap_ns_mount(ns, file)) < 0)
		errx(1, "%s: %s", argv[1], strerror(-r));
	r = ocap_enter(ns, OCAP_ENTER_STRICT, &rep);
	if (r == -EOPNOTSUPP) {
		ocap_enter_report_print(&rep, stderr);
		return 77;
	}
	if (r < 0)
		errx(1, "ocap_enter: %s", strerror(-r));
	fd = ocap_ns_open(ns, argv[1], O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		errx(1, "ocap_ns_open %s once entered: %s", argv[1],
		     strerror(-fd));
	if ((n = read(fd, buf, sizeof buf)) < 0)
		err(1, "read %s", argv[1]);
	fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	ocap_ns_free(ns);
	return 0;
}
