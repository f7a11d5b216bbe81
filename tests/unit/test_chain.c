/*
 * Unit tests of chain/: node metrics, classification, targets and extension on a small
 * hand-built display chain, with every expected number worked out by hand below.
 *
 * Enterprises (output value 万元 by year; region):
 *   A 500112 (Chongqing) display.lcd_panel master  output 2021 500, 2023 640, 2024 800;
 *                                                  revenue 2024 1000, R&D 50
 *   B 500107 (Chongqing) display.lcd_panel core    output 2023 160, 2024 200; revenue 300, R&D 9
 *   C 500106 (Chongqing) display.polarizer member  output 2023 50, 2024 50; revenue 60, R&D 3
 *   D 440305 (Shenzhen)  display.polarizer member  output 2024 1000
 *   E 510116 (Chengdu)   display.tft_glass member  output 2024 300; revenue 2023 250, 2024 350
 * Supply (a year, 万元): D->A polarizer 90; C->A polarizer 10; E->B tft_glass 40;
 *   X (320506, not registered)->A tft_glass 60; X->A lcm 30.
 *
 * Chongqing scope: chain output = 800 + 200 + 50 = 1050.
 *   lcd_panel: 2 enterprises (1 master, 1 core), output 1000, share 1000/1050 = 0.952381,
 *     YoY over A and B = 1000/800 - 1 = 0.25, CAGR3 over A = (800/500)^(1/3) - 1 = 0.169607,
 *     R&D intensity (50+9)/(1000+300) = 0.0453846, no purchases -> coverage unknown;
 *     weak (2 < 3 enterprises).
 *   polarizer: 1 enterprise, output 50, share 0.047619; purchases 10 inside, 90 outside ->
 *     coverage 0.1; weak.  optical_materials (its parent) the same.
 *   tft_glass: no maker in Chongqing -> missing; coverage 0 (40 + 60 from outside).
 *   HHI = 76.1905^2 + 19.0476^2 + 4.7619^2 = 6190.476.
 *   Targets at tft_glass: E (sells 40 to 1 buyer; revenue 350, +40%) and X (sells 60).
 *     Scores with weights .45/.25/.15/.15: E = .45*(40/60) + .25*1 + .15*(0.4/0.5) = 0.67,
 *     X = .45*1 = 0.45, so E ranks first.
 *   Extension (midstream/downstream, demand, no local maker): lcm (30) and module (its parent).
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
#include "chain/chain.h"
#include "domain/uscc.h"
#include "io/import.h"

/* cmocka 1.1 compares floats in single precision; these tests need doubles. */
#define near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static char dir[] = "/tmp/cc-chain-XXXXXX";
static struct cc_store *st;
static struct cc_frame *frame;
static char A[19], B[19], C[19], D[19], E[19], F[19], X[19];

static void load(const char *name, const char *text)
{
	tu_load(st, dir, name, text);
}

