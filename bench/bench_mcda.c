/*
 * bench_mcda: the issue 5 benchmark, a 12-indicator entropy-weight TOPSIS model over
 * 1,000,000 enterprises. `gen` writes a deterministic matrix as raw little-endian float64
 * (row-major, m x n) so that numpy loads exactly the same numbers with np.fromfile; `run`
 * reads it, computes entropy weights, vector-normalised TOPSIS and competition ranks with
 * eval/mcda, and prints the time, peak RSS and checksums. bench/mcda_numpy.py does the same in
 * numpy with the same conventions; bench/mcda.sh runs both and compares.
 *
 * Usage: bench_mcda gen FILE [M] [N]
 *        bench_mcda run FILE [M] [N] [DUMP]
 * With DUMP, the scores (float64) and ranks (int32) are written to DUMP.scores and DUMP.ranks
 * after the measurement, for an element-wise comparison with numpy's.
 * Criteria 4 and 8 (1-based) are costs, the others benefits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "base/progress.h"
#include "eval/mcda.h"

/* splitmix64: a small deterministic generator, the same on every machine. */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int gen(const char *path, long m, int n)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "bench_mcda: cannot write '%s'\n", path);
		return 2;
	}
	uint64_t seed = 20240501;
	double *row = malloc(sizeof *row * (size_t)n);
	if (!row) {
		fclose(f);
		return 2;
	}
	for (long i = 0; i < m; i++) {
		for (int j = 0; j < n; j++) {
			/* Uniform in (0, 1], shaped per column: some skewed like revenue, some
			 * flat. */
			double u = ((double)(next(&seed) >> 11) + 1) / 9007199254740992.0;
			double base = 10.0 * (j + 1);
			switch (j % 3) {
			case 0: row[j] = base * u; break;
			case 1: row[j] = base * u * u; break;
			default: row[j] = base * (0.5 + u); break;
			}
		}
		/* Stored little-endian: this bench runs on little-endian machines only. */
		if (fwrite(row, sizeof *row, (size_t)n, f) != (size_t)n) {
			fprintf(stderr, "bench_mcda: write failed\n");
			fclose(f);
			free(row);
			return 2;
		}
	}
	free(row);
	return fclose(f) == 0 ? 0 : 2;
}

/* Writes N items of SIZE bytes from P to PREFIX + SUFFIX; returns 0 or -1. */
static int dump(const char *prefix, const char *suffix, const void *p, size_t size, size_t n)
{
	char name[4096];
	snprintf(name, sizeof name, "%s%s", prefix, suffix);
	FILE *f = fopen(name, "wb");
	if (!f)
		return -1;
	size_t put = fwrite(p, size, n, f);
	return fclose(f) == 0 && put == n ? 0 : -1;
}

static int run(const char *path, long m, int n, const char *dump_to)
{
	struct cc_error err = {0};
	size_t cells = (size_t)m * (size_t)n;
	double t0 = cc_now();
	double *x = malloc(sizeof *x * cells);
	FILE *f = fopen(path, "rb");
	if (!x || !f || fread(x, sizeof *x, cells, f) != cells) {
		fprintf(stderr, "bench_mcda: cannot read %zu values from '%s' (run gen first)\n",
			cells, path);
		return 2;
	}
	fclose(f);
	int *benefit = malloc(sizeof *benefit * (size_t)n);
	double *w = malloc(sizeof *w * (size_t)n);
	if (!benefit || !w)
		return 2;
	for (int j = 0; j < n; j++)
		benefit[j] = !(j == 3 || j == 7);
	/* With a memo, as the CLI runs it: weights then scores on one matrix share its passes. */
	struct eval_matrix mx = {(int)m, n, x, benefit, eval_memo_new()};
	struct eval_options o = {EVAL_TOPSIS, EVAL_NORM_VECTOR, 0.5};
	struct eval_result r;
	double t1 = cc_now();
	if (eval_weights_entropy(&mx, w, &err) || eval_run(&mx, w, &o, &r, &err)) {
		fprintf(stderr, "bench_mcda: %s\n", err.msg);
		return 2;
	}
	double t2 = cc_now();
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double sum = 0, comp = 0, wsum = 0; /* Kahan: the checksum must not drift with m */
	long long rsum = 0;
	long best = 0;
	for (long i = 0; i < m; i++) {
		double y = r.scores[i] - comp, t = sum + y;
		comp = (t - sum) - y;
		sum = t;
		rsum += (long long)r.ranks[i] * (i % 13 + 1);
		if (r.ranks[i] == 1)
			best = i;
	}
	for (int j = 0; j < n; j++)
		wsum += w[j] * (j + 1);
	printf("chainchief: %ld x %d matrix (%.0f MB) read in %.2f s\n", m, n,
	       (double)cells * 8 / 1e6, t1 - t0);
	printf("weights:");
	for (int j = 0; j < n; j++)
		printf(" %.6f", w[j]);
	printf("\nentropy weights + TOPSIS + ranks in %.3f s, peak RSS %.0f MB\n", t2 - t1,
	       (double)ru.ru_maxrss / 1024);
	printf("RESULT seconds=%.4f rss_mb=%.1f score_sum=%.10f weight_check=%.15f "
	       "rank_check=%lld best=%ld\n",
	       t2 - t1, (double)ru.ru_maxrss / 1024, sum, wsum, rsum, best);
	if (dump_to && (dump(dump_to, ".scores", r.scores, sizeof(double), (size_t)m) ||
			dump(dump_to, ".ranks", r.ranks, sizeof(int), (size_t)m)))
		fprintf(stderr, "bench_mcda: cannot write %s.scores / .ranks\n", dump_to);
	eval_result_release(&r);
	eval_memo_free(mx.memo);
	free(w);
	free(benefit);
	free(x);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "gen") != 0 && strcmp(argv[1], "run") != 0)) {
		fprintf(stderr, "usage: bench_mcda gen|run FILE [M] [N] [DUMP]\n");
		return 1;
	}
	long m = argc > 3 ? strtol(argv[3], NULL, 10) : 1000000;
	int n = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 12;
	if (m < 1 || m > 100000000 || n < 1 || n > 1000) {
		fprintf(stderr, "bench_mcda: bad size %ld x %d\n", m, n);
		return 1;
	}
	return strcmp(argv[1], "gen") == 0 ? gen(argv[2], m, n)
					   : run(argv[2], m, n, argc > 5 ? argv[5] : NULL);
}
