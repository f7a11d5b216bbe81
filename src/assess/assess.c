/*
 * The self-assessment engine (see assess.h): scoring, loading once, answers as stored and as
 * sent, the JSON pieces alike in both standards, and the roll-up by district and chain.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "assess/assess.h"
#include "base/buf.h"
#include "base/builtin.h"
#include "base/jw.h"
#include "base/slots.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "frame/frame.h"
#include "store/store.h"

int assess_met(double a)
{
	return isfinite(a) && a >= 1;
}

int assess_find(const struct assess_item *item, int nitems, const char *id, size_t n)
{
	for (int i = 0; i < nitems; i++)
		if (strlen(item[i].id) == n && memcmp(item[i].id, id, n) == 0)
			return i;
	return -1;
}

int assess_answer_ok(const struct assess_def *d, double v)
{
	for (int k = 0; k < d->nanswers; k++)
		if (fabs(d->answers[k] - v) < 1e-12)
			return 1;
	return 0;
}

/* LADDER: the highest level reached with every lower one (a level without items counts as
 * passed: it cannot hold an enterprise back); gaps = the next level's items not met. */
static void ladder(const struct assess_def *d, const double *wsum, const double *answers,
		   struct assess_result *r)
{
	const struct assess_scheme *sc = &d->sc;
	for (int l = 1; l <= sc->ngroups; l++) {
		if (r->group_score[l] + 1e-12 < sc->pass && wsum[l] > 0)
			break;
		r->level = l;
	}
	r->score = r->level + (r->level < sc->ngroups ? r->group_score[r->level + 1] : 0);
	r->pass = r->level >= 1;
	if (r->level < sc->ngroups)
		for (int i = 0; i < d->nitems; i++)
			if (d->item[i].group == r->level + 1 && !assess_met(answers[i]))
				r->gaps[r->ngaps++] = i;
}

/* WEIGHTED: Σ group weight × group score, kept inside the scale (the weights sum to 1 within
 * rounding); gaps = every item not met, kind by kind (the vetoes first when they come
 * first). */
static void weighted(const struct assess_def *d, const double *answers, struct assess_result *r)
{
	const struct assess_scheme *sc = &d->sc;
	for (int k = 0; k < sc->ngroups; k++)
		r->score += sc->group_weight[k] * r->group_score[k];
	r->score = r->score > sc->scale ? sc->scale : r->score;
	r->pass = r->pass && (!isfinite(sc->pass) || r->score + 1e-9 >= sc->pass);
	for (int kind = 0; kind < sc->nkinds; kind++)
		for (int i = 0; i < d->nitems; i++)
			if (d->item[i].kind == kind && !assess_met(answers[i]))
				r->gaps[r->ngaps++] = i;
}

void assess_score(const struct assess_def *d, const double *answers, struct assess_result *r)
{
	double sum[ASSESS_MAX_GROUPS + 1] = {0}, wsum[ASSESS_MAX_GROUPS + 1] = {0};
	const struct assess_scheme *sc = &d->sc;
	int lo = sc->rule == ASSESS_LADDER, hi = sc->ngroups + lo; /* groups [lo, hi) */
	memset(r, 0, sizeof *r);
	for (int k = 0; k < ASSESS_MAX_KINDS; k++)
		r->met[k] = 1;
	for (int i = 0; i < d->nitems; i++) {
		const struct assess_item *q = &d->item[i];
		r->met[q->kind] &= assess_met(answers[i]);
		if (q->group < lo || q->group >= hi)
			continue;
		wsum[q->group] += q->weight;
		if (isfinite(answers[i]))
			sum[q->group] += q->weight * answers[i];
	}
	for (int g = lo; g < hi; g++)
		r->group_score[g] = wsum[g] > 0 ? sc->scale * sum[g] / wsum[g] : 0;
	r->pass = 1;
	for (int k = 0; k < ASSESS_MAX_KINDS; k++)
		if (sc->veto & (1u << k))
			r->pass &= r->met[k];
	if (sc->rule == ASSESS_LADDER)
		ladder(d, wsum, answers, r);
	else
		weighted(d, answers, r);
}

