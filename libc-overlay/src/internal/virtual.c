/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "ov.h"

bool ocap__ov_virtual_dir(ocap_ns *ns, const char *abs)
{
	size_t len = strlen(abs);
	const ocap_cap *c;

	if (len > 1 && abs[len - 1] == '/')
		len--;
	for (size_t i = 0; (c = ocap_ns_entry(ns, i)); i++) {
		const char *name = ocap_cap_name(c);
		int kind = ocap_cap_kind(c);

		if (kind != OCAP_KIND_DIR && kind != OCAP_KIND_FILE)
			continue;
		if (strlen(name) > len &&
		    (len == 1 || (!strncmp(name, abs, len) && name[len] == '/')))
			return true;
	}
	return false;
}
