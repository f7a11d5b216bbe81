/*
 * Importers for the interchange files (see import.h and FORMATS.md).
 *
 * One pass over the file: the header is mapped to the kind's columns, then each row is
 * validated completely into a struct rowval before anything is bound, so a row either loads
 * whole or goes to the reject report whole. The whole file is one transaction.
 *
 * What one file can cost is bounded (import.h): its rows (CC_IMPORT_MAX_ROWS, past which the
 * file is refused) and its reject report (CC_IMPORT_REPORT_MAX_ROWS rejected rows and
 * CC_IMPORT_REPORT_MAX_BYTES, past which rejected rows are only counted). A malformed CSV
 * record is a rejected row like any other (the reader re-synchronises: base/csv.h).
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/bigmem.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/header.h"
#include "base/parse.h"
#include "base/progress.h"
#include "base/text.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "domain/patent.h"
#include "domain/uscc.h"
#include "green/green.h"
#include "innov/platform.h"
#include "io/import.h"
#include "io/table.h"
#include "store/check.h"
#include "store/dialect.h"

#define MAXCOLS 32

static const struct cc_column enterprise_cols[] = {
	{"uscc", "统一社会信用代码", 1}, {"name", "企业名称", 1},    {"region", "行政区划代码", 1},
	{"industry", "行业代码", 0},	 {"founded", "成立日期", 0}, {"scale", "企业规模", 0},
	{"listed", "上市板块", 0},	 {"certs", "资质", 0},	     {NULL, NULL, 0}};

/* uscc, period, then the CC_M_BASE_COUNT metrics in catalogue order (filled at first use). */
static struct cc_column indicator_cols[2 + CC_M_BASE_COUNT + 1];

static const struct cc_column member_cols[] = {{"uscc", "统一社会信用代码", 1},
					       {"chain", "产业链", 1},
					       {"node", "环节", 1},
					       {"role", "角色", 0},
					       {"product", "主要产品", 0},
					       {NULL, NULL, 0}};

static const struct cc_column supply_cols[] = {{"supplier", "供方信用代码", 1},
					       {"buyer", "需方信用代码", 1},
					       {"product", "产品", 0},
					       {"node", "环节", 0},
					       {"annual_value", "年采购额", 0},
					       {"share", "占比", 0},
					       {NULL, NULL, 0}};

static const struct cc_column posting_cols[] = {{"kind", "类型", 1},
						{"uscc", "统一社会信用代码", 1},
						{"title", "标题", 1},
						{"description", "描述", 0},
						{"node", "环节", 0},
						{"quantity", "数量", 0},
						{"unit", "单位", 0},
						{"region_pref", "意向地区", 0},
						{"valid_until", "有效期至", 0},
						{NULL, NULL, 0}};

/* energy.csv (issue 16): one row per enterprise, year and carrier; value_added on any row of
 * the enterprise's year. */
static const struct cc_column energy_cols[] = {{"uscc", "统一社会信用代码", 1},
					       {"period", "期间", 1},
					       {"carrier", "能源品种", 1},
					       {"quantity", "消费量", 1},
					       {"unit", "计量单位", 0},
					       {"value_added", "工业增加值", 0},
					       {NULL, NULL, 0}};

/* patents.csv (issue 17): key number; FORMATS.md. */
static const struct cc_column patent_cols[] = {
	{"number", "申请号", 1}, {"kind", "专利类型", 0},   {"title", "专利名称", 0},
	{"ipc", "IPC分类号", 0}, {"filed", "申请日", 0},    {"granted", "授权日", 0},
	{"lapsed", "失效日", 0}, {"status", "法律状态", 0}, {"holder", "专利权人信用代码", 1},
	{NULL, NULL, 0}};

static const char *const kind_names[CC_KIND_COUNT] = {
	"enterprises", "indicators", "chain_members", "supply",	   "postings", "energy",
	"patents",     "flags",	     "recognitions",  "platforms", "consortia"};

/* platforms.csv and consortia.csv (issue 17, item 3): the innovation registries, key name;
 * FORMATS-style description in docs/FORMATS-innovation.md. */
static const struct cc_column platform_cols[] = {
	{"name", "平台名称", 1},     {"kind", "平台类型", 1},  {"level", "级别", 1},
	{"host", "依托单位", 0},     {"nodes", "服务环节", 0}, {"recognised", "认定日期", 0},
	{"reviewed", "复核日期", 0}, {NULL, NULL, 0}};
static const struct cc_column consortium_cols[] = {
	{"name", "联合体名称", 1},     {"leader", "牵头企业信用代码", 1},
	{"members", "成员单位", 0},    {"node", "目标环节", 1},
	{"technology", "攻关技术", 1}, {"milestones", "里程碑", 0},
	{"status", "状态", 0},	       {NULL, NULL, 0}};

/* recognitions.csv (issue 16): key uscc + recognition + level + year + name. */
static const struct cc_column recognition_cols[] = {{"uscc", "统一社会信用代码", 1},
						    {"recognition", "名单类别", 1},
						    {"level", "级别", 1},
						    {"year", "年度", 1},
						    {"name", "名称", 0},
						    {"source", "文号", 0},
						    {NULL, NULL, 0}};

/* flags.csv (issue 16): key uscc + period + flag. */
static const struct cc_column flag_cols[] = {
	{"uscc", "统一社会信用代码", 1}, {"period", "期间", 1},	    {"flag", "问题类型", 1},
	{"description", "情况说明", 0},	 {"source", "依据文号", 0}, {NULL, NULL, 0}};

const char *cc_kind_name(int kind)
{
	return (kind >= 0 && kind < CC_KIND_COUNT) ? kind_names[kind] : "unknown";
}

int cc_kind_parse(const char *s)
{
	for (int i = 0; i < CC_KIND_COUNT; i++)
		if (strcmp(s, kind_names[i]) == 0)
			return i;
	if (strcmp(s, "members") == 0)
		return CC_KIND_MEMBERS;
	if (strcmp(s, "enterprise") == 0)
		return CC_KIND_ENTERPRISES;
	if (strcmp(s, "posting") == 0)
		return CC_KIND_POSTINGS;
	if (strcmp(s, "supply_edges") == 0)
		return CC_KIND_SUPPLY;
	if (strcmp(s, "patent") == 0)
		return CC_KIND_PATENTS;
	if (strcmp(s, "platform") == 0)
		return CC_KIND_PLATFORMS;
	if (strcmp(s, "consortium") == 0)
		return CC_KIND_CONSORTIA;
	return -1;
}

const struct cc_column *cc_kind_columns(int kind)
{
	switch (kind) {
	case CC_KIND_ENTERPRISES: return enterprise_cols;
	case CC_KIND_INDICATORS:
		if (!indicator_cols[0].id) {
			/* Benign race: every thread writes the same values. */
			indicator_cols[1] = (struct cc_column){"period", "期间", 1};
			for (int m = 0; m < CC_M_BASE_COUNT; m++) {
				const struct cc_metric *mt = cc_metric_get(m);
				indicator_cols[2 + m] = (struct cc_column){mt->key, mt->name_zh, 0};
			}
			indicator_cols[0] = (struct cc_column){"uscc", "统一社会信用代码", 1};
		}
		return indicator_cols;
	case CC_KIND_MEMBERS: return member_cols;
	case CC_KIND_SUPPLY: return supply_cols;
	case CC_KIND_POSTINGS: return posting_cols;
	case CC_KIND_ENERGY: return energy_cols;
	case CC_KIND_PATENTS: return patent_cols;
	case CC_KIND_FLAGS: return flag_cols;
	case CC_KIND_RECOGNITIONS: return recognition_cols;
	case CC_KIND_PLATFORMS: return platform_cols;
	case CC_KIND_CONSORTIA: return consortium_cols;
	default: return NULL;
	}
}

/*
 * A validated row, as values for the statement's parameters. Row functions record into one;
 * the writer binds and steps it, on a second thread for big files (parsing and validation on
 * one core, SQLite on the other).
 */
#define RB_MAXV 24
struct rb_val {
	int type; /* 0 NULL, 1 integer, 2 double, 3 text */
	int64_t i;
	double d;
	size_t off, len;
};

struct rowbuf {
	int nv;
	int plain_first; /* try im->plain, then im->upsert on a conflict */
	long line;
	/* A registry row is audited as its API route is (when the upsert changed something):
	 * the action, and the target and after-JSON as spans of TEXT. */
	const char *audit;
	size_t aud_target, aud_target_len, aud_after, aud_after_len;
	struct rb_val v[RB_MAXV];
	struct cc_buf text;
};

#define BATCH  256
#define NBATCH 8
struct batch {
	int n;
	struct rowbuf rows[BATCH];
};

/* The state of one import. */
struct imp {
	int csv; /* the file is CSV: cells may carry our exports' formula guard (XLSX never) */
	struct cc_store *st;
	/* The plain INSERT is tried before the upsert where a failed statement leaves the
	 * transaction usable (cc_store_failure_keeps_tx: SQLite). Elsewhere rows go straight to
	 * the upsert. */
	int plain_ok;
	/* Where a failed statement spoils the transaction (PostgreSQL), a constraint the
	 * validators missed cannot reject its row alone on the row path, nor in the bulk load's
	 * direct load (cc_store_bulk_retry): the first attempt then stops (retry) and the file
	 * is imported again (careful) with each row under a savepoint, or without the direct
	 * load, as SQLite rejects that row alone. */
	int careful, retry;
	const struct cc_import_opts *opts;
	struct cc_import_result *res;
	struct cc_error *err;
	const struct cc_catalogue *cat;
	int kind;
	const struct cc_column *cols;
	int ncols;
	int lines_col;	  /* the column whose text may hold line breaks (description), or -1 */
	int map[MAXCOLS]; /* column index in the file for each kind column, or -1 */
	long line;
	int row_bad;	  /* the current row has at least one problem */
	const char *name; /* the file as its user knows it, for messages */
	FILE *rejects;
	struct cc_buf rejbuf;
	/* The reject report's limits: rows listed so far, bytes written, the line of the last
	 * problem written, and whether a limit was reached (nothing more is written). */
	int64_t rep_rows;
	size_t rep_bytes;
	long rep_last_line[2]; /* per source: the reader [0], the writer thread [1] */
	int rep_full;
	struct cc_stmt *upsert, *lookup;
	/* Kinds written through the store's bulk load (store.h, cc_store_bulk_*): the row
	 * statements' text (begin_row_statement), the load, and the rows it changed. */
	int use_bulk;
	char *upsert_sql, *plain_sql;
	struct cc_bulk *load;
	int64_t changed;
	/* Last enterprise looked up (files are usually sorted by code). */
	char last_uscc[19];
	int64_t last_id;
	int64_t org_warnings, orphan_suppliers;
	struct cc_buf sql;
	char now[32]; /* created_at of new rows, fixed once per import */
	/* Bulk load into an empty registry: no unique index during the load, built at the end
	 * (several times faster than keeping it up to date row by row). */
	int bulk;
	int idmap; /* slots map the whole registry (code -> id) for lookups of a big file */
	struct cc_stmt *plain;
	/* Indicators: the imports row this import will be (its id is taken when the
	 * transaction begins), the metrics the file gives (bit m: metric m) and the statement
	 * recording per written row where its values came from (indicator_imports). */
	int64_t import_id;
	int64_t prov_mask;
	struct cc_stmt *prov;
	struct rowbuf *cur; /* the row being recorded */
	/* The writer's side: counters and the first fatal error. */
	int64_t accepted, db_rejected;
	/* The bulk load's rows (numbered from 1 as it took them) to their lines, for the rows a
	 * constraint refuses at its end (bulk_refused; PostgreSQL, where SQLite refuses a row at
	 * its step): each row from which line - row differs from the row before, and that
	 * difference. */
	int64_t bulk_rows;
	int late_rejects; /* report_sort them in */
	int64_t (*lines)[2];
	size_t nlines, caplines;
	int fatal;
	struct cc_error fatal_err;
	pthread_mutex_t reject_lock;
	struct bulk_slot *slots;
	size_t nslots, used_slots;
};

struct bulk_slot {
	char uscc[18];
	int64_t id;
};

/* The map's hash of an 18-byte code: three loads and two multiplies, where FNV-1a took 18
 * dependent multiplies (a big patents file looks a holder up per row). */
static size_t slot_hash(const char *uscc)
{
	uint64_t a, b;
	uint16_t c;
	memcpy(&a, uscc, 8);
	memcpy(&b, uscc + 8, 8);
	memcpy(&c, uscc + 16, 2);
	uint64_t h = (a ^ (b * 0x9E3779B97F4A7C15ull) ^ c) * 0xBF58476D1CE4E5B9ull;
	return (size_t)(h ^ (h >> 29));
}

/*
 * N zeroed slots. A map of megabytes comes in huge pages (base/bigmem.h): a look-up per row at
 * random in a 4 KB-paged map missed the TLB as well as the cache, and those misses were the
 * reader's biggest cost in a big patents file.
 */
static struct bulk_slot *slots_alloc(size_t n)
{
	struct bulk_slot *p = cc_big_alloc(n * sizeof *p);
	if (p)
		memset(p, 0, n * sizeof *p);
	return p;
}

/* Returns the slot of USCC in the bulk map (empty slot: id 0), growing the map as needed. */
static struct bulk_slot *bulk_find(struct imp *im, const char *uscc)
{
	if (im->used_slots * 2 >= im->nslots) {
		size_t n = im->nslots ? im->nslots * 2 : 1u << 16;
		struct bulk_slot *ns = slots_alloc(n);
		if (!ns)
			return NULL;
		for (size_t i = 0; i < im->nslots; i++)
			if (im->slots[i].id) {
				size_t h = slot_hash(im->slots[i].uscc) & (n - 1);
				while (ns[h].id)
					h = (h + 1) & (n - 1);
				ns[h] = im->slots[i];
			}
		free(im->slots);
		im->slots = ns;
		im->nslots = n;
	}
	size_t h = slot_hash(uscc) & (im->nslots - 1);
	while (im->slots[h].id && memcmp(im->slots[h].uscc, uscc, 18) != 0)
		h = (h + 1) & (im->nslots - 1);
	return &im->slots[h];
}

static void add_warning(struct cc_import_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_warning(struct cc_import_result *res, const char *fmt, ...)
{
	if (res->nwarnings >= CC_IMPORT_MAX_WARNINGS)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	res->warnings[res->nwarnings] = strdup(msg);
	if (res->warnings[res->nwarnings])
		res->nwarnings++;
}

/*
 * Records one problem of the current row: the column (by kind column index, -1 for the row
 * as a whole), the value as found, and the reason in Chinese and English.
 */
static void reject_at(struct imp *im, long line, int col, const char *value, const char *zh,
		      const char *en)
{
	if (line < 0)
		im->row_bad = 1; /* the reader's own row (the writer passes the line it had) */
	if (!im->rejects)
		return;
	pthread_mutex_lock(&im->reject_lock);
	long at = line >= 0 ? line : im->line;
	/* The reader and the writer thread report rows of different lines in turn: each keeps
	 * its own last line, so a row is counted once however their reports interleave. */
	long *last = &im->rep_last_line[line >= 0];
	if (!im->rep_full && at != *last) {
		/* A new rejected row: is there room for it in the report? */
		if (im->rep_rows >= CC_IMPORT_REPORT_MAX_ROWS ||
		    im->rep_bytes >= CC_IMPORT_REPORT_MAX_BYTES)
			im->rep_full = 1;
		else
			im->rep_rows++;
		*last = at;
	}
	struct cc_buf *b = &im->rejbuf;
	const char *colname = col >= 0 ? im->cols[col].id : "";
	cc_buf_reset(b);
	cc_buf_printf(b, "%ld,", at);
	cc_buf_csv_cell(b, colname, strlen(colname), 1);
	cc_buf_putc(b, ',');
	cc_buf_csv_cell(b, value ? value : "", value ? strlen(value) : 0, 1);
	cc_buf_putc(b, ',');
	cc_buf_csv_cell(b, zh, strlen(zh), 1);
	cc_buf_putc(b, ',');
	cc_buf_csv_cell(b, en, strlen(en), 1);
	cc_buf_puts(b, "\r\n");
	if (!im->rep_full && im->rep_bytes + b->len > CC_IMPORT_REPORT_MAX_BYTES)
		im->rep_full = 1; /* the rest of this row's problems are not listed either */
	if (!im->rep_full) {
		fwrite(b->data, 1, b->len, im->rejects);
		im->rep_bytes += b->len;
	}
	pthread_mutex_unlock(&im->reject_lock);
}

struct rep_rec {
	long line;
	size_t off, len, i;
};

static int by_line(const void *a, const void *b)
{
	const struct rep_rec *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* Puts the report's rows in line order (the rows the bulk load's end rejected came last).
 * Quietly leaves them as they are when memory runs short. */
static void report_sort(struct imp *im)
{
	FILE *f = im->rejects;
	long size = fflush(f) == 0 ? ftell(f) : -1;
	char *d = size > 0 ? malloc((size_t)size) : NULL;
	struct rep_rec *r = NULL;
	size_t n = 0, cap = 0, start = 0;
	if (!d || fseek(f, 0, SEEK_SET) || fread(d, 1, (size_t)size, f) != (size_t)size)
		goto out;
	/* records end at a CRLF outside quotes; the first is the header */
	for (size_t i = 0, q = 0; i + 1 < (size_t)size; i++) {
		if (d[i] == '"')
			q = !q;
		if (q || d[i] != '\r' || d[i + 1] != '\n')
			continue;
		if (start) {
			if (n == cap) {
				size_t nc = cap ? 2 * cap : 256;
				struct rep_rec *t = realloc(r, nc * sizeof *t);
				if (!t)
					goto out;
				r = t;
				cap = nc;
			}
			r[n] = (struct rep_rec){strtol(d + start, NULL, 10), start, i + 2 - start,
						n};
			n++;
		}
		start = i + 2;
	}
	size_t first = n ? r[0].off : 0; /* where the rows after the header start */
	qsort(r, n, sizeof *r, by_line);
	/* the same bytes in another order, over the rows */
	if (n && fseek(f, (long)first, SEEK_SET) == 0)
		for (size_t i = 0; i < n; i++)
			fwrite(d + r[i].off, 1, r[i].len, f);
out:
	fseek(f, 0, SEEK_END);
	free(d);
	free(r);
}

/*
 * Ends the reject report: when its limits left rejected rows out, a last line (no line
 * number) says how many, and so does a warning in the result. REJECTED counts every rejected
 * row of the file.
 */
static void report_finish(struct imp *im, int64_t rejected)
{
	char zh[512], en[512];
	int64_t unlisted = rejected - im->rep_rows;
	if (im->rejects && im->late_rejects)
		report_sort(im);
	if (!im->rejects || !im->rep_full || unlisted <= 0)
		return;
	im->res->unlisted = unlisted;
	snprintf(zh, sizeof zh,
		 "报告已截断：只列出前 %lld 个被拒绝的行，另有 %lld 行被拒绝但未列出（报告最多列 "
		 "%d 行、%u MB；导入摘要中的计数是完整的）",
		 (long long)im->rep_rows, (long long)unlisted, CC_IMPORT_REPORT_MAX_ROWS,
		 CC_IMPORT_REPORT_MAX_BYTES >> 20);
	snprintf(en, sizeof en,
		 "report cut: it lists the first %lld rejected rows; %lld more rejected rows are "
		 "not listed (a report lists at most %d rows and %u MB; the import summary counts "
		 "every row)",
		 (long long)im->rep_rows, (long long)unlisted, CC_IMPORT_REPORT_MAX_ROWS,
		 CC_IMPORT_REPORT_MAX_BYTES >> 20);
	struct cc_buf *b = &im->rejbuf;
	cc_buf_reset(b);
	cc_buf_puts(b, ",,,");
	cc_buf_csv_cell(b, zh, strlen(zh), 1);
	cc_buf_putc(b, ',');
	cc_buf_csv_cell(b, en, strlen(en), 1);
	cc_buf_puts(b, "\r\n");
	fwrite(b->data, 1, b->len, im->rejects);
	add_warning(im->res,
		    "the reject report lists the first %lld rejected rows; %lld more are counted "
		    "but not listed",
		    (long long)im->rep_rows, (long long)unlisted);
}

static void reject(struct imp *im, int col, const char *value, const char *zh, const char *en)
{
	reject_at(im, -1, col, value, zh, en);
}

/* Returns the trimmed cell of kind column COL in ROW (NULL when the column is absent). */
static const char *cell(struct imp *im, const struct cc_row *row, int col, size_t *len)
{
	int fi = im->map[col];
	if (fi < 0) {
		*len = 0;
		return NULL;
	}
	if ((size_t)fi >= row->nfields) {
		*len = 0;
		return "";
	}
	const char *s = row->fields[fi];
	size_t n = row->lens[fi];
	cc_trim(&s, &n);
	if (im->csv)
		cc_csv_unguard(&s,
			       &n); /* the quote our CSV exports put before a formula-like text */
	*len = n;
	return s;
}

/*
 * Copies S[0..N) into BUF (CAP bytes) for the reject report with control characters and NUL
 * shown as \xNN, cut to fit.
 */
static const char *shown_value(const char *s, size_t n, char *buf, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 5 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7F)
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02X", ch);
		else
			buf[o++] = (char)ch;
	}
	buf[o] = '\0';
	return buf;
}

