/*
 * Exact decimal fixed point: a column of doubles held as 32-bit integers v * 10^k when every
 * value comes back bit for bit (k the same for the column), else as the doubles themselves.
 * Values read from decimal text with few decimals (amounts in 万元 with two, shares with four)
 * take half the memory and read back unchanged: k / 10^d, one correctly rounded division, is
 * the double nearest the decimal, which is what parsing its text gave.
 */
#ifndef CC_BASE_FIXED_H
#define CC_BASE_FIXED_H
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define CC_FIXED_NAN INT32_MIN /* an unknown value (NaN) in q */

struct cc_fixed {
	int32_t *q;   /* value * scale, CC_FIXED_NAN for NaN; NULL when the column is d */
	double *d;    /* the values as doubles when some value has no exact fixed-point form */
	double scale; /* 10^k (k 0..9) for q */
};

static inline double cc_fixed_get(const struct cc_fixed *c, size_t i)
{
	if (c->q) {
		int32_t v = c->q[i];
		return v == CC_FIXED_NAN ? NAN : (double)v / c->scale;
	}
	return c->d[i];
}

/*
 * The smallest scale 10^k (k 0..9) at which every value of V[0..N) (NaN allowed) is an exact
 * 32-bit fixed-point number, or 0 when there is none (a value with more decimals, too large,
 * infinite or negative zero).
 */
double cc_fixed_scale(const double *v, size_t n);

/*
 * Packs V[PERM[i]] (V[i] when PERM is NULL), i < N, at SCALE into Q[0..N). 0, or -1 when a
 * value does not come back exactly (Q is then not usable).
 */
int cc_fixed_pack(const double *v, const int32_t *perm, size_t n, double scale, int32_t *q);

#endif
