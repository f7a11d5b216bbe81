/*
 * Enterprise reporting (企业数据直报): reporting plans, the reports they open for each period,
 * filling (draft, submit), the hard and soft rules a submission must pass, review (return with
 * a comment, accept), the provenance of every indicator value, completion counts and
 * reminders. The CLI (`report …`) and the API (`/api/v1/report…`) call these functions and
 * nothing else, so both ask the same questions in the same words.
 *
 * Words, stated once:
 *   - A plan names its metrics (keys of the metric catalogue, base metrics only), its
 *     enterprises by a rule — "all", "members" (any chain's members), "members:CHAIN",
 *     "above_scale" (annual main revenue of the latest year at or above the threshold of
 *     data/report_rules.json) or "list:USCC;USCC…" — its frequency (monthly or annual) and
 *     when a period opens and falls due: OPEN_DAYS and DUE_DAYS days after the period's last
 *     day (a monthly period 2026-11 with due_days 15 is due 2026-12-15).
 *   - A report is one enterprise's answer for one plan and period. Statuses: open (nothing
 *     saved), draft, submitted, returned (with the reviewer's comment), accepted (its values
 *     are the enterprise's indicators of that period). Reported means submitted or accepted;
 *     a report not reported is overdue once today (UTC) is past its due date, else pending.
 *   - Hard rules refuse a submission and name the field: the rules of `chainchief check`
 *     (cc_indicator_check, on the values sent and on the row as it would be stored) and R&D
 *     expense above revenue. Soft rules ask for an explanation (report_soft_check).
 *   - Provenance: every value written by a report or by a manual edit records its source
 *     (kind report or manual, the report id, who, when) and the value it attests. A stored
 *     value that differs from its attestation (or has none) came from an import.
 *
 * Dates are YYYYMMDD integers; TODAY 0 means the current UTC date. Periods are the store's
 * integers: YYYYMM for a month, YYYY00 for a year.
 *
 * Ownership: json_t results are new references the caller releases with json_decref.
 */
#ifndef CC_REPORT_REPORT_H
#define CC_REPORT_REPORT_H
#include <stdint.h>
#include <jansson.h>
#include "base/error.h"
#include "store/check.h"
#include "store/store.h"

/* The thresholds of data/report_rules.json. */
struct report_rules {
	double above_scale_min; /* annual main revenue, 万元 */
	double yoy_change;	/* 0.5: more than 50% against the same period a year earlier */
	double history_factor;	/* 10: at least ten times the mean magnitude of the history */
	int history_periods;	/* how many earlier periods make the history */
	int remind_days;	/* a reminder this many days before the due date */
	double as_of_share; /* 数据截至: a period is complete when this share of firms reported */
};

/* The rules, loaded once (built in, or the --data folder). NULL with the reason in ERR. */
const struct report_rules *report_rules_get(struct cc_error *err);

/* ---- dates and periods ---- */

/* Today's UTC date as YYYYMMDD. */
int report_today(void);
/* DAYS days after date YMD (DAYS may be negative). */
int report_date_add(int ymd, int days);
/* Days from date A to date B (B - A). */
int report_date_diff(int a, int b);
/* The last day of PERIOD (YYYYMM or YYYY00) as YYYYMMDD. */
int report_period_end(int period);
/* The period before PERIOD of the same frequency, and the same period a year earlier. */
int report_period_prev(int period);
int report_period_last_year(int period);
/* Writes PERIOD as "2026-11" or "2026" into OUT (at least 8 bytes). */
void report_period_format(int period, char *out);
/* Parses "2026-11" / "2026" (cc_parse_period's forms) into *PERIOD. Returns 0 or CC_EINVAL. */
int report_period_parse(const char *s, int *period, struct cc_error *err);

/* ---- rules (pure) ---- */

/*
 * The hard rules on ROW (CC_M_BASE_COUNT values, NaN unknown): cc_indicator_check, then R&D
 * expense above revenue (both known). Returns 0 when ROW keeps them, else 1 with the first
 * problem in *P (may be NULL).
 */
int report_hard_check(const double *row, struct cc_indicator_problem *p);

enum report_soft_t {
	REPORT_SOFT_YOY = 1,	 /* a change over yoy_change against the same period last year */
	REPORT_SOFT_HISTORY = 2, /* at least history_factor times the history's mean magnitude */
	REPORT_SOFT_MISSING = 4, /* empty, but known in the previous period or a year earlier */
};
/*
 * The soft rules for one value V (NaN: left empty) given the same period a year earlier LY,
 * the previous period PREV and the mean magnitude HIST of the known history values (NaN when
 * none). Returns the enum report_soft_t bits that fire (0: none).
 */
