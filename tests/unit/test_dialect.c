/*
 * Unit tests of store/dialect.c against the SQLite it replaces: every value computed in C for
 * the portable SQL (stamps, today, month arithmetic, julianday differences, round) is compared
 * with what SQLite's own date functions and round() give, and the strpos() and string_agg()
 * registered on every connection with instr() and group_concat() — the same results, to the
 * bit for the doubles, so the statements rewritten with them answer as before.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/dialect.h"
#include "store/store.h"

static char dir[] = "/tmp/cc-dialect-XXXXXX";
static struct cc_store *st;

/* The text of the one-row, one-column SQL with text parameters A and B (NULL: SQL NULL). */
static void sql_text(const char *sql, const char *a, const char *b, char *out, size_t n,
		     int *is_null)
{
	struct cc_error err = {0};
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(st, &s, sql, &err))
		print_error("%s: %s\n", sql, err.msg);
	assert_non_null(s);
	if (a)
		cc_stmt_bind_text(s, 1, a, strlen(a));
	if (b)
		cc_stmt_bind_text(s, 2, b, strlen(b));
	assert_int_equal(cc_stmt_step(s, &err), 1);
	*is_null = cc_stmt_is_null(s, 0);
	snprintf(out, n, "%s", cc_stmt_text(s, 0));
	cc_stmt_free(s);
}

