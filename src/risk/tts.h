/*
 * Time-to-survive (TTS) and time-to-recover (TTR) linear programmes of Simchi-Levi, Wang & Wei,
 * "Identifying Risks and Mitigating Disruptions in the Automotive Supply Chain", Interfaces
 * 45(5):375-390, 2015 (the Ford study; also Simchi-Levi, Schmidt & Wei, "From Superstorms to
 * Factory Fires", Harvard Business Review, Jan-Feb 2014), solved with GLPK's simplex.
 *
 * The model. A network of nodes j (kind supplier, plant or product) with, per period,
 * capacity c_j (INFINITY = unlimited), on-hand inventory s_j (units of j's own output),
 * external demand d_j and margin f_j per unit; edges i -> j carry material k with r_ij units
 * of k per unit of j (the paper's r_kj; here it may differ between alternative suppliers, so
 * it is written on the edge). Several suppliers of one material to one node are
 * alternatives. A node with no incoming edge is a source: its production needs nothing.
 *
 * Variables (all >= 0): u_j production of node j over the horizon, y_ij flow on edge i -> j
 * (units of i's output), l_j lost units of j's demand, and t the horizon in periods.
 *
 *   (BOM)       u_j <= sum_{i -> j carries k} y_ij / r_ij     every node j, every input k of j
 *   (balance)   sum_{j : i -> j} y_ij + d_i t - l_i <= u_i + s_i                   every node i
 *   (capacity)  u_j <= c_j t                                      every j with c_j finite
 *   (loss)      l_j <= d_j t                                                   every node j
 *   (disrupted) u_n = 0                                            the disrupted nodes n
 *
 * The paper writes (balance) for shipments, sum_j y_ij <= u_i + s_i, and demand separately,
 * d_j t - l_j <= u_j + s_j, because its demand nodes (vehicles) ship to no one; here one row
 * covers both so that a node with demand that also supplies others cannot count the same unit
 * twice. For a pure sink the two are the paper's rows. A product node's own production needs
 * its inputs like any other node: it is bound by (BOM), not free.
 *
 * TTS(n) = max t subject to the rows above with l = 0 (all demand met) and node n disrupted.
 * TTR programme for a recovery time T: t fixed at T, minimise sum_j f_j l_j; lost(n) is its
 * optimum. REI(n) = lost(n) / max_m lost(m) (0 when every loss is 0).
 *
 * Reading of the paper: the disrupted node's inventory s_n stays usable (a disruption stops
 * production; what is on hand can still be shipped); production of other nodes is limited by
 * capacity per period times the horizon; inventory is consumed once.
 *
 * Unbounded TTS ("none"). The LP is unbounded exactly when its recession cone holds a
 * direction with t > 0, i.e. when the rows with s = 0 and t = 1 are feasible: the network can
 * meet demand per period from production alone. Each TTS is therefore solved in two steps on
 * the same GLPK problem: (1) s = 0, t <= 1, maximise t; t >= 1 - 1e-7 means demand is met
 * indefinitely and TTS is reported as INFINITY (JSON null); (2) otherwise the programme with
 * the inventories and t <= TTS_T_MAX (a guard only: step 1 proved it bounded). A result at the
 * guard, or GLP_UNBND, is also reported as INFINITY.
 *
 * Cycles: a cycle of edges lets material feed itself (with r < 1 it makes goods from nothing),
 * so models with a cycle are refused (tts_model_check names an edge on it).
 *
 * Solving: one GLPK problem per model; scenarios only change bounds and the objective and
 * restart from the previous basis (primal simplex, no presolve). Messages are off
 * (glp_smcp.msg_lev = GLP_MSG_OFF, glp_term_out). A struct tts_solver belongs to one thread
 * at a time. The per-node TTS of tts_from_frame runs on each node's ancestors only
 * (tts_node_tts), so it stays in milliseconds for a few hundred nodes.
 */
