/*
 * Supply-chain resilience (issue 7): the supply network as compressed adjacency, input
 * concentration (HHI), single points of failure (dominators, articulation points), disruption
 * propagation and one supplier's neighbourhood. The time-to-survive programme is risk/tts.h.
 *
 * The network (struct risk_net)
 *   Nodes 0 .. nent-1 are the registry's enterprises in credit-code order (the frame's order,
 *   so node i is frame enterprise i); nodes nent .. n-1 are suppliers outside the registry,
 *   known only by their credit code, their region taken from its digits 3-8 (GB 32100: the
 *   registering authority's GB/T 2260 code). A node's output is its output value of the
 *   latest year holding revenue (its revenue when the output value is unknown; NaN unknown).
 *
 *   An input is what one buyer buys at one chain node (edges without a node form one
 *   "unclassified" input per buyer). A supplier's share of an input is the sum of its edges'
 *   shares at that node divided by m, the largest number of edges any one supplier has in
 *   that input: several products of one node bought by one buyer count as equal parts of the
 *   input, so a supplier listed for each of them keeps its share and not m times it (with one
 *   product per node, as FORMATS.md data usually are, m = 1 and shares are as imported). An
 *   edge without a share takes its value's part of the input's value (1 / suppliers when
 *   values are unknown too). Several edges between one supplier and one buyer are one link of
 *   the graph (values summed); self-supply is dropped.
 *
 *   Two constructors share one builder: risk_net_from_frame (the server: cached on the frame)
 *   and risk_net_load, which reads only what the network needs from the store with SQL (no
 *   frame: a fraction of its memory at 1M enterprises and 10M edges); after the registry it
 *   reads the edges on the caller's connection while a second connection on the same
 *   snapshot (cc_store_same_snapshot) reads the output and memberships on another thread.
 *
 * Graph algorithms work on a plain struct risk_csr (so tests can cross-check them against
 * igraph and networkx) and never recurse: graphs have a million nodes.
 *
 * Ownership: a struct risk_net and every result struct are owned by the caller and freed with
 * their *_free / *_release function (which accept NULL). Functions that can fail return 0 or a
 * negative CC_E* with a message in ERR.
 */
#ifndef CC_RISK_RISK_H
#define CC_RISK_RISK_H
#include <stdint.h>
#include "base/error.h"
#include "chain/chain.h"
#include "frame/frame.h"
#include "store/store.h"

/* Adjacency: the successors of v are adj[start[v]] .. adj[start[v+1]-1]. */
struct risk_csr {
	int n;
	int32_t *start; /* n + 1 */
	int32_t *adj;
};

/*
 * Builds G from M directed edges FROM[i] -> TO[i] over N vertices (order kept per vertex;
 * duplicates and self-loops kept as given). Returns 0 or CC_ENOMEM / CC_EINVAL (a vertex out
 * of range). Release with risk_csr_release.
 */
int risk_csr_build(struct risk_csr *g, int n, int m, const int32_t *from, const int32_t *to,
		   struct cc_error *err);
/* The reverse of G (predecessor lists, each sorted) into OUT. */
int risk_csr_transpose(const struct risk_csr *g, struct risk_csr *out, struct cc_error *err);
void risk_csr_release(struct risk_csr *g);

/*
 * Immediate dominators (Lengauer & Tarjan, "A fast algorithm for finding dominators in a
 * flowgraph", ACM TOPLAS 1(1) 1979; the simple version with path compression, O(m log n)),
 * iterative. The flow graph is SUCC (PRED its reverse) plus a virtual root, numbered N = the
 * number of vertices, with an edge to each of ROOTS[0 .. NROOTS-1]. IDOM[v] receives the
 * immediate dominator of v: another vertex, N for the virtual root, or -1 when v is not
 * reachable. ORDER (optional, N entries) receives the reachable vertices in DFS preorder (a
 * dominator comes before what it dominates) and the return value is their count (>= 0), or a
 * negative CC_E*. Successive calls on one graph reuse W (risk_dom_work_new(N), freed with
 * risk_dom_work_free); a call costs the part of the graph reachable from ROOTS.
 */
struct risk_dom_work;
struct risk_dom_work *risk_dom_work_new(int n);
void risk_dom_work_free(struct risk_dom_work *w);
int risk_dominators(const struct risk_csr *succ, const struct risk_csr *pred, const int32_t *roots,
		    int nroots, struct risk_dom_work *w, int32_t *idom, int32_t *order,
		    struct cc_error *err);

