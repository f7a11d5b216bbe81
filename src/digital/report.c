/*
 * The maturity model's answers as JSON (see digital.h): the model, an enterprise's
 * assessments with gaps, the district and chain distribution of levels; and the parser of an
 * assessment sent as JSON (the API's body, the CLI's --answers file).
 */
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "digital/digital.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "frame/frame.h"

void digital_write_model(struct cc_jw *w, const struct digital_model *m)
{
	struct assess_def d = digital_def(m);
	cc_jw_object(w);
	assess_write_head(w, m->json);
	cc_jw_knum(w, "pass_mark", m->pass_mark);
	assess_write_scale(w, &d);
	cc_jw_key(w, "levels");
	cc_jw_array(w);
	for (int l = 1; l <= DIGITAL_LEVELS; l++) {
		cc_jw_object(w);
		cc_jw_kint(w, "level", l);
		cc_jw_kstr(w, "name_zh", m->level_zh[l] ? m->level_zh[l] : "");
		cc_jw_kstr(w, "name_en", m->level_en[l] ? m->level_en[l] : "");
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_key(w, "questions");
	cc_jw_array(w);
	for (int i = 0; i < m->nquestions; i++) {
		cc_jw_object(w);
		cc_jw_kstr(w, "id", m->q[i].id);
		cc_jw_kint(w, "level", m->q[i].level);
		cc_jw_kstr(w, "dimension", m->q[i].dimension);
		cc_jw_knum(w, "weight", m->q[i].weight);
		cc_jw_kstr(w, "text_zh", m->q[i].text_zh);
		cc_jw_kstr(w, "text_en", m->q[i].text_en);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_knum(w, "target_cnc_rate", m->target_cnc);
	cc_jw_knum(w, "target_rd_tool_rate", m->target_rd_tool);
	cc_jw_end(w);
}

static void level_names(struct cc_jw *w, const struct digital_model *m, int l)
{
	cc_jw_kstr(w, "level_zh", l >= 1 ? m->level_zh[l] : "未达到规划级");
	cc_jw_kstr(w, "level_en", l >= 1 ? m->level_en[l] : "Below Planned");
}

void digital_write_assessments(struct cc_jw *w, const struct digital_model *m, const char *uscc,
			       const char *name, const struct digital_assessment *a, int n)
{
	struct assess_def d = digital_def(m);
	cc_jw_object(w);
	cc_jw_kstr(w, "uscc", uscc);
	cc_jw_kstr(w, "name", name);
	cc_jw_key(w, "assessments");
	cc_jw_array(w);
	for (int k = 0; k < n; k++) {
		const struct digital_assessment *x = &a[k];
		const struct digital_result *r = &x->result;
		cc_jw_object(w);
		cc_jw_kint(w, "year", x->year);
		cc_jw_kint(w, "level", r->level);
		level_names(w, m, r->level);
		cc_jw_knum(w, "score", r->score);
		cc_jw_key(w, "level_scores");
		cc_jw_array(w);
		for (int l = 1; l <= DIGITAL_LEVELS; l++)
			cc_jw_num(w, r->level_score[l]);
		cc_jw_end(w);
		assess_write_answers(w, &d, x->answers);
		if (r->level < DIGITAL_LEVELS) {
			cc_jw_kint(w, "next_level", r->level + 1);
			cc_jw_kstr(w, "next_level_zh", m->level_zh[r->level + 1]);
			cc_jw_kstr(w, "next_level_en", m->level_en[r->level + 1]);
		}
		assess_write_gaps(w, &d, r->gaps, r->ngaps, x->answers, NULL);
		cc_jw_knum(w, "cnc_rate", x->cnc_rate);
		cc_jw_knum(w, "rd_tool_rate", x->rd_tool_rate);
		cc_jw_knum(w, "networking_rate", x->networking_rate);
		cc_jw_knum(w, "target_cnc_rate", m->target_cnc);
		cc_jw_knum(w, "target_rd_tool_rate", m->target_rd_tool);
		cc_jw_kbool(w, "factory_5g", x->factory_5g);
		cc_jw_kbool(w, "demonstration", x->demonstration);
		cc_jw_kbool(w, "lighthouse", x->lighthouse);
		cc_jw_kstr(w, "updated_by", x->updated_by);
		cc_jw_kstr(w, "updated_at", x->updated_at);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_end(w);
}

/* One assessment of the distribution: its level, the indicators and the recognitions. */
struct row {
	int level;
	double rates[3];
	int flags[3];
};

/* One row of the distribution: counts by level, the indicators' sums and counts. */
struct tally {
	int n, levels[DIGITAL_LEVELS + 1];
	double cnc, rd, net;
	int ncnc, nrd, nnet, f5g, demo, light;
};

static int row_read(struct cc_stmt *s, void *value)
{
	struct row *x = value;
	x->level = (int)cc_stmt_int64(s, 1);
	if (x->level < 0 || x->level > DIGITAL_LEVELS)
		return 0;
	for (int k = 0; k < 3; k++) {
		x->rates[k] = cc_stmt_double_nan(s, 2 + k);
		x->flags[k] = (int)cc_stmt_int64(s, 5 + k);
	}
	return 1;
}

static void tally_add(void *tally, const void *value)
{
	struct tally *t = tally;
	const struct row *x = value;
	const double *rates = x->rates;
	t->n++;
	t->levels[x->level]++;
	if (isfinite(rates[0]))
		t->cnc += rates[0], t->ncnc++;
	if (isfinite(rates[1]))
		t->rd += rates[1], t->nrd++;
	if (isfinite(rates[2]))
		t->net += rates[2], t->nnet++;
	t->f5g += x->flags[0];
	t->demo += x->flags[1];
	t->light += x->flags[2];
}

static void tally_write(struct cc_jw *w, const void *tally)
{
	const struct tally *t = tally;
	cc_jw_kint(w, "assessed", t->n);
	cc_jw_key(w, "levels");
	cc_jw_array(w);
	for (int l = 0; l <= DIGITAL_LEVELS; l++)
		cc_jw_int(w, t->levels[l]);
	cc_jw_end(w);
	cc_jw_knum(w, "cnc_rate", t->ncnc ? t->cnc / t->ncnc : NAN);
	cc_jw_knum(w, "rd_tool_rate", t->nrd ? t->rd / t->nrd : NAN);
	cc_jw_knum(w, "networking_rate", t->nnet ? t->net / t->nnet : NAN);
	cc_jw_kint(w, "factory_5g", t->f5g);
	cc_jw_kint(w, "demonstration", t->demo);
	cc_jw_kint(w, "lighthouse", t->light);
}

static void summary_head(struct cc_jw *w, const void *model)
{
	const struct digital_model *m = model;
	cc_jw_key(w, "level_names");
	cc_jw_array(w);
	for (int l = 0; l <= DIGITAL_LEVELS; l++) {
		cc_jw_object(w);
		cc_jw_kint(w, "level", l);
		level_names(w, m, l);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_knum(w, "target_cnc_rate", m->target_cnc);
	cc_jw_knum(w, "target_rd_tool_rate", m->target_rd_tool);
}

static const struct assess_rollup rollup = {
	.latest_sql = "SELECT coalesce(max(year), 0) FROM maturity_assessments",
	.rows_sql = "SELECT enterprise_id, level, cnc_rate, rd_tool_rate, networking_rate, "
		    "factory_5g, demonstration, lighthouse FROM maturity_assessments "
		    "WHERE year = ?1",
	.value_size = sizeof(struct row),
	.tally_size = sizeof(struct tally),
	.read = row_read,
	.add = tally_add,
	.write = tally_write,
	.head = summary_head,
};

int digital_write_summary(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			  const struct digital_model *m, int year, int region, const uint8_t *only,
			  struct cc_error *err)
{
	return assess_rollup_write(w, st, f, &rollup, m, year, region, only, err);
}

static int rate(json_t *v, double *out)
{
	if (!v || json_is_null(v)) {
		*out = NAN;
		return 0;
	}
	if (!json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return *out >= 0 && *out <= 1 ? 0 : -1;
}

int digital_parse_body(const struct digital_model *m, const void *body,
		       struct digital_assessment *a, char *field, struct cc_error *err)
{
	json_t *o = (json_t *)body;
	const char *k;
	json_t *v;
	for (int i = 0; i < DIGITAL_MAX_QUESTIONS; i++)
		a->answers[i] = NAN;
	a->cnc_rate = a->rd_tool_rate = a->networking_rate = NAN;
	a->factory_5g = a->demonstration = a->lighthouse = 0;
	if (!json_is_object(o)) {
		snprintf(field, 96, "%s", "");
		return cc_error_set(err, CC_EINVAL, "the body must be a JSON object");
	}
	json_object_foreach(o, k, v)
	{
		snprintf(field, 96, "%s", k);
		if (!strcmp(k, "answers")) {
			struct assess_def d = digital_def(m);
			int rc = assess_body_answers(&d, v, a->answers, field, "question",
						     "an answer is one of 0, 0.5, 0.8, 1", err);
			if (rc)
				return rc;
		} else if (!strcmp(k, "cnc_rate") || !strcmp(k, "rd_tool_rate") ||
			   !strcmp(k, "networking_rate")) {
			double *dst = !strcmp(k, "cnc_rate")	   ? &a->cnc_rate
				      : !strcmp(k, "rd_tool_rate") ? &a->rd_tool_rate
								   : &a->networking_rate;
			if (rate(v, dst))
				return cc_error_set(err, CC_EINVAL,
						    "%s is a rate between 0 and 1 (or null)", k);
		} else if (!strcmp(k, "factory_5g") || !strcmp(k, "demonstration") ||
			   !strcmp(k, "lighthouse")) {
			if (!json_is_boolean(v))
				return cc_error_set(err, CC_EINVAL, "%s is true or false", k);
			int *dst = !strcmp(k, "factory_5g")	 ? &a->factory_5g
				   : !strcmp(k, "demonstration") ? &a->demonstration
								 : &a->lighthouse;
			*dst = json_is_true(v);
		} else {
			return cc_error_set(err, CC_EINVAL, "unknown field '%.80s'", k);
		}
	}
	field[0] = '\0';
	return 0;
}

/* ---- digital_std: the hooks the routes and the CLI call ---- */

ASSESS_STD_HOOKS(digital)

_Static_assert(offsetof(struct digital_assessment, year) == 0,
	       "assess_std: a record starts with its year");

const struct assess_std digital_std = {
	.cli = "digital",
	.audit = "digital.assess",
	.record_size = sizeof(struct digital_assessment),
	.zh_model = "无法加载成熟度模型",
	.zh_read = "成熟度自评读取失败",
	.zh_invalid = "自评内容无效",
	.zh_save = "成熟度自评保存失败",
	.zh_summary = "成熟度汇总失败",
	ASSESS_STD_HOOKS_INIT(digital),
};