#ifndef CC_RISK_TTS_H
#define CC_RISK_TTS_H
#include <stddef.h>
#include <stdint.h>
#include "base/arena.h"
#include "base/error.h"

struct cli_ctx;
struct cc_frame;

/* Guard on t (periods) in the TTS programme; see "Unbounded TTS" above. */
#define TTS_T_MAX 1e7

enum tts_kind_t { TTS_SUPPLIER = 0, TTS_PLANT = 1, TTS_PRODUCT = 2 };

/* Returns "supplier", "plant" or "product". */
const char *tts_kind_name(int kind);

struct tts_node {
	const char *id;	  /* in the model's arena */
	int kind;	  /* enum tts_kind_t */
	double capacity;  /* per period; INFINITY = unlimited */
	double inventory; /* units on hand */
	double demand;	  /* external demand per period */
	double margin;	  /* margin per unit of lost demand */
	long line;	  /* line in the nodes file (0 when built in code) */
};

struct tts_edge {
	int from, to; /* node indices */
	int material; /* index into materials */
	double units; /* units of the material per unit of `to` (> 0) */
	long line;    /* line in the edges file (0 when built in code) */
};

/* A network. Owns its arrays and strings; tts_model_release frees them. */
struct tts_model {
	int nnodes, nedges, nmaterials;
	struct tts_node *nodes;
	struct tts_edge *edges;
	const char **materials;
	int cap_nodes, cap_edges, cap_materials;
	void *index; /* private: id and material hashes */
	struct cc_arena strings;
};

void tts_model_init(struct tts_model *m);
/* Frees everything M holds (M itself is the caller's); accepts NULL. */
void tts_model_release(struct tts_model *m);

/*
 * Adds a node. Returns its index (>= 0), or CC_EEXIST when ID is taken, CC_EINVAL when a
 * number is negative or NaN (or inventory, demand, margin infinite), CC_ENOMEM; ERR says
 * which. ID is copied.
 */
int tts_model_add_node(struct tts_model *m, const char *id, int kind, double capacity,
		       double inventory, double demand, double margin, struct cc_error *err);

/*
 * Adds edge FROM -> TO (node indices) carrying MATERIAL (copied; materials are shared by
 * name) with UNITS > 0 per unit of TO. Returns the edge index or a negative CC_E*.
 */
int tts_model_add_edge(struct tts_model *m, int from, int to, const char *material, double units,
		       struct cc_error *err);

/* Returns the index of node ID, or -1. */
int tts_model_find(const struct tts_model *m, const char *id);

/*
 * Checks the model can be solved: no cycle (the message names an edge on one, with its line
 * in EDGES_NAME when it came from a file). Returns 0 or CC_EINVAL.
 */
int tts_model_check(const struct tts_model *m, const char *edges_name, struct cc_error *err);

/*
 * The analyst's files (`chainchief risk tts`). Bytes in UTF-8 or GB18030 (detected, as every
 * input of ChainChief). Headers, in any order, by English id or Chinese name (a unit suffix
 * such as "产能(件/周)" is ignored):
 *   nodes: id (编号/节点), kind (类型: supplier/plant/product or 供应商/工厂/产品), capacity
 * (产能), inventory (库存), demand (需求), margin (利润/毛利); id and kind required; capacity empty
 * or absent = unlimited, the others empty or absent = 0. edges: from (供方/来源), to (需方/去向),
 * material (物料; empty or absent: the supplier's own output, with no alternative), units
 * (用量/单耗, > 0). Errors name the file NAME, line and column: unknown or duplicate ids, bad
 * kinds, negative or non-numeric numbers, a missing column, an empty file, an edge from a node to
 * itself, a repeated edge. Returns 0 or a negative CC_E*. Nodes must be parsed before edges.
 */
int tts_parse_nodes(struct tts_model *m, const void *data, size_t size, const char *name,
		    struct cc_error *err);
