/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "support.h"

/* ---- helpers ---------------------------------------------------------- */

static int null_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

static void set_name(struct ocap_msg *m, const char *name)
{
	m->fields |= OCAP_F_NAME;
	m->name_len = (uint16_t)strlen(name);
	memcpy(m->name, name, m->name_len + 1u);
}

static void set_inet(struct ocap_msg *m, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&m->addr;

	m->fields |= OCAP_F_ADDR;
	memset(&m->addr, 0, sizeof(m->addr));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(0x7f000001);
	m->addr_len = sizeof(*sin);
}

static void set_inet6(struct ocap_msg *m)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&m->addr;

	m->fields |= OCAP_F_ADDR;
	memset(&m->addr, 0, sizeof(m->addr));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(443);
	sin6->sin6_addr.s6_addr[15] = 1;
	sin6->sin6_scope_id = 7;
	m->addr_len = sizeof(*sin6);
}

static void set_unix(struct ocap_msg *m, const char *path)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&m->addr;

	m->fields |= OCAP_F_ADDR;
	memset(&m->addr, 0, sizeof(m->addr));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, strlen(path));
	m->addr_len = (uint32_t)(offsetof(struct sockaddr_un, sun_path) +
				 strlen(path));
}

static void msg_init(struct ocap_msg *m, uint16_t type, uint32_t seq)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->seq = seq;
}

/* One valid message of each kind; optional fields marked. */
struct sample {
	const char *what;
	void (*build)(struct ocap_msg *m);
	unsigned nfds;
	bool only_required;
};

static void b_req(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_TABLE_REQ, 1);
}

static void b_entry_dir(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_TABLE_ENTRY, 2);
	m->fields = OCAP_F_KIND | OCAP_F_RIGHTS;
	m->kind = OCAP_KIND_DIR;
	m->rights = OCAP_RIGHTS_RW;
	set_name(m, "/home/u/data");
}

static void b_entry_file(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_TABLE_ENTRY, 3);
	m->fields = OCAP_F_KIND | OCAP_F_RIGHTS;
	m->kind = OCAP_KIND_FILE;
	m->rights = OCAP_RIGHT_READ;
	set_name(m, "/etc/resolv.conf");
}

static void b_entry_endpoint(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_TABLE_ENTRY, 4);
	m->fields = OCAP_F_KIND | OCAP_F_RIGHTS;
	m->kind = OCAP_KIND_ENDPOINT;
	m->rights = OCAP_RIGHT_CONNECT;
	set_name(m, "example.com:443");
}

static void b_entry_broker(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_TABLE_ENTRY, 5);
	m->fields = OCAP_F_KIND | OCAP_F_RIGHTS;
	m->kind = OCAP_KIND_BROKER;
	m->rights = 0;
	set_name(m, "/");
}

static void b_end(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_TABLE_END, 0xffffffffu);
	m->fields = OCAP_F_COUNT;
	m->count = 1024;
}

static void b_reply(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_REPLY, 7);
	m->fields = OCAP_F_STATUS;
	m->status = -EACCES;
}

static void b_reply_count(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_REPLY, 8);
	m->fields = OCAP_F_STATUS | OCAP_F_COUNT;
	m->status = 0;
	m->count = 3;
}

static void b_reply_min(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_REPLY, 9);
	m->fields = OCAP_F_STATUS;
	m->status = -4095;
}

static void b_connect(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_CONNECT, 10);
	set_inet(m, 8080);
}

static void b_connect_name(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_CONNECT, 11);
	set_inet6(m);
	set_name(m, "example.com");
}

static void b_bind(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_BIND, 12);
	set_inet6(m);
}

static void b_bind_unix(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_BIND, 13);
	set_unix(m, "/run/x.sock");
}

static void b_listen(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_LISTEN, 14);
	m->fields = OCAP_F_COUNT;
	m->count = 128;
}

static void b_resolve(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_RESOLVE, 15);
	set_name(m, "example.com");
}

static void b_resolve_port(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_RESOLVE, 16);
	set_name(m, "example.org");
	m->fields |= OCAP_F_PORT;
	m->port = 443;
}

static void b_addr(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_ADDR, 17);
	set_inet(m, 53);
}

static void b_addr_unix_min(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_ADDR, 18);
	set_unix(m, "x");
}

static void b_addr_unix_abstract(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_ADDR, 19);
	set_unix(m, "");
	m->addr_len += 4;
	memcpy(((struct sockaddr_un *)&m->addr)->sun_path, "\0abc", 4);
}

static void b_addr_unix_max(struct ocap_msg *m)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&m->addr;

	msg_init(m, OCAP_MSG_ADDR, 20);
	set_unix(m, "");
	memset(sun->sun_path, 'p', sizeof(sun->sun_path));
	m->addr_len = sizeof(*sun);
}

static void b_session(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_SESSION, 22);
}

static void b_open(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_OPEN, 23);
	set_name(m, "/etc/hostname");
	m->fields |= OCAP_F_COUNT;
	m->count = O_RDWR | O_TRUNC;
}

static void b_opened(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_OPENED, 24);
}

static void b_name_max(struct ocap_msg *m)
{
	msg_init(m, OCAP_MSG_RESOLVE, 21);
	m->fields = OCAP_F_NAME;
	memset(m->name, 'n', OCAP_NAME_MAX);
	m->name[OCAP_NAME_MAX] = '\0';
	m->name_len = OCAP_NAME_MAX;
}

