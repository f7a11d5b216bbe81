/*
 * Unit tests of cases/: on a temporary store holding two imported enterprises, cases are
 * opened, moved and commented on, and the reads the CLI and the API share are checked — the
 * filters of case_list (status, department, credit code in any case, overdue, limit) and its
 * order, case_get and its not-found, the comments with the status changes they record, the
 * per-department view — and above all the overdue rule: open or in progress, with a deadline
 * before today; never without a deadline, not on the deadline day, not once closed.
 */
#include <ctype.h>
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

#include "cases/cases.h"
#include "store/store.h"

static char dir[] = "/tmp/cc-cases-XXXXXX";
static struct cc_store *st;
static char code_a[19], code_b[19];
static char today[11], yesterday[11];

/* Opens a case of enterprise USCC; returns its id (the test fails if it cannot). */
static int64_t open_case(const char *uscc, const char *kind, const char *title,
			 const char *department, const char *deadline)
{
	struct cc_error err = {0};
	struct case_new c = {uscc, kind, title, NULL, department, NULL, deadline, "tester"};
	int64_t id = 0;
	int rc = case_open(st, &c, &id, &err);
	if (rc)
		print_error("case_open: %s\n", err.msg);
	assert_int_equal(rc, 0);
	assert_true(id > 0);
	return id;
}

/* The ids case_list returns for F, in order, written as "3,1,2" into OUT. */
static void list_ids(const struct case_filter *f, char *out, size_t cap)
{
	struct cc_error err = {0};
	struct case_row *rows = NULL;
	int n = -1;
	size_t used = 0;
	assert_int_equal(case_list(st, f, &rows, &n, &err), 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, cap - used, "%s%lld", i ? "," : "",
					 (long long)rows[i].id);
	case_rows_free(rows, n);
}

/* Case ids of the scenario (set by test_overdue_rule, used by the tests after it). */
static int64_t late, late_moving, due_today, future, undated, late_resolved, other;

static void test_overdue_rule(void **state)
{
	(void)state;
	struct cc_error err = {0};
	late = open_case(code_a, "finance", "贷款贴息", "市金融局", yesterday);
	late_moving = open_case(code_a, "land", "用地", "市规划和自然资源局", "2001-01-01");
	due_today = open_case(code_a, "talent", "人才公寓", "市人力社保局", today);
	future = open_case(code_a, "market", "展会", "市商务委", "2199-12-31");
	undated = open_case(code_a, "permits", "环评", "市生态环境局", NULL);
	late_resolved = open_case(code_a, "technology", "中试", "市科技局", "2000-06-30");
	other = open_case(code_b, "finance", "担保", "市金融局", "2000-01-01");
	assert_int_equal(case_move(st, late_moving, "in_progress", "已受理", "tester", &err), 0);
	assert_int_equal(case_move(st, late_resolved, "resolved", "已解决", "tester", &err), 0);
	assert_int_equal(case_move(st, undated, "declined", "不予支持", "tester", &err), 0);

	/* One case at a time: the flag case_get reports is the rule. */
	struct {
		int64_t id;
		int overdue;
	} want[] = {{late, 1},	  {late_moving, 1},   {due_today, 0}, {future, 0},
		    {undated, 0}, {late_resolved, 0}, {other, 1}};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct case_row r;
		assert_int_equal(case_get(st, want[i].id, &r, &err), 0);
		assert_int_equal(r.id, want[i].id);
		assert_int_equal(r.overdue, want[i].overdue);
		case_row_release(&r);
	}

	/* The overdue filter selects exactly those, earliest deadline first. */
	char ids[256], expect[256];
	struct case_filter f = {.overdue = 1};
	list_ids(&f, ids, sizeof ids);
	snprintf(expect, sizeof expect, "%lld,%lld,%lld", (long long)other, (long long)late_moving,
		 (long long)late);
	assert_string_equal(ids, expect);
}

static void test_list_filters(void **state)
{
	(void)state;
	char ids[256], expect[256];
	/* All: by deadline, the undated case last. */
	list_ids(NULL, ids, sizeof ids);
	snprintf(expect, sizeof expect, "%lld,%lld,%lld,%lld,%lld,%lld,%lld", (long long)other,
		 (long long)late_resolved, (long long)late_moving, (long long)late,
		 (long long)due_today, (long long)future, (long long)undated);
	assert_string_equal(ids, expect);

	struct case_filter f = {.status = "in_progress"};
	list_ids(&f, ids, sizeof ids);
	snprintf(expect, sizeof expect, "%lld", (long long)late_moving);
	assert_string_equal(ids, expect);

	struct case_filter dept = {.department = "市金融局"};
	list_ids(&dept, ids, sizeof ids);
	snprintf(expect, sizeof expect, "%lld,%lld", (long long)other, (long long)late);
	assert_string_equal(ids, expect);

	/* A credit code in lower case finds its enterprise's cases. */
	char lower[19];
	for (int i = 0; i < 19; i++)
		lower[i] = (char)tolower((unsigned char)code_b[i]);
	struct case_filter own = {.uscc = lower};
	list_ids(&own, ids, sizeof ids);
	snprintf(expect, sizeof expect, "%lld", (long long)other);
	assert_string_equal(ids, expect);

	/* Empty text is no filter; the limit keeps the first rows of the order. */
	struct case_filter lim = {.status = "", .department = "", .uscc = "", .limit = 2};
	list_ids(&lim, ids, sizeof ids);
	snprintf(expect, sizeof expect, "%lld,%lld", (long long)other, (long long)late_resolved);
	assert_string_equal(ids, expect);

	struct case_filter none = {.status = "open", .department = "市科技局"};
	struct case_row *rows = (struct case_row *)1;
	int n = -1;
	struct cc_error err = {0};
	assert_int_equal(case_list(st, &none, &rows, &n, &err), 0);
	assert_null(rows);
	assert_int_equal(n, 0);
}

