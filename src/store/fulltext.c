/*
 * The SQLite side of store/fulltext.h: FTS5 queries over the trigram tables of schema.c
 * (postings_fts, postings_fts_supply, postings_fts_demand, match_products_fts).
 */
#include <stdio.h>
#include <string.h>
#include "store/fulltext.h"
#include "store/store.h"

/* Each index's FTS5 table T and its statements, static so that cc_stmt_cached keeps them. */
// clang-format off
#define FTS(T)                                                                              \
	{T, "SELECT rowid, bm25(" T ") FROM " T " WHERE " T " MATCH ?1 ORDER BY rank LIMIT ?2", \
	 "SELECT rowid, bm25(" T ") FROM " T " WHERE " T " MATCH ?1 ORDER BY rank",             \
	 "SELECT count(*) FROM (SELECT 1 FROM " T " WHERE " T " MATCH ?1 LIMIT ?2)"}
// clang-format on
static const struct {
	const char *table;
	const char *top, *all, *count;
} fts[] = {
	[CC_FTS_POSTINGS] = FTS("postings_fts"),
	[CC_FTS_POSTINGS_SUPPLY] = FTS("postings_fts_supply"),
	[CC_FTS_POSTINGS_DEMAND] = FTS("postings_fts_demand"),
	[CC_FTS_PRODUCTS] = FTS("match_products_fts"),
};

/*
 * PostgreSQL: the same queries over the pg_trgm GIN indexes of the indexed columns A and B of
 * TABLE (rows WHERE ... KIND), through the SQL functions cc_fts_match / cc_fts_score
 * (store/schema_pg.c, migration 5): no index table of its own, so nothing to rebuild.
 */
// clang-format off
#define PG_SRC(TABLE, KIND, A, B) "FROM " TABLE " WHERE " KIND "cc_fts_match(" A ", " B ", ?1)"
#define PG_TOP(TABLE, KIND, A, B)                                                          \
	"SELECT id, cc_fts_score(" A ", " B ", ?1) AS score " PG_SRC(TABLE, KIND, A, B)    \
	" ORDER BY score, id"
#define PG_FTS(TABLE, KIND, A, B)                                                          \
	{PG_TOP(TABLE, KIND, A, B) " LIMIT ?2", PG_TOP(TABLE, KIND, A, B),                 \
	 "SELECT count(*) FROM (SELECT 1 " PG_SRC(TABLE, KIND, A, B) " LIMIT ?2) x",       \
	 "(SELECT id AS doc, cc_fts_score(" A ", " B ", ?%d) AS score FROM " TABLE         \
	 " WHERE " KIND "cc_fts_match(" A ", " B ", ?%d)) %s"}
// clang-format on
static const struct {
	const char *top, *all, *count, *from_fmt;
} pg[] = {
	[CC_FTS_POSTINGS] = PG_FTS("postings", "", "title", "description"),
	[CC_FTS_POSTINGS_SUPPLY] =
		PG_FTS("postings", "kind = 'supply' AND ", "title", "description"),
	[CC_FTS_POSTINGS_DEMAND] =
		PG_FTS("postings", "kind = 'demand' AND ", "title", "description"),
	[CC_FTS_PRODUCTS] = PG_FTS("match_products", "", "name", "NULL"),
};

static int is_pg(struct cc_store *st)
{
	return strcmp(cc_store_backend(st), "postgresql") == 0;
}

static int known(int index)
{
	return index >= 0 && index < (int)(sizeof fts / sizeof fts[0]) && fts[index].table;
}

struct cc_stmt *cc_fulltext_top(struct cc_store *st, int index, const char *query, int64_t limit,
				struct cc_error *err)
{
	if (!known(index)) {
		cc_error_set(err, CC_EINVAL, "unknown full-text index %d", index);
		return NULL;
	}
	struct cc_stmt *s =
		is_pg(st) ? cc_stmt_cached(st, limit > 0 ? pg[index].top : pg[index].all, err)
			  : cc_stmt_cached(st, limit > 0 ? fts[index].top : fts[index].all, err);
	if (!s)
		return NULL;
	cc_stmt_bind_text(s, 1, query, strlen(query));
	if (limit > 0)
		cc_stmt_bind_int64(s, 2, limit);
	return s;
}

int64_t cc_fulltext_count(struct cc_store *st, int index, const char *query, int64_t max,
			  struct cc_error *err)
{
	if (!known(index))
		return cc_error_set(err, CC_EINVAL, "unknown full-text index %d", index);
	struct cc_stmt *s = cc_stmt_cached(st, is_pg(st) ? pg[index].count : fts[index].count, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_text(s, 1, query, strlen(query));
	cc_stmt_bind_int64(s, 2, max);
	int rc = cc_stmt_step(s, err);
	int64_t n = rc == 1 ? cc_stmt_int64(s, 0) : 0;
	cc_stmt_reset(s);
	return rc < 0 ? CC_EDB : n;
}

int cc_fulltext_from(struct cc_store *st, struct cc_buf *out, int index, int param,
		     const char *alias)
{
	if (!known(index))
		return CC_EINVAL;
	if (is_pg(st))
		return cc_buf_printf(out, pg[index].from_fmt, param, param, alias);
	const char *t = fts[index].table;
	return cc_buf_printf(
		out, "(SELECT rowid AS doc, bm25(%s) AS score FROM %s WHERE %s MATCH ?%d) %s", t, t,
		t, param, alias);
}

int cc_fulltext_rebuild(struct cc_store *st, int index, struct cc_error *err)
{
	if (!known(index))
		return cc_error_set(err, CC_EINVAL, "unknown full-text index %d", index);
	if (is_pg(st))
		return 0; /* GIN indexes follow their tables */
	char sql[160];
	snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES('rebuild')", fts[index].table,
		 fts[index].table);
	return cc_store_exec(st, sql, err);
}