/*
 * Rejects the row when a cell of a known column holds a NUL byte or a control character other
 * than tab (line breaks are allowed in a posting's description, which is free text). Such
 * bytes come from broken exports or from attempts to forge text elsewhere (logs, reports);
 * stripping them would store something the file did not say. Returns 1 after recording a
 * reject, else 0.
 */
static int check_controls(struct imp *im, const struct cc_row *row)
{
	int bad = 0;
	for (int c = 0; c < im->ncols; c++) {
		int fi = im->map[c];
		if (fi < 0 || (size_t)fi >= row->nfields)
			continue;
		const unsigned char *s = (const unsigned char *)row->fields[fi];
		size_t n = row->lens[fi];
		int lines_ok = c == im->lines_col;
		size_t i = 0;
		while (i < n && s[i] >= 0x20 && s[i] != 0x7F)
			i++; /* the common case: no control character at all */
		for (; i < n; i++) {
			unsigned char ch = s[i];
			if (ch >= 0x20 && ch != 0x7F)
				continue;
			if (ch == '\t' || (lines_ok && (ch == '\n' || ch == '\r')))
				continue;
			char raw[256], en[128];
			shown_value((const char *)s, n, raw, sizeof raw);
			if (ch == 0) {
				snprintf(en, sizeof en, "%s contains a NUL byte", im->cols[c].id);
				reject(im, c, raw, "含有空字符（NUL）", en);
			} else {
				snprintf(en, sizeof en, "%s contains a control character (U+%04X)",
					 im->cols[c].id, ch);
				reject(im, c, raw, "含有控制字符", en);
			}
			bad = 1;
			break;
		}
	}
	return bad;
}

/* Copies a cell into a NUL-terminated bounded buffer (cells are not NUL-terminated after trim). */
static const char *cstr(const char *s, size_t n, char *buf, size_t cap)
{
	if (!s)
		return NULL;
	n = cc_utf8_cut(s, n, cap - 1); /* a reject message never ends inside a character */
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* ---- header mapping ---- */

static int guess_kind(char names[][128], size_t n)
{
	int has[24] = {0};
	static const char *const keys[] = {
		"uscc",	       "period", "supplier", "buyer",	"chain",      "node",	 "title",
		"kind",	       "name",	 "region",   "carrier", "number",     "holder",	 "flag",
		"recognition", "leader", "nodes",    "level",	"联合体名称", "平台名称"};
	static const char *const keys_zh[] = {
		"统一社会信用代码", "期间",	    "供方信用代码", "需方信用代码",
		"产业链",	    "环节",	    "标题",	    "类型",
		"企业名称",	    "行政区划代码", "能源品种",	    "申请号",
		"专利权人信用代码", "问题类型",	    "名单类别",	    "牵头企业信用代码",
		"服务环节",	    "级别",	    "联合体名称",   "平台名称"};
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 20; k++)
			if (cc_header_is(names[i], strlen(names[i]), keys[k]) ||
			    cc_header_is(names[i], strlen(names[i]), keys_zh[k]))
				has[k] = 1;
	if (has[11] && has[12])
		return CC_KIND_PATENTS;
	/* The registries: a consortium has a leader; a platform serves nodes, or has a name, a
	 * kind and a level without a credit code (recognitions have a level and a code). */
	if (has[15] || has[18])
		return CC_KIND_CONSORTIA;
	if (has[16] || has[19] || (has[8] && has[7] && has[17] && !has[0]))
		return CC_KIND_PLATFORMS;
	if (has[2] && has[3])
		return CC_KIND_SUPPLY;
	if (has[0] && has[1] && has[10])
		return CC_KIND_ENERGY;
	if (has[0] && has[1] && has[13])
		return CC_KIND_FLAGS;
	if (has[0] && has[14])
		return CC_KIND_RECOGNITIONS;
	if (has[0] && has[1])
		return CC_KIND_INDICATORS;
	if (has[6] && has[7])
		return CC_KIND_POSTINGS;
	if (has[0] && has[4] && has[5])
		return CC_KIND_MEMBERS;
	if (has[0] && has[8])
		return CC_KIND_ENTERPRISES;
	return -1;
}

/*
 * Maps the header ROW onto the kind's columns (guessing the kind first when it is auto):
 * matched by the one header rule (base/header.h). Each cell is normalised once, for the
 * matching and for naming unknown columns in the warning. Returns 0 or CC_EINVAL (the kind
 * cannot be told, a column twice, required columns missing) or CC_ENOMEM.
 */
static int map_header(struct imp *im, const struct cc_row *row)
{
	char(*names)[128] = calloc(row->nfields ? row->nfields : 1, sizeof *names);
	int rc = 0;
	if (!names)
		return cc_error_set(im->err, CC_ENOMEM, "out of memory");
	for (size_t i = 0; i < row->nfields; i++)
		cc_header_norm(row->fields[i], row->lens[i], names[i], sizeof names[i]);
	if (im->kind == CC_KIND_AUTO) {
		im->kind = guess_kind(names, row->nfields);
		if (im->kind < 0) {
			rc = cc_error_set(
				im->err, CC_EINVAL,
				"cannot tell what kind of file this is from its header "
				"(give --kind enterprises|indicators|chain_members|supply|energy|"
				"postings|patents|flags|recognitions|platforms|consortia)");
			goto out;
		}
	}
	im->res->kind = im->kind;
	im->cols = cc_kind_columns(im->kind);
	im->ncols = 0;
	im->lines_col = -1;
	while (im->cols[im->ncols].id) {
		if (strcmp(im->cols[im->ncols].id, "description") == 0)
			im->lines_col = im->ncols;
		im->ncols++;
	}
	for (int c = 0; c < im->ncols; c++)
		im->map[c] = -1;
	struct cc_buf unknown = CC_BUF_INIT(4096);
	for (size_t i = 0; i < row->nfields; i++) {
		int found = -1;
		if (!names[i][0])
			continue;
		for (int c = 0; c < im->ncols && found < 0; c++)
			if (cc_header_is(names[i], strlen(names[i]), im->cols[c].id) ||
			    cc_header_is(names[i], strlen(names[i]), im->cols[c].name_zh))
				found = c;
		if (found < 0) {
			cc_buf_printf(&unknown, "%s'%s'", unknown.len ? ", " : "", names[i]);
			continue;
		}
		if (im->map[found] >= 0) {
			rc = cc_error_set(
				im->err, CC_EINVAL,
				"column '%s' appears twice in the header (columns %d and %zu)",
				im->cols[found].id, im->map[found] + 1, i + 1);
			cc_buf_release(&unknown);
			goto out;
		}
		im->map[found] = (int)i;
	}
	if (unknown.len)
		add_warning(im->res, "unknown columns ignored: %s", cc_buf_str(&unknown));
	cc_buf_release(&unknown);
	struct cc_buf missing = CC_BUF_INIT(4096);
	for (int c = 0; c < im->ncols; c++)
		if (im->cols[c].required && im->map[c] < 0)
			cc_buf_printf(&missing, "%s%s (%s)", missing.len ? ", " : "",
				      im->cols[c].id, im->cols[c].name_zh);
	if (missing.len)
		rc = cc_error_set(im->err, CC_EINVAL, "%s file lacks required columns: %s",
				  cc_kind_name(im->kind), cc_buf_str(&missing));
	cc_buf_release(&missing);
out:
	free(names);
	return rc;
}

/* ---- shared cell validators: each returns 0, or 1 after recording a reject ---- */

static int v_uscc(struct imp *im, const struct cc_row *row, int col, char out[19])
{
	size_t n;
	char raw[64];
	const char *s = cell(im, row, col, &n);
	struct cc_error e;
	int warn = 0;
	if (!s || n == 0) {
		reject(im, col, "", "统一社会信用代码为空", "credit code is empty");
		return 1;
	}
	int sci = n > 2 && (memchr(s, 'E', n) || memchr(s, 'e', n)) && memchr(s, '+', n);
	for (size_t k = 0; sci && k < n; k++)
		sci = (s[k] >= '0' && s[k] <= '9') || s[k] == '.' || s[k] == 'E' || s[k] == 'e' ||
		      s[k] == '+';
	if (sci) {
		/* A spreadsheet turned an all-digit code into a number: the digits are gone. */
		reject(im, col, cstr(s, n, raw, sizeof raw),
		       "统一社会信用代码被表格软件存成了数字（科学计数法），请把该列设为文本后重新导出",
		       "the credit code was stored as a number (scientific notation) by a spreadsheet: "
		       "format the column as text and export again");
		return 1;
	}
	if (cc_uscc_validate(s, n, out, &warn, &e)) {
		char zh[1200];
		snprintf(zh, sizeof zh, "统一社会信用代码无效（GB 32100-2015）：%s", e.msg);
		reject(im, col, cstr(s, n, raw, sizeof raw), zh, e.msg);
		return 1;
	}
	if (warn)
		im->org_warnings++;
	return 0;
}

/* Looks up the enterprise id of a valid code; 0 and a reject when it is not registered. */
static int64_t enterprise_id(struct imp *im, int col, const char *uscc, int quiet)
{
	struct cc_error e;
	if (strcmp(uscc, im->last_uscc) == 0)
		return im->last_id;
	int64_t id = 0;
	if (im->idmap) {
		struct bulk_slot *slot = bulk_find(im, uscc);
		id = slot && slot->id > 0 ? slot->id : 0;
		if (id) {
			memcpy(im->last_uscc, uscc, 19);
			im->last_id = id;
		} else if (!quiet) {
			reject(im, col, uscc, "企业不在名录中（请先导入企业名录）",
			       "enterprise is not in the registry (import enterprises first)");
		}
		return id;
	}
	cc_stmt_reset(im->lookup);
	cc_stmt_bind_text(im->lookup, 1, uscc, 18);
	if (cc_stmt_step(im->lookup, &e) == 1)
		id = cc_stmt_int64(im->lookup, 0);
	cc_stmt_reset(im->lookup);
	if (id) {
		memcpy(im->last_uscc, uscc, 19);
		im->last_id = id;
	} else if (!quiet) {
		reject(im, col, uscc, "企业不在名录中（请先导入企业名录）",
		       "enterprise is not in the registry (import enterprises first)");
	}
	return id;
}

/* A number cell: *is_null for empty; MIN_OK lower bound (use -INFINITY for none). */
static int v_number(struct imp *im, const struct cc_row *row, int col, double min_ok, double *out,
		    int *is_null)
{
	size_t n;
	char raw[128];
	struct cc_error e;
	const char *s = cell(im, row, col, &n);
	*is_null = 1;
	if (!s || n == 0)
		return 0;
	if (cc_parse_number(s, n, out, &e)) {
		char zh[1200];
		snprintf(zh, sizeof zh, "不是有效数字：%s", e.msg);
		reject(im, col, cstr(s, n, raw, sizeof raw), zh, e.msg);
		return 1;
	}
	if (*out < min_ok) {
		reject(im, col, cstr(s, n, raw, sizeof raw), "数值不能为负",
		       "value must not be negative");
		return 1;
	}
	if (fabs(*out) > CC_INDICATOR_MAX) {
		reject(im, col, cstr(s, n, raw, sizeof raw), "数值大得不合理（超过 10^13）",
		       "value is implausibly large (over 10^13)");
		return 1;
	}
	*is_null = 0;
	return 0;
}

static int v_date(struct imp *im, const struct cc_row *row, int col, char out[11], int *is_null)
{
	size_t n;
	char raw[64];
	struct cc_error e;
	int ymd;
	const char *s = cell(im, row, col, &n);
	*is_null = 1;
	if (!s || n == 0)
		return 0;
	if (cc_parse_date(s, n, &ymd, &e)) {
		char zh[1200];
		snprintf(zh, sizeof zh, "日期无效（应为 YYYY-MM-DD）：%s", e.msg);
		reject(im, col, cstr(s, n, raw, sizeof raw), zh, e.msg);
		return 1;
	}
	cc_format_date(ymd, out);
	*is_null = 0;
	return 0;
}

/* Matches a cell against ids and their Chinese names; returns the index or -1. */
static int match_word(const char *s, size_t n, const char *const *ids, const char *const *zh,
		      int count)
{
	for (int i = 0; i < count; i++) {
		if (strlen(ids[i]) == n && strncasecmp(s, ids[i], n) == 0)
			return i;
		if (zh[i] && strlen(zh[i]) == n && memcmp(s, zh[i], n) == 0)
			return i;
	}
	return -1;
}

static void rb_begin(struct imp *im)
{
	im->cur->nv = 0;
	im->cur->plain_first = 0;
	im->cur->audit = NULL;
	im->cur->line = im->line;
	cc_buf_reset(&im->cur->text);
}

static struct rb_val *rb_slot(struct imp *im, int idx)
{
	struct rowbuf *rb = im->cur;
	if (idx < 1 || idx > RB_MAXV)
		return NULL;
	while (rb->nv < idx)
		rb->v[rb->nv++].type = 0;
	return &rb->v[idx - 1];
}

static void rb_int(struct imp *im, int idx, int64_t v)
{
	struct rb_val *x = rb_slot(im, idx);
	if (x) {
		x->type = 1;
		x->i = v;
	}
}

static void rb_double(struct imp *im, int idx, double v)
{
	struct rb_val *x = rb_slot(im, idx);
	if (x) {
		x->type = 2;
		x->d = v;
	}
}

static void rb_null(struct imp *im, int idx)
{
	struct rb_val *x = rb_slot(im, idx);
	if (x)
		x->type = 0;
}

static void rb_text(struct imp *im, int idx, const char *v, size_t n)
{
	struct rb_val *x = rb_slot(im, idx);
	if (!x)
		return;
	x->type = 3;
	x->off = im->cur->text.len;
	x->len = n;
	if (cc_buf_append(&im->cur->text, v, n))
		x->type = 0;
}

static void rb_opt_text(struct imp *im, int idx, const char *v, size_t n)
{
	if (v && n)
		rb_text(im, idx, v, n);
	else
		rb_null(im, idx);
}

/* Binds RB's values to S. The text is bound in place (RB outlives the step, and write_row
 * resets S before RB changes). */
static void rb_bind(struct cc_stmt *s, const struct rowbuf *rb)
{
	cc_stmt_reset(s);
	for (int k = 0; k < rb->nv; k++) {
		const struct rb_val *x = &rb->v[k];
		switch (x->type) {
		case 1: cc_stmt_bind_int64(s, k + 1, x->i); break;
		case 2: cc_stmt_bind_double(s, k + 1, x->d); break;
		case 3: cc_stmt_bind_text_static(s, k + 1, rb->text.data + x->off, x->len); break;
		default: break;
		}
	}
}

