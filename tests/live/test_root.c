/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support.h"
#include "testbroker.h"

/* Real descriptors for the broker to hand out; kept open by the test. */
struct fx {
	struct tmpdir td;
	int dir_a, dir_b, file_f;
	struct testbroker tb;
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char p[PATH_MAX];

	*state = f;
	if (!f || tmpdir_make(&f->td) < 0)
		return -1;
	if (tree_write(f->td.path, "A/file", "hello") < 0 ||
	    tree_mkdir(f->td.path, "B") < 0)
		return -1;
	tree_join(p, sizeof(p), f->td.path, "A");
	f->dir_a = open_dir_path(p);
	tree_join(p, sizeof(p), f->td.path, "B");
	f->dir_b = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	tree_join(p, sizeof(p), f->td.path, "A/file");
	f->file_f = open(p, O_RDONLY | O_CLOEXEC);
	if (f->dir_a < 0 || f->dir_b < 0 || f->file_f < 0)
		return -1;
	return tb_init(&f->tb) < 0 ? -1 : 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	if (!f)
		return 0;
	tb_finish(&f->tb);
	close(f->dir_a);
	close(f->dir_b);
	close(f->file_f);
	tmpdir_remove(f->td.path);
	free(f);
	return 0;
}

/* ---- a good table ------------------------------------------------------- */

static void check_entry(ocap_ns *ns, size_t i, const char *name, int kind,
			ocap_rights_t rights, int orig)
{
	const ocap_cap *c = ocap_ns_entry(ns, i);

	assert_non_null(c);
	assert_string_equal(ocap_cap_name(c), name);
	assert_int_equal(ocap_cap_kind(c), kind);
	assert_int_equal(ocap_cap_rights(c), rights);
	if (orig < 0) {
		assert_int_equal(ocap_cap_fd(c), -1);
		return;
	}
	assert_int_not_equal(ocap_cap_fd(c), orig);
	assert_true(fd_same_inode(ocap_cap_fd(c), orig));
	assert_int_equal(fd_cloexec(ocap_cap_fd(c)), 1);
}

static void test_fetch_good(void **state)
{
	struct fx *f = *state;
	const struct tb_entry e[] = {
		{ OCAP_KIND_DIR, OCAP_RIGHTS_RW, "/home/u", f->dir_b },
		{ OCAP_KIND_FILE, OCAP_RIGHT_READ, "/etc/conf", f->file_f },
		{ OCAP_KIND_DIR, OCAP_RIGHTS_RO, "/a", f->dir_a },
	};
	ocap_ns *ns = NULL;
	int before, fd;

	assert_ret(tb_add_table(&f->tb, e, 3), 0);
	assert_ret(tb_start(&f->tb), 0);
	before = count_open_fds();
	assert_ret(ocap_ns_fetch(tb_client(&f->tb), &ns), 0);
	assert_int_equal(count_open_fds(), before + 3);
	assert_int_equal(ocap_ns_count(ns), 3);
	check_entry(ns, 0, "/a", OCAP_KIND_DIR, OCAP_RIGHTS_RO, f->dir_a);
	check_entry(ns, 1, "/etc/conf", OCAP_KIND_FILE, OCAP_RIGHT_READ,
		    f->file_f);
	check_entry(ns, 2, "/home/u", OCAP_KIND_DIR, OCAP_RIGHTS_RW, f->dir_b);
	/* The table is usable. */
	fd = ocap_ns_open(ns, "/a/file", O_RDONLY | O_CLOEXEC, 0);
	assert_true(fd >= 0);
	close(fd);
	fd = ocap_ns_open(ns, "/etc/conf", O_RDONLY | O_CLOEXEC, 0);
	assert_true(fd >= 0);
	close(fd);
	ocap_ns_free(ns);
	assert_int_equal(count_open_fds(), before);
	assert_ret(tb_finish(&f->tb), 0);
}

