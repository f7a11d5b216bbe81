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
#include "domain/metric.h"
#include "domain/codes.h"
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

void cc_format_double(double v, char *out, size_t n)
{
	cc_num_format(v, CC_NUM_EXACT, out, n); /* an export must import back to the same values */
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
		if (values[i])
			cc_buf_csv_cell(
				b, values[i], strlen(values[i]),
				!(types && types[i] == CC_CELL_NUMBER && is_number(values[i])));
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
			       "e.listed, e.certs FROM enterprises e WHERE 1");
		if (o->chain)
			cc_buf_puts(b, " AND EXISTS (SELECT 1 FROM chain_members m WHERE "
				       "m.enterprise_id = e.id AND m.chain = ?1)");
		break;
	case CC_KIND_INDICATORS:
		cc_buf_puts(b,
			    "SELECT e.uscc, CASE WHEN i.period % 100 = 0 THEN "
			    "CAST(i.period / 100 AS TEXT) ELSE printf('%04d-%02d', i.period / 100, "
			    "i.period % 100) END");
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			cc_buf_printf(b, ", i.%s", cc_metric_get(m)->key);
		cc_buf_puts(b, " FROM indicators i JOIN enterprises e ON e.id = i.enterprise_id "
			       "WHERE 1");
		if (o->chain)
			cc_buf_puts(b, " AND EXISTS (SELECT 1 FROM chain_members m WHERE "
				       "m.enterprise_id = e.id AND m.chain = ?1)");
		break;
	case CC_KIND_MEMBERS:
		cc_buf_puts(
			b, "SELECT e.uscc, m.chain, m.node, m.role, m.product FROM chain_members m "
			   "JOIN enterprises e ON e.id = m.enterprise_id WHERE 1");
		if (o->chain)
			cc_buf_puts(b, " AND m.chain = ?1");
		break;
	case CC_KIND_SUPPLY:
		cc_buf_puts(b,
			    "SELECT s.supplier, e.uscc, s.product, CASE WHEN s.node IS NULL THEN "
			    "NULL ELSE s.chain || '.' || s.node END, s.annual_value, s.share "
			    "FROM supply_edges s JOIN enterprises e ON e.id = s.buyer_id WHERE 1");
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
	}
	if (o->region)
		cc_region_sql(b, "e.region", o->region);
	switch (o->kind) {
	case CC_KIND_ENTERPRISES: cc_buf_puts(b, " ORDER BY e.uscc"); break;
	case CC_KIND_INDICATORS: cc_buf_puts(b, " ORDER BY e.uscc, i.period"); break;
	case CC_KIND_MEMBERS: cc_buf_puts(b, " ORDER BY e.uscc, m.chain, m.node"); break;
	case CC_KIND_SUPPLY: cc_buf_puts(b, " ORDER BY s.supplier, e.uscc, s.product"); break;
	case CC_KIND_POSTINGS: cc_buf_puts(b, " ORDER BY p.id"); break;
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
	char nums[64][40];
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
		for (size_t i = 0; i < n; i++) {
			types[i] = CC_CELL_TEXT;
			if (cc_stmt_is_null(s, (int)i)) {
				values[i] = NULL;
			} else if (opts->kind == CC_KIND_INDICATORS && i >= 2) {
				cc_format_double(cc_stmt_double(s, (int)i), nums[i],
						 sizeof nums[i]);
				values[i] = nums[i];
				types[i] = CC_CELL_NUMBER;
			} else if ((opts->kind == CC_KIND_SUPPLY && i >= 4) ||
				   (opts->kind == CC_KIND_POSTINGS && i == 5)) {
				cc_format_double(cc_stmt_double(s, (int)i), nums[i],
						 sizeof nums[i]);
				values[i] = nums[i];
				types[i] = CC_CELL_NUMBER;
			} else {
				values[i] = cc_stmt_text(s, (int)i);
			}
		}
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
