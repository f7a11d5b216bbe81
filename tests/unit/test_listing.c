/*
 * Unit tests of listing/: the one visibility rule (an investor sees a reserve firm only with its
 * consent; staff see the whole reserve), consent grant and withdrawal audited, stage changes
 * validated and kept in the history, engagements refused for firms an institution may not see,
 * the funnel's counts by hand, and the stalled cases opened once per enterprise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "testutil.h"
#include "domain/codes.h"
#include "listing/listing.h"
#include "lists/lists.h"

static char dir[] = "/tmp/cc-listing-XXXXXX";
static struct cc_store *st;
static char A[19], B[19], C[19], D[19];
static int64_t sec;

static int setup(void **state)
{
	(void)state;
	char p[256], t[2048];
	struct cc_error err = {0};
	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof p, "%s/l.db", dir);
	if (cc_codes_load(&err) || cc_store_open(&st, p, CC_STORE_CREATE, &err))
		return -1;
	tu_uscc(A, 500112, 1);
	tu_uscc(B, 500107, 2);
	tu_uscc(C, 500112, 3);
	tu_uscc(D, 500112, 4); /* registered, not on the reserve */
	snprintf(t, sizeof t,
		 "uscc,name,region\n%s,A,500112\n%s,B,500107\n%s,C,500112\n%s,D,500112\n", A, B, C,
		 D);
	tu_load(st, dir, "e.csv", t);
	snprintf(t, sizeof t,
		 "uscc,chain,node,role\n%s,nev,cathode,member\n%s,nev,cathode,"
		 "member\n%s,ic,design,member\n",
		 A, B, B);
	tu_load(st, dir, "m.csv", t);
	/* The reserve: A, B, C on a manual version of a listing_reserve list. */
	struct list_entry e[3] = {{0}};
	const char *codes[3] = {A, B, C};
	for (int i = 0; i < 3; i++) {
		char q[128];
		snprintf(q, sizeof q, "SELECT id FROM enterprises WHERE uscc = '%s'", codes[i]);
		e[i].enterprise_id = cc_store_int(st, q, 0);
		snprintf(e[i].tier, sizeof e[i].tier, "reserve");
		e[i].manual = 1;
		e[i].reason = (char *)"test";
	}
	if (lists_version_write(st, "后备", "listing_reserve", 1, 0, e, 3, NULL, 0, "t", NULL, NULL,
				&err))
		return -1;
	if (listing_institution_add(st, "券商甲", "securities", "t", &sec, &err))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	cc_store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

/* The credit codes in a reserve answer, joined by ','. */
static void codes_of(json_t *a, char *out, size_t n)
{
	size_t i, used = 0;
	json_t *x;
	out[0] = '\0';
	json_array_foreach(a, i, x)
	{
		int w = snprintf(out + used, n - used, "%s%s", i ? "," : "",
				 json_string_value(json_object_get(x, "uscc")));
		if (w > 0 && (size_t)w < n - used)
			used += (size_t)w;
	}
}

static void test_words(void **state)
{
	(void)state;
	assert_int_equal(listing_stage_index("shareholding"), 0);
	assert_int_equal(listing_stage_index("listed"), 5);
	assert_int_equal(listing_stage_index("withdrawn"), 6);
	assert_int_equal(listing_stage_index("ipo"), -1);
	assert_int_equal(listing_stage_index(NULL), -1);
	assert_true(listing_board_ok("star"));
	assert_false(listing_board_ok("nasdaq"));
	struct cc_error err = {0};
	int64_t id;
	assert_int_equal(listing_institution_add(st, "x", "hedge", "t", &id, &err), CC_EINVAL);
	assert_int_equal(listing_institution_add(st, "券商甲", "fund", "t", &id, &err), CC_EEXIST);
}

