/*
 * The store: the record of everything (SQLite in WAL mode by default). Every other module
 * reaches the database through this interface: no sqlite3 type appears here, and src/store
 * is the only place that includes sqlite3.h.
 *
 * The SQL the other modules pass through it is the portable subset that SQLite 3.40 and
 * PostgreSQL 15 both accept with the same results (issue 18; tests/unit/test_sql_portable.c
 * scans every literal of src/ outside src/store for what falls outside it):
 *   - parameters as ?N (a backend without them renumbers to its own form);
 *   - INSERT ... ON CONFLICT DO NOTHING / ON CONFLICT(key) DO UPDATE SET x = excluded.x (a
 *     SELECT feeding an upsert has a WHERE clause, which SQLite's parser needs), RETURNING;
 *   - IS [NOT] DISTINCT FROM between values, IS [NOT] NULL only for NULL tests;
 *   - conditions are comparisons (1 = 1, not WHERE 1), a comparison used as a number is a
 *     CASE WHEN ... THEN 1 ELSE 0 END (sums, selected flags), a subquery in FROM has an alias,
 *     every selected column is grouped or aggregated, BIGINT for casts of 64-bit values;
 *   - order: NULLs never decide an order (NULLS FIRST / LAST, or an IS NULL key, where a
 *     column may be NULL); text compares bytewise (a PostgreSQL database must use the C
 *     collation for ORDER BY and comparisons of text to agree);
 *   - functions of both: coalesce, nullif, substr, lower, upper, trim, length, abs, round (of
 *     REAL only through cc_round_sql), count/sum/avg/min/max as aggregates, row_number() and
 *     other window functions, plus strpos(s, sub) and string_agg(x, sep) (an aggregate over an
 *     ordered subquery when order matters) which store/dialect.c registers on SQLite, and
 *     region_within(code, scope) = 1, which the store defines on every connection;
 *   - time stamps, today and date arithmetic are computed in C and bound (store/dialect.h:
 *     cc_stamp_now, cc_date_today, cc_date_add_months, cc_stamp_days_between);
 *   - full-text search goes through store/fulltext.h (FTS5 MATCH, bm25, rank and the index's
 *     rowid stay in src/store), connection modes through store/dialect.h (the import's
 *     journal and foreign-key switches), the schema version through cc_store_schema_version.
 * One exception remains outside: frame/frame.c scans supply_edges in rowid ranges (on
 * PostgreSQL schema_pg.c gives that table a rowid column). Rows come in the order an ORDER BY
 * gives, never the scan's: where the order reaches the output (ids assigned by an INSERT ...
 * SELECT, sums of doubles, first appearances), the statement says it.
 * Inside src/store the schema (schema.c: FTS5 tables, WITHOUT ROWID, triggers) and the change
 * log's reads of `sqlite_sequence` (store.c) are SQLite's as well.
 *
 * Threads: one struct cc_store per thread (the server keeps one per worker).
 */
#ifndef CC_STORE_STORE_H
#define CC_STORE_STORE_H
#include <stddef.h>
#include <stdint.h>
#include "base/error.h"

struct cc_store;
struct cc_stmt;

enum cc_store_flags_t {
	CC_STORE_CREATE = 1,   /* create the file if missing */
	CC_STORE_READONLY = 2, /* open read-only (no migrations) */
};

/*
 * Opens (and with CC_STORE_CREATE creates) the database at PATH (a file: SQLite; a
 * postgresql:// or postgres:// URL: PostgreSQL, store/pg.c, which must exist), applies pending
 * migrations, sets WAL, foreign keys and a busy timeout. Returns 0 and *out (close with
 * cc_store_close), or CC_EDB / CC_ENOTFOUND with the reason in ERR.
 */
int cc_store_open(struct cc_store **out, const char *path, int flags, struct cc_error *err);
void cc_store_close(struct cc_store *st);
const char *cc_store_path(const struct cc_store *st);
/* "sqlite", or "postgresql" for a handle opened from a postgresql:// or postgres:// URL. */
const char *cc_store_backend(const struct cc_store *st);

