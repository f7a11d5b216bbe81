/*
 * Unit tests of green/ (issue 16): tce and CO2 conversions on hand-worked cases with the
 * factors of data/green/factors.json, units, industry percentiles and quartiles (ties, small
 * groups, the fallback to 3 and 2 digits), the energy importer's rejects, the rule that
 * carriers win over an imported energy_tce, an enterprise's account, and the laggard screen.
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
#include "testutil.h"

#define near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))
#include "frame/frame.h"
#include "green/green.h"
#include "io/import.h"
#include "store/store.h"

static char dir[] = "/tmp/cc-green-XXXXXX";

static const struct green_factors *factors(void)
{
	struct cc_error err = {0};
	const struct green_factors *g = green_factors_get(&err);
	if (!g)
		print_error("%s\n", err.msg);
	assert_non_null(g);
	return g;
}

static int carrier(const char *id)
{
	int c = green_carrier_find(factors(), id, strlen(id));
	assert_true(c >= 0);
	return c;
}

/* GB/T 2589-2020 appendix A, worked by hand. */
static void test_tce(void **state)
{
	(void)state;
	const struct green_factors *g = factors();
	near(green_tce(g, carrier("electricity"), 1e6), 122.9, 1e-9);  /* 1 GWh x 0.1229 */
	near(green_tce(g, carrier("coal"), 2e6), 1428.6, 1e-9);	       /* 2000 t x 0.7143 */
	near(green_tce(g, carrier("natural_gas"), 3e5), 364.29, 1e-9); /* 30 万m3 x 1.2143 */
	near(green_tce(g, carrier("diesel"), 1e4), 14.571, 1e-9);      /* 10 t x 1.4571 */
	near(green_tce(g, carrier("gasoline"), 1e4), 14.714, 1e-9);    /* 10 t x 1.4714 */
	near(green_tce(g, carrier("heat"), 5e5), 17.06, 1e-9);	       /* 500 GJ x 0.03412 */
	near(green_tce(g, carrier("renewable"), 1e5), 12.29, 1e-9);
	assert_true(isnan(green_tce(g, carrier("water"), 100)));
	/* Chinese names find carriers too. */
	assert_int_equal(green_carrier_find(g, "原煤", strlen("原煤")), carrier("coal"));
	assert_int_equal(green_carrier_find(g, "ELECTRICITY", 11), carrier("electricity"));
	assert_int_equal(green_carrier_find(g, "steam", 5), -1);
	/* The equal value: 2021's 302.5 gce/kWh; a year not listed takes the nearest. */
	int used = 0;
	near(green_series_at(&g->equal_value, 2021, &used), 302.5, 1e-12);
	assert_int_equal(used, 2021);
	near(green_tce_equal(g, carrier("electricity"), 1e6, 2021), 302.5, 1e-9);
	near(green_series_at(&g->equal_value, 2035, &used), 302.0, 1e-12);
	assert_int_equal(used, 2024);
	near(green_tce_equal(g, carrier("coal"), 2e6, 2021), 1428.6, 1e-9); /* fuels unchanged */
}

