/*
 * The route handlers, one file per area (h_*.c); the table is in routes.c.
 */
#ifndef CC_HTTP_HANDLERS_H
#define CC_HTTP_HANDLERS_H
#include "http/http.h"

int h_login(struct http_req *req);
int h_logout(struct http_req *req);
int h_session(struct http_req *req);
int h_openapi(struct http_req *req);
int h_dashboard(struct http_req *req);
int h_enterprises(struct http_req *req);
int h_enterprise(struct http_req *req);
int h_enterprise_patch(struct http_req *req);
int h_indicators_put(struct http_req *req);
int h_import(struct http_req *req);
int h_import_rejects(struct http_req *req);
int h_import_template(struct http_req *req);
int h_export(struct http_req *req);
int h_export_table(struct http_req *req);
int h_chains(struct http_req *req);
int h_regions(struct http_req *req);
int h_metrics(struct http_req *req);
int h_region_search(struct http_req *req);
int h_nodes(struct http_req *req);
int h_users(struct http_req *req);
int h_user_create(struct http_req *req);
int h_user_patch(struct http_req *req);
int h_audit(struct http_req *req);
int h_chain_compare(struct http_req *req);
int h_chain(struct http_req *req);
int h_chain_node(struct http_req *req);
int h_chain_gaps(struct http_req *req);
int h_chain_targets(struct http_req *req);
int h_chain_report(struct http_req *req);
int h_areas(struct http_req *req);
int h_brief(struct http_req *req);
int h_criteria(struct http_req *req);
int h_enterprise_criteria(struct http_req *req);
int h_models(struct http_req *req);
int h_model_run(struct http_req *req);
int h_lists(struct http_req *req);
int h_list(struct http_req *req);
int h_list_versions(struct http_req *req);
int h_list_diff(struct http_req *req);
int h_list_create(struct http_req *req);
int h_list_change(struct http_req *req);
int h_list_export(struct http_req *req);
int h_cases(struct http_req *req);
int h_case(struct http_req *req);
int h_case_open(struct http_req *req);
int h_case_move(struct http_req *req);
int h_case_comment(struct http_req *req);
int h_postings(struct http_req *req);
int h_posting_create(struct http_req *req);
int h_posting(struct http_req *req);
int h_posting_patch(struct http_req *req);
int h_posting_withdraw(struct http_req *req);
int h_posting_matches(struct http_req *req);
int h_subscriptions(struct http_req *req);
int h_subscription_create(struct http_req *req);
int h_subscription_delete(struct http_req *req);
int h_inbox(struct http_req *req);
int h_inbox_read(struct http_req *req);
int h_deals(struct http_req *req);
int h_deal_mark(struct http_req *req);
int h_match_stats(struct http_req *req);
int h_risk_overview(struct http_req *req);
int h_risk_chain(struct http_req *req);
int h_risk_single(struct http_req *req);
int h_risk_network(struct http_req *req);
int h_risk_tts(struct http_req *req);
int h_risk_disrupt(struct http_req *req);

/*
 * Shared by handlers: the frame index of the enterprise named by path parameter 0, or -1
 * after setting 400 (bad code), 404 (not registered) or 403 (an enterprise user asking for
 * another enterprise) on REQ.
 */
int h_path_enterprise(struct http_req *req, struct cc_frame *f);

/* Shared by handlers: the HTTP status and error code of an engine's CC_E* (not found 404,
 * exists 409, invalid 400, anything else 500). */
/* The HTTP status and error code of a CC_E* code (core.c's one table). */
int h_status_of(int rc);
const char *h_code_of(int rc);
/*
 * Answers the failure RC (a CC_E* code, through the same table) with ERR's message (may be
 * NULL or empty: the table's), except where it holds internals (ERR->internal: SQLite's
 * words) or the status is 5xx: then a generic one, and ERR's goes to the server's log. RC,
 * not ERR->code, decides: a function may fail without setting ERR. MSG_ZH may be NULL (the
 * table's). Returns the status.
 */
int http_error_from(struct http_req *req, int rc, const struct cc_error *err, const char *field,
		    const char *msg_zh);

/* Shared by handlers: whether the user may read chain CHAIN (a chief only their own chains). */
int h_may_read_chain(const struct http_req *req, const char *chain);

struct chain_scope;
/*
 * Shared by the chain pages and the dashboard: parses the request's scope (chongqing, chengdu,
 * both or region codes; absent: the rules' default, the platform's home region) and year
 * (absent: F's latest). Returns 0, or -1 after setting a 400 on REQ.
 */
int h_chain_params(struct http_req *req, const struct cc_frame *f, struct chain_scope *scope,
		   int *year);
/* The scope of a response as JSON: {"name_zh", "name_en", "regions": [codes], "year"}. */
json_t *h_chain_scope_json(const struct chain_scope *s, int year);
/*
 * The one answer to "how many firms, and what output, has chain CHAIN (catalogue index) in
 * SCOPE in YEAR": the distinct members in scope and their output value (万元; NaN when no
 * member reports it), as the chain pages show them (the memoised chain analysis). Returns 0 or
 * a negative CC_E* with ERR filled.
 */
