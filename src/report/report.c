/*
 * Enterprise reporting (see report.h): plans, opening a period's reports by the plan's rule,
 * drafts and submissions under the hard and soft rules, review, acceptance into indicators
 * with provenance, completion counts, reminders and notices. Every write is one transaction
 * with its audit row; the reads build the JSON both the CLI and the API print.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/buf.h"
#include "base/builtin.h"
#include "base/json.h"
#include "base/parse.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "domain/uscc.h"
#include "chain/chain.h"
#include "frame/frame.h"
#include "report/report.h"
#include "store/dialect.h"

/* ---- rules ---- */

static struct report_rules rules;
static int rules_rc;
static struct cc_error rules_err;
static pthread_once_t rules_once = PTHREAD_ONCE_INIT;

static void rules_load(void)
{
	char *text = NULL;
	size_t len;
	json_error_t je;
	rules_rc = cc_data_read("report_rules.json", &text, &len);
	if (rules_rc) {
		cc_error_set(&rules_err, rules_rc, "cannot read data file 'report_rules.json'");
		return;
	}
	json_t *j = json_loadb(text, len, 0, &je);
	free(text);
	if (!j) {
		rules_rc = cc_error_set(&rules_err, CC_EPARSE, "report_rules.json line %d: %s",
					je.line, je.text);
		return;
	}
	json_t *soft = json_object_get(j, "soft");
	rules.above_scale_min =
		json_number_value(json_object_get(json_object_get(j, "above_scale"), "min"));
	rules.yoy_change = json_number_value(json_object_get(soft, "yoy_change"));
	rules.history_factor = json_number_value(json_object_get(soft, "history_factor"));
	rules.history_periods = (int)json_integer_value(json_object_get(soft, "history_periods"));
	rules.remind_days = (int)json_integer_value(json_object_get(j, "remind_days_before"));
	rules.as_of_share =
		json_number_value(json_object_get(json_object_get(j, "as_of"), "complete_share"));
	if (!(rules.yoy_change > 0) || !(rules.history_factor > 1) || rules.history_periods < 1 ||
	    rules.history_periods > 60 || rules.remind_days < 0 || !(rules.above_scale_min >= 0) ||
	    !(rules.as_of_share > 0 && rules.as_of_share <= 1))
		rules_rc =
			cc_error_set(&rules_err, CC_EINVAL,
				     "report_rules.json: soft.yoy_change > 0, soft.history_factor "
				     "> 1, soft.history_periods 1-60, remind_days_before >= 0, "
				     "above_scale.min >= 0 and 0 < as_of.complete_share <= 1 are "
				     "required");
	json_decref(j);
}

const struct report_rules *report_rules_get(struct cc_error *err)
{
	pthread_once(&rules_once, rules_load);
	if (rules_rc) {
		if (err)
			*err = rules_err;
		return NULL;
	}
	return &rules;
}

/* ---- dates and periods ---- */

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */

int report_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int report_date_add(int ymd, int days)
{
	return (int)cc_ymd_from_days(cc_days_from_ymd(ymd) + days);
}

int report_date_diff(int a, int b)
{
	return (int)(cc_days_from_ymd(b) - cc_days_from_ymd(a));
}

int report_period_end(int period)
{
	int y = period / 100, m = period % 100;
	if (m == 0)
		return y * 10000 + 1231;
	/* The day before the first of the next month. */
	int next = m == 12 ? (y + 1) * 10000 + 101 : y * 10000 + (m + 1) * 100 + 1;
	return report_date_add(next, -1);
}

int report_period_prev(int period)
{
	int y = period / 100, m = period % 100;
	if (m == 0)
		return (y - 1) * 100;
	return m == 1 ? (y - 1) * 100 + 12 : period - 1;
}

int report_period_last_year(int period)
{
	return period - 100;
}

void report_period_format(int period, char *out)
{
	unsigned y = (unsigned)(period / 100) % 10000u, m = (unsigned)(period % 100) % 100u;
	if (m)
		snprintf(out, 8, "%04u-%02u", y, m);
	else
		snprintf(out, 8, "%04u", y);
}

int report_period_parse(const char *s, int *period, struct cc_error *err)
{
	int y, m;
	if (!s || cc_parse_period(s, strlen(s), &y, &m, err))
		return CC_EINVAL;
	*period = y * 100 + m;
	return 0;
}

static void date_format(int ymd, char out[11])
{
	cc_format_date(ymd, out);
}

/* ---- rules (pure) ---- */

int report_hard_check(const double *row, struct cc_indicator_problem *p)
{
	if (cc_indicator_check(row, p))
		return 1;
	if (!isnan(row[CC_M_RD_EXPENSE]) && !isnan(row[CC_M_REVENUE]) &&
	    row[CC_M_RD_EXPENSE] > row[CC_M_REVENUE]) {
		if (p)
			*p = (struct cc_indicator_problem){CC_M_RD_EXPENSE, CC_M_REVENUE,
							   "研发费用高于营业收入",
							   "R&D expense exceeds revenue"};
		return 1;
	}
	return 0;
}

int report_soft_check(const struct report_rules *r, double v, double ly, double prev, double hist)
{
	int bits = 0;
	if (isnan(v))
		return (!isnan(ly) || !isnan(prev)) ? REPORT_SOFT_MISSING : 0;
	if (!isnan(ly) && ly != 0 && fabs(v - ly) / fabs(ly) > r->yoy_change)
		bits |= REPORT_SOFT_YOY;
	if (!isnan(hist) && hist > 0 && fabs(v) >= r->history_factor * hist)
		bits |= REPORT_SOFT_HISTORY;
	return bits;
}

/* ---- small store helpers ---- */

static int64_t enterprise_id(struct cc_store *st, const char *uscc)
{
	char canon[19];
	if (!uscc || cc_uscc_validate(uscc, strlen(uscc), canon, NULL, NULL))
		return 0;
	struct cc_stmt *s = NULL;
	int64_t id = 0;
	if (cc_stmt_prepare(st, &s, "SELECT id FROM enterprises WHERE uscc = ?1", NULL))
		return 0;
	cc_stmt_bind_text(s, 1, canon, 18);
	if (cc_stmt_step(s, NULL) == 1)
		id = cc_stmt_int64(s, 0);
	cc_stmt_free(s);
	return id;
}

/* Runs SQL with integer parameters A and B (0: unbound when the SQL has fewer). */
static int exec_ii(struct cc_store *st, const char *sql, int64_t a, int64_t b, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s, sql, err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, a);
	if (b)
		cc_stmt_bind_int64(s, 2, b);
	rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	cc_stmt_free(s);
	return rc;
}

/* The plan's metrics, parsed from its comma-separated keys into IDS (at most CC_M_BASE_COUNT).
 * Returns the count, or -1 naming the unknown one in ERR. */
static int parse_metrics(const char *text, int *ids, struct cc_error *err)
{
	int n = 0;
	const char *p = text;
	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char key[64];
		const char *k = p;
		cc_trim(&k, &len);
		if (len && len < sizeof key) {
			memcpy(key, k, len);
			key[len] = '\0';
			const struct cc_metric *m = cc_metric_find(key);
			if (!m || m->derived) {
				cc_error_set(err, CC_EINVAL,
					     "'%s' is not a metric an enterprise reports", key);
				return -1;
			}
			int dup = 0;
			for (int i = 0; i < n; i++)
				dup |= ids[i] == m->id;
			if (!dup && n < CC_M_BASE_COUNT)
				ids[n++] = m->id;
		} else if (len) {
			cc_error_set(err, CC_EINVAL, "a metric name is too long");
			return -1;
		}
		p = e ? e + 1 : NULL;
	}
	return n;
}

/* ---- plans ---- */

static int rule_ok(const char *rule, struct cc_error *err)
{
	if (!rule || !*rule)
		return cc_error_set(err, CC_EINVAL, "a plan needs an enterprise rule (--rule)");
	if (!strcmp(rule, "all") || !strcmp(rule, "members") || !strcmp(rule, "above_scale"))
		return 0;
	if (!strncmp(rule, "members:", 8)) {
		const struct cc_catalogue *cat = cc_catalogue_get(err);
		if (!cat)
			return CC_EINVAL;
		if (!cc_chain_find(cat, rule + 8))
			return cc_error_set(err, CC_EINVAL, "unknown chain '%s' in the rule",
					    rule + 8);
		return 0;
	}
	if (!strncmp(rule, "list:", 5)) {
		const char *p = rule + 5;
		int n = 0;
		while (*p) {
			const char *e = strchr(p, ';');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			const char *k = p;
			cc_trim(&k, &len);
			if (len && cc_uscc_validate(k, len, (char[19]){0}, NULL, err))
				return CC_EINVAL;
			n += len > 0;
			p = e ? e + 1 : p + strlen(p);
		}
		if (!n)
			return cc_error_set(err, CC_EINVAL, "list: needs credit codes");
		return 0;
	}
	return cc_error_set(err, CC_EINVAL,
			    "rule must be all, members, members:CHAIN, above_scale or "
			    "list:USCC;USCC");
}

int report_plan_create(struct cc_store *st, const struct report_plan_new *p, int64_t *id,
		       struct cc_error *err)
{
	int ids[CC_M_BASE_COUNT];
	const char *freq = p->frequency && *p->frequency ? p->frequency : "monthly";
	if (!p->name || !*p->name)
		return cc_error_set(err, CC_EINVAL, "a plan needs a name");
	if (strcmp(freq, "monthly") && strcmp(freq, "annual"))
		return cc_error_set(err, CC_EINVAL, "frequency must be monthly or annual");
	int n = parse_metrics(p->metrics, ids, err);
	if (n < 0)
		return CC_EINVAL;
	if (n == 0)
		return cc_error_set(err, CC_EINVAL, "a plan needs metrics (--metrics revenue,...)");
	if (rule_ok(p->rule, err))
		return CC_EINVAL;
	int open_days = p->open_days ? p->open_days : 1;
	int due_days = p->due_days ? p->due_days : (!strcmp(freq, "annual") ? 90 : 15);
	if (open_days < 0 || open_days > 365 || due_days < open_days || due_days > 400)
		return cc_error_set(err, CC_EINVAL,
				    "open days 0-365 and due days from open days to 400 are "
				    "required");
	char keys[1024] = "";
	size_t u = 0;
	for (int i = 0; i < n; i++)
		u += (size_t)snprintf(keys + u, sizeof keys - u, "%s%s", i ? "," : "",
				      cc_metric_get(ids[i])->key);
	int64_t dummy;
	if (report_plan_find(st, p->name, &dummy, NULL) == 0)
		return cc_error_set(err, CC_EEXIST, "a plan named '%s' exists", p->name);
	struct cc_stmt *s = NULL;
	int rc = cc_store_begin(st, err);
	if (rc)
		return rc;
	rc = cc_stmt_prepare(st, &s,
			     "INSERT INTO report_plans(name, metrics, rule, frequency, open_days, "
			     "due_days, created_by) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			     err);
	if (rc == 0) {
		const char *actor = p->actor ? p->actor : "cli";
		cc_stmt_bind_text(s, 1, p->name, strlen(p->name));
		cc_stmt_bind_text(s, 2, keys, strlen(keys));
		cc_stmt_bind_text(s, 3, p->rule, strlen(p->rule));
		cc_stmt_bind_text(s, 4, freq, strlen(freq));
		cc_stmt_bind_int64(s, 5, open_days);
		cc_stmt_bind_int64(s, 6, due_days);
		cc_stmt_bind_text(s, 7, actor, strlen(actor));
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	}
	cc_stmt_free(s);
	*id = cc_store_last_id(st);
	if (rc == 0) {
		struct cc_buf b = CC_BUF_INIT(4096);
		cc_buf_puts(&b, "{\"name\":");
		cc_buf_json_str(&b, p->name, strlen(p->name));
		cc_buf_printf(&b, ",\"metrics\":\"%s\",\"rule\":", keys);
		cc_buf_json_str(&b, p->rule, strlen(p->rule));
		cc_buf_printf(&b, ",\"frequency\":\"%s\",\"open_days\":%d,\"due_days\":%d}", freq,
			      open_days, due_days);
		char target[32];
		snprintf(target, sizeof target, "plan %lld", (long long)*id);
		rc = cc_store_audit(st, p->actor, "report.plan", target, NULL,
				    b.failed ? NULL : b.data, err);
		cc_buf_release(&b);
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
	return rc;
}

int report_plan_find(struct cc_store *st, const char *what, int64_t *id, struct cc_error *err)
{
	long long n;
	struct cc_stmt *s = NULL;
	*id = 0;
	if (!what || !*what)
		return cc_error_set(err, CC_ENOTFOUND, "no plan given");
	int numeric = cc_parse_int64(what, strlen(what), &n) == 0;
	if (cc_stmt_prepare(st, &s,
			    numeric ? "SELECT id FROM report_plans WHERE id = ?1"
				    : "SELECT id FROM report_plans WHERE name = ?1",
			    err))
		return CC_EDB;
	if (numeric)
		cc_stmt_bind_int64(s, 1, n);
	else
		cc_stmt_bind_text(s, 1, what, strlen(what));
	if (cc_stmt_step(s, err) == 1)
		*id = cc_stmt_int64(s, 0);
	cc_stmt_free(s);
	return *id ? 0 : cc_error_set(err, CC_ENOTFOUND, "no reporting plan '%s'", what);
}

/* A plan as read for work. */
struct plan {
	int64_t id;
	char name[128], rule[2048];
	int annual, open_days, due_days;
	int metrics[CC_M_BASE_COUNT], nmetrics;
};

static int plan_read(struct cc_store *st, int64_t id, struct plan *p, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s,
				 "SELECT name, metrics, rule, frequency, open_days, due_days FROM "
				 "report_plans WHERE id = ?1",
				 err);
	if (rc)
		return rc;
	memset(p, 0, sizeof *p);
	cc_stmt_bind_int64(s, 1, id);
	rc = cc_stmt_step(s, err);
	if (rc == 1) {
		p->id = id;
		snprintf(p->name, sizeof p->name, "%s", cc_stmt_text(s, 0));
		p->nmetrics = parse_metrics(cc_stmt_text(s, 1), p->metrics, err);
		snprintf(p->rule, sizeof p->rule, "%s", cc_stmt_text(s, 2));
		p->annual = !strcmp(cc_stmt_text(s, 3), "annual");
		p->open_days = (int)cc_stmt_int64(s, 4);
		p->due_days = (int)cc_stmt_int64(s, 5);
		rc = p->nmetrics < 0 ? CC_EINVAL : 0;
	} else if (rc == 0) {
		rc = cc_error_set(err, CC_ENOTFOUND, "no reporting plan %lld", (long long)id);
	}
	cc_stmt_free(s);
	return rc;
}

static json_t *metric_keys(const int *ids, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(cc_metric_get(ids[i])->key));
	return a;
}

