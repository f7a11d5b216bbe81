/*
 * XLSX reading and writing (see xlsx.h).
 *
 * Reading walks the package the way Excel does: _rels/.rels names the workbook part, the
 * workbook's relationships name the worksheets, the shared strings and the styles. The shared
 * strings and the date-ness of each cell style are loaded whole (they are needed to read any
 * cell); the worksheet is decompressed in 64 KiB pieces and fed to expat, and the parser is
 * suspended at the end of each non-empty row, so the memory held for the sheet is one row
 * being built plus the row handed to the caller, however long the sheet.
 *
 * Writing is a thin layer over libxlsxwriter in its constant-memory mode (rows are flushed to a
 * temporary file as soon as the next row starts), with its errors turned into CC_E* codes and
 * messages for people.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <expat.h>
#include <minizip/unzip.h>
#include <xlsxwriter.h>
#include "base/parse.h"
#include "base/buf.h"
#include "io/xlsx.h"

/* Size of each piece of decompressed XML handed to expat. */
#define XLSX_CHUNK (64u << 10)
/* Excel's limits: columns per row (XFD) and rows per sheet. */
#define XLSX_MAX_COLS 16384
#define XLSX_MAX_ROWS 1048576L
/*
 * Bounds on what a (possibly hostile) file can make us hold. A zip part can inflate a
 * thousandfold (a 1.5 MB shared-strings "bomb" held 1 GB before this), so every part read
 * whole has a ceiling on its uncompressed size, checked against the size the zip directory
 * declares before inflating (a bomb is refused at once) and against the bytes inflated while
 * reading (minizip itself stops at the declared size; this is the second line of defence);
 * the shared strings kept in memory have their own budget (text and index). A legitimate
 * sheet of Excel's 1,048,576 rows with a few text columns of unique strings needs about
 * 100 MB of shared strings.
 */
#define XLSX_MAX_CELL	      CC_CSV_MAX_RECORD	    /* text of one cell */
#define XLSX_MAX_ROW_TEXT     CC_CSV_MAX_RECORD	    /* text of one row, shared strings excepted */
#define XLSX_MAX_SHARED	      ((size_t)256 << 20)   /* shared strings in memory: text + index */
#define XLSX_MAX_SHARED_COUNT ((size_t)1 << 24)	    /* number of shared strings */
#define XLSX_MAX_SHARED_XML   ((uint64_t)512 << 20) /* xl/sharedStrings.xml, uncompressed */
#define XLSX_MAX_SMALL_XML    ((uint64_t)64 << 20)  /* relationships, workbook, styles */
#define XLSX_MAX_XF	      65536u		    /* cell styles (Excel allows 64000) */
#define XLSX_MAX_NUMFMT	      4096		    /* custom number formats */
#define XLSX_MAX_RELS	      4096		    /* relationships in one .rels part */
#define XLSX_MAX_SHEETS	      4096		    /* <sheet> entries in the workbook */
#define XLSX_PART_MAX	      1024		    /* longest part name we follow */
#define XLSX_MAX_XML_MEM      ((size_t)64 << 20)    /* the XML parsers' own memory, per thread */

/* ------------------------------------------------------------------------------------------ */
/* Reader state                                                                               */
/* ------------------------------------------------------------------------------------------ */

enum field_kind { FIELD_EMPTY = 0, FIELD_TEXT, FIELD_SHARED };

/* One cell of a row being built: its text lives in the slot's buffer or in the shared pool. */
struct field {
	enum field_kind kind;
	size_t off; /* FIELD_TEXT: offset into slot->text; FIELD_SHARED: string index */
	size_t len;
};

/* One row: the cells as parsed, and the arrays handed to the caller in struct cc_row. */
struct slot {
	struct cc_buf text;
	struct field *f;
	size_t n, cap;
	const char **fields;
	size_t *lens;
	size_t fcap;
	long line;
};

struct rel {
	char *id;
	char *type;   /* last path segment of Type: "worksheet", "sharedStrings", ... */
	char *target; /* as written */
};

enum cell_type { CELL_NUMBER, CELL_SHARED, CELL_INLINE, CELL_STR, CELL_BOOL, CELL_ERROR, CELL_ISO };

struct cc_xlsx_reader {
	char *path;
	unzFile zip;
	XML_Parser parser; /* the worksheet's, alive between calls to cc_xlsx_next */
	char sheet_part[XLSX_PART_MAX];

	/* Failure raised inside an expat handler (the parser is then aborted). */
	int fail;
	struct cc_error ferr;

	/* Relationships of the part being resolved. */
	struct rel *rels;
	size_t nrels;

	/* Workbook. */
	char **sheet_ids;
	size_t nsheets;
	int date1904;

	/* Styles: custom formats, then per cellXfs entry whether it shows a date. */
	unsigned *fmt_id;
	unsigned char *fmt_date;
	size_t nfmt;
	unsigned *xf_fmt;
	size_t nxf, xf_cap;
	unsigned char *xf_date;
	int in_cellxfs, in_numfmts;

	/* Shared strings: NUL-terminated strings packed in one buffer. */
	const char *sst_part; /* its part name, for messages */
	struct cc_buf pool;
	size_t *sst;
	size_t nsst, sst_cap;
	size_t si_start;
	int in_si, in_t, rph;

	/* Worksheet parsing. */
	uint64_t sheet_size, consumed;
	int in_row, in_cell, in_v, in_is;
	long row_num, last_row;
	long next_col, col;
	enum cell_type ctype;
	unsigned style;
	struct cc_buf cell;
	struct slot slots[2];
	struct slot *cur, *ready;
	int have_ready, eof, done;
	int sticky; /* an error already reported; further calls return it again */
};

/* Returns NAME without a namespace prefix ("x:row" -> "row"). */
static const char *local_name(const char *name)
{
	const char *c = strchr(name, ':');
	return c ? c + 1 : name;
}

/* Returns the value of attribute LOCAL (prefix ignored) in expat's ATTS, or NULL. */
static const char *attr(const char **atts, const char *local)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(local_name(atts[i]), local) == 0)
			return atts[i + 1];
	return NULL;
}

/*
 * Records a failure from inside a handler (the first one wins) and aborts the parser; returns
 * CODE. The message should name the file: it reaches the user as it is.
 */
static int fail_parser(struct cc_xlsx_reader *x, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_parser(struct cc_xlsx_reader *x, int code, const char *fmt, ...)
{
	if (!x->fail) {
		va_list ap;
		va_start(ap, fmt);
		x->fail = code;
		x->ferr.code = code;
		vsnprintf(x->ferr.msg, sizeof x->ferr.msg, fmt, ap);
		va_end(ap);
	}
	if (x->parser)
		XML_StopParser(x->parser, XML_FALSE);
	return code;
}

static int fail_oom(struct cc_xlsx_reader *x)
{
	return fail_parser(x, CC_ENOMEM, "out of memory reading '%s'", x->path);
}

/* Parses a non-negative decimal of at most LIMIT; returns 0 and *out, or -1. */
static int parse_uint(const char *s, unsigned long limit, unsigned long *out)
{
	unsigned long v = 0;
	if (!s || *s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > limit)
			return -1;
	}
	if (*s)
		return -1;
	*out = v;
	return 0;
}

/*
 * Decodes OOXML's _xHHHH_ escapes (how control characters and lone surrogates travel in
 * ST_Xstring) in S[0..N) in place; returns the new length. The output never grows: seven
 * escape bytes become at most four UTF-8 bytes. An escaped NUL is dropped.
 */
