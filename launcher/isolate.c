/* SPDX-License-Identifier: MIT */
/*
 * ocap_isolate(): privilege separation.  One function runs in a forked
 * child that keeps only the descriptors it is given, enters capability
 * mode with them and exits with the function's value.  The child says
 * whether it entered over a pipe, so that the caller can tell a refusal
 * from the function's own status.  Network grants in the namespace are
 * served by the child's own helper (ocap_enter(3)), which ends with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ocap/enter.h>

#include "backend.h"
#include "casper.h"

/* The descriptors the child keeps: ns's (network grants hold none), fds
 * and the pipe. */
static int kept_fds(const ocap_ns *ns, const int *fds, size_t nfds, int pipe,
		    int **out, size_t *n)
{
	size_t nns = ocap_ns_count(ns), k = 0;
	int *keep = malloc((nns + nfds + 1) * sizeof *keep);

	if (!keep)
		return -ENOMEM;
	for (size_t i = 0; i < nns; i++) {
		int fd = ocap_cap_fd(ocap_ns_entry(ns, i));
		if (fd >= 0)
			keep[k++] = fd;
	}
	for (size_t i = 0; i < nfds; i++) {
		if (fds[i] < 0 || fcntl(fds[i], F_GETFD) < 0) {
			free(keep);
			return -EBADF;
		}
		keep[k++] = fds[i];
	}
	keep[k++] = pipe;
	*out = keep;
	*n = k;
	return 0;
}

static _Noreturn void child(ocap_isolate_fn *fn, void *arg,
			    const ocap_ns *ns, unsigned flags,
			    int *keep, size_t nkeep, int pipe,
			    pid_t parent)
{
	int r = 0;

	if (ocap__be_die_with_parent(parent) < 0)
		r = -ESRCH; /* the caller has gone */
	if (r == 0)
		r = ocap__close_except(keep, nkeep);
	if (r == 0)
		r = ocap_enter(ns, flags, NULL);
	if (ocap__write_int(pipe, r) < 0 || r < 0)
		_exit(127);
	close(pipe);
	_exit(fn(arg) & 0xff);
}

int ocap_isolate(ocap_isolate_fn *fn, void *arg, const ocap_ns *ns,
		 const int *fds, size_t nfds, unsigned flags, int *status)
{
	int p[2], *keep, entered = -EIO, st;
	pid_t parent = getpid(), pid;
	size_t nkeep;
	ssize_t n;
	int err;

	if (!fn || !status || (nfds && !fds))
		return -EINVAL;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if ((err = kept_fds(ns, fds, nfds, p[1], &keep, &nkeep)) < 0)
		goto out;
	pid = fork();
	if (pid == 0)
		child(fn, arg, ns, flags, keep, nkeep, p[1], parent);
	free(keep);
	if (pid < 0) {
		err = -errno;
		goto out;
	}
	close(p[1]);
	p[1] = -1;
	do
		n = read(p[0], &entered, sizeof entered);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof entered)
		entered = -EIO; /* died before it could say */
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			err = -errno;
			goto out;
		}
	err = entered;
	if (err == 0)
		*status = st;
out:
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	return err;
}
