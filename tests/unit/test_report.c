/*
 * Unit tests of report/: the date and period arithmetic, the hard rules (cc_indicator_check's
 * and R&D expense above revenue) and the soft rules at their boundaries, then on a temporary
 * store a plan opened for its period by its rule, a report filled, refused by a hard rule
 * (the field named), refused for want of an explanation, submitted, returned, corrected and
 * accepted — the indicator written with its provenance and audit rows — and the completion
 * counts checked against SQL written here independently, with reminders once per report.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testutil.h"

#include "base/buf.h"
#include "chain/chain.h"
#include "domain/metric.h"
#include "frame/frame.h"
#include "report/report.h"
#include "store/store.h"

static char dir[] = "/tmp/cc-report-XXXXXX";
static struct cc_store *st;
static char code_a[19], code_b[19], code_c[19];

static void test_dates(void **state)
{
	(void)state;
	assert_int_equal(report_period_end(202602), 20260228);
	assert_int_equal(report_period_end(202402), 20240229);
	assert_int_equal(report_period_end(202612), 20261231);
	assert_int_equal(report_period_end(202600), 20261231);
	assert_int_equal(report_period_prev(202601), 202512);
	assert_int_equal(report_period_prev(202611), 202610);
	assert_int_equal(report_period_prev(202600), 202500);
	assert_int_equal(report_period_last_year(202611), 202511);
	assert_int_equal(report_date_add(20261130, 15), 20261215);
	assert_int_equal(report_date_add(20261231, 1), 20270101);
	assert_int_equal(report_date_add(20240301, -1), 20240229);
	assert_int_equal(report_date_diff(20261215, 20261220), 5);
	char p[8];
	report_period_format(202611, p);
	assert_string_equal(p, "2026-11");
	report_period_format(202600, p);
	assert_string_equal(p, "2026");
	int per;
	assert_int_equal(report_period_parse("2026-11", &per, NULL), 0);
	assert_int_equal(per, 202611);
	assert_int_not_equal(report_period_parse("2026-13", &per, NULL), 0);
}

static void row_nan(double *row)
{
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		row[m] = NAN;
}

static void test_hard_rules(void **state)
{
	(void)state;
	double row[CC_M_BASE_COUNT];
	struct cc_indicator_problem p;
	row_nan(row);
	assert_int_equal(report_hard_check(row, &p), 0);
	/* Negative: 0 passes, -0.01 fails; net profit may be negative. */
	row[CC_M_REVENUE] = 0;
	assert_int_equal(report_hard_check(row, &p), 0);
	row[CC_M_REVENUE] = -0.01;
	assert_int_equal(report_hard_check(row, &p), 1);
	assert_int_equal(p.metric, CC_M_REVENUE);
	row[CC_M_REVENUE] = 100;
	row[CC_M_NET_PROFIT] = -50;
	assert_int_equal(report_hard_check(row, &p), 0);
	/* R&D staff equal to employees passes, one more fails. */
	row[CC_M_EMPLOYEES] = 10;
	row[CC_M_RD_STAFF] = 10;
	assert_int_equal(report_hard_check(row, &p), 0);
	row[CC_M_RD_STAFF] = 11;
	assert_int_equal(report_hard_check(row, &p), 1);
	assert_int_equal(p.metric, CC_M_RD_STAFF);
	assert_int_equal(p.other, CC_M_EMPLOYEES);
	row[CC_M_RD_STAFF] = 5;
	/* R&D expense equal to revenue passes, above fails; unknown revenue never fails. */
	row[CC_M_RD_EXPENSE] = 100;
	assert_int_equal(report_hard_check(row, &p), 0);
	row[CC_M_RD_EXPENSE] = 100.01;
	assert_int_equal(report_hard_check(row, &p), 1);
	assert_int_equal(p.metric, CC_M_RD_EXPENSE);
	assert_int_equal(p.other, CC_M_REVENUE);
	row[CC_M_REVENUE] = NAN;
	assert_int_equal(report_hard_check(row, &p), 0);
	/* The range rule of `check`: at most 10^13. */
	row[CC_M_TAX] = 1e13;
	assert_int_equal(report_hard_check(row, &p), 0);
	row[CC_M_TAX] = 1.0001e13;
	assert_int_equal(report_hard_check(row, &p), 1);
	assert_int_equal(p.metric, CC_M_TAX);
}

