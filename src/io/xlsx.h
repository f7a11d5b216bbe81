/*
 * XLSX reading (minizip + expat, streaming over the first worksheet) and writing
 * (libxlsxwriter). Only what the interchange files need: cell text and numbers, one sheet in,
 * any number of sheets out.
 */
#ifndef CC_IO_XLSX_H
#define CC_IO_XLSX_H
#include <stddef.h>
#include "base/csv.h"
#include "base/error.h"

struct cc_xlsx_reader;

/*
 * Opens the first worksheet of the workbook at PATH (the first <sheet> of xl/workbook.xml,
 * resolved through xl/_rels/workbook.xml.rels). Shared strings are loaded into memory; the
 * sheet is parsed as it is read, so memory stays bounded by the shared strings and one row.
 * Returns 0 or CC_EIO / CC_EPARSE (not a zip, no sheet, bad XML) with the reason in ERR.
 */
int cc_xlsx_open(struct cc_xlsx_reader **out, const char *path, struct cc_error *err);

/*
 * Reads the next non-empty row into ROW: fields by column (A = 0), cells missing in the file
 * are "" , row->line is the spreadsheet row number. Cell values are text as a person sees
 * them: shared and inline strings as written; numbers in shortest round-trip form ("12",
 * "0.25", "1234.5"); booleans "TRUE"/"FALSE"; numbers whose style is a date format become
 * "YYYY-MM-DD". Returns 1 with a row, 0 at the end, or a negative CC_E*.
 */
int cc_xlsx_next(struct cc_xlsx_reader *x, struct cc_row *row, struct cc_error *err);

/* Fraction of the sheet's uncompressed bytes consumed, 0..1. */
double cc_xlsx_progress(const struct cc_xlsx_reader *x);
/* Frees X (may be NULL) and closes the file. Spelled cc_xlsx_close(x) by callers. */
void cc_xlsx_reader_close(struct cc_xlsx_reader *x);

/*
 * Column types for writing. CC_CELL_PERCENT is a number (a ratio, 0.125) that the sheet shows
 * as a percentage ("12.5%"): the cell still holds the ratio, so sums and charts work.
 */
enum cc_cell_type { CC_CELL_TEXT = 0, CC_CELL_NUMBER = 1, CC_CELL_PERCENT = 2 };

struct cc_xlsx_writer;

/* Creates a workbook at PATH. Returns 0 or CC_EIO. */
int cc_xlsx_create(struct cc_xlsx_writer **out, const char *path, struct cc_error *err);
/* Starts a new sheet called NAME (UTF-8, at most 31 characters); later rows go there. */
int cc_xlsx_add_sheet(struct cc_xlsx_writer *w, const char *name, struct cc_error *err);
/*
 * Appends one row to the current sheet. VALUES[i] may be NULL (an empty cell). TYPES may be
 * NULL (all text); a CC_CELL_NUMBER or CC_CELL_PERCENT value is written as a number when it
 * parses as one, as text otherwise. BOLD non-zero writes the row in bold (headers).
 */
int cc_xlsx_row(struct cc_xlsx_writer *w, size_t n, const char *const *values,
		const enum cc_cell_type *types, int bold, struct cc_error *err);
/* Sets column widths of the current sheet (characters), one per column. */
void cc_xlsx_widths(struct cc_xlsx_writer *w, size_t n, const double *widths);
/*
 * Adds a column (bar) chart to the current sheet, placed at ANCHOR_ROW/ANCHOR_COL, with
 * categories from column CAT_COL and values from column VAL_COL, rows FIRST..LAST (0-based,
 * inclusive) of sheet SHEET. Used by reports.
 */
int cc_xlsx_bar_chart(struct cc_xlsx_writer *w, const char *sheet, int cat_col, int val_col,
		      int first, int last, const char *title, int anchor_row, int anchor_col);
/*
 * Writes and closes the file. Returns 0 or CC_EIO. W is freed either way; NULL W returns 0.
 * Spelled cc_xlsx_close(w, err) by callers.
 */
int cc_xlsx_writer_close(struct cc_xlsx_writer *w, struct cc_error *err);

/*
 * cc_xlsx_close(reader) and cc_xlsx_close(writer, err): C has no overloading, so the name
 * picks the function by the number of arguments (one: the reader, two: the writer). Each
 * function still checks its argument's type.
 */
#define CC_XLSX_CLOSE_PICK_(a, b, f, ...) f
#define cc_xlsx_close(...)                                                                         \
	CC_XLSX_CLOSE_PICK_(__VA_ARGS__, cc_xlsx_writer_close, cc_xlsx_reader_close, 0)(__VA_ARGS__)

#endif
