/*
 * Pieces of the PostgreSQL backend (pg.c) that are worth testing on their own.
 */
#ifndef CC_STORE_PG_H
#define CC_STORE_PG_H
#include "base/buf.h"
#include "base/error.h"

/* Whether PATH names a PostgreSQL database (a postgresql:// or postgres:// URL) rather than
 * an SQLite file. */
int cc_pg_is_url(const char *path);

/* PATH as messages show it (OUT, N bytes): a PostgreSQL URL with its password masked
 * (postgresql://user:***@host, password=***); an SQLite path as it is. */
void cc_pg_shown(const char *path, char *out, size_t n);

/*
 * Rewrites SQLite's parameters in SQL (`?`, numbered `?NNN`) as PostgreSQL's `$N` into OUT,
 * leaving quoted strings ('…'), quoted identifiers ("…"), dollar-quoted bodies ($$…$$) and
 * comments (-- …, / * … * /) untouched. A bare `?` takes the number after the largest so far,
 * as in SQLite. *NPARAMS gets the largest number used. Returns 0, CC_ENOMEM, or CC_EPARSE for
 * a number out of range (0 or over 32767).
 */
int cc_pg_placeholders(const char *sql, struct cc_buf *out, int *nparams);

/*
 * The PostgreSQL text of migration N (1..cc_schema_count()) into OUT: the SQLite migration's
 * statements with SQLite-only ones left out (FTS5 tables and their rows, triggers, some
 * views), types and defaults rewritten (INTEGER -> BIGINT, REAL -> DOUBLE PRECISION,
 * `id INTEGER PRIMARY KEY` -> an identity column, WITHOUT ROWID dropped, strftime(…,'now')
 * defaults -> to_char(now() …)), then the migration's PostgreSQL-only piece (schema_pg.c:
 * triggers as PL/pgSQL functions, pg_trgm indexes in place of FTS5). A few migrations that
 * rebuild a table are PostgreSQL's own text instead. Returns 0, CC_ENOMEM or CC_EINVAL.
 */
int cc_schema_pg(int n, struct cc_buf *out);

#endif
