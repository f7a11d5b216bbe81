/*
 * Official criteria as data: the sets of data/criteria/ (high-tech enterprise, tech SME,
 * innovative SME, 专精特新, 小巨人, 科创属性, STAR listing standards, NEEQ innovation tier), each
 * a list of clauses written in the expression language of eval/expr.h, loaded and parsed once,
 * then evaluated for one enterprise (with every clause explained) or over a whole frame, with
 * the near-miss scan on top. data/criteria/README.md documents the file format.
 *
 * Three-valued results. A clause is a pass, a fail or unknown, and a set's result is built
 * from its clauses with Kleene's logic, so a set with a clause we cannot assess is at best
 * unknown, never a pass. A clause is one of:
 *   condition  "expr" is sufficient (true passes the clause) and, unless "necessary" is
 *              given, also necessary (false fails it); "necessary" is a condition whose
 *              failure fails the clause while its success leaves it unknown. A clause with
 *              neither is not assessable (unknown for everybody).
 *   scored     "expr" and optionally "expr_max" are numbers (points) and "min" the pass mark:
 *              passes when expr >= min, fails when expr_max (or expr) < min, else unknown.
 *   input      a value the analyst supplies (market value, 万元) compared with "min";
 *              unknown when not supplied (and always in column evaluation).
 * The set's result:
 *   base   mode "all": every required clause; mode "any": every clause of one group (clauses
 *          without a group belong to every group);
 *   gate   when the set has a score: (the score and each of its "requires") or any "direct"
 *          clause; without a score, the direct clauses are alternatives to the whole base;
 *   result base and gate (with a score), base or any direct (without).
 *
 * Near misses: relaxing every measurable threshold by MARGIN (a fraction of the threshold,
 * expr_near_miss_column) and recombining. An enterprise is a near miss when its strict
 * result is a fail and its relaxed result is not: relaxed pass ("near") or relaxed unknown
 * (near on everything we can measure, pending what we cannot).
 *
 * Ownership: criteria_load() returns a catalogue the caller frees with criteria_free(); the
 * sets, clauses and their strings belong to it. A loaded catalogue is never written again, so
 * any number of threads may evaluate it at once.
 */
#ifndef CC_EVAL_CRITERIA_H
#define CC_EVAL_CRITERIA_H
#include <stdint.h>
#include "base/error.h"
#include "eval/expr.h"
#include "frame/frame.h"

#define CRITERIA_MAX_SETS    32
#define CRITERIA_MAX_CLAUSES 32
#define CRITERIA_MAX_GROUPS  8
/* Parts (comparisons) of one clause that check reports. */
#define CRITERIA_MAX_PARTS 16
/* The margin of the near-miss scan when none is given. */
#define CRITERIA_DEFAULT_MARGIN 0.1

enum criteria_mode_t { CRITERIA_ALL = 0, CRITERIA_ANY = 1 };

enum criteria_role_t {
	CRITERIA_REQUIRED = 0, /* a clause of "clauses" */
	CRITERIA_SCORE = 1,    /* the set's "score" */
	CRITERIA_REQUIRES = 2, /* one of the score's "requires" */
	CRITERIA_DIRECT = 3,   /* one of "direct": an alternative route */
};

enum criteria_kind_t { CRITERIA_CONDITION = 0, CRITERIA_SCORED = 1, CRITERIA_INPUT = 2 };

struct criteria_clause {
	const char *id, *label_zh, *label_en, *source;
	const char *note;	/* NULL when none */
	const char *data;	/* "missing", "partial", "input" or NULL (fully measurable) */
	const char *group;	/* mode any: the group's name; NULL for none */
	int group_index;	/* index into the set's groups, -1 for none */
	int role;		/* enum criteria_role_t */
	int kind;		/* enum criteria_kind_t */
	struct expr *cond;	/* condition: sufficient (NULL when none); scored: expr >= min */
	struct expr *necessary; /* condition: necessary (NULL); scored: expr_max >= min (NULL) */
	struct expr *points, *points_max; /* scored: the numbers (points_max may be NULL) */
	double min;			  /* scored and input: the pass mark; NaN otherwise */
	const char *input;		  /* input: its name ("market_value"); NULL otherwise */
};

