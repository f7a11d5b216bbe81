/*
 * `chainchief demo`: generate the demo dataset and load it through the importer.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/jw.h"
#include "base/progress.h"
#include "cli/commands.h"
#include "store/pg.h"
#include "match/match.h"
#include "io/demo.h"
#include "digital/digital.h"
#include "green/factory.h"
#include "http/http.h"
#include "io/import.h"
#include "innov/platform.h"
#include "digital/retrofit.h"
#include "listing/listing.h"
#include "report/report.h"
#include "store/dialect.h"
#include <sodium.h>

static const char *const files[] = {"enterprises.csv", "indicators.csv", "chain_members.csv",
				    "supply.csv",      "postings.csv",	 "patents.csv",
				    "energy.csv",      "flags.csv",	 "recognitions.csv"};

/*
 * Creates the demo accounts with random passwords and prints them once: an admin, an analyst,
 * a chief of the vehicle chains and an enterprise account bound to a chain master.
 */
static int demo_accounts(struct cli_ctx *ctx)
{
	struct cc_error err = {0};
	char uscc[19] = "";
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(ctx->store, &s,
			    "SELECT e.uscc FROM chain_members m JOIN enterprises e ON e.id = "
			    "m.enterprise_id WHERE m.role = 'master' ORDER BY e.uscc LIMIT 1",
			    &err) == 0 &&
	    cc_stmt_step(s, &err) == 1)
		snprintf(uscc, sizeof uscc, "%s", cc_stmt_text(s, 0));
	cc_stmt_free(s);
	static const struct {
		const char *name, *role, *chains;
	} accounts[] = {{"admin", "admin", NULL},
			{"analyst", "analyst", NULL},
			{"chief", "chief", "nev,icv,fuel_vehicle"},
			{"enterprise", "enterprise", NULL}};
	if (sodium_init() < 0)
		return CLI_FAIL;
	fflush(stdout);
	fprintf(stderr,
		"\ndemo accounts (shown once; change them with 'chainchief user passwd'):\n");
	for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++) {
		unsigned char raw[9];
		char pass[32];
		/* 12 random characters, drawn again until the password policy takes them (a draw
		 * of letters only, say). */
		for (int tries = 0; tries < 100; tries++) {
			randombytes_buf(raw, sizeof raw);
			sodium_bin2base64(pass, sizeof pass, raw, sizeof raw,
					  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
			if (http_password_check(accounts[i].name, pass, NULL) == 0)
				break;
		}
		if (http_user_create(ctx->store, accounts[i].name, pass, accounts[i].role,
				     accounts[i].role[0] == 'e' ? uscc : NULL, accounts[i].chains,
				     0, &err)) {
			cli_error("demo: cannot create account '%s': %s", accounts[i].name,
				  err.msg);
			return CLI_FAIL;
		}
		fprintf(stderr, "  %-10s  password %s  (%s%s%s)\n", accounts[i].name, pass,
			accounts[i].role, accounts[i].role[0] == 'e' ? " of " : "",
			accounts[i].role[0] == 'e' ? uscc : "");
	}
	return CLI_OK;
}

/* The options of `demo`, in the order of cmd_demo's table. */
enum {
	OPT_ENTERPRISES,
	OPT_SEED,
	OPT_CSV_OUT,
	OPT_FORCE,
	OPT_NO_LOAD,
	OPT_YEARS,
	OPT_MONTHS,
	OPT_NO_ACCOUNTS
};

/* Reads the generator's options from VAL into O. CLI_USAGE (said) when one is out of range. */
static int demo_options(const char *const *val, struct cc_demo_opts *o)
{
	int rc = CLI_OK;
	cc_demo_defaults(o);
	if (val[OPT_ENTERPRISES]) {
		o->enterprises =
			(int)cli_int_option("enterprises", val[OPT_ENTERPRISES], 10, 20000000);
		if (o->enterprises < 0)
			rc = CLI_USAGE;
	}
	if (!rc && val[OPT_SEED]) {
		long long s = cli_int_option("seed", val[OPT_SEED], 0, 1000000000000LL);
		if (s < 0)
			rc = CLI_USAGE;
		else
			o->seed = (uint64_t)s;
	}
	if (!rc && val[OPT_YEARS]) {
		o->annual_years = (int)cli_int_option("years", val[OPT_YEARS], 0, 30);
		if (o->annual_years < 0)
			rc = CLI_USAGE;
	}
	if (!rc && val[OPT_MONTHS]) {
		o->months = (int)cli_int_option("months", val[OPT_MONTHS], 0, 120);
		if (o->months < 0)
			rc = CLI_USAGE;
	}
	if (!rc && val[OPT_NO_LOAD] && !val[OPT_CSV_OUT]) {
		cli_error("demo: --no-load needs --csv-out DIR");
		rc = CLI_USAGE;
	}
	return rc;
}