/*
 * Articulation points of the undirected graph whose neighbours of v are A's and B's lists of v
 * (B may be NULL; pass a directed graph and its transpose for its undirected view), every
 * component (Hopcroft & Tarjan, "Efficient algorithms for graph manipulation", CACM 16(6)
 * 1973), iterative. IS_AP[v] is set to 1 for an articulation point, else 0. CUT (optional)
 * receives for each articulation point the number of vertices its removal separates from the
 * part holding its DFS parent (for a DFS root: all but its largest child's subtree), CUT_W
 * (optional, with W) the same as a sum of W (NaN counts 0). Returns the number of
 * articulation points or a negative CC_E*.
 */
int risk_articulation(const struct risk_csr *a, const struct risk_csr *b, uint8_t *is_ap,
		      int32_t *cut, const double *w, double *cut_w, struct cc_error *err);

struct risk_net {
	int n, nent; /* nodes; of which registry enterprises (0 .. nent-1) */
	char (*uscc)[19];
	int32_t *region; /* GB/T 2260 (registry region, or the outside code's digits) */
	double *output;	 /* n values; NaN when unknown (always for outside suppliers) */
	int year;	 /* the year of OUTPUT, 0 when none */

	/* Chain memberships of enterprises (CSR over nent): global catalogue node and role. */
	int32_t *member_start, *member_node;
	uint8_t *member_role; /* enum cc_role_t */

	/* Links: one per (supplier, buyer) pair. DOWN: supplier -> buyers (sorted), with the
	 * pair's summed annual value (NaN unknown) in down_value; UP: buyer -> suppliers. */
	struct risk_csr down, up;
	float *down_value;

	/* Inputs by buyer: input_start[b] .. input_start[b+1]-1 index input_node (global node,
	 * -1 unclassified) and entry_start; the entries entry_start[k] .. entry_start[k+1]-1 of
	 * input k are its suppliers with their share (0..1, see above) and value (NaN unknown). */
	int32_t *input_start, *input_node, *entry_start;
	int32_t *entry_supplier;
	float *entry_share, *entry_value;
	int ninputs, nentries;
	int64_t nedges; /* supply edges read */
};

/* Builds the network of F (outside supplier j becomes node f->n + j). */
int risk_net_from_frame(const struct cc_frame *f, struct risk_net **out, struct cc_error *err);
/* Builds the network from ST with a few SQL scans in one read transaction (so ST must not be
 * inside a transaction), without a frame. */
int risk_net_load(struct cc_store *st, struct risk_net **out, struct cc_error *err);
void risk_net_free(struct risk_net *net);
/* cc_frame_ext-compatible maker (CC_FRAME_SLOT_RISK_NET) and free: the network of F, or NULL. */
void *risk_net_make(const struct cc_frame *f);
void risk_net_free_ext(void *net);
/* Bytes held (for benchmarks). */
size_t risk_net_bytes(const struct risk_net *net);

/* Returns the node of credit code USCC (registry or outside supplier), or -1. */
int risk_net_find(const struct risk_net *net, const char *uscc);

/* --- Concentration ------------------------------------------------------------------- */

/* One input of one buyer. HHI = sum of (share in %)^2, 0..10,000 (> 2,500: highly
 * concentrated, 2010 US Horizontal Merger Guidelines). */
struct risk_input_stat {
	int node; /* global catalogue node or -1 */
	int suppliers;
	double hhi;
	double value;	      /* sum of the entries' values (NaN entries count 0) */
	double outside_value; /* of it, bought from suppliers outside the scope */
	int single;	      /* exactly one supplier */
};
/* Fills S with input K's figures (suppliers outside SCOPE by region; SCOPE may be NULL). */
void risk_input_stat(const struct risk_net *net, int k, const struct chain_scope *scope,
		     struct risk_input_stat *s);

/*
 * Roll-up over the inputs of buyers in SCOPE at one chain node (or over a chain's nodes):
 * inputs counted, single-sourced ones, the share of purchase value from outside the scope,
 * and two concentrations that answer different questions:
 *
 *   sourcing_hhi  how concentrated a buyer's own sourcing of an input is: each input's HHI
 *                 (above), averaged with the input values as weights (the plain mean when no
 *                 value is known). A buyer with k equal suppliers has 10,000 / k, so a typical
 *                 buyer with two or three suppliers is at 3,300-5,000: this is not a market
 *                 and the merger guidelines' 2,500 line does not apply to it. CONCENTRATED
 *                 counts the inputs above 2,500 (fewer than four equal suppliers).
 *   market_hhi    how concentrated the supplier market of the node is for the scope's buyers:
 *                 each supplier's share of the value all of them buy there (entries without a
 *                 value left out; NaN when none has one), shares in %, 0..10,000. This is the
 *                 index the 2,500 line (2010 US Horizontal Merger Guidelines) is about. A chain
 *                 total takes each supplier's share of the value bought at all the chain's
 *                 nodes.
 */
