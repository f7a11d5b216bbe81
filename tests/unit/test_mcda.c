/*
 * Unit tests of eval/mcda: every method against published worked examples (the source of
 * each expected number is cited beside it; where a paper prints three decimals the test
 * checks those to the paper's precision and the full result to four decimals), then the
 * conventions of mcda.h: normalisations, ties, missing values, constant columns, m = 1,
 * n = 1, bad inputs, AHP refusal, sensitivity, and the file readers.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "eval/mcda.h"
#include "io/table.h"

/* cmocka 1.1 compares floats in single precision; these tests need doubles. */
#define near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))
#define NELEM(a)	((int)(sizeof(a) / sizeof((a)[0])))

static struct eval_matrix mat(int m, int n, const double *x, const int *benefit)
{
	struct eval_matrix mx = {m, n, x, benefit, NULL};
	return mx;
}

/* Runs METHOD with weights W and checks nothing failed. */
static void run(const struct eval_matrix *mx, const double *w, int method, int norm, double v,
		struct eval_result *r)
{
	struct eval_options o = {method, norm, v};
	struct cc_error err = {0};
	int rc = eval_run(mx, w, &o, r, &err);
	if (rc)
		print_error("eval_run: %s\n", err.msg);
	assert_int_equal(rc, 0);
}

static void check_ranks(const int *got, const int *want, int m)
{
	for (int i = 0; i < m; i++)
		assert_int_equal(got[i], want[i]);
}

/* ---- TOPSIS ---------------------------------------------------------------------------- */

/*
 * Tzeng, G.-H. & Huang, J.-J. (2011), Multiple Attribute Decision Making: Methods and
 * Applications, CRC Press, TOPSIS example: 4 alternatives, 3 benefit criteria, weights
 * (0.3, 0.4, 0.3), vector normalisation. Closeness 0.5037, 0.6581, 0.7482, 0.3340.
 */
static const double th_x[] = {5, 8, 4, 7, 6, 8, 8, 8, 6, 7, 4, 6};
static const int th_b[] = {1, 1, 1};
static const double th_w[] = {0.3, 0.4, 0.3};

static void test_topsis_tzeng_huang(void **state)
{
	(void)state;
	struct eval_matrix mx = mat(4, 3, th_x, th_b);
	struct eval_result r;
	run(&mx, th_w, EVAL_TOPSIS, EVAL_NORM_VECTOR, 0, &r);
	const double want[] = {0.5037, 0.6581, 0.7482, 0.3340};
	for (int i = 0; i < 4; i++)
		near(r.scores[i], want[i], 5e-5);
	check_ranks(r.ranks, (const int[]){3, 2, 1, 4}, 4);
	eval_result_release(&r);
}

/*
 * Hwang, C.-L. & Yoon, K. (1981), Multiple Attribute Decision Making: Methods and
 * Applications, Springer (Lecture Notes in Economics and Mathematical Systems 186), the
 * fighter aircraft example: max speed (Mach), ferry range (NM), max payload (lb), acquisition
 * cost (10^6 $, a cost), reliability and manoeuvrability (interval scale: average 5, low 3,
 * high 7, very high 9); weights (0.2, 0.1, 0.1, 0.1, 0.2, 0.3); vector normalisation.
 * Published closeness (three decimals, from intermediate values the book rounds): 0.643,
 * 0.268, 0.613, 0.312; ranking A1 > A3 > A4 > A2. Unrounded, to four decimals: 0.6433,
 * 0.2684, 0.6135, 0.3123 (cross-checked with numpy).
 */
static const double hy_x[] = {2.0, 1500, 20000, 5.5, 5, 9, 2.5, 2700, 18000, 6.5, 3, 5,
			      1.8, 2000, 21000, 4.5, 7, 7, 2.2, 1800, 20000, 5.0, 5, 5};
static const int hy_b[] = {1, 1, 1, 0, 1, 1};

static void test_topsis_hwang_yoon(void **state)
{
	(void)state;
	const double w[] = {0.2, 0.1, 0.1, 0.1, 0.2, 0.3};
	struct eval_matrix mx = mat(4, 6, hy_x, hy_b);
	struct eval_result r;
	run(&mx, w, EVAL_TOPSIS, EVAL_NORM_VECTOR, 0, &r);
	const double paper[] = {0.643, 0.268, 0.613, 0.312};
	const double four[] = {0.6433, 0.2684, 0.6135, 0.3123};
	for (int i = 0; i < 4; i++) {
		near(r.scores[i], paper[i], 6e-4);
		near(r.scores[i], four[i], 5e-5);
	}
	check_ranks(r.ranks, (const int[]){1, 4, 2, 3}, 4);
	eval_result_release(&r);
}

/*
 * TOPSIS part of Opricovic & Tzeng (2004) (see the VIKOR test below for the data): risk is a
 * cost, altitude a benefit, equal weights. Checked for the direction convention: the
 * closeness does not depend on whether a cost column is reflected, and any normalisation
 * that is a positive rescaling of the vector one (max and sum here: constant per column)
 * gives different ideals but the same ordering on this example.
 */
static void test_topsis_cost_reflection(void **state)
{
	(void)state;
	const double x[] = {1, 3000, 2, 3750, 5, 4500};
	const int b[] = {0, 1};
	const double w[] = {0.5, 0.5};
	struct eval_matrix mx = mat(3, 2, x, b);
	struct eval_result r;
	run(&mx, w, EVAL_TOPSIS, EVAL_NORM_VECTOR, 0, &r);
	/* By hand: norms sqrt(30) and sqrt(43312500); C = 0.7621, 0.7222, 0.2379. */
	near(r.scores[0], 0.76214058, 1e-7);
	near(r.scores[1], 0.72217783, 1e-7);
	near(r.scores[2], 0.23785942, 1e-7);
	check_ranks(r.ranks, (const int[]){1, 2, 3}, 3);
	eval_result_release(&r);
	/* The same with the cost column negated and declared a benefit: identical closeness
	 * up to the ideal's side (min-max is invariant under x -> -x with flipped direction). */
	const double x2[] = {-1, 3000, -2, 3750, -5, 4500};
	const int b2[] = {1, 1};
	struct eval_matrix m1 = mat(3, 2, x, b), m2 = mat(3, 2, x2, b2);
	struct eval_result r1, r2;
	run(&m1, w, EVAL_TOPSIS, EVAL_NORM_MINMAX, 0, &r1);
	run(&m2, w, EVAL_TOPSIS, EVAL_NORM_MINMAX, 0, &r2);
	for (int i = 0; i < 3; i++)
		near(r1.scores[i], r2.scores[i], 1e-12);
	eval_result_release(&r1);
	eval_result_release(&r2);
}

/* ---- VIKOR ----------------------------------------------------------------------------- */

/*
 * Opricovic, S. & Tzeng, G.-H. (2004), Compromise solution by MCDM methods: a comparative
 * analysis of VIKOR and TOPSIS, European Journal of Operational Research 156(2), 445-455,
 * the numerical example: risk (minimise) and altitude (maximise), equal weights, v = 0.5.
 * S = (0.5, 0.375, 0.5), R = (0.5, 0.25, 0.5), Q = (1, 0, 1); A2 is the compromise solution
 * with acceptable advantage and stability.
 */
static void test_vikor_opricovic_tzeng_2004(void **state)
{
	(void)state;
	const double x[] = {1, 3000, 2, 3750, 5, 4500};
	const int b[] = {0, 1};
	const double w[] = {0.5, 0.5};
	struct eval_matrix mx = mat(3, 2, x, b);
	struct eval_result r;
	run(&mx, w, EVAL_VIKOR, 0, 0.5, &r);
	const double S[] = {0.5, 0.375, 0.5}, R[] = {0.5, 0.25, 0.5}, Q[] = {1, 0, 1};
	for (int i = 0; i < 3; i++) {
		near(r.S[i], S[i], 1e-12);
		near(r.R[i], R[i], 1e-12);
		near(r.Q[i], Q[i], 1e-12);
		near(r.scores[i], Q[i], 1e-12);
	}
	check_ranks(r.ranks, (const int[]){2, 1, 2}, 3); /* A1 and A3 tie */
	assert_true(r.advantage);
	assert_true(r.stability);
	assert_int_equal(r.ncompromise, 1);
	assert_int_equal(r.compromise[0], 1);
	eval_result_release(&r);
}

/*
 * Opricovic, S. & Tzeng, G.-H. (2007), Extended VIKOR method in comparison with outranking
 * methods, European Journal of Operational Research 178(2), 514-529, the reservoir example:
 * 6 alternatives, 8 criteria (profit max, cost min, energy max, peak energy max, homes
 * relocated min, reservoir area min, villages displaced min, environmental grade max), four
 * weight sets. Published S, R, Q to three decimals (Tables 3 to 6).
 */
static const double ot7_x[] = {
	4184.3, 2914.0, 407.2, 251.0, 195,    244,    15,    2.41,  5211.9, 3630.0, 501.7, 308.3,
	282,	346,	21,    1.41,  5021.3, 3920.5, 504.0, 278.6, 12,	    56,	    3,	   4.42,
	5566.1, 3957.9, 559.5, 335.3, 167,    268,    16,    3.36,  5060.5, 3293.5, 514.1, 284.2,
	69,	90,	7,     4.04,  4317.9, 2925.9, 432.8, 239.3, 12,	    55,	    3,	   4.36,
};
static const int ot7_b[] = {1, 0, 1, 1, 0, 0, 0, 1};

