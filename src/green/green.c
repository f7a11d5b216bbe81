/*
 * Energy and carbon accounting and industry benchmarks (see green.h for the conventions).
 * The factors come from data/green/factors.json; nothing numeric about a carrier is in C.
 */
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "base/bigmem.h"
#include "base/builtin.h"
#include "green/green.h"

/* ---- factors ---- */

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* A number field; NaN when absent or not a number. */
static double jnum(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Fills S from an object of "YYYY": value; CC_EPARSE on a bad year or value. */
static int parse_series(json_t *o, struct green_series *s, const char *what, struct cc_error *err)
{
	const char *k;
	json_t *v;
	s->n = 0;
	if (!o)
		return 0;
	if (!json_is_object(o))
		return cc_error_set(err, CC_EPARSE, "factors.json: %s must be an object", what);
	json_object_foreach(o, k, v)
	{
		char *end = NULL;
		long y = strtol(k, &end, 10);
		if (!end || *end || y < 1900 || y > 2200 || !json_is_number(v) ||
		    json_number_value(v) < 0 || s->n >= GREEN_MAX_YEARS)
			return cc_error_set(err, CC_EPARSE,
					    "factors.json: %s: '%s' must be a year with a number "
					    "not below 0",
					    what, k);
		/* Insertion keeps the years ascending. */
		int j = s->n++;
		while (j > 0 && s->year[j - 1] > (int)y) {
			s->year[j] = s->year[j - 1];
			s->v[j] = s->v[j - 1];
			j--;
		}
		s->year[j] = (int)y;
		s->v[j] = json_number_value(v);
	}
	return 0;
}

static int parse_carrier(json_t *o, struct green_carrier *c, struct cc_error *err)
{
	memset(c, 0, sizeof *c);
	c->id = jstr(o, "id");
	c->name_zh = jstr(o, "name_zh");
	c->name_en = jstr(o, "name_en");
	c->unit = jstr(o, "unit");
	if (!*c->id || !*c->unit)
		return cc_error_set(err, CC_EPARSE, "factors.json: a carrier needs id and unit");
	c->energy = json_is_true(json_object_get(o, "energy"));
	c->verified = json_is_true(json_object_get(o, "verified"));
	c->kgce_source = jstr(o, "kgce_source");
	c->co2_source = jstr(o, "co2_source");
	c->kgce = c->energy ? jnum(o, "kgce") : NAN;
	if (c->energy && !(c->kgce >= 0))
		return cc_error_set(err, CC_EPARSE, "factors.json: carrier '%s': kgce must be >= 0",
				    c->id);
	const char *co2 = json_string_value(json_object_get(o, "co2"));
	c->grid = co2 && strcmp(co2, "grid") == 0;
	c->co2_kg = NAN;
	if (!c->grid) {
		double ncv = jnum(o, "ncv_gj"), cc = jnum(o, "carbon_kg_per_gj"),
		       ox = jnum(o, "oxidation");
		if (isfinite(ncv) && isfinite(cc) && isfinite(ox))
			c->co2_kg = ncv * cc * ox * 44.0 / 12.0;
		else if (isfinite(jnum(o, "co2_kg")))
			c->co2_kg = jnum(o, "co2_kg");
		else
			c->co2_kg = 0; /* not energy (water) */
		if (!*c->co2_source && isfinite(ncv))
			c->co2_source = "NCV x carbon content x oxidation x 44/12";
		if (c->co2_kg < 0)
			return cc_error_set(err, CC_EPARSE,
					    "factors.json: carrier '%s': CO2 factor below 0",
					    c->id);
	}
	json_t *units = json_object_get(o, "units");
	const char *k;
	json_t *v;
	json_object_foreach(units, k, v)
	{
		if (c->nunits >= GREEN_MAX_UNITS || !json_is_number(v) ||
		    !(json_number_value(v) > 0))
			return cc_error_set(err, CC_EPARSE,
					    "factors.json: carrier '%s': unit '%s' needs a "
					    "multiplier above 0 (at most %d units)",
					    c->id, k, GREEN_MAX_UNITS);
		c->units[c->nunits].name = k;
		c->units[c->nunits].mult = json_number_value(v);
		c->nunits++;
	}
	if (!c->nunits)
		return cc_error_set(err, CC_EPARSE, "factors.json: carrier '%s' accepts no unit",
				    c->id);
	return 0;
}

int green_factors_parse(struct green_factors *g, const char *text, struct cc_error *err)
{
	int rc = 0;
	json_error_t je;
	memset(g, 0, sizeof *g);
	json_t *root = json_loads(text, 0, &je);
	if (!root)
		return cc_error_set(err, CC_EPARSE, "factors.json: line %d: %s", je.line, je.text);
	g->json = root;
	g->electricity = g->renewable = g->water = -1;
	json_t *cs = json_object_get(root, "carriers");
	if (!json_is_array(cs) || json_array_size(cs) == 0 ||
	    json_array_size(cs) > GREEN_MAX_CARRIERS) {
		rc = cc_error_set(err, CC_EPARSE, "factors.json: carriers: 1 to %d expected",
				  GREEN_MAX_CARRIERS);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(cs); i++) {
		struct green_carrier *c = &g->carriers[g->ncarriers];
		rc = parse_carrier(json_array_get(cs, i), c, err);
		if (rc)
			goto out;
		if (green_carrier_find(g, c->id, strlen(c->id)) >= 0) {
			rc = cc_error_set(err, CC_EPARSE, "factors.json: carrier '%s' twice",
					  c->id);
			goto out;
		}
		if (!strcmp(c->id, "electricity"))
			g->electricity = g->ncarriers;
		if (!strcmp(c->id, "renewable"))
			g->renewable = g->ncarriers;
		if (!strcmp(c->id, "water"))
			g->water = g->ncarriers;
		g->ncarriers++;
	}
	g->tce_source = jstr(root, "tce_source");
	g->co2_source = jstr(root, "co2_source");
	g->basis_note = jstr(root, "basis_note");
	json_t *eq = json_object_get(root, "equal_value");
	g->equal_source = jstr(eq, "source");
	rc = parse_series(json_object_get(eq, "gce_per_kwh"), &g->equal_value,
			  "equal_value.gce_per_kwh", err);
	if (rc)
		goto out;
	json_t *grid = json_object_get(root, "grid");
	g->grid_source = jstr(grid, "source");
	rc = parse_series(json_object_get(grid, "national"), &g->grid, "grid.national", err);
	if (rc)
		goto out;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(grid, "provinces"), k, v)
	{
		char *end = NULL;
		long p = strtol(k, &end, 10);
		if (!end || *end || p < 11 || p > 82 || g->nprovinces >= GREEN_MAX_PROVINCES) {
			rc = cc_error_set(err, CC_EPARSE,
					  "factors.json: grid.provinces: '%s' is not a two-digit "
					  "province code",
					  k);
			goto out;
		}
		g->province[g->nprovinces] = (int)p;
		rc = parse_series(v, &g->grid_province[g->nprovinces], "grid.provinces", err);
		if (rc)
			goto out;
		g->nprovinces++;
	}
	json_t *b = json_object_get(root, "benchmark");
	double mg = jnum(b, "min_group"), wd = jnum(b, "worst_decile");
	g->min_group = isfinite(mg) && mg >= 1 && mg <= 1e6 ? (int)mg : 5;
	g->worst_decile = isfinite(wd) && wd > 0 && wd < 1 ? wd : 0.9;
out:
	if (rc)
		green_factors_release(g);
	return rc;
}

