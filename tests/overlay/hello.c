/* SPDX-License-Identifier: MIT */
#include <stdio.h>

int main(void)
{
	puts("hello, ocap");
	return 0;
}
