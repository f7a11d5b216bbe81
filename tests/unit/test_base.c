/*
 * Unit tests for the base layer: encodings and sources (text.c), the CSV reader (csv.c),
 * cell parsers (parse.c), bounded buffers (buf.c) and arenas (arena.c). GB18030 test data is
 * produced with iconv here rather than pasted as bytes, so the expectations are checked
 * against an independent encoder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/bigmem.h"
#include "base/buf.h"
#include "base/jw.h"
#include "base/csv.h"
#include "base/error.h"
#include "base/fixed.h"
#include "base/parse.h"
#include "base/slots.h"
#include "base/text.h"
#include "base/vlog.h"

/* ---- helpers ---- */

/* Converts UTF-8 text to GB18030 with iconv; returns a malloc'd buffer, length in *N. */
static char *to_gb18030(const char *s, size_t len, size_t *n)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t cap = len * 2 + 16;
	char *out = malloc(cap);
	assert_non_null(out);
	char *ip = (char *)s, *op = out;
	size_t il = len, ol = cap;
	assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	assert_int_equal(il, 0);
	iconv_close(cd);
	*n = cap - ol;
	return out;
}

/* Writes N bytes to a new temporary file; returns its malloc'd path. */
static char *write_temp(const void *p, size_t n)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(4096);
	assert_non_null(path);
	snprintf(path, 4096, "%s/cc_test_base_XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *q = p;
	while (n > 0) {
		ssize_t k = write(fd, q, n);
		assert_true(k > 0);
		q += k;
		n -= (size_t)k;
	}
	close(fd);
	return path;
}

/* Reads the whole source in pieces of PIECE bytes into a malloc'd buffer. */
static char *drain(struct cc_source *s, size_t piece, size_t *n)
{
	struct cc_buf b = CC_BUF_INIT(1u << 30);
	char *tmp = malloc(piece);
	struct cc_error err;
	ssize_t k;
	assert_non_null(tmp);
	while ((k = cc_source_read(s, tmp, piece, &err)) > 0)
		assert_int_equal(cc_buf_append(&b, tmp, (size_t)k), 0);
	assert_int_equal(k, 0);
	free(tmp);
	*n = b.len;
	char *out = cc_buf_detach(&b);
	return out ? out : calloc(1, 1);
}

static enum cc_encoding detect_all(const char *s, size_t n, int *rc, struct cc_error *err)
{
	struct cc_encdetect d;
	enum cc_encoding enc = CC_ENC_UTF8;
	cc_encdetect_init(&d);
	cc_encdetect_feed(&d, (const unsigned char *)s, n);
	*rc = cc_encdetect_finish(&d, &enc, err);
	return enc;
}

static enum cc_encoding detect_bytewise(const char *s, size_t n, int *rc, struct cc_error *err)
{
	struct cc_encdetect d;
	enum cc_encoding enc = CC_ENC_UTF8;
	cc_encdetect_init(&d);
	for (size_t i = 0; i < n; i++)
		cc_encdetect_feed(&d, (const unsigned char *)s + i, 1);
	*rc = cc_encdetect_finish(&d, &enc, err);
	return enc;
}

/* ---- validators and detection ---- */

static void test_utf8_validator(void **state)
{
	(void)state;
	const unsigned char ok[] = "abc\xE4\xB8\xAD\xF0\x9F\x98\x80\xC2\xA9";
	assert_int_equal(cc_utf8_valid_prefix(ok, sizeof ok - 1), sizeof ok - 1);
	/* Overlong, surrogate, too large, lone continuation, truncated. */
	assert_int_equal(cc_utf8_valid_prefix((const unsigned char *)"a\xC0\x80", 3), 1);
	assert_int_equal(cc_utf8_valid_prefix((const unsigned char *)"ab\xE0\x80\x80", 5), 2);
	assert_int_equal(cc_utf8_valid_prefix((const unsigned char *)"\xED\xA0\x80", 3), 0);
	assert_int_equal(cc_utf8_valid_prefix((const unsigned char *)"\xF4\x90\x80\x80", 4), 0);
	assert_int_equal(cc_utf8_valid_prefix((const unsigned char *)"xyz\x80", 4), 3);
	assert_int_equal(cc_utf8_valid_prefix((const unsigned char *)"abcdefghij\xE4\xB8", 12), 10);
	assert_int_equal(cc_utf8_len("\xE4\xB8\xAD\xE6\x96\x87"
				     "a\xF0\x9F\x98\x80",
				     11),
			 4);
	assert_string_equal(cc_encoding_name(CC_ENC_GB18030), "gb18030");
	assert_string_equal(cc_encoding_name(CC_ENC_UTF8_BOM), "utf-8-bom");
	assert_string_equal(cc_encoding_name(CC_ENC_UTF8), "utf-8");
}

/*
 * The one UTF-8 cut (cc_utf8_cut, issue 13.16): a cut inside a 2-, 3- or 4-byte character
 * moves back to its first byte, a cut between characters stays, a string that fits is kept
 * whole, limit 0 gives 0, and bytes that are not UTF-8 are cut as bytes.
 */
static void test_utf8_cut(void **state)
{
	(void)state;
	/* "a" + é (2 bytes) + 中 (3) + 😀 (4) + "b": boundaries at 0, 1, 3, 6, 10, 11. */
	const char s[] = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"
			 "b";
	size_t n = sizeof s - 1;
	static const size_t want[] = {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11, 11, 11};
	for (size_t max = 0; max < sizeof want / sizeof want[0]; max++)
		assert_int_equal(cc_utf8_cut(s, n, max), want[max]);
	/* Exact fit and shorter strings: kept whole (S[N] is never read). */
	assert_int_equal(cc_utf8_cut(s, n, n), n);
	assert_int_equal(cc_utf8_cut(s, 3, 3), 3);
	assert_int_equal(cc_utf8_cut("\xE4\xB8", 2, 5), 2);
	assert_int_equal(cc_utf8_cut("", 0, 0), 0);
	assert_int_equal(cc_utf8_cut(NULL, 0, 4), 0);
	/* Limit 0. */
	assert_int_equal(cc_utf8_cut("\xE4\xB8\xAD", 3, 0), 0);
	assert_int_equal(cc_utf8_cut("abc", 3, 0), 0);
	/* Only Chinese: every cut lands on a multiple of 3. */
	const char zh[] = "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97";
	for (size_t max = 0; max <= 9; max++)
		assert_int_equal(cc_utf8_cut(zh, 9, max), max / 3 * 3);
	/* Not UTF-8: stray continuation bytes do not pull the cut back to the start. */
	assert_int_equal(cc_utf8_cut("ab\x80\x80\x80\x80\x80", 7, 4), 4);
	assert_int_equal(cc_utf8_cut("\x80\x80\x80\x80\x80\x80", 6, 5), 5);
	/* A lead byte whose sequence is complete before the limit does not move it. */
	assert_int_equal(cc_utf8_cut("\xC3\xA9\x80x", 4, 2), 2);
	assert_int_equal(cc_utf8_cut("\xC3\xA9\x80x", 4, 3), 3);
}

static void test_gb18030_validator(void **state)
{
	(void)state;
	/* 中文 (2-byte), € (2-byte A2E3), U+10000 (4-byte 90 30 81 30). */
	const unsigned char ok[] = "\xD6\xD0\xCE\xC4 \xA2\xE3\x90\x30\x81\x30!";
	assert_int_equal(cc_gb18030_valid_prefix(ok, sizeof ok - 1), sizeof ok - 1);
	assert_int_equal(cc_gb18030_valid_prefix((const unsigned char *)"a\x80", 2), 1);
	assert_int_equal(cc_gb18030_valid_prefix((const unsigned char *)"ab\xFF", 3), 2);
	assert_int_equal(cc_gb18030_valid_prefix((const unsigned char *)"\x81\x7F", 2), 0);
	assert_int_equal(cc_gb18030_valid_prefix((const unsigned char *)"\x81\x30\x81", 3), 0);
	assert_int_equal(cc_gb18030_valid_prefix((const unsigned char *)"\x81\x30\x20\x30", 4), 0);
	assert_int_equal(cc_gb18030_valid_prefix((const unsigned char *)"\x81\x30\x81\x3A", 4), 0);
	assert_int_equal(cc_gb18030_valid_prefix((const unsigned char *)"x\xD6", 2), 1);
}