void green_factors_release(struct green_factors *g)
{
	if (!g)
		return;
	json_decref(g->json);
	memset(g, 0, sizeof *g);
}

static struct green_factors shared;
static struct cc_error shared_err;
static int shared_rc;
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;

static void load_shared(void)
{
	char *text = NULL;
	size_t len = 0;
	shared_rc = cc_data_read("green/factors.json", &text, &len);
	if (shared_rc) {
		cc_error_set(&shared_err, shared_rc, "cannot read 'green/factors.json'");
		return;
	}
	shared_rc = green_factors_parse(&shared, text, &shared_err);
	free(text);
}

const struct green_factors *green_factors_get(struct cc_error *err)
{
	pthread_once(&shared_once, load_shared);
	if (shared_rc) {
		if (err)
			*err = shared_err;
		return NULL;
	}
	return &shared;
}

int green_carrier_find(const struct green_factors *g, const char *s, size_t n)
{
	for (int i = 0; i < g->ncarriers; i++) {
		const struct green_carrier *c = &g->carriers[i];
		if ((strlen(c->id) == n && strncasecmp(c->id, s, n) == 0) ||
		    (*c->name_zh && strlen(c->name_zh) == n && memcmp(c->name_zh, s, n) == 0))
			return i;
	}
	return -1;
}

int green_unit_find(const struct green_carrier *c, const char *s, size_t n, double *mult)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	for (int i = 0; i < c->nunits; i++)
		if (strlen(c->units[i].name) == n && memcmp(c->units[i].name, s, n) == 0) {
			*mult = c->units[i].mult;
			return 0;
		}
	return CC_EINVAL;
}

double green_series_at(const struct green_series *s, int year, int *used)
{
	if (!s->n) {
		if (used)
			*used = 0;
		return NAN;
	}
	int best = 0;
	for (int i = 1; i < s->n; i++)
		if (abs(s->year[i] - year) < abs(s->year[best] - year))
			best = i;
	if (used)
		*used = s->year[best];
	return s->v[best];
}