static double sql_double(const char *sql, const char *a, const char *b, double x)
{
	struct cc_error err = {0};
	struct cc_stmt *s = NULL;
	assert_int_equal(cc_stmt_prepare(st, &s, sql, &err), 0);
	cc_stmt_bind_text(s, 1, a, strlen(a));
	if (b)
		cc_stmt_bind_text(s, 2, b, strlen(b));
	else
		cc_stmt_bind_double(s, 2, x);
	assert_int_equal(cc_stmt_step(s, &err), 1);
	double v = cc_stmt_double(s, 0);
	cc_stmt_free(s);
	return v;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A random stamp between 1990 and 2040 into OUT. */
static void random_stamp(char out[CC_STAMP_LEN])
{
	cc_stamp_at(631152000 + (int64_t)(next() % 1577836800u), out);
}

static void test_stamps_and_dates(void **state)
{
	(void)state;
	char a[CC_STAMP_LEN], b[CC_STAMP_LEN], sq[64];
	int null;
	/* Now and today, as SQLite writes them (retried across a second's edge). */
	for (int tries = 0; tries < 3; tries++) {
		cc_stamp_now(a);
		sql_text("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", NULL, NULL, sq, sizeof sq,
			 &null);
		if (!strcmp(a, sq))
			break;
	}
	assert_string_equal(a, sq);
	char today[11];
	cc_date_today(today);
	sql_text("SELECT date('now')", NULL, NULL, sq, sizeof sq, &null);
	assert_string_equal(today, sq);
	cc_date_today_plus(-40, today);
	sql_text("SELECT date('now', '-40 days')", NULL, NULL, sq, sizeof sq, &null);
	assert_string_equal(today, sq);
	/* Stamps of given times and their seconds. */
	for (int i = 0; i < 2000; i++) {
		random_stamp(a);
		sql_text("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ?1)", a, NULL, sq, sizeof sq,
			 &null);
		assert_string_equal(a, sq);
		int64_t secs;
		assert_int_equal(cc_stamp_seconds(a, &secs), 0);
		sql_text("SELECT strftime('%s', ?1)", a, NULL, sq, sizeof sq, &null);
		char mine[32];
		snprintf(mine, sizeof mine, "%lld", (long long)secs);
		assert_string_equal(mine, sq);
		/* julianday differences, to the bit. */
		random_stamp(b);
		double c = cc_stamp_days_between(a, b);
		double s = sql_double("SELECT julianday(?2) - julianday(?1)", a, b, 0);
		assert_memory_equal(&c, &s, sizeof c);
		/* Dates only as well. */
		char da[11], db[11];
		memcpy(da, a, 10);
		da[10] = '\0';
		memcpy(db, b, 10);
		db[10] = '\0';
		c = cc_stamp_days_between(da, b);
		s = sql_double("SELECT julianday(?2) - julianday(?1)", da, b, 0);
		assert_memory_equal(&c, &s, sizeof c);
		/* Month arithmetic, month ends included. */
		int months = (int)(next() % 61) - 30;
		char mod[32], out[11];
		snprintf(mod, sizeof mod, "%+d months", months);
		if (i % 3 == 0) { /* the 29th to the 31st, where months overflow */
			db[8] = '2';
			db[9] = '9';
		} else if (i % 3 == 1 && strncmp(db + 5, "02", 2) != 0) {
			db[8] = '3';
			db[9] = (char)('0' + (int)(next() % 2));
		}
		assert_int_equal(cc_date_add_months(db, months, out), 0);
		sql_text("SELECT date(?1, ?2)", db, mod, sq, sizeof sq, &null);
		if (strcmp(out, sq))
			print_error("date('%s', '%s'): %s, C gave %s\n", db, mod, sq, out);
		assert_string_equal(out, sq);
	}
	assert_int_equal(cc_date_add_months("2026-13-01", 1, today), CC_EINVAL);
	assert_int_equal(cc_date_add_months("", 1, today), CC_EINVAL);
	int64_t secs;
	assert_int_equal(cc_stamp_seconds("2026-12-07T1:00:00Z", &secs), CC_EINVAL);
	assert_true(isnan(cc_stamp_days_between("x", "2026-01-01")));
}

static void test_round(void **state)
{
	(void)state;
	for (int i = 0; i < 20000; i++) {
		double x;
		if (i < 2000) /* ties and near-ties of one decimal */
			x = (double)(i - 1000) / 20.0 + (i % 3 ? 0 : 1e-12);
		else
			x = ((double)(next() % 2000000) - 1000000.0) / 997.0;
		int digits = i % 4;
		double c = cc_round_sql(x, digits);
		double s;
		struct cc_error err = {0};
		struct cc_stmt *q = NULL;
		assert_int_equal(cc_stmt_prepare(st, &q, "SELECT round(?1, ?2)", &err), 0);
		cc_stmt_bind_double(q, 1, x);
		cc_stmt_bind_int64(q, 2, digits);
		assert_int_equal(cc_stmt_step(q, &err), 1);
		s = cc_stmt_double(q, 0);
		cc_stmt_free(q);
		if (memcmp(&c, &s, sizeof c))
			print_error("round(%.17g, %d): SQLite %.17g, C %.17g\n", x, digits, s, c);
		assert_memory_equal(&c, &s, sizeof c);
	}
}

static void test_strpos_and_string_agg(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{"abcabc", "ca"},
		{"abc", ""},
		{"", ""},
		{"", "a"},
		{"重庆成都重庆", "成都"},
		{"重庆成都", "都"},
		{"重庆a成都", "a"},
		{"abc", "abcd"},
		{"aaa", "aa"},
		{"x;y;z", ";z"},
		{"重庆", "庆庆"},
		{"a\xe9", "\xe9"},
	};
	char mine[32], theirs[32];
	int n1, n2;
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		sql_text("SELECT strpos(?1, ?2)", pairs[i][0], pairs[i][1], mine, sizeof mine, &n1);
		sql_text("SELECT instr(?1, ?2)", pairs[i][0], pairs[i][1], theirs, sizeof theirs,
			 &n2);
		assert_int_equal(n1, n2);
		assert_string_equal(mine, theirs);
	}
	sql_text("SELECT strpos(NULL, 'a')", NULL, NULL, mine, sizeof mine, &n1);
	assert_true(n1);
	struct cc_error err = {0};
	assert_int_equal(
		cc_store_exec(st,
			      "CREATE TABLE agg(g INTEGER, v TEXT);"
			      "INSERT INTO agg VALUES(1, 'b'), (1, NULL), (1, 'a'), (1, '重庆'),"
			      "(2, NULL), (3, ''), (3, 'x'), (4, 'only');",
			      &err),
		0);
	for (int g = 1; g <= 5; g++) {
		char q1[160], q2[160], a[64], b[64];
		snprintf(q1, sizeof q1,
			 "SELECT string_agg(v, ', ') FROM (SELECT v FROM agg WHERE g = %d ORDER BY "
			 "rowid) t",
			 g);
		snprintf(
			q2, sizeof q2,
			"SELECT group_concat(v, ', ') FROM (SELECT v FROM agg WHERE g = %d ORDER BY "
			"rowid) t",
			g);
		sql_text(q1, NULL, NULL, a, sizeof a, &n1);
		sql_text(q2, NULL, NULL, b, sizeof b, &n2);
		assert_int_equal(n1, n2); /* no values (2, 5): NULL on both */
		assert_string_equal(a, b);
	}
	sql_text("SELECT string_agg(v, ', ') FROM agg WHERE g = 1", NULL, NULL, mine, sizeof mine,
		 &n1);
	assert_string_equal(mine, "b, a, 重庆");
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	char p[128];
	snprintf(p, sizeof p, "%s/d.db", dir);
	struct cc_error err = {0};
	return cc_store_open(&st, p, CC_STORE_CREATE, &err);
}

static int teardown(void **state)
{
	(void)state;
	char p[160];
	cc_store_close(st);
	snprintf(p, sizeof p, "rm -rf '%s'", dir);
	return system(p) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamps_and_dates),
		cmocka_unit_test(test_round),
		cmocka_unit_test(test_strpos_and_string_agg),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
