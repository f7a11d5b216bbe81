/*
 * Official criteria sets (see criteria.h): loading the files of data/criteria/ with jansson,
 * parsing every expression once, and combining clause results into a set's result with
 * three-valued logic, strictly and with thresholds relaxed for the near-miss scan. The
 * thresholds and their sources live in the data files; nothing regulatory is written here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "base/buf.h"
#include "base/builtin.h"
#include "eval/criteria.h"

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Parses SRC as FLAGS wants, naming FILE and clause ID in the message. */
static int parse_expr(const char *file, const char *id, const char *what, const char *src,
		      int flags, struct expr **out, struct cc_error *err)
{
	struct cc_error e = {0};
	int rc = expr_parse(src, strlen(src), flags, out, NULL, &e);
	if (rc)
		return cc_error_set(err, rc, "%s: clause '%s' (%s): %s", file, id, what, e.msg);
	return 0;
}

/* Parses "(SRC) >= MIN" (SRC already checked on its own, so errors point at its columns). */
static int parse_scored(const char *file, const char *id, const char *what, const char *src,
			double min, struct expr **points, struct expr **cond, struct cc_error *err)
{
	int rc = parse_expr(file, id, what, src, EXPR_WANT_NUMBER, points, err);
	if (rc)
		return rc;
	size_t n = strlen(src) + 64;
	char *text = malloc(n);
	if (!text)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	char num[48];
	cc_num_format(min, CC_NUM_EXACT, num, sizeof num);
	snprintf(text, n, "(%s) >= %s", src, num);
	rc = parse_expr(file, id, what, text, EXPR_WANT_CONDITION, cond, err);
	free(text);
	return rc;
}

static int group_index(struct criteria_set *s, const char *name, struct cc_error *err)
{
	for (int g = 0; g < s->ngroups; g++)
		if (strcmp(s->groups[g], name) == 0)
			return g;
	if (s->ngroups >= CRITERIA_MAX_GROUPS)
		return cc_error_set(err, CC_EPARSE, "%s: more than %d groups", s->file,
				    CRITERIA_MAX_GROUPS);
	s->groups[s->ngroups] = name;
	return s->ngroups++;
}

/* Parses one clause object J of ROLE into the next slot of S. */
static int parse_clause(struct criteria_set *s, json_t *j, int role, struct cc_error *err)
{
	const char *file = s->file;
	if (!json_is_object(j))
		return cc_error_set(err, CC_EPARSE, "%s: a clause is not an object", file);
	if (s->nclauses >= CRITERIA_MAX_CLAUSES)
		return cc_error_set(err, CC_EPARSE, "%s: more than %d clauses", file,
				    CRITERIA_MAX_CLAUSES);
	struct criteria_clause *c = &s->clauses[s->nclauses];
	memset(c, 0, sizeof *c);
	c->role = role;
	c->group_index = -1;
	c->min = NAN;
	c->id = jstr(j, "id");
	c->label_zh = jstr(j, "label_zh");
	c->label_en = jstr(j, "label_en");
	c->source = jstr(j, "source");
	c->note = jstr(j, "note");
	c->data = jstr(j, "data");
	c->group = jstr(j, "group");
	c->input = jstr(j, "input");
	if (!c->id || !c->label_zh || !c->label_en || !c->source)
		return cc_error_set(err, CC_EPARSE,
				    "%s: clause '%s' lacks one of id, label_zh, label_en, source",
				    file, c->id ? c->id : "?");
	for (int k = 0; k < s->nclauses; k++)
		if (strcmp(s->clauses[k].id, c->id) == 0)
			return cc_error_set(err, CC_EPARSE, "%s: clause id '%s' is used twice",
					    file, c->id);
	json_t *min = json_object_get(j, "min");
	json_t *ex = json_object_get(j, "expr");
	const char *expr = json_string_value(ex);
	const char *emax = jstr(j, "expr_max");
	const char *nec = jstr(j, "necessary");
	if ((ex && !json_is_null(ex) && !expr) || (min && !json_is_number(min)))
		return cc_error_set(err, CC_EPARSE,
				    "%s: clause '%s': expr must be a string or null, min a number",
				    file, c->id);
	int rc = 0;
	if (c->group) {
		if (s->mode != CRITERIA_ANY || role != CRITERIA_REQUIRED)
			return cc_error_set(err, CC_EPARSE,
					    "%s: clause '%s': groups belong to required clauses of "
					    "mode \"any\"",
					    file, c->id);
		rc = group_index(s, c->group, err);
		if (rc < 0)
			return rc;
		c->group_index = rc;
		rc = 0;
	}
	if (c->input) {
		if (strcmp(c->input, "market_value") != 0 || !min || expr || nec)
			return cc_error_set(err, CC_EPARSE,
					    "%s: clause '%s': an input clause names input "
					    "\"market_value\" and a min, and has no expr",
					    file, c->id);
		c->kind = CRITERIA_INPUT;
		c->min = json_number_value(min);
	} else if (min) {
		c->kind = CRITERIA_SCORED;
		c->min = json_number_value(min);
		if (!expr || nec)
			return cc_error_set(
				err, CC_EPARSE,
				"%s: clause '%s': a scored clause has expr (points) and "
				"no necessary",
				file, c->id);
		rc = parse_scored(file, c->id, "expr", expr, c->min, &c->points, &c->cond, err);
		if (!rc && emax)
			rc = parse_scored(file, c->id, "expr_max", emax, c->min, &c->points_max,
					  &c->necessary, err);
	} else {
		c->kind = CRITERIA_CONDITION;
		if (emax)
			return cc_error_set(err, CC_EPARSE,
					    "%s: clause '%s': expr_max needs a min (scored clause)",
					    file, c->id);
		if (expr)
			rc = parse_expr(file, c->id, "expr", expr, EXPR_WANT_CONDITION, &c->cond,
					err);
		if (!rc && nec)
			rc = parse_expr(file, c->id, "necessary", nec, EXPR_WANT_CONDITION,
					&c->necessary, err);
		if (!rc && !c->cond && !c->necessary && !c->data)
			rc = cc_error_set(
				err, CC_EPARSE,
				"%s: clause '%s' has no expression: say why with \"data\": "
				"\"missing\" and a note",
				file, c->id);
	}
	s->nclauses++; /* so that release frees what was parsed */
	return rc;
}

