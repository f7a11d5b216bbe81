/*
 * Unit tests of risk/tts: the time-to-survive and time-to-recover programmes of Simchi-Levi,
 * Wang & Wei (Interfaces 45(5), 2015) on networks small enough to solve by hand (each expected
 * number is worked out in the comment above its test), the unbounded case, the CSV readers
 * and their errors, cycles, and the neighbourhood model built from a tiny imported registry.
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
#include <cmocka.h>
#include "frame/frame.h"
#include "risk/tts.h"
#include "store/store.h"
#include "testutil.h"

/* cmocka 1.1 compares floats in single precision; these tests need doubles. */
#define near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static void parse(struct tts_model *m, const char *nodes, const char *edges)
{
	struct cc_error err = {0};
	tts_model_init(m);
	int rc = tts_parse_nodes(m, nodes, strlen(nodes), "n.csv", &err);
	if (rc == 0)
		rc = tts_parse_edges(m, edges, strlen(edges), "e.csv", &err);
	if (rc == 0)
		rc = tts_model_check(m, "e.csv", &err);
	if (rc)
		print_error("%s\n", err.msg);
	assert_int_equal(rc, 0);
}

/* Parses NODES and EDGES expecting failure with a message containing WANT. */
static void parse_fails(const char *nodes, const char *edges, const char *want)
{
	struct tts_model m;
	struct cc_error err = {0};
	tts_model_init(&m);
	int rc = tts_parse_nodes(&m, nodes, strlen(nodes), "n.csv", &err);
	if (rc == 0 && edges)
		rc = tts_parse_edges(&m, edges, strlen(edges), "e.csv", &err);
	if (rc == 0 && edges)
		rc = tts_model_check(&m, "e.csv", &err);
	assert_true(rc < 0);
	if (!strstr(err.msg, want))
		print_error("message '%s' lacks '%s'\n", err.msg, want);
	assert_non_null(strstr(err.msg, want));
	tts_model_release(&m);
}

static void evaluate(const struct tts_model *m, double ttr, struct tts_scenario **sc)
{
	struct cc_error err = {0};
	int rc = tts_evaluate_all(m, ttr, sc, &err);
	if (rc)
		print_error("%s\n", err.msg);
	assert_int_equal(rc, 0);
}

/*
 * Two suppliers S1 (unlimited) and S2 (capacity 3 per period) of material m to plant P
 * (capacity 10, 6 units on hand), which makes product D (demand 10 per period, 20 on hand,
 * margin 5 per unit). All units 1.
 *
 * S1 disrupted: P makes at most 3 per period from S2, so D receives 3t + 6 (P's stock) and has
 * 20: 10t <= 3t + 26, TTS = 26/7 = 3.714286. Over T = 5: demand 50, supply 15 + 26 = 41, lost
 * 9 units x 5 = 45.
 * S2 disrupted: S1 feeds P at 10 per period: demand met indefinitely (null), lost 0.
 * P disrupted: 6 + 20 on hand: TTS = 2.6; lost (50 - 26) x 5 = 120.
 * D disrupted: D cannot assemble, P's stock cannot reach the market, D's own 20 can:
 * TTS = 2; lost 30 x 5 = 150 (the largest).
 * REI = 45/150 = 0.3, 0, 120/150 = 0.8, 1.
 */
static const char *ex_nodes = "id,kind,capacity,inventory,demand,margin\n"
			      "S1,supplier,,0,0,0\n"
			      "S2,supplier,3,0,0,0\n"
			      "P,plant,10,6,0,0\n"
			      "D,product,,20,10,5\n";
static const char *ex_edges = "from,to,material,units\n"
			      "S1,P,m,1\n"
			      "S2,P,m,1\n"
			      "P,D,p,1\n";

static void test_alternatives_and_stock(void **state)
{
	(void)state;
	struct tts_model m;
	struct tts_scenario *sc;
	parse(&m, ex_nodes, ex_edges);
	assert_int_equal(m.nnodes, 4);
	assert_int_equal(m.nedges, 3);
	assert_int_equal(m.nmaterials, 2);
	evaluate(&m, 5, &sc);
	near(sc[0].tts, 26.0 / 7, 1e-7);
	near(sc[0].lost, 45, 1e-6);
	near(sc[0].rei, 0.3, 1e-9);
	assert_true(isinf(sc[1].tts));
	near(sc[1].lost, 0, 1e-9);
	near(sc[1].rei, 0, 1e-12);
	near(sc[2].tts, 2.6, 1e-7);
	near(sc[2].lost, 120, 1e-6);
	near(sc[2].rei, 0.8, 1e-9);
	near(sc[3].tts, 2, 1e-7);
	near(sc[3].lost, 150, 1e-6);
	near(sc[3].rei, 1, 1e-12);
	for (int j = 0; j < 4; j++)
		assert_int_equal(sc[j].disrupted, j);
	free(sc);
	tts_model_release(&m);
}