static const struct sample samples[] = {
	{ "TABLE_REQ", b_req, 0, true },
	{ "TABLE_ENTRY dir", b_entry_dir, 1, true },
	{ "TABLE_ENTRY file", b_entry_file, 1, true },
	{ "TABLE_ENTRY endpoint", b_entry_endpoint, 0, true },
	{ "TABLE_ENTRY broker", b_entry_broker, 0, true },
	{ "TABLE_END", b_end, 0, true },
	{ "REPLY", b_reply, 0, true },
	{ "REPLY count", b_reply_count, 0, false },
	{ "REPLY -4095", b_reply_min, 0, true },
	{ "CONNECT", b_connect, 1, true },
	{ "CONNECT name", b_connect_name, 1, false },
	{ "BIND", b_bind, 1, true },
	{ "BIND unix", b_bind_unix, 1, true },
	{ "LISTEN", b_listen, 1, true },
	{ "RESOLVE", b_resolve, 0, true },
	{ "RESOLVE port", b_resolve_port, 0, false },
	{ "ADDR", b_addr, 0, true },
	{ "ADDR unix min", b_addr_unix_min, 0, true },
	{ "ADDR unix abstract", b_addr_unix_abstract, 0, true },
	{ "ADDR unix max", b_addr_unix_max, 0, true },
	{ "RESOLVE name max", b_name_max, 0, true },
	{ "SESSION", b_session, 1, true },
	{ "OPEN", b_open, 0, true },
	{ "OPENED", b_opened, 1, true },
};
#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

static size_t wire_len(const struct ocap_msg *m)
{
	size_t n = RAW_HDR_LEN;

	if (m->fields & OCAP_F_STATUS)
		n += 4 + 4;
	if (m->fields & OCAP_F_KIND)
		n += 4 + 4;
	if (m->fields & OCAP_F_RIGHTS)
		n += 4 + 4;
	if (m->fields & OCAP_F_NAME)
		n += 4 + m->name_len;
	if (m->fields & OCAP_F_PORT)
		n += 4 + 2;
	if (m->fields & OCAP_F_ADDR)
		n += 4 + m->addr_len;
	if (m->fields & OCAP_F_COUNT)
		n += 4 + 4;
	return n;
}

static void give_fds(struct ocap_msg *m, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		m->fds[i] = null_fd();
	m->nfds = n;
}

static void assert_same_msg(const struct ocap_msg *a,
			    const struct ocap_msg *b, const char *what)
{
	if (a->type != b->type || a->seq != b->seq || a->fields != b->fields)
		fail_msg("%s: type/seq/fields differ", what);
	if ((a->fields & OCAP_F_STATUS) && a->status != b->status)
		fail_msg("%s: status %d != %d", what, a->status, b->status);
	if ((a->fields & OCAP_F_KIND) && a->kind != b->kind)
		fail_msg("%s: kind differs", what);
	if ((a->fields & OCAP_F_RIGHTS) && a->rights != b->rights)
		fail_msg("%s: rights differ", what);
	if ((a->fields & OCAP_F_COUNT) && a->count != b->count)
		fail_msg("%s: count differs", what);
	if ((a->fields & OCAP_F_PORT) && a->port != b->port)
		fail_msg("%s: port differs", what);
	if ((a->fields & OCAP_F_NAME) &&
	    (a->name_len != b->name_len || strcmp(a->name, b->name) != 0 ||
	     strlen(b->name) != b->name_len))
		fail_msg("%s: name differs", what);
	if ((a->fields & OCAP_F_ADDR) &&
	    (a->addr_len != b->addr_len ||
	     memcmp(&a->addr, &b->addr, a->addr_len) != 0))
		fail_msg("%s: addr differs", what);
}

/* Decode len bytes of buf with nfds fresh descriptors and expect want;
 * on error every descriptor must be closed and m.nfds 0. */
static void check_decode_at(const void *buf, size_t len, unsigned nfds,
			    int want, int line)
{
	static struct ocap_msg m;
	int before = count_open_fds();
	int rc;

	memset(&m, 0, sizeof(m));
	give_fds(&m, nfds);
	rc = ocap_msg_decode(&m, buf, len, nfds);
	if (rc != want)
		fail_msg("line %d: decode = %d (%s), expected %d (%s)", line,
			 rc, ret_name(rc), want, ret_name(want));
	if (rc < 0 && m.nfds != 0)
		fail_msg("line %d: nfds %u after error", line, m.nfds);
	if (rc == 0) {
		assert_int_equal(m.nfds, nfds);
		ocap_msg_close_fds(&m);
		assert_int_equal(m.nfds, 0);
	}
	if (count_open_fds() != before)
		fail_msg("line %d: %d descriptors leaked", line,
			 count_open_fds() - before);
}
#define check_decode(r, nfds, want)                                          \
	check_decode_at((r)->buf, (r)->len, nfds, want, __LINE__)

/* ---- codec: round trips --------------------------------------------- */

static void test_round_trip(void **state)
{
	static struct ocap_msg m, back;
	unsigned char buf[OCAP_MSG_MAX];
	uint32_t u32;
	uint16_t u16;
	size_t i;
	int n;

	for (i = 0; i < NSAMPLES; i++) {
		samples[i].build(&m);
		give_fds(&m, samples[i].nfds);
		n = ocap_msg_encode(&m, buf, sizeof(buf));
		if (n != (int)wire_len(&m))
			fail_msg("%s: encode = %d, expected %zu",
				 samples[i].what, n, wire_len(&m));
		memcpy(&u32, buf, 4);
		assert_int_equal(u32, OCAP_PROTO_MAGIC);
		memcpy(&u16, buf + 4, 2);
		assert_int_equal(u16, OCAP_PROTO_VERSION);
		memcpy(&u16, buf + 6, 2);
		assert_int_equal(u16, m.type);
		memcpy(&u32, buf + 8, 4);
		assert_int_equal(u32, m.seq);
		memcpy(&u32, buf + 12, 4);
		assert_int_equal(u32, (uint32_t)n - RAW_HDR_LEN);

		memset(&back, 0xa5, sizeof(back));
		back.nfds = m.nfds;
		memcpy(back.fds, m.fds, sizeof(m.fds));
		assert_ret(ocap_msg_decode(&back, buf, (size_t)n, m.nfds), 0);
		assert_same_msg(&m, &back, samples[i].what);
		assert_int_equal(back.nfds, samples[i].nfds);
		ocap_msg_close_fds(&back);
	}
}