static int parse_list(struct criteria_set *s, json_t *arr, int role, const char *what,
		      struct cc_error *err)
{
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return cc_error_set(err, CC_EPARSE, "%s: %s is not an array", s->file, what);
	for (size_t k = 0; k < json_array_size(arr); k++) {
		int rc = parse_clause(s, json_array_get(arr, k), role, err);
		if (rc)
			return rc;
	}
	return 0;
}

int criteria_set_parse(struct criteria_set *s, const char *file, const char *text,
		       struct cc_error *err)
{
	json_error_t je;
	int rc = 0;
	memset(s, 0, sizeof *s);
	s->score = -1;
	json_t *j = json_loads(text, 0, &je);
	if (!j)
		return cc_error_set(err, CC_EPARSE, "%s: line %d: %s", file, je.line, je.text);
	s->json = j;
	snprintf(s->file, sizeof s->file, "%s", file);
	s->id = jstr(j, "id");
	s->name_zh = jstr(j, "name_zh");
	s->name_en = jstr(j, "name_en");
	s->source = jstr(j, "source");
	s->effective = jstr(j, "effective");
	s->note = jstr(j, "note");
	const char *mode = jstr(j, "mode");
	if (!s->id || !s->name_zh || !s->name_en || !s->source || !s->effective || !mode) {
		rc = cc_error_set(err, CC_EPARSE,
				  "%s: a set needs id, name_zh, name_en, source, effective, mode",
				  file);
		goto out;
	}
	if (strcmp(mode, "all") == 0) {
		s->mode = CRITERIA_ALL;
	} else if (strcmp(mode, "any") == 0) {
		s->mode = CRITERIA_ANY;
	} else {
		rc = cc_error_set(err, CC_EPARSE, "%s: mode is \"all\" or \"any\", not \"%s\"",
				  file, mode);
		goto out;
	}
	rc = parse_list(s, json_object_get(j, "clauses"), CRITERIA_REQUIRED, "clauses", err);
	if (rc)
		goto out;
	if (s->mode == CRITERIA_ANY && s->ngroups == 0) {
		rc = cc_error_set(err, CC_EPARSE, "%s: mode \"any\" needs clauses with a group",
				  file);
		goto out;
	}
	json_t *score = json_object_get(j, "score");
	if (score) {
		if (!json_is_number(json_object_get(score, "min"))) {
			rc = cc_error_set(err, CC_EPARSE, "%s: the score needs a min", file);
			goto out;
		}
		s->score = s->nclauses;
		rc = parse_clause(s, score, CRITERIA_SCORE, err);
		if (!rc)
			rc = parse_list(s, json_object_get(score, "requires"), CRITERIA_REQUIRES,
					"score.requires", err);
		if (rc)
			goto out;
	}
	int before = s->nclauses;
	rc = parse_list(s, json_object_get(j, "direct"), CRITERIA_DIRECT, "direct", err);
	s->ndirect = s->nclauses - before;
out:
	if (rc)
		criteria_set_release(s);
	return rc;
}

