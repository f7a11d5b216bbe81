/*
 * PostgreSQL implementation of the store interface (store.h), through libpq. store.c hands a
 * handle opened from a postgresql:// (or postgres://) URL here; see store_impl.h.
 *
 * How a statement reaches PostgreSQL: cc_stmt_prepare rewrites SQLite's `?` / `?NNN` as `$N`
 * (cc_pg_placeholders) and keeps the text; the first step prepares it server-side under a
 * generated name (PQprepare), with each parameter's type taken from how it was bound (int64
 * -> int8, double -> float8, text and NULL left for the server to infer), then executes it
 * (PQsendQueryPrepared) in single-row mode, so a read of millions of rows streams instead of
 * arriving whole. One connection carries one query at a time: when another statement runs
 * while a read is still streaming (a loop that writes as it reads), the rest of that read is
 * first fetched into memory and stepped from there. Values travel as text: bound values are
 * printed (%.17g for doubles), columns are parsed back (int64, double; 't'/'f' read 1/0), and
 * a NULL reads as 0, "" or NaN (cc_stmt_double_nan) as on SQLite.
 *
 * Transactions. cc_store_begin is BEGIN (read committed) followed by a transaction-scoped
 * advisory lock (WRITER_LOCK): writers queue at the start, one at a time, as SQLite's BEGIN
 * IMMEDIATE makes them. The change log's triggers take the same lock, so that every write to
 * a logged table, in cc_store_begin or not, commits in the order of its sequence numbers (a
 * reader at sequence N has then seen every change up to N). A plain BEGIN (a reader's
 * snapshot) is REPEATABLE READ: the connection's default isolation, so that a read
 * transaction sees one snapshot as on SQLite. Waiting for a lock ends after the busy timeout
 * (lock_timeout = CC_BUSY_TIMEOUT_MS, 10 s); that, a serialization failure or a deadlock is
 * CC_EBUSY (cc_store_busy), the server's 503. A constraint violation is CC_EINVAL from a
 * step (CC_EDB from cc_store_exec), as on SQLite. Unlike SQLite, a failed statement inside a
 * transaction aborts the transaction: only a rollback follows.
 *
 * cc_store_last_id: an INSERT into a table with an `id` column (found in the catalogue at
 * open) is sent with `RETURNING id` appended, and the step reads that row itself (lastval()
 * would give the change log's sequence, which the triggers advance after the insert).
 */
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "base/buf.h"
#include "base/parse.h"
#include "store/pg.h"
#include "store/schema.h"
#include "store/store_impl.h"

/* pg_advisory_xact_lock's key of the writers' lock ('CCWR'); the triggers of schema_pg.c use
 * the same number. */
#define WRITER_LOCK "1128487762"

#define OID_INT8   20
#define OID_FLOAT8 701
#define OID_TEXT   25

struct cc_pg {
	PGconn *c;
	unsigned next_name;	  /* the next prepared statement's number */
	struct cc_stmt *active;	  /* the statement whose rows are streaming, if any */
	int64_t changes, last_id; /* cc_store_changes / cc_store_last_id */
	char *id_tables;	  /* ",t1,t2," tables with an id column (RETURNING id) */
	int readonly;
	char session[256]; /* the session's settings, sent again after a reconnection */
	unsigned epoch;	   /* connections made: a prepared statement belongs to one */
	char shown[512];   /* the URL for messages, its password masked */
	/* A COPY cc_pg_copy_put left open: the server takes its rows while the caller makes the
	 * next ones. Ended by cc_pg_copy_end, or before any other statement (detach_active),
	 * which keeps a failure in copy_err for the next cc_pg_copy_put or cc_pg_copy_end. */
	int copying;
	int copy_binary; /* the COPY open is in binary format: its end sends the trailer */
	char copy_err[400];
	int refused;	  /* the last statement or COPY that failed: a constraint refused a row */
	int energy_defer; /* cc.energy_bulk is '1' in this transaction: energy_totals is due */
};

struct cc_pg_stmt {
	char *sql; /* with $N placeholders (and RETURNING id when returning_id) */
	int nparams, returning_id;
	char name[24];
	int prepared;
	unsigned epoch;	      /* the connection it was prepared on (cc_pg->epoch) */
	unsigned char *ptype; /* CC_PG_* per parameter as prepared */
	unsigned char *btype; /* CC_PG_* per parameter as bound */
	unsigned char *typed; /* per parameter: tested by IS [NOT] NULL (text when not a number) */
	char **vals;	      /* bound values (text; NULL for NULL), owned */
	int running;	      /* the execution's results are not all read yet */
	PGresult *row;	      /* the current row (single-row mode), or the pack holding it */
	int rowi;	      /* the row's tuple in ROW (0 unless ROW is the pack) */
	PGresult *desc;	      /* the prepared statement's description (columns before a step) */
	/* Fetched ahead when another statement needed the connection: the rows, packed into one
	 * result (PQsetvalue: a row costs its values and 16 bytes a column, where a single-row
	 * result costs over 2 KB), read from tuple PACKI on; then the results after the rows. */
	PGresult *pack;
	int packi, packn; /* the next row to read, the rows complete */
	PGresult **buf;
	size_t nbuf, ibuf, capbuf;
	int lost; /* results fetched ahead were dropped (out of memory): the read fails */
};