static size_t unescape_x(char *s, size_t n)
{
	size_t i = 0, o = 0;
	if (!memchr(s, '_', n))
		return n;
	while (i < n) {
		unsigned v = 0;
		int ok = i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_';
		for (size_t k = 2; ok && k < 6; k++) {
			char c = s[i + k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				ok = 0;
		}
		if (!ok) {
			s[o++] = s[i++];
			continue;
		}
		i += 7;
		if (v >= 0xD800 && v < 0xDC00 && i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' &&
		    s[i + 6] == '_') {
			char hex[5] = {s[i + 2], s[i + 3], s[i + 4], s[i + 5], 0};
			char *end;
			unsigned long lo = strtoul(hex, &end, 16);
			if (*end == '\0' && lo >= 0xDC00 && lo < 0xE000) {
				v = 0x10000 + ((v - 0xD800) << 10) + ((unsigned)lo - 0xDC00);
				i += 7;
			}
		}
		if (v >= 0xD800 && v < 0xE000)
			v = 0xFFFD;
		if (v == 0)
			continue;
		if (v < 0x80) {
			s[o++] = (char)v;
		} else if (v < 0x800) {
			s[o++] = (char)(0xC0 | (v >> 6));
			s[o++] = (char)(0x80 | (v & 0x3F));
		} else if (v < 0x10000) {
			s[o++] = (char)(0xE0 | (v >> 12));
			s[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
			s[o++] = (char)(0x80 | (v & 0x3F));
		} else {
			s[o++] = (char)(0xF0 | (v >> 18));
			s[o++] = (char)(0x80 | ((v >> 12) & 0x3F));
			s[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
			s[o++] = (char)(0x80 | (v & 0x3F));
		}
	}
	return o;
}

/* ------------------------------------------------------------------------------------------ */
/* Parts                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/*
 * Resolves TARGET (a relationship target) against the folder DIR ("" or ending in '/') into
 * OUT, a part name without a leading '/'. "." and ".." segments are folded. Returns 0, or -1
 * when the result does not fit or climbs above the package root.
 */
static int part_resolve(char *out, size_t cap, const char *dir, const char *target)
{
	char tmp[XLSX_PART_MAX];
	size_t o = 0;
	int n = target[0] == '/' ? snprintf(tmp, sizeof tmp, "%s", target + 1)
				 : snprintf(tmp, sizeof tmp, "%s%s", dir, target);
	if (n < 0 || (size_t)n >= sizeof tmp)
		return -1;
	for (char *seg = tmp; seg && *seg;) {
		char *slash = strchr(seg, '/');
		size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
		if (len == 0 || (len == 1 && seg[0] == '.')) {
			/* Nothing to add. */
		} else if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			if (o == 0)
				return -1;
			o--; /* drop the '/' ending the previous segment, then the segment */
			while (o > 0 && out[o - 1] != '/')
				o--;
		} else {
			if (o + len + 1 >= cap)
				return -1;
			memcpy(out + o, seg, len);
			o += len;
			out[o++] = '/';
		}
		seg = slash ? slash + 1 : NULL;
	}
	if (o == 0)
		return -1;
	out[o - 1] = '\0';
	return 0;
}

/*
 * The XML parser's memory, counted. Expat keeps a whole token (a tag with its attributes, a
 * name) in its buffer however large it is, so a worksheet holding one 1 GB attribute would
 * grow it to 1 GB before any handler could refuse anything. Every parser allocates through
 * these functions, which keep a per-thread total (expat gives no user data to its allocator;
 * a parser lives on the thread that made it) and refuse past XLSX_MAX_XML_MEM: expat then
 * stops with "out of memory", which xml_error reports as the part being too large.
 */
static _Thread_local size_t xml_mem_used;
static _Thread_local int xml_mem_refused;

#define XML_MEM_HEAD 16 /* a size header that keeps the block's alignment */

static void *xml_malloc(size_t n)
{
	if (n > XLSX_MAX_XML_MEM - xml_mem_used) {
		xml_mem_refused = 1;
		return NULL;
	}
	unsigned char *p = malloc(n + XML_MEM_HEAD);
	if (!p)
		return NULL;
	memcpy(p, &n, sizeof n);
	xml_mem_used += n;
	return p + XML_MEM_HEAD;
}

static void xml_free(void *q)
{
	if (!q)
		return;
	unsigned char *p = (unsigned char *)q - XML_MEM_HEAD;
	size_t n;
	memcpy(&n, p, sizeof n);
	xml_mem_used -= n;
	free(p);
}

static void *xml_realloc(void *q, size_t n)
{
	if (!q)
		return xml_malloc(n);
	unsigned char *p = (unsigned char *)q - XML_MEM_HEAD;
	size_t old;
	memcpy(&old, p, sizeof old);
	if (n > old && n - old > XLSX_MAX_XML_MEM - xml_mem_used) {
		xml_mem_refused = 1;
		return NULL;
	}
	unsigned char *r = realloc(p, n + XML_MEM_HEAD);
	if (!r)
		return NULL;
	memcpy(r, &n, sizeof n);
	xml_mem_used = xml_mem_used - old + n;
	return r + XML_MEM_HEAD;
}

static const XML_Memory_Handling_Suite xml_mem = {xml_malloc, xml_realloc, xml_free};

/* A parser whose memory is counted (see above). */
static XML_Parser xml_parser_new(void)
{
	xml_mem_refused = 0;
	return XML_ParserCreate_MM(NULL, &xml_mem, NULL);
}

/* Reports an expat error of parser P on PART into ERR; returns the code. */
static int xml_error(struct cc_xlsx_reader *x, XML_Parser p, const char *part, struct cc_error *err)
{
	if (x->fail) {
		if (err)
			*err = x->ferr;
		return x->fail;
	}
	if (XML_GetErrorCode(p) == XML_ERROR_NO_MEMORY && xml_mem_refused)
		return cc_error_set(
			err, CC_EINVAL,
			"'%s' is refused: %s holds a tag or name larger than the %zu MB "
			"an XML token may take (line %lu; a damaged or hostile workbook?)",
			x->path, part, XLSX_MAX_XML_MEM >> 20,
			(unsigned long)XML_GetCurrentLineNumber(p));
	return cc_error_set(err, CC_EPARSE, "bad XML in '%s' (%s, line %lu): %s", x->path, part,
			    (unsigned long)XML_GetCurrentLineNumber(p),
			    XML_ErrorString(XML_GetErrorCode(p)));
}

/* The error for PART inflating past LIMIT bytes (the file is refused). */
static int too_large(struct cc_xlsx_reader *x, const char *part, uint64_t limit,
		     struct cc_error *err)
{
	return cc_error_set(err, CC_EINVAL,
			    "'%s' is refused: %s expands beyond %llu MB (a damaged or hostile "
			    "workbook?)",
			    x->path, part, (unsigned long long)(limit >> 20));
}

/*
 * Opens PART in the zip as the current file. LIMIT (0: none) is the most it may inflate to:
 * a larger size declared in the zip directory is refused before anything is inflated.
 * Returns 0, CC_ENOTFOUND (no message), CC_EINVAL (too large) or CC_EIO.
 */
static int part_open(struct cc_xlsx_reader *x, const char *part, uint64_t limit, uint64_t *size,
		     struct cc_error *err)
{
	unz_file_info64 info;
	if (unzLocateFile(x->zip, part, 2) != UNZ_OK)
		return CC_ENOTFOUND;
	if (unzGetCurrentFileInfo64(x->zip, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK)
		return cc_error_set(err, CC_EIO, "cannot read '%s' in '%s' (damaged zip?)", part,
				    x->path);
	if (limit && info.uncompressed_size > limit)
		return too_large(x, part, limit, err);
	if (unzOpenCurrentFile(x->zip) != UNZ_OK)
		return cc_error_set(err, CC_EIO, "cannot read '%s' in '%s' (damaged zip?)", part,
				    x->path);
	if (size)
		*size = info.uncompressed_size;
	return 0;
}

/* Closes the current zip file, turning a checksum mismatch into an error. */
static int part_close(struct cc_xlsx_reader *x, const char *part, struct cc_error *err)
{
	int z = unzCloseCurrentFile(x->zip);
	if (z == UNZ_CRCERROR)
		return cc_error_set(err, CC_EIO, "'%s' is damaged (%s fails its checksum)", x->path,
				    part);
	if (z != UNZ_OK)
		return cc_error_set(err, CC_EIO, "cannot read '%s' in '%s'", part, x->path);
	return 0;
}

/*
 * Parses the whole of PART with the given handlers (user data X), refusing it once it
 * inflates past LIMIT bytes (declared or read). Returns 0, CC_ENOTFOUND when the part is
 * absent (no message), or a negative CC_E* with ERR set.
 */
static int part_parse(struct cc_xlsx_reader *x, const char *part, uint64_t limit,
		      XML_StartElementHandler start, XML_EndElementHandler end,
		      XML_CharacterDataHandler text, struct cc_error *err)
{
	uint64_t total = 0;
	int rc = part_open(x, part, limit, NULL, err);
	if (rc)
		return rc;
	XML_Parser p = xml_parser_new();
	if (!p) {
		unzCloseCurrentFile(x->zip);
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	}
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, start, end);
	if (text)
		XML_SetCharacterDataHandler(p, text);
	x->parser = p;
	x->fail = 0;
	for (;;) {
		void *buf = XML_GetBuffer(p, XLSX_CHUNK);
		if (!buf) {
			rc = xml_mem_refused ? xml_error(x, p, part, err)
					     : cc_error_set(err, CC_ENOMEM, "out of memory");
			break;
		}
		int n = unzReadCurrentFile(x->zip, buf, XLSX_CHUNK);
		if (n < 0) {
			rc = cc_error_set(err, CC_EIO, "cannot read '%s' in '%s' (damaged zip?)",
					  part, x->path);
			break;
		}
		total += (uint64_t)n;
		if (total > limit) {
			rc = too_large(x, part, limit, err); /* the zip directory understated it */
			break;
		}
		if (XML_ParseBuffer(p, n, n == 0) != XML_STATUS_OK) {
			rc = xml_error(x, p, part, err);
			break;
		}
		if (n == 0)
			break;
	}
	x->parser = NULL;
	XML_ParserFree(p);
	int crc = part_close(x, part, rc ? NULL : err);
	return rc ? rc : crc;
}

/* Returns whether a part named PART exists in the package. */
static int part_exists(struct cc_xlsx_reader *x, const char *part)
{
	return unzLocateFile(x->zip, part, 2) == UNZ_OK;
}

/* --- relationships ------------------------------------------------------------------------ */

static void rels_clear(struct cc_xlsx_reader *x)
{
	for (size_t i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].type);
		free(x->rels[i].target);
	}
	free(x->rels);
	x->rels = NULL;
	x->nrels = 0;
}

