/*
 * The GB/T 36132-2018 green-factory self-assessment: the model from data/green/factory.json,
 * its scoring, the assessments per enterprise and year, and their JSON (see factory.h).
 */
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/slots.h"
#include "base/buf.h"
#include "base/builtin.h"
#include "base/jw.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "frame/frame.h"
#include "green/factory.h"

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

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
	m->id = jstr(root, "id");
	m->name_zh = jstr(root, "name_zh");
	m->name_en = jstr(root, "name_en");
	m->source = jstr(root, "source");
	m->note = jstr(root, "note");
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
		d->id = jstr(o, "id");
		d->name_zh = jstr(o, "name_zh");
		d->name_en = jstr(o, "name_en");
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
		struct gf_requirement *q = &m->r[m->nreqs];
		q->id = jstr(o, "id");
		q->text_zh = jstr(o, "text_zh");
		q->text_en = jstr(o, "text_en");
		const char *kind = jstr(o, "kind"), *ind = jstr(o, "indicator");
		json_t *pt = json_object_get(o, "points");
		q->points = json_is_number(pt) ? json_number_value(pt) : 1;
		q->kind = !strcmp(kind, "basic")       ? GF_BASIC
			  : !strcmp(kind, "mandatory") ? GF_MANDATORY
			  : !strcmp(kind, "optional")  ? GF_OPTIONAL
						       : (enum gf_kind) - 1;
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

static struct gf_model shared;
static struct cc_error shared_err;
static int shared_rc;
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;

static void load_shared(void)
{
	char *text = NULL;
	size_t len = 0;
	shared_rc = cc_data_read("green/factory.json", &text, &len);
	if (shared_rc) {
		cc_error_set(&shared_err, shared_rc, "cannot read 'green/factory.json'");
		return;
	}
	shared_rc = green_factory_model_parse(&shared, text, &shared_err);
	free(text);
}

const struct gf_model *green_factory_model_get(struct cc_error *err)
{
	pthread_once(&shared_once, load_shared);
	if (shared_rc) {
		if (err)
			*err = shared_err;
		return NULL;
	}
	return &shared;
}

int green_factory_req_find(const struct gf_model *m, const char *id, size_t n)
{
	for (int i = 0; i < m->nreqs; i++)
		if (strlen(m->r[i].id) == n && memcmp(m->r[i].id, id, n) == 0)
			return i;
	return -1;
}

static int met(double a)
{
	return isfinite(a) && a >= 1;
}

void green_factory_score(const struct gf_model *m, const double *answers, struct gf_result *r)
{
	double sum[GF_MAX_INDICATORS] = {0}, psum[GF_MAX_INDICATORS] = {0};
	memset(r, 0, sizeof *r);
	r->basic_met = r->mandatory_met = 1;
	for (int i = 0; i < m->nreqs; i++) {
		const struct gf_requirement *q = &m->r[i];
		if (q->kind == GF_BASIC) {
			r->basic_met &= met(answers[i]);
			continue;
		}
		if (q->kind == GF_MANDATORY)
			r->mandatory_met &= met(answers[i]);
		psum[q->indicator] += q->points;
		if (isfinite(answers[i]))
			sum[q->indicator] += q->points * answers[i];
	}
	for (int k = 0; k < m->nindicators; k++) {
		r->ind_score[k] = psum[k] > 0 ? 100 * sum[k] / psum[k] : 0;
		r->score += m->ind[k].weight * r->ind_score[k];
	}
	/* The weights sum to 1 within 1e-9: keep the total inside the scale. */
	r->score = r->score > 100 ? 100 : r->score;
	r->eligible = r->basic_met && r->mandatory_met &&
		      (!isfinite(m->pass_score) || r->score + 1e-9 >= m->pass_score);
	/* Gaps in the order that matters: the vetoes first. */
	for (int kind = GF_BASIC; kind <= GF_OPTIONAL; kind++)
		for (int i = 0; i < m->nreqs; i++)
			if ((int)m->r[i].kind == kind && !met(answers[i]))
				r->gaps[r->ngaps++] = i;
}

