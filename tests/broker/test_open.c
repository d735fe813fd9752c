/* SPDX-License-Identifier: MIT */
/*
 * The broker's opener (launcher/broker/open.c), live: a file granted on
 * its own is reopened by the broker, with the rights its grant holds and
 * the program's credentials, asked for raw over a session and through
 * libocap.  world.c sets up the broker process and its client.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "world.h"

/* Ask for name with flags over s: the descriptor, or the REPLY's status. */
static int open_req(int s, const char *name, int flags)
{
	static struct ocap_msg m;
	int r;

	memset(&m, 0, sizeof m);
	m.type = OCAP_MSG_OPEN;
	m.seq = 31;
	m.fields = OCAP_F_NAME | OCAP_F_COUNT;
	m.name_len = (uint16_t)strlen(name);
	memcpy(m.name, name, m.name_len + 1u);
	m.count = (uint32_t)flags;
	if ((r = ocap_msg_send(s, &m)) < 0 || (r = ocap_msg_recv(s, &m)) < 0)
		return r;
	child_check(m.seq, 31);
	if (m.type == OCAP_MSG_OPENED)
		return m.fds[0];
	child_check(m.type, OCAP_MSG_REPLY);
	return m.status;
}

static void open_raw(struct world *w, int s)
{
	char missing[PATH_MAX + 8];
	int fd;

	reads(open_req(s, w->file, O_RDONLY), "read only\n");
	fd = open_req(s, w->rwfile, O_RDWR);
	child_check(pwrite(fd, "W", 1, 0), 1);
	reads(fd, "Wead write\n");
	fd = open_req(s, w->rwfile, O_WRONLY | O_CREAT | O_TRUNC);
	child_check(write(fd, "read write\n", 11), 11);
	close(fd);
	reads(open_req(s, w->file, O_RDONLY | O_CREAT), "read only\n");
	child_check(open_req(s, w->file, O_WRONLY), -EACCES);
	child_check(logged(w, "ocapsh: denied open of "), 1);
	child_check(open_req(s, w->file, O_RDWR), -EACCES);
	child_check(open_req(s, w->file, O_RDONLY | O_TRUNC), -EACCES);
	child_check(open_req(s, w->file, O_RDONLY | O_CREAT | O_EXCL), -EACCES);
	child_check(open_req(s, w->rwfile, O_WRONLY | O_CREAT | O_EXCL),
		    -EEXIST);
	child_check(open_req(s, w->rwfile, O_RDONLY | O_DIRECTORY), -ENOTDIR);
	child_check(open_req(s, w->td.path, O_RDONLY), -ENOENT);
	snprintf(missing, sizeof missing, "%s/nope", w->td.path);
	child_check(open_req(s, missing, O_RDONLY), -ENOENT);
	child_check(open_req(s, "/not-opened", O_RDONLY), -ENOENT);
	fd = open_req(s, w->file, O_PATH);
	child_check(fd >= 0, 1);
	child_check(fcntl(fd, F_GETFL) & O_PATH, O_PATH);
	close(fd);
	/* What the program's own open would be refused; the broker opens
	 * non-blocking and gives the program its own blocking mode. */
	child_check(open_req(s, w->rwfile, O_ACCMODE), -EINVAL);
	child_check(open_req(s, w->file, O_ACCMODE | O_PATH), -EINVAL);
	child_check(open_req(s, w->file, O_RDONLY | 0x40000000), -EINVAL);
	child_check(open_req(s, w->rwfile, O_RDWR | O_TMPFILE), -ENOTDIR);
	child_check(open_req(s, w->file, O_RDWR | O_TMPFILE), -EACCES);
	fd = open_req(s, w->file, O_RDONLY);
	child_check(fd >= 0 && !(fcntl(fd, F_GETFL) & O_NONBLOCK), 1);
	close(fd);
	fd = open_req(s, w->file, O_RDONLY | O_NONBLOCK);
	child_check(fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK), 1);
	close(fd);
	/* Opened with the program's credentials, not a root broker's
	 * capabilities: mode 0000 keeps out all but CAP_DAC_OVERRIDE. */
	child_check(chmod(w->file, 0), 0);
	child_check(open_req(s, w->file, O_RDONLY), -EACCES);
	child_check(chmod(w->file, 0644), 0);
	reads(open_req(s, w->file, O_RDONLY), "read only\n");
}

/* Through libocap: a file from ocap_root() is reopened by the broker. */
static void open_lib(struct world *w)
{
	const ocap_cap *c;
	ocap_cap *d;
	ocap_ns *ns;
	int fd;

	child_check(ocap_root(&ns), 0);
	fd = ocap_ns_open(ns, w->file, O_RDONLY, 0);
	child_check(fcntl(fd, F_GETFD), 0);
	reads(fd, "read only\n");
	fd = ocap_ns_open(ns, w->file, O_RDONLY | O_CLOEXEC, 0);
	child_check(fcntl(fd, F_GETFD), FD_CLOEXEC);
	reads(fd, "read only\n");
	fd = ocap_ns_open(ns, w->rwfile, O_WRONLY | O_APPEND | O_CLOEXEC, 0);
	child_check(write(fd, "more\n", 5), 5);
	close(fd);
	reads(ocap_ns_open(ns, w->rwfile, O_RDONLY | O_CLOEXEC, 0),
	      "read write\nmore\n");
	child_check(ocap_ns_open(ns, w->file, O_WRONLY | O_CLOEXEC, 0),
		    -EACCES);
	child_check(ocap_ns_open(ns, w->rwfile, O_RDWR | O_CREAT | O_EXCL, 0),
		    -EEXIST);
	child_check(ocap_lookup(w->rwfile, &c), 0);
	child_check(ocap_cap_derive(c, ".", OCAP_RIGHTS_RO, &d), 0);
	reads(ocap_openat(d, ".", O_RDONLY | O_CLOEXEC, 0),
	      "read write\nmore\n");
	child_check(ocap_openat(d, ".", O_WRONLY | O_CLOEXEC, 0), -EACCES);
	ocap_cap_close(d);
}

static int sc_open(struct world *w)
{
	int base, s;

	probe();
	base = broker_fds(w);
	s = ocap_session(root_fd());
	child_check(s >= 0, 1);
	open_raw(w, s);
	child_check(broker_fds_settle(w, base + 1), 1);
	close(s);
	open_lib(w);
	/* The library's session (opened by probe()) is the only one. */
	child_check(broker_fds_settle(w, base), 1);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE("test_open", sc_open, 0, 0),
	};

	return world_main("open", tests, sizeof tests / sizeof *tests);
}
