/* SPDX-License-Identifier: MIT */
/*
 * The shell's executor and builtins in-process: the shell-wide grant list,
 * the plan each command gets from its words (read back through
 * ocap_plan_explain's JSON), statuses and lists, and descriptors: a
 * builtin's redirections are undone and nothing stays open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell_exec.h"
#include "support.h"

struct fx {
	struct tmpdir td;
	struct sh_state st;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (!f || tmpdir_make(&f->td) < 0 || chdir(f->td.path) < 0)
		return -1;
	strcpy(f->st.cwd, f->td.path);
	tree_write(f->td.path, "notes.txt", "notes\n");
	tree_write(f->td.path, "dir/inner.txt", "inner\n");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sh_grants_free(&f->st);
	if (chdir("/") < 0)
		return -1;
	tmpdir_remove(f->td.path);
	free(f);
	return 0;
}

static int run(struct sh_state *st, char *const words[])
{
	size_t n = 0;

	while (words[n])
		n++;
	return sh_builtin(st, (char **)words, n);
}

static char *slurp_file(const char *path)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_true(fd_read_all(fd, buf, sizeof buf) >= 0);
	close(fd);
	return buf;
}

/* ---- the grant list ----------------------------------------------------- */

static void grant_paths_made_absolute(void **state)
{
	struct fx *f = *state;
	struct sh_state *st = &f->st;
	char want[PATH_MAX + 64];

	assert_ret(sh_grant_add(st, "--ro", "dir/"), 0);
	assert_ret(sh_grant_add(st, "--grant", "./a/../out=create,write"), 0);
	assert_ret(sh_grant_add(st, "--connect", "unix:s.sock"), 0);
	assert_ret(sh_grant_add(st, "--env", "FOO=./x"), 0);
	assert_ret(sh_grant_add(st, "--inherit-env", NULL), 0);
	assert_ret(sh_grant_add(st, "--ro", NULL), -EINVAL);
	assert_ret(sh_grant_add(st, "--bogus", "x"), -EINVAL);
	assert_int_equal(st->ngrants, 5);
	snprintf(want, sizeof want, "%s/dir", f->td.path);
	assert_string_equal(st->grant_val[0], want);
	snprintf(want, sizeof want, "%s/out=create,write", f->td.path);
	assert_string_equal(st->grant_val[1], want);
	snprintf(want, sizeof want, "unix:%s/s.sock", f->td.path);
	assert_string_equal(st->grant_val[2], want);
	assert_string_equal(st->grant_val[3], "FOO=./x"); /* not a path */
	assert_null(st->grant_val[4]);
}

static void grant_and_revoke_builtins(void **state)
{
	struct fx *f = *state;
	struct sh_state *st = &f->st;

	assert_int_equal(run(st, (char *const[]){ "grant", "--ro", "dir",
						  "--rx=/usr/bin",
						  "--best-effort", NULL }),
			 0);
	assert_int_equal(st->ngrants, 3);
	/* All or nothing: the good one before the bad one is not kept. */
	assert_int_equal(run(st, (char *const[]){ "grant", "--ro", "/usr",
						  "--ro", "missing", NULL }),
			 1);
	assert_int_equal(st->ngrants, 3);
	assert_int_equal(run(st, (char *const[]){ "revoke", "9", NULL }), 1);
	assert_int_equal(run(st, (char *const[]){ "revoke", "2", NULL }), 0);
	assert_int_equal(st->ngrants, 2);
	assert_string_equal(st->grant_opt[1], "--best-effort");
	/* By spelling, relative as when granted. */
	assert_int_equal(run(st, (char *const[]){ "revoke", "--ro=./dir",
						  NULL }),
			 0);
	assert_int_equal(st->ngrants, 1);
	assert_int_equal(run(st, (char *const[]){ "revoke", "all", NULL }), 0);
	assert_int_equal(st->ngrants, 0);
	assert_int_equal(run(st, (char *const[]){ "nosuch", NULL }), -1);
	assert_true(sh_is_builtin("explain"));
	assert_false(sh_is_builtin("cat"));
}

