/*
 * The store's handles as both backends see them (src/store only): store.c implements the
 * interface of store.h on SQLite and hands every call on a PostgreSQL handle (ST->pg set,
 * opened from a postgresql:// or postgres:// URL) to pg.c's cc_pg_* functions. The functions
 * built only on others (the generation, the statement cache, the audit, reading and pruning
 * the change log) are written once, in SQL both engines accept.
 */
#ifndef CC_STORE_STORE_IMPL_H
#define CC_STORE_STORE_IMPL_H
#include <stdint.h>
#include "base/error.h"
#include "store/store.h"

#define STMT_CACHE 64 /* distinct static queries using cc_stmt_cached: about 30 */

struct sqlite3;
struct sqlite3_stmt;
struct cc_pg;
struct cc_pg_stmt;

struct cc_store {
	struct sqlite3 *db; /* SQLite: the connection; NULL on PostgreSQL */
	struct cc_pg *pg;   /* PostgreSQL: the connection (pg.c); NULL on SQLite */
	char *path;	    /* the file, or the URL as given */
	int in_tx;
	int busy; /* the last failure was a lock held past the busy timeout (cc_store_busy) */
	/* The change-log triggers a bulk write dropped in its transaction (cc_store_log_bulk),
	 * their CREATE statements, put back before it commits; NULL otherwise. */
	char *bulk_triggers;
	/* Prepared statements kept for the life of the handle, keyed by their SQL text's
	 * address (static strings of the hot paths: generation, sessions). */
	const char *cached_sql[STMT_CACHE];
	struct cc_stmt *cached[STMT_CACHE];
};

struct cc_stmt {
	struct cc_store *st;
	struct sqlite3_stmt *s; /* SQLite */
	struct cc_pg_stmt *pg;	/* PostgreSQL */
};

/* pg.c: the PostgreSQL backend. Same contracts as the store.h functions of the same names. */
int cc_pg_open(struct cc_store *st, int flags, struct cc_error *err);
void cc_pg_close(struct cc_store *st);
int cc_pg_exec(struct cc_store *st, const char *sql, struct cc_error *err);
int cc_pg_begin(struct cc_store *st, struct cc_error *err);
int cc_pg_commit(struct cc_store *st, struct cc_error *err);
void cc_pg_rollback(struct cc_store *st);
int cc_pg_in_tx(struct cc_store *st);
int cc_pg_schema_version(struct cc_store *st);
int64_t cc_pg_int(struct cc_store *st, const char *sql, int64_t def);
struct cc_store *cc_pg_same_snapshot(struct cc_store *st, int64_t seq);
int cc_pg_log_bulk(struct cc_store *st, int on, struct cc_error *err);
int cc_pg_log_listen(struct cc_store *st, struct cc_error *err);
int cc_pg_log_wait(struct cc_store *st, int fd, int timeout_ms);
int64_t cc_pg_changes(struct cc_store *st);
int64_t cc_pg_last_id(struct cc_store *st);
int cc_pg_prepare(struct cc_stmt *s, const char *sql, struct cc_error *err);
int cc_pg_bind(struct cc_stmt *s, int idx, int type, const char *text, size_t n);
int cc_pg_step(struct cc_stmt *s, struct cc_error *err);
int cc_pg_columns(struct cc_stmt *s);
const char *cc_pg_column_name(struct cc_stmt *s, int col);
int cc_pg_is_null(struct cc_stmt *s, int col);
int cc_pg_kind(struct cc_stmt *s, int col);
int64_t cc_pg_int64(struct cc_stmt *s, int col);
double cc_pg_double(struct cc_stmt *s, int col);
const char *cc_pg_text(struct cc_stmt *s, int col);
size_t cc_pg_bytes(struct cc_stmt *s, int col);
void cc_pg_reset(struct cc_stmt *s);
void cc_pg_free(struct cc_stmt *s);
/* bulk.c's PostgreSQL half. cc_pg_copy_put sends N bytes of rows into a COPY (SQL: COPY ...
 * FROM STDIN; BINARY: the rows are in binary format, SQL says FORMAT binary, and the header and
 * trailer are sent here), starting it when none is open, and leaves it open, so that the
 * server stores rows while the caller validates the next ones; cc_pg_copy_end ends it. Any
 * other statement on the connection ends it first, and its failure is returned by the next
 * put or end. cc_pg_bulk_exec runs one statement returning one integer into *OUT, 1 when it
 * failed because an ON CONFLICT DO UPDATE met a key twice (SQLSTATE 21000; the transaction
 * then needs a rollback to a savepoint). All return 0 or a negative CC_E*. */
int cc_pg_copy_put(struct cc_store *st, const char *sql, int binary, const char *data, size_t n,
		   struct cc_error *err);
int cc_pg_copy_end(struct cc_store *st, struct cc_error *err);
/* 1 when the last statement or COPY that failed, failed because a constraint refused a row
 * (SQLSTATE 23): cc_store_exec reports it as CC_EDB, as SQLite's exec does. */
int cc_pg_refused(const struct cc_store *st);
int cc_pg_bulk_exec(struct cc_store *st, const char *sql, int64_t *out, struct cc_error *err);
/* cc_pg_bind's TYPE: what the value was bound as (the parameter's type when prepared). */
enum { CC_PG_NULL, CC_PG_INT, CC_PG_DOUBLE, CC_PG_TEXT };

#endif