/* Prepares SQL into *STMT, or keeps its text in *TEXT for the bulk load; what either held
 * before goes. */
static int row_statement(struct imp *im, const char *sql, struct cc_stmt **stmt, char **text)
{
	cc_stmt_free(*stmt);
	*stmt = NULL;
	free(*text);
	*text = NULL;
	if (im->use_bulk) {
		*text = strdup(sql);
		return *text ? 0 : cc_error_set(im->err, CC_ENOMEM, "out of memory");
	}
	return cc_stmt_prepare(im->st, stmt, sql, im->err);
}

/* Prepares the kind's row statement, or keeps its text for the bulk load. */
static int begin_row_statement(struct imp *im, const char *sql)
{
	return row_statement(im, sql, &im->upsert, &im->upsert_sql);
}

/* Prepares the plain INSERT tried before the upsert (SQL, the upsert without its conflict
 * clause), or keeps its text for the bulk load. */
static int plain_statement(struct imp *im, const char *sql)
{
	return row_statement(im, sql, &im->plain, &im->plain_sql);
}

/* Appends "col=excluded.col" for every present column among NAMES to the upsert's SET list. */
static void set_list(struct imp *im, struct cc_buf *b, const int *cols, const char *const *names,
		     int n)
{
	int first = 1;
	for (int i = 0; i < n; i++)
		if (im->map[cols[i]] >= 0) {
			cc_buf_printf(b, "%s%s=excluded.%s", first ? "" : ",", names[i], names[i]);
			first = 0;
		}
	if (first)
		cc_buf_puts(b, "id=id");
}

/* ---- enterprises ---- */

static const char *const scale_ids[] = {"large", "medium", "small", "micro"};
static const char *const scale_zh[] = {"大型", "中型", "小型", "微型"};
static const char *const listed_ids[] = {"none", "main", "star", "gem", "bse", "neeq"};
static const char *const listed_zh[] = {"未上市", "主板", "科创板", "创业板", "北交所", "新三板"};
static const char *const cert_ids[] = {"hightech", "tech_sme", "srdi", "srdi_giant",
				       "innovative_sme"};
static const char *const cert_zh[] = {"高新技术企业", "科技型中小企业", "专精特新",
				      "专精特新小巨人", "创新型中小企业"};

