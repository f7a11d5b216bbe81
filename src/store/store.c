/*
 * SQLite implementation of the store interface (see store.h). A handle opened from a
 * postgresql:// URL is PostgreSQL's: each function below hands it to pg.c first (ST->pg set;
 * store_impl.h), and the functions written only in terms of others serve both.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include "base/buf.h"
#include "base/parse.h"
#include "store/dialect.h"
#include "store/schema.h"
#include "domain/codes.h"
#include "store/store.h"
#include "store/pg.h"
#include "store/store_impl.h"

/* The CC_E* of ST's failed call, remembering whether it was a lock (cc_store_busy). */
static int failure_rc(struct cc_store *st)
{
	int code = sqlite3_errcode(st->db);
	int rc = (code == SQLITE_BUSY || code == SQLITE_LOCKED) ? CC_EBUSY : CC_EDB;
	if (code == SQLITE_CONSTRAINT)
		rc = CC_EINVAL;
	st->busy = rc == CC_EBUSY;
	return rc;
}

static int db_error(struct cc_store *st, struct cc_error *err, const char *what)
{
	int rc = failure_rc(st);
	cc_error_set(err, rc, "%s: %s", what, sqlite3_errmsg(st->db));
	if (err)
		err->internal = 1;
	return rc;
}

int cc_store_exec(struct cc_store *st, const char *sql, struct cc_error *err)
{
	if (st->pg)
		return cc_pg_exec(st, sql, err);
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = failure_rc(st);
		if (rc == CC_EINVAL)
			rc = CC_EDB; /* as before: exec reports constraint failures as database
					errors */
		cc_error_set(err, rc, "database error: %s", msg ? msg : "unknown");
		if (err)
			err->internal = 1;
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

static int migrate(struct cc_store *st, struct cc_error *err)
{
	int have = cc_store_schema_version(st);
	int want = cc_schema_count();
	int rc = 0;
	if (have > want)
		return cc_error_set(
			err, CC_EDB,
			"database '%s' has schema version %d, newer than this program's "
			"%d: upgrade chainchief",
			st->path, have, want);
	if (have == want)
		return 0;
	/* Foreign keys off while migrating (SQLite's procedure for rebuilding a table: a DROP
	 * would otherwise cascade to the rows that reference it); checked before the commit. The
	 * pragma is a no-op inside a transaction, so it is set around it. A bulk import also runs
	 * with them off (io/import.c), so a database may hold broken references already: the
	 * migrations must not add any, and do not answer for the old ones. */
	rc = cc_store_exec(st, "PRAGMA foreign_keys=OFF", err);
	if (rc)
		return rc;
	rc = cc_store_begin(st, err);
	if (rc)
		goto out;
	static const char fk_sql[] = "SELECT count(*) FROM pragma_foreign_key_check";
	int64_t broken = have > 0 ? cc_store_int(st, fk_sql, 0) : 0;
	for (int v = have + 1; v <= want && rc == 0; v++) {
		char pragma[64];
		rc = cc_store_exec(st, cc_schema_migration(v), err);
		snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v);
		if (rc == 0)
			rc = cc_store_exec(st, pragma, err);
	}
	if (rc == 0 && cc_store_int(st, fk_sql, 0) > broken)
		rc = cc_error_set(err, CC_EDB,
				  "database '%s': a migration left broken references "
				  "(PRAGMA foreign_key_check)",
				  st->path);
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
out:
	if (cc_store_exec(st, "PRAGMA foreign_keys=ON", rc ? NULL : err) && rc == 0)
		rc = CC_EDB;
	return rc;
}

/*
 * SQL region_within(code, scope): cc_region_within's rule for queries whose scope is a column
 * (a subscription's region, say). NULL when either argument is NULL. Queries with one known
 * scope use cc_region_sql's BETWEEN instead, which an index can serve.
 */
static void sql_region_within(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_int64 code = sqlite3_value_int64(argv[0]), scope = sqlite3_value_int64(argv[1]);
	int in = code >= 0 && code <= 999999 && scope >= 0 && scope <= 999999 &&
		 cc_region_within((int)code, (int)scope);
	sqlite3_result_int(ctx, in);
}