/*
 * Units other than 1 and the disrupted node's own stock (usable, the paper's reading):
 * S (8 on hand) -> P at 2 units of m per P (P capacity 4) -> D (demand 4, margin 2).
 * S disrupted: P can make 8/2 = 4 units in all: 4t <= 4, TTS = 1; over T = 3: lost (12 - 4)
 * x 2 = 16. P disrupted: nothing reaches D: TTS 0, lost 24. Per-node TTS of D with S down is
 * the system TTS (one demand node).
 */
static void test_units_and_disrupted_stock(void **state)
{
	(void)state;
	struct tts_model m;
	struct tts_scenario *sc;
	struct tts_solver *s;
	struct cc_error err = {0};
	double t, lost, units[3];
	parse(&m,
	      "id,kind,capacity,inventory,demand,margin\nS,supplier,,8,,\nP,plant,4,,,\n"
	      "D,product,,,4,2\n",
	      "from,to,material,units\nS,P,m,2\nP,D,p,1\n");
	evaluate(&m, 3, &sc);
	near(sc[0].tts, 1, 1e-7);
	near(sc[0].lost, 16, 1e-6);
	near(sc[1].tts, 0, 1e-9);
	near(sc[1].lost, 24, 1e-6);
	assert_true(sc[2].tts < 1e-9);
	near(sc[2].rei, 1, 1e-12);
	assert_int_equal(tts_solver_new(&s, &m, &err), 0);
	int zero = 0;
	assert_int_equal(tts_solve_tts(s, &zero, 1, 2, &t, &err), 0);
	near(t, 1, 1e-7);
	assert_int_equal(tts_node_tts(&m, &zero, 1, 2, &t, &err), 0);
	near(t, 1, 1e-7);
	assert_int_equal(tts_solve_ttr(s, &zero, 1, 3, &lost, units, &err), 0);
	near(lost, 16, 1e-6);
	near(units[2], 8, 1e-6);
	near(units[0], 0, 1e-9);
	/* Nothing disrupted: S (unlimited) feeds P's 4 a period: demand met indefinitely. */
	assert_int_equal(tts_solve_tts(s, NULL, 0, -1, &t, &err), 0);
	assert_true(isinf(t));
	tts_solver_free(s);
	free(sc);
	tts_model_release(&m);
}

/*
 * Unbounded: a plant with two unlimited suppliers and no stock at all. Any single supplier's
 * loss leaves the other: tts null for both suppliers, lost 0, rei 0 (max lost is the plant's
 * and the product's own disruption: 10 a period x T = 2 x margin 1 = 20).
 */
static void test_unbounded(void **state)
{
	(void)state;
	struct tts_model m;
	struct tts_scenario *sc;
	parse(&m,
	      "id,kind,capacity,inventory,demand,margin\nA,supplier,,,,\nB,supplier,,,,\n"
	      "P,product,,,10,1\n",
	      "from,to,material,units\nA,P,steel,1\nB,P,steel,1\n");
	evaluate(&m, 2, &sc);
	assert_true(isinf(sc[0].tts));
	assert_true(isinf(sc[1].tts));
	near(sc[0].rei, 0, 1e-12);
	near(sc[2].tts, 0, 1e-9);
	near(sc[2].lost, 20, 1e-6);
	free(sc);
	tts_model_release(&m);
	/* No demand anywhere: every scenario null, lost 0, rei 0 (not NaN). */
	parse(&m, "id,kind\nA,supplier\nB,plant\n", "from,to,units\nA,B,1\n");
	evaluate(&m, 1, &sc);
	for (int j = 0; j < 2; j++) {
		assert_true(isinf(sc[j].tts));
		near(sc[j].lost, 0, 1e-12);
		near(sc[j].rei, 0, 1e-12);
	}
	free(sc);
	tts_model_release(&m);
}

