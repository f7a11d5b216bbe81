/*
 * Multi-criteria decision analysis (MCDA) over a dense decision matrix: m alternatives (rows)
 * by n criteria (columns), row-major doubles, NaN for a missing cell. Normalisations (vector,
 * min-max, max, sum, z-score), weights (equal, given, entropy, CRITIC, AHP), aggregations
 * (weighted sum, TOPSIS, VIKOR), competition ranks and a weight-sensitivity analysis. The file
 * reader behind `chainchief mcda FILE` lives here too, so that tests and the fuzzer reach it.
 *
 * Conventions (DOMAIN.md §7: libraries differ, so every choice is written down here):
 *
 * Direction. benefit[j] = 1 for a criterion to maximise, 0 for one to minimise (a cost).
 *
 * Missing cells. A NaN cell is replaced by the worst present value of its column (the minimum
 * of a benefit criterion, the maximum of a cost criterion) before anything else: statistics,
 * weights and scores all see the imputed matrix, so a missing value can never help an
 * alternative and every method treats it the same way. A column with no present value is an
 * error. Infinite values are errors.
 *
 * Normalisations. Every normalisation is affine per column and yields a utility u (higher is
 * better): for a benefit column u = t(x), for a cost column its reflection below.
 *   vector   benefit x / sqrt(sum x^2)              cost 1 - x / sqrt(sum x^2)
 *   minmax   benefit (x - min) / (max - min)        cost (max - x) / (max - min)
 *   max      benefit x / max                        cost 1 - x / max      (needs x >= 0)
 *   sum      benefit x / sum x                      cost 1 - x / sum x    (needs x >= 0)
 *   zscore   benefit (x - mean) / sd                cost (mean - x) / sd  (population sd)
 * A column without spread (constant for minmax and zscore, all zero for vector, max and sum)
 * normalises to 0 for every alternative: it cannot tell them apart. TOPSIS distances do not
 * change under the cost reflection, so vector-normalised TOPSIS here equals the classical
 * Hwang & Yoon (1981) procedure in which a cost column stays x / sqrt(sum x^2) and its ideal
 * is the column minimum.
 *
 * Aggregations.
 *   wsum     score = sum_j w_j u_ij; higher is better.
 *   topsis   v_ij = w_j u_ij; ideal / anti-ideal = column max / min of v; score = closeness
 *            D- / (D+ + D-) in [0, 1], higher is better. When every alternative sits on both
 *            the ideal and the anti-ideal (no weighted column has spread) the closeness is 1.
 *   vikor    Opricovic & Tzeng (2004): with f* / f- the best / worst value of a column,
 *            S_i = sum_j w_j (f*_j - x_ij) / (f*_j - f-_j), R_i = max_j of the same terms,
 *            Q_i = v (S_i - S*) / (S- - S*) + (1 - v) (R_i - R*) / (R- - R*); a quotient whose
 *            denominator is 0 counts as 0. score = Q, lower is better. VIKOR uses this linear
 *            scaling whatever normalisation is asked for.
 *
 * Ranks. Competition ranking ("1224"): rank 1 is best; alternatives whose scores are equal
 * share the best rank of their group and the next rank skips. Scores count as equal when they
 * differ by at most 1e-10 * max(1, |score|) from the first score of their group in sorted
 * order (sums of the same terms in another order differ in the last bits). Order inside a
 * tie is by row, so ranks are deterministic.
 *
 * Ownership: struct eval_matrix borrows its arrays; results own theirs and are released with
 * the matching _release function (which accepts NULL and zeroed structs).
 */
#ifndef CC_EVAL_MCDA_H
#define CC_EVAL_MCDA_H
#include "base/error.h"

struct cc_table;

enum eval_norm_t {
	EVAL_NORM_VECTOR = 0,
	EVAL_NORM_MINMAX = 1,
	EVAL_NORM_MAX = 2,
	EVAL_NORM_SUM = 3,
	EVAL_NORM_ZSCORE = 4,
};

enum eval_method_t {
	EVAL_TOPSIS = 0,
	EVAL_VIKOR = 1,
	EVAL_WSUM = 2,
};

struct eval_memo;

/* A decision matrix (borrowed arrays). */
struct eval_matrix {
	int m, n;	    /* alternatives, criteria; both >= 1 */
	const double *x;    /* m * n, row-major: x[i * n + j]; NaN = missing */
	const int *benefit; /* n: 1 maximise, 0 minimise */
	/* Optional (NULL): what one computation on this matrix learns and the next reuses —
	 * the columns' extremes and imputed copy, and the column sums the entropy pass gives
	 * (so weights then TOPSIS with vector normalisation read the matrix three times, not
	 * five). The results are the same bit for bit with or without it. Valid while X, M, N
	 * and BENEFIT stay as they are. */
	struct eval_memo *memo;
};

/* A new empty memo (NULL when out of memory) and its release (NULL accepted). */
struct eval_memo *eval_memo_new(void);
void eval_memo_free(struct eval_memo *memo);