static void test_detect_basic(void **state)
{
	(void)state;
	struct cc_error err;
	int rc;
	const char *u = "uscc,name\n1,\xE4\xB8\xAD\xE6\x96\x87\n";
	assert_int_equal(detect_all(u, strlen(u), &rc, &err), CC_ENC_UTF8);
	assert_int_equal(rc, 0);
	const char *bom = "\xEF\xBB\xBFid\n";
	assert_int_equal(detect_all(bom, strlen(bom), &rc, &err), CC_ENC_UTF8_BOM);
	assert_int_equal(rc, 0);
	const char *gb = "uscc,name\n1,\xD6\xD0\xCE\xC4\n";
	assert_int_equal(detect_all(gb, strlen(gb), &rc, &err), CC_ENC_GB18030);
	assert_int_equal(rc, 0);
	/* Empty input is UTF-8. */
	assert_int_equal(detect_all("", 0, &rc, &err), CC_ENC_UTF8);
	assert_int_equal(rc, 0);
	/* Pure ASCII is UTF-8 (it is also GB18030, but UTF-8 wins). */
	assert_int_equal(detect_all("a,b\n", 4, &rc, &err), CC_ENC_UTF8);
}

static void test_detect_errors(void **state)
{
	(void)state;
	struct cc_error err;
	int rc;
	/* 0xFF is invalid in both: offset 8 on line 3. */
	const char *bad = "a,b\nc,d\n\xFFx\n";
	detect_all(bad, strlen(bad), &rc, &err);
	assert_int_equal(rc, CC_EENCODING);
	assert_non_null(strstr(err.msg, "0xff"));
	assert_non_null(strstr(err.msg, "offset 8 "));
	assert_non_null(strstr(err.msg, "(line 3)"));
	/* UTF-8 fails at offset 0 (D6 D0), GB18030 at offset 3 (0x80, line 2): the later one. */
	const char *mixed = "\xD6\xD0\n\x80";
	detect_all(mixed, 4, &rc, &err);
	assert_int_equal(rc, CC_EENCODING);
	assert_non_null(strstr(err.msg, "0x80 at offset 3 (line 2)"));
	/* A sequence cut by the end of the input is invalid where it begins. */
	const char *cut = "ok\n\xE4";
	detect_all(cut, 4, &rc, &err);
	assert_int_equal(rc, CC_EENCODING);
	assert_non_null(strstr(err.msg, "offset 3 (line 2)"));
	/* A BOM declares UTF-8: invalid UTF-8 after it is an error even if GB18030 would do. */
	const char *bomgb = "\xEF\xBB\xBFx,\xD6\xD0\n";
	detect_all(bomgb, strlen(bomgb), &rc, &err);
	assert_int_equal(rc, CC_EENCODING);
	assert_non_null(strstr(err.msg, "offset 5"));
}

static void test_detect_bytewise(void **state)
{
	(void)state;
	/* Every sample must be classified the same fed whole, byte by byte, and split in two. */
	static const char *samples[] = {
		"plain ascii\n",
		"\xEF\xBB\xBF\xE4\xB8\xAD\n\xF0\x9F\x98\x80",
		"\xD6\xD0\xCE\xC4\n\xA2\xE3\x90\x30\x81\x30\n",
		"a\n\xE4\xB8\xAD\xE4\xB8",
		"\xD6\xD0\n\x80",
		"x\ny\nz\n\x81\x30\x81\xFF",
		"\xEF\xBB",
		"\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6",
	};
	for (size_t k = 0; k < sizeof samples / sizeof *samples; k++) {
		const char *s = samples[k];
		size_t n = strlen(s);
		struct cc_error e1, e2;
		int rc1, rc2;
		cc_error_clear(&e1);
		cc_error_clear(&e2);
		enum cc_encoding a = detect_all(s, n, &rc1, &e1);
		enum cc_encoding b = detect_bytewise(s, n, &rc2, &e2);
		assert_int_equal(rc1, rc2);
		if (rc1 == 0)
			assert_int_equal(a, b);
		else
			assert_string_equal(e1.msg, e2.msg);
		for (size_t cut = 1; cut < n; cut++) {
			struct cc_encdetect d;
			enum cc_encoding c = CC_ENC_UTF8;
			struct cc_error e3;
			cc_error_clear(&e3);
			cc_encdetect_init(&d);
			cc_encdetect_feed(&d, (const unsigned char *)s, cut);
			cc_encdetect_feed(&d, (const unsigned char *)s + cut, n - cut);
			assert_int_equal(cc_encdetect_finish(&d, &c, &e3), rc1);
			if (rc1 == 0)
				assert_int_equal(c, a);
			else
				assert_string_equal(e3.msg, e1.msg);
		}
	}
	/* Specific expectations for two of them. */
	struct cc_error err;
	int rc;
	assert_int_equal(detect_bytewise(samples[2], strlen(samples[2]), &rc, &err),
			 CC_ENC_GB18030);
	assert_int_equal(rc, 0);
	detect_bytewise(samples[5], strlen(samples[5]), &rc, &err);
	assert_int_equal(rc, CC_EENCODING);
	assert_non_null(strstr(err.msg, "offset 6 (line 4)"));
}

/* ---- GB18030 conversion and sources ---- */