static void test_vikor_opricovic_tzeng_2007(void **state)
{
	(void)state;
	static const struct {
		double w[8];
		double S[6], R[6], Q[6];
		int ranks[6], advantage;
	} cases[] = {
		{{1, 1, 1, 1, 1, 1, 1, 1},
		 {0.692, 0.700, 0.290, 0.423, 0.280, 0.346},
		 {0.125, 0.125, 0.121, 0.125, 0.067, 0.125},
		 {0.991, 1.000, 0.473, 0.670, 0.000, 0.578},
		 {5, 6, 2, 4, 1, 3},
		 1},
		{{2, 2, 2, 2, 1, 1, 1, 1},
		 {0.701, 0.600, 0.386, 0.365, 0.317, 0.459},
		 {0.167, 0.114, 0.161, 0.167, 0.089, 0.167},
		 {1.000, 0.533, 0.552, 0.563, 0.000, 0.686},
		 {6, 2, 3, 4, 1, 5},
		 1},
		{{1, 1, 1, 1, 2, 2, 2, 2},
		 {0.683, 0.800, 0.193, 0.480, 0.243, 0.232},
		 {0.113, 0.167, 0.080, 0.122, 0.044, 0.083},
		 {0.684, 1.000, 0.147, 0.554, 0.041, 0.191},
		 {5, 6, 2, 4, 1, 3},
		 0},
		{{1, 1, 1, 1, 3.2, 3.2, 3.2, 3.2},
		 {0.678, 0.857, 0.138, 0.513, 0.222, 0.167},
		 {0.129, 0.190, 0.057, 0.139, 0.042, 0.060},
		 {0.668, 1.000, 0.051, 0.588, 0.058, 0.078},
		 {5, 6, 1, 4, 2, 3},
		 0},
	};
	struct eval_matrix mx = mat(6, 8, ot7_x, ot7_b);
	for (int c = 0; c < NELEM(cases); c++) {
		struct eval_result r;
		run(&mx, cases[c].w, EVAL_VIKOR, 0, 0.5, &r);
		for (int i = 0; i < 6; i++) {
			near(r.S[i], cases[c].S[i], 5e-4 + 1e-12);
			near(r.R[i], cases[c].R[i], 5e-4 + 1e-12);
			near(r.Q[i], cases[c].Q[i], 5e-4 + 1e-12);
		}
		check_ranks(r.ranks, cases[c].ranks, 6);
		assert_int_equal(r.advantage, cases[c].advantage);
		assert_true(r.stability);
		eval_result_release(&r);
	}
	/* Four decimals of the first weight set (equal weights). */
	struct eval_result r;
	run(&mx, cases[0].w, EVAL_VIKOR, 0, 0.5, &r);
	const double Q4[] = {0.9906, 1.0000, 0.4732, 0.6696, 0.0000, 0.5783};
	for (int i = 0; i < 6; i++)
		near(r.Q[i], Q4[i], 5e-5);
	assert_int_equal(r.ncompromise, 1);
	assert_int_equal(r.compromise[0], 4); /* A5 */
	eval_result_release(&r);
}

/*
 * VIKOR on the Tzeng & Huang (2011) data of the TOPSIS test (the book works the same matrix
 * with both methods): S = (0.6, 0.3, 0.15, 0.65), R = (0.3, 0.2, 0.15, 0.4),
 * Q = (0.75, 0.25, 0, 1). A3 leads but Q(A2) - Q(A3) = 0.25 < 1/3: no acceptable advantage,
 * so the compromise set is {A3, A2}.
 */
static void test_vikor_tzeng_huang(void **state)
{
	(void)state;
	struct eval_matrix mx = mat(4, 3, th_x, th_b);
	struct eval_result r;
	run(&mx, th_w, EVAL_VIKOR, 0, 0.5, &r);
	const double S[] = {0.6, 0.3, 0.15, 0.65}, R[] = {0.3, 0.2, 0.15, 0.4},
		     Q[] = {0.75, 0.25, 0, 1};
	for (int i = 0; i < 4; i++) {
		near(r.S[i], S[i], 1e-12);
		near(r.R[i], R[i], 1e-12);
		near(r.Q[i], Q[i], 1e-12);
	}
	check_ranks(r.ranks, (const int[]){3, 2, 1, 4}, 4);
	assert_false(r.advantage);
	assert_true(r.stability);
	assert_int_equal(r.ncompromise, 2);
	assert_int_equal(r.compromise[0], 2);
	assert_int_equal(r.compromise[1], 1);
	eval_result_release(&r);
	/* v = 1 ranks by S only, v = 0 by R only. */
	run(&mx, th_w, EVAL_VIKOR, 0, 1.0, &r);
	near(r.Q[1], (0.3 - 0.15) / (0.65 - 0.15), 1e-12);
	eval_result_release(&r);
	run(&mx, th_w, EVAL_VIKOR, 0, 0.0, &r);
	near(r.Q[1], (0.2 - 0.15) / (0.4 - 0.15), 1e-12);
	eval_result_release(&r);
}

/* Advantage holds, stability fails: the compromise set is a' and a''. */
static void test_vikor_stability_fails(void **state)
{
	(void)state;
	/* Values of the scikit-criteria VIKOR test "acceptable advantage but not stability",
	 * S = (0.4, 0.6, 0.2, 0.21, 0.55), R = (0.2, 0.2, 0.2, 0.12, 0.11),
	 * Q = (0.75, 1, 0.5, 0.0681, 0.4375), recomputed by hand. */
	const double x[] = {1, 101, 1,	101, 1,	 101, 1,  101, 1,  101, 1,  1, 1,
			    1, 101, 11, 11,  11, 16,  61, 56,  56, 56,	56, 56};
	const int b[] = {0, 0, 0, 0, 0};
	const double w[] = {0.2, 0.2, 0.2, 0.2, 0.2};
	struct eval_matrix mx = mat(5, 5, x, b);
	struct eval_result r;
	run(&mx, w, EVAL_VIKOR, 0, 0.5, &r);
	near(r.Q[3], 0.0680556, 1e-7);
	assert_int_equal(r.ranks[3], 1);
	assert_true(r.advantage);
	assert_false(r.stability);
	assert_int_equal(r.ncompromise, 2);
	assert_int_equal(r.compromise[0], 3);
	assert_int_equal(r.compromise[1], 4);
	eval_result_release(&r);
}

/* ---- Entropy weights ------------------------------------------------------------------- */

/*
 * Xu, X. (2004), A note on the subjective and objective integrated approach to determine
 * attribute weights, European Journal of Operational Research 156(2), 530-532: entropy
 * weights 0.4630, 0.3992, 0.1378, 0.0000 (the fourth attribute hardly varies).
 */
static void test_entropy_xu_2004(void **state)
{
	(void)state;
	const double x[] = {30, 30, 38, 29, 19, 54, 86, 29, 19, 15, 85, 28.9, 68, 70, 60, 29};
	const int b[] = {1, 1, 1, 1};
	struct eval_matrix mx = mat(4, 4, x, b);
	double w[4];
	assert_int_equal(eval_weights_entropy(&mx, w, NULL), 0);
	const double want[] = {0.4630, 0.3992, 0.1378, 0.0000};
	for (int j = 0; j < 4; j++)
		near(w[j], want[j], 5e-5);
}

/*
 * Zavadskas, E. K. & Podvezko, V. (2016), Integrated determination of objective criteria
 * weights in MCDM, International Journal of Information Technology & Decision Making 15(2),
 * 267-283: entropy weights 0.1146, 0.1981, 0.4185, 0.2689. Criteria 1 and 3 are costs, and
 * the published weights come from the raw shares x / sum x, the convention of mcda.h: the
 * direction does not enter the entropy.
 */
static void test_entropy_zavadskas_podvezko_2016(void **state)
{
	(void)state;
	const double x[] = {3.0, 100, 10, 7, 2.5, 80, 8, 5, 1.8, 50, 20, 11, 2.2, 70, 12, 9};
	const int b[] = {0, 1, 0, 1};
	struct eval_matrix mx = mat(4, 4, x, b);
	double w[4];
	assert_int_equal(eval_weights_entropy(&mx, w, NULL), 0);
	const double want[] = {0.1146, 0.1981, 0.4185, 0.2689};
	for (int j = 0; j < 4; j++)
		near(w[j], want[j], 5e-5);
}

/*
 * 0 ln 0 = 0, a constant column gets weight 0, and on the Hwang & Yoon (1981) aircraft
 * matrix the entropies are e_j = 0.9947, 0.9829, 0.9989, 0.9933, 0.9703, 0.9771, so the
 * weights are 0.0642, 0.2061, 0.0134, 0.0813, 0.3587, 0.2763 (cross-checked with numpy).
 */
