/*
 * Unit tests of match/textidx.c, the postings' text index in memory, against FTS5 itself.
 *
 * Differential: a generated set of postings (Chinese and Latin titles in mixed case, full-width
 * and Greek capitals that only Unicode folding equates, model codes, 1–2 character terms,
 * duplicate titles and descriptions for exact ties, terms repeated in a row, a description
 * holding one trigram 298 times, NULL and empty descriptions) is queried both ways with the
 * strings ranking writes (the exact pass's phrases, every trigram of the title OR-ed as the
 * partial pass writes them) and a few by hand; the top rows must be the same rowids in the same
 * order and bm25 equal within 1e-9 relative (the code aims at bit-identical values and the test
 * counts those too); a trigram's documents must be FTS5's count. Then the postings change
 * under it (inserts, a title edited, an edit twice, deletes, a posting given a deleted id) and
 * the same comparison holds after match_text_get patched it in. Live: a posting written after
 * the index was built is the next ranking's candidate, and inside a transaction the index
 * steps aside (FTS5 answers).
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
#include "testutil.h"
#include "frame/frame.h"
#include "match/match.h"
#include "match/match_internal.h"

#define NENT 40
#define TOP  60

static char dir[64];
static struct cc_store *st;
static char U[NENT][19];
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const char *const products[] = {
	"轮毂轴承",	"车规级MCU", "MCU开发板",  "锂电池隔膜", "湿法隔膜",   "三元材料",
	"铝合金型材",	"伺服电机",  "仪表显示屏", "座舱SoC",	 "碳化硅衬底", "Mcu芯片",
	"ＡＢＣ传感器", "abc传感器", "ΑΒΓ滤波器",  "αβγ滤波器",	 "轴承",       "电机",
	"SoC",		"PCB",	     "pcb板",	   "激光雷达",	 "毫米波雷达", "氢燃料电池",
};
static const char *const specs[] = {"高精度", "定制",	    "车规级",	 "工业级",
				    "OEM",    "6061铝合金", "304不锈钢", "IP67防护",
				    "",	      "",	    "低功耗"};
static const char *const extras[] = {
	"可提供样品。",	  "要求ISO9001认证。", "长期合作优先。", "支持川渝两地送货。", "",
	"轴承轴承轴承。", "型号AB-1234。"};

/* Inserts a posting by SQL (the triggers keep FTS5); returns its id. */
static int64_t put(int kind, int ent, const char *title, const char *desc)
{
	struct cc_error err = {0};
	struct cc_stmt *s = NULL;
	assert_int_equal(
		cc_stmt_prepare(st, &s,
				"INSERT OR IGNORE INTO postings(kind, enterprise_id, title, "
				"description) VALUES(?1, ?2, ?3, ?4)",
				&err),
		0);
	const char *k = kind ? "demand" : "supply";
	cc_stmt_bind_text(s, 1, k, strlen(k));
	cc_stmt_bind_int64(s, 2, 1 + ent);
	cc_stmt_bind_text(s, 3, title, strlen(title));
	if (desc)
		cc_stmt_bind_text(s, 4, desc, strlen(desc));
	else
		cc_stmt_bind_null(s, 4);
	assert_true(cc_stmt_step(s, &err) >= 0);
	cc_stmt_free(s);
	return cc_store_last_id(st);
}

static void random_posting(char *title, size_t tn, char *desc, size_t dn)
{
	const char *p = products[rnd(sizeof products / sizeof *products)];
	const char *sp = specs[rnd(sizeof specs / sizeof *specs)];
	switch (rnd(5)) {
	case 0:
		snprintf(title, tn, "%s%s%s 型号%c%d", rnd(2) ? "采购" : "供应", sp, p,
			 (char)('A' + rnd(4)), 100 + (int)rnd(5));
		break;
	case 1: snprintf(title, tn, "%s（%d系列）", p, 10 + (int)rnd(4)); break;
	case 2:
		snprintf(title, tn, "%s及%s", p, products[rnd(sizeof products / sizeof *products)]);
		break;
	case 3:
		snprintf(title, tn, "%s %s", p, rnd(2) ? "轴" : "ab"); /* a short term */
		break;
	default:
		snprintf(title, tn, "%s", p); /* duplicates across enterprises: ties */
		break;
	}
	switch (rnd(4)) {
	case 0: desc[0] = '\0'; break;
	case 1: snprintf(desc, dn, "可稳定供应%s，%s%s", p, extras[rnd(7)], extras[rnd(7)]); break;
	default: snprintf(desc, dn, "%s", extras[rnd(7)]); break;
	}
}

