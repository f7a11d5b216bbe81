/*
 * Evaluation models (see model.h): load and validate the JSON, select the enterprises, build
 * the indicator matrix from frame columns, run eval/mcda, rank and assign tiers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "base/builtin.h"
#include "domain/catalogue.h"
#include "eval/mcda.h"
#include "eval/model.h"

static void copy_str(char *dst, size_t n, json_t *v)
{
	const char *s = json_string_value(v);
	snprintf(dst, n, "%s", s ? s : "");
}

static int parse_expr(const char *what, const char *src, int flags, struct expr **out,
		      struct cc_error *err)
{
	struct expr_where where;
	struct cc_error e = {0};
	int rc = expr_parse(src, strlen(src), flags, out, &where, &e);
	if (rc)
		cc_error_set(err, rc, "%s: %s", what, e.msg);
	return rc;
}

void eval_model_release(struct eval_model *m)
{
	if (!m)
		return;
	expr_free(m->filter);
	expr_free(m->candidate);
	for (int k = 0; k < m->nind; k++)
		expr_free(m->ind[k].e);
	memset(m, 0, sizeof *m);
}

int eval_model_parse(const char *text, struct eval_model *m, struct cc_error *err)
{
	json_error_t je;
	int rc = 0;
	char what[160];
	memset(m, 0, sizeof *m);
	json_t *j = json_loads(text, 0, &je);
	if (!j)
		return cc_error_set(err, CC_EPARSE, "model line %d: %s", je.line, je.text);
	copy_str(m->id, sizeof m->id, json_object_get(j, "id"));
	copy_str(m->name_zh, sizeof m->name_zh, json_object_get(j, "name_zh"));
	copy_str(m->name_en, sizeof m->name_en, json_object_get(j, "name_en"));
	copy_str(m->source, sizeof m->source, json_object_get(j, "source"));
	copy_str(m->source_zh, sizeof m->source_zh, json_object_get(j, "source_zh"));
	copy_str(m->source_en, sizeof m->source_en, json_object_get(j, "source_en"));
	if (!m->source_zh[0])
		copy_str(m->source_zh, sizeof m->source_zh, json_object_get(j, "source"));
	if (!m->source_en[0])
		copy_str(m->source_en, sizeof m->source_en, json_object_get(j, "source"));
	if (!m->id[0]) {
		rc = cc_error_set(err, CC_EINVAL, "model has no id");
		goto out;
	}
	const char *fs = json_string_value(json_object_get(j, "filter"));
	if (fs && (rc = parse_expr("model filter", fs, EXPR_WANT_CONDITION, &m->filter, err)))
		goto out;
	json_t *cand = json_object_get(j, "candidate");
	if (cand) {
		const char *cs = json_string_value(json_object_get(cand, "expr"));
		if (!cs) {
			rc = cc_error_set(err, CC_EINVAL, "model candidate needs an expr");
			goto out;
		}
		if ((rc = parse_expr("model candidate", cs, EXPR_WANT_CONDITION, &m->candidate,
				     err)))
			goto out;
		m->near_margin = json_number_value(json_object_get(cand, "near_margin"));
		if (m->near_margin < 0 || m->near_margin > 1) {
			rc = cc_error_set(err, CC_EINVAL, "candidate near_margin must be 0..1");
			goto out;
		}
	}
	json_t *inds = json_object_get(j, "indicators");
	if (json_array_size(inds) < 1 || json_array_size(inds) > EVAL_MODEL_MAX_IND) {
		rc = cc_error_set(err, CC_EINVAL, "a model needs 1 to %d indicators",
				  EVAL_MODEL_MAX_IND);
		goto out;
	}
	for (size_t k = 0; k < json_array_size(inds); k++) {
		json_t *ji = json_array_get(inds, k);
		struct eval_indicator *ind = &m->ind[m->nind];
		copy_str(ind->id, sizeof ind->id, json_object_get(ji, "id"));
		copy_str(ind->name_zh, sizeof ind->name_zh, json_object_get(ji, "name_zh"));
		copy_str(ind->name_en, sizeof ind->name_en, json_object_get(ji, "name_en"));
		copy_str(ind->group, sizeof ind->group, json_object_get(ji, "group"));
		const char *dir = json_string_value(json_object_get(ji, "direction"));
		ind->benefit = !dir || strcmp(dir, "min") != 0;
		if (dir && strcmp(dir, "min") && strcmp(dir, "max")) {
			rc = cc_error_set(err, CC_EINVAL,
					  "indicator '%s': direction must be max or min", ind->id);
			goto out;
		}
		ind->weight = json_number_value(json_object_get(ji, "weight"));
		const char *net = json_string_value(json_object_get(ji, "network"));
		const char *ex = json_string_value(json_object_get(ji, "expr"));
		if (net) {
			ind->network = !strcmp(net, "customers")   ? EVAL_NET_CUSTOMERS
				       : !strcmp(net, "suppliers") ? EVAL_NET_SUPPLIERS
				       : !strcmp(net, "nodes")	   ? EVAL_NET_NODES
								   : -1;
			if (ind->network < 0) {
				rc = cc_error_set(
					err, CC_EINVAL,
					"indicator '%s': network must be customers, suppliers "
					"or nodes",
					ind->id);
				goto out;
			}
		} else if (ex) {
			snprintf(what, sizeof what, "indicator '%s'", ind->id);
			m->nind++; /* so that release frees the expression on failure */
			if ((rc = parse_expr(what, ex, EXPR_WANT_NUMBER, &ind->e, err)))
				goto out;
			continue;
		} else {
			rc = cc_error_set(err, CC_EINVAL,
					  "indicator '%s' needs an expr or a network", ind->id);
			goto out;
		}
		m->nind++;
	}
	const char *w = json_string_value(json_object_get(j, "weights"));
	m->weighting = !w || !strcmp(w, "entropy") ? EVAL_W_ENTROPY
		       : !strcmp(w, "critic")	   ? EVAL_W_CRITIC
		       : !strcmp(w, "equal")	   ? EVAL_W_EQUAL
		       : !strcmp(w, "given")	   ? EVAL_W_GIVEN
						   : -1;
	if (m->weighting < 0) {
		rc = cc_error_set(err, CC_EINVAL,
				  "weights must be entropy, critic, equal or given");
		goto out;
	}
	const char *norm = json_string_value(json_object_get(j, "normalize"));
	const char *method = json_string_value(json_object_get(j, "method"));
	m->norm = eval_norm_parse(norm ? norm : "minmax");
	m->method = eval_method_parse(method ? method : "topsis");
	m->v = 0.5;
	if (m->norm < 0 || m->method < 0) {
		rc = cc_error_set(err, CC_EINVAL, "unknown normalize or method in model '%s'",
				  m->id);
		goto out;
	}
	json_t *tiers = json_object_get(j, "tiers");
	for (size_t k = 0; k < json_array_size(tiers) && m->ntiers < EVAL_MODEL_MAX_TIERS; k++) {
		json_t *jt = json_array_get(tiers, k);
		struct eval_tier *t = &m->tiers[m->ntiers++];
		copy_str(t->id, sizeof t->id, json_object_get(jt, "id"));
		copy_str(t->name_zh, sizeof t->name_zh, json_object_get(jt, "name_zh"));
		copy_str(t->name_en, sizeof t->name_en, json_object_get(jt, "name_en"));
		t->top_share = json_number_value(json_object_get(jt, "top_share"));
		json_t *ms = json_object_get(jt, "min_score");
		t->min_score = ms ? json_number_value(ms) : NAN;
		t->top_k_per_chain =
			(int)json_integer_value(json_object_get(jt, "top_k_per_chain"));
		if (t->top_share <= 0 && isnan(t->min_score) && t->top_k_per_chain <= 0) {
			rc = cc_error_set(err, CC_EINVAL,
					  "tier '%s' needs top_share, min_score or top_k_per_chain",
					  t->id);
			goto out;
		}
	}
