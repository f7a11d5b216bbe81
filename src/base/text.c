/*
 * Text encodings and byte sources (see text.h). Input files reach ChainChief as UTF-8, UTF-8
 * with a BOM, or GB18030 (which includes GBK and GB2312) as Chinese Excel writes them; this
 * file decides which by validating the whole input, then hands out UTF-8 only.
 *
 * Detection is streaming: struct cc_encdetect runs a UTF-8 and a GB18030 validator side by
 * side over pieces of any size, carrying a sequence cut by a piece boundary over to the next
 * piece, and counting lines so that the error for a file that is neither names the line as
 * well as the byte offset (0-based). A struct cc_source reads a file twice -- once in 1 MiB
 * chunks to detect, once to stream -- so memory stays bounded whatever the file's size; the
 * GB18030 conversion goes through glibc iconv in chunks, keeping a sequence split by a chunk
 * end for the next round.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/text.h"

#define DETECT_CHUNK (1u << 20)	  /* detection pass read size */
#define CONV_IN	     (64u << 10)  /* GB18030 input chunk */
#define CONV_OUT     (256u << 10) /* converted output buffer (>= 2 * CONV_IN, worst case 1.5x) */

const char *cc_encoding_name(enum cc_encoding enc)
{
	switch (enc) {
	case CC_ENC_UTF8_BOM: return "utf-8-bom";
	case CC_ENC_GB18030: return "gb18030";
	case CC_ENC_UTF8:
	default: return "utf-8";
	}
}

/* Scan results: the whole input was valid, a sequence is invalid, or one is cut by the end. */
enum scan_state { SCAN_OK, SCAN_BAD, SCAN_CUT };

/*
 * True when the 8 bytes at P are all ASCII. memcpy keeps the load legal at any alignment and
 * compiles to one instruction.
 */
static int ascii8(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return (v & 0x8080808080808080ull) == 0;
}

/*
 * Scans P[0..N) as UTF-8 (Unicode Table 3-7: shortest forms, no surrogates, at most U+10FFFF).
 * Returns the length of the valid prefix; *ST says why it stopped: SCAN_OK (all valid),
 * SCAN_BAD (the sequence at the returned offset is ill-formed) or SCAN_CUT (it is a valid
 * beginning that the end of the input cuts off).
 */
static size_t utf8_scan(const unsigned char *p, size_t n, enum scan_state *st)
{
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			while (i + 8 <= n && ascii8(p + i))
				i += 8;
			continue;
		}
		unsigned c = p[i];
		size_t len;
		unsigned lo = 0x80, hi = 0xBF; /* range allowed for the second byte */
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			*st = SCAN_BAD;
			return i;
		}
		for (size_t k = 1; k < len; k++) {
			if (i + k >= n) {
				*st = SCAN_CUT;
				return i;
			}
			unsigned b = p[i + k];
			if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) {
				*st = SCAN_BAD;
				return i;
			}
		}
		i += len;
	}
	*st = SCAN_OK;
	return n;
}

/*
 * Scans P[0..N) as GB18030: 0x00-0x7F; lead 0x81-0xFE with a trail 0x40-0x7E or 0x80-0xFE;
 * or 0x81-0xFE 0x30-0x39 0x81-0xFE 0x30-0x39. Results as utf8_scan.
 */
static size_t gb_scan(const unsigned char *p, size_t n, enum scan_state *st)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		if (c < 0x80) {
			i++;
			while (i + 8 <= n && ascii8(p + i))
				i += 8;
			continue;
		}
		if (c == 0x80 || c == 0xFF)
			goto bad;
		if (i + 1 >= n)
			goto cut;
		unsigned b = p[i + 1];
		if ((b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFE)) {
			i += 2;
			continue;
		}
		if (b < 0x30 || b > 0x39)
			goto bad;
		if (i + 2 >= n)
			goto cut;
		if (p[i + 2] < 0x81 || p[i + 2] > 0xFE)
			goto bad;
		if (i + 3 >= n)
			goto cut;
		if (p[i + 3] < 0x30 || p[i + 3] > 0x39)
			goto bad;
		i += 4;
	}
	*st = SCAN_OK;
	return n;
bad:
	*st = SCAN_BAD;
	return i;
cut:
	*st = SCAN_CUT;
	return i;
}