int tts_parse_edges(struct tts_model *m, const void *data, size_t size, const char *name,
		    struct cc_error *err);

/* Reads both files, parses them and runs tts_model_check. */
int tts_model_read(struct tts_model *m, const char *nodes_path, const char *edges_path,
		   struct cc_error *err);

/* A GLPK problem built for one model (the model must outlive it). */
struct tts_solver;

int tts_solver_new(struct tts_solver **out, const struct tts_model *m, struct cc_error *err);
/* Accepts NULL. */
void tts_solver_free(struct tts_solver *s);

/*
 * TTS with the nodes DISRUPTED[0..ND) stopped (DISRUPTED may be NULL when ND is 0). *tts =
 * periods, or INFINITY when demand is met indefinitely. When ONLY >= 0, only node ONLY's
 * demand must be met (others may go short, at most their demand): the TTS of that node when
 * it has priority over the others. Returns 0 or CC_EINVAL when GLPK fails (ERR says how).
 */
int tts_solve_tts(struct tts_solver *s, const int *disrupted, int nd, int only, double *tts,
		  struct cc_error *err);

/*
 * TTR programme for recovery time T > 0 with DISRUPTED stopped: *lost = minimal lost margin
 * sum f_j l_j; LOST_UNITS (may be NULL; nnodes values) gets each l_j.
 */
int tts_solve_ttr(struct tts_solver *s, const int *disrupted, int nd, double T, double *lost,
		  double *lost_units, struct cc_error *err);

/*
 * The same number as tts_solve_tts with ONLY = NODE, computed on the sub-network of NODE and
 * its ancestors (nothing else can reach it, and the others' demand may go short), which is a
 * much smaller programme. Builds its own solver. Returns 0 or a negative CC_E*.
 */
int tts_node_tts(const struct tts_model *m, const int *disrupted, int nd, int node, double *tts,
		 struct cc_error *err);

/*
 * Frees GLPK's environment of the calling thread (GLPK keeps one per thread, about 20 KB,
 * created by the first solve). Call it before a thread that solved anything exits, or the
 * memory stays allocated; a long-lived worker need not. No solver may be alive in the thread.
 */
void tts_thread_done(void);

/* One single-node disruption. */
struct tts_scenario {
	int disrupted; /* node index */
	double tts;    /* periods; INFINITY = none */
	double lost;   /* lost margin over the recovery time (TTR programme) */
	double rei;    /* lost / max lost over the scenarios; 0 when that is 0 */
};

/*
 * Disrupts every node of M in turn. TTR is the recovery time in periods (> 0). *out (nnodes
 * scenarios in node order; caller frees). Returns 0 or a negative CC_E*.
 */
int tts_evaluate_all(const struct tts_model *m, double ttr, struct tts_scenario **out,
		     struct cc_error *err);

/* ---- From the platform's data (rules and defaults: the comment in tts.c) ----------------- */

/*
 * Inventory and capacity overrides per enterprise (CSV: uscc (统一社会信用代码), then any of
 * inventory_weeks (库存周数), capacity_slack (产能余量), inventory (库存, 万元), capacity (产能,
 * 万元 per week)); an empty cell keeps the default. Absolute values win over weeks / slack.
 */
struct tts_override {
	char uscc[19];
	double inventory_weeks, capacity_slack; /* NaN = default */
	double inventory, capacity;		/* NaN = default */
};

struct tts_options {
	int tiers;		/* downstream tiers below the supplier, 1..3 (default 2) */
	int max_nodes;		/* production nodes at most (default 300, 2..2000) */
	double ttr;		/* time to recover, weeks (default 4) */
	double inventory_weeks; /* default 2 weeks of a node's weekly output */
	double capacity_slack;	/* default 0.2: capacity = weekly output x 1.2 */
	double spare_share;	/* default 0.2: an alternative may deliver 20% more than its
				   share (the disruption's rule, risk.h) */
	double margin_rate;	/* default 0.1 of output when the net margin is unknown */
	int year;		/* revenue year; 0 = latest */
	int rank;		/* also disrupt every production node in turn (REI ranking) */
	const struct tts_override *overrides; /* may be NULL */
	int noverrides;
};