static void test_fetch_empty(void **state)
{
	struct fx *f = *state;
	ocap_ns *ns = NULL;

	assert_ret(tb_add_end(&f->tb, 0), 0);
	assert_ret(tb_start(&f->tb), 0);
	assert_ret(ocap_ns_fetch(tb_client(&f->tb), &ns), 0);
	assert_int_equal(ocap_ns_count(ns), 0);
	ocap_ns_free(ns);
	assert_ret(tb_finish(&f->tb), 0);
}

/* Endpoints carry no descriptor. */
static void test_fetch_endpoint(void **state)
{
	struct fx *f = *state;
	ocap_ns *ns = NULL;

	assert_ret(tb_add_entry(&f->tb, OCAP_KIND_DIR, OCAP_RIGHTS_RO, "/a",
				f->dir_a), 0);
	assert_ret(tb_add_entry(&f->tb, OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT,
				"/net/example.com:443", -1), 0);
	assert_ret(tb_add_end(&f->tb, 2), 0);
	assert_ret(tb_start(&f->tb), 0);
	assert_ret(ocap_ns_fetch(tb_client(&f->tb), &ns), 0);
	assert_int_equal(ocap_ns_count(ns), 2);
	check_entry(ns, 1, "/net/example.com:443", OCAP_KIND_ENDPOINT,
		    OCAP_RIGHT_CONNECT, -1);
	ocap_ns_free(ns);
	assert_ret(tb_finish(&f->tb), 0);
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096 &&
	    rl.rlim_max >= 4096) {
		rl.rlim_cur = 4096;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void add_many(struct fx *f, unsigned n)
{
	char name[32];
	unsigned i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "/d%04u", i);
		assert_ret(tb_add_entry(&f->tb, OCAP_KIND_DIR, OCAP_RIGHTS_RO,
					name, f->dir_a), 0);
	}
}

static void test_fetch_table_max(void **state)
{
	struct fx *f = *state;
	ocap_ns *ns = NULL;
	int before;

	raise_nofile();
	add_many(f, OCAP_TABLE_MAX);
	assert_ret(tb_add_end(&f->tb, OCAP_TABLE_MAX), 0);
	assert_ret(tb_start(&f->tb), 0);
	before = count_open_fds();
	assert_ret(ocap_ns_fetch(tb_client(&f->tb), &ns), 0);
	assert_int_equal(ocap_ns_count(ns), OCAP_TABLE_MAX);
	assert_int_equal(count_open_fds(), before + OCAP_TABLE_MAX);
	ocap_ns_free(ns);
	assert_int_equal(count_open_fds(), before);
	assert_ret(tb_finish(&f->tb), 0);
}

/* ---- malformed replies: table-driven ------------------------------------ */

typedef void (*script_fn)(struct fx *f);

static void add_entry(struct fx *f, int kind, const char *name, int fd)
{
	assert_ret(tb_add_entry(&f->tb, kind, OCAP_RIGHTS_RO, name, fd), 0);
}

static void add_raw(struct fx *f, struct raw_msg *r, const int *fds,
		    unsigned n)
{
	assert_ret(tb_add_raw(&f->tb, r->buf, r->len, fds, n), 0);
}

static void one_dir(struct fx *f, const char *name)
{
	add_entry(f, OCAP_KIND_DIR, "/ok", f->dir_a);
	add_entry(f, OCAP_KIND_DIR, name, f->dir_b);
	assert_ret(tb_add_end(&f->tb, 2), 0);
}

static void s_relative(struct fx *f)
{
	one_dir(f, "a");
}

static void s_trailing(struct fx *f)
{
	one_dir(f, "/a/");
}

static void s_dotdot(struct fx *f)
{
	one_dir(f, "/a/../b");
}

static void s_dot(struct fx *f)
{
	one_dir(f, "/a/.");
}

static void s_slashes(struct fx *f)
{
	one_dir(f, "/a//b");
}

static void s_leading(struct fx *f)
{
	one_dir(f, "//a");
}

static void s_file_relative(struct fx *f)
{
	add_entry(f, OCAP_KIND_FILE, "etc/conf", f->file_f);
	assert_ret(tb_add_end(&f->tb, 1), 0);
}

static void s_dir_is_file(struct fx *f)
{
	add_entry(f, OCAP_KIND_DIR, "/ok", f->dir_a);
	add_entry(f, OCAP_KIND_DIR, "/a", f->file_f);
	assert_ret(tb_add_end(&f->tb, 2), 0);
}