int green_factory_save(struct cc_store *st, const struct gf_model *m, int64_t id,
		       const struct gf_assessment *a, const char *actor, struct cc_error *err)
{
	struct cc_buf b = CC_BUF_INIT(1 << 16);
	struct gf_result r;
	struct cc_stmt *s = NULL;
	green_factory_score(m, a->answers, &r);
	cc_buf_putc(&b, '{');
	int first = 1;
	for (int i = 0; i < m->nreqs; i++)
		if (isfinite(a->answers[i])) {
			cc_buf_printf(&b, "%s\"%s\":", first ? "" : ",", m->r[i].id);
			cc_buf_num(&b, a->answers[i]);
			first = 0;
		}
	cc_buf_putc(&b, '}');
	int rc = cc_stmt_prepare(
		st, &s,
		"INSERT INTO green_factory_assessments(enterprise_id, year, answers, score, "
		"basic_met, eligible, updated_by) VALUES(?1,?2,?3,?4,?5,?6,?7) "
		"ON CONFLICT(enterprise_id, year) DO UPDATE SET answers = excluded.answers, "
		"score = excluded.score, basic_met = excluded.basic_met, "
		"eligible = excluded.eligible, updated_by = excluded.updated_by, "
		"updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')",
		err);
	if (rc == 0) {
		const char *who = actor ? actor : "cli";
		cc_stmt_bind_int64(s, 1, id);
		cc_stmt_bind_int64(s, 2, a->year);
		cc_stmt_bind_text(s, 3, cc_buf_str(&b), b.len);
		cc_stmt_bind_double(s, 4, r.score);
		cc_stmt_bind_int64(s, 5, r.basic_met);
		cc_stmt_bind_int64(s, 6, r.eligible);
		cc_stmt_bind_text(s, 7, who, strlen(who));
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	}
	cc_stmt_free(s);
	cc_buf_release(&b);
	return rc;
}

int green_factory_read(struct cc_store *st, const struct gf_model *m, int64_t id,
		       struct gf_assessment *out, int max, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
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
		for (int i = 0; i < GF_MAX_REQS; i++)
			a->answers[i] = NAN;
		json_t *j = json_loads(cc_stmt_text(s, 1), 0, NULL);
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v)
		{
			int q = green_factory_req_find(m, k, strlen(k));
			if (q >= 0 && json_is_number(v))
				a->answers[q] = json_number_value(v);
		}
		json_decref(j);
		snprintf(a->updated_by, sizeof a->updated_by, "%s", cc_stmt_text(s, 2));
		snprintf(a->updated_at, sizeof a->updated_at, "%s", cc_stmt_text(s, 3));
		green_factory_score(m, a->answers, &a->result);
	}
	cc_stmt_free(s);
	return rc < 0 ? rc : n;
}

static int answer_ok(const struct gf_model *m, double v)
{
	for (int k = 0; k < m->nanswers; k++)
		if (fabs(m->answers[k] - v) < 1e-12)
			return 1;
	return 0;
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
		if (!json_is_object(v))
			return cc_error_set(err, CC_EINVAL, "answers must be an object");
		const char *qk;
		json_t *qv;
		json_object_foreach(v, qk, qv)
		{
			snprintf(field, 96, "answers.%.80s", qk);
			int q = green_factory_req_find(m, qk, strlen(qk));
			if (q < 0)
				return cc_error_set(err, CC_EINVAL, "no requirement '%.80s'", qk);
			if (json_is_null(qv))
				continue;
			if (!json_is_number(qv) || !answer_ok(m, json_number_value(qv)))
				return cc_error_set(err, CC_EINVAL,
						    "an answer is 0 (not met), 0.5 (partly) or 1 "
						    "(met)");
			a->answers[q] = json_number_value(qv);
		}
	}
	field[0] = '\0';
	return 0;
}

static const char *kind_name(enum gf_kind k)
{
	return k == GF_BASIC ? "basic" : k == GF_MANDATORY ? "mandatory" : "optional";
}

void green_factory_write_model(struct cc_jw *w, const struct gf_model *m)
{
	cc_jw_object(w);
	cc_jw_kstr(w, "id", m->id);
	cc_jw_kstr(w, "name_zh", m->name_zh);
	cc_jw_kstr(w, "name_en", m->name_en);
	cc_jw_kstr(w, "source", m->source);
	cc_jw_kstr(w, "note", m->note);
	cc_jw_knum(w, "pass_score", m->pass_score);
	cc_jw_key(w, "verification");
	cc_jw_json(w, json_object_get((json_t *)m->json, "verification"));
	cc_jw_key(w, "answers");
	cc_jw_array(w);
	for (int k = 0; k < m->nanswers; k++)
		cc_jw_num(w, m->answers[k]);
	cc_jw_end(w);
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
		const struct gf_requirement *q = &m->r[i];
		cc_jw_object(w);
		cc_jw_kstr(w, "id", q->id);
		cc_jw_kstr(w, "indicator", q->indicator >= 0 ? m->ind[q->indicator].id : "basic");
		cc_jw_kstr(w, "kind", kind_name(q->kind));
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
		cc_jw_key(w, "answers");
		cc_jw_object(w);
		for (int i = 0; i < m->nreqs; i++)
			if (isfinite(x->answers[i]))
				cc_jw_knum(w, m->r[i].id, x->answers[i]);
		cc_jw_end(w);
		cc_jw_key(w, "gaps");
		cc_jw_array(w);
		for (int g = 0; g < r->ngaps; g++) {
			const struct gf_requirement *q = &m->r[r->gaps[g]];
			cc_jw_object(w);
			cc_jw_kstr(w, "id", q->id);
			cc_jw_kstr(w, "kind", kind_name(q->kind));
			cc_jw_kstr(w, "text_zh", q->text_zh);
			cc_jw_kstr(w, "text_en", q->text_en);
			cc_jw_knum(w, "answer", x->answers[r->gaps[g]]);
			cc_jw_end(w);
		}
		cc_jw_end(w);
		cc_jw_kstr(w, "updated_by", x->updated_by);
		cc_jw_kstr(w, "updated_at", x->updated_at);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_end(w);
}

