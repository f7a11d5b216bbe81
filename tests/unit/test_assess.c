/*
 * Unit tests of assess/ (the self-assessment engine under GB/T 39116 and GB/T 36132): tiny
 * synthetic models scored by hand — a LADDER of three levels (weights within a level, a weak
 * lower level holding a higher one back, a level without items, missing answers) and a
 * WEIGHTED total (group weights, a veto kind failed or left unanswered, a pass total met and
 * missed, gaps kind by kind) —, the answers as stored and as sent, and loading once.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "testutil.h"

#define near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))
#include "assess/assess.h"
#include "base/buf.h"

static const double scale4[] = {0, 0.5, 0.8, 1};

/* Levels 1-3, pass mark 0.8: a (w 1) and b (w 3) at level 1, c at level 2, d at level 3. */
static const struct assess_item ladder_items[] = {
	{.id = "a", .text_zh = "甲", .text_en = "A", .level = 1, .weight = 1},
	{.id = "b", .text_zh = "乙", .text_en = "B", .level = 1, .weight = 3},
	{.id = "c", .text_zh = "丙", .text_en = "C", .level = 2, .weight = 1},
	{.id = "d", .text_zh = "丁", .text_en = "D", .level = 3, .weight = 1},
};

static struct assess_def ladder(void)
{
	return (struct assess_def){
		.item = ladder_items,
		.nitems = 4,
		.answers = scale4,
		.nanswers = 4,
		.sc = {.rule = ASSESS_LADDER, .ngroups = 3, .scale = 1, .pass = 0.8, .nkinds = 1}};
}

static void test_ladder(void **state)
{
	(void)state;
	struct assess_def d = ladder();
	struct assess_result r;

	/* Level 1 met, c missing: level 1, composite 1 + 0, the gap is c. */
	double a1[] = {1, 1, NAN, NAN};
	assess_score(&d, a1, &r);
	assert_int_equal(r.level, 1);
	near(r.score, 1, 1e-12);
	near(r.group_score[1], 1, 1e-12);
	near(r.group_score[2], 0, 0);
	assert_int_equal(r.ngaps, 1);
	assert_int_equal(r.gaps[0], 2);

	/* The weights: a 0, b 1 is (0 + 3) / 4 = 0.75 < 0.8, so level 0 however strong level 2
	 * is; the composite is 0 + 0.75 and the gap is level 1's a (b is met). */
	double a2[] = {0, 1, 1, 1};
	assess_score(&d, a2, &r);
	assert_int_equal(r.level, 0);
	assert_false(r.pass);
	near(r.score, 0.75, 1e-12);
	assert_int_equal(r.ngaps, 1);
	assert_int_equal(r.gaps[0], 0);
	/* a at 0.8: (0.8 + 3) / 4 = 0.95 passes level 1, c passes 2, d 0.5: level 2, 2.5. */
	double a3[] = {0.8, 1, 1, 0.5};
	assess_score(&d, a3, &r);
	assert_int_equal(r.level, 2);
	near(r.group_score[1], 0.95, 1e-12);
	near(r.score, 2.5, 1e-12);
	assert_int_equal(r.ngaps, 1);
	assert_int_equal(r.gaps[0], 3);

	/* Everything met: the top level, composite 3, no next level, no gaps. */
	double a4[] = {1, 1, 1, 1};
	assess_score(&d, a4, &r);
	assert_int_equal(r.level, 3);
	near(r.score, 3, 0);
	assert_int_equal(r.ngaps, 0);

	/* Nothing answered: level 0, composite 0, every level-1 item a gap. */
	double a5[] = {NAN, NAN, NAN, NAN};
	assess_score(&d, a5, &r);
	assert_int_equal(r.level, 0);
	near(r.score, 0, 0);
	assert_int_equal(r.ngaps, 2);

	/* A level without items does not hold an enterprise back: items a (level 1), d
	 * (level 3) only. */
	struct assess_item gap_items[] = {ladder_items[0], ladder_items[3]};
	d.item = gap_items;
	d.nitems = 2;
	double a6[] = {1, 1};
	assess_score(&d, a6, &r);
	assert_int_equal(r.level, 3);
}

