/*
 * Tabular input, whatever the container: a CSV (UTF-8 or GB18030, detected) or an XLSX
 * (first sheet), chosen by the file's first bytes (a zip signature means XLSX).
 */
#ifndef CC_IO_TABLE_H
#define CC_IO_TABLE_H
#include "base/csv.h"
#include "base/error.h"

struct cc_table;

/* Opens PATH. Returns 0 and *out (free with cc_table_free) or a negative CC_E*. */
int cc_table_open(struct cc_table **out, const char *path, struct cc_error *err);
/* Same for CSV text held in memory (kept alive by the caller). */
int cc_table_open_mem(struct cc_table **out, const void *p, size_t n, struct cc_error *err);
/* As cc_csv_next / cc_xlsx_next (CC_CSV_BAD only after cc_table_skip_bad). */
int cc_table_next(struct cc_table *t, struct cc_row *row, struct cc_error *err);
/* Malformed CSV records are returned as CC_CSV_BAD and skipped (cc_csv_skip_bad). */
void cc_table_skip_bad(struct cc_table *t);
/* "utf-8", "utf-8-bom", "gb18030" or "xlsx". */
const char *cc_table_format(const struct cc_table *t);
/* Fraction done, 0..1, and bytes of input in all (for progress). */
double cc_table_progress(const struct cc_table *t);
uint64_t cc_table_size(const struct cc_table *t);
void cc_table_free(struct cc_table *t);

#endif
