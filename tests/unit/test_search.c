/*
 * Unit tests of the enterprise search engine (frame/search.c) on a demo frame: every filter,
 * every sort and the paging against a plain reference written here (a loop over all rows and
 * a sort), random combinations asked twice (the second answer comes with the cached total),
 * pages walked end to end, the code and confinement filters, more sorted orders than the
 * frame caches, and bad pages refused.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "frame/frame.h"
#include "frame/search.h"
#include "io/demo.h"
#include "io/import.h"
#include "store/store.h"

static char dir[] = "/tmp/cc-search-XXXXXX";
static struct cc_frame *frame;

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static int rnd_below(int n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (int)(rng_state % (uint64_t)n);
}

/* ---- the reference: every row tested in turn, then sorted ---- */

static int ref_match(const struct cc_frame *f, const struct cc_enterprise_query *q, int i)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	if (q->name && *q->name && !strstr(f->name[i], q->name))
		return 0;
	if (q->uscc && strcmp(f->uscc[i], q->uscc) != 0)
		return 0;
	if (q->confine && strcmp(f->uscc[i], q->confine) != 0)
		return 0;
	if (q->region && !cc_region_within(f->region[i], q->region))
		return 0;
	if (q->industry && *q->industry &&
	    (!f->industry[i] || strncasecmp(f->industry[i], q->industry, strlen(q->industry))))
		return 0;
	if (q->cert >= 0 && !(f->certs[i] >> q->cert & 1))
		return 0;
	if (q->listed >= 0 && f->listed[i] != q->listed)
		return 0;
	if (q->scale >= 0 && f->scale[i] != q->scale)
		return 0;
	/* Chain and node are two filters: a member of the chain (at any node) and of the node. */
	int in_chain = q->chain < 0, in_node = q->node < 0;
	for (int k = f->member_start[i]; k < f->member_start[i + 1]; k++) {
		int nd = f->member_node[k];
		in_chain |= cat->nodes[nd].chain == q->chain;
		in_node |= nd == q->node;
	}
	return in_chain && in_node;
}

static const struct cc_frame *ref_frame;
static const double *ref_key;
static int ref_by_name, ref_desc;
static int ref_cmp(const void *a, const void *b)
{
	int x = *(const int32_t *)a, y = *(const int32_t *)b, c = 0;
	if (ref_by_name) {
		c = strcmp(ref_frame->name[x], ref_frame->name[y]);
	} else if (ref_key) {
		double kx = ref_key[x], ky = ref_key[y];
		if (isnan(kx) != isnan(ky))
			return isnan(kx) ? 1 : -1; /* unknown last, either way */
		if (!isnan(kx) && kx != ky)
			c = (kx < ky ? -1 : 1) * (ref_desc ? -1 : 1);
		if (c)
			return c;
		return (x > y) - (x < y); /* ties by code, either way */
	}
	if (!c)
		c = (x > y) - (x < y);
	return ref_desc ? -c : c;
}

/* The reference answer of Q on F: all matches in order (*N of them, malloc'd). */
static int32_t *ref_search(const struct cc_frame *f, const struct cc_enterprise_query *q, int *n)
{
	int32_t *all = malloc(sizeof *all * ((size_t)f->n + 1));
	assert_non_null(all);
	*n = 0;
	for (int i = 0; i < f->n; i++)
		if (ref_match(f, q, i))
			all[(*n)++] = i;
	ref_frame = f;
	ref_by_name = q->sort == CC_ENTERPRISE_BY_NAME;
	ref_key =
		q->sort == CC_ENTERPRISE_BY_METRIC ? cc_frame_annual(f, q->metric, q->year) : NULL;
	ref_desc = q->desc;
	qsort(all, (size_t)*n, sizeof *all, ref_cmp);
	return all;
}

/* Asks the engine Q and compares its page and total with the reference. */
static void check_query(const struct cc_enterprise_query *q, const char *what)
{
	struct cc_enterprise_page page;
	struct cc_error err = {0};
	int n;
	int32_t *want = ref_search(frame, q, &n);
	assert_int_equal(cc_enterprise_search(frame, q, &page, &err), 0);
	long long from = q->offset < n ? q->offset : n;
	long long len = n - from < q->limit ? n - from : q->limit;
	if (page.total != n || page.nrows != len ||
	    (len && memcmp(page.rows, want + from, sizeof *want * (size_t)len) != 0)) {
		print_error(
			"%s: total %d (want %d), rows %d (want %lld); sort %d metric %d year %d "
			"desc %d offset %lld limit %lld\n",
			what, page.total, n, page.nrows, len, q->sort, q->metric, q->year, q->desc,
			q->offset, q->limit);
		print_error("  name '%s' uscc %s confine %s region %d industry %s chain %d node %d "
			    "cert %d listed %d scale %d\n",
			    q->name ? q->name : "-", q->uscc ? q->uscc : "-",
			    q->confine ? q->confine : "-", q->region,
			    q->industry ? q->industry : "-", q->chain, q->node, q->cert, q->listed,
			    q->scale);
		fail();
	}
	cc_enterprise_page_release(&page);
	free(want);
}

