/*
 * Unit tests of domain/: credit codes, derived metrics, the metric catalogue, code lists and
 * the chain catalogue.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* cmocka 1.1 compares floats in single precision; these tests need doubles. */
#define near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))
#include "base/buf.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/derive.h"
#include "domain/metric.h"
#include "domain/reason.h"
#include "domain/uscc.h"
#include "store/store.h"

static int check(const char *code, char out[19], int *warn)
{
	struct cc_error err;
	return cc_uscc_validate(code, strlen(code), out, warn, &err);
}

static void test_uscc_valid(void **state)
{
	(void)state;
	char out[19];
	int warn = -1;
	/* The published example of DOMAIN.md §5. */
	assert_int_equal(check("91110000600037341L", out, &warn), 0);
	assert_string_equal(out, "91110000600037341L");
	assert_int_equal(warn, 0);
	assert_int_equal(cc_uscc_region(out), 110000);
	assert_int_equal(cc_uscc_check_char("91110000600037341"), 'L');
	/* Lower case is normalised, surrounding spaces ignored. */
	assert_int_equal(check(" 91110000600037341l ", out, NULL), 0);
	assert_string_equal(out, "91110000600037341L");
}

static void test_uscc_invalid(void **state)
{
	(void)state;
	char out[19];
	struct cc_error err;
	/* 17 characters. */
	assert_int_equal(check("91110000600037341", out, NULL), CC_EINVAL);
	/* Wrong check character, with the expected one named. */
	assert_int_equal(cc_uscc_validate("91110000600037341M", 18, out, NULL, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "'L'"));
	/* Letters outside the alphabet, at any position. */
	const char *bad[] = {"9111000060003734IL", "9111000060003734OL", "9111000060003734SL",
			     "9111000060003734VL", "9111000060003734ZL"};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(cc_uscc_validate(bad[i], 18, out, NULL, &err), CC_EINVAL);
		assert_non_null(strstr(err.msg, "position 17"));
	}
	/* Region digits must be digits even though letters are in the alphabet. */
	char code[19] = "9111A000600037341";
	code[17] = cc_uscc_check_char(code);
	code[18] = '\0';
	assert_int_equal(cc_uscc_validate(code, 18, out, NULL, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "region"));
	assert_int_equal(check("", out, NULL), CC_EINVAL);
}

static void test_orgcode(void **state)
{
	(void)state;
	/* 60003734-1 is the organisation code inside the example above. */
	assert_int_equal(cc_orgcode_check_char("60003734"), '1');
	/* A remainder of 1 gives check 10, written X; of 0 gives 11, written 0. */
	char s[9] = "0000000";
	int seen_x = 0, seen_0 = 0;
	for (int d = 0; d < 36 * 36 && !(seen_x && seen_0); d++) {
		s[6] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[d / 36];
		s[7] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[d % 36];
		s[8] = '\0';
		int sum = 0;
		static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
		for (int i = 0; i < 8; i++)
			sum += (s[i] <= '9' ? s[i] - '0' : s[i] - 'A' + 10) * w[i];
		char c = cc_orgcode_check_char(s);
		if (sum % 11 == 1) {
			assert_int_equal(c, 'X');
			seen_x = 1;
		}
		if (sum % 11 == 0) {
			assert_int_equal(c, '0');
			seen_0 = 1;
		}
	}
	assert_true(seen_x && seen_0);
	/* The warning flag: flip the organisation check digit and recompute the USCC check. */
	char code[19] = "91110000600037342";
	code[17] = cc_uscc_check_char(code);
	code[18] = '\0';
	char out[19];
	int warn = 0;
	assert_int_equal(check(code, out, &warn), 0);
	assert_int_equal(warn, 1);
}

static void test_derive(void **state)
{
	(void)state;
	double cur[CC_M_COUNT], prev[CC_M_COUNT], prev3[CC_M_COUNT];
	for (int i = 0; i < CC_M_COUNT; i++)
		cur[i] = prev[i] = prev3[i] = NAN;
	cur[CC_M_REVENUE] = 1331;
	prev[CC_M_REVENUE] = 1210;
	prev3[CC_M_REVENUE] = 1000;
	cur[CC_M_RD_EXPENSE] = 66.55;
	cur[CC_M_EMPLOYEES] = 200;
	cur[CC_M_RD_STAFF] = 30;
	cur[CC_M_TOTAL_ASSETS] = 0; /* zero denominator: unknown, not infinite */
	cur[CC_M_TOTAL_LIABILITIES] = 50;
	cc_derive(cur, prev, prev3, cur);
	near(cur[CC_M_REVENUE_YOY], 0.1, 1e-12);
	near(cur[CC_M_REVENUE_CAGR3], 0.1, 1e-12);
	near(cur[CC_M_RD_INTENSITY], 0.05, 1e-12);
	near(cur[CC_M_RD_STAFF_SHARE], 0.15, 1e-12);
	assert_true(isnan(cur[CC_M_DEBT_RATIO]));
	assert_true(isnan(cur[CC_M_NET_MARGIN])); /* profit unknown */
	assert_true(isnan(cur[CC_M_ENERGY_INTENSITY]));
	/* Without a previous year there is no growth. */
	cc_derive(cur, NULL, NULL, cur);
	assert_true(isnan(cur[CC_M_REVENUE_YOY]));
	assert_true(isnan(cc_growth(5, 0)));
	assert_true(isnan(cc_cagr(-1, 10, 3)));
}