static void world(int n)
{
	char p[128], t[8192];
	struct cc_error err = {0};
	snprintf(dir, sizeof dir, "/tmp/cc-textidx-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/t.db", dir);
	assert_int_equal(cc_store_open(&st, p, CC_STORE_CREATE, &err), 0);
	size_t used = (size_t)snprintf(t, sizeof t, "uscc,name,region\n");
	for (int i = 0; i < NENT; i++) {
		tu_uscc(U[i], 500112, 200 + i);
		used += (size_t)snprintf(t + used, sizeof t - used, "%s,企业%d,500112\n", U[i], i);
	}
	tu_load(st, dir, "e.csv", t);
	assert_int_equal(cc_store_exec(st, "BEGIN", &err), 0);
	for (int i = 0; i < n; i++) {
		char title[256], desc[512];
		random_posting(title, sizeof title, desc, sizeof desc);
		int64_t id = put((int)rnd(2), (int)rnd(NENT), title, rnd(7) ? desc : NULL);
		(void)id;
	}
	/* One trigram 300 times in a row (a count of more than one varint byte). */
	char big[301];
	memset(big, 'a', 300);
	big[300] = '\0';
	put(0, 0, "aaaa重复", big);
	put(1, 0, "aaaa重复", big);
	assert_int_equal(cc_store_exec(st, "COMMIT", &err), 0);
}

