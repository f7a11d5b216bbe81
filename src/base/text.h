/*
 * Text encodings and byte sources. Everything inside ChainChief is UTF-8; files may arrive as
 * UTF-8 (with or without BOM) or GB18030/GBK, which is detected, never asked for.
 *
 * A struct cc_source yields the UTF-8 bytes of a file or memory block: it detects the
 * encoding first (a streaming pass over the whole input in fixed-size chunks, so memory stays
 * bounded), then converts GB18030 to UTF-8 with iconv as it is read, and drops a UTF-8 BOM.
 */
#ifndef CC_BASE_TEXT_H
#define CC_BASE_TEXT_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "base/error.h"

enum cc_encoding {
	CC_ENC_UTF8 = 0,
	CC_ENC_UTF8_BOM = 1,
	CC_ENC_GB18030 = 2,
};

/* Returns "utf-8", "utf-8-bom" or "gb18030". */
const char *cc_encoding_name(enum cc_encoding enc);

/*
 * Returns the length of the longest prefix of P[0..N) that is well-formed UTF-8 (shortest
 * forms only, no surrogates, nothing above U+10FFFF). A sequence cut off by the end of the
 * buffer counts as invalid.
 */
size_t cc_utf8_valid_prefix(const unsigned char *p, size_t n);

/* Same for GB18030 (1, 2 and 4-byte sequences). */
size_t cc_gb18030_valid_prefix(const unsigned char *p, size_t n);

/*
 * Streaming encoding detection. Feed the input in pieces of any size (sequences may straddle
 * pieces), then finish. Decision: a UTF-8 BOM means UTF-8; input valid as UTF-8 is UTF-8;
 * else input valid as GB18030 is GB18030; else CC_EENCODING with a message naming the byte
 * offset and line of the first byte that is invalid in both (the later of the two failure
 * points, since the file was neither). Offsets are 0-based, lines 1-based; a sequence cut by
 * the end of the input is invalid at its first byte. A file starting with a BOM must be valid
 * UTF-8 (GB18030 is not tried for it). The carry arrays are private to text.c.
 */
struct cc_encdetect {
	int utf8_ok, gb_ok, bom;
	uint64_t offset; /* bytes fed so far */
	uint64_t line;	 /* 1-based line of the current position */
	uint64_t utf8_bad_off, utf8_bad_line;
	uint64_t gb_bad_off, gb_bad_line;
	unsigned char carry_u[4], carry_g[4];
	int carry_un, carry_gn;
	unsigned char first[3];
	int nfirst;
};
void cc_encdetect_init(struct cc_encdetect *d);
void cc_encdetect_feed(struct cc_encdetect *d, const unsigned char *p, size_t n);
int cc_encdetect_finish(struct cc_encdetect *d, enum cc_encoding *enc, struct cc_error *err);

struct cc_source;

/*
 * Opens PATH (a regular file, read twice: once to detect, once to convert) as a UTF-8 byte
 * source. Returns 0 and *out (caller frees with cc_source_free), or CC_EIO / CC_EENCODING.
 */
int cc_source_open_file(struct cc_source **out, const char *path, struct cc_error *err);

/* Same over memory the caller keeps alive until cc_source_free. */
int cc_source_open_mem(struct cc_source **out, const void *p, size_t n, struct cc_error *err);

/*
 * Reads up to N bytes of UTF-8 into BUF. Returns the count (0 at end) or a negative CC_E*
 * (I/O error, or a conversion error with the offset in ERR).
 */
ssize_t cc_source_read(struct cc_source *s, char *buf, size_t n, struct cc_error *err);

enum cc_encoding cc_source_encoding(const struct cc_source *s);
/* Input bytes consumed so far and in all (for progress bars). */
uint64_t cc_source_pos(const struct cc_source *s);
uint64_t cc_source_size(const struct cc_source *s);
void cc_source_free(struct cc_source *s);

/*
 * Converts N bytes of GB18030 at P to UTF-8 in a malloc'd NUL-terminated string (caller
 * frees), length in *outlen. Returns 0 or CC_EENCODING / CC_ENOMEM.
 */
int cc_gb18030_to_utf8(const char *p, size_t n, char **out, size_t *outlen, struct cc_error *err);

/* Number of Unicode code points in the valid UTF-8 string S of N bytes. */
size_t cc_utf8_len(const char *s, size_t n);

/*
 * Where to cut S (N bytes of UTF-8) to keep at most MAX bytes without splitting a character:
 * returns N when N <= MAX, else the largest length <= MAX that does not end inside a
 * multi-byte sequence (MAX itself when S[MAX] starts a character). Only a lead byte whose
 * sequence would run past MAX moves the cut back, so bytes that are not UTF-8 (a stray
 * continuation byte) are cut like any byte rather than swallowing the text before them.
 * MAX 0 gives 0. S need not be NUL-terminated; it must hold N bytes.
 */
size_t cc_utf8_cut(const char *s, size_t n, size_t max);

#endif