static void XMLCALL rels_start(void *ud, const char *name, const char **atts)
{
	struct cc_xlsx_reader *x = ud;
	if (strcmp(local_name(name), "Relationship") != 0)
		return;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type");
	const char *target = attr(atts, "Target"), *mode = attr(atts, "TargetMode");
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	if (x->nrels >= XLSX_MAX_RELS) {
		fail_parser(x, CC_EPARSE, "too many relationships in '%s'", x->path);
		return;
	}
	struct rel *r = realloc(x->rels, (x->nrels + 1) * sizeof *r);
	if (!r) {
		fail_oom(x);
		return;
	}
	x->rels = r;
	const char *slash = strrchr(type, '/');
	r[x->nrels].id = strdup(id);
	r[x->nrels].type = strdup(slash ? slash + 1 : type);
	r[x->nrels].target = strdup(target);
	x->nrels++;
	if (!r[x->nrels - 1].id || !r[x->nrels - 1].type || !r[x->nrels - 1].target)
		fail_oom(x);
}

static void XMLCALL ignore_end(void *ud, const char *name)
{
	(void)ud;
	(void)name;
}

/* Loads the relationships of PART (dir/_rels/name.rels); a missing .rels part is no error. */
static int rels_load(struct cc_xlsx_reader *x, const char *part, struct cc_error *err)
{
	char rels[XLSX_PART_MAX];
	const char *slash = strrchr(part, '/');
	int dirlen = slash ? (int)(slash - part + 1) : 0;
	int n = snprintf(rels, sizeof rels, "%.*s_rels/%s.rels", dirlen, part,
			 slash ? slash + 1 : part);
	rels_clear(x);
	if (n < 0 || (size_t)n >= sizeof rels)
		return 0;
	int rc = part_parse(x, rels, XLSX_MAX_SMALL_XML, rels_start, ignore_end, NULL, err);
	return rc == CC_ENOTFOUND ? 0 : rc;
}

/* Returns the first relationship of TYPE (or with ID when ID is given), or NULL. */
static const struct rel *rels_find(const struct cc_xlsx_reader *x, const char *type, const char *id)
{
	for (size_t i = 0; i < x->nrels; i++)
		if ((!type || strcmp(x->rels[i].type, type) == 0) &&
		    (!id || strcmp(x->rels[i].id, id) == 0))
			return &x->rels[i];
	return NULL;
}

/* --- workbook ----------------------------------------------------------------------------- */

static void XMLCALL workbook_start(void *ud, const char *name, const char **atts)
{
	struct cc_xlsx_reader *x = ud;
	const char *l = local_name(name);
	if (strcmp(l, "workbookPr") == 0) {
		const char *v = attr(atts, "date1904");
		x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(l, "sheet") == 0) {
		const char *id = attr(atts, "id"); /* r:id, whatever the prefix */
		if (!id || x->nsheets >= XLSX_MAX_SHEETS)
			return;
		char **ids = realloc(x->sheet_ids, (x->nsheets + 1) * sizeof *ids);
		if (!ids) {
			fail_oom(x);
			return;
		}
		x->sheet_ids = ids;
		ids[x->nsheets] = strdup(id);
		if (!ids[x->nsheets]) {
			fail_oom(x);
			return;
		}
		x->nsheets++;
	}
}

/* --- styles ------------------------------------------------------------------------------- */

/*
 * Returns whether the number format CODE shows a date or time: it has y, m, d or h outside
 * quoted text, [brackets] (colours, locales, conditions) and escaped or padding characters.
 */
static int format_is_date(const char *code)
{
	for (const char *p = code; *p; p++) {
		switch (*p) {
		case '"':
			p = strchr(p + 1, '"');
			if (!p)
				return 0;
			break;
		case '[':
			p = strchr(p + 1, ']');
			if (!p)
				return 0;
			break;
		case '\\':
		case '_':
		case '*':
			if (!p[1])
				return 0;
			p++;
			break;
		case 'y':
		case 'Y':
		case 'm':
		case 'M':
		case 'd':
		case 'D':
		case 'h':
		case 'H': return 1;
		default: break;
		}
	}
	return 0;
}