/* SQLite counts every allocation under one global mutex unless told not to; nothing here reads
 * those counts (sqlite3_memory_used). Set before SQLite initialises, once. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int cc_store_open(struct cc_store **out, const char *path, int flags, struct cc_error *err)
{
	int rc = 0;
	*out = NULL;
	pthread_once(&sqlite_once, sqlite_setup);
	struct cc_store *st = calloc(1, sizeof *st);
	if (!st)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	st->path = strdup(path);
	if (!st->path) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	if (cc_pg_is_url(path)) {
		rc = cc_pg_open(st, flags, err);
		if (rc)
			goto out;
		*out = st;
		return 0;
	}
	if (!(flags & CC_STORE_CREATE) && access(path, F_OK) != 0) {
		rc = cc_error_set(err, CC_ENOTFOUND,
				  "database '%s' does not exist (run 'chainchief demo' or "
				  "'chainchief init' first)",
				  path);
		goto out;
	}
	int oflags = (flags & CC_STORE_READONLY) ? SQLITE_OPEN_READONLY
						 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	oflags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
		rc = cc_error_set(err, CC_EDB, "cannot open database '%s': %s", path,
				  st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(st->db, (int)cc_env_int("CC_BUSY_TIMEOUT_MS", 10000, 1, 600000));
	sqlite3_extended_result_codes(st->db, 0);
	sqlite3_create_function(st->db, "region_within", 2,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_region_within, NULL, NULL);
	cc_dialect_sqlite_register(st->db);
	if (!(flags & CC_STORE_READONLY)) {
		/* 16 KiB pages for a new database (a no-op on an existing one, and it must come
		 * before WAL writes the first page): a frame build reads the indicators and the
		 * supply edges in full, one pread per page; at 1M firms / 10M edges 4 KiB pages
		 * cost ~0.5 s more of it (PERFORMANCE.md, issue 12), and a single-row write puts
		 * 16 KiB pages in the WAL instead of 4 KiB ones. */
		rc = cc_store_exec(st, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL", err);
		if (rc) {
			cc_error_set(err, rc, "cannot open database '%s': %s", path,
				     err ? err->msg : "");
			goto out;
		}
	}
	rc = cc_store_exec(st,
			   "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"
			   "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
			   err);
	if (rc)
		goto out;
	if (!(flags & CC_STORE_READONLY)) {
		rc = migrate(st, err);
		if (rc)
			goto out;
	}
	*out = st;
	st = NULL;
out:
	cc_store_close(st);
	return rc;
}

void cc_store_close(struct cc_store *st)
{
	if (!st)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		cc_stmt_free(st->cached[i]);
	cc_pg_close(st);
	if (st->db) {
		if (st->in_tx)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close_v2(st->db);
	}
	free(st->bulk_triggers);
	free(st->path);
	free(st);
}

const char *cc_store_path(const struct cc_store *st)
{
	return st->path;
}

const char *cc_store_backend(const struct cc_store *st)
{
	return st->pg ? "postgresql" : "sqlite";
}

int cc_store_begin(struct cc_store *st, struct cc_error *err)
{
	if (st->pg)
		return cc_pg_begin(st, err);
	int rc = cc_store_exec(st, "BEGIN IMMEDIATE", err);
	if (rc == 0) {
		st->in_tx = 1;
		st->busy = 0; /* a new write: an earlier lock-out no longer speaks for it */
	}
	return rc;
}

int cc_store_commit(struct cc_store *st, struct cc_error *err)
{
	if (st->pg)
		return cc_pg_commit(st, err);
	/* A bulk write that did not turn logging on again: its triggers go back first. */
	int rc = st->bulk_triggers ? cc_store_log_bulk(st, 0, err) : 0;
	if (rc)
		return rc;
	rc = cc_store_exec(st, "COMMIT", err);
	if (rc == 0)
		st->in_tx = 0;
	return rc;
}

