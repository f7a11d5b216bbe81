/*
 * The GB/T 36132-2018 green-factory self-assessment: the model from data/green/factory.json,
 * its scoring, the assessments per enterprise and year, and their JSON (see factory.h).
 */
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/builtin.h"
#include "base/jw.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "frame/frame.h"
#include "green/factory.h"
#include "store/dialect.h"

static int find_indicator(const struct gf_model *m, const char *id)
{
	for (int k = 0; k < m->nindicators; k++)
		if (!strcmp(m->ind[k].id, id))
			return k;
	return -1;
}

int green_factory_model_parse(struct gf_model *m, const char *text, struct cc_error *err)
{
	json_error_t je;
	int rc = 0;
	memset(m, 0, sizeof *m);
	json_t *root = json_loads(text, 0, &je);
	if (!root)
		return cc_error_set(err, CC_EPARSE, "factory.json: line %d: %s", je.line, je.text);
	m->json = root;
	json_t *ps = json_object_get(root, "pass_score");
	m->pass_score = json_is_number(ps) ? json_number_value(ps) : NAN;
	if (json_is_number(ps) && !(m->pass_score >= 0 && m->pass_score <= 100)) {
		rc = cc_error_set(err, CC_EPARSE, "factory.json: pass_score must be 0-100 or null");
		goto out;
	}
	json_t *ans = json_object_get(root, "answers");
	int has_one = 0;
	for (size_t i = 0; i < json_array_size(ans); i++) {
		double v = json_number_value(json_array_get(ans, i));
		if (!(v >= 0 && v <= 1) || m->nanswers == GF_MAX_ANSWERS) {
			rc = cc_error_set(err, CC_EPARSE,
					  "factory.json: answers: at most %d values in [0, 1]",
					  GF_MAX_ANSWERS);
			goto out;
		}
		has_one |= v == 1;
		m->answers[m->nanswers++] = v;
	}
	if (!has_one) {
		rc = cc_error_set(err, CC_EPARSE, "factory.json: answers must include 1 (met)");
		goto out;
	}
	json_t *inds = json_object_get(root, "indicators");
	double wsum = 0;
	for (size_t i = 0; i < json_array_size(inds); i++) {
		json_t *o = json_array_get(inds, i);
		if (m->nindicators == GF_MAX_INDICATORS) {
			rc = cc_error_set(err, CC_EPARSE, "factory.json: more than %d indicators",
					  GF_MAX_INDICATORS);
			goto out;
		}
		struct gf_indicator *d = &m->ind[m->nindicators];
		d->id = assess_jstr(o, "id");
		d->name_zh = assess_jstr(o, "name_zh");
		d->name_en = assess_jstr(o, "name_en");
		json_t *w = json_object_get(o, "weight");
		d->weight = json_is_number(w) ? json_number_value(w) : NAN;
		if (!*d->id || !strcmp(d->id, "basic") || find_indicator(m, d->id) >= 0 ||
		    !(d->weight > 0 && d->weight <= 1)) {
			rc = cc_error_set(
				err, CC_EPARSE,
				"factory.json: indicator %zu needs a new id (not 'basic') "
				"and a weight in (0, 1]",
				i + 1);
			goto out;
		}
		wsum += d->weight;
		m->nindicators++;
	}
	if (!m->nindicators || fabs(wsum - 1) > 1e-9) {
		rc = cc_error_set(err, CC_EPARSE,
				  "factory.json: the indicators' weights sum to %g, not 1", wsum);
		goto out;
	}
	json_t *rs = json_object_get(root, "requirements");
	int per[GF_MAX_INDICATORS] = {0};
	for (size_t i = 0; i < json_array_size(rs); i++) {
		json_t *o = json_array_get(rs, i);
		if (m->nreqs == GF_MAX_REQS) {
			rc = cc_error_set(err, CC_EPARSE, "factory.json: more than %d requirements",
					  GF_MAX_REQS);
			goto out;
		}
		struct assess_item *q = &m->r[m->nreqs];
		q->id = assess_jstr(o, "id");
		q->text_zh = assess_jstr(o, "text_zh");
		q->text_en = assess_jstr(o, "text_en");
		const char *kind = assess_jstr(o, "kind"), *ind = assess_jstr(o, "indicator");
		json_t *pt = json_object_get(o, "points");
		q->points = json_is_number(pt) ? json_number_value(pt) : 1;
		q->kind = !strcmp(kind, "basic")       ? GF_BASIC
			  : !strcmp(kind, "mandatory") ? GF_MANDATORY
			  : !strcmp(kind, "optional")  ? GF_OPTIONAL
						       : GF_NONE;
		q->indicator = q->kind == GF_BASIC ? -1 : find_indicator(m, ind);
		int bad_ind = q->kind == GF_BASIC ? strcmp(ind, "basic") != 0 : q->indicator < 0;
		if (!*q->id || (int)q->kind < 0 || bad_ind || !(q->points > 0) ||
		    green_factory_req_find(m, q->id, strlen(q->id)) >= 0) {
			rc = cc_error_set(err, CC_EPARSE,
					  "factory.json: requirement %zu ('%.40s') needs a new id, "
					  "kind basic (indicator 'basic') or mandatory / optional "
					  "of a listed indicator, and points above 0",
					  i + 1, q->id);
			goto out;
		}
		if (q->indicator >= 0)
			per[q->indicator]++;
		m->nreqs++;
	}
	for (int k = 0; k < m->nindicators; k++)
		if (!per[k]) {
			rc = cc_error_set(err, CC_EPARSE,
					  "factory.json: indicator '%s' has no requirements",
					  m->ind[k].id);
			goto out;
		}
out:
	if (rc)
		green_factory_model_release(m);
	return rc;
}