json_t *report_plans(struct cc_store *st, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(
		    st, &s,
		    "SELECT p.id, p.name, p.metrics, p.rule, p.frequency, p.open_days, "
		    "p.due_days, p.created_at, (SELECT count(DISTINCT period) FROM reports r "
		    "WHERE r.plan_id = p.id), (SELECT max(period) FROM reports r WHERE "
		    "r.plan_id = p.id) FROM report_plans p ORDER BY p.id",
		    err))
		return NULL;
	json_t *arr = json_array();
	int rc;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int ids[CC_M_BASE_COUNT];
		int n = parse_metrics(cc_stmt_text(s, 2), ids, NULL);
		char per[8] = "";
		if (!cc_stmt_is_null(s, 9))
			report_period_format((int)cc_stmt_int64(s, 9), per);
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:o, s:s, s:s, s:i, s:i, s:s, s:I, s:s?}", "id",
				       (json_int_t)cc_stmt_int64(s, 0), "name", cc_stmt_text(s, 1),
				       "metrics", metric_keys(ids, n < 0 ? 0 : n), "rule",
				       cc_stmt_text(s, 3), "frequency", cc_stmt_text(s, 4),
				       "open_days", (int)cc_stmt_int64(s, 5), "due_days",
				       (int)cc_stmt_int64(s, 6), "created_at", cc_stmt_text(s, 7),
				       "periods", (json_int_t)cc_stmt_int64(s, 8), "latest_period",
				       per[0] ? per : NULL));
	}
	cc_stmt_free(s);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:o}", "plans", arr);
}

int report_open(struct cc_store *st, int64_t plan_id, int period, int today, const char *actor,
		int *period_out, int64_t *opened, struct cc_error *err)
{
	struct plan p;
	const struct report_rules *r = report_rules_get(err);
	int rc;
	*opened = 0;
	if (!r)
		return CC_EINVAL;
	rc = plan_read(st, plan_id, &p, err);
	if (rc)
		return rc;
	if (!today)
		today = report_today();
	if (!period) {
		/* The latest period whose opening day has come. */
		int y = today / 10000, m = today / 100 % 100;
		period = p.annual ? y * 100 : y * 100 + m;
		while (report_date_add(report_period_end(period), p.open_days) > today)
			period = report_period_prev(period);
	}
	if ((period % 100 == 0) != p.annual)
		return cc_error_set(err, CC_EINVAL, "plan '%s' is %s: give a period like %s",
				    p.name, p.annual ? "annual" : "monthly",
				    p.annual ? "2026" : "2026-11");
	int open_on = report_date_add(report_period_end(period), p.open_days);
	char per[8], due[11], opens[11];
	report_period_format(period, per);
	date_format(report_date_add(report_period_end(period), p.due_days), due);
	date_format(open_on, opens);
	if (open_on > today)
		return cc_error_set(err, CC_EINVAL, "period %s of plan '%s' opens on %s", per,
				    p.name, opens);
	*period_out = period;

	/* The enterprises of the rule, as one SELECT of (id, k): the reports get their ids in
	 * the order of k, which is the order SQLite's plans gave before the order was written
	 * down (a chain's members: by the first node they are on, then id; others by id). */
	const char *sel;
	if (!strcmp(p.rule, "all"))
		sel = "SELECT id, id FROM enterprises";
	else if (!strcmp(p.rule, "members"))
		sel = "SELECT DISTINCT enterprise_id, enterprise_id FROM chain_members";
	else if (!strncmp(p.rule, "members:", 8))
		sel = "SELECT enterprise_id, row_number() OVER (ORDER BY min(node), enterprise_id) "
		      "FROM chain_members WHERE chain = ?4 GROUP BY enterprise_id";
	else if (!strcmp(p.rule, "above_scale"))
		sel = "SELECT i.enterprise_id, i.enterprise_id FROM indicators i WHERE i.period = "
		      "(SELECT max(period) FROM indicators WHERE period % 100 = 0) AND "
		      "i.main_revenue >= ?5";
	else
		/* list: the codes are matched in the enterprise table by strpos over ';CODE;'. */
		sel = "SELECT id, id FROM enterprises WHERE strpos(?4, ';' || uscc || ';') > 0";
	struct cc_buf b = CC_BUF_INIT(4096);
	cc_buf_printf(&b,
		      "WITH t(x, k) AS (%s) INSERT INTO reports(plan_id, enterprise_id, period, "
		      "due) SELECT ?1, x, ?2, ?3 FROM t WHERE 1 = 1 ORDER BY k ON CONFLICT DO "
		      "NOTHING",
		      sel);
	char list_arg[2100] = "";
	if (!strncmp(p.rule, "list:", 5)) {
		/* ";CODE;CODE;" with each code canonical (upper case). */
		size_t u = (size_t)snprintf(list_arg, sizeof list_arg, ";");
		const char *q = p.rule + 5;
		while (*q) {
			const char *e = strchr(q, ';');
			size_t len = e ? (size_t)(e - q) : strlen(q);
			const char *k = q;
			char canon[19];
			cc_trim(&k, &len);
			if (len && !cc_uscc_validate(k, len, canon, NULL, NULL))
				u += (size_t)snprintf(list_arg + u, sizeof list_arg - u, "%s;",
						      canon);
			q = e ? e + 1 : q + strlen(q);
		}
	}
	struct cc_stmt *s = NULL;
	rc = b.failed ? CC_ENOMEM : cc_store_begin(st, err);
	if (rc == 0)
		rc = cc_stmt_prepare(st, &s, b.data, err);
	if (rc == 0) {
		cc_stmt_bind_int64(s, 1, plan_id);
		cc_stmt_bind_int64(s, 2, period);
		cc_stmt_bind_text(s, 3, due, 10);
		if (!strncmp(p.rule, "members:", 8))
			cc_stmt_bind_text(s, 4, p.rule + 8, strlen(p.rule + 8));
		else if (list_arg[0])
			cc_stmt_bind_text(s, 4, list_arg, strlen(list_arg));
		if (!strcmp(p.rule, "above_scale"))
			cc_stmt_bind_double(s, 5, r->above_scale_min);
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
		*opened = cc_store_changes(st);
	}
	cc_stmt_free(s);
	cc_buf_release(&b);
	if (rc == 0) {
		char target[64], after[128];
		snprintf(target, sizeof target, "plan %lld/%s", (long long)plan_id, per);
		snprintf(after, sizeof after, "{\"opened\":%lld,\"due\":\"%s\"}",
			 (long long)*opened, due);
		rc = cc_store_audit(st, actor, "report.open", target, NULL, after, err);
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
	return rc;
}

/* ---- one report ---- */

/* A report as read for work. */
struct rep {
	int64_t id, plan, eid;
	int period, due;
	char uscc[19], status[16];
	char *explanation;
	double vals[CC_M_BASE_COUNT]; /* NaN where empty */
	int has[CC_M_BASE_COUNT];     /* a row in report_values */
	struct plan p;
};

static void rep_release(struct rep *r)
{
	free(r->explanation);
	r->explanation = NULL;
}

static int rep_read(struct cc_store *st, int64_t id, struct rep *r, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	memset(r, 0, sizeof *r);
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		r->vals[m] = NAN;
	int rc =
		cc_stmt_prepare(st, &s,
				"SELECT r.plan_id, r.enterprise_id, r.period, r.due, r.status, "
				"r.explanation, e.uscc FROM reports r JOIN enterprises e ON e.id = "
				"r.enterprise_id WHERE r.id = ?1",
				err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, id);
	rc = cc_stmt_step(s, err);
	if (rc == 1) {
		int ymd = 0;
		const char *due = cc_stmt_text(s, 3);
		r->id = id;
		r->plan = cc_stmt_int64(s, 0);
		r->eid = cc_stmt_int64(s, 1);
		r->period = (int)cc_stmt_int64(s, 2);
		cc_parse_date(due, strlen(due), &ymd, NULL);
		r->due = ymd;
		snprintf(r->status, sizeof r->status, "%s", cc_stmt_text(s, 4));
		r->explanation = cc_stmt_is_null(s, 5) ? NULL : strdup(cc_stmt_text(s, 5));
		snprintf(r->uscc, sizeof r->uscc, "%s", cc_stmt_text(s, 6));
		rc = 0;
	} else if (rc == 0) {
		rc = cc_error_set(err, CC_ENOTFOUND, "no report %lld", (long long)id);
	}
	cc_stmt_free(s);
	if (rc == 0)
		rc = plan_read(st, r->plan, &r->p, err);
	if (rc == 0)
		rc = cc_stmt_prepare(st, &s,
				     "SELECT metric, value FROM report_values WHERE report_id = ?1",
				     err);
	if (rc == 0) {
		cc_stmt_bind_int64(s, 1, id);
		while ((rc = cc_stmt_step(s, err)) == 1) {
			const struct cc_metric *m = cc_metric_find(cc_stmt_text(s, 0));
			if (m && !m->derived) {
				r->has[m->id] = 1;
				r->vals[m->id] = cc_stmt_double_nan(s, 1);
			}
		}
		cc_stmt_free(s);
		rc = rc < 0 ? rc : 0;
	}
	if (rc)
		rep_release(r);
	return rc;
}

int report_owner(struct cc_store *st, int64_t id, char uscc[19], struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s,
				 "SELECT e.uscc FROM reports r JOIN enterprises e ON e.id = "
				 "r.enterprise_id WHERE r.id = ?1",
				 err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, id);
	rc = cc_stmt_step(s, err);
	if (rc == 1) {
		snprintf(uscc, 19, "%s", cc_stmt_text(s, 0));
		rc = 0;
	} else if (rc == 0) {
		rc = cc_error_set(err, CC_ENOTFOUND, "no report %lld", (long long)id);
	}
	cc_stmt_free(s);
	return rc;
}