/* Every proper prefix of a valid message is rejected. */
static void test_truncated(void **state)
{
	static struct ocap_msg m;
	unsigned char buf[OCAP_MSG_MAX];
	size_t i, len;
	int n;

	for (i = 0; i < NSAMPLES; i++) {
		samples[i].build(&m);
		m.nfds = samples[i].nfds;
		n = ocap_msg_encode(&m, buf, sizeof(buf));
		assert_true(n > 0);
		for (len = 0; len < (size_t)n; len++)
			check_decode_at(buf, len, samples[i].nfds, -EBADMSG,
					__LINE__);
	}
}

/* Cut anywhere in the payload with the header's length adjusted: a field
 * overruns or a required one is missing. */
static void test_truncated_consistent(void **state)
{
	static struct ocap_msg m;
	unsigned char buf[OCAP_MSG_MAX];
	size_t i, len;
	uint32_t plen;
	int n;

	for (i = 0; i < NSAMPLES; i++) {
		if (!samples[i].only_required)
			continue;
		samples[i].build(&m);
		m.nfds = samples[i].nfds;
		n = ocap_msg_encode(&m, buf, sizeof(buf));
		assert_true(n > 0);
		for (len = RAW_HDR_LEN; len < (size_t)n; len++) {
			plen = (uint32_t)(len - RAW_HDR_LEN);
			memcpy(buf + 12, &plen, 4);
			check_decode_at(buf, len, samples[i].nfds, -EBADMSG,
					__LINE__);
		}
	}
}

/* ---- codec: malformed input, built by hand ------------------------------ */

static void raw_entry(struct raw_msg *r, uint32_t kind, uint32_t rights,
		      const char *name)
{
	raw_begin(r, OCAP_MSG_TABLE_ENTRY);
	raw_u32(r, TAG_KIND, kind);
	raw_u32(r, TAG_RIGHTS, rights);
	raw_str(r, TAG_NAME, name);
	raw_end(r);
}

/* The hand-built baseline decodes, so each defect below is the only one. */
static void test_raw_baseline(void **state)
{
	static struct raw_msg r;
	struct sockaddr_in sin = { .sin_family = AF_INET };

	raw_entry(&r, OCAP_KIND_DIR, OCAP_RIGHTS_RO, "/a");
	check_decode(&r, 1, 0);
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_end(&r);
	check_decode(&r, 0, 0);
	raw_begin(&r, OCAP_MSG_ADDR);
	raw_field(&r, TAG_ADDR, &sin, sizeof(sin));
	raw_end(&r);
	check_decode(&r, 0, 0);
	/* Field order on the wire is free. */
	raw_begin(&r, OCAP_MSG_TABLE_ENTRY);
	raw_str(&r, TAG_NAME, "/b");
	raw_u32(&r, TAG_RIGHTS, 0);
	raw_u32(&r, TAG_KIND, OCAP_KIND_FILE);
	raw_end(&r);
	check_decode(&r, 1, 0);
}

static void test_bad_header(void **state)
{
	static struct raw_msg r;

	raw_header(&r, OCAP_PROTO_MAGIC ^ 1, 1, OCAP_MSG_TABLE_REQ, 0);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_header(&r, 0x4f434150u, 1, OCAP_MSG_TABLE_REQ, 0);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);

	raw_header(&r, OCAP_PROTO_MAGIC, 2, OCAP_MSG_TABLE_REQ, 0);
	raw_end(&r);
	check_decode(&r, 0, -EPROTONOSUPPORT);
	raw_header(&r, OCAP_PROTO_MAGIC, 0, OCAP_MSG_TABLE_REQ, 0);
	raw_end(&r);
	check_decode(&r, 0, -EPROTONOSUPPORT);
	raw_header(&r, OCAP_PROTO_MAGIC, 0xffff, OCAP_MSG_TABLE_ENTRY, 0);
	raw_u32(&r, TAG_KIND, OCAP_KIND_DIR);
	raw_end(&r);
	check_decode(&r, 1, -EPROTONOSUPPORT);
}

static void test_bad_length(void **state)
{
	static struct raw_msg r;

	raw_begin(&r, OCAP_MSG_TABLE_END);
	raw_u32(&r, TAG_COUNT, 0);
	raw_set_len(&r, 9);
	check_decode(&r, 0, -EBADMSG);
	raw_set_len(&r, 7);
	check_decode(&r, 0, -EBADMSG);
	raw_set_len(&r, 0);
	check_decode(&r, 0, -EBADMSG);
	raw_set_len(&r, 0xffffffffu);
	check_decode(&r, 0, -EBADMSG);

	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_set_len(&r, 4);
	check_decode(&r, 0, -EBADMSG);
	/* Trailing bytes that are not a whole TLV header. */
	raw_begin(&r, OCAP_MSG_TABLE_END);
	raw_u32(&r, TAG_COUNT, 0);
	raw_bytes(&r, "\0", 1);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_END);
	raw_u32(&r, TAG_COUNT, 0);
	raw_bytes(&r, "\7\0\4", 3);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
}

static void test_bad_type(void **state)
{
	static const uint16_t types[] = { 0, OCAP_MSG_TYPE_MAX + 1, 100,
					  0xffff };
	static struct raw_msg r;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		raw_begin(&r, types[i]);
		raw_end(&r);
		check_decode(&r, 0, -EBADMSG);
		check_decode(&r, 1, -EBADMSG);
	}
}