size_t cc_utf8_valid_prefix(const unsigned char *p, size_t n)
{
	enum scan_state st;
	return utf8_scan(p, n, &st);
}

size_t cc_gb18030_valid_prefix(const unsigned char *p, size_t n)
{
	enum scan_state st;
	return gb_scan(p, n, &st);
}

/* Number of '\n' bytes in P[0..N). */
static uint64_t count_lines(const unsigned char *p, size_t n)
{
	uint64_t k = 0;
	const unsigned char *end = p + n;
	while (p < end) {
		const unsigned char *q = memchr(p, '\n', (size_t)(end - p));
		if (!q)
			break;
		k++;
		p = q + 1;
	}
	return k;
}

void cc_encdetect_init(struct cc_encdetect *d)
{
	memset(d, 0, sizeof *d);
	d->utf8_ok = d->gb_ok = 1;
	d->line = 1;
}

/*
 * One validator's state inside struct cc_encdetect. Once a validator has failed its carry is
 * no longer needed, so carry[0] keeps the offending byte for the error message.
 */
struct vstate {
	int *ok;
	uint64_t *bad_off, *bad_line;
	unsigned char *carry;
	int *carry_n;
	size_t (*scan)(const unsigned char *, size_t, enum scan_state *);
};

static void vfail(struct vstate *v, uint64_t off, uint64_t line, unsigned char byte)
{
	*v->ok = 0;
	*v->bad_off = off;
	*v->bad_line = line;
	v->carry[0] = byte;
	*v->carry_n = 0;
}

/*
 * Runs one validator over the piece P[0..N), which starts at input offset OFF and line LINE.
 * A sequence cut at the previous piece's end is completed first from the head of P.
 */
static void vfeed(struct vstate *v, const unsigned char *p, size_t n, uint64_t off, uint64_t line)
{
	enum scan_state st;
	size_t i = 0;
	if (!*v->ok)
		return;
	if (*v->carry_n > 0) {
		/* At most 3 bytes are carried, and one sequence is at most 4 bytes long. */
		unsigned char tmp[8];
		size_t cn = (size_t)*v->carry_n;
		size_t take = n < 4 ? n : 4;
		memcpy(tmp, v->carry, cn);
		memcpy(tmp + cn, p, take);
		size_t len = v->scan(tmp, cn + take, &st);
		if (len == 0 && st == SCAN_CUT) {
			/* Still cut: P was too short to finish the sequence (so take == n). */
			memcpy(v->carry + cn, p, n);
			*v->carry_n = (int)(cn + n);
			return;
		}
		if (len == 0) {
			/* The carried bytes hold no newline: they follow a lead byte >= 0x80. */
			vfail(v, off - cn, line, tmp[0]);
			return;
		}
		/* The first sequence is the shortest prefix of TMP that scans whole. */
		size_t seqlen = cn + 1;
		while (seqlen < cn + take && v->scan(tmp, seqlen, &st) != seqlen)
			seqlen++;
		i = seqlen - cn;
		*v->carry_n = 0;
	}
	size_t len = v->scan(p + i, n - i, &st);
	if (st == SCAN_OK)
		return;
	size_t at = i + len;
	if (st == SCAN_CUT) {
		memcpy(v->carry, p + at, n - at);
		*v->carry_n = (int)(n - at);
		return;
	}
	vfail(v, off + at, line + count_lines(p, at), p[at]);
}

static void vstates(struct cc_encdetect *d, struct vstate *u, struct vstate *g)
{
	u->ok = &d->utf8_ok;
	u->bad_off = &d->utf8_bad_off;
	u->bad_line = &d->utf8_bad_line;
	u->carry = d->carry_u;
	u->carry_n = &d->carry_un;
	u->scan = utf8_scan;
	g->ok = &d->gb_ok;
	g->bad_off = &d->gb_bad_off;
	g->bad_line = &d->gb_bad_line;
	g->carry = d->carry_g;
	g->carry_n = &d->carry_gn;
	g->scan = gb_scan;
}