void criteria_set_release(struct criteria_set *s)
{
	if (!s)
		return;
	for (int k = 0; k < s->nclauses; k++) {
		expr_free(s->clauses[k].cond);
		expr_free(s->clauses[k].necessary);
		expr_free(s->clauses[k].points);
		expr_free(s->clauses[k].points_max);
	}
	json_decref(s->json);
	memset(s, 0, sizeof *s);
	s->score = -1;
}

void criteria_free(struct criteria_catalogue *c)
{
	if (!c)
		return;
	for (int k = 0; k < c->nsets; k++)
		criteria_set_release(&c->sets[k]);
	free(c->sets);
	free(c);
}

int criteria_load(struct criteria_catalogue **out, struct cc_error *err)
{
	char *text = NULL;
	size_t len;
	json_t *index = NULL;
	struct criteria_catalogue *c = NULL;
	*out = NULL;
	int rc = cc_data_read("criteria/index.json", &text, &len);
	if (rc) {
		cc_error_set(err, rc, "cannot read 'criteria/index.json'");
		goto out;
	}
	json_error_t je;
	index = json_loads(text, 0, &je);
	free(text);
	text = NULL;
	json_t *files = json_object_get(index, "sets");
	if (!index || !json_is_array(files) || json_array_size(files) > CRITERIA_MAX_SETS) {
		rc = cc_error_set(
			err, CC_EPARSE,
			"criteria/index.json: expected {\"sets\": [FILE, ...]} of at most %d",
			CRITERIA_MAX_SETS);
		goto out;
	}
	c = calloc(1, sizeof *c);
	if (c)
		c->sets = calloc(json_array_size(files) + 1, sizeof *c->sets);
	if (!c || !c->sets) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < json_array_size(files); k++) {
		const char *file = json_string_value(json_array_get(files, k));
		char name[256];
		if (!file) {
			rc = cc_error_set(err, CC_EPARSE,
					  "criteria/index.json: a set is not a string");
			goto out;
		}
		snprintf(name, sizeof name, "criteria/%s", file);
		rc = cc_data_read(name, &text, &len);
		if (rc) {
			cc_error_set(err, rc, "cannot read '%s'", name);
			goto out;
		}
		rc = criteria_set_parse(&c->sets[c->nsets], file, text, err);
		free(text);
		text = NULL;
		if (rc)
			goto out;
		c->nsets++;
		if (criteria_find(c, c->sets[c->nsets - 1].id) != &c->sets[c->nsets - 1]) {
			rc = cc_error_set(err, CC_EPARSE, "%s: set id '%s' is used twice", file,
					  c->sets[c->nsets - 1].id);
			goto out;
		}
	}
out:
	json_decref(index);
	if (rc)
		criteria_free(c);
	else
		*out = c;
	return rc;
}

const struct criteria_set *criteria_find(const struct criteria_catalogue *c, const char *id)
{
	for (int k = 0; c && k < c->nsets; k++)
		if (strcmp(c->sets[k].id, id) == 0)
			return &c->sets[k];
	return NULL;
}

/* The clause's truth from its sufficient and necessary conditions (see criteria.h). */
static int clause_truth(const struct criteria_clause *c, int cond, int nec)
{
	if (c->cond && cond == EXPR_TRUE)
		return EXPR_TRUE;
	if (c->necessary)
		return nec == EXPR_FALSE ? EXPR_FALSE : EXPR_UNKNOWN;
	if (c->cond && c->kind == CRITERIA_SCORED)
		return cond; /* no upper bound: the points are the points */
	return c->cond ? cond : EXPR_UNKNOWN;
}

static int input_truth(const struct criteria_clause *c, const struct criteria_inputs *in,
		       double margin)
{
	double v = in ? in->market_value : NAN;
	if (isnan(v))
		return EXPR_UNKNOWN;
	return v >= c->min * (1 - margin) ? EXPR_TRUE : EXPR_FALSE;
}

static int t_and(int a, int b)
{
	return a < b ? a : b;
}

static int t_or(int a, int b)
{
	return a > b ? a : b;
}