static void test_entropy_conventions(void **state)
{
	(void)state;
	struct eval_matrix mx = mat(4, 6, hy_x, hy_b);
	double w[6];
	assert_int_equal(eval_weights_entropy(&mx, w, NULL), 0);
	const double want[] = {0.0642, 0.2061, 0.0134, 0.0813, 0.3587, 0.2763};
	for (int j = 0; j < 6; j++)
		near(w[j], want[j], 5e-5);
	/* A zero cell: p ln p = 0. Column (0, 1, 1): e = ln 2 / ln 3. Column 2 constant. */
	const double z[] = {0, 5, 1, 5, 1, 5};
	const int b2[] = {1, 1};
	struct eval_matrix mz = mat(3, 2, z, b2);
	double w2[2];
	assert_int_equal(eval_weights_entropy(&mz, w2, NULL), 0);
	near(w2[0], 1.0, 1e-12);
	near(w2[1], 0.0, 1e-12);
	/* Every column constant: no information anywhere, equal weights. */
	const double c[] = {2, 3, 2, 3};
	struct eval_matrix mc = mat(2, 2, c, b2);
	assert_int_equal(eval_weights_entropy(&mc, w2, NULL), 0);
	near(w2[0], 0.5, 1e-12);
	/* Negative values are refused, naming the criterion. */
	const double neg[] = {1, -2, 3, 4};
	struct eval_matrix mn = mat(2, 2, neg, b2);
	struct cc_error err = {0};
	assert_int_equal(eval_weights_entropy(&mn, w2, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "criterion 2"));
}

/* ---- CRITIC ---------------------------------------------------------------------------- */

/*
 * Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995), Determining objective weights in
 * multiple criteria problems: the CRITIC method, Computers & Operations Research 22(7),
 * 763-770, the example of 8 alternatives by 3 benefit criteria (negative values included):
 * weights 0.2022, 0.4809, 0.3169.
 */
static void test_critic_diakoulaki_1995(void **state)
{
	(void)state;
	const double x[] = {61,	 1.08, 4.33, 20.7, 0.26, 4.34, 16.3, 1.98, 2.53, 9.0,	3.29, 1.65,
			    5.4, 2.77, 2.33, 4.0,  4.12, 1.21, -6.1, 3.52, 2.10, -34.6, 3.31, 0.98};
	const int b[] = {1, 1, 1};
	struct eval_matrix mx = mat(8, 3, x, b);
	double w[3];
	assert_int_equal(eval_weights_critic(&mx, w, NULL), 0);
	const double want[] = {0.2022, 0.4809, 0.3169};
	for (int j = 0; j < 3; j++)
		near(w[j], want[j], 5e-5);
}

/*
 * Tuş, A. & Aytaç Adalı, E. (2019), The new combination with CRITIC and WASPAS methods for
 * the time and attendance software selection problem, OPSEARCH 56(2), 528-538: weights
 * 0.157, 0.249, 0.168, 0.121, 0.154, 0.151 (three decimals). The paper correlates the columns
 * as given (price not reflected), which is mcda.h's convention when every criterion is
 * declared a benefit, so the test says so.
 */
static void test_critic_tus_aytac_adali_2019(void **state)
{
	(void)state;
	const double x[] = {5000, 3, 3, 4,   3, 2, 680, 5, 3, 2,   2, 1, 2000, 3, 2,
			    3,	  4, 3, 600, 4, 3, 1,	2, 2, 800, 2, 4, 3,    3, 4};
	const int b[] = {1, 1, 1, 1, 1, 1};
	struct eval_matrix mx = mat(5, 6, x, b);
	double w[6];
	assert_int_equal(eval_weights_critic(&mx, w, NULL), 0);
	const double want[] = {0.157, 0.249, 0.168, 0.121, 0.154, 0.151};
	for (int j = 0; j < 6; j++)
		near(w[j], want[j], 5e-4 + 1e-12);
	/* Reflecting the price (a cost) flips its correlations and so changes the weights. */
	const int b2[] = {0, 1, 1, 1, 1, 1};
	struct eval_matrix m2 = mat(5, 6, x, b2);
	double w2[6];
	assert_int_equal(eval_weights_critic(&m2, w2, NULL), 0);
	near(w2[0], 0.18407, 1e-5);
}

/* A constant column has no contrast (weight 0) and stays out of the others' conflict. */
static void test_critic_constant(void **state)
{
	(void)state;
	const double x[] = {1, 7, 10, 2, 7, 30, 3, 7, 20};
	const int b[] = {1, 1, 1};
	struct eval_matrix mx = mat(3, 3, x, b);
	double w[3];
	assert_int_equal(eval_weights_critic(&mx, w, NULL), 0);
	near(w[1], 0, 1e-15);
	/* Columns 1 and 3 normalised: (0, .5, 1) and (0, 1, .5); sd equal; r = 0.5: equal
	 * weights between them. */
	near(w[0], 0.5, 1e-12);
	near(w[2], 0.5, 1e-12);
}

/* ---- AHP ------------------------------------------------------------------------------- */

/*
 * Saaty, T. L. (2008), Decision making with the analytic hierarchy process, International
 * Journal of Services Sciences 1(1), 83-98, Table 2: relative consumption of drinks in the
 * US. Priorities (coffee, wine, tea, beer, sodas, milk, water) 0.177, 0.019, 0.042, 0.116,
 * 0.190, 0.129, 0.327; CR 0.022. To four decimals (as AHPy reproduces them): 0.1775, 0.0191,
 * 0.0418, 0.1164, 0.1896, 0.1288, 0.3268.
 */
static void test_ahp_saaty_2008_drinks(void **state)
{
	(void)state;
	const double a[49] = {
		1,	 9, 5,	     2,	      1,       1,	1.0 / 2, /* coffee */
		1.0 / 9, 1, 1.0 / 3, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, /* wine */
		1.0 / 5, 3, 1,	     1.0 / 3, 1.0 / 4, 1.0 / 3, 1.0 / 9, /* tea */
		1.0 / 2, 9, 3,	     1,	      1.0 / 2, 1,	1.0 / 3, /* beer */
		1,	 9, 4,	     2,	      1,       2,	1.0 / 2, /* sodas */
		1,	 9, 3,	     1,	      1.0 / 2, 1,	1.0 / 3, /* milk */
		2,	 9, 9,	     3,	      2,       3,	1,	 /* water */
	};
	double w[7];
	struct eval_ahp info;
	assert_int_equal(eval_weights_ahp(a, 7, w, &info, NULL), 0);
	const double paper[] = {0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327};
	const double four[] = {0.1775, 0.0191, 0.0418, 0.1164, 0.1896, 0.1288, 0.3268};
	for (int j = 0; j < 7; j++) {
		near(w[j], paper[j], 5e-4 + 1e-12);
		near(w[j], four[j], 5e-5);
	}
	near(info.cr, 0.022, 5e-4);
	near(info.ri, 1.32, 1e-12);
	near(info.lambda_max, 7.1766, 5e-5);
}

/*
 * Saaty, T. L. (1990), How to make a decision: the analytic hierarchy process, European
 * Journal of Operational Research 48(1), 9-26, the house example, Table 2: eight criteria
 * (size, transportation, neighbourhood, age, yard, modern facilities, general condition,
 * financing); priorities 0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333;
 * lambda_max 9.669, CI 0.238, CR 0.169. The textbook example of an inconsistent matrix: it
 * is refused (CR > 0.1) with the CR in the message, and the numbers are still reported.
 */
static void test_ahp_saaty_1990_house_refused(void **state)
{
	(void)state;
	const double t = 1.0 / 3, q = 0.25, f = 0.2, s = 1.0 / 6, v = 1.0 / 7, e = 0.125;
	const double a[64] = {
		1, 5, 3, 7, 6, 6,   t, q,   /* size */
		f, 1, t, 5, 3, 3,   f, v,   /* transportation */
		t, 3, 1, 6, 3, 4,   6, f,   /* neighbourhood */
		v, f, s, 1, t, q,   v, e,   /* age */
		s, t, t, 3, 1, 0.5, f, s,   /* yard */
		s, t, q, 4, 2, 1,   f, s,   /* modern facilities */
		3, 5, s, 7, 5, 5,   1, 0.5, /* general condition */
		4, 7, 5, 8, 6, 6,   2, 1,   /* financing */
	};
	double w[8];
	struct eval_ahp info;
	struct cc_error err = {0};
	assert_int_equal(eval_weights_ahp(a, 8, w, &info, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "consistency ratio 0.169"));
	near(info.lambda_max, 9.669, 5e-4);
	near(info.ci, 0.238, 5e-4);
	near(info.cr, 0.169, 5e-4);
	const double paper[] = {0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333};
	for (int j = 0; j < 8; j++)
		near(w[j], paper[j], 5e-4 + 1e-12);
}

/*
 * Textbook facts: a 4 x 4 judgement matrix (experience, education, charisma, age, the
 * criteria of the common "choosing a leader" teaching example) with priorities 0.5476,
 * 0.1266, 0.2699, 0.0559, lambda_max 4.1184 and CR 0.0439 (cross-checked with
 * numpy.linalg.eig and RI 0.90); a consistent matrix has CR 0 and gives back its ratios;
 * n <= 2 is always consistent; and Saaty's (1980) random indices.
 */
