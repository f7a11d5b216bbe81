/*
 * bench_match: single-query latency of supply–demand matching (issue 6) against the bare FTS5
 * query on the same index, in one run.
 *
 * For a fixed random sample of open, unexpired postings (seeded, so every run asks the same
 * ones), each posting is timed two ways, one after the other:
 *   ours  match_rank + the first page (20 items) written as JSON as the API writes it
 *         (match_item_write);
 *   fts   SELECT rowid, bm25(postings_fts_K) FROM postings_fts_K WHERE postings_fts_K MATCH ?1
 *         ORDER BY rank LIMIT 20, K the opposite kind (the index match_rank reads), with the
 *         query strings match_rank used
 *         (match_result.query, the exact pass: whole terms as phrases; plus
 *         match_result.partial, the partial pass's rare trigrams, when match_rank ran that
 *         pass too), run right after ours on a connection of its own (SQLite's page cache is
 *         not shared; the database file is read once before timing, so the OS page cache is
 *         warm for both).
 * Postings whose title has no 3+ character term have no FTS query: they are timed for ours
 * only and counted apart. The frame and the postings' fields on it are built once, outside the
 * timing.
 *
 * Usage: bench_match DB [SAMPLE] [SPLIT] [SEED]      (defaults 2000, 200, 1; SPLIT is accepted
 * for the script's sake and unused: the per-statement split of an earlier version copied
 * rank.c's SQL and went stale with it)
 * BENCH_MMAP=BYTES: experiment, PRAGMA mmap_size on the benchmark's connection.
 * BENCH_DATA=DIR: read data files (match_weights.json) from DIR first, to try other weights.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "base/buf.h"
#include "base/builtin.h"
#include "base/progress.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "frame/frame.h"
#include "match/match_internal.h"
#include "store/dialect.h"

#define PAGE 20

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct stats {
	double p50, p90, p99, max, mean;
	int n;
};

static struct stats stats_of(double *v, int n)
{
	struct stats s = {0};
	s.n = n;
	if (n == 0)
		return s;
	qsort(v, (size_t)n, sizeof *v, cmp_d);
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += v[i];
	s.mean = sum / n;
	s.p50 = v[(int)floor(0.50 * (n - 1))];
	s.p90 = v[(int)floor(0.90 * (n - 1))];
	s.p99 = v[(int)floor(0.99 * (n - 1))];
	s.max = v[n - 1];
	return s;
}

static void row(const char *label, struct stats s)
{
	printf("%-44s %6d %9.3f %9.3f %9.3f %9.3f %9.3f\n", label, s.n, s.p50 * 1e3, s.p90 * 1e3,
	       s.p99 * 1e3, s.max * 1e3, s.mean * 1e3);
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Steps S to the end; returns the rows or -1. */
static long drain(struct cc_stmt *s, struct cc_error *err)
{
	long n = 0;
	int rc;
	while ((rc = cc_stmt_step(s, err)) == 1)
		n++;
	cc_stmt_reset(s);
	return rc < 0 ? -1 : n;
}

static struct cc_store *st;
static struct cc_error err;

static struct cc_stmt *prep(const char *sql)
{
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(st, &s, sql, &err)) {
		fprintf(stderr, "bench_match: %s\n", err.msg);
		exit(2);
	}
	return s;
}

static void fail(const char *what)
{
	fprintf(stderr, "bench_match: %s: %s\n", what, err.msg);
	exit(2);
}