static void cd_moves_relative_paths(void **state)
{
	struct fx *f = *state;
	struct sh_state *st = &f->st;
	char want[PATH_MAX + 64];

	assert_int_equal(run(st, (char *const[]){ "cd", "dir", NULL }), 0);
	snprintf(want, sizeof want, "%s/dir", f->td.path);
	assert_string_equal(st->cwd, want);
	assert_int_equal(run(st, (char *const[]){ "grant", "--ro",
						  "inner.txt", NULL }),
			 0);
	strcat(want, "/inner.txt");
	assert_string_equal(st->grant_val[0], want);
	assert_int_equal(run(st, (char *const[]){ "cd", "nowhere", NULL }), 1);
	assert_int_equal(run(st, (char *const[]){ "cd", "a", "b", NULL }), 2);
}

/* ---- plans -------------------------------------------------------------- */

/* The plan for words (a "=" prefix marks a word writable), as JSON. */
static char *plan_json(struct sh_state *st, const char *const words[])
{
	static char *buf;
	char *argv[16];
	bool w[16];
	struct sh_pos pos[16];
	struct sh_argv a = { argv, w, pos, 0 };
	ocap_plan *p;
	size_t len;
	FILE *mf;

	for (; words[a.argc]; a.argc++) {
		w[a.argc] = words[a.argc][0] == '=';
		argv[a.argc] = (char *)words[a.argc] + w[a.argc];
		a.pos[a.argc] = (struct sh_pos){ 1, (unsigned)a.argc * 10 + 1 };
	}
	argv[a.argc] = NULL;
	assert_int_equal(sh_plan_build(st, &a, "test", &p), 0);
	free(buf);
	assert_non_null(mf = open_memstream(&buf, &len));
	assert_ret(ocap_plan_explain(p, mf, 1), 0);
	fclose(mf);
	ocap_plan_free(p);
	return buf;
}

/* The JSON object of the capability named path, up to its closing brace. */
static char *cap_of(const char *json, const char *path)
{
	static char obj[1024];
	char key[PATH_MAX + 16];
	const char *s, *start, *end;

	snprintf(key, sizeof key, "\"%s\"", path);
	if (!(s = strstr(json, key)))
		return NULL;
	for (start = s; start > json && *start != '{'; start--)
		;
	end = strchr(s, '}');
	snprintf(obj, sizeof obj, "%.*s", (int)(end - start + 1), start);
	return obj;
}

static void designations(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX + 32];
	const char *json, *c;

	json = plan_json(&f->st, (const char *const[]){
				 "cp", "notes.txt", "-r", "missing",
				 "=new.txt", "dir", NULL });
	snprintf(path, sizeof path, "%s/notes.txt", f->td.path);
	assert_non_null(c = cap_of(json, path));
	assert_non_null(strstr(c, "\"rights\":\"read,list\""));
	assert_non_null(strstr(c, "\"source\":\"1:11\""));
	snprintf(path, sizeof path, "%s/new.txt", f->td.path);
	assert_non_null(c = cap_of(json, path));
	assert_non_null(strstr(c, "\"kind\":\"new file\""));
	assert_non_null(strstr(c, "\"rights\":\"write,create,truncate\""));
	assert_non_null(strstr(c, "\"source\":\"1:41\""));
	snprintf(path, sizeof path, "%s/missing", f->td.path);
	assert_null(cap_of(json, path));
	snprintf(path, sizeof path, "%s/-r", f->td.path);
	assert_null(cap_of(json, path));
	snprintf(path, sizeof path, "%s/dir", f->td.path);
	assert_non_null(c = cap_of(json, path));
	assert_non_null(strstr(c, "\"kind\":\"dir\""));
	assert_non_null(strstr(c, "\"rights\":\"read,list\""));
	/* The file was not created: nothing runs. */
	assert_int_equal(access("new.txt", F_OK), -1);
}