int cc_pg_is_url(const char *path)
{
	return path &&
	       (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

/* ---- placeholders ---- */

int cc_pg_placeholders(const char *sql, struct cc_buf *out, int *nparams)
{
	int maxn = 0;
	const char *p = sql;
	while (*p) {
		const char *start = p;
		if (*p == '\'' || *p == '"') {
			char q = *p++;
			while (*p && !(*p == q && p[1] != q))
				p += (*p == q) ? 2 : 1; /* '' and "" are the quote itself */
			if (*p)
				p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else if (p[0] == '$' && p[1] == '$') {
			const char *e = strstr(p + 2, "$$");
			p = e ? e + 2 : p + strlen(p);
		} else if (*p == '?') {
			p++;
			int n = 0;
			if (*p >= '0' && *p <= '9') {
				long v = 0;
				while (*p >= '0' && *p <= '9') {
					v = v * 10 + (*p - '0');
					if (v > 32767)
						return CC_EPARSE;
					p++;
				}
				if (v == 0)
					return CC_EPARSE;
				n = (int)v;
			} else {
				n = maxn + 1;
			}
			if (n > maxn)
				maxn = n;
			if (cc_buf_printf(out, "$%d", n))
				return CC_ENOMEM;
			continue;
		} else {
			p++;
		}
		if (cc_buf_append(out, start, (size_t)(p - start)))
			return CC_ENOMEM;
	}
	if (cc_buf_putc(out, '\0'))
		return CC_ENOMEM;
	out->len--;
	*nparams = maxn;
	return 0;
}

/* ---- errors ---- */

/* The CC_E* of a failed result R (NULL: the connection's error), remembering a lock
 * (cc_store_busy). */
static int result_rc(struct cc_store *st, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	int rc = CC_EDB;
	if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
		      strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0))
		rc = CC_EBUSY;
	else if (state && strncmp(state, "23", 2) == 0)
		rc = CC_EINVAL;
	st->busy = rc == CC_EBUSY;
	st->pg->refused = rc == CC_EINVAL;
	return rc;
}

static int pg_error(struct cc_store *st, const PGresult *r, struct cc_error *err, const char *what)
{
	int rc = result_rc(st, r);
	/* a constraint's refusal (CC_EINVAL) goes into reject reports: on one line, its message
	 * and detail (the key a foreign key missed, the failing row), without the severity and
	 * the CONTEXT lines */
	const char *msg = r ? PQresultErrorMessage(r) : "";
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (rc == CC_EINVAL && primary) {
		const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
		cc_error_set(err, rc, "%s: %s%s%s", what, primary, detail ? "; " : "",
			     detail ? detail : "");
	} else {
		if (!msg || !*msg)
			msg = PQerrorMessage(st->pg->c);
		size_t n = strlen(msg);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			n--;
		cc_error_set(err, rc, "%s: %.*s", what, (int)n, msg);
	}
	if (err)
		err->internal = 1;
	return rc;
}

/* ---- the connection ---- */

/* Ends the COPY left open (cc_pg_copy_put), keeping its failure in copy_err. */
static void copy_finish(struct cc_pg *pg)
{
	if (!pg->copying)
		return;
	pg->copying = 0;
	pg->refused = 0;
	/* binary format's trailer: a field count of -1 */
	const char *bad = (pg->copy_binary && PQputCopyData(pg->c, "\377\377", 2) != 1) ||
					  PQputCopyEnd(pg->c, NULL) != 1
				  ? PQerrorMessage(pg->c)
				  : NULL;
	PGresult *r;
	while ((r = PQgetResult(pg->c)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && !bad && !pg->copy_err[0]) {
			const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			snprintf(pg->copy_err, sizeof pg->copy_err, "%s", PQresultErrorMessage(r));
			pg->refused = state && strncmp(state, "23", 2) == 0;
		}
		PQclear(r);
	}
	if (bad && !pg->copy_err[0])
		snprintf(pg->copy_err, sizeof pg->copy_err, "%s", bad);
}

/* Reads every result still pending for the streaming statement into its buffer, so that the
 * connection is free for another query; ends a COPY left open. */
static void detach_active(struct cc_pg *pg)
{
	copy_finish(pg);
	struct cc_stmt *s = pg->active;
	if (!s)
		return;
	struct cc_pg_stmt *ps = s->pg;
	PGresult *r;
	while ((r = PQgetResult(pg->c)) != NULL) {
		if (PQresultStatus(r) == PGRES_SINGLE_TUPLE && !ps->lost && ps->nbuf == 0) {
			if (!ps->pack)
				ps->pack = PQcopyResult(r, PG_COPYRES_ATTRS);
			int t = ps->packn, ok = ps->pack != NULL;
			for (int c = 0; ok && c < PQnfields(r); c++)
				ok = PQgetisnull(r, 0, c)
					     ? PQsetvalue(ps->pack, t, c, NULL, -1)
					     : PQsetvalue(ps->pack, t, c, PQgetvalue(r, 0, c),
							  PQgetlength(r, 0, c));
			if (ok) {
				ps->packn++;
				PQclear(r);
				continue;
			}
			ps->lost = 1; /* out of memory: a row half set stays past packn */
		}
		if (!ps->lost && ps->nbuf == ps->capbuf) {
			size_t cap = ps->capbuf ? ps->capbuf * 2 : 64;
			PGresult **b = realloc(ps->buf, cap * sizeof *b);
			if (b) {
				ps->buf = b;
				ps->capbuf = cap;
			} else {
				ps->lost = 1;
			}
		}
		/* Out of memory: this row and every one after it are dropped (none kept past a
		 * gap), and the step after the rows kept fails (cc_pg_step). */
		if (ps->lost)
			PQclear(r);
		else
			ps->buf[ps->nbuf++] = r;
	}
	ps->running = 0;
	pg->active = NULL;
}

/*
 * Connects again when the connection was lost (a server restart, a failover) and no
 * transaction was open on it: the call that found it lost failed, the next ones work. The
 * statements prepared on the old connection are prepared again when next used (epoch).
 */
static void reconnect(struct cc_store *st)
{
	struct cc_pg *pg = st->pg;
	if (PQstatus(pg->c) != CONNECTION_BAD || st->in_tx)
		return;
	pg->active = NULL;
	pg->copying = 0;
	PQreset(pg->c);
	if (PQstatus(pg->c) != CONNECTION_OK)
		return;
	pg->epoch++;
	PQclear(PQexec(pg->c, pg->session));
}

static PGresult *pg_exec_raw(struct cc_store *st, const char *sql)
{
	detach_active(st->pg);
	reconnect(st);
	return PQexec(st->pg->c, sql);
}

static int returns_id(const struct cc_pg *pg, const char *sql);

int cc_pg_exec(struct cc_store *st, const char *sql, struct cc_error *err)
{
	/* One INSERT into a table with an id: its id for cc_store_last_id, as on SQLite. */
	char *returning = NULL;
	if (returns_id(st->pg, sql)) {
		size_t n = strlen(sql);
		returning = malloc(n + 16);
		if (returning) {
			memcpy(returning, sql, n);
			memcpy(returning + n, " RETURNING id", 14);
		}
	}
	PGresult *r = pg_exec_raw(st, returning ? returning : sql);
	if (returning && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) {
		long long id;
		const char *v = PQgetvalue(r, PQntuples(r) - 1, 0);
		if (cc_parse_int64(v, strlen(v), &id) == 0)
			st->pg->last_id = id;
	}
	free(returning);
	ExecStatusType t = PQresultStatus(r);
	int rc = 0;
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && t != PGRES_EMPTY_QUERY) {
		rc = pg_error(st, r, err, "database error");
		if (rc == CC_EINVAL)
			rc = CC_EDB; /* as on SQLite: exec reports constraint failures as database
					errors */
	} else {
		long long n = 0;
		const char *ct = PQcmdTuples(r);
		if (ct && *ct && cc_parse_int64(ct, strlen(ct), &n) == 0)
			st->pg->changes = n;
	}
	PQclear(r);
	return rc;
}

