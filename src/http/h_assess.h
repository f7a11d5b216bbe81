/*
 * The routes of a standards-based self-assessment (assess/assess.h), one code path for each
 * standard's: the model, an enterprise's assessments by year (an enterprise user fills and
 * reads only its own: h_path_enterprise), a year's assessment saved with its audit row, and
 * the roll-up by district and chain (for staff; a chief's confined to its chains' members).
 */
#ifndef CC_HTTP_H_ASSESS_H
#define CC_HTTP_H_ASSESS_H
#include <jansson.h>
#include <stdint.h>
#include "assess/assess.h"
#include "http/handlers.h"

int h_assess_model(struct http_req *req, const struct assess_std *std);
int h_assess_get(struct http_req *req, const struct assess_std *std);
int h_assess_put(struct http_req *req, const struct assess_std *std);
/* AS_OF, when given, is 数据截至 of the figures (the answer's "as_of"; NULL when it cannot be
 * made): REGION, ONLY and YEAR as the summary's. */
int h_assess_summary(struct http_req *req, const struct assess_std *std,
		     json_t *(*as_of)(struct cc_store *st, const struct cc_frame *f, int region,
				      const uint8_t *only, int year));

#endif