static void test_soft_rules(void **state)
{
	(void)state;
	struct cc_error err = {0};
	const struct report_rules *r = report_rules_get(&err);
	assert_non_null(r);
	assert_true(r->yoy_change == 0.5 && r->history_factor == 10);
	/* A change of exactly 50% passes, a little over asks; both directions. */
	assert_int_equal(report_soft_check(r, 150, 100, NAN, NAN), 0);
	assert_int_equal(report_soft_check(r, 150.01, 100, NAN, NAN), REPORT_SOFT_YOY);
	assert_int_equal(report_soft_check(r, 50, 100, NAN, NAN), 0);
	assert_int_equal(report_soft_check(r, 49.99, 100, NAN, NAN), REPORT_SOFT_YOY);
	/* Against a zero or unknown year-earlier value there is no ratio. */
	assert_int_equal(report_soft_check(r, 5, 0, NAN, NAN), 0);
	/* Ten times the history's mean asks, a little under does not. */
	assert_int_equal(report_soft_check(r, 99.99, NAN, NAN, 10), 0);
	assert_int_equal(report_soft_check(r, 100, NAN, NAN, 10), REPORT_SOFT_HISTORY);
	assert_int_equal(report_soft_check(r, 100, 10, NAN, 10),
			 REPORT_SOFT_HISTORY | REPORT_SOFT_YOY);
	/* Empty: asks only when reported before (previous period or a year earlier). */
	assert_int_equal(report_soft_check(r, NAN, NAN, NAN, 10), 0);
	assert_int_equal(report_soft_check(r, NAN, NAN, 3, NAN), REPORT_SOFT_MISSING);
	assert_int_equal(report_soft_check(r, NAN, 3, NAN, NAN), REPORT_SOFT_MISSING);
}

static int64_t plan_id;
static int64_t report_a; /* code_a's report of 2026-11 */

static int64_t report_of(const char *uscc, int period)
{
	struct cc_stmt *s = NULL;
	int64_t id = 0;
	assert_int_equal(cc_stmt_prepare(st, &s,
					 "SELECT r.id FROM reports r JOIN enterprises e ON e.id = "
					 "r.enterprise_id WHERE e.uscc = ?1 AND r.period = ?2",
					 NULL),
			 0);
	cc_stmt_bind_text(s, 1, uscc, 18);
	cc_stmt_bind_int64(s, 2, period);
	if (cc_stmt_step(s, NULL) == 1)
		id = cc_stmt_int64(s, 0);
	cc_stmt_free(s);
	return id;
}

static void test_plan_and_open(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct report_plan_new p = {"月报",
				    "revenue,employees,rd_staff,rd_expense",
				    "members:aviation",
				    "monthly",
				    1,
				    15,
				    "tester"};
	if (report_plan_create(st, &p, &plan_id, &err))
		print_error("%s\n", err.msg);
	assert_int_equal(err.code, 0);
	assert_true(plan_id > 0);
	int64_t again;
	assert_int_equal(report_plan_create(st, &p, &again, &err), CC_EEXIST);
	struct report_plan_new bad = {"坏", "revenue_yoy", "all", "monthly", 0, 0, "t"};
	assert_int_equal(report_plan_create(st, &bad, &again, &err), CC_EINVAL);
	bad.metrics = "revenue";
	bad.rule = "members:nosuchchain";
	assert_int_equal(report_plan_create(st, &bad, &again, &err), CC_EINVAL);
	int64_t found;
	assert_int_equal(report_plan_find(st, "月报", &found, &err), 0);
	assert_int_equal(found, plan_id);

	/* 2026-11 opens on 2026-12-01 (one day after its end): not on 2026-11-30. */
	int per = 0;
	int64_t opened = 0;
	assert_int_equal(report_open(st, plan_id, 202611, 20261130, "t", &per, &opened, &err),
			 CC_EINVAL);
	assert_int_equal(report_open(st, plan_id, 202600, 20261201, "t", &per, &opened, &err),
			 CC_EINVAL);
	/* Without a period: the latest one open on the day. */
	assert_int_equal(report_open(st, plan_id, 0, 20261201, "t", &per, &opened, &err), 0);
	assert_int_equal(per, 202611);
	assert_int_equal(opened, 2); /* code_a and code_b are aviation members, code_c not */
	assert_int_equal(report_open(st, plan_id, 202611, 20261201, "t", &per, &opened, &err), 0);
	assert_int_equal(opened, 0); /* open already */
	assert_int_equal(report_open(st, plan_id, 202610, 20261201, "t", &per, &opened, &err), 0);
	assert_int_equal(opened, 2);
	report_a = report_of(code_a, 202611);
	assert_true(report_a > 0);
	assert_int_equal(report_of(code_c, 202611), 0);
}

static json_t *vals(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);
	assert_non_null(j);
	return j;
}