static void test_consent_visibility(void **state)
{
	(void)state;
	struct cc_error err = {0};
	char got[200], want[200];
	json_t *a = listing_reserve(st, sec, &err);
	assert_non_null(a);
	assert_int_equal(json_array_size(a), 0); /* nobody consented yet */
	json_decref(a);
	a = listing_reserve(st, 0, &err);
	assert_int_equal(json_array_size(a), 3); /* staff: the whole reserve */
	json_decref(a);
	assert_int_equal(listing_consent(st, A, 1, "entA", &err), 0);
	assert_int_equal(listing_consent(st, C, 1, "entC", &err), 0);
	assert_int_equal(listing_consent(st, C, 0, "entC", &err), 0);
	assert_int_equal(listing_consent(st, D, 1, "entD", &err), 0); /* not on the reserve */
	a = listing_reserve(st, sec, &err);
	codes_of(a, got, sizeof got);
	snprintf(want, sizeof want, "%s", A);
	assert_string_equal(got, want);
	json_decref(a);
	json_t *j = listing_firm(st, A, sec, &err);
	assert_non_null(j);
	json_decref(j);
	assert_null(listing_firm(st, C, sec, &err)); /* withdrew */
	assert_int_equal(err.code, CC_ENOTFOUND);
	assert_null(listing_firm(st, D, sec, &err)); /* consent, but not on the reserve */
	assert_null(listing_firm(st, B, sec, &err));
	j = listing_firm(st, B, 0, &err); /* staff */
	assert_non_null(j);
	json_decref(j);
	/* Engagements follow the same rule. */
	assert_int_equal(listing_engage(st, sec, A, "interest", "看好", "inv", &err), 0);
	assert_int_equal(listing_engage(st, sec, A, "interest", "更新", "inv", &err), 0);
	assert_int_equal(listing_engage(st, sec, B, "interest", NULL, "inv", &err), CC_ENOTFOUND);
	assert_int_equal(listing_engage(st, sec, C, "counselling", NULL, "inv", &err),
			 CC_ENOTFOUND);
	assert_int_equal(listing_engage(st, sec, A, "merger", NULL, "inv", &err), CC_EINVAL);
	assert_int_equal(listing_engage(st, 0, A, "interest", NULL, "inv", &err), CC_ENOTFOUND);
	assert_int_equal(cc_store_int(st, "SELECT count(*) FROM listing_engagements", -1), 1);
	assert_int_equal(
		cc_store_int(st, "SELECT count(*) FROM audit WHERE action = 'listing.consent'", -1),
		4);
	assert_int_equal(
		cc_store_int(st, "SELECT count(*) FROM audit WHERE action = 'listing.engage'", -1),
		2);
}