/* Runs one or more SQL statements without results. Returns 0 or CC_EDB. */
int cc_store_exec(struct cc_store *st, const char *sql, struct cc_error *err);

/* Transactions (BEGIN IMMEDIATE, so writers queue at the start, not mid-way). */
int cc_store_begin(struct cc_store *st, struct cc_error *err);
int cc_store_commit(struct cc_store *st, struct cc_error *err);
/* Rolls back if a transaction is open; never fails loudly. */
void cc_store_rollback(struct cc_store *st);
/* Whether ST's connection is inside a transaction (one begun here or by a plain BEGIN). */
int cc_store_in_tx(struct cc_store *st);

/*
 * The data generation: a counter bumped by every committed write of records the frame reads
 * (call cc_store_bump_generation inside the writing transaction). Readers compare it with the
 * generation their frame was built from.
 */
int cc_store_bump_generation(struct cc_store *st, struct cc_error *err);
/*
 * The same for a write of values no derived index reads (registry fields, indicators): an
 * index that was current (matching's product index, meta 'match_index_generation') stays
 * current, so the next import or server start does not rebuild it for nothing.
 */
int cc_store_bump_generation_values(struct cc_store *st, struct cc_error *err);
int64_t cc_store_generation(struct cc_store *st);

/* Schema version applied (PRAGMA user_version). */
int cc_store_schema_version(struct cc_store *st);

/*
 * Runs PRAGMA integrity_check and foreign_key_check plus the domain checks of store/check.c;
 * calls REPORT for each problem found. Returns the number of problems (0 = clean) or a
 * negative CC_E*.
 */
int cc_store_check(struct cc_store *st, void (*report)(void *ctx, const char *problem), void *ctx,
		   struct cc_error *err);

/* Writes a consistent copy of the database to PATH with SQLite's online backup. */
int cc_store_backup(struct cc_store *st, const char *path, struct cc_error *err);

/* Prepared statements. */
int cc_stmt_prepare(struct cc_store *st, struct cc_stmt **out, const char *sql,
		    struct cc_error *err);
/* Binding: IDX is 1-based. Text is copied. */
int cc_stmt_bind_int64(struct cc_stmt *s, int idx, int64_t v);
int cc_stmt_bind_double(struct cc_stmt *s, int idx, double v);
int cc_stmt_bind_text(struct cc_stmt *s, int idx, const char *v, size_t n);
/* Binds the text at V without copying it: V must stay unchanged until the statement is reset
 * (cc_stmt_reset clears the binding). For the importer's hot loop, where a copy per cell was a
 * malloc and a free per cell. */
int cc_stmt_bind_text_static(struct cc_stmt *s, int idx, const char *v, size_t n);
int cc_stmt_bind_null(struct cc_stmt *s, int idx);
/* Returns 1 when a row is ready, 0 when done, CC_EDB (or CC_EBUSY) with the reason in ERR. */
int cc_stmt_step(struct cc_stmt *s, struct cc_error *err);
int cc_stmt_columns(struct cc_stmt *s);
const char *cc_stmt_column_name(struct cc_stmt *s, int col);
int cc_stmt_is_null(struct cc_stmt *s, int col);
/* The kind of value in a column of the current row (for copying values as they are). */
enum cc_value_kind_t { CC_VAL_NULL, CC_VAL_INT, CC_VAL_REAL, CC_VAL_TEXT };
int cc_stmt_kind(struct cc_stmt *s, int col);
int64_t cc_stmt_int64(struct cc_stmt *s, int col);
double cc_stmt_double(struct cc_stmt *s, int col);
/* The column as a double, NaN when NULL: one call into SQLite for a value other than 0 (the
 * type is asked only of a 0, which is what NULL reads as) — for loops over millions of rows. */
double cc_stmt_double_nan(struct cc_stmt *s, int col);
/* Text of a column (valid until the next step or reset); "" for NULL. */
const char *cc_stmt_text(struct cc_stmt *s, int col);
size_t cc_stmt_bytes(struct cc_stmt *s, int col);
/* Resets for a new execution and clears bindings. */
void cc_stmt_reset(struct cc_stmt *s);
void cc_stmt_free(struct cc_stmt *s);

