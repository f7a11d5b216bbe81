/*
 * Unit tests of eval/model: the shipped models load; bad models are refused with the field
 * and, for expressions, the column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "eval/model.h"

static void test_shipped(void **state)
{
	(void)state;
	char ids[16][64];
	struct cc_error err = {0};
	int n = eval_model_ids(ids, 16, &err);
	assert_true(n >= 2);
	for (int i = 0; i < n; i++) {
		struct eval_model m;
		if (eval_model_load(ids[i], &m, &err))
			fail_msg("model %s: %s", ids[i], err.msg);
		assert_string_equal(m.id, ids[i]);
		assert_true(m.nind >= 1 && m.ntiers >= 1);
		eval_model_release(&m);
	}
	struct eval_model m;
	assert_int_equal(eval_model_load("no_such", &m, &err), CC_ENOTFOUND);
	assert_int_equal(eval_model_load("../etc/passwd", &m, &err), CC_ENOTFOUND);
}

static void refused(const char *json, const char *needle)
{
	struct eval_model m;
	struct cc_error err = {0};
	assert_int_not_equal(eval_model_parse(json, &m, &err), 0);
	if (!strstr(err.msg, needle))
		fail_msg("expected '%s' in: %s", needle, err.msg);
}

static void test_refused(void **state)
{
	(void)state;
	refused("{", "line");
	refused("{\"id\":\"x\"}", "indicators");
	refused("{\"id\":\"x\",\"filter\":\"revenue >\",\"indicators\":[{\"id\":\"a\",\"expr\":\"revenue\"}]}",
		"column");
	refused("{\"id\":\"x\",\"indicators\":[{\"id\":\"a\",\"expr\":\"revenue > 1\"}]}",
		"indicator 'a'");
	refused("{\"id\":\"x\",\"indicators\":[{\"id\":\"a\",\"network\":\"friends\"}]}",
		"network");
	refused("{\"id\":\"x\",\"indicators\":[{\"id\":\"a\",\"expr\":\"revenue\",\"direction\":\"up\"}]}",
		"direction");
	refused("{\"id\":\"x\",\"weights\":\"magic\",\"indicators\":[{\"id\":\"a\",\"expr\":\"revenue\"}]}",
		"weights");
	refused("{\"id\":\"x\",\"indicators\":[{\"id\":\"a\",\"expr\":\"revenue\"}],\"tiers\":[{\"id\":\"t\"}]}",
		"tier 't'");
	refused("{\"id\":\"x\",\"candidate\":{\"expr\":\"revenue > 1\",\"near_margin\":2},"
		"\"indicators\":[{\"id\":\"a\",\"expr\":\"revenue\"}]}",
		"near_margin");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