double green_tce(const struct green_factors *g, int c, double qty)
{
	if (c < 0 || c >= g->ncarriers || !g->carriers[c].energy)
		return NAN;
	return qty * g->carriers[c].kgce / 1000.0;
}

double green_tce_equal(const struct green_factors *g, int c, double qty, int year)
{
	if (c >= 0 && (c == g->electricity || c == g->renewable)) {
		double gce = green_series_at(&g->equal_value, year, NULL);
		if (isfinite(gce))
			return qty * gce / 1e6; /* g per kWh -> t */
	}
	return green_tce(g, c, qty);
}

double green_grid_factor_at(const struct green_factors *g, int year, int province, int *provincial,
			    int *used)
{
	int ny = 0, py = 0;
	double nat = green_series_at(&g->grid, year, &ny);
	for (int p = 0; p < g->nprovinces; p++)
		if (g->province[p] == province && g->grid_province[p].n) {
			double v = green_series_at(&g->grid_province[p], year, &py);
			/* The province's figure unless the national series has a nearer year: a
			 * 2023 provincial factor does not stand in for a 2021 account when 2021's
			 * national factor is published. */
			if (!g->grid.n || abs(py - year) <= abs(ny - year)) {
				if (provincial)
					*provincial = 1;
				if (used)
					*used = py;
				return v;
			}
		}
	if (provincial)
		*provincial = 0;
	if (used)
		*used = ny;
	return nat;
}

double green_grid_factor(const struct green_factors *g, int year, int province, int *provincial)
{
	return green_grid_factor_at(g, year, province, provincial, NULL);
}

double green_co2(const struct green_factors *g, int c, double qty, int year, int province)
{
	if (c < 0 || c >= g->ncarriers)
		return NAN;
	const struct green_carrier *k = &g->carriers[c];
	double ef = k->grid ? green_grid_factor(g, year, province, NULL) : k->co2_kg;
	return qty * ef / 1000.0;
}

/* ---- accounts ---- */

static double ratio(double a, double b)
{
	return isfinite(a) && isfinite(b) && b > 0 ? a / b : NAN;
}

static double growth(double cur, double prev)
{
	return isfinite(cur) && isfinite(prev) && prev > 0 ? cur / prev - 1 : NAN;
}

static struct green_year *year_slot(struct green_account *a, int year, int *cap)
{
	for (int i = 0; i < a->n; i++)
		if (a->years[i].year == year)
			return &a->years[i];
	if (a->n == *cap) {
		int nc = *cap ? *cap * 2 : 8;
		struct green_year *ny = realloc(a->years, sizeof *ny * (size_t)nc);
		if (!ny)
			return NULL;
		a->years = ny;
		*cap = nc;
	}
	int j = a->n++;
	while (j > 0 && a->years[j - 1].year > year) {
		a->years[j] = a->years[j - 1];
		j--;
	}
	struct green_year *y = &a->years[j];
	memset(y, 0, sizeof *y);
	y->year = year;
	for (int c = 0; c < GREEN_MAX_CARRIERS; c++)
		y->qty[c] = y->co2_by[c] = y->tce_by[c] = NAN;
	y->tce = y->tce_equal = y->tce_renewable = y->co2 = y->water = NAN;
	y->output_value = y->value_added = y->grid_factor = NAN;
	return y;
}