static void test_metric_catalogue(void **state)
{
	(void)state;
	assert_string_equal(cc_metric_find("营业收入")->key, "revenue");
	assert_int_equal(cc_metric_find("rd_intensity")->id, CC_M_RD_INTENSITY);
	assert_null(cc_metric_find("nonsense"));
	for (int i = 0; i < CC_M_COUNT; i++) {
		assert_int_equal(cc_metric_get(i)->id, i);
		assert_int_equal(cc_metric_get(i)->derived, i >= CC_M_BASE_COUNT);
	}
}

static void test_codes(void **state)
{
	(void)state;
	struct cc_error err = {0};
	assert_int_equal(cc_codes_load(&err), 0);
	const struct cc_region *r = cc_region_find(500112);
	assert_non_null(r);
	assert_string_equal(r->name, "渝北区");
	assert_non_null(cc_region_find(510116));
	assert_null(cc_region_find(999999));
	assert_true(cc_region_within(500112, 500000));
	assert_false(cc_region_within(510116, 500000));
	assert_true(cc_region_within(510116, 510100));
	char full[256];
	cc_region_fullname(500112, full, sizeof full);
	assert_string_equal(full, "重庆市渝北区");
	assert_true(cc_region_count() > 3000);
	const struct cc_industry *d = cc_industry_find("C3670");
	assert_non_null(d);
	assert_string_equal(d->name, "汽车零部件及配件制造");
	assert_non_null(cc_industry_find("c3973"));
	assert_null(cc_industry_find("C9999"));
	/* English names: every section and division has one; a group or class takes its
	 * division's, named as such. */
	char en[256];
	int named = 0;
	for (int k = 0; k < cc_industry_count(); k++) {
		const struct cc_industry *ind = cc_industry_at(k);
		if (ind->level <= 2) {
			assert_non_null(ind->name_en);
			named++;
		}
		assert_true(*cc_industry_name_en(ind, en, sizeof en) != '\0');
	}
	assert_int_equal(named, 20 + 97);
	assert_string_equal(cc_industry_name_en(cc_industry_find("C36"), en, sizeof en),
			    "Automobiles");
	assert_string_equal(cc_industry_name_en(cc_industry_find("C3670"), en, sizeof en),
			    "Automobiles (division C36)");
}

/*
 * The areas of the district map (issue 14, item 8): Chongqing by district and county, Sichuan
 * by city; no area for provinces and a municipality's placeholders; every area is its own.
 */
static void test_region_area(void **state)
{
	(void)state;
	assert_int_equal(cc_region_area(500112), 500112);
	assert_int_equal(cc_region_area(500110), 500110); /* 綦江区 since 2011 */
	assert_int_equal(cc_region_area(500155), 500155); /* 梁平区 since 2016 */
	assert_int_equal(cc_region_area(500241), 500241);
	assert_int_equal(cc_region_area(500000), 0);
	assert_int_equal(cc_region_area(500100), 0);
	assert_int_equal(cc_region_area(500200), 0);
	assert_int_equal(cc_region_area(500228), 0); /* 梁平县, gone */
	assert_int_equal(cc_region_area(510116), 510100);
	assert_int_equal(cc_region_area(510100), 510100);
	assert_int_equal(cc_region_area(513401), 513400);
	assert_int_equal(cc_region_area(510000), 0);
	assert_int_equal(cc_region_area(110105), 110105);
	assert_int_equal(cc_region_area(0), 0);
	int cq = 0, sc = 0;
	for (int i = 0; i < cc_region_count(); i++) {
		int code = cc_region_at(i)->code, area = cc_region_area(code);
		if (area)
			assert_int_equal(cc_region_area(area), area);
		cq += area == code && code / 10000 == 50;
		sc += area == code && code / 10000 == 51;
	}
	assert_int_equal(cq, 38);
	assert_int_equal(sc, 21);
	/* Every area has its English name (data/regions.en.csv); others have none. */
	for (int i = 0; i < cc_region_count(); i++) {
		const struct cc_region *r = cc_region_at(i);
		int prov = r->code / 10000;
		if (cc_region_area(r->code) == r->code && (prov == 50 || prov == 51)) {
			assert_non_null(r->name_en);
			assert_non_null(r->short_en);
		}
	}
	assert_string_equal(cc_region_find(500112)->name_en, "Yubei District");
	assert_string_equal(cc_region_find(500155)->short_en, "Liangping");
	assert_string_equal(cc_region_find(513200)->short_en, "Aba");
	assert_string_equal(cc_region_find(500000)->name_en, "Chongqing");
	assert_null(cc_region_find(510116)->name_en);
}

