/*
 * Standards-based self-assessments (issue 16 items 3 and 4): the engine the GB/T 39116 digital
 * maturity assessment (digital/digital.c) and the GB/T 36132 green-factory assessment
 * (green/factory.c) are written on. A standard keeps its own model file, its own rules (as
 * the data of a struct assess_scheme), its own stored columns and its own JSON; the engine
 * holds what the two had alike:
 *
 *   - loading a model file of data/ once per process (assess_once);
 *   - the items (questions, requirements) of a model and the scoring of an answer set
 *     against them: a group's score is the weighted mean of its items' answers (unanswered =
 *     0) times the scheme's scale; then either a LADDER (the highest level whose score and
 *     every lower level's reach the pass mark; composite = level + next level's score; gaps =
 *     the next level's items below 1) or a WEIGHTED total (Σ group weight × group score,
 *     capped at the scale; items of a veto kind must all be met; gaps = every item below 1,
 *     kind by kind);
 *   - the answers as stored (a JSON object of item id → value) and as sent (the body's
 *     "answers" object), the model's head and gaps as JSON;
 *   - the roll-up of a year's stored results overall, by district (base/slots.h) and by
 *     chain, each standard supplying how a row is read, added and written;
 *   - the table of hooks (struct assess_std) through which the HTTP routes (http/h_assess.c)
 *     and the CLI (cli/cli_assess.c) serve either standard with one code path.
 *
 * Ownership: items' strings point into the model's parsed JSON; results are plain structs
 * filled by the callee.
 */
#ifndef CC_ASSESS_ASSESS_H
#define CC_ASSESS_ASSESS_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "base/error.h"

#define ASSESS_MAX_ITEMS   96
#define ASSESS_MAX_GROUPS  8
#define ASSESS_MAX_KINDS   4
#define ASSESS_MAX_ANSWERS 8

/* One question (GB/T 39116) or requirement (GB/T 36132): the names are the standards'. */
struct assess_item {
	const char *id, *text_zh, *text_en, *dimension;
	union {
		int group;
		int level;     /* LADDER: 1..ngroups */
		int indicator; /* WEIGHTED: 0..ngroups-1; -1 in no group (scored by its veto) */
	};
	union {
		double weight;
		double points;
	};
	int kind; /* 0..ASSESS_MAX_KINDS-1: a standard's kinds (basic, mandatory, optional) */
};

enum assess_rule { ASSESS_LADDER, ASSESS_WEIGHTED };

/* A standard's scoring rules as data. */
struct assess_scheme {
	enum assess_rule rule;
	int ngroups; /* LADDER: levels 1..ngroups; WEIGHTED: 0..ngroups-1 */
	double group_weight[ASSESS_MAX_GROUPS]; /* WEIGHTED: each group's share of the total */
	double scale;				/* a group's score is scale × its weighted mean */
	double pass; /* LADDER: each level's pass mark; WEIGHTED: the total to reach (NaN: none) */
	unsigned veto; /* bit k: every item of kind k must be met for the result to pass */
	int nkinds;    /* the kinds 0..nkinds-1, in the order the gaps list them */
};

/* What the engine sees of a standard's model (pointers into it). */
struct assess_def {
	const struct assess_item *item;
	int nitems;
	const double *answers; /* the answer scale */
	int nanswers;
	struct assess_scheme sc;
};

struct assess_result {
	double group_score[ASSESS_MAX_GROUPS + 1]; /* LADDER [1..ngroups]; WEIGHTED [0..ngroups) */
	int met[ASSESS_MAX_KINDS];		   /* every item of kind k met (1 when none) */
	int level;				   /* LADDER: 0..ngroups */
	double score; /* LADDER: level + the next level's score; WEIGHTED: the total */
	int pass;     /* every veto kind met and (WEIGHTED) the total reaching pass */
	int ngaps;
	int gaps[ASSESS_MAX_ITEMS]; /* item indices */
};

