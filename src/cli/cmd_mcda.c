/*
 * `chainchief mcda FILE`: multi-criteria ranking of an analyst's own decision matrix (CSV or
 * XLSX) with TOPSIS, VIKOR or a weighted sum, and the weights, normalisation and sensitivity
 * analysis of eval/mcda.h. Needs no database: it reads the file, computes, prints.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/jw.h"
#include "base/parse.h"
#include "cli/commands.h"
#include "eval/mcda.h"
#include "io/table.h"

/* How the weights were obtained, for the output. */
enum weighting_t { W_ENTROPY, W_EQUAL, W_CRITIC, W_AHP, W_GIVEN, W_ROW };

static const char *weighting_name(int k)
{
	static const char *const names[] = {"entropy", "equal", "critic", "ahp", "given", "row"};
	return names[k];
}

static void jw_nums(struct cc_jw *w, const char *key, const double *v, int n)
{
	cc_jw_key(w, key);
	cc_jw_array(w);
	for (int i = 0; i < n; i++)
		cc_jw_num(w, v[i]);
	cc_jw_end(w);
}

static void jw_ints(struct cc_jw *w, const char *key, const int *v, int n)
{
	cc_jw_key(w, key);
	cc_jw_array(w);
	for (int i = 0; i < n; i++)
		cc_jw_int(w, v[i]);
	cc_jw_end(w);
}

static void jw_names(struct cc_jw *w, const char *key, char *const *names, int n)
{
	cc_jw_key(w, key);
	cc_jw_array(w);
	for (int i = 0; i < n; i++)
		cc_jw_str(w, names[i]);
	cc_jw_end(w);
}

/*
 * Parses "w1,w2,..." into W (N values). Returns the number of values read, or -1 with a
 * message when one is not a number.
 */
static int parse_weight_list(const char *s, double *w, int n)
{
	int k = 0;
	const char *p = s;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		struct cc_error e;
		double v;
		if (cc_parse_number(p, len, &v, &e)) {
			cli_error("mcda: --weights: '%.*s' is not a number (give equal, entropy, "
				  "critic, ahp:FILE or w1,w2,...)",
				  (int)len, p);
			return -1;
		}
		if (k < n)
			w[k] = v;
		k++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return k;
}

