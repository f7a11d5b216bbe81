/*
 * Unit tests of the live frame (frame/frame.c, frame/col.c): the change log written by
 * triggers, columns shared block by block between versions, and the differential test — a
 * demo database takes thousands of random writes of every kind, the frame follows each batch
 * through the change log, and the followed frame must equal a frame built from scratch at the
 * same position, column for column, with the followed sorted orders equal to fresh sorts.
 * A second test runs the background follower with a writer and readers on their own threads.
 */
#include <math.h>
#include <pthread.h>
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
#include "base/hash.h"
#include "chain/chain.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/derive.h"
#include "frame/col.h"
#include "frame/frame.h"
#include "frame/search.h"
#include "http/handlers.h"
#include "report/report.h"
#include "io/demo.h"
#include "io/import.h"
#include "store/store.h"

static char dir[] = "/tmp/cc-frame-XXXXXX";
static char db_path[300];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}
static int rnd_below(int n)
{
	return (int)(rnd() % (uint64_t)n);
}

/* A demo database of N enterprises at DIR/NAME (loaded through the importer). */
static void make_demo(const char *name, int n)
{
	struct cc_demo_opts o;
	struct cc_demo_counts counts;
	struct cc_error err = {0};
	cc_demo_defaults(&o);
	o.enterprises = n;
	o.seed = 7;
	o.this_year = 2026;
	o.this_month = 6;
	assert_int_equal(cc_demo_write(dir, &o, &counts, &err), 0);
	snprintf(db_path, sizeof db_path, "%s/%s", dir, name);
	struct cc_store *st = NULL;
	assert_int_equal(cc_store_open(&st, db_path, CC_STORE_CREATE, &err), 0);
	static const char *const files[] = {"enterprises.csv", "indicators.csv",
					    "chain_members.csv", "supply.csv", "postings.csv"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char p[400];
		struct cc_import_opts io = {0};
		struct cc_import_result res;
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		io.kind = CC_KIND_AUTO;
		int rc = cc_import_file(st, p, &io, &res, &err);
		if (rc)
			print_error("%s: %s\n", files[i], err.msg);
		assert_int_equal(rc, 0);
		cc_import_result_release(&res);
	}
	cc_store_close(st);
}

static void exec(struct cc_store *st, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	struct cc_error err = {0};
	/* Some random writes are refused by a constraint (a duplicate, a foreign key): fine,
	 * the log must then hold nothing of them either. */
	cc_store_exec(st, sql, &err);
}

static int64_t random_id(struct cc_store *st)
{
	int64_t max = cc_store_int(st, "SELECT max(id) FROM enterprises", 1);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT id FROM enterprises WHERE id >= %lld ORDER BY id LIMIT 1",
		 (long long)(1 + rnd() % (uint64_t)max));
	return cc_store_int(st, sql, 1);
}