struct risk_conc {
	int node; /* global catalogue node, or -1 for a chain total */
	int inputs, single, concentrated, buyers;
	double value, outside_value;
	double sourcing_hhi;  /* value-weighted mean of the inputs' HHI */
	double market_hhi;    /* of the suppliers' shares of the value bought */
	double outside_share; /* outside_value / value, NaN without value */
};
/*
 * Computes the roll-up of every node of CHAIN (chain index) into NODES (chain->nnodes
 * entries, in catalogue order; a node counts inputs bought at it, not its subtree) and the
 * chain total into TOTAL. SCOPE NULL means every buyer, and then nothing is "outside".
 * Returns 0 or CC_EINVAL for a bad chain.
 */
int risk_concentration(const struct risk_net *net, int chain, const struct chain_scope *scope,
		       struct risk_conc *nodes, struct risk_conc *total, struct cc_error *err);

/* --- Single points of failure -------------------------------------------------------- */

/*
 * Final producers of a chain: its members at downstream-stage nodes; a chain with no such
 * member uses its masters. Returns their count and *OUT (malloc'd, caller frees), or a
 * negative CC_E*.
 */
int risk_final_producers(const struct risk_net *net, int chain, int32_t **out,
			 struct cc_error *err);

struct risk_spof {
	int node;	    /* the dominator (net node) */
	int dominated;	    /* suppliers whose every route to the final producers passes it */
	double value;	    /* their summed output (NaN counted 0): the upstream output that
			       reaches the chain only through NODE */
	double downstream;  /* what the chain's members downstream lose when NODE alone stops:
			       risk_downstream_loss (the disruption rule, spare 0.2), NODE excluded
			     */
	int affected;	    /* how many of them lose anything */
	int idom;	    /* its own immediate dominator (net node), -1 the virtual root */
	int final_producer; /* NODE is itself a final producer */
};
struct risk_spof_result {
	int chain, nfinal, reachable;
	int n; /* dominators found (nodes dominating at least one other node) */
	/* By downstream loss, then value, then dominated, descending: the riskiest first is the
	 * one whose failure costs the chain most, which its time-to-survive then shows (a
	 * supplier dominating much upstream output can sell a small share to one buyer with
	 * other suppliers, and cost the chain nothing). */
	struct risk_spof *items;
};
/*
 * Single points of failure of CHAIN: immediate dominators in the reversed supply graph (buyer
 * -> supplier) from a virtual source linked to the chain's final producers. D dominates a
 * supplier S when every supply route from S to any final producer passes D, so losing D cuts
 * S (and S's output) off the chain; D is ranked by the output of its dominator subtree
 * (D excluded). W may be NULL or a work area of net->n vertices reused across chains.
 * Returns 0 with OUT filled (risk_spof_release), or a negative CC_E*.
 */
int risk_spof(const struct risk_net *net, int chain, struct risk_dom_work *w,
	      struct risk_spof_result *out, struct cc_error *err);
void risk_spof_release(struct risk_spof_result *r);

/*
 * The downstream loss of node V failing alone: the propagation of risk_disrupt (its rule,
 * SPARE, at most MAX_TIERS tiers) from V, summed as output x loss over the nodes flagged in
 * IN (one flag per net node; NULL: every node), V excluded; *AFFECTED (may be NULL) counts
 * them. Works in W (risk_loss_work_new(net->n)), touching only the nodes reached, so a caller
 * runs it for every dominator of a chain. Returns the loss (万元), or NaN when W is NULL.
 */
struct risk_loss_work;
struct risk_loss_work *risk_loss_work_new(int n);
void risk_loss_work_free(struct risk_loss_work *w);
double risk_downstream_loss(const struct risk_net *net, int v, double spare, int max_tiers,
			    const uint8_t *in, struct risk_loss_work *w, int *affected);

/*
 * Articulation points of the undirected supply graph: the whole network (CHAIN -1) or the
 * links bought at the chain's nodes; ranked by the output they separate (then the count).
 * Returns 0 with *OUT (caller frees) and *N, or a negative CC_E*.
 */
struct risk_ap {
	int node;
	int cut;      /* vertices separated */
	double value; /* their output */
};
int risk_articulation_points(const struct risk_net *net, int chain, struct risk_ap **out, int *n,
			     struct cc_error *err);

/* --- Disruption ---------------------------------------------------------------------- */

/*
 * What is removed: a union of credit codes, region prefixes (2, 4 or 6 digits: a province,
 * prefecture or district; matches the registry region or the region digits of the credit
 * code, the only region an outside supplier has) and chain nodes ("chain.node" or a unique node id;
 * the node and its subtree: every supplier selling at them and every member of them that sells to
 * anyone). Regions and nodes remove only suppliers (nodes with customers); credit codes name any
 * node.
 */
