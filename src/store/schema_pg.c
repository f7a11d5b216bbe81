/*
 * The migrations of schema.c on PostgreSQL (cc_schema_pg, store/pg.h). There is one numbered
 * list: schema.c's. Migration N on PostgreSQL is schema.c's text for N with
 *   1. this file's substitutions for N (`fixes`: an exact piece of SQLite text, or the text
 *      from one piece through the next, and what PostgreSQL says instead, e.g. printf ->
 *      lpad), applied first;
 *   2. SQLite-only statements left out: CREATE VIRTUAL TABLE (FTS5, fts5vocab), CREATE
 *      TRIGGER, INSERT INTO and DROP TABLE of the FTS5 tables (*_fts*, *_vocab);
 *   3. the rest rewritten word by word outside quotes: INTEGER -> BIGINT, REAL -> DOUBLE
 *      PRECISION, `id INTEGER PRIMARY KEY` -> BIGINT with a trigger that numbers rows as SQLite
 *      does (id_trigger), AUTOINCREMENT -> GENERATED ALWAYS AS IDENTITY, WITHOUT
 *      ROWID dropped, the strftime(…,'now') stamps -> to_char(now() AT TIME ZONE 'UTC', …);
 *   4. then N's PostgreSQL-only piece (`extra`): the triggers as PL/pgSQL functions, pg_trgm
 *      GIN indexes where SQLite has FTS5 tables, SQL functions the SQLite connection registers
 *      in C (region_within).
 * A new migration appended to schema.c gets an entry here when it needs one (a test checks
 * that every migration applies to an empty PostgreSQL database). Until a PostgreSQL database
 * exists in the field, the pieces of released migrations may still change; after, only new
 * migrations may.
 */
#include <stdio.h>
#include <string.h>
#include "base/buf.h"
#include "base/error.h"
#include "store/pg.h"
#include "store/schema.h"

/* The writers' advisory lock of pg.c (WRITER_LOCK), taken by the change log's trigger. */
#define PG_WRITER_LOCK "1128487762"

#define STAMP_S	 "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define STAMP_MS "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* In migration N, FROM (through the end of the first UNTIL after it, when UNTIL is given)
 * becomes TO. */
struct fix {
	int n;
	const char *from, *to, *until;
};

static const struct fix fixes[] = {
	/* 13: booleans are not integers on PostgreSQL */
	{13,
	 "    status = 'agreed' AND coalesce(value, 0) <= 1e7,"
	 "    status = 'agreed' AND coalesce(value, 0) <= 1e7, created_at",
	 "    (status = 'agreed' AND coalesce(value, 0) <= 1e7)::int,"
	 "    (status = 'agreed' AND coalesce(value, 0) <= 1e7)::int, created_at",
	 NULL},
	/* 14: the view's NULL column has the table's type */
	{14, "NULL AS value_added", "NULL::double precision AS value_added", NULL},
	/* 25: users keeps its rows and the foreign keys to it: altered, not rebuilt (schema.c's
	 * users_new, from its CREATE through the index made again after the rename) */
	{25, "CREATE TABLE users_new(",
	 "ALTER TABLE users DROP CONSTRAINT users_role_check;"
	 "ALTER TABLE users ADD CONSTRAINT users_role_check"
	 "  CHECK(role IN ('admin','analyst','chief','enterprise','investor'));"
	 "ALTER TABLE users ADD COLUMN institution_id INTEGER REFERENCES institutions(id);"
	 "ALTER TABLE users ADD CHECK(role <> 'investor' OR institution_id IS NOT NULL);",
	 "CREATE INDEX users_uscc ON users(uscc);"},
	/* 27: printf and substr's integer arguments (each fix applies to every occurrence) */
	{27, "printf('%012d.', id)", "lpad(id::text, 12, '0') || '.'", NULL},
	{27, "printf('%08d.', id)", "lpad(id::text, 8, '0') || '.'", NULL},
	{27, "substr('0123456789X', 1 + (", "substr('0123456789X', (1 + (", NULL},
	{27, ") % 11, 1)", ") % 11)::int, 1)", NULL},
};