static void s_file_is_dir(struct fx *f)
{
	add_entry(f, OCAP_KIND_DIR, "/ok", f->dir_a);
	add_entry(f, OCAP_KIND_FILE, "/f", f->dir_b);
	assert_ret(tb_add_end(&f->tb, 2), 0);
}

static void s_duplicate(struct fx *f)
{
	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	add_entry(f, OCAP_KIND_DIR, "/b", f->dir_b);
	add_entry(f, OCAP_KIND_FILE, "/a", f->file_f);
	assert_ret(tb_add_end(&f->tb, 3), 0);
}

static void s_count_high(struct fx *f)
{
	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	add_entry(f, OCAP_KIND_DIR, "/b", f->dir_b);
	assert_ret(tb_add_end(&f->tb, 3), 0);
}

static void s_count_low(struct fx *f)
{
	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	add_entry(f, OCAP_KIND_DIR, "/b", f->dir_b);
	assert_ret(tb_add_end(&f->tb, 1), 0);
}

static void s_count_empty(struct fx *f)
{
	assert_ret(tb_add_end(&f->tb, 1), 0);
}

static void s_too_many(struct fx *f)
{
	raise_nofile();
	add_many(f, OCAP_TABLE_MAX + 1);
	assert_ret(tb_add_end(&f->tb, OCAP_TABLE_MAX + 1), 0);
}

static void s_type_addr(struct fx *f)
{
	struct ocap_msg m;
	struct sockaddr_in *sin = (struct sockaddr_in *)&m.addr;

	memset(&m, 0, sizeof(m));
	m.type = OCAP_MSG_ADDR;
	m.fields = OCAP_F_ADDR;
	sin->sin_family = AF_INET;
	m.addr_len = sizeof(*sin);
	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	assert_ret(tb_add_msg(&f->tb, &m), 0);
	assert_ret(tb_add_end(&f->tb, 1), 0);
}

static void s_type_req(struct fx *f)
{
	struct raw_msg r;

	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	raw_begin(&r, OCAP_MSG_TABLE_REQ);
	raw_end(&r);
	add_raw(f, &r, NULL, 0);
	assert_ret(tb_add_end(&f->tb, 1), 0);
}

static void s_type_listen(struct fx *f)
{
	struct raw_msg r;

	raw_begin(&r, OCAP_MSG_LISTEN);
	raw_u32(&r, TAG_COUNT, 1);
	raw_end(&r);
	add_raw(f, &r, &f->dir_b, 1);
	assert_ret(tb_add_end(&f->tb, 0), 0);
}

static void s_reply_eperm(struct fx *f)
{
	assert_ret(tb_add_reply(&f->tb, -EPERM), 0);
}

static void s_reply_enoent(struct fx *f)
{
	assert_ret(tb_add_reply(&f->tb, -ENOENT), 0);
}

static void s_reply_min(struct fx *f)
{
	assert_ret(tb_add_reply(&f->tb, -4095), 0);
}

static void s_close_now(struct fx *f)
{
	assert_ret(tb_add_shutdown(&f->tb), 0);
}

static void s_close_midway(struct fx *f)
{
	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	add_entry(f, OCAP_KIND_FILE, "/f", f->file_f);
	assert_ret(tb_add_shutdown(&f->tb), 0);
	assert_ret(tb_add_end(&f->tb, 2), 0);
}

static void raw_dir_entry(struct raw_msg *r, uint32_t kind, const char *name)
{
	raw_begin(r, OCAP_MSG_TABLE_ENTRY);
	raw_u32(r, TAG_KIND, kind);
	raw_u32(r, TAG_RIGHTS, OCAP_RIGHTS_RO);
	raw_str(r, TAG_NAME, name);
	raw_end(r);
}

static void s_raw_magic(struct fx *f)
{
	struct raw_msg r;

	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	raw_dir_entry(&r, OCAP_KIND_DIR, "/b");
	r.buf[0] ^= 0xff;
	add_raw(f, &r, &f->dir_b, 1);
	assert_ret(tb_add_end(&f->tb, 2), 0);
}