static void test_gb18030_to_utf8(void **state)
{
	(void)state;
	struct cc_error err;
	char *out = NULL;
	size_t n = 0;
	const char gb[] = "\xD6\xD0\xCE\xC4\xA2\xE3\x90\x30\x81\x30\x81\x30\x84\x36";
	assert_int_equal(cc_gb18030_to_utf8(gb, sizeof gb - 1, &out, &n, &err), 0);
	/* 中文 € U+10000 ¥ */
	const char want[] = "\xE4\xB8\xAD\xE6\x96\x87\xE2\x82\xAC\xF0\x90\x80\x80\xC2\xA5";
	assert_int_equal(n, sizeof want - 1);
	assert_memory_equal(out, want, n);
	assert_int_equal(out[n], '\0');
	free(out);
	/* The euro sign and U+10000 through an independent encoder. */
	size_t gl;
	char *g = to_gb18030("\xE2\x82\xAC\xF0\x90\x80\x80", 7, &gl);
	assert_int_equal(gl, 6);
	assert_memory_equal(g, "\xA2\xE3\x90\x30\x81\x30", 6);
	free(g);
	/* Invalid and cut sequences name the offset. */
	assert_int_equal(cc_gb18030_to_utf8("ab\n\x80", 4, &out, &n, &err), CC_EENCODING);
	assert_null(out);
	assert_non_null(strstr(err.msg, "offset 3"));
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(cc_gb18030_to_utf8("abc\xD6", 4, &out, &n, &err), CC_EENCODING);
	assert_non_null(strstr(err.msg, "offset 3"));
	assert_int_equal(cc_gb18030_to_utf8("", 0, &out, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
	free(out);
}

static void test_source_mem(void **state)
{
	(void)state;
	struct cc_source *s;
	struct cc_error err;
	size_t n;
	/* UTF-8 BOM is dropped. */
	const char bom[] = "\xEF\xBB\xBFid,name\n1,\xE4\xB8\xAD\n";
	assert_int_equal(cc_source_open_mem(&s, bom, sizeof bom - 1, &err), 0);
	assert_int_equal(cc_source_encoding(s), CC_ENC_UTF8_BOM);
	char *out = drain(s, 1, &n);
	assert_int_equal(n, sizeof bom - 4);
	assert_memory_equal(out, bom + 3, n);
	assert_int_equal(cc_source_pos(s), sizeof bom - 1);
	assert_int_equal(cc_source_size(s), sizeof bom - 1);
	free(out);
	cc_source_free(s);
	/* GB18030 is converted, even read one byte at a time. */
	const char gb[] = "a,\xD6\xD0\xCE\xC4\n\x90\x30\x81\x30\n";
	assert_int_equal(cc_source_open_mem(&s, gb, sizeof gb - 1, &err), 0);
	assert_int_equal(cc_source_encoding(s), CC_ENC_GB18030);
	out = drain(s, 1, &n);
	const char want[] = "a,\xE4\xB8\xAD\xE6\x96\x87\n\xF0\x90\x80\x80\n";
	assert_int_equal(n, sizeof want - 1);
	assert_memory_equal(out, want, n);
	assert_int_equal(cc_source_pos(s), sizeof gb - 1);
	free(out);
	cc_source_free(s);
	/* Neither: refused at open. */
	s = NULL;
	assert_int_equal(cc_source_open_mem(&s, "ok\n\xFF\xFF", 5, &err), CC_EENCODING);
	assert_null(s);
	assert_non_null(strstr(err.msg, "offset 3 (line 2)"));
	cc_source_free(NULL);
}

/* A long multi-line UTF-8 text with Chinese, 4-byte characters and some ASCII. */
static char *make_text(size_t approx, size_t *n)
{
	static const char *words[] = {
		"\xE4\xBC\x81\xE4\xB8\x9A", /* 企业 */
		"abc",
		"\xE2\x82\xAC",	    /* € */
		"\xF0\x90\x80\x80", /* U+10000 */
		"\xE3\x80\x80",	    /* U+3000 */
		",",
		"\xC2\xA5", /* ¥ */
		"\n",
		"\xE9\xBE\x99", /* 龙 */
		"1234.5",
	};
	struct cc_buf b = CC_BUF_INIT(approx + 64);
	unsigned x = 12345;
	while (b.len < approx) {
		x = x * 1103515245u + 12345u;
		assert_int_equal(cc_buf_puts(&b, words[(x >> 16) % 10]), 0);
	}
	*n = b.len;
	return cc_buf_detach(&b);
}

static void test_source_file_gb18030(void **state)
{
	(void)state;
	size_t un, gn, n;
	/* Over 2 MiB: crosses the detection chunk and many conversion chunk ends. */
	char *u = make_text(2600000, &un);
	char *g = to_gb18030(u, un, &gn);
	assert_true(gn != un);
	char *path = write_temp(g, gn);
	struct cc_source *s;
	struct cc_error err;
	assert_int_equal(cc_source_open_file(&s, path, &err), 0);
	assert_int_equal(cc_source_encoding(s), CC_ENC_GB18030);
	assert_int_equal(cc_source_size(s), gn);
	char *out = drain(s, 1000, &n);
	assert_int_equal(n, un);
	assert_memory_equal(out, u, un);
	assert_int_equal(cc_source_pos(s), gn);
	free(out);
	cc_source_free(s);
	unlink(path);
	free(path);

	/* The same text as UTF-8 with a BOM passes through with the BOM dropped. */
	char *ub = malloc(un + 3);
	memcpy(ub, "\xEF\xBB\xBF", 3);
	memcpy(ub + 3, u, un);
	path = write_temp(ub, un + 3);
	assert_int_equal(cc_source_open_file(&s, path, &err), 0);
	assert_int_equal(cc_source_encoding(s), CC_ENC_UTF8_BOM);
	out = drain(s, 65536, &n);
	assert_int_equal(n, un);
	assert_memory_equal(out, u, un);
	free(out);
	cc_source_free(s);
	unlink(path);
	free(path);

	/* An invalid byte deep in the file: named with offset and line, file named too. */
	size_t at = un / 2;
	while (((unsigned char)ub[3 + at] & 0xC0) == 0x80)
		at++;
	ub[3 + at] = (char)0xFF;
	unsigned long lines = 1;
	for (size_t i = 0; i < 3 + at; i++)
		lines += ub[i] == '\n';
	path = write_temp(ub, un + 3);
	s = NULL;
	assert_int_equal(cc_source_open_file(&s, path, &err), CC_EENCODING);
	assert_null(s);
	char want[128];
	snprintf(want, sizeof want, "0xff at offset %zu (line %lu)", 3 + at, lines);
	assert_non_null(strstr(err.msg, want));
	assert_non_null(strstr(err.msg, path));
	unlink(path);
	free(path);

	/* A missing file. */
	assert_int_equal(cc_source_open_file(&s, "/nonexistent/cc/x.csv", &err), CC_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/cc/x.csv"));
	free(ub);
	free(g);
	free(u);
}

/* ---- CSV ---- */

/* Opens a CSV reader over memory. */
static struct cc_csv *csv_mem(const char *s, size_t n)
{
	struct cc_source *src;
	struct cc_csv *c;
	struct cc_error err;
	assert_int_equal(cc_source_open_mem(&src, s, n, &err), 0);
	assert_int_equal(cc_csv_open(&c, src, &err), 0);
	return c;
}

static void expect_row(struct cc_csv *c, long line, size_t nf, ...)
{
	struct cc_row row;
	struct cc_error err;
	va_list ap;
	int rc = cc_csv_next(c, &row, &err);
	if (rc != 1)
		print_error("cc_csv_next: %d %s\n", rc, err.msg);
	assert_int_equal(rc, 1);
	assert_int_equal(row.line, line);
	assert_int_equal(row.nfields, nf);
	va_start(ap, nf);
	for (size_t i = 0; i < nf; i++) {
		const char *want = va_arg(ap, const char *);
		assert_string_equal(row.fields[i], want);
		assert_int_equal(row.lens[i], strlen(want));
	}
	va_end(ap);
}

static void expect_end(struct cc_csv *c)
{
	struct cc_row row;
	struct cc_error err;
	assert_int_equal(cc_csv_next(c, &row, &err), 0);
	assert_int_equal(cc_csv_next(c, &row, &err), 0);
}

static void test_csv_basic(void **state)
{
	(void)state;
	const char s[] = "\xEF\xBB\xBFid,name,v\r\n1,\xE4\xB8\xAD,2\r\n\r\n3,,\r\n\n4,x,y";
	struct cc_csv *c = csv_mem(s, sizeof s - 1);
	assert_int_equal(cc_source_encoding(cc_csv_source(c)), CC_ENC_UTF8_BOM);
	expect_row(c, 1, 3, "id", "name", "v");
	expect_row(c, 2, 3, "1", "\xE4\xB8\xAD", "2");
	expect_row(c, 4, 3, "3", "", "");
	expect_row(c, 6, 3, "4", "x", "y");
	expect_end(c);
	cc_csv_free(c);
}

static void test_csv_quotes(void **state)
{
	(void)state;
	const char s[] = "a,\"b,c\",\"say \"\"hi\"\"\"\n"
			 "\"multi\nline\r\nfield\",2,\"\"\n"
			 "\"cr\rkept\",x\"\"\n"
			 "\"\"\"\",end\n";
	struct cc_csv *c = csv_mem(s, sizeof s - 1);
	expect_row(c, 1, 3, "a", "b,c", "say \"hi\"");
	expect_row(c, 2, 3, "multi\nline\r\nfield", "2", "");
	/* Line 5: the quoted field above spans lines 2-4. Stray quote inside unquoted: error. */
	struct cc_row row;
	struct cc_error err;
	assert_int_equal(cc_csv_next(c, &row, &err), CC_EPARSE);
	assert_non_null(strstr(err.msg, "stray quote"));
	assert_non_null(strstr(err.msg, "line 5"));
	/* Reading does not continue after an error. */
	assert_int_equal(cc_csv_next(c, &row, &err), CC_EPARSE);
	cc_csv_free(c);

	const char t[] = "\"cr\rkept\",x\n\"\"\"\",end\n\"\"\n\"q\"\n";
	c = csv_mem(t, sizeof t - 1);
	expect_row(c, 1, 2, "cr\rkept", "x");
	expect_row(c, 2, 2, "\"", "end");
	/* Line 3 is "" — one empty field, skipped as blank. */
	expect_row(c, 4, 1, "q");
	expect_end(c);
	cc_csv_free(c);
}

static void test_csv_errors(void **state)
{
	(void)state;
	struct cc_row row;
	struct cc_error err;
	const char s[] = "h1,h2\n1,2\n3,\"open\nstill\nopen";
	struct cc_csv *c = csv_mem(s, sizeof s - 1);
	expect_row(c, 1, 2, "h1", "h2");
	expect_row(c, 2, 2, "1", "2");
	assert_int_equal(cc_csv_next(c, &row, &err), CC_EPARSE);
	assert_non_null(strstr(err.msg, "unterminated"));
	assert_non_null(strstr(err.msg, "line 3"));
	cc_csv_free(c);

	const char t[] = "a\n\"x\"y,1\n";
	c = csv_mem(t, sizeof t - 1);
	expect_row(c, 1, 1, "a");
	assert_int_equal(cc_csv_next(c, &row, &err), CC_EPARSE);
	assert_non_null(strstr(err.msg, "after the closing quote"));
	assert_non_null(strstr(err.msg, "line 2"));
	cc_csv_free(c);

	/* A record over CC_CSV_MAX_RECORD. */
	size_t big = CC_CSV_MAX_RECORD + 100;
	char *b = malloc(big + 16);
	memcpy(b, "x\n", 2);
	memset(b + 2, 'a', big);
	memcpy(b + 2 + big, "\ny\n", 3);
	c = csv_mem(b, big + 5);
	expect_row(c, 1, 1, "x");
	assert_int_equal(cc_csv_next(c, &row, &err), CC_EPARSE);
	assert_non_null(strstr(err.msg, "longer than"));
	assert_non_null(strstr(err.msg, "line 2"));
	cc_csv_free(c);
	/* Just under the limit is fine, and quoted. */
	size_t ok = CC_CSV_MAX_RECORD - 16;
	b[0] = '"';
	memset(b + 1, 'b', ok);
	memcpy(b + 1 + ok, "\",z\n", 4);
	c = csv_mem(b, ok + 5);
	assert_int_equal(cc_csv_next(c, &row, &err), 1);
	assert_int_equal(row.nfields, 2);
	assert_int_equal(row.lens[0], ok);
	assert_string_equal(row.fields[1], "z");
	expect_end(c);
	cc_csv_free(c);
	free(b);
}

/*
 * Many records with quotes, doubled quotes, CRLF and embedded newlines, well past the 64 KiB
 * chunk size so that every kind of token is cut by a chunk end somewhere; the reader must
 * return exactly the generated fields with the right line numbers.
 */
static void test_csv_chunks(void **state)
{
	(void)state;
	const size_t nrec = 40000;
	struct cc_buf b = CC_BUF_INIT(64u << 20);
	unsigned x = 7;
	long *lines = malloc(nrec * sizeof *lines);
	long line = 1;
	for (size_t i = 0; i < nrec; i++) {
		x = x * 1103515245u + 12345u;
		lines[i] = line;
		assert_int_equal(cc_buf_printf(&b, "%zu,", i), 0);
		switch ((x >> 16) % 4) {
		case 0: cc_buf_puts(&b, "\"q\"\"uo,te\""); break;
		case 1:
			cc_buf_puts(&b, "\"multi\nline\"");
			line++;
			break;
		case 2: cc_buf_puts(&b, "\xE4\xB8\xAD\xE6\x96\x87"); break;
		default: cc_buf_puts(&b, ""); break;
		}
		cc_buf_puts(&b, (x >> 20) & 1 ? "\r\n" : "\n");
		line++;
		if ((x >> 24) % 16 == 0) {
			cc_buf_puts(&b, "\n"); /* blank line */
			line++;
		}
	}
	size_t len = b.len;
	char *data = cc_buf_detach(&b);
	static const char *want[4] = {"q\"uo,te", "multi\nline", "\xE4\xB8\xAD\xE6\x96\x87", ""};
	for (int pass = 0; pass < 2; pass++) {
		struct cc_csv *c;
		char *path = NULL;
		if (pass == 0) {
			c = csv_mem(data, len);
		} else {
			/* Through a GB18030 file: conversion chunks differ from CSV chunks. */
			size_t gn;
			char *g = to_gb18030(data, len, &gn);
			struct cc_source *src;
			struct cc_error err;
			path = write_temp(g, gn);
			free(g);
			assert_int_equal(cc_source_open_file(&src, path, &err), 0);
			assert_int_equal(cc_source_encoding(src), CC_ENC_GB18030);
			assert_int_equal(cc_csv_open(&c, src, &err), 0);
		}
		x = 7;
		for (size_t i = 0; i < nrec; i++) {
			struct cc_row row;
			struct cc_error err;
			char num[32];
			x = x * 1103515245u + 12345u;
			assert_int_equal(cc_csv_next(c, &row, &err), 1);
			snprintf(num, sizeof num, "%zu", i);
			assert_int_equal(row.nfields, 2);
			assert_string_equal(row.fields[0], num);
			assert_string_equal(row.fields[1], want[(x >> 16) % 4]);
			assert_int_equal(row.lens[1], strlen(want[(x >> 16) % 4]));
			assert_int_equal(row.line, lines[i]);
		}
		expect_end(c);
		cc_csv_free(c);
		if (path) {
			unlink(path);
			free(path);
		}
	}
	free(data);
	free(lines);
}

static void test_csv_edge(void **state)
{
	(void)state;
	struct cc_csv *c = csv_mem("", 0);
	expect_end(c);
	cc_csv_free(c);
	c = csv_mem("\n\n\r\n", 4);
	expect_end(c);
	cc_csv_free(c);
	c = csv_mem(",", 1);
	expect_row(c, 1, 2, "", "");
	expect_end(c);
	cc_csv_free(c);
	c = csv_mem("a,\"b\"", 5);
	expect_row(c, 1, 2, "a", "b");
	expect_end(c);
	cc_csv_free(c);
	c = csv_mem("a\r", 2);
	expect_row(c, 1, 1, "a");
	expect_end(c);
	cc_csv_free(c);
	c = csv_mem("a\rb\n", 4);
	expect_row(c, 1, 1, "a\rb");
	expect_end(c);
	cc_csv_free(c);
	/* Embedded NUL bytes are kept; lengths tell. */
	struct cc_row row;
	struct cc_error err;
	c = csv_mem("a\0b,c\n", 6);
	assert_int_equal(cc_csv_next(c, &row, &err), 1);
	assert_int_equal(row.lens[0], 3);
	assert_memory_equal(row.fields[0], "a\0b", 4);
	cc_csv_free(c);
	/* Many fields (the field arrays grow). */
	struct cc_buf b = CC_BUF_INIT(1 << 20);
	for (int i = 0; i < 1000; i++)
		cc_buf_printf(&b, "%s%d", i ? "," : "", i);
	c = csv_mem(b.data, b.len);
	assert_int_equal(cc_csv_next(c, &row, &err), 1);
	assert_int_equal(row.nfields, 1000);
	assert_string_equal(row.fields[999], "999");
	assert_string_equal(row.fields[500], "500");
	cc_csv_free(c);
	cc_buf_release(&b);
	cc_csv_free(NULL);
}

/* Expects a malformed record skipped at LINE whose reason mentions WHY. */
static void expect_bad(struct cc_csv *c, long line, const char *why)
{
	struct cc_row row;
	struct cc_error err;
	int rc = cc_csv_next(c, &row, &err);
	if (rc != CC_CSV_BAD)
		print_error("cc_csv_next: %d %s\n", rc, rc < 0 ? err.msg : "");
	assert_int_equal(rc, CC_CSV_BAD);
	assert_int_equal(row.line, line);
	assert_int_equal(row.nfields, 0);
	assert_non_null(strstr(err.msg, why));
}

static struct cc_csv *csv_lenient(const char *s, size_t n)
{
	struct cc_csv *c = csv_mem(s, n);
	cc_csv_skip_bad(c, 1);
	return c;
}

/*
 * Skipping malformed records (issue 13): an unclosed quote at the end or in the middle, a
 * stray quote, a stray character after a closing quote and an over-long record each become
 * one bad record at a line boundary, and every other record is read.
 */
static void test_csv_resync(void **state)
{
	(void)state;
	/* Many good rows, then a last record whose quote never closes. */
	struct cc_buf b = CC_BUF_INIT(64u << 20);
	cc_buf_puts(&b, "id,name\n");
	for (int i = 0; i < 20000; i++)
		cc_buf_printf(&b, "%d,\"n%d\"\n", i, i);
	cc_buf_puts(&b, "20000,\"never closed\n");
	struct cc_csv *c = csv_lenient(b.data, b.len);
	expect_row(c, 1, 2, "id", "name");
	for (int i = 0; i < 20000; i++) {
		char id[16], name[16];
		snprintf(id, sizeof id, "%d", i);
		snprintf(name, sizeof name, "n%d", i);
		expect_row(c, i + 2, 2, id, name);
	}
	expect_bad(c, 20002, "unterminated quoted field starting on CSV line 20002");
	expect_end(c);
	cc_csv_free(c);

	/* Without a final newline, and strict readers still stop. */
	c = csv_lenient("a\n\"x", 4);
	expect_row(c, 1, 1, "a");
	expect_bad(c, 2, "unterminated");
	expect_end(c);
	cc_csv_free(c);

	/*
	 * An unclosed quote in the middle swallows lines (with doubled quotes folded on the way)
	 * until a later quote closes it and a stray character follows: the bad record is line
	 * 2 alone and lines 3.. are read again as they are.
	 */
	const char m[] = "a,b\n1,\"open\n5,\"\",\"\"\n2,x\n3,\"y\"\n4,z\n";
	c = csv_lenient(m, sizeof m - 1);
	expect_row(c, 1, 2, "a", "b");
	expect_bad(c, 2, "after the closing quote on CSV line 5");
	expect_row(c, 3, 3, "5", "", "");
	expect_row(c, 4, 2, "2", "x");
	expect_row(c, 5, 2, "3", "y");
	expect_row(c, 6, 2, "4", "z");
	expect_end(c);
	cc_csv_free(c);

	/* A record with a good multi-line field before the one at fault. */
	const char ml[] = "\"two\nlines\",\"bad\n1,2\n";
	c = csv_lenient(ml, sizeof ml - 1);
	expect_bad(c, 1, "unterminated quoted field starting on CSV line 2");
	expect_row(c, 3, 2, "1", "2");
	expect_end(c);
	cc_csv_free(c);

	/* Stray quotes and stray characters on one line: that line goes. */
	const char st[] = "1,ab\"c,d\n2,e\r\n3,\"f\"g,h\r\n4,\"i\"\n";
	c = csv_lenient(st, sizeof st - 1);
	expect_bad(c, 1, "stray quote");
	expect_row(c, 2, 2, "2", "e");
	expect_bad(c, 3, "after the closing quote on CSV line 3");
	expect_row(c, 4, 2, "4", "i");
	expect_end(c);
	cc_csv_free(c);

	/*
	 * An unclosed quote swallowing many chunks of input: the saved input is put back, so
	 * the 30,000 lines after it read as written, with their lines.
	 */
	cc_buf_reset(&b);
	cc_buf_puts(&b, "h1,h2,h3\n0,\"open,x\n");
	for (int i = 1; i <= 30000; i++)
		cc_buf_printf(&b, "%d,\"\",name %d\r\n", i, i);
	c = csv_lenient(b.data, b.len);
	expect_row(c, 1, 3, "h1", "h2", "h3");
	expect_bad(c, 2, "unterminated quoted field starting on CSV line 2");
	for (int i = 1; i <= 30000; i++) {
		char id[16], name[32];
		snprintf(id, sizeof id, "%d", i);
		snprintf(name, sizeof name, "name %d", i);
		expect_row(c, i + 2, 3, id, "", name);
	}
	expect_end(c);
	cc_csv_free(c);

	/* Over-long records: one unquoted line, and an open quote running past the limit. */
	cc_buf_reset(&b);
	cc_buf_puts(&b, "x\n");
	for (size_t i = 0; i < CC_CSV_MAX_RECORD + 100; i++)
		cc_buf_putc(&b, 'a');
	cc_buf_puts(&b, "\ny\n1,\"open\n");
	size_t nlines = CC_CSV_MAX_RECORD / 8 + 10;
	for (size_t i = 0; i < nlines; i++)
		cc_buf_printf(&b, "%07zu\n", i);
	c = csv_lenient(b.data, b.len);
	expect_row(c, 1, 1, "x");
	expect_bad(c, 2, "longer than");
	expect_row(c, 3, 1, "y");
	expect_bad(c, 4, "longer than");
	for (size_t i = 0; i < nlines; i++) {
		char v[16];
		snprintf(v, sizeof v, "%07zu", i);
		expect_row(c, (long)i + 5, 1, v);
	}
	expect_end(c);
	cc_csv_free(c);
	cc_buf_release(&b);
}

/* ---- cell parsers ---- */

static double num_ok(const char *s)
{
	double v = -12345.678;
	struct cc_error err;
	cc_error_clear(&err);
	int rc = cc_parse_number(s, strlen(s), &v, &err);
	if (rc)
		print_error("'%s': %s\n", s, err.msg);
	assert_int_equal(rc, 0);
	return v;
}

static void num_bad(const char *s, const char *why)
{
	double v = 99;
	struct cc_error err;
	cc_error_clear(&err);
	assert_int_equal(cc_parse_number(s, strlen(s), &v, &err), CC_EINVAL);
	assert_true(v == 99);
	assert_non_null(strstr(err.msg, why));
}

static void test_numbers(void **state)
{
	(void)state;
	assert_true(num_ok("123") == 123.0);
	assert_true(num_ok("-1.5") == -1.5);
	assert_true(num_ok("+7") == 7.0);
	assert_true(num_ok("0.1") == 0.1);
	assert_true(num_ok("3.14159265358979") == 3.14159265358979);
	assert_true(num_ok("12345678901234567890") == 12345678901234567890.0);
	assert_true(num_ok(".5") == 0.5);
	assert_true(num_ok("  42 ") == 42.0);
	assert_true(num_ok("\xE3\x80\x80"
			   "8\xE3\x80\x80") == 8.0);
	assert_true(num_ok("1,234.5") == 1234.5);
	assert_true(num_ok("-1,234,567") == -1234567.0);
	assert_true(num_ok("1e3") == 1000.0);
	assert_true(num_ok("2.5E-3") == 0.0025);
	assert_true(num_ok("50%") == 0.5);
	assert_true(num_ok("12.34%") == 0.1234);
	assert_true(num_ok("5e1%") == 0.5);
	/* Full-width: １２３, －１２．５, ５０％, １，２３４ */
	assert_true(num_ok("\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93") == 123.0);
	assert_true(num_ok("\xEF\xBC\x8D\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x8E\xEF\xBC\x95") ==
		    -12.5);
	assert_true(num_ok("\xEF\xBC\x95\xEF\xBC\x90\xEF\xBC\x85") == 0.5);
	assert_true(num_ok("\xEF\xBC\x91\xEF\xBC\x8C\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94") ==
		    1234.0);
	assert_true(num_ok("\xEF\xBC\x8B"
			   "3") == 3.0);
	/* Fast path and general path agree on many values. */
	for (int i = 0; i < 2000; i++) {
		char a[64];
		double want = (i * 7919 % 100003) / 1000.0 - 50;
		snprintf(a, sizeof a, "%.3f", want);
		assert_true(num_ok(a) == strtod(a, NULL));
	}
	assert_true(signbit(num_ok("-0")));

	num_bad("abc", "not a number");
	num_bad("1,23", "thousands");
	num_bad("1,2345", "thousands");
	num_bad(",123", "thousands");
	num_bad("1,234.5,6", "not a number");
	num_bad("", "empty");
	num_bad("   ", "empty");
	num_bad("nan", "not a number");
	num_bad("NaN", "not a number");
	num_bad("inf", "not a number");
	num_bad("-Infinity", "not a number");
	num_bad("1e999", "out of range");
	num_bad("-1e999", "out of range");
	num_bad("0x10", "not a number");
	num_bad("1.2.3", "not a number");
	num_bad("12a", "not a number");
	num_bad("--1", "not a number");
	num_bad("%", "not a number");
	num_bad("5%%", "not a number");
	num_bad("1e", "not a number");
	num_bad(".", "not a number");
	num_bad("1 000", "not a number");
	num_bad("\xE4\xB8\x80", "not a number"); /* 一 */
	/* Never reads past N: "12" of "123". */
	double v;
	assert_int_equal(cc_parse_number("123", 2, &v, NULL), 0);
	assert_true(v == 12.0);
	/* Huge input is refused, not overflowed. */
	char huge[1000];
	memset(huge, '9', sizeof huge);
	assert_int_equal(cc_parse_number(huge, sizeof huge, &v, NULL), CC_EINVAL);
}

static int date_of(const char *s, int *rc)
{
	int ymd = -1;
	struct cc_error err;
	*rc = cc_parse_date(s, strlen(s), &ymd, &err);
	return ymd;
}

static void test_dates(void **state)
{
	(void)state;
	int rc;
	assert_int_equal(date_of("2023-02-28", &rc), 20230228);
	assert_int_equal(rc, 0);
	assert_int_equal(date_of("2024-02-29", &rc), 20240229);
	assert_int_equal(rc, 0);
	assert_int_equal(date_of("2000-02-29", &rc), 20000229);
	assert_int_equal(rc, 0);
	assert_int_equal(date_of("2023/2/3", &rc), 20230203);
	assert_int_equal(rc, 0);
	assert_int_equal(date_of("2023.12.31", &rc), 20231231);
	assert_int_equal(rc, 0);
	assert_int_equal(date_of(" 2023年2月3日 ", &rc), 20230203);
	assert_int_equal(rc, 0);
	assert_int_equal(date_of("2023年12月01日", &rc), 20231201);
	assert_int_equal(rc, 0);

	static const char *bad[] = {
		"2023-02-30",  "2023-02-29", "1900-02-29",  "2023-04-31",
		"2023-13-01",  "2023-00-10", "2023-01-00",  "1799-12-31",
		"2201-01-01",  "2023-02/03", "2023-002-01", "23-02-03",
		"2023-02-03x", "2023年2月3", "20230203",    "",
		"2023-1-",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int ymd = 7;
		struct cc_error err;
		cc_error_clear(&err);
		assert_int_equal(cc_parse_date(bad[i], strlen(bad[i]), &ymd, &err), CC_EINVAL);
		assert_int_equal(ymd, 7);
		assert_true(err.msg[0] != '\0');
	}
	struct cc_error err;
	int ymd;
	cc_parse_date("2023-02-30", 10, &ymd, &err);
	assert_non_null(strstr(err.msg, "no such date"));

	char out[11];
	cc_format_date(20230203, out);
	assert_string_equal(out, "2023-02-03");
	cc_format_date(18000101, out);
	assert_string_equal(out, "1800-01-01");
}

static void test_periods(void **state)
{
	(void)state;
	struct {
		const char *s;
		int y, m;
	} ok[] = {
		{"2023", 2023, 0},	{"2023-05", 2023, 5},	{"2023/5", 2023, 5},
		{"202312", 2023, 12},	{"2023年5月", 2023, 5}, {"2023年", 2023, 0},
		{" 1900-01 ", 1900, 1},
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		int y = 0, m = -1;
		struct cc_error err;
		assert_int_equal(cc_parse_period(ok[i].s, strlen(ok[i].s), &y, &m, &err), 0);
		assert_int_equal(y, ok[i].y);
		assert_int_equal(m, ok[i].m);
	}
	static const char *bad[] = {"2023-13", "2023-00", "20231", "1899", "2023-5-1", "2201",
				    "2023-",   "202313",  "abcd",  "",	   "2023年5"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int y = -1, m = -1;
		struct cc_error err;
		cc_error_clear(&err);
		assert_int_equal(cc_parse_period(bad[i], strlen(bad[i]), &y, &m, &err), CC_EINVAL);
		assert_int_equal(y, -1);
		assert_true(err.msg[0] != '\0');
	}
}

static void test_trim_int(void **state)
{
	(void)state;
	const char *s = " \t\xE3\x80\x80"
			"a b\xE3\x80\x80\r\n";
	size_t n = strlen(s);
	cc_trim(&s, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "a b", 3);
	assert_true(cc_is_blank("  \xE3\x80\x80 ", 6));
	assert_true(cc_is_blank("", 0));
	assert_false(cc_is_blank(" 0 ", 3));
	/* A lone 0xE3 is not trimmed. */
	assert_false(cc_is_blank("\xE3\x80", 2));

	long long v = 0;
	assert_int_equal(cc_parse_int64("9223372036854775807", 19, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(cc_parse_int64("-9223372036854775808", 20, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(cc_parse_int64(" +42 ", 5, &v), 0);
	assert_true(v == 42);
	assert_int_equal(cc_parse_int64("9223372036854775808", 19, &v), CC_EINVAL);
	assert_int_equal(cc_parse_int64("-9223372036854775809", 20, &v), CC_EINVAL);
	assert_int_equal(cc_parse_int64("12a", 3, &v), CC_EINVAL);
	assert_int_equal(cc_parse_int64("", 0, &v), CC_EINVAL);
	assert_int_equal(cc_parse_int64("-", 1, &v), CC_EINVAL);
	assert_int_equal(cc_parse_int64("1.0", 3, &v), CC_EINVAL);

	/* Environment knobs: the default unless set, whole and in range. */
	unsetenv("CC_TEST_KNOB");
	assert_true(cc_env_int("CC_TEST_KNOB", 7, 1, 100) == 7);
	setenv("CC_TEST_KNOB", "42", 1);
	assert_true(cc_env_int("CC_TEST_KNOB", 7, 1, 100) == 42);
	setenv("CC_TEST_KNOB", "42ms", 1);
	assert_true(cc_env_int("CC_TEST_KNOB", 7, 1, 100) == 7);
	setenv("CC_TEST_KNOB", "0", 1);
	assert_true(cc_env_int("CC_TEST_KNOB", 7, 1, 100) == 7);
	setenv("CC_TEST_KNOB", "101", 1);
	assert_true(cc_env_int("CC_TEST_KNOB", 7, 1, 100) == 7);
	unsetenv("CC_TEST_KNOB");
}

/* ---- buffers and arenas ---- */

/* Writes S with cc_buf_csv_cell and compares with WANT; then reads it back through unguard. */
static void csv_cell_is(const char *s, int as_text, const char *want)
{
	struct cc_buf b = CC_BUF_INIT(1024);
	assert_int_equal(cc_buf_csv_cell(&b, s, strlen(s), as_text), 0);
	assert_string_equal(cc_buf_str(&b), want);
	/* Read back as the CSV reader and the importer do: the text comes back exactly. */
	if (*s) {
		struct cc_csv *c = csv_mem(b.data, b.len);
		struct cc_row row;
		struct cc_error err;
		assert_int_equal(cc_csv_next(c, &row, &err), 1);
		const char *p = row.fields[0];
		size_t n = row.lens[0];
		cc_csv_unguard(&p, &n);
		assert_int_equal(n, strlen(s));
		assert_memory_equal(p, s, n);
		cc_csv_free(c);
	}
	cc_buf_release(&b);
}

/*
 * The one CSV cell writer (issue 13.8): text a spreadsheet would run as a formula is guarded
 * with a single quote, numbers are not, and the importers' unguard gives the text back.
 */
static void test_csv_cell(void **state)
{
	(void)state;
	csv_cell_is("=HYPERLINK(\"http://x\",\"y\")", 1,
		    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	csv_cell_is("=1+2", 1, "'=1+2");
	csv_cell_is("+86 23", 1, "'+86 23");
	csv_cell_is("-5.2", 1, "'-5.2");
	csv_cell_is("-5.2", 0, "-5.2");
	csv_cell_is("@SUM(A1)", 1, "'@SUM(A1)");
	csv_cell_is("\tx", 1, "'\tx");
	csv_cell_is("\rx", 1, "\"'\rx\"");
	csv_cell_is("'=x", 1, "''=x");
	csv_cell_is("''+x", 1, "'''+x");
	csv_cell_is("'plain", 1, "'plain");
	csv_cell_is("a=b", 1, "a=b");
	csv_cell_is("\xE9\x87\x8D=x", 1, "\xE9\x87\x8D=x");
	csv_cell_is("a,b", 1, "\"a,b\"");
	csv_cell_is("", 1, "");
	assert_int_equal(cc_csv_needs_guard("'", 1), 0);
	assert_int_equal(cc_csv_needs_guard("''-", 3), 1);
	const char *p = "'x";
	size_t n = 2;
	cc_csv_unguard(&p, &n); /* not a guard: kept */
	assert_int_equal(n, 2);
}

/* The JSON writer: separators, nesting, strings, numbers, misuse and a full buffer. */
static void test_jw(void **state)
{
	(void)state;
	struct cc_buf b = CC_BUF_INIT(4096);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	cc_jw_object(&w);
	cc_jw_kstr(&w, "name", "重庆\"甲\"\n");
	cc_jw_knum(&w, "v", 0.1 + 0.2);
	cc_jw_knum(&w, "nan", NAN);
	cc_jw_kint(&w, "n", -9007199254740993LL);
	cc_jw_kbool(&w, "ok", 1);
	cc_jw_key(&w, "list");
	cc_jw_array(&w);
	cc_jw_int(&w, 1);
	cc_jw_str(&w, NULL);
	cc_jw_object(&w);
	cc_jw_end(&w);
	cc_jw_array(&w);
	cc_jw_end(&w);
	cc_jw_raw(&w, "{\"x\":1}", 7);
	cc_jw_end(&w);
	cc_jw_key(&w, "bad\xff");
	cc_jw_null(&w);
	cc_jw_end(&w);
	assert_int_equal(cc_jw_finish(&w), 0);
	assert_string_equal(cc_buf_str(&b),
			    "{\"name\":\"重庆\\\"甲\\\"\\n\",\"v\":0.3,\"nan\":null,"
			    "\"n\":-9007199254740993,\"ok\":true,\"list\":[1,null,{},[],{\"x\":1}],"
			    "\"bad\xEF\xBF\xBD\":null}");
	/* Misuse sticks and is reported once. */
	cc_buf_reset(&b);
	cc_jw_init(&w, &b);
	cc_jw_object(&w);
	cc_jw_int(&w, 1); /* a value without its key */
	cc_jw_end(&w);
	assert_int_equal(cc_jw_finish(&w), CC_EINVAL);
	cc_buf_reset(&b);
	cc_jw_init(&w, &b);
	cc_jw_array(&w);
	assert_int_equal(cc_jw_finish(&w), CC_EINVAL); /* not closed */
	cc_buf_reset(&b);
	cc_jw_init(&w, &b);
	cc_jw_end(&w);
	assert_int_equal(cc_jw_finish(&w), CC_EINVAL); /* nothing to close */
	cc_buf_release(&b);
	/* A full buffer: CC_ENOMEM, never a cut document passed as whole. */
	struct cc_buf small = CC_BUF_INIT(16);
	cc_jw_init(&w, &small);
	cc_jw_array(&w);
	for (int i = 0; i < 100; i++)
		cc_jw_int(&w, i);
	cc_jw_end(&w);
	assert_int_equal(cc_jw_finish(&w), CC_ENOMEM);
	cc_buf_release(&small);
}

static void test_buf(void **state)
{
	(void)state;
	struct cc_buf b = CC_BUF_INIT(1024);
	assert_string_equal(cc_buf_str(&b), "");
	assert_int_equal(cc_buf_json_str(&b, "a\"b\\c\n\x01\x1f\t", 9), 0);
	assert_string_equal(cc_buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001\\u001f\\t\"");
	cc_buf_reset(&b);
	assert_int_equal(cc_buf_json_str(&b,
					 "\xE4\xB8\xAD\xFF"
					 "x\xE4\xB8",
					 7),
			 0);
	assert_string_equal(cc_buf_str(&b),
			    "\"\xE4\xB8\xAD\xEF\xBF\xBDx\xEF\xBF\xBD\xEF\xBF\xBD\"");
	cc_buf_reset(&b);
	assert_int_equal(cc_buf_csv_field(&b, "plain", 5), 0);
	assert_int_equal(cc_buf_putc(&b, ','), 0);
	assert_int_equal(cc_buf_csv_field(&b, "a,\"b\"\nc", 7), 0);
	assert_string_equal(cc_buf_str(&b), "plain,\"a,\"\"b\"\"\nc\"");
	/* What cc_buf_csv_field writes, the CSV reader reads back. */
	assert_int_equal(cc_buf_putc(&b, '\n'), 0);
	struct cc_csv *c = csv_mem(b.data, b.len);
	expect_row(c, 1, 2, "plain", "a,\"b\"\nc");
	cc_csv_free(c);
	assert_int_equal(cc_buf_printf(&b, "%d-%s", 42, "x"), 0);
	assert_non_null(strstr(cc_buf_str(&b), "42-x"));
	char *d = cc_buf_detach(&b);
	assert_non_null(d);
	assert_int_equal(b.len, 0);
	free(d);
	cc_buf_release(&b);

	/* The maximum holds, content included terminator. */
	struct cc_buf s = CC_BUF_INIT(8);
	assert_int_equal(cc_buf_append(&s, "1234567", 7), 0);
	assert_int_equal(cc_buf_putc(&s, 'x'), CC_ENOMEM);
	assert_string_equal(cc_buf_str(&s), "1234567");
	assert_int_equal(cc_buf_puts(&s, "toolong"), CC_ENOMEM);
	/* A failure sticks: nothing shorter gets in after it (a writer checks its last append),
	 * until the buffer is reset. */
	assert_int_equal(cc_buf_append(&s, "", 0), CC_ENOMEM);
	assert_string_equal(cc_buf_str(&s), "1234567");
	cc_buf_reset(&s);
	assert_int_equal(cc_buf_putc(&s, 'y'), 0);
	struct cc_buf t = CC_BUF_INIT(12);
	assert_int_equal(cc_buf_puts(&t, "12345"), 0);
	assert_int_equal(cc_buf_puts(&t, "6789abcdef"), CC_ENOMEM);
	assert_int_equal(cc_buf_putc(&t, '}'), CC_ENOMEM);
	assert_string_equal(cc_buf_str(&t), "12345");
	cc_buf_release(&t);
	/* Numbers (the one formatter, cc_num_format): short decimals without printf, the rest
	 * with 15 significant digits (%.12g lost 123456789012.5's half), null for NaN /
	 * infinity. */
	struct cc_buf n = CC_BUF_INIT(512);
	const double vals[] = {0,	  1,	-2,    0.35,	0.175,
			       12111,	  -0.5, 1e-9,  1.0 / 3, 123456789012.5,
			       0.1 + 0.2, -0.0, 1e300, NAN,	INFINITY};
	for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
		assert_int_equal(cc_buf_num(&n, vals[k]), 0);
		assert_int_equal(cc_buf_putc(&n, ' '), 0);
	}
	assert_string_equal(cc_buf_str(&n), "0 1 -2 0.35 0.175 12111 -0.5 1e-09 0.333333333333333 "
					    "123456789012.5 0.3 0 1e+300 null null ");
	cc_buf_release(&n);
	/* The exact form reads back as the same double (0.30000000000000004, 1/3 with 17
	 * digits); any decimal of up to 15 digits comes back from the text form; SIG digits
	 * round for people. */
	char out[48];
	for (size_t k = 0; k + 2 < sizeof vals / sizeof vals[0]; k++) {
		assert_true(cc_num_format(vals[k], CC_NUM_EXACT, out, sizeof out) > 0);
		assert_true(strtod(out, NULL) == vals[k]);
	}
	assert_int_equal(cc_num_format(0.1 + 0.2, CC_NUM_EXACT, out, sizeof out), 19);
	assert_string_equal(out, "0.30000000000000004");
	static const char *const typed[] = {"0.123456789012345", "98765.4321098765", "1.5e-07",
					    "123456789012345", "-0.000123456789"};
	for (size_t k = 0; k < sizeof typed / sizeof typed[0]; k++) {
		cc_num_format(strtod(typed[k], NULL), CC_NUM_TEXT, out, sizeof out);
		assert_string_equal(out, typed[k]);
	}
	/* The text form is printf's "%.15g" (written without printf for most values): random
	 * doubles of every magnitude the fast path covers and beyond, values next to powers of
	 * ten and to halves of the 15th digit. */
	uint64_t rs = 88172645463325252ull;
	for (int k = 0; k < 300000; k++) {
		rs ^= rs << 13;
		rs ^= rs >> 7;
		rs ^= rs << 17;
		double m = (double)(rs >> 11) / 9007199254740992.0; /* [0, 1) */
		double v = ldexp(0.5 + m / 2, (int)(rs % 70) - 20) * (rs & 1 ? -1 : 1);
		if (k % 7 == 0)
			v = pow(10, (int)(rs % 24) - 6) * (k % 2 ? 1 + 1e-15 : 1 - 1e-16);
		if (k % 11 == 0)
			v = (floor(m * 1e14) + 0.5) / pow(10, (int)(rs % 20));
		char want[48];
		snprintf(want, sizeof want, "%.15g", v);
		cc_num_format(v, CC_NUM_TEXT, out, sizeof out);
		/* Short exact decimals (up to 8 decimals below 1e9) are written whole instead. */
		double a = fabs(v);
		int exact8 = a >= 1e-4 && a < 1e9 && floor(a * 1e8 + 0.5) / 1e8 == a;
		if (strcmp(out, want) != 0 && !(exact8 && strtod(out, NULL) == v)) {
			print_error("%.17g: '%s', printf '%s'\n", v, out, want);
			fail();
		}
	}
	assert_int_equal(cc_num_format(1.0 / 3, 6, out, sizeof out), 8);
	assert_string_equal(out, "0.333333");
	assert_int_equal(cc_num_format(NAN, 0, out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(cc_num_format(123456.5, 0, out, 4), 0); /* too small: nothing, not cut */
	assert_string_equal(out, "");
	cc_buf_reset(&s);
	assert_int_equal(cc_buf_printf(&s, "%s", "123456789"), CC_ENOMEM);
	assert_int_equal(cc_buf_json_str(&s, "abcdefgh", 8), CC_ENOMEM);
	cc_buf_release(&s);
	cc_buf_release(NULL);
	struct cc_buf big = CC_BUF_INIT(300);
	char fill[400];
	memset(fill, 'z', sizeof fill);
	assert_int_equal(cc_buf_printf(&big, "%.*s", 290, fill), 0);
	assert_int_equal(big.len, 290);
	assert_int_equal(cc_buf_printf(&big, "%.*s", 20, fill), CC_ENOMEM);
	cc_buf_release(&big);
}

static void test_arena(void **state)
{
	(void)state;
	struct cc_arena a;
	cc_arena_init(&a, 256);
	char *prev = NULL;
	for (int i = 0; i < 1000; i++) {
		char *p = cc_arena_alloc(&a, (size_t)(i % 37) + 1);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		memset(p, 0xAB, (size_t)(i % 37) + 1);
		assert_true(p != prev);
		prev = p;
	}
	char *big = cc_arena_alloc(&a, 10000);
	assert_non_null(big);
	memset(big, 1, 10000);
	char *s = cc_arena_strndup(&a, "hello world", 5);
	assert_string_equal(s, "hello");
	assert_string_equal(cc_arena_strdup(&a, "\xE4\xB8\xAD"), "\xE4\xB8\xAD");
	assert_true(a.total >= 10000);
	cc_arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
	/* Usable again after release. */
	assert_non_null(cc_arena_alloc(&a, 8));
	cc_arena_release(&a);
}

/* Exact decimal fixed point: values parsed from decimal text come back bit for bit, the
 * scale is the smallest that holds every value, and anything that would not come back
 * exactly (more decimals, out of range, -0) keeps the column as doubles. */
static void test_fixed(void **state)
{
	(void)state;
	double amounts[] = {35.53, 24.29, 2726496.28, 12.2, 0, NAN, 9.27, 1e-2};
	size_t n = sizeof amounts / sizeof amounts[0];
	assert_true(cc_fixed_scale(amounts, n) == 100);
	int32_t q[8];
	assert_int_equal(cc_fixed_pack(amounts, NULL, n, 100, q), 0);
	for (size_t i = 0; i < n; i++) {
		struct cc_fixed c = {.q = q, .scale = 100};
		double back = cc_fixed_get(&c, i);
		if (isnan(amounts[i]))
			assert_true(isnan(back) && q[i] == CC_FIXED_NAN);
		else
			assert_memory_equal(&back, &amounts[i], sizeof back);
	}
	/* Shares with four decimals, in a permuted order; the text's double each time. */
	double shares[] = {0.1214, 0.083, 1, 0.0001, 0.4243};
	int32_t perm[] = {4, 3, 2, 1, 0}, qs[5];
	assert_true(cc_fixed_scale(shares, 5) == 1e4);
	assert_int_equal(cc_fixed_pack(shares, perm, 5, 1e4, qs), 0);
	assert_int_equal(qs[0], 4243);
	assert_int_equal(qs[4], 1214);
	char text[32];
	for (int i = 0; i < 5; i++) {
		struct cc_fixed c = {.q = qs, .scale = 1e4};
		double back = cc_fixed_get(&c, (size_t)i);
		snprintf(text, sizeof text, "%.4f", shares[perm[i]]);
		assert_true(back == strtod(text, NULL));
	}
	/* Integers take scale 1; all unknown too. */
	double counts[] = {3, 17, 250000, NAN};
	assert_true(cc_fixed_scale(counts, 4) == 1);
	double unknown[] = {NAN, NAN};
	assert_true(cc_fixed_scale(unknown, 2) == 1);
	/* No exact form: a computed third, ten decimals, too large at its scale, -0, inf. */
	double third[] = {1.5, 1.0 / 3};
	assert_true(cc_fixed_scale(third, 2) == 0);
	double tiny[] = {1e-10};
	assert_true(cc_fixed_scale(tiny, 1) == 0);
	double big[] = {2147483647.0, 0.5}; /* fits alone, not at scale 10 */
	assert_true(cc_fixed_scale(big, 2) == 0);
	double edge[] = {2147483647.0, 5};
	assert_true(cc_fixed_scale(edge, 2) == 1);
	double negzero[] = {-0.0};
	assert_true(cc_fixed_scale(negzero, 1) == 0);
	double inf[] = {INFINITY};
	assert_true(cc_fixed_scale(inf, 1) == 0);
	/* pack refuses a value its scale does not hold. */
	double more[] = {1.25, 1.125};
	int32_t qm[2];
	assert_int_equal(cc_fixed_pack(more, NULL, 2, 100, qm), -1);
	assert_true(cc_fixed_scale(more, 2) == 1000);
	assert_int_equal(cc_fixed_pack(more, NULL, 2, 1000, qm), 0);
	/* Negative amounts (profits) too. */
	double neg[] = {-1234.56, 78.9};
	assert_true(cc_fixed_scale(neg, 2) == 100);
}

/* cc_slots_row: rows in order of first appearance, found again after the table grows, new
 * rows zeroed; 3,000 region-like keys among 200,000 draws against a linear scan; cc_slots_keys
 * gives them back in that order. */
static void test_slots(void **state)
{
	(void)state;
	struct row {
		int32_t key;
		int count;
	};
	struct cc_slots sl = {0};
	struct row *rows = NULL;
	int32_t order[3000];
	int n = 0;
	uint64_t seed = 5;
	for (int d = 0; d < 200000; d++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		int32_t key = 500000 + (int32_t)((seed >> 33) % 1500) * 7 - (d % 2 ? 1000000 : 0);
		int want = 0;
		while (want < n && order[want] != key)
			want++;
		if (want == n && n < 3000)
			order[n++] = key;
		int k = cc_slots_row(&sl, key, (void **)&rows, sizeof *rows);
		assert_int_equal(k, want);
		if (rows[k].count == 0)
			assert_int_equal(rows[k].key, 0); /* a new row comes zeroed */
		rows[k].key = key;
		rows[k].count++;
	}
	assert_int_equal(sl.n, n);
	long total = 0;
	for (int k = 0; k < n; k++) {
		assert_int_equal(rows[k].key, order[k]);
		total += rows[k].count;
	}
	assert_int_equal(total, 200000);
	/* the keys read off the hash: the rows' order */
	int32_t keys[3000];
	cc_slots_keys(&sl, keys);
	for (int k = 0; k < n; k++)
		assert_int_equal(keys[k], order[k]);
	free(rows);
	cc_slots_release(&sl);
}

/* Units in the last place between A and libm's B. */
static double ulps(double a, double b)
{
	if (a == b)
		return 0;
	return fabs(a - b) / fabs(nextafter(b, INFINITY) - b);
}

/*
 * base/vlog.h against libm's log: random bit patterns over the whole positive normal range,
 * values just around 1 (where log's result is small and a careless reduction loses digits),
 * powers of two and the ends of the range; within one unit in the last place everywhere.
 * cc_vlog_ok marks zero, subnormals, infinities, NaN and negatives as outside the domain.
 */
CC_VEC_CLONES
static double vlog_worst(void)
{
	uint64_t st = 88172645463325252ull;
	double worst = 0;
	for (int i = 0; i < 400000; i++) {
		double v[4];
		for (int l = 0; l < 4; l++) {
			st ^= st << 13;
			st ^= st >> 7;
			st ^= st << 17;
			uint64_t b = (st >> 12) | ((uint64_t)(1 + st % 2046) << 52);
			memcpy(&v[l], &b, sizeof b);
			if (i % 4 == 1)
				v[l] = 1 + (double)(st >> 11) / 9007199254740992.0 * 1e-6 *
						   (l % 2 ? 1 : -1);
			if (i % 4 == 2)
				v[l] = ldexp(1.0, (int)(st % 2044) - 1021);
		}
		if (i == 0) {
			v[0] = DBL_MIN;
			v[1] = DBL_MAX;
			v[2] = 1.0;
			v[3] = nextafter(1.0, 0);
		}
		cc_v4d r = cc_vlog(cc_v4d_load(v));
		for (int l = 0; l < 4; l++)
			worst = fmax(worst, ulps(r[l], log(v[l])));
	}
	return worst;
}

/* The civil-date conversions report/ and store/dialect.c share: known days, a round trip over
 * every day from 1800 to 2200, a day past the month's end rolling on. */
static void test_civil_days(void **state)
{
	(void)state;
	assert_true(cc_days_from_ymd(19700101) == 0);
	assert_true(cc_days_from_ymd(20000301) == 11017);
	assert_true(cc_days_from_ymd(20240229) == 19782);
	assert_true(cc_days_from_ymd(19000101) == -25567);
	assert_true(cc_days_from_ymd(20230231) == cc_days_from_ymd(20230303));
	int64_t prev = cc_days_from_ymd(18000101) - 1;
	for (int64_t d = prev + 1; d <= cc_days_from_ymd(22001231); d++) {
		int64_t ymd = cc_ymd_from_days(d);
		int m = (int)(ymd / 100 % 100), day = (int)(ymd % 100);
		assert_true(m >= 1 && m <= 12 && day >= 1 && day <= 31);
		assert_true(cc_days_from_ymd(ymd) == d);
		assert_true(cc_days_from_ymd(ymd) == prev + 1);
		prev = d;
	}
}

static void test_vlog(void **state)
{
	(void)state;
	double worst = vlog_worst();
	if (!(worst <= 1.0))
		fail_msg("cc_vlog is %.3f units in the last place from libm's log", worst);
	const double bad[4] = {0.0, 4e-320, INFINITY, -1.0};
	cc_v4l ok = cc_vlog_ok(cc_v4d_load(bad));
	for (int l = 0; l < 4; l++)
		assert_int_equal(ok[l], 0);
	const double good[4] = {DBL_MIN, 1.0, 3.5e200, DBL_MAX};
	ok = cc_vlog_ok(cc_v4d_load(good));
	for (int l = 0; l < 4; l++)
		assert_int_equal(ok[l], -1);
	const double nan4[4] = {NAN, NAN, NAN, NAN};
	ok = cc_vlog_ok(cc_v4d_load(nan4));
	assert_int_equal(ok[0], 0);
}

/* cc_big_alloc: small sizes as malloc, large ones aligned to 2 MiB, all usable and freed by
 * free(). */
static void test_big_alloc(void **state)
{
	(void)state;
	assert_null(cc_big_alloc(0));
	const size_t sizes[] = {1, 4096, (size_t)4 << 20, ((size_t)9 << 20) + 17};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		unsigned char *p = cc_big_alloc(sizes[k]);
		assert_non_null(p);
		memset(p, 0xab, sizes[k]);
		assert_int_equal(p[sizes[k] - 1], 0xab);
		if (sizes[k] >= ((size_t)4 << 20))
			assert_int_equal((uintptr_t)p % ((size_t)2 << 20), 0);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_validator),
		cmocka_unit_test(test_utf8_cut),
		cmocka_unit_test(test_gb18030_validator),
		cmocka_unit_test(test_detect_basic),
		cmocka_unit_test(test_detect_errors),
		cmocka_unit_test(test_detect_bytewise),
		cmocka_unit_test(test_gb18030_to_utf8),
		cmocka_unit_test(test_source_mem),
		cmocka_unit_test(test_source_file_gb18030),
		cmocka_unit_test(test_csv_basic),
		cmocka_unit_test(test_csv_quotes),
		cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_csv_chunks),
		cmocka_unit_test(test_csv_edge),
		cmocka_unit_test(test_csv_resync),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_trim_int),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_jw),
		cmocka_unit_test(test_csv_cell),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_vlog),
		cmocka_unit_test(test_big_alloc),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_civil_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