static void test_fill_review_accept(void **state)
{
	(void)state;
	struct cc_error err = {0};
	const char *field = NULL;
	json_t *w = NULL;

	/* The form shows last period's and last year's stored values. */
	json_t *form = report_get(st, report_a, 20261205, &err);
	assert_non_null(form);
	json_t *f0 = json_array_get(json_object_get(form, "fields"), 0);
	assert_string_equal(json_string_value(json_object_get(f0, "metric")), "revenue");
	assert_true(json_number_value(json_object_get(f0, "last")) == 120);
	assert_true(json_number_value(json_object_get(f0, "last_year")) == 100);
	assert_string_equal(json_string_value(json_object_get(form, "due")), "2026-12-15");
	json_decref(form);

	/* A metric outside the plan is refused, naming it. */
	json_t *v = vals("{\"tax\": 5}");
	assert_int_equal(report_save(st, report_a, v, NULL, "ent", &field, &err), CC_EINVAL);
	json_decref(v);
	/* A draft. */
	v = vals("{\"revenue\": 200, \"employees\": 50}");
	assert_int_equal(report_save(st, report_a, v, NULL, "ent", &field, &err), 0);
	json_decref(v);

	/* Hard: R&D expense above revenue, named. */
	v = vals("{\"rd_expense\": 201}");
	assert_int_equal(report_submit(st, report_a, v, NULL, "ent", &field, &w, &err), CC_EINVAL);
	assert_string_equal(field, "rd_expense");
	json_decref(v);
	/* Hard on the row as stored: R&D staff above the stored employees of the period (the
	 * report's employees are 50; 2026-11 stores none, so the report's count is the row's). */
	v = vals("{\"rd_expense\": 20, \"rd_staff\": 51}");
	assert_int_equal(report_submit(st, report_a, v, NULL, "ent", &field, &w, &err), CC_EINVAL);
	assert_string_equal(field, "rd_staff");
	json_decref(v);

	/* Soft: revenue 200 against 100 a year earlier (+100%) needs an explanation. */
	v = vals("{\"rd_staff\": 5, \"rd_expense\": 20}");
	assert_int_equal(report_submit(st, report_a, v, NULL, "ent", &field, &w, &err), CC_EREJECT);
	assert_non_null(w);
	assert_true(json_array_size(w) >= 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(w, 0), "rule")),
			    "yoy");
	json_decref(w);
	w = NULL;
	assert_int_equal(report_submit(st, report_a, v, "新产线投产", "ent", &field, &w, &err), 0);
	json_decref(v);
	/* Submitted: no more edits. */
	v = vals("{\"revenue\": 1}");
	assert_int_equal(report_save(st, report_a, v, NULL, "ent", &field, &err), CC_EPERM);
	json_decref(v);

	/* Returned with a comment (required), which the enterprise sees as a notice. */
	assert_int_equal(report_return(st, report_a, "", "analyst", &err), CC_EINVAL);
	assert_int_equal(report_return(st, report_a, "收入单位应为万元", "analyst", &err), 0);
	assert_int_equal(report_accept(st, report_a, "analyst", &err), CC_EPERM);
	json_t *n = report_notices(st, code_a, 10, &err);
	assert_non_null(n);
	json_t *n0 = json_array_get(json_object_get(n, "notices"), 0);
	assert_string_equal(json_string_value(json_object_get(n0, "kind")), "returned");
	assert_string_equal(json_string_value(json_object_get(n0, "comment")), "收入单位应为万元");
	json_decref(n);

	/* Corrected: 140 (+40%) needs no explanation; accepted. */
	v = vals("{\"revenue\": 140}");
	assert_int_equal(report_submit(st, report_a, v, "", "ent", &field, &w, &err), 0);
	json_decref(v);
	assert_int_equal(report_accept(st, report_a, "analyst", &err), 0);

	/* The indicator, its provenance and the audit rows. */
	assert_int_equal(cc_store_int(st,
				      "SELECT i.revenue FROM indicators i JOIN enterprises e ON "
				      "e.id = i.enterprise_id WHERE i.period = 202611 AND e.name = "
				      "'甲公司'",
				      -1),
			 140);
	json_t *pv = report_provenance(st, code_a, 202611, &err);
	assert_non_null(pv);
	json_t *arr = json_object_get(pv, "values");
	int seen = 0;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i);
		if (!strcmp(json_string_value(json_object_get(o, "metric")), "revenue")) {
			assert_string_equal(json_string_value(json_object_get(o, "source")),
					    "report");
			assert_int_equal(json_integer_value(json_object_get(o, "ref")), report_a);
			assert_string_equal(json_string_value(json_object_get(o, "actor")),
					    "analyst");
			seen = 1;
		}
	}
	assert_true(seen);
	json_decref(pv);
	/* An imported period shows the import. */
	pv = report_provenance(st, code_a, 202511, &err);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(pv, "values"), 0), "source")),
			    "import");
	json_decref(pv);
	assert_int_equal(
		cc_store_int(st,
			     "SELECT count(*) FROM audit WHERE action IN ('report.submit', "
			     "'report.return', 'report.accept', 'report.save')",
			     -1),
		5);
	assert_int_equal(cc_store_int(st,
				      "SELECT count(*) FROM changes WHERE kind = 4 AND "
				      "period = 202611",
				      -1),
			 1);
}

