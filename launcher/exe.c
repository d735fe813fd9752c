/* SPDX-License-Identifier: MIT */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exe.h"

#define PHDRS_MAX 64
#define NOTES_MAX 4096

/* The file's first bytes, read once: they hold the ELF header, the
 * program headers, the interpreter and the notes of ordinary binaries,
 * or a script's "#!" line. */
struct head {
	int fd;
	size_t len;
	unsigned char buf[PATH_MAX + 1];
};

static int read_at(const struct head *h, void *buf, size_t len, off_t off)
{
	ssize_t n;

	if (off >= 0 && (size_t)off <= h->len && len <= h->len - (size_t)off) {
		memcpy(buf, h->buf + off, len);
		return 0;
	}
	if ((n = pread(h->fd, buf, len, off)) < 0)
		return -errno;
	return (size_t)n == len ? 0 : -ENOEXEC;
}

static int read_interp(const struct head *h, const Elf64_Phdr *ph,
		       struct ocap_exe *x)
{
	if (ph->p_filesz < 2 || ph->p_filesz > sizeof x->interp)
		return -ENOEXEC;
	if (read_at(h, x->interp, ph->p_filesz, (off_t)ph->p_offset) < 0)
		return -ENOEXEC;
	if (x->interp[ph->p_filesz - 1] != '\0' || x->interp[0] != '/')
		return -ENOEXEC;
	return 0;
}

/* Look for the "ocap" note among the notes of one PT_NOTE segment. */
static void scan_notes(const struct head *h, const Elf64_Phdr *ph,
		       struct ocap_exe *x)
{
	unsigned char buf[NOTES_MAX];
	size_t len = ph->p_filesz < sizeof buf ? ph->p_filesz : sizeof buf;
	size_t off = 0;

	if (read_at(h, buf, len, (off_t)ph->p_offset) < 0)
		return;
	while (off + sizeof(Elf64_Nhdr) <= len) {
		Elf64_Nhdr n;
		memcpy(&n, buf + off, sizeof n);
		off += sizeof n;
		size_t nsz = (n.n_namesz + 3) & ~3u, dsz = (n.n_descsz + 3) & ~3u;
		if (nsz > len - off || dsz > len - off - nsz)
			return;
		if (n.n_namesz == sizeof OCAP_ELF_NOTE_NAME &&
		    n.n_type == OCAP_ELF_NOTE_TYPE &&
		    !memcmp(buf + off, OCAP_ELF_NOTE_NAME,
			    sizeof OCAP_ELF_NOTE_NAME))
			x->ocap_note = true;
		off += nsz + dsz;
	}
}

static int inspect_elf(const struct head *h, struct ocap_exe *x)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[PHDRS_MAX];
	int r;

	if ((r = read_at(h, &eh, sizeof eh, 0)) < 0)
		return r;
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64 ||
	    eh.e_phentsize != sizeof ph[0] || eh.e_phnum > PHDRS_MAX)
		return -ENOEXEC;
	x->elf = true;
	if ((r = read_at(h, ph, eh.e_phnum * sizeof ph[0],
			 (off_t)eh.e_phoff)) < 0)
		return r;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP &&
		    (r = read_interp(h, &ph[i], x)) < 0)
			return r;
		if (ph[i].p_type == PT_NOTE)
			scan_notes(h, &ph[i], x);
	}
	return 0;
}

static int inspect_script(const struct head *h, struct ocap_exe *x)
{
	char line[sizeof h->buf + 1];
	size_t n = h->len;
	char *s, *e;

	if (n < 3)
		return -ENOEXEC;
	memcpy(line, h->buf, n);
	line[n] = '\0';
	s = line + 2;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strcspn(s, " \t\n");
	if (*s != '/' || !*e)
		return -ENOEXEC;
	/* The kernel passes the rest of the line as one argument. */
	if (*e != '\n') {
		char *a = e + 1 + strspn(e + 1, " \t");
		char *end = a + strcspn(a, "\n");

		while (end > a && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t)(end - a) < sizeof x->shebang_arg)
			memcpy(x->shebang_arg, a, (size_t)(end - a));
	}
	*e = '\0';
	strcpy(x->shebang, s);
	return 0;
}

int ocap__exe_inspect(const char *path, struct ocap_exe *x)
{
	struct head h;
	ssize_t n;
	int fd, r;

	memset(x, 0, sizeof *x);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	h.fd = fd;
	n = pread(fd, h.buf, sizeof h.buf, 0);
	h.len = n > 0 ? (size_t)n : 0;
	if (h.len >= 4 && !memcmp(h.buf, ELFMAG, SELFMAG))
		r = inspect_elf(&h, x);
	else if (h.len >= 4 && h.buf[0] == '#' && h.buf[1] == '!')
		r = inspect_script(&h, x);
	else
		r = -ENOEXEC;
	close(fd);
	return r;
}

int ocap__exe_find(const char *path, const char *name, char *out,
		   size_t size)
{
	int err = -ENOENT;

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		if (snprintf(out, size, "%.*s%s%s", (int)len, path,
			     len ? "/" : "", name) < (int)size) {
			if (access(out, X_OK) == 0)
				return 0;
			if (errno == EACCES)
				err = -EACCES;
		}
		path += len + (path[len] == ':');
	}
	return err;
}
