/*
 * libFuzzer target for green/ and digital/ (issue 16): the first byte chooses a path.
 *   0 (mod 4): the rest is a factors file (data/green/factors.json's format): it parses or is
 *              refused with a message; a parsed one has carriers with units above 0.
 *   1: the rest is a maturity model file (data/digital/maturity.json's format), then scored
 *      with every question answered 0.8: the level is 0-5 and the score within [level, 6).
 *   2: the rest is an assessment body as PUT /api/v1/enterprises/{uscc}/digital/{year} takes
 *      it, against the shipped model: accepted answers are the model's values, rates in [0, 1].
 *   3: the rest is pairs of (industry byte, double) for green_rank: percentiles in [0, 1] or
 *      NaN, every ranked row in a group whose quartiles are ordered.
 */
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "digital/digital.h"
#include "green/green.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *text_of(const uint8_t *d, size_t n)
{
	char *t = malloc(n + 1);
	if (!t)
		abort();
	memcpy(t, d, n);
	t[n] = '\0';
	return t;
}

static void factors(const uint8_t *d, size_t n)
{
	char *t = text_of(d, n);
	struct green_factors g;
	struct cc_error err = {0};
	if (green_factors_parse(&g, t, &err) == 0) {
		for (int c = 0; c < g.ncarriers; c++)
			for (int u = 0; u < g.carriers[c].nunits; u++)
				if (!(g.carriers[c].units[u].mult > 0))
					abort();
		green_factors_release(&g);
	} else if (!err.msg[0]) {
		abort();
	}
	free(t);
}

static void model(const uint8_t *d, size_t n)
{
	char *t = text_of(d, n);
	struct digital_model m;
	struct cc_error err = {0};
	if (digital_model_parse(&m, t, &err) == 0) {
		double a[DIGITAL_MAX_QUESTIONS];
		struct digital_result r;
		for (int i = 0; i < DIGITAL_MAX_QUESTIONS; i++)
			a[i] = 0.8;
		digital_score(&m, a, &r);
		if (r.level < 0 || r.level > DIGITAL_LEVELS || r.score < r.level ||
		    r.score >= r.level + 1.0000001 || r.ngaps > m.nquestions)
			abort();
		digital_model_release(&m);
	} else if (!err.msg[0]) {
		abort();
	}
	free(t);
}

static void body(const uint8_t *d, size_t n)
{
	const struct digital_model *m = digital_model_get(NULL);
	if (!m)
		return;
	json_t *j = json_loadb((const char *)d, n, JSON_REJECT_DUPLICATES, NULL);
	if (!j)
		return;
	struct digital_assessment a;
	struct cc_error err = {0};
	char field[96];
	if (digital_parse_body(m, j, &a, field, &err) == 0) {
		for (int i = 0; i < m->nquestions; i++)
			if (!isnan(a.answers[i]) && !digital_answer_ok(m, a.answers[i]))
				abort();
		if (a.cnc_rate < 0 || a.cnc_rate > 1)
			abort();
	} else if (!err.msg[0]) {
		abort();
	}
	json_decref(j);
}

static void rank(const uint8_t *d, size_t n)
{
	static const char *const codes[8] = {"C3670", "C3671", "C3610", "C3810",
					     "B0610", "C36",   "x",	NULL};
	int m = (int)(n / 9);
	const char **ind = malloc(sizeof *ind * (size_t)(m ? m : 1));
	double *v = malloc(sizeof *v * (size_t)(m ? m : 1));
	for (int i = 0; i < m; i++) {
		ind[i] = codes[d[9 * i] % 8];
		memcpy(&v[i], d + 9 * i + 1, 8);
	}
	struct green_ranking r;
	struct cc_error err = {0};
	if (green_rank(ind, v, m, 1 + (m % 4), &r, &err) == 0) {
		for (int i = 0; i < m; i++) {
			if (r.group[i] < 0)
				continue;
			const struct green_group *g = &r.groups[r.group[i]];
			if (!(r.pct[i] >= 0 && r.pct[i] <= 1) || !(g->q1 <= g->median) ||
			    !(g->median <= g->q3) || g->n < 1)
				abort();
		}
		green_ranking_release(&r);
	}
	free(ind);
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0: factors(data + 1, size - 1); break;
	case 1: model(data + 1, size - 1); break;
	case 2: body(data + 1, size - 1); break;
	default: rank(data + 1, size - 1); break;
	}
	return 0;
}