const void *assess_once_get(struct assess_once *o, struct cc_error *err)
{
	if (!__atomic_load_n(&o->done, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&o->mu);
		if (!o->done) {
			char *text = NULL;
			size_t len = 0;
			o->rc = cc_data_read(o->path, &text, &len);
			if (o->rc)
				cc_error_set(&o->err, o->rc, "cannot read '%s'", o->path);
			else
				o->rc = o->parse(o->model, text, &o->err);
			free(text);
			__atomic_store_n(&o->done, 1, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&o->mu);
	}
	if (o->rc) {
		if (err)
			*err = o->err;
		return NULL;
	}
	return o->model;
}

const char *assess_jstr(const void *o, const char *key)
{
	const char *s = json_string_value(json_object_get((const json_t *)o, key));
	return s ? s : "";
}

void assess_answers_put(struct cc_buf *b, const struct assess_def *d, const double *answers)
{
	cc_buf_putc(b, '{');
	int first = 1;
	for (int i = 0; i < d->nitems; i++)
		if (isfinite(answers[i])) {
			cc_buf_printf(b, "%s\"%s\":", first ? "" : ",", d->item[i].id);
			cc_buf_num(b, answers[i]);
			first = 0;
		}
	cc_buf_putc(b, '}');
}

void assess_answers_get(const struct assess_def *d, const char *text, double *answers, int max)
{
	for (int i = 0; i < max; i++)
		answers[i] = NAN;
	json_t *j = json_loads(text, 0, NULL);
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v)
	{
		int q = assess_find(d->item, d->nitems, k, strlen(k));
		if (q >= 0 && json_is_number(v))
			answers[q] = json_number_value(v);
	}
	json_decref(j);
}

int assess_body_answers(const struct assess_def *d, const void *v, double *answers, char *field,
			const char *what, const char *bad, struct cc_error *err)
{
	const char *qk;
	json_t *qv;
	if (!json_is_object((const json_t *)v))
		return cc_error_set(err, CC_EINVAL, "answers must be an object");
	json_object_foreach((json_t *)v, qk, qv)
	{
		snprintf(field, 96, "answers.%.80s", qk);
		int q = assess_find(d->item, d->nitems, qk, strlen(qk));
		if (q < 0)
			return cc_error_set(err, CC_EINVAL, "no %s '%.80s'", what, qk);
		if (json_is_null(qv))
			continue;
		if (!json_is_number(qv) || !assess_answer_ok(d, json_number_value(qv)))
			return cc_error_set(err, CC_EINVAL, "%s", bad);
		answers[q] = json_number_value(qv);
	}
	return 0;
}

void assess_write_head(struct cc_jw *w, const void *root)
{
	static const char *const keys[] = {"id", "name_zh", "name_en", "source", "note"};
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		cc_jw_kstr(w, keys[k], assess_jstr(root, keys[k]));
}

void assess_write_scale(struct cc_jw *w, const struct assess_def *d)
{
	cc_jw_key(w, "answers");
	cc_jw_array(w);
	for (int k = 0; k < d->nanswers; k++)
		cc_jw_num(w, d->answers[k]);
	cc_jw_end(w);
}

void assess_write_answers(struct cc_jw *w, const struct assess_def *d, const double *answers)
{
	cc_jw_key(w, "answers");
	cc_jw_object(w);
	for (int i = 0; i < d->nitems; i++)
		if (isfinite(answers[i]))
			cc_jw_knum(w, d->item[i].id, answers[i]);
	cc_jw_end(w);
}

