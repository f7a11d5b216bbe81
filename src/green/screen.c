/*
 * Laggard screening (落后产能筛查) and the district and chain roll-ups of the green page. The
 * screening's rules are a criteria set in the existing language (data/criteria/
 * green_laggard.json: intensity above a limit, output falling while intensity rises), evaluated
 * strictly and relaxed for near misses as the certification sets are, plus the industry's
 * worst decile from the benchmark (green_rank), which the language cannot express.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "base/slots.h"
#include "base/builtin.h"
#include "domain/catalogue.h"
#include "domain/metric.h"
#include "green/green.h"

int green_laggard_set(struct criteria_set *s, struct cc_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc = cc_data_read("criteria/green_laggard.json", &text, &len);
	if (rc)
		return cc_error_set(err, rc, "cannot read 'criteria/green_laggard.json'");
	rc = criteria_set_parse(s, "green_laggard.json", text, err);
	free(text);
	return rc;
}

static int cmp_flag(const void *a, const void *b)
{
	const struct green_flag *x = a, *y = b;
	int fx = x->by_criteria || x->by_decile || x->by_flags;
	int fy = y->by_criteria || y->by_decile || y->by_flags;
	if (fx != fy)
		return fy - fx;
	if (fx) {
		double px = isnan(x->pct) ? -1 : x->pct, py = isnan(y->pct) ? -1 : y->pct;
		if (px != py)
			return px < py ? 1 : -1;
		double ix = isnan(x->intensity) ? -1 : x->intensity;
		double iy = isnan(y->intensity) ? -1 : y->intensity;
		if (ix != iy)
			return ix < iy ? 1 : -1;
	} else if (x->rel_gap != y->rel_gap) {
		return x->rel_gap < y->rel_gap ? -1 : 1;
	}
	return x->i - y->i;
}

/* Reads the compliance flags of OUT->year from ST into OUT->records and BITS (f->n). */
static int read_flags(struct cc_store *st, const struct cc_frame *f, struct green_screen *out,
		      uint32_t *bits, struct cc_error *err)
{
	const struct green_flagset *fs = green_flagset_get(err);
	struct cc_stmt *s = NULL;
	if (!fs)
		return CC_EPARSE;
	int rc = cc_stmt_prepare(st, &s,
				 "SELECT enterprise_id, flag, description, source FROM "
				 "compliance_flags WHERE period = ?1 ORDER BY enterprise_id, flag",
				 err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, (int64_t)out->year * 100);
	int cap = 0;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int i = cc_frame_of_id(f, cc_stmt_int64(s, 0));
		const char *id = cc_stmt_text(s, 1);
		int k = green_flag_find(fs, id, strlen(id));
		if (i < 0 || k < 0)
			continue;
		if (out->nrecords == cap) {
			cap = cap ? cap * 2 : 32;
			struct green_record *nr = realloc(out->records, sizeof *nr * (size_t)cap);
			if (!nr) {
				rc = cc_error_set(err, CC_ENOMEM, "out of memory");
				break;
			}
			out->records = nr;
		}
		struct green_record *r = &out->records[out->nrecords++];
		const char *d = cc_stmt_text(s, 2), *src = cc_stmt_text(s, 3);
		r->i = i;
		r->kind = k;
		r->description = strdup(d ? d : "");
		r->source = strdup(src ? src : "");
		bits[i] |= 1u << k;
	}
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

int green_screen_run(struct cc_store *st, const struct cc_frame *f, const struct green_factors *g,
		     int year, double margin, struct green_screen *out, struct cc_error *err)
{
	uint32_t *bits = NULL;
	int rc = 0;
	uint8_t *strict = NULL, *relaxed = NULL;
	memset(out, 0, sizeof *out);
	if (!(margin >= 0))
		return cc_error_set(err, CC_EINVAL, "margin must be a number >= 0");
	out->year = expr_resolve_year(f, year);
	out->margin = margin;
	rc = green_laggard_set(&out->set, err);
	if (rc)
		return rc;
	size_t nn = (size_t)(f->n > 0 ? f->n : 1);
	out->intensity = malloc(sizeof *out->intensity * nn);
	strict = malloc(nn);
	relaxed = malloc(nn);
	if (!out->intensity || !strict || !relaxed) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	const double *col = cc_frame_annual(f, CC_M_ENERGY_INTENSITY, out->year);
	for (int i = 0; i < f->n; i++)
		out->intensity[i] = col ? col[i] : NAN;
	rc = green_rank(f->industry, out->intensity, f->n, g->min_group, &out->rank, err);
	if (rc)
		goto out;
	rc = criteria_eval_column(&out->set, f, out->year, margin, strict, relaxed, err);
	if (rc)
		goto out;
	bits = calloc(nn, sizeof *bits);
	if (!bits) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	if (st && (rc = read_flags(st, f, out, bits, err)))
		goto out;
	int cap = 0;
	for (int i = 0; i < f->n; i++) {
		double pct = out->rank.pct[i];
		int gi = out->rank.group[i];
		int decile = isfinite(pct) && gi >= 0 && out->rank.groups[gi].n >= g->min_group &&
			     pct >= g->worst_decile;
		int crit = strict[i] == EXPR_TRUE;
		int flagged = crit || decile || bits[i];
		int near = !flagged && relaxed[i] == EXPR_TRUE;
		if (!flagged && !near)
			continue;
		if (out->n == cap) {
			int nc = cap ? cap * 2 : 64;
			struct green_flag *nf = realloc(out->flags, sizeof *nf * (size_t)nc);
			if (!nf) {
				rc = cc_error_set(err, CC_ENOMEM, "out of memory");
				goto out;
			}
			out->flags = nf;
			cap = nc;
		}
		struct green_flag *fl = &out->flags[out->n++];
		fl->i = i;
		fl->by_criteria = crit;
		fl->by_decile = decile;
		fl->by_flags = (int)bits[i];
		fl->near = near;
		fl->pct = pct;
		fl->group = gi;
		fl->intensity = out->intensity[i];
		fl->rel_gap = NAN;
		if (near) {
			struct criteria_result r;
			criteria_eval_one(&out->set, f, i, out->year, NULL, margin, &r);
			fl->rel_gap = r.rel_gap;
			out->nnear++;
		} else {
			out->nflagged++;
		}
	}
	if (out->n > 1)
		qsort(out->flags, (size_t)out->n, sizeof *out->flags, cmp_flag);
out:
	free(strict);
	free(relaxed);
	free(bits);
	if (rc)
		green_screen_release(out);
	return rc;
}

