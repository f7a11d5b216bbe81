/*
 * Table writers and the interchange-file exporters (see export.h).
 */
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "io/export.h"
#include "io/import.h"

struct cc_tablew {
	int format;
	FILE *f;
	iconv_t cd; /* UTF-8 -> GB18030 when that encoding is asked for */
	struct cc_xlsx_writer *x;
	struct cc_buf line;
	char *path;
};

int cc_out_format_for(const char *path)
{
	size_t n = strlen(path);
	if (n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0)
		return CC_OUT_XLSX;
	return CC_OUT_CSV;
}

int cc_tablew_open(struct cc_tablew **out, const char *path, int format, const char *encoding,
		   const char *sheet, struct cc_error *err)
{
	int rc = 0;
	*out = NULL;
	struct cc_tablew *w = calloc(1, sizeof *w);
	if (!w)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	w->format = format;
	w->cd = (iconv_t)-1;
	cc_buf_init(&w->line, 64u << 20);
	w->path = strdup(path);
	if (format == CC_OUT_XLSX) {
		rc = cc_xlsx_create(&w->x, path, err);
		if (rc == 0)
			rc = cc_xlsx_add_sheet(w->x, sheet ? sheet : "Sheet1", err);
		goto out;
	}
	if (!encoding)
		encoding = "utf-8-bom";
	if (strcmp(encoding, "gb18030") == 0) {
		w->cd = iconv_open("GB18030", "UTF-8");
		if (w->cd == (iconv_t)-1) {
			rc = cc_error_set(err, CC_EINVAL, "GB18030 conversion is not available");
			goto out;
		}
	} else if (strcmp(encoding, "utf-8") != 0 && strcmp(encoding, "utf-8-bom") != 0) {
		rc = cc_error_set(err, CC_EINVAL,
				  "unknown encoding '%s' (utf-8-bom, utf-8 or gb18030)", encoding);
		goto out;
	}
	w->f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	if (!w->f) {
		rc = cc_error_set(err, CC_EIO, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	if (strcmp(encoding, "utf-8-bom") == 0)
		fputs("\xEF\xBB\xBF", w->f);
out:
	if (rc) {
		if (w->x)
			cc_xlsx_writer_close(w->x, NULL);
		if (w->f && w->f != stdout)
			fclose(w->f);
		if (w->cd != (iconv_t)-1)
			iconv_close(w->cd);
		cc_buf_release(&w->line);
		free(w->path);
		free(w);
		return rc;
	}
	*out = w;
	return 0;
}

/*
 * Returns whether S is a plain decimal number ("-5.2", "1e-07"): only such a cell of a number
 * column goes out without the guard against formulas (cc_buf_csv_cell).
 */
static int is_number(const char *s)
{
	char *end;
	if (!*s || strspn(s, "0123456789+-.eE") != strlen(s))
		return 0;
	(void)strtod(s, &end);
	return *end == '\0';
}

int cc_tablew_row(struct cc_tablew *w, size_t n, const char *const *values,
		  const enum cc_cell_type *types, struct cc_error *err)
{
	if (w->x)
		return cc_xlsx_row(w->x, n, values, types, 0, err);
	struct cc_buf *b = &w->line;
	cc_buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			cc_buf_putc(b, ',');
		if (!values[i])
			continue;
		size_t len = strlen(values[i]);
		/* A number-typed cell is written as it is; its text is checked only when it looks
		 * like a formula to a spreadsheet (a negative number), not for every number. */
		int number = types && (types[i] == CC_CELL_NUMBER || types[i] == CC_CELL_PERCENT);
		int as_text =
			!number || (cc_csv_needs_guard(values[i], len) && !is_number(values[i]));
		cc_buf_csv_cell(b, values[i], len, as_text);
	}
	if (cc_buf_puts(b, "\r\n"))
		return cc_error_set(err, CC_ENOMEM, "row too long");
	if (w->cd != (iconv_t)-1) {
		char *in = b->data, tmp[8192];
		size_t inleft = b->len;
		while (inleft) {
			char *o = tmp;
			size_t oleft = sizeof tmp;
			size_t r = iconv(w->cd, &in, &inleft, &o, &oleft);
			fwrite(tmp, 1, (size_t)(o - tmp), w->f);
			if (r == (size_t)-1 && errno != E2BIG)
				return cc_error_set(err, CC_EENCODING,
						    "text cannot be written in GB18030");
		}
	} else {
		fwrite(b->data, 1, b->len, w->f);
	}
	return ferror(w->f) ? cc_error_set(err, CC_EIO, "write to '%s' failed", w->path) : 0;
}

int cc_tablew_close(struct cc_tablew *w, struct cc_error *err)
{
	int rc = 0;
	if (!w)
		return 0;
	if (w->x) {
		rc = cc_xlsx_writer_close(w->x, err);
	} else if (w->f) {
		if (fflush(w->f) != 0 || ferror(w->f))
			rc = cc_error_set(err, CC_EIO, "write to '%s' failed", w->path);
		if (w->f != stdout && fclose(w->f) != 0 && rc == 0)
			rc = cc_error_set(err, CC_EIO, "write to '%s' failed", w->path);
	}
	if (w->cd != (iconv_t)-1)
		iconv_close(w->cd);
	cc_buf_release(&w->line);
	free(w->path);
	free(w);
	return rc;
}

/* The SELECT producing KIND's columns in file order, all as text or numbers. */
static void export_sql(const struct cc_export_opts *o, struct cc_buf *b)
{
	switch (o->kind) {
	case CC_KIND_ENTERPRISES:
		cc_buf_puts(b, "SELECT e.uscc, e.name, e.region, e.industry, e.founded, e.scale, "
			       "e.listed, e.certs FROM enterprises e WHERE 1 = 1");
		if (o->chain)
			cc_buf_puts(b, " AND EXISTS (SELECT 1 FROM chain_members m WHERE "
				       "m.enterprise_id = e.id AND m.chain = ?1)");
		break;
	case CC_KIND_INDICATORS:
		cc_buf_puts(
			b,
			"SELECT e.uscc, CASE WHEN i.period % 100 = 0 THEN CAST(i.period / 100 AS "
			"TEXT) ELSE CAST(i.period / 100 AS TEXT) || CASE WHEN i.period % 100 < 10 "
			"THEN '-0' ELSE '-' END || CAST(i.period % 100 AS TEXT) END");
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			cc_buf_printf(b, ", i.%s", cc_metric_get(m)->key);
		cc_buf_puts(b, " FROM indicators i JOIN enterprises e ON e.id = i.enterprise_id "
			       "WHERE 1 = 1");
		if (o->chain)
			cc_buf_puts(b, " AND EXISTS (SELECT 1 FROM chain_members m WHERE "
				       "m.enterprise_id = e.id AND m.chain = ?1)");
		break;
	case CC_KIND_MEMBERS:
		cc_buf_puts(
			b, "SELECT e.uscc, m.chain, m.node, m.role, m.product FROM chain_members m "
			   "JOIN enterprises e ON e.id = m.enterprise_id WHERE 1 = 1");
		if (o->chain)
			cc_buf_puts(b, " AND m.chain = ?1");
		break;
	case CC_KIND_SUPPLY:
		cc_buf_puts(
			b,
			"SELECT s.supplier, e.uscc, s.product, CASE WHEN s.node IS NULL THEN "
			"NULL ELSE s.chain || '.' || s.node END, s.annual_value, s.share "
			"FROM supply_edges s JOIN enterprises e ON e.id = s.buyer_id WHERE 1 = 1");
		if (o->chain)
			cc_buf_puts(b, " AND s.chain = ?1");
		break;
	case CC_KIND_POSTINGS:
		cc_buf_puts(b,
			    "SELECT p.kind, e.uscc, p.title, p.description, CASE WHEN p.node IS "
			    "NULL THEN NULL ELSE p.chain || '.' || p.node END, p.quantity, p.unit, "
			    "p.region_pref, p.valid_until FROM postings p JOIN enterprises e ON "
			    "e.id = p.enterprise_id WHERE p.status = 'open'");
		if (o->chain)
			cc_buf_puts(b, " AND p.chain = ?1");
		break;
	case CC_KIND_ENERGY:
		/* Quantities in the carrier's canonical unit, which an empty unit cell means. */
		cc_buf_puts(b,
			    "SELECT e.uscc, CAST(a.period / 100 AS TEXT), a.carrier, a.quantity, "
			    "NULL, g.value_added FROM energy_accounts a JOIN enterprises e ON "
			    "e.id = a.enterprise_id LEFT JOIN green_periods g ON g.enterprise_id "
			    "= a.enterprise_id AND g.period = a.period WHERE 1 = 1");
		if (o->chain)
			cc_buf_puts(b, " AND EXISTS (SELECT 1 FROM chain_members m WHERE "
				       "m.enterprise_id = e.id AND m.chain = ?1)");
		break;
	case CC_KIND_PATENTS:
		cc_buf_puts(
			b, "SELECT p.number, p.kind, p.title, p.ipc, p.filed, p.granted, "
			   "p.lapsed, p.status, e.uscc FROM patent_numbers p JOIN enterprises e ON "
			   "e.id = p.holder_id WHERE 1 = 1");
		if (o->chain)
			cc_buf_puts(b, " AND EXISTS (SELECT 1 FROM chain_members m WHERE "
				       "m.enterprise_id = e.id AND m.chain = ?1)");
		break;
	case CC_KIND_RECOGNITIONS:
		cc_buf_puts(
			b, "SELECT e.uscc, r.kind, r.level, r.year, nullif(r.name, ''), r.source "
			   "FROM green_recognitions r JOIN enterprises e ON e.id = r.enterprise_id "
			   "WHERE 1 = 1");
		if (o->chain)
			cc_buf_puts(b, " AND EXISTS (SELECT 1 FROM chain_members m WHERE "
				       "m.enterprise_id = e.id AND m.chain = ?1)");
		break;
	case CC_KIND_PLATFORMS:
		/* The host as the file gives it: a registered enterprise's code, else the name. */
		cc_buf_puts(b, "SELECT p.name, p.kind, p.level, coalesce(e.uscc, p.host_name), "
			       "nullif(p.nodes, ''), p.recognised, p.reviewed FROM platforms p "
			       "LEFT JOIN enterprises e ON e.id = p.host_id WHERE 1 = 1");
		if (o->chain)
			cc_buf_puts(b, " AND strpos(';' || p.nodes, ';' || ?1 || '.') > 0");
		break;
	case CC_KIND_CONSORTIA:
		cc_buf_puts(b, "SELECT c.name, e.uscc, nullif(c.members, ''), c.chain || '.' || "
			       "c.node, c.technology, c.milestones, c.status FROM consortia c JOIN "
			       "enterprises e ON e.id = c.leader_id WHERE 1 = 1");
		if (o->chain)
			cc_buf_puts(b, " AND c.chain = ?1");
		break;
	case CC_KIND_FLAGS:
		cc_buf_puts(b,
			    "SELECT e.uscc, CAST(c.period / 100 AS TEXT), c.flag, c.description, "
			    "c.source FROM compliance_flags c JOIN enterprises e ON e.id = "
			    "c.enterprise_id WHERE 1 = 1");
		if (o->chain)
			cc_buf_puts(b, " AND EXISTS (SELECT 1 FROM chain_members m WHERE "
				       "m.enterprise_id = e.id AND m.chain = ?1)");
		break;
	}
	if (o->region)
		cc_region_sql(b, "e.region", o->region);
	switch (o->kind) {
	case CC_KIND_ENTERPRISES: cc_buf_puts(b, " ORDER BY e.uscc"); break;
	case CC_KIND_INDICATORS: cc_buf_puts(b, " ORDER BY e.uscc, i.period"); break;
	case CC_KIND_MEMBERS: cc_buf_puts(b, " ORDER BY e.uscc, m.chain, m.node"); break;
	case CC_KIND_SUPPLY: cc_buf_puts(b, " ORDER BY s.supplier, e.uscc, s.product"); break;
	case CC_KIND_POSTINGS: cc_buf_puts(b, " ORDER BY p.id"); break;
	case CC_KIND_ENERGY: cc_buf_puts(b, " ORDER BY e.uscc, a.period, a.carrier"); break;
	case CC_KIND_PATENTS: cc_buf_puts(b, " ORDER BY p.id"); break;
	case CC_KIND_FLAGS: cc_buf_puts(b, " ORDER BY e.uscc, c.period, c.flag"); break;
	case CC_KIND_RECOGNITIONS: cc_buf_puts(b, " ORDER BY e.uscc, r.year, r.kind"); break;
	case CC_KIND_PLATFORMS: cc_buf_puts(b, " ORDER BY p.name"); break;
	case CC_KIND_CONSORTIA: cc_buf_puts(b, " ORDER BY c.name"); break;
	}
}

/*
 * The N cells of the current row of S (export_sql's SELECT for KIND) as VALUES and TYPES:
 * numbers of number columns in their exact form (written into NUMS), the rest as text, NULL
 * for an empty cell. VALUES point into S or NUMS until the next step.
 */
static void row_cells(int kind, struct cc_stmt *s, size_t n, const char **values,
		      enum cc_cell_type *types, char (*nums)[40])
{
	for (size_t i = 0; i < n; i++) {
		types[i] = CC_CELL_TEXT;
		if (cc_stmt_is_null(s, (int)i)) {
			values[i] = NULL;
		} else if ((kind == CC_KIND_INDICATORS && i >= 2) ||
			   (kind == CC_KIND_SUPPLY && i >= 4) ||
			   (kind == CC_KIND_POSTINGS && i == 5) ||
			   (kind == CC_KIND_ENERGY && (i == 3 || i == 5))) {
			cc_num_format(cc_stmt_double(s, (int)i), CC_NUM_EXACT, nums[i], 40);
			values[i] = nums[i];
			types[i] = CC_CELL_NUMBER;
		} else {
			values[i] = cc_stmt_text(s, (int)i);
		}
	}
}

/*
 * With Chinese headers, coded values go as the Chinese labels the importer also reads (大型,
 * 主板, 高新技术企业;专精特新, 链主, 供): one language per file, and the file still imports back
 * unchanged. A list of certificates is rewritten into ZH (a value not known stays as it is).
 */
static void zh_values(const struct cc_column *cols, size_t n, const char **values, char *zh,
		      size_t cap)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = values[i];
		if (!v || !*v)
			continue;
		if (strcmp(cols[i].id, "certs") != 0) {
			const char *w = cc_value_zh(cols[i].id, v, strlen(v));
			if (w)
				values[i] = w;
			continue;
		}
		size_t o = 0;
		for (const char *p = v; *p && o < cap;) {
			size_t k = strcspn(p, ";");
			const char *w = cc_value_zh("certs", p, k);
			int m = w ? snprintf(zh + o, cap - o, "%s%s", o ? ";" : "", w)
				  : snprintf(zh + o, cap - o, "%s%.*s", o ? ";" : "", (int)k, p);
			o += m > 0 ? (size_t)m : 0;
			p += k + (p[k] == ';');
		}
		if (o < cap)
			values[i] = zh;
	}
}

