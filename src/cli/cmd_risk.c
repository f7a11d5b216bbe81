/*
 * `chainchief risk concentration|spof|articulation|disrupt|neighbours|tts`: supply-chain
 * resilience from the command line. The analytics are risk/risk.c's (and risk/tts.c's for
 * tts); this file reads the supply network with the light loader (no frame), turns results
 * into tables or JSON and names enterprises with one look-up per printed row.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "base/json.h"
#include "cli/commands.h"
#include "domain/catalogue.h"
#include "risk/risk.h"
#include "risk/tts.h"

static void fmt(char *out, size_t n, double v, const char *spec)
{
	if (isnan(v))
		out[0] = '\0';
	else
		snprintf(out, n, spec, v);
}

/* The registry name of node V ("" for an outside supplier or on error); valid until the
 * next call. */
static const char *node_name(struct cli_ctx *ctx, const struct risk_net *net, int v)
{
	static char name[512];
	name[0] = '\0';
	if (v < 0 || v >= net->nent)
		return name;
	struct cc_error err = {0};
	struct cc_stmt *s =
		cc_stmt_cached(ctx->store, "SELECT name FROM enterprises WHERE uscc = ?", &err);
	if (!s)
		return name;
	cc_stmt_bind_text(s, 1, net->uscc[v], 18);
	if (cc_stmt_step(s, &err) == 1)
		snprintf(name, sizeof name, "%s", cc_stmt_text(s, 0));
	cc_stmt_reset(s);
	return name;
}