int green_account_read(struct cc_store *st, const struct green_factors *g, int64_t id, int region,
		       struct green_account *out, struct cc_error *err)
{
	int rc = 0, cap = 0;
	struct cc_stmt *s = NULL;
	memset(out, 0, sizeof *out);
	int province = region / 10000;
	rc = cc_stmt_prepare(st, &s,
			     "SELECT period / 100, carrier, quantity FROM energy_accounts "
			     "WHERE enterprise_id = ?1",
			     err);
	if (rc)
		goto out;
	cc_stmt_bind_int64(s, 1, id);
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int year = (int)cc_stmt_int64(s, 0);
		const char *cid = cc_stmt_text(s, 1);
		int c = green_carrier_find(g, cid, strlen(cid));
		struct green_year *y = year_slot(out, year, &cap);
		if (!y) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		if (c < 0)
			continue; /* a carrier the factors no longer list */
		y->qty[c] = cc_stmt_double(s, 2);
		y->carriers++;
	}
	if (rc < 0)
		goto out;
	cc_stmt_free(s);
	s = NULL;
	rc = cc_stmt_prepare(
		st, &s,
		"SELECT i.period / 100, i.output_value, i.energy_tce, p.value_added "
		"FROM indicators i LEFT JOIN green_periods p ON p.enterprise_id = "
		"i.enterprise_id AND p.period = i.period WHERE i.enterprise_id = ?1 "
		"AND i.period % 100 = 0"
		" UNION ALL SELECT p.period / 100, NULL, NULL, p.value_added FROM "
		"green_periods p WHERE p.enterprise_id = ?1 AND NOT EXISTS (SELECT 1 "
		"FROM indicators i WHERE i.enterprise_id = ?1 AND i.period = p.period)",
		err);
	if (rc)
		goto out;
	cc_stmt_bind_int64(s, 1, id);
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int year = (int)cc_stmt_int64(s, 0);
		double tce = cc_stmt_double_nan(s, 2);
		struct green_year *y = NULL;
		for (int i = 0; i < out->n; i++)
			if (out->years[i].year == year)
				y = &out->years[i];
		if (!y && !isfinite(tce) && cc_stmt_is_null(s, 3))
			continue; /* a year with nothing green to say */
		if (!y)
			y = year_slot(out, year, &cap);
		if (!y) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		y->output_value = cc_stmt_double_nan(s, 1);
		y->value_added = cc_stmt_double_nan(s, 3);
		if (!y->carriers)
			y->tce = tce;
	}
	if (rc < 0)
		goto out;
	rc = 0;
	for (int i = 0; i < out->n; i++) {
		struct green_year *y = &out->years[i];
		if (y->carriers) {
			y->tce = y->tce_equal = y->co2 = 0;
			y->grid_factor = green_grid_factor_at(g, y->year, province,
							      &y->grid_provincial, &y->grid_year);
			for (int c = 0; c < g->ncarriers; c++) {
				if (!isfinite(y->qty[c]))
					continue;
				if (c == g->water) {
					y->water = y->qty[c];
					continue;
				}
				y->tce_by[c] = green_tce(g, c, y->qty[c]);
				y->co2_by[c] = green_co2(g, c, y->qty[c], y->year, province);
				if (isfinite(y->tce_by[c])) {
					y->tce += y->tce_by[c];
					y->tce_equal += green_tce_equal(g, c, y->qty[c], y->year);
				}
				if (isfinite(y->co2_by[c]))
					y->co2 += y->co2_by[c];
				if (c == g->renewable)
					y->tce_renewable = y->tce_by[c];
			}
		}
		y->energy_per_output = ratio(y->tce, y->output_value);
		y->energy_per_va = ratio(y->tce, y->value_added);
		y->carbon_per_output = ratio(y->co2, y->output_value);
		y->carbon_per_va = ratio(y->co2, y->value_added);
		y->tce_yoy = y->co2_yoy = y->energy_per_output_yoy = y->carbon_per_output_yoy = NAN;
		if (i > 0 && out->years[i - 1].year == y->year - 1) {
			const struct green_year *p = &out->years[i - 1];
			y->tce_yoy = growth(y->tce, p->tce);
			y->co2_yoy = growth(y->co2, p->co2);
			y->energy_per_output_yoy =
				growth(y->energy_per_output, p->energy_per_output);
			y->carbon_per_output_yoy =
				growth(y->carbon_per_output, p->carbon_per_output);
		}
	}
out:
	cc_stmt_free(s);
	if (rc)
		green_account_release(out);
	return rc;
}

void green_account_release(struct green_account *a)
{
	if (!a)
		return;
	free(a->years);
	a->years = NULL;
	a->n = 0;
}

/* ---- benchmarks ---- */

double green_quantile(const double *x, int n, double q)
{
	if (n <= 0)
		return NAN;
	double h = (n - 1) * q;
	int lo = (int)floor(h);
	if (lo >= n - 1)
		return x[n - 1];
	double a = x[lo], b = x[lo + 1], f = h - lo;
	double v = a + f * (b - a);
	if (!isfinite(v))
		v = a * (1 - f) + b * f; /* b - a overflowed (values near ±DBL_MAX) */
	return v < a ? a : v > b ? b : v;
}

/* The bits of a double as an unsigned key in the same order (for finite values). */
static uint64_t order_key(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return (u >> 63) ? ~u : u | (1ull << 63);
}

/*
 * One value in one group, as sorted: KEY is the group in its high bits and the value's
 * order-preserving bits, truncated, in the low ones; I the enterprise, its top bit set when
 * the enterprise takes its percentile from this group; V the value.
 */
struct rank_el {
	uint32_t key, i;
	double v;
};

#define RANK_TAKES 0x80000000u

/*
 * Sorts E[0..N) by the order keys of V (as the values, but -0 before +0, as the sort of the
 * keys puts them): insertion for short runs, which the truncated keys leave, else qsort.
 */
static int el_cmp(const void *a, const void *b)
{
	uint64_t x = order_key(((const struct rank_el *)a)->v);
	uint64_t y = order_key(((const struct rank_el *)b)->v);
	return (x > y) - (x < y);
}

static void el_sort(struct rank_el *e, int n)
{
	if (n > 24) {
		qsort(e, (size_t)n, sizeof *e, el_cmp);
		return;
	}
	for (int k = 1; k < n; k++) {
		struct rank_el t = e[k];
		uint64_t tk = order_key(t.v);
		int j = k;
		while (j > 0 && order_key(e[j - 1].v) > tk) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = t;
	}
}

