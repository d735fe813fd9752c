/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "ov.h"

/* abs with its component at [start, end) replaced by the link target
 * (from the root when absolute, else from that component's directory),
 * normalised. */
static int splice_link(char *abs, size_t start, size_t end, const char *target)
{
	char joined[2 * OV_PATH + 2];
	size_t n = 0, tlen = strlen(target), rlen = strlen(abs + end);

	if (target[0] != '/') {
		memcpy(joined, abs, start);
		n = start;
	}
	if (n + tlen + rlen + 2 > sizeof joined)
		return -ENAMETOOLONG;
	joined[n++] = '/';
	memcpy(joined + n, target, tlen);
	n += tlen;
	memcpy(joined + n, abs + end, rlen + 1);
	return ocap_path_normalize(NULL, joined, abs, OV_PATH);
}

/* One pass: 1 when a link was spliced into abs, 0 when abs holds none. */
static int pass(ocap_ns *ns, char *abs, bool follow, int *links)
{
	char target[OV_PATH];
	size_t i = 1;

	while (abs[i]) {
		size_t end = i + strcspn(abs + i, "/");
		char save = abs[end];
		bool last = !save || !abs[end + 1];
		ssize_t n;

		abs[end] = '\0';
		n = (last && !follow && !save) ? -EINVAL
					       : ocap_ns_readlink(ns, abs, target,
								  sizeof target);
		if (n == -ENOENT && ocap__ov_virtual_dir(ns, abs))
			n = -EINVAL; /* a directory above mount points */
		abs[end] = save;
		if (n >= 0) {
			if ((size_t)n == sizeof target)
				return -ENAMETOOLONG;
			if (n == 0)
				return -ENOENT;
			target[n] = '\0';
			if (++*links > OV_MAXSYMLINKS)
				return -ELOOP;
			int r = splice_link(abs, i - 1, end, target);
			return r < 0 ? r : 1;
		}
		if (n != -EINVAL)
			return (int)n;
		i = save ? end + 1 : end;
	}
	return 0;
}

int ocap__ov_ns_realpath(ocap_ns *ns, const char *path, bool follow, char *out)
{
	int links = 0, r;
	size_t len;

	if ((r = ocap__ov_abs(ns, path, out)) < 0)
		return r;
	while ((r = pass(ns, out, follow, &links)) == 1)
		;
	if (r < 0)
		return r;
	len = strlen(out);
	/* Written as a directory: it must be one. */
	if (len > 1 && out[len - 1] == '/') {
		struct stat st;
		out[--len] = '\0';
		if ((r = ocap_ns_stat(ns, out, &st, 0)) < 0 &&
		    !(r == -ENOENT && ocap__ov_virtual_dir(ns, out)))
			return r;
		if (r == 0 && !S_ISDIR(st.st_mode))
			return -ENOTDIR;
	}
	return (int)len;
}
