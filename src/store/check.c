/*
 * `chainchief check`: SQLite's own integrity and foreign-key checks, then the domain checks a
 * database must pass (every code valid, every chain and node in the catalogue, supply shares
 * that add up, indicators in range). Each problem is reported once with where it is. The
 * indicator rules are cc_indicator_check (store/check.h), which writes of indicators apply too.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/uscc.h"
#include "store/check.h"
#include "store/store.h"

int cc_indicator_may_be_negative(int metric)
{
	/* Profit and cash flow are losses when negative; every other indicator is an amount, a
	 * count or a quantity. */
	return metric == CC_M_NET_PROFIT || metric == CC_M_OP_CASH_FLOW;
}

int cc_indicator_check(const double *values, struct cc_indicator_problem *problem)
{
	struct cc_indicator_problem p = {-1, -1, NULL, NULL};
	for (int m = 0; m < CC_M_BASE_COUNT && p.metric < 0; m++) {
		double v = values[m];
		int may_be_negative = cc_indicator_may_be_negative(m);
		if (isnan(v))
			continue;
		if (!isfinite(v) || fabs(v) > CC_INDICATOR_MAX)
			p = (struct cc_indicator_problem){
				m, -1, "数值大得不合理（超过 10^13）",
				"value is implausibly large (over 10^13)"};
		else if (v < 0 && !may_be_negative)
			p = (struct cc_indicator_problem){m, -1, "数值不能为负",
							  "value must not be negative"};
	}
	if (p.metric < 0 && !isnan(values[CC_M_RD_STAFF]) && !isnan(values[CC_M_EMPLOYEES]) &&
	    values[CC_M_RD_STAFF] > values[CC_M_EMPLOYEES])
		p = (struct cc_indicator_problem){CC_M_RD_STAFF, CC_M_EMPLOYEES,
						  "研发人员多于从业人员",
						  "R&D staff exceed employees"};
	if (problem)
		*problem = p;
	return p.metric >= 0;
}

struct check {
	struct cc_store *st;
	void (*report)(void *, const char *);
	void *ctx;
	int problems;
	struct cc_error *err;
};

static void problem(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct check *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->problems++;
	if (c->problems <= 1000)
		c->report(c->ctx, msg);
}

/* Runs SQL and reports each row as PREFIX followed by the columns joined by ", ". */
static int rows_are_problems(struct check *c, const char *sql, const char *prefix)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(c->st, &s, sql, c->err);
	if (rc)
		return rc;
	while ((rc = cc_stmt_step(s, c->err)) == 1) {
		char line[900] = "";
		size_t used = 0;
		for (int i = 0; i < cc_stmt_columns(s); i++) {
			int w = snprintf(line + used, sizeof line - used, "%s%s", i ? ", " : "",
					 cc_stmt_text(s, i));
			if (w < 0 || (size_t)w >= sizeof line - used)
				break;
			used += (size_t)w;
		}
		problem(c, "%s%s", prefix, line);
	}
	cc_stmt_free(s);
	return rc;
}

/* Reports every indicator row that breaks a rule of cc_indicator_check, with its rule. */
static int indicator_problems(struct check *c)
{
	char sql[1024];
	size_t used = (size_t)snprintf(sql, sizeof sql, "SELECT e.uscc, i.period");
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		used += (size_t)snprintf(sql + used, sizeof sql - used, ", i.%s",
					 cc_metric_get(m)->key);
	snprintf(sql + used, sizeof sql - used,
		 " FROM indicators i JOIN enterprises e ON e.id = i.enterprise_id");
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(c->st, &s, sql, c->err);
	if (rc)
		return rc;
	while ((rc = cc_stmt_step(s, c->err)) == 1) {
		double v[CC_M_BASE_COUNT];
		struct cc_indicator_problem p;
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			v[m] = cc_stmt_is_null(s, 2 + m) ? NAN : cc_stmt_double(s, 2 + m);
		if (cc_indicator_check(v, &p))
			problem(c, "indicator out of range (%s, %s): %s: %s", cc_stmt_text(s, 0),
				cc_stmt_text(s, 1), cc_metric_get(p.metric)->key, p.en);
	}
	cc_stmt_free(s);
	return rc;
}

