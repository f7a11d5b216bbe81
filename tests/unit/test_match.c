/*
 * Unit tests of match/: rankings on hand-made postings where the right order is argued in
 * each test, Chinese searches of 1, 2, 3 and more characters (mixed with Latin letters and
 * digits), expiry, bad input, subscriptions, deals and statistics.
 *
 * Every test builds its own small world: enterprises created now (so "days on the platform"
 * is 0 for all), with no certificates and no size unless a test says otherwise, so that the
 * credibility component is equal and only the component under test differs. Identical
 * titles and descriptions get identical bm25, so the text component is equal too.
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
#include "base/buf.h"
#include "match/match.h"
#include "match/match_internal.h"

#define near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static char dir[64];
static struct cc_store *st;
static struct cc_frame *frame;
static char U[10][19]; /* U[0] the poster; U[1..] counterparts */

static const int regions[10] = {500112, 500105, 510107, 510703, 310115,
				500106, 510104, 500103, 500104, 500107};

/* A fresh store with enterprises U[0..9] (regions above) and the given postings (CSV rows
 * after the header, %s replaced in order by U[0], U[1], ...). */
static void world(const char *postings)
{
	char p[128], t[8192];
	struct cc_error err = {0};
	snprintf(dir, sizeof dir, "/tmp/cc-match-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/m.db", dir);
	assert_int_equal(cc_store_open(&st, p, CC_STORE_CREATE, &err), 0);
	size_t used = (size_t)snprintf(t, sizeof t, "uscc,name,region\n");
	for (int i = 0; i < 10; i++) {
		tu_uscc(U[i], regions[i], 100 + i);
		used += (size_t)snprintf(t + used, sizeof t - used, "%s,企业%d,%d\n", U[i], i,
					 regions[i]);
	}
	tu_load(st, dir, "e.csv", t);
	if (postings) {
		snprintf(
			t, sizeof t,
			"kind,uscc,title,description,node,quantity,unit,region_pref,valid_until\n");
		/* Expand %0..%9 into credit codes. */
		used = strlen(t);
		for (const char *s = postings; *s && used + 20 < sizeof t; s++) {
			if (s[0] == '%' && s[1] >= '0' && s[1] <= '9') {
				memcpy(t + used, U[s[1] - '0'], 18);
				used += 18;
				s++;
			} else {
				t[used++] = *s;
			}
		}
		t[used] = '\0';
		tu_load(st, dir, "p.csv", t);
	}
	assert_int_equal(match_refresh(st, &err), 0);
	assert_int_equal(cc_frame_build(st, 0, &frame, &err), 0);
	/* CC_TEST_TEXT_INDEX=1 (ctest test_match_textidx): the same tests with the text passes
	 * answered by the in-memory index (match/textidx.c) instead of FTS5. */
	if (getenv("CC_TEST_TEXT_INDEX"))
		assert_int_equal(match_text_build(st, &err), 0);
}

