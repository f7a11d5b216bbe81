/*
 * The green module's answers as JSON (one writer for `chainchief green … --format json` and the
 * API's /api/v1/green/… routes): the factors, an enterprise's account against its industry,
 * industry benchmarks, the laggard screen with reasons in Chinese and English, and the page's
 * summary (roll-ups by district and chain, quartiles by industry division, the carbon trend).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "base/buf.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "green/green.h"

static void write_group(struct cc_jw *w, const struct green_group *gr)
{
	cc_jw_object(w);
	cc_jw_kstr(w, "code", gr->code);
	const struct cc_industry *ind = cc_industry_find(gr->code);
	cc_jw_kstr(w, "name", ind ? ind->name : "");
	char en[256] = "";
	if (ind)
		cc_industry_name_en(ind, en, sizeof en);
	cc_jw_kstr(w, "name_en", en);
	cc_jw_kint(w, "level", gr->level);
	cc_jw_kint(w, "n", gr->n);
	cc_jw_kbool(w, "small", gr->small);
	cc_jw_knum(w, "min", gr->min);
	cc_jw_knum(w, "q1", gr->q1);
	cc_jw_knum(w, "median", gr->median);
	cc_jw_knum(w, "q3", gr->q3);
	cc_jw_knum(w, "p90", gr->p90);
	cc_jw_knum(w, "max", gr->max);
	cc_jw_end(w);
}

void green_write_factors(struct cc_jw *w, const struct green_factors *g)
{
	cc_jw_object(w);
	cc_jw_kstr(w, "tce_source", g->tce_source);
	cc_jw_kstr(w, "co2_source", g->co2_source);
	cc_jw_kstr(w, "basis", g->basis_note);
	cc_jw_key(w, "carriers");
	cc_jw_array(w);
	for (int c = 0; c < g->ncarriers; c++) {
		const struct green_carrier *k = &g->carriers[c];
		cc_jw_object(w);
		cc_jw_kstr(w, "id", k->id);
		cc_jw_kstr(w, "name_zh", k->name_zh);
		cc_jw_kstr(w, "name_en", k->name_en);
		cc_jw_kstr(w, "unit", k->unit);
		cc_jw_kbool(w, "energy", k->energy);
		cc_jw_knum(w, "kgce", k->kgce);
		cc_jw_kstr(w, "kgce_source", k->kgce_source);
		cc_jw_kbool(w, "verified", k->verified);
		if (k->grid)
			cc_jw_kstr(w, "co2", "grid");
		else
			cc_jw_knum(w, "co2_kg", k->co2_kg);
		cc_jw_kstr(w, "co2_source", k->co2_source);
		cc_jw_key(w, "units");
		cc_jw_object(w);
		for (int u = 0; u < k->nunits; u++)
			cc_jw_knum(w, k->units[u].name, k->units[u].mult);
		cc_jw_end(w);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_key(w, "grid");
	cc_jw_object(w);
	cc_jw_kstr(w, "source", g->grid_source);
	cc_jw_key(w, "checks");
	cc_jw_json(w, json_object_get(json_object_get((json_t *)g->json, "grid"), "checks"));
	cc_jw_key(w, "national");
	cc_jw_object(w);
	for (int i = 0; i < g->grid.n; i++) {
		char y[8];
		snprintf(y, sizeof y, "%d", g->grid.year[i]);
		cc_jw_knum(w, y, g->grid.v[i]);
	}
	cc_jw_end(w);
	cc_jw_kint(w, "provinces", g->nprovinces);
	cc_jw_key(w, "by_province");
	cc_jw_object(w);
	for (int p = 0; p < g->nprovinces; p++) {
		char code[8];
		snprintf(code, sizeof code, "%02d", g->province[p]);
		cc_jw_key(w, code);
		cc_jw_object(w);
		for (int i = 0; i < g->grid_province[p].n; i++) {
			char y[8];
			snprintf(y, sizeof y, "%d", g->grid_province[p].year[i]);
			cc_jw_knum(w, y, g->grid_province[p].v[i]);
		}
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_end(w);
	cc_jw_key(w, "equal_value");
	cc_jw_object(w);
	cc_jw_kstr(w, "source", g->equal_source);
	for (int i = 0; i < g->equal_value.n; i++) {
		char y[8];
		snprintf(y, sizeof y, "%d", g->equal_value.year[i]);
		cc_jw_knum(w, y, g->equal_value.v[i]);
	}
	cc_jw_end(w);
	cc_jw_kint(w, "min_group", g->min_group);
	cc_jw_knum(w, "worst_decile", g->worst_decile);
	cc_jw_end(w);
}

int green_write_account(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			const struct green_factors *g, int i, struct cc_error *err)
{
	struct green_account acc;
	int rc = green_account_read(st, g, f->id[i], f->region[i], &acc, err);
	if (rc)
		return rc;
	cc_jw_object(w);
	cc_jw_kstr(w, "uscc", f->uscc[i]);
	cc_jw_kstr(w, "name", f->name[i]);
	cc_jw_kstr(w, "industry", f->industry[i] ? f->industry[i] : "");
	cc_jw_kint(w, "region", f->region[i]);
	cc_jw_key(w, "years");
	cc_jw_array(w);
	for (int k = 0; k < acc.n && rc == 0; k++) {
		const struct green_year *y = &acc.years[k];
		cc_jw_object(w);
		cc_jw_kint(w, "year", y->year);
		cc_jw_kbool(w, "from_carriers", y->carriers > 0);
		cc_jw_knum(w, "tce", y->tce);
		cc_jw_knum(w, "tce_equal", y->tce_equal);
		cc_jw_knum(w, "tce_renewable", y->tce_renewable);
		cc_jw_knum(w, "co2", y->co2);
		cc_jw_knum(w, "water", y->water);
		cc_jw_knum(w, "output_value", y->output_value);
		cc_jw_knum(w, "value_added", y->value_added);
		cc_jw_knum(w, "energy_per_output", y->energy_per_output);
		cc_jw_knum(w, "energy_per_va", y->energy_per_va);
		cc_jw_knum(w, "carbon_per_output", y->carbon_per_output);
		cc_jw_knum(w, "carbon_per_va", y->carbon_per_va);
		cc_jw_knum(w, "tce_yoy", y->tce_yoy);
		cc_jw_knum(w, "co2_yoy", y->co2_yoy);
		cc_jw_knum(w, "energy_per_output_yoy", y->energy_per_output_yoy);
		cc_jw_knum(w, "carbon_per_output_yoy", y->carbon_per_output_yoy);
		if (y->carriers) {
			cc_jw_knum(w, "grid_factor", y->grid_factor);
			cc_jw_kstr(w, "grid_scope", y->grid_provincial ? "province" : "national");
			cc_jw_kint(w, "grid_year", y->grid_year);
			cc_jw_key(w, "carriers");
			cc_jw_array(w);
			for (int c = 0; c < g->ncarriers; c++) {
				if (!isfinite(y->qty[c]))
					continue;
				cc_jw_object(w);
				cc_jw_kstr(w, "id", g->carriers[c].id);
				cc_jw_kstr(w, "name_zh", g->carriers[c].name_zh);
				cc_jw_kstr(w, "name_en", g->carriers[c].name_en);
				cc_jw_knum(w, "quantity", y->qty[c]);
				cc_jw_kstr(w, "unit", g->carriers[c].unit);
				cc_jw_knum(w, "tce", y->tce_by[c]);
				cc_jw_knum(w, "co2", y->co2_by[c]);
				cc_jw_end(w);
			}
			cc_jw_end(w);
		}
		/* Where the year's energy intensity stands in the industry. */
		const double *col = cc_frame_annual(f, CC_M_ENERGY_INTENSITY, y->year);
		if (col && isfinite(col[i])) {
			struct green_ranking r;
			rc = green_rank(f->industry, col, f->n, g->min_group, &r, err);
			if (rc == 0 && r.group[i] >= 0) {
				cc_jw_knum(w, "percentile", r.pct[i]);
				cc_jw_key(w, "benchmark");
				write_group(w, &r.groups[r.group[i]]);
			}
			green_ranking_release(&r);
		}
		cc_jw_end(w);
	}
	cc_jw_end(w);
	if (rc == 0) {
		cc_jw_key(w, "recognitions");
		rc = green_write_recognitions(w, st, f->id[i], err);
	}
	cc_jw_end(w);
	green_account_release(&acc);
	return rc;
}