void green_factory_model_release(struct gf_model *m)
{
	if (!m)
		return;
	json_decref(m->json);
	memset(m, 0, sizeof *m);
}

/* green_factory_model_parse as assess_once calls it. */
static int parse_any(void *m, const char *text, struct cc_error *err)
{
	return green_factory_model_parse(m, text, err);
}

static struct gf_model shared;
static struct assess_once once = ASSESS_ONCE("green/factory.json", parse_any, &shared);

const struct gf_model *green_factory_model_get(struct cc_error *err)
{
	return assess_once_get(&once, err);
}

/*
 * GB/T 36132-2018 §4 (基本要求) and §5-§6 (评价指标, 权重): the basic requirements are
 * prerequisites, not scored; the mandatory (必选) requirements must all be met; an indicator's
 * score is 100 × its requirements' points-weighted mean; the total is the indicators'
 * weighted sum; the model's pass_score, when set, is the total to reach.
 */
struct assess_def green_factory_def(const struct gf_model *m)
{
	struct assess_def d = {
		.item = m->r,
		.nitems = m->nreqs,
		.answers = m->answers,
		.nanswers = m->nanswers,
		.sc = {.rule = ASSESS_WEIGHTED,
		       .ngroups = m->nindicators,
		       .scale = 100,
		       .pass = m->pass_score,
		       .veto = 1u << GF_BASIC | 1u << GF_MANDATORY,
		       .nkinds = GF_OPTIONAL + 1},
	};
	for (int k = 0; k < m->nindicators; k++)
		d.sc.group_weight[k] = m->ind[k].weight;
	return d;
}

int green_factory_req_find(const struct gf_model *m, const char *id, size_t n)
{
	return assess_find(m->r, m->nreqs, id, n);
}

void green_factory_score(const struct gf_model *m, const double *answers, struct gf_result *r)
{
	struct assess_def d = green_factory_def(m);
	struct assess_result x;
	assess_score(&d, answers, &x);
	memset(r, 0, sizeof *r);
	r->basic_met = x.met[GF_BASIC];
	r->mandatory_met = x.met[GF_MANDATORY];
	r->eligible = x.pass;
	r->score = x.score;
	memcpy(r->ind_score, x.group_score, sizeof r->ind_score);
	r->ngaps = x.ngaps;
	memcpy(r->gaps, x.gaps, sizeof *r->gaps * (size_t)x.ngaps);
}