static int prepare_enterprises(struct imp *im)
{
	static const int cols[] = {1, 2, 3, 4, 5, 6, 7};
	static const char *const names[] = {"name",  "region", "industry", "founded",
					    "scale", "listed", "certs"};
	struct cc_buf *b = &im->sql;
	cc_buf_reset(b);
	if (im->bulk)
		return begin_row_statement(im, "INSERT INTO enterprises(uscc,name,region,industry,"
					       "founded,scale,listed,certs,created_at) "
					       "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
	cc_buf_puts(b, "INSERT INTO enterprises(uscc,name,region,industry,founded,scale,listed,"
		       "certs,created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT(uscc) DO "
		       "UPDATE SET ");
	set_list(im, b, cols, names, 7);
	cc_buf_printf(b, ",updated_at='%s' WHERE ", im->now);
	/* Only touch the row when something changed, so a re-import writes nothing. */
	int first = 1;
	for (int i = 0; i < 7; i++)
		if (im->map[cols[i]] >= 0) {
			cc_buf_printf(b, "%senterprises.%s IS DISTINCT FROM excluded.%s",
				      first ? "" : " OR ", names[i], names[i]);
			first = 0;
		}
	if (first)
		cc_buf_puts(b, "1 = 0");
	return begin_row_statement(im, cc_buf_str(b));
}

static int row_enterprise(struct imp *im, const struct cc_row *row)
{
	char uscc[19], raw[256], founded[11], industry[16] = "", certs[128] = "";
	size_t n_name, n_region, n, n_ind;
	int bad = 0, null_founded = 1, scale = -1, listed = -1;
	long long region = 0;

	bad |= v_uscc(im, row, 0, uscc);
	const char *name = cell(im, row, 1, &n_name);
	if (!name || n_name == 0) {
		reject(im, 1, "", "企业名称为空", "name is empty");
		bad = 1;
	} else if (cc_utf8_len(name, n_name) > 200) {
		reject(im, 1, cstr(name, n_name, raw, sizeof raw), "企业名称过长（超过 200 字）",
		       "name is too long (over 200 characters)");
		bad = 1;
	}
	const char *rs = cell(im, row, 2, &n_region);
	if (!rs || n_region == 0) {
		reject(im, 2, "", "行政区划代码为空", "region code is empty");
		bad = 1;
	} else if (n_region != 6 || cc_parse_int64(rs, n_region, &region) ||
		   !cc_region_find((int)region)) {
		reject(im, 2, cstr(rs, n_region, raw, sizeof raw),
		       "行政区划代码无效（应为 GB/T 2260 的 6 位代码）",
		       "not a GB/T 2260 region code (6 digits, e.g. 500112)");
		bad = 1;
	}
	const char *ind = cell(im, row, 3, &n_ind);
	if (ind && n_ind) {
		char code[16];
		const struct cc_industry *in = NULL;
		if (n_ind < 8) {
			cstr(ind, n_ind, code, sizeof code);
			in = cc_industry_find(code);
			if (!in && code[0] >= '0' && code[0] <= '9') {
				/* A bare number: divisions are unique across sections. */
				for (int i = 0; i < cc_industry_count() && !in; i++) {
					const struct cc_industry *x = cc_industry_at(i);
					if (strcmp(x->code + 1, code) == 0)
						in = x;
				}
			}
		}
		if (!in) {
			reject(im, 3, cstr(ind, n_ind, raw, sizeof raw),
			       "行业代码无效（应为 GB/T 4754-2017 代码，如 C3670）",
			       "not a GB/T 4754-2017 industry code (e.g. C3670)");
			bad = 1;
		} else {
			snprintf(industry, sizeof industry, "%s", in->code);
		}
	}
	bad |= v_date(im, row, 4, founded, &null_founded);
	if (!null_founded) {
		if (strncmp(founded, im->now, 10) > 0) {
			reject(im, 4, founded, "成立日期晚于今天",
			       "founding date is in the future");
			bad = 1;
		}
	}
	const char *v = cell(im, row, 5, &n);
	if (v && n) {
		scale = match_word(v, n, scale_ids, scale_zh, 4);
		if (scale < 0) {
			reject(im, 5, cstr(v, n, raw, sizeof raw),
			       "企业规模应为 大型/中型/小型/微型",
			       "scale must be large, medium, small or micro");
			bad = 1;
		}
	}
	v = cell(im, row, 6, &n);
	if (v && n) {
		listed = match_word(v, n, listed_ids, listed_zh, 6);
		if (listed < 0) {
			reject(im, 6, cstr(v, n, raw, sizeof raw),
			       "上市板块应为 未上市/主板/科创板/创业板/北交所/新三板",
			       "listed must be none, main, star, gem, bse or neeq");
			bad = 1;
		}
	}
	v = cell(im, row, 7, &n);
	if (v && n) {
		int have[5] = {0};
		size_t i = 0;
		while (i < n) {
			size_t j = i;
			while (j < n && v[j] != ';' && v[j] != ',' &&
			       !(j + 3 <= n &&
				 (memcmp(v + j, "；", 3) == 0 || memcmp(v + j, "、", 3) == 0 ||
				  memcmp(v + j, "，", 3) == 0)))
				j++;
			const char *t = v + i;
			size_t tn = j - i;
			cc_trim(&t, &tn);
			if (tn) {
				int k = match_word(t, tn, cert_ids, cert_zh, 5);
				if (k < 0) {
					char zh[600], en[600], word[256];
					cstr(t, tn, word, sizeof word);
					snprintf(zh, sizeof zh, "未知资质“%s”", word);
					snprintf(
						en, sizeof en,
						"unknown certificate '%s' (hightech, tech_sme, srdi, "
						"srdi_giant, innovative_sme)",
						word);
					reject(im, 7, cstr(v, n, raw, sizeof raw), zh, en);
					bad = 1;
					break;
				}
				have[k] = 1;
			}
			i = j < n ? j + ((unsigned char)v[j] >= 0x80 ? 3 : 1) : j;
		}
		size_t used = 0;
		for (int k = 0; k < 5; k++)
			if (have[k]) {
				int w = snprintf(certs + used, sizeof certs - used, "%s%s",
						 used ? ";" : "", cert_ids[k]);
				if (w > 0)
					used += (size_t)w;
			}
	}
	if (bad)
		return 1;
	rb_begin(im);
	rb_text(im, 1, uscc, 18);
	rb_text(im, 2, name, n_name);
	rb_int(im, 3, region);
	rb_opt_text(im, 4, industry, strlen(industry));
	rb_opt_text(im, 5, founded, null_founded ? 0 : 10);
	if (scale >= 0)
		rb_text(im, 6, scale_ids[scale], strlen(scale_ids[scale]));
	if (listed >= 0)
		rb_text(im, 7, listed_ids[listed], strlen(listed_ids[listed]));
	rb_opt_text(im, 8, certs, strlen(certs));
	rb_text(im, 9, im->now, strlen(im->now));
	return 0;
}

/* ---- indicators ---- */

static int prepare_indicators(struct imp *im)
{
	struct cc_buf *b = &im->sql;
	cc_buf_reset(b);
	cc_buf_puts(b, "INSERT INTO indicators(enterprise_id,period");
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		if (im->map[2 + m] >= 0)
			cc_buf_printf(b, ",%s", cc_metric_get(m)->key);
	cc_buf_puts(b, ") VALUES(?1,?2");
	int k = 3;
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		if (im->map[2 + m] >= 0)
			cc_buf_printf(b, ",?%d", k++);
	cc_buf_puts(b, ") ON CONFLICT(enterprise_id,period) DO ");
	if (k == 3) {
		cc_buf_puts(b, "NOTHING");
	} else {
		cc_buf_puts(b, "UPDATE SET ");
		int first = 1;
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			if (im->map[2 + m] >= 0) {
				const char *key = cc_metric_get(m)->key;
				cc_buf_printf(b, "%s%s=excluded.%s", first ? "" : ",", key, key);
				first = 0;
			}
		cc_buf_puts(b, " WHERE ");
		first = 1;
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			if (im->map[2 + m] >= 0) {
				const char *key = cc_metric_get(m)->key;
				cc_buf_printf(b, "%sindicators.%s IS DISTINCT FROM excluded.%s",
					      first ? "" : " OR ", key, key);
				first = 0;
			}
	}
	int rc = begin_row_statement(im, cc_buf_str(b));
	if (rc)
		return rc;
	/* The same INSERT without the conflict clause. */
	char *on = strstr(b->data, " ON CONFLICT");
	if (on)
		*on = '\0';
	return plain_statement(im, b->data);
}

/*
 * Applies cc_indicator_check to one row's values (NaN: not given): rejects the row at the
 * metric at fault with the rule's words. Returns 1 when rejected.
 */
static int indicator_rules(struct imp *im, const double *vals)
{
	struct cc_indicator_problem p;
	if (!cc_indicator_check(vals, &p))
		return 0;
	char v[48];
	cc_num_format(vals[p.metric], 0, v, sizeof v);
	reject(im, 2 + p.metric, v, p.zh, p.en);
	return 1;
}

/* Whether an indicators file gives one of R&D staff and employees but not the other. */
static int pair_partial(const struct imp *im)
{
	return im->kind == CC_KIND_INDICATORS &&
	       (im->map[2 + CC_M_RD_STAFF] >= 0) != (im->map[2 + CC_M_EMPLOYEES] >= 0);
}

/*
 * Fills the NaN one of R&D staff and employees in VALS with the stored value of enterprise ID
 * and PERIOD, if any. Returns 0 or a negative CC_E* (ERR set).
 */
static int stored_pair(struct imp *im, int64_t id, int64_t period, double *vals,
		       struct cc_error *err)
{
	static const char sql[] =
		"SELECT employees, rd_staff FROM indicators WHERE enterprise_id = ?1 AND period = ?2";
	struct cc_stmt *s = cc_stmt_cached(im->st, sql, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, id);
	cc_stmt_bind_int64(s, 2, period);
	int rc = cc_stmt_step(s, err);
	if (rc == 1) {
		if (isnan(vals[CC_M_EMPLOYEES]) && !cc_stmt_is_null(s, 0))
			vals[CC_M_EMPLOYEES] = cc_stmt_double(s, 0);
		if (isnan(vals[CC_M_RD_STAFF]) && !cc_stmt_is_null(s, 1))
			vals[CC_M_RD_STAFF] = cc_stmt_double(s, 1);
	}
	cc_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

static int row_indicator(struct imp *im, const struct cc_row *row)
{
	char uscc[19], raw[64];
	double vals[CC_M_BASE_COUNT];
	int nulls[CC_M_BASE_COUNT];
	int bad = 0, year = 0, month = 0;
	size_t n;
	struct cc_error e;

	bad |= v_uscc(im, row, 0, uscc);
	const char *p = cell(im, row, 1, &n);
	if (!p || n == 0) {
		reject(im, 1, "", "期间为空", "period is empty");
		bad = 1;
	} else if (cc_parse_period(p, n, &year, &month, &e)) {
		char zh[1200];
		snprintf(zh, sizeof zh, "期间无效（应为 YYYY 或 YYYY-MM）：%s", e.msg);
		reject(im, 1, cstr(p, n, raw, sizeof raw), zh, e.msg);
		bad = 1;
	}
	double row_vals[CC_M_BASE_COUNT];
	for (int m = 0; m < CC_M_BASE_COUNT; m++) {
		nulls[m] = 1;
		row_vals[m] = NAN;
		if (im->map[2 + m] < 0)
			continue;
		bad |= v_number(im, row, 2 + m, -INFINITY, &vals[m], &nulls[m]);
		if (!nulls[m])
			row_vals[m] = vals[m];
	}
	if (bad)
		return 1;
	/* The indicator rules of `chainchief check` and of the API's writes, one function. */
	if (indicator_rules(im, row_vals))
		return 1;
	int64_t id = enterprise_id(im, 0, uscc, 0);
	if (!id)
		return 1;
	/* A file with one of R&D staff and employees but not the other is checked against the
	 * stored other one (an indexed read per row, only for such files). */
	int given = im->map[2 + CC_M_RD_STAFF] >= 0 ? CC_M_RD_STAFF : CC_M_EMPLOYEES;
	if (pair_partial(im) && !isnan(row_vals[given])) { /* an empty cell compares with nothing */
		struct cc_error e;
		int src = stored_pair(im, id, (int64_t)year * 100 + month, row_vals, &e);
		if (src) {
			cc_error_set(&im->fatal_err, src, "line %ld: %s", row->line, e.msg);
			im->fatal = 1; /* a failed read of the store stops the file */
			return 1;
		}
		if (indicator_rules(im, row_vals))
			return 1;
	}
	/* New rows go through the plain INSERT (no statement journal, so much cheaper); a row
	 * that exists already fails it with a constraint error and is then upserted. */
	rb_begin(im);
	im->cur->plain_first = im->plain_ok;
	rb_int(im, 1, id);
	rb_int(im, 2, (int64_t)year * 100 + month);
	int k = 3;
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		if (im->map[2 + m] >= 0) {
			if (nulls[m])
				rb_null(im, k);
			else
				rb_double(im, k, vals[m]);
			k++;
		}
	if (im->use_bulk) /* the line, for the record of where the values came from */
		rb_int(im, k, row->line);
	return 0;
}

/* ---- chain members ---- */

static const char *const role_ids[] = {"master", "core", "member"};
static const char *const role_zh[] = {"链主", "骨干", "配套"};

static int prepare_members(struct imp *im)
{
	const char *sql =
		im->map[4] >= 0
			? "INSERT INTO chain_members(enterprise_id,chain,node,role,product) "
			  "VALUES(?1,?2,?3,?4,?5) ON CONFLICT(enterprise_id,chain,node) DO UPDATE SET "
			  "role=excluded.role, product=excluded.product WHERE chain_members.role IS DISTINCT FROM "
			  "excluded.role OR chain_members.product IS DISTINCT FROM excluded.product"
			: "INSERT INTO chain_members(enterprise_id,chain,node,role,product) "
			  "VALUES(?1,?2,?3,?4,?5) ON CONFLICT(enterprise_id,chain,node) DO UPDATE SET "
			  "role=excluded.role WHERE chain_members.role IS DISTINCT FROM excluded.role";
	return begin_row_statement(im, sql);
}

static int row_member(struct imp *im, const struct cc_row *row)
{
	char uscc[19], raw[256], chain_id[128], ref[256];
	size_t n, np;
	int bad = 0, role = 2;
	struct cc_error e;
	const struct cc_node *node = NULL;

	bad |= v_uscc(im, row, 0, uscc);
	const char *c = cell(im, row, 1, &n);
	const struct cc_chain *ch = NULL;
	if (!c || n == 0) {
		reject(im, 1, "", "产业链为空", "chain is empty");
		bad = 1;
	} else {
		cstr(c, n, chain_id, sizeof chain_id);
		ch = cc_chain_find(im->cat, chain_id);
		if (!ch) {
			/* Accept the chain's Chinese name too. */
			for (int i = 0; i < im->cat->nchains && !ch; i++)
				if (strcmp(im->cat->chains[i].name_zh, chain_id) == 0)
					ch = &im->cat->chains[i];
		}
		if (!ch) {
			reject(im, 1, chain_id, "未知产业链（见 chainchief chain list）",
			       "unknown chain (see chainchief chain list)");
			bad = 1;
		}
	}
	const char *nd = cell(im, row, 2, &n);
	if (!nd || n == 0) {
		reject(im, 2, "", "环节为空", "node is empty");
		bad = 1;
	} else if (ch) {
		cstr(nd, n, ref, sizeof ref);
		node = cc_node_resolve(im->cat, ref, ch->id, &e);
		if (!node)
			for (int i = ch->first_node; i < ch->first_node + ch->nnodes && !node; i++)
				if (strcmp(im->cat->nodes[i].name_zh, ref) == 0)
					node = &im->cat->nodes[i];
		if (!node || node->chain != ch->index) {
			reject(im, 2, ref, "该产业链中没有此环节",
			       node ? "node belongs to another chain" : e.msg);
			bad = 1;
		}
	}
	const char *r = cell(im, row, 3, &n);
	if (r && n) {
		role = match_word(r, n, role_ids, role_zh, 3);
		if (role < 0) {
			reject(im, 3, cstr(r, n, raw, sizeof raw), "角色应为 链主/骨干/配套",
			       "role must be master, core or member");
			bad = 1;
		}
	}
	const char *prod = cell(im, row, 4, &np);
	if (bad)
		return 1;
	int64_t id = enterprise_id(im, 0, uscc, 0);
	if (!id)
		return 1;
	rb_begin(im);
	rb_int(im, 1, id);
	rb_text(im, 2, ch->id, strlen(ch->id));
	rb_text(im, 3, node->id, strlen(node->id));
	rb_text(im, 4, role_ids[role], strlen(role_ids[role]));
	rb_opt_text(im, 5, prod, np);
	return 0;
}

/* ---- supply edges ---- */

static int prepare_supply(struct imp *im)
{
	/* Only the columns the file has are set and compared: a column it lacks leaves the
	 * stored values alone, and a re-import of the file writes nothing. */
	static const int cols[] = {3, 4, 5};
	static const char *const set[] = {"chain=excluded.chain,node=excluded.node",
					  "annual_value=excluded.annual_value",
					  "share=excluded.share"};
	static const char *const differ[] = {
		("supply_edges.chain IS DISTINCT FROM excluded.chain OR supply_edges.node IS "
		 "DISTINCT FROM excluded.node"),
		"supply_edges.annual_value IS DISTINCT FROM excluded.annual_value",
		"supply_edges.share IS DISTINCT FROM excluded.share"};
	struct cc_buf *b = &im->sql;
	cc_buf_reset(b);
	cc_buf_puts(b, "INSERT INTO supply_edges(supplier,buyer_id,product,chain,node,annual_value,"
		       "share) VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(supplier,buyer_id,product) "
		       "DO ");
	int first = 1;
	for (int i = 0; i < 3; i++)
		if (im->map[cols[i]] >= 0) {
			cc_buf_printf(b, "%s%s", first ? "UPDATE SET " : ",", set[i]);
			first = 0;
		}
	if (first)
		cc_buf_puts(b, "NOTHING");
	first = 1;
	for (int i = 0; i < 3; i++)
		if (im->map[cols[i]] >= 0) {
			cc_buf_printf(b, "%s%s", first ? " WHERE " : " OR ", differ[i]);
			first = 0;
		}
	return begin_row_statement(im, cc_buf_str(b));
}

static int row_supply(struct imp *im, const struct cc_row *row)
{
	char supplier[19], buyer[19], ref[256], raw[64];
	size_t n, np;
	int bad = 0, null_value, null_share;
	double value = 0, share = 0;
	struct cc_error e;
	const struct cc_node *node = NULL;

	bad |= v_uscc(im, row, 0, supplier);
	bad |= v_uscc(im, row, 1, buyer);
	if (!bad && strcmp(supplier, buyer) == 0) {
		reject(im, 0, supplier, "供方与需方相同",
		       "supplier and buyer are the same enterprise");
		bad = 1;
	}
	const char *prod = cell(im, row, 2, &np);
	if (np > 600) {
		reject(im, 2, cstr(prod, np, raw, sizeof raw), "产品名称过长",
		       "product is too long");
		bad = 1;
	}
	const char *nd = cell(im, row, 3, &n);
	if (nd && n) {
		cstr(nd, n, ref, sizeof ref);
		node = cc_node_resolve(im->cat, ref, NULL, &e);
		if (!node) {
			char zh[1200];
			snprintf(zh, sizeof zh, "环节无效（写作 产业链.环节）：%s", e.msg);
			reject(im, 3, ref, zh, e.msg);
			bad = 1;
		}
	}
	bad |= v_number(im, row, 4, 0, &value, &null_value);
	bad |= v_number(im, row, 5, 0, &share, &null_share);
	if (!null_share && share > 1) {
		size_t sn;
		const char *sv = cell(im, row, 5, &sn);
		reject(im, 5, cstr(sv, sn, raw, sizeof raw),
		       "占比应在 0–1 之间，或写作百分数（如 45%）",
		       "share must be between 0 and 1, or a percentage such as 45%");
		bad = 1;
	}
	if (bad)
		return 1;
	int64_t id = enterprise_id(im, 1, buyer, 0);
	if (!id)
		return 1;
	if (!enterprise_id(im, 0, supplier, 1))
		im->orphan_suppliers++;
	rb_begin(im);
	rb_text(im, 1, supplier, 18);
	rb_int(im, 2, id);
	rb_text(im, 3, prod ? prod : "", prod ? np : 0);
	if (node) {
		const char *cid = im->cat->chains[node->chain].id;
		rb_text(im, 4, cid, strlen(cid));
		rb_text(im, 5, node->id, strlen(node->id));
	}
	if (!null_value)
		rb_double(im, 6, value);
	if (!null_share)
		rb_double(im, 7, share);
	return 0;
}

/* ---- postings ---- */

static const char *const kind_ids[] = {"supply", "demand"};
static const char *const kind_zh[] = {"供", "需"};

const char *cc_value_zh(const char *column, const char *id, size_t n)
{
	static const struct {
		const char *column;
		const char *const *ids, *const *zh;
		int count;
	} words[] = {{"scale", scale_ids, scale_zh, 4},
		     {"listed", listed_ids, listed_zh, 6},
		     {"certs", cert_ids, cert_zh, 5},
		     {"role", role_ids, role_zh, 3},
		     {"kind", kind_ids, kind_zh, 2},
		     {"kind", innov_platform_kinds, innov_platform_kinds_zh, INNOV_PLATFORM_NKINDS},
		     {"status", innov_consortium_statuses, innov_consortium_statuses_zh,
		      INNOV_CONSORTIUM_NSTATUSES}};
	/* A column may have several word lists (a posting's kind, a platform's): the first that
	 * knows ID. */
	for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
		if (strcmp(column, words[w].column) != 0)
			continue;
		int k = match_word(id, n, words[w].ids, words[w].zh, words[w].count);
		if (k >= 0)
			return words[w].zh[k];
	}
	return NULL;
}

static int prepare_postings(struct imp *im)
{
	struct cc_buf *b = &im->sql;
	cc_buf_reset(b);
	cc_buf_printf(
		b,
		"INSERT INTO postings(kind,enterprise_id,title,description,chain,node,quantity,"
		"unit,region_pref,valid_until) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) "
		"ON CONFLICT(enterprise_id,kind,title) DO UPDATE SET "
		"description=excluded.description,chain=excluded.chain,node=excluded.node,"
		"quantity=excluded.quantity,unit=excluded.unit,region_pref=excluded.region_pref,"
		"valid_until=excluded.valid_until,updated_at='%s' "
		"WHERE postings.description IS DISTINCT FROM excluded.description OR postings.chain "
		"IS DISTINCT FROM excluded.chain OR postings.node IS DISTINCT FROM excluded.node OR "
		"postings.quantity IS DISTINCT FROM excluded.quantity OR postings.unit IS DISTINCT "
		"FROM excluded.unit OR postings.region_pref IS DISTINCT FROM excluded.region_pref OR "
		"postings.valid_until IS DISTINCT FROM excluded.valid_until",
		im->now);
	return begin_row_statement(im, cc_buf_str(b));
}

static int row_posting(struct imp *im, const struct cc_row *row)
{
	char uscc[19], raw[256], ref[256], until[11], regions[256] = "";
	size_t n, nt, nd_, nu;
	int bad = 0, kind = -1, null_q, null_until;
	double qty = 0;
	struct cc_error e;
	const struct cc_node *node = NULL;

	const char *k = cell(im, row, 0, &n);
	if (k && n) {
		kind = match_word(k, n, kind_ids, kind_zh, 2);
		if (kind < 0 && n == 6 && memcmp(k, "供应", 6) == 0)
			kind = 0;
		if (kind < 0 && n == 6 && memcmp(k, "需求", 6) == 0)
			kind = 1;
	}
	if (kind < 0) {
		reject(im, 0, k ? cstr(k, n, raw, sizeof raw) : "", "类型应为 供 或 需",
		       "kind must be supply or demand");
		bad = 1;
	}
	bad |= v_uscc(im, row, 1, uscc);
	const char *title = cell(im, row, 2, &nt);
	if (!title || nt == 0) {
		reject(im, 2, "", "标题为空", "title is empty");
		bad = 1;
	} else if (nt > 600) {
		reject(im, 2, cstr(title, nt, raw, sizeof raw), "标题过长", "title is too long");
		bad = 1;
	}
	const char *desc = cell(im, row, 3, &nd_);
	const char *nd = cell(im, row, 4, &n);
	if (nd && n) {
		cstr(nd, n, ref, sizeof ref);
		node = cc_node_resolve(im->cat, ref, NULL, &e);
		if (!node) {
			reject(im, 4, ref, "环节无效（写作 产业链.环节）", e.msg);
			bad = 1;
		}
	}
	bad |= v_number(im, row, 5, 0, &qty, &null_q);
	const char *unit = cell(im, row, 6, &nu);
	const char *rp = cell(im, row, 7, &n);
	if (rp && n) {
		const char *badp;
		size_t badn;
		/* -2 (more codes than fit): the codes that fit are kept, as before. */
		if (cc_region_list_parse(rp, n, regions, sizeof regions, &badp, &badn) == -1) {
			reject(im, 7, cstr(rp, n, raw, sizeof raw),
			       "意向地区应为 ; 分隔的 6 位行政区划代码",
			       "region_pref must be ';'-separated 6-digit region codes");
			bad = 1;
		}
	}
	bad |= v_date(im, row, 8, until, &null_until);
	if (bad)
		return 1;
	int64_t id = enterprise_id(im, 1, uscc, 0);
	if (!id)
		return 1;
	rb_begin(im);
	rb_text(im, 1, kind_ids[kind], strlen(kind_ids[kind]));
	rb_int(im, 2, id);
	rb_text(im, 3, title, nt);
	rb_opt_text(im, 4, desc, nd_);
	if (node) {
		const char *cid = im->cat->chains[node->chain].id;
		rb_text(im, 5, cid, strlen(cid));
		rb_text(im, 6, node->id, strlen(node->id));
	}
	if (!null_q)
		rb_double(im, 7, qty);
	rb_opt_text(im, 8, unit, nu);
	rb_opt_text(im, 9, regions, strlen(regions));
	if (!null_until)
		rb_text(im, 10, until, 10);
	return 0;
}

/* ---- energy accounts ---- */

static int prepare_energy(struct imp *im)
{
	/* The view's INSTEAD OF trigger (store/schema.c, migration 14) writes the carrier row
	 * and the year's value added, each only when it changes. */
	return begin_row_statement(im, "INSERT INTO energy_rows(enterprise_id,period,carrier,"
				       "quantity,tce,value_added) VALUES(?1,?2,?3,?4,?5,?6)");
}

static int row_energy(struct imp *im, const struct cc_row *row)
{
	char uscc[19], raw[256];
	size_t n, nc, nq, nu;
	int bad = 0, year = 0, month = 0, c = -1, null_q = 1, null_va = 1;
	double qty = 0, va = 0, mult = 1;
	struct cc_error e;
	const struct green_factors *g = green_factors_get(&e);
	if (!g) {
		reject(im, -1, "", "能耗折算系数文件无法读取", e.msg);
		return 1;
	}
	bad |= v_uscc(im, row, 0, uscc);
	const char *p = cell(im, row, 1, &n);
	if (!p || n == 0) {
		reject(im, 1, "", "期间为空", "period is empty");
		bad = 1;
	} else if (cc_parse_period(p, n, &year, &month, &e)) {
		char zh[1200];
		snprintf(zh, sizeof zh, "期间无效（应为 YYYY）：%s", e.msg);
		reject(im, 1, cstr(p, n, raw, sizeof raw), zh, e.msg);
		bad = 1;
	} else if (month) {
		reject(im, 1, cstr(p, n, raw, sizeof raw), "能耗台账按年度填报（期间应为 YYYY）",
		       "energy accounts are annual: the period must be YYYY");
		bad = 1;
	}
	const char *cs = cell(im, row, 2, &nc);
	const char *qs = cell(im, row, 3, &nq);
	bad |= v_number(im, row, 5, 0, &va, &null_va);
	if ((!cs || nc == 0) && (!qs || nq == 0) && !null_va) {
		/* A row of the year's value added alone. */
	} else if (!cs || nc == 0) {
		reject(im, 2, "", "能源品种为空", "carrier is empty");
		bad = 1;
	} else {
		c = green_carrier_find(g, cs, nc);
		if (c < 0) {
			reject(im, 2, cstr(cs, nc, raw, sizeof raw),
			       "未知能源品种（见 chainchief green factors）",
			       "unknown carrier (see chainchief green factors)");
			bad = 1;
		}
		bad |= v_number(im, row, 3, 0, &qty, &null_q);
		if (null_q && !(qs && nq)) {
			reject(im, 3, "", "消费量为空", "quantity is empty");
			bad = 1;
		}
		const char *us = cell(im, row, 4, &nu);
		if (c >= 0 && us && nu && green_unit_find(&g->carriers[c], us, nu, &mult)) {
			char zh[1200], en[1200];
			struct cc_buf ok = CC_BUF_INIT(600);
			for (int k = 0; k < g->carriers[c].nunits; k++)
				cc_buf_printf(&ok, "%s%s", k ? " " : "",
					      g->carriers[c].units[k].name);
			snprintf(zh, sizeof zh, "%s的计量单位应为：%s", g->carriers[c].name_zh,
				 cc_buf_str(&ok));
			snprintf(en, sizeof en, "unit of %s must be one of: %s", g->carriers[c].id,
				 cc_buf_str(&ok));
			cc_buf_release(&ok);
			reject(im, 4, cstr(us, nu, raw, sizeof raw), zh, en);
			bad = 1;
		}
	}
	if (bad)
		return 1;
	if (!null_q && qty * mult > CC_INDICATOR_MAX) {
		reject(im, 3, cstr(qs, nq, raw, sizeof raw), "数值大得不合理（超过 10^13）",
		       "value is implausibly large (over 10^13)");
		return 1;
	}
	int64_t id = enterprise_id(im, 0, uscc, 0);
	if (!id)
		return 1;
	rb_begin(im);
	rb_int(im, 1, id);
	rb_int(im, 2, (int64_t)year * 100);
	if (c >= 0) {
		const struct green_carrier *k = &g->carriers[c];
		rb_text(im, 3, k->id, strlen(k->id));
		rb_double(im, 4, qty * mult);
		double t = k->energy ? green_tce(g, c, qty * mult) : 0;
		rb_double(im, 5, t);
	} else {
		rb_null(im, 3);
		rb_null(im, 4);
		rb_null(im, 5);
	}
	if (!null_va)
		rb_double(im, 6, va);
	else
		rb_null(im, 6);
	return 0;
}

/* ---- patents ---- */

static const char *const status_ids[] = {"pending", "valid", "invalid"};
static const char *const status_zh[] = {"审中", "有效", "失效"};

static int prepare_patents(struct imp *im)
{
	/* Columns absent from the file leave stored values alone (kind and holder always come:
	 * the kind from the number). */
	static const int cols[] = {2, 3, 4, 5, 6, 7};
	static const char *const names[] = {"title", "ipc", "filed", "granted", "lapsed", "status"};
	struct cc_buf *b = &im->sql;
	cc_buf_reset(b);
	cc_buf_puts(b, "INSERT INTO patents(id,kind,title,ipc,filed,granted,lapsed,status,"
		       "holder_id) VALUES(?1,?2,?3,?4,?5,?6,?7,coalesce(?8,'valid'),?9) "
		       "ON CONFLICT(id) DO UPDATE SET kind=excluded.kind,"
		       "holder_id=excluded.holder_id");
	for (int i = 0; i < 6; i++)
		if (im->map[cols[i]] >= 0)
			cc_buf_printf(b, ",%s=excluded.%s", names[i], names[i]);
	cc_buf_puts(
		b,
		" WHERE patents.kind IS DISTINCT FROM excluded.kind OR patents.holder_id IS DISTINCT FROM "
		"excluded.holder_id");
	for (int i = 0; i < 6; i++)
		if (im->map[cols[i]] >= 0)
			cc_buf_printf(b, " OR patents.%s IS DISTINCT FROM excluded.%s", names[i],
				      names[i]);
	int rc = begin_row_statement(im, cc_buf_str(b));
	if (rc)
		return rc;
	/* New numbers go through the plain INSERT (no statement journal); a number stored
	 * already fails it with a constraint error and is then upserted. */
	char *on = strstr(b->data, " ON CONFLICT");
	if (on)
		*on = '\0';
	return plain_statement(im, b->data);
}

/* The kind words a file may give; the 发明 / 实用新型 of a PCT number are accepted for it. */
static const char *const pkind_ids[] = {"invention",	 "utility_model",     "design",
					"pct_invention", "pct_utility_model", "utility"};
static const char *const pkind_zh[] = {"发明",	  "实用新型",	 "外观设计",
				       "PCT发明", "PCT实用新型", "实用"};
static const int pkind_digit[] = {1, 2, 3, 8, 9, 2};

/* The table's key of a valid number (migration 27): its 12 or 8 digits as an integer, the
 * check character left out (the `number` column derives it). */
static int64_t patent_key(const struct cc_patent_no *no)
{
	int64_t k = 0;
	for (const char *d = no->canon; *d >= '0' && *d <= '9'; d++)
		k = k * 10 + (*d - '0');
	return k;
}

static int row_patent(struct imp *im, const struct cc_row *row)
{
	char holder[19], raw[256], ipc[512], filed[11], granted[11], lapsed[11];
	size_t n, nt;
	int bad = 0, nf, ng, nl, status = -1;
	struct cc_error e;
	struct cc_patent_no no;

	/* The holder's slot in the registry map is a cache miss at random: ask for it now, so
	 * that it arrives while the number, IPC codes and dates are checked. */
	const char *hc = cell(im, row, 8, &n);
	if (im->idmap && im->nslots && hc && n == 18)
		__builtin_prefetch(&im->slots[slot_hash(hc) & (im->nslots - 1)]);

	const char *num = cell(im, row, 0, &n);
	if (!num || n == 0) {
		reject(im, 0, "", "申请号为空", "application number is empty");
		bad = 1;
	} else if (cc_patent_no_parse(num, n, &no, &e)) {
		char zh[1200];
		snprintf(zh, sizeof zh, "专利申请号无效（ZC 0006-2003）：%s", e.msg);
		reject(im, 0, cstr(num, n, raw, sizeof raw), zh, e.msg);
		bad = 1;
	}
	const char *k = cell(im, row, 1, &n);
	if (!bad && k && n) {
		int w = match_word(k, n, pkind_ids, pkind_zh, 6);
		int d = w >= 0 ? pkind_digit[w] : -1;
		int agrees = d == no.kind || (d == 1 && no.kind == CC_PATENT_PCT_INVENTION) ||
			     (d == 2 && no.kind == CC_PATENT_PCT_UTILITY);
		if (w < 0) {
			reject(im, 1, cstr(k, n, raw, sizeof raw),
			       "专利类型应为 发明/实用新型/外观设计/PCT发明/PCT实用新型",
			       "kind must be invention, utility_model, design, pct_invention or "
			       "pct_utility_model");
			bad = 1;
		} else if (!agrees) {
			char zh[256], en[256];
			snprintf(zh, sizeof zh, "专利类型与申请号第 %d 位（%s）不符",
				 no.old_form ? 3 : 5, cc_patent_kind_zh(no.kind));
			snprintf(en, sizeof en,
				 "kind disagrees with digit %d of the application number (%s)",
				 no.old_form ? 3 : 5, cc_patent_kind_id(no.kind));
			reject(im, 1, cstr(k, n, raw, sizeof raw), zh, en);
			bad = 1;
		}
	}
	const char *title = cell(im, row, 2, &nt);
	if (title && nt > 600) {
		reject(im, 2, cstr(title, nt, raw, sizeof raw), "专利名称过长",
		       "title is too long");
		bad = 1;
	}
	const char *ic = cell(im, row, 3, &n);
	ipc[0] = '\0';
	if (ic && n) {
		int c = cc_ipc_list_parse(ic, n, ipc, sizeof ipc, &e);
		if (c < 0) {
			char zh[1200];
			snprintf(zh, sizeof zh, "IPC分类号无效（如 H01M 10/0525，多个用;分隔）：%s",
				 c == -2 ? "too many codes" : e.msg);
			reject(im, 3, cstr(ic, n, raw, sizeof raw), zh,
			       c == -2 ? "too many IPC codes" : e.msg);
			bad = 1;
		}
	}
	bad |= v_date(im, row, 4, filed, &nf);
	bad |= v_date(im, row, 5, granted, &ng);
	bad |= v_date(im, row, 6, lapsed, &nl);
	const char *st = cell(im, row, 7, &n);
	if (st && n) {
		status = match_word(st, n, status_ids, status_zh, 3);
		if (status < 0) {
			reject(im, 7, cstr(st, n, raw, sizeof raw), "法律状态应为 审中/有效/失效",
			       "status must be pending, valid or invalid");
			bad = 1;
		}
	}
	if (!bad) {
		/* The status a file leaves empty follows from the dates. */
		if (status < 0)
			status = !nl ? 2 : !ng ? 1 : 0;
		if (!nf &&
		    (!no.old_form && no.kind != CC_PATENT_PCT_INVENTION &&
		     no.kind != CC_PATENT_PCT_UTILITY) &&
		    (filed[0] - '0') * 1000 + (filed[1] - '0') * 100 + (filed[2] - '0') * 10 +
				    (filed[3] - '0') !=
			    no.year) {
			reject(im, 4, filed, "申请日的年份与申请号的年份不符",
			       "the filing year differs from the year in the application number");
			bad = 1;
		} else if (!ng && !nf && strcmp(granted, filed) < 0) {
			reject(im, 5, granted, "授权日早于申请日", "granted before it was filed");
			bad = 1;
		} else if (!nl && (ng || strcmp(lapsed, granted) < 0)) {
			reject(im, 6, lapsed, "失效日需在授权日之后（未授权的专利无失效日）",
			       "a lapse date needs an earlier grant date");
			bad = 1;
		} else if (status == 0 && !ng) {
			reject(im, 7, "审中", "审中的专利不应有授权日",
			       "a pending application has no grant date");
			bad = 1;
		} else if (status == 1 && ng) {
			reject(im, 7, "有效", "有效专利需有授权日",
			       "a valid patent needs a grant date");
			bad = 1;
		} else if (status == 1 && !nl) {
			reject(im, 7, "有效", "有失效日的专利不是有效专利",
			       "a patent with a lapse date is not valid");
			bad = 1;
		}
	}
	if (v_uscc(im, row, 8, holder))
		bad = 1;
	if (bad)
		return 1;
	int64_t id = enterprise_id(im, 8, holder, 0);
	if (!id)
		return 1;
	const char *kid = cc_patent_kind_id(no.kind);
	rb_begin(im);
	im->cur->plain_first = im->plain_ok;
	rb_int(im, 1, patent_key(&no));
	rb_text(im, 2, kid, strlen(kid));
	rb_opt_text(im, 3, title, title ? nt : 0);
	rb_opt_text(im, 4, ipc, strlen(ipc));
	if (!nf)
		rb_text(im, 5, filed, 10);
	else
		rb_null(im, 5);
	if (!ng)
		rb_text(im, 6, granted, 10);
	else
		rb_null(im, 6);
	if (!nl)
		rb_text(im, 7, lapsed, 10);
	else
		rb_null(im, 7);
	rb_text(im, 8, status_ids[status], strlen(status_ids[status]));
	rb_int(im, 9, id);
	return 0;
}

/* ---- compliance flags ---- */

static int prepare_flags(struct imp *im)
{
	struct cc_buf *b = &im->sql;
	cc_buf_reset(b);
	cc_buf_puts(b,
		    "INSERT INTO compliance_flags(enterprise_id,period,flag,description,source) "
		    "VALUES(?1,?2,?3,?4,?5) ON CONFLICT(enterprise_id,period,flag) DO UPDATE SET ");
	int first = 1;
	if (im->map[3] >= 0) {
		cc_buf_puts(b, "description=excluded.description");
		first = 0;
	}
	if (im->map[4] >= 0) {
		cc_buf_printf(b, "%ssource=excluded.source", first ? "" : ",");
		first = 0;
	}
	if (first)
		cc_buf_puts(b, "flag=flag WHERE 1 = 0");
	else /* only the columns the file has: a re-import writes nothing */
		cc_buf_printf(b, " WHERE %s%s%s",
			      im->map[3] >= 0 ? "compliance_flags.description IS DISTINCT FROM "
						"excluded.description"
					      : "",
			      im->map[3] >= 0 && im->map[4] >= 0 ? " OR " : "",
			      im->map[4] >= 0 ? "compliance_flags.source IS DISTINCT FROM "
						"excluded.source"
					      : "");
	return begin_row_statement(im, cc_buf_str(b));
}

static int row_flag(struct imp *im, const struct cc_row *row)
{
	char uscc[19], raw[256];
	size_t n, nd, ns;
	int bad = 0, year = 0, month = 0, k = -1;
	struct cc_error e;
	const struct green_flagset *fs = green_flagset_get(&e);
	if (!fs) {
		reject(im, -1, "", "问题类型文件无法读取", e.msg);
		return 1;
	}
	bad |= v_uscc(im, row, 0, uscc);
	const char *p = cell(im, row, 1, &n);
	if (!p || n == 0) {
		reject(im, 1, "", "期间为空", "period is empty");
		bad = 1;
	} else if (cc_parse_period(p, n, &year, &month, &e) || month) {
		reject(im, 1, cstr(p, n, raw, sizeof raw), "期间应为年度 YYYY",
		       "the period must be a year, YYYY");
		bad = 1;
	}
	const char *f = cell(im, row, 2, &n);
	if (!f || n == 0) {
		reject(im, 2, "", "问题类型为空", "flag is empty");
		bad = 1;
	} else if ((k = green_flag_find(fs, f, n)) < 0) {
		reject(im, 2, cstr(f, n, raw, sizeof raw),
		       "问题类型应为 环保/质量/安全/淘汰类（见 data/green/flags.json）",
		       "flag must be environment, quality, safety or obsolete_process");
		bad = 1;
	}
	const char *d = cell(im, row, 3, &nd);
	const char *src = cell(im, row, 4, &ns);
	if (nd > 2000 || ns > 600) {
		reject(im, nd > 2000 ? 3 : 4, "", "内容过长", "text is too long");
		bad = 1;
	}
	if (bad)
		return 1;
	int64_t id = enterprise_id(im, 0, uscc, 0);
	if (!id)
		return 1;
	rb_begin(im);
	rb_int(im, 1, id);
	rb_int(im, 2, (int64_t)year * 100);
	rb_text(im, 3, fs->k[k].id, strlen(fs->k[k].id));
	rb_opt_text(im, 4, d, nd);
	rb_opt_text(im, 5, src, ns);
	return 0;
}

/* ---- green manufacturing recognitions ---- */

static int prepare_recognitions(struct imp *im)
{
	return begin_row_statement(
		im,
		im->map[5] >= 0
			? "INSERT INTO green_recognitions(enterprise_id,kind,level,year,name,source) "
			  "VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(enterprise_id,kind,level,year,name) "
			  "DO UPDATE SET source=excluded.source WHERE green_recognitions.source IS "
			  "DISTINCT FROM excluded.source"
			: "INSERT INTO green_recognitions(enterprise_id,kind,level,year,name,source) "
			  "VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(enterprise_id,kind,level,year,name) "
			  "DO NOTHING");
}

static int row_recognition(struct imp *im, const struct cc_row *row)
{
	char uscc[19], raw[256];
	size_t n, nn, ns;
	int bad = 0, k = -1, l = -1;
	long long year = 0;
	struct cc_error e;
	const struct green_recogset *rs = green_recogset_get(&e);
	if (!rs) {
		reject(im, -1, "", "绿色制造名单类别文件无法读取", e.msg);
		return 1;
	}
	bad |= v_uscc(im, row, 0, uscc);
	const char *c = cell(im, row, 1, &n);
	if (!c || !n || (k = green_recog_find(rs->kinds, rs->nkinds, c, n)) < 0) {
		reject(im, 1, c ? cstr(c, n, raw, sizeof raw) : "",
		       "名单类别应为 绿色工厂/绿色工业园区/绿色供应链管理企业/绿色设计产品",
		       "recognition must be green_factory, green_park, green_supply_chain or "
		       "green_design_product");
		bad = 1;
	}
	c = cell(im, row, 2, &n);
	if (!c || !n || (l = green_recog_find(rs->levels, rs->nlevels, c, n)) < 0) {
		reject(im, 2, c ? cstr(c, n, raw, sizeof raw) : "", "级别应为 国家级 或 市级",
		       "level must be national or municipal");
		bad = 1;
	}
	c = cell(im, row, 3, &n);
	if (!c || !n || cc_parse_int64(c, n, &year) || year < 2000 || year > 2200) {
		reject(im, 3, c ? cstr(c, n, raw, sizeof raw) : "", "年度应为 YYYY",
		       "year must be YYYY");
		bad = 1;
	}
	const char *nm = cell(im, row, 4, &nn);
	const char *src = cell(im, row, 5, &ns);
	if (nn > 600 || ns > 600) {
		reject(im, nn > 600 ? 4 : 5, "", "内容过长", "text is too long");
		bad = 1;
	}
	if (bad)
		return 1;
	int64_t id = enterprise_id(im, 0, uscc, 0);
	if (!id)
		return 1;
	rb_begin(im);
	rb_int(im, 1, id);
	rb_text(im, 2, rs->kinds[k].id, strlen(rs->kinds[k].id));
	rb_text(im, 3, rs->levels[l].id, strlen(rs->levels[l].id));
	rb_int(im, 4, year);
	rb_text(im, 5, nm ? nm : "", nm ? nn : 0);
	rb_opt_text(im, 6, src, ns);
	return 0;
}

/* ---- innovation registries: platforms and consortia ---- */

/* Copies cell COL (may be absent) into OUT (CAP bytes) as a string; returns its length. */
static size_t cell_str(struct imp *im, const struct cc_row *row, int col, char *out, size_t cap)
{
	size_t n;
	const char *v = cell(im, row, col, &n);
	if (!v)
		n = 0;
	if (n >= cap)
		n = cc_utf8_cut(v, n, cap - 1);
	if (n)
		memcpy(out, v, n);
	out[n] = '\0';
	return n;
}

/* Whether the N bytes at S look like a credit code (18 ASCII letters and digits). */
static int code_like(const char *s, size_t n)
{
	if (n != 18)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z')))
			return 0;
	return 1;
}

/* Appends the audit record of the row being recorded: TARGET and the JSON object J (consumed),
 * which must come last in the row's text (write_row reads it to the end). */
static void rb_audit(struct imp *im, const char *action, const char *target, json_t *j)
{
	struct rowbuf *rb = im->cur;
	char *after = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!after)
		return; /* not audited rather than not loaded: json_dumps fails only without memory
			 */
	rb->aud_target = rb->text.len;
	rb->aud_target_len = strlen(target);
	if (cc_buf_append(&rb->text, target, rb->aud_target_len) == 0) {
		rb->aud_after = rb->text.len;
		rb->aud_after_len = strlen(after);
		if (cc_buf_append(&rb->text, after, rb->aud_after_len + 1) == 0)
			rb->audit = action;
	}
	free(after);
}

