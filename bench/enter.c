/* SPDX-License-Identifier: MIT */
/*
 * enter: what ocap_enter(3) costs a program that keeps one network grant,
 * whose helper (a broker of its own, launcher/linux/casper.c) is forked,
 * confines itself and starts its loop before ocap_enter returns.
 *
 *	enter none|net PORT
 *
 * none: exits at once (the bare row).  net: enters with --connect
 * 127.0.0.1:PORT, asks the helper for that address once (ocap_resolve)
 * and exits; the helper leaves when the root descriptor hangs up.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ocap/enter.h>
#include <ocap/ocap.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage a[4];
	char grant[32];
	ocap_ns *ns;
	int r;

	if (argc != 3 || (strcmp(argv[1], "none") && strcmp(argv[1], "net")))
		errx(2, "usage: enter none|net PORT");
	if (!strcmp(argv[1], "none"))
		return 0;
	snprintf(grant, sizeof grant, "127.0.0.1:%d", atoi(argv[2]));
	if ((r = ocap_ns_new(&ns)) < 0 ||
	    (r = ocap_enter_grant(ns, "--connect", grant)) < 0 ||
	    (r = ocap_enter(ns, OCAP_ENTER_BEST_EFFORT, NULL)) < 0)
		errx(1, "ocap_enter: %s", strerror(-r));
	if ((r = ocap_resolve("127.0.0.1", (uint16_t)atoi(argv[2]), a, 4)) != 1)
		errx(1, "ocap_resolve: %s", r < 0 ? strerror(-r) : "no address");
	return 0;
}