void cc_encdetect_feed(struct cc_encdetect *d, const unsigned char *p, size_t n)
{
	struct vstate u, g;
	for (size_t i = 0; d->nfirst < 3 && i < n; i++) {
		d->first[d->nfirst++] = p[i];
		if (d->nfirst == 3 && memcmp(d->first, "\xEF\xBB\xBF", 3) == 0)
			d->bom = 1;
	}
	if (n == 0)
		return;
	vstates(d, &u, &g);
	vfeed(&u, p, n, d->offset, d->line);
	vfeed(&g, p, n, d->offset, d->line);
	d->line += count_lines(p, n);
	d->offset += n;
}

int cc_encdetect_finish(struct cc_encdetect *d, enum cc_encoding *enc, struct cc_error *err)
{
	/* A sequence still cut at the end of the input is invalid where it begins. */
	struct vstate u, g;
	vstates(d, &u, &g);
	if (d->utf8_ok && d->carry_un > 0)
		vfail(&u, d->offset - (uint64_t)d->carry_un, d->line, d->carry_u[0]);
	if (d->gb_ok && d->carry_gn > 0)
		vfail(&g, d->offset - (uint64_t)d->carry_gn, d->line, d->carry_g[0]);
	if (d->bom) {
		/* The BOM declares UTF-8: GB18030 is not considered for such a file. */
		if (d->utf8_ok) {
			*enc = CC_ENC_UTF8_BOM;
			return 0;
		}
		return cc_error_set(err, CC_EENCODING,
				    "file has a UTF-8 BOM but is not UTF-8: invalid byte 0x%02x at "
				    "offset %llu (line %llu)",
				    d->carry_u[0], (unsigned long long)d->utf8_bad_off,
				    (unsigned long long)d->utf8_bad_line);
	}
	if (d->utf8_ok) {
		*enc = CC_ENC_UTF8;
		return 0;
	}
	if (d->gb_ok) {
		*enc = CC_ENC_GB18030;
		return 0;
	}
	int gb_later = d->gb_bad_off > d->utf8_bad_off;
	return cc_error_set(err, CC_EENCODING,
			    "file is neither UTF-8 nor GB18030: invalid byte 0x%02x at offset %llu "
			    "(line %llu)",
			    gb_later ? d->carry_g[0] : d->carry_u[0],
			    (unsigned long long)(gb_later ? d->gb_bad_off : d->utf8_bad_off),
			    (unsigned long long)(gb_later ? d->gb_bad_line : d->utf8_bad_line));
}

struct cc_source {
	enum cc_encoding enc;
	int fd;			  /* -1 for a memory source */
	const unsigned char *mem; /* memory source */
	uint64_t size;		  /* input bytes in all */
	uint64_t pos;		  /* input bytes consumed */
	uint64_t line;		  /* line of the input at POS (for conversion errors) */
	int eof;		  /* no more input to fetch */
	iconv_t cd;		  /* GB18030 only */
	unsigned char *in;	  /* file input chunk, GB18030 only */
	size_t in_start, in_len;
	char *out; /* converted bytes not yet handed out, GB18030 only */
	size_t out_start, out_len;
};

void cc_source_free(struct cc_source *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->cd != (iconv_t)-1)
		iconv_close(s->cd);
	free(s->in);
	free(s->out);
	free(s);
}

static struct cc_source *source_new(void)
{
	struct cc_source *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->fd = -1;
	s->cd = (iconv_t)-1;
	s->line = 1;
	return s;
}

/* Sets up S for reading once its encoding is known: BOM skipping, or the iconv buffers. */
static int source_prepare(struct cc_source *s, struct cc_error *err)
{
	if (s->enc == CC_ENC_UTF8_BOM) {
		s->pos = 3;
		return 0;
	}
	if (s->enc != CC_ENC_GB18030)
		return 0;
	s->cd = iconv_open("UTF-8", "GB18030");
	if (s->cd == (iconv_t)-1)
		return cc_error_set(err, CC_EENCODING, "cannot convert from GB18030: %s",
				    strerror(errno));
	s->out = malloc(CONV_OUT);
	if (s->fd >= 0)
		s->in = malloc(CONV_IN);
	if (!s->out || (s->fd >= 0 && !s->in))
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	return 0;
}