/* The stored indicators of enterprise EID for periods FROM..TO of one frequency (annual when
 * FROM is a year), into ROWS[k][m] with k the period's distance back from TO (0 = TO), up to
 * NBACK rows; NaN where unknown. */
static int history_read(struct cc_store *st, int64_t eid, int to, int nback,
			double (*rows)[CC_M_BASE_COUNT], struct cc_error *err)
{
	int from = to;
	for (int k = 0; k < nback; k++) {
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			rows[k][m] = NAN;
		if (k)
			from = report_period_prev(from);
	}
	char sql[1024];
	size_t u = (size_t)snprintf(sql, sizeof sql, "SELECT period");
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		u += (size_t)snprintf(sql + u, sizeof sql - u, ", %s", cc_metric_get(m)->key);
	snprintf(sql + u, sizeof sql - u,
		 " FROM indicators WHERE enterprise_id = ?1 AND period BETWEEN ?2 AND ?3 AND "
		 "CASE WHEN period %% 100 = 0 THEN 1 ELSE 0 END = ?4");
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s, sql, err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, eid);
	cc_stmt_bind_int64(s, 2, from);
	cc_stmt_bind_int64(s, 3, to);
	cc_stmt_bind_int64(s, 4, to % 100 == 0);
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int per = (int)cc_stmt_int64(s, 0), k = 0, q = to;
		while (q != per && k < nback) {
			q = report_period_prev(q);
			k++;
		}
		if (k >= nback)
			continue;
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			rows[k][m] = cc_stmt_double_nan(s, 1 + m);
	}
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

/* What the form and the rules need beside a report's own values: the stored row of its
 * period, the previous period's, the same period last year's and the history's mean
 * magnitude per metric. */
struct context {
	double stored[CC_M_BASE_COUNT], prev[CC_M_BASE_COUNT], ly[CC_M_BASE_COUNT];
	double hist[CC_M_BASE_COUNT];
};

static int context_read(struct cc_store *st, const struct rep *r, const struct report_rules *rl,
			struct context *c, struct cc_error *err)
{
	int nback = rl->history_periods + 1;
	double(*rows)[CC_M_BASE_COUNT] = calloc((size_t)nback, sizeof *rows);
	double ly[1][CC_M_BASE_COUNT];
	if (!rows)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	int rc = history_read(st, r->eid, r->period, nback, rows, err);
	if (rc == 0)
		rc = history_read(st, r->eid, report_period_last_year(r->period), 1, ly, err);
	if (rc == 0)
		for (int m = 0; m < CC_M_BASE_COUNT; m++) {
			double sum = 0;
			int n = 0;
			c->stored[m] = rows[0][m];
			c->prev[m] = nback > 1 ? rows[1][m] : NAN;
			c->ly[m] = ly[0][m];
			for (int k = 1; k < nback; k++)
				if (!isnan(rows[k][m])) {
					sum += fabs(rows[k][m]);
					n++;
				}
			c->hist[m] = n ? sum / n : NAN;
		}
	free(rows);
	return rc;
}

static const char *soft_name(int bit)
{
	return bit == REPORT_SOFT_YOY ? "yoy" : bit == REPORT_SOFT_HISTORY ? "history" : "missing";
}

/* The soft warnings of R's values: [{metric, rule, value, reference, message_zh,
 * message_en}]. */
static json_t *warnings_of(const struct rep *r, const struct context *c,
			   const struct report_rules *rl)
{
	json_t *a = json_array();
	for (int i = 0; i < r->p.nmetrics; i++) {
		int m = r->p.metrics[i];
		const struct cc_metric *mt = cc_metric_get(m);
		int bits = report_soft_check(rl, r->vals[m], c->ly[m], c->prev[m], c->hist[m]);
		for (int bit = 1; bit <= 4; bit <<= 1) {
			if (!(bits & bit))
				continue;
			char zh[256], en[256];
			double ref = bit == REPORT_SOFT_YOY	  ? c->ly[m]
				     : bit == REPORT_SOFT_HISTORY ? c->hist[m]
				     : !isnan(c->prev[m])	  ? c->prev[m]
								  : c->ly[m];
			if (bit == REPORT_SOFT_YOY) {
				snprintf(zh, sizeof zh, "%s与上年同期相比变化超过%.0f%%",
					 mt->name_zh, rl->yoy_change * 100);
				snprintf(en, sizeof en,
					 "%s changes by more than %.0f%% against the same period a "
					 "year earlier",
					 mt->name_en, rl->yoy_change * 100);
			} else if (bit == REPORT_SOFT_HISTORY) {
				snprintf(zh, sizeof zh, "%s达到历史均值的%.0f倍以上", mt->name_zh,
					 rl->history_factor);
				snprintf(en, sizeof en, "%s is %.0f times its history or more",
					 mt->name_en, rl->history_factor);
			} else {
				snprintf(zh, sizeof zh, "%s此前填报过，本期为空", mt->name_zh);
				snprintf(en, sizeof en, "%s was reported before and is empty now",
					 mt->name_en);
			}
			json_array_append_new(
				a, json_pack("{s:s, s:s, s:o, s:o, s:s, s:s}", "metric", mt->key,
					     "rule", soft_name(bit), "value",
					     cc_json_num(r->vals[m]), "reference", cc_json_num(ref),
					     "message_zh", zh, "message_en", en));
		}
	}
	return a;
}

json_t *report_get(struct cc_store *st, int64_t id, int today, struct cc_error *err)
{
	struct rep r;
	struct context c;
	const struct report_rules *rl = report_rules_get(err);
	if (!rl || rep_read(st, id, &r, err))
		return NULL;
	if (context_read(st, &r, rl, &c, err)) {
		rep_release(&r);
		return NULL;
	}
	if (!today)
		today = report_today();
	json_t *fields = json_array();
	for (int i = 0; i < r.p.nmetrics; i++) {
		int m = r.p.metrics[i];
		const struct cc_metric *mt = cc_metric_get(m);
		int bits = report_soft_check(rl, r.vals[m], c.ly[m], c.prev[m], c.hist[m]);
		json_t *soft = json_array();
		for (int bit = 1; bit <= 4; bit <<= 1)
			if (bits & bit)
				json_array_append_new(soft, json_string(soft_name(bit)));
		json_array_append_new(
			fields,
			json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:o}",
				  "metric", mt->key, "name_zh", mt->name_zh, "name_en", mt->name_en,
				  "unit_zh", mt->unit_zh, "integer", mt->integer, "may_be_negative",
				  cc_indicator_may_be_negative(m), "value", cc_json_num(r.vals[m]),
				  "stored", cc_json_num(c.stored[m]), "last",
				  cc_json_num(c.prev[m]), "last_year", cc_json_num(c.ly[m]), "soft",
				  soft));
	}
	char per[8], lper[8], lyper[8], due[11];
	report_period_format(r.period, per);
	report_period_format(report_period_prev(r.period), lper);
	report_period_format(report_period_last_year(r.period), lyper);
	date_format(r.due, due);
	int reported = !strcmp(r.status, "submitted") || !strcmp(r.status, "accepted");
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s?, s:o, s:o}",
			      "id", (json_int_t)r.id, "plan", (json_int_t)r.plan, "plan_name",
			      r.p.name, "uscc", r.uscc, "period", per, "last_period", lper,
			      "last_year_period", lyper, "due", due, "status", r.status, "overdue",
			      !reported && today > r.due, "explanation", r.explanation, "fields",
			      fields, "warnings", warnings_of(&r, &c, rl));
	/* Name, comment and times. */
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(st, &s,
			    "SELECT e.name, r.comment, r.opened_at, r.updated_at, r.submitted_at, "
			    "r.submitted_by, r.reviewed_at, r.reviewed_by, e.region FROM reports r "
			    "JOIN enterprises e ON e.id = r.enterprise_id WHERE r.id = ?1",
			    err) == 0) {
		cc_stmt_bind_int64(s, 1, id);
		if (cc_stmt_step(s, err) == 1) {
			static const char *const k[] = {
				"name",		"comment",	"opened_at",   "updated_at",
				"submitted_at", "submitted_by", "reviewed_at", "reviewed_by"};
			for (int i = 0; i < 8; i++)
				json_object_set_new(j, k[i],
						    cc_stmt_is_null(s, i)
							    ? json_null()
							    : json_string(cc_stmt_text(s, i)));
			json_object_set_new(j, "region", json_integer(cc_stmt_int64(s, 8)));
		}
		cc_stmt_free(s);
	}
	rep_release(&r);
	return j;
}

/* Parses VALUES against the plan into R (the metrics given), naming a bad one in *FIELD. */
static int values_parse(struct rep *r, json_t *values, const char **field, struct cc_error *err)
{
	const char *key;
	json_t *v;
	if (!values)
		return 0;
	if (!json_is_object(values))
		return cc_error_set(err, CC_EINVAL, "values must be an object of metric: number");
	json_object_foreach(values, key, v)
	{
		const struct cc_metric *m = cc_metric_find(key);
		int in = 0;
		for (int i = 0; m && i < r->p.nmetrics; i++)
			in |= r->p.metrics[i] == m->id;
		if (field)
			*field = m ? m->key : NULL;
		if (!in)
			return cc_error_set(err, CC_EINVAL, "'%s' is not a metric of plan '%s'",
					    key, r->p.name);
		if (json_is_null(v)) {
			r->vals[m->id] = NAN;
		} else if (json_is_number(v)) {
			r->vals[m->id] = json_number_value(v);
			if (!isfinite(r->vals[m->id]))
				return cc_error_set(err, CC_EINVAL, "'%s' must be finite", key);
		} else if (json_is_string(v)) {
			/* A form's text box: the number forms of imported cells, empty = unknown.
			 */
			const char *t = json_string_value(v);
			if (cc_is_blank(t, strlen(t)))
				r->vals[m->id] = NAN;
			else if (cc_parse_number(t, strlen(t), &r->vals[m->id], err))
				return CC_EINVAL;
		} else {
			return cc_error_set(err, CC_EINVAL, "'%s' must be a number or null", key);
		}
		r->has[m->id] = 1;
	}
	if (field)
		*field = NULL;
	return 0;
}

/* Writes R's values and EXPLANATION and moves it to STATUS (inside a transaction). */
static int rep_write(struct cc_store *st, const struct rep *r, const char *explanation,
		     const char *status, const char *actor, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = exec_ii(st, "DELETE FROM report_values WHERE report_id = ?1", r->id, 0, err);
	if (rc == 0)
		rc = cc_stmt_prepare(st, &s,
				     "INSERT INTO report_values(report_id, metric, value) "
				     "VALUES(?1, ?2, ?3)",
				     err);
	for (int i = 0; rc == 0 && i < r->p.nmetrics; i++) {
		int m = r->p.metrics[i];
		if (!r->has[m])
			continue;
		cc_stmt_reset(s);
		cc_stmt_bind_int64(s, 1, r->id);
		cc_stmt_bind_text(s, 2, cc_metric_get(m)->key, strlen(cc_metric_get(m)->key));
		if (isnan(r->vals[m]))
			cc_stmt_bind_null(s, 3);
		else
			cc_stmt_bind_double(s, 3, r->vals[m]);
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	}
	cc_stmt_free(s);
	s = NULL;
	if (rc == 0)
		rc = cc_stmt_prepare(
			st, &s,
			"UPDATE reports SET status = ?2, explanation = coalesce(?3, explanation), "
			"updated_at = ?5, submitted_at = CASE WHEN ?2 = 'submitted' THEN ?5 ELSE "
			"submitted_at END, submitted_by = CASE WHEN ?2 = 'submitted' THEN ?4 ELSE "
			"submitted_by END WHERE id = ?1",
			err);
	if (rc == 0) {
		cc_stmt_bind_now(s, 5);
		cc_stmt_bind_int64(s, 1, r->id);
		cc_stmt_bind_text(s, 2, status, strlen(status));
		if (explanation)
			cc_stmt_bind_text(s, 3, explanation, strlen(explanation));
		cc_stmt_bind_text(s, 4, actor ? actor : "cli", strlen(actor ? actor : "cli"));
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	}
	cc_stmt_free(s);
	return rc;
}

