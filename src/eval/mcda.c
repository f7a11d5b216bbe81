/*
 * Multi-criteria decision analysis over a dense matrix (see mcda.h for every convention).
 *
 * Built for a million alternatives by a dozen criteria: the matrix is never copied unless a
 * cell is missing, no normalised matrix is materialised (each normalisation is an affine map
 * per column, applied on the fly inside the scoring pass), loops run row by row over
 * contiguous memory with per-column accumulators, and ranking is a radix sort. Sums are
 * accumulated in blocks of rows so that rounding error grows with the block count, not with
 * m. Each column is scaled by an exact power of two that brings its largest magnitude into
 * [0.5, 1) before sums of squares are formed, so no finite input overflows.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/header.h"
#include "base/parse.h"
#include "base/bigmem.h"
#include "base/vlog.h"
#include "base/text.h"
#include "eval/mcda.h"
#include "io/table.h"

/* Rows per block of the blocked sums. */
#define BLOCK 2048
/* A block's totals keep N columns padded to a multiple of 4 (the vector passes' width). */
#define PADDED(n) (((size_t)(n) + 3) & ~(size_t)3)

/*
 * Passes over a large matrix run on two threads (the machine's cores), each over half of the
 * rows: par_rows(M, FN, ARG) calls FN(ARG, lo, hi) for [0, h) on the calling thread and [h, M)
 * on another, h a multiple of BLOCK. Results do not depend on the split: extremes and counts
 * are merged exactly, blocked sums keep each block's total (block_sums) and add them in block
 * order as one thread would, and per-row results are the row's own.
 */
#define PAR_MIN_ROWS 65536

struct par_job {
	void (*fn)(void *, int, int);
	void *arg;
	int lo, hi;
};

static void *par_main(void *a)
{
	struct par_job *j = a;
	j->fn(j->arg, j->lo, j->hi);
	return NULL;
}

static void par_rows(int m, void (*fn)(void *, int, int), void *arg)
{
	if (m < PAR_MIN_ROWS) {
		fn(arg, 0, m);
		return;
	}
	int h = (m / 2 + BLOCK - 1) / BLOCK * BLOCK;
	struct par_job j = {fn, arg, h, m};
	pthread_t th;
	int two = pthread_create(&th, NULL, par_main, &j) == 0;
	fn(arg, 0, h);
	if (two)
		pthread_join(th, NULL);
	else
		fn(arg, h, m);
}

const double eval_sens_steps[EVAL_SENS_STEPS] = {-0.20, -0.10, 0.10, 0.20};

int eval_norm_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "vector") == 0)
		return EVAL_NORM_VECTOR;
	if (strcmp(s, "minmax") == 0 || strcmp(s, "min-max") == 0)
		return EVAL_NORM_MINMAX;
	if (strcmp(s, "max") == 0)
		return EVAL_NORM_MAX;
	if (strcmp(s, "sum") == 0)
		return EVAL_NORM_SUM;
	if (strcmp(s, "zscore") == 0 || strcmp(s, "z-score") == 0)
		return EVAL_NORM_ZSCORE;
	return -1;
}

const char *eval_norm_name(int norm)
{
	switch (norm) {
	case EVAL_NORM_VECTOR: return "vector";
	case EVAL_NORM_MINMAX: return "minmax";
	case EVAL_NORM_MAX: return "max";
	case EVAL_NORM_SUM: return "sum";
	case EVAL_NORM_ZSCORE: return "zscore";
	default: return "?";
	}
}

int eval_method_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "topsis") == 0)
		return EVAL_TOPSIS;
	if (strcmp(s, "vikor") == 0)
		return EVAL_VIKOR;
	if (strcmp(s, "wsum") == 0)
		return EVAL_WSUM;
	return -1;
}