static void test_ahp_textbook(void **state)
{
	(void)state;
	const double a[16] = {1,       4, 3, 7, 0.25,	 1,	  1.0 / 3, 3,
			      1.0 / 3, 3, 1, 5, 1.0 / 7, 1.0 / 3, 0.2,	   1};
	double w[4];
	struct eval_ahp info;
	assert_int_equal(eval_weights_ahp(a, 4, w, &info, NULL), 0);
	const double want[] = {0.5476, 0.1266, 0.2699, 0.0559};
	for (int j = 0; j < 4; j++)
		near(w[j], want[j], 5e-5);
	near(info.lambda_max, 4.1184, 5e-5);
	near(info.cr, 0.0439, 5e-5);
	/* Consistent: a_ij = v_i / v_j gives back v and CR 0. */
	const double vv[3] = {0.5, 0.3, 0.2};
	double c[9];
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			c[i * 3 + j] = vv[i] / vv[j];
	assert_int_equal(eval_weights_ahp(c, 3, w, &info, NULL), 0);
	for (int j = 0; j < 3; j++)
		near(w[j], vv[j], 1e-12);
	near(info.cr, 0, 1e-12);
	near(info.lambda_max, 3, 1e-12);
	/* n = 1 and n = 2. */
	const double one = 1, two[4] = {1, 9, 1.0 / 9, 1};
	assert_int_equal(eval_weights_ahp(&one, 1, w, &info, NULL), 0);
	near(w[0], 1, 1e-15);
	assert_int_equal(eval_weights_ahp(two, 2, w, &info, NULL), 0);
	near(w[0], 0.9, 1e-12);
	near(info.cr, 0, 0);
	/* Saaty (1980) random index. */
	near(eval_ahp_random_index(3), 0.58, 0);
	near(eval_ahp_random_index(4), 0.90, 0);
	near(eval_ahp_random_index(5), 1.12, 0);
	near(eval_ahp_random_index(10), 1.49, 0);
	near(eval_ahp_random_index(15), 1.59, 0);
	assert_true(eval_ahp_random_index(16) < 0);
}

static void test_ahp_bad(void **state)
{
	(void)state;
	double w[16];
	struct cc_error err = {0};
	const double notrec[9] = {1, 3, 5, 1, 1, 2, 0.2, 0.5, 1}; /* a21 should be 1/3 */
	assert_int_equal(eval_weights_ahp(notrec, 3, w, NULL, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "not reciprocal"));
	const double diag[4] = {2, 1, 1, 1};
	assert_int_equal(eval_weights_ahp(diag, 2, w, NULL, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "diagonal"));
	const double negv[4] = {1, -1, -1, 1};
	assert_int_equal(eval_weights_ahp(negv, 2, w, NULL, &err), CC_EINVAL);
	/* Rounded fractions are accepted: 0.33 for 1/3. */
	const double rounded[4] = {1, 3, 0.33, 1};
	assert_int_equal(eval_weights_ahp(rounded, 2, w, NULL, &err), 0);
	double big[16 * 16];
	for (int k = 0; k < 256; k++)
		big[k] = 1;
	assert_int_equal(eval_weights_ahp(big, 16, w, NULL, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "15"));
	assert_int_equal(eval_weights_ahp(NULL, 3, w, NULL, &err), CC_EINVAL);
}

/* ---- Normalisations, weighted sum ------------------------------------------------------ */

static void test_normalizations(void **state)
{
	(void)state;
	/* Column 1 benefit (1..4), column 2 cost (10..40). */
	const double x[] = {1, 10, 2, 20, 3, 30, 4, 40};
	const int b[] = {1, 0};
	struct eval_matrix mx = mat(4, 2, x, b);
	double u[8];
	assert_int_equal(eval_normalize(&mx, EVAL_NORM_VECTOR, u, NULL), 0);
	near(u[0], 1 / sqrt(30), 1e-15);
	near(u[1], 1 - 10 / sqrt(3000), 1e-15);
	assert_int_equal(eval_normalize(&mx, EVAL_NORM_MINMAX, u, NULL), 0);
	near(u[2], 1.0 / 3, 1e-15);
	near(u[1], 1, 1e-15); /* (max - x) / (max - min) for the cost */
	near(u[7], 0, 1e-15);
	assert_int_equal(eval_normalize(&mx, EVAL_NORM_MAX, u, NULL), 0);
	near(u[0], 0.25, 1e-15);
	near(u[1], 0.75, 1e-15);
	assert_int_equal(eval_normalize(&mx, EVAL_NORM_SUM, u, NULL), 0);
	near(u[6], 0.4, 1e-15);
	near(u[7], 0.6, 1e-15);
	assert_int_equal(eval_normalize(&mx, EVAL_NORM_ZSCORE, u, NULL), 0);
	near(u[0], -1.5 / sqrt(1.25), 1e-14); /* population sd */
	near(u[1], 1.5 / sqrt(1.25), 1e-14);
	/* max and sum refuse negative values. */
	const double n[] = {-1, 10, 2, 20};
	struct eval_matrix mn = mat(2, 2, n, b);
	struct cc_error err = {0};
	assert_int_equal(eval_normalize(&mn, EVAL_NORM_MAX, u, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "criterion 1"));
	assert_int_equal(eval_normalize(&mn, EVAL_NORM_MINMAX, u, &err), 0);
	assert_int_equal(eval_normalize(&mx, 99, u, &err), CC_EINVAL);
	/* Names. */
	assert_int_equal(eval_norm_parse("min-max"), EVAL_NORM_MINMAX);
	assert_int_equal(eval_norm_parse("zscore"), EVAL_NORM_ZSCORE);
	assert_int_equal(eval_norm_parse("l2"), -1);
	assert_int_equal(eval_method_parse("vikor"), EVAL_VIKOR);
	assert_int_equal(eval_method_parse("ahp"), -1);
	assert_string_equal(eval_method_name(EVAL_WSUM), "wsum");
}

static void test_wsum(void **state)
{
	(void)state;
	const double x[] = {1, 10, 2, 20, 3, 30, 4, 40};
	const int b[] = {1, 0};
	const double w[] = {3, 1}; /* scaled to 0.75, 0.25 */
	struct eval_matrix mx = mat(4, 2, x, b);
	struct eval_result r;
	run(&mx, w, EVAL_WSUM, EVAL_NORM_MINMAX, 0, &r);
	near(r.weights[0], 0.75, 1e-15);
	/* min-max: (0, 1/3, 2/3, 1) and (1, 2/3, 1/3, 0). */
	near(r.scores[0], 0.25, 1e-15);
	near(r.scores[3], 0.75, 1e-15);
	check_ranks(r.ranks, (const int[]){4, 3, 2, 1}, 4);
	eval_result_release(&r);
	/* Equal weights: every alternative scores 0.5, all share rank 1. */
	const double we[] = {1, 1};
	run(&mx, we, EVAL_WSUM, EVAL_NORM_MINMAX, 0, &r);
	check_ranks(r.ranks, (const int[]){1, 1, 1, 1}, 4);
	eval_result_release(&r);
}

/* ---- Ranks, ties, missing values, degenerate shapes ----------------------------------- */

static void test_rank_ties(void **state)
{
	(void)state;
	int r[8];
	const double s[] = {0.5, 0.9, 0.5, 0.1, 0.9, 0.7};
	assert_int_equal(eval_rank(s, 6, 0, r), 0);
	check_ranks(r, (const int[]){4, 1, 4, 6, 1, 3}, 6); /* competition ranking: 1 1 3 4 4 6 */
	assert_int_equal(eval_rank(s, 6, 1, r), 0);
	check_ranks(r, (const int[]){2, 5, 2, 1, 5, 4}, 6);
	/* Sums that differ only in the last bits count as equal. */
	const double t[] = {0.1 + 0.2, 0.3, 0.3000001};
	assert_int_equal(eval_rank(t, 3, 0, r), 0);
	check_ranks(r, (const int[]){2, 2, 1}, 3);
	/* NaN (never produced by a method) ranks last. */
	const double n[] = {NAN, 1, 2};
	assert_int_equal(eval_rank(n, 3, 0, r), 0);
	check_ranks(r, (const int[]){3, 2, 1}, 3);
	assert_int_equal(eval_rank(n, 3, 1, r), 0);
	check_ranks(r, (const int[]){3, 1, 2}, 3);
}

/* The radix path (m >= 64) agrees with a brute-force count, ties and negatives included. */
static void test_rank_radix(void **state)
{
	(void)state;
	enum { M = 5000 };
	double *s = malloc(sizeof *s * M);
	int *r = malloc(sizeof *r * M);
	assert_non_null(s);
	assert_non_null(r);
	uint64_t seed = 12345;
	for (int i = 0; i < M; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		s[i] = (double)((int)(seed >> 33) % 200 - 100) / 8.0; /* many ties */
	}
	s[17] = -0.0;
	s[18] = 0.0;
	for (int lower = 0; lower <= 1; lower++) {
		assert_int_equal(eval_rank(s, M, lower, r), 0);
		for (int i = 0; i < M; i += 37) {
			int better = 0;
			for (int k = 0; k < M; k++)
				if (lower ? s[k] < s[i] : s[k] > s[i])
					better++;
			assert_int_equal(r[i], better + 1);
		}
		assert_int_equal(r[17], r[18]);
	}
	free(s);
	free(r);
}

/* The reference order for test_rank_skewed: best first (higher unless LOWER), NaN last, rows
 * ascending within a score. */
static const double *ref_scores;
static int ref_lower;
static int ref_cmp(const void *a, const void *b)
{
	int i = *(const int *)a, j = *(const int *)b;
	double x = ref_scores[i], y = ref_scores[j];
	int nx = x != x, ny = y != y;
	if (nx != ny)
		return nx - ny;
	if (!nx && x != y)
		return (ref_lower ? x < y : x > y) ? -1 : 1;
	return (i > j) - (i < j);
}

/*
 * Ranks on skewed scores, where a radix digit taken from the scores' range puts nearly every
 * score in one bucket: a band of 1e-13 wide holding most rows, far outliers, exact ties, NaN,
 * -0 and +0, on two threads (more rows than par_rows' threshold) and on one. Checked against
 * a comparison sort walked with the same tie rule.
 */