static void print_table(struct cli_ctx *ctx, const struct eval_dataset *d,
			const struct eval_result *r, int method,
			const struct eval_sensitivity *sens)
{
	static const char *const cols_plain[] = {"name", "score#", "rank#", "max_move#"};
	static const char *const cols_vikor[] = {"name", "S#", "R#", "Q#", "rank#", "max_move#"};
	int vik = method == EVAL_VIKOR;
	size_t ncols = (vik ? 5 : 3) + (sens ? 1 : 0);
	struct cli_table t;
	if (cli_table_init(&t, ncols, vik ? cols_vikor : cols_plain)) {
		cli_error("mcda: out of memory");
		return;
	}
	for (int i = 0; i < r->m; i++) {
		char a[32], b[32], c[32], rk[16], mv[16];
		const char *v[6];
		size_t k = 0;
		v[k++] = d->alternatives[i];
		if (vik) {
			snprintf(a, sizeof a, "%.6f", r->S[i]);
			snprintf(b, sizeof b, "%.6f", r->R[i]);
			snprintf(c, sizeof c, "%.6f", r->Q[i]);
			v[k++] = a;
			v[k++] = b;
			v[k++] = c;
		} else {
			snprintf(a, sizeof a, "%.6f", r->scores[i]);
			v[k++] = a;
		}
		snprintf(rk, sizeof rk, "%d", r->ranks[i]);
		v[k++] = rk;
		if (sens) {
			snprintf(mv, sizeof mv, "%d", sens->max_move[i]);
			v[k++] = mv;
		}
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
}

static void print_sensitivity_table(struct cli_ctx *ctx, const struct eval_dataset *d,
				    const struct eval_result *r, const struct eval_sensitivity *s)
{
	static const char *const cols[] = {"criterion", "change", "weight#", "largest_move#",
					   "moved"};
	struct cli_table t;
	if (cli_table_init(&t, 5, cols))
		return;
	for (int j = 0; j < s->n; j++)
		for (int k = 0; k < s->nsteps; k++) {
			size_t sc = (size_t)j * (size_t)s->nsteps + (size_t)k;
			char ch[16], w[32], mv[16];
			struct cc_buf moved = CC_BUF_INIT(4096);
			snprintf(ch, sizeof ch, "%+.0f%%", eval_sens_steps[k] * 100);
			snprintf(w, sizeof w, "%.4f", s->weights[sc * (size_t)s->n + (size_t)j]);
			snprintf(mv, sizeof mv, "%d", s->moves[sc]);
			/* Who moved: the first few names, with their new ranks. */
			const int *rk = s->ranks + sc * (size_t)s->m;
			int shown = 0, more = 0;
			for (int i = 0; i < s->m; i++) {
				if (rk[i] == r->ranks[i])
					continue;
				if (shown == 5) {
					more++;
					continue;
				}
				cc_buf_printf(&moved, "%s%s %d->%d", shown ? ", " : "",
					      d->alternatives[i], r->ranks[i], rk[i]);
				shown++;
			}
			if (more)
				cc_buf_printf(&moved, " and %d more", more);
			const char *v[5] = {d->criteria[j], ch, w, mv, NULL};
			v[4] = cc_buf_str(&moved);
			cli_table_add(&t, v);
			cc_buf_release(&moved);
		}
	printf("\nweight sensitivity (each weight changed, the others rescaled to sum 1):\n");
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
}

/* Prints the result as one JSON object. Returns 0 or CC_ENOMEM. */
static int print_json(const struct eval_dataset *d, const struct eval_result *r, int method,
		      int norm, double v, int weighting, const struct eval_ahp *ahp,
		      const struct eval_sensitivity *sens)
{
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 30);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	cc_jw_object(&w);
	cc_jw_kstr(&w, "method", eval_method_name(method));
	if (method != EVAL_VIKOR)
		cc_jw_kstr(&w, "normalize", eval_norm_name(norm));
	else
		cc_jw_knum(&w, "v", v);
	cc_jw_kstr(&w, "weighting", weighting_name(weighting));
	jw_names(&w, "criteria", d->criteria, d->mx.n);
	jw_names(&w, "alternatives", d->alternatives, d->mx.m);
	jw_nums(&w, "weights", r->weights, r->n);
	jw_nums(&w, "scores", r->scores, r->m);
	jw_ints(&w, "ranks", r->ranks, r->m);
	if (method == EVAL_VIKOR) {
		/* S, R and Q are the method's own names (Opricovic & Tzeng 2004). */
		jw_nums(&w, "S", r->S, r->m);
		jw_nums(&w, "R", r->R, r->m);
		jw_nums(&w, "Q", r->Q, r->m);
		cc_jw_kbool(&w, "acceptable_advantage", r->advantage);
		cc_jw_kbool(&w, "acceptable_stability", r->stability);
		cc_jw_key(&w, "compromise");
		cc_jw_array(&w);
		for (int k = 0; k < r->ncompromise; k++)
			cc_jw_str(&w, d->alternatives[r->compromise[k]]);
		cc_jw_end(&w);
	}
	if (ahp) {
		cc_jw_key(&w, "ahp");
		cc_jw_object(&w);
		cc_jw_knum(&w, "lambda_max", ahp->lambda_max);
		cc_jw_knum(&w, "ci", ahp->ci);
		cc_jw_knum(&w, "ri", ahp->ri);
		cc_jw_knum(&w, "cr", ahp->cr);
		cc_jw_end(&w);
	}
	if (sens) {
		cc_jw_key(&w, "sensitivity");
		cc_jw_object(&w);
		jw_nums(&w, "steps", eval_sens_steps, sens->nsteps);
		cc_jw_key(&w, "scenarios");
		cc_jw_array(&w);
		for (int j = 0; j < sens->n; j++)
			for (int k = 0; k < sens->nsteps; k++) {
				size_t sc = (size_t)j * (size_t)sens->nsteps + (size_t)k;
				cc_jw_object(&w);
				cc_jw_kstr(&w, "criterion", d->criteria[j]);
				cc_jw_knum(&w, "change", eval_sens_steps[k]);
				jw_nums(&w, "weights", sens->weights + sc * (size_t)sens->n,
					sens->n);
				jw_ints(&w, "ranks", sens->ranks + sc * (size_t)sens->m, sens->m);
				cc_jw_kint(&w, "largest_move", sens->moves[sc]);
				cc_jw_end(&w);
			}
		cc_jw_end(&w);
		jw_ints(&w, "largest_move", sens->max_move, sens->m);
		cc_jw_end(&w);
	}
	cc_jw_end(&w);
	int rc = cc_jw_finish(&w);
	if (rc == 0) {
		fputs(cc_buf_str(&b), stdout);
		fputc('\n', stdout);
	}
	cc_buf_release(&b);
	return rc;
}

/* The options of `mcda`, in the order of cmd_mcda's table. */
enum { OPT_METHOD, OPT_WEIGHTS, OPT_NORMALIZE, OPT_V, OPT_SENSITIVITY };