static void test_co2(void **state)
{
	(void)state;
	const struct green_factors *g = factors();
	/* Grid, hand-worked from factors.json: national 2021 0.5568, 2022 0.5366, 2023 0.5306;
	 * Chongqing (50) 2023 0.5581, Sichuan (51) 2023 0.1564 tCO2/MWh. */
	int prov = -1, used = -1;
	/* Chongqing 2021: the national series lists 2021, the province only 2023 (two years
	 * off): national. 1 GWh x 0.5568 = 556.8 t. */
	near(green_grid_factor_at(g, 2021, 50, &prov, &used), 0.5568, 1e-12);
	assert_int_equal(prov, 0);
	assert_int_equal(used, 2021);
	near(green_co2(g, carrier("electricity"), 1e6, 2021, 50), 556.8, 1e-9);
	/* Chongqing 2023: its own factor. 1 GWh x 0.5581 = 558.1 t. */
	near(green_grid_factor_at(g, 2023, 50, &prov, &used), 0.5581, 1e-12);
	assert_true(prov == 1 && used == 2023);
	near(green_co2(g, carrier("electricity"), 1e6, 2023, 50), 558.1, 1e-9);
	/* Sichuan 2024: neither lists 2024; both nearest are 2023, a tie the province takes.
	 * 250 MWh x 0.1564 = 39.1 t. */
	near(green_grid_factor_at(g, 2024, 51, &prov, &used), 0.1564, 1e-12);
	assert_true(prov == 1 && used == 2023);
	near(green_co2(g, carrier("electricity"), 2.5e5, 2024, 51), 39.1, 1e-9);
	/* Sichuan 2022: the national series lists 2022, the province's nearest is a year off:
	 * national. 1 GWh x 0.5366 = 536.6 t. */
	near(green_grid_factor_at(g, 2022, 51, &prov, &used), 0.5366, 1e-12);
	assert_true(prov == 0 && used == 2022);
	near(green_co2(g, carrier("electricity"), 1e6, 2022, 51), 536.6, 1e-9);
	/* A province without figures (Guangdong 44), 2025: the national 2023. */
	near(green_grid_factor_at(g, 2025, 44, &prov, &used), 0.5306, 1e-12);
	assert_true(prov == 0 && used == 2023);
	/* Own renewables emit nothing wherever they are. */
	near(green_co2(g, carrier("renewable"), 1e6, 2023, 51), 0, 0);
	/* Raw coal: 0.020908 GJ/kg x 26.37 kgC/GJ x 0.94 x 44/12 = 1.900298848 kgCO2/kg. */
	near(green_co2(g, carrier("coal"), 2e6, 2021, 50), 3800.597696, 1e-5);
	/* Natural gas: 0.038931 x 15.3 x 0.99 x 44/12 = 2.16218882 kgCO2/m3. */
	near(green_co2(g, carrier("natural_gas"), 3e5, 2021, 50), 648.656646, 1e-5);
	/* Diesel: 0.042652 x 20.2 x 0.98 x 44/12 = 3.0959096 kgCO2/kg. */
	near(green_co2(g, carrier("diesel"), 1e4, 2021, 50), 30.959096, 1e-5);
	/* Heat: 0.11 kgCO2/MJ; own renewables: none; water: none. */
	near(green_co2(g, carrier("heat"), 5e5, 2021, 50), 55.0, 1e-9);
	near(green_co2(g, carrier("renewable"), 1e6, 2021, 50), 0.0, 0);
	near(green_co2(g, carrier("water"), 1e6, 2021, 50), 0.0, 0);
}

static void test_units(void **state)
{
	(void)state;
	const struct green_factors *g = factors();
	const struct green_carrier *e = &g->carriers[carrier("electricity")];
	double m = 0;
	assert_int_equal(green_unit_find(e, "万千瓦时", strlen("万千瓦时"), &m), 0);
	near(m, 1e4, 0);
	assert_int_equal(green_unit_find(e, " MWh ", 5, &m), 0);
	near(m, 1e3, 0);
	assert_int_equal(green_unit_find(e, "mwh", 3, &m), CC_EINVAL); /* m is milli */
	assert_int_equal(green_unit_find(e, "kW", 2, &m), CC_EINVAL);  /* power, not energy */
	const struct green_carrier *h = &g->carriers[carrier("heat")];
	assert_int_equal(green_unit_find(h, "t", 1, &m), CC_EINVAL); /* steam needs enthalpy */
	assert_int_equal(green_unit_find(h, "GJ", 2, &m), 0);
	near(m, 1e3, 0);
}

