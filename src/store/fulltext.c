/*
 * The SQLite side of store/fulltext.h: FTS5 queries over the trigram tables of schema.c
 * (postings_fts, postings_fts_supply, postings_fts_demand, match_products_fts).
 */
#include <stdio.h>
#include <string.h>
#include "store/fulltext.h"
#include "store/store.h"

/* Each index's FTS5 table and its statements, static so that cc_stmt_cached keeps them. */
static const struct {
	const char *table;
	const char *top, *all, *count;
} fts[] = {
	[CC_FTS_POSTINGS] = {"postings_fts",
			     "SELECT rowid, bm25(postings_fts) FROM postings_fts WHERE "
			     "postings_fts MATCH ?1 ORDER BY rank LIMIT ?2",
			     "SELECT rowid, bm25(postings_fts) FROM postings_fts WHERE "
			     "postings_fts MATCH ?1 ORDER BY rank",
			     "SELECT count(*) FROM (SELECT 1 FROM postings_fts WHERE postings_fts "
			     "MATCH ?1 LIMIT ?2)"},
	[CC_FTS_POSTINGS_SUPPLY] = {"postings_fts_supply",
				    "SELECT rowid, bm25(postings_fts_supply) FROM "
				    "postings_fts_supply WHERE postings_fts_supply MATCH ?1 "
				    "ORDER BY rank LIMIT ?2",
				    "SELECT rowid, bm25(postings_fts_supply) FROM "
				    "postings_fts_supply WHERE postings_fts_supply MATCH ?1 "
				    "ORDER BY rank",
				    "SELECT count(*) FROM (SELECT 1 FROM postings_fts_supply WHERE "
				    "postings_fts_supply MATCH ?1 LIMIT ?2)"},
	[CC_FTS_POSTINGS_DEMAND] = {"postings_fts_demand",
				    "SELECT rowid, bm25(postings_fts_demand) FROM "
				    "postings_fts_demand WHERE postings_fts_demand MATCH ?1 "
				    "ORDER BY rank LIMIT ?2",
				    "SELECT rowid, bm25(postings_fts_demand) FROM "
				    "postings_fts_demand WHERE postings_fts_demand MATCH ?1 "
				    "ORDER BY rank",
				    "SELECT count(*) FROM (SELECT 1 FROM postings_fts_demand WHERE "
				    "postings_fts_demand MATCH ?1 LIMIT ?2)"},
	[CC_FTS_PRODUCTS] = {"match_products_fts",
			     "SELECT rowid, bm25(match_products_fts) FROM match_products_fts "
			     "WHERE match_products_fts MATCH ?1 ORDER BY rank LIMIT ?2",
			     "SELECT rowid, bm25(match_products_fts) FROM match_products_fts "
			     "WHERE match_products_fts MATCH ?1 ORDER BY rank",
			     "SELECT count(*) FROM (SELECT 1 FROM match_products_fts WHERE "
			     "match_products_fts MATCH ?1 LIMIT ?2)"},
};

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
	struct cc_stmt *s = cc_stmt_cached(st, limit > 0 ? fts[index].top : fts[index].all, err);
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
	struct cc_stmt *s = cc_stmt_cached(st, fts[index].count, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_text(s, 1, query, strlen(query));
	cc_stmt_bind_int64(s, 2, max);
	int rc = cc_stmt_step(s, err);
	int64_t n = rc == 1 ? cc_stmt_int64(s, 0) : 0;
	cc_stmt_reset(s);
	return rc < 0 ? CC_EDB : n;
}

int cc_fulltext_from(struct cc_buf *out, int index, int param, const char *alias)
{
	if (!known(index))
		return CC_EINVAL;
	const char *t = fts[index].table;
	return cc_buf_printf(
		out, "(SELECT rowid AS doc, bm25(%s) AS score FROM %s WHERE %s MATCH ?%d) %s", t, t,
		t, param, alias);
}

int cc_fulltext_rebuild(struct cc_store *st, int index, struct cc_error *err)
{
	if (!known(index))
		return cc_error_set(err, CC_EINVAL, "unknown full-text index %d", index);
	char sql[160];
	snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES('rebuild')", fts[index].table,
		 fts[index].table);
	return cc_store_exec(st, sql, err);
}
