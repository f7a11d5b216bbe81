/*
 * RFC 4180 CSV reader (see csv.h). The importers push millions of rows through here, so the
 * reader parses in place: input is read in 64 KiB chunks into one buffer, each record is
 * split where it lies (field ends become NULs, doubled quotes are folded by writing behind
 * the read position), and the row's pointers aim into that buffer. The parser is a small
 * state machine whose state survives a refill, so a record cut by a chunk end is resumed,
 * never rescanned, and the buffer grows only while one record is longer than what it holds
 * (up to CC_CSV_MAX_RECORD). Unquoted runs are scanned with a byte-class table and quoted
 * runs with memchr: no per-byte calls.
 *
 * A malformed record (see the rule in csv.h) is skipped when the caller asked for that
 * (cc_csv_skip_bad). Going back to the line where an open quote began needs the input as it
 * was, which the in-place folding overwrites; so once a quoted field of a record runs past a
 * newline, the bytes from that point are saved (the "shadow") just before they are first
 * overwritten, and put back if the record turns out malformed. Only multi-line records pay
 * for this, and only readers that skip bad records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/csv.h"

#define CSV_CHUNK (64u << 10)
#define NONE	  ((size_t)-1)

/* Where the parser stands inside the current record. */
enum csv_state {
	ST_FIELD, /* at the start of a field */
	ST_UNQ,	  /* inside an unquoted field */
	ST_QUO,	  /* inside a quoted field */
	ST_QEND,  /* just after a quote inside a quoted field: end, or the first of a pair */
	ST_SKIP,  /* in a malformed record: skipping to the end of the line */
};

struct cc_csv {
	struct cc_source *src;
	char *buf;	   /* input; the current record starts at START */
	size_t cap;	   /* bytes allocated; one is always kept free past END for a NUL */
	size_t start, end; /* unparsed input is buf[start..end) */
	int eof;	   /* the source is exhausted */
	int failed;	   /* error code once reading has failed; sticky */
	long line;	   /* line on which the current record starts */

	/* Parser state for the current record, offsets relative to START. */
	enum csv_state st;
	size_t r, w;	   /* read and write offsets (w <= r) */
	size_t fs;	   /* start of the current field's content */
	long nl;	   /* newlines in this record, inside quotes and its terminator */
	long qline;	   /* line on which the current quoted field starts */
	size_t nfields;	   /* fields completed */
	size_t fcap;	   /* room in the arrays below */
	size_t *foff;	   /* field start offsets */
	size_t *flen;	   /* field lengths */
	const char **fptr; /* field pointers handed out in struct cc_row */

	/* Malformed records (csv.h): skipped when SKIP_BAD, with the reason in BADMSG. */
	int skip_bad;
	size_t qeol;	/* offset of the first newline inside the current quoted field, or NONE */
	size_t sh_from; /* offset from which overwritten input is saved in SHADOW, or NONE */
	char *shadow;
	size_t sh_len, sh_cap;
	char badmsg[256];
};

/* Bytes that end an unquoted run: the separators and the quote. */
static const unsigned char special[256] = {
	[','] = 1,
	['\n'] = 1,
	['\r'] = 1,
	['"'] = 1,
};

int cc_csv_open(struct cc_csv **out, struct cc_source *src, struct cc_error *err)
{
	struct cc_csv *c = calloc(1, sizeof *c);
	*out = NULL;
	if (!c)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	c->cap = CSV_CHUNK + 1;
	c->buf = malloc(c->cap);
	c->fcap = 64;
	c->foff = malloc(c->fcap * sizeof *c->foff);
	c->flen = malloc(c->fcap * sizeof *c->flen);
	c->fptr = malloc(c->fcap * sizeof *c->fptr);
	if (!c->buf || !c->foff || !c->flen || !c->fptr) {
		free(c->buf);
		free(c->foff);
		free(c->flen);
		free(c->fptr);
		free(c);
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	}
	c->src = src;
	c->line = 1;
	c->qeol = NONE;
	c->sh_from = NONE;
	*out = c;
	return 0;
}

struct cc_source *cc_csv_source(struct cc_csv *c)
{
	return c->src;
}

void cc_csv_free(struct cc_csv *c)
{
	if (!c)
		return;
	cc_source_free(c->src);
	free(c->buf);
	free(c->foff);
	free(c->flen);
	free(c->fptr);
	free(c->shadow);
	free(c);
}

void cc_csv_skip_bad(struct cc_csv *c, int on)
{
	c->skip_bad = on;
}

/*
 * Saves the input bytes up to offset UPTO (relative to the record's start B) that are about to
 * be overwritten for the first time, when the record is being shadowed. The bytes at and past
 * the write offset are still the input as read, and writes only move forward, so the saved
 * bytes are always the original ones. Returns 0 or CC_ENOMEM.
 */
