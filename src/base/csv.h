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
 * Reads the next record into ROW. Returns 1 with a record, 0 at the end, CC_CSV_BAD for a
 * malformed record that was skipped (only after cc_csv_skip_bad), or a negative CC_E*.
 * Blank lines (a record of one empty field) are skipped.
 *
 * A record is malformed when a quoted field is never closed, a quote stands inside an
 * unquoted field, a character other than a separator follows a closing quote, or the record
 * is longer than CC_CSV_MAX_RECORD. By default that returns CC_EPARSE with the line in ERR's
 * message, and reading may not continue. After cc_csv_skip_bad(c, 1) it returns CC_CSV_BAD
 * instead: ROW->line is the line the record starts on, ROW has no fields, ERR says what is
 * wrong, and the next call goes on with the input after the record, re-synchronised on a line
 * boundary by this rule:
 *
 *   - when the quoted field at fault (one never closed, or one followed by a stray
 *     character) runs past the end of the line its quote began on, the malformed record is
 *     the record's lines up to and including that line, and reading resumes on the next line
 *     (so the lines an unclosed quote swallowed are read again as records of their own);
 *   - otherwise the malformed record runs to the end of the line on which the fault was found
 *     (the end of the input if no line end follows), and reading resumes after it.
 */
int cc_csv_next(struct cc_csv *c, struct cc_row *row, struct cc_error *err);

/* Returned by cc_csv_next for a malformed record it skipped (see above). */
#define CC_CSV_BAD 2

/*
 * ON non-zero: malformed records are returned as CC_CSV_BAD and skipped instead of stopping
 * the reader (importers, where bad rows must not abort a file). Off by default.
 */
void cc_csv_skip_bad(struct cc_csv *c, int on);

/* The underlying source (for encoding and progress). */
struct cc_source *cc_csv_source(struct cc_csv *c);
void cc_csv_free(struct cc_csv *c);

#endif
