/*
 * The SQLite side of store/dialect.h: time stamps and dates computed in C, PostgreSQL's
 * strpos() and string_agg() registered on every SQLite connection, and the PRAGMAs of a bulk
 * import.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>
#include "base/parse.h"
#include "store/dialect.h"
#include "store/store.h"
#include "store/store_impl.h"

/* Days from 1970-01-01 to Y-M-D (M in 1..12; D may run past the month's end, which then
 * counts on into the next month, as SQLite's dates do). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	return cc_days_from_ymd(y * 10000 + m * 100 + d);
}

/* The Y-M-D of DAYS since 1970-01-01, written as 'YYYY-MM-DD' into OUT. */
static void civil_from_days(int64_t z, char out[11])
{
	int64_t ymd = cc_ymd_from_days(z);
	int64_t md = (ymd % 10000 + 10000) % 10000, y = (ymd - md) / 10000;
	/* The year's last four digits (cc_format_date writes 0000-00-00 past 9999). */
	cc_format_date((int)((y < 0 ? 0 : y % 10000) * 10000 + md), out);
}

void cc_stamp_at(int64_t t, char out[CC_STAMP_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm)) {
		snprintf(out, CC_STAMP_LEN, "1970-01-01T00:00:00Z");
		return;
	}
	strftime(out, CC_STAMP_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Seconds since the epoch by the clock SQLite's 'now' reads (CLOCK_REALTIME). time() reads
 * the coarse clock, which lags it by up to a tick: a stamp taken by it just after a statement
 * stamped by SQLite could fall in the second before (a manual edit then looked older than the
 * import before it: test_report's provenance, once). */
static int64_t now_seconds(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (int64_t)time(NULL);
	return (int64_t)ts.tv_sec;
}

void cc_stamp_now(char out[CC_STAMP_LEN])
{
	cc_stamp_at(now_seconds(), out);
}

int cc_stmt_bind_now(struct cc_stmt *s, int idx)
{
	char now[CC_STAMP_LEN];
	cc_stamp_now(now);
	return cc_stmt_bind_text(s, idx, now, strlen(now));
}

void cc_date_today_plus(int days, char out[11])
{
	int64_t t = now_seconds();
	int64_t day = t / 86400 - (t % 86400 < 0);
	civil_from_days(day + days, out);
}

void cc_date_today(char out[11])
{
	cc_date_today_plus(0, out);
}

/* Reads N digits at S into *V; 0 or -1 when one is not a digit. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* The date at the start of S into Y, M, D: 0 or -1 when S does not start with one. */
static int parse_date(const char *s, int *y, int *m, int *d)
{
	if (!s || digits(s, 4, y) || s[4] != '-' || digits(s + 5, 2, m) || s[7] != '-' ||
	    digits(s + 8, 2, d) || *m < 1 || *m > 12 || *d < 1 || *d > 31)
		return -1;
	return 0;
}

int cc_date_add_months(const char *d, int months, char out[11])
{
	int y, m, day;
	if (parse_date(d, &y, &m, &day))
		return CC_EINVAL;
	int64_t mm = (int64_t)y * 12 + (m - 1) + months;
	int64_t ny = mm >= 0 ? mm / 12 : (mm - 11) / 12;
	int nm = (int)(mm - ny * 12) + 1;
	civil_from_days(days_from_civil(ny, nm, 1) + day - 1, out);
	return 0;
}

int cc_stamp_seconds(const char *s, int64_t *out)
{
	int y, m, d, hh = 0, mi = 0, ss = 0;
	if (parse_date(s, &y, &m, &d))
		return CC_EINVAL;
	if ((s[10] == 'T' || s[10] == ' ') &&
	    (digits(s + 11, 2, &hh) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	     digits(s + 17, 2, &ss)))
		return CC_EINVAL;
	*out = days_from_civil(y, m, d) * 86400 + hh * 3600 + mi * 60 + ss;
	return 0;
}

double cc_stamp_days_between(const char *a, const char *b)
{
	/* SQLite keeps a Julian day as its milliseconds (iJD); julianday() is iJD / 86400000.0.
	 * 1970-01-01T00:00:00Z is Julian day 2440587.5. */
	const int64_t epoch_ms = INT64_C(210866760000000);
	int64_t sa, sb;
	if (cc_stamp_seconds(a, &sa) || cc_stamp_seconds(b, &sb))
		return NAN;
	int64_t ja = sa * 1000 + epoch_ms, jb = sb * 1000 + epoch_ms;
	return (double)jb / 86400000.0 - (double)ja / 86400000.0;
}

double cc_round_sql(double x, int digits_)
{
	/* SQLite's round(): printf's %.*f (its own printf, which rounds half away from zero
	 * after a small correction) read back; with no digits, a cast. */
	if (digits_ < 0)
		digits_ = 0;
	if (digits_ > 30)
		digits_ = 30;
	if (isnan(x) || x < -4503599627370496.0 || x > 4503599627370496.0)
		return x;
	if (digits_ == 0)
		return (double)(int64_t)(x + (x < 0 ? -0.5 : 0.5));
	char *z = sqlite3_mprintf("%.*f", digits_, x);
	if (!z)
		return x;
	double r = strtod(z, NULL);
	sqlite3_free(z);
	return r;
}

/* ---- strpos and string_agg on SQLite ---- */

/* strpos(s, sub): SQLite's instr() for text, counted in characters. */
static void sql_strpos(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return; /* NULL */
	const unsigned char *h = sqlite3_value_text(argv[0]);
	int nh = sqlite3_value_bytes(argv[0]);
	const unsigned char *n = sqlite3_value_text(argv[1]);
	int nn = sqlite3_value_bytes(argv[1]);
	if (!h || !n) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_int64 pos = 1;
	while (nn <= nh && (nn > 0 && (h[0] != n[0] || memcmp(h, n, (size_t)nn) != 0))) {
		pos++;
		do {
			nh--;
			h++;
		} while (nh > 0 && (h[0] & 0xc0) == 0x80);
	}
	sqlite3_result_int64(ctx, nn > nh ? 0 : pos);
}

struct agg {
	char *p;
	size_t len, cap;
	int any; /* a non-NULL value was seen */
	int oom;
};

static void agg_put(struct agg *a, const void *s, size_t n)
{
	if (a->oom || n == 0)
		return;
	if (a->len + n + 1 > a->cap) {
		size_t cap = a->cap ? a->cap : 64;
		while (cap < a->len + n + 1)
			cap *= 2;
		char *p = sqlite3_realloc64(a->p, cap);
		if (!p) {
			a->oom = 1;
			return;
		}
		a->p = p;
		a->cap = cap;
	}
	memcpy(a->p + a->len, s, n);
	a->len += n;
}

static void sql_string_agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	struct agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
	if (!a) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (a->any && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
		const unsigned char *sep = sqlite3_value_text(argv[1]);
		agg_put(a, sep, (size_t)sqlite3_value_bytes(argv[1]));
	}
	const unsigned char *v = sqlite3_value_text(argv[0]);
	agg_put(a, v, (size_t)sqlite3_value_bytes(argv[0]));
	a->any = 1;
}

static void sql_string_agg_final(sqlite3_context *ctx)
{
	struct agg *a = sqlite3_aggregate_context(ctx, 0);
	if (!a || !a->any) {
		sqlite3_result_null(ctx);
		return;
	}
	if (a->oom) {
		sqlite3_free(a->p);
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (!a->p) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	sqlite3_result_text64(ctx, a->p, a->len, sqlite3_free, SQLITE_UTF8);
}

int cc_dialect_sqlite_register(struct sqlite3 *db)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	if (sqlite3_create_function(db, "strpos", 2, flags, NULL, sql_strpos, NULL, NULL) !=
		    SQLITE_OK ||
	    sqlite3_create_function(db, "string_agg", 2, flags, NULL, NULL, sql_string_agg_step,
				    sql_string_agg_final) != SQLITE_OK)
		return CC_EDB;
	return 0;
}

/* ---- connection modes ---- */

int cc_store_journal_bulk(struct cc_store *st)
{
	if (st->pg) /* PostgreSQL: no such switch (and a failed statement would abort) */
		return 0;
	/* Only succeeds when no other connection has the database open. */
	return cc_store_int(st,
			    "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'",
			    0) == 1 &&
	       cc_store_exec(st, "PRAGMA journal_mode=DELETE", NULL) == 0 &&
	       cc_store_int(st,
			    "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = "
			    "'delete'",
			    0) == 1;
}

void cc_store_journal_normal(struct cc_store *st)
{
	if (st->pg)
		return;
	cc_store_exec(st, "PRAGMA journal_mode=WAL", NULL);
}

void cc_store_foreign_keys(struct cc_store *st, int on)
{
	if (st->pg) /* PostgreSQL: the checks stay on (per-session switches need a superuser) */
		return;
	cc_store_exec(st, on ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF", NULL);
}

/* ---- what a failed or a single statement costs ---- */

int cc_store_failure_keeps_tx(const struct cc_store *st)
{
	return !st->pg;
}

int cc_store_round_trips(const struct cc_store *st)
{
	return st->pg != NULL;
}