static void world_end(void)
{
	char cmd[128];
	cc_frame_release(frame);
	frame = NULL;
	match_text_stop();
	cc_store_close(st);
	st = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static int64_t posting_id(const char *title, int who)
{
	char sql[512];
	snprintf(sql, sizeof sql,
		 "SELECT p.id FROM postings p JOIN enterprises e ON e.id = p.enterprise_id "
		 "WHERE p.title = '%s' AND e.uscc = '%s'",
		 title, U[who]);
	return cc_store_int(st, sql, -1);
}

static void rank(int64_t id, struct match_result *r)
{
	struct cc_error err = {0};
	int rc = match_rank(st, frame, id, "2026-06-01", r, &err);
	if (rc)
		print_error("%s\n", err.msg);
	assert_int_equal(rc, 0);
	if (getenv("MATCH_DEBUG"))
		for (int i = 0; i < r->n; i++)
			print_message("%d %s %.12f [%g %g %g %g %g %g %g]\n", i,
				      frame->name[r->items[i].ent], r->items[i].score,
				      r->items[i].comp[0], r->items[i].comp[1], r->items[i].comp[2],
				      r->items[i].comp[3], r->items[i].comp[4], r->items[i].comp[5],
				      r->items[i].comp[6]);
}

/* The position (0-based) of the posting of enterprise WHO in R, or -1. */
static int pos_of(const struct match_result *r, int who)
{
	for (int i = 0; i < r->n; i++)
		if (r->items[i].is_posting && strcmp(frame->uscc[r->items[i].ent], U[who]) == 0)
			return i;
	return -1;
}

/*
 * Text alone. The poster needs "车规级MCU" (采购 is dropped as a buy/sell word). U1 offers
 * "车规级MCU": the exact pass (the term whole) finds it, the best bm25 of that pass, text = 1.
 * The exact pass found 1 < 20 (partial_below), so the partial pass runs on the
 * trigrams 车规级, 规级m, 级mc, mcu: U5 offers "MCU开发板", one trigram, the best (only) bm25
 * of that pass, text = partial_text = 0.5. U7 offers "铝合金型材": nothing shared and no node,
 * so it is no candidate at all. Order: U1, U5. (All in Chongqing, like the poster: no pair
 * bonus.)
 */
static void test_text_alone(void **state)
{
	(void)state;
	world("demand,%0,采购车规级MCU,,,,,,2027-01-01\n"
	      "supply,%1,供应车规级MCU,,,,,,2027-01-01\n"
	      "supply,%5,供应MCU开发板,,,,,,2027-01-01\n"
	      "supply,%7,供应铝合金型材,,,,,,2027-01-01\n");
	struct match_result r;
	rank(posting_id("采购车规级MCU", 0), &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(pos_of(&r, 1), 0);
	assert_int_equal(pos_of(&r, 5), 1);
	assert_int_equal(pos_of(&r, 7), -1);
	near(r.items[0].comp[0], 1, 1e-12);
	near(r.items[1].comp[0], match_weights_get(NULL)->partial_text, 1e-12);
	assert_int_equal(r.items[0].pass, 1);
	assert_int_equal(r.items[1].pass, 2);
	assert_string_equal(r.query, "\"车规级mcu\"");
	assert_string_equal(r.partial, "\"车规级\" OR \"规级m\" OR \"级mc\" OR \"mcu\"");
	assert_string_equal(r.items[0].matched, ""); /* found for the items shown only */
	match_item_text(st, &r, 0);
	match_item_text(st, &r, 1);
	assert_string_equal(r.items[0].matched, "车规级mcu");
	assert_string_equal(r.items[1].matched, "mcu");
	/* Only text differs: the scores differ by exactly the text weight times the gap. */
	const struct match_weights *W = match_weights_get(NULL);
	near(r.items[0].score - r.items[1].score, W->w[0] * (1 - r.items[1].comp[0]), 3e-9);
	match_result_free(&r);
	world_end();
}

/*
 * Node alone. Three identical supply postings "供应电源管理芯片" (equal text): U1's on the
 * poster's node ic.power_design (node = 1), U5's on its parent ic.design (0.5), U7's on no
 * node (0). A fourth, U8's "供应稳压模块" on the same node shares no text but is found by
 * the node (text 0, node 1). All in Chongqing like the poster. Scores: text weight 0.35, node 0.20:
 *   U1 .35 + .20 = .55 > U5 .35 + .10 = .45 > U7 .35 > U8 .20.
 */
static void test_node_alone(void **state)
{
	(void)state;
	world("demand,%0,采购电源管理芯片,,ic.power_design,,,,2027-01-01\n"
	      "supply,%1,供应电源管理芯片,,ic.power_design,,,,2027-01-01\n"
	      "supply,%5,供应电源管理芯片,,ic.design,,,,2027-01-01\n"
	      "supply,%7,供应电源管理芯片,,,,,,2027-01-01\n"
	      "supply,%8,供应稳压模块,,ic.power_design,,,,2027-01-01\n");
	struct match_result r;
	rank(posting_id("采购电源管理芯片", 0), &r);
	assert_int_equal(pos_of(&r, 1), 0);
	assert_int_equal(pos_of(&r, 5), 1);
	assert_int_equal(pos_of(&r, 7), 2);
	assert_int_equal(pos_of(&r, 8), 3);
	near(r.items[0].comp[1], 1, 0);
	near(r.items[1].comp[1], 0.5, 0);
	near(r.items[2].comp[1], 0, 0);
	near(r.items[3].comp[0], 0, 0);
	near(r.items[0].score - r.items[2].score, 0.20, 1e-9);
	near(r.items[1].score - r.items[2].score, 0.10, 1e-9);
	match_result_free(&r);
	world_end();
}

/*
 * Region. The poster (Chongqing 500112) prefers Chengdu (510100). Identical offers from:
 * U2 Chengdu 510107 (preferred and across the pair: +.10 +.10), U3 Mianyang 510703 (across
 * the pair only: +.10), U1 Chongqing 500105 and U4 Shanghai 310115 (neither). U1 and U4 tie
 * exactly; the tie goes to the smaller posting id, U1's (posted first). Order U2, U3, U1, U4.
 */
static void test_region_bonus_and_ties(void **state)
{
	(void)state;
	world("demand,%0,采购车规级MCU,,,,,510100,2027-01-01\n"
	      "supply,%1,供应车规级MCU,,,,,,2027-01-01\n"
	      "supply,%2,供应车规级MCU,,,,,,2027-01-01\n"
	      "supply,%3,供应车规级MCU,,,,,,2027-01-01\n"
	      "supply,%4,供应车规级MCU,,,,,,2027-01-01\n");
	struct match_result r;
	rank(posting_id("采购车规级MCU", 0), &r);
	assert_int_equal(r.n, 4);
	assert_int_equal(pos_of(&r, 2), 0);
	assert_int_equal(pos_of(&r, 3), 1);
	assert_int_equal(pos_of(&r, 1), 2);
	assert_int_equal(pos_of(&r, 4), 3);
	near(r.items[0].comp[3], 1, 0);
	near(r.items[0].comp[4], 1, 0);
	near(r.items[1].comp[3], 0, 0);
	near(r.items[1].comp[4], 1, 0);
	assert_true(r.items[2].score == r.items[3].score);
	assert_true(r.items[2].id < r.items[3].id);
	/* Deterministic: the same order again. */
	struct match_result r2;
	rank(posting_id("采购车规级MCU", 0), &r2);
	for (int i = 0; i < r.n; i++)
		assert_true(r.items[i].id == r2.items[i].id &&
			    r.items[i].score == r2.items[i].score);
	match_result_free(&r2);
	match_result_free(&r);
	world_end();
}

/*
 * Quantity. The poster needs 1000 件 of 6061铝合金. U1 offers 1000 件 (fit 1), U5 500 件
 * (500/1000 = .5), U7 1000 吨 (another unit: 0), U8 no quantity (0). U7 and U8 tie: U7 first
 * (smaller id). Order U1, U5, U7, U8. All in Chongqing like the poster.
 */
static void test_quantity(void **state)
{
	(void)state;
	world("demand,%0,采购6061铝合金,,,1000,件,,2027-01-01\n"
	      "supply,%1,供应6061铝合金,,,1000,件,,2027-01-01\n"
	      "supply,%5,供应6061铝合金,,,500,件,,2027-01-01\n"
	      "supply,%7,供应6061铝合金,,,1000,吨,,2027-01-01\n"
	      "supply,%8,供应6061铝合金,,,,,,2027-01-01\n");
	struct match_result r;
	rank(posting_id("采购6061铝合金", 0), &r);
	assert_int_equal(pos_of(&r, 1), 0);
	assert_int_equal(pos_of(&r, 5), 1);
	assert_int_equal(pos_of(&r, 7), 2);
	assert_int_equal(pos_of(&r, 8), 3);
	near(r.items[0].comp[5], 1, 0);
	near(r.items[1].comp[5], 0.5, 1e-12);
	near(r.items[2].comp[5], 0, 0);
	assert_true(r.items[2].score == r.items[3].score);
	match_result_free(&r);
	world_end();
}

/* Expired and withdrawn postings never match, and have no matches themselves. */
static void test_expired_never_match(void **state)
{
	(void)state;
	struct cc_error err = {0};
	world("demand,%0,采购车规级MCU,,,,,,2027-01-01\n"
	      "supply,%1,供应车规级MCU,,,,,,2026-05-31\n" /* expired the day before 'today' */
	      "supply,%2,供应车规级MCU,,,,,,2026-06-01\n" /* valid through today: matches */
	      "supply,%3,供应车规级MCU,,,,,,\n"		  /* no end date: matches */
	      "supply,%4,供应车规级MCU,,,,,,2027-01-01\n");
	assert_int_equal(posting_withdraw(st, posting_id("供应车规级MCU", 4), "test", &err), 0);
	struct match_result r;
	rank(posting_id("采购车规级MCU", 0), &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(pos_of(&r, 1), -1);
	assert_int_equal(pos_of(&r, 4), -1);
	assert_true(pos_of(&r, 2) >= 0 && pos_of(&r, 3) >= 0);
	match_result_free(&r);
	assert_int_equal(
		match_rank(st, frame, posting_id("供应车规级MCU", 1), "2026-06-01", &r, &err),
		CC_EINVAL);
	assert_non_null(strstr(err.msg, "expired"));
	assert_int_equal(
		match_rank(st, frame, posting_id("供应车规级MCU", 4), "2026-06-01", &r, &err),
		CC_EINVAL);
	assert_non_null(strstr(err.msg, "withdrawn"));
	world_end();
}

static int64_t search_count(const char *q, const char *mode)
{
	struct cc_error err = {0};
	struct posting_query pq = {.q = q, .state = "all", .limit = 50};
	json_t *r = posting_search(st, &pq, &err);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "mode")), mode);
	int64_t n = json_integer_value(json_object_get(r, "total"));
	assert_int_equal((int64_t)json_array_size(json_object_get(r, "items")), n);
	json_decref(r);
	return n;
}

