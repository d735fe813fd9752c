/* SPDX-License-Identifier: MIT */
/*
 * ocap_msg_decode on arbitrary bytes.  The first input byte picks how many
 * descriptors "arrived" with the datagram, so the close-on-error path runs
 * on real descriptors; a decoded message must survive encode and decode
 * unchanged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <ocap/ocap.h>

#include "fuzz_check.h"

static int devnull = -1;

static bool is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

/* The lowest free descriptor number: it moves if anything leaked. */
static int lowest_free(void)
{
	int fd = fcntl(devnull, F_DUPFD_CLOEXEC, 0);

	check(fd >= 0);
	close(fd);
	return fd;
}

static void give_fds(struct ocap_msg *m, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		m->fds[i] = fcntl(devnull, F_DUPFD_CLOEXEC, 0);
		check(m->fds[i] >= 0);
	}
}

/* After a decode: on success every descriptor is ours to close, on
 * failure the library closed them all. */
static void settle_fds(struct ocap_msg *m, const int *given, unsigned n,
		       int rc)
{
	if (rc < 0) {
		check(m->nfds == 0);
		for (unsigned i = 0; i < n; i++)
			check(!is_open(given[i]));
		return;
	}
	check(m->nfds == n);
	for (unsigned i = 0; i < n; i++) {
		check(m->fds[i] == given[i]);
		check(is_open(given[i]));
		close(given[i]);
	}
}

static void check_same(const struct ocap_msg *a, const struct ocap_msg *b)
{
	check(a->type == b->type);
	check(a->seq == b->seq);
	check(a->fields == b->fields);
	check(a->nfds == b->nfds);
	if (a->fields & OCAP_F_STATUS)
		check(a->status == b->status);
	if (a->fields & OCAP_F_KIND)
		check(a->kind == b->kind);
	if (a->fields & OCAP_F_RIGHTS)
		check(a->rights == b->rights);
	if (a->fields & OCAP_F_COUNT)
		check(a->count == b->count);
	if (a->fields & OCAP_F_PORT)
		check(a->port == b->port);
	if (a->fields & OCAP_F_NAME) {
		check(a->name_len == b->name_len);
		check(memcmp(a->name, b->name, a->name_len + 1u) == 0);
	}
	if (a->fields & OCAP_F_ADDR) {
		check(a->addr_len == b->addr_len);
		check(memcmp(&a->addr, &b->addr, a->addr_len) == 0);
	}
}

/* The contract's table, written out again: fields each type requires and
 * allows, and the descriptors it carries (-1: one for DIR and FILE). */
static const struct {
	uint32_t req, opt;
	int nfds;
} types[OCAP_MSG_TYPE_MAX + 1] = {
	[OCAP_MSG_TABLE_REQ] = { 0, 0, 0 },
	[OCAP_MSG_TABLE_ENTRY] = { OCAP_F_KIND | OCAP_F_RIGHTS | OCAP_F_NAME,
				   0, -1 },
	[OCAP_MSG_TABLE_END] = { OCAP_F_COUNT, 0, 0 },
	[OCAP_MSG_REPLY] = { OCAP_F_STATUS, OCAP_F_COUNT, 0 },
	[OCAP_MSG_CONNECT] = { OCAP_F_ADDR, OCAP_F_NAME, 1 },
	[OCAP_MSG_BIND] = { OCAP_F_ADDR, 0, 1 },
	[OCAP_MSG_LISTEN] = { OCAP_F_COUNT, 0, 1 },
	[OCAP_MSG_RESOLVE] = { OCAP_F_NAME, OCAP_F_PORT, 0 },
	[OCAP_MSG_ADDR] = { OCAP_F_ADDR, 0, 0 },
	[OCAP_MSG_SESSION] = { 0, 0, 1 },
	[OCAP_MSG_OPEN] = { OCAP_F_NAME | OCAP_F_COUNT, 0, 0 },
	[OCAP_MSG_OPENED] = { 0, 0, 1 },
};

