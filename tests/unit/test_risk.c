/*
 * Unit tests of risk/: the supply network (both constructors), concentration, single points
 * of failure, articulation points, disruption and the neighbourhood, on a small hand-built
 * display network with every expected number worked out below. The graph algorithms are also
 * cross-checked against igraph and networkx on hundreds of random graphs
 * (tests/oracle/test_risk_graph.py).
 *
 * Enterprises (output value 2024; region; display chain node):
 *   T 500112 tv (downstream) 1000      M 500107 monitor_pc (downstream) 500
 *   P 500106 lcd_panel 400             Q 510116 (Chengdu) lcd_panel 300
 *   G 500113 tft_glass 100             Y 500108 driver_ic 50
 *   X 320506, outside the registry (region from its credit code)
 * Supply (supplier -> buyer, node, value, share):
 *   P->T lcd_panel 600 0.6;  Q->T lcd_panel 400 0.4;  P->M lcd_panel 300 1
 *   G->P tft_glass 80 1;     X->P polarizer 20 1 and 20 1 (two products of one node: m = 2,
 *                            so X's share of P's polarizer input is (1 + 1) / 2 = 1)
 *   G->Q tft_glass 50 0.5;   X->Q tft_glass 50 0.5;  Y->Q driver_ic 30 1
 *   T->G tv 10 1 (closes the cycle T <- P <- G <- T)
 *
 * Concentration, buyers in Chongqing (Q is in Chengdu, so its inputs are left out):
 *   T lcd_panel: HHI 60^2 + 40^2 = 5200, value 1000, from outside (Q) 400
 *   M lcd_panel: 10000, single, 300;  P tft_glass: 10000, single, 80
 *   P polarizer: 10000, single, 40, outside 40;  G tv: 10000, single, 10
 *   lcd_panel node: 2 inputs, 1 single, 2 concentrated, value 1300, outside share 400/1300,
 *     HHI (5200*1000 + 10000*300) / 1300 = 6307.6923
 *   chain: 5 inputs, 4 single, value 1430, outside 440, 4 buyers,
 *     HHI (5200*1000 + 10000*430) / 1430 = 6643.3566
 *   These are sourcing HHIs (each buyer's own input). The market HHIs, by hand: the lcd_panel
 *   node's buyers bought 900 from P and 400 from Q of 1300: (900^2 + 400^2) / 1300^2 * 10^4
 *   = 5739.6450; polarizer: X alone, 10000; the chain: P 900, Q 400, G 80, X 40, T 10 of 1430:
 *   (810000 + 160000 + 6400 + 1600 + 100) / 1430^2 * 10^4 = 4783.1190; driver_ic (only Q, in
 *   Chengdu, buys it): nothing bought in scope, NaN.
 *
 * Dominators (reversed graph T->P,Q; M->P; P->G,X; Q->G,X,Y; G->T; virtual root -> T, M):
 *   P is reached from both roots, G and X from P and Q: all dominated by the root only;
 *   Q only through T, Y only through Q. So T dominates {Q, Y} (value 350), Q dominates {Y} (50).
 *
 * Articulation points (undirected): P (M hangs on it; separates 500) and Q (Y; 50).
 *
 * Disruption of G, spare 0.2:
 *   tier 1: P tft_glass lost 1 -> x_P = 1; Q tft_glass lost 0.5, cover 0.2*0.5 = 0.1 -> 0.4
 *   tier 2: T lcd_panel lost 0.6*1 + 0.4*0.4 = 0.76, cover 0.2*(0.4*0.6) = 0.048 -> 0.712;
 *           M lost 1 -> 1
 *   tier 3: G buys from T but is removed: the end.
 *   value at risk: G 100 + P 400 + Q 120 + T 712 + M 500 = 1832 (tiers 100 / 520 / 1212)
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
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "risk/risk.h"

/* cmocka 1.1 compares floats in single precision; these tests need doubles. */
#define near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static char dir[] = "/tmp/cc-risk-XXXXXX";
static struct cc_store *st;
static struct cc_frame *frame;
static struct risk_net *net;
static char T[19], M[19], P[19], Q[19], G[19], Y[19], X[19];

