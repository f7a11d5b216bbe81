/*
 * What the store's SQL engines do differently, behind functions, so that the SQL the other
 * modules pass to store.h is the portable subset (store.h's comment says which) and a second
 * backend (PostgreSQL) implements this header rather than rewriting their statements.
 *
 * Three kinds of things live here:
 *   - values computed in C and bound, instead of the engines' date functions: the time stamp
 *     every table's *_at column holds, today's date, day differences;
 *   - functions the portable SQL may call that one engine lacks: SQLite gets PostgreSQL's
 *     strpos() and string_agg() (cc_dialect_sqlite_register; PostgreSQL has them built in);
 *   - connection modes that are PRAGMAs on SQLite: the bulk-load mode of a big import.
 *
 * Full-text search has its own header (store/fulltext.h).
 */
#ifndef CC_STORE_DIALECT_H
#define CC_STORE_DIALECT_H
#include <stdint.h>
#include "base/error.h"

struct cc_store;
struct cc_stmt;
struct sqlite3;

/* ---- time stamps and dates, computed in C ---- */

/* Bytes of a time stamp with its NUL: "2026-12-07T14:58:03Z". */
#define CC_STAMP_LEN 21

/*
 * Writes the store's time stamp of Unix time T (UTC, ISO 8601 to the second,
 * '%Y-%m-%dT%H:%M:%SZ': what every created_at / updated_at / *_at column holds, and what the
 * schema's defaults write) into OUT. Both backends store it as this text, so that it sorts and
 * compares as text the same way on both.
 */
void cc_stamp_at(int64_t t, char out[CC_STAMP_LEN]);
/* The same for now. */
void cc_stamp_now(char out[CC_STAMP_LEN]);
/* Binds the stamp of now to parameter IDX of S (a statement's `updated_at = ?N`): the value
 * is copied. Returns what cc_stmt_bind_text returns. */
int cc_stmt_bind_now(struct cc_stmt *s, int idx);
/* Today's date in UTC as 'YYYY-MM-DD' (what date('now') gave). */
void cc_date_today(char out[11]);
/* The date DAYS days after (before, when negative) today, in UTC, as 'YYYY-MM-DD'. */
void cc_date_today_plus(int days, char out[11]);
/*
 * The date MONTHS calendar months after (before, when negative) the 'YYYY-MM-DD' date at the
 * start of D, as SQLite's date(D, '+N months') counts them: the month moves and a day past the
 * new month's end rolls over into the next month (2026-03-31 - 1 month = 2026-03-03). Returns
 * 0, or CC_EINVAL when D does not start with a date.
 */
int cc_date_add_months(const char *d, int months, char out[11]);
/*
 * Seconds since 1970-01-01T00:00:00Z of the stamp or date at the start of S ('YYYY-MM-DD',
 * optionally followed by 'T' or ' ' and 'HH:MM:SS'; a trailing 'Z' or anything after is
 * ignored). Returns 0 and *OUT, or CC_EINVAL when S is not one.
 */
int cc_stamp_seconds(const char *s, int64_t *out);
/*
 * The difference B - A in days as SQLite's julianday(B) - julianday(A) gives it (both Julian
 * day numbers as doubles of their milliseconds, then subtracted), for stamps or dates A and B;
 * NaN when either is not one. Bit for bit what the SQL gave, so averages round the same way.
 */
double cc_stamp_days_between(const char *a, const char *b);
/* round(X, DIGITS) as SQLite's round() computes it (printf's rounding, read back). */
double cc_round_sql(double x, int digits);

/* ---- functions the portable SQL calls ---- */

/*
 * Registers on DB (a SQLite connection; store.c calls it on every one it opens) the functions
 * of PostgreSQL 15 that the portable SQL uses and SQLite 3.40 lacks:
 *   strpos(s, sub)       1-based position in characters of the first SUB in S, 0 when absent,
 *                        NULL when either is NULL (SQLite's instr(), PostgreSQL's strpos());
 *   string_agg(x, sep)   aggregate: the non-NULL X joined with SEP in input order, NULL when
 *                        there are none (SQLite's group_concat(x, sep)). For a defined order,
 *                        aggregate over a subquery that has an ORDER BY: both engines keep it.
 *                        There is no DISTINCT form on SQLite (one-argument aggregates only):
 *                        aggregate over a SELECT DISTINCT subquery instead.
 * Returns 0 or CC_EDB. A PostgreSQL backend has both built in and needs nothing.
 */
int cc_dialect_sqlite_register(struct sqlite3 *db);

/* ---- connection modes ---- */

/*
 * Before one big import's write transaction, outside any transaction: with no other
 * connection on the database, switches ST's database to a journal cheaper for one big write
 * (SQLite: the rollback journal instead of WAL). Returns 1 when switched (undo it with
 * cc_store_journal_normal after the transaction), 0 when not (another connection is open, or
 * the backend has no such switch). Never fails loudly.
 */
int cc_store_journal_bulk(struct cc_store *st);
/* Undoes cc_store_journal_bulk (SQLite: back to WAL). */
void cc_store_journal_normal(struct cc_store *st);
/*
 * Turns the foreign-key checks of ST's connection off (ON = 0) or on again (ON = 1), outside
 * a transaction: an importer that checks every reference itself row by row skips the engine's
 * repeat of that work (`check` runs the full check). A backend that cannot switch them per
 * connection leaves them on (the import is then slower, not different).
 */
void cc_store_foreign_keys(struct cc_store *st, int on);

/* ---- what a failed or a single statement costs ---- */

/*
 * 1 when a statement that fails on ST (a constraint refusing a row) leaves its transaction
 * usable, so that a writer may try a cheap plain INSERT and upsert the row only when it
 * fails (SQLite); 0 when the failure aborts the transaction (PostgreSQL: only a savepoint
 * would save it, and the upsert costs no more than the INSERT there).
 */
int cc_store_failure_keeps_tx(const struct cc_store *st);
/* 1 when every statement on ST is a round trip to a server (PostgreSQL, ~40 µs), so that a
 * look-up per row is worth replacing by a map read once; 0 in process (SQLite). */
int cc_store_round_trips(const struct cc_store *st);

#endif