/* The counts of one state computed here by SQL of its own. */
static int64_t sql_count(const char *where)
{
	char sql[512];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM reports WHERE plan_id = %lld AND period = 202611 AND %s",
		 (long long)plan_id, where);
	return cc_store_int(st, sql, -1);
}

static void test_completion_and_remind(void **state)
{
	(void)state;
	struct cc_error err = {0};
	/* On 2026-12-16 code_b's report (never filled) is overdue, code_a's reported. */
	json_t *c = report_completion(st, plan_id, 202611, 20261216, &err);
	assert_non_null(c);
	assert_int_equal(json_integer_value(json_object_get(c, "total")), sql_count("1"));
	assert_int_equal(json_integer_value(json_object_get(c, "reported")),
			 sql_count("status IN ('submitted','accepted')"));
	assert_int_equal(
		json_integer_value(json_object_get(c, "overdue")),
		sql_count("status NOT IN ('submitted','accepted') AND due < '2026-12-16'"));
	assert_int_equal(json_integer_value(json_object_get(c, "reported")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "overdue")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "pending")), 0);
	json_t *late = json_object_get(c, "overdue_firms");
	assert_int_equal(json_array_size(late), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(late, 0), "uscc")),
			    code_b);
	assert_int_equal(
		json_integer_value(json_object_get(json_array_get(late, 0), "days_overdue")), 1);
	/* Districts: one each, matching SQL by region. */
	json_t *d = json_object_get(c, "by_district");
	assert_int_equal(json_array_size(d),
			 cc_store_int(st,
				      "SELECT count(DISTINCT e.region) FROM reports r JOIN "
				      "enterprises e ON e.id = r.enterprise_id WHERE r.period = "
				      "202611",
				      -1));
	json_t *ch = json_array_get(json_object_get(c, "by_chain"), 0);
	assert_string_equal(json_string_value(json_object_get(ch, "chain")), "aviation");
	assert_int_equal(json_integer_value(json_object_get(ch, "total")), 2);
	/* The series: two periods, oldest first. */
	json_t *s = json_object_get(c, "series");
	assert_int_equal(json_array_size(s), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(s, 0), "period")),
			    "2026-10");
	json_decref(c);
	/* On the due day it is pending, not overdue. */
	c = report_completion(st, plan_id, 202611, 20261215, &err);
	assert_int_equal(json_integer_value(json_object_get(c, "overdue")), 0);
	assert_int_equal(json_integer_value(json_object_get(c, "pending")), 1);
	json_decref(c);

	/* Reminders: 'due' within three days of the due date, 'overdue' after, each once. */
	int64_t n = -1;
	/* 2026-10's two reports were due 2026-11-15: overdue on 2026-12-11, when code_b's
	 * 2026-11 (due 2026-12-15) is four days away: no reminder yet. */
	assert_int_equal(report_remind(st, plan_id, 20261211, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(report_remind(st, plan_id, 20261212, &n, &err), 0);
	assert_int_equal(n, 1); /* three days before */
	assert_int_equal(report_remind(st, plan_id, 20261212, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(report_remind(st, plan_id, 20261216, &n, &err), 0);
	assert_int_equal(n, 1); /* code_b's 2026-11, overdue */
	json_t *no = report_notices(st, code_b, 10, &err);
	assert_int_equal(json_array_size(json_object_get(no, "notices")), 3);
	json_decref(no);
	json_t *l = report_list(
		st,
		&(struct report_filter){.plan = plan_id, .status = "overdue", .today = 20261216},
		&err);
	assert_int_equal(json_integer_value(json_object_get(l, "count")), 3);
	json_decref(l);
}

/* Bulk: the template written and read back unchanged submits nothing (every row is left for
 * later); a file with a bad row, an unknown firm and a good row submits the good one and
 * reports the others with their line and column. */
static void test_bulk(void **state)
{
	(void)state;
	struct cc_error err = {0};
	char path[300], rej[300], text[1024];
	int64_t rows = 0;
	json_t *res = NULL;
	snprintf(path, sizeof path, "%s/t.xlsx", dir);
	snprintf(rej, sizeof rej, "%s/t.rejects.csv", dir);
	assert_int_equal(report_bulk_template(st, plan_id, 202610, 5001, path, &rows, &err), 0);
	assert_int_equal(rows, 2); /* code_a (500112) and code_b (500103), both Chongqing */
	assert_int_equal(report_bulk_template(st, plan_id, 202610, 500112, path, &rows, &err), 0);
	assert_int_equal(rows, 1);
	assert_int_equal(report_bulk_upload(st, plan_id, 202610, path, rej, "officer", &res, &err),
			 0);
	assert_int_equal(json_integer_value(json_object_get(res, "skipped")), 1);
	assert_int_equal(json_integer_value(json_object_get(res, "rows")), 0);
	json_decref(res);

	char other[19];
	tu_uscc(other, 500112, 77); /* valid, but not in the registry */
	snprintf(path, sizeof path, "%s/up.csv", dir);
	snprintf(text, sizeof text,
		 "uscc,营业收入（万元）,employees,研发人员,rd_expense,情况说明,备注\n"
		 "%s,12x,10,1,1,,\n%s,100,10,1,1,,\n%s,115,45,2,3,核实,\n",
		 code_b, other, code_a);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(report_bulk_upload(st, plan_id, 202610, path, rej, "officer", &res, &err),
			 CC_EREJECT);
	assert_int_equal(json_integer_value(json_object_get(res, "rows")), 3);
	assert_int_equal(json_integer_value(json_object_get(res, "accepted")), 1);
	assert_int_equal(json_integer_value(json_object_get(res, "rejected")), 2);
	json_t *r0 = json_array_get(json_object_get(res, "rejects"), 0);
	assert_int_equal(json_integer_value(json_object_get(r0, "line")), 2);
	assert_string_equal(json_string_value(json_object_get(r0, "column")), "revenue");
	json_t *r1 = json_array_get(json_object_get(res, "rejects"), 1);
	assert_string_equal(json_string_value(json_object_get(r1, "column")), "uscc");
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(res, "unknown_columns"), 0)),
		"备注");
	json_decref(res);
	assert_int_equal(cc_store_int(st,
				      "SELECT count(*) FROM reports WHERE period = 202610 AND "
				      "status = 'submitted'",
				      -1),
			 1);
	f = fopen(rej, "rb");
	assert_non_null(f);
	size_t got = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[got] = '\0';
	assert_non_null(strstr(text, "line,column,value,reason_zh,reason_en"));
}