/*
 * Chinese searches of 1, 2, 3 and many characters, mixed with Latin letters and digits. The
 * 2-character case is DOMAIN.md's regression: on SQLite 3.40.1 a 2-character LIKE on a trigram
 * table returned no rows, so 1–2 character queries must scan and still find "亚迪".
 */
static void test_chinese_queries(void **state)
{
	(void)state;
	world("supply,%1,供应6061铝合金型材,比亚迪配套,,,,,\n"
	      "supply,%2,供应车规级MCU芯片,AEC-Q100认证,,,,,\n"
	      "demand,%3,采购铝合金压铸件,,,,,,\n"
	      "demand,%4,采购阀门,DN50,,,,,\n");
	assert_int_equal(search_count("阀", "scan"), 1);
	assert_int_equal(search_count("亚迪", "scan"), 1);
	assert_int_equal(search_count("铝合", "scan"), 2);
	assert_int_equal(search_count("铝合金", "fts"), 2);
	assert_int_equal(search_count("6061铝合金", "fts"), 1);
	assert_int_equal(search_count("车规级MCU", "fts"), 1);
	assert_int_equal(search_count("mcu", "fts"), 1);	 /* case-insensitive */
	assert_int_equal(search_count("aec-q100", "fts"), 1);	 /* in the description */
	assert_int_equal(search_count("铝合金 压铸", "fts"), 1); /* 3+ term AND 2-char term */
	assert_int_equal(search_count("钛合金", "fts"), 0);
	assert_int_equal(search_count("\") OR (", "scan"), 0); /* FTS syntax cannot leak in */
	assert_int_equal(search_count("\"*^", "none"), 4);
	assert_int_equal(search_count("", "none"), 4);
	/* Query building: trigrams, lower-cased, quoted, distinct. */
	char q[512];
	assert_int_equal(match_query_build("车规级MCU", q, sizeof q), 4);
	assert_string_equal(q, "\"车规级\" OR \"规级m\" OR \"级mc\" OR \"mcu\"");
	assert_int_equal(match_query_build("阀 铝合", q, sizeof q), 0);
	assert_int_equal(match_query_phrases("车规级MCU 阀 6061铝合金", q, sizeof q), 2);
	assert_string_equal(q, "\"车规级mcu\" OR \"6061铝合金\"");
	/* Stop words become spaces; a short output never ends inside a character. */
	char o[32];
	match_strip_stopwords("采购铝合金型材", o, sizeof o);
	assert_string_equal(o, " 铝合金型材");
	match_strip_stopwords("铝合金铝合金铝合金", o, 8); /* 7 bytes of room: 2 characters */
	assert_string_equal(o, "铝合");
	match_strip_stopwords("ab铝合金", o, 6); /* 5 bytes: "ab" and one character */
	assert_string_equal(o, "ab铝");
	match_strip_stopwords("abcd铝", o, 6); /* 5 bytes: the character does not fit */
	assert_string_equal(o, "abcd");
	world_end();
}