int64_t cc_pg_int(struct cc_store *st, const char *sql, int64_t def)
{
	PGresult *r = pg_exec_raw(st, sql);
	int64_t v = def;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0 &&
	    !PQgetisnull(r, 0, 0)) {
		const char *t = PQgetvalue(r, 0, 0);
		long long n;
		if (cc_parse_int64(t, strlen(t), &n) == 0)
			v = n;
	}
	PQclear(r);
	return v;
}

static int migrate(struct cc_store *st, struct cc_error *err)
{
	/* Current already: no lock (a writer holding it would make every open wait). */
	if (cc_pg_schema_version(st) == cc_schema_count())
		return 0;
	int rc = cc_pg_begin(st, err);
	if (rc)
		return rc;
	rc = cc_pg_exec(st, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)",
			err);
	int have = rc ? 0 : (int)cc_pg_int(st, "SELECT max(version) FROM schema_version", 0);
	int want = cc_schema_count();
	if (rc == 0 && have > want)
		rc = cc_error_set(err, CC_EDB,
				  "database '%s' has schema version %d, newer than this program's "
				  "%d: upgrade chainchief",
				  st->pg->shown, have, want);
	struct cc_buf sql = CC_BUF_INIT(1u << 20);
	for (int v = have + 1; v <= want && rc == 0; v++) {
		cc_buf_reset(&sql);
		if (cc_schema_pg(v, &sql)) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			break;
		}
		rc = cc_pg_exec(st, sql.data, err);
		if (rc) {
			char msg[sizeof err->msg];
			snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
			cc_error_set(err, rc, "database '%s': migration %d failed: %s",
				     st->pg->shown, v, msg);
			break;
		}
		char upd[96];
		snprintf(upd, sizeof upd,
			 "DELETE FROM schema_version; INSERT INTO schema_version VALUES(%d)", v);
		rc = cc_pg_exec(st, upd, err);
	}
	cc_buf_release(&sql);
	if (rc == 0)
		rc = cc_pg_commit(st, err);
	else
		cc_pg_rollback(st);
	return rc;
}

/* Tables with a column `id` (INSERTs into them return it: cc_store_last_id). */
static int load_id_tables(struct cc_store *st)
{
	PGresult *r =
		PQexec(st->pg->c, "SELECT table_name FROM information_schema.columns WHERE "
				  "table_schema = current_schema() AND column_name = 'id' "
				  "AND table_name IN (SELECT table_name FROM "
				  "information_schema.tables WHERE table_type = 'BASE TABLE')");
	struct cc_buf b = CC_BUF_INIT(1u << 20);
	int rc = 0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = CC_EDB;
	rc = rc ? rc : cc_buf_putc(&b, ',');
	for (int i = 0; rc == 0 && i < PQntuples(r); i++)
		rc = cc_buf_printf(&b, "%s,", PQgetvalue(r, i, 0));
	PQclear(r);
	free(st->pg->id_tables);
	st->pg->id_tables = rc == 0 ? cc_buf_detach(&b) : NULL;
	cc_buf_release(&b);
	return rc;
}