static int cmp_group_n(const void *a, const void *b)
{
	const struct green_group *x = *(const struct green_group *const *)a;
	const struct green_group *y = *(const struct green_group *const *)b;
	if (x->n != y->n)
		return y->n - x->n;
	return strcmp(x->code, y->code);
}

/*
 * The values of METRIC ("energy" or "carbon") in YEAR per frame enterprise into V (f->n): the
 * frame's energy intensity, or CO2 from the carriers over output value.
 */
int green_metric_column(struct cc_store *st, const struct cc_frame *f,
			const struct green_factors *g, const char *metric, int year, double *v,
			struct cc_error *err)
{
	if (!strcmp(metric, "energy")) {
		const double *col = cc_frame_annual(f, CC_M_ENERGY_INTENSITY, year);
		for (int i = 0; i < f->n; i++)
			v[i] = col ? col[i] : NAN;
		return 0;
	}
	if (strcmp(metric, "carbon") != 0)
		return cc_error_set(err, CC_EINVAL, "metric must be energy or carbon");
	int rc = green_co2_column(st, f, g, year, v, err);
	const double *out = cc_frame_annual(f, CC_M_OUTPUT_VALUE, year);
	for (int i = 0; rc == 0 && i < f->n; i++)
		v[i] = out && isfinite(v[i]) && isfinite(out[i]) && out[i] > 0 ? v[i] / out[i]
									       : NAN;
	return rc;
}