int green_factory_save(struct cc_store *st, const struct gf_model *m, int64_t id,
		       const struct gf_assessment *a, const char *actor, struct cc_error *err)
{
	struct cc_buf b = CC_BUF_INIT(1 << 16);
	struct gf_result r;
	struct assess_def d = green_factory_def(m);
	green_factory_score(m, a->answers, &r);
	assess_answers_put(&b, &d, a->answers);
	static const char sql[] =
		"INSERT INTO green_factory_assessments(enterprise_id, year, answers, score, "
		"basic_met, eligible, updated_by) VALUES(?1,?2,?3,?4,?5,?6,?7) "
		"ON CONFLICT(enterprise_id, year) DO UPDATE SET answers = excluded.answers, "
		"score = excluded.score, basic_met = excluded.basic_met, "
		"eligible = excluded.eligible, updated_by = excluded.updated_by, "
		"updated_at = ?8";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	int rc = s ? 0 : CC_EDB;
	if (rc == 0) {
		const char *who = actor ? actor : "cli";
		cc_stmt_bind_int64(s, 1, id);
		cc_stmt_bind_int64(s, 2, a->year);
		cc_stmt_bind_text(s, 3, cc_buf_str(&b), b.len);
		cc_stmt_bind_double(s, 4, r.score);
		cc_stmt_bind_int64(s, 5, r.basic_met);
		cc_stmt_bind_int64(s, 6, r.eligible);
		cc_stmt_bind_text(s, 7, who, strlen(who));
		cc_stmt_bind_now(s, 8);
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
		cc_stmt_reset(s);
	}
	cc_buf_release(&b);
	return rc;
}

int green_factory_read(struct cc_store *st, const struct gf_model *m, int64_t id,
		       struct gf_assessment *out, int max, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	struct assess_def d = green_factory_def(m);
	int n = 0, rc = cc_stmt_prepare(st, &s,
					"SELECT year, answers, updated_by, updated_at FROM "
					"green_factory_assessments WHERE enterprise_id = ?1 "
					"ORDER BY year",
					err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, id);
	while (n < max && (rc = cc_stmt_step(s, err)) == 1) {
		struct gf_assessment *a = &out[n++];
		memset(a, 0, sizeof *a);
		a->year = (int)cc_stmt_int64(s, 0);
		assess_answers_get(&d, cc_stmt_text(s, 1), a->answers, GF_MAX_REQS);
		snprintf(a->updated_by, sizeof a->updated_by, "%s", cc_stmt_text(s, 2));
		snprintf(a->updated_at, sizeof a->updated_at, "%s", cc_stmt_text(s, 3));
		green_factory_score(m, a->answers, &a->result);
	}
	cc_stmt_free(s);
	return rc < 0 ? rc : n;
}

int green_factory_parse_body(const struct gf_model *m, const void *body, struct gf_assessment *a,
			     char *field, struct cc_error *err)
{
	json_t *o = (json_t *)body;
	const char *k;
	json_t *v;
	for (int i = 0; i < GF_MAX_REQS; i++)
		a->answers[i] = NAN;
	field[0] = '\0';
	if (!json_is_object(o))
		return cc_error_set(err, CC_EINVAL, "the body must be a JSON object");
	json_object_foreach(o, k, v)
	{
		snprintf(field, 96, "%.80s", k);
		if (strcmp(k, "answers"))
			return cc_error_set(err, CC_EINVAL, "unknown field '%.80s'", k);
		struct assess_def d = green_factory_def(m);
		int rc = assess_body_answers(&d, v, a->answers, field, "requirement",
					     "an answer is 0 (not met), 0.5 (partly) or 1 (met)",
					     err);
		if (rc)
			return rc;
	}
	field[0] = '\0';
	return 0;
}

static const char *const kind_names[] = {"basic", "mandatory", "optional"};

