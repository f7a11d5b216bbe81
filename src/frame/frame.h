/*
 * The frame: an immutable, columnar snapshot of the store that every analytic reads (struct of
 * arrays: one double[] per metric and period, int32 indices for enterprises, regions, nodes).
 * Built in one pass per table, shared by reference count, never written after it is built.
 *
 * Enterprises are indexed 0..n-1 in uscc order. Unknown values are NaN.
 *
 * Versions: every write to a table the frame reads is logged in the store's change log
 * (migration 12). cc_frame_follow turns a frame and the changes after it into the next
 * version: the changed rows patched into new versions of the affected columns, whose
 * unchanged blocks are shared with the old version (frame/col.h), or a full build when the
 * change is structural (enterprises added or deleted, a new year, a bulk import) or large.
 *
 * Sharing (struct cc_frame_cache): readers take the newest complete version with
 * cc_frame_cache_get() and give it back with cc_frame_release(); once started, a background
 * thread follows the log, so no request builds. A version is freed when its last reader
 * releases it.
 */
#ifndef CC_FRAME_FRAME_H
#define CC_FRAME_FRAME_H
#include <stdint.h>
#include "base/arena.h"
#include "base/error.h"
#include "base/fixed.h"
#include "domain/metric.h"
#include "store/store.h"

enum cc_cert_bits_t {
	CC_CERT_HIGHTECH = 1,
	CC_CERT_TECH_SME = 2,
	CC_CERT_SRDI = 4,
	CC_CERT_SRDI_GIANT = 8,
	CC_CERT_INNOVATIVE_SME = 16,
};

enum cc_role_t { CC_ROLE_MASTER = 0, CC_ROLE_CORE = 1, CC_ROLE_MEMBER = 2 };
/* The role of a chain_members row ('master', 'core', 'member') as enum cc_role_t. */
static inline uint8_t cc_role_of(const char *r)
{
	return r[0] == 'm' && r[1] == 'a' ? CC_ROLE_MASTER
	       : r[0] == 'c'		  ? CC_ROLE_CORE
					  : CC_ROLE_MEMBER;
}

/* Columns a frame owns (frame.c): ownership of the arrays below, shared between versions. */
#define CC_FRAME_NCOLS (23 + CC_M_COUNT + CC_M_BASE_COUNT)
#define CC_FRAME_SLOTS 16 /* room for cache slots (cc_frame_ext): enum cc_frame_slot_t */

/*
 * The caches hung on a frame (cc_frame_ext), one slot each: what the slot holds and the module
 * that makes it and sets how it follows a new version (cc_frame_ext_policy). The module that
 * makes a slot's cache owns it; the frame frees it with the maker's free function when the
 * last version sharing it goes.
 */
enum cc_frame_slot_t {
	CC_FRAME_SLOT_FRAGMENTS,      /* http/h_enterprise.c: each enterprise's fixed JSON fields */
	CC_FRAME_SLOT_NAME_BLOB,      /* frame/search.c: every name in one buffer (name search) */
	CC_FRAME_SLOT_CHAIN_MASKS,    /* frame/search.c: each enterprise's chains as bits */
	CC_FRAME_SLOT_SEARCH,	      /* frame/search.c: sorted orders by metric, totals */
	CC_FRAME_SLOT_RISK_NET,	      /* risk/risk_net.c (via http/h_risk.c): the supply network */
	CC_FRAME_SLOT_DOMINATORS,     /* http/h_risk.c: the chains' dominators (single points) */
	CC_FRAME_SLOT_TTS_INDEX,      /* risk/tts.c (via http/h_risk.c): time-to-survive index */
	CC_FRAME_SLOT_POSTING_FIELDS, /* match/fields.c: the postings' fields; unlike the others
				       * they follow later writes under their own lock */
	CC_FRAME_SLOT_CHAIN_ANALYSES, /* http/h_chain.c: memoised chain analyses */
	CC_FRAME_SLOT_RISK_CHAINS,    /* http/h_risk.c: each chain's dominators and articulation
				       * points in full (the risk chain page), made per chain */
	CC_FRAME_SLOT_AS_OF, /* http/h_report.c: 数据截至 per scope, chain and metrics */
	CC_FRAME_SLOT_COUNT
};
_Static_assert(CC_FRAME_SLOT_COUNT <= CC_FRAME_SLOTS,
	       "every enum cc_frame_slot_t slot needs room in struct cc_frame's ext[]");