/* green_quantile() over the values of E[0..N), with the same arithmetic. */
static double el_quantile(const struct rank_el *e, int n, double q)
{
	if (n <= 0)
		return NAN;
	double h = (n - 1) * q;
	int lo = (int)floor(h);
	if (lo >= n - 1)
		return e[n - 1].v;
	double a = e[lo].v, b = e[lo + 1].v, f = h - lo;
	double v = a + f * (b - a);
	if (!isfinite(v))
		v = a * (1 - f) + b * f;
	return v < a ? a : v > b ? b : v;
}

/*
 * Sorts the group E[0..M) by value: short groups by insertion; longer ones by an LSD radix
 * sort in two passes (one skipped when every key has the same digit) on the top 16 or 24
 * bits of the values' order keys less the group's smallest (the group is in cache: that is
 * why the sort is per group), and then each run of equal truncated keys by the values
 * themselves. TMP has room for M.
 */
static void group_sort(struct rank_el *e, int m, struct rank_el *tmp)
{
	if (m <= 16) {
		el_sort(e, m);
		return;
	}
	uint64_t lo = UINT64_MAX, hi = 0;
	for (int k = 0; k < m; k++) {
		uint64_t ok = order_key(e[k].v);
		lo = ok < lo ? ok : lo;
		hi = ok > hi ? ok : hi;
	}
	if (lo == hi)
		return; /* one value */
	/* Two passes: of 8 bits for a group under 1,024 (16 bits of key), of 12 above (24). */
	int db = m < 1024 ? 8 : 12, kb = 2 * db, nb = 1 << db;
	int range = 64 - __builtin_clzll(hi - lo);
	int shift = range > kb ? range - kb : 0;
	uint32_t hist[2][4096];
	memset(hist[0], 0, sizeof hist[0][0] * (size_t)nb);
	memset(hist[1], 0, sizeof hist[1][0] * (size_t)nb);
	for (int k = 0; k < m; k++) {
		uint32_t key = (uint32_t)((order_key(e[k].v) - lo) >> shift);
		e[k].key = key;
		hist[0][key & (uint32_t)(nb - 1)]++;
		hist[1][key >> db]++;
	}
	struct rank_el *src = e, *dst = tmp;
	for (int pass = 0; pass < 2; pass++) {
		uint32_t *h = hist[pass], mask = (uint32_t)(nb - 1);
		int sh = pass * db;
		if (h[(src[0].key >> sh) & mask] == (uint32_t)m)
			continue;
		uint32_t sum = 0;
		for (int b = 0; b < nb; b++) {
			uint32_t c = h[b];
			h[b] = sum;
			sum += c;
		}
		for (int k = 0; k < m; k++)
			dst[h[(src[k].key >> sh) & mask]++] = src[k];
		struct rank_el *t = src;
		src = dst;
		dst = t;
	}
	if (src != e)
		memcpy(e, src, sizeof *e * (size_t)m);
	for (int j = 0; j < m;) {
		int x = j + 1;
		while (x < m && e[x].key == e[j].key)
			x++;
		if (x - j > 1)
			el_sort(e + j, x - j);
		j = x;
	}
}

/*
 * Where the counts and groups of the keys live: a class key (letter * 10000 + four digits)
 * at level 0 as it is, a group (three digits) at level 1 and a division (two) at level 2 in
 * their own smaller ranges. Divisions by constants, which the compiler makes multiplications.
 */
#define LEVEL1_AT    260000
#define LEVEL2_AT    (LEVEL1_AT + 26 * 1000)
#define LEVELS_SPACE (LEVEL2_AT + 26 * 100)

static inline int level_index(int code4, int l)
{
	int letter = code4 / 10000, digits = code4 - letter * 10000;
	return l == 0	? code4
	       : l == 1 ? LEVEL1_AT + letter * 1000 + digits / 10
			: LEVEL2_AT + letter * 100 + digits / 100;
}

/* A row as the passes see it: its class key, digit count and chosen level packed, or -1. */
#define ROW_CODE(r)   ((r)&0x3ffff)
#define ROW_DIGITS(r) (((r) >> 18) & 7)
#define ROW_LEVEL(r)  ((((r) >> 21) & 3) - 1) /* -1: none chosen */

/*
 * How it goes (one pass over the enterprises for each step but 5): (1) each code parsed once
 * into its class key and digit count, and the values per key and level counted; (2) each
 * enterprise's level chosen, the groups numbered in the order enterprises first choose them
 * and each enterprise's group written; (3) when a coarser group is in use, the rows of finer
 * groups under it counted into it too; (4) one element per (enterprise, group) written
 * straight into its group's place (a counting sort by group: each group's run stays in row
 * order); (5) each group, now contiguous and in cache, sorted by value (group_sort) and
 * ranked, the percentiles of the rows that take them from it kept in row order in the
 * group's own place; (6) the percentiles written in row order, read as one stream per group.
 * No per-group allocation, and no write scattered over the whole output.
 */
