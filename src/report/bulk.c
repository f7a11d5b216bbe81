/*
 * Bulk reporting (report.h, "bulk"): a district officer's XLSX of a plan's period, one row per
 * firm pre-filled with what each report holds, and the same file read back through the
 * importer's table reader (io/table.h: CSV in UTF-8 or GB18030, or XLSX; headers matched by
 * base/header) where every filled row is submitted under the same rules as the form
 * (report_submit), and every refused row goes to a reject report of the importer's shape
 * (line, column, value, reason in Chinese and English).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/header.h"
#include "base/json.h"
#include "base/parse.h"
#include "domain/metric.h"
#include "domain/uscc.h"
#include "io/table.h"
#include "io/xlsx.h"
#include "report/report.h"

#define EXPLANATION_ZH "情况说明"

/* The plan's metric keys (comma-separated) into IDS; returns the count. */
static int plan_metrics(struct cc_store *st, int64_t plan, int *ids, char *name, size_t cap,
			struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int n = 0;
	if (cc_stmt_prepare(st, &s, "SELECT metrics, name FROM report_plans WHERE id = ?1", err))
		return -1;
	cc_stmt_bind_int64(s, 1, plan);
	if (cc_stmt_step(s, err) != 1) {
		cc_stmt_free(s);
		cc_error_set(err, CC_ENOTFOUND, "no reporting plan %lld", (long long)plan);
		return -1;
	}
	snprintf(name, cap, "%s", cc_stmt_text(s, 1));
	const char *p = cc_stmt_text(s, 0);
	while (*p && n < CC_M_BASE_COUNT) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char key[64];
		if (len < sizeof key) {
			memcpy(key, p, len);
			key[len] = '\0';
			const struct cc_metric *m = cc_metric_find(key);
			if (m)
				ids[n++] = m->id;
		}
		p = e ? e + 1 : p + len;
	}
	cc_stmt_free(s);
	return n;
}

/* A metric's header: "营业收入（万元）" (the unit is dropped when the file is read back). */
static void metric_header(const struct cc_metric *m, char *out, size_t cap)
{
	if (m->unit_zh && *m->unit_zh)
		snprintf(out, cap, "%s（%s）", m->name_zh, m->unit_zh);
	else
		snprintf(out, cap, "%s", m->name_zh);
}