static void s_raw_version(struct fx *f)
{
	struct raw_msg r;

	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	raw_header(&r, OCAP_PROTO_MAGIC, 2, OCAP_MSG_TABLE_END, 0);
	raw_u32(&r, TAG_COUNT, 1);
	raw_end(&r);
	add_raw(f, &r, &f->dir_b, 1);
}

static void s_raw_oversize(struct fx *f)
{
	static unsigned char pad[OCAP_MSG_MAX];
	struct raw_msg r;

	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	raw_dir_entry(&r, OCAP_KIND_DIR, "/b");
	raw_bytes(&r, pad, sizeof(pad));
	raw_end(&r);
	add_raw(f, &r, &f->dir_b, 1);
	assert_ret(tb_add_end(&f->tb, 2), 0);
}

static void s_raw_no_fd(struct fx *f)
{
	struct raw_msg r;

	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	raw_dir_entry(&r, OCAP_KIND_DIR, "/b");
	add_raw(f, &r, NULL, 0);
	assert_ret(tb_add_end(&f->tb, 2), 0);
}

static void s_raw_two_fds(struct fx *f)
{
	struct raw_msg r;
	int fds[2] = { f->dir_b, f->dir_a };

	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	raw_dir_entry(&r, OCAP_KIND_DIR, "/b");
	add_raw(f, &r, fds, 2);
	assert_ret(tb_add_end(&f->tb, 2), 0);
}

static void s_raw_many_fds(struct fx *f)
{
	struct raw_msg r;
	int fds[8];
	int i;

	for (i = 0; i < 8; i++)
		fds[i] = i % 2 ? f->dir_a : f->dir_b;
	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	raw_dir_entry(&r, OCAP_KIND_DIR, "/b");
	add_raw(f, &r, fds, 8);
	assert_ret(tb_add_end(&f->tb, 2), 0);
}

static void s_raw_bad_kind(struct fx *f)
{
	struct raw_msg r;

	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	raw_dir_entry(&r, 9, "/b");
	add_raw(f, &r, &f->dir_b, 1);
	assert_ret(tb_add_end(&f->tb, 2), 0);
}

static void s_raw_short(struct fx *f)
{
	struct raw_msg r;

	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	raw_dir_entry(&r, OCAP_KIND_DIR, "/b");
	r.len = 7;
	add_raw(f, &r, &f->dir_b, 1);
	assert_ret(tb_add_end(&f->tb, 2), 0);
}

/* A reply must carry the request's sequence number. */
static void s_wrong_seq(struct fx *f)
{
	struct ocap_msg m;

	memset(&m, 0, sizeof(m));
	m.type = OCAP_MSG_TABLE_END;
	m.seq = 0xdead;
	m.fields = OCAP_F_COUNT;
	assert_ret(tb_add_msg_exact(&f->tb, &m), 0);
}

static void s_wrong_seq_entry(struct fx *f)
{
	struct raw_msg r;

	add_entry(f, OCAP_KIND_DIR, "/a", f->dir_a);
	raw_dir_entry(&r, OCAP_KIND_DIR, "/b");
	memcpy(r.buf + 8, &(uint32_t){ 0xdead }, 4);
	assert_ret(tb_add_raw_exact(&f->tb, r.buf, r.len, &f->dir_b, 1), 0);
	assert_ret(tb_add_end(&f->tb, 2), 0);
}

static void s_session_from_broker(struct fx *f)
{
	struct raw_msg r;

	raw_begin(&r, OCAP_MSG_SESSION);
	raw_end(&r);
	add_raw(f, &r, &f->dir_a, 1);
	assert_ret(tb_add_end(&f->tb, 0), 0);
}