out:
	json_decref(j);
	if (rc)
		eval_model_release(m);
	return rc;
}

int eval_model_load(const char *id, struct eval_model *m, struct cc_error *err)
{
	char name[128], *text = NULL;
	size_t len;
	memset(m, 0, sizeof *m);
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return cc_error_set(err, CC_ENOTFOUND, "no model '%s'", id);
	snprintf(name, sizeof name, "models/%s.json", id);
	if (cc_data_read(name, &text, &len))
		return cc_error_set(err, CC_ENOTFOUND, "no model '%s' (see 'chainchief eval list')",
				    id);
	int rc = eval_model_parse(text, m, err);
	free(text);
	if (rc && err) {
		char msg[sizeof err->msg + 160];
		snprintf(msg, sizeof msg, "data file '%s': %s", name, err->msg);
		memcpy(err->msg, msg, sizeof err->msg - 1);
		err->msg[sizeof err->msg - 1] = '\0';
	}
	return rc;
}

int eval_model_ids(char ids[][64], int max, struct cc_error *err)
{
	char *text = NULL;
	size_t len;
	if (cc_data_read("models/index.json", &text, &len))
		return cc_error_set(err, CC_ENOTFOUND, "no data file 'models/index.json'");
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	json_t *a = json_object_get(j, "models");
	int n = 0;
	for (size_t k = 0; k < json_array_size(a) && n < max; k++) {
		const char *s = json_string_value(json_array_get(a, k));
		if (s)
			snprintf(ids[n++], 64, "%s", s);
	}
	json_decref(j);
	return n;
}