static bool addr_valid(const struct ocap_msg *m)
{
	switch (m->addr.ss_family) {
	case AF_INET:
		return m->addr_len == sizeof(struct sockaddr_in);
	case AF_INET6:
		return m->addr_len == sizeof(struct sockaddr_in6);
	case AF_UNIX:
		return m->addr_len >= 3 &&
		       m->addr_len <= sizeof(struct sockaddr_un);
	}
	return false;
}

/* What a successful decode promises about the message itself. */
static void check_valid(const struct ocap_msg *m)
{
	int nfds;

	check(m->type >= 1 && m->type <= OCAP_MSG_TYPE_MAX);
	check((m->fields & types[m->type].req) == types[m->type].req);
	check((m->fields & ~(types[m->type].req | types[m->type].opt)) == 0);
	if (m->fields & OCAP_F_NAME) {
		check(m->name_len >= 1 && m->name_len <= OCAP_NAME_MAX);
		check(strlen(m->name) == m->name_len);
	}
	if (m->fields & OCAP_F_KIND)
		check(m->kind >= OCAP_KIND_DIR && m->kind <= OCAP_KIND_BROKER);
	if (m->fields & OCAP_F_RIGHTS)
		check((m->rights & ~OCAP_RIGHTS_ALL) == 0);
	if (m->fields & OCAP_F_STATUS)
		check(m->status >= -4095 && m->status <= 0);
	if (m->fields & OCAP_F_ADDR)
		check(addr_valid(m));
	nfds = types[m->type].nfds;
	if (nfds < 0)
		nfds = m->kind == OCAP_KIND_DIR || m->kind == OCAP_KIND_FILE;
	check(m->nfds == (unsigned)nfds);
}

/* decode(encode(m)) == m, and encoding is a fixed point. */
static void round_trip(const struct ocap_msg *m)
{
	static uint8_t buf1[OCAP_MSG_MAX], buf2[OCAP_MSG_MAX];
	struct ocap_msg m2;
	int given[OCAP_MSG_FDS_MAX];
	uint8_t *tight;
	int len1, len2, rc;

	len1 = ocap_msg_encode(m, buf1, sizeof(buf1));
	check(len1 >= 16 && len1 <= OCAP_MSG_MAX);

	memset(&m2, 0, sizeof(m2));
	give_fds(&m2, m->nfds);
	memcpy(given, m2.fds, sizeof(given));
	rc = ocap_msg_decode(&m2, buf1, (size_t)len1, m->nfds);
	check(rc >= 0);
	check_same(m, &m2);

	len2 = ocap_msg_encode(&m2, buf2, sizeof(buf2));
	check(len2 == len1);
	check(memcmp(buf1, buf2, (size_t)len1) == 0);
	settle_fds(&m2, given, m->nfds, rc);

	/* A buffer one byte short is refused, not overrun. */
	tight = malloc((size_t)len1 - 1);
	check(tight != NULL);
	check(ocap_msg_encode(m, tight, (size_t)len1 - 1) < 0);
	free(tight);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ocap_msg m;
	int given[OCAP_MSG_FDS_MAX];
	unsigned nfds;
	uint8_t *copy;
	int before, rc;

	if (devnull < 0) {
		devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		check(devnull >= 0);
	}
	if (size < 1)
		return 0;
	nfds = data[0] % (OCAP_MSG_FDS_MAX + 1);
	data++;
	size--;

	/* An exact-size heap block of the datagram alone, so ASan sees
	 * a read past its end. */
	copy = malloc(size ? size : 1);
	check(copy != NULL);
	memcpy(copy, data, size);

	before = lowest_free();
	memset(&m, 0, sizeof(m));
	give_fds(&m, nfds);
	memcpy(given, m.fds, sizeof(given));
	rc = ocap_msg_decode(&m, copy, size, nfds);
	free(copy);

	if (rc >= 0) {
		check_valid(&m);
		round_trip(&m);
	} else {
		/* The contract's two decode errors; a datagram longer
		 * than any message may also be -EMSGSIZE. */
		check(rc == -EBADMSG || rc == -EPROTONOSUPPORT ||
		      (rc == -EMSGSIZE && size > OCAP_MSG_MAX));
	}
	settle_fds(&m, given, nfds, rc);
	check(lowest_free() == before);
	return 0;
}