/* One random write of any kind the frame reads (or does not: postings). */
static void random_write(struct cc_store *st, int step, int year0, int nyears)
{
	static const char *const metrics[] = {"revenue",    "output_value", "employees",
					      "rd_expense", "net_profit",   "tax",
					      "rd_staff",   "total_assets", "energy_tce"};
	int64_t id = random_id(st), other = random_id(st);
	int year = year0 + 1 + rnd_below(nyears > 2 ? nyears - 2 : 1);
	const char *m = metrics[rnd_below((int)(sizeof metrics / sizeof metrics[0]))];
	int r = rnd_below(100);
	if (r < 30) {
		exec(st,
		     "UPDATE indicators SET %s = %d.25 WHERE enterprise_id = %lld AND period = %d",
		     m, rnd_below(100000), (long long)id, year * 100);
	} else if (r < 38) {
		exec(st,
		     "INSERT INTO indicators(enterprise_id, period, %s) VALUES(%lld, %d, %d) "
		     "ON CONFLICT DO UPDATE SET %s = excluded.%s",
		     m, (long long)id, year * 100, rnd_below(5000), m, m);
	} else if (r < 42) {
		exec(st,
		     "UPDATE indicators SET %s = NULL WHERE enterprise_id = %lld AND period = %d",
		     m, (long long)id, year * 100);
	} else if (r < 44) {
		exec(st, "DELETE FROM indicators WHERE enterprise_id = %lld AND period = %d",
		     (long long)id, year * 100);
	} else if (r < 46) {
		/* A boundary year: the frame may have to rebuild. */
		exec(st, "DELETE FROM indicators WHERE enterprise_id = %lld AND period = %d",
		     (long long)id, (year0 + nyears - 1) * 100);
	} else if (r < 52) {
		exec(st,
		     "UPDATE indicators SET revenue = coalesce(revenue, 1) * 1.5 WHERE "
		     "enterprise_id = %lld AND period = (SELECT max(period) FROM indicators WHERE "
		     "enterprise_id = %lld AND period %% 100 <> 0)",
		     (long long)id, (long long)id);
	} else if (r < 55) {
		exec(st, "UPDATE enterprises SET name = name || '%d' WHERE id = %lld", step,
		     (long long)id);
	} else if (r < 58) {
		exec(st,
		     "UPDATE enterprises SET region = (SELECT region FROM enterprises WHERE id = "
		     "%lld), industry = (SELECT industry FROM enterprises WHERE id = %lld) WHERE "
		     "id = %lld",
		     (long long)other, (long long)other, (long long)id);
	} else if (r < 61) {
		static const char *const scales[] = {"large", "medium", "small", "micro"};
		static const char *const certs[] = {"hightech", "hightech;srdi", "tech_sme", ""};
		exec(st,
		     "UPDATE enterprises SET scale = '%s', certs = '%s', listed = 'star', "
		     "founded = '2001-0%d-11' WHERE id = %lld",
		     scales[rnd_below(4)], certs[rnd_below(4)], 1 + rnd_below(9), (long long)id);
	} else if (r < 65) {
		exec(st,
		     "INSERT OR IGNORE INTO chain_members(enterprise_id, chain, node, role) SELECT "
		     "%lld, chain, node, 'member' FROM chain_members WHERE enterprise_id = %lld",
		     (long long)id, (long long)other);
	} else if (r < 67) {
		exec(st, "DELETE FROM chain_members WHERE enterprise_id = %lld", (long long)id);
	} else if (r < 69) {
		exec(st, "UPDATE chain_members SET role = 'core' WHERE enterprise_id = %lld",
		     (long long)id);
	} else if (r < 73) {
		exec(st,
		     "INSERT OR IGNORE INTO supply_edges(supplier, buyer_id, product, chain, node, "
		     "annual_value, share) SELECT uscc, %lld, 'p%d', NULL, NULL, 12.5, 0.1 FROM "
		     "enterprises WHERE id = %lld",
		     (long long)id, step, (long long)other);
	} else if (r < 76) {
		exec(st,
		     "UPDATE supply_edges SET annual_value = annual_value * 2 WHERE buyer_id = %lld",
		     (long long)id);
	} else if (r < 78) {
		exec(st, "DELETE FROM supply_edges WHERE buyer_id = %lld", (long long)id);
	} else if (r < 84) {
		exec(st,
		     "UPDATE postings SET status = CASE status WHEN 'open' THEN 'withdrawn' ELSE "
		     "'open' END WHERE id = (SELECT min(id) FROM postings WHERE enterprise_id = "
		     "%lld)",
		     (long long)id);
	} else if (r < 86) {
		char code[19];
		tu_uscc(code, 500103, 900000 + step % 90000);
		exec(st,
		     "INSERT INTO enterprises(uscc, name, region) VALUES('%s', '新企业%d', 500103)",
		     code, step);
	} else if (r < 87) {
		exec(st, "DELETE FROM enterprises WHERE id = %lld", (long long)id);
	} else if (r >= 98) {
		/* A third of the firms at once: the sorted orders are merged, not patched. */
		exec(st,
		     "UPDATE indicators SET employees = coalesce(employees, 0) + %d, revenue = "
		     "coalesce(revenue, 0) * 1.01 WHERE period = %d AND enterprise_id %% 3 = %d",
		     1 + rnd_below(50), year * 100, rnd_below(3));
	} else {
		/* Writes several rows in one transaction. */
		exec(st, "BEGIN");
		for (int k = 0; k < 5; k++)
			exec(st,
			     "UPDATE indicators SET employees = %d WHERE enterprise_id = %lld AND "
			     "period = %d",
			     rnd_below(900), (long long)random_id(st), year * 100);
		exec(st, "COMMIT");
	}
}

static void assert_same(struct cc_store *st, struct cc_frame *f)
{
	struct cc_frame *fresh = NULL;
	struct cc_error err = {0};
	char msg[512];
	assert_int_equal(cc_frame_build(st, f->flags, &fresh, &err), 0);
	assert_int_equal(fresh->seq, f->seq);
	if (cc_frame_diff(f, fresh, msg, sizeof msg)) {
		print_error("followed frame differs from a build at seq %lld: %s\n",
			    (long long)f->seq, msg);
		fail();
	}
	cc_frame_release(fresh);
	int year = cc_frame_latest_year(f);
	assert_int_equal(cc_enterprise_order_check(f, CC_M_REVENUE, year, 1), 0);
	assert_int_equal(cc_enterprise_order_check(f, CC_M_EMPLOYEES, year, 0), 0);
	assert_int_equal(cc_enterprise_order_check(f, CC_M_REVENUE_YOY, year, 1), 0);
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	for (int c = 0; c < cat->nchains; c++) {
		int rc = h_chain_memo_check(f, c, NULL);
		if (rc)
			print_error("chain %s: memoised analysis differs at seq %lld\n",
				    cat->chains[c].id, (long long)f->seq);
		assert_int_equal(rc, 0);
	}
	assert_int_equal(h_chain_memo_check(f, 0, "both"), 0);
	/* 数据截至 as remembered on this version (asked twice: the second from the memo) and
	 * as computed afresh, for a chain in the default scope and for the whole region. */
	struct chain_scope scope;
	assert_int_equal(chain_scope_parse(NULL, &scope, NULL), 0);
	for (int c = -1; c < 1; c++) {
		json_t *got = NULL;
		for (int k = 0; k < 2; k++) {
			json_decref(got);
			got = h_as_of(f, c < 0 ? NULL : &scope, c, NULL, h_as_of_output, 2, 0,
				      year);
		}
		uint8_t chains[64] = {0};
		if (c >= 0)
			chains[c] = 1;
		uint8_t *mask = report_scope_mask(f, c < 0 ? NULL : &scope, c < 0 ? NULL : chains);
		struct report_as_of a;
		assert_int_equal(report_as_of(f, mask, h_as_of_output, 2, 0, year * 100,
					      report_rules_get(NULL)->as_of_share, &a),
				 0);
		json_t *want = report_as_of_json(&a, report_rules_get(NULL)->as_of_share,
						 h_as_of_output, 2);
		assert_true(json_equal(got, want));
		json_decref(got);
		json_decref(want);
		free(mask);
	}
}