static void test_rank_skewed(void **state)
{
	(void)state;
	enum { M = 200003 };
	double *s = malloc(sizeof *s * M);
	int *r = malloc(sizeof *r * M), *ord = malloc(sizeof *ord * M),
	    *want = malloc(sizeof *want * M);
	assert_true(s && r && ord && want);
	uint64_t seed = 7;
	for (int i = 0; i < M; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		int k = (int)(seed >> 40) % 1000;
		s[i] = k < 900	 ? 0.5 + (double)((seed >> 20) % 4096) * 1e-17 * 25
		       : k < 930 ? (double)((seed >> 30) % 7) /* exact ties */
		       : k < 940 ? NAN
		       : k < 950 ? ((seed >> 25) & 1 ? 1e300 : -1e300)
				 : (double)(int64_t)(seed >> 11) * 1e-9;
	}
	s[5] = -0.0;
	s[6] = 0.0;
	for (int sizes = 0; sizes < 2; sizes++) {
		int m = sizes ? 40000 : M; /* 40,000: below the two-thread threshold */
		for (int lower = 0; lower <= 1; lower++) {
			assert_int_equal(eval_rank(s, m, lower, r), 0);
			for (int i = 0; i < m; i++)
				ord[i] = i;
			ref_scores = s;
			ref_lower = lower;
			qsort(ord, (size_t)m, sizeof *ord, ref_cmp);
			double group = s[ord[0]];
			int rank = 1;
			for (int pos = 0; pos < m; pos++) {
				double v = s[ord[pos]];
				int same = (v != v || group != group)
						   ? (v != v && group != group)
						   : fabs(v - group) <=
							     1e-10 * fmax(1.0, fmax(fabs(v),
										    fabs(group)));
				if (pos > 0 && !same) {
					group = v;
					rank = pos + 1;
				}
				want[ord[pos]] = rank;
			}
			for (int i = 0; i < m; i++)
				if (r[i] != want[i])
					fail_msg("m %d lower %d row %d (%.17g): rank %d, want %d",
						 m, lower, i, s[i], r[i], want[i]);
			assert_int_equal(r[5], r[6]);
		}
	}
	free(s);
	free(r);
	free(ord);
	free(want);
}

/*
 * Ranks on two threads where near-ties chain across the middle: triples a, a + 0.6e-10,
 * a + 1.2e-10 (the second the same as the first within the 1e-10 tolerance, the third the
 * same as the second but not as its group's first, so it starts a group). The second thread
 * must start where a group surely starts, whichever element of a triple the middle falls on.
 */
static void test_rank_chain_split(void **state)
{
	(void)state;
	for (int m = 150000; m < 150003; m++) {
		double *s = malloc(sizeof *s * (size_t)m);
		int *r = malloc(sizeof *r * (size_t)m);
		assert_true(s && r);
		for (int i = 0; i < m; i++) /* ascending in i: the lower-is-better order */
			s[i] = (double)(i / 3) * 1e-6 + (i % 3) * 0.6e-10; /* below 1: absolute */
		assert_int_equal(eval_rank(s, m, 1, r), 0);
		for (int i = 0; i < m; i++) {
			int want = i % 3 == 1 ? i : i + 1; /* the second joins the first's group */
			if (r[i] != want)
				fail_msg("m %d row %d: rank %d, want %d", m, i, r[i], want);
		}
		free(s);
		free(r);
	}
}

/*
 * eval_matrix.memo: weights then scores on one matrix share its passes, with the same results
 * bit for bit as without (missing cells, every normalisation and method, two threads), and a
 * memo made for another matrix is not used.
 */
static void test_memo(void **state)
{
	(void)state;
	enum { M = 70001, N = 4 };
	double *x = malloc(sizeof *x * M * N), *y = malloc(sizeof *y * M * N);
	assert_true(x && y);
	uint64_t seed = 3;
	for (int k = 0; k < M * N; k++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		x[k] = (double)((seed >> 35) % 100000) / 3.0;
		y[k] = x[k] * 2 + 1;
	}
	x[7] = NAN;
	x[4 * 1000 + 2] = NAN;
	int benefit[N] = {1, 0, 1, 0};
	struct cc_error err = {0};
	struct eval_memo *memo = eval_memo_new();
	assert_non_null(memo);
	for (int norm = EVAL_NORM_VECTOR; norm <= EVAL_NORM_ZSCORE; norm++)
		for (int method = EVAL_TOPSIS; method <= EVAL_WSUM; method++) {
			struct eval_matrix plain = {M, N, x, benefit, NULL};
			struct eval_matrix memod = {M, N, x, benefit, memo};
			double w1[N], w2[N];
			struct eval_options o = {method, norm, 0.5};
			struct eval_result a, b;
			assert_int_equal(eval_weights_entropy(&plain, w1, &err), 0);
			assert_int_equal(eval_weights_entropy(&memod, w2, &err), 0);
			assert_memory_equal(w1, w2, sizeof w1);
			assert_int_equal(eval_run(&plain, w1, &o, &a, &err), 0);
			assert_int_equal(eval_run(&memod, w2, &o, &b, &err), 0);
			assert_memory_equal(a.scores, b.scores, sizeof(double) * M);
			assert_memory_equal(a.ranks, b.ranks, sizeof(int) * M);
			eval_result_release(&a);
			eval_result_release(&b);
			/* Another matrix with the same memo: computed afresh, not from the memo. */
			struct eval_matrix other = {M, N, y, benefit, memo}, other_plain = other;
			other_plain.memo = NULL;
			assert_int_equal(eval_weights_entropy(&other, w1, &err), 0);
			assert_int_equal(eval_weights_entropy(&other_plain, w2, &err), 0);
			assert_memory_equal(w1, w2, sizeof w1);
			assert_int_equal(eval_run(&other, w1, &o, &a, &err), 0);
			assert_int_equal(eval_run(&other_plain, w1, &o, &b, &err), 0);
			assert_memory_equal(a.scores, b.scores, sizeof(double) * M);
			eval_result_release(&a);
			eval_result_release(&b);
		}
	eval_memo_free(memo);
	eval_memo_free(NULL);
	free(x);
	free(y);
}

/* Entropy weights the textbook way, in long double: the reference for test_vector_edges. */
static void naive_entropy(const double *x, int m, int n, double *w)
{
	long double d[64], total = 0;
	for (int j = 0; j < n; j++) {
		long double sum = 0, plnp = 0;
		for (int i = 0; i < m; i++)
			sum += x[(size_t)i * n + j];
		for (int i = 0; i < m; i++) {
			long double q = x[(size_t)i * n + j] / sum;
			if (q > 0)
				plnp += q * logl(q);
		}
		d[j] = 1 + plnp / logl((long double)m);
		total += d[j];
	}
	for (int j = 0; j < n; j++)
		w[j] = (double)(d[j] / total);
}

/*
 * The vector passes at their edges (base/vlog.h, the stats pass, topsis_block): a row count
 * not a multiple of four (the scalar rows after the blocks), column counts that leave a
 * partial vector, zero and subnormal cells (0 ln 0; libm's log for a subnormal), a column of
 * values near 1e300 (summed scaled, not as raw x), and missing cells (the entropy pass over
 * the imputed copy gives the weights of the same matrix filled in, bit for bit).
 */