/* Inside a shell-wide grant, a designated path holds that grant's
 * rights too, so that the launcher's nesting rule accepts the plan. */
static void designation_inside_shell_grant(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX + 32];
	const char *json, *c;

	assert_ret(sh_grant_add(&f->st, "--rw", "."), 0);
	json = plan_json(&f->st,
			 (const char *const[]){ "cat", "dir/inner.txt", NULL });
	snprintf(path, sizeof path, "%s/dir/inner.txt", f->td.path);
	assert_non_null(c = cap_of(json, path));
	assert_non_null(strstr(
		c, "\"rights\":\"read,write,create,delete,list,truncate\""));
}

static void program_not_found(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "no-such-program-here", NULL };
	bool w[] = { false };
	struct sh_pos pos[] = { { 1, 1 } };
	struct sh_argv a = { argv, w, pos, 1 };
	ocap_plan *p = (ocap_plan *)1;

	assert_int_equal(sh_plan_build(&f->st, &a, "test", &p), 127);
	assert_null(p);
}

/* ---- lists, statuses, descriptors ---------------------------------------- */

static void lists_and_statuses(void **state)
{
	struct sh_state *st = &((struct fx *)*state)->st;

	assert_int_equal(sh_run_string(st, "echo \"open", "test"), 2);
	assert_int_equal(st->status, 2);
	assert_false(st->exit_requested);
	assert_int_equal(sh_run_string(st, "cd nowhere && exit 4; caps >x",
				       "test"),
			 0);
	assert_false(st->exit_requested);
	assert_int_equal(sh_run_string(st, "cd nowhere || exit 5; exit 6",
				       "test"),
			 5);
	assert_true(st->exit_requested);
	assert_int_equal(st->exit_status, 5);
}

static void builtin_redirections_undone(void **state)
{
	struct sh_state *st = &((struct fx *)*state)->st;
	int out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 10);
	int before = count_open_fds();

	assert_true(out >= 0);
	assert_int_equal(sh_run_string(st, "grant --rx /usr/bin; caps > c.txt"
					   "; help 2>&1 >h.txt; > empty",
				       "test"),
			 0);
	assert_int_equal(count_open_fds(), before);
	assert_true(fd_same_inode(out, STDOUT_FILENO));
	assert_string_equal(slurp_file("c.txt"), "1\t--rx /usr/bin\n");
	assert_non_null(strstr(slurp_file("h.txt"), "Builtins:"));
	assert_string_equal(slurp_file("empty"), "");
	close(out);
}

/* A pipeline of launched programs leaves no pipe end open in the shell,
 * whether or not this kernel lets them run. */
static void pipelines_leave_no_descriptors(void **state)
{
	struct sh_state *st = &((struct fx *)*state)->st;
	int before = count_open_fds();

	sh_run_string(st, "true | cat notes.txt | wc -c > n.txt; "
			  "no-such-program | true",
		      "test");
	assert_int_equal(st->status, 0);
	assert_int_equal(count_open_fds(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(grant_paths_made_absolute,
						setup, teardown),
		cmocka_unit_test_setup_teardown(grant_and_revoke_builtins,
						setup, teardown),
		cmocka_unit_test_setup_teardown(cd_moves_relative_paths, setup,
						teardown),
		cmocka_unit_test_setup_teardown(designations, setup, teardown),
		cmocka_unit_test_setup_teardown(designation_inside_shell_grant,
						setup, teardown),
		cmocka_unit_test_setup_teardown(program_not_found, setup,
						teardown),
		cmocka_unit_test_setup_teardown(lists_and_statuses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(builtin_redirections_undone,
						setup, teardown),
		cmocka_unit_test_setup_teardown(pipelines_leave_no_descriptors,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