int cc_export_file(struct cc_store *st, const char *path, const struct cc_export_opts *opts,
		   int64_t *rows, struct cc_error *err)
{
	struct cc_buf sql = CC_BUF_INIT(1 << 16);
	struct cc_stmt *s = NULL;
	struct cc_tablew *w = NULL;
	const struct cc_column *cols = cc_kind_columns(opts->kind);
	const char *values[64];
	enum cc_cell_type types[64];
	char nums[64][40], zh[512];
	int rc = 0;
	size_t n = 0;
	*rows = 0;
	if (!cols)
		return cc_error_set(err, CC_EINVAL, "unknown export kind");
	while (cols[n].id)
		n++;
	export_sql(opts, &sql);
	rc = cc_stmt_prepare(st, &s, cc_buf_str(&sql), err);
	if (rc)
		goto out;
	if (opts->chain)
		cc_stmt_bind_text(s, 1, opts->chain, strlen(opts->chain));
	rc = cc_tablew_open(&w, path, opts->format, opts->encoding, cc_kind_name(opts->kind), err);
	if (rc)
		goto out;
	for (size_t i = 0; i < n; i++) {
		values[i] = opts->zh_headers ? cols[i].name_zh : cols[i].id;
		types[i] = CC_CELL_TEXT;
	}
	rc = cc_tablew_row(w, n, values, NULL, err);
	while (rc == 0 && (rc = cc_stmt_step(s, err)) == 1) {
		row_cells(opts->kind, s, n, values, types, nums);
		if (opts->zh_headers)
			zh_values(cols, n, values, zh, sizeof zh);
		rc = cc_tablew_row(w, n, values, types, err);
		if (rc == 0)
			(*rows)++;
	}
	if (rc > 0)
		rc = 0;
out:
	if (w) {
		int crc = cc_tablew_close(w, rc ? NULL : err);
		if (rc == 0)
			rc = crc;
	}
	cc_stmt_free(s);
	cc_buf_release(&sql);
	return rc;
}