/*
 * Reads --method, --normalize and --v into O, and the kind of --weights into *WEIGHTING (the
 * file's weight row, when it has one and --weights is not given, is decided once it is read).
 * Returns CLI_OK, or CLI_USAGE (said).
 */
static int mcda_options(const char *const *val, struct eval_options *o, int *weighting)
{
	struct cc_error err = {0};
	int rc = CLI_OK;
	if (val[OPT_METHOD]) {
		o->method = eval_method_parse(val[OPT_METHOD]);
		if (o->method < 0) {
			cli_error("mcda: unknown method '%s' (topsis, vikor or wsum)",
				  val[OPT_METHOD]);
			rc = CLI_USAGE;
			goto out;
		}
	}
	if (val[OPT_NORMALIZE]) {
		o->norm = eval_norm_parse(val[OPT_NORMALIZE]);
		if (o->norm < 0) {
			cli_error("mcda: unknown normalisation '%s' (vector, minmax, max, sum or "
				  "zscore)",
				  val[OPT_NORMALIZE]);
			rc = CLI_USAGE;
			goto out;
		}
	}
	if (val[OPT_V]) {
		if (cc_parse_number(val[OPT_V], strlen(val[OPT_V]), &o->v, &err) || o->v < 0 ||
		    o->v > 1) {
			cli_error("mcda: --v must be a number from 0 to 1, not '%s'", val[OPT_V]);
			rc = CLI_USAGE;
			goto out;
		}
	}
	const char *wspec = val[OPT_WEIGHTS];
	*weighting = W_ENTROPY;
	if (wspec) {
		if (strcmp(wspec, "entropy") == 0)
			*weighting = W_ENTROPY;
		else if (strcmp(wspec, "equal") == 0)
			*weighting = W_EQUAL;
		else if (strcmp(wspec, "critic") == 0)
			*weighting = W_CRITIC;
		else if (strncmp(wspec, "ahp:", 4) == 0 && wspec[4])
			*weighting = W_AHP;
		else
			*weighting = W_GIVEN;
	}
out:
	return rc;
}

/*
 * Computes the weights of D's criteria into W as WEIGHTING says (WSPEC is --weights, PATH the
 * matrix file for messages). Returns CLI_OK, CLI_USAGE or CLI_FAIL (said).
 */
static int mcda_weights(const struct eval_dataset *d, const char *path, const char *wspec,
			int weighting, double *w, struct eval_ahp *ahp)
{
	struct cc_error err = {0};
	struct cc_table *t = NULL;
	double *amat = NULL;
	int n = d->mx.n, rc = 0;
	switch (weighting) {
	case W_ENTROPY: rc = eval_weights_entropy(&d->mx, w, &err); break;
	case W_EQUAL: eval_weights_equal(n, w); break;
	case W_CRITIC: rc = eval_weights_critic(&d->mx, w, &err); break;
	case W_ROW: rc = eval_weights_given(d->weights, n, w, &err); break;
	case W_GIVEN: {
		int k = parse_weight_list(wspec, w, n);
		if (k < 0) {
			rc = CLI_USAGE;
			goto out;
		}
		if (k != n) {
			cli_error("mcda: --weights has %d values but '%s' has %d criteria", k, path,
				  n);
			rc = CLI_USAGE;
			goto out;
		}
		rc = eval_weights_given(w, n, w, &err);
		break;
	}
	case W_AHP: {
		const char *file = wspec + 4;
		amat = malloc(sizeof *amat * (size_t)n * (size_t)n);
		if (!amat) {
			rc = CC_ENOMEM;
			cc_error_set(&err, rc, "out of memory");
			break;
		}
		rc = cc_table_open(&t, file, &err);
		if (rc == 0)
			rc = eval_ahp_read(t, n, d->criteria, amat, &err);
		if (rc == 0)
			rc = eval_weights_ahp(amat, n, w, ahp, &err);
		if (rc) {
			cli_error("mcda: AHP matrix '%s': %s", file, err.msg);
			rc = CLI_FAIL;
			goto out;
		}
		break;
	}
	}
	if (rc) {
		cli_error("mcda '%s': %s weights: %s", path, weighting_name(weighting), err.msg);
		rc = CLI_FAIL;
	}
out:
	cc_table_free(t);
	free(amat);
	return rc;
}