static int open_net(struct cli_ctx *ctx, struct risk_net **net)
{
	struct cc_error err = {0};
	*net = NULL;
	if (!cc_catalogue_get(&err)) {
		cli_error("risk: %s", err.msg);
		return CLI_FAIL;
	}
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	if (risk_net_load(ctx->store, net, &err)) {
		cli_error("risk: %s", err.msg);
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* The chain named ID, or NULL after printing the error. */
static const struct cc_chain *find_chain(const char *id)
{
	const struct cc_chain *ch = cc_chain_find(cc_catalogue_get(NULL), id);
	if (!ch)
		cli_error("risk: unknown chain '%s' (see 'chainchief chain list')", id);
	return ch;
}

static void conc_row(struct cli_table *t, const char *id, const char *name,
		     const struct risk_conc *c)
{
	char v[9][40];
	snprintf(v[0], 40, "%d", c->buyers);
	snprintf(v[1], 40, "%d", c->inputs);
	snprintf(v[2], 40, "%d", c->single);
	snprintf(v[3], 40, "%d", c->concentrated);
	fmt(v[4], 40, c->sourcing_hhi, "%.0f");
	fmt(v[5], 40, c->market_hhi, "%.0f");
	fmt(v[6], 40, c->value, "%.2f");
	fmt(v[7], 40, c->outside_value, "%.2f");
	fmt(v[8], 40, c->outside_share, "%.4f");
	const char *row[11] = {id, name, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]};
	cli_table_add(t, row);
}

static int risk_concentration_cmd(struct cli_ctx *ctx, struct risk_net *net, const char *chain,
				  const char *scope_s, const char *buyer)
{
	static const char *const cols[] = {"id",
					   "name",
					   "buyers#",
					   "inputs#",
					   "single_sourced#",
					   "concentrated#",
					   "sourcing_hhi#",
					   "market_hhi#",
					   "value#",
					   "outside_value#",
					   "outside_share#"};
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	struct chain_scope scope;
	struct cc_error err = {0};
	struct cli_table t;
	if (chain_scope_parse(scope_s, &scope, &err)) {
		cli_error("risk: %s", err.msg);
		return CLI_USAGE;
	}
	if (buyer) {
		static const char *const bcols[] = {"node",	    "suppliers#", "hhi#",
						    "single",	    "value#",	  "outside_share#",
						    "top_supplier", "top_share#"};
		int b = risk_net_find(net, buyer);
		if (b < 0 || b >= net->nent) {
			cli_error("risk: unknown buyer '%s' (not in the registry)", buyer);
			return CLI_USAGE;
		}
		cli_table_init(&t, 8, bcols);
		for (int32_t k = net->input_start[b]; k < net->input_start[b + 1]; k++) {
			struct risk_input_stat s;
			risk_input_stat(net, k, &scope, &s);
			char node[160], v[5][40];
			if (s.node >= 0)
				snprintf(node, sizeof node, "%s.%s",
					 cat->chains[cat->nodes[s.node].chain].id,
					 cat->nodes[s.node].id);
			else
				snprintf(node, sizeof node, "(unclassified)");
			int top = net->entry_start[k];
			for (int32_t e = net->entry_start[k]; e < net->entry_start[k + 1]; e++)
				if (net->entry_share[e] > net->entry_share[top])
					top = e;
			snprintf(v[0], 40, "%d", s.suppliers);
			snprintf(v[1], 40, "%.0f", s.hhi);
			fmt(v[2], 40, s.value, "%.2f");
			fmt(v[3], 40, s.value > 0 ? s.outside_value / s.value : NAN, "%.4f");
			snprintf(v[4], 40, "%.4f", net->entry_share[top]);
			const char *row[8] = {node,
					      v[0],
					      v[1],
					      s.single ? "yes" : "no",
					      v[2],
					      v[3],
					      net->uscc[net->entry_supplier[top]],
					      v[4]};
			cli_table_add(&t, row);
		}
		cli_table_print(&t, stdout, ctx->format);
		cli_table_release(&t);
		return CLI_OK;
	}
	const struct cc_chain *only = NULL;
	if (chain && !(only = find_chain(chain)))
		return CLI_USAGE;
	cli_table_init(&t, 11, cols);
	struct risk_conc *nodes = malloc(sizeof *nodes * (size_t)(cat->nnodes + 1));
	if (!nodes) {
		cli_table_release(&t);
		return CLI_FAIL;
	}
	for (int c = 0; c < cat->nchains; c++) {
		const struct cc_chain *ch = &cat->chains[c];
		struct risk_conc total;
		if (only && ch != only)
			continue;
		if (risk_concentration(net, c, &scope, nodes, &total, &err)) {
			cli_error("risk: %s", err.msg);
			free(nodes);
			cli_table_release(&t);
			return CLI_FAIL;
		}
		if (!only) {
			conc_row(&t, ch->id, ch->name_zh, &total);
			continue;
		}
		for (int k = 0; k < ch->nnodes; k++) {
			const struct cc_node *nd = &cat->nodes[ch->first_node + k];
			char label[160];
			if (ctx->format == CLI_FMT_TABLE)
				snprintf(label, sizeof label, "%*s%s", nd->depth * 2, "", nd->id);
			else
				snprintf(label, sizeof label, "%s", nd->id);
			conc_row(&t, label, nd->name_zh, &nodes[k]);
		}
		conc_row(&t, "(chain)", ch->name_zh, &total);
	}
	if (ctx->format == CLI_FMT_TABLE)
		printf("buyers in %s (%s); sourcing_hhi: a buyer's own sourcing of an input, HHI "
		       "of its suppliers' shares in %% (0-10000; k equal suppliers give 10000/k), "
		       "value-weighted mean; market_hhi: the node's supplier market, HHI of each "
		       "supplier's share of the value all buyers bought (> 2500 highly "
		       "concentrated); outside = suppliers outside the scope\n",
		       scope.name_zh, scope.name_en);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	free(nodes);
	return CLI_OK;
}

static int risk_spof_cmd(struct cli_ctx *ctx, struct risk_net *net, const char *chain,
			 long long limit)
{
	static const char *const cols[] = {"chain",	     "rank#",
					   "uscc",	     "name",
					   "region",	     "downstream_loss#",
					   "dominated#",     "value#",
					   "final_producer", "final_producers#"};
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const struct cc_chain *only = NULL;
	struct cc_error err = {0};
	if (chain && !(only = find_chain(chain)))
		return CLI_USAGE;
	struct risk_dom_work *w = risk_dom_work_new(net->n);
	if (!w) {
		cli_error("risk: out of memory");
		return CLI_FAIL;
	}
	struct cli_table t;
	cli_table_init(&t, 10, cols);
	int rc = CLI_OK;
	for (int c = 0; c < cat->nchains; c++) {
		if (only && &cat->chains[c] != only)
			continue;
		struct risk_spof_result r;
		if (risk_spof(net, c, w, &r, &err)) {
			cli_error("risk: %s", err.msg);
			rc = CLI_FAIL;
			break;
		}
		for (int i = 0; i < r.n && i < limit; i++) {
			const struct risk_spof *s = &r.items[i];
			char v[6][40];
			snprintf(v[0], 40, "%d", i + 1);
			snprintf(v[1], 40, "%06d", net->region[s->node]);
			snprintf(v[2], 40, "%d", s->dominated);
			snprintf(v[3], 40, "%.2f", s->value);
			snprintf(v[4], 40, "%d", r.nfinal);
			snprintf(v[5], 40, "%.2f", s->downstream);
			const char *row[10] = {cat->chains[c].id,
					       v[0],
					       net->uscc[s->node],
					       node_name(ctx, net, s->node),
					       v[1],
					       v[5],
					       v[2],
					       v[3],
					       s->final_producer ? "yes" : "no",
					       v[4]};
			cli_table_add(&t, row);
		}
		risk_spof_release(&r);
	}
	if (rc == CLI_OK) {
		if (ctx->format == CLI_FMT_TABLE)
			printf("dominators in the reversed supply graph from each chain's final producers"
			       " (output year %d), ranked by downstream_loss = the chain members' output"
			       " lost downstream when it alone stops (the disrupt rule, spare 0.2); value"
			       " = output of the upstream suppliers cut off with it\n",
			       net->year);
		cli_table_print(&t, stdout, ctx->format);
	}
	cli_table_release(&t);
	risk_dom_work_free(w);
	return rc;
}

static int risk_articulation_cmd(struct cli_ctx *ctx, struct risk_net *net, const char *chain,
				 long long limit)
{
	static const char *const cols[] = {"rank#", "uscc", "name", "region", "cut#", "value#"};
	const struct cc_chain *ch = NULL;
	struct cc_error err = {0};
	struct risk_ap *ap = NULL;
	int n = 0;
	if (chain && !(ch = find_chain(chain)))
		return CLI_USAGE;
	if (risk_articulation_points(net, ch ? ch->index : -1, &ap, &n, &err)) {
		cli_error("risk: %s", err.msg);
		return CLI_FAIL;
	}
	struct cli_table t;
	cli_table_init(&t, 6, cols);
	for (int i = 0; i < n && i < limit; i++) {
		char v[4][40];
		snprintf(v[0], 40, "%d", i + 1);
		snprintf(v[1], 40, "%06d", net->region[ap[i].node]);
		snprintf(v[2], 40, "%d", ap[i].cut);
		fmt(v[3], 40, ap[i].value, "%.2f");
		const char *row[6] = {
			v[0], net->uscc[ap[i].node], node_name(ctx, net, ap[i].node), v[1], v[2],
			v[3]};
		cli_table_add(&t, row);
	}
	if (ctx->format == CLI_FMT_TABLE)
		printf("%d articulation points in the undirected supply graph%s%s\n", n,
		       ch ? " of chain " : "", ch ? ch->id : "");
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	free(ap);
	return CLI_OK;
}

/*
 * Splits a comma-separated LIST into a malloc'd copy (*BUF, caller frees) and at most MAX
 * words in OUT. Returns the number of words, or -1 (after printing why) when there are more.
 */
static int split(const char *list, char **buf, const char **out, int max, const char *what)
{
	int n = 0;
	*buf = NULL;
	if (!list)
		return 0;
	size_t len = strlen(list);
	*buf = malloc(len + 1);
	if (!*buf) {
		cli_error("risk: out of memory");
		return -1;
	}
	memcpy(*buf, list, len + 1);
	for (char *p = *buf; p && *p;) {
		char *c = strchr(p, ',');
		if (c)
			*c = '\0';
		if (*p) {
			if (n == max) {
				cli_error("risk disrupt: at most %d %s", max, what);
				return -1;
			}
			out[n++] = p;
		}
		p = c ? c + 1 : NULL;
	}
	return n;
}

static int risk_disrupt_cmd(struct cli_ctx *ctx, struct risk_net *net, const char *sup,
			    const char *region, const char *node, const char *spare,
			    const char *tiers, long long limit)
{
	enum { MAXW = 4096 };
	static const char *sv[MAXW], *rv[MAXW], *nv[MAXW];
	char *sb = NULL, *rb = NULL, *nb = NULL;
	struct risk_disrupt_spec spec = {0};
	struct risk_disrupt_result r;
	struct cc_error err = {0};
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	int rc = CLI_USAGE;
	if (!sup && !region && !node) {
		cli_error("risk disrupt: name what is removed: --suppliers, --region or --node");
		return CLI_USAGE;
	}
	spec.suppliers = sv;
	spec.regions = rv;
	spec.nodes = nv;
	if ((spec.nsuppliers = split(sup, &sb, sv, MAXW, "credit codes")) < 0 ||
	    (spec.nregions = split(region, &rb, rv, MAXW, "regions")) < 0 ||
	    (spec.nnodes = split(node, &nb, nv, MAXW, "nodes")) < 0)
		goto out;
	spec.spare = -1;
	if (spare) {
		char *end;
		spec.spare = strtod(spare, &end);
		if (*end || end == spare || !(spec.spare >= 0 && spec.spare <= 1)) {
			cli_error(
				"risk disrupt: --spare must be a fraction between 0 and 1, not '%s'",
				spare);
			goto out;
		}
	}
	if (tiers && (spec.max_tiers = (int)cli_int_option("tiers", tiers, 1, 1000)) < 0)
		goto out;
	if (risk_disrupt(net, &spec, &r, &err)) {
		cli_error("risk disrupt: %s", err.msg);
		rc = err.code == CC_EINVAL ? CLI_USAGE : CLI_FAIL;
		goto out;
	}
	rc = CLI_OK;
	if (ctx->format == CLI_FMT_JSON) {
		json_t *o = json_object(), *ta = json_array(), *ca = json_array(),
		       *na = json_array();
		json_object_set_new(o, "removed", json_integer(r.removed));
		json_object_set_new(o, "affected", json_integer(r.affected));
		json_object_set_new(o, "value", cc_json_num(r.value));
		json_object_set_new(o, "removed_value", cc_json_num(r.removed_value));
		json_object_set_new(o, "year", json_integer(net->year));
		for (int i = 0; i < r.ntiers; i++) {
			json_t *x = json_object();
			json_object_set_new(x, "tier", json_integer(i));
			json_object_set_new(x, "affected", json_integer(r.tiers[i].affected));
			json_object_set_new(x, "value", cc_json_num(r.tiers[i].value));
			json_array_append_new(ta, x);
		}
		for (int c = 0; c < r.nchains; c++) {
			if (!r.chains[c].affected)
				continue;
			json_t *x = json_object();
			json_object_set_new(x, "chain", json_string(cat->chains[c].id));
			json_object_set_new(x, "affected", json_integer(r.chains[c].affected));
			json_object_set_new(x, "value", cc_json_num(r.chains[c].value));
			json_array_append_new(ca, x);
		}
		for (int k = 0; k < r.nnodes; k++) {
			if (!r.nodes[k].affected)
				continue;
			json_t *x = json_object();
			json_object_set_new(x, "chain",
					    json_string(cat->chains[cat->nodes[k].chain].id));
			json_object_set_new(x, "node", json_string(cat->nodes[k].id));
			json_object_set_new(x, "affected", json_integer(r.nodes[k].affected));
			json_object_set_new(x, "value", cc_json_num(r.nodes[k].value));
			json_array_append_new(na, x);
		}
		json_object_set_new(o, "tiers", ta);
		json_object_set_new(o, "chains", ca);
		json_object_set_new(o, "nodes", na);
		cc_jw_print_json(o, stdout);
		json_decref(o);
		risk_disrupt_release(&r);
		goto out;
	}
	printf("removed %d suppliers; %d enterprises affected; output value at risk %.2f "
	       "(removed suppliers' own %.2f; year %d)\n",
	       r.removed, r.affected, r.value, r.removed_value, net->year);
	static const char *const tcols[] = {"tier#", "affected#", "value#"};
	struct cli_table t;
	cli_table_init(&t, 3, tcols);
	for (int i = 0; i < r.ntiers; i++) {
		char v[3][40];
		snprintf(v[0], 40, "%d", i);
		snprintf(v[1], 40, "%d", r.tiers[i].affected);
		snprintf(v[2], 40, "%.2f", r.tiers[i].value);
		const char *row[3] = {v[0], v[1], v[2]};
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	static const char *const ccols[] = {"chain", "node", "affected#", "value#"};
	cli_table_init(&t, 4, ccols);
	for (int c = 0; c < r.nchains; c++) {
		if (!r.chains[c].affected)
			continue;
		char v[2][40];
		snprintf(v[0], 40, "%d", r.chains[c].affected);
		snprintf(v[1], 40, "%.2f", r.chains[c].value);
		const char *row[4] = {cat->chains[c].id, "(chain)", v[0], v[1]};
		cli_table_add(&t, row);
		int shown = 0;
		for (int k = cat->chains[c].first_node;
		     k < cat->chains[c].first_node + cat->chains[c].nnodes && shown < limit; k++) {
			if (!r.nodes[k].affected)
				continue;
			snprintf(v[0], 40, "%d", r.nodes[k].affected);
			snprintf(v[1], 40, "%.2f", r.nodes[k].value);
			const char *row2[4] = {cat->chains[c].id, cat->nodes[k].id, v[0], v[1]};
			cli_table_add(&t, row2);
			shown++;
		}
	}
	printf("\n");
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	risk_disrupt_release(&r);
out:
	free(sb);
	free(rb);
	free(nb);
	return rc;
}

static int risk_neighbours_cmd(struct cli_ctx *ctx, struct risk_net *net, const char *uscc,
			       long long max)
{
	struct risk_neighbourhood nb;
	struct cc_error err = {0};
	if (risk_neighbourhood(net, uscc, (int)max, &nb, &err)) {
		cli_error("risk neighbours: %s", err.msg);
		return CLI_USAGE;
	}
	if (ctx->format == CLI_FMT_JSON) {
		json_t *o = json_object(), *na = json_array(), *la = json_array();
		json_object_set_new(o, "center", json_string(uscc));
		json_object_set_new(o, "truncated", json_boolean(nb.truncated));
		for (int i = 0; i < nb.nnodes; i++) {
			json_t *x = json_object();
			char reg[16];
			int v = nb.nodes[i].node;
			snprintf(reg, sizeof reg, "%06d", net->region[v]);
			json_object_set_new(x, "uscc", json_string(net->uscc[v]));
			json_object_set_new(x, "name", json_string(node_name(ctx, net, v)));
			json_object_set_new(x, "role",
					    json_string(risk_nb_role_name(nb.nodes[i].role)));
			json_object_set_new(x, "region", json_string(reg));
			json_object_set_new(x, "registered", json_boolean(v < net->nent));
			json_object_set_new(x, "output", cc_json_num(nb.nodes[i].output));
			json_array_append_new(na, x);
		}
		for (int i = 0; i < nb.nlinks; i++) {
			json_t *x = json_object();
			json_object_set_new(x, "source", json_integer(nb.links[i].from));
			json_object_set_new(x, "target", json_integer(nb.links[i].to));
			json_object_set_new(x, "value", cc_json_num(nb.links[i].value));
			json_array_append_new(la, x);
		}
		json_object_set_new(o, "nodes", na);
		json_object_set_new(o, "links", la);
		cc_jw_print_json(o, stdout);
		json_decref(o);
	} else {
		static const char *const cols[] = {"role",	     "uscc",	"name",
						   "region",	     "output#", "customers_here#",
						   "suppliers_here#"};
		struct cli_table t;
		cli_table_init(&t, 7, cols);
		for (int i = 0; i < nb.nnodes; i++) {
			int v = nb.nodes[i].node, out = 0, in = 0;
			for (int l = 0; l < nb.nlinks; l++) {
				out += nb.links[l].from == i;
				in += nb.links[l].to == i;
			}
			char c[4][40];
			snprintf(c[0], 40, "%06d", net->region[v]);
			fmt(c[1], 40, nb.nodes[i].output, "%.2f");
			snprintf(c[2], 40, "%d", out);
			snprintf(c[3], 40, "%d", in);
			const char *row[7] = {risk_nb_role_name(nb.nodes[i].role),
					      net->uscc[v],
					      node_name(ctx, net, v),
					      c[0],
					      c[1],
					      c[2],
					      c[3]};
			cli_table_add(&t, row);
		}
		printf("%d nodes, %d links%s\n", nb.nnodes, nb.nlinks,
		       nb.truncated ? " (capped: biggest links kept)" : "");
		cli_table_print(&t, stdout, ctx->format);
		cli_table_release(&t);
	}
	risk_neighbourhood_release(&nb);
	return CLI_OK;
}

/* Options: 0 chain, 1 scope, 2 buyer, 3 limit, 4 suppliers, 5 region, 6 node, 7 spare,
 * 8 tiers, 9 max. Each subcommand opens the supply network, runs and frees it. */
enum { CONCENTRATION, SPOF, ARTICULATION, DISRUPT, NEIGHBOURS };

static int run(struct cli_ctx *ctx, int what, const char **val, const char *uscc)
{
	struct risk_net *net = NULL;
	long long limit = 10, max = 200;
	int rc;
	if (val[3] && (limit = cli_int_option("limit", val[3], 1, 1000000)) < 0)
		return CLI_USAGE;
	if (val[9] && (max = cli_int_option("max", val[9], 2, 5000)) < 0)
		return CLI_USAGE;
	if ((rc = open_net(ctx, &net)))
		return rc;
	switch (what) {
	case CONCENTRATION: rc = risk_concentration_cmd(ctx, net, val[0], val[1], val[2]); break;
	case SPOF: rc = risk_spof_cmd(ctx, net, val[0], limit); break;
	case ARTICULATION: rc = risk_articulation_cmd(ctx, net, val[0], limit); break;
	case DISRUPT:
		rc = risk_disrupt_cmd(ctx, net, val[4], val[5], val[6], val[7], val[8], limit);
		break;
	default: rc = risk_neighbours_cmd(ctx, net, uscc, max); break;
	}
	risk_net_free(net);
	return rc;
}

static int sub_concentration(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	return run(ctx, CONCENTRATION, val, NULL);
}

static int sub_spof(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	return run(ctx, SPOF, val, NULL);
}

static int sub_articulation(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	return run(ctx, ARTICULATION, val, NULL);
}

static int sub_disrupt(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	return run(ctx, DISRUPT, val, NULL);
}

static int sub_neighbours(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return run(ctx, NEIGHBOURS, val, args[0]);
}

/* `risk tts` has options of its own and is dispatched before these (cmd_risk_tts.c). */
static const struct cli_sub risk_subs[] = {
	{"concentration", sub_concentration, 0, 0, CLI_OPT(0) | CLI_OPT(1) | CLI_OPT(2),
	 "concentration [--chain C] [--scope S] [--buyer USCC]"},
	{"spof", sub_spof, 0, 0, CLI_OPT(0) | CLI_OPT(3), "spof [--chain C] [--limit K]"},
	{"articulation", sub_articulation, 0, 0, CLI_OPT(0) | CLI_OPT(3),
	 "articulation [--chain C] [--limit K]"},
	{"disrupt", sub_disrupt, 0, 0,
	 CLI_OPT(3) | CLI_OPT(4) | CLI_OPT(5) | CLI_OPT(6) | CLI_OPT(7) | CLI_OPT(8),
	 "disrupt [--suppliers U1,U2] [--region 51,5001] [--node CHAIN.NODE] [--spare 0.2] "
	 "[--tiers N] [--limit K]"},
	{"neighbours", sub_neighbours, 1, 1, CLI_OPT(9), "neighbours USCC [--max 200]"},
	{"neighbors", sub_neighbours, 1, 1, CLI_OPT(9), "neighbors USCC [--max 200]"},
	{NULL, NULL, 0, 0, 0, NULL},
};

int cmd_risk(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"chain", 1}, {"scope", 1},	 {"buyer", 1},
						 {"limit", 1}, {"suppliers", 1}, {"region", 1},
						 {"node", 1},  {"spare", 1},	 {"tiers", 1},
						 {"max", 1},   {NULL, 0}};
	if (argc >= 2 && strcmp(argv[1], "tts") == 0)
		return cli_risk_tts(ctx, argc - 1, argv + 1);
	return cli_dispatch(ctx, cli_find("risk"), risk_subs, opts, argc, argv);
}
