/* SPDX-License-Identifier: MIT */
/*
 * Writes the seed corpus: gen-corpus DIR creates DIR/msg, DIR/path,
 * DIR/grants, DIR/args and DIR/shell.  A msg seed is one byte (how many
 * descriptors arrive with it, as fuzz_msg reads it) and an encoded
 * message; a path seed is "cwd\npath"; a grants seed is a grants file
 * (a "%%" line starts the next one, as fuzz_grants reads it); an args
 * seed is ocapsh's arguments, each ended by a NUL byte; a shell seed is a
 * script.
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
	char file[4096];
	FILE *f;

	snprintf(file, sizeof(file), "%s/%s/%s", outdir, sub, name);
	f = fopen(file, "we");
	if (!f)
		err(1, "%s", file);
	if (fwrite(a, 1, alen, f) != alen || fwrite(b, 1, blen, f) != blen ||
	    fclose(f) != 0)
		err(1, "%s", file);
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

struct seed {
	const char *name, *text;
	size_t len;
};

/* A seed given as a string literal, NUL bytes and all. */
#define SEED(name, lit) { name, lit, sizeof(lit) - 1 }
#define NSEEDS(v) (sizeof(v) / sizeof((v)[0]))

static const struct seed grants_seeds[] = {
	SEED("manual-example",
	     "# report.grants: what report.py may touch.\n\n--ro report.py\n"
	     "--ro data\n--rw out\n--connect 127.0.0.1:3128\n"
	     "--env PYTHONDONTWRITEBYTECODE=1\n"
	     "--env http_proxy=http://127.0.0.1:3128\n--rlimit cpu=3600\n"),
	SEED("spacing", "  --ro   /usr  \n\t--rw=data\r\n"
	     "--env\tA=1\n--ro /home/u/My Documents\n"),
	SEED("comments", "# c\n\n   # indented\n--ro /a # kept\n#\n"),
	SEED("flags", "--inherit-env\n--no-runtime\n--best-effort\n"
	     "--verbose\n-v\n"),
	SEED("rights", "--grant ./out=create,write\n--grant /x=none\n"
	     "--grant a=b=read,list,exec,delete,truncate\n"),
	SEED("same-path", "--ro /d\n--grant /d=write\n--rx /d/\n"
	     "--rw ../d/./e/..\n"),
	SEED("net", "--connect example.org:443\n--connect [::1]:80\n"
	     "--connect *:3128\n--listen 127.0.0.1:8080\n--udp 8.8.8.8:53\n"
	     "--connect unix:/run/x.sock\n--connect unix:rel.sock\n"
	     "--connect example.org:443\n"),
	SEED("env-mode-limits", "--env A\n--env B=2\n--mode compat\n"
	     "--mode native\n--allow-syscall ptrace\n--allow-syscall ptrace\n"
	     "--rlimit nofile=64\n--rlimit core=unlimited\n"),
	SEED("nested", "--grants b\n--ro /a\n%%\n--ro x\n"
	     "--grants ./c\n%%\n--rw y\n--grants ../fuzz/d\n%%\n--rx z\n"),
	SEED("loop", "--env X\n--grants a\n"),
	SEED("nested-error", "--ro /\n--grants b\n%%\n\n--bogus\n"),
	SEED("nested-missing", "--grants nothere\n"),
	SEED("no-dash", "ro /usr\n"),
	SEED("unknown", "--explain\n"),
	SEED("missing-value", "--ro\n"),
	SEED("flag-value", "--best-effort=\n"),
	SEED("empty-value", "--ro=\n"),
	SEED("bad-right", "--grant x=read,frob\n"),
	SEED("connect-right", "--grant x=read,connect\n"),
	SEED("bad-port", "--connect host:0\n"),
	SEED("bad-host", "--connect [host]:80\n"),
	SEED("v6-unbracketed", "--connect ::1:80\n"),
	SEED("bad-env", "--env A-B=1\n"),
	SEED("ocap-root", "--env OCAP_ROOT=x\n"),
	SEED("bad-mode", "--mode bogus\n"),
	SEED("bad-syscall", "--allow-syscall not_a_syscall\n"),
	SEED("bad-rlimit", "--rlimit nofile=lots\n"),
	SEED("nul-byte", "--ro /a\0b\n"),
	SEED("control-chars", "--ro /a\rb\n--env A\x1b[31m\n"),
};

/* A line longer than a grants file may hold. */
static void gen_long_line(void)
{
	char big[8300];

	memset(big, 'a', sizeof(big));
	memcpy(big, "--ro /", 6);
	big[sizeof(big) - 1] = '\n';
	write_file("grants", "long-line", big, sizeof(big), "", 0);
}