int green_write_benchmarks(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			   const struct green_factors *g, int year, const char *metric,
			   const char *industry, int limit, struct cc_error *err)
{
	double *v = malloc(sizeof *v * (size_t)(f->n ? f->n : 1));
	struct green_ranking r;
	const struct green_group **order = NULL;
	if (!v)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	int rc = green_metric_column(st, f, g, metric, year, v, err);
	if (rc == 0)
		rc = green_rank(f->industry, v, f->n, g->min_group, &r, err);
	if (rc) {
		free(v);
		return rc;
	}
	order = malloc(sizeof *order * (size_t)(r.ngroups ? r.ngroups : 1));
	if (!order) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	int ng = 0;
	size_t il = industry ? strlen(industry) : 0;
	for (int k = 0; k < r.ngroups; k++)
		if (!il || strncmp(r.groups[k].code, industry, il) == 0)
			order[ng++] = &r.groups[k];
	qsort(order, (size_t)ng, sizeof *order, cmp_group_n);
	int ranked = 0;
	for (int i = 0; i < f->n; i++)
		ranked += r.group[i] >= 0;
	cc_jw_object(w);
	cc_jw_kint(w, "year", year);
	cc_jw_kstr(w, "metric", metric);
	cc_jw_kstr(w, "unit", !strcmp(metric, "energy") ? "tce/10k CNY" : "tCO2/10k CNY");
	cc_jw_kint(w, "ranked", ranked);
	cc_jw_kint(w, "min_group", g->min_group);
	cc_jw_kint(w, "groups_total", ng);
	cc_jw_key(w, "groups");
	cc_jw_array(w);
	for (int k = 0; k < ng && k < limit; k++)
		write_group(w, order[k]);
	cc_jw_end(w);
	/* With one industry asked for, its enterprises from the most intensive down. */
	if (il) {
		cc_jw_key(w, "enterprises");
		cc_jw_array(w);
		int *idx = malloc(sizeof *idx * (size_t)(f->n ? f->n : 1));
		int m = 0;
		for (int i = 0; idx && i < f->n; i++)
			if (r.group[i] >= 0 && f->industry[i] &&
			    strncmp(f->industry[i], industry, il) == 0)
				idx[m++] = i;
		/* Selection by percentile, descending (small lists: insertion). */
		for (int a = 1; a < m; a++) {
			int x = idx[a], b = a;
			while (b > 0 && (v[idx[b - 1]] < v[x] ||
					 (v[idx[b - 1]] == v[x] && idx[b - 1] > x))) {
				idx[b] = idx[b - 1];
				b--;
			}
			idx[b] = x;
			if (a > 4 * limit)
				break;
		}
		for (int k = 0; k < m && k < limit; k++) {
			int i = idx[k];
			cc_jw_object(w);
			cc_jw_kstr(w, "uscc", f->uscc[i]);
			cc_jw_kstr(w, "name", f->name[i]);
			cc_jw_kstr(w, "industry", f->industry[i]);
			cc_jw_knum(w, "value", v[i]);
			cc_jw_knum(w, "percentile", r.pct[i]);
			cc_jw_kstr(w, "group", r.groups[r.group[i]].code);
			cc_jw_end(w);
		}
		free(idx);
		cc_jw_end(w);
	}
	cc_jw_end(w);
out:
	free(order);
	free(v);
	green_ranking_release(&r);
	return rc;
}

