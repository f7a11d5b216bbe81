/*
 * `innov`: the innovation chain's patent figures (innov/innov.h) — per node patent stock,
 * growth and holders by the IPC → node map, the map's coverage, and the derived
 * invention_patents indicator.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/commands.h"
#include "domain/catalogue.h"
#include "base/parse.h"
#include "domain/codes.h"
#include "innov/challenge.h"
#include "innov/innov.h"
#include "innov/platform.h"

enum {
	O_CHAIN,
	O_YEAR,
	O_SCOPE,
	O_LIMIT,
	O_STATUS,
	O_CHOKE,
	O_NOTE,
	O_KIND,
	O_LEVEL,
	O_HOST,
	O_NODES,
	O_RECOGNISED,
	O_REVIEWED,
	O_LEADER,
	O_MEMBERS,
	O_NODE,
	O_TECH,
	O_MILESTONES,
	O_BUDGET,
	O_DEADLINE,
	O_POSTER,
	O_USCC
};

struct innov_cli {
	const struct cc_catalogue *cat;
	const struct innov_map *map;
	struct innov_patents *pat;
	struct chain_scope scope;
	int year;
};

/* Loads catalogue, map, scope, year and (when STORE) the patents. Prints the error. */
static int setup(struct cli_ctx *ctx, const char **val, int store, struct innov_cli *c)
{
	struct cc_error err = {0};
	memset(c, 0, sizeof *c);
	if (cc_codes_load(&err) || !(c->cat = cc_catalogue_get(&err)) ||
	    !(c->map = innov_map_get(c->cat, &err))) {
		cli_error("%s", err.msg);
		return CLI_FAIL;
	}
	if (chain_scope_parse(val[O_SCOPE], &c->scope, &err)) {
		cli_error("innov: %s", err.msg);
		return CLI_USAGE;
	}
	if (val[O_CHAIN] && !cc_chain_find(c->cat, val[O_CHAIN])) {
		cli_error("innov: unknown chain '%s' (see chainchief chain list)", val[O_CHAIN]);
		return CLI_USAGE;
	}
	if (val[O_YEAR]) {
		long long y = cli_int_option("--year", val[O_YEAR], 1985, 2100);
		if (y < 0)
			return CLI_USAGE;
		c->year = (int)y;
	}
	if (!store)
		return CLI_OK;
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	if (!c->year)
		c->year = innov_latest_year(ctx->store, 2024);
	if (innov_patents_load(ctx->store, c->cat, c->map, &c->pat, &err)) {
		cli_error("innov: %s", err.msg);
		return CLI_FAIL;
	}
	return CLI_OK;
}