static void test_bad_tags(void **state)
{
	static struct raw_msg r;
	uint32_t zero = 0;

	/* Unknown tags. */
	raw_begin(&r, OCAP_MSG_TABLE_END);
	raw_u32(&r, TAG_COUNT, 0);
	raw_u32(&r, 0, 0);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_END);
	raw_u32(&r, 8, 0);
	raw_u32(&r, TAG_COUNT, 0);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_END);
	raw_u32(&r, TAG_COUNT, 0);
	raw_field(&r, 0xffff, &zero, 0);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);

	/* Duplicates, same and different values. */
	raw_begin(&r, OCAP_MSG_TABLE_END);
	raw_u32(&r, TAG_COUNT, 0);
	raw_u32(&r, TAG_COUNT, 0);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_entry(&r, OCAP_KIND_DIR, 0, "/a");
	raw_str(&r, TAG_NAME, "/b");
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);

	/* A value running past the payload. */
	raw_begin(&r, OCAP_MSG_RESOLVE);
	raw_bytes(&r, &(uint16_t){ TAG_NAME }, 2);
	raw_bytes(&r, &(uint16_t){ 10 }, 2);
	raw_bytes(&r, "example", 7);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_END);
	raw_bytes(&r, &(uint16_t){ TAG_COUNT }, 2);
	raw_bytes(&r, &(uint16_t){ 0xffff }, 2);
	raw_bytes(&r, &zero, 4);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
}

static void test_bad_fixed_lengths(void **state)
{
	static const struct {
		uint16_t type;
		uint16_t tag;
		uint16_t len;
		unsigned nfds;
	} cases[] = {
		{ OCAP_MSG_TABLE_END, TAG_COUNT, 0, 0 },
		{ OCAP_MSG_TABLE_END, TAG_COUNT, 2, 0 },
		{ OCAP_MSG_TABLE_END, TAG_COUNT, 8, 0 },
		{ OCAP_MSG_REPLY, TAG_STATUS, 3, 0 },
		{ OCAP_MSG_REPLY, TAG_STATUS, 5, 0 },
		{ OCAP_MSG_LISTEN, TAG_COUNT, 1, 1 },
	};
	static struct raw_msg r;
	unsigned char zeros[16] = { 0 };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		raw_begin(&r, cases[i].type);
		raw_field(&r, cases[i].tag, zeros, cases[i].len);
		raw_end(&r);
		check_decode(&r, cases[i].nfds, -EBADMSG);
	}
	/* KIND and RIGHTS in an entry. */
	raw_begin(&r, OCAP_MSG_TABLE_ENTRY);
	raw_field(&r, TAG_KIND, zeros, 2);
	raw_u32(&r, TAG_RIGHTS, 0);
	raw_str(&r, TAG_NAME, "/a");
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_ENTRY);
	raw_u32(&r, TAG_KIND, OCAP_KIND_ENDPOINT);
	raw_field(&r, TAG_RIGHTS, zeros, 8);
	raw_str(&r, TAG_NAME, "/a");
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	/* PORT in a resolve. */
	raw_begin(&r, OCAP_MSG_RESOLVE);
	raw_str(&r, TAG_NAME, "h");
	raw_field(&r, TAG_PORT, zeros, 4);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_RESOLVE);
	raw_str(&r, TAG_NAME, "h");
	raw_field(&r, TAG_PORT, zeros, 1);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
}

static void test_bad_names(void **state)
{
	static char big[OCAP_NAME_MAX + 2];
	static struct raw_msg r;

	raw_begin(&r, OCAP_MSG_RESOLVE);
	raw_field(&r, TAG_NAME, "", 0);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_RESOLVE);
	raw_field(&r, TAG_NAME, "ab\0cd", 5);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_RESOLVE);
	raw_field(&r, TAG_NAME, "abc\0", 4);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_RESOLVE);
	raw_field(&r, TAG_NAME, "\0", 1);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);

	memset(big, 'n', sizeof(big));
	raw_begin(&r, OCAP_MSG_RESOLVE);
	raw_field(&r, TAG_NAME, big, OCAP_NAME_MAX + 1);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_RESOLVE);
	raw_field(&r, TAG_NAME, big, OCAP_NAME_MAX);
	raw_end(&r);
	check_decode(&r, 0, 0);

	raw_entry(&r, OCAP_KIND_DIR, 0, "");
	check_decode(&r, 1, -EBADMSG);
}

static void addr_case(uint16_t family, uint16_t len, int want, int line)
{
	static struct raw_msg r;
	unsigned char a[256];

	memset(a, 'z', sizeof(a));
	memcpy(a, &(sa_family_t){ family }, sizeof(sa_family_t));
	raw_begin(&r, OCAP_MSG_ADDR);
	raw_field(&r, TAG_ADDR, a, len);
	raw_end(&r);
	check_decode_at(r.buf, r.len, 0, want, line);
}

static void test_bad_addrs(void **state)
{
	static struct raw_msg r;

	addr_case(AF_INET, 16, 0, __LINE__);
	addr_case(AF_INET, 15, -EBADMSG, __LINE__);
	addr_case(AF_INET, 17, -EBADMSG, __LINE__);
	addr_case(AF_INET, 28, -EBADMSG, __LINE__);
	addr_case(AF_INET6, 28, 0, __LINE__);
	addr_case(AF_INET6, 16, -EBADMSG, __LINE__);
	addr_case(AF_INET6, 27, -EBADMSG, __LINE__);
	addr_case(AF_INET6, 29, -EBADMSG, __LINE__);
	addr_case(AF_UNIX, 3, 0, __LINE__);
	addr_case(AF_UNIX, 110, 0, __LINE__);
	addr_case(AF_UNIX, 2, -EBADMSG, __LINE__);
	addr_case(AF_UNIX, 111, -EBADMSG, __LINE__);
	addr_case(AF_UNSPEC, 16, -EBADMSG, __LINE__);
	addr_case(AF_NETLINK, 12, -EBADMSG, __LINE__);
	addr_case(AF_PACKET, 20, -EBADMSG, __LINE__);
	addr_case(0xffff, 16, -EBADMSG, __LINE__);
	addr_case(AF_INET, 1, -EBADMSG, __LINE__);
	addr_case(AF_INET, 0, -EBADMSG, __LINE__);

	/* In a CONNECT, with its descriptor. */
	raw_begin(&r, OCAP_MSG_CONNECT);
	raw_field(&r, TAG_ADDR, &(struct sockaddr_in){ .sin_family = AF_INET6 },
		  sizeof(struct sockaddr_in));
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
}

