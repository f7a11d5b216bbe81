/*
 * The innovation chain (创新链, issue 17): which chain nodes a patent belongs to, by the IPC →
 * node map of data/innovation/ipc_nodes.csv, and per node the local patent stock, its growth
 * and its holders; and each enterprise's valid invention patents at a period's end, the
 * figure the indicators file calls invention_patents, derived from the patents file.
 *
 * Rules, stated once:
 * - A node's IPC prefixes are canonical IPC text (domain/patent.h): a subclass "H01M" holds
 *   every code of it, a main group "H01M 10" every subgroup of group 10, a subgroup "H01M 4/5"
 *   the subgroups whose digits begin 5 (4/58, 4/505 ...). A patent belongs to a node when any
 *   of its IPC codes lies under any of the node's prefixes; it counts once per node. A node
 *   without prefixes (services, sales) has no patent figures (has_ipc 0), not zero.
 * - A patent is in force at the end of year Y (Y-12-31) when granted on or before it and not
 *   lapsed by then (store/schema.c, migration 14); an 'invalid' patent without a lapse date
 *   never counts. Stock = patents in force; inventions = those of kind invention or PCT
 *   invention; holders = distinct holders with one in force; all for holders registered in
 *   the scope (chain/ scopes: chongqing by default).
 * - Growth = stock(Y) / stock(Y-1) - 1, NaN when stock(Y-1) is 0.
 */
#ifndef CC_INNOV_INNOV_H
#define CC_INNOV_INNOV_H
#include <stdint.h>
#include "base/error.h"
#include "chain/chain.h"
#include "domain/catalogue.h"
#include "store/store.h"

/* The IPC → node map, loaded once and shared read-only. */
struct innov_map;

/*
 * Returns the map for catalogue CAT, loading data/innovation/ipc_nodes.csv on first use
 * (thread-safe). NULL with ERR naming the line on a bad file (unknown chain or node, bad IPC
 * prefix, a node twice).
 */
const struct innov_map *innov_map_get(const struct cc_catalogue *cat, struct cc_error *err);
/* The node's prefixes joined by ';' ("H01M 4/5;H01M 4/13"), or NULL when it has none. */
const char *innov_map_node_ipc(const struct innov_map *m, int node);
/* Number of nodes with at least one prefix. */
int innov_map_nodes(const struct innov_map *m);
/*
 * Appends to OUT (capacity CAP) the global indices of the nodes whose prefixes hold the
 * canonical IPC code CODE (N bytes). Returns how many were written (at most CAP).
 */
int innov_map_match(const struct innov_map *m, const char *code, size_t n, int *out, int cap);

/* A snapshot of the patents table, built in one pass; immutable once loaded. */
struct innov_patents {
	int64_t n;
	int32_t *granted, *lapsed; /* YYYYMMDD; 0 none; lapsed -1: invalid, date unknown */
	int32_t *filed;		   /* YYYYMMDD or 0 */
	uint8_t *invention;
	int32_t *holder; /* dense holder index; patents sorted by it */
	int64_t *off;	 /* patent i's nodes: nodes[off[i] .. off[i+1]) */
	int16_t *nodes;
	int nholders;
	int64_t *holder_id;	/* enterprises.id */
	int32_t *holder_region; /* GB/T 2260 code */
	int64_t *holder_first;	/* holder h's patents: [holder_first[h], holder_first[h+1]) */
	int64_t *key;		/* patents.id (the application number's digits) */
	int nnodes;
};

/*
 * The latest year a patent of the store was granted in (the default year of the innovation
 * pages), or the year before this one (UTC) when no patent has a grant date. Returns the year,
 * or DEF when the store cannot be read.
 */
int innov_latest_year(struct cc_store *st, int def);
/*
 * Loads every patent of ST with its holder's region and its nodes under M (catalogue CAT).
 * Returns 0 and *OUT (free with innov_patents_free), or a negative CC_E* with ERR.
 */
int innov_patents_load(struct cc_store *st, const struct cc_catalogue *cat,
		       const struct innov_map *m, struct innov_patents **out, struct cc_error *err);
void innov_patents_free(struct innov_patents *p);

/* One node's figures (innov_stock). */
struct innov_node_stock {
	int has_ipc;
	int64_t stock, stock_prev, inventions, holders, filed;
	double growth;
};

/*
 * Fills OUT[node] (P->nnodes entries) for every node: patents in force at the end of YEAR held
 * in SCOPE, the same at the end of YEAR-1, inventions, distinct holders, patents filed in
 * YEAR, growth. One pass over the patents of the holders in scope.
 */
void innov_stock(const struct innov_patents *p, const struct innov_map *m,
		 const struct chain_scope *scope, int year, struct innov_node_stock *out);

/* A holder and its patents in force under one node. */
struct innov_holder {
	int64_t enterprise_id;
	int64_t stock, inventions;
};

/*
 * The holders in SCOPE of patents in force at the end of YEAR under NODE, most patents first
 * (ties by enterprise id). Writes at most MAX into OUT and returns how many.
 */
int innov_node_holders(const struct innov_patents *p, const struct chain_scope *scope, int year,
		       int node, struct innov_holder *out, int max);

/*
 * The valid invention patents of each holder at the end of YEAR (any region): calls FN(CTX,
 * enterprise id, count) for every holder with at least one, in enterprise-id order. Returns 0,
 * or what FN returned when not 0 (it stops there).
 */
int innov_inventions(const struct innov_patents *p, int year,
		     int (*fn)(void *ctx, int64_t enterprise_id, int64_t count), void *ctx);

/*
 * Writes the derived invention_patents of YEAR into the indicators table (period YEAR) for
 * every enterprise whose value there is unknown (NULL or no row): an imported figure is never
 * overwritten. One transaction. Returns the number of values written, or a negative CC_E*.
 */
int64_t innov_derive_inventions(struct cc_store *st, const struct innov_patents *p, int year,
				struct cc_error *err);

/* A key technology of a node and the status the commission set (innov_tech_list). */
struct innov_tech {
	char name[256];
	char status[16]; /* "leading", "catching_up", "absent", or "" when not set */
	int chokepoint;	 /* 卡脖子 */
	char note[512];
	int in_catalogue; /* named by the catalogue (data/chains), else added by the commission */
};

/* Returns 1 when S is "leading", "catching_up" or "absent". */
int innov_tech_status_ok(const char *s);

/*
 * The key technologies of NODE (catalogue CAT): the catalogue's in its order, then those the
 * commission added, each with its status. Writes at most MAX into OUT and returns how many, or
 * a negative CC_E* with ERR.
 */
int innov_tech_list(struct cc_store *st, const struct cc_catalogue *cat, int node,
		    struct innov_tech *out, int max, struct cc_error *err);

/*
 * Sets the status of technology TECH of NODE (STATUS as innov_tech_status_ok, CHOKEPOINT 0/1,
 * NOTE may be NULL) for ACTOR, audited as "innov.tech" with the values before and after, in one
 * transaction. Returns 0, or CC_EINVAL (bad status, empty or over-long technology) with ERR.
 */
int innov_tech_set(struct cc_store *st, const struct cc_catalogue *cat, int node, const char *tech,
		   const char *status, int chokepoint, const char *note, const char *actor,
		   struct cc_error *err);

#endif
