/*
 * The frame: an immutable, columnar snapshot of the store that every analytic reads (struct of
 * arrays: one double[] per metric and period, int32 indices for enterprises, regions, nodes).
 * Built in one pass per table, shared by reference count, never written after it is built.
 *
 * Enterprises are indexed 0..n-1 in uscc order. Unknown values are NaN.
 *
 * Sharing (struct cc_frame_cache): readers take the current frame with cc_frame_cache_get()
 * and give it back with cc_frame_release(); when the store's data generation moves on, the
 * next get builds a new frame (one builder at a time) while other readers keep using the old
 * one, which is freed when its last reader releases it.
 */
#ifndef CC_FRAME_FRAME_H
#define CC_FRAME_FRAME_H
#include <stdint.h>
#include "base/arena.h"
#include "base/error.h"
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

struct cc_frame {
	int refs; /* atomic */
	int64_t generation;

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

	/* Annual values: annual[m][y * n + i] for metric m (all CC_M_COUNT, derived included),
	 * year year0 + y. */
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
	int32_t *edge_supplier, *edge_buyer, *edge_node; /* node -1 when not given */
	double *edge_value, *edge_share;		 /* NaN when unknown */
	/* Edges are sorted by node: the edges of node k are node_edge_start[k] ..
	 * node_edge_start[k+1] - 1; edges without a node come last (from node_edge_start[nnodes]).
	 */
	int32_t *node_edge_start;
	int noutside;
	char (*outside_uscc)[19];
	int32_t *outside_region;

	struct cc_arena strings;

	/* Caches that readers hang on a frame (e.g. the server's JSON fragments), freed with it.
	 * The frame's data never change; these only memoise what is derived from them. */
	void *ext[8];
	void (*ext_free[8])(void *);
};

/*
 * Returns cache slot SLOT (0..7; 0 server fragments, 1 name blob, 2 chain mask, 3 list cache,
 * 4 risk network, 5 chains' dominators, 6 time-to-survive index, 7 the postings' fields of
 * matching, which unlike the others follow later writes under their own lock) of F, creating it
 * with MAKE(F) on first use (thread-safe: if two threads race, one result is kept and the other
 * freed with FREE). NULL when MAKE fails.
 */
void *cc_frame_ext(struct cc_frame *f, int slot, void *(*make)(const struct cc_frame *),
		   void (*free_fn)(void *));

enum cc_frame_flags_t {
	CC_FRAME_MONTHLY = 1, /* also load monthly indicators */
};

/*
 * Builds a frame from ST. Returns 0 and *out (reference count 1; release with
 * cc_frame_release) or a negative CC_E* with the reason in ERR.
 */
int cc_frame_build(struct cc_store *st, int flags, struct cc_frame **out, struct cc_error *err);

/* Adds a reference; returns F. */
struct cc_frame *cc_frame_retain(struct cc_frame *f);
/* Drops a reference; frees the frame with the last one. Accepts NULL. */
void cc_frame_release(struct cc_frame *f);

/* Returns the index of the enterprise with store id ID, or -1. */
int cc_frame_of_id(const struct cc_frame *f, int64_t id);

/* Returns the index of the enterprise with USCC, or -1 (binary search). */
int cc_frame_find(const struct cc_frame *f, const char *uscc);

/* Returns the column of metric M for YEAR (n values), or NULL when the year is not held. */
const double *cc_frame_annual(const struct cc_frame *f, int m, int year);

/* The latest year holding any revenue value, or 0. */
int cc_frame_latest_year(const struct cc_frame *f);

/* Bytes of memory the frame holds (for benchmarks and the admin page). */
size_t cc_frame_bytes(const struct cc_frame *f);

/* A shared, generation-checked frame for a database path (see the top of this file). */
struct cc_frame_cache;
int cc_frame_cache_new(struct cc_frame_cache **out, const char *db_path, int flags,
		       struct cc_error *err);
/*
 * Returns a frame at least as new as the store's current generation (building one if needed;
 * ST is the caller's store handle, used to read the generation). Never NULL on success.
 */
int cc_frame_cache_get(struct cc_frame_cache *c, struct cc_store *st, struct cc_frame **out,
		       struct cc_error *err);
void cc_frame_cache_free(struct cc_frame_cache *c);

#endif