/* The reasons of flag FL as {id, reason_zh, reason_en, value, threshold} objects. */
static void write_reasons(struct cc_jw *w, const struct cc_frame *f, const struct green_screen *s,
			  const struct green_factors *g, const struct green_flag *fl)
{
	char zh[512], en[512];
	struct criteria_result r;
	criteria_eval_one(&s->set, f, fl->i, s->year, NULL, s->margin, &r);
	cc_jw_key(w, "reasons");
	cc_jw_array(w);
	for (int k = 0; k < r.nclauses; k++) {
		const struct criteria_clause_result *c = &r.clauses[k];
		int show = fl->near ? (c->truth == EXPR_FALSE && c->relaxed == EXPR_TRUE)
				    : c->truth == EXPR_TRUE;
		if (!show)
			continue;
		cc_jw_object(w);
		cc_jw_kstr(w, "id", c->clause->id);
		char parts[256] = "";
		size_t u = 0;
		for (int p = 0; p < c->nparts && u + 64 < sizeof parts; p++) {
			char a[40], b[40];
			cc_num_format(c->parts[p].value, 4, a, sizeof a);
			cc_num_format(c->parts[p].threshold, 4, b, sizeof b);
			u += (size_t)snprintf(parts + u, sizeof parts - u, "%s%s %s %s",
					      p ? "; " : "", a[0] ? a : "?",
					      expr_op_name(c->parts[p].op), b[0] ? b : "?");
		}
		if (fl->near) {
			snprintf(zh, sizeof zh, "接近：%s（%s，差 %.1f%%）", c->clause->label_zh,
				 parts, 100 * c->rel_gap);
			snprintf(en, sizeof en, "Near: %s (%s, %.1f%% short)", c->clause->label_en,
				 parts, 100 * c->rel_gap);
		} else {
			snprintf(zh, sizeof zh, "%s（%s）", c->clause->label_zh, parts);
			snprintf(en, sizeof en, "%s (%s)", c->clause->label_en, parts);
		}
		cc_jw_kstr(w, "reason_zh", zh);
		cc_jw_kstr(w, "reason_en", en);
		cc_jw_kstr(w, "source", c->clause->source);
		cc_jw_end(w);
	}
	if (fl->by_flags) {
		const struct green_flagset *fs = green_flagset_get(NULL);
		for (int k = 0; fs && k < s->nrecords; k++) {
			const struct green_record *r = &s->records[k];
			if (r->i != fl->i)
				continue;
			const struct green_flagkind *kd = &fs->k[r->kind];
			snprintf(zh, sizeof zh, "%s%s%s%s%s", kd->name_zh,
				 *r->description ? "：" : "", r->description,
				 *r->source ? "，" : "", r->source);
			snprintf(en, sizeof en, "%s%s%s%s%s", kd->name_en,
				 *r->description ? ": " : "", r->description,
				 *r->source ? ", " : "", r->source);
			cc_jw_object(w);
			cc_jw_kstr(w, "id", kd->id);
			cc_jw_kstr(w, "reason_zh", zh);
			cc_jw_kstr(w, "reason_en", en);
			cc_jw_kstr(w, "source", kd->source);
			cc_jw_end(w);
		}
	}
	if (fl->by_decile) {
		const struct green_group *gr = &s->rank.groups[fl->group];
		snprintf(
			zh, sizeof zh,
			"单位产值能耗处于行业（%s，%d 家）最差的 %.0f%%（分位 %.2f；行业 P90 %.4g）",
			gr->code, gr->n, 100 * (1 - g->worst_decile), fl->pct, gr->p90);
		snprintf(en, sizeof en,
			 "Energy intensity in the worst %.0f%% of its industry (%s, %d firms; "
			 "percentile %.2f; industry P90 %.4g)",
			 100 * (1 - g->worst_decile), gr->code, gr->n, fl->pct, gr->p90);
		cc_jw_object(w);
		cc_jw_kstr(w, "id", "worst_decile");
		cc_jw_kstr(w, "reason_zh", zh);
		cc_jw_kstr(w, "reason_en", en);
		cc_jw_kstr(w, "source", "data/green/factors.json benchmark.worst_decile");
		cc_jw_end(w);
	}
	cc_jw_end(w);
}