void cc_pg_shown(const char *url, char *out, size_t n)
{
	snprintf(out, n, "%s", url);
	if (!cc_pg_is_url(url))
		return;
	char *scheme = strstr(out, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
	char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (at && colon && colon < at && (size_t)(colon + 1 - out) + 3 < n) {
		char rest[512];
		snprintf(rest, sizeof rest, "%s", at);
		snprintf(colon + 1, n - (size_t)(colon + 1 - out), "***%s", rest);
	}
	char *pw = strstr(out, "password=");
	if (pw) {
		char *end = strchr(pw, '&');
		char rest[512];
		snprintf(rest, sizeof rest, "%s", end ? end : "");
		snprintf(pw + 9, n - (size_t)(pw + 9 - out), "***%s", rest);
	}
}

int cc_pg_open(struct cc_store *st, int flags, struct cc_error *err)
{
	st->pg = calloc(1, sizeof *st->pg);
	if (!st->pg)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	cc_pg_shown(st->path, st->pg->shown, sizeof st->pg->shown);
	st->pg->c = PQconnectdb(st->path);
	if (!st->pg->c || PQstatus(st->pg->c) != CONNECTION_OK) {
		const char *m = st->pg->c ? PQerrorMessage(st->pg->c) : "out of memory";
		size_t n = strlen(m);
		while (n && m[n - 1] == '\n')
			n--;
		return cc_error_set(err, CC_EDB, "cannot open database '%s': %.*s", st->pg->shown,
				    (int)n, m);
	}
	st->pg->readonly = (flags & CC_STORE_READONLY) != 0;
	snprintf(st->pg->session, sizeof st->pg->session,
		 "SET client_encoding = 'UTF8'; SET lock_timeout = %lld;"
		 "SET default_transaction_isolation = 'repeatable read';"
		 "SET client_min_messages = warning;%s",
		 cc_env_int("CC_BUSY_TIMEOUT_MS", 10000, 1, 600000),
		 st->pg->readonly ? "SET default_transaction_read_only = on;" : "");
	int rc = cc_pg_exec(st, st->pg->session, err);
	if (rc == 0 && !st->pg->readonly)
		rc = migrate(st, err);
	if (rc == 0 && load_id_tables(st))
		rc = cc_error_set(err, CC_EDB, "cannot open database '%s': %s", st->pg->shown,
				  PQerrorMessage(st->pg->c));
	return rc;
}

void cc_pg_close(struct cc_store *st)
{
	if (!st->pg)
		return;
	if (st->pg->c)
		PQfinish(st->pg->c); /* an open transaction rolls back */
	free(st->pg->id_tables);
	free(st->pg);
	st->pg = NULL;
}

int cc_pg_begin(struct cc_store *st, struct cc_error *err)
{
	int rc = cc_pg_exec(st,
			    "BEGIN ISOLATION LEVEL READ COMMITTED;"
			    "SELECT pg_advisory_xact_lock(" WRITER_LOCK ")",
			    err);
	if (rc) {
		int busy = st->busy;
		cc_pg_rollback(st);
		st->busy = busy;
		return rc;
	}
	st->in_tx = 1;
	st->busy = 0;
	return 0;
}

static int copy_failed(struct cc_pg *pg, struct cc_error *err);

/*
 * The energy totals of a transaction that began with no energy accounts (cc.energy_bulk,
 * cc_pg_log_bulk): energy_total, run by the server once per carrier row (a re-sum of the
 * year and an upsert into indicators, ~35 µs a row: most of an energy file's load), is off
 * in it, and every year's sum is written here in one statement before the bulk ends or the
 * transaction commits. Every account then is one this transaction wrote, so the sums over the
 * whole table are those it changed; an unchanged total is not written.
 */
static int energy_totals(struct cc_store *st, struct cc_error *err)
{
	if (!st->pg->energy_defer)
		return 0;
	st->pg->energy_defer = 0;
	return cc_pg_exec(
		st,
		"INSERT INTO indicators(enterprise_id, period, energy_tce) SELECT "
		"enterprise_id, period, round(sum(tce)::numeric, 6)::float8 FROM "
		"energy_accounts GROUP BY enterprise_id, period ON CONFLICT(enterprise_id, "
		"period) DO UPDATE SET energy_tce = excluded.energy_tce WHERE "
		"indicators.energy_tce IS DISTINCT FROM excluded.energy_tce",
		err);
}

int cc_pg_commit(struct cc_store *st, struct cc_error *err)
{
	int rc = energy_totals(st, err);
	if (rc)
		return rc;
	rc = cc_pg_exec(st, "COMMIT", err);
	/* A COPY the COMMIT ended (no cc_pg_copy_end) that failed: the server ended the
	 * transaction with a rollback, so the commit fails (the caller's rollback sends none). */
	if (rc == 0 && st->pg->copy_err[0])
		rc = copy_failed(st->pg, err);
	if (rc == 0)
		st->in_tx = 0;
	return rc;
}

void cc_pg_rollback(struct cc_store *st)
{
	if (PQtransactionStatus(st->pg->c) != PQTRANS_IDLE) {
		PGresult *r = pg_exec_raw(st, "ROLLBACK");
		PQclear(r);
	}
	/* a failure of a COPY this rollback ended belongs to the transaction it undid */
	st->pg->copy_err[0] = '\0';
	st->pg->energy_defer = 0;
	st->in_tx = 0;
}

int cc_pg_in_tx(struct cc_store *st)
{
	detach_active(st->pg);
	PGTransactionStatusType t = PQtransactionStatus(st->pg->c);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

int cc_pg_schema_version(struct cc_store *st)
{
	if (cc_pg_int(st,
		      "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
		      "AND tablename = 'schema_version'",
		      0) == 0)
		return 0;
	return (int)cc_pg_int(st, "SELECT max(version) FROM schema_version", 0);
}

/* ---- the change log ---- */

struct cc_store *cc_pg_same_snapshot(struct cc_store *st, int64_t seq)
{
	if (getenv("CC_FRAME_SERIAL") || !cc_pg_in_tx(st))
		return NULL;
	PGresult *r = pg_exec_raw(st, "SELECT pg_export_snapshot()");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		PQclear(r);
		return NULL;
	}
	char sql[160];
	snprintf(
		sql, sizeof sql,
		"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '%.64s'",
		PQgetvalue(r, 0, 0));
	PQclear(r);
	struct cc_store *st2 = NULL;
	if (cc_store_open(&st2, st->path, CC_STORE_READONLY, NULL))
		return NULL;
	if (cc_pg_exec(st2, sql, NULL) == 0 && cc_store_log_seq(st2) == seq)
		return st2;
	cc_store_close(st2);
	return NULL;
}

int cc_pg_log_bulk(struct cc_store *st, int on, struct cc_error *err)
{
	/* Settings of this transaction only (SET LOCAL): the triggers' WHEN clauses read them
	 * (schema_pg.c); no other connection sees them, and a commit or rollback ends them. The
	 * energy rule is skipped only when there are no accounts, as on SQLite (store.c). */
	if (!on) { /* the totals while the change log is still off: one "everything" row */
		int rc = energy_totals(st, err);
		return rc ? rc
			  : cc_pg_exec(
				    st,
				    "SET LOCAL cc.log_bulk = '0'; SET LOCAL cc.energy_bulk = '0'",
				    err);
	}
	int rc = cc_pg_exec(st,
			    "INSERT INTO changes(kind, entity) VALUES(9, 0);"
			    "SET LOCAL cc.log_bulk = '1'",
			    err);
	if (rc == 0 &&
	    cc_pg_int(st, "SELECT count(*) FROM (SELECT 1 FROM energy_accounts LIMIT 1) x", 1) ==
		    0) {
		rc = cc_pg_exec(st, "SET LOCAL cc.energy_bulk = '1'", err);
		st->pg->energy_defer = rc == 0;
	}
	return rc;
}

/* The channel the change log's trigger notifies (schema_pg.c, migration 30). */
#define LISTEN_SQL "LISTEN cc_changes;"

int cc_pg_log_listen(struct cc_store *st, struct cc_error *err)
{
	struct cc_pg *pg = st->pg;
	if (strstr(pg->session, LISTEN_SQL))
		return 0;
	size_t n = strlen(pg->session);
	if (n + sizeof LISTEN_SQL > sizeof pg->session)
		return cc_error_set(err, CC_EINVAL, "the session's settings are too long");
	int rc = cc_pg_exec(st, LISTEN_SQL, err);
	if (rc)
		return CC_EINVAL; /* a standby: "cannot execute LISTEN during recovery" */
	/* Sent again (last) with the settings when the connection is made again. */
	memcpy(pg->session + n, LISTEN_SQL, sizeof LISTEN_SQL);
	return 0;
}

/* Frees the notifications libpq has received; returns 1 when there were any. */
static int notifications(PGconn *c)
{
	int any = 0;
	PGnotify *n;
	while ((n = PQnotifies(c)) != NULL) {
		any = 1;
		PQfreemem(n);
	}
	return any;
}

int cc_pg_log_wait(struct cc_store *st, int fd, int timeout_ms)
{
	struct cc_pg *pg = st->pg;
	detach_active(pg);
	if (PQstatus(pg->c) != CONNECTION_OK)
		return CC_EIO;
	/* Received while other statements ran: the change may not be read yet. */
	if (!PQconsumeInput(pg->c))
		return CC_EIO;
	if (notifications(pg->c))
		return 1;
	struct pollfd p[2] = {{.fd = PQsocket(pg->c), .events = POLLIN},
			      {.fd = fd, .events = POLLIN}};
	if (p[0].fd < 0)
		return CC_EIO;
	int n = poll(p, fd >= 0 ? 2 : 1, timeout_ms);
	if (n <= 0 || !(p[0].revents & (POLLIN | POLLERR | POLLHUP)))
		return 0;
	if (!PQconsumeInput(pg->c) || PQstatus(pg->c) != CONNECTION_OK)
		return CC_EIO;
	return notifications(pg->c);
}

int64_t cc_pg_changes(struct cc_store *st)
{
	return st->pg->changes;
}

int64_t cc_pg_last_id(struct cc_store *st)
{
	return st->pg->last_id;
}

/* ---- statements ---- */

/* The table an INSERT writes when SQL is one ("INSERT INTO name" / "INSERT INTO name(...)"),
 * into T (N bytes); 0 when it is not, or already has a RETURNING. */
static int insert_table(const char *sql, char *t, size_t n)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	if (strncasecmp(sql, "INSERT", 6) != 0)
		return 0;
	sql += 6;
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	if (strncasecmp(sql, "INTO", 4) != 0)
		return 0;
	sql += 4;
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	size_t k = 0;
	while (k + 1 < n && (sql[k] == '_' || (sql[k] >= 'a' && sql[k] <= 'z') ||
			     (sql[k] >= 'A' && sql[k] <= 'Z') || (sql[k] >= '0' && sql[k] <= '9')))
		k++;
	if (k == 0 || k + 1 >= n)
		return 0;
	memcpy(t, sql, k);
	t[k] = '\0';
	/* a RETURNING of its own, or several statements: left alone */
	for (const char *p = sql; *p; p++)
		if (strncasecmp(p, "RETURNING", 9) == 0 || *p == ';')
			return 0;
	return 1;
}

