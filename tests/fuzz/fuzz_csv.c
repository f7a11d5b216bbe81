/*
 * libFuzzer target for the CSV reader over arbitrary bytes: encoding detection, GB18030
 * conversion and RFC 4180 parsing, reading until the end or the first error. Each row is
 * checked for the reader's promises (NUL-terminated fields of the stated length, lines that
 * never go backwards). The input is then read a second time behind about 64 KiB of ASCII
 * padding lines, so that it straddles the reader's first chunk end at a position the input
 * chooses; what follows the padding must read exactly as before (fields, line numbers shifted
 * by the padding, and the final status). Both are done twice: stopping at the first malformed
 * record, and skipping malformed records (cc_csv_skip_bad), where each skipped record must
 * come with its line and a reason and the reader must go on to the end.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/csv.h"
#include "base/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct digest {
	uint64_t hash;
	size_t rows;
	int rc;
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

/*
 * Reads DATA as CSV (skipping malformed records when SKIP_BAD); rows before SKIP_LINES lines
 * are ignored, later lines are shifted.
 */
static int run(const uint8_t *data, size_t size, long skip_lines, int skip_bad, struct digest *dg)
{
	struct cc_source *src = NULL;
	struct cc_csv *csv = NULL;
	struct cc_error err;
	struct cc_row row;
	long last = 0;
	int rc;
	dg->hash = 14695981039346656037ull;
	dg->rows = 0;
	rc = cc_source_open_mem(&src, data, size, &err);
	if (rc) {
		dg->rc = rc;
		return 0;
	}
	if (cc_csv_open(&csv, src, &err)) {
		cc_source_free(src);
		return -1;
	}
	cc_csv_skip_bad(csv, skip_bad);
	while ((rc = cc_csv_next(csv, &row, &err)) == 1 || rc == CC_CSV_BAD) {
		if (row.line < last || (rc == 1 && row.nfields == 0))
			abort();
		if (rc == CC_CSV_BAD) {
			if (!skip_bad || row.nfields != 0 || row.line < 1 || err.msg[0] == '\0')
				abort();
			last = row.line;
			if (row.line <= skip_lines)
				continue;
			long line = row.line - skip_lines;
			dg->rows++;
			dg->hash = mix(dg->hash, "bad", 3);
			dg->hash = mix(dg->hash, &line, sizeof line);
			continue;
		}
		last = row.line;
		for (size_t i = 0; i < row.nfields; i++)
			if (row.fields[i][row.lens[i]] != '\0')
				abort();
		if (row.line <= skip_lines)
			continue;
		long line = row.line - skip_lines;
		dg->rows++;
		dg->hash = mix(dg->hash, &line, sizeof line);
		dg->hash = mix(dg->hash, &row.nfields, sizeof row.nfields);
		for (size_t i = 0; i < row.nfields; i++) {
			dg->hash = mix(dg->hash, &row.lens[i], sizeof row.lens[i]);
			dg->hash = mix(dg->hash, row.fields[i], row.lens[i]);
		}
	}
	if (rc < 0 && err.msg[0] == '\0')
		abort();
	if (skip_bad && rc == CC_EPARSE)
		abort(); /* a reader that skips bad records stops only on encoding or memory */
	dg->rc = rc;
	cc_csv_free(csv);
	return 0;
}

/* One comparison of DATA as it is against DATA behind the padding. */
static void check(const uint8_t *data, size_t size, int skip_bad)
{
	struct digest a, b;
	if (run(data, size, 0, skip_bad, &a))
		return;
	/* A leading BOM is only a BOM at the very start; skip the padded comparison then. */
	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		return;
	/* Padding of 64-byte lines "xx...x\n", the last one shortened by up to 63 bytes. */
	size_t pad = 65536 - (size_t)(size ? data[size - 1] % 64 : 0);
	uint8_t *buf = malloc(pad + size);
	if (!buf)
		return;
	memset(buf, 'x', pad);
	long lines = 0;
	for (size_t i = 63; i < pad; i += 64, lines++)
		buf[i] = '\n';
	if (buf[pad - 1] != '\n') {
		buf[pad - 1] = '\n';
		lines++;
	}
	if (size)
		memcpy(buf + pad, data, size);
	if (run(buf, pad + size, lines, skip_bad, &b) == 0) {
		/* Encoding errors name offsets that the padding shifts: compare codes only. */
		if (a.rc != b.rc || (a.rc >= 0 && (a.rows != b.rows || a.hash != b.hash)))
			abort();
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, 0);
	check(data, size, 1);
	return 0;
}