void green_write_screen(struct cc_jw *w, const struct cc_frame *f, const struct green_screen *s,
			const struct green_factors *g, int region, const uint8_t *only, int limit)
{
	cc_jw_object(w);
	cc_jw_kint(w, "year", s->year);
	cc_jw_knum(w, "margin", s->margin);
	cc_jw_kstr(w, "set", s->set.id);
	cc_jw_kstr(w, "source", s->set.source);
	int nf = 0, nn = 0;
	for (int k = 0; k < s->n; k++) {
		const struct green_flag *fl = &s->flags[k];
		if ((region && !cc_region_within(f->region[fl->i], region)) ||
		    (only && !only[fl->i]))
			continue;
		nf += !fl->near;
		nn += fl->near;
	}
	cc_jw_kint(w, "flagged", nf);
	cc_jw_kint(w, "near", nn);
	cc_jw_key(w, "items");
	cc_jw_array(w);
	int shown = 0;
	for (int k = 0; k < s->n && shown < limit; k++) {
		const struct green_flag *fl = &s->flags[k];
		int i = fl->i;
		if ((region && !cc_region_within(f->region[i], region)) || (only && !only[i]))
			continue;
		shown++;
		cc_jw_object(w);
		cc_jw_kstr(w, "uscc", f->uscc[i]);
		cc_jw_kstr(w, "name", f->name[i]);
		cc_jw_kint(w, "region", f->region[i]);
		cc_jw_kstr(w, "industry", f->industry[i] ? f->industry[i] : "");
		cc_jw_kstr(w, "status", fl->near ? "near" : "flagged");
		cc_jw_knum(w, "intensity", fl->intensity);
		cc_jw_knum(w, "percentile", fl->pct);
		cc_jw_kstr(w, "group", fl->group >= 0 ? s->rank.groups[fl->group].code : "");
		write_reasons(w, f, s, g, fl);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_end(w);
}

static void write_rollup(struct cc_jw *w, const struct green_rollup *rows, int n, int by_chain)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	cc_jw_array(w);
	for (int k = 0; k < n; k++) {
		const struct green_rollup *r = &rows[k];
		if (!r->firms)
			continue;
		cc_jw_object(w);
		if (by_chain) {
			cc_jw_kstr(w, "chain", cat->chains[r->key].id);
			cc_jw_kstr(w, "name", cat->chains[r->key].name_zh);
			cc_jw_kstr(w, "name_en", cat->chains[r->key].name_en);
		} else {
			const struct cc_region *rg = cc_region_find(r->key);
			cc_jw_kint(w, "region", r->key);
			cc_jw_kstr(w, "name", rg ? rg->name : "");
			cc_jw_kstr(w, "name_en", rg && rg->name_en ? rg->name_en : "");
		}
		cc_jw_kint(w, "firms", r->firms);
		cc_jw_knum(w, "tce", r->tce);
		cc_jw_knum(w, "output_value", r->output);
		cc_jw_knum(w, "co2", r->co2);
		cc_jw_knum(w, "intensity", r->intensity);
		cc_jw_knum(w, "carbon_intensity", r->carbon_intensity);
		cc_jw_kint(w, "flagged", r->flagged);
		cc_jw_end(w);
	}
	cc_jw_end(w);
}

