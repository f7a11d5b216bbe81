/*
 * `chainchief risk tts --nodes N.csv --edges E.csv [--ttr T]`: an analyst's own network in
 * the time-to-survive / time-to-recover model of risk/tts.h (Simchi-Levi et al., 2015), every
 * node disrupted in turn. Needs no database. Dispatched by the risk command (cmd_risk.c) with
 * argv[0] = "tts".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/jw.h"
#include "base/parse.h"
#include "cli/cli.h"
#include "risk/tts.h"

/* The subcommand as cli_parse needs it (usage and help of `risk tts`). */
static const struct cli_command risk_tts_cmd = {
	"risk tts", NULL, "risk tts --nodes N.csv --edges E.csv [--ttr T]",
	"Time to survive and lost margin of every single-node disruption",
	"Reads a network (nodes: id, kind supplier|plant|product, capacity, inventory, demand and\n"
	"margin per period, an empty capacity meaning unlimited; edges: from, to, material,\n"
	"units of the material per unit of `to`; several suppliers of one material to a node are\n"
	"alternatives), disrupts each node in turn and solves the linear programmes of\n"
	"Simchi-Levi et al. (Interfaces 45(5), 2015): tts = the periods demand is still met\n"
	"(none: met indefinitely), lost = the smallest lost margin over a recovery time of --ttr\n"
	"periods (default 1), rei = lost / the largest lost. Rows in the nodes file's order.\n"
	"--format json prints {\"scenarios\":[{\"disrupted\",\"tts\",\"lost\",\"rei\"}]}."};

static void fmt_num(char *out, size_t n, double v)
{
	if (isinf(v))
		snprintf(out, n, "none");
	else
		cc_num_format(v, 6, out, n);
}

/* Prints the scenarios as {"scenarios":[...]}. Returns 0 or -1 when out of memory. */
static int print_json(const struct tts_model *m, const struct tts_scenario *sc)
{
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 30);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	cc_jw_object(&w);
	cc_jw_key(&w, "scenarios");
	cc_jw_array(&w);
	for (int j = 0; j < m->nnodes; j++) {
		cc_jw_object(&w);
		cc_jw_kstr(&w, "disrupted", m->nodes[sc[j].disrupted].id);
		cc_jw_knum(&w, "tts", sc[j].tts); /* null when met indefinitely */
		cc_jw_knum(&w, "lost", sc[j].lost);
		cc_jw_knum(&w, "rei", sc[j].rei);
		cc_jw_end(&w);
	}
	cc_jw_end(&w);
	cc_jw_end(&w);
	int bad = cc_jw_finish(&w);
	if (!bad) {
		fputs(cc_buf_str(&b), stdout);
		fputc('\n', stdout);
	}
	cc_buf_release(&b);
	return bad ? -1 : 0;
}

int cli_risk_tts(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"nodes", 1}, {"edges", 1}, {"ttr", 1}, {NULL, 0}};
	const char *val[3], *pos[1];
	int npos, rc;
	struct tts_model m;
	struct tts_scenario *sc = NULL;
	struct cc_error err = {0};
	double ttr = 1;
	tts_model_init(&m);
	rc = cli_parse(&risk_tts_cmd, argc, argv, opts, val, pos, 0, &npos);
	if (rc)
		goto out;
	if (!val[0] || !val[1]) {
		cli_error("risk tts: name the nodes and edges files (--nodes N.csv --edges E.csv)");
		fprintf(stderr, "usage: chainchief %s\n", risk_tts_cmd.usage);
		rc = CLI_USAGE;
		goto out;
	}
	if (val[2]) {
		if (cc_parse_number(val[2], strlen(val[2]), &ttr, &err) || !(ttr > 0) ||
		    ttr > 1e6) {
			cli_error("risk tts: --ttr must be a number of periods > 0, not '%s'",
				  val[2]);
			rc = CLI_USAGE;
			goto out;
		}
	}
	rc = tts_model_read(&m, val[0], val[1], &err);
	if (rc == 0)
		rc = tts_evaluate_all(&m, ttr, &sc, &err);
	if (rc) {
		cli_error("risk tts: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	if (ctx->format == CLI_FMT_JSON) {
		if (print_json(&m, sc)) {
			cli_error("risk tts: out of memory");
			rc = CLI_FAIL;
			goto out;
		}
	} else {
		static const char *const cols[] = {"disrupted", "kind", "tts#",
						   "lost#",	"rei#", "at_risk"};
		struct cli_table t;
		if (cli_table_init(&t, 6, cols)) {
			cli_error("risk tts: out of memory");
			rc = CLI_FAIL;
			goto out;
		}
		for (int j = 0; j < m.nnodes; j++) {
			char a[32], b[32], c[32];
			const struct tts_node *nd = &m.nodes[sc[j].disrupted];
			fmt_num(a, sizeof a, sc[j].tts);
			fmt_num(b, sizeof b, sc[j].lost);
			snprintf(c, sizeof c, "%.4f", sc[j].rei);
			const char *v[6] = {nd->id, tts_kind_name(nd->kind),
					    a,	    b,
					    c,	    sc[j].tts < ttr * (1 - 1e-9) ? "yes" : "no"};
			cli_table_add(&t, v);
		}
		if (ctx->format == CLI_FMT_TABLE)
			printf("%d nodes, %d edges; recovery time %g period%s; tts in periods "
			       "(none: demand met indefinitely); lost margin over the recovery "
			       "time; at_risk: tts < recovery time\n",
			       m.nnodes, m.nedges, ttr, ttr == 1 ? "" : "s");
		cli_table_print(&t, stdout, ctx->format);
		cli_table_release(&t);
	}
	rc = CLI_OK;
out:
	free(sc);
	tts_model_release(&m);
	return rc;
}
