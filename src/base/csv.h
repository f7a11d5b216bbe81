/*
 * RFC 4180 CSV reader over a UTF-8 byte source: comma-separated, fields quoted with '"'
 * (doubled quotes inside), quoted fields may hold commas and newlines, records end with LF or
 * CRLF (a lone CR inside a quoted field is kept). Memory is bounded by the longest record.
 *
 * A struct cc_row is shared by the CSV and XLSX readers (io/table.h): the field pointers are
 * valid until the next call on the same reader.
 */
#ifndef CC_BASE_CSV_H
#define CC_BASE_CSV_H
#include <stddef.h>
#include <stdint.h>
#include "base/error.h"
#include "base/text.h"

struct cc_row {
	size_t nfields;
	const char **fields; /* each NUL-terminated UTF-8 */
	const size_t *lens;
	long line; /* 1-based line (CSV: the line the record starts on; XLSX: row number) */
};

/* Largest record accepted (bytes); a longer one is an error naming its line. */
#define CC_CSV_MAX_RECORD (4u << 20)

struct cc_csv;

/*
 * Wraps SRC (consumed: cc_csv_free frees it). Returns 0 or CC_ENOMEM; on failure SRC is not
 * consumed and the caller still frees it.
 */
int cc_csv_open(struct cc_csv **out, struct cc_source *src, struct cc_error *err);

/*
 * Reads the next record into ROW. Returns 1 with a record, 0 at the end, or a negative CC_E*
 * (CC_EPARSE for an unterminated quoted field, a stray quote inside an unquoted field or a
 * too-long record, with the line in ERR's message; reading may not continue after that).
 * Blank lines (a record of one empty field) are skipped.
 */
int cc_csv_next(struct cc_csv *c, struct cc_row *row, struct cc_error *err);

/* The underlying source (for encoding and progress). */
struct cc_source *cc_csv_source(struct cc_csv *c);
void cc_csv_free(struct cc_csv *c);

#endif