/* Parses "vector", "minmax", "max", "sum", "zscore" (and "min-max", "z-score"); -1 if unknown. */
int eval_norm_parse(const char *s);
const char *eval_norm_name(int norm);
/* Parses "topsis", "vikor", "wsum"; -1 if unknown. */
int eval_method_parse(const char *s);
const char *eval_method_name(int method);

/*
 * Checks MX (sizes, pointers, no infinities, no empty column). Returns 0 or CC_EINVAL naming
 * the problem (columns 1-based in messages).
 */
int eval_matrix_check(const struct eval_matrix *mx, struct cc_error *err);

/*
 * Writes the normalised utilities u (m * n, row-major) of MX into OUT, by the conventions
 * above, missing cells imputed first. Returns 0, CC_EINVAL (bad matrix, negative value for
 * max/sum) or CC_ENOMEM.
 */
int eval_normalize(const struct eval_matrix *mx, int norm, double *out, struct cc_error *err);

/* Weights: each writes n weights summing to 1 into W and returns 0 or a negative CC_E*. */

/* 1/n each. */
void eval_weights_equal(int n, double *w);

/* GIVEN scaled to sum 1; CC_EINVAL for a negative or non-finite weight or a zero total. */
int eval_weights_given(const double *given, int n, double *w, struct cc_error *err);

/*
 * Shannon entropy weights. p_ij = x_ij / sum_i x_ij over the raw (imputed) values of each
 * column, whatever its direction and whatever normalisation scores it (the form of Hwang &
 * Yoon 1981, Xu 2004, Zavadskas & Podvezko 2016); e_j = -sum_i p_ij ln p_ij / ln m with
 * 0 ln 0 = 0 (a zero cell contributes nothing, unlike pymcdm, which zeroes the whole
 * criterion); d_j = 1 - e_j; w_j = d_j / sum d. A column whose values are all 0 has e_j = 1.
 * With m = 1, or when every d_j is 0, the weights are equal. CC_EINVAL for a negative value
 * (named by column).
 */
int eval_weights_entropy(const struct eval_matrix *mx, double *w, struct cc_error *err);

/*
 * CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995): columns min-max normalised with
 * their direction (u above), sigma_j their standard deviation, r_jk the Pearson correlation
 * of normalised columns j and k, C_j = sigma_j * sum_k (1 - r_jk), w_j = C_j / sum C. A
 * constant column has C_j = 0 and is left out of the other columns' sums (its correlation is
 * undefined). When every C_j is 0 the weights are equal.
 */
int eval_weights_critic(const struct eval_matrix *mx, double *w, struct cc_error *err);

/* What AHP reports besides the weights. */
struct eval_ahp {
	double lambda_max; /* principal eigenvalue */
	double ci;	   /* (lambda_max - n) / (n - 1); 0 for n <= 2 */
	double ri;	   /* Saaty's random index for n (eval_ahp_random_index) */
	double cr;	   /* ci / ri; 0 when ri is 0 (n <= 2, always consistent) */
	int iterations;	   /* power iterations used */
};

/* Saaty's random consistency index for n = 1..15, or -1 outside that range (source in mcda.c). */
double eval_ahp_random_index(int n);

/* Largest consistency ratio accepted (Saaty: 0.1). */
#define EVAL_AHP_MAX_CR 0.1

/*
 * AHP weights from the n x n pairwise comparison matrix A (row-major; a_ij = how much more
 * important criterion i is than j): the principal right eigenvector by power iteration,
 * normalised to sum 1, with lambda_max, CI, RI and CR in INFO (may be NULL). A must be
 * positive with a_ii = 1 and a_ji = 1 / a_ij (within 2 %, so rounded fractions such as 0.33
 * pass). 1 <= n <= 15. Returns 0; CC_EINVAL for a malformed matrix; or CC_EINVAL when
 * CR > EVAL_AHP_MAX_CR, with the CR named in ERR; W and INFO are filled in that case too, so
 * that a caller can show what was refused.
 */
int eval_weights_ahp(const double *a, int n, double *w, struct eval_ahp *info,
		     struct cc_error *err);

/* Method options: zero-initialised is TOPSIS, vector normalisation and v = 0 (set v!). */
struct eval_options {
	int method; /* enum eval_method_t */
	int norm;   /* enum eval_norm_t (wsum and topsis) */
	double v;   /* VIKOR weight of the group utility S, 0..1 (conventionally 0.5) */
};

/* Results, in row order (owned; eval_result_release frees). */
struct eval_result {
	int m, n;
	double *weights; /* n, as used */
	double *scores;	 /* m: closeness (topsis), weighted sum (wsum), Q (vikor) */
	int *ranks;	 /* m, 1 = best */
	/* VIKOR only (else NULL / 0): */
	double *S, *R, *Q;
	int advantage;	 /* C1 acceptable advantage: Q(a'') - Q(a') >= 1 / (m - 1) */
	int stability;	 /* C2 acceptable stability: a' is also first by S or by R */
	int *compromise; /* rows of the compromise set, best first */
	int ncompromise;
};

