/*
 * Unit tests of store/, io/import and frame/: migrations, generation, the importer's rules on
 * small hand-written files, and a frame built from them with values worked out by hand.
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

/* cmocka 1.1 compares floats in single precision; these tests need doubles. */
#define near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))
#include "domain/catalogue.h"
#include "domain/uscc.h"
#include "frame/frame.h"
#include <sqlite3.h>
#include "io/import.h"
#include "store/check.h"
#include "store/schema.h"
#include "domain/patent.h"
#include "store/store.h"

static char dir[] = "/tmp/cc-unit-XXXXXX";

static void path_of(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void write_file(const char *name, const char *text)
{
	char p[256];
	path_of(p, sizeof p, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A valid code for region R and serial S. */

static int import(struct cc_store *st, const char *name, int kind, struct cc_import_result *res)
{
	char p[256], rej[300];
	struct cc_import_opts o = {0};
	struct cc_error err = {0};
	path_of(p, sizeof p, name);
	snprintf(rej, sizeof rej, "%s.rejects.csv", p);
	o.kind = kind;
	o.rejects_path = rej;
	int rc = cc_import_file(st, p, &o, res, &err);
	if (rc && rc != CC_EREJECT)
		print_error("import %s: %s\n", name, err.msg);
	return rc;
}

static struct cc_store *open_db(const char *name)
{
	char p[256];
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	path_of(p, sizeof p, name);
	assert_int_equal(cc_store_open(&st, p, CC_STORE_CREATE, &err), 0);
	return st;
}

static void test_migrations(void **state)
{
	(void)state;
	struct cc_store *st = open_db("m.db");
	assert_int_equal(cc_store_schema_version(st), cc_schema_count());
	/* A new database has 16 KiB pages (store.c: a frame build reads whole tables). */
	assert_int_equal(cc_store_int(st, "PRAGMA page_size", 0), 16384);
	int64_t g = cc_store_generation(st);
	struct cc_error err;
	assert_int_equal(cc_store_begin(st, &err), 0);
	assert_int_equal(cc_store_bump_generation(st, &err), 0);
	assert_int_equal(cc_store_commit(st, &err), 0);
	assert_int_equal(cc_store_generation(st), g + 1);
	/* The audit log is append-only. */
	assert_int_equal(cc_store_exec(st, "INSERT INTO audit(actor,action) VALUES('t','x')", &err),
			 0);
	assert_int_not_equal(cc_store_exec(st, "DELETE FROM audit", &err), 0);
	assert_int_not_equal(cc_store_exec(st, "UPDATE audit SET actor='y'", &err), 0);
	cc_store_close(st);
	/* Opening a missing file without CREATE is a clear error. */
	char p[256];
	path_of(p, sizeof p, "missing.db");
	assert_int_equal(cc_store_open(&st, p, 0, &err), CC_ENOTFOUND);
	assert_non_null(strstr(err.msg, "missing.db"));
}

static void test_import_and_frame(void **state)
{
	(void)state;
	char a[19], b[19], c[19], outside[19], text[4096];
	tu_uscc(a, 500112, 1);
	tu_uscc(b, 510116, 2);
	tu_uscc(c, 440305, 3);
	tu_uscc(outside, 320506, 4);
	snprintf(text, sizeof text,
		 "uscc,name,region,industry,certs\n%s,甲公司,500112,C3670,hightech;srdi\n"
		 "%s,乙公司,510116,C3973,\n%s,丙公司,440305,,\n",
		 a, b, c);
	write_file("e.csv", text);
	/* Revenue of A: 1000, 1100, 1210, 1331 -> YoY 10%%, CAGR3 10%%. */
	snprintf(
		text, sizeof text,
		"uscc,period,revenue,rd_expense,employees,rd_staff,total_assets,total_liabilities\n"
		"%s,2020,1000,,,,,\n%s,2021,1100,,,,,\n%s,2022,1210,,,,,\n"
		"%s,2023,1331,66.55,200,30,500,0\n%s,2023,50,,,,0,10\n%s,2023-05,7,,,,,\n",
		a, a, a, a, b, a);
	write_file("i.csv", text);
	snprintf(text, sizeof text,
		 "uscc,chain,node,role\n%s,ic,design,master\n%s,ic,design,member\n", a, b);
	write_file("m.csv", text);
	snprintf(
		text, sizeof text,
		"supplier,buyer,product,annual_value,share\n%s,%s,晶圆,100,0.6\n%s,%s,晶圆,50,40%%\n",
		b, a, outside, a);
	write_file("s.csv", text);

	struct cc_store *st = open_db("f.db");
	struct cc_import_result res;
	assert_int_equal(import(st, "e.csv", CC_KIND_AUTO, &res), 0);
	assert_int_equal(res.kind, CC_KIND_ENTERPRISES);
	assert_int_equal(res.accepted, 3);
	cc_import_result_release(&res);
	assert_int_equal(import(st, "i.csv", CC_KIND_AUTO, &res), 0);
	assert_int_equal(res.accepted, 6);
	cc_import_result_release(&res);
	struct cc_error err = {0};
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	assert_non_null(cat);
	int have_design = cc_node_resolve(cat, "ic.design", NULL, &err) != NULL;
	if (have_design) {
		assert_int_equal(import(st, "m.csv", CC_KIND_AUTO, &res), 0);
		assert_int_equal(res.accepted, 2);
		cc_import_result_release(&res);
	}
	assert_int_equal(import(st, "s.csv", CC_KIND_SUPPLY, &res), 0);
	assert_int_equal(res.accepted, 2);
	assert_int_equal(res.nwarnings, 1); /* one supplier outside the registry */
	cc_import_result_release(&res);
	/* Re-import changes no row. */
	int64_t before = cc_store_int(st, "SELECT total_changes()", 0);
	assert_int_equal(import(st, "i.csv", CC_KIND_AUTO, &res), 0);
	cc_import_result_release(&res);
	int64_t after = cc_store_int(st, "SELECT total_changes()", 0);
	/* Only the generation bump and the import log row changed. */
	assert_int_equal(after - before, 2);

	struct cc_frame *f = NULL;
	assert_int_equal(cc_frame_build(st, CC_FRAME_MONTHLY, &f, &err), 0);
	assert_int_equal(f->n, 3);
	int ia = cc_frame_find(f, a), ib = cc_frame_find(f, b);
	assert_true(ia >= 0 && ib >= 0);
	assert_int_equal(cc_frame_find(f, outside), -1);
	assert_int_equal(f->year0, 2020);
	assert_int_equal(f->nyears, 4);
	assert_int_equal(cc_frame_latest_year(f), 2023);
	near(cc_frame_annual(f, CC_M_REVENUE_YOY, 2023)[ia], 0.1, 1e-12);
	near(cc_frame_annual(f, CC_M_REVENUE_CAGR3, 2023)[ia], 0.1, 1e-12);
	near(cc_frame_annual(f, CC_M_RD_INTENSITY, 2023)[ia], 0.05, 1e-12);
	near(cc_frame_annual(f, CC_M_RD_STAFF_SHARE, 2023)[ia], 0.15, 1e-12);
	near(cc_frame_annual(f, CC_M_DEBT_RATIO, 2023)[ia], 0.0, 1e-12);
	assert_true(isnan(cc_frame_annual(f, CC_M_DEBT_RATIO, 2023)[ib]));  /* assets 0 */
	assert_true(isnan(cc_frame_annual(f, CC_M_REVENUE_YOY, 2023)[ib])); /* no 2022 */
	assert_null(cc_frame_annual(f, CC_M_REVENUE, 2019));
	assert_int_equal(f->certs[ia], CC_CERT_HIGHTECH | CC_CERT_SRDI);
	assert_non_null(f->monthly[CC_M_REVENUE]);
	assert_null(f->monthly[CC_M_TAX]);
	near(f->monthly[CC_M_REVENUE][ia], 7, 0);
	if (have_design) {
		assert_int_equal(f->nmembers, 2);
		int k = cc_node_resolve(cat, "ic.design", NULL, &err)->index;
		assert_int_equal(f->node_start[k + 1] - f->node_start[k], 2);
		assert_int_equal(f->member_role[f->member_start[ia]], CC_ROLE_MASTER);
	}
	assert_int_equal(f->nedges, 2);
	assert_int_equal(f->noutside, 1);
	int found_outside = 0;
	for (int e = 0; e < f->nedges; e++) {
		assert_int_equal(f->edge_buyer[e], ia);
		if (f->edge_supplier[e] < 0) {
			found_outside = 1;
			assert_int_equal(f->outside_region[-f->edge_supplier[e] - 1], 320506);
			near(cc_frame_edge_share(f, e), 0.4, 1e-12);
		} else {
			assert_int_equal(f->edge_supplier[e], ib);
		}
	}
	assert_true(found_outside);

	/* The cache hands out the same frame until the data change (the change log moves; a
	 * generation bump alone, as writes of tables the frame does not read make, is none). */
	struct cc_frame_cache *cache = NULL;
	struct cc_frame *f1 = NULL, *f2 = NULL, *f3 = NULL;
	assert_int_equal(cc_frame_cache_new(&cache, "", 0, &err), 0);
	assert_int_equal(cc_frame_cache_get(cache, st, &f1, &err), 0);
	assert_int_equal(cc_frame_cache_get(cache, st, &f2, &err), 0);
	assert_ptr_equal(f1, f2);
	cc_store_begin(st, &err);
	cc_store_bump_generation(st, &err);
	cc_store_commit(st, &err);
	assert_int_equal(cc_frame_cache_get(cache, st, &f3, &err), 0);
	assert_ptr_equal(f1, f3);
	cc_frame_release(f3);
	assert_int_equal(cc_store_exec(st, "UPDATE enterprises SET name = name || '!'", &err), 0);
	assert_int_equal(cc_frame_cache_get(cache, st, &f3, &err), 0);
	assert_ptr_not_equal(f1, f3);
	assert_string_not_equal(f1->name[0], f3->name[0]);
	assert_int_equal(f3->n, 3);
	cc_frame_release(f1);
	cc_frame_release(f2);
	cc_frame_release(f3);
	cc_frame_cache_free(cache);
	cc_frame_release(f);
	cc_store_close(st);
}

/* The rules of one indicator row (store/check.h), which `check` and writes share. */
static void test_indicator_rules(void **state)
{
	(void)state;
	double v[CC_M_BASE_COUNT];
	struct cc_indicator_problem p;
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		v[m] = NAN;
	assert_int_equal(cc_indicator_check(v, &p), 0); /* nothing known breaks nothing */
	assert_int_equal(p.metric, -1);
	v[CC_M_EMPLOYEES] = 10;
	v[CC_M_RD_STAFF] = 10;
	v[CC_M_NET_PROFIT] = -5e6; /* a loss */
	v[CC_M_OP_CASH_FLOW] = -1;
	assert_int_equal(cc_indicator_check(v, NULL), 0);
	v[CC_M_RD_STAFF] = 11;
	assert_int_equal(cc_indicator_check(v, &p), 1);
	assert_int_equal(p.metric, CC_M_RD_STAFF);
	assert_int_equal(p.other, CC_M_EMPLOYEES);
	assert_string_equal(p.en, "R&D staff exceed employees");
	v[CC_M_EMPLOYEES] = NAN; /* unknown employees: nothing to compare with */
	assert_int_equal(cc_indicator_check(v, NULL), 0);
	static const int counts[] = {
		CC_M_EMPLOYEES,	   CC_M_RD_STAFF, CC_M_INVENTION_PATENTS, CC_M_ENERGY_TCE,
		CC_M_TOTAL_ASSETS, CC_M_REVENUE,  CC_M_LOCAL_PURCHASE,	  CC_M_HIGHTECH_REVENUE};
	for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
		double keep = v[counts[k]];
		v[counts[k]] = -1;
		assert_int_equal(cc_indicator_check(v, &p), 1);
		assert_int_equal(p.metric, counts[k]);
		assert_int_equal(p.other, -1);
		v[counts[k]] = keep;
	}
	v[CC_M_NET_PROFIT] = -2 * CC_INDICATOR_MAX; /* a loss, but not of that size */
	assert_int_equal(cc_indicator_check(v, &p), 1);
	assert_int_equal(p.metric, CC_M_NET_PROFIT);
	v[CC_M_NET_PROFIT] = INFINITY;
	assert_int_equal(cc_indicator_check(v, &p), 1);
	v[CC_M_NET_PROFIT] = CC_INDICATOR_MAX;
	assert_int_equal(cc_indicator_check(v, NULL), 0);
}

/* `check` reports an indicator row that breaks the rules, with the rule. */
static void report_count(void *ctx, const char *problem)
{
	if (strstr(problem, "R&D staff exceed employees"))
		(*(int *)ctx)++;
}

static void test_check_indicators(void **state)
{
	(void)state;
	struct cc_store *st = open_db("chk.db");
	struct cc_error err = {0};
	assert_int_equal(cc_store_exec(st,
				       "INSERT INTO enterprises(id, uscc, name, region) VALUES(1, "
				       "'91500000MA00000001', 'x', 500000);"
				       "INSERT INTO indicators(enterprise_id, period, employees, "
				       "rd_staff) VALUES(1, 202400, 5, 6), (1, 202300, 6, 5)",
				       &err),
			 0);
	int n = 0;
	assert_int_equal(cc_store_check(st, report_count, &n, &err) >= 1, 1);
	assert_int_equal(n, 1);
	cc_store_close(st);
}

/* Migration 13 rebuilds deals: events kept, earlier agreed deals confirmed by both sides,
 * except one above the value cap, which becomes a proposal. */
static void test_deal_migration(void **state)
{
	(void)state;
	char p[256];
	path_of(p, sizeof p, "deals12.db");
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	for (int v = 1; v <= 12; v++)
		assert_int_equal(sqlite3_exec(db, cc_schema_migration(v), NULL, NULL, NULL),
				 SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(
			db,
			"PRAGMA user_version=12;"
			"INSERT INTO enterprises(id, uscc, name, region) VALUES"
			" (1, '91500000MA00000001', 'a', 500000),"
			" (2, '91500000MA00000002', 'b', 510000);"
			"INSERT INTO postings(id, enterprise_id, kind, title, status) VALUES"
			" (1, 1, 'supply', 's', 'open'), (2, 2, 'demand', 'd', 'open');"
			"INSERT INTO deals(id, posting_id, cp_posting_id, cp_enterprise_id,"
			" supplier_id, buyer_id, status, value) VALUES"
			" (1, 1, 2, 2, 1, 2, 'agreed', 350), (2, 2, NULL, 1, 1, 2, 'agreed', 1e12),"
			" (3, 1, NULL, 2, 1, 2, 'contacted', NULL);"
			"INSERT INTO deal_events(deal_id, actor, status, value) VALUES"
			" (1, 'a', 'agreed', 350), (2, 'b', 'agreed', 1e12), (3, 'a', 'contacted',"
			" NULL);",
			NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	assert_int_equal(cc_store_open(&st, p, 0, &err), 0);
	assert_true(cc_store_schema_version(st) >= 13);
	assert_int_equal(cc_store_int(st, "SELECT count(*) FROM deal_events", 0), 3);
	assert_int_equal(
		cc_store_int(st,
			     "SELECT count(*) FROM deals WHERE id = 1 AND status = 'agreed' "
			     "AND supplier_confirmed = 1 AND buyer_confirmed = 1",
			     0),
		1);
	assert_int_equal(
		cc_store_int(st,
			     "SELECT count(*) FROM deals WHERE id = 2 AND status = "
			     "'proposed' AND supplier_confirmed = 0 AND buyer_confirmed = 0",
			     0),
		1);
	assert_int_equal(cc_store_int(st,
				      "SELECT count(*) FROM deals WHERE id = 3 AND status = "
				      "'contacted' AND supplier_confirmed = 0",
				      0),
			 1);
	/* The events still belong to their deals. */
	assert_int_equal(cc_store_exec(st, "DELETE FROM deals WHERE id = 2", &err), 0);
	assert_int_equal(cc_store_int(st, "SELECT count(*) FROM deal_events", 0), 2);
	assert_int_equal(cc_store_int(st, "SELECT count(*) FROM pragma_foreign_key_check", 0), 0);
	cc_store_close(st);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Migration 27 keys patents by the number's digits: stored rows move over, and the view's
 * number (check character computed in SQL) is the canonical text of domain/patent.c for the
 * 12-digit form, the 8-digit one (a leading zero too) and a thousand generated numbers. */
#define PATENT_KEY_MIGRATION 27
static void test_patent_key_migration(void **state)
{
	(void)state;
	char p[256], sql[256];
	path_of(p, sizeof p, "patents25.db");
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	for (int v = 1; v < PATENT_KEY_MIGRATION; v++)
		assert_int_equal(sqlite3_exec(db, cc_schema_migration(v), NULL, NULL, NULL),
				 SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version=%d;", PATENT_KEY_MIGRATION - 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(
			db,
			"INSERT INTO enterprises(id, uscc, name, region) VALUES"
			" (1, '91500000MA00000001', 'a', 500000);"
			"INSERT INTO patents(number, kind, title, granted, status, holder_id)"
			" VALUES ('201710601862.3', 'invention', 't1', '2019-05-01', 'valid', 1),"
			" ('95115608.X', 'invention', 't2', '1997-01-01', 'invalid', 1),"
			" ('01100001.5', 'utility_model', 't3', NULL, 'pending', 1);",
			NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	assert_int_equal(cc_store_open(&st, p, 0, &err), 0);
	assert_true(cc_store_schema_version(st) >= PATENT_KEY_MIGRATION);
	assert_int_equal(
		cc_store_int(st,
			     "SELECT count(*) FROM patent_numbers WHERE (id, number, title) IN"
			     " (VALUES (201710601862, '201710601862.3', 't1'),"
			     " (95115608, '95115608.X', 't2'), (1100001, '01100001.5', 't3'))",
			     0),
		3);
	/* The CHECKs still hold without their IN lists. */
	assert_int_not_equal(cc_store_exec(st,
					   "INSERT INTO patents(id, kind, status, holder_id) "
					   "VALUES (201810000001, 'utility', 'valid', 1)",
					   NULL),
			     0);
	assert_int_not_equal(cc_store_exec(st,
					   "INSERT INTO patents(id, kind, status, holder_id) "
					   "VALUES (201810000001, 'design', 'lapsed', 1)",
					   NULL),
			     0);
	/* The view against the C check character. */
	struct cc_stmt *ins = NULL, *get = NULL;
	assert_int_equal(cc_stmt_prepare(st, &ins,
					 "INSERT INTO patents(id, kind, holder_id) "
					 "VALUES (?1, 'design', 1)",
					 &err),
			 0);
	assert_int_equal(
		cc_stmt_prepare(st, &get, "SELECT number FROM patent_numbers WHERE id = ?1", &err),
		0);
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < 1000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int old = i % 4 == 0;
		char d[13], want[16];
		long long key;
		if (old) {
			key = (long long)(x % 100000000ull);
			snprintf(d, sizeof d, "%08lld", key);
		} else {
			key = 200300000000ll + (long long)(x % 79700000000ull);
			snprintf(d, sizeof d, "%012lld", key);
		}
		snprintf(want, sizeof want, "%s.%c", d, cc_patent_check_char(d, strlen(d)));
		cc_stmt_reset(ins);
		cc_stmt_bind_int64(ins, 1, key);
		if (cc_stmt_step(ins, &err) < 0)
			continue; /* the same key drawn twice */
		cc_stmt_reset(get);
		cc_stmt_bind_int64(get, 1, key);
		assert_int_equal(cc_stmt_step(get, &err), 1);
		assert_string_equal(cc_stmt_text(get, 0), want);
	}
	cc_stmt_free(ins);
	cc_stmt_free(get);
	cc_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrations),	cmocka_unit_test(test_import_and_frame),
		cmocka_unit_test(test_indicator_rules), cmocka_unit_test(test_check_indicators),
		cmocka_unit_test(test_deal_migration),	cmocka_unit_test(test_patent_key_migration),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
