/*
 * Unit tests of domain/patent: application-number check characters on numbers published with
 * granted patents and on corrupted copies of them, and IPC code syntax.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "domain/patent.h"

static int parse(const char *s, struct cc_patent_no *p)
{
	struct cc_error err = {0};
	return cc_patent_no_parse(s, strlen(s), p, &err);
}

/*
 * Numbers as their holders publish them (ZL numbers of granted patents on company and
 * university pages) and the worked examples of DOMAIN.md §9; each check character agrees with
 * ZC 0006-2003's rule.
 */
static const char *const published[] = {
	"201710601862.3", /* DOMAIN.md §9's worked example */
	"202010566088.9", /* image-processing invention, ZL202010566088.9 */
	"201510958772.0", /* 微播易, 广告精准投放方法和系统 */
	"200510096239.4", /* 急救止血敷片, invention */
	"202322865413.3", /* utility model: 真空泵 */
	"201811564288.X", /* invention with check X (a 2020 grant) */
	"202510942578.7", /* 动作序列生成方法 */
	"90101673.X",	  /* CNIPA's example of the 8-digit form */
	"95115608.X",	  /* DOMAIN.md §9, the 8-digit form */
};

static void test_published_numbers(void **state)
{
	(void)state;
	struct cc_patent_no p;
	for (size_t i = 0; i < sizeof published / sizeof *published; i++) {
		if (parse(published[i], &p))
			fail_msg("%s should be valid", published[i]);
		assert_string_equal(p.canon, published[i]);
	}
	assert_int_equal(parse("201710601862.3", &p), 0);
	assert_int_equal(p.year, 2017);
	assert_int_equal(p.kind, CC_PATENT_INVENTION);
	assert_int_equal(p.old_form, 0);
	assert_int_equal(parse("202322865413.3", &p), 0);
	assert_int_equal(p.kind, CC_PATENT_UTILITY);
	assert_int_equal(parse("95115608.X", &p), 0);
	assert_int_equal(p.year, 1995);
	assert_int_equal(p.kind, CC_PATENT_INVENTION);
	assert_int_equal(p.old_form, 1);
	assert_int_equal(cc_patent_check_char("201710601862", 12), '3');
	assert_int_equal(cc_patent_check_char("95115608", 8), 'X');
	assert_int_equal(cc_patent_check_char("9511560", 7), 0);
}

static void test_written_forms(void **state)
{
	(void)state;
	struct cc_patent_no p;
	/* ZL and CN prefixes, spaces as people group the digits, no dot, lower-case x. */
	const char *forms[] = {"ZL201811564288.X", "zl 2018 1 1564288.x", "CN201811564288X",
			       "2018115642 88x", " 201811564288.X\t"};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		if (parse(forms[i], &p))
			fail_msg("%s should be valid", forms[i]);
		assert_string_equal(p.canon, "201811564288.X");
	}
	assert_int_equal(parse("2015109587720", &p), 0);
	assert_string_equal(p.canon, "201510958772.0");
}