static const char *const extra[] = {
	/* supply_edges has a key of its own; the frame reads it in two halves by SQLite's rowid
	 * (frame.c, supply_part): PostgreSQL gets a rowid column numbering rows as inserted. */
	[1] = "ALTER TABLE supply_edges ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;"
	      "CREATE UNIQUE INDEX supply_edges_rowid ON supply_edges(rowid);"
	      "CREATE FUNCTION cc_refuse() RETURNS trigger LANGUAGE plpgsql AS "
	      "$$BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END$$;"
	      "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW"
	      "  EXECUTE FUNCTION cc_refuse('the audit log is append-only');"
	      "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW"
	      "  EXECUTE FUNCTION cc_refuse('the audit log is append-only');"
	      /* cc_region_within (domain/codes.c), which the SQLite connection registers in C:
	       * 1 or 0 (an integer, as SQLite's), NULL when either argument is NULL */
	      "CREATE FUNCTION region_within(code bigint, scope bigint) RETURNS integer"
	      "  LANGUAGE sql IMMUTABLE AS $$"
	      "  SELECT CASE WHEN code IS NULL OR scope IS NULL THEN NULL"
	      "    ELSE (code BETWEEN 0 AND 999999 AND s BETWEEN 100000 AND 999999"
	      "      AND code BETWEEN s AND s + CASE WHEN s % 10000 = 0 THEN 9999"
	      "        WHEN s % 100 = 0 THEN 99 ELSE 0 END)::int END"
	      "  FROM (SELECT CASE WHEN scope BETWEEN 10 AND 99 THEN scope * 10000"
	      "    WHEN scope BETWEEN 1000 AND 9999 THEN scope * 100 ELSE scope END AS s) x $$;"
	      "CREATE FUNCTION region_within(code bigint, scope text) RETURNS integer"
	      "  LANGUAGE sql IMMUTABLE AS $$"
	      "  SELECT region_within(code, CASE WHEN scope IS NULL THEN NULL"
	      "    WHEN scope ~ '^[0-9]{1,9}$' THEN scope::bigint ELSE 0 END) $$;",
	[3] = "CREATE TRIGGER list_versions_no_update BEFORE UPDATE ON list_versions FOR EACH ROW"
	      "  EXECUTE FUNCTION cc_refuse('list versions are immutable');"
	      "CREATE TRIGGER list_versions_no_delete BEFORE DELETE ON list_versions FOR EACH ROW"
	      "  EXECUTE FUNCTION cc_refuse('list versions are immutable');"
	      "CREATE TRIGGER list_entries_no_update BEFORE UPDATE ON list_entries FOR EACH ROW"
	      "  EXECUTE FUNCTION cc_refuse('list versions are immutable');"
	      "CREATE TRIGGER list_entries_no_delete BEFORE DELETE ON list_entries FOR EACH ROW"
	      "  EXECUTE FUNCTION cc_refuse('list versions are immutable');"
	      "CREATE TRIGGER list_exits_no_update BEFORE UPDATE ON list_exits FOR EACH ROW"
	      "  EXECUTE FUNCTION cc_refuse('list versions are immutable');"
	      "CREATE TRIGGER list_exits_no_delete BEFORE DELETE ON list_exits FOR EACH ROW"
	      "  EXECUTE FUNCTION cc_refuse('list versions are immutable');",
	/* Full text: trigram GIN indexes on the columns FTS5 indexes on SQLite (pg_trgm folds
	 * case and handles Chinese in a UTF8 database). */
	[5] = "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
	      "CREATE INDEX postings_title_trgm ON postings USING gin (title gin_trgm_ops);"
	      "CREATE INDEX postings_description_trgm ON postings"
	      "  USING gin (description gin_trgm_ops);"
	      /* FTS5's MATCH for the queries of store/fulltext.h ("phrase" OR / AND "phrase"):
	       * a document (columns a, b) matches a phrase of 3 or more characters that one
	       * column contains, case folded; cc_fts_match(a, b, q) is inlined, so that its
	       * regular expression of the phrases reaches the GIN trigram indexes. Scores are
	       * below 0, lower is better (trigram similarity, not bm25). */
	      "CREATE FUNCTION cc_fts_phrases(q text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$"
	      "  SELECT coalesce(array_agg(m[1]), '{}') FROM regexp_matches(q, '\"([^\"]*)\"', 'g') m"
	      "  $$;"
	      "CREATE FUNCTION cc_fts_regex(q text) RETURNS text LANGUAGE sql IMMUTABLE AS $$"
	      "  SELECT string_agg(regexp_replace(p, '([^[:alnum:][:space:]])', '\\\\\\1', 'g'), '|')"
	      "  FROM unnest(cc_fts_phrases(q)) p WHERE char_length(p) >= 3 $$;"
	      "CREATE FUNCTION cc_fts_all(a text, b text, q text) RETURNS boolean LANGUAGE sql"
	      "  IMMUTABLE AS $$"
	      "  SELECT strpos(q, '\" AND \"') = 0 OR NOT EXISTS (SELECT 1 FROM"
	      "    unnest(cc_fts_phrases(q)) p WHERE char_length(p) < 3 OR NOT ("
	      "    strpos(lower(coalesce(a, '')), lower(p)) > 0 OR"
	      "    strpos(lower(coalesce(b, '')), lower(p)) > 0)) $$;"
	      "CREATE FUNCTION cc_fts_match(a text, b text, q text) RETURNS boolean LANGUAGE sql"
	      "  IMMUTABLE AS $$"
	      "  SELECT (a ~* cc_fts_regex(q) OR b ~* cc_fts_regex(q)) AND cc_fts_all(a, b, q) $$;"
	      "CREATE FUNCTION cc_fts_score(a text, b text, q text) RETURNS float8 LANGUAGE sql"
	      "  IMMUTABLE AS $$"
	      "  SELECT -(1e-6 + similarity(coalesce(a, '') || ' ' || coalesce(b, ''),"
	      "    array_to_string(cc_fts_phrases(q), ' '))) $$;",
	[9] = "CREATE INDEX match_products_name_trgm ON match_products"
	      "  USING gin (name gin_trgm_ops);",
	[10] = "CREATE FUNCTION cc_postings_rev() RETURNS trigger LANGUAGE plpgsql AS $$"
	       "DECLARE r bigint;"
	       "BEGIN"
	       "  UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'postings_rev'"
	       "    RETURNING value::bigint INTO r;"
	       "  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;"
	       "  NEW.rev := r;"
	       "  RETURN NEW;"
	       "END $$;"
	       "CREATE TRIGGER postings_rev_ai BEFORE INSERT ON postings FOR EACH ROW"
	       "  EXECUTE FUNCTION cc_postings_rev();"
	       "CREATE TRIGGER postings_rev_au BEFORE UPDATE OF kind, enterprise_id, title,"
	       "  description, chain, node, quantity, unit, valid_until, status ON postings"
	       "  FOR EACH ROW EXECUTE FUNCTION cc_postings_rev();"
	       "CREATE TRIGGER postings_rev_ad AFTER DELETE ON postings FOR EACH ROW"
	       "  EXECUTE FUNCTION cc_postings_rev();",
	/* The change log: one function for the four tables; it takes the writers' lock so that
	 * sequence numbers commit in order (pg.c). A bulk write turns it off for its own
	 * transaction with SET LOCAL cc.log_bulk = '1' (cc_store_log_bulk), which no other
	 * connection sees; the WHEN clause tests it without calling the function. */
	[12] = "CREATE FUNCTION cc_log_change() RETURNS trigger LANGUAGE plpgsql AS $$"
	       "BEGIN"
	       "  PERFORM pg_advisory_xact_lock(" PG_WRITER_LOCK ");"
	       "  IF TG_TABLE_NAME = 'enterprises' THEN"
	       "    IF TG_OP = 'INSERT' THEN"
	       "      INSERT INTO changes(kind, entity) VALUES(1, NEW.id);"
	       "    ELSIF TG_OP = 'DELETE' THEN"
	       "      INSERT INTO changes(kind, entity) VALUES(3, OLD.id);"
	       "    ELSE"
	       "      INSERT INTO changes(kind, entity) VALUES(CASE WHEN OLD.id = NEW.id AND"
	       "        OLD.uscc = NEW.uscc THEN 2 ELSE 1 END, NEW.id);"
	       "      IF OLD.id <> NEW.id THEN"
	       "        INSERT INTO changes(kind, entity) VALUES(3, OLD.id);"
	       "      END IF;"
	       "    END IF;"
	       "  ELSIF TG_TABLE_NAME = 'indicators' THEN"
	       "    IF TG_OP <> 'DELETE' THEN"
	       "      INSERT INTO changes(kind, entity, period)"
	       "        VALUES(4, NEW.enterprise_id, NEW.period);"
	       "    END IF;"
	       "    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.enterprise_id <>"
	       "        NEW.enterprise_id OR OLD.period <> NEW.period)) THEN"
	       "      INSERT INTO changes(kind, entity, period)"
	       "        VALUES(4, OLD.enterprise_id, OLD.period);"
	       "    END IF;"
	       "  ELSIF TG_TABLE_NAME = 'chain_members' THEN"
	       "    IF TG_OP <> 'DELETE' THEN"
	       "      INSERT INTO changes(kind, entity) VALUES(5, NEW.enterprise_id);"
	       "    END IF;"
	       "    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND"
	       "        OLD.enterprise_id <> NEW.enterprise_id) THEN"
	       "      INSERT INTO changes(kind, entity) VALUES(5, OLD.enterprise_id);"
	       "    END IF;"
	       "  ELSE"
	       "    IF TG_OP <> 'DELETE' THEN"
	       "      INSERT INTO changes(kind, entity) VALUES(6, NEW.buyer_id);"
	       "    END IF;"
	       "    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.buyer_id <> NEW.buyer_id) THEN"
	       "      INSERT INTO changes(kind, entity) VALUES(6, OLD.buyer_id);"
	       "    END IF;"
	       "  END IF;"
	       "  RETURN NULL;"
	       "END $$;"
	       "CREATE TRIGGER changes_ent AFTER INSERT OR UPDATE OR DELETE ON enterprises"
	       "  FOR EACH ROW WHEN (current_setting('cc.log_bulk', true) IS DISTINCT FROM '1')"
	       "  EXECUTE FUNCTION cc_log_change();"
	       "CREATE TRIGGER changes_ind AFTER INSERT OR UPDATE OR DELETE ON indicators"
	       "  FOR EACH ROW WHEN (current_setting('cc.log_bulk', true) IS DISTINCT FROM '1')"
	       "  EXECUTE FUNCTION cc_log_change();"
	       "CREATE TRIGGER changes_mem AFTER INSERT OR UPDATE OR DELETE ON chain_members"
	       "  FOR EACH ROW WHEN (current_setting('cc.log_bulk', true) IS DISTINCT FROM '1')"
	       "  EXECUTE FUNCTION cc_log_change();"
	       "CREATE TRIGGER changes_edge AFTER INSERT OR UPDATE OR DELETE ON supply_edges"
	       "  FOR EACH ROW WHEN (current_setting('cc.log_bulk', true) IS DISTINCT FROM '1')"
	       "  EXECUTE FUNCTION cc_log_change();",
	/* 14: carriers win over an imported energy_tce; the importer's view of one row. A bulk
	 * write into a database without energy accounts skips the rule (cc.energy_bulk, set by
	 * cc_store_log_bulk as SQLite's drops the triggers: store.c). */
	[14] = "CREATE FUNCTION cc_energy_total() RETURNS trigger LANGUAGE plpgsql AS $$"
	       "BEGIN"
	       "  IF TG_OP = 'DELETE' THEN"
	       "    UPDATE indicators SET energy_tce = (SELECT round(sum(tce)::numeric, 6)::float8"
	       "      FROM energy_accounts WHERE enterprise_id = OLD.enterprise_id"
	       "      AND period = OLD.period)"
	       "      WHERE enterprise_id = OLD.enterprise_id AND period = OLD.period;"
	       "  ELSE"
	       "    INSERT INTO indicators(enterprise_id, period, energy_tce)"
	       "      VALUES(NEW.enterprise_id, NEW.period, (SELECT round(sum(tce)::numeric, 6)"
	       "        ::float8 FROM energy_accounts WHERE enterprise_id = NEW.enterprise_id"
	       "        AND period = NEW.period))"
	       "      ON CONFLICT(enterprise_id, period) DO UPDATE SET energy_tce ="
	       "        excluded.energy_tce"
	       "      WHERE indicators.energy_tce IS DISTINCT FROM excluded.energy_tce;"
	       "  END IF;"
	       "  RETURN NULL;"
	       "END $$;"
	       /* a bulk write into a database without accounts writes the sums once at its end
		* instead (pg.c, energy_totals) */
	       "CREATE TRIGGER energy_total AFTER INSERT OR UPDATE ON energy_accounts"
	       "  FOR EACH ROW WHEN (current_setting('cc.energy_bulk', true) IS DISTINCT FROM '1')"
	       "  EXECUTE FUNCTION cc_energy_total();"
	       "CREATE TRIGGER energy_total_d AFTER DELETE ON energy_accounts"
	       "  FOR EACH ROW EXECUTE FUNCTION cc_energy_total();"
	       "CREATE FUNCTION cc_energy_wins() RETURNS trigger LANGUAGE plpgsql AS $$"
	       "DECLARE t float8;"
	       "BEGIN"
	       "  IF NOT EXISTS (SELECT 1 FROM energy_accounts WHERE"
	       "      enterprise_id = NEW.enterprise_id AND period = NEW.period) THEN"
	       "    RETURN NULL;"
	       "  END IF;"
	       "  SELECT round(sum(tce)::numeric, 6)::float8 INTO t FROM energy_accounts"
	       "    WHERE enterprise_id = NEW.enterprise_id AND period = NEW.period;"
	       "  UPDATE indicators SET energy_tce = t WHERE enterprise_id = NEW.enterprise_id"
	       "    AND period = NEW.period AND energy_tce IS DISTINCT FROM t;"
	       "  RETURN NULL;"
	       "END $$;"
	       "CREATE TRIGGER energy_wins_iu AFTER UPDATE OF energy_tce ON indicators"
	       "  FOR EACH ROW WHEN (current_setting('cc.energy_bulk', true) IS DISTINCT FROM '1')"
	       "  EXECUTE FUNCTION cc_energy_wins();"
	       "CREATE TRIGGER energy_wins_ii AFTER INSERT ON indicators"
	       "  FOR EACH ROW WHEN (current_setting('cc.energy_bulk', true) IS DISTINCT FROM '1')"
	       "  EXECUTE FUNCTION cc_energy_wins();"
	       /* The row counts as written (the statement's row count, RETURNING) only when it
		* changed one of the two tables: a re-import reports nothing changed, as SQLite's
		* importer counts the rows its trigger wrote (store/bulk.c). */
	       "CREATE FUNCTION cc_energy_rows() RETURNS trigger LANGUAGE plpgsql AS $$"
	       "DECLARE wrote boolean := false;"
	       "BEGIN"
	       "  IF NEW.carrier IS NOT NULL THEN"
	       "    INSERT INTO energy_accounts(enterprise_id, period, carrier, quantity, tce)"
	       "      VALUES(NEW.enterprise_id, NEW.period, NEW.carrier, NEW.quantity, NEW.tce)"
	       "      ON CONFLICT(enterprise_id, period, carrier) DO UPDATE SET"
	       "        quantity = excluded.quantity, tce = excluded.tce"
	       "      WHERE energy_accounts.quantity IS DISTINCT FROM excluded.quantity"
	       "        OR energy_accounts.tce IS DISTINCT FROM excluded.tce;"
	       "    wrote := FOUND;"
	       "  END IF;"
	       "  IF NEW.value_added IS NOT NULL THEN"
	       "    INSERT INTO green_periods(enterprise_id, period, value_added)"
	       "      VALUES(NEW.enterprise_id, NEW.period, NEW.value_added)"
	       "      ON CONFLICT(enterprise_id, period) DO UPDATE SET"
	       "        value_added = excluded.value_added"
	       "      WHERE green_periods.value_added IS DISTINCT FROM excluded.value_added;"
	       "    wrote := wrote OR FOUND;"
	       "  END IF;"
	       "  IF wrote THEN RETURN NEW; END IF;"
	       "  RETURN NULL;"
	       "END $$;"
	       "CREATE TRIGGER energy_rows_ins INSTEAD OF INSERT ON energy_rows"
	       "  FOR EACH ROW EXECUTE FUNCTION cc_energy_rows();",
	/* 30: every statement that adds to the change log notifies the channel cc_changes
	 * (delivered at commit, once per transaction: PostgreSQL folds a transaction's equal
	 * notifications), so the other servers' followers, which LISTEN on it, follow at once
	 * instead of at their next poll (frame.c; store.h: cc_store_log_listen). */
	[30] = "CREATE FUNCTION cc_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$"
	       "BEGIN"
	       "  PERFORM pg_notify('cc_changes', '');"
	       "  RETURN NULL;"
	       "END $$;"
	       "CREATE TRIGGER changes_notify AFTER INSERT ON changes"
	       "  FOR EACH STATEMENT EXECUTE FUNCTION cc_changes_notify();",
};