int cc_source_open_mem(struct cc_source **out, const void *p, size_t n, struct cc_error *err)
{
	struct cc_encdetect d;
	int rc = 0;
	struct cc_source *s = source_new();
	*out = NULL;
	if (!s)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	s->mem = p;
	s->size = n;
	cc_encdetect_init(&d);
	if (n)
		cc_encdetect_feed(&d, p, n);
	rc = cc_encdetect_finish(&d, &s->enc, err);
	if (rc)
		goto out;
	rc = source_prepare(s, err);
out:
	if (rc)
		cc_source_free(s);
	else
		*out = s;
	return rc;
}

int cc_source_open_file(struct cc_source **out, const char *path, struct cc_error *err)
{
	struct cc_encdetect d;
	struct stat st;
	unsigned char *chunk = NULL;
	int rc = 0;
	struct cc_source *s = source_new();
	*out = NULL;
	if (!s)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		rc = cc_error_set(err, CC_EIO, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = cc_error_set(err, CC_EIO, "cannot read '%s': not a regular file", path);
		goto out;
	}
	chunk = malloc(DETECT_CHUNK);
	if (!chunk) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	cc_encdetect_init(&d);
	for (;;) {
		ssize_t k = read(s->fd, chunk, DETECT_CHUNK);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			rc = cc_error_set(err, CC_EIO, "cannot read '%s': %s", path,
					  strerror(errno));
			goto out;
		}
		if (k == 0)
			break;
		cc_encdetect_feed(&d, chunk, (size_t)k);
	}
	s->size = d.offset;
	rc = cc_encdetect_finish(&d, &s->enc, err);
	if (rc) {
		/* Name the file in front of the detector's message. */
		struct cc_error e2;
		cc_error_set(&e2, rc, "'%s': %s", path, err ? err->msg : "bad encoding");
		if (err)
			*err = e2;
		goto out;
	}
	rc = source_prepare(s, err);
	if (rc)
		goto out;
	if (lseek(s->fd, (off_t)s->pos, SEEK_SET) < 0) {
		rc = cc_error_set(err, CC_EIO, "cannot rewind '%s': %s", path, strerror(errno));
		goto out;
	}
out:
	free(chunk);
	if (rc)
		cc_source_free(s);
	else
		*out = s;
	return rc;
}

/* Reads up to N raw bytes from a file source, retrying on EINTR. */
static ssize_t read_fd(struct cc_source *s, void *buf, size_t n, struct cc_error *err)
{
	for (;;) {
		ssize_t k = read(s->fd, buf, n);
		if (k >= 0)
			return k;
		if (errno != EINTR)
			return cc_error_set(err, CC_EIO, "cannot read input: %s", strerror(errno));
	}
}

/* UTF-8 sources: the bytes pass through (the BOM was skipped by source_prepare). */
static ssize_t read_utf8(struct cc_source *s, char *buf, size_t n, struct cc_error *err)
{
	if (s->fd < 0) {
		uint64_t left = s->size - s->pos;
		if (n > left)
			n = (size_t)left;
		memcpy(buf, s->mem + s->pos, n);
		s->pos += n;
		return (ssize_t)n;
	}
	ssize_t k = read_fd(s, buf, n, err);
	if (k > 0)
		s->pos += (uint64_t)k;
	return k;
}

/*
 * Converts more GB18030 input into S->out (which must be empty). Returns 0 (S->out_len may
 * still be 0 at the end of the input) or CC_EIO / CC_EENCODING.
 */