void cc_store_rollback(struct cc_store *st)
{
	if (st && st->pg) {
		cc_pg_rollback(st);
		return;
	}
	if (st && sqlite3_get_autocommit(st->db) == 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	if (st) {
		st->in_tx = 0;
		free(st->bulk_triggers); /* the rollback put them back */
		st->bulk_triggers = NULL;
	}
}

int cc_store_in_tx(struct cc_store *st)
{
	if (st->pg)
		return cc_pg_in_tx(st);
	return sqlite3_get_autocommit(st->db) == 0;
}

int cc_store_bump_generation(struct cc_store *st, struct cc_error *err)
{
	return cc_store_exec(st,
			     "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
			     "WHERE key = 'generation'",
			     err);
}

int cc_store_bump_generation_values(struct cc_store *st, struct cc_error *err)
{
	return cc_store_exec(st,
			     "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
			     "WHERE key = 'match_index_generation' AND value = "
			     "(SELECT value FROM meta WHERE key = 'generation');"
			     "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
			     "WHERE key = 'generation'",
			     err);
}

int64_t cc_store_generation(struct cc_store *st)
{
	static const char sql[] = "SELECT CAST(value AS INTEGER) FROM meta WHERE key='generation'";
	struct cc_stmt *s = cc_stmt_cached(st, sql, NULL);
	int64_t v = 0;
	if (!s)
		return cc_store_int(st, sql, 0);
	if (cc_stmt_step(s, NULL) == 1)
		v = cc_stmt_int64(s, 0);
	cc_stmt_reset(s);
	return v;
}

struct cc_stmt *cc_stmt_cached(struct cc_store *st, const char *sql, struct cc_error *err)
{
	int free_slot = -1;
	for (int i = 0; i < STMT_CACHE; i++) {
		if (st->cached_sql[i] == sql) {
			cc_stmt_reset(st->cached[i]);
			return st->cached[i];
		}
		if (!st->cached_sql[i] && free_slot < 0)
			free_slot = i;
	}
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(st, &s, sql, err))
		return NULL;
	if (free_slot >= 0) {
		st->cached_sql[free_slot] = sql;
		st->cached[free_slot] = s;
	}
	/* With no free slot the caller gets a statement nobody frees: STMT_CACHE is kept well
	 * above the number of static queries that use this (the API test under LeakSanitizer
	 * fails otherwise), and cc_store_close frees the cached ones. */
	return s;
}

int cc_store_audit(struct cc_store *st, const char *actor, const char *action, const char *target,
		   const char *before, const char *after, struct cc_error *err)
{
	static const char sql[] =
		"INSERT INTO audit(actor, action, target, before, after) VALUES(?1, ?2, ?3, ?4, ?5)";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return CC_EDB;
	const char *a = actor && *actor ? actor : "cli";
	cc_stmt_bind_text(s, 1, a, strlen(a));
	cc_stmt_bind_text(s, 2, action, strlen(action));
	if (target)
		cc_stmt_bind_text(s, 3, target, strlen(target));
	if (before)
		cc_stmt_bind_text(s, 4, before, strlen(before));
	if (after)
		cc_stmt_bind_text(s, 5, after, strlen(after));
	int rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	cc_stmt_reset(s);
	return rc;
}

int cc_store_schema_version(struct cc_store *st)
{
	if (st->pg)
		return cc_pg_schema_version(st);
	return (int)cc_store_int(st, "PRAGMA user_version", 0);
}