struct risk_disrupt_spec {
	const char *const *suppliers;
	int nsuppliers;
	const char *const *regions;
	int nregions;
	const char *const *nodes;
	int nnodes;
	double spare;  /* alternative-supplier spare fraction 0..1; default (< 0) 0.2 */
	int max_tiers; /* default (<= 0) 50 */
	/* When not NULL, one flag per catalogue chain: the totals, tiers and chain and node
	 * roll-ups count only registry enterprises that are members of a flagged chain (a chief's
	 * view; the propagation itself still runs over the whole network). NULL: every node. */
	const uint8_t *chains;
};

/*
 * The propagation:
 *   x_v, the fraction of v's output lost, is 1 for a removed node and 0 elsewhere (tier 0).
 *   For each input k of buyer b with entries (s, share_s):
 *     lost_k  = sum_s share_s * x_s                       (what the input no longer gets)
 *     cover_k = sum_s spare * share_s * (1 - x_s)         (the remaining suppliers of the
 *               same input raise deliveries by up to SPARE of their own current share)
 *     loss_k  = min(1, max(0, lost_k - cover_k))
 *   x_b = max over inputs of loss_k (Leontief: the scarcest input limits output), and b's
 *   customers see b's x as the lost part of b's share. Shares not recorded (an input's
 *   shares summing below 1) are neither lost nor spare.
 *   Tier t recomputes the buyers of nodes whose x changed at tier t-1 from the losses of
 *   tier t-1; x only grows, so it ends (also on cycles) when nothing changes by more than
 *   1e-6, or at MAX_TIERS (on a cycle a loss can keep growing by ever smaller steps).
 *   A node's value at risk is output * x (0 for unknown output). Roll-ups count an affected
 *   enterprise at each chain node it is a member of, and once per chain.
 */
struct risk_tier {
	int tier, affected; /* nodes first affected at this tier */
	double value;	    /* their value at risk (final x) */
};
struct risk_node_loss {
	int node; /* global catalogue node, or chain index in chains[] */
	int affected;
	double value;
};
struct risk_disrupt_result {
	int removed;  /* nodes removed */
	int affected; /* nodes with x > 0, removed ones included */
	double value; /* total value at risk, removed ones included */
	double removed_value;
	int ntiers;		 /* tiers at which nodes were first affected (0 .. ntiers-1) */
	int rounds;		 /* propagation rounds run (losses may keep growing on cycles) */
	struct risk_tier *tiers; /* tier 0 = the removed nodes */
	float *loss;		 /* x per net node */
	int16_t *tier_of;	 /* first tier affected, -1 never */
	struct risk_node_loss *chains; /* per chain index (catalogue nchains) */
	struct risk_node_loss *nodes;  /* per global catalogue node */
	int nchains, nnodes;
};
/* Returns 1 when net node V is a registry enterprise that is a member of a chain flagged in
 * CHAINS (one flag per catalogue chain), 1 for every node when CHAINS is NULL, else 0. */
int risk_net_in_chains(const struct risk_net *net, int v, const uint8_t *chains);
/*
 * Runs the disruption SPEC. Unknown credit codes, region codes not in GB/T 2260 and unknown
 * nodes give CC_EINVAL with the bad value in ERR. Returns 0 with OUT filled
 * (risk_disrupt_release).
 */
int risk_disrupt(const struct risk_net *net, const struct risk_disrupt_spec *spec,
		 struct risk_disrupt_result *out, struct cc_error *err);
void risk_disrupt_release(struct risk_disrupt_result *r);

/* --- Neighbourhood ------------------------------------------------------------------- */

enum risk_nb_role_t {
	RISK_NB_CENTER = 0,
	RISK_NB_SUPPLIER = 1,
	RISK_NB_CUSTOMER = 2,
	RISK_NB_CUSTOMER2 = 3,
};
/* Returns "center", "supplier", "customer" or "customer2". */
const char *risk_nb_role_name(int role);
struct risk_nb_node {
	int node; /* net node */
	int role; /* enum risk_nb_role_t */
	double output;
};
struct risk_nb_link {
	int from, to; /* indices into nodes[] (supplier -> buyer) */
	double value; /* NaN unknown */
};
struct risk_neighbourhood {
	int nnodes, nlinks;
	int truncated;		    /* the cap stopped the walk */
	struct risk_nb_node *nodes; /* nodes[0] is the centre */
	struct risk_nb_link *links;
};
/*
 * The neighbourhood of USCC for a graph view: its customers, its suppliers (1 hop up) and its
 * customers' customers (2 hops down), in that order and biggest links first, at most
 * MAX_NODES nodes (default 200 when <= 0), with every link among the kept nodes. CC_EINVAL
 * for an unknown code.
 */
int risk_neighbourhood(const struct risk_net *net, const char *uscc, int max_nodes,
		       struct risk_neighbourhood *out, struct cc_error *err);
void risk_neighbourhood_release(struct risk_neighbourhood *nb);

#endif