/* Scores ANSWERS[i] (NaN: unanswered) of D into R. */
void assess_score(const struct assess_def *d, const double *answers, struct assess_result *r);
/* Whether answer A counts as met (answered, at least 1). */
int assess_met(double a);
/* The index of item ID (N bytes), or -1. */
int assess_find(const struct assess_item *item, int nitems, const char *id, size_t n);
/* Whether V is one of D's answer values. */
int assess_answer_ok(const struct assess_def *d, double v);

/* ---- loading a model of data/ once per process ---- */
struct assess_once {
	const char *path; /* under data/, e.g. "digital/maturity.json" */
	int (*parse)(void *model, const char *text, struct cc_error *err);
	void *model;
	pthread_mutex_t mu;
	int done, rc;
	struct cc_error err;
};
#define ASSESS_ONCE(path_, parse_, model_)                                                         \
	{                                                                                          \
		.path = (path_), .parse = (parse_), .model = (model_),                             \
		.mu = PTHREAD_MUTEX_INITIALIZER                                                    \
	}
/* O's model, read and parsed at the first call (by one thread); NULL with ERR (the first
 * call's failure, every time) when it could not be. A standard's PFX_model_get is this over
 * a static assess_once of its model file. */
const void *assess_once_get(struct assess_once *o, struct cc_error *err);

/* ---- JSON (json_t arguments are void * so that callers need not include jansson) ---- */
struct cc_buf;
struct cc_jw;
/* The string KEY of object O, or "". */
const char *assess_jstr(const void *o, const char *key);
/* Appends ANSWERS of D as stored: {"id":value,...}, unanswered left out. */
void assess_answers_put(struct cc_buf *b, const struct assess_def *d, const double *answers);
/* Sets ANSWERS[0..MAX) to NaN, then to the values of the stored TEXT (unknown ids ignored). */
void assess_answers_get(const struct assess_def *d, const char *text, double *answers, int max);
/*
 * Reads the body's "answers" object V into ANSWERS (null: unanswered). 0, or CC_EINVAL with
 * ERR and FIELD (size 96) "answers.ID": "no WHAT 'ID'" for an unknown id, BAD for a value
 * off the scale.
 */
int assess_body_answers(const struct assess_def *d, const void *v, double *answers, char *field,
			const char *what, const char *bad, struct cc_error *err);
/* Writes "id", "name_zh", "name_en", "source" and "note" of model JSON ROOT. */
void assess_write_head(struct cc_jw *w, const void *root);
/* Writes "answers": the answer scale. */
void assess_write_scale(struct cc_jw *w, const struct assess_def *d);
/* Writes "answers": {id: value} of the answered items. */
void assess_write_answers(struct cc_jw *w, const struct assess_def *d, const double *answers);
/* Writes "gaps": [{id, kind (KINDS[kind], when KINDS), text_zh, text_en, answer}] of the
 * items GAPS[0..NGAPS). */
void assess_write_gaps(struct cc_jw *w, const struct assess_def *d, const int *gaps, int ngaps,
		       const double *answers, const char *const *kinds);

/* ---- the roll-up of a year's stored results ---- */
struct cc_frame;
struct cc_store;
struct cc_stmt;
struct assess_rollup {
	const char *latest_sql; /* the latest year assessed (0 when none) */
	const char *rows_sql;	/* ?1 = year; column 0 the enterprise id, then the standard's */
	size_t value_size;	/* of what READ fills from one row */
	size_t tally_size;	/* of one tally (zeroed at first) */
	/* Fills VALUE from row S; 0 to leave the row out. */
	int (*read)(struct cc_stmt *s, void *value);
	void (*add)(void *tally, const void *value);
	void (*write)(struct cc_jw *w, const void *tally);
	/* Writes the standard's keys after "year" and "region". */
	void (*head)(struct cc_jw *w, const void *model);
};
/*
 * Writes {year, region, HEAD's keys, totals, districts: [{region, name, name_en, tally}],
 * chains: [{chain, name, name_en, tally}]} of YEAR (0: the latest) for the enterprises of
 * frame F in REGION (0: all) and ONLY (a frame-row mask, or NULL). 0 or a CC_E* with ERR.
 */
