/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

static const struct {
	const char *name;
	ocap_rights_t bit;
} names[] = {
	{ "read", OCAP_RIGHT_READ },	   { "write", OCAP_RIGHT_WRITE },
	{ "create", OCAP_RIGHT_CREATE },   { "delete", OCAP_RIGHT_DELETE },
	{ "list", OCAP_RIGHT_LIST },	   { "exec", OCAP_RIGHT_EXEC },
	{ "truncate", OCAP_RIGHT_TRUNCATE }, { "connect", OCAP_RIGHT_CONNECT },
	{ "listen", OCAP_RIGHT_LISTEN },
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

static const char all_names[] =
	"read,write,create,delete,list,exec,truncate,connect,listen";

static void test_parse_each_name(void **state)
{
	ocap_rights_t r;
	size_t i;

	for (i = 0; i < NNAMES; i++) {
		r = 0xdeadbeef;
		assert_ret(ocap_rights_parse(names[i].name, &r, NULL), 0);
		assert_int_equal(r, names[i].bit);
	}
}

static void test_parse_lists(void **state)
{
	static const struct {
		const char *s;
		ocap_rights_t want;
	} cases[] = {
		{ "read,list", OCAP_RIGHTS_RO },
		{ "list,read", OCAP_RIGHTS_RO },
		{ "read,write,create,delete,list,truncate", OCAP_RIGHTS_RW },
		{ "read,list,exec", OCAP_RIGHTS_RX },
		{ all_names, OCAP_RIGHTS_ALL },
		{ "read,read", OCAP_RIGHT_READ },
		{ "listen,connect,listen", OCAP_RIGHT_LISTEN | OCAP_RIGHT_CONNECT },
		{ "none", 0 },
	};
	const char *end;
	ocap_rights_t r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = 0xdeadbeef;
		end = NULL;
		assert_ret(ocap_rights_parse(cases[i].s, &r, &end), 0);
		assert_int_equal(r, cases[i].want);
	}
}

/* Every rejected string and the offset *end must point at. */
static void test_parse_errors(void **state)
{
	static const struct {
		const char *s;
		size_t at;
	} cases[] = {
		{ "", 0 },		{ ",", 0 },
		{ ",read", 0 },		{ "read,", 5 },
		{ "read,,list", 5 },	{ "read,bogus", 5 },
		{ "bogus,read", 0 },	{ "Read", 0 },
		{ "READ", 0 },		{ "rea", 0 },
		{ "readx", 0 },		{ " read", 0 },
		{ "read ", 0 },		{ "read, list", 5 },
		{ "read,list,foo,bar", 10 }, { "read;list", 0 },
		{ "list,write,", 11 },	{ "nonex", 0 },
		{ "read,list,,", 10 },	{ "exec,\tread", 5 },
	};
	const char *end;
	ocap_rights_t r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		end = NULL;
		assert_ret(ocap_rights_parse(cases[i].s, &r, &end), -EINVAL);
		if (end != cases[i].s + cases[i].at)
			fail_msg("\"%s\": end at %td, expected %zu",
				 cases[i].s, end ? end - cases[i].s : -1,
				 cases[i].at);
	}
}

static void test_parse_none_combined(void **state)
{
	ocap_rights_t r;

	/* "none" is only valid alone. */
	assert_ret(ocap_rights_parse("none,read", &r, NULL), -EINVAL);
	assert_ret(ocap_rights_parse("read,none", &r, NULL), -EINVAL);
	assert_ret(ocap_rights_parse("none,none", &r, NULL), -EINVAL);
}

static void test_parse_null(void **state)
{
	ocap_rights_t r;
	const char *end;

	assert_ret(ocap_rights_parse(NULL, &r, NULL), -EINVAL);
	assert_ret(ocap_rights_parse(NULL, &r, &end), -EINVAL);
	/* end may be NULL on errors too. */
	assert_ret(ocap_rights_parse("read,,", &r, NULL), -EINVAL);
}