struct cc_col;
struct cc_frame_strings;
struct cc_frame_extref;

struct cc_frame {
	int refs;	    /* atomic */
	int64_t generation; /* meta 'generation' when built or patched (informational) */
	int64_t seq;	    /* every logged change up to this sequence number is in the frame */
	int flags;	    /* enum cc_frame_flags_t it was built with */

	/* Enterprises. */
	int n;
	int64_t *id; /* store id */
	char (*uscc)[19];
	const char **name;
	int32_t *region;       /* GB/T 2260 code */
	const char **industry; /* GB/T 4754 code or NULL */
	int32_t *founded;      /* YYYYMMDD or 0 */
	int32_t *created; /* YYYYMMDD the registry record was created (on the platform since), or 0
			   */
	int32_t *index_of_id; /* store id -> index, -1 (0 .. max_id); see cc_frame_of_id */
	int64_t max_id;
	uint8_t *scale;	 /* 0 unknown, 1 large, 2 medium, 3 small, 4 micro */
	uint8_t *listed; /* 0 unknown, 1 none, 2 main, 3 star, 4 gem, 5 bse, 6 neeq */
	uint8_t *certs;	 /* enum cc_cert_bits_t */

	/* Annual values: annual[m][y * n + i] for metric m, year year0 + y. The derived metrics'
	 * columns (m >= CC_M_BASE_COUNT) are NULL until first read through cc_frame_annual or
	 * cc_frame_metric, which make them. */
	int year0, nyears;
	double *annual[CC_M_COUNT];

	/* Monthly values of the base metrics: monthly[m][k * n + i], month k after month0
	 * (month0 = year * 12 + month - 1). NULL columns hold no data at all. */
	int month0, nmonths;
	double *monthly[CC_M_BASE_COUNT];

	/* Chain membership, by enterprise (CSR): entries member_start[i] .. member_start[i+1]. */
	int32_t *member_start;
	int32_t *member_node; /* global node index of the catalogue */
	uint8_t *member_role; /* enum cc_role_t */
	int nmembers;
	/* The same by node: node_start[k] .. node_start[k+1] index node_ent. */
	int32_t *node_start;
	int32_t *node_ent;
	int nnodes;

	/* Supply edges. A supplier outside the registry has supplier < 0: -(j+1) indexes
	 * outside_uscc / outside_region. */
	int nedges;
	int32_t *edge_supplier, *edge_buyer;
	/* Values and shares, NaN when unknown: read them with cc_frame_edge_value and
	 * cc_frame_edge_share (exact fixed point when the data allows, base/fixed.h: 4 bytes an
	 * edge instead of 8). */
	struct cc_fixed edge_value, edge_share;
	/* Edges are sorted by node: the edges of node k are node_edge_start[k] ..
	 * node_edge_start[k+1] - 1; edges without a node come last (from node_edge_start[nnodes]).
	 * An edge's node is where it lies (cc_frame_edge_node): no array of nodes is kept. */
	int32_t *node_edge_start;
	int noutside;
	char (*outside_uscc)[19];
	int32_t *outside_region;

	/* Owners: the columns behind the arrays above, the strings names and industry codes
	 * point into, and the caches readers hang on the frame (cc_frame_ext). */
	struct cc_col *own[CC_FRAME_NCOLS];
	struct cc_frame_strings *str;
	struct cc_frame_extref *ext[CC_FRAME_SLOTS];
	struct cc_frame *grave_next; /* frame.c: waiting to be freed by the caretaker */
};

/* Edge E's value and share (NaN when unknown). */
static inline double cc_frame_edge_value(const struct cc_frame *f, int e)
{
	return cc_fixed_get(&f->edge_value, (size_t)e);
}
static inline double cc_frame_edge_share(const struct cc_frame *f, int e)
{
	return cc_fixed_get(&f->edge_share, (size_t)e);
}
/* Edge E's node (global catalogue index), or -1 when the edge names none: the node whose run
 * of node_edge_start holds E (a binary search; walk the runs to visit many edges). */