/*
 * A prepared statement kept by ST for reuse, keyed by the address of SQL (pass a static
 * string). Returned reset and unbound; do not free it (the store does, at close). Returns
 * NULL with the reason in ERR when SQL does not prepare. For hot paths (one per request).
 */
struct cc_stmt *cc_stmt_cached(struct cc_store *st, const char *sql, struct cc_error *err);

/* Convenience: the single integer result of SQL, or DEF when there is no row. */
int64_t cc_store_int(struct cc_store *st, const char *sql, int64_t def);

/*
 * Appends a row to the audit log (append-only by trigger): ACTOR ("cli" when NULL or empty),
 * ACTION ("case.open"), TARGET, and BEFORE / AFTER (JSON text, NULL for none). Runs inside the
 * caller's transaction when one is open. Returns 0 or CC_EDB.
 */
int cc_store_audit(struct cc_store *st, const char *actor, const char *action, const char *target,
		   const char *before, const char *after, struct cc_error *err);

/* Rows changed by the last statement. */
int64_t cc_store_changes(struct cc_store *st);
/* SQLite: rows written on the connection since it opened, by triggers too (an INSERT into a
 * view that an INSTEAD OF trigger writes counts no row in cc_store_changes); PostgreSQL: -1,
 * not kept (there such a trigger makes the statement's count itself). */
int64_t cc_store_total_changes(struct cc_store *st);
/* Whether ST's last failed call (since its last successful cc_store_begin) failed because the
 * database was locked past the busy timeout (10 s, or CC_BUSY_TIMEOUT_MS from the
 * environment). */
int cc_store_busy(struct cc_store *st);
/* Forgets that (a new request on a long-lived handle: a server thread's). ST may be NULL. */
void cc_store_busy_forget(struct cc_store *st);

/* The change log (migration 12; frame/frame.h follows it). */
enum cc_change_kind_t {
	CC_CH_ENT_ADD = 1,  /* an enterprise added (or its code or id changed) */
	CC_CH_ENT_EDIT = 2, /* an enterprise's registry fields */
	CC_CH_ENT_DEL = 3,  /* an enterprise deleted */
	CC_CH_IND = 4,	    /* an indicator row: entity = enterprise id, period */
	CC_CH_MEMBER = 5,   /* chain membership of enterprise entity */
	CC_CH_EDGE = 6,	    /* supply edges bought by enterprise entity */
	CC_CH_ALL = 9,	    /* everything may have changed (a bulk import) */
};
struct cc_change {
	int64_t seq, entity;
	int32_t kind, period;
};
/* The newest change's sequence number (0 when nothing was ever logged). */
int64_t cc_store_log_seq(struct cc_store *st);
/*
 * A second, read-only connection to ST's database inside a read transaction on the same
 * snapshot as ST's open read transaction (ST's change-log position SEQ: every write to a
 * logged table moves it, so equal positions mean equal tables), for a second thread reading
 * the same data. NULL when none can be had (an in-memory database, a write in between, or
 * CC_FRAME_SERIAL set): the caller reads on one connection. Close it with cc_store_close (which
 * ends its transaction).
 */
struct cc_store *cc_store_same_snapshot(struct cc_store *st, int64_t seq);
/*
 * Reads the changes after SEQ (at most MAX of them) into *OUT (malloc'd; the caller frees it)
 * and their count into *N. Returns 0, 1 when there are more than MAX or when rows after SEQ
 * were already pruned (the reader must rebuild; *OUT is then NULL), or a negative CC_E*.
 */
int cc_store_changes_since(struct cc_store *st, int64_t seq, int max, struct cc_change **out,
			   int *n, struct cc_error *err);
/*
 * Inside a write transaction: turns row logging off for the rest of it (ON = 1; a bulk import)
 * and logs one CC_CH_ALL row, or turns it on again (ON = 0; call before committing). The
 * switch is a meta row written in the transaction, so no other connection ever sees it.
 */