static void test_change_log(void **state)
{
	(void)state;
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	char p[300], code[19];
	snprintf(p, sizeof p, "%s/log.db", dir);
	assert_int_equal(cc_store_open(&st, p, CC_STORE_CREATE, &err), 0);
	int64_t s0 = cc_store_log_seq(st);
	assert_true(s0 >= 1); /* the migration's "everything" row */
	tu_uscc(code, 500103, 1);
	exec(st, "INSERT INTO enterprises(uscc, name, region) VALUES('%s', 'A', 500103)", code);
	exec(st, "INSERT INTO indicators(enterprise_id, period, revenue) VALUES(1, 202400, 5)");
	exec(st, "UPDATE indicators SET revenue = 6 WHERE enterprise_id = 1");
	exec(st, "UPDATE enterprises SET name = 'B' WHERE id = 1");
	exec(st, "INSERT INTO chain_members(enterprise_id, chain, node) VALUES(1, 'nev', 'x')");
	exec(st, "INSERT INTO supply_edges(supplier, buyer_id, product) VALUES('%s', 1, 'a')",
	     code);
	exec(st, "DELETE FROM enterprises WHERE id = 1");
	struct cc_change *ch = NULL;
	int n = 0;
	assert_int_equal(cc_store_changes_since(st, s0, 1000, &ch, &n, &err), 0);
	/* Insert, indicator twice, edit, member, edge, then the delete cascading to the
	 * indicator, member and edge rows (foreign keys are on). */
	static const int want[] = {CC_CH_ENT_ADD,  CC_CH_IND,	 CC_CH_IND,
				   CC_CH_ENT_EDIT, CC_CH_MEMBER, CC_CH_EDGE};
	assert_true(n >= 7);
	for (int k = 0; k < 6; k++)
		assert_int_equal(ch[k].kind, want[k]);
	assert_int_equal(ch[1].period, 202400);
	assert_int_equal(ch[1].entity, 1);
	int dels = 0;
	for (int k = 6; k < n; k++)
		dels += ch[k].kind == CC_CH_ENT_DEL;
	assert_int_equal(dels, 1);
	free(ch);
	/* Too many: the reader must rebuild. */
	assert_int_equal(cc_store_changes_since(st, s0, 3, &ch, &n, &err), 1);
	assert_null(ch);
	/* A bulk transaction logs one row, and its switch never outlives it. */
	int64_t s1 = cc_store_log_seq(st);
	assert_int_equal(cc_store_begin(st, &err), 0);
	assert_int_equal(cc_store_log_bulk(st, 1, &err), 0);
	exec(st, "INSERT INTO enterprises(uscc, name, region) VALUES('%s', 'C', 500103)", code);
	exec(st, "UPDATE enterprises SET name = 'D'");
	assert_int_equal(cc_store_log_bulk(st, 0, &err), 0);
	assert_int_equal(cc_store_commit(st, &err), 0);
	assert_int_equal(cc_store_log_seq(st), s1 + 1);
	assert_int_equal(cc_store_changes_since(st, s1, 10, &ch, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].kind, CC_CH_ALL);
	free(ch);
	assert_int_equal(cc_store_int(st, "SELECT count(*) FROM meta WHERE key = 'log_bulk'", 9),
			 0);
	/* Pruning keeps what a registered reader has not applied, and a reader pruned past must
	 * rebuild. */
	assert_int_equal(cc_store_log_prune(st, "r1", s1, &err), 0);
	assert_int_equal(cc_store_int(st, "SELECT min(seq) FROM changes", 0), s1 + 1);
	assert_int_equal(cc_store_changes_since(st, s0, 1000, &ch, &n, &err), 1);
	assert_int_equal(cc_store_changes_since(st, s1, 1000, &ch, &n, &err), 0);
	free(ch);
	/* The bulk transaction drops the change-log triggers (their per-row WHEN was the cost)
	 * and puts them back: after log_bulk(0), after a commit that forgot it, after a
	 * rollback; and the next single write is logged again. */
	static const char ntrig[] = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
				    "AND name LIKE 'changes\\_%' ESCAPE '\\'";
	int64_t triggers = cc_store_int(st, ntrig, -1);
	assert_true(triggers >= 12);
	for (int way = 0; way < 2; way++) {
		assert_int_equal(cc_store_begin(st, &err), 0);
		assert_int_equal(cc_store_log_bulk(st, 1, &err), 0);
		assert_int_equal(cc_store_int(st, ntrig, -1), 0);
		exec(st, "UPDATE enterprises SET name = 'E'");
		if (way == 0)
			assert_int_equal(cc_store_commit(st, &err), 0); /* no log_bulk(0) */
		else
			cc_store_rollback(st);
		assert_int_equal(cc_store_int(st, ntrig, -1), triggers);
	}
	int64_t s2 = cc_store_log_seq(st);
	exec(st, "UPDATE enterprises SET name = 'F'");
	assert_true(cc_store_log_seq(st) > s2);
	/* The carriers-win rule (energy_wins_…) is dropped with them only while there are no
	 * energy accounts; with one, a bulk write of energy_tce still gives way to the carriers. */
	static const char nwins[] = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
				    "AND name LIKE 'energy\\_wins\\_%' ESCAPE '\\'";
	int64_t wins = cc_store_int(st, nwins, -1), eid = cc_store_int(st,
								       "SELECT min(id) FROM "
								       "enterprises",
								       0);
	assert_true(wins >= 2 && eid > 0);
	assert_int_equal(cc_store_begin(st, &err), 0);
	assert_int_equal(cc_store_log_bulk(st, 1, &err), 0);
	assert_int_equal(cc_store_int(st, nwins, -1), 0);
	assert_int_equal(cc_store_log_bulk(st, 0, &err), 0);
	assert_int_equal(cc_store_commit(st, &err), 0);
	assert_int_equal(cc_store_int(st, nwins, -1), wins);
	exec(st,
	     "INSERT INTO energy_accounts(enterprise_id, period, carrier, quantity, tce) "
	     "VALUES(%lld, 202300, 'electricity', 1000, 0.1229)",
	     (long long)eid);
	assert_int_equal(cc_store_begin(st, &err), 0);
	assert_int_equal(cc_store_log_bulk(st, 1, &err), 0);
	assert_int_equal(cc_store_int(st, nwins, -1), wins);
	exec(st,
	     "UPDATE indicators SET energy_tce = 99 WHERE enterprise_id = %lld AND period = "
	     "202300",
	     (long long)eid);
	assert_int_equal(cc_store_log_bulk(st, 0, &err), 0);
	assert_int_equal(cc_store_commit(st, &err), 0);
	assert_int_equal(cc_store_int(st,
				      "SELECT count(*) FROM indicators WHERE energy_tce = 0.1229 "
				      "AND period = 202300",
				      -1),
			 1);
	assert_int_equal(cc_store_int(st, "SELECT count(*) FROM meta WHERE key = 'log_bulk'", 9),
			 0);
	cc_store_close(st);
}