static void test_bad_values(void **state)
{
	static struct raw_msg r;

	raw_entry(&r, 0, 0, "/a");
	check_decode(&r, 0, -EBADMSG);
	raw_entry(&r, 6, 0, "/a");
	check_decode(&r, 0, -EBADMSG);
	raw_entry(&r, 0xffffffffu, 0, "/a");
	check_decode(&r, 0, -EBADMSG);
	raw_entry(&r, OCAP_KIND_DIR, OCAP_RIGHTS_ALL + 1, "/a");
	check_decode(&r, 1, -EBADMSG);
	raw_entry(&r, OCAP_KIND_DIR, 1u << 31, "/a");
	check_decode(&r, 1, -EBADMSG);
	raw_entry(&r, OCAP_KIND_DIR, OCAP_RIGHTS_ALL, "/a");
	check_decode(&r, 1, 0);

	raw_begin(&r, OCAP_MSG_REPLY);
	raw_u32(&r, TAG_STATUS, 1);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_REPLY);
	raw_u32(&r, TAG_STATUS, (uint32_t)-4096);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_REPLY);
	raw_u32(&r, TAG_STATUS, 0x80000000u);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_REPLY);
	raw_u32(&r, TAG_STATUS, 0x7fffffffu);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_REPLY);
	raw_u32(&r, TAG_STATUS, 0);
	raw_end(&r);
	check_decode(&r, 0, 0);
}

static void test_missing_required(void **state)
{
	static struct raw_msg r;
	struct sockaddr_in sin = { .sin_family = AF_INET };

	raw_begin(&r, OCAP_MSG_TABLE_ENTRY);
	raw_u32(&r, TAG_KIND, OCAP_KIND_DIR);
	raw_u32(&r, TAG_RIGHTS, 0);
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_ENTRY);
	raw_u32(&r, TAG_KIND, OCAP_KIND_DIR);
	raw_str(&r, TAG_NAME, "/a");
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_ENTRY);
	raw_u32(&r, TAG_RIGHTS, 0);
	raw_str(&r, TAG_NAME, "/a");
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	check_decode(&r, 1, -EBADMSG);

	raw_begin(&r, OCAP_MSG_TABLE_END);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_REPLY);
	raw_u32(&r, TAG_COUNT, 1);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_CONNECT);
	raw_str(&r, TAG_NAME, "h");
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
	raw_begin(&r, OCAP_MSG_BIND);
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
	raw_begin(&r, OCAP_MSG_LISTEN);
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
	raw_begin(&r, OCAP_MSG_RESOLVE);
	raw_u16(&r, TAG_PORT, 80);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_ADDR);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);

	/* And the same ADDR with its field is fine. */
	raw_begin(&r, OCAP_MSG_ADDR);
	raw_field(&r, TAG_ADDR, &sin, sizeof(sin));
	raw_end(&r);
	check_decode(&r, 0, 0);
}

static void test_fields_not_allowed(void **state)
{
	static struct raw_msg r;
	struct sockaddr_in sin = { .sin_family = AF_INET };

	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_str(&r, TAG_NAME, "/a");
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_u32(&r, TAG_COUNT, 0);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_entry(&r, OCAP_KIND_DIR, 0, "/a");
	raw_u32(&r, TAG_COUNT, 1);
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
	raw_entry(&r, OCAP_KIND_DIR, 0, "/a");
	raw_u32(&r, TAG_STATUS, 0);
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_END);
	raw_u32(&r, TAG_COUNT, 0);
	raw_str(&r, TAG_NAME, "x");
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_REPLY);
	raw_u32(&r, TAG_STATUS, 0);
	raw_u32(&r, TAG_KIND, 1);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_BIND);
	raw_field(&r, TAG_ADDR, &sin, sizeof(sin));
	raw_str(&r, TAG_NAME, "h");
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
	raw_begin(&r, OCAP_MSG_LISTEN);
	raw_u32(&r, TAG_COUNT, 1);
	raw_u16(&r, TAG_PORT, 1);
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
	raw_begin(&r, OCAP_MSG_ADDR);
	raw_field(&r, TAG_ADDR, &sin, sizeof(sin));
	raw_u16(&r, TAG_PORT, 1);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_RESOLVE);
	raw_str(&r, TAG_NAME, "h");
	raw_field(&r, TAG_ADDR, &sin, sizeof(sin));
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	raw_begin(&r, OCAP_MSG_CONNECT);
	raw_field(&r, TAG_ADDR, &sin, sizeof(sin));
	raw_u32(&r, TAG_RIGHTS, 0);
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
	raw_begin(&r, OCAP_MSG_SESSION);
	raw_u32(&r, TAG_COUNT, 0);
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
}

static void test_wrong_fd_count(void **state)
{
	static struct raw_msg r;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	unsigned n;

	raw_entry(&r, OCAP_KIND_DIR, 0, "/a");
	check_decode(&r, 0, -EBADMSG);
	check_decode(&r, 2, -EBADMSG);
	check_decode(&r, OCAP_MSG_FDS_MAX, -EBADMSG);
	raw_entry(&r, OCAP_KIND_FILE, 0, "/a");
	check_decode(&r, 0, -EBADMSG);
	for (n = 1; n <= OCAP_MSG_FDS_MAX; n++) {
		raw_entry(&r, OCAP_KIND_ENDPOINT, 0, "h:1");
		check_decode(&r, n, -EBADMSG);
		raw_entry(&r, OCAP_KIND_LISTENER, 0, "h:1");
		check_decode(&r, n, -EBADMSG);
		raw_entry(&r, OCAP_KIND_BROKER, 0, "/");
		check_decode(&r, n, -EBADMSG);
		raw_begin(&r, OCAP_MSG_TABLE_REQ);
		raw_end(&r);
		check_decode(&r, n, -EBADMSG);
	}
	raw_begin(&r, OCAP_MSG_CONNECT);
	raw_field(&r, TAG_ADDR, &sin, sizeof(sin));
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	check_decode(&r, 2, -EBADMSG);
	raw_begin(&r, OCAP_MSG_ADDR);
	raw_field(&r, TAG_ADDR, &sin, sizeof(sin));
	raw_end(&r);
	check_decode(&r, 1, -EBADMSG);
	raw_begin(&r, OCAP_MSG_SESSION);
	raw_end(&r);
	check_decode(&r, 0, -EBADMSG);
	check_decode(&r, 2, -EBADMSG);
	check_decode(&r, 1, 0);
}