static void test_factors_parse(void **state)
{
	(void)state;
	struct green_factors g;
	struct cc_error err = {0};
	assert_int_equal(green_factors_parse(&g, "{", &err), CC_EPARSE);
	assert_int_equal(green_factors_parse(&g, "{\"carriers\":[]}", &err), CC_EPARSE);
	assert_int_equal(green_factors_parse(&g,
					     "{\"carriers\":[{\"id\":\"x\",\"unit\":\"kg\","
					     "\"energy\":true,\"kgce\":-1,\"units\":{\"kg\":1}}]}",
					     &err),
			 CC_EPARSE);
	assert_non_null(strstr(err.msg, "kgce"));
	assert_int_equal(green_factors_parse(&g,
					     "{\"carriers\":[{\"id\":\"x\",\"unit\":\"kg\","
					     "\"energy\":true,\"kgce\":1,\"units\":{\"kg\":0}}]}",
					     &err),
			 CC_EPARSE);
	assert_int_equal(green_factors_parse(&g,
					     "{\"carriers\":[{\"id\":\"x\",\"unit\":\"kg\","
					     "\"energy\":true,\"kgce\":2,\"units\":{\"kg\":1}}],"
					     "\"grid\":{\"national\":{\"2020\":0.6},\"provinces\":"
					     "{\"50\":{\"2020\":0.4}}}}",
					     &err),
			 0);
	int prov = 0;
	near(green_grid_factor(&g, 2020, 50, &prov), 0.4, 0);
	assert_int_equal(prov, 1);
	near(green_grid_factor(&g, 2020, 51, &prov), 0.6, 0);
	assert_int_equal(prov, 0);
	green_factors_release(&g);
	/* The nearer year wins: national 2019 and 2023, the province 2021 only. 2020: the
	 * province (one year off each); 2023: the national (0 against 2). */
	assert_int_equal(green_factors_parse(&g,
					     "{\"carriers\":[{\"id\":\"x\",\"unit\":\"kg\","
					     "\"energy\":true,\"kgce\":2,\"units\":{\"kg\":1}}],"
					     "\"grid\":{\"national\":{\"2019\":0.6,\"2023\":0.5},"
					     "\"provinces\":{\"51\":{\"2021\":0.1}}}}",
					     &err),
			 0);
	int used = 0;
	near(green_grid_factor_at(&g, 2020, 51, &prov, &used), 0.1, 0);
	assert_true(prov == 1 && used == 2021);
	near(green_grid_factor_at(&g, 2023, 51, &prov, &used), 0.5, 0);
	assert_true(prov == 0 && used == 2023);
	near(green_grid_factor_at(&g, 2018, 51, &prov, &used), 0.6, 0);
	assert_true(prov == 0 && used == 2019);
	assert_int_equal(g.min_group, 5);
	green_factors_release(&g);
}

static void test_quantile(void **state)
{
	(void)state;
	const double x[] = {1, 2, 3, 4};
	near(green_quantile(x, 4, 0.25), 1.75, 1e-12); /* numpy.quantile([1,2,3,4], .25) */
	near(green_quantile(x, 4, 0.5), 2.5, 1e-12);
	near(green_quantile(x, 4, 0.75), 3.25, 1e-12);
	near(green_quantile(x, 1, 0.9), 1, 0);
	assert_true(isnan(green_quantile(x, 0, 0.5)));
}

/* Percentiles with ties, a group of one, the 3- and 2-digit fallbacks, unranked rows. */
static void test_rank(void **state)
{
	(void)state;
	const char *ind[] = {"C3670", "C3670", "C3670", "C3670", /* a class of 4 with a tie */
			     "C3671",				 /* alone: falls back to C367 */
			     "C3810", "C3820",			 /* C381, C382 small: to C38 */
			     "C3830", "B0610",			 /* B0610 alone even at B06 */
			     NULL,    "C3670", "x"};
	const double v[] = {1, 2, 2, 3, 0.5, 10, 20, 30, 7, 5, NAN, 4};
	struct green_ranking r;
	struct cc_error err = {0};
	assert_int_equal(green_rank(ind, v, 12, 3, &r, &err), 0);
	/* C3670: 1, 2, 2, 3 -> ranks 1, 2, 2, 4 -> (r - 1) / 3. */
	near(r.pct[0], 0, 0);
	near(r.pct[1], 1.0 / 3, 1e-12);
	near(r.pct[2], 1.0 / 3, 1e-12);
	near(r.pct[3], 1, 0);
	const struct green_group *g0 = &r.groups[r.group[0]];
	assert_string_equal(g0->code, "C3670");
	assert_int_equal(g0->level, 4);
	assert_int_equal(g0->n, 4);
	near(g0->q1, 1.75, 1e-12);
	near(g0->median, 2, 1e-12);
	near(g0->q3, 2.25, 1e-12);
	near(g0->p90, 2.7, 1e-12);
	/* C3671 ranks among all of C367 (0.5, 1, 2, 2, 3): the lowest. */
	const struct green_group *g4 = &r.groups[r.group[4]];
	assert_string_equal(g4->code, "C367");
	assert_int_equal(g4->level, 3);
	assert_int_equal(g4->n, 5);
	near(r.pct[4], 0, 0);
	/* C381x: C38 holds 10, 20, 30 -> 0, 0.5, 1. */
	assert_string_equal(r.groups[r.group[5]].code, "C38");
	assert_int_equal(r.group[5], r.group[6]);
	near(r.pct[5], 0, 0);
	near(r.pct[6], 0.5, 1e-12);
	near(r.pct[7], 1, 0);
	/* B0610 alone: its division, marked small, percentile 0. */
	const struct green_group *gb = &r.groups[r.group[8]];
	assert_string_equal(gb->code, "B06");
	assert_true(gb->small);
	near(r.pct[8], 0, 0);
	/* No code, no value, a malformed code: not ranked. */
	assert_true(isnan(r.pct[9]) && r.group[9] == -1);
	assert_true(isnan(r.pct[10]) && r.group[10] == -1);
	assert_true(isnan(r.pct[11]) && r.group[11] == -1);
	green_ranking_release(&r);
	green_ranking_release(NULL);
	/* All equal: every one at 0. */
	const char *same[] = {"C3670", "C3670", "C3670"};
	const double sv[] = {4, 4, 4};
	assert_int_equal(green_rank(same, sv, 3, 1, &r, &err), 0);
	for (int i = 0; i < 3; i++)
		near(r.pct[i], 0, 0);
	green_ranking_release(&r);
	assert_int_equal(green_rank(NULL, NULL, 0, 5, &r, &err), 0);
	assert_int_equal(r.ngroups, 0);
	green_ranking_release(&r);
}