enum { BASIC, MANDATORY, OPTIONAL };

/* Groups g0 (0.25) and g1 (0.75), scale 100; v basic (no group), m mandatory in g0 (2
 * points), o1 optional in g0, o2 and o3 (3 points) optional in g1; basic and mandatory veto. */
static const struct assess_item weighted_items[] = {
	{.id = "v", .text_zh = "基", .text_en = "V", .indicator = -1, .points = 1, .kind = BASIC},
	{.id = "m",
	 .text_zh = "必",
	 .text_en = "M",
	 .indicator = 0,
	 .points = 2,
	 .kind = MANDATORY},
	{.id = "o1",
	 .text_zh = "选1",
	 .text_en = "O1",
	 .indicator = 0,
	 .points = 1,
	 .kind = OPTIONAL},
	{.id = "o2",
	 .text_zh = "选2",
	 .text_en = "O2",
	 .indicator = 1,
	 .points = 1,
	 .kind = OPTIONAL},
	{.id = "o3",
	 .text_zh = "选3",
	 .text_en = "O3",
	 .indicator = 1,
	 .points = 3,
	 .kind = OPTIONAL},
};

static struct assess_def weighted(double pass)
{
	static const double scale3[] = {0, 0.5, 1};
	return (struct assess_def){.item = weighted_items,
				   .nitems = 5,
				   .answers = scale3,
				   .nanswers = 3,
				   .sc = {.rule = ASSESS_WEIGHTED,
					  .ngroups = 2,
					  .group_weight = {0.25, 0.75},
					  .scale = 100,
					  .pass = pass,
					  .veto = 1u << BASIC | 1u << MANDATORY,
					  .nkinds = 3}};
}

static void test_weighted(void **state)
{
	(void)state;
	struct assess_def d = weighted(NAN);
	struct assess_result r;

	double all[] = {1, 1, 1, 1, 1};
	assess_score(&d, all, &r);
	near(r.score, 100, 1e-9);
	assert_true(r.pass && r.met[BASIC] && r.met[MANDATORY] && r.met[OPTIONAL]);
	assert_int_equal(r.ngaps, 0);

	/* o1 partly: g0 = 100 × (2 + 0.5) / 3, total 0.25 × 83.33 + 0.75 × 100 = 95.83; still
	 * passing (an optional requirement is no veto). */
	double a1[] = {1, 1, 0.5, 1, 1};
	assess_score(&d, a1, &r);
	near(r.group_score[0], 250.0 / 3, 1e-9);
	near(r.score, 0.25 * 250.0 / 3 + 75, 1e-9);
	assert_true(r.pass);
	assert_false(r.met[OPTIONAL]);
	assert_int_equal(r.ngaps, 1);
	assert_int_equal(r.gaps[0], 2);

	/* The basic item unanswered: the total stays 100 (it is in no group) but the veto
	 * fails, and it is the first gap. */
	double a2[] = {NAN, 1, 1, 1, 1};
	assess_score(&d, a2, &r);
	near(r.score, 100, 1e-9);
	assert_false(r.pass);
	assert_false(r.met[BASIC]);
	assert_int_equal(r.ngaps, 1);
	assert_int_equal(r.gaps[0], 0);

	/* The mandatory item partly met, o3 missing: g0 = 100 × (1 + 1) / 3, g1 = 100 × 1 / 4,
	 * total 16.67 + 18.75; gaps kind by kind: m (mandatory) before o3 (optional). */
	double a3[] = {1, 0.5, 1, 1, NAN};
	assess_score(&d, a3, &r);
	near(r.group_score[1], 25, 1e-9);
	near(r.score, 0.25 * 200.0 / 3 + 0.75 * 25, 1e-9);
	assert_false(r.pass);
	assert_false(r.met[MANDATORY]);
	assert_true(r.met[BASIC]);
	assert_int_equal(r.ngaps, 2);
	assert_int_equal(r.gaps[0], 1);
	assert_int_equal(r.gaps[1], 4);

	/* A pass total: 95.83 reaches 90, not 96. */
	d = weighted(90);
	assess_score(&d, a1, &r);
	assert_true(r.pass);
	d = weighted(96);
	assess_score(&d, a1, &r);
	assert_false(r.pass);
}