/* Bad input gets an error naming the field, and nothing is stored. */
static void test_bad_input(void **state)
{
	(void)state;
	world(NULL);
	struct cc_error err = {0};
	int64_t id = 0;
	struct {
		struct posting_in in;
		const char *field;
	} cases[] = {
		{{.kind = "supply", .uscc = U[0], .title = ""}, "title"},
		{{.kind = "supply", .uscc = U[0], .title = "   "}, "title"},
		{{.kind = "supply", .uscc = U[0], .title = "x", .quantity = "abc"}, "quantity"},
		{{.kind = "supply", .uscc = U[0], .title = "x", .quantity = "-5"}, "quantity"},
		{{.kind = "supply", .uscc = U[0], .title = "x", .region_pref = "999999"},
		 "region_pref"},
		{{.kind = "supply", .uscc = U[0], .title = "x", .region_pref = "510100;12"},
		 "region_pref"},
		{{.kind = "supply", .uscc = U[0], .title = "x", .node = "ic.nope"}, "node"},
		{{.kind = "supply", .uscc = U[0], .title = "x", .valid_until = "2026-13-40"},
		 "valid_until"},
		{{.kind = "sell", .uscc = U[0], .title = "x"}, "kind"},
		{{.kind = "supply", .uscc = "91500000MA00000000", .title = "x"}, "uscc"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = posting_save(st, &cases[i].in, &id, &err);
		assert_true(rc != 0);
		const char *f = posting_error_field(&err);
		if (!f || strcmp(f, cases[i].field) != 0)
			print_error("case %zu: %s\n", i, err.msg);
		assert_non_null(f);
		assert_string_equal(f, cases[i].field);
	}
	assert_int_equal(cc_store_int(st, "SELECT count(*) FROM postings", -1), 0);
	/* A good one, then an edit that tries to change the poster. */
	struct posting_in ok = {.kind = "需",
				.uscc = U[0],
				.title = "采购阀门",
				.quantity = "12.5",
				.region_pref = "510100, 500000",
				.valid_until = "2027/1/31"};
	assert_int_equal(posting_save(st, &ok, &id, &err), 0);
	json_t *p = posting_get(st, id, 0, &err);
	assert_string_equal(json_string_value(json_object_get(p, "kind")), "demand");
	assert_string_equal(json_string_value(json_object_get(p, "region_pref")), "510100;500000");
	assert_string_equal(json_string_value(json_object_get(p, "valid_until")), "2027-01-31");
	near(json_number_value(json_object_get(p, "quantity")), 12.5, 0);
	json_decref(p);
	struct posting_in bad = {.id = id, .uscc = U[1], .title = "采购阀门2"};
	assert_int_equal(posting_save(st, &bad, &id, &err), CC_EINVAL);
	assert_string_equal(posting_error_field(&err), "uscc");
	/* The same title again by the same enterprise: refused, not overwritten. */
	assert_int_equal(posting_save(st, &ok, &id, &err), CC_EEXIST);
	world_end();
}

/* Registered enterprises as counterparts: node members and sellers of matching products. */
static void test_enterprise_candidates(void **state)
{
	(void)state;
	world(NULL);
	char t[2048];
	snprintf(t, sizeof t, "uscc,chain,node,role\n%s,ic,mcu_soc,member\n", U[5]);
	tu_load(st, dir, "m.csv", t);
	snprintf(
		t, sizeof t,
		"supplier,buyer,product,node,annual_value,share\n%s,%s,车规级MCU芯片,ic.mcu_soc,100,1\n",
		U[6], U[7]);
	tu_load(st, dir, "s.csv", t);
	struct cc_error err = {0};
	int64_t id = 0;
	struct posting_in in = {
		.kind = "demand", .uscc = U[0], .title = "采购车规级MCU", .node = "ic.mcu_soc"};
	assert_int_equal(posting_save(st, &in, &id, &err), 0);
	assert_int_equal(match_refresh(st, &err), 0);
	cc_frame_release(frame);
	assert_int_equal(cc_frame_build(st, 0, &frame, &err), 0);
	struct match_result r;
	rank(id, &r);
	/* U6 sells 车规级MCU芯片 on the node (text 1, but not a member: node 0); U5 is a member
	 * (node 1, no text). .35 (text) > .20 (node): U6 first. U7 only buys: not a seller. */
	assert_int_equal(r.n, 2);
	assert_false(r.items[0].is_posting);
	assert_string_equal(frame->uscc[r.items[0].ent], U[6]);
	assert_string_equal(frame->uscc[r.items[1].ent], U[5]);
	near(r.items[1].comp[1], 1, 0);
	struct cc_buf ib = CC_BUF_INIT(1 << 20);
	assert_int_equal(match_item_write(st, frame, &r, 0, &ib), 0);
	json_t *j = json_loads(cc_buf_str(&ib), 0, NULL); /* the test reads the text back */
	cc_buf_release(&ib);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "enterprise");
	json_t *ex = json_object_get(j, "explanation");
	assert_int_equal(json_array_size(ex), 7); /* a product: the first seven components */
	assert_non_null(
		strstr(json_string_value(json_object_get(json_array_get(ex, 0), "reason_zh")),
		       "车规级mcu"));
	json_decref(j);
	match_result_free(&r);
	world_end();
}

