/*
 * Shared inside match/: helpers of posting.c used by rank.c and social.c.
 */
#ifndef CC_MATCH_INTERNAL_H
#define CC_MATCH_INTERNAL_H
#include <stdint.h>
#include "frame/frame.h"
#include "match/match.h"

#define MATCH_MAX_TERMS 32

/* A term of a text: lower-cased (ASCII) UTF-8, and its length in characters. */
struct match_term {
	char text[96];
	int chars;
};

/* Bytes of the UTF-8 character starting with byte C (the text is valid UTF-8). */
static inline size_t match_char_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* The columns every posting reader selects, in this order (match_posting_row_json reads them;
 * posting p, its poster e). */
#define POSTING_COLS                                                                               \
	"p.id, p.kind, e.uscc, e.name, e.region, p.title, p.description, p.chain, p.node, "        \
	"p.quantity, p.unit, p.region_pref, p.valid_until, p.status, p.created_at, "               \
	"p.updated_at, p.contact"

/* Cuts TEXT at spaces and punctuation into distinct terms; returns how many (at most MAX). */
int match_terms(const char *text, struct match_term *terms, int max);

/* Copies IN to OUT with the words that only say "buy" or "sell" (采购, 供应, 求购 ...) blanked. */
void match_strip_stopwords(const char *in, char *out, size_t n);

/* MATCH_SUPPLY / MATCH_DEMAND for supply/demand/供/需/供应/需求, else -1. */
int match_kind_parse(const char *s);
/* The store id of the enterprise USCC, 0 when absent, or a negative CC_E*. */
int64_t match_enterprise_id(struct cc_store *st, const char *uscc, struct cc_error *err);
/* Normalises and validates a region list ("510100;500000") into OUT. */
int match_regions_parse(const char *s, char *out, size_t n, struct cc_error *err);

/*
 * What ranking reads of each posting, held in memory on the frame (fields.c) so that text
 * candidates need no row reads: the store's rows as of the call to match_fields_get.
 */
struct match_field {
	double qty;    /* NaN when none */
	int32_t valid; /* valid until, YYYYMMDD; INT32_MAX when open-ended */
	int32_t ent;   /* frame index of the poster, -1 when not in the frame */
	int16_t node;  /* global catalogue node, -1 */
	uint16_t unit; /* match_fields_unit index, 0 when none */
	uint8_t kind;  /* MATCH_SUPPLY / MATCH_DEMAND + 1; 0: no such posting */
	uint8_t open;  /* status 'open' */
};
struct match_fields;
/*
 * The fields of F's postings, brought up to date with ST (the first call scans the table; later
 * ones read the rows written since), read-locked until match_fields_release. NULL on error,
 * and CC_EINVAL in ERR when they are behind and ST is inside a transaction (it might see rows
 * that are rolled back).
 */
struct match_fields *match_fields_get(struct cc_store *st, struct cc_frame *f,
				      struct cc_error *err);
/* The fields of posting ID, or NULL when it is not held (no such posting). */
const struct match_field *match_fields_of(const struct match_fields *m, int64_t id);
/* The index of UNIT (trimmed, ASCII case ignored): 0 for none, -1 when no posting has it. */
int match_fields_unit(const struct match_fields *m, const char *unit);
void match_fields_release(struct match_fields *m);
/* The document frequency of trigram TRI (LEN bytes) in the text index of KIND postings as
 * put by match_fields_df_put since the postings last changed, or -1. Thread-safe. */
int64_t match_fields_df(struct match_fields *m, int kind, const char *tri, size_t len);
void match_fields_df_put(struct match_fields *m, int kind, const char *tri, size_t len, int64_t df);

/*
 * The postings' text index in memory (textidx.c): for each kind, what postings_fts_supply /
 * postings_fts_demand hold, so that a text pass takes FTS5's top rows by its very bm25 without
 * asking SQLite. One per database file, process-wide, made by match_text_build (in the
 * caller's thread) or match_text_start (in a thread of its own); until one is made, ranking
 * asks FTS5. It follows the postings by their revision (as match_fields do).
 */
struct match_text;
struct match_text_hit {
	int64_t rowid;
	double bm25; /* as FTS5's bm25(): negative, lower is better */
};
/* Builds the index of ST's database and makes it the one rankings use. Returns 0 or a
 * negative CC_E* (nothing changes then). */
