/*
 * Supply–demand matching (供需对接, 川渝互采互供): postings, ranked counterparts with an
 * explanation, subscriptions with an inbox, deals and their statistics.
 *
 * Postings live in the store (table postings; FORMATS.md "Postings"). A posting is open until
 * withdrawn; an open posting past its valid_until date is expired: it is shown as such and
 * never matches (nothing is rewritten, the state is computed against today's date).
 *
 * Ranking (match_rank): for a posting, the candidates are
 *   - opposite open postings whose title or description shares text with its title (FTS5
 *     trigram MATCH, best bm25 first, at most candidates.text of them), or that sit on the
 *     same chain node (at most candidates.node);
 *   - registered enterprises whose products (what they sell, for a demand posting; what they
 *     buy, for a supply posting: the products of their supply edges) share text with the
 *     title (at most candidates.enterprises), or that are members of the posting's node (for a
 *     demand posting) or buy on it (for a supply posting).
 * Each candidate gets components in 0..1 and the score sum_k weight_k x component_k, the
 * weights from data/match_weights.json:
 *   text         bm25 of the candidate / the best bm25 of its pass (0 when the text index
 *                did not return it; times partial_text in the partial pass);
 *   node         1 same node, node_related (0.5) when one node is the other's parent or they
 *                share a parent, 0 otherwise or when either side names no node;
 *   industry     for a demand posting (a maker is wanted): 1 when the candidate's GB/T 4754
 *                class is one of the node's industries (the catalogue), industry_division
 *                (0.5) when only the 2-digit division agrees; for a supply posting (a buyer is
 *                wanted) the same against the industries of every node of the node's chain;
 *   region_pref  1 when the candidate lies in one of the posting's preferred regions (code
 *                prefix), 0 otherwise; 0 when the posting states no preference;
 *   cross_city   1 when one side is in Chongqing (50) and the other in Sichuan (51): the
 *                川渝 mutual-procurement bonus (pair in the weights file);
 *   quantity     min(q1, q2) / max(q1, q2) when both postings give a quantity in the same
 *                unit (case-insensitive), else 0;
 *   credibility  mean of: certificates held (high-tech, tech SME, 专精特新 ... ) / certs_full,
 *                size (large 1, medium 0.7, small 0.4, micro 0.2), and days on the platform
 *                (since the registry record was created) / platform_days_full, each capped at 1.
 * Ties are broken by kind (postings first), then the smaller id: the order is deterministic.
 * The poster's own postings and the poster itself are never candidates.
 *
 * Text candidates come in two passes. The exact pass looks for the title's terms whole
 * (match_query_phrases: each 3+ character term a phrase, OR-ed); when it finds fewer than
 * partial_below (20, a page), the partial pass adds candidates sharing trigrams of the terms
 * (match_query_build), with a text component halved (partial_text): a posting naming the
 * whole term ranks above one sharing part of it. The partial pass keeps the rarest
 * partial_terms (4) trigrams of those in at most partial_max_df (3,000) documents of the index
 * (fts5vocab, migration 8): a common trigram adds little to bm25, but every document holding
 * it would be scored, and it set the p99 latency. Each pass takes the best bm25 rows of the
 * FTS5 index of the opposite kind alone (postings_fts_supply / _demand, migration 6; ORDER BY
 * rank LIMIT 1.5 x wanted + 8) and then keeps the open, unexpired ones not the poster's by
 * rowid, so the index's own top-k does the heavy work.
 *
 * Text queries: words that only say buy or sell (采购, 供应, 求购 ...) are
 * dropped from the title (match_rank), the text is cut at spaces and punctuation into terms; a
 * term of 3+ characters contributes its distinct trigrams (quoted, so FTS5 syntax cannot leak
 * in), OR-ed together, so candidates sharing more of the text rank higher. Terms of 1–2
 * characters cannot be served by the trigram index (DOMAIN.md: on SQLite 3.40.1 a 2-character
 * LIKE on a trigram table even returns no rows): searches made only of them scan the postings
 * table with instr() instead.
 */
#ifndef CC_MATCH_MATCH_H
#define CC_MATCH_MATCH_H
#include <stdint.h>
#include <jansson.h>
#include "base/error.h"
#include "frame/frame.h"
#include "store/store.h"

enum match_kind_t { MATCH_SUPPLY = 0, MATCH_DEMAND = 1 };