/* The position of posting ID in R, or -1. */
static int pos_of_id(const struct match_result *r, int64_t id)
{
	for (int i = 0; i < r->n; i++)
		if (r->items[i].is_posting && r->items[i].id == id)
			return i;
	return -1;
}

/*
 * Ranking reads the postings' fields from memory held on the frame (match/fields.c). Writes
 * after the first ranking, with the same frame, must show in the next: a withdrawal, a new
 * posting, a new quantity, a deleted posting whose id is given to the next one. Units compare
 * trimmed and without ASCII case ("Kg" = "kg"), and the item shows the counterpart's own.
 */
static void test_fields_follow_writes(void **state)
{
	(void)state;
	world("demand,%0,采购车规级MCU,,,100,Kg,,2027-01-01\n"
	      "supply,%1,供应车规级MCU,,,100,kg,,2027-01-01\n"
	      "supply,%2,供应车规级MCU,,,100,件,,2027-01-01\n");
	struct cc_error err = {0};
	int64_t me = posting_id("采购车规级MCU", 0), p1 = posting_id("供应车规级MCU", 1);
	struct match_result r;
	rank(me, &r);
	assert_int_equal(r.n, 2);
	int i1 = pos_of(&r, 1), i2 = pos_of(&r, 2);
	near(r.items[i1].comp[5], 1, 1e-12); /* Kg = kg */
	near(r.items[i2].comp[5], 0, 0);     /* 件: another unit */
	assert_int_equal(i1, 0);
	match_item_text(st, &r, i1);
	assert_string_equal(r.items[i1].unit, "kg");
	assert_string_equal(r.items[i1].title, "供应车规级MCU");
	match_result_free(&r);

	/* Withdrawn since: gone. */
	assert_int_equal(posting_withdraw(st, p1, "test", &err), 0);
	rank(me, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(pos_of(&r, 1), -1);
	match_result_free(&r);

	/* A new posting, then its quantity changed. */
	struct posting_in in = {.kind = "supply",
				.uscc = U[3],
				.title = "供应车规级MCU",
				.quantity = "100",
				.unit = "KG"};
	int64_t p3 = 0;
	assert_int_equal(posting_save(st, &in, &p3, &err), 0);
	rank(me, &r);
	assert_int_equal(r.n, 2);
	assert_true(pos_of_id(&r, p3) >= 0);
	near(r.items[pos_of_id(&r, p3)].comp[5], 1, 1e-12);
	match_result_free(&r);
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE postings SET quantity = 50 WHERE id = %lld",
		 (long long)p3);
	assert_int_equal(cc_store_exec(st, sql, &err), 0);
	rank(me, &r);
	near(r.items[pos_of_id(&r, p3)].comp[5], 0.5, 1e-12);
	match_result_free(&r);

	/* Deleted, and its id given to U4's posting with no quantity. */
	snprintf(sql, sizeof sql, "DELETE FROM postings WHERE id = %lld", (long long)p3);
	assert_int_equal(cc_store_exec(st, sql, &err), 0);
	struct posting_in in4 = {.kind = "supply", .uscc = U[4], .title = "供应车规级MCU模块"};
	int64_t p4 = 0;
	assert_int_equal(posting_save(st, &in4, &p4, &err), 0);
	assert_int_equal(p4, p3); /* the same id: the fields must not be the deleted row's */
	rank(me, &r);
	assert_int_equal(r.n, 2);
	int i4 = pos_of(&r, 4);
	assert_true(i4 >= 0);
	assert_int_equal(pos_of(&r, 3), -1);
	near(r.items[i4].comp[5], 0, 0);
	match_result_free(&r);
	world_end();
}