int cc_store_log_bulk(struct cc_store *st, int on, struct cc_error *err);
/*
 * Records that reader NAME has applied every change up to SEQ and deletes the rows that every
 * reader seen in the last hour has applied. Returns 0 or a negative CC_E*.
 */
int cc_store_log_prune(struct cc_store *st, const char *name, int64_t seq, struct cc_error *err);
/*
 * Asks to be told, on ST's connection, of every change logged from now on by any process
 * (PostgreSQL: LISTEN cc_changes, which the change log's trigger notifies at commit, migration
 * 30; the LISTEN is sent again when the connection is made again). Returns 0, or CC_EINVAL
 * where the backend cannot tell: SQLite (its readers poll the log) and a PostgreSQL standby
 * (notifications are not replicated).
 */
int cc_store_log_listen(struct cc_store *st, struct cc_error *err);
/*
 * After cc_store_log_listen: waits until a change is logged, descriptor FD (when >= 0)
 * becomes readable (the caller's own wake-up; not read here), or TIMEOUT_MS pass. Returns 1
 * when told of a change (notifications received meanwhile count), 0 otherwise, or CC_EIO when
 * the connection is lost: the caller polls meanwhile, and the next statement on ST connects
 * again (and listens again). Call outside a transaction.
 */
int cc_store_log_wait(struct cc_store *st, int fd, int timeout_ms);
int64_t cc_store_last_id(struct cc_store *st);

/*
 * Bulk load (issue 18, item 3): many rows a module has validated, written through one
 * statement, in the caller's write transaction. The module describes the row statement once;
 * the backend chooses how to run it:
 *   - SQLite: the statement is prepared and stepped per row (after PLAIN, when given: a
 *     plain INSERT tried first, the upsert only when it fails on a constraint), and CHANGED
 *     is stepped for each row the statement inserted or changed: what the importer did before.
 *   - PostgreSQL: rows are copied (COPY ... FROM STDIN in binary format, each value
 *     converted to its column's type; in pieces, so other statements may run between rows)
 *     into a temporary staging table whose columns have the types of the target columns they
 *     feed; cc_store_bulk_end then runs UPSERT as
 *     one INSERT ... SELECT from the staging table (its ON CONFLICT ... DO UPDATE ... WHERE
 *     clause as written), with CHANGED as an INSERT ... SELECT over the rows it returned, in
 *     the same statement. Rows repeating a key of the conflict clause are applied in turns
 *     (the first occurrence of every key, then the second ...), so the outcome is that of
 *     the per-row statements in file order. Rows reach the table in the order they were
 *     given; with ROWID_IDS the table's `id` (absent from the statement) is numbered as
 *     SQLite numbers rowids (the largest + 1, in order, for rows inserted). A big first load
 *     into empty tables drops their keys and adds them again, and may copy the rows straight
 *     into UPSERT's table (the direct load: store/bulk.c says when).
 * UPSERT must read `INSERT INTO table(columns) VALUES(expressions)` followed by nothing or an
 * ON CONFLICT clause with no parameters; the expressions use ?N (1..n, each value of a row).
 * CHANGED has the same form (its own target; it may use any of the ?N). TYPES has one letter
 * per value: 'i' integer, 'd' double, 't' text (the staging column's type when the value is
 * not a bare column value of UPSERT).
 */
struct cc_bulk;
struct cc_bulk_spec {
	const char *upsert; /* the row statement (above) */
	const char *plain; /* NULL, or UPSERT without its conflict clause (SQLite tries it first) */
	const char *changed; /* NULL, or a statement per row UPSERT inserted or changed */
	const char *types;   /* one letter per value */
	int rowid_ids;	     /* the target's id is numbered as SQLite's rowid */
	/* NULL, or told of each row a constraint refused at cc_store_bulk_end (PostgreSQL), which
	 * then leaves that row out and writes the rest, as SQLite refuses a row at its
	 * cc_store_bulk_row: ROW is its number among the rows cc_store_bulk_row returned 0 for
	 * (the first is 1), MSG the database's words. Without it such a row fails the load. */
	void (*refused)(void *ctx, int64_t row, const char *msg);
	void *ctx;
	int no_direct; /* PostgreSQL: no direct load (cc_store_bulk_retry) */
};
/* One value of a row: TYPE (enum cc_value_kind_t: CC_VAL_NULL, _INT, _REAL, _TEXT), and I, D
 * or S (N bytes, not NUL-terminated; borrowed until the call returns) by type. */
