/*
 * Bounded dynamic string buffers (as curl's dynbuf): every buffer is given a maximum size at
 * init, and appends past it fail with CC_ENOMEM instead of growing without end; after one
 * failed append every later one fails too (until cc_buf_reset), so a writer may check only the
 * last. The content is always NUL-terminated once anything was appended.
 *
 * Ownership: the buffer owns data; cc_buf_release() frees it; cc_buf_detach() hands it over.
 */
#ifndef CC_BASE_BUF_H
#define CC_BASE_BUF_H
#include <stddef.h>

struct cc_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
	int failed; /* an append failed: all later ones fail too, until cc_buf_reset */
};

#define CC_BUF_INIT(max_)                                                                          \
	{                                                                                          \
		NULL, 0, 0, (max_), 0                                                              \
	}

void cc_buf_init(struct cc_buf *b, size_t max);
/* Each returns 0 or CC_ENOMEM (allocation failed or the maximum would be passed). */
int cc_buf_append(struct cc_buf *b, const void *p, size_t n);
int cc_buf_puts(struct cc_buf *b, const char *s);
int cc_buf_putc(struct cc_buf *b, char c);
int cc_buf_printf(struct cc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends S as a JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD. */
int cc_buf_json_str(struct cc_buf *b, const char *s, size_t n);
/*
 * The one number formatter of the platform (JSON, CSV, XLSX cells, the CLI's tables): writes V
 * into OUT (size N; 32 is always enough) and returns the length, in %g's notation. A value that
 * is exactly the double nearest a decimal with at most 8 decimals, from 0.0001 to 1e9 (amounts
 * in 万元 with cents, counts, shares), is written as that decimal without printf; others by SIG:
 *   CC_NUM_TEXT (0)   15 significant digits, one printf: what people, the API and Excel get
 *                     (any decimal of up to 15 digits, as typed or imported, comes back
 *                     exactly; a computed 1.0 / 3 is 0.333333333333333);
 *   CC_NUM_EXACT (-1) the shortest of 15, 16 or 17 digits that reads back as exactly V (files
 *                     that must round-trip: exports, an XLSX cell read);
 *   1..17             rounded to SIG significant digits, for tables.
 * Zero (and -0) is "0". NaN and infinities, or an OUT too small, write "" and return 0.
 */
enum { CC_NUM_EXACT = -1, CC_NUM_TEXT = 0 };
size_t cc_num_format(double v, int sig, char *out, size_t n);
/* Appends V as a JSON number (cc_num_format, CC_NUM_TEXT), null when NaN or infinite. */
int cc_buf_num(struct cc_buf *b, double v);
/*
 * Appends S as one CSV field (quoted when it holds a comma, quote, CR or LF), as it is. Files
 * that people open in a spreadsheet use cc_buf_csv_cell instead.
 */
int cc_buf_csv_field(struct cc_buf *b, const char *s, size_t n);
/*
 * Appends S as one cell of a CSV file people open in a spreadsheet: every CSV export writes
 * its cells with this. AS_TEXT non-zero: S is text, and when a spreadsheet would take it for a
 * formula (cc_csv_needs_guard) a single quote goes in front, as OWASP advises against CSV
 * injection; the importers take it off again (cc_csv_unguard), so export -> import gives the
 * text back exactly. AS_TEXT zero: S is a number written by us (such as "-5.2") and stays as
 * it is. Quoting as cc_buf_csv_field. Returns 0 or CC_ENOMEM.
 */
int cc_buf_csv_cell(struct cc_buf *b, const char *s, size_t n, int as_text);
/*
 * Returns 1 when text S[0..N) is guarded by cc_buf_csv_cell: it begins with '=', '+', '-',
 * '@', a tab or a CR, possibly behind single quotes (so that a text that itself begins with
 * a quote before one of those still reads back exactly).
 */
int cc_csv_needs_guard(const char *s, size_t n);
/* Takes off the single quote cc_buf_csv_cell put in front of *S (*N bytes), if there is one. */
void cc_csv_unguard(const char **s, size_t *n);
/* Empties the buffer but keeps its memory. */
void cc_buf_reset(struct cc_buf *b);
/* Returns the content ("" when empty; never NULL). */
const char *cc_buf_str(const struct cc_buf *b);
/* Returns the malloc'd content (caller frees) and leaves B empty; NULL when empty. */
char *cc_buf_detach(struct cc_buf *b);
void cc_buf_release(struct cc_buf *b);

#endif
