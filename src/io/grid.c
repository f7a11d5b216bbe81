/*
 * A table as a page shows it, written as an XLSX workbook: the web's one export path (the
 * export button of web/table.js posts the table's columns and rows to POST
 * /api/v1/exports/table). The page decides what is in the table — its filters, its sort, its
 * language — so the file holds what the user saw, in one language, with numbers as numbers;
 * this file only checks the shape and writes it with the XLSX writer (io/xlsx.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "io/export.h"

#define GRID_MAX_COLS 256
#define GRID_MAX_ROWS 1000000
#define GRID_SAMPLE   200 /* rows read to size the columns */

/* Width in spreadsheet characters of UTF-8 text S: a CJK (3- or 4-byte) character counts 2. */
static double text_width(const char *s)
{
	double w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;
		w += *p >= 0xE0 ? 2 : 1;
	}
	return w;
}

static int column_type(const json_t *col, int i, enum cc_cell_type *out, struct cc_error *err)
{
	const char *type = json_string_value(json_object_get(col, "type"));
	if (!type || strcmp(type, "text") == 0)
		*out = CC_CELL_TEXT;
	else if (strcmp(type, "number") == 0)
		*out = CC_CELL_NUMBER;
	else if (strcmp(type, "percent") == 0)
		*out = CC_CELL_PERCENT;
	else
		return cc_error_set(err, CC_EINVAL,
				    "column %d: type must be text, number or percent, not '%s'",
				    i + 1, type);
	return 0;
}

/*
 * The text of cell V of row R, column C into BUF (or a pointer to V's own string): NULL for
 * null or a missing cell. A number is written exactly (it reads back as the same double); a
 * boolean as TRUE/FALSE. Returns 0 or CC_EINVAL (an array or object in a cell).
 */
static int cell_text(const json_t *v, size_t r, size_t c, char *buf, size_t n, const char **out,
		     struct cc_error *err)
{
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*out = json_string_value(v);
		return 0;
	}
	if (json_is_number(v)) {
		double d = json_number_value(v);
		if (isfinite(d)) {
			cc_num_format(d, CC_NUM_EXACT, buf, n);
			*out = buf;
		}
		return 0;
	}
	if (json_is_boolean(v)) {
		*out = json_is_true(v) ? "TRUE" : "FALSE";
		return 0;
	}
	return cc_error_set(err, CC_EINVAL,
			    "row %zu, column %zu: a cell is a string, a number or null", r + 1,
			    c + 1);
}

/* Writes the "about" pairs ([label, value] arrays) to a second sheet. */
static int about_sheet(struct cc_xlsx_writer *x, const json_t *spec, struct cc_error *err)
{
	const json_t *about = json_object_get(spec, "about");
	if (!json_is_array(about) || json_array_size(about) == 0)
		return 0;
	const char *name = json_string_value(json_object_get(spec, "about_sheet"));
	int rc = cc_xlsx_add_sheet(x, name && *name ? name : "About", err);
	size_t i;
	const json_t *pair;
	json_array_foreach(about, i, pair)
	{
		if (rc)
			break;
		const char *v[2] = {json_string_value(json_array_get(pair, 0)),
				    json_string_value(json_array_get(pair, 1))};
		rc = cc_xlsx_row(x, 2, v, NULL, 0, err);
	}
	static const double widths[2] = {18, 80};
	cc_xlsx_widths(x, 2, widths);
	return rc;
}

int cc_export_grid(const json_t *spec, const char *path, int64_t *rows, struct cc_error *err)
{
	const json_t *cols = json_object_get(spec, "columns");
	const json_t *data = json_object_get(spec, "rows");
	struct cc_xlsx_writer *x = NULL;
	const char **vals = NULL;
	char(*nums)[40] = NULL;
	enum cc_cell_type *types = NULL;
	double *widths = NULL;
	size_t nc = json_array_size(cols), nr = json_array_size(data), i;
	int rc = 0;
	*rows = 0;
	if (!json_is_array(cols) || nc == 0 || nc > GRID_MAX_COLS)
		return cc_error_set(err, CC_EINVAL, "columns: an array of 1 to %d columns",
				    GRID_MAX_COLS);
	if (!json_is_array(data) || nr > GRID_MAX_ROWS)
		return cc_error_set(err, CC_EINVAL, "rows: an array of at most %d rows",
				    GRID_MAX_ROWS);
	vals = calloc(nc, sizeof *vals);
	nums = calloc(nc, sizeof *nums);
	types = calloc(nc, sizeof *types);
	widths = calloc(nc, sizeof *widths);
	if (!vals || !nums || !types || !widths) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	const json_t *col;
	json_array_foreach(cols, i, col)
	{
		vals[i] = json_string_value(json_object_get(col, "label"));
		if (!vals[i])
			rc = cc_error_set(err, CC_EINVAL, "column %zu has no label", i + 1);
		if (rc == 0)
			rc = column_type(col, (int)i, &types[i], err);
		if (rc)
			goto out;
		widths[i] = text_width(vals[i]) + 2;
	}
	const char *sheet = json_string_value(json_object_get(spec, "sheet"));
	rc = cc_xlsx_create(&x, path, err);
	if (rc == 0)
		rc = cc_xlsx_add_sheet(x, sheet && *sheet ? sheet : "Sheet1", err);
	if (rc == 0)
		rc = cc_xlsx_row(x, nc, vals, NULL, 1, err);
	const json_t *row;
	json_array_foreach(data, i, row)
	{
		if (rc)
			break;
		if (!json_is_array(row) || json_array_size(row) > nc) {
			rc = cc_error_set(err, CC_EINVAL, "row %zu: an array of at most %zu cells",
					  i + 1, nc);
			break;
		}
		for (size_t c = 0; rc == 0 && c < nc; c++) {
			const json_t *v = json_array_get(row, c);
			rc = cell_text(v, i, c, nums[c], sizeof nums[c], &vals[c], err);
			/* A number in a text column stays the text the page showed. */
			if (rc == 0 && i < GRID_SAMPLE && vals[c]) {
				double cw = text_width(vals[c]) + 2;
				if (cw > widths[c])
					widths[c] = cw > 60 ? 60 : cw;
			}
		}
		if (rc == 0)
			rc = cc_xlsx_row(x, nc, vals, types, 0, err);
		if (rc == 0)
			(*rows)++;
	}
	if (rc == 0)
		cc_xlsx_widths(x, nc, widths);
	if (rc == 0)
		rc = about_sheet(x, spec, err);
out:
	if (x) {
		int crc = cc_xlsx_close(x, rc ? NULL : err);
		if (rc == 0)
			rc = crc;
	}
	free(vals);
	free(nums);
	free(types);
	free(widths);
	return rc;
}