/* Whether SQL is one INSERT into a table with an id column (load_id_tables): sent with
 * RETURNING id, for cc_store_last_id. */
static int returns_id(const struct cc_pg *pg, const char *sql)
{
	char table[80], key[84];
	if (!pg->id_tables || !insert_table(sql, table, sizeof table))
		return 0;
	snprintf(key, sizeof key, ",%s,", table);
	return strstr(pg->id_tables, key) != NULL;
}

/*
 * Marks the parameters the statement tests with `$N IS NULL` / `$N IS NOT NULL` (SQLite's
 * optional filter, `(?1 IS NULL OR col = ?1)`), and those it never names: PostgreSQL cannot
 * infer a type for them, so those bound as text or NULL are sent as text (numbers keep int8 /
 * float8).
 */
static void mark_null_tests(struct cc_pg_stmt *ps)
{
	/* A number the text never names (?9 used, ?6 not) has no type either: text. */
	memset(ps->typed, 1, (size_t)ps->nparams);
	for (const char *p = ps->sql; (p = strchr(p, '$')) != NULL;) {
		const char *d = p + 1;
		int n = 0;
		while (*d >= '0' && *d <= '9' && n <= 32767)
			n = n * 10 + (*d++ - '0');
		if (n >= 1 && n <= ps->nparams)
			ps->typed[n - 1] = 0;
		p = d;
	}
	for (const char *p = ps->sql; (p = strchr(p, '$')) != NULL;) {
		p++;
		if (*p < '0' || *p > '9')
			continue;
		int n = 0;
		while (*p >= '0' && *p <= '9' && n <= 32767)
			n = n * 10 + (*p++ - '0');
		const char *q = p;
		while (*q == ' ' || *q == '\n')
			q++;
		if (n >= 1 && n <= ps->nparams && strncasecmp(q, "IS ", 3) == 0) {
			q += 3;
			while (*q == ' ')
				q++;
			if (strncasecmp(q, "NOT ", 4) == 0)
				for (q += 4; *q == ' ';)
					q++;
			if (strncasecmp(q, "NULL", 4) == 0)
				ps->typed[n - 1] = 1;
		}
	}
}