int green_rank(const char *const *industry, const double *v, int n, int min_group,
	       struct green_ranking *out, struct cc_error *err)
{
	static const int levels[3] = {4, 3, 2};
	int rc = 0;
	int32_t *cnt = NULL;   /* values per key and level (level_index) */
	int32_t *slot = NULL;  /* group of a key and level, -1 */
	int32_t *row = NULL;   /* ROW_* packed, -1 when the row is not ranked */
	int32_t *first = NULL; /* the first row of each group */
	int32_t *ntake = NULL; /* rows that take their percentile from each group */
	int32_t *nall = NULL;  /* rows in each group (ntake and the finer groups' rows) */
	/* Each group's next element (AT) and next taker (TAKE; step 6: its next percentile, in
	 * doubles of EL), side by side: one cache line a row in steps 4 and 6. */
	struct cursor {
		size_t at, take;
	} *cur = NULL;
	struct rank_el *el = NULL, *tmp = NULL;
	int cap = 0, in_use[3] = {0, 0, 0};
	memset(out, 0, sizeof *out);
	if (min_group < 1)
		min_group = 1;
	size_t nn = (size_t)(n > 0 ? n : 1);
	out->n = n;
	out->pct = cc_big_alloc(sizeof *out->pct * nn);
	out->group = cc_big_alloc(sizeof *out->group * nn);
	cnt = malloc(sizeof *cnt * 2 * LEVELS_SPACE);
	if (!out->pct || !out->group || !cnt)
		goto oom;
	/* Fewer fresh pages (the kernel clears each): ROW lives in the percentiles' memory
	 * until step 6 writes them, SLOT beside CNT. */
	row = (int32_t *)out->pct;
	slot = cnt + LEVELS_SPACE;
	/* (1) */
	memset(cnt, 0, sizeof *cnt * LEVELS_SPACE);
	for (int i = 0; i < n; i++) {
		const char *c = industry[i];
		int d = 0, k = 0;
		if (c && c[0] >= 'A' && c[0] <= 'Z')
			while (d < 4 && c[d + 1] >= '0' && c[d + 1] <= '9') {
				k = k * 10 + (c[d + 1] - '0');
				d++;
			}
		if (d < 2 || !isfinite(v[i])) {
			row[i] = -1;
			continue;
		}
		for (int pad = d; pad < 4; pad++)
			k *= 10;
		int code4 = (c[0] - 'A') * 10000 + k;
		row[i] = code4 | d << 18;
		for (int l = 0; l < 3; l++)
			if (levels[l] <= d)
				cnt[level_index(code4, l)]++;
	}
	/* (2) Each enterprise's level: the finest with min_group values, else the division. Its
	 * group is then every enterprise with a value under that code (the class's members
	 * ranked at 4 digits are in their group's reference population too). */
	memset(slot, 0xff, sizeof *slot * LEVELS_SPACE); /* -1 */
	int ng = 0;
	for (int i = 0; i < n; i++) {
		int r = row[i], g = -1;
		for (int l = 0; r >= 0 && l < 3; l++) {
			if (levels[l] > ROW_DIGITS(r))
				continue;
			int s = level_index(ROW_CODE(r), l);
			if (cnt[s] < min_group && l < 2)
				continue;
			row[i] = r | (l + 1) << 21;
			g = slot[s];
			if (g < 0) {
				if (ng == cap) {
					cap = cap ? 2 * cap : 1024;
					int32_t *nf = realloc(first, sizeof *nf * (size_t)cap);
					if (nf)
						first = nf;
					int32_t *nt = nf ? realloc(ntake, sizeof *nt * (size_t)cap)
							 : NULL;
					if (!nt)
						goto oom;
					ntake = nt;
				}
				g = slot[s] = ng++;
				first[g] = i;
				ntake[g] = 0;
				in_use[l] = 1;
			}
			ntake[g]++;
			break;
		}
		out->group[i] = g;
	}
	out->groups = calloc((size_t)(ng ? ng : 1), sizeof *out->groups);
	nall = malloc(sizeof *nall * ((size_t)ng + 1));
	cur = malloc(sizeof *cur * ((size_t)ng + 1));
	if (!out->groups || !nall || !cur)
		goto oom;
	out->ngroups = ng;
	for (int g = 0; g < ng; g++) {
		nall[g] = ntake[g];
		int l = ROW_LEVEL(row[first[g]]);
		struct green_group *gr = &out->groups[g];
		gr->level = levels[l];
		memcpy(gr->code, industry[first[g]], (size_t)levels[l] + 1);
		gr->code[levels[l] + 1] = '\0';
	}
	/* (3) A row is in its chosen level's group and in each coarser one in use (never a
	 * finer one: a finer group in use under its code would have been its choice). A
	 * coarser group's code is its first chooser's: every member's code has that prefix. */
	int coarse = in_use[1] || in_use[2];
	for (int i = 0; coarse && i < n; i++) {
		int r = row[i];
		if (r < 0)
			continue;
		for (int l = ROW_LEVEL(r) + 1; l < 3; l++) {
			int g = in_use[l] ? slot[level_index(ROW_CODE(r), l)] : -1;
			if (g >= 0)
				nall[g]++;
		}
	}
	size_t m = 0;
	int biggest = 1;
	for (int g = 0; g < ng; g++) {
		out->groups[g].n = nall[g];
		cur[g].at = m;
		cur[g].take = 0;
		m += (size_t)nall[g];
		biggest = nall[g] > biggest ? nall[g] : biggest;
	}
	el = cc_big_alloc(sizeof *el * (m ? m : 1));
	tmp = malloc(sizeof *tmp * (size_t)biggest);
	if (!el || !tmp)
		goto oom;
	/* (4) */
	for (int i = 0; i < n; i++) {
		int g = out->group[i];
		if (g < 0)
			continue;
		struct cursor *q = &cur[g];
		struct rank_el *x = &el[q->at++];
		x->v = v[i];
		x->i = (uint32_t)q->take++ | RANK_TAKES; /* its place among the group's takers */
		int r = row[i];
		for (int l = ROW_LEVEL(r) + 1; coarse && l < 3; l++) {
			int c = in_use[l] ? slot[level_index(ROW_CODE(r), l)] : -1;
			if (c < 0)
				continue;
			x = &el[cur[c].at++];
			x->v = v[i];
			x->i = 0;
		}
	}
	/* (5) Each group sorted by value and ranked (ties at their lowest rank); only the
	 * enterprises ranked at this group's level take its percentile. */
	size_t base = 0;
	double *dk = (double *)tmp;
	for (int g = 0; g < ng; g++) {
		struct green_group *gr = &out->groups[g];
		struct rank_el *p = el + base;
		int gm = gr->n;
		group_sort(p, gm, tmp);
		double denom = gm > 1 ? (double)(gm - 1) : 1.0;
		int lead = 0; /* first index of the current run of equal values */
		for (int k = 0; k < gm; k++) {
			if (k > 0 && p[k].v != p[k - 1].v)
				lead = k;
			if (p[k].i & RANK_TAKES)
				dk[p[k].i & ~RANK_TAKES] = gm > 1 ? (double)lead / denom : 0.0;
		}
		gr->small = gm < min_group;
		gr->min = p[0].v;
		gr->max = p[gm - 1].v;
		gr->q1 = el_quantile(p, gm, 0.25);
		gr->median = el_quantile(p, gm, 0.5);
		gr->q3 = el_quantile(p, gm, 0.75);
		gr->p90 = el_quantile(p, gm, 0.9);
		/* The group's percentiles go where its elements were (8 bytes in 16). */
		memcpy(p, dk, sizeof *dk * (size_t)ntake[g]);
		cur[g].take = 2 * base;
		base += (size_t)gm;
	}
	/* (6) */
	const double *pk = (const double *)el;
	for (int i = 0; i < n; i++) {
		int g = out->group[i];
		out->pct[i] = g >= 0 ? pk[cur[g].take++] : NAN;
	}
	goto out;
oom:
	rc = cc_error_set(err, CC_ENOMEM, "out of memory");
out:
	free(cnt);
	free(first);
	free(ntake);
	free(nall);
	free(cur);
	free(el);
	free(tmp);
	if (rc)
		green_ranking_release(out);
	return rc;
}