static void test_get_and_comments(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct case_row r;
	assert_int_equal(case_get(st, late_moving, &r, &err), 0);
	assert_string_equal(r.uscc, code_a);
	assert_string_equal(r.name, "甲公司");
	assert_string_equal(r.kind, "land");
	assert_string_equal(r.title, "用地");
	assert_string_equal(r.department, "市规划和自然资源局");
	assert_string_equal(r.deadline, "2001-01-01");
	assert_string_equal(r.status, "in_progress");
	assert_null(r.detail);
	assert_null(r.owner);
	assert_non_null(r.created_at);
	case_row_release(&r);
	case_row_release(NULL);

	assert_int_equal(case_get(st, 999999, &r, &err), CC_ENOTFOUND);
	assert_string_equal(err.msg, "no case 999999");
	assert_null(r.uscc);

	assert_int_equal(case_comment(st, late_moving, "企业反馈", "ana", &err), 0);
	struct case_comment_row *c = NULL;
	int n = 0;
	assert_int_equal(case_comments_list(st, late_moving, &c, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].text, "已受理");
	assert_string_equal(c[0].actor, "tester");
	assert_string_equal(c[0].from, "open");
	assert_string_equal(c[0].to, "in_progress");
	assert_string_equal(c[1].text, "企业反馈");
	assert_string_equal(c[1].actor, "ana");
	assert_null(c[1].from);
	assert_null(c[1].to);
	assert_non_null(c[1].at);
	case_comments_free(c, n);

	/* No such case: no comments, no error. */
	assert_int_equal(case_comments_list(st, 999999, &c, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(c);
	case_comments_free(NULL, 0);
}

static void test_departments(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct case_department *d = NULL;
	int n = 0, seen = 0;
	assert_int_equal(case_departments(st, &d, &n, &err), 0);
	assert_int_equal(n, 6);
	for (int i = 0; i < n; i++) {
		if (i)
			assert_true(strcmp(d[i - 1].department, d[i].department) < 0);
		if (strcmp(d[i].department, "市金融局") == 0) {
			/* Two open cases, both late. */
			assert_int_equal(d[i].open, 2);
			assert_int_equal(d[i].overdue, 2);
			assert_int_equal(d[i].resolved, 0);
			assert_true(isnan(d[i].avg_days_to_close));
			seen++;
		} else if (strcmp(d[i].department, "市科技局") == 0) {
			/* Resolved late: counted as resolved, not overdue; closed the same day. */
			assert_int_equal(d[i].open, 0);
			assert_int_equal(d[i].overdue, 0);
			assert_int_equal(d[i].resolved, 1);
			assert_true(d[i].avg_days_to_close >= 0 && d[i].avg_days_to_close < 0.1);
			seen++;
		} else if (strcmp(d[i].department, "市生态环境局") == 0) {
			assert_int_equal(d[i].declined, 1);
			assert_int_equal(d[i].overdue, 0);
			seen++;
		} else if (strcmp(d[i].department, "市规划和自然资源局") == 0) {
			assert_int_equal(d[i].in_progress, 1);
			assert_int_equal(d[i].overdue, 1);
			seen++;
		} else if (strcmp(d[i].department, "市人力社保局") == 0) {
			/* Due today: not overdue yet. */
			assert_int_equal(d[i].open, 1);
			assert_int_equal(d[i].overdue, 0);
			seen++;
		}
	}
	assert_int_equal(seen, 5);
	case_departments_free(d, n);
	case_departments_free(NULL, 0);
}

/* Today's and yesterday's date as SQLite's date('now') sees them (UTC). */
static int dates(void)
{
	struct cc_stmt *s = NULL;
	struct cc_error err = {0};
	int ok = 0;
	if (cc_stmt_prepare(st, &s, "SELECT date('now'), date('now', '-1 day')", &err))
		return -1;
	if (cc_stmt_step(s, &err) == 1) {
		snprintf(today, sizeof today, "%s", cc_stmt_text(s, 0));
		snprintf(yesterday, sizeof yesterday, "%s", cc_stmt_text(s, 1));
		ok = 1;
	}
	cc_stmt_free(s);
	return ok ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	char p[256], rej[300], text[1024];
	struct cc_error err = {0};
	struct cc_import_opts o = {0};
	struct cc_import_result res;
	if (!mkdtemp(dir))
		return -1;
	tu_uscc(code_a, 500112, 1);
	tu_uscc(code_b, 510116, 2);
	snprintf(text, sizeof text, "uscc,name,region\n%s,甲公司,500112\n%s,乙公司,510116\n",
		 code_a, code_b);
	snprintf(p, sizeof p, "%s/e.csv", dir);
	FILE *f = fopen(p, "wb");
	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	snprintf(rej, sizeof rej, "%s.rejects.csv", p);
	o.rejects_path = rej;
	snprintf(text, sizeof text, "%s/c.db", dir);
	if (cc_store_open(&st, text, CC_STORE_CREATE, &err))
		return -1;
	if (cc_import_file(st, p, &o, &res, &err))
		return -1;
	cc_import_result_release(&res);
	return dates();
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
		cmocka_unit_test(test_overdue_rule),
		cmocka_unit_test(test_list_filters),
		cmocka_unit_test(test_get_and_comments),
		cmocka_unit_test(test_departments),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