int cc_pg_prepare(struct cc_stmt *s, const char *sql, struct cc_error *err)
{
	struct cc_store *st = s->st;
	struct cc_pg_stmt *ps = calloc(1, sizeof *ps);
	struct cc_buf b = CC_BUF_INIT(64u << 20);
	if (!ps)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	s->pg = ps;
	int rc = cc_pg_placeholders(sql, &b, &ps->nparams);
	if (rc) {
		cc_buf_release(&b);
		return cc_error_set(err, rc == CC_ENOMEM ? CC_ENOMEM : CC_EDB,
				    "cannot prepare query: bad parameter number in '%.80s'", sql);
	}
	if (returns_id(st->pg, b.data)) {
		ps->returning_id = 1;
		if (cc_buf_puts(&b, " RETURNING id")) {
			cc_buf_release(&b);
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		}
	}
	ps->sql = cc_buf_detach(&b);
	cc_buf_release(&b);
	size_t np = (size_t)(ps->nparams ? ps->nparams : 1);
	ps->ptype = calloc(np, 1);
	ps->btype = calloc(np, 1);
	ps->vals = calloc(np, sizeof *ps->vals);
	ps->typed = calloc(np, 1);
	if (!ps->sql || !ps->ptype || !ps->btype || !ps->vals || !ps->typed)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	mark_null_tests(ps);
	snprintf(ps->name, sizeof ps->name, "cc%u", ++st->pg->next_name);
	return 0;
}

int cc_pg_bind(struct cc_stmt *s, int idx, int type, const char *text, size_t n)
{
	struct cc_pg_stmt *ps = s->pg;
	if (idx < 1 || idx > ps->nparams)
		return CC_EDB;
	char *v = NULL;
	if (type != CC_PG_NULL) {
		v = malloc(n + 1);
		if (!v)
			return CC_ENOMEM;
		memcpy(v, text, n);
		v[n] = '\0';
	}
	free(ps->vals[idx - 1]);
	ps->vals[idx - 1] = v;
	ps->btype[idx - 1] = (unsigned char)type;
	return 0;
}

/* Prepares PS server-side with the parameter types as bound now (again when they changed). */
static int prepare_now(struct cc_stmt *s, struct cc_error *err)
{
	struct cc_store *st = s->st;
	struct cc_pg_stmt *ps = s->pg;
	detach_active(st->pg);
	reconnect(st);
	if (ps->prepared && ps->epoch != st->pg->epoch) { /* prepared on a lost connection */
		ps->prepared = 0;
		PQclear(ps->desc);
		ps->desc = NULL;
	}
	if (ps->prepared) {
		/* Values go as text, which the prepared types parse: prepare again only when a
		 * value is now of another kind than a typed parameter was prepared with (an
		 * integer where a double was, say), not for a NULL, nor where the server inferred
		 * the type (a NULL or text when prepared), nor for an integer where a double was
		 * (float8 reads it). A column of NULLs and numbers (an importer's row after row)
		 * keeps one statement. */
		int same = 1;
		for (int i = 0; i < ps->nparams && same; i++)
			same = ps->btype[i] == ps->ptype[i] || ps->btype[i] == CC_PG_NULL ||
			       ps->ptype[i] == CC_PG_NULL || ps->ptype[i] == CC_PG_TEXT ||
			       (ps->ptype[i] == CC_PG_DOUBLE && ps->btype[i] == CC_PG_INT);
		if (same)
			return 0;
	}
	if (ps->prepared) {
		char dealloc[64];
		snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", ps->name);
		detach_active(st->pg);
		PQclear(PQexec(st->pg->c, dealloc));
		snprintf(ps->name, sizeof ps->name, "cc%u", ++st->pg->next_name);
		ps->prepared = 0;
		PQclear(ps->desc);
		ps->desc = NULL;
	}
	Oid *types = calloc((size_t)(ps->nparams ? ps->nparams : 1), sizeof *types);
	if (!types)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	for (int i = 0; i < ps->nparams; i++)
		types[i] = ps->btype[i] == CC_PG_INT	  ? OID_INT8
			   : ps->btype[i] == CC_PG_DOUBLE ? OID_FLOAT8
			   : ps->typed[i]		  ? OID_TEXT
							  : 0;
	detach_active(st->pg);
	PGresult *r = PQprepare(st->pg->c, ps->name, ps->sql, ps->nparams, types);
	free(types);
	int rc = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_error(st, r, err, "cannot prepare query");
	else {
		ps->prepared = 1;
		ps->epoch = st->pg->epoch;
		memcpy(ps->ptype, ps->btype, (size_t)ps->nparams);
	}
	PQclear(r);
	return rc;
}

