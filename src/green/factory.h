/*
 * The green-factory self-assessment (绿色工厂自评价, issue 16 item 3): the GB/T 36132-2018
 * evaluation as data (data/green/factory.json: basic requirements, the six weighted
 * indicators, their mandatory and optional requirements, the answer scale), its scoring, and
 * the assessments kept per enterprise and year (green_factory_assessments).
 *
 * Scoring: an answer is one of the model's values (0 not met, 0.5 partly, 1 met; unanswered
 * = 0). Basic requirements are prerequisites: any basic requirement below 1 makes the factory
 * not eligible whatever its score. An indicator's score is 100 × Σ(points × answer) / Σ points
 * over its requirements; the total is Σ weight × indicator score (0-100). Eligible = every
 * basic and every mandatory requirement met and, when the model sets pass_score, the total
 * reaching it. The gaps are the requirements answered below 1 (basic, mandatory, optional).
 *
 * The requirements, the scoring frame (an assess_scheme WEIGHTED over the indicators, basic and
 * mandatory requirements as vetoes), the stored answers, the roll-up by district and chain
 * and the routes' and CLI's code paths are the self-assessment engine's (assess/assess.h);
 * this module holds what is GB/T 36132's own: the model file's checks, the kinds, the
 * eligibility columns stored beside the answers, and their JSON.
 *
 * Ownership: green_factory_model_get() returns a process-wide read-only model; results are
 * plain structs filled by the callee.
 */
#ifndef CC_GREEN_FACTORY_H
#define CC_GREEN_FACTORY_H
#include <stdint.h>
#include "assess/assess.h"
#include "base/error.h"
#include "store/store.h"

#define GF_MAX_REQS	  96
#define GF_MAX_INDICATORS 8
#define GF_MAX_ANSWERS	  8

/* GF_NONE (an unknown kind in a model file) makes the enum's type int, as assess_item.kind. */
enum gf_kind { GF_NONE = -1, GF_BASIC = 0, GF_MANDATORY = 1, GF_OPTIONAL = 2 };

/* A requirement: id, text_zh, text_en, indicator (an index into the indicators; -1 for a
 * basic requirement), kind (enum gf_kind) and points of an assess_item. */
struct gf_indicator {
	const char *id, *name_zh, *name_en;
	double weight;
};

struct gf_model {
	double pass_score; /* NaN: none */
	int nanswers;
	double answers[GF_MAX_ANSWERS];
	int nindicators;
	struct gf_indicator ind[GF_MAX_INDICATORS];
	int nreqs;
	struct assess_item r[GF_MAX_REQS];
	void *json;
};

/*
 * Parses TEXT (factory.json) into M: 0, or CC_EPARSE naming the problem (weights not summing
 * to 1, a requirement of an unknown indicator or kind, an indicator without requirements, a
 * duplicate id). M owns the parsed JSON until green_factory_model_release().
 */
int green_factory_model_parse(struct gf_model *m, const char *text, struct cc_error *err);
void green_factory_model_release(struct gf_model *m);
/* The shared model from the data files, or NULL with ERR. */
const struct gf_model *green_factory_model_get(struct cc_error *err);
/* M as the engine sees it: its requirements under the GB/T 36132 weighting and vetoes. */
struct assess_def green_factory_def(const struct gf_model *m);
/* The standard as the routes and the CLI serve it (records: struct gf_assessment). */
extern const struct assess_std green_factory_std;
/* The index of requirement ID (N bytes), or -1. */
int green_factory_req_find(const struct gf_model *m, const char *id, size_t n);

struct gf_result {
	int basic_met, mandatory_met, eligible; /* 0/1 */
	double score;				/* 0..100 */
	double ind_score[GF_MAX_INDICATORS];	/* 0..100 */
	int ngaps;
	int gaps[GF_MAX_REQS]; /* requirement indices below 1: basic, then mandatory, optional */
};

/* Scores ANSWERS[r] (NaN: unanswered) of M into R. */
void green_factory_score(const struct gf_model *m, const double *answers, struct gf_result *r);

/* One enterprise's assessment of a year as stored. */
struct gf_assessment {
	int year;
	double answers[GF_MAX_REQS];
	char updated_by[64], updated_at[32];
	struct gf_result result;
};

/* Saves A for enterprise ID and A->year (replacing the year's), score and eligibility as
 * computed now, in the caller's transaction. 0 or CC_EDB with ERR. */
int green_factory_save(struct cc_store *st, const struct gf_model *m, int64_t id,
		       const struct gf_assessment *a, const char *actor, struct cc_error *err);
/* Reads every year's assessment of enterprise ID (ascending) into OUT[0..MAX), each scored;
 * returns the count or a negative CC_E*. */
int green_factory_read(struct cc_store *st, const struct gf_model *m, int64_t id,
		       struct gf_assessment *out, int max, struct cc_error *err);
/*
 * Parses {"answers": {requirement id: value}} (BODY, a json_t object) into A (year left as
 * it is). 0, or CC_EINVAL with ERR and the field in FIELD (size 96).
 */
int green_factory_parse_body(const struct gf_model *m, const void *body, struct gf_assessment *a,
			     char *field, struct cc_error *err);

/* ---- JSON, shared by `chainchief green factory…` and the API ---- */
struct cc_jw;
struct cc_frame;
void green_factory_write_model(struct cc_jw *w, const struct gf_model *m);
/* An enterprise's assessments A[0..N) with eligibility, scores and gaps. */
void green_factory_write_assessments(struct cc_jw *w, const struct gf_model *m, const char *uscc,
				     const char *name, const struct gf_assessment *a, int n);
/*
 * The roll-up of YEAR's assessments (0: the latest year assessed) overall, by district and by
 * chain: assessed, eligible, basic requirements failed, mean total and mean indicator scores.
 * REGION 0 for all; ONLY (a frame-row mask, or NULL) confines to a chief's members.
 */
int green_factory_write_summary(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
				const struct gf_model *m, int year, int region, const uint8_t *only,
				struct cc_error *err);

/*
 * The demo's self-assessments (chainchief demo) of the latest annual year: the recognised
 * green factories and a few other firms (bigger ones more often), meeting more of the
 * requirements when recognised or bigger. SEED as the demo's. Returns 0 or a negative CC_E*.
 */
int green_factory_demo_fill(struct cc_store *st, const struct gf_model *m, uint64_t seed,
			    struct cc_error *err);

#endif