static int setup(void **state)
{
	(void)state;
	char p[256], t[4096];
	struct cc_error err = {0};
	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof p, "%s/c.db", dir);
	if (cc_store_open(&st, p, CC_STORE_CREATE, &err))
		return -1;
	tu_uscc(A, 500112, 1);
	tu_uscc(B, 500107, 2);
	tu_uscc(C, 500106, 3);
	tu_uscc(D, 440305, 4);
	tu_uscc(E, 510116, 5);
	tu_uscc(X, 320506, 6);
	tu_uscc(F, 500000, 7); /* registered with the municipality's code only: of no district */
	snprintf(t, sizeof t,
		 "uscc,name,region,certs\n%s,A,500112,\n%s,B,500107,\n%s,C,500106,hightech\n"
		 "%s,D,440305,\n%s,E,510116,\n%s,F,500000,\n",
		 A, B, C, D, E, F);
	load("e.csv", t);
	snprintf(t, sizeof t,
		 "uscc,period,output_value,revenue,rd_expense\n"
		 "%s,2021,500,,\n%s,2023,640,,\n%s,2024,800,1000,50\n"
		 "%s,2023,160,,\n%s,2024,200,300,9\n"
		 "%s,2023,50,,\n%s,2024,50,60,3\n"
		 "%s,2024,1000,,\n"
		 "%s,2023,,250,\n%s,2024,300,350,\n%s,2024,70,,\n",
		 A, A, A, B, B, C, C, D, E, E, F);
	load("i.csv", t);
	snprintf(t, sizeof t,
		 "uscc,chain,node,role\n%s,display,lcd_panel,master\n%s,display,lcd_panel,core\n"
		 "%s,display,polarizer,member\n%s,display,polarizer,member\n"
		 "%s,display,tft_glass,member\n",
		 A, B, C, D, E);
	load("m.csv", t);
	snprintf(t, sizeof t,
		 "supplier,buyer,product,node,annual_value,share\n"
		 "%s,%s,偏光片,display.polarizer,90,0.9\n%s,%s,偏光片2,display.polarizer,10,1\n"
		 "%s,%s,玻璃,display.tft_glass,40,1\n%s,%s,玻璃,display.tft_glass,60,1\n"
		 "%s,%s,模组,display.lcm,30,1\n",
		 D, A, C, A, E, B, X, A, X, A);
	load("s.csv", t);
	return cc_frame_build(st, 0, &frame, &err);
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	cc_frame_release(frame);
	cc_store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct chain_node_metrics *find(const struct chain_node_metrics *m, int n,
					     const char *id)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	for (int k = 0; k < n; k++)
		if (strcmp(cat->nodes[m[k].node].id, id) == 0)
			return &m[k];
	fail_msg("no node %s", id);
	return NULL;
}

static void analyse(const char *scope_name, const struct chain_rules *rules,
		    struct chain_node_metrics *m, struct chain_summary *sum, int *n)
{
	struct cc_error err = {0};
	struct chain_scope scope;
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	const struct cc_chain *ch = cc_chain_find(cat, "display");
	assert_non_null(ch);
	assert_int_equal(chain_scope_parse(scope_name, &scope, &err), 0);
	assert_int_equal(chain_analyse(frame, ch->index, &scope, 2024, rules, m, sum, &err), 0);
	*n = ch->nnodes;
}

static void test_node_metrics(void **state)
{
	(void)state;
	struct chain_node_metrics m[64];
	struct chain_summary sum;
	int n;
	const struct chain_rules *rules = chain_rules_get(NULL);
	assert_non_null(rules);
	analyse("chongqing", rules, m, &sum, &n);
	const struct chain_node_metrics *lcd = find(m, n, "lcd_panel");
	assert_int_equal(lcd->enterprises, 2);
	assert_int_equal(lcd->masters, 1);
	assert_int_equal(lcd->core, 1);
	near(lcd->output, 1000, 1e-9);
	near(lcd->output_share, 1000.0 / 1050.0, 1e-9);
	near(lcd->yoy, 0.25, 1e-12);
	near(lcd->cagr3, pow(800.0 / 500.0, 1.0 / 3) - 1, 1e-12);
	near(lcd->rd_intensity, 59.0 / 1300.0, 1e-12);
	assert_true(isnan(lcd->local_coverage));
	assert_int_equal(lcd->cls, CHAIN_WEAK);
	assert_non_null(strstr(lcd->reason_en, "2 enterprises"));
	assert_non_null(strstr(lcd->reason_en, "95.2% of chain output"));
	assert_non_null(strstr(lcd->reason_en, "weak: fewer than 3 enterprises"));
	assert_non_null(strstr(lcd->reason_zh, "薄弱：企业少于 3 家"));
	/* The parent node holds its subtree. */
	const struct chain_node_metrics *panel = find(m, n, "panel");
	assert_int_equal(panel->enterprises, 2);
	near(panel->output, 1000, 1e-9);
	const struct chain_node_metrics *pol = find(m, n, "polarizer");
	assert_int_equal(pol->enterprises, 1);
	assert_int_equal(pol->hightech, 1);
	near(pol->local_coverage, 0.1, 1e-12);
	near(pol->purchases_out, 90, 1e-9);
	assert_int_equal(pol->cls, CHAIN_WEAK);
	assert_non_null(strstr(pol->reason_en, "90% of purchases come from outside Chongqing"));
	assert_non_null(strstr(pol->reason_zh, "90% 的采购来自重庆市以外"));
	const struct chain_node_metrics *opt = find(m, n, "optical_materials");
	near(opt->local_coverage, 0.1, 1e-12);
	const struct chain_node_metrics *tft = find(m, n, "tft_glass");
	assert_int_equal(tft->enterprises, 0);
	assert_int_equal(tft->cls, CHAIN_MISSING);
	near(tft->local_coverage, 0, 1e-12);
	/* Chain summary. */
	near(sum.output, 1050, 1e-9);
	double a = 800.0 / 1050 * 100, b = 200.0 / 1050 * 100, c = 50.0 / 1050 * 100;
	near(sum.output_hhi, a * a + b * b + c * c, 1e-6);
	assert_int_equal(sum.leaves_present, 2);
	near(sum.completeness, 2.0 / sum.leaves, 1e-12);
	assert_int_equal(sum.enterprises, 3);
	assert_int_equal(sum.weak + sum.missing + sum.adequate + sum.strong, n);
}