static const struct bad_case {
	const char *what;
	script_fn script;
	int want;
} bad_cases[] = {
	{ "dir name relative", s_relative, -EBADMSG },
	{ "dir name trailing slash", s_trailing, -EBADMSG },
	{ "dir name with ..", s_dotdot, -EBADMSG },
	{ "dir name with .", s_dot, -EBADMSG },
	{ "dir name with //", s_slashes, -EBADMSG },
	{ "dir name with leading //", s_leading, -EBADMSG },
	{ "file name relative", s_file_relative, -EBADMSG },
	{ "dir entry holding a file", s_dir_is_file, -EBADMSG },
	{ "file entry holding a dir", s_file_is_dir, -EBADMSG },
	{ "duplicate names", s_duplicate, -EBADMSG },
	{ "count too high", s_count_high, -EBADMSG },
	{ "count too low", s_count_low, -EBADMSG },
	{ "count on an empty table", s_count_empty, -EBADMSG },
	{ "more than OCAP_TABLE_MAX", s_too_many, -EMSGSIZE },
	{ "ADDR among entries", s_type_addr, -EBADMSG },
	{ "TABLE_REQ from the broker", s_type_req, -EBADMSG },
	{ "LISTEN with a descriptor", s_type_listen, -EBADMSG },
	{ "REPLY -EPERM", s_reply_eperm, -EPERM },
	{ "REPLY -ENOENT", s_reply_enoent, -ENOENT },
	{ "REPLY -4095", s_reply_min, -4095 },
	{ "broker gone at once", s_close_now, -ECONNRESET },
	{ "broker gone midway", s_close_midway, -ECONNRESET },
	{ "bad magic", s_raw_magic, -EBADMSG },
	{ "bad version", s_raw_version, -EPROTONOSUPPORT },
	{ "oversize datagram", s_raw_oversize, -EMSGSIZE },
	{ "dir entry without descriptor", s_raw_no_fd, -EBADMSG },
	{ "dir entry with two descriptors", s_raw_two_fds, -EBADMSG },
	{ "dir entry with eight descriptors", s_raw_many_fds, -EBADMSG },
	{ "unknown kind", s_raw_bad_kind, -EBADMSG },
	{ "datagram shorter than a header", s_raw_short, -EBADMSG },
	{ "END with another seq", s_wrong_seq, -EBADMSG },
	{ "entry with another seq", s_wrong_seq_entry, -EBADMSG },
	{ "SESSION from the broker", s_session_from_broker, -EBADMSG },
};

/* Run one case; returns 0 when it behaved, else prints why. */
static int run_bad_case(const struct bad_case *c)
{
	struct fx *f;
	ocap_ns *ns = NULL;
	int before, leaked, rc, brc, bad = 0;

	assert_int_equal(fx_setup((void **)&f), 0);
	c->script(f);
	assert_ret(tb_start(&f->tb), 0);
	before = count_open_fds();
	rc = ocap_ns_fetch(tb_client(&f->tb), &ns);
	leaked = count_open_fds() - before;
	if (rc == 0)
		ocap_ns_free(ns);
	brc = tb_finish(&f->tb);
	fx_teardown((void **)&f);
	if (rc != c->want) {
		print_error("%s: fetch = %d (%s), expected %d (%s)\n", c->what,
			    rc, ret_name(rc), c->want, ret_name(c->want));
		bad = 1;
	}
	if (rc < 0 && leaked) {
		print_error("%s: %d descriptors leaked\n", c->what, leaked);
		bad = 1;
	}
	if (brc != 0) {
		print_error("%s: the broker got %d (%s) for a request\n",
			    c->what, brc, ret_name(brc));
		bad = 1;
	}
	return bad;
}

static void test_fetch_malformed(void **state)
{
	size_t i, n = sizeof(bad_cases) / sizeof(bad_cases[0]);
	int failed = 0;

	for (i = 0; i < n; i++)
		failed += run_bad_case(&bad_cases[i]);
	if (failed)
		fail_msg("%d of %zu malformed tables misjudged", failed, n);
}

/* ---- ocap_root, in children: it caches per process ---------------------- */

static int root_unset(void *arg)
{
	const ocap_cap *c;
	ocap_ns *ns = NULL;

	(void)arg;
	unsetenv(OCAP_ROOT_ENV);
	child_check(ocap_root(&ns), -ENOENT);
	child_check(ocap_root(&ns), -ENOENT);
	child_check(ocap_lookup("/a", &c), -ENOENT);
	return 0;
}

