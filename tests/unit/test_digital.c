/*
 * Unit tests of digital/ (issue 16, item 4): the maturity model loads from its data file, the
 * scoring on hand-worked answer sets (levels, composite score, gaps, a weak lower level holding
 * a strong higher one back), the body parser's refusals, and a save / read round trip.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include "testutil.h"

#define near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))
#include "digital/digital.h"
#include "digital/retrofit.h"
#include "store/store.h"

static char dir[] = "/tmp/cc-digital-XXXXXX";

static const struct digital_model *model(void)
{
	struct cc_error err = {0};
	const struct digital_model *m = digital_model_get(&err);
	if (!m)
		print_error("%s\n", err.msg);
	assert_non_null(m);
	return m;
}

/* Answers with every question of levels <= UPTO at V and the rest unanswered. */
static void fill(const struct digital_model *m, double *a, int upto, double v)
{
	for (int i = 0; i < DIGITAL_MAX_QUESTIONS; i++)
		a[i] = i < m->nquestions && m->q[i].level <= upto ? v : NAN;
}

static void set(const struct digital_model *m, double *a, const char *id, double v)
{
	int q = digital_question_find(m, id, strlen(id));
	assert_true(q >= 0);
	a[q] = v;
}

static void test_model(void **state)
{
	(void)state;
	const struct digital_model *m = model();
	assert_int_equal(m->nquestions, 15);
	near(m->pass_mark, 0.8, 0);
	assert_string_equal(m->level_zh[1], "规划级");
	assert_string_equal(m->level_zh[5], "引领级");
	assert_true(digital_answer_ok(m, 0.5) && !digital_answer_ok(m, 0.6));
	near(m->target_cnc, 0.68, 1e-12);
}

static void test_score(void **state)
{
	(void)state;
	const struct digital_model *m = model();
	double a[DIGITAL_MAX_QUESTIONS];
	struct digital_result r;
	/* Nothing answered: below level 1, every level-1 question a gap. */
	fill(m, a, 0, 0);
	digital_score(m, a, &r);
	assert_int_equal(r.level, 0);
	near(r.score, 0, 0);
	assert_int_equal(r.ngaps, 3);
	/* Levels 1-2 fully met, level 3 answered 0.8, 0.5, 0.5: level 3 scores 0.6 < 0.8. */
	fill(m, a, 2, 1);
	set(m, a, "l3_integration", 0.8);
	set(m, a, "l3_cross_data", 0.5);
	set(m, a, "l3_network", 0.5);
	digital_score(m, a, &r);
	assert_int_equal(r.level, 2);
	near(r.level_score[3], 0.6, 1e-12);
	near(r.score, 2.6, 1e-12);
	assert_int_equal(r.ngaps, 3); /* 0.8 is below 1 too */
	/* Level 3 at 0.8 on average (1, 0.8, 0.5 = 0.7667 fails; 1, 1, 0.5 = 0.8333 passes). */
	set(m, a, "l3_integration", 1);
	set(m, a, "l3_cross_data", 0.8);
	digital_score(m, a, &r);
	assert_int_equal(r.level, 2);
	set(m, a, "l3_cross_data", 1);
	digital_score(m, a, &r);
	assert_int_equal(r.level, 3);
	near(r.score, 3, 1e-12); /* level 4 unanswered */
	/* A strong level 5 does not lift a firm whose level 2 fails. */
	fill(m, a, 5, 1);
	set(m, a, "l2_equipment", 0);
	set(m, a, "l2_systems", 0.5);
	digital_score(m, a, &r);
	assert_int_equal(r.level, 1);
	near(r.level_score[2], 0.5, 1e-12);
	near(r.score, 1.5, 1e-12);
	/* Everything met: level 5, score 5, no gaps. */
	fill(m, a, 5, 1);
	digital_score(m, a, &r);
	assert_int_equal(r.level, 5);
	near(r.score, 5, 0);
	assert_int_equal(r.ngaps, 0);
	/* Level 1 exactly at the pass mark passes. */
	fill(m, a, 1, 0.8);
	digital_score(m, a, &r);
	assert_int_equal(r.level, 1);
}

