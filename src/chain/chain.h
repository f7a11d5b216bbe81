/*
 * Chain maps (强链、补链、延链): per chain node and region scope, how strong the region is at each
 * link, which links are weak or missing and why, who outside the scope could fill them, and
 * which downstream links have local demand but no local makers.
 *
 * Pure functions over a frame (frame/frame.h) and the rules in data/chain_rules.json. A node's
 * metrics include its whole subtree: a parent node is as present as its children.
 */
#ifndef CC_CHAIN_CHAIN_H
#define CC_CHAIN_CHAIN_H
#include <jansson.h>
#include "base/error.h"
#include "domain/catalogue.h"
#include "frame/frame.h"

enum chain_class_t {
	CHAIN_MISSING = 0,
	CHAIN_WEAK = 1,
	CHAIN_ADEQUATE = 2,
	CHAIN_STRONG = 3,
};

/* Returns "missing", "weak", "adequate" or "strong" (or the Chinese 缺失/薄弱/一般/优势). */
const char *chain_class_name(int cls);
const char *chain_class_zh(int cls);

/* A region scope: a set of region codes (provinces, prefectures or districts). */
#define CHAIN_MAX_SCOPE 64
struct chain_scope {
	int n;
	int codes[CHAIN_MAX_SCOPE];
	char name_zh[128], name_en[128];
};

/*
 * Parses a scope: a name from the rules file ("chongqing", "chengdu", "both") or a list of
 * region codes "500112,500107". NULL or "" is the rules' default scope. Returns 0 or CC_EINVAL
 * with the reason in ERR (unknown name, unknown code).
 */
int chain_scope_parse(const char *s, struct chain_scope *scope, struct cc_error *err);
/* Returns 1 when REGION lies inside SCOPE. */
int chain_scope_has(const struct chain_scope *scope, int region);

/* One rule clause, as loaded from the rules file. */
struct chain_clause {
	char metric[32];
	char op[3];
	double value;
};

struct chain_rules {
	struct chain_clause weak[8], strong[8];
	int nweak, nstrong;
	double w_value, w_size, w_growth, w_certs;
	int per_node;
	int extension_stages; /* bit per stage */
};

/*
 * Loads the rules from data/chain_rules.json (built in, or the --data folder). Returns 0 or a
 * negative CC_E* with the file and reason in ERR. The returned rules are shared and read-only.
 */
const struct chain_rules *chain_rules_get(struct cc_error *err);
/* Parses rules from JSON text (tests use this to try other thresholds). */
int chain_rules_parse(const char *json, struct chain_rules *out, struct cc_error *err);

struct chain_node_metrics {
	int node;	 /* global node index */
	int enterprises; /* distinct members in scope, subtree included */
	int masters, core;
	int hightech, srdi;		    /* with the certificate (srdi counts 小巨人 too) */
	double output;			    /* output value of members in scope, the year asked */
	double output_prev, output_3y;	    /* the same a year / three years earlier */
	double output_share;		    /* of the chain's output in scope */
	double yoy, cagr3;		    /* of output; NaN when unknown */
	double rd_intensity;		    /* sum R&D / sum revenue of members */
	double purchases_in, purchases_out; /* by in-scope buyers, from in-/outside the scope */
	double local_coverage;		    /* purchases_in / (in + out); NaN without purchases */
	int cls;			    /* enum chain_class_t */
	char reason_zh[512], reason_en[512];
};

struct chain_summary {
	int chain;
	int nodes, leaves, leaves_present;
	double completeness;   /* leaves_present / leaves */
	double local_coverage; /* over the whole chain */
	double output_hhi;     /* of member output shares, 0..10000 (output concentration) */
	double output, yoy;
	int enterprises, strong, adequate, weak, missing;
};

/*
 * Computes every node of CHAIN (catalogue index) for SCOPE and YEAR (0 = the frame's latest).
 * OUT has room for chain->nnodes entries, in catalogue order. SUM may be NULL. Returns 0 or a
 * negative CC_E*.
 */
int chain_analyse(const struct cc_frame *f, int chain, const struct chain_scope *scope, int year,
		  const struct chain_rules *rules, struct chain_node_metrics *out,
		  struct chain_summary *sum, struct cc_error *err);

/*
 * chain_analyse with each node's purchases known: PIN[k] and POUT[k] are node k's
 * purchases_in and purchases_out as an analysis of the same chain and scope gave them on a
 * version with the same supply edges and registry (they depend on nothing else: not on the
 * year, the indicators or the memberships). The supply edges are then not walked, which is
 * most of an analysis at 1M firms / 10M edges (the live frame's chain memo after an indicator
 * or membership change). PIN and POUT NULL: computed, as chain_analyse does.
 */
int chain_analyse_known(const struct cc_frame *f, int chain, const struct chain_scope *scope,
			int year, const struct chain_rules *rules, const double *pin,
			const double *pout, struct chain_node_metrics *out,
			struct chain_summary *sum, struct cc_error *err);