/* A demo database loaded through the importer, and its frame. */
static int setup(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct cc_demo_opts o;
	struct cc_demo_counts counts;
	struct cc_store *st = NULL;
	char db[300];
	int rc = -1;
	if (!mkdtemp(dir) || cc_codes_load(&err) || !cc_catalogue_get(&err))
		return -1;
	cc_demo_defaults(&o);
	o.enterprises = 1200;
	o.seed = 11;
	o.this_year = 2026;
	o.this_month = 6;
	snprintf(db, sizeof db, "%s/search.db", dir);
	if (cc_demo_write(dir, &o, &counts, &err) || cc_store_open(&st, db, CC_STORE_CREATE, &err))
		goto out;
	static const char *const files[] = {"enterprises.csv", "indicators.csv",
					    "chain_members.csv"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char p[400];
		struct cc_import_opts io = {0};
		struct cc_import_result res;
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		io.kind = CC_KIND_AUTO;
		int r = cc_import_file(st, p, &io, &res, &err);
		cc_import_result_release(&res);
		if (r)
			goto out;
	}
	rc = cc_frame_build(st, 0, &frame, &err);
out:
	if (rc)
		print_error("setup: %s\n", err.msg);
	cc_store_close(st);
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[400];
	cc_frame_release(frame);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Each filter alone, with values taken from the data (so most match something). */
static void test_filters(void **state)
{
	(void)state;
	const struct cc_frame *f = frame;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	struct cc_enterprise_query q;
	char frag[16];
	assert_true(f->n == 1200);
	cc_enterprise_query_init(&q);
	q.limit = 100000;
	check_query(&q, "no filter");
	/* Name fragments of one and two Chinese characters (3 and 6 bytes). */
	for (int t = 0; t < 20; t++) {
		const char *name = f->name[rnd_below(f->n)];
		size_t len = t % 2 ? 6 : 3;
		int room = (int)(strlen(name) / 3) - 2;
		memcpy(frag, name + 3 * (size_t)rnd_below(room > 0 ? room : 1), len);
		frag[len] = '\0';
		q.name = frag;
		check_query(&q, "name");
	}
	q.name = "\n";
	check_query(&q, "a name holding a line break matches nothing");
	cc_enterprise_query_init(&q);
	q.limit = 100000;
	/* Regions at every level: province (and its 2-digit prefix), prefecture, district. */
	static const int regions[] = {500000, 50, 510000, 510100, 5101, 500110, 110108, 999999};
	for (size_t k = 0; k < sizeof regions / sizeof regions[0]; k++) {
		q.region = regions[k];
		check_query(&q, "region");
	}
	q.region = 0;
	static const char *const industries[] = {"C", "C36", "c36", "C3670", "I65", "Z"};
	for (size_t k = 0; k < sizeof industries / sizeof industries[0]; k++) {
		q.industry = industries[k];
		check_query(&q, "industry");
	}
	q.industry = NULL;
	for (int c = 0; c < cat->nchains; c++) {
		q.chain = c;
		check_query(&q, "chain");
	}
	q.chain = -1;
	for (int t = 0; t < 20; t++) {
		q.node = f->member_node[rnd_below(f->nmembers)];
		check_query(&q, "node");
	}
	q.node = -1;
	for (q.cert = 0; q.cert < CC_CERT_WORDS; q.cert++)
		check_query(&q, "cert");
	q.cert = -1;
	for (q.listed = 0; q.listed < CC_LISTED_WORDS; q.listed++)
		check_query(&q, "listed");
	q.listed = -1;
	for (q.scale = 0; q.scale < CC_SCALE_WORDS; q.scale++)
		check_query(&q, "scale");
	q.scale = -1;
}

/* Code filter and confinement: one row or none, whatever else is asked. */
static void test_code_and_confine(void **state)
{
	(void)state;
	struct cc_enterprise_query q;
	struct cc_enterprise_page page;
	struct cc_error err = {0};
	cc_enterprise_query_init(&q);
	q.uscc = frame->uscc[17];
	check_query(&q, "uscc");
	assert_int_equal(cc_enterprise_search(frame, &q, &page, &err), 0);
	assert_int_equal(page.total, 1);
	assert_int_equal(page.rows[0], 17);
	cc_enterprise_page_release(&page);
	q.confine = frame->uscc[18];
	check_query(&q, "another firm's code under confinement");
	assert_int_equal(cc_enterprise_search(frame, &q, &page, &err), 0);
	assert_int_equal(page.total, 0);
	cc_enterprise_page_release(&page);
	q.uscc = NULL;
	q.sort = CC_ENTERPRISE_BY_METRIC;
	q.metric = CC_M_REVENUE;
	q.year = cc_frame_latest_year(frame);
	q.desc = 1;
	check_query(&q, "confined, sorted by revenue");
	q.confine = "91500000MA0000000X"; /* not registered */
	check_query(&q, "confined to a code the frame does not hold");
}

/* Every sort in both directions over a filter, paged end to end. */
static void test_sort_and_pages(void **state)
{
	(void)state;
	struct cc_enterprise_query q;
	int latest = cc_frame_latest_year(frame);
	static const int metrics[] = {CC_M_REVENUE, CC_M_EMPLOYEES, CC_M_REVENUE_YOY,
				      CC_M_RD_INTENSITY};
	for (int s = 0; s < 3 + 3; s++) {
		for (int desc = 0; desc < 2; desc++) {
			cc_enterprise_query_init(&q);
			q.region = s % 2 ? 500000 : 0;
			q.sort = s < 2	 ? CC_ENTERPRISE_BY_CODE
				 : s < 4 ? CC_ENTERPRISE_BY_NAME
					 : CC_ENTERPRISE_BY_METRIC;
			q.metric = metrics[s % 4];
			q.year = s == 5 ? latest - 1 : latest;
			q.desc = desc;
			q.limit = 37;
			for (q.offset = 0; q.offset < frame->n + 40; q.offset += 37)
				check_query(&q, "page");
		}
	}
	/* A year the frame does not hold sorts by code (backwards when descending). */
	cc_enterprise_query_init(&q);
	q.sort = CC_ENTERPRISE_BY_METRIC;
	q.metric = CC_M_REVENUE;
	q.year = 1990;
	q.desc = 1;
	q.limit = 10;
	struct cc_enterprise_page page;
	struct cc_error err = {0};
	assert_int_equal(cc_enterprise_search(frame, &q, &page, &err), 0);
	assert_int_equal(page.rows[0], frame->n - 1);
	cc_enterprise_page_release(&page);
	assert_int_equal(cc_enterprise_order_check(frame, CC_M_REVENUE, latest, 1), 0);
	assert_int_equal(cc_enterprise_order_check(frame, CC_M_EMPLOYEES, latest, 0), 0);
}

/* Random combinations, each asked twice: the second answer reads the cached total and stops
 * at the page's end, and must not differ. */
static void test_random_combinations(void **state)
{
	(void)state;
	const struct cc_frame *f = frame;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	int latest = cc_frame_latest_year(f);
	char frag[16];
	for (int t = 0; t < 3000; t++) {
		struct cc_enterprise_query q;
		cc_enterprise_query_init(&q);
		int i = rnd_below(f->n);
		for (int k = rnd_below(4); k > 0; k--) {
			switch (rnd_below(9)) {
			case 0:
				memcpy(frag, f->name[i] + 3 * (size_t)rnd_below(3), 3);
				frag[3] = '\0';
				q.name = frag;
				break;
			case 1: q.region = f->region[i] / 10000 * 10000; break;
			case 2: q.region = f->region[i] / 100 * 100; break;
			case 3: q.industry = rnd_below(2) ? "C3" : "c39"; break;
			case 4: q.chain = rnd_below(cat->nchains); break;
			case 5:
				if (f->member_start[i] < f->member_start[i + 1])
					q.node = f->member_node[f->member_start[i]];
				break;
			case 6: q.cert = rnd_below(CC_CERT_WORDS); break;
			case 7: q.listed = 1 + rnd_below(CC_LISTED_WORDS - 1); break;
			default: q.scale = 1 + rnd_below(CC_SCALE_WORDS - 1); break;
			}
		}
		q.sort = rnd_below(3);
		q.metric = rnd_below(CC_M_COUNT);
		q.year = latest - rnd_below(3);
		q.desc = rnd_below(2);
		q.offset = rnd_below(3) ? 0 : rnd_below(200);
		q.limit = 1 + rnd_below(60);
		check_query(&q, "random, first");
		check_query(&q, "random, again");
	}
}

/*
 * A frame of the registry alone (CC_FRAME_REGISTRY, the CLI's when no metric is asked):
 * no periods, indicators or edges, and the same answers as the full frame to every search
 * without a metric.
 */
static void test_registry_frame(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct cc_store *st = NULL;
	struct cc_frame *r = NULL;
	char db[300];
	snprintf(db, sizeof db, "%s/search.db", dir);
	assert_int_equal(cc_store_open(&st, db, 0, &err), 0);
	assert_int_equal(cc_frame_build(st, CC_FRAME_REGISTRY, &r, &err), 0);
	assert_int_equal(r->n, frame->n);
	assert_int_equal(r->nyears, 0);
	assert_int_equal(r->nedges, 0);
	assert_true(frame->nyears > 0);
	for (int t = 0; t < 500; t++) {
		struct cc_enterprise_query q;
		cc_enterprise_query_init(&q);
		int i = rnd_below(frame->n);
		switch (t % 4) {
		case 0: q.region = frame->region[i] / 100 * 100; break;
		case 1: q.scale = 1 + rnd_below(CC_SCALE_WORDS - 1); break;
		case 2: q.chain = rnd_below(cc_catalogue_get(NULL)->nchains); break;
		default: break;
		}
		q.sort = rnd_below(2) ? CC_ENTERPRISE_BY_NAME : q.sort;
		q.desc = rnd_below(2);
		q.limit = 1 + rnd_below(80);
		struct cc_enterprise_page a = {0}, b = {0};
		assert_int_equal(cc_enterprise_search(frame, &q, &a, &err), 0);
		assert_int_equal(cc_enterprise_search(r, &q, &b, &err), 0);
		assert_int_equal(a.total, b.total);
		assert_int_equal(a.nrows, b.nrows);
		for (int k = 0; k < a.nrows; k++)
			assert_string_equal(frame->uscc[a.rows[k]], r->uscc[b.rows[k]]);
		cc_enterprise_page_release(&a);
		cc_enterprise_page_release(&b);
	}
	cc_frame_release(r);
	cc_store_close(st);
}

/* More sorted orders than the frame caches (48): the later ones are made for their caller
 * alone and still answer (they were refused as out of memory before). */
static void test_many_orders(void **state)
{
	(void)state;
	struct cc_enterprise_query q;
	int latest = cc_frame_latest_year(frame), asked = 0;
	cc_enterprise_query_init(&q);
	q.sort = CC_ENTERPRISE_BY_METRIC;
	q.limit = 5;
	for (q.metric = 0; q.metric < CC_M_COUNT; q.metric++)
		for (q.year = latest - 2; q.year <= latest; q.year++)
			for (q.desc = 0; q.desc < 2; q.desc++, asked++)
				check_query(&q, "one of many orders");
	assert_true(asked > 48);
	assert_int_equal(cc_enterprise_order_check(frame, CC_M_NET_PROFIT, latest - 2, 0), 0);
}

/* Bad pages are refused; an empty page past the end still says the total. */
static void test_bad_pages(void **state)
{
	(void)state;
	struct cc_enterprise_query q;
	struct cc_enterprise_page page;
	struct cc_error err = {0};
	cc_enterprise_query_init(&q);
	q.offset = -1;
	assert_int_equal(cc_enterprise_search(frame, &q, &page, &err), CC_EINVAL);
	assert_null(page.rows);
	q.offset = 0;
	q.limit = -5;
	assert_int_equal(cc_enterprise_search(frame, &q, &page, &err), CC_EINVAL);
	q.limit = 0;
	assert_int_equal(cc_enterprise_search(frame, &q, &page, &err), 0);
	assert_int_equal(page.nrows, 0);
	assert_int_equal(page.total, frame->n);
	cc_enterprise_page_release(&page);
	q.limit = 10;
	q.offset = frame->n + 5;
	assert_int_equal(cc_enterprise_search(frame, &q, &page, &err), 0);
	assert_int_equal(page.nrows, 0);
	assert_int_equal(page.total, frame->n);
	cc_enterprise_page_release(&page);
	cc_enterprise_page_release(NULL);
	assert_int_equal(cc_enterprise_word("neeq", cc_listed_words, CC_LISTED_WORDS), 6);
	assert_int_equal(cc_enterprise_word("srdi", cc_cert_words, CC_CERT_WORDS), 2);
	assert_int_equal(cc_enterprise_word("huge", cc_scale_words, CC_SCALE_WORDS), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_code_and_confine),
		cmocka_unit_test(test_sort_and_pages),
		cmocka_unit_test(test_many_orders),
		cmocka_unit_test(test_random_combinations),
		cmocka_unit_test(test_bad_pages),
		cmocka_unit_test(test_registry_frame),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