static void test_col_sharing(void **state)
{
	(void)state;
	size_t n = 300000; /* 2.3 MB of doubles */
	size_t nblk = (n * sizeof(double) + cc_col_block() - 1) / cc_col_block();
	struct cc_col *a = cc_col_new(n * sizeof(double));
	assert_non_null(a);
	double *d = a->data;
	for (size_t i = 0; i < n; i++)
		assert_true(d[i] == 0.0);
	for (size_t i = 0; i < n; i++)
		d[i] = (double)i;
	cc_col_seal(a);
	size_t before = cc_col_pool_blocks();
	struct cc_col_patch *p = cc_col_patch_begin(a);
	*(double *)cc_col_patch_at(p, 5 * sizeof(double)) = -5;
	*(double *)cc_col_patch_at(p, (n - 1) * sizeof(double)) = -1;
	struct cc_col *b = cc_col_patch_end(p);
	assert_non_null(b);
	const double *x = a->data, *y = b->data;
	assert_true(x[5] == 5 && y[5] == -5);
	assert_true(x[n - 1] == (double)(n - 1) && y[n - 1] == -1);
	for (size_t i = 6; i < n - 1; i += 997)
		assert_true(y[i] == (double)i);
	if (cc_col_pooled())
		assert_int_equal(cc_col_pool_blocks(), before + 2); /* two blocks, not all */
	/* Many patches of the same column stay correct past the mapping limit. */
	struct cc_col *cur = cc_col_retain(b);
	for (int round = 0; round < 40; round++) {
		p = cc_col_patch_begin(cur);
		size_t at = (size_t)round * 7919 % n;
		*(double *)cc_col_patch_at(p, at * sizeof(double)) = 1e6 + round;
		struct cc_col *next = cc_col_patch_end(p);
		assert_non_null(next);
		assert_true(((const double *)next->data)[at] == 1e6 + round);
		cc_col_release(cur);
		cur = next;
	}
	y = cur->data;
	assert_true(y[5] == -5 && y[n - 1] == -1);
	assert_true(y[7919] == 1e6 + 1);
	/* Forty patches in forty places: many mappings, then one after compaction. */
	if (cc_col_pooled()) {
		assert_true(cc_col_runs(cur) > CC_COL_SOFT_RUNS);
		struct cc_col *one = cc_col_compact(cur);
		assert_non_null(one);
		assert_int_equal(cc_col_runs(one), 1);
		assert_memory_equal(one->data, cur->data, n * sizeof(double));
		cc_col_release(cur);
		cur = one;
	}
	/* Nothing touched: the same column. */
	p = cc_col_patch_begin(cur);
	struct cc_col *same = cc_col_patch_end(p);
	assert_ptr_equal(same, cur);
	cc_col_release(same);
	cc_col_release(cur);
	cc_col_release(b);
	cc_col_release(a);
	if (cc_col_pooled())
		assert_int_equal(cc_col_pool_blocks(), before - nblk);
}