/*
 * Multi-tier, two materials, single-sourced steel: R (raw, 5 a period) -> S (steel) -> P
 * which also needs chips from C (unlimited). P -> D (demand 4, margin 1, stock 4).
 * S: capacity 6, stock 2. R: capacity 5. One steel per P, one chip per P.
 * R disrupted: S's stock 2 -> P makes 2 in all (C's chips alone make nothing): D gets 2 + 4:
 * 4t <= 6, TTS 1.5; T = 3: lost 12 - 6 = 6.
 * C disrupted: P makes nothing: 4t <= 4, TTS 1; lost 8.
 * S disrupted: S's stock 2 still ships: TTS 1.5, lost 6.
 * R's capacity 5 >= 4: without disruption demand is met (null).
 */
static void test_multi_tier_two_materials(void **state)
{
	(void)state;
	struct tts_model m;
	struct tts_scenario *sc;
	parse(&m,
	      "id,kind,capacity,inventory,demand,margin\nR,supplier,5,,,\nS,supplier,6,2,,\n"
	      "C,supplier,,,,\nP,plant,,,,\nD,product,,4,4,1\n",
	      "from,to,material,units\nR,S,ore,1\nS,P,steel,1\nC,P,chip,1\nP,D,p,1\n");
	evaluate(&m, 3, &sc);
	near(sc[0].tts, 1.5, 1e-7);
	near(sc[0].lost, 6, 1e-6);
	near(sc[1].tts, 1.5, 1e-7);
	near(sc[2].tts, 1, 1e-7);
	near(sc[2].lost, 8, 1e-6);
	near(sc[3].tts, 1, 1e-7);
	near(sc[4].tts, 1, 1e-7);
	near(sc[4].rei, 1, 1e-12);
	near(sc[0].rei, 6.0 / 8, 1e-9);
	free(sc);
	tts_model_release(&m);
}

/* Chinese headers, kinds and a GB18030 file are read like English UTF-8 ones. */
static void test_chinese_and_gb18030(void **state)
{
	(void)state;
	struct tts_model m;
	struct tts_scenario *sc;
	parse(&m,
	      "编号,类型,产能,库存,需求,利润\nS1,供应商,,0,0,0\nS2,供应商,3,0,0,0\nP,工厂,10,6,0,0\n"
	      "D,产品,,20,10,5\n",
	      "供方,需方,物料,用量\nS1,P,m,1\nS2,P,m,1\nP,D,p,1\n");
	evaluate(&m, 5, &sc);
	near(sc[0].tts, 26.0 / 7, 1e-7);
	free(sc);
	tts_model_release(&m);
	/* "编号,类型\n甲,供应商\n" in GB18030: 甲 = BC D7, 编号 = B1 E0 BA C5, 类型 = C0 E0 D0 CD,
	 * 供应商 = B9 A9 D3 A6 C9 CC. */
	static const char gb[] = "\xB1\xE0\xBA\xC5,\xC0\xE0\xD0\xCD\n\xBC\xD7,"
				 "\xB9\xA9\xD3\xA6\xC9\xCC\n";
	struct cc_error err = {0};
	tts_model_init(&m);
	assert_int_equal(tts_parse_nodes(&m, gb, sizeof gb - 1, "gb.csv", &err), 0);
	assert_int_equal(m.nnodes, 1);
	assert_string_equal(m.nodes[0].id, "甲");
	assert_int_equal(m.nodes[0].kind, TTS_SUPPLIER);
	assert_true(isinf(m.nodes[0].capacity));
	tts_model_release(&m);
}