/*
 * Returns whether built-in number format ID is a date or time: 14-22 and 45-47 everywhere,
 * and 27-36 and 50-58, which are the date formats of the Chinese, Japanese and Korean
 * locales (ECMA-376 part 1, 18.8.30).
 */
static int builtin_is_date(unsigned id)
{
	return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) ||
	       (id >= 50 && id <= 58);
}

static void XMLCALL styles_start(void *ud, const char *name, const char **atts)
{
	struct cc_xlsx_reader *x = ud;
	const char *l = local_name(name);
	unsigned long id;
	if (strcmp(l, "cellXfs") == 0) {
		x->in_cellxfs = 1;
	} else if (strcmp(l, "numFmts") == 0) {
		x->in_numfmts = 1;
	} else if (strcmp(l, "numFmt") == 0 && x->in_numfmts) {
		const char *code = attr(atts, "formatCode");
		if (!code || parse_uint(attr(atts, "numFmtId"), 0xFFFFFFFFul, &id) ||
		    x->nfmt >= XLSX_MAX_NUMFMT)
			return;
		unsigned *ids = realloc(x->fmt_id, (x->nfmt + 1) * sizeof *ids);
		if (!ids) {
			fail_oom(x);
			return;
		}
		x->fmt_id = ids;
		unsigned char *d = realloc(x->fmt_date, x->nfmt + 1);
		if (!d) {
			fail_oom(x);
			return;
		}
		x->fmt_date = d;
		ids[x->nfmt] = (unsigned)id;
		d[x->nfmt] = (unsigned char)format_is_date(code);
		x->nfmt++;
	} else if (strcmp(l, "xf") == 0 && x->in_cellxfs) {
		if (x->nxf >= XLSX_MAX_XF)
			return;
		if (parse_uint(attr(atts, "numFmtId"), 0xFFFFFFFFul, &id))
			id = 0;
		if (x->nxf == x->xf_cap) {
			size_t cap = x->xf_cap ? x->xf_cap * 2 : 64;
			unsigned *xf = realloc(x->xf_fmt, cap * sizeof *xf);
			if (!xf) {
				fail_oom(x);
				return;
			}
			x->xf_fmt = xf;
			x->xf_cap = cap;
		}
		x->xf_fmt[x->nxf++] = (unsigned)id;
	}
}

static void XMLCALL styles_end(void *ud, const char *name)
{
	struct cc_xlsx_reader *x = ud;
	const char *l = local_name(name);
	if (strcmp(l, "cellXfs") == 0)
		x->in_cellxfs = 0;
	else if (strcmp(l, "numFmts") == 0)
		x->in_numfmts = 0; /* numFmt elements inside dxfs do not define formats */
}

/* A custom number format for lookup: its id, whether it is a date, its place in the file. */
struct fmt_entry {
	unsigned id;
	unsigned date;
	size_t order;
};

/* Orders by id, then by place, so that the last definition of an id sorts last. */
static int fmt_cmp(const void *a, const void *b)
{
	const struct fmt_entry *p = a, *q = b;
	if (p->id != q->id)
		return p->id < q->id ? -1 : 1;
	return p->order < q->order ? -1 : p->order > q->order;
}

/* Turns the styles' number format ids into one date flag per cell style. */
static int styles_resolve(struct cc_xlsx_reader *x, struct cc_error *err)
{
	struct fmt_entry *f = NULL;
	if (!x->nxf)
		return 0;
	x->xf_date = calloc(x->nxf, 1);
	if (x->xf_date && x->nfmt)
		f = malloc(x->nfmt * sizeof *f);
	if (!x->xf_date || (x->nfmt && !f))
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	for (size_t k = 0; k < x->nfmt; k++)
		f[k] = (struct fmt_entry){x->fmt_id[k], x->fmt_date[k], k};
	if (f)
		qsort(f, x->nfmt, sizeof *f, fmt_cmp);
	for (size_t i = 0; i < x->nxf; i++) {
		int date = builtin_is_date(x->xf_fmt[i]);
		size_t lo = 0, hi = x->nfmt; /* find the last entry with this id */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (f[mid].id <= x->xf_fmt[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > 0 && f[lo - 1].id == x->xf_fmt[i])
			date = (int)f[lo - 1].date;
		x->xf_date[i] = (unsigned char)date;
	}
	free(f);
	return 0;
}

/* --- shared strings ----------------------------------------------------------------------- */

/*
 * Returns 1 (after failing the parser) when MORE bytes of text and an index of CAP entries
 * would take the shared strings past their memory budget, XLSX_MAX_SHARED; else 0.
 */
static int sst_over(struct cc_xlsx_reader *x, size_t more, size_t cap)
{
	if (x->pool.len + more + cap * sizeof *x->sst <= XLSX_MAX_SHARED)
		return 0;
	fail_parser(x, CC_EINVAL,
		    "'%s' is refused: the shared strings of %s need more than %zu MB of memory",
		    x->path, x->sst_part, XLSX_MAX_SHARED >> 20);
	return 1;
}

static void XMLCALL sst_start(void *ud, const char *name, const char **atts)
{
	struct cc_xlsx_reader *x = ud;
	const char *l = local_name(name);
	(void)atts;
	if (strcmp(l, "si") == 0) {
		x->in_si = 1;
		x->rph = 0;
		x->in_t = 0;
		x->si_start = x->pool.len;
	} else if (!x->in_si) {
		return;
	} else if (strcmp(l, "rPh") == 0) {
		x->rph++; /* phonetic guide: not part of the text */
	} else if (strcmp(l, "t") == 0 && !x->rph) {
		x->in_t = 1;
	}
}

static void XMLCALL sst_end(void *ud, const char *name)
{
	struct cc_xlsx_reader *x = ud;
	const char *l = local_name(name);
	if (!x->in_si)
		return;
	if (strcmp(l, "t") == 0) {
		x->in_t = 0;
	} else if (strcmp(l, "rPh") == 0) {
		if (x->rph)
			x->rph--;
	} else if (strcmp(l, "si") == 0) {
		x->in_si = 0;
		if (x->nsst >= XLSX_MAX_SHARED_COUNT) {
			fail_parser(x, CC_EINVAL,
				    "'%s' is refused: %s holds more than %zu shared strings",
				    x->path, x->sst_part, XLSX_MAX_SHARED_COUNT);
			return;
		}
		if (x->nsst == x->sst_cap) {
			size_t cap = x->sst_cap ? x->sst_cap * 2 : 1024;
			if (sst_over(x, 0, cap))
				return;
			size_t *s = realloc(x->sst, cap * sizeof *s);
			if (!s) {
				fail_oom(x);
				return;
			}
			x->sst = s;
			x->sst_cap = cap;
		}
		size_t n = x->pool.len - x->si_start;
		if (n)
			x->pool.len = x->si_start + unescape_x(x->pool.data + x->si_start, n);
		if (sst_over(x, 1, x->sst_cap))
			return;
		if (cc_buf_putc(&x->pool, '\0')) {
			fail_oom(x);
			return;
		}
		x->sst[x->nsst++] = x->si_start;
	}
}

static void XMLCALL sst_text(void *ud, const char *s, int len)
{
	struct cc_xlsx_reader *x = ud;
	if (!x->in_si || !x->in_t || sst_over(x, (size_t)len, x->sst_cap))
		return;
	if (cc_buf_append(&x->pool, s, (size_t)len))
		fail_oom(x);
}

/* Returns shared string I and its length. */
static const char *sst_get(const struct cc_xlsx_reader *x, size_t i, size_t *len)
{
	size_t end = i + 1 < x->nsst ? x->sst[i + 1] : x->pool.len;
	*len = end - x->sst[i] - 1;
	return x->pool.data + x->sst[i];
}

/* ------------------------------------------------------------------------------------------ */
/* Worksheet                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* Writes V as the platform's one number formatter does ("12", "0.25", "1e+20"). */
static void format_number(double v, char *out, size_t cap)
{
	cc_num_format(v, CC_NUM_EXACT, out, cap);
}

/*
 * Returns whether S (NUL-terminated) is already exactly what format_number would write: a
 * plain decimal with at most 15 significant digits, no '+', no leading zeros, no trailing
 * zeros after the point, at most three zeros between the point and the first digit (so that
 * "%.15g" keeps fixed notation), and not "-0". Saves a strtod and a printf per cell.
 */
static int number_is_canonical(const char *s)
{
	const char *p = s + (*s == '-');
	size_t sig = 0, zeros = 0;
	if (*p == '0') {
		p++;
		if (*p == '\0')
			return s[0] != '-';
		if (*p != '.')
			return 0;
	} else {
		for (; *p >= '0' && *p <= '9'; p++)
			sig++;
		if (sig == 0)
			return 0;
	}
	if (*p == '.') {
		const char *frac = ++p;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (sig == 0 && *p == '0')
				zeros++;
			else
				sig++;
		}
		if (p == frac || p[-1] == '0' || zeros > 3)
			return 0;
	}
	return *p == '\0' && sig <= 15;
}

