/* SPDX-License-Identifier: MIT */
/* json.c: strings and string arrays written as JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

/* What ocap__json_str() writes for s, or when s is NULL what
 * ocap__json_strv() writes for v: a string to free. */
static char *written(const char *s, const char *const *v, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (s)
		ocap__json_str(f, s);
	else
		ocap__json_strv(f, v, n);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* Quotes and backslashes escaped, control characters as \u00XX, the rest
 * (UTF-8 included) as it is. */
static void test_str(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "\"\"" },
		{ "plain /path", "\"plain /path\"" },
		{ "q\"uote", "\"q\\\"uote\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "new\nline\ttab\r", "\"new\\u000aline\\u0009tab\\u000d\"" },
		{ "\x01\x1f", "\"\\u0001\\u001f\"" },
		{ "\x7f", "\"\x7f\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "/", "\"/\"" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = written(cases[i].in, NULL, 0);

		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

static void test_strv(void **state)
{
	static const char *const v[] = { "a", "b\"", "" };
	static const struct {
		const char *const *v;
		size_t n;
		const char *want;
	} cases[] = {
		{ v, 0, "[]" },
		{ v, 1, "[\"a\"]" },
		{ v, 3, "[\"a\",\"b\\\"\",\"\"]" },
		{ NULL, 0, "[]" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = written(NULL, cases[i].v, cases[i].n);

		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_strv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