/* A posting to create (id 0) or update (id > 0). Strings may be NULL. */
struct posting_in {
	int64_t id;
	const char *kind; /* supply / demand (供 / 需 accepted) */
	const char *uscc; /* the poster */
	const char *title, *description;
	const char *node;     /* "chain.node" or a bare unambiguous node id */
	const char *quantity; /* text as given: a number, or NULL / "" */
	const char *unit;
	const char *region_pref; /* codes separated by ';' or ',' */
	const char *valid_until; /* YYYY-MM-DD */
	const char *contact;
	const char *actor; /* who writes (audit) */
	/* A service (issue 16 item 6): category "service" with capabilities (codes of
	 * data/digital/capabilities.json, ';'-joined) and, for a provider, the GB/T 4754 codes
	 * of the industries it serves. NULL category: "product", or as it was on an update. */
	const char *category, *capabilities, *industries;
};

/*
 * Validates and writes a posting in one transaction with its audit row, then delivers it to
 * matching subscriptions. Errors (CC_EINVAL, with the field in ERR's message first word
 * "field: reason"): unknown kind, bad credit code, empty title, quantity not a number or
 * negative, unknown region code, unknown node, bad date, title over 200 characters. An update
 * may not change the poster. Returns 0 and *ID.
 */
int posting_save(struct cc_store *st, const struct posting_in *in, int64_t *id,
		 struct cc_error *err);

/* Withdraws posting ID (audited). CC_ENOTFOUND when there is none. */
int posting_withdraw(struct cc_store *st, int64_t id, const char *actor, struct cc_error *err);

/*
 * The field a posting_save error is about ("title", "quantity" ...), parsed from ERR, or NULL.
 */
const char *posting_error_field(const struct cc_error *err);

/*
 * Posting ID as JSON: id, kind, uscc, enterprise, region, title, description, chain, node,
 * node_name, quantity, unit, region_pref, valid_until, status (open / withdrawn / expired),
 * created_at, updated_at, contact (only when WITH_PRIVATE). NULL and CC_ENOTFOUND when absent.
 */
json_t *posting_get(struct cc_store *st, int64_t id, int with_private, struct cc_error *err);

/* The credit code of posting ID's poster into OUT (19 bytes). Returns 0 or CC_ENOTFOUND. */
int posting_owner(struct cc_store *st, int64_t id, char *out, struct cc_error *err);

struct posting_query {
	const char *q;	  /* text: trigram MATCH for 3+ characters, substring scan for 1–2 */
	const char *kind; /* supply / demand / NULL */
	const char *chain, *node;
	int region;	   /* poster's region code prefix (50, 5001, 500112) or 0 */
	const char *uscc;  /* only this poster's postings */
	const char *state; /* open (default: open and not expired), expired, withdrawn, all */
	int limit, offset;
	const char *sort; /* NULL or "": newest first (by relevance with q); else one of
			     posting_sort_keys: title, enterprise, kind, node, quantity,
			     valid_until, created, status (unknown values last) */
	int desc;	  /* with SORT: descending */
};

/* Whether KEY is a sort key of posting_search. */
int posting_sort_known(const char *key);

/* Searches postings: {"items":[...],"total":N,"mode":"fts"|"scan"|"none"}; newest first
 * (or by text relevance when q is given, or by Q->sort, then newest first). Contact details
 * are never included. */
json_t *posting_search(struct cc_store *st, const struct posting_query *q, struct cc_error *err);

/* ---- ranking ---- */

#define MATCH_NCOMP 9
/* Component names in order: text, node, industry, region_pref, cross_city, quantity,
 * credibility, capability, track_record. A product posting is ranked on the first seven, a
 * service posting (a retrofit need against solution providers, issue 16 item 6) on text,
 * industry (the need's enterprise in an industry the provider serves, or its division: the
 * weights' industry_division), region_pref, cross_city, credibility, capability (per capability
 * needed: 1 offered, or a kind needed and a capability of it offered; kind_only of
 * data/digital/capabilities.json when only the capability's kind is offered; the mean) and
 * track_record (the provider's completed projects in the retrofit register, whose provider is
 * its name or credit code, / track_full, capped at 1), weighted by service_weights. Candidates
 * of a service demand are open service supplies offering some capability needed, and the text
 * pass's service postings; a product ranking never takes a service posting. */