static const struct seed args_seeds[] = {
	SEED("program", "--ro\0/usr\0--\0/bin/true\0"),
	SEED("equals", "--ro=/usr\0--rw=./data\0prog\0arg\0"),
	SEED("flags", "--inherit-env\0--no-runtime\0--best-effort\0"
	     "-v\0--verbose\0prog\0"),
	SEED("shell-c", "--ro\0/usr\0-c\0echo hi\0"),
	SEED("shell-f", "-f\0script\0"),
	SEED("c-missing", "-c\0"),
	SEED("c-more", "-c\0x\0extra\0"),
	SEED("interactive", "--rw\0.\0"),
	SEED("help", "--ro\0/\0-h\0"),
	SEED("version", "--version\0"),
	SEED("explain", "--explain\0--explain=json\0--ro\0/usr\0ls\0"),
	SEED("exec", "--exec\0--ro\0/usr\0--explain\0--\0true\0"),
	SEED("dashdash-only", "--ro\0/usr\0--\0"),
	SEED("dash-program", "--\0-x\0"),
	SEED("unknown", "--frobnicate\0prog\0"),
	SEED("unknown-equals", "--frob=1\0"),
	SEED("single-dash-equals", "-v=3\0"),
	SEED("missing-value", "--ro\0"),
	SEED("empty-value", "--ro\0\0prog\0"),
	SEED("flag-value", "--inherit-env=1\0prog\0"),
	SEED("grants", "--grants\0/fuzz/a\0--rw\0x\0prog\0"),
	SEED("grants-nested", "--grants=/fuzz/b\0"),
	SEED("grants-loop", "--grants\0/fuzz/loop\0"),
	SEED("grants-missing", "--grants\0nothere\0"),
	SEED("net", "--connect\0example.org:443\0--listen\0*:8080\0"
	     "--udp\0[::1]:53\0--connect=unix:/run/s\0prog\0"),
	SEED("grant", "--grant\0./out=create,write\0prog\0"),
	SEED("grant-bad", "--grant\0x\0prog\0"),
	SEED("env", "--env\0A\0--env=B=1\0--env\0OCAP_ROOT\0"),
	SEED("mode-limits", "--mode\0native\0--rlimit\0nofile=64\0"
	     "--allow-syscall\0ptrace\0prog\0"),
	SEED("newline-value", "--ro\0a\nb\0--env\0a\nb\0"),
};

static const struct seed shell_seeds[] = {
	SEED("simple", "echo hi\n"),
	SEED("quotes", "echo 'single' \"double $HOME\" \\\"esc\\\"\n"),
	SEED("dq-escapes", "echo \"a\\\"b\\\\c\\$d\\e\"\n"),
	SEED("variables", "echo $A ${B} $? ${?} $1 $$ $ \"$A\"B $A''B\n"),
	SEED("tilde", "ls ~ ~/x ~u/y ~nobody a~b '~' ~'u'\n"),
	SEED("glob", "ls *.c src/?x [ab]* '*' \"$G\"* /abs/*\n"),
	SEED("redirections", "sort < in > out 2>> log 2>&1 0<x\n"),
	SEED("pipes-lists", "a | b | c && d || e; f\n"),
	SEED("newlines", "a &&\n b ||\n\n c |\n d\n\n"),
	SEED("mark", "cp a => b => 'c d'\n"),
	SEED("comments", "# c\necho a # b\necho a#b ''#c\n"),
	SEED("continuation", "echo a\\\nb 'c\\\nd'\\\n"),
	SEED("empty-words", "echo '' \"\" ''\"\"\n"),
	SEED("utf8", "echo h\xc3\xa9llo '\xc3\xbc' \x94x\n"),
	SEED("builtins", "cd /tmp; grant --rw .; caps; exit 3\n"),
	SEED("unterminated-single", "echo 'a\n"),
	SEED("unterminated-double", "echo \"a $B\n"),
	SEED("unterminated-brace", "echo ${A\n"),
	SEED("empty-brace", "echo ${}\n"),
	SEED("bad-name", "echo ${1}\n"),
	SEED("background", "sleep 1 &\n"),
	SEED("dup-no-digit", "a 2>&x\n"),
	SEED("dup-two-digits", "a 2>&12\n"),
	SEED("dup-in", "a <&0\n"),
	SEED("pipe-first", "| a\n"),
	SEED("pipe-last", "a |\n"),
	SEED("and-last", "a &&\n"),
	SEED("redir-no-target", "a >\n"),
	SEED("mark-redir", "cp => > x\n"),
	SEED("mark-last", "cp =>\n"),
	SEED("nul-byte", "echo a\0b\n"),
	SEED("trailing-backslash", "echo a\\"),
};

static void seeds(const char *sub, const struct seed *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		write_file(sub, v[i].name, v[i].text, v[i].len, "", 0);
}

static void make_dir(const char *sub)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/%s", outdir, sub);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		err(1, "%s", dir);
}

int main(int argc, char **argv)
{
	static const char *const subs[] = { "msg", "path", "grants", "args",
					    "shell" };

	if (argc != 2)
		errx(2, "usage: gen-corpus DIR");
	outdir = argv[1];
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST)
		err(1, "%s", outdir);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		make_dir(subs[i]);
	gen_msgs();
	gen_paths();
	seeds("grants", grants_seeds, NSEEDS(grants_seeds));
	seeds("args", args_seeds, NSEEDS(args_seeds));
	seeds("shell", shell_seeds, NSEEDS(shell_seeds));
	gen_long_line();
	return 0;
}