/* The name of KIND's data sheet in a template, as the import page names the kind. */
static const char *kind_zh(int kind)
{
	static const char *const names[CC_KIND_COUNT] = {
		"企业名录", "经营指标", "产业链成员",	"供应关系", "供需信息",	 "能耗台账",
		"专利",	    "合规问题", "绿色制造名单", "创新平台", "创新联合体"};
	return kind >= 0 && kind < CC_KIND_COUNT ? names[kind] : "数据";
}

/* Writes the sheet of the chains and their nodes: the codes a chain or node column takes. */
static int sheet_nodes(struct cc_xlsx_writer *x, struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	static const char *const head[] = {"产业链代码", "产业链", "环节代码", "环节",
					   "填写（产业链.环节）"};
	static const double widths[] = {12, 22, 22, 26, 30};
	char ref[160];
	int rc = cat ? cc_xlsx_add_sheet(x, "产业链环节", err) : CC_EINVAL;
	if (rc == 0)
		rc = cc_xlsx_row(x, 5, head, NULL, 1, err);
	cc_xlsx_widths(x, 5, widths);
	for (int k = 0; rc == 0 && k < cat->nnodes; k++) {
		const struct cc_node *nd = &cat->nodes[k];
		const struct cc_chain *ch = &cat->chains[nd->chain];
		snprintf(ref, sizeof ref, "%s.%s", ch->id, nd->id);
		const char *v[] = {ch->id, ch->name_zh, nd->id, nd->name_zh, ref};
		rc = cc_xlsx_row(x, 5, v, NULL, 0, err);
	}
	return rc;
}