/*
 * Writes the date of Excel serial SERIAL ("YYYY-MM-DD"; the time of day is dropped). The 1900
 * system counts 1900-01-01 as 1 and, as Lotus 1-2-3 did, has a 1900-02-29 (serial 60), so
 * later serials are one day ahead; the 1904 system counts 1904-01-01 as 0. Returns 0, or -1
 * when SERIAL is no date (a time of day alone, negative, past 9999-12-31).
 */
static int format_date(double serial, int date1904, char *out, size_t cap)
{
	long days;
	if (!isfinite(serial))
		return -1;
	double day = floor(serial);
	if (date1904) {
		if (day < 0 || day > 2957003)
			return -1;
		days = (long)day - 24107; /* 1904-01-01 is 24107 days before 1970-01-01 */
	} else {
		if (day < 1 || day > 2958465)
			return -1;
		if (day == 60) {
			snprintf(out, cap, "1900-02-29");
			return 0;
		}
		/* 1899-12-31 is 25568 days before 1970-01-01 */
		days = day < 60 ? (long)day - 25568 : (long)day - 25569;
	}
	int64_t ymd = cc_ymd_from_days(days);
	snprintf(out, cap, "%04lld-%02d-%02d", (long long)(ymd / 10000), (int)(ymd / 100 % 100),
		 (int)(ymd % 100));
	return 0;
}

static void slot_release(struct slot *s)
{
	cc_buf_release(&s->text);
	free(s->f);
	free(s->fields);
	free(s->lens);
}

/* Stores a cell of the row being built at column COL; TEXT is copied unless KIND is shared. */
static int row_put(struct cc_xlsx_reader *x, long col, enum field_kind kind, const char *text,
		   size_t len, size_t index)
{
	struct slot *s = x->cur;
	size_t c = (size_t)col;
	if (c >= s->cap) {
		size_t cap = s->cap ? s->cap : 16;
		while (cap <= c)
			cap *= 2;
		struct field *f = realloc(s->f, cap * sizeof *f);
		if (!f)
			return fail_oom(x);
		s->f = f;
		s->cap = cap;
	}
	for (; s->n <= c; s->n++) {
		s->f[s->n].kind = FIELD_EMPTY;
		s->f[s->n].len = 0;
	}
	struct field *f = &s->f[c];
	f->kind = kind;
	f->len = len;
	if (kind == FIELD_SHARED) {
		f->off = index;
	} else if (kind == FIELD_TEXT) {
		f->off = s->text.len;
		if (cc_buf_append(&s->text, text, len) || cc_buf_putc(&s->text, '\0'))
			return fail_parser(x, CC_EPARSE, "row %ld of '%s' is longer than %u bytes",
					   x->row_num, x->path, (unsigned)XLSX_MAX_ROW_TEXT);
	}
	return 0;
}

/* Turns the collected text of the cell just closed into a field of the row. */
static int cell_finish(struct cc_xlsx_reader *x)
{
	char num[40];
	char *v = x->cell.data ? x->cell.data : num;
	size_t n = x->cell.len;
	if (!x->cell.data)
		num[0] = '\0';
	switch (x->ctype) {
	case CELL_SHARED: {
		unsigned long i;
		if (n == 0)
			return 0;
		if (parse_uint(v, 0xFFFFFFFFul, &i) || i >= x->nsst)
			return fail_parser(x, CC_EPARSE,
					   "row %ld of '%s' refers to shared string "
					   "'%.20s', which does not exist",
					   x->row_num, x->path, v);
		size_t len;
		sst_get(x, i, &len);
		return len ? row_put(x, x->col, FIELD_SHARED, NULL, len, i) : 0;
	}
	case CELL_BOOL:
		if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
			return row_put(x, x->col, FIELD_TEXT, "TRUE", 4, 0);
		if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
			return row_put(x, x->col, FIELD_TEXT, "FALSE", 5, 0);
		break;
	case CELL_NUMBER: {
		char *end;
		int date = x->style < x->nxf && x->xf_date && x->xf_date[x->style];
		if (n == 0)
			return 0;
		if (!date && number_is_canonical(v))
			return row_put(x, x->col, FIELD_TEXT, v, n, 0);
		double d = strtod(v, &end);
		if (end == v || *end || !isfinite(d))
			break;
		if (date && format_date(d, x->date1904, num, sizeof num) == 0)
			return row_put(x, x->col, FIELD_TEXT, num, strlen(num), 0);
		format_number(d, num, sizeof num);
		return row_put(x, x->col, FIELD_TEXT, num, strlen(num), 0);
	}
	case CELL_INLINE:
	case CELL_STR: n = unescape_x(v, n); break;
	case CELL_ERROR:
	case CELL_ISO: break;
	}
	return n ? row_put(x, x->col, FIELD_TEXT, v, n, 0) : 0;
}

/* Parses a cell reference ("C5"): returns its 0-based column, or -1 when it has none. */
static long ref_column(const char *r)
{
	long col = 0;
	const char *p = r;
	for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++) {
		col = col * 26 + ((*p | 0x20) - 'a' + 1);
		if (col > XLSX_MAX_COLS)
			return XLSX_MAX_COLS; /* too far right: reported by the caller */
	}
	if (p == r || *p < '0' || *p > '9')
		return -1;
	return col - 1;
}