/* The values of R as a JSON object text for the audit log (malloc'd). */
static char *values_text(const struct rep *r)
{
	struct cc_buf b = CC_BUF_INIT(8192);
	int first = 1;
	cc_buf_putc(&b, '{');
	for (int i = 0; i < r->p.nmetrics; i++) {
		int m = r->p.metrics[i];
		if (!r->has[m])
			continue;
		cc_buf_printf(&b, "%s\"%s\":", first ? "" : ",", cc_metric_get(m)->key);
		if (isnan(r->vals[m]))
			cc_buf_puts(&b, "null");
		else
			cc_buf_num(&b, r->vals[m]);
		first = 0;
	}
	cc_buf_putc(&b, '}');
	if (b.failed) {
		cc_buf_release(&b);
		return NULL;
	}
	return cc_buf_detach(&b);
}

static int audit_report(struct cc_store *st, const struct rep *r, const char *actor,
			const char *action, const char *after, struct cc_error *err)
{
	char target[64], per[8];
	report_period_format(r->period, per);
	snprintf(target, sizeof target, "report %lld %s/%s", (long long)r->id, r->uscc, per);
	return cc_store_audit(st, actor, action, target, NULL, after, err);
}

static int editable(const struct rep *r, struct cc_error *err)
{
	if (!strcmp(r->status, "submitted") || !strcmp(r->status, "accepted"))
		return cc_error_set(err, CC_EPERM, "report %lld is %s and cannot be changed",
				    (long long)r->id, r->status);
	return 0;
}

int report_save(struct cc_store *st, int64_t id, json_t *values, const char *explanation,
		const char *actor, const char **field, struct cc_error *err)
{
	struct rep r;
	int rc = rep_read(st, id, &r, err);
	if (field)
		*field = NULL;
	if (rc)
		return rc;
	rc = editable(&r, err);
	if (rc == 0)
		rc = values_parse(&r, values, field, err);
	if (rc == 0)
		rc = cc_store_begin(st, err);
	if (rc == 0) {
		rc = rep_write(st, &r, explanation, "draft", actor, err);
		char *after = rc ? NULL : values_text(&r);
		if (rc == 0)
			rc = audit_report(st, &r, actor, "report.save", after, err);
		free(after);
		if (rc == 0)
			rc = cc_store_commit(st, err);
		else
			cc_store_rollback(st);
	}
	rep_release(&r);
	return rc;
}

int report_submit(struct cc_store *st, int64_t id, json_t *values, const char *explanation,
		  const char *actor, const char **field, json_t **warnings, struct cc_error *err)
{
	struct rep r;
	struct context c;
	const struct report_rules *rl = report_rules_get(err);
	if (field)
		*field = NULL;
	if (warnings)
		*warnings = NULL;
	if (!rl)
		return CC_EINVAL;
	int rc = rep_read(st, id, &r, err);
	if (rc)
		return rc;
	rc = editable(&r, err);
	if (rc == 0)
		rc = values_parse(&r, values, field, err);
	if (rc == 0)
		rc = context_read(st, &r, rl, &c, err);
	if (rc)
		goto out;
	int any = 0;
	for (int i = 0; i < r.p.nmetrics; i++)
		any |= !isnan(r.vals[r.p.metrics[i]]);
	if (!any) {
		rc = cc_error_set(err, CC_EINVAL, "nothing is filled in: a report needs values");
		goto out;
	}
	/* Hard rules: on the values sent (so the bad one is named), then on the row as accepting
	 * it would store it (the stored row of the period with these values over it). */
	struct cc_indicator_problem bad;
	double row[CC_M_BASE_COUNT];
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		row[m] = r.vals[m];
	int refused = report_hard_check(row, &bad);
	if (!refused) {
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			if (isnan(row[m]))
				row[m] = c.stored[m];
		refused = report_hard_check(row, &bad);
	}
	if (refused) {
		const struct cc_metric *mt = cc_metric_get(bad.metric);
		if (field)
			*field = mt->key;
		rc = cc_error_set(err, CC_EINVAL, "%s (%s): %s / %s", mt->key, mt->name_zh, bad.en,
				  bad.zh);
		goto out;
	}
	const char *expl = explanation && *explanation ? explanation : r.explanation;
	json_t *w = warnings_of(&r, &c, rl);
	if (json_array_size(w) && (!expl || cc_is_blank(expl, strlen(expl)))) {
		if (warnings)
			*warnings = w;
		else
			json_decref(w);
		rc = cc_error_set(
			err, CC_EREJECT, "%zu value(s) need an explanation before submitting (%s)",
			json_array_size(w),
			json_string_value(json_object_get(json_array_get(w, 0), "message_en")));
		goto out;
	}
	json_decref(w);
	rc = cc_store_begin(st, err);
	if (rc)
		goto out;
	rc = rep_write(st, &r, explanation, "submitted", actor, err);
	char *after = rc ? NULL : values_text(&r);
	if (rc == 0)
		rc = audit_report(st, &r, actor, "report.submit", after, err);
	free(after);
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
out:
	rep_release(&r);
	return rc;
}

static int notice(struct cc_store *st, int64_t report, const char *kind, const char *comment,
		  struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s,
				 "INSERT INTO report_notices(report_id, kind, comment) "
				 "VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING",
				 err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, report);
	cc_stmt_bind_text(s, 2, kind, strlen(kind));
	if (comment)
		cc_stmt_bind_text(s, 3, comment, strlen(comment));
	rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	cc_stmt_free(s);
	return rc;
}

/* Moves submitted report R to STATUS as a review by ACTOR with COMMENT. */
static int review(struct cc_store *st, const struct rep *r, const char *status, const char *comment,
		  const char *actor, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(
		st, &s,
		"UPDATE reports SET status = ?2, comment = ?3, reviewed_at = ?5, reviewed_by = ?4, "
		"updated_at = ?5 WHERE id = ?1 AND status = 'submitted'",
		err);
	if (rc)
		return rc;
	cc_stmt_bind_now(s, 5);
	cc_stmt_bind_int64(s, 1, r->id);
	cc_stmt_bind_text(s, 2, status, strlen(status));
	if (comment)
		cc_stmt_bind_text(s, 3, comment, strlen(comment));
	cc_stmt_bind_text(s, 4, actor ? actor : "cli", strlen(actor ? actor : "cli"));
	rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	if (rc == 0 && cc_store_changes(st) != 1)
		rc = cc_error_set(err, CC_EPERM, "report %lld is no longer submitted",
				  (long long)r->id);
	cc_stmt_free(s);
	if (rc == 0)
		rc = notice(st, r->id, status, comment, err);
	return rc;
}

int report_return(struct cc_store *st, int64_t id, const char *comment, const char *actor,
		  struct cc_error *err)
{
	struct rep r;
	if (!comment || cc_is_blank(comment, strlen(comment)))
		return cc_error_set(err, CC_EINVAL, "returning a report needs a comment");
	int rc = rep_read(st, id, &r, err);
	if (rc)
		return rc;
	if (strcmp(r.status, "submitted")) {
		rc = cc_error_set(err, CC_EPERM, "report %lld is %s, not submitted", (long long)id,
				  r.status);
		goto out;
	}
	rc = cc_store_begin(st, err);
	if (rc)
		goto out;
	rc = review(st, &r, "returned", comment, actor, err);
	if (rc == 0) {
		struct cc_buf b = CC_BUF_INIT(8192);
		cc_buf_puts(&b, "{\"comment\":");
		cc_buf_json_str(&b, comment, strlen(comment));
		cc_buf_putc(&b, '}');
		rc = audit_report(st, &r, actor, "report.return", b.failed ? NULL : b.data, err);
		cc_buf_release(&b);
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
out:
	rep_release(&r);
	return rc;
}

int report_provenance_note(struct cc_store *st, int64_t eid, int period, int metric, double v,
			   const char *kind, int64_t ref, const char *actor, struct cc_error *err)
{
	static const char sql[] =
		"INSERT INTO indicator_sources(enterprise_id, period, metric, value, kind, ref, "
		"actor, at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(enterprise_id, "
		"period, metric) DO UPDATE SET value = excluded.value, kind = excluded.kind, "
		"ref = excluded.ref, actor = excluded.actor, at = excluded.at";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return CC_EDB;
	const char *key = cc_metric_get(metric)->key;
	cc_stmt_bind_int64(s, 1, eid);
	cc_stmt_bind_int64(s, 2, period);
	cc_stmt_bind_text(s, 3, key, strlen(key));
	cc_stmt_bind_double(s, 4, v);
	cc_stmt_bind_text(s, 5, kind, strlen(kind));
	if (ref)
		cc_stmt_bind_int64(s, 6, ref);
	cc_stmt_bind_text(s, 7, actor ? actor : "cli", strlen(actor ? actor : "cli"));
	cc_stmt_bind_now(s, 8);
	int rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	cc_stmt_reset(s);
	return rc;
}

int report_accept(struct cc_store *st, int64_t id, const char *actor, struct cc_error *err)
{
	struct rep r;
	int rc = rep_read(st, id, &r, err);
	if (rc)
		return rc;
	if (strcmp(r.status, "submitted")) {
		rc = cc_error_set(err, CC_EPERM, "report %lld is %s, not submitted", (long long)id,
				  r.status);
		goto out;
	}
	/* One upsert of the known values of the plan's metrics. */
	char sql[2048], set[1500] = "";
	size_t u = 0, w;
	int n = 0;
	w = (size_t)snprintf(sql, sizeof sql, "INSERT INTO indicators(enterprise_id, period");
	for (int i = 0; i < r.p.nmetrics; i++) {
		int m = r.p.metrics[i];
		if (isnan(r.vals[m]))
			continue;
		const char *k = cc_metric_get(m)->key;
		w += (size_t)snprintf(sql + w, sizeof sql - w, ", %s", k);
		u += (size_t)snprintf(set + u, sizeof set - u, "%s%s = excluded.%s", n ? ", " : "",
				      k, k);
		n++;
	}
	w += (size_t)snprintf(sql + w, sizeof sql - w, ") VALUES(?1, ?2");
	for (int k = 0; k < n; k++)
		w += (size_t)snprintf(sql + w, sizeof sql - w, ", ?%d", k + 3);
	snprintf(sql + w, sizeof sql - w, ") ON CONFLICT(enterprise_id, period) DO UPDATE SET %s",
		 set);
	rc = cc_store_begin(st, err);
	if (rc)
		goto out;
	struct cc_stmt *s = NULL;
	if (n)
		rc = cc_stmt_prepare(st, &s, sql, err);
	if (rc == 0 && n) {
		int k = 3;
		cc_stmt_bind_int64(s, 1, r.eid);
		cc_stmt_bind_int64(s, 2, r.period);
		for (int i = 0; i < r.p.nmetrics; i++)
			if (!isnan(r.vals[r.p.metrics[i]]))
				cc_stmt_bind_double(s, k++, r.vals[r.p.metrics[i]]);
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	}
	cc_stmt_free(s);
	for (int i = 0; rc == 0 && i < r.p.nmetrics; i++) {
		int m = r.p.metrics[i];
		if (!isnan(r.vals[m]))
			rc = report_provenance_note(st, r.eid, r.period, m, r.vals[m], "report",
						    r.id, actor, err);
	}
	if (rc == 0)
		rc = review(st, &r, "accepted", NULL, actor, err);
	char *after = rc ? NULL : values_text(&r);
	if (rc == 0)
		rc = audit_report(st, &r, actor, "report.accept", after, err);
	free(after);
	if (rc == 0)
		rc = cc_store_bump_generation_values(st, err);
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
out:
	rep_release(&r);
	return rc;
}

/* ---- lists, completion, reminders, notices ---- */

/* SQL of a report's state on ?T (the date 'YYYY-MM-DD'): reported, overdue or pending. */
#define STATE_SQL                                                                                  \
	"CASE WHEN r.status IN ('submitted','accepted') THEN 'reported' WHEN r.due < ?9 THEN "     \
	"'overdue' ELSE 'pending' END"

json_t *report_list(struct cc_store *st, const struct report_filter *f, struct cc_error *err)
{
	char today[11];
	int limit = f->limit > 0 ? (f->limit > 100000 ? 100000 : f->limit) : 200;
	date_format(f->today ? f->today : report_today(), today);
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(
		    st, &s,
		    "SELECT r.id, r.plan_id, p.name, e.uscc, e.name, r.period, r.due, r.status, " STATE_SQL
		    ", r.submitted_at, r.reviewed_at, r.comment, e.region FROM reports r JOIN "
		    "report_plans p ON p.id = r.plan_id JOIN enterprises e ON e.id = "
		    "r.enterprise_id WHERE (?1 = 0 OR r.plan_id = ?1) AND (?2 = 0 OR r.period = ?2) "
		    "AND (?3 IS NULL OR r.status = ?3 OR " STATE_SQL " = ?3) AND (?4 IS NULL OR "
		    "e.uscc = upper(?4)) ORDER BY r.period DESC, r.due, r.id LIMIT ?5",
		    err))
		return NULL;
	cc_stmt_bind_int64(s, 1, f->plan);
	cc_stmt_bind_int64(s, 2, f->period);
	if (f->status && *f->status)
		cc_stmt_bind_text(s, 3, f->status, strlen(f->status));
	if (f->uscc && *f->uscc)
		cc_stmt_bind_text(s, 4, f->uscc, strlen(f->uscc));
	cc_stmt_bind_int64(s, 5, limit);
	cc_stmt_bind_text(s, 9, today, 10);
	json_t *arr = json_array();
	int rc;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		char per[8];
		report_period_format((int)cc_stmt_int64(s, 5), per);
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I}",
				      "id", (json_int_t)cc_stmt_int64(s, 0), "plan",
				      (json_int_t)cc_stmt_int64(s, 1), "plan_name",
				      cc_stmt_text(s, 2), "uscc", cc_stmt_text(s, 3), "name",
				      cc_stmt_text(s, 4), "period", per, "due", cc_stmt_text(s, 6),
				      "status", cc_stmt_text(s, 7), "state", cc_stmt_text(s, 8),
				      "overdue", !strcmp(cc_stmt_text(s, 8), "overdue"), "region",
				      (json_int_t)cc_stmt_int64(s, 12));
		static const char *const k[] = {"submitted_at", "reviewed_at", "comment"};
		for (int i = 0; i < 3; i++)
			json_object_set_new(o, k[i],
					    cc_stmt_is_null(s, 9 + i)
						    ? json_null()
						    : json_string(cc_stmt_text(s, 9 + i)));
		json_array_append_new(arr, o);
	}
	cc_stmt_free(s);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:I, s:o}", "count", (json_int_t)json_array_size(arr), "reports", arr);
}