static void test_answers(void **state)
{
	(void)state;
	struct assess_def d = ladder();
	double a[4] = {1, NAN, 0.5, NAN}, back[8];
	struct cc_buf b = CC_BUF_INIT(1 << 10);
	assess_answers_put(&b, &d, a);
	assert_string_equal(cc_buf_str(&b), "{\"a\":1,\"c\":0.5}");
	assess_answers_get(&d, "{\"c\":0.5,\"zz\":1,\"a\":1,\"b\":\"x\"}", back, 8);
	near(back[0], 1, 0);
	assert_true(isnan(back[1]));
	near(back[2], 0.5, 0);
	assert_true(isnan(back[3]) && isnan(back[7]));
	cc_buf_release(&b);

	/* The body's answers: an id must be the model's, a value on its scale, null leaves an
	 * item unanswered; the field names the item. */
	static const struct {
		const char *json, *field, *says;
	} bad[] = {{"{\"zz\":1}", "answers.zz", "no question 'zz'"},
		   {"{\"a\":0.3}", "answers.a", "off the scale"},
		   {"{\"a\":\"1\"}", "answers.a", "off the scale"},
		   {"[1]", "", "answers must be an object"}};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		char field[96] = "";
		struct cc_error err = {0};
		json_t *j = json_loads(bad[k].json, JSON_DECODE_ANY, NULL);
		assert_int_equal(
			assess_body_answers(&d, j, back, field, "question", "off the scale", &err),
			CC_EINVAL);
		assert_string_equal(field, bad[k].field);
		if (!strstr(err.msg, bad[k].says))
			fail_msg("case %zu: '%s' does not say '%s'", k, err.msg, bad[k].says);
		json_decref(j);
	}
	char field[96] = "";
	struct cc_error err = {0};
	for (int i = 0; i < 4; i++)
		back[i] = NAN;
	json_t *j = json_loads("{\"b\":0.8,\"a\":null}", 0, NULL);
	assert_int_equal(assess_body_answers(&d, j, back, field, "question", "x", &err), 0);
	json_decref(j);
	near(back[1], 0.8, 0);
	assert_true(isnan(back[0]));
	/* Ids match whole: "a" is not "ab"'s prefix. */
	assert_int_equal(assess_find(ladder_items, 4, "ab", 2), -1);
	assert_int_equal(assess_find(ladder_items, 4, "ab", 1), 0);
}

static int parses;

static int count_parse(void *model, const char *text, struct cc_error *err)
{
	(void)err;
	parses++;
	*(size_t *)model = strlen(text);
	return 0;
}

static void test_once(void **state)
{
	(void)state;
	static size_t len;
	static struct assess_once ok = ASSESS_ONCE("digital/maturity.json", count_parse, &len);
	static struct assess_once missing = ASSESS_ONCE("digital/none.json", count_parse, &len);
	struct cc_error err = {0};
	assert_ptr_equal(assess_once_get(&ok, &err), &len);
	assert_ptr_equal(assess_once_get(&ok, NULL), &len);
	assert_int_equal(parses, 1);
	assert_true(len > 100);
	for (int k = 0; k < 2; k++) {
		memset(&err, 0, sizeof err);
		assert_null(assess_once_get(&missing, &err));
		assert_non_null(strstr(err.msg, "digital/none.json"));
	}
	assert_int_equal(parses, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ladder),
		cmocka_unit_test(test_weighted),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