enum chain_target_kind_t {
	CHAIN_TARGET_SUPPLIER = 0, /* already sells the node's products to buyers in scope */
	CHAIN_TARGET_MAKER = 1,	   /* registered at the node, outside the scope */
};

struct chain_target {
	int node;    /* global node index */
	int kind;    /* enum chain_target_kind_t */
	int ent;     /* frame index, or -1 for a supplier outside the registry */
	int outside; /* outside-supplier index when ent < 0 */
	char uscc[19];
	int region;
	double value_to_local; /* a year's sales to buyers in scope */
	int local_buyers;
	double revenue, yoy; /* NaN when unknown */
	int certs;	     /* count of certificates */
	double score;	     /* 0..1 */
	char reason_zh[512], reason_en[512];
};

/*
 * Ranks investment targets for NODE (global index) of a chain, for SCOPE and YEAR: outside
 * suppliers of the node's products to buyers in scope, and registered makers of the node
 * outside the scope. Writes at most MAX targets, best first (ties by credit code), and
 * returns how many, or a negative CC_E*.
 */
int chain_targets(const struct cc_frame *f, int node, const struct chain_scope *scope, int year,
		  const struct chain_rules *rules, struct chain_target *out, int max,
		  struct cc_error *err);

/*
 * Chain extension (延链): nodes of CHAIN whose stage the rules name, with purchases by buyers in
 * scope (DEMAND[k], 万元) but no makers in scope. METRICS is chain_analyse's output. Writes the
 * global node indices to OUT (room for chain->nnodes) and returns the count.
 */
int chain_extension(const struct cc_frame *f, int chain, const struct chain_rules *rules,
		    const struct chain_node_metrics *metrics, int *out, double *demand);

/* One area of the district map (cc_region_area): its figures within a scope. */
struct chain_area {
	int code;	    /* the area's region code; 0 for the firms of no area */
	int enterprises;    /* firms in scope there (a chain's distinct members when asked) */
	double output;	    /* their output value in the year, 万元 (unknown values left out) */
	double yoy;	    /* output growth over the firms known in both years; NaN if none */
	double growth_prev; /* the previous year's output of those firms */
	double growth_now;  /* and theirs this year */
	int missing;	    /* a chain's nodes with no member in the area, -1 without a chain */
};

/*
 * The figures of the district map: for every area that overlaps SCOPE (the area inside the
 * scope, or the scope inside the area), the firms in scope there and their output and growth
 * in YEAR (0 = the frame's latest), counted as the dashboard counts (CHAIN -1: every
 * enterprise in scope) or as the chain page counts (CHAIN a catalogue index: distinct members,
 * plus the nodes missing in the area by the chain page's rule: no member on the node or below
 * it). Areas with no firm are listed with zeros. Firms in scope whose code names no area (a
 * bare 500000) are summed into *UNPLACED (code 0), so the areas and UNPLACED add up to the
 * scope's totals. *AREAS is allocated (free() it), sorted by code, *N entries. Returns 0 or a
 * negative CC_E*.
 */
int chain_areas(const struct cc_frame *f, int chain, const struct chain_scope *scope, int year,
		struct chain_area **areas, int *n, struct chain_area *unplaced,
		struct cc_error *err);

/*
 * Writes the chain report workbook to PATH: summary, nodes (with a column chart of output by
 * node), gaps, and up to LIMIT targets per weak or missing node, in one language: English
 * when EN, else Chinese (headers, names, classes, reasons); figures are number cells, ratios
 * shown as percentages. Returns 0 or a negative CC_E*.
 */
int chain_report_write(const struct cc_frame *f, int chain, const struct chain_scope *scope,
		       int year, const struct chain_rules *rules, int limit, int en,
		       const char *path, struct cc_error *err);

struct risk_net;

/* What a brief covers (chain_brief). */
struct chain_brief_opts {
	const struct chain_scope *scope;
	int year;	       /* the annual figures' year; 0 = the frame's latest */
	int month;	       /* YYYYMM of "this month"; 0 = the latest with output data */
	const uint8_t *chains; /* by catalogue index, non-zero = in the brief; NULL = all */
	int detail;	       /* nodes, targets and single points of failure (one chain) */
};

/*
 * The monthly chain brief (brief.c) as a new JSON object in *OUT: title, scope, year, month
 * and previous_month ("YYYY-MM"), basis (what "last month" is computed from, zh and en),
 * and per chain: names, figures (chain_analyse's summary), month (output of this month and
 * the last over the same reporting firms, change, firms, year_ago), new_enterprises, gaps
 * (with up to 3 targets each when DETAIL), nodes (when DETAIL: class, output, month) and
 * resilience (concentration totals — sourcing_hhi and market_hhi as risk.h defines them — and
 * single points of failure from NET; null when NET is
 * NULL). F must hold monthly indicators. Returns 0, or CC_EINVAL when the frame has no two
 * months of output data (or not the month asked), or another negative CC_E*.
 */
int chain_brief(const struct cc_frame *f, const struct risk_net *net,
		const struct chain_rules *rules, const struct chain_brief_opts *o, json_t **out,
		struct cc_error *err);

#endif