int report_soft_check(const struct report_rules *r, double v, double ly, double prev, double hist);

/* ---- plans ---- */

struct report_plan_new {
	const char *name;
	const char *metrics;   /* "revenue,employees" (keys or Chinese names, comma-separated) */
	const char *rule;      /* see above */
	const char *frequency; /* monthly (default) or annual */
	int open_days;	       /* default 1 */
	int due_days;	       /* default 15 (monthly) or 90 (annual) when 0 */
	const char *actor;
};

/* Creates a plan (audited). Returns 0 and *ID, or CC_EINVAL / CC_EEXIST with the reason. */
int report_plan_create(struct cc_store *st, const struct report_plan_new *p, int64_t *id,
		       struct cc_error *err);
/* The plan named (or numbered) WHAT. Returns 0 and *ID or CC_ENOTFOUND. */
int report_plan_find(struct cc_store *st, const char *what, int64_t *id, struct cc_error *err);
/* Every plan: [{id, name, metrics:[…], rule, frequency, open_days, due_days, periods,
 * latest_period}]. NULL with the reason in ERR. */
json_t *report_plans(struct cc_store *st, struct cc_error *err);

/*
 * Opens PLAN's reports of PERIOD (0: the latest period whose opening day is on or before
 * TODAY) for every enterprise the plan's rule selects (those open already are kept), in one
 * transaction (audited). Returns 0 with the period in *PERIOD_OUT and the number opened in
 * *OPENED, or a negative CC_E* (a period of the wrong frequency, or not open yet: CC_EINVAL).
 */
int report_open(struct cc_store *st, int64_t plan, int period, int today, const char *actor,
		int *period_out, int64_t *opened, struct cc_error *err);

/* ---- one report ---- */

/* What report_list selects; 0 / NULL: any. */
struct report_filter {
	int64_t plan;
	int period;
	const char *status; /* one status, or "overdue", "pending", "reported" */
	const char *uscc;
	int limit; /* default 200, at most 100000 */
	int today;
};
/* Reports F selects, newest period first: {"reports":[{id, plan, plan_name, uscc, name,
 * period, due, status, overdue, submitted_at, reviewed_at, comment}], "count"}. */
json_t *report_list(struct cc_store *st, const struct report_filter *f, struct cc_error *err);

/*
 * Report ID as its form: plan, enterprise, period, due, status, explanation, comment, and for
 * each metric of the plan {metric, name_zh, name_en, unit_zh, value, last (the previous
 * period's stored value), last_year, soft:[rule…]}, the soft warnings of the values as saved
 * ("warnings"). NULL with CC_ENOTFOUND in ERR when none.
 */
json_t *report_get(struct cc_store *st, int64_t id, int today, struct cc_error *err);
/* The enterprise (credit code) of report ID into USCC. Returns 0 or CC_ENOTFOUND. */
int report_owner(struct cc_store *st, int64_t id, char uscc[19], struct cc_error *err);

/*
 * Saves VALUES (a JSON object: metric key -> number or null; metrics outside the plan are
 * refused, naming the field in *FIELD) and EXPLANATION (NULL: kept) as a draft. Refused once
 * submitted or accepted (CC_EPERM). Returns 0 or a negative CC_E*.
 */
int report_save(struct cc_store *st, int64_t id, json_t *values, const char *explanation,
		const char *actor, const char **field, struct cc_error *err);

/*
 * Submits report ID (after saving VALUES and EXPLANATION when given). A hard rule refuses it
 * with CC_EINVAL, the metric in *FIELD and the rule in ERR; soft warnings without an
 * explanation refuse it with CC_EREJECT and the warnings in *WARNINGS (a new reference, may be
 * NULL otherwise). Audited. Returns 0 or a negative CC_E*.
 */
int report_submit(struct cc_store *st, int64_t id, json_t *values, const char *explanation,
		  const char *actor, const char **field, json_t **warnings, struct cc_error *err);

/* Returns a submitted report to its enterprise with COMMENT (required); a notice goes to the
 * enterprise. Audited. Returns 0, CC_EINVAL (no comment) or CC_EPERM (not submitted). */
