/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

/* execv(), execl(), execle(), execvp(), execlp(), execvpe() and the
 * posix_spawn() child are musl's own or the overlay's: they call this. */
OV_API int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)ov_ret(ov_execve(path, argv, envp));
}
