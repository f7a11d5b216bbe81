/*
 * Unit tests of lists/: on a temporary store holding four imported enterprises, versions are
 * written by hand and through manual changes, and their immutability, diffs (entered, exited,
 * changed tier, each with its reason), an enterprise's history, the audit rows and the XLSX
 * export are checked against what was written.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "testutil.h"

#include "base/csv.h"
#include "domain/codes.h"
#include "domain/uscc.h"
#include "domain/reason.h"
#include "io/import.h"
#include "io/xlsx.h"
#include "lists/lists.h"
#include "store/store.h"

static char dir[] = "/tmp/cc-lists-XXXXXX";
static struct cc_store *st;
static char code_a[19], code_b[19], code_c[19], code_d[19];
static int64_t id_a, id_b, id_c;

/* A valid code for region R and serial S. */

static int64_t id_of(const char *uscc)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT id FROM enterprises WHERE uscc='%s'", uscc);
	return cc_store_int(st, sql, 0);
}

static struct list_entry entry(int64_t id, const char *tier, double score, int rank,
			       const char *reason)
{
	struct list_entry e;
	memset(&e, 0, sizeof e);
	e.enterprise_id = id;
	snprintf(e.tier, sizeof e.tier, "%s", tier);
	e.score = score;
	e.rank = rank;
	e.reason = (char *)reason;
	return e;
}

static int64_t versions_count(void)
{
	return cc_store_int(st, "SELECT count(*) FROM list_versions", -1);
}

