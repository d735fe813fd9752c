/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include "ov.h"

/* execv(), execl(), execle(), execvp(), execlp() and execvpe() in musl's
 * libc.a call this; so does musl's posix_spawnp() in the overlay's
 * posix_spawn() child. */
OV_API int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)ocap__ov_ret(ocap__ov_execve(path, argv, envp));
}