static int convert_more(struct cc_source *s, struct cc_error *err)
{
	s->out_start = s->out_len = 0;
	while (s->out_len == 0) {
		const unsigned char *src;
		size_t avail;
		if (s->fd >= 0) {
			if (s->in_len == 0 || (!s->eof && s->in_len < 4)) {
				/* Keep a sequence cut by the chunk end, and fetch what follows. */
				memmove(s->in, s->in + s->in_start, s->in_len);
				s->in_start = 0;
				if (!s->eof) {
					ssize_t k = read_fd(s, s->in + s->in_len,
							    CONV_IN - s->in_len, err);
					if (k < 0)
						return (int)k;
					if (k == 0)
						s->eof = 1;
					s->in_len += (size_t)k;
				}
			}
			src = s->in + s->in_start;
			avail = s->in_len;
		} else {
			src = s->mem + s->pos;
			avail = (size_t)(s->size - s->pos);
			s->eof = 1;
		}
		if (avail == 0)
			return 0;
		char *ip = (char *)src, *op = s->out;
		size_t il = avail, ol = CONV_OUT;
		size_t r = iconv(s->cd, &ip, &il, &op, &ol);
		int e = errno;
		size_t used = avail - il;
		s->line += count_lines(src, used);
		s->pos += used;
		if (s->fd >= 0) {
			s->in_start += used;
			s->in_len -= used;
		}
		s->out_len = CONV_OUT - ol;
		if (r != (size_t)-1 || e == E2BIG)
			continue;
		if (e == EINVAL && !s->eof && used + 4 > avail)
			continue; /* cut at the chunk end: read on */
		if (s->out_len > 0)
			continue; /* hand out what converted; the error comes back next time */
		/* Nothing moves past the bad byte, so every later read reports it again. */
		return cc_error_set(
			err, CC_EENCODING,
			"cannot convert GB18030 byte 0x%02x at offset %llu (line %llu)%s",
			(unsigned)src[used], (unsigned long long)s->pos,
			(unsigned long long)s->line,
			e == EINVAL ? ": sequence cut at end of input" : "");
	}
	return 0;
}

static ssize_t read_gb(struct cc_source *s, char *buf, size_t n, struct cc_error *err)
{
	size_t done = 0;
	while (done < n) {
		if (s->out_len == 0) {
			int rc = convert_more(s, err);
			if (rc)
				return done ? (ssize_t)done : rc;
			if (s->out_len == 0)
				break;
		}
		size_t k = s->out_len < n - done ? s->out_len : n - done;
		memcpy(buf + done, s->out + s->out_start, k);
		s->out_start += k;
		s->out_len -= k;
		done += k;
	}
	return (ssize_t)done;
}

ssize_t cc_source_read(struct cc_source *s, char *buf, size_t n, struct cc_error *err)
{
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	if (s->enc == CC_ENC_GB18030)
		return read_gb(s, buf, n, err);
	return read_utf8(s, buf, n, err);
}

enum cc_encoding cc_source_encoding(const struct cc_source *s)
{
	return s->enc;
}

uint64_t cc_source_pos(const struct cc_source *s)
{
	return s->pos;
}

uint64_t cc_source_size(const struct cc_source *s)
{
	return s->size;
}

int cc_gb18030_to_utf8(const char *p, size_t n, char **out, size_t *outlen, struct cc_error *err)
{
	int rc = 0;
	char *buf = NULL;
	iconv_t cd = (iconv_t)-1;
	*out = NULL;
	*outlen = 0;
	/* Each GB18030 sequence of k bytes becomes at most 3k/2 bytes of UTF-8 (2 -> 3, 4 -> 4). */
	if (n > (SIZE_MAX - 8) / 3 * 2) {
		rc = cc_error_set(err, CC_ENOMEM, "text too long to convert");
		goto out;
	}
	size_t cap = n + n / 2 + 8;
	buf = malloc(cap);
	if (!buf) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1) {
		rc = cc_error_set(err, CC_EENCODING, "cannot convert from GB18030: %s",
				  strerror(errno));
		goto out;
	}
	char *ip = (char *)p, *op = buf;
	size_t il = n, ol = cap - 1;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		int e = errno;
		size_t at = n - il;
		rc = cc_error_set(
			err, CC_EENCODING, "%s GB18030 byte 0x%02x at offset %zu (line %llu)",
			e == EINVAL ? "incomplete sequence at" : "cannot convert",
			(unsigned)(unsigned char)p[at], at,
			(unsigned long long)(1 + count_lines((const unsigned char *)p, at)));
		goto out;
	}
	*op = '\0';
	*outlen = (size_t)(op - buf);
	*out = buf;
	buf = NULL;
out:
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	free(buf);
	return rc;
}

size_t cc_utf8_len(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

size_t cc_utf8_cut(const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k = max;
	if (n <= max)
		return n;
	/* Back over at most three continuation bytes to the lead byte of the character at MAX. */
	while (k > 0 && max - k < 3 && (p[k] & 0xC0) == 0x80)
		k--;
	if (k < max && p[k] >= 0xC0) {
		size_t len = p[k] < 0xE0 ? 2 : p[k] < 0xF0 ? 3 : 4;
		if (k + len > max)
			return k;
	}
	return max;
}