static int setup(void **state)
{
	(void)state;
	char p[256], t[4096];
	struct cc_error err = {0};
	if (!mkdtemp(dir) || cc_codes_load(&err))
		return -1;
	snprintf(p, sizeof p, "%s/r.db", dir);
	if (cc_store_open(&st, p, CC_STORE_CREATE, &err))
		return -1;
	tu_uscc(T, 500112, 1);
	tu_uscc(M, 500107, 2);
	tu_uscc(P, 500106, 3);
	tu_uscc(Q, 510116, 4);
	tu_uscc(G, 500113, 5);
	tu_uscc(Y, 500108, 6);
	tu_uscc(X, 320506, 7);
	snprintf(t, sizeof t,
		 "uscc,name,region\n%s,T,500112\n%s,M,500107\n%s,P,500106\n%s,Q,510116\n"
		 "%s,G,500113\n%s,Y,500108\n",
		 T, M, P, Q, G, Y);
	tu_load(st, dir, "e.csv", t);
	snprintf(t, sizeof t,
		 "uscc,period,output_value,revenue\n%s,2024,1000,1100\n%s,2024,500,600\n"
		 "%s,2024,400,450\n%s,2024,300,310\n%s,2024,,100\n%s,2024,50,60\n%s,2023,9,9\n",
		 T, M, P, Q, G, Y, Y);
	tu_load(st, dir, "i.csv", t);
	snprintf(t, sizeof t,
		 "uscc,chain,node,role\n%s,display,tv,master\n%s,display,monitor_pc,member\n"
		 "%s,display,lcd_panel,member\n%s,display,lcd_panel,member\n"
		 "%s,display,tft_glass,member\n%s,display,driver_ic,member\n",
		 T, M, P, Q, G, Y);
	tu_load(st, dir, "m.csv", t);
	snprintf(t, sizeof t,
		 "supplier,buyer,product,node,annual_value,share\n"
		 "%s,%s,面板,display.lcd_panel,600,0.6\n%s,%s,面板,display.lcd_panel,400,0.4\n"
		 "%s,%s,面板,display.lcd_panel,300,1\n%s,%s,玻璃,display.tft_glass,80,1\n"
		 "%s,%s,偏光片,display.polarizer,20,1\n%s,%s,偏光片B,display.polarizer,20,1\n"
		 "%s,%s,玻璃,display.tft_glass,50,0.5\n%s,%s,玻璃,display.tft_glass,50,0.5\n"
		 "%s,%s,驱动,display.driver_ic,30,1\n%s,%s,电视,display.tv,10,1\n",
		 P, T, Q, T, P, M, G, P, X, P, X, P, G, Q, X, Q, Y, Q, T, G);
	tu_load(st, dir, "s.csv", t);
	if (cc_frame_build(st, 0, &frame, &err))
		return -1;
	return risk_net_load(st, &net, &err);
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	risk_net_free(net);
	cc_frame_release(frame);
	cc_store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int node_of(const char *uscc)
{
	int v = risk_net_find(net, uscc);
	assert_true(v >= 0);
	return v;
}

static int cat_node(const char *ref)
{
	const struct cc_node *nd = cc_node_resolve(cc_catalogue_get(NULL), ref, NULL, NULL);
	assert_non_null(nd);
	return nd->index;
}

/*
 * Many more outside suppliers than edges / 4 (the first guess of the code map's size): the
 * map grows instead of failing (a 600-firm demo with seed 3 failed "too many outside
 * suppliers").
 */
static void test_many_outside(void **state)
{
	(void)state;
	char d[] = "/tmp/cc-risk-out-XXXXXX", p[300], code[19], buyer[19];
	struct cc_store *s2 = NULL;
	struct risk_net *n2 = NULL;
	struct cc_error err = {0};
	assert_non_null(mkdtemp(d));
	snprintf(p, sizeof p, "%s/o.db", d);
	assert_int_equal(cc_store_open(&s2, p, CC_STORE_CREATE, &err), 0);
	tu_uscc(buyer, 500112, 1);
	char t[256];
	snprintf(t, sizeof t, "uscc,name,region\n%s,B,500112\n", buyer);
	tu_load(s2, d, "e.csv", t);
	enum { NOUT = 3000 };
	char *big = malloc((size_t)NOUT * 80 + 100);
	assert_non_null(big);
	size_t cap = (size_t)NOUT * 80 + 100;
	size_t k = (size_t)snprintf(big, cap, "supplier,buyer,product,annual_value\n");
	for (int i = 0; i < NOUT; i++) {
		tu_uscc(code, 320506, 1000 + i);
		k += (size_t)snprintf(big + k, cap - k, "%s,%s,p,1\n", code, buyer);
	}
	tu_load(s2, d, "s.csv", big);
	assert_int_equal(risk_net_load(s2, &n2, &err), 0);
	for (int i = 0; i < NOUT; i += 7) {
		tu_uscc(code, 320506, 1000 + i);
		assert_true(risk_net_find(n2, code) >= 0);
	}
	assert_true(risk_net_find(n2, buyer) >= 0);
	/* On one connection (no second reader on the snapshot): the same network. */
	struct risk_net *n1 = NULL;
	setenv("CC_FRAME_SERIAL", "1", 1);
	int rc1 = risk_net_load(s2, &n1, &err);
	unsetenv("CC_FRAME_SERIAL");
	assert_int_equal(rc1, 0);
	assert_int_equal(n1->n, n2->n);
	assert_int_equal(n1->down.start[n1->n], n2->down.start[n2->n]);
	for (int v = 0; v < n1->n; v++)
		assert_string_equal(n1->uscc[v], n2->uscc[v]);
	risk_net_free(n1);
	free(big);
	risk_net_free(n2);
	cc_store_close(s2);
	snprintf(p, sizeof p, "rm -rf %s", d);
	assert_int_equal(system(p), 0);
}

/* Both constructors give the same network; outside suppliers keep their code's region. */
static void test_network(void **state)
{
	(void)state;
	struct risk_net *fn = NULL;
	struct cc_error err = {0};
	assert_int_equal(risk_net_from_frame(frame, &fn, &err), 0);
	assert_int_equal(net->nent, 6);
	assert_int_equal(net->n, 7);
	assert_int_equal(fn->n, 7);
	assert_int_equal(net->nedges, 10);
	assert_int_equal(net->year, 2024);
	/* 10 edges, X's two to P merged: 9 links; inputs T,M:1 P:2 Q:2 G:1 = 7. */
	assert_int_equal(net->down.start[net->n], 9);
	assert_int_equal(net->ninputs, 7);
	assert_int_equal(fn->ninputs, 7);
	assert_int_equal(fn->nentries, net->nentries);
	for (int k = 0; k < net->nentries; k++) {
		assert_int_equal(fn->entry_supplier[k], net->entry_supplier[k]);
		near(fn->entry_share[k], net->entry_share[k], 1e-6);
	}
	int x = node_of(X);
	assert_true(x >= net->nent);
	assert_int_equal(net->region[x], 320506);
	assert_true(isnan(net->output[x]));
	/* G has no output value: its revenue stands in; Y's 2023 row is not the latest year. */
	near(net->output[node_of(G)], 100, 1e-9);
	near(net->output[node_of(Y)], 50, 1e-9);
	/* X's share of P's polarizer input: (1 + 1) / m with m = 2. */
	int p = node_of(P);
	for (int32_t k = net->input_start[p]; k < net->input_start[p + 1]; k++)
		if (net->input_node[k] == cat_node("display.polarizer")) {
			assert_int_equal(net->entry_start[k + 1] - net->entry_start[k], 1);
			near(net->entry_share[net->entry_start[k]], 1.0, 1e-6);
			near(net->entry_value[net->entry_start[k]], 40, 1e-4);
		}
	assert_int_equal(risk_net_find(net, "91500000MA0000000X"), -1);
	assert_int_equal(risk_net_find(net, "short"), -1);
	risk_net_free(fn);
	risk_net_free(NULL);
}

static void test_concentration(void **state)
{
	(void)state;
	struct chain_scope scope;
	struct cc_error err = {0};
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const struct cc_chain *ch = cc_chain_find(cat, "display");
	assert_int_equal(chain_scope_parse("chongqing", &scope, &err), 0);
	struct risk_conc *nodes = calloc((size_t)ch->nnodes, sizeof *nodes), total;
	assert_int_equal(risk_concentration(net, ch->index, &scope, nodes, &total, &err), 0);
	const struct risk_conc *lcd = &nodes[cat_node("display.lcd_panel") - ch->first_node];
	assert_int_equal(lcd->inputs, 2);
	assert_int_equal(lcd->buyers, 2);
	assert_int_equal(lcd->single, 1);
	assert_int_equal(lcd->concentrated, 2);
	near(lcd->value, 1300, 1e-3);
	near(lcd->sourcing_hhi, 6307.6923, 1e-3);
	near(lcd->market_hhi, 5739.6450, 1e-3);
	near(lcd->outside_share, 400.0 / 1300, 1e-6);
	const struct risk_conc *pol = &nodes[cat_node("display.polarizer") - ch->first_node];
	assert_int_equal(pol->single, 1);
	near(pol->outside_share, 1.0, 1e-9);
	near(pol->sourcing_hhi, 10000, 1e-2);
	near(pol->market_hhi, 10000, 1e-2);
	assert_true(isnan(nodes[cat_node("display.driver_ic") - ch->first_node].market_hhi));
	assert_int_equal(total.inputs, 5);
	assert_int_equal(total.single, 4);
	assert_int_equal(total.buyers, 4);
	near(total.value, 1430, 1e-3);
	near(total.outside_value, 440, 1e-3);
	near(total.sourcing_hhi, 6643.3566, 1e-3);
	near(total.market_hhi, 4783.1190, 1e-3);
	/* One input: T's panels, HHI 5200, two suppliers. */
	int t = node_of(T);
	struct risk_input_stat s;
	risk_input_stat(net, net->input_start[t], &scope, &s);
	assert_int_equal(s.suppliers, 2);
	near(s.hhi, 5200, 1e-2);
	assert_int_equal(s.single, 0);
	assert_int_not_equal(risk_concentration(net, 9999, &scope, nodes, &total, &err), 0);
	free(nodes);
}

static void test_spof(void **state)
{
	(void)state;
	struct risk_spof_result r;
	struct cc_error err = {0};
	const struct cc_chain *ch = cc_chain_find(cc_catalogue_get(NULL), "display");
	int32_t *fp = NULL;
	assert_int_equal(risk_final_producers(net, ch->index, &fp, &err), 2); /* T and M */
	free(fp);
	assert_int_equal(risk_spof(net, ch->index, NULL, &r, &err), 0);
	assert_int_equal(r.nfinal, 2);
	assert_int_equal(r.reachable, 7);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.items[0].node, node_of(T));
	assert_int_equal(r.items[0].dominated, 2);
	near(r.items[0].value, 350, 1e-9);
	assert_int_equal(r.items[0].final_producer, 1);
	assert_int_equal(r.items[0].idom, -1);
	assert_int_equal(r.items[1].node, node_of(Q));
	assert_int_equal(r.items[1].dominated, 1);
	near(r.items[1].value, 50, 1e-9);
	assert_int_equal(r.items[1].idom, node_of(T));
	/* Each one's downstream loss is the what-if of it alone over the chain's members, itself
	 * left out; the work area is reset between runs (the same answer twice, in any order). */
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	uint8_t *flags = calloc((size_t)cat->nchains, 1);
	assert_non_null(flags);
	flags[ch->index] = 1;
	struct risk_loss_work *lw = risk_loss_work_new(net->n);
	assert_non_null(lw);
	for (int k = 0; k < r.n; k++) {
		const char *code = net->uscc[r.items[k].node];
		struct risk_disrupt_spec spec = {
			.suppliers = &code, .nsuppliers = 1, .spare = 0.2, .chains = flags};
		struct risk_disrupt_result d;
		assert_int_equal(risk_disrupt(net, &spec, &d, &err), 0);
		assert_true(r.items[k].downstream > 0);
		near(r.items[k].downstream, d.value - d.removed_value, 1e-6);
		(void)risk_downstream_loss(net, node_of(Q), 0.2, 50, NULL, lw, NULL);
		near(risk_downstream_loss(net, r.items[k].node, 0.2, 50, NULL, lw, NULL),
		     d.value - d.removed_value, 1e-6);
		risk_disrupt_release(&d);
	}
	/* Ranked by that loss: T (a final producer, cutting off Q and Y) before Q. */
	assert_true(r.items[0].downstream >= r.items[1].downstream);
	risk_loss_work_free(lw);
	free(flags);
	risk_spof_release(&r);
	risk_spof_release(NULL);
}