static void test_errors(void **state)
{
	(void)state;
	parse_fails("", NULL, "'n.csv' is empty");
	parse_fails("id,kind\n", NULL, "no nodes");
	parse_fails("id,capacity\nA,1\n", NULL, "missing column 'kind'");
	parse_fails("id,kind\nA,factory\n", NULL,
		    "line 2, column 2 (kind): unknown kind 'factory'");
	parse_fails("id,kind\nA,plant\nA,plant\n", NULL, "line 3, column 1 (id): duplicate id 'A'");
	parse_fails("id,kind,capacity\nA,plant,-1\n", NULL,
		    "line 2, column 3 (capacity): -1 is negative");
	parse_fails("id,kind,demand\nA,plant,lots\n", NULL,
		    "line 2, column 3 (demand): 'lots' is not a number");
	parse_fails("id,kind\n,plant\n", NULL, "empty id");
	parse_fails("id,kind\nA,plant,extra\n", NULL, "line 2, column 3");
	parse_fails("id,kind\nA,plant\nB,plant\n", "from,to,units\nA,C,1\n",
		    "'e.csv' line 2, column 2 (to): unknown node 'C'");
	parse_fails("id,kind\nA,plant\nB,plant\n", "from,to,units\nA,B,0\n",
		    "line 2, column 3 (units)");
	parse_fails("id,kind\nA,plant\nB,plant\n", "from,to,units\nA,B,x\n", "'x' is not a number");
	parse_fails("id,kind\nA,plant\nB,plant\n", "from,to\nA,B\n", "missing column 'units'");
	parse_fails("id,kind\nA,plant\nB,plant\n", "", "'e.csv' is empty");
	parse_fails("id,kind\nA,plant\n", "from,to,units\nA,A,1\n", "to itself");
	parse_fails("id,kind\nA,plant\nB,plant\nC,plant\n", "from,to,units\nA,B,1\nB,C,1\nC,B,1\n",
		    "closes a cycle");
	parse_fails("id,kind\nA,plant\nB,plant\n", "from,to,material,units\nA,B,m,1\nA,B,m,2\n",
		    "repeats line 2");
	parse_fails("id,kind\nA,plant\n\"B,plant\n", NULL, "n.csv");
	parse_fails("id,kind\n\xff\xfe,plant\n", NULL, "n.csv");
}

/* ---- The neighbourhood model from an imported registry ------------------------------------ */

static char dir[] = "/tmp/cc-tts-XXXXXX";
static struct cc_store *st;
static struct cc_frame *frame;
static char A[19], B[19], C[19], D[19], E[19], X[19];

/*
 * A supplies B (polarizer, 3900 万元 a year, share 0.75); C supplies B the rest (1300, 0.25);
 * B supplies D (module, 5200, share 1). Revenues 2024: A 5200, B 10400, C 2600, D 10400; net
 * profit B 2080 (20%), D 1560 (15%). E is registered but sells nothing. X, outside the
 * registry, sells D glass (520, share 1).
 */
static int setup(void **state)
{
	(void)state;
	char p[256], t[4096];
	struct cc_error err = {0};
	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof p, "%s/t.db", dir);
	if (cc_store_open(&st, p, CC_STORE_CREATE, &err))
		return -1;
	tu_uscc(A, 500112, 11);
	tu_uscc(B, 500107, 12);
	tu_uscc(C, 500106, 13);
	tu_uscc(D, 510116, 14);
	tu_uscc(E, 500112, 15);
	tu_uscc(X, 320506, 16);
	snprintf(t, sizeof t,
		 "uscc,name,region\n%s,A,500112\n%s,B,500107\n%s,C,500106\n"
		 "%s,D,510116\n%s,E,500112\n",
		 A, B, C, D, E);
	tu_load(st, dir, "e.csv", t);
	snprintf(t, sizeof t,
		 "uscc,period,revenue,net_profit\n%s,2024,5200,\n%s,2024,10400,2080\n"
		 "%s,2024,2600,\n%s,2024,10400,1560\n",
		 A, B, C, D);
	tu_load(st, dir, "i.csv", t);
	snprintf(t, sizeof t,
		 "supplier,buyer,product,node,annual_value,share\n"
		 "%s,%s,偏光片,display.polarizer,3900,0.75\n"
		 "%s,%s,偏光片,display.polarizer,1300,0.25\n"
		 "%s,%s,模组,display.lcm,5200,1\n"
		 "%s,%s,玻璃,display.tft_glass,520,1\n",
		 A, B, C, B, B, D, X, D);
	tu_load(st, dir, "s.csv", t);
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

static const struct tts_report_node *rnode(const struct tts_report *r, const char *uscc)
{
	for (int k = 0; k < r->nnodes; k++)
		if (r->nodes[k].ent >= 0 && strcmp(frame->uscc[r->nodes[k].ent], uscc) == 0)
			return &r->nodes[k];
	fail_msg("no node %s", uscc);
	return NULL;
}