static void test_vector_edges(void **state)
{
	(void)state;
	enum { M = 70003 };
	const int ns[] = {1, 3, 4, 7};
	for (int t = 0; t < NELEM(ns); t++) {
		int n = ns[t];
		double *x = malloc(sizeof *x * M * (size_t)n);
		double *filled = malloc(sizeof *x * M * (size_t)n);
		assert_true(x && filled);
		int benefit[8];
		uint64_t seed = 7 + (uint64_t)n;
		for (int j = 0; j < n; j++)
			benefit[j] = j % 2 == 0;
		for (int i = 0; i < M; i++)
			for (int j = 0; j < n; j++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				double u = (double)(seed >> 11) / 9007199254740992.0;
				double v = (1 + j) * u;
				if (j == 2)
					v = 1e300 * (0.5 + u); /* scale 2^-997: summed scaled */
				if (i % 97 == 0)
					v = 0; /* 0 ln 0 */
				x[(size_t)i * n + j] = v;
			}
		x[5 * (size_t)n] = 1e-310; /* subnormal, in column 0 */
		struct eval_matrix mx = {M, n, x, benefit, NULL};
		double w[8], want[8];
		struct cc_error err = {0};
		assert_int_equal(eval_weights_entropy(&mx, w, &err), 0);
		naive_entropy(x, M, n, want);
		for (int j = 0; j < n; j++)
			if (fabs(w[j] - want[j]) > 1e-11 * fmax(1e-3, fabs(want[j])))
				fail_msg("n %d column %d: weight %.17g, want %.17g", n, j, w[j],
					 want[j]);
		/* TOPSIS: memo (sums from the stats pass) and plain agree to the bit. */
		struct eval_memo *memo = eval_memo_new();
		struct eval_matrix mm = {M, n, x, benefit, memo};
		double w2[8];
		struct eval_options o = {EVAL_TOPSIS, EVAL_NORM_VECTOR, 0.5};
		struct eval_result a, b;
		assert_int_equal(eval_weights_entropy(&mm, w2, &err), 0);
		assert_memory_equal(w, w2, sizeof(double) * (size_t)n);
		assert_int_equal(eval_run(&mx, w, &o, &a, &err), 0);
		assert_int_equal(eval_run(&mm, w, &o, &b, &err), 0);
		assert_memory_equal(a.scores, b.scores, sizeof(double) * M);
		/* The last rows (after the blocks of four) scored as the others: check two
		 * of them and two block rows against the formula. */
		double norm[8], hi[8], lo[8];
		for (int j = 0; j < n; j++) {
			double big = 0; /* squares of 1e300 overflow: sum (x / big)^2 */
			norm[j] = 0;
			for (int i = 0; i < M; i++)
				big = fmax(big, x[(size_t)i * n + j]);
			for (int i = 0; i < M; i++)
				norm[j] +=
					(x[(size_t)i * n + j] / big) * (x[(size_t)i * n + j] / big);
			norm[j] = sqrt(norm[j]) * big;
			hi[j] = -HUGE_VAL;
			lo[j] = HUGE_VAL;
			for (int i = 0; i < M; i++) {
				double v = w[j] * x[(size_t)i * n + j] / norm[j];
				hi[j] = fmax(hi[j], v);
				lo[j] = fmin(lo[j], v);
			}
		}
		const int rows[] = {0, 1, M - 2, M - 1};
		for (int k = 0; k < 4; k++) {
			int i = rows[k];
			double dp = 0, dm = 0;
			for (int j = 0; j < n; j++) {
				double v = w[j] * x[(size_t)i * n + j] / norm[j];
				double best = benefit[j] ? hi[j] : lo[j],
				       worst = benefit[j] ? lo[j] : hi[j];
				dp += (v - best) * (v - best);
				dm += (v - worst) * (v - worst);
			}
			if (!(fabs(a.scores[i] - sqrt(dm) / (sqrt(dp) + sqrt(dm))) <= 1e-12))
				fail_msg("n %d row %d: score %.17g, want %.17g", n, i, a.scores[i],
					 sqrt(dm) / (sqrt(dp) + sqrt(dm)));
		}
		eval_result_release(&a);
		eval_result_release(&b);
		eval_memo_free(memo);
		/* Missing cells: the weights of the matrix with its imputed values filled in. */
		memcpy(filled, x, sizeof *x * M * (size_t)n);
		for (int i = 3; i < M; i += 1001) {
			int j = i % n;
			x[(size_t)i * n + j] = NAN;
		}
		struct eval_result r;
		assert_int_equal(eval_run(&mx, w, &o, &r, &err), 0); /* any method: to impute */
		eval_result_release(&r);
		double mn[8], mxv[8];
		for (int j = 0; j < n; j++) {
			mn[j] = HUGE_VAL;
			mxv[j] = -HUGE_VAL;
			for (int i = 0; i < M; i++) {
				double v = x[(size_t)i * n + j];
				if (v == v) {
					mn[j] = fmin(mn[j], v);
					mxv[j] = fmax(mxv[j], v);
				}
			}
		}
		for (int i = 3; i < M; i += 1001) {
			int j = i % n;
			filled[(size_t)i * n + j] = benefit[j] ? mn[j] : mxv[j];
		}
		struct eval_matrix mf = {M, n, filled, benefit, NULL};
		assert_int_equal(eval_weights_entropy(&mx, w, &err), 0);
		assert_int_equal(eval_weights_entropy(&mf, w2, &err), 0);
		assert_memory_equal(w, w2, sizeof(double) * (size_t)n);
		free(x);
		free(filled);
	}
}

/*
 * A matrix large enough for the passes to run on two threads (eval/mcda.c's par_rows):
 * entropy weights, TOPSIS scores and the ranks equal a plain one-thread computation written
 * here from the textbook formulas.
 */
static void test_two_threads(void **state)
{
	(void)state;
	enum { M = 150001, N = 5 };
	double *x = malloc(sizeof *x * M * N), *ref = malloc(sizeof *ref * M);
	int *rk = malloc(sizeof *rk * M);
	assert_true(x && ref && rk);
	uint64_t seed = 99;
	for (int k = 0; k < M * N; k++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		x[k] = (double)(1 + (seed >> 40) % 5000) / 7.0; /* ties in every column */
	}
	/* Each column's extremes only in the second half of the rows (the second thread's). */
	for (int j = 0; j < N; j++) {
		x[(M - 1) * N + j] = 2000 + j;
		x[(M - 2) * N + j] = 0.001 * (j + 1);
	}
	int benefit[N] = {1, 0, 1, 1, 0};
	struct eval_matrix mx = {M, N, x, benefit, NULL};
	struct cc_error err = {0};
	double w[N], we[N], sum[N] = {0}, plnp[N] = {0}, norm[N] = {0};
	assert_int_equal(eval_weights_entropy(&mx, w, &err), 0);
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++) {
			sum[j] += x[i * N + j];
			norm[j] += x[i * N + j] * x[i * N + j];
		}
	double dsum = 0;
	for (int j = 0; j < N; j++) {
		for (int i = 0; i < M; i++) {
			double q = x[i * N + j] / sum[j];
			plnp[j] += q * log(q);
		}
		we[j] = 1 + plnp[j] / log((double)M);
		dsum += we[j];
	}
	for (int j = 0; j < N; j++)
		assert_true(fabs(w[j] - we[j] / dsum) < 1e-9);
	struct eval_options o = {EVAL_TOPSIS, EVAL_NORM_VECTOR, 0.5};
	struct eval_result r;
	assert_int_equal(eval_run(&mx, w, &o, &r, &err), 0);
	double best[N], worst[N];
	for (int j = 0; j < N; j++) {
		norm[j] = sqrt(norm[j]);
		best[j] = benefit[j] ? -HUGE_VAL : HUGE_VAL;
		worst[j] = -best[j];
	}
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++) {
			double v = w[j] * x[i * N + j] / norm[j];
			best[j] = benefit[j] ? fmax(best[j], v) : fmin(best[j], v);
			worst[j] = benefit[j] ? fmin(worst[j], v) : fmax(worst[j], v);
		}
	for (int i = 0; i < M; i++) {
		double dp = 0, dm = 0;
		for (int j = 0; j < N; j++) {
			double v = w[j] * x[i * N + j] / norm[j];
			dp += (v - best[j]) * (v - best[j]);
			dm += (v - worst[j]) * (v - worst[j]);
		}
		ref[i] = sqrt(dm) / (sqrt(dp) + sqrt(dm));
		assert_true(fabs(r.scores[i] - ref[i]) < 1e-9);
	}
	/* Ranks: one more than the rows with a better score (ties share the rank), checked for
	 * rows across both halves. */
	for (int i = 0; i < M; i += 1499) {
		int better = 0;
		for (int k = 0; k < M; k++)
			better += r.scores[k] > r.scores[i] &&
				  fabs(r.scores[k] - r.scores[i]) > 1e-10;
		assert_int_equal(r.ranks[i], better + 1);
	}
	/* Lower is better on the same scores: the order reversed. */
	assert_int_equal(eval_rank(r.scores, M, 1, rk), 0);
	for (int i = 0; i < M; i += 1499) {
		int better = 0;
		for (int k = 0; k < M; k++)
			better += r.scores[k] < r.scores[i] &&
				  fabs(r.scores[k] - r.scores[i]) > 1e-10;
		assert_int_equal(rk[i], better + 1);
	}
	eval_result_release(&r);
	free(x);
	free(ref);
	free(rk);
}

/*
 * A missing cell scores as the worst present value of its column: the result equals that of
 * the matrix with the value filled in, for every method and normalisation, and entropy and
 * CRITIC weights see the same imputed matrix.
 */
static void test_missing_values(void **state)
{
	(void)state;
	double x[24], filled[24];
	memcpy(x, hy_x, sizeof x);
	memcpy(filled, hy_x, sizeof x);
	x[0 * 6 + 1] = NAN; /* A1's ferry range (benefit): worst present is 1800 */
	filled[0 * 6 + 1] = 1800;
	x[2 * 6 + 3] = NAN; /* A3's cost (a cost): worst present is 6.5 */
	filled[2 * 6 + 3] = 6.5;
	struct eval_matrix mx = mat(4, 6, x, hy_b), mf = mat(4, 6, filled, hy_b);
	const double w[] = {0.2, 0.1, 0.1, 0.1, 0.2, 0.3};
	for (int method = 0; method < 3; method++)
		for (int norm = 0; norm < 5; norm++) {
			struct eval_result a, b;
			run(&mx, w, method, norm, 0.5, &a);
			run(&mf, w, method, norm, 0.5, &b);
			for (int i = 0; i < 4; i++) {
				assert_false(isnan(a.scores[i]));
				near(a.scores[i], b.scores[i], 1e-15);
				assert_int_equal(a.ranks[i], b.ranks[i]);
			}
			eval_result_release(&a);
			eval_result_release(&b);
		}
	double w1[6], w2[6];
	assert_int_equal(eval_weights_entropy(&mx, w1, NULL), 0);
	assert_int_equal(eval_weights_entropy(&mf, w2, NULL), 0);
	for (int j = 0; j < 6; j++)
		near(w1[j], w2[j], 1e-15);
	assert_int_equal(eval_weights_critic(&mx, w1, NULL), 0);
	assert_int_equal(eval_weights_critic(&mf, w2, NULL), 0);
	for (int j = 0; j < 6; j++)
		near(w1[j], w2[j], 1e-15);
	/* A missing value cannot beat a present one: alone in its column, it ranks last. */
	const double y[] = {NAN, 1, 2, 3};
	const int b1[] = {1};
	struct eval_matrix my = mat(4, 1, y, b1);
	const double one = 1;
	struct eval_result r;
	run(&my, &one, EVAL_TOPSIS, EVAL_NORM_VECTOR, 0, &r);
	check_ranks(r.ranks, (const int[]){3, 3, 2, 1}, 4);
	eval_result_release(&r);
	/* A column with no value at all is an error naming it. */
	const double z[] = {1, NAN, 2, NAN};
	const int b2[] = {1, 1};
	struct eval_matrix mz = mat(2, 2, z, b2);
	struct cc_error err = {0};
	const double w2b[] = {1, 1};
	struct eval_options o = {EVAL_TOPSIS, EVAL_NORM_VECTOR, 0.5};
	assert_int_equal(eval_run(&mz, w2b, &o, &r, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "criterion 2 has no values"));
}