static int sub_stock(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	struct innov_cli c;
	int rc = setup(ctx, val, 1, &c);
	if (rc)
		return rc;
	struct innov_node_stock *s = calloc((size_t)c.cat->nnodes, sizeof *s);
	if (!s) {
		innov_patents_free(c.pat);
		return CLI_FAIL;
	}
	innov_stock(c.pat, c.map, &c.scope, c.year, s);
	static const char *const cols[] = {"chain",    "node",	      "name_zh", "ipc",
					   "stock#",   "stock_prev#", "growth#", "inventions#",
					   "holders#", "filed#"};
	struct cli_table t;
	cli_table_init(&t, 10, cols);
	for (int k = 0; k < c.cat->nnodes; k++) {
		const struct cc_node *nd = &c.cat->nodes[k];
		const struct cc_chain *ch = &c.cat->chains[nd->chain];
		if (val[O_CHAIN] && strcmp(ch->id, val[O_CHAIN]) != 0)
			continue;
		char a[24], b[24], g[32], i[24], h[24], f[24];
		int has = s[k].has_ipc;
		snprintf(a, sizeof a, "%lld", (long long)s[k].stock);
		snprintf(b, sizeof b, "%lld", (long long)s[k].stock_prev);
		snprintf(g, sizeof g, "%.4f", s[k].growth);
		snprintf(i, sizeof i, "%lld", (long long)s[k].inventions);
		snprintf(h, sizeof h, "%lld", (long long)s[k].holders);
		snprintf(f, sizeof f, "%lld", (long long)s[k].filed);
		const char *v[10] = {ch->id,
				     nd->id,
				     nd->name_zh,
				     innov_map_node_ipc(c.map, k),
				     has ? a : NULL,
				     has ? b : NULL,
				     has && !isnan(s[k].growth) ? g : NULL,
				     has ? i : NULL,
				     has ? h : NULL,
				     has ? f : NULL};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	if (ctx->format == CLI_FMT_TABLE)
		printf("(%lld patents; in force at the end of %d, holders in %s; nodes without IPC "
		       "prefixes have no figures)\n",
		       (long long)c.pat->n, c.year, c.scope.name_en);
	cli_table_release(&t);
	free(s);
	innov_patents_free(c.pat);
	return CLI_OK;
}

static int sub_holders(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	struct innov_cli c;
	struct cc_error err = {0};
	int rc = setup(ctx, val, 1, &c);
	if (rc)
		return rc;
	const struct cc_node *nd = cc_node_resolve(c.cat, args[0], NULL, &err);
	if (!nd) {
		cli_error("innov holders: %s", err.msg);
		innov_patents_free(c.pat);
		return CLI_USAGE;
	}
	long long limit = val[O_LIMIT] ? cli_int_option("--limit", val[O_LIMIT], 1, 100000) : 20;
	if (limit < 0) {
		innov_patents_free(c.pat);
		return CLI_USAGE;
	}
	struct innov_holder *h = calloc((size_t)limit, sizeof *h);
	int n = h ? innov_node_holders(c.pat, &c.scope, c.year, nd->index, h, (int)limit) : 0;
	static const char *const cols[] = {"uscc", "name", "region", "stock#", "inventions#"};
	struct cli_table t;
	cli_table_init(&t, 5, cols);
	struct cc_stmt *q = NULL;
	cc_stmt_prepare(ctx->store, &q, "SELECT uscc, name, region FROM enterprises WHERE id = ?1",
			&err);
	for (int i = 0; i < n && q; i++) {
		char a[24], b[24], r[16] = "";
		snprintf(a, sizeof a, "%lld", (long long)h[i].stock);
		snprintf(b, sizeof b, "%lld", (long long)h[i].inventions);
		cc_stmt_reset(q);
		cc_stmt_bind_int64(q, 1, h[i].enterprise_id);
		if (cc_stmt_step(q, &err) == 1) {
			snprintf(r, sizeof r, "%lld", (long long)cc_stmt_int64(q, 2));
			const char *v[5] = {cc_stmt_text(q, 0), cc_stmt_text(q, 1), r, a, b};
			cli_table_add(&t, v);
		}
	}
	cc_stmt_free(q);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	free(h);
	innov_patents_free(c.pat);
	return CLI_OK;
}

static int sub_map(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	struct innov_cli c;
	int rc = setup(ctx, val, 0, &c);
	if (rc)
		return rc;
	static const char *const cols[] = {"chain", "node", "name_zh", "ipc"};
	struct cli_table t;
	cli_table_init(&t, 4, cols);
	for (int k = 0; k < c.cat->nnodes; k++) {
		const struct cc_node *nd = &c.cat->nodes[k];
		const struct cc_chain *ch = &c.cat->chains[nd->chain];
		if (val[O_CHAIN] && strcmp(ch->id, val[O_CHAIN]) != 0)
			continue;
		const char *v[4] = {ch->id, nd->id, nd->name_zh, innov_map_node_ipc(c.map, k)};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	if (ctx->format == CLI_FMT_TABLE)
		printf("(%d of %d nodes have IPC prefixes: data/innovation/ipc_nodes.csv)\n",
		       innov_map_nodes(c.map), c.cat->nnodes);
	cli_table_release(&t);
	return CLI_OK;
}

static int sub_derive(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	struct innov_cli c;
	struct cc_error err = {0};
	if (!val[O_YEAR]) {
		cli_error("innov derive: give --year Y");
		cli_usage("innov derive --year Y");
		return CLI_USAGE;
	}
	int rc = setup(ctx, val, 1, &c);
	if (rc)
		return rc;
	int64_t n = innov_derive_inventions(ctx->store, c.pat, c.year, &err);
	innov_patents_free(c.pat);
	if (n < 0) {
		cli_error("innov derive: %s", err.msg);
		return CLI_FAIL;
	}
	printf("invention_patents of %d: %lld values written (imported values kept)\n", c.year,
	       (long long)n);
	return CLI_OK;
}

/* `innov tech CHAIN.NODE`: the node's key technologies and their status; with TECH and
 * --status, sets one (audited). */
static int sub_tech(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct innov_cli c;
	struct cc_error err = {0};
	int rc = setup(ctx, val, 0, &c);
	if (rc)
		return rc;
	const struct cc_node *nd = cc_node_resolve(c.cat, args[0], NULL, &err);
	if (!nd) {
		cli_error("innov tech: %s", err.msg);
		return CLI_USAGE;
	}
	if ((rc = cli_open_store(ctx, 0)))
		return rc;
	if (nargs == 2) {
		if (!val[O_STATUS]) {
			cli_error("innov tech: give --status leading|catching_up|absent");
			cli_usage("innov tech CHAIN.NODE [TECH --status leading|catching_up|absent "
				  "[--chokepoint] [--note N]]");
			return CLI_USAGE;
		}
		if (innov_tech_set(ctx->store, c.cat, nd->index, args[1], val[O_STATUS],
				   val[O_CHOKE] != NULL, val[O_NOTE], "cli", &err)) {
			cli_error("innov tech: %s", err.msg);
			return err.code == CC_EINVAL ? CLI_USAGE : CLI_FAIL;
		}
	} else if (val[O_STATUS] || val[O_CHOKE] || val[O_NOTE]) {
		cli_error("innov tech: name the technology to set");
		cli_usage("innov tech CHAIN.NODE [TECH --status leading|catching_up|absent "
			  "[--chokepoint] [--note N]]");
		return CLI_USAGE;
	}
	struct innov_tech t[64];
	int n = innov_tech_list(ctx->store, c.cat, nd->index, t, 64, &err);
	if (n < 0) {
		cli_error("innov tech: %s", err.msg);
		return CLI_FAIL;
	}
	static const char *const cols[] = {"technology", "status", "chokepoint", "note",
					   "in_catalogue"};
	struct cli_table tb;
	cli_table_init(&tb, 5, cols);
	for (int i = 0; i < n; i++) {
		const char *v[5] = {t[i].name, t[i].status[0] ? t[i].status : NULL,
				    t[i].chokepoint ? "yes" : "no", t[i].note[0] ? t[i].note : NULL,
				    t[i].in_catalogue ? "yes" : "no"};
		cli_table_add(&tb, v);
	}
	cli_table_print(&tb, stdout, ctx->format);
	cli_table_release(&tb);
	return CLI_OK;
}

static int sub_platform(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	struct innov_cli c;
	struct cc_error err = {0};
	int rc = setup(ctx, val, 0, &c);
	if (rc || (rc = cli_open_store(ctx, 0)))
		return rc;
	struct innov_platform_in in = {args[0],	     val[O_KIND],	val[O_LEVEL],	val[O_HOST],
				       val[O_NODES], val[O_RECOGNISED], val[O_REVIEWED]};
	int64_t id = innov_platform_put(ctx->store, c.cat, &in, "cli", &err);
	if (id < 0) {
		cli_error("innov platform: %s", err.msg);
		return id == CC_EINVAL ? CLI_USAGE : CLI_FAIL;
	}
	printf("platform %lld: %s\n", (long long)id, args[0]);
	return CLI_OK;
}

static int sub_consortium(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	struct innov_cli c;
	struct cc_error err = {0};
	int rc = setup(ctx, val, 0, &c);
	if (rc || (rc = cli_open_store(ctx, 0)))
		return rc;
	struct innov_consortium_in in = {args[0],      val[O_LEADER], val[O_MEMBERS],
					 val[O_NODE],  val[O_TECH],   val[O_MILESTONES],
					 val[O_STATUS]};
	int64_t id = innov_consortium_put(ctx->store, c.cat, &in, "cli", &err);
	if (id < 0) {
		cli_error("innov consortium: %s", err.msg);
		return id == CC_EINVAL ? CLI_USAGE : CLI_FAIL;
	}
	printf("consortium %lld: %s\n", (long long)id, args[0]);
	return CLI_OK;
}

/* Prints the rows of SQL (a query with no parameters) under COLS (at most 16). */
static int print_query(struct cli_ctx *ctx, const char *sql, int n, const char *const *cols)
{
	struct cc_error err = {0};
	struct cc_stmt *q = NULL;
	if (cc_stmt_prepare(ctx->store, &q, sql, &err)) {
		cli_error("%s", err.msg);
		return CLI_FAIL;
	}
	struct cli_table t;
	cli_table_init(&t, (size_t)n, cols);
	while (cc_stmt_step(q, &err) == 1) {
		const char *v[16];
		for (int i = 0; i < n && i < 16; i++)
			v[i] = cc_stmt_is_null(q, i) ? NULL : cc_stmt_text(q, i);
		cli_table_add(&t, v);
	}
	cc_stmt_free(q);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return CLI_OK;
}

static int sub_platforms(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val;
	(void)args;
	(void)nargs;
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	static const char *const cols[] = {"id#",	"name",	 "kind",       "level",	  "host",
					   "host_name", "nodes", "recognised", "reviewed"};
	return print_query(ctx,
			   "SELECT p.id, p.name, p.kind, p.level, e.uscc, coalesce(e.name, "
			   "p.host_name), p.nodes, p.recognised, p.reviewed FROM platforms p LEFT "
			   "JOIN enterprises e ON e.id = p.host_id ORDER BY p.id",
			   9, cols);
}

static int sub_consortia(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val;
	(void)args;
	(void)nargs;
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	static const char *const cols[] = {"id#",	  "name",	"leader",
					   "leader_name", "node",	"technology",
					   "members",	  "milestones", "status"};
	return print_query(ctx,
			   "SELECT c.id, c.name, e.uscc, e.name, c.chain || '.' || c.node, "
			   "c.technology, c.members, c.milestones, c.status FROM consortia c JOIN "
			   "enterprises e ON e.id = c.leader_id ORDER BY c.id",
			   9, cols);
}

/* `innov coverage [--chain C]`: per node its platforms and consortia; nodes with none. */
static int sub_coverage(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	struct innov_cli c;
	struct cc_error err = {0};
	int rc = setup(ctx, val, 0, &c);
	if (rc || (rc = cli_open_store(ctx, 0)))
		return rc;
	struct innov_coverage *cv = calloc((size_t)c.cat->nnodes, sizeof *cv);
	if (!cv || innov_coverage(ctx->store, c.cat, cv, &err)) {
		free(cv);
		cli_error("innov coverage: %s", err.msg[0] ? err.msg : "out of memory");
		return CLI_FAIL;
	}
	static const char *const cols[] = {"chain",	 "node",      "name_zh",
					   "platforms#", "national#", "consortia#"};
	struct cli_table t;
	cli_table_init(&t, 6, cols);
	int none = 0, shown = 0;
	for (int k = 0; k < c.cat->nnodes; k++) {
		const struct cc_node *nd = &c.cat->nodes[k];
		const struct cc_chain *ch = &c.cat->chains[nd->chain];
		if (val[O_CHAIN] && strcmp(ch->id, val[O_CHAIN]) != 0)
			continue;
		char a[16], b[16], d[16];
		snprintf(a, sizeof a, "%d", cv[k].platforms);
		snprintf(b, sizeof b, "%d", cv[k].national);
		snprintf(d, sizeof d, "%d", cv[k].consortia);
		const char *v[6] = {ch->id, nd->id, nd->name_zh, a, b, d};
		cli_table_add(&t, v);
		shown++;
		none += cv[k].platforms == 0;
	}
	cli_table_print(&t, stdout, ctx->format);
	if (ctx->format == CLI_FMT_TABLE)
		printf("(%d of %d nodes have no platform)\n", none, shown);
	cli_table_release(&t);
	free(cv);
	return CLI_OK;
}

static int sub_challenge(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	struct innov_cli c;
	struct cc_error err = {0};
	int rc = setup(ctx, val, 0, &c);
	if (rc || (rc = cli_open_store(ctx, 0)))
		return rc;
	double budget = NAN;
	if (val[O_BUDGET] && cc_parse_number(val[O_BUDGET], strlen(val[O_BUDGET]), &budget, &err)) {
		cli_error("innov challenge: --budget: %s", err.msg);
		return CLI_USAGE;
	}
	struct innov_challenge_in in = {args[0],	 val[O_NODE],	val[O_TECH],
					val[O_DEADLINE], val[O_POSTER], budget};
	int64_t id = innov_challenge_post(ctx->store, c.cat, &in, "cli", &err);
	if (id < 0) {
		cli_error("innov challenge: %s", err.msg);
		return id == CC_EINVAL ? CLI_USAGE : CLI_FAIL;
	}
	printf("challenge %lld: %s\n", (long long)id, args[0]);
	return CLI_OK;
}

static int sub_challenges(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val;
	(void)args;
	(void)nargs;
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	static const char *const cols[] = {"id#",     "title",	   "node",   "technology",
					   "budget#", "deadline",  "poster", "status",
					   "winner",  "milestones"};
	return print_query(
		ctx,
		"SELECT c.id, c.title, c.chain || '.' || c.node, c.technology, c.budget, "
		"c.deadline, c.poster, c.status, e.uscc, c.milestones FROM challenges c "
		"LEFT JOIN enterprises e ON e.id = c.winner_id ORDER BY c.id",
		10, cols);
}

/* `innov applicants ID`: the ranked applicants with every component's value and weight. */
static int sub_applicants(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	struct innov_cli c;
	struct cc_error err = {0};
	long long id = cli_int_option("challenge", args[0], 1, INT64_MAX);
	if (id < 0)
		return CLI_USAGE;
	long long limit = val[O_LIMIT] ? cli_int_option("--limit", val[O_LIMIT], 1, 100000) : 20;
	if (limit < 0)
		return CLI_USAGE;
	int rc = setup(ctx, val, 1, &c);
	if (rc)
		return rc;
	struct innov_applicant *a = NULL;
	int n = 0;
	rc = innov_challenge_rank(ctx->store, c.cat, c.pat, &c.scope, c.year, id, (int)limit, &a,
				  &n, &err);
	innov_patents_free(c.pat);
	if (rc) {
		cli_error("innov applicants: %s", err.msg);
		return rc == CC_ENOTFOUND ? CLI_USAGE : CLI_FAIL;
	}
	static const char *const cols[] = {
		"rank#",	 "uscc",	  "name",	"score#",
		"inventions#",	 "patents#",	  "platform",	"role",
		"local",	 "c_inventions#", "c_patents#", "c_platform#",
		"c_membership#", "c_local#",	  "c_text#",	"text_matched"};
	struct cli_table t;
	cli_table_init(&t, 16, cols);
	struct cc_stmt *q = NULL;
	cc_stmt_prepare(ctx->store, &q, "SELECT uscc, name FROM enterprises WHERE id = ?1", &err);
	for (int i = 0; i < n && q; i++) {
		char r[16], sc[32], inv[24], pat[24], cv[INNOV_COMPONENTS][32];
		snprintf(r, sizeof r, "%d", i + 1);
		snprintf(sc, sizeof sc, "%.4f", a[i].score);
		snprintf(inv, sizeof inv, "%lld", (long long)a[i].inventions);
		snprintf(pat, sizeof pat, "%lld", (long long)a[i].patents);
		/* Each component's contribution: weight × value. */
		for (int k = 0; k < INNOV_COMPONENTS; k++)
			snprintf(cv[k], sizeof cv[k], "%.4f", a[i].weight[k] * a[i].value[k]);
		cc_stmt_reset(q);
		cc_stmt_bind_int64(q, 1, a[i].enterprise_id);
		if (cc_stmt_step(q, &err) != 1)
			continue;
		const char *v[16] = {r,
				     cc_stmt_text(q, 0),
				     cc_stmt_text(q, 1),
				     sc,
				     inv,
				     pat,
				     a[i].platform_level[0] ? a[i].platform_level : NULL,
				     a[i].role[0] ? a[i].role : NULL,
				     a[i].local ? "yes" : "no",
				     cv[0],
				     cv[1],
				     cv[2],
				     cv[3],
				     cv[4],
				     cv[5],
				     a[i].matched[0] ? a[i].matched : NULL};
		cli_table_add(&t, v);
	}
	cc_stmt_free(q);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	free(a);
	return CLI_OK;
}

static int sub_award(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	struct cc_error err = {0};
	long long id = cli_int_option("challenge", args[0], 1, INT64_MAX);
	if (id < 0)
		return CLI_USAGE;
	if (!val[O_USCC]) {
		cli_error("innov award: give --uscc of the winner");
		cli_usage("innov award ID --uscc USCC [--milestones M]");
		return CLI_USAGE;
	}
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	rc = innov_challenge_award(ctx->store, id, val[O_USCC], val[O_MILESTONES], "cli", &err);
	if (rc) {
		cli_error("innov award: %s", err.msg);
		return CLI_FAIL;
	}
	printf("challenge %lld awarded to %s\n", id, val[O_USCC]);
	return CLI_OK;
}

#define COMMON (CLI_OPT(O_YEAR) | CLI_OPT(O_SCOPE))
static const struct cli_sub innov_subs[] = {
	{"stock", sub_stock, 0, 0, COMMON | CLI_OPT(O_CHAIN),
	 "stock [--chain C] [--year Y] [--scope S]"},
	{"holders", sub_holders, 1, 1, COMMON | CLI_OPT(O_LIMIT),
	 "holders CHAIN.NODE [--year Y] [--scope S] [--limit N]"},
	{"map", sub_map, 0, 0, CLI_OPT(O_CHAIN), "map [--chain C]"},
	{"derive", sub_derive, 0, 0, CLI_OPT(O_YEAR), "derive --year Y"},
	{"tech", sub_tech, 1, 2, CLI_OPT(O_STATUS) | CLI_OPT(O_CHOKE) | CLI_OPT(O_NOTE),
	 "tech CHAIN.NODE [TECH --status leading|catching_up|absent [--chokepoint] [--note N]]"},
	{"platform", sub_platform, 1, 1,
	 CLI_OPT(O_KIND) | CLI_OPT(O_LEVEL) | CLI_OPT(O_HOST) | CLI_OPT(O_NODES) |
		 CLI_OPT(O_RECOGNISED) | CLI_OPT(O_REVIEWED),
	 "platform NAME --kind K --level L [--host USCC|NAME] [--nodes a.b;c.d] "
	 "[--recognised DATE] [--reviewed DATE]"},
	{"platforms", sub_platforms, 0, 0, 0, "platforms"},
	{"consortium", sub_consortium, 1, 1,
	 CLI_OPT(O_LEADER) | CLI_OPT(O_MEMBERS) | CLI_OPT(O_NODE) | CLI_OPT(O_TECH) |
		 CLI_OPT(O_MILESTONES) | CLI_OPT(O_STATUS),
	 "consortium NAME --leader USCC --node CHAIN.NODE --technology T [--members M1;M2] "
	 "[--milestones X] [--status S]"},
	{"consortia", sub_consortia, 0, 0, 0, "consortia"},
	{"coverage", sub_coverage, 0, 0, CLI_OPT(O_CHAIN), "coverage [--chain C]"},
	{"challenge", sub_challenge, 1, 1,
	 CLI_OPT(O_NODE) | CLI_OPT(O_TECH) | CLI_OPT(O_BUDGET) | CLI_OPT(O_DEADLINE) |
		 CLI_OPT(O_POSTER),
	 "challenge TITLE --node CHAIN.NODE --technology T [--budget 万元] [--deadline DATE] "
	 "[--poster P]"},
	{"challenges", sub_challenges, 0, 0, 0, "challenges"},
	{"applicants", sub_applicants, 1, 1, COMMON | CLI_OPT(O_LIMIT),
	 "applicants ID [--year Y] [--scope S] [--limit N]"},
	{"award", sub_award, 1, 1, CLI_OPT(O_USCC) | CLI_OPT(O_MILESTONES),
	 "award ID --uscc USCC [--milestones M]"},
	{NULL, NULL, 0, 0, 0, NULL}};

int cmd_innov(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{"chain", 1},	   {"year", 1},	      {"scope", 1},   {"limit", 1},
		{"status", 1},	   {"chokepoint", 0}, {"note", 1},    {"kind", 1},
		{"level", 1},	   {"host", 1},	      {"nodes", 1},   {"recognised", 1},
		{"reviewed", 1},   {"leader", 1},     {"members", 1}, {"node", 1},
		{"technology", 1}, {"milestones", 1}, {"budget", 1},  {"deadline", 1},
		{"poster", 1},	   {"uscc", 1},	      {NULL, 0}};
	return cli_dispatch(ctx, cli_find("innov"), innov_subs, opts, argc, argv);
}