static void test_progress_funnel_stalled(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct listing_move m = {A, "shareholding", "2025-01-10", "star", sec, "ana"};
	assert_int_equal(listing_progress_set(st, &m, &err), 0);
	m.stage = "tutoring";
	m.date = "2025-04-01";
	m.board = NULL;
	m.sponsor = 0;
	assert_int_equal(listing_progress_set(st, &m, &err), 0);
	struct listing_move b = {B, "accepted", "2026-11-20", "gem", 0, "ana"};
	assert_int_equal(listing_progress_set(st, &b, &err), 0);
	struct listing_move bad = {A, "ipo", NULL, NULL, 0, "ana"};
	assert_int_equal(listing_progress_set(st, &bad, &err), CC_EINVAL);
	bad.stage = "tutoring";
	bad.date = "2025-02-30";
	assert_int_equal(listing_progress_set(st, &bad, &err), CC_EINVAL);
	bad.date = NULL;
	bad.board = "nasdaq";
	assert_int_equal(listing_progress_set(st, &bad, &err), CC_EINVAL);
	bad.board = NULL;
	bad.sponsor = 99;
	assert_int_equal(listing_progress_set(st, &bad, &err), CC_ENOTFOUND);
	struct listing_move off = {D, "tutoring", NULL, NULL, 0, "ana"};
	assert_int_equal(listing_progress_set(st, &off, &err), CC_ENOTFOUND);

	json_t *j = listing_firm(st, A, 0, &err);
	assert_string_equal(json_string_value(json_object_get(j, "stage")), "tutoring");
	assert_string_equal(json_string_value(json_object_get(j, "since")), "2025-04-01");
	assert_string_equal(json_string_value(json_object_get(j, "board")), "star"); /* kept */
	assert_int_equal(json_array_size(json_object_get(j, "history")), 2);
	json_decref(j);
	assert_int_equal(
		cc_store_int(st, "SELECT count(*) FROM audit WHERE action = 'listing.stage'", -1),
		3);

	/* The funnel by hand: A tutoring, B accepted, C none; boards star, gem, none; chains
	 * nev (A, B) and ic (B); districts 500112 (A, C) and 500107 (B). */
	json_t *f = listing_funnel(st, &err);
	assert_non_null(f);
	assert_int_equal(json_integer_value(json_object_get(f, "total")), 3);
	json_t *by = json_object_get(f, "by_stage");
	assert_string_equal(json_string_value(json_object_get(json_array_get(by, 0), "stage")),
			    "none");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(by, 0), "count")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(by, 2), "count")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(by, 3), "count")), 1);
	json_t *bd = json_object_get(f, "by_board");
	assert_int_equal(json_integer_value(json_object_get(bd, "star")), 1);
	assert_int_equal(json_integer_value(json_object_get(bd, "none")), 1);
	size_t i;
	json_t *x;
	int nev = 0, ic = 0, d112 = 0;
	json_array_foreach(json_object_get(f, "by_chain"), i, x)
	{
		const char *c = json_string_value(json_object_get(x, "chain"));
		int n = (int)json_integer_value(json_object_get(x, "total"));
		nev += strcmp(c, "nev") == 0 ? n : 0;
		ic += strcmp(c, "ic") == 0 ? n : 0;
	}
	json_array_foreach(json_object_get(f, "by_district"), i,
			   x) if (json_integer_value(json_object_get(x, "region")) == 500112) d112 =
		(int)json_integer_value(json_object_get(x, "total"));
	assert_int_equal(nev, 2);
	assert_int_equal(ic, 1);
	assert_int_equal(d112, 2);
	json_decref(f);

	/* Stalled at 6 months before 2026-12-01: A (tutoring since 2025-04-01), not B. */
	json_t *s = listing_stalled(st, 6, "2026-12-01", 0, "ana", &err);
	assert_non_null(s);
	assert_int_equal(json_array_size(json_object_get(s, "stalled")), 1);
	assert_int_equal(json_integer_value(json_object_get(s, "opened")), 0);
	json_decref(s);
	s = listing_stalled(st, 6, "2026-12-01", 1, "ana", &err);
	assert_int_equal(json_integer_value(json_object_get(s, "opened")), 1);
	json_decref(s);
	s = listing_stalled(st, 6, "2026-12-01", 1, "ana", &err);
	assert_int_equal(json_integer_value(json_object_get(s, "opened")), 0); /* one open case */
	json_decref(s);
	assert_int_equal(cc_store_int(st, "SELECT count(*) FROM cases", -1), 1);
	/* Once that case is resolved, a firm still stalled gets a new one. */
	cc_store_exec(st, "UPDATE cases SET status = 'resolved'", NULL);
	s = listing_stalled(st, 6, "2026-12-01", 1, "ana", &err);
	assert_int_equal(json_integer_value(json_object_get(s, "opened")), 1);
	json_decref(s);
	assert_null(listing_stalled(st, 0, "2026-13-01", 0, "ana", &err));
	/* A listed firm is never stalled. */
	struct listing_move l = {A, "listed", "2025-05-01", NULL, 0, "ana"};
	assert_int_equal(listing_progress_set(st, &l, &err), 0);
	s = listing_stalled(st, 6, "2026-12-01", 0, "ana", &err);
	assert_int_equal(json_array_size(json_object_get(s, "stalled")), 0);
	json_decref(s);
}

/*
 * The funnel over time against a hand count. After test_progress_funnel_stalled the stages
 * kept are A: shareholding 2025-01-10, tutoring 2025-04-01, listed 2025-05-01; B: accepted
 * 2026-11-20; C: none. Added here: C shareholding and tutoring on the same day 2025-02-28 (the
 * later stage counts), and B withdrawn on 2026-11-30, a month-end. Six month-ends to
 * 2025-05-15: Dec 31 (A none), Jan 31 (A shareholding), Feb 28 (C tutoring), Mar 31, Apr 30 (A
 * tutoring), and 2025-05-15 (A listed); B is "none" throughout.
 */
