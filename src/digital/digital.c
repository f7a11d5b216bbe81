/*
 * The maturity model, its scoring and the stored assessments (see digital.h).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/builtin.h"
#include "digital/digital.h"
#include "store/dialect.h"
#include "digital/retrofit.h"

int digital_model_parse(struct digital_model *m, const char *text, struct cc_error *err)
{
	json_error_t je;
	int rc = 0;
	memset(m, 0, sizeof *m);
	json_t *root = json_loads(text, 0, &je);
	if (!root)
		return cc_error_set(err, CC_EPARSE, "maturity.json: line %d: %s", je.line, je.text);
	m->json = root;
	json_t *pm = json_object_get(root, "pass_mark");
	m->pass_mark = json_is_number(pm) ? json_number_value(pm) : NAN;
	if (!(m->pass_mark > 0 && m->pass_mark <= 1)) {
		rc = cc_error_set(err, CC_EPARSE, "maturity.json: pass_mark must be in (0, 1]");
		goto out;
	}
	json_t *ans = json_object_get(root, "answers");
	for (size_t i = 0; i < json_array_size(ans) && m->nanswers < DIGITAL_MAX_ANSWERS; i++) {
		double v = json_number_value(json_array_get(ans, i));
		if (!(v >= 0 && v <= 1)) {
			rc = cc_error_set(err, CC_EPARSE, "maturity.json: answers lie in [0, 1]");
			goto out;
		}
		m->answers[m->nanswers++] = v;
	}
	json_t *lv = json_object_get(root, "levels");
	for (size_t i = 0; i < json_array_size(lv); i++) {
		json_t *l = json_array_get(lv, i);
		json_int_t k = json_integer_value(json_object_get(l, "level"));
		if (k >= 1 && k <= DIGITAL_LEVELS) {
			m->level_zh[k] = assess_jstr(l, "name_zh");
			m->level_en[k] = assess_jstr(l, "name_en");
		}
	}
	json_t *qs = json_object_get(root, "questions");
	if (!m->nanswers || !json_array_size(qs) || json_array_size(qs) > DIGITAL_MAX_QUESTIONS) {
		rc = cc_error_set(err, CC_EPARSE,
				  "maturity.json: answers and 1 to %d questions are needed",
				  DIGITAL_MAX_QUESTIONS);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(qs); i++) {
		json_t *o = json_array_get(qs, i);
		struct assess_item *q = &m->q[m->nquestions];
		q->id = assess_jstr(o, "id");
		q->dimension = assess_jstr(o, "dimension");
		q->text_zh = assess_jstr(o, "text_zh");
		q->text_en = assess_jstr(o, "text_en");
		q->level = (int)json_integer_value(json_object_get(o, "level"));
		json_t *w = json_object_get(o, "weight");
		q->weight = json_is_number(w) ? json_number_value(w) : 1;
		if (!*q->id || q->level < 1 || q->level > DIGITAL_LEVELS || !(q->weight > 0) ||
		    digital_question_find(m, q->id, strlen(q->id)) >= 0) {
			rc = cc_error_set(err, CC_EPARSE,
					  "maturity.json: question %zu needs a new id, a level 1-5 "
					  "and a weight above 0",
					  i + 1);
			goto out;
		}
		m->nquestions++;
	}
	m->target_cnc = m->target_rd_tool = NAN;
	json_t *items = json_object_get(json_object_get(root, "indicators"), "items");
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		json_t *t = json_object_get(it, "target_2025");
		if (!json_is_number(t))
			continue;
		if (!strcmp(assess_jstr(it, "id"), "cnc_rate"))
			m->target_cnc = json_number_value(t);
		if (!strcmp(assess_jstr(it, "id"), "rd_tool_rate"))
			m->target_rd_tool = json_number_value(t);
	}
out:
	if (rc)
		digital_model_release(m);
	return rc;
}

void digital_model_release(struct digital_model *m)
{
	if (!m)
		return;
	json_decref(m->json);
	memset(m, 0, sizeof *m);
}

/* digital_model_parse as assess_once calls it. */
static int parse_any(void *m, const char *text, struct cc_error *err)
{
	return digital_model_parse(m, text, err);
}