/* Combines the clause truths T[0..s->nclauses) into the set's result (see criteria.h). */
static int combine(const struct criteria_set *s, const uint8_t *t)
{
	int base = EXPR_TRUE;
	if (s->mode == CRITERIA_ALL) {
		for (int k = 0; k < s->nclauses; k++)
			if (s->clauses[k].role == CRITERIA_REQUIRED)
				base = t_and(base, t[k]);
	} else {
		base = EXPR_FALSE;
		for (int g = 0; g < s->ngroups; g++) {
			int gt = EXPR_TRUE;
			for (int k = 0; k < s->nclauses; k++) {
				const struct criteria_clause *c = &s->clauses[k];
				if (c->role == CRITERIA_REQUIRED &&
				    (c->group_index == g || c->group_index < 0))
					gt = t_and(gt, t[k]);
			}
			base = t_or(base, gt);
		}
	}
	int direct = EXPR_FALSE;
	for (int k = 0; k < s->nclauses; k++)
		if (s->clauses[k].role == CRITERIA_DIRECT)
			direct = t_or(direct, t[k]);
	if (s->score < 0)
		return s->ndirect ? t_or(base, direct) : base;
	int score = EXPR_TRUE;
	for (int k = 0; k < s->nclauses; k++)
		if (s->clauses[k].role == CRITERIA_SCORE || s->clauses[k].role == CRITERIA_REQUIRES)
			score = t_and(score, t[k]);
	return t_and(base, t_or(score, direct));
}

