/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "internal.h"

static const char *const right_names[] = {
	"read", "write", "create", "delete", "list",
	"exec", "truncate", "connect", "listen",
};
#define NRIGHTS (sizeof right_names / sizeof right_names[0])

const char *ocap_right_name(ocap_rights_t right)
{
	for (size_t i = 0; i < NRIGHTS; i++)
		if (right == 1u << i)
			return right_names[i];
	return NULL;
}

static int right_by_word(const char *w, size_t len, ocap_rights_t *r)
{
	for (size_t i = 0; i < NRIGHTS; i++) {
		if (strlen(right_names[i]) == len &&
		    !memcmp(right_names[i], w, len)) {
			*r = 1u << i;
			return 0;
		}
	}
	return -EINVAL;
}

int ocap_rights_parse(const char *s, ocap_rights_t *rights, const char **end)
{
	ocap_rights_t acc = 0, r;
	const char *w = s;

	if (!s || !rights)
		return -EINVAL;
	if (!strcmp(s, "none")) {
		*rights = 0;
		return 0;
	}
	for (;;) {
		size_t len = strcspn(w, ",");
		if (len == 0 || right_by_word(w, len, &r) < 0) {
			if (end)
				*end = w;
			return -EINVAL;
		}
		acc |= r;
		if (!w[len])
			break;
		w += len + 1;
	}
	*rights = acc;
	return 0;
}

int ocap_rights_format(ocap_rights_t rights, char *buf, size_t size)
{
	size_t n = 0;

	if (rights & ~OCAP_RIGHTS_ALL)
		return -EINVAL;
	if (!rights) {
		if (size < sizeof "none")
			return -ENOSPC;
		memcpy(buf, "none", sizeof "none");
		return 4;
	}
	for (size_t i = 0; i < NRIGHTS; i++) {
		if (!(rights & 1u << i))
			continue;
		size_t len = strlen(right_names[i]);
		if (n + (n > 0) + len + 1 > size)
			return -ENOSPC;
		if (n > 0)
			buf[n++] = ',';
		memcpy(buf + n, right_names[i], len);
		n += len;
	}
	buf[n] = '\0';
	return (int)n;
}