/*
 * The one region rule (issue 13: "LIKE rtrim(code,'0')" made 500000 a prefix "5" and 500110 a
 * prefix "50011"): province, municipality, prefecture, a municipality's 市辖区 and a district
 * ending in 0, in C, in SQL text and through the SQL function of a real store.
 */
static void test_region_rule(void **state)
{
	(void)state;
	int lo, hi;
	/* A municipality (直辖市) holds its own districts and counties, not Sichuan's. */
	assert_int_equal(cc_region_span(500000, &lo, &hi), 0);
	assert_int_equal(lo, 500000);
	assert_int_equal(hi, 509999);
	assert_true(cc_region_within(500110, 500000));
	assert_true(cc_region_within(500241, 500000));
	assert_false(cc_region_within(510116, 500000));
	assert_false(cc_region_within(510000, 500000));
	/* A province. */
	assert_true(cc_region_within(510116, 510000));
	assert_false(cc_region_within(500112, 510000));
	/* A prefecture-level city and a municipality's 市辖区 (500100). */
	assert_true(cc_region_within(510116, 510100));
	assert_false(cc_region_within(510705, 510100));
	assert_true(cc_region_within(500112, 500100));
	assert_false(cc_region_within(500241, 500100));
	/* A district whose code ends in 0 is only itself (500110 is 綦江区, not 500110..500119). */
	assert_int_equal(cc_region_span(500110, &lo, &hi), 0);
	assert_int_equal(lo, 500110);
	assert_int_equal(hi, 500110);
	assert_true(cc_region_within(500110, 500110));
	assert_false(cc_region_within(500111, 500110));
	assert_false(cc_region_within(500112, 500110));
	/* Municipalities elsewhere, and the 2-/4-digit prefixes older subscriptions stored. */
	assert_true(cc_region_within(110105, 110000));
	assert_false(cc_region_within(120101, 110000));
	assert_true(cc_region_within(500112, 50));
	assert_true(cc_region_within(510116, 5101));
	assert_false(cc_region_within(510116, 5001));
	/* Not codes: nothing is inside them. */
	assert_int_equal(cc_region_span(0, &lo, &hi), -1);
	assert_int_equal(cc_region_span(-500000, &lo, &hi), -1);
	assert_int_equal(cc_region_span(12345, &lo, &hi), -1);
	assert_int_equal(cc_region_span(1000000, &lo, &hi), -1);
	assert_false(cc_region_within(500112, 0));
	/* The SQL forms. */
	struct cc_buf b = CC_BUF_INIT(256);
	cc_region_sql(&b, "e.region", 500000);
	cc_region_sql(&b, "r", 500110);
	cc_region_sql(&b, "r", 7);
	assert_string_equal(cc_buf_str(&b), " AND e.region BETWEEN 500000 AND 509999"
					    " AND r BETWEEN 500110 AND 500110 AND 1 = 0");
	cc_buf_release(&b);
	char path[] = "/tmp/cc-test-region-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	assert_int_equal(cc_store_open(&st, path, CC_STORE_CREATE, &err), 0);
	struct cc_stmt *s = NULL;
	assert_int_equal(
		cc_stmt_prepare(st, &s,
				"SELECT region_within(500110, 500000), region_within(510116, "
				"500000), region_within(500112, '50'), region_within(500111, "
				"500110), region_within(NULL, 500000) IS NULL",
				&err),
		0);
	assert_int_equal(cc_stmt_step(s, &err), 1);
	assert_int_equal(cc_stmt_int64(s, 0), 1);
	assert_int_equal(cc_stmt_int64(s, 1), 0);
	assert_int_equal(cc_stmt_int64(s, 2), 1);
	assert_int_equal(cc_stmt_int64(s, 3), 0);
	assert_int_equal(cc_stmt_int64(s, 4), 1);
	cc_stmt_free(s);
	cc_store_close(st);
	unlink(path);
}

