/*
 * Commands that move data in and out of the store: init, import, export, check, backup,
 * summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/buf.h"
#include "cli/commands.h"
#include "match/match.h"
#include "domain/codes.h"
#include "io/export.h"
#include "io/import.h"
#include "store/pg.h"
#include "store/schema.h"

int cmd_init(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *pos[1];
	int npos;
	int rc = cli_parse(cli_find("init"), argc, argv, NULL, NULL, pos, 0, &npos);
	if (rc)
		return rc;
	rc = cli_open_store(ctx, 1);
	if (rc)
		return rc;
	printf("database '%s' ready (schema version %d)\n", ctx->db_path,
	       cc_store_schema_version(ctx->store));
	return CLI_OK;
}

int cmd_migrate(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *pos[1];
	int npos;
	int rc = cli_parse(cli_find("migrate"), argc, argv, NULL, NULL, pos, 0, &npos);
	if (rc)
		return rc;
	/* The version before: a read-only open applies nothing (missing: a new database). */
	struct cc_store *ro = NULL;
	struct cc_error err = {0};
	int before = 0;
	if (cc_store_open(&ro, ctx->db_path, CC_STORE_READONLY, &err) == 0)
		before = cc_store_schema_version(ro);
	cc_store_close(ro);
	rc = cli_open_store(ctx, 1);
	if (rc)
		return rc;
	int after = cc_store_schema_version(ctx->store);
	const char *backend = cc_store_backend(ctx->store);
	if (ctx->format == CLI_FMT_JSON) {
		struct cc_buf b = CC_BUF_INIT(1 << 16);
		cc_buf_puts(&b, "{\"database\":");
		cc_buf_json_str(&b, ctx->db_path, strlen(ctx->db_path));
		cc_buf_printf(&b, ",\"backend\":\"%s\",\"before\":%d,\"after\":%d,\"latest\":%d}\n",
			      backend, before, after, cc_schema_count());
		fwrite(b.data, 1, b.len, stdout);
		cc_buf_release(&b);
	} else {
		printf("database '%s' (%s): schema version %d -> %d (%d migration%s applied)\n",
		       ctx->db_path, backend, before, after, after - before,
		       after - before == 1 ? "" : "s");
	}
	return CLI_OK;
}

struct copy_out {
	struct cc_buf json;
	int64_t rows;
	int json_mode, tables;
};

static void copy_progress(void *ctx, const char *table, int64_t rows)
{
	struct copy_out *o = ctx;
	o->rows += rows;
	if (o->json_mode) {
		cc_buf_puts(&o->json, o->tables++ ? "," : "");
		cc_buf_json_str(&o->json, table, strlen(table));
		cc_buf_printf(&o->json, ":%lld", (long long)rows);
	} else {
		printf("%-28s %12lld rows\n", table, (long long)rows);
	}
}

int cmd_copy(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"from", 1}, {"to", 1}, {NULL, 0}};
	const char *val[2] = {NULL, NULL}, *pos[1];
	int npos;
	const struct cli_command *cmd = cli_find("copy");
	int rc = cli_parse(cmd, argc, argv, opts, val, pos, 0, &npos);
	if (rc)
		return rc;
	if (!val[0] || !val[1]) {
		cli_error("copy: --from and --to are required");
		return CLI_USAGE;
	}
	struct cc_store *a = NULL, *b = NULL;
	struct cc_error err = {0};
	struct copy_out o = {CC_BUF_INIT(1 << 20), 0, ctx->format == CLI_FMT_JSON, 0};
	if (cc_store_open(&a, val[0], 0, &err) ||
	    cc_store_open(&b, val[1], CC_STORE_CREATE, &err) ||
	    cc_store_copy(a, b, copy_progress, &o, &err)) {
		cli_error("%s", err.msg);
		rc = CLI_FAIL;
	} else if (o.json_mode) {
		printf("{\"tables\":{%.*s},\"rows\":%lld}\n", (int)o.json.len,
		       o.json.data ? o.json.data : "", (long long)o.rows);
	} else {
		printf("copied %lld rows from '%s' (%s) to '%s' (%s)\n", (long long)o.rows, val[0],
		       cc_store_backend(a), val[1], cc_store_backend(b));
	}
	cc_buf_release(&o.json);
	cc_store_close(a);
	cc_store_close(b);
	return rc;
}