/* The next result of S's execution: fetched ahead, or from the connection. */
static PGresult *next_result(struct cc_stmt *s)
{
	struct cc_pg_stmt *ps = s->pg;
	if (ps->pack) { /* its rows were all read (cc_pg_step) */
		PQclear(ps->pack);
		ps->pack = NULL;
		ps->packi = ps->packn = 0;
	}
	if (ps->ibuf < ps->nbuf)
		return ps->buf[ps->ibuf++];
	ps->nbuf = ps->ibuf = 0;
	if (!ps->running)
		return NULL;
	PGresult *r = PQgetResult(s->st->pg->c);
	if (!r) {
		ps->running = 0;
		s->st->pg->active = NULL;
	}
	return r;
}

/* Reads and drops what is left of S's execution. */
static void finish(struct cc_stmt *s)
{
	PGresult *r;
	while ((r = next_result(s)) != NULL)
		PQclear(r);
}

int cc_pg_step(struct cc_stmt *s, struct cc_error *err)
{
	struct cc_store *st = s->st;
	struct cc_pg_stmt *ps = s->pg;
	if (ps->row != ps->pack)
		PQclear(ps->row);
	ps->row = NULL;
	ps->rowi = 0;
	if (!ps->running && ps->ibuf >= ps->nbuf && !ps->pack) {
		detach_active(st->pg);
		int rc = prepare_now(s, err);
		if (rc)
			return rc;
		if (!PQsendQueryPrepared(st->pg->c, ps->name, ps->nparams,
					 (const char *const *)ps->vals, NULL, NULL, 0))
			return pg_error(st, NULL, err, "query failed");
		PQsetSingleRowMode(st->pg->c);
		ps->running = 1;
		st->pg->active = s;
	}
	for (;;) {
		if (ps->pack && ps->packi < ps->packn) { /* a row fetched ahead */
			int t = ps->packi++;
			if (ps->returning_id) {
				long long id;
				const char *v = PQgetvalue(ps->pack, t, 0);
				if (cc_parse_int64(v, strlen(v), &id) == 0)
					st->pg->last_id = id;
				continue;
			}
			ps->row = ps->pack;
			ps->rowi = t;
			return 1;
		}
		PGresult *r = next_result(s);
		if (!r && ps->lost) {
			ps->lost = 0;
			return cc_error_set(
				err, CC_ENOMEM,
				"out of memory keeping the rest of a read while another "
				"statement ran");
		}
		if (!r)
			return 0;
		ExecStatusType t = PQresultStatus(r);
		if (t == PGRES_SINGLE_TUPLE) {
			if (ps->returning_id) {
				const char *v = PQgetvalue(r, 0, 0);
				long long id;
				if (cc_parse_int64(v, strlen(v), &id) == 0)
					st->pg->last_id = id;
				PQclear(r);
				continue;
			}
			ps->row = r;
			return 1;
		}
		if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK || t == PGRES_EMPTY_QUERY) {
			const char *ct = PQcmdTuples(r);
			long long n;
			if (ct && *ct && cc_parse_int64(ct, strlen(ct), &n) == 0)
				st->pg->changes = n;
			PQclear(r);
			finish(s);
			return 0;
		}
		int rc = pg_error(st, r, err, "query failed");
		PQclear(r);
		finish(s);
		return rc;
	}
}

/* The result describing S's columns: its current row, or the prepared statement's
 * description. */
static const PGresult *columns_of(struct cc_stmt *s)
{
	struct cc_pg_stmt *ps = s->pg;
	if (ps->row)
		return ps->row;
	if (!ps->desc) {
		if (prepare_now(s, NULL))
			return NULL;
		detach_active(s->st->pg);
		ps->desc = PQdescribePrepared(s->st->pg->c, ps->name);
	}
	return ps->desc;
}

int cc_pg_columns(struct cc_stmt *s)
{
	const PGresult *r = columns_of(s);
	return r ? PQnfields(r) : 0;
}

const char *cc_pg_column_name(struct cc_stmt *s, int col)
{
	const PGresult *r = columns_of(s);
	return r && col >= 0 && col < PQnfields(r) ? PQfname(r, col) : NULL;
}

static const char *value(struct cc_stmt *s, int col)
{
	PGresult *r = s->pg->row;
	int t = s->pg->rowi;
	if (!r || col < 0 || col >= PQnfields(r) || PQgetisnull(r, t, col))
		return NULL;
	return PQgetvalue(r, t, col);
}

int cc_pg_is_null(struct cc_stmt *s, int col)
{
	return value(s, col) == NULL;
}

int cc_pg_kind(struct cc_stmt *s, int col)
{
	if (!value(s, col))
		return CC_VAL_NULL;
	switch (PQftype(s->pg->row, col)) {
	case 16: /* bool */
	case 20: /* int8 */
	case 21: /* int2 */
	case 23: /* int4 */ return CC_VAL_INT;
	case 700: /* float4 */
	case 701: /* float8 */
	case 1700: /* numeric */ return CC_VAL_REAL;
	default: return CC_VAL_TEXT;
	}
}

