/*
 * cc_store_copy (store.h): a whole database from one store to another, SQLite or PostgreSQL
 * either way (`chainchief copy --from A --to B`, issue 18 item 2).
 *
 * The tables, their columns and their foreign keys are read from the schema itself: an
 * in-memory SQLite database migrated to this program's version (both backends have the same
 * tables and columns in the same order: test_store_backend checks it). Tables are copied
 * parents first, rows in primary-key order (supply_edges from PostgreSQL in its rowid order,
 * the order the frame reads them in), each value passed on as the kind it was read as, through
 * the store's bulk load (COPY into PostgreSQL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "store/store.h"

#define MAX_TABLES    128
#define BULK_MAX_COLS 64 /* store/bulk.c's limit on a row's values */

struct table {
	char name[64];
	char *cols;  /* "a, b, c" */
	char *order; /* "a, b" (the primary key) or "" */
	int ncols, done;
	char deps[8][64]; /* tables it references */
	int ndeps;
};

/* Whether NAME is copied: not SQLite's own, not a full-text index or its shadow tables, not
 * the change log. */
static int copied(const char *name)
{
	return strncmp(name, "sqlite", 6) != 0 && !strstr(name, "_fts") &&
	       strcmp(name, "changes") != 0 && strcmp(name, "change_readers") != 0;
}

static int load_schema(struct table *t, int *n, struct cc_error *err)
{
	struct cc_store *mem = NULL;
	struct cc_stmt *s = NULL, *c = NULL;
	int rc = cc_store_open(&mem, ":memory:", CC_STORE_CREATE, err);
	if (rc == 0)
		rc = cc_stmt_prepare(
			mem, &s,
			"SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT "
			"LIKE 'CREATE VIRTUAL%' ORDER BY name",
			err);
	*n = 0;
	while (rc == 0 && (rc = cc_stmt_step(s, err)) == 1) {
		const char *name = cc_stmt_text(s, 0);
		rc = 0;
		if (!copied(name))
			continue;
		if (*n == MAX_TABLES) {
			rc = cc_error_set(err, CC_EINVAL, "copy: more than %d tables", MAX_TABLES);
			break;
		}
		struct table *x = &t[(*n)++];
		snprintf(x->name, sizeof x->name, "%s", name);
	}
	cc_stmt_free(s);
	s = NULL;
	for (int i = 0; rc == 0 && i < *n; i++) {
		struct table *x = &t[i];
		struct cc_buf cols = CC_BUF_INIT(1 << 16), order = CC_BUF_INIT(1 << 16);
		rc = cc_stmt_prepare(
			mem, &c, "SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid", err);
		if (rc == 0)
			cc_stmt_bind_text(c, 1, x->name, strlen(x->name));
		/* key columns in key order */
		int pk_n = 0;
		char pk[8][64];
		while (rc == 0 && (rc = cc_stmt_step(c, err)) == 1) {
			rc = 0;
			cc_buf_printf(&cols, "%s%s", x->ncols++ ? ", " : "", cc_stmt_text(c, 0));
			int k = (int)cc_stmt_int64(c, 1);
			if (k >= 1 && k <= 8) {
				snprintf(pk[k - 1], sizeof pk[0], "%s", cc_stmt_text(c, 0));
				if (k > pk_n)
					pk_n = k;
			}
		}
		cc_stmt_free(c);
		c = NULL;
		for (int k = 0; k < pk_n; k++)
			cc_buf_printf(&order, "%s%s", k ? ", " : "", pk[k]);
		cc_buf_putc(&order, '\0'); /* "" for a table without a key */
		x->cols = cc_buf_detach(&cols);
		x->order = cc_buf_detach(&order);
		cc_buf_release(&cols);
		cc_buf_release(&order);
		if (rc < 0)
			break;
		if (!x->cols || !x->order || x->ncols == 0) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			break;
		}
		rc = cc_stmt_prepare(
			mem, &c, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)", err);
		if (rc == 0)
			cc_stmt_bind_text(c, 1, x->name, strlen(x->name));
		while (rc == 0 && (rc = cc_stmt_step(c, err)) == 1) {
			rc = 0;
			if (x->ndeps < 8 && strcmp(cc_stmt_text(c, 0), x->name) != 0)
				snprintf(x->deps[x->ndeps++], sizeof x->deps[0], "%s",
					 cc_stmt_text(c, 0));
		}
		cc_stmt_free(c);
		c = NULL;
	}
	cc_store_close(mem);
	return rc < 0 ? rc : 0;
}