static void test_catalogue(void **state)
{
	(void)state;
	struct cc_error err = {0};
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	assert_non_null(cat);
	assert_int_equal(cat->nchains, 33);
	int full = 0, confirmed = 0;
	for (int c = 0; c < cat->nchains; c++) {
		const struct cc_chain *ch = &cat->chains[c];
		if (ch->nnodes >= 15)
			full++;
		confirmed += strcmp(ch->status, "confirmed") == 0;
		for (int i = ch->first_node; i < ch->first_node + ch->nnodes; i++) {
			const struct cc_node *n = &cat->nodes[i];
			assert_int_equal(n->chain, c);
			if (n->parent >= 0)
				assert_true(n->parent < i && cat->nodes[n->parent].chain == c);
		}
	}
	assert_true(full >= 8);
	assert_int_equal(confirmed, 10);
	const struct cc_chain *ic = cc_chain_find(cat, "ic");
	assert_non_null(ic);
	assert_string_equal(ic->name_zh, "集成电路");
	/* Qualified and ambiguous references. */
	const struct cc_node *n = cc_node_resolve(cat, "ic.design", NULL, &err);
	if (n)
		assert_int_equal(n->chain, ic->index);
	assert_null(cc_node_resolve(cat, "ic.no_such_node", NULL, &err));
	assert_non_null(strstr(err.msg, "no_such_node"));
	assert_null(cc_node_resolve(cat, "nochain.x", NULL, &err));
}

/* Structured reasons render in each language; free text, unknown codes and missing
 * parameters come out as they are. */
static void test_reason(void **state)
{
	(void)state;
	struct cc_buf b = CC_BUF_INIT(4096);
	const char *rank = "{\"code\":\"list.model_rank\",\"model\":{\"zh\":\"上市后备\","
			   "\"en\":\"Listing reserve\"},\"rank\":3,\"score\":57.06}";
	assert_int_equal(cc_reason_render(rank, CC_LANG_ZH, &b), 0);
	assert_string_equal(cc_buf_str(&b), "模型「上市后备」排名第 3，得分 57.06（0–100）");
	cc_buf_reset(&b);
	assert_int_equal(cc_reason_render(rank, CC_LANG_EN, &b), 0);
	assert_string_equal(cc_buf_str(&b),
			    "Rank 3 in the model \"Listing reserve\", score 57.06 (0–100)");
	char code[64];
	assert_int_equal(cc_reason_code(rank, code, sizeof code), 1);
	assert_string_equal(code, "list.model_rank");
	/* A pair with one language only falls back to the other. */
	cc_buf_reset(&b);
	cc_reason_render("{\"code\":\"list.model_rank\",\"model\":{\"zh\":\"甲\"},\"rank\":1}",
			 CC_LANG_EN, &b);
	assert_string_equal(cc_buf_str(&b), "Rank 1 in the model \"甲\", score {score} (0–100)");
	cc_buf_reset(&b);
	cc_reason_render("{\"code\":\"list.dropped_out\"}", CC_LANG_EN, &b);
	assert_string_equal(cc_buf_str(&b), "Dropped out of the model run");
	/* Free text, old stored reasons, broken JSON and unknown codes. */
	const char *as_is[] = {"区县推荐 added",
			       "模型 lr 排名 1，得分 0.5706 (model rank 1, score 0.5706)",
			       "{not json", "{\"x\":1}", ""};
	for (size_t i = 0; i < sizeof as_is / sizeof as_is[0]; i++) {
		cc_buf_reset(&b);
		assert_int_equal(cc_reason_render(as_is[i], CC_LANG_EN, &b), 0);
		assert_string_equal(cc_buf_str(&b), as_is[i]);
		assert_int_equal(cc_reason_code(as_is[i], NULL, 0), 0);
	}
	cc_buf_reset(&b);
	cc_reason_render(NULL, CC_LANG_ZH, &b);
	assert_string_equal(cc_buf_str(&b), "");
	cc_buf_reset(&b);
	cc_reason_render("{\"code\":\"no.such\"}", CC_LANG_ZH, &b);
	assert_string_equal(cc_buf_str(&b), "no.such");
	assert_int_equal(cc_reason_code("{\"code\":\"no.such\"}", NULL, 0), 0);
	cc_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uscc_valid),	 cmocka_unit_test(test_uscc_invalid),
		cmocka_unit_test(test_orgcode),		 cmocka_unit_test(test_derive),
		cmocka_unit_test(test_metric_catalogue), cmocka_unit_test(test_codes),
		cmocka_unit_test(test_catalogue),	 cmocka_unit_test(test_region_rule),
		cmocka_unit_test(test_region_area),	 cmocka_unit_test(test_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
