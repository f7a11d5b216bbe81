/*
 * Unit tests of green/factory.c (GB/T 36132-2018 green-factory self-assessment, issue 16 item
 * 3): the shipped model's structure and weights, the scoring at its boundaries (a basic
 * requirement failed leaves the factory ineligible whatever its score; a mandatory one too;
 * weights and points hand-worked; a pass score met exactly), the model parser's and the body
 * parser's refusals, and a save / read round trip.
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
#include "green/factory.h"
#include "store/store.h"

static char dir[] = "/tmp/cc-gfactory-XXXXXX";

static const struct gf_model *model(void)
{
	struct cc_error err = {0};
	const struct gf_model *m = green_factory_model_get(&err);
	if (!m)
		print_error("%s\n", err.msg);
	assert_non_null(m);
	return m;
}

/* Every requirement of KIND at V (others left as they are). */
static void fill_kind(const struct gf_model *m, double *a, enum gf_kind kind, double v)
{
	for (int i = 0; i < m->nreqs; i++)
		if (m->r[i].kind == kind)
			a[i] = v;
}

static void fill_all(const struct gf_model *m, double *a, double v)
{
	for (int i = 0; i < GF_MAX_REQS; i++)
		a[i] = i < m->nreqs ? v : NAN;
}

static void set(const struct gf_model *m, double *a, const char *id, double v)
{
	int q = green_factory_req_find(m, id, strlen(id));
	assert_true(q >= 0);
	a[q] = v;
}

static int ind(const struct gf_model *m, const char *id)
{
	for (int k = 0; k < m->nindicators; k++)
		if (!strcmp(m->ind[k].id, id))
			return k;
	fail_msg("no indicator '%s'", id);
	return -1;
}

static void test_model(void **state)
{
	(void)state;
	const struct gf_model *m = model();
	static const struct {
		const char *id, *zh;
		double w;
	} want[] = {{"infrastructure", "基础设施", 0.20}, {"management", "管理体系", 0.15},
		    {"inputs", "能源与资源投入", 0.15},	  {"products", "产品", 0.10},
		    {"emissions", "环境排放", 0.10},	  {"performance", "绩效", 0.30}};
	assert_int_equal(m->nindicators, 6);
	for (int k = 0; k < 6; k++) {
		assert_string_equal(m->ind[k].id, want[k].id);
		assert_string_equal(m->ind[k].name_zh, want[k].zh);
		near(m->ind[k].weight, want[k].w, 1e-12);
	}
	int basic = 0;
	for (int i = 0; i < m->nreqs; i++)
		basic += m->r[i].kind == GF_BASIC;
	assert_int_equal(basic, 3);
	assert_true(isnan(m->pass_score));
	assert_int_equal(m->nanswers, 3);
}