void green_factory_write_model(struct cc_jw *w, const struct gf_model *m)
{
	struct assess_def d = green_factory_def(m);
	cc_jw_object(w);
	assess_write_head(w, m->json);
	cc_jw_knum(w, "pass_score", m->pass_score);
	cc_jw_key(w, "verification");
	cc_jw_json(w, json_object_get((json_t *)m->json, "verification"));
	assess_write_scale(w, &d);
	cc_jw_key(w, "indicators");
	cc_jw_array(w);
	for (int k = 0; k < m->nindicators; k++) {
		cc_jw_object(w);
		cc_jw_kstr(w, "id", m->ind[k].id);
		cc_jw_kstr(w, "name_zh", m->ind[k].name_zh);
		cc_jw_kstr(w, "name_en", m->ind[k].name_en);
		cc_jw_knum(w, "weight", m->ind[k].weight);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_key(w, "requirements");
	cc_jw_array(w);
	for (int i = 0; i < m->nreqs; i++) {
		const struct assess_item *q = &m->r[i];
		cc_jw_object(w);
		cc_jw_kstr(w, "id", q->id);
		cc_jw_kstr(w, "indicator", q->indicator >= 0 ? m->ind[q->indicator].id : "basic");
		cc_jw_kstr(w, "kind", kind_names[q->kind]);
		cc_jw_knum(w, "points", q->points);
		cc_jw_kstr(w, "text_zh", q->text_zh);
		cc_jw_kstr(w, "text_en", q->text_en);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_end(w);
}

void green_factory_write_assessments(struct cc_jw *w, const struct gf_model *m, const char *uscc,
				     const char *name, const struct gf_assessment *a, int n)
{
	struct assess_def d = green_factory_def(m);
	cc_jw_object(w);
	cc_jw_kstr(w, "uscc", uscc);
	cc_jw_kstr(w, "name", name);
	cc_jw_knum(w, "pass_score", m->pass_score);
	cc_jw_key(w, "assessments");
	cc_jw_array(w);
	for (int k = 0; k < n; k++) {
		const struct gf_assessment *x = &a[k];
		const struct gf_result *r = &x->result;
		cc_jw_object(w);
		cc_jw_kint(w, "year", x->year);
		cc_jw_kbool(w, "eligible", r->eligible);
		cc_jw_kbool(w, "basic_met", r->basic_met);
		cc_jw_kbool(w, "mandatory_met", r->mandatory_met);
		cc_jw_knum(w, "score", r->score);
		cc_jw_key(w, "indicators");
		cc_jw_array(w);
		for (int d = 0; d < m->nindicators; d++) {
			cc_jw_object(w);
			cc_jw_kstr(w, "id", m->ind[d].id);
			cc_jw_kstr(w, "name_zh", m->ind[d].name_zh);
			cc_jw_kstr(w, "name_en", m->ind[d].name_en);
			cc_jw_knum(w, "weight", m->ind[d].weight);
			cc_jw_knum(w, "score", r->ind_score[d]);
			cc_jw_end(w);
		}
		cc_jw_end(w);
		assess_write_answers(w, &d, x->answers);
		assess_write_gaps(w, &d, r->gaps, r->ngaps, x->answers, kind_names);
		cc_jw_kstr(w, "updated_by", x->updated_by);
		cc_jw_kstr(w, "updated_at", x->updated_at);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_end(w);
}

/* One assessment of the roll-up. */
struct row {
	double score;
	int eligible, basic_met;
};

/* One row of the roll-up. */
struct tally {
	int n, eligible, basic_failed;
	double score;
};

static int row_read(struct cc_stmt *s, void *value)
{
	struct row *x = value;
	x->score = cc_stmt_double_nan(s, 1);
	x->eligible = (int)cc_stmt_int64(s, 2);
	x->basic_met = (int)cc_stmt_int64(s, 3);
	return 1;
}

static void tally_add(void *tally, const void *value)
{
	struct tally *t = tally;
	const struct row *x = value;
	t->n++;
	t->eligible += x->eligible;
	t->basic_failed += !x->basic_met;
	t->score += x->score;
}

static void tally_write(struct cc_jw *w, const void *tally)
{
	const struct tally *t = tally;
	cc_jw_kint(w, "assessed", t->n);
	cc_jw_kint(w, "eligible", t->eligible);
	cc_jw_kint(w, "basic_failed", t->basic_failed);
	cc_jw_knum(w, "mean_score", t->n ? t->score / t->n : NAN);
}

static void summary_head(struct cc_jw *w, const void *model)
{
	cc_jw_knum(w, "pass_score", ((const struct gf_model *)model)->pass_score);
}

static const struct assess_rollup rollup = {
	.latest_sql = "SELECT coalesce(max(year), 0) FROM green_factory_assessments",
	.rows_sql = "SELECT enterprise_id, score, eligible, basic_met FROM "
		    "green_factory_assessments WHERE year = ?1",
	.value_size = sizeof(struct row),
	.tally_size = sizeof(struct tally),
	.read = row_read,
	.add = tally_add,
	.write = tally_write,
	.head = summary_head,
};

int green_factory_write_summary(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
				const struct gf_model *m, int year, int region, const uint8_t *only,
				struct cc_error *err)
{
	return assess_rollup_write(w, st, f, &rollup, m, year, region, only, err);
}

int green_factory_demo_fill(struct cc_store *st, const struct gf_model *m, uint64_t seed,
			    struct cc_error *err)
{
	uint64_t r = seed * 0x2545F4914F6CDD1Dull + 36132;
	int year = (int)cc_store_int(st,
				     "SELECT coalesce(max(period) / 100, 0) FROM indicators "
				     "WHERE period % 100 = 0",
				     0);
	struct cc_stmt *s = NULL;
	if (!year)
		return 0;
	int rc = cc_stmt_prepare(
		st, &s,
		"SELECT e.id, e.scale, CASE WHEN EXISTS(SELECT 1 FROM "
		"green_recognitions g WHERE g.enterprise_id = e.id AND g.kind = "
		"'green_factory') THEN 1 ELSE 0 END FROM enterprises e ORDER BY e.id",
		err);
	if (rc)
		return rc;
	rc = cc_store_begin(st, err);
	static struct gf_assessment a;
	while (rc == 0 && (rc = cc_stmt_step(s, err)) == 1) {
		rc = 0;
		const char *scale = cc_stmt_text(s, 1);
		int recognised = (int)cc_stmt_int64(s, 2);
		int big = scale && (!strcmp(scale, "large") || !strcmp(scale, "medium"));
		/* Recognised green factories assess themselves; of the rest, bigger firms more
		 * often, and they meet more of the requirements. */
		if (!recognised && assess_demo_u(&r) > (big ? 0.12 : 0.03))
			continue;
		double meet = recognised ? 0.97 : big ? 0.85 : 0.7;
		memset(&a, 0, sizeof a);
		a.year = year;
		for (int i = 0; i < m->nreqs; i++) {
			double u = assess_demo_u(&r),
			       p = m->r[i].kind == GF_OPTIONAL ? meet - 0.25 : meet;
			a.answers[i] = u < p ? 1 : u < p + (1 - p) / 2 ? 0.5 : 0;
		}
		rc = green_factory_save(st, m, cc_stmt_int64(s, 0), &a, "demo", err);
	}
	cc_stmt_free(s);
	if (rc < 0) {
		cc_store_rollback(st);
		return rc;
	}
	return cc_store_commit(st, err);
}

/* ---- green_factory_std: the hooks the routes and the CLI call ---- */

ASSESS_STD_HOOKS(green_factory)

_Static_assert(offsetof(struct gf_assessment, year) == 0,
	       "assess_std: a record starts with its year");

const struct assess_std green_factory_std = {
	.cli = "green",
	.audit = "green.factory_assess",
	.record_size = sizeof(struct gf_assessment),
	.zh_model = "无法加载绿色工厂评价模型",
	.zh_read = "绿色工厂自评读取失败",
	.zh_invalid = "绿色工厂自评内容无效",
	.zh_save = "绿色工厂自评保存失败",
	.zh_summary = "绿色工厂自评汇总失败",
	ASSESS_STD_HOOKS_INIT(green_factory),
};