static struct digital_model shared;
static struct assess_once once = ASSESS_ONCE("digital/maturity.json", parse_any, &shared);

const struct digital_model *digital_model_get(struct cc_error *err)
{
	return assess_once_get(&once, err);
}

/*
 * GB/T 39116-2020 §5 (成熟度等级): an enterprise is at level L when L's requirements and every
 * lower level's are met; here a level is met when its questions' weighted mean reaches the
 * model's pass mark (a level without questions cannot hold an enterprise back).
 */
struct assess_def digital_def(const struct digital_model *m)
{
	return (struct assess_def){
		.item = m->q,
		.nitems = m->nquestions,
		.answers = m->answers,
		.nanswers = m->nanswers,
		.sc = {.rule = ASSESS_LADDER,
		       .ngroups = DIGITAL_LEVELS,
		       .scale = 1,
		       .pass = m->pass_mark,
		       .nkinds = 1},
	};
}

int digital_question_find(const struct digital_model *m, const char *id, size_t n)
{
	return assess_find(m->q, m->nquestions, id, n);
}

int digital_answer_ok(const struct digital_model *m, double v)
{
	struct assess_def d = digital_def(m);
	return assess_answer_ok(&d, v);
}

void digital_score(const struct digital_model *m, const double *answers, struct digital_result *r)
{
	struct assess_def d = digital_def(m);
	struct assess_result x;
	assess_score(&d, answers, &x);
	memset(r, 0, sizeof *r);
	r->level = x.level;
	r->score = x.score;
	memcpy(r->level_score, x.group_score, sizeof r->level_score);
	r->ngaps = x.ngaps;
	memcpy(r->gaps, x.gaps, sizeof *r->gaps * (size_t)x.ngaps);
}

static void bind_rate(struct cc_stmt *s, int idx, double v)
{
	if (isfinite(v))
		cc_stmt_bind_double(s, idx, v);
	else
		cc_stmt_bind_null(s, idx);
}

int digital_save(struct cc_store *st, const struct digital_model *m, int64_t id,
		 const struct digital_assessment *a, const char *actor, struct cc_error *err)
{
	struct cc_buf b = CC_BUF_INIT(1 << 16);
	struct digital_result r;
	struct assess_def d = digital_def(m);
	digital_score(m, a->answers, &r);
	assess_answers_put(&b, &d, a->answers);
	static const char sql[] =
		"INSERT INTO maturity_assessments(enterprise_id, year, answers, level, score, "
		"cnc_rate, rd_tool_rate, networking_rate, factory_5g, demonstration, lighthouse, "
		"updated_by) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) "
		"ON CONFLICT(enterprise_id, year) DO UPDATE SET answers = excluded.answers, "
		"level = excluded.level, score = excluded.score, cnc_rate = excluded.cnc_rate, "
		"rd_tool_rate = excluded.rd_tool_rate, networking_rate = excluded.networking_rate, "
		"factory_5g = excluded.factory_5g, demonstration = excluded.demonstration, "
		"lighthouse = excluded.lighthouse, updated_by = excluded.updated_by, "
		"updated_at = ?13";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	int rc = s ? 0 : CC_EDB;
	if (rc == 0) {
		cc_stmt_bind_int64(s, 1, id);
		cc_stmt_bind_int64(s, 2, a->year);
		cc_stmt_bind_text(s, 3, cc_buf_str(&b), b.len);
		cc_stmt_bind_int64(s, 4, r.level);
		cc_stmt_bind_double(s, 5, r.score);
		bind_rate(s, 6, a->cnc_rate);
		bind_rate(s, 7, a->rd_tool_rate);
		bind_rate(s, 8, a->networking_rate);
		cc_stmt_bind_int64(s, 9, a->factory_5g != 0);
		cc_stmt_bind_int64(s, 10, a->demonstration != 0);
		cc_stmt_bind_int64(s, 11, a->lighthouse != 0);
		cc_stmt_bind_text(s, 12, actor ? actor : "cli", strlen(actor ? actor : "cli"));
		cc_stmt_bind_now(s, 13);
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
		cc_stmt_reset(s);
	}
	cc_buf_release(&b);
	return rc;
}