/* Removes an existing database (and its WAL and shared-memory files) when FORCE says so. */
static int demo_replace_db(struct cli_ctx *ctx, int force)
{
	if (cc_pg_is_url(ctx->db_path)) {
		/* A PostgreSQL database is not a file to replace: demo loads an empty one only. */
		int rc = cli_open_store(ctx, 1);
		if (rc)
			return rc;
		if (cc_store_int(
			    ctx->store,
			    "SELECT (SELECT count(*) FROM enterprises) + (SELECT count(*) FROM "
			    "users)",
			    0) == 0)
			return CLI_OK;
		cli_error("demo: database '%s' has data; demo loads an empty PostgreSQL database "
			  "(create a new one: createdb)%s",
			  ctx->db_path, force ? "; --force replaces SQLite files only" : "");
		return CLI_FAIL;
	}
	if (access(ctx->db_path, F_OK) != 0)
		return CLI_OK;
	if (!force) {
		cli_error("demo: database '%s' exists; use --force to replace it, or --db to "
			  "name another",
			  ctx->db_path);
		return CLI_FAIL;
	}
	char side[4200];
	unlink(ctx->db_path);
	snprintf(side, sizeof side, "%s-wal", ctx->db_path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", ctx->db_path);
	unlink(side);
	return CLI_OK;
}

/*
 * The folder the files are written to: OUT (created if need be), else a new temporary folder
 * made from TMPDIR's template (*MADE_TMP is then 1: the caller removes it).
 */
static int demo_folder(const char *out, char *tmpdir, const char **dir, int *made_tmp)
{
	if (out) {
		*dir = out;
		if (mkdir(out, 0777) != 0 && errno != EEXIST) {
			cli_error("demo: cannot create folder '%s': %s", out, strerror(errno));
			return CLI_FAIL;
		}
		return CLI_OK;
	}
	*dir = mkdtemp(tmpdir);
	if (!*dir) {
		cli_error("demo: cannot create a temporary folder");
		return CLI_FAIL;
	}
	*made_tmp = 1;
	return CLI_OK;
}

/* Says what --no-load wrote, as text or JSON. */
static void demo_print_written(const struct cli_ctx *ctx, const char *dir,
			       const struct cc_demo_counts *counts, double t_gen)
{
	if (ctx->format == CLI_FMT_JSON) {
		struct cc_buf b = CC_BUF_INIT(8192);
		struct cc_jw w;
		cc_jw_init(&w, &b);
		cc_jw_object(&w);
		cc_jw_kstr(&w, "dir", dir); /* a path may hold quotes or backslashes */
		cc_jw_kint(&w, "enterprises", counts->enterprises);
		cc_jw_kint(&w, "indicators", counts->indicators);
		cc_jw_kint(&w, "chain_members", counts->members);
		cc_jw_kint(&w, "supply", counts->supply);
		cc_jw_kint(&w, "postings", counts->postings);
		cc_jw_knum(&w, "seconds", floor(t_gen * 100 + 0.5) / 100);
		cc_jw_end(&w);
		cc_jw_print(&w, stdout);
		cc_buf_release(&b);
	} else
		printf("wrote %s: %lld enterprises, %lld indicator rows, %lld chain members, "
		       "%lld supply edges, %lld postings in %.1f s\n",
		       dir, (long long)counts->enterprises, (long long)counts->indicators,
		       (long long)counts->members, (long long)counts->supply,
		       (long long)counts->postings, t_gen);
}

/*
 * Rewrites the stamps of the rows SELECT gives (id, stamp a, stamp b) with UPDATE (?1 id, ?2
 * and for DEALS ?3 the new stamps), NOW being the time: a posting (DEALS 0) made
 * (id * 137) % 360 days and (id * 31) % 86400 seconds before NOW; a deal (DEALS 1) made
 * 3 + id % 20 days after the later of A and B and changed id % 25 days after that, neither
 * past NOW (the arithmetic strftime did in SQL, in C for every engine). Returns 0 or a
 * negative CC_E*.
 */
static int restamp(struct cc_store *st, const char *select, const char *update, int64_t now,
		   int deals, struct cc_error *err)
{
	struct cc_stmt *q = NULL, *u = NULL;
	struct row {
		int64_t id;
		char a[CC_STAMP_LEN], b[CC_STAMP_LEN];
	} *rows = NULL;
	size_t n = 0, cap = 0;
	int rc = cc_stmt_prepare(st, &q, select, err), step = 0;
	while (rc == 0 && (step = cc_stmt_step(q, err)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			struct row *more = realloc(rows, cap * sizeof *rows);
			if (!more) {
				rc = cc_error_set(err, CC_ENOMEM, "out of memory");
				break;
			}
			rows = more;
		}
		rows[n].id = cc_stmt_int64(q, 0);
		snprintf(rows[n].a, CC_STAMP_LEN, "%s", cc_stmt_text(q, 1));
		snprintf(rows[n].b, CC_STAMP_LEN, "%s", cc_stmt_text(q, 2));
		n++;
	}
	if (rc == 0 && step < 0)
		rc = step;
	cc_stmt_free(q);
	char now_s[CC_STAMP_LEN];
	cc_stamp_at(now, now_s);
	int own_tx = rc == 0 && !cc_store_in_tx(st);
	if (own_tx)
		rc = cc_store_begin(st, err);
	if (rc == 0)
		rc = cc_stmt_prepare(st, &u, update, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t id = rows[i].id, t, from;
		char made[CC_STAMP_LEN], changed[CC_STAMP_LEN];
		if (!deals) {
			cc_stamp_at(now - (id * 137) % 360 * 86400 - (id * 31) % 86400, made);
		} else {
			const char *later =
				strcmp(rows[i].a, rows[i].b) >= 0 ? rows[i].a : rows[i].b;
			if (cc_stamp_seconds(later, &from))
				continue; /* a posting without a stamp: left as it is */
			t = from + (3 + id % 20) * 86400;
			cc_stamp_at(t, made);
			if (strcmp(made, now_s) > 0)
				memcpy(made, now_s, CC_STAMP_LEN);
			cc_stamp_seconds(made, &t);
			cc_stamp_at(t + id % 25 * 86400, changed);
			if (strcmp(changed, now_s) > 0)
				memcpy(changed, now_s, CC_STAMP_LEN);
			cc_stmt_bind_text(u, 3, changed, strlen(changed));
		}
		cc_stmt_bind_int64(u, 1, id);
		cc_stmt_bind_text(u, 2, made, strlen(made));
		rc = cc_stmt_step(u, err) < 0 ? CC_EDB : 0;
		cc_stmt_reset(u);
	}
	cc_stmt_free(u);
	free(rows);
	if (own_tx && rc == 0)
		rc = cc_store_commit(st, err);
	else if (own_tx)
		cc_store_rollback(st);
	return rc;
}

/*
 * A year of matching history, so the statistics of the dashboard and the matching page have
 * something to show (an imported posting is stamped with the day of the import, and deals are
 * never imported): each posting's date is spread over the last 12 months, and every other
 * demand becomes a deal with a supply posting of its chain from another enterprise (at its
 * node when there is one; every other one across the Chongqing–Sichuan line when it can),
 * marked through match_deal_mark as staff would (half agreed with an order value, three in ten
 * contacted, two in ten failed), dated some days after the later of the two postings.
 * Deterministic: everything follows the posting ids. Returns 0 or a negative CC_E*.
 */
static int demo_history(struct cc_store *st, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int64_t now = (int64_t)time(NULL);
	/* Each posting made (id * 137) % 360 days and (id * 31) % 86400 seconds ago. */
	int rc = restamp(st, "SELECT id, NULL, NULL FROM postings ORDER BY id",
			 "UPDATE postings SET created_at = ?2 WHERE id = ?1", now, 0, err);
	if (rc)
		return rc;
	rc = cc_stmt_prepare(
		st, &s,
		"SELECT d.id, (SELECT c.id FROM (SELECT x.id AS id, CASE WHEN x.node IS NOT "
		"  DISTINCT FROM d.node THEN 1 ELSE 0 END AS same, CASE WHEN (ex.region / 10000 "
		"  <> ed.region / 10000) = (d.id % 4 = 0) THEN 1 ELSE 0 END AS side "
		"  FROM postings x JOIN enterprises ex ON ex.id = x.enterprise_id "
		"  WHERE x.kind = 'supply' AND x.chain = d.chain AND "
		"  x.enterprise_id <> d.enterprise_id) c ORDER BY c.same DESC, c.side DESC, c.id "
		"  LIMIT 1) "
		"FROM postings d JOIN enterprises ed ON ed.id = d.enterprise_id "
		"WHERE d.kind = 'demand' AND d.id % 2 = 0 ORDER BY d.id",
		err);
	if (rc)
		return rc;
	int64_t pairs[2][512];
	int n = 0;
	while (n < 512 && (rc = cc_stmt_step(s, err)) == 1)
		if (!cc_stmt_is_null(s, 1)) {
			pairs[0][n] = cc_stmt_int64(s, 0);
			pairs[1][n++] = cc_stmt_int64(s, 1);
		}
	cc_stmt_free(s);
	if (rc < 0)
		return CC_EDB;
	for (int k = 0; k < n; k++) {
		int64_t id, d = pairs[0][k];
		int pick = (int)((d / 2) % 10);
		const char *status = pick < 5 ? "agreed" : pick < 8 ? "contacted" : "failed";
		double value = pick < 5 ? (double)(20 + (d * 37) % 980) : NAN;
		rc = match_deal_mark(st, d, pairs[1][k], NULL, status, value, NULL, "demo", &id,
				     err);
		if (rc)
			return rc;
	}
	/* A deal made 3 + id % 20 days after the later of its two postings, last changed
	 * id % 25 days after that, neither after now; its events at its last change. */
	rc = restamp(st,
		     "SELECT d.id, p.created_at, c.created_at FROM deals d JOIN postings p ON "
		     "p.id = d.posting_id JOIN postings c ON c.id = d.cp_posting_id ORDER BY d.id",
		     "UPDATE deals SET created_at = ?2, updated_at = ?3 WHERE id = ?1", now, 1,
		     err);
	if (rc)
		return rc;
	return cc_store_exec(
		st,
		"UPDATE deal_events SET at = (SELECT updated_at FROM deals WHERE deals.id = deal_id)",
		err);
}

/*
 * Imports the files of DIR into the open store, one line (or JSON object) each, then builds
 * the matching index. The generator only writes valid rows: any reject is a bug worth stopping
 * on.
 */
/* The seed of the demo being made, for the steps drawn after the load. */
static uint64_t demo_seed = 1;

static int demo_load(struct cli_ctx *ctx, const char *dir)
{
	struct cc_error err = {0};
	int rc = CLI_OK;
	if (ctx->format == CLI_FMT_JSON)
		printf("[");
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[4200];
		struct cc_import_opts io = {0};
		struct cc_import_result res;
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		io.kind = CC_KIND_AUTO;
		io.actor = "demo";
		io.progress = 1;
		io.exclusive = 1;
		int irc = cc_import_file(ctx->store, path, &io, &res, &err);
		if (ctx->format == CLI_FMT_JSON)
			printf("%s{\"file\":\"%s\",\"rows\":%lld,\"accepted\":%lld,\"rejected\":%lld,"
			       "\"seconds\":%.3f}",
			       i ? "," : "", files[i], (long long)res.rows, (long long)res.accepted,
			       (long long)res.rejected, res.seconds);
		else
			printf("%-18s %9lld rows  %9lld loaded  %5lld rejected  %6.2f s\n",
			       files[i], (long long)res.rows, (long long)res.accepted,
			       (long long)res.rejected, res.seconds);
		cc_import_result_release(&res);
		if (irc) {
			if (ctx->format == CLI_FMT_JSON)
				printf("]\n");
			cli_error("demo: importing %s failed: %s", files[i],
				  irc == CC_EREJECT ? "rows were rejected" : err.msg);
			rc = CLI_FAIL;
			goto out;
		}
	}
	if (match_refresh(ctx->store, &err)) {
		cli_error("demo: matching index: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	if (demo_history(ctx->store, &err)) {
		cli_error("demo: matching history: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	/* Maturity self-assessments (issue 16), drawn from the registry just loaded. */
	const struct digital_model *dm = digital_model_get(&err);
	if (!dm || digital_demo_fill(ctx->store, dm, demo_seed, &err)) {
		cli_error("demo: maturity assessments: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	/* A monthly reporting plan over a chain's members with periods open (issue 15). */
	int64_t plan;
	if (report_demo_fill(ctx->store, NULL, report_today(), &plan, &err)) {
		cli_error("demo: reporting plan: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	/* Solution providers' service postings and the planned projects' needs (issue 16 item 6).
	 */
	if (retrofit_demo_services(ctx->store, &err)) {
		cli_error("demo: solution providers: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	/* Green-factory self-assessments (GB/T 36132, issue 16). */
	const struct gf_model *gm = green_factory_model_get(&err);
	if (!gm || green_factory_demo_fill(ctx->store, gm, demo_seed, &err)) {
		cli_error("demo: green-factory assessments: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	if (ctx->format == CLI_FMT_JSON)
		printf("]\n");
out:
	return rc;
}

/* Removes the files written to the temporary folder DIR, and the folder. */
static void demo_remove_tmp(const char *dir)
{
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int cmd_demo(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{"enterprises", 1}, {"seed", 1},   {"csv-out", 1},     {"force", 0}, {"no-load", 0},
		{"years", 1},	    {"months", 1}, {"no-accounts", 0}, {NULL, 0}};
	const char *val[8], *pos[1];
	int npos, rc;
	struct cc_error err = {0};
	struct cc_demo_opts o;
	struct cc_demo_counts counts;
	char tmpdir[] = "/tmp/chainchief-demo-XXXXXX";
	const char *dir = NULL;
	int made_tmp = 0;
	const struct cli_command *cmd = cli_find("demo");

	rc = cli_parse(cmd, argc, argv, opts, val, pos, 0, &npos);
	if (rc)
		goto out;
	rc = demo_options(val, &o);
	if (rc)
		goto out;
	if (!val[OPT_NO_LOAD]) {
		rc = demo_replace_db(ctx, val[OPT_FORCE] != NULL);
		if (rc)
			goto out;
	}
	rc = demo_folder(val[OPT_CSV_OUT], tmpdir, &dir, &made_tmp);
	if (rc)
		goto out;
	double t0 = cc_now();
	fprintf(stderr, "generating %d enterprises (seed %llu) into %s ...\n", o.enterprises,
		(unsigned long long)o.seed, dir);
	rc = cc_demo_write(dir, &o, &counts, &err);
	if (rc) {
		cli_error("demo: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	double t_gen = cc_now() - t0;
	if (val[OPT_NO_LOAD]) {
		demo_print_written(ctx, dir, &counts, t_gen);
		rc = CLI_OK;
		goto out;
	}
	rc = cli_open_store(ctx, 1);
	if (rc)
		goto out;
	demo_seed = o.seed;
	rc = demo_load(ctx, dir);
	if (rc)
		goto out;
	{
		struct cc_error err = {0};
		const struct cc_catalogue *cat = cc_catalogue_get(&err);
		if (!cat || innov_registries_demo(ctx->store, cat, &err)) {
			cli_error("demo: innovation registries: %s", err.msg);
			rc = CLI_FAIL;
			goto out;
		}
		if (listing_demo(ctx->store, &err)) {
			cli_error("demo: listing coordination: %s", err.msg);
			rc = CLI_FAIL;
			goto out;
		}
	}
	if (ctx->format != CLI_FMT_JSON)
		printf("demo database '%s' ready in %.1f s (generation %.1f s)\n", ctx->db_path,
		       cc_now() - t0, t_gen);
	if (!val[OPT_NO_ACCOUNTS])
		rc = demo_accounts(ctx);
out:
	if (made_tmp)
		demo_remove_tmp(dir);
	return rc;
}