/* 数据截至 over a frame: the latest year and month with figures, and who has none. */
static void test_freshness(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct cc_frame *f = NULL;
	assert_int_equal(cc_frame_build(st, CC_FRAME_MONTHLY, &f, &err), 0);
	json_t *j = report_freshness(st, f, NULL, -1);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "firms")), 3);
	json_t *m = json_object_get(j, "month");
	assert_string_equal(json_string_value(json_object_get(m, "period")), "2026-11");
	/* 2026-11 holds code_a's accepted report only. */
	assert_int_equal(json_integer_value(json_object_get(m, "missing")), 2);
	assert_true(json_is_null(json_object_get(j, "year")));
	assert_true(json_is_string(json_object_get(j, "last_report_at")));
	json_decref(j);
	struct chain_scope sc;
	assert_int_equal(chain_scope_parse("510116", &sc, &err), 0);
	j = report_freshness(st, f, &sc, -1);
	assert_int_equal(json_integer_value(json_object_get(j, "firms")), 1);
	assert_true(json_is_null(json_object_get(j, "month"))); /* code_c has no figures */
	json_decref(j);
	cc_frame_release(f);
}

/*
 * The SQL answer to 数据截至 for firms of REGION (0: all) over revenue and output, annual
 * periods up to MAXP: the latest period with at least NEED reporters, else the most reported.
 */
static void sql_as_of(struct cc_store *db, int region, double share, int maxp, int *period,
		      int64_t *firms, int64_t *reported)
{
	char q[1024];
	snprintf(
		q, sizeof q,
		"SELECT count(*) FROM enterprises WHERE %d = 0 OR region / 10000 = %d OR region = %d",
		region, region, region);
	*firms = cc_store_int(db, q, -1);
	int64_t need = (int64_t)ceil(share * (double)*firms - 1e-9), best = 0;
	if (need < 1)
		need = 1;
	*period = 0;
	*reported = 0;
	for (int y = 2030; y >= 2015; y--) {
		if (maxp && y * 100 > maxp)
			continue;
		snprintf(q, sizeof q,
			 "SELECT count(*) FROM indicators i JOIN enterprises e ON e.id = "
			 "i.enterprise_id WHERE i.period = %d AND (i.revenue IS NOT NULL OR "
			 "i.output_value IS NOT NULL) AND (%d = 0 OR e.region / 10000 = %d OR "
			 "e.region = %d)",
			 y * 100, region, region, region);
		int64_t k = cc_store_int(db, q, -1);
		if (k >= need) {
			*period = y * 100;
			*reported = k;
			return;
		}
		if (k > best) {
			best = k;
			*period = y * 100;
			*reported = k;
		}
	}
}