const char *eval_method_name(int method)
{
	switch (method) {
	case EVAL_TOPSIS: return "topsis";
	case EVAL_VIKOR: return "vikor";
	case EVAL_WSUM: return "wsum";
	default: return "?";
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Preparation: checks, column extremes, imputation of missing cells, scaling.              */

/*
 * What every computation starts from: the matrix to read (the caller's, or a private copy
 * with missing cells imputed), each column's extremes and its power-of-two scale.
 */
struct prep {
	int m, n;
	const double *x;
	double *copy;  /* owned when cells were missing */
	double *min;   /* n, raw units */
	double *max;   /* n */
	double *scale; /* n: exact power of two with max |x| * scale in [0.5, 1), or 1 */
	double *smin;  /* n: min * scale */
	double *smax;  /* n: max * scale */
	/* n each, set when the extremes pass also summed y, y^2 and y ln y (prep_init's SUMS;
	 * missing cells counted as their imputed value), else NULL */
	double *sy, *sy2, *sylny;
	double *buf;		/* one allocation behind the arrays above */
	struct eval_memo *memo; /* the matrix's memo (owns copy and buf then), or NULL */
};

/* What eval_matrix.memo keeps (mcda.h): the prep of the matrix it was made for, and the column
 * sums of y and y^2 once a pass has given them. */
struct eval_memo {
	const double *x;
	int m, n;
	const int *benefit;
	int have_prep, have_sums;
	struct prep p;
	double *sy, *sy2; /* n each, one allocation */
};

struct eval_memo *eval_memo_new(void)
{
	return calloc(1, sizeof(struct eval_memo));
}

void eval_memo_free(struct eval_memo *memo)
{
	if (!memo)
		return;
	free(memo->p.copy);
	free(memo->p.buf);
	free(memo->sy);
	free(memo);
}

/* MX's memo when it was made for MX's matrix or is still empty, else NULL. */
static struct eval_memo *memo_of(const struct eval_matrix *mx)
{
	struct eval_memo *mm = mx ? mx->memo : NULL;
	if (!mm)
		return NULL;
	if (!mm->have_prep)
		return mm;
	return mm->x == mx->x && mm->m == mx->m && mm->n == mx->n && mm->benefit == mx->benefit
		       ? mm
		       : NULL;
}

static void prep_release(struct prep *p)
{
	if (!p->memo) {
		free(p->copy);
		free(p->buf);
	}
	memset(p, 0, sizeof *p);
}

int eval_matrix_check(const struct eval_matrix *mx, struct cc_error *err)
{
	if (!mx || !mx->x || !mx->benefit)
		return cc_error_set(err, CC_EINVAL, "decision matrix missing");
	if (mx->m < 1 || mx->n < 1)
		return cc_error_set(err, CC_EINVAL,
				    "decision matrix is empty (%d alternatives, %d "
				    "criteria)",
				    mx->m, mx->n);
	if ((size_t)mx->m > SIZE_MAX / sizeof(double) / (size_t)mx->n)
		return cc_error_set(err, CC_EINVAL, "decision matrix too large");
	for (int j = 0; j < mx->n; j++)
		if (mx->benefit[j] != 0 && mx->benefit[j] != 1)
			return cc_error_set(err, CC_EINVAL,
					    "criterion %d: direction must be 1 (max) or 0 (min)",
					    j + 1);
	return 0;
}

/* Each column's extremes and missing cells over a part of the rows: part 0 is the rows from
 * 0, part 1 those from the split (par_rows). */
struct extremes_job {
	const double *x;
	int n;
	struct {
		double *min, *max;
		int *missing;
	} part[2];
};

/*
 * Adds the four cells A (no NaN) of columns J.. to their column sums: S of a, R of a^2, Q of
 * a ln a (0 ln 0 = 0; a negative cell adds nothing to Q) with base/vlog.h's logarithm (within
 * one unit in the last place of libm's); a subnormal cell takes libm's log. The stats pass
 * and the entropy pass both add through here, so that the same cells give the same sums.
 */
static inline __attribute__((always_inline)) void sums4(cc_v4d a, cc_v4d *s, cc_v4d *q, cc_v4d *r)
{
	*s += a;
	*r += a * a;
	cc_v4l ok = cc_vlog_ok(a);
	cc_v4l t = (cc_v4l)(a * cc_vlog(a)) & ok;
	*q += (cc_v4d)t;
	cc_v4l odd = (a > cc_v4d_splat(0)) & ~ok;
	if (odd[0] | odd[1] | odd[2] | odd[3])
		for (int l = 0; l < 4; l++)
			if (odd[l] && a[l] < DBL_MIN)
				(*q)[l] += a[l] * log(a[l]);
}

/*
 * The extremes pass that also sums x, x^2 and x ln x (0 ln 0 = 0; negative cells add nothing
 * to the last) of each column over rows [I0, I1) into S, R and Q, four columns at a time with
 * base/vlog.h's logarithm: the entropy weights then need no pass of their own. MN, MX and
 * MISS as extremes_rows keeps them; every array PADDED. Cells that are NaN (missing) add to
 * MISS only. A subnormal x takes libm's log.
 */
CC_VEC_CLONES
static void stats_block(const double *x, int n, int i0, int i1, double *s, double *q, double *r,
			double *mn, double *mx, int64_t *miss)
{
	const cc_v4d zero = cc_v4d_splat(0);
	const cc_v4l one = {1, 1, 1, 1};
	/* Four columns at a time over the block's rows (in L2 after the first four), the sums
	 * and extremes in registers: each column still adds its rows in order. */
	for (int j = 0; j < n; j += 4) {
		cc_v4d ss = cc_v4d_load(s + j), qq = cc_v4d_load(q + j), rr = cc_v4d_load(r + j);
		cc_v4d lo = cc_v4d_load(mn + j), hi = cc_v4d_load(mx + j);
		cc_v4l c;
		memcpy(&c, miss + j, sizeof c);
		for (int i = i0; i < i1; i++) {
			const double *row = x + (size_t)i * (size_t)n;
			cc_v4d v = zero;
			if (j + 4 <= n)
				v = cc_v4d_load(row + j);
			else /* the last columns: the other lanes stay 0 and are never read */
				memcpy(&v, row + j, sizeof(double) * (size_t)(n - j));
			cc_v4l num = v == v, lt, gt;
			cc_v4d a = (cc_v4d)((cc_v4l)v & num); /* NaN adds 0 */
			lt = v < lo;
			gt = v > hi;
			lo = (cc_v4d)(((cc_v4l)v & lt) | ((cc_v4l)lo & ~lt));
			hi = (cc_v4d)(((cc_v4l)v & gt) | ((cc_v4l)hi & ~gt));
			c += ~num & one;
			sums4(a, &ss, &qq, &rr);
		}
		cc_v4d_store(s + j, ss);
		cc_v4d_store(q + j, qq);
		cc_v4d_store(r + j, rr);
		cc_v4d_store(mn + j, lo);
		cc_v4d_store(mx + j, hi);
		memcpy(miss + j, &c, sizeof c);
	}
}

/* The stats pass (par_rows): blocked sums as block_sums keeps them, extremes per part. */
struct stats_job {
	const double *x;
	int n;
	double *tot; /* 3 PADDED(n) per BLOCK rows: x, x ln x, x^2 */
	struct {
		double *min, *max;
		int64_t *missing;
	} part[2];
};

static void stats_rows(void *arg, int lo, int hi)
{
	struct stats_job *e = arg;
	int k = lo == 0 ? 0 : 1;
	size_t nn = PADDED(e->n);
	for (int i0 = lo; i0 < hi; i0 += BLOCK) {
		int i1 = i0 + BLOCK < hi ? i0 + BLOCK : hi;
		double *s = e->tot + (size_t)(i0 / BLOCK) * 3 * nn, *q = s + nn, *r = q + nn;
		stats_block(e->x, e->n, i0, i1, s, q, r, e->part[k].min, e->part[k].max,
			    e->part[k].missing);
	}
}

static void extremes_rows(void *arg, int lo, int hi)
{
	struct extremes_job *e = arg;
	int n = e->n, k = lo == 0 ? 0 : 1;
	double *mn = e->part[k].min, *mx = e->part[k].max;
	int *miss = e->part[k].missing;
	for (int i = lo; i < hi; i++) {
		const double *row = e->x + (size_t)i * (size_t)n;
		for (int j = 0; j < n; j++) {
			double v = row[j];
			if (v != v) {
				miss[j]++;
				continue;
			}
			mn[j] = v < mn[j] ? v : mn[j];
			mx[j] = v > mx[j] ? v : mx[j];
		}
	}
}

/* Fills P for MX (with the column sums when SUMS); returns 0 or a negative CC_E* with ERR
 * set. */
static int prep_compute(struct prep *p, const struct eval_matrix *mx, int sums,
			struct cc_error *err);

/* P for MX: the memo's, or computed (and kept in the memo). SUMS asks the extremes pass for
 * the column sums too (p->sy ...), which the entropy weights read; a memo made without them
 * stays as it is (the caller then makes its own pass). */
static int prep_init(struct prep *p, const struct eval_matrix *mx, int sums, struct cc_error *err)
{
	struct eval_memo *mm = memo_of(mx);
	if (mm && mm->have_prep) {
		*p = mm->p;
		return 0;
	}
	int rc = prep_compute(p, mx, sums, err);
	if (rc == 0 && mm && p->sy && !mm->have_sums) {
		/* the memo keeps sum y and sum y^2 for a vector normalisation next */
		mm->sy = malloc(sizeof(double) * 2 * (size_t)p->n);
		if (mm->sy) {
			mm->sy2 = mm->sy + p->n;
			memcpy(mm->sy, p->sy, sizeof(double) * (size_t)p->n);
			memcpy(mm->sy2, p->sy2, sizeof(double) * (size_t)p->n);
			mm->have_sums = 1;
		}
	}
	if (rc == 0 && mm) {
		mm->x = mx->x;
		mm->m = mx->m;
		mm->n = mx->n;
		mm->benefit = mx->benefit;
		p->memo = mm; /* the memo owns the arrays from now on */
		mm->p = *p;
		mm->have_prep = 1;
	}
	return rc;
}

/* The memo's column sums of y and y^2 into S1 and S2 (P's memo has them: 1), else 0. */
static int memo_sums(const struct prep *p, double *s1, double *s2)
{
	if (!p->memo || !p->memo->have_sums)
		return 0;
	memcpy(s1, p->memo->sy, sizeof(double) * (size_t)p->n);
	memcpy(s2, p->memo->sy2, sizeof(double) * (size_t)p->n);
	return 1;
}

/*
 * The extremes of P's columns (P->min, P->max, MISSING) and their sums of x, x^2 and x ln x
 * (SX, SX2, SXLNX) in one pass over X on both threads, in block order as block_sums adds.
 * 0 or CC_ENOMEM.
 */
static int stats_pass(struct prep *p, const double *x, double *sx, double *sx2, double *sxlnx,
		      int *missing)
{
	int n = p->n;
	size_t nn = PADDED(n), nb = ((size_t)p->m + BLOCK - 1) / BLOCK;
	struct stats_job sj = {x, n, calloc(nb * 3 * nn, sizeof(double)), {{0}}};
	double *ext = malloc(sizeof(double) * 6 * nn);
	if (!sj.tot || !ext) {
		free(sj.tot);
		free(ext);
		return CC_ENOMEM;
	}
	for (int k = 0; k < 2; k++) {
		sj.part[k].min = ext + (size_t)k * 3 * nn;
		sj.part[k].max = sj.part[k].min + nn;
		sj.part[k].missing = (int64_t *)(sj.part[k].max + nn);
		for (size_t j = 0; j < nn; j++) {
			sj.part[k].min[j] = HUGE_VAL;
			sj.part[k].max[j] = -HUGE_VAL;
			sj.part[k].missing[j] = 0;
		}
	}
	par_rows(p->m, stats_rows, &sj);
	for (int j = 0; j < n; j++) {
		p->min[j] = fmin(sj.part[0].min[j], sj.part[1].min[j]);
		p->max[j] = fmax(sj.part[0].max[j], sj.part[1].max[j]);
		missing[j] = (int)(sj.part[0].missing[j] + sj.part[1].missing[j]);
		sx[j] = sx2[j] = sxlnx[j] = 0;
	}
	for (size_t k = 0; k < nb; k++) {
		const double *s = sj.tot + k * 3 * nn, *q = s + nn, *r = q + nn;
		for (int j = 0; j < n; j++) {
			sx[j] += s[j];
			sxlnx[j] += q[j];
			sx2[j] += r[j];
		}
	}
	free(sj.tot);
	free(ext);
	return 0;
}

/* Whether P's column sums may be taken of x unscaled (scale_sums): every column's scale within
 * 2^-256 .. 2^256, so that x^2 and x ln x neither overflow nor lose precision to underflow
 * where y's would not. */
static int sums_unscaled(const struct prep *p)
{
	for (int j = 0; j < p->n; j++)
		if (!(p->scale[j] >= 0x1p-256 && p->scale[j] <= 0x1p256))
			return 0;
	return 1;
}

/*
 * Sums of x over P's columns made those of y = x * scale, in place: sum y and sum y^2 are
 * exact (scale is a power of two: every partial sum scales exactly, as long as nothing
 * overflows or underflows), sum y ln y = scale (sum x ln x + ln(scale) sum x). 0, or -1 (and
 * nothing changed) when a sum is not finite.
 */
static int scale_sums(const struct prep *p, double *sx, double *sx2, double *sxlnx)
{
	int n = p->n;
	for (int j = 0; j < n; j++)
		if (!isfinite(sx[j]) || !isfinite(sx2[j]) || !isfinite(sxlnx[j]))
			return -1;
	for (int j = 0; j < n; j++) {
		double c = p->scale[j];
		sxlnx[j] = c * (sxlnx[j] + log(c) * sx[j]);
		sx[j] *= c;
		sx2[j] *= c * c;
	}
	return 0;
}

static int prep_compute(struct prep *p, const struct eval_matrix *mx, int sums,
			struct cc_error *err)
{
	int rc = eval_matrix_check(mx, err);
	memset(p, 0, sizeof *p);
	if (rc)
		return rc;
	int m = mx->m, n = mx->n;
	p->m = m;
	p->n = n;
	p->x = mx->x;
	p->buf = malloc(sizeof(double) * 9 * (size_t)n + sizeof(int) * (size_t)n);
	if (!p->buf)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	p->min = p->buf;
	p->max = p->min + n;
	p->scale = p->max + n;
	p->smin = p->scale + n;
	p->smax = p->smin + n;
	double *sx = p->smax + n, *sx2 = sx + n, *sxlnx = sx2 + n;
	int *missing = (int *)(sxlnx + n);
	for (int j = 0; j < n; j++) {
		p->min[j] = HUGE_VAL;
		p->max[j] = -HUGE_VAL;
		missing[j] = 0;
	}
	const double *x = mx->x;
	if (sums && stats_pass(p, x, sx, sx2, sxlnx, missing) != 0) {
		prep_release(p);
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	}
	if (!sums) {
		struct extremes_job ej = {x, n, {{p->min, p->max, missing}, {NULL, NULL, NULL}}};
		double *second = malloc((sizeof(double) * 2 + sizeof(int)) * (size_t)n);
		if (!second) {
			prep_release(p);
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		}
		ej.part[1].min = second;
		ej.part[1].max = second + n;
		ej.part[1].missing = (int *)(second + 2 * (size_t)n);
		for (int j = 0; j < n; j++) {
			ej.part[1].min[j] = HUGE_VAL;
			ej.part[1].max[j] = -HUGE_VAL;
			ej.part[1].missing[j] = 0;
		}
		par_rows(m, extremes_rows, &ej);
		for (int j = 0; j < n; j++) {
			p->min[j] = fmin(p->min[j], ej.part[1].min[j]);
			p->max[j] = fmax(p->max[j], ej.part[1].max[j]);
			missing[j] += ej.part[1].missing[j];
		}
		free(second);
	}
	int any_missing = 0;
	for (int j = 0; j < n; j++) {
		if (missing[j] == m) {
			prep_release(p);
			return cc_error_set(err, CC_EINVAL, "criterion %d has no values", j + 1);
		}
		if (isinf(p->min[j]) || isinf(p->max[j])) {
			prep_release(p);
			return cc_error_set(err, CC_EINVAL, "criterion %d has an infinite value",
					    j + 1);
		}
		if (missing[j])
			any_missing = 1;
		double big = fmax(fabs(p->min[j]), fabs(p->max[j]));
		int e = 0;
		if (big > 0) {
			frexp(big, &e);
			/* 2^1000 at most: a column of subnormal values must not scale to inf. */
			p->scale[j] = ldexp(1.0, e < -1000 ? 1000 : -e);
		} else {
			p->scale[j] = 1.0;
		}
		p->smin[j] = p->min[j] * p->scale[j];
		p->smax[j] = p->max[j] * p->scale[j];
	}
	/* The stats pass's sums stand for the matrix when no cell was missing (else the
	 * entropy pass sums the imputed copy). */
	if (sums && !any_missing && sums_unscaled(p) && scale_sums(p, sx, sx2, sxlnx) == 0) {
		p->sy = sx;
		p->sy2 = sx2;
		p->sylny = sxlnx;
	}
	if (any_missing) {
		/* The worst present value of each column stands in for its missing cells. */
		size_t cells = (size_t)m * (size_t)n;
		p->copy = malloc(sizeof(double) * cells);
		if (!p->copy) {
			prep_release(p);
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		}
		for (size_t k = 0; k < cells; k++) {
			double v = x[k];
			if (v != v) {
				int j = (int)(k % (size_t)n);
				v = mx->benefit[j] ? p->min[j] : p->max[j];
			}
			p->copy[k] = v;
		}
		p->x = p->copy;
	}
	return 0;
}

/*
 * Blocked column sums over the scaled values y = x * scale: each block of BLOCK rows keeps
 * its own totals (in TOT, 2n per block), which the caller adds in block order, so the sums are
 * the same whichever thread summed a block.
 */
enum { SUMS, SUMS_SQUARES, SQDEV, ENTROPY };

struct blocks_job {
	const struct prep *p;
	int kind;
	const double *mean; /* SQDEV */
	const double *mul;  /* ENTROPY: n, y = x * mul */
	double *tot;
};

/*
 * The ENTROPY pass over rows [I0, I1): with y = x * MUL (MUL P's scales, or ones: multiplying
 * by 1 or a power of two is exact), sum y, sum y ln y and sum y^2 (as SUMS_SQUARES sums it,
 * for the memo) of each column into S, Q and R (PADDED), as the stats pass adds (sums4): the
 * imputed copy of a matrix with missing cells gives the sums the stats pass gives the same
 * matrix filled in.
 */
CC_VEC_CLONES
static void entropy_block(const struct prep *p, const double *mul, int i0, int i1, double *s,
			  double *q, double *r)
{
	int n = p->n;
	const cc_v4d zero = cc_v4d_splat(0);
	for (int j = 0; j < n; j += 4) { /* as stats_block: four columns over the block's rows */
		cc_v4d ss = cc_v4d_load(s + j), qq = cc_v4d_load(q + j), rr = cc_v4d_load(r + j);
		cc_v4d sc = zero;
		if (j + 4 <= n)
			sc = cc_v4d_load(mul + j);
		else /* the last columns: the other lanes stay 0 and add nothing */
			memcpy(&sc, mul + j, sizeof(double) * (size_t)(n - j));
		for (int i = i0; i < i1; i++) {
			const double *row = p->x + (size_t)i * (size_t)n;
			cc_v4d x = zero;
			if (j + 4 <= n)
				x = cc_v4d_load(row + j);
			else
				memcpy(&x, row + j, sizeof(double) * (size_t)(n - j));
			sums4(x * sc, &ss, &qq, &rr);
		}
		cc_v4d_store(s + j, ss);
		cc_v4d_store(q + j, qq);
		cc_v4d_store(r + j, rr);
	}
}

static void blocks_rows(void *arg, int lo, int hi)
{
	struct blocks_job *b = arg;
	const struct prep *p = b->p;
	int n = p->n;
	for (int i0 = lo; i0 < hi; i0 += BLOCK) {
		int i1 = i0 + BLOCK < hi ? i0 + BLOCK : hi;
		size_t nn = PADDED(n);
		double *s = b->tot + (size_t)(i0 / BLOCK) * 3 * nn, *q = s + nn, *r = q + nn;
		for (int i = i0; i < i1; i++) {
			const double *row = p->x + (size_t)i * (size_t)n;
			switch (b->kind) {
			case SUMS:
				for (int j = 0; j < n; j++)
					s[j] += row[j] * p->scale[j];
				break;
			case SUMS_SQUARES:
				for (int j = 0; j < n; j++) {
					double y = row[j] * p->scale[j];
					s[j] += y;
					q[j] += y * y;
				}
				break;
			case SQDEV:
				for (int j = 0; j < n; j++) {
					double d = row[j] * p->scale[j] - b->mean[j];
					s[j] += d * d;
				}
				break;
			default: /* ENTROPY: one block at a time below */ break;
			}
		}
		if (b->kind == ENTROPY)
			entropy_block(p, b->mul, i0, i1, s, q, r);
	}
}

/* The totals of pass KIND over P's rows into OUT1 (and OUT2: squares, or y ln y; OUT3: the
 * squares of the ENTROPY pass). VEC: SQDEV's column means, ENTROPY's multipliers (y = x *
 * VEC). 0 or CC_ENOMEM. */
static int block_sums(const struct prep *p, int kind, const double *vec, double *out1, double *out2,
		      double *out3)
{
	int n = p->n;
	size_t nb = ((size_t)p->m + BLOCK - 1) / BLOCK;
	size_t nn = PADDED(n);
	struct blocks_job b = {p, kind, vec, vec, calloc(nb * 3 * nn, sizeof(double))};
	if (!b.tot)
		return CC_ENOMEM;
	par_rows(p->m, blocks_rows, &b);
	for (int j = 0; j < n; j++) {
		out1[j] = 0;
		if (out2)
			out2[j] = 0;
		if (out3)
			out3[j] = 0;
	}
	for (size_t k = 0; k < nb; k++) {
		const double *s = b.tot + k * 3 * nn, *q = s + nn, *r = q + nn;
		for (int j = 0; j < n; j++) {
			out1[j] += s[j];
			if (out2)
				out2[j] += q[j];
			if (out3)
				out3[j] += r[j];
		}
	}
	free(b.tot);
	return 0;
}

/*
 * The affine map of each column: u = a * (x * scale - c) + b, the utility of mcda.h's table.
 * A column without spread gets a = b = 0.
 */
struct affine {
	double *a, *b, *c;
	double *buf;
};

static void affine_release(struct affine *f)
{
	free(f->buf);
	memset(f, 0, sizeof *f);
}

static int affine_init(struct affine *f, const struct prep *p, const int *benefit, int norm,
		       struct cc_error *err)
{
	int n = p->n, m = p->m, rc = 0;
	memset(f, 0, sizeof *f);
	f->buf = malloc(sizeof(double) * 5 * (size_t)n);
	if (!f->buf)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	f->a = f->buf;
	f->b = f->a + n;
	f->c = f->b + n;
	double *s1 = f->c + n, *s2 = s1 + n;
	if (norm == EVAL_NORM_MAX || norm == EVAL_NORM_SUM) {
		for (int j = 0; j < n; j++)
			if (p->min[j] < 0) {
				rc = cc_error_set(err, CC_EINVAL,
						  "criterion %d has a negative value (%g): %s "
						  "normalisation needs values >= 0; use minmax, "
						  "vector or zscore",
						  j + 1, p->min[j], eval_norm_name(norm));
				goto out;
			}
	}
	if ((norm == EVAL_NORM_VECTOR || norm == EVAL_NORM_SUM) && !memo_sums(p, s1, s2) &&
	    block_sums(p, norm == EVAL_NORM_VECTOR ? SUMS_SQUARES : SUMS, NULL, s1, s2, NULL)) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	if (norm == EVAL_NORM_ZSCORE) {
		if (block_sums(p, SUMS, NULL, s1, NULL, NULL)) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		for (int j = 0; j < n; j++)
			s1[j] /= m;
		if (block_sums(p, SQDEV, s1, s2, NULL, NULL)) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
	}
	for (int j = 0; j < n; j++) {
		double scale = 0, c = 0, b = 0; /* u = sign * (y - c) / scale + b */
		int flip = !benefit[j];
		switch (norm) {
		case EVAL_NORM_VECTOR:
			scale = sqrt(s2[j]);
			b = flip ? 1 : 0;
			break;
		case EVAL_NORM_MINMAX:
			scale = p->smax[j] - p->smin[j];
			c = flip ? p->smax[j] : p->smin[j];
			break;
		case EVAL_NORM_MAX:
			scale = p->smax[j];
			b = flip ? 1 : 0;
			break;
		case EVAL_NORM_SUM:
			scale = s1[j];
			b = flip ? 1 : 0;
			break;
		case EVAL_NORM_ZSCORE:
			scale = sqrt(s2[j] / m);
			c = s1[j];
			break;
		default:
			rc = cc_error_set(err, CC_EINVAL, "unknown normalisation %d", norm);
			goto out;
		}
		if (!(scale > 0)) {
			f->a[j] = f->b[j] = f->c[j] = 0;
			continue;
		}
		f->a[j] = (flip ? -1.0 : 1.0) / scale;
		f->b[j] = b;
		f->c[j] = c;
	}
out:
	if (rc)
		affine_release(f);
	return rc;
}

int eval_normalize(const struct eval_matrix *mx, int norm, double *out, struct cc_error *err)
{
	struct prep p;
	struct affine f;
	int rc = prep_init(&p, mx, 0, err);
	if (rc)
		return rc;
	rc = affine_init(&f, &p, mx->benefit, norm, err);
	if (rc)
		goto out;
	int n = p.n;
	for (int i = 0; i < p.m; i++) {
		const double *row = p.x + (size_t)i * (size_t)n;
		double *o = out + (size_t)i * (size_t)n;
		for (int j = 0; j < n; j++)
			o[j] = f.a[j] * (row[j] * p.scale[j] - f.c[j]) + f.b[j];
	}
	affine_release(&f);
out:
	prep_release(&p);
	return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* Weights.                                                                                  */

void eval_weights_equal(int n, double *w)
{
	for (int j = 0; j < n; j++)
		w[j] = 1.0 / n;
}

int eval_weights_given(const double *given, int n, double *w, struct cc_error *err)
{
	double total = 0;
	if (n < 1 || !given)
		return cc_error_set(err, CC_EINVAL, "no weights given");
	for (int j = 0; j < n; j++) {
		if (!isfinite(given[j]) || given[j] < 0)
			return cc_error_set(err, CC_EINVAL,
					    "weight %d is %g: weights must be finite and >= 0",
					    j + 1, given[j]);
		total += given[j];
	}
	if (!(total > 0) || !isfinite(total))
		return cc_error_set(err, CC_EINVAL,
				    "weights add up to %g: at least one must be > 0", total);
	for (int j = 0; j < n; j++)
		w[j] = given[j] / total;
	return 0;
}

/* Scales D (n values >= 0) to sum 1 into W, or equal weights when they are all 0. */
static void weights_from_scores(const double *d, int n, double *w)
{
	double total = 0;
	for (int j = 0; j < n; j++)
		total += d[j];
	if (!(total > 0)) {
		eval_weights_equal(n, w);
		return;
	}
	for (int j = 0; j < n; j++)
		w[j] = d[j] / total;
}

/*
 * The entropy pass of P (when the stats pass could not give its sums: missing cells, or a
 * column the stats pass could not sum unscaled): SY, SYLNY and SY2 of y = x * scale. Summed
 * of x unscaled and scaled after, as the stats pass does, where that is safe (so that a matrix
 * with missing cells gets the sums of the same matrix filled in); of y otherwise. 0 or
 * CC_ENOMEM.
 */
static int entropy_sums(const struct prep *p, double *sy, double *sylny, double *sy2)
{
	if (sums_unscaled(p)) {
		double *ones = malloc(sizeof(double) * (size_t)p->n);
		if (!ones)
			return CC_ENOMEM;
		for (int j = 0; j < p->n; j++)
			ones[j] = 1;
		int rc = block_sums(p, ENTROPY, ones, sy, sylny, sy2);
		free(ones);
		if (rc)
			return rc;
		if (scale_sums(p, sy, sy2, sylny) == 0)
			return 0;
	}
	return block_sums(p, ENTROPY, p->scale, sy, sylny, sy2);
}

int eval_weights_entropy(const struct eval_matrix *mx, double *w, struct cc_error *err)
{
	struct prep p;
	int rc = prep_init(&p, mx, 1, err);
	if (rc)
		return rc;
	int m = p.m, n = p.n;
	for (int j = 0; j < n; j++)
		if (p.min[j] < 0) {
			rc = cc_error_set(err, CC_EINVAL,
					  "criterion %d has a negative value (%g): entropy weights "
					  "need values >= 0",
					  j + 1, p.min[j]);
			goto out;
		}
	if (m == 1) {
		eval_weights_equal(n, w);
		goto out;
	}
	double *acc = calloc((size_t)n * 4, sizeof *acc);
	/*
	 * With y = x * scale and S = sum y: H = -sum (y/S) ln(y/S) = ln S - (sum y ln y) / S, so
	 * one pass gives both sums. 0 ln 0 = 0: a zero cell adds nothing.
	 */
	double *sy = acc, *sylny = acc ? acc + n : NULL, *bs = acc ? acc + 2 * (size_t)n : NULL;
	double *sq = acc ? acc + 3 * (size_t)n : NULL;
	struct eval_memo *mm = p.memo;
	double *sy2 = mm && !mm->have_sums && !p.sy ? malloc(sizeof(double) * 2 * (size_t)n) : NULL;
	if (acc && p.sy) { /* the extremes pass summed them (prep_init's SUMS) */
		memcpy(sy, p.sy, sizeof(double) * (size_t)n);
		memcpy(sylny, p.sylny, sizeof(double) * (size_t)n);
	} else if (!acc || entropy_sums(&p, sy, sylny, sq)) {
		free(acc);
		free(sy2);
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	} else if (sy2) {
		memcpy(sy2 + n, sq, sizeof(double) * (size_t)n);
	}
	if (sy2) { /* the memo keeps sum y and sum y^2 for a vector normalisation next */
		memcpy(sy2, sy, sizeof(double) * (size_t)n);
		mm->sy = sy2;
		mm->sy2 = sy2 + n;
		mm->have_sums = 1;
	}
	double lnm = log((double)m);
	for (int j = 0; j < n; j++) {
		double e = 1; /* an all-zero column carries no information */
		if (sy[j] > 0)
			e = (log(sy[j]) - sylny[j] / sy[j]) / lnm;
		double d = 1 - e;
		bs[j] = d > 0 ? d : 0;
	}
	weights_from_scores(bs, n, w);
	free(acc);
out:
	prep_release(&p);
	return rc;
}

int eval_weights_critic(const struct eval_matrix *mx, double *w, struct cc_error *err)
{
	struct prep p;
	struct affine f;
	int rc = prep_init(&p, mx, 0, err);
	if (rc)
		return rc;
	rc = affine_init(&f, &p, mx->benefit, EVAL_NORM_MINMAX, err);
	if (rc)
		goto out_prep;
	int m = p.m, n = p.n;
	size_t nn = (size_t)n * (size_t)n;
	double *mem = calloc(nn * 2 + (size_t)n * 4, sizeof *mem);
	if (!mem) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	double *cov = mem, *bcov = mem + nn, *mean = mem + 2 * nn, *u = mean + n, *bm = u + n,
	       *cj = bm + n;
	/* Means of the normalised columns, then their covariances around those means. */
	for (int i0 = 0; i0 < m; i0 += BLOCK) {
		int i1 = i0 + BLOCK < m ? i0 + BLOCK : m;
		for (int j = 0; j < n; j++)
			bm[j] = 0;
		for (int i = i0; i < i1; i++) {
			const double *row = p.x + (size_t)i * (size_t)n;
			for (int j = 0; j < n; j++)
				bm[j] += f.a[j] * (row[j] * p.scale[j] - f.c[j]) + f.b[j];
		}
		for (int j = 0; j < n; j++)
			mean[j] += bm[j];
	}
	for (int j = 0; j < n; j++)
		mean[j] /= m;
	for (int i0 = 0; i0 < m; i0 += BLOCK) {
		int i1 = i0 + BLOCK < m ? i0 + BLOCK : m;
		memset(bcov, 0, sizeof(double) * nn);
		for (int i = i0; i < i1; i++) {
			const double *row = p.x + (size_t)i * (size_t)n;
			for (int j = 0; j < n; j++)
				u[j] = f.a[j] * (row[j] * p.scale[j] - f.c[j]) + f.b[j] - mean[j];
			for (int j = 0; j < n; j++) {
				double uj = u[j];
				double *cr = bcov + (size_t)j * (size_t)n;
				for (int k = j; k < n; k++)
					cr[k] += uj * u[k];
			}
		}
		for (size_t k = 0; k < nn; k++)
			cov[k] += bcov[k];
	}
	for (int j = 0; j < n; j++) {
		double vj = cov[(size_t)j * (size_t)n + (size_t)j];
		cj[j] = 0;
		if (!(vj > 0))
			continue; /* constant column: no contrast */
		double conflict = 0;
		for (int k = 0; k < n; k++) {
			double vk = cov[(size_t)k * (size_t)n + (size_t)k];
			if (k == j || !(vk > 0))
				continue;
			int a = j < k ? j : k, b = j < k ? k : j;
			double r = cov[(size_t)a * (size_t)n + (size_t)b] / sqrt(vj * vk);
			if (r > 1)
				r = 1;
			if (r < -1)
				r = -1;
			conflict += 1 - r;
		}
		cj[j] = sqrt(vj / m) * conflict;
	}
	weights_from_scores(cj, n, w);
	free(mem);
out:
	affine_release(&f);
out_prep:
	prep_release(&p);
	return rc;
}

/*
 * Saaty's average random consistency index RI_n for n = 1..15, from
 *   T. L. Saaty, The Analytic Hierarchy Process, McGraw-Hill, New York, 1980 (the table of
 *   random indices; the same values in Saaty, Decision making with the analytic hierarchy
 *   process, Int. J. Services Sciences 1(1), 2008, and in Karlsson & Ryan, A cost-value
 *   approach to prioritizing requirements, IEEE Software 14(5), 1997, Table 2).
 * The dip at n = 12 (1.48 < 1.51) is in the original table, a sampling artefact kept as is
 * so that consistency ratios match the textbooks.
 */
static const double saaty_ri[15] = {0.00, 0.00, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41,
				    1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59};

double eval_ahp_random_index(int n)
{
	return n >= 1 && n <= 15 ? saaty_ri[n - 1] : -1;
}

int eval_weights_ahp(const double *a, int n, double *w, struct eval_ahp *info, struct cc_error *err)
{
	struct eval_ahp dummy;
	if (!info)
		info = &dummy;
	memset(info, 0, sizeof *info);
	if (!a || n < 1)
		return cc_error_set(err, CC_EINVAL, "AHP matrix is empty");
	if (n > 15)
		return cc_error_set(err, CC_EINVAL,
				    "AHP matrix has %d criteria: Saaty's random index is tabulated "
				    "for at most 15",
				    n);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			double v = a[i * n + j], r = a[j * n + i];
			if (!isfinite(v) || !(v > 0))
				return cc_error_set(
					err, CC_EINVAL,
					"AHP matrix row %d, column %d is %g: comparisons "
					"must be positive",
					i + 1, j + 1, v);
			if (i == j && fabs(v - 1) > 1e-9)
				return cc_error_set(
					err, CC_EINVAL,
					"AHP matrix row %d, column %d is %g: the diagonal "
					"must be 1",
					i + 1, j + 1, v);
			if (j > i && fabs(v * r - 1) > 0.02)
				return cc_error_set(
					err, CC_EINVAL,
					"AHP matrix is not reciprocal: row %d, column %d "
					"is %g but row %d, column %d is %g (expected %g)",
					i + 1, j + 1, v, j + 1, i + 1, r, 1 / v);
		}
	/* Power iteration from the uniform vector; a positive matrix converges (Perron). */
	double y[15], lambda = n;
	eval_weights_equal(n, w);
	int it;
	for (it = 1; it <= 100000; it++) {
		double total = 0, change = 0;
		for (int i = 0; i < n; i++) {
			double s = 0;
			for (int j = 0; j < n; j++)
				s += a[i * n + j] * w[j];
			y[i] = s;
			total += s;
		}
		lambda = total; /* w sums to 1, so sum(A w) = lambda */
		for (int i = 0; i < n; i++) {
			double v = y[i] / total;
			change = fmax(change, fabs(v - w[i]));
			w[i] = v;
		}
		if (change < 1e-15)
			break;
	}
	info->iterations = it > 100000 ? 100000 : it;
	info->lambda_max = lambda;
	info->ri = saaty_ri[n - 1];
	info->ci = n > 2 ? (lambda - n) / (n - 1) : 0;
	if (info->ci < 0)
		info->ci = 0; /* a consistent matrix, up to rounding */
	info->cr = info->ri > 0 ? info->ci / info->ri : 0;
	if (info->cr > EVAL_AHP_MAX_CR)
		return cc_error_set(
			err, CC_EINVAL,
			"AHP comparisons are inconsistent: consistency ratio %.3f exceeds "
			"%.1f (lambda_max %.3f, CI %.3f, RI %.2f for n = %d); revise the "
			"judgements",
			info->cr, EVAL_AHP_MAX_CR, info->lambda_max, info->ci, info->ri, n);
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Ranks.                                                                                    */

/* Maps a double onto an unsigned key with the same order (NaN above everything). */
static uint64_t order_key(double v)
{
	uint64_t u;
	if (v != v)
		return UINT64_MAX;
	if (v == 0)
		v = 0; /* -0 and +0 are the same score */
	memcpy(&u, &v, sizeof u);
	return (u & 0x8000000000000000ull) ? ~u : (u | 0x8000000000000000ull);
}

static int same_score(double a, double g)
{
	if (a != a || g != g)
		return a != a && g != g;
	double scale = fmax(1.0, fmax(fabs(a), fabs(g)));
	return fabs(a - g) <= 1e-10 * scale;
}

/*
 * eval_rank sorts (key, row) pairs by key, rows ascending within a key, with a most-significant
 * digit radix sort over the keys' own range: the digit is the top bits of key - min (about
 * log2 of the count, at most 16), so a narrow band of scores (TOPSIS's all lie in [0, 1]) still
 * spreads over every bucket; a bucket of more than SMALL keys is sorted the same way over its
 * own range, smaller ones by insertion. Every scatter is stable, so rows stay ascending within
 * a key. Two passes over the keys instead of an LSD sort's six.
 */
#define SMALL	 32
#define TOP_BITS 16

/* Digit width for a run of N keys. */
static int digit_bits(size_t n)
{
	int b = 1;
	while (b < TOP_BITS && ((size_t)1 << b) < n)
		b++;
	return b;
}

static void insertion(uint64_t *key, int *idx, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t k = key[i];
		int v = idx[i];
		size_t j = i;
		while (j > 0 && key[j - 1] > k) {
			key[j] = key[j - 1];
			idx[j] = idx[j - 1];
			j--;
		}
		key[j] = k;
		idx[j] = v;
	}
}

/* Sorts the N pairs (KEY, IDX) stably by key, TK / TI scratch of N. 0 or CC_ENOMEM. */
static int msd_sort(uint64_t *key, int *idx, uint64_t *tk, int *ti, size_t n)
{
	if (n <= SMALL) {
		insertion(key, idx, n);
		return 0;
	}
	uint64_t lo = key[0], hi = key[0];
	for (size_t i = 1; i < n; i++) {
		lo = key[i] < lo ? key[i] : lo;
		hi = key[i] > hi ? key[i] : hi;
	}
	uint64_t diff = hi - lo;
	if (diff == 0)
		return 0; /* one key: rows already ascending */
	int bits = 64 - __builtin_clzll(diff), want = digit_bits(n);
	int shift = bits > want ? bits - want : 0;
	size_t nb = (size_t)(diff >> shift) + 1;
	size_t *at = calloc(nb + 1, sizeof *at);
	if (!at)
		return CC_ENOMEM;
	for (size_t i = 0; i < n; i++)
		at[((key[i] - lo) >> shift) + 1]++;
	for (size_t d = 0; d < nb; d++)
		at[d + 1] += at[d];
	for (size_t i = 0; i < n; i++) {
		size_t to = at[(key[i] - lo) >> shift]++;
		tk[to] = key[i];
		ti[to] = idx[i];
	}
	memcpy(key, tk, sizeof *key * n);
	memcpy(idx, ti, sizeof *idx * n);
	/* at[d] is now the end of bucket d. */
	int rc = 0;
	for (size_t d = 0, start = 0; d < nb && rc == 0; start = at[d++])
		if (at[d] - start > 1 && shift > 0)
			rc = msd_sort(key + start, idx + start, tk + start, ti + start,
				      at[d] - start);
	free(at);
	return rc;
}

/* The top level on two threads: the keys of rows [lo, hi) (best first: ascending keys for
 * lower-is-better, else descending; NaN last), their range, counts and scatter by part. */
struct rank_job {
	const double *scores;
	int lower_is_better, m, shift;
	uint64_t base, *key, *key2;
	int *idx, *idx2;
	size_t nb;	  /* buckets, the last one NaN's */
	size_t *count[2]; /* per part, nb each */
	uint64_t lo[2], hi[2];
	size_t split; /* first bucket of the second thread's share of the bucket sorts */
	int rc[2];
};

static size_t rank_bucket(const struct rank_job *r, uint64_t k)
{
	return k == UINT64_MAX ? r->nb - 1 : (size_t)((k - r->base) >> r->shift);
}

static void rank_keys(void *arg, int lo, int hi)
{
	struct rank_job *r = arg;
	int part = lo == 0 ? 0 : 1;
	uint64_t mn = UINT64_MAX, mx = 0;
	for (int i = lo; i < hi; i++) {
		uint64_t k = order_key(r->scores[i]);
		if (!r->lower_is_better && k != UINT64_MAX)
			k = ~k - 1; /* stays below UINT64_MAX, the NaN key */
		r->key[i] = k;
		r->idx[i] = i;
		if (k != UINT64_MAX) {
			mn = k < mn ? k : mn;
			mx = k > mx ? k : mx;
		}
	}
	r->lo[part] = mn;
	r->hi[part] = mx;
}

static void rank_count(void *arg, int lo, int hi)
{
	struct rank_job *r = arg;
	size_t *count = r->count[lo == 0 ? 0 : 1];
	for (int i = lo; i < hi; i++)
		count[rank_bucket(r, r->key[i])]++;
}

static void rank_scatter(void *arg, int lo, int hi)
{
	struct rank_job *r = arg;
	size_t *count = r->count[lo == 0 ? 0 : 1];
	for (int i = lo; i < hi; i++) {
		size_t at = count[rank_bucket(r, r->key[i])]++;
		r->key2[at] = r->key[i];
		r->idx2[at] = r->idx[i];
	}
}

/* The bucket sorts of buckets [0, split) (part 0) or [split, nb - 1) (part 1); count[0][d] is
 * the end of bucket d after the scatter. */
static void rank_buckets(void *arg, int lo, int hi)
{
	(void)hi;
	struct rank_job *r = arg;
	int part = lo == 0 ? 0 : 1;
	size_t *end = r->count[0];
	size_t d0 = part ? r->split : 0, d1 = part ? r->nb - 1 : r->split;
	for (size_t d = d0; d < d1 && r->rc[part] == 0; d++) {
		size_t start = d ? end[d - 1] : 0;
		if (end[d] - start > 1)
			r->rc[part] = msd_sort(r->key2 + start, r->idx2 + start, r->key + start,
					       r->idx + start, end[d] - start);
	}
}

/* The score a key stands for (rank_keys' inverse; -0 comes back as +0). */
static double key_score(uint64_t k, int lower_is_better)
{
	if (!lower_is_better)
		k = ~(k + 1);
	uint64_t u = (k & 0x8000000000000000ull) ? (k & ~0x8000000000000000ull) : ~k;
	double v;
	memcpy(&v, &u, sizeof v);
	return v;
}

/* The score at sorted position POS (NaN for NaN's key). */
static double slot_score(const uint64_t *sorted, size_t pos, int lower_is_better)
{
	return sorted[pos] == UINT64_MAX ? NAN : key_score(sorted[pos], lower_is_better);
}

/* Ranks of sorted positions [0, split) (part 0) or [split, m) (part 1). */
struct assign_job {
	const uint64_t *sorted;
	const int *order;
	int *ranks, lower_is_better;
	size_t m, split;
};

static void assign_ranks(void *arg, int lo, int hi)
{
	(void)hi;
	const struct assign_job *a = arg;
	size_t p0 = lo == 0 ? 0 : a->split, p1 = lo == 0 ? a->split : a->m;
	if (p0 >= p1)
		return;
	double group = slot_score(a->sorted, p0, a->lower_is_better);
	int rank = (int)p0 + 1;
	for (size_t pos = p0; pos < p1; pos++) {
		double s = slot_score(a->sorted, pos, a->lower_is_better);
		if (pos > p0 && !same_score(s, group)) {
			group = s;
			rank = (int)pos + 1;
		}
		a->ranks[a->order[pos]] = rank;
	}
}

int eval_rank(const double *scores, int m, int lower_is_better, int *ranks)
{
	if (m <= 0)
		return 0;
	size_t sm = (size_t)m;
	uint64_t *key = cc_big_alloc(sizeof *key * sm * 2);
	int *idx = cc_big_alloc(sizeof *idx * sm * 2);
	if (!key || !idx) {
		free(key);
		free(idx);
		return CC_ENOMEM;
	}
	struct rank_job r = {.scores = scores,
			     .lower_is_better = lower_is_better,
			     .m = m,
			     .key = key,
			     .key2 = key + sm,
			     .idx = idx,
			     .idx2 = idx + sm,
			     .lo = {UINT64_MAX, UINT64_MAX}};
	par_rows(m, rank_keys, &r);
	uint64_t *sorted = key;
	int *order = idx, rc = 0;
	if (m <= SMALL) {
		insertion(key, idx, sm);
	} else {
		uint64_t lo = r.lo[0] < r.lo[1] ? r.lo[0] : r.lo[1];
		uint64_t hi = r.hi[0] > r.hi[1] ? r.hi[0] : r.hi[1];
		if (lo == UINT64_MAX) /* every score NaN */
			lo = hi = 0;
		uint64_t diff = hi - lo;
		int bits = diff ? 64 - __builtin_clzll(diff) : 0, want = digit_bits(sm);
		r.base = lo;
		r.shift = bits > want ? bits - want : 0;
		r.nb = (size_t)(diff >> r.shift) + 2;
		r.count[0] = calloc(r.nb * 2, sizeof(size_t));
		if (!r.count[0]) {
			rc = CC_ENOMEM;
			goto out;
		}
		r.count[1] = r.count[0] + r.nb;
		par_rows(m, rank_count, &r);
		/* Positions: within a bucket the first part's keys before the second's. */
		size_t pos = 0;
		for (size_t d = 0; d < r.nb; d++)
			for (int k = 0; k < 2; k++) {
				size_t c = r.count[k][d];
				r.count[k][d] = pos;
				pos += c;
			}
		par_rows(m, rank_scatter, &r);
		/* count[1][d] is now bucket d's end; the buckets split in two halves of rows. */
		memcpy(r.count[0], r.count[1], sizeof(size_t) * r.nb);
		/* One thread below par_rows' threshold (it then calls part 0 alone). */
		r.split = m < PAR_MIN_ROWS ? r.nb - 1 : 0;
		while (r.split < r.nb - 1 && r.count[0][r.split] < sm / 2)
			r.split++;
		par_rows(m, rank_buckets, &r);
		free(r.count[0]);
		if (r.rc[0] || r.rc[1]) {
			rc = CC_ENOMEM;
			goto out;
		}
		sorted = r.key2;
		order = r.idx2;
	}
	{
		/* Competition ranks in two halves: the second starts at a position whose score is
		 * not the same as the one before it, so a group begins there whatever came
		 * before (scores are sorted: the group's first is farther still). */
		struct assign_job aj = {sorted, order, ranks, lower_is_better, sm, sm};
		if (m >= PAR_MIN_ROWS) {
			size_t at = sm / 2;
			while (at < sm && same_score(slot_score(sorted, at, lower_is_better),
						     slot_score(sorted, at - 1, lower_is_better)))
				at++;
			aj.split = at;
		}
		par_rows(m, assign_ranks, &aj);
	}
out:
	free(key);
	free(idx);
	return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* Aggregations.                                                                             */

void eval_result_release(struct eval_result *res)
{
	if (!res)
		return;
	free(res->weights);
	free(res->scores);
	free(res->ranks);
	free(res->S);
	free(res->R);
	free(res->Q);
	free(res->compromise);
	memset(res, 0, sizeof *res);
}

/* A scoring pass over rows [lo, hi): TOPSIS (H, L, W2 set) or the weighted sum. */
struct score_job {
	const struct prep *p;
	const struct affine *f;
	const double *w, *H, *L, *W2;
	double *scores;
	const double *par; /* topsis_block's, or NULL */
};

/* Transposes the 4 x 4 block of rows R0..R3 into its columns C[0..3]. */
static inline __attribute__((always_inline)) void transpose4(cc_v4d r0, cc_v4d r1, cc_v4d r2,
							     cc_v4d r3, cc_v4d *c)
{
	cc_v4d t0 = __builtin_shufflevector(r0, r1, 0, 4, 2, 6);
	cc_v4d t1 = __builtin_shufflevector(r0, r1, 1, 5, 3, 7);
	cc_v4d t2 = __builtin_shufflevector(r2, r3, 0, 4, 2, 6);
	cc_v4d t3 = __builtin_shufflevector(r2, r3, 1, 5, 3, 7);
	c[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
	c[1] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
	c[2] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
	c[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

/* Four columns of row ROW from J (zeros past N). */
static inline __attribute__((always_inline)) cc_v4d row4(const double *row, int j, int n)
{
	cc_v4d v = cc_v4d_splat(0);
	if (j + 4 <= n)
		return cc_v4d_load(row + j);
	memcpy(&v, row + j, sizeof(double) * (size_t)(n - j));
	return v;
}

/*
 * TOPSIS scores of rows [LO, LO + 4 * (rows / 4)): four rows at a time, one vector lane per
 * row, so each row's distances add its columns in column order as the scalar loop does. The
 * rows' cells are read four columns at a time and transposed. PAR holds per column, PADDED,
 * a, c, b, H, L, W2 and scale (zeros past n: a padded column adds nothing). Returns the first
 * row not done.
 */
CC_VEC_CLONES
static int topsis_block(const struct score_job *sj, const double *par, int lo, int hi)
{
	const struct prep *p = sj->p;
	int n = p->n;
	size_t nn = PADDED(n);
	const double *pa = par, *pc = pa + nn, *pb = pc + nn, *ph = pb + nn, *pl = ph + nn,
		     *pw = pl + nn, *ps = pw + nn;
	int i = lo;
	for (; i + 4 <= hi; i += 4) {
		const double *r0 = p->x + (size_t)i * (size_t)n;
		cc_v4d dp = cc_v4d_splat(0), dm = dp;
		for (int j = 0; j < n; j += 4) {
			cc_v4d col[4];
			transpose4(row4(r0, j, n), row4(r0 + n, j, n), row4(r0 + 2 * n, j, n),
				   row4(r0 + 3 * n, j, n), col);
			for (int k = 0; k < 4; k++) { /* past n: all zero, adds +0 */
				int c = j + k;
				cc_v4d u = cc_v4d_splat(pa[c]) * (col[k] * cc_v4d_splat(ps[c]) -
								  cc_v4d_splat(pc[c])) +
					   cc_v4d_splat(pb[c]);
				cc_v4d t1 = u - cc_v4d_splat(ph[c]), t2 = u - cc_v4d_splat(pl[c]);
				cc_v4d w2 = cc_v4d_splat(pw[c]);
				dp += w2 * t1 * t1;
				dm += w2 * t2 * t2;
			}
		}
		for (int l = 0; l < 4; l++) {
			double a = sqrt(dp[l]), b = sqrt(dm[l]);
			sj->scores[i + l] = a + b > 0 ? b / (a + b) : 1.0;
		}
	}
	return i;
}

static void topsis_rows(void *arg, int lo, int hi)
{
	const struct score_job *sj = arg;
	const struct prep *p = sj->p;
	const struct affine *f = sj->f;
	int n = p->n;
	if (sj->par)
		lo = topsis_block(sj, sj->par, lo, hi);
	for (int i = lo; i < hi; i++) {
		const double *row = p->x + (size_t)i * (size_t)n;
		double dp = 0, dm = 0;
		for (int j = 0; j < n; j++) {
			double u = f->a[j] * (row[j] * p->scale[j] - f->c[j]) + f->b[j];
			double t1 = u - sj->H[j], t2 = u - sj->L[j];
			dp += sj->W2[j] * t1 * t1;
			dm += sj->W2[j] * t2 * t2;
		}
		dp = sqrt(dp);
		dm = sqrt(dm);
		sj->scores[i] = dp + dm > 0 ? dm / (dp + dm) : 1.0;
	}
}

static void wsum_rows(void *arg, int lo, int hi)
{
	const struct score_job *sj = arg;
	const struct prep *p = sj->p;
	const struct affine *f = sj->f;
	int n = p->n;
	for (int i = lo; i < hi; i++) {
		const double *row = p->x + (size_t)i * (size_t)n;
		double s = 0;
		for (int j = 0; j < n; j++)
			s += sj->w[j] * (f->a[j] * (row[j] * p->scale[j] - f->c[j]) + f->b[j]);
		sj->scores[i] = s;
	}
}

static int topsis_scores(const struct prep *p, const struct affine *f, const double *w,
			 double *scores, struct cc_error *err)
{
	int n = p->n;
	double *H = malloc(sizeof(double) * 3 * (size_t)n);
	if (!H)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	double *L = H + n, *W2 = L + n;
	for (int j = 0; j < n; j++) {
		/* The utility is affine in x, so its extremes sit at the column's extremes. */
		double u1 = f->a[j] * (p->smin[j] - f->c[j]) + f->b[j];
		double u2 = f->a[j] * (p->smax[j] - f->c[j]) + f->b[j];
		H[j] = fmax(u1, u2);
		L[j] = fmin(u1, u2);
		W2[j] = w[j] * w[j];
	}
	size_t nn = PADDED(n);
	double *par = p->m >= 4 ? calloc(7 * nn, sizeof(double)) : NULL; /* none: scalar only */
	if (par)
		for (int j = 0; j < n; j++) {
			par[j] = f->a[j];
			par[nn + j] = f->c[j];
			par[2 * nn + j] = f->b[j];
			par[3 * nn + j] = H[j];
			par[4 * nn + j] = L[j];
			par[5 * nn + j] = W2[j];
			par[6 * nn + j] = p->scale[j];
		}
	struct score_job sj = {p, f, w, H, L, W2, scores, par};
	par_rows(p->m, topsis_rows, &sj);
	free(par);
	free(H);
	return 0;
}

static void wsum_scores(const struct prep *p, const struct affine *f, const double *w,
			double *scores)
{
	struct score_job sj = {p, f, w, NULL, NULL, NULL, scores, NULL};
	par_rows(p->m, wsum_rows, &sj);
}

/* VIKOR's S, R and Q (see mcda.h), then the two conditions and the compromise set. */
static int vikor(const struct prep *p, const int *benefit, const double *w, double v,
		 struct eval_result *res, struct cc_error *err)
{
	int m = p->m, n = p->n;
	double *S = res->S, *R = res->R, *Q = res->Q;
	double *a = malloc(sizeof(double) * 2 * (size_t)n);
	if (!a)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	double *c = a + n;
	for (int j = 0; j < n; j++) {
		/* term = w (f* - x) / (f* - f-) = a (y - c); 0 for a column without spread. */
		double range = p->smax[j] - p->smin[j];
		if (!(range > 0)) {
			a[j] = c[j] = 0;
			continue;
		}
		a[j] = (benefit[j] ? -w[j] : w[j]) / range;
		c[j] = benefit[j] ? p->smax[j] : p->smin[j];
	}
	double smin = HUGE_VAL, smax = -HUGE_VAL, rmin = HUGE_VAL, rmax = -HUGE_VAL;
	for (int i = 0; i < m; i++) {
		const double *row = p->x + (size_t)i * (size_t)n;
		double s = 0, r = 0;
		for (int j = 0; j < n; j++) {
			double t = a[j] * (row[j] * p->scale[j] - c[j]);
			s += t;
			if (t > r)
				r = t;
		}
		S[i] = s;
		R[i] = r;
		smin = fmin(smin, s);
		smax = fmax(smax, s);
		rmin = fmin(rmin, r);
		rmax = fmax(rmax, r);
	}
	free(a);
	for (int i = 0; i < m; i++) {
		double q = 0;
		if (smax > smin)
			q += v * (S[i] - smin) / (smax - smin);
		if (rmax > rmin)
			q += (1 - v) * (R[i] - rmin) / (rmax - rmin);
		Q[i] = q;
		res->scores[i] = q;
	}
	int rc = eval_rank(Q, m, 1, res->ranks);
	if (rc)
		return cc_error_set(err, rc, "out of memory");
	/* a' and a'': the first two in Q order (ties by row, as the ranks). */
	int *order = calloc((size_t)m, sizeof *order);
	res->compromise = malloc(sizeof *res->compromise * (size_t)m);
	if (!order || !res->compromise) {
		free(order);
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	}
	{
		/* Counting sort of rows by rank keeps row order inside ties. */
		int *start = calloc((size_t)m + 2, sizeof *start);
		if (!start) {
			free(order);
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		}
		for (int i = 0; i < m; i++)
			start[res->ranks[i] + 1]++;
		for (int r = 1; r <= m + 1; r++)
			start[r] += start[r - 1];
		for (int i = 0; i < m; i++)
			order[start[res->ranks[i]]++] = i;
		free(start);
	}
	int first = order[0];
	double dq = m > 1 ? 1.0 / (m - 1) : 1.0;
	res->advantage = m == 1 || Q[order[1]] - Q[first] >= dq - 1e-12;
	int by_s = 1, by_r = 1;
	for (int i = 0; i < m; i++) {
		if (S[i] < S[first] && !same_score(S[i], S[first]))
			by_s = 0;
		if (R[i] < R[first] && !same_score(R[i], R[first]))
			by_r = 0;
	}
	res->stability = by_s || by_r;
	res->ncompromise = 0;
	if (res->advantage && res->stability) {
		res->compromise[res->ncompromise++] = first;
	} else if (res->advantage) {
		res->compromise[res->ncompromise++] = first;
		res->compromise[res->ncompromise++] = order[1];
	} else {
		for (int k = 0; k < m && Q[order[k]] - Q[first] < dq - 1e-12; k++)
			res->compromise[res->ncompromise++] = order[k];
	}
	free(order);
	return 0;
}

int eval_run(const struct eval_matrix *mx, const double *weights, const struct eval_options *opt,
	     struct eval_result *res, struct cc_error *err)
{
	struct prep p;
	struct affine f = {0};
	memset(res, 0, sizeof *res);
	if (!opt)
		return cc_error_set(err, CC_EINVAL, "no method options");
	if (opt->method != EVAL_TOPSIS && opt->method != EVAL_VIKOR && opt->method != EVAL_WSUM)
		return cc_error_set(err, CC_EINVAL, "unknown method %d", opt->method);
	if (opt->method == EVAL_VIKOR && !(opt->v >= 0 && opt->v <= 1))
		return cc_error_set(err, CC_EINVAL, "VIKOR's v must be between 0 and 1, not %g",
				    opt->v);
	int rc = prep_init(&p, mx, 0, err);
	if (rc)
		return rc;
	int m = p.m, n = p.n;
	res->m = m;
	res->n = n;
	res->weights = malloc(sizeof(double) * (size_t)n);
	res->scores = cc_big_alloc(sizeof(double) * (size_t)m);
	res->ranks = cc_big_alloc(sizeof(int) * (size_t)m);
	if (!res->weights || !res->scores || !res->ranks) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	rc = eval_weights_given(weights, n, res->weights, err);
	if (rc)
		goto out;
	if (opt->method == EVAL_VIKOR) {
		res->S = malloc(sizeof(double) * (size_t)m);
		res->R = malloc(sizeof(double) * (size_t)m);
		res->Q = malloc(sizeof(double) * (size_t)m);
		if (!res->S || !res->R || !res->Q) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		rc = vikor(&p, mx->benefit, res->weights, opt->v, res, err);
		goto out;
	}
	rc = affine_init(&f, &p, mx->benefit, opt->norm, err);
	if (rc)
		goto out;
	if (opt->method == EVAL_TOPSIS) {
		rc = topsis_scores(&p, &f, res->weights, res->scores, err);
		if (rc)
			goto out;
	} else {
		wsum_scores(&p, &f, res->weights, res->scores);
	}
	rc = eval_rank(res->scores, m, 0, res->ranks);
	if (rc)
		rc = cc_error_set(err, rc, "out of memory");
out:
	affine_release(&f);
	prep_release(&p);
	if (rc)
		eval_result_release(res);
	return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* Sensitivity.                                                                              */

void eval_sensitivity_release(struct eval_sensitivity *sens)
{
	if (!sens)
		return;
	free(sens->weights);
	free(sens->ranks);
	free(sens->moves);
	free(sens->max_move);
	memset(sens, 0, sizeof *sens);
}

int eval_sensitivity_run(const struct eval_matrix *mx, const double *weights,
			 const struct eval_options *opt, const int *base_ranks,
			 struct eval_sensitivity *sens, struct cc_error *err)
{
	int rc = eval_matrix_check(mx, err);
	memset(sens, 0, sizeof *sens);
	if (rc)
		return rc;
	int m = mx->m, n = mx->n, ns = EVAL_SENS_STEPS;
	size_t scen = (size_t)n * (size_t)ns;
	if ((size_t)m > SIZE_MAX / sizeof(int) / scen)
		return cc_error_set(err, CC_ENOMEM, "sensitivity analysis too large");
	sens->m = m;
	sens->n = n;
	sens->nsteps = ns;
	sens->weights = malloc(sizeof(double) * scen * (size_t)n);
	sens->ranks = malloc(sizeof(int) * scen * (size_t)m);
	sens->moves = calloc(scen, sizeof(int));
	sens->max_move = calloc((size_t)m, sizeof(int));
	double *base = malloc(sizeof(double) * (size_t)n);
	if (!sens->weights || !sens->ranks || !sens->moves || !sens->max_move || !base) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	rc = eval_weights_given(weights, n, base, err);
	if (rc)
		goto out;
	for (int j = 0; j < n; j++)
		for (int s = 0; s < ns; s++) {
			size_t k = (size_t)j * (size_t)ns + (size_t)s;
			double *w = sens->weights + k * (size_t)n;
			double wj = base[j] * (1 + eval_sens_steps[s]);
			if (wj > 1)
				wj = 1;
			double rest = 1 - base[j];
			for (int q = 0; q < n; q++)
				w[q] = q == j ? wj : (rest > 0 ? base[q] * (1 - wj) / rest : 0);
			if (n == 1)
				w[0] = 1;
			struct eval_result r;
			rc = eval_run(mx, w, opt, &r, err);
			if (rc)
				goto out;
			int *dst = sens->ranks + k * (size_t)m;
			memcpy(dst, r.ranks, sizeof(int) * (size_t)m);
			eval_result_release(&r);
			for (int i = 0; i < m; i++) {
				int mv = abs(dst[i] - base_ranks[i]);
				if (mv > sens->moves[k])
					sens->moves[k] = mv;
				if (mv > sens->max_move[i])
					sens->max_move[i] = mv;
			}
		}
out:
	free(base);
	if (rc)
		eval_sensitivity_release(sens);
	return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* Reading decision matrices and AHP matrices from tables.                                   */

void eval_dataset_release(struct eval_dataset *d)
{
	if (!d)
		return;
	for (int i = 0; d->alternatives && i < d->mx.m; i++)
		free(d->alternatives[i]);
	for (int j = 0; d->criteria && j < d->mx.n; j++)
		free(d->criteria[j]);
	free(d->alternatives);
	free(d->criteria);
	free(d->x);
	free(d->benefit);
	free(d->weights);
	memset(d, 0, sizeof *d);
}

/* The trimmed cell K of ROW (or "" past its end) as pointer and length. */
static const char *cell(const struct cc_row *row, size_t k, size_t *len)
{
	const char *s = "";
	size_t n = 0;
	if (k < row->nfields) {
		s = row->fields[k];
		n = row->lens[k];
	}
	cc_trim(&s, &n);
	*len = n;
	return s;
}

/* 1 when S[0..N) names one of WORDS (NULL-terminated) as a column header would
 * (base/header.h): the row labels 'type' and 'weight' play a header's part. */
static int name_is_any(const char *s, size_t n, const char *const *words)
{
	return cc_header_find(s, n, words, -1) >= 0;
}

static const char *const type_names[] = {"type", "types", "direction", "类型", "方向", NULL};
static const char *const weight_names[] = {"weight", "weights", "权重", NULL};
static const char *const max_words[] = {"max",	  "maximise", "maximize", "benefit", "+", "效益",
					"效益型", "极大",     "极大型",	  "正向",    NULL};
static const char *const min_words[] = {"min",	  "minimise", "minimize", "cost", "-", "成本",
					"成本型", "极小",     "极小型",	  "负向", NULL};

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Length of S to quote in a message (at most 40 bytes, not cutting a UTF-8 sequence). */
static int qlen(const char *s, size_t n)
{
	return (int)cc_utf8_cut(s, n, 40);
}

/* The header ROW: the first cell is free, then one criterion per cell (trailing empty cells do
 * not count; an empty one is named C<j>). */
static int read_criteria(struct eval_dataset *d, const struct cc_row *row, struct cc_error *err)
{
	size_t nf = row->nfields, len;
	while (nf > 1 && cc_is_blank(row->fields[nf - 1], row->lens[nf - 1]))
		nf--;
	if (nf < 2)
		return cc_error_set(err, CC_EINVAL,
				    "line %ld: the header names no criteria (first "
				    "column the alternative, then one column per criterion)",
				    row->line);
	if (nf - 1 > EVAL_MAX_CRITERIA)
		return cc_error_set(err, CC_EINVAL, "line %ld: %zu criteria, at most %d", row->line,
				    nf - 1, EVAL_MAX_CRITERIA);
	int n = (int)(nf - 1);
	d->criteria = calloc((size_t)n, sizeof *d->criteria);
	d->benefit = calloc((size_t)n, sizeof *d->benefit);
	if (!d->criteria || !d->benefit)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	d->mx.n = n;
	for (int j = 0; j < n; j++) {
		const char *s = cell(row, (size_t)j + 1, &len);
		char gen[32];
		if (len == 0) {
			snprintf(gen, sizeof gen, "C%d", j + 1);
			s = gen;
			len = strlen(gen);
		}
		d->criteria[j] = dup_n(s, len);
		if (!d->criteria[j])
			return cc_error_set(err, CC_ENOMEM, "out of memory");
	}
	return 0;
}

/* The 'type' row: max or min (or their synonyms) under each criterion. */
static int read_type_row(struct eval_dataset *d, const struct cc_row *row, struct cc_error *err)
{
	for (int j = 0; j < d->mx.n; j++) {
		size_t cl;
		const char *c = cell(row, (size_t)j + 1, &cl);
		if (name_is_any(c, cl, max_words))
			d->benefit[j] = 1;
		else if (name_is_any(c, cl, min_words))
			d->benefit[j] = 0;
		else
			return cc_error_set(err, CC_EINVAL,
					    "line %ld, column '%s': type '%.*s' is "
					    "neither max nor min (also benefit/cost, "
					    "效益/成本)",
					    row->line, d->criteria[j], qlen(c, cl), c);
	}
	return 0;
}

/* The 'weight' row: a number >= 0 under each criterion. */
static int read_weight_row(struct eval_dataset *d, const struct cc_row *row, struct cc_error *err)
{
	int n = d->mx.n;
	d->weights = calloc((size_t)n, sizeof *d->weights);
	if (!d->weights)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	for (int j = 0; j < n; j++) {
		size_t cl;
		struct cc_error e2;
		const char *c = cell(row, (size_t)j + 1, &cl);
		if (cl == 0 || cc_parse_number(c, cl, &d->weights[j], &e2) || d->weights[j] < 0)
			return cc_error_set(err, CC_EINVAL,
					    "line %ld, column '%s': weight '%.*s' is not "
					    "a number >= 0",
					    row->line, d->criteria[j], qlen(c, cl), c);
	}
	return 0;
}

/* An alternative's row (its name NAME[0..LEN)): its values, empty cells unknown (NaN). */
static int read_alternative(struct eval_dataset *d, const struct cc_row *row, const char *name,
			    size_t len, struct cc_error *err)
{
	int m = d->mx.m, n = d->mx.n;
	if (m == d->cap) {
		int cap = d->cap ? d->cap * 2 : 64;
		if ((size_t)cap > SIZE_MAX / sizeof(double) / (size_t)n || cap < d->cap)
			return cc_error_set(err, CC_ENOMEM, "too many alternatives");
		double *nx = realloc(d->x, sizeof(double) * (size_t)cap * (size_t)n);
		if (!nx)
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		d->x = nx;
		char **na = realloc(d->alternatives, sizeof(char *) * (size_t)cap);
		if (!na)
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		d->alternatives = na;
		d->cap = cap;
	}
	d->alternatives[m] = dup_n(name, len);
	if (!d->alternatives[m])
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	double *xr = d->x + (size_t)m * (size_t)n;
	d->mx.m = m + 1;
	for (int j = 0; j < n; j++) {
		size_t cl;
		struct cc_error e2;
		const char *c = cell(row, (size_t)j + 1, &cl);
		if (cl == 0) {
			xr[j] = NAN;
			continue;
		}
		if (cc_parse_number(c, cl, &xr[j], &e2))
			return cc_error_set(err, CC_EINVAL,
					    "line %ld, column '%s' (alternative '%s'): '%.*s' is "
					    "not a number",
					    row->line, d->criteria[j], d->alternatives[m],
					    qlen(c, cl), c);
	}
	return 0;
}

/* The whole file read: a type row, an alternative, and a value in every column. */
static int check_dataset(const struct eval_dataset *d, int have_type, struct cc_error *err)
{
	int m = d->mx.m, n = d->mx.n;
	if (!have_type)
		return cc_error_set(err, CC_EINVAL,
				    "no 'type' row: add a row named type with max or min under "
				    "each criterion");
	if (m == 0)
		return cc_error_set(err, CC_EINVAL,
				    "no alternatives: add one row per alternative "
				    "under the header");
	for (int j = 0; j < n; j++) {
		int present = 0;
		for (int i = 0; i < m && !present; i++)
			present = !isnan(d->x[(size_t)i * (size_t)n + (size_t)j]);
		if (!present)
			return cc_error_set(err, CC_EINVAL, "column '%s' has no values",
					    d->criteria[j]);
	}
	return 0;
}

int eval_dataset_read(struct eval_dataset *d, struct cc_table *t, struct cc_error *err)
{
	struct cc_row row;
	int rc, have_type = 0;
	long type_line = 0, weight_line = 0;
	memset(d, 0, sizeof *d);
	rc = cc_table_next(t, &row, err);
	if (rc < 0)
		goto out;
	if (rc == 0) {
		rc = cc_error_set(err, CC_EINVAL,
				  "the file is empty: expected a header row naming "
				  "the criteria");
		goto out;
	}
	rc = read_criteria(d, &row, err);
	if (rc)
		goto out;
	while ((rc = cc_table_next(t, &row, err)) == 1) {
		size_t len, last = row.nfields;
		while (last > 1 && cc_is_blank(row.fields[last - 1], row.lens[last - 1]))
			last--;
		if (last > (size_t)d->mx.n + 1) {
			rc = cc_error_set(err, CC_EINVAL,
					  "line %ld: %zu cells, but the header names %d criteria",
					  row.line, last, d->mx.n);
			goto out;
		}
		const char *name = cell(&row, 0, &len);
		if (len == 0) {
			if (last <= 1)
				continue; /* an empty line between blocks */
			rc = cc_error_set(
				err, CC_EINVAL,
				"line %ld: no name in the first column (the alternative, or "
				"'type' / 'weight')",
				row.line);
			goto out;
		}
		if (name_is_any(name, len, type_names)) {
			if (have_type) {
				rc = cc_error_set(
					err, CC_EINVAL,
					"line %ld: a second 'type' row (the first is on line "
					"%ld)",
					row.line, type_line);
				goto out;
			}
			have_type = 1;
			type_line = row.line;
			rc = read_type_row(d, &row, err);
		} else if (name_is_any(name, len, weight_names)) {
			if (d->weights) {
				rc = cc_error_set(
					err, CC_EINVAL,
					"line %ld: a second 'weight' row (the first is on "
					"line %ld)",
					row.line, weight_line);
				goto out;
			}
			weight_line = row.line;
			rc = read_weight_row(d, &row, err);
		} else {
			rc = read_alternative(d, &row, name, len, err);
		}
		if (rc)
			goto out;
	}
	if (rc < 0)
		goto out;
	rc = check_dataset(d, have_type, err);
	if (rc)
		goto out;
	d->mx.x = d->x;
	d->mx.benefit = d->benefit;
out:
	if (rc) {
		if (!d->alternatives)
			d->mx.m = 0;
		eval_dataset_release(d);
	}
	return rc;
}

int eval_dataset_open(struct eval_dataset *d, const char *path, struct cc_error *err)
{
	struct cc_table *t = NULL;
	memset(d, 0, sizeof *d);
	int rc = cc_table_open(&t, path, err);
	if (rc)
		return rc;
	rc = eval_dataset_read(d, t, err);
	cc_table_free(t);
	return rc;
}

/* Parses a comparison cell: a number or "a/b". Returns 0 or -1. */
static int parse_ratio(const char *s, size_t n, double *out)
{
	struct cc_error e;
	const char *slash = memchr(s, '/', n);
	if (!slash)
		return cc_parse_number(s, n, out, &e) ? -1 : 0;
	double a, b;
	size_t la = (size_t)(slash - s);
	if (cc_parse_number(s, la, &a, &e) || cc_parse_number(slash + 1, n - la - 1, &b, &e) ||
	    b == 0)
		return -1;
	*out = a / b;
	return 0;
}

/* Index of the criterion named S[0..N) in CRITERIA, or -1. */
static int find_criterion(char *const *criteria, int n, const char *s, size_t len)
{
	for (int j = 0; j < n; j++)
		if (strlen(criteria[j]) == len && memcmp(criteria[j], s, len) == 0)
			return j;
	return -1;
}

int eval_ahp_read(struct cc_table *t, int n, char *const *criteria, double *a, struct cc_error *err)
{
	struct cc_row row;
	int rc, nrows = 0, header = 0, colmap[15], rowseen[15] = {0};
	if (n < 1 || n > 15)
		return cc_error_set(err, CC_EINVAL,
				    "AHP needs 1 to 15 criteria (Saaty's random index), not %d", n);
	for (int j = 0; j < n; j++)
		colmap[j] = j;
	while ((rc = cc_table_next(t, &row, err)) == 1) {
		size_t last = row.nfields, len;
		while (last > 0 && cc_is_blank(row.fields[last - 1], row.lens[last - 1]))
			last--;
		if (last == 0)
			continue;
		/* Is the first cell a label (not a number)? Is the row a header of labels? */
		const char *c0 = cell(&row, 0, &len);
		double v;
		int labelled = len == 0 || parse_ratio(c0, len, &v) != 0;
		size_t l1;
		const char *c1 = cell(&row, 1, &l1);
		int is_header = last == 1 ? labelled : (l1 > 0 && parse_ratio(c1, l1, &v) != 0);
		if (nrows == 0 && !header && is_header) {
			/* A header row: labels of the columns, after an optional corner cell. */
			size_t first = len == 0 || find_criterion(criteria, n, c0, len) < 0 ? 1 : 0;
			if (last - first != (size_t)n)
				return cc_error_set(
					err, CC_EINVAL,
					"AHP matrix line %ld: the header has %zu labels but "
					"the decision matrix has %d criteria",
					row.line, last - first, n);
			int seen[15] = {0};
			for (int j = 0; j < n; j++) {
				size_t cl;
				const char *c = cell(&row, first + (size_t)j, &cl);
				int k = find_criterion(criteria, n, c, cl);
				if (k < 0 || seen[k])
					return cc_error_set(
						err, CC_EINVAL,
						"AHP matrix line %ld: label '%.*s' is %s", row.line,
						qlen(c, cl), c,
						k < 0 ? "not a criterion of the decision "
							"matrix"
						      : "repeated");
				seen[k] = 1;
				colmap[j] = k;
			}
			header = 1;
			continue;
		}
		if (nrows >= n)
			return cc_error_set(
				err, CC_EINVAL,
				"AHP matrix line %ld: more than %d rows (the matrix must be "
				"%d x %d, one row and column per criterion)",
				row.line, n, n, n);
		size_t first = labelled ? 1 : 0;
		if (last - first != (size_t)n)
			return cc_error_set(
				err, CC_EINVAL,
				"AHP matrix line %ld: %zu values, expected %d (the matrix "
				"must be square, %d x %d, one row and column per "
				"criterion)",
				row.line, last - first, n, n, n);
		int r = nrows;
		if (labelled) {
			r = find_criterion(criteria, n, c0, len);
			if (r < 0)
				return cc_error_set(err, CC_EINVAL,
						    "AHP matrix line %ld: label '%.*s' is not a "
						    "criterion of the decision matrix",
						    row.line, qlen(c0, len), c0);
		}
		if (rowseen[r])
			return cc_error_set(
				err, CC_EINVAL,
				"AHP matrix line %ld: the row of criterion '%s' is given "
				"twice",
				row.line, criteria[r]);
		rowseen[r] = 1;
		for (int j = 0; j < n; j++) {
			size_t cl;
			const char *c = cell(&row, first + (size_t)j, &cl);
			double x;
			if (cl == 0 || parse_ratio(c, cl, &x))
				return cc_error_set(
					err, CC_EINVAL,
					"AHP matrix line %ld, column %d: '%.*s' is not a "
					"number or a fraction like 1/3",
					row.line, j + 1, qlen(c, cl), c);
			a[r * n + colmap[j]] = x;
		}
		nrows++;
	}
	if (rc < 0)
		return rc;
	if (nrows != n)
		return cc_error_set(err, CC_EINVAL,
				    "AHP matrix has %d rows, expected %d (one per criterion: the "
				    "matrix must be square)",
				    nrows, n);
	return 0;
}