/* A live broker socket at fd 3 is not used without $OCAP_ROOT. */
static int root_unset_fd3(void *arg)
{
	struct testbroker tb;
	ocap_ns *ns = NULL;

	(void)arg;
	unsetenv(OCAP_ROOT_ENV);
	child_check(tb_init(&tb), 0);
	child_check(tb_add_end(&tb, 0), 0);
	child_check(dup2(tb_client(&tb), OCAP_ROOT_FD), OCAP_ROOT_FD);
	child_check(tb_start_session(&tb), 0);
	child_check(ocap_root(&ns), -ENOENT);
	close(OCAP_ROOT_FD);
	child_check(tb_finish(&tb), -ECONNRESET);
	return 0;
}

static int root_garbage(void *arg)
{
	ocap_ns *ns = NULL;
	int fd = open("/dev/null", O_RDONLY);

	/* fd 3 is open, so a lax parser that reads " 3" as 3 is caught. */
	child_check(dup2(fd, OCAP_ROOT_FD), OCAP_ROOT_FD);
	setenv(OCAP_ROOT_ENV, arg, 1);
	child_check(ocap_root(&ns), -EBADF);
	child_check(ocap_root(&ns), -EBADF);
	return 0;
}

static void test_root_unset(void **state)
{
	assert_ret(run_in_child(root_unset, NULL), 0);
	assert_ret(run_in_child(root_unset_fd3, NULL), 0);
}

static void test_root_garbage(void **state)
{
	static const char *bad[] = { "", "abc", "3x", "x3", "-1", " 3", "3 ",
				     "+3", "\t3", "0x3", "3.0",
				     "99999999999999999999", "2147483648",
				     "1000" };
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (run_in_child(root_garbage, (void *)bad[i]) == 0)
			continue;
		print_error("OCAP_ROOT=\"%s\" not refused with -EBADF\n",
			    bad[i]);
		failed++;
	}
	if (failed)
		fail_msg("%d values of OCAP_ROOT misjudged", failed);
}

struct root_arg {
	int dir_a;
};

static void *root_thread(void *arg)
{
	ocap_ns *ns = NULL;

	if (ocap_root(&ns) < 0)
		return NULL;
	*(ocap_ns **)arg = ns;
	return NULL;
}

static void set_root_env(int fd)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", fd);
	setenv(OCAP_ROOT_ENV, v, 1);
}

/* Eight threads race; one table is fetched and shared. */
static int root_good(void *arg)
{
	struct root_arg *ra = arg;
	struct testbroker tb;
	ocap_ns *got[8] = { NULL }, *ns = NULL;
	pthread_t th[8];
	const ocap_cap *c;
	int i;

	child_check(tb_init(&tb), 0);
	child_check(tb_add_entry(&tb, OCAP_KIND_DIR, OCAP_RIGHTS_RO, "/a",
				 ra->dir_a), 0);
	child_check(tb_add_end(&tb, 1), 0);
	set_root_env(tb_client(&tb));
	child_check(tb_start_session(&tb), 0);
	for (i = 0; i < 8; i++)
		child_check(pthread_create(&th[i], NULL, root_thread, &got[i]),
			    0);
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	child_check(ocap_root(&ns), 0);
	for (i = 0; i < 8; i++)
		child_check(got[i] == ns, 1);
	child_check(ocap_ns_count(ns), 1);
	child_check(ocap_lookup("/a", &c), 0);
	child_check(c == ocap_ns_entry(ns, 0), 1);
	child_check(ocap_lookup("/b", &c), -ENOENT);
	/* Cached: a changed environment does not matter. */
	setenv(OCAP_ROOT_ENV, "garbage", 1);
	child_check(ocap_root(&ns) == 0 && ns == got[0], 1);
	child_check(tb_finish_keep_client(&tb), 0);
	return 0;
}

static void test_root_good(void **state)
{
	struct fx *f = *state;
	struct root_arg ra = { f->dir_a };

	assert_ret(run_in_child(root_good, &ra), 0);
}

