/* SPDX-License-Identifier: MIT */
/* A program built against an installed libocap: parse and format rights,
 * open /tmp as a capability, and print one line the test checks. */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include <ocap/ocap.h>

int main(void)
{
	ocap_rights_t rights;
	ocap_cap *cap;
	char buf[128];
	int rc;

	rc = ocap_rights_parse("list,read", &rights, NULL);
	if (rc < 0)
		errx(1, "ocap_rights_parse \"list,read\": %s", strerror(-rc));
	rc = ocap_rights_format(rights, buf, sizeof(buf));
	if (rc < 0)
		errx(1, "ocap_rights_format %#x: %s", rights, strerror(-rc));
	rc = ocap_cap_open("/tmp", rights, &cap);
	if (rc < 0)
		errx(1, "ocap_cap_open /tmp: %s", strerror(-rc));
	if (ocap_cap_kind(cap) != OCAP_KIND_DIR)
		errx(1, "/tmp: kind %d, expected a directory",
		     ocap_cap_kind(cap));
	printf("ocap consumer: %s %s\n", ocap_cap_name(cap), buf);
	ocap_cap_close(cap);
	return 0;
}