int green_write_summary(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			const struct green_factors *g, int year, int region, const uint8_t *only,
			struct cc_error *err)
{
	struct green_screen s;
	struct green_rollup *rows = NULL;
	double *co2 = malloc(sizeof *co2 * (size_t)(f->n ? f->n : 1));
	uint8_t *flagged = calloc((size_t)(f->n ? f->n : 1), 1);
	int rc = 0;
	memset(&s, 0, sizeof s);
	if (!co2 || !flagged) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	rc = green_screen_run(st, f, g, year, 0.1, &s, err);
	if (rc)
		goto out;
	year = s.year;
	for (int k = 0; k < s.n; k++)
		flagged[s.flags[k].i] = !s.flags[k].near;
	rc = green_co2_column(st, f, g, year, co2, err);
	if (rc)
		goto out;
	if (region)
		for (int i = 0; i < f->n; i++)
			if (!cc_region_within(f->region[i], region)) {
				co2[i] = NAN;
				flagged[i] = 0;
			}
	cc_jw_object(w);
	cc_jw_kint(w, "year", year);
	cc_jw_kint(w, "region", region);
	/* By district: the region codes of the scope. */
	int n = green_rollup_run(f, year, co2, flagged, 0, only, &rows);
	if (n < 0) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	int flagged_total = 0, firms = 0;
	double tce = 0, outv = 0, c2 = 0, out_c2 = 0;
	int kept = 0;
	for (int k = 0; k < n; k++)
		if (!region || cc_region_within(rows[k].key, region)) {
			rows[kept++] = rows[k];
			flagged_total += rows[k].flagged;
			firms += rows[k].firms;
			tce += rows[k].tce;
			outv += rows[k].output;
			if (isfinite(rows[k].co2)) {
				c2 += rows[k].co2;
				out_c2 += rows[k].output_with_co2;
			}
		}
	cc_jw_key(w, "totals");
	cc_jw_object(w);
	cc_jw_kint(w, "firms", firms);
	cc_jw_knum(w, "tce", tce);
	cc_jw_knum(w, "output_value", outv);
	cc_jw_knum(w, "intensity", outv > 0 ? tce / outv : NAN);
	cc_jw_knum(w, "co2", out_c2 > 0 ? c2 : NAN);
	cc_jw_knum(w, "carbon_intensity", out_c2 > 0 ? c2 / out_c2 : NAN);
	cc_jw_kint(w, "flagged", flagged_total);
	cc_jw_end(w);
	cc_jw_key(w, "districts");
	write_rollup(w, rows, kept, 0);
	free(rows);
	rows = NULL;
	n = green_rollup_run(f, year, co2, flagged, 1, only, &rows);
	if (n < 0) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	cc_jw_key(w, "chains");
	write_rollup(w, rows, n, 1);
	/* Quartiles by division (2 digits), the largest 12. */
	{
		char **div = malloc(sizeof *div * (size_t)(f->n ? f->n : 1));
		char(*buf)[4] = malloc(sizeof *buf * (size_t)(f->n ? f->n : 1));
		double *v = malloc(sizeof *v * (size_t)(f->n ? f->n : 1));
		struct green_ranking r;
		memset(&r, 0, sizeof r);
		if (!div || !buf || !v) {
			free(div);
			free(buf);
			free(v);
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		const double *col = cc_frame_annual(f, CC_M_ENERGY_INTENSITY, year);
		for (int i = 0; i < f->n; i++) {
			div[i] = NULL;
			v[i] = NAN;
			if (!f->industry[i] || strlen(f->industry[i]) < 3 || !col)
				continue;
			if ((region && !cc_region_within(f->region[i], region)) ||
			    (only && !only[i]))
				continue;
			memcpy(buf[i], f->industry[i], 3);
			buf[i][3] = '\0';
			div[i] = buf[i];
			v[i] = col[i];
		}
		rc = green_rank((const char *const *)div, v, f->n, 1, &r, err);
		if (rc == 0) {
			const struct green_group **order =
				malloc(sizeof *order * (size_t)(r.ngroups ? r.ngroups : 1));
			int ng = 0;
			for (int k = 0; order && k < r.ngroups; k++)
				order[ng++] = &r.groups[k];
			if (order)
				qsort(order, (size_t)ng, sizeof *order, cmp_group_n);
			cc_jw_key(w, "divisions");
			cc_jw_array(w);
			for (int k = 0; k < ng && k < 12; k++)
				write_group(w, order[k]);
			cc_jw_end(w);
			free(order);
		}
		green_ranking_release(&r);
		free(div);
		free(buf);
		free(v);
		if (rc)
			goto out;
	}
	/* Green manufacturing recognitions in the scope: enterprises by kind and level. */
	{
		const struct green_recogset *rs = green_recogset_get(err);
		struct cc_stmt *q = NULL;
		int cnt[8][4] = {{0}};
		if (!rs) {
			rc = CC_EPARSE;
			goto out;
		}
		rc = cc_stmt_prepare(st, &q,
				     "SELECT DISTINCT enterprise_id, kind, level FROM "
				     "green_recognitions",
				     err);
		if (rc)
			goto out;
		while ((rc = cc_stmt_step(q, err)) == 1) {
			int i = cc_frame_of_id(f, cc_stmt_int64(q, 0));
			const char *k = cc_stmt_text(q, 1), *l = cc_stmt_text(q, 2);
			int ki = green_recog_find(rs->kinds, rs->nkinds, k, strlen(k));
			int li = green_recog_find(rs->levels, rs->nlevels, l, strlen(l));
			if (i < 0 || ki < 0 || li < 0 ||
			    (region && !cc_region_within(f->region[i], region)) ||
			    (only && !only[i]))
				continue;
			cnt[ki][li]++;
		}
		cc_stmt_free(q);
		if (rc < 0)
			goto out;
		rc = 0;
		cc_jw_key(w, "recognitions");
		cc_jw_array(w);
		for (int k = 0; k < rs->nkinds; k++)
			for (int l = 0; l < rs->nlevels; l++) {
				cc_jw_object(w);
				cc_jw_kstr(w, "kind", rs->kinds[k].id);
				cc_jw_kstr(w, "kind_zh", rs->kinds[k].name_zh);
				cc_jw_kstr(w, "kind_en", rs->kinds[k].name_en);
				cc_jw_kstr(w, "level", rs->levels[l].id);
				cc_jw_kstr(w, "level_zh", rs->levels[l].name_zh);
				cc_jw_kstr(w, "level_en", rs->levels[l].name_en);
				cc_jw_kint(w, "enterprises", cnt[k][l]);
				cc_jw_end(w);
			}
		cc_jw_end(w);
	}
	/* The carbon trend: every year the frame holds, over firms with carriers. */
	cc_jw_key(w, "trend");
	cc_jw_array(w);
	for (int y = f->year0; y < f->year0 + f->nyears && rc == 0; y++) {
		rc = green_co2_column(st, f, g, y, co2, err);
		const double *t = cc_frame_annual(f, CC_M_ENERGY_TCE, y);
		const double *o = cc_frame_annual(f, CC_M_OUTPUT_VALUE, y);
		double sc = 0, so = 0, all_tce = 0, all_out = 0;
		int nc = 0;
		for (int i = 0; rc == 0 && i < f->n; i++) {
			if ((region && !cc_region_within(f->region[i], region)) ||
			    (only && !only[i]))
				continue;
			if (t && o && isfinite(t[i]) && isfinite(o[i]) && o[i] > 0) {
				all_tce += t[i];
				all_out += o[i];
			}
			if (!isfinite(co2[i]))
				continue;
			nc++;
			sc += co2[i];
			so += o && isfinite(o[i]) ? o[i] : 0;
		}
		cc_jw_object(w);
		cc_jw_kint(w, "year", y);
		cc_jw_kint(w, "firms_with_carriers", nc);
		cc_jw_knum(w, "co2", nc ? sc : NAN);
		cc_jw_knum(w, "carbon_intensity", so > 0 ? sc / so : NAN);
		cc_jw_knum(w, "tce", all_tce);
		cc_jw_knum(w, "intensity", all_out > 0 ? all_tce / all_out : NAN);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_end(w);
out:
	free(rows);
	free(co2);
	free(flagged);
	green_screen_release(&s);
	return rc;
}

int green_write_recognitions(struct cc_jw *w, struct cc_store *st, int64_t id, struct cc_error *err)
{
	const struct green_recogset *rs = green_recogset_get(err);
	struct cc_stmt *s = NULL;
	if (!rs)
		return CC_EPARSE;
	int rc = cc_stmt_prepare(st, &s,
				 "SELECT kind, level, year, name, source FROM green_recognitions "
				 "WHERE enterprise_id = ?1 ORDER BY year DESC, kind",
				 err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, id);
	cc_jw_array(w);
	while ((rc = cc_stmt_step(s, err)) == 1) {
		const char *k = cc_stmt_text(s, 0), *l = cc_stmt_text(s, 1);
		int ki = green_recog_find(rs->kinds, rs->nkinds, k, strlen(k));
		int li = green_recog_find(rs->levels, rs->nlevels, l, strlen(l));
		cc_jw_object(w);
		cc_jw_kstr(w, "kind", k);
		cc_jw_kstr(w, "kind_zh", ki >= 0 ? rs->kinds[ki].name_zh : k);
		cc_jw_kstr(w, "kind_en", ki >= 0 ? rs->kinds[ki].name_en : k);
		cc_jw_kstr(w, "level", l);
		cc_jw_kstr(w, "level_zh", li >= 0 ? rs->levels[li].name_zh : l);
		cc_jw_kstr(w, "level_en", li >= 0 ? rs->levels[li].name_en : l);
		cc_jw_kint(w, "year", cc_stmt_int64(s, 2));
		cc_jw_kstr(w, "name", cc_stmt_text(s, 3));
		cc_jw_key(w, "source");
		if (cc_stmt_is_null(s, 4))
			cc_jw_null(w);
		else
			cc_jw_str(w, cc_stmt_text(s, 4));
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}