/*
 * The one-connection build (when no second connection on the same snapshot can be had, or
 * CC_FRAME_SERIAL) gives the same frame as the two-connection build.
 */
static void test_serial_build(void **state)
{
	(void)state;
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	struct cc_frame *two = NULL, *one = NULL;
	char msg[512];
	make_demo("serial.db", 800);
	assert_int_equal(cc_store_open(&st, db_path, 0, &err), 0);
	assert_int_equal(cc_frame_build(st, CC_FRAME_MONTHLY, &two, &err), 0);
	setenv("CC_FRAME_SERIAL", "1", 1);
	int rc = cc_frame_build(st, CC_FRAME_MONTHLY, &one, &err);
	unsetenv("CC_FRAME_SERIAL");
	assert_int_equal(rc, 0);
	assert_true(one->n > 0 && one->nedges > 0);
	if (cc_frame_diff(two, one, msg, sizeof msg)) {
		print_error("one-connection build differs: %s\n", msg);
		fail();
	}
	cc_frame_release(one);
	cc_frame_release(two);
	cc_store_close(st);
}

/* Whether X (a frame value) is the SQL value in column COL of S (NaN for NULL). */
static int same_sql(double x, struct cc_stmt *s, int col)
{
	if (cc_stmt_is_null(s, col))
		return isnan(x);
	return x == cc_stmt_double(s, col);
}

/*
 * The built frame against SQL, cell by cell: every annual and monthly value of every
 * enterprise at its credit-code position (the build reads the indicators in key order, which
 * is not the code order, and puts the columns in order afterwards), every supply edge (as a
 * multiset per node), and the outside suppliers in order of first appearance. With two
 * connections and with one.
 */
static void check_against_sql(struct cc_store *st, const struct cc_frame *f)
{
	struct cc_error err = {0};
	struct cc_stmt *s = NULL;
	/* Credit-code order. */
	for (int i = 1; i < f->n; i++)
		assert_true(memcmp(f->uscc[i - 1], f->uscc[i], 18) < 0);
	/* Indicators: every row of the store is in the frame, and nothing else. */
	char sql[1200];
	size_t used = (size_t)snprintf(sql, sizeof sql, "SELECT enterprise_id, period");
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		used += (size_t)snprintf(sql + used, sizeof sql - used, ", %s",
					 cc_metric_get(m)->key);
	snprintf(sql + used, sizeof sql - used, " FROM indicators");
	assert_int_equal(cc_stmt_prepare(st, &s, sql, &err), 0);
	size_t N = (size_t)f->n, known = 0, rows = 0, months = 0;
	while (cc_stmt_step(s, &err) == 1) {
		int i = cc_frame_of_id(f, cc_stmt_int64(s, 0));
		assert_true(i >= 0);
		int period = (int)cc_stmt_int64(s, 1);
		rows++;
		if (period % 100 == 0)
			assert_true(period / 100 >= f->year0 &&
				    period / 100 < f->year0 + f->nyears);
		else
			assert_true(period / 100 * 12 + period % 100 - 1 >= f->month0 &&
				    period / 100 * 12 + period % 100 - 1 < f->month0 + f->nmonths);
		for (int m = 0; m < CC_M_BASE_COUNT; m++) {
			double x;
			if (period % 100 == 0) {
				x = f->annual[m][(size_t)(period / 100 - f->year0) * N + (size_t)i];
			} else {
				size_t k =
					(size_t)(period / 100 * 12 + period % 100 - 1 - f->month0);
				months++;
				x = f->monthly[m] ? f->monthly[m][k * N + (size_t)i] : NAN;
			}
			if (!same_sql(x, s, m + 2)) {
				print_error("enterprise %s period %d metric %s: frame %g\n",
					    f->uscc[i], period, cc_metric_get(m)->key, x);
				fail();
			}
			known += !isnan(x);
		}
	}
	cc_stmt_free(s);
	assert_true(rows > N && months > 0);
	/* No value the store does not hold. */
	size_t held = 0;
	for (int m = 0; m < CC_M_BASE_COUNT; m++) {
		for (size_t j = 0; j < N * (size_t)f->nyears; j++)
			held += !isnan(f->annual[m][j]);
		for (size_t j = 0; f->monthly[m] && j < N * (size_t)f->nmonths; j++)
			held += !isnan(f->monthly[m][j]);
	}
	assert_int_equal(held, known);
	/* Edges: the store's, one for one (buyer, supplier, node, value, share), as sums of a
	 * fingerprint, and the outside suppliers in order of first appearance. */
	assert_int_equal(f->nedges, cc_store_int(st, "SELECT count(*) FROM supply_edges", -1));
	uint64_t want = 0, got = 0;
	assert_int_equal(cc_stmt_prepare(st, &s,
					 "SELECT e.supplier, b.uscc, coalesce(e.chain || '/' || "
					 "e.node, ''), e.annual_value, e.share FROM supply_edges e "
					 "JOIN enterprises b ON b.id = e.buyer_id ORDER BY e.rowid",
					 &err),
			 0);
	int nout = 0;
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	while (cc_stmt_step(s, &err) == 1) {
		char line[200];
		double v = cc_stmt_is_null(s, 3) ? -1 : cc_stmt_double(s, 3);
		double sh = cc_stmt_is_null(s, 4) ? -1 : cc_stmt_double(s, 4);
		snprintf(line, sizeof line, "%s %s %s %.17g %.17g", cc_stmt_text(s, 0),
			 cc_stmt_text(s, 1), cc_stmt_text(s, 2), v, sh);
		want += cc_hash(line, strlen(line)) * 0x9e3779b97f4a7c15ull;
		if (cc_frame_find(f, cc_stmt_text(s, 0)) < 0) {
			int seen = 0;
			for (int j = 0; j < nout && !seen; j++)
				seen = strcmp(f->outside_uscc[j], cc_stmt_text(s, 0)) == 0;
			if (!seen) {
				assert_true(nout < f->noutside);
				assert_string_equal(f->outside_uscc[nout], cc_stmt_text(s, 0));
				nout++;
			}
		}
	}
	cc_stmt_free(s);
	assert_int_equal(nout, f->noutside);
	assert_true(nout > 0);
	for (int e = 0; e < f->nedges; e++) {
		char line[200], node[128] = "";
		int sup = f->edge_supplier[e];
		const char *su = sup >= 0 ? f->uscc[sup] : f->outside_uscc[-sup - 1];
		int en = cc_frame_edge_node(f, e);
		if (en >= 0) {
			const struct cc_node *nd = &cat->nodes[en];
			snprintf(node, sizeof node, "%s/%s", cat->chains[nd->chain].id, nd->id);
		}
		double v = cc_frame_edge_value(f, e), sh = cc_frame_edge_share(f, e);
		v = isnan(v) ? -1 : v;
		sh = isnan(sh) ? -1 : sh;
		snprintf(line, sizeof line, "%s %s %s %.17g %.17g", su, f->uscc[f->edge_buyer[e]],
			 node, v, sh);
		got += cc_hash(line, strlen(line)) * 0x9e3779b97f4a7c15ull;
		if (e > 0) /* sorted by node, the edges without one last */
			assert_true((unsigned)cc_frame_edge_node(f, e - 1) <=
				    (unsigned)cc_frame_edge_node(f, e));
	}
	assert_true(want == got);
}

