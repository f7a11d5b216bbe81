/*
 * The chain catalogue (data/chains/): frameworks, chains and their node trees, loaded once and
 * shared read-only. Chains and nodes get dense integer indices used by the frame and the
 * capability modules; the string ids are what files and the API use.
 */
#ifndef CC_DOMAIN_CATALOGUE_H
#define CC_DOMAIN_CATALOGUE_H
#include <stdint.h>
#include "base/error.h"

enum cc_stage_t { CC_STAGE_UPSTREAM = 0, CC_STAGE_MIDSTREAM = 1, CC_STAGE_DOWNSTREAM = 2 };

struct cc_node {
	int index;	/* global node index (over all chains) */
	int chain;	/* chain index */
	int parent;	/* global node index of the parent, -1 for a top-level node */
	int depth;	/* 0 for a top-level node */
	int stage;	/* enum cc_stage_t */
	const char *id; /* "wafer_fab", unique within its chain */
	const char *name_zh, *name_en;
	const char **products;
	int nproducts;
	const char **technologies;
	int ntechnologies;
	const char **industries; /* GB/T 4754 codes, "C3973" */
	int nindustries;
};

struct cc_chain {
	int index;
	const char *id; /* "ic" */
	const char *framework;
	const char *status; /* "confirmed" or "working" */
	const char *name_zh, *name_en;
	const char *source;		   /* the citation, as the data file gives it */
	const char *source_zh, *source_en; /* the same for readers, in each language */
	int first_node, nnodes; /* nodes of this chain: [first_node, first_node + nnodes) */
};

struct cc_catalogue {
	const char *version;
	struct cc_chain *chains;
	int nchains;
	struct cc_node *nodes;
	int nnodes;
	/* chain.node -> node index + 1 (0 empty), open addressing over NODE_NSLOT (a power of
	 * two): cc_node_index. */
	int32_t *node_slot;
	int node_nslot;
};

/*
 * Returns the shared catalogue, loading and validating it on first use (thread-safe). On error
 * returns NULL and sets ERR (file and reason: unknown parent, duplicate id, bad stage ...).
 */
const struct cc_catalogue *cc_catalogue_get(struct cc_error *err);

/* The global index of node NODE of chain CHAIN, or -1 (a hash lookup: the frame, the supply
 * network and matching resolve every row's node with it). */
int cc_node_index(const struct cc_catalogue *c, const char *chain, const char *node);

/* Returns the chain with ID, or NULL. */
const struct cc_chain *cc_chain_find(const struct cc_catalogue *c, const char *id);
/* Returns the node with ID inside CHAIN, or NULL. */
const struct cc_node *cc_node_find(const struct cc_catalogue *c, const struct cc_chain *chain,
				   const char *id);
/* Returns "upstream", "midstream" or "downstream". */
const char *cc_stage_name(int stage);

/*
 * Resolves a node reference as files write it: "chain.node" (always unambiguous) or a bare
 * node id that exists in exactly one chain (or, when PREFER_CHAIN is not NULL, in that chain).
 * Returns the node or NULL with the reason in ERR (unknown, or ambiguous with the chains that
 * have it).
 */
const struct cc_node *cc_node_resolve(const struct cc_catalogue *c, const char *ref,
				      const char *prefer_chain, struct cc_error *err);

#endif