struct criteria_set {
	const char *id, *name_zh, *name_en, *source, *effective;
	const char *note; /* NULL when none */
	char file[64];	  /* "hightech.json" (truncated in messages if longer) */
	int mode;	  /* enum criteria_mode_t */
	int nclauses;	  /* required clauses first, then the score, its requires, the directs */
	struct criteria_clause clauses[CRITERIA_MAX_CLAUSES];
	int ngroups;
	const char *groups[CRITERIA_MAX_GROUPS];
	int score;   /* index of the score clause, -1 when none */
	int ndirect; /* number of direct clauses */
	void *json;  /* the parsed file, which owns the strings above */
};

struct criteria_catalogue {
	int nsets;
	struct criteria_set *sets;
};

/* Values the analyst supplies for one enterprise; NaN when not given. */
struct criteria_inputs {
	double market_value; /* expected market value, 万元 */
};

struct criteria_clause_result {
	const struct criteria_clause *clause;
	int truth;	  /* enum expr_truth_t */
	int relaxed;	  /* enum expr_truth_t with thresholds relaxed by the margin */
	double value;	  /* scored: the points (lower bound); input: the input; else NaN */
	double value_max; /* scored: the upper bound of the points; else NaN */
	/*
	 * For a failed clause, the smallest relative margin that lifts it out of failure (see
	 * expr_relative_gap); NaN when the clause does not fail or no margin would lift it.
	 */
	double rel_gap;
	int nparts; /* comparisons explained (at most CRITERIA_MAX_PARTS) */
	struct expr_clause_result parts[CRITERIA_MAX_PARTS];
};

struct criteria_result {
	const struct criteria_set *set;
	int truth;	/* enum expr_truth_t: pass, fail, unknown */
	int relaxed;	/* the result with thresholds relaxed by the margin */
	int near;	/* truth is EXPR_FALSE and relaxed is not */
	double rel_gap; /* near misses: the largest rel_gap of the failed clauses; else NaN */
	int nclauses;
	struct criteria_clause_result clauses[CRITERIA_MAX_CLAUSES];
};

/*
 * Loads every set that data/criteria/index.json lists (through cc_data_read, so a --data
 * folder overrides the built-in copy), parsing each expression once. Returns 0 and *OUT
 * (free with criteria_free), CC_ENOTFOUND / CC_EIO when a file is missing, CC_EPARSE with a
 * message naming the file, the clause and the column ("srdi.json: clause 'rd_amount': error
 * at column 12: …"), or CC_ENOMEM.
 */
int criteria_load(struct criteria_catalogue **out, struct cc_error *err);

/*
 * Parses one set from TEXT (the contents of FILE, used in messages) into S. Returns 0 or an
 * error as criteria_load. On failure S holds nothing to release.
 */
int criteria_set_parse(struct criteria_set *s, const char *file, const char *text,
		       struct cc_error *err);

/* Releases what S holds. Accepts NULL. */
void criteria_set_release(struct criteria_set *s);

/* Frees C and everything it holds. Accepts NULL. */
void criteria_free(struct criteria_catalogue *c);

/* Returns the set with ID, or NULL. */
const struct criteria_set *criteria_find(const struct criteria_catalogue *c, const char *id);

/*
 * Evaluates S for enterprise I of F at YEAR (<= 0: the latest) with the analyst's inputs IN
 * (NULL: none), relaxing by MARGIN (>= 0) for the relaxed result and the gaps. Fills R
 * entirely. Returns 0, or CC_EINVAL for a bad MARGIN. Never allocates.
 */
int criteria_eval_one(const struct criteria_set *s, const struct cc_frame *f, int i, int year,
		      const struct criteria_inputs *in, double margin, struct criteria_result *r);

/*
 * Evaluates S for all F->n enterprises at YEAR: STRICT[i] (may be NULL) gets the result and
 * RELAXED[i] (may be NULL) the result with thresholds relaxed by MARGIN (enum
 * expr_truth_t). Input clauses are unknown. Returns 0, CC_EINVAL (bad MARGIN) or CC_ENOMEM.
 */
int criteria_eval_column(const struct criteria_set *s, const struct cc_frame *f, int year,
			 double margin, uint8_t *strict, uint8_t *relaxed, struct cc_error *err);

/* Returns "pass", "fail" or "unknown" for an enum expr_truth_t. */
const char *criteria_truth_name(int truth);

/* Returns "required", "score", "requires" or "direct". */
const char *criteria_role_name(int role);

#endif