/*
 * Runs the method of OPT on MX with WEIGHTS (n, any positive total: scaled to sum 1).
 * Returns 0 and fills RES (release with eval_result_release), or a negative CC_E* (RES is
 * then empty). VIKOR's compromise set follows Opricovic & Tzeng (2004): {a'} when both
 * conditions hold; a' and a'' when only stability fails; otherwise a' and every alternative
 * whose Q is within 1/(m-1) of Q(a'). With m = 1 both conditions hold.
 */
int eval_run(const struct eval_matrix *mx, const double *weights, const struct eval_options *opt,
	     struct eval_result *res, struct cc_error *err);
void eval_result_release(struct eval_result *res);

/*
 * Competition ranks of SCORES (m) into RANKS by the tie rule above; LOWER_IS_BETTER for
 * VIKOR's Q. A NaN score (which no method here produces) ranks last. Returns 0 or CC_ENOMEM.
 * Runs in O(m) (radix sort), deterministic.
 */
int eval_rank(const double *scores, int m, int lower_is_better, int *ranks);

/* The weight changes of the sensitivity analysis: -20 %, -10 %, +10 %, +20 %. */
#define EVAL_SENS_STEPS 4
extern const double eval_sens_steps[EVAL_SENS_STEPS];

/*
 * Weight sensitivity: for each criterion j and step s, w'_j = w_j (1 + s) and the other
 * weights are scaled by (1 - w'_j) / (1 - w_j) so that they still sum to 1 (with n = 1 the
 * weight stays 1); the method is re-run and the ranks compared with the base ranks.
 */
struct eval_sensitivity {
	int m, n, nsteps;
	double *weights; /* (j * nsteps + s) * n + k: the weights of each scenario */
	int *ranks;	 /* (j * nsteps + s) * m + i: ranks of each scenario */
	int *moves;	 /* j * nsteps + s: largest |rank change| of any alternative */
	int *max_move;	 /* m: largest |rank change| of alternative i over all scenarios */
};

/*
 * Fills SENS for MX, base WEIGHTS and OPT, given BASE_RANKS (from eval_run). Memory is
 * m * n * EVAL_SENS_STEPS ints for the ranks. Returns 0 or a negative CC_E*.
 */
int eval_sensitivity_run(const struct eval_matrix *mx, const double *weights,
			 const struct eval_options *opt, const int *base_ranks,
			 struct eval_sensitivity *sens, struct cc_error *err);
void eval_sensitivity_release(struct eval_sensitivity *sens);

/*
 * A decision matrix read from a file: `chainchief mcda`'s format. The first row is a header
 * (its first cell is free, the others name the criteria); then one row per alternative with
 * its name in the first column; a row named `type` (or 类型) gives each criterion's direction
 * (max / min, benefit / cost, 效益 / 成本, 效益型 / 成本型, 极大 / 极小); an optional row named
 * `weight` (or 权重) gives weights. Empty cells are missing values; rows shorter than the
 * header are padded with missing values. Numbers are read by cc_parse_number (thousands
 * separators, %, full-width digits).
 */
struct eval_dataset {
	struct eval_matrix mx; /* points into x and benefit below */
	double *x;
	int *benefit;
	char **alternatives; /* m names */
	char **criteria;     /* n names */
	double *weights;     /* n from the weight row, or NULL */
	int cap;	     /* rows allocated */
};

/* Largest number of criteria a file may have. */
#define EVAL_MAX_CRITERIA 4096

/*
 * Reads T (from cc_table_open / cc_table_open_mem) into D. Returns 0, or CC_EINVAL /
 * CC_EPARSE / CC_ENOMEM with a message naming the line and column (bad number, missing or
 * bad type row, duplicate row, no criteria, no alternatives, empty column, extra cells).
 * D is released on failure.
 */
int eval_dataset_read(struct eval_dataset *d, struct cc_table *t, struct cc_error *err);
/* Opens PATH (CSV in UTF-8 or GB18030, or XLSX) and reads it as above. */
int eval_dataset_open(struct eval_dataset *d, const char *path, struct cc_error *err);
void eval_dataset_release(struct eval_dataset *d);

/*
 * Reads an AHP pairwise comparison matrix for the N criteria named CRITERIA from T: N rows of
 * N cells, each a number or a fraction "1/3". Optionally the first row is a header and the
 * first column holds labels; labels, when present, must name the criteria (in any order, and
 * the matrix is reordered to CRITERIA's order). Writes A (n * n). Returns 0 or CC_EINVAL /
 * CC_EPARSE naming the row and column (not square, wrong size, bad cell, not reciprocal).
 */
int eval_ahp_read(struct cc_table *t, int n, char *const *criteria, double *a,
		  struct cc_error *err);

#endif