void green_screen_release(struct green_screen *s)
{
	if (!s)
		return;
	criteria_set_release(&s->set);
	for (int k = 0; k < s->nrecords; k++) {
		free(s->records[k].description);
		free(s->records[k].source);
	}
	free(s->records);
	green_ranking_release(&s->rank);
	free(s->intensity);
	free(s->flags);
	memset(s, 0, sizeof *s);
}

static int cmp_rollup(const void *a, const void *b)
{
	const struct green_rollup *x = a, *y = b;
	return (x->key > y->key) - (x->key < y->key);
}

/* Adds enterprise I's figures to ROW. */
static void add_to(struct green_rollup *row, double tce, double out, double co2, int flagged)
{
	row->firms++;
	row->tce += tce;
	row->output += out;
	if (isfinite(co2)) {
		row->co2 += co2;
		row->output_with_co2 += out;
	}
	row->flagged += flagged != 0;
}

int green_rollup_run(const struct cc_frame *f, int year, const double *co2, const uint8_t *flagged,
		     int by_chain, const uint8_t *only, struct green_rollup **out)
{
	*out = NULL;
	const double *tce = cc_frame_annual(f, CC_M_ENERGY_TCE, year);
	const double *outv = cc_frame_annual(f, CC_M_OUTPUT_VALUE, year);
	const struct cc_catalogue *cat = by_chain ? cc_catalogue_get(NULL) : NULL;
	int nrows = 0;
	struct cc_slots ds = {0}; /* the rows by region (not by_chain) */
	struct green_rollup *rows = NULL;
	int *chain_row = NULL, *last_seen = NULL;
	if (!tce || !outv || (by_chain && !cat))
		return 0;
	if (by_chain) {
		chain_row = malloc(sizeof *chain_row * (size_t)(cat->nchains + 1));
		last_seen = malloc(sizeof *last_seen * (size_t)(cat->nchains + 1));
		rows = calloc((size_t)cat->nchains + 1, sizeof *rows);
		if (!chain_row || !last_seen || !rows)
			goto oom;
		for (int c = 0; c < cat->nchains; c++) {
			rows[c].key = c;
			last_seen[c] = -1;
		}
		nrows = cat->nchains;
	}
	for (int i = 0; i < f->n; i++) {
		if (!isfinite(tce[i]) || !isfinite(outv[i]) || outv[i] <= 0 || (only && !only[i]))
			continue;
		double c2 = co2 ? co2[i] : NAN;
		int fl = flagged ? flagged[i] : 0;
		if (by_chain) {
			for (int m = f->member_start[i]; m < f->member_start[i + 1]; m++) {
				int c = cat->nodes[f->member_node[m]].chain;
				if (last_seen[c] == i)
					continue;
				last_seen[c] = i;
				add_to(&rows[c], tce[i], outv[i], c2, fl);
			}
			continue;
		}
		int k = cc_slots_row(&ds, f->region[i], (void **)&rows, sizeof *rows);
		if (k < 0)
			goto oom;
		rows[k].key = f->region[i];
		nrows = ds.n;
		add_to(&rows[k], tce[i], outv[i], c2, fl);
	}
	for (int k = 0; k < nrows; k++) {
		struct green_rollup *r = &rows[k];
		r->intensity = r->output > 0 ? r->tce / r->output : NAN;
		r->carbon_intensity = r->output_with_co2 > 0 ? r->co2 / r->output_with_co2 : NAN;
		if (r->output_with_co2 <= 0)
			r->co2 = NAN;
	}
	if (!by_chain && nrows > 1)
		qsort(rows, (size_t)nrows, sizeof *rows, cmp_rollup);
	free(chain_row);
	free(last_seen);
	cc_slots_release(&ds);
	*out = rows;
	return nrows;
oom:
	free(chain_row);
	free(last_seen);
	cc_slots_release(&ds);
	free(rows);
	return CC_ENOMEM;
}

uint8_t *green_chain_mask(const struct cc_frame *f, const char *chains)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	uint8_t *mask = calloc((size_t)(f->n ? f->n : 1), 1);
	uint8_t *want = cat ? calloc((size_t)cat->nchains + 1, 1) : NULL;
	if (!mask || !want) {
		free(mask);
		free(want);
		return NULL;
	}
	for (int c = 0; c < cat->nchains; c++) {
		size_t n = strlen(cat->chains[c].id);
		for (const char *p = chains; p && *p;) {
			const char *e = strchr(p, ',');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			if (len == n && strncmp(p, cat->chains[c].id, n) == 0)
				want[c] = 1;
			if (!e)
				break;
			p = e + 1;
		}
	}
	for (int i = 0; i < f->n; i++)
		for (int m = f->member_start[i]; m < f->member_start[i + 1] && !mask[i]; m++)
			mask[i] = want[cat->nodes[f->member_node[m]].chain];
	free(want);
	return mask;
}