/* Prints one import result as the JSON object the README documents. */
static void print_result_json(const char *file, const struct cc_import_result *r, int rc,
			      const struct cc_error *err, const char *rejects)
{
	struct cc_buf b = CC_BUF_INIT(1 << 20);
	cc_buf_puts(&b, "{\"file\":");
	cc_buf_json_str(&b, file, strlen(file));
	cc_buf_printf(&b,
		      ",\"kind\":\"%s\",\"format\":\"%s\",\"rows\":%lld,\"accepted\":%lld,"
		      "\"rejected\":%lld,\"warnings\":[",
		      cc_kind_name(r->kind), r->format ? r->format : "", (long long)r->rows,
		      (long long)r->accepted, (long long)r->rejected);
	for (int i = 0; i < r->nwarnings; i++) {
		if (i)
			cc_buf_putc(&b, ',');
		cc_buf_json_str(&b, r->warnings[i], strlen(r->warnings[i]));
	}
	cc_buf_printf(&b, "],\"seconds\":%.3f", r->seconds);
	if (rejects && r->rejected) {
		cc_buf_puts(&b, ",\"rejects\":");
		cc_buf_json_str(&b, rejects, strlen(rejects));
	}
	if (rc && rc != CC_EREJECT) {
		cc_buf_puts(&b, ",\"error\":");
		cc_buf_json_str(&b, err->msg, strlen(err->msg));
	}
	cc_buf_puts(&b, "}\n");
	fputs(cc_buf_str(&b), stdout);
	cc_buf_release(&b);
}

int cmd_import(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{"kind", 1}, {"rejects", 1}, {"dry-run", 0}, {"no-progress", 0}, {NULL, 0}};
	const char *val[4], *pos[256];
	int npos, worst = CLI_OK;
	const struct cli_command *cmd = cli_find("import");
	int rc = cli_parse(cmd, argc, argv, opts, val, pos, 256, &npos);
	if (rc)
		return rc;
	if (npos == 0) {
		cli_error("import: name at least one file");
		return CLI_USAGE;
	}
	int kind = CC_KIND_AUTO;
	if (val[0]) {
		kind = cc_kind_parse(val[0]);
		if (kind < 0) {
			cli_error(
				"import: unknown kind '%s' (enterprises, indicators, chain_members, "
				"supply, postings)",
				val[0]);
			return CLI_USAGE;
		}
	}
	if (val[1] && npos > 1) {
		cli_error("import: --rejects names one report, so give one file at a time");
		return CLI_USAGE;
	}
	rc = cli_open_store(ctx, 1);
	if (rc)
		return rc;
	int64_t gen_before = cc_store_generation(ctx->store);
	int products = 0; /* enterprises or supply edges imported: the product index may move */
	for (int i = 0; i < npos; i++) {
		struct cc_import_opts io = {0};
		struct cc_import_result res;
		struct cc_error err = {0};
		char rejects[4096];
		snprintf(rejects, sizeof rejects, "%s.rejects.csv", pos[i]);
		io.kind = kind;
		io.rejects_path = val[1] ? val[1] : rejects;
		io.actor = getenv("USER") ? getenv("USER") : "cli";
		io.progress = !val[3];
		io.dry_run = val[2] != NULL;
		io.exclusive = 1;
		rc = cc_import_file(ctx->store, pos[i], &io, &res, &err);
		products |= res.kind == CC_KIND_ENTERPRISES || res.kind == CC_KIND_SUPPLY;
		if (!res.rejected && rc != CC_EREJECT && !val[1])
			unlink(rejects); /* no report when nothing was rejected */
		if (ctx->format == CLI_FMT_JSON) {
			print_result_json(pos[i], &res, rc, &err, io.rejects_path);
		} else if (ctx->format == CLI_FMT_CSV) {
			struct cc_buf b = CC_BUF_INIT(1 << 16);
			if (i == 0)
				cc_buf_puts(
					&b,
					"file,kind,format,rows,accepted,rejected,seconds,error\r\n");
			cc_buf_csv_cell(&b, pos[i], strlen(pos[i]), 1);
			cc_buf_printf(&b, ",%s,%s,%lld,%lld,%lld,%.3f,", cc_kind_name(res.kind),
				      res.format ? res.format : "", (long long)res.rows,
				      (long long)res.accepted, (long long)res.rejected,
				      res.seconds);
			if (rc && rc != CC_EREJECT)
				cc_buf_csv_cell(&b, err.msg, strlen(err.msg), 1);
			cc_buf_puts(&b, "\r\n");
			fputs(cc_buf_str(&b), stdout);
			cc_buf_release(&b);
		} else if (rc && rc != CC_EREJECT) {
			cli_error("import '%s': %s", pos[i], err.msg);
		} else {
			printf("%s: %s (%s), %lld rows: %lld accepted, %lld rejected in %.2f s%s\n",
			       pos[i], cc_kind_name(res.kind), res.format, (long long)res.rows,
			       (long long)res.accepted, (long long)res.rejected, res.seconds,
			       io.dry_run ? " (dry run: nothing stored)" : "");
			for (int w = 0; w < res.nwarnings; w++)
				printf("  warning: %s\n", res.warnings[w]);
			if (res.rejected)
				printf("  rejected rows are listed in %s\n", io.rejects_path);
		}
		if (rc && rc != CC_EREJECT)
			worst = CLI_FAIL;
		else if (rc == CC_EREJECT && worst == CLI_OK)
			worst = CLI_REJECTS;
		cc_import_result_release(&res);
	}
	/* The matching indexes follow the data: enterprise products, subscription inboxes. */
	struct cc_error merr = {0};
	if (worst != CLI_FAIL && match_refresh_after(ctx->store, gen_before, products, &merr)) {
		cli_error(
			"import: the data are stored, but the matching index was not refreshed: %s "
			"(run 'chainchief match reindex')",
			merr.msg);
		worst = CLI_FAIL;
	}
	return worst;
}