/* Version 1 of "t": A reserve, B seed, C seed (a model version made by hand). */
static void test_write_and_immutable(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct list_entry e[3] = {entry(id_a, "reserve", 0.9, 1, "模型 排名 1"),
				  entry(id_b, "seed", 0.5, 2, "模型 排名 2"),
				  entry(id_c, "seed", 0.4, 3, "模型 排名 3")};
	int number = 0;
	assert_int_equal(lists_version_write(st, "t", "listing_reserve", 0, 2023, e, 3, NULL, 0,
					     "tester", "first", &number, &err),
			 0);
	assert_int_equal(number, 1);
	/* A second list without a model cannot be created. */
	assert_int_equal(lists_version_write(st, "u", NULL, 0, 2023, e, 3, NULL, 0, "tester", NULL,
					     &number, &err),
			 CC_ENOTFOUND);
	/* A new list's name is a segment of its web address (issue 13: "a/b" made a list that
	 * /api/v1/lists/{list} could never open). */
	static const char *const bad_names[] = {"a/b", "x\ny", " lead", "trail ", "..", "\xff\xfe"};
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
		assert_int_equal(lists_version_write(st, bad_names[i], "listing_reserve", 0, 2023,
						     e, 3, NULL, 0, "tester", NULL, &number, &err),
				 CC_EINVAL);
		assert_int_equal(lists_name_check(bad_names[i], &err), CC_EINVAL);
	}
	assert_int_equal(lists_name_check("2026 上市后备 (第一批) #1 10%", &err), 0);
	assert_int_equal(cc_store_int(st, "SELECT count(*) FROM lists WHERE name <> 't'", -1), 0);
	/* A manual entry without a reason is refused before anything is written. */
	struct list_entry bad = entry(id_a, "seed", NAN, 0, "  ");
	bad.manual = 1;
	assert_int_equal(lists_version_write(st, "t", NULL, 1, 2023, &bad, 1, NULL, 0, "tester",
					     NULL, NULL, &err),
			 CC_EINVAL);
	assert_int_equal(versions_count(), 1);
	/* Written once, never changed. */
	assert_int_not_equal(cc_store_exec(st, "UPDATE list_entries SET tier='x'", &err), 0);
	assert_non_null(strstr(err.msg, "immutable"));
	assert_int_not_equal(cc_store_exec(st, "DELETE FROM list_entries", &err), 0);
	assert_int_not_equal(cc_store_exec(st, "UPDATE list_versions SET note='x'", &err), 0);
	assert_int_not_equal(cc_store_exec(st, "DELETE FROM list_versions", &err), 0);
	assert_int_equal(cc_store_int(st, "SELECT count(*) FROM list_entries", 0), 3);
	/* The schema refuses a manual entry without a reason even from raw SQL. */
	assert_int_not_equal(cc_store_exec(st,
					   "INSERT INTO list_entries VALUES((SELECT max(id) FROM "
					   "list_versions), 999, 'seed', NULL, NULL, 'manual', '')",
					   &err),
			     0);
	/* The audit row. */
	assert_int_equal(
		cc_store_int(st,
			     "SELECT count(*) FROM audit WHERE action='list.version' AND "
			     "target='t' AND actor='tester' AND after LIKE '%\"entered\":3%'",
			     0),
		1);
	struct list_version v;
	assert_int_equal(lists_version_read(st, "t", 0, &v, &err), 0);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.e[0].uscc, code_a);
	assert_string_equal(v.e[0].tier, "reserve");
	assert_string_equal(v.note, "first");
	assert_int_equal(v.year, 2023);
	lists_version_release(&v);
	assert_int_equal(lists_version_read(st, "t", 7, &v, &err), CC_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no version 7"));
	assert_int_equal(lists_version_read(st, "nope", 0, &v, &err), CC_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no list 'nope'"));
}

static void test_manual_and_diff(void **state)
{
	(void)state;
	struct cc_error err = {0};
	int number = 0;
	/* Every change needs a reason, a known code, a known tier. */
	struct list_change noreason = {LIST_ADD, code_d, "seed", ""};
	assert_int_equal(lists_version_manual(st, "t", &noreason, 1, "tester", NULL, &number, &err),
			 CC_EINVAL);
	assert_non_null(strstr(err.msg, "reason"));
	struct list_change unknown = {LIST_ADD, "91500000MA0000000X", "seed", "r"};
	assert_int_equal(lists_version_manual(st, "t", &unknown, 1, "tester", NULL, &number, &err),
			 CC_ENOTFOUND);
	struct list_change badtier = {LIST_TIER, code_b, "gold", "r"};
	assert_int_equal(lists_version_manual(st, "t", &badtier, 1, "tester", NULL, &number, &err),
			 CC_EINVAL);
	assert_non_null(strstr(err.msg, "gold"));
	struct list_change notthere = {LIST_REMOVE, code_d, NULL, "r"};
	assert_int_equal(lists_version_manual(st, "t", &notthere, 1, "tester", NULL, &number, &err),
			 CC_ENOTFOUND);
	struct list_change twice = {LIST_ADD, code_a, "seed", "r"};
	assert_int_equal(lists_version_manual(st, "t", &twice, 1, "tester", NULL, &number, &err),
			 CC_EEXIST);
	assert_int_equal(versions_count(), 1);

	/* Version 2: D added, C removed, B re-tiered. */
	const struct list_change ch[3] = {{LIST_ADD, code_d, "seed", "区县推荐 r-add"},
					  {LIST_REMOVE, code_c, NULL, "已迁出 r-rm"},
					  {LIST_TIER, code_b, "reserve", "专家评审 r-tier"}};
	assert_int_equal(lists_version_manual(st, "t", ch, 3, "tester", "manual", &number, &err),
			 0);
	assert_int_equal(number, 2);

	struct list_diff d;
	assert_int_equal(lists_diff(st, "t", 1, 2, &d, &err), 0);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.entered, 1);
	assert_int_equal(d.exited, 1);
	assert_int_equal(d.changed, 1);
	assert_int_equal(d.items[0].kind, LIST_ADD);
	assert_string_equal(d.items[0].uscc, code_d);
	assert_string_equal(d.items[0].new_tier, "seed");
	assert_string_equal(d.items[0].reason, "区县推荐 r-add");
	assert_int_equal(d.items[1].kind, LIST_REMOVE);
	assert_string_equal(d.items[1].uscc, code_c);
	assert_string_equal(d.items[1].old_tier, "seed");
	assert_string_equal(d.items[1].reason, "已迁出 r-rm");
	assert_int_equal(d.items[2].kind, LIST_TIER);
	assert_string_equal(d.items[2].uscc, code_b);
	assert_string_equal(d.items[2].old_tier, "seed");
	assert_string_equal(d.items[2].new_tier, "reserve");
	assert_string_equal(d.items[2].reason, "专家评审 r-tier");
	lists_diff_release(&d);
	assert_int_equal(cc_store_int(st,
				      "SELECT count(*) FROM audit WHERE action='list.version' AND "
				      "after LIKE '%\"version\":2%\"entered\":1,\"exited\":1,"
				      "\"changed\":1%'",
				      0),
			 1);
	assert_int_not_equal(cc_store_exec(st, "DELETE FROM list_exits", &err), 0);

	/* Version 3, a model version without A: A exits as dropped out of the model run. */
	struct list_version v;
	assert_int_equal(lists_version_read(st, "t", 2, &v, &err), 0);
	assert_int_equal(v.n, 3);
	struct list_entry e[3];
	int n = 0;
	for (int i = 0; i < v.n; i++)
		if (v.e[i].enterprise_id != id_a)
			e[n++] = v.e[i];
	assert_int_equal(lists_version_write(st, "t", NULL, 0, 2024, e, n, NULL, 0, "tester", NULL,
					     &number, &err),
			 0);
	lists_version_release(&v);
	assert_int_equal(number, 3);
	assert_int_equal(lists_diff(st, "t", 2, 3, &d, &err), 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.exited, 1);
	assert_string_equal(d.items[0].uscc, code_a);
	/* The removal by a rerun keeps a structured reason, rendered per language. */
	struct cc_buf why = CC_BUF_INIT(1024);
	assert_int_equal(cc_reason_render(d.items[0].reason, CC_LANG_EN, &why), 0);
	assert_string_equal(cc_buf_str(&why), "Dropped out of the model run");
	cc_buf_reset(&why);
	assert_int_equal(cc_reason_render(d.items[0].reason, CC_LANG_ZH, &why), 0);
	assert_string_equal(cc_buf_str(&why), "模型重算未入选");
	cc_buf_release(&why);
	lists_diff_release(&d);
	/* From 1 to 3 the removal of C keeps its reason. */
	assert_int_equal(lists_diff(st, "t", 1, 3, &d, &err), 0);
	assert_int_equal(d.exited, 2);
	for (int i = 0; i < d.n; i++)
		if (strcmp(d.items[i].uscc, code_c) == 0)
			assert_string_equal(d.items[i].reason, "已迁出 r-rm");
	lists_diff_release(&d);
	assert_int_equal(lists_diff(st, "t", 1, 9, &d, &err), CC_ENOTFOUND);

	struct list_version *all = NULL;
	int count = 0;
	assert_int_equal(lists_versions(st, "t", &all, &count, &err), 0);
	assert_int_equal(count, 3);
	assert_int_equal(all[1].manual, 1);
	assert_int_equal(all[2].n, 2);
	for (int i = 0; i < count; i++)
		lists_version_release(&all[i]);
	free(all);
}