/*
 * Edges of the fields in memory. Units compare trimmed as cc_trim trims (a full-width space
 * too) and whole beyond 24 bytes ("标准集装箱运输单位", 27 bytes: 50 of 100 is 0.5). Ids set
 * by hand far beyond the rows (2^40, 2^62 + 1) are still found. Inside a transaction that has
 * written a posting, ranking refuses (it would share rows that may be rolled back) and after
 * the rollback it neither sees the rolled-back posting nor misses the next one.
 */
static void test_fields_edges(void **state)
{
	(void)state;
	world("demand,%0,采购车规级MCU,,,100,吨,,2027-01-01\n"
	      "supply,%1,供应车规级MCU,,,100,吨,,2027-01-01\n"
	      "supply,%2,供应车规级MCU,,,50,标准集装箱运输单位,,2027-01-01\n");
	struct cc_error err = {0};
	int64_t me = posting_id("采购车规级MCU", 0);
	char sql[400];
	snprintf(sql, sizeof sql, "UPDATE postings SET unit = '吨\xE3\x80\x80' WHERE id = %lld",
		 (long long)me);
	assert_int_equal(cc_store_exec(st, sql, &err), 0);
	struct match_result r;
	rank(me, &r);
	near(r.items[pos_of(&r, 1)].comp[5], 1, 1e-12);
	near(r.items[pos_of(&r, 2)].comp[5], 0, 0);
	match_result_free(&r);
	snprintf(sql, sizeof sql, "UPDATE postings SET unit = '标准集装箱运输单位' WHERE id = %lld",
		 (long long)me);
	assert_int_equal(cc_store_exec(st, sql, &err), 0);
	rank(me, &r);
	near(r.items[pos_of(&r, 1)].comp[5], 0, 0);
	near(r.items[pos_of(&r, 2)].comp[5], 0.5, 1e-12);
	match_result_free(&r);

	const int64_t big[2] = {1099511627776LL, 4611686018427387905LL};
	for (int k = 0; k < 2; k++) {
		snprintf(
			sql, sizeof sql,
			"INSERT INTO postings(id, kind, enterprise_id, title, valid_until) "
			"SELECT %lld, 'supply', id, '供应车规级MCU套件%d', '2027-01-01' FROM enterprises "
			"WHERE uscc = '%s'",
			(long long)big[k], k, U[3 + k]);
		assert_int_equal(cc_store_exec(st, sql, &err), 0);
	}
	rank(me, &r);
	assert_int_equal(r.n, 4);
	assert_true(pos_of_id(&r, big[0]) >= 0 && pos_of_id(&r, big[1]) >= 0);
	match_result_free(&r);

	assert_int_equal(cc_store_begin(st, &err), 0);
	snprintf(
		sql, sizeof sql,
		"INSERT INTO postings(kind, enterprise_id, title, valid_until) SELECT 'supply', id, "
		"'供应车规级MCU', '2027-01-01' FROM enterprises WHERE uscc = '%s'",
		U[6]);
	assert_int_equal(cc_store_exec(st, sql, &err), 0);
	assert_int_equal(match_rank(st, frame, me, "2026-06-01", &r, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "transaction"));
	cc_store_rollback(st);
	struct posting_in in7 = {.kind = "supply", .uscc = U[7], .title = "供应车规级MCU"};
	int64_t p7 = 0;
	assert_int_equal(posting_save(st, &in7, &p7, &err), 0);
	rank(me, &r);
	assert_int_equal(r.n, 5);
	assert_int_equal(pos_of(&r, 6), -1);
	assert_true(pos_of_id(&r, p7) >= 0);
	match_result_free(&r);
	world_end();
}