static void XMLCALL sheet_start(void *ud, const char *name, const char **atts)
{
	struct cc_xlsx_reader *x = ud;
	const char *l = local_name(name);
	if (x->fail)
		return;
	if (l[0] == 'c' && l[1] == '\0') {
		if (!x->in_row)
			return;
		const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
		long col = r ? ref_column(r) : -1;
		unsigned long style;
		x->col = col >= 0 ? col : x->next_col;
		if (x->col >= XLSX_MAX_COLS) {
			fail_parser(x, CC_EPARSE, "row %ld of '%s' has more than %d columns",
				    x->row_num, x->path, XLSX_MAX_COLS);
			return;
		}
		x->next_col = x->col + 1;
		x->ctype = CELL_NUMBER;
		if (t) {
			if (strcmp(t, "s") == 0)
				x->ctype = CELL_SHARED;
			else if (strcmp(t, "inlineStr") == 0)
				x->ctype = CELL_INLINE;
			else if (strcmp(t, "str") == 0)
				x->ctype = CELL_STR;
			else if (strcmp(t, "b") == 0)
				x->ctype = CELL_BOOL;
			else if (strcmp(t, "e") == 0)
				x->ctype = CELL_ERROR;
			else if (strcmp(t, "d") == 0)
				x->ctype = CELL_ISO;
		}
		x->style = parse_uint(s, XLSX_MAX_XF, &style) ? 0 : (unsigned)style;
		x->in_cell = 1;
		x->in_v = x->in_is = 0;
		x->rph = 0;
		cc_buf_reset(&x->cell);
	} else if (strcmp(l, "row") == 0) {
		unsigned long r;
		x->in_row = 1;
		x->in_cell = 0;
		x->row_num = parse_uint(attr(atts, "r"), (unsigned long)XLSX_MAX_ROWS * 16, &r)
				     ? x->last_row + 1
				     : (long)r;
		x->next_col = 0;
		x->cur->n = 0;
		cc_buf_reset(&x->cur->text);
	} else if (!x->in_cell) {
		return;
	} else if (l[0] == 'v' && l[1] == '\0') {
		x->in_v = 1;
	} else if (strcmp(l, "is") == 0) {
		x->in_is = 1;
	} else if (strcmp(l, "rPh") == 0) {
		x->rph++;
	} else if (l[0] == 't' && l[1] == '\0' && x->in_is && !x->rph) {
		x->in_v = 1;
	}
}

static void XMLCALL sheet_end(void *ud, const char *name)
{
	struct cc_xlsx_reader *x = ud;
	const char *l = local_name(name);
	if (x->fail)
		return;
	if (l[0] == 'c' && l[1] == '\0') {
		if (x->in_cell)
			cell_finish(x);
		x->in_cell = x->in_v = x->in_is = 0;
	} else if (strcmp(l, "row") == 0) {
		struct slot *s = x->cur;
		if (!x->in_row)
			return;
		x->in_row = 0;
		x->last_row = x->row_num;
		while (s->n && s->f[s->n - 1].kind == FIELD_EMPTY)
			s->n--;
		if (!s->n)
			return;
		if (x->have_ready) {
			/* Expat calls no handler after suspending at an end tag. */
			fail_parser(x, CC_EPARSE, "internal error reading '%s': two rows at once",
				    x->path);
			return;
		}
		s->line = x->row_num;
		x->cur = x->ready;
		x->ready = s;
		x->have_ready = 1;
		XML_StopParser(x->parser, XML_TRUE);
	} else if (!x->in_cell) {
		return;
	} else if ((l[0] == 'v' && l[1] == '\0') || (l[0] == 't' && l[1] == '\0')) {
		x->in_v = 0;
	} else if (strcmp(l, "is") == 0) {
		x->in_is = 0;
	} else if (strcmp(l, "rPh") == 0) {
		if (x->rph)
			x->rph--;
	}
}

static void XMLCALL sheet_text(void *ud, const char *s, int len)
{
	struct cc_xlsx_reader *x = ud;
	if (!x->in_v || x->fail)
		return;
	if (cc_buf_append(&x->cell, s, (size_t)len))
		fail_parser(x, CC_EPARSE, "a cell in row %ld of '%s' is longer than %u bytes",
			    x->row_num, x->path, (unsigned)XLSX_MAX_CELL);
}

/* ------------------------------------------------------------------------------------------ */
/* Reader API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/* Finds the workbook, its first worksheet, the shared strings and the styles. */
static int open_parts(struct cc_xlsx_reader *x, struct cc_error *err)
{
	char workbook[XLSX_PART_MAX] = "xl/workbook.xml", dir[XLSX_PART_MAX], part[XLSX_PART_MAX];
	const struct rel *r;
	int rc = rels_load(x, "", err); /* _rels/.rels */
	if (rc)
		return rc;
	r = rels_find(x, "officeDocument", NULL);
	if (r && part_resolve(workbook, sizeof workbook, "", r->target) != 0)
		return cc_error_set(err, CC_EPARSE,
				    "'%s' is not an XLSX workbook (bad workbook "
				    "path '%s')",
				    x->path, r->target);
	if (!part_exists(x, workbook))
		return cc_error_set(err, CC_EPARSE, "'%s' is not an XLSX workbook (no %s)", x->path,
				    workbook);
	rc = part_parse(x, workbook, XLSX_MAX_SMALL_XML, workbook_start, ignore_end, NULL, err);
	if (rc)
		return rc;
	const char *slash = strrchr(workbook, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - workbook + 1) : 0, workbook);
	rc = rels_load(x, workbook, err);
	if (rc)
		return rc;

	x->sheet_part[0] = '\0';
	for (size_t i = 0; i < x->nsheets && !x->sheet_part[0]; i++) {
		r = rels_find(x, NULL, x->sheet_ids[i]);
		if (r && strcmp(r->type, "worksheet") == 0 &&
		    part_resolve(x->sheet_part, sizeof x->sheet_part, dir, r->target) != 0)
			x->sheet_part[0] = '\0';
	}
	if (!x->sheet_part[0])
		return cc_error_set(err, CC_EPARSE, "no worksheet in '%s'", x->path);
	if (!part_exists(x, x->sheet_part))
		return cc_error_set(err, CC_EPARSE, "no worksheet in '%s' (part %s is missing)",
				    x->path, x->sheet_part);

	r = rels_find(x, "sharedStrings", NULL);
	if (!r || part_resolve(part, sizeof part, dir, r->target) != 0)
		if (part_resolve(part, sizeof part, dir, "sharedStrings.xml") != 0)
			part[0] = '\0';
	x->sst_part = part;
	rc = part_parse(x, part, XLSX_MAX_SHARED_XML, sst_start, sst_end, sst_text, err);
	x->sst_part = NULL;
	if (rc && rc != CC_ENOTFOUND)
		return rc;

	r = rels_find(x, "styles", NULL);
	if (!r || part_resolve(part, sizeof part, dir, r->target) != 0)
		if (part_resolve(part, sizeof part, dir, "styles.xml") != 0)
			part[0] = '\0';
	rc = part_parse(x, part, XLSX_MAX_SMALL_XML, styles_start, styles_end, NULL, err);
	if (rc && rc != CC_ENOTFOUND)
		return rc;
	rc = styles_resolve(x, err);
	rels_clear(x);
	return rc;
}