int cmd_export(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{"zh", 0}, {"encoding", 1}, {"chain", 1}, {"region", 1}, {NULL, 0}};
	const char *val[4], *pos[2];
	int npos;
	struct cc_error err = {0};
	const struct cli_command *cmd = cli_find("export");
	int rc = cli_parse(cmd, argc, argv, opts, val, pos, 2, &npos);
	if (rc)
		return rc;
	if (npos != 2) {
		cli_error("export: give KIND and OUT");
		fprintf(stderr, "usage: chainchief %s\n", cmd->usage);
		return CLI_USAGE;
	}
	struct cc_export_opts eo = {0};
	eo.kind = cc_kind_parse(pos[0]);
	if (eo.kind < 0) {
		cli_error(
			"export: unknown kind '%s' (enterprises, indicators, chain_members, supply, "
			"postings)",
			pos[0]);
		return CLI_USAGE;
	}
	eo.format = cc_out_format_for(pos[1]);
	eo.encoding = val[1];
	eo.zh_headers = val[0] != NULL;
	eo.chain = val[2];
	if (val[3]) {
		long long r = cli_int_option("region", val[3], 110000, 829999);
		if (r < 0)
			return CLI_USAGE;
		eo.region = (int)r;
	}
	rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	int64_t rows = 0;
	rc = cc_export_file(ctx->store, pos[1], &eo, &rows, &err);
	if (rc) {
		cli_error("export: %s", err.msg);
		return CLI_FAIL;
	}
	if (strcmp(pos[1], "-") != 0) {
		if (ctx->format == CLI_FMT_JSON)
			printf("{\"file\":\"%s\",\"kind\":\"%s\",\"rows\":%lld}\n", pos[1],
			       cc_kind_name(eo.kind), (long long)rows);
		else
			fprintf(stderr, "%s: %lld %s rows written\n", pos[1], (long long)rows,
				cc_kind_name(eo.kind));
	}
	return CLI_OK;
}

struct problems {
	struct cli_table t;
};

static void report_problem(void *ctx, const char *msg)
{
	struct problems *p = ctx;
	const char *v[1] = {msg};
	cli_table_add(&p->t, v);
}

int cmd_check(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *pos[1];
	int npos;
	struct cc_error err = {0};
	int rc = cli_parse(cli_find("check"), argc, argv, NULL, NULL, pos, 0, &npos);
	if (rc)
		return rc;
	rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	struct problems p;
	static const char *const cols[] = {"problem"};
	cli_table_init(&p.t, 1, cols);
	int n = cc_store_check(ctx->store, report_problem, &p, &err);
	if (n < 0) {
		cli_error("check: %s", err.msg);
		cli_table_release(&p.t);
		return CLI_FAIL;
	}
	if (ctx->format == CLI_FMT_JSON) {
		printf("{\"problems\":%d,\"details\":", n);
		cli_table_print(&p.t, stdout, CLI_FMT_JSON);
		printf("}\n");
	} else if (n) {
		cli_table_print(&p.t, stdout, ctx->format);
		printf("%d problem%s found\n", n, n == 1 ? "" : "s");
	} else {
		char shown[1024];
		cc_pg_shown(ctx->db_path, shown, sizeof shown);
		printf("database '%s' is clean: integrity, foreign keys and domain checks pass\n",
		       shown);
	}
	cli_table_release(&p.t);
	return n ? CLI_FAIL : CLI_OK;
}