int report_return(struct cc_store *st, int64_t id, const char *comment, const char *actor,
		  struct cc_error *err);

/*
 * Accepts a submitted report: in one transaction its values become the enterprise's
 * indicators of the period (values left empty are not written), each value's provenance is
 * recorded, the status moves and an audit row is written. Returns 0 or CC_EPERM (not
 * submitted), or a store error.
 */
int report_accept(struct cc_store *st, int64_t id, const char *actor, struct cc_error *err);

/* ---- completion, reminders, notices ---- */

/*
 * PLAN's completion for PERIOD (0: its latest opened) on TODAY: {plan, period, total,
 * reported, pending, overdue, accepted, by_district:[{region, name, total, reported, pending,
 * overdue}], by_chain:[{chain, name_zh, …}], overdue_firms:[{report, uscc, name, region,
 * region_name, due, days_overdue, status, contacts}], series:[{period, total, reported,
 * pending, overdue}] (the last 12 periods, oldest first)}.
 */
json_t *report_completion(struct cc_store *st, int64_t plan, int period, int today,
			  struct cc_error *err);
struct cc_frame;
/* The same, the firms' districts and chains read from frame F (the server's snapshot: no join
 * of the reports with the registry and no pass over the memberships); F NULL: from the store.
 * The answers are equal while F holds the store's registry and memberships. */
json_t *report_completion_in(struct cc_store *st, const struct cc_frame *f, int64_t plan,
			     int period, int today, struct cc_error *err);

/*
 * Writes reminders for reports not yet reported: "due" when the due date is within
 * remind_days of TODAY, "overdue" once it has passed; each at most once per report. PLAN 0:
 * every plan. An audit row when any was written. The server runs it at start and hourly.
 * Returns 0 with the number written in *N.
 */
int report_remind(struct cc_store *st, int64_t plan, int today, int64_t *n, struct cc_error *err);

/* The notices (due, overdue, returned, accepted) of enterprise USCC's reports, newest first:
 * {"notices":[{id, report, plan_name, period, kind, comment, created_at, read}]}. */
json_t *report_notices(struct cc_store *st, const char *uscc, int limit, struct cc_error *err);

/* ---- the demo's plan ---- */

/*
 * The demo's reporting plan (cli/cmd_demo.c), so the reporting pages are not empty: a monthly
 * plan of revenue, output value and employees over the members of chain CHAIN (NULL: the
 * smallest chain with at least 40 members, else the largest: every state shows), its latest
 * period on TODAY and the three before it opened; in the older periods most reports accepted
 * (their values the enterprise's stored ones for the period), some submitted, returned or
 * drafts and the rest overdue; in the latest, some submitted or drafts and the rest pending;
 * reminders written. Deterministic (by report id); at most 500 reports a period are worked
 * on (the rest stay open). Returns 0 with the plan in *PLAN, or a
 * negative CC_E*.
 */
int report_demo_fill(struct cc_store *st, const char *chain, int today, int64_t *plan,
		     struct cc_error *err);

/* ---- provenance ---- */

/*
 * Records the source of METRIC's value V of enterprise EID in PERIOD: KIND "report" (REF the
 * report id) or "manual", by ACTOR, now. Inside the caller's transaction. Returns 0 or CC_EDB.
 */
int report_provenance_note(struct cc_store *st, int64_t eid, int period, int metric, double v,
			   const char *kind, int64_t ref, const char *actor, struct cc_error *err);

/*
 * Where each stored value of enterprise USCC came from, for PERIOD (0: every period):
 * {"uscc", "values":[{period, metric, value, source: report|manual|import|unknown, ref,
 * actor, at, file, line}]}. An import is named by the import that last wrote the value's
 * column for that row (indicator_imports: ref the imports id, file, line of the file, who,
 * when); an attestation (report, manual) holds while the value is the one attested and no
 * import wrote it later. A value with neither (imported before migration 26) is named by the
 * latest indicators import (file, at; no line).
 * Also "as_of": the latest accepted report's period, if any.
 */
json_t *report_provenance(struct cc_store *st, const char *uscc, int period, struct cc_error *err);

/* ---- freshness (数据截至) ---- */

struct cc_frame;
struct chain_scope;
/*
 * How fresh the figures of a page are, over frame F's enterprises in SCOPE (NULL: all) and,
 * when CHAIN >= 0 (a catalogue index), members of that chain: the firms counted, and for the
 * latest year and the latest month holding any revenue or output value of those firms, the
 * period and how many of the firms have neither (missing). Also the latest accepted report
 * (time) from ST when ST is not NULL. {"firms", "year":{"period","missing"}|null,
 * "month":{"period","missing"}|null, "last_report_at"}.
 */