/* Counts of one group: all, reported, pending, overdue. */
struct tally {
	int64_t n[4];
};

static json_t *tally_json(const struct tally *t)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "total", (json_int_t)t->n[0], "reported",
			 (json_int_t)t->n[1], "pending", (json_int_t)t->n[2], "overdue",
			 (json_int_t)t->n[3]);
}

struct region_state {
	int region, state; /* state 1 reported, 2 pending, 3 overdue */
};

static int by_region(const void *a, const void *b)
{
	const struct region_state *x = a, *y = b;
	return (x->region > y->region) - (x->region < y->region);
}

/*
 * The period's counts in one pass over its reports (in enterprise order, by the index
 * (plan, period, enterprise)) and one over the chain memberships (in enterprise order, the
 * table's key), merged: the total into *TOT (an array of one object), by district (the
 * enterprise's region code) into *DIST and by chain (distinct members) into *CHAIN. A join of
 * reports with every membership let SQLite walk an enterprise's reports of every plan.
 */
/* The counts as JSON: the total ALL, by chain CH (catalogue order; none-member last, left
 * out) and by district from RS (N firms' regions and states; sorted here). Returns 0. */
static int tallies_json(const struct cc_catalogue *cat, const struct tally *all,
			const struct tally *ch, struct region_state *rs, size_t n, json_t **tot,
			json_t **dist, json_t **chain)
{
	*chain = json_array();
	for (int i = 0; i < cat->nchains; i++) {
		if (!ch[i].n[0])
			continue;
		json_t *o = tally_json(&ch[i]);
		json_object_set_new(o, "chain", json_string(cat->chains[i].id));
		json_object_set_new(o, "name_zh", json_string(cat->chains[i].name_zh));
		json_object_set_new(o, "name_en", json_string(cat->chains[i].name_en));
		json_array_append_new(*chain, o);
	}
	/* By district. */
	if (n)
		qsort(rs, n, sizeof *rs, by_region);
	*dist = json_array();
	for (size_t i = 0; i < n;) {
		struct tally t = {{0}};
		size_t j = i;
		for (; j < n && rs[j].region == rs[i].region; j++) {
			t.n[0]++;
			t.n[rs[j].state]++;
		}
		const struct cc_region *rg = cc_region_find(rs[i].region);
		json_t *o = tally_json(&t);
		json_object_set_new(o, "region", json_integer(rs[i].region));
		json_object_set_new(o, "name", json_string(rg ? rg->name : ""));
		json_object_set_new(o, "name_en",
				    rg && rg->name_en ? json_string(rg->name_en) : json_null());
		json_array_append_new(*dist, o);
		i = j;
	}
	*tot = json_array();
	json_array_append_new(*tot, tally_json(all));
	return 0;
}

/*
 * The same counts with the enterprises' regions and chains read from frame F (the server's
 * snapshot) instead of the store: one pass over the period's reports (no join, no order), each
 * firm's region and distinct chains from the frame. A firm the frame does not hold yet (just
 * registered) is looked up in the store.
 */
static int tallies_frame(struct cc_store *st, const struct cc_frame *f, int64_t plan, int period,
			 const char *today, json_t **tot, json_t **dist, json_t **chain,
			 struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	struct cc_stmt *s = NULL, *reg = NULL, *mem = NULL;
	struct region_state *rs = NULL;
	size_t n = 0, cap = 0;
	struct tally all = {{0}}, *ch = NULL;
	uint8_t *seen = NULL;
	int rc;
	*tot = *dist = *chain = NULL;
	if (!cat)
		return CC_EINVAL;
	ch = calloc((size_t)cat->nchains + 1, sizeof *ch);
	seen = calloc((size_t)cat->nchains + 1, 1);
	if (!ch || !seen) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	rc = cc_stmt_prepare(st, &s,
			     "SELECT r.enterprise_id, CASE WHEN r.status IN "
			     "('submitted','accepted') THEN 1 WHEN r.due < ?3 THEN 3 ELSE 2 END "
			     "FROM reports r WHERE r.plan_id = ?1 AND r.period = ?2",
			     err);
	if (rc == 0)
		rc = cc_stmt_prepare(st, &reg, "SELECT region FROM enterprises WHERE id = ?1", err);
	if (rc == 0)
		rc = cc_stmt_prepare(st, &mem,
				     "SELECT DISTINCT chain FROM chain_members WHERE enterprise_id "
				     "= ?1",
				     err);
	if (rc)
		goto out;
	cc_stmt_bind_int64(s, 1, plan);
	cc_stmt_bind_int64(s, 2, period);
	cc_stmt_bind_text(s, 3, today, 10);
	while ((rc = cc_stmt_step(s, err)) == 1) {
		if (n == cap) {
			size_t c2 = cap ? cap * 2 : 1024;
			struct region_state *r2 = realloc(rs, c2 * sizeof *rs);
			if (!r2) {
				rc = cc_error_set(err, CC_ENOMEM, "out of memory");
				goto out;
			}
			rs = r2;
			cap = c2;
		}
		int64_t id = cc_stmt_int64(s, 0);
		int state = (int)cc_stmt_int64(s, 1), i = cc_frame_of_id(f, id);
		rs[n].state = state;
		all.n[0]++;
		all.n[state]++;
		if (i >= 0) {
			rs[n].region = f->region[i];
			for (int k = f->member_start[i]; k < f->member_start[i + 1]; k++) {
				int c = cat->nodes[f->member_node[k]].chain;
				if (seen[c])
					continue;
				seen[c] = 1;
				ch[c].n[0]++;
				ch[c].n[state]++;
			}
			for (int k = f->member_start[i]; k < f->member_start[i + 1]; k++)
				seen[cat->nodes[f->member_node[k]].chain] = 0;
		} else {
			/* Not in the snapshot yet: the store says. */
			cc_stmt_reset(reg);
			cc_stmt_bind_int64(reg, 1, id);
			rs[n].region =
				cc_stmt_step(reg, NULL) == 1 ? (int)cc_stmt_int64(reg, 0) : 0;
			cc_stmt_reset(reg);
			cc_stmt_reset(mem);
			cc_stmt_bind_int64(mem, 1, id);
			while (cc_stmt_step(mem, NULL) == 1) {
				const struct cc_chain *c = cc_chain_find(cat, cc_stmt_text(mem, 0));
				int ci = c ? c->index : cat->nchains;
				ch[ci].n[0]++;
				ch[ci].n[state]++;
			}
			cc_stmt_reset(mem);
		}
		n++;
	}
	if (rc < 0)
		goto out;
	rc = tallies_json(cat, &all, ch, rs, n, tot, dist, chain);
out:
	cc_stmt_free(s);
	cc_stmt_free(reg);
	cc_stmt_free(mem);
	free(rs);
	free(ch);
	free(seen);
	return rc;
}

static int tallies(struct cc_store *st, int64_t plan, int period, const char *today, json_t **tot,
		   json_t **dist, json_t **chain, struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	struct cc_stmt *s = NULL, *m = NULL;
	struct region_state *rs = NULL;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	struct tally all = {{0}}, *ch = NULL;
	int rc;
	*tot = *dist = *chain = NULL;
	if (!cat)
		return CC_EINVAL;
	ch = calloc((size_t)cat->nchains + 1, sizeof *ch);
	if (!ch)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	rc = cc_stmt_prepare(st, &s,
			     "SELECT r.enterprise_id, e.region, CASE WHEN r.status IN "
			     "('submitted','accepted') THEN 1 WHEN r.due < ?3 THEN 3 ELSE 2 END "
			     "FROM reports r JOIN enterprises e ON e.id = r.enterprise_id WHERE "
			     "r.plan_id = ?1 AND r.period = ?2 ORDER BY r.enterprise_id",
			     err);
	if (rc)
		goto out;
	cc_stmt_bind_int64(s, 1, plan);
	cc_stmt_bind_int64(s, 2, period);
	cc_stmt_bind_text(s, 3, today, 10);
	while ((rc = cc_stmt_step(s, err)) == 1) {
		if (n == cap) {
			size_t c2 = cap ? cap * 2 : 1024;
			struct region_state *r2 = realloc(rs, c2 * sizeof *rs);
			int64_t *i2 = r2 ? realloc(ids, c2 * sizeof *ids) : NULL;
			if (r2)
				rs = r2;
			if (!r2 || !i2) {
				rc = cc_error_set(err, CC_ENOMEM, "out of memory");
				goto out;
			}
			ids = i2;
			cap = c2;
		}
		ids[n] = cc_stmt_int64(s, 0);
		rs[n].region = (int)cc_stmt_int64(s, 1);
		rs[n].state = (int)cc_stmt_int64(s, 2);
		all.n[0]++;
		all.n[rs[n].state]++;
		n++;
	}
	if (rc < 0)
		goto out;
	/* By chain: memberships in enterprise order against the reports' ids. */
	rc = cc_stmt_prepare(st, &m,
			     "SELECT DISTINCT enterprise_id, chain FROM chain_members ORDER BY "
			     "enterprise_id",
			     err);
	if (rc)
		goto out;
	size_t k = 0;
	while ((rc = cc_stmt_step(m, err)) == 1) {
		int64_t id = cc_stmt_int64(m, 0);
		while (k < n && ids[k] < id)
			k++;
		if (k >= n)
			break;
		if (ids[k] != id)
			continue;
		const struct cc_chain *c = cc_chain_find(cat, cc_stmt_text(m, 1));
		int ci = c ? c->index : cat->nchains;
		ch[ci].n[0]++;
		ch[ci].n[rs[k].state]++;
	}
	if (rc < 0)
		goto out;
	rc = tallies_json(cat, &all, ch, rs, n, tot, dist, chain);
out:
	cc_stmt_free(s);
	cc_stmt_free(m);
	free(rs);
	free(ids);
	free(ch);
	if (rc) {
		json_decref(*tot);
		json_decref(*dist);
		json_decref(*chain);
		*tot = *dist = *chain = NULL;
	}
	return rc;
}