int cmd_backup(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *pos[1];
	int npos;
	struct cc_error err = {0};
	const struct cli_command *cmd = cli_find("backup");
	int rc = cli_parse(cmd, argc, argv, NULL, NULL, pos, 1, &npos);
	if (rc)
		return rc;
	if (npos != 1) {
		cli_error("backup: name the output file");
		return CLI_USAGE;
	}
	if (access(pos[0], F_OK) == 0) {
		cli_error("backup: '%s' exists; choose a new file name", pos[0]);
		return CLI_FAIL;
	}
	rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	if (cc_store_backup(ctx->store, pos[0], &err)) {
		cli_error("backup: %s", err.msg);
		return CLI_FAIL;
	}
	printf("backup written to '%s'\n", pos[0]);
	return CLI_OK;
}

/* One count of the summary: SQL's number, or the schema's version when SQL is NULL. */
static long long summary_value(struct cc_store *st, const char *sql)
{
	return sql ? (long long)cc_store_int(st, sql, 0) : cc_store_schema_version(st);
}

int cmd_summary(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *pos[1];
	int npos;
	int rc = cli_parse(cli_find("summary"), argc, argv, NULL, NULL, pos, 0, &npos);
	if (rc)
		return rc;
	rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	static const struct {
		const char *what, *zh, *sql;
	} counts[] = {
		{"enterprises", "企业", "SELECT count(*) FROM enterprises"},
		{"enterprises_chongqing", "重庆企业",
		 "SELECT count(*) FROM enterprises WHERE region / 10000 = 50"},
		{"enterprises_sichuan", "四川企业",
		 "SELECT count(*) FROM enterprises WHERE region / 10000 = 51"},
		{"indicator_rows", "指标行", "SELECT count(*) FROM indicators"},
		{"annual_periods", "年度期间",
		 "SELECT count(DISTINCT period) FROM indicators WHERE period % 100 = 0"},
		{"monthly_periods", "月度期间",
		 "SELECT count(DISTINCT period) FROM indicators WHERE period % 100 <> 0"},
		{"chain_members", "产业链成员", "SELECT count(*) FROM chain_members"},
		{"masters", "链主企业", "SELECT count(*) FROM chain_members WHERE role = 'master'"},
		{"chains_covered", "覆盖产业链", "SELECT count(DISTINCT chain) FROM chain_members"},
		{"supply_edges", "供应关系", "SELECT count(*) FROM supply_edges"},
		{"outside_suppliers", "名录外供应商",
		 "SELECT count(DISTINCT supplier) FROM supply_edges WHERE supplier NOT IN "
		 "(SELECT uscc FROM enterprises)"},
		{"postings", "供需信息", "SELECT count(*) FROM postings"},
		{"generation", "数据代次",
		 "SELECT CAST(value AS BIGINT) FROM meta WHERE key='generation'"},
		{"schema_version", "模式版本", NULL}, /* cc_store_schema_version */
	};
	static const char *const cols[] = {"item", "name_zh=名称", "count#"};
	struct cli_table t;
	cli_table_init(&t, 3, cols);
	size_t n = sizeof counts / sizeof counts[0];
	if (ctx->format == CLI_FMT_JSON) {
		printf("{");
		for (size_t i = 0; i < n; i++)
			printf("%s\"%s\":%lld", i ? "," : "", counts[i].what,
			       summary_value(ctx->store, counts[i].sql));
		printf("}\n");
	} else {
		for (size_t i = 0; i < n; i++) {
			char num[32];
			snprintf(num, sizeof num, "%lld", summary_value(ctx->store, counts[i].sql));
			const char *v[3] = {counts[i].what, counts[i].zh, num};
			cli_table_add(&t, v);
		}
		cli_table_print(&t, stdout, ctx->format);
	}
	cli_table_release(&t);
	return CLI_OK;
}