/* One row of the roll-up. */
struct tally {
	int key, n, eligible, basic_failed;
	double score;
};

static void tally_add(struct tally *t, double score, int eligible, int basic_met)
{
	t->n++;
	t->eligible += eligible;
	t->basic_failed += !basic_met;
	t->score += score;
}

static void tally_write(struct cc_jw *w, const struct tally *t)
{
	cc_jw_kint(w, "assessed", t->n);
	cc_jw_kint(w, "eligible", t->eligible);
	cc_jw_kint(w, "basic_failed", t->basic_failed);
	cc_jw_knum(w, "mean_score", t->n ? t->score / t->n : NAN);
}

int green_factory_write_summary(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
				const struct gf_model *m, int year, int region, const uint8_t *only,
				struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	if (!cat)
		return CC_EINVAL;
	if (year <= 0)
		year = (int)cc_store_int(
			st, "SELECT coalesce(max(year), 0) FROM green_factory_assessments", 0);
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s,
				 "SELECT enterprise_id, score, eligible, basic_met FROM "
				 "green_factory_assessments WHERE year = ?1",
				 err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, year);
	struct tally all = {0}, *dist = NULL,
		     *chains = calloc((size_t)cat->nchains + 1, sizeof *chains);
	int nd = 0;
	struct cc_slots ds = {0}; /* the rows of dist by region */
	int *seen = malloc(sizeof *seen * (size_t)(cat->nchains + 1));
	if (!chains || !seen) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int i = cc_frame_of_id(f, cc_stmt_int64(s, 0));
		if (i < 0 || (region && !cc_region_within(f->region[i], region)) ||
		    (only && !only[i]))
			continue;
		double score = cc_stmt_double_nan(s, 1);
		int elig = (int)cc_stmt_int64(s, 2), basic = (int)cc_stmt_int64(s, 3);
		tally_add(&all, score, elig, basic);
		int k = cc_slots_row(&ds, f->region[i], (void **)&dist, sizeof *dist);
		if (k < 0) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		dist[k].key = f->region[i];
		nd = ds.n;
		tally_add(&dist[k], score, elig, basic);
		for (int c = 0; c < cat->nchains; c++)
			seen[c] = 0;
		for (int e = f->member_start[i]; e < f->member_start[i + 1]; e++) {
			int c = cat->nodes[f->member_node[e]].chain;
			if (!seen[c]++)
				tally_add(&chains[c], score, elig, basic);
		}
	}
	if (rc < 0)
		goto out;
	rc = 0;
	cc_jw_object(w);
	cc_jw_kint(w, "year", year);
	cc_jw_kint(w, "region", region);
	cc_jw_knum(w, "pass_score", m->pass_score);
	cc_jw_key(w, "totals");
	cc_jw_object(w);
	tally_write(w, &all);
	cc_jw_end(w);
	cc_jw_key(w, "districts");
	cc_jw_array(w);
	for (int k = 0; k < nd; k++) {
		const struct cc_region *rg = cc_region_find(dist[k].key);
		cc_jw_object(w);
		cc_jw_kint(w, "region", dist[k].key);
		cc_jw_kstr(w, "name", rg ? rg->name : "");
		cc_jw_kstr(w, "name_en", rg && rg->name_en ? rg->name_en : "");
		tally_write(w, &dist[k]);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_key(w, "chains");
	cc_jw_array(w);
	for (int c = 0; c < cat->nchains; c++) {
		if (!chains[c].n)
			continue;
		cc_jw_object(w);
		cc_jw_kstr(w, "chain", cat->chains[c].id);
		cc_jw_kstr(w, "name", cat->chains[c].name_zh);
		cc_jw_kstr(w, "name_en", cat->chains[c].name_en);
		tally_write(w, &chains[c]);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_end(w);
out:
	cc_stmt_free(s);
	free(dist);
	cc_slots_release(&ds);
	free(chains);
	free(seen);
	return rc;
}

/* splitmix64, for the demo's draws. */
static double demo_u(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
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
	int rc = cc_stmt_prepare(st, &s,
				 "SELECT e.id, e.scale, EXISTS(SELECT 1 FROM green_recognitions g "
				 "WHERE g.enterprise_id = e.id AND g.kind = 'green_factory') "
				 "FROM enterprises e ORDER BY e.id",
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
		if (!recognised && demo_u(&r) > (big ? 0.12 : 0.03))
			continue;
		double meet = recognised ? 0.97 : big ? 0.85 : 0.7;
		memset(&a, 0, sizeof a);
		a.year = year;
		for (int i = 0; i < m->nreqs; i++) {
			double u = demo_u(&r), p = m->r[i].kind == GF_OPTIONAL ? meet - 0.25 : meet;
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
