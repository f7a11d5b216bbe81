/*
 * libFuzzer target for eval/mcda: the first byte chooses a path.
 *   0 (mod 3): the rest is a decision-matrix file as `chainchief mcda` reads it (CSV text);
 *              when it reads, every weighting, method and normalisation runs on it.
 *   1: the rest is an AHP pairwise-comparison CSV for (byte 1 mod 16) criteria.
 *   2: the rest is raw doubles (any bit pattern: NaN, infinities, subnormals, 1e308) for a
 *      matrix of (byte 1 mod 8) + 1 rows by (byte 2 mod 8) + 1 columns, with directions from
 *      byte 3.
 * Promises checked: no crash; an error always carries a message; a successful run has finite
 * scores, ranks from 1 to m with rank 1 present and ranks ordered as the scores; weights are
 * finite, >= 0 and sum to 1; sensitivity moves stay within m - 1.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eval/mcda.h"
#include "io/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_weights(const double *w, int n)
{
	double total = 0;
	for (int j = 0; j < n; j++) {
		if (!isfinite(w[j]) || w[j] < 0)
			abort();
		total += w[j];
	}
	if (fabs(total - 1) > 1e-9)
		abort();
}

static void check_result(const struct eval_result *r, int method)
{
	int have_first = 0;
	for (int i = 0; i < r->m; i++) {
		if (!isfinite(r->scores[i]) || r->ranks[i] < 1 || r->ranks[i] > r->m)
			abort();
		if (r->ranks[i] == 1)
			have_first = 1;
	}
	if (!have_first)
		abort();
	/* A strictly better rank never has a worse score. */
	for (int i = 0; i + 1 < r->m && i < 64; i++)
		for (int k = i + 1; k < r->m && k < 64; k++) {
			double a = r->scores[i], b = r->scores[k];
			if (method == EVAL_VIKOR) {
				a = -a;
				b = -b;
			}
			if (r->ranks[i] < r->ranks[k] && a < b)
				abort();
			if (r->ranks[k] < r->ranks[i] && b < a)
				abort();
		}
	check_weights(r->weights, r->n);
	if (method == EVAL_VIKOR && (r->ncompromise < 1 || r->ncompromise > r->m))
		abort();
}

static void run_all(const struct eval_matrix *mx, const double *given)
{
	int n = mx->n;
	double *w = malloc(sizeof *w * (size_t)n);
	if (!w)
		return;
	for (int k = 0; k < 4; k++) {
		struct cc_error err = {0};
		int rc = 0;
		if (k == 0)
			eval_weights_equal(n, w);
		else if (k == 1)
			rc = eval_weights_entropy(mx, w, &err);
		else if (k == 2)
			rc = eval_weights_critic(mx, w, &err);
		else if (given)
			rc = eval_weights_given(given, n, w, &err);
		else
			continue;
		if (rc) {
			if (!err.msg[0])
				abort();
			continue;
		}
		check_weights(w, n);
		for (int method = 0; method < 3; method++)
			for (int norm = 0; norm < 5; norm++) {
				struct eval_options o = {method, norm, 0.5};
				struct eval_result r;
				struct cc_error e2 = {0};
				if (method == EVAL_VIKOR && norm > 0)
					break; /* VIKOR ignores the normalisation */
				if (eval_run(mx, w, &o, &r, &e2)) {
					if (!e2.msg[0])
						abort();
					continue;
				}
				check_result(&r, method);
				if (k == 0 && norm == 0 && (size_t)mx->m * (size_t)n <= 64) {
					struct eval_sensitivity s;
					if (eval_sensitivity_run(mx, w, &o, r.ranks, &s, &e2) ==
					    0) {
						for (int i = 0; i < mx->m; i++)
							if (s.max_move[i] < 0 ||
							    s.max_move[i] > mx->m - 1)
								abort();
						eval_sensitivity_release(&s);
					}
				}
				eval_result_release(&r);
			}
	}
	free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int mode = data[0] % 3;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	if (mode == 0) {
		struct cc_table *t = NULL;
		struct eval_dataset d;
		struct cc_error err = {0};
		if (cc_table_open_mem(&t, p, n, &err))
			return 0;
		int rc = eval_dataset_read(&d, t, &err);
		cc_table_free(t);
		if (rc) {
			if (!err.msg[0])
				abort();
			return 0;
		}
		if ((size_t)d.mx.m * (size_t)d.mx.n <= 4096)
			run_all(&d.mx, d.weights);
		eval_dataset_release(&d);
	} else if (mode == 1) {
		if (n < 1)
			return 0;
		int k = p[0] % 16;
		char names[16][8], *ptrs[16];
		for (int j = 0; j < 16; j++) {
			snprintf(names[j], sizeof names[j], "C%d", j + 1);
			ptrs[j] = names[j];
		}
		struct cc_table *t = NULL;
		struct cc_error err = {0};
		double a[225], w[15];
		if (cc_table_open_mem(&t, p + 1, n - 1, &err))
			return 0;
		int rc = eval_ahp_read(t, k, ptrs, a, &err);
		cc_table_free(t);
		if (rc) {
			if (!err.msg[0])
				abort();
			return 0;
		}
		struct eval_ahp info;
		rc = eval_weights_ahp(a, k, w, &info, &err);
		if (rc && !err.msg[0])
			abort();
		if (rc == 0 || info.lambda_max > 0) {
			check_weights(w, k);
			if (rc == 0 && info.cr > EVAL_AHP_MAX_CR)
				abort();
		}
	} else {
		if (n < 3)
			return 0;
		int m = p[0] % 8 + 1, c = p[1] % 8 + 1;
		int benefit[8];
		for (int j = 0; j < 8; j++)
			benefit[j] = (p[2] >> j) & 1;
		double x[64];
		size_t cells = (size_t)m * (size_t)c;
		memset(x, 0, sizeof x);
		size_t avail = (n - 3) / sizeof(double);
		if (avail > cells)
			avail = cells;
		memcpy(x, p + 3, avail * sizeof(double));
		struct eval_matrix mx = {m, c, x, benefit, NULL};
		run_all(&mx, NULL);
	}
	return 0;
}