static void test_score(void **state)
{
	(void)state;
	const struct gf_model *m = model();
	double a[GF_MAX_REQS];
	struct gf_result r;

	/* Everything met: 100, eligible, no gaps. */
	fill_all(m, a, 1);
	green_factory_score(m, a, &r);
	near(r.score, 100, 1e-9);
	assert_true(r.eligible && r.basic_met && r.mandatory_met);
	assert_int_equal(r.ngaps, 0);

	/* One basic requirement partly met: the score stays 100 (basic requirements are not
	 * scored) but the factory is not eligible, and that requirement is the first gap. */
	set(m, a, "b_planning", 0.5);
	green_factory_score(m, a, &r);
	near(r.score, 100, 1e-9);
	assert_false(r.eligible);
	assert_false(r.basic_met);
	assert_true(r.mandatory_met);
	assert_int_equal(r.ngaps, 1);
	assert_string_equal(m->r[r.gaps[0]].id, "b_planning");
	/* Unanswered is not met either. */
	set(m, a, "b_planning", NAN);
	green_factory_score(m, a, &r);
	assert_false(r.eligible);

	/* One mandatory requirement partly met: emissions = (1+1+0.5+1+1)/5 = 90, the total
	 * 100 - 0.10 × 10 = 99, not eligible. */
	fill_all(m, a, 1);
	set(m, a, "e_ghg", 0.5);
	green_factory_score(m, a, &r);
	near(r.ind_score[ind(m, "emissions")], 90, 1e-9);
	near(r.score, 99, 1e-9);
	assert_true(r.basic_met);
	assert_false(r.mandatory_met || r.eligible);

	/* Basic and mandatory met, no optional requirement: eligible at the weights' sum of the
	 * mandatory shares: 0.20 × 5/7 + 0.15 × 3/5 + 0.15 × 3/5 + 0.10 × 2/5 + 0.10 × 3/5 +
	 * 0.30 × 0/5 = 42.2857… (× 100). */
	fill_all(m, a, NAN);
	fill_kind(m, a, GF_BASIC, 1);
	fill_kind(m, a, GF_MANDATORY, 1);
	green_factory_score(m, a, &r);
	near(r.ind_score[ind(m, "infrastructure")], 100.0 * 5 / 7, 1e-9);
	near(r.ind_score[ind(m, "performance")], 0, 0);
	near(r.score, 100 * (0.2 * 5 / 7 + 0.15 * 0.6 + 0.15 * 0.6 + 0.1 * 0.4 + 0.1 * 0.6), 1e-9);
	assert_true(r.eligible);
	/* The gaps are the optional requirements, every one of them. */
	int optional = 0;
	for (int i = 0; i < m->nreqs; i++)
		optional += m->r[i].kind == GF_OPTIONAL;
	assert_int_equal(r.ngaps, optional);
	assert_int_equal(m->r[r.gaps[0]].kind, GF_OPTIONAL);

	/* Only the performance indicator's requirements met (basic failed): its weight, 30, and
	 * not eligible whatever the score. */
	fill_all(m, a, 0);
	for (int i = 0; i < m->nreqs; i++)
		if (m->r[i].indicator == ind(m, "performance"))
			a[i] = 1;
	green_factory_score(m, a, &r);
	near(r.score, 30, 1e-9);
	assert_false(r.eligible || r.basic_met || r.mandatory_met);
	/* The vetoes come first among the gaps. */
	assert_int_equal(m->r[r.gaps[0]].kind, GF_BASIC);

	/* Nothing answered: 0, not eligible. */
	fill_all(m, a, NAN);
	green_factory_score(m, a, &r);
	near(r.score, 0, 0);
	assert_false(r.eligible);
	assert_int_equal(r.ngaps, m->nreqs);
}

/* A small model: weights 0.25 / 0.75, points 1 and 3 in the second indicator, pass 50. */
static const char *small =
	"{\"answers\":[0,0.5,1],\"pass_score\":50,"
	"\"indicators\":[{\"id\":\"x\",\"weight\":0.25},{\"id\":\"y\",\"weight\":0.75}],"
	"\"requirements\":[{\"id\":\"b\",\"indicator\":\"basic\",\"kind\":\"basic\"},"
	"{\"id\":\"x1\",\"indicator\":\"x\",\"kind\":\"mandatory\"},"
	"{\"id\":\"y1\",\"indicator\":\"y\",\"kind\":\"optional\",\"points\":1},"
	"{\"id\":\"y2\",\"indicator\":\"y\",\"kind\":\"optional\",\"points\":3}]}";