static void test_history(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct list_history h;
	assert_int_equal(lists_history(st, code_c, &h, &err), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.items[0].status, "entered");
	assert_int_equal(h.items[0].version, 1);
	assert_string_equal(h.items[0].tier, "seed");
	assert_string_equal(h.items[1].status, "exited");
	assert_int_equal(h.items[1].version, 2);
	assert_string_equal(h.items[1].reason, "已迁出 r-rm");
	lists_history_release(&h);
	assert_int_equal(lists_history(st, code_b, &h, &err), 0);
	assert_int_equal(h.n, 3);
	assert_string_equal(h.items[1].status, "changed");
	assert_string_equal(h.items[1].tier, "reserve");
	assert_string_equal(h.items[1].reason, "专家评审 r-tier");
	assert_string_equal(h.items[2].status, "kept");
	lists_history_release(&h);
	assert_int_equal(lists_history(st, "91500000MA0000000X", &h, &err), CC_ENOTFOUND);
}

static void test_export(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct list_version v;
	char path[256];
	snprintf(path, sizeof path, "%s/list.xlsx", dir);
	assert_int_equal(cc_codes_load(&err), 0);
	assert_int_equal(lists_version_read(st, "t", 2, &v, &err), 0);
	assert_int_equal(lists_export_xlsx(&v, path, &err), 0);
	lists_version_release(&v);
	struct cc_xlsx_reader *x = NULL;
	struct cc_row row;
	memset(&row, 0, sizeof row);
	assert_int_equal(cc_xlsx_open(&x, path, &err), 0);
	int rows = 0, header = 0, has_reason = 0;
	while (cc_xlsx_next(x, &row, &err) == 1) {
		rows++;
		if (rows == 1)
			assert_non_null(strstr(row.fields[0], "t"));
		if (rows == 2 && row.nfields == 8 && strcmp(row.fields[0], "序号") == 0 &&
		    strcmp(row.fields[7], "入选理由") == 0)
			header = 1;
		for (size_t k = 0; k < row.nfields; k++)
			if (strcmp(row.fields[k], "区县推荐 r-add") == 0)
				has_reason = 1;
	}
	cc_xlsx_close(x);
	assert_int_equal(rows, 2 + 3);
	assert_true(header);
	assert_true(has_reason);
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
	tu_uscc(code_b, 500107, 2);
	tu_uscc(code_c, 510116, 3);
	tu_uscc(code_d, 500103, 4);
	snprintf(text, sizeof text,
		 "uscc,name,region\n%s,甲公司,500112\n%s,乙公司,500107\n%s,丙公司,510116\n"
		 "%s,丁公司,500103\n",
		 code_a, code_b, code_c, code_d);
	snprintf(p, sizeof p, "%s/e.csv", dir);
	FILE *f = fopen(p, "wb");
	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	snprintf(rej, sizeof rej, "%s.rejects.csv", p);
	o.rejects_path = rej;
	snprintf(text, sizeof text, "%s/l.db", dir);
	if (cc_store_open(&st, text, CC_STORE_CREATE, &err))
		return -1;
	if (cc_import_file(st, p, &o, &res, &err))
		return -1;
	cc_import_result_release(&res);
	id_a = id_of(code_a);
	id_b = id_of(code_b);
	id_c = id_of(code_c);
	return id_a > 0 && id_b > 0 && id_c > 0 ? 0 : -1;
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
		cmocka_unit_test(test_write_and_immutable),
		cmocka_unit_test(test_manual_and_diff),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_export),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