static void write_file(const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int import(struct cc_store *st, const char *name, struct cc_import_result *res)
{
	char p[256], rej[300];
	struct cc_import_opts o = {0};
	struct cc_error err = {0};
	snprintf(p, sizeof p, "%s/%s", dir, name);
	snprintf(rej, sizeof rej, "%s.rejects.csv", p);
	o.kind = CC_KIND_AUTO;
	o.rejects_path = rej;
	int rc = cc_import_file(st, p, &o, res, &err);
	if (rc && rc != CC_EREJECT)
		print_error("import %s: %s\n", name, err.msg);
	return rc;
}

static char *slurp(const char *name)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "rb");
	assert_non_null(f);
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static struct cc_store *setup_store(char a[19], char b[19])
{
	char p[256], text[2048];
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	snprintf(p, sizeof p, "%s/g.db", dir);
	unlink(p);
	assert_int_equal(cc_store_open(&st, p, CC_STORE_CREATE, &err), 0);
	tu_uscc(a, 500112, 1);
	tu_uscc(b, 500112, 2);
	snprintf(text, sizeof text,
		 "uscc,name,region,industry\n%s,甲钢铁,500112,C3110\n%s,乙电子,500112,C3971\n", a,
		 b);
	tu_load(st, dir, "e.csv", text);
	snprintf(text, sizeof text,
		 "uscc,period,output_value,energy_tce\n%s,2023,10000,900\n%s,2024,8000,999\n"
		 "%s,2024,5000,20\n",
		 a, a, b);
	tu_load(st, dir, "i.csv", text);
	return st;
}

/* ---- green_rank against a plain reference on random inputs ---- */

static uint64_t ref_state = 88172645463325252ull;

static uint64_t ref_rnd(void)
{
	ref_state ^= ref_state << 13;
	ref_state ^= ref_state >> 7;
	ref_state ^= ref_state << 17;
	return ref_state;
}

/* A double's bits as an unsigned key in the same order (-0 before +0). */
static uint64_t ref_key(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return (u >> 63) ? ~u : u | (1ull << 63);
}

static int ref_cmp(const void *a, const void *b)
{
	uint64_t x = ref_key(*(const double *)a), y = ref_key(*(const double *)b);
	return (x > y) - (x < y);
}

/* The code's prefix of LEVEL digits when it has them ("C367" for 3 of "C3670"), else "". */
static void ref_prefix(const char *c, int level, char *out)
{
	out[0] = '\0';
	if (!c || c[0] < 'A' || c[0] > 'Z')
		return;
	for (int k = 1; k <= level; k++)
		if (c[k] < '0' || c[k] > '9')
			return;
	memcpy(out, c, (size_t)level + 1);
	out[level + 1] = '\0';
}

