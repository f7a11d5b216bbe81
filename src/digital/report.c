/*
 * The maturity model's answers as JSON (see digital.h): the model, an enterprise's
 * assessments with gaps, the district and chain distribution of levels; and the parser of an
 * assessment sent as JSON (the API's body, the CLI's --answers file).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/slots.h"
#include "base/jw.h"
#include "digital/digital.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "frame/frame.h"

void digital_write_model(struct cc_jw *w, const struct digital_model *m)
{
	cc_jw_object(w);
	cc_jw_kstr(w, "id", m->id);
	cc_jw_kstr(w, "name_zh", m->name_zh);
	cc_jw_kstr(w, "name_en", m->name_en);
	cc_jw_kstr(w, "source", m->source);
	cc_jw_kstr(w, "note", m->note);
	cc_jw_knum(w, "pass_mark", m->pass_mark);
	cc_jw_key(w, "answers");
	cc_jw_array(w);
	for (int k = 0; k < m->nanswers; k++)
		cc_jw_num(w, m->answers[k]);
	cc_jw_end(w);
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
		cc_jw_key(w, "answers");
		cc_jw_object(w);
		for (int i = 0; i < m->nquestions; i++)
			if (isfinite(x->answers[i]))
				cc_jw_knum(w, m->q[i].id, x->answers[i]);
		cc_jw_end(w);
		if (r->level < DIGITAL_LEVELS) {
			cc_jw_kint(w, "next_level", r->level + 1);
			cc_jw_kstr(w, "next_level_zh", m->level_zh[r->level + 1]);
			cc_jw_kstr(w, "next_level_en", m->level_en[r->level + 1]);
		}
		cc_jw_key(w, "gaps");
		cc_jw_array(w);
		for (int g = 0; g < r->ngaps; g++) {
			const struct digital_question *q = &m->q[r->gaps[g]];
			cc_jw_object(w);
			cc_jw_kstr(w, "id", q->id);
			cc_jw_kstr(w, "text_zh", q->text_zh);
			cc_jw_kstr(w, "text_en", q->text_en);
			cc_jw_knum(w, "answer", x->answers[r->gaps[g]]);
			cc_jw_end(w);
		}
		cc_jw_end(w);
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

/* One row of the distribution: counts by level, the indicators' sums and counts. */
struct tally {
	int key;
	int n, levels[DIGITAL_LEVELS + 1];
	double cnc, rd, net;
	int ncnc, nrd, nnet, f5g, demo, light;
};

static void tally_add(struct tally *t, int level, const double *rates, const int *flags)
{
	t->n++;
	t->levels[level]++;
	if (isfinite(rates[0]))
		t->cnc += rates[0], t->ncnc++;
	if (isfinite(rates[1]))
		t->rd += rates[1], t->nrd++;
	if (isfinite(rates[2]))
		t->net += rates[2], t->nnet++;
	t->f5g += flags[0];
	t->demo += flags[1];
	t->light += flags[2];
}

static void tally_write(struct cc_jw *w, const struct tally *t)
{
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

int digital_write_summary(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			  const struct digital_model *m, int year, int region, const uint8_t *only,
			  struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	if (!cat)
		return CC_EINVAL;
	if (year <= 0)
		year = (int)cc_store_int(
			st, "SELECT coalesce(max(year), 0) FROM maturity_assessments", 0);
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(
		st, &s,
		"SELECT enterprise_id, level, cnc_rate, rd_tool_rate, networking_rate, "
		"factory_5g, demonstration, lighthouse FROM maturity_assessments "
		"WHERE year = ?1",
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
		int level = (int)cc_stmt_int64(s, 1);
		if (level < 0 || level > DIGITAL_LEVELS)
			continue;
		double rates[3] = {cc_stmt_double_nan(s, 2), cc_stmt_double_nan(s, 3),
				   cc_stmt_double_nan(s, 4)};
		int flags[3] = {(int)cc_stmt_int64(s, 5), (int)cc_stmt_int64(s, 6),
				(int)cc_stmt_int64(s, 7)};
		tally_add(&all, level, rates, flags);
		int k = cc_slots_row(&ds, f->region[i], (void **)&dist, sizeof *dist);
		if (k < 0) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		dist[k].key = f->region[i];
		nd = ds.n;
		tally_add(&dist[k], level, rates, flags);
		for (int c = 0; c < cat->nchains; c++)
			seen[c] = 0;
		for (int e = f->member_start[i]; e < f->member_start[i + 1]; e++) {
			int c = cat->nodes[f->member_node[e]].chain;
			if (!seen[c]++)
				tally_add(&chains[c], level, rates, flags);
		}
	}
	if (rc < 0)
		goto out;
	rc = 0;
	cc_jw_object(w);
	cc_jw_kint(w, "year", year);
	cc_jw_kint(w, "region", region);
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
			const char *qk;
			json_t *qv;
			if (!json_is_object(v))
				return cc_error_set(err, CC_EINVAL, "answers must be an object");
			json_object_foreach(v, qk, qv)
			{
				snprintf(field, 96, "answers.%.80s", qk);
				int q = digital_question_find(m, qk, strlen(qk));
				if (q < 0)
					return cc_error_set(err, CC_EINVAL, "no question '%.80s'",
							    qk);
				if (json_is_null(qv))
					continue;
				if (!json_is_number(qv) ||
				    !digital_answer_ok(m, json_number_value(qv)))
					return cc_error_set(err, CC_EINVAL,
							    "an answer is one of 0, 0.5, 0.8, 1");
				a->answers[q] = json_number_value(qv);
			}
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