#define COUNT_COLS                                                                                 \
	"count(*), sum(CASE WHEN " STATE_SQL " = 'reported' THEN 1 ELSE 0 END), "                  \
	"sum(CASE WHEN " STATE_SQL " = 'pending' THEN 1 ELSE 0 END), "                             \
	"sum(CASE WHEN " STATE_SQL " = 'overdue' THEN 1 ELSE 0 END)"

/* An overdue report as overdue_frame sorts it. */
struct late_row {
	int64_t id;
	int ent; /* frame index */
	char due[11], status[10];
};

static const struct cc_frame *late_frame; /* for late_cmp (qsort has no context) */

static int late_cmp(const void *a, const void *b)
{
	const struct late_row *x = a, *y = b;
	int c = strcmp(x->due, y->due);
	if (c)
		return c;
	int rx = late_frame->region[x->ent], ry = late_frame->region[y->ent];
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(late_frame->uscc[x->ent], late_frame->uscc[y->ent]);
}

static pthread_mutex_t late_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * The overdue firms of PLAN's PERIOD on TODAY as the completion lists them (by due date,
 * region and credit code, the first 5,000, with their accounts and latest posting contact),
 * the firms' names and regions from frame F and sorted here: the store only names the
 * reports, and the contacts are looked up for the firms listed. Returns the array, or NULL
 * when a firm is not in F yet or on a store error (the caller then asks the store).
 */
static json_t *overdue_frame(struct cc_store *st, const struct cc_frame *f, int64_t plan,
			     int period, const char *today)
{
	struct cc_stmt *s = NULL, *c = NULL;
	struct late_row *rows = NULL;
	size_t n = 0, cap = 0;
	json_t *late = NULL;
	int rc = cc_stmt_prepare(st, &s,
				 "SELECT id, enterprise_id, due, status FROM reports WHERE plan_id "
				 "= ?1 AND period = ?2 AND status NOT IN ('submitted','accepted') "
				 "AND due < ?3",
				 NULL);
	if (rc == 0)
		rc = cc_stmt_prepare(
			st, &c,
			"SELECT (SELECT string_agg(u.username, ', ') FROM (SELECT "
			"username FROM users WHERE uscc = ?1 AND disabled = 0 ORDER BY "
			"id) u), (SELECT contact FROM "
			"postings WHERE enterprise_id = ?2 AND contact IS NOT NULL "
			"ORDER BY id DESC LIMIT 1)",
			NULL);
	if (rc)
		goto out;
	cc_stmt_bind_int64(s, 1, plan);
	cc_stmt_bind_int64(s, 2, period);
	cc_stmt_bind_text(s, 3, today, 10);
	while ((rc = cc_stmt_step(s, NULL)) == 1) {
		if (n == cap) {
			size_t c2 = cap ? cap * 2 : 1024;
			struct late_row *r2 = realloc(rows, c2 * sizeof *rows);
			if (!r2)
				goto out;
			rows = r2;
			cap = c2;
		}
		struct late_row *r = &rows[n];
		r->id = cc_stmt_int64(s, 0);
		r->ent = cc_frame_of_id(f, cc_stmt_int64(s, 1));
		if (r->ent < 0)
			goto out;
		snprintf(r->due, sizeof r->due, "%s", cc_stmt_text(s, 2));
		snprintf(r->status, sizeof r->status, "%s", cc_stmt_text(s, 3));
		n++;
	}
	if (rc < 0)
		goto out;
	pthread_mutex_lock(&late_lock);
	late_frame = f;
	if (n)
		qsort(rows, n, sizeof *rows, late_cmp);
	pthread_mutex_unlock(&late_lock);
	int t = 0;
	cc_parse_date(today, 10, &t, NULL);
	late = json_array();
	for (size_t k = 0; k < n && k < 5000; k++) {
		const struct late_row *r = &rows[k];
		int i = r->ent, due = 0;
		const struct cc_region *rg = cc_region_find(f->region[i]);
		cc_parse_date(r->due, strlen(r->due), &due, NULL);
		cc_stmt_reset(c);
		cc_stmt_bind_text(c, 1, f->uscc[i], strlen(f->uscc[i]));
		cc_stmt_bind_int64(c, 2, f->id[i]);
		if (cc_stmt_step(c, NULL) != 1) {
			json_decref(late);
			late = NULL;
			goto out;
		}
		json_array_append_new(
			late,
			json_pack("{s:I, s:s, s:s, s:i, s:s, s:s?, s:s, s:i, s:s, s:s?, s:s?}",
				  "report", (json_int_t)r->id, "uscc", f->uscc[i], "name",
				  f->name[i] ? f->name[i] : "", "region", f->region[i],
				  "region_name", rg ? rg->name : "", "region_name_en",
				  rg ? rg->name_en : NULL, "due", r->due, "days_overdue",
				  report_date_diff(due, t), "status", r->status, "accounts",
				  cc_stmt_is_null(c, 0) ? NULL : cc_stmt_text(c, 0), "contact",
				  cc_stmt_is_null(c, 1) ? NULL : cc_stmt_text(c, 1)));
		cc_stmt_reset(c);
	}
out:
	cc_stmt_free(s);
	cc_stmt_free(c);
	free(rows);
	return late;
}

json_t *report_completion(struct cc_store *st, int64_t plan_id, int period, int today_ymd,
			  struct cc_error *err)
{
	return report_completion_in(st, NULL, plan_id, period, today_ymd, err);
}

json_t *report_completion_in(struct cc_store *st, const struct cc_frame *f, int64_t plan_id,
			     int period, int today_ymd, struct cc_error *err)
{
	struct plan p;
	char today[11], per[8];
	if (cc_codes_load(err) || plan_read(st, plan_id, &p, err))
		return NULL;
	date_format(today_ymd ? today_ymd : report_today(), today);
	if (!period) {
		struct cc_stmt *s = NULL;
		if (cc_stmt_prepare(
			    st, &s,
			    "SELECT coalesce(max(period), 0) FROM reports WHERE plan_id = ?1", err))
			return NULL;
		cc_stmt_bind_int64(s, 1, plan_id);
		if (cc_stmt_step(s, err) == 1)
			period = (int)cc_stmt_int64(s, 0);
		cc_stmt_free(s);
	}
	report_period_format(period, per);
	json_t *tot = NULL, *dist = NULL, *chain = NULL, *acc = NULL;
	if (f)
		tallies_frame(st, f, plan_id, period, today, &tot, &dist, &chain, err);
	else
		tallies(st, plan_id, period, today, &tot, &dist, &chain, err);
	json_t *series = NULL, *late = NULL;
	struct cc_stmt *s = NULL;
	if (tot && dist && chain &&
	    cc_stmt_prepare(st, &s,
			    "SELECT r.period, " COUNT_COLS " FROM reports r WHERE r.plan_id = ?1 "
			    "AND r.period IN (SELECT DISTINCT period FROM reports WHERE plan_id = "
			    "?1 ORDER BY period DESC LIMIT 12) GROUP BY r.period ORDER BY r.period",
			    err) == 0) {
		int rc;
		series = json_array();
		cc_stmt_bind_int64(s, 1, plan_id);
		cc_stmt_bind_text(s, 9, today, 10);
		while ((rc = cc_stmt_step(s, err)) == 1) {
			char sp[8];
			report_period_format((int)cc_stmt_int64(s, 0), sp);
			json_array_append_new(
				series, json_pack("{s:s, s:I, s:I, s:I, s:I}", "period", sp,
						  "total", (json_int_t)cc_stmt_int64(s, 1),
						  "reported", (json_int_t)cc_stmt_int64(s, 2),
						  "pending", (json_int_t)cc_stmt_int64(s, 3),
						  "overdue", (json_int_t)cc_stmt_int64(s, 4)));
		}
		cc_stmt_free(s);
		s = NULL;
		if (rc < 0) {
			json_decref(series);
			series = NULL;
		}
	}
	if (series && f)
		late = overdue_frame(st, f, plan_id, period, today);
	if (series && !late &&
	    cc_stmt_prepare(
		    st, &s,
		    "SELECT r.id, e.uscc, e.name, e.region, r.due, r.status, (SELECT "
		    "string_agg(u.username, ', ') FROM (SELECT username FROM users WHERE uscc = "
		    "e.uscc AND disabled = 0 ORDER BY id) u), (SELECT contact FROM postings WHERE "
		    "enterprise_id = "
		    "e.id AND contact IS NOT NULL ORDER BY id DESC LIMIT 1) FROM reports r "
		    "JOIN enterprises e ON e.id = r.enterprise_id WHERE r.plan_id = ?1 AND "
		    "r.period = ?2 AND r.status NOT IN ('submitted','accepted') AND r.due < "
		    "?9 ORDER BY r.due, e.region, e.uscc LIMIT 5000",
		    err) == 0) {
		int rc;
		late = json_array();
		cc_stmt_bind_int64(s, 1, plan_id);
		cc_stmt_bind_int64(s, 2, period);
		cc_stmt_bind_text(s, 9, today, 10);
		int t = 0;
		cc_parse_date(today, 10, &t, NULL);
		while ((rc = cc_stmt_step(s, err)) == 1) {
			int due = 0;
			int code = (int)cc_stmt_int64(s, 3);
			const struct cc_region *rg = cc_region_find(code);
			cc_parse_date(cc_stmt_text(s, 4), cc_stmt_bytes(s, 4), &due, NULL);
			json_array_append_new(
				late,
				json_pack(
					"{s:I, s:s, s:s, s:i, s:s, s:s?, s:s, s:i, s:s, s:s?, s:s?}",
					"report", (json_int_t)cc_stmt_int64(s, 0), "uscc",
					cc_stmt_text(s, 1), "name", cc_stmt_text(s, 2), "region",
					code, "region_name", rg ? rg->name : "", "region_name_en",
					rg ? rg->name_en : NULL, "due", cc_stmt_text(s, 4),
					"days_overdue", report_date_diff(due, t), "status",
					cc_stmt_text(s, 5), "accounts",
					cc_stmt_is_null(s, 6) ? NULL : cc_stmt_text(s, 6),
					"contact",
					cc_stmt_is_null(s, 7) ? NULL : cc_stmt_text(s, 7)));
		}
		cc_stmt_free(s);
		if (rc < 0) {
			json_decref(late);
			late = NULL;
		}
	}
	json_t *out = NULL;
	if (tot && dist && chain && series && late) {
		json_t *t0 = json_array_get(tot, 0);
		int64_t accepted = 0;
		if (cc_stmt_prepare(
			    st, &s,
			    "SELECT count(*) FROM reports WHERE plan_id = ?1 AND period = ?2 "
			    "AND status = 'accepted'",
			    err) == 0) {
			cc_stmt_bind_int64(s, 1, plan_id);
			cc_stmt_bind_int64(s, 2, period);
			if (cc_stmt_step(s, err) == 1)
				accepted = cc_stmt_int64(s, 0);
			cc_stmt_free(s);
		}
		out = json_pack("{s:I, s:s, s:s, s:s, s:O, s:O, s:O, s:O, s:I, s:o, s:o, s:o, s:o}",
				"plan", (json_int_t)plan_id, "plan_name", p.name, "period", per,
				"today", today, "total", json_object_get(t0, "total"), "reported",
				json_object_get(t0, "reported"), "pending",
				json_object_get(t0, "pending"), "overdue",
				json_object_get(t0, "overdue"), "accepted", (json_int_t)accepted,
				"by_district", dist, "by_chain", chain, "overdue_firms", late,
				"series", series);
		dist = chain = late = series = NULL;
	}
	json_decref(tot);
	json_decref(acc);
	json_decref(dist);
	json_decref(chain);
	json_decref(late);
	json_decref(series);
	return out;
}