/*
 * The ranking as green.h states it, the slow way: each row's level the finest whose code has
 * MG values (else the division); groups numbered as rows first choose them; a group's members
 * every row with a value under its code; members sorted with qsort; PERCENT_RANK with ties at
 * their lowest rank. Checks R (green_rank's answer) against it.
 */
static void ref_check(const char *const *ind, const double *v, int n, int mg,
		      const struct green_ranking *r)
{
	static const int levels[3] = {4, 3, 2};
	char(*pre)[3][8] = malloc(sizeof *pre * (size_t)(n ? n : 1));
	char(*gcode)[8] = malloc(sizeof *gcode * (size_t)(3 * n + 1));
	int *glevel = malloc(sizeof *glevel * (size_t)(3 * n + 1)), ng = 0;
	double *x = malloc(sizeof *x * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++)
		for (int l = 0; l < 3; l++)
			ref_prefix(isfinite(v[i]) ? ind[i] : NULL, levels[l], pre[i][l]);
	for (int i = 0; i < n; i++) {
		int chosen = -1;
		for (int l = 0; l < 3 && chosen < 0; l++) {
			if (!pre[i][l][0])
				continue;
			int c = 0;
			for (int j = 0; j < n; j++)
				c += !strcmp(pre[j][l], pre[i][l]);
			if (c >= mg || l == 2)
				chosen = l;
		}
		int g = -1;
		for (int k = 0; chosen >= 0 && k < ng && g < 0; k++)
			if (glevel[k] == levels[chosen] && !strcmp(gcode[k], pre[i][chosen]))
				g = k;
		if (chosen >= 0 && g < 0) {
			g = ng++;
			glevel[g] = levels[chosen];
			snprintf(gcode[g], 8, "%s", pre[i][chosen]);
		}
		assert_int_equal(r->group[i], g);
		if (g < 0)
			assert_true(isnan(r->pct[i]));
	}
	assert_int_equal(r->ngroups, ng);
	for (int g = 0; g < ng; g++) {
		const struct green_group *gr = &r->groups[g];
		int l = glevel[g] == 4 ? 0 : glevel[g] == 3 ? 1 : 2, m = 0;
		assert_string_equal(gr->code, gcode[g]);
		assert_int_equal(gr->level, glevel[g]);
		for (int j = 0; j < n; j++)
			if (!strcmp(pre[j][l], gcode[g]))
				x[m++] = v[j];
		qsort(x, (size_t)m, sizeof *x, ref_cmp);
		assert_int_equal(gr->n, m);
		assert_int_equal(gr->small, m < mg);
		assert_memory_equal(&gr->min, &x[0], sizeof x[0]);
		assert_memory_equal(&gr->max, &x[m - 1], sizeof x[0]);
		double q[4] = {green_quantile(x, m, 0.25), green_quantile(x, m, 0.5),
			       green_quantile(x, m, 0.75), green_quantile(x, m, 0.9)};
		assert_memory_equal(&gr->q1, &q[0], sizeof q[0]);
		assert_memory_equal(&gr->median, &q[1], sizeof q[0]);
		assert_memory_equal(&gr->q3, &q[2], sizeof q[0]);
		assert_memory_equal(&gr->p90, &q[3], sizeof q[0]);
		for (int i = 0; i < n; i++) {
			if (r->group[i] != g)
				continue;
			int lead = 0;
			while (lead < m && x[lead] < v[i])
				lead++;
			near(r->pct[i], m > 1 ? (double)lead / (m - 1) : 0.0, 0);
		}
	}
	free(pre);
	free(gcode);
	free(glevel);
	free(x);
}

/* Random codes (some malformed, short or NULL), values with ties, NaN, infinities and both
 * zeros, groups from one row to thousands (both of green_rank's sorts), minimum groups 1-8. */
