/*
 * Retrofit projects (技改项目, issue 16 item 5): a register of enterprises' green and
 * intelligent retrofits with investment, dates, status, solution provider and effect, a
 * before/after view that reads the enterprise's own indicators (energy per output and labour
 * productivity of the year before the start and the year of the end, from the frame; the CNC
 * rate of its maturity self-assessments), and totals by district and chain.
 *
 * Ownership: results are written as JSON into the caller's writer; nothing is kept.
 */
#ifndef CC_DIGITAL_RETROFIT_H
#define CC_DIGITAL_RETROFIT_H
#include <stdint.h>
#include "base/error.h"
#include "store/store.h"

struct cc_jw;
struct cc_frame;

struct retrofit {
	int64_t enterprise_id;
	const char *title, *kind, *status, *provider; /* kind green|intelligent|both */
	const char *start_date, *end_date;	      /* YYYY-MM-DD or NULL */
	double investment, expected_saved, measured_saved, cnc_before, cnc_after; /* NaN unknown */
	char capabilities[512]; /* needed (data/digital/capabilities.json ids, ';'), "" none */
};

/*
 * Parses a project from the JSON object BODY ({title, kind, investment, start_date, end_date,
 * status, provider, expected_saved, measured_saved, cnc_before, cnc_after}; strings point into
 * BODY) into R. Returns 0, or CC_EINVAL with ERR and the field's name in FIELD (size 64).
 */
int retrofit_parse(const void *body, struct retrofit *r, char *field, struct cc_error *err);

/* Inserts R (in the caller's transaction); the new id in *ID. 0 or CC_EDB. */
int retrofit_add(struct cc_store *st, const struct retrofit *r, const char *actor, int64_t *id,
		 struct cc_error *err);

/*
 * Posts project ID's retrofit need as a service demand (issue 16 item 6) unless it has one:
 * kind demand, category service, titled "技改需求 #ID：title", with the project's capabilities
 * (or its kind: green, intelligent or both), the Chengdu–Chongqing preference (500000;510000),
 * by ACTOR; the posting's id is kept in the project (need_posting). Opens its own
 * transactions: never inside the caller's. *POSTING gets the need's id and *CREATED (may be
 * NULL) 1 when it was posted now. CC_ENOTFOUND when there is no project ID, CC_EINVAL when it
 * has no need to post (it is not planned and has none).
 */
int retrofit_need_post(struct cc_store *st, int64_t id, const char *actor, int64_t *posting,
		       int *created, struct cc_error *err);

/*
 * Demo data (issue 16 item 6): service supplies（演示）by the registry's first software and IT
 * service firms (GB/T 4754 I65, the demo's retrofit providers) with capabilities and the
 * industries they serve, and every planned project's need posted (retrofit_need_post). Opens
 * its own transactions. 0 or a CC_E*.
 */
int retrofit_demo_services(struct cc_store *st, struct cc_error *err);

/*
 * Posts enterprise ENTERPRISE_ID's maturity gaps (its latest self-assessment: the next level's
 * questions answered below 1, each mapped to capabilities by data/digital/capabilities.json
 * "maturity_gaps") as a service demand titled "智能化改造需求：迈向<level>（成熟度差距）",
 * preferring Chongqing and Sichuan, by ACTOR; when that posting exists its id is given back
 * (*CREATED 0). CC_EINVAL when there is no assessment or no gap a provider serves. Opens its
 * own transactions.
 */
int retrofit_gap_need_post(struct cc_store *st, int64_t enterprise_id, const char *actor,
			   int64_t *posting, int *created, struct cc_error *err);

/* The need posting of project ID into *POSTING (0 when none) and its enterprise into *OWNER
 * (may be NULL). 0, CC_ENOTFOUND or CC_EDB. */
int retrofit_need_of(struct cc_store *st, int64_t id, int64_t *posting, int64_t *owner,
		     struct cc_error *err);

/*
 * Writes the projects (ONLY_ID > 0: that one, with its before/after view) of enterprise
 * ENTERPRISE (0: all) in REGION (0: all), of the enterprises ONLY marks (NULL: all), as
 * {"items": [...], "total": n}. 0 or a CC_E*.
 */
int retrofit_write_list(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			int64_t enterprise, int region, int64_t only_id, const uint8_t *only,
			struct cc_error *err);

/* Totals by status, kind, district and chain: count, investment, energy saved. */
int retrofit_write_summary(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			   int region, const uint8_t *only, struct cc_error *err);

#endif