/* Builds a monthly frame of ST on two connections and on one (CC_FRAME_SERIAL), checks each
 * against SQL cell by cell, and calls EXTRA (may be NULL) on it. */
static void build_both_ways(struct cc_store *st,
			    void (*extra)(struct cc_store *st, const struct cc_frame *f))
{
	struct cc_error err = {0};
	for (int serial = 0; serial < 2; serial++) {
		struct cc_frame *f = NULL;
		if (serial)
			setenv("CC_FRAME_SERIAL", "1", 1);
		int rc = cc_frame_build(st, CC_FRAME_MONTHLY, &f, &err);
		unsetenv("CC_FRAME_SERIAL");
		assert_int_equal(rc, 0);
		if (extra)
			extra(st, f);
		check_against_sql(st, f);
		cc_frame_release(f);
	}
}

/* The year and month ranges of a build that had to read the periods again (below). */
static void periods_read_again(struct cc_store *st, const struct cc_frame *f)
{
	assert_int_equal(f->year0, 2001);
	assert_int_equal(f->month0 + f->nmonths - 1,
			 cc_store_int(st,
				      "SELECT max(period / 100 * 12 + period % 100 - 1) "
				      "FROM indicators WHERE period % 100 <> 0",
				      -1));
}

static void test_build_against_sql(void **state)
{
	(void)state;
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	make_demo("sql.db", 900);
	assert_int_equal(cc_store_open(&st, db_path, 0, &err), 0);
	/* The ids must not follow the credit codes, or a wrong permutation would go unseen. */
	assert_true(
		cc_store_int(st,
			     "SELECT count(*) FROM (SELECT uscc, lag(uscc) OVER (ORDER BY id) p "
			     "FROM enterprises) WHERE uscc < p",
			     0) > 100);
	build_both_ways(st, NULL);
	/* The periods a build takes from the first and last rows (read_periods' sample), when a
	 * firm in the middle reports a year and a month outside them: the build sees those rows,
	 * reads the periods in full and the indicators again, on two connections and on one. */
	assert_int_equal(
		cc_store_exec(st,
			      "INSERT INTO indicators(enterprise_id, period, revenue, employees) "
			      "SELECT id, 200100, 5.5, 7 FROM enterprises ORDER BY id LIMIT 1 "
			      "OFFSET 400;"
			      "INSERT INTO indicators(enterprise_id, period, revenue) SELECT id, "
			      "(SELECT max(period) FROM indicators WHERE period % 100 <> 0) + 100, "
			      "1.25 FROM enterprises ORDER BY id LIMIT 1 OFFSET 401",
			      &err),
		0);
	setenv("CC_FRAME_PERIOD_SAMPLE", "1", 1);
	build_both_ways(st, periods_read_again);
	unsetenv("CC_FRAME_PERIOD_SAMPLE");
	/* Edge values held as fixed point at the scale the data needs, found after the first
	 * 4,096 values (a third decimal on the last edge: the second pass), and as doubles when a
	 * value has no exact form; every value still the store's, bit for bit. */
	assert_int_equal(
		cc_store_exec(st,
			      "INSERT INTO supply_edges(supplier, buyer_id, product, chain, "
			      "node, annual_value, share) SELECT supplier, buyer_id, "
			      "product || '/2', chain, node, annual_value, share FROM "
			      "supply_edges",
			      &err),
		0);
	assert_true(cc_store_int(st, "SELECT count(*) FROM supply_edges", 0) > 4096);
	assert_int_equal(
		cc_store_exec(st,
			      "UPDATE supply_edges SET annual_value = 12.345 WHERE rowid = "
			      "(SELECT max(rowid) FROM supply_edges)",
			      &err),
		0);
	static const char *const third = "UPDATE supply_edges SET share = 1.0 / 3 WHERE rowid = "
					 "(SELECT max(rowid) FROM supply_edges)";
	for (int k = 0; k < 2; k++) {
		if (k)
			assert_int_equal(cc_store_exec(st, third, &err), 0);
		struct cc_frame *f = NULL;
		assert_int_equal(cc_frame_build(st, CC_FRAME_MONTHLY, &f, &err), 0);
		assert_non_null(f->edge_value.q);
		assert_true(f->edge_value.scale == 1000);
		assert_true(k ? f->edge_share.q == NULL && f->edge_share.d != NULL
			      : f->edge_share.q != NULL);
		check_against_sql(st, f);
		cc_frame_release(f);
	}
	cc_store_close(st);
}