static void test_parse(void **state)
{
	(void)state;
	const struct digital_model *m = model();
	struct digital_assessment a;
	struct cc_error err = {0};
	char field[96];
	static const struct {
		const char *body, *field;
	} bad[] = {{"{\"answers\":{\"nope\":1}}", "answers.nope"},
		   {"{\"answers\":{\"l1_plan\":0.6}}", "answers.l1_plan"},
		   {"{\"answers\":{\"l1_plan\":\"1\"}}", "answers.l1_plan"},
		   {"{\"answers\":[1]}", "answers"},
		   {"{\"cnc_rate\":1.5}", "cnc_rate"},
		   {"{\"cnc_rate\":-0.1}", "cnc_rate"},
		   {"{\"factory_5g\":1}", "factory_5g"},
		   {"{\"level\":5}", "level"}};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		json_t *j = json_loads(bad[k].body, 0, NULL);
		assert_int_equal(digital_parse_body(m, j, &a, field, &err), CC_EINVAL);
		assert_string_equal(field, bad[k].field);
		json_decref(j);
	}
	json_t *j = json_loads("{\"answers\":{\"l1_plan\":1,\"l2_data\":null},\"cnc_rate\":0.62,"
			       "\"networking_rate\":null,\"lighthouse\":true}",
			       0, NULL);
	assert_int_equal(digital_parse_body(m, j, &a, field, &err), 0);
	json_decref(j);
	near(a.answers[digital_question_find(m, "l1_plan", 7)], 1, 0);
	assert_true(isnan(a.answers[digital_question_find(m, "l2_data", 7)]));
	near(a.cnc_rate, 0.62, 0);
	assert_true(isnan(a.networking_rate) && a.lighthouse && !a.factory_5g);
}

static void test_store(void **state)
{
	(void)state;
	const struct digital_model *m = model();
	char p[256], code[19], text[512];
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	snprintf(p, sizeof p, "%s/d.db", dir);
	assert_int_equal(cc_store_open(&st, p, CC_STORE_CREATE, &err), 0);
	tu_uscc(code, 500112, 7);
	snprintf(text, sizeof text, "uscc,name,region\n%s,甲智造,500112\n", code);
	tu_load(st, dir, "e.csv", text);
	int64_t id = cc_store_int(st, "SELECT id FROM enterprises", 0);
	struct digital_assessment a, back[4];
	memset(&a, 0, sizeof a);
	fill(m, a.answers, 2, 1);
	a.year = 2025;
	a.cnc_rate = 0.7;
	a.rd_tool_rate = a.networking_rate = NAN;
	a.factory_5g = 1;
	assert_int_equal(digital_save(st, m, id, &a, "tester", &err), 0);
	a.year = 2024;
	fill(m, a.answers, 1, 1);
	assert_int_equal(digital_save(st, m, id, &a, "tester", &err), 0);
	/* Saving a year again replaces it. */
	assert_int_equal(digital_save(st, m, id, &a, "tester", &err), 0);
	int n = digital_read(st, m, id, back, 4, &err);
	assert_int_equal(n, 2);
	assert_int_equal(back[0].year, 2024);
	assert_int_equal(back[0].result.level, 1);
	assert_int_equal(back[1].result.level, 2);
	near(back[1].cnc_rate, 0.7, 0);
	assert_true(isnan(back[1].rd_tool_rate));
	assert_true(back[1].factory_5g && !back[1].lighthouse);
	assert_string_equal(back[1].updated_by, "tester");
	assert_int_equal(
		cc_store_int(st, "SELECT level FROM maturity_assessments WHERE year = 2025", -1),
		2);
	cc_store_close(st);
}

/* A retrofit project's fields: required, enumerated, ranged, dated in order. */
static void test_retrofit_parse(void **state)
{
	(void)state;
	struct retrofit r;
	struct cc_error err = {0};
	char field[64];
	static const struct {
		const char *body, *field;
	} bad[] = {
		{"{\"kind\":\"green\"}", "title"},
		{"{\"title\":\"x\",\"kind\":\"red\"}", "kind"},
		{"{\"title\":\"x\",\"kind\":\"both\",\"status\":\"done\"}", "status"},
		{"{\"title\":\"x\",\"kind\":\"both\",\"investment\":-1}", "investment"},
		{"{\"title\":\"x\",\"kind\":\"both\",\"cnc_before\":2}", "cnc_before"},
		{"{\"title\":\"x\",\"kind\":\"both\",\"start_date\":\"2024-13-01\"}", "start_date"},
		{"{\"title\":\"x\",\"kind\":\"both\",\"start_date\":\"2024-05-01\","
		 "\"end_date\":\"2024-04-30\"}",
		 "end_date"},
		{"{\"title\":\"x\",\"kind\":\"both\",\"owner\":1}", "owner"}};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		json_t *j = json_loads(bad[k].body, 0, NULL);
		assert_non_null(j);
		assert_int_equal(retrofit_parse(j, &r, field, &err), CC_EINVAL);
		assert_string_equal(field, bad[k].field);
		json_decref(j);
	}
	json_t *j = json_loads("{\"title\":\"节能改造\",\"kind\":\"green\",\"investment\":300,"
			       "\"start_date\":\"2024-01-01\",\"end_date\":\"2024-12-31\"}",
			       0, NULL);
	assert_int_equal(retrofit_parse(j, &r, field, &err), 0);
	assert_string_equal(r.status, "planned");
	near(r.investment, 300, 0);
	assert_true(isnan(r.expected_saved));
	json_decref(j);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),	       cmocka_unit_test(test_score),
		cmocka_unit_test(test_parse),	       cmocka_unit_test(test_store),
		cmocka_unit_test(test_retrofit_parse),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