int main(int argc, char **argv)
{
	struct cc_frame *f = NULL;
	if (argc < 2) {
		fprintf(stderr, "usage: bench_match DB [SAMPLE] [SPLIT] [SEED]\n");
		return 1;
	}
	if (getenv("BENCH_DATA"))
		cc_data_set_dir(getenv("BENCH_DATA")); /* e.g. other match_weights.json */
	int want = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2000;
	if (argc > 4)
		rng ^= (uint64_t)strtoull(argv[4], NULL, 10) * 0x9E3779B97F4A7C15ull;
	if (cc_codes_load(&err) || cc_store_open(&st, argv[1], 0, &err))
		fail("open");
	/* Experiment: BENCH_MMAP=BYTES sets PRAGMA mmap_size on this connection (the store does
	 * not), to show what reading pages through pread costs. */
	const char *mm = getenv("BENCH_MMAP");
	if (mm && *mm) {
		char pr[64];
		snprintf(pr, sizeof pr, "PRAGMA mmap_size=%lld", strtoll(mm, NULL, 10));
		if (cc_store_exec(st, pr, &err))
			fail("mmap_size");
		printf("experiment: %s\n", pr);
	}
	const struct match_weights *W = match_weights_get(&err);
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	if (!W || !cat)
		fail("weights");
	/* Both sides should find the file in the OS page cache: read it once before timing, or the
	 * first to touch a page (ours, which runs first) pays the disk for both. */
	{
		FILE *fp = fopen(argv[1], "rb");
		static char chunk[1 << 20];
		double tw = cc_now();
		size_t total = 0, got;
		while (fp && (got = fread(chunk, 1, sizeof chunk, fp)) > 0)
			total += got;
		if (fp)
			fclose(fp);
		printf("database file read once into the OS page cache: %.0f MB in %.1f s\n",
		       (double)total / 1048576, cc_now() - tw);
	}
	double t0 = cc_now();
	if (cc_frame_build(st, 0, &f, &err))
		fail("frame");
	double tframe = cc_now() - t0;
	/* The postings' fields ranking holds on the frame (match/fields.c): built by the first
	 * match after a frame is built, here before timing, as the frame itself. */
	t0 = cc_now();
	struct match_fields *mf = match_fields_get(st, f, &err);
	if (!mf)
		fail("posting fields");
	match_fields_release(mf);
	double tfields = cc_now() - t0;
	/* The in-memory text index (match/textidx.c), as the server builds it at start, outside
	 * the timing; BENCH_FTS=1 leaves it out, so ours asks FTS5 as before. */
	double ttext = 0;
	size_t text_bytes = 0;
	if (!getenv("BENCH_FTS") || !*getenv("BENCH_FTS")) {
		t0 = cc_now();
		if (match_text_build(st, &err))
			fail("text index");
		ttext = cc_now() - t0;
		struct match_text *tx = match_text_get(st, &err);
		if (!tx)
			fail("text index");
		text_bytes = match_text_bytes(tx);
		match_text_release(tx);
	}
	char today[11];
	cc_date_today(today);

	/* The sample: open, unexpired postings, shuffled with a fixed seed. */
	struct cc_stmt *s = prep("SELECT id FROM postings WHERE status = 'open' AND "
				 "(valid_until IS NULL OR valid_until >= ?1) ORDER BY id");
	cc_stmt_bind_text(s, 1, today, 10);
	int64_t *ids = NULL;
	int nids = 0, cap = 0;
	while (cc_stmt_step(s, &err) == 1) {
		if (nids == cap) {
			cap = cap ? 2 * cap : 1 << 16;
			ids = realloc(ids, sizeof *ids * (size_t)cap);
		}
		ids[nids++] = cc_stmt_int64(s, 0);
	}
	cc_stmt_free(s);
	long total = (long)cc_store_int(st, "SELECT count(*) FROM postings", 0);
	long nent = (long)cc_store_int(st, "SELECT count(*) FROM enterprises", 0);
	for (int i = nids - 1; i > 0; i--) {
		int j = (int)(next_rand() % (uint64_t)(i + 1));
		int64_t x = ids[i];
		ids[i] = ids[j];
		ids[j] = x;
	}
	int n = want < nids ? want : nids;
	printf("%ld postings (%d open and unexpired), %ld enterprises; frame %d enterprises built "
	       "in %.2f s, posting fields in %.2f s (outside the timing)\n",
	       total, nids, nent, f->n, tframe, tfields);
	if (ttext > 0)
		printf("text index (in memory) built in %.2f s, %.0f MB (outside the timing)\n",
		       ttext, (double)text_bytes / 1e6);
	else
		printf("no text index (BENCH_FTS): ours asks FTS5\n");
	printf("sample: %d open postings (seeded), first page of %d\n\n", n, PAGE);

	/* The index match_rank reads: the one of the opposite kind (migration 6). */
	/* The bare query runs on a connection of its own, so it does not reuse the pages ours has
	 * just put in SQLite's cache (both see the same warm OS page cache). */
	struct cc_store *st_ours = st;
	if (cc_store_open(&st, argv[1], 0, &err))
		fail("open (bare)");
	struct cc_stmt *bare_s =
		prep("SELECT rowid, bm25(postings_fts_supply) FROM postings_fts_supply "
		     "WHERE postings_fts_supply MATCH ?1 ORDER BY rank LIMIT 20");
	struct cc_stmt *bare_d =
		prep("SELECT rowid, bm25(postings_fts_demand) FROM postings_fts_demand "
		     "WHERE postings_fts_demand MATCH ?1 ORDER BY rank LIMIT 20");
	/* The check of the index (outside the timing) reads as deep as the text pass does. */
	struct cc_stmt *deep_s =
		prep("SELECT rowid, bm25(postings_fts_supply) FROM postings_fts_supply "
		     "WHERE postings_fts_supply MATCH ?1 ORDER BY rank LIMIT ?2");
	struct cc_stmt *deep_d =
		prep("SELECT rowid, bm25(postings_fts_demand) FROM postings_fts_demand "
		     "WHERE postings_fts_demand MATCH ?1 ORDER BY rank LIMIT ?2");
	int depth = W->cand_text + W->cand_text / 2 + 8;
	struct match_text_hit *deep = calloc((size_t)depth + 1, sizeof *deep);
	long nrows_checked = 0;
	struct cc_store *st_bare = st;
	st = st_ours;
	double *ours = calloc((size_t)n, sizeof *ours), *ours_q = calloc((size_t)n, sizeof *ours_q);
	double *fts = calloc((size_t)n, sizeof *fts), *ratio = calloc((size_t)n, sizeof *ratio);
	char(*queries)[512] = calloc((size_t)n, sizeof *queries);
	int nq = 0, nnoq = 0, nerr = 0, nverified = 0, nmismatch = 0;
	long nbits = 0;
	long cands = 0, hits = 0;
	size_t bytes = 0;
	char(*partials)[512] = calloc((size_t)n, sizeof *partials);
	double *slow = calloc((size_t)n, sizeof *slow);
	int npartial = 0;
	struct cc_buf page = CC_BUF_INIT(1 << 24);
	for (int i = 0; i < n; i++) {
		struct match_result r;
		double a = cc_now();
		if (match_rank(st, f, ids[i], NULL, &r, &err)) {
			nerr++;
			continue;
		}
		/* The page as the API writes it (h_match.c: match_item_write into the response). */
		cc_buf_reset(&page);
		cc_buf_putc(&page, '[');
		for (int k = 0; k < r.n && k < PAGE; k++) {
			if (k)
				cc_buf_putc(&page, ',');
			match_item_write(st, f, &r, k, &page);
		}
		cc_buf_putc(&page, ']');
		double ta = cc_now() - a;
		if (page.failed)
			fail("page");
		bytes += page.len;
		cands += r.n;
		snprintf(queries[i], sizeof queries[i], "%s", r.query);
		snprintf(partials[i], sizeof partials[i], "%s", r.partial);
		struct cc_stmt *bare = r.kind == MATCH_SUPPLY ? bare_d : bare_s;
		match_result_free(&r);
		ours[i - nerr] = ta;
		slow[i] = ta;
		if (!queries[i][0]) {
			nnoq++;
			continue;
		}
		/* The bare query on the same strings: the exact pass, and the partial one if it
		 * ran. */
		double tb = 0;
		for (int pass = 0; pass < 2; pass++) {
			const char *q = pass ? partials[i] : queries[i];
			if (!q[0])
				continue;
			a = cc_now();
			cc_stmt_bind_text(bare, 1, q, strlen(q));
			long h = drain(bare, &err);
			tb += cc_now() - a;
			if (h < 0)
				fail("bare fts");
			hits += h;
			npartial += pass;
		}
		/* Outside the timing: the index's top rows against FTS5's, id for id and bm25 for
		 * bm25, for the same strings and as deep as the text pass reads (LIMIT DEPTH). */
		if (ttext > 0) {
			struct match_text *tx = match_text_get(st, &err);
			for (int pass = 0; tx && pass < 2; pass++) {
				const char *q = pass ? partials[i] : queries[i];
				if (!q[0])
					continue;
				struct match_text_hit *h = deep;
				int kind = bare == bare_s ? MATCH_SUPPLY : MATCH_DEMAND;
				struct cc_stmt *dq = bare == bare_s ? deep_s : deep_d;
				int nh = match_text_top(tx, kind, q, depth, h, &err);
				cc_stmt_bind_text(dq, 1, q, strlen(q));
				cc_stmt_bind_int64(dq, 2, depth);
				int k = 0, same = nh >= 0;
				while (cc_stmt_step(dq, &err) == 1) {
					if (k >= nh || h[k].rowid != cc_stmt_int64(dq, 0) ||
					    fabs(h[k].bm25 - cc_stmt_double(dq, 1)) >
						    1e-9 * fabs(cc_stmt_double(dq, 1)))
						same = 0;
					if (k < nh && h[k].bm25 != cc_stmt_double(dq, 1))
						nbits++;
					k++;
				}
				cc_stmt_reset(dq);
				nrows_checked += k;
				if (!same || k != nh) {
					if (nmismatch++ < 5)
						fprintf(stderr,
							"mismatch: posting %lld, query %s\n",
							(long long)ids[i], q);
				}
				nverified++;
			}
			match_text_release(tx);
		}
		ours_q[nq] = ta;
		fts[nq] = tb;
		ratio[nq] = ta / tb;
		nq++;
	}
	int nours = n - nerr;
	/* The slowest three of ours, with their query strings (where the tail comes from). */
	for (int r = 0; r < 3 && r < n; r++) {
		int w = -1;
		for (int i = 0; i < n; i++)
			if (slow[i] >= 0 && (w < 0 || slow[i] > slow[w]))
				w = i;
		if (w < 0)
			break;
		printf("slow: posting %lld %.2f ms, exact %s | partial %s\n", (long long)ids[w],
		       slow[w] * 1e3, queries[w], partials[w]);
		slow[w] = -1;
	}
	printf("ms per query                                      n       p50       p90       p99"
	       "       max      mean\n");
	struct stats so = stats_of(ours, nours), soq = stats_of(ours_q, nq), sf = stats_of(fts, nq),
		     sr = stats_of(ratio, nq);
	row("ours: match_rank + first page JSON (all)", so);
	row("ours: the same, postings with an FTS query", soq);
	row("bare FTS5 MATCH ... ORDER BY bm25 LIMIT 20", sf);
	printf("  (the bare query ran twice, exact + partial string, for %d of %d postings)\n",
	       npartial, nq);
	printf("%-44s %6d %9.2f %9.2f %9.2f %9.2f %9.2f   (per query, x)\n", "ratio ours / bare",
	       sr.n, sr.p50, sr.p90, sr.p99, sr.max, sr.mean);
	printf("\nratio of percentiles: p50 %.2fx  p99 %.2fx  mean %.2fx\n",
	       sf.p50 > 0 ? soq.p50 / sf.p50 : 0, sf.p99 > 0 ? soq.p99 / sf.p99 : 0,
	       sf.mean > 0 ? soq.mean / sf.mean : 0);
	printf("%d postings without a 3+ character term (no FTS query), %d errors; mean %.0f "
	       "candidates ranked, mean %.0f bytes of page JSON, bare FTS mean %.1f rows per posting\n",
	       nnoq, nerr, nours ? (double)cands / nours : 0, nours ? (double)bytes / nours : 0,
	       nq ? (double)hits / nq : 0);
	printf("RESULT ours_p50_ms=%.3f ours_p99_ms=%.3f ours_mean_ms=%.3f fts_p50_ms=%.3f "
	       "fts_p99_ms=%.3f fts_mean_ms=%.3f ratio_p50=%.2f ratio_p99=%.2f ratio_mean=%.2f\n",
	       so.p50 * 1e3, so.p99 * 1e3, so.mean * 1e3, sf.p50 * 1e3, sf.p99 * 1e3, sf.mean * 1e3,
	       sf.p50 > 0 ? soq.p50 / sf.p50 : 0, sf.p99 > 0 ? soq.p99 / sf.p99 : 0,
	       sf.mean > 0 ? soq.mean / sf.mean : 0);

	if (ttext > 0)
		printf("text index against FTS5 (top %d ids and bm25, as deep as the text pass): %d of "
		       "%d queries differ; %ld of %ld scores not bit-identical\n",
		       depth, nmismatch, nverified, nbits, nrows_checked);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS %.0f MB\n", (double)ru.ru_maxrss / 1024);
	cc_buf_release(&page);
	cc_stmt_free(deep_s);
	cc_stmt_free(deep_d);
	free(deep);
	cc_stmt_free(bare_s);
	cc_stmt_free(bare_d);
	cc_store_close(st_bare);
	cc_frame_release(f);
	cc_store_close(st);
	match_text_stop();
	return 0;
}