int cc_store_check(struct cc_store *st, void (*report)(void *ctx, const char *problem), void *ctx,
		   struct cc_error *err)
{
	struct check c = {st, report, ctx, 0, err};
	struct cc_stmt *s = NULL;
	/* PostgreSQL checks its pages itself and enforces every foreign key at each write (no
	 * connection turns them off): SQLite's two checks have nothing to add there. */
	int pg = strcmp(cc_store_backend(st), "postgresql") == 0, rc = 0;
	if (!pg) {
		rc = cc_stmt_prepare(st, &s, "PRAGMA integrity_check", err);
		if (rc)
			goto out;
		while ((rc = cc_stmt_step(s, err)) == 1)
			if (strcmp(cc_stmt_text(s, 0), "ok") != 0)
				problem(&c, "integrity: %s", cc_stmt_text(s, 0));
		cc_stmt_free(s);
		s = NULL;
		if (rc)
			goto out;
		rc = rows_are_problems(&c, "PRAGMA foreign_key_check", "foreign key broken: ");
		if (rc)
			goto out;
	}

	rc = cc_codes_load(err);
	if (rc)
		goto out;
	rc = cc_stmt_prepare(st, &s, "SELECT uscc, region, industry FROM enterprises", err);
	if (rc)
		goto out;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		char canon[19];
		struct cc_error e;
		const char *u = cc_stmt_text(s, 0);
		if (cc_uscc_validate(u, strlen(u), canon, NULL, &e))
			problem(&c, "enterprise %s: %s", u, e.msg);
		int region = (int)cc_stmt_int64(s, 1);
		if (!cc_region_find(region))
			problem(&c, "enterprise %s: unknown region code %d", u, region);
		if (!cc_stmt_is_null(s, 2) && !cc_industry_find(cc_stmt_text(s, 2)))
			problem(&c, "enterprise %s: unknown industry code %s", u,
				cc_stmt_text(s, 2));
	}
	cc_stmt_free(s);
	s = NULL;
	if (rc)
		goto out;

	const struct cc_catalogue *cat = cc_catalogue_get(err);
	if (!cat) {
		rc = err ? err->code : CC_EINVAL;
		goto out;
	}
	rc = cc_stmt_prepare(
		st, &s,
		"SELECT DISTINCT chain, node FROM chain_members UNION "
		"SELECT DISTINCT chain, node FROM supply_edges WHERE chain IS NOT NULL",
		err);
	if (rc)
		goto out;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		const struct cc_chain *ch = cc_chain_find(cat, cc_stmt_text(s, 0));
		if (!ch)
			problem(&c, "unknown chain '%s' in chain members or supply",
				cc_stmt_text(s, 0));
		else if (!cc_node_find(cat, ch, cc_stmt_text(s, 1)))
			problem(&c, "unknown node '%s' of chain '%s'", cc_stmt_text(s, 1),
				cc_stmt_text(s, 0));
	}
	cc_stmt_free(s);
	s = NULL;
	if (rc)
		goto out;

	rc = rows_are_problems(
		&c,
		pg ? "SELECT e.uscc, s.product, to_char(sum(s.share), 'FM999999990.0000') FROM "
		     "supply_edges s JOIN enterprises e ON e.id = s.buyer_id GROUP BY e.uscc, "
		     "s.buyer_id, s.product HAVING sum(s.share) > 1.0001"
		   : "SELECT e.uscc, s.product, printf('%.4f', sum(s.share)) FROM supply_edges s "
		     "JOIN enterprises e ON e.id = s.buyer_id GROUP BY s.buyer_id, s.product "
		     "HAVING sum(s.share) > 1.0001",
		"supply shares add up to more than 1 (buyer, product, sum): ");
	if (rc)
		goto out;
	rc = indicator_problems(&c);
out:
	cc_stmt_free(s);
	return rc < 0 ? rc : c.problems;
}