static void test_rank_reference(void **state)
{
	(void)state;
	static const char *const fixed[] = {"C3670", "C3671", "C3672", "C367",	"C36",	 "C3",
					    "X",     "C36A0", "B0610", "B0620", "C1310", "c3110",
					    "C310",  "Z9999", "C3110", "C1311"};
	char codes[48][8];
	for (int k = 0; k < 48; k++) {
		if (k < 16)
			snprintf(codes[k], sizeof codes[k], "%s", fixed[k]);
		else
			snprintf(codes[k], sizeof codes[k], "%c%04d", 'A' + (int)(ref_rnd() % 4),
				 (int)(ref_rnd() % 40) * 7);
	}
	for (int t = 0; t < 60; t++) {
		int n = t < 50 ? (int)(ref_rnd() % 300) : 2000 + (int)(ref_rnd() % 3000);
		int mg = 1 + (int)(ref_rnd() % 8), nc = 1 + (int)(ref_rnd() % 48);
		const char **ind = malloc(sizeof *ind * (size_t)(n + 1));
		double *v = malloc(sizeof *v * (size_t)(n + 1));
		for (int i = 0; i < n; i++) {
			ind[i] = ref_rnd() % 50 == 0 ? NULL : codes[ref_rnd() % (uint64_t)nc];
			uint64_t u = ref_rnd() % 100;
			v[i] = u < 5	? NAN
			       : u < 15 ? 0.05
			       : u < 18 ? -0.0
			       : u < 20 ? 0.0
			       : u < 22 ? -1.5
			       : u < 23 ? INFINITY
					: (double)(ref_rnd() % 100000) / 997.0 *
						  (ref_rnd() % 2 ? 1e-3 : 1e3);
		}
		struct green_ranking r;
		struct cc_error err = {0};
		assert_int_equal(green_rank(ind, v, n, mg, &r, &err), 0);
		ref_check(ind, v, n, mg, &r);
		green_ranking_release(&r);
		free(ind);
		free(v);
	}
}

/* Every bad unit and negative value is a reject; good rows load in canonical units. */
static void test_import_rejects(void **state)
{
	(void)state;
	char a[19], b[19], text[4096];
	struct cc_store *st = setup_store(a, b);
	struct cc_import_result res;
	snprintf(text, sizeof text,
		 "统一社会信用代码,期间,能源品种,消费量,计量单位,工业增加值\n"
		 "%s,2024,electricity,100,万千瓦时,2000\n" /* 2: good */
		 "%s,2024,原煤,2000,吨,\n"		   /* 3: good */
		 "%s,2024,electricity,10,kW,\n"		   /* 4: power is not energy */
		 "%s,2024,coal,-5,t,\n"			   /* 5: negative */
		 "%s,2024,heat,10,t,\n"			   /* 6: steam in tonnes */
		 "%s,2024,steam,10,GJ,\n"		   /* 7: unknown carrier */
		 "%s,2024-03,diesel,1,t,\n"		   /* 8: monthly */
		 "%s,2024,diesel,,t,\n"			   /* 9: no quantity */
		 "%s,2024,diesel,1,t,-3\n"		   /* 10: negative value added */
		 "%s,2024,natural_gas,abc,m3,\n"	   /* 11: not a number */
		 "%s,2024,water,5,kWh,\n"		   /* 12: water in kWh */
		 "%s,2024,natural_gas,1000,,\n",	   /* 13: good: canonical m3 */
		 a, a, a, a, a, a, a, a, a, a, a, a);
	write_file("en.csv", text);
	assert_int_equal(import(st, "en.csv", &res), CC_EREJECT);
	assert_int_equal(res.kind, CC_KIND_ENERGY);
	assert_int_equal(res.accepted, 3);
	assert_int_equal(res.rejected, 9);
	cc_import_result_release(&res);
	const char *rep = slurp("en.csv.rejects.csv");
	assert_non_null(strstr(rep, "4,unit,kW,"));
	assert_non_null(strstr(rep, "5,quantity,'-5,数值不能为负"));
	assert_non_null(strstr(rep, "6,unit,t,"));
	assert_non_null(strstr(rep, "7,carrier,steam,"));
	assert_non_null(strstr(rep, "8,period,2024-03,"));
	assert_non_null(strstr(rep, "9,quantity,,"));
	assert_non_null(strstr(rep, "10,value_added,'-3,"));
	assert_non_null(strstr(rep, "11,quantity,abc,"));
	assert_non_null(strstr(rep, "12,unit,kWh,"));
	/* Canonical units stored; energy_tce is now the carriers' total: 122.9 + 1428.6 + 1.2143.
	 */
	near(cc_store_int(st, "SELECT quantity FROM energy_accounts WHERE carrier='electricity'",
			  0),
	     1000000, 0);
	near(cc_store_int(st, "SELECT quantity FROM energy_accounts WHERE carrier='coal'", 0),
	     2000000, 0);
	near(cc_store_int(st,
			  "SELECT round(energy_tce * 10000) FROM indicators WHERE period = "
			  "202400 AND energy_tce > 100",
			  0),
	     15527143, 0);
	/* Re-importing changes nothing. */
	int64_t before = cc_store_int(st, "SELECT max(seq) FROM changes", 0);
	assert_int_equal(import(st, "en.csv", &res), CC_EREJECT);
	cc_import_result_release(&res);
	assert_int_equal(cc_store_int(st, "SELECT max(seq) FROM changes", 0), before);
	/* Carriers win: an indicators file's energy_tce for that year is put back. */
	snprintf(text, sizeof text, "uscc,period,energy_tce,output_value\n%s,2024,1,8000\n", a);
	write_file("i2.csv", text);
	assert_int_equal(import(st, "i2.csv", &res), 0);
	cc_import_result_release(&res);
	near(cc_store_int(st,
			  "SELECT round(energy_tce * 10000) FROM indicators i JOIN "
			  "enterprises e ON e.id = i.enterprise_id WHERE period = 202400 AND "
			  "e.name = '甲钢铁'",
			  0),
	     15527143, 0);
	/* ... while a year without carriers keeps what was imported. */
	near(cc_store_int(st,
			  "SELECT energy_tce FROM indicators i JOIN enterprises e ON e.id = "
			  "i.enterprise_id WHERE period = 202300 AND e.name = '甲钢铁'",
			  0),
	     900, 0);
	/* Deleting the carriers leaves energy_tce unknown (no carrier, no figure). */
	assert_int_equal(
		cc_store_exec(st, "DELETE FROM energy_accounts WHERE carrier <> 'water'", NULL), 0);
	assert_int_equal(cc_store_int(st,
				      "SELECT count(*) FROM indicators WHERE period = 202400 "
				      "AND energy_tce IS NULL",
				      0),
			 1);
	cc_store_close(st);
}