static void test_follow_differential(void **state)
{
	(void)state;
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	make_demo("diff.db", 1500);
	assert_int_equal(cc_store_open(&st, db_path, 0, &err), 0);
	h_enterprise_follow_init();
	h_chain_follow_init();
	struct cc_frame *f = NULL;
	assert_int_equal(cc_frame_build(st, CC_FRAME_MONTHLY, &f, &err), 0);
	assert_true(f->nmonths > 0 && f->nyears >= 4);
	int year0 = f->year0, nyears = f->nyears;
	assert_same(st, f); /* makes the orders that the versions follow */
	int steps = 3000, patched = 0, rebuilt_n = 0, shared = 0, checks = 0;
	for (int step = 0; step < steps;) {
		int batch = 1 + rnd_below(3);
		for (int k = 0; k < batch; k++, step++)
			random_write(st, step, year0, nyears);
		struct cc_frame *next = NULL;
		int rebuilt = 0;
		int rc = cc_frame_follow(st, f, &next, &rebuilt, &err);
		if (rc)
			print_error("follow: %s\n", err.msg);
		assert_int_equal(rc, 0);
		if (next != f) {
			rebuilt_n += rebuilt;
			patched += !rebuilt;
			if (!rebuilt && next->id == f->id && next->uscc == f->uscc)
				shared++;
		}
		cc_frame_release(f);
		f = next;
		if (step % 30 < 3 || step >= steps) {
			assert_same(st, f);
			checks++;
		}
	}
	assert_same(st, f);
	print_message("      %d followed versions patched (%d sharing their registry columns), "
		      "%d rebuilt, %d compared\n",
		      patched, shared, rebuilt_n, checks + 1);
	/* Most writes must be patched, not rebuilt, and a patch shares what it did not touch. */
	assert_true(patched > 5 * rebuilt_n);
	assert_true(shared > patched / 2);
	cc_frame_release(f);
	cc_store_close(st);
}

/* The follower thread with a writer and readers at once. */
struct conc {
	struct cc_frame_cache *cache;
	int stop;
	int64_t witness; /* store id whose revenue and employees the writer sets together */
	int year;
	int bad;
	long reads;
};