/* The clause's truth for enterprise I, relaxed by MARGIN when RELAX. */
static int clause_one(const struct criteria_clause *c, const struct cc_frame *f, int i, int year,
		      const struct criteria_inputs *in, int relax, double margin)
{
	if (c->kind == CRITERIA_INPUT)
		return input_truth(c, in, relax ? margin : 0);
	int ct = EXPR_UNKNOWN, nt = EXPR_UNKNOWN;
	if (c->cond)
		ct = relax ? expr_near_miss_one(c->cond, f, i, year, margin)
			   : expr_eval_one(c->cond, f, i, year, NULL);
	if (c->necessary)
		nt = relax ? expr_near_miss_one(c->necessary, f, i, year, margin)
			   : expr_eval_one(c->necessary, f, i, year, NULL);
	return clause_truth(c, ct, nt);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * The smallest relative margin at which the failed clause C is no longer a fail: the
 * relaxed result changes only at the relative gaps of its comparisons, so try those in
 * increasing order. NaN when none lifts it.
 */
static double clause_gap(const struct criteria_clause *c, const struct cc_frame *f, int i, int year,
			 const struct criteria_inputs *in)
{
	double cand[2 * CRITERIA_MAX_PARTS + 1];
	int n = 0;
	if (c->kind == CRITERIA_INPUT) {
		double v = in ? in->market_value : NAN;
		return (isnan(v) || c->min <= 0) ? NAN : (c->min - v) / c->min;
	}
	struct expr_clause_result parts[CRITERIA_MAX_PARTS];
	const struct expr *es[2] = {c->cond, c->necessary};
	for (int k = 0; k < 2; k++) {
		if (!es[k])
			continue;
		int np = expr_explain(es[k], f, i, year, parts, CRITERIA_MAX_PARTS);
		if (np > CRITERIA_MAX_PARTS)
			np = CRITERIA_MAX_PARTS;
		for (int p = 0; p < np; p++) {
			double g = expr_relative_gap(&parts[p]);
			if (parts[p].gap > 0 && isfinite(g))
				cand[n++] = g;
		}
	}
	qsort(cand, (size_t)n, sizeof cand[0], cmp_double);
	for (int k = 0; k < n; k++)
		if (clause_one(c, f, i, year, in, 1, cand[k]) != EXPR_FALSE)
			return cand[k];
	return NAN;
}

int criteria_eval_one(const struct criteria_set *s, const struct cc_frame *f, int i, int year,
		      const struct criteria_inputs *in, double margin, struct criteria_result *r)
{
	uint8_t st[CRITERIA_MAX_CLAUSES] = {0}, rt[CRITERIA_MAX_CLAUSES] = {0};
	memset(r, 0, sizeof *r);
	r->set = s;
	r->rel_gap = NAN;
	if (!(margin >= 0))
		return CC_EINVAL;
	year = expr_resolve_year(f, year);
	r->nclauses = s->nclauses;
	for (int k = 0; k < s->nclauses; k++) {
		const struct criteria_clause *c = &s->clauses[k];
		struct criteria_clause_result *x = &r->clauses[k];
		x->clause = c;
		x->value = x->value_max = x->rel_gap = NAN;
		x->truth = st[k] = (uint8_t)clause_one(c, f, i, year, in, 0, 0);
		x->relaxed = rt[k] = (uint8_t)clause_one(c, f, i, year, in, 1, margin);
		if (c->kind == CRITERIA_INPUT)
			x->value = in ? in->market_value : NAN;
		if (c->points)
			expr_eval_one(c->points, f, i, year, &x->value);
		if (c->points_max)
			expr_eval_one(c->points_max, f, i, year, &x->value_max);
		const struct expr *shown = c->cond ? c->cond : c->necessary;
		if (shown) {
			int np = expr_explain(shown, f, i, year, x->parts, CRITERIA_MAX_PARTS);
			x->nparts = np < CRITERIA_MAX_PARTS ? np : CRITERIA_MAX_PARTS;
		}
		if (x->truth == EXPR_FALSE)
			x->rel_gap = clause_gap(c, f, i, year, in);
	}
	r->truth = combine(s, st);
	r->relaxed = combine(s, rt);
	r->near = r->truth == EXPR_FALSE && r->relaxed != EXPR_FALSE;
	if (r->near) {
		/* The failed clauses that matter: those whose relaxation the result needs. */
		r->rel_gap = 0;
		for (int k = 0; k < s->nclauses; k++) {
			if (st[k] != EXPR_FALSE)
				continue;
			uint8_t t[CRITERIA_MAX_CLAUSES];
			memcpy(t, rt, sizeof t);
			t[k] = EXPR_FALSE;
			if (combine(s, t) == EXPR_FALSE && r->clauses[k].rel_gap > r->rel_gap)
				r->rel_gap = r->clauses[k].rel_gap;
		}
	}
	return 0;
}

int criteria_eval_column(const struct criteria_set *s, const struct cc_frame *f, int year,
			 double margin, uint8_t *strict, uint8_t *relaxed, struct cc_error *err)
{
	int rc = 0, n = f->n;
	uint8_t *buf = NULL;
	if (!(margin >= 0))
		return cc_error_set(err, CC_EINVAL, "the margin must be a number >= 0");
	if (n == 0)
		return 0;
	/* Per clause: strict and relaxed of cond and necessary (4 columns). */
	size_t cols = (size_t)s->nclauses * 4;
	buf = malloc(cols * (size_t)n + 2 * (size_t)s->nclauses);
	if (!buf)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	memset(buf, EXPR_UNKNOWN, cols * (size_t)n);
	year = expr_resolve_year(f, year);
	for (int k = 0; k < s->nclauses && !rc; k++) {
		const struct criteria_clause *c = &s->clauses[k];
		uint8_t *col = buf + (size_t)k * 4 * (size_t)n;
		if (c->cond)
			rc = expr_eval_column(c->cond, f, year, NULL, col, err);
		if (!rc && c->cond)
			rc = expr_near_miss_column(c->cond, f, year, margin, col + n, err);
		if (!rc && c->necessary)
			rc = expr_eval_column(c->necessary, f, year, NULL, col + 2 * (size_t)n,
					      err);
		if (!rc && c->necessary)
			rc = expr_near_miss_column(c->necessary, f, year, margin,
						   col + 3 * (size_t)n, err);
	}
	if (rc)
		goto out;
	uint8_t *ts = buf + cols * (size_t)n, *tr = ts + s->nclauses;
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < s->nclauses; k++) {
			const struct criteria_clause *c = &s->clauses[k];
			const uint8_t *col = buf + (size_t)k * 4 * (size_t)n;
			if (c->kind == CRITERIA_INPUT) {
				ts[k] = tr[k] = EXPR_UNKNOWN;
				continue;
			}
			ts[k] = (uint8_t)clause_truth(c, col[i], col[2 * (size_t)n + i]);
			tr[k] = (uint8_t)clause_truth(c, col[n + i], col[3 * (size_t)n + i]);
		}
		if (strict)
			strict[i] = (uint8_t)combine(s, ts);
		if (relaxed)
			relaxed[i] = (uint8_t)combine(s, tr);
	}
out:
	free(buf);
	return rc;
}

const char *criteria_truth_name(int truth)
{
	return truth == EXPR_TRUE ? "pass" : truth == EXPR_FALSE ? "fail" : "unknown";
}

const char *criteria_role_name(int role)
{
	static const char *const names[] = {"required", "score", "requires", "direct"};
	return role >= 0 && role <= CRITERIA_DIRECT ? names[role] : "?";
}