/*
 * Weekly: A 100, B 200 (demand 200 - 100 sold to D = 100), D 200 (demand 200). One week of
 * stock (inventory_weeks = 1): A 100, B 200, D 200; capacity x 1.2.
 * B's need of polarizer = 3900 / 0.75 = 5200 a year = 100 a week: r = 100/200 = 0.5.
 * C, the alternative, may deliver its share and a fifth more (the disruption's rule):
 * 0.25 x 1.2 x 100 = 30 a week: 60 B-units a week.
 * A disrupted: u_B <= 2 (100 + 30t) = 200 + 60t; D needs y_BD >= (200t - 200)/2 = 100t - 100;
 * B: y_BD + 100t <= u_B + 200. So 200t - 100 <= 60t + 400: TTS = 500/140 = 3.571428...
 * B alone (D may go short): 100t <= 60t + 400: 10 weeks. D alone (B's whole output to D):
 * 200t <= 2 (400 + 60t) + 200: 12.5 weeks. Under the TTR of 10 weeks? No (at_risk is strict).
 * TTR = 10: B has at most 800 + 200 = 1000; B's demand 1000 and D's y_BD = 900 - l_D/2:
 * l_B + l_D/2 >= 900; a unit of the row costs 0.2 at B and 0.15 x 2 = 0.3 at D: l_B = 900,
 * lost = 180.
 * Ranking: B down: its 200 on hand: l_B = 1000, l_D = 1400: 200 + 210 = 410 (TTS: 200t - 100
 * <= 200: 1.5). D down: D's 200 on hand: l_D = 1800: 270 (TTS 1). A: 180. REI B 1, D
 * 270/410, A 180/410.
 */
static void test_from_frame(void **state)
{
	(void)state;
	struct tts_options o;
	struct tts_report r;
	struct cc_error err = {0};
	tts_options_default(&o);
	o.inventory_weeks = 1;
	o.ttr = 10;
	o.rank = 1;
	int a = cc_frame_find(frame, A);
	assert_true(a >= 0);
	int rc = tts_from_frame(frame, NULL, a, &o, &r, &err);
	if (rc)
		print_error("%s\n", err.msg);
	assert_int_equal(rc, 0);
	assert_int_equal(r.year, 2024);
	assert_int_equal(r.nnodes, 3);
	assert_int_equal(r.nalternatives, 1);
	assert_int_equal(r.truncated, 0);
	near(r.tts, 500.0 / 140, 1e-6);
	near(r.lost, 180, 1e-5);
	assert_int_equal(r.at_risk, 1);
	const struct tts_report_node *nb = rnode(&r, B), *nd = rnode(&r, D), *na = rnode(&r, A);
	assert_int_equal(na->tier, 0);
	assert_int_equal(nb->tier, 1);
	assert_int_equal(nd->tier, 2);
	near(nb->demand, 100, 1e-9);
	near(nd->demand, 200, 1e-9);
	near(nb->margin, 0.2, 1e-12);
	near(nd->margin, 0.15, 1e-12);
	near(na->margin, 0.1, 1e-12);
	near(nb->capacity, 240, 1e-9);
	near(nb->inventory, 200, 1e-9);
	near(nb->tts, 10, 1e-5);
	near(nd->tts, 12.5, 1e-5);
	assert_int_equal(nb->at_risk, 0);
	near(nb->lost_units, 900, 1e-4);
	near(nb->lost, 180, 1e-5);
	near(nd->lost_units, 0, 1e-6);
	assert_int_equal(nb->affected, 1);
	assert_true(isinf(na->tts));
	assert_int_equal(r.nrank, 3);
	assert_string_equal(frame->uscc[r.rank[0].ent], B);
	near(r.rank[0].lost, 410, 1e-4);
	near(r.rank[0].tts, 1.5, 1e-6);
	near(r.rank[0].rei, 1, 1e-12);
	assert_string_equal(frame->uscc[r.rank[1].ent], D);
	near(r.rank[1].rei, 270.0 / 410, 1e-6);
	near(r.rank[1].tts, 1, 1e-6);
	assert_string_equal(frame->uscc[r.rank[2].ent], A);
	near(r.rank[2].rei, 180.0 / 410, 1e-6);
	tts_report_release(&r);

	/* One tier only: B alone, D outside: B's demand is its whole output (200 a week):
	 * 200t <= 60t + 400: TTS = 400/140. */
	o.tiers = 1;
	o.rank = 0;
	assert_int_equal(tts_from_frame(frame, NULL, a, &o, &r, &err), 0);
	assert_int_equal(r.nnodes, 2);
	near(r.tts, 400.0 / 140, 1e-6);
	assert_int_equal(r.nrank, 0);
	tts_report_release(&r);

	/* At most two production nodes: A and B, D left out (truncated): the one-tier answer. */
	o.tiers = 2;
	o.max_nodes = 2;
	assert_int_equal(tts_from_frame(frame, NULL, a, &o, &r, &err), 0);
	assert_int_equal(r.nnodes, 2);
	assert_int_equal(r.truncated, 1);
	near(r.tts, 400.0 / 140, 1e-6);
	tts_report_release(&r);
	o.max_nodes = 300;

	/* Overrides: A holds no stock: 200t - 100 <= 60t + 200: TTS = 300/140. */
	char csv[256];
	struct tts_override *ov;
	int nov;
	snprintf(csv, sizeof csv, "uscc,inventory_weeks,capacity_slack\n%s,0,\n", A);
	assert_int_equal(tts_overrides_parse(csv, strlen(csv), "o.csv", &ov, &nov, &err), 0);
	assert_int_equal(nov, 1);
	o.tiers = 2;
	o.overrides = ov;
	o.noverrides = nov;
	struct tts_index *ix = tts_index_make(frame);
	assert_non_null(ix);
	assert_int_equal(tts_from_frame(frame, ix, a, &o, &r, &err), 0);
	near(r.tts, 300.0 / 140, 1e-6);
	tts_report_release(&r);
	free(ov);

	/* X (outside the registry): D needs 520 / 52 = 10 a week of glass per 200 of output
	 * (r = 0.05). Default two weeks of stock: X holds 20 (400 D-units), D 400: 200t <= 800:
	 * TTS 4 weeks, not under a TTR of 4 (at_risk is strict), nothing lost over 4 weeks. */
	int x = -1;
	for (int j = 0; j < frame->noutside; j++)
		if (strcmp(frame->outside_uscc[j], X) == 0)
			x = -(j + 1);
	assert_true(x < 0);
	struct tts_options def;
	tts_options_default(&def);
	assert_int_equal(tts_from_frame(frame, ix, x, &def, &r, &err), 0);
	assert_int_equal(r.nnodes, 2);
	assert_int_equal(r.nodes[0].ent, x);
	near(r.tts, 4, 1e-6);
	near(r.lost, 0, 1e-6);
	assert_int_equal(r.at_risk, 0);
	tts_report_release(&r);

	/* No buyer, unknown supplier, bad options, bad override file. */
	assert_int_equal(tts_from_frame(frame, ix, cc_frame_find(frame, E), &o, &r, &err),
			 CC_ENOTFOUND);
	assert_int_equal(tts_from_frame(frame, ix, frame->n, &o, &r, &err), CC_ENOTFOUND);
	o.overrides = NULL;
	o.noverrides = 0;
	o.tiers = 4;
	assert_int_equal(tts_from_frame(frame, ix, a, &o, &r, &err), CC_EINVAL);
	tts_index_free(ix);
	static const char bad[] = "uscc\nnot-a-code\n";
	assert_int_equal(tts_overrides_parse(bad, sizeof bad - 1, "o.csv", &ov, &nov, &err),
			 CC_EINVAL);
	assert_non_null(strstr(err.msg, "'o.csv' line 2, column 1 (uscc)"));
}