void green_ranking_release(struct green_ranking *r)
{
	if (!r)
		return;
	free(r->pct);
	free(r->group);
	free(r->groups);
	memset(r, 0, sizeof *r);
}

int green_co2_column(struct cc_store *st, const struct cc_frame *f, const struct green_factors *g,
		     int year, double *out, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	for (int i = 0; i < f->n; i++)
		out[i] = NAN;
	int rc = cc_stmt_prepare(st, &s,
				 "SELECT enterprise_id, carrier, quantity FROM energy_accounts "
				 "WHERE period = ?1 ORDER BY enterprise_id, period, carrier",
				 err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, (int64_t)year * 100);
	int c = -1;
	char last[32] = "";
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int i = cc_frame_of_id(f, cc_stmt_int64(s, 0));
		if (i < 0)
			continue;
		const char *cid = cc_stmt_text(s, 1);
		if (strcmp(cid, last) != 0) {
			c = green_carrier_find(g, cid, strlen(cid));
			snprintf(last, sizeof last, "%s", cid);
		}
		if (c < 0 || c == g->water)
			continue;
		double t = green_co2(g, c, cc_stmt_double(s, 2), year, f->region[i] / 10000);
		out[i] = isfinite(out[i]) ? out[i] + t : t;
	}
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

/* ---- compliance flag kinds ---- */

