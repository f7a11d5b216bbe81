/*
 * Digital maturity (智能化, issue 16 item 4): the GB/T 39116-2020 intelligent-manufacturing
 * maturity self-assessment as data (data/digital/maturity.json: levels, dimensions, questions,
 * answer scale, pass mark, the 两化融合 indicators with their targets), its scoring, and the
 * assessments kept per enterprise and year (migration 17).
 *
 * Scoring: an answer is one of the model's answer values (0, 0.5, 0.8, 1); a level's score is
 * the weighted mean of its questions (unanswered = 0); the enterprise is at the highest level
 * L whose score and every lower level's reach the pass mark (0 when level 1 does not); the
 * composite score is L plus the next level's score; the gaps are the next level's questions
 * answered below 1.
 *
 * The model's questions, the scoring frame (an assess_scheme LADDER over levels 1-5 with the
 * pass mark), the stored answers, the roll-up by district and chain and the routes' and CLI's
 * code paths are the self-assessment engine's (assess/assess.h); this module holds what is
 * GB/T 39116's own: the model file's checks, the levels' names, the 两化融合 indicators and
 * recognitions stored beside the answers, and their JSON.
 *
 * Ownership: digital_model_get() returns a process-wide read-only model; results are plain
 * structs filled by the callee.
 */
#ifndef CC_DIGITAL_DIGITAL_H
#define CC_DIGITAL_DIGITAL_H
#include <stdint.h>
#include "assess/assess.h"
#include "base/error.h"
#include "store/store.h"

#define DIGITAL_MAX_QUESTIONS 64
#define DIGITAL_LEVELS	      5
#define DIGITAL_MAX_ANSWERS   8

/* A question: id, dimension, text_zh, text_en, level 1..5 and weight of an assess_item. */
struct digital_model {
	double pass_mark;
	int nanswers;
	double answers[DIGITAL_MAX_ANSWERS];
	const char *level_zh[DIGITAL_LEVELS + 1], *level_en[DIGITAL_LEVELS + 1]; /* [1..5] */
	int nquestions;
	struct assess_item q[DIGITAL_MAX_QUESTIONS];
	double target_cnc, target_rd_tool; /* national 2025 targets (NaN when none) */
	void *json;
};

/* Parses TEXT (maturity.json) into M; 0 or CC_EPARSE naming the problem. */
int digital_model_parse(struct digital_model *m, const char *text, struct cc_error *err);
void digital_model_release(struct digital_model *m);
/* The shared model from the data files, or NULL with ERR. */
const struct digital_model *digital_model_get(struct cc_error *err);
/* M as the engine sees it: its questions under the GB/T 39116 ladder. */
struct assess_def digital_def(const struct digital_model *m);
/* The standard as the routes and the CLI serve it (records: struct digital_assessment). */
extern const struct assess_std digital_std;
/* The index of question ID (N bytes), or -1. */
int digital_question_find(const struct digital_model *m, const char *id, size_t n);
/* Whether V is one of the model's answer values. */
int digital_answer_ok(const struct digital_model *m, double v);

struct digital_result {
	int level;				/* 0..5 */
	double score;				/* composite, 0..5 */
	double level_score[DIGITAL_LEVELS + 1]; /* [1..5] */
	int ngaps;
	int gaps[DIGITAL_MAX_QUESTIONS]; /* question indices of the next level below 1 */
};

/* Scores ANSWERS[q] (NaN: unanswered) of M into R. */
void digital_score(const struct digital_model *m, const double *answers, struct digital_result *r);

/* One enterprise's assessment of a year as stored. */
struct digital_assessment {
	int year;
	double answers[DIGITAL_MAX_QUESTIONS];
	double cnc_rate, rd_tool_rate, networking_rate; /* 0..1, NaN unknown */
	int factory_5g, demonstration, lighthouse;	/* 0/1 */
	char updated_by[64], updated_at[32];
	struct digital_result result;
};

/*
 * Saves A (answers as a JSON object of question id → value written from A) for enterprise ID
 * and A->year, replacing the year's assessment, in the caller's transaction. Returns 0 or
 * CC_EDB with ERR.
 */
int digital_save(struct cc_store *st, const struct digital_model *m, int64_t id,
		 const struct digital_assessment *a, const char *actor, struct cc_error *err);

/* Reads every year's assessment of enterprise ID (ascending) into OUT[0..MAX); returns the
 * count or a negative CC_E*. Each is scored. */
int digital_read(struct cc_store *st, const struct digital_model *m, int64_t id,
		 struct digital_assessment *out, int max, struct cc_error *err);

/* ---- JSON (report.c), shared by the CLI's --format json and the API ---- */
struct cc_jw;
struct cc_frame;
void digital_write_model(struct cc_jw *w, const struct digital_model *m);
/* An enterprise's assessments A[0..N) with level, scores, gaps to the next level and the
 * indicators against the national targets. */
void digital_write_assessments(struct cc_jw *w, const struct digital_model *m, const char *uscc,
			       const char *name, const struct digital_assessment *a, int n);
/* The distribution of levels in YEAR (0: the latest year assessed) overall, by district and
 * by chain, with the indicators' means and the recognitions; REGION 0 for all. */
int digital_write_summary(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			  const struct digital_model *m, int year, int region, const uint8_t *only,
			  struct cc_error *err);
/*
 * Parses an assessment from the JSON object BODY ({"answers": {id: value}, "cnc_rate",
 * "rd_tool_rate", "networking_rate", "factory_5g", "demonstration", "lighthouse"}) into A
 * (year left as it is). Returns 0, or CC_EINVAL with ERR naming the field in FIELD (size 96).
 */
int digital_parse_body(const struct digital_model *m, const void *body,
		       struct digital_assessment *a, char *field, struct cc_error *err);

/*
 * The demo's assessments (chainchief demo): about half of the enterprises assess the latest
 * annual year, bigger and newer firms more often and at higher levels, with rates and
 * recognitions that follow the level. SEED as the demo's. Returns 0 or a negative CC_E*.
 */
int digital_demo_fill(struct cc_store *st, const struct digital_model *m, uint64_t seed,
		      struct cc_error *err);

#endif