void assess_write_gaps(struct cc_jw *w, const struct assess_def *d, const int *gaps, int ngaps,
		       const double *answers, const char *const *kinds)
{
	cc_jw_key(w, "gaps");
	cc_jw_array(w);
	for (int g = 0; g < ngaps; g++) {
		const struct assess_item *q = &d->item[gaps[g]];
		cc_jw_object(w);
		cc_jw_kstr(w, "id", q->id);
		if (kinds)
			cc_jw_kstr(w, "kind", kinds[q->kind]);
		cc_jw_kstr(w, "text_zh", q->text_zh);
		cc_jw_kstr(w, "text_en", q->text_en);
		cc_jw_knum(w, "answer", answers[gaps[g]]);
		cc_jw_end(w);
	}
	cc_jw_end(w);
}

/* Row K of the SIZE-byte rows at ROWS. */
static void *row_at(void *rows, size_t size, int k)
{
	return (char *)rows + size * (size_t)k;
}

int assess_rollup_write(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			const struct assess_rollup *ru, const void *model, int year, int region,
			const uint8_t *only, struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	if (!cat)
		return CC_EINVAL;
	if (year <= 0)
		year = (int)cc_store_int(st, ru->latest_sql, 0);
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s, ru->rows_sql, err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, year);
	size_t ts = ru->tally_size;
	void *all = calloc(1, ts), *value = calloc(1, ru->value_size), *dist = NULL;
	void *chains = calloc((size_t)cat->nchains + 1, ts);
	int *chain_n = calloc((size_t)cat->nchains + 1, sizeof *chain_n);
	struct cc_slots ds = {0}; /* the rows of dist by region */
	int32_t *dkey = NULL;	  /* each row's region (cc_slots_keys) */
	int *seen = malloc(sizeof *seen * (size_t)(cat->nchains + 1));
	if (!all || !value || !chains || !chain_n || !seen) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int i = cc_frame_of_id(f, cc_stmt_int64(s, 0));
		if (i < 0 || (region && !cc_region_within(f->region[i], region)) ||
		    (only && !only[i]) || !ru->read(s, value))
			continue;
		ru->add(all, value);
		int k = cc_slots_row(&ds, f->region[i], &dist, ts);
		if (k < 0) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		ru->add(row_at(dist, ts, k), value);
		for (int c = 0; c < cat->nchains; c++)
			seen[c] = 0;
		for (int e = f->member_start[i]; e < f->member_start[i + 1]; e++) {
			int c = cat->nodes[f->member_node[e]].chain;
			if (!seen[c]++) {
				ru->add(row_at(chains, ts, c), value);
				chain_n[c]++;
			}
		}
	}
	if (rc < 0)
		goto out;
	rc = 0;
	dkey = malloc(sizeof *dkey * (size_t)(ds.n + 1));
	if (!dkey) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	cc_slots_keys(&ds, dkey);
	cc_jw_object(w);
	cc_jw_kint(w, "year", year);
	cc_jw_kint(w, "region", region);
	ru->head(w, model);
	cc_jw_key(w, "totals");
	cc_jw_object(w);
	ru->write(w, all);
	cc_jw_end(w);
	cc_jw_key(w, "districts");
	cc_jw_array(w);
	for (int k = 0; k < ds.n; k++) {
		const struct cc_region *rg = cc_region_find(dkey[k]);
		cc_jw_object(w);
		cc_jw_kint(w, "region", dkey[k]);
		cc_jw_kstr(w, "name", rg ? rg->name : "");
		cc_jw_kstr(w, "name_en", rg && rg->name_en ? rg->name_en : "");
		ru->write(w, row_at(dist, ts, k));
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_key(w, "chains");
	cc_jw_array(w);
	for (int c = 0; c < cat->nchains; c++) {
		if (!chain_n[c])
			continue;
		cc_jw_object(w);
		cc_jw_kstr(w, "chain", cat->chains[c].id);
		cc_jw_kstr(w, "name", cat->chains[c].name_zh);
		cc_jw_kstr(w, "name_en", cat->chains[c].name_en);
		ru->write(w, row_at(chains, ts, c));
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_end(w);
out:
	cc_stmt_free(s);
	free(all);
	free(value);
	free(dist);
	free(dkey);
	cc_slots_release(&ds);
	free(chains);
	free(chain_n);
	free(seen);
	return rc;
}

double assess_demo_u(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}