int digital_read(struct cc_store *st, const struct digital_model *m, int64_t id,
		 struct digital_assessment *out, int max, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	struct assess_def d = digital_def(m);
	int n = 0, rc = cc_stmt_prepare(st, &s,
					"SELECT year, answers, cnc_rate, rd_tool_rate, "
					"networking_rate, factory_5g, demonstration, lighthouse, "
					"updated_by, updated_at FROM maturity_assessments WHERE "
					"enterprise_id = ?1 ORDER BY year",
					err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, id);
	while (n < max && (rc = cc_stmt_step(s, err)) == 1) {
		struct digital_assessment *a = &out[n++];
		memset(a, 0, sizeof *a);
		a->year = (int)cc_stmt_int64(s, 0);
		assess_answers_get(&d, cc_stmt_text(s, 1), a->answers, DIGITAL_MAX_QUESTIONS);
		a->cnc_rate = cc_stmt_double_nan(s, 2);
		a->rd_tool_rate = cc_stmt_double_nan(s, 3);
		a->networking_rate = cc_stmt_double_nan(s, 4);
		a->factory_5g = (int)cc_stmt_int64(s, 5);
		a->demonstration = (int)cc_stmt_int64(s, 6);
		a->lighthouse = (int)cc_stmt_int64(s, 7);
		snprintf(a->updated_by, sizeof a->updated_by, "%s", cc_stmt_text(s, 8));
		snprintf(a->updated_at, sizeof a->updated_at, "%s", cc_stmt_text(s, 9));
		digital_score(m, a->answers, &a->result);
	}
	cc_stmt_free(s);
	return rc < 0 ? rc : n;
}

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* One demo retrofit project of enterprise ID at maturity T, ending in or before YEAR. */
static int demo_retrofit(struct cc_store *st, uint64_t *r, int64_t id, int t, int year,
			 double cnc_now, struct cc_error *err)
{
	static const char *const titles[3] = {"余热回收与电机系统节能改造", "关键工序数控化改造",
					      "智能工厂建设（节能与数字化）"};
	int kind = assess_demo_u(r) < 0.35 ? 0 : assess_demo_u(r) < 0.75 ? 1 : 2;
	static const char *const kinds[3] = {"green", "intelligent", "both"};
	double u = assess_demo_u(r);
	const char *status = u < 0.5 ? "completed" : u < 0.85 ? "in_progress" : "planned";
	char start[40], end[40];
	int y0 = year - 1 - (int)(assess_demo_u(r) * 2);
	snprintf(start, sizeof start, "%04d-%02d-01", y0, 1 + (int)(assess_demo_u(r) * 12));
	snprintf(end, sizeof end, "%04d-%02d-28", y0 + 1, 1 + (int)(assess_demo_u(r) * 12));
	char provider[256] = "";
	struct cc_stmt *p =
		cc_stmt_cached(st,
			       "SELECT name FROM enterprises WHERE industry LIKE 'I65%' "
			       "ORDER BY id LIMIT 1 OFFSET ?1",
			       NULL);
	if (p) {
		cc_stmt_reset(p);
		cc_stmt_bind_int64(p, 1, (int64_t)(assess_demo_u(r) * 50));
		if (cc_stmt_step(p, NULL) == 1)
			snprintf(provider, sizeof provider, "%s", cc_stmt_text(p, 0));
		cc_stmt_reset(p);
	}
	struct retrofit x = {
		.enterprise_id = id,
		.title = titles[kind],
		.kind = kinds[kind],
		.status = status,
		.provider = provider,
		.start_date = start,
		.end_date = end,
		.investment = floor(200 + 3000 * assess_demo_u(r) * (1 + t)),
		.expected_saved = kind != 1 ? floor(50 + 800 * assess_demo_u(r)) : NAN,
		.measured_saved = NAN,
		.cnc_before = kind != 0 ? clamp01(cnc_now - 0.05 - 0.1 * assess_demo_u(r)) : NAN,
		.cnc_after = kind != 0 && !strcmp(status, "completed") ? cnc_now : NAN,
	};
	static const char *const caps[3] = {"energy_saving;energy_mgmt", "cnc;automation",
					    "smart_factory;iiot;energy_saving"};
	snprintf(x.capabilities, sizeof x.capabilities, "%s", caps[kind]);
	if (kind != 1 && !strcmp(status, "completed"))
		x.measured_saved = floor(x.expected_saved * (0.7 + 0.5 * assess_demo_u(r)));
	return retrofit_add(st, &x, "demo", NULL, err);
}