static int shadow_keep(struct cc_csv *c, const unsigned char *b, size_t upto, struct cc_error *err)
{
	size_t have = c->sh_from + c->sh_len;
	if (upto <= have)
		return 0;
	size_t n = upto - have;
	if (c->sh_len + n > c->sh_cap) {
		size_t cap = c->sh_cap ? c->sh_cap : CSV_CHUNK;
		while (cap < c->sh_len + n)
			cap *= 2;
		char *p = realloc(c->shadow, cap);
		if (!p)
			return cc_error_set(err, CC_ENOMEM, "out of memory reading CSV line %ld",
					    c->line);
		c->shadow = p;
		c->sh_cap = cap;
	}
	memcpy(c->shadow + c->sh_len, b + have, n);
	c->sh_len += n;
	return 0;
}

/* Calls shadow_keep only when the record is shadowed (the common case costs one compare). */
#define KEEP(upto)                                                                                 \
	do {                                                                                       \
		if (c->sh_from != NONE) {                                                          \
			rc = shadow_keep(c, b, (upto), err);                                       \
			if (rc)                                                                    \
				goto out;                                                          \
		}                                                                                  \
	} while (0)

/* Makes room for one more field. Returns 0 or CC_ENOMEM. */
static int grow_fields(struct cc_csv *c, struct cc_error *err)
{
	size_t n = c->fcap * 2;
	size_t *o = realloc(c->foff, n * sizeof *o);
	if (o)
		c->foff = o;
	size_t *l = realloc(c->flen, n * sizeof *l);
	if (l)
		c->flen = l;
	const char **p = realloc(c->fptr, n * sizeof *p);
	if (p)
		c->fptr = p;
	if (!o || !l || !p)
		return cc_error_set(err, CC_ENOMEM, "out of memory reading CSV line %ld", c->line);
	c->fcap = n;
	return 0;
}

/* Result of parse(): a whole record, the input ran out before its end, or a malformed one. */
enum { PARSE_MORE = 0, PARSE_RECORD = 1, PARSE_BAD = 2 };

/*
 * Counts the newlines of a quoted field's input B[S..R) into the record's lines, noting the
 * first one (where a malformed record goes back to) and, for readers that skip bad records,
 * starting the shadow after it.
 */
static inline void quoted_newlines(struct cc_csv *c, const unsigned char *b, size_t s, size_t r)
{
	const unsigned char *p = b + s, *e = b + r;
	for (;;) {
		p = memchr(p, '\n', (size_t)(e - p));
		if (!p)
			break;
		if (c->qeol == NONE) {
			c->qeol = (size_t)(p - b);
			if (c->skip_bad && c->sh_from == NONE)
				c->sh_from = c->qeol + 1;
		}
		c->nl++;
		p++;
	}
}

/*
 * Records the field that started at FS and ends at W (NUL-terminated there), making room for
 * it first. Returns 0 or CC_ENOMEM.
 */
static inline int field_add(struct cc_csv *c, unsigned char *b, size_t w, size_t fs,
			    struct cc_error *err)
{
	int rc = 0;
	if (c->nfields == c->fcap) {
		rc = grow_fields(c, err);
		if (rc)
			goto out;
	}
	if (c->sh_from != NONE) {
		rc = shadow_keep(c, b, w + 1, err);
		if (rc)
			goto out;
	}
	b[w] = '\0';
	c->foff[c->nfields] = fs;
	c->flen[c->nfields] = w - fs;
	c->nfields++;
out:
	return rc;
}

/* Says in c->badmsg that the current field of the record holds a character it may not: WHAT. */
static void bad_char(struct cc_csv *c, const char *what)
{
	snprintf(c->badmsg, sizeof c->badmsg, "%s on CSV line %ld (field %zu)", what,
		 c->line + c->nl, c->nfields + 1);
}

/* What parse() does when the buffer ends at R in state ST (input_end's answer). */
enum { END_WAIT, END_SKIPPED, END_BAD, END_BAD_BACK, END_FIELD };

/*
 * The buffer ends inside the record: wait for more input (END_WAIT), or the input ends too and
 * the record with it (END_FIELD), or a record being skipped is over (END_SKIPPED), or the
 * record is malformed (END_BAD, with c->badmsg and *BACK set): longer than the limit, or a
 * quoted field never closed.
 */