int cc_xlsx_open(struct cc_xlsx_reader **out, const char *path, struct cc_error *err)
{
	int rc = 0;
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return cc_error_set(err, CC_EIO, "cannot open '%s': %s", path, strerror(errno));
	fclose(f);
	struct cc_xlsx_reader *x = calloc(1, sizeof *x);
	if (!x)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	x->path = strdup(path);
	cc_buf_init(&x->pool, XLSX_MAX_SHARED);
	cc_buf_init(&x->cell, XLSX_MAX_CELL);
	cc_buf_init(&x->slots[0].text, XLSX_MAX_ROW_TEXT);
	cc_buf_init(&x->slots[1].text, XLSX_MAX_ROW_TEXT);
	x->cur = &x->slots[0];
	x->ready = &x->slots[1];
	if (!x->path) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	x->zip = unzOpen64(path);
	if (!x->zip) {
		rc = cc_error_set(err, CC_EPARSE, "'%s' is not an XLSX workbook (not a zip file)",
				  path);
		goto out;
	}
	rc = open_parts(x, err);
	if (rc)
		goto out;
	rc = part_open(x, x->sheet_part, 0, &x->sheet_size, err);
	if (rc) {
		if (rc == CC_ENOTFOUND)
			rc = cc_error_set(err, CC_EPARSE, "no worksheet in '%s'", path);
		goto out;
	}
	x->parser = xml_parser_new();
	if (!x->parser) {
		unzCloseCurrentFile(x->zip);
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	XML_SetUserData(x->parser, x);
	XML_SetElementHandler(x->parser, sheet_start, sheet_end);
	XML_SetCharacterDataHandler(x->parser, sheet_text);
	x->fail = 0;
out:
	if (rc) {
		cc_xlsx_reader_close(x);
		return rc;
	}
	*out = x;
	return 0;
}

/* Hands the ready row to the caller. */
static int row_emit(struct cc_xlsx_reader *x, struct cc_row *row, struct cc_error *err)
{
	struct slot *s = x->ready;
	if (s->n > s->fcap) {
		const char **fields = realloc(s->fields, s->n * sizeof *fields);
		if (!fields)
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		s->fields = fields;
		size_t *lens = realloc(s->lens, s->n * sizeof *lens);
		if (!lens)
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		s->lens = lens;
		s->fcap = s->n;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct field *f = &s->f[i];
		s->lens[i] = f->len;
		if (f->kind == FIELD_TEXT)
			s->fields[i] = s->text.data + f->off;
		else if (f->kind == FIELD_SHARED)
			s->fields[i] = sst_get(x, f->off, &s->lens[i]);
		else
			s->fields[i] = "";
	}
	row->nfields = s->n;
	row->fields = s->fields;
	row->lens = s->lens;
	row->line = s->line;
	x->have_ready = 0;
	return 1;
}

int cc_xlsx_next(struct cc_xlsx_reader *x, struct cc_row *row, struct cc_error *err)
{
	int rc = 0;
	if (x->sticky)
		return cc_error_set(err, x->sticky, "%s", x->ferr.msg);
	for (;;) {
		enum XML_Status st;
		XML_ParsingStatus ps;
		if (x->have_ready)
			return row_emit(x, row, err);
		if (x->done)
			return 0;
		XML_GetParsingStatus(x->parser, &ps);
		if (ps.parsing == XML_SUSPENDED) {
			st = XML_ResumeParser(x->parser);
		} else if (ps.parsing == XML_FINISHED) {
			x->done = 1;
			rc = part_close(x, x->sheet_part, err);
			if (rc)
				goto fail;
			continue;
		} else {
			void *buf = XML_GetBuffer(x->parser, XLSX_CHUNK);
			if (!buf) {
				rc = xml_mem_refused
					     ? xml_error(x, x->parser, x->sheet_part, err)
					     : cc_error_set(err, CC_ENOMEM, "out of memory");
				goto fail;
			}
			int n = unzReadCurrentFile(x->zip, buf, XLSX_CHUNK);
			if (n < 0) {
				rc = cc_error_set(err, CC_EIO,
						  "cannot read '%s' in '%s' (damaged "
						  "zip?)",
						  x->sheet_part, x->path);
				goto fail;
			}
			x->consumed += (uint64_t)n;
			st = XML_ParseBuffer(x->parser, n, n == 0);
		}
		if (st == XML_STATUS_ERROR) {
			rc = xml_error(x, x->parser, x->sheet_part, err);
			goto fail;
		}
	}
fail:
	/* Reading cannot go on after an error: later calls repeat it. */
	x->sticky = rc;
	if (err)
		x->ferr = *err;
	else
		cc_error_set(&x->ferr, rc, "cannot read '%s'", x->path);
	return rc;
}

double cc_xlsx_progress(const struct cc_xlsx_reader *x)
{
	if (!x || x->done)
		return 1.0;
	if (!x->sheet_size)
		return 0.0;
	double p = (double)x->consumed / (double)x->sheet_size;
	return p > 1.0 ? 1.0 : p;
}

void cc_xlsx_reader_close(struct cc_xlsx_reader *x)
{
	if (!x)
		return;
	if (x->parser)
		XML_ParserFree(x->parser);
	if (x->zip)
		unzClose(x->zip); /* also closes an open current file */
	rels_clear(x);
	for (size_t i = 0; i < x->nsheets; i++)
		free(x->sheet_ids[i]);
	free(x->sheet_ids);
	free(x->fmt_id);
	free(x->fmt_date);
	free(x->xf_fmt);
	free(x->xf_date);
	cc_buf_release(&x->pool);
	free(x->sst);
	cc_buf_release(&x->cell);
	slot_release(&x->slots[0]);
	slot_release(&x->slots[1]);
	free(x->path);
	free(x);
}

/* ------------------------------------------------------------------------------------------ */
/* Writer                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* Excel's sheet name limit, in UTF-16 code units. */
#define XLSX_SHEET_NAME_MAX 31

struct cc_xlsx_writer {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	lxw_format *pct, *pct_bold; /* CC_CELL_PERCENT: "0.0%" */
	char *path;
	char sheet[XLSX_SHEET_NAME_MAX * 4 + 1];
	lxw_row_t row;
};

/*
 * Makes a sheet name Excel accepts from NAME into OUT (at least 125 bytes): at most 31 UTF-16
 * units, cut at a character boundary; the characters Excel forbids ([]:*?/\), invalid UTF-8
 * and a leading or trailing apostrophe become '_'. An empty result becomes "Sheet".
 */
static void sheet_name(const char *name, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)(name ? name : "");
	size_t o = 0, units = 0;
	while (*p && units < XLSX_SHEET_NAME_MAX) {
		size_t len = 1, need = 1;
		if (*p >= 0xF0 && *p <= 0xF4)
			len = 4, need = 2;
		else if (*p >= 0xE0 && *p <= 0xEF)
			len = 3;
		else if (*p >= 0xC2 && *p <= 0xDF)
			len = 2;
		else if (*p >= 0x80)
			len = 0; /* stray continuation or invalid lead byte */
		for (size_t k = 1; k < len; k++)
			if ((p[k] & 0xC0) != 0x80)
				len = 0;
		if (units + need > XLSX_SHEET_NAME_MAX || o + 4 >= cap)
			break;
		if (len == 0 || (len == 1 && strchr("[]:*?/\\", *p))) {
			out[o++] = '_';
			p++;
		} else {
			memcpy(out + o, p, len);
			o += len;
			p += len;
		}
		units += need;
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, cap, "Sheet");
	if (out[0] == '\'')
		out[0] = '_';
	if (out[strlen(out) - 1] == '\'')
		out[strlen(out) - 1] = '_';
}