int64_t cc_store_int(struct cc_store *st, const char *sql, int64_t def)
{
	if (st->pg)
		return cc_pg_int(st, sql, def);
	sqlite3_stmt *s = NULL;
	int64_t v = def;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

int64_t cc_store_log_seq(struct cc_store *st)
{
	/* SQLite: the AUTOINCREMENT counter (it outlives pruned rows); PostgreSQL: the newest
	 * row, which pruning always keeps. */
	static const char lite[] = "SELECT seq FROM sqlite_sequence WHERE name = 'changes'";
	static const char pg[] = "SELECT coalesce(max(seq), 0) FROM changes";
	struct cc_stmt *s = cc_stmt_cached(st, st->pg ? pg : lite, NULL);
	int64_t v = 0;
	if (!s)
		return 0;
	if (cc_stmt_step(s, NULL) == 1)
		v = cc_stmt_int64(s, 0);
	cc_stmt_reset(s);
	return v;
}

struct cc_store *cc_store_same_snapshot(struct cc_store *st, int64_t seq)
{
	if (st->pg)
		return cc_pg_same_snapshot(st, seq);
	const char *path = cc_store_path(st);
	struct cc_store *st2 = NULL;
	struct cc_error e = {0};
	/* CC_FRAME_SERIAL=1: every reader reads on one connection (tests of that path). */
	if (!path || !*path || getenv("CC_FRAME_SERIAL") ||
	    cc_store_open(&st2, path, CC_STORE_READONLY, &e))
		return NULL;
	/* One try: the snapshot begins at the first read and can only be the first
	 * connection's or a newer one, so trying again would not bring it back. */
	if (cc_store_exec(st2, "BEGIN", NULL) == 0 && cc_store_log_seq(st2) == seq)
		return st2;
	cc_store_close(st2); /* rolls back an open transaction */
	return NULL;
}

int cc_store_changes_since(struct cc_store *st, int64_t seq, int max, struct cc_change **out,
			   int *n, struct cc_error *err)
{
	static const char first_sql[] = "SELECT min(seq) FROM changes";
	static const char sql[] = "SELECT seq, kind, entity, period FROM changes WHERE seq > ?1 "
				  "ORDER BY seq LIMIT ?2";
	*out = NULL;
	*n = 0;
	int64_t last = cc_store_log_seq(st);
	if (last <= seq)
		return 0;
	/* Rows after SEQ pruned: this reader was forgotten (not seen for an hour). */
	struct cc_stmt *s = cc_stmt_cached(st, first_sql, err);
	if (!s)
		return CC_EDB;
	int64_t first = cc_stmt_step(s, err) == 1 && !cc_stmt_is_null(s, 0) ? cc_stmt_int64(s, 0)
									    : last + 1;
	cc_stmt_reset(s);
	if (first > seq + 1)
		return 1;
	if (last - seq > max)
		return 1;
	struct cc_change *ch = malloc(sizeof *ch * (size_t)(last - seq));
	if (!ch)
		return cc_error_set(err, CC_ENOMEM, "out of memory reading the change log");
	s = cc_stmt_cached(st, sql, err);
	if (!s) {
		free(ch);
		return CC_EDB;
	}
	cc_stmt_bind_int64(s, 1, seq);
	cc_stmt_bind_int64(s, 2, last - seq);
	int k = 0, rc;
	while (k < last - seq && (rc = cc_stmt_step(s, err)) == 1) {
		ch[k].seq = cc_stmt_int64(s, 0);
		ch[k].kind = (int32_t)cc_stmt_int64(s, 1);
		ch[k].entity = cc_stmt_int64(s, 2);
		ch[k].period = (int32_t)cc_stmt_int64(s, 3);
		k++;
	}
	cc_stmt_reset(s);
	if (rc < 0) {
		free(ch);
		return rc;
	}
	*out = ch;
	*n = k;
	return 0;
}

/*
 * A bulk write drops the change-log triggers (migration 12: every one is named changes_…) in
 * its own transaction and creates them again before it commits. Their WHEN clause alone, a
 * look-up in meta for every row written, cost ~0.85 us a row: 4 s of the 5M-row import. No
 * other connection sees them gone (nor can it write meanwhile: the transaction holds the
 * write lock); a rollback puts them back.
 *
 * The rule that energy carriers win over an imported energy_tce (migration 14: triggers
 * energy_wins_…, an energy_accounts look-up per indicators row written, ~0.65 us a row) is
 * dropped the same way when energy_accounts is empty as the transaction starts: with no
 * accounts it has nothing to enforce, and a bulk file is of one kind, so accounts an energy
 * file adds in the transaction set the totals themselves (energy_total_…). With accounts
 * present the rule stays, row by row.
 */
int cc_store_log_bulk(struct cc_store *st, int on, struct cc_error *err)
{
	if (st->pg)
		return cc_pg_log_bulk(st, on, err);
	if (!on) {
		int rc = 0;
		if (st->bulk_triggers) {
			rc = cc_store_exec(st, st->bulk_triggers, err);
			if (rc == 0) {
				free(st->bulk_triggers);
				st->bulk_triggers = NULL;
			}
		}
		return rc ? rc : cc_store_exec(st, "DELETE FROM meta WHERE key = 'log_bulk'", err);
	}
	int rc = cc_store_exec(st,
			       "INSERT INTO changes(kind, entity) VALUES(9, 0);"
			       "INSERT OR REPLACE INTO meta(key, value) VALUES('log_bulk', '1')",
			       err);
	if (rc || st->bulk_triggers)
		return rc;
	struct cc_buf create = CC_BUF_INIT(1u << 20), drop = CC_BUF_INIT(1u << 20);
	struct cc_stmt *s = NULL;
	rc = cc_stmt_prepare(
		st, &s,
		"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
		"(name LIKE 'changes\\_%' ESCAPE '\\' OR (name LIKE 'energy\\_wins\\_%' "
		"ESCAPE '\\' AND NOT EXISTS (SELECT 1 FROM energy_accounts))) "
		"ORDER BY name",
		err);
	while (rc == 0 && (rc = cc_stmt_step(s, err)) == 1) {
		const char *name = cc_stmt_text(s, 0), *sql = cc_stmt_text(s, 1);
		if (cc_buf_puts(&create, sql) || cc_buf_puts(&create, ";\n") ||
		    cc_buf_puts(&drop, "DROP TRIGGER ") || cc_buf_puts(&drop, name) ||
		    cc_buf_puts(&drop, ";\n"))
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		else
			rc = 0;
	}
	cc_stmt_free(s);
	if (rc >= 0 && create.len) {
		rc = cc_store_exec(st, drop.data, err);
		if (rc == 0) {
			st->bulk_triggers = cc_buf_detach(&create);
		}
	}
	cc_buf_release(&create);
	cc_buf_release(&drop);
	return rc < 0 ? rc : 0;
}

/*
 * One text for both backends: the time is bound from C (store.h: time stamps are computed in
 * C). On PostgreSQL the newest row stays: the log's position is its largest sequence number
 * there (cc_store_log_seq; a sequence's own value is not transactional), while SQLite keeps it in
 * sqlite_sequence.
 */
int cc_store_log_prune(struct cc_store *st, const char *name, int64_t seq, struct cc_error *err)
{
	int64_t now = (int64_t)time(NULL);
	struct cc_stmt *s = NULL;
	int rc =
		cc_stmt_prepare(st, &s,
				"INSERT INTO change_readers(name, seq, seen_at) VALUES(?1, ?2, ?3) "
				"ON CONFLICT(name) DO UPDATE SET seq = excluded.seq, "
				"seen_at = excluded.seen_at",
				err);
	if (rc)
		return rc;
	cc_stmt_bind_text(s, 1, name, strlen(name));
	cc_stmt_bind_int64(s, 2, seq);
	cc_stmt_bind_int64(s, 3, now);
	rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	cc_stmt_free(s);
	s = NULL;
	if (rc == 0)
		rc = cc_stmt_prepare(st, &s, "DELETE FROM change_readers WHERE seen_at < ?1", err);
	if (rc == 0) {
		cc_stmt_bind_int64(s, 1, now - 3600);
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	}
	cc_stmt_free(s);
	if (rc == 0)
		rc = cc_store_exec(
			st,
			st->pg ? "DELETE FROM changes WHERE seq <= (SELECT min(seq) FROM "
				 "change_readers) AND seq < (SELECT max(seq) FROM changes)"
			       : "DELETE FROM changes WHERE seq <= (SELECT min(seq) FROM "
				 "change_readers)",
			err);
	return rc;
}

int cc_store_log_listen(struct cc_store *st, struct cc_error *err)
{
	if (st->pg)
		return cc_pg_log_listen(st, err);
	return cc_error_set(err, CC_EINVAL,
			    "SQLite cannot tell other processes' changes: its readers poll");
}

int cc_store_log_wait(struct cc_store *st, int fd, int timeout_ms)
{
	if (st->pg)
		return cc_pg_log_wait(st, fd, timeout_ms);
	return CC_EIO;
}

void cc_store_busy_forget(struct cc_store *st)
{
	if (st)
		st->busy = 0;
}

int cc_store_busy(struct cc_store *st)
{
	return st && st->busy;
}

int64_t cc_store_changes(struct cc_store *st)
{
	if (st->pg)
		return cc_pg_changes(st);
	return sqlite3_changes64(st->db);
}

int64_t cc_store_total_changes(struct cc_store *st)
{
	return st->pg ? -1 : sqlite3_total_changes64(st->db);
}

int64_t cc_store_last_id(struct cc_store *st)
{
	if (st->pg)
		return cc_pg_last_id(st);
	return sqlite3_last_insert_rowid(st->db);
}

struct trigram_call {
	void (*token)(void *ctx, const char *tok, int len, int start, int end);
	void *ctx;
};

static int trigram_token(void *ctx, int flags, const char *tok, int len, int start, int end)
{
	(void)flags;
	struct trigram_call *c = ctx;
	c->token(c->ctx, tok, len, start, end);
	return SQLITE_OK;
}

int cc_store_trigram_tokenize(struct cc_store *st, const char *text, size_t n,
			      void (*token)(void *ctx, const char *tok, int len, int start,
					    int end),
			      void *ctx, struct cc_error *err)
{
	fts5_api *api = NULL;
	sqlite3_stmt *s = NULL;
	if (st->pg) { /* the same tokenizer, from an in-memory SQLite */
		struct cc_store *mem = NULL;
		int rc = cc_store_open(&mem, ":memory:", CC_STORE_CREATE | CC_STORE_READONLY, err);
		if (rc == 0)
			rc = cc_store_trigram_tokenize(mem, text, n, token, ctx, err);
		cc_store_close(mem);
		return rc;
	}
	int rc = sqlite3_prepare_v2(st->db, "SELECT fts5(?1)", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(s);
	}
	sqlite3_finalize(s);
	if (!api || api->iVersion < 2)
		return cc_error_set(err, CC_EDB, "fts5: no tokenizer API in this SQLite");
	void *user = NULL;
	fts5_tokenizer tk;
	if (api->xFindTokenizer(api, "trigram", &user, &tk) != SQLITE_OK)
		return cc_error_set(err, CC_EDB, "fts5: no trigram tokenizer");
	Fts5Tokenizer *t = NULL;
	if (tk.xCreate(user, NULL, 0, &t) != SQLITE_OK)
		return cc_error_set(err, CC_EDB, "fts5: cannot make a trigram tokenizer");
	struct trigram_call call = {token, ctx};
	rc = tk.xTokenize(t, &call, FTS5_TOKENIZE_DOCUMENT, text, (int)n, trigram_token);
	tk.xDelete(t);
	return rc == SQLITE_OK ? 0 : cc_error_set(err, CC_EDB, "fts5: trigram tokenizer failed");
}

int cc_store_backup(struct cc_store *st, const char *path, struct cc_error *err)
{
	if (st->pg)
		return cc_error_set(err, CC_EINVAL,
				    "cannot back up '%s' to '%s': backup copies SQLite files; for "
				    "PostgreSQL use pg_dump (see docs/DEPLOY.md)",
				    st->path, path);
	sqlite3 *dst = NULL;
	int rc = 0;
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		rc = cc_error_set(err, CC_EIO, "cannot create backup '%s': %s", path,
				  dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", st->db, "main");
	if (!b) {
		rc = cc_error_set(err, CC_EIO, "cannot back up to '%s': %s", path,
				  sqlite3_errmsg(dst));
		goto out;
	}
	int s;
	do {
		s = sqlite3_backup_step(b, 1024);
		if (s == SQLITE_BUSY || s == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (s == SQLITE_OK || s == SQLITE_BUSY || s == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (s != SQLITE_DONE)
		rc = cc_error_set(err, CC_EIO, "backup to '%s' failed: %s", path,
				  sqlite3_errmsg(dst));
out:
	sqlite3_close_v2(dst);
	return rc;
}

int cc_stmt_prepare(struct cc_store *st, struct cc_stmt **out, const char *sql,
		    struct cc_error *err)
{
	*out = NULL;
	struct cc_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	s->st = st;
	if (st->pg) {
		int rc = cc_pg_prepare(s, sql, err);
		if (rc) {
			cc_stmt_free(s);
			return rc;
		}
		*out = s;
		return 0;
	}
	if (sqlite3_prepare_v2(st->db, sql, -1, &s->s, NULL) != SQLITE_OK) {
		int rc = db_error(st, err, "cannot prepare query");
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int cc_stmt_bind_int64(struct cc_stmt *s, int idx, int64_t v)
{
	if (s->pg) {
		char t[24];
		int n = snprintf(t, sizeof t, "%lld", (long long)v);
		return cc_pg_bind(s, idx, CC_PG_INT, t, (size_t)n);
	}
	return sqlite3_bind_int64(s->s, idx, v) == SQLITE_OK ? 0 : CC_EDB;
}

int cc_stmt_bind_double(struct cc_stmt *s, int idx, double v)
{
	if (s->pg) {
		char t[32];
		int n = snprintf(t, sizeof t, "%.17g", v);
		return cc_pg_bind(s, idx, CC_PG_DOUBLE, t, (size_t)n);
	}
	return sqlite3_bind_double(s->s, idx, v) == SQLITE_OK ? 0 : CC_EDB;
}

int cc_stmt_bind_text(struct cc_stmt *s, int idx, const char *v, size_t n)
{
	if (s->pg)
		return cc_pg_bind(s, idx, CC_PG_TEXT, v, n);
	return sqlite3_bind_text(s->s, idx, v, (int)n, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : CC_EDB;
}

int cc_stmt_bind_text_static(struct cc_stmt *s, int idx, const char *v, size_t n)
{
	if (s->pg) /* copied: libpq sends NUL-terminated text */
		return cc_pg_bind(s, idx, CC_PG_TEXT, v, n);
	return sqlite3_bind_text(s->s, idx, v, (int)n, SQLITE_STATIC) == SQLITE_OK ? 0 : CC_EDB;
}

int cc_stmt_bind_null(struct cc_stmt *s, int idx)
{
	if (s->pg)
		return cc_pg_bind(s, idx, CC_PG_NULL, NULL, 0);
	return sqlite3_bind_null(s->s, idx) == SQLITE_OK ? 0 : CC_EDB;
}

int cc_stmt_step(struct cc_stmt *s, struct cc_error *err)
{
	if (s->pg)
		return cc_pg_step(s, err);
	int r = sqlite3_step(s->s);
	if (r == SQLITE_ROW)
		return 1;
	if (r == SQLITE_DONE)
		return 0;
	int rc = db_error(s->st, err, "query failed");
	sqlite3_reset(s->s);
	return rc;
}

int cc_stmt_columns(struct cc_stmt *s)
{
	if (s->pg)
		return cc_pg_columns(s);
	return sqlite3_column_count(s->s);
}

const char *cc_stmt_column_name(struct cc_stmt *s, int col)
{
	if (s->pg)
		return cc_pg_column_name(s, col);
	return sqlite3_column_name(s->s, col);
}

int cc_stmt_kind(struct cc_stmt *s, int col)
{
	if (s->pg)
		return cc_pg_kind(s, col);
	switch (sqlite3_column_type(s->s, col)) {
	case SQLITE_INTEGER: return CC_VAL_INT;
	case SQLITE_FLOAT: return CC_VAL_REAL;
	case SQLITE_NULL: return CC_VAL_NULL;
	default: return CC_VAL_TEXT;
	}
}

int cc_stmt_is_null(struct cc_stmt *s, int col)
{
	if (s->pg)
		return cc_pg_is_null(s, col);
	return sqlite3_column_type(s->s, col) == SQLITE_NULL;
}

int64_t cc_stmt_int64(struct cc_stmt *s, int col)
{
	if (s->pg)
		return cc_pg_int64(s, col);
	return sqlite3_column_int64(s->s, col);
}

double cc_stmt_double(struct cc_stmt *s, int col)
{
	if (s->pg)
		return cc_pg_double(s, col);
	return sqlite3_column_double(s->s, col);
}

double cc_stmt_double_nan(struct cc_stmt *s, int col)
{
	if (s->pg)
		return cc_pg_is_null(s, col) ? NAN : cc_pg_double(s, col);
	/* Reading a NULL as a double converts nothing in place, so its type is still NULL. */
	double v = sqlite3_column_double(s->s, col);
	if (v == 0 && sqlite3_column_type(s->s, col) == SQLITE_NULL)
		return NAN;
	return v;
}

const char *cc_stmt_text(struct cc_stmt *s, int col)
{
	if (s->pg)
		return cc_pg_text(s, col);
	const unsigned char *t = sqlite3_column_text(s->s, col);
	return t ? (const char *)t : "";
}

size_t cc_stmt_bytes(struct cc_stmt *s, int col)
{
	if (s->pg)
		return cc_pg_bytes(s, col);
	return (size_t)sqlite3_column_bytes(s->s, col);
}

void cc_stmt_reset(struct cc_stmt *s)
{
	if (s->pg) {
		cc_pg_reset(s);
		return;
	}
	sqlite3_reset(s->s);
	sqlite3_clear_bindings(s->s);
}

void cc_stmt_free(struct cc_stmt *s)
{
	if (!s)
		return;
	if (s->pg) {
		cc_pg_free(s);
		free(s);
		return;
	}
	sqlite3_finalize(s->s);
	free(s);
}