extern const char *const match_component[MATCH_NCOMP];
enum {
	MATCH_C_INDUSTRY = 2,
	MATCH_C_CAPABILITY = 7,
	MATCH_C_TRACK = 8,
};

struct match_weights {
	double w[MATCH_NCOMP];	/* product postings */
	double ws[MATCH_NCOMP]; /* service postings */
	double track_full;	/* completed projects that make a full track record */
	int cand_text, cand_node, cand_enterprises;
	double node_related, industry_division;
	double certs_full, platform_days_full;
	double partial_text; /* factor of the text component in the partial pass */
	int partial_below;   /* run the partial pass when the exact one found fewer (a page: 20) */
	int partial_max_df;  /* the partial pass ignores trigrams in more documents than this */
	int partial_terms;   /* and keeps the rarest this many */
	double scale[5];     /* by frame scale code: unknown, large, medium, small, micro */
	int pair[2];	     /* province codes of the pair: 50 and 51 */
};

/* The weights from data/match_weights.json (shared, read-only); NULL with the reason. */
const struct match_weights *match_weights_get(struct cc_error *err);

struct match_item {
	int is_posting; /* 1: an opposite posting; 0: a registered enterprise */
	int64_t id;	/* posting id, or enterprise id */
	int ent;	/* frame index of the counterpart enterprise (-1 if not in the frame) */
	double comp[MATCH_NCOMP]; /* components, 0..1 */
	double score;
	double bm25;	   /* raw bm25 (0 when not from the text index) */
	int pass;	   /* 0 not from the text index, 1 the exact pass, 2 the partial pass */
	char title[256];   /* the enterprise's name, or the posting's title: filled by
			    * match_item_text for a posting, "" before */
	char matched[128]; /* query terms found in the candidate's text, ';'-separated: filled by
			    * match_item_text (for the items shown), "" before */
	int explained;	   /* match_item_text has run */
	int node;   /* global catalogue node of the posting / the node it is a member of, or -1 */
	double qty; /* the posting's quantity, NaN when none */
	char unit[96]; /* the posting's unit: filled by match_item_text, "" before */
	int unit_id;   /* the unit as ranking compares it (match/fields.c), 0 none */
	int days;      /* days the counterpart has been on the platform, -1 unknown */
	int track;     /* a service provider's completed retrofit projects (track record) */
};

struct match_result {
	int64_t posting_id;
	int kind;	 /* of the posting */
	char query[512]; /* the exact-pass FTS query ("" when the title has no 3+ character term) */
	char partial[512]; /* the partial-pass query (the rare trigrams), "" when it did not run */
	int n;		   /* candidates ranked */
	struct match_item *items; /* best first */
	/* The posting itself, for explanations. */
	char uscc[19];
	int ent, node, region;
	double qty;
	char unit[96];
	int unit_id;
	char regions[256];
	char topic[1024]; /* its title without the buy/sell words */
	int service;	  /* a service posting (ranked on service_weights) */
	char caps[512];	  /* its capabilities, ';'-joined */
};

/* Whether component K is part of R's ranking (the explanation lists those). */
int match_component_applies(const struct match_result *r, int k);

/*
 * Ranks the counterparts of posting ID over frame F (see the top of this file). An expired or
 * withdrawn posting has no matches (CC_EINVAL saying so). TODAY is YYYY-MM-DD (NULL: the
 * current UTC date). Returns 0 and OUT (free with match_result_free).
 */
int match_rank(struct cc_store *st, struct cc_frame *f, int64_t id, const char *today,
	       struct match_result *out, struct cc_error *err);
void match_result_free(struct match_result *r);

/* Appends item I of R to B as a JSON object with its explanation: components, weights,
 * contributions, reasons in Chinese and English, and the counterpart's name, credit code,
 * region and node (numbers as cc_buf_num). Returns 0 or CC_ENOMEM (B is full). */
struct cc_buf;
int match_item_write(struct cc_store *st, const struct cc_frame *f, struct match_result *r, int i,
		     struct cc_buf *b);
/* Fills item I's matched text (the query's terms found in its title and description, or its
 * products), reading them again: ranking does not keep the texts of hundreds of candidates. */
void match_item_text(struct cc_store *st, struct match_result *r, int i);