/* Prints the result for people: the weights, the method, the ranking and what goes with it. */
static void print_text(struct cli_ctx *ctx, const struct eval_dataset *d,
		       const struct eval_result *res, const struct eval_options *o, int weighting,
		       const struct eval_ahp *ahp, const struct eval_sensitivity *sens)
{
	int m = d->mx.m, n = d->mx.n;
	printf("%s, %d alternatives, %d criteria; weights (%s):\n", eval_method_name(o->method), m,
	       n, weighting_name(weighting));
	for (int j = 0; j < n; j++)
		printf("  %-20s %-4s %.4f\n", d->criteria[j], d->mx.benefit[j] ? "max" : "min",
		       res->weights[j]);
	if (weighting == W_AHP)
		printf("AHP: lambda_max %.4f, CI %.4f, RI %.2f, CR %.4f (<= 0.1: consistent)\n",
		       ahp->lambda_max, ahp->ci, ahp->ri, ahp->cr);
	if (o->method == EVAL_VIKOR)
		printf("VIKOR v = %g; rank by Q (lower is better)\n", o->v);
	else
		printf("normalisation %s; %s\n", eval_norm_name(o->norm),
		       o->method == EVAL_TOPSIS
			       ? "score = closeness to the ideal (higher is better)"
			       : "score = weighted sum (higher is better)");
	putchar('\n');
	print_table(ctx, d, res, o->method, sens);
	if (o->method == EVAL_VIKOR) {
		printf("\nacceptable advantage (C1): %s\nacceptable stability (C2): %s\n"
		       "compromise solution:",
		       res->advantage ? "yes" : "no", res->stability ? "yes" : "no");
		for (int k = 0; k < res->ncompromise; k++)
			printf("%s %s", k ? "," : "", d->alternatives[res->compromise[k]]);
		putchar('\n');
	}
	if (sens)
		print_sensitivity_table(ctx, d, res, sens);
}

int cmd_mcda(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"method", 1},	     {"weights", 1},
						 {"normalize", 1},   {"v", 1},
						 {"sensitivity", 0}, {NULL, 0}};
	const char *val[5], *pos[1];
	int npos, rc;
	const struct cli_command *cmd = cli_find("mcda");
	struct eval_dataset d = {0};
	struct eval_result res = {0};
	struct eval_sensitivity sens = {0};
	struct eval_ahp ahp = {0};
	struct cc_error err = {0};
	struct eval_options o = {EVAL_TOPSIS, EVAL_NORM_VECTOR, 0.5};
	int weighting = W_ENTROPY;
	double *w = NULL;
	rc = cli_parse(cmd, argc, argv, opts, val, pos, 1, &npos);
	if (rc)
		goto out;
	if (npos != 1) {
		cli_error("mcda: name one decision matrix file (CSV or XLSX)");
		fprintf(stderr, "usage: chainchief %s\n", cmd->usage);
		rc = CLI_USAGE;
		goto out;
	}
	rc = mcda_options(val, &o, &weighting);
	if (rc)
		goto out;
	rc = eval_dataset_open(&d, pos[0], &err);
	if (rc) {
		cli_error("mcda '%s': %s", pos[0], err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	w = malloc(sizeof *w * (size_t)d.mx.n);
	d.mx.memo = eval_memo_new(); /* weights, scores and sensitivity share the passes */
	if (!w || !d.mx.memo) {
		cli_error("mcda: out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	if (!val[OPT_WEIGHTS] && d.weights)
		weighting = W_ROW;
	rc = mcda_weights(&d, pos[0], val[OPT_WEIGHTS], weighting, w, &ahp);
	if (rc)
		goto out;
	rc = eval_run(&d.mx, w, &o, &res, &err);
	if (rc) {
		cli_error("mcda '%s': %s", pos[0], err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	const struct eval_sensitivity *sp = NULL;
	if (val[OPT_SENSITIVITY]) {
		rc = eval_sensitivity_run(&d.mx, w, &o, res.ranks, &sens, &err);
		if (rc) {
			cli_error("mcda '%s': sensitivity: %s", pos[0], err.msg);
			rc = CLI_FAIL;
			goto out;
		}
		sp = &sens;
	}
	if (ctx->format == CLI_FMT_JSON) {
		if (print_json(&d, &res, o.method, o.norm, o.v, weighting,
			       weighting == W_AHP ? &ahp : NULL, sp)) {
			cli_error("mcda '%s': out of memory writing the result", pos[0]);
			rc = CLI_FAIL;
			goto out;
		}
	} else if (ctx->format == CLI_FMT_CSV) {
		print_table(ctx, &d, &res, o.method, sp);
	} else {
		print_text(ctx, &d, &res, &o, weighting, &ahp, sp);
	}
	rc = CLI_OK;
out:
	free(w);
	eval_sensitivity_release(&sens);
	eval_result_release(&res);
	eval_memo_free(d.mx.memo);
	d.mx.memo = NULL;
	eval_dataset_release(&d);
	return rc;
}
