/* Exact decimal fixed point (fixed.h). */
#include "base/fixed.h"

static const double pow10s[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
#define NPOW ((int)(sizeof pow10s / sizeof pow10s[0]))

/* X * SCALE rounded to the nearest integer (halves away from zero; a misrounding only makes
 * the exactness check fail), or 0 when out of 32-bit range. */
static inline int32_t round_at(double x, double scale)
{
	double y = x * scale;
	if (!(y > -2147483647.5 && y < 2147483647.5))
		return 0;
	return (int32_t)(y < 0 ? y - 0.5 : y + 0.5);
}

/* Whether V is an exact fixed-point number at SCALE within 32 bits (CC_FIXED_NAN excluded). */
static int exact_at(double v, double scale)
{
	return (double)round_at(v, scale) / scale == v && !(v == 0 && signbit(v));
}

double cc_fixed_scale(const double *v, size_t n)
{
	int k = 0;
	double top = 0; /* the largest magnitude seen */
	for (size_t i = 0; i < n; i++) {
		double x = v[i];
		if (isnan(x))
			continue;
		while (k < NPOW && !exact_at(x, pow10s[k]))
			k++;
		if (k == NPOW)
			return 0;
		double a = fabs(x);
		if (a > top)
			top = a;
	}
	/* A value exact at a smaller scale is exact at a larger one (the same decimal), as long
	 * as it still fits: the largest one decides. */
	if (top * pow10s[k] >= 2147483647.5)
		return 0;
	return pow10s[k];
}

int cc_fixed_pack(const double *v, const int32_t *perm, size_t n, double scale, int32_t *q)
{
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		double x = perm ? v[perm[i]] : v[i];
		int nan = x != x;
		int32_t k = round_at(x, scale);
		/* Branch-free: a NaN packs as CC_FIXED_NAN and is never "bad". */
		bad |= (nan == 0) & (((double)k / scale != x) | ((x == 0) & (signbit(x) != 0)));
		q[i] = nan ? CC_FIXED_NAN : k;
	}
	return bad ? -1 : 0;
}