/*
 * Copies table X through the store's bulk load (store.h, cc_store_bulk_*): on SQLite one
 * INSERT stepped per row, as before; on PostgreSQL the rows go by COPY and one INSERT ...
 * SELECT, instead of a round trip to the server per row (10M supply edges: hours).
 */
static int copy_table(struct cc_store *from, struct cc_store *to, const struct table *x,
		      int64_t *rows, struct cc_error *err)
{
	char *sel = NULL, *ins = NULL, del[96], types[BULK_MAX_COLS + 1];
	struct cc_buf b = CC_BUF_INIT(1 << 20);
	struct cc_stmt *r = NULL;
	struct cc_bulk *w = NULL;
	struct cc_val v[BULK_MAX_COLS];
	int rc = 0, at_end = 0;
	*rows = 0;
	if (x->ncols > BULK_MAX_COLS)
		return cc_error_set(err, CC_EINVAL, "copy: table %s has more than %d columns",
				    x->name, BULK_MAX_COLS);
	snprintf(del, sizeof del, "SELECT count(*) FROM %s", x->name);
	if (cc_store_int(to, del, 0) > 0) { /* rows the migrations wrote (meta) */
		snprintf(del, sizeof del, "DELETE FROM %s", x->name);
		rc = cc_store_exec(to, del, err);
	}
	const char *order = strcmp(x->name, "supply_edges") == 0 &&
					    strcmp(cc_store_backend(from), "postgresql") == 0
				    ? "rowid"
				    : x->order;
	if (rc == 0 && (cc_buf_printf(&b, "SELECT %s FROM %s%s%s", x->cols, x->name,
				      *order ? " ORDER BY " : "", order) ||
			!(sel = cc_buf_detach(&b))))
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
	cc_buf_reset(&b);
	if (rc == 0) {
		cc_buf_printf(&b, "INSERT INTO %s(%s) VALUES(", x->name, x->cols);
		for (int i = 1; i <= x->ncols; i++)
			cc_buf_printf(&b, "%s?%d", i > 1 ? ", " : "", i);
		if (cc_buf_putc(&b, ')') || !(ins = cc_buf_detach(&b)))
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
	}
	cc_buf_release(&b);
	/* every value a bare ?N: the staging columns take the target columns' types */
	memset(types, 't', (size_t)x->ncols);
	types[x->ncols] = '\0';
	struct cc_bulk_spec spec = {.upsert = ins, .types = types};
	if (rc == 0)
		rc = cc_stmt_prepare(from, &r, sel, err);
	if (rc == 0)
		rc = cc_store_bulk_begin(to, &spec, &w, err);
	while (rc == 0 && (rc = cc_stmt_step(r, err)) == 1) {
		for (int i = 0; i < x->ncols; i++) {
			v[i].type = cc_stmt_kind(r, i);
			switch (v[i].type) {
			case CC_VAL_INT: v[i].i = cc_stmt_int64(r, i); break;
			case CC_VAL_REAL: v[i].d = cc_stmt_double(r, i); break;
			case CC_VAL_TEXT:
				v[i].s = cc_stmt_text(r, i);
				v[i].n = cc_stmt_bytes(r, i);
				break;
			default: break;
			}
		}
		rc = cc_store_bulk_row(w, v, x->ncols, err);
		if (rc == 0)
			(*rows)++;
	}
	if (rc == 0) {
		at_end = 1;
		rc = cc_store_bulk_end(w, NULL, err);
	}
	if (rc < 0) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
		if (at_end) /* PostgreSQL meets constraints as the rows are merged */
			cc_error_set(err, rc, "copy: table %s: %s", x->name, msg);
		else
			cc_error_set(err, rc, "copy: table %s, row %lld: %s", x->name,
				     (long long)*rows + 1, msg);
	}
	cc_stmt_free(r);
	cc_store_bulk_free(w);
	free(sel);
	free(ins);
	return rc < 0 ? rc : 0;
}

