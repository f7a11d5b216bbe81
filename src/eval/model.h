/*
 * Evaluation models as data (one JSON file each in data/models): a filter (a condition every listed
 * enterprise must meet), an optional candidate condition met or nearly met (within a margin
 * of every failed threshold), indicators (expressions or network counts from the supply
 * graph), a weighting, normalisation and aggregation (eval/mcda), and tiers by score share,
 * score cut-off or top-k per chain. `chainchief eval run MODEL` and the cultivation lists
 * build on a run.
 */
#ifndef CC_EVAL_MODEL_H
#define CC_EVAL_MODEL_H
#include "base/error.h"
#include "eval/expr.h"
#include "frame/frame.h"

#define EVAL_MODEL_MAX_IND   24
#define EVAL_MODEL_MAX_TIERS 6

enum eval_network_t { EVAL_NET_NONE = 0, EVAL_NET_CUSTOMERS, EVAL_NET_SUPPLIERS, EVAL_NET_NODES };
enum eval_weighting_t { EVAL_W_EQUAL = 0, EVAL_W_GIVEN, EVAL_W_ENTROPY, EVAL_W_CRITIC };

struct eval_indicator {
	char id[48], name_zh[96], name_en[96], group[64];
	struct expr *e; /* NULL for a network count */
	int network;	/* enum eval_network_t */
	int benefit;	/* 1 max, 0 min */
	double weight;	/* given weight (EVAL_W_GIVEN), else 0 */
};

struct eval_tier {
	char id[32], name_zh[64], name_en[64];
	double top_share;    /* > 0: the best share of candidates by rank */
	double min_score;    /* >= 0 when set (NaN when not) */
	int top_k_per_chain; /* > 0: the best K of each chain */
};

struct eval_model {
	char id[64], name_zh[128], name_en[128], source[1024];
	char source_zh[1024], source_en[1024]; /* the source for readers, by language */
	struct expr *filter;		       /* NULL: everyone */
	struct expr *candidate;		       /* NULL: no candidate test */
	double near_margin;
	int nind;
	struct eval_indicator ind[EVAL_MODEL_MAX_IND];
	int weighting; /* enum eval_weighting_t */
	int method, norm;
	double v;
	int ntiers;
	struct eval_tier tiers[EVAL_MODEL_MAX_TIERS];
};

/* Ids of the models in data/models/index.json; returns the count (at most MAX). */
int eval_model_ids(char ids[][64], int max, struct cc_error *err);

/*
 * Loads model ID from data/models/ID.json, parsing every expression once. Returns 0, or
 * CC_ENOTFOUND / CC_EPARSE / CC_EINVAL naming the file, the field and (for expressions) the
 * column. Release with eval_model_release.
 */
int eval_model_load(const char *id, struct eval_model *m, struct cc_error *err);
/* Parses a model from JSON text (tests use this). */
int eval_model_parse(const char *json, struct eval_model *m, struct cc_error *err);
void eval_model_release(struct eval_model *m);

/*
 * A run's counts, from the widest to the narrowest: SCREENED enterprises meet the filter (the
 * population the model looks at); N of them are evaluated (ranked): the candidate condition
 * met (MET of them) or near; TIERED of those are selected, i.e. placed in a tier. A model
 * whose last tier takes every candidate (top_share 1) selects all N, by its own rule.
 */
struct eval_model_run {
	int year;
	int screened; /* enterprises meeting the filter */
	int n;	      /* enterprises evaluated (filter met, candidate met or near) */
	int met;      /* of them, meeting the candidate condition (the others are near) */
	int tiered;   /* of them, selected: placed in a tier */
	int nind;
	int *ent;	 /* n frame indices, in rank order (best first) */
	int *near;	 /* n: 1 when only near the candidate condition */
	double *x;	 /* n * nind raw indicator values (NaN unknown) */
	double *norm;	 /* n * nind normalised values (0..1, higher is better) */
	double *weights; /* nind */
	double *score;	 /* n: TOPSIS closeness / weighted sum / VIKOR Q */
	int *rank;	 /* n: 1 = best (competition ranks) */
	int *tier;	 /* n: tier index, or -1 for none */
	int *chain;	 /* n: the chain (catalogue index) the enterprise is ranked in, or -1 */
	int *chain_rank; /* n: its place among the run's enterprises of that chain (1 = best), 0
			    without a chain; a per-chain tier (top_k_per_chain) follows it */
};

/*
 * Runs model M over frame F at YEAR (<= 0: the latest). Returns 0 and fills RUN (release with
 * eval_model_run_release), or a negative CC_E*. With no enterprise selected, RUN->n is 0.
 */
int eval_model_run(const struct eval_model *m, const struct cc_frame *f, int year,
		   struct eval_model_run *run, struct cc_error *err);
void eval_model_run_release(struct eval_model_run *run);

#endif