/* ---- codec: encode errors ------------------------------------------- */

static void check_encode_einval(void (*build)(struct ocap_msg *),
				void (*spoil)(struct ocap_msg *), int line)
{
	static struct ocap_msg m;
	unsigned char buf[OCAP_MSG_MAX];
	int rc;

	build(&m);
	spoil(&m);
	rc = ocap_msg_encode(&m, buf, sizeof(buf));
	if (rc != -EINVAL)
		fail_msg("line %d: encode = %d (%s), expected -EINVAL", line,
			 rc, ret_name(rc));
}

static void sp_type0(struct ocap_msg *m)
{
	m->type = 0;
}

static void sp_type_past_max(struct ocap_msg *m)
{
	m->type = OCAP_MSG_TYPE_MAX + 1;
}

static void sp_kind0(struct ocap_msg *m)
{
	m->kind = 0;
}

static void sp_kind6(struct ocap_msg *m)
{
	m->kind = 6;
}

static void sp_rights(struct ocap_msg *m)
{
	m->rights = 1u << 9;
}

static void sp_name_nul(struct ocap_msg *m)
{
	m->name[1] = '\0';
}

static void sp_name_empty(struct ocap_msg *m)
{
	m->name_len = 0;
	m->name[0] = 0;
}

static void sp_name_long(struct ocap_msg *m)
{
	memset(m->name, 'n', sizeof(m->name));
	m->name_len = OCAP_NAME_MAX + 1;
}

static void sp_no_name(struct ocap_msg *m)
{
	m->fields &= ~OCAP_F_NAME;
}

static void sp_no_kind(struct ocap_msg *m)
{
	m->fields &= ~OCAP_F_KIND;
}

static void sp_add_count(struct ocap_msg *m)
{
	m->fields |= OCAP_F_COUNT;
}

static void sp_add_port(struct ocap_msg *m)
{
	m->fields |= OCAP_F_PORT;
}

static void sp_unknown_field(struct ocap_msg *m)
{
	m->fields |= 1u << 7;
}

static void sp_status_pos(struct ocap_msg *m)
{
	m->status = 1;
}

static void sp_status_low(struct ocap_msg *m)
{
	m->status = -4096;
}

static void sp_addr_len(struct ocap_msg *m)
{
	m->addr_len = 10;
}

static void sp_addr_family(struct ocap_msg *m)
{
	m->addr.ss_family = AF_PACKET;
}

static void sp_addr_unix_short(struct ocap_msg *m)
{
	m->addr_len = 2;
}

static void sp_addr_unix_long(struct ocap_msg *m)
{
	m->addr_len = 111;
}

static void sp_nfds0(struct ocap_msg *m)
{
	m->nfds = 0;
}

static void sp_nfds1(struct ocap_msg *m)
{
	m->nfds = 1;
	m->fds[0] = 0;
}

static void sp_nfds2(struct ocap_msg *m)
{
	m->nfds = 2;
	m->fds[0] = m->fds[1] = 0;
}

static void sp_nfds_max(struct ocap_msg *m)
{
	m->nfds = OCAP_MSG_FDS_MAX + 1;
}

static void with_fd(struct ocap_msg *m)
{
	m->nfds = 1;
	m->fds[0] = 0;
}

static void b_entry_dir_fd(struct ocap_msg *m)
{
	b_entry_dir(m);
	with_fd(m);
}

static void b_connect_fd(struct ocap_msg *m)
{
	b_connect(m);
	with_fd(m);
}

static void b_session_fd(struct ocap_msg *m)
{
	b_session(m);
	with_fd(m);
}

static void test_encode_invalid(void **state)
{
#define E(b, s) check_encode_einval(b, s, __LINE__)
	E(b_req, sp_type0);
	E(b_req, sp_type_past_max);
	E(b_entry_dir_fd, sp_kind0);
	E(b_entry_dir_fd, sp_kind6);
	E(b_entry_dir_fd, sp_rights);
	E(b_entry_dir_fd, sp_name_nul);
	E(b_entry_dir_fd, sp_name_empty);
	E(b_entry_dir_fd, sp_name_long);
	E(b_entry_dir_fd, sp_no_name);
	E(b_entry_dir_fd, sp_no_kind);
	E(b_entry_dir_fd, sp_add_count);
	E(b_req, sp_add_count);
	E(b_addr, sp_add_port);
	E(b_req, sp_unknown_field);
	E(b_reply, sp_status_pos);
	E(b_reply, sp_status_low);
	E(b_addr, sp_addr_len);
	E(b_addr, sp_addr_family);
	E(b_addr_unix_min, sp_addr_unix_short);
	E(b_addr_unix_min, sp_addr_unix_long);
	E(b_entry_dir, sp_nfds0);
	E(b_entry_dir_fd, sp_nfds2);
	E(b_req, sp_nfds1);
	E(b_entry_endpoint, sp_nfds1);
	E(b_connect_fd, sp_nfds0);
	E(b_req, sp_nfds_max);
	E(b_session, sp_nfds0);
	E(b_session_fd, sp_nfds2);
	E(b_session_fd, sp_add_count);
#undef E
}