int cc_store_copy(struct cc_store *from, struct cc_store *to,
		  void (*progress)(void *ctx, const char *table, int64_t rows), void *ctx,
		  struct cc_error *err)
{
	struct table *t = calloc(MAX_TABLES, sizeof *t);
	int n = 0, rc;
	if (!t)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	rc = load_schema(t, &n, err);
	if (rc == 0 && cc_store_schema_version(from) != cc_store_schema_version(to))
		rc = cc_error_set(
			err, CC_EINVAL,
			"copy: '%s' has schema version %d and '%s' %d (run migrate on both)",
			cc_store_path(from), cc_store_schema_version(from), cc_store_path(to),
			cc_store_schema_version(to));
	if (rc == 0 && cc_store_int(to,
				    "SELECT (SELECT count(*) FROM enterprises) + (SELECT count(*) "
				    "FROM users)",
				    1) != 0)
		rc = cc_error_set(err, CC_EEXIST,
				  "copy: '%s' already has enterprises or accounts: copy into a new "
				  "database",
				  cc_store_path(to));
	/* A read transaction on FROM: one snapshot of every table. */
	int reading = rc == 0 && cc_store_exec(from, "BEGIN", err) == 0;
	if (rc == 0 && !reading)
		rc = CC_EDB;
	if (rc == 0)
		rc = cc_store_begin(to, err);
	if (rc == 0)
		rc = cc_store_log_bulk(to, 1, err);
	for (int done = 0; rc == 0 && done < n;) {
		int progressed = 0;
		for (int i = 0; rc == 0 && i < n; i++) {
			struct table *x = &t[i];
			int ready = !x->done;
			for (int d = 0; ready && d < x->ndeps; d++)
				for (int j = 0; j < n; j++)
					if (strcmp(t[j].name, x->deps[d]) == 0 && !t[j].done)
						ready = 0;
			if (!ready)
				continue;
			int64_t rows = 0;
			rc = copy_table(from, to, x, &rows, err);
			if (rc == 0 && progress)
				progress(ctx, x->name, rows);
			x->done = 1;
			done++;
			progressed = 1;
		}
		if (rc == 0 && !progressed)
			rc = cc_error_set(err, CC_EINVAL,
					  "copy: the tables' foreign keys form a cycle");
	}
	/* Triggers numbered the copied postings again (postings_rev, migration 10) and counted
	 * them in meta: the source's numbers and meta go back (an UPDATE of rev alone fires
	 * no trigger). */
	struct cc_stmt *r = NULL, *w = NULL;
	if (rc == 0)
		rc = cc_stmt_prepare(from, &r, "SELECT id, rev FROM postings", err);
	if (rc == 0)
		rc = cc_stmt_prepare(to, &w, "UPDATE postings SET rev = ?2 WHERE id = ?1", err);
	while (rc == 0 && (rc = cc_stmt_step(r, err)) == 1) {
		cc_stmt_reset(w);
		cc_stmt_bind_int64(w, 1, cc_stmt_int64(r, 0));
		cc_stmt_bind_int64(w, 2, cc_stmt_int64(r, 1));
		rc = cc_stmt_step(w, err) < 0 ? CC_EDB : 0;
	}
	cc_stmt_free(r);
	cc_stmt_free(w);
	for (int i = 0; rc == 0 && i < n; i++) {
		int64_t rows;
		if (strcmp(t[i].name, "meta") == 0)
			rc = copy_table(from, to, &t[i], &rows, err);
	}
	/* The products' text index (SQLite) is rebuilt at the next start; readers rebuild. */
	if (rc == 0)
		rc = cc_store_exec(to, "DELETE FROM meta WHERE key = 'match_index_generation'",
				   err);
	if (rc == 0)
		rc = cc_store_bump_generation(to, err);
	if (rc == 0)
		rc = cc_store_commit(to, err);
	else
		cc_store_rollback(to);
	if (reading)
		cc_store_rollback(from);
	for (int i = 0; i < n; i++) {
		free(t[i].cols);
		free(t[i].order);
	}
	free(t);
	return rc;
}