int cc_xlsx_create(struct cc_xlsx_writer **out, const char *path, struct cc_error *err)
{
	*out = NULL;
	/* libxlsxwriter opens the file only when closing: find an unwritable path now. */
	FILE *f = fopen(path, "wb");
	if (!f)
		return cc_error_set(err, CC_EIO, "cannot create '%s': %s", path, strerror(errno));
	fclose(f);
	struct cc_xlsx_writer *w = calloc(1, sizeof *w);
	if (!w)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	w->path = strdup(path);
	lxw_workbook_options opt = {
		.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
	w->wb = w->path ? workbook_new_opt(path, &opt) : NULL;
	if (w->wb) {
		w->bold = workbook_add_format(w->wb);
		w->pct = workbook_add_format(w->wb);
		w->pct_bold = workbook_add_format(w->wb);
	}
	if (!w->bold || !w->pct || !w->pct_bold) {
		if (w->wb)
			lxw_workbook_free(w->wb);
		free(w->path);
		free(w);
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	}
	format_set_bold(w->bold);
	format_set_num_format(w->pct, "0.0%");
	format_set_num_format(w->pct_bold, "0.0%");
	format_set_bold(w->pct_bold);
	*out = w;
	return 0;
}

int cc_xlsx_add_sheet(struct cc_xlsx_writer *w, const char *name, struct cc_error *err)
{
	char nm[sizeof w->sheet];
	sheet_name(name, nm, sizeof nm);
	lxw_error e = workbook_validate_sheet_name(w->wb, nm);
	if (e == LXW_ERROR_SHEETNAME_ALREADY_USED)
		return cc_error_set(err, CC_EEXIST, "sheet '%s' already exists in '%s'", nm,
				    w->path);
	if (e != LXW_NO_ERROR)
		return cc_error_set(err, CC_EINVAL, "bad sheet name '%s': %s", nm, lxw_strerror(e));
	lxw_worksheet *ws = workbook_add_worksheet(w->wb, nm);
	if (!ws)
		return cc_error_set(err, CC_EIO,
				    "cannot add sheet '%s' to '%s' (no temporary "
				    "file?)",
				    nm, w->path);
	w->ws = ws;
	w->row = 0;
	memcpy(w->sheet, nm, sizeof nm);
	return 0;
}

/* Returns whether S is all a finite number as strtod reads it, with nothing around it. */
static int parse_number(const char *s, double *out)
{
	char *end;
	if (!s || !*s || strchr(" \t\n\r\f\v", *s) || strpbrk(s, "xXpP"))
		return 0; /* no whitespace, hexadecimal or hex-float forms */
	errno = 0;
	double v = strtod(s, &end);
	if (*end || !isfinite(v) || errno == ERANGE)
		return 0;
	*out = v;
	return 1;
}

int cc_xlsx_row(struct cc_xlsx_writer *w, size_t n, const char *const *values,
		const enum cc_cell_type *types, int bold, struct cc_error *err)
{
	if (!w->ws) {
		int rc = cc_xlsx_add_sheet(w, "Sheet1", err);
		if (rc)
			return rc;
	}
	if (w->row >= LXW_ROW_MAX)
		return cc_error_set(err, CC_EINVAL, "sheet '%s' is full (%d rows)", w->sheet,
				    LXW_ROW_MAX);
	if (n > LXW_COL_MAX)
		return cc_error_set(err, CC_EINVAL, "row %lu has more than %d columns",
				    (unsigned long)w->row + 1, LXW_COL_MAX);
	lxw_format *fmt = bold ? w->bold : NULL;
	for (size_t i = 0; i < n; i++) {
		const char *v = values[i];
		lxw_col_t col = (lxw_col_t)i;
		lxw_error e;
		double d;
		if (!v || !*v)
			e = fmt ? worksheet_write_blank(w->ws, w->row, col, fmt) : LXW_NO_ERROR;
		else if (types && types[i] == CC_CELL_NUMBER && parse_number(v, &d))
			e = worksheet_write_number(w->ws, w->row, col, d, fmt);
		else if (types && types[i] == CC_CELL_PERCENT && parse_number(v, &d))
			e = worksheet_write_number(w->ws, w->row, col, d,
						   bold ? w->pct_bold : w->pct);
		else
			e = worksheet_write_string(w->ws, w->row, col, v, fmt);
		if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
			return cc_error_set(err, CC_EINVAL,
					    "cell in row %lu, column %lu of sheet "
					    "'%s' is longer than Excel's 32767 characters",
					    (unsigned long)w->row + 1, (unsigned long)i + 1,
					    w->sheet);
		if (e != LXW_NO_ERROR)
			return cc_error_set(
				err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? CC_ENOMEM : CC_EIO,
				"cannot write row %lu of sheet '%s': %s", (unsigned long)w->row + 1,
				w->sheet, lxw_strerror(e));
	}
	w->row++;
	return 0;
}

void cc_xlsx_widths(struct cc_xlsx_writer *w, size_t n, const double *widths)
{
	if (!w->ws)
		return;
	for (size_t i = 0; i < n && i < LXW_COL_MAX; i++)
		worksheet_set_column(w->ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
}

int cc_xlsx_bar_chart(struct cc_xlsx_writer *w, const char *sheet, int cat_col, int val_col,
		      int first, int last, const char *title, int anchor_row, int anchor_col)
{
	char nm[sizeof w->sheet];
	if (!w->ws || cat_col < 0 || val_col < 0 || cat_col >= LXW_COL_MAX ||
	    val_col >= LXW_COL_MAX || first < 0 || last < first || last >= LXW_ROW_MAX ||
	    anchor_row < 0 || anchor_col < 0 || anchor_row >= LXW_ROW_MAX ||
	    anchor_col >= LXW_COL_MAX)
		return CC_EINVAL;
	/* The name the sheet was given by cc_xlsx_add_sheet; NULL means the current sheet. */
	sheet_name(sheet ? sheet : w->sheet, nm, sizeof nm);
	lxw_chart *chart = workbook_add_chart(w->wb, LXW_CHART_COLUMN);
	if (!chart)
		return CC_ENOMEM;
	lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
	if (!s)
		return CC_ENOMEM;
	chart_series_set_categories(s, nm, (lxw_row_t)first, (lxw_col_t)cat_col, (lxw_row_t)last,
				    (lxw_col_t)cat_col);
	chart_series_set_values(s, nm, (lxw_row_t)first, (lxw_col_t)val_col, (lxw_row_t)last,
				(lxw_col_t)val_col);
	if (title && *title)
		chart_title_set_name(chart, title);
	chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
	lxw_error e =
		worksheet_insert_chart(w->ws, (lxw_row_t)anchor_row, (lxw_col_t)anchor_col, chart);
	if (e == LXW_ERROR_MEMORY_MALLOC_FAILED)
		return CC_ENOMEM;
	return e == LXW_NO_ERROR ? 0 : CC_EINVAL;
}

int cc_xlsx_writer_close(struct cc_xlsx_writer *w, struct cc_error *err)
{
	int rc = 0;
	if (!w)
		return 0;
	lxw_error e = workbook_close(w->wb); /* frees the workbook either way */
	if (e != LXW_NO_ERROR) {
		rc = cc_error_set(err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? CC_ENOMEM : CC_EIO,
				  "cannot write '%s': %s", w->path, lxw_strerror(e));
		remove(w->path); /* not a workbook: do not leave it for someone to open */
	}
	free(w->path);
	free(w);
	return rc;
}