static void test_funnel_history(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct listing_move c1 = {C, "shareholding", "2025-02-28", NULL, 0, "ana"};
	struct listing_move c2 = {C, "tutoring", "2025-02-28", NULL, 0, "ana"};
	struct listing_move b = {B, "withdrawn", "2026-11-30", NULL, 0, "ana"};
	assert_int_equal(listing_progress_set(st, &c1, &err), 0);
	assert_int_equal(listing_progress_set(st, &c2, &err), 0);
	assert_int_equal(listing_progress_set(st, &b, &err), 0);
	json_t *h = listing_funnel_history(st, 6, "2025-05-15", &err);
	assert_non_null(h);
	assert_int_equal(json_integer_value(json_object_get(h, "total")), 3);
	const char *want_dates[] = {"2024-12-31", "2025-01-31", "2025-02-28",
				    "2025-03-31", "2025-04-30", "2025-05-15"};
	json_t *dates = json_object_get(h, "dates");
	assert_int_equal(json_array_size(dates), 6);
	for (int k = 0; k < 6; k++)
		assert_string_equal(json_string_value(json_array_get(dates, (size_t)k)),
				    want_dates[k]);
	assert_string_equal(json_string_value(json_array_get(json_object_get(h, "months"), 0)),
			    "2024-12");
	/* Rows: none, shareholding, tutoring, accepted, inquiry, registered, listed, withdrawn. */
	static const int want[8][6] = {
		{3, 2, 1, 1, 1, 1}, /* none: B always; A until January; C until February */
		{0, 1, 1, 1, 0, 0}, /* shareholding: A from Jan 10 to Apr 1 */
		{0, 0, 1, 1, 2, 1}, /* tutoring: C from Feb 28, A in April */
		{0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0},
		{0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 1}, /* listed: A from May 1 */
		{0, 0, 0, 0, 0, 0}};
	json_t *series = json_object_get(h, "series");
	assert_int_equal(json_array_size(series), 8);
	assert_string_equal(json_string_value(json_object_get(json_array_get(series, 0), "stage")),
			    "none");
	assert_string_equal(json_string_value(json_object_get(json_array_get(series, 7), "stage")),
			    "withdrawn");
	for (int i = 0; i < 8; i++) {
		json_t *c = json_object_get(json_array_get(series, (size_t)i), "counts");
		for (int k = 0; k < 6; k++)
			assert_int_equal(json_integer_value(json_array_get(c, (size_t)k)),
					 want[i][k]);
	}
	json_decref(h);
	/* Up to 2026-11-30: B accepted on Nov 20, withdrawn on the month-end itself. */
	h = listing_funnel_history(st, 2, "2026-11-30", &err);
	assert_non_null(h);
	series = json_object_get(h, "series");
	json_t *acc = json_object_get(json_array_get(series, 3), "counts");
	json_t *wd = json_object_get(json_array_get(series, 7), "counts");
	assert_int_equal(json_integer_value(json_array_get(acc, 0)), 0); /* October 31 */
	assert_int_equal(json_integer_value(json_array_get(acc, 1)), 0);
	assert_int_equal(json_integer_value(json_array_get(wd, 1)), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(h, "dates"), 0)),
			    "2026-10-31");
	json_decref(h);
	/* A leap February, a year boundary; bad arguments. */
	h = listing_funnel_history(st, 14, "2025-01-05", &err);
	assert_string_equal(json_string_value(json_array_get(json_object_get(h, "dates"), 1)),
			    "2024-01-31");
	assert_string_equal(json_string_value(json_array_get(json_object_get(h, "dates"), 2)),
			    "2024-02-29");
	json_decref(h);
	assert_null(listing_funnel_history(st, 121, NULL, &err));
	assert_null(listing_funnel_history(st, 6, "2025-02-30", &err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_consent_visibility),
		cmocka_unit_test(test_progress_funnel_stalled),
		cmocka_unit_test(test_funnel_history),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
