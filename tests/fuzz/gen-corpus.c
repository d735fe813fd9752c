/* SPDX-License-Identifier: MIT */
/*
 * Writes the seed corpus: gen-corpus DIR creates DIR/msg and DIR/path.
 * A msg seed is one byte (how many descriptors arrive with it, as
 * fuzz_msg reads it) and an encoded message; a path seed is "cwd\npath".
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <ocap/ocap.h>

static const char *outdir;

static void write_file(const char *sub, const char *name, const void *a,
		       size_t alen, const void *b, size_t blen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", outdir, sub, name);
	f = fopen(path, "we");
	if (!f)
		err(1, "%s", path);
	if (fwrite(a, 1, alen, f) != alen || fwrite(b, 1, blen, f) != blen ||
	    fclose(f) != 0)
		err(1, "%s", path);
}

static void msg(const char *name, const struct ocap_msg *m, unsigned nfds)
{
	unsigned char buf[OCAP_MSG_MAX];
	unsigned char sel = (unsigned char)nfds;
	int len = ocap_msg_encode(m, buf, sizeof(buf));

	if (len < 0)
		errx(1, "%s: ocap_msg_encode: %s", name, strerror(-len));
	write_file("msg", name, &sel, 1, buf, (size_t)len);
}

static void path(const char *name, const char *cwd, const char *p)
{
	char full[4096];
	int n = snprintf(full, sizeof(full), "%s\n%s", cwd, p);

	write_file("path", name, full, (size_t)n, "", 0);
}

static struct ocap_msg new_msg(int type, uint32_t seq)
{
	struct ocap_msg m;

	memset(&m, 0, sizeof(m));
	m.type = (uint16_t)type;
	m.seq = seq;
	return m;
}

static void set_name(struct ocap_msg *m, const char *name)
{
	m->fields |= OCAP_F_NAME;
	m->name_len = (uint16_t)strlen(name);
	memcpy(m->name, name, m->name_len + 1u);
}

static void set_inet(struct ocap_msg *m, uint32_t ip, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&m->addr;

	m->fields |= OCAP_F_ADDR;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(ip);
	m->addr_len = sizeof(*sin);
}

static void set_inet6(struct ocap_msg *m, uint16_t port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&m->addr;

	m->fields |= OCAP_F_ADDR;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_addr = in6addr_loopback;
	m->addr_len = sizeof(*sin6);
}

static void set_unix(struct ocap_msg *m, const char *p)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&m->addr;

	m->fields |= OCAP_F_ADDR;
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, p, strlen(p) + 1);
	m->addr_len = (uint32_t)(offsetof(struct sockaddr_un, sun_path) +
				 strlen(p) + 1);
}

static void entry(const char *name, int kind, ocap_rights_t rights,
		  const char *capname, unsigned nfds)
{
	struct ocap_msg m = new_msg(OCAP_MSG_TABLE_ENTRY, 2);

	m.fields = OCAP_F_KIND | OCAP_F_RIGHTS;
	m.kind = (uint32_t)kind;
	m.rights = rights;
	set_name(&m, capname);
	m.nfds = nfds;
	msg(name, &m, nfds);
}

static void gen_msgs(void)
{
	struct ocap_msg m;

	m = new_msg(OCAP_MSG_TABLE_REQ, 1);
	msg("table-req", &m, 0);

	entry("entry-dir", OCAP_KIND_DIR, OCAP_RIGHTS_RO, "/data", 1);
	entry("entry-file", OCAP_KIND_FILE, OCAP_RIGHTS_RW, "/etc/hosts", 1);
	entry("entry-endpoint", OCAP_KIND_ENDPOINT, OCAP_RIGHT_CONNECT,
	      "example.org:443", 0);
	entry("entry-listener", OCAP_KIND_LISTENER, OCAP_RIGHT_LISTEN,
	      "127.0.0.1:8080", 0);
	entry("entry-broker", OCAP_KIND_BROKER, OCAP_RIGHTS_ALL, "/", 0);

	m = new_msg(OCAP_MSG_TABLE_END, 7);
	m.fields = OCAP_F_COUNT;
	m.count = 5;
	msg("table-end", &m, 0);

	m = new_msg(OCAP_MSG_REPLY, 8);
	m.fields = OCAP_F_STATUS;
	m.status = 0;
	msg("reply-ok", &m, 0);
	m.fields |= OCAP_F_COUNT;
	m.status = -EACCES;
	m.count = 1;
	msg("reply-eacces-count", &m, 0);

	m = new_msg(OCAP_MSG_CONNECT, 9);
	set_inet(&m, 0x7f000001, 80);
	m.nfds = 1;
	msg("connect-inet", &m, 1);
	set_name(&m, "localhost");
	msg("connect-inet-name", &m, 1);
	m = new_msg(OCAP_MSG_CONNECT, 10);
	set_unix(&m, "/run/ocap/test.sock");
	m.nfds = 1;
	msg("connect-unix", &m, 1);

	m = new_msg(OCAP_MSG_BIND, 11);
	set_inet6(&m, 8080);
	m.nfds = 1;
	msg("bind-inet6", &m, 1);

	m = new_msg(OCAP_MSG_LISTEN, 12);
	m.fields = OCAP_F_COUNT;
	m.count = 16;
	m.nfds = 1;
	msg("listen", &m, 1);

	m = new_msg(OCAP_MSG_RESOLVE, 13);
	set_name(&m, "example.org");
	msg("resolve", &m, 0);
	m.fields |= OCAP_F_PORT;
	m.port = 443;
	msg("resolve-port", &m, 0);

	m = new_msg(OCAP_MSG_ADDR, 14);
	set_inet6(&m, 443);
	msg("addr-inet6", &m, 0);
	m = new_msg(OCAP_MSG_ADDR, 15);
	set_inet(&m, 0x5db8d822, 443);
	msg("addr-inet", &m, 0);

	m = new_msg(OCAP_MSG_SESSION, 16);
	m.nfds = 1;
	msg("session", &m, 1);
}

static void gen_paths(void)
{
	path("dot", "/", ".");
	path("dotdot-root", "/", "..");
	path("relative", "/home/u", "../data/./x");
	path("absolute", "/ignored", "/data/sub/../../database/");
	path("mount-self", "/data", "sub/..");
	path("slashes", "/", "//a//b/../c/.");
	path("above-root", "/a/b", "../../../../x/");
	path("prefix-not-component", "/", "/databases/x");
	path("mount-dir", "/", "/data/");
	path("virtual-dir", "/home", "u/x/");
	path("bad-cwd", "relative", "x");
	path("empty-path", "/", "");
	path("trailing-dotdot", "/x", "/abs/./p/..");
	path("dot-names", "/", "/.hidden/..x/...");
}

int main(int argc, char **argv)
{
	char dir[4096];

	if (argc != 2)
		errx(2, "usage: gen-corpus DIR");
	outdir = argv[1];
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST)
		err(1, "%s", outdir);
	snprintf(dir, sizeof(dir), "%s/msg", outdir);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		err(1, "%s", dir);
	snprintf(dir, sizeof(dir), "%s/path", outdir);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		err(1, "%s", dir);
	gen_msgs();
	gen_paths();
	return 0;
}