int report_remind(struct cc_store *st, int64_t plan, int today_ymd, int64_t *n,
		  struct cc_error *err)
{
	const struct report_rules *rl = report_rules_get(err);
	char today[11], soon[11];
	*n = 0;
	if (!rl)
		return CC_EINVAL;
	if (!today_ymd)
		today_ymd = report_today();
	date_format(today_ymd, today);
	date_format(report_date_add(today_ymd, rl->remind_days), soon);
	struct cc_stmt *s = NULL;
	int rc = cc_store_begin(st, err);
	if (rc)
		return rc;
	static const char *const sql[2] = {
		"INSERT INTO report_notices(report_id, kind) SELECT id, 'due' FROM "
		"reports WHERE (?1 = 0 OR plan_id = ?1) AND status NOT IN ('submitted','accepted') "
		"AND due >= ?2 AND due <= ?3 ON CONFLICT DO NOTHING",
		"INSERT INTO report_notices(report_id, kind) SELECT id, 'overdue' FROM "
		"reports WHERE (?1 = 0 OR plan_id = ?1) AND status NOT IN ('submitted','accepted') "
		"AND due < ?2 ON CONFLICT DO NOTHING",
	};
	for (int i = 0; rc == 0 && i < 2; i++) {
		rc = cc_stmt_prepare(st, &s, sql[i], err);
		if (rc)
			break;
		cc_stmt_bind_int64(s, 1, plan);
		cc_stmt_bind_text(s, 2, today, 10);
		if (i == 0)
			cc_stmt_bind_text(s, 3, soon, 10);
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
		*n += cc_store_changes(st);
		cc_stmt_free(s);
		s = NULL;
	}
	if (rc == 0 && *n) {
		char after[64];
		snprintf(after, sizeof after, "{\"notices\":%lld}", (long long)*n);
		rc = cc_store_audit(st, NULL, "report.remind", today, NULL, after, err);
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
	return rc;
}

json_t *report_notices(struct cc_store *st, const char *uscc, int limit, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	if (limit <= 0 || limit > 1000)
		limit = 100;
	if (cc_stmt_prepare(
		    st, &s,
		    "SELECT n.id, n.report_id, p.name, r.period, n.kind, n.comment, "
		    "n.created_at, CASE WHEN n.read_at IS NOT NULL THEN 1 ELSE 0 END, r.due FROM "
		    "report_notices n JOIN "
		    "reports r ON r.id = n.report_id JOIN report_plans p ON p.id = r.plan_id "
		    "JOIN enterprises e ON e.id = r.enterprise_id WHERE e.uscc = upper(?1) "
		    "ORDER BY n.id DESC LIMIT ?2",
		    err))
		return NULL;
	cc_stmt_bind_text(s, 1, uscc ? uscc : "", uscc ? strlen(uscc) : 0);
	cc_stmt_bind_int64(s, 2, limit);
	json_t *arr = json_array();
	int rc;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		char per[8];
		report_period_format((int)cc_stmt_int64(s, 3), per);
		json_array_append_new(
			arr,
			json_pack("{s:I, s:I, s:s, s:s, s:s, s:s?, s:s, s:b, s:s}", "id",
				  (json_int_t)cc_stmt_int64(s, 0), "report",
				  (json_int_t)cc_stmt_int64(s, 1), "plan_name", cc_stmt_text(s, 2),
				  "period", per, "kind", cc_stmt_text(s, 4), "comment",
				  cc_stmt_is_null(s, 5) ? NULL : cc_stmt_text(s, 5), "created_at",
				  cc_stmt_text(s, 6), "read", (int)cc_stmt_int64(s, 7), "due",
				  cc_stmt_text(s, 8)));
	}
	cc_stmt_free(s);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:o}", "notices", arr);
}

json_t *report_provenance(struct cc_store *st, const char *uscc, int period, struct cc_error *err)
{
	int64_t eid = enterprise_id(st, uscc);
	if (!eid) {
		cc_error_set(err, CC_ENOTFOUND, "no enterprise with credit code '%s'",
			     uscc ? uscc : "");
		return NULL;
	}
	/* The latest indicators import names where imported values came from. */
	char file[512] = "", file_at[32] = "";
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(
		    st, &s,
		    "SELECT file, at FROM imports WHERE kind = 'indicators' ORDER BY id DESC "
		    "LIMIT 1",
		    err))
		return NULL;
	if (cc_stmt_step(s, err) == 1) {
		snprintf(file, sizeof file, "%s", cc_stmt_text(s, 0));
		snprintf(file_at, sizeof file_at, "%s", cc_stmt_text(s, 1));
	}
	cc_stmt_free(s);
	s = NULL;
	char sql[1024];
	size_t u = (size_t)snprintf(sql, sizeof sql, "SELECT period");
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		u += (size_t)snprintf(sql + u, sizeof sql - u, ", %s", cc_metric_get(m)->key);
	snprintf(sql + u, sizeof sql - u,
		 " FROM indicators WHERE enterprise_id = ?1 AND (?2 = 0 OR period = ?2) ORDER BY "
		 "period DESC");
	struct cc_stmt *src = NULL, *imp = NULL;
	if (cc_stmt_prepare(st, &s, sql, err) ||
	    cc_stmt_prepare(st, &src,
			    "SELECT metric, value, kind, ref, actor, at FROM indicator_sources "
			    "WHERE enterprise_id = ?1 AND period = ?2",
			    err) ||
	    cc_stmt_prepare(st, &imp,
			    "SELECT ii.mask, ii.line, im.file, im.at, im.id, im.actor FROM "
			    "indicator_imports ii JOIN imports im ON im.id = ii.import_id WHERE "
			    "ii.enterprise_id = ?1 AND ii.period = ?2 ORDER BY ii.import_id",
			    err)) {
		cc_stmt_free(s);
		cc_stmt_free(src);
		return NULL;
	}
	cc_stmt_bind_int64(s, 1, eid);
	cc_stmt_bind_int64(s, 2, period);
	json_t *arr = json_array();
	int rc;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int per = (int)cc_stmt_int64(s, 0);
		char ps[8];
		report_period_format(per, ps);
		json_t *att[CC_M_BASE_COUNT] = {0};
		double attv[CC_M_BASE_COUNT];
		cc_stmt_reset(src);
		cc_stmt_bind_int64(src, 1, eid);
		cc_stmt_bind_int64(src, 2, per);
		while (cc_stmt_step(src, err) == 1) {
			const struct cc_metric *m = cc_metric_find(cc_stmt_text(src, 0));
			if (!m || m->derived)
				continue;
			json_decref(att[m->id]);
			attv[m->id] = cc_stmt_double(src, 1);
			att[m->id] = json_pack(
				"{s:s, s:o, s:s, s:s}", "source", cc_stmt_text(src, 2), "ref",
				cc_stmt_is_null(src, 3) ? json_null()
							: json_integer(cc_stmt_int64(src, 3)),
				"actor", cc_stmt_text(src, 4), "at", cc_stmt_text(src, 5));
		}
		/* Per metric, the latest import whose file gave it (its line): later rows of the
		 * query are later imports. */
		json_t *imported[CC_M_BASE_COUNT] = {0};
		cc_stmt_reset(imp);
		cc_stmt_bind_int64(imp, 1, eid);
		cc_stmt_bind_int64(imp, 2, per);
		while (cc_stmt_step(imp, err) == 1) {
			int64_t mask = cc_stmt_int64(imp, 0);
			json_t *o = json_pack(
				"{s:s, s:s, s:I, s:s, s:I, s:s}", "source", "import", "file",
				cc_stmt_text(imp, 2), "line", (json_int_t)cc_stmt_int64(imp, 1),
				"at", cc_stmt_text(imp, 3), "ref",
				(json_int_t)cc_stmt_int64(imp, 4), "actor", cc_stmt_text(imp, 5));
			for (int m = 0; m < CC_M_BASE_COUNT; m++)
				if (mask & ((int64_t)1 << m)) {
					json_decref(imported[m]);
					imported[m] = json_incref(o);
				}
			json_decref(o);
		}
		for (int m = 0; m < CC_M_BASE_COUNT; m++) {
			double v = cc_stmt_double_nan(s, 1 + m);
			if (isnan(v))
				continue;
			json_t *o = json_pack("{s:s, s:s, s:o}", "period", ps, "metric",
					      cc_metric_get(m)->key, "value", cc_json_num(v));
			/* An attestation (report, manual edit) holds while the value is the one
			 * attested and no import wrote the value since. */
			const char *att_at =
				att[m] ? json_string_value(json_object_get(att[m], "at")) : NULL;
			const char *imp_at =
				imported[m] ? json_string_value(json_object_get(imported[m], "at"))
					    : NULL;
			if (att[m] && fabs(attv[m] - v) <= 1e-9 * fmax(1, fabs(v)) &&
			    (!imp_at || !att_at || strcmp(att_at, imp_at) >= 0)) {
				json_object_update(o, att[m]);
			} else if (imported[m]) {
				json_object_update(o, imported[m]);
			} else if (file[0]) {
				json_object_set_new(o, "source", json_string("import"));
				json_object_set_new(o, "file", json_string(file));
				json_object_set_new(o, "at", json_string(file_at));
			} else {
				json_object_set_new(o, "source", json_string("unknown"));
			}
			json_array_append_new(arr, o);
		}
		for (int m = 0; m < CC_M_BASE_COUNT; m++) {
			json_decref(att[m]);
			json_decref(imported[m]);
		}
	}
	cc_stmt_free(s);
	cc_stmt_free(src);
	cc_stmt_free(imp);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	char canon[19];
	snprintf(canon, sizeof canon, "%s", uscc);
	for (char *c = canon; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	return json_pack("{s:s, s:o}", "uscc", canon, "values", arr);
}

/* ---- freshness ---- */

/* Whether firm I has a revenue or output value in column block K of COLS (annual or monthly
 * columns of the two metrics; NULL columns hold nothing). */
static int known_at(double *const *cols, int n, int k, int i)
{
	for (int c = 0; c < 2; c++)
		if (cols[c] && !isnan(cols[c][(size_t)k * (size_t)n + (size_t)i]))
			return 1;
	return 0;
}