static struct green_flagset flagset;
static struct cc_error flagset_err;
static int flagset_rc;
static pthread_once_t flagset_once = PTHREAD_ONCE_INIT;

static void load_flagset(void)
{
	char *text = NULL;
	size_t len = 0;
	json_error_t je;
	flagset_rc = cc_data_read("green/flags.json", &text, &len);
	if (flagset_rc) {
		cc_error_set(&flagset_err, flagset_rc, "cannot read 'green/flags.json'");
		return;
	}
	json_t *root = json_loads(text, 0, &je);
	free(text);
	json_t *fl = json_object_get(root, "flags");
	if (!root || !json_is_array(fl) || !json_array_size(fl) ||
	    json_array_size(fl) > GREEN_MAX_FLAGS) {
		flagset_rc = cc_error_set(&flagset_err, CC_EPARSE,
					  "flags.json: 'flags' must list 1 to %d kinds",
					  GREEN_MAX_FLAGS);
		json_decref(root);
		return;
	}
	flagset.json = root;
	for (size_t i = 0; i < json_array_size(fl); i++) {
		json_t *o = json_array_get(fl, i);
		struct green_flagkind *k = &flagset.k[flagset.n++];
		k->id = jstr(o, "id");
		k->name_zh = jstr(o, "name_zh");
		k->name_en = jstr(o, "name_en");
		k->source = jstr(o, "source");
		json_t *al = json_object_get(o, "aliases");
		for (size_t a = 0; a < json_array_size(al) && k->naliases < 4; a++)
			if (json_is_string(json_array_get(al, a)))
				k->aliases[k->naliases++] =
					json_string_value(json_array_get(al, a));
		if (!*k->id) {
			flagset_rc = cc_error_set(&flagset_err, CC_EPARSE,
						  "flags.json: flag %zu has no id", i + 1);
			return;
		}
	}
}

const struct green_flagset *green_flagset_get(struct cc_error *err)
{
	pthread_once(&flagset_once, load_flagset);
	if (flagset_rc) {
		if (err)
			*err = flagset_err;
		return NULL;
	}
	return &flagset;
}

int green_flag_find(const struct green_flagset *fs, const char *s, size_t n)
{
	for (int i = 0; i < fs->n; i++) {
		const struct green_flagkind *k = &fs->k[i];
		if ((strlen(k->id) == n && strncasecmp(k->id, s, n) == 0) ||
		    (strlen(k->name_zh) == n && memcmp(k->name_zh, s, n) == 0))
			return i;
		for (int a = 0; a < k->naliases; a++)
			if (strlen(k->aliases[a]) == n && memcmp(k->aliases[a], s, n) == 0)
				return i;
	}
	return -1;
}

/* ---- green manufacturing recognitions ---- */

static struct green_recogset recogset;
static struct cc_error recogset_err;
static int recogset_rc;
static pthread_once_t recogset_once = PTHREAD_ONCE_INIT;

static int read_terms(json_t *a, struct green_term *t, int max)
{
	int n = 0;
	for (size_t i = 0; i < json_array_size(a) && n < max; i++) {
		json_t *o = json_array_get(a, i);
		t[n].id = jstr(o, "id");
		t[n].name_zh = jstr(o, "name_zh");
		t[n].name_en = jstr(o, "name_en");
		if (*t[n].id)
			n++;
	}
	return n;
}

static void load_recogset(void)
{
	char *text = NULL;
	size_t len = 0;
	recogset_rc = cc_data_read("green/recognitions.json", &text, &len);
	if (recogset_rc) {
		cc_error_set(&recogset_err, recogset_rc, "cannot read 'green/recognitions.json'");
		return;
	}
	json_t *root = json_loads(text, 0, NULL);
	free(text);
	recogset.json = root;
	recogset.nkinds = read_terms(json_object_get(root, "kinds"), recogset.kinds, 8);
	recogset.nlevels = read_terms(json_object_get(root, "levels"), recogset.levels, 4);
	if (!root || !recogset.nkinds || !recogset.nlevels)
		recogset_rc = cc_error_set(&recogset_err, CC_EPARSE,
					   "recognitions.json: kinds and levels are needed");
}

const struct green_recogset *green_recogset_get(struct cc_error *err)
{
	pthread_once(&recogset_once, load_recogset);
	if (recogset_rc) {
		if (err)
			*err = recogset_err;
		return NULL;
	}
	return &recogset;
}

int green_recog_find(const struct green_term *t, int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++)
		if ((strlen(t[i].id) == len && strncasecmp(t[i].id, s, len) == 0) ||
		    (strlen(t[i].name_zh) == len && memcmp(t[i].name_zh, s, len) == 0))
			return i;
	return -1;
}