/* The server runs tts_from_frame on several worker threads at once: GLPK keeps its
 * environment per thread (glp_config("TLS")), and each call has its own problem. */
static void *thread_run(void *arg)
{
	double *got = arg;
	struct tts_options o;
	struct tts_report r;
	struct cc_error err = {0};
	tts_options_default(&o);
	o.inventory_weeks = 1;
	o.ttr = 10;
	o.rank = 1;
	*got = -1;
	for (int k = 0; k < 20; k++) {
		if (tts_from_frame(frame, NULL, cc_frame_find(frame, A), &o, &r, &err))
			break;
		*got = r.tts + r.rank[0].lost;
		tts_report_release(&r);
	}
	tts_thread_done();
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	pthread_t th[4];
	double got[4];
	for (int k = 0; k < 4; k++)
		assert_int_equal(pthread_create(&th[k], NULL, thread_run, &got[k]), 0);
	for (int k = 0; k < 4; k++) {
		pthread_join(th[k], NULL);
		near(got[k], 500.0 / 140 + 410, 1e-4);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alternatives_and_stock),
		cmocka_unit_test(test_units_and_disrupted_stock),
		cmocka_unit_test(test_unbounded),
		cmocka_unit_test(test_multi_tier_two_materials),
		cmocka_unit_test(test_chinese_and_gb18030),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_from_frame),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