double cc_pg_double(struct cc_stmt *s, int col)
{
	const char *v = value(s, col);
	if (!v)
		return 0;
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	if (v[0] == 'f' && v[1] == '\0')
		return 0;
	char *end;
	double d = strtod(v, &end);
	return end == v ? 0 : d;
}

int64_t cc_pg_int64(struct cc_stmt *s, int col)
{
	const char *v = value(s, col);
	if (!v)
		return 0;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end == '\0' && end != v)
		return n;
	/* a real, 't' / 'f', or text: SQLite's conversions (a real truncates toward zero) */
	double d = cc_pg_double(s, col);
	if (isnan(d))
		return 0;
	if (d >= 9.2233720368547758e18)
		return INT64_MAX;
	if (d <= -9.2233720368547758e18)
		return INT64_MIN;
	return (int64_t)d;
}

const char *cc_pg_text(struct cc_stmt *s, int col)
{
	const char *v = value(s, col);
	return v ? v : "";
}

size_t cc_pg_bytes(struct cc_stmt *s, int col)
{
	PGresult *r = s->pg->row;
	if (!value(s, col))
		return 0;
	return (size_t)PQgetlength(r, s->pg->rowi, col);
}

void cc_pg_reset(struct cc_stmt *s)
{
	struct cc_pg_stmt *ps = s->pg;
	if (ps->row != ps->pack)
		PQclear(ps->row);
	ps->row = NULL;
	ps->rowi = 0;
	finish(s); /* the pack too */
	ps->lost = 0;
	for (int i = 0; ps->vals && i < ps->nparams; i++) {
		free(ps->vals[i]);
		ps->vals[i] = NULL;
		ps->btype[i] = CC_PG_NULL;
	}
}

void cc_pg_free(struct cc_stmt *s)
{
	struct cc_pg_stmt *ps = s->pg;
	if (!ps)
		return;
	cc_pg_reset(s);
	if (ps->prepared && s->st->pg && s->st->pg->c && ps->epoch == s->st->pg->epoch &&
	    PQstatus(s->st->pg->c) == CONNECTION_OK) {
		char dealloc[64];
		snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", ps->name);
		detach_active(s->st->pg);
		PQclear(PQexec(s->st->pg->c, dealloc));
	}
	PQclear(ps->desc);
	free(ps->buf);
	free(ps->vals);
	free(ps->ptype);
	free(ps->btype);
	free(ps->typed);
	free(ps->sql);
	free(ps);
	s->pg = NULL;
}

/* ---- bulk load (store/bulk.c) ---- */

/* The COPY's failure kept by copy_finish, as ERR (CC_EDB: the transaction is spoilt). */
static int copy_failed(struct cc_pg *pg, struct cc_error *err)
{
	size_t n = strlen(pg->copy_err);
	while (n && (pg->copy_err[n - 1] == '\n' || pg->copy_err[n - 1] == ' '))
		n--;
	cc_error_set(err, CC_EDB, "COPY failed: %.*s", (int)n, pg->copy_err);
	if (err)
		err->internal = 1;
	pg->copy_err[0] = '\0';
	return CC_EDB;
}

int cc_pg_copy_put(struct cc_store *st, const char *sql, int binary, const char *data, size_t n,
		   struct cc_error *err)
{
	struct cc_pg *pg = st->pg;
	if (pg->copy_err[0])
		return copy_failed(pg, err);
	if (!pg->copying) {
		PGresult *r = pg_exec_raw(st, sql);
		if (PQresultStatus(r) != PGRES_COPY_IN) {
			int rc = pg_error(st, r, err, "cannot start COPY");
			PQclear(r);
			return rc == CC_EINVAL ? CC_EDB : rc;
		}
		PQclear(r);
		pg->copying = 1;
		pg->copy_binary = binary;
		/* binary format's header: the signature, no flags, no extension */
		if (binary && PQputCopyData(pg->c, "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19) != 1) {
			copy_finish(pg);
			if (!pg->copy_err[0])
				snprintf(pg->copy_err, sizeof pg->copy_err, "%s",
					 PQerrorMessage(pg->c));
			return copy_failed(pg, err);
		}
	}
	/* Blocking connection: each call sends or fails (libpq reads what the server sends
	 * meanwhile, an error included), in pieces of 1 MB. */
	for (size_t off = 0; off < n;) {
		size_t k = n - off < (1u << 20) ? n - off : (1u << 20);
		if (PQputCopyData(pg->c, data + off, (int)k) != 1) {
			copy_finish(pg);
			if (!pg->copy_err[0])
				snprintf(pg->copy_err, sizeof pg->copy_err, "%s",
					 PQerrorMessage(pg->c));
			return copy_failed(pg, err);
		}
		off += k;
	}
	return 0;
}

int cc_pg_refused(const struct cc_store *st)
{
	return st->pg->refused;
}

int cc_pg_copy_end(struct cc_store *st, struct cc_error *err)
{
	copy_finish(st->pg);
	return st->pg->copy_err[0] ? copy_failed(st->pg, err) : 0;
}

int cc_pg_bulk_exec(struct cc_store *st, const char *sql, int64_t *out, struct cc_error *err)
{
	PGresult *r = pg_exec_raw(st, sql);
	int rc = 0;
	*out = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		long long v = 0;
		if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) &&
		    cc_parse_int64(PQgetvalue(r, 0, 0), strlen(PQgetvalue(r, 0, 0)), &v) == 0)
			*out = v;
	} else {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		rc = state && strcmp(state, "21000") == 0 ? 1 : pg_error(st, r, err, "bulk write");
	}
	PQclear(r);
	return rc;
}
