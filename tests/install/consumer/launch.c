/* SPDX-License-Identifier: MIT */
/* An installed libocap-launch consumer: run cat(1) on one granted file. */
#include <stdio.h>
#include <sys/wait.h>

#include <ocap/launch.h>

int main(int argc, char **argv)
{
	char *prog[] = { "cat", argv[1], NULL };
	ocap_plan *p;
	int status = 0;

	if (argc != 2 || ocap_plan_new(&p) < 0)
		return 2;
	if (ocap_plan_option(p, "--ro", argv[1], "consumer", NULL) < 0 ||
	    ocap_plan_program(p, prog) < 0 || ocap_launch(p, &status) < 0) {
		fprintf(stderr, "consumer: %s\n", ocap_plan_error(p));
		return 1;
	}
	ocap_plan_free(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