/* Writes the sheet of region codes: Chongqing's districts and Sichuan's cities and counties. */
static int sheet_regions(struct cc_xlsx_writer *x, struct cc_error *err)
{
	static const char *const head[] = {"行政区划代码", "名称"};
	static const double widths[] = {14, 40};
	char code[16], name[256];
	int rc = cc_xlsx_add_sheet(x, "行政区划", err);
	if (rc == 0)
		rc = cc_xlsx_row(x, 2, head, NULL, 1, err);
	cc_xlsx_widths(x, 2, widths);
	for (int i = 0; rc == 0 && i < cc_region_count(); i++) {
		const struct cc_region *r = cc_region_at(i);
		if (r->code / 10000 != 50 && r->code / 10000 != 51)
			continue;
		snprintf(code, sizeof code, "%d", r->code);
		cc_region_fullname(r->code, name, sizeof name);
		const char *v[] = {code, name};
		rc = cc_xlsx_row(x, 2, v, NULL, 0, err);
	}
	return rc;
}

int cc_export_template(struct cc_store *st, int kind, const char *path, struct cc_error *err)
{
	struct cc_buf sql = CC_BUF_INIT(1 << 16), rule = CC_BUF_INIT(1 << 12);
	struct cc_stmt *s = NULL;
	struct cc_xlsx_writer *x = NULL;
	struct cc_export_opts o = {.kind = kind, .format = CC_OUT_XLSX};
	const struct cc_column *cols = cc_kind_columns(kind);
	const char *values[64], *example[64];
	enum cc_cell_type types[64];
	char nums[64][40];
	double widths[64];
	int rc = 0, have = 0;
	size_t n = 0;
	if (!cols)
		return cc_error_set(err, CC_EINVAL, "unknown template kind");
	while (cols[n].id && n < 64)
		n++;
	/* The example: the first record of the registry, exactly as an export writes it, so the
	 * template imported unchanged loads one row and changes nothing. */
	export_sql(&o, &sql);
	cc_buf_puts(&sql, " LIMIT 1");
	rc = cc_stmt_prepare(st, &s, cc_buf_str(&sql), err);
	if (rc)
		goto out;
	rc = cc_stmt_step(s, err);
	if (rc < 0)
		goto out;
	have = rc == 1;
	rc = 0;
	if (have)
		row_cells(kind, s, n, example, types, nums);
	rc = cc_xlsx_create(&x, path, err);
	if (rc == 0)
		rc = cc_xlsx_add_sheet(x, kind_zh(kind), err);
	for (size_t i = 0; i < n; i++) {
		values[i] = cols[i].name_zh;
		widths[i] = 14 + 2.0 * (double)(strlen(cols[i].name_zh) / 3);
	}
	if (rc == 0)
		rc = cc_xlsx_row(x, n, values, NULL, 1, err);
	cc_xlsx_widths(x, n, widths);
	if (rc == 0 && have)
		rc = cc_xlsx_row(x, n, example, types, 0, err);
	/* What each column takes. */
	static const char *const head[] = {"列名", "字段", "必填", "可填写的值", "示例"};
	static const double hw[] = {18, 16, 6, 70, 30};
	if (rc == 0)
		rc = cc_xlsx_add_sheet(x, "填写说明", err);
	if (rc == 0)
		rc = cc_xlsx_row(x, 5, head, NULL, 1, err);
	cc_xlsx_widths(x, 5, hw);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		cc_buf_reset(&rule);
		cc_column_rule_zh(kind, (int)i, &rule);
		const char *v[] = {cols[i].name_zh, cols[i].id, cols[i].required ? "是" : "否",
				   cc_buf_str(&rule), have ? example[i] : NULL};
		rc = cc_xlsx_row(x, 5, v, NULL, 0, err);
	}
	if (rc == 0) {
		const char *v[] = {
			"说明", NULL, NULL,
			"第一行为表头（中文列名或字段名均可），第二行为示例（取自平台现有数据，"
			"原样导入不会改变数据），从第三行起填写。只导入第一个工作表。",
			NULL};
		rc = cc_xlsx_row(x, 5, v, NULL, 0, err);
	}
	if (rc == 0 &&
	    (kind == CC_KIND_MEMBERS || kind == CC_KIND_SUPPLY || kind == CC_KIND_POSTINGS))
		rc = sheet_nodes(x, err);
	if (rc == 0 && (kind == CC_KIND_ENTERPRISES || kind == CC_KIND_POSTINGS))
		rc = sheet_regions(x, err);
out:
	if (x) {
		int crc = cc_xlsx_close(x, rc ? NULL : err);
		if (rc == 0)
			rc = crc;
	}
	cc_stmt_free(s);
	cc_buf_release(&sql);
	cc_buf_release(&rule);
	return rc;
}