/* A constant column tells no alternative apart: it changes no rank and no TOPSIS score. */
static void test_constant_column(void **state)
{
	(void)state;
	const double x[] = {1, 5, 2, 5, 3, 5};
	const double y[] = {1, 2, 3};
	const int b[] = {1, 1};
	struct eval_matrix mx = mat(3, 2, x, b), my = mat(3, 1, y, b);
	const double w[] = {0.5, 0.5}, one = 1;
	for (int norm = 0; norm < 5; norm++) {
		struct eval_result a, c;
		run(&mx, w, EVAL_TOPSIS, norm, 0, &a);
		run(&my, &one, EVAL_TOPSIS, norm, 0, &c);
		for (int i = 0; i < 3; i++) {
			near(a.scores[i], c.scores[i], 1e-12);
			assert_int_equal(a.ranks[i], 3 - i);
		}
		eval_result_release(&a);
		eval_result_release(&c);
		/* Normalised to 0 by min-max and z-score (documented). */
		double u[6];
		assert_int_equal(eval_normalize(&mx, norm, u, NULL), 0);
		if (norm == EVAL_NORM_MINMAX || norm == EVAL_NORM_ZSCORE)
			near(u[1], 0, 0);
	}
	struct eval_result v;
	run(&mx, w, EVAL_VIKOR, 0, 0.5, &v);
	near(v.S[0], 0.5, 1e-15); /* only column 1 contributes */
	near(v.S[2], 0, 1e-15);
	eval_result_release(&v);
	/* Every column constant: TOPSIS closeness 1 for all, VIKOR Q 0 for all, all rank 1. */
	const double k[] = {4, 4, 4};
	struct eval_matrix mk = mat(3, 1, k, b);
	run(&mk, &one, EVAL_TOPSIS, EVAL_NORM_VECTOR, 0, &v);
	for (int i = 0; i < 3; i++) {
		near(v.scores[i], 1, 0);
		assert_int_equal(v.ranks[i], 1);
	}
	eval_result_release(&v);
	run(&mk, &one, EVAL_VIKOR, 0, 0.5, &v);
	for (int i = 0; i < 3; i++)
		near(v.Q[i], 0, 0);
	eval_result_release(&v);
}

static void test_one_alternative_one_criterion(void **state)
{
	(void)state;
	/* m = 1. */
	const double x[] = {3, 7, 1};
	const int b[] = {1, 0, 1};
	const double w[] = {1, 1, 1};
	struct eval_matrix mx = mat(1, 3, x, b);
	double wt[3];
	assert_int_equal(eval_weights_entropy(&mx, wt, NULL), 0);
	near(wt[0], 1.0 / 3, 1e-15);
	assert_int_equal(eval_weights_critic(&mx, wt, NULL), 0);
	near(wt[2], 1.0 / 3, 1e-15);
	for (int method = 0; method < 3; method++) {
		struct eval_result r;
		run(&mx, w, method, EVAL_NORM_VECTOR, 0.5, &r);
		assert_int_equal(r.ranks[0], 1);
		assert_false(isnan(r.scores[0]));
		if (method == EVAL_VIKOR) {
			assert_true(r.advantage && r.stability);
			assert_int_equal(r.ncompromise, 1);
		}
		eval_result_release(&r);
	}
	/* n = 1: ranks follow the column, by direction. */
	const double y[] = {3, 1, 2};
	const int cost[] = {0};
	struct eval_matrix my = mat(3, 1, y, cost);
	const double one = 5; /* any positive weight: scaled to 1 */
	for (int method = 0; method < 3; method++) {
		struct eval_result r;
		run(&my, &one, method, EVAL_NORM_MINMAX, 0.5, &r);
		near(r.weights[0], 1, 0);
		check_ranks(r.ranks, (const int[]){3, 1, 2}, 3);
		eval_result_release(&r);
	}
	struct eval_sensitivity s;
	struct eval_options o = {EVAL_TOPSIS, EVAL_NORM_VECTOR, 0.5};
	const int base[] = {3, 1, 2};
	assert_int_equal(eval_sensitivity_run(&my, &one, &o, base, &s, NULL), 0);
	for (int k = 0; k < EVAL_SENS_STEPS; k++) {
		near(s.weights[k], 1, 0);
		assert_int_equal(s.moves[k], 0);
	}
	eval_sensitivity_release(&s);
}

static void test_bad_inputs(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct eval_result r;
	struct eval_options o = {EVAL_TOPSIS, EVAL_NORM_VECTOR, 0.5};
	const double x[] = {1, 2, 3, 4};
	const int b[] = {1, 1}, bad_b[] = {1, 2};
	const double w[] = {1, 1};
	struct eval_matrix mx = mat(2, 2, x, b);
	struct eval_matrix empty = mat(0, 2, x, b);
	assert_int_equal(eval_run(&empty, w, &o, &r, &err), CC_EINVAL);
	assert_null(r.scores);
	struct eval_matrix nox = mat(2, 2, NULL, b);
	assert_int_equal(eval_run(&nox, w, &o, &r, &err), CC_EINVAL);
	assert_int_equal(eval_run(NULL, w, &o, &r, &err), CC_EINVAL);
	struct eval_matrix mb = mat(2, 2, x, bad_b);
	assert_int_equal(eval_run(&mb, w, &o, &r, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "criterion 2"));
	const double inf[] = {1, INFINITY, 3, 4};
	struct eval_matrix mi = mat(2, 2, inf, b);
	assert_int_equal(eval_run(&mi, w, &o, &r, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "infinite"));
	const double wneg[] = {1, -1}, wzero[] = {0, 0}, wnan[] = {NAN, 1};
	assert_int_equal(eval_run(&mx, wneg, &o, &r, &err), CC_EINVAL);
	assert_int_equal(eval_run(&mx, wzero, &o, &r, &err), CC_EINVAL);
	assert_int_equal(eval_run(&mx, wnan, &o, &r, &err), CC_EINVAL);
	struct eval_options ov = {EVAL_VIKOR, 0, 1.5};
	assert_int_equal(eval_run(&mx, w, &ov, &r, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "v must be"));
	struct eval_options om = {7, 0, 0.5};
	assert_int_equal(eval_run(&mx, w, &om, &r, &err), CC_EINVAL);
	assert_int_equal(eval_run(&mx, w, NULL, &r, &err), CC_EINVAL);
	double out[2];
	assert_int_equal(eval_weights_given(wzero, 2, out, &err), CC_EINVAL);
	assert_int_equal(eval_weights_given(w, 0, out, &err), CC_EINVAL);
	/* Release functions accept NULL and empty structs. */
	eval_result_release(NULL);
	eval_sensitivity_release(NULL);
	eval_dataset_release(NULL);
	struct eval_result zero = {0};
	eval_result_release(&zero);
}

/* Values near the largest doubles neither overflow nor turn into NaN. */
static void test_extreme_values(void **state)
{
	(void)state;
	const double x[] = {1e308, -1e308, -1e308, 1e-300, 5e307, 0};
	const int b[] = {1, 0};
	const double w[] = {1, 1};
	struct eval_matrix mx = mat(3, 2, x, b);
	for (int method = 0; method < 3; method++)
		for (int norm = 0; norm < 5; norm++) {
			struct eval_result r;
			struct eval_options o = {method, norm, 0.5};
			struct cc_error err = {0};
			int rc = eval_run(&mx, w, &o, &r, &err);
			if (norm == EVAL_NORM_MAX || norm == EVAL_NORM_SUM) {
				if (method != EVAL_VIKOR) {
					assert_int_equal(rc, CC_EINVAL); /* negative values */
					continue;
				}
			}
			assert_int_equal(rc, 0);
			for (int i = 0; i < 3; i++) {
				assert_true(isfinite(r.scores[i]));
				assert_true(r.ranks[i] >= 1 && r.ranks[i] <= 3);
			}
			eval_result_release(&r);
		}
	double u[6];
	assert_int_equal(eval_normalize(&mx, EVAL_NORM_MINMAX, u, NULL), 0);
	near(u[0], 1, 1e-15);
	near(u[2], 0, 1e-15);
	near(u[4], 0.75, 1e-15);
}

/* ---- Sensitivity ----------------------------------------------------------------------- */