json_t *report_freshness(struct cc_store *st, const struct cc_frame *f,
			 const struct chain_scope *scope, int chain);

/* ---- as of (数据截至 on every aggregating page) ---- */

/*
 * The latest complete period of what a page shows. A firm of the scope has *reported* a
 * period when it holds a value of at least one of the page's metrics in it; the period is
 * *complete* when at least report_rules.as_of_share (data/report_rules.json, 0.8) of the
 * scope's firms have reported it. The as-of period is the latest complete period not after
 * the page's own (MAX_PERIOD); when none is complete, the one most firms reported (the later
 * on a tie) with complete = 0; period 0 when the scope is empty or no firm holds a value.
 */
struct report_as_of {
	int period;	  /* YYYY00 (annual) or YYYYMM (monthly); 0: none */
	int64_t firms;	  /* the scope's firms (expected to report) */
	int64_t reported; /* of them, with a value in PERIOD */
	int64_t missing;  /* firms - reported */
	int complete;
};

/*
 * Computes *OUT over frame F's firms with IN[i] != 0 (IN NULL: every firm) and the NMETRICS
 * base metrics METRICS, in the annual columns, or the monthly ones when MONTHLY; periods after
 * MAX_PERIOD (YYYY00 or YYYYMM; 0: no bound) are not considered. SHARE is the completeness
 * share (0 < SHARE <= 1). One pass over the scope's cells of the metrics' columns for each
 * period looked at, latest first, stopping at the first complete one. Returns 0, or CC_EINVAL
 * for a metric that is not a base metric.
 */
int report_as_of(const struct cc_frame *f, const uint8_t *in, const int *metrics, int nmetrics,
		 int monthly, int max_period, double share, struct report_as_of *out);

/*
 * The same rule over counts the caller made (a source other than the frame's indicators, as
 * the maturity self-assessments): PERIODS[k] (ascending) reported by COUNTS[k] of FIRMS.
 */
void report_as_of_counts(const int *periods, const int64_t *counts, int n, int64_t firms,
			 int max_period, double share, struct report_as_of *out);

/*
 * The mask of F's firms in SCOPE (NULL: any region) that are members of a chain with
 * CHAINS[c] != 0 (CHAINS NULL: member or not), for report_as_of. Caller frees; NULL when out
 * of memory.
 */
uint8_t *report_scope_mask(const struct cc_frame *f, const struct chain_scope *scope,
			   const uint8_t *chains);

/*
 * *A as the API's "as_of" object (new reference): {"period": "2024" | "2024-05" | null,
 * "firms", "reported", "missing", "complete", "share", "metrics": [keys]}.
 */
json_t *report_as_of_json(const struct report_as_of *a, double share, const int *metrics,
			  int nmetrics);

/* ---- bulk (bulk.c) ---- */

/*
 * Writes the XLSX a district officer fills for PLAN's PERIOD: one row per firm with a report,
 * of REGION (a region code: 50 / 5001 / 500112 by its significant digits; 0 all), pre-filled
 * with what each report holds; columns 统一社会信用代码, 企业名称, one per metric (Chinese name
 * with its unit) and 情况说明. Returns 0 with the firms written in *ROWS.
 */
int report_bulk_template(struct cc_store *st, int64_t plan, int period, int region,
			 const char *path, int64_t *rows, struct cc_error *err);

/*
 * Reads such a file back (CSV in UTF-8 or GB18030, or XLSX; headers by their Chinese names or
 * English ids, in any order, units in parentheses ignored) and submits every row that holds a
 * figure under the form's rules (report_submit, one transaction a row); rows with no figure
 * are skipped. Refused rows go to REJECTS_PATH (may be NULL) as the importer's reject report
 * (line, column, value, reason_zh, reason_en). *RESULT (new reference): {plan_name, rows,
 * accepted, rejected, skipped, format, unknown_columns, rejects: the first 100}. Returns 0,
 * CC_EREJECT when rows were refused (*RESULT set), or another CC_E* when nothing was read.
 */
int report_bulk_upload(struct cc_store *st, int64_t plan, int period, const char *path,
		       const char *rejects_path, const char *actor, json_t **result,
		       struct cc_error *err);

#endif