static void test_scope(void **state)
{
	(void)state;
	struct chain_node_metrics m[64];
	struct chain_summary sum;
	int n;
	const struct chain_rules *rules = chain_rules_get(NULL);
	/* Chengdu and Chongqing together: E's tft_glass is now present, and E -> B is local. */
	analyse("both", rules, m, &sum, &n);
	const struct chain_node_metrics *tft = find(m, n, "tft_glass");
	assert_int_equal(tft->enterprises, 1);
	near(tft->local_coverage, 0.4, 1e-12);
	/* A list of district codes: only 500112 (A). */
	analyse("500112", rules, m, &sum, &n);
	assert_int_equal(find(m, n, "lcd_panel")->enterprises, 1);
	near(sum.output, 800, 1e-9);
	/* Bad scopes. */
	struct chain_scope scope;
	struct cc_error err = {0};
	assert_int_equal(chain_scope_parse("atlantis", &scope, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "atlantis"));
	assert_int_equal(chain_scope_parse("999999", &scope, &err), CC_EINVAL);
}

/* The area of CODE in AREAS (N), or a failure. */
static const struct chain_area *area(const struct chain_area *areas, int n, int code)
{
	for (int k = 0; k < n; k++)
		if (areas[k].code == code)
			return &areas[k];
	fail_msg("no area %d", code);
	return NULL;
}

/*
 * The district map's figures (chain_areas): Chongqing's 38 areas with A, B, C in theirs and
 * growth over the same firms (A 640 -> 800, B 160 -> 200, C 50 -> 50); F (500000) of no area;
 * Guangdong by city (D in 440300); with the chain, each area's missing links are
 * chain_analyse's with the area as the scope, and E's area is Chengdu (510116 -> 510100).
 */
static void test_areas(void **state)
{
	(void)state;
	struct chain_area *areas = NULL, unplaced;
	struct chain_scope scope;
	struct cc_error err = {0};
	int n = 0;
	assert_int_equal(chain_scope_parse("chongqing", &scope, &err), 0);
	assert_int_equal(chain_areas(frame, -1, &scope, 2024, &areas, &n, &unplaced, &err), 0);
	assert_int_equal(n, 38);
	const struct chain_area *a = area(areas, n, 500112);
	assert_int_equal(a->enterprises, 1);
	near(a->output, 800, 1e-9);
	near(a->yoy, 0.25, 1e-12);
	assert_int_equal(a->missing, -1);
	near(area(areas, n, 500106)->yoy, 0, 1e-12);
	assert_int_equal(area(areas, n, 500101)->enterprises, 0);
	assert_true(isnan(area(areas, n, 500101)->yoy));
	assert_int_equal(unplaced.enterprises, 1);
	near(unplaced.output, 70, 1e-9);
	int total = unplaced.enterprises;
	for (int k = 0; k < n; k++)
		total += areas[k].enterprises;
	assert_int_equal(total, 4); /* A, B, C and F: every firm in Chongqing */
	free(areas);

	assert_int_equal(chain_scope_parse("440000", &scope, &err), 0);
	assert_int_equal(chain_areas(frame, -1, &scope, 2024, &areas, &n, &unplaced, &err), 0);
	assert_int_equal(area(areas, n, 440300)->enterprises, 1);
	near(area(areas, n, 440300)->output, 1000, 1e-9);
	assert_true(isnan(area(areas, n, 440300)->yoy)); /* no output in 2023 */
	free(areas);

	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const struct cc_chain *ch = cc_chain_find(cat, "display");
	const struct chain_rules *rules = chain_rules_get(NULL);
	struct chain_node_metrics m[64];
	struct chain_summary sum;
	assert_int_equal(chain_scope_parse("both", &scope, &err), 0);
	assert_int_equal(chain_areas(frame, ch->index, &scope, 2024, &areas, &n, &unplaced, &err),
			 0);
	assert_int_equal(n, 38 + 4);
	assert_int_equal(area(areas, n, 510100)->enterprises, 1);
	near(area(areas, n, 510100)->output, 300, 1e-9);
	assert_int_equal(unplaced.enterprises, 0); /* F is a member of no chain */
	static const int codes[] = {500112, 500107, 500106, 510100, 500101};
	for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++) {
		char s[16];
		int nn;
		snprintf(s, sizeof s, "%d", codes[k]);
		analyse(s, rules, m, &sum, &nn);
		a = area(areas, n, codes[k]);
		assert_int_equal(a->missing, sum.missing);
		assert_int_equal(a->enterprises, sum.enterprises);
	}
	assert_int_equal(area(areas, n, 500101)->missing, ch->nnodes);
	free(areas);
}