int h_chain_totals(struct cc_frame *f, int chain, const struct chain_scope *scope, int year,
		   int *enterprises, double *output, struct cc_error *err);

/* Shared by handlers: JSON of enterprise I of frame F for YEAR (list item fields). */
json_t *h_enterprise_item(const struct cc_frame *f, int i, int year);
/* Sets how the caches the handlers hang on frames follow a new version (cc_frame_ext_policy);
 * called once before the server follows the change log. h_enterprise_follow_init also sets
 * the enterprise search engine's (cc_enterprise_search_follow_init). */
void h_enterprise_follow_init(void);
void h_risk_follow_init(void);
void h_chain_follow_init(void);
/* For tests: 0 when F's memoised analysis of CHAIN (catalogue index) for SCOPE (a name or
 * codes; NULL the default) in the latest year equals a fresh chain_analyse, 1 when it
 * differs, -1 on error. */
int h_chain_memo_check(struct cc_frame *f, int chain, const char *scope);

/* Innovation chain (h_innov.c, issue 17). */
int h_innov_chain(struct http_req *req);
int h_patent_check(struct http_req *req);
/* Enterprise reporting (h_report.c). */
int h_report_plans(struct http_req *req);
int h_report_plan_create(struct http_req *req);
int h_report_open(struct http_req *req);
int h_report_completion(struct http_req *req);
int h_report_remind(struct http_req *req);
int h_reports(struct http_req *req);
int h_report(struct http_req *req);
int h_report_save(struct http_req *req);
int h_report_submit(struct http_req *req);
int h_report_return(struct http_req *req);
int h_report_accept(struct http_req *req);
int h_report_notices(struct http_req *req);
int h_enterprise_provenance(struct http_req *req);
int h_freshness(struct http_req *req);
/*
 * 数据截至 for an aggregating route (report_as_of, the rule of data/report_rules.json): the
 * "as_of" object over the firms IN[i] != 0 when IN is not NULL, else those of SCOPE (NULL:
 * any region) that are members of chain CHAIN (a catalogue index; -1: member or not), of the
 * NMETRICS base metrics METRICS in the annual columns up to year MAX_YEAR (0: any), or the
 * monthly ones up to month MAX_PERIOD (YYYYMM) when MONTHLY. New reference; NULL when out of
 * memory (the caller's response then goes without it).
 */
json_t *h_as_of(const struct cc_frame *f, const struct chain_scope *scope, int chain,
		const uint8_t *in, const int *metrics, int nmetrics, int monthly, int max_period);
/* The metrics of the pages' 数据截至: output and revenue (the registry's figures), energy
 * (green), R&D and invention patents (innovation). */
extern const int h_as_of_output[2], h_as_of_energy[1], h_as_of_innov[2];
/*
 * Adds AS_OF (consumed; NULL adds nothing) as the last member "as_of" of the JSON object W
 * wrote into REQ's response, and sends it as http_jw_send does.
 */
int h_jw_send_as_of(struct http_req *req, struct cc_jw *w, json_t *as_of);
int h_report_template(struct http_req *req);
int h_report_upload(struct http_req *req);
/* Green routes (h_green.c, issue 16). */
int h_green_factors(struct http_req *req);
int h_enterprise_green(struct http_req *req);
int h_green_benchmarks(struct http_req *req);
int h_green_laggards(struct http_req *req);
int h_green_summary(struct http_req *req);

/* Green-factory self-assessment routes (h_green_factory.c, issue 16 item 3). */
int h_green_factory_model(struct http_req *req);
int h_enterprise_green_factory(struct http_req *req);
int h_enterprise_green_factory_put(struct http_req *req);
int h_green_factory_summary(struct http_req *req);
/* Digital maturity routes (h_digital.c, issue 16 item 4). */
int h_digital_model(struct http_req *req);
int h_enterprise_digital(struct http_req *req);
int h_enterprise_digital_put(struct http_req *req);
int h_digital_summary(struct http_req *req);
int h_retrofits(struct http_req *req);
int h_retrofit(struct http_req *req);
int h_retrofit_create(struct http_req *req);
int h_retrofit_summary(struct http_req *req);
int h_retrofit_need(struct http_req *req);
int h_retrofit_providers(struct http_req *req);
int h_digital_need(struct http_req *req);
int h_innov_tech_put(struct http_req *req);
int h_innov_platforms(struct http_req *req);
int h_innov_platform_post(struct http_req *req);
int h_innov_consortia(struct http_req *req);
int h_innov_consortium_post(struct http_req *req);
int h_innov_challenges(struct http_req *req);
int h_innov_challenge_post(struct http_req *req);
int h_innov_applicants(struct http_req *req);
int h_innov_award(struct http_req *req);
int h_listing_reserve(struct http_req *req);
int h_listing_firm(struct http_req *req);
int h_listing_engage(struct http_req *req);
int h_listing_consent(struct http_req *req);
int h_listing_progress(struct http_req *req);
int h_listing_funnel(struct http_req *req);
int h_listing_funnel_history(struct http_req *req);
int h_listing_stalled(struct http_req *req);
int h_listing_stalled_open(struct http_req *req);
int h_listing_institutions(struct http_req *req);
int h_listing_institution_add(struct http_req *req);

#endif