static void test_corrupted_numbers(void **state)
{
	(void)state;
	struct cc_patent_no p;
	struct cc_error err = {0};
	/* Every single-digit change of every published number is caught (mod 11 with weights
	 * below 11 detects any one substitution). */
	for (size_t i = 0; i < sizeof published / sizeof *published; i++) {
		char s[20];
		size_t n = strlen(published[i]);
		for (size_t k = 0; k < n - 2; k++) {
			for (char c = '0'; c <= '9'; c++) {
				memcpy(s, published[i], n + 1);
				if (s[k] == c)
					continue;
				s[k] = c;
				if (parse(s, &p) == 0)
					fail_msg("%s (from %s) should be invalid", s, published[i]);
			}
		}
	}
	/* The reason names the expected check character. */
	assert_int_equal(cc_patent_no_parse("202310123456.7", 14, &p, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "'6'"));
	/* Transposed neighbours (a common typing slip) are caught too. */
	assert_int_equal(parse("207110601862.3", &p), CC_EINVAL);
	const char *bad[] = {
		"",		   /* empty */
		"ZL",		   /* prefix only */
		"20171060186.3",   /* 11 digits */
		"2017106018623.3", /* 13 digits and a check */
		"201710601862",	   /* no check character */
		"201740601862.1",  /* kind 4 does not exist */
		"199910601862.0",  /* 12-digit form before 2003 */
		"50115608.1",	   /* 8-digit form in 1950 */
		"201710601862.3.", /* trailing dot */
		"2017106O1862.3",  /* letter O for zero */
		"201710601862.33", /* two check characters */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (parse(bad[i], &p) == 0)
			fail_msg("'%s' should be invalid", bad[i]);
	assert_int_equal(cc_patent_no_parse("201740601862.1", 14, &p, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "kind digit 4"));
	/* Not NUL-terminated: only N bytes are read. */
	assert_int_equal(cc_patent_no_parse("201710601862.3999", 14, &p, &err), 0);
}

static void test_kinds(void **state)
{
	(void)state;
	assert_string_equal(cc_patent_kind_id(CC_PATENT_DESIGN), "design");
	assert_string_equal(cc_patent_kind_zh(CC_PATENT_UTILITY), "实用新型");
	assert_null(cc_patent_kind_id(4));
	assert_true(cc_patent_is_invention(CC_PATENT_PCT_INVENTION));
	assert_false(cc_patent_is_invention(CC_PATENT_UTILITY));
}

static void test_ipc(void **state)
{
	(void)state;
	struct cc_ipc ipc;
	struct cc_error err = {0};
	const char *good[][2] = {
		{"H01M 10/0525", "H01M 10/0525"}, {"h01m10/0525", "H01M 10/0525"},
		{"H01L 21/02", "H01L 21/02"},	  {"G06F 3/01", "G06F 3/01"},
		{"A61K 9/20", "A61K 9/20"},	  {"B60L 53/80", "B60L 53/80"},
		{"C07D 213/74", "C07D 213/74"},	  {"H01M", "H01M"},
		{"G06N 3/08", "G06N 3/08"},	  {"F16H 1/2345", "F16H 1/2345"},
		{"B22D 17/00", "B22D 17/00"},	  {"H01M 4 / 525", "H01M 4/525"},
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		if (cc_ipc_parse(good[i][0], strlen(good[i][0]), 0, &ipc, &err))
			fail_msg("%s: %s", good[i][0], err.msg);
		assert_string_equal(ipc.canon, good[i][1]);
	}
	assert_int_equal(cc_ipc_parse("H01M 10/0525", 12, 0, &ipc, &err), 0);
	assert_int_equal(ipc.section, 'H');
	assert_int_equal(ipc.klass, 1);
	assert_int_equal(ipc.subclass, 'M');
	assert_int_equal(ipc.main_group, 10);
	assert_string_equal(ipc.subgroup, "0525");
	const char *bad[] = {"",
			     "I01M 10/05",
			     "H1M 10/05",
			     "H01 10/05",
			     "H00M 1/00",
			     "H01M 10",
			     "H01M 10/5",
			     "H01M 10/1234567",
			     "H01M 12345/00",
			     "H01M 10/05a",
			     "H01M 0/05",
			     "H01M /05",
			     "H",
			     "H01"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (cc_ipc_parse(bad[i], strlen(bad[i]), 0, &ipc, &err) == 0)
			fail_msg("'%s' should be invalid", bad[i]);
	/* Prefixes for the node map. */
	assert_int_equal(cc_ipc_parse("H", 1, 1, &ipc, &err), 0);
	assert_string_equal(ipc.canon, "H");
	assert_int_equal(cc_ipc_parse("h01", 3, 1, &ipc, &err), 0);
	assert_string_equal(ipc.canon, "H01");
	assert_int_equal(cc_ipc_parse("J01", 3, 1, &ipc, &err), CC_EINVAL);
}

static void test_ipc_list(void **state)
{
	(void)state;
	char out[128];
	struct cc_error err = {0};
	const char *s = "H01M 10/0525; h01m4/58 ,H01M 4/131;";
	assert_int_equal(cc_ipc_list_parse(s, strlen(s), out, sizeof out, &err), 3);
	assert_string_equal(out, "H01M 10/0525;H01M 4/58;H01M 4/131");
	s = "H01M 10/0525;X99";
	assert_int_equal(cc_ipc_list_parse(s, strlen(s), out, sizeof out, &err), -1);
	assert_non_null(strstr(err.msg, "X99"));
	s = "H01M 10/0525;H01M 4/58";
	assert_int_equal(cc_ipc_list_parse(s, strlen(s), out, 16, &err), -2);
	assert_int_equal(cc_ipc_list_parse("", 0, out, sizeof out, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_numbers),
		cmocka_unit_test(test_written_forms),
		cmocka_unit_test(test_corrupted_numbers),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_ipc),
		cmocka_unit_test(test_ipc_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