void eval_model_run_release(struct eval_model_run *run)
{
	if (!run)
		return;
	free(run->ent);
	free(run->near);
	free(run->x);
	free(run->norm);
	free(run->weights);
	free(run->score);
	free(run->rank);
	free(run->tier);
	free(run->chain);
	free(run->chain_rank);
	memset(run, 0, sizeof *run);
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Network counts per enterprise: distinct registered customers, suppliers, chain nodes. */
static int network_counts(const struct cc_frame *f, int which, double *out)
{
	for (int i = 0; i < f->n; i++)
		out[i] = 0;
	if (which == EVAL_NET_NODES) {
		for (int i = 0; i < f->n; i++)
			out[i] = f->member_start[i + 1] - f->member_start[i];
		return 0;
	}
	/* Edges of one supplier-buyer pair can repeat (several products): count pairs once by
	 * sorting the pairs. */
	int64_t *pairs = malloc(sizeof *pairs * ((size_t)f->nedges + 1));
	int np = 0;
	if (!pairs)
		return CC_ENOMEM;
	for (int e = 0; e < f->nedges; e++) {
		int s = f->edge_supplier[e], b = f->edge_buyer[e];
		if (s < 0)
			continue; /* outside the registry */
		int who = which == EVAL_NET_CUSTOMERS ? s : b,
		    other = which == EVAL_NET_CUSTOMERS ? b : s;
		pairs[np++] = (int64_t)who << 32 | (uint32_t)other;
	}
	qsort(pairs, (size_t)np, sizeof *pairs, cmp64);
	for (int k = 0; k < np; k++)
		if (k == 0 || pairs[k] != pairs[k - 1])
			out[pairs[k] >> 32] += 1;
	free(pairs);
	return 0;
}

/*
 * Selects the enterprises of RUN: the filter met, and the candidate condition met or within
 * its margin (CSTATE: the candidate condition per enterprise, kept for 'near'). Fills SEL
 * (frame indices) and RUN->n, and allocates RUN's arrays.
 */
static int select_rows(const struct eval_model *m, const struct cc_frame *f,
		       struct eval_model_run *run, uint8_t *cstate, int *sel, struct cc_error *err)
{
	size_t N = (size_t)f->n;
	int rc = 0, n = 0, k = m->nind;
	uint8_t *fstate = malloc(N + 1), *nstate = malloc(N + 1);
	if (!fstate || !nstate) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	memset(fstate, EXPR_TRUE, N);
	memset(cstate, EXPR_TRUE, N);
	memset(nstate, EXPR_TRUE, N);
	if (m->filter) {
		rc = expr_eval_column(m->filter, f, run->year, NULL, fstate, err);
		if (rc)
			goto out;
	}
	if (m->candidate) {
		rc = expr_eval_column(m->candidate, f, run->year, NULL, cstate, err);
		if (rc)
			goto out;
		rc = expr_near_miss_column(m->candidate, f, run->year, m->near_margin, nstate, err);
		if (rc)
			goto out;
	}
	for (size_t i = 0; i < N; i++) {
		if (fstate[i] != EXPR_TRUE)
			continue;
		run->screened++;
		run->met += cstate[i] == EXPR_TRUE;
		if (cstate[i] == EXPR_TRUE || nstate[i] == EXPR_TRUE)
			sel[n++] = (int)i;
	}
	run->n = n;
	run->ent = malloc(sizeof *run->ent * ((size_t)n + 1));
	run->near = malloc(sizeof *run->near * ((size_t)n + 1));
	run->x = malloc(sizeof *run->x * ((size_t)n * (size_t)k + 1));
	run->norm = malloc(sizeof *run->norm * ((size_t)n * (size_t)k + 1));
	run->weights = calloc((size_t)k + 1, sizeof *run->weights);
	run->score = malloc(sizeof *run->score * ((size_t)n + 1));
	run->rank = malloc(sizeof *run->rank * ((size_t)n + 1));
	run->tier = malloc(sizeof *run->tier * ((size_t)n + 1));
	run->chain = malloc(sizeof *run->chain * ((size_t)n + 1));
	run->chain_rank = malloc(sizeof *run->chain_rank * ((size_t)n + 1));
	if (!run->ent || !run->near || !run->x || !run->norm || !run->weights || !run->score ||
	    !run->rank || !run->tier || !run->chain || !run->chain_rank)
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
out:
	free(fstate);
	free(nstate);
	return rc;
}

/* The indicator matrix RUN->x, column by column from the frame, for the rows SEL. */
static int fill_matrix(const struct eval_model *m, const struct cc_frame *f,
		       struct eval_model_run *run, const int *sel, struct cc_error *err)
{
	int n = run->n, k = m->nind, rc = 0;
	double *col = malloc(sizeof *col * ((size_t)f->n + 1));
	if (!col)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	for (int j = 0; j < k; j++) {
		const struct eval_indicator *ind = &m->ind[j];
		if (ind->e)
			rc = expr_eval_column(ind->e, f, run->year, col, NULL, err);
		else
			rc = network_counts(f, ind->network, col);
		if (rc) {
			cc_error_set(err, rc, "indicator '%s' could not be computed", ind->id);
			break;
		}
		for (int r = 0; r < n; r++)
			run->x[(size_t)r * (size_t)k + (size_t)j] = col[sel[r]];
	}
	free(col);
	return rc;
}

/*
 * The weights W of the model's weighting over MX (KNOWN: the columns with a value for
 * someone; the others weigh 0). Entropy works on shares, so it needs values >= 0, which
 * growth rates are not: it is computed on the min-max normalised columns (directions already
 * applied), the usual reading in indicator-system papers.
 */
static int model_weights(const struct eval_model *m, const struct eval_matrix *mx, const int *known,
			 double *w, struct cc_error *err)
{
	int n = mx->m, k = mx->n, rc = 0;
	double given[EVAL_MODEL_MAX_IND], *nm = NULL;
	int ones[EVAL_MODEL_MAX_IND];
	for (int j = 0; j < k; j++) {
		given[j] = m->ind[j].weight;
		ones[j] = 1;
	}
	if (m->weighting == EVAL_W_ENTROPY) {
		nm = malloc(sizeof *nm * ((size_t)n * (size_t)k + 1));
		if (!nm)
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		else
			rc = eval_normalize(mx, EVAL_NORM_MINMAX, nm, err);
	}
	struct eval_matrix mn = {n, k, nm, ones, NULL};
	if (rc == 0) {
		switch (m->weighting) {
		case EVAL_W_EQUAL: eval_weights_equal(k, w); break;
		case EVAL_W_GIVEN: rc = eval_weights_given(given, k, w, err); break;
		case EVAL_W_CRITIC:
			if (n > 1)
				rc = eval_weights_critic(mx, w, err);
			else
				eval_weights_equal(k, w);
			break;
		default:
			if (n > 1)
				rc = eval_weights_entropy(&mn, w, err);
			else
				eval_weights_equal(k, w);
			break;
		}
	}
	free(nm);
	if (rc == 0) {
		double sum = 0;
		for (int j = 0; j < k; j++) {
			if (!known[j])
				w[j] = 0;
			sum += w[j];
		}
		if (sum <= 0)
			eval_weights_equal(k, w);
	}
	return rc;
}

/* Normalises RUN->x into RUN->norm, weighs and scores it into RES (and RUN->weights). */
static int score_rows(const struct eval_model *m, struct eval_model_run *run,
		      struct eval_result *res, struct cc_error *err)
{
	int n = run->n, k = m->nind, rc = 0;
	int benefit[EVAL_MODEL_MAX_IND];
	for (int j = 0; j < k; j++)
		benefit[j] = m->ind[j].benefit;
	/* An indicator unknown for everyone cannot rank anyone: it gets weight 0 (and mcda would
	 * refuse a column without values), so it is filled with zeros. */
	int known[EVAL_MODEL_MAX_IND] = {0};
	for (int j = 0; j < k; j++)
		for (int r = 0; r < n && !known[j]; r++)
			known[j] = !isnan(run->x[(size_t)r * (size_t)k + (size_t)j]);
	double *x = malloc(sizeof *x * ((size_t)n * (size_t)k + 1));
	if (!x)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	for (int r = 0; r < n; r++)
		for (int j = 0; j < k; j++) {
			double v = run->x[(size_t)r * (size_t)k + (size_t)j];
			x[(size_t)r * (size_t)k + (size_t)j] = known[j] ? v : 0;
		}
	struct eval_matrix mx = {n, k, x, benefit, NULL};
	double w[EVAL_MODEL_MAX_IND];
	rc = eval_normalize(&mx, m->norm, run->norm, err);
	if (rc == 0)
		rc = model_weights(m, &mx, known, w, err);
	struct eval_options opt = {m->method, m->norm, m->v};
	if (rc == 0)
		rc = eval_run(&mx, w, &opt, res, err);
	free(x);
	if (rc == 0)
		memcpy(run->weights, res->weights, sizeof *run->weights * (size_t)k);
	return rc;
}

/* Orders RUN's rows by rank (then frame index: a counting sort keeps rows of one rank in
 * frame order) and permutes everything the same way. SEL and CSTATE as select_rows left. */
static int order_rows(struct eval_model_run *run, const struct eval_result *res, const int *sel,
		      const uint8_t *cstate, struct cc_error *err)
{
	int n = run->n, k = run->nind, rc = 0;
	int *perm = malloc(sizeof *perm * (size_t)n);
	double *tx = malloc(sizeof *tx * (size_t)n * (size_t)k);
	double *tn = malloc(sizeof *tn * (size_t)n * (size_t)k);
	int *start = calloc((size_t)n + 2, sizeof *start);
	if (!perm || !tx || !tn || !start) {
		free(tx);
		free(tn);
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	for (int r = 0; r < n; r++)
		start[res->ranks[r] + 1]++;
	for (int r = 0; r <= n; r++)
		start[r + 1] += start[r];
	for (int r = 0; r < n; r++)
		perm[start[res->ranks[r]]++] = r;
	for (int p = 0; p < n; p++) {
		int r = perm[p];
		run->ent[p] = sel[r];
		run->near[p] = cstate[sel[r]] != EXPR_TRUE;
		run->score[p] = res->scores[r];
		run->rank[p] = res->ranks[r];
		memcpy(tx + (size_t)p * (size_t)k, run->x + (size_t)r * (size_t)k,
		       sizeof *tx * (size_t)k);
		memcpy(tn + (size_t)p * (size_t)k, run->norm + (size_t)r * (size_t)k,
		       sizeof *tn * (size_t)k);
	}
	free(run->x);
	free(run->norm);
	run->x = tx;
	run->norm = tn;
out:
	free(perm);
	free(start);
	return rc;
}

/* The chain each enterprise is ranked in (its first membership) and its place in it, and its
 * tier, best first: each enterprise takes the first tier it qualifies for. A tier by score
 * share or minimum follows the overall rank; a per-chain tier follows the place in the chain,
 * so it can hold an enterprise ranked below one of a later tier (the API states each tier's
 * rule). */
static void assign_tiers(const struct eval_model *m, const struct cc_frame *f,
			 struct eval_model_run *run)
{
	int n = run->n;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	int *chain_seen = cat ? calloc((size_t)cat->nchains + 1, sizeof *chain_seen) : NULL;
	for (int p = 0; p < n; p++) {
		int i = run->ent[p];
		run->chain[p] = (cat && f->member_start[i] < f->member_start[i + 1])
					? cat->nodes[f->member_node[f->member_start[i]]].chain
					: -1;
		run->chain_rank[p] =
			run->chain[p] >= 0 && chain_seen ? ++chain_seen[run->chain[p]] : 0;
		run->tier[p] = -1;
	}
	for (int t = 0; t < m->ntiers; t++) {
		const struct eval_tier *tier = &m->tiers[t];
		if (chain_seen)
			memset(chain_seen, 0, sizeof *chain_seen * ((size_t)cat->nchains + 1));
		for (int p = 0; p < n; p++) {
			int ok = 1;
			if (tier->top_share > 0)
				ok &= run->rank[p] <= (int)ceil(tier->top_share * n);
			if (!isnan(tier->min_score))
				ok &= m->method == EVAL_VIKOR ? run->score[p] <= tier->min_score
							      : run->score[p] >= tier->min_score;
			if (tier->top_k_per_chain > 0) {
				int c = run->chain[p];
				ok &= c >= 0 && chain_seen && chain_seen[c] < tier->top_k_per_chain;
				if (c >= 0 && chain_seen && run->tier[p] < 0)
					chain_seen[c]++;
			}
			if (ok && run->tier[p] < 0) {
				run->tier[p] = t;
				run->tiered++;
			}
		}
	}
	free(chain_seen);
}

int eval_model_run(const struct eval_model *m, const struct cc_frame *f, int year,
		   struct eval_model_run *run, struct cc_error *err)
{
	int rc = 0;
	size_t N = (size_t)f->n;
	uint8_t *cstate = NULL;
	int *sel = NULL;
	struct eval_result res = {0};
	memset(run, 0, sizeof *run);
	run->year = expr_resolve_year(f, year);
	run->nind = m->nind;
	cstate = malloc(N + 1);
	sel = malloc(sizeof *sel * (N + 1));
	if (!cstate || !sel) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	rc = select_rows(m, f, run, cstate, sel, err);
	if (rc || run->n == 0)
		goto out;
	rc = fill_matrix(m, f, run, sel, err);
	if (rc == 0)
		rc = score_rows(m, run, &res, err);
	if (rc == 0)
		rc = order_rows(run, &res, sel, cstate, err);
	if (rc == 0)
		assign_tiers(m, f, run);
out:
	eval_result_release(&res);
	free(cstate);
	free(sel);
	if (rc)
		eval_model_run_release(run);
	return rc;
}