/* report_as_of (数据截至 of every aggregating route) against SQL counts of the same rule. */
static void test_as_of(void **state)
{
	(void)state;
	char path[300], text[8192], code[19];
	struct cc_store *db = NULL;
	struct cc_error err = {0};
	snprintf(path, sizeof path, "%s/asof.db", dir);
	assert_int_equal(cc_store_open(&db, path, CC_STORE_CREATE, NULL), 0);
	/* 10 firms, 6 in 500112 and 4 in 510116: 2023 all report, 2024 seven (three by output
	 * only), 2025 three; firm 9 never reports. */
	struct cc_buf e = CC_BUF_INIT(1 << 16), ind = CC_BUF_INIT(1 << 16);
	cc_buf_puts(&e, "uscc,name,region\n");
	cc_buf_puts(&ind, "uscc,period,revenue,output_value\n");
	for (int i = 0; i < 10; i++) {
		int region = i < 6 ? 500112 : 510116;
		tu_uscc(code, region, 100 + i);
		cc_buf_printf(&e, "%s,企业%d,%d\n", code, i, region);
		if (i == 9)
			continue;
		cc_buf_printf(&ind, "%s,2023,%d,\n", code, 10 + i);
		if (i < 7)
			cc_buf_printf(&ind, i < 3 ? "%s,2024,,%d\n" : "%s,2024,%d,\n", code,
				      20 + i);
		if (i < 3)
			cc_buf_printf(&ind, "%s,2025,%d,%d\n", code, 30 + i, 31 + i);
	}
	tu_load(db, dir, "ae.csv", cc_buf_str(&e));
	tu_load(db, dir, "ai.csv", cc_buf_str(&ind));
	cc_buf_release(&e);
	cc_buf_release(&ind);
	struct cc_frame *f = NULL;
	assert_int_equal(cc_frame_build(db, 0, &f, &err), 0);
	static const int metrics[2] = {CC_M_OUTPUT_VALUE, CC_M_REVENUE};
	static const double shares[] = {0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0};
	static const int regions[] = {0, 500112, 510116, 51};
	int checked = 0;
	for (size_t r = 0; r < sizeof regions / sizeof *regions; r++) {
		struct chain_scope sc = {.n = 1, .codes = {regions[r]}};
		uint8_t *in = regions[r] ? report_scope_mask(f, &sc, NULL) : NULL;
		assert_true(!regions[r] || in);
		for (size_t k = 0; k < sizeof shares / sizeof *shares; k++)
			for (int maxp = 0; maxp <= 202400; maxp += 202400) {
				struct report_as_of a;
				int period;
				int64_t firms, reported;
				assert_int_equal(
					report_as_of(f, in, metrics, 2, 0, maxp, shares[k], &a), 0);
				sql_as_of(db, regions[r] == 51 ? 51 : regions[r], shares[k], maxp,
					  &period, &firms, &reported);
				snprintf(
					text, sizeof text,
					"region %d share %.1f max %d: C %d %lld/%lld, SQL %d %lld/%lld",
					regions[r], shares[k], maxp, a.period,
					(long long)a.reported, (long long)a.firms, period,
					(long long)reported, (long long)firms);
				if (a.period != period || a.firms != firms ||
				    a.reported != reported || a.missing != firms - reported)
					fail_msg("%s", text);
				checked++;
			}
		free(in);
	}
	assert_int_equal(checked, 4 * 7 * 2);
	/* The boundary: 7 of 10 in 2024 is complete at 0.7 and not at 0.71. */
	struct report_as_of a;
	assert_int_equal(report_as_of(f, NULL, metrics, 2, 0, 0, 0.7, &a), 0);
	assert_int_equal(a.period, 202400);
	assert_int_equal(a.missing, 3);
	assert_true(a.complete);
	assert_int_equal(report_as_of(f, NULL, metrics, 2, 0, 0, 0.71, &a), 0);
	assert_int_equal(a.period, 202300);
	assert_int_equal(a.missing, 1);
	/* Revenue alone: 2024 has four (the output-only firms do not count). */
	static const int rev[1] = {CC_M_REVENUE};
	assert_int_equal(report_as_of(f, NULL, rev, 1, 0, 0, 0.4, &a), 0);
	assert_int_equal(a.period, 202400);
	assert_int_equal(a.reported, 4);
	/* Nothing complete: the period most firms reported, marked incomplete. */
	assert_int_equal(report_as_of(f, NULL, metrics, 2, 0, 0, 1.0, &a), 0);
	assert_int_equal(a.period, 202300);
	assert_int_equal(a.reported, 9);
	assert_false(a.complete);
	json_t *j = report_as_of_json(&a, 1.0, metrics, 2);
	assert_string_equal(json_string_value(json_object_get(j, "period")), "2023");
	assert_int_equal(json_integer_value(json_object_get(j, "missing")), 1);
	assert_true(json_is_false(json_object_get(j, "complete")));
	json_decref(j);
	/* A metric outside the base ones is refused; an empty scope has no period. */
	static const int derived[1] = {CC_M_REVENUE_YOY};
	assert_int_equal(report_as_of(f, NULL, derived, 1, 0, 0, 0.8, &a), CC_EINVAL);
	uint8_t none[16] = {0};
	assert_int_equal(report_as_of(f, none, metrics, 2, 0, 0, 0.8, &a), 0);
	assert_int_equal(a.period, 0);
	assert_int_equal(a.firms, 0);
	/* The counts' form: a tie goes to the later period. */
	int periods[3] = {202300, 202400, 202500};
	int64_t counts[3] = {5, 5, 2};
	report_as_of_counts(periods, counts, 3, 10, 0, 0.8, &a);
	assert_int_equal(a.period, 202400);
	assert_false(a.complete);
	report_as_of_counts(periods, counts, 3, 10, 0, 0.5, &a);
	assert_int_equal(a.period, 202400);
	assert_true(a.complete);
	cc_frame_release(f);
	cc_store_close(db);
}