static void test_threshold_change(void **state)
{
	(void)state;
	/* The same data under other rules: weak needs fewer than 1 enterprise, strong needs 2. */
	static const char *const rules_json =
		"{\"classification\":{\"weak\":{\"any\":[{\"metric\":\"enterprises\",\"op\":\"<\","
		"\"value\":1}]},\"strong\":{\"all\":[{\"metric\":\"enterprises\",\"op\":\">=\","
		"\"value\":2},{\"metric\":\"masters_core\",\"op\":\">=\",\"value\":1}]}},"
		"\"targets\":{\"weights\":{\"value_to_local\":1}},\"extension\":{\"stages\":[]}}";
	struct chain_rules r;
	struct cc_error err = {0};
	assert_int_equal(chain_rules_parse(rules_json, &r, &err), 0);
	struct chain_node_metrics m[64];
	struct chain_summary sum;
	int n;
	analyse("chongqing", &r, m, &sum, &n);
	assert_int_equal(find(m, n, "lcd_panel")->cls, CHAIN_STRONG);
	assert_int_equal(find(m, n, "polarizer")->cls, CHAIN_ADEQUATE);
	/* A bad rules file is refused with the reason. */
	assert_int_equal(chain_rules_parse("{\"classification\":{\"weak\":{\"any\":[{\"metric\":"
					   "\"colour\",\"op\":\"<\",\"value\":1}]}}}",
					   &r, &err),
			 CC_EINVAL);
	assert_non_null(strstr(err.msg, "colour"));
}

static void test_targets_and_extension(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct chain_scope scope;
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	const struct cc_chain *ch = cc_chain_find(cat, "display");
	const struct chain_rules *rules = chain_rules_get(&err);
	assert_int_equal(chain_scope_parse("chongqing", &scope, &err), 0);
	const struct cc_node *tft = cc_node_find(cat, ch, "tft_glass");
	struct chain_target t[8];
	int n = chain_targets(frame, tft->index, &scope, 2024, rules, t, 8, &err);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].uscc, E);
	assert_int_equal(t[0].kind, CHAIN_TARGET_SUPPLIER);
	near(t[0].value_to_local, 40, 1e-9);
	near(t[0].score, 0.45 * 40.0 / 60.0 + 0.25 + 0.15 * 0.8, 1e-9);
	assert_non_null(strstr(t[0].reason_en, "sells 40"));
	assert_string_equal(t[1].uscc, X);
	assert_int_equal(t[1].ent, -1);
	near(t[1].score, 0.45, 1e-9);
	assert_non_null(strstr(t[1].reason_en, "not in the registry"));
	/* Makers outside the scope: D makes polarizers in Shenzhen and sells to A. */
	const struct cc_node *pol = cc_node_find(cat, ch, "polarizer");
	n = chain_targets(frame, pol->index, &scope, 2024, rules, t, 8, &err);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].uscc, D);
	/* Extension. */
	struct chain_node_metrics m[64];
	struct chain_summary sum;
	int nn;
	analyse("chongqing", rules, m, &sum, &nn);
	int ext[64];
	double demand[64];
	int ne = chain_extension(frame, ch->index, rules, m, ext, demand);
	assert_int_equal(ne, 2);
	int saw_lcm = 0;
	for (int i = 0; i < ne; i++)
		if (strcmp(cat->nodes[ext[i]].id, "lcm") == 0) {
			saw_lcm = 1;
			near(demand[i], 30, 1e-9);
		}
	assert_true(saw_lcm);
}

