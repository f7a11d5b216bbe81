/*
 * Full-text search over the store's text indexes: the only place that knows how they are
 * built (SQLite: the FTS5 trigram tables of schema.c, kept current by triggers) and queried
 * (MATCH, bm25(), rank, the index's rowid). Matching (match/rank.c, match/posting.c,
 * match/social.c) asks through these functions; a PostgreSQL backend implements them over
 * pg_trgm GIN indexes.
 *
 * The query language is the subset our callers build: one or more phrases, each in double
 * quotes (no double quote inside), joined by " OR " or by " AND " (one of the two in a query).
 * A document matches a phrase when its text contains the phrase, case folded as
 * cc_store_trigram_tokenize folds (phrases shorter than three characters match nothing).
 *
 * Scores: lower is better and a match scores below 0. On SQLite the score is FTS5's bm25()
 * with its default parameters, to the bit (match/textidx.c's in-memory index reproduces it and
 * test_match compares the two); another backend's score may rank differently.
 */
#ifndef CC_STORE_FULLTEXT_H
#define CC_STORE_FULLTEXT_H
#include <stdint.h>
#include "base/buf.h"
#include "base/error.h"

struct cc_store;
struct cc_stmt;

enum cc_fts_index_t {
	CC_FTS_POSTINGS = 0,	    /* every posting's title and description; doc = postings.id */
	CC_FTS_POSTINGS_SUPPLY = 1, /* the same, of the supply postings only */
	CC_FTS_POSTINGS_DEMAND = 2, /* the same, of the demand postings only */
	CC_FTS_PRODUCTS = 3,	    /* match_products.name; doc = match_products.id */
};

/*
 * The documents of INDEX matching QUERY, best first (score, then as the index orders equal
 * scores), at most LIMIT of them (LIMIT <= 0: all): a statement kept by ST (do not free it),
 * bound and ready to step, whose rows are (doc id, score): read them with cc_stmt_int64(s, 0)
 * and cc_stmt_double(s, 1), and cc_stmt_reset it when done (stepping to the end or not).
 * Returns NULL with the reason in ERR when INDEX is unknown or the statement does not prepare.
 */
struct cc_stmt *cc_fulltext_top(struct cc_store *st, int index, const char *query, int64_t limit,
				struct cc_error *err);
/*
 * The number of documents of INDEX matching QUERY, counted no further than MAX (so at most
 * MAX; a common phrase costs no more than MAX documents). Returns it or a negative CC_E*.
 */
int64_t cc_fulltext_count(struct cc_store *st, int index, const char *query, int64_t max,
			  struct cc_error *err);
/*
 * Appends to OUT a table expression for a FROM clause (for ST's backend): the documents of INDEX
 * matching the query bound to parameter ?PARAM, as a derived table named ALIAS with the columns doc
 * (the document's id) and score (as above), for a query that joins them with other tables and
 * orders by score. Returns 0 or CC_EINVAL for an unknown INDEX, CC_ENOMEM when OUT is full.
 */
int cc_fulltext_from(struct cc_store *st, struct cc_buf *out, int index, int param,
		     const char *alias);
/*
 * Rebuilds INDEX from its table in one go, after its table was rewritten (CC_FTS_PRODUCTS:
 * match/social.c refills match_products; the posting indexes follow their table by
 * triggers). Runs inside the caller's transaction. Returns 0 or a negative CC_E*.
 */
int cc_fulltext_rebuild(struct cc_store *st, int index, struct cc_error *err);

#endif