/* The source of value METRIC of CODE in PERIOD from report_provenance: *LINE its import's
 * line (0 when none); returns the source kind's first letter and fills FILE's base name. */
static char source_of(struct cc_store *db, const char *code, int period, const char *metric,
		      long long *line, char file[64])
{
	struct cc_error err = {0};
	json_t *pv = report_provenance(db, code, period, &err);
	char kind = '?';
	*line = 0;
	file[0] = '\0';
	assert_non_null(pv);
	json_t *arr = json_object_get(pv, "values");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i);
		if (strcmp(json_string_value(json_object_get(o, "metric")), metric))
			continue;
		kind = json_string_value(json_object_get(o, "source"))[0];
		*line = (long long)json_integer_value(json_object_get(o, "line"));
		const char *f = json_string_value(json_object_get(o, "file"));
		const char *b = f ? strrchr(f, '/') : NULL;
		snprintf(file, 64, "%s", b ? b + 1 : f ? f : "");
	}
	json_decref(pv);
	return kind;
}

/* An import records per row and column set the file and line each value came from. */
static void test_import_provenance(void **state)
{
	(void)state;
	char path[300], a[19], b[19], text[1024], file[64];
	long long line;
	struct cc_store *db = NULL;
	struct cc_error err = {0};
	snprintf(path, sizeof path, "%s/prov.db", dir);
	assert_int_equal(cc_store_open(&db, path, CC_STORE_CREATE, NULL), 0);
	tu_uscc(a, 500112, 201);
	tu_uscc(b, 500103, 202);
	snprintf(text, sizeof text, "uscc,name,region\n%s,甲,500112\n%s,乙,500103\n", a, b);
	tu_load(db, dir, "pe.csv", text);
	snprintf(text, sizeof text,
		 "uscc,period,revenue,employees\n%s,2024,100,10\n%s,2024,200,20\n", a, b);
	tu_load(db, dir, "p1.csv", text);
	assert_int_equal(source_of(db, a, 202400, "revenue", &line, file), 'i');
	assert_string_equal(file, "p1.csv");
	assert_int_equal(line, 2);
	assert_int_equal(source_of(db, b, 202400, "employees", &line, file), 'i');
	assert_int_equal(line, 3);
	/* Revenue only, B's changed and A's the same: B's revenue is the new file's line 2, its
	 * employees still p1's line 3, and A's revenue (not changed) still p1's. */
	snprintf(text, sizeof text, "uscc,period,revenue\n%s,2024,250\n%s,2024,100\n", b, a);
	tu_load(db, dir, "p2.csv", text);
	assert_int_equal(source_of(db, b, 202400, "revenue", &line, file), 'i');
	assert_string_equal(file, "p2.csv");
	assert_int_equal(line, 2);
	assert_int_equal(source_of(db, b, 202400, "employees", &line, file), 'i');
	assert_string_equal(file, "p1.csv");
	assert_int_equal(line, 3);
	assert_int_equal(source_of(db, a, 202400, "revenue", &line, file), 'i');
	assert_string_equal(file, "p1.csv");
	/* A manual edit attests its value; an import that changes it later takes over. */
	int64_t ea = cc_store_int(db, "SELECT id FROM enterprises WHERE name = '甲'", -1);
	assert_int_equal(cc_store_begin(db, &err), 0);
	assert_int_equal(cc_store_exec(db,
				       "UPDATE indicators SET revenue = 150 WHERE period = 202400 "
				       "AND enterprise_id = (SELECT id FROM enterprises WHERE name "
				       "= '甲')",
				       &err),
			 0);
	assert_int_equal(
		report_provenance_note(db, ea, 202400, CC_M_REVENUE, 150, "manual", 0, "ana", &err),
		0);
	assert_int_equal(cc_store_commit(db, &err), 0);
	assert_int_equal(source_of(db, a, 202400, "revenue", &line, file), 'm');
	assert_int_equal(source_of(db, a, 202400, "employees", &line, file), 'i');
	snprintf(text, sizeof text, "uscc,period,revenue\n%s,2023,90\n%s,2024,160\n", a, a);
	tu_load(db, dir, "p3.csv", text);
	assert_int_equal(source_of(db, a, 202400, "revenue", &line, file), 'i');
	assert_string_equal(file, "p3.csv");
	assert_int_equal(line, 3);
	/* The records against SQL: a row per enterprise, period and column set, each naming
	 * its import's id. */
	assert_int_equal(cc_store_int(db, "SELECT count(*) FROM indicator_imports", -1), 5);
	assert_int_equal(
		cc_store_int(db,
			     "SELECT count(*) FROM indicator_imports ii JOIN imports im ON "
			     "im.id = ii.import_id WHERE im.kind = 'indicators'",
			     -1),
		5);
	/* A dry run records nothing. */
	snprintf(path, sizeof path, "%s/p4.csv", dir);
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fprintf(fp, "uscc,period,revenue\n%s,2022,1\n", b);
	fclose(fp);
	struct cc_import_opts o = {.kind = CC_KIND_AUTO, .dry_run = 1};
	struct cc_import_result res;
	assert_int_equal(cc_import_file(db, path, &o, &res, &err), 0);
	cc_import_result_release(&res);
	assert_int_equal(cc_store_int(db, "SELECT count(*) FROM indicator_imports", -1), 5);
	cc_store_close(db);
}