static int is_word(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* Whether statement S (N bytes, leading blanks skipped) is SQLite-only. */
static int sqlite_only(const char *s, size_t n)
{
	char head[96];
	size_t k = n < sizeof head - 1 ? n : sizeof head - 1;
	memcpy(head, s, k);
	head[k] = '\0';
	if (strncmp(head, "CREATE VIRTUAL TABLE", 20) == 0 ||
	    strncmp(head, "CREATE TRIGGER", 14) == 0)
		return 1;
	if (strncmp(head, "INSERT INTO ", 12) == 0 || strncmp(head, "DROP TABLE ", 11) == 0) {
		const char *name = head + (head[0] == 'I' ? 12 : 11);
		size_t len = 0;
		while (is_word(name[len]))
			len++;
		char t[96];
		memcpy(t, name, len);
		t[len] = '\0';
		return strstr(t, "_fts") != NULL || strstr(t, "_vocab") != NULL;
	}
	return 0;
}

/* Appends statement S (N bytes) rewritten for PostgreSQL (types, defaults) to OUT. */
static int rewrite(const char *s, size_t n, struct cc_buf *out)
{
	static const struct {
		const char *from, *to;
	} words[] = {
		{"INTEGER PRIMARY KEY AUTOINCREMENT",
		 "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"},
		{"id INTEGER PRIMARY KEY", "id BIGINT PRIMARY KEY"},
		{"WITHOUT ROWID", ""},
		{"INTEGER", "BIGINT"},
		{"REAL", "DOUBLE PRECISION"},
		{"(strftime('%Y-%m-%dT%H:%M:%SZ','now'))", "(" STAMP_S ")"},
		{"(strftime('%Y-%m-%dT%H:%M:%fZ','now'))", "(" STAMP_MS ")"},
	};
	size_t i = 0;
	while (i < n) {
		int done = 0;
		if (i == 0 || !is_word(s[i - 1])) {
			for (size_t w = 0; w < sizeof words / sizeof words[0] && !done; w++) {
				size_t len = strlen(words[w].from);
				if (i + len <= n && memcmp(s + i, words[w].from, len) == 0 &&
				    (i + len == n || !is_word(s[i + len]) ||
				     !is_word(s[i + len - 1]))) {
					if (cc_buf_puts(out, words[w].to))
						return CC_ENOMEM;
					i += len;
					done = 1;
				}
			}
		}
		if (done)
			continue;
		if (s[i] == '\'') { /* a string: copied as it is */
			size_t j = i + 1;
			while (j < n && !(s[j] == '\'' && (j + 1 >= n || s[j + 1] != '\'')))
				j += s[j] == '\'' ? 2 : 1;
			j = j < n ? j + 1 : n;
			if (cc_buf_append(out, s + i, j - i))
				return CC_ENOMEM;
			i = j;
			continue;
		}
		size_t j = i + 1;
		if (is_word(s[i]))
			while (j < n && is_word(s[j]))
				j++;
		if (cc_buf_append(out, s + i, j - i))
			return CC_ENOMEM;
		i = j;
	}
	return 0;
}

/*
 * Ids as SQLite gives them. A table's `id INTEGER PRIMARY KEY` is SQLite's rowid: an INSERT
 * that leaves it out or gives NULL gets the largest id + 1, and an explicit id is taken as it
 * is (imports.id is chosen by the importer, patents.id is the application number). An identity
 * column would not do: its sequence does not follow explicit ids, so the next default collides
 * with them. So on PostgreSQL the column is a plain BIGINT PRIMARY KEY and a BEFORE INSERT
 * trigger, WHEN (NEW.id IS NULL) (no function call otherwise), sets max(id) + 1 through the
 * primary key's index, under the writers' lock (so that two writers cannot take the same id).
 * Each table has its own function (a static query, planned once per connection); a table
 * rebuilt under a new name (deals_new RENAME TO deals) gets its trigger again under its name.
 */
static const char *statement_end(const char *s);

static int id_function(const char *t, size_t len, struct cc_buf *out)
{
	return cc_buf_printf(
		       out,
		       "CREATE OR REPLACE FUNCTION %.*s_id() RETURNS trigger LANGUAGE plpgsql AS $$"
		       "BEGIN PERFORM pg_advisory_xact_lock(" PG_WRITER_LOCK ");"
		       " NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM %.*s);"
		       " RETURN NEW; END $$;\n"
		       "CREATE TRIGGER %.*s_id_null BEFORE INSERT ON %.*s FOR EACH ROW"
		       " WHEN (NEW.id IS NULL) EXECUTE FUNCTION %.*s_id();\n",
		       (int)len, t, (int)len, t, (int)len, t, (int)len, t, (int)len, t)
		       ? CC_ENOMEM
		       : 0;
}

/* Whether statement S (N bytes) creates a table whose id is SQLite's rowid. */
static int has_rowid_id(const char *s, size_t n)
{
	static const char key[] = "id INTEGER PRIMARY KEY";
	for (const char *k = s; (k = strstr(k, key)) != NULL && k + sizeof key - 1 <= s + n; k++)
		if (k > s && !is_word(k[-1]) &&
		    strncmp(k + sizeof key - 1, " AUTOINCREMENT", 14) != 0)
			return 1;
	return 0;
}

/* After statement S (N bytes) of migration text ALL: the id trigger of a table it creates, or
 * moves, into OUT. */
static int id_trigger(const char *all, const char *s, size_t n, struct cc_buf *out)
{
	static const char create[] = "CREATE TABLE ", alter[] = "ALTER TABLE ",
			  to[] = " RENAME TO ";
	if (n > sizeof create && strncmp(s, create, sizeof create - 1) == 0) {
		const char *name = s + sizeof create - 1;
		size_t len = 0;
		while (is_word(name[len]))
			len++;
		return name[len] == '(' && has_rowid_id(s, n) ? id_function(name, len, out) : 0;
	}
	if (n > sizeof alter && strncmp(s, alter, sizeof alter - 1) == 0) {
		const char *from = s + sizeof alter - 1;
		size_t flen = 0;
		while (is_word(from[flen]))
			flen++;
		if (strncmp(from + flen, to, sizeof to - 1) != 0)
			return 0;
		const char *name = from + flen + sizeof to - 1;
		size_t len = 0;
		while (is_word(name[len]))
			len++;
		/* the table as created earlier in this migration */
		char head[96];
		snprintf(head, sizeof head, "CREATE TABLE %.*s(", (int)flen, from);
		const char *c = strstr(all, head);
		if (!c || !has_rowid_id(c, (size_t)(statement_end(c) - c)))
			return 0;
		return cc_buf_printf(
			       out, "DROP TRIGGER %.*s_id_null ON %.*s; DROP FUNCTION %.*s_id();\n",
			       (int)flen, from, (int)len, name, (int)flen, from)
			       ? CC_ENOMEM
			       : id_function(name, len, out);
	}
	return 0;
}

/* The end of the statement starting at S: after its ';' (a trigger's: after END;). */
static const char *statement_end(const char *s)
{
	int trigger = strncmp(s, "CREATE TRIGGER", 14) == 0;
	const char *p = s;
	while (*p) {
		if (*p == '\'') {
			p++;
			while (*p && !(*p == '\'' && p[1] != '\''))
				p += *p == '\'' ? 2 : 1;
			if (*p)
				p++;
			continue;
		}
		if (trigger && strncmp(p, "END;", 4) == 0 && (p == s || !is_word(p[-1])))
			return p + 4;
		if (!trigger && *p == ';')
			return p + 1;
		p++;
	}
	return p;
}

int cc_schema_pg(int n, struct cc_buf *out)
{
	const char *src = cc_schema_migration(n);
	if (!src)
		return CC_EINVAL;
	struct cc_buf fixed = CC_BUF_INIT(1u << 20);
	int rc = cc_buf_puts(&fixed, src);
	for (size_t f = 0; rc == 0 && f < sizeof fixes / sizeof fixes[0]; f++) {
		if (fixes[f].n != n)
			continue;
		const char *at = strstr(fixed.data, fixes[f].from), *from = fixed.data;
		if (!at) { /* the SQLite text changed under the fix: a test catches it */
			rc = CC_EINVAL;
			break;
		}
		struct cc_buf next = CC_BUF_INIT(1u << 20);
		for (; rc == 0 && at; at = strstr(from, fixes[f].from)) { /* every occurrence */
			const char *end = at + strlen(fixes[f].from);
			if (fixes[f].until) {
				const char *u = strstr(end, fixes[f].until);
				if (!u) {
					rc = CC_EINVAL;
					break;
				}
				end = u + strlen(fixes[f].until);
			}
			if (cc_buf_append(&next, from, (size_t)(at - from)) ||
			    cc_buf_puts(&next, fixes[f].to))
				rc = CC_ENOMEM;
			from = end;
		}
		if (rc == 0 && cc_buf_puts(&next, from))
			rc = CC_ENOMEM;
		cc_buf_release(&fixed);
		fixed = next;
	}
	for (const char *p = fixed.data; rc == 0 && p && *p;) {
		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *e = statement_end(p);
		if (!sqlite_only(p, (size_t)(e - p))) {
			rc = rewrite(p, (size_t)(e - p), out) || cc_buf_putc(out, '\n') ? CC_ENOMEM
											: 0;
			if (rc == 0)
				rc = id_trigger(fixed.data, p, (size_t)(e - p), out);
		}
		p = e;
	}
	if (rc == 0 && n < (int)(sizeof extra / sizeof extra[0]) && extra[n])
		rc = cc_buf_puts(out, extra[n]) ? CC_ENOMEM : 0;
	if (rc == 0 && cc_buf_putc(out, '\0'))
		rc = CC_ENOMEM;
	if (rc == 0)
		out->len--;
	cc_buf_release(&fixed);
	return rc;
}