static int prepare_platforms(struct imp *im)
{
	/* Optional columns absent from the file leave stored values alone; a row that changes
	 * nothing is not written (nor audited), so re-importing a file changes nothing. */
	struct cc_buf *b = &im->sql;
	cc_buf_reset(b);
	cc_buf_puts(b,
		    "INSERT INTO platforms(name,kind,level,host_id,host_name,nodes,recognised,"
		    "reviewed) VALUES(?1,?2,?3,?4,?5,coalesce(?6,''),?7,?8) ON CONFLICT(name) DO "
		    "UPDATE SET kind=excluded.kind,level=excluded.level");
	if (im->map[3] >= 0)
		cc_buf_puts(b, ",host_id=excluded.host_id,host_name=excluded.host_name");
	if (im->map[4] >= 0)
		cc_buf_puts(b, ",nodes=excluded.nodes");
	if (im->map[5] >= 0)
		cc_buf_puts(b, ",recognised=excluded.recognised");
	if (im->map[6] >= 0)
		cc_buf_puts(b, ",reviewed=excluded.reviewed");
	cc_buf_puts(
		b,
		" WHERE platforms.kind IS DISTINCT FROM excluded.kind OR platforms.level IS DISTINCT FROM "
		"excluded.level");
	if (im->map[3] >= 0)
		cc_buf_puts(b, " OR platforms.host_id IS DISTINCT FROM excluded.host_id OR "
			       "platforms.host_name IS DISTINCT FROM excluded.host_name");
	if (im->map[4] >= 0)
		cc_buf_puts(b, " OR platforms.nodes IS DISTINCT FROM excluded.nodes");
	if (im->map[5] >= 0)
		cc_buf_puts(b, " OR platforms.recognised IS DISTINCT FROM excluded.recognised");
	if (im->map[6] >= 0)
		cc_buf_puts(b, " OR platforms.reviewed IS DISTINCT FROM excluded.reviewed");
	return begin_row_statement(im, cc_buf_str(b));
}

