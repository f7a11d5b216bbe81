/*
 * Writing tables: a writer over CSV (UTF-8 with BOM by default, so Excel opens it right, or
 * plain UTF-8 or GB18030) or XLSX, and the exporters of the interchange files, which write
 * exactly what the importers read (export -> import round-trips unchanged).
 */
#ifndef CC_IO_EXPORT_H
#define CC_IO_EXPORT_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "base/error.h"
#include "io/xlsx.h"
#include "store/store.h"

enum cc_out_format_t { CC_OUT_CSV = 0, CC_OUT_XLSX = 1 };

struct cc_tablew;

/*
 * Opens PATH for writing in FORMAT; ENCODING ("utf-8-bom", "utf-8", "gb18030"; NULL =
 * "utf-8-bom") applies to CSV. SHEET names the XLSX sheet (NULL = "Sheet1"). Returns 0 or
 * CC_EIO / CC_EINVAL.
 */
int cc_tablew_open(struct cc_tablew **out, const char *path, int format, const char *encoding,
		   const char *sheet, struct cc_error *err);
/*
 * Writes one row; VALUES[i] NULL means an empty cell. TYPES may be NULL (all text). In CSV,
 * text cells that a spreadsheet would run as formulas are guarded (cc_buf_csv_cell); a
 * CC_CELL_NUMBER cell that is a plain number is written as it is.
 */
int cc_tablew_row(struct cc_tablew *w, size_t n, const char *const *values,
		  const enum cc_cell_type *types, struct cc_error *err);
/* Finishes the file. W is freed either way. Returns 0 or CC_EIO. */
int cc_tablew_close(struct cc_tablew *w, struct cc_error *err);

/* Guesses the format from PATH's extension (.xlsx -> XLSX, else CSV). */
int cc_out_format_for(const char *path);

struct cc_export_opts {
	int kind;	      /* enum cc_kind_t of import.h */
	int format;	      /* enum cc_out_format_t */
	const char *encoding; /* CSV encoding, NULL = utf-8-bom */
	int zh_headers;	      /* write the Chinese column names instead of the ids */
	const char *chain;    /* only rows of this chain (members, supply, postings), or NULL */
	int region;	      /* only enterprises within this region code, or 0 */
};

/* Writes KIND's rows to PATH. Returns 0 and *ROWS, or a negative CC_E*. */
int cc_export_file(struct cc_store *st, const char *path, const struct cc_export_opts *opts,
		   int64_t *rows, struct cc_error *err);

/*
 * Writes the import template of KIND to PATH (XLSX): a first sheet with the Chinese column
 * names and one example row (the first record of ST, as cc_export_file writes it, so the
 * template imported unchanged loads that row again and changes nothing; no example when ST
 * has none), a sheet "填写说明" of what every column takes (cc_column_rule_zh), and where a
 * column takes codes the sheets of chains and nodes ("产业链环节") or region codes
 * ("行政区划"). Returns 0 or a negative CC_E*.
 */
int cc_export_template(struct cc_store *st, int kind, const char *path, struct cc_error *err);

/*
 * Writes a table a page shows (web/table.js's export button, POST /api/v1/exports/table) to
 * PATH as XLSX (io/grid.c). SPEC is a JSON object (not consumed):
 *   "columns": [{"label": "企业名称", "type": "text" | "number" | "percent"}]   1..256
 *   "rows":    [[cell, ...], ...]  at most 1,000,000; a cell is a string, a number or null
 *   "sheet":   the first sheet's name (default "Sheet1")
 *   "about":   [[label, value], ...] optional, written to a second sheet "about_sheet"
 *              (default "About"): the title, the filters, the time of the export
 * The first row holds the labels in bold. A number in a number column is stored as a number,
 * in a percent column as a number shown "0.0%"; a string in a number column (an unknown
 * value written "—") stays text; null is an empty cell. Returns 0 and *ROWS (data rows), or
 * CC_EINVAL naming the bad column or row, or CC_EIO / CC_ENOMEM.
 */
int cc_export_grid(const json_t *spec, const char *path, int64_t *rows, struct cc_error *err);

#endif