/*
 * The text component of a candidate that is not in a text index (a 揭榜挂帅 challenge's
 * technology against an enterprise's patent titles): the share of TOPIC's trigrams (of its 3+
 * character terms, buy/sell words dropped) that TEXT holds, 0..1, ASCII case ignored; MATCHED
 * (N bytes, may be NULL) gets the maximal runs of shared trigrams, ';'-joined, as a posting's
 * explanation reports them. 0 when TOPIC has no 3+ character term or TEXT is NULL.
 */
double match_text_share(const char *topic, const char *text, char *matched, size_t n);

/* ---- posting-like demands (match/demand.c) ---- */

/*
 * A demand that is not a row of postings (a 揭榜挂帅 challenge, issue 17 item 4): its caller
 * gathers the candidates and their components in 0..1; the engine scores them as match_rank
 * does (sum of weight x component, rounded to 1e-9 so that sums in another order cannot flip a
 * tie), orders them (best first, ties by the smaller id) and writes each component's
 * explanation in the shape of a posting match's ({component, name_zh, value, weight,
 * contribution, reason_zh, reason_en}).
 */
double match_demand_score(const double *weight, const double *value, int ncomp);
/* Best first, then the smaller id: <0 when (SA, IDA) ranks before (SB, IDB). */
int match_demand_cmp(double sa, int64_t ida, double sb, int64_t idb);
/* One explanation entry as JSON (owned by the caller). */
json_t *match_demand_part(const char *component, const char *name_zh, double value, double weight,
			  const char *reason_zh, const char *reason_en);

/*
 * Builds the FTS5 query of TEXT into OUT (size N): distinct trigrams of each 3+ character
 * term, quoted and OR-ed. Returns the number of trigrams (0: no 3+ character term).
 */
int match_query_build(const char *text, char *out, size_t n);
/* The same with each 3+ character term whole, as a phrase: '"轮毂轴承" OR "车规级mcu"'. */
int match_query_phrases(const char *text, char *out, size_t n);

/* Validates a capability list (ids or Chinese names of data/digital/capabilities.json
 * separated by ';', ',' or spaces) into OUT (ids joined by ';', each once). CC_EINVAL names
 * an unknown one. */
int match_caps_parse(const char *in, char *out, size_t n, struct cc_error *err);
/* The capabilities a maturity gap (question id QUESTION of data/digital/maturity.json) needs,
 * ';'-joined into OUT (data/digital/capabilities.json "maturity_gaps"); returns how many. */
int match_caps_of_gap(const char *question, char *out, size_t n);

/* ---- the enterprise text index ---- */

/* Rebuilds the product index from supply edges: match_products (distinct products, with the
 * FTS5 trigram index match_products_fts) and who sells (match_sellers: the supplier is
 * registered) and buys (match_buyers) each. Run after importing enterprises or supply edges. */
int match_index_rebuild(struct cc_store *st, struct cc_error *err);
/*
 * After an import: rebuilds the enterprise index when the data generation moved since it was
 * built, and delivers postings not yet delivered to the subscriptions' inboxes. Cheap when
 * nothing changed.
 */
int match_refresh(struct cc_store *st, struct cc_error *err);
/*
 * match_refresh after an import that started at data generation BEFORE: when PRODUCTS is 0
 * (no enterprises or supply edges were imported) and the index was current at BEFORE, it is
 * still current and is not rebuilt (a monthly indicator import must not cost a rebuild).
 */
int match_refresh_after(struct cc_store *st, int64_t before, int products, struct cc_error *err);

/* ---- subscriptions and inbox ---- */

/* Follows WHAT (node, region, keyword) = VALUE, optionally only KIND postings, for USER.
 * Validates the node / region. A new subscription receives at once every open, unexpired
 * posting it matches (match_deliver_open); *DELIVERED (may be NULL) says how many (0 when the
 * subscription already existed). Returns 0 and *ID. */
int match_follow(struct cc_store *st, const char *user, const char *what, const char *value,
		 const char *kind, int64_t *id, int64_t *delivered, struct cc_error *err);
int match_unfollow(struct cc_store *st, const char *user, int64_t id, struct cc_error *err);
/* The subscriptions of USER as a JSON array. */
json_t *match_subscriptions(struct cc_store *st, const char *user, struct cc_error *err);
/*
 * Delivers postings with id > AFTER to the inbox of every matching subscription (not to the
 * poster's own accounts). Returns the number of inbox rows written, or a negative CC_E*.
 */