static int row_platform(struct imp *im, const struct cc_row *row)
{
	char name[256], host[256], code[19], nodes_in[4096], rec[11], rev[11], raw[256];
	struct cc_buf nodes = CC_BUF_INIT(8192);
	struct cc_error e;
	int bad = 0, nrec, nrev, k = -1, l = -1;
	int64_t host_id = 0;
	size_t n;
	const char *v = cell(im, row, 0, &n);
	if (!v || !n) {
		reject(im, 0, "", "平台名称为空", "name is empty");
		bad = 1;
	} else if (n > 200) {
		reject(im, 0, cstr(v, n, raw, sizeof raw), "平台名称过长（最多200字节）",
		       "name is longer than 200 bytes");
		bad = 1;
	}
	cell_str(im, row, 0, name, sizeof name);
	v = cell(im, row, 1, &n);
	k = v && n ? match_word(v, n, innov_platform_kinds, innov_platform_kinds_zh,
				INNOV_PLATFORM_NKINDS)
		   : -1;
	if (k < 0) {
		reject(im, 1, cstr(v ? v : "", v ? n : 0, raw, sizeof raw),
		       "平台类型应为 重点实验室/技术创新中心/制造业创新中心/工程研究中心/"
		       "企业技术中心/新型研发机构/科技企业孵化器/众创空间/环大学创新生态园",
		       "kind must be key_lab, tech_innovation_center, mfg_innovation_center, "
		       "eng_research_center, enterprise_tech_center, new_rd_institution, incubator, "
		       "maker_space or university_park");
		bad = 1;
	}
	v = cell(im, row, 2, &n);
	l = v && n ? match_word(v, n, innov_platform_levels, innov_platform_levels_zh,
				INNOV_PLATFORM_NLEVELS)
		   : -1;
	if (l < 0) {
		reject(im, 2, cstr(v ? v : "", v ? n : 0, raw, sizeof raw),
		       "级别应为 国家级/市级/区县级",
		       "level must be national, municipal or district");
		bad = 1;
	}
	v = cell(im, row, 3, &n);
	host[0] = '\0';
	if (v && n && code_like(v, n)) {
		/* A credit code names a registered enterprise; anything else is an institution. */
		if (v_uscc(im, row, 3, code))
			bad = 1;
		else
			host_id = enterprise_id(im, 3, code, 0);
		if (!host_id)
			bad = 1;
		if (host_id)
			memcpy(host, code, 19);
	} else if (v && n > 200) {
		reject(im, 3, cstr(v, n, raw, sizeof raw), "依托单位名称过长（最多200字节）",
		       "host is longer than 200 bytes");
		bad = 1;
	} else {
		cell_str(im, row, 3, host, sizeof host);
	}
	v = cell(im, row, 4, &n);
	if (v && n >= sizeof nodes_in) {
		reject(im, 4, cstr(v, n, raw, sizeof raw), "服务环节过长", "nodes: too long");
		bad = 1;
	} else if (v && n) {
		cell_str(im, row, 4, nodes_in, sizeof nodes_in);
		if (innov_nodes_canon(im->cat, nodes_in, &nodes, &e)) {
			char zh[1200];
			snprintf(zh, sizeof zh, "服务环节无效（产业链.环节，多个用;分隔）：%s",
				 e.msg);
			reject(im, 4, cstr(v, n, raw, sizeof raw), zh, e.msg);
			bad = 1;
		}
	}
	bad |= v_date(im, row, 5, rec, &nrec);
	bad |= v_date(im, row, 6, rev, &nrev);
	if (!bad && !nrec && !nrev && strcmp(rev, rec) < 0) {
		reject(im, 6, rev, "复核日期早于认定日期", "reviewed before it was recognised");
		bad = 1;
	}
	if (bad) {
		cc_buf_release(&nodes);
		return 1;
	}
	rb_begin(im);
	rb_text(im, 1, name, strlen(name));
	rb_text(im, 2, innov_platform_kinds[k], strlen(innov_platform_kinds[k]));
	rb_text(im, 3, innov_platform_levels[l], strlen(innov_platform_levels[l]));
	if (host_id)
		rb_int(im, 4, host_id);
	else
		rb_null(im, 4);
	rb_opt_text(im, 5, host_id ? NULL : host, host_id ? 0 : strlen(host));
	rb_text(im, 6, cc_buf_str(&nodes), nodes.len);
	if (!nrec)
		rb_text(im, 7, rec, 10);
	else
		rb_null(im, 7);
	if (!nrev)
		rb_text(im, 8, rev, 10);
	else
		rb_null(im, 8);
	/* The after-image of POST /api/v1/innovation/platforms. */
	rb_audit(im, "innov.platform", name,
		 json_pack("{s:s, s:s, s:s, s:s?, s:s}", "name", name, "kind",
			   innov_platform_kinds[k], "level", innov_platform_levels[l], "host",
			   host[0] ? host : NULL, "nodes", cc_buf_str(&nodes)));
	cc_buf_release(&nodes);
	return 0;
}

static int prepare_consortia(struct imp *im)
{
	struct cc_buf *b = &im->sql;
	cc_buf_reset(b);
	cc_buf_puts(b, "INSERT INTO consortia(name,leader_id,members,chain,node,technology,"
		       "milestones,status) VALUES(?1,?2,coalesce(?3,''),?4,?5,?6,?7,"
		       "coalesce(?8,'forming')) ON CONFLICT(name) DO UPDATE SET "
		       "leader_id=excluded.leader_id,chain=excluded.chain,node=excluded.node,"
		       "technology=excluded.technology");
	if (im->map[2] >= 0)
		cc_buf_puts(b, ",members=excluded.members");
	if (im->map[5] >= 0)
		cc_buf_puts(b, ",milestones=excluded.milestones");
	/* An empty status keeps the stored one (a new consortium is forming). */
	if (im->map[6] >= 0)
		cc_buf_puts(b, ",status=coalesce(?8,consortia.status)");
	cc_buf_puts(
		b,
		" WHERE consortia.leader_id IS DISTINCT FROM excluded.leader_id OR consortia.chain "
		"IS DISTINCT FROM excluded.chain OR consortia.node IS DISTINCT FROM excluded.node OR "
		"consortia.technology IS DISTINCT FROM excluded.technology");
	if (im->map[2] >= 0)
		cc_buf_puts(b, " OR consortia.members IS DISTINCT FROM excluded.members");
	if (im->map[5] >= 0)
		cc_buf_puts(b, " OR consortia.milestones IS DISTINCT FROM excluded.milestones");
	if (im->map[6] >= 0)
		cc_buf_puts(b,
			    " OR consortia.status IS DISTINCT FROM coalesce(?8,consortia.status)");
	return begin_row_statement(im, cc_buf_str(b));
}

/*
 * Canonicalises the member list S (N bytes; ';', '；', ',' or '、' between members) into OUT:
 * trimmed members joined by ';'. A member written as a credit code must be a valid one (it may
 * be outside the registry: universities and institutes carry codes too). Returns 0, or 1 with
 * the row rejected at column COL.
 */
static int members_canon(struct imp *im, int col, const char *s, size_t n, struct cc_buf *out)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i, step = 0;
		while (j < n) {
			if (s[j] == ';' || s[j] == ',') {
				step = 1;
				break;
			}
			if (j + 3 <= n && (memcmp(s + j, "\xEF\xBC\x9B", 3) == 0 ||
					   memcmp(s + j, "\xE3\x80\x81", 3) == 0)) {
				step = 3; /* '；' or '、' */
				break;
			}
			j++;
		}
		size_t a = i, z = j;
		while (a < z && s[a] == ' ')
			a++;
		while (z > a && s[z - 1] == ' ')
			z--;
		if (z > a) {
			char code[19], raw[256];
			int warn = 0;
			struct cc_error e;
			if (code_like(s + a, z - a) &&
			    cc_uscc_validate(s + a, z - a, code, &warn, &e)) {
				char zh[1200];
				snprintf(zh, sizeof zh, "成员单位的统一社会信用代码无效：%s",
					 e.msg);
				reject(im, col, cstr(s + a, z - a, raw, sizeof raw), zh, e.msg);
				return 1;
			}
			if (out->len)
				cc_buf_puts(out, ";");
			if (code_like(s + a, z - a))
				cc_buf_append(out, code, 18);
			else
				cc_buf_append(out, s + a, z - a);
		}
		i = j + step;
		if (!step)
			break;
	}
	return 0;
}

static int row_consortium(struct imp *im, const struct cc_row *row)
{
	char name[256], leader[19], ref[256], tech[256], raw[256];
	struct cc_buf members = CC_BUF_INIT(8192);
	struct cc_error e;
	int bad = 0, st = -1;
	int64_t leader_id = 0;
	const struct cc_node *nd = NULL;
	size_t n;
	const char *v = cell(im, row, 0, &n);
	if (!v || !n) {
		reject(im, 0, "", "联合体名称为空", "name is empty");
		bad = 1;
	} else if (n > 200) {
		reject(im, 0, cstr(v, n, raw, sizeof raw), "联合体名称过长（最多200字节）",
		       "name is longer than 200 bytes");
		bad = 1;
	}
	cell_str(im, row, 0, name, sizeof name);
	if (v_uscc(im, row, 1, leader))
		bad = 1;
	else
		leader_id = enterprise_id(im, 1, leader, 0);
	if (!leader_id)
		bad = 1;
	v = cell(im, row, 2, &n);
	if (v && n > 4000) {
		reject(im, 2, cstr(v, n, raw, sizeof raw), "成员单位过长（最多4000字节）",
		       "members: at most 4000 bytes");
		bad = 1;
	} else if (v && n && members_canon(im, 2, v, n, &members)) {
		bad = 1;
	}
	v = cell(im, row, 3, &n);
	if (!v || !n) {
		reject(im, 3, "", "目标环节为空", "node is empty");
		bad = 1;
	} else {
		cell_str(im, row, 3, ref, sizeof ref);
		nd = n < sizeof ref ? cc_node_resolve(im->cat, ref, NULL, &e) : NULL;
		if (!nd) {
			char zh[1200];
			snprintf(zh, sizeof zh, "目标环节无效（产业链.环节）：%s",
				 n < sizeof ref ? e.msg : "too long");
			reject(im, 3, cstr(v, n, raw, sizeof raw), zh,
			       n < sizeof ref ? e.msg : "node reference too long");
			bad = 1;
		}
	}
	v = cell(im, row, 4, &n);
	if (!v || !n) {
		reject(im, 4, "", "攻关技术为空", "technology is empty");
		bad = 1;
	} else if (n > 200) {
		reject(im, 4, cstr(v, n, raw, sizeof raw), "攻关技术过长（最多200字节）",
		       "technology is longer than 200 bytes");
		bad = 1;
	}
	cell_str(im, row, 4, tech, sizeof tech);
	size_t nm;
	const char *ms = cell(im, row, 5, &nm);
	if (ms && nm > 4000) {
		reject(im, 5, cstr(ms, nm, raw, sizeof raw), "里程碑过长（最多4000字节）",
		       "milestones: at most 4000 bytes");
		bad = 1;
	}
	v = cell(im, row, 6, &n);
	if (v && n) {
		st = match_word(v, n, innov_consortium_statuses, innov_consortium_statuses_zh,
				INNOV_CONSORTIUM_NSTATUSES);
		if (st < 0) {
			reject(im, 6, cstr(v, n, raw, sizeof raw),
			       "状态应为 组建中/运行中/已完成/已解散",
			       "status must be forming, active, completed or dissolved");
			bad = 1;
		}
	}
	if (bad) {
		cc_buf_release(&members);
		return 1;
	}
	const char *chain = im->cat->chains[nd->chain].id;
	rb_begin(im);
	rb_text(im, 1, name, strlen(name));
	rb_int(im, 2, leader_id);
	rb_opt_text(im, 3, cc_buf_str(&members), members.len);
	rb_text(im, 4, chain, strlen(chain));
	rb_text(im, 5, nd->id, strlen(nd->id));
	rb_text(im, 6, tech, strlen(tech));
	rb_opt_text(im, 7, ms, ms ? nm : 0);
	if (st >= 0)
		rb_text(im, 8, innov_consortium_statuses[st],
			strlen(innov_consortium_statuses[st]));
	else
		rb_null(im, 8);
	/* The after-image of POST /api/v1/innovation/consortia. */
	rb_audit(im, "innov.consortium", name,
		 json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", name, "leader", leader, "node",
			   nd->id, "technology", tech, "status",
			   innov_consortium_statuses[st >= 0 ? st : 0]));
	cc_buf_release(&members);
	return 0;
}

/* ---- the writer ---- */

/* Notes that the bulk load's next row is LINE's (im->lines). 0 or CC_ENOMEM. */
static int note_line(struct imp *im, long line)
{
	int64_t row = ++im->bulk_rows, d = line - row;
	if (im->nlines && im->lines[im->nlines - 1][1] == d)
		return 0;
	if (im->nlines == im->caplines) {
		size_t cap = im->caplines ? 2 * im->caplines : 64;
		int64_t(*t)[2] = realloc(im->lines, cap * sizeof *t);
		if (!t)
			return CC_ENOMEM;
		im->lines = t;
		im->caplines = cap;
	}
	im->lines[im->nlines][0] = row;
	im->lines[im->nlines++][1] = d;
	return 0;
}

/* The store's bulk load refused its row ROW at the end (a constraint the validators missed,
 * on PostgreSQL): reject that row's line as write_row does. */
static void bulk_refused(void *ctx, int64_t row, const char *msg)
{
	struct imp *im = ctx;
	size_t lo = 0, hi = im->nlines; /* the last entry at or before ROW */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (im->lines[mid][0] <= row)
			lo = mid;
		else
			hi = mid;
	}
	long line = im->nlines ? (long)(row + im->lines[lo][1]) : 0;
	reject_at(im, line, -1, "", "数据库约束不满足", msg);
	im->db_rejected++;
	im->accepted--;
	im->late_rejects = 1;
}

/* Binds and steps one row; counts it. Returns 0, or a fatal CC_E* (database failure). */
static int write_row(struct imp *im, const struct rowbuf *rb)
{
	struct cc_error e;
	int s;
	if (im->load) {
		/* The store writes it (per row on SQLite, copied and merged at the end on
		 * PostgreSQL); a constraint refusing it rejects the row as below. */
		struct cc_val v[RB_MAXV];
		for (int k = 0; k < rb->nv; k++) {
			const struct rb_val *x = &rb->v[k];
			v[k].type = x->type == 1   ? CC_VAL_INT
				    : x->type == 2 ? CC_VAL_REAL
				    : x->type == 3 ? CC_VAL_TEXT
						   : CC_VAL_NULL;
			v[k].i = x->i;
			v[k].d = x->d;
			v[k].s = x->type == 3 ? rb->text.data + x->off : NULL;
			v[k].n = x->type == 3 ? x->len : 0;
		}
		s = cc_store_bulk_row(im->load, v, rb->nv, &e);
		if (s == 0 && !im->plain_ok && note_line(im, rb->line)) /* SQLite: not asked */
			s = cc_error_set(&e, CC_ENOMEM, "out of memory");
		if (s < 0 && s != CC_EINVAL && cc_store_bulk_retry(im->load))
			im->retry = 1; /* again, without the direct load */
		goto counted;
	}
	if (im->careful && cc_store_exec(im->st, "SAVEPOINT cc_row", &e)) {
		cc_error_set(&im->fatal_err, e.code, "line %ld: %s", rb->line, e.msg);
		return e.code;
	}
	if (rb->plain_first) {
		rb_bind(im->plain, rb);
		s = cc_stmt_step(im->plain, &e);
		cc_stmt_reset(im->plain);
		if (s != CC_EINVAL)
			goto done;
	}
	rb_bind(im->upsert, rb);
	s = cc_stmt_step(im->upsert, &e);
	cc_stmt_reset(im->upsert);
done:
	if (s >= 0 && cc_store_changes(im->st) > 0)
		im->changed++;
	if (s >= 0 && im->prov && cc_store_changes(im->st) > 0) {
		/* The row was inserted or changed: its values came from this file's line. */
		cc_stmt_reset(im->prov);
		cc_stmt_bind_int64(im->prov, 1, rb->v[0].i);
		cc_stmt_bind_int64(im->prov, 2, rb->v[1].i);
		cc_stmt_bind_int64(im->prov, 3, im->prov_mask);
		cc_stmt_bind_int64(im->prov, 4, im->import_id);
		cc_stmt_bind_int64(im->prov, 5, rb->line);
		s = cc_stmt_step(im->prov, &e);
		cc_stmt_reset(im->prov);
		if (s < 0) {
			cc_error_set(&im->fatal_err, s, "line %ld: %s", rb->line, e.msg);
			return s;
		}
	}
	if (s >= 0 && rb->audit && cc_store_changes(im->st) > 0) {
		char target[256];
		const char *actor = im->opts->actor ? im->opts->actor : "cli";
		size_t tn =
			rb->aud_target_len < sizeof target ? rb->aud_target_len : sizeof target - 1;
		memcpy(target, rb->text.data + rb->aud_target, tn);
		target[tn] = '\0';
		/* The after JSON is the last thing in TEXT, so it ends where TEXT does. */
		if (cc_store_audit(im->st, actor, rb->audit, target, NULL,
				   rb->text.data + rb->aud_after, &e))
			s = CC_EDB;
	}
	if (im->careful) {
		struct cc_error e2 = {0};
		if (cc_store_exec(im->st,
				  s >= 0 ? "RELEASE SAVEPOINT cc_row"
					 : "ROLLBACK TO SAVEPOINT cc_row; RELEASE SAVEPOINT cc_row",
				  &e2)) {
			cc_error_set(&im->fatal_err, e2.code, "line %ld: %s", rb->line, e2.msg);
			return e2.code;
		}
	} else if (s == CC_EINVAL && !im->plain_ok) { /* the transaction is spoilt: again */
		im->retry = 1;
		cc_error_set(&im->fatal_err, s, "line %ld: %s", rb->line, e.msg);
		return s;
	}
counted:
	if (s >= 0) {
		im->accepted++;
		return 0;
	}
	if (s == CC_EINVAL) {
		/* A constraint the validators missed: reject the row. */
		reject_at(im, rb->line, -1, "", "数据库约束不满足", e.msg);
		im->db_rejected++;
		return 0;
	}
	cc_error_set(&im->fatal_err, s, "line %ld: %s", rb->line, e.msg);
	return s;
}

/* The queue between the reader and the writer thread: NBATCH batches of BATCH rows. */
struct queue {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct batch *b[NBATCH];
	int head, count, done;
	struct imp *im;
};

