/* SPDX-License-Identifier: MIT */
#include <sys/mman.h>

#include "ov.h"

/*
 * musl maps time zone files, locale files and message catalogues through
 * this hidden function; the replacement opens them through the namespace.
 * Returns NULL and sets errno on failure, as musl's.
 */
const unsigned char *__map_file(const char *path, size_t *size);

const unsigned char *__map_file(const char *path, size_t *size)
{
	int fd = ocap__ov_open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
	void *map = MAP_FAILED;
	struct stat st;
	long r;

	if (fd < 0)
		return ocap__ov_retp(NULL, fd);
	r = ocap__sys_fstatat(fd, "", &st, AT_EMPTY_PATH);
	if (r == 0) {
		map = mmap(0, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
		*size = (size_t)st.st_size;
	}
	ov_sys(SYS_close, fd);
	if (r < 0)
		return ocap__ov_retp(NULL, r);
	return map == MAP_FAILED ? NULL : map;
}