static void world_end(void)
{
	char cmd[128];
	match_text_stop();
	cc_store_close(st);
	st = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static long nqueries, nbits, nrows;

/* QUERY on kind KIND both ways: the same rows in the same order, bm25 within 1e-9. */
static void compare(struct match_text *tx, int kind, const char *query)
{
	static const char *const sql[2] = {
		"SELECT rowid, bm25(postings_fts_supply) FROM postings_fts_supply WHERE "
		"postings_fts_supply MATCH ?1 ORDER BY rank LIMIT ?2",
		"SELECT rowid, bm25(postings_fts_demand) FROM postings_fts_demand WHERE "
		"postings_fts_demand MATCH ?1 ORDER BY rank LIMIT ?2"};
	struct cc_error err = {0};
	struct match_text_hit h[TOP];
	int n = match_text_top(tx, kind, query, TOP, h, &err);
	if (n < 0)
		print_error("%s: %s\n", query, err.msg);
	assert_true(n >= 0);
	struct cc_stmt *s = cc_stmt_cached(st, sql[kind], &err);
	assert_non_null(s);
	cc_stmt_bind_text(s, 1, query, strlen(query));
	cc_stmt_bind_int64(s, 2, TOP);
	int k = 0;
	while (cc_stmt_step(s, &err) == 1) {
		int64_t id = cc_stmt_int64(s, 0);
		double bm = cc_stmt_double(s, 1);
		if (k >= n || h[k].rowid != id || fabs(h[k].bm25 - bm) > 1e-9 * fabs(bm))
			print_error("%s (kind %d) row %d: fts5 %lld %.17g, index %lld %.17g\n",
				    query, kind, k, (long long)id, bm,
				    k < n ? (long long)h[k].rowid : -1LL, k < n ? h[k].bm25 : 0.0);
		assert_true(k < n);
		assert_true(h[k].rowid == id);
		assert_true(fabs(h[k].bm25 - bm) <= 1e-9 * fabs(bm));
		nbits += h[k].bm25 == bm;
		k++;
	}
	cc_stmt_reset(s);
	assert_int_equal(k, n);
	nqueries++;
	nrows += n;
}

/* Every trigram of QUERY's phrases: the index's count against FTS5's. */
static void compare_df(struct match_text *tx, int kind, const char *query)
{
	static const char *const sql[2] = {
		"SELECT count(*) FROM postings_fts_supply WHERE postings_fts_supply MATCH ?1",
		"SELECT count(*) FROM postings_fts_demand WHERE postings_fts_demand MATCH ?1"};
	for (const char *p = strchr(query, '"'); p;) {
		const char *e = strchr(p + 1, '"');
		if (!e)
			break;
		struct cc_error err = {0};
		struct cc_stmt *s = cc_stmt_cached(st, sql[kind], &err);
		assert_non_null(s);
		cc_stmt_bind_text(s, 1, p, (size_t)(e - p + 1));
		assert_int_equal(cc_stmt_step(s, &err), 1);
		int64_t fts = cc_stmt_int64(s, 0);
		cc_stmt_reset(s);
		int64_t df = match_text_df(tx, kind, p + 1, (size_t)(e - p - 1));
		if (df >= 0) /* the trigrams only (a longer phrase: -1) */
			assert_int_equal(df, fts);
		p = strchr(e + 1, '"');
	}
}

/* The queries ranking would write for every posting's title, and some by hand. */
static void compare_all(void)
{
	struct cc_error err = {0};
	struct match_text *tx = match_text_get(st, &err);
	assert_non_null(tx);
	static const char *const by_hand[] = {
		"\"轴承\" OR \"轮毂轴承\"", /* a 2-character phrase: nothing, as FTS5 */
		"\"abc传感器\"",	    /* full-width ＡＢＣ folds to ａｂｃ, not abc */
		"\"ａｂｃ\" OR \"αβγ\"",    /* Unicode case folding */
		"\"mcu\" OR \"MCU\"",	    /* the same phrase twice: counted twice */
		"\"aaa\"",		    /* 298 occurrences in one description */
		"\"aaaa\" OR \"重复\"",
		"\"型号a\" OR \"ab-1234\"",
		"\"无此词语\"",
		"\"soc\" OR \"pcb\" OR \"电机\" OR \"雷达\"",
	};
	for (size_t q = 0; q < sizeof by_hand / sizeof *by_hand; q++)
		for (int kind = 0; kind < 2; kind++)
			compare(tx, kind, by_hand[q]);
	struct cc_stmt *s = NULL;
	assert_int_equal(cc_stmt_prepare(st, &s, "SELECT title FROM postings ORDER BY id", &err),
			 0);
	char(*titles)[256] = calloc(4096, sizeof *titles);
	int nt = 0;
	while (nt < 4096 && cc_stmt_step(s, &err) == 1)
		snprintf(titles[nt++], sizeof titles[0], "%s", cc_stmt_text(s, 0));
	cc_stmt_free(s);
	for (int i = 0; i < nt; i += 3) {
		char topic[512], exact[512], loose[2048];
		match_strip_stopwords(titles[i], topic, sizeof topic);
		match_query_phrases(topic, exact, sizeof exact);
		match_query_build(topic, loose, sizeof loose);
		for (int kind = 0; kind < 2; kind++) {
			if (exact[0])
				compare(tx, kind, exact);
			if (loose[0]) {
				compare(tx, kind, loose);
				compare_df(tx, kind, loose);
			}
		}
	}
	free(titles);
	match_text_release(tx);
}

static void test_differential(void **state)
{
	(void)state;
	struct cc_error err = {0};
	world(3000);
	assert_int_equal(match_text_build(st, &err), 0);
	nqueries = nbits = nrows = 0;
	compare_all();
	print_message("differential: %ld queries, %ld rows, %ld of them bm25 bit-identical\n",
		      nqueries, nrows, nbits);
	assert_true(nqueries > 2000);
	assert_int_equal(nbits, nrows); /* the same operations in the same order */

	/* The postings change under the index: inserts (one with a new trigram), a title
	 * edited, one edited twice, deletes, and a deleted id given again. */
	char title[256], desc[512];
	for (int i = 0; i < 200; i++) {
		random_posting(title, sizeof title, desc, sizeof desc);
		put((int)rnd(2), (int)rnd(NENT), title, desc);
	}
	put(0, 1, "全新词汇测试件", "仅此一条");
	assert_int_equal(
		cc_store_exec(st, "UPDATE postings SET title = '伺服电机改' WHERE id = 5", &err),
		0);
	assert_int_equal(
		cc_store_exec(st,
			      "UPDATE postings SET description = '一改' WHERE id = 6;"
			      "UPDATE postings SET description = '二改伺服电机' WHERE id = 6;",
			      &err),
		0);
	assert_int_equal(
		cc_store_exec(st, "DELETE FROM postings WHERE id IN (7, 8, 9, 3100)", &err), 0);
	int64_t again = put(0, 2, "轮毂轴承再来", "同一个编号");
	(void)again;
	nqueries = nbits = nrows = 0;
	compare_all();
	assert_int_equal(nbits, nrows);
	struct match_text *tx = match_text_get(st, &err);
	assert_non_null(tx);
	compare(tx, 0, "\"全新词汇\"");
	match_text_release(tx);
	world_end();
}

/* A posting written while the index is there is the next ranking's candidate, with the same
 * ranking as FTS5 gives; inside a transaction the index steps aside. */
static void test_live(void **state)
{
	(void)state;
	struct cc_error err = {0};
	world(300);
	put(1, 0, "采购激光雷达模组", "车规级");
	int64_t me = cc_store_int(st, "SELECT max(id) FROM postings", 0);
	struct cc_frame *f = NULL;
	assert_int_equal(cc_frame_build(st, 0, &f, &err), 0);
	struct match_result a, b;
	assert_int_equal(match_rank(st, f, me, NULL, &a, &err), 0); /* FTS5 */
	assert_int_equal(match_text_build(st, &err), 0);
	assert_int_equal(match_rank(st, f, me, NULL, &b, &err), 0); /* the index */
	assert_int_equal(a.n, b.n);
	for (int i = 0; i < a.n; i++) {
		assert_true(a.items[i].id == b.items[i].id);
		assert_true(a.items[i].score == b.items[i].score);
	}
	match_result_free(&a);
	match_result_free(&b);

	/* Written through the API's function after the build: found by the next ranking. */
	struct posting_in in = {.kind = "supply", .uscc = U[5], .title = "供应激光雷达模组"};
	int64_t p = 0;
	assert_int_equal(posting_save(st, &in, &p, &err), 0);
	cc_frame_release(f);
	f = NULL;
	assert_int_equal(cc_frame_build(st, 0, &f, &err), 0);
	assert_int_equal(match_rank(st, f, me, NULL, &b, &err), 0);
	int found = -1;
	for (int i = 0; i < b.n; i++)
		if (b.items[i].is_posting && b.items[i].id == p)
			found = i;
	assert_true(found >= 0);
	assert_true(b.items[found].pass == 1); /* by its text */
	match_result_free(&b);
	struct match_text *tx = match_text_get(st, &err);
	assert_non_null(tx);
	compare(tx, 0, "\"激光雷达模组\"");
	match_text_release(tx);

	/* Inside a transaction that wrote a posting, the index is behind and steps aside. */
	assert_int_equal(cc_store_exec(st, "BEGIN", &err), 0);
	put(0, 6, "供应激光雷达模组二代", NULL);
	assert_null(match_text_get(st, &err));
	assert_int_equal(cc_store_exec(st, "ROLLBACK", &err), 0);
	tx = match_text_get(st, &err);
	assert_non_null(tx);
	compare(tx, 0, "\"激光雷达模组\"");
	match_text_release(tx);
	cc_frame_release(f);
	world_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_live),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
