/* SPDX-License-Identifier: MIT */
/*
 * cap.c: capabilities over real descriptors: a directory stays O_PATH, a
 * file is held with the access its rights need, rights only narrow.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static void test_kind_name(void **state)
{
	assert_string_equal(ocap_kind_name(OCAP_KIND_DIR), "dir");
	assert_string_equal(ocap_kind_name(OCAP_KIND_FILE), "file");
	assert_string_equal(ocap_kind_name(OCAP_KIND_ENDPOINT), "endpoint");
	assert_string_equal(ocap_kind_name(OCAP_KIND_LISTENER), "listener");
	assert_string_equal(ocap_kind_name(OCAP_KIND_BROKER), "broker");
	assert_null(ocap_kind_name(0));
	assert_null(ocap_kind_name(6));
}

/* The access mode the kernel holds fd with. */
static int acc_mode(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	assert_true(fl >= 0);
	return fl & (O_ACCMODE | O_PATH);
}

/* A directory is kept O_PATH; a file is reopened read, write or both, as
 * its rights say, and with no such right stays O_PATH.  The name is the
 * path normalised. */
static void test_open(void **state)
{
	static const struct {
		ocap_rights_t rights;
		int mode;
	} files[] = {
		{ OCAP_RIGHT_READ, O_RDONLY },
		{ OCAP_RIGHT_WRITE, O_WRONLY },
		{ OCAP_RIGHT_READ | OCAP_RIGHT_WRITE, O_RDWR },
		{ OCAP_RIGHT_EXEC, O_PATH },
	};
	struct tmpdir *td = *state;
	char path[PATH_MAX], messy[PATH_MAX + 16];
	ocap_cap *c;

	assert_ret(tree_write(td->path, "d/f", "x"), 0);
	assert_ret(tree_join(path, sizeof path, td->path, "d"), 0);
	snprintf(messy, sizeof messy, "%s//./d/", td->path);
	assert_ret(ocap_cap_open(messy, OCAP_RIGHTS_RO, &c), 0);
	assert_ret(ocap_cap_kind(c), OCAP_KIND_DIR);
	assert_int_equal(ocap_cap_rights(c), OCAP_RIGHTS_RO);
	assert_string_equal(ocap_cap_name(c), path);
	assert_int_equal(acc_mode(ocap_cap_fd(c)) & O_PATH, O_PATH);
	assert_true(fd_same_file(ocap_cap_fd(c), path));
	assert_int_equal(fd_cloexec(ocap_cap_fd(c)), 1);
	ocap_cap_close(c);

	assert_ret(tree_join(path, sizeof path, td->path, "d/f"), 0);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		assert_ret(ocap_cap_open(path, files[i].rights, &c), 0);
		assert_ret(ocap_cap_kind(c), OCAP_KIND_FILE);
		assert_int_equal(acc_mode(ocap_cap_fd(c)), files[i].mode);
		assert_true(fd_same_file(ocap_cap_fd(c), path));
		assert_int_equal(fd_cloexec(ocap_cap_fd(c)), 1);
		ocap_cap_close(c);
	}
	assert_ret(ocap_cap_open("/nonexistent/ocap", OCAP_RIGHTS_RO, &c),
		   -ENOENT);
	assert_ret(ocap_cap_open(path, OCAP_RIGHTS_ALL + 1, &c), -EINVAL);
	assert_ret(ocap_cap_open(NULL, OCAP_RIGHTS_RO, &c), -EINVAL);
}

/* A relative path is named from the working directory. */
static void test_open_relative(void **state)
{
	struct tmpdir *td = *state;
	char old[PATH_MAX], path[PATH_MAX];
	ocap_cap *c;

	assert_ret(tree_mkdir(td->path, "rel"), 0);
	assert_ret(tree_join(path, sizeof path, td->path, "rel"), 0);
	assert_non_null(getcwd(old, sizeof old));
	assert_ret(chdir(td->path), 0);
	assert_ret(ocap_cap_open("rel", OCAP_RIGHTS_RO, &c), 0);
	assert_ret(chdir(old), 0);
	assert_string_equal(ocap_cap_name(c), path);
	ocap_cap_close(c);
}

/* Rights narrow, never widen. */
static void test_limit(void **state)
{
	int fd = open_dir_path("/tmp");
	ocap_cap *c;

	assert_true(fd >= 0);
	assert_ret(ocap_cap_from_fd(fd, OCAP_KIND_DIR, OCAP_RIGHTS_RW, "/tmp",
				    &c), 0);
	assert_ret(ocap_cap_limit(c, OCAP_RIGHTS_RO), 0);
	assert_int_equal(ocap_cap_rights(c), OCAP_RIGHTS_RO);
	assert_ret(ocap_cap_limit(c, OCAP_RIGHTS_RW), -EACCES);
	assert_int_equal(ocap_cap_rights(c), OCAP_RIGHTS_RO);
	assert_ret(ocap_cap_limit(c, 0), 0);
	assert_ret(ocap_cap_limit(NULL, 0), -EINVAL);
	ocap_cap_close(c); /* closes fd */
	assert_false(fd_is_open(fd));
}

/* What ocap_cap_from_fd() refuses; the getters on NULL. */
static void test_from_fd_errors(void **state)
{
	ocap_cap *c;

	assert_ret(ocap_cap_from_fd(0, 0, 0, "/x", &c), -EINVAL);
	assert_ret(ocap_cap_from_fd(0, OCAP_KIND_DIR, OCAP_RIGHTS_ALL + 1,
				    "/x", &c), -EINVAL);
	assert_ret(ocap_cap_from_fd(-1, OCAP_KIND_DIR, 0, "/x", &c), -EINVAL);
	assert_ret(ocap_cap_from_fd(0, OCAP_KIND_DIR, 0, "relative", &c),
		   -EINVAL);
	assert_ret(ocap_cap_from_fd(0, OCAP_KIND_DIR, 0, NULL, &c), -EINVAL);
	assert_ret(ocap_cap_from_fd(0, OCAP_KIND_DIR, 0, "/x", NULL),
		   -EINVAL);
	/* an endpoint is named, not a path; no descriptor needed */
	assert_ret(ocap_cap_from_fd(-1, OCAP_KIND_ENDPOINT, 0, "", &c),
		   -EINVAL);
	assert_ret(ocap_cap_from_fd(-1, OCAP_KIND_ENDPOINT, 0,
				    "tcp:example.com:443", &c), 0);
	assert_string_equal(ocap_cap_name(c), "tcp:example.com:443");
	ocap_cap_close(c);
	assert_ret(ocap_cap_fd(NULL), -EINVAL);
	assert_ret(ocap_cap_kind(NULL), -EINVAL);
	assert_int_equal(ocap_cap_rights(NULL), 0);
	assert_null(ocap_cap_name(NULL));
	ocap_cap_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_name),
		cmocka_unit_test_setup_teardown(test_open, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_open_relative,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_from_fd_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