static void test_encode_small_buffer(void **state)
{
	static struct ocap_msg m;
	unsigned char buf[OCAP_MSG_MAX];
	int n;

	b_entry_dir_fd(&m);
	n = ocap_msg_encode(&m, buf, sizeof(buf));
	assert_ret(n, wire_len(&m));
	assert_ret(ocap_msg_encode(&m, buf, (size_t)n), n);
	/* The contract names no errno for a short buffer; -ENOSPC as in
	 * ocap_rights_format(). */
	assert_ret(ocap_msg_encode(&m, buf, (size_t)n - 1), -ENOSPC);
	assert_ret(ocap_msg_encode(&m, buf, RAW_HDR_LEN), -ENOSPC);
	assert_ret(ocap_msg_encode(&m, buf, 0), -ENOSPC);
}

/* ---- live send and receive ------------------------------------------ */

struct pair {
	int sv[2];
};

static int pair_setup(void **state)
{
	struct pair *p = calloc(1, sizeof(*p));

	if (!p || seqpacket_pair(p->sv) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	*state = p;
	return 0;
}

static int pair_teardown(void **state)
{
	struct pair *p = *state;

	if (p->sv[0] >= 0)
		close(p->sv[0]);
	if (p->sv[1] >= 0)
		close(p->sv[1]);
	free(p);
	return 0;
}

static void test_send_recv(void **state)
{
	struct pair *p = *state;
	static struct ocap_msg m, back;
	size_t i;
	unsigned k;
	int orig[OCAP_MSG_FDS_MAX];

	for (i = 0; i < NSAMPLES; i++) {
		samples[i].build(&m);
		give_fds(&m, samples[i].nfds);
		memcpy(orig, m.fds, sizeof(orig));
		assert_ret(ocap_msg_send(p->sv[0], &m), 0);
		memset(&back, 0, sizeof(back));
		assert_ret(ocap_msg_recv(p->sv[1], &back), 0);
		assert_same_msg(&m, &back, samples[i].what);
		assert_int_equal(back.nfds, samples[i].nfds);
		for (k = 0; k < back.nfds; k++) {
			assert_int_not_equal(back.fds[k], orig[k]);
			assert_true(fd_same_inode(back.fds[k], orig[k]));
			assert_int_equal(fd_cloexec(back.fds[k]), 1);
		}
		ocap_msg_close_fds(&back);
		ocap_msg_close_fds(&m);
	}
}

static void test_send_invalid(void **state)
{
	struct pair *p = *state;
	static struct ocap_msg m;
	char c;

	b_entry_dir(&m);
	m.nfds = 0;
	assert_ret(ocap_msg_send(p->sv[0], &m), -EINVAL);
	b_req(&m);
	m.type = 0;
	assert_ret(ocap_msg_send(p->sv[0], &m), -EINVAL);
	/* Nothing went out. */
	assert_int_equal(recv(p->sv[1], &c, 1, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
}

/* Send a raw datagram with n fresh descriptors, close ours, receive and
 * expect want with nothing left open on error. */
static void check_recv_at(struct pair *p, const struct raw_msg *r,
			  unsigned n, int want, int line)
{
	static struct ocap_msg m;
	int fds[64];
	int before = count_open_fds();
	unsigned i;
	int rc;

	for (i = 0; i < n; i++)
		fds[i] = null_fd();
	assert_ret(send_dgram(p->sv[0], r->buf, r->len, fds, n), 0);
	for (i = 0; i < n; i++)
		close(fds[i]);
	memset(&m, 0, sizeof(m));
	rc = ocap_msg_recv(p->sv[1], &m);
	if (rc != want)
		fail_msg("line %d: recv = %d (%s), expected %d (%s)", line, rc,
			 ret_name(rc), want, ret_name(want));
	if (rc < 0 && m.nfds != 0)
		fail_msg("line %d: nfds %u after error", line, m.nfds);
	if (rc == 0)
		ocap_msg_close_fds(&m);
	if (count_open_fds() != before)
		fail_msg("line %d: %d descriptors leaked", line,
			 count_open_fds() - before);
}
#define check_recv(p, r, n, want) check_recv_at(p, r, n, want, __LINE__)

static void test_recv_fd_counts(void **state)
{
	struct pair *p = *state;
	static struct raw_msg r;

	raw_entry(&r, OCAP_KIND_DIR, 0, "/a");
	check_recv(p, &r, 1, 0);
	check_recv(p, &r, 0, -EBADMSG);
	check_recv(p, &r, 2, -EBADMSG);
	check_recv(p, &r, OCAP_MSG_FDS_MAX, -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_end(&r);
	check_recv(p, &r, 0, 0);
	check_recv(p, &r, 1, -EBADMSG);
	check_recv(p, &r, 3, -EBADMSG);
}

/* More descriptors than the control buffer holds: MSG_CTRUNC. */
static void test_recv_too_many_fds(void **state)
{
	struct pair *p = *state;
	static struct raw_msg r;

	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_end(&r);
	check_recv(p, &r, OCAP_MSG_FDS_MAX + 1, -EBADMSG);
	check_recv(p, &r, 16, -EBADMSG);
	check_recv(p, &r, 64, -EBADMSG);
	raw_entry(&r, OCAP_KIND_DIR, 0, "/a");
	check_recv(p, &r, OCAP_MSG_FDS_MAX + 1, -EBADMSG);
	/* The socket is still usable afterwards. */
	check_recv(p, &r, 1, 0);
}

static void test_recv_oversize(void **state)
{
	struct pair *p = *state;
	static struct raw_msg r;
	static unsigned char pad[2 * OCAP_MSG_MAX];

	/* Exactly OCAP_MSG_MAX bytes arrive whole: a decode error. */
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_field(&r, 0x7777, pad, OCAP_MSG_MAX - RAW_HDR_LEN - 4);
	raw_end(&r);
	assert_int_equal(r.len, OCAP_MSG_MAX);
	check_recv(p, &r, 0, -EBADMSG);
	check_recv(p, &r, 1, -EBADMSG);
	/* One byte more is truncated. */
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_field(&r, 0x7777, pad, OCAP_MSG_MAX - RAW_HDR_LEN - 3);
	raw_end(&r);
	check_recv(p, &r, 0, -EMSGSIZE);
	check_recv(p, &r, 1, -EMSGSIZE);
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_bytes(&r, pad, OCAP_MSG_MAX);
	raw_end(&r);
	check_recv(p, &r, 2, -EMSGSIZE);
	/* Still in step. */
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_end(&r);
	check_recv(p, &r, 0, 0);
}

static void test_recv_malformed(void **state)
{
	struct pair *p = *state;
	static struct raw_msg r;

	raw_header(&r, OCAP_PROTO_MAGIC, 2, OCAP_MSG_TABLE_ENTRY, 0);
	raw_end(&r);
	check_recv(p, &r, 1, -EPROTONOSUPPORT);
	raw_header(&r, 0, 1, OCAP_MSG_TABLE_REQ, 0);
	raw_end(&r);
	check_recv(p, &r, 1, -EBADMSG);
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_set_len(&r, 1);
	check_recv(p, &r, 0, -EBADMSG);
	r.len = 3;
	check_recv(p, &r, 1, -EBADMSG);
}

static void test_recv_peer_gone(void **state)
{
	struct pair *p = *state;
	static struct raw_msg r;
	static struct ocap_msg m;

	/* A queued message is still delivered before the end. */
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_end(&r);
	assert_ret(send_dgram(p->sv[0], r.buf, r.len, NULL, 0), 0);
	close(p->sv[0]);
	p->sv[0] = -1;
	assert_ret(ocap_msg_recv(p->sv[1], &m), 0);
	assert_int_equal(m.type, OCAP_MSG_TABLE_REQ);
	assert_ret(ocap_msg_recv(p->sv[1], &m), -ECONNRESET);
	assert_int_equal(m.nfds, 0);
	assert_ret(ocap_msg_recv(p->sv[1], &m), -ECONNRESET);
}

static void test_recv_peer_shutdown(void **state)
{
	struct pair *p = *state;
	static struct ocap_msg m;

	shutdown(p->sv[0], SHUT_WR);
	assert_ret(ocap_msg_recv(p->sv[1], &m), -ECONNRESET);
}

static int send_to_closed(void *arg)
{
	static struct ocap_msg m;
	int sv[2];

	(void)arg;
	signal(SIGPIPE, SIG_DFL);
	child_check(seqpacket_pair(sv), 0);
	close(sv[1]);
	b_req(&m);
	child_check(ocap_msg_send(sv[0], &m), -EPIPE);
	return 0;
}

/* A broker that has gone away is an error, not a SIGPIPE. */
static void test_send_peer_gone(void **state)
{
	assert_ret(run_in_child(send_to_closed, NULL), 0);
}

/* MSG_DONTWAIT holds whatever O_NONBLOCK says: the pair is blocking, so
 * without it the empty recv and the send to a full peer would wait. */
static void test_dontwait(void **state)
{
	struct pair *p = *state;
	static struct ocap_msg m;
	int sent = 0, r;

	assert_int_equal(fcntl(p->sv[0], F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(fcntl(p->sv[1], F_GETFL) & O_NONBLOCK, 0);
	assert_ret(ocap_msg_recv_flags(p->sv[1], &m, MSG_DONTWAIT), -EAGAIN);
	b_req(&m);
	while ((r = ocap_msg_send_flags(p->sv[0], &m, MSG_DONTWAIT)) == 0)
		assert_true(++sent < 100000);
	assert_ret(r, -EAGAIN);
	assert_true(sent > 0);
	while (sent--)
		assert_ret(ocap_msg_recv_flags(p->sv[1], &m, MSG_DONTWAIT), 0);
	assert_ret(ocap_msg_recv_flags(p->sv[1], &m, MSG_DONTWAIT), -EAGAIN);
	/* No flag that would change what a message is. */
	assert_ret(ocap_msg_send_flags(p->sv[0], &m, MSG_OOB), -EINVAL);
	assert_ret(ocap_msg_recv_flags(p->sv[1], &m, MSG_PEEK), -EINVAL);
	assert_ret(ocap_msg_send_flags(p->sv[0], &m, 0), 0);
	assert_ret(ocap_msg_recv_flags(p->sv[1], &m, 0), 0);
}

static void test_close_fds(void **state)
{
	static struct ocap_msg m;
	int before = count_open_fds();

	memset(&m, 0, sizeof(m));
	give_fds(&m, OCAP_MSG_FDS_MAX);
	assert_int_equal(count_open_fds(), before + OCAP_MSG_FDS_MAX);
	ocap_msg_close_fds(&m);
	assert_int_equal(m.nfds, 0);
	assert_int_equal(count_open_fds(), before);
	ocap_msg_close_fds(&m);
	assert_int_equal(count_open_fds(), before);
}

#define P(fn) cmocka_unit_test_setup_teardown(fn, pair_setup, pair_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_truncated_consistent),
		cmocka_unit_test(test_raw_baseline),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_bad_type),
		cmocka_unit_test(test_bad_tags),
		cmocka_unit_test(test_bad_fixed_lengths),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_bad_addrs),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_fields_not_allowed),
		cmocka_unit_test(test_wrong_fd_count),
		cmocka_unit_test(test_encode_invalid),
		cmocka_unit_test(test_encode_small_buffer),
		cmocka_unit_test(test_close_fds),
		P(test_send_recv),
		P(test_send_invalid),
		P(test_dontwait),
		P(test_recv_fd_counts),
		P(test_recv_too_many_fds),
		P(test_recv_oversize),
		P(test_recv_malformed),
		P(test_recv_peer_gone),
		P(test_recv_peer_shutdown),
		cmocka_unit_test(test_send_peer_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