static void test_weights(void **state)
{
	(void)state;
	struct gf_model m;
	struct cc_error err = {0};
	assert_int_equal(green_factory_model_parse(&m, small, &err), 0);
	double a[GF_MAX_REQS];
	struct gf_result r;
	for (int i = 0; i < GF_MAX_REQS; i++)
		a[i] = NAN;
	a[0] = a[1] = 1; /* basic and mandatory met: x = 100 → 25 */
	/* y1 met, y2 partly: y = 100 × (1 + 1.5) / 4 = 62.5 → 46.875; total 71.875. */
	a[2] = 1, a[3] = 0.5;
	green_factory_score(&m, a, &r);
	near(r.ind_score[1], 62.5, 1e-12);
	near(r.score, 71.875, 1e-12);
	assert_true(r.eligible);
	/* y2 alone (3 of 4 points): y = 75, total 25 + 56.25 = 81.25. */
	a[2] = 0, a[3] = 1;
	green_factory_score(&m, a, &r);
	near(r.score, 81.25, 1e-12);
	/* y1 and y2 partly: y = 100 × (0.5 + 1.5) / 4 = 50 → 37.5; total 62.5 ≥ 50. */
	a[2] = 0.5, a[3] = 0.5;
	green_factory_score(&m, a, &r);
	near(r.score, 62.5, 1e-12);
	assert_true(r.eligible);
	/* y1 partly, y2 not: y = 12.5 → 9.375; total 34.375 < 50: not eligible though the
	 * basic and mandatory requirements are met. */
	a[2] = 0.5, a[3] = 0;
	green_factory_score(&m, a, &r);
	near(r.score, 34.375, 1e-12);
	assert_true(r.basic_met && r.mandatory_met);
	assert_false(r.eligible);
	/* A pass score equal to the total passes; one a hair above it does not. */
	m.pass_score = 34.375;
	green_factory_score(&m, a, &r);
	assert_true(r.eligible);
	m.pass_score = 34.375 + 1e-6;
	green_factory_score(&m, a, &r);
	assert_false(r.eligible);
	green_factory_model_release(&m);

	/* Refusals, each naming what is wrong. */
	static const struct {
		const char *text, *says;
	} bad[] = {
		{"{\"answers\":[0,1],\"indicators\":[{\"id\":\"x\",\"weight\":0.9}],"
		 "\"requirements\":[{\"id\":\"x1\",\"indicator\":\"x\",\"kind\":\"optional\"}]}",
		 "sum to 0.9"},
		{"{\"answers\":[0,1],\"indicators\":[{\"id\":\"x\",\"weight\":1}],"
		 "\"requirements\":[{\"id\":\"x1\",\"indicator\":\"z\",\"kind\":\"optional\"}]}",
		 "'x1'"},
		{"{\"answers\":[0,1],\"indicators\":[{\"id\":\"x\",\"weight\":0.5},"
		 "{\"id\":\"y\",\"weight\":0.5}],"
		 "\"requirements\":[{\"id\":\"x1\",\"indicator\":\"x\",\"kind\":\"optional\"}]}",
		 "'y' has no requirements"},
		{"{\"answers\":[0,1],\"indicators\":[{\"id\":\"x\",\"weight\":1}],"
		 "\"requirements\":[{\"id\":\"b\",\"indicator\":\"x\",\"kind\":\"basic\"},"
		 "{\"id\":\"x1\",\"indicator\":\"x\",\"kind\":\"optional\"}]}",
		 "'b'"},
		{"{\"answers\":[0,1],\"indicators\":[{\"id\":\"x\",\"weight\":1}],"
		 "\"requirements\":[{\"id\":\"x1\",\"indicator\":\"x\",\"kind\":\"optional\"},"
		 "{\"id\":\"x1\",\"indicator\":\"x\",\"kind\":\"mandatory\"}]}",
		 "requirement 2"},
		{"{\"answers\":[0,0.5],\"indicators\":[{\"id\":\"x\",\"weight\":1}],"
		 "\"requirements\":[{\"id\":\"x1\",\"indicator\":\"x\",\"kind\":\"optional\"}]}",
		 "must include 1"},
		{"{\"answers\":[0,1],\"pass_score\":120,\"indicators\":[{\"id\":\"x\",\"weight\":1}],"
		 "\"requirements\":[{\"id\":\"x1\",\"indicator\":\"x\",\"kind\":\"optional\"}]}",
		 "pass_score"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		memset(&err, 0, sizeof err);
		assert_int_equal(green_factory_model_parse(&m, bad[k].text, &err), CC_EPARSE);
		if (!strstr(err.msg, bad[k].says))
			fail_msg("case %zu: '%s' does not say '%s'", k, err.msg, bad[k].says);
	}
}

static void test_parse(void **state)
{
	(void)state;
	const struct gf_model *m = model();
	struct gf_assessment a;
	struct cc_error err = {0};
	char field[96];
	static const struct {
		const char *body, *field;
	} bad[] = {
		{"{\"answers\":{\"nope\":1}}", "answers.nope"},
		{"{\"answers\":{\"i_building\":0.8}}", "answers.i_building"},
		{"{\"answers\":{\"i_building\":\"1\"}}", "answers.i_building"},
		{"{\"answers\":[1]}", "answers"},
		{"{\"answers\":{},\"score\":100}", "score"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		json_t *j = json_loads(bad[k].body, 0, NULL);
		assert_non_null(j);
		assert_int_equal(green_factory_parse_body(m, j, &a, field, &err), CC_EINVAL);
		assert_string_equal(field, bad[k].field);
		json_decref(j);
	}
	json_t *j = json_loads(
		"{\"answers\":{\"b_compliance\":1,\"f_land\":0.5,\"p_carbon\":null}}", 0, NULL);
	assert_int_equal(green_factory_parse_body(m, j, &a, field, &err), 0);
	json_decref(j);
	near(a.answers[green_factory_req_find(m, "f_land", 6)], 0.5, 0);
	assert_true(isnan(a.answers[green_factory_req_find(m, "p_carbon", 8)]));
	assert_true(isnan(a.answers[green_factory_req_find(m, "e_best", 6)]));
}

static void test_store(void **state)
{
	(void)state;
	const struct gf_model *m = model();
	char p[256], code[19], text[512];
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	snprintf(p, sizeof p, "%s/g.db", dir);
	assert_int_equal(cc_store_open(&st, p, CC_STORE_CREATE, &err), 0);
	tu_uscc(code, 500112, 9);
	snprintf(text, sizeof text, "uscc,name,region\n%s,甲绿色工厂,500112\n", code);
	tu_load(st, dir, "e.csv", text);
	int64_t id = cc_store_int(st, "SELECT id FROM enterprises", 0);
	static struct gf_assessment a, back[4];
	memset(&a, 0, sizeof a);
	fill_all(m, a.answers, 1);
	a.year = 2025;
	assert_int_equal(green_factory_save(st, m, id, &a, "tester", &err), 0);
	a.year = 2024;
	set(m, a.answers, "b_compliance", 0);
	assert_int_equal(green_factory_save(st, m, id, &a, "tester", &err), 0);
	assert_int_equal(green_factory_save(st, m, id, &a, "tester", &err), 0); /* replaces */
	int n = green_factory_read(st, m, id, back, 4, &err);
	assert_int_equal(n, 2);
	assert_int_equal(back[0].year, 2024);
	assert_false(back[0].result.eligible);
	near(back[0].result.score, 100, 1e-9);
	assert_true(back[1].result.eligible);
	assert_string_equal(back[1].updated_by, "tester");
	assert_int_equal(cc_store_int(st,
				      "SELECT eligible * 10 + basic_met FROM "
				      "green_factory_assessments WHERE year = 2024",
				      -1),
			 0);
	assert_int_equal(cc_store_int(st,
				      "SELECT eligible FROM green_factory_assessments "
				      "WHERE year = 2025",
				      -1),
			 1);
	cc_store_close(st);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),	cmocka_unit_test(test_score),
		cmocka_unit_test(test_weights), cmocka_unit_test(test_parse),
		cmocka_unit_test(test_store),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