/* A failed fetch is cached too. */
static int root_bad_cached(void *arg)
{
	struct root_arg *ra = arg;
	struct testbroker tb, good;
	struct raw_msg r;
	ocap_ns *ns = NULL;

	child_check(tb_init(&tb), 0);
	raw_begin(&r, OCAP_MSG_TABLE_END);
	raw_end(&r); /* no COUNT */
	child_check(tb_add_raw(&tb, r.buf, r.len, NULL, 0), 0);
	set_root_env(tb_client(&tb));
	child_check(tb_start_session(&tb), 0);
	child_check(ocap_root(&ns), -EBADMSG);

	child_check(tb_init(&good), 0);
	child_check(tb_add_entry(&good, OCAP_KIND_DIR, OCAP_RIGHTS_RO, "/a",
				 ra->dir_a), 0);
	child_check(tb_add_end(&good, 1), 0);
	set_root_env(tb_client(&good));
	child_check(tb_start_session(&good), 0);
	child_check(ocap_root(&ns), -EBADMSG);
	child_check(tb_finish(&good), -ECONNRESET);
	child_check(tb_finish_keep_client(&tb), 0);
	return 0;
}

static void test_root_bad_cached(void **state)
{
	struct fx *f = *state;
	struct root_arg ra = { f->dir_a };

	assert_ret(run_in_child(root_bad_cached, &ra), 0);
}

/* ---- ocap_session ------------------------------------------------------- */

static void test_session(void **state)
{
	struct fx *f = *state;
	struct ocap_msg m;
	int before = count_open_fds();
	int chan;
	char c = 0;

	chan = ocap_session(tb_client(&f->tb));
	assert_ret(chan >= 0 ? 0 : chan, 0);
	assert_int_equal(fd_cloexec(chan), 1);
	assert_int_equal(count_open_fds(), before + 1);
	memset(&m, 0, sizeof(m));
	assert_ret(ocap_msg_recv(f->tb.sock[1], &m), 0);
	assert_int_equal(m.type, OCAP_MSG_SESSION);
	assert_int_equal(m.fields, 0);
	assert_int_equal(m.nfds, 1);
	/* The descriptor is the other end of the channel. */
	assert_int_equal(send(m.fds[0], "x", 1, 0), 1);
	assert_int_equal(recv(chan, &c, 1, 0), 1);
	assert_int_equal(c, 'x');
	ocap_msg_close_fds(&m);
	close(chan);
	assert_int_equal(count_open_fds(), before);
}

static void test_session_peer_gone(void **state)
{
	struct fx *f = *state;
	int before;

	signal(SIGPIPE, SIG_IGN);
	close(f->tb.sock[1]);
	f->tb.sock[1] = -1;
	before = count_open_fds();
	assert_ret(ocap_session(tb_client(&f->tb)), -EPIPE);
	assert_int_equal(count_open_fds(), before);
}

/* ocap_ns_fetch over a session, as ocap_root does it. */
static void test_fetch_over_session(void **state)
{
	struct fx *f = *state;
	ocap_ns *ns = NULL;
	int chan;

	assert_ret(tb_add_entry(&f->tb, OCAP_KIND_DIR, OCAP_RIGHTS_RO, "/a",
				f->dir_a), 0);
	assert_ret(tb_add_end(&f->tb, 1), 0);
	assert_ret(tb_start_session(&f->tb), 0);
	chan = ocap_session(tb_client(&f->tb));
	assert_ret(chan >= 0 ? 0 : chan, 0);
	assert_ret(ocap_ns_fetch(chan, &ns), 0);
	assert_int_equal(ocap_ns_count(ns), 1);
	ocap_ns_free(ns);
	close(chan);
	assert_ret(tb_finish(&f->tb), 0);
}

#define F(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		F(test_fetch_good),
		F(test_fetch_empty),
		F(test_fetch_endpoint),
		F(test_fetch_table_max),
		cmocka_unit_test(test_fetch_malformed),
		cmocka_unit_test(test_root_unset),
		cmocka_unit_test(test_root_garbage),
		F(test_root_good),
		F(test_root_bad_cached),
		F(test_session),
		F(test_session_peer_gone),
		F(test_fetch_over_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