json_t *report_freshness(struct cc_store *st, const struct cc_frame *f,
			 const struct chain_scope *scope, int chain)
{
	const struct cc_catalogue *cat = chain >= 0 ? cc_catalogue_get(NULL) : NULL;
	uint8_t *in = calloc((size_t)f->n + 1, 1);
	if (!in)
		return NULL;
	int64_t firms = 0;
	for (int i = 0; i < f->n; i++) {
		int ok = !scope || chain_scope_has(scope, f->region[i]);
		if (ok && chain >= 0) {
			ok = 0;
			for (int k = f->member_start[i]; k < f->member_start[i + 1] && !ok; k++)
				ok = cat && cat->nodes[f->member_node[k]].chain == chain;
		}
		in[i] = (uint8_t)ok;
		firms += ok;
	}
	double *annual[2] = {f->annual[CC_M_REVENUE], f->annual[CC_M_OUTPUT_VALUE]};
	double *monthly[2] = {f->monthly[CC_M_REVENUE], f->monthly[CC_M_OUTPUT_VALUE]};
	json_t *out = json_pack("{s:I}", "firms", (json_int_t)firms);
	for (int pass = 0; pass < 2; pass++) {
		double *const *cols = pass ? monthly : annual;
		int nk = pass ? f->nmonths : f->nyears;
		json_t *o = json_null();
		for (int k = nk - 1; k >= 0 && json_is_null(o); k--) {
			int64_t known = 0;
			for (int i = 0; i < f->n; i++)
				known += in[i] && known_at(cols, f->n, k, i);
			if (!known)
				continue;
			char per[8];
			if (pass) {
				int mm = f->month0 + k;
				report_period_format((mm / 12) * 100 + mm % 12 + 1, per);
			} else {
				report_period_format((f->year0 + k) * 100, per);
			}
			o = json_pack("{s:s, s:I, s:I}", "period", per, "reported",
				      (json_int_t)known, "missing", (json_int_t)(firms - known));
		}
		json_object_set_new(out, pass ? "month" : "year", o);
	}
	free(in);
	const char *at = NULL;
	struct cc_stmt *s = NULL;
	if (st && cc_stmt_prepare(st, &s,
				  "SELECT max(reviewed_at) FROM reports WHERE status = 'accepted'",
				  NULL) == 0) {
		if (cc_stmt_step(s, NULL) == 1 && !cc_stmt_is_null(s, 0))
			at = cc_stmt_text(s, 0);
		json_object_set_new(out, "last_report_at", at ? json_string(at) : json_null());
		cc_stmt_free(s);
	}
	return out;
}

/* ---- as of (数据截至) ---- */

int report_as_of(const struct cc_frame *f, const uint8_t *in, const int *metrics, int nmetrics,
		 int monthly, int max_period, double share, struct report_as_of *out)
{
	const double *cols[CC_M_BASE_COUNT];
	int nc = 0;
	memset(out, 0, sizeof *out);
	for (int k = 0; k < nmetrics; k++) {
		if (metrics[k] < 0 || metrics[k] >= CC_M_BASE_COUNT)
			return CC_EINVAL;
		const double *c = monthly ? f->monthly[metrics[k]] : f->annual[metrics[k]];
		if (c && nc < CC_M_BASE_COUNT)
			cols[nc++] = c;
	}
	for (int i = 0; i < f->n; i++)
		out->firms += !in || in[i];
	out->missing = out->firms;
	int np = monthly ? f->nmonths : f->nyears;
	if (!out->firms || !nc || np <= 0)
		return 0;
	/* ceil(share × firms) without the rounding of a double product at exact shares. */
	int64_t need = (int64_t)ceil(share * (double)out->firms - 1e-9);
	if (need < 1)
		need = 1;
	int64_t best = 0;
	int best_period = 0;
	size_t n = (size_t)f->n;
	for (int p = np - 1; p >= 0; p--) {
		int mm = f->month0 + p;
		int period = monthly ? (mm / 12) * 100 + mm % 12 + 1 : (f->year0 + p) * 100;
		if (max_period > 0 && period > max_period)
			continue;
		int64_t known = 0;
		for (size_t i = 0; i < n; i++) {
			if (in && !in[i])
				continue;
			for (int c = 0; c < nc; c++)
				if (!isnan(cols[c][(size_t)p * n + i])) {
					known++;
					break;
				}
		}
		if (known >= need) {
			out->period = period;
			out->reported = known;
			out->missing = out->firms - known;
			out->complete = 1;
			return 0;
		}
		if (known > best) {
			best = known;
			best_period = period;
		}
	}
	if (best_period) {
		out->period = best_period;
		out->reported = best;
		out->missing = out->firms - best;
	}
	return 0;
}

void report_as_of_counts(const int *periods, const int64_t *counts, int n, int64_t firms,
			 int max_period, double share, struct report_as_of *out)
{
	memset(out, 0, sizeof *out);
	out->firms = firms;
	out->missing = firms;
	int64_t need = (int64_t)ceil(share * (double)firms - 1e-9), best = 0;
	if (need < 1)
		need = 1;
	for (int k = n - 1; k >= 0 && firms > 0; k--) {
		if (max_period > 0 && periods[k] > max_period)
			continue;
		if (counts[k] >= need || (counts[k] > best && !out->complete)) {
			best = counts[k];
			out->period = periods[k];
			out->reported = counts[k];
			out->missing = firms - counts[k];
			if (counts[k] >= need) {
				out->complete = 1;
				return;
			}
		}
	}
}

uint8_t *report_scope_mask(const struct cc_frame *f, const struct chain_scope *scope,
			   const uint8_t *chains)
{
	const struct cc_catalogue *cat = chains ? cc_catalogue_get(NULL) : NULL;
	uint8_t *in = calloc((size_t)f->n + 1, 1);
	if (!in || (chains && !cat)) {
		free(in);
		return NULL;
	}
	for (int i = 0; i < f->n; i++) {
		int ok = !scope || chain_scope_has(scope, f->region[i]);
		if (ok && chains) {
			ok = 0;
			for (int k = f->member_start[i]; k < f->member_start[i + 1] && !ok; k++)
				ok = chains[cat->nodes[f->member_node[k]].chain] != 0;
		}
		in[i] = (uint8_t)ok;
	}
	return in;
}

json_t *report_as_of_json(const struct report_as_of *a, double share, const int *metrics,
			  int nmetrics)
{
	json_t *keys = json_array();
	for (int k = 0; k < nmetrics; k++)
		if (metrics[k] >= 0 && metrics[k] < CC_M_COUNT)
			json_array_append_new(keys, json_string(cc_metric_get(metrics[k])->key));
	char per[8];
	if (a->period)
		report_period_format(a->period, per);
	return json_pack("{s:s?, s:I, s:I, s:I, s:b, s:f, s:o}", "period", a->period ? per : NULL,
			 "firms", (json_int_t)a->firms, "reported", (json_int_t)a->reported,
			 "missing", (json_int_t)a->missing, "complete", a->complete, "share", share,
			 "metrics", keys);
}

/* ---- the demo's plan ---- */

enum { REPORT_DEMO_MAX = 500 };

/* The enterprise's stored values of METRICS (keys) for PERIOD as a report's values. */
static json_t *demo_values(struct cc_stmt *s, int64_t eid, int period)
{
	static const char *const keys[] = {"revenue", "output_value", "employees"};
	json_t *v = json_object();
	cc_stmt_reset(s);
	cc_stmt_bind_int64(s, 1, eid);
	cc_stmt_bind_int64(s, 2, period);
	if (cc_stmt_step(s, NULL) == 1)
		for (int k = 0; k < 3; k++)
			if (!cc_stmt_is_null(s, k))
				json_object_set_new(v, keys[k], json_real(cc_stmt_double(s, k)));
	return v;
}

int report_demo_fill(struct cc_store *st, const char *chain, int today, int64_t *plan,
		     struct cc_error *err)
{
	char rule[64];
	if (chain) {
		snprintf(rule, sizeof rule, "members:%s", chain);
	} else {
		struct cc_stmt *c = NULL;
		int rc = cc_stmt_prepare(
			st, &c,
			"SELECT chain FROM (SELECT chain, count(DISTINCT enterprise_id) AS n FROM "
			"chain_members GROUP BY chain) c ORDER BY CASE WHEN n >= 40 THEN 1 ELSE 0 END "
			"DESC, CASE WHEN n >= 40 THEN n ELSE -n END, chain LIMIT 1",
			err);
		if (rc)
			return rc;
		rc = cc_stmt_step(c, err);
		if (rc == 1)
			snprintf(rule, sizeof rule, "members:%s", cc_stmt_text(c, 0));
		cc_stmt_free(c);
		if (rc != 1)
			return rc < 0 ? rc
				      : cc_error_set(err, CC_ENOTFOUND, "no chain has members");
	}
	struct report_plan_new p = {.name = "月度经济指标直报（演示）",
				    .metrics = "revenue,output_value,employees",
				    .rule = rule,
				    .frequency = "monthly",
				    .actor = "demo"};
	struct cc_stmt *ids = NULL, *vals = NULL;
	int64_t *rep = NULL, *ent = NULL, opened;
	int periods[4], rc = report_plan_create(st, &p, plan, err);
	if (rc == 0)
		rc = report_open(st, *plan, 0, today, "demo", &periods[3], &opened, err);
	for (int k = 2; rc == 0 && k >= 0; k--) {
		periods[k] = report_period_prev(periods[k + 1]);
		rc = report_open(st, *plan, periods[k], today, "demo", &periods[k], &opened, err);
	}
	if (rc == 0)
		rc = cc_stmt_prepare(st, &ids,
				     "SELECT id, enterprise_id FROM reports WHERE plan_id = ?1 AND "
				     "period = ?2 ORDER BY id",
				     err);
	if (rc == 0)
		rc = cc_stmt_prepare(
			st, &vals,
			"SELECT revenue, output_value, employees FROM indicators WHERE "
			"enterprise_id = ?1 AND period = ?2",
			err);
	for (int k = 0; rc == 0 && k < 4; k++) {
		int n = 0, cap = 0;
		cc_stmt_reset(ids);
		cc_stmt_bind_int64(ids, 1, *plan);
		cc_stmt_bind_int64(ids, 2, periods[k]);
		while (rc == 0 && cc_stmt_step(ids, err) == 1) {
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				int64_t *r2 = realloc(rep, sizeof *rep * (size_t)cap);
				int64_t *e2 = r2 ? realloc(ent, sizeof *ent * (size_t)cap) : NULL;
				if (r2)
					rep = r2;
				if (e2)
					ent = e2;
				if (!r2 || !e2) {
					rc = cc_error_set(err, CC_ENOMEM, "out of memory");
					break;
				}
			}
			rep[n] = cc_stmt_int64(ids, 0);
			ent[n++] = cc_stmt_int64(ids, 1);
		}
		cc_stmt_reset(ids);
		/* A transaction or two per report: at most REPORT_DEMO_MAX a period are worked
		 * on, so a million-firm demo stays quick (the rest stay open). */
		for (int i = 0; rc == 0 && i < n && i < REPORT_DEMO_MAX; i++) {
			/* Of 20: older periods 13 accepted, 2 submitted, 1 returned, 1 draft, 3
			 * overdue; the latest 6 submitted, 2 drafts, 12 pending. */
			int pick = (int)((rep[i] * 7 + k) % 20), latest = k == 3;
			int draft = latest ? pick >= 6 && pick < 8 : pick == 16;
			int submit = latest ? pick < 6 : pick < 16;
			const char *field = NULL;
			json_t *w = NULL, *v = demo_values(vals, ent[i], periods[k]);
			if (draft)
				rc = report_save(st, rep[i], v, NULL, "demo", &field, err);
			else if (submit)
				rc = report_submit(st, rep[i], v, "演示数据：按企业统计月报填写",
						   "demo", &field, &w, err);
			json_decref(v);
			json_decref(w);
			if (rc == CC_EINVAL || rc == CC_EREJECT) {
				rc = 0; /* a value a rule refuses stays open, as a real firm's would
					 */
				continue;
			}
			if (rc == 0 && submit && !latest && pick < 13)
				rc = report_accept(st, rep[i], "demo", err);
			else if (rc == 0 && submit && !latest && pick == 15)
				rc = report_return(st, rep[i],
						   "请核对营业收入与上年同期的差异（演示）", "demo",
						   err);
		}
	}
	int64_t reminded = 0;
	if (rc == 0)
		rc = report_remind(st, *plan, today, &reminded, err);
	cc_stmt_free(ids);
	cc_stmt_free(vals);
	free(rep);
	free(ent);
	return rc;
}