/*
 * The partial pass keeps the rarest trigrams (partial_terms = 4) and remembers what it counted
 * until the postings change. "轮毂轴承单元总成" has six trigrams; in the supply postings
 * 轮毂轴 and 元总成 occur once, 毂轴承 twice, 轴承单 and 承单元 three times, 单元总 never: the
 * four kept are 轮毂轴, 元总成, 毂轴承, 轴承单 (ties in the title's order). Renaming the 元总成
 * posting to one more 轴承单元 (a title edit, with the same frame) leaves 元总成 nowhere and
 * makes 轴承单 / 承单元 four: the query must follow. Deleting the 轮毂轴 posting drops it too.
 */
static void test_partial_counts_follow_text(void **state)
{
	(void)state;
	world("demand,%0,采购轮毂轴承单元总成,,,,,,2027-01-01\n"
	      "supply,%1,供应轴承单元,,,,,,2027-01-01\n"
	      "supply,%2,供应轴承单元,,,,,,2027-01-01\n"
	      "supply,%3,供应轴承单元,,,,,,2027-01-01\n"
	      "supply,%4,供应轮毂轴,,,,,,2027-01-01\n"
	      "supply,%5,供应元总成,,,,,,2027-01-01\n"
	      "supply,%6,供应毂轴承,,,,,,2027-01-01\n"
	      "supply,%7,供应毂轴承,,,,,,2027-01-01\n");
	struct cc_error err = {0};
	int64_t me = posting_id("采购轮毂轴承单元总成", 0);
	struct match_result r;
	rank(me, &r);
	assert_string_equal(r.partial, "\"轮毂轴\" OR \"元总成\" OR \"毂轴承\" OR \"轴承单\"");
	match_result_free(&r);
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE postings SET title = '供应轴承单元组件' WHERE id = %lld",
		 (long long)posting_id("供应元总成", 5));
	assert_int_equal(cc_store_exec(st, sql, &err), 0);
	rank(me, &r);
	assert_string_equal(r.partial, "\"轮毂轴\" OR \"毂轴承\" OR \"轴承单\" OR \"承单元\"");
	match_result_free(&r);
	snprintf(sql, sizeof sql, "DELETE FROM postings WHERE id = %lld",
		 (long long)posting_id("供应轮毂轴", 4));
	assert_int_equal(cc_store_exec(st, sql, &err), 0);
	rank(me, &r);
	assert_string_equal(r.partial, "\"毂轴承\" OR \"轴承单\" OR \"承单元\"");
	match_result_free(&r);
	world_end();
}

/* Subscriptions deliver new postings, and a new subscription at once the open postings it
 * matches (not the expired ones); deals feed the statistics by direction. */