int digital_demo_fill(struct cc_store *st, const struct digital_model *m, uint64_t seed,
		      struct cc_error *err)
{
	uint64_t r = seed * 0x2545F4914F6CDD1Dull + 39116;
	int year = (int)cc_store_int(st,
				     "SELECT coalesce(max(period) / 100, 0) FROM indicators "
				     "WHERE period % 100 = 0",
				     0);
	struct cc_stmt *s = NULL;
	if (!year)
		return 0;
	int rc = cc_stmt_prepare(st, &s, "SELECT id, scale, founded FROM enterprises ORDER BY id",
				 err);
	if (rc)
		return rc;
	rc = cc_store_begin(st, err);
	while (rc == 0 && (rc = cc_stmt_step(s, err)) == 1) {
		rc = 0;
		const char *scale = cc_stmt_text(s, 1), *founded = cc_stmt_text(s, 2);
		/* Bigger and newer firms assess themselves more often and stand higher. */
		double base = !scale			 ? 1.2
			      : !strcmp(scale, "large")	 ? 3.0
			      : !strcmp(scale, "medium") ? 2.2
			      : !strcmp(scale, "small")	 ? 1.5
							 : 0.9;
		if (founded && strcmp(founded, "2012") > 0)
			base += 0.5;
		if (assess_demo_u(&r) > 0.25 + 0.1 * base)
			continue;
		int t = (int)floor(base + 1.2 * (assess_demo_u(&r) - 0.5) + 0.5);
		t = t < 0 ? 0 : t > DIGITAL_LEVELS ? DIGITAL_LEVELS : t;
		struct digital_assessment a;
		memset(&a, 0, sizeof a);
		a.year = year;
		for (int i = 0; i < m->nquestions; i++) {
			int l = m->q[i].level;
			double u = assess_demo_u(&r);
			a.answers[i] = l <= t	    ? (u < 0.7 ? 1 : 0.8)
				       : l == t + 1 ? (u < 0.5	 ? 0.5
						       : u < 0.8 ? 0.8
								 : 0)
						    : (u < 0.7 ? 0 : 0.5);
		}
		a.cnc_rate = clamp01(0.3 + 0.1 * t + 0.15 * (assess_demo_u(&r) - 0.5));
		a.rd_tool_rate = clamp01(0.5 + 0.09 * t + 0.2 * (assess_demo_u(&r) - 0.5));
		a.networking_rate = clamp01(0.2 + 0.12 * t + 0.2 * (assess_demo_u(&r) - 0.5));
		a.factory_5g = t >= 3 && assess_demo_u(&r) < 0.25;
		a.demonstration = t >= 4 && assess_demo_u(&r) < 0.3;
		a.lighthouse = t >= 5 && assess_demo_u(&r) < 0.3;
		rc = digital_save(st, m, cc_stmt_int64(s, 0), &a, "demo", err);
		/* A retrofit project for some (issue 16, item 5): the more digital, the likelier
		 * an intelligent one; a software firm as the solution provider when there is one.
		 */
		if (rc == 0 && assess_demo_u(&r) < 0.25)
			rc = demo_retrofit(st, &r, cc_stmt_int64(s, 0), t, year, a.cnc_rate, err);
	}
	cc_stmt_free(s);
	if (rc < 0) {
		cc_store_rollback(st);
		return rc;
	}
	return cc_store_commit(st, err);
}