/* Fills O with the defaults above. */
void tts_options_default(struct tts_options *o);

/*
 * Parses an override CSV (bytes in UTF-8 or GB18030). *out is malloc'd (caller frees), *n
 * entries. Errors name NAME, line and column.
 */
int tts_overrides_parse(const void *data, size_t size, const char *name, struct tts_override **out,
			int *n, struct cc_error *err);

/* A node of the neighbourhood. ent: >= 0 a frame enterprise, < 0 -(j+1) an outside supplier
 * (frame->outside_uscc[j]); the same convention as cc_frame.edge_supplier. */
struct tts_report_node {
	int32_t ent;
	int tier;	   /* 0 the disrupted supplier, 1 its customers, ... */
	double demand;	   /* 万元 per week of output sold outside the neighbourhood */
	double output;	   /* 万元 per week (revenue / 52) */
	double inventory;  /* 万元 */
	double capacity;   /* 万元 per week */
	double margin;	   /* margin rate used */
	double tts;	   /* weeks this node meets its own demand with priority; INFINITY none */
	double lost_units; /* 万元 of its demand lost over the TTR (system TTR solution) */
	double lost;	   /* lost margin (万元) */
	int affected;	   /* tts finite or some demand lost over the TTR */
	int at_risk;	   /* tts < ttr (relative tolerance 1e-9) */
};

/* A row of the REI ranking: one production node of the neighbourhood disrupted. */
struct tts_report_rank {
	int32_t ent;
	int tier;
	double tts;  /* system TTS, weeks; INFINITY none */
	double lost; /* lost margin over the TTR, 万元 */
	double rei;
};

struct tts_report {
	int32_t supplier;
	int year;
	double ttr;
	double tts;  /* system TTS for the supplier's disruption; INFINITY none */
	double lost; /* lost margin over the TTR, 万元 */
	int at_risk; /* tts < ttr (relative tolerance 1e-9) */
	int nmodel_nodes, nmodel_edges, nalternatives;
	int truncated; /* max_nodes was reached */
	int nnodes;    /* production nodes of the neighbourhood, breadth-first order */
	struct tts_report_node *nodes;
	int nrank; /* 0 unless options.rank; REI descending, ties by tier then ent */
	struct tts_report_rank *rank;
};

/* Frees what R holds; accepts NULL. */
void tts_report_release(struct tts_report *r);

/* A by-supplier / by-buyer index of the frame's supply edges (see tts_from_frame). */
struct tts_index;
/* cc_frame_ext-compatible: builds the index of F (O(edges)), or NULL when out of memory. */
void *tts_index_make(const struct cc_frame *f);
/* Accepts NULL. */
void tts_index_free(void *index);

/*
 * Builds the downstream neighbourhood of SUPPLIER (a frame enterprise index, or -(j+1) for an
 * outside supplier) and evaluates its disruption (rules and defaults: tts.c). INDEX may be
 * NULL (then built and freed in the call). Returns 0 with *OUT filled (release with
 * tts_report_release), CC_ENOTFOUND when SUPPLIER is out of range or sells to no one with a
 * recorded value, CC_EINVAL for bad options, CC_ENOMEM.
 */
int tts_from_frame(const struct cc_frame *f, const struct tts_index *index, int32_t supplier,
		   const struct tts_options *o, struct tts_report *out, struct cc_error *err);

/*
 * `chainchief risk tts --nodes N.csv --edges E.csv [--ttr T]` (argv[0] is "tts"); dispatched
 * by the risk command. Returns a CLI exit status.
 */
int cli_risk_tts(struct cli_ctx *ctx, int argc, char **argv);

#endif