static int input_end(struct cc_csv *c, size_t r, enum csv_state st)
{
	if (st == ST_SKIP)
		return c->eof ? END_SKIPPED : END_WAIT; /* the malformed record runs to the end */
	if (!c->eof) {
		if (r <= CC_CSV_MAX_RECORD)
			return END_WAIT;
		snprintf(c->badmsg, sizeof c->badmsg,
			 "CSV record starting on line %ld is longer than %u bytes", c->line,
			 CC_CSV_MAX_RECORD);
		return st == ST_QUO || st == ST_QEND ? END_BAD_BACK : END_BAD;
	}
	/* The input ends: it ends the record too, unless a quoted field is open. */
	if (st == ST_QUO) {
		snprintf(c->badmsg, sizeof c->badmsg,
			 "unterminated quoted field starting on CSV line %ld", c->qline);
		return END_BAD_BACK;
	}
	if (st == ST_FIELD && c->nfields == 0 && r == 0)
		return END_WAIT; /* nothing left at all */
	return END_FIELD;
}

/*
 * A malformed record (c->badmsg says why). The rule (csv.h): when the quoted field at fault
 * ran past the end of the line its quote began on (BACK), the record ends with that line and
 * reading resumes on the next one (the input saved in the shadow is put back first): returns
 * PARSE_BAD with *R there. Otherwise returns PARSE_MORE: the caller skips the rest of the
 * current line. CC_EPARSE when bad records are not skipped.
 */
static int record_bad(struct cc_csv *c, unsigned char *b, int back, struct cc_error *err)
{
	if (!c->skip_bad)
		return cc_error_set(err, CC_EPARSE, "%s", c->badmsg);
	if (back && c->qeol != NONE) {
		if (c->sh_from != NONE && c->sh_len)
			memcpy(b + c->sh_from, c->shadow, c->sh_len);
		c->nl = c->qline - c->line + 1;
		return PARSE_BAD;
	}
	c->sh_from = NONE;
	c->sh_len = 0;
	return PARSE_MORE;
}

/*
 * Continues the current record from the saved state. Returns PARSE_RECORD with the record's
 * fields NUL-terminated in place and c->r past its terminator, PARSE_MORE when the buffer
 * ends inside it (more input is needed, unless c->eof), PARSE_BAD when the record is
 * malformed and skipped (c->r is where reading resumes, c->nl the lines skipped, c->badmsg
 * why), or CC_EPARSE (malformed, when bad records are not skipped) / CC_ENOMEM.
 */
static int parse(struct cc_csv *c, struct cc_error *err)
{
	unsigned char *b = (unsigned char *)c->buf + c->start;
	size_t avail = c->end - c->start;
	size_t r = c->r, w = c->w, fs = c->fs;
	enum csv_state st = c->st;
	int rc = PARSE_MORE;
	int last;
	int back = 0; /* a malformed record goes back to the line its open quote began on */
	unsigned char ch;

	for (;;) {
		switch (st) {
		case ST_FIELD:
			fs = w;
			if (r == avail)
				goto more;
			if (b[r] == '"') {
				r++;
				c->qline = c->line + c->nl;
				c->qeol = NONE;
				st = ST_QUO;
				continue;
			}
			st = ST_UNQ;
			/* fall through */
		case ST_UNQ: {
			size_t s = r;
			while (r < avail && !special[b[r]])
				r++;
			KEEP(w + (r - s));
			if (w != s)
				memmove(b + w, b + s, r - s);
			w += r - s;
			if (r == avail)
				goto more;
			ch = b[r];
			if (ch == '"') {
				bad_char(c, "stray quote inside an unquoted field");
				back = 0;
				goto bad;
			}
			if (ch == '\r') {
				if (r + 1 == avail && !c->eof)
					goto more; /* is it CRLF? come back with the next byte */
				if (r + 1 < avail && b[r + 1] != '\n') {
					KEEP(w + 1);
					b[w++] = '\r'; /* a lone CR is data */
					r++;
					continue;
				}
			}
			goto end_field;
		}
		case ST_QUO: {
			size_t s = r;
			const unsigned char *q = memchr(b + r, '"', avail - r);
			r = q ? (size_t)(q - b) : avail;
			quoted_newlines(c, b, s, r);
			KEEP(w + (r - s));
			if (w != s)
				memmove(b + w, b + s, r - s);
			w += r - s;
			if (r == avail)
				goto more;
			r++;
			st = ST_QEND;
			continue;
		}
		case ST_QEND:
			if (r == avail)
				goto more;
			ch = b[r];
			if (ch == '"') {
				KEEP(w + 1);
				b[w++] = '"';
				r++;
				st = ST_QUO;
				continue;
			}
			if (ch == '\r' && r + 1 == avail && !c->eof)
				goto more;
			if (ch == ',' || ch == '\n' ||
			    (ch == '\r' && (r + 1 == avail || b[r + 1] == '\n')))
				goto end_field;
			bad_char(c, "unexpected character after the closing quote");
			back = 1;
			goto bad;
		case ST_SKIP: {
			const unsigned char *q = memchr(b + r, '\n', avail - r);
			if (!q) {
				r = avail;
				goto more;
			}
			r = (size_t)(q - b) + 1;
			c->nl++;
			rc = PARSE_BAD;
			goto out;
		}
		}

	end_field:
		/* B[r] is ',', '\n' or '\r' (then followed by '\n' or the end), or r == avail. */
		last = 1;
		if (r < avail) {
			ch = b[r];
			last = ch != ',';
			if (ch == '\r' && r + 1 < avail)
				r++; /* CRLF */
			r++;
			if (last && b[r - 1] == '\n')
				c->nl++; /* the record's own terminator */
		}
		rc = field_add(c, b, w, fs, err);
		if (rc)
			goto out;
		w++;
		st = ST_FIELD;
		if (last) {
			rc = PARSE_RECORD;
			goto out;
		}
		continue;

	more:
		switch (input_end(c, r, st)) {
		case END_FIELD: goto end_field;
		case END_BAD: back = 0; goto bad;
		case END_BAD_BACK: back = 1; goto bad;
		case END_SKIPPED: rc = PARSE_BAD; goto out;
		default: goto out;
		}

	bad:
		rc = record_bad(c, b, back, err);
		if (rc == PARSE_BAD)
			r = c->qeol + 1;
		if (rc)
			goto out;
		st = ST_SKIP;
	}
out:
	c->r = r;
	c->w = w;
	c->fs = fs;
	c->st = st;
	return rc;
}

