/*
 * Enterprise search over a frame: the one engine behind GET /api/v1/enterprises and
 * `chainchief enterprise list`. A query is a set of filters (name fragment, credit code,
 * region, industry, chain, node, certificate, listing, scale, and the code a caller is confined
 * to), a sort (credit code, name, or a metric of a year) and a page; the answer is the page's
 * frame indexes and the number of matches in all.
 *
 * Filters are scans of the frame's columns; the name filter is a byte substring search over a
 * per-frame blob of all names (so 1- and 2-character Chinese fragments work, which an FTS5
 * trigram index cannot answer). Metric sorts walk a per-frame sorted order, and the total of
 * each filter combination is cached per frame, so a page whose total is known stops at its
 * last row. These caches live in the frame's slots CC_FRAME_SLOT_NAME_BLOB, _CHAIN_MASKS and
 * _SEARCH; cc_enterprise_search_follow_init says how they follow a new frame version.
 */
#ifndef CC_FRAME_SEARCH_H
#define CC_FRAME_SEARCH_H
#include <stdint.h>
#include "base/error.h"
#include "frame/frame.h"

/* Words of the frame's registry codes, indexed by the frame's value (NULL where 0 = unknown);
 * certificates by bit number of enum cc_cert_bits_t. */
#define CC_SCALE_WORDS	5
#define CC_LISTED_WORDS 7
#define CC_CERT_WORDS	5
extern const char *const cc_scale_words[CC_SCALE_WORDS];   /* -, large, medium, small, micro */
extern const char *const cc_listed_words[CC_LISTED_WORDS]; /* -, none, main, star, gem, bse, neeq */
extern const char *const cc_cert_words[CC_CERT_WORDS];	   /* hightech … innovative_sme */

/* Returns the index of S among WORDS[0..N-1] (NULL entries never match), or -1. */
int cc_enterprise_word(const char *s, const char *const *words, int n);

enum cc_enterprise_sort_t {
	CC_ENTERPRISE_BY_CODE = 0, /* credit-code order (the frame's own) */
	CC_ENTERPRISE_BY_NAME,	   /* bytes of the UTF-8 names, then code order */
	CC_ENTERPRISE_BY_METRIC,   /* metric of a year; unknown values last, ties by code */
};

/*
 * A search. Every filter is "any" as cc_enterprise_query_init leaves it; the strings are
 * borrowed for the call. Filters combine with "and".
 */
struct cc_enterprise_query {
	const char *name;     /* bytes the name holds (case as given); NULL or "" any */
	const char *uscc;     /* canonical 18-character code: that enterprise only; NULL any */
	const char *confine;  /* canonical code the caller is confined to (an enterprise account
			       * sees only itself); NULL none */
	int region;	      /* a region scope as cc_region_span reads it; 0 any */
	const char *industry; /* prefix of the GB/T 4754 code, ASCII case ignored; NULL or "" any */
	int chain;	      /* catalogue chain index; -1 any */
	int node;	      /* catalogue node index (global); -1 any */
	int cert;	      /* bit number of enum cc_cert_bits_t the enterprise holds; -1 any */
	int listed;	      /* the frame's listed value (1..6); -1 any */
	int scale;	      /* the frame's scale value (1..4); -1 any */
	int sort;	      /* enum cc_enterprise_sort_t */
	int metric, year;     /* CC_ENTERPRISE_BY_METRIC: metric id and year; a year the frame
			       * does not hold sorts by code */
	int desc;	      /* descending (code order read backwards, names from the end) */
	long long offset;     /* the page: matches offset .. offset + limit - 1 */
	long long limit;
};

/* Sets every filter to "any", code order ascending, offset 0, limit 50. */
void cc_enterprise_query_init(struct cc_enterprise_query *q);

/* The answer: ROWS (malloc'd, owned by the page) are the page's frame indexes in order. */
struct cc_enterprise_page {
	int32_t *rows;
	int nrows;
	int total; /* matches of the filters in all (not only the page) */
};

/*
 * Runs Q over F. Returns 0 and fills PAGE (release with cc_enterprise_page_release), or
 * CC_EINVAL (an offset or limit below 0) or CC_ENOMEM with the reason in ERR; PAGE is empty
 * then. The caches it hangs on F make a second search of the same filters cheaper; F is not
 * otherwise changed. Thread-safe on a shared frame.
 */
int cc_enterprise_search(struct cc_frame *f, const struct cc_enterprise_query *q,
			 struct cc_enterprise_page *page, struct cc_error *err);

/* Frees the page's rows and empties it. Accepts NULL. */
void cc_enterprise_page_release(struct cc_enterprise_page *page);

/*
 * Sets how the engine's caches follow a new frame version (cc_frame_ext_policy): the name blob
 * is dropped when registry fields change, the chain masks when membership changes, and the
 * sorted orders and totals are followed (orders of changed metrics patched, totals kept when
 * only indicators changed). Called once before frames are followed.
 */
void cc_enterprise_search_follow_init(void);

/*
 * For tests: 0 when F's cached order by metric M of YEAR (made or followed) equals a fresh
 * sort, 1 when it differs, -1 when it cannot be made.
 */
int cc_enterprise_order_check(struct cc_frame *f, int m, int year, int desc);

#endif
