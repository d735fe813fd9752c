/* SPDX-License-Identifier: MIT */
/*
 * escape-euid: print "euid=N caps=none|CAP_SETPCAP" and exit.
 *
 * run.sh makes a copy of it set-user-ID root for nnp-setuid-exec (see
 * t_priv.c), so it does nothing else.  PR_CAPBSET_DROP checks CAP_SETPCAP
 * before the capability number: an invalid number changes nothing and
 * says EPERM without it, EINVAL with it.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(void)
{
	int r = prctl(PR_CAPBSET_DROP, 63UL, 0UL, 0UL, 0UL);

	printf("euid=%d caps=%s\n", (int)geteuid(),
	       r < 0 && errno == EPERM ? "none" : "CAP_SETPCAP");
	return 0;
}