static void test_format(void **state)
{
	static const struct {
		ocap_rights_t r;
		const char *want;
	} cases[] = {
		{ 0, "none" },
		{ OCAP_RIGHT_READ, "read" },
		{ OCAP_RIGHT_LISTEN, "listen" },
		{ OCAP_RIGHTS_RO, "read,list" },
		{ OCAP_RIGHTS_RX, "read,list,exec" },
		{ OCAP_RIGHTS_RW, "read,write,create,delete,list,truncate" },
		{ OCAP_RIGHT_LISTEN | OCAP_RIGHT_READ, "read,listen" },
		{ OCAP_RIGHTS_ALL, all_names },
	};
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(buf, 'X', sizeof(buf));
		assert_ret(ocap_rights_format(cases[i].r, buf, sizeof(buf)),
			   strlen(cases[i].want));
		assert_string_equal(buf, cases[i].want);
	}
}

static void test_format_size(void **state)
{
	size_t len = strlen(all_names);
	char buf[128];

	assert_ret(ocap_rights_format(OCAP_RIGHTS_ALL, buf, len + 1), len);
	assert_string_equal(buf, all_names);
	assert_ret(ocap_rights_format(OCAP_RIGHTS_ALL, buf, len), -ENOSPC);
	assert_ret(ocap_rights_format(OCAP_RIGHTS_ALL, buf, 1), -ENOSPC);
	assert_ret(ocap_rights_format(OCAP_RIGHTS_ALL, buf, 0), -ENOSPC);
	assert_ret(ocap_rights_format(0, buf, 5), 4);
	assert_string_equal(buf, "none");
	assert_ret(ocap_rights_format(0, buf, 4), -ENOSPC);
	assert_ret(ocap_rights_format(OCAP_RIGHT_READ, buf, 5), 4);
	assert_ret(ocap_rights_format(OCAP_RIGHT_READ, buf, 4), -ENOSPC);
}

static void test_format_unknown_bits(void **state)
{
	char buf[128];

	assert_ret(ocap_rights_format(1u << 9, buf, sizeof(buf)), -EINVAL);
	assert_ret(ocap_rights_format(OCAP_RIGHTS_ALL | (1u << 31), buf,
				      sizeof(buf)), -EINVAL);
	assert_ret(ocap_rights_format(0xffffffffu, buf, sizeof(buf)),
		   -EINVAL);
}

/* format then parse gives back every one of the 512 sets. */
static void test_round_trip(void **state)
{
	char buf[128];
	ocap_rights_t r, back;
	const char *end;
	int n;

	for (r = 0; r <= OCAP_RIGHTS_ALL; r++) {
		n = ocap_rights_format(r, buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal((size_t)n, strlen(buf));
		back = 0xdeadbeef;
		assert_ret(ocap_rights_parse(buf, &back, &end), 0);
		assert_int_equal(back, r);
	}
}

static void test_right_name(void **state)
{
	size_t i;

	for (i = 0; i < NNAMES; i++) {
		assert_non_null(ocap_right_name(names[i].bit));
		assert_string_equal(ocap_right_name(names[i].bit),
				    names[i].name);
	}
	assert_null(ocap_right_name(0));
	assert_null(ocap_right_name(OCAP_RIGHT_READ | OCAP_RIGHT_WRITE));
	assert_null(ocap_right_name(OCAP_RIGHTS_ALL));
	assert_null(ocap_right_name(1u << 9));
	assert_null(ocap_right_name(1u << 31));
}

static void test_right_constants(void **state)
{
	size_t i;
	ocap_rights_t all = 0;

	for (i = 0; i < NNAMES; i++) {
		assert_int_equal(names[i].bit, 1u << i);
		all |= names[i].bit;
	}
	assert_int_equal(all, OCAP_RIGHTS_ALL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_each_name),
		cmocka_unit_test(test_parse_lists),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_none_combined),
		cmocka_unit_test(test_parse_null),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_format_unknown_bits),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_right_name),
		cmocka_unit_test(test_right_constants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