int assess_rollup_write(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			const struct assess_rollup *ru, const void *model, int year, int region,
			const uint8_t *only, struct cc_error *err);

/* ---- one standard as the routes and the CLI serve it ---- */
struct assess_std {
	const char *cli;    /* the CLI's name in messages: "digital", "green" */
	const char *audit;  /* the audit action of an assessment saved */
	size_t record_size; /* one stored assessment; its first member is int year */
	const char *zh_model, *zh_read, *zh_invalid, *zh_save, *zh_summary; /* HTTP messages */
	const void *(*model)(struct cc_error *err);
	int (*parse_body)(const void *m, const void *body, void *rec, char *field,
			  struct cc_error *err);
	int (*save)(struct cc_store *st, const void *m, int64_t id, const void *rec,
		    const char *actor, struct cc_error *err);
	int (*read)(struct cc_store *st, const void *m, int64_t id, void *out, int max,
		    struct cc_error *err);
	void (*write_model)(struct cc_jw *w, const void *m);
	void (*write_assessments)(struct cc_jw *w, const void *m, const char *uscc,
				  const char *name, const void *recs, int n);
	int (*write_summary)(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			     const void *m, int year, int region, const uint8_t *only,
			     struct cc_error *err);
};

/*
 * Defines the hooks of struct assess_std (static PFX_hook_*) over a standard's typed
 * functions PFX_model_get, PFX_parse_body, PFX_save, PFX_read, PFX_write_model,
 * PFX_write_assessments and PFX_write_summary (each taking its model and record types where
 * the hook takes void *); ASSESS_STD_HOOKS_INIT(PFX) names them in the table's initialiser.
 */
#define ASSESS_STD_HOOKS(pfx)                                                                      \
	static const void *pfx##_hook_model(struct cc_error *err)                                  \
	{                                                                                          \
		return pfx##_model_get(err);                                                       \
	}                                                                                          \
	static int pfx##_hook_parse_body(const void *m, const void *body, void *rec, char *field,  \
					 struct cc_error *err)                                     \
	{                                                                                          \
		return pfx##_parse_body(m, body, rec, field, err);                                 \
	}                                                                                          \
	static int pfx##_hook_save(struct cc_store *st, const void *m, int64_t id,                 \
				   const void *rec, const char *actor, struct cc_error *err)       \
	{                                                                                          \
		return pfx##_save(st, m, id, rec, actor, err);                                     \
	}                                                                                          \
	static int pfx##_hook_read(struct cc_store *st, const void *m, int64_t id, void *out,      \
				   int max, struct cc_error *err)                                  \
	{                                                                                          \
		return pfx##_read(st, m, id, out, max, err);                                       \
	}                                                                                          \
	static void pfx##_hook_write_model(struct cc_jw *w, const void *m)                         \
	{                                                                                          \
		pfx##_write_model(w, m);                                                           \
	}                                                                                          \
	static void pfx##_hook_write_assessments(struct cc_jw *w, const void *m, const char *uscc, \
						 const char *name, const void *recs, int n)        \
	{                                                                                          \
		pfx##_write_assessments(w, m, uscc, name, recs, n);                                \
	}                                                                                          \
	static int pfx##_hook_write_summary(struct cc_jw *w, struct cc_store *st,                  \
					    const struct cc_frame *f, const void *m, int year,     \
					    int region, const uint8_t *only, struct cc_error *err) \
	{                                                                                          \
		return pfx##_write_summary(w, st, f, m, year, region, only, err);                  \
	}
#define ASSESS_STD_HOOKS_INIT(pfx)                                                                 \
	.model = pfx##_hook_model, .parse_body = pfx##_hook_parse_body, .save = pfx##_hook_save,   \
	.read = pfx##_hook_read, .write_model = pfx##_hook_write_model,                            \
	.write_assessments = pfx##_hook_write_assessments,                                         \
	.write_summary = pfx##_hook_write_summary

/* The demo's draws: splitmix64 of *S as a uniform in [0, 1). */
double assess_demo_u(uint64_t *s);

#endif