static int by_key(const void *a, const void *b)
{
	const struct rowbuf *x = *(const struct rowbuf *const *)a;
	const struct rowbuf *y = *(const struct rowbuf *const *)b;
	if (x->v[0].i != y->v[0].i)
		return x->v[0].i < y->v[0].i ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/*
 * Fills ORDER with B's rows in the order to write them: the file's, except that a patents
 * batch out of number order is sorted by number (then line, so the last row of a repeated
 * number still wins): the table's key is the number, and inserts in key order touch the fewest
 * pages. Files are usually in number order already, which costs one comparison per row.
 */
static void key_order(const struct imp *im, const struct batch *b, const struct rowbuf **order)
{
	int sorted = 1;
	for (int i = 0; i < b->n; i++) {
		order[i] = &b->rows[i];
		if (i && im->kind == CC_KIND_PATENTS && b->rows[i].v[0].i < b->rows[i - 1].v[0].i)
			sorted = 0;
	}
	if (!sorted)
		qsort(order, (size_t)b->n, sizeof *order, by_key);
}

static void *writer_main(void *arg)
{
	struct queue *q = arg;
	for (;;) {
		pthread_mutex_lock(&q->lock);
		while (q->count == 0 && !q->done)
			pthread_cond_wait(&q->changed, &q->lock);
		if (q->count == 0 && q->done) {
			pthread_mutex_unlock(&q->lock);
			return NULL;
		}
		struct batch *b = q->b[q->head];
		pthread_mutex_unlock(&q->lock);
		const struct rowbuf *order[BATCH];
		key_order(q->im, b, order);
		for (int i = 0; i < b->n && !__atomic_load_n(&q->im->fatal, __ATOMIC_ACQUIRE); i++)
			if (write_row(q->im, order[i]))
				__atomic_store_n(&q->im->fatal, 1, __ATOMIC_RELEASE);
		pthread_mutex_lock(&q->lock);
		q->head = (q->head + 1) % NBATCH;
		q->count--;
		pthread_cond_broadcast(&q->changed);
		pthread_mutex_unlock(&q->lock);
	}
}

/* ---- the driver ---- */

/*
 * Rewrites ERR's message so that it names the file as NAME wherever it says PATH: messages
 * from the readers name the path they opened, which for an upload is a temporary file the
 * user never saw.
 */
static void name_file(struct cc_error *err, const char *path, const char *name)
{
	if (!err || !*path || strcmp(path, name) == 0)
		return;
	char out[sizeof err->msg];
	size_t o = 0, np = strlen(path), nn = strlen(name);
	for (const char *p = err->msg; *p && o + 1 < sizeof out;) {
		if (strncmp(p, path, np) == 0) {
			size_t k = nn < sizeof out - 1 - o ? nn : sizeof out - 1 - o;
			memcpy(out + o, name, k);
			o += k;
			p += np;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	memcpy(err->msg, out, o + 1);
}

void cc_import_result_release(struct cc_import_result *res)
{
	if (!res)
		return;
	for (int i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	res->nwarnings = 0;
}

/* One import's file, transaction and writer pipeline, for cc_import_file and its steps. */
struct load {
	struct cc_table *t;
	int (*row_fn)(struct imp *, const struct cc_row *); /* the kind's row validator */
	int in_tx, journal_switched, fk_off;
	int log_bulk;	       /* the change log says "everything changed" once */
	struct batch *batches; /* NBATCH; the queue is set up with them */
	struct queue q;
	pthread_t writer;
	int writer_started;
	struct cc_progress prog;
	double t0;
	struct cc_buf prov_sql; /* indicators' record of changed rows, for the bulk load */
};

/* Sets IM up for importing PATH (its name for messages: the display name, else the base). */
static void imp_init(struct imp *im, struct cc_store *st, const char *path,
		     const struct cc_import_opts *opts, struct cc_import_result *res,
		     struct cc_error *err)
{
	memset(im, 0, sizeof *im);
	memset(res, 0, sizeof *res);
	pthread_mutex_init(&im->reject_lock, NULL);
	res->kind = opts->kind;
	res->format = "";
	im->st = st;
	im->plain_ok = cc_store_failure_keeps_tx(st);
	im->opts = opts;
	im->res = res;
	im->err = err;
	im->kind = opts->kind;
	im->rep_last_line[0] = im->rep_last_line[1] = -1;
	if (opts->display_name && *opts->display_name) {
		im->name = opts->display_name;
	} else {
		const char *slash = strrchr(path, '/');
		im->name = slash && slash[1] ? slash + 1 : path;
	}
	cc_buf_init(&im->rejbuf, 1 << 20);
	cc_buf_init(&im->sql, 1 << 16);
}

/*
 * Opens PATH, maps its header (which settles the kind), opens the reject report and the
 * registry look-up, and for a big exclusive import leaves WAL mode. Returns 0 or a negative
 * CC_E*.
 */
static int open_input(struct imp *im, struct load *ld, const char *path)
{
	const struct cc_import_opts *opts = im->opts;
	struct cc_store *st = im->st;
	struct cc_error *err = im->err;
	struct cc_row row;
	int rc = cc_codes_load(err);
	if (rc)
		return rc;
	im->cat = cc_catalogue_get(err);
	if (!im->cat)
		return err ? err->code : CC_EINVAL;
	rc = cc_table_open(&ld->t, path, err);
	if (rc)
		return rc;
	im->res->format = cc_table_format(ld->t);
	im->csv = strcmp(im->res->format, "xlsx") != 0;
	rc = cc_table_next(ld->t, &row, err);
	if (rc == 0)
		return cc_error_set(err, CC_EINVAL, "'%s' is empty: a header row is required",
				    im->name);
	if (rc < 0)
		return rc;
	rc = map_header(im, &row);
	if (rc)
		return rc;
	/* Past the header, a malformed record is one rejected row, not the end of the file. */
	cc_table_skip_bad(ld->t);
	if (opts->rejects_path) {
		/* read back by report_sort (where it cannot be, a pipe say, written only) */
		im->rejects = fopen(opts->rejects_path, "w+b");
		if (!im->rejects)
			im->rejects = fopen(opts->rejects_path, "wb");
		if (!im->rejects)
			return cc_error_set(err, CC_EIO, "cannot write reject report '%s'",
					    opts->rejects_path);
		fputs("\xEF\xBB\xBFline,column,value,reason_zh,reason_en\r\n", im->rejects);
	}
	rc = cc_stmt_prepare(st, &im->lookup, "SELECT id FROM enterprises WHERE uscc = ?1", err);
	if (rc)
		return rc;
	cc_stamp_now(im->now);
	if (opts->exclusive && !opts->dry_run && cc_table_size(ld->t) > (8u << 20)) {
		/* Only succeeds when no other connection has the database open. */
		if (cc_store_journal_bulk(st))
			ld->journal_switched = 1;
	}
	return 0;
}

/* Prepares the statements of IM's kind and chooses its row validator. */
static int prepare_kind(struct imp *im, struct load *ld)
{
	/* The kinds whose files run to millions of rows go through the store's bulk load. Not
	 * an indicators file giving one of R&D staff and employees: each of its rows reads the
	 * stored other one, which must see the file's earlier rows written. */
	im->use_bulk = (im->kind == CC_KIND_ENTERPRISES || im->kind == CC_KIND_INDICATORS ||
			im->kind == CC_KIND_MEMBERS || im->kind == CC_KIND_SUPPLY ||
			im->kind == CC_KIND_PATENTS || im->kind == CC_KIND_ENERGY) &&
		       !pair_partial(im);
	switch (im->kind) {
	case CC_KIND_ENTERPRISES: ld->row_fn = row_enterprise; return prepare_enterprises(im);
	case CC_KIND_INDICATORS: ld->row_fn = row_indicator; return prepare_indicators(im);
	case CC_KIND_MEMBERS: ld->row_fn = row_member; return prepare_members(im);
	case CC_KIND_SUPPLY: ld->row_fn = row_supply; return prepare_supply(im);
	case CC_KIND_POSTINGS: ld->row_fn = row_posting; return prepare_postings(im);
	case CC_KIND_ENERGY: ld->row_fn = row_energy; return prepare_energy(im);
	case CC_KIND_PATENTS: ld->row_fn = row_patent; return prepare_patents(im);
	case CC_KIND_FLAGS: ld->row_fn = row_flag; return prepare_flags(im);
	case CC_KIND_RECOGNITIONS: ld->row_fn = row_recognition; return prepare_recognitions(im);
	case CC_KIND_PLATFORMS: ld->row_fn = row_platform; return prepare_platforms(im);
	case CC_KIND_CONSORTIA: ld->row_fn = row_consortium; return prepare_consortia(im);
	default: return cc_error_set(im->err, CC_EINVAL, "unknown file kind");
	}
}

/* A big file of another kind: one pass over the registry into the map beats a B-tree seek
 * per enterprise. */
static int map_registry(struct imp *im)
{
	struct cc_stmt *all = NULL;
	int rc = cc_stmt_prepare(im->st, &all, "SELECT id, uscc FROM enterprises", im->err);
	if (rc)
		return rc;
	while (cc_stmt_step(all, im->err) == 1) {
		struct bulk_slot *slot = bulk_find(im, cc_stmt_text(all, 1));
		if (!slot)
			break;
		if (!slot->id)
			im->used_slots++;
		memcpy(slot->uscc, cc_stmt_text(all, 1), 18);
		slot->id = cc_stmt_int64(all, 0);
	}
	cc_stmt_free(all);
	im->idmap = 1;
	return 0;
}

/*
 * Starts the store's bulk load of IM's kind (inside the transaction: on PostgreSQL it makes a
 * temporary table that the commit drops). The values of each kind's rows, by type.
 */
static int start_bulk(struct imp *im, struct load *ld)
{
	char types[RB_MAXV + 1] = "";
	struct cc_bulk_spec spec = {0};
	switch (im->kind) {
	case CC_KIND_ENTERPRISES: snprintf(types, sizeof types, "ttitttttt"); break;
	case CC_KIND_INDICATORS: {
		size_t k = 0;
		types[k++] = 'i';
		types[k++] = 'i';
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			if (im->map[2 + m] >= 0 && k < RB_MAXV - 1)
				types[k++] = 'd';
		types[k++] = 'i'; /* the line */
		types[k] = '\0';
		break;
	}
	case CC_KIND_MEMBERS: snprintf(types, sizeof types, "itttt"); break;
	case CC_KIND_SUPPLY: snprintf(types, sizeof types, "titttdd"); break;
	case CC_KIND_PATENTS: snprintf(types, sizeof types, "ittttttti"); break;
	case CC_KIND_ENERGY: snprintf(types, sizeof types, "iitddd"); break;
	default: return cc_error_set(im->err, CC_EINVAL, "no bulk load for this kind");
	}
	spec.upsert = im->upsert_sql;
	spec.plain = im->plain_sql;
	spec.changed = ld->prov_sql.len ? cc_buf_str(&ld->prov_sql) : NULL;
	spec.types = types;
	spec.rowid_ids = im->kind == CC_KIND_ENTERPRISES;
	spec.refused = bulk_refused;
	spec.ctx = im;
	spec.no_direct = im->careful;
	if (!spec.upsert)
		return cc_error_set(im->err, CC_EINVAL, "no row statement for the bulk load");
	return cc_store_bulk_begin(im->st, &spec, &im->load, im->err);
}

/*
 * Begins the write transaction (foreign keys off: every reference is checked row by row), and
 * for the first registry load drops the credit-code index to build it once at the end.
 */
static int begin_load(struct imp *im, struct load *ld)
{
	const struct cc_import_opts *opts = im->opts;
	struct cc_store *st = im->st;
	int rc;
	/* Every reference is checked against the registry row by row (enterprise_id), so the
	 * foreign-key checks would only repeat that work; `check` runs foreign_key_check. */
	cc_store_foreign_keys(st, 0);
	ld->fk_off = 1;
	rc = cc_store_begin(st, im->err);
	if (rc)
		return rc;
	ld->in_tx = 1;
	if (im->kind == CC_KIND_ENTERPRISES && !opts->dry_run &&
	    cc_store_int(st, "SELECT count(*) FROM (SELECT 1 FROM enterprises LIMIT 1) t", 1) ==
		    0) {
		im->bulk = 1;
		rc = cc_store_exec(st, "DROP INDEX enterprises_uscc", im->err);
		if (rc == 0)
			rc = prepare_enterprises(im);
		if (rc)
			return rc;
	}
	/* A big file (over 8 MB; CC_LOG_BULK_BYTES: tests) logs one "everything changed" row
	 * instead of a row per row it writes: a reader rebuilds its frame rather than patch it a
	 * row at a time (frame/frame.c). */
	ld->log_bulk =
		!opts->dry_run && im->kind != CC_KIND_POSTINGS && im->kind != CC_KIND_PATENTS &&
		(im->bulk || cc_table_size(ld->t) > (uint64_t)cc_env_int("CC_LOG_BULK_BYTES",
									 8 << 20, 0, INT64_MAX));
	if (ld->log_bulk) {
		rc = cc_store_log_bulk(st, 1, im->err);
		if (rc)
			return rc;
	}
	if (im->kind == CC_KIND_INDICATORS && !opts->dry_run) {
		/* The imports row is written at the end, in this transaction: its id is known now
		 * (nobody else writes while the transaction holds the lock). */
		im->import_id = cc_store_int(st, "SELECT coalesce(max(id), 0) + 1 FROM imports", 0);
		im->prov_mask = 0;
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			if (im->map[2 + m] >= 0)
				im->prov_mask |= (int64_t)1 << m;
		if (im->import_id < 1)
			return cc_error_set(im->err, CC_EDB, "cannot read the imports table");
		if (im->prov_mask && im->use_bulk) {
			/* the same statement for the bulk load, the line as the row's last value */
			int line_param = 3;
			for (int m = 0; m < CC_M_BASE_COUNT; m++)
				line_param += im->map[2 + m] >= 0;
			cc_buf_reset(&ld->prov_sql);
			cc_buf_printf(&ld->prov_sql,
				      "INSERT INTO indicator_imports(enterprise_id,period,mask,"
				      "import_id,line) VALUES(?1,?2,%lld,%lld,?%d) ON CONFLICT("
				      "enterprise_id,period,mask) DO UPDATE SET "
				      "import_id=excluded.import_id,line=excluded.line",
				      (long long)im->prov_mask, (long long)im->import_id,
				      line_param);
		} else if (im->prov_mask) {
			rc = cc_stmt_prepare(
				st, &im->prov,
				"INSERT INTO indicator_imports(enterprise_id,period,mask,"
				"import_id,line) VALUES(?1,?2,?3,?4,?5) ON CONFLICT(enterprise_id,"
				"period,mask) DO UPDATE SET import_id=excluded.import_id,"
				"line=excluded.line",
				im->err);
			if (rc)
				return rc;
		}
	}
	if (im->use_bulk) {
		rc = start_bulk(im, ld);
		if (rc)
			return rc;
	}
	/* A big file maps the registry. So does a file of more than a megabyte where a look-up
	 * per row is a round trip to a server. */
	if (im->kind != CC_KIND_ENTERPRISES &&
	    (cc_table_size(ld->t) > (32u << 20) ||
	     (cc_store_round_trips(st) && cc_table_size(ld->t) > (1u << 20))))
		return map_registry(im);
	return 0;
}

/*
 * Allocates the batches and the queue, and for a big file starts the writer thread: the
 * reader then never touches SQLite (its look-ups go through the registry map), as one
 * connection is not shared by threads. An indicators file that gives one of R&D staff and
 * employees reads the stored other one per row, so it is written without the thread.
 */
static int start_writer(struct imp *im, struct load *ld)
{
	int threaded = cc_table_size(ld->t) > (32u << 20) &&
		       (im->idmap || im->kind == CC_KIND_ENTERPRISES) && !pair_partial(im);
	ld->batches = calloc(NBATCH, sizeof *ld->batches);
	if (!ld->batches)
		return cc_error_set(im->err, CC_ENOMEM, "out of memory");
	for (int b = 0; b < NBATCH; b++)
		for (int i = 0; i < BATCH; i++)
			cc_buf_init(&ld->batches[b].rows[i].text, CC_CSV_MAX_RECORD + 1024);
	ld->q.im = im;
	pthread_mutex_init(&ld->q.lock, NULL);
	pthread_cond_init(&ld->q.changed, NULL);
	if (threaded && pthread_create(&ld->writer, NULL, writer_main, &ld->q) == 0)
		ld->writer_started = 1;
	return 0;
}

/* Queues the full batch CB and waits for a free one (into *CB, *FILL its number). */
static void hand_over(struct load *ld, struct batch **cb, int *fill)
{
	struct queue *q = &ld->q;
	pthread_mutex_lock(&q->lock);
	while (q->count == NBATCH)
		pthread_cond_wait(&q->changed, &q->lock);
	q->b[(q->head + q->count) % NBATCH] = *cb;
	q->count++;
	pthread_cond_broadcast(&q->changed);
	/* The next free batch: one not queued (the ring has NBATCH slots, and we have NBATCH
	 * batches, so wait until one is consumed). */
	while (q->count == NBATCH)
		pthread_cond_wait(&q->changed, &q->lock);
	*fill = (*fill + 1) % NBATCH;
	pthread_mutex_unlock(&q->lock);
	*cb = &ld->batches[*fill];
	(*cb)->n = 0;
}

/* Queues the last batch CB (when it has rows), tells the writer the file is done and waits
 * for it to finish. */
static void stop_writer(struct load *ld, struct batch *cb)
{
	struct queue *q = &ld->q;
	if (!ld->writer_started)
		return;
	pthread_mutex_lock(&q->lock);
	if (cb->n) {
		while (q->count == NBATCH)
			pthread_cond_wait(&q->changed, &q->lock);
		q->b[(q->head + q->count) % NBATCH] = cb;
		q->count++;
	}
	q->done = 1;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
	pthread_join(ld->writer, NULL);
	ld->writer_started = 0;
}

/*
 * Reads every row past the header: a malformed record or a row that fails validation is
 * rejected, a good row is written (here, or in batches by the writer thread). Returns 0, or a
 * negative CC_E* when the file is broken or too long (a fatal write is left in IM->fatal).
 */
static int read_rows(struct imp *im, struct load *ld)
{
	const struct cc_import_opts *opts = im->opts;
	struct cc_import_result *res = im->res;
	struct cc_error *err = im->err;
	struct cc_row row;
	int rc = 0, fill = 0; /* the batch the reader fills */
	struct batch *cb = &ld->batches[0];
	cb->n = 0;
	for (;;) {
		if (__atomic_load_n(&im->fatal, __ATOMIC_ACQUIRE))
			break;
		rc = cc_table_next(ld->t, &row, err);
		if (rc < 0)
			break; /* a broken file (bad XML, bad encoding, a failed read) stops it */
		if (rc == 0)
			break;
		im->line = row.line;
		im->row_bad = 0;
		im->cur = &cb->rows[cb->n];
		if (++res->rows > CC_IMPORT_MAX_ROWS) {
			rc = cc_error_set(err, CC_EINVAL,
					  "'%s' has more than %lld rows (line %ld): nothing was "
					  "loaded; split it into files of at most that many rows",
					  im->name, (long long)CC_IMPORT_MAX_ROWS, row.line);
			break;
		}
		if (rc == CC_CSV_BAD) {
			/* The reader skipped a malformed record; ERR says what was wrong. */
			reject(im, -1, "",
			       "CSV 记录格式错误（引号不配对或记录过长），整条记录未导入",
			       err ? err->msg : "malformed CSV record");
			res->rejected++;
			continue;
		}
		if (check_controls(im, &row) || ld->row_fn(im, &row) || im->row_bad) {
			res->rejected++;
		} else if (!ld->writer_started) {
			if (write_row(im, im->cur))
				im->fatal = 1;
		} else if (++cb->n == BATCH) {
			hand_over(ld, &cb, &fill);
		}
		if (opts->progress && (res->rows & 1023) == 0)
			cc_progress_update(&ld->prog, (uint64_t)res->rows,
					   (uint64_t)(cc_table_progress(ld->t) * 1000000));
	}
	if (rc > 0)
		rc = 0;
	stop_writer(ld, cb);
	return rc < 0 ? rc : 0;
}

/* The rows are in: counts, the report, warnings, and the registry's credit-code index rebuilt
 * after a first load (the last row of a repeated code wins). */
static int finish_rows(struct imp *im, struct load *ld)
{
	struct cc_import_result *res = im->res;
	struct cc_store *st = im->st;
	int rc;
	if (im->load) {
		int64_t changed = 0;
		struct cc_error e = {0};
		rc = cc_store_bulk_end(im->load, &changed, &e);
		if (rc && cc_store_bulk_retry(im->load))
			im->retry = 1; /* again, without the direct load */
		cc_store_bulk_free(im->load);
		im->load = NULL;
		im->changed += changed;
		if (rc) { /* on PostgreSQL: the merge of the copied rows (nothing is loaded) */
			cc_error_set(im->err, rc, "'%s': writing the validated rows failed: %s",
				     im->name, e.msg);
			if (im->err)
				im->err->internal = e.internal; /* the database's own words */
			return rc;
		}
	}
	res->changed = im->changed;
	res->accepted = im->accepted;
	res->rejected += im->db_rejected;
	report_finish(im, res->rejected);
	if (im->opts->progress)
		cc_progress_finish(&ld->prog, (uint64_t)res->rows);
	if (im->org_warnings)
		add_warning(
			res,
			"%lld credit codes fail the organisation-code check (GB 11714) and were "
			"loaded anyway",
			(long long)im->org_warnings);
	if (im->orphan_suppliers)
		add_warning(res,
			    "%lld supply rows name suppliers not in the registry (kept as outside "
			    "suppliers)",
			    (long long)im->orphan_suppliers);
	if (!im->bulk)
		return 0;
	cc_stmt_free(im->upsert);
	im->upsert = NULL;
	/* Under a savepoint: on PostgreSQL a failed statement spoils the transaction. */
	rc = cc_store_exec(st, "SAVEPOINT cc_index", im->err);
	if (rc)
		return rc;
	if (cc_store_exec(st, "CREATE UNIQUE INDEX enterprises_uscc ON enterprises(uscc)", NULL)) {
		/* The file repeats some codes: the last row of each wins, as in an upsert. The
		 * registry was empty, so nothing refers to the rows dropped. */
		rc = cc_store_exec(st, "ROLLBACK TO SAVEPOINT cc_index", im->err);
		if (rc == 0)
			rc = cc_store_exec(st,
					   "DELETE FROM enterprises WHERE id NOT IN "
					   "(SELECT max(id) FROM enterprises GROUP BY uscc)",
					   im->err);
		if (rc == 0)
			rc = cc_store_exec(st,
					   "CREATE UNIQUE INDEX enterprises_uscc ON "
					   "enterprises(uscc)",
					   im->err);
	}
	if (rc == 0)
		rc = cc_store_exec(st, "RELEASE SAVEPOINT cc_index", im->err);
	return rc;
}

/* Rolls a dry run back; else records the import (imports table, generation, change log) and
 * commits. */
static int commit_load(struct imp *im, struct load *ld, const char *path)
{
	const struct cc_import_opts *opts = im->opts;
	struct cc_import_result *res = im->res;
	struct cc_store *st = im->st;
	struct cc_error *err = im->err;
	struct cc_stmt *log = NULL;
	if (opts->dry_run) {
		cc_store_rollback(st);
		ld->in_tx = 0;
		return 0;
	}
	int rc = ld->log_bulk ? cc_store_log_bulk(st, 0, err) : 0;
	if (rc == 0)
		rc = cc_store_bump_generation(st, err);
	if (rc == 0)
		rc = cc_stmt_prepare(st, &log,
				     "INSERT INTO imports(actor,file,kind,format,rows,accepted,"
				     "rejected,seconds,id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
				     err);
	if (rc == 0) {
		const char *actor = opts->actor ? opts->actor : "cli";
		cc_stmt_bind_text(log, 1, actor, strlen(actor));
		const char *logged = opts->display_name ? opts->display_name : path;
		cc_stmt_bind_text(log, 2, logged, strlen(logged));
		cc_stmt_bind_text(log, 3, cc_kind_name(im->kind), strlen(cc_kind_name(im->kind)));
		cc_stmt_bind_text(log, 4, res->format, strlen(res->format));
		cc_stmt_bind_int64(log, 5, res->rows);
		cc_stmt_bind_int64(log, 6, res->accepted);
		cc_stmt_bind_int64(log, 7, res->rejected);
		cc_stmt_bind_double(log, 8, cc_now() - ld->t0);
		if (im->import_id > 0) /* the id indicator_imports names */
			cc_stmt_bind_int64(log, 9, im->import_id);
		else
			cc_stmt_bind_null(log, 9);
		rc = cc_stmt_step(log, err) < 0 ? CC_EDB : 0;
	}
	cc_stmt_free(log);
	/* Statements must be finished before COMMIT releases the write lock cleanly. */
	cc_stmt_free(im->prov);
	im->prov = NULL;
	cc_stmt_free(im->upsert);
	im->upsert = NULL;
	cc_stmt_free(im->plain);
	im->plain = NULL;
	if (rc == 0)
		rc = cc_store_commit(st, err);
	if (rc == 0)
		ld->in_tx = 0;
	return rc;
}

/* Undoes what the import left open (a transaction, the journal mode, foreign keys) and frees
 * what IM and LD hold. */
static void load_release(struct imp *im, struct load *ld)
{
	struct cc_store *st = im->st;
	cc_stmt_free(im->prov);
	im->prov = NULL;
	cc_stmt_free(im->upsert);
	im->upsert = NULL;
	cc_stmt_free(im->plain);
	cc_store_bulk_free(im->load);
	im->load = NULL;
	free(im->upsert_sql);
	free(im->plain_sql);
	cc_buf_release(&ld->prov_sql);
	if (ld->journal_switched)
		cc_store_journal_normal(st);
	if (ld->fk_off)
		cc_store_foreign_keys(st, 1);
	if (ld->batches) {
		for (int b = 0; b < NBATCH; b++)
			for (int i = 0; i < BATCH; i++)
				cc_buf_release(&ld->batches[b].rows[i].text);
		free(ld->batches);
		pthread_mutex_destroy(&ld->q.lock);
		pthread_cond_destroy(&ld->q.changed);
	}
	pthread_mutex_destroy(&im->reject_lock);
	free(im->slots);
	free(im->lines);
	if (im->rejects)
		fclose(im->rejects);
	cc_stmt_free(im->lookup);
	cc_buf_release(&im->rejbuf);
	cc_buf_release(&im->sql);
	cc_table_free(ld->t);
}

/* One attempt at importing PATH (cc_import_file); CAREFUL: each row under a savepoint. 1 when
 * the file must be imported again carefully (im.retry; nothing of it stays). */
static int import_once(struct cc_store *st, const char *path, const struct cc_import_opts *opts,
		       struct cc_import_result *res, struct cc_error *err, int careful, double t0)
{
	struct imp im;
	struct load ld;
	int rc = 0;
	memset(&ld, 0, sizeof ld);
	cc_buf_init(&ld.prov_sql, 1 << 12);
	ld.t0 = t0;
	imp_init(&im, st, path, opts, res, err);
	im.careful = careful;
	rc = open_input(&im, &ld, path);
	if (rc == 0)
		rc = prepare_kind(&im, &ld);
	if (rc == 0)
		rc = begin_load(&im, &ld);
	if (rc)
		goto out;
	if (opts->progress)
		cc_progress_start(&ld.prog, cc_kind_name(im.kind), 1000000);
	rc = start_writer(&im, &ld);
	if (rc == 0)
		rc = read_rows(&im, &ld);
	if (rc)
		goto out;
	if (im.fatal) {
		rc = im.retry && !careful
			     ? 1
			     : cc_error_set(err, im.fatal_err.code ? im.fatal_err.code : CC_EDB,
					    "%s", im.fatal_err.msg);
		goto out;
	}
	rc = finish_rows(&im, &ld);
	if (rc && im.retry && !careful)
		rc = 1;
	if (rc == 0)
		rc = commit_load(&im, &ld, path);
	if (rc == 0)
		rc = res->rejected ? CC_EREJECT : 0;
out:
	if (ld.in_tx)
		cc_store_rollback(st);
	if (rc && rc != CC_EREJECT)
		name_file(err, path, im.name);
	if (rc && rc != CC_EREJECT && res->accepted) {
		/* Nothing of a failed file stays: say so plainly. */
		res->accepted = 0;
	}
	res->seconds = cc_now() - ld.t0;
	load_release(&im, &ld);
	return rc;
}

int cc_import_file(struct cc_store *st, const char *path, const struct cc_import_opts *opts,
		   struct cc_import_result *res, struct cc_error *err)
{
	double t0 = cc_now();
	int rc = import_once(st, path, opts, res, err, 0, t0);
	if (rc == 1)
		rc = import_once(st, path, opts, res, err, 1, t0);
	return rc;
}

/* Appends "大型、中型 …（或 large、medium …）" for N words to B. */
static void words_zh(struct cc_buf *b, const char *const *zh, const char *const *ids, int n)
{
	for (int i = 0; i < n; i++)
		cc_buf_printf(b, "%s%s", i ? "、" : "", zh[i]);
	cc_buf_puts(b, "（或 ");
	for (int i = 0; i < n; i++)
		cc_buf_printf(b, "%s%s", i ? "、" : "", ids[i]);
	cc_buf_puts(b, "）");
}

void cc_column_rule_zh(int kind, int col, struct cc_buf *b)
{
	const struct cc_column *cols = cc_kind_columns(kind);
	const char *id = cols ? cols[col].id : NULL;
	if (!id)
		return;
	if (kind == CC_KIND_PATENTS) {
		static const char *const rules[] = {
			("专利申请号：12 位数字加校验位（如 201710601862.3），2003 年以前为 8 位加校验位；"
			 "可带 ZL"),
			"可空（按申请号第 5 位确定）：发明、实用新型、外观设计、PCT发明、PCT实用新型",
			"专利名称，不超过 600 字节",
			"IPC 分类号，如 H01M 10/0525；多个用 ; 分隔，主分类号在前",
			"日期，写作 YYYY-MM-DD；年份须与申请号中的年份一致",
			"日期，写作 YYYY-MM-DD；未授权的空着",
			"日期，写作 YYYY-MM-DD；仍有效的空着",
			"可空（按日期推定）：审中、有效、失效",
			"18 位统一社会信用代码（GB 32100，校验位须正确）；企业须已在企业名录中"};
		if (col >= 0 && col < 9)
			cc_buf_puts(b, rules[col]);
	} else if (kind == CC_KIND_PLATFORMS) {
		static const char *const rules[] = {
			"平台名称，不超过 200 字节；按名称更新",
			("重点实验室、技术创新中心、制造业创新中心、工程研究中心、企业技术中心、"
			 "新型研发机构、科技企业孵化器、众创空间、环大学创新生态园"),
			"国家级、市级、区县级",
			"依托企业的统一社会信用代码（须在企业名录中），或高校、院所名称",
			"服务的产业链环节，写作 产业链.环节，多个用 ; 分隔；见“产业链环节”表",
			"日期，写作 YYYY-MM-DD",
			"日期，写作 YYYY-MM-DD，不早于认定日期"};
		if (col >= 0 && col < 7)
			cc_buf_puts(b, rules[col]);
	} else if (kind == CC_KIND_CONSORTIA) {
		static const char *const rules[] = {
			"创新联合体名称，不超过 200 字节；按名称更新",
			"牵头企业的 18 位统一社会信用代码；企业须已在企业名录中",
			"成员单位：信用代码或高校、院所名称，多个用 ; 分隔",
			"目标环节，写作 产业链.环节；见“产业链环节”表",
			"攻关的关键技术，不超过 200 字节",
			"里程碑，自由文本",
			"可空（组建中）：组建中、运行中、已完成、已解散"};
		if (col >= 0 && col < 7)
			cc_buf_puts(b, rules[col]);
	} else if (kind == CC_KIND_INDICATORS && col >= 2) {
		const struct cc_metric *mt = cc_metric_get(col - 2);
		cc_buf_printf(b, "数值（%s）%s；空着表示未知", mt->unit_zh,
			      cc_indicator_may_be_negative(col - 2) ? "，可为负（亏损）"
								    : "，不能为负");
	} else if (!strcmp(id, "uscc") || !strcmp(id, "supplier") || !strcmp(id, "buyer")) {
		cc_buf_puts(b, "18 位统一社会信用代码（GB 32100，校验位须正确）");
		if (kind != CC_KIND_ENTERPRISES && strcmp(id, "supplier") != 0)
			cc_buf_puts(b, "；企业须已在企业名录中");
	} else if (!strcmp(id, "name")) {
		cc_buf_puts(b, "企业全称，不超过 200 字");
	} else if (!strcmp(id, "region")) {
		cc_buf_puts(b, "6 位行政区划代码（GB/T 2260），如 500112；见“行政区划”表");
	} else if (!strcmp(id, "industry")) {
		cc_buf_puts(b, "国民经济行业代码（GB/T 4754-2017），如 C3670");
	} else if (!strcmp(id, "founded") || !strcmp(id, "valid_until")) {
		cc_buf_puts(b, "日期，写作 YYYY-MM-DD，如 2024-06-30");
	} else if (!strcmp(id, "scale")) {
		words_zh(b, scale_zh, scale_ids, 4);
	} else if (!strcmp(id, "listed")) {
		words_zh(b, listed_zh, listed_ids, 6);
	} else if (!strcmp(id, "certs")) {
		cc_buf_puts(b, "可多项，用 ；、或 , 分隔：");
		words_zh(b, cert_zh, cert_ids, 5);
	} else if (!strcmp(id, "period")) {
		cc_buf_puts(b, "年度 YYYY（如 2024）或月份 YYYY-MM（如 2024-06）");
	} else if (!strcmp(id, "chain")) {
		cc_buf_puts(b, "产业链代码，见“产业链环节”表");
	} else if (!strcmp(id, "node")) {
		cc_buf_puts(b, kind == CC_KIND_MEMBERS
				       ? "环节代码，见“产业链环节”表"
				       : "写作 产业链.环节（如 nev.battery），见“产业链环节”表");
	} else if (!strcmp(id, "role")) {
		words_zh(b, role_zh, role_ids, 3);
	} else if (!strcmp(id, "annual_value")) {
		cc_buf_puts(b, "数值（万元），不能为负");
	} else if (!strcmp(id, "share")) {
		cc_buf_puts(b, "0–1 之间的小数，或百分数（如 45%）");
	} else if (!strcmp(id, "kind")) {
		words_zh(b, kind_zh, kind_ids, 2);
	} else if (!strcmp(id, "quantity")) {
		cc_buf_puts(b, "数值，不能为负");
	} else if (!strcmp(id, "unit")) {
		cc_buf_puts(b, "数量的单位，如 台、套、吨、件、万元");
	} else if (!strcmp(id, "region_pref")) {
		cc_buf_puts(b, "6 位行政区划代码，多个用 ; 分隔，如 500112;510100");
	} else if (kind == CC_KIND_ENERGY && !strcmp(id, "carrier")) {
		const struct green_factors *g = green_factors_get(NULL);
		for (int k = 0; g && k < g->ncarriers; k++)
			cc_buf_printf(b, "%s%s（%s）", k ? "、" : "", g->carriers[k].name_zh,
				      g->carriers[k].id);
	} else if (kind == CC_KIND_ENERGY && !strcmp(id, "quantity")) {
		cc_buf_puts(b, "数值，不能为负；单位见“计量单位”");
	} else if (kind == CC_KIND_ENERGY && !strcmp(id, "unit")) {
		const struct green_factors *g = green_factors_get(NULL);
		cc_buf_puts(b, "空着表示该品种的基本单位：");
		for (int k = 0; g && k < g->ncarriers; k++)
			cc_buf_printf(b, "%s%s %s", k ? "，" : "", g->carriers[k].name_zh,
				      g->carriers[k].unit);
		cc_buf_puts(
			b, "；也可写 吨、万千瓦时、万立方米、GJ 等（见 chainchief green factors）");
	} else if (!strcmp(id, "value_added")) {
		cc_buf_puts(b, "数值（万元），不能为负；每企业每年填在任一行即可");
	} else if (!strcmp(id, "title")) {
		cc_buf_puts(b, "不超过 600 字节（约 200 个汉字）");
	} else {
		cc_buf_puts(b, "文字");
	}
}