int report_bulk_template(struct cc_store *st, int64_t plan, int period, int region,
			 const char *path, int64_t *rows, struct cc_error *err)
{
	int ids[CC_M_BASE_COUNT];
	char pname[128];
	int n = plan_metrics(st, plan, ids, pname, sizeof pname, err);
	struct cc_xlsx_writer *w = NULL;
	struct cc_stmt *s = NULL;
	int rc;
	*rows = 0;
	if (n < 0)
		return err && err->code ? err->code : CC_ENOTFOUND;
	/* A region code's prefix without its trailing zero pairs: 500000 -> "50", 500100 ->
	 * "5001", 500112 stays whole. */
	char prefix[16] = "";
	if (region > 0) {
		snprintf(prefix, sizeof prefix, "%d", region);
		size_t len = strlen(prefix);
		while (len == 6 && prefix[4] == '0' && prefix[5] == '0')
			len = 4;
		while (len == 4 && prefix[2] == '0' && prefix[3] == '0')
			len = 2;
		prefix[len] = '\0';
	}
	rc = cc_xlsx_create(&w, path, err);
	if (rc)
		return rc;
	rc = cc_xlsx_add_sheet(w, "直报", err);
	size_t ncols = (size_t)n + 3;
	const char *head[CC_M_BASE_COUNT + 3];
	char hbuf[CC_M_BASE_COUNT][96];
	enum cc_cell_type types[CC_M_BASE_COUNT + 3];
	double widths[CC_M_BASE_COUNT + 3];
	head[0] = "统一社会信用代码";
	head[1] = "企业名称";
	types[0] = types[1] = CC_CELL_TEXT;
	widths[0] = 22;
	widths[1] = 30;
	for (int i = 0; i < n; i++) {
		metric_header(cc_metric_get(ids[i]), hbuf[i], sizeof hbuf[i]);
		head[2 + i] = hbuf[i];
		types[2 + i] = CC_CELL_NUMBER;
		widths[2 + i] = 16;
	}
	head[2 + n] = EXPLANATION_ZH;
	types[2 + n] = CC_CELL_TEXT;
	widths[2 + n] = 30;
	if (rc == 0)
		rc = cc_xlsx_row(w, ncols, head, NULL, 1, err);
	cc_xlsx_widths(w, ncols, widths);
	if (rc == 0)
		rc = cc_stmt_prepare(
			st, &s,
			"SELECT r.id, e.uscc, e.name, r.explanation FROM reports r JOIN "
			"enterprises e ON e.id = r.enterprise_id WHERE r.plan_id = ?1 AND "
			"r.period = ?2 AND (?3 = '' OR CAST(e.region AS TEXT) LIKE ?3 || "
			"'%') ORDER BY e.region, e.uscc",
			err);
	struct cc_stmt *v = NULL;
	if (rc == 0)
		rc = cc_stmt_prepare(st, &v,
				     "SELECT metric, value FROM report_values WHERE report_id = ?1",
				     err);
	if (rc == 0) {
		cc_stmt_bind_int64(s, 1, plan);
		cc_stmt_bind_int64(s, 2, period);
		cc_stmt_bind_text(s, 3, prefix, strlen(prefix));
		while (rc == 0 && (rc = cc_stmt_step(s, err)) == 1) {
			char vals[CC_M_BASE_COUNT][32];
			const char *cells[CC_M_BASE_COUNT + 3] = {0};
			char uscc[19], name[512], expl[2048];
			snprintf(uscc, sizeof uscc, "%s", cc_stmt_text(s, 1));
			snprintf(name, sizeof name, "%s", cc_stmt_text(s, 2));
			snprintf(expl, sizeof expl, "%s", cc_stmt_text(s, 3));
			cells[0] = uscc;
			cells[1] = name;
			cells[2 + n] = expl[0] ? expl : NULL;
			cc_stmt_reset(v);
			cc_stmt_bind_int64(v, 1, cc_stmt_int64(s, 0));
			while (cc_stmt_step(v, err) == 1) {
				const struct cc_metric *m = cc_metric_find(cc_stmt_text(v, 0));
				for (int i = 0; m && i < n; i++)
					if (ids[i] == m->id && !cc_stmt_is_null(v, 1)) {
						cc_num_format(cc_stmt_double(v, 1), CC_NUM_EXACT,
							      vals[i], sizeof vals[i]);
						cells[2 + i] = vals[i];
					}
			}
			rc = cc_xlsx_row(w, ncols, cells, types, 0, err);
			(*rows)++;
		}
		rc = rc < 0 ? rc : 0;
	}
	cc_stmt_free(s);
	cc_stmt_free(v);
	int crc = cc_xlsx_writer_close(w, err);
	return rc ? rc : crc;
}

/* One refused row of an upload: a line of the reject report, and the first 100 as JSON. */
struct rejects {
	FILE *f;
	json_t *list;
	int64_t rows;
};

static void reject(struct rejects *r, long line, const char *column, const char *value,
		   const char *zh, const char *en)
{
	struct cc_buf b = CC_BUF_INIT(16384);
	r->rows++;
	if (r->f) {
		cc_buf_printf(&b, "%ld,", line);
		cc_buf_csv_cell(&b, column, strlen(column), 1);
		cc_buf_putc(&b, ',');
		cc_buf_csv_cell(&b, value ? value : "", value ? strlen(value) : 0, 1);
		cc_buf_putc(&b, ',');
		cc_buf_csv_cell(&b, zh, strlen(zh), 1);
		cc_buf_putc(&b, ',');
		cc_buf_csv_cell(&b, en, strlen(en), 1);
		cc_buf_puts(&b, "\r\n");
		if (!b.failed)
			fwrite(b.data, 1, b.len, r->f);
	}
	if (json_array_size(r->list) < 100)
		json_array_append_new(r->list, json_pack("{s:I, s:s, s:s, s:s, s:s}", "line",
							 (json_int_t)line, "column", column,
							 "value", value ? value : "", "reason_zh",
							 zh, "reason_en", en));
	cc_buf_release(&b);
}