struct cc_val {
	int type;
	int64_t i;
	double d;
	const char *s;
	size_t n;
};
/*
 * Starts a bulk load on ST inside its open write transaction (the statements are checked,
 * the staging table made): *OUT is freed by cc_store_bulk_free. Returns 0, CC_EINVAL for a
 * statement not of the form above, or another negative CC_E* (ERR set).
 */
int cc_store_bulk_begin(struct cc_store *st, const struct cc_bulk_spec *spec, struct cc_bulk **out,
			struct cc_error *err);
/*
 * Adds one row of N values (N = strlen(TYPES); values past a statement's parameters are not
 * bound to it). Returns 0; CC_EINVAL when the row is refused and not written, the load going on
 * (SQLite: a constraint refused it; PostgreSQL: a value its column's type cannot hold, while
 * constraints are met in cc_store_bulk_end, which tells SPEC's refused of the rows they
 * refuse); or another negative CC_E*, after which the transaction must be rolled back.
 */
int cc_store_bulk_row(struct cc_bulk *b, const struct cc_val *v, int n, struct cc_error *err);
/* Writes what is still pending (PostgreSQL: the merge; rows a constraint refuses are told to
 * SPEC's refused and left out, or fail the load without it, and always on the direct load's
 * path, whose rows are not kept: cc_store_bulk_retry). *CHANGED (may be NULL) gets the number of
 * rows UPSERT inserted or changed over the whole load. Returns 0 or a negative CC_E*. */
int cc_store_bulk_end(struct cc_bulk *b, int64_t *changed, struct cc_error *err);
/* Frees B (NULL is fine); without cc_store_bulk_end the rows not yet written are dropped. */
void cc_store_bulk_free(struct cc_bulk *b);
/* How PostgreSQL's rows were written (bulk.c), for tests and diagnostics: 1 by the first-load
 * path at the end (keys dropped and added again), 2 by the direct load (keys dropped, rows
 * copied straight into the table), else 0. */
int cc_store_bulk_first_load(const struct cc_bulk *b);
/* 1 when the load failed because a constraint refused a row the direct load had copied
 * straight into its table (a CHECK or NOT NULL met by the COPY, a foreign key's value missing
 * when the keys were added again): those rows are not kept, so the caller rolls back and, to
 * have such rows rejected alone, loads the rows again with spec.no_direct. */
int cc_store_bulk_retry(const struct cc_bulk *b);

/*
 * Copies every table of the schema from FROM to TO (either backend; both at this program's
 * schema version, TO without enterprises or accounts), in one transaction on TO: the rows
 * as they are (ids kept), tables in the order of their foreign keys. Not copied: the change
 * log (TO starts its own, with one "everything changed" row) and the full-text indexes (kept
 * by TO's triggers, or rebuilt: the products' index on the next start). PROGRESS (may be
 * NULL) is called after each table with its row count. Returns 0 or a negative CC_E*.
 */
int cc_store_copy(struct cc_store *from, struct cc_store *to,
		  void (*progress)(void *ctx, const char *table, int64_t rows), void *ctx,
		  struct cc_error *err);
/*
 * Cuts TEXT (N bytes) into tokens with SQLite FTS5's own trigram tokenizer (default options: case
 * folded, as the postings' indexes are made) and calls TOKEN(CTX, TOK, LEN, START, END) for each
 * (TOK: the folded UTF-8 bytes, not NUL-terminated; START/END: byte offsets in TEXT). Lets a
 * module reproduce the indexes' folding exactly (match/textidx.c). Returns 0 or CC_EDB.
 */
int cc_store_trigram_tokenize(struct cc_store *st, const char *text, size_t n,
			      void (*token)(void *ctx, const char *tok, int len, int start,
					    int end),
			      void *ctx, struct cc_error *err);

#endif