/* An enterprise's account: totals, intensities per output and value added, year on year. */
static void test_account(void **state)
{
	(void)state;
	char a[19], b[19], text[2048];
	struct cc_store *st = setup_store(a, b);
	snprintf(text, sizeof text,
		 "uscc,period,carrier,quantity,unit,value_added\n"
		 "%s,2024,electricity,1000,MWh,2000\n"
		 "%s,2024,coal,2000,t,\n"
		 "%s,2024,renewable,100,MWh,\n"
		 "%s,2024,water,5,万吨,\n",
		 a, a, a, a);
	tu_load(st, dir, "acc.csv", text);
	struct green_account acc;
	struct cc_error err = {0};
	int64_t id = cc_store_int(st, "SELECT id FROM enterprises WHERE name = '甲钢铁'", 0);
	assert_int_equal(green_account_read(st, factors(), id, 500112, &acc, &err), 0);
	assert_int_equal(acc.n, 2);
	const struct green_year *y23 = &acc.years[0], *y = &acc.years[1];
	assert_int_equal(y23->year, 2023);
	assert_int_equal(y23->carriers, 0);
	near(y23->tce, 900, 0); /* imported, no carriers */
	assert_true(isnan(y23->co2));
	assert_int_equal(y->year, 2024);
	assert_int_equal(y->carriers, 4);
	/* 122.9 + 1428.6 + 12.29 */
	near(y->tce, 1563.79, 1e-9);
	near(y->tce_renewable, 12.29, 1e-9);
	/* Equal value: 1.1 GWh at 302.0 gce/kWh (2024) = 332.2, + 1428.6. */
	near(y->tce_equal, 1760.8, 1e-9);
	/* Chongqing (500112) in 2024: the provincial factor of 2023, 0.5581, stated. */
	assert_int_equal(y->grid_provincial, 1);
	assert_int_equal(y->grid_year, 2023);
	near(y->grid_factor, 0.5581, 1e-12);
	near(y->co2, 558.1 + 3800.597696, 1e-5);
	near(y->water, 50000, 0);
	near(y->energy_per_output, 1563.79 / 8000, 1e-12);
	near(y->energy_per_va, 1563.79 / 2000, 1e-12);
	near(y->carbon_per_output, (558.1 + 3800.597696) / 8000, 1e-8);
	near(y->tce_yoy, 1563.79 / 900 - 1, 1e-12);
	near(y->energy_per_output_yoy, (1563.79 / 8000) / (900.0 / 10000) - 1, 1e-12);
	assert_true(isnan(y->co2_yoy));
	green_account_release(&acc);
	green_account_release(NULL);

	/* The screen: 甲 is over the limit (0.195 < 1.0, so not) but output fell and intensity
	 * rose; 乙 is not flagged. */
	struct cc_frame *f = NULL;
	assert_int_equal(cc_frame_build(st, 0, &f, &err), 0);
	struct green_screen s;
	assert_int_equal(green_screen_run(st, f, factors(), 2024, 0.1, &s, &err), 0);
	assert_int_equal(s.year, 2024);
	assert_int_equal(s.nflagged, 1);
	assert_int_equal(s.flags[0].by_criteria, 1);
	assert_string_equal(f->uscc[s.flags[0].i], a);
	/* A compliance flag of 2024 flags 乙 too, with the flag as its reason; a bad flag file's
	 * rows are rejected (unknown kind, monthly period, empty kind). */
	green_screen_release(&s);
	snprintf(text, sizeof text,
		 "统一社会信用代码,期间,问题类型,情况说明,依据文号\n"
		 "%s,2024,环保,废水超标,渝环罚〔2024〕1号\n"
		 "%s,2024,noise,,\n"
		 "%s,2024-05,safety,,\n"
		 "%s,2024,,,\n",
		 b, b, b, b);
	write_file("flags.csv", text);
	struct cc_import_result res;
	assert_int_equal(import(st, "flags.csv", &res), CC_EREJECT);
	assert_int_equal(res.kind, CC_KIND_FLAGS);
	assert_int_equal(res.accepted, 1);
	assert_int_equal(res.rejected, 3);
	cc_import_result_release(&res);
	assert_int_equal(green_screen_run(st, f, factors(), 2024, 0.1, &s, &err), 0);
	assert_int_equal(s.nflagged, 2);
	int found = 0;
	for (int k = 0; k < s.n; k++)
		if (!strcmp(f->uscc[s.flags[k].i], b)) {
			found = 1;
			assert_int_equal(s.flags[k].by_flags, 1); /* kind 0: environment */
			assert_int_equal(s.flags[k].by_criteria, 0);
		}
	assert_true(found);
	assert_int_equal(s.nrecords, 1);
	assert_string_equal(s.records[0].description, "废水超标");
	/* Green manufacturing recognitions: kinds and levels by id or Chinese name; rejects. */
	snprintf(text, sizeof text,
		 "uscc,recognition,level,year,name\n"
		 "%s,绿色工厂,国家级,2023,\n"
		 "%s,green_design_product,municipal,2024,节能电机\n"
		 "%s,green_mine,national,2024,\n"
		 "%s,green_factory,provincial,2024,\n"
		 "%s,green_factory,national,24,\n",
		 a, b, a, a, a);
	write_file("rec.csv", text);
	assert_int_equal(import(st, "rec.csv", &res), CC_EREJECT);
	assert_int_equal(res.kind, CC_KIND_RECOGNITIONS);
	assert_int_equal(res.accepted, 2);
	assert_int_equal(res.rejected, 3);
	cc_import_result_release(&res);
	assert_int_equal(cc_store_int(st,
				      "SELECT count(*) FROM green_recognitions WHERE kind = "
				      "'green_factory' AND level = 'national' AND year = 2023",
				      0),
			 1);
	/* Roll-up by district: one district, both firms. */
	struct green_rollup *rows = NULL;
	int nr = green_rollup_run(f, 2024, NULL, NULL, 0, NULL, &rows);
	assert_int_equal(nr, 1);
	assert_int_equal(rows[0].key, 500112);
	assert_int_equal(rows[0].firms, 2);
	near(rows[0].intensity, (1563.79 + 20) / 13000, 1e-12);
	free(rows);
	green_screen_release(&s);
	green_screen_release(NULL);
	cc_frame_release(f);
	cc_store_close(st);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tce),
		cmocka_unit_test(test_co2),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_factors_parse),
		cmocka_unit_test(test_quantile),
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_rank_reference),
		cmocka_unit_test(test_import_rejects),
		cmocka_unit_test(test_account),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