static void test_sensitivity(void **state)
{
	(void)state;
	struct eval_matrix mx = mat(4, 3, th_x, th_b);
	struct eval_result base;
	struct eval_options o = {EVAL_TOPSIS, EVAL_NORM_VECTOR, 0.5};
	run(&mx, th_w, EVAL_TOPSIS, EVAL_NORM_VECTOR, 0, &base);
	struct eval_sensitivity s;
	assert_int_equal(eval_sensitivity_run(&mx, th_w, &o, base.ranks, &s, NULL), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.nsteps, 4);
	/* Scenario (criterion 2, -20 %): w2 = 0.32, the others share 0.68 as 0.3 : 0.3. */
	size_t sc = 1 * 4 + 0;
	const double *w = s.weights + sc * 3;
	near(w[1], 0.32, 1e-15);
	near(w[0], 0.34, 1e-15);
	near(w[2], 0.34, 1e-15);
	for (size_t k = 0; k < 12; k++) {
		double total = 0;
		for (int j = 0; j < 3; j++)
			total += s.weights[k * 3 + (size_t)j];
		near(total, 1, 1e-15);
	}
	/* Each scenario's ranks are those of a direct run with its weights. */
	for (size_t k = 0; k < 12; k++) {
		struct eval_result r;
		run(&mx, s.weights + k * 3, EVAL_TOPSIS, EVAL_NORM_VECTOR, 0, &r);
		int mv = 0;
		for (int i = 0; i < 4; i++) {
			assert_int_equal(s.ranks[k * 4 + (size_t)i], r.ranks[i]);
			int d = abs(r.ranks[i] - base.ranks[i]);
			mv = d > mv ? d : mv;
			assert_true(s.max_move[i] >= d);
		}
		assert_int_equal(s.moves[k], mv);
		eval_result_release(&r);
	}
	eval_sensitivity_release(&s);
	/* A robust ranking: one criterion dominates and small changes move nothing. */
	const double x[] = {1, 1, 2, 2, 3, 3};
	const int b[] = {1, 1};
	const double w2[] = {0.5, 0.5};
	struct eval_matrix m2 = mat(3, 2, x, b);
	struct eval_result r2;
	run(&m2, w2, EVAL_WSUM, EVAL_NORM_MINMAX, 0, &r2);
	assert_int_equal(eval_sensitivity_run(&m2, w2, &o, r2.ranks, &s, NULL), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(s.max_move[i], 0);
	eval_sensitivity_release(&s);
	eval_result_release(&r2);
	eval_result_release(&base);
}

/* ---- File readers ---------------------------------------------------------------------- */

static int read_text(struct eval_dataset *d, const char *text, struct cc_error *err)
{
	struct cc_table *t = NULL;
	int rc = cc_table_open_mem(&t, text, strlen(text), err);
	if (rc)
		return rc;
	rc = eval_dataset_read(d, t, err);
	cc_table_free(t);
	return rc;
}

static void test_dataset_read(void **state)
{
	(void)state;
	struct eval_dataset d;
	struct cc_error err = {0};
	int rc = read_text(&d,
			   "企业,营收,成本,专利\n"
			   "甲公司,\"1,200\",30,5\n"
			   "乙公司,800,,7\n"
			   "类型,效益,成本型,max\n"
			   "权重,0.5,0.3,20%\n"
			   "丙公司,1000,25,  \n",
			   &err);
	if (rc)
		print_error("%s\n", err.msg);
	assert_int_equal(rc, 0);
	assert_int_equal(d.mx.m, 3);
	assert_int_equal(d.mx.n, 3);
	assert_string_equal(d.criteria[1], "成本");
	assert_string_equal(d.alternatives[2], "丙公司");
	near(d.x[0], 1200, 0);
	assert_true(isnan(d.x[4]));
	assert_true(isnan(d.x[8]));
	assert_int_equal(d.benefit[0], 1);
	assert_int_equal(d.benefit[1], 0);
	assert_int_equal(d.benefit[2], 1);
	assert_non_null(d.weights);
	near(d.weights[2], 0.2, 1e-15);
	eval_dataset_release(&d);

	/* English direction words, no weight row, a short row padded with missing values. */
	rc = read_text(&d, "name,a,b\nx,1,2\ny,3\ntype,Benefit,COST\n", &err);
	assert_int_equal(rc, 0);
	assert_null(d.weights);
	assert_true(isnan(d.x[3]));
	assert_int_equal(d.benefit[1], 0);
	eval_dataset_release(&d);

	static const struct {
		const char *text, *want;
	} bad[] = {
		{"name,a,b\nx,1,2\n", "no 'type' row"},
		{"name,a,b\ntype,max,min\n", "no alternatives"},
		{"name,a,b\nx,1,abc\ntype,max,min\n",
		 "line 2, column 'b' (alternative 'x'): 'abc'"},
		{"name,a,b\nx,1,2\ntype,max,up\n", "line 3, column 'b': type 'up'"},
		{"name,a,b\nx,1,2\ntype,max,min\ntype,max,min\n", "second 'type' row"},
		{"name,a,b\nx,1,2\ntype,max,min\nweight,1,x\n", "line 4, column 'b': weight 'x'"},
		{"name,a,b\nx,1,2,3\ntype,max,min\n", "line 2: 4 cells"},
		{"name,a,b\nx,1,\ntype,max,min\n", "column 'b' has no values"},
		{"name\nx\ntype\n", "names no criteria"},
		{"", "empty"},
		{"name,a\n,5\ntype,max\n", "line 2: no name"},
	};
	for (int k = 0; k < NELEM(bad); k++) {
		memset(&err, 0, sizeof err);
		rc = read_text(&d, bad[k].text, &err);
		assert_true(rc < 0);
		if (!strstr(err.msg, bad[k].want))
			fail_msg("case %d: '%s' not in '%s'", k, bad[k].want, err.msg);
		assert_null(d.x);
	}
}

static int read_ahp(const char *text, int n, char *const *names, double *a, struct cc_error *err)
{
	struct cc_table *t = NULL;
	int rc = cc_table_open_mem(&t, text, strlen(text), err);
	if (rc)
		return rc;
	rc = eval_ahp_read(t, n, names, a, err);
	cc_table_free(t);
	return rc;
}

static void test_ahp_read(void **state)
{
	(void)state;
	char n0[] = "price", n1[] = "quality", n2[] = "service";
	char *names[] = {n0, n1, n2};
	double a[9];
	struct cc_error err = {0};
	/* Plain numbers and fractions. */
	assert_int_equal(read_ahp("1,3,5\n1/3,1,2\n0.2,1/2,1\n", 3, names, a, &err), 0);
	near(a[3], 1.0 / 3, 1e-15);
	near(a[7], 0.5, 1e-15);
	/* Labelled, in another order: reordered to the decision matrix's criteria. */
	assert_int_equal(read_ahp(",service,price,quality\n"
				  "quality,2,1/3,1\n"
				  "service,1,1/5,1/2\n"
				  "price,5,1,3\n",
				  3, names, a, &err),
			 0);
	const double want[9] = {1, 3, 5, 1.0 / 3, 1, 2, 0.2, 0.5, 1};
	for (int k = 0; k < 9; k++)
		near(a[k], want[k], 1e-15);
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"1,3\n1/3,1\n", "2 values, expected 3"},
		{"1,3,5\n1/3,1,2\n", "2 rows, expected 3"},
		{"1,3,5\n1/3,1,2\n0.2,1/2,1\n1,1,1\n", "more than 3 rows"},
		{"1,3,5\n1/3,x,2\n0.2,1/2,1\n", "line 2, column 2: 'x'"},
		{"1,3,5\n1/3,1,2/0\n0.2,1/2,1\n", "line 2, column 3"},
		{",price,quality,speed\n", "label 'speed'"},
		{",price,quality\n", "2 labels"},
		{"price,1,3,5\nprice,1,3,5\n", "given twice"},
	};
	for (int k = 0; k < NELEM(bad); k++) {
		memset(&err, 0, sizeof err);
		int rc = read_ahp(bad[k].text, 3, names, a, &err);
		assert_true(rc < 0);
		if (!strstr(err.msg, bad[k].want))
			fail_msg("case %d: '%s' not in '%s'", k, bad[k].want, err.msg);
	}
	assert_int_equal(read_ahp("1\n", 16, names, a, &err), CC_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topsis_tzeng_huang),
		cmocka_unit_test(test_topsis_hwang_yoon),
		cmocka_unit_test(test_topsis_cost_reflection),
		cmocka_unit_test(test_vikor_opricovic_tzeng_2004),
		cmocka_unit_test(test_vikor_opricovic_tzeng_2007),
		cmocka_unit_test(test_vikor_tzeng_huang),
		cmocka_unit_test(test_vikor_stability_fails),
		cmocka_unit_test(test_entropy_xu_2004),
		cmocka_unit_test(test_entropy_zavadskas_podvezko_2016),
		cmocka_unit_test(test_entropy_conventions),
		cmocka_unit_test(test_critic_diakoulaki_1995),
		cmocka_unit_test(test_critic_tus_aytac_adali_2019),
		cmocka_unit_test(test_critic_constant),
		cmocka_unit_test(test_ahp_saaty_2008_drinks),
		cmocka_unit_test(test_ahp_saaty_1990_house_refused),
		cmocka_unit_test(test_ahp_textbook),
		cmocka_unit_test(test_ahp_bad),
		cmocka_unit_test(test_normalizations),
		cmocka_unit_test(test_wsum),
		cmocka_unit_test(test_rank_ties),
		cmocka_unit_test(test_rank_radix),
		cmocka_unit_test(test_rank_skewed),
		cmocka_unit_test(test_rank_chain_split),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_two_threads),
		cmocka_unit_test(test_missing_values),
		cmocka_unit_test(test_constant_column),
		cmocka_unit_test(test_one_alternative_one_criterion),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_extreme_values),
		cmocka_unit_test(test_vector_edges),
		cmocka_unit_test(test_sensitivity),
		cmocka_unit_test(test_dataset_read),
		cmocka_unit_test(test_ahp_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
