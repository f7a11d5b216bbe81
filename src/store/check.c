/*
 * `chainchief check`: SQLite's own integrity and foreign-key checks, then the domain checks a
 * database must pass (every code valid, every chain and node in the catalogue, supply shares
 * that add up, indicators in range). Each problem is reported once with where it is.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/uscc.h"
#include "store/store.h"

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

int cc_store_check(struct cc_store *st, void (*report)(void *ctx, const char *problem), void *ctx,
		   struct cc_error *err)
{
	struct check c = {st, report, ctx, 0, err};
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s, "PRAGMA integrity_check", err);
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
		"SELECT e.uscc, s.product, printf('%.4f', sum(s.share)) FROM supply_edges s "
		"JOIN enterprises e ON e.id = s.buyer_id GROUP BY s.buyer_id, s.product "
		"HAVING sum(s.share) > 1.0001",
		"supply shares add up to more than 1 (buyer, product, sum): ");
	if (rc)
		goto out;
	rc = rows_are_problems(
		&c,
		"SELECT e.uscc, i.period FROM indicators i JOIN enterprises e ON "
		"e.id = i.enterprise_id WHERE i.employees < 0 OR i.rd_staff < 0 OR "
		"i.rd_staff > i.employees OR i.invention_patents < 0 OR "
		"i.energy_tce < 0 OR i.total_assets < 0",
		"indicator out of range (negative count, or R&D staff above employees): ");
out:
	cc_stmt_free(s);
	return rc < 0 ? rc : c.problems;
}