static void test_follow_deal_stats(void **state)
{
	(void)state;
	world("supply,%2,供应车规级MCU,,ic.mcu_soc,,,,2099-01-01\n"
	      "supply,%3,供应MCU库存,,ic.mcu_soc,,,,2020-01-01\n");
	struct cc_error err = {0};
	assert_int_equal(
		cc_store_exec(
			st,
			"INSERT INTO users(username, password_hash, role) VALUES('ana', 'x', 'analyst');",
			&err),
		0);
	char sql[256];
	snprintf(
		sql, sizeof sql,
		"INSERT INTO users(username, password_hash, role, uscc) VALUES('ent', 'x', 'enterprise', '%s')",
		U[0]);
	assert_int_equal(cc_store_exec(st, sql, &err), 0);
	int64_t s1, s2, s3, id, got = -1;
	/* The Chengdu supply posting matches at once; the expired one (2020) does not. */
	assert_int_equal(match_follow(st, "ana", "keyword", "MCU", NULL, &s1, &got, &err), 0);
	assert_int_equal(got, 1);
	assert_int_equal(match_follow(st, "ana", "keyword", "MCU", NULL, &s1, &got, &err), 0);
	assert_int_equal(got, 0); /* an existing subscription: nothing again */
	json_t *subs = match_subscriptions(st, "ana", &err);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(subs, 0), "delivered")),
			 1);
	json_decref(subs);
	assert_int_equal(match_follow(st, "ana", "region", "510000", "demand", &s2, &got, &err), 0);
	assert_int_equal(got, 0); /* Sichuan has supply only */
	assert_int_equal(match_follow(st, "ent", "node", "ic", NULL, &s3, &got, &err), 0);
	assert_int_equal(got, 1);
	assert_int_equal(match_follow(st, "ana", "region", "999999", NULL, &s3, NULL, &err),
			 CC_EINVAL);
	assert_int_equal(match_follow(st, "ana", "node", "ic.nope", NULL, &s3, NULL, &err),
			 CC_EINVAL);
	assert_int_equal(match_follow(st, "nobody", "keyword", "x", NULL, &s3, NULL, &err),
			 CC_ENOTFOUND);
	/* U0 (Chongqing, the 'ent' account) needs MCU on ic: ana's keyword matches; ana's region
	 * (Sichuan demand) does not; ent's own posting is not delivered to ent. */
	struct posting_in in = {
		.kind = "demand", .uscc = U[0], .title = "采购车规级mcu", .node = "ic.mcu_soc"};
	assert_int_equal(posting_save(st, &in, &id, &err), 0);
	json_t *inbox = match_inbox(st, "ana", 10, 0, &err);
	assert_int_equal(json_array_size(json_object_get(inbox, "items")), 2);
	assert_int_equal(json_integer_value(json_object_get(inbox, "unread")), 2);
	json_decref(inbox);
	inbox = match_inbox(st, "ent", 10, 0, &err);
	assert_int_equal(json_array_size(json_object_get(inbox, "items")), 1);
	json_decref(inbox);
	/* A Chengdu (U2) demand posting reaches ana twice (keyword and region), ent once (node). */
	struct posting_in in2 = {
		.kind = "demand", .uscc = U[2], .title = "求购MCU", .node = "ic.mcu_soc"};
	int64_t id2;
	assert_int_equal(posting_save(st, &in2, &id2, &err), 0);
	inbox = match_inbox(st, "ana", 10, 0, &err);
	assert_int_equal(json_array_size(json_object_get(inbox, "items")), 4);
	json_decref(inbox);
	assert_int_equal(match_inbox_read(st, "ana", 0, &err), 4);
	inbox = match_inbox(st, "ent", 10, 1, &err);
	assert_int_equal(json_array_size(json_object_get(inbox, "items")), 2);
	json_decref(inbox);
	/* Deals: U0's demand and U2's supply (Chengdu sells to Chongqing: cd_to_cq). Marked from
	 * either side it is one deal. */
	int64_t sup = posting_id("供应车规级MCU", 2), d1, d2;
	assert_int_equal(
		match_deal_mark(st, id, sup, NULL, "contacted", NAN, "电话沟通", "a", &d1, &err),
		0);
	assert_int_equal(match_deal_mark(st, sup, id, NULL, "agreed", 120, "签约", "b", &d2, &err),
			 0);
	assert_true(d1 == d2);
	assert_int_equal(match_deal_mark(st, id, id2, NULL, "agreed", NAN, NULL, "a", &d2, &err),
			 CC_EINVAL);
	assert_int_equal(match_deal_mark(st, id, sup, NULL, "won", NAN, NULL, "a", &d2, &err),
			 CC_EINVAL);
	json_t *stats = match_stats(st, &err);
	assert_non_null(stats);
	json_t *tot = json_object_get(stats, "totals");
	assert_int_equal(json_integer_value(json_object_get(tot, "deals")), 1);
	assert_int_equal(json_integer_value(json_object_get(tot, "agreed")), 1);
	near(json_number_value(json_object_get(tot, "value")), 120, 0);
	json_t *dir0 = json_array_get(json_object_get(stats, "by_direction"), 0);
	assert_string_equal(json_string_value(json_object_get(dir0, "direction")), "cd_to_cq");
	json_decref(stats);
	json_t *deals = match_deals(st, U[0], 10, &err);
	assert_int_equal(json_array_size(deals), 1);
	assert_int_equal(json_array_size(json_object_get(json_array_get(deals, 0), "events")), 2);
	json_decref(deals);
	assert_true(cc_store_int(st, "SELECT count(*) FROM audit WHERE action = 'deal.mark'", 0) ==
		    2);
	world_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_alone),
		cmocka_unit_test(test_node_alone),
		cmocka_unit_test(test_region_bonus_and_ties),
		cmocka_unit_test(test_quantity),
		cmocka_unit_test(test_expired_never_match),
		cmocka_unit_test(test_chinese_queries),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_enterprise_candidates),
		cmocka_unit_test(test_fields_follow_writes),
		cmocka_unit_test(test_fields_edges),
		cmocka_unit_test(test_partial_counts_follow_text),
		cmocka_unit_test(test_follow_deal_stats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