/* Moves the unparsed input to the buffer's start and reads more. Returns 0 or CC_E*. */
static int refill(struct cc_csv *c, struct cc_error *err)
{
	if (c->start > 0) {
		memmove(c->buf, c->buf + c->start, c->end - c->start);
		c->end -= c->start;
		c->start = 0;
	}
	if (c->end > CC_CSV_MAX_RECORD)
		return cc_error_set(err, CC_EPARSE,
				    "CSV record starting on line %ld is longer than %u "
				    "bytes",
				    c->line, CC_CSV_MAX_RECORD);
	if (c->cap - c->end - 1 < CSV_CHUNK) {
		/* One record fills the buffer: double it, up to the record limit plus a chunk. */
		size_t cap = c->cap * 2;
		if (cap > CC_CSV_MAX_RECORD + CSV_CHUNK + 1)
			cap = CC_CSV_MAX_RECORD + CSV_CHUNK + 1;
		char *p = realloc(c->buf, cap);
		if (!p)
			return cc_error_set(err, CC_ENOMEM, "out of memory reading CSV line %ld",
					    c->line);
		c->buf = p;
		c->cap = cap;
	}
	ssize_t k = cc_source_read(c->src, c->buf + c->end, c->cap - c->end - 1, err);
	if (k < 0)
		return (int)k;
	if (k == 0)
		c->eof = 1;
	c->end += (size_t)k;
	return 0;
}

int cc_csv_next(struct cc_csv *c, struct cc_row *row, struct cc_error *err)
{
	int rc;
	if (c->failed)
		return cc_error_set(err, c->failed, "CSV reading stopped after an earlier error");
	for (;;) {
		rc = parse(c, err);
		if (rc < 0)
			break;
		if (rc == PARSE_MORE) {
			if (c->eof)
				return 0;
			if (c->st == ST_SKIP) {
				/* What a skipped record has read so far is not needed again. */
				c->start += c->r;
				c->r = c->w = 0;
			}
			rc = refill(c, err);
			if (rc)
				break;
			continue;
		}
		if (rc == PARSE_RECORD && c->r > CC_CSV_MAX_RECORD) {
			/* A whole record, but too long (it ended with the input). */
			snprintf(c->badmsg, sizeof c->badmsg,
				 "CSV record starting on line %ld is longer than %u bytes", c->line,
				 CC_CSV_MAX_RECORD);
			if (!c->skip_bad) {
				rc = cc_error_set(err, CC_EPARSE, "%s", c->badmsg);
				break;
			}
			rc = PARSE_BAD;
		}
		long line = c->line;
		char *base = c->buf + c->start;
		size_t n = c->nfields;
		c->line += c->nl;
		c->start += c->r;
		c->r = c->w = c->fs = 0;
		c->nl = 0;
		c->nfields = 0;
		c->st = ST_FIELD;
		c->qeol = NONE;
		c->sh_from = NONE;
		c->sh_len = 0;
		if (rc == PARSE_BAD) {
			row->nfields = 0;
			row->fields = c->fptr;
			row->lens = c->flen;
			row->line = line;
			cc_error_set(err, CC_EPARSE, "%s", c->badmsg);
			return CC_CSV_BAD;
		}
		if (n == 1 && c->flen[0] == 0)
			continue; /* a blank line */
		for (size_t i = 0; i < n; i++)
			c->fptr[i] = base + c->foff[i];
		row->nfields = n;
		row->fields = c->fptr;
		row->lens = c->flen;
		row->line = line;
		return 1;
	}
	c->failed = rc;
	return rc;
}