static void *writer(void *arg)
{
	struct conc *c = arg;
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	assert_int_equal(cc_store_open(&st, db_path, 0, &err), 0);
	for (int k = 1; k <= 300; k++) {
		exec(st,
		     "UPDATE indicators SET revenue = %d, employees = %d WHERE enterprise_id = %lld "
		     "AND period = %d",
		     k, k, (long long)c->witness, c->year * 100);
		/* Other enterprises too, all over the columns: versions fragment, and the
		 * follower compacts them when idle. */
		exec(st,
		     "UPDATE indicators SET tax = %d WHERE enterprise_id = %lld AND period = %d", k,
		     (long long)(1 + (k * 7919) % 4000), c->year * 100);
		if (k % 50 == 0)
			random_write(st, 100000 + k, c->year - 3, 4);
		/* A writer reads its own write within the bound. */
		if (!cc_frame_cache_wait(c->cache, cc_store_log_seq(st), 5000))
			__atomic_add_fetch(&c->bad, 1, __ATOMIC_RELAXED);
	}
	cc_store_close(st);
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *reader(void *arg)
{
	struct conc *c = arg;
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	assert_int_equal(cc_store_open(&st, db_path, 0, &err), 0);
	int64_t last = 0;
	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		struct cc_frame *f = NULL;
		if (cc_frame_cache_get(c->cache, st, &f, &err)) {
			__atomic_add_fetch(&c->bad, 1, __ATOMIC_RELAXED);
			break;
		}
		/* Versions only move forward, and one version is one consistent snapshot. */
		if (f->seq < last)
			__atomic_add_fetch(&c->bad, 1, __ATOMIC_RELAXED);
		last = f->seq;
		int i = cc_frame_of_id(f, c->witness);
		const double *rev = cc_frame_annual(f, CC_M_REVENUE, c->year);
		const double *emp = cc_frame_annual(f, CC_M_EMPLOYEES, c->year);
		if (i >= 0 && rev && emp && !(isnan(rev[i]) && isnan(emp[i])) && rev[i] != emp[i])
			__atomic_add_fetch(&c->bad, 1, __ATOMIC_RELAXED);
		/* A derived column, made by whichever reader asks first while the follower clones
		 * versions: it agrees with the version's own base columns. */
		const double *yoy = cc_frame_annual(f, CC_M_REVENUE_YOY, c->year);
		const double *before = cc_frame_annual(f, CC_M_REVENUE, c->year - 1);
		if (i >= 0 && yoy && before &&
		    !(isnan(yoy[i]) ? isnan(cc_growth(rev[i], before[i]))
				    : yoy[i] == cc_growth(rev[i], before[i])))
			__atomic_add_fetch(&c->bad, 1, __ATOMIC_RELAXED);
		cc_frame_release(f);
		__atomic_add_fetch(&c->reads, 1, __ATOMIC_RELAXED);
	}
	cc_store_close(st);
	return NULL;
}

static void test_follower_concurrency(void **state)
{
	(void)state;
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	make_demo("conc.db", 4000);
	assert_int_equal(cc_store_open(&st, db_path, 0, &err), 0);
	struct conc c = {0};
	assert_int_equal(cc_frame_cache_new(&c.cache, db_path, CC_FRAME_MONTHLY, &err), 0);
	struct cc_frame *f = NULL;
	assert_int_equal(cc_frame_cache_get(c.cache, st, &f, &err), 0);
	c.year = f->year0 + f->nyears - 1;
	c.witness = f->id[f->n / 2];
	cc_frame_release(f);
	/* Revenue and employees of the witness are always equal from here on. */
	exec(st,
	     "INSERT INTO indicators(enterprise_id, period, revenue, employees) VALUES(%lld, %d, "
	     "0, 0) ON CONFLICT DO UPDATE SET revenue = 0, employees = 0",
	     (long long)c.witness, c.year * 100);
	assert_int_equal(cc_frame_cache_get(c.cache, st, &f, &err), 0);
	cc_frame_release(f);
	assert_int_equal(cc_frame_cache_start(c.cache, 5, &err), 0);
	pthread_t w, r[3];
	pthread_create(&w, NULL, writer, &c);
	for (int k = 0; k < 3; k++)
		pthread_create(&r[k], NULL, reader, &c);
	pthread_join(w, NULL);
	for (int k = 0; k < 3; k++)
		pthread_join(r[k], NULL);
	assert_int_equal(c.bad, 0);
	assert_true(c.reads > 0);
	/* Caught up: the published frame equals a build. */
	assert_int_equal(cc_frame_cache_wait(c.cache, cc_store_log_seq(st), 10000), 1);
	assert_int_equal(cc_frame_cache_get(c.cache, st, &f, &err), 0);
	assert_same(st, f);
	int i = cc_frame_of_id(f, c.witness);
	assert_true(cc_frame_annual(f, CC_M_REVENUE, c.year)[i] == 300);
	struct cc_frame_cache_stats stats;
	cc_frame_cache_stats(c.cache, &stats);
	print_message("      follower: %lld patches, %lld rebuilds, %lld compactions, longest %lld "
		      "ms, %ld reads\n",
		      (long long)stats.patches, (long long)stats.rebuilds,
		      (long long)stats.compactions, (long long)stats.max_ms, c.reads);
	assert_true(stats.patches > 0);
	assert_true(stats.compactions > 0);
	cc_frame_release(f);
	cc_frame_cache_free(c.cache);
	cc_store_close(st);
}

static int setup(void **state)
{
	(void)state;
	struct cc_error err = {0};
	if (!mkdtemp(dir))
		return -1;
	if (cc_codes_load(&err) || !cc_catalogue_get(&err))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	/* Small blocks: a few thousand enterprises span enough blocks to fragment. */
	setenv("CC_COL_BLOCK_KB", "4", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_change_log),
		cmocka_unit_test(test_col_sharing),
		cmocka_unit_test(test_serial_build),
		cmocka_unit_test(test_build_against_sql),
		cmocka_unit_test(test_follow_differential),
		cmocka_unit_test(test_follower_concurrency),
	};
	/* The ThreadSanitizer run of scripts/test.sh: the threaded tests only. */
	const struct CMUnitTest threaded[] = {
		cmocka_unit_test(test_col_sharing),
		/* A build's two threads: the second reads edges while the registry loads. */
		cmocka_unit_test(test_serial_build),
		cmocka_unit_test(test_follower_concurrency),
	};
	if (getenv("CC_TEST_CONCURRENCY_ONLY"))
		return cmocka_run_group_tests(threaded, setup, teardown);
	return cmocka_run_group_tests(tests, setup, teardown);
}