static void test_articulation(void **state)
{
	(void)state;
	struct risk_ap *ap = NULL;
	int n = 0;
	struct cc_error err = {0};
	assert_int_equal(risk_articulation_points(net, -1, &ap, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ap[0].node, node_of(P));
	assert_int_equal(ap[0].cut, 1);
	near(ap[0].value, 500, 1e-9);
	assert_int_equal(ap[1].node, node_of(Q));
	near(ap[1].value, 50, 1e-9);
	free(ap);
	/* The chain's links are all of them here. */
	const struct cc_chain *ch = cc_chain_find(cc_catalogue_get(NULL), "display");
	assert_int_equal(risk_articulation_points(net, ch->index, &ap, &n, &err), 0);
	assert_int_equal(n, 2);
	free(ap);
}

/* Textbook graphs on a plain CSR: a diamond with a cycle below it, an unreachable vertex. */
static void test_graph_algorithms(void **state)
{
	(void)state;
	/* 0->1, 0->2, 1->3, 2->3, 3->4, 4->3, 4->5; 6 unreachable (6->0). */
	int32_t from[] = {0, 0, 1, 2, 3, 4, 4, 6}, to[] = {1, 2, 3, 3, 4, 3, 5, 0};
	struct risk_csr g, gt;
	struct cc_error err = {0};
	int32_t idom[7], order[7], root = 0;
	uint8_t ap[7];
	int32_t cut[7];
	assert_int_equal(risk_csr_build(&g, 7, 8, from, to, &err), 0);
	assert_int_equal(risk_csr_transpose(&g, &gt, &err), 0);
	struct risk_dom_work *w = risk_dom_work_new(7);
	assert_int_equal(risk_dominators(&g, &gt, &root, 1, w, idom, order, &err), 6);
	int32_t want[] = {7, 0, 0, 0, 3, 4, -1};
	for (int v = 0; v < 7; v++)
		assert_int_equal(idom[v], want[v]);
	/* Two roots: 1 and 2 both from the virtual root, so 3 is dominated by it alone. */
	int32_t roots[] = {1, 2};
	assert_int_equal(risk_dominators(&g, &gt, roots, 2, w, idom, NULL, &err), 5);
	assert_int_equal(idom[3], 7);
	assert_int_equal(idom[0], -1);
	/* Articulation (undirected): 0 joins 6 to the rest, 3 and 4 cut the tail 4-5. */
	assert_int_equal(risk_articulation(&g, &gt, ap, cut, NULL, NULL, &err), 3);
	assert_true(ap[0] && ap[3] && ap[4] && !ap[1] && !ap[2] && !ap[5] && !ap[6]);
	/* Errors: a root out of range, an edge out of range. */
	root = 9;
	assert_int_equal(risk_dominators(&g, &gt, &root, 1, w, idom, NULL, &err), CC_EINVAL);
	struct risk_csr bad;
	int32_t bf[] = {0}, bt[] = {8};
	assert_int_equal(risk_csr_build(&bad, 7, 1, bf, bt, &err), CC_EINVAL);
	risk_dom_work_free(w);
	risk_csr_release(&g);
	risk_csr_release(&gt);
}

static void test_disrupt(void **state)
{
	(void)state;
	struct risk_disrupt_spec spec = {0};
	struct risk_disrupt_result r;
	struct cc_error err = {0};
	const char *sup[] = {G};
	spec.suppliers = sup;
	spec.nsuppliers = 1;
	spec.spare = -1;
	assert_int_equal(risk_disrupt(net, &spec, &r, &err), 0);
	assert_int_equal(r.removed, 1);
	assert_int_equal(r.affected, 5);
	near(r.loss[node_of(P)], 1, 1e-6);
	near(r.loss[node_of(Q)], 0.4, 1e-6);
	near(r.loss[node_of(T)], 0.712, 1e-6);
	near(r.loss[node_of(M)], 1, 1e-6);
	near(r.loss[node_of(Y)], 0, 1e-9);
	near(r.value, 1832, 1e-3); /* shares are floats */
	near(r.removed_value, 100, 1e-9);
	assert_int_equal(r.ntiers, 3);
	near(r.tiers[0].value, 100, 1e-9);
	assert_int_equal(r.tiers[1].affected, 2);
	near(r.tiers[1].value, 520, 1e-3);
	near(r.tiers[2].value, 1212, 1e-3);
	assert_int_equal(r.tier_of[node_of(T)], 2);
	const struct cc_chain *ch = cc_chain_find(cc_catalogue_get(NULL), "display");
	assert_int_equal(r.chains[ch->index].affected, 5);
	near(r.chains[ch->index].value, 1832, 1e-3);
	near(r.nodes[cat_node("display.lcd_panel")].value, 520, 1e-3);
	near(r.nodes[cat_node("display.tv")].value, 712, 1e-3);
	risk_disrupt_release(&r);

	/* No spare capacity: Q loses 0.5, T 0.6 + 0.4 * 0.5 = 0.8. */
	spec.spare = 0;
	assert_int_equal(risk_disrupt(net, &spec, &r, &err), 0);
	near(r.loss[node_of(Q)], 0.5, 1e-6);
	near(r.loss[node_of(T)], 0.8, 1e-6);
	risk_disrupt_release(&r);

	/* Region 32 (Jiangsu) removes X, an outside supplier, by its credit code's region:
	 * at tier 1 P loses its polarizers (1), Q 0.5 - 0.1 = 0.4 of its glass (later tiers add
	 * more through the cycle). */
	const char *reg[] = {"32"};
	memset(&spec, 0, sizeof spec);
	spec.regions = reg;
	spec.nregions = 1;
	spec.spare = -1;
	spec.max_tiers = 1;
	assert_int_equal(risk_disrupt(net, &spec, &r, &err), 0);
	assert_int_equal(r.removed, 1);
	near(r.loss[node_of(X)], 1, 1e-9);
	near(r.loss[node_of(P)], 1, 1e-6);
	near(r.loss[node_of(Q)], 0.4, 1e-6);
	risk_disrupt_release(&r);

	/* A node: tft_glass's suppliers are G and X. */
	const char *nd[] = {"display.tft_glass"};
	memset(&spec, 0, sizeof spec);
	spec.nodes = nd;
	spec.nnodes = 1;
	spec.spare = -1;
	assert_int_equal(risk_disrupt(net, &spec, &r, &err), 0);
	assert_int_equal(r.removed, 2);
	near(r.loss[node_of(Q)], 1, 1e-6);
	risk_disrupt_release(&r);
}

/* Removing P: the loss goes round the cycle T -> G -> Q -> T and still ends. */
static void test_disrupt_cycle(void **state)
{
	(void)state;
	struct risk_disrupt_spec spec = {0};
	struct risk_disrupt_result r;
	struct cc_error err = {0};
	const char *sup[] = {P};
	spec.suppliers = sup;
	spec.nsuppliers = 1;
	spec.spare = -1;
	spec.max_tiers = 2;
	/* Two tiers: T = 0.6 - 0.2*0.4 = 0.52, M = 1; G = 0.52 - 0.2*0.48 = 0.424. */
	assert_int_equal(risk_disrupt(net, &spec, &r, &err), 0);
	near(r.loss[node_of(T)], 0.52, 1e-6);
	near(r.loss[node_of(G)], 0.424, 1e-6);
	near(r.loss[node_of(Q)], 0, 1e-9);
	risk_disrupt_release(&r);
	/* To the end. Q at tier 3: lost 0.5*0.424 = 0.212, cover 0.2*(0.5*0.576 + 0.5) = 0.1576,
	 * so 0.0544; then T rises at tier 4, G at 5, Q at 6 ... towards the fixed point of
	 *   T = 0.52 + 0.48 Q,  G = 1.2 T - 0.2,  Q = 0.6 G - 0.2
	 * which is T = 0.3664 / 0.6544 = 0.559902, G = 0.471883, Q = 0.083130. */
	spec.max_tiers = 0;
	assert_int_equal(risk_disrupt(net, &spec, &r, &err), 0);
	assert_int_equal(r.ntiers, 4); /* new enterprises were reached up to tier 3 */
	assert_true(r.rounds > 6 && r.rounds < 50);
	assert_int_equal(r.tier_of[node_of(Q)], 3);
	near(r.loss[node_of(T)], 0.559902, 1e-5);
	near(r.loss[node_of(G)], 0.471883, 1e-5);
	near(r.loss[node_of(Q)], 0.083130, 1e-5);
	risk_disrupt_release(&r);
}

static void test_disrupt_errors(void **state)
{
	(void)state;
	struct risk_disrupt_spec spec = {0};
	struct risk_disrupt_result r;
	struct cc_error err = {0};
	const char *sup[] = {"91500000MA0000000X"};
	spec.suppliers = sup;
	spec.nsuppliers = 1;
	spec.spare = -1;
	assert_int_equal(risk_disrupt(net, &spec, &r, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "91500000MA0000000X"));
	const char *regs[][1] = {{"99"}, {"5x"}, {"510"}, {"990000"}};
	memset(&spec, 0, sizeof spec);
	spec.nregions = 1;
	spec.spare = -1;
	for (int i = 0; i < 4; i++) {
		spec.regions = regs[i];
		assert_int_equal(risk_disrupt(net, &spec, &r, &err), CC_EINVAL);
		assert_non_null(strstr(err.msg, regs[i][0]));
	}
	const char *nd[] = {"display.nope"};
	memset(&spec, 0, sizeof spec);
	spec.nodes = nd;
	spec.nnodes = 1;
	spec.spare = -1;
	assert_int_equal(risk_disrupt(net, &spec, &r, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "display.nope"));
	const char *ok[] = {"51"};
	memset(&spec, 0, sizeof spec);
	spec.regions = ok;
	spec.nregions = 1;
	spec.spare = 1.5;
	assert_int_equal(risk_disrupt(net, &spec, &r, &err), CC_EINVAL);
	risk_disrupt_release(NULL);
}

static void test_neighbourhood(void **state)
{
	(void)state;
	struct risk_neighbourhood nb;
	struct cc_error err = {0};
	assert_int_equal(risk_neighbourhood(net, P, 0, &nb, &err), 0);
	/* P; customers T (600) then M (300); suppliers G (80), X (40); T's customer G is in. */
	assert_int_equal(nb.nnodes, 5);
	assert_int_equal(nb.nodes[0].node, node_of(P));
	assert_int_equal(nb.nodes[1].node, node_of(T));
	assert_int_equal(nb.nodes[1].role, RISK_NB_CUSTOMER);
	assert_int_equal(nb.nodes[2].node, node_of(M));
	assert_int_equal(nb.nodes[3].node, node_of(G));
	assert_int_equal(nb.nodes[3].role, RISK_NB_SUPPLIER);
	assert_int_equal(nb.nodes[4].node, node_of(X));
	/* Links among them: P->T, P->M, G->P, X->P, T->G. */
	assert_int_equal(nb.nlinks, 5);
	assert_int_equal(nb.truncated, 0);
	risk_neighbourhood_release(&nb);
	assert_int_equal(risk_neighbourhood(net, P, 3, &nb, &err), 0);
	assert_int_equal(nb.nnodes, 3);
	assert_int_equal(nb.truncated, 1);
	risk_neighbourhood_release(&nb);
	assert_int_equal(risk_neighbourhood(net, "91500000MA0000000X", 0, &nb, &err), CC_EINVAL);
	risk_neighbourhood_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_network),	       cmocka_unit_test(test_many_outside),
		cmocka_unit_test(test_concentration),  cmocka_unit_test(test_spof),
		cmocka_unit_test(test_articulation),   cmocka_unit_test(test_graph_algorithms),
		cmocka_unit_test(test_disrupt),	       cmocka_unit_test(test_disrupt_cycle),
		cmocka_unit_test(test_disrupt_errors), cmocka_unit_test(test_neighbourhood),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