/*
 * The monthly brief (chain_brief): monthly output A 60 -> 66, B 20 -> 18 (Oct -> Nov 2024),
 * C only in November, D (Shenzhen) 100 -> 110. In Chongqing this month is 2024-11 (the latest
 * with data), last month 2024-10, over the firms that reported both: A and B, 84 against 80,
 * +5%; C is left out (no October), D is outside. lcd_panel holds A and B (the same); polarizer
 * holds only C, so it has no comparable firm. No firm a year earlier: year_ago is null.
 */
static void test_brief(void **state)
{
	(void)state;
	char t[1024];
	struct cc_error err = {0};
	struct cc_frame *f = NULL;
	struct chain_scope scope;
	snprintf(t, sizeof t,
		 "uscc,period,output_value\n%s,2024-10,60\n%s,2024-11,66\n%s,2024-10,20\n"
		 "%s,2024-11,18\n%s,2024-11,5\n%s,2024-10,100\n%s,2024-11,110\n",
		 A, A, B, B, C, D, D);
	load("mi.csv", t);
	assert_int_equal(cc_frame_build(st, CC_FRAME_MONTHLY, &f, &err), 0);
	assert_int_equal(chain_scope_parse("chongqing", &scope, &err), 0);
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	const struct cc_chain *ch = cc_chain_find(cat, "display");
	uint8_t *mask = calloc((size_t)cat->nchains, 1);
	mask[ch->index] = 1;
	struct chain_brief_opts o = {.scope = &scope, .year = 2024, .chains = mask, .detail = 1};
	json_t *b = NULL;
	assert_int_equal(chain_brief(f, NULL, chain_rules_get(NULL), &o, &b, &err), 0);
	assert_string_equal(json_string_value(json_object_get(b, "month")), "2024-11");
	assert_string_equal(json_string_value(json_object_get(b, "previous_month")), "2024-10");
	assert_int_equal(json_array_size(json_object_get(b, "chains")), 1);
	const json_t *c = json_array_get(json_object_get(b, "chains"), 0);
	const json_t *m = json_object_get(c, "month");
	near(json_number_value(json_object_get(m, "output")), 84, 1e-9);
	near(json_number_value(json_object_get(m, "previous")), 80, 1e-9);
	near(json_number_value(json_object_get(m, "change")), 0.05, 1e-12);
	assert_int_equal(json_integer_value(json_object_get(m, "firms")), 2);
	assert_true(json_is_null(json_object_get(m, "year_ago")));
	assert_true(json_is_null(json_object_get(c, "resilience")));
	const json_t *n, *nodes = json_object_get(c, "nodes");
	size_t i;
	int seen = 0;
	json_array_foreach(nodes, i, n)
	{
		const char *id = json_string_value(json_object_get(n, "node"));
		const json_t *nm = json_object_get(n, "month");
		if (strcmp(id, "lcd_panel") == 0) {
			near(json_number_value(json_object_get(nm, "output")), 84, 1e-9);
			seen++;
		} else if (strcmp(id, "polarizer") == 0) {
			assert_int_equal(json_integer_value(json_object_get(nm, "firms")), 0);
			assert_true(json_is_null(json_object_get(nm, "output")));
			seen++;
		}
	}
	assert_int_equal(seen, 2);
	json_decref(b);
	/* A month without the month before it in the data is refused. */
	o.month = 202410;
	assert_int_equal(chain_brief(f, NULL, chain_rules_get(NULL), &o, &b, &err), CC_EINVAL);
	assert_null(b);
	free(mask);
	cc_frame_release(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_metrics),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_areas),
		cmocka_unit_test(test_threshold_change),
		cmocka_unit_test(test_targets_and_extension),
		cmocka_unit_test(test_brief),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