int report_bulk_upload(struct cc_store *st, int64_t plan, int period, const char *path,
		       const char *rejects_path, const char *actor, json_t **result,
		       struct cc_error *err)
{
	int ids[CC_M_BASE_COUNT];
	char pname[128];
	int n = plan_metrics(st, plan, ids, pname, sizeof pname, err);
	struct cc_table *t = NULL;
	struct cc_row row;
	struct rejects rj = {NULL, json_array(), 0};
	int64_t rows = 0, accepted = 0, skipped = 0;
	int col_uscc = -1, col_expl = -1, col_metric[CC_M_BASE_COUNT];
	json_t *unknown = json_array();
	int rc;
	*result = NULL;
	if (n < 0) {
		rc = err && err->code ? err->code : CC_ENOTFOUND;
		goto out;
	}
	for (int i = 0; i < n; i++)
		col_metric[i] = -1;
	rc = cc_table_open(&t, path, err);
	if (rc)
		goto out;
	cc_table_skip_bad(t);
	rc = cc_table_next(t, &row, err);
	if (rc != 1) {
		rc = rc < 0 ? rc : cc_error_set(err, CC_EINVAL, "the file is empty");
		goto out;
	}
	for (size_t c = 0; c < row.nfields; c++) {
		const char *h = row.fields[c];
		size_t len = row.lens[c];
		int known = 0;
		if (cc_header_is(h, len, "uscc") || cc_header_is(h, len, "统一社会信用代码")) {
			col_uscc = (int)c;
			known = 1;
		} else if (cc_header_is(h, len, "explanation") ||
			   cc_header_is(h, len, EXPLANATION_ZH)) {
			col_expl = (int)c;
			known = 1;
		} else if (cc_header_is(h, len, "name") || cc_header_is(h, len, "企业名称")) {
			known = 1;
		}
		for (int i = 0; i < n && !known; i++) {
			const struct cc_metric *m = cc_metric_get(ids[i]);
			if (cc_header_is(h, len, m->key) || cc_header_is(h, len, m->name_zh)) {
				col_metric[i] = (int)c;
				known = 1;
			}
		}
		if (!known && len)
			json_array_append_new(unknown, json_stringn(h, len));
	}
	if (col_uscc < 0) {
		rc = cc_error_set(
			err, CC_EINVAL,
			"the file has no 统一社会信用代码 (uscc) column: nothing was read");
		goto out;
	}
	if (rejects_path) {
		rj.f = fopen(rejects_path, "wb");
		if (!rj.f) {
			rc = cc_error_set(err, CC_EIO, "cannot write the reject report '%s'",
					  rejects_path);
			goto out;
		}
		fputs("\xEF\xBB\xBFline,column,value,reason_zh,reason_en\r\n", rj.f);
	}
	struct cc_stmt *find = NULL;
	rc = cc_stmt_prepare(
		st, &find,
		"SELECT r.id FROM reports r JOIN enterprises e ON e.id = "
		"r.enterprise_id WHERE r.plan_id = ?1 AND r.period = ?2 AND e.uscc = ?3",
		err);
	if (rc)
		goto out;
	while ((rc = cc_table_next(t, &row, err)) == 1 || rc == CC_CSV_BAD) {
		if (rc == CC_CSV_BAD) {
			rows++;
			reject(&rj, row.line, "", "", "CSV 记录格式错误", "malformed CSV record");
			continue;
		}
		/* A row with no figure and no explanation is a firm left for later. */
		json_t *values = json_object();
		int filled = 0, bad = 0;
		for (int i = 0; i < n; i++) {
			int c = col_metric[i];
			if (c < 0 || (size_t)c >= row.nfields)
				continue;
			const char *v = row.fields[c];
			size_t len = row.lens[c];
			const struct cc_metric *m = cc_metric_get(ids[i]);
			double x;
			struct cc_error pe = {0};
			if (cc_is_blank(v, len)) {
				json_object_set_new(values, m->key, json_null());
			} else if (cc_parse_number(v, len, &x, &pe)) {
				reject(&rj, row.line, m->key, v, "不是数值", pe.msg);
				bad = 1;
			} else {
				json_object_set_new(values, m->key, json_real(x));
				filled = 1;
			}
		}
		const char *expl = col_expl >= 0 && (size_t)col_expl < row.nfields
					   ? row.fields[col_expl]
					   : NULL;
		if (!filled && !bad) {
			json_decref(values);
			skipped++;
			continue;
		}
		rows++;
		const char *code = (size_t)col_uscc < row.nfields ? row.fields[col_uscc] : "";
		char canon[19];
		int64_t rid = 0;
		if (!bad && cc_uscc_validate(code, strlen(code), canon, NULL, NULL)) {
			reject(&rj, row.line, "uscc", code, "统一社会信用代码无效",
			       "invalid credit code");
			bad = 1;
		}
		if (!bad) {
			cc_stmt_reset(find);
			cc_stmt_bind_int64(find, 1, plan);
			cc_stmt_bind_int64(find, 2, period);
			cc_stmt_bind_text(find, 3, canon, 18);
			if (cc_stmt_step(find, err) == 1)
				rid = cc_stmt_int64(find, 0);
			if (!rid) {
				reject(&rj, row.line, "uscc", code, "该企业本期没有此计划的报表",
				       "the firm has no report of this plan in the period");
				bad = 1;
			}
		}
		if (!bad) {
			const char *field = NULL;
			json_t *warnings = NULL;
			struct cc_error se = {0};
			int src =
				report_submit(st, rid, values, expl, actor, &field, &warnings, &se);
			if (src == 0) {
				accepted++;
			} else if (src == CC_EREJECT) {
				json_t *w0 = json_array_get(warnings, 0);
				char zh[600];
				snprintf(zh, sizeof zh, "需填写情况说明：%s",
					 json_string_value(json_object_get(w0, "message_zh")));
				reject(&rj, row.line, "explanation", expl ? expl : "", zh, se.msg);
			} else if (src == CC_EINVAL || src == CC_EPERM) {
				const char *v = "";
				for (int i = 0; field && i < n; i++)
					if (!strcmp(cc_metric_get(ids[i])->key, field) &&
					    col_metric[i] >= 0 &&
					    (size_t)col_metric[i] < row.nfields)
						v = row.fields[col_metric[i]];
				/* The rule's words: "key (名称): English / 中文". */
				char zh[600], en[1024];
				const char *slash = strstr(se.msg, " / ");
				snprintf(zh, sizeof zh, "%s%s",
					 src == CC_EPERM ? "报表已提交或已通过"
							 : "不符合填报规则：",
					 src == CC_EPERM || !slash ? "" : slash + 3);
				snprintf(en, sizeof en, "%.*s",
					 slash ? (int)(slash - se.msg) : (int)strlen(se.msg),
					 se.msg);
				reject(&rj, row.line, field ? field : "", v, zh, en);
			} else {
				json_decref(warnings);
				json_decref(values);
				rc = src;
				*err = se;
				cc_stmt_free(find);
				goto out;
			}
			json_decref(warnings);
		}
		json_decref(values);
	}
	cc_stmt_free(find);
	if (rc < 0)
		goto out;
	rc = 0;
	*result = json_pack("{s:s, s:I, s:I, s:I, s:I, s:s, s:o, s:O}", "plan_name", pname, "rows",
			    (json_int_t)rows, "accepted", (json_int_t)accepted, "rejected",
			    (json_int_t)rj.rows, "skipped", (json_int_t)skipped, "format",
			    cc_table_format(t), "unknown_columns", unknown, "rejects", rj.list);
	unknown = NULL;
	if (rj.rows)
		rc = CC_EREJECT;
out:
	if (rj.f)
		fclose(rj.f);
	json_decref(rj.list);
	json_decref(unknown);
	cc_table_free(t);
	return rc;
}