static inline int cc_frame_edge_node(const struct cc_frame *f, int e)
{
	const int32_t *s = f->node_edge_start;
	if (e >= s[f->nnodes])
		return -1;
	int lo = 0, hi = f->nnodes - 1; /* the last k with s[k] <= e */
	while (lo < hi) {
		int mid = lo + (hi - lo + 1) / 2;
		if (s[mid] <= e)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/*
 * Returns the cache in slot SLOT (enum cc_frame_slot_t) of F, creating it with MAKE(F) on first
 * use (thread-safe: if two threads race, one result is kept and the other freed with FREE).
 * NULL when MAKE fails or SLOT is not a slot of the enum.
 */
void *cc_frame_ext(struct cc_frame *f, enum cc_frame_slot_t slot,
		   void *(*make)(const struct cc_frame *), void (*free_fn)(void *));

enum cc_frame_flags_t {
	CC_FRAME_MONTHLY = 1,	/* also load monthly indicators */
	CC_FRAME_NO_SUPPLY = 2, /* leave out the supply edges (a one-off search: the CLI) */
	CC_FRAME_REGISTRY = 4,	/* the registry and memberships only: no periods, indicators
				 * or edges (nyears 0), for a search that needs no metric */
};

/*
 * Builds a frame from ST. Returns 0 and *out (reference count 1; release with
 * cc_frame_release) or a negative CC_E* with the reason in ERR.
 */
int cc_frame_build(struct cc_store *st, int flags, struct cc_frame **out, struct cc_error *err);

/*
 * What a version changed against the one it follows, as cc_frame_ext policies see it.
 */
enum cc_delta_bits_t {
	CC_DELTA_REG = 1,  /* registry fields of enterprises (name, region, industry, …) */
	CC_DELTA_IND = 2,  /* indicator values: metrics says which (annual, derived included) */
	CC_DELTA_MEM = 4,  /* chain membership */
	CC_DELTA_EDGE = 8, /* supply edges */
};
struct cc_frame_delta {
	unsigned what;
	uint64_t metrics; /* bit m: annual metric m changed for some enterprise */
	int n;
	const int32_t *ent; /* enterprises (frame indices) whose values changed, ascending */
};

/*
 * How cache slot SLOT follows a new version: when the delta touches nothing in WHAT (and, for
 * CC_DELTA_IND in WHAT, no metric in METRICS) the cache is shared with the new version as it
 * is; otherwise FOLLOW (if not NULL) makes the new version's cache from the old one (or
 * returns NULL to drop it), and a dropped cache that was in use is made again by the thread
 * that follows the log, before readers would. Slots without a policy are dropped on any
 * change. Set once at start-up, before frames are followed.
 */
/* IDLE(CACHE, F) is called by the follower, when it has caught up with the log, for slot SLOT
 * of the newest version: a cache brings itself up to date there (thread-safe against
 * readers) instead of on a reader's request. Set once at start-up. */
void cc_frame_ext_idle(enum cc_frame_slot_t slot,
		       void (*idle)(void *cache, const struct cc_frame *f));
void cc_frame_ext_policy(enum cc_frame_slot_t slot, unsigned what, uint64_t metrics,
			 void *(*follow)(void *old, const struct cc_frame *from,
					 const struct cc_frame *to,
					 const struct cc_frame_delta *d));

/*
 * Makes the version of OLD that holds every change logged in ST after OLD->seq: OLD itself
 * (retained) when nothing changed, a patched version, or a full build. Returns 0 and *OUT
 * (one reference), or a negative CC_E* with the reason in ERR. *REBUILT (may be NULL) says
 * whether it was a full build.
 */
int cc_frame_follow(struct cc_store *st, struct cc_frame *old, struct cc_frame **out, int *rebuilt,
		    struct cc_error *err);

/*
 * Compares every column of A and B (bit for bit; NaN equal to NaN) and the caches both hold
 * that can be compared (none yet beyond the data). Returns 0 when equal, else 1 with the first
 * difference described in MSG (LEN bytes).
 */
int cc_frame_diff(const struct cc_frame *a, const struct cc_frame *b, char *msg, size_t len);

/* Adds a reference; returns F. */
struct cc_frame *cc_frame_retain(struct cc_frame *f);
/* Drops a reference; frees the frame with the last one. Accepts NULL. */
void cc_frame_release(struct cc_frame *f);

/* Returns the index of the enterprise with store id ID, or -1. */
int cc_frame_of_id(const struct cc_frame *f, int64_t id);

/* Returns the index of the enterprise with USCC, or -1 (binary search). */
int cc_frame_find(const struct cc_frame *f, const char *uscc);

/* Returns the column of metric M for YEAR (n values), or NULL when the year is not held.
 * A derived metric's column is made on first use (thread-safe), so read derived metrics
 * through this or cc_frame_metric, never f->annual[m] directly. */
const double *cc_frame_annual(const struct cc_frame *f, int m, int year);
/* Every year of metric M (annual[m][y * n + i]), made when derived and first read; NULL when
 * the frame holds no year (or out of memory). */
const double *cc_frame_metric(const struct cc_frame *f, int m);
/* Every metric (CC_M_COUNT values, derived ones computed as the columns hold them) of
 * enterprise I in year index Y (0 .. nyears-1) into OUT, without making a column. */
void cc_frame_row(const struct cc_frame *f, int i, int y, double *out);

/* The latest year holding any revenue value, or 0. */
int cc_frame_latest_year(const struct cc_frame *f);

/* Bytes of memory the frame holds (for benchmarks and the admin page). */
size_t cc_frame_bytes(const struct cc_frame *f);

/* A shared, generation-checked frame for a database path (see the top of this file). */
struct cc_frame_cache;
int cc_frame_cache_new(struct cc_frame_cache **out, const char *db_path, int flags,
		       struct cc_error *err);
/*
 * Returns the newest complete frame. Before cc_frame_cache_start (or when it failed) it
 * follows the log inline to the store's current position (ST is the caller's handle); after
 * it, the newest version the background thread published, without waiting — only the very
 * first frame is ever built by a caller. Never NULL on success.
 */
int cc_frame_cache_get(struct cc_frame_cache *c, struct cc_store *st, struct cc_frame **out,
		       struct cc_error *err);
/*
 * Before cc_frame_cache_start: the follower reads READ_PATH (a PostgreSQL standby streaming
 * from the cache's database) instead of the cache's database, opened read only; it still
 * registers as a reader of the log (and prunes) on the cache's database, the primary. NULL or
 * "" reads the cache's database again. Returns 0, or CC_EINVAL once started.
 */
int cc_frame_cache_read_from(struct cc_frame_cache *c, const char *read_path, struct cc_error *err);
/*
 * Starts the thread that follows the change log (its own store handle on the cache's
 * database, or the standby of cc_frame_cache_read_from), registers it as a reader of the log
 * and prunes what no reader needs. Where the store tells of changes (PostgreSQL: LISTEN,
 * cc_store_log_listen) the thread wakes on each commit that logged one and reads the log
 * every second besides; elsewhere (SQLite, a standby) and while that connection is lost it
 * polls the log every POLL_MS milliseconds. cc_frame_cache_wait wakes it either way.
 */
int cc_frame_cache_start(struct cc_frame_cache *c, int poll_ms, struct cc_error *err);
/*
 * Waits up to TIMEOUT_MS for the published frame to hold change SEQ (a writer reading its
 * own write). Returns 1 when it does, 0 on time-out.
 */
int cc_frame_cache_wait(struct cc_frame_cache *c, int64_t seq, int timeout_ms);
/* Counters of the following thread (for benchmarks and the admin page). */
struct cc_frame_cache_stats {
	int64_t seq, patches, rebuilds, compactions, last_ms, max_ms;
};
void cc_frame_cache_stats(struct cc_frame_cache *c, struct cc_frame_cache_stats *out);
/* Stops the thread (if started) and frees the cache. Accepts NULL. */
void cc_frame_cache_free(struct cc_frame_cache *c);

#endif
