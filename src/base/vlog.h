/*
 * The natural logarithm of four doubles at once, branch-free, for passes that take a log of
 * every cell (the entropy weights' sum of y ln y over a million rows spent most of its time
 * in libm's scalar log). GCC / clang vector extensions: 256-bit AVX where the caller is
 * compiled for it (CC_VEC_CLONES below), two SSE2 halves otherwise; the same results either
 * way (IEEE operations, and the files that use it are built without FMA contraction).
 *
 * The algorithm is fdlibm's e_log.c (Sun Microsystems, 1993; the same one musl and FreeBSD
 * ship): x = 2^k (1 + f) with sqrt(2)/2 <= 1 + f < sqrt(2), s = f / (2 + f), and
 * log(1 + f) = f - (f^2/2 - s (f^2/2 + R(s^2))), R a degree-14 minimax polynomial (its
 * Lg1..Lg7), error below one unit in the last place. The reduction takes k and 1 + f from the
 * bits (as musl's log does) instead of fdlibm's branches, so it holds for positive, normal,
 * finite x only: the caller keeps zeros, subnormals, infinities and NaN away (cc_vlog_ok).
 * tests/unit/test_base.c checks it against libm's log over the whole normal range.
 */
#ifndef CC_BASE_VLOG_H
#define CC_BASE_VLOG_H
#include <float.h>
#include <stdint.h>
#include <string.h>

typedef double cc_v4d __attribute__((vector_size(32)));
typedef int64_t cc_v4l __attribute__((vector_size(32)));

/* The helpers below are always inlined: a vector argument passed in a call between a
 * function compiled for AVX and one compiled without it would not be where the callee
 * looks for it. */

/* Where the compiler supports function multi-versioning on x86-64 (GCC; clang 14 refuses a
 * vector argument between the clones before inlining): a function so marked is compiled for
 * x86-64-v3 (AVX2, FMA) and for the baseline, and the loader picks one for the processor.
 * Not under a sanitizer: their builds test the baseline code, and the clones' resolvers run
 * while the program is loaded, before ThreadSanitizer's runtime is ready (a crash there). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                             \
	!defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && !defined(CC_NO_CLONES)
#define CC_VEC_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CC_VEC_CLONES
#endif

static inline __attribute__((always_inline)) cc_v4d cc_v4d_load(const double *p)
{
	cc_v4d v;
	memcpy(&v, p, sizeof v);
	return v;
}

static inline __attribute__((always_inline)) void cc_v4d_store(double *p, cc_v4d v)
{
	memcpy(p, &v, sizeof v);
}

static inline __attribute__((always_inline)) cc_v4d cc_v4d_splat(double d)
{
	return (cc_v4d){d, d, d, d};
}

/* All ones in each lane where A is a positive normal finite number (log's domain here). */
static inline __attribute__((always_inline)) cc_v4l cc_vlog_ok(cc_v4d a)
{
	return (a >= cc_v4d_splat(DBL_MIN)) & (a <= cc_v4d_splat(DBL_MAX));
}

static inline __attribute__((always_inline)) cc_v4d cc_vlog(cc_v4d x)
{
	const int64_t off = 0x3fe6a09e667f3bcdLL; /* the bits of sqrt(2)/2 */
	const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
	const double lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01,
		     lg3 = 2.857142874366239149e-01, lg4 = 2.222219843214978396e-01,
		     lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01,
		     lg7 = 1.479819860511658591e-01;
	cc_v4l ix = (cc_v4l)x - off;
	cc_v4l k = ix >> 52;
	cc_v4l mb = (ix & 0x000fffffffffffffLL) + off;
	cc_v4d f = (cc_v4d)mb - 1.0;
	/* k as a double without a conversion instruction (AVX2 has none for 64-bit integers):
	 * the bits of 2^52 + 2^51 + k, less 2^52 + 2^51, exact for |k| < 2^51. */
	cc_v4d dk = (cc_v4d)(k + 0x4338000000000000LL) - 6755399441055744.0;
	cc_v4d s = f / (2.0 + f);
	cc_v4d z = s * s, w = z * z;
	cc_v4d t1 = w * (lg2 + w * (lg4 + w * lg6));
	cc_v4d t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
	cc_v4d r = t2 + t1, hfsq = 0.5 * f * f;
	return dk * ln2_hi - ((hfsq - (s * (hfsq + r) + dk * ln2_lo)) - f);
}

#endif