int64_t match_deliver(struct cc_store *st, int64_t after, struct cc_error *err);
/*
 * Delivers to subscription SUBSCRIPTION every posting that is open and not past its
 * valid_until today and that it matches (the rule of match_deliver). Returns the number of
 * inbox rows written, or a negative CC_E*.
 */
int64_t match_deliver_open(struct cc_store *st, int64_t subscription, struct cc_error *err);
/* USER's inbox, newest first: {"items":[{id, posting{...}, subscription{...}, read}],
 * "unread":N}. */
json_t *match_inbox(struct cc_store *st, const char *user, int limit, int unread_only,
		    struct cc_error *err);
/* Marks inbox items read (ID 0: all). Returns the number marked or a negative CC_E*. */
int64_t match_inbox_read(struct cc_store *st, const char *user, int64_t id, struct cc_error *err);

/* ---- deals ---- */

/* The largest order value a deal may carry, in 万元: 10^7 万元 = 1,000 亿元, beyond any one
 * order between the region's firms; larger values are typing or unit errors (or an attempt to
 * swamp the statistics). A value is above 0 and at most this. */
#define MATCH_DEAL_VALUE_MAX 1e7

/* A deal after a mark: its id, status ("contacted", "proposed", "agreed" or "failed") and
 * which sides have confirmed the agreement. */
struct match_deal_state {
	int64_t id;
	char status[16];
	int supplier_confirmed, buyer_confirmed;
};

/*
 * Records that posting POSTING and its counterpart (posting CP_POSTING, or when 0 the
 * enterprise CP_USCC) were contacted / agreed / failed, with an optional order VALUE (万元,
 * NaN: none; else above 0 and at most MATCH_DEAL_VALUE_MAX) and comment. Creates the deal on
 * first mark; every mark is an event (audited).
 *
 * A deal is agreed only when both sides confirm it. PARTY is the credit code of the enterprise
 * marking (one of the two sides, else CC_EPERM), or NULL for staff and the CLI, who record a
 * deal both parties reported. A party's "agreed" confirms its side of the agreement at the
 * deal's value (a new value replaces the old one and withdraws the other side's
 * confirmation); the deal stays "proposed" until the other side confirms too. NULL's
 * "agreed" confirms both sides. "contacted" and "failed" withdraw both confirmations. Only
 * agreed deals count as agreed in match_stats. Returns 0 and fills *OUT.
 */
int match_deal_mark_as(struct cc_store *st, int64_t posting, int64_t cp_posting,
		       const char *cp_uscc, const char *status, double value, const char *comment,
		       const char *actor, const char *party, struct match_deal_state *out,
		       struct cc_error *err);
/* match_deal_mark_as for staff and the CLI (PARTY NULL); sets *ID. */
int match_deal_mark(struct cc_store *st, int64_t posting, int64_t cp_posting, const char *cp_uscc,
		    const char *status, double value, const char *comment, const char *actor,
		    int64_t *id, struct cc_error *err);
/* The two credit codes of deal ID (the poster's and the counterpart's). */
int match_deal_parties(struct cc_store *st, int64_t id, char *a, char *b, struct cc_error *err);
/* Deals (optionally of one enterprise USCC) with their events and confirmations, newest
 * first. */
json_t *match_deals(struct cc_store *st, const char *uscc, int limit, struct cc_error *err);

/*
 * Statistics: postings (by kind), deals and agreed deals with value, by chain, by direction
 * (cq_to_cd: a Chongqing supplier and a Sichuan buyer; cd_to_cq; within_cq; within_cd; other)
 * and by month. {"totals":{...},"by_chain":[...],"by_direction":[...],"by_month":[...]}.
 */
json_t *match_stats(struct cc_store *st, struct cc_error *err);

/* Sets how matching's posting fields follow a new frame version (cc_frame_ext_policy): shared,
 * since they follow the postings themselves. Called once before the server follows the log. */
void match_follow_init(void);

/*
 * The postings' text index in memory (match/textidx.c; match_internal.h), which the server
 * keeps so that ranking need not ask FTS5: match_text_start builds it in a thread of its own
 * on a connection to PATH (ranking asks FTS5 until it is ready) and returns 0 or CC_ENOMEM;
 * the thread says on standard error what it built, or why not. match_text_stop stops a build
 * under way and frees every index (no ranking may be running).
 */
int match_text_start(const char *path);
void match_text_stop(void);

#endif
