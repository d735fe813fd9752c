/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("project: %s\n", access("/", F_OK) == 0 ? "ok" : "no root");
	return 0;
}
