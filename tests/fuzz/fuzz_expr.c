/*
 * libFuzzer target for the expression language over arbitrary bytes. The input is copied to an
 * exact-size heap block so that any read past the given length is caught by AddressSanitizer.
 *
 * A parse error must carry a message and a position inside the input, and the caret helper
 * must draw it. A parsed expression is evaluated on a tiny hand-built frame whose cells hold
 * every awkward value (unknown, zero, negative, huge, missing years, bad dates, codes the
 * frame does not define), at several reference years including ones outside the frame, and
 * the results must agree: the column evaluation with the one-enterprise evaluation (value and
 * truth), explain with the clause count, and the near-miss evaluation must never be worse than
 * the strict one (relaxing clauses only moves them toward what helps the whole, and Kleene's
 * and/or/not are monotone).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "eval/expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N     7
#define YEARS 4

static struct cc_frame *frame;

/* A frame of N enterprises over 2020..2023, built by hand (never freed: lives for the run). */
static struct cc_frame *tiny_frame(void)
{
	static const double cells[] = {NAN, 0.0, 1.0, -3.5, 0.05, 1e300, 2000.0, 1e-300, 7.0};
	static const int32_t founded[N] = {20221231, 0,	       20200229, 20231399,
					   19991301, 20250101, 10000101};
	static const int32_t region[N] = {500112, 510116, 0, 440305, 500107, -1, 999999};
	static const uint8_t scale[N] = {0, 1, 2, 3, 4, 5, 255};
	static const uint8_t listed[N] = {0, 1, 2, 3, 6, 7, 255};
	static const uint8_t certs[N] = {0, 1, 2, 31, 255, 16, 8};
	struct cc_frame *f = calloc(1, sizeof *f);
	if (!f)
		abort();
	f->refs = 1;
	f->n = N;
	f->year0 = 2020;
	f->nyears = YEARS;
	f->founded = malloc(sizeof founded);
	f->region = malloc(sizeof region);
	f->scale = malloc(sizeof scale);
	f->listed = malloc(sizeof listed);
	f->certs = malloc(sizeof certs);
	if (!f->founded || !f->region || !f->scale || !f->listed || !f->certs)
		abort();
	memcpy(f->founded, founded, sizeof founded);
	memcpy(f->region, region, sizeof region);
	memcpy(f->scale, scale, sizeof scale);
	memcpy(f->listed, listed, sizeof listed);
	memcpy(f->certs, certs, sizeof certs);
	for (int m = 0; m < CC_M_COUNT; m++) {
		f->annual[m] = malloc(sizeof(double) * N * YEARS);
		if (!f->annual[m])
			abort();
		for (int k = 0; k < N * YEARS; k++)
			f->annual[m][k] =
				cells[(size_t)(k * 7 + m * 3) % (sizeof cells / sizeof cells[0])];
	}
	return f;
}

static int same(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int years[] = {0, 2019, 2021, 2023, 2030, -5, 2147483647};
	char *s = malloc(size ? size : 1);
	struct expr *e = NULL;
	struct expr_where w;
	struct cc_error err;
	if (!s)
		return 0;
	if (size)
		memcpy(s, data, size);
	if (!frame)
		frame = tiny_frame();
	err.msg[0] = '\0';
	int rc = expr_parse(s, size, 0, &e, &w, &err);
	if (rc) {
		struct cc_buf b = CC_BUF_INIT(1 << 16);
		if (rc != CC_EPARSE || e || err.msg[0] == '\0' || w.offset > size || w.column < 1 ||
		    w.line < 1)
			abort();
		if (strncmp(err.msg, "error at ", 9) != 0)
			abort();
		if (expr_caret(&b, s, size, w.offset) != 0)
			abort();
		cc_buf_release(&b);
		free(s);
		return 0;
	}
	double values[N], v;
	uint8_t state[N], relaxed[N], zero[N];
	struct expr_clause_result cl[16];
	int nclauses = expr_clause_count(e);
	int cond = expr_type(e) == EXPR_CONDITION;
	if (strlen(expr_source(e)) > size || (!cond && nclauses != 0))
		abort();
	for (size_t y = 0; y < sizeof years / sizeof years[0]; y++) {
		if (expr_eval_column(e, frame, years[y], values, state, NULL) != 0)
			abort();
		if (cond && (expr_near_miss_column(e, frame, years[y], 0.1, relaxed, NULL) != 0 ||
			     expr_near_miss_column(e, frame, years[y], 0, zero, NULL) != 0))
			abort();
		for (int i = 0; i < N; i++) {
			int t = expr_eval_one(e, frame, i, years[y], &v);
			if (t != state[i] || t > EXPR_TRUE || !same(v, values[i]))
				abort();
			if (cond && (relaxed[i] < state[i] || zero[i] < state[i] ||
				     relaxed[i] != expr_near_miss_one(e, frame, i, years[y], 0.1)))
				abort();
			if (!cond && (t == EXPR_UNKNOWN) != (isnan(v) != 0))
				abort();
			if (!cond && isinf(v))
				abort();
			if (expr_explain(e, frame, i, years[y], cl, 16) != nclauses)
				abort();
			for (int k = 0; k < nclauses && k < 16; k++) {
				if (!cl[k].text || cl[k].truth > EXPR_TRUE ||
				    cl[k].op > EXPR_OP_TEST || cl[k].offset > size ||
				    cl[k].column < 1)
					abort();
				if (cl[k].truth == EXPR_UNKNOWN && !isnan(cl[k].gap))
					abort();
				double r = expr_relative_gap(&cl[k]);
				if (!isnan(r) && r < 0)
					abort();
			}
		}
	}
	/* An enterprise outside the frame. */
	if (expr_eval_one(e, frame, N, 0, &v) != EXPR_UNKNOWN || !isnan(v))
		abort();
	if (expr_explain(e, frame, -1, 0, cl, 16) != nclauses)
		abort();
	expr_free(e);
	free(s);
	return 0;
}