/* Completion with districts and chains from the frame equals the store's answer. */
static void test_completion_frame(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct cc_frame *f = NULL;
	assert_int_equal(cc_frame_build(st, 0, &f, &err), 0);
	int compared = 0;
	for (int64_t plan = 1; plan <= cc_store_int(st, "SELECT max(id) FROM report_plans", 0);
	     plan++) {
		static const int days[] = {20261201, 20261216, 20270301};
		for (size_t d = 0; d < sizeof days / sizeof *days; d++) {
			json_t *a = report_completion(st, plan, 0, days[d], &err);
			json_t *b = report_completion_in(st, f, plan, 0, days[d], &err);
			assert_non_null(a);
			assert_non_null(b);
			if (!json_equal(a, b)) {
				char *x = json_dumps(a, JSON_COMPACT),
				     *y = json_dumps(b, JSON_COMPACT);
				fail_msg("plan %lld on %d: store %s, frame %s", (long long)plan,
					 days[d], x, y);
			}
			assert_true(json_array_size(json_object_get(b, "by_district")) > 0);
			json_decref(a);
			json_decref(b);
			compared++;
		}
	}
	assert_true(compared >= 3);
	cc_frame_release(f);
}

static int setup(void **state)
{
	(void)state;
	char text[2048];
	if (!mkdtemp(dir))
		return -1;
	tu_uscc(code_a, 500112, 1);
	tu_uscc(code_b, 500103, 2);
	tu_uscc(code_c, 510116, 3);
	snprintf(text, sizeof text, "%s/c.db", dir);
	if (cc_store_open(&st, text, CC_STORE_CREATE, NULL))
		return -1;
	snprintf(text, sizeof text,
		 "uscc,name,region\n%s,甲公司,500112\n%s,乙公司,500103\n%s,丙公司,510116\n", code_a,
		 code_b, code_c);
	tu_load(st, dir, "e.csv", text);
	snprintf(text, sizeof text,
		 "uscc,period,revenue,employees\n%s,2025-11,100,40\n%s,2026-10,120,45\n"
		 "%s,2025-11,30,10\n",
		 code_a, code_a, code_b);
	tu_load(st, dir, "i.csv", text);
	snprintf(text, sizeof text,
		 "uscc,chain,node\n%s,aviation,aircraft\n%s,aviation,materials_parts\n", code_a,
		 code_b);
	tu_load(st, dir, "m.csv", text);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	cc_store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_hard_rules),
		cmocka_unit_test(test_soft_rules),
		cmocka_unit_test(test_plan_and_open),
		cmocka_unit_test(test_fill_review_accept),
		cmocka_unit_test(test_completion_and_remind),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_completion_frame),
		cmocka_unit_test(test_freshness),
		cmocka_unit_test(test_as_of),
		cmocka_unit_test(test_import_provenance),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