int match_text_build(struct cc_store *st, struct cc_error *err);
/* match_text_start / match_text_stop (the server's): match.h. */
/*
 * The index of ST's database brought up to date with ST's postings, read-locked until
 * match_text_release; NULL when there is none, when it is behind and ST is inside a
 * transaction, or on an error (ERR set): then ask FTS5.
 */
struct match_text *match_text_get(struct cc_store *st, struct cc_error *err);
void match_text_release(struct match_text *t);
/* Whether T answers for postings of KIND (MATCH_SUPPLY / MATCH_DEMAND). */
int match_text_serves(const struct match_text *t, int kind);
/*
 * The best LIMIT rows of kind KIND for QUERY (quoted phrases OR-ed, as match_query_phrases
 * and the partial pass write them) as FTS5's MATCH ... ORDER BY rank LIMIT gives them: bm25
 * ascending, ties by rowid. Fills OUT (LIMIT entries); returns how many, or a negative CC_E*.
 */
int match_text_top(const struct match_text *t, int kind, const char *query, int limit,
		   struct match_text_hit *out, struct cc_error *err);
/* The live documents of KIND holding trigram TRI (LEN bytes), or -1 when T cannot say. */
int64_t match_text_df(const struct match_text *t, int kind, const char *tri, size_t len);
size_t match_text_bytes(const struct match_text *t);
double match_text_build_seconds(const struct match_text *t);

/* ---- service postings (service.c) ---- */

/* Loads data/digital/capabilities.json once. 0 or a CC_E* with ERR. */
int match_caps_load(struct cc_error *err);
/* Validates GB/T 4754 codes separated by ';', ',' or spaces into OUT (';'-joined). */
int match_industries_parse(const char *in, char *out, size_t n, struct cc_error *err);
/* Makes posting ID a service with CAPABILITIES (and INDUSTRIES served, may be NULL), in the
 * caller's transaction. 0 or CC_EDB. */
int match_service_save(struct cc_store *st, int64_t id, const char *capabilities,
		       const char *industries, struct cc_error *err);
/* Posting ID's capabilities and industries served into CAPABILITIES and INDUSTRIES (N bytes
 * each): 1 when it is a service, 0 when not, CC_EDB. */
int match_service_row(struct cc_store *st, int64_t id, char *capabilities, char *industries,
		      size_t n);
/* Adds to posting ID's JSON O its category ("product" / "service") and, for a service, its
 * capabilities ([{id, kind, name_zh, name_en}]) and industries served. */
void match_service_json(struct cc_store *st, int64_t id, json_t *o);
/* The ids of the service postings, sorted (match_services_has looks one up): a copy of a list
 * kept per database and postings revision (the service rows are written with their posting, so
 * the revision covers them). */
struct match_services {
	int64_t *ids;
	int n, cap;
};
int match_services_load(struct cc_store *st, struct match_services *sv, struct cc_error *err);
int match_services_has(const struct match_services *sv, int64_t id);
void match_services_free(struct match_services *sv);
/* The completed retrofit projects by provider (upper-cased, trimmed), read once per ranking of
 * a service need. */
struct match_track {
	char **key;
	int64_t *count;
	int n;
};
int match_track_load(struct cc_store *st, struct match_track *t, struct cc_error *err);
void match_track_free(struct match_track *t);
/* The open service supply postings that offer some of NEED_CAPS, newest first, into *IDS
 * (malloc'd, the caller frees) and *N. 0 or a negative CC_E*. */
int match_service_candidates(struct cc_store *st, const char *need_caps, int64_t **ids, int *n,
			     struct cc_error *err);
/* Sets a service candidate's capability, industry and track-record components (its score is
 * the caller's). */
void match_service_score(struct cc_store *st, const struct cc_frame *f,
			 const struct match_result *r, const struct match_track *t,
			 struct match_item *it);
/* The reason of component K (capability, industry or track record) of service item IT. */
void match_service_reason(struct cc_store *st, const struct cc_frame *f,
			  const struct match_result *r, const struct match_item *it, int k,
			  char *zh, char *en, size_t n);

/* The posting row of a statement selecting POSTING_COLS (posting.c) as JSON. */
struct cc_stmt;
json_t *match_posting_row_json(struct cc_stmt *s, const char *today, int with_private);
/* Column COL of S as a JSON string (new reference), null when NULL. */
json_t *match_text_or_null(struct cc_stmt *s, int col);

#endif
